//! Replays the inputs saved from fuzzing (`tests/fuzz_regressions/`, one file each: crashes
//! and wrong results found by `fuzz/`, plus corpus entries that reach interesting paths)
//! through the same checks the fuzz targets run: no panic, reader regions and byte-exact
//! passthrough, each item's region read on its own, removal/append/replace/results edits,
//! config round trip, and for the whole function (KRM and legacy plugin) kept items and
//! idempotence. The checks are the fuzz crate's own (`fuzz/src/checks.rs`), compiled here
//! on stable with the main crate's dependencies only.
//!
//! `FUZZ_REPLAY_DIR=path cargo test --test tests fuzz_regressions::` replays another directory (a
//! fuzz corpus, say) instead.

#[path = "../fuzz/src/checks.rs"]
#[allow(dead_code)]
mod checks;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

fn regressions_dir() -> PathBuf {
    match std::env::var_os("FUZZ_REPLAY_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions"),
    }
}

/// Every input file below `dir` (READMEs excluded), sorted.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().and_then(|e| e.to_str()) != Some("md") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_string()))
        .unwrap_or_else(|| "a panic with a non-string payload".into())
}

/// Runs one check; a failure or a panic comes back as a message.
fn run(check: fn(&[u8]) -> checks::CheckResult, data: &[u8]) -> Result<(), String> {
    match catch_unwind(AssertUnwindSafe(|| check(data))) {
        Ok(result) => result,
        Err(payload) => Err(format!("PANIC: {}", panic_message(&*payload))),
    }
}

fn read(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Findings (by file-name prefix) whose bug is open: each has an `#[ignore]`d test below.
const KNOWN_BUGS: &[&str] = &[];

/// The one test that matters for CI: every saved input passes every check.
#[test]
fn every_saved_input_passes_every_fuzz_check() {
    let dir = regressions_dir();
    let files = inputs(&dir);
    assert!(
        !files.is_empty(),
        "no inputs in {}: the fuzz regressions must not silently test nothing",
        dir.display()
    );
    let mut failures = Vec::new();
    for file in &files {
        // Findings whose bug is still open have their own ignored test above.
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if KNOWN_BUGS.iter().any(|prefix| name.starts_with(prefix)) {
            continue;
        }
        let data = std::fs::read(file).expect("readable input");
        for (name, check) in checks::all_byte_checks() {
            if let Err(message) = run(check, &data) {
                failures.push(format!(
                    "{} — {name}:\n{message}",
                    file.strip_prefix(&dir).unwrap_or(file).display()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s) over {} input(s):\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

// ---- One test per finding (fuzz/README.md, "Findings"), each failing until its bug is fixed.

/// Runs `check` on a saved finding and fails with `what` (the property that must hold) and the
/// check's own message.
fn assert_holds(file: &str, check: fn(&[u8]) -> checks::CheckResult, what: &str) {
    if let Err(message) = run(check, &read(file)) {
        panic!("{file}: {what}\n\n{message}");
    }
}

#[test]
fn f1_a_kept_block_scalar_tail_stays_with_its_item() {
    // `|+` keeps the blank lines after its last line; lines of only white space deeper than
    // the content are content too. `item_end`/`block_scalar_end` (src/resource_list/layout.rs)
    // count them as gap, so the region stops short and whatever is inserted after the item
    // (generated Alerts, a new root key) lands inside the scalar's value.
    assert_holds(
        "findings/f1-keep-chomp-last-item-whole-function.yaml",
        checks::whole_function,
        "a ConfigMap's `motd: |+` value (\"hello\\n\\n\") must not change when Alerts are appended",
    );
    for file in [
        "findings/f1-keep-chomp-region.yaml",
        "findings/f1-block-scalar-space-line.yaml",
        "findings/f1-block-scalar-tab-line.yaml",
    ] {
        assert_holds(
            file,
            checks::reader_splicer,
            "an item's region must hold all of its block scalar's value",
        );
    }
}

#[test]
fn f2_items_with_no_value_take_appended_items_cleanly() {
    // `items:` with nothing after it: the parser reports the null as `~` with an empty span
    // *before* the colon, and `read_items` (src/resource_list/read.rs, `value_end`) takes
    // that span's end, so `ItemsContainer::Null { replace }` runs backwards (61..60) and the
    // splice writes the colon twice: a stray `:` line (a new `null: null` root key) follows
    // the generated items.
    assert_holds(
        "findings/f2-null-items-whole-function.yaml",
        checks::whole_function,
        "generating into `items:` (no value) must not add a `:` line to the ResourceList",
    );
    assert_holds(
        "findings/f2-null-items-append.yaml",
        checks::reader_splicer,
        "appending to `items:` (no value) must leave the rest of the list unchanged",
    );
}

#[test]
fn f3_a_lone_carriage_return_is_a_line_break() {
    // YAML (and the parser) read a CR not followed by LF as a line break; `line_start`,
    // `line_end_after` and `item_end` (src/resource_list/layout.rs) only knew `\n`, so the
    // item's region ran on over the next root key (`foo: 1`). Lines are now worked out by
    // `yaml::lines` everywhere (reader, splicer, stamps, re-indenting items and package
    // files), and new text follows a bare-CR input's line ending.
    assert_holds(
        "findings/f3-bare-cr-line-break.yaml",
        checks::reader_splicer,
        "an item's region must end at a CR line break",
    );
    // The whole function on bare-CR inputs (stamped appliers, a stale Alert removed) gives
    // its golden output, with CR line breaks.
    for (file, golden) in [
        (
            "findings/f3-bare-cr-annotate-appliers-whole-function.yaml",
            "46-annotate-appliers",
        ),
        (
            "findings/f3-bare-cr-stale-removed-whole-function.yaml",
            "61-ownership-stale-removed",
        ),
    ] {
        assert_holds(
            file,
            checks::whole_function,
            "the function must keep and edit items of a bare-CR list",
        );
        let input = read(file);
        let limits = app_notifications::limits::Limits::default();
        let outcome = app_notifications::run_krm(&input, &limits);
        let expected = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("tests/golden/{golden}/expected.yaml")),
        )
        .expect("a golden output");
        assert_eq!(
            outcome.stdout.to_string(),
            expected.replace('\n', "\r"),
            "{file}: the output of golden {golden}, with CR line breaks"
        );
    }
}

#[test]
fn f4_entries_with_empty_scalars_are_inside_their_item() {
    // Empty plain scalars (`:` alone, `[key:]`) get zero-length spans before the `:`, so the
    // reader's `content_end` (src/resource_list/read.rs, `Events::next`) stopped short: a
    // stream document `:` got the empty region 0..0, and the flow item `b01:` the region `b01`
    // (appending then wrote `[b01,{…}:` ).
    assert_holds(
        "findings/f4-empty-key-document.yaml",
        checks::reader_splicer,
        "a document made of an empty key must have a non-empty region",
    );
    assert_holds(
        "findings/f4-flow-item-empty-value.json",
        checks::reader_splicer,
        "the flow item `b01:` (a map with a null value) must include its colon",
    );
    // Found while fixing it: the empty value of an explicit key with no `:` (`? x` ending an
    // item) has its span at the next token, the next item's `-`; with indented entries the
    // region ran on over that item's first line, and the regions overlapped. After a block
    // scalar key (`? |`), the block scalar's own end must still be worked out.
    for file in [
        "findings/f4-explicit-key-without-value-ends-item.yaml",
        "findings/f4-explicit-block-scalar-key-without-value.yaml",
    ] {
        assert_holds(
            file,
            checks::reader_splicer,
            "an item ending in an explicit key with no value must end at that key",
        );
    }
}

#[test]
fn f5_removing_a_document_keeps_the_stream_valid() {
    // A stream document's region starts at its `---` (src/resource_list/read.rs, read_stream),
    // so the `%YAML` directive before it stays when it is removed: the output is a directive
    // with no document, which does not parse.
    assert_holds(
        "findings/f5-stream-directive.yaml",
        checks::reader_splicer,
        "removing the only document of a stream with a %YAML directive must leave valid YAML",
    );
}

#[test]
fn f6_root_properties_do_not_shift_new_root_keys() {
    // `! a:` (a tag on the root mapping, on the line of its first key): `read_root` takes the
    // first key's column (2) as the root's `key_col`, so `results:` (and `items:`) are written
    // at column 2, inside the last item.
    assert_holds(
        "findings/f6-root-tag-on-first-key-line.yaml",
        checks::reader_splicer,
        "results added to a list whose root has a tag must be a root key",
    );
}

#[test]
fn f7_annotate_appliers_on_a_json_list_does_not_panic() {
    // A JSON (flow) ResourceList, `annotateAppliers: true`, an applier with an `annotations`
    // map: `Splice::render` (src/resource_list/splice.rs) adds the stamp's `ItemPatch` inside
    // the item while `flow_items` already replaces the whole `[...]`; the overlapping patches
    // make `Rendered::pieces` slice backwards: "begin > end" panic (an abort in the release
    // binary).
    assert_holds(
        "findings/f7-json-annotate-appliers-panic.json",
        checks::whole_function,
        "run_krm must not panic on a JSON list with annotateAppliers",
    );
}

#[test]
fn f8_a_percent_line_inside_a_document_is_not_a_directive() {
    // `directives_before` (src/resource_list/read.rs, used by `read_stream` since the f5 fix)
    // walks back from a `---` over every line that starts with `%`, up into the previous
    // document: here the second line of the quoted key `"\n%"`. The second document's
    // region then starts inside the first (3..22 against 0..10), and removing or replacing
    // it (a stale generated object in legacy plugin mode) cuts the first document in two.
    assert_holds(
        "findings/f8-percent-line-inside-a-document.yaml",
        checks::reader_splicer,
        "stream regions must not overlap when a document has a line starting with `%`",
    );
}

#[test]
fn f9_a_kept_block_scalar_with_no_content_lines_keeps_its_blank_lines() {
    // What is left of f1 after its fix: `k: |+` followed only by blank lines. The parser's
    // span of such a scalar starts at the `|+` header itself, so `keeps_tail`
    // (src/resource_list/layout.rs) looks for the header on the line *before* it, finds none,
    // and `block_scalar_end` drops the kept lines ("\n\n" read back as "").
    assert_holds(
        "findings/f9-keep-chomp-without-content-lines.yaml",
        checks::reader_splicer,
        "an item ending in `k: |+` and blank lines must keep them in its region",
    );
}

#[test]
fn f10_removing_a_document_takes_its_directives_across_comments() {
    // What is left of f5 after its fix: `directives_before` (src/resource_list/read.rs) only
    // takes the `%` lines right above the `---`; a comment or blank line between them (valid:
    // directives are often followed by a comment) stops it, and removing the document leaves
    // `%YAML 1.2` with no document: the output does not parse.
    // Replacing such a document fails the same way: the new text drops the `---` that the
    // remaining directive needs.
    for file in [
        "findings/f10-directive-comment-then-document.yaml",
        "findings/f10-directives-with-a-blank-line-replaced.yaml",
    ] {
        assert_holds(
            file,
            checks::reader_splicer,
            "removing or replacing a document whose directives are separated from `---` by a \
             comment or blank line must leave valid YAML",
        );
    }
}

#[test]
fn f11_appending_after_a_kept_scalar_at_the_end_of_input_keeps_its_value() {
    // A `|+` scalar that ends the input with a last line of bare indentation and no line
    // break (here a single space): text written after it needs a line break first
    // (`insert_lines`, src/resource_list/splice.rs), and under `|+` that line break is kept —
    // the value grew from "\n" to "\n\n" (PyYAML agrees). Such a line is content only when
    // it is deeper than the scalar's indentation; otherwise the item, and where new documents
    // go, now end before it (`keep_end` in layout.rs, `stream_end` in read.rs).
    // With a content last line (`|+` + `hello`, no final line break) PyYAML reads "hello"
    // and the output "hello\n"; the parser the crate uses reads "hello\n" both times, so the
    // checks cannot see that variant (see fuzz/README.md).
    assert_holds(
        "findings/f11-keep-chomp-at-eof-without-line-break.yaml",
        checks::reader_splicer,
        "appending after a document that ends in a `|+` scalar without a final line break must \
         not change that scalar",
    );
    // Found while fixing it: the same in a ResourceList item and under a root key (where
    // `results` go), after `>+`, and under `|2+` with the header alone on its line (the
    // indentation then counts from the key on the line above). And the other way round: the
    // parser reads a lone such line right after the header (`a: |+` + ` `) as a line break,
    // so the item must keep it to read the same on its own.
    for file in [
        "findings/f11-keep-chomp-lone-bare-line-after-header.yaml",
        "findings/f11-keep-chomp-item-last-line-bare-indentation.yaml",
        "findings/f11-keep-chomp-root-key-results-after.yaml",
        "findings/f11-folded-keep-at-eof.yaml",
        "findings/f11-explicit-indent-header-alone-at-eof.yaml",
    ] {
        assert_holds(
            file,
            checks::reader_splicer,
            "text written after a kept scalar that ends the input must not change it",
        );
    }
}

#[test]
fn f12_items_with_a_tagged_empty_value_take_appended_items_cleanly() {
    // `items: !!null` (or `items: !`): the value is an empty scalar with a tag. Since the f2
    // fix the replacement range of `ItemsContainer::Null` was empty at the end of `items:`
    // (61..61, src/resource_list/read.rs `read_items`), so the tag was left behind: the new
    // items were written before ` !!null`, which then dangled on a line of its own and the
    // output did not parse.
    assert_holds(
        "findings/f12-items-tagged-null.yaml",
        checks::reader_splicer,
        "appending to `items: !!null` must give a ResourceList that reads back",
    );
    // Found while fixing it: an anchor (after a comment, on the next line) dangled the same
    // way; `? items` with no `:` took the colon of the next root key for its own; a JSON list
    // with `"items": null` got a block sequence inside its `{...}`.
    for file in [
        "findings/f12-items-anchor-after-comment.yaml",
        "findings/f12-items-tag-and-aliased-anchor.yaml",
        "findings/f12-explicit-items-key-without-value.yaml",
        "findings/f12-json-items-null-whole-function.json",
    ] {
        assert_holds(
            file,
            checks::reader_splicer,
            "appending to a null `items` must give a ResourceList that reads back",
        );
    }
    assert_holds(
        "findings/f12-json-items-null-whole-function.json",
        checks::whole_function,
        "Alerts generated into a JSON list with `\"items\": null` must read back",
    );
}

#[test]
fn f13_a_kept_block_scalar_whose_content_starts_with_a_bar_keeps_its_blank_lines() {
    // What was left of f9 after its fix: `keeps_tail` (src/resource_list/layout.rs) took a
    // scalar whose span starts with `|` or `>` for one with no content lines (span at the
    // header) — but a content line can start with `|` or `>` too: a Markdown table row, a
    // quoted mail line. `| app | env |` under `table.md: |+` then read as a header without
    // `+`, and the kept blank line was dropped from the item ("…|\n\n" read back as "…|\n").
    // Whether the span is at the header now comes from the value (only line breaks).
    assert_holds(
        "findings/f13-keep-chomp-content-starts-with-bar.yaml",
        checks::reader_splicer,
        "a `|+` scalar whose content starts with `|` must keep its blank lines in the item",
    );
    // Found while fixing it: the header was looked for only on the line right above the
    // first content line, so a blank line between them (or a tab before the header) hid
    // `|+` and `|2`: kept blank lines, and lines shallower than the first under an explicit
    // indentation, fell out of the item.
    for file in [
        "findings/f13-keep-chomp-leading-blank-line.yaml",
        "findings/f13-explicit-indent-leading-blank-line.yaml",
        "findings/f13-tab-before-keep-header.yaml",
    ] {
        assert_holds(
            file,
            checks::reader_splicer,
            "a block scalar's header must be found above blank lines and after a tab",
        );
    }
}

#[test]
fn f14_removing_the_item_after_a_kept_block_scalar_keeps_the_scalar() {
    // `- a: |+` then `- a:` then a blank line. The blank line is gap after item 1; removing
    // item 1 (a stale generated object, say) spliced it out and left the blank line right
    // after item 0's `|+` scalar, which keeps it: item 0's value changed ("" became "\n";
    // with content, "kept\n\n\n" became "kept\n\n\n\n"). Removal
    // (src/resource_list/splice.rs `region_edits`) now takes the lines after a removed item
    // that the block scalar before it would take in.
    assert_holds(
        "findings/f14-keep-chomp-absorbs-gap-after-removed-item.yaml",
        checks::reader_splicer,
        "removing an item must not change the value of a `|+` scalar ending the item before it",
    );
    // Found while fixing it: not only `|+`. Any block scalar takes in a comment line, or a
    // line of spaces, deeper than its content; and a stream document's `|+` the blank lines
    // after a removed document.
    for file in [
        "findings/f14-clip-scalar-takes-deep-comment-after-removed-item.yaml",
        "findings/f14-clip-scalar-takes-deep-blank-line-after-removed-item.yaml",
        "findings/f14-keep-chomp-stream-document-removed.yaml",
    ] {
        assert_holds(
            file,
            checks::reader_splicer,
            "removing an item must not change a block scalar ending the item before it",
        );
    }
}

#[test]
fn f15_a_kept_scalar_ending_an_item_of_an_indented_sequence_ends_before_the_next_item() {
    // Found while fixing f11: for a `|+` scalar the parser's span ends at the next token,
    // which in an indented sequence (`  - b`) is the next item's `-`, after its indentation.
    // `block_scalar_end` trusted that end for kept scalars, and the item's region ran to the
    // end of the next item's first line: overlapping regions, and removing or replacing
    // either item cut the other. It now ends before a last line of bare indentation.
    assert_holds(
        "findings/f15-keep-chomp-ends-item-of-indented-sequence.yaml",
        checks::reader_splicer,
        "an item ending in a `|+` scalar must end before the next item of an indented sequence",
    );
}

#[test]
fn f16_a_colon_of_the_root_after_an_item_is_not_the_items() {
    // Found by fuzzing the f4 fix: an item ending in `? b` (an explicit key with no value),
    // then the root's empty key `:` on the next line. The empty value's span is at that
    // next token, the `:`, which the f4 fix took for the value's own indicator: the item's
    // region took in the root's `:` line. A `:` on a later line at or left of the item's `-`
    // belongs to the mapping that holds the item. In a stream document the `:` of `? b` may
    // stand at the document's own column and is its content.
    // Found by fuzzing that fix: an item that is only `? ` (an empty explicit key, maybe with
    // a comment): the parser puts both empty scalars at the root's `:`, so the scan for the
    // value's indicator crossed it, and the first one is read by the peek for the item's
    // anchor, before the reader knew the item's `-`.
    for file in [
        "findings/f16-explicit-key-then-root-empty-key.yaml",
        "findings/f16-explicit-key-value-indicator-on-its-own-line.yaml",
        "findings/f16-empty-explicit-key-item-then-root-colon.yaml",
        "findings/f16-empty-explicit-key-with-comment-then-root-colon.yaml",
    ] {
        assert_holds(
            file,
            checks::reader_splicer,
            "an item's region must stop before a `:` of the mapping that holds it",
        );
    }
}

#[test]
fn f17_directives_after_a_byte_order_mark_go_with_their_document() {
    // Found by fuzzing: a stream that starts with a byte order mark, then `%YAML 1.2` (and a
    // comment), then `---` and a document. `directives_before` (src/resource_list/read.rs)
    // did not see the directive behind the BOM, so the document's region started at `---`
    // and removing it left the directive without a document: the output did not parse.
    assert_holds(
        "findings/f17-bom-before-directive-stream.yaml",
        checks::reader_splicer,
        "removing the only document after a BOM and a directive must leave valid YAML",
    );
}
