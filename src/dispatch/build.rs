//! The model's inputs from the objects of a build: Alerts and Providers from their whole
//! values, the objects events are about from their metadata, and the HelmChart
//! source-controller creates for a HelmRelease (which a build never holds).

use serde_json::Value;

use super::model::{Alert, EventSource, Object, ObjectRef, Provider, Strings};
use crate::flux::{HELM_GROUP, SOURCE_GROUP};

/// A scalar's text (`"1"` for `1`), as Kubernetes reads a string field written unquoted;
/// `None` for null, absent, and maps or lists.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A non-empty scalar.
fn nonempty(value: &Value) -> Option<String> {
    text(value).filter(|s| !s.is_empty())
}

/// A string map field; `problems` gets a message when it is not a map.
fn strings(value: &Value, path: &str, problems: &mut Vec<String>) -> Strings {
    match value {
        Value::Object(map) => map
            .iter()
            .filter_map(|(k, v)| text(v).map(|v| (k.clone(), v)))
            .collect(),
        Value::Null => Strings::new(),
        _ => {
            problems.push(format!("{path}: expected a map of strings"));
            Strings::new()
        }
    }
}

fn string_list(value: &Value, path: &str, problems: &mut Vec<String>) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().filter_map(text).collect(),
        Value::Null => Vec::new(),
        _ => {
            problems.push(format!("{path}: expected a list of strings"));
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
                let (Some(kind), Some(name)) = (nonempty(&entry["kind"]), nonempty(&entry["name"]))
                else {
                    problems.push(format!(
                        "spec.eventSources[{i}]: needs a kind and a name (Flux's CRD requires both)"
                    ));
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
                    namespace: nonempty(&entry["namespace"]),
                    match_labels,
                });
            }
        }
        Value::Null => problems.push("spec.eventSources: missing (Flux's CRD requires it)".into()),
        _ => problems.push("spec.eventSources: expected a list".into()),
    }
    let event_severity = nonempty(&spec["eventSeverity"]).unwrap_or_else(|| "info".into());
    if event_severity != "info" && event_severity != "error" {
        problems.push(format!(
            "spec.eventSeverity: `{event_severity}` is neither info nor error"
        ));
    }
    let provider = nonempty(&spec["providerRef"]["name"]).unwrap_or_default();
    if provider.is_empty() {
        problems.push("spec.providerRef.name: missing (Flux's CRD requires it)".into());
    }
    let alert = Alert {
        namespace: nonempty(&meta["namespace"]),
        name: nonempty(&meta["name"]).unwrap_or_default(),
        provider,
        event_severity,
        event_sources,
        inclusion_list: string_list(&spec["inclusionList"], "spec.inclusionList", &mut problems),
        exclusion_list: string_list(&spec["exclusionList"], "spec.exclusionList", &mut problems),
        event_metadata: strings(&spec["eventMetadata"], "spec.eventMetadata", &mut problems),
        summary: text(&spec["summary"]).unwrap_or_default(),
        suspend: spec["suspend"] == Value::Bool(true),
    };
    (alert, problems)
}

/// A Provider from its value.
pub fn provider(value: &Value) -> Provider {
    let meta = &value["metadata"];
    let spec = &value["spec"];
    Provider {
        namespace: nonempty(&meta["namespace"]),
        name: nonempty(&meta["name"]).unwrap_or_default(),
        type_: text(&spec["type"]).unwrap_or_default(),
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
    let hr_name = nonempty(&meta["name"])?;
    let hr_namespace = nonempty(&meta["namespace"])?;
    let namespace =
        nonempty(&chart["spec"]["sourceRef"]["namespace"]).unwrap_or_else(|| hr_namespace.clone());
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
