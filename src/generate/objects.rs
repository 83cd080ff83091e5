//! The generated Flux objects, written as JSON values with keys in conventional order
//! (apiVersion, kind, metadata, spec); the emitter keeps that order.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::inventory::{ENVIRONMENT_LABEL, GENERATED_BY, MANAGED_BY, MANAGED_BY_LABEL};
use crate::config::{postbuild, EventSeverity, Provider, Route, DEFAULT_ROUTE};
use crate::flux::NOTIFICATION_API;

/// Kubernetes object names used as label values are limited to 63 characters.
pub const MAX_NAME: usize = 63;

/// `<app>-<env>[-<route>]`; past 63 characters: the first 54, `-`, and 8 hex digits of the
/// full name's SHA-256, so the name stays unique and stable. A name holding a Flux post-build
/// variable is never shortened: its length after substitution is unknown, and a cut would
/// break or drop the variable.
pub fn alert_name(app: &str, env: Option<&str>, route: &str) -> String {
    let mut name = app.to_string();
    if let Some(env) = env {
        name.push('-');
        name.push_str(env);
    }
    if route != DEFAULT_ROUTE {
        name.push('-');
        name.push_str(route);
    }
    shorten(&name)
}

pub fn shorten(name: &str) -> String {
    if name.len() <= MAX_NAME || postbuild::may_hold_variables(name) {
        return name.to_string();
    }
    let digest = Sha256::digest(name.as_bytes());
    let hex: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    let head: String = name.chars().take(54).collect();
    format!("{head}-{hex}")
}

/// One `eventSources` entry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EventSource {
    /// Appliers sort before sources.
    pub is_source: bool,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    pub match_labels: BTreeMap<String, String>,
}

impl EventSource {
    fn to_value(&self) -> Value {
        let mut map = Map::new();
        map.insert("kind".into(), json!(self.kind));
        map.insert("name".into(), json!(self.name));
        if let Some(ns) = &self.namespace {
            map.insert("namespace".into(), json!(ns));
        }
        if !self.match_labels.is_empty() {
            map.insert("matchLabels".into(), json!(self.match_labels));
        }
        Value::Object(map)
    }
}

/// Everything that goes into one Alert.
pub struct AlertSpec<'a> {
    pub name: String,
    pub namespace: Option<String>,
    pub app_labels: &'a BTreeMap<String, String>,
    pub environment: Option<&'a str>,
    pub owner: &'a str,
    pub app: &'a str,
    pub route: &'a Route,
    pub event_sources: &'a [EventSource],
    /// `app` and `env` go into `eventMetadata`; not when `annotateAppliers` stamps them on the
    /// objects, where the Alert's would be a second source of the key.
    pub carries_app: bool,
}

fn metadata(
    name: &str,
    namespace: Option<&str>,
    labels: BTreeMap<String, String>,
    owner: &str,
) -> Value {
    let mut meta = Map::new();
    meta.insert("name".into(), json!(name));
    if let Some(ns) = namespace {
        meta.insert("namespace".into(), json!(ns));
    }
    meta.insert("labels".into(), json!(labels));
    meta.insert("annotations".into(), json!({ GENERATED_BY: owner }));
    Value::Object(meta)
}

pub fn alert(spec: &AlertSpec<'_>) -> Value {
    let mut labels = spec.app_labels.clone();
    labels.insert(MANAGED_BY_LABEL.into(), MANAGED_BY.into());
    if let Some(env) = spec.environment {
        labels.insert(ENVIRONMENT_LABEL.into(), env.into());
    }
    let route = spec.route;
    let mut body = Map::new();
    body.insert(
        "providerRef".into(),
        json!({ "name": route.provider_ref.name }),
    );
    body.insert(
        "eventSeverity".into(),
        json!(match route.event_severity {
            EventSeverity::Info => "info",
            EventSeverity::Error => "error",
        }),
    );
    body.insert(
        "eventSources".into(),
        Value::Array(
            spec.event_sources
                .iter()
                .map(EventSource::to_value)
                .collect(),
        ),
    );
    if !route.inclusion_list.is_empty() {
        body.insert("inclusionList".into(), json!(route.inclusion_list));
    }
    if !route.exclusion_list.is_empty() {
        body.insert("exclusionList".into(), json!(route.exclusion_list));
    }
    // `summary` is deprecated in v1beta3 in favour of eventMetadata (a config giving both is
    // refused, so no key has two sources); the route's own keys win over `app` and `env`.
    let mut event_metadata = BTreeMap::new();
    if spec.carries_app {
        event_metadata.insert("app".to_string(), spec.app.to_string());
        if let Some(env) = spec.environment {
            event_metadata.insert("env".to_string(), env.to_string());
        }
    }
    if let Some(summary) = route.summary.as_deref().filter(|s| !s.is_empty()) {
        event_metadata.insert("summary".to_string(), summary.to_string());
    }
    for (k, v) in &route.event_metadata {
        event_metadata.insert(k.clone(), v.clone());
    }
    if !event_metadata.is_empty() {
        body.insert("eventMetadata".into(), json!(event_metadata));
    }
    if route.suspend {
        body.insert("suspend".into(), json!(true));
    }
    json!({
        "apiVersion": NOTIFICATION_API,
        "kind": "Alert",
        "metadata": metadata(&spec.name, spec.namespace.as_deref(), labels, spec.owner),
        "spec": Value::Object(body),
    })
}

/// A Provider in Flux's shape. Shared between apps, so it carries no app labels.
pub fn provider(provider: &Provider, namespace: Option<&str>, owner: &str) -> Value {
    let labels = BTreeMap::from([(MANAGED_BY_LABEL.to_string(), MANAGED_BY.to_string())]);
    let mut body = Map::new();
    body.insert("type".into(), json!(provider.type_.as_str()));
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            body.insert(key.into(), value);
        }
    };
    put("channel", provider.channel.as_ref().map(|v| json!(v)));
    put("username", provider.username.as_ref().map(|v| json!(v)));
    put("address", provider.address.as_ref().map(|v| json!(v)));
    put(
        "secretRef",
        provider
            .secret_ref
            .as_ref()
            .map(|r| json!({"name": r.name})),
    );
    put(
        "certSecretRef",
        provider
            .cert_secret_ref
            .as_ref()
            .map(|r| json!({"name": r.name})),
    );
    put(
        "proxySecretRef",
        provider
            .proxy_secret_ref
            .as_ref()
            .map(|r| json!({"name": r.name})),
    );
    put(
        "serviceAccountName",
        provider.service_account_name.as_ref().map(|v| json!(v)),
    );
    put("timeout", provider.timeout.as_ref().map(|v| json!(v)));
    put("suspend", provider.suspend.map(|v| json!(v)));
    put(
        "commitStatusExpr",
        provider.commit_status_expr.as_ref().map(|v| json!(v)),
    );
    json!({
        "apiVersion": NOTIFICATION_API,
        "kind": "Provider",
        "metadata": metadata(&provider.name, namespace, labels, owner),
        "spec": Value::Object(body),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_shortened_stably() {
        assert_eq!(
            alert_name("billing", Some("production"), "default"),
            "billing-production"
        );
        assert_eq!(alert_name("billing", None, "chat"), "billing-chat");
        let app = "a-very-long-application-name-that-keeps-going";
        let name = alert_name(app, Some("production-eu-west"), "default");
        assert_eq!(name.len(), 63);
        assert_eq!(name, alert_name(app, Some("production-eu-west"), "default"));
        assert!(name.starts_with("a-very-long-application-name-that-keeps-going-producti-"));
        assert_ne!(name, alert_name(app, Some("production-eu-east"), "default"));
    }

    #[test]
    fn names_with_a_post_build_variable_are_never_cut() {
        let app = "a-very-long-application-name-that-keeps-going";
        let name = alert_name(app, Some("${CLUSTER_NAME}"), "notifications");
        assert_eq!(name, format!("{app}-${{CLUSTER_NAME}}-notifications"));
    }
}
