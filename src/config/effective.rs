//! The config as one environment sees it (semantics §3): the base spec with
//! `environments.<env>` merged over it.

use std::collections::BTreeMap;

use serde::Serialize;

use super::model::{
    AppNotifications, EnvironmentOverride, LabelSelector, Placement, Provider, ProviderOverride,
    Route, RouteOverride,
};

/// The label that names an app in the Kubernetes recommended labels; the default selector.
pub const APP_NAME_LABEL: &str = "app.kubernetes.io/name";

/// What one environment generates.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Effective {
    /// The environment, or `None` for a build without one.
    pub environment: Option<String>,
    /// Routes, base order first, then routes the environment adds; the environment's
    /// `eventMetadata` is merged into each.
    pub routes: Vec<Route>,
    /// Providers to generate, base order first, then those the environment adds.
    pub providers: Vec<Provider>,
    /// Placement; `namespace` already falls back to the config's `metadata.namespace`.
    pub placement: Placement,
}

impl AppNotifications {
    /// The app name: `spec.app`, else `metadata.name`.
    pub fn app(&self) -> &str {
        self.spec
            .app
            .as_deref()
            .filter(|app| !app.is_empty())
            .unwrap_or(&self.metadata.name)
    }

    /// The selector of the app's appliers: `spec.selector`, else
    /// `matchLabels: {app.kubernetes.io/name: <app>}`.
    pub fn selector(&self) -> LabelSelector {
        self.spec.selector.clone().unwrap_or_else(|| LabelSelector {
            match_labels: BTreeMap::from([(APP_NAME_LABEL.to_owned(), self.app().to_owned())]),
            match_expressions: Vec::new(),
        })
    }

    /// The config for `env` (`None`: a build without environment, which takes no overrides).
    /// `None` when the environment is `disabled`. An environment without an entry in
    /// `spec.environments` gets the base config.
    pub fn for_environment(&self, env: Option<&str>) -> Option<Effective> {
        let overrides = env.and_then(|env| self.spec.environments.get(env));
        if overrides.is_some_and(|o| o.disabled) {
            return None;
        }
        let empty = EnvironmentOverride::default();
        let overrides = overrides.unwrap_or(&empty);
        let mut placement = merge_placement(&self.spec.placement, overrides);
        if placement.namespace.is_none() {
            placement.namespace = non_empty(self.metadata.namespace.as_deref());
        }
        Some(Effective {
            environment: env.map(str::to_owned),
            routes: merge_routes(&self.spec.alerts, overrides),
            providers: merge_providers(&self.spec.providers, &overrides.providers),
            placement,
        })
    }
}

fn non_empty(value: Option<&str>) -> Option<String> {
    value.filter(|v| !v.is_empty()).map(str::to_owned)
}

fn merge_placement(base: &Placement, overrides: &EnvironmentOverride) -> Placement {
    let given = &overrides.placement;
    Placement {
        // An explicit "" returns to the default rather than keeping the base namespace.
        namespace: match &given.namespace {
            Some(namespace) => non_empty(Some(namespace)),
            None => non_empty(base.namespace.as_deref()),
        },
        mode: given.mode.unwrap_or(base.mode),
    }
}

fn merge_routes(base: &[Route], overrides: &EnvironmentOverride) -> Vec<Route> {
    let mut routes = base.to_vec();
    for given in &overrides.alerts {
        match routes.iter_mut().find(|route| route.name == given.name) {
            Some(route) => apply_route(route, given),
            // A new route without providerRef is rejected by `load`; skipping it keeps a
            // hand-built config from producing an Alert with no Provider.
            None => routes.extend(new_route(given)),
        }
    }
    for route in &mut routes {
        for (key, value) in &overrides.event_metadata {
            route
                .event_metadata
                .entry(key.clone())
                .or_insert_with(|| value.clone());
        }
    }
    routes
}

fn apply_route(route: &mut Route, given: &RouteOverride) {
    if let Some(provider_ref) = &given.provider_ref {
        route.provider_ref = provider_ref.clone();
    }
    if let Some(severity) = given.event_severity {
        route.event_severity = severity;
    }
    if let Some(list) = &given.inclusion_list {
        route.inclusion_list = list.clone();
    }
    if let Some(list) = &given.exclusion_list {
        route.exclusion_list = list.clone();
    }
    route.event_metadata.extend(given.event_metadata.clone());
    if let Some(summary) = &given.summary {
        route.summary = non_empty(Some(summary));
    }
    if let Some(suspend) = given.suspend {
        route.suspend = suspend;
    }
}

fn new_route(given: &RouteOverride) -> Option<Route> {
    Some(Route {
        name: given.name.clone(),
        provider_ref: given.provider_ref.clone()?,
        event_severity: given.event_severity.unwrap_or_default(),
        inclusion_list: given.inclusion_list.clone().unwrap_or_default(),
        exclusion_list: given.exclusion_list.clone().unwrap_or_default(),
        event_metadata: given.event_metadata.clone(),
        summary: non_empty(given.summary.as_deref()),
        suspend: given.suspend.unwrap_or_default(),
    })
}

fn merge_providers(base: &[Provider], overrides: &[ProviderOverride]) -> Vec<Provider> {
    let mut providers = base.to_vec();
    for given in overrides {
        match providers.iter_mut().find(|p| p.name == given.name) {
            Some(provider) => {
                *provider =
                    merge_provider(Some(provider), given).unwrap_or_else(|| provider.clone())
            }
            None => providers.extend(merge_provider(None, given)),
        }
    }
    providers
}

/// `given` over `base`; `None` for a new Provider without a type (which `load` rejects).
pub(crate) fn merge_provider(
    base: Option<&Provider>,
    given: &ProviderOverride,
) -> Option<Provider> {
    // A given "" clears the base value, as in placement.
    let pick = |over: &Option<String>, base: Option<&Option<String>>| match over {
        Some(value) => non_empty(Some(value)),
        None => non_empty(base.and_then(Option::as_deref)),
    };
    Some(Provider {
        name: given.name.clone(),
        type_: given.type_.or(base.map(|b| b.type_))?,
        channel: pick(&given.channel, base.map(|b| &b.channel)),
        username: pick(&given.username, base.map(|b| &b.username)),
        address: pick(&given.address, base.map(|b| &b.address)),
        secret_ref: given
            .secret_ref
            .clone()
            .or_else(|| base.and_then(|b| b.secret_ref.clone())),
        cert_secret_ref: given
            .cert_secret_ref
            .clone()
            .or_else(|| base.and_then(|b| b.cert_secret_ref.clone())),
        proxy_secret_ref: given
            .proxy_secret_ref
            .clone()
            .or_else(|| base.and_then(|b| b.proxy_secret_ref.clone())),
        service_account_name: pick(
            &given.service_account_name,
            base.map(|b| &b.service_account_name),
        ),
        timeout: pick(&given.timeout, base.map(|b| &b.timeout)),
        suspend: given.suspend.or(base.and_then(|b| b.suspend)),
        commit_status_expr: pick(
            &given.commit_status_expr,
            base.map(|b| &b.commit_status_expr),
        ),
    })
}
