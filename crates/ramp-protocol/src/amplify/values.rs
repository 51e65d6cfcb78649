//! The value types of Amplify's members: the model's enums, sensitive strings and epoch-seconds
//! timestamps. Shared by [`inputs`](super::inputs) and [`shapes`](super::shapes).

use std::fmt;

use ramp_clock::Timestamp;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Declares a model enum: its variants with their wire values, `ALL`, `as_str`, `from_wire`, and
/// serde impls that read and write the wire value. A value outside the set fails to deserialize
/// with the constraint's words, so the body parser names the member ("Invalid value for
/// stage: Member must satisfy enum value set: [...]").
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            const WIRE: &'static [&'static str] = &[$($wire),+];

            /// The value on the wire.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            /// The variant whose wire value is `value`.
            pub fn from_wire(value: &str) -> Option<Self> {
                match value { $($wire => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                Self::from_wire(&value).ok_or_else(|| {
                    serde::de::Error::custom(format_args!(
                        "Member must satisfy enum value set: [{}]",
                        Self::WIRE.join(", ")
                    ))
                })
            }
        }
    };
}

wire_enum!(Platform { Web = "WEB", WebDynamic = "WEB_DYNAMIC", WebCompute = "WEB_COMPUTE" });
wire_enum!(
    /// A branch's stage. A branch without one answers `"NONE"` (spec amplify.md §1.4): see
    /// [`shapes::Branch::stage`](super::shapes::Branch::stage).
    Stage {
        Production = "PRODUCTION",
        Beta = "BETA",
        Development = "DEVELOPMENT",
        Experimental = "EXPERIMENTAL",
        PullRequest = "PULL_REQUEST",
    }
);
wire_enum!(JobType { Release = "RELEASE", Retry = "RETRY", Manual = "MANUAL", WebHook = "WEB_HOOK" });
wire_enum!(
    /// A job's or a step's status (spec amplify.md §7.1).
    JobStatus {
        Created = "CREATED",
        Pending = "PENDING",
        Provisioning = "PROVISIONING",
        Running = "RUNNING",
        Failed = "FAILED",
        Succeed = "SUCCEED",
        Cancelling = "CANCELLING",
        Cancelled = "CANCELLED",
    }
);
wire_enum!(SourceUrlType { Zip = "ZIP", BucketPrefix = "BUCKET_PREFIX" });
wire_enum!(DomainStatus {
    PendingVerification = "PENDING_VERIFICATION",
    InProgress = "IN_PROGRESS",
    Available = "AVAILABLE",
    ImportingCustomCertificate = "IMPORTING_CUSTOM_CERTIFICATE",
    PendingDeployment = "PENDING_DEPLOYMENT",
    AwaitingAppCname = "AWAITING_APP_CNAME",
    Failed = "FAILED",
    Creating = "CREATING",
    RequestingCertificate = "REQUESTING_CERTIFICATE",
    Updating = "UPDATING",
});
wire_enum!(UpdateStatus {
    RequestingCertificate = "REQUESTING_CERTIFICATE",
    PendingVerification = "PENDING_VERIFICATION",
    ImportingCustomCertificate = "IMPORTING_CUSTOM_CERTIFICATE",
    PendingDeployment = "PENDING_DEPLOYMENT",
    AwaitingAppCname = "AWAITING_APP_CNAME",
    UpdateComplete = "UPDATE_COMPLETE",
    UpdateFailed = "UPDATE_FAILED",
});
wire_enum!(CertificateType { AmplifyManaged = "AMPLIFY_MANAGED", Custom = "CUSTOM" });
wire_enum!(CacheConfigType {
    AmplifyManaged = "AMPLIFY_MANAGED",
    AmplifyManagedNoCookies = "AMPLIFY_MANAGED_NO_COOKIES",
});
wire_enum!(BuildComputeType {
    Standard8Gb = "STANDARD_8GB",
    Large16Gb = "LARGE_16GB",
    Xlarge72Gb = "XLARGE_72GB",
});
wire_enum!(RepositoryCloneMethod { Ssh = "SSH", Token = "TOKEN", Sigv4 = "SIGV4" });
wire_enum!(WafStatus {
    Associating = "ASSOCIATING",
    AssociationFailed = "ASSOCIATION_FAILED",
    AssociationSuccess = "ASSOCIATION_SUCCESS",
    Disassociating = "DISASSOCIATING",
    DisassociationFailed = "DISASSOCIATION_FAILED",
});

/// A member the model marks `sensitive` (basic-auth credentials, OAuth and access tokens, build
/// specs): the value itself on the wire, redacted from `Debug` so it never reaches a log.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sensitive(String);

impl Sensitive {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself: for storing it or answering with it, never for logging.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl From<String> for Sensitive {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sensitive(***)")
    }
}

/// Timestamps as restJson1 sends them without a `timestampFormat`: epoch seconds as a JSON number,
/// fractions allowed (spec amplify.md §1.1). Whole seconds are written as integers.
/// Use with `#[serde(with = "epoch_seconds")]`; [`epoch_seconds::option`] for optional members.
pub mod epoch_seconds {
    use super::*;

    /// 9999-12-31T23:59:59Z: beyond it no client means a real time.
    const MAX_SECONDS: f64 = 253_402_300_799.0;

    pub fn serialize<S: Serializer>(time: &Timestamp, serializer: S) -> Result<S::Ok, S::Error> {
        let millis = time.millis();
        if millis % 1000 == 0 {
            serializer.serialize_i64(millis / 1000)
        } else {
            serializer.serialize_f64(millis as f64 / 1000.0)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
        let seconds = f64::deserialize(deserializer)?;
        if !(0.0..=MAX_SECONDS).contains(&seconds) {
            return Err(serde::de::Error::custom(format_args!(
                "a timestamp must be epoch seconds between 0 and {MAX_SECONDS}"
            )));
        }
        // In range, so the product fits an i64 exactly enough for milliseconds.
        Ok(Timestamp::from_millis((seconds * 1000.0).round() as i64))
    }

    /// The same for an optional member (pair it with `skip_serializing_if = "Option::is_none"`
    /// and `default`).
    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(time: &Option<Timestamp>, serializer: S) -> Result<S::Ok, S::Error> {
            match time {
                Some(time) => super::serialize(time, serializer),
                None => serializer.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Timestamp>, D::Error> {
            #[derive(Deserialize)]
            struct Wrapped(#[serde(with = "super")] Timestamp);
            Ok(Option::<Wrapped>::deserialize(deserializer)?.map(|Wrapped(t)| t))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn enums_use_their_wire_values() {
        assert_eq!(serde_json::to_value(Stage::PullRequest).unwrap(), json!("PULL_REQUEST"));
        assert_eq!(
            serde_json::from_value::<JobType>(json!("WEB_HOOK")).unwrap(),
            JobType::WebHook
        );
        assert_eq!(JobStatus::from_wire("SUCCEED"), Some(JobStatus::Succeed));
        assert_eq!(JobStatus::from_wire("succeed"), None);
        for status in DomainStatus::ALL {
            assert_eq!(DomainStatus::from_wire(status.as_str()), Some(*status));
        }
        let err = serde_json::from_value::<Platform>(json!("WEB_SSR")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Member must satisfy enum value set: [WEB, WEB_DYNAMIC, WEB_COMPUTE]"
        );
    }

    #[test]
    fn sensitive_values_are_redacted_from_debug_only() {
        let secret = Sensitive::new("dXNlcjpwYXNz");
        assert!(!format!("{secret:?}").contains("dXNlcjpwYXNz"));
        assert_eq!(serde_json::to_value(&secret).unwrap(), json!("dXNlcjpwYXNz"));
        assert_eq!(secret.expose(), "dXNlcjpwYXNz");
    }

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Times {
        #[serde(with = "epoch_seconds")]
        at: Timestamp,
        #[serde(default, with = "epoch_seconds::option", skip_serializing_if = "Option::is_none")]
        end: Option<Timestamp>,
    }

    #[test]
    fn timestamps_are_epoch_seconds_numbers() {
        let times = Times {
            at: Timestamp::from_millis(1_717_000_000_000),
            end: Some(Timestamp::from_millis(1_717_000_000_123)),
        };
        let value = serde_json::to_value(&times).unwrap();
        assert_eq!(value, json!({ "at": 1_717_000_000, "end": 1_717_000_000.123 }));
        assert_eq!(serde_json::from_value::<Times>(value).unwrap(), times);
        let only = Times {
            at: Timestamp::from_millis(0),
            end: None,
        };
        assert_eq!(serde_json::to_value(&only).unwrap(), json!({ "at": 0 }));
        assert!(serde_json::from_value::<Times>(json!({ "at": -1 })).is_err());
        assert!(serde_json::from_value::<Times>(json!({ "at": "2024-01-01T00:00:00Z" })).is_err());
        assert!(serde_json::from_value::<Times>(json!({ "at": 1e300 })).is_err());
    }
}
