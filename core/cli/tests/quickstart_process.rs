//! `fulmen quickstart` as a newcomer runs it: it prints a Java-style `SendResult` per message, gets every message
//! back, and exits 0.
#![allow(clippy::unwrap_used)] // tests may unwrap

use std::process::Command;

#[test]
fn quickstart_sends_and_consumes_every_message() {
    let output = Command::new(env!("CARGO_BIN_EXE_fulmen"))
        .args(["quickstart", "--messages", "120", "--topic", "QuickstartTest"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "exit {:?}\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("SendResult [sendStatus=SEND_OK, msgId="))
        .collect();
    assert_eq!(results.len(), 120);
    assert!(
        results
            .iter()
            .all(|l| l.contains("messageQueue=MessageQueue [topic=QuickstartTest, brokerName=broker-a"))
    );
    assert!(stdout.contains("sent 120 messages in"), "{stdout}");
    assert!(stdout.contains("consumed 120 in"), "{stdout}");
    assert!(stdout.contains("every message came back intact"), "{stdout}");
}
