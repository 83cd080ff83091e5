//! The container image (Dockerfile): built offline from the static musl binary with buildah
//! (`--target prebuilt`), checked for what it holds (the binary, `nobody`, nothing else), its
//! size, user, entrypoint and labels, and run the way kustomize and kpt run it — `docker run
//! --rm -i --network none --user nobody … IMAGE` — through the `docker` stand-in.

use super::common;

use std::process::Command;

use common::{buildah, image, path_with_stand_in, run, Output};

/// The budget (docs/semantics.md "Budgets"): the image is at most 5 MB.
const MAX_IMAGE_BYTES: u64 = 5_000_000;

fn inspect_image() -> serde_json::Value {
    let out = run(
        buildah().args(["inspect", "--type", "image"]).arg(image()),
        b"",
    )
    .ok("buildah inspect");
    serde_json::from_str(&out.stdout).unwrap()
}

/// `docker …` through the stand-in, as the hosts call it.
fn docker(args: &[&str], stdin: &[u8]) -> Output {
    let mut cmd = Command::new("docker");
    cmd.args(args).env("PATH", path_with_stand_in());
    run(&mut cmd, stdin)
}

const HOST_RUN: &[&str] = &[
    "run",
    "--rm",
    "-i",
    "-a",
    "STDIN",
    "-a",
    "STDOUT",
    "-a",
    "STDERR",
    "--network",
    "none",
    "--user",
    "nobody",
    "--security-opt=no-new-privileges",
    "-e",
    "LOG_TO_STDERR=true",
    "-e",
    "STRUCTURED_RESULTS=true",
];

fn docker_run(stdin: &[u8]) -> Output {
    let mut args = HOST_RUN.to_vec();
    args.push(image());
    docker(&args, stdin)
}

#[test]
fn image_is_small_and_configured_for_the_hosts() {
    let info = inspect_image();
    let manifest: serde_json::Value =
        serde_json::from_str(info["Manifest"].as_str().unwrap()).unwrap();
    let size: u64 = manifest["layers"]
        .as_array()
        .unwrap()
        .iter()
        .chain(std::iter::once(&manifest["config"]))
        .map(|blob| blob["size"].as_u64().unwrap())
        .sum();
    assert!(
        size <= MAX_IMAGE_BYTES,
        "the image is {size} bytes (uncompressed), over the {MAX_IMAGE_BYTES}-byte budget"
    );
    eprintln!("image size: {size} bytes");

    let config = &info["OCIv1"]["config"];
    assert_eq!(config["User"], "65534:65534", "{config:#}");
    assert_eq!(
        config["Entrypoint"],
        serde_json::json!(["/app-notifications"]),
        "{config:#}"
    );
    assert!(
        config.get("Cmd").is_none_or(serde_json::Value::is_null),
        "{config:#}"
    );
    let labels = &config["Labels"];
    assert_eq!(
        labels["org.opencontainers.image.version"],
        env!("CARGO_PKG_VERSION"),
        "the Dockerfile's `ARG VERSION` default must follow Cargo.toml"
    );
    assert_eq!(labels["org.opencontainers.image.licenses"], "Apache-2.0");
    for key in ["title", "description"] {
        assert!(
            labels[format!("org.opencontainers.image.{key}")].is_string(),
            "label org.opencontainers.image.{key} missing: {labels:#}"
        );
    }
}

/// The image holds the binary, an /etc/passwd and /etc/group that resolve `nobody` (kustomize
/// and kpt pass `--user nobody`, which Docker resolves inside the image), and nothing else:
/// no shell.
#[test]
fn image_holds_the_binary_and_nobody_and_no_shell() {
    let ctr = run(
        buildah()
            .args(["from", "--pull-never", "--quiet"])
            .arg(image()),
        b"",
    )
    .ok("buildah from")
    .stdout
    .trim()
    .to_string();
    struct Remove(String);
    impl Drop for Remove {
        fn drop(&mut self) {
            let _ = buildah().args(["rm", &self.0]).output();
        }
    }
    let _remove = Remove(ctr.clone());

    let mount = run(buildah().args(["mount", &ctr]), b"")
        .ok("buildah mount")
        .stdout
        .trim()
        .to_string();
    let rootfs = std::path::PathBuf::from(&mount);
    let mut files: Vec<String> = common::snapshot_paths(&rootfs);
    files.sort();
    assert_eq!(
        files,
        ["app-notifications", "etc/group", "etc/passwd"],
        "the image should hold only the binary and the user database"
    );
    let passwd = std::fs::read_to_string(rootfs.join("etc/passwd")).unwrap();
    assert!(
        passwd
            .lines()
            .any(|l| l.starts_with("nobody:x:65534:65534:")),
        "{passwd}"
    );

    let shell = run(
        buildah().args([
            "run",
            "--isolation",
            "chroot",
            &ctr,
            "--",
            "/bin/sh",
            "-c",
            "true",
        ]),
        b"",
    );
    assert_ne!(shell.code, 0, "the image has a shell: {shell:?}");

    // As a host runs it: `--user nobody` resolves through the image's /etc/passwd.
    let version = docker(
        &["run", "--rm", "--user", "nobody", image(), "--version"],
        b"",
    )
    .ok("docker run --user nobody IMAGE --version");
    assert_eq!(
        version.stdout.trim(),
        format!("app-notifications {}", env!("CARGO_PKG_VERSION"))
    );
}

/// kpt asks the runtime for its version before it runs an image.
#[test]
fn stand_in_answers_docker_version() {
    let out = docker(&["version", "--format", "{{.Client.Version}}"], b"").ok("docker version");
    assert!(
        out.stdout.trim().split('.').count() == 3,
        "not a version: {:?}",
        out.stdout
    );
}

/// The quickstart through `docker run` as kustomize invokes it: the same bytes as the native
/// binary (examples/quickstart/expected-output.yaml).
#[test]
fn image_runs_the_quickstart_as_kustomize_invokes_it() {
    let input = std::fs::read(common::examples().join("quickstart/resource-list.yaml")).unwrap();
    let out = docker_run(&input).ok("docker run (quickstart)");
    let expected =
        std::fs::read_to_string(common::examples().join("quickstart/expected-output.yaml"))
            .unwrap();
    common::assert_same_text(&out.stdout, &expected, "quickstart through the image");
}

/// A function error reaches the host: exit 1, the input items back, the results on stdout.
#[test]
fn image_reports_function_errors_with_exit_1() {
    let input = "\
apiVersion: config.kubernetes.io/v1
kind: ResourceList
items: []
functionConfig:
  apiVersion: app-notifications.dev/v1alpha1
  kind: AppNotifications
  metadata:
    name: billing
  spec:
    alerts:
    - providerRef: slack
    colour: blue
";
    let out = docker_run(input.as_bytes());
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("kind: ResourceList"), "{out:?}");
    assert!(out.stdout.contains("severity: error"), "{out:?}");
    assert!(out.stdout.contains("colour"), "{out:?}");
}

/// The stand-in refuses what it cannot do faithfully (a pull, a volume), so a change in how a
/// host calls docker fails the tests instead of passing silently.
#[test]
fn stand_in_refuses_what_it_cannot_do() {
    let pull = docker(&["run", "--rm", "-i", "--pull", "always", image()], b"");
    assert_eq!(pull.code, 125, "{pull:?}");
    let volume = docker(&["run", "--rm", "-i", "-v", "/tmp:/tmp", image()], b"");
    assert_eq!(volume.code, 125, "{volume:?}");
}

/// `docker build .` (the default target) cannot run here (it pulls the Rust image), so this
/// checks what it builds from: the build context after .dockerignore holds the crate's sources
/// and lock file, which compile offline with `--locked`, and of target/ only the binary the
/// `prebuilt` stage packages.
#[test]
fn source_build_context_is_complete_and_small() {
    image();
    let scratch = common::Scratch::new("context");
    let dockerfile = scratch.path().join("Dockerfile");
    std::fs::write(&dockerfile, "FROM scratch\nCOPY . /src\n").unwrap();
    let tag = format!("localhost/app-notifications-context:{}", std::process::id());
    run(
        buildah()
            .args([
                "bud",
                "--quiet",
                "--isolation",
                "chroot",
                "--tag",
                &tag,
                "--file",
            ])
            .arg(&dockerfile)
            .arg(common::root()),
        b"",
    )
    .ok("buildah bud (context)");
    struct Cleanup(String, Option<String>);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            if let Some(ctr) = &self.1 {
                let _ = buildah().args(["rm", ctr]).output();
            }
            let _ = buildah().args(["rmi", &self.0]).output();
        }
    }
    let mut cleanup = Cleanup(tag.clone(), None);
    let ctr = run(
        buildah().args(["from", "--pull-never", "--quiet", &tag]),
        b"",
    )
    .ok("buildah from (context)")
    .stdout
    .trim()
    .to_string();
    cleanup.1 = Some(ctr.clone());
    let mount = run(buildah().args(["mount", &ctr]), b"")
        .ok("buildah mount (context)")
        .stdout
        .trim()
        .to_string();
    let src = std::path::Path::new(&mount).join("src");
    let files = common::snapshot_paths(&src);
    for required in [
        "Cargo.toml",
        "Cargo.lock",
        "src/bin/app-notifications/main.rs",
        "src/lib.rs",
    ] {
        assert!(
            files.iter().any(|f| f == required),
            "{required} missing: {files:#?}"
        );
    }
    let target: Vec<&String> = files.iter().filter(|f| f.starts_with("target/")).collect();
    assert_eq!(
        target,
        ["target/x86_64-unknown-linux-musl/release/app-notifications"],
        "only the prebuilt binary of target/ belongs in the context"
    );
    for excluded in [".git/", "tests/", "examples/", "fuzz/", "bench/out/"] {
        assert!(
            !files.iter().any(|f| f.starts_with(excluded)
                && !f.starts_with("tests/e2e/image/")
                && f != "tests/tests.rs"),
            "{excluded} should be excluded from the context"
        );
    }
    let check = run(
        std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .args([
                "check",
                "--quiet",
                "--release",
                "--locked",
                "--offline",
                "--bin",
                "app-notifications",
                "--target-dir",
            ])
            .arg(common::root().join("target/e2e/context-check"))
            .current_dir(&src),
        b"",
    );
    assert_eq!(
        check.code, 0,
        "the Dockerfile's build stage would fail on this context:\n{}",
        check.stderr
    );
}
