//! Adoption: `init`'s configs are valid and minimal, `import`'s configs cover at least what the
//! hand-written Alerts covered, and `check --format github|markdown` render check's results.

use std::path::Path;

use crate::support::*;
use app_notifications::config;
use serde_json::Value;

fn yaml_value(text: &str) -> Value {
    let reader = app_notifications::reader(&app_notifications::Limits::default());
    let node = reader.object(text, "test").unwrap().unwrap();
    node.to_json(&mut app_notifications::yaml::tree::ExpansionBudget::new(
        1000,
    ))
    .unwrap()
}

fn scratch_copy(src: &Path, name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("an-adopt-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(src, &dir);
    dir
}

#[test]
fn init_writes_minimal_valid_local_configs_for_the_legacy_plugin() {
    let package = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/120-init-kustomize-overlays/package");
    let dir = scratch_copy(&package, "init-valid");
    let (code, _, stderr) = run(bin().args(["init", "--provider", "slack"]).arg(&dir), b"");
    assert_eq!(code, 0, "{stderr}");
    for env in ["staging", "production"] {
        let text = std::fs::read_to_string(dir.join(format!("overlays/{env}/notifications.yaml")))
            .unwrap();
        let value = yaml_value(&text);
        let loaded = config::load(&value).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        assert_eq!(loaded.config.spec.environment.as_deref(), Some(env));
        let annotations = &value["metadata"]["annotations"];
        assert_eq!(annotations["config.kubernetes.io/local-config"], "true");
        assert!(annotations.get("config.kubernetes.io/function").is_none());
        // Minimal: identity, the local-config annotation, the environment and the route.
        assert_eq!(
            value["spec"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["environment", "alerts"]
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn init_with_an_image_writes_the_container_function_annotation() {
    let package = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/120-init-kustomize-overlays/package");
    let dir = scratch_copy(&package, "init-image");
    let image = "ghcr.io/example/app-notifications:v0.1.0";
    let (code, stdout, stderr) = run(
        bin()
            .args(["init", "--provider", "slack", "--image", image])
            .arg(&dir),
        b"",
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(!stdout.contains("legacy exec plugin"), "{stdout}");
    let text = std::fs::read_to_string(dir.join("overlays/staging/notifications.yaml")).unwrap();
    let value = yaml_value(&text);
    assert_eq!(
        value["metadata"]["annotations"]["config.kubernetes.io/function"],
        format!("container:\n  image: {image}\n")
    );
    config::load(&value).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn init_fails_before_writing_anything_when_one_directory_is_bad() {
    let package = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/120-init-kustomize-overlays/package");
    let good = scratch_copy(&package, "init-good");
    let bad = scratch_copy(&package.join("base"), "init-bad");
    std::fs::remove_file(bad.join("kustomization.yaml")).unwrap();
    let before = all_files(&good);
    let (code, _, stderr) = run(
        bin()
            .args(["init", "--provider", "slack"])
            .arg(&good)
            .arg(&bad),
        b"",
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("no kustomization.yaml below it"),
        "{stderr}"
    );
    assert_eq!(all_files(&good), before, "a file was written");
    let _ = std::fs::remove_dir_all(&good);
    let _ = std::fs::remove_dir_all(&bad);
}

/// The objects each generated Alert of `stream` sends to its Provider, by Provider.
fn generated_coverage(stream: &str) -> Vec<(String, String, Option<String>, String)> {
    let limits = app_notifications::Limits::default();
    let reader = app_notifications::reader(&limits);
    let list = reader.stream(stream, "render").unwrap();
    let mut out = Vec::new();
    for item in &list.items {
        if item.fields.kind != "Alert" {
            continue;
        }
        let value = list.item_value(item, &reader).unwrap();
        let provider = value["spec"]["providerRef"]["name"]
            .as_str()
            .unwrap()
            .to_string();
        let own_ns = value["metadata"]["namespace"].as_str().map(str::to_string);
        for entry in value["spec"]["eventSources"].as_array().unwrap() {
            out.push((
                provider.clone(),
                entry["kind"].as_str().unwrap().to_string(),
                entry["namespace"]
                    .as_str()
                    .map(str::to_string)
                    .or(own_ns.clone()),
                entry["name"].as_str().unwrap().to_string(),
            ));
        }
    }
    out
}

#[test]
fn imported_configs_generate_alerts_covering_every_object_the_old_alerts_covered() {
    let package =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/130-import-text/package");
    let limits = app_notifications::Limits::default();
    let read = app_notifications::read_package(&package, &limits).unwrap();
    let list = read.list(None, &limits).unwrap();
    let options = app_notifications::import::ImportOptions {
        app_label: config::APP_NAME_LABEL.into(),
        split: true,
    };
    let plan = app_notifications::import::plan(&list, &options, &limits).unwrap();
    let imported: std::collections::BTreeSet<String> = plan
        .proposals
        .iter()
        .flat_map(|p| p.routes.iter().map(|(alert, _)| alert.clone()))
        .collect();
    assert_eq!(imported.len(), 4, "{imported:?}");

    let dir = scratch_copy(&package, "import-cover");
    let (code, _, stderr) = run(bin().args(["import", "--write", "--split"]).arg(&dir), b"");
    assert_eq!(code, 0, "{stderr}");
    let (code, rendered, stderr) = run(bin().arg("render").arg(&dir), b"");
    assert_eq!(code, 0, "{stderr}");
    let covered = generated_coverage(&rendered);
    let mut checked = 0;
    for old in plan.alerts.iter().filter(|a| imported.contains(&a.id())) {
        for object in &old.covers {
            let hit = covered.iter().any(|(provider, kind, ns, name)| {
                *provider == old.provider
                    && *kind == object.kind
                    && *ns == object.namespace
                    && *name == object.name
            });
            assert!(
                hit,
                "{object} of Alert {} is not covered:\n{rendered}",
                old.id()
            );
            checked += 1;
        }
    }
    assert!(checked >= 7, "only {checked} objects checked");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_after_import_reports_the_overlap_of_old_and_new_alerts() {
    let package =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/130-import-text/package");
    let dir = scratch_copy(&package, "import-overlap");
    assert_eq!(run(bin().args(["import", "--write"]).arg(&dir), b"").0, 0);
    let (code, _, stderr) = run(bin().args(["render", "--write"]).arg(&dir), b"");
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = run(bin().arg("check").arg(&dir), b"");
    assert_eq!(code, 1, "{stderr}");
    for pair in [
        "Alerts billing/billing-slack and billing/billing-slack-new",
        "storefront/storefront and storefront/storefront-new",
    ] {
        assert!(stderr.contains(pair), "no overlap {pair} in:\n{stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn completions_know_every_command_and_bash_loads_them() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, script, stderr) = run(bin().args(["completions", shell]), b"");
        assert_eq!(code, 0, "{stderr}");
        for command in ["render", "check", "init", "import", "completions", "man"] {
            assert!(
                script.contains(command),
                "{shell} completions lack {command}"
            );
        }
    }
    let (_, script, _) = run(bin().args(["completions", "bash"]), b"");
    let (code, out, err) = run(
        std::process::Command::new("bash")
            .args(["-c", "source /dev/stdin; complete -p app-notifications"]),
        script.as_bytes(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("app-notifications"), "{out}");
    let (code, _, err) = run(bin().args(["completions", "powershell"]), b"");
    assert_eq!(code, 2, "{err}");
}

#[test]
fn the_man_page_has_a_section_per_command() {
    let (code, page, stderr) = run(bin().arg("man"), b"");
    assert_eq!(code, 0, "{stderr}");
    assert!(
        page.starts_with(".ie ") || page.starts_with(".TH "),
        "{page}"
    );
    for command in ["render", "check", "report", "init", "import", "schema"] {
        assert!(
            page.contains(&format!(
                ".TH app-notifications 1  \"app-notifications-{command} \""
            )),
            "no page for {command}"
        );
    }
}

#[test]
fn init_labels_several_objects_of_one_file_in_any_order_and_each_once() {
    let dir = std::env::temp_dir().join(format!("an-adopt-label-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("base")).unwrap();
    std::fs::create_dir_all(dir.join("prod")).unwrap();
    let release = |name: &str| {
        format!(
            "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: {name} \
             # {name}\n  namespace: web\nspec:\n  interval: 5m\n  chartRef: {{kind: OCIRepository, \
             name: {name}}}\n"
        )
    };
    let text = format!("{}---\n{}", release("a"), release("b"));
    std::fs::write(dir.join("base/releases.yaml"), &text).unwrap();
    std::fs::write(
        dir.join("base/kustomization.yaml"),
        "resources: [releases.yaml]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("prod/kustomization.yaml"),
        "resources: [../base]\n",
    )
    .unwrap();
    let (code, _, stderr) = run(
        bin()
            .args(["init", "--app", "web", "--provider", "slack"])
            .args(["--label", "HelmRelease/b", "--label", "HelmRelease/a"])
            .args(["--label", "HelmRelease/web/b"])
            .arg(&dir),
        b"",
    );
    assert_eq!(code, 0, "{stderr}");
    let labelled = std::fs::read_to_string(dir.join("base/releases.yaml")).unwrap();
    let label = "  labels:\n    app.kubernetes.io/name: web\n";
    assert_eq!(labelled.matches(label).count(), 2, "{labelled}");
    assert_eq!(
        labelled.replace(label, ""),
        text,
        "more than the labels changed"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
