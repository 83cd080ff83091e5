//! `check` and `report`: fresh, stale, uncovered, overlapping and missing-Provider packages,
//! with their messages; every report format against its golden file; the KRM `--check` mode;
//! and check as a kpt validator through the real kpt.

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_app-notifications"));
    cmd.env_remove("KUSTOMIZE_PLUGIN_CONFIG_ROOT");
    cmd
}

fn run(cmd: &mut Command, stdin: &[u8]) -> (i32, String, String) {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
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
    assert_eq!(
        stderr,
        "error: Alert billing/billing-production is stale: Kustomization billing/billing-extra \
         was added (hint: run `app-notifications render --write` or `kpt fn render`, and commit \
         the result) (Alert billing/billing-production, file \
         apps/billing/billing.notifications.yaml)\n"
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
        "error: HelmRelease orders/orders carries app.kubernetes.io/name=orders, but no \
         AppNotifications covers app orders (hint: add an AppNotifications for orders, e.g. \
         fn-config/minimal.yaml with metadata.name orders) (HelmRelease orders/orders, file \
         apps/orders.yaml)\n"
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
        "error: Alerts billing/db-alerts and billing/billing-production both send events of \
         Kustomization billing/billing-db to Provider billing/slack: every event is notified \
         twice (hint: cover each applier in one Alert per Provider; narrow one Alert's \
         eventSources or use another Provider)\n"
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
    let pkg = Package::rendered("report");
    // A user's Alert and an app without config, so every section shows.
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
    let golden = root().join("tests/report");
    for (format, file) in [
        ("table", "report.txt"),
        ("json", "report.json"),
        ("markdown", "report.md"),
        ("mermaid", "report.mmd"),
        ("dot", "report.dot"),
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
