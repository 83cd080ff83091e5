//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::SystemTime;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every `.yaml`/`.yml` file below `dir`, sorted.
pub fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            ) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Every file below `dir`, sorted.
pub fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Splits a YAML stream at `---` lines, dropping documents with no content.
pub fn documents(text: &str) -> Vec<String> {
    let mut docs = Vec::new();
    let mut current = String::new();
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "---" || line.starts_with("--- ") {
            docs.push(std::mem::take(&mut current));
            continue;
        }
        current.push_str(line);
    }
    docs.push(current);
    docs.into_iter()
        .filter(|d| {
            d.lines()
                .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        })
        .collect()
}

/// Writes `doc` as a block sequence entry at column 0: `- ` before the first line, two spaces
/// before the others (blank lines stay blank so block scalars keep their content).
pub fn as_item(doc: &str) -> String {
    let mut out = String::new();
    for (i, line) in doc.split_inclusive('\n').enumerate() {
        if i == 0 {
            out.push_str("- ");
        } else if line.trim_end_matches(['\n', '\r']).is_empty() {
            out.push_str(line);
            continue;
        } else {
            out.push_str("  ");
        }
        out.push_str(line);
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

pub const HEADER: &str = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n";

/// A ResourceList whose items are `items` (already written as entries).
pub fn resource_list(items: &[String]) -> String {
    let mut out = HEADER.to_string();
    for item in items {
        out.push_str(item);
    }
    out
}

// ---- Running programs: the one place tests spawn a process ----

/// What one run of a program produced.
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    pub fn parts(self) -> (i32, String, String) {
        (self.code, self.stdout, self.stderr)
    }
}

/// The `app-notifications` binary cargo built for the tests, as a KRM function unless told
/// otherwise (no `KUSTOMIZE_PLUGIN_CONFIG_ROOT`, so never the legacy plugin mode; no
/// `LOG_TO_STDERR`, so warnings stay in the results).
pub fn bin() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_app-notifications"));
    cmd.env_remove("KUSTOMIZE_PLUGIN_CONFIG_ROOT")
        .env_remove("LOG_TO_STDERR");
    cmd
}

/// Runs `command` with `input` on stdin. The input is written from another thread, so a
/// large output cannot deadlock against a full pipe.
pub fn ran(command: &mut std::process::Command, input: &[u8]) -> Ran {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().expect("the process finishes");
    writer.join().expect("stdin writer");
    Ran {
        code: output.status.code().expect("the process exits, not killed"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// [`ran`], as `(exit code, stdout, stderr)`.
pub fn run(command: &mut std::process::Command, input: &[u8]) -> (i32, String, String) {
    ran(command, input).parts()
}

/// Runs the binary as a KRM function with `input` on stdin.
pub fn run_bin(input: &[u8]) -> Ran {
    ran(&mut bin(), input)
}

/// Fails (never skips) when python3, PyYAML or jsonschema is missing, saying what to install.
pub fn require_python_validator() {
    let probe = std::process::Command::new("python3")
        .args(["-c", "import yaml, jsonschema"])
        .output();
    match probe {
        Err(e) => panic!(
            "python3 is needed to validate against the Flux CRDs but cannot be run ({e}); \
             install Python 3, then: python3 -m pip install pyyaml jsonschema"
        ),
        Ok(out) if !out.status.success() => panic!(
            "python3 lacks PyYAML or jsonschema ({}); install them: \
             python3 -m pip install pyyaml jsonschema",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Ok(_) => {}
    }
}

/// The report of `tests/fixtures/validate_crd.py` on `text`.
pub struct CrdReport {
    pub exit: i32,
    /// `{"validated": {"Alert": n, "Provider": m}, "objects": [...], "violations": [...]}`
    pub json: serde_json::Value,
    pub stderr: String,
}

impl CrdReport {
    pub fn count(&self, kind: &str) -> u64 {
        self.json["validated"][kind].as_u64().unwrap_or(0)
    }

    pub fn objects(&self) -> &[serde_json::Value] {
        self.json["objects"].as_array().map_or(&[], Vec::as_slice)
    }
}

/// Pipes `text` into `validate_crd.py` (with `args`, e.g. `--only-generated`).
pub fn validate_crd(text: &str, args: &[&str]) -> CrdReport {
    require_python_validator();
    let script = fixtures().join("validate_crd.py");
    let run = ran(
        std::process::Command::new("python3")
            .arg(&script)
            .args(args),
        text.as_bytes(),
    );
    assert_ne!(
        run.code, 2,
        "validate_crd.py could not run:\n{}",
        run.stderr
    );
    let json = serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "validate_crd.py printed no JSON report ({e}):\n{}\n{}",
            run.stdout, run.stderr
        )
    });
    CrdReport {
        exit: run.code,
        json,
        stderr: run.stderr,
    }
}

/// [`validate_crd`] over many inputs with one Python start (`--batch`): one report per input,
/// in order; each report's `exit` is 1 when that input has violations. Names must be unique.
pub fn validate_crd_batch(inputs: &[(String, String)], args: &[&str]) -> Vec<CrdReport> {
    require_python_validator();
    let script = fixtures().join("validate_crd.py");
    let mut batch = serde_json::Map::new();
    for (name, text) in inputs {
        let previous = batch.insert(name.clone(), serde_json::Value::String(text.clone()));
        assert!(previous.is_none(), "duplicate batch name {name}");
    }
    let run = ran(
        std::process::Command::new("python3")
            .arg(&script)
            .arg("--batch")
            .args(args),
        serde_json::Value::Object(batch).to_string().as_bytes(),
    );
    assert_ne!(
        run.code, 2,
        "validate_crd.py could not run:\n{}",
        run.stderr
    );
    let mut all: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "validate_crd.py printed no JSON report ({e}):\n{}\n{}",
            run.stdout, run.stderr
        )
    });
    inputs
        .iter()
        .map(|(name, _)| {
            let json = all[name.as_str()].take();
            let violations = json["violations"].as_array().map_or(0, Vec::len);
            let prefix = format!("{name}: ");
            CrdReport {
                exit: i32::from(violations > 0),
                json,
                stderr: run
                    .stderr
                    .lines()
                    .filter_map(|l| l.strip_prefix(&prefix))
                    .map(|l| format!("{l}\n"))
                    .collect(),
            }
        })
        .collect()
}

/// Copies a directory tree (scratch copies of example packages).
pub fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let target = dst.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Where two outputs first differ, with a few lines of context (each line quoted, so a
/// difference in whitespace or line endings shows), for failures readable without a diff tool.
/// `names` label the two sides, e.g. `["expected", "actual"]`.
pub fn first_difference(expected: &[u8], actual: &[u8], names: [&str; 2]) -> String {
    let expected = String::from_utf8_lossy(expected);
    let actual = String::from_utf8_lossy(actual);
    let e: Vec<&str> = expected.split_inclusive('\n').collect();
    let a: Vec<&str> = actual.split_inclusive('\n').collect();
    let line = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    let context = |lines: &[&str]| {
        lines
            .iter()
            .enumerate()
            .skip(line.saturating_sub(3))
            .take(7)
            .map(|(i, l)| format!("{:>5} | {:?}", i + 1, l))
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "first difference at line {} ({} vs {} bytes)\n--- {}\n{}\n--- {}\n{}",
        line + 1,
        expected.len(),
        actual.len(),
        names[0],
        context(&e),
        names[1],
        context(&a)
    )
}

/// The newest modification time of the files below `path` (or of `path` itself): tests that
/// load a build product (wasm/pkg) compare it with its sources' and say to rebuild.
pub fn newest_modification(path: &Path) -> SystemTime {
    let meta = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if !meta.is_dir() {
        return meta.modified().unwrap();
    }
    std::fs::read_dir(path)
        .unwrap()
        .map(|entry| newest_modification(&entry.unwrap().path()))
        .max()
        .unwrap_or(SystemTime::UNIX_EPOCH)
}
