//! The browser playground (`wasm/www/`): its examples are current with `examples/`, and the
//! page works in headless Chromium. (That each example generates what its host generates is
//! tested with the playground's own code, in `wasm/tests/examples.rs`.)
//!
//! These tests fail, never skip, when what they need is missing; the message says what to
//! install or run (`bash tests/run.sh` does all of it).

use crate::support;
use std::path::{Path, PathBuf};
use std::process::Command;

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

#[test]
fn the_examples_are_current() {
    let mut cmd = node();
    cmd.arg(root().join("wasm/www/build-examples.mjs"))
        .arg("--check");
    let (ok, out) = run(cmd);
    assert!(ok, "{out}");
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
