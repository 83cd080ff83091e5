//! The function over real fleets: every KRM document of each repository in
//! `tests/fixtures/corpus/` as the items of one ResourceList, with a config whose selector
//! matches every applier (`matchExpressions: [{key: app-notifications.dev/none, operator:
//! DoesNotExist}]`; an empty selector is rejected by design, and `__none__` is not a valid
//! label key), `eventSources: names`, `placement: {namespace: flux-system}`.
//!
//! Checked, per repository:
//! - exit 0; the only warnings are the missing Provider and, for each HelmRelease with
//!   `spec.chart` but no namespace, one naming it (its HelmChart is not guessed);
//! - the one generated Alert's eventSources are exactly: every Flux Kustomization
//!   (kustomize.toolkit.fluxcd.io) and HelmRelease (helm.toolkit.fluxcd.io), every Flux source
//!   (the selector matches them all, so all are owned), and the HelmChart of each namespaced
//!   HelmRelease with `spec.chart` — counted independently with PyYAML — so never a
//!   `kustomize.config.k8s.io` Kustomization; sorted as semantics §5 says;
//! - the generated objects pass `validate_crd.py`;
//! - every input item is in the output byte for byte, in order.

use std::collections::BTreeSet;
use std::path::Path;

use crate::support::*;
use app_notifications::limits::Limits;
use serde_json::Value;

const CONFIG: &str = "functionConfig:
  apiVersion: app-notifications.dev/v1alpha1
  kind: AppNotifications
  metadata:
    name: corpus
    annotations:
      config.kubernetes.io/local-config: \"true\"
  spec:
    selector:
      matchExpressions:
      - key: app-notifications.dev/none
        operator: DoesNotExist
    eventSources: names
    placement:
      namespace: flux-system
    alerts:
    - providerRef: slack
";

/// Counts the input's Flux objects with PyYAML, independently of the crate's reader (via the
/// validator's loader, which reads YAML 1.1 and lets items reuse anchor names).
const COUNT: &str = r#"
import json, sys
sys.path.insert(0, sys.argv[1])
import validate_crd

def group(obj):
    return str(obj.get("apiVersion", "")).rpartition("/")[0]

SOURCES = {
    ("source.toolkit.fluxcd.io", k)
    for k in ("GitRepository", "OCIRepository", "HelmRepository", "HelmChart", "Bucket",
              "ExternalArtifact")
} | {("source.extensions.fluxcd.io", "ArtifactGenerator")}

out = {"items": 0, "appliers": [], "sources": [], "charts": [], "unnamespaced_chart_hrs": [],
       "config_kustomizations": []}
for obj in validate_crd.documents(sys.stdin.read()):
    out["items"] += 1
    if not isinstance(obj, dict):
        continue
    meta = obj.get("metadata") or {}
    ident = [obj.get("kind"), meta.get("namespace"), meta.get("name")]
    key = (group(obj), obj.get("kind"))
    if key in (("kustomize.toolkit.fluxcd.io", "Kustomization"),
               ("helm.toolkit.fluxcd.io", "HelmRelease")):
        out["appliers"].append(ident)
        chart = ((obj.get("spec") or {}).get("chart") or {}).get("spec") or {}
        if key[1] == "HelmRelease" and chart.get("sourceRef"):
            if meta.get("namespace"):
                ns = meta["namespace"]
                out["charts"].append(
                    ["HelmChart", chart["sourceRef"].get("namespace") or ns,
                     "%s-%s" % (ns, meta["name"])])
            else:
                out["unnamespaced_chart_hrs"].append(meta.get("name"))
    elif key in SOURCES:
        out["sources"].append(ident)
    elif key == ("kustomize.config.k8s.io", "Kustomization"):
        out["config_kustomizations"].append(ident)
json.dump(out, sys.stdout)
"#;

type Ident = (String, Option<String>, String);

fn idents(value: &Value) -> Vec<Ident> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v[0].as_str().unwrap().to_string(),
                v[1].as_str().map(str::to_string),
                v[2].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn count_with_pyyaml(input: &str) -> Value {
    require_python_validator();
    let out = std::process::Command::new("python3")
        .args(["-c", COUNT])
        .arg(fixtures())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(input.as_bytes())?;
            child.wait_with_output()
        })
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "counting with PyYAML failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON from the counter")
}

/// Whether a document is a Kubernetes object (top-level `apiVersion` and `kind`).
fn is_krm(doc: &str) -> bool {
    doc.lines().any(|l| l.starts_with("kind:")) && doc.lines().any(|l| l.starts_with("apiVersion:"))
}

/// The items of one repository: every KRM document of every YAML file, in path order.
fn repo_items(repo: &Path) -> Vec<String> {
    yaml_files(repo)
        .iter()
        .flat_map(|file| {
            let text = std::fs::read_to_string(file).unwrap();
            documents(&text)
                .into_iter()
                .filter(|d| is_krm(d))
                .map(|d| as_item(&d))
                .collect::<Vec<_>>()
        })
        .collect()
}

struct RepoStats {
    name: String,
    items: usize,
    /// Applier documents, before identical (kind, namespace, name) collapse into one entry.
    applier_documents: usize,
    kustomizations: usize,
    helm_releases: usize,
    sources: usize,
    charts: usize,
    unnamespaced_chart_hrs: usize,
    config_kustomizations: usize,
}

fn check_repo(repo: &Path) -> RepoStats {
    let name = repo.file_name().unwrap().to_string_lossy().to_string();
    let items = repo_items(repo);
    assert!(!items.is_empty(), "{name}: no KRM documents");
    let mut input = resource_list(&items);
    input.push_str(CONFIG);

    let counted = count_with_pyyaml(&input);
    assert_eq!(
        counted["items"].as_u64().unwrap() as usize,
        items.len(),
        "{name}: PyYAML and the test disagree on the number of items"
    );
    let appliers: BTreeSet<Ident> = idents(&counted["appliers"]).into_iter().collect();
    let sources: BTreeSet<Ident> = idents(&counted["sources"]).into_iter().collect();
    let charts: BTreeSet<Ident> = idents(&counted["charts"]).into_iter().collect();
    let config_kustomizations = idents(&counted["config_kustomizations"]);
    let unnamespaced: Vec<String> = counted["unnamespaced_chart_hrs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert!(!appliers.is_empty(), "{name}: no Flux appliers counted");

    let run = run_bin(input.as_bytes());
    assert_eq!(run.code, 0, "{name}: the function failed:\n{}", run.stderr);

    // Warnings: the Provider that is not generated, and each unnamespaced HelmRelease whose
    // HelmChart name is unknowable.
    for line in run.stderr.lines() {
        assert!(
            line.starts_with("warning: providerRef slack ")
                || line.starts_with("warning: HelmRelease "),
            "{name}: unexpected message: {line}"
        );
    }
    for hr in &unnamespaced {
        let expected = format!("warning: HelmRelease {hr} has no namespace");
        assert!(
            run.stderr.lines().any(|l| l.starts_with(&expected)),
            "{name}: no warning for HelmRelease {hr} without namespace:\n{}",
            run.stderr
        );
    }

    // The generated objects are valid; exactly one Alert.
    let report = validate_crd(&run.stdout, &["--only-generated"]);
    assert_eq!(
        report.exit, 0,
        "{name}: generated objects violate the Flux CRDs:\n{}",
        report.stderr
    );
    let alerts: Vec<&Value> = report
        .objects()
        .iter()
        .filter(|o| o["kind"] == "Alert")
        .collect();
    assert_eq!(alerts.len(), 1, "{name}: expected one Alert");
    assert_eq!(alerts[0]["namespace"], "flux-system");
    let entries: Vec<(bool, Ident)> = alerts[0]["spec"]["eventSources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let kind = e["kind"].as_str().unwrap().to_string();
            let applier = matches!(kind.as_str(), "Kustomization" | "HelmRelease");
            assert!(
                e.get("matchLabels").is_none(),
                "{name}: names strategy: {e}"
            );
            (
                !applier,
                (
                    kind,
                    e["namespace"].as_str().map(str::to_string),
                    e["name"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect();

    // Exactly the appliers, the owned sources and the HelmCharts, no more, no less.
    let got: BTreeSet<Ident> = entries.iter().map(|(_, i)| i.clone()).collect();
    assert_eq!(
        got.len(),
        entries.len(),
        "{name}: duplicate eventSources entries"
    );
    let got_appliers: BTreeSet<Ident> = entries
        .iter()
        .filter(|(source, _)| !source)
        .map(|(_, i)| i.clone())
        .collect();
    assert_eq!(
        got_appliers.difference(&appliers).collect::<Vec<_>>(),
        Vec::<&Ident>::new(),
        "{name}: eventSources name appliers that are not Flux appliers"
    );
    assert_eq!(
        appliers.difference(&got_appliers).collect::<Vec<_>>(),
        Vec::<&Ident>::new(),
        "{name}: Flux appliers missing from eventSources"
    );
    let expected_sources: BTreeSet<Ident> = sources.union(&charts).cloned().collect();
    let got_sources: BTreeSet<Ident> = entries
        .iter()
        .filter(|(source, _)| *source)
        .map(|(_, i)| i.clone())
        .collect();
    assert_eq!(got_sources, expected_sources, "{name}: sources covered");
    for unnamespaced_hr in &unnamespaced {
        assert!(
            !got.iter().any(|(kind, _, n)| kind == "HelmChart"
                && n.ends_with(&format!("-{unnamespaced_hr}"))
                && !charts.iter().any(|(_, _, c)| c == n)),
            "{name}: a HelmChart was guessed for HelmRelease {unnamespaced_hr}"
        );
    }
    for k in &config_kustomizations {
        if !k.2.is_empty() && !appliers.contains(k) {
            assert!(
                !got.contains(k),
                "{name}: kustomize.config.k8s.io Kustomization {k:?} covered"
            );
        }
    }
    // Sorted: appliers first, then sources; by kind, namespace, name.
    let mut sorted = entries.clone();
    sorted.sort();
    assert!(entries == sorted, "{name}: eventSources are not sorted");

    // Passthrough: every item, byte for byte, in order; nothing else but generated objects.
    let output = &run.stdout;
    let mut pos = 0;
    for (i, item) in items.iter().enumerate() {
        match output[pos..].find(item.as_str()) {
            Some(at) => pos += at + item.len(),
            None => panic!("{name}: item {i} is not in the output unchanged:\n{item}"),
        }
    }
    let list = app_notifications::reader(&Limits::default())
        .resource_list(output, "output")
        .expect("output reads");
    let kept: Vec<&str> = list
        .items
        .iter()
        .filter(|i| {
            i.fields
                .annotation("app-notifications.dev/generated-by")
                .is_none()
        })
        .map(|i| &output[i.region.clone()])
        .collect();
    assert_eq!(kept.len(), items.len(), "{name}: items lost or added");
    assert!(
        output.starts_with(&resource_list(&items)),
        "{name}: the items are not the output's first bytes, unchanged"
    );

    let kind_count = |kind: &str| appliers.iter().filter(|a| a.0 == kind).count();
    RepoStats {
        name,
        items: items.len(),
        applier_documents: counted["appliers"].as_array().unwrap().len(),
        kustomizations: kind_count("Kustomization"),
        helm_releases: kind_count("HelmRelease"),
        sources: sources.len(),
        charts: charts.len(),
        unnamespaced_chart_hrs: unnamespaced.len(),
        config_kustomizations: config_kustomizations.len(),
    }
}

#[test]
fn one_alert_covers_every_applier_of_each_corpus_repository() {
    let corpus = fixtures().join("corpus");
    let mut repos: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    repos.sort();
    assert_eq!(repos.len(), 3, "three corpus repositories");
    let mut total_appliers = 0;
    for repo in &repos {
        let s = check_repo(repo);
        eprintln!(
            "{}: {} items; {} applier documents, covered as {} Kustomizations + {} HelmReleases, \
             {} sources, {} HelmCharts; {} unnamespaced HelmReleases with spec.chart (warned, \
             not guessed); {} kustomize.config.k8s.io Kustomizations left out",
            s.name,
            s.items,
            s.applier_documents,
            s.kustomizations,
            s.helm_releases,
            s.sources,
            s.charts,
            s.unnamespaced_chart_hrs,
            s.config_kustomizations
        );
        total_appliers += s.kustomizations + s.helm_releases;
    }
    assert!(total_appliers > 100, "only {total_appliers} appliers");
}
