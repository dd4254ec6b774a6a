//! Name server selection as Java's `NettyRemotingClient` does it: one chosen address, starting at a random index,
//! used until a connection to it fails; then the next one, round robin.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The configured name servers and which one is in use.
#[derive(Debug)]
pub(crate) struct NameServerSelector {
    addrs: Vec<String>,
    index: AtomicUsize,
}

impl NameServerSelector {
    /// A selector over `addrs` (not empty) whose first choice is `start % addrs.len()`.
    pub(crate) fn new(addrs: Vec<String>, start: usize) -> Self {
        NameServerSelector {
            addrs,
            index: AtomicUsize::new(start),
        }
    }

    /// How many addresses there are.
    pub(crate) fn len(&self) -> usize {
        self.addrs.len()
    }

    /// The address in use and the index it was chosen at (to pass to [`Self::failed`]).
    pub(crate) fn current(&self) -> (usize, &str) {
        let index = self.index.load(Ordering::Acquire);
        (index, &self.addrs[index % self.addrs.len()])
    }

    /// Moves on to the next address after the one chosen at `index` failed, unless another caller already did.
    pub(crate) fn failed(&self, index: usize) {
        let _ =
            self.index
                .compare_exchange(index, index.wrapping_add(1), Ordering::AcqRel, Ordering::Acquire);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_its_choice_until_it_fails_then_goes_round() {
        let selector = NameServerSelector::new(vec!["a:1".into(), "b:1".into(), "c:1".into()], 4);
        let (index, addr) = selector.current();
        assert_eq!(addr, "b:1");
        assert_eq!(selector.current().1, "b:1");
        selector.failed(index);
        selector.failed(index); // a second report of the same failure does not skip an address
        assert_eq!(selector.current().1, "c:1");
        let (index, _) = selector.current();
        selector.failed(index);
        assert_eq!(selector.current().1, "a:1");
        assert_eq!(selector.len(), 3);
    }
}
