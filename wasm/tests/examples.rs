//! Every example the browser playground offers (`wasm/www/examples.js`), run as the page runs
//! it, generates exactly the objects its real host (kustomize, or the function on the
//! quickstart list) generated in the committed expected output.

use std::path::{Path, PathBuf};

use app_notifications::config::APP_NAME_LABEL;
use app_notifications::resource_list::orchestrator::is_orchestrator;
use app_notifications::{reader, Limits};
use app_notifications_wasm::playground::playground;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The examples the page offers: the JSON array in `wasm/www/examples.js`.
fn examples() -> Vec<Value> {
    let text = std::fs::read_to_string(root().join("wasm/www/examples.js")).unwrap();
    let start = text
        .find("export const EXAMPLES = ")
        .expect("examples.js exports EXAMPLES")
        + "export const EXAMPLES = ".len();
    let end = text.rfind(';').unwrap();
    serde_json::from_str(&text[start..end]).expect("EXAMPLES is a JSON array")
}

/// A generated object as a host writes it into a build: without the orchestrator's
/// annotations, which say where it goes.
fn without_placement(mut value: Value) -> Value {
    if let Some(annotations) = value["metadata"]["annotations"].as_object_mut() {
        annotations.retain(|k, _| !is_orchestrator(k));
    }
    value
}

/// The generated objects in an example's committed expected output (a ResourceList or a
/// YAML stream), by kind, namespace and name.
fn expected_objects(path: &Path) -> Vec<Value> {
    let reader = reader(&Limits::default());
    let text = std::fs::read_to_string(path).unwrap();
    let list = reader
        .resource_list(&text, "expected")
        .or_else(|_| reader.stream(&text, "expected"))
        .unwrap();
    let mut out: Vec<Value> = list
        .items
        .iter()
        .filter(|item| {
            item.fields
                .annotation("app-notifications.dev/generated-by")
                .is_some()
        })
        .map(|item| without_placement(list.item_value(item, &reader).unwrap()))
        .collect();
    out.sort_by_key(identity);
    out
}

fn identity(value: &Value) -> String {
    format!(
        "{} {} {}",
        value["kind"], value["metadata"]["namespace"], value["metadata"]["name"]
    )
}

#[test]
fn every_example_generates_what_its_host_does() {
    let examples = examples();
    assert!(examples.len() >= 5);
    for example in examples {
        let id = example["id"].as_str().unwrap();
        let answer = playground(
            example["resources"].as_str().unwrap(),
            example["config"].as_str().unwrap(),
            APP_NAME_LABEL,
            &Limits::default(),
        )
        .unwrap_or_else(|err| panic!("{id}: {err}"));
        assert_eq!(answer.exit_code, 0, "{id}: {:#?}", answer.results);
        let mut objects: Vec<Value> = answer.objects.into_iter().map(without_placement).collect();
        // What the host's own transformers add afterwards (a generator's kustomization labels
        // what it generates).
        if let Some(labels) = example["hostLabels"].as_object() {
            for object in &mut objects {
                for (key, value) in labels {
                    object["metadata"]["labels"][key] = value.clone();
                }
            }
        }
        objects.sort_by_key(identity);
        let expected = expected_objects(&root().join(example["expected"].as_str().unwrap()));
        assert!(!expected.is_empty(), "{id}: nothing expected");
        assert_eq!(objects, expected, "{id}");
        assert!(answer.svg.is_some_and(|svg| svg.starts_with("<svg ")));
    }
}
