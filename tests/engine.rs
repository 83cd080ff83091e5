//! The engine's contract: byte-exact passthrough, exact item regions, the fields read, and
//! splicing that leaves every untouched byte alone.

use crate::support::*;
use app_notifications::limits::Limits;
use app_notifications::resource_list::{Edits, Notation, ResourceList, Splice};
use app_notifications::run_krm;
use serde_json::json;

fn read(text: &str) -> ResourceList<'_> {
    app_notifications::reader(&Limits::default())
        .resource_list(text, "test")
        .unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn region<'a>(list: &ResourceList<'a>, i: usize) -> &'a str {
    &list.source[list.items[i].region.clone()]
}

fn alert(name: &str) -> serde_json::Value {
    json!({
        "apiVersion": "notification.toolkit.fluxcd.io/v1beta3",
        "kind": "Alert",
        "metadata": {"name": name, "namespace": "apps"},
        "spec": {
            "providerRef": {"name": "slack"},
            "eventSources": [{"kind": "Kustomization", "name": "billing"}],
        },
    })
}

/// Every document of the three real repositories, wrapped as items: the output is the input,
/// byte for byte, and each item's region is exactly its text.
#[test]
fn corpus_passes_through_byte_for_byte() {
    let corpus = fixtures().join("corpus");
    let mut total = 0;
    for file in yaml_files(&corpus) {
        let text = std::fs::read_to_string(&file).unwrap();
        let docs = documents(&text);
        if docs.iter().any(|d| {
            d.lines()
                .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
                .is_some_and(|l| l.starts_with("- "))
        }) {
            // A top-level sequence (a label list) cannot be an item of a ResourceList.
            assert!(file.to_string_lossy().contains("/."), "{}", file.display());
            continue;
        }
        let items: Vec<String> = docs.iter().map(|d| as_item(d)).collect();
        if items.is_empty() {
            continue;
        }
        let input = resource_list(&items);
        let outcome = run_krm(input.as_bytes(), &Limits::default());
        assert_eq!(
            outcome.exit_code,
            0,
            "{}: {}",
            file.display(),
            outcome.stderr
        );
        assert_eq!(outcome.stdout.to_string(), input, "{}", file.display());
        let list = read(&input);
        assert_eq!(list.items.len(), items.len(), "{}", file.display());
        for (i, item) in items.iter().enumerate() {
            let expected = item.trim_end_matches('\n');
            let got = region(&list, i).trim_end_matches('\n');
            // A trailing comment-only tail belongs to the gap, not the item.
            assert!(
                expected.starts_with(got)
                    && expected[got.len()..].lines().all(|l| {
                        let l = l.trim();
                        l.is_empty() || l.starts_with('#')
                    }),
                "{} item {i}:\n--- expected\n{expected}\n--- got\n{got}",
                file.display()
            );
            if is_krm(&docs[i]) {
                assert!(
                    !list.items[i].fields.kind.is_empty(),
                    "{} item {i}",
                    file.display()
                );
            }
        }
        total += items.len();
    }
    assert!(total > 400, "corpus has {total} documents");
}

/// The same documents as a kustomize legacy plugin sees them: a YAML stream.
#[test]
fn corpus_streams_pass_through_byte_for_byte() {
    // A config that covers every applier, so files with appliers get an Alert appended and
    // files without any are an error ("no applier matches").
    let config = "apiVersion: app-notifications.dev/v1alpha1\nkind: AppNotifications\nmetadata:\n  name: everything\nspec:\n  selector:\n    matchExpressions: [{key: no-such-label, operator: DoesNotExist}]\n  placement: {namespace: flux-system}\n  alerts: [{providerRef: slack}]\n";
    let mut with_alerts = 0;
    let mut streams = 0;
    for file in yaml_files(&fixtures().join("corpus")) {
        let text = std::fs::read_to_string(&file).unwrap();
        if !documents(&text).iter().all(|d| is_krm(d)) {
            // CI workflows, helmfiles and label lists are YAML but not resources; kustomize
            // never sends them to a plugin.
            continue;
        }
        streams += 1;
        let list = app_notifications::reader(&Limits::default())
            .stream(&text, "test")
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert_eq!(Splice::new(&list).write(&Edits::default()), text);
        let outcome = app_notifications::run_legacy_plugin(
            config.as_bytes(),
            "config.yaml",
            text.as_bytes(),
            &Limits::default(),
        );
        let stdout = outcome.stdout.to_string();
        if outcome.exit_code == 0 {
            assert!(stdout.starts_with(&text), "{}", file.display());
            assert!(
                stdout[text.len()..].contains("kind: Alert"),
                "{}",
                file.display()
            );
            with_alerts += 1;
        } else {
            assert!(
                outcome.stderr.contains("no applier"),
                "{}: {}",
                file.display(),
                outcome.stderr
            );
            assert_eq!(stdout, "", "{}", file.display());
        }
    }
    assert!(streams > 300, "only {streams} resource files");
    assert!(with_alerts > 50, "only {with_alerts} files with appliers");
}

/// Whether a document is a Kubernetes object (has a top-level `kind`).
fn is_krm(doc: &str) -> bool {
    doc.lines().any(|l| l.starts_with("kind:")) && doc.lines().any(|l| l.starts_with("apiVersion:"))
}

#[test]
fn fields_are_read_with_aliases_and_merge_keys_resolved() {
    let input = format!(
        "{HEADER}- apiVersion: helm.toolkit.fluxcd.io/v2
  kind: HelmRelease
  metadata:
    name: &app cloudflare-dns
    namespace: network
    labels: &labels
      app.kubernetes.io/name: *app
    annotations:
      internal.config.kubernetes.io/path: apps/dns/hr.yaml
      internal.config.kubernetes.io/index: '2'
  spec:
    chart:
      spec:
        chart: *app
        sourceRef: {{kind: HelmRepository, name: charts, namespace: flux-system}}
    values:
      big: [1, 2, 3]
- apiVersion: kustomize.toolkit.fluxcd.io/v1
  kind: Kustomization
  metadata:
    name: dns-config
    labels:
      <<: *labels
      tier: config
  spec:
    sourceRef:
      kind: GitRepository
      name: flux-system
"
    );
    let list = read(&input);
    let hr = &list.items[0].fields;
    assert_eq!(hr.name, "cloudflare-dns");
    assert_eq!(hr.namespace.as_deref(), Some("network"));
    assert_eq!(
        hr.label("app.kubernetes.io/name").unwrap(),
        "cloudflare-dns"
    );
    assert_eq!(hr.group(), "helm.toolkit.fluxcd.io");
    assert_eq!(hr.references.len(), 1);
    assert_eq!(hr.references[0].field, "spec.chart.spec.sourceRef");
    assert_eq!(hr.references[0].target.name, "charts");
    let ks = &list.items[1].fields;
    assert_eq!(ks.namespace, None);
    assert_eq!(
        ks.label("app.kubernetes.io/name").unwrap(),
        "cloudflare-dns"
    );
    assert_eq!(ks.label("tier").unwrap(), "config");
    assert_eq!(ks.references[0].target.kind, "GitRepository");
    assert!(ks.problems.is_empty() && hr.problems.is_empty());
}

/// The shapes a real ResourceList can take; each must pass through unchanged and give the
/// expected regions.
const EDGE_CASES: &[(&str, &str, &[&str])] = &[
    (
        "comment after the dash",
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- # the first item\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a # trailing\n",
        &["- # the first item\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a # trailing\n"],
    ),
    (
        "comments between items and indented sequence",
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n  # first\n  - apiVersion: v1\n    kind: A\n\n  # second\n  - apiVersion: v1\n    kind: B\n# after\nfunctionConfig:\n  kind: X\n",
        &["  - apiVersion: v1\n    kind: A\n", "  - apiVersion: v1\n    kind: B\n"],
    ),
    (
        "block scalars",
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: ConfigMap\n  data:\n    keep: |+\n      kept\n\n    folded: >-\n      a\n      b\n    lit: |\n      x: 1\n      - y\n- kind: B\n",
        &["- kind: ConfigMap\n  data:\n    keep: |+\n      kept\n\n    folded: >-\n      a\n      b\n    lit: |\n      x: 1\n      - y\n", "- kind: B\n"],
    ),
    (
        "multi-byte text",
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: ConfigMap\n  metadata: {name: \"café-☕\"}\n  data: {greeting: こんにちは}\n- kind: B # ü\n",
        &["- kind: ConfigMap\n  metadata: {name: \"café-☕\"}\n  data: {greeting: こんにちは}\n", "- kind: B # ü\n"],
    ),
    (
        "document markers",
        "---\napiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: A\n...\n",
        &["- kind: A\n"],
    ),
    (
        "anchor names reused by several items",
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: A\n  metadata:\n    name: &app one\n    labels: {app.kubernetes.io/name: *app}\n- kind: A\n  metadata:\n    name: &app two\n    labels: {app.kubernetes.io/name: *app}\n",
        &["- kind: A\n  metadata:\n    name: &app one\n    labels: {app.kubernetes.io/name: *app}\n", "- kind: A\n  metadata:\n    name: &app two\n    labels: {app.kubernetes.io/name: *app}\n"],
    ),
    (
        "flow items",
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: [{kind: A, metadata: {name: a}}, {kind: B}]\n",
        &["{kind: A, metadata: {name: a}}", "{kind: B}"],
    ),
    (
        "empty items",
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n",
        &[],
    ),
    (
        "no trailing newline",
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: A",
        &["- kind: A"],
    ),
    (
        "v1beta1 and anchored item",
        "apiVersion: config.kubernetes.io/v1beta1\nkind: ResourceList\nitems:\n- &first\n  kind: A\n- *first\n",
        &["- &first\n  kind: A\n", "- *first\n"],
    ),
    (
        "kyaml List",
        "apiVersion: v1\nkind: List\nitems:\n- kind: A\n",
        &["- kind: A\n"],
    ),
];

#[test]
fn edge_cases_pass_through_with_exact_regions() {
    for (name, input, regions) in EDGE_CASES {
        let outcome = run_krm(input.as_bytes(), &Limits::default());
        assert_eq!(outcome.exit_code, 0, "{name}: {}", outcome.stderr);
        assert_eq!(&outcome.stdout.to_string(), input, "{name}");
        let list = read(input);
        let got: Vec<&str> = (0..list.items.len()).map(|i| region(&list, i)).collect();
        assert_eq!(&got, regions, "{name}");
    }
}

#[test]
fn edge_cases_pass_through_with_bom_and_crlf() {
    for (name, input, regions) in EDGE_CASES {
        let crlf = format!("\u{feff}{}", input.replace('\n', "\r\n"));
        let outcome = run_krm(crlf.as_bytes(), &Limits::default());
        assert_eq!(outcome.exit_code, 0, "{name}: {}", outcome.stderr);
        assert_eq!(outcome.stdout.to_string(), crlf, "{name}");
        let list = read(&crlf);
        assert_eq!(list.items.len(), regions.len(), "{name}");
        for (i, expected) in regions.iter().enumerate() {
            assert_eq!(
                region(&list, i),
                expected.replace('\n', "\r\n"),
                "{name} item {i}"
            );
        }
    }
}

#[test]
fn json_resource_list_is_read_as_json() {
    let input = "{\n  \"apiVersion\": \"config.kubernetes.io/v1\",\n  \"kind\": \"ResourceList\",\n  \"items\": [\n    {\"kind\": \"A\", \"metadata\": {\"name\": \"a\"}},\n    {\"kind\": \"B\"}\n  ]\n}\n";
    let list = read(input);
    assert_eq!(list.notation, Notation::Json);
    assert_eq!(list.items[0].fields.name, "a");
    assert_eq!(region(&list, 1), "{\"kind\": \"B\"}");
    assert_eq!(
        run_krm(input.as_bytes(), &Limits::default())
            .stdout
            .to_string(),
        input
    );
}

/// Applies `edits`, re-reads the output and returns it.
fn splice(input: &str, edits: &Edits) -> String {
    let list = read(input);
    let out = Splice::new(&list).write(edits);
    read(&out);
    out
}

#[test]
fn removing_and_replacing_keeps_every_other_byte() {
    let input = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n# head\n- kind: A # a\n  metadata: {name: a}\n\n# between\n- kind: B\n- kind: C\n  data:\n    x: |+\n      keep\n\n# tail\nfunctionConfig: {kind: X}\n";
    let removed = splice(
        input,
        &Edits {
            remove: vec![1],
            ..Edits::default()
        },
    );
    assert_eq!(removed, input.replace("- kind: B\n", ""));
    let replaced = splice(
        input,
        &Edits {
            replace: vec![(0, json!({"kind": "Z", "metadata": {"name": "z"}}))],
            ..Edits::default()
        },
    );
    assert_eq!(
        replaced,
        input.replace(
            "- kind: A # a\n  metadata: {name: a}\n",
            "- kind: Z\n  metadata:\n    name: z\n"
        )
    );
}

#[test]
fn appending_follows_the_input_layout() {
    let edits = Edits {
        append: vec![alert("billing-production")],
        ..Edits::default()
    };
    let new_item = "- apiVersion: notification.toolkit.fluxcd.io/v1beta3\n  kind: Alert\n  metadata:\n    name: billing-production\n    namespace: apps\n  spec:\n    providerRef:\n      name: slack\n    eventSources:\n    - kind: Kustomization\n      name: billing\n";
    // kyaml layout.
    let input = format!("{HEADER}- kind: A\n# tail\nfunctionConfig: {{}}\n");
    assert_eq!(
        splice(&input, &edits),
        format!("{HEADER}- kind: A\n{new_item}# tail\nfunctionConfig: {{}}\n")
    );
    // Indented sequences, CRLF.
    let input =
        "apiVersion: config.kubernetes.io/v1\r\nkind: ResourceList\r\nitems:\r\n  - kind: A\r\n";
    let indented = "  - apiVersion: notification.toolkit.fluxcd.io/v1beta3\r\n    kind: Alert\r\n    metadata:\r\n      name: billing-production\r\n      namespace: apps\r\n    spec:\r\n      providerRef:\r\n        name: slack\r\n      eventSources:\r\n        - kind: Kustomization\r\n          name: billing\r\n";
    let out = splice(input, &edits);
    assert_eq!(out, format!("{input}{indented}"));
    // Empty, null and missing items.
    for input in [
        format!("{}items: []\n", &HEADER[..HEADER.len() - 7]),
        format!("{}items:\n", &HEADER[..HEADER.len() - 7]),
        format!("{}items: null # none\n", &HEADER[..HEADER.len() - 7]),
        HEADER[..HEADER.len() - 7].to_string(),
    ] {
        let out = splice(&input, &edits);
        let list = read(&out);
        assert_eq!(list.items.len(), 1, "{input}\n---\n{out}");
        assert_eq!(region(&list, 0), new_item, "{input}\n---\n{out}");
    }
    // No trailing newline.
    let input = format!("{HEADER}- kind: A");
    assert_eq!(
        splice(&input, &edits),
        format!("{HEADER}- kind: A\n{new_item}")
    );
}

#[test]
fn json_lists_get_json_items_and_results() {
    let input = "{\n  \"apiVersion\": \"config.kubernetes.io/v1\",\n  \"kind\": \"ResourceList\",\n  \"items\": [\n    {\"kind\": \"A\"}\n  ]\n}\n";
    let out = splice(
        input,
        &Edits {
            append: vec![json!({"kind": "B", "metadata": {"name": "b"}})],
            results: Some(vec![json!({"message": "hi", "severity": "info"})]),
            ..Edits::default()
        },
    );
    let parsed: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}\n{out}"));
    assert_eq!(parsed["items"][0], json!({"kind": "A"}));
    assert_eq!(parsed["items"][1]["metadata"]["name"], "b");
    assert_eq!(parsed["results"][0]["message"], "hi");
    assert!(out.starts_with("{\n  \"apiVersion\": \"config.kubernetes.io/v1\",\n  \"kind\": \"ResourceList\",\n  \"items\": [\n    {\"kind\": \"A\"},\n    {"));
}

#[test]
fn results_replace_the_inputs_results() {
    let input = format!(
        "{HEADER}- kind: A\nresults:\n- message: old\n  severity: info\nfunctionConfig: {{}}\n"
    );
    let out = splice(
        &input,
        &Edits {
            results: Some(vec![json!({"message": "new", "severity": "warning"})]),
            ..Edits::default()
        },
    );
    assert_eq!(
        out,
        format!("{HEADER}- kind: A\nresults:\n- message: new\n  severity: warning\nfunctionConfig: {{}}\n")
    );
}

#[test]
fn streams_take_new_documents() {
    let input = "# leading comment\napiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\n";
    let list = app_notifications::reader(&Limits::default())
        .stream(input, "test")
        .unwrap();
    assert_eq!(list.items.len(), 2);
    let out = Splice::new(&list).write(&Edits {
        remove: vec![0],
        append: vec![json!({"apiVersion": "v1", "kind": "C"})],
        ..Edits::default()
    });
    assert_eq!(
        out,
        "# leading comment\n---\napiVersion: v1\nkind: B\n---\napiVersion: v1\nkind: C\n"
    );
}
