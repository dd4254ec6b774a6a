//! `fulmen namesrv` as a process: it prints Apache's boot line with the bound address, serves, and exits 0 on
//! SIGTERM, even when whoever started it has already closed its stdout and stderr pipes.
#![allow(clippy::unwrap_used)] // tests may unwrap

use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

mod common;

use common::{first_stdout_line, stop_with_sigterm};

#[test]
fn namesrv_serves_and_stops_cleanly_on_sigterm_with_closed_pipes() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fulmen"))
        .args(["namesrv", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let boot_line = first_stdout_line(&mut child);
    let addr = boot_line
        .trim()
        .strip_prefix("The Name Server boot success. serializeType=JSON, address ")
        .unwrap_or_else(|| panic!("unexpected boot line {boot_line:?}"));
    TcpStream::connect_timeout(&addr.parse().unwrap(), Duration::from_secs(5)).unwrap();
    drop(child.stderr.take()); // both pipes are now closed, as a supervisor that stopped reading would leave them

    stop_with_sigterm(child);
}
