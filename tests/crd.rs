//! Every Alert and Provider the function emits is accepted by the Flux CRDs
//! (`tests/fixtures/flux-crds/`, Flux v2.9.4 / notification-controller main), as an API server
//! with strict field validation would judge them: schema, served version, ObjectMeta, and the
//! CRD's CEL rules (see `tests/fixtures/validate_crd.py`).
//!
//! The inputs are built here to reach every field the function can emit: all `sources` modes
//! and `eventSources` strategies (wildcard matchLabels included), perNamespace placement,
//! environment overrides, every Provider field (certSecretRef, proxySecretRef, timeout,
//! commitStatusExpr on a git provider…), inclusion/exclusion lists, eventMetadata, suspend,
//! names past 63 characters, generator mode, discovery, ConfigMap and JSON inputs, and a second
//! run over the function's own output. Every `tests/golden/*/input.{yaml,json}` present when
//! the test runs is validated too. A final check proves the union of what was validated really
//! contains each of those fields.
//!
//! Needs python3 with PyYAML and jsonschema: the test fails (never skips) without them.

use std::collections::BTreeSet;

use crate::support::*;
use serde_json::Value;

/// Flux objects of the `shop` app and its neighbours, spread over `shop`, `shop-data` and
/// `flux-system`: appliers of both kinds, owned (labelled) sources of every source kind, shared
/// sources referenced by the appliers, and look-alikes that must never be covered.
const SHOP_ITEMS: &str = r##"- apiVersion: v1
  kind: Namespace
  metadata:
    name: shop
- apiVersion: source.toolkit.fluxcd.io/v1
  kind: GitRepository
  metadata:
    name: flux-system
    namespace: flux-system
  spec:
    interval: 1m
    url: https://github.com/example/fleet
    ref: {branch: main}
- apiVersion: source.toolkit.fluxcd.io/v1
  kind: HelmRepository
  metadata:
    name: shared-charts
    namespace: flux-system
  spec:
    url: https://charts.example.com
- apiVersion: source.toolkit.fluxcd.io/v1
  kind: OCIRepository
  metadata:
    name: podinfo-chart
    namespace: flux-system
  spec:
    url: oci://ghcr.io/stefanprodan/charts/podinfo
- apiVersion: source.toolkit.fluxcd.io/v1
  kind: GitRepository
  metadata:
    name: shop-config
    namespace: shop
    labels:
      app.kubernetes.io/name: shop
  spec:
    url: https://github.com/example/shop-config
- apiVersion: source.toolkit.fluxcd.io/v1
  kind: OCIRepository
  metadata:
    name: shop-manifests
    namespace: shop
    labels:
      app.kubernetes.io/name: shop
  spec:
    url: oci://ghcr.io/example/shop-manifests
- apiVersion: source.toolkit.fluxcd.io/v1
  kind: HelmRepository
  metadata:
    name: shop-charts
    namespace: shop
    labels:
      app.kubernetes.io/name: shop
  spec:
    url: https://charts.example.com/shop
- apiVersion: source.toolkit.fluxcd.io/v1
  kind: Bucket
  metadata:
    name: shop-assets
    namespace: shop-data
    labels:
      app.kubernetes.io/name: shop
  spec:
    bucketName: assets
    endpoint: minio.example.com
- apiVersion: kustomize.toolkit.fluxcd.io/v1
  kind: Kustomization
  metadata:
    name: shop-api
    namespace: shop
    labels:
      app.kubernetes.io/name: shop
  spec:
    interval: 10m
    path: ./shop/api
    prune: true
    sourceRef:
      kind: GitRepository
      name: flux-system
      namespace: flux-system
- apiVersion: kustomize.toolkit.fluxcd.io/v1
  kind: Kustomization
  metadata:
    name: shop-web
    namespace: shop
    labels:
      app.kubernetes.io/name: shop
  spec:
    interval: 10m
    prune: true
    sourceRef:
      kind: OCIRepository
      name: shop-manifests
- apiVersion: kustomize.toolkit.fluxcd.io/v1
  kind: Kustomization
  metadata:
    name: shop-db
    namespace: shop-data
    labels:
      app.kubernetes.io/name: shop
  spec:
    interval: 10m
    prune: true
    sourceRef:
      kind: Bucket
      name: shop-assets
- apiVersion: helm.toolkit.fluxcd.io/v2
  kind: HelmRelease
  metadata:
    name: shop-worker
    namespace: shop
    labels:
      app.kubernetes.io/name: shop
  spec:
    interval: 30m
    chart:
      spec:
        chart: worker
        sourceRef:
          kind: HelmRepository
          name: shop-charts
- apiVersion: helm.toolkit.fluxcd.io/v2
  kind: HelmRelease
  metadata:
    name: shop-queue
    namespace: shop
    labels:
      app.kubernetes.io/name: shop
  spec:
    interval: 30m
    chart:
      spec:
        chart: rabbitmq
        sourceRef:
          kind: HelmRepository
          name: shared-charts
          namespace: flux-system
- apiVersion: helm.toolkit.fluxcd.io/v2
  kind: HelmRelease
  metadata:
    name: shop-cache
    namespace: shop-data
    labels:
      app.kubernetes.io/name: shop
  spec:
    interval: 30m
    chartRef:
      kind: OCIRepository
      name: podinfo-chart
      namespace: flux-system
- apiVersion: kustomize.config.k8s.io/v1beta1
  kind: Kustomization
  metadata:
    name: not-an-applier
    labels:
      app.kubernetes.io/name: shop
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: shop-settings
    namespace: shop
    labels:
      app.kubernetes.io/name: shop
  data:
    mode: "on"
"##;

/// A ResourceList of `items` (block entries at column 0) with `config` (an AppNotifications or
/// ConfigMap, written at column 0) as its functionConfig.
fn with_config(items: &str, config: &str) -> String {
    let mut out = String::from(HEADER);
    out.push_str(items);
    out.push_str("functionConfig:\n");
    for line in config.lines() {
        if !line.is_empty() {
            out.push_str("  ");
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// An AppNotifications config for `app` with `spec` (written at column 2, as under `spec:`).
fn config(app: &str, spec: &str) -> String {
    format!(
        "apiVersion: app-notifications.dev/v1alpha1\nkind: AppNotifications\nmetadata:\n  name: {app}\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\nspec:\n{spec}"
    )
}

const SLACK_ROUTE: &str = "  alerts:\n  - name: default\n    providerRef: slack\n";

/// All the inputs, by name.
fn cases() -> Vec<(String, String)> {
    let mut cases = Vec::new();

    // The quickstart example, as shipped.
    let quickstart = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/quickstart/resource-list.yaml");
    cases.push((
        "examples/quickstart".to_string(),
        std::fs::read_to_string(quickstart).expect("the quickstart example exists"),
    ));

    // Every sources mode × eventSources strategy, single Alert in flux-system.
    for sources in ["none", "owned", "referenced"] {
        for strategy in ["names", "selector", "hybrid"] {
            let spec = format!(
                "  environment: production\n  sources: {sources}\n  eventSources: {strategy}\n  placement:\n    namespace: flux-system\n{SLACK_ROUTE}  providers:\n  - name: slack\n    type: slack\n    channel: shop\n    secretRef:\n      name: slack-url\n"
            );
            cases.push((
                format!("sources={sources} eventSources={strategy}"),
                with_config(SHOP_ITEMS, &config("shop", &spec)),
            ));
        }
    }

    // perNamespace: one Alert (and Provider) per namespace holding appliers.
    for strategy in ["names", "selector", "hybrid"] {
        let spec = format!(
            "  environment: dev\n  sources: referenced\n  eventSources: {strategy}\n  placement:\n    mode: perNamespace\n{SLACK_ROUTE}  providers:\n  - name: slack\n    type: slack\n    secretRef: {{name: slack-url}}\n"
        );
        cases.push((
            format!("perNamespace eventSources={strategy}"),
            with_config(SHOP_ITEMS, &config("shop", &spec)),
        ));
    }

    // Wildcard matchLabels from a multi-label selector whose values YAML 1.1 would misread.
    let tricky_labels = SHOP_ITEMS.replace(
        "      app.kubernetes.io/name: shop\n",
        "      app.kubernetes.io/name: shop\n      app.kubernetes.io/part-of: \"yes\"\n      example.com/v: \"1.0\"\n      tier: \"on\"\n",
    );
    let spec = "  environment: production\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: shop\n      app.kubernetes.io/part-of: \"yes\"\n      example.com/v: \"1.0\"\n      tier: \"on\"\n  eventSources: hybrid\n  placement: {namespace: shop}\n  alerts:\n  - providerRef: {name: slack}\n";
    cases.push((
        "wildcard matchLabels with YAML 1.1 look-alike values".into(),
        with_config(&tricky_labels, &config("shop", spec)),
    ));

    // environmentLabel with per-environment overrides of routes, providers, placement and
    // eventMetadata, and a disabled environment.
    let envs = SHOP_ITEMS
        .replace(
            "    name: shop-api\n    namespace: shop\n    labels:\n      app.kubernetes.io/name: shop\n",
            "    name: shop-api\n    namespace: shop\n    labels:\n      app.kubernetes.io/name: shop\n      env: production\n",
        )
        .replace(
            "    name: shop-web\n    namespace: shop\n    labels:\n      app.kubernetes.io/name: shop\n",
            "    name: shop-web\n    namespace: shop\n    labels:\n      app.kubernetes.io/name: shop\n      env: staging\n",
        )
        .replace(
            "    name: shop-db\n    namespace: shop-data\n    labels:\n      app.kubernetes.io/name: shop\n",
            "    name: shop-db\n    namespace: shop-data\n    labels:\n      app.kubernetes.io/name: shop\n      env: dev\n",
        )
        .replace(
            "    name: shop-worker\n    namespace: shop\n    labels:\n      app.kubernetes.io/name: shop\n",
            "    name: shop-worker\n    namespace: shop\n    labels:\n      app.kubernetes.io/name: shop\n      env: production\n",
        )
        .replace(
            "    name: shop-queue\n    namespace: shop\n    labels:\n      app.kubernetes.io/name: shop\n",
            "    name: shop-queue\n    namespace: shop\n    labels:\n      app.kubernetes.io/name: shop\n      env: qa\n",
        )
        .replace(
            "    name: shop-cache\n    namespace: shop-data\n    labels:\n      app.kubernetes.io/name: shop\n",
            "    name: shop-cache\n    namespace: shop-data\n    labels:\n      app.kubernetes.io/name: shop\n      env: production\n",
        )
        .replace(
            "    name: shop-charts\n    namespace: shop\n    labels:\n      app.kubernetes.io/name: shop\n",
            "    name: shop-charts\n    namespace: shop\n    labels:\n      app.kubernetes.io/name: shop\n      env: production\n",
        );
    assert_eq!(
        envs.matches("      env: ").count(),
        7,
        "every replacement applied"
    );
    for strategy in ["names", "hybrid"] {
        let spec = format!(
            r##"  environmentLabel: env
  eventSources: {strategy}
  placement:
    namespace: shop-dev
  alerts:
  - name: default
    providerRef: slack
    eventMetadata:
      team: shop
  providers:
  - name: slack
    type: slack
    channel: shop-alerts
    secretRef: {{name: slack-url}}
  environments:
    production:
      placement: {{mode: perNamespace}}
      eventMetadata: {{tier: "1", on-call: "yes"}}
      alerts:
      - name: default
        providerRef: pagerduty
        eventSeverity: error
      - name: chat
        providerRef: slack
        exclusionList: ["^Dependencies do not meet ready condition"]
      providers:
      - name: pagerduty
        type: generic-hmac
        address: https://events.example.com/flux
        secretRef: {{name: pagerduty-token}}
      - name: slack
        channel: shop-production
    staging:
      placement: {{namespace: shop-staging}}
      alerts:
      - name: default
        suspend: true
        inclusionList: [".*failed.*", "^Health check"]
    qa:
      disabled: true
"##
        );
        cases.push((
            format!("environmentLabel with overrides, eventSources={strategy}"),
            with_config(&envs, &config("shop", &spec)),
        ));
    }

    // Every Provider field, each Provider type family, both providerRef forms, every route
    // field; eventMetadata values that YAML 1.1 would not read back as strings.
    let spec = r##"  environment: production
  placement:
    namespace: shop
  alerts:
  - name: default
    providerRef: github
    eventSeverity: error
  - name: chat
    providerRef: {name: slack}
    eventSeverity: info
    inclusionList: ["^Reconciliation finished", ".*upgrade.*"]
    exclusionList: ['^Dependencies', "(?i)no changes"]
    summary: Shop in production
    suspend: true
    eventMetadata:
      yes-key: "yes"
      on: "on"
      mode: "0755"
      count: "1_000"
      date: "2024-01-01"
      time: "12:30"
      tilde: "~"
      nul: "null"
      merge: "<<"
      bool: "true"
      colon: "a: b"
      hash: "#not-a-comment"
      multi: "line one\nline two"
      unicode: "café ☕"
  - name: hub
    providerRef: eventhub
  - name: pubsub
    providerRef: pubsub
  - name: bus
    providerRef: nats
  - name: mr
    providerRef: gitlab
  - name: video
    providerRef: zoom
  providers:
  - name: github
    type: github
    address: https://github.com/example/shop
    username: flux-bot
    channel: ignored-but-valid
    secretRef: {name: github-token}
    certSecretRef: {name: github-ca}
    proxySecretRef: {name: corporate-proxy}
    timeout: 1m30s
    suspend: false
    commitStatusExpr: "(event.involvedObject.kind + '/' + event.involvedObject.name + '/' + provider.metadata.uid.split('-').first().value()).lowerAscii()"
  - name: slack
    type: slack
    channel: "#shop"
    username: Flux
    secretRef: {name: slack-url}
    timeout: 500ms
    suspend: true
  - name: eventhub
    type: azureeventhub
    address: shop-events
    serviceAccountName: flux-notifier
  - name: pubsub
    type: googlepubsub
    address: my-gcp-project
    serviceAccountName: flux-notifier
    channel: shop-topic
  - name: nats
    type: nats
    address: nats://nats.nats.svc:4222,tls://nats-b.nats.svc:4222
    channel: shop.events
    secretRef: {name: nats-creds}
  - name: gitlab
    type: gitlab
    address: https://gitlab.example.com/group/shop
    secretRef: {name: gitlab-token}
    commitStatusExpr: "event.metadata.app"
    timeout: 1.5s
  - name: zoom
    type: zoom
    secretRef: {name: zoom-webhook}
"##;
    cases.push((
        "every Provider field and route field".into(),
        with_config(SHOP_ITEMS, &config("shop", spec)),
    ));

    // Names at the limits: a 63-character app, environment and route give an Alert name past
    // 63 characters, shortened with a hash; label values of 63 characters.
    let long_app = format!("shop-{}", "a".repeat(58));
    let long_env = format!("production-{}", "e".repeat(52));
    let long_route = format!("route-{}", "r".repeat(57));
    assert_eq!(
        (long_app.len(), long_env.len(), long_route.len()),
        (63, 63, 63)
    );
    let long_items = SHOP_ITEMS.replace(
        "app.kubernetes.io/name: shop",
        &format!("app.kubernetes.io/name: {long_app}"),
    );
    let spec = format!(
        "  environment: {long_env}\n  eventSources: hybrid\n  placement:\n    namespace: flux-system\n  alerts:\n  - name: default\n    providerRef: slack\n  - name: {long_route}\n    providerRef: {}\n  providers:\n  - name: {}\n    type: generic\n    address: https://hooks.example.com/flux\n",
        "p".repeat(253),
        "p".repeat(253),
    );
    cases.push((
        "long names".into(),
        with_config(&long_items, &config(&long_app, &spec)),
    ));

    // matchExpressions (names strategy only).
    let spec = "  environment: prod\n  selector:\n    matchLabels: {app.kubernetes.io/name: shop}\n    matchExpressions:\n    - {key: app.kubernetes.io/component, operator: DoesNotExist}\n    - {key: app.kubernetes.io/name, operator: In, values: [shop, shop2]}\n  placement: {namespace: shop}\n  alerts:\n  - providerRef: slack\n";
    cases.push((
        "matchExpressions".into(),
        with_config(SHOP_ITEMS, &config("shop", spec)),
    ));

    // Appliers without a namespace: the Alert has none either (it lands where it is applied).
    let unnamespaced = "- apiVersion: kustomize.toolkit.fluxcd.io/v1\n  kind: Kustomization\n  metadata:\n    name: blog\n    labels: {app.kubernetes.io/name: blog}\n  spec:\n    sourceRef: {kind: GitRepository, name: flux-system}\n- apiVersion: helm.toolkit.fluxcd.io/v2\n  kind: HelmRelease\n  metadata:\n    name: blog-db\n    labels: {app.kubernetes.io/name: blog}\n  spec:\n    chart:\n      spec:\n        chart: postgresql\n        sourceRef: {kind: HelmRepository, name: bitnami}\n";
    let spec = "  sources: referenced\n  eventSources: hybrid\n  alerts:\n  - providerRef: slack\n  providers:\n  - {name: slack, type: slack, secretRef: {name: slack-url}}\n";
    cases.push((
        "unnamespaced appliers".into(),
        with_config(unnamespaced, &config("blog", spec)),
    ));

    // Generator mode: only the config is visible; selector entries per applier kind.
    let generator_config = config(
        "shop",
        "  environment: production\n  eventSources: selector\n  placement: {namespace: shop}\n  alerts:\n  - providerRef: slack\n  - {name: errors, providerRef: slack, eventSeverity: error}\n  providers:\n  - {name: slack, type: slack, secretRef: {name: slack-url}}\n",
    );
    cases.push((
        "generator (only the config visible)".into(),
        with_config(&as_item(&generator_config), &generator_config),
    ));

    // Discovery: two configs as items (no functionConfig), sharing an identical Provider, and a
    // Provider already present in the build.
    let discovered = |app: &str, dir: &str| {
        as_item(&format!(
            "apiVersion: app-notifications.dev/v1alpha1\nkind: AppNotifications\nmetadata:\n  name: {app}\n  namespace: apps\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\n    internal.config.kubernetes.io/path: {dir}/notifications.yaml\nspec:\n  environment: staging\n  alerts:\n  - providerRef: slack\n  - {{name: audit, providerRef: audit}}\n  providers:\n  - {{name: slack, type: slack, channel: apps, secretRef: {{name: slack-url}}}}\n"
        ))
    };
    let apps = format!(
        "{}{}{}- apiVersion: notification.toolkit.fluxcd.io/v1beta3\n  kind: Provider\n  metadata:\n    name: audit\n    namespace: apps\n  spec:\n    type: generic\n    address: https://audit.example.com/hook\n- apiVersion: kustomize.toolkit.fluxcd.io/v1\n  kind: Kustomization\n  metadata:\n    name: blog\n    namespace: apps\n    labels: {{app.kubernetes.io/name: blog}}\n  spec:\n    sourceRef: {{kind: GitRepository, name: flux-system, namespace: flux-system}}\n",
        SHOP_ITEMS,
        discovered("shop", "apps/shop"),
        discovered("blog", "apps/blog"),
    );
    cases.push(("discovery".into(), format!("{HEADER}{apps}")));

    // Names and values that YAML 1.1 reads as something else (bools, nulls, numbers, dates)
    // in every place the function copies them: namespaces, applier and source names, label
    // values, environment values, Provider and Secret names, eventMetadata keys.
    let look_alikes = r##"- apiVersion: kustomize.toolkit.fluxcd.io/v1
  kind: Kustomization
  metadata:
    name: "yes"
    namespace: "null"
    labels: {app.kubernetes.io/name: "1e3", env: "2024-01-01"}
  spec:
    sourceRef: {kind: GitRepository, name: "on", namespace: "true"}
- apiVersion: helm.toolkit.fluxcd.io/v2
  kind: HelmRelease
  metadata:
    name: "0755"
    namespace: "null"
    labels: {app.kubernetes.io/name: "1e3", env: "0x1f"}
  spec:
    chart: {spec: {chart: x, sourceRef: {kind: HelmRepository, name: "123", namespace: "off"}}}
- apiVersion: helm.toolkit.fluxcd.io/v2
  kind: HelmRelease
  metadata:
    name: "y"
    namespace: "n"
    labels: {app.kubernetes.io/name: "1e3", env: "12"}
  spec:
    chartRef: {kind: OCIRepository, name: "1_000"}
"##;
    let spec = r##"  environmentLabel: env
  sources: referenced
  eventSources: hybrid
  placement: {namespace: "no"}
  alerts:
  - providerRef: "off"
    eventMetadata: {"yes": "no", "~": "null", "<<": "=", "1": "1.0"}
  - name: "on"
    providerRef: {name: "true"}
  providers:
  - {name: "off", type: slack, channel: "yes", username: "null", secretRef: {name: "on"}, timeout: "1m"}
  - {name: "true", type: generic, address: "https://x.example.com/1e3"}
"##;
    cases.push((
        "YAML 1.1 look-alike names and values".into(),
        with_config(look_alikes, &config("\"1e3\"", spec)),
    ));

    // A ConfigMap functionConfig (kpt `fn eval -- key=value`).
    let config_map = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fn-config\ndata:\n  app: shop\n  environment: prod\n  providerRef: slack\n  eventSeverity: error\n  sources: referenced\n  eventSources: hybrid\n  namespace: flux-system\n";
    cases.push((
        "ConfigMap functionConfig".into(),
        with_config(SHOP_ITEMS, config_map),
    ));

    // A JSON ResourceList.
    let json = serde_json::json!({
        "apiVersion": "config.kubernetes.io/v1",
        "kind": "ResourceList",
        "items": [
            {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
             "metadata": {"name": "api", "namespace": "json", "labels": {"app.kubernetes.io/name": "json"}},
             "spec": {"sourceRef": {"kind": "GitRepository", "name": "repo"}}},
            {"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
             "metadata": {"name": "db", "namespace": "json", "labels": {"app.kubernetes.io/name": "json"}},
             "spec": {"chart": {"spec": {"chart": "pg", "sourceRef": {"kind": "HelmRepository", "name": "charts"}}}}}
        ],
        "functionConfig": {
            "apiVersion": "app-notifications.dev/v1alpha1", "kind": "AppNotifications",
            "metadata": {"name": "json"},
            "spec": {"environment": "yes", "eventSources": "hybrid", "sources": "referenced",
                     "alerts": [{"providerRef": "on", "eventMetadata": {"n": "012"}}],
                     "providers": [{"name": "on", "type": "slack", "channel": "no", "secretRef": {"name": "off"}}]}
        }
    });
    cases.push((
        "JSON ResourceList".into(),
        serde_json::to_string_pretty(&json).unwrap(),
    ));

    cases
}

/// `tests/golden/*/input.{yaml,json}`, when that directory exists.
fn golden_inputs() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut dirs: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    dirs.sort();
    for case in dirs {
        for name in ["input.yaml", "input.json"] {
            if let Ok(text) = std::fs::read_to_string(case.join(name)) {
                out.push((format!("golden {}", case.display()), text));
            }
        }
    }
    out
}

/// `text` as kustomize-controller's post-build substitution would write it: each `${VAR}` with
/// a default (`:=`, `:-`, `=`, `-`) becomes the default, one without becomes `x0` (valid in
/// every name and label value); `$${…}` becomes the literal `${…}`.
fn as_flux_substitutes(text: &str) -> String {
    let variable =
        regex::Regex::new(r"\$(\$?)\{([_A-Za-z][_A-Za-z0-9]*)(?::?[-=]([^}$]*))?\}").unwrap();
    variable
        .replace_all(text, |c: &regex::Captures<'_>| {
            if !c[1].is_empty() {
                return c[0][1..].to_string();
            }
            c.get(3)
                .map_or("x0".to_string(), |d| d.as_str().to_string())
        })
        .into_owned()
}

#[test]
fn post_build_substitution_is_modelled_for_the_crd_check() {
    assert_eq!(
        as_flux_substitutes("a-${X}-${Y:=b}-${Z:-c}-$${W}-$V"),
        "a-x0-b-c-${W}-$V"
    );
}

/// The field paths present in a generated object's spec (`eventSources[].kind`, `timeout`…).
fn field_paths(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, sub) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                out.insert(path.clone());
                // Map values (eventMetadata, matchLabels) are data, not fields.
                if key != "eventMetadata" && key != "matchLabels" {
                    field_paths(sub, &path, out);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                field_paths(item, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

#[derive(Default)]
struct Seen {
    alerts: u64,
    providers: u64,
    fields: BTreeSet<String>,
    values: BTreeSet<String>,
    names: Vec<String>,
}

impl Seen {
    fn record(&mut self, report: &CrdReport) {
        self.alerts += report.count("Alert");
        self.providers += report.count("Provider");
        for object in report.objects() {
            if object["generated"] != true {
                continue;
            }
            let kind = object["kind"].as_str().unwrap();
            let mut paths = BTreeSet::new();
            field_paths(&object["spec"], "", &mut paths);
            self.fields
                .extend(paths.into_iter().map(|p| format!("{kind}.spec.{p}")));
            for source in object["spec"]["eventSources"]
                .as_array()
                .into_iter()
                .flatten()
            {
                self.values.insert(format!(
                    "eventSources.kind={}",
                    source["kind"].as_str().unwrap()
                ));
                if source["name"] == "*" {
                    self.values.insert("eventSources.name=*".into());
                }
            }
            for key in ["eventSeverity", "type"] {
                if let Some(v) = object["spec"][key].as_str() {
                    self.values.insert(format!("{kind}.{key}={v}"));
                }
            }
            if object["namespace"].is_null() {
                self.values.insert(format!("{kind} without namespace"));
            }
            self.names
                .push(object["name"].as_str().unwrap().to_string());
        }
    }
}

fn generate(name: &str, input: &str) -> String {
    let run = run_bin(input.as_bytes());
    assert_eq!(
        run.code, 0,
        "{name}: the function failed\n--- stderr\n{}\n--- stdout\n{}",
        run.stderr, run.stdout
    );
    run.stdout
}

#[test]
fn generated_objects_satisfy_the_flux_crds() {
    require_python_validator();
    let mut seen = Seen::default();
    let cases = cases();
    let mut outputs = Vec::new();
    for (name, input) in &cases {
        let first = generate(name, input);
        // The output fed back (previously generated objects replaced in place) stays valid.
        let second_name = format!("{name} (second run)");
        let second = generate(&second_name, &first);
        outputs.push((name.clone(), first));
        outputs.push((second_name, second));
    }
    let reports = validate_crd_batch(&outputs, &[]);
    for ((name, output), report) in outputs.iter().zip(&reports) {
        assert_eq!(
            report.exit, 0,
            "{name}: the output violates the Flux CRDs:\n{}\n--- output\n{output}",
            report.stderr
        );
        assert!(
            report.count("Alert") >= 1,
            "{name}: no Alert generated\n{output}"
        );
        seen.record(report);
    }

    // Golden inputs: whatever their exit code, what they generate must be valid.
    // Output holding Flux post-build variables is valid once Flux has substituted them.
    let golden: Vec<(String, String)> = golden_inputs()
        .into_iter()
        .map(|(name, input)| {
            let output = run_bin(input.as_bytes()).stdout;
            (name, as_flux_substitutes(&output))
        })
        .collect();
    let mut golden_objects = 0;
    for ((name, output), report) in golden
        .iter()
        .zip(validate_crd_batch(&golden, &["--only-generated"]))
    {
        assert_eq!(
            report.exit, 0,
            "{name}: the output violates the Flux CRDs:\n{}\n--- output\n{output}",
            report.stderr
        );
        golden_objects += report.count("Alert") + report.count("Provider");
        seen.record(&report);
    }

    assert!(seen.alerts >= 1 && seen.providers >= 1);
    eprintln!(
        "validated {} Alerts and {} Providers from {} inputs (+ second runs) and {} golden inputs \
         ({golden_objects} generated objects)",
        seen.alerts,
        seen.providers,
        cases.len(),
        golden.len()
    );

    // The inputs reach every field the function can emit.
    let expected_fields = [
        "Alert.spec.providerRef",
        "Alert.spec.providerRef.name",
        "Alert.spec.eventSeverity",
        "Alert.spec.eventSources",
        "Alert.spec.eventSources[].kind",
        "Alert.spec.eventSources[].name",
        "Alert.spec.eventSources[].namespace",
        "Alert.spec.eventSources[].matchLabels",
        "Alert.spec.inclusionList",
        "Alert.spec.exclusionList",
        "Alert.spec.eventMetadata",
        "Alert.spec.suspend",
        "Provider.spec.type",
        "Provider.spec.channel",
        "Provider.spec.username",
        "Provider.spec.address",
        "Provider.spec.secretRef",
        "Provider.spec.secretRef.name",
        "Provider.spec.certSecretRef",
        "Provider.spec.certSecretRef.name",
        "Provider.spec.proxySecretRef",
        "Provider.spec.proxySecretRef.name",
        "Provider.spec.serviceAccountName",
        "Provider.spec.timeout",
        "Provider.spec.suspend",
        "Provider.spec.commitStatusExpr",
    ];
    let missing: Vec<&str> = expected_fields
        .iter()
        .copied()
        .filter(|f| !seen.fields.contains(*f))
        .collect();
    assert!(
        missing.is_empty(),
        "no validated object had {missing:?}; seen: {:#?}",
        seen.fields
    );
    let expected_values = [
        "eventSources.kind=Kustomization",
        "eventSources.kind=HelmRelease",
        "eventSources.kind=HelmChart",
        "eventSources.kind=GitRepository",
        "eventSources.kind=OCIRepository",
        "eventSources.kind=HelmRepository",
        "eventSources.kind=Bucket",
        "eventSources.name=*",
        "Alert.eventSeverity=info",
        "Alert.eventSeverity=error",
        "Provider.type=github",
        "Provider.type=gitlab",
        "Alert without namespace",
    ];
    let missing: Vec<&str> = expected_values
        .iter()
        .copied()
        .filter(|v| !seen.values.contains(*v))
        .collect();
    assert!(
        missing.is_empty(),
        "no validated object had {missing:?}; seen: {:#?}",
        seen.values
    );
    // A name past 63 characters was shortened (54 + '-' + 8 hex), and none is longer.
    let hashed = regex::Regex::new("^[a-z0-9-]{54}-[0-9a-f]{8}$").unwrap();
    assert!(
        seen.names.iter().any(|n| hashed.is_match(n)),
        "no shortened Alert name among {:?}",
        seen.names
    );
}

/// The validator itself catches what it claims to: a broken object of each kind is reported
/// with its name and the JSON path of every problem.
#[test]
fn the_validator_reports_each_violation() {
    require_python_validator();
    let bad = r##"apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: notification.toolkit.fluxcd.io/v1beta3
  kind: Provider
  metadata:
    name: Bad_Name
    namespace: apps
    labels:
      long: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
      flag: yes
  spec:
    type: slack
    commitStatusExpr: "'x'"
    timeout: 1h
    extra: field
- apiVersion: notification.toolkit.fluxcd.io/v1beta3
  kind: Provider
  metadata: {name: fine}
  spec: {type: github, commitStatusExpr: "'x'", timeout: 1m30s, certSecretRef: {name: ca}}
- apiVersion: notification.toolkit.fluxcd.io/v1beta2
  kind: Alert
  metadata: {name: old}
  spec: {providerRef: {name: x}, eventSources: [{kind: Kustomization, name: x}]}
- apiVersion: notification.toolkit.fluxcd.io/v1beta3
  kind: Alert
  metadata:
    name: dup
    name: dup
  spec:
    eventSources:
    - {kind: FluxInstance, name: "*"}
    - {kind: Kustomization, name: x, matchLabels: {a: b}}
    eventMetadata:
      env: on
"##;
    let report = validate_crd(bad, &[]);
    assert_eq!(report.exit, 1, "{}", report.stderr);
    assert_eq!((report.count("Alert"), report.count("Provider")), (2, 2));
    for expected in [
        "Provider apps/Bad_Name: spec: Additional properties are not allowed ('extra'",
        "Provider apps/Bad_Name: spec.timeout: '1h' does not match",
        "Provider apps/Bad_Name: metadata.name: 'Bad_Name' is not a DNS-1123 subdomain",
        "Provider apps/Bad_Name: metadata.labels[long]: value",
        "Provider apps/Bad_Name: metadata.labels[flag]: value True is not a string",
        "Provider apps/Bad_Name: spec: spec.commitStatusExpr is only supported for the 'github'",
        "Alert old: apiVersion: notification.toolkit.fluxcd.io/v1beta2 is not a served version",
        "Alert dup: metadata: duplicate key 'name'",
        "Alert dup: spec.eventSources[0].kind: 'FluxInstance' is not one of",
        "Alert dup: spec.eventSources[1].matchLabels: matchLabels requires name '*'",
        "Alert dup: spec.eventMetadata.env: True is not of type 'string'",
        "Alert dup: spec: 'providerRef' is a required property",
    ] {
        assert!(
            report.stderr.contains(expected),
            "missing {expected:?} in\n{}",
            report.stderr
        );
    }
    assert!(
        !report.stderr.contains("Provider fine"),
        "{}",
        report.stderr
    );
}

/// An `environmentLabel` value is any label value (`Prod_EU`, `v1.2`, ``), but it becomes part
/// of the Alert name, which must be a DNS-1123 subdomain: the function must either reject such
/// a value (exit 1, naming it) or still produce valid objects.
#[test]
fn environment_label_values_never_make_invalid_alert_names() {
    require_python_validator();
    let mut outputs = Vec::new();
    for value in ["Prod_EU", "\"\"", "v1.2", "EU"] {
        let items = format!(
            "- apiVersion: kustomize.toolkit.fluxcd.io/v1\n  kind: Kustomization\n  metadata:\n    name: api\n    namespace: shop\n    labels: {{app.kubernetes.io/name: shop, env: {value}}}\n  spec:\n    sourceRef: {{kind: GitRepository, name: flux-system}}\n"
        );
        let input = with_config(
            &items,
            &config(
                "shop",
                "  environmentLabel: env\n  alerts:\n  - providerRef: slack\n",
            ),
        );
        let run = run_bin(input.as_bytes());
        if run.code == 1 {
            assert!(run.stderr.contains("api"), "{value}: {}", run.stderr);
            continue;
        }
        assert_eq!(run.code, 0, "{value}: {}", run.stderr);
        outputs.push((format!("env label {value}"), run.stdout));
    }
    let mut failures = Vec::new();
    for ((name, _), report) in outputs.iter().zip(validate_crd_batch(&outputs, &[])) {
        if report.exit != 0 {
            failures.push(format!(
                "{name}: exit 0 with invalid objects:\n{}",
                report.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The Alert of an app with Flux Operator appliers is admitted by an Alert CRD the operator
/// patched and rejected by plain Flux's, which is what the config's warning says.
#[test]
fn operator_kinds_pass_only_the_crd_the_flux_operator_patches() {
    let package = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/16-appliers-flux-operator-kinds/package");
    let out = run(bin().arg("render").arg(&package), b"");
    assert_eq!(out.0, 0, "{}", out.2);
    assert!(out.1.contains("kind: FluxInstance") && out.1.contains("kind: ResourceSet"));
    let patched = validate_crd(&out.1, &["--flux-operator"]);
    assert_eq!(patched.exit, 0, "{}", patched.stderr);
    assert_eq!(patched.count("Alert"), 1);
    let plain = validate_crd(&out.1, &[]);
    assert_eq!(plain.exit, 1, "{}", plain.stderr);
    for index in [0, 2] {
        let expected = format!("spec.eventSources[{index}].kind: '");
        assert!(plain.stderr.contains(&expected), "{}", plain.stderr);
    }
}
