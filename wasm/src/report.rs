//! The coverage report and the browser playground: `report` draws a ResourceList's coverage
//! in any report format, `playground` runs the function on an overlay's resources and a config
//! typed into two editors. Both are thin: the work is in [`crate::playground`], which draws
//! with the same `app_notifications::report` as `app-notifications report`.

use app_notifications::config::APP_NAME_LABEL;
use app_notifications::dispatch::Options;
use app_notifications::report::Format;
use app_notifications::EventQuery;

use crate::playground::{self, Failure};
use wasm_bindgen::prelude::*;

use crate::{json_value, set, ApiError, OptionsObject};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** The formats of `report` (`app-notifications report --format …`). */
export type ReportFormat = "table" | "json" | "markdown" | "mermaid" | "dot" | "svg";

/** Options of `report` and `playground`. */
export interface ReportOptions {
  /** The label that names an app on its appliers (`--app-label`; default `app.kubernetes.io/name`). */
  appLabel?: string;
  limits?: Limits;
}

/** Which text a position is in: the playground's two editors, or `report`'s ResourceList. */
export type Origin = "resources" | "config" | "input";

/** A place in one of the texts, 1-based as editors count (columns in characters). */
export interface Position {
  origin: Origin;
  line: number;
  column: number;
  /** The document of the resources (or the entry of a ResourceList's `items`), from 0. */
  item: number | null;
}

/** A result of the function and, when it can be placed, where in the typed text it points. */
export interface PlaygroundResult extends KrmResult {
  position?: Position;
}

/** What the playground shows for one pair of texts. */
export interface PlaygroundOutcome {
  /** The ResourceList the function ran on: the resources as `items`, the config as `functionConfig`. */
  input: string;
  /** What the function wrote (the input with the generated objects and `results`). */
  output: string;
  /** 0 ok, 1 function error (then nothing is generated). */
  exitCode: number;
  /** The generated Alerts and Providers as a YAML stream, as `app-notifications render` prints them. */
  generated: string;
  /** The same objects as values. */
  objects: JsonValue[];
  /** Every result, info included, in the function's order. */
  results: PlaygroundResult[];
  /** The coverage picture (app → environment → Alert → Provider → objects); `null` on error. */
  svg: string | null;
  /** The objects an event can be about (for `explain`), by kind, namespace and name; empty on error. */
  subjects: { kind: string; namespace: string; name: string }[];
}

/** The event `explain` follows: the object it is about, as `--event KIND/NAMESPACE/NAME`. */
export interface ExplainEvent {
  kind: string;
  namespace: string;
  name: string;
  /** `"info"` (default) or `"error"`. */
  severity?: "info" | "error";
  /** The event's message (inclusion and exclusion lists are matched against it); default empty. */
  message?: string;
  /** Keys the controller adds (`--metadata KEY=VALUE`); the object's own event annotations win. */
  metadata?: { [key: string]: string };
}

/** Options of `explain`. */
export interface ExplainOptions {
  /** Dispatch as notification-controller does with `--no-cross-namespace-refs`. */
  noCrossNamespaceRefs?: boolean;
  limits?: Limits;
}

/** `app-notifications explain --format json`: where an event goes. */
export interface Explanation {
  event: {
    apiVersion: string;
    kind: string;
    namespace: string | null;
    name: string;
    severity: string;
    message: string;
    /** What notification-controller keeps of the event's metadata. */
    metadata: { [key: string]: string };
    /** The keys it drops on receipt. */
    droppedMetadata: string[];
  };
  notifications: { alert: string; provider: string; metadata: { [key: string]: string }; conflicts: string[] }[];
  skipped: { alert: string; reason: string }[];
}

/** `explain`'s answer. */
export interface ExplainOutcome {
  /** `null` when the config cannot be applied (the errors are in `results`). */
  explanation: Explanation | null;
  /** The same as `app-notifications explain` prints it. */
  text: string | null;
  /** Warnings (an object not in the build, patterns that do not compile), or the errors. */
  results: PlaygroundResult[];
}

/**
 * Thrown by `report` and `playground` when a text cannot be read (YAML, encoding, not a
 * ResourceList, a second document in the config), and by `report` when a config cannot be
 * applied. `message` starts with `origin:line:column` when there is a position.
 */
export interface InputError extends Error {
  origin?: Origin;
  line?: number;
  column?: number;
  item?: number;
}
"#;

/// A failure as the `InputError` above.
fn input_error(failure: &Failure) -> JsValue {
    let error: JsValue = js_sys::Error::new(&failure.message).into();
    if let Some(position) = failure.position {
        set(
            &error,
            "origin",
            &JsValue::from_str(position.origin.as_str()),
        );
        set(&error, "line", &JsValue::from_f64(position.line as f64));
        set(&error, "column", &JsValue::from_f64(position.column as f64));
        if let Some(item) = position.item {
            set(&error, "item", &JsValue::from_f64(item as f64));
        }
    }
    error
}

/// `appLabel` and `limits` of either export.
fn read_options(
    options: Option<&JsValue>,
) -> Result<(String, app_notifications::Limits), ApiError> {
    let options = OptionsObject::read(options, "options", &["appLabel", "limits"])?;
    let app_label = options
        .string("appLabel")?
        .unwrap_or_else(|| APP_NAME_LABEL.to_string());
    Ok((app_label, options.limits()?))
}

#[wasm_bindgen]
extern "C" {
    /// `ReportOptions` (TypeScript above); an extern type keeps the parameter optional in the
    /// generated `.d.ts` (`options?: ReportOptions`).
    #[wasm_bindgen(typescript_type = "ReportOptions")]
    pub type ReportOptionsArg;
    /// `ExplainEvent` (TypeScript above).
    #[wasm_bindgen(typescript_type = "ExplainEvent")]
    pub type ExplainEventArg;
    /// `ExplainOptions` (TypeScript above).
    #[wasm_bindgen(typescript_type = "ExplainOptions")]
    pub type ExplainOptionsArg;
}

/// `event` read strictly: known keys only, the right types, a severity Flux sends.
fn read_event(event: Option<&JsValue>) -> Result<EventQuery, ApiError> {
    let event = OptionsObject::read(
        event,
        "event",
        &[
            "kind",
            "namespace",
            "name",
            "severity",
            "message",
            "metadata",
        ],
    )?;
    let required = |key: &str| -> Result<String, ApiError> {
        event.string(key)?.filter(|s| !s.is_empty()).ok_or_else(|| {
            ApiError::type_error(&format!("event.{key}"), "expected a non-empty string")
        })
    };
    let severity = event.string("severity")?.unwrap_or_else(|| "info".into());
    if severity != "info" && severity != "error" {
        return Err(ApiError::range_error(
            "event.severity",
            format!("`{severity}` is not a severity (expected \"info\" or \"error\")"),
        ));
    }
    Ok(EventQuery {
        kind: required("kind")?,
        namespace: required("namespace")?,
        name: required("name")?,
        severity,
        message: event.string("message")?.unwrap_or_default(),
        metadata: event.string_map("metadata")?,
    })
}

/// Where an object's event goes in the build of `resources` and `config` (run through the
/// function as `playground` runs them), through the model of notification-controller: what
/// `app-notifications explain --format json` answers, with its text and the results placed in
/// the texts. Throws an `InputError` when a text cannot be read, a `TypeError`/`RangeError` for
/// a bad event or bad options.
#[wasm_bindgen(unchecked_return_type = "ExplainOutcome")]
pub fn explain(
    resources: &str,
    config: &str,
    event: ExplainEventArg,
    options: Option<ExplainOptionsArg>,
) -> Result<JsValue, JsValue> {
    let query = read_event(Some(event.as_ref()))?;
    let options = OptionsObject::read(
        options.as_ref().map(AsRef::as_ref),
        "options",
        &["noCrossNamespaceRefs", "limits"],
    )?;
    let dispatch = Options {
        no_cross_namespace_refs: options.bool("noCrossNamespaceRefs")?.unwrap_or(false),
    };
    let limits = options.limits()?;
    let answer = playground::explain(resources, config, &query, &dispatch, &limits)
        .map_err(|f| input_error(&f))?;
    Ok(json_value(&answer.to_value()))
}

/// The coverage report of a ResourceList (YAML or JSON) in `format`, exactly as
/// `app-notifications report --format <format>` prints it for the same objects. Throws an
/// `InputError` when the list cannot be read or its configs cannot be applied, a `RangeError`
/// for an unknown format, a `TypeError` for bad options.
#[wasm_bindgen]
pub fn report(
    input: &str,
    #[wasm_bindgen(unchecked_param_type = "ReportFormat")] format: &str,
    options: Option<ReportOptionsArg>,
) -> Result<String, JsValue> {
    let Some(format) = Format::from_name(format) else {
        let names: Vec<&str> = Format::NAMES.iter().map(|(name, _)| *name).collect();
        return Err(ApiError::range_error(
            "format",
            format!(
                "`{format}` is not a report format (expected one of: {})",
                names.join(", ")
            ),
        )
        .into());
    };
    let (app_label, limits) = read_options(options.as_ref().map(AsRef::as_ref))?;
    playground::report(input, format, &app_label, &limits).map_err(|f| input_error(&f))
}

/// Runs the KRM function on `resources` (a YAML stream: an overlay's objects, one per
/// document) with `config` (an AppNotifications or ConfigMap; blank: every AppNotifications
/// among the resources is a config), as kustomize runs a transformer. Function errors are
/// results in the answer, placed on their lines; only text that cannot be read throws an
/// `InputError` (bad options: `TypeError`/`RangeError`).
#[wasm_bindgen(unchecked_return_type = "PlaygroundOutcome")]
pub fn playground(
    resources: &str,
    config: &str,
    options: Option<ReportOptionsArg>,
) -> Result<JsValue, JsValue> {
    let (app_label, limits) = read_options(options.as_ref().map(AsRef::as_ref))?;
    let outcome = playground::playground(resources, config, &app_label, &limits)
        .map_err(|f| input_error(&f))?;
    Ok(json_value(&outcome.to_value()))
}
