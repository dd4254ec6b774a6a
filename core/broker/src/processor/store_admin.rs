//! DELETE_EXPIRED_COMMITLOG (329), Java's `AdminBrokerProcessor#deleteExpiredCommitLog`: asks the store to
//! delete expired commitlog files at its next passes whatever the `deleteWhen` hour (Java's
//! `executeDeleteFilesManually`, 20 passes), and answers SUCCESS at once without a remark.

use super::{Reply, success};
use crate::state::BrokerState;

/// Requests a manual delete of expired commitlog files.
pub(super) fn delete_expired_commit_log(state: &BrokerState) -> Reply {
    tracing::warn!("invoke deleteExpiredCommitLog");
    state.store.execute_delete_files_manually();
    Ok(success())
}
