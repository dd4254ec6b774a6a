//! Fuzzes typed headers: any frame that decodes is read as every main request and response header, which either
//! succeeds (and then writes and reads back the same header) or names the bad field.
#![no_main]

use bytes::BytesMut;
use fulmen_protocol::ext_fields::CommandHeader;
use fulmen_protocol::header::*;
use fulmen_protocol::{ExtFields, FrameDecoder};
use libfuzzer_sys::fuzz_target;

fn exercise<H: CommandHeader + PartialEq + std::fmt::Debug>(fields: &ExtFields) {
    if let Ok(header) = H::read_from(fields) {
        assert_eq!(H::read_from(&header.to_ext_fields()).expect("our own fields read"), header);
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(Some(command)) = FrameDecoder::default().decode(&mut BytesMut::from(data)) else {
        return;
    };
    let code = command.request_code();
    let fields = command.ext_fields.unwrap_or_default();
    exercise::<SendMessageRequestHeader>(&fields);
    exercise::<SendMessageRequestHeaderV2>(&fields);
    exercise::<SendMessageResponseHeader>(&fields);
    exercise::<PullMessageRequestHeader>(&fields);
    exercise::<PullMessageResponseHeader>(&fields);
    exercise::<QueryConsumerOffsetRequestHeader>(&fields);
    exercise::<UpdateConsumerOffsetRequestHeader>(&fields);
    exercise::<GetRouteInfoRequestHeader>(&fields);
    exercise::<RegisterBrokerRequestHeader>(&fields);
    exercise::<EndTransactionRequestHeader>(&fields);
    exercise::<CheckTransactionStateRequestHeader>(&fields);
    exercise::<ConsumerSendMsgBackRequestHeader>(&fields);
    exercise::<HeartbeatRequestHeader>(&fields);
    exercise::<PopMessageRequestHeader>(&fields);
    let _ = SendMessageRequestHeader::read_for_code(code, &fields);
});
