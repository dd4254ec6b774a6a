//! [`ForkBound`]: a client handle tied to the runtime generation it was created in, so that a forked child gets a
//! clear error instead of a hang when it touches an object its parent created.

use fulmen_client::{Error, ErrorKind};

use crate::runtime;

/// A value (a producer, consumer, cluster...) that works only in the process and runtime it was created in.
///
/// In a forked child, [`get`](ForkBound::get) fails with [`ErrorKind::Closed`], and dropping the value leaks it
/// instead of running destructors that would reach the parent's dead runtime threads.
#[derive(Debug)]
pub struct ForkBound<T> {
    value: Option<T>,
    generation: u64,
}

impl<T> ForkBound<T> {
    /// Binds `value` to the current process's runtime.
    pub fn new(value: T) -> Self {
        ForkBound {
            value: Some(value),
            generation: runtime::generation(),
        }
    }

    /// The value, or [`ErrorKind::Closed`] in a process forked after it was created.
    pub fn get(&self) -> fulmen_client::Result<&T> {
        self.in_this_process().ok_or_else(|| {
            Error::new(
                ErrorKind::Closed,
                "this object was created before fork(); create a new one in the child process",
            )
        })
    }

    /// The value, or `None` in a process forked after it was created. For `shutdown`/`close` methods: closing a
    /// parent's object in a child (a child leaving a `with` block it was forked in) has nothing to do and must not
    /// fail.
    pub fn in_this_process(&self) -> Option<&T> {
        self.value
            .as_ref()
            .filter(|_| self.generation == runtime::generation())
    }
}

impl<T> Drop for ForkBound<T> {
    fn drop(&mut self) {
        let Some(value) = self.value.take() else { return };
        if self.generation == runtime::generation() {
            // Destructors may spawn shutdown work: give them the runtime.
            let _entered = runtime::handle().enter();
            drop(value);
        } else {
            std::mem::forget(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_reachable_in_the_process_that_bound_it() {
        let bound = ForkBound::new(7);
        assert_eq!(bound.in_this_process(), Some(&7));
        assert_eq!(bound.get().ok(), Some(&7));
        // Another runtime generation (what a forked child sees) makes the value unreachable.
        let foreign = ForkBound {
            value: Some(8),
            generation: runtime::generation() + 1,
        };
        assert_eq!(foreign.in_this_process(), None);
        assert_eq!(
            foreign.get().err().map(|error| error.kind()),
            Some(ErrorKind::Closed)
        );
    }
}
