//! The `app-notifications` binary: a thin shell over the library. It picks the mode, does the
//! I/O and maps outcomes to exit codes; everything else lives in the library.
#![forbid(unsafe_code)]

mod args;
mod explain;
mod io;
mod package;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use app_notifications::config::Mode;
use app_notifications::dispatch::Options;
use app_notifications::{exit, Limits};
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
    let limits = cli.limits.limits();
    match cli.command {
        None => {
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
                &cli.app_label,
            ))
        }
        Some(Command::Check {
            config,
            no_cross_namespace_refs,
            paths,
        }) => package::audit_packages(
            config.as_deref(),
            &paths,
            &limits,
            &cli.app_label,
            None,
            &Options {
                no_cross_namespace_refs,
            },
        ),
        Some(Command::Report {
            format,
            config,
            paths,
        }) => package::audit_packages(
            config.as_deref(),
            &paths,
            &limits,
            &cli.app_label,
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
            &limits,
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
        }) => package::render(config.as_deref(), write, &paths, &limits),
    }
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
