//! Loopback calls per second: the generated MoneyKit client's typed `get_user_links` set
//! against a raw reqwest call of the same request (same method, path and headers), whose
//! answer is parsed into the same generated response type, so the difference is the client's
//! own machinery. Both run against the same keep-alive server, sequentially and with 32 calls
//! in flight, in interleaved rounds.

use crate::decode::{Clients, MONEYKIT_PATH};
use crate::server::Routes;
use crate::stats::Samples;
use anyhow::Result;
use linkspec_clients::moneykit;
use std::sync::Arc;
use std::time::Instant;

/// A small answer: one link, as in the `get_user_links_seed` cassette.
pub const SMALL_LINKS: &str = r#"{"links":{"mk_eqkWN34UEoa2NxyALG8pcV":{"link_id":"mk_eqkWN34UEoa2NxyALG8pcV","institution_id":"chase","institution_name":"Chase","institution_avatar":"https://example.com/avatar.png","state":"connected","error_code":null,"provider":"mx","link_tags":["smoke_test","user_type:admin"],"webhook":"https://example.com/webhook","products":{"accounts":{"refreshed_at":"2023-02-16T09:14:11","last_attempted_at":"2023-02-16T09:14:11","error_code":"rate_limit","error_message":"The institution is rate limiting requests.","unavailable":null},"transactions":{"refreshed_at":"2023-02-16T09:14:11","last_attempted_at":"2023-02-16T09:14:11","error_code":null,"error_message":null,"unavailable":null}},"available_products":["account_numbers"]}}}"#;

pub fn routes() -> Routes {
    let mut r = Routes::new();
    r.insert(MONEYKIT_PATH.into(), Arc::new(SMALL_LINKS.as_bytes().to_vec()));
    r
}

async fn typed(c: &Clients) -> Result<()> {
    let links = c.moneykit.get_user_links(moneykit::GetUserLinksRequest::new("bench-user")).await?;
    std::hint::black_box(links);
    Ok(())
}

async fn raw(c: &Clients) -> Result<()> {
    let bytes = c.raw_moneykit().await?;
    std::hint::black_box(serde_json::from_slice::<moneykit::GetUserLinksResponse>(&bytes)?);
    Ok(())
}

/// `calls` calls of one kind, `concurrency` in flight; calls per second.
async fn batch(c: &Arc<Clients>, use_client: bool, calls: usize, concurrency: usize) -> Result<f64> {
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(concurrency);
    for k in 0..concurrency {
        let c = c.clone();
        let share = calls / concurrency + usize::from(k < calls % concurrency);
        tasks.push(tokio::spawn(async move {
            for _ in 0..share {
                if use_client { typed(&c).await? } else { raw(&c).await? }
            }
            anyhow::Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(calls as f64 / start.elapsed().as_secs_f64())
}

/// Calls per second, per concurrency: `[client, raw]` samples and the per-round ratio.
pub struct CallResult {
    pub per_second: [Samples; 2],
    pub ratio: Samples,
}

pub async fn measure(c: Arc<Clients>, calls: usize, rounds: usize) -> Result<Vec<CallResult>> {
    let mut out = Vec::new();
    for concurrency in [1, 32] {
        // Warm-up: connections opened (up to `concurrency` of them), caches filled.
        batch(&c, true, calls / 4 + concurrency, concurrency).await?;
        batch(&c, false, calls / 4 + concurrency, concurrency).await?;
        let mut r = CallResult { per_second: Default::default(), ratio: Samples::default() };
        for round in 0..rounds {
            let mut this = [0.0; 2];
            let order = if round % 2 == 0 { [true, false] } else { [false, true] };
            for use_client in order {
                let rate = batch(&c, use_client, calls, concurrency).await?;
                this[usize::from(!use_client)] = rate;
                r.per_second[usize::from(!use_client)].push(rate);
            }
            r.ratio.push(this[0] / this[1]);
        }
        eprintln!(
            "  calls, {concurrency} in flight: client {:.0}/s, raw reqwest {:.0}/s",
            r.per_second[0].median(),
            r.per_second[1].median()
        );
        out.push(r);
    }
    Ok(out)
}
