//! When the request says it was signed, and whether that is close enough to now.

use http::HeaderMap;
use ramp_clock::Timestamp;

use crate::MAX_CLOCK_SKEW_MILLIS;
use crate::error::Error;

/// The request time as `20150830T123600Z` (what the string to sign carries) and as a timestamp.
///
/// SDKs always send `x-amz-date`; the RFC 1123 `Date` header is the fallback SigV4 allows.
pub(crate) fn request_time(headers: &HeaderMap) -> Result<(String, Timestamp), Error> {
    if let Some(value) = headers.get("x-amz-date") {
        let text = value.to_str().unwrap_or_default().trim();
        return Timestamp::parse_amz_date(text)
            .map(|time| (text.to_owned(), time))
            .ok_or_else(|| {
                Error::Incomplete(format!(
                    "X-Amz-Date must be in the ISO-8601 basic format yyyyMMdd'T'HHmmss'Z', got '{text}'"
                ))
            });
    }
    if let Some(value) = headers.get(http::header::DATE) {
        let text = value.to_str().unwrap_or_default().trim();
        return parse_http_date(text)
            .map(|time| (time.to_amz_date(), time))
            .ok_or_else(|| {
                Error::Incomplete(format!(
                    "Date must be in the RFC 1123 format, e.g. 'Sun, 30 Aug 2015 12:36:00 GMT', got '{text}'"
                ))
            });
    }
    Err(Error::Incomplete(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.".to_owned(),
    ))
}

/// Parses the RFC 1123 form `Sun, 30 Aug 2015 12:36:00 GMT` by rewriting it as an amz date.
fn parse_http_date(text: &str) -> Option<Timestamp> {
    let fields: Vec<&str> = text.split_ascii_whitespace().collect();
    let [_weekday, day, month, year, time, "GMT"] = fields.as_slice() else {
        return None;
    };
    let month = match *month {
        "Jan" => "01",
        "Feb" => "02",
        "Mar" => "03",
        "Apr" => "04",
        "May" => "05",
        "Jun" => "06",
        "Jul" => "07",
        "Aug" => "08",
        "Sep" => "09",
        "Oct" => "10",
        "Nov" => "11",
        "Dec" => "12",
        _ => return None,
    };
    let clock: Vec<&str> = time.split(':').collect();
    let [hour, minute, second] = clock.as_slice() else {
        return None;
    };
    if day.len() != 2 || year.len() != 4 || [hour, minute, second].iter().any(|part| part.len() != 2) {
        return None;
    }
    Timestamp::parse_amz_date(&format!("{year}{month}{day}T{hour}{minute}{second}Z"))
}

/// The scope date must be the request's own day, or the signature was made for another day.
pub(crate) fn check_scope_date(scope_date: &str, amz_date: &str) -> Result<(), Error> {
    let request_day = amz_date.get(..8).unwrap_or(amz_date);
    if scope_date == request_day {
        Ok(())
    } else {
        Err(Error::Incomplete(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: \
             '{scope_date}' != '{request_day}', from '{amz_date}'."
        )))
    }
}

/// Bounds replay of a captured request to the skew window, in AWS's words.
pub(crate) fn check_skew(amz_date: &str, request: Timestamp, now: Timestamp) -> Result<(), Error> {
    let earliest = now.plus_millis(-MAX_CLOCK_SKEW_MILLIS);
    let latest = now.plus_millis(MAX_CLOCK_SKEW_MILLIS);
    let now_text = now.to_amz_date();
    if request < earliest {
        return Err(Error::Expired(format!(
            "Signature expired: {amz_date} is now earlier than {} ({now_text} - 15 min.)",
            earliest.to_amz_date()
        )));
    }
    if request > latest {
        return Err(Error::Expired(format!(
            "Signature not yet current: {amz_date} is still later than {} ({now_text} + 15 min.)",
            latest.to_amz_date()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_date_fallback() {
        let mut headers = HeaderMap::new();
        headers.insert("date", "Sun, 30 Aug 2015 12:36:00 GMT".parse().unwrap());
        let (text, time) = request_time(&headers).unwrap();
        assert_eq!(text, "20150830T123600Z");
        assert_eq!(Some(time), Timestamp::parse_amz_date("20150830T123600Z"));

        headers.insert("date", "Sun, 30 Foo 2015 12:36:00 GMT".parse().unwrap());
        assert!(matches!(request_time(&headers), Err(Error::Incomplete(_))));

        // x-amz-date wins over Date.
        headers.insert("x-amz-date", "20150831T000000Z".parse().unwrap());
        assert_eq!(request_time(&headers).unwrap().0, "20150831T000000Z");
    }

    #[test]
    fn missing_or_malformed_date() {
        let Err(Error::Incomplete(message)) = request_time(&HeaderMap::new()) else {
            panic!("a request without a date must be incomplete");
        };
        assert!(message.contains("'X-Amz-Date' or a 'Date' header"), "{message}");

        let mut headers = HeaderMap::new();
        headers.insert("x-amz-date", "2015-08-30T12:36:00Z".parse().unwrap());
        let Err(Error::Incomplete(message)) = request_time(&headers) else {
            panic!("an extended-format date must be refused");
        };
        assert!(message.contains("X-Amz-Date"), "{message}");
    }
}
