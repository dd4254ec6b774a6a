//! mqadmin `consumerProgress` (ConsumerProgressSubCommand): with `-g`, a group's broker offset, consumer offset,
//! lag (diff), in-flight count and last consume time per queue, then TPS and totals; without `-g`, one line per
//! consumer group (every `%RETRY%` topic) with its online client count, version, type, model, TPS and total lag.

use clap::Args;
use fulmen_client::Admin;
use fulmen_protocol::Version;
use fulmen_protocol::body::{ConsumeStats, ConsumeType, ConsumerConnection};

use super::java_text::{front, human_seconds};
use super::{CommandResult, NamesrvArg};

/// Options of `consumerProgress`.
#[derive(Debug, Args)]
pub struct ConsumerProgressArgs {
    #[command(flatten)]
    namesrv: NamesrvArg,
    /// Consumer group name.
    #[arg(short = 'g', long = "groupName")]
    group: Option<String>,
    /// Topic name.
    #[arg(short = 't', long = "topicName")]
    topic: Option<String>,
}

/// `consumerProgress`.
pub async fn run(args: ConsumerProgressArgs) -> CommandResult {
    let admin = args.namesrv.admin().await?;
    let outcome = match &args.group {
        Some(group) => {
            let topic = args.topic.as_deref().map(str::trim);
            admin.consume_stats(group.trim(), topic).await.map(|stats| {
                for line in group_lines(&stats) {
                    println!("{line}");
                }
            })
        }
        None => all_groups(&admin).await,
    };
    admin.shutdown().await;
    Ok(outcome?)
}

/// The lines of `consumerProgress -g`.
fn group_lines(stats: &ConsumeStats) -> Vec<String> {
    let mut lines = vec![format!(
        "{:<64}  {:<32}  {:<4}  {:<20}  {:<20}  {:<20} {:<20}{}",
        "#Topic",
        "#Broker Name",
        "#QID",
        "#Broker Offset",
        "#Consumer Offset",
        "#Diff",
        "#Inflight",
        "#LastTime"
    )];
    let (mut diff_total, mut inflight_total) = (0i64, 0i64);
    for (queue, offsets) in &stats.offset_table {
        let diff = offsets.broker_offset - offsets.consumer_offset;
        let inflight = offsets.pull_offset - offsets.consumer_offset;
        diff_total += diff;
        inflight_total += inflight;
        let last_time = if offsets.last_timestamp == 0 {
            "N/A".to_owned()
        } else {
            human_seconds(offsets.last_timestamp)
        };
        lines.push(format!(
            "{:<64}  {:<32}  {:<4}  {:<20}  {:<20}  {:<20} {:<20} {}",
            front(&queue.topic, 64),
            front(&queue.broker_name, 32),
            queue.queue_id,
            offsets.broker_offset,
            offsets.consumer_offset,
            diff,
            inflight,
            last_time
        ));
    }
    lines.push(String::new());
    lines.push(format!("Consume TPS: {:.2}", stats.consume_tps));
    lines.push(format!("Consume Diff Total: {diff_total}"));
    lines.push(format!("Consume Inflight Total: {inflight_total}"));
    lines
}

/// `consumerProgress` without `-g`: every group that has a retry topic.
async fn all_groups(admin: &Admin) -> Result<(), fulmen_client::Error> {
    println!(
        "{:<64}  {:<6}  {:<24} {:<5}  {:<14}  {:<7}  #Diff Total",
        "#Group", "#Count", "#Version", "#Type", "#Model", "#TPS"
    );
    for topic in admin.topic_list().await? {
        let Some(group) = topic.strip_prefix("%RETRY%") else {
            continue;
        };
        let stats = admin.consume_stats(group, None).await.ok();
        let connection = admin.consumer_connection(group).await.ok().flatten();
        println!("{}", group_summary(group, stats.as_ref(), connection.as_ref()));
    }
    Ok(())
}

/// One group's line (Java's `GroupConsumeInfo` columns).
fn group_summary(
    group: &str,
    stats: Option<&ConsumeStats>,
    connection: Option<&ConsumerConnection>,
) -> String {
    let count = connection.map_or(0, |connection| connection.connection_set.len());
    let (version, consume_type, model) = match connection.filter(|_| count > 0) {
        Some(connection) => {
            let min_version = connection
                .connection_set
                .iter()
                .map(|client| client.version)
                .min()
                .unwrap_or(i32::MAX);
            let pull = connection.consume_type == ConsumeType::ConsumeActively;
            let model = if connection.consume_type == ConsumeType::ConsumePassively {
                connection.message_model.as_str().to_owned()
            } else {
                String::new()
            };
            (
                version_desc(min_version),
                if pull { "PULL" } else { "PUSH" },
                model,
            )
        }
        None => ("OFFLINE".to_owned(), "", String::new()),
    };
    let tps = stats.map_or(0, |stats| stats.consume_tps as i64);
    let diff = stats.map_or(0, ConsumeStats::total_diff);
    format!(
        "{:<64}  {:<6}  {:<24} {:<5}  {:<14}  {:<7}  {}",
        front(group, 64),
        count,
        version,
        consume_type,
        model,
        tps,
        diff
    )
}

/// `MQVersion.getVersionDesc` for the versions Fulmen knows by name; others as their ordinal.
fn version_desc(version: i32) -> String {
    match version {
        Version::V5_3_3 => "V5_3_3".to_owned(),
        Version::V5_3_1 => "V5_3_1".to_owned(),
        Version::V5_0_0 => "V5_0_0".to_owned(),
        Version::V4_9_4 => "V4_9_4".to_owned(),
        Version::V4_0_0 => "V4_0_0".to_owned(),
        other => format!("VERSION#{other}"),
    }
}

#[cfg(test)]
mod tests {
    use fulmen_protocol::body::{MessageQueue, OffsetWrapper};

    use super::*;

    #[test]
    fn group_lines_have_mqadmin_columns_and_totals() {
        let mut stats = ConsumeStats::default();
        stats.offset_table.insert(
            MessageQueue::new("T", "broker-a", 1),
            OffsetWrapper {
                broker_offset: 3,
                consumer_offset: 1,
                pull_offset: 1,
                last_timestamp: 0,
            },
        );
        let lines = group_lines(&stats);
        assert_eq!(
            lines[0],
            format!(
                "{:<64}  {:<32}  {:<4}  {:<20}  {:<20}  {:<20} {:<20}#LastTime",
                "#Topic", "#Broker Name", "#QID", "#Broker Offset", "#Consumer Offset", "#Diff", "#Inflight"
            )
        );
        assert!(lines[1].starts_with("T    "));
        assert!(lines[1].ends_with(" N/A"));
        assert_eq!(
            &lines[2..],
            [
                "",
                "Consume TPS: 0.00",
                "Consume Diff Total: 2",
                "Consume Inflight Total: 0"
            ]
        );
        assert!(group_summary("G", Some(&stats), None).contains("OFFLINE"));
    }
}
