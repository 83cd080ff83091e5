//! The files users run in their CI: the composite action (action.yml and ci/action.sh), the
//! pre-commit hooks, the release workflow and its archive script, the CI examples. GitHub
//! cannot run here, so what is tested is what runs the same outside it: the scripts against
//! the examples with the built binary, every `run:` block's shell syntax, and the scripts and
//! commands the files name.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::*;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A YAML file as JSON, read by PyYAML (YAML 1.1, as GitHub's and GitLab's readers).
fn yaml_file(path: &Path) -> Value {
    require_python_validator();
    let (code, out, err) = run(
        Command::new("python3")
            .args([
                "-c",
                "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
            ])
            .arg(path),
        b"",
    );
    assert_eq!(code, 0, "{} is not YAML: {err}", path.display());
    serde_json::from_str(&out).unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("an-ci-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn action_script(paths: &Path, command: &str, summary: &Path) -> (i32, String, String) {
    run(
        Command::new("bash")
            .arg(root().join("ci/action.sh"))
            .env("AN_BINARY", env!("CARGO_BIN_EXE_app-notifications"))
            .env("AN_PATHS", paths)
            .env("AN_COMMAND", command)
            .env("GITHUB_STEP_SUMMARY", summary),
        b"",
    )
}

#[test]
fn the_action_fails_on_stale_output_and_passes_once_it_is_rendered() {
    let dir = scratch("action");
    let package = dir.join("package");
    copy_dir(&root().join("examples/package"), &package);
    let summary = dir.join("summary.md");

    // The example package has no generated files yet: render changes it, so it is stale.
    let (code, out, err) = action_script(&package, "render", &summary);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("::error title=app-notifications render::the generated files in"),
        "{out}"
    );
    // Rendered now: the same step passes, and the summary says so with the coverage table.
    std::fs::remove_file(&summary).unwrap();
    let (code, out, err) = action_script(&package, "render", &summary);
    assert_eq!(code, 0, "{out}{err}");
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.contains("**Passed**") && text.contains("### Coverage"),
        "{text}"
    );

    // A stale package fails `check` with an annotation on the stale file.
    let stale = dir.join("stale");
    copy_dir(
        &root().join("tests/golden/93-check-stale-package/package"),
        &stale,
    );
    let (code, out, _) = action_script(&stale, "check", &summary);
    assert_eq!(code, 1, "{out}");
    let expected = format!(
        "::error file={}/apps/billing/billing.notifications.yaml,line=1,",
        stale.display()
    );
    assert!(out.contains(&expected), "{out}");
    let (code, out, _) = action_script(&stale, "lint", &summary);
    assert_eq!(code, 2, "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every `run:` of a workflow or action, with GitHub's `${{ … }}` expressions replaced.
fn run_blocks(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("run", Value::String(script)) => {
                        let mut text = String::new();
                        let mut rest = script.as_str();
                        while let Some(start) = rest.find("${{") {
                            text.push_str(&rest[..start]);
                            let end = rest[start..]
                                .find("}}")
                                .map_or(rest.len(), |e| start + e + 2);
                            text.push_str("expr");
                            rest = &rest[end..];
                        }
                        text.push_str(rest);
                        out.push(text);
                    }
                    _ => run_blocks(child, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| run_blocks(i, out)),
        _ => {}
    }
}

fn assert_shell_syntax(what: &str, script: &str) {
    let (code, _, err) = run(Command::new("bash").arg("-n"), script.as_bytes());
    assert_eq!(code, 0, "{what}: not valid shell: {err}\n{script}");
}

#[test]
fn action_yml_is_a_composite_action_whose_steps_are_valid_shell() {
    let action = yaml_file(&root().join("action.yml"));
    assert_eq!(action["runs"]["using"], "composite");
    for input in ["paths", "command", "install", "version"] {
        assert!(action["inputs"][input].is_object(), "no input {input}");
    }
    let steps = action["runs"]["steps"].as_array().unwrap();
    assert!(
        steps.iter().all(|s| s["shell"] == "bash"),
        "a composite run step needs shell"
    );
    let mut blocks = Vec::new();
    run_blocks(&action["runs"], &mut blocks);
    assert!(blocks
        .iter()
        .any(|b| b.contains("$GITHUB_ACTION_PATH/ci/action.sh")));
    for block in &blocks {
        assert_shell_syntax("action.yml", block);
    }
}

#[test]
fn release_workflow_builds_every_target_and_its_steps_are_valid_shell() {
    let workflow = yaml_file(&root().join(".github/workflows/release.yml"));
    let targets: Vec<&str> = workflow["jobs"]["binaries"]["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        [
            "x86_64-unknown-linux-musl",
            "aarch64-unknown-linux-musl",
            "x86_64-apple-darwin",
            "aarch64-apple-darwin"
        ]
    );
    let mut blocks = Vec::new();
    run_blocks(&workflow, &mut blocks);
    for block in &blocks {
        assert_shell_syntax("release.yml", block);
        for script in ["ci/package-release.sh", "wasm/build.sh"] {
            if block.contains(script) {
                assert!(root().join(script).is_file(), "{script} is missing");
            }
        }
    }
    let all = blocks.join("\n");
    for needed in [
        "package-release.sh",
        "--platform linux/amd64,linux/arm64",
        "npm publish",
        "SHA256SUMS",
    ] {
        assert!(all.contains(needed), "release.yml lacks {needed}");
    }
    for example in ["render-notifications.yaml", "check-notifications.yaml"] {
        let mut blocks = Vec::new();
        run_blocks(
            &yaml_file(&root().join("examples/ci").join(example)),
            &mut blocks,
        );
        for block in &blocks {
            assert_shell_syntax(example, block);
        }
    }
    let gitlab = yaml_file(&root().join("examples/ci/gitlab-ci.yml"));
    let job = &gitlab["app-notifications"];
    let lines: Vec<&str> = ["before_script", "script"]
        .iter()
        .flat_map(|k| job[*k].as_array().unwrap())
        .map(|l| l.as_str().unwrap())
        .collect();
    assert_shell_syntax("gitlab-ci.yml", &lines.join("\n"));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("app-notifications check ")));
}

#[test]
fn the_release_archive_holds_the_binary_completions_and_man_page_with_its_checksum() {
    let dir = scratch("release");
    let (code, out, err) = run(
        Command::new("bash")
            .arg(root().join("ci/package-release.sh"))
            .arg(env!("CARGO_BIN_EXE_app-notifications"))
            .arg("x86_64-unknown-linux-musl")
            .arg(&dir),
        b"",
    );
    assert_eq!(code, 0, "{err}");
    let name = format!(
        "app-notifications-v{}-x86_64-unknown-linux-musl",
        app_notifications::VERSION
    );
    assert_eq!(
        out.trim(),
        dir.join(format!("{name}.tar.gz")).display().to_string()
    );
    let (code, listing, err) = run(
        Command::new("tar")
            .arg("-tzf")
            .arg(dir.join(format!("{name}.tar.gz"))),
        b"",
    );
    assert_eq!(code, 0, "{err}");
    let mut files: Vec<&str> = listing.lines().filter(|l| !l.ends_with('/')).collect();
    files.sort();
    let expected: Vec<String> = [
        "LICENSE",
        "README.md",
        "app-notifications",
        "completions/_app-notifications",
        "completions/app-notifications.bash",
        "completions/app-notifications.fish",
        "man/app-notifications.1",
    ]
    .iter()
    .map(|f| format!("{name}/{f}"))
    .collect();
    assert_eq!(files, expected);
    let (code, _, err) = run(
        Command::new("sha256sum")
            .arg("-c")
            .arg(format!("{name}.tar.gz.sha256"))
            .current_dir(&dir),
        b"",
    );
    assert_eq!(code, 0, "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_pre_commit_hooks_run_as_declared() {
    let hooks = yaml_file(&root().join(".pre-commit-hooks.yaml"));
    let hooks = hooks.as_array().unwrap();
    let ids: Vec<&str> = hooks.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["app-notifications-check", "app-notifications-render"]);
    let dir = scratch("pre-commit");
    copy_dir(&root().join("examples/package"), &dir);
    // In the order a user meets them: render writes the Alerts, then check passes.
    for id in ["app-notifications-render", "app-notifications-check"] {
        let hook = hooks.iter().find(|h| h["id"] == id).unwrap();
        assert_eq!(hook["language"], "rust");
        assert_eq!(hook["pass_filenames"], false);
        let entry: Vec<&str> = hook["entry"].as_str().unwrap().split(' ').collect();
        assert_eq!(entry[0], "app-notifications");
        let args: Vec<&str> = hook["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let (code, _, err) = run(bin().args(&entry[1..]).args(args).current_dir(&dir), b"");
        assert_eq!(code, 0, "{id}: {err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
