//! Protocol version numbers: the ordinal of Java's `MQVersion.Version` enum that every command carries.

/// Version ordinals that change behaviour somewhere in Apache RocketMQ.
#[derive(Debug, Clone, Copy)]
pub struct Version;

impl Version {
    /// 3.0.11: the name server decodes REGISTER_BROKER bodies as `RegisterBrokerBody`.
    pub const V3_0_11: i32 = 37;
    /// 3.1.8-SNAPSHOT: the first client version a broker forwards admin calls to (GET_CONSUMER_RUNNING_INFO,
    /// CONSUME_MESSAGE_DIRECTLY).
    pub const V3_1_8_SNAPSHOT: i32 = 62;
    /// 3.4.9: brokers honour `maxReconsumeTimes` in send headers.
    pub const V3_4_9: i32 = 121;
    /// 4.0.0.
    pub const V4_0_0: i32 = 213;
    /// 4.1.0-SNAPSHOT: the first broker version Java clients trust for SQL92 pulls.
    pub const V4_1_0_SNAPSHOT: i32 = 232;
    /// 4.9.4: name servers answer route queries with standard JSON from this version on.
    pub const V4_9_4: i32 = 401;
    /// 5.0.0.
    pub const V5_0_0: i32 = 413;
    /// 5.3.1: peers announcing a later version may be answered GO_AWAY by a stopping server.
    pub const V5_3_1: i32 = 475;
    /// 5.3.3: the version of the Java artifacts Fulmen is proven against.
    pub const V5_3_3: i32 = 479;
    /// The version Fulmen announces.
    pub const CURRENT: i32 = Self::V5_3_3;
}
