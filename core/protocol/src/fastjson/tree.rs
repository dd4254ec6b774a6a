//! The value tree the fastjson serializer builds before writing: it keeps what fastjson's output depends on
//! (struct fields apart from map entries, integers apart from floats, struct field names for sorting).

use std::cmp::Ordering;

/// One serialized value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// `None`, unit, or a Java `null`: omitted as a struct field or map value, written `null` elsewhere.
    Null,
    /// A boolean.
    Bool(bool),
    /// Any integer type.
    Int(i128),
    /// A `f64` (Java `double`).
    Double(f64),
    /// A `f32` (Java `float`).
    Float(f32),
    /// A string, char or enum constant name.
    Str(String),
    /// A byte array, written as base64 like Java's `byte[]`.
    Bytes(Vec<u8>),
    /// A sequence, set or tuple.
    Array(Vec<Node>),
    /// A map: keys of any kind, in iteration order.
    Map(Vec<(Node, Node)>),
    /// A struct (Java bean): fields in declaration order, sorted by name when written.
    Object(Vec<(&'static str, Node)>),
}

impl Node {
    /// A total order used to sort map keys as Java's `TreeMap` would: strings by UTF-16 units, numbers by value,
    /// structs field by field in declaration order (which is how `MessageQueue#compareTo` orders). Keys of
    /// different kinds, which Java cannot compare, fall back to an arbitrary but consistent order.
    pub(crate) fn key_order(&self, other: &Node) -> Ordering {
        match (self, other) {
            (Node::Str(a), Node::Str(b)) => a.encode_utf16().cmp(b.encode_utf16()),
            (Node::Int(a), Node::Int(b)) => a.cmp(b),
            (Node::Double(a), Node::Double(b)) => a.total_cmp(b),
            (Node::Float(a), Node::Float(b)) => a.total_cmp(b),
            (Node::Bool(a), Node::Bool(b)) => a.cmp(b),
            (Node::Bytes(a), Node::Bytes(b)) => a.cmp(b),
            (Node::Array(a), Node::Array(b)) => compare_all(a.iter(), b.iter()),
            (Node::Map(a), Node::Map(b)) => compare_all(
                a.iter().flat_map(|(k, v)| [k, v]),
                b.iter().flat_map(|(k, v)| [k, v]),
            ),
            (Node::Object(a), Node::Object(b)) => {
                compare_all(a.iter().map(|(_, v)| v), b.iter().map(|(_, v)| v))
            }
            _ => self.rank().cmp(&other.rank()),
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Node::Null => 0,
            Node::Bool(_) => 1,
            Node::Int(_) => 2,
            Node::Double(_) => 3,
            Node::Float(_) => 4,
            Node::Str(_) => 5,
            Node::Bytes(_) => 6,
            Node::Array(_) => 7,
            Node::Map(_) => 8,
            Node::Object(_) => 9,
        }
    }
}

fn compare_all<'a>(mut a: impl Iterator<Item = &'a Node>, mut b: impl Iterator<Item = &'a Node>) -> Ordering {
    loop {
        match (a.next(), b.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => match x.key_order(y) {
                Ordering::Equal => {}
                unequal => return unequal,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_compare_by_utf16_units_like_java() {
        // In UTF-16, U+FF5E (0xFF5E) sorts after U+1F600 (0xD83D 0xDE00); by code point it sorts before.
        let fullwidth = Node::Str("\u{ff5e}".into());
        let emoji = Node::Str("\u{1f600}".into());
        assert_eq!(fullwidth.key_order(&emoji), Ordering::Greater);
        assert_eq!(
            Node::Str("Beta".into()).key_order(&Node::Str("alpha".into())),
            Ordering::Less
        );
    }

    #[test]
    fn structs_compare_field_by_field() {
        let mq = |topic: &str, broker: &str, id: i128| {
            Node::Object(vec![
                ("topic", Node::Str(topic.into())),
                ("brokerName", Node::Str(broker.into())),
                ("queueId", Node::Int(id)),
            ])
        };
        assert_eq!(mq("A", "b", 3).key_order(&mq("B", "a", 0)), Ordering::Less);
        assert_eq!(mq("A", "b", 3).key_order(&mq("A", "b", 10)), Ordering::Less);
    }
}
