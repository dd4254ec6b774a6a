//! Filtering a pull by consume-queue tag code (Java's `ExpressionMessageFilter#isMatchedByConsumeQueue`, TAG
//! type): the broker builds the filter from the consumer's subscription.

use std::collections::HashSet;
use std::fmt;

use fulmen_protocol::message::java_string_hash_code;

/// Decides from a consume-queue entry's tag code whether its message goes into a pull.
pub trait MessageFilter: Send + Sync + fmt::Debug {
    /// Whether the message with this tag code matches.
    fn is_matched_by_tags_code(&self, tags_code: i64) -> bool;
}

/// A TAG subscription: everything (`*`), or the messages whose tag hash is one of a set. Hash collisions pass
/// and are resolved by the client, which re-checks tag strings (REMOTING.md §5.5).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagsCodeFilter {
    /// `None` subscribes to everything.
    codes: Option<HashSet<i32>>,
}

impl TagsCodeFilter {
    /// Matches every message (`*`).
    pub fn all() -> Self {
        TagsCodeFilter { codes: None }
    }

    /// Matches the messages whose tag code is one of `codes` (Java's `SubscriptionData.codeSet`).
    pub fn from_codes(codes: impl IntoIterator<Item = i32>) -> Self {
        TagsCodeFilter {
            codes: Some(codes.into_iter().collect()),
        }
    }

    /// Matches the messages with one of `tags`.
    pub fn from_tags<'a>(tags: impl IntoIterator<Item = &'a str>) -> Self {
        Self::from_codes(tags.into_iter().map(java_string_hash_code))
    }
}

impl MessageFilter for TagsCodeFilter {
    fn is_matched_by_tags_code(&self, tags_code: i64) -> bool {
        match &self.codes {
            None => true,
            // Java compares `(int) tagsCode` with the set.
            Some(codes) => codes.contains(&(tags_code as i32)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_like_java() {
        let filter = TagsCodeFilter::from_tags(["TagA", "TagB"]);
        assert!(filter.is_matched_by_tags_code(2598919));
        assert!(
            !filter.is_matched_by_tags_code(0),
            "no tag does not match a tag subscription"
        );
        assert!(TagsCodeFilter::all().is_matched_by_tags_code(0));
    }
}
