//! A serde `Serializer` that turns any `Serialize` value into a [`Node`] tree for the fastjson writer.
//!
//! Mapping: `None` and unit become null (omitted as fields and map values), unit variants their name, newtype
//! structs their content, other enum variants a one-entry object keyed by the variant name (serde_json's
//! convention; no RocketMQ body uses them), structs an [`Node::Object`] and maps a [`Node::Map`] whose keys keep
//! their kind, so the writer can put integer and struct keys bare like fastjson.

use serde::ser::{self, Serialize};

use super::tree::Node;

/// The error a `Serialize` implementation may raise through this serializer.
#[derive(Debug)]
pub(crate) struct SerializeError(pub(crate) String);

impl std::fmt::Display for SerializeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SerializeError {}

impl ser::Error for SerializeError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        SerializeError(msg.to_string())
    }
}

type NodeResult = Result<Node, SerializeError>;

/// Builds the [`Node`] of one value.
pub(crate) fn to_node<T: Serialize + ?Sized>(value: &T) -> NodeResult {
    value.serialize(NodeSerializer)
}

/// The serializer itself; stateless, each nested value gets a fresh one.
pub(crate) struct NodeSerializer;

impl ser::Serializer for NodeSerializer {
    type Ok = Node;
    type Error = SerializeError;
    type SerializeSeq = SeqBuilder;
    type SerializeTuple = SeqBuilder;
    type SerializeTupleStruct = SeqBuilder;
    type SerializeTupleVariant = VariantBuilder<SeqBuilder>;
    type SerializeMap = MapBuilder;
    type SerializeStruct = StructBuilder;
    type SerializeStructVariant = VariantBuilder<StructBuilder>;

    fn serialize_bool(self, v: bool) -> NodeResult {
        Ok(Node::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> NodeResult {
        Ok(Node::Int(v.into()))
    }
    fn serialize_i16(self, v: i16) -> NodeResult {
        Ok(Node::Int(v.into()))
    }
    fn serialize_i32(self, v: i32) -> NodeResult {
        Ok(Node::Int(v.into()))
    }
    fn serialize_i64(self, v: i64) -> NodeResult {
        Ok(Node::Int(v.into()))
    }
    fn serialize_i128(self, v: i128) -> NodeResult {
        Ok(Node::Int(v))
    }
    fn serialize_u8(self, v: u8) -> NodeResult {
        Ok(Node::Int(v.into()))
    }
    fn serialize_u16(self, v: u16) -> NodeResult {
        Ok(Node::Int(v.into()))
    }
    fn serialize_u32(self, v: u32) -> NodeResult {
        Ok(Node::Int(v.into()))
    }
    fn serialize_u64(self, v: u64) -> NodeResult {
        Ok(Node::Int(v.into()))
    }
    fn serialize_u128(self, v: u128) -> NodeResult {
        i128::try_from(v)
            .map(Node::Int)
            .map_err(|_| SerializeError(format!("integer {v} is too large")))
    }
    fn serialize_f32(self, v: f32) -> NodeResult {
        Ok(Node::Float(v))
    }
    fn serialize_f64(self, v: f64) -> NodeResult {
        Ok(Node::Double(v))
    }
    fn serialize_char(self, v: char) -> NodeResult {
        Ok(Node::Str(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> NodeResult {
        Ok(Node::Str(v.to_owned()))
    }
    fn serialize_bytes(self, v: &[u8]) -> NodeResult {
        Ok(Node::Bytes(v.to_vec()))
    }
    fn serialize_none(self) -> NodeResult {
        Ok(Node::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> NodeResult {
        value.serialize(self)
    }
    fn serialize_unit(self) -> NodeResult {
        Ok(Node::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> NodeResult {
        Ok(Node::Null)
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> NodeResult {
        Ok(Node::Str(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> NodeResult {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> NodeResult {
        Ok(Node::Map(vec![(Node::Str(variant.to_owned()), to_node(value)?)]))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqBuilder, SerializeError> {
        Ok(SeqBuilder {
            items: Vec::with_capacity(len.unwrap_or(0)),
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqBuilder, SerializeError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqBuilder, SerializeError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantBuilder<SeqBuilder>, SerializeError> {
        Ok(VariantBuilder {
            variant,
            inner: SeqBuilder {
                items: Vec::with_capacity(len),
            },
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapBuilder, SerializeError> {
        Ok(MapBuilder {
            entries: Vec::with_capacity(len.unwrap_or(0)),
            pending_key: None,
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<StructBuilder, SerializeError> {
        Ok(StructBuilder {
            fields: Vec::with_capacity(len),
        })
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<VariantBuilder<StructBuilder>, SerializeError> {
        Ok(VariantBuilder {
            variant,
            inner: StructBuilder {
                fields: Vec::with_capacity(len),
            },
        })
    }
}

/// Collects the items of a sequence or tuple.
pub(crate) struct SeqBuilder {
    items: Vec<Node>,
}

impl ser::SerializeSeq for SeqBuilder {
    type Ok = Node;
    type Error = SerializeError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerializeError> {
        self.items.push(to_node(value)?);
        Ok(())
    }
    fn end(self) -> NodeResult {
        Ok(Node::Array(self.items))
    }
}

impl ser::SerializeTuple for SeqBuilder {
    type Ok = Node;
    type Error = SerializeError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerializeError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> NodeResult {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for SeqBuilder {
    type Ok = Node;
    type Error = SerializeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerializeError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> NodeResult {
        ser::SerializeSeq::end(self)
    }
}

/// Collects the entries of a map; keys keep their kind.
pub(crate) struct MapBuilder {
    entries: Vec<(Node, Node)>,
    pending_key: Option<Node>,
}

impl ser::SerializeMap for MapBuilder {
    type Ok = Node;
    type Error = SerializeError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), SerializeError> {
        self.pending_key = Some(to_node(key)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerializeError> {
        let key = self
            .pending_key
            .take()
            .ok_or_else(|| SerializeError("a map value was serialized before its key".to_owned()))?;
        self.entries.push((key, to_node(value)?));
        Ok(())
    }
    fn end(self) -> NodeResult {
        Ok(Node::Map(self.entries))
    }
}

/// Collects the fields of a struct.
pub(crate) struct StructBuilder {
    fields: Vec<(&'static str, Node)>,
}

impl ser::SerializeStruct for StructBuilder {
    type Ok = Node;
    type Error = SerializeError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), SerializeError> {
        self.fields.push((key, to_node(value)?));
        Ok(())
    }
    fn end(self) -> NodeResult {
        Ok(Node::Object(self.fields))
    }
}

/// Wraps a tuple or struct variant's content in a one-entry object keyed by the variant name.
pub(crate) struct VariantBuilder<B> {
    variant: &'static str,
    inner: B,
}

impl VariantBuilder<SeqBuilder> {
    fn finish(self) -> NodeResult {
        Ok(Node::Map(vec![(
            Node::Str(self.variant.to_owned()),
            Node::Array(self.inner.items),
        )]))
    }
}

impl ser::SerializeTupleVariant for VariantBuilder<SeqBuilder> {
    type Ok = Node;
    type Error = SerializeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerializeError> {
        ser::SerializeSeq::serialize_element(&mut self.inner, value)
    }
    fn end(self) -> NodeResult {
        self.finish()
    }
}

impl ser::SerializeStructVariant for VariantBuilder<StructBuilder> {
    type Ok = Node;
    type Error = SerializeError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), SerializeError> {
        ser::SerializeStruct::serialize_field(&mut self.inner, key, value)
    }
    fn end(self) -> NodeResult {
        Ok(Node::Map(vec![(
            Node::Str(self.variant.to_owned()),
            Node::Object(self.inner.fields),
        )]))
    }
}
