//! JSON string escaping exactly as fastjson 1.2.83 does it (checked against the Java library).

use std::fmt::Write as _;

/// Which of fastjson's two output styles to reproduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JsonStyle {
    /// `JSON.toJSONString(obj)`: non-string map keys bare, UTF-8 text left as is.
    #[default]
    Fastjson,
    /// `SerializerFeature.BrowserCompatible`: every map key quoted, `/` and all non-ASCII escaped as `\uXXXX`.
    BrowserCompatible,
}

/// Appends `text` as a quoted JSON string.
///
/// Both styles escape `"` and `\`, write `\b \t \n \f \r` short, and every other control character, DEL and
/// U+2028/U+2029 as upper-case `\u00XX`. Browser-compatible output also escapes `/` and every non-ASCII UTF-16 unit.
pub fn write_string(out: &mut String, text: &str, style: JsonStyle) {
    out.push('"');
    let mut units = [0u16; 2];
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '/' if style == JsonStyle::BrowserCompatible => out.push_str("\\/"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{2028}' || c == '\u{2029}' => {
                push_unicode_escape(out, c as u16);
            }
            c if style == JsonStyle::BrowserCompatible && !c.is_ascii() => {
                for unit in c.encode_utf16(&mut units) {
                    push_unicode_escape(out, *unit);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn push_unicode_escape(out: &mut String, unit: u16) {
    // Writing into a String cannot fail.
    let _ = write!(out, "\\u{unit:04X}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str, style: JsonStyle) -> String {
        let mut out = String::new();
        write_string(&mut out, text, style);
        out
    }

    #[test]
    fn matches_fastjson_default_escaping() {
        assert_eq!(escaped("a\u{1}b\u{2}", JsonStyle::Fastjson), r#""a\u0001b\u0002""#);
        assert_eq!(escaped("\u{b}\u{1f}\u{7f}", JsonStyle::Fastjson), r#""\u000B\u001F\u007F""#);
        assert_eq!(escaped("\"\\\n\t/", JsonStyle::Fastjson), r#""\"\\\n\t/""#);
        assert_eq!(escaped("é中\u{2028}", JsonStyle::Fastjson), "\"é中\\u2028\"");
    }

    #[test]
    fn matches_fastjson_browser_compatible_escaping() {
        assert_eq!(escaped("a/b", JsonStyle::BrowserCompatible), r#""a\/b""#);
        assert_eq!(escaped("é中😀", JsonStyle::BrowserCompatible), r#""\u00E9\u4E2D\uD83D\uDE00""#);
    }
}
