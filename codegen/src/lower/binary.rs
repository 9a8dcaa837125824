//! Binary answers and body limits: responses kept as bytes (`binary`, `application/pdf`) and
//! an operation's own `max_body_bytes`.

use crate::diag::Loc;
use crate::spec::Sp;
use super::{Lowerer, check_media_type};

/// The media type asked for when a response says only `binary`.
pub(super) const ANY_BINARY: &str = "application/octet-stream";

/// The largest `max_body_bytes`: what every target's `usize` holds (4 GiB less a byte).
pub(super) const MAX_BODY_LIMIT: u64 = u32::MAX as u64;

/// What a response value says when it is no type expression: `None` for a type (or `empty`),
/// `Some(media type)` for bytes kept as they come (`binary` asks for any, a media type for
/// that one). A media type that is no binary one is reported and read as `binary`.
pub(super) fn binary_answer(lw: &mut Lowerer, value: &Sp<String>) -> Option<String> {
    let text = value.value.trim();
    if text == "binary" {
        return Some(ANY_BINARY.to_owned());
    }
    if !text.contains('/') {
        return None;
    }
    check_media_type(lw, value);
    let essence = text.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") {
        lw.error(
            "LS0212",
            Loc::at(value),
            format!("`{text}` is JSON, which an operation answers with a type, not as bytes"),
            "name the model the answer decodes into (e.g. `200: Report`); a media type here means bytes kept as they come, such as `application/pdf`",
        );
    }
    Some(text.to_owned())
}

/// An operation's `max_body_bytes`: at least one byte, and no more than [`MAX_BODY_LIMIT`].
pub(super) fn max_body(lw: &mut Lowerer, limit: Option<&Sp<u64>>) -> Option<u64> {
    let limit = limit?;
    if limit.value == 0 || limit.value > MAX_BODY_LIMIT {
        lw.error(
            "LS0213",
            Loc::at(limit),
            format!("`max_body_bytes: {}` is not a usable limit", limit.value),
            &format!("write a number of bytes from 1 to {MAX_BODY_LIMIT}, e.g. `67108864` for 64 MiB (the default is 16 MiB)"),
        );
        return None;
    }
    Some(limit.value)
}
