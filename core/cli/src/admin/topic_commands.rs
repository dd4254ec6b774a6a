//! mqadmin's topic commands: `updateTopic` (UpdateTopicSubCommand), `deleteTopic` (DeleteTopicSubCommand),
//! `topicList` (TopicListSubCommand), `topicRoute` (TopicRouteSubCommand) and `topicStatus`
//! (TopicStatusSubCommand), with their options and output.

use clap::{ArgGroup, Args};
use fulmen_client::{TopicSettings, TopicTarget};
use fulmen_protocol::body::{JsonBody, TopicRouteData, TopicStatsTable};

use fulmen_protocol::java_text::topic_config_to_string;

use fulmen_protocol::java_text::string_set_order;

use super::java_text::{front, human_millis, java_double, java_map};
use super::pretty_json::pretty;
use super::{CommandResult, NamesrvArg};

/// `TopicSysFlag.FLAG_UNIT`.
const FLAG_UNIT: i32 = 0x1;
/// `TopicSysFlag.FLAG_UNIT_SUB`.
const FLAG_UNIT_SUB: i32 = 0x2;

/// Options of `updateTopic`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("target").required(true).multiple(true).args(["broker_addr", "cluster_name"])))]
pub struct UpdateTopicArgs {
    #[command(flatten)]
    namesrv: NamesrvArg,
    /// Topic name.
    #[arg(short = 't', long = "topic")]
    topic: String,
    /// Create topic to which broker (address).
    #[arg(short = 'b', long = "brokerAddr")]
    broker_addr: Option<String>,
    /// Create topic to which cluster.
    #[arg(short = 'c', long = "clusterName")]
    cluster_name: Option<String>,
    /// Set read queue nums.
    #[arg(short = 'r', long = "readQueueNums", default_value_t = 8)]
    read_queue_nums: i32,
    /// Set write queue nums.
    #[arg(short = 'w', long = "writeQueueNums", default_value_t = 8)]
    write_queue_nums: i32,
    /// Set topic's permission (2|4|6), intro[2:W 4:R; 6:RW].
    #[arg(short = 'p', long = "perm", default_value_t = 6)]
    perm: i32,
    /// Set topic's order (true|false).
    #[arg(short = 'o', long = "order", default_value_t = false, action = clap::ArgAction::Set)]
    order: bool,
    /// Is unit topic (true|false).
    #[arg(short = 'u', long = "unit", default_value_t = false, action = clap::ArgAction::Set)]
    unit: bool,
    /// Has unit sub (true|false).
    #[arg(short = 's', long = "hasUnitSub", default_value_t = false, action = clap::ArgAction::Set)]
    has_unit_sub: bool,
    /// Attribute changes, e.g. +message.type=NORMAL,-a.
    #[arg(short = 'a', long = "attributes")]
    attributes: Option<String>,
}

/// `updateTopic`: creates or updates the topic and prints where, then the topic config.
pub async fn update_topic(args: UpdateTopicArgs) -> CommandResult {
    let admin = args.namesrv.admin().await?;
    let mut settings = TopicSettings::new(args.topic.trim());
    settings.read_queue_nums = args.read_queue_nums;
    settings.write_queue_nums = args.write_queue_nums;
    settings.perm = args.perm;
    settings.order = args.order;
    settings.topic_sys_flag =
        (if args.unit { FLAG_UNIT } else { 0 }) | (if args.has_unit_sub { FLAG_UNIT_SUB } else { 0 });
    settings.attributes = args.attributes.map(|text| text.trim().to_owned());
    let target = match (args.broker_addr, args.cluster_name) {
        (Some(addr), _) => TopicTarget::Broker(addr.trim().to_owned()),
        (None, Some(cluster)) => TopicTarget::Cluster(cluster.trim().to_owned()),
        (None, None) => return Err("either -b or -c is required".into()),
    };
    let outcome = admin.create_topic(&target, &settings).await;
    admin.shutdown().await;
    let (addrs, order_conf) = outcome?;
    match target {
        TopicTarget::Broker(addr) => {
            if let Some(conf) = order_conf {
                println!(
                    "set broker orderConf. isOrder={}, orderConf=[{conf}]",
                    settings.order
                );
            }
            println!("create topic to {addr} success.");
        }
        TopicTarget::Cluster(_) => {
            for addr in addrs {
                println!("create topic to {addr} success.");
            }
            if let Some(conf) = order_conf {
                println!(
                    "set cluster orderConf. isOrder={}, orderConf=[{conf}]",
                    settings.order
                );
            }
        }
    }
    println!("{}", topic_config_to_string(&settings.to_topic_config()));
    Ok(())
}

/// Options of `deleteTopic`.
#[derive(Debug, Args)]
pub struct DeleteTopicArgs {
    #[command(flatten)]
    namesrv: NamesrvArg,
    /// Topic name.
    #[arg(short = 't', long = "topic")]
    topic: String,
    /// Delete topic from which cluster.
    #[arg(short = 'c', long = "clusterName")]
    cluster_name: String,
}

/// `deleteTopic`: deletes from the cluster's masters, then from every name server.
pub async fn delete_topic(args: DeleteTopicArgs) -> CommandResult {
    let admin = args.namesrv.admin().await?;
    let (topic, cluster) = (args.topic.trim(), args.cluster_name.trim());
    let outcome = admin.delete_topic(topic, cluster).await;
    admin.shutdown().await;
    outcome?;
    println!("delete topic [{topic}] from cluster [{cluster}] success.");
    println!("delete topic [{topic}] from NameServer success.");
    Ok(())
}

/// Options of `topicList`.
#[derive(Debug, Args)]
pub struct TopicListArgs {
    #[command(flatten)]
    namesrv: NamesrvArg,
    /// clusterModel: print each topic's cluster and consumer groups.
    #[arg(short = 'c', long = "clusterModel")]
    cluster_model: bool,
}

/// `topicList`: one topic per line, or (-c) cluster, topic and consumer group columns.
pub async fn topic_list(args: TopicListArgs) -> CommandResult {
    let admin = args.namesrv.admin().await?;
    let outcome = async {
        // Java reads the list into a HashSet and prints it in that set's order.
        let topics = string_set_order(admin.topic_list().await?);
        if !args.cluster_model {
            for topic in topics {
                println!("{topic}");
            }
            return Ok::<_, fulmen_client::Error>(());
        }
        let info = admin.cluster_info().await?;
        println!(
            "{:<20}  {:<48}  {:<48}",
            "#Cluster Name", "#Topic", "#Consumer Group"
        );
        for topic in topics {
            if topic.starts_with("%RETRY%") || topic.starts_with("%DLQ%") {
                continue;
            }
            let cluster = match admin.topic_route(&topic).await {
                Ok(route) => route
                    .broker_datas
                    .first()
                    .and_then(|broker| {
                        info.cluster_addr_table
                            .iter()
                            .find(|(_, names)| names.contains(&broker.broker_name))
                            .map(|(cluster, _)| cluster.clone())
                    })
                    .unwrap_or_default(),
                Err(_) => String::new(),
            };
            let mut groups = admin.topic_consumer_groups(&topic).await.unwrap_or_default();
            if groups.is_empty() {
                groups.push(String::new());
            }
            for group in groups {
                println!(
                    "{:<20}  {:<64}  {:<64}",
                    front(&cluster, 20),
                    front(&topic, 64),
                    front(&group, 64)
                );
            }
        }
        Ok(())
    }
    .await;
    admin.shutdown().await;
    Ok(outcome?)
}

/// Options of `topicRoute`.
#[derive(Debug, Args)]
pub struct TopicRouteArgs {
    #[command(flatten)]
    namesrv: NamesrvArg,
    /// Topic name.
    #[arg(short = 't', long = "topic")]
    topic: String,
    /// Use list format to print data.
    #[arg(short = 'l', long = "list")]
    list: bool,
}

/// `topicRoute`: the route as fastjson's pretty JSON, or (-l) as a table with totals.
pub async fn topic_route(args: TopicRouteArgs) -> CommandResult {
    let admin = args.namesrv.admin().await?;
    let outcome = admin.topic_route(args.topic.trim()).await;
    admin.shutdown().await;
    let route = outcome?;
    if args.list {
        for line in route_table(route) {
            println!("{line}");
        }
    } else {
        let compact = String::from_utf8(route.encode()?)?;
        println!("{}", pretty(&compact));
    }
    Ok(())
}

/// The lines of `topicRoute -l` (`%-45s %-32s %-50s %-10s %-11s %-5s` rows, 158 dashes, a total row).
fn route_table(mut route: TopicRouteData) -> Vec<String> {
    let row = |a: &str, b: &str, c: &str, d: &str, e: &str, f: &str| {
        format!("{a:<45} {b:<32} {c:<50} {d:<10} {e:<11} {f:<5}")
    };
    let mut lines = vec![row(
        "#ClusterName",
        "#BrokerName",
        "#BrokerAddrs",
        "#ReadQueue",
        "#WriteQueue",
        "#Perm",
    )];
    route
        .broker_datas
        .sort_by(|a, b| a.broker_name.cmp(&b.broker_name));
    let (mut total_read, mut total_write) = (0, 0);
    for broker in &route.broker_datas {
        let Some(queue) = route
            .queue_datas
            .iter()
            .find(|queue| queue.broker_name == broker.broker_name)
        else {
            continue;
        };
        total_read += queue.read_queue_nums;
        total_write += queue.write_queue_nums;
        lines.push(row(
            &broker.cluster,
            &broker.broker_name,
            &java_map(&broker.broker_addrs),
            &queue.read_queue_nums.to_string(),
            &queue.write_queue_nums.to_string(),
            &queue.perm.to_string(),
        ));
    }
    lines.push("-".repeat(158));
    let brokers = route
        .queue_datas
        .iter()
        .map(|queue| queue.broker_name.as_str())
        .collect::<std::collections::HashSet<_>>()
        .len();
    lines.push(row(
        "Total:",
        &brokers.to_string(),
        "",
        &total_read.to_string(),
        &total_write.to_string(),
        "",
    ));
    lines
}

/// Options of `topicStatus`.
#[derive(Debug, Args)]
pub struct TopicStatusArgs {
    #[command(flatten)]
    namesrv: NamesrvArg,
    /// Topic name.
    #[arg(short = 't', long = "topic")]
    topic: String,
}

/// `topicStatus`: min / max offset and last update per queue, then the put TPS.
pub async fn topic_status(args: TopicStatusArgs) -> CommandResult {
    let admin = args.namesrv.admin().await?;
    let outcome = admin.topic_status(args.topic.trim()).await;
    admin.shutdown().await;
    let status = outcome?;
    if status.offset_table.is_empty() {
        return Err("Not found the topic stats info".into());
    }
    for line in status_lines(&status) {
        println!("{line}");
    }
    Ok(())
}

/// The lines of `topicStatus`.
fn status_lines(status: &TopicStatsTable) -> Vec<String> {
    let mut lines = vec![format!(
        "{:<32}  {:<4}  {:<20}  {:<20}    {}",
        "#Broker Name", "#QID", "#Min Offset", "#Max Offset", "#Last Updated"
    )];
    for (queue, offsets) in &status.offset_table {
        let updated = if offsets.last_update_timestamp > 0 {
            human_millis(offsets.last_update_timestamp)
        } else {
            String::new()
        };
        lines.push(format!(
            "{:<32}  {:<4}  {:<20}  {:<20}    {}",
            front(&queue.broker_name, 32),
            queue.queue_id,
            offsets.min_offset,
            offsets.max_offset,
            updated
        ));
    }
    lines.push(String::new());
    lines.push(format!("Topic Put TPS: {}", java_double(status.topic_put_tps)));
    lines
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use fulmen_protocol::body::{BrokerData, MessageQueue, QueueData, TopicOffset};

    use super::*;

    #[test]
    fn route_table_has_mqadmin_columns_and_totals() {
        let route = TopicRouteData {
            queue_datas: vec![QueueData {
                broker_name: "broker-a".into(),
                read_queue_nums: 4,
                write_queue_nums: 2,
                perm: 6,
                topic_sys_flag: 0,
            }],
            broker_datas: vec![BrokerData {
                cluster: "DefaultCluster".into(),
                broker_name: "broker-a".into(),
                broker_addrs: BTreeMap::from([(0, "127.0.0.1:10911".to_owned())]),
                zone_name: None,
                enable_acting_master: false,
            }],
            ..TopicRouteData::default()
        };
        let lines = route_table(route);
        assert_eq!(
            lines[0],
            format!(
                "{:<45} {:<32} {:<50} {:<10} {:<11} {:<5}",
                "#ClusterName", "#BrokerName", "#BrokerAddrs", "#ReadQueue", "#WriteQueue", "#Perm"
            )
        );
        assert!(lines[1].starts_with("DefaultCluster"));
        assert!(lines[1].contains("{0=127.0.0.1:10911}"));
        assert_eq!(lines[2].len(), 158);
        assert!(lines[3].starts_with("Total:"));
    }

    #[test]
    fn status_lines_have_mqadmin_columns() {
        let mut status = TopicStatsTable::default();
        status.offset_table.insert(
            MessageQueue::new("T", "broker-a", 0),
            TopicOffset {
                min_offset: 0,
                max_offset: 3,
                last_update_timestamp: 0,
            },
        );
        let lines = status_lines(&status);
        assert_eq!(
            lines[0],
            concat!(
                "#Broker Name                      #QID  #Min Offset           ",
                "#Max Offset             #Last Updated"
            )
        );
        assert_eq!(
            lines[1].trim_end(),
            "broker-a                          0     0                     3"
        );
        assert_eq!(lines[3], "Topic Put TPS: 0.0");
    }
}
