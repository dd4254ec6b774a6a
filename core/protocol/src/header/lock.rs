//! The headers of the orderly-consumption queue locks (`LOCK_BATCH_MQ`, `UNLOCK_BATCH_MQ`). Both have no fields of
//! their own: the queues, group and client id travel in the JSON body.

use crate::ext_fields::command_header;

command_header! {
    /// `LockBatchMqRequestHeader`: the (empty) header of `LOCK_BATCH_MQ` (41); the body is a `LockBatchRequestBody`.
    pub struct LockBatchMqRequestHeader {}
}

command_header! {
    /// `UnlockBatchMqRequestHeader`: the (empty) header of `UNLOCK_BATCH_MQ` (42); the body is an
    /// `UnlockBatchRequestBody`.
    pub struct UnlockBatchMqRequestHeader {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ext_fields::CommandHeader;
    use crate::header::test_support::{assert_round_trip, ext};

    #[test]
    fn headers_are_empty_and_ignore_inherited_keys() {
        assert!(assert_round_trip(&LockBatchMqRequestHeader {}).is_empty());
        assert!(assert_round_trip(&UnlockBatchMqRequestHeader {}).is_empty());
        let java_extras = ext(&[("bname", "broker-a"), ("oway", "false")]);
        assert_eq!(
            LockBatchMqRequestHeader::read_from(&java_extras).unwrap(),
            LockBatchMqRequestHeader {}
        );
    }
}
