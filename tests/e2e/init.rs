//! `init` on copies of real repositories, then the real hosts: the overlays it wired build the
//! app's Alerts with `kubectl kustomize --enable-alpha-plugins` and the legacy exec plugin
//! installed under a scratch KUSTOMIZE_PLUGIN_HOME, and `kpt fn render` runs the function it
//! added to a Kptfile.

use super::common;

use std::path::Path;
use std::process::Command;

use common::{require, run, Output, Scratch};

fn init(args: &[&str], dir: &Path) -> Output {
    let mut cmd = Command::new(common::function_bin());
    cmd.arg("init").args(args).arg(dir);
    run(&mut cmd, b"")
}

/// Every file below `dir` with its content, sorted by path.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    crate::support::all_files(dir)
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (rel, std::fs::read(&p).unwrap())
        })
        .collect()
}

/// The legacy exec plugin installed as kustomize looks it up under `home`.
fn install_plugin(home: &Path) {
    let dir = home.join("app-notifications.dev/v1alpha1/appnotifications");
    std::fs::create_dir_all(&dir).unwrap();
    let plugin = dir.join("AppNotifications");
    std::fs::copy(common::function_bin(), &plugin).unwrap();
    common::ensure_executable(&plugin);
}

fn kustomize_with_plugin(dir: &Path, home: &Path) -> Output {
    require("kubectl");
    let mut cmd = Command::new("kubectl");
    cmd.arg("kustomize")
        .arg("--enable-alpha-plugins")
        .arg(dir)
        .env("KUSTOMIZE_PLUGIN_HOME", home)
        .env_remove("XDG_CONFIG_HOME");
    run(&mut cmd, b"")
}

fn documents(stream: &str) -> Vec<&str> {
    stream.split("\n---\n").collect()
}

#[test]
fn init_wires_a_real_repository_whose_overlays_then_build_the_alerts() {
    let corpus = crate::support::fixtures().join("corpus/flux2-kustomize-helm-example");
    let (scratch, repo) = Scratch::copy_of(&corpus, "repo");
    let home = scratch.path().join("plugins");
    install_plugin(&home);
    let before: Vec<String> = ["staging", "production"]
        .iter()
        .map(|env| {
            kustomize_with_plugin(&repo.join("apps").join(env), &home)
                .ok("kubectl kustomize before init")
                .stdout
        })
        .collect();
    let args = [
        "--app",
        "podinfo",
        "--label",
        "HelmRelease/podinfo",
        "--provider",
        "slack",
        "--type",
        "slack",
        "--secret-ref",
        "slack-url",
    ];
    let out = init(&args, &repo).ok("init");
    assert!(
        out.stdout.contains("wrote apps/staging/notifications.yaml"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("Flux Kustomization flux-system/apps"),
        "{}",
        out.stderr
    );
    let written = snapshot(&repo);

    for (env, before) in ["staging", "production"].iter().zip(&before) {
        let built = kustomize_with_plugin(&repo.join("apps").join(env), &home)
            .ok("kubectl kustomize --enable-alpha-plugins after init");
        let docs = documents(&built.stdout);
        let alert = docs
            .iter()
            .find(|d| d.contains("kind: Alert\n"))
            .unwrap_or_else(|| panic!("no Alert in the {env} build:\n{}", built.stdout));
        assert!(alert.contains(&format!("name: podinfo-{env}\n")), "{alert}");
        assert!(alert.contains("namespace: podinfo\n"), "{alert}");
        for source in [
            "kind: HelmRelease\n    name: podinfo\n",
            "kind: HelmChart\n    name: podinfo-podinfo\n",
        ] {
            assert!(alert.contains(source), "{source} in {alert}");
        }
        assert!(
            docs.iter()
                .any(|d| d.contains("kind: Provider\n") && d.contains("type: slack")),
            "{}",
            built.stdout
        );
        // The rest of the build is what it was, but for the label on the HelmRelease.
        let rest: Vec<&str> = docs
            .iter()
            .copied()
            .filter(|d| !d.contains("apiVersion: notification.toolkit.fluxcd.io/"))
            .collect();
        let label = "  labels:\n    app.kubernetes.io/name: podinfo\n";
        let rest = rest.join("\n---\n");
        assert_eq!(rest.matches(label).count(), 1, "{rest}");
        common::assert_same_text(
            rest.replace(label, "").trim_end_matches('\n'),
            before.trim_end_matches('\n'),
            &format!("the {env} build beyond the label and the notifications"),
        );
    }

    // A second init changes nothing.
    let again = init(&args, &repo).ok("second init");
    assert!(
        again.stdout.ends_with("nothing to change\n"),
        "{}",
        again.stdout
    );
    assert_eq!(snapshot(&repo), written);
}

#[test]
fn init_kpt_adds_the_function_that_kpt_fn_render_then_runs() {
    require("kpt");
    let scratch = Scratch::new("init-kpt");
    let pkg = scratch.path().join("pkg");
    std::fs::create_dir_all(pkg.join("apps/billing")).unwrap();
    std::fs::write(
        pkg.join("Kptfile"),
        "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: pkg # the package\n  \
         annotations:\n    config.kubernetes.io/local-config: \"true\"\n",
    )
    .unwrap();
    std::fs::copy(
        common::examples().join("kpt/apps/billing/appliers.yaml"),
        pkg.join("apps/billing/appliers.yaml"),
    )
    .unwrap();
    init(&["--kpt", "--provider", "slack"], &pkg).ok("init --kpt");
    let kptfile = std::fs::read_to_string(pkg.join("Kptfile")).unwrap();
    assert!(
        kptfile.starts_with(
            "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: pkg # the package\n"
        ),
        "{kptfile}"
    );
    assert!(
        kptfile.ends_with("pipeline:\n  mutators:\n  - exec: app-notifications\n"),
        "{kptfile}"
    );
    // kpt looks the exec name up on PATH: the binary cargo built, under its own name.
    let bin = scratch.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(common::function_bin(), bin.join("app-notifications")).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("kpt");
    cmd.args(["fn", "render", "pkg", "--allow-exec"])
        .current_dir(scratch.path())
        .env("PATH", path);
    run(&mut cmd, b"").ok("kpt fn render --allow-exec");
    let generated =
        std::fs::read_to_string(pkg.join("apps/billing/billing.notifications.yaml")).unwrap();
    assert!(generated.contains("kind: Alert\n"), "{generated}");
    assert!(generated.contains("name: billing-api\n"), "{generated}");
}

/// `import -` on a real repository's built overlay (home-ops' o11y namespace, whose two
/// hand-written Alerts come from a shared component): its appliers carry no app label, so
/// nothing is imported, and each Alert says which objects it covers and why it stays.
#[test]
fn import_reads_a_built_overlay_of_a_real_repository_and_says_why_it_stays() {
    require("kubectl");
    let overlay = crate::support::fixtures().join("corpus/home-ops/kubernetes/apps/o11y");
    let mut build = Command::new("kubectl");
    build.arg("kustomize").arg(&overlay);
    let built = run(&mut build, b"").ok("kubectl kustomize home-ops o11y");
    let mut cmd = Command::new(common::function_bin());
    cmd.args(["import", "-"]);
    let out = run(&mut cmd, built.stdout.as_bytes()).ok("import -");
    assert!(
        out.stdout.starts_with("not imported (kept as they are):\n"),
        "{}",
        out.stdout
    );
    for alert in [
        "Alert o11y/alertmanager (stdin:",
        "Alert o11y/github-status (stdin:",
    ] {
        assert!(out.stdout.contains(alert), "{}", out.stdout);
    }
    assert!(
        out.stdout
            .contains("covers objects of no app: Kustomization o11y/blackbox-exporter-lan"),
        "{}",
        out.stdout
    );
}
