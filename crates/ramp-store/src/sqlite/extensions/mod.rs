//! `ExtensionStore` for [`SqliteStore`]: reads on the pool, writes as jobs of the group-commit
//! writer. The SQL is in one file per resource; `migrations/sqlite/007_extensions.sql` says
//! what each table holds.

mod associations;
mod invocations;
mod versions;

use async_trait::async_trait;
use ramp_domain::entities::Tags;
use ramp_domain::extensions::{AssociationFilter, Extension, ExtensionAssociation, RecordedInvocation};
use ramp_domain::store::{ExtensionRef, ExtensionStore, Listed, Result, Slice};

use super::SqliteStore;
use super::sql::json;

#[async_trait]
impl ExtensionStore for SqliteStore {
    // ---- extensions ----

    async fn create_extension(
        &self,
        new: &Extension,
        arn_base: &str,
        tags: &Tags,
        latest_version_number: Option<i64>,
        max: u64,
    ) -> Result<Extension> {
        let (new, arn_base, tags) = (new.clone(), arn_base.to_owned(), tags.clone());
        self.write(move |tx| versions::create(tx, &new, &arn_base, &tags, latest_version_number, max))
            .await
    }

    async fn extension(
        &self,
        region: &str,
        extension: &ExtensionRef,
        version: Option<i64>,
    ) -> Result<Option<Extension>> {
        self.read(|conn| versions::get(conn, region, extension, version))
    }

    async fn extensions(&self, region: &str, name: Option<&str>, slice: Slice) -> Result<Vec<Listed<Extension>>> {
        self.read(|conn| versions::list(conn, region, name, slice))
    }

    async fn update_extension(&self, extension: &Extension) -> Result<()> {
        let extension = extension.clone();
        self.write(move |tx| versions::update(tx, &extension)).await
    }

    async fn delete_extension(&self, region: &str, id: &str, version: i64, arn: &str) -> Result<()> {
        let (region, id, arn) = (region.to_owned(), id.to_owned(), arn.to_owned());
        self.write(move |tx| versions::delete(tx, &region, &id, version, &arn))
            .await
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
        let (association, arn, tags) = (association.clone(), arn.to_owned(), tags.clone());
        self.write(move |tx| associations::create(tx, &association, &doc, &arn, &tags, extension_stored, max))
            .await
    }

    async fn extension_association(&self, region: &str, id: &str) -> Result<Option<ExtensionAssociation>> {
        self.read(|conn| associations::get(conn, region, id))
    }

    async fn extension_associations(
        &self,
        region: &str,
        filter: &AssociationFilter,
        slice: Slice,
    ) -> Result<Vec<Listed<ExtensionAssociation>>> {
        self.read(|conn| associations::list(conn, region, filter, slice))
    }

    async fn associations_of(&self, region: &str, resource_arns: &[String]) -> Result<Vec<ExtensionAssociation>> {
        let resource_arns = json(&resource_arns)?;
        self.read(|conn| associations::on_resources(conn, region, &resource_arns))
    }

    async fn update_extension_association(&self, association: &ExtensionAssociation) -> Result<()> {
        let association = association.clone();
        self.write(move |tx| associations::update(tx, &association)).await
    }

    async fn delete_extension_association(&self, region: &str, id: &str, arn: &str) -> Result<()> {
        let (region, id, arn) = (region.to_owned(), id.to_owned(), arn.to_owned());
        self.write(move |tx| associations::delete(tx, &region, &id, &arn)).await
    }

    async fn delete_associations_under(&self, region: &str, resource_arn: &str) -> Result<u64> {
        let (region, resource_arn) = (region.to_owned(), resource_arn.to_owned());
        self.write(move |tx| associations::delete_under(tx, &region, &resource_arn))
            .await
    }

    // ---- invocations ----

    async fn record_invocations(&self, invocations: &[RecordedInvocation]) -> Result<()> {
        let encoded = invocations
            .iter()
            .map(|i| {
                Ok(invocations::Encoded {
                    application_id: i.application_id.clone(),
                    environment_id: i.environment_id.clone(),
                    deployment_number: i.deployment_number,
                    event_index: i.event_index,
                    invocation_id: i.invocation.invocation_id.clone(),
                    doc: json(&i.invocation)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        self.write(move |tx| invocations::record(tx, &encoded)).await
    }

    async fn invocations(
        &self,
        application_id: &str,
        environment_id: &str,
        deployment_number: i64,
    ) -> Result<Vec<RecordedInvocation>> {
        self.read(|conn| invocations::of_deployment(conn, application_id, environment_id, deployment_number))
    }
}
