//! mqadmin `queryMsgById` (QueryMsgByIdSubCommand: labelled fields, body written to
//! `/tmp/rocketmq/msgbodys/<msgId>`, comma-separated ids, then which consumer groups consumed it) and
//! `queryMsgByKey` (QueryMsgByKeySubCommand: message id, queue id and offset per match).

use std::path::PathBuf;

use clap::Args;
use fulmen_client::StoredMessage;

use super::java_text::{human_millis, java_properties};
use super::{CommandResult, NamesrvArg};

/// Where mqadmin writes message bodies.
const BODY_DIR: &str = "/tmp/rocketmq/msgbodys";

/// Options of `queryMsgById`.
#[derive(Debug, Args)]
pub struct QueryMsgByIdArgs {
    #[command(flatten)]
    namesrv: NamesrvArg,
    /// Topic name.
    #[arg(short = 't', long = "topic")]
    topic: String,
    /// Message Id (several separated by commas).
    #[arg(short = 'i', long = "msgId")]
    msg_id: String,
}

/// `queryMsgById`: each message's fields, or `Message not found!`.
pub async fn by_id(args: QueryMsgByIdArgs) -> CommandResult {
    let admin = args.namesrv.admin().await?;
    let outcome = async {
        for msg_id in args.msg_id.split(',').map(str::trim).filter(|id| !id.is_empty()) {
            match admin.query_message_by_id(args.topic.trim(), msg_id).await? {
                Some(found) => {
                    let path = write_body(&found)?;
                    for line in message_lines(&found, &path) {
                        println!("{line}");
                    }
                    // The consumer-track section; mqadmin prints a failure's stack trace and goes on.
                    match admin.message_tracks(&found).await {
                        Ok(tracks) if tracks.is_empty() => print!("\n\nWARN: No Consumer"),
                        Ok(tracks) => {
                            print!("\n\n");
                            for track in tracks {
                                println!("{track}");
                            }
                        }
                        Err(error) => eprintln!("{error}"),
                    }
                }
                None => print!("\nMessage not found!"),
            }
        }
        Ok::<_, Box<dyn std::error::Error>>(())
    }
    .await;
    admin.shutdown().await;
    outcome
}

/// Writes the body to `/tmp/rocketmq/msgbodys/<msgId>` as mqadmin does and returns the path.
fn write_body(found: &StoredMessage) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(BODY_DIR)?;
    let path = PathBuf::from(BODY_DIR).join(&found.message.msg_id);
    std::fs::write(&path, &found.message.body)?;
    Ok(path)
}

/// The `%-20s %s` lines of `queryMsgById`.
fn message_lines(found: &StoredMessage, body_path: &std::path::Path) -> Vec<String> {
    let message = &found.message;
    let keys = if message.keys.is_empty() {
        "null".to_owned()
    } else {
        message.keys.join(" ")
    };
    let fields: [(&str, String); 15] = [
        ("OffsetID:", message.offset_msg_id.clone()),
        ("Topic:", message.topic.clone()),
        (
            "Tags:",
            format!("[{}]", message.tags.as_deref().unwrap_or("null")),
        ),
        ("Keys:", format!("[{keys}]")),
        ("Queue ID:", message.queue.queue_id.to_string()),
        ("Queue Offset:", message.queue_offset.to_string()),
        ("CommitLog Offset:", message.commit_log_offset.to_string()),
        ("Reconsume Times:", message.reconsume_times.to_string()),
        ("Born Timestamp:", human_millis(message.born_timestamp)),
        ("Store Timestamp:", human_millis(message.store_timestamp)),
        ("Born Host:", message.born_host.clone()),
        ("Store Host:", message.store_host.clone()),
        ("System Flag:", found.sys_flag.to_string()),
        ("Properties:", java_properties(&message.properties)),
        ("Message Body Path:", body_path.display().to_string()),
    ];
    fields
        .into_iter()
        .map(|(label, value)| format!("{label:<20} {value}"))
        .collect()
}

/// Options of `queryMsgByKey`.
#[derive(Debug, Args)]
pub struct QueryMsgByKeyArgs {
    #[command(flatten)]
    namesrv: NamesrvArg,
    /// Topic name.
    #[arg(short = 't', long = "topic")]
    topic: String,
    /// Message Key.
    #[arg(short = 'k', long = "msgKey")]
    key: String,
    /// Begin timestamp (ms).
    #[arg(short = 'b', long = "beginTimestamp", default_value_t = 0)]
    begin: i64,
    /// End timestamp (ms).
    #[arg(short = 'e', long = "endTimestamp", default_value_t = i64::MAX)]
    end: i64,
    /// The maximum number of messages returned by the query.
    #[arg(short = 'm', long = "maxNum", default_value_t = 64)]
    max_num: i32,
}

/// `queryMsgByKey`: a header, then message id, queue id and queue offset per message.
pub async fn by_key(args: QueryMsgByKeyArgs) -> CommandResult {
    let admin = args.namesrv.admin().await?;
    let outcome = admin
        .query_messages_by_key(
            args.topic.trim(),
            args.key.trim(),
            args.max_num,
            args.begin,
            args.end,
        )
        .await;
    admin.shutdown().await;
    let found = outcome?;
    println!("{:<50} {:>4} {:>40}", "#Message ID", "#QID", "#Offset");
    for found in found {
        let message = &found.message;
        println!(
            "{:<50} {:>4} {:>40}",
            message.msg_id, message.queue.queue_id, message.queue_offset
        );
    }
    Ok(())
}
