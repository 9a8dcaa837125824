//! Paged operations: a [`Pages`] fetches one page per `next()` call, finding the next request
//! in the previous answer as the spec's paging rule says (next link, cursor or page number).

use crate::call::Call;
use crate::error::{Error, ErrorEnvelope};
use crate::meta::Paging;
use crate::transport::Transport;
use serde::de::DeserializeOwned;
use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The pages of a paged operation, fetched one at a time: with [`Pages::next`], or as a
/// [`Stream`](futures_core::Stream) of pages. Stops after the last page or after an error; a
/// provider that points at a page already fetched (a loop), or a listing past
/// [`Pages::MAX_PAGES`], also stops it, and then [`Pages::truncated`] says so and
/// [`Pages::collect`] fails with [`Error::Truncated`]: a listing is never cut short silently.
pub struct Pages<T, E> {
    transport: Transport,
    operation: &'static str,
    next: Option<Call>,
    seen: HashSet<String>,
    fetched: u64,
    stopped: Option<Truncation>,
    in_flight: Option<PageCall<T, E>>,
}

/// One page's request, on its way.
type PageCall<T, E> = Pin<Box<dyn Future<Output = Result<(T, Option<Call>), Error<E>>> + Send>>;

/// Why a listing stopped before the provider's last page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Truncation {
    /// The provider pointed at a page already fetched.
    Loop,
    /// [`Pages::MAX_PAGES`] pages were fetched and the provider pointed at another.
    MaxPages,
    /// The caller's limit ([`Pages::collect`]'s `max_pages`) was reached with pages left.
    Limit,
}

impl fmt::Display for Truncation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Truncation::Loop => f.write_str("the provider pointed at a page already fetched"),
            Truncation::MaxPages => write!(f, "{} pages were fetched and the provider pointed at another", MAX_PAGES),
            Truncation::Limit => f.write_str("the limit of pages was reached with pages left"),
        }
    }
}

const MAX_PAGES: u64 = 10_000;

impl<T, E> fmt::Debug for Pages<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("operation", &self.operation)
            .field("fetched", &self.fetched)
            .field("more", &self.has_more())
            .field("truncated", &self.stopped)
            .finish()
    }
}

impl<T, E> Pages<T, E> {
    /// True while another page may come: a request is waiting or on its way.
    pub fn has_more(&self) -> bool {
        self.next.is_some() || self.in_flight.is_some()
    }

    /// Why the listing stopped before the provider's last page, if it did (`None` while pages
    /// are left, after the last page, and after an error).
    pub fn truncated(&self) -> Option<Truncation> {
        self.stopped
    }

    /// Pages fetched so far.
    pub fn fetched(&self) -> u64 {
        self.fetched
    }
}

impl<T, E> Pages<T, E>
where
    T: DeserializeOwned + Send + 'static,
    E: DeserializeOwned + ErrorEnvelope,
{
    /// No more pages are fetched than this, whatever the provider says.
    pub const MAX_PAGES: u64 = MAX_PAGES;

    /// Pages starting with `first`.
    pub fn new(transport: Transport, first: Call) -> Self {
        let mut seen = HashSet::new();
        seen.insert(request_key(&transport, &first));
        let operation = first.meta.name;
        Pages { transport, operation, next: Some(first), seen, fetched: 0, stopped: None, in_flight: None }
    }

    /// The next page; `None` once there is none. An error ends the pages.
    pub async fn next(&mut self) -> Option<Result<T, Error<E>>> {
        std::future::poll_fn(|cx| self.poll_page(cx)).await
    }

    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, Error<E>>>> {
        if self.in_flight.is_none() {
            let Some(call) = self.next.take() else { return Poll::Ready(None) };
            let transport = self.transport.clone();
            self.in_flight = Some(Box::pin(async move { transport.send_page::<T, E>(&call).await }));
        }
        let Some(call) = self.in_flight.as_mut() else { return Poll::Ready(None) };
        let Poll::Ready(result) = call.as_mut().poll(cx) else { return Poll::Pending };
        self.in_flight = None;
        Poll::Ready(Some(result.map(|(page, next)| {
            self.fetched += 1;
            self.next = next.and_then(|n| self.accept(n));
            page
        })))
    }

    /// The next request, unless it would loop or go past the most pages.
    fn accept(&mut self, next: Call) -> Option<Call> {
        if self.fetched >= MAX_PAGES {
            self.stopped = Some(Truncation::MaxPages);
            return None;
        }
        if !self.seen.insert(request_key(&self.transport, &next)) {
            self.stopped = Some(Truncation::Loop);
            return None;
        }
        Some(next)
    }

    /// Fetches every remaining page.
    ///
    /// # Errors
    ///
    /// The error that ended the pages; or [`Error::Truncated`] when pages were left after
    /// `max_pages` of them, or the listing stopped early (a loop, [`Pages::MAX_PAGES`]): use
    /// [`Pages::collect_partial`] to keep what was fetched then.
    pub async fn collect(self, max_pages: usize) -> Result<Vec<T>, Error<E>> {
        let operation = self.operation;
        match self.collect_partial(max_pages).await? {
            (pages, None) => Ok(pages),
            (pages, Some(why)) => Err(Error::Truncated { operation, pages: pages.len() as u64, why }),
        }
    }

    /// Fetches up to `max_pages` pages, and says why it stopped early when it did
    /// ([`Truncation::Limit`] when pages were left after `max_pages`).
    ///
    /// # Errors
    ///
    /// The error that ended the pages.
    pub async fn collect_partial(mut self, max_pages: usize) -> Result<(Vec<T>, Option<Truncation>), Error<E>> {
        let mut out = Vec::new();
        loop {
            if out.len() >= max_pages {
                let why = if self.has_more() { Some(Truncation::Limit) } else { self.stopped };
                return Ok((out, why));
            }
            match self.next().await {
                Some(page) => out.push(page?),
                None => return Ok((out, self.stopped)),
            }
        }
    }
}

/// Pages as a stream: `use futures::TryStreamExt; let all: Vec<_> = pages.try_collect().await?;`
/// (which, unlike [`Pages::collect`], does not look at [`Pages::truncated`]: read it after).
impl<T, E> futures_core::Stream for Pages<T, E>
where
    T: DeserializeOwned + Send + 'static,
    E: DeserializeOwned + ErrorEnvelope,
{
    type Item = Result<T, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_page(cx)
    }
}

/// What makes two page requests the same: the URL they go to, query pairs in any order.
fn request_key(transport: &Transport, call: &Call) -> String {
    match transport.url_of(call) {
        Some(url) => url_key(&url),
        None => format!("{:?}", call.query),
    }
}

fn url_key(url: &reqwest::Url) -> String {
    let mut query: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    query.sort();
    format!("{}{}?{query:?}", url.origin().ascii_serialization(), url.path())
}

/// Where a client sends its calls (`base`, the base URL it was given) and where the provider
/// thinks they go (`native`, the spec's URL for the environment): a provider writes its links
/// against the second, and they are followed on the first.
pub(crate) struct Bases<'a> {
    pub base: &'a reqwest::Url,
    pub native: &'a reqwest::Url,
}

/// The request for the page after the one `call` fetched from `requested`, read from its
/// answer's `body`: only the values the paging rule points at are read.
pub(crate) fn next_call(call: &Call, body: &[u8], requested: &reqwest::Url, bases: &Bases<'_>) -> Option<Call> {
    let paging = call.meta.paging?;
    let text_of = |value: Option<serde_json::Value>| match value? {
        serde_json::Value::String(s) if !s.is_empty() => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let mut next = call.clone();
    match paging {
        Paging::NextLink { pointer } => {
            let [link] = <[_; 1]>::try_from(crate::pointer::values_at(body, &[pointer])?).ok()?;
            let link = requested.join(&text_of(link)?).ok()?;
            next.url = Some(rebase(link, bases)?);
        }
        Paging::Cursor { param, next: pointer, has_more } => {
            let mut found = match has_more {
                Some(flag) => crate::pointer::values_at(body, &[pointer, flag])?,
                None => crate::pointer::values_at(body, &[pointer])?,
            };
            let more = found.get_mut(1).and_then(Option::take);
            if more.as_ref().and_then(serde_json::Value::as_bool) == Some(false) {
                return None;
            }
            let cursor = found.swap_remove(0);
            next.set_query(param, &text_of(cursor)?);
        }
        Paging::PageNumber { param, total_pages } => {
            let current = call.query.iter().rev().find(|(n, _)| *n == param).and_then(|(_, v)| v.single()?.parse::<u64>().ok()).unwrap_or(1);
            let [total] = <[_; 1]>::try_from(crate::pointer::values_at(body, &[total_pages])?).ok()?;
            let total = total.as_ref().and_then(serde_json::Value::as_u64)?;
            if current >= total {
                return None;
            }
            next.set_query(param, &(current + 1));
        }
    }
    Some(next)
}

/// The link moved onto the client's base URL: credentials only ever go to the origin the
/// client was configured for (a mock or proxy included), whatever host a link names, and the
/// base URL's path prefix (`https://proxy.example/pingone`) is kept. A link under the base is
/// used as it is; any other has the provider's own path prefix (the spec's URL's path), or else
/// the base URL's, taken off, and the rest is put under the base URL's path.
fn rebase(mut link: reqwest::Url, bases: &Bases<'_>) -> Option<reqwest::Url> {
    let base = bases.base;
    // A link's own user name and password are never used: only the base URL's.
    link.set_username(base.username()).ok()?;
    link.set_password(base.password()).ok()?;
    if link.origin() == base.origin() && under(link.path(), base.path()).is_some() {
        return Some(link);
    }
    let rest = under(link.path(), bases.native.path()).or_else(|| under(link.path(), base.path())).unwrap_or(link.path());
    let mut out = base.clone();
    out.set_path(&format!("{}/{}", base.path().trim_end_matches('/'), rest.trim_start_matches('/')));
    out.set_query(link.query());
    out.set_fragment(None);
    Some(out)
}

/// The rest of `path` when it lies under `prefix`, segment by segment (`/v1` holds `/v1/x`,
/// not `/v10`).
fn under<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    let prefix = prefix.trim_end_matches('/');
    let rest = path.strip_prefix(prefix)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// The items of a paged operation across its pages, one at a time: with [`Items::next`], or as
/// a [`Stream`](futures_core::Stream) of items. Made by a client's `<operation>_items` method
/// where the spec says where a page's items are (`paging: { items: ... }`); pages are fetched
/// as items are asked for, and stop as [`Pages`] do, [`Items::truncated`] saying why.
pub struct Items<P, I, E> {
    pages: Pages<P, E>,
    items_of: fn(P) -> Vec<I>,
    buffered: std::vec::IntoIter<I>,
}

impl<P, I, E> fmt::Debug for Items<P, I, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items").field("pages", &self.pages).field("buffered", &self.buffered.len()).finish()
    }
}

impl<P, I, E> Items<P, I, E> {
    /// True while another item may come: one is buffered, or another page may.
    pub fn has_more(&self) -> bool {
        self.buffered.len() > 0 || self.pages.has_more()
    }

    /// Why the listing stopped before the provider's last page, if it did.
    pub fn truncated(&self) -> Option<Truncation> {
        self.pages.truncated()
    }

    /// Pages fetched so far.
    pub fn pages_fetched(&self) -> u64 {
        self.pages.fetched()
    }
}

impl<P, I, E> Items<P, I, E>
where
    P: DeserializeOwned + Send + 'static,
    E: DeserializeOwned + ErrorEnvelope,
{
    /// The items of `pages`, each page's read by `items_of`.
    pub fn new(pages: Pages<P, E>, items_of: fn(P) -> Vec<I>) -> Self {
        Items { pages, items_of, buffered: Vec::new().into_iter() }
    }

    /// The next item; `None` once there is none. An error ends the items.
    pub async fn next(&mut self) -> Option<Result<I, Error<E>>> {
        std::future::poll_fn(|cx| self.poll_item(cx)).await
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<I, Error<E>>>> {
        loop {
            if let Some(item) = self.buffered.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match self.pages.poll_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                // An empty page is skipped: the next one may hold items.
                Poll::Ready(Some(Ok(page))) => self.buffered = (self.items_of)(page).into_iter(),
            }
        }
    }

    /// Every remaining item, across pages.
    ///
    /// # Errors
    ///
    /// The error that ended the pages; or [`Error::Truncated`] when more than `max_items`
    /// items were there, or the listing stopped early (a loop, [`Pages::MAX_PAGES`]).
    pub async fn collect(mut self, max_items: usize) -> Result<Vec<I>, Error<E>> {
        let mut out = Vec::new();
        loop {
            match self.next().await {
                Some(item) if out.len() < max_items => out.push(item?),
                Some(item) => {
                    item?;
                    let pages = self.pages.fetched();
                    return Err(Error::Truncated { operation: self.pages.operation, pages, why: Truncation::Limit });
                }
                None => break,
            }
        }
        match self.pages.truncated() {
            None => Ok(out),
            Some(why) => Err(Error::Truncated { operation: self.pages.operation, pages: self.pages.fetched(), why }),
        }
    }
}

/// Items as a stream (`try_collect` does not look at [`Items::truncated`]: read it after).
impl<P, I, E> futures_core::Stream for Items<P, I, E>
where
    P: DeserializeOwned + Send + 'static,
    E: DeserializeOwned + ErrorEnvelope,
    I: Unpin,
{
    type Item = Result<I, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::{AuthScheme, BodyFormat, ErrorRules, Method, OperationMeta, ProviderMeta};
    use crate::call::QueryValue;
    use serde_json::json;

    static P: ProviderMeta = ProviderMeta {
        name: "p",
        media_type: "application/json",
        auth: AuthScheme::Bearer { setter: "t" },
        headers: &[],
        base_url: "https://api.example.com/v1",
        environments: &[],
        variables: &[],
        hosts: &[],
        inputs: &[],
        acquire: None,
        rules: ErrorRules::NONE,
    };

    const fn op(paging: Paging) -> OperationMeta {
        OperationMeta {
            provider: &P,
            name: "list",
            method: Method::Get,
            path: "/things",
            success: &[200],
            host: None,
            body_format: BodyFormat::Json,
            media_type: None,
            idempotent: true,
            authenticated: true,
            paging: Some(paging),
            envelope: crate::meta::EnvelopeMeta { code: &["/code"], message: &[] },
        }
    }

    static LINK: OperationMeta = op(Paging::NextLink { pointer: "/_links/next/href" });
    static CURSOR: OperationMeta = op(Paging::Cursor { param: "cursor", next: "/next_cursor", has_more: Some("/has_more") });
    static PAGE: OperationMeta = op(Paging::PageNumber { param: "page", total_pages: "/pagination/total_pages" });

    fn base() -> reqwest::Url {
        reqwest::Url::parse("http://127.0.0.1:9000/v1/things?limit=1").expect("url")
    }

    fn url(text: &str) -> reqwest::Url {
        reqwest::Url::parse(text).expect("url")
    }

    fn follow(call: &Call, answer: &serde_json::Value, requested: &reqwest::Url) -> Option<Call> {
        let (base, native) = (url("http://127.0.0.1:9000/v1"), url("https://api.example.com/v1"));
        next_call(call, &serde_json::to_vec(answer).expect("json"), requested, &Bases { base: &base, native: &native })
    }

    #[test]
    fn next_links_keep_the_base_urls_path() {
        let call = Call::new(&LINK);
        let (base, native) = (url("https://proxy.example/pingone/v1"), url("https://api.pingone.com/v1"));
        let bases = Bases { base: &base, native: &native };
        let requested = url("https://proxy.example/pingone/v1/things?limit=1");
        let at = |href: &str| {
            let answer = json!({"_links": {"next": {"href": href}}});
            next_call(&call, &serde_json::to_vec(&answer).expect("json"), &requested, &bases).and_then(|c| c.url).map(|u| u.to_string())
        };
        let want = Some("https://proxy.example/pingone/v1/things?cursor=c2".to_owned());
        assert_eq!(at("https://api.pingone.com/v1/things?cursor=c2"), want, "absolute link to the provider");
        assert_eq!(at("/v1/things?cursor=c2"), want, "link relative to the provider's root");
        assert_eq!(at("?cursor=c2"), want, "link relative to the request");
        assert_eq!(at("https://proxy.example/pingone/v1/things?cursor=c2"), want, "link already under the base");
        assert_eq!(at("https://attacker.example/v10/x"), Some("https://proxy.example/pingone/v1/v10/x".to_owned()));
        assert_eq!(at("//attacker.example/v1/things?cursor=c2"), want, "a scheme-relative link");
        assert_eq!(at("https://x:y@proxy.example/pingone/v1/things?cursor=c2"), want, "a link's userinfo is dropped");
        assert_eq!(at("https://proxy.example:8443/pingone/v1/things?cursor=c2"), want, "another port is not the origin");
    }

    #[test]
    fn next_links_stay_on_the_configured_origin() {
        let call = Call::new(&LINK);
        let answer = json!({"_links": {"next": {"href": "https://api.pingone.com/v1/things?cursor=c2&limit=1"}}});
        let next = follow(&call, &answer, &base()).expect("a next page");
        assert_eq!(next.url.expect("url").as_str(), "http://127.0.0.1:9000/v1/things?cursor=c2&limit=1");
        let elsewhere = json!({"_links": {"next": {"href": "https://attacker.example/steal"}}});
        assert_eq!(follow(&call, &elsewhere, &base()).and_then(|c| c.url).expect("url").host_str(), Some("127.0.0.1"));
        assert!(follow(&call, &json!({"_links": {}}), &base()).is_none());
        assert!(follow(&call, &json!({"_links": {"next": {"href": ""}}}), &base()).is_none());
        let relative = follow(&call, &json!({"_links": {"next": {"href": "?cursor=c3&limit=1"}}}), &base()).expect("next");
        assert_eq!(relative.url.expect("url").as_str(), "http://127.0.0.1:9000/v1/things?cursor=c3&limit=1");
    }

    #[test]
    fn the_same_page_in_another_spelling_is_the_same_request() {
        let url = |text: &str| reqwest::Url::parse(text).expect("url");
        assert_eq!(url_key(&url("http://h/things?b=2&a=1")), url_key(&url("http://h/things?a=1&b=2")));
        assert_ne!(url_key(&url("http://h/things?a=1&b=2")), url_key(&url("http://h/things?a=1&b=3")));
        assert_ne!(url_key(&url("http://h/things")), url_key(&url("http://h/other")));
    }

    #[test]
    fn cursors_and_page_numbers() {
        let mut call = Call::new(&CURSOR);
        call.query("cursor", &"c1");
        let next = follow(&call, &json!({"next_cursor": "c2", "has_more": true}), &base()).expect("more");
        assert_eq!(next.query, [("cursor", QueryValue::One("c2".to_owned()))]);
        assert!(follow(&call, &json!({"next_cursor": "c2", "has_more": false}), &base()).is_none());
        assert!(follow(&call, &json!({"next_cursor": null}), &base()).is_none());
        let call = Call::new(&PAGE);
        let next = follow(&call, &json!({"pagination": {"total_pages": 3}}), &base()).expect("page 2");
        assert_eq!(next.query, [("page", QueryValue::One("2".to_owned()))]);
        let last = follow(&next, &json!({"pagination": {"total_pages": 2}}), &base());
        assert!(last.is_none());
    }
}
