//! [`Amplify`]: the Amplify Hosting control plane, one method per operation (grouped by
//! resource in the sibling modules). Each method checks what the wire layer cannot know
//! (references, states, quotas) and makes one atomic store call.

use std::sync::Arc;

use ramp_clock::{SharedClock, Timestamp};

use crate::error::Result;
use crate::page::PageTokens;
use crate::store::{self, Store};

/// Limits of spec/amplify.md §6.5, each configurable.
#[derive(Debug, Clone)]
pub struct Quotas {
    /// Apps per region. AWS's default is 25 and adjustable; ramp allows more by default so a
    /// test suite that never deletes its apps keeps working (README "Amplify Hosting").
    pub apps: u64,
    /// Branches per app (AWS: 50, not adjustable).
    pub branches_per_app: u64,
}

impl Default for Quotas {
    fn default() -> Self {
        Self {
            apps: 1000,
            branches_per_app: 50,
        }
    }
}

/// How long a job made by CreateDeployment waits for StartDeployment (spec §6.2: 8 hours).
pub const UPLOAD_WINDOW_MILLIS: i64 = 8 * 3600 * 1000;

/// Tags per resource (model: at most 50).
pub(super) const MAX_TAGS: usize = 50;

/// Default and largest page of the Amplify List operations that allow 100 (ListApps) and 50
/// (the others); `maxResults` 0 or absent means the largest (spec §1.1).
pub(super) const MAX_APPS_PAGE: i64 = 100;
pub(super) const MAX_PAGE: i64 = 50;

pub struct Amplify {
    pub(super) store: Arc<dyn Store>,
    pub(super) clock: SharedClock,
    pub(super) quotas: Quotas,
    pages: PageTokens,
    links: super::links::Links,
    /// The sites domain: an app's `defaultDomain` is `{appId}.{sites_domain}` (spec §8.1).
    pub(super) sites_domain: String,
}

impl Amplify {
    /// Builds the service; the page-token key comes from the store like AppConfig's, so tokens
    /// survive restarts and every node accepts the others'.
    pub async fn new(store: Arc<dyn Store>, clock: SharedClock, quotas: Quotas, sites_domain: String) -> Result<Self> {
        let key = store.secret("page-token-key", &crate::ids::new_secret()).await?;
        let link_key = store.secret("amplify-link-key", &crate::ids::new_secret()).await?;
        Ok(Self {
            store,
            clock,
            quotas,
            pages: PageTokens::new(key),
            links: super::links::Links::new(&link_key),
            sites_domain,
        })
    }

    /// Now on ramp's clock: what jobs, links' expiry and the access log are stamped with.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The signer of the links this service's answers carry (upload URLs, downloads).
    pub fn links(&self) -> &super::links::Links {
        &self.links
    }

    pub fn sites_domain(&self) -> &str {
        &self.sites_domain
    }

    /// `{appId}.{sites domain}`: where the app's branches are served.
    pub fn default_domain(&self, app_id: &str) -> String {
        format!("{app_id}.{}", self.sites_domain)
    }

    /// One page of list `list`; `maxResults` 0 or absent is the largest page `max` (spec §1.1).
    pub(super) async fn paged<T, F, Fut>(
        &self,
        list: &str,
        max: i64,
        max_results: Option<i64>,
        next_token: Option<&str>,
        fetch: F,
    ) -> Result<(Vec<T>, Option<String>)>
    where
        F: FnOnce(store::Slice) -> Fut,
        Fut: Future<Output = store::Result<Vec<store::Listed<T>>>>,
    {
        let size = match max_results {
            Some(n) if n > 0 => n.min(max),
            _ => max,
        };
        let slice = self.pages.slice(list, Some(size), next_token)?;
        // The shared page tokens cap pages at AppConfig's 50; ListApps allows 100.
        let limit = usize::try_from(size).unwrap_or(slice.limit);
        let listed = fetch(store::Slice {
            after: slice.after,
            limit: limit + 1,
        })
        .await?;
        Ok(self.pages.page(list, listed, limit))
    }
}
