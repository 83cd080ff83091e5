//! `check` and `report`: fresh, stale, uncovered, overlapping and missing-Provider packages,
//! with their messages; every report format against its golden file; the KRM `--check` mode;
//! and check as a kpt validator through the real kpt.

use crate::support::{self, bin, run};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A rendered copy of the example package, removed at the end of the test.
struct Package(PathBuf);

impl Package {
    fn rendered(name: &str) -> Package {
        let dir = std::env::temp_dir().join(format!("an-audit-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        support::copy_dir(&root().join("examples/package"), &dir);
        let (code, _, stderr) = run(bin().args(["render", "--write"]).arg(&dir), b"");
        assert_eq!(code, 0, "{stderr}");
        Package(dir)
    }

    fn append(&self, file: &str, text: &str) {
        let path = self.0.join(file);
        let mut current = std::fs::read_to_string(&path).unwrap_or_default();
        if !current.is_empty() {
            current.push_str("---\n");
        }
        current.push_str(text);
        std::fs::write(path, current).unwrap();
    }

    fn check(&self) -> (i32, String) {
        let (code, stdout, stderr) = run(bin().arg("check").arg(&self.0), b"");
        assert_eq!(stdout, "");
        (code, stderr)
    }
}

impl Drop for Package {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const EXTRA_KUSTOMIZATION: &str = "apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: billing-extra
  namespace: billing
  labels:
    app.kubernetes.io/name: billing
    app.kubernetes.io/instance: production
spec:
  interval: 10m
  path: ./apps/billing/extra
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
    namespace: flux-system
";

#[test]
fn a_fresh_package_passes() {
    let pkg = Package::rendered("fresh");
    let (code, stderr) = pkg.check();
    assert_eq!((code, stderr.as_str()), (0, ""));
}

#[test]
fn a_stale_alert_names_what_changed() {
    let pkg = Package::rendered("stale");
    pkg.append("apps/billing/kustomizations.yaml", EXTRA_KUSTOMIZATION);
    let (code, stderr) = pkg.check();
    assert_eq!(code, 1);
    // The file as the user can open it: below the package path given on the command line.
    assert_eq!(
        stderr,
        format!(
            "error: Alert billing/billing-production is stale: Kustomization billing/billing-extra \
             was added (hint: run `app-notifications render --write` or `kpt fn render`, and \
             commit the result) (Alert billing/billing-production, file \
             {}/apps/billing/billing.notifications.yaml:1:1)\n",
            pkg.0.display()
        )
    );
}

#[test]
fn a_missing_alert_is_reported() {
    let pkg = Package::rendered("missing");
    std::fs::remove_file(pkg.0.join("apps/billing/billing.notifications.yaml")).unwrap();
    let (code, stderr) = pkg.check();
    assert_eq!(code, 1);
    assert!(
        stderr.contains(
            "error: Alert billing/billing-production is missing: its config generates it (hint: \
             run `app-notifications render --write` or `kpt fn render`, and commit the result)"
        ),
        "{stderr}"
    );
}

#[test]
fn an_app_without_config_is_uncovered() {
    let pkg = Package::rendered("uncovered");
    pkg.append(
        "apps/orders.yaml",
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: orders\n  \
         namespace: orders\n  labels:\n    app.kubernetes.io/name: orders\nspec:\n  interval: \
         5m\n  chartRef:\n    kind: OCIRepository\n    name: orders\n",
    );
    let (code, stderr) = pkg.check();
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        format!(
            "error: HelmRelease orders/orders carries app.kubernetes.io/name=orders, but no \
             AppNotifications covers app orders (hint: add an AppNotifications for orders, e.g. \
             fn-config/minimal.yaml with metadata.name orders) (HelmRelease orders/orders, file \
             {}/apps/orders.yaml:1:1)\n",
            pkg.0.display()
        )
    );
    // The label key is configurable.
    let (code, _, stderr) = run(
        bin().args(["check", "--app-label", "team"]).arg(&pkg.0),
        b"",
    );
    assert_eq!((code, stderr.as_str()), (0, ""));
}

#[test]
fn overlapping_alerts_to_one_provider_fail() {
    let pkg = Package::rendered("overlap");
    pkg.append(
        "apps/billing/my-alert.yaml",
        "apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Alert\nmetadata:\n  name: \
         db-alerts\n  namespace: billing\nspec:\n  providerRef:\n    name: slack\n  \
         eventSources:\n  - kind: Kustomization\n    name: billing-db\n",
    );
    let (code, stderr) = pkg.check();
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        format!(
            "error: Alerts billing/db-alerts and billing/billing-production both send the events \
             of Kustomization billing/billing-db to Provider billing/slack: every such event is \
             notified twice (hint: cover each object in one Alert per Provider: narrow one \
             Alert's eventSources, or send it to another Provider; Alert billing/db-alerts is \
             hand-written, Alert billing/billing-production is generated by AppNotifications \
             billing/billing) (Alert billing/db-alerts, file \
             {}/apps/billing/my-alert.yaml:1:1)\n",
            pkg.0.display()
        )
    );
}

#[test]
fn a_provider_neither_generated_nor_present_warns() {
    let pkg = Package::rendered("provider");
    let config = pkg.0.join("apps/billing/notifications.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("  - providerRef: slack\n", "  - providerRef: teams\n"),
    )
    .unwrap();
    let (code, _, _) = run(bin().args(["render", "--write"]).arg(&pkg.0), b"");
    assert_eq!(code, 0);
    let (code, stderr) = pkg.check();
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "warning: providerRef teams of app billing is neither generated nor in the build; it \
             must exist in the cluster in namespace billing"
        ),
        "{stderr}"
    );
}

/// The report of the rendered example package in every format, against golden files
/// (`UPDATE_GOLDEN=1` rewrites them).
#[test]
fn report_formats_match_their_golden_files() {
    let pkg = report_package("report");
    let golden = root().join("tests/report");
    for (format, file) in [
        ("table", "report.txt"),
        ("json", "report.json"),
        ("markdown", "report.md"),
        ("mermaid", "report.mmd"),
        ("dot", "report.dot"),
        ("svg", "report.svg"),
    ] {
        let (code, stdout, stderr) =
            run(bin().args(["report", "--format", format]).arg(&pkg.0), b"");
        assert_eq!(code, 0, "{format}: {stderr}");
        let path = golden.join(file);
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::create_dir_all(&golden).unwrap();
            std::fs::write(&path, &stdout).unwrap();
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            expected == stdout,
            "{format} differs from {}:\n{stdout}",
            path.display()
        );
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(golden.join("report.json")).unwrap())
            .unwrap();
    assert_eq!(json["totals"]["overlaps"], 1);
    assert_eq!(json["uncovered"][0]["name"], "orders");
}

/// The rendered example package plus a user's Alert that overlaps the generated one and an
/// app without config, so every section of the report shows.
fn report_package(name: &str) -> Package {
    let pkg = Package::rendered(name);
    pkg.append(
        "apps/billing/my-alert.yaml",
        "apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Alert\nmetadata:\n  name: \
         db-alerts\n  namespace: billing\nspec:\n  providerRef:\n    name: slack\n  \
         eventSources:\n  - kind: Kustomization\n    name: billing-db\n",
    );
    pkg.append(
        "apps/orders.yaml",
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: orders\n  \
         namespace: orders\n  labels:\n    app.kubernetes.io/name: orders\nspec:\n  interval: \
         5m\n  chartRef:\n    kind: OCIRepository\n    name: orders\n",
    );
    pkg
}

/// What an XML parser (Python's ElementTree: it rejects any malformed document) finds in an
/// SVG: the root's accessibility attributes, every text, every id, every tooltip.
fn parse_svg(svg: &str) -> serde_json::Value {
    const SCRIPT: &str = r#"
import json, sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
ns = "{http://www.w3.org/2000/svg}"
assert root.tag == ns + "svg", root.tag
print(json.dumps({
    "role": root.get("role"),
    "label": root.get("aria-label"),
    "width": int(root.get("width")),
    "height": int(root.get("height")),
    "first": root[0].tag,
    "texts": [t.text or "" for t in root.iter(ns + "text")],
    "ids": [e.get("id") for e in root.iter() if e.get("id") is not None],
    "titles": [t.text or "" for t in root.iter(ns + "title")],
}))
"#;
    let (code, stdout, stderr) = run(Command::new("python3").args(["-c", SCRIPT]), svg.as_bytes());
    assert_eq!(code, 0, "the SVG is not well-formed XML: {stderr}");
    serde_json::from_str(&stdout).unwrap()
}

/// Every applier and source the JSON report lists (covered or not) as `namespace/name`.
fn objects_in(report: &serde_json::Value) -> Vec<String> {
    let name = |o: &serde_json::Value| match o["namespace"].as_str() {
        Some(ns) => format!("{ns}/{}", o["name"].as_str().unwrap()),
        None => o["name"].as_str().unwrap().to_string(),
    };
    let mut out: Vec<String> = report["uncovered"]
        .as_array()
        .unwrap()
        .iter()
        .map(name)
        .collect();
    for app in report["apps"].as_array().unwrap() {
        for env in app["environments"].as_array().unwrap() {
            for alert in env["alerts"].as_array().unwrap() {
                out.extend(alert["covers"].as_array().unwrap().iter().map(name));
            }
        }
    }
    out
}

fn assert_svg_shows(svg: &serde_json::Value, report: &serde_json::Value) {
    assert_eq!(svg["role"], "img");
    assert_eq!(svg["first"], "{http://www.w3.org/2000/svg}title");
    let totals = &report["totals"];
    let label = svg["label"].as_str().unwrap();
    assert!(
        label.contains(&format!("{} object", totals["covered"])),
        "{label}"
    );
    let texts: std::collections::HashSet<&str> = svg["texts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    let objects = objects_in(report);
    assert!(!objects.is_empty());
    for object in &objects {
        assert!(
            texts.contains(object.as_str()),
            "{object} is not in the SVG"
        );
    }
    let ids: Vec<&str> = svg["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_str().unwrap())
        .collect();
    let unique: std::collections::HashSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "ids repeat");
    // One tooltip per box, plus the picture's own title.
    assert!(svg["titles"].as_array().unwrap().len() > objects.len());
}

/// The SVG is XML, names every applier and source the report covers or misses, and is the
/// same bytes when drawn twice.
#[test]
fn the_svg_report_is_well_formed_and_shows_every_applier() {
    let pkg = report_package("svg");
    let report = |format: &str| {
        let (code, stdout, stderr) =
            run(bin().args(["report", "--format", format]).arg(&pkg.0), b"");
        assert_eq!(code, 0, "{stderr}");
        stdout
    };
    let svg = report("svg");
    assert_eq!(svg, report("svg"));
    let json: serde_json::Value = serde_json::from_str(&report("json")).unwrap();
    let parsed = parse_svg(&svg);
    assert_svg_shows(&parsed, &json);
    // The uncovered applier and the overlap are marked, not just listed.
    assert!(svg.contains("id=\"an-uncovered.orders.HelmRelease.orders.orders\""));
    assert!(svg.contains("Overlaps (duplicate notifications)"));
}

/// Names that XML and the id scheme must survive: markup characters, quotes, non-ASCII and a
/// control character in a label value.
#[test]
fn the_svg_report_escapes_what_it_draws() {
    let pkg = Package::rendered("svg-escape");
    pkg.append(
        "apps/odd.yaml",
        r#"apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: "a<b>&'c\"d-\u00e9\u0001"
  namespace: billing
  labels:
    app.kubernetes.io/name: "<odd & app>"
spec:
  interval: 5m
"#,
    );
    let (code, svg, stderr) = run(bin().args(["report", "--format", "svg"]).arg(&pkg.0), b"");
    assert_eq!(code, 0, "{stderr}");
    let parsed = parse_svg(&svg);
    let texts: Vec<&str> = parsed["texts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(
        texts.contains(&"billing/a<b>&'c\"d-\u{e9}\u{fffd}"),
        "{texts:?}"
    );
    assert!(texts.contains(&"<odd & app>"), "{texts:?}");
}

/// A 200-app fleet (12,200 resources) gives a valid picture of every applier, drawn in about
/// the time the table takes (both read, generate and audit the same fleet): the picture adds
/// no more than a pass over what it draws.
#[test]
fn a_fleet_report_is_valid_and_quick() {
    let dir = std::env::temp_dir().join(format!("an-audit-fleet-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = Command::new("python3")
        .arg(root().join("bench/gen_fleet.py"))
        .args(["--apps", "200", "--format", "package", "--out"])
        .arg(&dir)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pkg = Package(dir);
    let timed = |format: &str| {
        let start = std::time::Instant::now();
        let (code, stdout, stderr) =
            run(bin().args(["report", "--format", format]).arg(&pkg.0), b"");
        assert_eq!(code, 0, "{stderr}");
        (stdout, start.elapsed())
    };
    let (table, table_time) = timed("table");
    let (svg, svg_time) = timed("svg");
    assert!(
        table.contains("total: 200 apps, 200 Alerts"),
        "{}",
        &table[table.len() - 200..]
    );
    assert!(
        svg_time < table_time * 3 + std::time::Duration::from_secs(2),
        "svg took {svg_time:?}, the table {table_time:?}"
    );
    let (json, _) = timed("json");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let parsed = parse_svg(&svg);
    assert_svg_shows(&parsed, &json);
    assert!(objects_in(&json).len() >= 800);
}

#[test]
fn krm_check_mode_changes_nothing() {
    let input = std::fs::read(root().join("examples/quickstart/expected-output.yaml")).unwrap();
    let (code, stdout, stderr) = run(bin().arg("--check"), &input);
    assert_eq!((code, stderr.as_str()), (0, ""));
    // Nothing to report: the list passes through byte for byte.
    assert_eq!(stdout.as_bytes(), input.as_slice());

    let fresh = std::fs::read(root().join("examples/quickstart/resource-list.yaml")).unwrap();
    let (code, stdout, stderr) = run(bin().arg("--check"), &fresh);
    assert_eq!(code, 1);
    assert!(stdout.starts_with(&String::from_utf8(fresh).unwrap()));
    assert!(
        stderr.contains("Alert billing/billing-production is missing"),
        "{stderr}"
    );
}

/// `check` as a kpt validator: `kpt fn render --allow-exec` with a Kptfile whose validator is
/// the function with `configMap: {mode: check}`.
#[test]
fn kpt_validator_passes_fresh_and_fails_stale() {
    let kpt = Command::new("kpt").arg("version").output();
    assert!(
        kpt.is_ok_and(|o| o.status.success()),
        "kpt is not installed: this test needs kpt 1.0.0-beta.56 on PATH"
    );
    let pkg = Package::rendered("kpt");
    std::fs::write(
        pkg.0.join("Kptfile"),
        format!(
            "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: billing\npipeline:\n  \
             validators:\n  - exec: {}\n    configMap:\n      mode: check\n",
            env!("CARGO_BIN_EXE_app-notifications")
        ),
    )
    .unwrap();
    let render = |dir: &Path| {
        let out = Command::new("kpt")
            .args(["fn", "render", "--allow-exec"])
            .arg(dir)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned()
                + &String::from_utf8_lossy(&out.stdout),
        )
    };
    let (code, out) = render(&pkg.0);
    assert_eq!(code, 0, "{out}");
    pkg.append("apps/billing/kustomizations.yaml", EXTRA_KUSTOMIZATION);
    let (code, out) = render(&pkg.0);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("Alert billing/billing-production is stale: Kustomization billing/billing-extra was added"),
        "{out}"
    );
}

fn fleet_build() -> Vec<u8> {
    std::fs::read(root().join("examples/fleet/rendered/production/manifests.yaml")).unwrap()
}

#[test]
fn a_build_output_read_as_a_package_says_to_read_it_as_a_build() {
    let (code, _, stderr) = run(
        bin()
            .arg("check")
            .arg(root().join("examples/fleet/rendered/production/manifests.yaml")),
        b"",
    );
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with(
            "warning: the package holds 6 objects generated by app-notifications but no \
             AppNotifications, so as a package they are all stale (hint: if this is a build's \
             output, e.g. from kubectl kustomize, read it as one: `app-notifications check - < \
             FILE`"
        ),
        "{stderr}"
    );
    let (code, stdout, stderr) = run(bin().args(["check", "-"]), &fleet_build());
    assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, "", ""));
}

#[test]
fn a_labelled_applier_a_built_stream_leaves_out_is_an_error_naming_its_apps_alerts() {
    let mut build = fleet_build();
    // The applier's document starts after the build's lines and the `---` line.
    let line = build.iter().filter(|b| **b == b'\n').count() + 2;
    build.extend_from_slice(b"---\n");
    build.extend_from_slice(EXTRA_KUSTOMIZATION.as_bytes());
    let (code, _, stderr) = run(bin().args(["check", "-"]), &build);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        format!(
            "error: Kustomization billing/billing-extra carries app.kubernetes.io/name=billing, \
             but no Alert of the build covers it; app billing's Alerts \
             (billing/billing-production, billing/billing-production-oncall) leave it out \
             (hint: the build is older than the applier or was built without the function: \
             build it again with app-notifications in `transformers:`, and check that the \
             applier matches the app's spec.selector) (Kustomization billing/billing-extra, \
             file stdin:{line}:1)\n"
        )
    );
}

#[test]
fn stdin_given_twice_or_with_a_config_is_a_usage_error() {
    for args in [
        &["check", "-", "-"][..],
        &["report", "--config", "x.yaml", "-"],
        &["explain", "-", ".", "--event", "Kustomization/a/b"],
    ] {
        let (code, stdout, stderr) = run(bin().args(args), b"");
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_eq!(stdout, "");
        assert!(
            stderr.starts_with("error: ") && stderr.contains("(hint: "),
            "{stderr}"
        );
    }
}

#[test]
fn unreadable_stdin_is_an_error_with_its_position() {
    let (code, stdout, stderr) = run(bin().args(["check", "-"]), b"kind: [unclosed\n");
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert!(stderr.starts_with("error: stdin:"), "{stderr}");
}

#[test]
fn explain_of_an_object_the_build_does_not_hold_warns_and_still_answers() {
    let (code, stdout, stderr) = run(
        bin().args([
            "explain",
            "-",
            "--event",
            "Kustomization/billing/gone",
            "--format",
            "json",
        ]),
        &fleet_build(),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.starts_with("warning: Kustomization billing/gone is not in the build"),
        "{stderr}"
    );
    let answer: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(answer["notifications"], serde_json::json!([]));
    let reasons: Vec<&str> = answer["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap())
        .collect();
    assert!(
        reasons.contains(&"name differs: its Kustomization entries in namespace billing name billing-api, billing-db, not gone"),
        "{reasons:?}"
    );
}

#[test]
fn bad_explain_arguments_are_usage_errors() {
    for (args, says) in [
        (
            &["--event", "Kustomization/billing"][..],
            "is not KIND/NAMESPACE/NAME",
        ),
        (&["--event", "Kustomization//x"], "has an empty part"),
        (
            &["--event", "Kustomization/a/b", "--metadata", "novalue"],
            "is not KEY=VALUE",
        ),
        (
            &["--event", "Kustomization/a/b", "--severity", "warn"],
            "invalid value 'warn'",
        ),
    ] {
        let (code, _, stderr) = run(bin().arg("explain").arg(".").args(args), b"");
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

/// Stamped annotations are part of the build the routes are proven on: a hand-written Alert
/// whose eventMetadata sets a key the stamp also sets conflicts, though no file holds the stamp
/// yet.
#[test]
fn check_proves_routes_on_the_appliers_as_annotate_appliers_leaves_them() {
    let input = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n\
        - apiVersion: kustomize.toolkit.fluxcd.io/v1\n  kind: Kustomization\n  metadata:\n    \
        name: api\n    namespace: billing\n    labels:\n      app.kubernetes.io/name: billing\n  \
        spec:\n    interval: 10m\n\
        - apiVersion: notification.toolkit.fluxcd.io/v1beta3\n  kind: Alert\n  metadata:\n    \
        name: team\n    namespace: billing\n  spec:\n    providerRef:\n      name: webhook\n    \
        eventMetadata:\n      env: prod\n    eventSources:\n    - kind: Kustomization\n      \
        name: api\n\
        - apiVersion: notification.toolkit.fluxcd.io/v1beta3\n  kind: Provider\n  metadata:\n    \
        name: webhook\n    namespace: billing\n  spec:\n    type: generic\n\
        functionConfig:\n  apiVersion: app-notifications.dev/v1alpha1\n  kind: AppNotifications\n  \
        metadata:\n    name: billing\n  spec:\n    environment: production\n    \
        annotateAppliers: true\n    alerts:\n    - providerRef: webhook\n";
    let (code, _, stderr) = run(bin().arg("--check"), input.as_bytes());
    assert_eq!(code, 1);
    assert!(
        stderr.contains(
            "error: Alert billing/team: metadata key `env` of its notifications about \
             Kustomization billing/api is set by both the object's annotation \
             event.toolkit.fluxcd.io/env and the Alert's spec.eventMetadata"
        ),
        "{stderr}"
    );
}

/// The HelmChart of a HelmRelease carries helm-controller's owner labels (a wildcard entry can
/// select it by them) and, only when the HelmRelease says so, `spec.chart.metadata`.
#[test]
fn a_helm_releases_chart_is_matched_by_its_owner_labels_and_carries_its_chart_metadata() {
    let stream = |chart_metadata: &str| {
        format!(
            "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: \
             worker\n  namespace: billing\nspec:\n  interval: 5m\n  chart:\n{chart_metadata}    \
             spec:\n      chart: worker\n      sourceRef:\n        kind: HelmRepository\n        \
             name: charts\n        namespace: flux-system\n---\n\
             apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Alert\nmetadata:\n  \
             name: charts\n  namespace: flux-system\nspec:\n  providerRef:\n    name: hook\n  \
             eventSources:\n  - kind: HelmChart\n    name: '*'\n    matchLabels:\n      \
             helm.toolkit.fluxcd.io/name: worker\n---\n\
             apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Provider\nmetadata:\n  \
             name: hook\n  namespace: flux-system\nspec:\n  type: generic\n"
        )
    };
    let explain = |input: String| {
        let (code, stdout, stderr) = run(
            bin().args([
                "explain",
                "-",
                "--event",
                "HelmChart/flux-system/billing-worker",
                "--format",
                "json",
            ]),
            input.as_bytes(),
        );
        assert_eq!((code, stderr.as_str()), (0, ""));
        serde_json::from_str::<serde_json::Value>(&stdout).unwrap()
    };
    let plain = explain(stream(""));
    assert_eq!(plain["notifications"][0]["alert"], "flux-system/charts");
    assert_eq!(plain["event"]["metadata"], serde_json::json!({}));
    let annotated = explain(stream(
        "    metadata:\n      annotations:\n        event.toolkit.fluxcd.io/team: payments\n",
    ));
    assert_eq!(
        annotated["notifications"][0]["metadata"],
        serde_json::json!({"team": "payments"})
    );
}

#[test]
fn the_objects_an_event_can_be_about_are_the_namespaced_flux_emitters_sorted_once_each() {
    // The playground's event picker: Flux objects of kinds that post events, with a namespace
    // (the recorder drops events of objects without one) and not local-config (never
    // applied), the HelmChart source-controller creates for a Flux HelmRelease (not for one of
    // another API, and whatever other source shares its name), in (kind, namespace, name)
    // order, each once.
    let text = "\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: web, namespace: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: cluster-wide}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: api, namespace: shop}
spec:
  chart:
    spec: {chart: api, sourceRef: {kind: HelmRepository, name: charts}}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: shop-api, namespace: shop}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: local
  namespace: shop
  annotations: {config.kubernetes.io/local-config: 'true'}
---
apiVersion: apps.open-cluster-management.io/v1
kind: HelmRelease
metadata: {name: other, namespace: shop}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: api, namespace: shop}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: web, namespace: shop}
";
    let limits = app_notifications::Limits::default();
    let list = app_notifications::built_list(text, "stream.yaml", &limits).unwrap();
    let subjects: Vec<String> = app_notifications::event_subjects(&list, None, &limits)
        .iter()
        .map(|r| {
            format!(
                "{} {}/{}",
                r.kind,
                r.namespace.as_deref().unwrap_or("-"),
                r.name
            )
        })
        .collect();
    assert_eq!(
        subjects,
        [
            "GitRepository shop/shop-api",
            "HelmChart shop/shop-api",
            "HelmRelease shop/api",
            "Kustomization shop/api",
            "Kustomization shop/web",
        ]
    );
}
