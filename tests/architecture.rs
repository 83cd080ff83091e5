//! The library's layers point one way (`docs/architecture.md`): a module may use only modules
//! of a lower layer. This reads every `crate::…` path in `src/` (comments aside) and fails on one
//! that points up or sideways, so a cycle cannot come back unnoticed.

use std::path::Path;

/// Layer of each top-level module of the library, bottom up.
const LAYERS: &[(&str, u8)] = &[
    ("limits", 0),
    ("yaml", 0),
    ("resource_list", 1),
    ("config", 2),
    ("flux", 2),
    ("results", 3),
    ("dispatch", 3),
    ("reach", 3),
    ("generate", 4),
    ("audit", 5),
    ("report", 6),
    ("check_format", 6),
    ("function", 7),
    ("package", 7),
    ("init", 8),
    ("import", 8),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// The top-level module a file of `src/` belongs to (`None` for `lib.rs` and the binary).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel
        .components()
        .next()?
        .as_os_str()
        .to_string_lossy()
        .into_owned();
    let name = first.strip_suffix(".rs").unwrap_or(&first).to_string();
    (name != "lib" && name != "bin").then_some(name)
}

/// The modules named by `crate::<module>` in code (not in comments) of `text`.
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default();
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push((n + 1, name));
            }
            rest = after;
        }
    }
    out
}

#[test]
fn every_module_uses_only_modules_of_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    for file in crate::support::all_files(&src) {
        if file.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let Some(module) = module_of(&src, &file) else {
            continue;
        };
        let Some(own) = layer(&module) else {
            problems.push(format!(
                "{}: module `{module}` has no layer in tests/architecture.rs (add it, and to \
                 docs/architecture.md)",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for (line, used) in crate_paths(&text) {
            if used == module {
                continue;
            }
            match layer(&used) {
                Some(other) if other < own => {}
                Some(other) => problems.push(format!(
                    "{}:{line}: `{module}` (layer {own}) uses `{used}` (layer {other})",
                    file.display()
                )),
                // Items of lib.rs itself (`crate::VERSION`) are below everything.
                None => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn crate_paths_are_found_in_code_only() {
    let text = "use crate::yaml::emit;\n// crate::report in a comment\nlet x = crate::flux::A; \
                // crate::audit\n";
    let found: Vec<String> = crate_paths(text).into_iter().map(|(_, m)| m).collect();
    assert_eq!(found, ["yaml", "flux"]);
}

/// The YAML parser is driven from one place, the reader's event loop: with one caller LLVM
/// inlines `Parser::next` into that loop, and a second caller elsewhere cost 3 % of the
/// instructions of a large run (BENCHMARKS.md, "One call of the parser"). Other readers of
/// events walk `resource_list::read::Events`.
#[test]
fn only_the_reader_drives_the_yaml_parser() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let allowed = root.join("src/resource_list/read.rs");
    let mut found = Vec::new();
    for dir in ["src", "wasm/src"] {
        for file in crate::support::all_files(&root.join(dir)) {
            if file.extension().is_none_or(|e| e != "rs") || file == allowed {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                if code.contains("Parser::new") || code.contains("granit_parser::Parser") {
                    found.push(format!("{}:{}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "the YAML parser is constructed outside src/resource_list/read.rs (walk its `Events` \
         instead):\n{}",
        found.join("\n")
    );
}
