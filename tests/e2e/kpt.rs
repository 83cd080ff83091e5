//! The function inside kpt (1.0), for real, on the example package examples/kpt: a Kptfile
//! pipeline with no functionConfig (discovery across two apps), whose rendered output is
//! committed with it.
//!
//! - `kpt fn render` with the `image:` form (kpt calls `docker version` then `docker run`,
//!   answered by the `docker` stand-in with the image built from the Dockerfile);
//! - `kpt fn render --allow-exec` with the `exec:` form: Alerts land next to each config, a
//!   second render changes nothing, comments survive, removing an applier updates the Alert,
//!   deleting a config prunes its Alerts;
//! - `kpt fn eval --exec`, with discovery and with `-- key=value` (a ConfigMap config);
//! - `app-notifications render --write` writes the same files as kpt.

use super::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{examples, image, require, run, snapshot, Output, Scratch, IMAGE};

/// The files the function generates in the example package (committed with it).
const GENERATED: [&str; 2] = [
    "apps/billing/billing.notifications.yaml",
    "apps/storefront/storefront.notifications.yaml",
];

fn kpt(args: &[&str], cwd: &Path, docker_log: Option<&Path>) -> Output {
    require("kpt");
    let mut cmd = Command::new("kpt");
    cmd.args(args)
        .current_dir(cwd)
        .env("PATH", common::path_with_stand_in());
    if let Some(log) = docker_log {
        cmd.env("AN_E2E_DOCKER_LOG", log);
    }
    run(&mut cmd, b"")
}

/// A copy of the example package as `<scratch>/pkg`, optionally without its generated files.
fn package(rendered: bool) -> (Scratch, PathBuf) {
    let (scratch, pkg) = Scratch::copy_of(&examples().join("kpt"), "pkg");
    if !rendered {
        for file in GENERATED {
            std::fs::remove_file(pkg.join(file)).unwrap();
        }
    }
    (scratch, pkg)
}

/// Switches the package's pipeline to the exec form, running the binary cargo built.
fn use_exec_form(pkg: &Path) {
    let kptfile = pkg.join("Kptfile");
    let text = std::fs::read_to_string(&kptfile).unwrap();
    let image_line = format!("  - image: {IMAGE}\n");
    assert!(text.contains(&image_line), "Kptfile: {text}");
    let exec_line = format!("  - exec: {}\n", common::function_bin().display());
    std::fs::write(&kptfile, text.replace(&image_line, &exec_line)).unwrap();
}

fn render_exec(pkg: &Path) -> Output {
    kpt(
        &["fn", "render", "pkg", "--allow-exec"],
        pkg.parent().unwrap(),
        None,
    )
    .ok("kpt fn render --allow-exec")
}

/// The package's files, without the Kptfile (which the exec form changes).
fn contents(pkg: &Path) -> Vec<(String, String)> {
    snapshot(pkg)
        .into_iter()
        .filter(|(path, _)| path != "Kptfile")
        .collect()
}

fn assert_same_package(actual: &[(String, String)], expected: &[(String, String)], what: &str) {
    let names = |s: &[(String, String)]| s.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(actual), names(expected), "{what}: files differ");
    for ((path, got), (_, want)) in actual.iter().zip(expected) {
        common::assert_same_text(got, want, &format!("{what}: {path}"));
    }
}

fn example_contents() -> Vec<(String, String)> {
    contents(&examples().join("kpt"))
}

#[test]
fn render_with_the_image_form_writes_the_committed_output() {
    image();
    let (scratch, pkg) = package(false);
    let log = scratch.path().join("docker.log");
    kpt(&["fn", "render", "pkg"], scratch.path(), Some(&log)).ok("kpt fn render");
    if std::env::var_os(common::UPDATE_ENV).is_some() {
        for file in GENERATED {
            std::fs::copy(pkg.join(file), examples().join("kpt").join(file)).unwrap();
        }
    }
    // Every file as committed: the generated ones next to their configs, and every user file
    // (comments, quoting, order) byte for byte.
    assert_same_package(
        &snapshot(&pkg),
        &snapshot(&examples().join("kpt")),
        "image render",
    );

    let calls = common::docker_calls(&log);
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert!(calls[0].starts_with("version "), "{calls:#?}");
    assert!(
        calls[1].starts_with("run ")
            && calls[1].contains("--user nobody")
            && calls[1].ends_with(&format!(" {IMAGE}")),
        "{calls:#?}"
    );

    // A second render changes nothing.
    kpt(&["fn", "render", "pkg"], scratch.path(), Some(&log)).ok("second kpt fn render");
    assert_same_package(
        &snapshot(&pkg),
        &snapshot(&examples().join("kpt")),
        "second render",
    );
}

#[test]
fn render_with_the_exec_form_matches_and_is_stable() {
    let (_scratch, pkg) = package(false);
    use_exec_form(&pkg);

    // kpt runs exec functions only when allowed.
    let refused = kpt(&["fn", "render", "pkg"], pkg.parent().unwrap(), None);
    assert_ne!(refused.code, 0, "{refused:?}");
    assert!(GENERATED.iter().all(|f| !pkg.join(f).exists()));

    let out = render_exec(&pkg);
    assert!(
        out.stderr
            .contains("Alert billing/billing-production → Provider slack"),
        "{}",
        out.stderr
    );
    assert_same_package(&contents(&pkg), &example_contents(), "exec render");
    for file in GENERATED {
        let text = std::fs::read_to_string(pkg.join(file)).unwrap();
        assert!(
            text.starts_with("apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Alert\n"),
            "{file}: {text}"
        );
    }

    let before = snapshot(&pkg);
    render_exec(&pkg);
    assert_same_package(&snapshot(&pkg), &before, "second exec render");
}

#[test]
fn comments_in_the_package_survive() {
    let (_scratch, pkg) = package(true);
    use_exec_form(&pkg);
    // A user edit with comments, in a file the function reads (an applier) and in a config.
    let appliers = pkg.join("apps/billing/appliers.yaml");
    let text = std::fs::read_to_string(&appliers).unwrap();
    let edited = text.replace(
        "  interval: 30m\n",
        "  interval: 30m # reconciled twice an hour\n  # timeout: 10m\n",
    );
    assert_ne!(edited, text);
    std::fs::write(&appliers, &edited).unwrap();
    let before = snapshot(&pkg);
    render_exec(&pkg);
    assert_same_package(&snapshot(&pkg), &before, "render after a commented edit");
    let after = std::fs::read_to_string(&appliers).unwrap();
    assert!(after.contains("# keep in step with the queue's partitions"));
    assert!(after.contains("  interval: 30m # reconciled twice an hour\n  # timeout: 10m\n"));
    let config = std::fs::read_to_string(pkg.join("apps/billing/notifications.yaml")).unwrap();
    assert!(config.contains("channel: billing-deploys # the team's deploy channel"));
}

#[test]
fn removing_an_applier_updates_the_alert() {
    let (_scratch, pkg) = package(true);
    use_exec_form(&pkg);
    let appliers = pkg.join("apps/billing/appliers.yaml");
    let text = std::fs::read_to_string(&appliers).unwrap();
    let start = text
        .find("---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: billing-api\n")
        .expect("billing-api in appliers.yaml");
    let end = start + 4 + text[start + 4..].find("\n---\n").unwrap();
    std::fs::write(&appliers, format!("{}{}", &text[..start], &text[end + 1..])).unwrap();

    render_exec(&pkg);
    let generated = pkg.join(GENERATED[0]);
    let now = std::fs::read_to_string(&generated).unwrap();
    let was = std::fs::read_to_string(examples().join("kpt").join(GENERATED[0])).unwrap();
    // Exactly the billing-api entry of each Alert is gone; nothing else changed.
    let entry = "  - kind: Kustomization\n    name: billing-api\n    namespace: billing\n";
    assert_eq!(was.matches(entry).count(), 2, "{was}");
    common::assert_same_text(&now, &was.replace(entry, ""), GENERATED[0]);
    let storefront = std::fs::read_to_string(pkg.join(GENERATED[1])).unwrap();
    let storefront_was =
        std::fs::read_to_string(examples().join("kpt").join(GENERATED[1])).unwrap();
    assert_eq!(storefront, storefront_was);
}

#[test]
fn deleting_a_config_prunes_its_alerts() {
    let (_scratch, pkg) = package(true);
    use_exec_form(&pkg);
    std::fs::remove_file(pkg.join("apps/storefront/notifications.yaml")).unwrap();
    render_exec(&pkg);
    assert!(
        !pkg.join(GENERATED[1]).exists(),
        "storefront's Alerts outlived its config"
    );
    let billing = std::fs::read_to_string(pkg.join(GENERATED[0])).unwrap();
    let billing_was = std::fs::read_to_string(examples().join("kpt").join(GENERATED[0])).unwrap();
    assert_eq!(billing, billing_was);
}

#[test]
fn eval_exec_discovers_the_configs() {
    let (scratch, pkg) = package(false);
    let bin = common::function_bin();
    kpt(
        &["fn", "eval", "pkg", "--exec", bin.to_str().unwrap()],
        scratch.path(),
        None,
    )
    .ok("kpt fn eval --exec");
    assert_same_package(&snapshot(&pkg), &snapshot(&examples().join("kpt")), "eval");
}

/// kpt prints a function's results and its stderr: a warning is shown once, as a result; an
/// error is shown as a result and on stderr (with its position in the input), since hosts
/// that show no results must still say why a run failed.
#[test]
fn kpt_shows_each_warning_once_and_errors_with_their_position() {
    let (scratch, pkg) = package(true);
    let config = pkg.join("apps/storefront/notifications.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("providerRef: slack"), "{text}");
    std::fs::write(
        &config,
        text.replace("providerRef: slack", "providerRef: teams"),
    )
    .unwrap();
    let bin = common::function_bin().display().to_string();
    let out = kpt(
        &[
            "fn",
            "eval",
            "pkg",
            "--truncate-output=false",
            "--exec",
            &bin,
        ],
        scratch.path(),
        None,
    )
    .ok("kpt fn eval --exec");
    let warning = "providerRef teams of app storefront is neither generated nor in the build";
    assert_eq!(
        out.stderr.matches(warning).count(),
        1,
        "the warning should be shown once:\n{}",
        out.stderr
    );

    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replacen("alerts:", "alertz:", 1)).unwrap();
    let failed = kpt(
        &[
            "fn",
            "eval",
            "pkg",
            "--truncate-output=false",
            "--exec",
            &bin,
        ],
        scratch.path(),
        None,
    );
    assert_ne!(failed.code, 0, "{failed:?}");
    assert!(
        failed.stderr.contains(
            "(AppNotifications storefront/storefront, field spec.alertz, file \
             apps/storefront/notifications.yaml, stdin:"
        ),
        "{}",
        failed.stderr
    );
}

#[test]
fn eval_exec_with_key_value_config() {
    let (scratch, pkg) = package(false);
    for app in ["billing", "storefront"] {
        std::fs::remove_file(pkg.join(format!("apps/{app}/notifications.yaml"))).unwrap();
    }
    let bin = common::function_bin();
    let out = kpt(
        &[
            "fn",
            "eval",
            "pkg",
            "--exec",
            bin.to_str().unwrap(),
            "--",
            "app=billing",
            "environment=production",
            "providerRef=slack",
        ],
        scratch.path(),
        None,
    )
    .ok("kpt fn eval --exec -- key=value");
    // The Provider is not generated: the function says it must exist in the cluster.
    assert!(out.stderr.contains("providerRef slack"), "{}", out.stderr);
    let files: Vec<String> = snapshot(&pkg).into_iter().map(|(p, _)| p).collect();
    let generated: Vec<&String> = files
        .iter()
        .filter(|p| p.ends_with(".notifications.yaml"))
        .collect();
    assert_eq!(generated.len(), 1, "{files:#?}");
    let text = std::fs::read_to_string(pkg.join(generated[0])).unwrap();
    assert!(
        text.contains("kind: Alert\nmetadata:\n  name: billing-production\n  namespace: billing\n"),
        "{text}"
    );
    assert!(text.contains("name: billing-api"), "{text}");
    assert!(!text.contains("storefront"), "{text}");
}

/// `app-notifications render --write` (for CI without kpt) writes what `kpt fn render` writes.
#[test]
fn render_write_matches_kpt() {
    let (_scratch, pkg) = package(false);
    let out = run(
        Command::new(common::function_bin())
            .args(["render", "--write"])
            .arg(&pkg)
            .env_remove("KUSTOMIZE_PLUGIN_CONFIG_ROOT"),
        b"",
    )
    .ok("app-notifications render --write");
    assert!(out.stderr.contains("wrote "), "{}", out.stderr);
    assert_same_package(
        &snapshot(&pkg),
        &snapshot(&examples().join("kpt")),
        "render --write",
    );
}
