//! Reading fastjson text: a tokenizer that rewrites the lenient dialect Java peers write into standard JSON.
//!
//! fastjson writes map keys that are not strings bare (`{0:"a"}`, `{{"topic":"T"}:1}`), and its parser also
//! accepts single quotes, unquoted field names, a few extra escapes and stray commas. [`to_standard_json`] turns
//! all of that into standard JSON so serde can take over:
//!
//! * a key that is not a string becomes a string holding the key's standard JSON text (`0` → `"0"`,
//!   `{"topic":"T"}` → `"{\"topic\":\"T\"}"`); serde_json parses integer keys back from such strings, and
//!   object-keyed types (`MessageQueue`) parse the text;
//! * object members whose value is `null` are dropped, as fastjson treats them as absent, so `#[serde(default)]`
//!   applies to them;
//! * `$ref` objects, unknown fields and every other value pass through unchanged.
//!
//! The reader works on bytes, never panics and refuses nesting deeper than [`MAX_DEPTH`]. Because a key's text
//! is escaped again at every level of keys within keys, that nesting is limited to [`MAX_KEY_NESTING`] and the
//! output to a fixed multiple of the input, so crafted input cannot make the output grow exponentially.

use crate::error::{ProtocolError, Result};
use crate::fastjson::{JsonStyle, write_string};

/// The deepest nesting of objects and arrays (keys included) the reader accepts.
pub const MAX_DEPTH: usize = 100;

/// The deepest nesting of non-string keys within non-string keys (a `MessageQueue` key is one level).
pub const MAX_KEY_NESTING: usize = 4;

/// The output may be at most this many times as long as the input (plus a constant); escaping a control
/// character as `\u00XX` is the largest legitimate growth.
const MAX_GROWTH: usize = 8;

const WHAT: &str = "fastjson text";

/// Rewrites fastjson text (UTF-8, invalid sequences replaced) into compact standard JSON.
pub fn to_standard_json(input: &[u8]) -> Result<String> {
    let text = String::from_utf8_lossy(input);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let output_limit = text.len().saturating_mul(MAX_GROWTH).saturating_add(1024);
    let mut reader = Reader {
        text,
        pos: 0,
        key_nesting: 0,
        output_limit,
    };
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    reader.skip_whitespace();
    reader.value(&mut out, 0)?;
    reader.skip_whitespace();
    if reader.pos < reader.text.len() {
        return Err(reader.error("trailing characters after the value"));
    }
    Ok(out)
}

struct Reader<'a> {
    text: &'a str,
    pos: usize,
    /// How many non-string keys enclose the current position.
    key_nesting: usize,
    /// The longest output (or key text) allowed.
    output_limit: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn error(&self, reason: &str) -> ProtocolError {
        ProtocolError::json(WHAT, format!("{reason} at byte {}", self.pos))
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\x08') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8, reason: &str) -> Result<()> {
        self.skip_whitespace();
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(reason))
        }
    }

    /// Reads one value and appends its standard form to `out`.
    fn value(&mut self, out: &mut String, depth: usize) -> Result<()> {
        self.skip_whitespace();
        match self.peek() {
            Some(b'{') => self.object(out, depth + 1),
            Some(b'[') => self.array(out, depth + 1),
            Some(quote @ (b'"' | b'\'')) => {
                let text = self.string(quote)?;
                write_string(out, &text, JsonStyle::Fastjson);
                Ok(())
            }
            Some(b'-' | b'0'..=b'9') => self.number(out),
            Some(byte) if is_identifier_byte(byte) => self.word_value(out, depth),
            Some(_) => Err(self.error("unexpected character")),
            None => Err(self.error("unexpected end of input")),
        }
    }

    fn enter(&self, depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            Err(self.error("nesting too deep"))
        } else {
            Ok(())
        }
    }

    fn object(&mut self, out: &mut String, depth: usize) -> Result<()> {
        self.enter(depth)?;
        self.pos += 1; // '{'
        out.push('{');
        let mut members = 0usize;
        loop {
            self.skip_whitespace();
            match self.peek() {
                Some(b'}') => {
                    self.pos += 1;
                    out.push('}');
                    return Ok(());
                }
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                None => return Err(self.error("unterminated object")),
                Some(_) => {}
            }
            let mark = out.len();
            if members > 0 {
                out.push(',');
            }
            self.key(out, depth)?;
            self.expect(b':', "expected ':' after an object key")?;
            out.push(':');
            let value_start = out.len();
            self.value(out, depth)?;
            if out.get(value_start..) == Some("null") {
                out.truncate(mark);
            } else {
                members += 1;
            }
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {}
                _ => return Err(self.error("expected ',' or '}' in an object")),
            }
        }
    }

    /// Reads a key and appends it as a standard JSON string.
    fn key(&mut self, out: &mut String, depth: usize) -> Result<()> {
        match self.peek() {
            Some(quote @ (b'"' | b'\'')) => {
                let text = self.string(quote)?;
                write_string(out, &text, JsonStyle::Fastjson);
            }
            Some(byte) if is_identifier_byte(byte) => {
                let word = self.identifier();
                write_string(out, word, JsonStyle::Fastjson);
            }
            Some(_) => {
                if self.key_nesting >= MAX_KEY_NESTING {
                    return Err(self.error("keys nested too deep"));
                }
                self.key_nesting += 1;
                let mut key_text = String::new();
                self.value(&mut key_text, depth)?;
                self.key_nesting -= 1;
                write_string(out, &key_text, JsonStyle::Fastjson);
                if out.len() > self.output_limit {
                    return Err(self.error("keys expand too much"));
                }
            }
            None => return Err(self.error("unterminated object")),
        }
        Ok(())
    }

    fn array(&mut self, out: &mut String, depth: usize) -> Result<()> {
        self.enter(depth)?;
        self.pos += 1; // '['
        out.push('[');
        let mut items = 0usize;
        loop {
            self.skip_whitespace();
            match self.peek() {
                Some(b']') => {
                    self.pos += 1;
                    out.push(']');
                    return Ok(());
                }
                None => return Err(self.error("unterminated array")),
                Some(_) => {}
            }
            if items > 0 {
                out.push(',');
            }
            self.value(out, depth)?;
            items += 1;
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {}
                _ => return Err(self.error("expected ',' or ']' in an array")),
            }
        }
    }

    /// A bare word in value position: a literal, or fastjson's `Set[...]` / `TreeSet[...]` collection form.
    fn word_value(&mut self, out: &mut String, depth: usize) -> Result<()> {
        let start = self.pos;
        let word = self.identifier();
        match word {
            "true" | "false" | "null" => out.push_str(word),
            "undefined" => out.push_str("null"),
            "Set" | "HashSet" | "TreeSet" if self.peek() == Some(b'[') => return self.array(out, depth + 1),
            _ => {
                self.pos = start;
                return Err(self.error("unexpected bare word"));
            }
        }
        Ok(())
    }

    fn identifier(&mut self) -> &'a str {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| is_identifier_byte(b) || b.is_ascii_digit())
        {
            self.pos += 1;
        }
        // Identifier bytes are ASCII or whole runs of non-ASCII bytes, so both ends are char boundaries.
        self.text.get(start..self.pos).unwrap_or_default()
    }

    /// Validates a number and appends it; fastjson's type suffixes (`L`, `S`, `B`, `F`, `D`) are dropped.
    fn number(&mut self, out: &mut String) -> Result<()> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        if self.digits() == 0 {
            return Err(self.error("invalid number"));
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        let literal = self.text.get(start..self.pos).unwrap_or_default();
        let unsigned = literal.strip_prefix('-').unwrap_or(literal).as_bytes();
        if matches!(unsigned, [b'0', next, ..] if next.is_ascii_digit()) {
            // Java never writes leading zeros; serde_json would reject them anyway.
            return Err(self.error("number with a leading zero"));
        }
        out.push_str(literal);
        if let Some(b'L' | b'S' | b'B' | b'F' | b'D') = self.peek() {
            self.pos += 1;
        }
        Ok(())
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Reads a quoted string (the opening quote is at `pos`) and returns its decoded text.
    fn string(&mut self, quote: u8) -> Result<String> {
        self.pos += 1;
        let mut text = String::new();
        let mut run_start = self.pos;
        loop {
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b) if b == quote => {
                    text.push_str(self.text.get(run_start..self.pos).unwrap_or_default());
                    self.pos += 1;
                    return Ok(text);
                }
                Some(b'\\') => {
                    text.push_str(self.text.get(run_start..self.pos).unwrap_or_default());
                    self.pos += 1;
                    self.escape(&mut text)?;
                    run_start = self.pos;
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    /// Decodes one escape sequence (after the backslash), as fastjson's lexer accepts them.
    fn escape(&mut self, text: &mut String) -> Result<()> {
        let Some(byte) = self.peek() else {
            return Err(self.error("unterminated string"));
        };
        self.pos += 1;
        let decoded = match byte {
            b'"' | b'\\' | b'/' | b'\'' => char::from(byte),
            b'b' => '\u{8}',
            b'f' | b'F' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'v' => '\u{b}',
            b'0'..=b'7' => char::from(byte - b'0'),
            b'x' => {
                let value = self.hex_digits(2)?;
                char::from_u32(value).unwrap_or(char::REPLACEMENT_CHARACTER)
            }
            b'u' => self.unicode_escape()?,
            _ => {
                self.pos -= 1;
                return Err(self.error("invalid escape sequence"));
            }
        };
        text.push(decoded);
        Ok(())
    }

    /// Decodes `XXXX` after `\u`, pairing surrogates; a lone surrogate becomes U+FFFD.
    fn unicode_escape(&mut self) -> Result<char> {
        let first = self.hex_digits(4)?;
        if !(0xD800..0xDC00).contains(&first) {
            return Ok(char::from_u32(first).unwrap_or(char::REPLACEMENT_CHARACTER));
        }
        let rest = self.text.as_bytes().get(self.pos..).unwrap_or_default();
        if rest.starts_with(b"\\u") {
            let saved = self.pos;
            self.pos += 2;
            let second = self.hex_digits(4)?;
            if (0xDC00..0xE000).contains(&second) {
                let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                return Ok(char::from_u32(combined).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            self.pos = saved;
        }
        Ok(char::REPLACEMENT_CHARACTER)
    }

    fn hex_digits(&mut self, count: usize) -> Result<u32> {
        let mut value = 0u32;
        for _ in 0..count {
            let digit = self.peek().and_then(|b| char::from(b).to_digit(16));
            match digit {
                Some(d) => {
                    value = value * 16 + d;
                    self.pos += 1;
                }
                None => return Err(self.error("invalid hex digit in an escape")),
            }
        }
        Ok(value)
    }
}

/// Bytes that may start an unquoted field name: ASCII letters, `_`, `$`, and any non-ASCII byte.
fn is_identifier_byte(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_' || byte == b'$' || byte >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standard(text: &str) -> String {
        to_standard_json(text.as_bytes()).unwrap()
    }

    #[test]
    fn bare_numeric_keys_become_strings() {
        assert_eq!(
            standard(r#"{"brokerAddrs":{0:"a",1:"b"}}"#),
            r#"{"brokerAddrs":{"0":"a","1":"b"}}"#
        );
        assert_eq!(standard("{-3:1, 1.5:2}"), r#"{"-3":1,"1.5":2}"#);
    }

    #[test]
    fn object_keys_become_their_json_text() {
        assert_eq!(
            standard(r#"{{"brokerName":"b", "queueId":0,"topic":"T"}:{"brokerOffset":10}}"#),
            r#"{"{\"brokerName\":\"b\",\"queueId\":0,\"topic\":\"T\"}":{"brokerOffset":10}}"#
        );
        assert_eq!(
            standard("{[1,2]:3,true:4,null:5}"),
            r#"{"[1,2]":3,"true":4,"null":5}"#
        );
    }

    #[test]
    fn lenient_syntax_is_normalised() {
        assert_eq!(
            standard("{a:'x\\'y', $b_1 : [1,2,],,}"),
            r#"{"a":"x'y","$b_1":[1,2]}"#
        );
        assert_eq!(
            standard(r#"{"s":"\x41\v\/\u00e9\ud83d\ude00\ud83d"}"#),
            "{\"s\":\"A\\u000B/é😀\u{fffd}\"}"
        );
        assert_eq!(
            standard("[12L, 1.5D, -0, 1e5, 0.5, Set[1]]"),
            "[12,1.5,-0,1e5,0.5,[1]]"
        );
        assert_eq!(standard("\u{feff} {\"a\":undefined} "), "{}");
    }

    #[test]
    fn null_members_are_dropped_but_null_items_kept() {
        assert_eq!(standard(r#"{"a":null,"b":1,"c":null}"#), r#"{"b":1}"#);
        assert_eq!(standard("[null,1]"), "[null,1]");
    }

    #[test]
    fn ref_objects_pass_through() {
        assert_eq!(
            standard(r#"[{"a":1},{"$ref":"$[0]"}]"#),
            r#"[{"a":1},{"$ref":"$[0]"}]"#
        );
    }

    #[test]
    fn malformed_input_is_an_error() {
        for bad in [
            "",
            "{",
            "{\"a\"",
            "{\"a\":}",
            "[1 2]",
            "01",
            "-",
            "1.",
            "\"\\q\"",
            "{}x",
            "nul",
            "\"\\u12\"",
        ] {
            assert!(to_standard_json(bad.as_bytes()).is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn nested_keys_cannot_blow_up() {
        let nested = |levels: usize| "{".repeat(levels) + "\"a\":1" + &"}:1".repeat(levels - 1) + "}";
        assert!(to_standard_json(nested(MAX_KEY_NESTING + 1).as_bytes()).is_ok());
        assert!(to_standard_json(nested(MAX_KEY_NESTING + 2).as_bytes()).is_err());
        // Quotes and backslashes double at every key level: the size guard stops this early.
        let heavy = "{".repeat(MAX_KEY_NESTING + 1)
            + &"\"\\\\\":1,".repeat(2000)
            + "\"a\":1"
            + &"}:1".repeat(MAX_KEY_NESTING)
            + "}";
        assert!(to_standard_json(heavy.as_bytes()).is_err());
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(to_standard_json(deep.as_bytes()).is_err());
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(to_standard_json(ok.as_bytes()).is_ok());
        let deep_keys = "{".repeat(MAX_DEPTH + 1);
        assert!(to_standard_json(deep_keys.as_bytes()).is_err());
    }
}
