//! Invariants of the reader and splicer over generated ResourceLists: split-then-join gives the
//! input back, item regions are exact, and edits leave every other item's bytes alone.

use app_notifications::limits::Limits;
use app_notifications::resource_list::{Edits, Splice};
use app_notifications::run_krm;
use proptest::prelude::*;
use serde_json::json;

/// Item bodies as they appear after `- ` (first line) with following lines relative to the
/// item's content column. `{i}` is replaced by a unique number.
const BODIES: &[&str] = &[
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  a: \"x\"\n",
    "# leading comment\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i} # trailing\n",
    "kind: ConfigMap\nmetadata: {name: \"é-{i}\", labels: {app.kubernetes.io/name: billing}}\n",
    "kind: ConfigMap\ndata:\n  keep: |+\n    kept {i}\n\n  folded: >-\n    a\n    b\n  lit: |\n    - not an item\n    key: value\n",
    "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: &n ks-{i}\n  labels:\n    app.kubernetes.io/name: *n\nspec:\n  sourceRef: {kind: GitRepository, name: flux-system}\n",
    "{kind: ConfigMap, metadata: {name: flow-{i}}}\n",
    "kind: 'Quoted'\nmetadata:\n  name: \"q-{i}\"\n  annotations:\n    note: \"multi\\nline ☕\"\n",
    // Ends in a scalar that keeps its trailing line breaks: removing what follows must not
    // give it the blank lines that followed the removed item.
    "kind: ConfigMap\nmetadata:\n  name: keep-{i}\ndata:\n  tail: |+\n    kept {i}\n",
];

/// How the body that ends in a keeping block scalar ends.
const KEEPING_END: &str = "|+\n    kept {i}\n";

const GAPS: &[&str] = &[
    "",
    "\n",
    "# a comment between items\n",
    "\n  # indented comment\n\n",
];

#[derive(Debug, Clone)]
struct Case {
    indent: usize,
    crlf: bool,
    bom: bool,
    items: Vec<(usize, usize)>, // (body, gap before it)
    tail: usize,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop_oneof![Just(0usize), Just(2usize)],
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec((0..BODIES.len(), 0..GAPS.len()), 0..12),
        0..GAPS.len(),
    )
        .prop_map(|(indent, crlf, bom, items, tail)| Case {
            indent,
            crlf,
            bom,
            items,
            tail,
        })
}

/// Builds the input and the exact text of each item.
fn build(case: &Case) -> (String, Vec<String>) {
    let pad = " ".repeat(case.indent);
    let mut out = String::from("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n");
    let mut items: Vec<String> = Vec::new();
    // The blank lines right after a scalar that keeps its line breaks are its content, so
    // they are part of its item.
    let gap_after =
        |items: &mut Vec<String>, previous: Option<usize>, gap: &str, out: &mut String| {
            if previous.is_some_and(|body| BODIES[body].ends_with(KEEPING_END)) {
                let blank: usize = gap
                    .split_inclusive('\n')
                    .take_while(|l| l.trim().is_empty())
                    .map(str::len)
                    .sum();
                items
                    .last_mut()
                    .expect("an item before")
                    .push_str(&gap[..blank]);
            }
            out.push_str(gap);
        };
    let mut previous = None;
    for (i, (body, gap)) in case.items.iter().enumerate() {
        let gap: String = GAPS[*gap]
            .split_inclusive('\n')
            .map(|l| {
                if l.trim().is_empty() {
                    l.to_string()
                } else {
                    format!("{pad}{l}")
                }
            })
            .collect();
        gap_after(&mut items, previous, &gap, &mut out);
        previous = Some(*body);
        let body = BODIES[*body].replace("{i}", &i.to_string());
        let mut item = String::new();
        for (n, line) in body.split_inclusive('\n').enumerate() {
            item.push_str(&pad);
            item.push_str(if n == 0 {
                "- "
            } else if line == "\n" {
                ""
            } else {
                "  "
            });
            item.push_str(line);
        }
        out.push_str(&item);
        items.push(item);
    }
    gap_after(&mut items, previous, GAPS[case.tail], &mut out);
    out.push_str("functionConfig:\n  kind: X\n");
    if case.crlf {
        out = out.replace('\n', "\r\n");
        items = items.iter().map(|i| i.replace('\n', "\r\n")).collect();
    }
    if case.bom {
        out.insert(0, '\u{feff}');
    }
    (out, items)
}

/// The `items` of a list, read as values by a full parse (an absent or null `items` is none).
fn whole_items(text: &str) -> Vec<serde_json::Value> {
    let limits = Limits::default();
    let mut budget = app_notifications::yaml::tree::ExpansionBudget::new(100_000);
    let list = app_notifications::reader(&limits)
        .object(text, "list")
        .unwrap_or_else(|e| panic!("{e}\n{text}"))
        .expect("a document")
        .to_json(&mut budget)
        .expect("converts");
    match &list["items"] {
        serde_json::Value::Array(items) => items.clone(),
        serde_json::Value::Null => Vec::new(),
        other => panic!("items is {other}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn split_then_join_gives_the_input(case in case()) {
        let (input, items) = build(&case);
        let outcome = run_krm(input.as_bytes(), &Limits::default());
        prop_assert_eq!(outcome.exit_code, 0, "{}", outcome.stderr);
        prop_assert_eq!(&outcome.stdout.to_string(), &input);
        let list = app_notifications::reader(&Limits::default()).resource_list(&input, "t").unwrap();
        prop_assert_eq!(list.items.len(), items.len());
        // Regions in order, never overlapping, each exactly the item's text; what lies between
        // them is only gaps (comments and blank lines).
        let mut pos = input.find("items:").unwrap() + "items:\n".len() + usize::from(case.crlf);
        for (item, expected) in list.items.iter().zip(&items) {
            prop_assert!(item.region.start >= pos);
            prop_assert_eq!(&input[item.region.clone()], expected.as_str());
            let gap = &input[pos..item.region.start];
            prop_assert!(gap.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')), "gap {:?}", gap);
            pos = item.region.end;
        }
    }

    #[test]
    fn edits_leave_other_items_alone(case in case(), fate in prop::collection::vec(0u8..4, 12), appended in 0usize..3) {
        let (input, items) = build(&case);
        let list = app_notifications::reader(&Limits::default()).resource_list(&input, "t").unwrap();
        // Each item is kept (0, 1), removed (2) or replaced by a new value in place (3).
        let removed: Vec<usize> = (0..items.len()).filter(|&i| fate[i] == 2).collect();
        let replacement = |i: usize| json!({"kind": "ConfigMap", "metadata": {"name": format!("replaced-{i}")}});
        let replace: Vec<(usize, serde_json::Value)> =
            (0..items.len()).filter(|&i| fate[i] == 3).map(|i| (i, replacement(i))).collect();
        let new_items: Vec<_> = (0..appended)
            .map(|n| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": format!("new-{n}")}, "data": {"on": "yes", "n": "0755"}}))
            .collect();
        let edits = Edits { remove: removed.clone(), replace: replace.clone(), append: new_items.clone(), ..Edits::default() };
        let out = Splice::new(&list).write(&edits);
        let again = app_notifications::reader(&Limits::default()).resource_list(&out, "t").unwrap_or_else(|e| panic!("{e}\n{out}"));
        // Read whole, the output is the input's list with exactly these edits.
        let before = whole_items(&input);
        let mut expected: Vec<serde_json::Value> = Vec::new();
        for (i, value) in before.into_iter().enumerate() {
            match fate[i] {
                2 => {}
                3 => expected.push(replacement(i)),
                _ => expected.push(value),
            }
        }
        expected.extend(new_items);
        prop_assert_eq!(whole_items(&out), expected, "{}", out);
        // Kept items keep their bytes.
        let kept: Vec<(usize, &String)> = items.iter().enumerate().filter(|(i, _)| !removed.contains(i)).collect();
        prop_assert_eq!(again.items.len(), kept.len() + appended);
        for (item, (i, expected)) in again.items.iter().zip(&kept) {
            if fate[*i] != 3 {
                prop_assert_eq!(&out[item.region.clone()], expected.as_str());
            }
        }
        for (n, item) in again.items[kept.len()..].iter().enumerate() {
            prop_assert_eq!(&item.fields.name, &format!("new-{n}"));
            if case.crlf {
                prop_assert!(!out[item.region.clone()].replace("\r\n", "").contains('\n'));
            }
        }
        // Running the same edits on the output of no edits changes nothing else.
        prop_assert_eq!(Splice::new(&again).write(&Edits::default()), out);
    }
}

// ---- The format-preserving editor (resource_list::edit) ----

/// Documents with the shapes real files have: comments, flow and block collections, block
/// scalars, quoted keys, nested mappings, sequences of mappings.
const DOCUMENTS: &[&str] = &[
    "# head\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a # name\n  labels:\n    x: y\ndata:\n  script: |\n    echo hi\n\n# tail\n",
    "metadata: {name: a, annotations: {team: payments}}\nspec:\n  interval: 5m\n",
    "resources:\n- a.yaml\n- b.yaml\ntransformers:\n  - t.yaml\nmetadata:\n  name: k\n",
    "{\"apiVersion\": \"v1\", \"metadata\": {\"name\": \"j\"}, \"spec\": {}}",
    "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: apps\npipeline:\n  mutators:\n  - image: x\n    configMap:\n      a: b\n",
    "spec:\n  chart:\n    spec:\n      chart: podinfo\n      sourceRef: {kind: HelmRepository, name: r}\n  values:\n    key: 'quoted'\n",
    "\"quoted key\": 1\nmetadata:\n  \"name\": q\n  annotations:\n",
];

const KEYS: &[&str] = &[
    "metadata",
    "annotations",
    "spec",
    "chart",
    "labels",
    "new",
    "name",
    "x",
];

fn edit_case() -> impl Strategy<Value = (usize, Vec<usize>, usize, String)> {
    (
        0..DOCUMENTS.len(),
        prop::collection::vec(0..KEYS.len(), 0..4),
        0..KEYS.len(),
        "[a-z0-9./ -]{0,12}",
    )
}

/// `value` with `key` set to `new` in the mapping at `path`, creating missing mappings; `None`
/// when something on the path is not a mapping.
fn expected_after_set(
    value: &serde_json::Value,
    path: &[&str],
    key: &str,
    new: &str,
) -> Option<serde_json::Value> {
    let mut out = value.clone();
    let mut at = &mut out;
    for segment in path {
        let map = at.as_object_mut()?;
        let next = map
            .entry(segment.to_string())
            .or_insert(serde_json::Value::Null);
        if next.is_null() {
            *next = json!({});
        }
        at = next;
    }
    let map = if at.is_null() {
        *at = json!({});
        at.as_object_mut()?
    } else {
        at.as_object_mut()?
    };
    // A string never replaces a collection.
    if map.get(key).is_some_and(|v| v.is_object() || v.is_array()) {
        return None;
    }
    map.insert(key.to_string(), json!(new));
    Some(out)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Setting a string at a path gives exactly the document with that one value set (the
    /// mappings on the way created), read back by a full parse; or a refusal when something on
    /// the path is not a mapping. Nothing else of the document changes.
    #[test]
    fn an_edit_changes_exactly_the_value_it_sets(case in edit_case()) {
        use app_notifications::resource_list::edit;
        use app_notifications::resource_list::locate::Segment;
        let (doc, path, key, new) = case;
        let text = DOCUMENTS[doc];
        let path: Vec<&str> = path.iter().map(|&i| KEYS[i]).collect();
        let key = KEYS[key];
        let limits = Limits::default();
        let reader = app_notifications::reader(&limits);
        let budget = || app_notifications::yaml::tree::ExpansionBudget::new(1000);
        let before = reader.object(text, "doc").unwrap().unwrap().to_json(&mut budget()).unwrap();
        let segments: Vec<Segment> = path.iter().map(|k| Segment::Key(k.to_string())).collect();
        let expected = expected_after_set(&before, &path, key, &new);
        match edit::set_string(text, 0, &segments, key, &new, &limits) {
            Ok(patches) => {
                let mut ends = 0;
                let mut sorted = patches.clone();
                sorted.sort_by_key(|p| p.range.start);
                for p in &sorted {
                    prop_assert!(p.range.start >= ends && p.range.end <= text.len());
                    ends = p.range.end;
                }
                let after_text = edit::apply(text, &patches);
                let after = reader
                    .object(&after_text, "edited")
                    .unwrap_or_else(|e| panic!("{e}\n{after_text}"))
                    .unwrap()
                    .to_json(&mut budget())
                    .unwrap();
                prop_assert_eq!(Some(after), expected, "{}", after_text);
            }
            Err(err) => prop_assert!(expected.is_none(), "refused ({err}) but settable:\n{text}"),
        }
    }
}
