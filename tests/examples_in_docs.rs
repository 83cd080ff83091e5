//! Every example the docs show is run, so none can stop working unnoticed:
//!
//! - each line of the `Examples:` section of `--help`, for the binary and for each of its
//!   subcommands (each must have some): a line that starts with two spaces and a command;
//! - each README.md code block whose info string is `sh run` (blocks that need Docker, a
//!   server or a build step are not marked; `sh run wasm` blocks need the WebAssembly package
//!   and are run by `wasm_differential::`), as one bash script per block, in order.
//!
//! They run in a scratch directory holding a copy of `examples/`, `fn-config/` and the real
//! repositories of `tests/fixtures/corpus/` (so nothing in the checkout changes), with the binary cargo built first on PATH, a scratch HOME and
//! XDG_CONFIG_HOME, and the hosts the machine has (kubectl, kpt, node; no Docker engine). Each
//! must exit 0, or the code a trailing `# exits N` comment documents. The convention is in
//! docs/architecture.md ("Tests").

use std::path::PathBuf;
use std::process::Command;

use crate::support;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_app-notifications"))
}

/// Fails (never skips) when a host program the examples use is missing.
fn require(name: &str, hint: &str) {
    let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .any(|dir| dir.join(name).is_file());
    assert!(
        found,
        "`{name}` is not on PATH; the docs' examples run it ({hint})"
    );
}

fn require_hosts() {
    require("bash", "apt-get install -y bash");
    require(
        "kubectl",
        "install kubectl v1.27+ (it bundles kustomize v5): https://kubernetes.io/docs/tasks/tools/",
    );
    require(
        "kpt",
        "install kpt v1.0.0-beta.56: https://github.com/kptdev/kpt/releases",
    );
}

/// A directory laid out like the repository's root for the examples: copies of `examples/`,
/// `fn-config/` and `tests/fixtures/corpus/`, a HOME and an XDG_CONFIG_HOME of its own.
pub struct Sandbox {
    pub dir: PathBuf,
}

impl Sandbox {
    pub fn new(name: &str) -> Sandbox {
        let dir = std::env::temp_dir().join(format!("an-docs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for part in ["examples", "fn-config", "tests/fixtures/corpus"] {
            support::copy_dir(&root().join(part), &dir.join(part));
        }
        for part in ["home", "xdg"] {
            std::fs::create_dir_all(dir.join(part)).unwrap();
        }
        Sandbox { dir }
    }

    /// bash running `script` here, as a user's shell would, with the built binary first on
    /// PATH and nothing of the test's own environment that changes what the binary does.
    pub fn bash(&self, script: &str) -> support::Ran {
        let bin_dir = binary().parent().unwrap().to_path_buf();
        let mut path = vec![bin_dir];
        path.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        let mut cmd = Command::new("bash");
        cmd.args(["-o", "pipefail", "-c", script])
            .current_dir(&self.dir)
            .env("PATH", std::env::join_paths(path).unwrap())
            .env("HOME", self.dir.join("home"))
            .env("XDG_CONFIG_HOME", self.dir.join("xdg"))
            .env_remove("KUSTOMIZE_PLUGIN_HOME")
            .env_remove("KUSTOMIZE_PLUGIN_CONFIG_ROOT")
            .env_remove("LOG_TO_STDERR");
        support::ran(&mut cmd, b"")
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The exit code a line documents with a trailing `# exits N` (0 without one).
fn documented_exit(line: &str) -> i32 {
    line.rsplit_once("# exits ")
        .and_then(|(_, rest)| {
            rest.split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// The example commands of a `--help` text: the lines of its `Examples:` section that start
/// with two spaces and something other than a comment.
pub fn help_examples(help: &str) -> Vec<String> {
    let Some((_, section)) = help.split_once("\nExamples:\n") else {
        return Vec::new();
    };
    section
        .lines()
        .take_while(|line| line.is_empty() || line.starts_with("  "))
        .filter_map(|line| line.strip_prefix("  "))
        .filter(|line| !line.starts_with(' ') && !line.starts_with('#') && !line.is_empty())
        .map(str::to_string)
        .collect()
}

fn help(args: &[&str]) -> String {
    let out = support::ran(support::bin().args(args), b"");
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    out.stdout
}

/// The subcommands the top-level help lists (without clap's `help`).
fn subcommands() -> Vec<String> {
    let top = help(&["--help"]);
    let (_, commands) = top
        .split_once("\nCommands:\n")
        .expect("a Commands: section");
    commands
        .lines()
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

/// Installs the binary as the kustomize legacy plugin, as the README's install step does.
fn install_plugins(sandbox: &Sandbox) {
    let home = sandbox.dir.join("xdg/kustomize/plugin");
    for plugin in [
        "app-notifications.dev/v1alpha1/appnotifications/AppNotifications",
        "v1/configmap/ConfigMap",
    ] {
        let path = home.join(plugin);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::copy(binary(), &path).unwrap();
    }
}

fn describe(what: &str, out: &support::Ran) -> String {
    format!(
        "{what}: exit {}\n--- stdout (first 40 lines)\n{}\n--- stderr\n{}",
        out.code,
        out.stdout.lines().take(40).collect::<Vec<_>>().join("\n"),
        out.stderr
    )
}

#[test]
fn every_help_example_runs() {
    require_hosts();
    let mut commands = vec![Vec::new()];
    commands.extend(subcommands().into_iter().map(|name| vec![name]));
    let mut failures = Vec::new();
    let mut ran = 0;
    for command in &commands {
        let mut args: Vec<&str> = command.iter().map(String::as_str).collect();
        args.push("--help");
        let examples = help_examples(&help(&args));
        assert!(
            !examples.is_empty(),
            "`app-notifications {}` has no examples in its help",
            args.join(" ")
        );
        // A command's examples run in order on a fresh copy of the examples: one may rely on
        // the one before it (`render --write`, then `check`), never on another command's.
        let sandbox = Sandbox::new(&format!("help-{}", command.join("-")));
        install_plugins(&sandbox);
        for example in examples {
            let out = sandbox.bash(&example);
            ran += 1;
            if out.code != documented_exit(&example) {
                failures.push(describe(&example, &out));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(ran >= 15, "only {ran} examples found");
}

/// Limit flags (`--max-*`) and `--app-label` are listed only by the commands they apply to.
#[test]
fn help_lists_only_the_flags_a_command_takes() {
    let reads_input = ["--help", "render --help", "check --help", "report --help"];
    for args in reads_input {
        let text = help(&args.split(' ').collect::<Vec<_>>());
        for flag in [
            "--max-input-bytes",
            "--max-depth",
            "--max-alias-expansion",
            "--max-items",
        ] {
            assert!(text.contains(flag), "`{args}` should list {flag}");
        }
    }
    let schema = help(&["schema", "--help"]);
    for flag in ["--max-", "--app-label"] {
        assert!(
            !schema.contains(flag),
            "`schema --help` lists {flag}:\n{schema}"
        );
    }
    // explain follows events, not apps: it finds no uncovered app, so it takes no app label.
    for command in ["render", "explain"] {
        let text = help(&[command, "--help"]);
        assert!(
            !text.contains("--app-label"),
            "`{command} --help` lists --app-label"
        );
    }
    assert!(help(&["check", "--help"]).contains("--app-label"));
    // A flag given to a command that does not take it is a usage error, not ignored.
    let out = support::ran(support::bin().args(["schema", "--max-depth", "3"]), b"");
    assert_eq!(out.code, 2, "{}", out.stderr);
}

/// A code block of README.md: its info string and its lines, with the line it starts on.
pub struct Block {
    pub info: String,
    pub line: usize,
    pub text: String,
}

/// README.md's fenced code blocks.
pub fn readme_blocks() -> Vec<Block> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (n, line) in readme.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => {
                open = Some(Block {
                    info: info.trim().to_string(),
                    line: n + 1,
                    text: String::new(),
                })
            }
            (Some(_), Some("")) => blocks.extend(open.take()),
            (Some(block), _) => {
                block.text.push_str(line);
                block.text.push('\n');
            }
            (None, None) => {}
        }
    }
    blocks
}

/// The bash script that runs a block: stop at the first command that fails (naming it), and
/// check each line that documents another exit code with `# exits N`.
pub fn block_script(block: &Block) -> String {
    let mut script = format!(
        "set -euo pipefail\ntrap 'echo \"README.md block at line {}: failed: $BASH_COMMAND\" >&2' ERR\n",
        block.line
    );
    for line in block.text.lines() {
        let expected = documented_exit(line);
        if expected == 0 {
            script.push_str(line);
        } else {
            let command = line.rsplit_once("# exits ").unwrap().0;
            script.push_str(&format!(
                "rc=0; ( {command} ) || rc=$?; [ \"$rc\" -eq {expected} ] || {{ echo \"expected exit {expected}, got $rc: {}\" >&2; exit 1; }}",
                command.trim().replace('"', "\\\"")
            ));
        }
        script.push('\n');
    }
    script
}

/// Runs README.md's blocks whose info string is exactly `info`, in order, in one sandbox.
pub fn run_readme_blocks(info: &str, sandbox: &Sandbox) -> usize {
    let blocks: Vec<Block> = readme_blocks()
        .into_iter()
        .filter(|b| b.info == info)
        .collect();
    let mut failures = Vec::new();
    for block in &blocks {
        let out = sandbox.bash(&block_script(block));
        if out.code != 0 {
            failures.push(describe(
                &format!("README.md, block at line {}", block.line),
                &out,
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    blocks.len()
}

#[test]
fn every_runnable_readme_block_runs() {
    require_hosts();
    let sandbox = Sandbox::new("readme");
    let blocks = run_readme_blocks("sh run", &sandbox);
    assert!(blocks >= 3, "only {blocks} `sh run` blocks in README.md");
}

/// What the runner counts as an example and an exit code, on texts made for it.
#[test]
fn examples_and_documented_exit_codes_are_read_as_documented() {
    let help = "Usage: x\n\nExamples:\n  # a comment\n  app-notifications a\n\n  kpt fn eval b   \
                # exits 1\n    continued\nExit codes: 0 ok\n  not an example\n";
    assert_eq!(
        help_examples(help),
        ["app-notifications a", "kpt fn eval b   # exits 1"]
    );
    assert_eq!(documented_exit("kpt fn eval b   # exits 1"), 1);
    assert_eq!(documented_exit("app-notifications a  # prints it"), 0);
    let block = Block {
        info: "sh run".into(),
        line: 7,
        text: "true\nfalse   # exits 1\n".into(),
    };
    let sandbox = Sandbox::new("runner");
    assert_eq!(sandbox.bash(&block_script(&block)).code, 0);
    let wrong = Block {
        text: "true   # exits 3\n".into(),
        ..block
    };
    let out = sandbox.bash(&block_script(&wrong));
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains("expected exit 3, got 0"),
        "{}",
        out.stderr
    );
}

/// The README's blocks marked `sh run wasm`, which need `bash wasm/build.sh`: run from
/// `wasm_differential::` with the package's other checks.
pub fn run_wasm_blocks() -> usize {
    require_hosts();
    let sandbox = Sandbox::new("readme-wasm");
    std::os::unix::fs::symlink(root().join("wasm"), sandbox.dir.join("wasm")).unwrap();
    run_readme_blocks("sh run wasm", &sandbox)
}
