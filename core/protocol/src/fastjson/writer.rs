//! Writes a [`Node`] tree exactly as fastjson 1.2.83 writes the equivalent Java object graph.
//!
//! Both styles: struct fields sorted by name (`SortField`), null fields and null map values omitted, enums by
//! name, `byte[]` as base64, doubles via [`number`](super::number).
//!
//! * [`JsonStyle::Fastjson`] (`JSON.toJSONString(obj)`): map entries in iteration order; a string key quoted, any
//!   other key written bare with the value writer (`{0:"a"}`, `{{"brokerName":"b",...}:1}`).
//! * [`JsonStyle::BrowserCompatible`] (the NameSrv route encoding: `BrowserCompatible, QuoteFieldNames,
//!   SkipTransientField, MapSortField`): map entries sorted by key as a `TreeMap` would; a non-string key becomes
//!   a string holding its default-style JSON text (`{"0":"a"}`); longs beyond ±(2^53-1) are quoted; strings
//!   escape `/` and non-ASCII.

use std::fmt::Write as _;

use super::number::{push_double, push_float};
use super::tree::Node;
use super::{JsonStyle, write_string};

/// The largest magnitude fastjson's browser-compatible mode writes as a bare number.
const MAX_SAFE_INTEGER: i128 = (1 << 53) - 1;

/// Appends `node` in `style`.
pub(crate) fn write_node(out: &mut String, node: &Node, style: JsonStyle) {
    match node {
        Node::Null => out.push_str("null"),
        Node::Bool(v) => out.push_str(if *v { "true" } else { "false" }),
        Node::Int(v) => {
            if style == JsonStyle::BrowserCompatible && v.abs() > MAX_SAFE_INTEGER {
                let _ = write!(out, "\"{v}\"");
            } else {
                let _ = write!(out, "{v}");
            }
        }
        Node::Double(v) => push_double(out, *v),
        Node::Float(v) => push_float(out, *v),
        Node::Str(text) => write_string(out, text, style),
        Node::Bytes(bytes) => {
            out.push('"');
            push_base64(out, bytes);
            out.push('"');
        }
        Node::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_node(out, item, style);
            }
            out.push(']');
        }
        Node::Object(fields) => write_object(out, fields, style),
        Node::Map(entries) => write_map(out, entries, style),
    }
}

fn write_object(out: &mut String, fields: &[(&'static str, Node)], style: JsonStyle) {
    let mut present: Vec<&(&'static str, Node)> = fields.iter().filter(|(_, v)| *v != Node::Null).collect();
    present.sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
    out.push('{');
    for (i, (name, value)) in present.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, name, style);
        out.push(':');
        write_node(out, value, style);
    }
    out.push('}');
}

fn write_map(out: &mut String, entries: &[(Node, Node)], style: JsonStyle) {
    let mut present: Vec<&(Node, Node)> = entries.iter().filter(|(_, v)| *v != Node::Null).collect();
    if style == JsonStyle::BrowserCompatible {
        present.sort_by(|(a, _), (b, _)| a.key_order(b));
    }
    out.push('{');
    for (i, (key, value)) in present.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_key(out, key, style);
        out.push(':');
        write_node(out, value, style);
    }
    out.push('}');
}

fn write_key(out: &mut String, key: &Node, style: JsonStyle) {
    match (key, style) {
        (Node::Str(text), _) => write_string(out, text, style),
        (_, JsonStyle::Fastjson) => write_node(out, key, style),
        (_, JsonStyle::BrowserCompatible) => {
            let mut text = String::new();
            write_node(&mut text, key, JsonStyle::Fastjson);
            write_string(out, &text, style);
        }
    }
}

/// Appends standard base64 with padding, as fastjson writes `byte[]`.
fn push_base64(out: &mut String, bytes: &[u8]) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let symbol = |index: u32| char::from(ALPHABET[(index & 63) as usize]);
    for chunk in bytes.chunks(3) {
        let b0 = u32::from(chunk.first().copied().unwrap_or(0));
        let b1 = u32::from(chunk.get(1).copied().unwrap_or(0));
        let b2 = u32::from(chunk.get(2).copied().unwrap_or(0));
        let triple = (b0 << 16) | (b1 << 8) | b2;
        out.push(symbol(triple >> 18));
        out.push(symbol(triple >> 12));
        out.push(if chunk.len() > 1 { symbol(triple >> 6) } else { '=' });
        out.push(if chunk.len() > 2 { symbol(triple) } else { '=' });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(node: &Node, style: JsonStyle) -> String {
        let mut out = String::new();
        write_node(&mut out, node, style);
        out
    }

    #[test]
    fn base64_matches_java() {
        let text = |bytes: &[u8]| {
            let mut out = String::new();
            push_base64(&mut out, bytes);
            out
        };
        assert_eq!(text(&[1, 2, 3]), "AQID");
        assert_eq!(text(b"ab"), "YWI=");
        assert_eq!(text(b"a"), "YQ==");
        assert_eq!(text(&[0xff, 0xfe, 0xfd, 0xfc]), "//79/A==");
        assert_eq!(text(b""), "");
    }

    /// Expected output printed by fastjson 1.2.83 for a `LinkedHashMap` with keys `true, 1.5, [1,2], null, 'c'`.
    #[test]
    fn odd_keys_are_bare_or_quoted() {
        let map = Node::Map(vec![
            (Node::Bool(true), Node::Int(1)),
            (Node::Double(1.5), Node::Int(2)),
            (Node::Array(vec![Node::Int(1), Node::Int(2)]), Node::Int(3)),
            (Node::Null, Node::Int(4)),
            (Node::Str("c".into()), Node::Int(5)),
        ]);
        assert_eq!(
            written(&map, JsonStyle::Fastjson),
            r#"{true:1,1.5:2,[1,2]:3,null:4,"c":5}"#
        );
    }

    #[test]
    fn browser_compatible_quotes_big_longs_and_sorts_keys() {
        let map = Node::Map(vec![
            (Node::Int(10), Node::Str("a".into())),
            (Node::Int(2), Node::Str("b".into())),
            (Node::Int(1 << 60), Node::Int(1 << 60)),
            (Node::Int(-3), Node::Int(-(1 << 53))),
            (Node::Int(4), Node::Null),
        ]);
        assert_eq!(
            written(&map, JsonStyle::Fastjson),
            r#"{10:"a",2:"b",1152921504606846976:1152921504606846976,-3:-9007199254740992}"#
        );
        assert_eq!(
            written(&map, JsonStyle::BrowserCompatible),
            r#"{"-3":"-9007199254740992","2":"b","10":"a","1152921504606846976":"1152921504606846976"}"#
        );
    }
}
