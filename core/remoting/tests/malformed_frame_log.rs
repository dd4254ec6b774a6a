//! A malformed frame is logged once, as a warning naming the peer. This test has its own binary: tracing caches
//! whether a log site is enabled process-wide, and a test on another thread reaching the same site before this one
//! installs its subscriber could cache "disabled".
#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use fulmen_remoting::ServerConfig;

/// An `io::Write` into a shared buffer, to read back what was logged.
#[derive(Clone, Default)]
struct CapturedLog(Arc<Mutex<Vec<u8>>>);

impl Write for CapturedLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// A current-thread runtime keeps every task on this thread, where the capturing subscriber is the default.
#[tokio::test(flavor = "current_thread")]
async fn a_malformed_frame_is_logged_once_as_a_warning_naming_the_peer() {
    let log = CapturedLog::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .with_writer({
            let log = log.clone();
            move || log.clone()
        })
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    bounded(async {
        let (server, _) = test_server(ServerConfig::default()).await;
        let raw = send_malformed(&server, "invalid JSON", &frame(9, b"{not json")).await;
        let peer = raw.local_addr().unwrap().to_string();
        server.shutdown().await;

        let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text
            .lines()
            .filter(|line| line.contains("malformed frame"))
            .collect();
        assert_eq!(lines.len(), 1, "{text}");
        assert!(lines[0].contains("WARN"), "{text}");
        assert!(lines[0].contains(&peer), "{text}");
        assert!(lines[0].contains("invalid JSON"), "{text}");
    })
    .await;
}
