//! The `app-notifications` binary: a thin shell over the library. It picks the mode, does the
//! I/O and maps outcomes to exit codes; everything else lives in the library.
#![forbid(unsafe_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use app_notifications::audit;
use app_notifications::function::{self, exit, Mode, Outcome};
use app_notifications::limits::Limits;
use app_notifications::package;
use app_notifications::results::has_errors;
use app_notifications::yaml::emit::EmitStyle;

const EXAMPLES: &str = "\
Examples:
  # KRM function: ResourceList on stdin, ResourceList on stdout
  kustomize build --enable-alpha-plugins overlays/production
  kpt fn eval --exec app-notifications --allow-exec pkg/
  app-notifications < resource-list.yaml

  # Generate into a package (what kpt fn render does), or just print what would be generated
  app-notifications render --write apps/
  app-notifications render --config apps/billing/notifications.yaml apps/billing

  # The config's schema, for editors and kpt
  app-notifications schema --format openapi

  # kustomize legacy exec plugin (installed under
  # $XDG_CONFIG_HOME/kustomize/plugin/app-notifications.dev/v1alpha1/appnotifications/)
  KUSTOMIZE_PLUGIN_CONFIG_ROOT=. app-notifications notifications.yaml < resources.yaml

Exit codes: 0 ok, 1 function error (input items returned unchanged, with results), 2 usage error.";

/// Application-aware Flux notifications, generated at build time.
///
/// Reads an AppNotifications config and the resources of an overlay and emits the Flux
/// Alerts (and Providers) that cover every applier of the app.
#[derive(Parser, Debug)]
#[command(name = "app-notifications", version, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// KRM mode as a validator (kpt `validators:`): change nothing, fail when generated objects
    /// are stale, an app has no config, or Alerts overlap. A ConfigMap functionConfig with
    /// `mode: check` does the same.
    #[arg(long)]
    check: bool,
    /// The label that names an app on its appliers, for the uncovered-app check.
    #[arg(long, global = true, default_value = app_notifications::audit::DEFAULT_APP_LABEL, value_name = "KEY")]
    app_label: String,
    #[command(flatten)]
    limits: LimitArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Read a package as kpt does and print the objects the function generates, or write them
    /// into the package with --write (only into files it owns).
    Render {
        /// The AppNotifications (or ConfigMap) to run with; without it, every AppNotifications
        /// in the package is used.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Write generated objects into the package instead of printing them.
        #[arg(long)]
        write: bool,
        /// Package directories or files.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Fail when generated objects in a package are stale, a labelled applier's app has no
    /// config, or two Alerts to one Provider cover the same object.
    Check {
        /// The AppNotifications (or ConfigMap) to check with; without it, every one in the
        /// package.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Package directories or files.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Show app → environment → Alert → Provider → covered appliers, uncovered appliers and
    /// overlaps.
    Report {
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
        /// The AppNotifications (or ConfigMap) to report on; without it, every one in the
        /// package.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Package directories or files.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Print the schema of the AppNotifications config.
    Schema {
        #[arg(long, value_enum, default_value_t = SchemaFormat::JsonSchema)]
        format: SchemaFormat,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum ReportFormat {
    /// A table for the terminal.
    Table,
    /// Stable JSON (see README "report").
    Json,
    Markdown,
    /// A Mermaid flowchart.
    Mermaid,
    /// A Graphviz digraph.
    Dot,
    /// A self-contained SVG picture (columns: app, environment, Alert, Provider, objects).
    Svg,
}

impl ReportFormat {
    fn format(self) -> audit::Format {
        match self {
            ReportFormat::Table => audit::Format::Table,
            ReportFormat::Json => audit::Format::Json,
            ReportFormat::Markdown => audit::Format::Markdown,
            ReportFormat::Mermaid => audit::Format::Mermaid,
            ReportFormat::Dot => audit::Format::Dot,
            ReportFormat::Svg => audit::Format::Svg,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum SchemaFormat {
    /// JSON Schema (draft 2020-12), for editors and yaml-language-server.
    JsonSchema,
    /// OpenAPI v3 structural schema, as a CRD or kpt function config schema uses.
    Openapi,
}

/// The count limits are read as u64 whatever the target's word size, so every build accepts
/// the same values (a limit beyond what a 32-bit address space can hold, as in the
/// wasm32-wasip1 build, is no limit there).
#[derive(Args, Debug, Clone)]
struct LimitArgs {
    /// Largest input accepted, in bytes.
    #[arg(long, global = true, default_value_t = Limits::DEFAULT_MAX_INPUT_BYTES as u64, value_name = "BYTES")]
    max_input_bytes: u64,
    /// Deepest nesting of mappings and sequences accepted (at most 1000, which keeps the
    /// reader's recursion far from the stack's end).
    #[arg(long, global = true, default_value_t = Limits::default().max_depth, value_name = "LEVELS",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=Limits::MAX_DEPTH_CEILING as u64))]
    max_depth: usize,
    /// Nodes one item's read fields may expand to through YAML aliases.
    #[arg(long, global = true, default_value_t = Limits::default().max_alias_expansion as u64, value_name = "NODES")]
    max_alias_expansion: u64,
    /// Most items accepted in one input.
    #[arg(long, global = true, default_value_t = Limits::default().max_items as u64, value_name = "COUNT")]
    max_items: u64,
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        let count = |value: u64| usize::try_from(value).unwrap_or(usize::MAX);
        Limits {
            max_input_bytes: count(self.max_input_bytes),
            max_depth: self.max_depth,
            max_alias_expansion: count(self.max_alias_expansion),
            max_items: count(self.max_items),
        }
    }
}

fn main() -> ExitCode {
    #[cfg(target_os = "wasi")]
    enter_host_directory();
    match run() {
        // Everything is written: exit now instead of freeing a large input item by item.
        Ok(code) => std::process::exit(code),
        // The reader went away (`report … | head`): nothing is left to say to anyone, and a
        // message about it would only be noise, as in every Unix filter.
        Err(err) if is_broken_pipe(&err) => ExitCode::from(exit::OK as u8),
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(exit::FUNCTION_ERROR as u8)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes to stdout, returning the error (`println!` would panic on a closed pipe).
fn print_stdout(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .context("writing stdout")
}

fn run() -> Result<i32> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(config) = legacy_plugin_config(&args) {
        let limits = Limits::default();
        let config_bytes = std::fs::read(&config)
            .with_context(|| format!("reading the plugin config {}", config.display()))?;
        let input = read_stdin(&limits)?;
        let outcome = function::run_legacy_plugin(
            &config_bytes,
            &config.display().to_string(),
            &input,
            &limits,
        );
        return emit(outcome);
    }
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(err) => {
            let code = if err.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = err.print();
            return Ok(code);
        }
    };
    let limits = cli.limits.limits();
    match cli.command {
        None => {
            let input = read_stdin(&limits)?;
            let mode = if cli.check {
                Mode::Check
            } else {
                Mode::Generate
            };
            emit(function::run_krm_with(
                &input,
                &limits,
                mode,
                &cli.app_label,
            ))
        }
        Some(Command::Check { config, paths }) => {
            audit_packages(config.as_deref(), &paths, &limits, &cli.app_label, None)
        }
        Some(Command::Report {
            format,
            config,
            paths,
        }) => audit_packages(
            config.as_deref(),
            &paths,
            &limits,
            &cli.app_label,
            Some(format.format()),
        ),
        Some(Command::Schema { format }) => {
            let schema = match format {
                SchemaFormat::JsonSchema => app_notifications::config::json_schema(),
                SchemaFormat::Openapi => app_notifications::config::openapi_v3(),
            };
            print_stdout(&format!("{}\n", serde_json::to_string_pretty(&schema)?))?;
            Ok(exit::OK)
        }
        Some(Command::Render {
            config,
            write,
            paths,
        }) => render(config.as_deref(), write, &paths, &limits),
    }
}

/// `check` (no format) and `report`: one package per path. `check` fails on its findings;
/// `report` draws the picture and fails only when the configs cannot be read.
fn audit_packages(
    config: Option<&Path>,
    paths: &[PathBuf],
    limits: &Limits,
    app_label: &str,
    report: Option<audit::Format>,
) -> Result<i32> {
    let config_text = read_config(config)?;
    let mut code = exit::OK;
    for root in paths {
        let docs = package::read(root, limits)?;
        let (problems, text) = package::with_list(&docs, config_text.as_deref(), limits, |list| {
            let Some(format) = report else {
                return (function::check(list, limits, app_label), None);
            };
            match audit::report_list(list, format, app_label, limits) {
                Ok(text) => (Vec::new(), Some(text)),
                Err(results) => (results, None),
            }
        })?;
        if let Some(text) = text {
            print_stdout(&text)?;
        }
        for result in &problems {
            eprintln!("{}", result.to_line());
        }
        if has_errors(&problems) {
            code = exit::FUNCTION_ERROR;
        }
    }
    Ok(code)
}

fn read_config(config: Option<&Path>) -> Result<Option<String>> {
    config
        .map(|path| {
            std::fs::read_to_string(path)
                .with_context(|| format!("reading the config {}", path.display()))
        })
        .transpose()
}

/// `render`: one package per path, each rendered on its own.
fn render(config: Option<&Path>, write: bool, paths: &[PathBuf], limits: &Limits) -> Result<i32> {
    let config_text = match config {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("reading the config {}", path.display()))?,
        ),
        None => None,
    };
    let mut code = exit::OK;
    let mut stdout = std::io::stdout().lock();
    for root in paths {
        let docs = package::read(root, limits)?;
        let rendered = package::render(&docs, config_text.as_deref(), limits)?;
        for result in &rendered.results {
            eprintln!("{}", result.to_line());
        }
        if has_errors(&rendered.results) {
            code = exit::FUNCTION_ERROR;
            continue;
        }
        if !write {
            let style = EmitStyle::default();
            for (i, object) in rendered.objects.iter().enumerate() {
                if i > 0 {
                    stdout.write_all(b"---\n")?;
                }
                stdout.write_all(package::document_text(object, &style).as_bytes())?;
            }
            continue;
        }
        let base = if root.is_file() {
            root.parent().unwrap_or(Path::new("")).to_path_buf()
        } else {
            root.clone()
        };
        for (path, content) in &rendered.files {
            let file = base.join(path);
            if let Some(dir) = file.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
            std::fs::write(&file, content)
                .with_context(|| format!("writing {}", file.display()))?;
            eprintln!("wrote {}", file.display());
        }
        for path in &rendered.deleted {
            let file = base.join(path);
            std::fs::remove_file(&file).with_context(|| format!("removing {}", file.display()))?;
            eprintln!("removed {}", file.display());
        }
    }
    Ok(code)
}

/// A WASI program starts in `/` of what its host preopened. `wasm/wasi.mjs` preopens the host's
/// `/` and names its working directory here, so that relative paths (`..` too) mean what they
/// mean to the native binary.
#[cfg(target_os = "wasi")]
fn enter_host_directory() {
    if let Some(dir) = std::env::var_os("APP_NOTIFICATIONS_WASI_CWD") {
        let _ = std::env::set_current_dir(dir);
    }
}

/// Kustomize runs a legacy exec plugin with the config file as argv[1] and sets
/// `KUSTOMIZE_PLUGIN_CONFIG_ROOT`; nothing else calls the binary that way.
fn legacy_plugin_config(args: &[std::ffi::OsString]) -> Option<PathBuf> {
    std::env::var_os("KUSTOMIZE_PLUGIN_CONFIG_ROOT")?;
    let first = args.get(1)?;
    if first.to_string_lossy().starts_with('-') {
        return None;
    }
    let path = PathBuf::from(first);
    path.is_file().then_some(path)
}

/// Reads stdin, stopping one byte past the limit so an oversized input is refused without
/// reading all of it.
fn read_stdin(limits: &Limits) -> Result<Vec<u8>> {
    let mut input = Vec::with_capacity(stdin_size_hint().min(limits.max_input_bytes) + 1);
    std::io::stdin()
        .lock()
        .take((limits.max_input_bytes as u64).saturating_add(1))
        .read_to_end(&mut input)
        .context("reading stdin")?;
    Ok(input)
}

/// The size of stdin when it is a regular file (`< list.yaml`), so the buffer is allocated
/// once instead of grown; 0 for pipes and terminals.
#[cfg(unix)]
fn stdin_size_hint() -> usize {
    use std::os::fd::AsFd;
    std::io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .map(std::fs::File::from)
        .and_then(|file| file.metadata())
        .ok()
        .filter(std::fs::Metadata::is_file)
        .map_or(0, |meta| usize::try_from(meta.len()).unwrap_or(0))
}

#[cfg(not(unix))]
fn stdin_size_hint() -> usize {
    0
}

fn emit(outcome: Outcome<'_>) -> Result<i32> {
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    outcome
        .stdout
        .write_to(&mut stdout)
        .and_then(|()| stdout.flush())
        .context("writing stdout")?;
    if !outcome.stderr.is_empty() {
        let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    }
    let code = outcome.exit_code;
    // The process exits next (see `main`): freeing thousands of items first is wasted time.
    std::mem::forget(outcome);
    Ok(code)
}
