//! The name server's clock: milliseconds on a monotonic clock, so a wall-clock jump never expires a broker.
//!
//! The route table itself never reads a clock; the processors and the liveness scan read this one and pass the
//! time in. It runs on tokio's clock, so tests that pause time control it too.

use tokio::time::Instant;

/// Milliseconds since the name server started, on a monotonic clock.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    origin: Instant,
}

impl Clock {
    /// A clock that reads 0 now.
    pub(crate) fn start() -> Self {
        Clock {
            origin: Instant::now(),
        }
    }

    /// Milliseconds since [`Clock::start`].
    pub(crate) fn now_millis(&self) -> i64 {
        i64::try_from(self.origin.elapsed().as_millis()).unwrap_or(i64::MAX)
    }
}
