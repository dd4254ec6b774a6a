//! Apache's own admin tool for the mixed tests: `mqadmin` (`MQAdminStartup` from rocketmq-tools, on the harness
//! classpath) run through `interop/apache/run-apache-java.sh`.

use std::time::Duration;

/// Runs Apache's `mqadmin` (`MQAdminStartup`, from rocketmq-tools on the harness classpath) with `args` and returns
/// what it printed; panics with the output when it fails or takes longer than a minute.
pub fn run_mqadmin(args: &[&str]) -> String {
    let script =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../interop/apache/run-apache-java.sh");
    let child = std::process::Command::new(&script)
        .arg("org.apache.rocketmq.tools.command.MQAdminStartup")
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let Ok(output) = rx.recv_timeout(Duration::from_secs(60)) else {
        // The JVM is ours and overdue: end it by its id.
        let _ = std::process::Command::new("kill").arg(pid.to_string()).status();
        panic!("mqadmin {args:?} did not finish within 60 s");
    };
    let output = output.unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "mqadmin {args:?} failed: {stdout}");
    stdout
}
