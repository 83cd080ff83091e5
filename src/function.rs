//! The KRM function end to end: bytes in → read → process → splice → bytes out, plus the
//! kustomize legacy exec plugin variant. Pure: no I/O here, so the native binary, the WASM
//! build and the tests all run exactly this.

use crate::audit::{EventQuery, Explanation};
use crate::config::{self, Mode, APP_NAME_LABEL};
use crate::dispatch::Options;
use crate::generate::{self, reader, Generation};
use crate::limits::Limits;
use crate::resource_list::{Edits, ReadError, ResourceList, Splice, Spliced};
use crate::results::{self, has_errors, KrmResult, Severity, Texts};
use crate::yaml::tree::ExpansionBudget;

/// What a run produced: stdout (the input with patches, borrowed), stderr and the exit code.
#[derive(Debug)]
pub struct Outcome<'a> {
    pub stdout: Spliced<'a>,
    pub stderr: String,
    pub exit_code: i32,
    /// The list that was read, kept with the output so that a process about to exit can skip
    /// freeing it (see `main.rs`); a library caller just drops the outcome.
    pub list: Option<ResourceList<'a>>,
    /// Every result of the run, in order (KRM mode also writes them into stdout's `results`;
    /// errors and warnings are also in `stderr`). Empty when the input could not be read.
    pub results: Vec<KrmResult>,
    /// What generation produced (the edits behind `stdout`; its results are in `results`), for
    /// callers that show more than the output, such as the playground; `None` in check mode
    /// and when nothing was read.
    pub generation: Option<Generation>,
}

impl Outcome<'_> {
    fn failed(stderr: String) -> Self {
        Outcome {
            stdout: Spliced::default(),
            stderr,
            exit_code: exit::FUNCTION_ERROR,
            list: None,
            results: Vec::new(),
            generation: None,
        }
    }
}

/// Exit codes of every mode of the binary.
pub mod exit {
    pub const OK: i32 = 0;
    pub const FUNCTION_ERROR: i32 = 1;
    pub const USAGE: i32 = 2;
}

/// Which results a KRM run also writes to stderr. All of them are in the output's `results`;
/// stderr is for whoever does not read those.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StderrResults {
    /// The errors: a failed run says why wherever its stdout goes (kustomize drops the output
    /// of a failed function). Warnings stay in `results`, which kpt prints, together with
    /// stderr: a warning on both would be shown twice.
    #[default]
    Errors,
    /// Errors and warnings, for a host that shows no results even when the run succeeds:
    /// kustomize, which asks for it by running container functions with
    /// `LOG_TO_STDERR=true`.
    ErrorsAndWarnings,
}

impl StderrResults {
    /// The least severe results written to stderr.
    fn least(self) -> Severity {
        match self {
            StderrResults::Errors => Severity::Error,
            StderrResults::ErrorsAndWarnings => Severity::Warning,
        }
    }

    fn shows(self, severity: Severity) -> bool {
        severity <= self.least()
    }
}

/// KRM mode: a ResourceList in, a ResourceList out.
pub fn run_krm<'a>(input: &'a [u8], limits: &Limits) -> Outcome<'a> {
    run_krm_with(
        input,
        limits,
        Mode::Generate,
        APP_NAME_LABEL,
        StderrResults::default(),
    )
}

/// KRM mode with an explicit mode (`--check`); a functionConfig `mode: check` also selects
/// [`Mode::Check`].
pub fn run_krm_with<'a>(
    input: &'a [u8],
    limits: &Limits,
    mode: Mode,
    app_label: &str,
    stderr: StderrResults,
) -> Outcome<'a> {
    try_run_krm(input, "stdin", limits, mode, app_label, stderr)
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
    stderr: StderrResults,
) -> Result<Outcome<'a>, ReadError> {
    let reader = reader(limits);
    let text = reader.decode(input, origin)?;
    let list = reader.resource_list(text, origin)?;
    let mode = match config_mode(&list) {
        Some(Mode::Check) => Mode::Check,
        _ => mode,
    };
    // Positions in the input, for the results stderr shows.
    let texts = Texts {
        input: origin,
        function_config: None,
        least: stderr.least(),
    };
    let mut outcome = match mode {
        Mode::Generate => {
            let mut generation = process(&list, limits);
            let mut results = std::mem::take(&mut generation.results);
            results::locate(&list, texts, &mut results, limits);
            let mut outcome = finish(&list, &mut generation.edits, results, true, stderr);
            outcome.generation = Some(generation);
            outcome
        }
        Mode::Check => {
            let mut results = check_list(&list, limits, app_label, &Options::default());
            results::locate(&list, texts, &mut results, limits);
            finish(&list, &mut Edits::default(), results, true, stderr)
        }
    };
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
    let reader = reader(limits);
    let config_node = match reader
        .decode(config, config_origin)
        .and_then(|text| reader.object(text, config_origin))
    {
        Ok(Some(node)) => node.to_owned_node(),
        Ok(None) => {
            return Outcome::failed(format!(
                "error: {config_origin}: the plugin config is empty (hint: the legacy plugin's \
                 config file holds one AppNotifications)\n"
            ))
        }
        Err(err) => return Outcome::failed(format!("error: {err}\n")),
    };
    let mut list = match reader
        .decode(input, "stdin")
        .and_then(|text| reader.stream(text, "stdin"))
    {
        Ok(list) => list,
        Err(err) => return Outcome::failed(format!("error: {err}\n")),
    };
    list.function_config = Some(config_node);
    let mut generation = process(&list, limits);
    let mut results = std::mem::take(&mut generation.results);
    // kustomize hands the plugin its config re-serialised in a temporary file, which it
    // leaves behind when the plugin fails: positions in it can be looked up then.
    let texts = Texts {
        input: "stdin",
        function_config: std::str::from_utf8(config)
            .ok()
            .map(|text| (config_origin, text)),
        least: Severity::Warning,
    };
    results::locate(&list, texts, &mut results, limits);
    // A plugin has no results channel: errors fail the build, the rest goes to stderr.
    let mut outcome = finish(
        &list,
        &mut generation.edits,
        results,
        false,
        StderrResults::ErrorsAndWarnings,
    );
    if outcome.exit_code != exit::OK {
        outcome.stdout = Spliced::default();
    }
    if names_only_the_temporary_config(&outcome.results, config_origin) {
        outcome.stderr.push_str(&format!(
            "note: kustomize hands the plugin a re-serialised copy of its config \
             ({config_origin}); to have messages name the config's own file, add \
             `buildMetadata: [originAnnotations]` to the kustomization\n"
        ));
    }
    outcome.generation = Some(generation);
    outcome
}

/// Whether a message about the plugin's config can name only kustomize's temporary copy of
/// it (`kust-plugin-config-<digits>`, kustomize api `execplugin.go`): no origin annotation.
fn names_only_the_temporary_config(results: &[KrmResult], config_origin: &str) -> bool {
    let temporary = std::path::Path::new(config_origin)
        .file_name()
        .is_some_and(|name| name.to_string_lossy().starts_with("kust-plugin-config-"));
    temporary
        && results.iter().any(|r| {
            r.severity != Severity::Info
                && r.subject == Some(results::Subject::FunctionConfig)
                && r.file.as_ref().is_some_and(|f| f.path == config_origin)
        })
}

/// The mode `data.mode` of a ConfigMap functionConfig picks.
fn config_mode(list: &ResourceList<'_>) -> Option<Mode> {
    let node = list.function_config.as_ref()?;
    let mut budget = ExpansionBudget::new(16);
    if node.get("kind", &mut budget).ok()??.scalar_text()? != "ConfigMap" {
        return None;
    }
    let value = node.at(&["data", config::MODE_KEY], &mut budget).ok()??;
    Mode::from_data(value.scalar_text()?)
}

/// Check mode on a read list: generation runs only to compare; the findings are the results.
/// `options` are notification-controller's flags the routes are proven under.
pub fn check_list(
    list: &ResourceList<'_>,
    limits: &Limits,
    app_label: &str,
    options: &Options,
) -> Vec<KrmResult> {
    let problems = field_problems(list);
    if !problems.is_empty() {
        return problems;
    }
    let generation = generate::generate(list, limits);
    // Generation's warnings that the audit turns into errors are reported once, by it.
    let mut results: Vec<KrmResult> = generation
        .results
        .iter()
        .enumerate()
        .filter(|(position, r)| {
            r.severity != Severity::Info && !generation.audited.contains(position)
        })
        .map(|(_, r)| r.clone())
        .collect();
    if has_errors(&results) {
        return results;
    }
    results.extend(built_hint(list));
    let audit = crate::audit::audit(list, Some(&generation), app_label, &reader(limits), options);
    results.extend(audit.findings);
    results
}

/// `check` on a built stream (what `kubectl kustomize` prints, as CI has it): no configs and
/// no generation, so nothing is stale; coverage, overlaps and every route are checked against
/// the Alerts the build holds.
pub fn check_built(
    list: &ResourceList<'_>,
    limits: &Limits,
    app_label: &str,
    options: &Options,
) -> Vec<KrmResult> {
    let mut results = field_problems(list);
    if !results.is_empty() {
        return results;
    }
    results.extend(built_notes(list));
    let audit = crate::audit::audit(list, None, app_label, &reader(limits), options);
    results.extend(audit.findings);
    results
}

/// `explain` on a read list: where `query`'s event goes in the build, after generation
/// (`built` false: a package or a ResourceList, whose configs generate their objects first) or
/// as it is (`built`: a built stream). Configs that cannot be applied, and items whose fields
/// have the wrong shape, are the answer instead (errors).
pub fn explain_list(
    list: &ResourceList<'_>,
    built: bool,
    query: &EventQuery,
    options: &Options,
    limits: &Limits,
) -> Result<Explanation, Vec<KrmResult>> {
    let problems = field_problems(list);
    if !problems.is_empty() {
        return Err(problems);
    }
    let reader = reader(limits);
    if built {
        let mut explanation = crate::audit::explain(list, None, query, options, &reader);
        let mut notes = built_notes(list);
        notes.append(&mut explanation.warnings);
        explanation.warnings = notes;
        return Ok(explanation);
    }
    let generation = generate::generate(list, limits);
    if has_errors(&generation.results) {
        return Err(generation.results);
    }
    let mut explanation = crate::audit::explain(list, Some(&generation), query, options, &reader);
    let mut warnings: Vec<KrmResult> = generation
        .results
        .into_iter()
        .filter(|r| r.severity == Severity::Warning)
        .collect();
    warnings.append(&mut explanation.warnings);
    explanation.warnings = warnings;
    Ok(explanation)
}

/// The objects of the build an event can be about (for a picker: the playground's), after
/// `generation` when given.
pub fn event_subjects(
    list: &ResourceList<'_>,
    generation: Option<&Generation>,
    limits: &Limits,
) -> Vec<crate::dispatch::ObjectRef> {
    crate::audit::subjects(list, generation, &reader(limits))
}

/// A package with objects generated by app-notifications but no config at all is most likely
/// a build's output read as a package, where every generated object looks stale: say how to
/// read it as a build.
pub fn built_hint(list: &ResourceList<'_>) -> Option<KrmResult> {
    let configs =
        list.function_config.is_some() || list.items.iter().any(|i| i.fields.kind == config::KIND);
    let generated = list
        .items
        .iter()
        .filter(|i| generate::generated_by(i).is_some())
        .count();
    (!configs && generated > 0).then(|| {
        KrmResult::warning(format!(
            "the package holds {generated} objects generated by app-notifications but no \
             AppNotifications, so as a package they are all stale (hint: if this is a build's \
             output, e.g. from kubectl kustomize, read it as one: `app-notifications check - < \
             FILE`, `app-notifications report - < FILE`)"
        ))
    })
}

/// A built stream that still holds configs was not built by kustomize with the function (which
/// consumes them): say that it is read as it is.
pub fn built_notes(list: &ResourceList<'_>) -> Vec<KrmResult> {
    let configs = list
        .items
        .iter()
        .filter(|i| {
            i.fields.kind == config::KIND
                && config::API_VERSION.split_once('/').map(|(g, _)| g) == Some(i.fields.group())
        })
        .count();
    if configs == 0 {
        return Vec::new();
    }
    vec![KrmResult::warning(format!(
        "the stream holds {configs} AppNotifications; a built stream is read as it is, without \
         generating from them (hint: to check a package against its configs, pass its \
         directory instead of `-`)"
    ))]
}

/// The function's work on a read list: items whose fields have the wrong shape are errors;
/// otherwise generation decides the edits.
pub fn process(list: &ResourceList<'_>, limits: &Limits) -> Generation {
    let problems = field_problems(list);
    if !problems.is_empty() {
        return Generation {
            results: problems,
            ..Generation::default()
        };
    }
    generate::generate(list, limits)
}

/// A field the function reads with a shape Kubernetes would reject (or an alias bomb in it)
/// is an error: the function cannot say what the object is.
pub fn field_problems(list: &ResourceList<'_>) -> Vec<KrmResult> {
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

/// Applies the edits (or none, on error) and sets the results; those `stderr` says are also
/// written to stderr, where kustomize and CI logs show them.
fn finish<'a>(
    list: &ResourceList<'a>,
    edits: &mut Edits,
    results: Vec<KrmResult>,
    with_results: bool,
    stderr: StderrResults,
) -> Outcome<'a> {
    let failed = has_errors(&results);
    let mut empty = Edits::default();
    // Nothing lost: on error the items go back exactly as they came.
    let output = if failed { &mut empty } else { edits };
    if with_results && !results.is_empty() {
        output.results = Some(results.iter().map(KrmResult::to_value).collect());
    }
    let stderr = results
        .iter()
        .filter(|r| stderr.shows(r.severity))
        .map(|r| format!("{}\n", r.to_line()))
        .collect();
    Outcome {
        stdout: Splice::new(list).render(output),
        list: None,
        results,
        generation: None,
        stderr,
        exit_code: if failed {
            exit::FUNCTION_ERROR
        } else {
            exit::OK
        },
    }
}
