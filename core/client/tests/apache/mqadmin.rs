//! Apache's own admin tool for the mixed tests: `mqadmin` (`MQAdminStartup` from rocketmq-tools, on the harness
//! classpath).

/// Runs Apache's `mqadmin` with `args` and returns what it printed; panics with the output when it fails or takes
/// too long.
pub fn run_mqadmin(args: &[&str]) -> String {
    super::run_java_main("org.apache.rocketmq.tools.command.MQAdminStartup", args)
}
