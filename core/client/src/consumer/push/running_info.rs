//! GET_CONSUMER_RUNNING_INFO, RESET_CONSUMER_CLIENT_OFFSET and CONSUME_MESSAGE_DIRECTLY handlers.

use std::sync::Arc;

use super::PushInner;

pub(super) fn register(_inner: &Arc<PushInner>) {}
