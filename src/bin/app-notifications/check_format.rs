//! `check --format github|markdown`: check's results as GitHub workflow annotations or a
//! Markdown summary (the formatting is `app_notifications::check_format`).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use app_notifications::dispatch::Options;
use app_notifications::report::{self, Format};
use app_notifications::results::{has_errors, KrmResult};
use app_notifications::{check_format, exit, Limits};
use clap::ValueEnum;

use crate::io::print_stdout;

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CheckFormat {
    /// One line per finding on stderr.
    #[default]
    Text,
    /// GitHub workflow commands on stdout: an annotation on the file and line of each finding.
    Github,
    /// Markdown on stdout, for a pull request comment or a job summary: the verdict, what
    /// changed, the findings and the coverage table.
    Markdown,
}

pub fn run(
    format: CheckFormat,
    config: Option<&Path>,
    paths: &[PathBuf],
    limits: &Limits,
    app_label: &str,
    options: &Options,
) -> Result<i32> {
    let config = config
        .map(|path| {
            std::fs::read_to_string(path)
                .with_context(|| format!("reading the config {}", path.display()))
                .map(|text| (path.display().to_string(), text))
        })
        .transpose()?;
    let mut code = exit::OK;
    let mut out = String::new();
    for root in paths {
        if root.as_os_str() == "-" {
            // A built stream (`kubectl kustomize … | check --format github -`): read as
            // `check -` reads it, placed on the lines of stdin.
            let (coverage, problems) = crate::package::on_stdin(limits, |list| {
                let coverage = (format != CheckFormat::Github)
                    .then(|| report::report_built(list, Format::Markdown, app_label, limits));
                let problems = app_notifications::check_built(list, limits, app_label, options);
                (coverage, problems)
            })?;
            if has_errors(&problems) {
                code = exit::FUNCTION_ERROR;
            }
            push_formatted(&mut out, format, "stdin", &problems, coverage.as_deref());
            continue;
        }
        let package = app_notifications::read_package(root, limits)?;
        let config = config
            .as_ref()
            .map(|(origin, text)| (text.as_str(), origin.as_str()));
        let list = package.list(config, limits)?;
        let mut problems = app_notifications::check_list(&list, limits, app_label, options);
        // Files named as the user opens them, relative to the working directory.
        crate::package::place(&list, root, config, &mut problems, limits);
        if has_errors(&problems) {
            code = exit::FUNCTION_ERROR;
        }
        let coverage = (format != CheckFormat::Github)
            .then(|| report::report_list(&list, Format::Markdown, app_label, limits).ok())
            .flatten();
        let shown = root.display().to_string();
        push_formatted(&mut out, format, &shown, &problems, coverage.as_deref());
    }
    print_stdout(&out)?;
    Ok(code)
}

/// One input's findings in `format`, after those of the inputs before it.
fn push_formatted(
    out: &mut String,
    format: CheckFormat,
    shown: &str,
    problems: &[KrmResult],
    coverage: Option<&str>,
) {
    match format {
        CheckFormat::Github => out.push_str(&check_format::github(problems, ".", None)),
        CheckFormat::Markdown | CheckFormat::Text => {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&check_format::markdown(shown, problems, coverage));
        }
    }
}
