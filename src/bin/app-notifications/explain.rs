//! `explain`: where one object's events go, through the model of notification-controller.

use std::path::PathBuf;

use anyhow::Result;
use app_notifications::dispatch::Options;
use app_notifications::report::{explanation_json, explanation_text};
use app_notifications::results::{self, KrmResult};
use app_notifications::{exit, EventQuery, Limits, Package};

use crate::args::{EventRef, ExplainFormat};
use crate::io::{print_results, print_stdout, read_stdin};
use crate::package::check_stdin_use;

/// What `explain` was asked.
pub struct Request {
    pub event: EventRef,
    pub severity: &'static str,
    pub message: String,
    pub metadata: Vec<(String, String)>,
    pub options: Options,
    pub format: ExplainFormat,
}

/// Explains the event in the build of `paths`: one package made of every PATH (the objects a
/// cluster would hold together), or the built stream on stdin (`-`, alone).
pub fn explain(request: &Request, paths: &[PathBuf], limits: &Limits) -> Result<i32> {
    let stdin = match check_stdin_use(paths, None) {
        Ok(stdin) => stdin,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(exit::USAGE);
        }
    };
    if stdin && paths.len() > 1 {
        eprintln!(
            "error: `-` (stdin) cannot be combined with package paths: explain reads one build \
             (hint: pass either `-` or the package paths)"
        );
        return Ok(exit::USAGE);
    }
    let query = EventQuery {
        kind: request.event.kind.clone(),
        namespace: request.event.namespace.clone(),
        name: request.event.name.clone(),
        severity: request.severity.to_string(),
        message: request.message.clone(),
        metadata: request.metadata.clone(),
    };
    let answer = if stdin {
        let input = read_stdin(limits)?;
        let text = app_notifications::reader(limits).decode(&input, "stdin")?;
        let list = app_notifications::built_list(text, "stdin", limits)?;
        located(
            &list,
            app_notifications::explain_list(&list, true, &query, &request.options, limits),
            limits,
        )
    } else {
        let mut package = Package::default();
        for root in paths {
            package
                .files
                .extend(app_notifications::read_package(root, limits)?.files);
        }
        let list = package.list(None, limits)?;
        located(
            &list,
            app_notifications::explain_list(&list, false, &query, &request.options, limits),
            limits,
        )
    };
    match answer {
        Ok((text, warnings)) => {
            print_stdout(&match request.format {
                ExplainFormat::Text => text.0,
                ExplainFormat::Json => text.1,
            })?;
            print_results(&warnings);
            Ok(exit::OK)
        }
        Err(errors) => {
            print_results(&errors);
            Ok(exit::FUNCTION_ERROR)
        }
    }
}

type Answer = Result<((String, String), Vec<KrmResult>), Vec<KrmResult>>;

/// Where results are placed: a package's items in their files, a stream's on stdin.
fn texts() -> results::Texts<'static> {
    results::Texts {
        input: "stdin",
        function_config: None,
        least: results::Severity::Info,
    }
}

/// Both renderings of an explanation and its warnings, or the errors, placed on their lines.
fn located(
    list: &app_notifications::resource_list::ResourceList<'_>,
    explained: Result<app_notifications::Explanation, Vec<KrmResult>>,
    limits: &Limits,
) -> Answer {
    match explained {
        Ok(mut explanation) => {
            results::locate(list, texts(), &mut explanation.warnings, limits);
            let json = format!(
                "{}\n",
                serde_json::to_string_pretty(&explanation_json(&explanation)).unwrap_or_default()
            );
            Ok(((explanation_text(&explanation), json), explanation.warnings))
        }
        Err(mut errors) => {
            results::locate(list, texts(), &mut errors, limits);
            Err(errors)
        }
    }
}
