//! Serde helpers that generated models name in their attributes.

use serde::{Deserialize, Deserializer};

/// Deserialises a field that may be absent, null, or a value into `Option<Option<T>>`:
/// absent is `None` (via `#[serde(default)]`), null is `Some(None)`, a value is
/// `Some(Some(v))`. Paired with `skip_serializing_if = "Option::is_none"`, each of the three
/// serialises back as it came.
pub fn double_option<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Reads a string-valued enum from its text without copying it when the text is a value the
/// enum knows: `from` maps the text (borrowed from the input where the format allows) to a
/// variant, and copies it only into the fallback variant. Generated enums decode through this
/// instead of through a `String`, which was an allocation per value.
pub fn text_enum<'de, D, T>(deserializer: D, from: fn(&str) -> T) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct Text<T>(fn(&str) -> T);
    impl<T> serde::de::Visitor<'_> for Text<T> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            // What `String` says, so decode errors read the same as before.
            f.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            Ok((self.0)(v))
        }
        // As `String` does, for formats that hand text over as bytes.
        fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<T, E> {
            match std::str::from_utf8(v) {
                Ok(text) => Ok((self.0)(text)),
                Err(_) => Err(E::invalid_value(serde::de::Unexpected::Bytes(v), &self)),
            }
        }
    }
    deserializer.deserialize_str(Text(from))
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_enums_read_borrowed_and_escaped_text_and_refuse_other_types() {
        fn from(text: &str) -> String {
            format!("<{text}>")
        }
        let read = |json: &str| {
            let mut de = serde_json::Deserializer::from_str(json);
            super::text_enum(&mut de, from).map_err(|e| e.to_string())
        };
        assert_eq!(read(r#""plain""#).unwrap(), "<plain>");
        assert_eq!(read(r#""esc\u0061ped""#).unwrap(), "<escaped>");
        let err = read("5").unwrap_err();
        assert!(err.contains("expected a string"), "{err}");
        let value = serde_json::json!("from a value");
        assert_eq!(super::text_enum(value, from).unwrap(), "<from a value>");
        use serde::de::IntoDeserializer;
        let bytes: serde::de::value::BytesDeserializer<'_, serde::de::value::Error> = b"as bytes".as_slice().into_deserializer();
        assert_eq!(super::text_enum(bytes, from).unwrap(), "<as bytes>");
        let bad: serde::de::value::BytesDeserializer<'_, serde::de::value::Error> = b"\xff".as_slice().into_deserializer();
        assert!(super::text_enum(bad, from).is_err());
    }

    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Probe {
        #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "super::double_option")]
        field: Option<Option<u32>>,
    }

    #[test]
    fn keeps_absent_null_and_value_apart() {
        for (text, value) in [("{}", None), (r#"{"field":null}"#, Some(None)), (r#"{"field":7}"#, Some(Some(7)))] {
            let probe: Probe = serde_json::from_str(text).unwrap();
            assert_eq!(probe.field, value, "{text}");
            assert_eq!(serde_json::to_string(&probe).unwrap(), text);
        }
    }
}
