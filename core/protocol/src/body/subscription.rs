//! Building a TAG subscription from its expression, with the rules of Java's `FilterAPI.buildSubscriptionData`:
//! empty or `*` subscribes to everything; otherwise the expression is split on `||`, each tag trimmed, empty tags
//! dropped, and each kept tag hashed into the code set the broker filters by.

use indexmap::IndexSet;

use super::{ExpressionType, SubscriptionData};
use crate::message::java_string_hash_code;

/// The expression that subscribes to every tag.
pub const SUBSCRIBE_ALL: &str = "*";

impl SubscriptionData {
    /// A TAG subscription to `topic` by `expression` (`*`, `TagA`, `TagA || TagB`), stamped with `sub_version`
    /// (Java uses the current time in ms; the broker refuses pulls from an older version than it has seen).
    pub fn from_tag_expression(topic: &str, expression: &str, sub_version: i64) -> SubscriptionData {
        let mut tags_set = IndexSet::new();
        let mut code_set = IndexSet::new();
        let sub_string = if expression.is_empty() || expression == SUBSCRIBE_ALL {
            SUBSCRIBE_ALL.to_owned()
        } else {
            for tag in expression
                .split("||")
                .map(str::trim)
                .filter(|tag| !tag.is_empty())
            {
                code_set.insert(java_string_hash_code(tag));
                tags_set.insert(tag.to_owned());
            }
            expression.to_owned()
        };
        SubscriptionData {
            class_filter_mode: false,
            topic: topic.to_owned(),
            sub_string,
            tags_set,
            code_set,
            sub_version,
            expression_type: ExpressionType::Tag,
        }
    }

    /// Whether this subscription accepts every tag.
    pub fn is_subscribe_all(&self) -> bool {
        self.sub_string == SUBSCRIBE_ALL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_tag_sets_like_java() {
        let all = SubscriptionData::from_tag_expression("T", "", 1);
        assert!(all.is_subscribe_all() && all.tags_set.is_empty() && all.code_set.is_empty());
        let two = SubscriptionData::from_tag_expression("T", " TagA ||  || TagB ", 7);
        assert_eq!(two.sub_string, " TagA ||  || TagB ");
        assert_eq!(two.tags_set.iter().collect::<Vec<_>>(), ["TagA", "TagB"]);
        assert_eq!(
            two.code_set.iter().copied().collect::<Vec<_>>(),
            [2_598_919, 2_598_920]
        );
        assert_eq!(two.sub_version, 7);
    }
}
