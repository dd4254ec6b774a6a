//! The headers of client membership: heartbeats, unregistration, the consumer list of a group and the broker's
//! "consumers changed" notice (`HEART_BEAT`, `UNREGISTER_CLIENT`, `GET_CONSUMER_LIST_BY_GROUP`,
//! `NOTIFY_CONSUMER_IDS_CHANGED`).

use crate::ext_fields::command_header;

command_header! {
    /// `HeartbeatRequestHeader`: the header of `HEART_BEAT` (34). Java gives it only the inherited keys, which the
    /// client leaves unset; everything is in the `HeartbeatData` body.
    pub struct HeartbeatRequestHeader {}
}

command_header! {
    /// The `extFields` of a `HEART_BEAT` response. Java has no class for it: the broker puts these keys on the
    /// response directly and the client reads them from the map.
    pub struct HeartbeatResponseHeader {
        /// Whether the broker supports heartbeat v2 (fingerprints; `IS_SUPPORT_HEART_BEAT_V2`).
        is_support_heart_beat_v2: Option<bool> = "IS_SUPPORT_HEART_BEAT_V2",
        /// Whether the broker saw a subscription change in this heartbeat (`IS_SUB_CHANGE`).
        is_sub_change: Option<bool> = "IS_SUB_CHANGE",
    }
}

command_header! {
    /// `UnregisterClientRequestHeader`: the header of `UNREGISTER_CLIENT` (35), one request per group.
    pub struct UnregisterClientRequestHeader {
        /// The client id (the Java key is `clientID`).
        client_id: String = "clientID",
        /// The producer group to leave.
        producer_group: Option<String> = "producerGroup",
        /// The consumer group to leave.
        consumer_group: Option<String> = "consumerGroup",
    }
}

command_header! {
    /// `UnregisterClientResponseHeader`: the (empty) header of an `UNREGISTER_CLIENT` response.
    pub struct UnregisterClientResponseHeader {}
}

command_header! {
    /// `GetConsumerListByGroupRequestHeader`: the header of `GET_CONSUMER_LIST_BY_GROUP` (38); the response body is
    /// `{"consumerIdList":[…]}`.
    pub struct GetConsumerListByGroupRequestHeader {
        /// The consumer group whose online members are listed.
        consumer_group: String = "consumerGroup",
    }
}

command_header! {
    /// `GetConsumerListByGroupResponseHeader`: the (empty) header of a `GET_CONSUMER_LIST_BY_GROUP` response.
    pub struct GetConsumerListByGroupResponseHeader {}
}

command_header! {
    /// `NotifyConsumerIdsChangedRequestHeader`: the header of `NOTIFY_CONSUMER_IDS_CHANGED` (40), a oneway request
    /// from broker to client that triggers an immediate rebalance.
    pub struct NotifyConsumerIdsChangedRequestHeader {
        /// The consumer group whose membership changed.
        consumer_group: String = "consumerGroup",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ext_fields::CommandHeader;
    use crate::header::test_support::{assert_required_keys, assert_round_trip, ext};

    #[test]
    fn heartbeat_headers_round_trip() {
        assert!(assert_round_trip(&HeartbeatRequestHeader {}).is_empty());
        let fields = ext(&[("IS_SUPPORT_HEART_BEAT_V2", "true"), ("IS_SUB_CHANGE", "true")]);
        let response = HeartbeatResponseHeader::read_from(&fields).unwrap();
        assert_eq!(response.is_support_heart_beat_v2, Some(true));
        assert_eq!(response.is_sub_change, Some(true));
        assert_eq!(assert_round_trip(&response), fields);
        assert_eq!(
            HeartbeatResponseHeader::read_from(&ext(&[])).unwrap(),
            HeartbeatResponseHeader::default()
        );
    }

    #[test]
    fn unregister_uses_the_java_client_id_key() {
        let header = UnregisterClientRequestHeader {
            client_id: "10.0.0.9@1234".into(),
            producer_group: None,
            consumer_group: Some("CG".into()),
        };
        assert_eq!(
            assert_round_trip(&header),
            ext(&[("clientID", "10.0.0.9@1234"), ("consumerGroup", "CG")])
        );
        assert_required_keys(&header, &["clientID"]);
        assert!(assert_round_trip(&UnregisterClientResponseHeader {}).is_empty());
    }

    #[test]
    fn group_headers_require_the_consumer_group() {
        let list = GetConsumerListByGroupRequestHeader {
            consumer_group: "CG".into(),
        };
        assert_round_trip(&list);
        assert_required_keys(&list, &["consumerGroup"]);
        assert!(assert_round_trip(&GetConsumerListByGroupResponseHeader {}).is_empty());
        let notify = NotifyConsumerIdsChangedRequestHeader {
            consumer_group: "CG".into(),
        };
        assert_round_trip(&notify);
        assert_required_keys(&notify, &["consumerGroup"]);
    }
}
