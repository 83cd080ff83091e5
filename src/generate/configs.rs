//! Where configs come from (semantics "Where configs come from"): the functionConfig when it is
//! an `AppNotifications` (or a ConfigMap with data), and every `AppNotifications` item.

use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::Value;

use crate::config::{self, AppNotifications, ConfigError};
use crate::resource_list::orchestrator::{
    self, INDEX, LEGACY_INDEX, LEGACY_PATH, LOCAL_CONFIG, ORIGIN, PATH,
};
use crate::resource_list::{qualified, Item, ResourceList};
use crate::results::{FileRef, FunctionConfigRef, KrmResult, ResourceRef};
use crate::yaml::tree::{ExpansionBudget, Node};

/// One config that takes part in the run.
#[derive(Debug)]
pub struct Config<'l> {
    pub config: AppNotifications,
    /// The item the config was read from (for the functionConfig: the item kpt or kustomize
    /// echoed, if any). Decides the output directory and where messages point.
    pub item: Option<&'l Item<'l>>,
    /// `<namespace>/<name>` of the config object: the value of the ownership annotation.
    pub owner: String,
    /// For the functionConfig (which is not an item unless echoed as one): its identity and
    /// file, for messages.
    pub function_config: Option<FunctionConfigRef>,
}

impl Config<'_> {
    /// Points a result at the config: its item, or the functionConfig.
    pub fn point(&self, result: KrmResult) -> KrmResult {
        point(result, self.item, self.function_config.as_ref())
    }
}

fn point(
    result: KrmResult,
    item: Option<&Item<'_>>,
    function_config: Option<&FunctionConfigRef>,
) -> KrmResult {
    match item {
        Some(item) => result.about(item),
        None if function_config.is_some() => result.about_function_config(function_config),
        None => result,
    }
}

/// What messages call the functionConfig and where they say it is: its kind and name, and its
/// file when the orchestrator wrote one on it (kpt's path annotations; kustomize's
/// `config.kubernetes.io/origin` with `buildMetadata: [originAnnotations]`: kustomize hands a
/// plugin its config re-serialised, so that is the only name of the user's file).
fn function_config_ref(node: &Node<'_>, alias_budget: usize) -> FunctionConfigRef {
    let mut budget = ExpansionBudget::new(alias_budget);
    let mut text = |path: &[&str]| {
        node.at(path, &mut budget)
            .ok()
            .flatten()
            .and_then(|n| n.scalar_text().map(str::to_string))
    };
    let kind = text(&["kind"]).unwrap_or_default();
    let name = text(&["metadata", "name"]).unwrap_or_default();
    let resource_ref = (!kind.is_empty() && !name.is_empty()).then(|| ResourceRef {
        api_version: text(&["apiVersion"]).unwrap_or_default(),
        kind,
        name,
        namespace: text(&["metadata", "namespace"]),
    });
    let annotations: Vec<(String, String)> = [PATH, LEGACY_PATH, INDEX, LEGACY_INDEX, ORIGIN]
        .iter()
        .filter_map(|key| Some((key.to_string(), text(&["metadata", "annotations", key])?)))
        .collect();
    let file = orchestrator::file(|key| {
        annotations
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    })
    .map(|(path, index)| FileRef {
        path: path.to_string(),
        index,
    });
    FunctionConfigRef { resource_ref, file }
}

/// `AppNotifications billing`, as messages name an object; `functionConfig` when it has no
/// kind or name.
fn describe(object: &FunctionConfigRef) -> String {
    match &object.resource_ref {
        Some(r) => format!("{} {}", r.kind, qualified(r.namespace.as_deref(), &r.name)),
        None => "functionConfig".to_string(),
    }
}

/// All configs of the run.
#[derive(Debug, Default)]
pub struct Configs<'l> {
    /// Sorted by owner, so that output never depends on input order.
    pub configs: Vec<Config<'l>>,
    /// Whether configs are discovered from items (a transformer at a fleet root): generated
    /// objects whose config is gone are then pruned.
    pub discovery: bool,
    /// Indices of the items that are configs (passed through, never appliers).
    pub config_items: Vec<usize>,
    pub results: Vec<KrmResult>,
}

const CONFIG_GROUP: &str = "app-notifications.dev";

fn is_config_item(item: &Item<'_>) -> bool {
    item.fields.kind == config::KIND && item.fields.group() == CONFIG_GROUP
}

/// Reads every config of the run; problems become error results.
pub fn collect<'l>(list: &'l ResourceList<'_>, alias_budget: usize) -> Configs<'l> {
    let mut out = Configs::default();
    let fc_ref = list
        .function_config
        .as_ref()
        .map(|node| function_config_ref(node, alias_budget));
    let function_config =
        list.function_config
            .as_ref()
            .zip(fc_ref.as_ref())
            .and_then(|(node, fc_ref)| {
                function_config_value(node, fc_ref, alias_budget, &mut out.results)
            });
    // The identity (kind, namespace, name) of the functionConfig: an item with the same is the
    // functionConfig echoed back, not a second config.
    let fc_identity = function_config.as_ref().map(identity);
    let mut fc_item = None;
    let mut item_configs = Vec::new();
    for item in &list.items {
        let is_config = is_config_item(item);
        if is_config {
            out.config_items.push(item.index);
        }
        let echoes_function_config = fc_identity.as_ref().is_some_and(|(kind, ns, name)| {
            item.fields.kind == kind.as_str()
                && item.fields.namespace() == ns.as_deref()
                && item.fields.name == name.as_str()
        });
        if echoes_function_config {
            fc_item = Some(item);
            continue;
        }
        if is_config {
            item_configs.push(item);
        }
    }
    out.discovery = function_config.is_none() || !item_configs.is_empty();

    if let Some(value) = function_config {
        let from_config_map = value.get("kind").and_then(Value::as_str) == Some("ConfigMap");
        match config::load_function_config(&value) {
            Ok(mut loaded) => {
                report_warnings(&loaded.warnings, fc_item, fc_ref.as_ref(), &mut out.results);
                let owner = if from_config_map {
                    // kpt names every `fn eval -- key=value` ConfigMap `function-input`: owned by
                    // that name, one app's run would prune another's Alerts. The app names the
                    // config instead, and its output file.
                    let app = loaded.config.app().to_string();
                    loaded.config.metadata.name = app;
                    owner_of(&serde_json::json!({"metadata": {
                        "name": loaded.config.metadata.name,
                        "namespace": loaded.config.metadata.namespace,
                    }}))
                } else {
                    owner_of(&value)
                };
                out.configs.push(Config {
                    config: loaded.config,
                    item: fc_item,
                    owner,
                    function_config: fc_ref.clone(),
                });
            }
            Err(errors) => {
                let fc_ref = fc_ref.as_ref();
                let what = fc_ref.map(describe).unwrap_or_default();
                report_errors(&errors, &what, fc_item, fc_ref, &mut out.results)
            }
        }
    }
    for item in item_configs {
        if item.fields.annotation(LOCAL_CONFIG) != Some("true") {
            out.results.push(
                KrmResult::warning(format!(
                    "AppNotifications {} lacks the annotation {LOCAL_CONFIG}: \"true\"; \
                     without it kustomize and kpt may apply it to the cluster",
                    qualified(item.fields.namespace(), &item.fields.name)
                ))
                .about(item)
                .at_field(format!("metadata.annotations[{LOCAL_CONFIG}]")),
            );
        }
        let Some(node) = &item.node else {
            continue;
        };
        let value = match node.to_json(&mut ExpansionBudget::new(alias_budget)) {
            Ok(value) => value,
            Err(err) => {
                out.results
                    .push(KrmResult::error(err.to_string()).about(item));
                continue;
            }
        };
        match config::load(&value) {
            Ok(loaded) => {
                report_warnings(&loaded.warnings, Some(item), None, &mut out.results);
                out.configs.push(Config {
                    config: loaded.config,
                    item: Some(item),
                    owner: owner_of(&value),
                    function_config: None,
                });
            }
            Err(errors) => {
                let what = format!(
                    "AppNotifications {}",
                    qualified(item.fields.namespace(), &item.fields.name)
                );
                report_errors(&errors, &what, Some(item), None, &mut out.results);
            }
        }
    }
    out.configs.sort_by(|a, b| a.owner.cmp(&b.owner));
    check_one_config_per_app(&out.configs, &mut out.results);
    out
}

/// The functionConfig as a value, if it configures anything: a ConfigMap without data (kpt's
/// way of passing nothing) and other kinds leave discovery to the items.
fn function_config_value(
    node: &Rc<Node<'_>>,
    fc_ref: &FunctionConfigRef,
    alias_budget: usize,
    results: &mut Vec<KrmResult>,
) -> Option<Value> {
    let value = match node.to_json(&mut ExpansionBudget::new(alias_budget)) {
        Ok(value) => value,
        Err(err) => {
            results.push(
                KrmResult::error(format!("{}: {err}", describe(fc_ref)))
                    .about_function_config(Some(fc_ref)),
            );
            return None;
        }
    };
    let mut value = value;
    let kind = value
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    match kind.as_str() {
        k if k == config::KIND => Some(value),
        "ConfigMap" => {
            // `mode` picks what the function does (see `function::Mode`), not the config; a
            // mode that is not one stays, for the config's reader to report.
            if let Some(data) = value.get_mut("data").and_then(Value::as_object_mut) {
                let is_mode = data
                    .get(config::MODE_KEY)
                    .and_then(Value::as_str)
                    .and_then(config::Mode::from_data)
                    .is_some();
                if is_mode {
                    data.remove(config::MODE_KEY);
                }
            }
            let has_data = value
                .get("data")
                .and_then(Value::as_object)
                .is_some_and(|data| !data.is_empty());
            has_data.then_some(value)
        }
        _ => None,
    }
}

fn identity(value: &Value) -> (String, Option<String>, String) {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_string();
    let metadata = value.get("metadata");
    let namespace = text(metadata.and_then(|m| m.get("namespace")));
    (
        text(value.get("kind")),
        (!namespace.is_empty()).then_some(namespace),
        text(metadata.and_then(|m| m.get("name"))),
    )
}

fn owner_of(value: &Value) -> String {
    let (_, namespace, name) = identity(value);
    qualified(namespace.as_deref(), &name)
}

fn report_errors(
    errors: &[ConfigError],
    what: &str,
    item: Option<&Item<'_>>,
    function_config: Option<&FunctionConfigRef>,
    results: &mut Vec<KrmResult>,
) {
    for error in errors {
        let mut result = KrmResult::error(format!("{what}: {error}"));
        if !error.field_path.is_empty() {
            result = result.at_field(error.field_path.clone());
        }
        result = point(result, item, function_config);
        if item.is_some() {
            result = result.at_field(error.field_path.clone());
        }
        results.push(result);
    }
}

fn report_warnings(
    warnings: &[ConfigError],
    item: Option<&Item<'_>>,
    function_config: Option<&FunctionConfigRef>,
    results: &mut Vec<KrmResult>,
) {
    for warning in warnings {
        let mut result = point(
            KrmResult::warning(warning.to_string()),
            item,
            function_config,
        );
        if !warning.field_path.is_empty() {
            result = result.at_field(warning.field_path.clone());
        }
        results.push(result);
    }
}

/// Two different configs for one app in one namespace would fight over the same Alerts.
fn check_one_config_per_app(configs: &[Config<'_>], results: &mut Vec<KrmResult>) {
    let mut by_app: BTreeMap<(String, Option<String>), Vec<&Config<'_>>> = BTreeMap::new();
    for c in configs {
        let key = (
            c.config.app().to_string(),
            c.config.metadata.namespace.clone(),
        );
        by_app.entry(key).or_default().push(c);
    }
    for ((app, namespace), group) in by_app {
        if group.len() < 2 {
            continue;
        }
        let places: Vec<String> = group
            .iter()
            .map(|c| match c.item.and_then(crate::results::file_of) {
                Some(file) => format!("{} ({})", c.owner, file.path),
                None => format!("{} (functionConfig)", c.owner),
            })
            .collect();
        let mut result = KrmResult::error(format!(
            "two configs for app {app}{}: {} (hint: keep one AppNotifications per app and \
             namespace; environments go under spec.environments)",
            namespace
                .map(|ns| format!(" in namespace {ns}"))
                .unwrap_or_default(),
            places.join(", ")
        ));
        if let Some(item) = group[1].item {
            result = result.about(item);
        }
        results.push(result);
    }
}
