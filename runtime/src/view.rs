//! Running several providers' calls at once for a view (a user's connections across
//! providers): every call gets the same deadline, and each result comes back on its own, so
//! one provider failing, timing out or being rate limited never loses the others. (A panic in
//! a call is not caught: the calls share one task, and it unwinds through the query.)

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;
use tokio::time::Instant;

/// One provider's call, boxed so calls of different clients can run together.
pub type BoxedCall<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// How one call of [`join_all`] ended.
#[derive(Debug)]
pub struct Joined<T> {
    /// Its output; `None` when the deadline passed first (the call was dropped then).
    pub output: Option<T>,
    /// How long it ran.
    pub elapsed: Duration,
}

/// Runs every call concurrently on the current task and returns their outcomes in the order
/// given. A call still running when `deadline` passes (counted from the start) is dropped,
/// which cancels its request, and its outcome has no output. Needs a Tokio runtime with
/// time enabled (the one the clients run on).
pub async fn join_all<T>(calls: Vec<BoxedCall<'_, T>>, deadline: Option<Duration>) -> Vec<Joined<T>> {
    let started = Instant::now();
    let mut running: Vec<Option<BoxedCall<'_, T>>> = calls.into_iter().map(Some).collect();
    let mut out: Vec<Option<Joined<T>>> = running.iter().map(|_| None).collect();
    let mut timer = deadline.map(|d| Box::pin(tokio::time::sleep(d)));
    std::future::poll_fn(|cx| {
        for (slot, done) in running.iter_mut().zip(out.iter_mut()) {
            if let Some(call) = slot
                && let Poll::Ready(value) = call.as_mut().poll(cx)
            {
                *done = Some(Joined { output: Some(value), elapsed: started.elapsed() });
                *slot = None;
            }
        }
        if running.iter().all(Option::is_none) {
            return Poll::Ready(());
        }
        if let Some(t) = timer.as_mut()
            && t.as_mut().poll(cx).is_ready()
        {
            for (slot, done) in running.iter_mut().zip(out.iter_mut()) {
                if slot.take().is_some() {
                    *done = Some(Joined { output: None, elapsed: started.elapsed() });
                }
            }
            return Poll::Ready(());
        }
        Poll::Pending
    })
    .await;
    out.into_iter().map(|j| j.unwrap_or(Joined { output: None, elapsed: started.elapsed() })).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed<'a, T: Send + 'a>(f: impl Future<Output = T> + Send + 'a) -> BoxedCall<'a, T> {
        Box::pin(f)
    }

    #[tokio::test]
    async fn every_call_finishes_and_keeps_its_place() {
        let calls = vec![
            boxed(async {
                tokio::time::sleep(Duration::from_millis(30)).await;
                1
            }),
            boxed(async { 2 }),
        ];
        let out = join_all(calls, None).await;
        let values: Vec<Option<i32>> = out.iter().map(|j| j.output).collect();
        assert_eq!(values, [Some(1), Some(2)]);
    }

    #[tokio::test]
    async fn a_call_past_the_deadline_has_no_output_and_the_others_keep_theirs() {
        let calls = vec![
            boxed(async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                1
            }),
            boxed(async { 2 }),
        ];
        let started = std::time::Instant::now();
        let out = join_all(calls, Some(Duration::from_millis(50))).await;
        assert!(started.elapsed() < Duration::from_secs(10), "the slow call was not cut off");
        assert_eq!(out[0].output, None);
        assert_eq!(out[1].output, Some(2));
    }

    #[tokio::test]
    async fn no_calls_is_no_outcomes() {
        let out = join_all::<()>(Vec::new(), Some(Duration::from_millis(1))).await;
        assert!(out.is_empty());
    }
}
