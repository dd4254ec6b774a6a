//! `PullSysFlag`: the bit set in the `sysFlag` field of a pull request (Java's `common.sysflag.PullSysFlag`).

use std::ops::{BitOr, BitOrAssign};

/// The `sysFlag` bits of a `PULL_MESSAGE` / `LITE_PULL_MESSAGE` request. Unknown bits are kept as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PullSysFlag(pub i32);

impl PullSysFlag {
    /// No bit set.
    pub const NONE: PullSysFlag = PullSysFlag(0);
    /// 0x1: the broker should also store the request's `commitOffset` as the group's offset.
    pub const COMMIT_OFFSET: PullSysFlag = PullSysFlag(0x1);
    /// 0x2: the broker may hold the request (long polling) when no message is available.
    pub const SUSPEND: PullSysFlag = PullSysFlag(0x2);
    /// 0x4: use the request's `subscription` / `expressionType` instead of the heartbeat-registered subscription.
    pub const SUBSCRIPTION: PullSysFlag = PullSysFlag(0x4);
    /// 0x8: class filter mode (obsolete).
    pub const CLASS_FILTER: PullSysFlag = PullSysFlag(0x8);
    /// 0x10: the request comes from a lite pull consumer.
    pub const LITE_PULL: PullSysFlag = PullSysFlag(0x10);

    /// The flags a consumer sets, in the order of Java's `buildSysFlag`.
    pub const fn build(
        commit_offset: bool,
        suspend: bool,
        subscription: bool,
        class_filter: bool,
        lite_pull: bool,
    ) -> Self {
        let mut bits = 0;
        if commit_offset {
            bits |= Self::COMMIT_OFFSET.0;
        }
        if suspend {
            bits |= Self::SUSPEND.0;
        }
        if subscription {
            bits |= Self::SUBSCRIPTION.0;
        }
        if class_filter {
            bits |= Self::CLASS_FILTER.0;
        }
        if lite_pull {
            bits |= Self::LITE_PULL.0;
        }
        PullSysFlag(bits)
    }

    /// The raw bits, as sent in `sysFlag`.
    pub const fn bits(self) -> i32 {
        self.0
    }

    /// Whether every bit of `flags` is set.
    pub const fn contains(self, flags: PullSysFlag) -> bool {
        self.0 & flags.0 == flags.0
    }

    /// These flags with the bits of `flags` added.
    pub const fn with(self, flags: PullSysFlag) -> Self {
        PullSysFlag(self.0 | flags.0)
    }

    /// These flags with the bits of `flags` cleared.
    pub const fn without(self, flags: PullSysFlag) -> Self {
        PullSysFlag(self.0 & !flags.0)
    }

    /// Whether [`COMMIT_OFFSET`](Self::COMMIT_OFFSET) is set.
    pub const fn has_commit_offset(self) -> bool {
        self.contains(Self::COMMIT_OFFSET)
    }

    /// Whether [`SUSPEND`](Self::SUSPEND) is set.
    pub const fn has_suspend(self) -> bool {
        self.contains(Self::SUSPEND)
    }

    /// Whether [`SUBSCRIPTION`](Self::SUBSCRIPTION) is set.
    pub const fn has_subscription(self) -> bool {
        self.contains(Self::SUBSCRIPTION)
    }

    /// Whether [`CLASS_FILTER`](Self::CLASS_FILTER) is set.
    pub const fn has_class_filter(self) -> bool {
        self.contains(Self::CLASS_FILTER)
    }

    /// Whether [`LITE_PULL`](Self::LITE_PULL) is set.
    pub const fn has_lite_pull(self) -> bool {
        self.contains(Self::LITE_PULL)
    }

    /// These flags without [`COMMIT_OFFSET`](Self::COMMIT_OFFSET), as a slave broker treats a request.
    pub const fn clear_commit_offset(self) -> Self {
        self.without(Self::COMMIT_OFFSET)
    }

    /// These flags without [`SUSPEND`](Self::SUSPEND).
    pub const fn clear_suspend(self) -> Self {
        self.without(Self::SUSPEND)
    }
}

impl BitOr for PullSysFlag {
    type Output = PullSysFlag;

    fn bitor(self, rhs: PullSysFlag) -> PullSysFlag {
        self.with(rhs)
    }
}

impl BitOrAssign for PullSysFlag {
    fn bitor_assign(&mut self, rhs: PullSysFlag) {
        *self = self.with(rhs);
    }
}

impl From<i32> for PullSysFlag {
    fn from(bits: i32) -> Self {
        PullSysFlag(bits)
    }
}

impl From<PullSysFlag> for i32 {
    fn from(flags: PullSysFlag) -> i32 {
        flags.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_have_the_java_values() {
        assert_eq!(PullSysFlag::COMMIT_OFFSET.bits(), 0x1);
        assert_eq!(PullSysFlag::SUSPEND.bits(), 0x2);
        assert_eq!(PullSysFlag::SUBSCRIPTION.bits(), 0x4);
        assert_eq!(PullSysFlag::CLASS_FILTER.bits(), 0x8);
        assert_eq!(PullSysFlag::LITE_PULL.bits(), 0x10);
        assert_eq!(PullSysFlag::build(true, true, true, true, true).bits(), 0x1F);
    }

    #[test]
    fn push_consumer_flags_read_back() {
        let flags = PullSysFlag::build(true, true, false, false, false);
        assert_eq!(flags.bits(), 0x3);
        assert!(flags.has_commit_offset() && flags.has_suspend());
        assert!(!flags.has_subscription() && !flags.has_class_filter() && !flags.has_lite_pull());
        assert_eq!(flags.clear_commit_offset(), PullSysFlag::SUSPEND);
        assert_eq!(flags.clear_suspend(), PullSysFlag::COMMIT_OFFSET);
    }

    #[test]
    fn combining_and_clearing_keep_other_bits() {
        let mut flags = PullSysFlag::SUBSCRIPTION | PullSysFlag::LITE_PULL;
        assert_eq!(flags.bits(), 0x14);
        assert!(flags.contains(PullSysFlag::SUBSCRIPTION | PullSysFlag::LITE_PULL));
        assert!(!flags.contains(PullSysFlag::SUBSCRIPTION | PullSysFlag::SUSPEND));
        flags |= PullSysFlag::from(0x40);
        assert_eq!(
            i32::from(flags.without(PullSysFlag::LITE_PULL)),
            0x44,
            "unknown bits survive"
        );
        assert_eq!(PullSysFlag::NONE.clear_commit_offset(), PullSysFlag::NONE);
    }
}
