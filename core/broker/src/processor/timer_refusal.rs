//! The answer Java gives when its put hook refuses a timer message, the same for SEND and for END_TRANSACTION's
//! commit (`SendMessageProcessor.handlePutMessageResult`, `EndTransactionProcessor.sendFinalMessage`).

use fulmen_protocol::ResponseCode;
use fulmen_store::PutMessageStatus;

use crate::state::BrokerState;

/// The response code and remark of a timer refusal, or `None` for any other status.
pub(super) fn timer_refusal(state: &BrokerState, status: PutMessageStatus) -> Option<(ResponseCode, String)> {
    match status {
        PutMessageStatus::WheelTimerMsgIllegal => Some((
            ResponseCode::MESSAGE_ILLEGAL,
            format!(
                "timer message illegal, the delay time should not be bigger than the max delay {}ms; or if set del \
                 msg, the delay time should be bigger than the current time",
                state.config.timer_max_delay_sec.saturating_mul(1000)
            ),
        )),
        PutMessageStatus::WheelTimerNotEnable => Some((
            ResponseCode::SYSTEM_ERROR,
            format!(
                "accurate timer message is not enabled, timerWheelEnable is {}",
                state.config.timer_wheel_enable
            ),
        )),
        _ => None,
    }
}
