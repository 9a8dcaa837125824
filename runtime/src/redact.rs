//! A stand-in printed in place of secrets and personal data.

use std::fmt;

/// Prints `<redacted>` in `Debug` and `Display`; generated `Debug` impls show it in place of
/// sensitive fields.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A URL as it may be shown: a user name and password (`https://user:pass@host`) become
/// `<redacted>@`. Works on text that does not parse as a URL too, since a URL that failed to
/// parse is exactly the one an error shows.
pub fn redact_url(text: &str) -> String {
    let Some(scheme_end) = text.find("://") else { return text.to_owned() };
    let authority_start = scheme_end + 3;
    let rest = &text[authority_start..];
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_len].rfind('@') {
        Some(at) => format!("{}<redacted>{}", &text[..authority_start], &rest[at..]),
        None => text.to_owned(),
    }
}

/// A URL setting whose `Debug` shows it with any credentials in it redacted.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct UrlText(pub String);

impl fmt::Debug for UrlText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&redact_url(&self.0), f)
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn credentials_in_urls_are_redacted() {
        assert_eq!(redact_url("https://user:pa55@host.example/v1?a=b"), "https://<redacted>@host.example/v1?a=b");
        assert_eq!(redact_url("https://pa55@host.example"), "https://<redacted>@host.example");
        assert_eq!(redact_url("https://u:p@ss@ho st/x@y"), "https://<redacted>@ho st/x@y");
        assert_eq!(redact_url("https://host.example/a@b"), "https://host.example/a@b");
        assert_eq!(redact_url("not a url"), "not a url");
    }
}
