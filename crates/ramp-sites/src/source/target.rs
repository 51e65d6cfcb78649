//! Vetting one URL of a `sourceUrl` fetch (the given one and each redirect) before anything
//! connects to it: scheme, credentials, and the addresses its host stands for (spec
//! amplify.md §11.4). The addresses found here are the only ones the request may use, so a
//! host name that resolves differently a moment later (DNS rebinding) changes nothing.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use futures::future::BoxFuture;
use url::{Host, Url};

use super::address::restriction;
use super::error::{SourceError, Subject};

/// Looks up a host name's addresses. The system's resolver in production; tests substitute
/// their own to reach the redirect checks without a real DNS.
pub(crate) trait Resolver: Send + Sync {
    fn lookup<'a>(&'a self, host: &'a str, port: u16) -> BoxFuture<'a, io::Result<Vec<IpAddr>>>;
}

/// The operating system's resolver (getaddrinfo, on a blocking thread).
pub(crate) struct SystemResolver;

impl Resolver for SystemResolver {
    fn lookup<'a>(&'a self, host: &'a str, port: u16) -> BoxFuture<'a, io::Result<Vec<IpAddr>>> {
        Box::pin(async move {
            let found = tokio::net::lookup_host((host, port)).await?;
            Ok(found.map(|address| address.ip()).collect())
        })
    }
}

/// What may be connected to.
#[derive(Clone)]
pub(crate) struct Guard {
    pub resolver: Arc<dyn Resolver>,
    pub allow_private: bool,
    /// Addresses let through although restricted: only tests use it, to allow their local
    /// server while everything else is checked as in production.
    pub trusted: Vec<IpAddr>,
}

/// A URL that passed the checks, and where to connect for it.
#[derive(Debug)]
pub(crate) struct Vetted {
    /// The host name to pin to `addresses`; `None` for an IP literal, which is connected to
    /// as written (it was checked itself).
    pub domain: Option<String>,
    pub addresses: Vec<SocketAddr>,
}

impl Guard {
    pub fn system(allow_private: bool) -> Guard {
        Guard {
            resolver: Arc::new(SystemResolver),
            allow_private,
            trusted: Vec::new(),
        }
    }

    /// Checks `url` (the given one or a redirect, as `subject` says) and returns where to
    /// connect for it.
    pub async fn vet(&self, url: &Url, subject: Subject) -> Result<Vetted, SourceError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(SourceError::UnsupportedScheme {
                subject,
                scheme: url.scheme().to_owned(),
            });
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(SourceError::Credentials { subject });
        }
        let port = url.port_or_known_default().unwrap_or(80);
        // The `url` crate has already turned `127.1`, `0x7f000001` and other spellings of an
        // IPv4 address into the address itself (WHATWG URL rules), so they are checked here.
        let (domain, addresses) = match url.host() {
            Some(Host::Ipv4(v4)) => (None, vec![IpAddr::V4(v4)]),
            Some(Host::Ipv6(v6)) => (None, vec![IpAddr::V6(v6)]),
            Some(Host::Domain(name)) => (Some(name.to_owned()), self.resolve(name, port, subject).await?),
            None => {
                return Err(SourceError::InvalidUrl {
                    reason: "it has no host".to_owned(),
                });
            }
        };
        let host = url.host_str().unwrap_or_default();
        for &address in &addresses {
            self.check(host, address, domain.is_some(), subject)?;
        }
        Ok(Vetted {
            domain,
            addresses: addresses.into_iter().map(|ip| SocketAddr::new(ip, port)).collect(),
        })
    }

    async fn resolve(&self, name: &str, port: u16, subject: Subject) -> Result<Vec<IpAddr>, SourceError> {
        let unresolvable = |cause: String| SourceError::Unresolvable {
            subject,
            host: name.to_owned(),
            cause,
        };
        let addresses = self
            .resolver
            .lookup(name, port)
            .await
            .map_err(|e| unresolvable(e.to_string()))?;
        if addresses.is_empty() {
            return Err(unresolvable("it has no addresses".to_owned()));
        }
        Ok(addresses)
    }

    /// Refuses a restricted address. With a name that resolves to several addresses, one
    /// restricted address refuses the whole host: its owner controls which one is used.
    fn check(&self, host: &str, address: IpAddr, resolved: bool, subject: Subject) -> Result<(), SourceError> {
        if self.allow_private || self.trusted.contains(&address) {
            return Ok(());
        }
        match restriction(address) {
            None => Ok(()),
            Some(restriction) => Err(SourceError::RefusedAddress {
                subject,
                host: host.to_owned(),
                resolved_to: resolved.then_some(address),
                restriction,
            }),
        }
    }
}
