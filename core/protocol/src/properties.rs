//! The `key=value` text of Java properties: the body of GET_*_CONFIG answers and UPDATE_*_CONFIG requests, and
//! the format of Apache's `broker.conf` / `namesrv.conf` files.
//!
//! Reading follows `java.util.Properties#load` for what admin tools send: `#`/`!` comments, `=`, `:` or
//! whitespace between key and value, backslash escapes (`\t`, `\n`, `\uXXXX`, ...) and lines continued by a
//! trailing backslash. Writing is `MixAll.properties2String`: one `key=value` line per entry, unescaped.

/// The entries of a properties text, in order.
pub fn parse(text: &str) -> Vec<(String, String)> {
    let mut entries = Vec::new();
    let mut lines = text.lines();
    while let Some(first) = lines.next() {
        let mut logical = first.trim_start().to_owned();
        if logical.is_empty() || logical.starts_with('#') || logical.starts_with('!') {
            continue;
        }
        while ends_with_continuation(&logical) {
            logical.pop();
            match lines.next() {
                Some(next) => logical.push_str(next.trim_start()),
                None => break,
            }
        }
        entries.push(split_entry(&logical));
    }
    entries
}

/// `key=value` lines, one per entry.
pub fn format<'a>(entries: impl IntoIterator<Item = (&'a str, String)>) -> String {
    entries
        .into_iter()
        .map(|(key, value)| format!("{key}={value}\n"))
        .collect()
}

/// Whether the line ends with an odd number of backslashes.
fn ends_with_continuation(line: &str) -> bool {
    line.chars().rev().take_while(|c| *c == '\\').count() % 2 == 1
}

fn split_entry(line: &str) -> (String, String) {
    let mut chars = line.chars().peekable();
    let mut key = String::new();
    while let Some(c) = chars.next() {
        match c {
            '\\' => push_escaped(&mut key, &mut chars),
            '=' | ':' => break,
            c if c.is_whitespace() => {
                while chars.next_if(|c| c.is_whitespace()).is_some() {}
                chars.next_if(|c| *c == '=' || *c == ':');
                break;
            }
            c => key.push(c),
        }
    }
    while chars.next_if(|c| c.is_whitespace()).is_some() {}
    let mut value = String::new();
    while let Some(c) = chars.next() {
        match c {
            '\\' => push_escaped(&mut value, &mut chars),
            c => value.push(c),
        }
    }
    (key, value)
}

fn push_escaped(out: &mut String, chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('t') => out.push('\t'),
        Some('n') => out.push('\n'),
        Some('r') => out.push('\r'),
        Some('f') => out.push('\u{c}'),
        Some('u') => {
            let hex: String = (0..4).filter_map(|_| chars.next()).collect();
            match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                Some(decoded) => out.push(decoded),
                None => out.push_str(&hex),
            }
        }
        Some(other) => out.push(other),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        parse(text)
    }

    #[test]
    fn reads_what_java_properties_reads() {
        let text =
            "# comment\n! another\n\n  a=1\nb : two words \nc\tthree\nd\\=e=f\\u0041\\\n   g\nempty=\n";
        assert_eq!(
            pairs(text),
            [
                ("a".into(), "1".into()),
                ("b".into(), "two words ".into()),
                ("c".into(), "three".into()),
                ("d=e".into(), "fAg".into()),
                ("empty".into(), String::new()),
            ]
        );
    }

    #[test]
    fn writes_one_line_per_entry() {
        assert_eq!(
            format([("a", "1".to_owned()), ("b", "x y".to_owned())]),
            "a=1\nb=x y\n"
        );
    }
}
