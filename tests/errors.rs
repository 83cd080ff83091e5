//! Every way the input can be unreadable, with its exact message: what, where, how to fix it.
//! The binary is run for real, so exit codes and the stdout/stderr split are checked too.

use crate::support;

const RL: &str = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n";

fn run(input: &[u8], args: &[&str]) -> (i32, String, String) {
    support::run(support::bin().args(args), input)
}

/// Unreadable input: exit 1, nothing on stdout, one clear line on stderr.
fn assert_fails(input: &[u8], args: &[&str], expected: &str) {
    let (code, stdout, stderr) = run(input, args);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout, "", "no partial output");
    assert_eq!(stderr, format!("error: {expected}\n"));
}

#[test]
fn malformed_yaml() {
    assert_fails(
        format!("{RL}items:\n- kind: [a\n").as_bytes(),
        &[],
        "stdin:4:9: invalid YAML: unclosed bracket '[' (hint: close the list with `]` (a mapping \
         with `}`) where it ends, or quote the value if the bracket is part of the text)\n   \
         4 | - kind: [a\n     |         ^",
    );
}

/// A bracket left open is reported where it was opened, with the line where the parser gave
/// up: that is where the error shows, a line or more after the mistake.
#[test]
fn an_unclosed_bracket_is_shown_where_it_opens() {
    assert_fails(
        format!("{RL}items:\n- kind: A\n  metadata:\n    name: [a\n    namespace: b\n").as_bytes(),
        &[],
        "stdin:6:11: invalid YAML: this `[` is never closed; the parser stopped at 7:14: illegal \
         placement of ':' indicator (hint: close the list with `]` where it ends, or quote the \
         value if the `[` is part of the text (\"[…\"))\n   6 |     name: [a\n     |           ^\n   \
         7 |     namespace: b\n     |              ^ the parser stopped here",
    );
}

#[test]
fn empty_input() {
    assert_fails(
        b"",
        &[],
        "stdin: input is empty (hint: pipe a ResourceList (kind: ResourceList, apiVersion: \
         config.kubernetes.io/v1) into the function, or run `app-notifications render PATH` on a \
         package)",
    );
}

#[test]
fn not_a_resource_list() {
    assert_fails(
        b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
        &[],
        "stdin:1:1: not a ResourceList: apiVersion `v1`, kind `ConfigMap` (expected apiVersion \
         config.kubernetes.io/v1, kind ResourceList) (hint: the KRM protocol sends one \
         ResourceList document; to run as a kustomize legacy exec plugin, set \
         KUSTOMIZE_PLUGIN_CONFIG_ROOT and pass the config file as the first argument)",
    );
    assert_fails(
        format!("{RL}items: {{}}\n").as_bytes(),
        &[],
        "stdin:3:8: not a ResourceList: `items` is a mapping, not a sequence (hint: the KRM \
         protocol sends one ResourceList document; to run as a kustomize legacy exec plugin, set \
         KUSTOMIZE_PLUGIN_CONFIG_ROOT and pass the config file as the first argument)",
    );
}

#[test]
fn item_that_is_not_an_object() {
    assert_fails(
        format!("{RL}items:\n- just a string\n").as_bytes(),
        &[],
        "stdin:4:3: items[0] is a scalar, not an object (hint: every item must be a Kubernetes \
         object (a mapping with apiVersion and kind))",
    );
}

#[test]
fn second_document() {
    assert_fails(
        format!("{RL}items: []\n---\n{RL}").as_bytes(),
        &[],
        "stdin:4:1: a second YAML document follows the ResourceList (hint: send exactly one \
         ResourceList document (remove the extra `---` documents))",
    );
}

#[test]
fn invalid_utf8() {
    let mut input = format!("{RL}items:\n- kind: A\n  metadata: {{name: \"").into_bytes();
    input.extend_from_slice(b"\xff\"}\n");
    assert_fails(
        &input,
        &[],
        "stdin:5:21: invalid UTF-8 (hint: YAML must be UTF-8; re-encode the file)",
    );
}

#[test]
fn invalid_utf8_after_bare_cr_line_breaks() {
    // YAML counts a lone CR as a line break; the location must too.
    let mut input = format!("{RL}items:\r- kind: A\r  metadata: {{name: \"").into_bytes();
    input.extend_from_slice(b"\xff\"}\r");
    assert_fails(
        &input,
        &[],
        "stdin:5:21: invalid UTF-8 (hint: YAML must be UTF-8; re-encode the file)",
    );
}

#[test]
fn input_over_the_size_limit() {
    let input = format!("{RL}items: []\n");
    assert_fails(
        input.as_bytes(),
        &["--max-input-bytes", "20"],
        "stdin: input is larger than 20 bytes (read 21 so far) (hint: raise the limit with \
         --max-input-bytes)",
    );
    // The same input under the default limit is fine.
    assert_eq!(run(input.as_bytes(), &[]).0, 0);
}

#[test]
fn nesting_deeper_than_the_limit() {
    let deep = format!(
        "{RL}items:\n- kind: A\n  data: {}{}\n",
        "[".repeat(300),
        "]".repeat(300)
    );
    assert_fails(
        deep.as_bytes(),
        &[],
        "stdin:5:209: nesting is deeper than 200 levels (hint: flatten the document or raise \
         --max-depth)",
    );
    let block: String = (0..250)
        .map(|i| format!("{}k:\n", " ".repeat(i * 2 + 2)))
        .collect();
    let (code, stdout, stderr) = run(format!("{RL}items:\n- kind: A\n{block}").as_bytes(), &[]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert!(
        stderr.contains("nesting is deeper than 200 levels"),
        "{stderr}"
    );
}

#[test]
fn too_many_items() {
    assert_fails(
        format!("{RL}items:\n- kind: A\n- kind: B\n- kind: C\n").as_bytes(),
        &["--max-items", "2"],
        "stdin:6:3: more than 2 items (hint: split the input or raise --max-items)",
    );
}

/// An alias bomb in a field the function reads (merge keys nine wide, nine deep): the list is
/// readable, so the items come back
/// unchanged with an error result, and the exit code is 1.
#[test]
fn alias_bomb_in_a_read_field() {
    let mut input = format!("{RL}items:\n- kind: A\n  x0: &a0 {{lol: lol}}\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        input.push_str(&format!("  x{i}: &a{i} {{<<: [{refs}]}}\n"));
    }
    input.push_str("  metadata:\n    name: bomb\n    labels: *a9\n");
    let (code, stdout, stderr) = run(input.as_bytes(), &[]);
    assert_eq!(code, 1);
    let message = "items[0] (line 4): metadata.labels: alias expansion exceeds 100000 nodes (an \
                   alias bomb?); write the value out or raise --max-alias-expansion";
    assert_eq!(
        stdout,
        format!(
            "{input}results:\n- message: \"{message}\"\n  severity: error\n  resourceRef:\n    \
             apiVersion: \"\"\n    kind: A\n    name: bomb\n  field:\n    path: metadata.labels\n"
        )
    );
    assert_eq!(
        stderr,
        format!("error: {message} (A bomb, field metadata.labels, stdin:17:5)\n")
    );
}

#[test]
fn usage_errors_exit_2() {
    let (code, stdout, stderr) = run(b"", &["--bogus"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.starts_with("error: unexpected argument '--bogus' found"),
        "{stderr}"
    );
    assert_eq!(run(b"", &["--max-depth", "5000"]).0, 2);
}

#[test]
fn help_and_version() {
    let (code, stdout, _) = run(b"", &["--help"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("Examples:") && stdout.contains("kpt fn eval"),
        "{stdout}"
    );
    let (code, stdout, _) = run(b"", &["--version"]);
    assert_eq!((code, stdout.as_str()), (0, "app-notifications 0.1.0\n"));
}
