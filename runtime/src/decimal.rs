//! Exact numbers: [`Decimal`] keeps a JSON number's text as the provider sent it, so money never
//! passes through a binary float, and [`Float`] is a binary float whose whole values keep the
//! form they came in (`5` stays `5`).
//!
//! A `Decimal` is read from the JSON text itself (serde_json's `RawValue`), never from an `f64`:
//! `5`, `5.10`, `-0.01` and `1e3` serialise back byte for byte. Arithmetic goes through
//! [`rust_decimal::Decimal`] ([`Decimal::value`]); equality and hashing compare the text, since
//! that is what the type promises to keep (`5.10` and `5.1` are the same amount written twice).

use serde::de::{self, Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};
use serde_json::value::RawValue;
use std::fmt;
use std::str::FromStr;

pub use rust_decimal::Decimal as RustDecimal;

/// A number exactly as written on the wire: `5`, `5.10`, `-0.01`, `1e3`.
///
/// Build one from text ([`Decimal::new`], [`FromStr`]) or from a [`RustDecimal`] (`From`,
/// which keeps its scale: `5.10` stays `5.10`). [`Display`](fmt::Display) and
/// [`as_str`](Decimal::as_str) give the text, which is also what a query or path parameter sends.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Decimal(Box<str>);

/// Text that is not a JSON number (`"5"` with quotes, `.5`, `5.`, `+1`, `0x10`, `NaN`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecimalError;

impl fmt::Display for DecimalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal must be a JSON number: an optional `-`, digits without a leading zero, an optional fraction and exponent")
    }
}

impl std::error::Error for DecimalError {}

/// The value does not fit [`RustDecimal`] (more than 28 significant digits, or an exponent out
/// of its range); the text is still kept and sent back as it came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecimalRangeError;

impl fmt::Display for DecimalRangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the number does not fit a 96-bit decimal (28 significant digits); its text is kept as sent")
    }
}

impl std::error::Error for DecimalRangeError {}

/// True for the JSON grammar of a number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
fn is_json_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > start
    };
    if b.first() == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

impl Decimal {
    /// A decimal from its JSON text; anything that is not a JSON number is refused.
    pub fn new(text: &str) -> Result<Self, DecimalError> {
        if is_json_number(text) { Ok(Decimal(text.into())) } else { Err(DecimalError) }
    }

    /// The text as sent or given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value, for arithmetic and comparing amounts (`5.10` equals `5.1` here).
    pub fn value(&self) -> Result<RustDecimal, DecimalRangeError> {
        let text = self.as_str();
        let parsed = if text.contains(['e', 'E']) { RustDecimal::from_scientific(text) } else { RustDecimal::from_str_exact(text) };
        parsed.map_err(|_| DecimalRangeError)
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Decimal {
    type Err = DecimalError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Decimal::new(text)
    }
}

impl From<RustDecimal> for Decimal {
    fn from(value: RustDecimal) -> Self {
        // rust_decimal prints plain notation with its scale (`5.10`, `-0.01`), always a JSON number.
        Decimal(value.to_string().into())
    }
}

impl From<i64> for Decimal {
    fn from(value: i64) -> Self {
        Decimal(value.to_string().into())
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // serde_json writes a RawValue's text verbatim; other serializers see the parsed number.
        let raw = RawValue::from_string(self.0.to_string()).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <Box<RawValue>>::deserialize(deserializer)?;
        let text = raw.get().trim();
        if is_json_number(text) {
            Ok(Decimal(text.into()))
        } else {
            let found = match text.as_bytes().first() {
                Some(b'"') => de::Unexpected::Other("a string"),
                Some(b't' | b'f') => de::Unexpected::Other("a boolean"),
                Some(b'n') => de::Unexpected::Other("null"),
                Some(b'[') => de::Unexpected::Seq,
                Some(b'{') => de::Unexpected::Map,
                _ => de::Unexpected::Other("a value"),
            };
            Err(de::Error::invalid_type(found, &"a JSON number (a decimal)"))
        }
    }
}

/// A binary float (`number` in a spec) that keeps the form of whole values: read from `5` it is
/// written `5`, read from `5.0` it is written `5.0`, and one built from an `f64` writes a whole
/// value without a fraction (`Float::from(5.0)` is `5`). Other values print as serde_json prints
/// an `f64` (the shortest text that reads back the same).
#[derive(Clone, Copy, Default)]
pub struct Float {
    value: f64,
    /// The wire text had a fraction or an exponent.
    fractional: bool,
}

impl Float {
    /// The value.
    pub fn get(self) -> f64 {
        self.value
    }
}

impl From<f64> for Float {
    fn from(value: f64) -> Self {
        Float { value, fractional: false }
    }
}

impl From<Float> for f64 {
    fn from(value: Float) -> Self {
        value.value
    }
}

impl PartialEq for Float {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl PartialOrd for Float {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        self.value.partial_cmp(&other.value)
    }
}

impl fmt::Debug for Float {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.value, f)
    }
}

impl fmt::Display for Float {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.whole() {
            Some(n) => write!(f, "{n}"),
            None => fmt::Display::fmt(&self.value, f),
        }
    }
}

/// Largest magnitude below which every whole `f64` is an exact integer (2^53).
const EXACT_WHOLE: f64 = 9_007_199_254_740_992.0;

impl Float {
    /// The value as an integer, when it is written as one.
    fn whole(self) -> Option<i64> {
        let v = self.value;
        // The bound makes the cast exact.
        #[allow(clippy::cast_possible_truncation)]
        let n = v as i64;
        (!self.fractional && v.fract() == 0.0 && v.abs() < EXACT_WHOLE && !(v == 0.0 && v.is_sign_negative())).then_some(n)
    }
}

impl Serialize for Float {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.whole() {
            Some(n) => serializer.serialize_i64(n),
            None => serializer.serialize_f64(self.value),
        }
    }
}

impl<'de> Deserialize<'de> for Float {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FloatVisitor;
        impl de::Visitor<'_> for FloatVisitor {
            type Value = Float;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Float, E> {
                Ok(Float { value: v as f64, fractional: false })
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Float, E> {
                Ok(Float { value: v as f64, fractional: false })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Float, E> {
                Ok(Float { value: v, fractional: true })
            }
        }
        deserializer.deserialize_f64(FloatVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_number_grammar() {
        for yes in ["0", "5", "-0.01", "5.10", "1e3", "1E+3", "2.5e-7", "-0", "123456789012345678901234567890.5"] {
            assert!(is_json_number(yes), "{yes}");
        }
        for no in ["", "-", "01", ".5", "5.", "+1", "1e", "1e+", "0x10", "NaN", "Infinity", " 5", "5 ", "\"5\"", "1_000"] {
            assert!(!is_json_number(no), "{no}");
        }
    }

    #[test]
    fn values_and_range() {
        assert_eq!(Decimal::new("5.10").unwrap().value().unwrap(), RustDecimal::new(510, 2));
        assert_eq!(Decimal::new("1e3").unwrap().value().unwrap(), RustDecimal::new(1000, 0));
        assert_eq!(Decimal::new("-0.01").unwrap().value().unwrap(), RustDecimal::new(-1, 2));
        assert_eq!(Decimal::new("1e400").unwrap().value(), Err(DecimalRangeError));
        assert_eq!(Decimal::from(RustDecimal::new(510, 2)).as_str(), "5.10");
        assert_eq!(Decimal::from(-7).as_str(), "-7");
    }

    #[test]
    fn whole_floats_keep_their_form() {
        for text in ["5", "5.0", "-3", "0.1", "1e300", "12.5", "0"] {
            let f: Float = serde_json::from_str(text).unwrap();
            let back = serde_json::to_string(&f).unwrap();
            let want = if text == "1e300" { "1e+300" } else { text };
            assert_eq!(back, want, "{text}");
        }
        assert_eq!(serde_json::to_string(&Float::from(5.0)).unwrap(), "5");
        assert_eq!(serde_json::to_string(&Float::from(-0.0)).unwrap(), "-0.0");
        assert_eq!(serde_json::to_string(&Float::from(1e20)).unwrap(), "1e+20");
        assert_eq!(Float::from(5.0).to_string(), "5");
    }

    #[test]
    fn a_decimal_reads_from_a_json_value_as_serde_json_holds_it() {
        // Arguments given as a `serde_json::Value` (call by name) hold numbers as f64 or integers
        // already: the decimal gets serde_json's text of that number.
        let d: Decimal = serde_json::from_value(serde_json::json!(5)).expect("an integer");
        assert_eq!(d.as_str(), "5");
        let d: Decimal = serde_json::from_value(serde_json::json!(5.25)).expect("a float");
        assert_eq!(d.as_str(), "5.25");
        assert!(serde_json::from_value::<Decimal>(serde_json::json!("5")).is_err());
        assert_eq!(serde_json::to_value(Decimal::new("5.10").unwrap()).unwrap(), serde_json::json!(5.1));
    }
}
