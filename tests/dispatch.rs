//! The model of notification-controller's dispatch (`src/dispatch/`) against notification-
//! controller's own test cases, restated as a table of facts in
//! `tests/fixtures/nc-dispatch/cases.yaml` (each row names the upstream test and case), plus
//! the behaviours upstream does not test; and the representative events `check` proves routes
//! with.

use std::collections::BTreeMap;
use std::path::Path;

use app_notifications::dispatch::delivery::deliver;
use app_notifications::dispatch::emitted::{event_of, representative_events};
use app_notifications::dispatch::matching::match_sources;
use app_notifications::dispatch::metadata::{
    cleanup_metadata, combine_metadata, exclude_internal_metadata,
};
use app_notifications::dispatch::{
    build, Cluster, Event, Object, ObjectRef, Options, Scope, Skip, Strings, Undelivered, Verdict,
};
use app_notifications::yaml::tree::ExpansionBudget;
use app_notifications::{reader, Limits};
use serde_json::Value;

fn table() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/nc-dispatch/cases.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let node = reader(&Limits::default())
        .object(&text, "cases.yaml")
        .unwrap()
        .unwrap();
    node.to_json(&mut ExpansionBudget::new(1_000_000)).unwrap()
}

fn strings(value: &Value) -> Strings {
    value
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
        .collect()
}

fn text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_string)
}

fn object(value: &Value) -> Object {
    let meta = &value["metadata"];
    Object {
        reference: ObjectRef {
            api_version: text(&value["apiVersion"]).unwrap_or_default(),
            kind: text(&value["kind"]).unwrap_or_default(),
            namespace: text(&meta["namespace"]),
            name: text(&meta["name"]).unwrap_or_default(),
        },
        labels: strings(&meta["labels"]),
        annotations: strings(&meta["annotations"]),
    }
}

fn event(value: &Value) -> Event {
    let o = &value["involvedObject"];
    Event {
        involved_object: ObjectRef {
            api_version: text(&o["apiVersion"]).unwrap_or_default(),
            kind: text(&o["kind"]).unwrap_or_default(),
            namespace: text(&o["namespace"]),
            name: text(&o["name"]).unwrap_or_default(),
        },
        severity: text(&value["severity"]).unwrap_or_default(),
        message: text(&value["message"]).unwrap_or_default(),
        metadata: strings(&value["metadata"]),
    }
}

fn list(value: &Value) -> Vec<Value> {
    value.as_array().cloned().unwrap_or_default()
}

fn undelivered_name(why: &Undelivered) -> &'static str {
    match why {
        Undelivered::CrossNamespace => "crossNamespace",
        Undelivered::ProviderMissing => "providerMissing",
        Undelivered::ProviderSuspended => "providerSuspended",
        Undelivered::CommitStatusUpdate => "commitStatusUpdate",
        Undelivered::CommitStatusDropped => "commitStatusDropped",
        Undelivered::ChangeRequestDropped => "changeRequestDropped",
    }
}

/// Runs one row; the problems found (empty: the model agrees).
fn run(row: &Value) -> Vec<String> {
    let name = row["upstream"].as_str().unwrap_or("(unnamed)");
    let expect = &row["expect"];
    let alerts: Vec<_> = list(&row["alerts"])
        .iter()
        .map(|a| {
            let (alert, problems) = build::alert(a);
            // The table's Alerts are well formed, except where a row leaves out eventSources.
            assert!(
                problems
                    .iter()
                    .all(|p| p.starts_with("spec.eventSources: missing")),
                "{name}: {problems:?}"
            );
            alert
        })
        .collect();
    let providers: Vec<_> = list(&row["providers"])
        .iter()
        .map(build::provider)
        .collect();
    let objects: Vec<Object> = list(&row["objects"]).iter().map(object).collect();
    let options = Options {
        no_cross_namespace_refs: row["options"]["noCrossNamespaceRefs"] == Value::Bool(true),
    };
    let mut event = event(&row["event"]);
    let mut problems = Vec::new();
    let mut check = |what: &str, got: Value, want: &Value| {
        if &got != want {
            problems.push(format!("{name}: {what} is {got}, upstream expects {want}"));
        }
    };
    let metadata_of = |m: &Strings| serde_json::to_value(m).unwrap();
    match row["step"].as_str().unwrap_or_default() {
        "cleanup" => {
            cleanup_metadata(&mut event);
            check(
                "metadata",
                metadata_of(&event.metadata),
                &expect["metadata"],
            );
        }
        "exclude" => {
            exclude_internal_metadata(&mut event);
            check(
                "metadata",
                metadata_of(&event.metadata),
                &expect["metadata"],
            );
        }
        "combine" => {
            let (metadata, conflicts) = combine_metadata(&event, &alerts[0]);
            check("metadata", metadata_of(&metadata), &expect["metadata"]);
            let conflicts: BTreeMap<String, Vec<&str>> = conflicts
                .iter()
                .map(|c| {
                    (
                        c.key.clone(),
                        c.sources.iter().map(|s| s.as_str()).collect(),
                    )
                })
                .collect();
            check(
                "conflicts",
                serde_json::to_value(conflicts).unwrap(),
                &expect["conflicts"],
            );
        }
        "source" => {
            let labels: BTreeMap<_, _> = objects
                .iter()
                .map(|o| {
                    (
                        (
                            o.reference.kind.clone(),
                            o.reference.namespace.clone(),
                            o.reference.name.clone(),
                        ),
                        o.labels.clone(),
                    )
                })
                .collect();
            let r = &event.involved_object;
            let key = (r.kind.clone(), r.namespace.clone(), r.name.clone());
            let matched = match_sources(&event, &alerts[0], || labels.get(&key)).is_ok();
            check("match", Value::Bool(matched), &expect["match"]);
        }
        "filter" => {
            let cluster = Cluster::new(alerts, providers, objects);
            let dispatch = cluster.dispatch(&event, &options, Scope::Every);
            let matched: Vec<Value> = dispatch
                .verdicts
                .iter()
                .filter(|(_, v)| {
                    !matches!(
                        v,
                        Verdict::Skipped(Skip::Suspended | Skip::Sources(_) | Skip::Message(_))
                    )
                })
                .map(|(i, _)| Value::String(cluster.alerts()[*i].name.clone()))
                .collect();
            check("matched", Value::Array(matched), &expect["matched"]);
        }
        "params" => {
            let alert = &alerts[0];
            let provider = providers
                .iter()
                .find(|p| p.namespace == alert.namespace && p.name == alert.provider);
            match deliver(&event, alert, provider, &options) {
                Ok(_) => {
                    check("delivered", Value::Bool(true), &expect["delivered"]);
                    if !expect["metadata"].is_null() {
                        let (metadata, _) = combine_metadata(&event, alert);
                        check("metadata", metadata_of(&metadata), &expect["metadata"]);
                    }
                }
                Err(why) => {
                    check("delivered", Value::Bool(false), &expect["delivered"]);
                    check(
                        "undelivered",
                        Value::String(undelivered_name(&why).into()),
                        &expect["undelivered"],
                    );
                }
            }
        }
        "server" => {
            let cluster = Cluster::new(alerts, providers, objects);
            let dispatch = cluster.dispatch(&event, &options, Scope::Every);
            let sent: Vec<Value> = dispatch
                .sent()
                .map(|(i, _)| Value::String(cluster.alerts()[i].name.clone()))
                .collect();
            check("sent", Value::Array(sent), &expect["sent"]);
            if let Some(wanted) = expect["undelivered"].as_object() {
                for (alert, why) in wanted {
                    let got = dispatch
                        .verdicts
                        .iter()
                        .find_map(|(i, v)| (cluster.alerts()[*i].name == *alert).then_some(v));
                    let got = match got {
                        Some(Verdict::Skipped(Skip::Undelivered(w, _))) => undelivered_name(w),
                        _ => "(not undelivered)",
                    };
                    check(
                        &format!("undelivered of {alert}"),
                        Value::String(got.into()),
                        why,
                    );
                }
            }
        }
        "record" => {
            let recorded = event_of(&objects[0], "info", "", event.metadata.clone());
            check(
                "metadata",
                metadata_of(&recorded.metadata),
                &expect["metadata"],
            );
        }
        "helmChart" => {
            let chart = build::helm_chart(&list(&row["objects"])[0]).map(|c| {
                serde_json::json!({
                    "namespace": c.reference.namespace,
                    "name": c.reference.name,
                    "labels": c.labels,
                    "annotations": c.annotations,
                })
            });
            check("chart", chart.unwrap_or(Value::Null), &expect["chart"]);
        }
        other => problems.push(format!("{name}: unknown step `{other}`")),
    }
    problems
}

#[test]
fn the_model_gives_notification_controllers_answer_to_every_case() {
    let table = table();
    let rows = list(&table["cases"]);
    let mut problems = Vec::new();
    let mut evaluated = 0;
    for row in &rows {
        let name = row["upstream"].as_str();
        assert!(
            name.is_some_and(|n| !n.is_empty()),
            "a row without `upstream`: {row}"
        );
        assert!(row["file"].is_string(), "{name:?}: a row without `file`");
        if let Some(why) = row["notModelled"].as_str() {
            assert!(!why.is_empty() && row["step"].is_null(), "{name:?}");
            continue;
        }
        assert!(
            row["expect"].is_object(),
            "{name:?}: a row without `expect`"
        );
        evaluated += 1;
        problems.extend(run(row));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The table as committed: a row lost would go unnoticed otherwise.
    assert!(evaluated >= 77, "only {evaluated} rows evaluated");
}

#[test]
fn the_table_names_each_upstream_case_once() {
    let table = table();
    let mut seen = std::collections::BTreeSet::new();
    for row in list(&table["cases"]) {
        let name = row["upstream"].as_str().unwrap().to_string();
        if !name.starts_with("none") {
            assert!(seen.insert(name.clone()), "{name} is in the table twice");
        }
    }
}

fn kustomization(annotations: &[(&str, &str)]) -> Object {
    Object {
        reference: ObjectRef::new(
            "kustomize.toolkit.fluxcd.io/v1",
            "Kustomization",
            Some("apps"),
            "web",
        ),
        labels: Strings::new(),
        annotations: annotations
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

#[test]
fn a_kustomizations_success_event_is_a_commit_status_update_and_its_change_set_is_not() {
    let events = representative_events(&kustomization(&[]), true);
    let whats: Vec<&str> = events.iter().map(|e| e.what).collect();
    assert_eq!(whats, ["change set", "Reconciliation finished", "failure"]);
    let status = "kustomize.toolkit.fluxcd.io/commit_status";
    assert_eq!(events[0].event.metadata.get(status), None);
    assert_eq!(
        events[1].event.metadata.get(status).map(String::as_str),
        Some("update")
    );
    assert_eq!(events[2].event.severity, "error");
    for e in &events {
        assert!(e
            .event
            .metadata
            .contains_key("kustomize.toolkit.fluxcd.io/revision"));
    }
}

#[test]
fn representative_events_carry_the_objects_event_annotations() {
    let object = kustomization(&[("event.toolkit.fluxcd.io/app", "web"), ("team", "x")]);
    for e in representative_events(&object, true) {
        assert_eq!(
            e.event
                .metadata
                .get("event.toolkit.fluxcd.io/app")
                .map(String::as_str),
            Some("web")
        );
        assert!(!e.event.metadata.contains_key("team"));
    }
}

#[test]
fn an_object_that_emits_nothing_has_no_representative_events() {
    assert!(representative_events(&kustomization(&[]), false).is_empty());
    let oci = serde_json::json!({"spec": {"type": "oci"}});
    assert!(!build::emits_events("HelmRepository", Some(&oci)));
    assert!(build::emits_events("HelmRepository", None));
    assert!(!build::emits_events("ExternalArtifact", None));
}

/// An Alert `a/x` sending to Provider `p`, with this spec.
fn alert_with(spec: Value) -> app_notifications::dispatch::Alert {
    let mut spec = spec;
    spec["providerRef"] = serde_json::json!({"name": "p"});
    build::alert(&serde_json::json!({"metadata": {"name": "x", "namespace": "a"}, "spec": spec})).0
}

/// Provider `a/p`, of type slack.
fn slack() -> app_notifications::dispatch::Provider {
    build::provider(&serde_json::json!({
        "metadata": {"name": "p", "namespace": "a"}, "spec": {"type": "slack"}
    }))
}

#[test]
fn helm_release_events_reach_the_model_with_their_controller_keys_minus_the_token() {
    let object = Object {
        reference: ObjectRef::new("helm.toolkit.fluxcd.io/v2", "HelmRelease", Some("a"), "w"),
        labels: Strings::new(),
        annotations: Strings::new(),
    };
    let alert =
        alert_with(serde_json::json!({"eventSources": [{"kind": "HelmRelease", "name": "*"}]}));
    let cluster = Cluster::new(vec![alert], [slack()], []);
    for e in representative_events(&object, true) {
        let dispatch = cluster.dispatch(&e.event, &Options::default(), Scope::Candidates);
        let (_, sent) = dispatch.sent().next().expect("the Alert takes it");
        let keys: Vec<&str> = sent.metadata.keys().map(String::as_str).collect();
        assert_eq!(keys, ["app-version", "revision"], "{}", e.what);
    }
}

#[test]
fn the_candidate_index_gives_the_same_notifications_as_trying_every_alert() {
    let table = table();
    for row in list(&table["cases"]) {
        if row["step"] != "server" && row["step"] != "filter" {
            continue;
        }
        let alerts = list(&row["alerts"])
            .iter()
            .map(|a| build::alert(a).0)
            .collect();
        let providers: Vec<_> = list(&row["providers"])
            .iter()
            .map(build::provider)
            .collect();
        let objects: Vec<Object> = list(&row["objects"]).iter().map(object).collect();
        let cluster = Cluster::new(alerts, providers, objects);
        let e = event(&row["event"]);
        let options = Options::default();
        let every: Vec<usize> = cluster
            .dispatch(&e, &options, Scope::Every)
            .sent()
            .map(|(i, _)| i)
            .collect();
        let candidates: Vec<usize> = cluster
            .dispatch(&e, &options, Scope::Candidates)
            .sent()
            .map(|(i, _)| i)
            .collect();
        assert_eq!(every, candidates, "{}", row["upstream"]);
    }
}

#[test]
fn an_event_whose_api_version_has_no_version_finds_no_live_labels() {
    // NC `Get`s the object by the group and version the event's apiVersion parses to, and the
    // client refuses an object without a version: an empty apiVersion, `/`, `group/` or a
    // three-part one gives none, so a matchLabels entry never matches, not even for an object
    // of the core group, whose apiVersion (`v1`) has no group either.
    let labelled = |api_version: &str, kind: &str| Object {
        reference: ObjectRef::new(api_version, kind, Some("a"), "w"),
        labels: [("app".to_string(), "shop".to_string())].into(),
        annotations: Strings::new(),
    };
    for (api_version, kind) in [
        ("helm.toolkit.fluxcd.io/v2", "HelmRelease"),
        ("v1", "ConfigMap"),
    ] {
        let alert = alert_with(serde_json::json!({"eventSources": [
            {"kind": kind, "name": "*", "matchLabels": {"app": "shop"}}
        ]}));
        let cluster = Cluster::new(vec![alert], [slack()], [labelled(api_version, kind)]);
        let sent = |api_version: &str| {
            let event = Event {
                involved_object: ObjectRef::new(api_version, kind, Some("a"), "w"),
                severity: "info".into(),
                message: "m".into(),
                metadata: Strings::new(),
            };
            let dispatch = cluster.dispatch(&event, &Options::default(), Scope::Every);
            dispatch.sent().count()
        };
        assert_eq!(sent(api_version), 1, "{api_version}");
        assert_eq!(sent(""), 0, "{kind} with no apiVersion");
        assert_eq!(sent("/"), 0, "{kind} with apiVersion `/`");
        let group = api_version.rsplit_once('/').map_or("", |(group, _)| group);
        assert_eq!(sent(&format!("{group}/")), 0, "{kind} with no version");
        assert_eq!(
            sent(&format!("{api_version}/extra")),
            0,
            "{api_version}/extra"
        );
    }
}

#[test]
fn a_skip_by_inclusion_list_names_the_patterns_that_do_not_compile() {
    let reason = |inclusion: Value| {
        let alert = alert_with(serde_json::json!({
            "eventSources": [{"kind": "Kustomization", "name": "*"}],
            "inclusionList": inclusion,
        }));
        let cluster = Cluster::new(vec![alert.clone()], [slack()], []);
        let event = Event {
            involved_object: ObjectRef::new(
                "kustomize.toolkit.fluxcd.io/v1",
                "Kustomization",
                Some("a"),
                "web",
            ),
            severity: "info".into(),
            message: "Reconciliation finished".into(),
            metadata: Strings::new(),
        };
        let dispatch = cluster.dispatch(&event, &Options::default(), Scope::Every);
        match dispatch.verdict(0) {
            Some(Verdict::Skipped(skip)) => skip.reason(&alert, &dispatch.received),
            other => panic!("expected a skip, got {other:?}"),
        }
    };
    assert_eq!(
        reason(serde_json::json!(["^failed"])),
        r#"inclusionList: no pattern matches the message "Reconciliation finished""#
    );
    assert_eq!(
        reason(serde_json::json!(["^failed", "(?!x)", "[z"])),
        r#"inclusionList: no pattern matches the message "Reconciliation finished" (`(?!x)`, `[z` do not compile and are skipped)"#
    );
}

#[test]
fn each_source_kind_sends_a_new_artifact_and_a_failure_in_its_controllers_words() {
    // source-controller's `notify` of each reconciler: the message an inclusionList is matched
    // against, with revision and digest on the new artifact and no controller keys on failure.
    let zero = "0".repeat(40);
    let digest = format!("sha256:{}", "0".repeat(64));
    for (api_version, kind, stored) in [
        (
            "source.toolkit.fluxcd.io/v1",
            "GitRepository",
            "stored artifact for commit 'Update the app'".to_string(),
        ),
        (
            "source.toolkit.fluxcd.io/v1beta2",
            "OCIRepository",
            format!("stored artifact with revision 'latest@{digest}' from 'oci://w'"),
        ),
        (
            "source.toolkit.fluxcd.io/v1",
            "HelmRepository",
            "stored fetched index of 1.2 MiB from 'w'".to_string(),
        ),
        (
            "source.toolkit.fluxcd.io/v1",
            "HelmChart",
            "packaged 'w' chart with version '1.0.0'".to_string(),
        ),
        (
            "source.toolkit.fluxcd.io/v1",
            "Bucket",
            "stored artifact with 3 fetched files from 'w' bucket".to_string(),
        ),
    ] {
        let object = Object {
            reference: ObjectRef::new(api_version, kind, Some("a"), "w"),
            labels: Strings::new(),
            annotations: Strings::new(),
        };
        let events = representative_events(&object, true);
        let summary: Vec<(&str, &str, &str)> = events
            .iter()
            .map(|e| (e.what, e.event.severity.as_str(), e.event.message.as_str()))
            .collect();
        let failed = format!("{kind} a/w failed to produce an artifact");
        assert_eq!(
            summary,
            [
                ("new artifact", "info", stored.as_str()),
                ("failure", "error", failed.as_str())
            ],
            "{kind}"
        );
        let revision: Strings = [
            (
                "source.toolkit.fluxcd.io/revision".to_string(),
                format!("main@sha1:{zero}"),
            ),
            (
                "source.toolkit.fluxcd.io/digest".to_string(),
                digest.clone(),
            ),
        ]
        .into();
        assert_eq!(events[0].event.metadata, revision, "{kind}");
        assert!(events[1].event.metadata.is_empty(), "{kind}");
    }
}
