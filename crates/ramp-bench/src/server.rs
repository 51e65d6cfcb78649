//! Starting the real `ramp serve` on a fresh data directory, and timing how long it takes to
//! answer `GET /_ramp/health`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};

/// The phrase of ramp's log line that carries the bound address (`ramp listening on http://ADDR`).
const LISTENING: &str = "ramp listening on http://";
/// How long ramp may take to come up before the benchmark gives up on it.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// ramp's own default log filter, set explicitly so a `RUST_LOG` in the caller's environment
/// cannot turn on per-request logging and skew the figures (or hide the listening line).
const LOG_FILTER: &str = "warn,ramp=info,ramp_server=info,ramp_store=info";

/// A running `ramp serve`, stopped (SIGTERM, then waited for) when dropped.
pub struct RampProcess {
    child: Child,
    pub addr: SocketAddr,
    /// Spawn → first `200` from `/_ramp/health`.
    pub startup: Duration,
    /// Kept so the directory lives exactly as long as the server.
    _data_dir: tempfile::TempDir,
}

impl RampProcess {
    /// Spawns `ramp serve` on `127.0.0.1:0` with an empty data directory and waits for health.
    pub fn start(binary: &Path) -> anyhow::Result<Self> {
        Self::start_with(binary, &[])
    }

    /// [`RampProcess::start`] with further `ramp serve` flags (a time scale, raised quotas).
    pub fn start_with(binary: &Path, extra_args: &[String]) -> anyhow::Result<Self> {
        let data_dir = tempfile::tempdir().context("creating a data directory")?;
        let mut command = Command::new(binary);
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir.path())
            .args(extra_args)
            .env("RUST_LOG", LOG_FILTER)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        // Any RAMP_* variable (credentials, quotas, a database URL) would change what is measured.
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("RAMP_") {
                command.env_remove(key);
            }
        }

        // The clock starts before the fork/exec: startup is what an operator would wait.
        let started = Instant::now();
        let mut child = command.spawn().with_context(|| {
            format!(
                "starting {} (build it with `cargo build --release -p ramp`)",
                binary.display()
            )
        })?;
        let mut process = match wait_until_healthy(&mut child, started) {
            Ok((addr, startup)) => Self {
                child,
                addr,
                startup,
                _data_dir: data_dir,
            },
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(e);
            }
        };
        // A server that died right after answering is no server to benchmark.
        if let Some(status) = process.child.try_wait()? {
            bail!("ramp exited right after starting: {status}");
        }
        Ok(process)
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The server's process id, for reading its CPU time and memory from `/proc`.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for RampProcess {
    fn drop(&mut self) {
        // SIGTERM lets ramp close its store cleanly; `kill` is the one portable way without libc.
        let terminated = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !terminated {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// Reads the bound address from ramp's stderr, then polls health until it answers 200.
fn wait_until_healthy(child: &mut Child, started: Instant) -> anyhow::Result<(SocketAddr, Duration)> {
    let stderr = child
        .stderr
        .take()
        .ok_or_else(|| anyhow!("ramp's stderr is not piped"))?;
    let (tx, rx) = mpsc::channel::<Result<String, String>>();
    // The thread keeps draining stderr for the server's whole life: a full pipe would block
    // ramp's logging and so its request handling.
    std::thread::spawn(move || {
        let mut sent = false;
        let mut seen = Vec::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if sent {
                continue;
            }
            if let Some(rest) = line.split(LISTENING).nth(1) {
                let _ = tx.send(Ok(rest.split_whitespace().next().unwrap_or_default().to_owned()));
                sent = true;
            } else if seen.len() < 20 {
                seen.push(line);
            }
        }
        if !sent {
            let _ = tx.send(Err(seen.join("\n")));
        }
    });

    let addr = match rx.recv_timeout(START_TIMEOUT) {
        Ok(Ok(addr)) => addr
            .parse::<SocketAddr>()
            .with_context(|| format!("ramp printed an unparsable address {addr:?}"))?,
        Ok(Err(log)) => bail!("ramp exited before listening; its log:\n{log}"),
        Err(_) => bail!("ramp did not print its listening address within {START_TIMEOUT:?}"),
    };
    loop {
        if health_ok(addr) {
            return Ok((addr, started.elapsed()));
        }
        if let Some(status) = child.try_wait()? {
            bail!("ramp exited before answering health: {status}");
        }
        if started.elapsed() > START_TIMEOUT {
            bail!("ramp did not answer GET /_ramp/health within {START_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// One blocking `GET /_ramp/health`; plain std I/O so no client runtime start-up is timed.
fn health_ok(addr: SocketAddr) -> bool {
    let attempt = || -> std::io::Result<bool> {
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(1))?;
        stream.set_read_timeout(Some(Duration::from_secs(1)))?;
        write!(
            stream,
            "GET /_ramp/health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )?;
        let mut status_line = [0u8; 12];
        stream.read_exact(&mut status_line)?;
        Ok(status_line.starts_with(b"HTTP/1.1 200"))
    };
    attempt().unwrap_or(false)
}

/// Startup times of `runs` fresh servers, each on its own empty data directory.
pub fn measure_startup(binary: &Path, runs: usize) -> anyhow::Result<Vec<Duration>> {
    (0..runs)
        .map(|_| RampProcess::start(binary).map(|process| process.startup))
        .collect()
}
