//! The model's member constraints, checked on input. A violation is a 400 `BadRequestException`
//! whose message names the member and the constraint, in the words AWS front ends use
//! ("Value at 'Name' failed to satisfy constraint: ...").

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::AwsError;

fn violation(member: &str, constraint: impl std::fmt::Display) -> AwsError {
    AwsError::bad_request(format!(
        "Value at '{member}' failed to satisfy constraint: {constraint}"
    ))
}

/// A required member that is absent.
pub fn missing(member: &str) -> AwsError {
    violation(member, "Member must not be null")
}

/// `min <= chars(value) <= max`.
pub fn length(member: &str, value: &str, min: usize, max: usize) -> Result<(), AwsError> {
    let n = value.chars().count();
    if n < min {
        return Err(violation(
            member,
            format_args!("Member must have length greater than or equal to {min}"),
        ));
    }
    if n > max {
        return Err(violation(
            member,
            format_args!("Member must have length less than or equal to {max}"),
        ));
    }
    Ok(())
}

/// Optional variant of [`length`].
pub fn opt_length(member: &str, value: Option<&str>, min: usize, max: usize) -> Result<(), AwsError> {
    value.map_or(Ok(()), |v| length(member, v, min, max))
}

/// `min <= value <= max` for integers.
pub fn range(member: &str, value: i64, min: i64, max: i64) -> Result<(), AwsError> {
    if value < min {
        return Err(violation(
            member,
            format_args!("Member must have value greater than or equal to {min}"),
        ));
    }
    if value > max {
        return Err(violation(
            member,
            format_args!("Member must have value less than or equal to {max}"),
        ));
    }
    Ok(())
}

/// `min <= value <= max` for floats.
pub fn float_range(member: &str, value: f64, min: f64, max: f64) -> Result<(), AwsError> {
    if !value.is_finite() || value < min {
        return Err(violation(
            member,
            format_args!("Member must have value greater than or equal to {min:.1}"),
        ));
    }
    if value > max {
        return Err(violation(
            member,
            format_args!("Member must have value less than or equal to {max:.1}"),
        ));
    }
    Ok(())
}

/// `min <= len(items) <= max` for lists and maps.
pub fn count(member: &str, len: usize, min: usize, max: usize) -> Result<(), AwsError> {
    if len < min {
        return Err(violation(
            member,
            format_args!("Member must have length greater than or equal to {min}"),
        ));
    }
    if len > max {
        return Err(violation(
            member,
            format_args!("Member must have length less than or equal to {max}"),
        ));
    }
    Ok(())
}

/// The value must be one of the enum's values.
pub fn one_of<'a>(member: &str, value: &str, allowed: &'a [&'a str]) -> Result<(), AwsError> {
    if allowed.contains(&value) {
        return Ok(());
    }
    Err(violation(
        member,
        format_args!("Member must satisfy enum value set: [{}]", allowed.join(", ")),
    ))
}

/// A model pattern, anchored (AWS applies patterns to the whole value). Declared with
/// [`pattern!`]; each API's module declares its own.
pub struct Pattern {
    pub(crate) source: &'static str,
    pub(crate) regex: LazyLock<Regex>,
}

impl Pattern {
    pub fn check(&self, member: &str, value: &str) -> Result<(), AwsError> {
        if self.regex.is_match(value) {
            return Ok(());
        }
        Err(violation(
            member,
            format_args!("Member must satisfy regular expression pattern: {}", self.source),
        ))
    }
}

/// `pattern!(NAME, "model pattern")` declares a [`Pattern`]. Where the model's pattern uses what
/// the `regex` crate lacks (look-ahead), `pattern!(NAME, "model pattern", "equivalent")` matches
/// with the equivalent and still names the model's pattern in its message.
macro_rules! pattern {
    ($name:ident, $re:literal) => {
        $crate::validate::pattern!($name, $re, $re);
    };
    ($name:ident, $shown:literal, $re:literal) => {
        pub static $name: $crate::validate::Pattern = $crate::validate::Pattern {
            source: $shown,
            regex: std::sync::LazyLock::new(|| {
                regex::Regex::new(concat!("^(?:", $re, ")$")).expect("model pattern compiles")
            }),
        };
    };
}
pub(crate) use pattern;

pattern!(ID, "[a-z0-9]{4,7}");
pattern!(
    DEPLOYMENT_STRATEGY_ID,
    r"(^[a-z0-9]{4,7}$|^AppConfig\.[A-Za-z0-9]{9,40}$)"
);
pattern!(
    ROLE_ARN,
    r"^((arn):(aws|aws-cn|aws-iso|aws-iso-[a-z]{1}|aws-us-gov|aws-eusc):(iam)::\d{12}:role[/].*)$"
);
pattern!(
    ARN,
    r"arn:(aws[a-zA-Z-]*)?:[a-z]+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:[a-zA-Z0-9-_/:.]+"
);
pattern!(VERSION_LABEL, r".*[^0-9].*");
pattern!(CONFIGURATION_PROFILE_TYPE, r"^[a-zA-Z\.]+");

/// A resource ID label or member (`Id`: `[a-z0-9]{4,7}`).
pub fn id(member: &str, value: &str) -> Result<(), AwsError> {
    ID.check(member, value)
}

/// `TagMap` (≤ 50 entries, keys 1–128 not starting with `aws:`, values ≤ 256).
pub fn tags(member: &str, tags: &HashMap<String, String>) -> Result<(), AwsError> {
    count(member, tags.len(), 0, 50)?;
    for (key, value) in tags {
        tag_key(&format!("{member}.key"), key)?;
        length(&format!("{member}.{key}"), value, 0, 256)?;
    }
    Ok(())
}

/// A tag key: 1–128 characters, not in the reserved `aws:` namespace.
pub fn tag_key(member: &str, key: &str) -> Result<(), AwsError> {
    length(member, key, 1, 128)?;
    if key.to_ascii_lowercase().starts_with("aws:") {
        return Err(AwsError::bad_request(format!(
            "Tag key '{key}' uses the reserved prefix 'aws:'"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_member_and_constraint() {
        let e = length("Name", &"x".repeat(65), 1, 64).unwrap_err();
        assert_eq!(
            e.message,
            "Value at 'Name' failed to satisfy constraint: Member must have length less than or equal to 64"
        );
        assert!(length("Name", "", 1, 64).is_err());
        assert!(length("Name", &"é".repeat(64), 1, 64).is_ok());
        assert!(range("DeploymentDurationInMinutes", 1441, 0, 1440).is_err());
        assert!(float_range("GrowthFactor", 0.5, 1.0, 100.0).is_err());
        assert!(float_range("GrowthFactor", f64::NAN, 1.0, 100.0).is_err());
        assert!(one_of("GrowthType", "LINEAR", &["LINEAR", "EXPONENTIAL"]).is_ok());
        assert!(
            one_of("GrowthType", "linear", &["LINEAR", "EXPONENTIAL"])
                .unwrap_err()
                .message
                .contains("GrowthType")
        );
    }

    #[test]
    fn patterns_are_anchored() {
        assert!(id("ApplicationId", "abc1234").is_ok());
        assert!(id("ApplicationId", "ABC1234").is_err());
        assert!(id("ApplicationId", "abc12345").is_err());
        assert!(DEPLOYMENT_STRATEGY_ID.check("Id", "AppConfig.AllAtOnce").is_ok());
        assert!(DEPLOYMENT_STRATEGY_ID.check("Id", "AppConfig.All").is_err());
        assert!(
            ROLE_ARN
                .check("RetrievalRoleArn", "arn:aws:iam::123456789012:role/x")
                .is_ok()
        );
        assert!(
            ROLE_ARN
                .check("RetrievalRoleArn", "arn:aws:iam::123456789012:user/x")
                .is_err()
        );
        assert!(VERSION_LABEL.check("VersionLabel", "123").is_err());
        assert!(VERSION_LABEL.check("VersionLabel", "v1").is_ok());
        assert!(
            ARN.check(
                "ResourceArn",
                "arn:aws:appconfig:us-east-1:000000000000:application/abc1234"
            )
            .is_ok()
        );
        assert!(ARN.check("ResourceArn", "not-an-arn").is_err());
    }

    #[test]
    fn tags_reject_reserved_prefix_and_overflow() {
        let mut t = HashMap::new();
        t.insert("aws:x".to_owned(), "v".to_owned());
        assert!(tags("Tags", &t).is_err());
        let t: HashMap<_, _> = (0..51).map(|i| (format!("k{i}"), String::new())).collect();
        assert!(tags("Tags", &t).is_err());
    }
}
