//! mqadmin's commands as top-level `fulmen` subcommands with mqadmin's names, short options and output (column
//! headers, widths and labels of Apache's `tools/command/**` classes, so scripts that parse mqadmin's output keep
//! working): `updateTopic`, `deleteTopic`, `topicList`, `topicRoute`, `topicStatus`, `clusterList`,
//! `consumerProgress`, `queryMsgById`, `queryMsgByKey`, `resetOffsetByTime`, `sendMessage`, `consumeMessage`.
//! They run on the `fulmen_client::Admin` facade (and `Producer` / `PullConsumer` for the last two).

mod cluster_list;
mod consume_message;
mod consumer_progress;
mod java_text;
mod pretty_json;
mod query_message;
mod reset_offset;
mod send_message;
mod topic_commands;

use std::error::Error;

use clap::{Args, Subcommand};
use fulmen_client::{Admin, AdminConfig};

/// The result of an admin command.
pub type CommandResult = Result<(), Box<dyn Error>>;

/// The name server option every mqadmin command has.
#[derive(Debug, Args)]
pub struct NamesrvArg {
    /// Name server address list, e.g. '192.168.0.1:9876;192.168.0.2:9876'.
    #[arg(short = 'n', long = "namesrvAddr", env = "NAMESRV_ADDR")]
    pub namesrv_addr: String,
}

impl NamesrvArg {
    /// An admin client on these name servers.
    async fn admin(&self) -> Result<Admin, fulmen_client::Error> {
        Admin::start(AdminConfig::new(self.namesrv_addr.trim())).await
    }
}

/// mqadmin's commands, named as mqadmin names them.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// mqadmin updateTopic: create or update a topic on a broker (-b) or every master of a cluster (-c).
    #[command(name = "updateTopic")]
    UpdateTopic(topic_commands::UpdateTopicArgs),
    /// mqadmin deleteTopic: delete a topic from a cluster's brokers and from every name server.
    #[command(name = "deleteTopic")]
    DeleteTopic(topic_commands::DeleteTopicArgs),
    /// mqadmin topicList: every topic the name server knows (-c: with clusters and consumer groups).
    #[command(name = "topicList")]
    TopicList(topic_commands::TopicListArgs),
    /// mqadmin topicRoute: a topic's route as JSON (-l: as a table).
    #[command(name = "topicRoute")]
    TopicRoute(topic_commands::TopicRouteArgs),
    /// mqadmin topicStatus: min / max offset and last update of every queue of a topic.
    #[command(name = "topicStatus")]
    TopicStatus(topic_commands::TopicStatusArgs),
    /// mqadmin clusterList: every broker of every cluster with its runtime statistics.
    #[command(name = "clusterList")]
    ClusterList(cluster_list::ClusterListArgs),
    /// mqadmin consumerProgress: a group's offsets and lag per queue (without -g: every group).
    #[command(name = "consumerProgress")]
    ConsumerProgress(consumer_progress::ConsumerProgressArgs),
    /// mqadmin queryMsgById: a message by offset message id or client message id.
    #[command(name = "queryMsgById")]
    QueryMsgById(query_message::QueryMsgByIdArgs),
    /// mqadmin queryMsgByKey: messages by business key.
    #[command(name = "queryMsgByKey")]
    QueryMsgByKey(query_message::QueryMsgByKeyArgs),
    /// mqadmin resetOffsetByTime: reset a group's offsets of a topic to a point in time.
    #[command(name = "resetOffsetByTime")]
    ResetOffsetByTime(reset_offset::ResetOffsetByTimeArgs),
    /// mqadmin sendMessage: send one message.
    #[command(name = "sendMessage")]
    SendMessage(send_message::SendMessageArgs),
    /// mqadmin consumeMessage: print the messages of a topic or queue between offsets or times.
    #[command(name = "consumeMessage")]
    ConsumeMessage(consume_message::ConsumeMessageArgs),
}

impl AdminCommand {
    /// Runs the command, printing to stdout as mqadmin does.
    pub async fn run(self) -> CommandResult {
        let (name, outcome) = match self {
            AdminCommand::UpdateTopic(args) => {
                ("UpdateTopicSubCommand", topic_commands::update_topic(args).await)
            }
            AdminCommand::DeleteTopic(args) => {
                ("DeleteTopicSubCommand", topic_commands::delete_topic(args).await)
            }
            AdminCommand::TopicList(args) => ("TopicListSubCommand", topic_commands::topic_list(args).await),
            AdminCommand::TopicRoute(args) => {
                ("TopicRouteSubCommand", topic_commands::topic_route(args).await)
            }
            AdminCommand::TopicStatus(args) => {
                ("TopicStatusSubCommand", topic_commands::topic_status(args).await)
            }
            AdminCommand::ClusterList(args) => ("ClusterListSubCommand", cluster_list::run(args).await),
            AdminCommand::ConsumerProgress(args) => {
                ("ConsumerProgressSubCommand", consumer_progress::run(args).await)
            }
            AdminCommand::QueryMsgById(args) => ("QueryMsgByIdSubCommand", query_message::by_id(args).await),
            AdminCommand::QueryMsgByKey(args) => {
                ("QueryMsgByKeySubCommand", query_message::by_key(args).await)
            }
            AdminCommand::ResetOffsetByTime(args) => {
                ("ResetOffsetByTimeCommand", reset_offset::run(args).await)
            }
            AdminCommand::SendMessage(args) => ("SendMessageCommand", send_message::run(args).await),
            AdminCommand::ConsumeMessage(args) => ("ConsumeMessageCommand", consume_message::run(args).await),
        };
        // mqadmin reports failures as "<class> command failed" with the cause.
        outcome.map_err(|error| format!("{name} command failed: {error}").into())
    }
}
