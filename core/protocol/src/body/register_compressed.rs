//! The compressed REGISTER_BROKER body (`RegisterBrokerBody#encode(true)`, header `compressed=true`) and the
//! space-separated text form of `TopicConfig` it carries (REMOTING.md §4.3).
//!
//! Layout: one zlib stream (RFC 1950) holding, with every `int` a big-endian i32:
//! `int len` + DataVersion JSON; `int topicCount`; per topic `int len` + [`TopicConfig::encode_text`];
//! `int len` + filterServerList JSON; then (broker version ≥ 5.0.0) `int n` + n × (`int len` +
//! TopicQueueMappingInfo JSON). The text form keeps only name, queue numbers, perm, filter type and attributes.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use indexmap::IndexMap;

use super::JsonBody;
use super::register::{
    DataVersion, RegisterBrokerBody, TopicConfig, TopicConfigSerializeWrapper, TopicFilterType,
};
use crate::error::{ProtocolError, Result};
use crate::fastjson::{self, JsonStyle};
use crate::version::Version;

/// The most decompressed bytes (length prefixes included) a compressed body may expand to; a larger body is
/// refused as a zlib bomb. A broker with 100 000 topics needs about 7 MiB.
pub(crate) const MAX_DECOMPRESSED_LEN: usize = 32 * 1024 * 1024;

const TEXT_WHAT: &str = "TopicConfig text";

impl RegisterBrokerBody {
    /// Decodes a REGISTER_BROKER body: JSON, or the compressed form when the header says `compressed=true`.
    /// `broker_version` is the request's version; the static-topic mappings are read only from 5.0.0 on.
    pub fn decode_for(data: &[u8], compressed: bool, broker_version: i32) -> Result<Self> {
        if compressed {
            Self::decode_compressed(data, broker_version)
        } else {
            Self::decode(data)
        }
    }

    /// Decodes the compressed form. Mapping fields other than `topicQueueMappingInfoMap` (and that one before
    /// 5.0.0) are not carried and come back as `None`; topic configs lose `topicSysFlag` and `order`.
    pub fn decode_compressed(data: &[u8], broker_version: i32) -> Result<Self> {
        let mut parts = PartReader {
            inner: ZlibDecoder::new(data),
            budget: MAX_DECOMPRESSED_LEN,
        };
        let data_version: DataVersion = fastjson::from_slice(&parts.part()?)?;
        let topic_count = parts.count()?;
        let mut topic_config_table = IndexMap::new();
        for _ in 0..topic_count {
            let bytes = parts.part()?;
            let config = TopicConfig::decode_text(&String::from_utf8_lossy(&bytes))?;
            topic_config_table.insert(config.topic_name.clone(), config);
        }
        // Java falls back to an empty list when this part does not parse.
        let filter_server_list = fastjson::from_slice(&parts.part()?).unwrap_or_default();
        let topic_queue_mapping_info_map = if broker_version >= Version::V5_0_0 {
            let mut map = IndexMap::new();
            for _ in 0..parts.count()? {
                let info: serde_json::Value = fastjson::from_slice(&parts.part()?)?;
                let topic = info
                    .get("topic")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                map.insert(topic, info);
            }
            map
        } else {
            IndexMap::new()
        };
        Ok(RegisterBrokerBody {
            topic_config_serialize_wrapper: TopicConfigSerializeWrapper {
                topic_config_table,
                data_version,
                // Java's wrapper starts with empty mapping tables; the compressed form never carries details.
                topic_queue_mapping_info_map: Some(topic_queue_mapping_info_map),
                topic_queue_mapping_detail_map: Some(IndexMap::new()),
                mapping_data_version: None,
            },
            filter_server_list,
        })
    }

    /// Encodes the compressed form (zlib at the best compression level, like Java's `Deflater(9)`; the bytes
    /// need not equal Java's, the decompressed content does).
    pub fn encode_compressed(&self) -> Result<Vec<u8>> {
        let wrapper = &self.topic_config_serialize_wrapper;
        let mut parts = PartWriter {
            inner: ZlibEncoder::new(Vec::new(), Compression::best()),
        };
        parts.part(&fastjson::to_vec(&wrapper.data_version, JsonStyle::Fastjson)?)?;
        parts.count(wrapper.topic_config_table.len())?;
        for config in wrapper.topic_config_table.values() {
            parts.part(config.encode_text()?.as_bytes())?;
        }
        parts.part(&fastjson::to_vec(&self.filter_server_list, JsonStyle::Fastjson)?)?;
        let mappings = wrapper.topic_queue_mapping_info_map.as_ref();
        parts.count(mappings.map_or(0, IndexMap::len))?;
        for info in mappings.into_iter().flat_map(IndexMap::values) {
            parts.part(&fastjson::to_vec(info, JsonStyle::Fastjson)?)?;
        }
        parts.inner.finish().map_err(|e| compression_error("compress", e))
    }
}

impl TopicConfig {
    /// The text form of `TopicConfig#encode()`:
    /// `topicName readQueueNums writeQueueNums perm topicFilterType attributesJson`.
    pub fn encode_text(&self) -> Result<String> {
        let attributes = fastjson::to_string(&self.attributes, JsonStyle::Fastjson)?;
        Ok(format!(
            "{} {} {} {} {} {}",
            self.topic_name,
            self.read_queue_nums,
            self.write_queue_nums,
            self.perm,
            self.topic_filter_type,
            attributes
        ))
    }

    /// Parses the text form. Like Java, attributes that do not parse are left empty; unlike Java, a text with
    /// fewer than five parts is an error rather than a config without a name.
    pub fn decode_text(text: &str) -> Result<TopicConfig> {
        let mut parts = text.splitn(6, ' ');
        let mut next = |field: &str| {
            parts
                .next()
                .ok_or_else(|| ProtocolError::invalid(TEXT_WHAT, format!("missing {field} in {text:?}")))
        };
        let topic_name = next("topic name")?.to_owned();
        let read_queue_nums = parse_int(next("read queue count")?)?;
        let write_queue_nums = parse_int(next("write queue count")?)?;
        let perm = parse_int(next("perm")?)?;
        let topic_filter_type = TopicFilterType::from_name(next("topic filter type")?);
        let attributes = match parts.next() {
            Some(json) if !json.is_empty() => fastjson::from_str(json).unwrap_or_default(),
            _ => IndexMap::new(),
        };
        Ok(TopicConfig {
            topic_name,
            read_queue_nums,
            write_queue_nums,
            perm,
            topic_filter_type,
            attributes,
            ..TopicConfig::default()
        })
    }
}

fn parse_int(text: &str) -> Result<i32> {
    text.parse()
        .map_err(|_| ProtocolError::invalid(TEXT_WHAT, format!("{text:?} is not an int")))
}

fn compression_error(operation: &'static str, error: impl std::fmt::Display) -> ProtocolError {
    ProtocolError::Compression {
        algorithm: "zlib",
        operation,
        reason: error.to_string(),
    }
}

/// Reads length-prefixed parts from the decompressed stream, refusing to expand past a budget.
struct PartReader<R: Read> {
    inner: R,
    budget: usize,
}

impl<R: Read> PartReader<R> {
    fn int(&mut self) -> Result<i32> {
        self.spend(4)?;
        let mut bytes = [0u8; 4];
        self.inner
            .read_exact(&mut bytes)
            .map_err(|e| compression_error("decompress", e))?;
        Ok(i32::from_be_bytes(bytes))
    }

    fn spend(&mut self, len: usize) -> Result<()> {
        self.budget = self.budget.checked_sub(len).ok_or_else(|| {
            ProtocolError::invalid(
                "compressed REGISTER_BROKER body",
                format!("decompresses to more than {MAX_DECOMPRESSED_LEN} bytes"),
            )
        })?;
        Ok(())
    }

    fn count(&mut self) -> Result<usize> {
        let count = self.int()?;
        usize::try_from(count).map_err(|_| {
            ProtocolError::invalid(
                "compressed REGISTER_BROKER body",
                format!("negative count {count}"),
            )
        })
    }

    fn part(&mut self) -> Result<Vec<u8>> {
        let len = self.count()?;
        self.spend(len)?;
        let mut bytes = Vec::new();
        let limit = u64::try_from(len).unwrap_or(u64::MAX);
        (&mut self.inner)
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(|e| compression_error("decompress", e))?;
        if bytes.len() != len {
            return Err(ProtocolError::unexpected_end(
                "compressed REGISTER_BROKER part",
                len,
                bytes.len(),
            ));
        }
        Ok(bytes)
    }
}

/// Writes length-prefixed parts into the compressed stream.
struct PartWriter<W: Write> {
    inner: W,
}

impl<W: Write> PartWriter<W> {
    fn count(&mut self, count: usize) -> Result<()> {
        let count = i32::try_from(count).map_err(|_| {
            ProtocolError::invalid("compressed REGISTER_BROKER body", "more than i32::MAX entries")
        })?;
        self.inner
            .write_all(&count.to_be_bytes())
            .map_err(|e| compression_error("compress", e))
    }

    fn part(&mut self, bytes: &[u8]) -> Result<()> {
        self.count(bytes.len())?;
        self.inner
            .write_all(bytes)
            .map_err(|e| compression_error("compress", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_config_text_matches_java() {
        // Java 5.3.3: new TopicConfig("T", 4, 4, 6).encode()
        let config = TopicConfig::new("T", 4, 4, 6);
        assert_eq!(config.encode_text().unwrap(), "T 4 4 6 SINGLE_TAG {}");
        assert_eq!(TopicConfig::decode_text("T 4 4 6 SINGLE_TAG {}").unwrap(), config);
        let with_attributes =
            TopicConfig::decode_text(r#"T 1 2 6 MULTI_TAG {"+message.type":"FIFO"}"#).unwrap();
        assert_eq!(with_attributes.attributes["+message.type"], "FIFO");
        assert_eq!(with_attributes.topic_filter_type, TopicFilterType::MultiTag);
        assert_eq!(
            TopicConfig::decode_text("T 1 2 6 SINGLE_TAG")
                .unwrap()
                .attributes
                .len(),
            0
        );
        assert!(TopicConfig::decode_text("T 1 2").is_err());
        assert!(TopicConfig::decode_text("T x 2 6 SINGLE_TAG").is_err());
    }

    #[test]
    fn compressed_body_round_trips() {
        let mut body = super::super::register::tests::sample();
        body.filter_server_list = vec!["10.0.0.9:2000".into()];
        let info = serde_json::json!({"bname":"b","currIdMap":{},"epoch":3,"topic":"T","totalQueues":2});
        body.topic_config_serialize_wrapper.topic_queue_mapping_info_map =
            Some(IndexMap::from([("T".to_owned(), info)]));
        let bytes = body.encode_compressed().unwrap();
        let decoded = RegisterBrokerBody::decode_for(&bytes, true, Version::V5_3_3).unwrap();
        let wrapper = &decoded.topic_config_serialize_wrapper;
        assert_eq!(decoded.filter_server_list, body.filter_server_list);
        assert_eq!(
            wrapper.data_version,
            body.topic_config_serialize_wrapper.data_version
        );
        assert_eq!(
            wrapper.topic_config_table,
            body.topic_config_serialize_wrapper.topic_config_table
        );
        assert_eq!(
            wrapper.topic_queue_mapping_info_map,
            body.topic_config_serialize_wrapper.topic_queue_mapping_info_map
        );
        let old = RegisterBrokerBody::decode_compressed(&bytes, Version::V4_9_4).unwrap();
        // A pre-5.0 broker sends no mapping section; like Java, the table is then empty.
        assert_eq!(
            old.topic_config_serialize_wrapper.topic_queue_mapping_info_map,
            Some(IndexMap::new())
        );
    }

    #[test]
    fn broken_compressed_bodies_are_errors() {
        assert!(RegisterBrokerBody::decode_compressed(b"not zlib", Version::V5_3_3).is_err());
        let bytes = RegisterBrokerBody::default().encode_compressed().unwrap();
        assert!(RegisterBrokerBody::decode_compressed(&bytes[..bytes.len() / 2], Version::V5_3_3).is_err());
        // A part claiming more than the budget.
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::fast());
        encoder.write_all(&i32::MAX.to_be_bytes()).unwrap();
        let bomb = encoder.finish().unwrap();
        assert!(RegisterBrokerBody::decode_compressed(&bomb, Version::V5_3_3).is_err());
    }
}
