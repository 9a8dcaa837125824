//! Decoding a large answer: MoneyKit's `get_user_links` (a map of links) and Plaid's
//! `/user/items/get` (a list of Items), each about `--decode-mb` MB (10^6 bytes), shaped like
//! the conformance cassettes.
//!
//! Through the client's path: a real typed call of the bundled client against the loopback
//! server, which is `Transport::send` whole (request, body read under the limit, decode), set
//! against a raw reqwest call of the same request whose bytes go to hand-written serde structs,
//! or to `serde_json::Value`. The runtime's decode function is private, so a call is the
//! cheapest way to run exactly that path; a raw call that only reads the bytes shows what the
//! HTTP part costs. In memory: `serde_json::from_slice` of the same bytes into the generated
//! types, the hand-written structs and `Value`, with no HTTP at all.

use crate::server::Routes;
use crate::stats::{Samples, paired};
use anyhow::{Context, Result, bail};
use linkspec_clients::{moneykit, plaid};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Instant;

/// Hand-written serde structs of the same shapes, written as a careful person would for these
/// answers: the same fields; `Option` for absent or null; plain Rust enums with a catch-all for
/// values they do not list; timestamps parsed by jiff (as the runtime's are, so neither side
/// allocates for them); rare error details as `String`; the same `BTreeMap` as the generated
/// type, so that the container is not what differs; no capture of keys they do not declare.
// Fields are decoded, never read: the benchmark keeps the values with `black_box`.
#[allow(dead_code)]
pub mod hand {
    use jiff::Timestamp;
    use jiff::civil::DateTime;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Debug, Deserialize)]
    pub struct UserLinks {
        pub links: BTreeMap<String, Link>,
    }

    #[derive(Debug, Deserialize)]
    pub struct Link {
        pub link_id: String,
        pub institution_id: String,
        pub institution_name: String,
        pub institution_avatar: Option<String>,
        pub state: LinkState,
        pub error_code: Option<LinkErrorCode>,
        pub provider: Provider,
        pub link_tags: Option<Vec<String>>,
        pub webhook: Option<String>,
        pub products: LinkProducts,
        pub available_products: Option<Vec<Product>>,
    }

    #[derive(Debug, Deserialize)]
    pub struct LinkProducts {
        pub accounts: Option<ProductState>,
        pub account_numbers: Option<ProductState>,
        pub identity: Option<ProductState>,
        pub transactions: Option<ProductState>,
        pub investments: Option<ProductState>,
        pub enrichment: Option<ProductState>,
    }

    #[derive(Debug, Deserialize)]
    pub struct ProductState {
        pub refreshed_at: Option<DateTime>,
        pub last_attempted_at: Option<DateTime>,
        pub error_code: Option<ProductErrorCode>,
        pub error_message: Option<String>,
        pub unavailable: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum LinkState {
        Connecting,
        AwaitingTokenExchange,
        Connected,
        Deleted,
        Error,
        #[serde(other)]
        Other,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum LinkErrorCode {
        SystemError,
        ProviderError,
        InstitutionError,
        UserError,
        AuthExpired,
        Incomplete,
        NoAccounts,
        UserSetupRequired,
        InvalidCredentials,
        UserOauthDenied,
        UserInputIncorrect,
        #[serde(other)]
        Other,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ProductErrorCode {
        RateLimit,
        AuthExpired,
        InvalidCredentials,
        NotSupported,
        Timeout,
        NoAccounts,
        InstitutionError,
        NoPermission,
        Unknown,
        #[serde(other)]
        Other,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Provider {
        Moneykit,
        Finicity,
        Plaid,
        Yodlee,
        Mx,
        Akoya,
        #[serde(other)]
        Other,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Product {
        Accounts,
        AccountNumbers,
        Identity,
        Transactions,
        Investments,
        Enrichment,
        #[serde(other)]
        Other,
    }

    #[derive(Debug, Deserialize)]
    pub struct UserItems {
        pub items: Vec<Item>,
        pub request_id: String,
    }

    #[derive(Debug, Deserialize)]
    pub struct Item {
        pub item_id: String,
        pub institution_id: Option<String>,
        pub institution_name: Option<String>,
        pub webhook: Option<String>,
        pub auth_method: Option<String>,
        pub error: Option<PlaidError>,
        pub available_products: Vec<Products>,
        pub billed_products: Vec<Products>,
        pub products: Option<Vec<Products>>,
        pub consented_products: Option<Vec<Products>>,
        pub consent_expiration_time: Option<Timestamp>,
        pub update_type: UpdateType,
    }

    #[derive(Debug, Deserialize)]
    pub struct PlaidError {
        pub error_type: String,
        pub error_code: String,
        pub error_code_reason: Option<String>,
        pub error_message: String,
        pub display_message: Option<String>,
        pub request_id: Option<String>,
        pub causes: Option<Vec<serde_json::Value>>,
        pub status: Option<i64>,
        pub documentation_url: Option<String>,
        pub suggested_action: Option<String>,
        pub required_account_subtypes: Option<Vec<String>>,
        pub provided_account_subtypes: Option<Vec<String>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum UpdateType {
        Background,
        UserPresentRequired,
        #[serde(other)]
        Other,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Products {
        Assets,
        Auth,
        Balance,
        BalancePlus,
        Beacon,
        Identity,
        IdentityMatch,
        Investments,
        InvestmentsAuth,
        Liabilities,
        PaymentInitiation,
        IdentityVerification,
        Transactions,
        CreditDetails,
        Income,
        IncomeVerification,
        StandingOrders,
        Transfer,
        Employment,
        RecurringTransactions,
        TransactionsRefresh,
        Signal,
        Statements,
        ProcessorPayments,
        ProcessorIdentity,
        Profile,
        CraBaseReport,
        CraIncomeInsights,
        CraPartnerInsights,
        CraNetworkInsights,
        CraCashflowInsights,
        CraMonitoring,
        CraLendScore,
        CraPlaidCreditScore,
        Layer,
        PayByBank,
        ProtectLinkedBank,
        #[serde(other)]
        Other,
    }
}

const LINK_STATES: [&str; 5] = ["connecting", "awaiting_token_exchange", "connected", "deleted", "error"];
const LINK_ERRORS: [&str; 4] = ["institution_error", "auth_expired", "invalid_credentials", "user_setup_required"];
const PRODUCT_ERRORS: [&str; 4] = ["rate_limit", "timeout", "institution_error", "unknown"];
const PROVIDERS: [&str; 6] = ["moneykit", "finicity", "plaid", "yodlee", "mx", "akoya"];
const PRODUCTS: [&str; 6] = ["accounts", "account_numbers", "identity", "transactions", "investments", "enrichment"];
const PLAID_PRODUCTS: [&str; 8] = ["assets", "auth", "balance", "identity", "investments", "liabilities", "transactions", "payment_initiation"];

/// One MoneyKit link, varied by `i` (state, error, provider, which products are set up).
fn link(i: usize) -> Value {
    let state = LINK_STATES[i % LINK_STATES.len()];
    let error = if state == "error" { json!(LINK_ERRORS[i % LINK_ERRORS.len()]) } else { Value::Null };
    let mut products = serde_json::Map::new();
    for (k, p) in PRODUCTS.iter().enumerate().take(2 + (i % 5)) {
        let failed = (i + k).is_multiple_of(3);
        products.insert(
            (*p).to_owned(),
            json!({
                "refreshed_at": if (i + k).is_multiple_of(7) { Value::Null } else { json!(format!("2023-02-{:02}T09:{:02}:11", 1 + i % 28, k * 7)) },
                "last_attempted_at": format!("2023-02-{:02}T10:{:02}:42", 1 + i % 28, k * 5),
                "error_code": if failed { json!(PRODUCT_ERRORS[(i + k) % PRODUCT_ERRORS.len()]) } else { Value::Null },
                "error_message": if failed { json!("The institution is rate limiting requests.") } else { Value::Null },
                "unavailable": if (i + k).is_multiple_of(11) { json!("Refreshes are paused for this institution.") } else { Value::Null },
            }),
        );
    }
    json!({
        "link_id": format!("mk_{i:022}"),
        "institution_id": format!("institution_{}", i % 97),
        "institution_name": format!("Institution number {}", i % 97),
        "institution_avatar": format!("https://example.com/avatars/{}.png", i % 97),
        "state": state,
        "error_code": error,
        "provider": PROVIDERS[i % PROVIDERS.len()],
        "link_tags": ["smoke_test", format!("user_type:{}", if i.is_multiple_of(2) { "admin" } else { "member" })],
        "webhook": if i.is_multiple_of(4) { Value::Null } else { json!(format!("https://example.com/webhook/{i}")) },
        "products": products,
        "available_products": PRODUCTS[..(i % 4)].to_vec(),
    })
}

/// One Plaid Item, varied by `i`; one in seven carries an error object.
fn item(i: usize) -> Value {
    let pick = |from: usize, count: usize| -> Vec<&str> { (0..count).map(|k| PLAID_PRODUCTS[(from + k) % PLAID_PRODUCTS.len()]).collect() };
    let mut item = json!({
        "item_id": format!("Ed6bjNrDLJfGvZWwnkQlfxwoNz54B5C{i:08}"),
        "institution_id": format!("ins_{}", 100_000 + i % 977),
        "institution_name": format!("First Platypus Bank {}", i % 977),
        "webhook": if i.is_multiple_of(3) { Value::Null } else { json!("https://plaid.com/example/hook") },
        "error": Value::Null,
        "available_products": pick(i, 1 + i % 4),
        "billed_products": pick(i + 4, 1 + i % 3),
        "consent_expiration_time": if i.is_multiple_of(5) { json!(format!("2027-03-{:02}T18:22:11+01:00", 1 + i % 28)) } else { Value::Null },
        "update_type": if i.is_multiple_of(6) { "user_present_required" } else { "background" },
    });
    if i.is_multiple_of(2) {
        item["products"] = json!(pick(i + 4, 1 + i % 3));
        item["consented_products"] = json!(pick(i + 1, 2));
    }
    if i % 5 == 1 {
        item["auth_method"] = json!("INSTANT_AUTH");
    }
    if i % 7 == 3 {
        item["error"] = json!({
            "error_type": "ITEM_ERROR",
            "error_code": "ITEM_LOGIN_REQUIRED",
            "error_code_reason": Value::Null,
            "error_message": "the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information.",
            "display_message": "The login details of this item have changed. Please log in again.",
            "request_id": format!("Dim{i}"),
            "causes": [],
            "status": 400,
            "documentation_url": "https://plaid.com/docs/errors/item/#item_login_required",
            "suggested_action": Value::Null,
        });
    }
    item
}

/// A MoneyKit `get_user_links` answer of at least `bytes` bytes.
pub fn moneykit_links(bytes: usize) -> Vec<u8> {
    let mut links = serde_json::Map::new();
    let mut size = 16;
    let mut i = 0;
    while size < bytes {
        let l = link(i);
        size += l.to_string().len() + 30;
        links.insert(format!("mk_{i:022}"), l);
        i += 1;
    }
    serde_json::to_vec(&json!({ "links": links })).expect("JSON")
}

/// A Plaid `/user/items/get` answer of at least `bytes` bytes.
pub fn plaid_items(bytes: usize) -> Vec<u8> {
    let mut items = Vec::new();
    let mut size = 40;
    while size < bytes {
        let it = item(items.len());
        size += it.to_string().len() + 1;
        items.push(it);
    }
    serde_json::to_vec(&json!({ "items": items, "request_id": "m8MDnv9okwxFNBV" })).expect("JSON")
}

pub const MONEYKIT_PATH: &str = "/users/bench-user/links";
pub const PLAID_PATH: &str = "/user/items/get";

/// The variants measured for one answer, in the order of [`Shape::variants`].
pub const VARIANTS: [&str; 7] = [
    "client: typed call (Transport::send)",
    "raw reqwest + hand-written structs",
    "raw reqwest + serde_json::Value",
    "raw reqwest, bytes only (HTTP floor)",
    "in memory: generated types",
    "in memory: hand-written structs",
    "in memory: serde_json::Value",
];

/// The two answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    MoneyKit,
    Plaid,
}

impl Shape {
    pub fn name(self) -> &'static str {
        match self {
            Shape::MoneyKit => "MoneyKit links",
            Shape::Plaid => "Plaid items",
        }
    }
}

/// Clients for one shape: the generated client and raw reqwest, both against `base`.
pub struct Clients {
    pub base: String,
    pub moneykit: moneykit::Client,
    pub plaid: plaid::Client,
    pub raw: reqwest::Client,
}

impl Clients {
    pub fn new(base: &str, max_body: usize) -> Result<Clients> {
        let moneykit = moneykit::Client::builder().base_url(base).bearer_token("bench-token").max_body_bytes(max_body).build()?;
        let plaid = plaid::Client::builder().base_url(base).client_id("bench-client").secret("bench-secret").max_body_bytes(max_body).build()?;
        let raw = reqwest::Client::builder().build()?;
        Ok(Clients { base: base.to_owned(), moneykit, plaid, raw })
    }

    /// The same request the generated MoneyKit client sends for `get_user_links`.
    pub async fn raw_moneykit(&self) -> Result<bytes::Bytes> {
        let answer = self
            .raw
            .get(format!("{}{MONEYKIT_PATH}", self.base))
            .header("authorization", "Bearer bench-token")
            .header("accept", "application/json")
            .header("moneykit-version", "2023-02-18")
            .send()
            .await?
            .error_for_status()?;
        Ok(answer.bytes().await?)
    }

    /// The same request the generated Plaid client sends for `user_items_get`.
    pub async fn raw_plaid(&self) -> Result<bytes::Bytes> {
        let body = r#"{"client_id":"bench-client","secret":"bench-secret","user_id":"bench-user"}"#;
        let answer = self
            .raw
            .post(format!("{}{PLAID_PATH}", self.base))
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .body(body)
            .send()
            .await?
            .error_for_status()?;
        Ok(answer.bytes().await?)
    }
}

/// One run of variant `v` on `shape`; returns the seconds it took.
async fn once(c: &Clients, shape: Shape, v: usize, body: &[u8]) -> Result<f64> {
    let start = Instant::now();
    match (shape, v) {
        (Shape::MoneyKit, 0) => {
            let links = c.moneykit.get_user_links(moneykit::GetUserLinksRequest::new("bench-user")).await?;
            std::hint::black_box(links);
        }
        (Shape::Plaid, 0) => {
            let items = c.plaid.user_items_get(plaid::UserItemsGetBody::new().user_id("bench-user")).await?;
            std::hint::black_box(items);
        }
        (Shape::MoneyKit, 1) => {
            std::hint::black_box(serde_json::from_slice::<hand::UserLinks>(&c.raw_moneykit().await?)?);
        }
        (Shape::Plaid, 1) => {
            std::hint::black_box(serde_json::from_slice::<hand::UserItems>(&c.raw_plaid().await?)?);
        }
        (Shape::MoneyKit, 2) => {
            std::hint::black_box(serde_json::from_slice::<Value>(&c.raw_moneykit().await?)?);
        }
        (Shape::Plaid, 2) => {
            std::hint::black_box(serde_json::from_slice::<Value>(&c.raw_plaid().await?)?);
        }
        (Shape::MoneyKit, 3) => {
            std::hint::black_box(c.raw_moneykit().await?);
        }
        (Shape::Plaid, 3) => {
            std::hint::black_box(c.raw_plaid().await?);
        }
        (Shape::MoneyKit, 4) => {
            std::hint::black_box(serde_json::from_slice::<moneykit::GetUserLinksResponse>(body)?);
        }
        (Shape::Plaid, 4) => {
            std::hint::black_box(serde_json::from_slice::<plaid::UserItemsGetResponse>(body)?);
        }
        (Shape::MoneyKit, 5) => {
            std::hint::black_box(serde_json::from_slice::<hand::UserLinks>(body)?);
        }
        (Shape::Plaid, 5) => {
            std::hint::black_box(serde_json::from_slice::<hand::UserItems>(body)?);
        }
        (_, 6) => {
            std::hint::black_box(serde_json::from_slice::<Value>(body)?);
        }
        _ => bail!("no variant {v}"),
    }
    Ok(start.elapsed().as_secs_f64())
}

/// The figures of one shape: MB/s samples per variant, and the body's size.
pub struct ShapeResult {
    pub shape: Shape,
    pub bytes: usize,
    pub mbps: Vec<Samples>,
}

impl ShapeResult {
    /// Per-round ratio of variant `a`'s throughput to `b`'s.
    pub fn ratio(&self, a: usize, b: usize) -> Samples {
        paired(&self.mbps[a], &self.mbps[b])
    }
}

/// The routes the decode row's server answers.
pub fn routes(bytes: usize) -> (Routes, Arc<Vec<u8>>, Arc<Vec<u8>>) {
    let mk = Arc::new(moneykit_links(bytes));
    let pl = Arc::new(plaid_items(bytes));
    let mut routes = Routes::new();
    routes.insert(MONEYKIT_PATH.into(), mk.clone());
    routes.insert(PLAID_PATH.into(), pl.clone());
    (routes, mk, pl)
}

/// `rounds` interleaved rounds over every variant of both shapes (the order rotates each
/// round), after one untimed warm-up of each.
pub async fn measure(clients: &Clients, bodies: [(Shape, Arc<Vec<u8>>); 2], rounds: usize) -> Result<Vec<ShapeResult>> {
    let mut results: Vec<ShapeResult> =
        bodies.iter().map(|(s, b)| ShapeResult { shape: *s, bytes: b.len(), mbps: vec![Samples::default(); VARIANTS.len()] }).collect();
    for (shape, body) in &bodies {
        for (v, variant) in VARIANTS.iter().enumerate() {
            once(clients, *shape, v, body).await.with_context(|| format!("{}: {variant}", shape.name()))?;
        }
    }
    for round in 0..rounds {
        for (r, (shape, body)) in results.iter_mut().zip(&bodies) {
            for k in 0..VARIANTS.len() {
                let v = (k + round) % VARIANTS.len();
                let secs = once(clients, *shape, v, body).await?;
                r.mbps[v].push(body.len() as f64 / 1e6 / secs);
            }
        }
        eprintln!("  decode round {}/{rounds} done", round + 1);
    }
    Ok(results)
}

/// `__decode VARIANT MB ROUNDS`: one in-memory decode variant (4, 5 or 6) of both answers,
/// repeated, for a profiler (`perf record -e cpu-clock`); prints MB/s per round.
pub fn profile(args: &[String]) -> Result<()> {
    let [v, mb, rounds] = args else { bail!("usage: __decode 4|5|6 MB ROUNDS") };
    let (v, bytes, rounds): (usize, usize, usize) = (v.parse()?, (mb.parse::<f64>()? * 1e6) as usize, rounds.parse()?);
    let bodies = [(Shape::MoneyKit, moneykit_links(bytes)), (Shape::Plaid, plaid_items(bytes))];
    let rt = tokio::runtime::Builder::new_current_thread().build()?;
    let clients = Clients::new("http://127.0.0.1:9", bytes)?;
    for _ in 0..rounds {
        for (shape, body) in &bodies {
            let secs = rt.block_on(once(&clients, *shape, v, body))?;
            println!("{} {}: {:.0} MB/s", shape.name(), VARIANTS[v], body.len() as f64 / 1e6 / secs);
        }
    }
    Ok(())
}
