//! Shared by the end-to-end tests (`tests/e2e_*.rs`), which run the function through the real
//! hosts: `kubectl kustomize`, `kpt`, and the container image (built with buildah and run
//! through the `docker` stand-in in `tests/e2e/bin/`).
//!
//! A host binary that is missing fails the test with the command that installs it: these tests
//! never skip.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The image the examples name (`config.kubernetes.io/function`, Kptfile `image:`); the tests
/// build it locally under this tag, as a user would `docker build -t` it.
pub const IMAGE: &str = "ghcr.io/example/app-notifications:v0.1.0";

/// Set to regenerate expected outputs from the actual ones instead of comparing.
pub const UPDATE_ENV: &str = "AN_UPDATE_EXPECTED";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn examples() -> PathBuf {
    root().join("examples")
}

/// The function binary cargo built for these tests (the host's target, always current).
pub fn function_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_app-notifications"))
}

/// How to install each host binary the tests use (what tests/run.sh does).
fn install_hint(name: &str) -> &'static str {
    match name {
        "kubectl" => "install kubectl (v1.27+, bundles kustomize v5): https://kubernetes.io/docs/tasks/tools/",
        "kpt" => "install kpt v1.0.0-beta.56: https://github.com/kptdev/kpt/releases",
        "buildah" => "apt-get install -y buildah",
        "flock" => "apt-get install -y util-linux",
        "git" => "apt-get install -y git",
        _ => "install it",
    }
}

/// Fails (never skips) when a host binary is missing.
pub fn require(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join(name);
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!(
        "`{name}` is not on PATH; the end-to-end tests need it ({})",
        install_hint(name)
    );
}

/// The `docker` stand-in's directory, to put first on PATH.
pub fn stand_in_dir() -> PathBuf {
    let dir = root().join("tests/e2e/bin");
    ensure_executable(&dir.join("docker"));
    dir
}

pub fn ensure_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if meta.permissions().mode() & 0o111 != 0o111 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// PATH with the `docker` stand-in first.
pub fn path_with_stand_in() -> std::ffi::OsString {
    let mut dirs = vec![stand_in_dir()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap()
}

/// Builds the static musl binary and, from it, the image (Dockerfile `--target prebuilt`) into
/// the test store; once per process, and once per change of its inputs across processes
/// (tests/e2e/build-image.sh holds a lock and keeps a stamp). Returns the image's tag.
pub fn image() -> &'static str {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        require("buildah");
        require("flock");
        let out = Command::new("bash")
            .arg(root().join("tests/e2e/build-image.sh"))
            .arg(IMAGE)
            .env(
                "CARGO",
                std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
            )
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("running tests/e2e/build-image.sh: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "building the image failed ({}):\n{}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    });
    if let Err(err) = built {
        panic!("{err}");
    }
    IMAGE
}

/// `buildah` on the test store (what the stand-in uses).
pub fn buildah() -> Command {
    let store = root().join("target/e2e/buildah");
    let mut cmd = Command::new("buildah");
    cmd.arg("--storage-driver")
        .arg("vfs")
        .arg("--root")
        .arg(store.join("root"))
        .arg("--runroot")
        .arg(store.join("run"));
    cmd
}

#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Panics with everything the command printed unless it exited 0.
    pub fn ok(self, what: &str) -> Output {
        assert_eq!(
            self.code, 0,
            "{what} failed (exit {}):\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }
}

/// Runs `cmd` with `stdin`, collecting everything.
pub fn run(cmd: &mut Command, stdin: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawning {cmd:?}: {e}"));
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    // A writer thread, so a child that answers before reading all of stdin cannot deadlock us.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A directory removed at the end of the test (kept when AN_KEEP_SCRATCH is set).
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("an-e2e-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// A scratch directory holding a copy of `src` as `<scratch>/<name>`.
    pub fn copy_of(src: &Path, name: &str) -> (Scratch, PathBuf) {
        let scratch = Scratch::new(name);
        let dst = scratch.0.join(name);
        copy_dir(src, &dst);
        (scratch, dst)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::env::var_os("AN_KEEP_SCRATCH").is_none() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

pub use crate::support::copy_dir;

/// Every file below `dir` (relative path → content), sorted.
pub fn snapshot(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Asserts `actual` equals the file `expected` (relative to the repository root), or rewrites
/// the file when AN_UPDATE_EXPECTED is set.
pub fn assert_matches_file(actual: &str, expected: &Path) {
    let shown = expected
        .strip_prefix(root())
        .unwrap_or(expected)
        .display()
        .to_string();
    if std::env::var_os(UPDATE_ENV).is_some() {
        if let Some(dir) = expected.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(expected, actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(expected)
        .unwrap_or_else(|e| panic!("{shown}: {e} (run with {UPDATE_ENV}=1 to create it)"));
    assert_same_text(actual, &want, &shown);
}

/// Equality with a readable message: the first differing line and both texts.
pub fn assert_same_text(actual: &str, expected: &str, what: &str) {
    if actual == expected {
        return;
    }
    let line = actual
        .lines()
        .zip(expected.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| actual.lines().count().min(expected.lines().count()));
    panic!(
        "{what}: output differs from the expected, first at line {} \
         (run with {UPDATE_ENV}=1 to accept the new output)\n\
         --- expected line: {:?}\n--- actual line:   {:?}\n--- actual output:\n{actual}",
        line + 1,
        expected.lines().nth(line),
        actual.lines().nth(line),
    );
}

/// `kubectl kustomize --enable-alpha-plugins DIR` with the `docker` stand-in first on PATH,
/// a private XDG_CONFIG_HOME (`xdg`, for legacy plugins) and the stand-in's call log in
/// `docker_log`.
pub fn kustomize(dir: &Path, xdg: &Path, docker_log: &Path) -> Output {
    require("kubectl");
    let mut cmd = Command::new("kubectl");
    cmd.arg("kustomize")
        .arg("--enable-alpha-plugins")
        .arg(dir)
        .env("PATH", path_with_stand_in())
        .env("XDG_CONFIG_HOME", xdg)
        .env("AN_E2E_DOCKER_LOG", docker_log)
        .env_remove("KUSTOMIZE_PLUGIN_HOME");
    run(&mut cmd, b"")
}

/// The lines the stand-in logged (one per docker call), or none.
pub fn docker_calls(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

/// The relative paths of the files and symlinks below `dir` (directories left out).
pub fn snapshot_paths(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else {
                out.push(
                    path.strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    out.sort();
    out
}
