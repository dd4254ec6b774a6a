//! The official Java client's half of the mixed tests: `fulmen.interop.apache.JavaClient` (interop/apache), run once
//! per call in its own JVM, reads a topic with `DefaultMQPullConsumer` and sends fixed messages with
//! `DefaultMQProducer`; this module runs it (bounded) and parses what it printed. [`run_java_main`] runs any other
//! main class of interop/apache the same way.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use fulmen_protocol::message::Properties;

/// JVM start, the read (bounded to 30 s inside) and the sends.
const RUN_BOUND: Duration = Duration::from_secs(120);

/// One message the Java consumer read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JavaRead {
    /// `MessageExt.getMsgId()` (the UNIQ_KEY for client-side decoded messages).
    pub msg_id: String,
    /// The queue id.
    pub queue_id: i32,
    /// The queue offset.
    pub queue_offset: i64,
    /// The body, decompressed by the Java client.
    pub body: Vec<u8>,
    /// `getTags()`.
    pub tags: Option<String>,
    /// `getKeys()`: the keys joined by spaces.
    pub keys: Option<String>,
    /// Every property, by name.
    pub properties: BTreeMap<String, String>,
    /// The stored `sysFlag` (bit 0x1: the body is compressed).
    pub sys_flag: i32,
    /// The size of the message in the commitlog.
    pub store_size: i32,
}

/// One message the Java producer sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JavaSent {
    /// `SendResult.getMsgId()`.
    pub msg_id: String,
    /// The queue id it went to.
    pub queue_id: i32,
    /// Its queue offset.
    pub queue_offset: i64,
}

/// What one run printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JavaClientRun {
    /// The messages of the read topic.
    pub read: Vec<JavaRead>,
    /// The messages sent to the send topic, in order.
    pub sent: Vec<JavaSent>,
}

/// Runs `JavaClient <namesrv> <read_topic> <count> <send_topic>`; panics with its output when it fails.
pub fn run_java_client(namesrv: &str, read_topic: &str, count: usize, send_topic: &str) -> JavaClientRun {
    let count = count.to_string();
    let stdout = run_java_main(
        "fulmen.interop.apache.JavaClient",
        &[namesrv, read_topic, &count, send_topic],
    );
    assert!(
        stdout.lines().any(|line| line == "DONE"),
        "JavaClient did not finish: {stdout}"
    );
    let mut run = JavaClientRun {
        read: Vec::new(),
        sent: Vec::new(),
    };
    for line in stdout.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields[..] {
            [
                "READ",
                msg_id,
                queue_id,
                queue_offset,
                body,
                tags,
                keys,
                properties,
                sys_flag,
                store_size,
            ] => run.read.push(JavaRead {
                msg_id: msg_id.to_owned(),
                queue_id: queue_id.parse().unwrap(),
                queue_offset: queue_offset.parse().unwrap(),
                body: hex::decode(body).unwrap(),
                tags: text(tags),
                keys: text(keys),
                properties: Properties::decode(&text(properties).unwrap_or_default())
                    .iter()
                    .map(|(name, value)| (name.to_owned(), value.to_owned()))
                    .collect(),
                sys_flag: sys_flag.parse().unwrap(),
                store_size: store_size.parse().unwrap(),
            }),
            ["SENT", msg_id, queue_id, queue_offset] => run.sent.push(JavaSent {
                msg_id: msg_id.to_owned(),
                queue_id: queue_id.parse().unwrap(),
                queue_offset: queue_offset.parse().unwrap(),
            }),
            _ => {}
        }
    }
    run
}

/// A hex field, `-` for Java's null.
fn text(field: &str) -> Option<String> {
    (field != "-").then(|| String::from_utf8(hex::decode(field).unwrap()).unwrap())
}

/// Runs a main class of interop/apache in its own JVM (bounded by [`RUN_BOUND`]) and returns what it printed;
/// panics with its output when it fails.
pub fn run_java_main(main: &str, args: &[&str]) -> String {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../interop/apache/run-apache-java.sh");
    let child = Command::new(&script)
        .arg(main)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", script.display()));
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let Ok(output) = rx.recv_timeout(RUN_BOUND) else {
        // The JVM is ours and overdue: end it by its id.
        let _ = Command::new("kill").arg(pid.to_string()).status();
        panic!("{main} did not finish within {RUN_BOUND:?}");
    };
    let output = output.unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{main} failed ({}): {stdout}",
        output.status
    );
    stdout
}
