//! `OpaqueSequence`: the request ids ("opaque") one client or server puts on the requests it sends.

use std::sync::atomic::{AtomicI32, Ordering};

/// Hands out request ids, starting at 0 and wrapping around like Java's `AtomicInteger`. One sequence is shared by
/// every connection of a client or server, so an id names one request across its connections.
#[derive(Debug, Default)]
pub(crate) struct OpaqueSequence {
    next: AtomicI32,
}

impl OpaqueSequence {
    /// The next id.
    pub(crate) fn next(&self) -> i32 {
        self.next.fetch_add(1, Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_count_up_and_wrap() {
        let sequence = OpaqueSequence {
            next: AtomicI32::new(i32::MAX),
        };
        assert_eq!(sequence.next(), i32::MAX);
        assert_eq!(sequence.next(), i32::MIN);
        assert_eq!(sequence.next(), i32::MIN + 1);
    }
}
