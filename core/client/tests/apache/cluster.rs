//! The shared Apache RocketMQ 5.3.3 name server and broker of one test binary: `interop/apache/run-apache-cluster.sh`
//! (the official jars in one JVM on 127.0.0.1) started on first use, stopped when this process exits.
//!
//! The JVM's stdin is a pipe held by a `static`; the pipe closes when the test process exits, however it exits, and
//! `ApacheCluster.java` then shuts the broker and name server down and deletes its temporary store. There is no skip:
//! without Java or Maven the first test fails with the launcher's message.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// The first run builds the Maven project (downloads included); later starts take seconds.
const START_BOUND: Duration = Duration::from_secs(600);
/// The first word of the launcher's ready line.
const READY: &str = "APACHE_CLUSTER_READY";

/// A running Apache name server and broker.
#[derive(Debug)]
pub struct ApacheCluster {
    /// `127.0.0.1:port` of the name server.
    pub namesrv_addr: String,
    /// `127.0.0.1:port` the broker advertises.
    pub broker_addr: String,
    /// The broker's name (`brokerName`).
    pub broker_name: String,
    /// Kept open until the process exits: its end of stream stops the JVM.
    _stdin: Mutex<ChildStdin>,
    _child: Mutex<Child>,
}

impl ApacheCluster {
    /// The cluster of this test binary, started on the first call. Panics with the launcher's reason when it cannot
    /// start (no Java, no Maven, a failed build or start).
    pub fn shared() -> &'static ApacheCluster {
        ApacheCluster::shared_with(&[])
    }

    /// Like [`ApacheCluster::shared`], with broker.conf `key=value` settings for the broker (e.g.
    /// `transactionCheckInterval=1000`). Only the first call of a test binary starts the cluster, so every test of a
    /// binary must pass the same settings.
    pub fn shared_with(settings: &[&str]) -> &'static ApacheCluster {
        static CLUSTER: OnceLock<ApacheCluster> = OnceLock::new();
        CLUSTER.get_or_init(|| ApacheCluster::start(settings).unwrap_or_else(|reason| panic!("{reason}")))
    }

    fn start(settings: &[&str]) -> Result<ApacheCluster, String> {
        let script = launcher();
        let mut child = Command::new(&script)
            .args(settings)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|error| {
                format!(
                    "cannot run {} (it needs bash, Java 17+ and Maven 3.8+): {error}",
                    script.display()
                )
            })?;
        let stdin = child.stdin.take().ok_or("the launcher has no stdin pipe")?;
        let stdout = child.stdout.take().ok_or("the launcher has no stdout pipe")?;
        // The reader thread forwards the ready line, then keeps draining stdout so the JVM never blocks on it.
        let (ready_tx, ready_rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut ready_tx = Some(ready_tx);
            for line in BufReader::new(stdout).lines().map_while(std::result::Result::ok) {
                if line.starts_with(READY) {
                    if let Some(tx) = ready_tx.take() {
                        let _ = tx.send(line);
                    }
                } else {
                    eprintln!("[apache] {line}");
                }
            }
        });
        let line = match ready_rx.recv_timeout(START_BOUND) {
            Ok(line) => line,
            Err(waited) => {
                let outcome = match waited {
                    // stdout closed without the line: the launcher is exiting
                    mpsc::RecvTimeoutError::Disconnected => match child.wait() {
                        Ok(status) => format!("exited with {status}"),
                        Err(error) => format!("could not be waited for: {error}"),
                    },
                    mpsc::RecvTimeoutError::Timeout => {
                        let _ = child.kill();
                        format!("gave no ready line within {START_BOUND:?}")
                    }
                };
                return Err(format!(
                    "the Apache cluster did not start: {} {outcome}; its errors are above. It needs bash, Java 17+ \
                     and Maven 3.8+ on PATH (the tests of feature \"apache\" never skip)",
                    script.display(),
                ));
            }
        };
        let field = |name: &str| {
            line.split_whitespace()
                .find_map(|word| word.strip_prefix(name)?.strip_prefix('='))
                .map(str::to_owned)
                .ok_or_else(|| format!("no {name}= in the ready line {line:?}"))
        };
        Ok(ApacheCluster {
            namesrv_addr: field("namesrv")?,
            broker_addr: field("broker")?,
            broker_name: field("brokerName")?,
            _stdin: Mutex::new(stdin),
            _child: Mutex::new(child),
        })
    }
}

/// `interop/apache/run-apache-cluster.sh` of this repository.
fn launcher() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../interop/apache/run-apache-cluster.sh")
}
