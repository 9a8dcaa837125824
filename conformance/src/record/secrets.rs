//! Secrets seen during a recording and their stand-ins: the same secret always gets the same
//! placeholder (`redacted-access-token-1`), shaped like the value it replaces (a date stays a
//! date), and every form it may take on the wire (JSON-escaped, percent- and form-encoded,
//! base64) is replaced by the same form of its placeholder.

use base64::Engine;
use linkspec_runtime::SensitiveKind;
use std::collections::BTreeMap;

/// Secrets shorter than this are not looked for as text (a 2-character value would match all
/// over a cassette): they are replaced where they were found (a sensitive field, a credential
/// header) and credential inputs that short are refused.
pub const MIN_TEXT: usize = 4;

/// One secret and its stand-in.
#[derive(Debug, Clone)]
struct Secret {
    /// What it is (`client-secret`, `access-token`), in the placeholder and in messages.
    label: String,
    real: String,
    placeholder: String,
    /// A number: replaced where it was found, never as text.
    number: bool,
}

/// The secrets of one recording, in the order they were seen.
#[derive(Debug, Default, Clone)]
pub struct Secrets {
    list: Vec<Secret>,
    per_label: BTreeMap<String, usize>,
    dates: usize,
    numbers: usize,
    /// Other (wire form → stand-in) pairs: an HTTP Basic credential re-encoded from its parts.
    extra: Vec<(String, String)>,
}

/// `client_secret`, `MD-API-KEY`, `/session/token` → `client-secret`, `md-api-key`, `token`.
pub fn label_of(name: &str) -> String {
    let last = name.rsplit('/').next().unwrap_or(name);
    let mut out = String::new();
    for c in last.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() { "secret".to_owned() } else { out }
}

impl Secrets {
    /// The stand-in of text `real`, registering it under `label` when it is new. An empty
    /// value is no secret and is returned as is.
    pub fn text(&mut self, label: &str, real: &str, kind: SensitiveKind) -> String {
        if real.is_empty() {
            return String::new();
        }
        if let Some(s) = self.list.iter().find(|s| s.real == real) {
            return s.placeholder.clone();
        }
        let label = label_of(label);
        let placeholder = match kind {
            SensitiveKind::Date if is_date(real) => self.next_date(),
            SensitiveKind::DateTime if real.len() >= 19 && is_date(&real[..10]) => {
                // Same shape: the date and time replaced, fraction and offset kept as sent.
                format!("{}T00:00:00{}", self.next_date(), &real[19..])
            }
            _ => {
                let n = self.per_label.entry(label.clone()).or_default();
                *n += 1;
                format!("redacted-{label}-{n}")
            }
        };
        self.list.push(Secret { label, real: real.to_owned(), placeholder: placeholder.clone(), number: false });
        placeholder
    }

    /// The stand-in of number `real` (its JSON text): a whole number for an integer field, one
    /// with a fraction otherwise, so the field's type still decodes it and writes it back alike.
    pub fn number(&mut self, label: &str, real: &str, kind: SensitiveKind) -> String {
        if let Some(s) = self.list.iter().find(|s| s.real == real) {
            return s.placeholder.clone();
        }
        self.numbers += 1;
        let n = 900_000_000 + self.numbers;
        let fractional = match kind {
            SensitiveKind::Integer => false,
            SensitiveKind::Number => true,
            _ => real.contains(['.', 'e', 'E']),
        };
        let placeholder = if fractional { format!("{n}.5") } else { n.to_string() };
        self.list.push(Secret { label: label_of(label), real: real.to_owned(), placeholder: placeholder.clone(), number: true });
        placeholder
    }

    /// The stand-in of a known secret, if `real` is one.
    pub fn known(&self, real: &str) -> Option<&str> {
        self.list.iter().find(|s| s.real == real).map(|s| s.placeholder.as_str())
    }

    /// Registers a wire form and its replacement (an HTTP Basic credential).
    pub fn extra(&mut self, real: &str, replacement: String) {
        if !real.is_empty() && !self.extra.iter().any(|(r, _)| r == real) {
            self.extra.push((real.to_owned(), replacement));
        }
    }

    /// How many secrets were seen.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// True when none was seen.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    fn next_date(&mut self) -> String {
        let n = self.dates;
        self.dates += 1;
        format!("{:04}-{:02}-{:02}", 1900 + n / (12 * 28), (n / 28) % 12 + 1, n % 28 + 1)
    }

    /// Every (wire form of a secret → the same form of its stand-in), longest first.
    fn pairs(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for s in self.list.iter().filter(|s| !s.number && s.real.chars().count() >= MIN_TEXT) {
            for (real, placeholder) in forms(&s.real).into_iter().zip(forms(&s.placeholder)) {
                if !out.iter().any(|(r, _)| *r == real) {
                    out.push((real, placeholder));
                }
            }
        }
        for (real, replacement) in &self.extra {
            if !out.iter().any(|(r, _)| r == real) {
                out.push((real.clone(), replacement.clone()));
            }
        }
        out.sort_by_key(|(real, _)| std::cmp::Reverse(real.len()));
        out
    }

    /// `text` with every secret in any of its forms replaced.
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for (real, placeholder) in self.pairs() {
            if out.contains(&real) {
                out = out.replace(&real, &placeholder);
            }
        }
        out
    }

    /// What a scan of the written cassette looks for: (label, which form, the text).
    pub fn needles(&self) -> Vec<(String, &'static str, String)> {
        let mut out = Vec::new();
        for s in &self.list {
            if s.number {
                if s.real.len() >= MIN_TEXT {
                    out.push((s.label.clone(), "number", s.real.clone()));
                }
                continue;
            }
            if s.real.chars().count() < MIN_TEXT {
                continue;
            }
            for (form, text) in FORM_NAMES.iter().zip(forms(&s.real)) {
                if !out.iter().any(|(_, _, t)| *t == text) {
                    out.push((s.label.clone(), *form, text));
                }
            }
            let yaml = crate::record::yaml::quoted(&s.real);
            let yaml = yaml[1..yaml.len() - 1].to_owned();
            if !out.iter().any(|(_, _, t)| *t == yaml) {
                out.push((s.label.clone(), "YAML-escaped", yaml));
            }
        }
        for (real, _) in &self.extra {
            if !out.iter().any(|(_, _, t)| t == real) {
                out.push(("basic-credential".to_owned(), "HTTP Basic", real.clone()));
            }
        }
        out
    }
}

const FORM_NAMES: [&str; 7] = ["as sent", "JSON-escaped", "percent-encoded", "form-encoded", "base64", "base64 (unpadded)", "base64url"];

/// The forms a value may take on the wire, in [`FORM_NAMES`] order.
fn forms(text: &str) -> [String; 7] {
    let json = serde_json::to_string(text).unwrap_or_default();
    let b64 = base64::engine::general_purpose::STANDARD;
    [
        text.to_owned(),
        json[1..json.len() - 1].to_owned(),
        percent_encode(text),
        form_urlencoded::byte_serialize(text.as_bytes()).collect(),
        b64.encode(text),
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(text),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text),
    ]
}

/// Percent-encoding of everything but RFC 3986's unreserved characters.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-' && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_secret_gets_the_same_stand_in_and_labels_count_apart() {
        let mut s = Secrets::default();
        assert_eq!(s.text("client_secret", "s3cr3t-value", SensitiveKind::Text), "redacted-client-secret-1");
        assert_eq!(s.text("/access_token", "tok-AAAA", SensitiveKind::Text), "redacted-access-token-1");
        assert_eq!(s.text("other", "s3cr3t-value", SensitiveKind::Text), "redacted-client-secret-1");
        assert_eq!(s.text("access_token", "tok-BBBB", SensitiveKind::Text), "redacted-access-token-2");
        assert_eq!(s.text("dob", "1987-03-14", SensitiveKind::Date), "1900-01-01");
        assert_eq!(s.text("seen", "2019-02-15T15:51:39.5Z", SensitiveKind::DateTime), "1900-01-02T00:00:00.5Z");
        assert_eq!(s.number("account_number", "12345678", SensitiveKind::Integer), "900000001");
        assert_eq!(s.number("balance", "12.5", SensitiveKind::Number), "900000002.5");
        assert_eq!(s.text("x", "", SensitiveKind::Text), "");
        assert_eq!(s.len(), 7);
    }

    #[test]
    fn every_form_is_replaced_by_the_same_form_of_the_stand_in() {
        let mut s = Secrets::default();
        let ph = s.text("secret", "a b/c+d", SensitiveKind::Text);
        let text = format!("raw=a b/c+d pct=a%20b%2Fc%2Bd form=a+b%2Fc%2Bd b64={}", base64::engine::general_purpose::STANDARD.encode("a b/c+d"));
        let out = s.apply(&text);
        assert_eq!(out, format!("raw={ph} pct={ph} form={ph} b64={}", base64::engine::general_purpose::STANDARD.encode(&ph)));
        assert!(s.needles().iter().all(|(_, _, n)| !out.contains(n.as_str())));
    }

    #[test]
    fn labels() {
        assert_eq!(label_of("MD-API-KEY"), "md-api-key");
        assert_eq!(label_of("/session/token"), "token");
        assert_eq!(label_of("__"), "secret");
    }
}
