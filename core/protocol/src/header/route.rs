//! The header of the route lookup a client sends to a name server (`GET_ROUTEINFO_BY_TOPIC`).

use crate::ext_fields::command_header;

command_header! {
    /// `GetRouteInfoRequestHeader` (`header.namesrv`): the header of `GET_ROUTEINFO_BY_TOPIC` (105).
    pub struct GetRouteInfoRequestHeader {
        /// The topic whose route is asked for.
        topic: String = "topic",
        /// Asks for standard JSON in the `TopicRouteData` body even from a client older than 4.9.4.
        accept_standard_json_only: Option<bool> = "acceptStandardJsonOnly",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ext_fields::CommandHeader;
    use crate::header::test_support::{assert_required_keys, assert_round_trip, ext};

    #[test]
    fn round_trips_and_requires_the_topic() {
        let header = GetRouteInfoRequestHeader::read_from(&ext(&[("topic", "T")])).unwrap();
        assert_eq!(
            header,
            GetRouteInfoRequestHeader {
                topic: "T".into(),
                accept_standard_json_only: None
            }
        );
        let header = GetRouteInfoRequestHeader {
            accept_standard_json_only: Some(true),
            ..header
        };
        assert_eq!(assert_round_trip(&header)["acceptStandardJsonOnly"], "true");
        assert_required_keys(&header, &["topic"]);
    }
}
