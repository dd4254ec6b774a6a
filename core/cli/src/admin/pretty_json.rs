//! fastjson's pretty format (`JSON.toJSONString(obj, true)`, what `RemotingSerializable.toJson(true)` prints for
//! `mqadmin topicRoute`): one member per line, tab indentation, `"key":value` without spaces, empty objects and
//! arrays kept as `{}` / `[]`. Works on compact fastjson text, so it keeps fastjson's bare non-string map keys,
//! and like fastjson's `MapSerializer` it starts no new line before a bare key (`{0:"127.0.0.1:10911"` then a new
//! line before the closing brace).

/// `compact` (fastjson text without whitespace outside strings) in fastjson's pretty layout.
pub fn pretty(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    // Whether each open container is an object (members get a new line only before a quoted key).
    let mut objects: Vec<bool> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = compact.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    chars.next();
                    out.push(c);
                    out.push(close);
                } else {
                    depth += 1;
                    objects.push(c == '{');
                    out.push(c);
                    member_break(&mut out, depth, &objects, chars.peek());
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                objects.pop();
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                member_break(&mut out, depth, &objects, chars.peek());
            }
            _ => out.push(c),
        }
    }
    out
}

/// The break before the next member: always in an array, in an object only before a quoted key.
fn member_break(out: &mut String, depth: usize, objects: &[bool], next: Option<&char>) {
    let in_object = objects.last().copied().unwrap_or(false);
    if !in_object || next == Some(&'"') {
        newline(out, depth);
    }
}

fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push('\t');
    }
}

#[cfg(test)]
mod tests {
    use super::pretty;

    #[test]
    fn indents_with_tabs_and_keeps_empty_containers_and_strings() {
        let compact = r#"{"a":{0:"x,{y}"},"b":[],"c":[{"d":1},{"e":{}}]}"#;
        assert_eq!(
            pretty(compact),
            concat!(
                "{\n\t\"a\":{0:\"x,{y}\"\n\t},\n\t\"b\":[],\n\t\"c\":[\n",
                "\t\t{\n\t\t\t\"d\":1\n\t\t},\n\t\t{\n\t\t\t\"e\":{}\n\t\t}\n\t]\n}"
            )
        );
    }
}
