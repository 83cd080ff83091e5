//! The commands that read packages from disk: `render`, `check` and `report`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use app_notifications::dispatch::Options;
use app_notifications::report::{self, Format};
use app_notifications::resource_list::ResourceList;
use app_notifications::results::{self, has_errors, KrmResult, Severity, Texts};
use app_notifications::yaml::emit::EmitStyle;
use app_notifications::{exit, Limits};

use crate::io::{print_results, print_stdout, read_stdin};

/// Places the results of one package on the lines of its files and names those files as the
/// user can open them: relative to the directory the command runs in, not to the package root
/// (`render a b` would otherwise name `notifications.yaml` twice).
pub(crate) fn place(
    list: &app_notifications::resource_list::ResourceList<'_>,
    root: &Path,
    config: Option<(&str, &str)>,
    results: &mut [KrmResult],
    limits: &Limits,
) {
    let texts = Texts {
        input: "",
        function_config: config.map(|(text, origin)| (origin, text)),
        least: Severity::Info,
    };
    results::locate(list, texts, results, limits);
    let base = app_notifications::package_root(root);
    let shown = |path: &str| {
        let joined = base.join(path);
        let joined = joined.strip_prefix(".").unwrap_or(&joined);
        joined.display().to_string()
    };
    let config_origin = config.map(|(_, origin)| origin);
    for result in results {
        let in_package = |text: &str| Some(text) != config_origin;
        if let Some(position) = &mut result.position {
            if in_package(&position.text) {
                position.text = shown(&position.text);
            }
        }
        if let Some(file) = &mut result.file {
            if in_package(&file.path) {
                file.path = shown(&file.path);
            }
        }
    }
}

/// Prints results, each distinct line once per run: with several package paths and one
/// `--config`, the config's own warnings would otherwise come once per path.
#[derive(Default)]
struct Printer {
    printed: std::collections::HashSet<String>,
}

impl Printer {
    fn print(&mut self, results: &[KrmResult]) {
        let fresh: Vec<KrmResult> = results
            .iter()
            .filter(|r| self.printed.insert(r.to_line()))
            .cloned()
            .collect();
        print_results(&fresh);
    }
}

/// The stdin path: a built YAML stream.
pub const STDIN: &str = "-";

/// Whether a path argument is `-` (stdin).
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == STDIN
}

/// `-` may be given once, and not with `--config` (a built stream is read without configs).
pub fn check_stdin_use(paths: &[PathBuf], config: Option<&Path>) -> Result<bool, String> {
    let stdin = paths.iter().filter(|p| is_stdin(p)).count();
    if stdin > 1 {
        return Err("`-` (stdin) is given more than once (hint: pass it once)".into());
    }
    if stdin == 1 && config.is_some() {
        return Err(
            "--config cannot be used with `-`: a built stream is read as it is, without \
                    configs (hint: leave out --config, or pass the package's directory)"
                .into(),
        );
    }
    Ok(stdin == 1)
}

/// `check` (no format) and `report`: one package per path, and a built stream for `-`.
/// `check` fails on its findings; `report` draws the picture and fails only when the configs
/// cannot be read.
pub fn audit_packages(
    config: Option<&Path>,
    paths: &[PathBuf],
    limits: &Limits,
    app_label: &str,
    report: Option<Format>,
    options: &Options,
) -> Result<i32> {
    if let Err(message) = check_stdin_use(paths, config) {
        eprintln!("error: {message}");
        return Ok(exit::USAGE);
    }
    let config = read_config(config)?;
    let config = config
        .as_ref()
        .map(|(origin, text)| (text.as_str(), origin.as_str()));
    let mut code = exit::OK;
    let mut printer = Printer::default();
    for root in paths {
        let (text, problems) = if is_stdin(root) {
            audit_stdin(limits, app_label, report, options)?
        } else {
            let package = app_notifications::read_package(root, limits)?;
            let list = package.list(config, limits)?;
            let (mut problems, text) = match report {
                None => (
                    app_notifications::check_list(&list, limits, app_label, options),
                    None,
                ),
                Some(format) => match report::report_list(&list, format, app_label, limits) {
                    Ok(text) => (
                        app_notifications::built_hint(&list).into_iter().collect(),
                        Some(text),
                    ),
                    Err(results) => (results, None),
                },
            };
            place(&list, root, config, &mut problems, limits);
            (text, problems)
        };
        if let Some(text) = text {
            print_stdout(&text)?;
        }
        printer.print(&problems);
        if has_errors(&problems) {
            code = exit::FUNCTION_ERROR;
        }
    }
    Ok(code)
}

/// `check -` and `report -`: the built stream on stdin, as it is (no configs, no generation).
fn audit_stdin(
    limits: &Limits,
    app_label: &str,
    report: Option<Format>,
    options: &Options,
) -> Result<(Option<String>, Vec<KrmResult>)> {
    on_stdin(limits, |list| match report {
        None => (
            None,
            app_notifications::check_built(list, limits, app_label, options),
        ),
        Some(format) => {
            let problems = app_notifications::field_problems(list);
            if has_errors(&problems) {
                (None, problems)
            } else {
                let text = report::report_built(list, format, app_label, limits);
                (Some(text), app_notifications::built_notes(list))
            }
        }
    })
}

/// Runs `run` over the built stream on stdin and places its results on the lines of stdin.
pub(crate) fn on_stdin<T>(
    limits: &Limits,
    run: impl FnOnce(&ResourceList<'_>) -> (T, Vec<KrmResult>),
) -> Result<(T, Vec<KrmResult>)> {
    let input = read_stdin(limits)?;
    let text = app_notifications::reader(limits).decode(&input, "stdin")?;
    let list = app_notifications::built_list(text, "stdin", limits)?;
    let (out, mut problems) = run(&list);
    let texts = Texts {
        input: "stdin",
        function_config: None,
        least: Severity::Info,
    };
    results::locate(&list, texts, &mut problems, limits);
    Ok((out, problems))
}

/// The config file given with `--config`: its name (for messages) and text.
fn read_config(config: Option<&Path>) -> Result<Option<(String, String)>> {
    config
        .map(|path| {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading the config {}", path.display()))?;
            Ok((path.display().to_string(), text))
        })
        .transpose()
}

/// `render`: one package per path, each rendered on its own.
pub fn render(
    config: Option<&Path>,
    write: bool,
    paths: &[PathBuf],
    limits: &Limits,
) -> Result<i32> {
    let config = read_config(config)?;
    let config = config
        .as_ref()
        .map(|(origin, text)| (text.as_str(), origin.as_str()));
    let mut code = exit::OK;
    let mut printer = Printer::default();
    let mut stdout = std::io::stdout().lock();
    // One stream for every package: a `---` between every two objects, also across packages.
    let mut printed = 0;
    for root in paths {
        let package = app_notifications::read_package(root, limits)?;
        let list = package.list(config, limits)?;
        let mut rendered = app_notifications::render(&list, limits)?;
        place(&list, root, config, &mut rendered.results, limits);
        printer.print(&rendered.results);
        if has_errors(&rendered.results) {
            code = exit::FUNCTION_ERROR;
            continue;
        }
        if !write {
            let style = EmitStyle::default();
            for object in &rendered.objects {
                if printed > 0 {
                    stdout.write_all(b"---\n")?;
                }
                printed += 1;
                stdout.write_all(app_notifications::document_text(object, &style).as_bytes())?;
            }
            continue;
        }
        let base = app_notifications::package_root(root);
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
