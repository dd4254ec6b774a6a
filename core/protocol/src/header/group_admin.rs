//! The headers of the admin requests a broker answers about one subscription group (`DELETE_SUBSCRIPTIONGROUP`,
//! `GET_SUBSCRIPTIONGROUP_CONFIG`).

use crate::ext_fields::command_header;

command_header! {
    /// `DeleteSubscriptionGroupRequestHeader`: the header of `DELETE_SUBSCRIPTIONGROUP` (207).
    pub struct DeleteSubscriptionGroupRequestHeader {
        /// The group to delete.
        group_name: String = "groupName",
        /// Whether to delete the group's stored offsets too. A Java primitive (default false) that Java always sends.
        clean_offset: Option<bool> = "cleanOffset",
    }
}

command_header! {
    /// `GetSubscriptionGroupConfigRequestHeader`: the header of `GET_SUBSCRIPTIONGROUP_CONFIG` (352).
    pub struct GetSubscriptionGroupConfigRequestHeader {
        /// The group whose configuration is asked for.
        group: String = "group",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::test_support::{assert_required_keys, assert_round_trip};

    #[test]
    fn group_headers_round_trip_and_require_the_group() {
        let delete = DeleteSubscriptionGroupRequestHeader {
            group_name: "CG".into(),
            clean_offset: Some(true),
        };
        assert_eq!(assert_round_trip(&delete)["cleanOffset"], "true");
        assert_required_keys(&delete, &["groupName"]);
        let config = GetSubscriptionGroupConfigRequestHeader { group: "CG".into() };
        assert_round_trip(&config);
        assert_required_keys(&config, &["group"]);
    }
}
