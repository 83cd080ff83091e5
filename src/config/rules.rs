//! Semantic rules: what the schema cannot say (name syntax, regexes, credentials in addresses,
//! fields that exclude each other, duplicate names, overrides that add incomplete entries).
//!
//! The rules read the value the structural check left behind, one typed piece at a time, so a
//! broken route does not hide the problems of the next one.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::address;
use super::effective::merge_provider;
use super::error::{field, index, Problem, Report};
use super::model::{
    EventSources, LabelSelectorRequirement, ObjectMeta, Provider, ProviderOverride, ProviderRef,
    RouteOverride, SelectorOperator,
};
use super::names;
use super::provider_type::{COMMIT_STATUS_TYPES, WORKLOAD_IDENTITY_TYPES};
use super::suggest::backticked;
use super::values;

/// Checks the structurally `pruned` config; `original` is consulted only where pruning could
/// make a value look emptier than the user wrote it.
pub(crate) fn check_rules(original: &Value, pruned: &Value, report: &mut Report) {
    let meta: Option<ObjectMeta> = typed(pruned.get("metadata"));
    if let Some(meta) = &meta {
        check_metadata(meta, report);
    }
    let Some(spec) = pruned.get("spec").filter(|spec| spec.is_object()) else {
        return;
    };
    let text = |key: &str| {
        spec.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };

    match (text("app"), &meta) {
        (Some(app), _) => report.record("spec.app", names::dns_label("app name", app)),
        (None, Some(meta)) if names::dns_subdomain("config name", &meta.name).is_ok() => {
            if let Err(problem) = names::dns_label("app name", &meta.name) {
                let hint = problem.hint.unwrap_or_default();
                report.error(
                    Problem::new(problem.message)
                        .hint(format!(
                            "`spec.app` is not set, so `metadata.name` is the app name; {hint}"
                        ))
                        .at("metadata.name"),
                );
            }
        }
        _ => {}
    }
    if let Some(env) = text("environment") {
        report.record(
            "spec.environment",
            names::dns_label("environment name", env),
        );
    }
    if let Some(label) = text("environmentLabel") {
        report.record("spec.environmentLabel", names::label_key(label));
        if text("environment").is_some() {
            report.error(
                Problem::new("cannot be combined with `spec.environment`")
                    .hint("set `environment` for a build of one environment, or `environmentLabel` for one app instance per value of that applier label, not both")
                    .at("spec.environmentLabel"),
            );
        }
    }
    let original_selector = original.get("spec").and_then(|spec| spec.get("selector"));
    if let Some(selector) = spec.get("selector") {
        check_selector(selector, original_selector, report);
    }
    check_expressions_with_event_sources(original, pruned, report);
    check_appliers(spec.get("appliers"), report);
    if let Some(namespace) = spec
        .get("placement")
        .and_then(|p| p.get("namespace"))
        .and_then(Value::as_str)
        .filter(|ns| !ns.is_empty())
    {
        report.record(
            "spec.placement.namespace",
            names::dns_label("namespace", namespace),
        );
    }
    let annotate = spec.get("annotateAppliers").and_then(Value::as_bool) == Some(true);
    let routes = check_routes(spec.get("alerts"), "spec.alerts", None, annotate, report);
    let providers = check_base_providers(spec.get("providers"), report);
    if let Some(environments) = spec.get("environments").and_then(Value::as_object) {
        for (env, overrides) in environments {
            let path = field("spec.environments", env);
            report.record(&path, names::dns_label("environment name", env));
            check_environment(overrides, &path, &routes, &providers, annotate, report);
        }
    }
    check_summaries(spec, report);
    check_unreferenced_providers(spec, report);
    if let Some(output) = text("outputPath") {
        report.record("spec.outputPath", values::output_path(output));
    }
}

/// A Provider no route references is never generated: most often a typo in a `providerRef`
/// or a route removed without its Provider, both worth a word rather than silence.
fn check_unreferenced_providers(spec: &Value, report: &mut Report) {
    let environments: Vec<(String, &Value)> = spec
        .get("environments")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(env, overrides)| (field("spec.environments", env), overrides))
        .collect();
    let scopes = std::iter::once(("spec".to_string(), spec)).chain(environments);
    let mut referenced = Vec::new();
    let mut defined = Vec::new();
    for (path, scope) in scopes {
        for (_, route) in items(scope.get("alerts")) {
            if let Some(reference) = typed::<ProviderRef>(route.get("providerRef")) {
                referenced.push(reference.name);
            }
        }
        for (i, provider) in items(scope.get("providers")) {
            if let Some(name) = provider.get("name").and_then(Value::as_str) {
                defined.push((name, index(&field(&path, "providers"), i)));
            }
        }
    }
    for (name, path) in defined {
        if !referenced.iter().any(|r| r == name) {
            report.warn(
                Problem::new(format!(
                    "Provider `{name}` is referenced by no route, so it is not generated"
                ))
                .hint("reference it from a route's `providerRef` in `spec.alerts` (or an environment's `alerts`), or remove it")
                .at(&field(&path, "name")),
            );
        }
    }
}

fn typed<T: DeserializeOwned>(value: Option<&Value>) -> Option<T> {
    T::deserialize(value?).ok()
}

fn items(value: Option<&Value>) -> impl Iterator<Item = (usize, &Value)> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .filter(|(_, item)| !item.is_null())
}

fn check_metadata(meta: &ObjectMeta, report: &mut Report) {
    report.record(
        "metadata.name",
        names::dns_subdomain("config name", &meta.name),
    );
    if let Some(namespace) = meta.namespace.as_deref().filter(|ns| !ns.is_empty()) {
        report.record(
            "metadata.namespace",
            names::dns_label("namespace", namespace),
        );
    }
    for (key, value) in &meta.labels {
        let path = field("metadata.labels", key);
        report.record(&path, names::label_key(key));
        report.record(&path, names::label_value(value));
    }
    for key in meta.annotations.keys() {
        report.record(&field("metadata.annotations", key), names::label_key(key));
    }
}

fn check_selector(selector: &Value, original: Option<&Value>, report: &mut Report) {
    let path = "spec.selector";
    let labels: BTreeMap<String, String> = typed(selector.get("matchLabels")).unwrap_or_default();
    for (key, value) in &labels {
        let entry = field(&field(path, "matchLabels"), key);
        report.record(&entry, names::label_key(key));
        report.record(&entry, names::label_value(value));
    }
    let expressions_path = field(path, "matchExpressions");
    for (i, item) in items(selector.get("matchExpressions")) {
        if let Some(requirement) = typed::<LabelSelectorRequirement>(Some(item)) {
            check_requirement(&requirement, &index(&expressions_path, i), report);
        }
    }
    let written = |key: &str| {
        original.and_then(|o| o.get(key)).is_some_and(|v| {
            v.as_object().is_some_and(|m| !m.is_empty())
                || v.as_array().is_some_and(|a| !a.is_empty())
        })
    };
    if original.is_some_and(Value::is_object)
        && !written("matchLabels")
        && !written("matchExpressions")
    {
        report.error(
            Problem::new("an empty selector matches every applier in the build")
                .hint("give `matchLabels`, or remove `selector` to use the default `matchLabels: {app.kubernetes.io/name: <app>}`")
                .at(path),
        );
    }
}

fn check_requirement(requirement: &LabelSelectorRequirement, path: &str, report: &mut Report) {
    report.record(&field(path, "key"), names::label_key(&requirement.key));
    let values_path = field(path, "values");
    let operator = match requirement.operator {
        SelectorOperator::In => "In",
        SelectorOperator::NotIn => "NotIn",
        SelectorOperator::Exists => "Exists",
        SelectorOperator::DoesNotExist => "DoesNotExist",
    };
    match (requirement.operator, requirement.values.is_empty()) {
        (SelectorOperator::In | SelectorOperator::NotIn, true) => report.error(
            Problem::new(format!("operator `{operator}` needs at least one value"))
                .at(&values_path),
        ),
        (SelectorOperator::Exists | SelectorOperator::DoesNotExist, false) => report.error(
            Problem::new(format!("operator `{operator}` takes no values"))
                .hint("remove `values`, or use `In`/`NotIn`")
                .at(&values_path),
        ),
        _ => {}
    }
    for (i, value) in requirement.values.iter().enumerate() {
        report.record(&index(&values_path, i), names::label_value(value));
    }
}

fn check_appliers(appliers: Option<&Value>, report: &mut Report) {
    let mut seen: Vec<&str> = Vec::new();
    for (i, item) in items(appliers) {
        let Some(kind) = item.as_str() else { continue };
        if seen.contains(&kind) {
            report.warn(
                Problem::new(format!("`{kind}` is listed twice")).at(&index("spec.appliers", i)),
            );
        }
        seen.push(kind);
        if OPERATOR_KINDS.contains(&kind) {
            report.warn(
                Problem::new(format!(
                    "`{kind}` is a Flux Operator kind: only clusters whose Flux the Flux Operator \
                     installed, with notification-controller among the FluxInstance's \
                     components{}, accept an Alert naming it; a cluster installed with plain \
                     `flux install` rejects the whole Alert",
                    if kind == "ResourceSet" {
                        " (flux-operator v0.19.0 or later)"
                    } else {
                        " (flux-operator v0.13.0 or later)"
                    }
                ))
                .hint("the operator patches the Alert CRD's eventSources kind enum; list this kind only for such clusters")
                .at(&index("spec.appliers", i)),
            );
        }
    }
}

/// Kinds of `spec.appliers` that only Flux Operator clusters accept in an Alert.
const OPERATOR_KINDS: &[&str] = &["FluxInstance", "ResourceSet"];

/// Checks route entries (base when `base_routes` is `None`, else an environment's); returns
/// the route names in order.
fn check_routes(
    alerts: Option<&Value>,
    path: &str,
    base_routes: Option<&[String]>,
    annotate: bool,
    report: &mut Report,
) -> Vec<String> {
    let mut seen: Vec<(String, String)> = Vec::new();
    for (i, item) in items(alerts) {
        let entry = index(path, i);
        let Some(route) = typed::<RouteOverride>(Some(item)) else {
            continue;
        };
        check_route_fields(&route, item, &entry, report);
        check_event_metadata(
            &route.event_metadata,
            &field(&entry, "eventMetadata"),
            annotate,
            report,
        );
        if let Some((_, first)) = seen.iter().find(|(name, _)| *name == route.name) {
            let mut problem = Problem::new(format!(
                "duplicate route name `{}`: also at {first}",
                route.name
            ));
            problem = problem.hint(if item.get("name").is_none() {
                "routes are merged by name; a route without `name` is named `default`"
            } else {
                "routes are merged by name, so each needs its own"
            });
            report.error(problem.at(&field(&entry, "name")));
        }
        if let Some(base) = base_routes {
            if route.provider_ref.is_none() && !base.contains(&route.name) {
                report.error(
                    Problem::new("missing required field")
                        .hint(format!(
                            "route `{}` is not in `spec.alerts`, so this entry adds a route and needs a providerRef",
                            route.name
                        ))
                        .at(&field(&entry, "providerRef")),
                );
            }
        }
        seen.push((route.name, entry));
    }
    seen.into_iter().map(|(name, _)| name).collect()
}

fn check_route_fields(route: &RouteOverride, raw: &Value, path: &str, report: &mut Report) {
    if raw.get("name").is_some() {
        report.record(
            &field(path, "name"),
            names::dns_label("route name", &route.name),
        );
    }
    if let Some(ProviderRef { name }) = &route.provider_ref {
        let mut at = field(path, "providerRef");
        if raw.get("providerRef").is_some_and(Value::is_object) {
            at = field(&at, "name");
        }
        report.record(&at, names::dns_subdomain("Provider name", name));
    }
    for (list, patterns) in [
        ("inclusionList", &route.inclusion_list),
        ("exclusionList", &route.exclusion_list),
    ] {
        for (i, pattern) in patterns.iter().flatten().enumerate() {
            report.record(&index(&field(path, list), i), values::event_regex(pattern));
        }
    }
    if route.summary.as_deref().is_some_and(|s| !s.is_empty()) {
        report.warn(
            Problem::new("`summary` is deprecated by Flux")
                .hint("put the text in `eventMetadata`, e.g. `eventMetadata: {summary: ...}`")
                .at(&field(path, "summary")),
        );
    }
}

fn check_base_providers(
    providers: Option<&Value>,
    report: &mut Report,
) -> BTreeMap<String, Provider> {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut complete = BTreeMap::new();
    for (i, item) in items(providers) {
        let entry = index("spec.providers", i);
        let Some(fields) = typed::<ProviderOverride>(Some(item)) else {
            continue;
        };
        check_provider_fields(&fields, &entry, report);
        if let Some(first) = seen.get(&fields.name) {
            report.error(duplicate_provider(&fields.name, first).at(&field(&entry, "name")));
            continue;
        }
        seen.insert(fields.name.clone(), entry.clone());
        match typed::<Provider>(Some(item)) {
            Some(provider) => {
                for finding in combinations(&provider) {
                    let at = field(&entry, finding.involved[0]);
                    finding.report(&at, report);
                }
                complete.insert(provider.name.clone(), provider);
            }
            None => check_untyped_address(&fields, &entry, report),
        }
    }
    complete
}

fn duplicate_provider(name: &str, first: &str) -> Problem {
    Problem::new(format!("duplicate Provider name `{name}`: also at {first}"))
        .hint("Providers are merged by name, so each needs its own")
}

fn check_provider_fields(provider: &ProviderOverride, path: &str, report: &mut Report) {
    report.record(
        &field(path, "name"),
        names::dns_subdomain("Provider name", &provider.name),
    );
    if let Some(type_) = provider.type_.filter(|t| !t.is_released()) {
        report.warn(
            Problem::new(format!(
                "type `{type_}` is not in a released Flux version yet: notification-controller v1.9.3 (Flux v2.9.4) rejects it"
            ))
            .hint("it is on notification-controller's main branch; use it only with a controller that has it")
            .at(&field(path, "type")),
        );
    }
    for (name, secret) in [
        ("secretRef", &provider.secret_ref),
        ("certSecretRef", &provider.cert_secret_ref),
        ("proxySecretRef", &provider.proxy_secret_ref),
    ] {
        if let Some(secret) = secret {
            report.record(
                &field(&field(path, name), "name"),
                names::dns_subdomain("Secret name", &secret.name),
            );
        }
    }
    if let Some(account) = provider
        .service_account_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        report.record(
            &field(path, "serviceAccountName"),
            names::dns_subdomain("ServiceAccount name", account),
        );
    }
    if let Some(timeout) = provider.timeout.as_deref().filter(|s| !s.is_empty()) {
        report.record(&field(path, "timeout"), values::timeout(timeout));
    }
}

/// For a Provider without a usable type (already an error), whose address may still leak a
/// secret: saying so now saves the user a second round.
fn check_untyped_address(provider: &ProviderOverride, path: &str, report: &mut Report) {
    if let Some(address) = &provider.address {
        report.record(&field(path, "address"), address::check_credentials(address));
    }
}

/// A problem that depends on several fields of a Provider.
#[derive(Debug, PartialEq)]
struct Finding {
    /// The fields involved, the one to blame first.
    involved: &'static [&'static str],
    problem: Problem,
    warning: bool,
}

impl Finding {
    fn report(self, path: &str, report: &mut Report) {
        let located = self.problem.at(path);
        if self.warning {
            report.warn(located);
        } else {
            report.error(located);
        }
    }
}

fn combinations(provider: &Provider) -> Vec<Finding> {
    let mut findings = Vec::new();
    let type_ = provider.type_;
    if let Some(address) = provider.address.as_deref() {
        if let Err(problem) = address::check_scheme(type_, address) {
            findings.push(Finding {
                involved: &["address", "type"],
                problem,
                warning: false,
            });
        }
    }
    if provider
        .commit_status_expr
        .as_deref()
        .is_some_and(|e| !e.is_empty())
        && !type_.supports_commit_status()
    {
        findings.push(Finding {
            involved: &["commitStatusExpr", "type"],
            problem: Problem::new(format!(
                "`commitStatusExpr` is only supported by the {} provider types, not `{type_}`",
                backticked(COMMIT_STATUS_TYPES.iter().map(|t| t.as_str()))
            ))
            .hint("remove `commitStatusExpr`, or use a git provider type"),
            warning: false,
        });
    }
    if provider
        .service_account_name
        .as_deref()
        .is_some_and(|s| !s.is_empty())
    {
        if provider.secret_ref.is_some() {
            findings.push(Finding {
                involved: &["serviceAccountName", "secretRef"],
                problem: Problem::new("cannot be combined with `secretRef`: Flux rejects static credentials alongside workload identity")
                    .hint("remove `secretRef` to authenticate as the ServiceAccount, or remove `serviceAccountName` to use the Secret"),
                warning: false,
            });
        }
        if !type_.supports_workload_identity() {
            findings.push(Finding {
                involved: &["serviceAccountName", "type"],
                problem: Problem::new(format!(
                    "Flux uses `serviceAccountName` only with {} Providers; it is ignored for `{type_}`",
                    backticked(WORKLOAD_IDENTITY_TYPES.iter().map(|t| t.as_str()))
                )),
                warning: true,
            });
        }
    }
    findings
}

fn check_environment(
    overrides: &Value,
    path: &str,
    base_routes: &[String],
    base_providers: &BTreeMap<String, Provider>,
    annotate: bool,
    report: &mut Report,
) {
    check_routes(
        overrides.get("alerts"),
        &field(path, "alerts"),
        Some(base_routes),
        annotate,
        report,
    );
    let metadata: BTreeMap<String, String> =
        typed(overrides.get("eventMetadata")).unwrap_or_default();
    check_event_metadata(&metadata, &field(path, "eventMetadata"), annotate, report);

    let providers_path = field(path, "providers");
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (i, item) in items(overrides.get("providers")) {
        let entry = index(&providers_path, i);
        let Some(given) = typed::<ProviderOverride>(Some(item)) else {
            continue;
        };
        check_provider_fields(&given, &entry, report);
        if let Some(first) = seen.get(&given.name) {
            report.error(duplicate_provider(&given.name, first).at(&field(&entry, "name")));
            continue;
        }
        seen.insert(given.name.clone(), entry.clone());
        let base = base_providers.get(&given.name);
        let Some(merged) = merge_provider(base, &given) else {
            report.error(
                Problem::new("missing required field")
                    .hint(format!(
                        "Provider `{}` is not in `spec.providers`, so this entry adds a Provider and needs a type, e.g. `type: slack`",
                        given.name
                    ))
                    .at(&field(&entry, "type")),
            );
            check_untyped_address(&given, &entry, report);
            continue;
        };
        // Problems the base already has are reported there once, not again per environment.
        let inherited = base.map(combinations).unwrap_or_default();
        for finding in combinations(&merged) {
            if inherited.contains(&finding) {
                continue;
            }
            let blamed = finding
                .involved
                .iter()
                .find(|name| item.get(**name).is_some())
                .unwrap_or(&finding.involved[0]);
            let at = field(&entry, blamed);
            finding.report(&at, report);
        }
    }

    if let Some(namespace) = overrides
        .get("placement")
        .and_then(|p| p.get("namespace"))
        .and_then(Value::as_str)
        .filter(|ns| !ns.is_empty())
    {
        report.record(
            &field(&field(path, "placement"), "namespace"),
            names::dns_label("namespace", namespace),
        );
    }
}

/// Flux's eventSources select by matchLabels only, so requirements cannot be carried over.
fn check_expressions_with_event_sources(original: &Value, pruned: &Value, report: &mut Report) {
    let event_sources: EventSources =
        typed(pruned.get("spec").and_then(|s| s.get("eventSources"))).unwrap_or_default();
    let has_expressions = original
        .get("spec")
        .and_then(|s| s.get("selector"))
        .and_then(|s| s.get("matchExpressions"))
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    let name = match event_sources {
        EventSources::Names => return,
        EventSources::Selector => "selector",
        EventSources::Hybrid => "hybrid",
    };
    if has_expressions {
        report.error(
            Problem::new(format!("`matchExpressions` cannot be used with `eventSources: {name}`"))
                .hint("Flux's eventSources select objects by matchLabels only: express the selector with `matchLabels`, or use `eventSources: names`")
                .at("spec.selector.matchExpressions"),
        );
    }
}

/// The metadata keys Flux's own event metadata uses (fluxcd/pkg `apis/event/v1beta1`
/// `metadata.go`; docs/flux.md "Controller-owned metadata keys"), with what the Alert's fixed
/// value would do to notifications.
const CONTROLLER_METADATA_KEYS: &[(&str, &str)] = &[
    (
        "revision",
        "Flux controllers set it on their events to the revision they applied or fetched; \
         given by the Alert too, notification-controller keeps the controller's value and \
         records a MetadataAppendFailed warning on the Alert for every event",
    ),
    (
        "originRevision",
        "kustomize-controller sets it on its events to the revision of the source's origin; \
         given by the Alert too, notification-controller keeps the controller's value and \
         records a MetadataAppendFailed warning on the Alert for every such event",
    ),
    (
        "commit_status",
        "kustomize-controller sets it (`update`) on every \"Reconciliation finished\" event; \
         given by the Alert too, notification-controller keeps the controller's value and \
         records a MetadataAppendFailed warning on the Alert for each of them",
    ),
    (
        "token",
        "Flux reserves it for the emitting controller's per-event token, which \
         notification-controller drops before combining: Providers would read the Alert's \
         fixed value as the event's",
    ),
    (
        "digest",
        "Flux reserves it for the artifact digest of source events, which \
         notification-controller drops before combining: Providers would read the Alert's \
         fixed value as the event's",
    ),
    (
        "checksum",
        "Flux reserves it for the artifact checksum of source events, which \
         notification-controller drops before combining: Providers would read the Alert's \
         fixed value as the event's",
    ),
    (
        "commit",
        "it is the Git commit a commit-status notification reports, per event, from the \
         object's `event.toolkit.fluxcd.io/commit` annotation; a fixed value would name one \
         commit for every event and conflict with that annotation",
    ),
    (
        "change_request",
        "it is the pull or merge request a change-request Provider comments on, per event, \
         from the object's `event.toolkit.fluxcd.io/change_request` annotation; a fixed value \
         would name one for every event and conflict with that annotation",
    ),
];

/// Keys of an Alert's `eventMetadata` that another source of the notification's metadata also
/// writes: notification-controller counts a key written twice as a conflict, whatever the
/// values, and records a `MetadataAppendFailed` warning on the Alert for every such event
/// (docs/flux.md "How notification-controller dispatches an event", step 5).
fn check_event_metadata(
    metadata: &BTreeMap<String, String>,
    path: &str,
    annotate: bool,
    report: &mut Report,
) {
    for key in metadata.keys() {
        let at = field(path, key);
        if let Some((_, why)) = CONTROLLER_METADATA_KEYS.iter().find(|(k, _)| k == key) {
            report.error(
                Problem::new(format!(
                    "`{key}` is a key of Flux's own event metadata: {why}"
                ))
                .hint(format!("remove `{key}`, or give the value another key"))
                .at(&at),
            );
        } else if annotate && (key == "app" || key == "env") {
            report.error(
                Problem::new(format!(
                    "`{key}` is stamped on the objects as `event.toolkit.fluxcd.io/{key}` by \
                     `annotateAppliers: true`, so the Alert leaves it out; a value here would \
                     conflict with the annotation on every event (a MetadataAppendFailed warning \
                     on the Alert)"
                ))
                .hint(format!(
                    "remove `{key}` (the stamped value is the app's name or environment), or set \
                     `annotateAppliers: false` to have the Alert carry it"
                ))
                .at(&at),
            );
        }
    }
}

/// A route's `summary` is written as the Alert's `eventMetadata.summary`: one given as
/// `eventMetadata.summary` too (in the route, an environment's override of it, or the
/// environment's `eventMetadata`) would be one of two values, one silently lost.
fn check_summaries(spec: &Value, report: &mut Report) {
    let has_summary =
        |route: &RouteOverride| route.summary.as_deref().is_some_and(|s| !s.is_empty());
    let in_metadata = |route: &RouteOverride| route.event_metadata.contains_key("summary");
    let problem = || {
        Problem::new(
            "the route's `summary` and an `eventMetadata.summary` would both be the Alert's \
             `eventMetadata.summary`",
        )
        .hint("keep one: `eventMetadata.summary` (Flux deprecated the Alert's `summary`)")
    };
    let base: Vec<(usize, RouteOverride)> = items(spec.get("alerts"))
        .filter_map(|(i, item)| typed::<RouteOverride>(Some(item)).map(|r| (i, r)))
        .collect();
    for (i, route) in &base {
        if has_summary(route) && in_metadata(route) {
            report.error(problem().at(&field(&index("spec.alerts", *i), "summary")));
        }
    }
    let environments = spec.get("environments").and_then(Value::as_object);
    for (env, overrides) in environments.into_iter().flatten() {
        let path = field("spec.environments", env);
        let env_summary = overrides
            .get("eventMetadata")
            .and_then(|m| m.get("summary"))
            .is_some();
        let given: Vec<(usize, RouteOverride)> = items(overrides.get("alerts"))
            .filter_map(|(i, item)| typed::<RouteOverride>(Some(item)).map(|r| (i, r)))
            .collect();
        let mut names: Vec<&str> = base.iter().map(|(_, r)| r.name.as_str()).collect();
        names.extend(given.iter().map(|(_, r)| r.name.as_str()));
        names.dedup();
        let mut reported = Vec::new();
        let mut blamed = Vec::new();
        for name in names {
            if reported.contains(&name) {
                continue;
            }
            reported.push(name);
            let base_route = base.iter().find(|(_, r)| r.name == name).map(|(_, r)| r);
            let over = given.iter().find(|(_, r)| r.name == name);
            let summary = match over.and_then(|(_, r)| r.summary.as_deref()) {
                Some(given) => !given.is_empty(),
                None => base_route.is_some_and(has_summary),
            };
            let over_metadata = over.is_some_and(|(_, r)| in_metadata(r));
            let metadata = base_route.is_some_and(in_metadata) || over_metadata || env_summary;
            if !(summary && metadata) {
                continue;
            }
            let at = match over {
                Some((j, r)) if has_summary(r) => {
                    field(&index(&field(&path, "alerts"), *j), "summary")
                }
                Some((j, _)) if over_metadata => field(
                    &field(&index(&field(&path, "alerts"), *j), "eventMetadata"),
                    "summary",
                ),
                _ if env_summary => field(&field(&path, "eventMetadata"), "summary"),
                // Both in the base route: reported there.
                _ => continue,
            };
            if !blamed.contains(&at) {
                report.error(problem().at(&at));
                blamed.push(at);
            }
        }
    }
}
