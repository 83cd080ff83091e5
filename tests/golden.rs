//! Golden tests, in the style of kpt's krm-functions-catalog: every directory under
//! `tests/golden/` is one behaviour of the function.
//!
//! A case directory holds:
//!
//! - `input.yaml` (or `input.json`): a complete ResourceList, fed to the binary on stdin;
//! - `expected.yaml` (or `expected.json`): the exact expected stdout;
//! - `expected.exit`: the expected exit code (`0` or `1`);
//! - `expected.stderr`: the exact expected stderr, when the run prints warnings or errors
//!   (absent means stderr must be empty);
//! - optionally `README.md`: one line saying which rule of DESIGN.md the case proves;
//! - optionally `KNOWN_BUG.md`: for a case whose expected files show the correct behaviour
//!   while the function still gets it wrong; its text is added to the failure message.
//!
//! The binary runs with `KUSTOMIZE_PLUGIN_CONFIG_ROOT` removed from its environment (so it is
//! always a KRM function here) and its stdout is compared byte for byte. For every case that
//! exits 0 the binary is run a second time on its own stdout, which must come back
//! byte-identical (DESIGN "Semantics" 9: idempotence).
//!
//! To regenerate the expected files after an intended change:
//!
//! ```sh
//! UPDATE_GOLDEN=1 cargo test --test golden
//! ```
//!
//! then read every changed file against DESIGN.md before committing: a golden file is only as
//! good as the review of its content.

mod support;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_app-notifications");

struct Run {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    exit: i32,
}

fn run(input: &[u8]) -> Run {
    let mut child = Command::new(BIN)
        .env_remove("KUSTOMIZE_PLUGIN_CONFIG_ROOT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the app-notifications binary runs");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = input.to_vec();
    // Written from another thread so a large output cannot deadlock against a full pipe.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().expect("the binary finishes");
    writer.join().expect("stdin writer");
    Run {
        stdout: output.stdout,
        stderr: output.stderr,
        exit: output.status.code().expect("the binary exits, not killed"),
    }
}

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

/// `input.yaml` or `input.json`, and the matching expected file.
fn io_files(case: &Path) -> (PathBuf, PathBuf) {
    for ext in ["yaml", "json"] {
        let input = case.join(format!("input.{ext}"));
        if input.is_file() {
            return (input, case.join(format!("expected.{ext}")));
        }
    }
    panic!("{}: no input.yaml or input.json", case.display());
}

fn read_optional(path: &Path) -> Option<Vec<u8>> {
    fs::read(path).ok()
}

/// Checks one case; returns the problems found (empty: the case passes).
fn check(case: &Path, update: bool) -> Vec<String> {
    let name = case.file_name().unwrap().to_string_lossy().to_string();
    let (input_path, expected_path) = io_files(case);
    let input = fs::read(&input_path).expect("readable input");
    let got = run(&input);
    let exit_path = case.join("expected.exit");
    let stderr_path = case.join("expected.stderr");
    let mut problems = Vec::new();

    if update {
        fs::write(&expected_path, &got.stdout).unwrap();
        fs::write(&exit_path, format!("{}\n", got.exit)).unwrap();
        if got.stderr.is_empty() {
            let _ = fs::remove_file(&stderr_path);
        } else {
            fs::write(&stderr_path, &got.stderr).unwrap();
        }
    } else {
        match read_optional(&expected_path) {
            Some(expected) if expected == got.stdout => {}
            Some(expected) => problems.push(format!(
                "{name}: stdout differs from {}\n{}",
                expected_path.file_name().unwrap().to_string_lossy(),
                support::first_difference(&expected, &got.stdout, ["expected", "actual"])
            )),
            None => problems.push(format!(
                "{name}: missing {} (run with UPDATE_GOLDEN=1, then review it)",
                expected_path.display()
            )),
        }
        let expected_exit = read_optional(&exit_path)
            .map(|b| String::from_utf8_lossy(&b).trim().to_string())
            .and_then(|s| s.parse::<i32>().ok());
        match expected_exit {
            Some(code) if code == got.exit => {}
            Some(code) => problems.push(format!(
                "{name}: exit code {} (expected {code}); stderr:\n{}",
                got.exit,
                String::from_utf8_lossy(&got.stderr)
            )),
            None => problems.push(format!("{name}: missing or unreadable expected.exit")),
        }
        let expected_stderr = read_optional(&stderr_path).unwrap_or_default();
        if expected_stderr != got.stderr {
            problems.push(format!(
                "{name}: stderr differs from expected.stderr\n{}",
                support::first_difference(&expected_stderr, &got.stderr, ["expected", "actual"])
            ));
        }
    }

    // Idempotence: the function run on its own output changes nothing.
    if got.exit == 0 {
        let again = run(&got.stdout);
        if again.exit != 0 {
            problems.push(format!(
                "{name}: a second run on the output exits {}; stderr:\n{}",
                again.exit,
                String::from_utf8_lossy(&again.stderr)
            ));
        }
        if again.stdout != got.stdout {
            problems.push(format!(
                "{name}: not idempotent: a second run on the output changes it\n{}",
                support::first_difference(&got.stdout, &again.stdout, ["first run", "second run"])
            ));
        }
    }

    // A case documenting a bug not fixed yet says so in its failure.
    if !problems.is_empty() {
        if let Some(note) = read_optional(&case.join("KNOWN_BUG.md")) {
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
