//! A scan of cassette text for values shaped like secrets or personal data: private keys, JWTs,
//! cloud and live API keys, production tokens, social security and card numbers, email
//! addresses outside the example domains, and credential-named fields (`secret`, `password`,
//! `*_token`, `authorization`, ...) whose value is not a placeholder.
//!
//! What the scan accepts is explicit: placeholders (text with `placeholder`, `redacted` or
//! `example` in it, the word `string` that vendors' documents give as an example, tokens of a
//! sandbox environment, `...-sandbox-...`, which the vendors' documents use as examples) and the
//! [`ALLOWED`] list, each entry with the reason it is not a secret. A
//! finding shows where and what kind, and only a masked excerpt of the value: the report must
//! not spread what it found.

use regex::Regex;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// Values that look like secrets but are not, each with the reason. A finding whose value
/// contains one of these texts is accepted.
pub const ALLOWED: &[(&str, &str)] = &[
    ("79g03eoofwl8240v776r2h667442119", "the example `production_secret` of Plaid's OpenAPI document (/beta/partner/customer/v1/enable)"),
    (
        "_CiFkwbuhKxwwIehEQ1opsi-9NSoIwDqD2HFMw1ROKNuJPdepTXFEd_RDFbbg7lFj05vBXPUL7y9eVVgZXTvDw",
        "the signature of the example verifiable-credential JWT in MX Platform's OpenAPI document (sandbox data)",
    ),
    ("pda-RDdg0TUCB0FB25_UPIlnhA==", "the example access token of /oauth/token in Plaid's OpenAPI document"),
    ("pdr--viXurkDg88d5zf8m6Wl0g==", "the example refresh token of /oauth/token in Plaid's OpenAPI document"),
    ("btok_5oEetfLzPklE1fwJZ7SG", "the example Stripe bank account token of Plaid's OpenAPI document"),
    ("a-production-3tau2cwvybdvrhucaaai27ulu4", "the example audit copy token of Plaid's OpenAPI document"),
    ("credit-relay-production-3TAU2CWVYBDVRHUCAAAI27ULU4", "the example relay token of Plaid's OpenAPI document"),
    ("12345678-abcd-4bcd-abcd-1234567890ab", "the made-up UUID of this project's hand-written Plaid user tokens"),
    ("111-22-1234", "the example SSN of Plaid's OpenAPI document"),
    ("123-45-6789", "the best-known example SSN (never issued)"),
    ("reallylonghostname.com", "example addresses of Plaid's OpenAPI document"),
    ("@email.com", "example addresses of Plaid's OpenAPI document"),
    ("@plaid.com", "Plaid's public addresses, as its OpenAPI document gives them"),
    ("@workmail.com", "an example address of Plaid's OpenAPI document"),
    ("@knope.com", "an example address of Plaid's OpenAPI document (a fictional character)"),
];

/// One value that looks like a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The file.
    pub file: PathBuf,
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
    /// What it looks like.
    pub kind: &'static str,
    /// The value masked: its first characters and its length.
    pub masked: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {} ({})", self.file.display(), self.line, self.column, self.kind, self.masked)
    }
}

/// The first four characters of `value` and its length, so a report locates a value without
/// repeating it.
pub fn mask(value: &str) -> String {
    let shown: String = value.chars().take(4).collect();
    format!("{shown}... {} chars", value.chars().count())
}

struct Pattern {
    kind: &'static str,
    regex: Regex,
    /// A further test of the match (a card number's checksum).
    holds: fn(&str) -> bool,
}

fn always(_: &str) -> bool {
    true
}

static PATTERNS: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    let p = |kind, re: &str, holds| Pattern { kind, regex: Regex::new(re).expect("the scan's patterns are valid"), holds };
    vec![
        p("a private key", r"-----BEGIN [A-Z ]*PRIVATE KEY-----", always),
        p("a JWT", r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}", always),
        p("a cloud access key id", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b", always),
        p("a live API key", r"\b(?:sk|rk|pk)_live_[0-9A-Za-z]{8,}", always),
        // Plaid's tokens of its live environments; not an id that merely has the word in it
        // (`recipient-id-production-...`).
        p(
            "a production token",
            r"(?:^|[^A-Za-z0-9_-])((?:access|public|processor|link|user|item-add|payment-token)-(?:production|development)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b",
            always,
        ),
        p("a social security number", r"\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b", always),
        p("a card number", r"\b[3-6][0-9]{3}(?:[ -]?[0-9]{4}){2}[ -]?[0-9]{1,7}\b", luhn),
        p("an email address outside the example domains", r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b", not_example_domain),
    ]
});

/// A field or header named like a credential, and its value: `key: value` in YAML (block or
/// flow) or `"key": "value"` in JSON.
static CREDENTIAL_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)(?:^|[\s{,"'])["']?([a-z0-9_-]*(?:secret|password|passwd|token|api[_-]?key|authorization|private[_-]?key)[a-z0-9_-]*)["']?[ \t]*:[ \t]*["']?([^"',}\]\r\n]*)"#,
    )
    .expect("the scan's pattern is valid")
});

/// Names that mention a credential but hold something else (a type, a time, a link, a flag).
fn names_metadata(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "_type", "_types", "_url", "_uri", "_at", "_expires_in", "expires_in", "_expiration", "_expiration_time", "_id", "_ids", "_count",
        "_length", "_name", "_status", "_used", "_required", "_method", "_endpoint", "_hint",
    ]
    .iter()
    .any(|suffix| name.ends_with(suffix))
}

/// True when `value` (a credential field's) is a placeholder rather than a secret.
fn placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let marked = |v: &str| ["placeholder", "redacted", "example"].iter().any(|m| v.contains(m));
    if marked(&lower) || lower == "string" {
        return true;
    }
    lower.contains("-sandbox-")
}

/// True for a value that could be a credential: long enough, one word, not a number or date.
fn credential_shaped(value: &str) -> bool {
    value.len() >= 8
        && !value.contains(char::is_whitespace)
        && !value.chars().all(|c| c.is_ascii_digit() || ".-:TZ+".contains(c))
        && !["null", "true", "false"].contains(&value)
        // An enum value (`APPROVED`), not a credential.
        && !value.chars().all(|c| c.is_ascii_uppercase() || c == '_')
}

/// The Luhn checksum of the digits of `text`, as card numbers carry it.
fn luhn(text: &str) -> bool {
    let digits: Vec<u32> = text.chars().filter_map(|c| c.to_digit(10)).collect();
    if !(13..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| if i % 2 == 1 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d })
        .sum();
    sum.is_multiple_of(10)
}

/// Domains reserved for examples (RFC 2606 and RFC 6761).
fn not_example_domain(address: &str) -> bool {
    let domain = address.rsplit('@').next().unwrap_or_default().to_ascii_lowercase();
    let reserved = ["example.com", "example.net", "example.org"];
    let reserved_tld = [".example", ".test", ".invalid", ".localhost"];
    !(reserved.iter().any(|d| domain == *d || domain.ends_with(&format!(".{d}"))) || reserved_tld.iter().any(|t| domain.ends_with(t)))
}

fn allowed(value: &str) -> bool {
    ALLOWED.iter().any(|(text, _)| value.contains(text))
}

/// Line and column (in characters, from 1) of byte `offset` of `text`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// Every secret-shaped value of `text` (the contents of `file`).
pub fn scan_text(file: &Path, text: &str) -> Vec<Finding> {
    let mut found: Vec<(usize, &'static str, &str)> = Vec::new();
    for pattern in PATTERNS.iter() {
        for c in pattern.regex.captures_iter(text) {
            // The value is the first group where a pattern has one (the rest is context).
            let Some(m) = c.get(1).or_else(|| c.get(0)) else { continue };
            if (pattern.holds)(m.as_str()) && !allowed(m.as_str()) {
                found.push((m.start(), pattern.kind, m.as_str()));
            }
        }
    }
    for c in CREDENTIAL_FIELD.captures_iter(text) {
        let (Some(name), Some(value)) = (c.get(1), c.get(2)) else { continue };
        if names_metadata(name.as_str()) {
            continue;
        }
        let raw = value.as_str().trim();
        // `Basic <base64>` is judged by what it encodes; `Bearer <token>` by the token.
        let judged = if let Some(b64) = raw.strip_prefix("Basic ") {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.decode(b64.trim()).ok().and_then(|b| String::from_utf8(b).ok()).unwrap_or_else(|| b64.to_owned())
        } else {
            raw.strip_prefix("Bearer ").unwrap_or(raw).to_owned()
        };
        let judged = judged.trim();
        if judged.split(':').all(|part| placeholder(part) || !credential_shaped(part)) || allowed(judged) {
            continue;
        }
        found.push((value.start(), "a credential-named field whose value is not a placeholder", raw));
    }
    found.sort_by_key(|(offset, kind, _)| (*offset, *kind));
    found.dedup_by_key(|(offset, _, _)| *offset);
    found
        .into_iter()
        .map(|(offset, kind, value)| {
            let (line, column) = position(text, offset);
            Finding { file: file.to_path_buf(), line, column, kind, masked: mask(value) }
        })
        .collect()
}

/// Every secret-shaped value in the `*.yaml` files under `dir`, recursively, in path order.
pub fn scan_dir(dir: &Path) -> Result<Vec<Finding>, String> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))? {
            let path = entry.map_err(|e| format!("{}: {e}", d.display()))?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut out = Vec::new();
    for file in files {
        // Bytes that are not UTF-8 are scanned as far as they read; the cassette loader reports
        // the file itself.
        let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        out.extend(scan_text(&file, &String::from_utf8_lossy(&bytes)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<&'static str> {
        scan_text(Path::new("c.yaml"), text).into_iter().map(|f| f.kind).collect()
    }

    #[test]
    fn each_kind_is_found_and_masked() {
        // Made-up values of each shape: an all-zero UUID, an SSN of the range kept for
        // advertising (987-65-4320..4329), a well-known test card number.
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEyMyJ9.c2lnbmF0dXJlLXZhbHVl";
        let text = format!(
            "a: -----BEGIN RSA PRIVATE KEY-----\nb: {jwt}\nc: AKIAABCDEFGHIJKLMNOP\nd: sk_live_abcdefgh1234\n\
             e: access-production-00000000-0000-4000-8000-000000000000\nf: 987-65-4320\ng: 4242 4242 4242 4242\n\
             h: jane@corp.io\n"
        );
        assert_eq!(
            kinds(&text),
            [
                "a private key",
                "a JWT",
                "a cloud access key id",
                "a live API key",
                "a production token",
                "a social security number",
                "a card number",
                "an email address outside the example domains",
            ]
        );
        let findings = scan_text(Path::new("c.yaml"), &text);
        assert_eq!((findings[1].line, findings[1].column), (2, 4));
        assert_eq!(findings[1].masked, format!("eyJh... {} chars", jwt.len()));
        let report: String = findings.iter().map(|f| format!("{f}\n")).collect();
        assert!(!report.contains(jwt) && !report.contains("jane@corp.io") && !report.contains("987-65-4320"), "{report}");
    }

    #[test]
    fn credential_fields_must_hold_placeholders() {
        // YAML block, YAML flow and JSON; Basic judged by what it encodes, Bearer by the token.
        let text = "secret: s3cr3t-value-9\nsettings: {client_secret: placeholder-secret, api_key: Zm9vYmFyYmF6cXV4}\n\
                    body: '{\"access_token\": \"access-sandbox-435beced-94e8-4df3-a181-1dde1cfa19f0\", \"refresh_token\": \"rt-81b2c9d0e1f2\"}'\n\
                    authorization: Basic cGxhY2Vob2xkZXItaWQ6cGxhY2Vob2xkZXIta2V5\nAuthorization: Bearer q8Xb2LmN0pRt\n\
                    token_type: Bearer\nexpires_in: 3600\ndoc: the session token: MX error code 4011\npassword: short\n";
        let found: Vec<(usize, &str)> = scan_text(Path::new("c.yaml"), text).iter().map(|f| (f.line, f.kind)).collect();
        let field = "a credential-named field whose value is not a placeholder";
        assert_eq!(found, [(1, field), (2, field), (3, field), (5, field)]);
    }

    #[test]
    fn examples_and_the_allowlist_pass() {
        let text = "email: ada@example.com\nother: bob@mail.example\nssn: 111-22-1234\nid: 1709318539000\nn: 4111111111111112\n\
                    production_secret: 79g03eoofwl8240v776r2h667442119\nkey: placeholder-api-key\n\
                    recipient_id: recipient-id-production-9b6b4679-914b-445b-9450-efbdb80296f6\n";
        assert_eq!(kinds(text), Vec::<&str>::new());
    }

    #[test]
    fn luhn_is_checked() {
        assert!(luhn("4242424242424242"));
        assert!(!luhn("4242424242424241"));
        assert!(!luhn("45391488"));
    }
}
