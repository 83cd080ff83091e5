//! The coverage report of a ResourceList, and the playground: an overlay's resources (a YAML
//! stream) and a config (its own text) run through the KRM function, with every problem placed
//! on a line of the text the user typed.
//!
//! Like `app-notifications report`, both draw with [`report::report_list`] / [`report::draw`],
//! so every front end draws the same report. Only this module knows the shape JS wants.

use std::fmt;

use app_notifications::config::Mode;
use app_notifications::dispatch::Options;
use app_notifications::report::{self, Format};
use app_notifications::report::{explanation_json, explanation_text};
use app_notifications::resource_list::locate::{locate, parse_field_path, Segment};
use app_notifications::resource_list::{write_resource_list, ReadError, ResourceList};
use app_notifications::results::{KrmResult, Severity, Subject};
use app_notifications::yaml::emit::EmitStyle;
use app_notifications::{
    document_text, event_subjects, exit, explain_list, reader, try_run_krm, EventQuery, Limits,
    StderrResults,
};
use serde_json::{json, Value};

/// Which text a position is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The playground's resources (a YAML stream).
    Resources,
    /// The playground's config.
    Config,
    /// The ResourceList given to [`report`].
    Input,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Resources => "resources",
            Origin::Config => "config",
            Origin::Input => "input",
        }
    }
}

/// Where a problem is: a line and column of one of the texts, and the item it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub origin: Origin,
    pub line: usize,
    pub column: usize,
    /// The document of the resources (or the entry of `items`) it is in, from 0.
    pub item: Option<usize>,
}

impl Position {
    pub fn to_value(&self) -> Value {
        json!({
            "origin": self.origin.as_str(),
            "line": self.line,
            "column": self.column,
            "item": self.item,
        })
    }
}

/// Input that cannot be read, or a report that cannot be drawn: the message (which starts with
/// `<origin>:<line>:<column>` when it has a position) and the position for an editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
    pub position: Option<Position>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

fn read_failure(err: &ReadError, origin: Origin, item: Option<usize>) -> Failure {
    Failure {
        message: err.to_string(),
        position: err.location.map(|l| Position {
            origin,
            line: l.line,
            column: l.column,
            item,
        }),
    }
}

fn field_path(result: &KrmResult) -> Vec<Segment> {
    parse_field_path(result.field_path.as_deref().unwrap_or_default())
}

/// The report of a ResourceList (`input`, YAML or JSON). Unreadable input fails with its
/// position; so do configs that cannot be applied, with every error in the message (one per
/// line, as the command line prints them) and the first one's position.
pub fn report(
    input: &str,
    format: Format,
    app_label: &str,
    limits: &Limits,
) -> Result<String, Failure> {
    let list = reader(limits)
        .resource_list(input, Origin::Input.as_str())
        .map_err(|err| read_failure(&err, Origin::Input, None))?;
    report::report_list(&list, format, app_label, limits).map_err(|results| {
        let errors: Vec<&KrmResult> = results
            .iter()
            .filter(|r| r.severity == Severity::Error)
            .collect();
        Failure {
            message: errors
                .iter()
                .map(|r| r.to_line())
                .collect::<Vec<_>>()
                .join("\n"),
            position: errors
                .first()
                .and_then(|r| position_in_list(input, &list, r, limits)),
        }
    })
}

/// A result's position in a ResourceList: in its item, or in the functionConfig.
fn position_in_list(
    input: &str,
    list: &ResourceList<'_>,
    result: &KrmResult,
    limits: &Limits,
) -> Option<Position> {
    let (at, item) = match result.subject? {
        Subject::Item(index) => {
            let at = list.locate(list.items.get(index)?, &field_path(result), limits)?;
            (at, Some(index))
        }
        Subject::FunctionConfig => {
            list.function_config.as_ref()?;
            let mut path = vec![Segment::Key("functionConfig".into())];
            path.extend(field_path(result));
            (locate(input, &path, limits)?, None)
        }
    };
    Some(Position {
        origin: Origin::Input,
        line: at.line,
        column: at.column,
        item,
    })
}

/// The two texts the playground reads, checked on their own so that a problem is reported at
/// its line in the text the user typed, not in the list built from them.
struct Inputs<'a> {
    stream: ResourceList<'a>,
    /// The config's text and the one document it holds; `None` when the config is blank
    /// (discovery: every AppNotifications among the resources is a config).
    config: Option<(&'a str, ResourceList<'a>)>,
}

impl<'a> Inputs<'a> {
    fn read(resources: &'a str, config: &'a str, limits: &Limits) -> Result<Self, Failure> {
        let reader = reader(limits);
        let stream = reader
            .stream(resources, Origin::Resources.as_str())
            .map_err(|err| read_failure(&err, Origin::Resources, None))?;
        let config = if config.trim().is_empty() {
            None
        } else {
            let list = reader
                .stream(config, Origin::Config.as_str())
                .map_err(|err| read_failure(&err, Origin::Config, None))?;
            match list.items.len() {
                0 => None,
                1 => Some((config, list)),
                _ => {
                    let second = &list.items[1];
                    return Err(Failure {
                        message: format!(
                            "config:{}:1: a second document (hint: the config is one \
                             AppNotifications or ConfigMap; put other objects into the \
                             resources)",
                            second.line
                        ),
                        position: Some(Position {
                            origin: Origin::Config,
                            line: second.line,
                            column: 1,
                            item: None,
                        }),
                    });
                }
            }
        };
        Ok(Inputs { stream, config })
    }

    /// The ResourceList kustomize or kpt would send for these texts: the resources as `items`,
    /// the config as `functionConfig`.
    fn resource_list(&self) -> String {
        write_resource_list(
            self.stream.items.iter().map(|item| item.document_text()),
            self.config.as_ref().map(|(text, _)| *text),
        )
    }

    /// Where a result points: in the resources document it is about (the list's items are the
    /// documents, in order), or in the config.
    fn position(&self, result: &KrmResult, limits: &Limits) -> Option<Position> {
        match result.subject? {
            Subject::Item(index) => {
                let item = self.stream.items.get(index)?;
                let at = self.stream.locate(item, &field_path(result), limits)?;
                Some(Position {
                    origin: Origin::Resources,
                    line: at.line,
                    column: at.column,
                    item: Some(index),
                })
            }
            Subject::FunctionConfig => {
                let (_, list) = self.config.as_ref()?;
                let at = list.locate(list.items.first()?, &field_path(result), limits)?;
                Some(Position {
                    origin: Origin::Config,
                    line: at.line,
                    column: at.column,
                    item: None,
                })
            }
        }
    }
}

/// A result and where it points.
#[derive(Debug, Clone)]
pub struct Located {
    pub result: KrmResult,
    pub position: Option<Position>,
}

impl Located {
    /// The result in the KRM shape, plus `position` when it has one.
    pub fn to_value(&self) -> Value {
        let mut value = self.result.to_value();
        if let (Some(position), Some(map)) = (self.position, value.as_object_mut()) {
            map.insert("position".into(), position.to_value());
        }
        value
    }
}

/// What the playground shows for one pair of texts.
#[derive(Debug, Clone)]
pub struct Playground {
    /// The ResourceList the function ran on: the resources as `items`, the config as
    /// `functionConfig`.
    pub input: String,
    /// What the function wrote: the input with generated objects and results spliced in.
    pub output: String,
    /// The function's exit code: 0 ok, 1 error (nothing generated).
    pub exit_code: i32,
    /// The generated Alerts and Providers, as a YAML stream (what `render` prints).
    pub generated: String,
    /// The same objects as values.
    pub objects: Vec<Value>,
    /// Every result, in the function's order, with its position.
    pub results: Vec<Located>,
    /// The coverage picture; `None` when the function failed.
    pub svg: Option<String>,
    /// The objects an event can be about, for [`explain`] (empty when the function failed).
    pub subjects: Vec<Value>,
}

impl Playground {
    pub fn to_value(&self) -> Value {
        json!({
            "input": self.input,
            "output": self.output,
            "exitCode": self.exit_code,
            "generated": self.generated,
            "objects": self.objects,
            "results": self.results.iter().map(Located::to_value).collect::<Vec<_>>(),
            "svg": self.svg,
            "subjects": self.subjects,
        })
    }
}

/// Runs the KRM function on `resources` (a YAML stream) with `config` (blank: discovery), as
/// kustomize runs a transformer on an overlay. Unreadable text fails with its position in that
/// text; everything else, errors included, is in the answer.
///
/// The ResourceList is written out on purpose: it is what the page shows as the function's
/// input, and running the function on those very bytes is what kustomize would do.
pub fn playground(
    resources: &str,
    config: &str,
    app_label: &str,
    limits: &Limits,
) -> Result<Playground, Failure> {
    let inputs = Inputs::read(resources, config, limits)?;
    let input = inputs.resource_list();
    let outcome = try_run_krm(
        input.as_bytes(),
        "playground",
        limits,
        Mode::Generate,
        app_label,
        StderrResults::Errors,
    )
    .map_err(|err| Failure {
        message: err.to_string(),
        position: None,
    })?;
    let results = outcome
        .results
        .iter()
        .map(|result| Located {
            result: result.clone(),
            position: inputs.position(result, limits),
        })
        .collect();
    let mut answer = Playground {
        output: outcome.stdout.to_string(),
        exit_code: outcome.exit_code,
        input: String::new(),
        generated: String::new(),
        objects: Vec::new(),
        results,
        svg: None,
        subjects: Vec::new(),
    };
    if let (exit::OK, Some(list), Some(generation)) =
        (outcome.exit_code, &outcome.list, &outcome.generation)
    {
        let edits = &generation.edits;
        answer.objects = edits
            .replace
            .iter()
            .map(|(_, value)| value.clone())
            .chain(edits.append.iter().cloned())
            .collect();
        let style = EmitStyle::default();
        answer.generated = answer
            .objects
            .iter()
            .map(|object| document_text(object, &style))
            .collect::<Vec<_>>()
            .join("---\n");
        answer.svg = Some(report::draw(
            list,
            Some(generation),
            Format::Svg,
            app_label,
            limits,
        ));
        answer.subjects = event_subjects(list, Some(generation), limits)
            .into_iter()
            .map(|r| json!({"kind": r.kind, "namespace": r.namespace, "name": r.name}))
            .collect();
    }
    drop(outcome);
    answer.input = input;
    Ok(answer)
}

/// Where an event goes, for the playground: the explanation (the same JSON as `app-notifications
/// explain --format json`) and its text, or neither when the config cannot be applied; the
/// results (warnings, or the errors) placed in the texts.
#[derive(Debug, Clone)]
pub struct Explained {
    pub explanation: Option<Value>,
    pub text: Option<String>,
    pub results: Vec<Located>,
}

impl Explained {
    pub fn to_value(&self) -> Value {
        json!({
            "explanation": self.explanation,
            "text": self.text,
            "results": self.results.iter().map(Located::to_value).collect::<Vec<_>>(),
        })
    }
}

/// `explain` on the playground's texts: the resources and the config run through generation as
/// [`playground`] runs them, then `query`'s event through the model of notification-controller.
pub fn explain(
    resources: &str,
    config: &str,
    query: &EventQuery,
    options: &Options,
    limits: &Limits,
) -> Result<Explained, Failure> {
    let inputs = Inputs::read(resources, config, limits)?;
    let input = inputs.resource_list();
    let list = reader(limits)
        .resource_list(&input, "playground")
        .map_err(|err| Failure {
            message: err.to_string(),
            position: None,
        })?;
    let locate = |results: Vec<KrmResult>| -> Vec<Located> {
        results
            .into_iter()
            .map(|result| Located {
                position: inputs.position(&result, limits),
                result,
            })
            .collect()
    };
    Ok(match explain_list(&list, false, query, options, limits) {
        Ok(mut explanation) => {
            let warnings = std::mem::take(&mut explanation.warnings);
            Explained {
                explanation: Some(explanation_json(&explanation)),
                text: Some(explanation_text(&explanation)),
                results: locate(warnings),
            }
        }
        Err(errors) => Explained {
            explanation: None,
            text: None,
            results: locate(errors),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use app_notifications::config::APP_NAME_LABEL;

    const RESOURCES: &str = "# the overlay\napiVersion: kustomize.toolkit.fluxcd.io/v1\n\
        kind: Kustomization\nmetadata:\n  name: web\n  namespace: shop\n  labels:\n    \
        app.kubernetes.io/name: shop\nspec:\n  interval: 5m\n---\n\
        apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cache\n  \
        namespace: shop\n  labels:\n    app.kubernetes.io/name: shop\nspec:\n  interval: 5m\n";
    const CONFIG: &str = "apiVersion: app-notifications.dev/v1alpha1\nkind: AppNotifications\n\
        metadata:\n  name: shop\nspec:\n  environment: production\n  alerts:\n  - \
        providerRef: slack\n";

    fn run(resources: &str, config: &str) -> Result<Playground, Failure> {
        playground(resources, config, APP_NAME_LABEL, &Limits::default())
    }

    #[test]
    fn generates_the_alert_with_its_picture() {
        let answer = run(RESOURCES, CONFIG).unwrap();
        assert_eq!(answer.exit_code, 0, "{:?}", answer.results);
        assert_eq!(answer.objects.len(), 1);
        assert_eq!(answer.objects[0]["metadata"]["name"], "shop-production");
        let sources = &answer.objects[0]["spec"]["eventSources"];
        assert_eq!(sources[0]["name"], "cache");
        assert_eq!(sources[1]["kind"], "Kustomization");
        assert!(answer.generated.contains("name: shop-production\n"));
        assert!(!answer.generated.contains("internal.config.kubernetes.io"));
        assert!(answer.output.contains("name: shop-production"));
        let svg = answer.svg.unwrap();
        assert!(svg.contains("shop/web") && svg.contains("shop/cache"));
        assert!(answer
            .input
            .starts_with("apiVersion: config.kubernetes.io/v1\n"));
    }

    #[test]
    fn a_bad_config_value_points_at_its_line() {
        let config = CONFIG.replace("providerRef: slack", "providerRef: slack\n    tone: loud");
        let answer = run(RESOURCES, &config).unwrap();
        assert_eq!(answer.exit_code, 1);
        assert!(answer.objects.is_empty() && answer.svg.is_none());
        let error = &answer.results[0];
        assert_eq!(
            error.result.field_path.as_deref(),
            Some("spec.alerts[0].tone")
        );
        assert_eq!(
            error.position,
            Some(Position {
                origin: Origin::Config,
                line: 9,
                column: 5,
                item: None
            })
        );
    }

    #[test]
    fn a_problem_in_a_resource_points_at_its_document() {
        // A second, discovered config for the same app in the resources.
        let resources = format!(
            "{RESOURCES}---\n{}",
            CONFIG.replace("environment: production", "environment: 7")
        );
        let answer = run(&resources, "").unwrap();
        let error = answer
            .results
            .iter()
            .find(|r| r.position.is_some_and(|p| p.item == Some(2)))
            .unwrap_or_else(|| panic!("{:#?}", answer.results));
        let position = error.position.unwrap();
        assert_eq!(position.origin, Origin::Resources);
        // The discovered config starts on line 22; its field is below that.
        assert!(position.line > 22, "{position:?}");
    }

    #[test]
    fn unreadable_text_fails_with_its_position() {
        let err = run(RESOURCES, "kind: [unclosed\n").unwrap_err();
        let position = err.position.unwrap();
        assert_eq!(position.origin, Origin::Config);
        assert!(err.message.starts_with("config:"), "{}", err.message);

        let err = run("a: b\n---\n- not an object\n", CONFIG).unwrap_err();
        let position = err.position.unwrap();
        assert_eq!((position.origin, position.line), (Origin::Resources, 3));

        let err = run(RESOURCES, &format!("{CONFIG}---\n{CONFIG}")).unwrap_err();
        assert_eq!(err.position.unwrap().line, 10);
    }

    #[test]
    fn the_list_holds_every_document_and_the_config() {
        let resources = format!("%YAML 1.2\n---\n{RESOURCES}");
        let text = Inputs::read(&resources, CONFIG, &Limits::default())
            .unwrap()
            .resource_list();
        let list = reader(&Limits::default())
            .resource_list(&text, "t")
            .unwrap();
        assert_eq!(list.items.len(), 2);
        assert!(list.function_config.is_some());
    }

    fn query(kind: &str, name: &str, severity: &str) -> EventQuery {
        EventQuery {
            kind: kind.into(),
            namespace: "shop".into(),
            name: name.into(),
            severity: severity.into(),
            message: String::new(),
            metadata: Vec::new(),
        }
    }

    #[test]
    fn the_playground_lists_the_objects_an_event_can_be_about() {
        let answer = run(RESOURCES, CONFIG).unwrap();
        let subjects: Vec<String> = answer
            .subjects
            .iter()
            .map(|s| format!("{} {}/{}", s["kind"], s["namespace"], s["name"]))
            .collect();
        assert_eq!(
            subjects,
            [
                r#""HelmRelease" "shop"/"cache""#,
                r#""Kustomization" "shop"/"web""#
            ]
        );
    }

    #[test]
    fn explain_follows_an_event_to_the_generated_alert() {
        let limits = Limits::default();
        let options = Options::default();
        let event = query("Kustomization", "web", "info");
        // The config's Provider is neither generated nor among the resources: not sent, and
        // generation warns that it must exist in the cluster.
        let answer = explain(RESOURCES, CONFIG, &event, &options, &limits).unwrap();
        let explanation = answer.explanation.unwrap();
        assert_eq!(explanation["notifications"], json!([]));
        let reason = explanation["skipped"][0]["reason"].as_str().unwrap();
        assert!(
            reason.starts_with("Provider shop/slack is not in the build"),
            "{reason}"
        );
        assert_eq!(answer.results[0].result.severity, Severity::Warning);
        // With the Provider generated, the event reaches it.
        let config = format!("{CONFIG}  providers:\n  - name: slack\n    type: slack\n");
        let answer = explain(RESOURCES, &config, &event, &options, &limits).unwrap();
        let explanation = answer.explanation.unwrap();
        assert_eq!(
            explanation["notifications"][0]["alert"],
            "shop/shop-production"
        );
        assert_eq!(explanation["notifications"][0]["provider"], "shop/slack");
        assert!(answer
            .text
            .unwrap()
            .contains("Alert shop/shop-production → Provider shop/slack (slack)"));
        assert!(answer.results.is_empty(), "{:?}", answer.results);
    }

    #[test]
    fn explain_of_a_config_that_cannot_be_applied_gives_the_errors_in_place() {
        let config = CONFIG.replace("providerRef: slack", "providerRef: slack\n    tone: loud");
        let answer = explain(
            RESOURCES,
            &config,
            &query("Kustomization", "web", "info"),
            &Options::default(),
            &Limits::default(),
        )
        .unwrap();
        assert!(answer.explanation.is_none() && answer.text.is_none());
        assert_eq!(answer.results[0].position.unwrap().origin, Origin::Config);
    }

    #[test]
    fn report_errors_point_into_the_list() {
        let list = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n\
                    functionConfig:\n  apiVersion: app-notifications.dev/v1alpha1\n  kind: \
                    AppNotifications\n  metadata:\n    name: a\n  spec:\n    alerts:\n    - \
                    providerRef: slack\n      eventSeverity: loud\n";
        let err = report(list, Format::Table, APP_NAME_LABEL, &Limits::default()).unwrap_err();
        assert!(err.message.contains("eventSeverity"), "{}", err.message);
        let position = err.position.unwrap();
        assert_eq!((position.line, position.column), (12, 7));
    }
}
