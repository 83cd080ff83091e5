//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every `.yaml`/`.yml` file below `dir`, sorted.
pub fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            ) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Splits a YAML stream at `---` lines, dropping documents with no content.
pub fn documents(text: &str) -> Vec<String> {
    let mut docs = Vec::new();
    let mut current = String::new();
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "---" || line.starts_with("--- ") {
            docs.push(std::mem::take(&mut current));
            continue;
        }
        current.push_str(line);
    }
    docs.push(current);
    docs.into_iter()
        .filter(|d| {
            d.lines()
                .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        })
        .collect()
}

/// Writes `doc` as a block sequence entry at column 0: `- ` before the first line, two spaces
/// before the others (blank lines stay blank so block scalars keep their content).
pub fn as_item(doc: &str) -> String {
    let mut out = String::new();
    for (i, line) in doc.split_inclusive('\n').enumerate() {
        if i == 0 {
            out.push_str("- ");
        } else if line.trim_end_matches(['\n', '\r']).is_empty() {
            out.push_str(line);
            continue;
        } else {
            out.push_str("  ");
        }
        out.push_str(line);
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

pub const HEADER: &str = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n";

/// A ResourceList whose items are `items` (already written as entries).
pub fn resource_list(items: &[String]) -> String {
    let mut out = HEADER.to_string();
    for item in items {
        out.push_str(item);
    }
    out
}
