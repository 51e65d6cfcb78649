//! `ExtensionStore` for [`PostgresStore`]: each write one transaction that takes its locks in
//! the order its file states (extension → version → association → tags; no AppConfig or
//! Amplify row is locked by them but a deployment's, by recordings of invocations, which lock
//! nothing before it); reads on the pool. `migrations/007_extensions.sql` says what each table
//! holds.

mod associations;
mod invocations;
mod versions;

use async_trait::async_trait;
use ramp_domain::entities::Tags;
use ramp_domain::extensions::{AssociationFilter, Extension, ExtensionAssociation, RecordedInvocation};
use ramp_domain::store::{ExtensionRef, ExtensionStore, Listed, Result, Slice};

use crate::sql::json;
use crate::store::PostgresStore;

#[async_trait]
impl ExtensionStore for PostgresStore {
    // ---- extensions ----

    async fn create_extension(
        &self,
        new: &Extension,
        arn_base: &str,
        tags: &Tags,
        latest_version_number: Option<i64>,
        max: u64,
    ) -> Result<Extension> {
        transaction!(self, |conn| versions::create(
            conn,
            new,
            arn_base,
            tags,
            latest_version_number,
            max
        ))
    }

    async fn extension(
        &self,
        region: &str,
        extension: &ExtensionRef,
        version: Option<i64>,
    ) -> Result<Option<Extension>> {
        versions::get_one(&self.pool, region, extension, version).await
    }

    async fn extensions(&self, region: &str, name: Option<&str>, slice: Slice) -> Result<Vec<Listed<Extension>>> {
        versions::list(&self.pool, region, name, slice).await
    }

    async fn update_extension(&self, extension: &Extension) -> Result<()> {
        transaction!(self, |conn| versions::update(conn, extension))
    }

    async fn delete_extension(&self, region: &str, id: &str, version: i64, arn: &str) -> Result<()> {
        transaction!(self, |conn| versions::delete(conn, region, id, version, arn))
    }

    // ---- associations ----

    async fn create_extension_association(
        &self,
        association: &ExtensionAssociation,
        arn: &str,
        tags: &Tags,
        extension_stored: bool,
        max: u64,
    ) -> Result<()> {
        let doc = json(association)?;
        transaction!(self, |conn| associations::create(
            conn,
            association,
            &doc,
            arn,
            tags,
            extension_stored,
            max
        ))
    }

    async fn extension_association(&self, region: &str, id: &str) -> Result<Option<ExtensionAssociation>> {
        associations::get_one(&self.pool, region, id).await
    }

    async fn extension_associations(
        &self,
        region: &str,
        filter: &AssociationFilter,
        slice: Slice,
    ) -> Result<Vec<Listed<ExtensionAssociation>>> {
        associations::list(&self.pool, region, filter, slice).await
    }

    async fn associations_of(&self, region: &str, resource_arns: &[String]) -> Result<Vec<ExtensionAssociation>> {
        associations::on_resources(&self.pool, region, resource_arns).await
    }

    async fn update_extension_association(&self, association: &ExtensionAssociation) -> Result<()> {
        transaction!(self, |conn| associations::update(conn, association))
    }

    async fn delete_extension_association(&self, region: &str, id: &str, arn: &str) -> Result<()> {
        transaction!(self, |conn| associations::delete(conn, region, id, arn))
    }

    async fn delete_associations_under(&self, region: &str, resource_arn: &str) -> Result<u64> {
        transaction!(self, |conn| associations::delete_under(conn, region, resource_arn))
    }

    // ---- invocations ----

    async fn record_invocations(&self, invocations: &[RecordedInvocation]) -> Result<()> {
        transaction!(self, |conn| invocations::record(conn, invocations))
    }

    async fn invocations(
        &self,
        application_id: &str,
        environment_id: &str,
        deployment_number: i64,
    ) -> Result<Vec<RecordedInvocation>> {
        invocations::of_deployment(&self.pool, application_id, environment_id, deployment_number).await
    }
}
