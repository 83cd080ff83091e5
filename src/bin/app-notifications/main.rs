//! The `app-notifications` binary: a thin shell over the library. It picks the mode, does the
//! I/O and maps outcomes to exit codes; everything else lives in the library.
#![forbid(unsafe_code)]

mod args;
mod check_format;
mod completions;
mod explain;
mod import;
mod init;
mod io;
mod package;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use app_notifications::config::Mode;
use app_notifications::dispatch::Options;
use app_notifications::{exit, Limits, StderrResults};
use clap::Parser;

use args::{Cli, Command, SchemaFormat};
use io::{emit, is_broken_pipe, print_stdout, read_stdin};

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

fn run() -> Result<i32> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(config) = legacy_plugin_config(&args) {
        let limits = Limits::default();
        let config_bytes = std::fs::read(&config)
            .with_context(|| format!("reading the plugin config {}", config.display()))?;
        let input = read_stdin(&limits)?;
        let outcome = app_notifications::run_legacy_plugin(
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
    if let Some(code) = missing_path(cli.command.as_ref()) {
        return Ok(code);
    }
    match cli.command {
        None => {
            let limits = cli.limits.limits();
            let input = read_stdin(&limits)?;
            let mode = if cli.check {
                Mode::Check
            } else {
                Mode::Generate
            };
            emit(app_notifications::run_krm_with(
                &input,
                &limits,
                mode,
                &cli.app_label.key,
                stderr_results(),
            ))
        }
        Some(Command::Check {
            config,
            format: check_format::CheckFormat::Text,
            no_cross_namespace_refs,
            paths,
            app_label,
            limits,
        }) => package::audit_packages(
            config.as_deref(),
            &paths,
            &limits.limits(),
            &app_label.key,
            None,
            &Options {
                no_cross_namespace_refs,
            },
        ),
        Some(Command::Check {
            config,
            format,
            no_cross_namespace_refs,
            paths,
            app_label,
            limits,
        }) => check_format::run(
            format,
            config.as_deref(),
            &paths,
            &limits.limits(),
            &app_label.key,
            &Options {
                no_cross_namespace_refs,
            },
        ),
        Some(Command::Report {
            format,
            config,
            paths,
            app_label,
            limits,
        }) => package::audit_packages(
            config.as_deref(),
            &paths,
            &limits.limits(),
            &app_label.key,
            Some(format.format()),
            &Options::default(),
        ),
        Some(Command::Explain {
            event,
            severity,
            message,
            metadata,
            no_cross_namespace_refs,
            format,
            paths,
            limits,
        }) => explain::explain(
            &explain::Request {
                event,
                severity: severity.as_str(),
                message,
                metadata,
                options: Options {
                    no_cross_namespace_refs,
                },
                format,
            },
            &paths,
            &limits.limits(),
        ),
        Some(Command::Schema { format }) => {
            let schema = match format {
                SchemaFormat::JsonSchema => app_notifications::config::json_schema(),
                SchemaFormat::Openapi => app_notifications::config::openapi_v3(),
            };
            print_stdout(&format!("{}\n", serde_json::to_string_pretty(&schema)?))?;
            Ok(exit::OK)
        }
        Some(Command::Completions { shell }) => completions::completions(shell),
        Some(Command::Man) => completions::man(),
        Some(Command::Import(args)) => {
            let (app_label, limits) = (args.app_label.key.clone(), args.limits.limits());
            import::run(args, &app_label, &limits)
        }
        Some(Command::Init(args)) => {
            let (app_label, limits) = (args.app_label.key.clone(), args.limits.limits());
            init::run(*args, &app_label, &limits)
        }
        Some(Command::Render {
            config,
            write,
            paths,
            limits,
        }) => package::render(config.as_deref(), write, &paths, &limits.limits()),
    }
}

/// kustomize runs container functions with `LOG_TO_STDERR=true` (kyaml
/// `runtimeutil.NewContainerEnv`) and shows none of their results: warnings then go to stderr
/// too. kpt sets nothing and prints the results itself.
fn stderr_results() -> StderrResults {
    match std::env::var("LOG_TO_STDERR").as_deref() {
        Ok("true") => StderrResults::ErrorsAndWarnings,
        _ => StderrResults::Errors,
    }
}

/// A path on the command line that does not exist is a usage error (exit 2), named before any
/// work is done.
fn missing_path(command: Option<&Command>) -> Option<i32> {
    let (config, paths) = match command? {
        Command::Render { config, paths, .. }
        | Command::Check { config, paths, .. }
        | Command::Report { config, paths, .. } => (config, paths),
        Command::Explain { paths, .. } => (&None, paths),
        Command::Init(_)
        | Command::Import(_)
        | Command::Completions { .. }
        | Command::Man
        | Command::Schema { .. } => return None,
    };
    // `-` is stdin, not a path; with `--config` too, the command says why the two don't mix.
    if paths.iter().any(|p| p.as_os_str() == "-") && config.is_some() {
        return None;
    }
    let missing = config
        .iter()
        .chain(paths.iter().filter(|p| p.as_os_str() != "-"))
        .find(|path| std::fs::metadata(path).is_err())?;
    let what = if Some(missing) == config.as_ref() {
        "the config file given with --config"
    } else {
        "a package directory or a YAML file"
    };
    eprintln!(
        "error: {}: no such file or directory (hint: give {what}; `--help` shows examples)",
        missing.display()
    );
    Some(exit::USAGE)
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
