//! Reading a send response as Java's `MQClientAPIImpl.processSendResponse` does, and deciding which failures the
//! synchronous send retries (`DefaultMQProducer.retryResponseCodes` plus transport failures).

use fulmen_protocol::body::MessageQueue;
use fulmen_protocol::header::SendMessageResponseHeader;
use fulmen_protocol::{RemotingCommand, ResponseCode};

use crate::error::{Error, ErrorKind, Result};
use crate::send_result::{SendResult, SendStatus};

/// The broker codes a synchronous send retries on another queue.
const RETRY_RESPONSE_CODES: [ResponseCode; 8] = [
    ResponseCode::TOPIC_NOT_EXIST,
    ResponseCode::SERVICE_NOT_AVAILABLE,
    ResponseCode::SYSTEM_ERROR,
    ResponseCode::SYSTEM_BUSY,
    ResponseCode::NO_PERMISSION,
    ResponseCode::NO_BUYER_ID,
    ResponseCode::NOT_IN_CURRENT_UNIT,
    ResponseCode::GO_AWAY,
];

/// The send result in `response` for a message with `uniq_key` sent to `queue`, or the broker's refusal.
/// Flush and slave timeouts are results (the message is stored), not errors.
pub(crate) fn send_result(
    response: &RemotingCommand,
    queue: &MessageQueue,
    uniq_key: &str,
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
    Ok(SendResult {
        status,
        msg_id: uniq_key.to_owned(),
        offset_msg_id: header.msg_id,
        queue: MessageQueue::new(queue.topic.clone(), queue.broker_name.clone(), header.queue_id),
        queue_offset: header.queue_offset,
        transaction_id: header.transaction_id,
        recall_handle: header.recall_handle,
    })
}

/// Whether a failed attempt is worth another one on another queue: transport failures, a broker that the
/// client could not find, and the broker codes Java retries.
pub(crate) fn is_retryable(error: &Error) -> bool {
    match error.response_code() {
        Some(code) => {
            RETRY_RESPONSE_CODES.contains(&ResponseCode(code)) && error.kind() != ErrorKind::RouteNotFound
        }
        None => matches!(
            error.kind(),
            ErrorKind::Timeout | ErrorKind::Connection | ErrorKind::RouteNotFound
        ),
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
        let ok = send_result(&response(ResponseCode::SUCCESS), &queue, "U1").unwrap();
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
            assert_eq!(send_result(&response(code), &queue, "U1").unwrap().status, status);
        }
        let refused = send_result(&response(ResponseCode::MESSAGE_ILLEGAL), &queue, "U1").unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::InvalidArgument);
        assert_eq!(refused.response_code(), Some(13));
        assert_eq!(refused.broker(), Some("b"));
        let bad = RemotingCommand::response(ResponseCode::SUCCESS, None);
        assert_eq!(
            send_result(&bad, &queue, "U1").unwrap_err().kind(),
            ErrorKind::Protocol
        );
    }

    #[test]
    fn retries_follow_java_codes() {
        let broker = |code| Error::from_response(code, None, None);
        assert!(is_retryable(&broker(ResponseCode::SYSTEM_BUSY)));
        assert!(is_retryable(&broker(ResponseCode::TOPIC_NOT_EXIST)));
        assert!(is_retryable(&broker(ResponseCode::GO_AWAY)));
        assert!(!is_retryable(&broker(ResponseCode::MESSAGE_ILLEGAL)));
        assert!(!is_retryable(&broker(ResponseCode::FLOW_CONTROL)));
        assert!(is_retryable(&Error::new(ErrorKind::Connection, "x")));
        assert!(is_retryable(&Error::new(ErrorKind::Timeout, "x")));
        assert!(!is_retryable(&Error::new(ErrorKind::Closed, "x")));
        assert!(!is_retryable(&Error::new(ErrorKind::Protocol, "x")));
    }
}
