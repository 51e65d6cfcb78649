//! moto's S3 server for tests: one `moto_server` per test on a free loopback port, killed when
//! dropped. The blob store's S3 backend, Amplify's `s3://` deploy sources and the integration
//! tests all start it through here.
//!
//! Without `moto_server` on PATH, [`Moto::start`] prints a notice and returns `None` so the
//! test can pass, except under CI (the `CI` variable is set), where a missing tool must not
//! look like a passing suite.

#![allow(clippy::unwrap_used, reason = "test support panics on broken fixtures by design")]

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const INSTALL: &str = "python3 -m pip install -r tests/requirements.txt";

/// A running `moto_server`.
pub struct Moto {
    child: Child,
    endpoint: String,
}

impl Moto {
    /// Starts moto and waits until it listens, or returns `None` (after a notice naming
    /// `what` would be skipped) when it is not installed outside CI.
    pub fn start(what: &str) -> Option<Moto> {
        let installed = Command::new("moto_server")
            .arg("--help")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            // A pyenv shim exists even where the tool is not installed; it then exits 127.
            .is_ok_and(|status| status.success());
        if !installed {
            assert!(
                std::env::var_os("CI").is_none(),
                "moto_server is not on PATH; {what} need it: {INSTALL}"
            );
            eprintln!("skipping {what}: moto_server is not on PATH ({INSTALL})");
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let mut moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = moto.child.try_wait() {
                panic!("moto_server exited before listening on port {port}: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "moto_server did not listen on port {port} within 30 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(moto)
    }

    /// `http://127.0.0.1:{port}`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
