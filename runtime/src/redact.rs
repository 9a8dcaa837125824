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
