//! The control-plane load: GetApplication (a read) and CreateHostedConfigurationVersion (a
//! durable write) against one running `ramp serve`, whatever its store. The `get` and `create`
//! parts run it on a SQLite server; the `stores` part runs the very same function on a SQLite
//! and on a PostgreSQL server, so the two stores are measured with identical requests and load.

use anyhow::ensure;
use http::Method;
use tokio::runtime::Runtime;

use crate::fixtures;
use crate::load::{self, Outcome, Settings, Template};
use crate::server::RampProcess;

/// Which of the two operations to measure.
#[derive(Clone, Copy, Debug)]
pub struct Operations {
    pub get: bool,
    pub create: bool,
}

/// What [`measure`] measured: an outcome per requested operation.
pub struct Measured {
    pub get: Option<Outcome>,
    pub create: Option<Outcome>,
}

/// Creates the fixtures on `ramp`, then runs the closed loop of each requested operation, reads
/// first: the writes grow the store, and the read should see the store as the fixtures left it.
/// `label` names the server in the progress lines.
pub fn measure(
    ramp: &RampProcess,
    operations: Operations,
    settings: Settings,
    generator: &Runtime,
    label: &str,
) -> anyhow::Result<Measured> {
    let (get, create) = generator.block_on(templates(ramp))?;
    let mut measured = Measured {
        get: None,
        create: None,
    };
    if operations.get {
        eprintln!("GetApplication ({label})…");
        measured.get = Some(generator.block_on(load::run(&load::client(), get, settings))?);
    }
    if operations.create {
        eprintln!("CreateHostedConfigurationVersion ({label})…");
        measured.create = Some(generator.block_on(load::run(&load::client(), create, settings))?);
    }
    Ok(measured)
}

/// The application and hosted profile the operations use; the GetApplication and the
/// CreateHostedConfigurationVersion templates.
async fn templates(ramp: &RampProcess) -> anyhow::Result<(Template, Template)> {
    let client = load::client();
    let application_id = fixtures::application(&client, ramp.addr, "bench").await?;
    let profile_id = fixtures::hosted_profile(&client, ramp.addr, &application_id, "p").await?;
    let get = Template::signed(Method::GET, ramp.addr, &format!("/applications/{application_id}"), None)?;
    let create = fixtures::hosted_version(ramp.addr, &application_id, &profile_id)?;
    // One of each before the clock starts: a broken template fails loudly here, not as a
    // table full of errors.
    for (template, name) in [(&get, "GetApplication"), (&create, "CreateHostedConfigurationVersion")] {
        let (status, body) = load::send_once(&client, template).await?;
        ensure!(
            status.is_success(),
            "{name} failed: {status} {}",
            String::from_utf8_lossy(&body)
        );
    }
    Ok((get, create))
}
