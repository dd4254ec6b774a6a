//! Topic attributes of UPDATE_AND_CREATE_TOPIC (`+key=value,-key`): Java 5.3.3's `AttributeParser#parseToMap`,
//! `AttributeUtil#alterCurrentAttributes` and the four `TopicAttributes`, with Java's exception messages (the
//! broker answers them as SYSTEM_ERROR remarks).

use indexmap::IndexMap;

/// How a known attribute's value is checked.
enum Kind {
    /// One of a set; `universe` is the set as Java's `HashSet#toString` prints it.
    Enum {
        values: &'static [&'static str],
        universe: &'static str,
    },
    /// A `long` within `min..=max`.
    LongRange { min: i64, max: i64 },
}

/// A known topic attribute.
struct Attribute {
    name: &'static str,
    changeable: bool,
    kind: Kind,
}

/// `TopicAttributes.ALL`.
const ALL: &[Attribute] = &[
    Attribute {
        name: "queue.type",
        changeable: false,
        kind: Kind::Enum {
            values: &["BatchCQ", "SimpleCQ"],
            universe: "[SimpleCQ, BatchCQ]",
        },
    },
    Attribute {
        name: "cleanup.policy",
        changeable: false,
        kind: Kind::Enum {
            values: &["DELETE", "COMPACTION"],
            universe: "[DELETE, COMPACTION]",
        },
    },
    Attribute {
        name: "message.type",
        changeable: true,
        kind: Kind::Enum {
            values: &["UNSPECIFIED", "NORMAL", "FIFO", "DELAY", "TRANSACTION", "MIXED"],
            universe: "[UNSPECIFIED, MIXED, TRANSACTION, FIFO, DELAY, NORMAL]",
        },
    },
    Attribute {
        name: "reserve.time",
        changeable: true,
        kind: Kind::LongRange {
            min: -1,
            max: i64::MAX,
        },
    },
];

impl Attribute {
    fn verify(&self, value: &str) -> Result<(), String> {
        match &self.kind {
            Kind::Enum { values, universe } => {
                if values.contains(&value) {
                    Ok(())
                } else {
                    Err(format!("value is not in set: {universe}"))
                }
            }
            Kind::LongRange { min, max } => {
                let parsed: i64 = value
                    .parse()
                    .map_err(|_| format!("For input string: \"{value}\""))?;
                if parsed < *min || parsed > *max {
                    return Err(format!("value is not in range({min}, {max})"));
                }
                Ok(())
            }
        }
    }
}

/// `AttributeParser#parseToMap`: the signed keys (`+k`, `-k`) and values of a modification string.
pub(crate) fn parse_modification(text: &str) -> Result<IndexMap<String, String>, String> {
    let mut attributes = IndexMap::new();
    if text.is_empty() {
        return Ok(attributes);
    }
    for kv in java_split(text, ',') {
        let (key, value) = if kv.contains('=') {
            let parts = java_split(kv, '=');
            let (Some(key), Some(value)) = (parts.first(), parts.get(1)) else {
                return Err(format!("Index 1 out of bounds for length {}", parts.len()));
            };
            if !key.contains('+') {
                return Err(format!("add/alter attribute format is wrong: {key}"));
            }
            ((*key).to_owned(), (*value).to_owned())
        } else {
            if !kv.contains('-') {
                return Err(format!("delete attribute format is wrong: {kv}"));
            }
            (kv.to_owned(), String::new())
        };
        if attributes.insert(key.clone(), value).is_some() {
            return Err(format!("key duplication: {key}"));
        }
    }
    Ok(attributes)
}

/// `String#split` with a one-character separator: trailing empty parts are dropped.
fn java_split(text: &str, separator: char) -> Vec<&str> {
    let mut parts: Vec<&str> = text.split(separator).collect();
    while parts.last().is_some_and(|part| part.is_empty()) {
        parts.pop();
    }
    parts
}

/// `AttributeUtil#alterCurrentAttributes`: applies the signed `changes` to `current` (`create` when the topic
/// does not exist yet) and returns the attributes to store.
pub(crate) fn alter(
    create: bool,
    current: &IndexMap<String, String>,
    changes: &IndexMap<String, String>,
) -> Result<IndexMap<String, String>, String> {
    let mut init = Vec::new();
    let mut add = Vec::new();
    let mut update = Vec::new();
    let mut delete = Vec::new();
    let mut seen = Vec::new();
    for (key, value) in changes {
        let real_key: String = key.chars().skip(1).collect();
        if real_key.is_empty() || real_key.contains('+') || real_key.contains('-') {
            return Err("kv string format wrong.".into());
        }
        if seen.contains(&real_key) {
            return Err(format!("alter duplication key. key: {real_key}"));
        }
        seen.push(real_key.clone());
        if create {
            if !key.starts_with('+') {
                return Err(format!(
                    "only add attribute is supported while creating topic. key: {real_key}"
                ));
            }
            init.push((real_key, value.clone()));
        } else if key.starts_with('+') {
            if current.contains_key(&real_key) {
                update.push((real_key, value.clone()));
            } else {
                add.push((real_key, value.clone()));
            }
        } else if key.starts_with('-') {
            if !current.contains_key(&real_key) {
                return Err(format!("attempt to delete a nonexistent key: {real_key}"));
            }
            delete.push((real_key, value.clone()));
        } else {
            return Err(format!("wrong format key: {real_key}"));
        }
    }
    validate_alter(&init, true, false)?;
    validate_alter(&add, false, false)?;
    validate_alter(&update, false, false)?;
    validate_alter(&delete, false, true)?;
    let mut result = current.clone();
    for (key, value) in init.into_iter().chain(add).chain(update) {
        result.insert(key, value);
    }
    for (key, _) in delete {
        result.shift_remove(&key);
    }
    Ok(result)
}

fn validate_alter(entries: &[(String, String)], init: bool, delete: bool) -> Result<(), String> {
    for (key, value) in entries {
        let Some(attribute) = ALL.iter().find(|attribute| attribute.name == key) else {
            return Err(format!("unsupported key: {key}"));
        };
        if !init && !attribute.changeable {
            return Err(format!("attempt to update an unchangeable attribute. key: {key}"));
        }
        if !delete {
            attribute.verify(value)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> IndexMap<String, String> {
        parse_modification(text).unwrap()
    }

    #[test]
    fn parsing_follows_attribute_parser() {
        assert!(parsed("").is_empty());
        assert_eq!(
            parsed("+message.type=FIFO,-reserve.time,")["+message.type"],
            "FIFO"
        );
        assert_eq!(
            parse_modification("message.type=FIFO").unwrap_err(),
            "add/alter attribute format is wrong: message.type"
        );
        assert_eq!(
            parse_modification("reserve.time").unwrap_err(),
            "delete attribute format is wrong: reserve.time"
        );
        assert_eq!(
            parse_modification("+a=1,+a=2").unwrap_err(),
            "key duplication: +a"
        );
    }

    #[test]
    fn alterations_follow_attribute_util() {
        let none = IndexMap::new();
        let created = alter(true, &none, &parsed("+message.type=FIFO")).unwrap();
        assert_eq!(created["message.type"], "FIFO");
        assert_eq!(
            alter(true, &none, &parsed("-message.type")).unwrap_err(),
            "only add attribute is supported while creating topic. key: message.type"
        );
        assert_eq!(
            alter(true, &none, &parsed("+colour=red")).unwrap_err(),
            "unsupported key: colour"
        );
        assert_eq!(
            alter(true, &none, &parsed("+message.type=BLUE")).unwrap_err(),
            "value is not in set: [UNSPECIFIED, MIXED, TRANSACTION, FIFO, DELAY, NORMAL]"
        );
        assert_eq!(
            alter(false, &created, &parsed("+queue.type=BatchCQ")).unwrap_err(),
            "attempt to update an unchangeable attribute. key: queue.type"
        );
        assert_eq!(
            alter(false, &created, &parsed("-reserve.time")).unwrap_err(),
            "attempt to delete a nonexistent key: reserve.time"
        );
        assert_eq!(
            alter(false, &created, &parsed("+reserve.time=-2")).unwrap_err(),
            format!("value is not in range(-1, {})", i64::MAX)
        );
        let updated = alter(false, &created, &parsed("+message.type=NORMAL,+reserve.time=5")).unwrap();
        assert_eq!(updated["message.type"], "NORMAL");
        assert_eq!(updated["reserve.time"], "5");
        let removed = alter(false, &updated, &parsed("-reserve.time")).unwrap();
        assert!(!removed.contains_key("reserve.time"));
        assert_eq!(alter(false, &updated, &IndexMap::new()).unwrap(), updated);
    }
}
