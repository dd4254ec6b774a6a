//! Who consumed a message (`DefaultMQAdminExtImpl.messageTrackDetail`, the end of mqadmin's `queryMsgById`): for
//! every group consuming the topic (`QUERY_TOPIC_CONSUME_BY_WHO`), whether it is online
//! (`GET_CONSUMER_CONNECTION_LIST`), a pull group, or a push group whose committed offset on the message's queue
//! is past the message (`GET_CONSUME_STATS`), and whether its subscription filtered the message's tag out.

use std::fmt;

use fulmen_protocol::ResponseCode;
use fulmen_protocol::body::{ConsumeType, MASTER_ID};

use super::consumer_progress::ConnectionAnswer;
use super::{Admin, StoredMessage};
use crate::error::{Error, Result};

/// How far a consumer group got with a message (Java's `TrackType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrackType {
    /// Consumed: the group's offset on the message's queue is past it.
    Consumed,
    /// Past it, but the group's subscription does not take the message's tag.
    ConsumedButFiltered,
    /// A pull group: the broker does not know what it consumed.
    Pull,
    /// Online but not past the message yet.
    NotConsumeYet,
    /// No consumer of the group is online.
    NotOnline,
    /// A broadcasting group (offsets are kept by the consumers).
    ConsumeBroadcasting,
    /// Could not be told.
    Unknown,
}

impl TrackType {
    /// The Java enum name.
    pub const fn name(self) -> &'static str {
        match self {
            TrackType::Consumed => "CONSUMED",
            TrackType::ConsumedButFiltered => "CONSUMED_BUT_FILTERED",
            TrackType::Pull => "PULL",
            TrackType::NotConsumeYet => "NOT_CONSUME_YET",
            TrackType::NotOnline => "NOT_ONLINE",
            TrackType::ConsumeBroadcasting => "CONSUME_BROADCASTING",
            TrackType::Unknown => "UNKNOWN",
        }
    }
}

/// One consumer group's progress with a message (Java's `MessageTrack`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageTrack {
    /// The consumer group.
    pub consumer_group: String,
    /// How far it got.
    pub track_type: TrackType,
    /// Why it could not be told, as `CODE:<code> DESC:<remark>` or the error text.
    pub exception_desc: Option<String>,
}

impl fmt::Display for MessageTrack {
    /// `MessageTrack [consumerGroup=G, trackType=PULL, exceptionDesc=null]`, as Java prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "MessageTrack [consumerGroup={}, trackType={}, exceptionDesc={}]",
            self.consumer_group,
            self.track_type.name(),
            self.exception_desc.as_deref().unwrap_or("null")
        )
    }
}

impl Admin {
    /// How far each consumer group of the message's topic got with `message`. Where Java reports an exception's
    /// text and first stack frame, Fulmen reports the error's text.
    pub async fn message_tracks(&self, message: &StoredMessage) -> Result<Vec<MessageTrack>> {
        let mut tracks = Vec::new();
        for group in self.topic_consumer_groups(&message.message.topic).await? {
            let (track_type, exception_desc) = match self.track(&group, message).await {
                Ok(found) => found,
                Err(error) => (TrackType::Unknown, Some(error.to_string())),
            };
            tracks.push(MessageTrack {
                consumer_group: group,
                track_type,
                exception_desc,
            });
        }
        Ok(tracks)
    }

    async fn track(&self, group: &str, message: &StoredMessage) -> Result<(TrackType, Option<String>)> {
        let connection = match self.connection_answer(group).await? {
            ConnectionAnswer::Online(connection) => connection,
            ConnectionAnswer::NotOnline(remark) => {
                let desc = format!("CODE:{} DESC:{remark}", ResponseCode::CONSUMER_NOT_ONLINE.0);
                return Ok((TrackType::NotOnline, Some(desc)));
            }
            ConnectionAnswer::NoConnection => {
                return Err(Error::from_response(
                    ResponseCode::CONSUMER_NOT_ONLINE,
                    Some("Not found the consumer group connection"),
                    None,
                ));
            }
        };
        match connection.consume_type {
            ConsumeType::ConsumeActively => Ok((TrackType::Pull, None)),
            ConsumeType::ConsumePassively => {
                if !self.consumed(group, message).await? {
                    return Ok((TrackType::NotConsumeYet, None));
                }
                let view = &message.message;
                let filtered = connection
                    .subscription_table
                    .get(&view.topic)
                    .is_some_and(|subscription| {
                        let tags = &subscription.tags_set;
                        !tags.is_empty()
                            && !tags.contains("*")
                            && !view.tags.as_ref().is_some_and(|tag| tags.contains(tag))
                    });
                let track_type = if filtered {
                    TrackType::ConsumedButFiltered
                } else {
                    TrackType::Consumed
                };
                Ok((track_type, None))
            }
            _ => Ok((TrackType::Unknown, None)),
        }
    }

    /// Whether `group`'s committed offset on the message's queue (of the broker that stored it) is past it.
    async fn consumed(&self, group: &str, message: &StoredMessage) -> Result<bool> {
        let stats = self.consume_stats(group, None).await?;
        let info = self.cluster_info().await?;
        let view = &message.message;
        Ok(stats.offset_table.iter().any(|(queue, offsets)| {
            queue.topic == view.topic
                && queue.queue_id == view.queue.queue_id
                && info
                    .broker_addr_table
                    .get(&queue.broker_name)
                    .and_then(|broker| broker.broker_addrs.get(&MASTER_ID))
                    .is_some_and(|master| *master == view.store_host)
                && offsets.consumer_offset > view.queue_offset
        }))
    }
}
