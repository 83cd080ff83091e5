//! The command line as clap reads it: commands, flags and their help.

use std::path::PathBuf;

use app_notifications::config::APP_NAME_LABEL;
use app_notifications::report::Format;
use app_notifications::Limits;
use app_notifications::EVENT_SOURCE_KINDS;
use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  # KRM function: ResourceList on stdin, ResourceList on stdout
  kustomize build --enable-alpha-plugins overlays/production
  kpt fn eval --exec app-notifications --allow-exec pkg/
  app-notifications < resource-list.yaml

  # Generate into a package (what kpt fn render does), or just print what would be generated
  app-notifications render --write apps/
  app-notifications render --config apps/billing/notifications.yaml apps/billing

  # The config's schema, for editors and kpt
  app-notifications schema --format openapi

  # kustomize legacy exec plugin (installed under
  # $XDG_CONFIG_HOME/kustomize/plugin/app-notifications.dev/v1alpha1/appnotifications/)
  KUSTOMIZE_PLUGIN_CONFIG_ROOT=. app-notifications notifications.yaml < resources.yaml

Exit codes: 0 ok, 1 function error (input items returned unchanged, with results), 2 usage error.";

const CHECK_EXAMPLES: &str = "\
Examples:
  app-notifications check examples/kpt
  # Proven for a notification-controller run with --no-cross-namespace-refs (this one exits 1:
  # storefront's Alert covers its HelmChart in flux-system):
  #   app-notifications check --no-cross-namespace-refs examples/kpt
  # A built stream on stdin, as CI has it after kubectl kustomize:
  #   kubectl kustomize --enable-alpha-plugins clusters/production | app-notifications check -

Exit codes: 0 ok (warnings may be printed), 1 findings that are errors, 2 usage error.";

const REPORT_EXAMPLES: &str = "\
Examples:
  app-notifications report examples/kpt
  app-notifications report --format mermaid examples/kpt
  # A built stream on stdin:
  #   kubectl kustomize --enable-alpha-plugins clusters/production | app-notifications report -";

const EXPLAIN_EXAMPLES: &str = "\
Examples:
  app-notifications explain examples/package --event Kustomization/billing/billing-api
  app-notifications explain examples/kpt --event HelmRelease/billing/billing-worker --severity error --format json
  app-notifications explain examples/package --event Kustomization/billing/billing-db --metadata kustomize.toolkit.fluxcd.io/commit_status=update
  app-notifications explain examples/kpt --event HelmChart/flux-system/storefront-storefront-cache --severity error --no-cross-namespace-refs
  # A built stream on stdin, read as it is:
  #   kubectl kustomize --enable-alpha-plugins clusters/production | app-notifications explain - --event Kustomization/billing/billing-api

Exit codes: 0 explained (warnings may be printed), 1 the package's configs cannot be applied, 2 usage error.";

/// Application-aware Flux notifications, generated at build time.
///
/// Reads an AppNotifications config and the resources of an overlay and emits the Flux
/// Alerts (and Providers) that cover every applier of the app.
#[derive(Parser, Debug)]
#[command(name = "app-notifications", version, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// KRM mode as a validator (kpt `validators:`): change nothing, fail when generated objects
    /// are stale, an app has no config, or Alerts overlap. A ConfigMap functionConfig with
    /// `mode: check` does the same.
    #[arg(long)]
    pub check: bool,
    /// The label that names an app on its appliers, for the uncovered-app check.
    #[arg(long, global = true, default_value = APP_NAME_LABEL, value_name = "KEY")]
    pub app_label: String,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Read a package as kpt does and print the objects the function generates, or write them
    /// into the package with --write (only into files it owns).
    Render {
        /// The AppNotifications (or ConfigMap) to run with; without it, every AppNotifications
        /// in the package is used.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Write generated objects into the package instead of printing them.
        #[arg(long)]
        write: bool,
        /// Package directories or files.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Fail when generated objects in a package are stale, a labelled applier's app has no
    /// config, or a route does not deliver: every covered object's events go through a model
    /// of notification-controller, and each Alert must get them to its Provider exactly once,
    /// without a metadata conflict.
    #[command(after_help = CHECK_EXAMPLES)]
    Check {
        /// The AppNotifications (or ConfigMap) to check with; without it, every one in the
        /// package.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Prove the routes as notification-controller runs with --no-cross-namespace-refs:
        /// an Alert then only gets events of objects in its own namespace.
        #[arg(long)]
        no_cross_namespace_refs: bool,
        /// Package directories or files, or `-`: a built YAML stream on stdin (`kubectl
        /// kustomize` output), checked as it is, without configs.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Show app → environment → Alert → Provider → covered appliers, uncovered appliers and
    /// overlaps.
    #[command(after_help = REPORT_EXAMPLES)]
    Report {
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
        /// The AppNotifications (or ConfigMap) to report on; without it, every one in the
        /// package.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Package directories or files, or `-`: a built YAML stream on stdin (`kubectl
        /// kustomize` output), reported as it is, without configs.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Where do an object's events go? The event (with the object's event.toolkit.fluxcd.io/*
    /// annotations, as Flux controllers send them) goes through a model of
    /// notification-controller: each notification (Alert → Provider, its metadata, metadata
    /// conflicts), and why every other Alert does not take it.
    #[command(after_help = EXPLAIN_EXAMPLES)]
    Explain {
        /// The object the event is about: KIND/NAMESPACE/NAME, e.g.
        /// Kustomization/billing/billing-api.
        #[arg(long, value_name = "KIND/NAMESPACE/NAME", value_parser = parse_event)]
        event: EventRef,
        #[arg(long, value_enum, default_value_t = EventSeverity::Info)]
        severity: EventSeverity,
        /// The event's message (inclusionList and exclusionList are matched against it).
        #[arg(long, value_name = "TEXT", default_value = "")]
        message: String,
        /// A metadata key the controller adds, e.g. kustomize.toolkit.fluxcd.io/revision=main@sha1:0a1b2c
        /// (repeatable); the object's own event.toolkit.fluxcd.io/* annotations win over the
        /// same key, as in Flux's event recorder.
        #[arg(long, value_name = "KEY=VALUE", value_parser = parse_metadata)]
        metadata: Vec<(String, String)>,
        /// Dispatch as notification-controller does with --no-cross-namespace-refs.
        #[arg(long)]
        no_cross_namespace_refs: bool,
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
        /// Package directories or files, read as `render` reads them (with the objects
        /// generation produces), or `-`: a built YAML stream on stdin, read as it is.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Print the schema of the AppNotifications config.
    Schema {
        #[arg(long, value_enum, default_value_t = SchemaFormat::JsonSchema)]
        format: SchemaFormat,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum ReportFormat {
    /// A table for the terminal.
    Table,
    /// Stable JSON (see README "report").
    Json,
    Markdown,
    /// A Mermaid flowchart.
    Mermaid,
    /// A Graphviz digraph.
    Dot,
    /// A self-contained SVG picture (columns: app, environment, Alert, Provider, objects).
    Svg,
}

impl ReportFormat {
    pub fn format(self) -> Format {
        match self {
            ReportFormat::Table => Format::Table,
            ReportFormat::Json => Format::Json,
            ReportFormat::Markdown => Format::Markdown,
            ReportFormat::Mermaid => Format::Mermaid,
            ReportFormat::Dot => Format::Dot,
            ReportFormat::Svg => Format::Svg,
        }
    }
}

/// `--event KIND/NAMESPACE/NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRef {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

fn parse_event(text: &str) -> Result<EventRef, String> {
    let parts: Vec<&str> = text.split('/').collect();
    let [kind, namespace, name] = parts.as_slice() else {
        return Err(format!(
            "`{text}` is not KIND/NAMESPACE/NAME (e.g. Kustomization/billing/billing-api)"
        ));
    };
    if kind.is_empty() || namespace.is_empty() || name.is_empty() {
        return Err(format!(
            "`{text}` has an empty part: every event names its object's kind, namespace and \
             name (Flux drops events of objects without a namespace)"
        ));
    }
    let known: Vec<&str> = EVENT_SOURCE_KINDS.iter().map(|(k, _)| *k).collect();
    if !known.contains(kind) {
        let hint = known
            .iter()
            .find(|k| k.eq_ignore_ascii_case(kind))
            .map(|k| format!("did you mean {k}? "))
            .unwrap_or_default();
        return Err(format!(
            "`{kind}` is not a kind an Alert can watch ({hint}one of: {})",
            known.join(", ")
        ));
    }
    Ok(EventRef {
        kind: kind.to_string(),
        namespace: namespace.to_string(),
        name: name.to_string(),
    })
}

fn parse_metadata(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_string(), value.to_string())),
        _ => Err(format!(
            "`{text}` is not KEY=VALUE (e.g. kustomize.toolkit.fluxcd.io/revision=main@sha1:0a1b2c)"
        )),
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventSeverity {
    Info,
    Error,
}

impl EventSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            EventSeverity::Info => "info",
            EventSeverity::Error => "error",
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExplainFormat {
    /// Each notification and each skipped Alert with its reason, for a terminal.
    Text,
    /// Stable JSON: {event, notifications[{alert, provider, metadata, conflicts}],
    /// skipped[{alert, reason}]}.
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum SchemaFormat {
    /// JSON Schema (draft 2020-12), for editors and yaml-language-server.
    JsonSchema,
    /// OpenAPI v3 structural schema, as a CRD or kpt function config schema uses.
    Openapi,
}

/// The count limits are read as u64 whatever the target's word size, so every build accepts
/// the same values (a limit beyond what a 32-bit address space can hold, as in the
/// wasm32-wasip1 build, is no limit there).
#[derive(Args, Debug, Clone)]
pub struct LimitArgs {
    /// Largest input accepted, in bytes.
    #[arg(long, global = true, default_value_t = Limits::DEFAULT_MAX_INPUT_BYTES as u64, value_name = "BYTES")]
    max_input_bytes: u64,
    /// Deepest nesting of mappings and sequences accepted (at most 1000, which keeps the
    /// reader's recursion far from the stack's end).
    #[arg(long, global = true, default_value_t = Limits::default().max_depth, value_name = "LEVELS",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=Limits::MAX_DEPTH_CEILING as u64))]
    max_depth: usize,
    /// Nodes one item's read fields may expand to through YAML aliases.
    #[arg(long, global = true, default_value_t = Limits::default().max_alias_expansion as u64, value_name = "NODES")]
    max_alias_expansion: u64,
    /// Most items accepted in one input.
    #[arg(long, global = true, default_value_t = Limits::default().max_items as u64, value_name = "COUNT")]
    max_items: u64,
}

impl LimitArgs {
    pub fn limits(&self) -> Limits {
        let count = |value: u64| usize::try_from(value).unwrap_or(usize::MAX);
        Limits {
            max_input_bytes: count(self.max_input_bytes),
            max_depth: self.max_depth,
            max_alias_expansion: count(self.max_alias_expansion),
            max_items: count(self.max_items),
        }
    }
}
