//! Builds the object_store behind a [`Blobs`](crate::Blobs): a local directory or an
//! S3-compatible bucket. Nothing here does I/O on blobs; `open` checks reachability afterwards.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::prefix::PrefixStore;
use object_store::{BackoffConfig, ObjectStore, RetryConfig};

use crate::error::{Error, chain};
use crate::location::{S3Location, S3Options};

/// An opened store and the one-line description its errors and logs carry.
pub(crate) struct Backend {
    pub store: Arc<dyn ObjectStore>,
    pub description: String,
}

/// A store rooted at `path`, which is created if missing.
pub(crate) async fn directory(path: PathBuf) -> Result<Backend, Error> {
    let shown = path.clone();
    let opened = tokio::task::spawn_blocking(move || {
        let error = |cause: String| Error::Directory {
            path: path.clone(),
            cause,
        };
        std::fs::create_dir_all(&path).map_err(|e| error(e.to_string()))?;
        // Blobs back answers ramp has already given (a finished deployment serves them), so a
        // write must be on disk before it returns, as the SQLite store's commits are.
        let store = LocalFileSystem::new_with_prefix(&path)
            .map_err(|e| error(chain(&e)))?
            .with_fsync(true);
        // Shown canonical, so two nodes' logs can be compared.
        let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        Ok(Backend {
            store: Arc::new(store),
            description: canonical.display().to_string(),
        })
    });
    opened.await.map_err(|e| Error::Directory {
        path: shown,
        cause: format!("the opening task failed: {e}"),
    })?
}

/// A store on `location`'s bucket (under its prefix, if any), reached as `options` say.
pub(crate) fn s3(location: &S3Location, options: &S3Options) -> Result<Backend, Error> {
    let (s3, description) = bucket_client(location.bucket(), options, &location.to_string())?;
    let store: Arc<dyn ObjectStore> = match location.prefix() {
        Some(prefix) => Arc::new(PrefixStore::new(s3, prefix)),
        None => Arc::new(s3),
    };
    Ok(Backend { store, description })
}

/// A client for `bucket` reached as `options` say, with the one-line description its errors
/// carry (`shown`, plus the endpoint when it is not AWS's). The blob store and Amplify's
/// `s3://` deploy sources both open buckets through here.
pub fn bucket_client(bucket: &str, options: &S3Options, shown: &str) -> Result<(AmazonS3, String), Error> {
    // Static keys from ramp's settings stand alone; without them the builder reads the usual
    // `AWS_*` variables, which also cover session tokens, web identity and container roles.
    let mut builder = match (&options.access_key_id, &options.secret_access_key) {
        (Some(key), Some(secret)) => AmazonS3Builder::new()
            .with_access_key_id(key)
            .with_secret_access_key(secret),
        (None, None) => AmazonS3Builder::from_env(),
        _ => {
            return Err(Error::Config {
                backend: shown.to_owned(),
                reason: "an S3 access key ID and secret access key must be given together".to_owned(),
            });
        }
    };
    builder = builder.with_bucket_name(bucket).with_retry(retry());
    if let Some(region) = &options.region {
        builder = builder.with_region(region);
    }

    // The endpoint from the options wins over the environment's (`AWS_ENDPOINT_URL_S3` would
    // otherwise take precedence inside the builder).
    let endpoint = options
        .endpoint
        .clone()
        .or_else(|| builder.get_config_value(&AmazonS3ConfigKey::S3Endpoint))
        .or_else(|| builder.get_config_value(&AmazonS3ConfigKey::Endpoint));
    let description = match &endpoint {
        Some(endpoint) => format!("{shown} at {endpoint}"),
        None => shown.to_owned(),
    };
    let config_error = |reason: String| Error::Config {
        backend: description.clone(),
        reason,
    };
    match &endpoint {
        Some(endpoint) => {
            let virtual_hosted = options.virtual_hosted_style.unwrap_or(false);
            let request_endpoint = endpoint_for(endpoint, bucket, virtual_hosted).map_err(config_error)?;
            builder = builder
                .with_endpoint(&request_endpoint)
                .with_config(AmazonS3ConfigKey::S3Endpoint, &request_endpoint)
                .with_virtual_hosted_style_request(virtual_hosted)
                .with_allow_http(request_endpoint.starts_with("http://"));
        }
        None => {
            builder = builder.with_virtual_hosted_style_request(options.virtual_hosted_style.unwrap_or(true));
        }
    }
    let s3 = builder.build().map_err(|e| config_error(chain(&e)))?;
    Ok((s3, description))
}

/// The URL object_store sends requests to. With a custom endpoint and virtual-hosted style,
/// object_store expects the bucket already in the host name, so it is added here.
fn endpoint_for(endpoint: &str, bucket: &str, virtual_hosted: bool) -> Result<String, String> {
    let Some((scheme, rest)) = endpoint.split_once("://") else {
        return Err(format!(
            "the S3 endpoint {endpoint:?} is not a URL (http://host:port or https://host)"
        ));
    };
    let rest = rest.trim_end_matches('/');
    if !matches!(scheme, "http" | "https") || rest.is_empty() || rest.starts_with('/') {
        return Err(format!(
            "the S3 endpoint {endpoint:?} must be an http:// or https:// URL with a host"
        ));
    }
    Ok(if virtual_hosted {
        format!("{scheme}://{bucket}.{rest}")
    } else {
        format!("{scheme}://{rest}")
    })
}

/// object_store's default retries for up to three minutes, which would hold a visitor's
/// request (or ramp's start-up) that long while the service is down. A few quick retries ride
/// out a blip; anything longer is better reported.
fn retry() -> RetryConfig {
    RetryConfig {
        backoff: BackoffConfig {
            init_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
            base: 2.0,
        },
        max_retries: 3,
        retry_timeout: Duration::from_secs(15),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_hosted_style_puts_the_bucket_in_the_endpoint_host() {
        assert_eq!(
            endpoint_for("http://minio:9000/", "b", false).unwrap(),
            "http://minio:9000"
        );
        assert_eq!(
            endpoint_for("https://s3.example.com", "b", true).unwrap(),
            "https://b.s3.example.com"
        );
        assert!(
            endpoint_for("minio:9000", "b", false)
                .unwrap_err()
                .contains("not a URL")
        );
        assert!(
            endpoint_for("ftp://minio", "b", false)
                .unwrap_err()
                .contains("http:// or https://")
        );
        assert!(endpoint_for("http://", "b", false).unwrap_err().contains("with a host"));
    }

    #[test]
    fn half_a_key_pair_is_a_configuration_error() {
        let location = S3Location::new("bucket", None).unwrap();
        let options = S3Options {
            access_key_id: Some("AKID".into()),
            ..S3Options::default()
        };
        let Err(error) = s3(&location, &options) else {
            panic!("half a key pair was accepted")
        };
        assert_eq!(
            error.to_string(),
            "blob store s3://bucket: an S3 access key ID and secret access key must be given together"
        );
    }
}
