//! The machine's ceiling: the least an axum HTTP/1.1 server can do per request (route, write a
//! small JSON body), served the same way ramp is served, so the gap to it is ramp's own work.

use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread::JoinHandle;

use anyhow::{Context, anyhow};
use axum::Json;
use axum::Router;
use axum::routing::get;
use tokio::sync::oneshot;

/// A running ceiling server; [`Ceiling::stop`] shuts it down and joins its thread.
pub struct Ceiling {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<anyhow::Result<()>>>,
}

impl Ceiling {
    /// Starts the endpoint on 127.0.0.1:0 in its own thread and tokio runtime.
    ///
    /// The runtime is a default multi-thread one, one worker per core, exactly what
    /// `ramp serve` builds, so both servers get the same threads to compete with the generator.
    pub fn start() -> anyhow::Result<Self> {
        let (ready_tx, ready_rx) = mpsc::channel();
        let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("ceiling".to_owned())
            .spawn(move || -> anyhow::Result<()> {
                let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
                    let _ = ready_tx.send(listener.local_addr());
                    let app = Router::new().route("/", get(handler));
                    axum::serve(listener, app)
                        .with_graceful_shutdown(async {
                            let _ = shutdown_rx.await;
                        })
                        .await?;
                    Ok(())
                })
            })
            .context("starting the ceiling thread")?;
        let addr = ready_rx
            .recv()
            .map_err(|_| anyhow!("the ceiling server failed before binding"))?
            .context("binding the ceiling server")?;
        Ok(Self {
            addr,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
        })
    }

    pub fn stop(mut self) -> anyhow::Result<()> {
        self.shutdown_and_join()
    }

    fn shutdown_and_join(&mut self) -> anyhow::Result<()> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        match self.thread.take() {
            Some(thread) => thread.join().map_err(|_| anyhow!("the ceiling thread panicked"))?,
            None => Ok(()),
        }
    }
}

impl Drop for Ceiling {
    fn drop(&mut self) {
        let _ = self.shutdown_and_join();
    }
}

/// About the size of a GetApplication answer, so both write similar bytes per response.
async fn handler() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "Id": "abc1234", "Name": "ceiling", "Description": "machine ceiling" }))
}
