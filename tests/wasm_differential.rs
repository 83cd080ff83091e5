//! The WebAssembly builds against the native binary, byte for byte: stdout, stderr and exit
//! code of `node wasm/cli.mjs` (the wasm-bindgen package) and `node wasm/wasi.mjs` (the
//! wasm32-wasip1 build of the command line) on the whole golden suite (also in `--check` mode
//! and on each case's own output), every unreadable input of tests/errors.rs, inputs over each
//! limit with small `--max-*` flags, deep nesting at `--max-depth 1000`, the fuzz findings and
//! corpus, the kustomize legacy plugin mode, usage errors, `--help`, `--version` and the
//! subcommands; and the JS API (`runKrm`, `processResourceList`, `schema`, `version`, option
//! errors) on the same cases.
//!
//! Many cases run in one Node process (tests/wasm_driver.mjs calls the scripts' `run`/`runWasi`
//! on file descriptors), so the suite takes seconds; real processes of both scripts check what
//! only a process shows: stdin and stdout through pipes (several MB), stdin from a file, an
//! input refused at the size limit before it is read whole, the legacy plugin through a
//! symlink, any working directory, exit codes.
//!
//! Needs Node (20+) and the built package: `bash wasm/build.sh` (tests/run.sh runs it). Without
//! them, or with a package older than the sources, these tests fail; they never skip.

use crate::support;
use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_app-notifications");
const RL: &str = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n";
const BUILD_HINT: &str =
    "run `bash wasm/build.sh` (it builds wasm/pkg/; tests/run.sh does it first)";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn pkg() -> PathBuf {
    root().join("wasm/pkg")
}

// ------------------------------------------------------------------------------------------
// Prerequisites: fail, never skip.
// ------------------------------------------------------------------------------------------

fn require_package() {
    static CHECKED: OnceLock<Result<(), String>> = OnceLock::new();
    let checked = CHECKED.get_or_init(|| {
        let node = Command::new("node").arg("--version").output();
        match node {
            Ok(out) if out.status.success() => {}
            _ => {
                return Err(format!(
                    "`node` is not on PATH: the WASM tests need Node.js 20+ (Debian: apt-get \
                     install nodejs), then {BUILD_HINT}"
                ))
            }
        }
        let built = [
            "node.mjs",
            "app_notifications.js",
            "app_notifications_bg.wasm",
            "app-notifications.wasm",
        ];
        for file in built {
            if !pkg().join(file).is_file() {
                return Err(format!("wasm/pkg/{file} is missing: {BUILD_HINT}"));
            }
        }
        let sources = [
            "src",
            "wasm/src",
            "wasm/pkg-template",
            "Cargo.toml",
            "Cargo.lock",
            "wasm/Cargo.toml",
        ];
        let sources_time = sources
            .iter()
            .map(|s| support::newest_modification(&root().join(s)))
            .max()
            .unwrap();
        for file in built {
            let built_time = fs::metadata(pkg().join(file)).unwrap().modified().unwrap();
            if built_time < sources_time {
                return Err(format!(
                    "wasm/pkg/{file} is older than the sources it is built from: {BUILD_HINT}"
                ));
            }
        }
        Ok(())
    });
    if let Err(message) = checked {
        panic!("{message}");
    }
}

// ------------------------------------------------------------------------------------------
// The cases.
// ------------------------------------------------------------------------------------------

struct Case {
    name: String,
    args: Vec<String>,
    stdin: Vec<u8>,
    /// KUSTOMIZE_PLUGIN_CONFIG_ROOT set (the legacy plugin mode when args[0] is a file).
    plugin_root: bool,
    /// LOG_TO_STDERR=true set, as kustomize runs container functions (warnings on stderr too).
    log_to_stderr: bool,
}

fn case(name: impl Into<String>, args: &[&str], stdin: impl Into<Vec<u8>>) -> Case {
    Case {
        name: name.into(),
        args: args.iter().map(|a| a.to_string()).collect(),
        stdin: stdin.into(),
        plugin_root: false,
        log_to_stderr: false,
    }
}

fn plugin_case(name: impl Into<String>, args: &[&str], stdin: impl Into<Vec<u8>>) -> Case {
    Case {
        plugin_root: true,
        ..case(name, args, stdin)
    }
}

fn read(path: &str) -> Vec<u8> {
    fs::read(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
}

fn golden_cases(cases: &mut Vec<Case>) {
    let dirs: Vec<PathBuf> = files_in(&root().join("tests/golden"))
        .into_iter()
        .filter(|p| p.is_dir())
        .collect();
    assert!(dirs.len() >= 40, "golden cases: {}", dirs.len());
    for dir in dirs {
        // Cases with a command line of their own (render, check, report, the legacy plugin) run
        // in a scratch package or with an environment; the processes below cover those modes.
        if dir.join("args").is_file() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let ext = if dir.join("input.json").is_file() {
            "json"
        } else {
            "yaml"
        };
        let input = fs::read(dir.join(format!("input.{ext}"))).unwrap();
        cases.push(case(format!("golden {name}"), &[], input.clone()));
        cases.push(Case {
            log_to_stderr: true,
            ..case(format!("golden {name} LOG_TO_STDERR"), &[], input.clone())
        });
        cases.push(case(format!("golden {name} --check"), &["--check"], input));
        let exit = fs::read_to_string(dir.join("expected.exit")).unwrap();
        if exit.trim() == "0" {
            let output = fs::read(dir.join(format!("expected.{ext}"))).unwrap();
            cases.push(case(format!("golden {name} (own output)"), &[], output));
        }
    }
}

/// tests/errors.rs, every unreadable input and every limit, and a few more.
fn bad_input_cases(cases: &mut Vec<Case>) {
    let quickstart = read("examples/quickstart/resource-list.yaml");
    let mut bad_utf8 = format!("{RL}items:\n- kind: A\n  metadata: {{name: \"").into_bytes();
    bad_utf8.extend_from_slice(b"\xff\"}\n");
    let mut bomb = format!("{RL}items:\n- kind: A\n  x0: &a0 {{lol: lol}}\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        bomb.push_str(&format!("  x{i}: &a{i} {{<<: [{refs}]}}\n"));
    }
    bomb.push_str("  metadata:\n    name: bomb\n    labels: *a9\n");
    let flow = |depth: usize| {
        format!(
            "{RL}items:\n- kind: A\n  data: {}{}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        )
    };
    let block = |depth: usize| {
        let lines: String = (0..depth)
            .map(|i| format!("{}k:\n", " ".repeat(i * 2 + 2)))
            .collect();
        format!("{RL}items:\n- kind: A\n{lines}")
    };
    let deep_config = format!(
        "{RL}items:\n- apiVersion: app-notifications.dev/v1alpha1\n  kind: AppNotifications\n  \
         metadata:\n    name: x\n    annotations: {{config.kubernetes.io/local-config: \"true\"}}\n  \
         spec:\n    alerts: [{{name: a, providerRef: s, eventMetadata: {{a: {}b{}}}}}]\n",
        "{a: ".repeat(990),
        "}".repeat(990)
    );
    let list = [
        (
            "malformed YAML",
            format!("{RL}items:\n- kind: [a\n").into_bytes(),
        ),
        ("empty input", Vec::new()),
        (
            "not a ResourceList",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n".to_vec(),
        ),
        ("items a mapping", format!("{RL}items: {{}}\n").into_bytes()),
        (
            "item a scalar",
            format!("{RL}items:\n- just a string\n").into_bytes(),
        ),
        (
            "second document",
            format!("{RL}items: []\n---\n{RL}").into_bytes(),
        ),
        ("invalid UTF-8", bad_utf8),
        ("alias bomb", bomb.into_bytes()),
        ("flow nesting 300", flow(300).into_bytes()),
        ("block nesting 250", block(250).into_bytes()),
        (
            "a tab for indentation",
            format!("{RL}items:\n\t- kind: A\n").into_bytes(),
        ),
        ("a lone BOM", b"\xef\xbb\xbf".to_vec()),
    ];
    for (name, input) in list {
        cases.push(case(format!("bad input: {name}"), &[], input));
    }
    let limits: &[(&str, &[&str], Vec<u8>)] = &[
        (
            "size 20",
            &["--max-input-bytes", "20"],
            format!("{RL}items: []\n").into_bytes(),
        ),
        (
            "size 1000 of a larger input",
            &["--max-input-bytes=1000"],
            quickstart.clone(),
        ),
        (
            "size exactly the input",
            &["--max-input-bytes", &quickstart.len().to_string()],
            quickstart.clone(),
        ),
        (
            "size 0",
            &["--max-input-bytes", "0"],
            format!("{RL}items: []\n").into_bytes(),
        ),
        (
            "items 2",
            &["--max-items", "2"],
            format!("{RL}items:\n- kind: A\n- kind: B\n- kind: C\n").into_bytes(),
        ),
        (
            "items 1 of the quickstart",
            &["--max-items=1"],
            quickstart.clone(),
        ),
        ("depth 5", &["--max-depth", "5"], quickstart.clone()),
        (
            "depth 1000, flow 999",
            &["--max-depth", "1000"],
            flow(999).into_bytes(),
        ),
        (
            "depth 1000, flow 1001",
            &["--max-depth", "1000"],
            flow(1001).into_bytes(),
        ),
        (
            "depth 1000, block 998",
            &["--max-depth", "1000"],
            block(998).into_bytes(),
        ),
        (
            "depth 1000, a config 990 deep",
            &["--max-depth", "1000"],
            deep_config.into_bytes(),
        ),
        (
            "alias expansion 3",
            &["--max-alias-expansion", "3"],
            read("tests/golden/46-annotate-appliers/input.yaml"),
        ),
        (
            "size 2^64 - 1",
            &["--max-input-bytes", "18446744073709551615"],
            quickstart.clone(),
        ),
        (
            "all limits at once, with +",
            &[
                "--max-items=+100",
                "--max-depth",
                "+50",
                "--max-alias-expansion",
                "18446744073709551615",
                "--max-input-bytes",
                "000123456",
            ],
            quickstart.clone(),
        ),
    ];
    for (name, args, input) in limits {
        cases.push(case(format!("limit: {name}"), args, input.clone()));
    }
    // The config with a typo as a KRM functionConfig (as a legacy plugin config: below).
    let bad = String::from_utf8(read("tests/fixtures/bad-config.yaml")).unwrap();
    let items =
        String::from_utf8(read("examples/package/apps/billing/kustomizations.yaml")).unwrap();
    let mut list = format!("{RL}functionConfig:\n");
    for line in bad.lines() {
        list.push_str(&format!("  {line}\n"));
    }
    list.push_str("items:\n");
    for doc in support::documents(&items) {
        list.push_str(&support::as_item(&doc));
    }
    cases.push(case("bad config as functionConfig", &[], list));
}

fn fuzz_cases(cases: &mut Vec<Case>) {
    let mut count = 0;
    for dir in [
        "tests/fuzz_regressions/findings",
        "tests/fuzz_regressions/corpus",
    ] {
        for file in files_in(&root().join(dir)) {
            if file.extension().is_some_and(|e| e == "md") {
                continue;
            }
            let name = file.file_name().unwrap().to_string_lossy().to_string();
            let input = fs::read(&file).unwrap();
            cases.push(case(format!("fuzz {name}"), &[], input.clone()));
            cases.push(plugin_case(
                format!("fuzz {name} as a legacy plugin stream"),
                &["fn-config/per-namespace.yaml"],
                input,
            ));
            count += 1;
        }
    }
    assert!(count >= 30, "fuzz inputs: {count}");
}

fn plugin_cases(cases: &mut Vec<Case>) {
    let stream = read("examples/package/apps/billing/kustomizations.yaml");
    for config in files_in(&root().join("fn-config")) {
        if config.extension().is_some_and(|e| e == "yaml") {
            let rel = format!(
                "fn-config/{}",
                config.file_name().unwrap().to_string_lossy()
            );
            cases.push(plugin_case(
                format!("legacy plugin {rel}"),
                &[&rel],
                stream.clone(),
            ));
        }
    }
    // Every YAML file of the examples as the stream kustomize would send (kustomizations,
    // overlays, rendered fleets with generated objects in them).
    let examples = support::yaml_files(&root().join("examples"));
    for file in examples
        .iter()
        .filter(|f| !f.ends_with("resource-list.yaml"))
    {
        let rel = file
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .to_string();
        cases.push(plugin_case(
            format!("legacy plugin stream {rel}"),
            &["fn-config/minimal.yaml"],
            fs::read(file).unwrap(),
        ));
    }
    let absolute = root().join("fn-config/minimal.yaml");
    cases.push(plugin_case(
        "legacy plugin, absolute config path",
        &[absolute.to_str().unwrap()],
        stream.clone(),
    ));
    cases.push(plugin_case(
        "legacy plugin, bad config",
        &["tests/fixtures/bad-config.yaml"],
        stream.clone(),
    ));
    cases.push(plugin_case(
        "legacy plugin, config not UTF-8",
        &["tests/fuzz_regressions/README.md"],
        b"\xff".to_vec(),
    ));
    cases.push(plugin_case(
        "legacy plugin, empty stream",
        &["fn-config/minimal.yaml"],
        Vec::new(),
    ));
    cases.push(plugin_case(
        "legacy plugin, stream not UTF-8",
        &["fn-config/minimal.yaml"],
        b"kind: A\nx: \xfe\n".to_vec(),
    ));
    // Not the plugin mode: a flag, a directory, a missing file (the native parser's answer).
    let list = read("examples/quickstart/resource-list.yaml");
    cases.push(plugin_case(
        "plugin root set, a flag",
        &["--check"],
        list.clone(),
    ));
    cases.push(plugin_case(
        "plugin root set, a directory",
        &["fn-config"],
        list.clone(),
    ));
    cases.push(plugin_case(
        "plugin root set, no such file",
        &["nope.yaml"],
        list.clone(),
    ));
    cases.push(case(
        "plugin root unset, a config file",
        &["fn-config/minimal.yaml"],
        list,
    ));
}

fn command_line_cases(cases: &mut Vec<Case>) {
    let quickstart = read("examples/quickstart/resource-list.yaml");
    let usage: &[&[&str]] = &[
        &["--bogus"],
        &["--max-depth", "5000"],
        &["--max-depth", "0"],
        &["--max-items", "abc"],
        &["--max-items", "-1"],
        &["--max-items", "18446744073709551616"],
        &["--check", "--check"],
        &["--check=yes"],
        &["--app-label"],
        &["--app-label", "--check"],
        &["--app-label="],
        &["--max-items", "1", "--max-items", "2"],
        &["-x"],
        &["--"],
        &["--help"],
        &["-h"],
        &["help"],
        &["help", "render"],
        &["render", "--help"],
        &["--version"],
        &["-V"],
        &["--version", "--check"],
        &["schema"],
        &["schema", "--format", "openapi"],
        &["schema", "--format=json-schema"],
        &["schema", "--format", "yaml"],
        &["render"],
        &["render", "examples/package"],
        &[
            "render",
            "--config",
            "fn-config/per-namespace.yaml",
            "examples/package",
        ],
        &["render", "nope"],
        &["check", "examples/package"],
        &["check", "--app-label", "app", "examples/kustomize/base"],
        &["report", "examples/package"],
        &["report", "--format", "json", "examples/package"],
        &["report", "--format", "mermaid", "examples/fleet"],
        &["frobnicate"],
    ];
    for args in usage {
        cases.push(case(
            format!("command line: {}", args.join(" ")),
            args,
            quickstart.clone(),
        ));
    }
    let flags: &[&[&str]] = &[
        &["--check"],
        &["--app-label", "app"],
        &["--app-label=app.kubernetes.io/part-of", "--check"],
        &["--check", "--max-items", "100", "--app-label", "-"],
    ];
    for args in flags {
        cases.push(case(
            format!("KRM: {}", args.join(" ")),
            args,
            quickstart.clone(),
        ));
    }
    cases.push(case(
        "quickstart own output",
        &[],
        read("examples/quickstart/expected-output.yaml"),
    ));
}

fn all_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    golden_cases(&mut cases);
    bad_input_cases(&mut cases);
    fuzz_cases(&mut cases);
    plugin_cases(&mut cases);
    command_line_cases(&mut cases);
    cases
}

// ------------------------------------------------------------------------------------------
// Running them.
// ------------------------------------------------------------------------------------------

#[derive(Clone, PartialEq, Eq)]
struct Output {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    exit: i32,
}

fn native(case: &Case, stdin: &Path) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(&case.args)
        .current_dir(root())
        .env_remove("KUSTOMIZE_PLUGIN_CONFIG_ROOT")
        .env_remove("LOG_TO_STDERR");
    if case.plugin_root {
        cmd.env("KUSTOMIZE_PLUGIN_CONFIG_ROOT", root());
    }
    if case.log_to_stderr {
        cmd.env("LOG_TO_STDERR", "true");
    }
    let out = cmd
        .stdin(fs::File::open(stdin).unwrap())
        .output()
        .expect("the native binary runs");
    Output {
        stdout: out.stdout,
        stderr: out.stderr,
        exit: out.status.code().expect("native exits, not killed"),
    }
}

/// Waits for a child (collecting its piped stdout and stderr), killing it after `limit`: a hang
/// fails the test instead of stalling the whole run.
fn finish(mut child: Child, limit: Duration, what: &str) -> std::process::Output {
    let collect = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = collect(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = collect(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for a child") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: no answer after {limit:?}, killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    std::process::Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// Runs tests/wasm_driver.mjs in `mode` over the manifest; reads back every case's output.
fn driver(mode: &str, manifest: &Path, dir: &Path, count: usize) -> Vec<Output> {
    let out_dir = dir.join(mode);
    fs::create_dir_all(&out_dir).unwrap();
    let child = Command::new("node")
        .arg(root().join("tests/wasm_driver.mjs"))
        .arg(mode)
        .arg(manifest)
        .arg(&out_dir)
        .current_dir(root())
        .env_remove("KUSTOMIZE_PLUGIN_CONFIG_ROOT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs");
    let run = finish(
        child,
        Duration::from_secs(300),
        &format!("tests/wasm_driver.mjs {mode}"),
    );
    assert!(
        run.status.success(),
        "tests/wasm_driver.mjs {mode} failed ({}):\n{}{}",
        run.status,
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    (0..count)
        .map(|i| {
            let file = |ext: &str| out_dir.join(format!("{i}.{ext}"));
            Output {
                stdout: fs::read(file("stdout")).unwrap(),
                stderr: fs::read(file("stderr")).unwrap(),
                exit: fs::read_to_string(file("exit"))
                    .unwrap()
                    .trim()
                    .parse()
                    .unwrap(),
            }
        })
        .collect()
}

struct Suite {
    cases: Vec<Case>,
    native: Vec<Output>,
    cli: Vec<Output>,
    wasi: Vec<Output>,
    api: Value,
    /// runKrm's stdout per case (those the API ran).
    api_stdout: BTreeMap<usize, Vec<u8>>,
}

fn suite() -> &'static Suite {
    static SUITE: OnceLock<Suite> = OnceLock::new();
    SUITE.get_or_init(|| {
        require_package();
        let cases = all_cases();
        let dir = std::env::temp_dir().join(format!("an-wasm-differential-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let stdin_files: Vec<PathBuf> = cases
            .iter()
            .enumerate()
            .map(|(i, case)| {
                let file = dir.join(format!("{i}.stdin"));
                fs::write(&file, &case.stdin).unwrap();
                file
            })
            .collect();
        let manifest = dir.join("manifest.json");
        let entries: Vec<Value> = cases
            .iter()
            .zip(&stdin_files)
            .map(|(case, stdin)| {
                json!({"name": case.name, "args": case.args, "stdin": stdin, "pluginRoot": case.plugin_root, "logToStderr": case.log_to_stderr})
            })
            .collect();
        fs::write(
            &manifest,
            serde_json::to_vec(&json!({"root": root(), "cases": entries})).unwrap(),
        )
        .unwrap();
        let count = cases.len();
        let (native, cli, wasi) = std::thread::scope(|scope| {
            let cli = scope.spawn(|| driver("cli", &manifest, &dir, count));
            let wasi = scope.spawn(|| driver("wasi", &manifest, &dir, count));
            let native: Vec<Output> = cases
                .iter()
                .zip(&stdin_files)
                .map(|(case, stdin)| native(case, stdin))
                .collect();
            (native, cli.join().unwrap(), wasi.join().unwrap())
        });
        let api: Value =
            serde_json::from_slice(&fs::read(dir.join("cli/api.json")).unwrap()).unwrap();
        let api_stdout = (0..count)
            .filter_map(|i| {
                fs::read(dir.join(format!("cli/{i}.api.stdout")))
                    .ok()
                    .map(|bytes| (i, bytes))
            })
            .collect();
        let _ = fs::remove_dir_all(&dir);
        Suite {
            cases,
            native,
            cli,
            wasi,
            api,
            api_stdout,
        }
    })
}

// ------------------------------------------------------------------------------------------
// Comparing.
// ------------------------------------------------------------------------------------------

/// stderr with the numbers of `(os error N)` hidden: the one thing that differs by platform
/// (ENOENT is 2 on Linux, 44 under WASI, and Windows has its own), in the messages of file
/// errors that Rust's io::Error prints.
fn os_errors_hidden(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_ref();
    while let Some(at) = rest.find("(os error ") {
        let (head, tail) = rest.split_at(at + "(os error ".len());
        out.push_str(head);
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        out.push_str(if digits > 0 { "N" } else { "" });
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

fn differences(name: &str, native: &Output, wasm: &Output) -> Vec<String> {
    let mut problems = Vec::new();
    if native.exit != wasm.exit {
        problems.push(format!(
            "{name}: exit {} (native {}); stderr:\n{}",
            wasm.exit,
            native.exit,
            String::from_utf8_lossy(&wasm.stderr)
        ));
    }
    if native.stdout != wasm.stdout {
        problems.push(format!(
            "{name}: stdout differs: {}",
            support::first_difference(&native.stdout, &wasm.stdout, ["native", "wasm"])
        ));
    }
    if os_errors_hidden(&native.stderr) != os_errors_hidden(&wasm.stderr) {
        problems.push(format!(
            "{name}: stderr differs: {}",
            support::first_difference(&native.stderr, &wasm.stderr, ["native", "wasm"])
        ));
    }
    problems
}

fn compare_all(label: &str, pick: fn(&Suite) -> &Vec<Output>) {
    let suite = suite();
    let outputs = pick(suite);
    let problems: Vec<String> = suite
        .cases
        .iter()
        .zip(&suite.native)
        .zip(outputs)
        .flat_map(|((case, native), wasm)| differences(&case.name, native, wasm))
        .collect();
    assert!(
        problems.is_empty(),
        "{label}: {} difference(s) from native in {} cases:\n\n{}",
        problems.len(),
        suite.cases.len(),
        problems.join("\n\n")
    );
    // The suite covers what it claims: each mode and outcome occurs often.
    let count = |f: &dyn Fn(&Case, &Output) -> bool| {
        suite
            .cases
            .iter()
            .zip(&suite.native)
            .filter(|(c, o)| f(c, o))
            .count()
    };
    let coverage = [
        (
            "KRM, exit 0",
            80,
            count(&|c, o| !c.plugin_root && o.exit == 0),
        ),
        (
            "KRM, unreadable input (exit 1, no stdout)",
            20,
            count(&|c, o| !c.plugin_root && o.exit == 1 && o.stdout.is_empty()),
        ),
        (
            "KRM, function error (exit 1, items and results on stdout)",
            20,
            count(&|c, o| !c.plugin_root && o.exit == 1 && !o.stdout.is_empty()),
        ),
        (
            "legacy plugin, exit 0",
            10,
            count(&|c, o| c.plugin_root && o.exit == 0 && !o.stdout.is_empty()),
        ),
        (
            "legacy plugin, exit 1",
            10,
            count(&|c, o| c.plugin_root && o.exit == 1),
        ),
        ("usage errors (exit 2)", 15, count(&|_, o| o.exit == 2)),
    ];
    for (what, least, got) in coverage {
        assert!(
            got >= least,
            "{label}: only {got} cases of {what} (expected {least}+)"
        );
    }
}

#[test]
fn cli_mjs_matches_native_on_every_case() {
    compare_all("node wasm/cli.mjs", |s| &s.cli);
}

#[test]
fn wasi_mjs_matches_native_on_every_case() {
    compare_all("node wasm/wasi.mjs", |s| &s.wasi);
}

/// README.md's examples of the WebAssembly builds (its `sh run wasm` blocks) run as shown:
/// `cli.mjs` as a KRM function, inside kpt and as the kustomize legacy plugin, `wasi.mjs` as
/// the command line (tests/examples_in_docs.rs runs the other blocks).
#[test]
fn readme_examples_of_the_wasm_builds_run() {
    require_package();
    let blocks = crate::examples_in_docs::run_wasm_blocks();
    assert!(blocks >= 1, "README.md has no `sh run wasm` block");
}

/// The JS API on the same cases: runKrm gives native's bytes; processResourceList gives
/// native's output and exit code with the results as objects, or throws native's message
/// (with line and column) when the input cannot be read; schema and version are native's;
/// bad options throw TypeError/RangeError naming the option.
#[test]
fn js_api_matches_native() {
    let suite = suite();
    let api = &suite.api;
    let mut problems = Vec::new();
    let mut threw = 0;
    let mut processed = 0;
    for (i, ((case, native), entry)) in suite
        .cases
        .iter()
        .zip(&suite.native)
        .zip(api["cases"].as_array().unwrap())
        .enumerate()
    {
        if entry.is_null() {
            continue;
        }
        let name = &case.name;
        let run = &entry["runKrm"];
        let wasm = Output {
            stdout: suite.api_stdout[&i].clone(),
            stderr: run["stderr"].as_str().unwrap().as_bytes().to_vec(),
            exit: run["exitCode"].as_i64().unwrap() as i32,
        };
        problems.extend(differences(&format!("runKrm: {name}"), native, &wasm));
        if run["isUint8Array"] != json!(true) {
            problems.push(format!("runKrm: {name}: stdout is not a Uint8Array"));
        }
        let Some(result) = entry.get("processed") else {
            continue; // not UTF-8: not a string
        };
        let native_stderr = String::from_utf8_lossy(&native.stderr);
        let unreadable = native.exit == 1 && native.stdout.is_empty();
        if let Some(error) = result.get("threw") {
            threw += 1;
            let expected = native_stderr
                .strip_prefix("error: ")
                .and_then(|s| s.strip_suffix('\n'));
            if !unreadable || error["message"].as_str() != expected {
                problems.push(format!(
                    "processResourceList: {name}: threw {error} (native exit {}, stderr {native_stderr:?})",
                    native.exit
                ));
            }
            if error["isError"] != json!(true) || error["origin"] != json!("stdin") {
                problems.push(format!(
                    "processResourceList: {name}: not an Error from stdin: {error}"
                ));
            }
            // `stdin:LINE:COLUMN: …` carries its position as numbers too.
            let message = error["message"].as_str().unwrap_or_default();
            let position: Vec<&str> = message.splitn(4, ':').collect();
            if position.len() == 4 && position[1].parse::<u64>().is_ok() {
                let line = position[1].parse::<u64>().unwrap();
                let column = position[2].parse::<u64>().unwrap();
                if error["line"] != json!(line) || error["column"] != json!(column) {
                    problems.push(format!(
                        "processResourceList: {name}: line/column {}/{} vs message {message}",
                        error["line"], error["column"]
                    ));
                }
            }
            continue;
        }
        processed += 1;
        let value = &result["value"];
        if unreadable {
            problems.push(format!(
                "processResourceList: {name}: returned instead of throwing {native_stderr:?}"
            ));
            continue;
        }
        if value["output"].as_str().map(str::as_bytes) != Some(native.stdout.as_slice())
            || value["exitCode"] != json!(native.exit)
        {
            problems.push(format!(
                "processResourceList: {name}: output/exit differ from native (exit {} vs {})",
                value["exitCode"], native.exit
            ));
        }
        // The errors are the lines native writes to stderr, in order; the warnings too when
        // LOG_TO_STDERR asks for them.
        let results = value["results"].as_array().unwrap();
        let loud: Vec<&Value> = results
            .iter()
            .filter(|r| {
                r["severity"] == json!("error")
                    || (case.log_to_stderr && r["severity"] == json!("warning"))
            })
            .collect();
        let lines: Vec<&str> = native_stderr.lines().collect();
        let matches = loud.len() == lines.len()
            && loud.iter().zip(&lines).all(|(r, line)| {
                let severity = r["severity"].as_str().unwrap_or_default();
                let message = r["message"].as_str().unwrap_or_default();
                line.starts_with(&format!("{severity}: {message}"))
            });
        if !matches {
            problems.push(format!(
                "processResourceList: {name}: results {loud:?} vs native stderr {lines:?}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    assert!(
        threw >= 10 && processed >= 60,
        "threw {threw}, processed {processed}"
    );

    // schema() is the committed schema file, byte for byte when printed as native prints it;
    // schema("openapi") is `schema --format openapi`.
    let schema_file =
        fs::read_to_string(root().join("fn-config/app-notifications.schema.json")).unwrap();
    assert_eq!(api["schemaJson"].as_str().unwrap(), schema_file);
    assert_eq!(api["schemaJsonExplicit"].as_str().unwrap(), schema_file);
    let openapi = Command::new(BIN)
        .args(["schema", "--format", "openapi"])
        .output()
        .unwrap();
    assert_eq!(
        api["schemaOpenapi"].as_str().unwrap().as_bytes(),
        openapi.stdout
    );
    let version = Command::new(BIN).arg("--version").output().unwrap();
    assert_eq!(
        format!("app-notifications {}\n", api["version"].as_str().unwrap()).as_bytes(),
        version.stdout
    );
    assert_eq!(
        api["version"].as_str().unwrap(),
        env!("CARGO_PKG_VERSION"),
        "the WASM crate's version follows the engine's"
    );
    let package: Value =
        serde_json::from_slice(&fs::read(pkg().join("package.json")).unwrap()).unwrap();
    assert_eq!(package["version"], json!(env!("CARGO_PKG_VERSION")));

    let errors = &api["errors"];
    let expect = |key: &str, name: &str, message: &str| {
        let error = &errors[key];
        assert_eq!(error["name"], json!(name), "{key}: {error}");
        assert_eq!(error["message"], json!(message), "{key}: {error}");
        assert_eq!(error["isError"], json!(true), "{key}: {error}");
    };
    expect(
        "schemaFormat",
        "RangeError",
        "format: \"yaml\" is not a schema format (expected \"json-schema\" or \"openapi\")",
    );
    expect(
        "unknownOption",
        "TypeError",
        "options.maxDepth: unknown option (expected one of: check, appLabel, limits, logToStderr)",
    );
    expect(
        "unknownLimit",
        "TypeError",
        "options.limits.maxDepht: unknown option (expected one of: maxInputBytes, maxDepth, \
         maxAliasExpansion, maxItems)",
    );
    expect(
        "checkNotBoolean",
        "TypeError",
        "options.check: expected a boolean",
    );
    expect(
        "appLabelNotString",
        "TypeError",
        "options.appLabel: expected a string",
    );
    expect(
        "optionsNotObject",
        "TypeError",
        "options: expected an object",
    );
    expect(
        "depthTooLarge",
        "RangeError",
        "options.limits.maxDepth: 1001 is not in 1..=1000",
    );
    expect(
        "depthZero",
        "RangeError",
        "options.limits.maxDepth: 0 is not in 1..=1000",
    );
    expect(
        "countNotInteger",
        "TypeError",
        "options.limits.maxItems: expected an integer number",
    );
    expect(
        "countNegative",
        "RangeError",
        "options.limits.maxItems: -1 is less than 0",
    );
    expect(
        "legacyUnknownOption",
        "TypeError",
        "options.check: unknown option (expected one of: limits)",
    );
    let origin = &errors["originUnreadable"];
    assert_eq!(origin["origin"], json!("overlay.yaml"), "{origin}");
    assert!(
        origin["message"]
            .as_str()
            .unwrap()
            .starts_with("overlay.yaml:1:"),
        "{origin}"
    );
    assert_eq!(api["accepted"]["nullOptions"]["value"], json!(1));
    assert_eq!(api["accepted"]["hugeLimit"]["value"], json!(1));
}

// ------------------------------------------------------------------------------------------
// Real processes.
// ------------------------------------------------------------------------------------------

/// A ResourceList of several MB that generates objects: more than any pipe buffer holds. The
/// quickstart with 3,000 ConfigMaps added to its items (before its functionConfig).
fn large_list() -> Vec<u8> {
    let quickstart = String::from_utf8(read("examples/quickstart/resource-list.yaml")).unwrap();
    let (items, config) = quickstart.split_once("\nfunctionConfig:").unwrap();
    let mut list = format!("{items}\n");
    let data: String = (0..40)
        .map(|i| format!("    key-{i}: \"value {i} ünïcödé\"\n"))
        .collect();
    for i in 0..3000 {
        list.push_str(&format!(
            "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: cm-{i}\n    \
             namespace: billing\n  data:\n{data}"
        ));
    }
    list.push_str(&format!("functionConfig:{config}"));
    list.into_bytes()
}

enum Stdin<'a> {
    Pipe(&'a [u8]),
    File(&'a Path),
}

fn spawn(mut cmd: Command, stdin: Stdin<'_>) -> Output {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    match stdin {
        Stdin::Pipe(_) => cmd.stdin(Stdio::piped()),
        Stdin::File(path) => cmd.stdin(fs::File::open(path).unwrap()),
    };
    let mut child = cmd.spawn().expect("spawn");
    let writer = match stdin {
        Stdin::Pipe(bytes) => {
            let mut pipe = child.stdin.take().unwrap();
            let bytes = bytes.to_vec();
            // From another thread, so a large output cannot deadlock against a full pipe; the
            // child may stop reading early (size limit): a broken pipe is expected then.
            Some(std::thread::spawn(move || {
                let _ = pipe.write_all(&bytes);
            }))
        }
        Stdin::File(_) => None,
    };
    let out = finish(child, Duration::from_secs(120), "a process");
    if let Some(writer) = writer {
        writer.join().unwrap();
    }
    Output {
        stdout: out.stdout,
        stderr: out.stderr,
        exit: out.status.code().expect("exited, not killed"),
    }
}

/// A command run from a scratch directory (the scripts must find their package from anywhere).
fn command(program: &Path, args: &[&str], cwd: &Path, plugin_root: Option<&Path>) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("KUSTOMIZE_PLUGIN_CONFIG_ROOT");
    if let Some(dir) = plugin_root {
        cmd.env("KUSTOMIZE_PLUGIN_CONFIG_ROOT", dir);
    }
    cmd
}

fn node(script: &str, args: &[&str], cwd: &Path, plugin_root: Option<&Path>) -> Command {
    let mut all = vec![root().join(script).to_string_lossy().to_string()];
    all.extend(args.iter().map(|a| a.to_string()));
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    command(Path::new("node"), &all, cwd, plugin_root)
}

fn processes(script: &str) {
    require_package();
    let scratch = std::env::temp_dir().join(format!(
        "an-wasm-process-{}-{}",
        script.replace('/', "-"),
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch).unwrap();
    let large = large_list();
    let large_file = scratch.join("large.yaml");
    fs::write(&large_file, &large).unwrap();
    let config = root().join("fn-config/per-namespace.yaml");
    let config = config.to_str().unwrap();
    let stream = read("examples/package/apps/billing/kustomizations.yaml");
    let native_bin = Path::new(BIN);

    let runs: Vec<(&str, Vec<&str>, Stdin<'_>, Option<&Path>)> = vec![
        (
            "large list through pipes",
            vec![],
            Stdin::Pipe(&large),
            None,
        ),
        (
            "large list from a file",
            vec!["--max-items", "5000"],
            Stdin::File(&large_file),
            None,
        ),
        (
            "large list refused at the size limit",
            vec!["--max-input-bytes", "100000"],
            Stdin::Pipe(&large),
            None,
        ),
        (
            "legacy plugin",
            vec![config],
            Stdin::Pipe(&stream),
            Some(&scratch),
        ),
        ("empty stdin", vec![], Stdin::Pipe(b""), None),
        ("usage error", vec!["--bogus"], Stdin::Pipe(b""), None),
        ("version", vec!["--version"], Stdin::Pipe(b""), None),
        (
            "schema",
            vec!["schema", "--format", "openapi"],
            Stdin::Pipe(b""),
            None,
        ),
    ];
    let mut problems = Vec::new();
    for (name, args, stdin, plugin_root) in runs {
        let stdin_again = match &stdin {
            Stdin::Pipe(bytes) => Stdin::Pipe(bytes),
            Stdin::File(path) => Stdin::File(path),
        };
        let expected = spawn(command(native_bin, &args, &scratch, plugin_root), stdin);
        let got = spawn(node(script, &args, &scratch, plugin_root), stdin_again);
        problems.extend(differences(&format!("{script}: {name}"), &expected, &got));
        if name.starts_with("large list") && !name.contains("refused") {
            assert!(
                expected.exit == 0 && expected.stdout.len() > 1 << 20,
                "{name}: native exits {} with {} bytes: {}",
                expected.exit,
                expected.stdout.len(),
                String::from_utf8_lossy(&expected.stderr)
            );
        }
    }

    // `render` with a path relative to the working directory, and with `..` in it.
    let examples = root().join("examples");
    for path in ["package", "../examples/package"] {
        let args = ["report", "--format", "json", path];
        let expected = spawn(
            command(native_bin, &args, &examples, None),
            Stdin::Pipe(b""),
        );
        let got = spawn(node(script, &args, &examples, None), Stdin::Pipe(b""));
        assert_eq!(
            expected.exit,
            0,
            "{}",
            String::from_utf8_lossy(&expected.stderr)
        );
        problems.extend(differences(
            &format!("{script}: report {path}"),
            &expected,
            &got,
        ));
    }

    // As kustomize runs a legacy exec plugin: an executable file named after the kind,
    // here a symlink to the script (its shebang runs node), the config file as argv[1].
    let plugin = scratch.join("AppNotifications");
    std::os::unix::fs::symlink(root().join(script), &plugin).unwrap();
    let expected = spawn(
        command(native_bin, &[config], &scratch, Some(&scratch)),
        Stdin::Pipe(&stream),
    );
    let got = spawn(
        command(&plugin, &[config], &scratch, Some(&scratch)),
        Stdin::Pipe(&stream),
    );
    problems.extend(differences(
        &format!("{script} as a symlinked plugin"),
        &expected,
        &got,
    ));
    let _ = fs::remove_dir_all(&scratch);
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn cli_mjs_processes_match_native() {
    processes("wasm/cli.mjs");
}

#[test]
fn wasi_mjs_processes_match_native() {
    processes("wasm/wasi.mjs");
}
