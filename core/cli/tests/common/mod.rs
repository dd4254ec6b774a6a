//! Helpers shared by the tests that run the `fulmen` binary as a child process.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// How long a server may take to stop after SIGTERM.
const STOP_LIMIT: Duration = Duration::from_secs(15);

/// Sends SIGTERM to `child` and waits (bounded) for it to exit with code 0.
pub fn stop_with_sigterm(mut child: Child) {
    let signalled = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(signalled.success());
    let deadline = Instant::now() + STOP_LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "fulmen did not stop within {STOP_LIMIT:?} of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0), "exit status {status}");
}

/// The first line `child` writes to its piped stdout (the boot line of a server); the pipe is closed after it.
pub fn first_stdout_line(child: &mut Child) -> String {
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    line
}
