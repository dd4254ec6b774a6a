//! Reading a send response as Java's `MQClientAPIImpl.processSendResponse` does, and telling failed attempts apart
//! the way `sendDefaultImpl` tells its exceptions apart.

use fulmen_protocol::body::MessageQueue;
use fulmen_protocol::header::SendMessageResponseHeader;
use fulmen_protocol::{RemotingCommand, ResponseCode};

use crate::error::{Error, ErrorKind, Result};
use crate::send_result::{SendResult, SendStatus};

/// The send result in `response` for a message with `uniq_key` sent to `queue`, or the broker's refusal.
/// Flush and slave timeouts are results (the message is stored), not errors. For a batch, `batch_ids` are the
/// inner messages' ids joined with `,`: they become the result's id unless the broker answered a `batchUniqId`.
pub(crate) fn send_result(
    response: &RemotingCommand,
    queue: &MessageQueue,
    uniq_key: &str,
    batch_ids: Option<&str>,
) -> Result<SendResult> {
    let status = match response.response_code() {
        ResponseCode::SUCCESS => SendStatus::SendOk,
        ResponseCode::FLUSH_DISK_TIMEOUT => SendStatus::FlushDiskTimeout,
        ResponseCode::FLUSH_SLAVE_TIMEOUT => SendStatus::FlushSlaveTimeout,
        ResponseCode::SLAVE_NOT_AVAILABLE => SendStatus::SlaveNotAvailable,
        code => {
            return Err(Error::from_response(
                code,
                response.remark.as_deref(),
                Some(&queue.broker_name),
            ));
        }
    };
    let header: SendMessageResponseHeader = response.decode_header()?;
    let msg_id = match (batch_ids, &header.batch_uniq_id) {
        (Some(ids), None) => ids,
        _ => uniq_key,
    };
    Ok(SendResult {
        status,
        msg_id: msg_id.to_owned(),
        offset_msg_id: header.msg_id,
        queue: MessageQueue::new(queue.topic.clone(), queue.broker_name.clone(), header.queue_id),
        queue_offset: header.queue_offset,
        transaction_id: header.transaction_id,
        recall_handle: header.recall_handle,
    })
}

/// Why one send attempt failed, in the classes Java's `sendDefaultImpl` catches separately.
#[derive(Debug)]
pub(crate) enum AttemptError {
    /// The client could not make the request, e.g. no address for the broker (`MQClientException`).
    Client(Error),
    /// The request or its answer was lost: connect failure, timeout, broken frame (`RemotingException`).
    Transport(Error),
    /// The broker answered with a failure code (`MQBrokerException`).
    Broker(Error),
    /// The producer cannot go on (shut down, bad argument): never retried.
    Fatal(Error),
}

impl AttemptError {
    /// The class of an error from invoking the broker.
    pub(crate) fn from_invoke(error: Error) -> Self {
        match error.kind() {
            ErrorKind::Timeout | ErrorKind::Connection | ErrorKind::Protocol => {
                AttemptError::Transport(error)
            }
            _ => AttemptError::Fatal(error),
        }
    }

    /// The error itself.
    pub(crate) fn into_error(self) -> Error {
        match self {
            AttemptError::Client(error)
            | AttemptError::Transport(error)
            | AttemptError::Broker(error)
            | AttemptError::Fatal(error) => error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(code: ResponseCode) -> RemotingCommand {
        let mut response = RemotingCommand::response(code, Some("remark".into()));
        response.set_ext_field("msgId", "C0A8BF8700002A9F000000000002E858");
        response.set_ext_field("queueId", "2");
        response.set_ext_field("queueOffset", "9");
        response.set_ext_field("transactionId", "U1");
        response
    }

    #[test]
    fn stored_statuses_are_results() {
        let queue = MessageQueue::new("T", "b", 0);
        let ok = send_result(&response(ResponseCode::SUCCESS), &queue, "U1", None).unwrap();
        assert_eq!(ok.status, SendStatus::SendOk);
        assert_eq!(ok.msg_id, "U1");
        assert_eq!(ok.offset_msg_id, "C0A8BF8700002A9F000000000002E858");
        assert_eq!(ok.queue, MessageQueue::new("T", "b", 2));
        assert_eq!(ok.queue_offset, 9);
        assert_eq!(ok.transaction_id.as_deref(), Some("U1"));
        for (code, status) in [
            (ResponseCode::FLUSH_DISK_TIMEOUT, SendStatus::FlushDiskTimeout),
            (ResponseCode::FLUSH_SLAVE_TIMEOUT, SendStatus::FlushSlaveTimeout),
            (ResponseCode::SLAVE_NOT_AVAILABLE, SendStatus::SlaveNotAvailable),
        ] {
            assert_eq!(
                send_result(&response(code), &queue, "U1", None).unwrap().status,
                status
            );
        }
        let refused = send_result(&response(ResponseCode::MESSAGE_ILLEGAL), &queue, "U1", None).unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::InvalidArgument);
        assert_eq!(refused.response_code(), Some(13));
        assert_eq!(refused.broker(), Some("b"));
        let bad = RemotingCommand::response(ResponseCode::SUCCESS, None);
        assert_eq!(
            send_result(&bad, &queue, "U1", None).unwrap_err().kind(),
            ErrorKind::Protocol
        );
    }

    #[test]
    fn batches_report_the_inner_ids_unless_the_broker_names_one() {
        let queue = MessageQueue::new("T", "b", 0);
        let joined = send_result(&response(ResponseCode::SUCCESS), &queue, "B", Some("U1,U2")).unwrap();
        assert_eq!(joined.msg_id, "U1,U2");
        let mut named = response(ResponseCode::SUCCESS);
        named.set_ext_field("batchUniqId", "X");
        assert_eq!(
            send_result(&named, &queue, "B", Some("U1,U2")).unwrap().msg_id,
            "B"
        );
    }

    #[test]
    fn invoke_errors_are_transport_unless_the_client_is_closed() {
        let transport = |kind| {
            matches!(
                AttemptError::from_invoke(Error::new(kind, "x")),
                AttemptError::Transport(_)
            )
        };
        assert!(transport(ErrorKind::Timeout));
        assert!(transport(ErrorKind::Connection));
        assert!(transport(ErrorKind::Protocol));
        assert!(!transport(ErrorKind::Closed));
        let error = AttemptError::from_invoke(Error::new(ErrorKind::Closed, "x"));
        assert_eq!(error.into_error().kind(), ErrorKind::Closed);
    }

    #[test]
    fn default_retry_codes_are_javas() {
        let codes = [
            ResponseCode::TOPIC_NOT_EXIST,
            ResponseCode::SERVICE_NOT_AVAILABLE,
            ResponseCode::SYSTEM_ERROR,
            ResponseCode::SYSTEM_BUSY,
            ResponseCode::NO_PERMISSION,
            ResponseCode::NO_BUYER_ID,
            ResponseCode::NOT_IN_CURRENT_UNIT,
            ResponseCode::GO_AWAY,
        ]
        .map(|code| code.0);
        assert_eq!(crate::ProducerConfig::new("h:1", "G").retry_response_codes, codes);
    }
}
