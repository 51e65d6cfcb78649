//! Names or IDs, everywhere: what the user typed, matched against the List* operations (every
//! page), and the lists themselves. An ID wins over a name; a name two resources share is refused with their IDs, since
//! AppConfig does not keep names unique.

use aws_sdk_appconfig::types::{DeploymentStrategy, DeploymentSummary};

use super::api::Call;

/// A resource the user named: its ID and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub id: String,
    pub name: String,
}

pub async fn application(client: &aws_sdk_appconfig::Client, given: &str) -> anyhow::Result<Named> {
    pick("application", given, applications(client).await?, "")
}

/// Every application.
pub async fn applications(client: &aws_sdk_appconfig::Client) -> anyhow::Result<Vec<Named>> {
    let items = client
        .list_applications()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .call("ListApplications")?;
    Ok(items.iter().map(|a| named(a.id(), a.name())).collect())
}

/// An application and one of its environments, as `--app` and `--env` name them.
pub async fn application_and_environment(
    client: &aws_sdk_appconfig::Client,
    app: &str,
    env: &str,
) -> anyhow::Result<(Named, Named)> {
    let application = application(client, app).await?;
    let environment = environment(client, &application, env).await?;
    Ok((application, environment))
}

pub async fn environment(
    client: &aws_sdk_appconfig::Client,
    application: &Named,
    given: &str,
) -> anyhow::Result<Named> {
    let items = environments(client, &application.id).await?;
    pick("environment", given, items, &in_application(application))
}

/// Every environment of an application.
pub async fn environments(client: &aws_sdk_appconfig::Client, application_id: &str) -> anyhow::Result<Vec<Named>> {
    let items = client
        .list_environments()
        .application_id(application_id)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .call("ListEnvironments")?;
    Ok(items.iter().map(|e| named(e.id(), e.name())).collect())
}

pub async fn configuration_profile(
    client: &aws_sdk_appconfig::Client,
    application: &Named,
    given: &str,
) -> anyhow::Result<Named> {
    let items = client
        .list_configuration_profiles()
        .application_id(&application.id)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .call("ListConfigurationProfiles")?;
    let named = items.iter().map(|p| named(p.id(), p.name())).collect();
    pick("configuration profile", given, named, &in_application(application))
}

/// Every deployment of an environment (the list's order is the server's).
pub async fn deployments(
    client: &aws_sdk_appconfig::Client,
    application_id: &str,
    environment_id: &str,
) -> anyhow::Result<Vec<DeploymentSummary>> {
    client
        .list_deployments()
        .application_id(application_id)
        .environment_id(environment_id)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .call("ListDeployments")
}

/// A deployment strategy, custom or predefined (`AppConfig.Linear50PercentEvery30Seconds`…),
/// with its parameters.
pub async fn deployment_strategy(
    client: &aws_sdk_appconfig::Client,
    given: &str,
) -> anyhow::Result<DeploymentStrategy> {
    let items = client
        .list_deployment_strategies()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .call("ListDeploymentStrategies")?;
    let named: Vec<Named> = items.iter().map(|s| named(s.id(), s.name())).collect();
    let found = pick("deployment strategy", given, named, "")?;
    items
        .into_iter()
        .find(|s| s.id() == Some(found.id.as_str()))
        .ok_or_else(|| anyhow::anyhow!("deployment strategy {:?} vanished", found.id))
}

/// An Amplify app.
pub async fn amplify_app(client: &aws_sdk_amplify::Client, given: &str) -> anyhow::Result<Named> {
    let items = client
        .list_apps()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .call("ListApps")?;
    let named = items.iter().map(|a| named(Some(a.app_id()), Some(a.name()))).collect();
    pick("Amplify app", given, named, "")
}

fn named(id: Option<&str>, name: Option<&str>) -> Named {
    Named {
        id: id.unwrap_or_default().to_owned(),
        name: name.unwrap_or_default().to_owned(),
    }
}

fn in_application(application: &Named) -> String {
    format!(" in application {:?}", application.name)
}

/// The one item whose ID is `given`, else the one named `given`.
fn pick(kind: &str, given: &str, items: Vec<Named>, place: &str) -> anyhow::Result<Named> {
    if let Some(by_id) = items.iter().find(|item| item.id == given) {
        return Ok(by_id.clone());
    }
    let mut by_name: Vec<Named> = items.into_iter().filter(|item| item.name == given).collect();
    match by_name.len() {
        0 => anyhow::bail!("no {kind} named {given:?}{place} (nor with that ID)"),
        1 => Ok(by_name.remove(0)),
        n => {
            let ids: Vec<&str> = by_name.iter().map(|item| item.id.as_str()).collect();
            anyhow::bail!(
                "{n} {kind}s are named {given:?}{place} (IDs {}); give the ID instead",
                ids.join(", ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, name: &str) -> Named {
        named(Some(id), Some(name))
    }

    #[test]
    fn an_id_or_a_unique_name_finds_the_item() {
        let items = vec![item("abc1234", "shop"), item("def5678", "blog")];
        assert_eq!(pick("application", "def5678", items.clone(), "").unwrap().name, "blog");
        assert_eq!(pick("application", "shop", items, "").unwrap().id, "abc1234");
    }

    #[test]
    fn an_id_wins_over_a_name_that_looks_like_it() {
        let items = vec![item("abc1234", "def5678"), item("def5678", "blog")];
        assert_eq!(pick("application", "def5678", items, "").unwrap().name, "blog");
    }

    #[test]
    fn a_missing_name_says_what_was_looked_for() {
        let error = pick(
            "environment",
            "prod",
            vec![item("a", "dev")],
            " in application \"shop\"",
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "no environment named \"prod\" in application \"shop\" (nor with that ID)"
        );
    }

    #[test]
    fn a_shared_name_is_refused_with_the_ids() {
        let items = vec![item("a1", "shop"), item("b2", "shop")];
        let error = pick("application", "shop", items, "").unwrap_err();
        assert_eq!(
            error.to_string(),
            "2 applications are named \"shop\" (IDs a1, b2); give the ID instead"
        );
    }
}
