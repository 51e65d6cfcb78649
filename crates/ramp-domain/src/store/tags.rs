//! Tags, by resource ARN: shared by every service ramp hosts (`/tags/{ResourceArn}` names the
//! resource by ARN whatever its service).

use async_trait::async_trait;

use super::Result;
use crate::entities::Tags;

#[async_trait]
pub trait TagStore: Send + Sync + 'static {
    async fn tags(&self, arn: &str) -> Result<Tags>;
    /// Adds or replaces tags; fails with `QuotaExceeded` when the resource would carry more than `max`.
    async fn tag(&self, arn: &str, tags: &Tags, max: usize) -> Result<()>;
    async fn untag(&self, arn: &str, keys: &[String]) -> Result<()>;
}
