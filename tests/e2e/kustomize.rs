//! The function inside `kubectl kustomize --enable-alpha-plugins` (kustomize v5), for real:
//!
//! - as a container function under `transformers:` (examples/kustomize overlays, whose
//!   config is the base's, patched by each overlay) and under `generators:`
//!   (examples/kustomize-generator, `eventSources: selector`); kustomize runs
//!   `docker run … IMAGE`, answered by the `docker` stand-in with the image built from the
//!   Dockerfile;
//! - at a fleet's cluster roots (examples/fleet: one transformer, discovery), and through the
//!   CI recipe that renders them (examples/ci);
//! - as a legacy exec plugin installed under a private KUSTOMIZE_PLUGIN_HOME, on the variants
//!   examples/kustomize-plugin and examples/fleet-plugin (no container runtime).

use super::common;

use std::path::Path;
use std::process::Command;

use common::{assert_matches_file, examples, image, kustomize, run, Scratch, IMAGE};

const ENVIRONMENTS: [&str; 3] = ["dev", "staging", "production"];

/// Runs kustomize on `dir` with the image available; checks it called docker once per
/// function with the image and `--user nobody`.
fn kustomize_with_image(dir: &Path, functions: usize) -> String {
    image();
    let scratch = Scratch::new("kustomize");
    let log = scratch.path().join("docker.log");
    let out = kustomize(dir, &scratch.path().join("xdg"), &log).ok("kubectl kustomize");
    let calls = common::docker_calls(&log);
    assert_eq!(calls.len(), functions, "docker calls: {calls:#?}");
    for call in &calls {
        assert!(
            call.starts_with("run ") && call.ends_with(&format!(" {IMAGE}")),
            "{call}"
        );
        assert!(call.contains("--user nobody"), "{call}");
    }
    out.stdout
}

/// The YAML documents of a stream.
fn documents(stream: &str) -> Vec<&str> {
    stream.split("\n---\n").collect()
}

fn alert<'a>(stream: &'a str, name: &str) -> &'a str {
    documents(stream)
        .into_iter()
        .find(|d| d.contains("kind: Alert\n") && d.contains(&format!("\n  name: {name}\n")))
        .unwrap_or_else(|| panic!("no Alert {name} in:\n{stream}"))
}

#[test]
fn overlays_run_the_container_transformer_with_their_patched_config() {
    let overlays = examples().join("kustomize/overlays");
    let mut outputs = Vec::new();
    for env in ENVIRONMENTS {
        let out = kustomize_with_image(&overlays.join(env), 1);
        assert_matches_file(
            &out,
            &examples().join(format!("kustomize/expected/{env}.yaml")),
        );
        outputs.push(out);
    }
    let [dev, staging, production] = [&outputs[0], &outputs[1], &outputs[2]];

    // dev: environments.dev in the base config (errors only, the dev channel), and the
    // fixtures Kustomization only dev has.
    let a = alert(dev, "billing-dev");
    assert!(a.contains("eventSeverity: error"), "{a}");
    assert!(a.contains("name: billing-fixtures"), "{a}");
    assert!(dev.contains("channel: billing-dev"), "{dev}");
    // staging: the overlay's JSON patch of the config adds an exclusion.
    let a = alert(staging, "billing-staging");
    assert!(a.contains("exclusionList:"), "{a}");
    assert!(!a.contains("billing-fixtures"), "{a}");
    // production: environments.production adds the on-call route and cluster metadata.
    let a = alert(production, "billing-production-oncall");
    assert!(a.contains("name: opsgenie"), "{a}");
    assert!(alert(production, "billing-production").contains("cluster: prod-eu-1"));
    for out in &outputs {
        // Owned sources only: the app's HelmRepository and the HelmChart built for its
        // HelmRelease, never the shared flux-system GitRepository.
        assert!(out.contains("name: billing-billing-worker"), "{out}");
        assert!(
            !out.contains("kind: AppNotifications"),
            "local config leaked: {out}"
        );
        for doc in documents(out)
            .into_iter()
            .filter(|d| d.contains("kind: Alert\n"))
        {
            assert!(!doc.contains("kind: GitRepository"), "{doc}");
        }
    }
}

#[test]
fn generator_sees_only_its_config_and_matches_by_label() {
    let dir = examples().join("kustomize-generator");
    let out = kustomize_with_image(&dir, 1);
    assert_matches_file(&out, &dir.join("expected.yaml"));
    let a = alert(&out, "storefront-production");
    assert!(a.contains("name: '*'"), "{a}");
    assert!(a.contains("matchLabels:"), "{a}");

    // With `eventSources: names` a generator has nothing to name: an error that says why.
    let (_scratch, copy) = Scratch::copy_of(&dir, "generator");
    let config = copy.join("notifications.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("eventSources: selector", "eventSources: names"),
    )
    .unwrap();
    let log = copy.join("docker.log");
    let failed = kustomize(&copy, &copy.join("xdg"), &log);
    assert_ne!(failed.code, 0, "{failed:?}");
    assert!(
        failed.stderr.contains("generators:") && failed.stderr.contains("selector"),
        "the error should point at `generators:` and `eventSources: selector`:\n{}",
        failed.stderr
    );
}

/// A config error through kustomize's container function: the functionConfig carries no path,
/// so the message names it by kind and name with its position in the function's input; with
/// `buildMetadata: [originAnnotations]` also its file. kustomize runs the container with
/// `LOG_TO_STDERR=true` and shows no results, so warnings come on stderr too.
#[test]
fn container_function_config_errors_name_the_config() {
    image();
    let (scratch, copy) = Scratch::copy_of(&examples().join("kustomize"), "container-error");
    let config = copy.join("base/notifications/notifications.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replacen("eventSeverity: info", "eventSeverity: loud", 1),
    )
    .unwrap();
    let overlay = copy.join("overlays/production");
    let log = scratch.path().join("docker.log");
    let failed = kustomize(&overlay, &scratch.path().join("xdg"), &log);
    assert_ne!(failed.code, 0, "{failed:?}");
    let expected = "error: AppNotifications billing: spec.alerts[0].eventSeverity: invalid value \
                    `loud` (hint: valid values: `info`, `error`) (AppNotifications billing, \
                    field spec.alerts[0].eventSeverity, stdin:";
    assert!(failed.stderr.contains(expected), "{}", failed.stderr);

    let kustomization = overlay.join("kustomization.yaml");
    let mut text = std::fs::read_to_string(&kustomization).unwrap();
    text.push_str("buildMetadata: [originAnnotations]\n");
    std::fs::write(&kustomization, text).unwrap();
    let failed = kustomize(&overlay, &scratch.path().join("xdg"), &log);
    assert_ne!(failed.code, 0, "{failed:?}");
    assert!(
        failed
            .stderr
            .contains("file ../../base/notifications/notifications.yaml, stdin:"),
        "the origin annotation should name the config's file:\n{}",
        failed.stderr
    );

    // A warning (a Provider neither generated nor in the build) reaches kustomize's stderr.
    std::fs::write(
        &config,
        std::fs::read_to_string(&config)
            .unwrap()
            .replacen("eventSeverity: loud", "eventSeverity: info", 1)
            .replacen("providerRef: slack", "providerRef: teams", 1),
    )
    .unwrap();
    let out = kustomize(&overlay, &scratch.path().join("xdg"), &log).ok("kubectl kustomize");
    assert!(
        out.stderr.contains(
            "warning: providerRef teams of app billing is neither generated nor in the build"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn fleet_cluster_roots_discover_every_app() {
    for cluster in ["production", "staging"] {
        let fleet = examples().join("fleet");
        let out = kustomize_with_image(&fleet.join("clusters").join(cluster), 1);
        assert_matches_file(
            &out,
            &fleet.join(format!("rendered/{cluster}/manifests.yaml")),
        );
        assert!(alert(&out, &format!("billing-{cluster}")).contains("kind: HelmChart"));
        assert!(alert(&out, &format!("storefront-{cluster}")).contains("kind: HelmChart"));
        assert_eq!(
            out.contains("billing-production-oncall"),
            cluster == "production",
            "{out}"
        );
    }
}

/// The workflow's steps, by name, from examples/ci/render-notifications.yaml.
fn workflow_steps() -> serde_json::Value {
    common::require("python3");
    let script = "import json, sys, yaml\n\
                  doc = yaml.safe_load(open(sys.argv[1]))\n\
                  steps = doc['jobs']['render']['steps']\n\
                  print(json.dumps({s.get('name', s.get('uses', '')): s.get('run', '') for s in steps}))";
    let out = run(
        Command::new("python3")
            .args(["-c", script])
            .arg(examples().join("ci/render-notifications.yaml")),
        b"",
    )
    .ok("reading the workflow (python3 with PyYAML)");
    serde_json::from_str(&out.stdout).unwrap()
}

fn bash_step(script: &str, dir: &Path) -> common::Output {
    let mut cmd = Command::new("bash");
    cmd.args(["-e", "-c", script])
        .current_dir(dir)
        .env("PATH", common::path_with_stand_in())
        .env("XDG_CONFIG_HOME", dir.join(".xdg"))
        .env("GIT_AUTHOR_NAME", "e2e")
        .env("GIT_AUTHOR_EMAIL", "e2e@example.com")
        .env("GIT_COMMITTER_NAME", "e2e")
        .env("GIT_COMMITTER_EMAIL", "e2e@example.com");
    run(&mut cmd, b"")
}

/// The CI recipe's render step, run in a copy of the fleet, produces exactly the committed
/// rendered/; its pull-request check passes on that, and fails once an app changes without
/// a new render.
#[test]
fn ci_recipe_renders_the_fleet_and_catches_stale_output() {
    image();
    common::require("git");
    common::require("kubectl");
    let steps = workflow_steps();
    let render = steps["Render every cluster"].as_str().expect("render step");
    let check = steps["Check that rendered/ is current"]
        .as_str()
        .expect("check step");

    let (_scratch, fleet) = Scratch::copy_of(&examples().join("fleet"), "fleet");
    std::fs::remove_dir_all(fleet.join("rendered")).unwrap();
    bash_step(render, &fleet).ok("the workflow's render step");
    for cluster in ["production", "staging"] {
        let rel = format!("rendered/{cluster}/manifests.yaml");
        let got = std::fs::read_to_string(fleet.join(&rel)).unwrap();
        let want = std::fs::read_to_string(examples().join("fleet").join(&rel)).unwrap();
        common::assert_same_text(&got, &want, &format!("CI render of {rel}"));
    }

    // As a repository: committed and current → the check passes.
    for args in [
        &["init", "-q"][..],
        &["add", "-A"],
        &["commit", "-qm", "fleet"],
    ] {
        bash_step(&format!("git {}", args.join(" ")), &fleet).ok("git");
    }
    bash_step(check, &fleet).ok("the check step on current output");

    // An applier removed without a new render: the check fails; after rendering, the diff is
    // the Alerts losing it.
    let appliers = fleet.join("apps/billing/appliers.yaml");
    let text = std::fs::read_to_string(&appliers).unwrap();
    let start = text.find("---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: billing-api\n").unwrap();
    let end = start + 4 + text[start + 4..].find("\n---\n").unwrap();
    std::fs::write(&appliers, format!("{}{}", &text[..start], &text[end + 1..])).unwrap();
    bash_step(render, &fleet).ok("render after removing an applier");
    let stale = bash_step(check, &fleet);
    assert_ne!(stale.code, 0, "the check should fail: {stale:?}");
    let rendered =
        std::fs::read_to_string(fleet.join("rendered/production/manifests.yaml")).unwrap();
    assert!(!rendered.contains("billing-api"), "{rendered}");
}

/// A plugin home holding the binary under both names the README's install step gives it:
/// `AppNotifications` (app configs) and `ConfigMap` (a fleet root's config that names no app).
fn plugin_home(scratch: &Scratch) -> std::path::PathBuf {
    let home = scratch.path().join("plugin");
    for plugin in [
        "app-notifications.dev/v1alpha1/appnotifications/AppNotifications",
        "v1/configmap/ConfigMap",
    ] {
        let path = home.join(plugin);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::copy(common::function_bin(), &path).unwrap();
        common::ensure_executable(&path);
    }
    home
}

/// `kubectl kustomize --enable-alpha-plugins DIR` with plugins from `home`
/// (`KUSTOMIZE_PLUGIN_HOME`), no XDG plugin home, and no docker to fall back on.
fn kustomize_with_plugins(dir: &Path, home: &Path, scratch: &Scratch) -> common::Output {
    common::require("kubectl");
    let log = scratch.path().join("docker.log");
    let mut cmd = Command::new("kubectl");
    cmd.arg("kustomize")
        .arg("--enable-alpha-plugins")
        .arg(dir)
        .env("PATH", common::path_with_stand_in())
        .env("AN_E2E_DOCKER_LOG", &log)
        .env("KUSTOMIZE_PLUGIN_HOME", home)
        .env("XDG_CONFIG_HOME", scratch.path().join("no-xdg"));
    let out = run(&mut cmd, b"");
    assert!(common::docker_calls(&log).is_empty(), "docker was called");
    out
}

/// The legacy exec plugin variants as shipped (examples/kustomize-plugin, examples/fleet-plugin:
/// configs without the function annotation), through `kubectl kustomize` with the binary
/// installed under a scratch `KUSTOMIZE_PLUGIN_HOME`: the container functions' committed
/// output, byte for byte, with no container runtime.
#[test]
fn legacy_plugin_variants_give_the_committed_output_without_docker() {
    let scratch = Scratch::new("legacy");
    let home = plugin_home(&scratch);
    for env in ENVIRONMENTS {
        let dir = examples().join("kustomize-plugin/overlays").join(env);
        let out = kustomize_with_plugins(&dir, &home, &scratch)
            .ok("kubectl kustomize with the legacy plugin");
        let expected =
            std::fs::read_to_string(examples().join(format!("kustomize/expected/{env}.yaml")))
                .unwrap();
        common::assert_same_text(&out.stdout, &expected, &format!("legacy plugin, {env}"));
    }
    for cluster in ["production", "staging"] {
        let dir = examples().join("fleet-plugin/clusters").join(cluster);
        let out = kustomize_with_plugins(&dir, &home, &scratch)
            .ok("kubectl kustomize with the legacy plugin, fleet");
        let expected = std::fs::read_to_string(
            examples().join(format!("fleet/rendered/{cluster}/manifests.yaml")),
        )
        .unwrap();
        common::assert_same_text(&out.stdout, &expected, &format!("legacy plugin, {cluster}"));
    }

    // Without --enable-alpha-plugins kustomize refuses the plugin: the flag is what users need.
    let mut cmd = Command::new("kubectl");
    cmd.arg("kustomize")
        .arg(examples().join("kustomize-plugin/overlays/production"))
        .env("KUSTOMIZE_PLUGIN_HOME", &home);
    let refused = run(&mut cmd, b"");
    assert_ne!(refused.code, 0, "{refused:?}");
}

/// `text` without its `config.kubernetes.io/function` annotation: the annotation's lines, the
/// comment lines just above it, and an `annotations:` key left with nothing under it.
fn without_function_annotation(text: &str) -> String {
    let indent = |line: &str| line.len() - line.trim_start().len();
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line
            .trim_start()
            .starts_with("config.kubernetes.io/function:")
        {
            let at = indent(line);
            while out
                .last()
                .is_some_and(|l| l.trim_start().starts_with('#') && indent(l) == at)
            {
                out.pop();
            }
            i += 1;
            while i < lines.len() && (lines[i].trim().is_empty() || indent(lines[i]) > at) {
                i += 1;
            }
            let next_indent = lines.get(i).map_or(0, |l| indent(l));
            if out.last().is_some_and(|l| l.trim() == "annotations:") && next_indent < at {
                out.pop();
            }
            continue;
        }
        out.push(line);
        i += 1;
    }
    out.iter().map(|l| format!("{l}\n")).collect()
}

/// The plugin variants cannot drift from the examples they mirror: every file is its twin's,
/// the configs without the function annotation (and the twin's expected outputs are theirs).
#[test]
fn legacy_plugin_variants_are_their_twins_without_the_function_annotation() {
    for (variant, twin, outputs) in [
        ("kustomize-plugin", "kustomize", "expected"),
        ("fleet-plugin", "fleet", "rendered"),
    ] {
        let twin_dir = examples().join(twin);
        let variant_dir = examples().join(variant);
        let relative = |dir: &Path, files: Vec<std::path::PathBuf>| -> Vec<String> {
            files
                .iter()
                .map(|f| f.strip_prefix(dir).unwrap().display().to_string())
                .filter(|f| f != "README.md" && !f.starts_with(&format!("{outputs}/")))
                .collect()
        };
        let twin_files = relative(&twin_dir, crate::support::all_files(&twin_dir));
        let variant_files = relative(&variant_dir, crate::support::all_files(&variant_dir));
        assert_eq!(
            variant_files, twin_files,
            "examples/{variant} vs examples/{twin}"
        );
        let mut configs = 0;
        for file in &twin_files {
            let original = std::fs::read_to_string(twin_dir.join(file)).unwrap();
            let expected = without_function_annotation(&original);
            configs += usize::from(expected != original);
            let actual = std::fs::read_to_string(variant_dir.join(file)).unwrap();
            common::assert_same_text(&actual, &expected, &format!("examples/{variant}/{file}"));
        }
        assert!(
            configs > 0,
            "examples/{twin} has no function annotation to leave out"
        );
    }
}

/// A config error through kustomize's legacy plugin: kustomize hands the plugin a re-serialised
/// copy of the config in a temporary file, so the message names the config by kind and name,
/// its line in that copy (left behind on failure), and, with `buildMetadata:
/// [originAnnotations]`, the config's own file; without it, a note says to add that.
#[test]
fn legacy_plugin_config_errors_name_the_config_and_its_file() {
    let scratch = Scratch::new("legacy-error");
    let home = plugin_home(&scratch);
    let copy = scratch.path().join("kustomize-plugin");
    common::copy_dir(&examples().join("kustomize-plugin"), &copy);
    let config = copy.join("base/notifications/notifications.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replacen("eventSeverity: info", "eventSeverity: loud", 1),
    )
    .unwrap();
    let overlay = copy.join("overlays/production");

    let failed = kustomize_with_plugins(&overlay, &home, &scratch);
    assert_ne!(failed.code, 0, "{failed:?}");
    let line = failed
        .stderr
        .lines()
        .find(|l| l.contains("invalid value `loud`"))
        .unwrap_or_else(|| panic!("no config error in:\n{}", failed.stderr));
    assert!(
        line.contains("error: AppNotifications billing: spec.alerts[0].eventSeverity")
            && line
                .contains("(AppNotifications billing, field spec.alerts[0].eventSeverity, file ")
            && line.contains("kust-plugin-config-"),
        "{line}"
    );
    // The temporary copy is kept on failure: the position points at the value in it.
    let (file, position) = line
        .rsplit_once(", file ")
        .and_then(|(_, at)| at.trim_end_matches(')').split_once(':'))
        .unwrap_or_else(|| panic!("no file:line:column in {line}"));
    let (row, _column) = position.split_once(':').unwrap();
    let copied = std::fs::read_to_string(file.trim()).unwrap();
    let row: usize = row.parse().unwrap();
    assert!(
        copied
            .lines()
            .nth(row - 1)
            .unwrap()
            .contains("eventSeverity: loud"),
        "{file}:{row}:\n{copied}"
    );
    assert!(
        failed.stderr.contains("buildMetadata: [originAnnotations]"),
        "{}",
        failed.stderr
    );

    let kustomization = overlay.join("kustomization.yaml");
    let mut text = std::fs::read_to_string(&kustomization).unwrap();
    text.push_str("buildMetadata: [originAnnotations]\n");
    std::fs::write(&kustomization, text).unwrap();
    let failed = kustomize_with_plugins(&overlay, &home, &scratch);
    assert_ne!(failed.code, 0, "{failed:?}");
    assert!(
        failed
            .stderr
            .contains("file ../../base/notifications/notifications.yaml, /"),
        "the origin annotation should name the config's file:\n{}",
        failed.stderr
    );
    assert!(!failed.stderr.contains("note: "), "{}", failed.stderr);
}

/// Every Alert and Provider in the examples' expected outputs is what the Flux CRDs admit
/// (tests/fixtures/validate_crd.py: served version, schema, CEL rules, YAML 1.1 reading).
#[test]
fn example_outputs_are_valid_flux_objects() {
    common::require("python3");
    let mut files = vec![
        "kustomize/expected/dev.yaml".to_string(),
        "kustomize/expected/staging.yaml".to_string(),
        "kustomize/expected/production.yaml".to_string(),
        "kustomize-generator/expected.yaml".to_string(),
        "fleet/rendered/production/manifests.yaml".to_string(),
        "fleet/rendered/staging/manifests.yaml".to_string(),
    ];
    for app in ["billing", "storefront"] {
        files.push(format!("kpt/apps/{app}/{app}.notifications.yaml"));
    }
    let batch: serde_json::Map<String, serde_json::Value> = files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(examples().join(f))
                .unwrap_or_else(|e| panic!("examples/{f}: {e}"));
            (f.clone(), serde_json::Value::String(text))
        })
        .collect();
    let out = run(
        Command::new("python3")
            .arg(common::root().join("tests/fixtures/validate_crd.py"))
            .arg("--batch"),
        serde_json::to_string(&batch).unwrap().as_bytes(),
    )
    .ok("validate_crd.py on the examples");
    let reports: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    for f in &files {
        let validated = &reports[f]["validated"];
        assert!(
            validated["Alert"].as_u64().unwrap_or(0) >= 1,
            "examples/{f}: no Alert validated: {validated}"
        );
    }
}
