//! The headers of a name server's key-value configuration store (`PUT_KV_CONFIG`, `GET_KV_CONFIG`,
//! `DELETE_KV_CONFIG`, `GET_KVLIST_BY_NAMESPACE`).

use crate::ext_fields::command_header;

command_header! {
    /// `PutKVConfigRequestHeader` (`header.namesrv`): the header of `PUT_KV_CONFIG` (100).
    pub struct PutKVConfigRequestHeader {
        /// The namespace of the entry, e.g. `ORDER_TOPIC_CONFIG`.
        namespace: String = "namespace",
        /// The key of the entry.
        key: String = "key",
        /// The value to store.
        value: String = "value",
    }
}

command_header! {
    /// `GetKVConfigRequestHeader` (`header.namesrv`): the header of `GET_KV_CONFIG` (101).
    pub struct GetKVConfigRequestHeader {
        /// The namespace of the entry.
        namespace: String = "namespace",
        /// The key of the entry.
        key: String = "key",
    }
}

command_header! {
    /// `GetKVConfigResponseHeader` (`header.namesrv`): the value found (`SUCCESS`), absent with `QUERY_NOT_FOUND`.
    pub struct GetKVConfigResponseHeader {
        /// The stored value.
        value: Option<String> = "value",
    }
}

command_header! {
    /// `DeleteKVConfigRequestHeader` (`header.namesrv`): the header of `DELETE_KV_CONFIG` (102).
    pub struct DeleteKVConfigRequestHeader {
        /// The namespace of the entry.
        namespace: String = "namespace",
        /// The key of the entry.
        key: String = "key",
    }
}

command_header! {
    /// `GetKVListByNamespaceRequestHeader` (`header.namesrv`): the header of `GET_KVLIST_BY_NAMESPACE` (219); the
    /// response body is a `KVTable`.
    pub struct GetKVListByNamespaceRequestHeader {
        /// The namespace to list.
        namespace: String = "namespace",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::test_support::{assert_required_keys, assert_round_trip};

    #[test]
    fn put_get_delete_round_trip_and_require_their_keys() {
        let put = PutKVConfigRequestHeader {
            namespace: "ORDER_TOPIC_CONFIG".into(),
            key: "T".into(),
            value: "broker-a:4".into(),
        };
        assert_round_trip(&put);
        assert_required_keys(&put, &["namespace", "key", "value"]);
        let get = GetKVConfigRequestHeader {
            namespace: "ORDER_TOPIC_CONFIG".into(),
            key: "T".into(),
        };
        assert_round_trip(&get);
        assert_required_keys(&get, &["namespace", "key"]);
        let delete = DeleteKVConfigRequestHeader {
            namespace: "N".into(),
            key: "K".into(),
        };
        assert_round_trip(&delete);
        assert_required_keys(&delete, &["namespace", "key"]);
        let list = GetKVListByNamespaceRequestHeader {
            namespace: "N".into(),
        };
        assert_round_trip(&list);
        assert_required_keys(&list, &["namespace"]);
    }

    #[test]
    fn get_response_value_is_optional() {
        let found = GetKVConfigResponseHeader {
            value: Some("broker-a:4".into()),
        };
        assert_eq!(assert_round_trip(&found)["value"], "broker-a:4");
        assert_required_keys(&found, &[]);
        assert!(assert_round_trip(&GetKVConfigResponseHeader::default()).is_empty());
    }
}
