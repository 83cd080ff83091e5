//! app-notifications as WebAssembly (wasm-bindgen): the same KRM function as the native
//! binary, for Node and browsers.
//!
//! Everything here is the boundary: JS values in (options are read strictly, with typed
//! errors), the library's pure functions ([`app_notifications::run_krm`]) in the middle, JS
//! values out. Errors are typed in Rust ([`ApiError`]) and become `Error`, `TypeError` or
//! `RangeError` only when they cross into JS. `wasm/cli.mjs` is the KRM function on top of
//! these exports; `wasm/README.md` documents the API.
#![forbid(unsafe_code)]

use app_notifications::config::{self, Mode, APP_NAME_LABEL};
use app_notifications::resource_list::{ReadError, Spliced};
use app_notifications::results::KrmResult;
use app_notifications::{Limits, Outcome, StderrResults};
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

pub mod playground;
mod report;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** Bounds applied while reading input: the native binary's `--max-*` flags. */
export interface Limits {
  /** Largest input accepted, in bytes (`--max-input-bytes`; default 268435456). */
  maxInputBytes?: number;
  /** Deepest nesting of mappings and sequences, 1 to 1000 (`--max-depth`; default 200). */
  maxDepth?: number;
  /** Nodes one item's read fields may expand to through aliases (`--max-alias-expansion`; default 100000). */
  maxAliasExpansion?: number;
  /** Most items accepted in one input (`--max-items`; default 1000000). */
  maxItems?: number;
}

/** Options of `runKrm` and `processResourceList`: the native binary's KRM-mode flags. */
export interface RunOptions {
  /** Validator mode (`--check`): change nothing, fail on stale, uncovered or overlapping coverage. */
  check?: boolean;
  /** The label that names an app on its appliers (`--app-label`; default `app.kubernetes.io/name`). */
  appLabel?: string;
  limits?: Limits;
  /**
   * Also write warnings to `stderr`, not only errors, as the native binary does when
   * `LOG_TO_STDERR=true` (kustomize sets it for container functions and shows no results).
   * Every result is in the output's `results` either way.
   */
  logToStderr?: boolean;
}

/** Options of `runLegacyPlugin`. */
export interface LegacyPluginOptions {
  limits?: Limits;
}

/** `runKrmInPlace`'s answer: stdout went to the `write` callback. */
export interface RunInPlace {
  stderr: string;
  exitCode: number;
}

/** What a process would have written and returned: the native binary's stdout, stderr and exit code. */
export interface Run {
  /** Exactly the bytes the native binary writes to stdout. */
  stdout: Uint8Array;
  /** Exactly the text the native binary writes to stderr. */
  stderr: string;
  /** 0 ok, 1 function error (input items returned unchanged, with results). */
  exitCode: number;
}

export type Severity = "error" | "warning" | "info";

/** One entry of the ResourceList's `results` (the KRM functions spec's shape). */
export interface KrmResult {
  message: string;
  severity: Severity;
  resourceRef?: { apiVersion: string; kind: string; name: string; namespace?: string };
  field?: { path: string };
  file?: { path: string; index?: number };
}

/** `processResourceList`'s answer. */
export interface Processed {
  /** The output ResourceList (the input with generated objects spliced in, and `results`). */
  output: string;
  /** 0 ok, 1 function error (the items come back unchanged). */
  exitCode: number;
  /** Every result, info included, in order. */
  results: KrmResult[];
}

/**
 * Thrown by `processResourceList` when the input cannot be read at all: `message` is what the
 * native binary prints after `error: `, e.g. `stdin:4:9: invalid YAML: unclosed bracket '['
 * (hint: fix the YAML at that position)`.
 */
export interface ReadError extends Error {
  /** What the input is called in the message (`stdin`, or `options.origin`). */
  origin: string;
  /** 1-based line of the problem, when it has one. */
  line?: number;
  /** 1-based column (in characters) of the problem, when it has one. */
  column?: number;
}

/** Options of `processResourceList`. */
export interface ProcessOptions extends RunOptions {
  /** What the input is called in error messages (default `stdin`, as the native binary says). */
  origin?: string;
}

export type SchemaFormat = "json-schema" | "openapi";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON Schema (draft 2020-12) or an OpenAPI v3 structural schema. */
export type JsonSchema = { [key: string]: JsonValue };
"#;

#[wasm_bindgen]
extern "C" {
    /// `RunOptions` (TypeScript above): read strictly by [`KrmOptions::read`].
    #[wasm_bindgen(typescript_type = "RunOptions")]
    pub type RunOptionsArg;
    /// `ProcessOptions` (TypeScript above).
    #[wasm_bindgen(typescript_type = "ProcessOptions")]
    pub type ProcessOptionsArg;
    /// `LegacyPluginOptions` (TypeScript above).
    #[wasm_bindgen(typescript_type = "LegacyPluginOptions")]
    pub type LegacyPluginOptionsArg;
    /// `SchemaFormat` (TypeScript above): checked by [`schema`].
    #[wasm_bindgen(typescript_type = "SchemaFormat")]
    pub type SchemaFormatArg;
}

/// What can go wrong at the boundary, before it becomes a JS exception.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The input cannot be read at all (size, encoding, YAML, not a ResourceList).
    #[error(transparent)]
    Read(#[from] ReadError),
    /// An option of the wrong type, or an unknown option.
    #[error("{path}: {message}")]
    OptionType { path: String, message: String },
    /// An option with a value out of its range.
    #[error("{path}: {message}")]
    OptionRange { path: String, message: String },
}

impl ApiError {
    fn type_error(path: &str, message: impl Into<String>) -> Self {
        ApiError::OptionType {
            path: path.to_string(),
            message: message.into(),
        }
    }

    fn range_error(path: &str, message: impl Into<String>) -> Self {
        ApiError::OptionRange {
            path: path.to_string(),
            message: message.into(),
        }
    }
}

impl From<ApiError> for JsValue {
    fn from(err: ApiError) -> JsValue {
        let message = err.to_string();
        match err {
            ApiError::Read(read) => {
                let error = js_sys::Error::new(&message);
                set(&error, "origin", &JsValue::from_str(&read.origin));
                if let Some(location) = read.location {
                    set(&error, "line", &JsValue::from_f64(location.line as f64));
                    set(&error, "column", &JsValue::from_f64(location.column as f64));
                }
                error.into()
            }
            ApiError::OptionType { .. } => js_sys::TypeError::new(&message).into(),
            ApiError::OptionRange { .. } => js_sys::RangeError::new(&message).into(),
        }
    }
}

/// A JS value as JSON text, for messages (`"yaml"`, `42`, `{}`).
fn describe(value: &JsValue) -> String {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}

/// Sets a property on a fresh object (cannot fail: no setters, not frozen).
fn set(target: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// An options object: `undefined`/`null` is no options; anything else must be a plain object
/// whose keys are all known (a typo is an error, not a silently ignored option).
pub(crate) struct OptionsObject {
    value: Option<JsValue>,
    path: String,
}

impl OptionsObject {
    pub(crate) fn read(
        value: Option<&JsValue>,
        path: &str,
        known: &[&str],
    ) -> Result<Self, ApiError> {
        let path = path.to_string();
        let Some(value) = value.filter(|v| !v.is_undefined() && !v.is_null()) else {
            return Ok(OptionsObject { value: None, path });
        };
        if !value.is_object() || js_sys::Array::is_array(value) {
            return Err(ApiError::type_error(&path, "expected an object"));
        }
        for key in Object::keys(value.unchecked_ref::<Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if !known.contains(&key.as_str()) {
                return Err(ApiError::type_error(
                    &format!("{path}.{key}"),
                    format!("unknown option (expected one of: {})", known.join(", ")),
                ));
            }
        }
        Ok(OptionsObject {
            value: Some(value.clone()),
            path,
        })
    }

    /// A present (not `undefined`) property, with its path for messages.
    fn get(&self, key: &str) -> Option<(JsValue, String)> {
        let object = self.value.as_ref()?;
        let value = Reflect::get(object, &JsValue::from_str(key)).ok()?;
        (!value.is_undefined()).then(|| (value, format!("{}.{key}", self.path)))
    }

    pub(crate) fn bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        self.get(key)
            .map(|(value, path)| {
                value
                    .as_bool()
                    .ok_or_else(|| ApiError::type_error(&path, "expected a boolean"))
            })
            .transpose()
    }

    /// A map of strings (`{ key: "value" }`), in key order.
    pub(crate) fn string_map(&self, key: &str) -> Result<Vec<(String, String)>, ApiError> {
        let Some((value, path)) = self.get(key) else {
            return Ok(Vec::new());
        };
        if !value.is_object() || js_sys::Array::is_array(&value) {
            return Err(ApiError::type_error(&path, "expected an object of strings"));
        }
        let mut out = Vec::new();
        for entry in Object::entries(value.unchecked_ref::<Object>()).iter() {
            let entry: js_sys::Array = entry.unchecked_into();
            let k = entry.get(0).as_string().unwrap_or_default();
            let v = entry
                .get(1)
                .as_string()
                .ok_or_else(|| ApiError::type_error(&format!("{path}.{k}"), "expected a string"))?;
            out.push((k, v));
        }
        out.sort();
        Ok(out)
    }

    pub(crate) fn string(&self, key: &str) -> Result<Option<String>, ApiError> {
        self.get(key)
            .map(|(value, path)| {
                value
                    .as_string()
                    .ok_or_else(|| ApiError::type_error(&path, "expected a string"))
            })
            .transpose()
    }

    /// A count: an integer number ≥ `min`, ≤ `max` when given. Values beyond what a 32-bit
    /// address space can hold are the same as `usize::MAX` here (no input can reach them).
    fn count(&self, key: &str, min: usize, max: Option<usize>) -> Result<Option<usize>, ApiError> {
        let Some((value, path)) = self.get(key) else {
            return Ok(None);
        };
        let number = value
            .as_f64()
            .filter(|n| n.is_finite() && n.fract() == 0.0)
            .ok_or_else(|| ApiError::type_error(&path, "expected an integer number"))?;
        let out_of_range = match max {
            Some(max) => (number < min as f64 || number > max as f64)
                .then(|| format!("{number} is not in {min}..={max}")),
            None => (number < min as f64).then(|| format!("{number} is less than {min}")),
        };
        if let Some(message) = out_of_range {
            return Err(ApiError::range_error(&path, message));
        }
        // A float-to-int `as` saturates: beyond usize::MAX is usize::MAX.
        Ok(Some(number as usize))
    }

    /// A nested options object (`undefined` when absent).
    fn object(&self, key: &str, known: &[&str]) -> Result<OptionsObject, ApiError> {
        let path = format!("{}.{key}", self.path);
        match self.get(key) {
            None => OptionsObject::read(None, &path, known),
            Some((value, _)) => OptionsObject::read(Some(&value), &path, known),
        }
    }

    /// `limits: { maxInputBytes?, maxDepth?, maxAliasExpansion?, maxItems? }` over the
    /// defaults (the native binary's flags and their defaults).
    pub(crate) fn limits(&self) -> Result<Limits, ApiError> {
        let limits = self.object(
            "limits",
            &["maxInputBytes", "maxDepth", "maxAliasExpansion", "maxItems"],
        )?;
        let defaults = Limits::default();
        Ok(Limits {
            max_input_bytes: limits
                .count("maxInputBytes", 0, None)?
                .unwrap_or(defaults.max_input_bytes),
            max_depth: limits
                .count("maxDepth", 1, Some(Limits::MAX_DEPTH_CEILING))?
                .unwrap_or(defaults.max_depth),
            max_alias_expansion: limits
                .count("maxAliasExpansion", 0, None)?
                .unwrap_or(defaults.max_alias_expansion),
            max_items: limits
                .count("maxItems", 0, None)?
                .unwrap_or(defaults.max_items),
        })
    }
}

/// The KRM-mode options shared by `runKrm` and `processResourceList`.
struct KrmOptions {
    mode: Mode,
    app_label: String,
    limits: Limits,
    origin: String,
    stderr: StderrResults,
}

impl KrmOptions {
    fn read(options: Option<&JsValue>, with_origin: bool) -> Result<Self, ApiError> {
        let known: &[&str] = if with_origin {
            &["check", "appLabel", "limits", "logToStderr", "origin"]
        } else {
            &["check", "appLabel", "limits", "logToStderr"]
        };
        let options = OptionsObject::read(options, "options", known)?;
        Ok(KrmOptions {
            mode: if options.bool("check")?.unwrap_or(false) {
                Mode::Check
            } else {
                Mode::Generate
            },
            app_label: options
                .string("appLabel")?
                .unwrap_or_else(|| APP_NAME_LABEL.to_string()),
            limits: options.limits()?,
            origin: options
                .string("origin")?
                .unwrap_or_else(|| "stdin".to_string()),
            stderr: if options.bool("logToStderr")?.unwrap_or(false) {
                StderrResults::ErrorsAndWarnings
            } else {
                StderrResults::Errors
            },
        })
    }
}

/// `{ stdout, stderr, exitCode }` of an outcome.
fn run_object(outcome: &Outcome<'_>) -> JsValue {
    let object: JsValue = Object::new().into();
    set(&object, "stdout", &bytes(&outcome.stdout).into());
    set(&object, "stderr", &JsValue::from_str(&outcome.stderr));
    set(
        &object,
        "exitCode",
        &JsValue::from_f64(f64::from(outcome.exit_code)),
    );
    object
}

/// The output as a JS `Uint8Array`, copied once: piece by piece (input slices and patches)
/// straight out of WebAssembly memory, never joined on this side first.
fn bytes(rendered: &Spliced<'_>) -> Uint8Array {
    // usize is u32 on wasm32: every length here fits.
    let out = Uint8Array::new_with_length(rendered.len() as u32);
    let mut offset = 0u32;
    for piece in rendered.pieces().filter(|piece| !piece.is_empty()) {
        let end = offset + piece.len() as u32;
        out.subarray(offset, end).copy_from(piece.as_bytes());
        offset = end;
    }
    out
}

/// Results as plain JS objects, in the shape the ResourceList's `results` has.
pub(crate) fn results_value(results: &[KrmResult]) -> JsValue {
    let values: Vec<serde_json::Value> = results.iter().map(KrmResult::to_value).collect();
    json_value(&serde_json::Value::Array(values))
}

/// A JSON value as a JS value (through JSON text: the engine's values are plain JSON).
pub(crate) fn json_value(value: &serde_json::Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap_or(JsValue::NULL)
}

/// The KRM function, exactly as the native binary runs it with no subcommand: `input` is what
/// it would read on stdin; the answer is what it would write and its exit code. Unreadable
/// input is not an exception here (exit 1 and the message on stderr, as native); only bad
/// options throw (`TypeError`, `RangeError`).
#[wasm_bindgen(js_name = runKrm, unchecked_return_type = "Run")]
pub fn run_krm(input: &[u8], options: Option<RunOptionsArg>) -> Result<JsValue, JsValue> {
    let options = KrmOptions::read(options.as_ref().map(AsRef::as_ref), false)?;
    let outcome = app_notifications::run_krm_with(
        input,
        &options.limits,
        options.mode,
        &options.app_label,
        options.stderr,
    );
    Ok(run_object(&outcome))
}

thread_local! {
    /// The input of the next [`run_krm_in_place`], filled by the caller in WebAssembly memory.
    static INPUT: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// For a process that runs the function once (`cli.mjs`): reserves `len` bytes of WebAssembly
/// memory for the input and returns their address, so stdin can be read straight into it
/// (`new Uint8Array(memory.buffer, address, len)`) instead of into a JS buffer that is then
/// copied in: on the 15 MB benchmark list that copy and its buffer cost about 20 ms.
#[wasm_bindgen(js_name = reserveInput)]
pub fn reserve_input(len: u32) -> u32 {
    INPUT.with(|input| {
        let mut input = input.borrow_mut();
        *input = vec![0; len as usize];
        input.as_ptr() as u32
    })
}

/// [`run_krm`] on the first `len` bytes of the [`reserve_input`] buffer, handing stdout to
/// `write(address, length)` piece by piece (slices of the input and patches, in WebAssembly
/// memory, valid during the call), so the output is never copied into one JS buffer first.
/// Returns `{ stderr, exitCode }`; an exception from `write` is rethrown.
#[wasm_bindgen(js_name = runKrmInPlace, unchecked_return_type = "RunInPlace")]
pub fn run_krm_in_place(
    len: u32,
    options: Option<RunOptionsArg>,
    write: &js_sys::Function,
) -> Result<JsValue, JsValue> {
    let options = KrmOptions::read(options.as_ref().map(AsRef::as_ref), false)?;
    let input = INPUT.with(|input| std::mem::take(&mut *input.borrow_mut()));
    let input = &input[..(len as usize).min(input.len())];
    let outcome = app_notifications::run_krm_with(
        input,
        &options.limits,
        options.mode,
        &options.app_label,
        options.stderr,
    );
    for piece in outcome.stdout.pieces().filter(|piece| !piece.is_empty()) {
        // Addresses and lengths of wasm32 memory fit in u32.
        write.call2(
            &JsValue::NULL,
            &JsValue::from(piece.as_ptr() as u32),
            &JsValue::from(piece.len() as u32),
        )?;
    }
    let object: JsValue = Object::new().into();
    set(&object, "stderr", &JsValue::from_str(&outcome.stderr));
    set(
        &object,
        "exitCode",
        &JsValue::from_f64(f64::from(outcome.exit_code)),
    );
    Ok(object)
}

/// The kustomize legacy exec plugin mode: `config` is the plugin's config file (what the
/// native binary reads from argv[1]), `configOrigin` its name in messages, `input` the YAML
/// stream of resources. The native binary applies the default limits in this mode.
#[wasm_bindgen(js_name = runLegacyPlugin, unchecked_return_type = "Run")]
pub fn run_legacy_plugin(
    config: &[u8],
    #[wasm_bindgen(js_name = configOrigin)] config_origin: &str,
    input: &[u8],
    options: Option<LegacyPluginOptionsArg>,
) -> Result<JsValue, JsValue> {
    let options = OptionsObject::read(options.as_ref().map(AsRef::as_ref), "options", &["limits"])?;
    let limits = options.limits()?;
    let outcome = app_notifications::run_legacy_plugin(config, config_origin, input, &limits);
    Ok(run_object(&outcome))
}

/// The KRM function on text, for programs that want the results as objects: the output
/// ResourceList, the exit code and every result. Throws an `Error` (a `ReadError`, with
/// `line` and `column` when known) when the input cannot be read at all, with the message the
/// native binary prints; bad options throw `TypeError`/`RangeError`.
#[wasm_bindgen(js_name = processResourceList, unchecked_return_type = "Processed")]
pub fn process_resource_list(
    input: &str,
    options: Option<ProcessOptionsArg>,
) -> Result<JsValue, JsValue> {
    let options = KrmOptions::read(options.as_ref().map(AsRef::as_ref), true)?;
    let outcome = app_notifications::try_run_krm(
        input.as_bytes(),
        &options.origin,
        &options.limits,
        options.mode,
        &options.app_label,
        options.stderr,
    )
    .map_err(ApiError::from)?;
    let object: JsValue = Object::new().into();
    let mut output = String::with_capacity(outcome.stdout.len());
    outcome
        .stdout
        .pieces()
        .for_each(|piece| output.push_str(piece));
    set(&object, "output", &JsValue::from_str(&output));
    set(
        &object,
        "exitCode",
        &JsValue::from_f64(f64::from(outcome.exit_code)),
    );
    set(&object, "results", &results_value(&outcome.results));
    Ok(object)
}

/// The AppNotifications config's schema: `"json-schema"` (default; what
/// `fn-config/app-notifications.schema.json` holds) or `"openapi"` (a CRD's structural
/// schema), as `app-notifications schema --format …` prints it.
#[wasm_bindgen(unchecked_return_type = "JsonSchema")]
pub fn schema(format: Option<SchemaFormatArg>) -> Result<JsValue, JsValue> {
    let format: Option<&JsValue> = format.as_ref().map(AsRef::as_ref);
    let schema = match format.map(|f| (f, f.as_string())) {
        None => config::json_schema(),
        Some((_, Some(name))) if name == "json-schema" => config::json_schema(),
        Some((_, Some(name))) if name == "openapi" => config::openapi_v3(),
        Some((value, _)) => {
            return Err(ApiError::range_error(
                "format",
                format!(
                    "{} is not a schema format (expected \"json-schema\" or \"openapi\")",
                    describe(value)
                ),
            )
            .into())
        }
    };
    Ok(json_value(&schema))
}

/// The engine's version (what `app-notifications --version` prints after the name).
#[wasm_bindgen]
pub fn version() -> String {
    app_notifications::VERSION.to_string()
}
