//! The coverage report of a ResourceList, and the playground: an overlay's resources (a YAML
//! stream) and a config (its own text) run through the KRM function, with every problem placed
//! on a line of the text the user typed.
//!
//! The WASM exports `report` and `playground` call these; like `app-notifications report`, they
//! draw the picture with [`audit::report_list`], so every front end draws the same report.

pub mod locate;

use std::fmt;

use serde_json::{json, Value};

use crate::audit::{self, Format};
use crate::function::{self, Mode};
use crate::generate;
use crate::limits::Limits;
use crate::package::{self, Document};
use crate::resource_list::{read_resource_list, read_stream, Item, ReadError, ResourceList};
use crate::results::KrmResult;
use crate::yaml::emit::EmitStyle;

use locate::{locate, parse_field_path, LineColumn, Segment};

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

/// The report of a ResourceList (`input`, YAML or JSON). Unreadable input fails with its
/// position; so do configs that cannot be applied, with every error in the message (one per
/// line, as the command line prints them) and the first one's position.
pub fn report(
    input: &str,
    format: Format,
    app_label: &str,
    limits: &Limits,
) -> Result<String, Failure> {
    let list = read_resource_list(input, Origin::Input.as_str(), limits)
        .map_err(|err| read_failure(&err, Origin::Input, None))?;
    audit::report_list(&list, format, app_label, limits).map_err(|results| {
        let errors: Vec<&KrmResult> = results
            .iter()
            .filter(|r| r.severity == crate::results::Severity::Error)
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

/// A result's position in a ResourceList: its item (by resourceRef) under `items`, or the
/// functionConfig, then its field path inside.
fn position_in_list(
    input: &str,
    list: &ResourceList<'_>,
    result: &KrmResult,
    limits: &Limits,
) -> Option<Position> {
    let field = result
        .field_path
        .as_deref()
        .map(parse_field_path)
        .unwrap_or_default();
    let (mut path, item) = match &result.resource_ref {
        Some(_) => {
            let index = item_of(&list.items, result)?;
            (
                vec![Segment::Key("items".into()), Segment::Index(index)],
                Some(index),
            )
        }
        None if about_function_config(result) && list.function_config.is_some() => {
            (vec![Segment::Key("functionConfig".into())], None)
        }
        None => return None,
    };
    path.extend(field);
    let at = locate(input, &path, limits)?;
    Some(Position {
        origin: Origin::Input,
        line: at.line,
        column: at.column,
        item,
    })
}

/// Results about the functionConfig name no resource (it is not an item); they carry its
/// field path or say `functionConfig:`.
fn about_function_config(result: &KrmResult) -> bool {
    result.resource_ref.is_none()
        && (result.field_path.is_some() || result.message.starts_with("functionConfig"))
}

/// The item a result's resourceRef names.
fn item_of(items: &[Item<'_>], result: &KrmResult) -> Option<usize> {
    let r = result.resource_ref.as_ref()?;
    items.iter().position(|item| {
        let f = &item.fields;
        f.kind == r.kind.as_str()
            && f.name == r.name.as_str()
            && f.namespace() == r.namespace.as_deref()
    })
}

/// The text of a stream document without its `---` marker line (and any directives before
/// it), as it goes under `items:`.
fn document_body(raw: &str) -> &str {
    let mut rest = raw;
    if rest.starts_with('%') || rest.starts_with("---") {
        // Directives end at the `---` line; content may follow the marker on that line.
        let mut offset = 0;
        for line in rest.split_inclusive('\n') {
            if line.starts_with("---") {
                rest = &rest[offset + 3..];
                return rest
                    .trim_start_matches([' ', '\t'])
                    .trim_start_matches(['\r', '\n']);
            }
            offset += line.len();
        }
    }
    rest
}

/// The two texts the playground reads, checked on their own so that a problem is reported at
/// its line in the text the user typed, not in the list built from them.
struct Inputs<'a> {
    resources: &'a str,
    stream: ResourceList<'a>,
    /// The config's text and the one item it holds; `None` when the config is blank
    /// (discovery: every AppNotifications among the resources is a config).
    config: Option<(&'a str, ResourceList<'a>)>,
}

impl<'a> Inputs<'a> {
    fn read(resources: &'a str, config: &'a str, limits: &Limits) -> Result<Self, Failure> {
        let stream = read_stream(resources, Origin::Resources.as_str(), limits)
            .map_err(|err| read_failure(&err, Origin::Resources, None))?;
        let config = if config.trim().is_empty() {
            None
        } else {
            let list = read_stream(config, Origin::Config.as_str(), limits)
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
        Ok(Inputs {
            resources,
            stream,
            config,
        })
    }

    fn documents(&self) -> Vec<Document> {
        self.stream
            .items
            .iter()
            .map(|item| Document {
                path: "resources.yaml".into(),
                index: item.index,
                text: document_body(&self.resources[item.region.clone()]).to_string(),
            })
            .collect()
    }

    /// Where a result points: the resources document its resourceRef names, or the config.
    fn position(&self, result: &KrmResult, limits: &Limits) -> Option<Position> {
        let field = result
            .field_path
            .as_deref()
            .map(parse_field_path)
            .unwrap_or_default();
        if let Some(index) = item_of(&self.stream.items, result) {
            let item = &self.stream.items[index];
            let text = &self.resources[item.region.clone()];
            let at = locate(text, &field, limits)?;
            // The document's text starts at the start of a line: only lines shift.
            let before = self.resources[..item.region.start].matches('\n').count();
            return Some(Position {
                origin: Origin::Resources,
                line: at.line + before,
                column: at.column,
                item: Some(index),
            });
        }
        let (text, list) = self.config.as_ref()?;
        let names_config = match &result.resource_ref {
            Some(r) => list.items.first().is_some_and(|c| {
                c.fields.kind == r.kind.as_str() && c.fields.name == r.name.as_str()
            }),
            None => about_function_config(result),
        };
        if !names_config {
            return None;
        }
        let LineColumn { line, column } = locate(text, &field, limits)?;
        Some(Position {
            origin: Origin::Config,
            line,
            column,
            item: None,
        })
    }
}

/// A ResourceList of `resources` (a YAML stream, one object per document) as `items` and
/// `config` (blank for none) as the `functionConfig`: what kustomize or kpt would hand the
/// function for that overlay.
pub fn resource_list(resources: &str, config: &str, limits: &Limits) -> Result<String, Failure> {
    let inputs = Inputs::read(resources, config, limits)?;
    Ok(package::resource_list(
        &inputs.documents(),
        inputs.config.as_ref().map(|(text, _)| *text),
    ))
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
    /// The ResourceList the function ran on (see [`resource_list`]).
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
        })
    }
}

/// Runs the KRM function on `resources` (a YAML stream) with `config` (blank: discovery), as
/// kustomize runs a transformer on an overlay. Unreadable text fails with its position in that
/// text; everything else, errors included, is in the answer.
pub fn playground(
    resources: &str,
    config: &str,
    app_label: &str,
    limits: &Limits,
) -> Result<Playground, Failure> {
    let inputs = Inputs::read(resources, config, limits)?;
    let input = package::resource_list(
        &inputs.documents(),
        inputs.config.as_ref().map(|(text, _)| *text),
    );
    let outcome = function::try_run_krm(
        input.as_bytes(),
        "playground",
        limits,
        Mode::Generate,
        app_label,
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
    };
    if let (function::exit::OK, Some(list)) = (outcome.exit_code, &outcome.list) {
        // The function succeeded, so generation does: run again for the objects and the
        // picture (the outcome keeps only the spliced text).
        let generation = generate::generate(list, limits.max_alias_expansion);
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
            .map(|object| package::document_text(object, &style))
            .collect::<Vec<_>>()
            .join("---\n");
        answer.svg = Some(audit::draw_report(
            list,
            &generation,
            Format::Svg,
            app_label,
            limits,
        ));
    }
    drop(outcome);
    answer.input = input;
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESOURCES: &str = "# the overlay\napiVersion: kustomize.toolkit.fluxcd.io/v1\n\
        kind: Kustomization\nmetadata:\n  name: web\n  namespace: shop\n  labels:\n    \
        app.kubernetes.io/name: shop\nspec:\n  interval: 5m\n---\n\
        apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: cache\n  \
        namespace: shop\n  labels:\n    app.kubernetes.io/name: shop\nspec:\n  interval: 5m\n";
    const CONFIG: &str = "apiVersion: app-notifications.dev/v1alpha1\nkind: AppNotifications\n\
        metadata:\n  name: shop\nspec:\n  environment: production\n  alerts:\n  - \
        providerRef: slack\n";

    fn run(resources: &str, config: &str) -> Result<Playground, Failure> {
        playground(
            resources,
            config,
            audit::DEFAULT_APP_LABEL,
            &Limits::default(),
        )
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
        let text = resource_list(
            &format!("%YAML 1.2\n---\n{RESOURCES}"),
            CONFIG,
            &Limits::default(),
        )
        .unwrap();
        let list = read_resource_list(&text, "t", &Limits::default()).unwrap();
        assert_eq!(list.items.len(), 2);
        assert!(list.function_config.is_some());
    }

    #[test]
    fn report_errors_point_into_the_list() {
        let list = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n\
                    functionConfig:\n  apiVersion: app-notifications.dev/v1alpha1\n  kind: \
                    AppNotifications\n  metadata:\n    name: a\n  spec:\n    alerts:\n    - \
                    providerRef: slack\n      eventSeverity: loud\n";
        let err = report(
            list,
            Format::Table,
            audit::DEFAULT_APP_LABEL,
            &Limits::default(),
        )
        .unwrap_err();
        assert!(err.message.contains("eventSeverity"), "{}", err.message);
        let position = err.position.unwrap();
        assert_eq!((position.line, position.column), (12, 7));
    }
}
