//! Golden tests, in the style of kpt's krm-functions-catalog: every directory under
//! `tests/golden/` is one behaviour, run through the binary.
//!
//! A case directory holds:
//!
//! - `input.yaml` (or `input.json`): fed to the binary on stdin (a KRM case's ResourceList; for
//!   a case with `args`, whatever the command reads from stdin, or nothing when absent);
//! - `args` (optional): the command line, one argument per line (`#` lines are comments).
//!   Without it the binary runs as a KRM function;
//! - `env` (optional): `KEY=VALUE` lines set for the run (e.g. the legacy plugin's
//!   `KUSTOMIZE_PLUGIN_CONFIG_ROOT=.`);
//! - `package/` (optional): copied to a scratch directory in which the command runs (so
//!   `render --write` never writes into the case); without it the command runs in the case
//!   directory;
//! - `expected.yaml` / `expected.json` (KRM cases) or `expected.stdout` (cases with `args`;
//!   absent means empty): the exact expected stdout;
//! - `expected.exit`: the expected exit code;
//! - `expected.stderr`: the exact expected stderr (absent means empty);
//! - `expected-package/` (optional, with `package/`): the scratch directory after the run,
//!   file by file;
//! - `README.md`: one line saying which behaviour the case proves;
//! - optionally `KNOWN_BUG.md`: for a case whose expected files show the correct behaviour
//!   while the binary still gets it wrong; its text is added to the failure message.
//!
//! For every KRM case that exits 0 the binary is run a second time on its own stdout, which
//! must come back byte-identical (idempotence).
//!
//! To regenerate the expected files after an intended change:
//!
//! ```sh
//! UPDATE_GOLDEN=1 cargo test --test tests golden::
//! ```
//!
//! then read every changed file before committing: a golden file is only as good as the
//! review of its content.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{self, Ran};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = fs::read_dir(golden_dir())
        .expect("tests/golden exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    cases
}

fn read_optional(path: &Path) -> Option<Vec<u8>> {
    fs::read(path).ok()
}

/// The non-comment lines of an optional file.
fn lines_of(path: &Path) -> Option<Vec<String>> {
    let text = fs::read_to_string(path).ok()?;
    Some(
        text.lines()
            .filter(|line| !line.trim_start().starts_with('#'))
            .map(str::to_string)
            .collect(),
    )
}

/// One case, as the runner reads it.
struct Case {
    name: String,
    dir: PathBuf,
    args: Option<Vec<String>>,
    env: Vec<(String, String)>,
    stdin: Vec<u8>,
    /// Where stdout is expected.
    expected_stdout: PathBuf,
}

impl Case {
    fn read(dir: &Path) -> Case {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let args = lines_of(&dir.join("args"));
        let env = lines_of(&dir.join("env"))
            .unwrap_or_default()
            .iter()
            .map(|line| {
                let (k, v) = line
                    .split_once('=')
                    .unwrap_or_else(|| panic!("{name}/env: `{line}` is not KEY=VALUE"));
                (k.to_string(), v.to_string())
            })
            .collect();
        let input = ["yaml", "json"]
            .into_iter()
            .map(|ext| (ext, dir.join(format!("input.{ext}"))))
            .find(|(_, path)| path.is_file());
        let (stdin, expected_stdout) = match (&args, input) {
            (None, Some((ext, path))) => (
                fs::read(&path).unwrap(),
                dir.join(format!("expected.{ext}")),
            ),
            (None, None) => panic!("{name}: a KRM case needs input.yaml or input.json"),
            (Some(_), input) => (
                input.map(|(_, p)| fs::read(p).unwrap()).unwrap_or_default(),
                dir.join("expected.stdout"),
            ),
        };
        Case {
            name,
            dir: dir.to_path_buf(),
            args,
            env,
            stdin,
            expected_stdout,
        }
    }

    /// Runs the binary as the case says: in a scratch copy of `package/` when there is one.
    fn run(&self, stdin: &[u8]) -> (Ran, Option<Scratch>) {
        let mut cmd = support::bin();
        cmd.args(self.args.iter().flatten());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let package = self.dir.join("package");
        let scratch = package
            .is_dir()
            .then(|| Scratch::copy_of(&package, &self.name));
        cmd.current_dir(scratch.as_ref().map_or(&self.dir, |s| &s.0));
        (support::ran(&mut cmd, stdin), scratch)
    }
}

/// A scratch copy of a case's package, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn copy_of(src: &Path, name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("an-golden-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        support::copy_dir(src, &dir);
        Scratch(dir)
    }

    /// Every file below the directory, by `/`-separated relative path.
    fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        support::all_files(dir)
            .into_iter()
            .map(|path| {
                let rel = path.strip_prefix(dir).unwrap();
                let key = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                (key, fs::read(&path).unwrap())
            })
            .collect()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Checks one case; returns the problems found (empty: the case passes).
fn check(dir: &Path, update: bool) -> Vec<String> {
    let case = Case::read(dir);
    let name = &case.name;
    let (got, scratch) = case.run(&case.stdin);
    let exit_path = dir.join("expected.exit");
    let stderr_path = dir.join("expected.stderr");
    let expected_package = dir.join("expected-package");
    let mut problems = Vec::new();

    if update {
        if got.stdout.is_empty() && case.args.is_some() {
            let _ = fs::remove_file(&case.expected_stdout);
        } else {
            fs::write(&case.expected_stdout, &got.stdout).unwrap();
        }
        fs::write(&exit_path, format!("{}\n", got.code)).unwrap();
        if got.stderr.is_empty() {
            let _ = fs::remove_file(&stderr_path);
        } else {
            fs::write(&stderr_path, &got.stderr).unwrap();
        }
        if let (Some(scratch), true) = (&scratch, expected_package.is_dir()) {
            let _ = fs::remove_dir_all(&expected_package);
            support::copy_dir(&scratch.0, &expected_package);
        }
    } else {
        let expected_stdout = match read_optional(&case.expected_stdout) {
            Some(expected) => Some(expected),
            None if case.args.is_some() => Some(Vec::new()),
            None => None,
        };
        match expected_stdout {
            Some(expected) if expected == got.stdout.as_bytes() => {}
            Some(expected) => problems.push(format!(
                "{name}: stdout differs from {}\n{}",
                case.expected_stdout.file_name().unwrap().to_string_lossy(),
                support::first_difference(&expected, got.stdout.as_bytes(), ["expected", "actual"])
            )),
            None => problems.push(format!(
                "{name}: missing {} (run with UPDATE_GOLDEN=1, then review it)",
                case.expected_stdout.display()
            )),
        }
        let expected_exit = read_optional(&exit_path)
            .map(|b| String::from_utf8_lossy(&b).trim().to_string())
            .and_then(|s| s.parse::<i32>().ok());
        match expected_exit {
            Some(code) if code == got.code => {}
            Some(code) => problems.push(format!(
                "{name}: exit code {} (expected {code}); stderr:\n{}",
                got.code, got.stderr
            )),
            None => problems.push(format!("{name}: missing or unreadable expected.exit")),
        }
        let expected_stderr = read_optional(&stderr_path).unwrap_or_default();
        if expected_stderr != got.stderr.as_bytes() {
            problems.push(format!(
                "{name}: stderr differs from expected.stderr\n{}",
                support::first_difference(
                    &expected_stderr,
                    got.stderr.as_bytes(),
                    ["expected", "actual"]
                )
            ));
        }
        if let (Some(scratch), true) = (&scratch, expected_package.is_dir()) {
            let (want, have) = (
                Scratch::files(&expected_package),
                Scratch::files(&scratch.0),
            );
            for path in want
                .keys()
                .chain(have.keys())
                .collect::<std::collections::BTreeSet<_>>()
            {
                match (want.get(path), have.get(path)) {
                    (Some(a), Some(b)) if a == b => {}
                    (Some(a), Some(b)) => problems.push(format!(
                        "{name}: {path} differs from expected-package/{path}\n{}",
                        support::first_difference(a, b, ["expected", "actual"])
                    )),
                    (Some(_), None) => problems.push(format!("{name}: {path} was not written")),
                    (None, _) => problems.push(format!("{name}: {path} should not exist")),
                }
            }
        }
    }

    // Idempotence: the function run on its own output changes nothing.
    if case.args.is_none() && got.code == 0 {
        let (again, _) = case.run(got.stdout.as_bytes());
        if again.code != 0 {
            problems.push(format!(
                "{name}: a second run on the output exits {}; stderr:\n{}",
                again.code, again.stderr
            ));
        }
        if again.stdout != got.stdout {
            problems.push(format!(
                "{name}: not idempotent: a second run on the output changes it\n{}",
                support::first_difference(
                    got.stdout.as_bytes(),
                    again.stdout.as_bytes(),
                    ["first run", "second run"]
                )
            ));
        }
    }

    // A case documenting a bug not fixed yet says so in its failure.
    if !problems.is_empty() {
        if let Some(note) = read_optional(&dir.join("KNOWN_BUG.md")) {
            problems.push(format!(
                "{name}: KNOWN BUG (expected files show the correct behaviour):\n{}",
                String::from_utf8_lossy(&note)
            ));
        }
    }
    problems
}

#[test]
fn golden_cases() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1");
    let cases = cases();
    assert!(
        !cases.is_empty(),
        "no golden cases under {}",
        golden_dir().display()
    );
    let problems: Vec<String> = cases.iter().flat_map(|case| check(case, update)).collect();
    assert!(
        problems.is_empty(),
        "{} problem(s) in {} golden case(s):\n\n{}",
        problems.len(),
        cases.len(),
        problems.join("\n\n")
    );
}
