//! The command line beyond KRM mode: `render` on packages, `schema`, the samples in
//! fn-config/, and the kustomize legacy exec plugin mode.

use crate::support::{self, bin, ran as run};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A scratch copy of a directory, removed at the end of the test.
struct Scratch(PathBuf);

impl Scratch {
    fn copy_of(src: &Path, name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("an-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        support::copy_dir(src, &dir);
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, String)> {
    support::yaml_files(dir)
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

#[test]
fn schema_file_is_current() {
    let out = run(bin().arg("schema"), b"");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let file = root().join("fn-config/app-notifications.schema.json");
    let current = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        current == out.stdout,
        "fn-config/app-notifications.schema.json is stale: run `cargo run -q -- schema > \
         fn-config/app-notifications.schema.json`"
    );
    let openapi = run(bin().args(["schema", "--format", "openapi"]), b"");
    assert_eq!(openapi.code, 0);
    let value: serde_json::Value = serde_json::from_str(&openapi.stdout).unwrap();
    assert!(value["properties"]["spec"]["properties"]["alerts"].is_object());
}

#[test]
fn render_prints_the_generated_objects() {
    let out = run(
        bin().args(["render"]).arg(root().join("examples/package")),
        b"",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out
        .stdout
        .starts_with("apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Alert\n"));
    assert!(out
        .stdout
        .contains("\n---\napiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Provider\n"));
    assert!(
        !out.stdout.contains("internal.config.kubernetes.io"),
        "{}",
        out.stdout
    );
    assert!(out
        .stderr
        .contains("info: Alert billing/billing-production → Provider slack"));
}

#[test]
fn render_write_creates_owned_files_and_is_idempotent() {
    let pkg = Scratch::copy_of(&root().join("examples/package"), "write");
    let before = snapshot(&pkg.0);
    let first = run(bin().args(["render", "--write"]).arg(&pkg.0), b"");
    assert_eq!(first.code, 0, "{}", first.stderr);
    let generated = pkg.0.join("apps/billing/billing.notifications.yaml");
    let text = std::fs::read_to_string(&generated).unwrap();
    assert!(
        text.contains("kind: Alert") && text.contains("kind: Provider"),
        "{text}"
    );
    // Users' files are untouched, byte for byte.
    for (path, content) in &before {
        assert_eq!(
            &std::fs::read_to_string(path).unwrap(),
            content,
            "{}",
            path.display()
        );
    }
    let after_first = snapshot(&pkg.0);
    let second = run(bin().args(["render", "--write"]).arg(&pkg.0), b"");
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(!second.stderr.contains("wrote"), "{}", second.stderr);
    assert_eq!(snapshot(&pkg.0), after_first);

    // Removing an applier updates the Alert; deleting the config prunes the file.
    let ks = pkg.0.join("apps/billing/kustomizations.yaml");
    let only_db: String = std::fs::read_to_string(&ks)
        .unwrap()
        .split("---\n")
        .take(2)
        .collect::<Vec<_>>()
        .join("---\n");
    std::fs::write(&ks, only_db).unwrap();
    assert_eq!(
        run(bin().args(["render", "--write"]).arg(&pkg.0), b"").code,
        0
    );
    let text = std::fs::read_to_string(&generated).unwrap();
    assert!(
        text.contains("billing-db") && !text.contains("billing-api"),
        "{text}"
    );
    std::fs::remove_file(pkg.0.join("apps/billing/notifications.yaml")).unwrap();
    let pruned = run(bin().args(["render", "--write"]).arg(&pkg.0), b"");
    assert_eq!(pruned.code, 0, "{}", pruned.stderr);
    assert!(!generated.exists(), "{}", pruned.stderr);
}

#[test]
fn render_never_writes_into_a_users_file() {
    let pkg = Scratch::copy_of(&root().join("examples/package"), "userfile");
    std::fs::write(
        pkg.0.join("apps/billing/billing.notifications.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mine\n",
    )
    .unwrap();
    let out = run(bin().args(["render", "--write"]).arg(&pkg.0), b"");
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains(
            "error: the output file apps/billing/billing.notifications.yaml holds ConfigMap \
             mine, which app-notifications did not generate; it never writes into a user's file \
             (hint: set spec.outputPath to a file of its own)"
        ),
        "{}",
        out.stderr
    );
    let text =
        std::fs::read_to_string(pkg.0.join("apps/billing/billing.notifications.yaml")).unwrap();
    assert_eq!(
        text,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mine\n"
    );
}

/// Every sample config renders on the example package (less the package's own config).
#[test]
fn every_sample_renders() {
    let pkg = Scratch::copy_of(&root().join("examples/package"), "samples");
    std::fs::remove_file(pkg.0.join("apps/billing/notifications.yaml")).unwrap();
    let mut samples = 0;
    for sample in support::yaml_files(&root().join("fn-config")) {
        let out = run(
            bin().args(["render", "--config"]).arg(&sample).arg(&pkg.0),
            b"",
        );
        assert_eq!(out.code, 0, "{}: {}", sample.display(), out.stderr);
        assert!(
            out.stdout.contains("kind: Alert"),
            "{}: {}",
            sample.display(),
            out.stdout
        );
        samples += 1;
    }
    assert!(samples >= 6, "{samples} samples");
}

#[test]
fn legacy_plugin_mode_reads_and_writes_streams() {
    let config = root().join("fn-config/per-namespace.yaml");
    let input =
        std::fs::read_to_string(root().join("examples/package/apps/billing/kustomizations.yaml"))
            .unwrap();
    let out = run(
        bin()
            .env("KUSTOMIZE_PLUGIN_CONFIG_ROOT", root())
            .arg(&config),
        input.as_bytes(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.starts_with(&input),
        "passthrough first:\n{}",
        out.stdout
    );
    let added = &out.stdout[input.len()..];
    assert!(
        added.starts_with("---\napiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Alert\n"),
        "{added}"
    );
    assert!(added.contains("kind: Provider"), "{added}");

    // An error fails the build: nothing on stdout, the message on stderr.
    let bad = root().join("tests/fixtures/bad-config.yaml");
    let out = run(
        bin().env("KUSTOMIZE_PLUGIN_CONFIG_ROOT", root()).arg(&bad),
        input.as_bytes(),
    );
    assert_eq!((out.code, out.stdout.as_str()), (1, ""));
    assert!(
        out.stderr.contains("spec.alerts[0].provderRef"),
        "{}",
        out.stderr
    );
}

/// The README's first command: the quickstart example and its expected output, byte for byte.
#[test]
fn quickstart_example_gives_its_expected_output() {
    let dir = root().join("examples/quickstart");
    let input = std::fs::read(dir.join("resource-list.yaml")).unwrap();
    let expected = std::fs::read_to_string(dir.join("expected-output.yaml")).unwrap();
    let out = run(&mut bin(), &input);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, expected);
    // Running it again on its own output changes nothing.
    let again = run(&mut bin(), out.stdout.as_bytes());
    assert_eq!(again.stdout, expected);
}

/// A reader that stops early (`schema | head -1`) closes the pipe: every command that prints
/// ends quietly with exit 0 instead of panicking or reporting the closed pipe.
#[test]
fn a_closed_stdout_ends_printing_commands_quietly() {
    let package = root().join("examples/package");
    let quickstart = std::fs::read(root().join("examples/quickstart/resource-list.yaml")).unwrap();
    let cases: [(&[&str], &[u8]); 4] = [
        (&["schema"], b""),
        (
            &["report", "--format", "svg", package.to_str().unwrap()],
            b"",
        ),
        (&["render", package.to_str().unwrap()], b""),
        (&[], &quickstart),
    ];
    for (args, stdin) in cases {
        let mut child = bin()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Closing the only read end before the child writes makes its first write fail.
        drop(child.stdout.take());
        let mut input = child.stdin.take().unwrap();
        let _ = input.write_all(stdin);
        drop(input);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("writing stdout"), "{args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
    }
}
