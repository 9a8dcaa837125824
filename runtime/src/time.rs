//! Lossless timestamp and date types for API clients: [`Timestamp`], [`NaiveTimestamp`],
//! [`UtcTimestamp`] and [`Date`] parse the wire text strictly and print it back byte for byte.
//!
//! Accepted is the RFC 3339 profile of ISO 8601: a 4-digit year, zero-padded fields, an
//! uppercase `T`, seconds always present, optionally `.` and 1 to 9 fractional digits, and
//! (for [`Timestamp`] only) an offset written as an uppercase `Z` or `±HH:MM`. Lowercase
//! `t`/`z`, a space for `T`, basic forms (`+0100`) and leap seconds (`:60`) are rejected.
//! The shapes are parsed here; jiff only validates the fields and holds the values.

use std::fmt::{self, Write as _};
use std::marker::PhantomData;
use std::str::FromStr;

use jiff::civil;
use jiff::tz::Offset;

const TIMESTAMP_EXPECTED: &str = "an RFC 3339 timestamp with a UTC offset, \
    like 2019-02-15T15:51:39Z or 2021-10-26T19:43:53.123-05:30";
const NAIVE_EXPECTED: &str = "a date-time without a UTC offset (format `naive`), \
    like 2023-02-16T09:14:11 or 2023-02-16T09:14:11.5";
const NO_OFFSET: &str =
    "the text has no UTC offset; for date-times without one use NaiveTimestamp (format `naive`)";
const UTC_NAIVE_EXPECTED: &str = "a date-time without a UTC offset, read as UTC (`naive_zone: utc`), \
    like 2023-02-16T09:14:11";
const DATE_EXPECTED: &str = "a calendar date YYYY-MM-DD, like 1987-01-31";

/// A rejected timestamp or date: the input, what was expected, and what was wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("expected {expected}, got {input:?}: {problem}")]
pub struct TimeParseError {
    /// The rejected text (for a constructor, the rejected value written out).
    pub input: String,
    /// A description of the format that was expected.
    pub expected: &'static str,
    /// What exactly was wrong with the input.
    pub problem: String,
}

impl TimeParseError {
    /// What was wrong, without the input or any part of it: a position and the rule broken.
    /// The detail of a calendar error (which may name the day or month given) is left out.
    pub fn value_free_problem(&self) -> &str {
        let problem = self.problem.split(": ").next().unwrap_or_default();
        problem.split(", found ").next().unwrap_or_default()
    }

    fn new(input: impl Into<String>, expected: &'static str, problem: impl Into<String>) -> Self {
        Self { input: input.into(), expected, problem: problem.into() }
    }
}

/// How a [`Timestamp`]'s offset was written: `Z`, `±HH:MM`, or `-00:00` (RFC 3339's "UTC,
/// local offset unknown", kept apart from `+00:00` so it round-trips).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum OffsetStyle {
    Zulu,
    Numeric,
    NegativeZero,
}

/// An instant with the UTC offset it was written in, e.g. `2019-02-15T15:51:39Z` or
/// `2021-10-26T19:43:53.123456-05:30`.
///
/// The text must carry an offset: an uppercase `Z` or `±HH:MM` (hours 00-23); `-00:00` is
/// accepted and kept. Display reproduces the parsed text exactly: the offset and its form
/// (`Z` vs `+00:00`) and the number of fractional digits, trailing zeros included.
///
/// Equality compares the written form, so `…Z` and `…+00:00` are *not* equal even though
/// they denote the same instant; use [`Timestamp::same_instant`] to compare instants.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp {
    instant: jiff::Timestamp,
    offset: Offset,
    style: OffsetStyle,
    /// Fractional digits written, 0..=9; always enough to hold the nanoseconds exactly.
    frac_digits: u8,
}

impl Timestamp {
    /// An instant written in UTC with `Z` and the fewest of 0, 3, 6 or 9 fractional digits
    /// that hold it exactly. Years before 0000 (which jiff allows) display in the expanded
    /// form `-000001`, which [`FromStr`] rejects.
    pub fn from_jiff(ts: jiff::Timestamp) -> Self {
        Self::build(ts, Offset::UTC, OffsetStyle::Zulu)
    }

    /// An instant written at `offset` as `±HH:MM` (a zero offset writes `+00:00`; use
    /// [`Timestamp::from_jiff`] for `Z`), with fractional digits chosen as in `from_jiff`.
    /// Fails if `offset` has a seconds part or is 24 hours or more: `±HH:MM` can't show it.
    pub fn with_offset(ts: jiff::Timestamp, offset: Offset) -> Result<Self, TimeParseError> {
        let secs = offset.seconds();
        if secs % 60 != 0 || secs.unsigned_abs() >= 24 * 3600 {
            let expected = "a UTC offset of whole minutes within ±23:59";
            let problem = "the offset can't be written as ±HH:MM";
            return Err(TimeParseError::new(offset.to_string(), expected, problem));
        }
        Ok(Self::build(ts, offset, OffsetStyle::Numeric))
    }

    fn build(instant: jiff::Timestamp, offset: Offset, style: OffsetStyle) -> Self {
        let nanos = offset.to_datetime(instant).subsec_nanosecond();
        Self { instant, offset, style, frac_digits: exact_precision(nanos) }
    }

    /// The instant, independent of the offset it was written in.
    pub fn instant(&self) -> jiff::Timestamp {
        self.instant
    }

    /// The UTC offset the instant was written in (zero for `Z` and `-00:00`).
    pub fn offset(&self) -> Offset {
        self.offset
    }

    /// Whether both denote the same instant, whatever their offsets and written forms.
    pub fn same_instant(&self, other: &Timestamp) -> bool {
        self.instant == other.instant
    }
}

/// Chronological: earlier instants first. Two timestamps of the same instant written
/// differently (`…Z` and `…+00:00`, or with other fractional digits) are not equal (see
/// [`Timestamp`]), so they order by their written form after the instant, and `cmp` is
/// `Equal` exactly when `==` holds.
impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let form = |t: &Self| (t.offset.seconds(), t.style as u8, t.frac_digits);
        self.instant.cmp(&other.instant).then_with(|| form(self).cmp(&form(other)))
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl From<jiff::Timestamp> for Timestamp {
    /// As [`Timestamp::from_jiff`]: written in UTC with `Z`.
    fn from(ts: jiff::Timestamp) -> Self {
        Self::from_jiff(ts)
    }
}

impl From<Timestamp> for jiff::Timestamp {
    fn from(ts: Timestamp) -> Self {
        ts.instant
    }
}

impl From<Timestamp> for jiff::Zoned {
    /// The instant in the fixed offset it was written in.
    fn from(ts: Timestamp) -> Self {
        ts.instant.to_zoned(jiff::tz::TimeZone::fixed(ts.offset))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_datetime(f, self.offset.to_datetime(self.instant), self.frac_digits)?;
        let secs = self.offset.seconds();
        let (sign, abs) = (if secs < 0 { '-' } else { '+' }, secs.unsigned_abs());
        match self.style {
            OffsetStyle::Zulu => f.write_char('Z'),
            OffsetStyle::NegativeZero => f.write_str("-00:00"),
            OffsetStyle::Numeric => write!(f, "{sign}{:02}:{:02}", abs / 3600, abs / 60 % 60),
        }
    }
}

fn parse_timestamp(c: &mut Cursor<'_>) -> Result<Timestamp, String> {
    let (datetime, frac_digits) = parse_datetime(c)?;
    let (style, secs) = match c.peek() {
        Some(b'Z') => {
            c.pos += 1;
            (OffsetStyle::Zulu, 0)
        }
        Some(sign @ (b'+' | b'-')) => {
            c.pos += 1;
            let hours = c.digits(2, "offset hours")?;
            c.expect(b':', "':' between offset hours and minutes")?;
            let minutes = c.digits(2, "offset minutes")?;
            if hours > 23 || minutes > 59 {
                return Err("offset hours must be 00-23 and minutes 00-59".into());
            }
            match (sign, hours * 3600 + minutes * 60) {
                (b'-', 0) => (OffsetStyle::NegativeZero, 0),
                (b'-', secs) => (OffsetStyle::Numeric, -secs),
                (_, secs) => (OffsetStyle::Numeric, secs),
            }
        }
        Some(b'z') => return Err("the UTC designator must be an uppercase 'Z'".into()),
        Some(_) => return Err(format!("expected a UTC offset ('Z' or ±HH:MM) {}", c.here())),
        None => return Err(NO_OFFSET.into()),
    };
    let offset = Offset::from_seconds(secs).map_err(|e| format!("invalid offset: {e}"))?;
    let instant = offset.to_timestamp(datetime).map_err(|e| format!("out of range: {e}"))?;
    Ok(Timestamp { instant, offset, style, frac_digits })
}

/// A civil date-time with no UTC offset, e.g. `2023-02-16T09:14:11` or
/// `2023-02-16T09:14:11.5`. Display reproduces the parsed text exactly, including the number
/// of fractional digits. Text with an offset is rejected: that's a [`Timestamp`].
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct NaiveTimestamp {
    datetime: civil::DateTime,
    frac_digits: u8,
}

impl NaiveTimestamp {
    /// A date-time written with the fewest of 0, 3, 6 or 9 fractional digits that hold it
    /// exactly. Years before 0000 display in the expanded form `-000001`, which [`FromStr`]
    /// rejects.
    pub fn from_civil(dt: civil::DateTime) -> Self {
        Self { datetime: dt, frac_digits: exact_precision(dt.subsec_nanosecond()) }
    }

    /// The civil date-time.
    pub fn civil(&self) -> civil::DateTime {
        self.datetime
    }

    /// This date-time read as UTC, written with `Z` and the same fractional digits: for
    /// providers whose offset-less timestamps mean UTC (MoneyKit's do). Fails only past the
    /// end of jiff's instant range (after 9999-12-30T22:00:00.999999999Z).
    pub fn assume_utc(&self) -> Result<Timestamp, TimeParseError> {
        let instant = Offset::UTC.to_timestamp(self.datetime).map_err(|e| {
            TimeParseError::new(self.to_string(), "a date-time within jiff's range", e.to_string())
        })?;
        let (offset, style, frac_digits) = (Offset::UTC, OffsetStyle::Zulu, self.frac_digits);
        Ok(Timestamp { instant, offset, style, frac_digits })
    }
}

/// By date-time; the same date-time written with more fractional digits sorts after, so that
/// `cmp` is `Equal` exactly when `==` holds.
impl Ord for NaiveTimestamp {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.datetime.cmp(&other.datetime).then_with(|| self.frac_digits.cmp(&other.frac_digits))
    }
}

impl PartialOrd for NaiveTimestamp {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl From<civil::DateTime> for NaiveTimestamp {
    fn from(dt: civil::DateTime) -> Self {
        Self::from_civil(dt)
    }
}

impl From<NaiveTimestamp> for civil::DateTime {
    fn from(ts: NaiveTimestamp) -> Self {
        ts.datetime
    }
}

impl fmt::Display for NaiveTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_datetime(f, self.datetime, self.frac_digits)
    }
}

fn parse_naive(c: &mut Cursor<'_>) -> Result<NaiveTimestamp, String> {
    let (datetime, frac_digits) = parse_datetime(c)?;
    if let Some(b'Z' | b'z' | b'+' | b'-') = c.peek() {
        return Err("the text has a UTC offset; for date-times with one use Timestamp".into());
    }
    Ok(NaiveTimestamp { datetime, frac_digits })
}

/// An instant that the provider writes without a UTC offset and means as UTC (a spec's
/// `naive_zone: utc`): `2023-02-16T09:14:11` on the wire is 09:14:11Z.
///
/// It is an instant like [`Timestamp`] (ordered, convertible to `jiff` types and to a
/// [`Timestamp`]), but reads and writes the provider's offset-less text, so Display and
/// serde reproduce what was received, fractional digits included. Text with an offset is
/// rejected: the provider never sends one, and one that did would be a different format.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct UtcTimestamp {
    instant: jiff::Timestamp,
    /// Fractional digits written, 0..=9; always enough to hold the nanoseconds exactly.
    frac_digits: u8,
}

impl UtcTimestamp {
    /// An instant, written with the fewest of 0, 3, 6 or 9 fractional digits that hold it.
    pub fn from_jiff(ts: jiff::Timestamp) -> Self {
        Self { instant: ts, frac_digits: exact_precision(ts.subsec_nanosecond()) }
    }

    /// The instant.
    pub fn instant(&self) -> jiff::Timestamp {
        self.instant
    }

    /// The same instant as a [`Timestamp`] written in UTC with `Z` and the same fractional
    /// digits (what to compare with other providers' timestamps, or to send where an offset
    /// is required).
    pub fn to_timestamp(&self) -> Timestamp {
        let (offset, style, frac_digits) = (Offset::UTC, OffsetStyle::Zulu, self.frac_digits);
        Timestamp { instant: self.instant, offset, style, frac_digits }
    }

    /// The wire value as a civil date-time (the UTC wall clock), with the same digits.
    pub fn to_naive(&self) -> NaiveTimestamp {
        NaiveTimestamp { datetime: Offset::UTC.to_datetime(self.instant), frac_digits: self.frac_digits }
    }
}

/// Chronological; the same instant written with more fractional digits sorts after, so that
/// `cmp` is `Equal` exactly when `==` holds.
impl Ord for UtcTimestamp {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.instant, self.frac_digits).cmp(&(other.instant, other.frac_digits))
    }
}

impl PartialOrd for UtcTimestamp {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl From<jiff::Timestamp> for UtcTimestamp {
    /// As [`UtcTimestamp::from_jiff`].
    fn from(ts: jiff::Timestamp) -> Self {
        Self::from_jiff(ts)
    }
}

impl From<Timestamp> for UtcTimestamp {
    /// The same instant, whatever offset it was written in, keeping its fractional digits.
    fn from(ts: Timestamp) -> Self {
        Self { instant: ts.instant, frac_digits: ts.frac_digits }
    }
}

impl From<UtcTimestamp> for jiff::Timestamp {
    fn from(ts: UtcTimestamp) -> Self {
        ts.instant
    }
}

impl From<UtcTimestamp> for Timestamp {
    /// As [`UtcTimestamp::to_timestamp`].
    fn from(ts: UtcTimestamp) -> Self {
        ts.to_timestamp()
    }
}

impl From<UtcTimestamp> for jiff::Zoned {
    /// The instant in UTC.
    fn from(ts: UtcTimestamp) -> Self {
        ts.instant.to_zoned(jiff::tz::TimeZone::UTC)
    }
}

impl fmt::Display for UtcTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_datetime(f, Offset::UTC.to_datetime(self.instant), self.frac_digits)
    }
}

fn parse_utc_naive(c: &mut Cursor<'_>) -> Result<UtcTimestamp, String> {
    let naive = parse_naive(c)?;
    let instant = Offset::UTC.to_timestamp(naive.datetime).map_err(|e| format!("out of range: {e}"))?;
    Ok(UtcTimestamp { instant, frac_digits: naive.frac_digits })
}

/// A calendar date written exactly `YYYY-MM-DD`, e.g. `1987-01-31`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(civil::Date);

impl Date {
    /// The date `year-month-day`; fails unless it exists and the year is 0000..=9999.
    pub fn new(year: i16, month: i8, day: i8) -> Result<Date, TimeParseError> {
        let problem = match civil::Date::new(year, month, day) {
            Ok(date) if year >= 0 => return Ok(Date(date)),
            Ok(_) => "the year must be 0000-9999".to_string(),
            Err(e) => format!("no such date: {e}"),
        };
        let input = format!("{year:04}-{month:02}-{day:02}");
        Err(TimeParseError::new(input, DATE_EXPECTED, problem))
    }

    /// The civil date.
    pub fn civil(&self) -> civil::Date {
        self.0
    }
}

/// Years before 0000 display in the expanded form `-000001`, which [`FromStr`] rejects.
impl From<civil::Date> for Date {
    fn from(date: civil::Date) -> Self {
        Date(date)
    }
}

impl From<Date> for civil::Date {
    fn from(date: Date) -> Self {
        date.0
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_date(f, self.0)
    }
}

fn parse_date(c: &mut Cursor<'_>) -> Result<civil::Date, String> {
    let year = c.digits(4, "the year")?;
    c.expect(b'-', "'-' after the year")?;
    let month = c.digits(2, "the month")?;
    c.expect(b'-', "'-' after the month")?;
    let day = c.digits(2, "the day")?;
    // The digit counts bound the values: year <= 9999, month and day <= 99.
    civil::Date::new(year as i16, month as i8, day as i8).map_err(|e| format!("no such date: {e}"))
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]`, returning the date-time and the fractional digit count.
fn parse_datetime(c: &mut Cursor<'_>) -> Result<(civil::DateTime, u8), String> {
    let date = parse_date(c)?;
    match c.peek() {
        Some(b'T') => c.pos += 1,
        Some(b't' | b' ') => {
            return Err("the date and time must be split by an uppercase 'T'".into());
        }
        _ => return Err(format!("expected 'T' and a time after the date {}", c.here())),
    }
    let hour = c.digits(2, "the hour")?;
    c.expect(b':', "':' after the hour")?;
    let minute = c.digits(2, "the minute")?;
    c.expect(b':', "':' after the minute (seconds are required)")?;
    let second = c.digits(2, "the second")?;
    if second == 60 {
        return Err("leap seconds (:60) are not supported".into());
    }
    let (mut nanos, mut frac_digits) = (0, 0_u8);
    if c.peek() == Some(b'.') {
        c.pos += 1;
        while let Some(d @ b'0'..=b'9') = c.peek() {
            if frac_digits == 9 {
                return Err("at most 9 fractional-second digits are allowed".into());
            }
            (nanos, frac_digits, c.pos) =
                (nanos * 10 + i32::from(d - b'0'), frac_digits + 1, c.pos + 1);
        }
        if frac_digits == 0 {
            return Err("'.' must be followed by 1 to 9 fractional-second digits".into());
        }
        nanos *= 10_i32.pow(9 - u32::from(frac_digits));
    }
    let time = civil::Time::new(hour as i8, minute as i8, second as i8, nanos)
        .map_err(|e| format!("no such time of day: {e}"))?;
    Ok((civil::DateTime::from_parts(date, time), frac_digits))
}

/// A position in the input. It only steps over ASCII bytes, so it stays on a char boundary.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Describes the current position for an error message.
    fn here(&self) -> String {
        match self.text.get(self.pos..).and_then(|rest| rest.chars().next()) {
            Some(ch) => format!("at byte {}, found {ch:?}", self.pos),
            None => format!("at byte {}, found the end of the text", self.pos),
        }
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<(), String> {
        if self.peek() != Some(byte) {
            return Err(format!("expected {what} {}", self.here()));
        }
        self.pos += 1;
        Ok(())
    }

    /// Exactly `n` ASCII digits (`n` <= 4, so no overflow).
    fn digits(&mut self, n: usize, what: &str) -> Result<i32, String> {
        let mut value = 0;
        for _ in 0..n {
            let Some(d @ b'0'..=b'9') = self.peek() else {
                return Err(format!("{what} must be {n} digits; {}", self.here()));
            };
            (value, self.pos) = (value * 10 + i32::from(d - b'0'), self.pos + 1);
        }
        Ok(value)
    }
}

/// The fewest of 0, 3, 6 or 9 fractional digits that hold `nanos` exactly.
fn exact_precision(nanos: i32) -> u8 {
    match nanos {
        0 => 0,
        n if n % 1_000_000 == 0 => 3,
        n if n % 1_000 == 0 => 6,
        _ => 9,
    }
}

fn write_date(f: &mut fmt::Formatter<'_>, date: civil::Date) -> fmt::Result {
    match date.year() {
        year @ 0.. => write!(f, "{year:04}")?,
        year => write!(f, "{year:+07}")?,
    }
    write!(f, "-{:02}-{:02}", date.month(), date.day())
}

fn write_datetime(f: &mut fmt::Formatter<'_>, dt: civil::DateTime, frac_digits: u8) -> fmt::Result {
    write_date(f, dt.date())?;
    write!(f, "T{:02}:{:02}:{:02}", dt.hour(), dt.minute(), dt.second())?;
    if frac_digits > 0 {
        let digits = u32::from(frac_digits.min(9));
        let frac = dt.subsec_nanosecond() / 10_i32.pow(9 - digits);
        write!(f, ".{frac:0width$}", width = digits as usize)?;
    }
    Ok(())
}

/// `FromStr` via the parser (which must consume the whole text), a `Debug` that shows the
/// wire text, and serde as the wire string.
macro_rules! wire_text {
    ($ty:ident, $parse:expr, $expected:expr) => {
        impl FromStr for $ty {
            type Err = TimeParseError;

            fn from_str(s: &str) -> Result<Self, TimeParseError> {
                let mut c = Cursor { text: s, pos: 0 };
                let value = $parse(&mut c).and_then(|value| match c.peek() {
                    None => Ok(value),
                    Some(_) => Err(format!("unexpected trailing text {}", c.here())),
                });
                value.map_err(|problem| TimeParseError::new(s, $expected, problem))
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($ty), "(\"{}\")"), self)
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str(WireVisitor::<$ty>(PhantomData, $expected))
            }
        }
    };
}

wire_text!(Timestamp, parse_timestamp, TIMESTAMP_EXPECTED);
wire_text!(NaiveTimestamp, parse_naive, NAIVE_EXPECTED);
wire_text!(UtcTimestamp, parse_utc_naive, UTC_NAIVE_EXPECTED);
wire_text!(Date, |c: &mut Cursor<'_>| parse_date(c).map(Date), DATE_EXPECTED);

/// Deserialises a `T` from a string via its `FromStr`.
struct WireVisitor<T>(PhantomData<T>, &'static str);

impl<T: FromStr<Err = TimeParseError>> serde::de::Visitor<'_> for WireVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.1)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        // Not the whole error: its input and problem quote the text, which may be personal
        // data (a date of birth); decode errors end up in logs.
        v.parse().map_err(|e: TimeParseError| E::custom(format_args!("expected {}: {}", e.expected, e.value_free_problem())))
    }
}

#[cfg(test)]
mod order_tests {
    use super::{Date, NaiveTimestamp, Timestamp};
    use std::cmp::Ordering;

    #[test]
    fn timestamps_sort_by_instant_whatever_their_offsets_and_ord_agrees_with_eq() {
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        let mut v = vec![t("2024-01-01T12:00:00+05:00"), t("2024-01-01T06:59:59Z"), t("2024-01-01T07:00:00.000Z"), t("2024-01-01T07:00:00Z"), t("2024-01-01T07:00:00+00:00")];
        v.sort();
        let shown: Vec<String> = v.iter().map(ToString::to_string).collect();
        assert_eq!(shown[0], "2024-01-01T06:59:59Z");
        assert_eq!(shown[1..4].iter().filter(|s| s.starts_with("2024-01-01T07:00:00")).count(), 3);
        assert_eq!(shown[4], "2024-01-01T12:00:00+05:00", "+05:00 at noon is 07:00Z, after 06:59:59Z, and equal in instant to the 07:00 ones");
        for a in &v {
            for b in &v {
                assert_eq!(a.cmp(b) == Ordering::Equal, a == b, "{a} vs {b}");
                assert_eq!(a.cmp(b), b.cmp(a).reverse());
            }
        }
        assert!(t("2024-01-01T07:00:00Z").same_instant(&t("2024-01-01T12:00:00+05:00")));
    }

    #[test]
    fn timestamps_convert_to_and_from_jiff() {
        let ts: Timestamp = "2021-10-26T19:43:53.123-05:30".parse().unwrap();
        let instant: jiff::Timestamp = ts.into();
        assert_eq!(instant, ts.instant());
        let zoned: jiff::Zoned = ts.into();
        assert_eq!(zoned.offset(), ts.offset());
        assert_eq!(zoned.timestamp(), instant);
        assert_eq!(Timestamp::from(instant).to_string(), "2021-10-27T01:13:53.123Z");
        let naive: NaiveTimestamp = "2023-02-16T09:14:11".parse().unwrap();
        let civil: jiff::civil::DateTime = naive.into();
        assert_eq!(NaiveTimestamp::from(civil), naive);
        let mut naives = [naive, "2023-02-16T09:14:11.0".parse().unwrap(), "2023-02-15T23:00:00".parse().unwrap()];
        naives.sort();
        assert_eq!(naives[0].to_string(), "2023-02-15T23:00:00");
        assert_eq!(naives[1].to_string(), "2023-02-16T09:14:11");
        let date: Date = "1987-01-31".parse().unwrap();
        assert_eq!(jiff::civil::Date::from(date), jiff::civil::date(1987, 1, 31));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMESTAMPS: &[&str] = &[
        "2019-02-15T15:51:39Z",
        "2016-10-13T18:07:57.000Z",
        "2021-10-26T19:43:53+00:00",
        "2021-10-26T19:43:53.123456-05:30",
        "2021-10-26T19:43:53-00:00",
        "0000-01-02T00:00:00.000000001+23:59",
    ];
    const NAIVES: &[&str] =
        &["2023-02-16T09:14:11", "2023-02-16T09:14:11.5", "2023-02-16T09:14:11.500"];
    const DATES: &[&str] = &["1987-01-31", "2024-02-29", "0000-01-01", "9999-12-31"];

    fn round_trip<T>(text: &str)
    where
        T: FromStr<Err = TimeParseError> + fmt::Display + fmt::Debug + PartialEq,
        T: serde::Serialize + serde::de::DeserializeOwned,
    {
        let value: T = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(value.to_string(), text);
        let json = serde_json::to_string(&value).unwrap();
        assert_eq!(json, format!("\"{text}\""));
        assert_eq!(serde_json::from_str::<T>(&json).unwrap(), value);
    }

    #[test]
    fn examples_round_trip_through_text_and_json() {
        TIMESTAMPS.iter().for_each(|t| round_trip::<Timestamp>(t));
        NAIVES.iter().for_each(|t| round_trip::<NaiveTimestamp>(t));
        DATES.iter().for_each(|t| round_trip::<Date>(t));
        for text in TIMESTAMPS {
            let ts: Timestamp = text.parse().unwrap();
            assert_eq!(ts.instant(), text.parse::<jiff::Timestamp>().unwrap(), "{text}");
        }
        let ts: Timestamp = "2021-10-26T19:43:53.123456-05:30".parse().unwrap();
        assert_eq!(ts.offset().seconds(), -(5 * 3600 + 30 * 60));
        let naive: NaiveTimestamp = "2023-02-16T09:14:11.5".parse().unwrap();
        assert_eq!(naive.civil(), civil::date(2023, 2, 16).at(9, 14, 11, 500_000_000));
        assert_eq!(format!("{naive:?}"), "NaiveTimestamp(\"2023-02-16T09:14:11.5\")");
    }

    #[test]
    fn utc_naive_text_is_an_instant_that_writes_back_as_received() {
        NAIVES.iter().for_each(|t| round_trip::<UtcTimestamp>(t));
        let t: UtcTimestamp = "2023-02-16T09:14:11.5".parse().unwrap();
        assert_eq!(t.instant(), "2023-02-16T09:14:11.5Z".parse::<jiff::Timestamp>().unwrap());
        assert_eq!(t.to_timestamp().to_string(), "2023-02-16T09:14:11.5Z");
        assert_eq!(t.to_naive().to_string(), "2023-02-16T09:14:11.5");
        assert_eq!(format!("{t:?}"), "UtcTimestamp(\"2023-02-16T09:14:11.5\")");
        let zoned: jiff::Zoned = t.into();
        assert_eq!((zoned.timestamp(), zoned.offset()), (t.instant(), Offset::UTC));
        // From an instant written elsewhere: the UTC wall clock, digits kept.
        let other: Timestamp = "2023-02-16T11:14:11.500+02:00".parse().unwrap();
        assert_eq!(UtcTimestamp::from(other).to_string(), "2023-02-16T09:14:11.500");
        assert_eq!(UtcTimestamp::from_jiff(t.instant()).to_string(), "2023-02-16T09:14:11.500");
        // Ordered by instant; more digits of the same instant after, agreeing with ==.
        let p = |s: &str| s.parse::<UtcTimestamp>().unwrap();
        let mut v = [p("2023-02-16T09:14:12"), p("2023-02-16T09:14:11.0"), p("2023-02-16T09:14:11")];
        v.sort();
        let shown: Vec<String> = v.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["2023-02-16T09:14:11", "2023-02-16T09:14:11.0", "2023-02-16T09:14:12"]);
        assert!(p("2023-02-16T09:14:11") != p("2023-02-16T09:14:11.0"));
    }

    #[test]
    fn utc_naive_text_refuses_an_offset_and_the_end_of_the_range() {
        for text in ["2023-02-16T09:14:11Z", "2023-02-16T09:14:11+00:00", "2023-02-16"] {
            let err = text.parse::<UtcTimestamp>().unwrap_err();
            assert_eq!(err.expected, UTC_NAIVE_EXPECTED, "{text}");
        }
        // jiff's instants end late on 9999-12-30 UTC; the wall clock goes a day further.
        let err = "9999-12-31T23:00:00".parse::<UtcTimestamp>().unwrap_err();
        assert!(err.problem.starts_with("out of range"), "{err}");
        let m = serde_json::from_str::<UtcTimestamp>("\"2031-05-07T03:04:05Z\"").unwrap_err().to_string();
        assert!(!m.contains("2031") && !m.contains("03:04"), "decode errors quote no part of the value: {m}");
    }

    #[test]
    fn same_instant_ignores_the_written_form() {
        let parse = |s: &str| s.parse::<Timestamp>().unwrap();
        let z = parse("2021-10-26T19:43:53Z");
        let (plus, minus) =
            (parse("2021-10-26T19:43:53+00:00"), parse("2021-10-26T19:43:53-00:00"));
        assert!(z != plus && plus != minus);
        for other in [plus, minus, parse("2021-10-26T21:43:53.000+02:00")] {
            assert!(z.same_instant(&other), "{other}");
        }
        assert!(!z.same_instant(&parse("2021-10-26T19:43:54Z")));
    }

    #[test]
    fn offsets_are_required_or_refused_with_a_hint() {
        let err = "2023-02-16T09:14:11".parse::<Timestamp>().unwrap_err();
        assert!(err.problem.contains("NaiveTimestamp") && err.to_string().contains("naive"));
        assert_eq!((err.input.as_str(), err.expected), ("2023-02-16T09:14:11", TIMESTAMP_EXPECTED));
        for text in ["2023-02-16T09:14:11Z", "2023-02-16T09:14:11+01:00", "2023-02-16T09:14:11-01"]
        {
            let err = text.parse::<NaiveTimestamp>().unwrap_err();
            assert!(err.problem.contains("Timestamp"), "{err}");
        }
    }

    #[test]
    fn malformed_text_is_rejected() {
        let bad_timestamps = "|garbage|2023-02-30T00:00:00Z|2023-13-01T00:00:00Z|\
            2023-02-16T24:00:00Z|2023-02-16T09:60:00Z|2023-02-16T09:14:11.1234567890Z|\
            2023-02-16T09:14:11.Z|2023-02-16t09:14:11Z|2023-02-16T09:14:11z|2023-02-16 09:14:11Z|\
            2023-02-16T09:14Z|2023-02-16T09:14:11+0100|2023-02-16T09:14:11+24:00|\
            2023-02-16T09:14:11+01:60|2023-02-16T09:14:11+01|2023-02-16T09:14:11,5Z|\
            2023-02-16T09:14:11Z | 2023-02-16T09:14:11Z|2023-2-16T09:14:11Z|+02023-02-16T09:14:11Z|\
            9999-12-31T23:59:59Z|２０２３-02-16T09:14:11Z|2023-02-16T09:14:11Ｚ|\
            2023-02-16T09:14:11Z\u{0}|é|2023-02-16T09:14:1é|2023-02-16";
        for text in bad_timestamps.split('|') {
            let err = text.parse::<Timestamp>().unwrap_err();
            assert_eq!(err.input, text);
            assert!(err.to_string().contains(TIMESTAMP_EXPECTED), "{err}");
        }
        let leap = "2016-12-31T23:59:60Z".parse::<Timestamp>().unwrap_err();
        assert!(leap.problem.contains("leap second"), "{leap}");
        let long = "2023-02-16T09:14:11.1234567890Z".parse::<Timestamp>().unwrap_err();
        assert!(long.problem.contains("9 fractional"), "{long}");
        let bad_naives =
            "|2023-02-16|2023-02-16T09:14:11.|2023-02-16T09:14:11 |2023-02-29T00:00:00";
        for text in bad_naives.split('|') {
            assert!(text.parse::<NaiveTimestamp>().is_err(), "{text}");
        }
        let bad_dates = "|1987-1-31|1987-01-31x|1987-02-29|87-01-31|1987/01/31|１９８７-01-31|\
            1987-01-31T00:00:00Z";
        for text in bad_dates.split('|') {
            assert!(text.parse::<Date>().is_err(), "{text}");
        }
    }

    #[test]
    fn prefixes_and_mutations_never_panic() {
        let subs = ["0", "9", "Z", "z", "T", "+", "-", ":", ".", "é", "", "00"];
        for text in TIMESTAMPS.iter().chain(NAIVES).chain(DATES) {
            for cut in 0..text.len() {
                assert!(text[..cut].parse::<Timestamp>().is_err(), "{}", &text[..cut]);
                for sub in subs {
                    let mutated = format!("{}{sub}{}", &text[..cut], &text[cut + 1..]);
                    reparses::<Timestamp>(&mutated);
                    reparses::<NaiveTimestamp>(&mutated);
                    reparses::<Date>(&mutated);
                }
            }
        }
    }

    /// If `text` parses as a `T`, it prints back the same.
    fn reparses<T: FromStr + fmt::Display>(text: &str) {
        if let Ok(value) = text.parse::<T>() {
            assert_eq!(value.to_string(), text);
        }
    }

    #[test]
    fn serde_errors_name_the_expected_format_and_never_the_input() {
        let msg = |r: Result<(), serde_json::Error>| r.unwrap_err().to_string();
        let m = msg(serde_json::from_str::<Timestamp>("\"2023-02-16T09:14:11\"").map(drop));
        assert!(m.contains("RFC 3339") && !m.contains("2023"), "{m}");
        let m = msg(serde_json::from_str::<Timestamp>("17").map(drop));
        assert!(m.contains("RFC 3339"), "{m}");
        let m = msg(serde_json::from_str::<NaiveTimestamp>("\"2023-02-16T09:14:11Z\"").map(drop));
        assert!(m.contains("without a UTC offset") && m.contains("use Timestamp"), "{m}");
        let m = msg(serde_json::from_str::<Date>("\"1987-1-31\"").map(drop));
        assert!(m.contains("YYYY-MM-DD") && !m.contains("1987-1-31"), "{m}");
    }

    #[test]
    fn constructors() {
        let at = |nanos| jiff::Timestamp::new(1_550_245_899, nanos).unwrap();
        let cases = [(0, ""), (120_000_000, ".120"), (123_000, ".000123"), (1, ".000000001")];
        for (nanos, frac) in cases {
            let text = Timestamp::from_jiff(at(nanos)).to_string();
            assert_eq!(text, format!("2019-02-15T15:51:39{frac}Z"));
        }
        let ist = Offset::from_seconds(5 * 3600 + 30 * 60).unwrap();
        let ts = Timestamp::with_offset(at(0), ist).unwrap();
        assert_eq!(ts.to_string(), "2019-02-15T21:21:39+05:30");
        assert!(ts.same_instant(&Timestamp::from_jiff(at(0))));
        let utc = Timestamp::with_offset(at(0), Offset::UTC).unwrap();
        assert_eq!(utc.to_string(), "2019-02-15T15:51:39+00:00");
        assert!(Timestamp::with_offset(at(0), Offset::from_seconds(30).unwrap()).is_err());
        assert!(Timestamp::with_offset(at(0), Offset::from_hours(25).unwrap()).is_err());
        let min = Timestamp::from_jiff(jiff::Timestamp::MIN).to_string();
        assert_eq!(min, "-009999-01-02T01:59:59Z");

        let naive: NaiveTimestamp = "2023-02-16T09:14:11.50".parse().unwrap();
        assert_eq!(naive.assume_utc().unwrap().to_string(), "2023-02-16T09:14:11.50Z");
        assert!("9999-12-31T00:00:00".parse::<NaiveTimestamp>().unwrap().assume_utc().is_err());
        let dt = civil::date(2023, 2, 16).at(9, 14, 11, 5_000_000);
        assert_eq!(NaiveTimestamp::from_civil(dt).to_string(), "2023-02-16T09:14:11.005");

        let date = Date::new(1987, 1, 31).unwrap();
        assert_eq!(
            (date.to_string(), date.civil()),
            ("1987-01-31".into(), civil::date(1987, 1, 31))
        );
        assert_eq!(Date::from(civil::date(1987, 1, 31)), date);
        assert!(Date::new(1987, 2, 29).is_err() && Date::new(-1, 1, 1).is_err());
        assert!(date < Date::new(1987, 2, 1).unwrap());
    }

    #[test]
    fn generated_values_round_trip() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |bound: u64| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (state >> 16) % bound
        };
        // From 0000-01-02 to 9999-12-29 UTC, so every offset keeps a 4-digit year.
        let (lo, hi) = (-62_167_132_800_i64, 253_402_041_600_i64);
        for _ in 0..600 {
            let secs = lo + next((hi - lo) as u64) as i64;
            let frac_digits = next(10) as u8;
            let nanos = next(1_000_000_000) as i32;
            let nanos = nanos - nanos % 10_i32.pow(9 - u32::from(frac_digits));
            let instant = jiff::Timestamp::new(secs, nanos).unwrap();
            let offset = Offset::from_seconds((next(2 * 1439 + 1) as i32 - 1439) * 60).unwrap();
            let style = match (offset.seconds(), next(3)) {
                (0, 0) => OffsetStyle::Zulu,
                (0, 1) => OffsetStyle::NegativeZero,
                _ => OffsetStyle::Numeric,
            };
            let ts = Timestamp { instant, offset, style, frac_digits };
            let text = ts.to_string();
            assert_eq!(text.parse::<Timestamp>(), Ok(ts), "{text}");
            assert_eq!(text.parse::<jiff::Timestamp>().unwrap(), instant, "{text}");
            let built = Timestamp::with_offset(instant, offset).unwrap();
            assert_eq!(built.to_string().parse::<Timestamp>(), Ok(built));

            let naive = NaiveTimestamp { datetime: offset.to_datetime(instant), frac_digits };
            let text = naive.to_string();
            assert_eq!(text.parse::<NaiveTimestamp>(), Ok(naive), "{text}");
            assert_eq!(text.parse::<civil::DateTime>().unwrap(), naive.civil(), "{text}");
            let date = Date(naive.civil().date());
            assert_eq!(date.to_string().parse::<Date>(), Ok(date));
        }
    }
}
