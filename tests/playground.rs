//! The browser playground (`wasm/www/`): its examples are current with `examples/` and
//! generate what the real hosts generate for them, and the page works in headless Chromium.
//!
//! These tests fail, never skip, when what they need is missing; the message says what to
//! install or run (`bash tests/run.sh` does all of it).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use app_notifications::audit::{item_value, DEFAULT_APP_LABEL};
use app_notifications::limits::Limits;
use app_notifications::playground::playground;
use app_notifications::resource_list::{read_resource_list, read_stream};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `node`, or a failure saying how to get it.
fn node() -> Command {
    let found = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "node is not installed: the playground tests need Node.js 20 or newer (Debian: \
         apt-get install -y nodejs npm)"
    );
    Command::new("node")
}

fn run(mut cmd: Command) -> (bool, String) {
    let out = cmd.output().expect("the command runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
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

#[test]
fn the_examples_are_current() {
    let mut cmd = node();
    cmd.arg(root().join("wasm/www/build-examples.mjs"))
        .arg("--check");
    let (ok, out) = run(cmd);
    assert!(ok, "{out}");
}

/// A generated object as a host writes it into a build: without the orchestrator's
/// annotations, which say where it goes.
fn without_placement(mut value: Value) -> Value {
    if let Some(annotations) = value["metadata"]["annotations"].as_object_mut() {
        annotations.retain(|k, _| {
            !(k.starts_with("internal.config.kubernetes.io/")
                || k == "config.kubernetes.io/path"
                || k == "config.kubernetes.io/index")
        });
    }
    value
}

/// The generated objects in an example's committed expected output (a ResourceList or a
/// YAML stream), by kind, namespace and name.
fn expected_objects(path: &Path) -> Vec<Value> {
    let limits = Limits::default();
    let text = std::fs::read_to_string(path).unwrap();
    let list = read_resource_list(&text, "expected", &limits)
        .or_else(|_| read_stream(&text, "expected", &limits))
        .unwrap();
    let mut out: Vec<Value> = list
        .items
        .iter()
        .filter(|item| {
            item.fields
                .annotation("app-notifications.dev/generated-by")
                .is_some()
        })
        .map(|item| without_placement(item_value(&list, item, &limits).unwrap()))
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

/// Every example, run as the page runs it, generates exactly the objects that its host
/// (kustomize, or the function on the quickstart list) generated in the committed expected
/// output, with no errors.
#[test]
fn every_example_generates_what_its_host_does() {
    let examples = examples();
    assert!(examples.len() >= 5);
    for example in examples {
        let id = example["id"].as_str().unwrap();
        let answer = playground(
            example["resources"].as_str().unwrap(),
            example["config"].as_str().unwrap(),
            DEFAULT_APP_LABEL,
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

/// The page in Debian's Chromium: examples, generated Alerts, results, the picture, errors
/// placed on their lines, keyboard jumps, no console errors; a screenshot in
/// target/playground.png.
#[test]
fn the_playground_works_in_chromium() {
    let chromium = Path::new("/usr/bin/chromium");
    assert!(
        chromium.is_file(),
        "Chromium is not installed: run `apt-get install -y chromium` (Debian's package; \
         tests/run.sh installs it)"
    );
    let mut node = node();
    let wasm = root().join("wasm");
    let glue = wasm.join("pkg/app_notifications.js");
    let module = wasm.join("pkg/app_notifications_bg.wasm");
    assert!(
        glue.is_file() && module.is_file(),
        "wasm/pkg is not built: run `bash wasm/build.sh`"
    );
    let built = module.metadata().and_then(|m| m.modified()).unwrap();
    for source in ["src", "wasm/src"] {
        assert!(
            support::newest_modification(&root().join(source)) <= built,
            "wasm/pkg is older than {source}/: run `bash wasm/build.sh` to test the current code"
        );
    }
    assert!(
        wasm.join("node_modules/playwright-core/package.json")
            .is_file(),
        "playwright-core is not installed: run `npm ci` in wasm/ (or `bash wasm/build.sh`)"
    );
    let screenshot = root().join("target/playground.png");
    let _ = std::fs::remove_file(&screenshot);
    node.arg(wasm.join("www/test/playground.test.mjs"))
        .arg("--screenshot")
        .arg(&screenshot)
        .arg("--chromium")
        .arg(chromium);
    let (ok, out) = run(node);
    assert!(ok, "the playground test failed:\n{out}");
    println!("{out}");
    let png = std::fs::read(&screenshot).expect("the screenshot is written");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000);
}
