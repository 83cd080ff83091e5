//! Invariants of generation over random builds (semantics §9, §"Output fidelity"):
//!
//! - idempotence: running the function on its own output gives byte-identical output;
//! - order independence: shuffling the input items gives the same generated objects and the
//!   same results (untouched items keep their own input order, so whole outputs differ);
//! - determinism: two runs of the binary (two processes, so two hash seeds) on the same input
//!   are byte-identical;
//! - passthrough: every input item's bytes appear unchanged, in order, in the output, unless it
//!   is an object a previous run generated.
//!
//! A build is a random set of Kustomizations and HelmReleases (of the app and of another app)
//! over 1–3 namespaces with random labels, sources, and passthrough items, and a random valid
//! config: environment or environmentLabel or neither, every `sources` mode and `eventSources`
//! strategy, placement namespace set or not, single or perNamespace, 1–2 routes, Providers
//! generated or not, config as functionConfig or discovered as an item.

use crate::support::*;
use app_notifications::limits::Limits;
use app_notifications::run_krm;
use proptest::prelude::*;

const GENERATED_BY: &str = "app-notifications.dev/generated-by";
const NAMESPACES: [&str; 3] = ["alpha", "beta", "gamma"];
const ENVS: [&str; 3] = ["dev", "staging", "prod"];

#[derive(Debug, Clone)]
struct Applier {
    helm: bool,
    /// Index into the case's namespaces; `None`: no namespace in the build.
    namespace: Option<usize>,
    /// Of the app (`shop`) or of another app (`blog`).
    of_app: bool,
    env: usize,
    /// Carries the `env` label (always, for the app's appliers under environmentLabel).
    env_labelled: bool,
    team: Option<usize>,
    /// Kustomization: GitRepository flux-system / OCIRepository of its namespace.
    /// HelmRelease: chart from a HelmRepository of its namespace / of flux-system / chartRef.
    source: usize,
}

#[derive(Debug, Clone)]
struct Source {
    kind: usize,
    namespace: usize,
    labelled: bool,
    env: Option<usize>,
}

#[derive(Debug, Clone)]
enum EnvMode {
    None,
    Fixed,
    Label,
}

#[derive(Debug, Clone)]
struct Config {
    env: EnvMode,
    sources: &'static str,
    event_sources: &'static str,
    placement: bool,
    per_namespace: bool,
    second_route: bool,
    providers: bool,
    as_item: bool,
}

#[derive(Debug, Clone)]
struct Build {
    namespaces: Vec<&'static str>,
    appliers: Vec<Applier>,
    sources: Vec<Source>,
    /// Passthrough items: 0 ConfigMap, 1 kustomize.config.k8s.io Kustomization, 2 Deployment.
    extras: Vec<usize>,
    config: Config,
}

fn applier() -> impl Strategy<Value = Applier> {
    (
        any::<bool>(),
        prop_oneof![9 => (0usize..3).prop_map(Some), 1 => Just(None)],
        prop::bool::weighted(0.75),
        0usize..3,
        any::<bool>(),
        prop::option::of(0usize..2),
        0usize..3,
    )
        .prop_map(
            |(helm, namespace, of_app, env, env_labelled, team, source)| Applier {
                helm,
                namespace,
                of_app,
                env,
                env_labelled,
                team,
                source,
            },
        )
}

fn source() -> impl Strategy<Value = Source> {
    (
        0usize..3,
        0usize..3,
        any::<bool>(),
        prop::option::of(0usize..3),
    )
        .prop_map(|(kind, namespace, labelled, env)| Source {
            kind,
            namespace,
            labelled,
            env,
        })
}

fn config() -> impl Strategy<Value = Config> {
    (
        prop_oneof![
            Just(EnvMode::None),
            Just(EnvMode::Fixed),
            Just(EnvMode::Label)
        ],
        prop::sample::select(vec!["none", "owned", "referenced"]),
        prop::sample::select(vec!["names", "selector", "hybrid"]),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::bool::weighted(0.25),
    )
        .prop_map(
            |(
                env,
                sources,
                event_sources,
                placement,
                per_namespace,
                second_route,
                providers,
                as_item,
            )| {
                Config {
                    env,
                    sources,
                    event_sources,
                    placement,
                    per_namespace,
                    second_route,
                    providers,
                    as_item,
                }
            },
        )
}

fn build() -> impl Strategy<Value = Build> {
    (
        prop::sample::subsequence(NAMESPACES.to_vec(), 1..=3),
        prop::collection::vec(applier(), 1..8),
        prop::collection::vec(source(), 0..4),
        prop::collection::vec(0usize..3, 0..3),
        config(),
    )
        .prop_map(|(namespaces, mut appliers, sources, extras, mut config)| {
            // Keep the config valid: the app has an applier; under environmentLabel all of the
            // app's appliers carry the label; a single Alert over several namespaces needs a
            // placement namespace.
            appliers[0].of_app = true;
            if matches!(config.env, EnvMode::Label) {
                for a in appliers.iter_mut().filter(|a| a.of_app) {
                    a.env_labelled = true;
                }
            }
            let n = namespaces.len();
            let app_namespaces: std::collections::BTreeSet<usize> = appliers
                .iter()
                .filter(|a| a.of_app)
                .filter_map(|a| a.namespace.map(|i| i % n))
                .collect();
            if !config.per_namespace && app_namespaces.len() > 1 {
                config.placement = true;
            }
            Build {
                namespaces,
                appliers,
                sources,
                extras,
                config,
            }
        })
}

impl Build {
    fn namespace(&self, i: usize) -> &'static str {
        self.namespaces[i % self.namespaces.len()]
    }

    /// The documents of the build (items), in a fixed order.
    fn documents(&self) -> Vec<String> {
        let mut docs = Vec::new();
        docs.push(
            "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  url: https://github.com/example/fleet\n".to_string(),
        );
        for (i, s) in self.sources.iter().enumerate() {
            let kind = ["GitRepository", "HelmRepository", "OCIRepository"][s.kind];
            let mut labels = String::new();
            if s.labelled {
                labels.push_str("    app.kubernetes.io/name: shop\n");
            }
            if let Some(env) = s.env {
                labels.push_str(&format!("    env: {}\n", ENVS[env]));
            }
            let labels = if labels.is_empty() {
                String::new()
            } else {
                format!("  labels:\n{labels}")
            };
            docs.push(format!(
                "apiVersion: source.toolkit.fluxcd.io/v1\nkind: {kind}\nmetadata:\n  name: src-{i}\n  namespace: {}\n{labels}spec:\n  url: https://example.com/{i}\n",
                self.namespace(s.namespace)
            ));
        }
        for (i, a) in self.appliers.iter().enumerate() {
            let app = if a.of_app { "shop" } else { "blog" };
            let mut meta = format!("  name: {app}-{i}\n");
            if let Some(ns) = a.namespace {
                meta.push_str(&format!("  namespace: {}\n", self.namespace(ns)));
            }
            meta.push_str(&format!("  labels:\n    app.kubernetes.io/name: {app}\n"));
            if a.env_labelled {
                meta.push_str(&format!("    env: {}\n", ENVS[a.env]));
            }
            if let Some(team) = a.team {
                meta.push_str(&format!("    team: \"{}\"\n", ["yes", "0755"][team]));
            }
            let doc = if a.helm {
                let spec = match a.source {
                    0 => "  chart:\n    spec:\n      chart: app\n      sourceRef:\n        kind: HelmRepository\n        name: src-1\n".to_string(),
                    1 => "  chart:\n    spec:\n      chart: app\n      sourceRef: {kind: HelmRepository, name: charts, namespace: flux-system}\n".to_string(),
                    _ => "  chartRef:\n    kind: OCIRepository\n    name: src-2\n".to_string(),
                };
                format!("apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n{meta}spec:\n  interval: 10m\n{spec}")
            } else {
                let source = match a.source {
                    0 => "  sourceRef:\n    kind: GitRepository\n    name: flux-system\n    namespace: flux-system\n",
                    _ => "  sourceRef: {kind: OCIRepository, name: src-0}\n",
                };
                format!("# applier {i}\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n{meta}spec:\n  interval: 10m\n  prune: true\n{source}")
            };
            docs.push(doc);
        }
        for (i, e) in self.extras.iter().enumerate() {
            docs.push(match e {
                0 => format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra-{i}\n  labels: {{app.kubernetes.io/name: shop}}\ndata:\n  on: yes   # YAML 1.1 bool, kept as written\n  mode: 0755\n"),
                1 => format!("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nmetadata:\n  name: kustomization-{i}\n  labels:\n    app.kubernetes.io/name: shop\nresources: [a.yaml]\n"),
                _ => format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-{i}\n  namespace: {}\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        args: |\n          --flag\n          - not: an item\n", self.namespace(i)),
            });
        }
        if self.config.as_item {
            docs.push(self.config_text(true));
        }
        docs
    }

    fn config_text(&self, item: bool) -> String {
        let c = &self.config;
        let mut spec = String::new();
        match c.env {
            EnvMode::None => {}
            EnvMode::Fixed => spec.push_str("  environment: prod\n"),
            EnvMode::Label => spec.push_str("  environmentLabel: env\n"),
        }
        spec.push_str(&format!(
            "  sources: {}\n  eventSources: {}\n",
            c.sources, c.event_sources
        ));
        if c.placement || c.per_namespace {
            spec.push_str("  placement:\n");
            if c.placement {
                spec.push_str("    namespace: alerts\n");
            }
            if c.per_namespace {
                spec.push_str("    mode: perNamespace\n");
            }
        }
        spec.push_str("  alerts:\n  - name: default\n    providerRef: slack\n");
        if c.second_route {
            spec.push_str("  - name: oncall\n    providerRef: {name: pager}\n    eventSeverity: error\n    eventMetadata: {severity: \"on\"}\n");
        }
        if c.providers {
            spec.push_str("  providers:\n  - name: slack\n    type: slack\n    channel: shop\n    secretRef: {name: slack-url}\n  - name: pager\n    type: generic-hmac\n    address: https://pager.example.com/hook\n    secretRef: {name: pager-token}\n    timeout: 30s\n");
        }
        let path = if item {
            "    internal.config.kubernetes.io/path: apps/shop/notifications.yaml\n"
        } else {
            ""
        };
        format!(
            "apiVersion: app-notifications.dev/v1alpha1\nkind: AppNotifications\nmetadata:\n  name: shop\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\n{path}spec:\n{spec}"
        )
    }

    /// The ResourceList with the items in `order` (indices into [`Self::documents`]).
    fn input(&self, order: &[usize]) -> (String, Vec<String>) {
        let docs = self.documents();
        let items: Vec<String> = order.iter().map(|&i| as_item(&docs[i])).collect();
        let mut out = resource_list(&items);
        if !self.config.as_item {
            out.push_str("functionConfig:\n");
            for line in self.config_text(false).lines() {
                out.push_str("  ");
                out.push_str(line);
                out.push('\n');
            }
        }
        (out, items)
    }
}

fn run(input: &str) -> (i32, String, String) {
    let outcome = run_krm(input.as_bytes(), &Limits::default());
    (
        outcome.exit_code,
        outcome.stdout.to_string(),
        outcome.stderr,
    )
}

/// The items of `text` (exact bytes) and whether each was generated.
fn items_of(text: &str) -> Vec<(String, bool)> {
    let list = app_notifications::reader(&Limits::default())
        .resource_list(text, "test")
        .unwrap_or_else(|e| panic!("the output does not read back: {e}\n{text}"));
    list.items
        .iter()
        .map(|item| {
            (
                text[item.region.clone()].to_string(),
                item.fields.annotation(GENERATED_BY).is_some(),
            )
        })
        .collect()
}

/// The `results:` entries of a block ResourceList, one string each, sorted.
fn results_of(text: &str) -> Vec<String> {
    let Some(start) = text.find("\nresults:\n") else {
        return Vec::new();
    };
    let mut entries: Vec<String> = Vec::new();
    for line in text[start + "\nresults:\n".len()..].lines() {
        if line.starts_with("- ") {
            entries.push(format!("{line}\n"));
        } else if line.starts_with(' ') {
            entries
                .last_mut()
                .expect("an entry")
                .push_str(&format!("{line}\n"));
        } else {
            break;
        }
    }
    entries.sort();
    entries
}

/// Every non-generated `items` text appears unchanged, in order, in `output`, and the output's
/// non-generated items are exactly those.
fn assert_passthrough(items: &[(String, bool)], output: &str) -> Result<(), TestCaseError> {
    let mut pos = 0;
    for (text, _) in items.iter().filter(|(_, generated)| !generated) {
        match output[pos..].find(text.as_str()) {
            Some(at) => pos += at + text.len(),
            None => {
                return Err(TestCaseError::fail(format!(
                    "input item not found unchanged (in order) in the output:\n{text}\n--- output\n{output}"
                )))
            }
        }
    }
    let kept: Vec<&String> = items.iter().filter(|(_, g)| !g).map(|(t, _)| t).collect();
    let out_items = items_of(output);
    let out_kept: Vec<&String> = out_items
        .iter()
        .filter(|(_, g)| !g)
        .map(|(t, _)| t)
        .collect();
    prop_assert_eq!(kept, out_kept);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// (a) Idempotence, and (d) passthrough on both runs.
    #[test]
    fn the_function_is_idempotent_and_passes_items_through(b in build()) {
        let order: Vec<usize> = (0..b.documents().len()).collect();
        let (input, items) = b.input(&order);
        let (exit, first, stderr) = run(&input);
        prop_assert_eq!(exit, 0, "{}\n--- input\n{}", stderr, input);
        prop_assert!(first.contains("kind: Alert\n"), "no Alert generated:\n{}", first);
        let input_items: Vec<(String, bool)> = items.into_iter().map(|t| (t, false)).collect();
        assert_passthrough(&input_items, &first)?;

        let (exit, second, stderr) = run(&first);
        prop_assert_eq!(exit, 0, "{}", stderr);
        prop_assert!(first == second, "second run differs:\n--- first\n{}\n--- second\n{}", first, second);
        assert_passthrough(&items_of(&first), &second)?;
    }

    /// (b) Shuffling the items changes neither the generated objects nor the results.
    #[test]
    fn item_order_does_not_change_what_is_generated(
        b in build(),
        keys in prop::collection::vec(any::<u32>(), 32),
    ) {
        let n = b.documents().len();
        let order: Vec<usize> = (0..n).collect();
        let mut shuffled = order.clone();
        shuffled.sort_by_key(|&i| (keys[i % keys.len()], i));
        shuffled.rotate_left(keys[0] as usize % n.max(1));
        let (input, _) = b.input(&order);
        let (shuffled_input, shuffled_items) = b.input(&shuffled);
        let (exit_a, out_a, _) = run(&input);
        let (exit_b, out_b, stderr) = run(&shuffled_input);
        prop_assert_eq!(exit_a, exit_b);
        prop_assert_eq!(exit_b, 0, "{}", stderr);
        let generated = |out: &str| -> Vec<String> {
            let mut g: Vec<String> = items_of(out).into_iter().filter(|(_, g)| *g).map(|(t, _)| t).collect();
            g.sort();
            g
        };
        let (gen_a, gen_b) = (generated(&out_a), generated(&out_b));
        prop_assert!(!gen_a.is_empty());
        prop_assert!(gen_a == gen_b, "generated objects differ:\n--- in order\n{}\n--- shuffled\n{}", gen_a.join(""), gen_b.join(""));
        prop_assert_eq!(results_of(&out_a), results_of(&out_b));
        // Generated objects come after every input item, in the same order either way.
        let tail = |out: &str| -> Vec<String> {
            items_of(out).into_iter().skip_while(|(_, g)| !g).map(|(t, _)| t).collect()
        };
        prop_assert_eq!(tail(&out_a), tail(&out_b));
        let shuffled_items: Vec<(String, bool)> = shuffled_items.into_iter().map(|t| (t, false)).collect();
        assert_passthrough(&shuffled_items, &out_b)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// (c) Two processes, same input, same bytes (stdout, stderr and exit code).
    #[test]
    fn two_runs_of_the_binary_are_byte_identical(b in build()) {
        let order: Vec<usize> = (0..b.documents().len()).collect();
        let (input, _) = b.input(&order);
        let one = run_bin(input.as_bytes());
        let two = run_bin(input.as_bytes());
        prop_assert_eq!(one.code, 0, "{}", one.stderr);
        prop_assert!(one.stdout == two.stdout, "stdout differs:\n{}\n---\n{}", one.stdout, two.stdout);
        prop_assert_eq!(&one.stderr, &two.stderr);
        prop_assert_eq!(one.code, two.code);
        // And the library agrees with the binary.
        let (exit, lib, _) = run(&input);
        prop_assert_eq!(exit, one.code);
        prop_assert!(lib == one.stdout);
    }
}

/// `(kind, namespace, name)` of every generated item of `text`.
fn generated_identities(text: &str) -> Vec<(String, Option<String>, String)> {
    let list = app_notifications::reader(&Limits::default())
        .resource_list(text, "test")
        .unwrap_or_else(|e| panic!("the output does not read back: {e}\n{text}"));
    list.items
        .iter()
        .filter(|i| i.fields.annotation(GENERATED_BY).is_some())
        .map(|i| {
            (
                i.fields.kind.to_string(),
                i.fields.namespace().map(str::to_string),
                i.fields.name.to_string(),
            )
        })
        .collect()
}

fn duplicates<T: Ord + Clone>(items: &[T]) -> Vec<T> {
    let mut seen = std::collections::BTreeSet::new();
    items
        .iter()
        .filter(|i| !seen.insert((*i).clone()))
        .cloned()
        .collect()
}

const COLLIDING: &str = "apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: kustomize.toolkit.fluxcd.io/v1
  kind: Kustomization
  metadata:
    name: api
    namespace: shop
    labels: {app.kubernetes.io/name: shop, env: prod}
  spec:
    sourceRef: {kind: GitRepository, name: flux-system}
- apiVersion: kustomize.toolkit.fluxcd.io/v1
  kind: Kustomization
  metadata:
    name: web
    namespace: shop
    labels: {app.kubernetes.io/name: shop, env: prod-eu}
  spec:
    sourceRef: {kind: GitRepository, name: flux-system}
functionConfig:
  apiVersion: app-notifications.dev/v1alpha1
  kind: AppNotifications
  metadata:
    name: shop
  spec:
    environmentLabel: env
    alerts:
    - providerRef: slack
    - name: eu
      providerRef: pager
";

/// Environment `prod` + route `eu` and environment `prod-eu` + route `default` both make the
/// Alert name `shop-prod-eu`. One object per identity (or an error saying why), and the output
/// must survive a second run unchanged (semantics §7 and 9).
#[test]
fn colliding_alert_names_are_not_emitted_twice() {
    let (exit, first, stderr) = run(COLLIDING);
    if exit == 0 {
        let dups = duplicates(&generated_identities(&first));
        assert!(
            dups.is_empty(),
            "exit 0 but the output holds two objects with one identity: {dups:?}\n{first}"
        );
        let second = run_bin(first.as_bytes());
        assert_eq!(second.code, 0, "second run: {}", second.stderr);
        assert_eq!(second.stdout, first);
    } else {
        assert_eq!(exit, 1);
        assert!(stderr.contains("shop-prod-eu"), "{stderr}");
    }
}

/// The same collision with the object already in the input (as a previous run wrote it): the
/// function must not crash (exit 101).
#[test]
fn colliding_alert_names_over_a_previous_output_do_not_crash() {
    let previous = "- apiVersion: notification.toolkit.fluxcd.io/v1beta3
  kind: Alert
  metadata:
    name: shop-prod-eu
    namespace: shop
    annotations:
      app-notifications.dev/generated-by: shop
  spec:
    providerRef: {name: slack}
    eventSources: [{kind: Kustomization, name: web}]
";
    let input = COLLIDING.replace("functionConfig:", &format!("{previous}functionConfig:"));
    let run = run_bin(input.as_bytes());
    assert!(
        run.code == 0 || run.code == 1,
        "exit {}:\n{}",
        run.code,
        run.stderr
    );
}

/// A generated object that appears twice in the input (a copied file, a bad merge) is still
/// one object of a processed config: both copies are dropped before generating (semantics
/// §9), so the output is the output of the input without the copy.
#[test]
fn duplicated_generated_objects_are_dropped() {
    let example = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/quickstart/resource-list.yaml"),
    )
    .unwrap();
    let (exit, first, stderr) = run(&example);
    assert_eq!(exit, 0, "{stderr}");
    let list = app_notifications::reader(&Limits::default())
        .resource_list(&first, "test")
        .unwrap();
    let alert = list
        .items
        .iter()
        .find(|i| i.fields.annotation(GENERATED_BY).is_some())
        .expect("a generated object");
    let copy = &first[alert.region.clone()];
    let mut doubled = first.clone();
    doubled.insert_str(alert.region.end, copy);
    let (exit, second, stderr) = run(&doubled);
    assert_eq!(exit, 0, "{stderr}");
    let dups = duplicates(&generated_identities(&second));
    assert!(dups.is_empty(), "still duplicated: {dups:?}\n{second}");
    assert_eq!(second, first);
}
