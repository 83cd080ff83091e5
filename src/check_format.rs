//! `check`'s results for the places CI shows them: GitHub workflow commands (an annotation on
//! the file and line of each object) and Markdown for a pull request comment or a job summary
//! (what changed, every finding, the coverage table). Only formatting: the findings are
//! `check`'s [`KrmResult`]s, already located, and the coverage table is the report's Markdown.

use crate::results::{FileRef, KrmResult, Position, Severity};

/// The title of every annotation.
const TITLE: &str = "app-notifications check";

/// One GitHub workflow command per result (`::error file=…,line=…,col=…,title=…::message`).
/// `root` is the checked path as given on the command line: a result's file, relative to its
/// package, is shown relative to the repository as `root/<file>`; a file in `verbatim` (a
/// `--config` file, already named as given) is shown as it is.
pub fn github(results: &[KrmResult], root: &str, verbatim: Option<&str>) -> String {
    let mut out = String::new();
    for result in results {
        let command = match result.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut properties = Vec::new();
        if let Some(file) = &result.file {
            let path = if Some(file.path.as_str()) == verbatim {
                file.path.clone()
            } else {
                join(root, &file.path)
            };
            properties.push(format!("file={}", escape_property(&path)));
            if let Some(at) = position_in(result, file) {
                properties.push(format!("line={}", at.line));
                properties.push(format!("col={}", at.column));
            }
        }
        properties.push(format!("title={}", escape_property(TITLE)));
        out.push_str(&format!(
            "::{command} {}::{}\n",
            properties.join(","),
            escape_data(&message(result))
        ));
    }
    out
}

/// The message with what it is about (object, field), as the annotation's text: the file and
/// line are the annotation's own.
fn message(result: &KrmResult) -> String {
    let mut about = Vec::new();
    if let Some(r) = &result.resource_ref {
        let name = match &r.namespace {
            Some(ns) => format!("{ns}/{}", r.name),
            None => r.name.clone(),
        };
        let object = format!("{} {name}", r.kind);
        // Most messages name their object already.
        if !result.message.contains(&object) {
            about.push(object);
        }
    }
    if let Some(field) = &result.field_path {
        about.push(format!("field {field}"));
    }
    if about.is_empty() {
        result.message.clone()
    } else {
        format!("{} ({})", result.message, about.join(", "))
    }
}

/// `root/path`, without `./` or a doubled separator.
fn join(root: &str, path: &str) -> String {
    let root = root.trim_end_matches('/');
    let root = root.strip_prefix("./").unwrap_or(root);
    if root.is_empty() || root == "." {
        path.to_string()
    } else {
        format!("{root}/{path}")
    }
}

/// GitHub's escaping of a workflow command's message.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// GitHub's escaping of a workflow command's property value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// A Markdown summary of one checked path: the verdict, what changed (generated objects that
/// are stale, missing or no longer generated), every other finding, and the coverage table
/// (`coverage`, the report's Markdown) when there is one.
pub fn markdown(path: &str, results: &[KrmResult], coverage: Option<&str>) -> String {
    let count = |severity| results.iter().filter(|r| r.severity == severity).count();
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let mut out = format!("## app-notifications check: `{path}`\n\n");
    out.push_str(&match (errors, warnings) {
        (0, 0) => "**Passed**: notifications are current and cover every app.\n".to_string(),
        (0, w) => format!("**Passed** with {w} warning{}.\n", plural(w)),
        (e, w) => format!(
            "**Failed**: {e} error{}, {w} warning{}.\n",
            plural(e),
            plural(w)
        ),
    });
    let (changes, others): (Vec<&KrmResult>, Vec<&KrmResult>) = results
        .iter()
        .filter(|r| r.severity != Severity::Info)
        .partition(|r| is_change(r));
    if !changes.is_empty() {
        out.push_str("\n### What changed\n\nRun `app-notifications render --write` (or `kpt fn render`) and commit the result:\n\n");
        for result in &changes {
            out.push_str(&format!("- {}{}\n", cell(&result.message), place(result)));
        }
    }
    if !others.is_empty() {
        out.push_str("\n### Findings\n\n| severity | where | finding |\n| --- | --- | --- |\n");
        for result in &others {
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                result.severity.as_str(),
                cell(place(result).trim_start_matches(" — ")),
                cell(&message(result))
            ));
        }
    }
    if let Some(coverage) = coverage {
        out.push_str("\n### Coverage\n\n");
        out.push_str(coverage);
        if !coverage.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A finding about generated objects that a render would change.
fn is_change(result: &KrmResult) -> bool {
    let m = &result.message;
    m.contains(" is stale: ") || m.contains(" is missing: ") || m.contains(" lacks the event.")
}

/// ` — file:line` of a result, or nothing.
fn place(result: &KrmResult) -> String {
    match &result.file {
        Some(file) => match position_in(result, file) {
            Some(at) => format!(" — `{}:{}`", file.path, at.line),
            None => format!(" — `{}`", file.path),
        },
        None => String::new(),
    }
}

/// The result's position when it is in the object's own file (not in a list on stdin).
fn position_in<'r>(result: &'r KrmResult, file: &FileRef) -> Option<&'r Position> {
    result.position.as_ref().filter(|at| at.text == file.path)
}

/// Text that stays inside one Markdown table cell or list item.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', "<br>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::FileRef;

    #[test]
    fn messages_and_properties_are_escaped_as_github_reads_them() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn an_error_points_at_its_file_below_the_checked_path() {
        let mut result = KrmResult::error("Alert x is stale: a, b");
        result.file = Some(FileRef {
            path: "apps/x.yaml".into(),
            index: Some(0),
        });
        result.position = Some(Position {
            text: "apps/x.yaml".into(),
            line: 3,
            column: 1,
        });
        assert_eq!(
            github(&[result.clone()], "./repo/", None),
            "::error file=repo/apps/x.yaml,line=3,col=1,title=app-notifications check::Alert x is stale: a, b\n"
        );
        assert!(github(&[result], ".", None).starts_with("::error file=apps/x.yaml,"));
        assert_eq!(
            github(&[KrmResult::warning("w")], "r", None),
            "::warning title=app-notifications check::w\n"
        );
    }
}
