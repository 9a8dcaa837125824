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

#[cfg(test)]
mod tests {
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
