//! Fuzzes the fastjson reader and every typed JSON body, plus the compressed REGISTER_BROKER body: never a panic,
//! and whatever decodes encodes again in both styles and reads back.
#![no_main]

use fulmen_protocol::body::*;
use fulmen_protocol::fastjson::{self, JsonStyle};
use fulmen_protocol::version::Version;
use libfuzzer_sys::fuzz_target;

fn exercise<T: JsonBody>(data: &[u8]) {
    if let Ok(body) = T::decode(data) {
        for style in [JsonStyle::Fastjson, JsonStyle::BrowserCompatible] {
            let encoded = body.encode_with(style).expect("a decoded body encodes");
            T::decode(&encoded).expect("our own output decodes");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = fastjson::to_standard_json(data);
    let _ = fastjson::from_slice::<serde_json::Value>(data);
    exercise::<TopicRouteData>(data);
    exercise::<ClusterInfo>(data);
    exercise::<TopicList>(data);
    exercise::<KvTable>(data);
    exercise::<RegisterBrokerBody>(data);
    exercise::<HeartbeatData>(data);
    exercise::<ConsumerConnection>(data);
    exercise::<GetConsumerListByGroupResponseBody>(data);
    exercise::<LockBatchRequestBody>(data);
    exercise::<LockBatchResponseBody>(data);
    exercise::<ConsumeStats>(data);
    exercise::<TopicStatsTable>(data);
    exercise::<ResetOffsetBody>(data);
    let _ = RegisterBrokerBody::decode_compressed(data, Version::V5_3_3);
});
