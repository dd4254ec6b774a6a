//! The headers of the admin requests about connected clients and consumption progress
//! (`GET_CONSUMER_CONNECTION_LIST`, `GET_PRODUCER_CONNECTION_LIST`, `GET_CONSUME_STATS`, `GET_CONSUMER_RUNNING_INFO`,
//! `GET_CONSUMER_STATUS_FROM_CLIENT` / `INVOKE_BROKER_TO_GET_CONSUMER_STATUS`, `CONSUME_MESSAGE_DIRECTLY`).

use crate::ext_fields::command_header;

command_header! {
    /// `GetConsumerConnectionListRequestHeader`: the header of `GET_CONSUMER_CONNECTION_LIST` (203); the response
    /// body is a `ConsumerConnection`.
    pub struct GetConsumerConnectionListRequestHeader {
        /// The consumer group whose connections are listed.
        consumer_group: String = "consumerGroup",
    }
}

command_header! {
    /// `GetProducerConnectionListRequestHeader`: the header of `GET_PRODUCER_CONNECTION_LIST` (204); the response
    /// body is a `ProducerConnection`.
    pub struct GetProducerConnectionListRequestHeader {
        /// The producer group whose connections are listed.
        producer_group: String = "producerGroup",
    }
}

command_header! {
    /// `GetConsumeStatsRequestHeader`: the header of `GET_CONSUME_STATS` (208); the response body is a
    /// `ConsumeStats`.
    pub struct GetConsumeStatsRequestHeader {
        /// The consumer group whose progress is asked for.
        consumer_group: String = "consumerGroup",
        /// Only this topic; absent means every topic the group subscribes to.
        topic: Option<String> = "topic",
        /// Only these topics, joined by `;`.
        topic_list: Option<String> = "topicList",
    }
}

command_header! {
    /// `GetConsumerRunningInfoRequestHeader`: the header of `GET_CONSUMER_RUNNING_INFO` (307), sent by an admin tool
    /// to a broker, which forwards it to the client; the response body is a `ConsumerRunningInfo`.
    pub struct GetConsumerRunningInfoRequestHeader {
        /// The consumer group of the client.
        consumer_group: String = "consumerGroup",
        /// The client id.
        client_id: String = "clientId",
        /// Whether the client should include a thread dump. A Java primitive (default false) that Java always sends.
        jstack_enable: Option<bool> = "jstackEnable",
    }
}

command_header! {
    /// `GetConsumerStatusRequestHeader`: the header of `INVOKE_BROKER_TO_GET_CONSUMER_STATUS` (223) and of
    /// `GET_CONSUMER_STATUS_FROM_CLIENT` (221), which the broker sends on to the clients.
    pub struct GetConsumerStatusRequestHeader {
        /// The topic whose offsets are asked for.
        topic: String = "topic",
        /// The consumer group.
        group: String = "group",
        /// Only the client at this address.
        client_addr: Option<String> = "clientAddr",
    }
}

command_header! {
    /// `ConsumeMessageDirectlyResultRequestHeader`: the header of `CONSUME_MESSAGE_DIRECTLY` (309), which asks a
    /// client to consume one message now; the body is the message.
    pub struct ConsumeMessageDirectlyResultRequestHeader {
        /// The consumer group of the client.
        consumer_group: String = "consumerGroup",
        /// The client id.
        client_id: Option<String> = "clientId",
        /// The message's id.
        msg_id: Option<String> = "msgId",
        /// The broker holding the message (the class's own `brokerName` key).
        broker_name: Option<String> = "brokerName",
        /// The topic of the message.
        topic: Option<String> = "topic",
        /// The topic's `TopicSysFlag` bits.
        topic_sys_flag: Option<i32> = "topicSysFlag",
        /// The group's sys-flag bits.
        group_sys_flag: Option<i32> = "groupSysFlag",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::test_support::{assert_required_keys, assert_round_trip};

    #[test]
    fn connection_and_stats_headers_round_trip() {
        let consumers = GetConsumerConnectionListRequestHeader {
            consumer_group: "CG".into(),
        };
        assert_round_trip(&consumers);
        assert_required_keys(&consumers, &["consumerGroup"]);
        let producers = GetProducerConnectionListRequestHeader {
            producer_group: "PG".into(),
        };
        assert_round_trip(&producers);
        assert_required_keys(&producers, &["producerGroup"]);
        let stats = GetConsumeStatsRequestHeader {
            consumer_group: "CG".into(),
            topic: Some("T".into()),
            topic_list: Some("T;U".into()),
        };
        assert_eq!(assert_round_trip(&stats)["topicList"], "T;U");
        assert_required_keys(&stats, &["consumerGroup"]);
    }

    #[test]
    fn client_directed_headers_round_trip() {
        let running = GetConsumerRunningInfoRequestHeader {
            consumer_group: "CG".into(),
            client_id: "10.0.0.9@1234".into(),
            jstack_enable: Some(false),
        };
        assert_round_trip(&running);
        assert_required_keys(&running, &["consumerGroup", "clientId"]);
        let status = GetConsumerStatusRequestHeader {
            topic: "T".into(),
            group: "CG".into(),
            client_addr: Some("10.0.0.9:5555".into()),
        };
        assert_round_trip(&status);
        assert_required_keys(&status, &["topic", "group"]);
        let directly = ConsumeMessageDirectlyResultRequestHeader {
            consumer_group: "CG".into(),
            client_id: Some("10.0.0.9@1234".into()),
            msg_id: Some("0A00000100002A9F0000000000001000".into()),
            broker_name: Some("broker-a".into()),
            topic: Some("T".into()),
            topic_sys_flag: Some(0),
            group_sys_flag: Some(0),
        };
        assert_eq!(assert_round_trip(&directly)["brokerName"], "broker-a");
        assert_required_keys(&directly, &["consumerGroup"]);
    }
}
