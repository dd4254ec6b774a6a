//! Floating-point numbers as fastjson 1.2.83 writes them: the shortest digits that read back to the same value
//! (fastjson's Ryu port), laid out like Java's `Double.toString` (`0.0`, `1.5`, `1.0E20`, `9.99E-4`).
//! NaN and infinities are written as `null`, as fastjson does.

use std::fmt::Write as _;

/// Appends a `double` the way fastjson writes it.
pub(crate) fn push_double(out: &mut String, value: f64) {
    if value.is_finite() {
        push_java_layout(out, &format!("{value:e}"));
    } else {
        out.push_str("null");
    }
}

/// Appends a `float` the way fastjson writes it.
pub(crate) fn push_float(out: &mut String, value: f32) {
    if value.is_finite() {
        push_java_layout(out, &format!("{value:e}"));
    } else {
        out.push_str("null");
    }
}

/// Rewrites Rust's shortest scientific form (`-1.2345e-7`, `0e0`) into Java's layout: plain decimal with at least
/// one fraction digit when 10^-3 <= |x| < 10^7, else `d.dddE±n`.
fn push_java_layout(out: &mut String, scientific: &str) {
    let (negative, unsigned) = match scientific.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, scientific),
    };
    let (mantissa, exponent) = unsigned.split_once('e').unwrap_or((unsigned, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if negative {
        out.push('-');
    }
    if digits.bytes().all(|d| d == b'0') {
        out.push_str("0.0");
        return;
    }
    if (-3..7).contains(&exponent) {
        push_plain(out, &digits, exponent);
    } else {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        out.push('.');
        out.push_str(if rest.is_empty() { "0" } else { rest });
        let _ = write!(out, "E{exponent}");
    }
}

/// Writes `d.ddd × 10^exponent` as a plain decimal; `exponent` is in -3..7.
fn push_plain(out: &mut String, digits: &str, exponent: i32) {
    if let Ok(int_len) = usize::try_from(exponent).map(|e| e + 1) {
        if digits.len() <= int_len {
            out.push_str(digits);
            out.extend(std::iter::repeat_n('0', int_len - digits.len()));
            out.push_str(".0");
        } else {
            let (int_part, fraction) = digits.split_at(int_len);
            out.push_str(int_part);
            out.push('.');
            out.push_str(fraction);
        }
    } else {
        let zeros = usize::try_from(-exponent - 1).unwrap_or(0);
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', zeros));
        out.push_str(digits);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn double(value: f64) -> String {
        let mut out = String::new();
        push_double(&mut out, value);
        out
    }

    fn float(value: f32) -> String {
        let mut out = String::new();
        push_float(&mut out, value);
        out
    }

    /// Expected texts printed by fastjson 1.2.83 `JSON.toJSONString(double)` on Java 17.
    #[test]
    fn doubles_match_fastjson() {
        let cases: [(f64, &str); 22] = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.5, "1.5"),
            (1.0e20, "1.0E20"),
            (1.0e-5, "1.0E-5"),
            (1.0e7, "1.0E7"),
            (9_999_999.0, "9999999.0"),
            (0.001, "0.001"),
            (9.99e-4, "9.99E-4"),
            (2.0e23, "2.0E23"),
            (123.456, "123.456"),
            (f64::MAX, "1.7976931348623157E308"),
            (1.0e21, "1.0E21"),
            (100.0, "100.0"),
            (12_345_678.9, "1.23456789E7"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1.0 / 3.0, "0.3333333333333333"),
            (4.35, "4.35"),
            (0.002, "0.002"),
            (f64::NAN, "null"),
            (f64::INFINITY, "null"),
            (-1234.5, "-1234.5"),
        ];
        for (value, expected) in cases {
            assert_eq!(double(value), expected, "{value:?}");
        }
    }

    #[test]
    fn floats_match_fastjson() {
        let cases: [(f32, &str); 8] = [
            (0.0, "0.0"),
            (1.5, "1.5"),
            (1.0e20, "1.0E20"),
            (1.0e-5, "1.0E-5"),
            (1.0e7, "1.0E7"),
            (0.1, "0.1"),
            (f32::MAX, "3.4028235E38"),
            (16_777_216.0, "1.6777216E7"),
        ];
        for (value, expected) in cases {
            assert_eq!(float(value), expected, "{value:?}");
        }
        assert_eq!(float(1.0 / 3.0), "0.33333334");
    }
}
