//! CONSUME_MESSAGE_DIRECTLY (Java's `ConsumeMessage*Service#consumeMessageDirectly`): an admin asks the consumer
//! to run its listener on one stored message now (`mqadmin consumeMessage` / the dashboard's resend); the answer
//! says how it went.

use std::time::Instant;

use fulmen_protocol::body::{CmResult, ConsumeMessageDirectlyResult};
use fulmen_protocol::message::decode_all;

use super::PushInner;
use super::listener::ConsumeResult;
use crate::error::{Error, Result};
use crate::message_view::MessageView;

impl PushInner {
    /// Runs the listener on the message encoded in `body`, read from `broker_name`.
    pub(super) async fn consume_directly(
        &self,
        body: &bytes::Bytes,
        broker_name: &str,
    ) -> Result<ConsumeMessageDirectlyResult> {
        let mut message = decode_all(body)?
            .into_iter()
            .next()
            .ok_or_else(|| Error::invalid_argument("CONSUME_MESSAGE_DIRECTLY without a message"))?;
        message.decompress_body(self.config.max_message_size)?;
        let mut messages = vec![MessageView::from_ext(message, broker_name)];
        self.reset_retry_topic(&mut messages);
        let started = Instant::now();
        let call = tokio::spawn(self.listener.on_messages(messages));
        let (consume_result, remark) = match tokio::time::timeout(self.config.consume_timeout, call).await {
            Ok(Ok(ConsumeResult::Success)) => (CmResult::Success, String::new()),
            Ok(Ok(ConsumeResult::ReconsumeLater)) => (CmResult::Later, String::new()),
            Ok(Err(error)) => (CmResult::ThrowException, error.to_string()),
            Err(_) => (CmResult::ThrowException, "the listener timed out".to_owned()),
        };
        Ok(ConsumeMessageDirectlyResult {
            order: self.orderly,
            auto_commit: true,
            consume_result,
            remark,
            spent_time_mills: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
        })
    }
}
