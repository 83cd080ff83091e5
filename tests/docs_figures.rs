//! Measured figures have one source, BENCHMARKS.md. A copy elsewhere is written between markers
//! that name it, `<!--fig NAME-->VALUE<!--/fig-->` (invisible once rendered), and must say what
//! BENCHMARKS.md says under that name; a measurement-looking figure in README.md outside the
//! markers (a ratio to two decimals with `×`, a gzip size) fails too, so a new copy cannot be
//! added unchecked.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// The files that quote BENCHMARKS.md.
const COPIES: &[&str] = &["README.md", "wasm/README.md", "bench/README.md"];
const SOURCE: &str = "BENCHMARKS.md";

fn read(path: &str) -> String {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The `(name, value, line)` of every marked figure in `text`; a marker that is not closed
/// on its line is reported as a figure named `unclosed` so that it fails.
fn figures(text: &str) -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find("<!--fig ") {
            let after = &rest[start + "<!--fig ".len()..];
            let Some((name, tail)) = after.split_once("-->") else {
                out.push(("unclosed".into(), after.into(), n + 1));
                break;
            };
            let Some((value, tail)) = tail.split_once("<!--/fig-->") else {
                out.push(("unclosed".into(), name.into(), n + 1));
                break;
            };
            out.push((name.trim().to_string(), value.to_string(), n + 1));
            rest = tail;
        }
    }
    out
}

/// The figures BENCHMARKS.md defines: each name once.
fn definitions() -> BTreeMap<String, String> {
    let mut defined = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, value, line) in figures(&read(SOURCE)) {
        if let Some(first) = defined.insert(name.clone(), value.clone()) {
            if first != value {
                problems.push(format!(
                    "{SOURCE}:{line}: figure {name} is {value:?} here and {first:?} above"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    defined
}

#[test]
fn every_quoted_figure_is_the_one_in_benchmarks_md() {
    let defined = definitions();
    assert!(
        defined.len() >= 15,
        "only {} figures in {SOURCE}",
        defined.len()
    );
    let mut problems = Vec::new();
    let mut quoted = 0;
    for copy in COPIES {
        for (name, value, line) in figures(&read(copy)) {
            quoted += 1;
            match defined.get(&name) {
                Some(source) if *source == value => {}
                Some(source) => problems.push(format!(
                    "{copy}:{line}: {name} is {value:?}, but {SOURCE} says {source:?}"
                )),
                None => problems.push(format!(
                    "{copy}:{line}: {name} ({value:?}) is not a figure of {SOURCE}"
                )),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(quoted >= 20, "only {quoted} quoted figures");
}

/// `text` with every marked figure taken out.
fn unmarked(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("<!--fig ") {
        out.push_str(&rest[..start]);
        match rest[start..].find("<!--/fig-->") {
            Some(end) => rest = &rest[start + end + "<!--/fig-->".len()..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A measured ratio (`2.60 ×`, two decimals or more) or a gzip size, as README.md wrote them
/// before they came from one place.
fn measurement_like(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    for (i, word) in words.iter().enumerate() {
        let next = words.get(i + 1).copied().unwrap_or_default();
        let number = word.trim_start_matches(['(', '*']);
        let is_ratio_number = number.split_once('.').is_some_and(|(a, b)| {
            !a.is_empty()
                && a.chars().all(|c| c.is_ascii_digit())
                && b.trim_end_matches('×').len() >= 2
                && b.trim_end_matches('×').chars().all(|c| c.is_ascii_digit())
        });
        if is_ratio_number && (number.ends_with('×') || next.starts_with('×')) {
            found.push(format!("{word} {next}"));
        }
        let is_size = number.chars().next().is_some_and(|c| c.is_ascii_digit())
            && ["KB", "MB", "MiB"].contains(&next);
        if is_size && words.get(i + 2).is_some_and(|w| w.starts_with("gzip")) {
            found.push(format!("{word} {next} gzip"));
        }
    }
    found
}

#[test]
fn readme_quotes_no_measurement_without_its_marker() {
    let found = measurement_like(&unmarked(&read("README.md")));
    assert!(
        found.is_empty(),
        "README.md states measured figures that are not quoted from {SOURCE} (write them as \
         <!--fig NAME-->VALUE<!--/fig--> with NAME defined there): {found:?}"
    );
}

/// The checks above on texts made for them: they fail on what they are meant to catch.
#[test]
fn the_checks_catch_copies_that_disagree() {
    let text = "a <!--fig x-->2.38<!--/fig--> × and <!--fig y-->846 KB<!--/fig--> gzip\n\
                open <!--fig z-->3";
    let found = figures(text);
    assert_eq!(
        found,
        [
            ("x".to_string(), "2.38".to_string(), 1),
            ("y".to_string(), "846 KB".to_string(), 1),
            ("unclosed".to_string(), "z".to_string(), 2),
        ]
    );
    assert_eq!(
        measurement_like("takes 2.60 × and 2.66× the time, 821 KB gzip, 2.5 × budget"),
        ["2.60 ×", "2.66× the", "821 KB gzip"]
    );
    assert!(measurement_like(&unmarked(text)).is_empty());
}
