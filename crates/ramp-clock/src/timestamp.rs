use std::fmt;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A point in time as milliseconds since the Unix epoch: how ramp stores time
/// (DESIGN.md "Storage": timestamps as epoch milliseconds). Serializes as that integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    pub const fn from_millis(millis: i64) -> Self {
        Self(millis)
    }

    pub const fn millis(self) -> i64 {
        self.0
    }

    pub fn plus_millis(self, millis: i64) -> Self {
        Self(self.0.saturating_add(millis))
    }

    pub fn plus_minutes(self, minutes: i64) -> Self {
        self.plus_millis(minutes.saturating_mul(60_000))
    }

    fn as_offset_date_time(self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// ISO-8601 with milliseconds and `Z`, as AppConfig serializes `Iso8601DateTime`
    /// (spec/appconfig.md §1 "Timestamps"): `2021-09-17T21:43:54.205Z`.
    pub fn to_iso8601(self) -> String {
        let t = self.as_offset_date_time();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.millisecond()
        )
    }

    /// Parses an RFC 3339 / ISO-8601 timestamp.
    pub fn parse_iso8601(text: &str) -> Option<Self> {
        let t = OffsetDateTime::parse(text, &Rfc3339).ok()?;
        Some(Self((t.unix_timestamp_nanos() / 1_000_000) as i64))
    }

    /// The SigV4 basic format `20150830T123600Z`.
    pub fn to_amz_date(self) -> String {
        let t = self.as_offset_date_time();
        format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    }

    /// Parses the SigV4 basic format `20150830T123600Z`.
    pub fn parse_amz_date(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let s = text.get(r)?;
            if !s.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            s.parse().ok()
        };
        let month = time::Month::try_from(u8::try_from(num(4..6)?).ok()?).ok()?;
        let date =
            time::Date::from_calendar_date(i32::try_from(num(0..4)?).ok()?, month, u8::try_from(num(6..8)?).ok()?)
                .ok()?;
        let clock = time::Time::from_hms(
            u8::try_from(num(9..11)?).ok()?,
            u8::try_from(num(11..13)?).ok()?,
            u8::try_from(num(13..15)?).ok()?,
        )
        .ok()?;
        let t = time::PrimitiveDateTime::new(date, clock).assume_utc();
        Some(Self(t.unix_timestamp() * 1000))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso8601())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_appconfig() {
        let t = Timestamp::parse_iso8601("2021-09-17T21:43:54.205Z").unwrap();
        assert_eq!(t.to_iso8601(), "2021-09-17T21:43:54.205Z");
        assert_eq!(Timestamp::from_millis(0).to_iso8601(), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn amz_date_round_trips_and_rejects_garbage() {
        let t = Timestamp::parse_amz_date("20150830T123600Z").unwrap();
        assert_eq!(t.to_amz_date(), "20150830T123600Z");
        assert_eq!(t.to_iso8601(), "2015-08-30T12:36:00.000Z");
        for bad in [
            "",
            "20150830T123600",
            "2015083xT123600Z",
            "20151330T123600Z",
            "20150830T996600Z",
            "20150830T123600Zz",
        ] {
            assert!(Timestamp::parse_amz_date(bad).is_none(), "{bad}");
        }
    }
}
