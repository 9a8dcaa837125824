//! Binary answers: the bytes of a success body that is not JSON (a PDF, a ZIP), with the
//! media type the provider gave them.

use base64::Engine as _;
use serde::ser::SerializeStruct;
use std::fmt;

/// A success answer kept as bytes, never decoded: what operations whose spec declares a
/// binary response (`200: application/pdf`, `200: binary`) return.
///
/// `Debug` shows the media type and the length, not the bytes. Serialised (for
/// [`crate::JsonOutcome`]) as `{"content_type": ..., "base64": ...}`.
#[derive(Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Binary {
    /// The answer's `Content-Type`, as sent; `application/octet-stream` when it sent none
    /// (what HTTP lets a recipient assume).
    pub content_type: String,
    /// The body, byte for byte.
    pub bytes: Vec<u8>,
}

impl Binary {
    /// A binary value (for tests and callers that keep answers).
    pub fn new(content_type: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Binary { content_type: content_type.into(), bytes: bytes.into() }
    }

    /// The media type without parameters, lower case: `application/pdf` for
    /// `Application/PDF; name=report.pdf`.
    pub fn media_type(&self) -> String {
        self.content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
    }
}

impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Binary")
            .field("content_type", &self.content_type)
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .finish()
    }
}

impl serde::Serialize for Binary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Binary", 2)?;
        s.serialize_field("content_type", &self.content_type)?;
        s.serialize_field("base64", &base64::engine::general_purpose::STANDARD.encode(&self.bytes))?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::Binary;

    #[test]
    fn debug_shows_the_length_and_json_the_base64() {
        let b = Binary::new("Application/PDF; name=r.pdf", b"%PDF-1.7\n".to_vec());
        assert_eq!(format!("{b:?}"), r#"Binary { content_type: "Application/PDF; name=r.pdf", bytes: <9 bytes> }"#);
        assert_eq!(b.media_type(), "application/pdf");
        assert_eq!(
            serde_json::to_value(&b).unwrap(),
            serde_json::json!({"content_type": "Application/PDF; name=r.pdf", "base64": "JVBERi0xLjcK"})
        );
    }
}
