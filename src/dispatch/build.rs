//! The model's inputs from the objects of a build: Alerts and Providers from their whole
//! values, the objects events are about from their metadata, and the HelmChart
//! source-controller creates for a HelmRelease (which a build never holds).

use serde_json::Value;

use super::model::{Alert, EventSource, Object, ObjectRef, Provider, Strings};
use crate::flux::{HELM_GROUP, SOURCE_GROUP};
use crate::yaml::tree::value_kind;

/// A string field. Flux's CRDs type these `string` (and their maps' values, and their lists'
/// items), and the API server's schema validation rejects any other value, `1` and `true`
/// included (docs/flux.md, "Alert fields"): `problems` gets the field, which is read as absent.
fn text(value: &Value, path: &str, problems: &mut Vec<String>) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => {
            problems.push(format!(
                "{path}: expected a string, not {}",
                value_kind(other)
            ));
            None
        }
    }
}

/// A non-empty string field.
fn nonempty(value: &Value, path: &str, problems: &mut Vec<String>) -> Option<String> {
    text(value, path, problems).filter(|s| !s.is_empty())
}

/// A string field of an object whose problems no one reports (a Provider's, a HelmRelease's).
fn read(value: &Value) -> Option<String> {
    value.as_str().filter(|s| !s.is_empty()).map(str::to_string)
}

/// A string map field; `problems` gets a message when it is not a map, or for each value that
/// is not a string.
fn strings(value: &Value, path: &str, problems: &mut Vec<String>) -> Strings {
    match value {
        Value::Object(map) => map
            .iter()
            .filter_map(|(k, v)| text(v, &format!("{path}.{k}"), problems).map(|v| (k.clone(), v)))
            .collect(),
        Value::Null => Strings::new(),
        other => {
            problems.push(format!(
                "{path}: expected a map of strings, not {}",
                value_kind(other)
            ));
            Strings::new()
        }
    }
}

fn string_list(value: &Value, path: &str, problems: &mut Vec<String>) -> Vec<String> {
    match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| text(item, &format!("{path}[{i}]"), problems))
            .collect(),
        Value::Null => Vec::new(),
        other => {
            problems.push(format!(
                "{path}: expected a list of strings, not {}",
                value_kind(other)
            ));
            Vec::new()
        }
    }
}

/// An Alert from its value, and what of it has a shape Flux's CRD would reject (field path
/// and what is wrong); such fields are read as absent.
pub fn alert(value: &Value) -> (Alert, Vec<String>) {
    let mut problems = Vec::new();
    let meta = &value["metadata"];
    let spec = &value["spec"];
    let mut event_sources = Vec::new();
    match &spec["eventSources"] {
        Value::Array(entries) => {
            for (i, entry) in entries.iter().enumerate() {
                let at = format!("spec.eventSources[{i}]");
                let known = problems.len();
                let kind = nonempty(&entry["kind"], &format!("{at}.kind"), &mut problems);
                let name = nonempty(&entry["name"], &format!("{at}.name"), &mut problems);
                let (Some(kind), Some(name)) = (kind, name) else {
                    if problems.len() == known {
                        problems.push(format!(
                            "{at}: needs a kind and a name (Flux's CRD requires both)"
                        ));
                    }
                    continue;
                };
                let match_labels = match &entry["matchLabels"] {
                    Value::Null => None,
                    labels => Some(strings(
                        labels,
                        &format!("spec.eventSources[{i}].matchLabels"),
                        &mut problems,
                    )),
                };
                event_sources.push(EventSource {
                    kind,
                    name,
                    namespace: nonempty(
                        &entry["namespace"],
                        &format!("{at}.namespace"),
                        &mut problems,
                    ),
                    match_labels,
                });
            }
        }
        Value::Null => problems.push("spec.eventSources: missing (Flux's CRD requires it)".into()),
        _ => problems.push("spec.eventSources: expected a list".into()),
    }
    let event_severity = nonempty(&spec["eventSeverity"], "spec.eventSeverity", &mut problems)
        .unwrap_or_else(|| "info".into());
    if event_severity != "info" && event_severity != "error" {
        problems.push(format!(
            "spec.eventSeverity: `{event_severity}` is neither info nor error, so no event \
             matches it"
        ));
    }
    let provider = nonempty(
        &spec["providerRef"]["name"],
        "spec.providerRef.name",
        &mut problems,
    )
    .unwrap_or_default();
    if provider.is_empty() {
        problems.push("spec.providerRef.name: missing (Flux's CRD requires it)".into());
    }
    let alert = Alert {
        namespace: read(&meta["namespace"]),
        name: read(&meta["name"]).unwrap_or_default(),
        provider,
        event_severity,
        event_sources,
        inclusion_list: string_list(&spec["inclusionList"], "spec.inclusionList", &mut problems),
        exclusion_list: string_list(&spec["exclusionList"], "spec.exclusionList", &mut problems),
        event_metadata: strings(&spec["eventMetadata"], "spec.eventMetadata", &mut problems),
        summary: text(&spec["summary"], "spec.summary", &mut problems).unwrap_or_default(),
        suspend: spec["suspend"] == Value::Bool(true),
    };
    (alert, problems)
}

/// A Provider from its value.
pub fn provider(value: &Value) -> Provider {
    let meta = &value["metadata"];
    let spec = &value["spec"];
    Provider {
        namespace: read(&meta["namespace"]),
        name: read(&meta["name"]).unwrap_or_default(),
        type_: read(&spec["type"]).unwrap_or_default(),
        suspend: spec["suspend"] == Value::Bool(true),
    }
}

/// The HelmChart helm-controller v1.6.3 creates for a HelmRelease with `spec.chart`
/// (`buildHelmChartFromTemplate`): named `<namespace>-<name>`, in the chart source's
/// namespace (default: the HelmRelease's), with exactly `spec.chart.metadata.labels` and
/// `annotations` plus the owner labels `helm.toolkit.fluxcd.io/name` and `/namespace`. None
/// for a HelmRelease without `spec.chart` (a `chartRef` makes no HelmChart) or without a
/// namespace (the chart's name is then unknown).
pub fn helm_chart(helm_release: &Value) -> Option<Object> {
    let meta = &helm_release["metadata"];
    let chart = &helm_release["spec"]["chart"];
    if !chart.is_object() {
        return None;
    }
    let hr_name = read(&meta["name"])?;
    let hr_namespace = read(&meta["namespace"])?;
    let namespace =
        read(&chart["spec"]["sourceRef"]["namespace"]).unwrap_or_else(|| hr_namespace.clone());
    let mut ignored = Vec::new();
    let mut labels = strings(&chart["metadata"]["labels"], "", &mut ignored);
    labels.insert(format!("{HELM_GROUP}/name"), hr_name.clone());
    labels.insert(format!("{HELM_GROUP}/namespace"), hr_namespace.clone());
    let annotations = strings(&chart["metadata"]["annotations"], "", &mut ignored);
    Some(Object {
        reference: ObjectRef {
            api_version: format!("{SOURCE_GROUP}/v1"),
            kind: "HelmChart".into(),
            namespace: Some(namespace),
            name: format!("{hr_namespace}-{hr_name}"),
        },
        labels,
        annotations,
    })
}

/// Whether an object's controller emits events about it: a HelmRepository of type `oci` is
/// static (source-controller v1.9.1 `helmrepository_controller.go` only migrates it), and no
/// controller was found emitting events about an ExternalArtifact.
pub fn emits_events(kind: &str, value: Option<&Value>) -> bool {
    match kind {
        "HelmRepository" => value.is_none_or(|v| v["spec"]["type"] != "oci"),
        "ExternalArtifact" => false,
        _ => true,
    }
}
