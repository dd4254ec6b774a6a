//! The errors a producer makes itself, with Java's texts and `ClientErrorCode` response codes.

use crate::error::{Error, ErrorKind};

/// `ClientErrorCode.CONNECT_BROKER_EXCEPTION`: the last attempt could not connect to its broker.
pub const CONNECT_BROKER_EXCEPTION: i32 = 10001;
/// `ClientErrorCode.ACCESS_BROKER_TIMEOUT`: the last attempt timed out.
pub const ACCESS_BROKER_TIMEOUT: i32 = 10002;
/// `ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION`: the last attempt found no address for its broker.
pub const BROKER_NOT_EXIST_EXCEPTION: i32 = 10003;
/// `ClientErrorCode.NOT_FOUND_TOPIC_EXCEPTION`: no route for the topic.
pub const NOT_FOUND_TOPIC_EXCEPTION: i32 = 10005;

/// Java's FAQ link, appended to "No route info" and "still failed" messages.
const FAQ: &str = "See http://rocketmq.apache.org/docs/faq/ for further details.";

/// "No route info of this topic" (`tryToFindTopicPublishInfo` found nothing), code 10005.
pub(crate) fn no_route_error(topic: &str) -> Error {
    Error::new(
        ErrorKind::RouteNotFound,
        format!("No route info of this topic: {topic}, {FAQ}"),
    )
    .with_response_code(NOT_FOUND_TOPIC_EXCEPTION)
}

/// The broker of a queue has no known master address, code 10003.
pub(crate) fn broker_not_exist_error(broker_name: &str) -> Error {
    Error::new(
        ErrorKind::RouteNotFound,
        format!("The broker[{broker_name}] not exist"),
    )
    .with_broker(broker_name)
    .with_response_code(BROKER_NOT_EXIST_EXCEPTION)
}

/// The send timeout ran out before another attempt could start (Java's `RemotingTooMuchRequestException`
/// "sendDefaultImpl call timeout").
pub(crate) fn send_timeout_error(topic: &str, attempts: usize, last: Option<&Error>) -> Error {
    let mut message = format!("sendDefaultImpl call timeout after {attempts} attempt(s), Topic: {topic}");
    if let Some(last) = last {
        message.push_str(&format!("; last error: {last}"));
    }
    let mut error = Error::new(ErrorKind::Timeout, message);
    if let Some(broker) = last.and_then(Error::broker) {
        error = error.with_broker(broker);
    }
    error
}

/// Every attempt failed (`sendDefaultImpl`'s final `MQClientException`): the last error's kind, Java's message,
/// and as response code the broker's code, or 10001 / 10002 / 10003 by what the last attempt ran into.
pub(crate) fn still_failed_error(last: Error, topic: &str, brokers_sent: &[String], cost_ms: u128) -> Error {
    let code = match (last.response_code(), last.kind()) {
        (Some(code), _) => Some(code),
        (None, ErrorKind::Connection) => Some(CONNECT_BROKER_EXCEPTION),
        (None, ErrorKind::Timeout) => Some(ACCESS_BROKER_TIMEOUT),
        _ => None,
    };
    let error = last.with_context(format!(
        "Send [{}] times, still failed, cost [{cost_ms}]ms, Topic: {topic}, BrokersSent: [{}]\n{FAQ}",
        brokers_sent.len(),
        brokers_sent.join(", "),
    ));
    match code {
        Some(code) => error.with_response_code(code),
        None => error,
    }
}

#[cfg(test)]
mod tests {
    use fulmen_protocol::ResponseCode;

    use super::*;

    #[test]
    fn final_errors_carry_javas_client_codes() {
        let brokers = ["a".to_owned(), "b".to_owned(), "a".to_owned()];
        let connect = still_failed_error(Error::new(ErrorKind::Connection, "refused"), "T", &brokers, 7);
        assert_eq!(connect.kind(), ErrorKind::Connection);
        assert_eq!(connect.response_code(), Some(10001));
        assert!(
            connect
                .message()
                .starts_with("Send [3] times, still failed, cost [7]ms, Topic: T, BrokersSent: [a, b, a]"),
            "{connect}"
        );
        let timeout = still_failed_error(Error::new(ErrorKind::Timeout, "slow"), "T", &brokers, 7);
        assert_eq!(timeout.response_code(), Some(10002));
        let busy = Error::from_response(ResponseCode::SYSTEM_BUSY, None, Some("a"));
        assert_eq!(
            still_failed_error(busy, "T", &brokers, 7).response_code(),
            Some(2)
        );
        assert_eq!(broker_not_exist_error("x").response_code(), Some(10003));
        assert_eq!(
            still_failed_error(broker_not_exist_error("x"), "T", &brokers, 7).response_code(),
            Some(10003)
        );
        assert_eq!(no_route_error("T").response_code(), Some(10005));
        assert!(
            no_route_error("T")
                .message()
                .starts_with("No route info of this topic: T, See http")
        );
    }
}
