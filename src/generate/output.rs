//! Ownership, idempotence and pruning (semantics §9): which input items the generated
//! objects replace, which are dropped, and where new ones are written.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{json, Value};

use super::coverage::describe;
use super::inventory::{generated_by, is_notification};
use crate::resource_list::orchestrator::{
    self, is_orchestrator, INDEX, LEGACY_INDEX, LEGACY_PATH, PATH,
};
use crate::resource_list::{Edits, Item, ResourceList};
use crate::results::KrmResult;

/// A generated object and where it belongs.
#[derive(Debug, Clone)]
pub struct Generated {
    pub value: Value,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    /// The file new objects of its config go to.
    pub path: String,
    /// Position of its config in owner order; output follows it.
    pub owner_rank: usize,
}

type Identity = (String, Option<String>, String);

fn identity_of(item: &Item<'_>) -> Identity {
    (
        item.fields.kind.to_string(),
        item.fields.namespace().map(str::to_string),
        item.fields.name.to_string(),
    )
}

/// The file for a config's objects: `spec.outputPath`, else `<config name>.notifications.yaml`,
/// both relative to the directory of the file the config came from.
pub fn output_path(
    config_path: Option<&str>,
    config_name: &str,
    output_path: Option<&str>,
) -> String {
    let dir = config_path
        .and_then(|p| p.rsplit_once('/').map(|(dir, _)| dir))
        .unwrap_or("");
    let file = match output_path {
        Some(p) => p.to_string(),
        None => format!("{config_name}.notifications.yaml"),
    };
    if dir.is_empty() {
        file
    } else {
        format!("{dir}/{file}")
    }
}

/// Turns the generated objects into edits of the list.
///
/// `owners` are the configs processed in this run; with `discovery`, objects generated for any
/// config not in the run are pruned too.
pub fn plan(
    list: &ResourceList<'_>,
    owners: &BTreeSet<String>,
    discovery: bool,
    objects: Vec<Generated>,
) -> Result<Edits, Vec<KrmResult>> {
    let InputScan {
        owned,
        kept,
        stale,
        next_index,
        mut errors,
    } = scan_input(list, owners, discovery, &objects);
    for object in &objects {
        let key = (
            object.kind.clone(),
            object.namespace.clone(),
            object.name.clone(),
        );
        let Some(item) = kept.get(&key) else {
            continue;
        };
        let whose = match generated_by(item) {
            Some(owner) => format!("generated for config {owner}, which is not part of this run"),
            None => "which app-notifications did not generate".to_string(),
        };
        let provider_hint = if object.kind == "Provider" {
            format!(
                "remove {} from spec.providers to use the existing one, or ",
                object.name
            )
        } else {
            String::new()
        };
        errors.push(
            KrmResult::error(format!(
                "{} is generated, but the input already holds {}, {whose}; the output would \
                 hold two objects with one id (hint: {provider_hint}rename or remove the \
                 existing object)",
                describe_object(object),
                describe(item)
            ))
            .about(item),
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut next_index: BTreeMap<String, u64> = next_index
        .into_iter()
        .map(|(path, next)| (path.to_string(), next))
        .collect();
    let mut edits = Edits::default();
    let mut replaced = BTreeSet::new();
    for mut object in objects {
        let key = (
            object.kind.clone(),
            object.namespace.clone(),
            object.name.clone(),
        );
        let old = owned
            .get(&key)
            .and_then(|copies| copies.iter().find(|old| !replaced.contains(&old.index)));
        if let Some(old) = old {
            carry_orchestrator_annotations(&mut object.value, old);
            replaced.insert(old.index);
            edits.replace.push((old.index, object.value));
        } else {
            let next = next_index.entry(object.path.clone()).or_default();
            set_path(&mut object.value, &object.path, *next);
            *next += 1;
            edits.append.push(object.value);
        }
    }
    for item in owned.values().flatten() {
        if !replaced.contains(&item.index) {
            edits.remove.push(item.index);
        }
    }
    edits.remove.extend(stale);
    edits.remove.sort_unstable();
    edits.replace.sort_by_key(|(index, _)| *index);
    Ok(edits)
}

/// What one pass over the input finds for [`plan`].
struct InputScan<'l, 'i, 'o> {
    /// What earlier runs generated for the configs of this run. Every copy: a duplicated
    /// generated object (a bad merge, a copy-paste) must not survive.
    owned: BTreeMap<Identity, Vec<&'l Item<'i>>>,
    /// Notification objects that stay in the output as they are: a generated object of the
    /// same identity would be a second object with one id.
    kept: BTreeMap<Identity, &'l Item<'i>>,
    /// Generated for a config that is gone (discovery only).
    stale: Vec<usize>,
    /// Per output file, the index after the last item it already holds.
    next_index: HashMap<&'o str, u64>,
    errors: Vec<KrmResult>,
}

fn scan_input<'l, 'i, 'o>(
    list: &'l ResourceList<'i>,
    owners: &BTreeSet<String>,
    discovery: bool,
    objects: &'o [Generated],
) -> InputScan<'l, 'i, 'o> {
    let mut scan = InputScan {
        owned: BTreeMap::new(),
        kept: BTreeMap::new(),
        stale: Vec::new(),
        next_index: objects.iter().map(|o| (o.path.as_str(), 0)).collect(),
        errors: Vec::new(),
    };
    for item in &list.items {
        scan.add(item, owners, discovery);
    }
    scan
}

impl<'l, 'i, 'o> InputScan<'l, 'i, 'o> {
    // Never inlined into the loop: V8 has no on-stack replacement for WebAssembly, so code
    // inlined into a function that runs once keeps running unoptimized however hot it gets,
    // and its late recompilation only delays the process's exit. Inlined into `plan`, this
    // made V8 recompile all of `plan` (26 KB of wasm, 40 ms) as a 15 MB run ended.
    #[inline(never)]
    fn add(&mut self, item: &'l Item<'i>, owners: &BTreeSet<String>, discovery: bool) {
        let owner = generated_by(item);
        match owner {
            Some(owner) if owners.contains(owner) => {
                self.owned.entry(identity_of(item)).or_default().push(item);
            }
            Some(_) if discovery => self.stale.push(item.index),
            _ if is_notification(&item.fields) => {
                self.kept.insert(identity_of(item), item);
            }
            _ => {}
        }
        let Some((path, next)) =
            path_of(item).and_then(|path| self.next_index.get_mut(path).map(|next| (path, next)))
        else {
            return;
        };
        if owner.is_none() {
            self.errors.push(foreign_item_in_output_file(path, item));
        } else if let Some(index) = item_index(item) {
            // New objects go after whatever their file already holds.
            *next = (*next).max(index + 1);
        }
    }
}

/// Generated objects only go to files that hold nothing else.
#[cold]
fn foreign_item_in_output_file(path: &str, item: &Item<'_>) -> KrmResult {
    KrmResult::error(format!(
        "the output file {path} holds {}, which app-notifications did not generate; \
         it never writes into a user's file (hint: set spec.outputPath to a file of \
         its own)",
        describe(item)
    ))
    .about(item)
}

fn describe_object(object: &Generated) -> String {
    match &object.namespace {
        Some(ns) => format!("{} {ns}/{}", object.kind, object.name),
        None => format!("{} {}", object.kind, object.name),
    }
}

fn path_of<'i>(item: &'i Item<'_>) -> Option<&'i str> {
    orchestrator::place(|key| item.fields.annotation(key)).map(|(path, _)| path)
}

fn item_index(item: &Item<'_>) -> Option<u64> {
    orchestrator::place(|key| item.fields.annotation(key)).and_then(|(_, index)| index)
}

fn annotations(value: &mut Value) -> &mut serde_json::Map<String, Value> {
    let meta = value["metadata"]
        .as_object_mut()
        .expect("generated objects have metadata");
    meta.entry("annotations")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("annotations are a map")
}

fn set_path(value: &mut Value, path: &str, index: u64) {
    let annotations = annotations(value);
    annotations.insert(LEGACY_INDEX.into(), json!(index.to_string()));
    annotations.insert(LEGACY_PATH.into(), json!(path));
    annotations.insert(INDEX.into(), json!(index.to_string()));
    annotations.insert(PATH.into(), json!(path));
}

/// The replaced item's place in the package (path, index, and the orchestrator's id that lets
/// kpt keep its comments) carries over to its replacement.
fn carry_orchestrator_annotations(value: &mut Value, old: &Item<'_>) {
    let annotations = annotations(value);
    for (key, v) in &old.fields.annotations {
        if is_orchestrator(key) {
            annotations.insert(key.to_string(), json!(v));
        }
    }
}
