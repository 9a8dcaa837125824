//! Time as the runtime sees it: now, wall-clock now (for HTTP dates), and sleeping. Real by
//! default; [`ManualClock`] lets tests move time by hand and see every wait the runtime asked for.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// A source of time for retries, backoff and credential expiry.
pub trait Clock: fmt::Debug + Send + Sync {
    /// Monotonic now.
    fn now(&self) -> Instant;
    /// Wall-clock now, to read `Retry-After` dates.
    fn wall(&self) -> SystemTime;
    /// Waits `duration`.
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// The real clock: `Instant::now`, `SystemTime::now`, `tokio::time::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn wall(&self) -> SystemTime {
        SystemTime::now()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock for tests: time stands still until [`ManualClock::advance`] moves it, and a sleep
/// returns at once after moving time forward by its duration and recording it.
#[derive(Debug, Clone)]
pub struct ManualClock {
    inner: Arc<ManualInner>,
}

#[derive(Debug)]
struct ManualInner {
    start: Instant,
    wall_start: SystemTime,
    state: Mutex<ManualState>,
}

#[derive(Debug, Default)]
struct ManualState {
    elapsed: Duration,
    sleeps: Vec<Duration>,
}

impl ManualClock {
    /// A clock whose wall time starts at `wall`.
    pub fn new(wall: SystemTime) -> Self {
        ManualClock {
            inner: Arc::new(ManualInner { start: Instant::now(), wall_start: wall, state: Mutex::new(ManualState::default()) }),
        }
    }

    /// Moves time forward.
    pub fn advance(&self, by: Duration) {
        self.lock().elapsed += by;
    }

    /// Every sleep asked for so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.lock().sleeps.clone()
    }

    /// Time moved so far (advances and sleeps).
    pub fn elapsed(&self) -> Duration {
        self.lock().elapsed
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ManualState> {
        self.inner.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.inner.start + self.lock().elapsed
    }

    fn wall(&self) -> SystemTime {
        self.inner.wall_start + self.lock().elapsed
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        let mut state = self.lock();
        state.elapsed += duration;
        state.sleeps.push(duration);
        Box::pin(std::future::ready(()))
    }
}
