//! The KRM function end to end: bytes in → read → process → splice → bytes out, plus the
//! kustomize legacy exec plugin variant. Pure: no I/O here, so the native binary, the WASM
//! build and the tests all run exactly this.

use crate::limits::Limits;
use crate::resource_list::{
    check_size, read_resource_list, read_stream, Edits, ReadError, ReadErrorKind, Rendered,
    ResourceList, Splice,
};
use crate::results::{has_errors, KrmResult};
use crate::yaml::lines::{count_line_breaks, line_start};

/// What a run produced: stdout (the input with patches, borrowed), stderr and the exit code.
#[derive(Debug)]
pub struct Outcome<'a> {
    pub stdout: Rendered<'a>,
    pub stderr: String,
    pub exit_code: i32,
    /// The list that was read, kept with the output so that a process about to exit can skip
    /// freeing it (see `main.rs`); a library caller just drops the outcome.
    pub list: Option<ResourceList<'a>>,
    /// Every result of the run, in order (KRM mode also writes them into stdout's `results`;
    /// errors and warnings are also in `stderr`). Empty when the input could not be read.
    pub results: Vec<KrmResult>,
}

impl Outcome<'_> {
    fn failed(stderr: String) -> Self {
        Outcome {
            stdout: Rendered::default(),
            stderr,
            exit_code: 1,
            list: None,
            results: Vec::new(),
        }
    }
}

/// Exit codes of every mode of the binary.
pub mod exit {
    pub const OK: i32 = 0;
    pub const FUNCTION_ERROR: i32 = 1;
    pub const USAGE: i32 = 2;
}

/// Decodes input bytes: the size limit first (cheapest), then UTF-8 with the position of the
/// first bad byte.
pub fn decode<'a>(input: &'a [u8], origin: &str, limits: &Limits) -> Result<&'a str, ReadError> {
    check_size(input, origin, limits)?;
    std::str::from_utf8(input).map_err(|err| {
        let good = String::from_utf8_lossy(&input[..err.valid_up_to()]);
        let line = count_line_breaks(&good) + 1;
        let column = good[line_start(&good, good.len())..].chars().count() + 1;
        ReadError::new(
            ReadErrorKind::InvalidUtf8,
            Some(crate::resource_list::Location { line, column }),
            origin,
        )
    })
}

/// The functionConfig key (of a ConfigMap) that picks the mode: `mode: check` makes the
/// function a validator (kpt `validators:`), which changes nothing and fails on findings.
pub const MODE_KEY: &str = "mode";

/// What the function does with a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Generate Alerts and Providers (the default).
    Generate,
    /// Leave the items as they are; report stale generated objects, uncovered apps and
    /// overlapping Alerts.
    Check,
}

/// KRM mode: a ResourceList in, a ResourceList out.
pub fn run_krm<'a>(input: &'a [u8], limits: &Limits) -> Outcome<'a> {
    run_krm_with(
        input,
        limits,
        Mode::Generate,
        crate::audit::DEFAULT_APP_LABEL,
    )
}

/// KRM mode with an explicit mode (`--check`); a functionConfig `mode: check` also selects
/// [`Mode::Check`].
pub fn run_krm_with<'a>(
    input: &'a [u8],
    limits: &Limits,
    mode: Mode,
    app_label: &str,
) -> Outcome<'a> {
    try_run_krm(input, "stdin", limits, mode, app_label)
        .unwrap_or_else(|err| Outcome::failed(format!("error: {err}\n")))
}

/// [`run_krm_with`] for callers that report unreadable input themselves (the WASM API throws
/// it): input that cannot be read at all (size, encoding, YAML, not a ResourceList) is a typed
/// [`ReadError`] naming `origin`, instead of an outcome with the message on stderr.
pub fn try_run_krm<'a>(
    input: &'a [u8],
    origin: &str,
    limits: &Limits,
    mode: Mode,
    app_label: &str,
) -> Result<Outcome<'a>, ReadError> {
    let text = decode(input, origin, limits)?;
    let list = read_resource_list(text, origin, limits)?;
    let mode = if mode == Mode::Check || config_mode(&list) == Some("check") {
        Mode::Check
    } else {
        Mode::Generate
    };
    let (edits, results) = match mode {
        Mode::Generate => process(&list, limits),
        Mode::Check => (Edits::default(), check(&list, limits, app_label)),
    };
    let mut outcome = finish(&list, edits, results, true);
    outcome.list = Some(list);
    Ok(outcome)
}

/// Kustomize legacy exec plugin mode: `config` is the plugin's config file (argv[1]), `input`
/// the YAML stream of resources on stdin.
pub fn run_legacy_plugin<'a>(
    config: &[u8],
    config_origin: &str,
    input: &'a [u8],
    limits: &Limits,
) -> Outcome<'a> {
    let config_text = match decode(config, config_origin, limits) {
        Ok(text) => text,
        Err(err) => return Outcome::failed(format!("error: {err}\n")),
    };
    // The config file is one object: read it as a ResourceList's functionConfig would be.
    let wrapped = crate::package::resource_list(&[], Some(config_text));
    let config_node = match read_resource_list(&wrapped, config_origin, limits) {
        Ok(list) => list.function_config.map(|node| node.to_owned_node()),
        Err(err) => return Outcome::failed(format!("error: {err}\n")),
    };
    if config_node.is_none() {
        return Outcome::failed(format!(
            "error: {config_origin}: the plugin config is empty (hint: the legacy plugin's \
             config file holds one AppNotifications)\n"
        ));
    }
    let text = match decode(input, "stdin", limits) {
        Ok(text) => text,
        Err(err) => return Outcome::failed(format!("error: {err}\n")),
    };
    let mut list = match read_stream(text, "stdin", limits) {
        Ok(list) => list,
        Err(err) => return Outcome::failed(format!("error: {err}\n")),
    };
    list.function_config = config_node;
    let (edits, results) = process(&list, limits);
    // A plugin has no results channel: errors fail the build, the rest goes to stderr.
    let mut outcome = finish(&list, edits, results, false);
    if outcome.exit_code != exit::OK {
        outcome.stdout = Rendered::default();
    }
    outcome
}

/// `data.mode` of a ConfigMap functionConfig.
fn config_mode<'l>(list: &'l ResourceList<'_>) -> Option<&'l str> {
    let node = list.function_config.as_ref()?;
    let mut budget = crate::yaml::tree::ExpansionBudget::new(16);
    if node.get("kind", &mut budget).ok()??.scalar_text()? != "ConfigMap" {
        return None;
    }
    node.at(&["data", MODE_KEY], &mut budget)
        .ok()??
        .scalar_text()
}

/// Check mode: generation runs only to compare; findings are the results.
pub fn check(list: &ResourceList<'_>, limits: &Limits, app_label: &str) -> Vec<KrmResult> {
    let problems = field_problems(list);
    if !problems.is_empty() {
        return problems;
    }
    let generation = crate::generate::generate(list, limits.max_alias_expansion);
    let mut results: Vec<KrmResult> = generation
        .results
        .iter()
        .filter(|r| r.severity != crate::results::Severity::Info)
        .cloned()
        .collect();
    if has_errors(&results) {
        return results;
    }
    let audit = crate::audit::audit(list, &generation, app_label, limits);
    results.extend(audit.findings);
    results
}

/// The function's work on a read list: items whose fields have the wrong shape are errors;
/// otherwise generation decides the edits.
fn process(list: &ResourceList<'_>, limits: &Limits) -> (Edits, Vec<KrmResult>) {
    let problems = field_problems(list);
    if !problems.is_empty() {
        return (Edits::default(), problems);
    }
    let generation = crate::generate::generate(list, limits.max_alias_expansion);
    (generation.edits, generation.results)
}

/// A field the function reads with a shape Kubernetes would reject (or an alias bomb in it)
/// is an error: the function cannot say what the object is.
fn field_problems(list: &ResourceList<'_>) -> Vec<KrmResult> {
    let mut results = Vec::new();
    for item in &list.items {
        for problem in &item.fields.problems {
            results.push(
                KrmResult::error(format!(
                    "items[{}] (line {}): {}: {}",
                    item.index, item.line, problem.field_path, problem.message
                ))
                .about(item)
                .at_field(problem.field_path.clone()),
            );
        }
    }
    results
}

/// Applies the edits (or none, on error) and sets the results; errors and warnings are also
/// written to stderr, where kustomize and CI logs show them.
fn finish<'a>(
    list: &ResourceList<'a>,
    mut edits: Edits,
    results: Vec<KrmResult>,
    with_results: bool,
) -> Outcome<'a> {
    let failed = has_errors(&results);
    if failed {
        // Nothing lost: on error the items go back exactly as they came.
        edits = Edits::default();
    }
    if with_results && !results.is_empty() {
        edits.results = Some(results.iter().map(KrmResult::to_value).collect());
    }
    let stderr = results
        .iter()
        .filter(|r| r.severity != crate::results::Severity::Info)
        .map(|r| format!("{}\n", r.to_line()))
        .collect();
    Outcome {
        stdout: Splice::new(list).render(&edits),
        list: None,
        results,
        stderr,
        exit_code: if failed {
            exit::FUNCTION_ERROR
        } else {
            exit::OK
        },
    }
}
