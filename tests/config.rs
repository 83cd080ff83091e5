//! The config layer: model, defaults, validation messages (user-facing, so asserted exactly),
//! the ConfigMap form, environment merges, selector matching and the published schemas.

use std::collections::BTreeMap;

use app_notifications::config::{
    from_config_map, json_schema, load, load_function_config, openapi_v3, AppNotifications,
    ApplierKind, EventSeverity, EventSources, LabelSelector, LabelSelectorRequirement,
    PlacementMode, ProviderRef, ProviderType, SelectorOperator, Sources, API_VERSION, KIND,
};
use proptest::prelude::*;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// Helpers

fn minimal() -> Value {
    json!({
        "apiVersion": "app-notifications.dev/v1alpha1",
        "kind": "AppNotifications",
        "metadata": {"name": "billing", "namespace": "apps"},
        "spec": {"alerts": [{"name": "default", "providerRef": "slack"}]}
    })
}

/// Sets `value` at a JSON pointer, creating maps on the way (`-` appends to a list).
fn set(doc: &mut Value, pointer: &str, value: Value) {
    let mut node = doc;
    let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    let (last, parents) = parts.split_last().expect("a non-empty pointer");
    for part in parents {
        node = match node {
            Value::Array(items) => &mut items[part.parse::<usize>().expect("an index")],
            other => {
                if !other.is_object() {
                    *other = json!({});
                }
                other
                    .as_object_mut()
                    .unwrap()
                    .entry(part.to_string())
                    .or_insert_with(|| json!({}))
            }
        };
    }
    match node {
        Value::Array(items) if *last == "-" => items.push(value),
        Value::Array(items) => items[last.parse::<usize>().expect("an index")] = value,
        other => {
            other
                .as_object_mut()
                .unwrap()
                .insert(last.to_string(), value);
        }
    }
}

fn remove(doc: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    doc.pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .unwrap()
        .remove(key);
}

fn with(edits: &[(&str, Value)]) -> Value {
    let mut doc = minimal();
    for (pointer, value) in edits {
        set(&mut doc, pointer, value.clone());
    }
    doc
}

fn errors(doc: &Value) -> Vec<String> {
    match load(doc) {
        Ok(loaded) => panic!("expected errors, got a config: {:?}", loaded.config),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

fn warnings(doc: &Value) -> Vec<String> {
    match load(doc) {
        Ok(loaded) => loaded.warnings.iter().map(ToString::to_string).collect(),
        Err(errors) => panic!("expected a config, got {errors:#?}"),
    }
}

fn config(doc: &Value) -> AppNotifications {
    load(doc)
        .unwrap_or_else(|e| panic!("expected a config, got {e:#?}"))
        .config
}

#[track_caller]
fn assert_errors(doc: Value, expected: &[&str]) {
    assert_eq!(errors(&doc), expected);
}

const SECRET_HINT: &str = "put credentials in the Secret referenced by `secretRef`: its `address` key replaces `spec.address`, and its `token`, `username` and `password` keys hold credentials";
const ROUTE_FIELDS: &str = "valid fields: `name`, `providerRef`, `eventSeverity`, `inclusionList`, `exclusionList`, `eventMetadata`, `summary`, `suspend`";
const LABEL_RULE: &str = "a DNS-1123 label: at most 63 characters, lowercase letters, digits and `-`, starting and ending with a letter or digit";
const SUBDOMAIN_RULE: &str = "a DNS-1123 subdomain: at most 253 characters, lowercase letters, digits, `-` and `.`, each `.`-separated part starting and ending with a letter or digit";
const KEY_RULE: &str = "a label key is an optional DNS subdomain prefix and `/`, then a name of at most 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit, e.g. `app.kubernetes.io/name`";
const VALUE_RULE: &str = "a label value is empty or at most 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit";

fn provider(fields: Value) -> Value {
    let mut entry = json!({"name": "hook"});
    for (key, value) in fields.as_object().unwrap() {
        entry[key] = value.clone();
    }
    // The route sends to it: a Provider no route references draws a warning of its own.
    with(&[
        ("/spec/providers", json!([entry])),
        ("/spec/alerts/0/providerRef", json!("hook")),
    ])
}

// ---------------------------------------------------------------------------------------------
// Defaults and shapes

#[test]
fn defaults_are_applied() {
    let config = config(&minimal());
    let spec = &config.spec;
    assert_eq!(
        spec.appliers,
        [ApplierKind::Kustomization, ApplierKind::HelmRelease]
    );
    assert_eq!(spec.sources, Sources::Owned);
    assert_eq!(spec.event_sources, EventSources::Names);
    assert_eq!(spec.placement.mode, PlacementMode::Single);
    assert_eq!(spec.placement.namespace, None);
    assert!(!spec.annotate_appliers);
    assert_eq!(spec.output_path, None);
    let route = &spec.alerts[0];
    assert_eq!(route.event_severity, EventSeverity::Info);
    assert!(!route.suspend);
    assert!(route.inclusion_list.is_empty() && route.exclusion_list.is_empty());
    assert_eq!(config.app(), "billing");
    assert_eq!(
        config.selector(),
        LabelSelector {
            match_labels: BTreeMap::from([("app.kubernetes.io/name".into(), "billing".into())]),
            match_expressions: vec![],
        }
    );
}

#[test]
fn route_name_defaults_to_default() {
    let config = config(&with(&[(
        "/spec/alerts",
        json!([{"providerRef": "slack"}]),
    )]));
    assert_eq!(config.spec.alerts[0].name, "default");
}

#[test]
fn spec_app_wins_over_metadata_name() {
    let config = config(&with(&[("/spec/app", json!("payments"))]));
    assert_eq!(config.app(), "payments");
    assert_eq!(
        config.selector().match_labels["app.kubernetes.io/name"],
        "payments"
    );
}

#[test]
fn provider_ref_accepts_name_and_flux_form() {
    let doc = with(&[(
        "/spec/alerts",
        json!([{"name": "a", "providerRef": "slack"}, {"name": "b", "providerRef": {"name": "teams"}}]),
    )]);
    let config = config(&doc);
    assert_eq!(
        config.spec.alerts[0].provider_ref,
        ProviderRef::new("slack")
    );
    assert_eq!(
        config.spec.alerts[1].provider_ref,
        ProviderRef::new("teams")
    );
}

#[test]
fn empty_strings_and_nulls_mean_unset() {
    let doc = with(&[
        ("/spec/environment", json!("")),
        ("/spec/environmentLabel", json!("")),
        ("/spec/app", Value::Null),
        ("/spec/placement", json!({"namespace": "", "mode": null})),
        ("/spec/outputPath", json!("")),
        ("/spec/alerts/0/summary", Value::Null),
        ("/spec/alerts/0/eventSeverity", Value::Null),
    ]);
    let config = config(&doc);
    assert_eq!(config.spec.environment, None);
    assert_eq!(config.spec.environment_label, None);
    assert_eq!(config.spec.placement.namespace, None);
    assert_eq!(config.spec.output_path, None);
    assert_eq!(config.app(), "billing");
    assert_eq!(config.spec.alerts[0].event_severity, EventSeverity::Info);
}

#[test]
fn a_full_config_loads() {
    // A config using every part of the API, as the YAML reader hands it over.
    let doc = json!({
        "apiVersion": "app-notifications.dev/v1alpha1",
        "kind": "AppNotifications",
        "metadata": {
            "name": "billing",
            "namespace": "apps",
            "annotations": {"config.kubernetes.io/local-config": "true"}
        },
        "spec": {
            "app": "billing",
            "selector": {"matchLabels": {"app.kubernetes.io/name": "billing"}, "matchExpressions": []},
            "environment": "production",
            "environmentLabel": "",
            "appliers": ["Kustomization", "HelmRelease"],
            "sources": "owned",
            "eventSources": "names",
            "placement": {"namespace": "", "mode": "single"},
            "alerts": [{
                "name": "default",
                "providerRef": "slack",
                "eventSeverity": "info",
                "inclusionList": [],
                "exclusionList": [],
                "eventMetadata": {},
                "summary": "",
                "suspend": false
            }],
            "providers": [],
            "environments": {
                "production": {
                    "alerts": [
                        {"name": "default", "providerRef": "pagerduty", "eventSeverity": "error"},
                        {"name": "chat", "providerRef": "slack"}
                    ]
                },
                "dev": {"disabled": true}
            },
            "annotateAppliers": false,
            "outputPath": ""
        }
    });
    let loaded = load(&doc).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(
        loaded.config.spec.environment.as_deref(),
        Some("production")
    );
    assert_eq!(loaded.config.spec.environment_label, None);
}

#[test]
fn every_provider_spec_field_is_read() {
    let doc = provider(json!({
        "type": "github",
        "channel": "c",
        "username": "bot",
        "address": "https://github.com/org/repo",
        "secretRef": {"name": "gh-token"},
        "certSecretRef": {"name": "gh-ca"},
        "proxySecretRef": {"name": "proxy"},
        "timeout": "1m30s",
        "suspend": true,
        "commitStatusExpr": "event.metadata.app"
    }));
    let config = config(&doc);
    let provider = &config.spec.providers[0];
    assert_eq!(provider.type_, ProviderType::Github);
    assert_eq!(provider.timeout.as_deref(), Some("1m30s"));
    assert_eq!(provider.suspend, Some(true));
    assert_eq!(provider.secret_ref.as_ref().unwrap().name, "gh-token");
    assert_eq!(
        provider.commit_status_expr.as_deref(),
        Some("event.metadata.app")
    );
}

// ---------------------------------------------------------------------------------------------
// Identity

#[test]
fn not_a_map_is_an_error() {
    assert_errors(
        json!(["a"]),
        &["expected a map (a Kubernetes object with apiVersion, kind, metadata and spec)"],
    );
}

#[test]
fn wrong_kind_suggests_the_kind() {
    assert_errors(
        with(&[("/kind", json!("AppNotification"))]),
        &["kind: expected `AppNotifications`, got `AppNotification` (hint: did you mean `AppNotifications`?)"],
    );
}

#[test]
fn unsupported_version_is_named() {
    assert_errors(
        with(&[("/apiVersion", json!("app-notifications.dev/v1beta1"))]),
        &["apiVersion: unsupported version `app-notifications.dev/v1beta1`; this release reads `app-notifications.dev/v1alpha1`"],
    );
}

#[test]
fn missing_api_version_and_kind() {
    let mut doc = minimal();
    remove(&mut doc, "/apiVersion");
    remove(&mut doc, "/kind");
    assert_errors(
        doc,
        &[
            "apiVersion: missing required field (hint: `apiVersion: app-notifications.dev/v1alpha1`)",
            "kind: missing required field (hint: `kind: AppNotifications`)",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Structure: unknown fields, types, enums, required fields

#[test]
fn unknown_field_suggests_the_closest_name() {
    let mut doc = minimal();
    set(&mut doc, "/spec/alerts/0/provderRef", json!("slack"));
    remove(&mut doc, "/spec/alerts/0/providerRef");
    assert_errors(
        doc,
        &[
            &format!("spec.alerts[0].provderRef: unknown field; did you mean `providerRef`? (hint: {ROUTE_FIELDS})"),
            "spec.alerts[0].providerRef: missing required field (hint: the name of the Flux Provider to send to, e.g. `providerRef: slack`)",
        ],
    );
}

#[test]
fn unknown_field_without_a_close_name_lists_the_fields() {
    assert_errors(
        with(&[("/spec/alerts/0/colour", json!("red"))]),
        &[&format!(
            "spec.alerts[0].colour: unknown field (hint: {ROUTE_FIELDS})"
        )],
    );
}

#[test]
fn unknown_metadata_field_is_an_error() {
    assert_errors(
        with(&[("/metadata/nmae", json!("x"))]),
        &["metadata.nmae: unknown field; did you mean `name`? (hint: valid fields: `name`, `namespace`, `labels`, `annotations`)"],
    );
}

#[test]
fn route_field_at_spec_level_points_to_alerts() {
    assert_errors(
        with(&[("/spec/eventSeverity", json!("error"))]),
        &["spec.eventSeverity: unknown field: `eventSeverity` belongs to a route; move it into an entry of `spec.alerts` (hint: valid fields: `app`, `selector`, `environment`, `environmentLabel`, `appliers`, `sources`, `eventSources`, `placement`, `alerts`, `providers`, `environments`, `annotateAppliers`, `outputPath`)"],
    );
}

#[test]
fn environment_cannot_override_spec_only_fields() {
    assert_errors(
        with(&[("/spec/environments/production/eventSources", json!("selector"))]),
        &["spec.environments.production.eventSources: unknown field: `eventSources` cannot be set per environment (hint: an environment may set `alerts`, `providers`, `placement`, `eventMetadata` and `disabled`)"],
    );
}

#[test]
fn deprecated_provider_fields_point_to_their_replacement() {
    assert_errors(
        provider(json!({"type": "generic", "proxy": "http://proxy:3128", "interval": "5m"})),
        &[
            "spec.providers[0].proxy: unknown field (hint: Flux deprecated `proxy`, and proxy URLs often carry credentials: put the proxy `address` in a Secret and reference it with `proxySecretRef`)",
            "spec.providers[0].interval: unknown field (hint: Flux deprecated `interval` and ignores it in v1beta3 Providers; remove it)",
        ],
    );
}

#[test]
fn event_sources_in_a_route_points_to_spec_event_sources() {
    assert_errors(
        with(&[("/spec/alerts/0/eventSources", json!([]))]),
        &["spec.alerts[0].eventSources: unknown field (hint: eventSources are computed from the build; choose how with `spec.eventSources` (names, selector or hybrid))"],
    );
}

#[test]
fn unknown_field_in_provider_ref_object() {
    assert_errors(
        with(&[("/spec/alerts/0/providerRef", json!({"nmae": "slack"}))]),
        &[
            "spec.alerts[0].providerRef.nmae: unknown field; did you mean `name`? (hint: valid fields: `name`)",
            "spec.alerts[0].providerRef.name: missing required field",
        ],
    );
}

#[test]
fn bad_enum_value_suggests_the_nearest_and_lists_all() {
    assert_errors(
        with(&[("/spec/alerts/0/eventSeverity", json!("eror"))]),
        &["spec.alerts[0].eventSeverity: invalid value `eror`; did you mean `error`? (hint: valid values: `info`, `error`)"],
    );
}

#[test]
fn bad_enum_value_far_from_all_lists_all() {
    assert_errors(
        with(&[("/spec/alerts/0/eventSeverity", json!("warning"))]),
        &["spec.alerts[0].eventSeverity: invalid value `warning` (hint: valid values: `info`, `error`)"],
    );
}

#[test]
fn enums_of_every_spec_field_are_checked() {
    assert_errors(
        with(&[
            ("/spec/sources", json!("own")),
            ("/spec/eventSources", json!("label")),
            ("/spec/placement/mode", json!("per-namespace")),
            ("/spec/appliers", json!(["Kustomisation"])),
        ]),
        &[
            "spec.sources: invalid value `own`; did you mean `owned`? (hint: valid values: `none`, `owned`, `referenced`)",
            "spec.eventSources: invalid value `label` (hint: valid values: `names`, `selector`, `hybrid`)",
            "spec.placement.mode: invalid value `per-namespace`; did you mean `perNamespace`? (hint: valid values: `single`, `perNamespace`)",
            "spec.appliers[0]: invalid value `Kustomisation`; did you mean `Kustomization`? (hint: valid values: `Kustomization`, `HelmRelease`, `FluxInstance`, `ResourceSet`)",
        ],
    );
}

#[test]
fn wrong_type_says_the_expected_type() {
    assert_errors(
        with(&[
            ("/spec/environment", json!(2024)),
            ("/spec/annotateAppliers", json!("true")),
            ("/spec/alerts/0/inclusionList", json!(".*error.*")),
            ("/spec/alerts/0/eventMetadata", json!({"owner": null, "version": 1.5})),
            ("/spec/placement", json!("apps")),
        ]),
        &[
            "spec.alerts[0].inclusionList: expected a list, got string `.*error.*` (hint: write a list: [\".*error.*\"])",
            "spec.alerts[0].eventMetadata.owner: expected a string, got null (hint: an empty YAML value is null; write \"\" for an empty string)",
            "spec.alerts[0].eventMetadata.version: expected a string, got number `1.5` (hint: quote it as written; unquoted, YAML reads it as the number 1.5)",
            "spec.environment: expected a string, got number `2024` (hint: quote it: \"2024\")",
            "spec.annotateAppliers: expected a boolean (true or false), got string `true` (hint: write true without quotes)",
            "spec.placement: expected a map, got string `apps`",
        ],
    );
}

#[test]
fn yaml_1_1_booleans_are_strings() {
    assert_errors(
        with(&[("/spec/alerts/0/suspend", json!("yes"))]),
        &["spec.alerts[0].suspend: expected a boolean (true or false), got string `yes` (hint: YAML 1.2 reads `yes` as a string; write true or false)"],
    );
}

#[test]
fn an_environment_without_overrides_may_be_empty() {
    let config = config(&with(&[("/spec/environments/qa", Value::Null)]));
    assert_eq!(config.spec.environments["qa"], Default::default());
}

#[test]
fn provider_ref_of_wrong_type() {
    assert_errors(
        with(&[("/spec/alerts/0/providerRef", json!(["slack"]))]),
        &["spec.alerts[0].providerRef: expected a string or a map, got a list"],
    );
}

#[test]
fn routes_are_required() {
    let mut doc = minimal();
    remove(&mut doc, "/spec/alerts");
    assert_errors(
        doc,
        &["spec.alerts: missing required field (hint: list at least one route, e.g. `alerts: [{name: default, providerRef: slack}]`)"],
    );
}

#[test]
fn at_least_one_route() {
    assert_errors(
        with(&[("/spec/alerts", json!([]))]),
        &["spec.alerts: must list at least one route (hint: one Alert is generated per app instance and route, e.g. `alerts: [{name: default, providerRef: slack}]`)"],
    );
}

#[test]
fn at_least_one_applier_kind() {
    assert_errors(
        with(&[("/spec/appliers", json!([]))]),
        &["spec.appliers: must list at least one applier kind (hint: valid values: `Kustomization`, `HelmRelease`, and the Flux Operator's `FluxInstance`, `ResourceSet`)"],
    );
}

#[test]
fn metadata_name_is_required() {
    let mut doc = minimal();
    remove(&mut doc, "/metadata/name");
    assert_errors(
        doc,
        &["metadata.name: missing required field (hint: every config needs a name; it is also the default app name)"],
    );
}

#[test]
fn summary_is_at_most_255_characters() {
    assert_errors(
        with(&[("/spec/alerts/0/summary", json!("x".repeat(256)))]),
        &["spec.alerts[0].summary: is 256 characters long; at most 255 are allowed"],
    );
}

#[test]
fn all_problems_are_reported_in_document_order() {
    let doc = with(&[
        ("/spec/environment", json!("Prod")),
        ("/spec/alerts/0/eventSeverity", json!("eror")),
        ("/spec/alerts/0/inclusionList", json!(["(unclosed"])),
        (
            "/spec/alerts/-",
            json!({"name": "chat", "providerRef": "slack", "colour": "red"}),
        ),
    ]);
    let found = errors(&doc);
    let paths: Vec<&str> = found.iter().map(|e| e.split(':').next().unwrap()).collect();
    assert_eq!(
        paths,
        [
            "spec.alerts[0].eventSeverity",
            "spec.alerts[0].inclusionList[0]",
            "spec.alerts[1].colour",
            "spec.environment",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Names

#[test]
fn app_name_must_be_a_dns_label() {
    assert_errors(
        with(&[("/spec/app", json!("Billing_API"))]),
        &[&format!("spec.app: invalid app name `Billing_API`: contains `B`; only lowercase letters, digits and `-` are allowed (hint: app names are {LABEL_RULE}; try `billing-api`)")],
    );
}

#[test]
fn metadata_name_as_app_name_must_be_a_dns_label() {
    assert_errors(
        with(&[("/metadata/name", json!("billing.v2"))]),
        &[&format!("metadata.name: invalid app name `billing.v2`: contains `.`; only lowercase letters, digits and `-` are allowed (hint: `spec.app` is not set, so `metadata.name` is the app name; app names are {LABEL_RULE}; try `billing-v2`)")],
    );
    // With spec.app set, a dotted config name is fine.
    config(&with(&[
        ("/metadata/name", json!("billing.v2")),
        ("/spec/app", json!("billing")),
    ]));
}

#[test]
fn config_name_must_be_a_dns_subdomain() {
    assert_errors(
        with(&[("/metadata/name", json!("Billing")), ("/spec/app", json!("billing"))]),
        &[&format!("metadata.name: invalid config name `Billing`: contains `B`; only lowercase letters, digits, `-` and `.` are allowed (hint: config names are {SUBDOMAIN_RULE}; try `billing`)")],
    );
}

#[test]
fn an_invalid_config_name_is_one_error_even_when_it_is_the_app_name() {
    // Without `spec.app` the name is the app name too; its one fault is reported once.
    assert_errors(
        with(&[("/metadata/name", json!("Billing"))]),
        &[&format!("metadata.name: invalid config name `Billing`: contains `B`; only lowercase letters, digits, `-` and `.` are allowed (hint: config names are {SUBDOMAIN_RULE}; try `billing`)")],
    );
}

#[test]
fn app_name_length_is_limited() {
    let long = "a".repeat(64);
    assert_errors(
        with(&[("/spec/app", json!(long))]),
        &[&format!("spec.app: invalid app name `{long}`: is 64 characters long; at most 63 are allowed (hint: app names are {LABEL_RULE}; try `{}`)", "a".repeat(63))],
    );
}

#[test]
fn route_name_must_be_a_dns_label() {
    assert_errors(
        with(&[("/spec/alerts/0/name", json!("-chat"))]),
        &[&format!("spec.alerts[0].name: invalid route name `-chat`: must start and end with a lowercase letter or digit (hint: route names are {LABEL_RULE}; try `chat`)")],
    );
}

#[test]
fn environment_names_must_be_dns_labels() {
    assert_errors(
        with(&[
            ("/spec/environment", json!("eu.west")),
            ("/spec/environments/Prod", json!({"disabled": true})),
        ]),
        &[
            &format!("spec.environment: invalid environment name `eu.west`: contains `.`; only lowercase letters, digits and `-` are allowed (hint: environment names are {LABEL_RULE}; try `eu-west`)"),
            &format!("spec.environments.Prod: invalid environment name `Prod`: contains `P`; only lowercase letters, digits and `-` are allowed (hint: environment names are {LABEL_RULE}; try `prod`)"),
        ],
    );
}

#[test]
fn provider_names_must_be_dns_subdomains() {
    assert_errors(
        provider(json!({"name": "Slack_Prod", "type": "slack"})),
        &[&format!("spec.providers[0].name: invalid Provider name `Slack_Prod`: contains `S`; only lowercase letters, digits, `-` and `.` are allowed (hint: Provider names are {SUBDOMAIN_RULE}; try `slack-prod`)")],
    );
}

#[test]
fn provider_refs_must_be_dns_subdomains() {
    assert_errors(
        with(&[(
            "/spec/alerts",
            json!([{"name": "a", "providerRef": "slack..prod"}, {"name": "b", "providerRef": {"name": "Teams"}}]),
        )]),
        &[
            &format!("spec.alerts[0].providerRef: invalid Provider name `slack..prod`: each `.`-separated part must start and end with a lowercase letter or digit (hint: Provider names are {SUBDOMAIN_RULE}; try `slack.prod`)"),
            &format!("spec.alerts[1].providerRef.name: invalid Provider name `Teams`: contains `T`; only lowercase letters, digits, `-` and `.` are allowed (hint: Provider names are {SUBDOMAIN_RULE}; try `teams`)"),
        ],
    );
}

#[test]
fn secret_and_service_account_names_must_be_dns_subdomains() {
    assert_errors(
        provider(json!({"type": "googlepubsub", "serviceAccountName": "Pubsub", "certSecretRef": {"name": "ca_bundle"}})),
        &[
            &format!("spec.providers[0].serviceAccountName: invalid ServiceAccount name `Pubsub`: contains `P`; only lowercase letters, digits, `-` and `.` are allowed (hint: ServiceAccount names are {SUBDOMAIN_RULE}; try `pubsub`)"),
            &format!("spec.providers[0].certSecretRef.name: invalid Secret name `ca_bundle`: contains `_`; only lowercase letters, digits, `-` and `.` are allowed (hint: Secret names are {SUBDOMAIN_RULE}; try `ca-bundle`)"),
        ],
    );
}

#[test]
fn namespaces_must_be_dns_labels() {
    assert_errors(
        with(&[("/metadata/namespace", json!("apps.eu")), ("/spec/placement/namespace", json!("Alerts"))]),
        &[
            &format!("metadata.namespace: invalid namespace `apps.eu`: contains `.`; only lowercase letters, digits and `-` are allowed (hint: namespaces are {LABEL_RULE}; try `apps-eu`)"),
            &format!("spec.placement.namespace: invalid namespace `Alerts`: contains `A`; only lowercase letters, digits and `-` are allowed (hint: namespaces are {LABEL_RULE}; try `alerts`)"),
        ],
    );
}

#[test]
fn duplicate_route_names() {
    assert_errors(
        with(&[("/spec/alerts", json!([{"providerRef": "a"}, {"providerRef": "b"}]))]),
        &["spec.alerts[1].name: duplicate route name `default`: also at spec.alerts[0] (hint: routes are merged by name; a route without `name` is named `default`)"],
    );
}

#[test]
fn duplicate_provider_names() {
    assert_errors(
        with(&[(
            "/spec/providers",
            json!([{"name": "slack", "type": "slack"}, {"name": "slack", "type": "msteams"}]),
        )]),
        &["spec.providers[1].name: duplicate Provider name `slack`: also at spec.providers[0] (hint: Providers are merged by name, so each needs its own)"],
    );
}

// ---------------------------------------------------------------------------------------------
// Selector, environment mode

#[test]
fn selector_label_keys_and_values_follow_kubernetes_rules() {
    let long = "v".repeat(64);
    assert_errors(
        with(&[(
            "/spec/selector/matchLabels",
            json!({"Example.com/name": "ok", "team name": "x", "tier": "-backend", "app.kubernetes.io/part-of": long}),
        )]),
        &[
            &format!("spec.selector.matchLabels[\"Example.com/name\"]: invalid label key `Example.com/name`: prefix `Example.com` contains `E`; only lowercase letters, digits, `-` and `.` are allowed (hint: {KEY_RULE})"),
            &format!("spec.selector.matchLabels[\"team name\"]: invalid label key `team name`: contains ` `; only letters, digits, `-`, `_` and `.` are allowed (hint: {KEY_RULE})"),
            &format!("spec.selector.matchLabels.tier: invalid label value `-backend`: must start and end with a letter or digit (hint: {VALUE_RULE})"),
            &format!("spec.selector.matchLabels[\"app.kubernetes.io/part-of\"]: invalid label value `{long}`: is 64 characters long; at most 63 are allowed (hint: {VALUE_RULE})"),
        ],
    );
}

#[test]
fn match_expressions_follow_kubernetes_rules() {
    assert_errors(
        with(&[(
            "/spec/selector/matchExpressions",
            json!([
                {"key": "tier", "operator": "In"},
                {"key": "canary", "operator": "DoesNotExist", "values": ["true"]},
                {"key": "a/b/c", "operator": "Exists"},
                {"key": "tier", "operator": "NotIn", "values": ["ok", "not ok"]},
                {"key": "tier", "operator": "Equals", "values": ["x"]}
            ]),
        )]),
        &[
            "spec.selector.matchExpressions[0].values: operator `In` needs at least one value",
            "spec.selector.matchExpressions[1].values: operator `DoesNotExist` takes no values (hint: remove `values`, or use `In`/`NotIn`)",
            &format!("spec.selector.matchExpressions[2].key: invalid label key `a/b/c`: must contain at most one `/` (hint: {KEY_RULE})"),
            &format!("spec.selector.matchExpressions[3].values[1]: invalid label value `not ok`: contains ` `; only letters, digits, `-`, `_` and `.` are allowed (hint: {VALUE_RULE})"),
            "spec.selector.matchExpressions[4].operator: invalid value `Equals` (hint: valid values: `In`, `NotIn`, `Exists`, `DoesNotExist`)",
        ],
    );
}

#[test]
fn empty_selector_is_an_error() {
    assert_errors(
        with(&[("/spec/selector", json!({"matchLabels": {}}))]),
        &["spec.selector: an empty selector matches every applier in the build (hint: give `matchLabels`, or remove `selector` to use the default `matchLabels: {app.kubernetes.io/name: <app>}`)"],
    );
}

#[test]
fn match_expressions_need_event_sources_names() {
    let expressions = json!([{"key": "tier", "operator": "Exists"}]);
    for mode in ["selector", "hybrid"] {
        assert_errors(
            with(&[("/spec/selector/matchExpressions", expressions.clone()), ("/spec/eventSources", json!(mode))]),
            &[&format!("spec.selector.matchExpressions: `matchExpressions` cannot be used with `eventSources: {mode}` (hint: Flux's eventSources select objects by matchLabels only: express the selector with `matchLabels`, or use `eventSources: names`)")],
        );
    }
    config(&with(&[("/spec/selector/matchExpressions", expressions)]));
}

#[test]
fn environment_and_environment_label_exclude_each_other() {
    assert_errors(
        with(&[("/spec/environment", json!("production")), ("/spec/environmentLabel", json!("env"))]),
        &["spec.environmentLabel: cannot be combined with `spec.environment` (hint: set `environment` for a build of one environment, or `environmentLabel` for one app instance per value of that applier label, not both)"],
    );
}

#[test]
fn environment_label_must_be_a_label_key() {
    assert_errors(
        with(&[("/spec/environmentLabel", json!("example.com/"))]),
        &[&format!("spec.environmentLabel: invalid label key `example.com/`: the name must not be empty (hint: {KEY_RULE})")],
    );
}

// ---------------------------------------------------------------------------------------------
// Event filters

#[test]
fn regexes_must_compile() {
    assert_errors(
        with(&[
            ("/spec/alerts/0/inclusionList", json!(["^Reconciliation", "(unclosed"])),
            ("/spec/alerts/0/exclusionList", json!(["[z-a]"])),
        ]),
        &[
            "spec.alerts[0].inclusionList[1]: invalid regular expression `(unclosed`: unclosed group (at character 1)",
            "spec.alerts[0].exclusionList[0]: invalid regular expression `[z-a]`: invalid character class range, the start must be <= the end (at character 2)",
        ],
    );
}

#[test]
fn regexes_must_be_re2() {
    assert_errors(
        with(&[("/spec/alerts/0/inclusionList", json!(["error(?!s)", "(?x) a b", "\\<word\\>"]))]),
        &[
            "spec.alerts[0].inclusionList[0]: invalid regular expression `error(?!s)`: look-around, including look-ahead and look-behind, is not supported (at character 6) (hint: Flux uses Go's RE2 syntax, which has no look-around and no backreferences)",
            "spec.alerts[0].inclusionList[1]: invalid regular expression `(?x) a b`: the flag `x` is not supported by Go's RE2, which Flux uses",
            "spec.alerts[0].inclusionList[2]: invalid regular expression `\\<word\\>`: the word boundary `\\<` is not supported by Go's RE2, which Flux uses",
        ],
    );
    config(&with(&[(
        "/spec/alerts/0/inclusionList",
        json!([
            "(?i)health check (failed|passed)",
            "(?P<rev>[0-9a-f]{7})",
            "\\bok\\b"
        ]),
    )]));
}

#[test]
fn summary_is_deprecated() {
    assert_eq!(
        warnings(&with(&[("/spec/alerts/0/summary", json!("billing is down"))])),
        ["spec.alerts[0].summary: `summary` is deprecated by Flux (hint: put the text in `eventMetadata`, e.g. `eventMetadata: {summary: ...}`)"],
    );
}

#[test]
fn a_summary_and_an_event_metadata_summary_conflict_wherever_each_is_given() {
    // A route's `summary` becomes the Alert's `eventMetadata.summary`: with one given in
    // `eventMetadata` too, per environment, after the merge, the error names the field the
    // environment added (the base's own pair is reported once, at the base).
    let conflict = |at: &str| {
        format!("{at}: the route's `summary` and an `eventMetadata.summary` would both be the Alert's `eventMetadata.summary` (hint: keep one: `eventMetadata.summary` (Flux deprecated the Alert's `summary`))")
    };
    let env = "/spec/environments/staging";
    type Edits = Vec<(String, Value)>;
    let cases: Vec<(&str, Edits, Vec<String>)> = vec![
        (
            "an environment's eventMetadata under a base summary",
            vec![
                ("/spec/alerts/0/summary".into(), json!("down")),
                (format!("{env}/eventMetadata"), json!({"summary": "x"})),
            ],
            vec![conflict("spec.environments.staging.eventMetadata.summary")],
        ),
        (
            "an override's eventMetadata under a base summary",
            vec![
                ("/spec/alerts/0/summary".into(), json!("down")),
                (
                    format!("{env}/alerts"),
                    json!([{"name": "default", "eventMetadata": {"summary": "x"}}]),
                ),
            ],
            vec![conflict(
                "spec.environments.staging.alerts[0].eventMetadata.summary",
            )],
        ),
        (
            "an override's summary under a base eventMetadata",
            vec![
                (
                    "/spec/alerts/0/eventMetadata".into(),
                    json!({"summary": "x"}),
                ),
                (
                    format!("{env}/alerts"),
                    json!([{"name": "default", "summary": "down"}]),
                ),
            ],
            vec![conflict("spec.environments.staging.alerts[0].summary")],
        ),
        (
            "a bare override, a base summary, the environment's eventMetadata",
            vec![
                ("/spec/alerts/0/summary".into(), json!("down")),
                (
                    format!("{env}/alerts"),
                    json!([{"name": "default", "eventSeverity": "error"}]),
                ),
                (format!("{env}/eventMetadata"), json!({"summary": "x"})),
            ],
            vec![conflict("spec.environments.staging.eventMetadata.summary")],
        ),
        (
            "both in the base route, with an environment that adds nothing",
            vec![
                ("/spec/alerts/0/summary".into(), json!("down")),
                (
                    "/spec/alerts/0/eventMetadata".into(),
                    json!({"summary": "x"}),
                ),
                (env.into(), json!({})),
            ],
            vec![conflict("spec.alerts[0].summary")],
        ),
        (
            "an override of the second route, whose base has the summary",
            vec![
                (
                    "/spec/alerts/0/eventMetadata".into(),
                    json!({"summary": "x"}),
                ),
                (
                    "/spec/alerts/-".into(),
                    json!({"name": "oncall", "providerRef": "slack", "summary": "down"}),
                ),
                (
                    format!("{env}/alerts"),
                    json!([{"name": "oncall", "eventMetadata": {"summary": "y"}}]),
                ),
            ],
            vec![conflict(
                "spec.environments.staging.alerts[0].eventMetadata.summary",
            )],
        ),
    ];
    for (case, edits, expected) in cases {
        let mut doc = minimal();
        for (pointer, value) in &edits {
            set(&mut doc, pointer, value.clone());
        }
        assert_eq!(errors(&doc), expected, "{case}");
    }
    // Metadata alone, in the base and in an override, is no conflict: no route has a summary.
    config(&with(&[
        ("/spec/alerts/0/eventMetadata", json!({"summary": "x"})),
        (
            "/spec/environments/staging/alerts",
            json!([{"name": "default", "eventMetadata": {"summary": "y"}}]),
        ),
    ]));
}

#[test]
fn duplicate_applier_kinds_warn() {
    assert_eq!(
        warnings(&with(&[(
            "/spec/appliers",
            json!(["HelmRelease", "HelmRelease"])
        )])),
        ["spec.appliers[1]: `HelmRelease` is listed twice"],
    );
}

// ---------------------------------------------------------------------------------------------
// Providers

#[test]
fn unknown_provider_type_suggests_the_nearest() {
    let found = errors(&provider(json!({"type": "teams"})));
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with("spec.providers[0].type: invalid value `teams`; did you mean `msteams`? (hint: valid values: `slack`, `discord`, `msteams`, "),
        "{}",
        found[0]
    );
    assert!(
        found[0].ends_with("`otel`, `zoom`, `incident.io`)"),
        "{}",
        found[0]
    );
}

#[test]
fn unreleased_provider_types_warn() {
    for type_ in ["zoom", "incident.io"] {
        assert_eq!(
            warnings(&provider(json!({"type": type_, "address": "https://example.com/"}))),
            [format!("spec.providers[0].type: type `{type_}` is not in a released Flux version yet: notification-controller v1.9.3 (Flux v2.9.4) rejects it (hint: it is on notification-controller's main branch; use it only with a controller that has it)")],
        );
    }
    assert!(warnings(&provider(json!({"type": "otel"}))).is_empty());
}

#[test]
fn every_released_type_is_accepted() {
    for type_ in ProviderType::ALL.iter().filter(|t| t.is_released()) {
        let loaded = load(&provider(json!({"type": type_.as_str()}))).unwrap();
        assert!(loaded.warnings.is_empty(), "{type_}: {:?}", loaded.warnings);
    }
    assert_eq!(ProviderType::ALL.len(), 34);
}

#[test]
fn timeout_matches_flux_pattern() {
    for good in ["30s", "1m30s", "500ms", "1.5s", "2m"] {
        config(&provider(json!({"type": "slack", "timeout": good})));
    }
    assert_errors(
        provider(json!({"type": "slack", "timeout": "30"})),
        &["spec.providers[0].timeout: invalid timeout `30`: expected a duration in ms, s or m, such as `30s`, `1m30s` or `500ms` (hint: Flux's pattern is ^([0-9]+(\\.[0-9]+)?(ms|s|m))+$)"],
    );
    assert_errors(
        provider(json!({"type": "slack", "timeout": "1h"})),
        &["spec.providers[0].timeout: invalid timeout `1h`: expected a duration in ms, s or m, such as `30s`, `1m30s` or `500ms` (hint: Flux's Provider timeout does not accept hours; write minutes, e.g. `60m`)"],
    );
}

#[test]
fn address_must_be_http_or_https() {
    assert_errors(
        provider(json!({"type": "generic", "address": "ftp://files.example.com"})),
        &["spec.providers[0].address: address scheme `ftp` is not supported; expected http:// or https://"],
    );
    assert_errors(
        provider(json!({"type": "generic", "address": "hooks.example.com/x"})),
        &["spec.providers[0].address: address must be a URL starting with http:// or https://"],
    );
    assert_errors(
        provider(json!({"type": "generic", "address": "https:///path"})),
        &["spec.providers[0].address: address has no host"],
    );
    config(&provider(
        json!({"type": "generic", "address": "HTTPS://hooks.example.com:8443/flux?team=billing"}),
    ));
}

#[test]
fn address_must_not_embed_userinfo() {
    assert_errors(
        provider(json!({"type": "sentry", "address": "https://abc123@o1.ingest.sentry.io/42"})),
        &[&format!("spec.providers[0].address: address must not contain credentials (`user:password@`) (hint: {SECRET_HINT})")],
    );
}

#[test]
fn address_must_not_embed_token_parameters() {
    for name in [
        "token",
        "key",
        "sig",
        "secret",
        "password",
        "apikey",
        "api_key",
        "access_token",
    ] {
        assert_errors(
            provider(json!({"type": "googlechat", "address": format!("https://chat.example.com/v1?a=1&{name}=xyz")})),
            &[&format!("spec.providers[0].address: address must not contain the credential-like query parameter `{name}` (hint: {SECRET_HINT})")],
        );
    }
}

#[test]
fn address_must_not_be_a_secret_webhook_url() {
    assert_errors(
        provider(json!({"type": "slack", "address": "https://hooks.slack.com/services/T000/B000/XXXX"})),
        &[&format!("spec.providers[0].address: address is a Slack incoming webhook URL, whose path is itself a secret (hint: {SECRET_HINT})")],
    );
    assert_errors(
        provider(json!({"type": "discord", "address": "https://discord.com/api/webhooks/1/abc"})),
        &[&format!("spec.providers[0].address: address is a Discord webhook URL, whose path is itself a secret (hint: {SECRET_HINT})")],
    );
    config(&provider(
        json!({"type": "slack", "address": "https://slack.com/api/chat.postMessage"}),
    ));
}

#[test]
fn address_of_identifier_and_nats_types() {
    config(&provider(
        json!({"type": "googlepubsub", "address": "my-gcp-project", "channel": "flux"}),
    ));
    config(&provider(
        json!({"type": "azureeventhub", "address": "flux-events"}),
    ));
    config(&provider(
        json!({"type": "nats", "address": "nats://nats-1:4222,tls://nats-2:4222"}),
    ));
    assert_errors(
        provider(json!({"type": "azureeventhub", "address": "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKey=abc"})),
        &[&format!("spec.providers[0].address: the address of a `azureeventhub` Provider is the Event Hub name, not a URL or connection string (hint: {SECRET_HINT})")],
    );
    assert_errors(
        provider(json!({"type": "nats", "address": "nats://user:pass@nats:4222"})),
        &[&format!("spec.providers[0].address: address must not contain credentials (`user:password@`) (hint: {SECRET_HINT})")],
    );
    assert_errors(
        provider(json!({"type": "nats", "address": "https://nats:4222"})),
        &["spec.providers[0].address: address scheme `https` is not supported; expected nats:// or tls:// or ws:// or wss://"],
    );
}

#[test]
fn address_credentials_are_reported_even_when_the_type_is_wrong() {
    let found = errors(&provider(
        json!({"type": "slak", "address": "https://u:p@example.com"}),
    ));
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(
        found[1],
        format!("spec.providers[0].address: address must not contain credentials (`user:password@`) (hint: {SECRET_HINT})")
    );
}

#[test]
fn commit_status_expr_only_on_git_types() {
    assert_errors(
        provider(json!({"type": "slack", "commitStatusExpr": "'ok'"})),
        &["spec.providers[0].commitStatusExpr: `commitStatusExpr` is only supported by the `github`, `gitlab`, `gitea`, `bitbucketserver`, `bitbucket`, `azuredevops` provider types, not `slack` (hint: remove `commitStatusExpr`, or use a git provider type)"],
    );
    for type_ in [
        "github",
        "gitlab",
        "gitea",
        "bitbucketserver",
        "bitbucket",
        "azuredevops",
    ] {
        config(&provider(
            json!({"type": type_, "commitStatusExpr": "'ok'"}),
        ));
    }
}

#[test]
fn service_account_excludes_secret_ref() {
    assert_errors(
        provider(json!({"type": "googlepubsub", "serviceAccountName": "pubsub", "secretRef": {"name": "creds"}})),
        &["spec.providers[0].serviceAccountName: cannot be combined with `secretRef`: Flux rejects static credentials alongside workload identity (hint: remove `secretRef` to authenticate as the ServiceAccount, or remove `serviceAccountName` to use the Secret)"],
    );
}

#[test]
fn providers_no_route_references_warn() {
    let mut doc = provider(json!({"type": "slack"}));
    set(
        &mut doc,
        "/spec/alerts/0/providerRef",
        json!({"name": "slak"}),
    );
    set(
        &mut doc,
        "/spec/environments/staging/providers",
        json!([{"name": "hook", "channel": "staging"}, {"name": "pager", "type": "pagerduty"}]),
    );
    set(
        &mut doc,
        "/spec/environments/production/alerts",
        json!([{"name": "oncall", "providerRef": "pager"}]),
    );
    // `hook` is referenced nowhere (its staging override neither); `pager` by production.
    assert_eq!(
        warnings(&doc),
        [
            "spec.providers[0].name: Provider `hook` is referenced by no route, so it is not generated (hint: reference it from a route's `providerRef` in `spec.alerts` (or an environment's `alerts`), or remove it)",
            "spec.environments.staging.providers[0].name: Provider `hook` is referenced by no route, so it is not generated (hint: reference it from a route's `providerRef` in `spec.alerts` (or an environment's `alerts`), or remove it)",
        ]
    );
}

#[test]
fn service_account_on_other_types_warns() {
    assert_eq!(
        warnings(&provider(json!({"type": "slack", "serviceAccountName": "bot"}))),
        ["spec.providers[0].serviceAccountName: Flux uses `serviceAccountName` only with `azureeventhub`, `azuredevops`, `googlepubsub` Providers; it is ignored for `slack`"],
    );
}

#[test]
fn provider_type_is_required() {
    assert_errors(
        provider(json!({"channel": "x"})),
        &["spec.providers[0].type: missing required field (hint: one of Flux's Provider types, e.g. `type: slack`)"],
    );
}

// ---------------------------------------------------------------------------------------------
// Output path

#[test]
fn output_path_is_a_relative_yaml_file_inside_the_package() {
    let hint = "it is relative to the config's directory, e.g. `notifications/billing.yaml`";
    let cases = [
        ("/etc/alerts.yaml", format!("invalid outputPath `/etc/alerts.yaml`: must be a relative path (hint: {hint})")),
        ("C:/alerts.yaml", format!("invalid outputPath `C:/alerts.yaml`: must be a relative path (hint: {hint})")),
        ("generated/../../x.yaml", format!("invalid outputPath `generated/../../x.yaml`: must not contain `..`; generated files stay inside the package (hint: {hint})")),
        ("generated\\x.yaml", "invalid outputPath `generated\\x.yaml`: use `/` as the separator".to_owned()),
        ("generated/", format!("invalid outputPath `generated/`: must name a file (hint: {hint})")),
        ("alerts.json", "invalid outputPath `alerts.json`: must end in `.yaml` or `.yml` (hint: kpt and kustomize read generated objects back only from YAML files)".to_owned()),
    ];
    for (path, message) in cases {
        assert_errors(
            with(&[("/spec/outputPath", json!(path))]),
            &[&format!("spec.outputPath: {message}")],
        );
    }
    config(&with(&[(
        "/spec/outputPath",
        json!("generated/billing.notifications.yml"),
    )]));
}

// ---------------------------------------------------------------------------------------------
// Environment overrides: same rules, their own paths

#[test]
fn overrides_are_validated_with_environment_paths() {
    assert_errors(
        with(&[(
            "/spec/environments/production",
            json!({
                "alerts": [
                    {"name": "default", "eventSeverity": "eror", "inclusionList": ["("]},
                    {"name": "Chat", "providerRef": "slack"}
                ],
                "providers": [{"name": "slack", "type": "slack", "timeout": "5"}],
                "placement": {"namespace": "Alerts", "mode": "single"}
            }),
        )]),
        &[
            "spec.environments.production.alerts[0].eventSeverity: invalid value `eror`; did you mean `error`? (hint: valid values: `info`, `error`)",
            "spec.environments.production.alerts[0].inclusionList[0]: invalid regular expression `(`: unclosed group (at character 1)",
            &format!("spec.environments.production.alerts[1].name: invalid route name `Chat`: contains `C`; only lowercase letters, digits and `-` are allowed (hint: route names are {LABEL_RULE}; try `chat`)"),
            "spec.environments.production.providers[0].timeout: invalid timeout `5`: expected a duration in ms, s or m, such as `30s`, `1m30s` or `500ms` (hint: Flux's pattern is ^([0-9]+(\\.[0-9]+)?(ms|s|m))+$)",
            &format!("spec.environments.production.placement.namespace: invalid namespace `Alerts`: contains `A`; only lowercase letters, digits and `-` are allowed (hint: namespaces are {LABEL_RULE}; try `alerts`)"),
        ],
    );
}

#[test]
fn a_new_route_in_an_environment_needs_a_provider_ref() {
    assert_errors(
        with(&[("/spec/environments/production/alerts", json!([{"name": "chat", "eventSeverity": "error"}]))]),
        &["spec.environments.production.alerts[0].providerRef: missing required field (hint: route `chat` is not in `spec.alerts`, so this entry adds a route and needs a providerRef)"],
    );
}

#[test]
fn a_new_provider_in_an_environment_needs_a_type() {
    assert_errors(
        with(&[("/spec/environments/production/providers", json!([{"name": "pagerduty", "channel": "P1"}]))]),
        &["spec.environments.production.providers[0].type: missing required field (hint: Provider `pagerduty` is not in `spec.providers`, so this entry adds a Provider and needs a type, e.g. `type: slack`)"],
    );
}

#[test]
fn override_entries_need_a_name_and_unique_names() {
    assert_errors(
        with(&[(
            "/spec/environments/production",
            json!({"alerts": [{"name": "chat", "providerRef": "a"}, {"name": "chat", "providerRef": "b"}], "providers": [{"type": "slack"}]}),
        )]),
        &[
            "spec.environments.production.alerts[1].name: duplicate route name `chat`: also at spec.environments.production.alerts[0] (hint: routes are merged by name, so each needs its own)",
            "spec.environments.production.providers[0].name: missing required field (hint: Providers are referenced and merged by name)",
        ],
    );
}

#[test]
fn cross_field_rules_apply_to_the_merged_provider() {
    let base = json!([{"name": "git", "type": "github", "commitStatusExpr": "'ok'"}]);
    // The environment changes only the type: the base's expression no longer fits, and the
    // type the environment wrote is blamed.
    assert_errors(
        with(&[("/spec/providers", base.clone()), ("/spec/environments/production/providers", json!([{"name": "git", "type": "slack"}]))]),
        &["spec.environments.production.providers[0].type: `commitStatusExpr` is only supported by the `github`, `gitlab`, `gitea`, `bitbucketserver`, `bitbucket`, `azuredevops` provider types, not `slack` (hint: remove `commitStatusExpr`, or use a git provider type)"],
    );
    // A problem of the base is reported once, at the base.
    let bad_base =
        json!([{"name": "hook", "type": "generic", "address": "https://u:p@example.com"}]);
    assert_errors(
        with(&[("/spec/providers", bad_base), ("/spec/environments/production/providers", json!([{"name": "hook", "channel": "x"}]))]),
        &[&format!("spec.providers[0].address: address must not contain credentials (`user:password@`) (hint: {SECRET_HINT})")],
    );
    // An environment's address is checked against the merged type.
    assert_errors(
        with(&[("/spec/providers", base), ("/spec/environments/production/providers", json!([{"name": "git", "address": "https://github.com/org/repo?access_token=x"}]))]),
        &[&format!("spec.environments.production.providers[0].address: address must not contain the credential-like query parameter `access_token` (hint: {SECRET_HINT})")],
    );
}

// ---------------------------------------------------------------------------------------------
// Merge rules (semantics §3)

#[test]
fn environments_merge_golden() {
    let input: Value = serde_json::from_str(include_str!("config/merge.input.json")).unwrap();
    let config = config(&input);
    let mut actual = serde_json::Map::new();
    for env in [
        None,
        Some("production"),
        Some("staging"),
        Some("dev"),
        Some("qa"),
    ] {
        let effective = config.for_environment(env);
        actual.insert(
            env.unwrap_or("<none>").to_owned(),
            serde_json::to_value(effective).unwrap(),
        );
    }
    let actual = Value::Object(actual);
    let expected_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/config/merge.expected.json"
    );
    // UPDATE_GOLDEN=1 rewrites the expectation; review the diff before keeping it.
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let text = serde_json::to_string_pretty(&actual).unwrap() + "\n";
        std::fs::write(expected_path, text).unwrap();
    }
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(expected_path).unwrap()).unwrap();
    assert_eq!(
        actual,
        expected,
        "actual:\n{}",
        serde_json::to_string_pretty(&actual).unwrap()
    );
}

#[test]
fn disabled_environment_yields_nothing() {
    let config = config(&with(&[("/spec/environments/dev/disabled", json!(true))]));
    assert_eq!(config.for_environment(Some("dev")), None);
    assert!(config.for_environment(Some("prod")).is_some());
    assert!(config.for_environment(None).is_some());
}

#[test]
fn placement_namespace_falls_back_to_metadata_namespace() {
    let config = config(&with(&[
        ("/spec/placement/namespace", json!("alerts")),
        ("/spec/environments/dev/placement/namespace", json!("")),
    ]));
    assert_eq!(
        config
            .for_environment(None)
            .unwrap()
            .placement
            .namespace
            .as_deref(),
        Some("alerts")
    );
    assert_eq!(
        config
            .for_environment(Some("dev"))
            .unwrap()
            .placement
            .namespace
            .as_deref(),
        Some("apps")
    );
}

#[test]
fn route_metadata_beats_environment_metadata() {
    let config = config(&with(&[
        ("/spec/alerts/0/eventMetadata", json!({"team": "payments"})),
        (
            "/spec/environments/prod/eventMetadata",
            json!({"team": "sre", "region": "eu"}),
        ),
        (
            "/spec/environments/prod/alerts",
            json!([{"name": "default", "eventMetadata": {"region": "us"}}]),
        ),
    ]));
    let routes = config.for_environment(Some("prod")).unwrap().routes;
    assert_eq!(
        serde_json::to_value(&routes[0].event_metadata).unwrap(),
        json!({"region": "us", "team": "payments"})
    );
}

// ---------------------------------------------------------------------------------------------
// Selector matching

#[test]
fn selector_matching_table() {
    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }
    fn requirement(
        key: &str,
        operator: SelectorOperator,
        values: &[&str],
    ) -> LabelSelectorRequirement {
        LabelSelectorRequirement {
            key: key.into(),
            operator,
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }
    type Case = (LabelSelector, &'static [(&'static str, &'static str)], bool);
    use SelectorOperator::*;
    let app = BTreeMap::from([("app".to_owned(), "billing".to_owned())]);
    let cases: Vec<Case> = vec![
        (LabelSelector::default(), &[], true),
        (LabelSelector::default(), &[("x", "y")], true),
        (
            LabelSelector {
                match_labels: app.clone(),
                ..Default::default()
            },
            &[("app", "billing")],
            true,
        ),
        (
            LabelSelector {
                match_labels: app.clone(),
                ..Default::default()
            },
            &[("app", "billing"), ("tier", "web")],
            true,
        ),
        (
            LabelSelector {
                match_labels: app.clone(),
                ..Default::default()
            },
            &[("app", "payments")],
            false,
        ),
        (
            LabelSelector {
                match_labels: app.clone(),
                ..Default::default()
            },
            &[],
            false,
        ),
        (
            LabelSelector {
                match_expressions: vec![requirement("tier", In, &["web", "api"])],
                ..Default::default()
            },
            &[("tier", "api")],
            true,
        ),
        (
            LabelSelector {
                match_expressions: vec![requirement("tier", In, &["web", "api"])],
                ..Default::default()
            },
            &[("tier", "db")],
            false,
        ),
        (
            LabelSelector {
                match_expressions: vec![requirement("tier", In, &["web"])],
                ..Default::default()
            },
            &[],
            false,
        ),
        (
            LabelSelector {
                match_expressions: vec![requirement("tier", NotIn, &["db"])],
                ..Default::default()
            },
            &[("tier", "web")],
            true,
        ),
        (
            LabelSelector {
                match_expressions: vec![requirement("tier", NotIn, &["db"])],
                ..Default::default()
            },
            &[("tier", "db")],
            false,
        ),
        (
            LabelSelector {
                match_expressions: vec![requirement("tier", NotIn, &["db"])],
                ..Default::default()
            },
            &[],
            true,
        ),
        (
            LabelSelector {
                match_expressions: vec![requirement("canary", Exists, &[])],
                ..Default::default()
            },
            &[("canary", "")],
            true,
        ),
        (
            LabelSelector {
                match_expressions: vec![requirement("canary", Exists, &[])],
                ..Default::default()
            },
            &[],
            false,
        ),
        (
            LabelSelector {
                match_expressions: vec![requirement("canary", DoesNotExist, &[])],
                ..Default::default()
            },
            &[],
            true,
        ),
        (
            LabelSelector {
                match_expressions: vec![requirement("canary", DoesNotExist, &[])],
                ..Default::default()
            },
            &[("canary", "true")],
            false,
        ),
        (
            LabelSelector {
                match_labels: app,
                match_expressions: vec![requirement("tier", NotIn, &["db"])],
            },
            &[("app", "billing"), ("tier", "db")],
            false,
        ),
    ];
    for (i, (selector, given, expected)) in cases.into_iter().enumerate() {
        assert_eq!(
            selector.matches(&labels(given)),
            expected,
            "case {i}: {selector:?} on {given:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// ConfigMap functionConfig

fn config_map(data: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "function-input"}, "data": data})
}

/// The errors of a ConfigMap functionConfig with `data`, as the user reads them.
fn config_map_errors(data: Value) -> Vec<String> {
    from_config_map(&config_map(data))
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn config_map_maps_keys_onto_one_route() {
    let loaded = from_config_map(&config_map(json!({
        "app": "billing",
        "environment": "production",
        "providerRef": "slack",
        "eventSeverity": "error",
        "sources": "referenced",
        "eventSources": "hybrid",
        "namespace": "alerts"
    })))
    .unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let config = loaded.config;
    assert_eq!(config.api_version, API_VERSION);
    assert_eq!(config.kind, KIND);
    assert_eq!(config.metadata.name, "function-input");
    assert_eq!(config.app(), "billing");
    assert_eq!(config.spec.environment.as_deref(), Some("production"));
    assert_eq!(config.spec.sources, Sources::Referenced);
    assert_eq!(config.spec.event_sources, EventSources::Hybrid);
    assert_eq!(config.spec.placement.namespace.as_deref(), Some("alerts"));
    assert_eq!(config.spec.alerts.len(), 1);
    let route = &config.spec.alerts[0];
    assert_eq!(route.name, "default");
    assert_eq!(route.provider_ref.name, "slack");
    assert_eq!(route.event_severity, EventSeverity::Error);
}

#[test]
fn config_map_app_defaults_to_metadata_name() {
    let mut doc = config_map(json!({"providerRef": "slack", "environmentLabel": "env"}));
    doc["metadata"]["name"] = json!("billing");
    let loaded = from_config_map(&doc).unwrap();
    assert_eq!(loaded.config.app(), "billing");
    assert_eq!(loaded.config.spec.environment_label.as_deref(), Some("env"));
    let warnings: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings, ["data.app: not set; the app name is metadata.name `billing` (hint: set `app`, e.g. `app=billing`)"]);
}

#[test]
fn config_map_unknown_key_lists_valid_keys() {
    let found = config_map_errors(
        json!({"app": "billing", "providerRef": "slack", "namspace": "x", "channel": "y"}),
    );
    let keys = "valid keys: `app`, `environment`, `environmentLabel`, `providerRef`, `eventSeverity`, `sources`, `eventSources`, `namespace`, `mode`";
    assert_eq!(
        found,
        [
            format!("data.namspace: unknown key; did you mean `namespace`? (hint: {keys})"),
            format!("data.channel: unknown key (hint: {keys})"),
        ]
    );
}

#[test]
fn config_map_mode_other_than_check_is_an_error_at_data_mode() {
    let found =
        config_map_errors(json!({"app": "billing", "providerRef": "slack", "mode": "chek"}));
    assert_eq!(
        found,
        ["data.mode: `chek` is not a mode (hint: `mode: check` makes the function a validator; leave `mode` out to generate)"]
    );
    let found = config_map_errors(json!({"app": "billing", "mode": 1}));
    assert!(
        found[0].starts_with("data.mode: a number is not a mode"),
        "{found:?}"
    );
}

#[test]
fn config_map_mode_check_is_not_part_of_the_config() {
    let loaded = from_config_map(&config_map(
        json!({"app": "billing", "providerRef": "slack", "mode": "check"}),
    ))
    .unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.config.spec.alerts[0].provider_ref.name, "slack");
}

#[test]
fn config_map_problems_point_at_data_keys() {
    let found = config_map_errors(json!({
        "app": "Billing",
        "eventSeverity": "errors",
        "environment": "prod",
        "environmentLabel": "env",
        "namespace": "alerts_ns",
        "eventSources": 3
    }));
    assert_eq!(
        found,
        [
            format!("data.app: invalid app name `Billing`: contains `B`; only lowercase letters, digits and `-` are allowed (hint: app names are {LABEL_RULE}; try `billing`)"),
            "data.eventSeverity: invalid value `errors`; did you mean `error`? (hint: valid values: `info`, `error`)".to_owned(),
            "data.environmentLabel: cannot be combined with `spec.environment` (hint: set `environment` for a build of one environment, or `environmentLabel` for one app instance per value of that applier label, not both)".to_owned(),
            format!("data.namespace: invalid namespace `alerts_ns`: contains `_`; only lowercase letters, digits and `-` are allowed (hint: namespaces are {LABEL_RULE}; try `alerts-ns`)"),
            "data.eventSources: expected a string, got a number (hint: ConfigMap data values are strings; quote the value)".to_owned(),
            "data.providerRef: missing required key (hint: the name of the Flux Provider to send to, e.g. `kpt fn eval … -- app=billing providerRef=slack`)".to_owned(),
        ]
    );
}

#[test]
fn config_map_must_be_a_v1_config_map() {
    let found: Vec<String> = from_config_map(&json!({"apiVersion": "v2", "kind": "Secret"}))
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        found,
        [
            "apiVersion: a ConfigMap functionConfig has `apiVersion: v1`",
            "kind: expected `ConfigMap` (hint: a full config is `apiVersion: app-notifications.dev/v1alpha1`, `kind: AppNotifications`)",
        ]
    );
}

#[test]
fn function_config_is_read_in_either_form() {
    assert_eq!(
        load_function_config(&minimal()).unwrap().config.app(),
        "billing"
    );
    let from_map =
        load_function_config(&config_map(json!({"app": "shop", "providerRef": "slack"}))).unwrap();
    assert_eq!(from_map.config.app(), "shop");
}

// ---------------------------------------------------------------------------------------------
// Schemas

#[test]
fn json_schema_describes_the_config() {
    let schema = json_schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["type"], "object");
    assert_eq!(
        schema["required"],
        json!(["apiVersion", "kind", "metadata", "spec"])
    );
    assert_eq!(schema["properties"]["apiVersion"]["const"], API_VERSION);
    assert_eq!(schema["properties"]["spec"]["$ref"], "#/$defs/Spec");
    let spec = &schema["$defs"]["Spec"];
    assert_eq!(spec["additionalProperties"], false);
    assert_eq!(spec["required"], json!(["alerts"]));
    assert_eq!(spec["properties"]["alerts"]["minItems"], 1);
    assert_eq!(spec["properties"]["sources"]["default"], "owned");
    assert!(spec["properties"]["alerts"]["description"]
        .as_str()
        .unwrap()
        .contains("one Alert per app instance"));
    let provider = &schema["$defs"]["Provider"]["properties"];
    for field in [
        "name",
        "type",
        "channel",
        "username",
        "address",
        "secretRef",
        "certSecretRef",
        "proxySecretRef",
        "serviceAccountName",
        "timeout",
        "suspend",
        "commitStatusExpr",
    ] {
        assert!(provider.get(field).is_some(), "Provider.{field}");
    }
    assert!(provider.get("proxy").is_none() && provider.get("interval").is_none());
    assert_eq!(
        schema["$defs"]["ProviderType"]["enum"]
            .as_array()
            .unwrap()
            .len(),
        34
    );
}

#[test]
fn openapi_schema_is_structural() {
    fn visit(node: &Value, path: &str, properties_of: bool) {
        let Value::Object(map) = node else { return };
        if !properties_of {
            for banned in [
                "$ref",
                "$schema",
                "$defs",
                "const",
                "anyOf",
                "oneOf",
                "allOf",
                "uniqueItems",
            ] {
                assert!(!map.contains_key(banned), "{banned} at {path}");
            }
            assert_ne!(
                map.get("additionalProperties"),
                Some(&Value::Bool(false)),
                "at {path}"
            );
            if let Some(t) = map.get("type") {
                assert!(t.is_string(), "type at {path} is {t}");
            } else {
                assert_eq!(
                    map.get("x-kubernetes-preserve-unknown-fields"),
                    Some(&Value::Bool(true)),
                    "no type at {path}"
                );
            }
        }
        for (key, child) in map {
            if properties_of || ["items", "additionalProperties"].contains(&key.as_str()) {
                visit(child, &format!("{path}/{key}"), false);
            } else if key == "properties" {
                visit(child, &format!("{path}/properties"), true);
            }
        }
    }
    let schema = openapi_v3();
    visit(&schema, "", false);
    assert_eq!(schema["properties"]["metadata"], json!({"type": "object"}));
    let spec = &schema["properties"]["spec"]["properties"];
    assert_eq!(
        spec["alerts"]["items"]["properties"]["eventSeverity"]["enum"],
        json!(["info", "error"])
    );
    assert_eq!(spec["app"]["nullable"], true);
    assert_eq!(spec["selector"]["type"], "object");
    assert_eq!(spec["selector"]["nullable"], true);
    assert_eq!(
        spec["alerts"]["items"]["properties"]["providerRef"]
            ["x-kubernetes-preserve-unknown-fields"],
        true
    );
    assert_eq!(
        spec["environments"]["additionalProperties"]["properties"]["alerts"]["type"],
        "array"
    );
}

// ---------------------------------------------------------------------------------------------
// Robustness

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        prop::sample::select(vec![
            "",
            "default",
            "slack",
            "info",
            "error",
            "names",
            "selector",
            "hybrid",
            "owned",
            "In",
            "Exists",
            "github",
            "zoom",
            "30s",
            "1h",
            "(",
            "a(?=b)",
            "(?x)",
            "..",
            "/abs.yaml",
            "https://u:p@x",
            "https://x/?token=1",
            "nats://n:4222",
            "Prod",
            "app.kubernetes.io/name",
            "-",
            "é",
            "\u{0}",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    prop::sample::select(vec![
                        "apiVersion",
                        "kind",
                        "metadata",
                        "spec",
                        "name",
                        "alerts",
                        "providerRef",
                        "providers",
                        "type",
                        "environments",
                        "selector",
                        "matchLabels",
                        "matchExpressions",
                        "data",
                        "app",
                        "address",
                        "placement",
                        "key",
                        "operator",
                        "values",
                    ])
                    .prop_map(str::to_owned),
                    "[a-zA-Z./]{0,8}",
                ],
                inner,
                0..5,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn full_config() -> Value {
    let mut doc: Value = serde_json::from_str(include_str!("config/merge.input.json")).unwrap();
    doc["spec"]["selector"] = json!({"matchLabels": {"app.kubernetes.io/name": "billing"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["web"]}]});
    doc
}

const MUTATION_POINTS: &[&str] = &[
    "/apiVersion",
    "/metadata",
    "/metadata/name",
    "/spec",
    "/spec/alerts",
    "/spec/alerts/0",
    "/spec/alerts/0/providerRef",
    "/spec/alerts/0/eventMetadata",
    "/spec/alerts/1/providerRef/name",
    "/spec/providers",
    "/spec/providers/0",
    "/spec/providers/0/type",
    "/spec/providers/1/address",
    "/spec/selector",
    "/spec/selector/matchExpressions/0",
    "/spec/environments",
    "/spec/environments/production",
    "/spec/environments/production/alerts/0",
    "/spec/environments/production/providers/1",
    "/spec/environments/staging/placement",
    "/spec/eventSources",
    "/spec/environment",
    "/spec/outputPath",
];

fn near_valid() -> impl Strategy<Value = Value> {
    prop::collection::vec(
        (
            prop::sample::select(MUTATION_POINTS),
            prop::option::of(arb_json()),
        ),
        1..4,
    )
    .prop_map(|mutations| {
        let mut doc = full_config();
        for (pointer, value) in mutations {
            let (parent, key) = pointer.rsplit_once('/').unwrap();
            match (doc.pointer_mut(parent), value) {
                (Some(Value::Object(map)), Some(value)) => {
                    map.insert(key.to_owned(), value);
                }
                (Some(Value::Object(map)), None) => {
                    map.remove(key);
                }
                (Some(Value::Array(items)), value) => {
                    if let Ok(i) = key.parse::<usize>() {
                        if i < items.len() {
                            match value {
                                Some(value) => items[i] = value,
                                None => {
                                    items.remove(i);
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        doc
    })
}

fn exercise(doc: &Value) {
    if let Ok(loaded) = load(doc) {
        let config = loaded.config;
        let _ = config.selector();
        let _ = config.for_environment(None);
        for env in config.spec.environments.keys() {
            let _ = config.for_environment(Some(env));
        }
    }
    for error in load(doc).err().unwrap_or_default() {
        assert!(!error.message.is_empty());
    }
    let _ = from_config_map(doc);
    let _ = load_function_config(doc);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn load_never_panics_on_arbitrary_json(doc in arb_json()) {
        exercise(&doc);
    }

    #[test]
    fn load_never_panics_on_near_valid_configs(doc in near_valid()) {
        exercise(&doc);
    }

    #[test]
    fn config_map_never_panics(data in arb_json()) {
        exercise(&json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": data}));
    }
}

#[test]
fn the_full_config_used_by_the_properties_is_valid() {
    config(&full_config());
}

#[test]
fn config_map_without_data_needs_a_provider_ref() {
    let doc = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "billing", "namespace": "apps"}});
    let found: Vec<String> = from_config_map(&doc)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        found,
        ["data.providerRef: missing required key (hint: the name of the Flux Provider to send to, e.g. `kpt fn eval … -- app=billing providerRef=slack`)"]
    );
    let mut doc = doc;
    doc["data"] = json!({"providerRef": "slack"});
    let config = from_config_map(&doc).unwrap().config;
    assert_eq!(config.metadata.namespace.as_deref(), Some("apps"));
    assert_eq!(
        config
            .for_environment(None)
            .unwrap()
            .placement
            .namespace
            .as_deref(),
        Some("apps")
    );
}

#[test]
fn config_error_display() {
    use app_notifications::config::ConfigError;
    assert_eq!(ConfigError::new("", "bad").to_string(), "bad");
    assert_eq!(
        ConfigError::new("spec.app", "bad")
            .with_hint("fix it")
            .to_string(),
        "spec.app: bad (hint: fix it)"
    );
}
