//! Time is injected: logic asks a [`Clock`], so tests are deterministic.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The wall clock. The only place the core reads the system time.
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // this is the clock
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock for tests: starts at a fixed instant and advances one second per reading,
/// so `created` and `updated` times stay ordered and reproducible.
pub struct FixedClock {
    micros: AtomicI64,
}

impl FixedClock {
    pub fn new(start: DateTime<Utc>) -> FixedClock {
        FixedClock {
            micros: AtomicI64::new(start.timestamp_micros()),
        }
    }

    /// Moves the clock on by `by` (a test of what happens days later).
    pub fn advance(&self, by: chrono::Duration) {
        self.micros
            .fetch_add(by.num_microseconds().unwrap_or(i64::MAX), Ordering::Relaxed);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        let t = self.micros.fetch_add(1_000_000, Ordering::Relaxed);
        DateTime::from_timestamp_micros(t).unwrap_or_default()
    }
}
