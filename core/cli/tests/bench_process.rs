//! `fulmen bench producer` and `fulmen bench consumer` as processes against a `fulmen cluster` process: the
//! producer's summary counts the messages the consumer then gets back, nothing fails, and a run ends by itself
//! (duration or message count) or at SIGINT with its summary; the lite pull and push consumer modes get every
//! message from the start too. Every process is bounded in time.
#![allow(clippy::unwrap_used)] // tests may unwrap

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The longest any one benchmark process may take.
const PROCESS_LIMIT: Duration = Duration::from_secs(90);

/// A `fulmen cluster` process on free ports, stopped (SIGTERM, then SIGKILL) when dropped.
struct Cluster {
    child: Child,
    namesrv: String,
    _store: tempfile::TempDir,
}

impl Cluster {
    fn start() -> Cluster {
        let store = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_fulmen"))
            .args([
                "cluster",
                "--namesrv-listen",
                "127.0.0.1:0",
                "--broker-listen",
                "127.0.0.1:0",
            ])
            .arg("--store-dir")
            .arg(store.path())
            .args(["--commitlog-file-size", "33554432"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        let mut second = String::new();
        stdout.read_line(&mut first).unwrap();
        stdout.read_line(&mut second).unwrap();
        assert!(second.contains("The broker[broker-a, 127.0.0.1:"), "{second:?}");
        let namesrv = first
            .trim()
            .strip_prefix("The Name Server boot success. serializeType=JSON, address ")
            .unwrap_or_else(|| panic!("unexpected boot line {first:?}"))
            .to_owned();
        Cluster {
            child,
            namesrv,
            _store: store,
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        for _ in 0..300 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `fulmen` with `args` to the end (killed past [`PROCESS_LIMIT`]); asserts it exits 0 and returns stdout.
fn fulmen(args: &[&str]) -> String {
    let child = Command::new(env!("CARGO_BIN_EXE_fulmen"))
        .args(args)
        .env("FULMEN_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (done, outcome) = mpsc::channel();
    std::thread::spawn(move || done.send(child.wait_with_output()));
    let output = match outcome.recv_timeout(PROCESS_LIMIT) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
            panic!("fulmen {args:?} did not end within {PROCESS_LIMIT:?}");
        }
    };
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "fulmen {args:?}: exit {:?}\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// The number after `label` in `text`.
fn number_after(text: &str, label: &str) -> u64 {
    let start = text
        .find(label)
        .unwrap_or_else(|| panic!("no {label:?} in\n{text}"))
        + label.len();
    text[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("no number after {label:?} in\n{text}"))
}

/// The final summary's first line.
fn complete_line(stdout: &str) -> &str {
    stdout
        .lines()
        .find(|line| line.starts_with("[Complete] "))
        .unwrap_or_else(|| panic!("no summary in\n{stdout}"))
}

/// Checks a producer summary and returns how many messages were sent.
fn sent(stdout: &str) -> u64 {
    assert!(stdout.contains("Send RT(ms): avg "), "{stdout}");
    let summary = complete_line(stdout);
    assert_eq!(number_after(summary, "| Send Failed: "), 0, "{stdout}");
    let ok = number_after(summary, "| Send OK: ");
    assert_eq!(number_after(summary, "[Complete] Send Total: "), ok, "{stdout}");
    assert!(ok > 0, "{stdout}");
    ok
}

#[test]
fn producer_and_consumer_agree_on_the_count() {
    let cluster = Cluster::start();
    let ns = cluster.namesrv.as_str();
    let topic = "BenchProcessTest";

    let sync = fulmen(&[
        "bench", "producer", "-n", ns, "-t", topic, "-d", "2", "-w", "4", "-s", "256",
    ]);
    assert!(
        sync.contains("mode: sync, tasks: 4, in flight: 4, messageSize: 256"),
        "{sync}"
    );
    assert!(sync.contains("] Send TPS: "), "no progress line in\n{sync}");
    assert!(sync.contains("(duration reached)"), "{sync}");
    assert!(sync.contains("First SEND_OK: "), "{sync}");
    let async_mode = fulmen(&[
        "bench",
        "producer",
        "-n",
        ns,
        "-t",
        topic,
        "-d",
        "1",
        "--mode",
        "async",
        "--in-flight",
        "8",
    ]);
    assert!(
        async_mode.contains("mode: async, tasks: 1, in flight: 8"),
        "{async_mode}"
    );
    let counted = fulmen(&[
        "bench", "producer", "-n", ns, "-t", topic, "-q", "300", "-w", "3", "--tags", "T",
    ]);
    assert_eq!(sent(&counted), 300);
    assert!(counted.contains("(message count reached)"), "{counted}");
    let total = sent(&sync) + sent(&async_mode) + 300;

    // Everything from the start: exactly what the producers counted, then the run ends by its message count.
    let total_arg = total.to_string();
    let consumed = fulmen(&[
        "bench",
        "consumer",
        "-n",
        ns,
        "-t",
        topic,
        "--from-start",
        "-q",
        &total_arg,
        "-d",
        "60",
    ]);
    assert_eq!(
        number_after(&consumed, "[Complete] Receive Total: "),
        total,
        "{consumed}"
    );
    assert_eq!(
        number_after(complete_line(&consumed), "| Pull Failed: "),
        0,
        "{consumed}"
    );
    assert!(consumed.contains("(message count reached)"), "{consumed}");
    assert!(consumed.contains("| Consume TPS while active: "), "{consumed}");
    assert!(
        consumed.contains("B2C RT(ms), born to consumed: avg "),
        "{consumed}"
    );
    assert_eq!(
        number_after(&consumed, "| Offsets advanced: "),
        total,
        "{consumed}"
    );
    assert_eq!(number_after(&consumed, "| Lag at the end: "), 0, "{consumed}");

    // From the newest offset: nothing old; the run ends by its duration.
    let idle = fulmen(&[
        "bench",
        "consumer",
        "-n",
        ns,
        "-t",
        topic,
        "-d",
        "1",
        "-g",
        "idle_group",
    ]);
    assert_eq!(number_after(&idle, "[Complete] Receive Total: "), 0, "{idle}");
    assert!(idle.contains("(duration reached)"), "{idle}");
}

#[test]
fn consumer_from_the_newest_offset_gets_what_is_sent_while_it_runs() {
    let cluster = Cluster::start();
    let ns = cluster.namesrv.clone();
    let topic = "BenchLiveTest";
    // Create the topic, so the consumer finds its queues at once.
    sent(&fulmen(&[
        "bench", "producer", "-n", &ns, "-t", topic, "-q", "10", "-w", "1",
    ]));

    let mut consumer = Command::new(env!("CARGO_BIN_EXE_fulmen"))
        .args([
            "bench", "consumer", "-n", &ns, "-t", topic, "-q", "400", "-d", "60",
        ])
        .args(["--report-interval", "0", "--idle-wait-ms", "4"])
        .env("FULMEN_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = consumer.id();
    let mut stdout = BufReader::new(consumer.stdout.take().unwrap());
    // The header is printed once the starting offsets are known.
    let mut header = String::new();
    stdout.read_line(&mut header).unwrap();
    assert!(header.starts_with("topic: BenchLiveTest"), "{header:?}");
    assert!(header.contains("from: newest offset"), "{header:?}");

    sent(&fulmen(&[
        "bench", "producer", "-n", &ns, "-t", topic, "-q", "400", "-w", "4",
    ]));
    let (done, outcome) = mpsc::channel();
    std::thread::spawn(move || {
        let mut rest = String::new();
        stdout.read_to_string(&mut rest).unwrap();
        done.send((rest, consumer.wait().unwrap())).unwrap();
    });
    let Ok((rest, status)) = outcome.recv_timeout(PROCESS_LIMIT) else {
        let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
        panic!("the consumer did not end within {PROCESS_LIMIT:?}");
    };
    assert!(status.success(), "{status}\n{rest}");
    assert_eq!(number_after(&rest, "[Complete] Receive Total: "), 400, "{rest}");
    assert!(rest.contains("(message count reached)"), "{rest}");
}

#[test]
fn lite_and_push_consumers_get_every_message_from_the_start() {
    let cluster = Cluster::start();
    let ns = cluster.namesrv.as_str();
    let topic = "BenchApiTest";
    assert_eq!(
        sent(&fulmen(&[
            "bench", "producer", "-n", ns, "-t", topic, "-q", "300", "-w", "3",
        ])),
        300
    );
    for api in ["lite", "push"] {
        let group = format!("bench_api_{api}");
        let line =
            format!("bench consumer -n {ns} -t {topic} --api {api} -g {group} --from-start -q 300 -d 60");
        let consumed = fulmen(&line.split(' ').collect::<Vec<_>>());
        assert!(
            consumed.starts_with(&format!("topic: {topic}, api: {api}, ")),
            "{consumed}"
        );
        assert!(consumed.contains("from: first offset"), "{consumed}");
        assert_eq!(
            number_after(&consumed, "[Complete] Receive Total: "),
            300,
            "{consumed}"
        );
        assert_eq!(
            number_after(complete_line(&consumed), "| Pull Failed: "),
            0,
            "{consumed}"
        );
        assert!(consumed.contains("(message count reached)"), "{consumed}");
        assert!(
            consumed.contains("S2C RT(ms), stored to consumed: avg "),
            "{consumed}"
        );
        assert!(
            consumed.contains(&format!("of group {group} shut down")),
            "{consumed}"
        );
    }
}

#[test]
fn sigint_ends_an_embedded_run_with_its_summary() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fulmen"))
        .args([
            "bench",
            "producer",
            "--embedded",
            "-d",
            "60",
            "-w",
            "2",
            "-t",
            "BenchSignalTest",
        ])
        .env("FULMEN_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    // The embedded cluster line, the header, then the first progress line.
    while !seen.contains("] Send TPS: ") {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "stdout closed early:\n{seen}"
        );
        seen.push_str(&line);
    }
    assert!(
        seen.starts_with("embedded cluster: name server 127.0.0.1:"),
        "{seen}"
    );
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let (done, outcome) = mpsc::channel();
    std::thread::spawn(move || {
        let mut rest = String::new();
        stdout.read_to_string(&mut rest).unwrap();
        done.send((rest, child.wait().unwrap())).unwrap();
    });
    let Ok((rest, status)) = outcome.recv_timeout(Duration::from_secs(20)) else {
        let _ = Command::new("kill").args(["-KILL", &pid]).status();
        panic!("fulmen bench producer did not stop within 20 s of SIGINT");
    };
    assert!(status.success(), "{status}\n{rest}");
    assert!(rest.contains("(stopped by signal)"), "{rest}");
    sent(&rest);
}
