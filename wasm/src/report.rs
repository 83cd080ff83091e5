//! The coverage report and the browser playground: `report` draws a ResourceList's coverage
//! in any report format, `playground` runs the function on an overlay's resources and a config
//! typed into two editors. Both are thin: the work is in [`crate::playground`], which draws
//! with the same `app_notifications::report` as `app-notifications report`.

use app_notifications::config::APP_NAME_LABEL;
use app_notifications::report::Format;

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
