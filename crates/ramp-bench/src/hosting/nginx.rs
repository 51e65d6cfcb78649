//! nginx as the static-file baseline: Debian's `nginx-light`, started by the benchmark with a
//! generated configuration on a free port, serving files from a temporary directory.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use super::sitegen::SiteFile;

const START_TIMEOUT: Duration = Duration::from_secs(10);

/// A running nginx, stopped (SIGQUIT: graceful) and waited for when dropped.
pub struct Nginx {
    child: Child,
    pub addr: SocketAddr,
    pub version: String,
    _root: tempfile::TempDir,
}

/// The configuration: nginx at its usual best for small static files on 2 cores. One worker
/// per core, sendfile, no access log, open-file cache, and connections kept for the whole run
/// (the default of 1,000 requests per connection would make nginx reconnect and ramp not).
fn config(root: &Path, port: u16) -> String {
    let dir = root.display();
    format!(
        "worker_processes auto;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
daemon off;
events {{
    worker_connections 4096;
}}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 75s;
    keepalive_requests 10000000;
    open_file_cache max=10000 inactive=60s;
    open_file_cache_valid 60s;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    types {{
        text/html html;
        text/javascript js;
        text/css css;
        application/json json;
    }}
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port};
        root {dir}/site;
        index index.html;
    }}
}}
"
    )
}

impl Nginx {
    /// Writes `files` under a fresh directory and starts nginx on it.
    pub fn start(files: &[SiteFile]) -> anyhow::Result<Self> {
        let binary = find_binary()?;
        let version = version(&binary)?;
        let root = tempfile::tempdir().context("creating nginx's directory")?;
        // Workers run as `nobody` when the benchmark runs as root: they must read the files.
        std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o755))?;
        for file in files {
            let path = root.path().join("site").join(&file.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, &file.content).with_context(|| format!("writing {}", path.display()))?;
        }
        std::fs::create_dir_all(root.path().join("tmp"))?;
        let port = free_port()?;
        let conf = root.path().join("nginx.conf");
        std::fs::write(&conf, config(root.path(), port))?;
        let child = Command::new(&binary)
            .arg("-p")
            .arg(root.path())
            .arg("-e")
            .arg(root.path().join("error.log"))
            .arg("-c")
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let mut nginx = Self {
            child,
            addr,
            version,
            _root: root,
        };
        nginx.wait_until_listening()?;
        Ok(nginx)
    }

    fn wait_until_listening(&mut self) -> anyhow::Result<()> {
        let started = Instant::now();
        while TcpStream::connect_timeout(&self.addr, Duration::from_millis(100)).is_err() {
            if let Some(status) = self.child.try_wait()? {
                let log = std::fs::read_to_string(self._root.path().join("error.log")).unwrap_or_default();
                bail!("nginx exited: {status}\n{log}");
            }
            if started.elapsed() > START_TIMEOUT {
                bail!("nginx did not listen on {} within {START_TIMEOUT:?}", self.addr);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        Ok(())
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-QUIT", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

fn find_binary() -> anyhow::Result<PathBuf> {
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|path| path.is_file())
        .context("no nginx binary: install it with `apt-get install nginx-light`")
}

/// `nginx -v` prints e.g. `nginx version: nginx/1.22.1` on stderr.
fn version(binary: &Path) -> anyhow::Result<String> {
    let output = Command::new(binary).arg("-v").output()?;
    let text = String::from_utf8_lossy(&output.stderr);
    Ok(text.trim().trim_start_matches("nginx version: ").to_owned())
}

/// A port free now (bound then released; nginx binds it right after).
fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
