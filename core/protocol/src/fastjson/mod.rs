//! The fastjson 1.2.83 dialect of JSON that Java RocketMQ peers write and read.
//!
//! fastjson writes non-string map keys bare (`{0:"a"}`, `{{"topic":"T"}:1}`) and has its own escaping rules; this
//! module reads that dialect and writes it the way Java does for a given peer.

mod string;

pub use string::{JsonStyle, write_string};
