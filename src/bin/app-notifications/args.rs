//! The command line as clap reads it: commands, flags and their help.

use std::path::PathBuf;

use app_notifications::config::APP_NAME_LABEL;
use app_notifications::report::Format;
use app_notifications::Limits;
use app_notifications::{EVENT_SOURCE_KINDS, OPERATOR_EVENT_KINDS};
use clap::{Args, Parser, Subcommand, ValueEnum};

// Every line of an `Examples:` section that starts with two spaces and a command is run by
// tests/examples_in_docs.rs in a scratch copy of the repository's examples/ (a trailing
// `# exits N` says the exit code to expect): keep them runnable there.

const EXAMPLES: &str = "\
Examples:
  # The KRM function: a ResourceList in, the same list with the generated objects out
  app-notifications < examples/quickstart/resource-list.yaml

  # The same function inside kpt (no container runtime needed; kpt fn eval --exec takes
  # no --allow-exec, kpt fn render does)
  kpt fn eval examples/kpt --exec app-notifications

  # Inside kustomize as a legacy exec plugin (install it first: see the README's
  # \"kustomize: legacy exec plugin\")
  kubectl kustomize --enable-alpha-plugins examples/kustomize-plugin/overlays/production

  # The legacy plugin protocol by hand: the config file as argv[1], a YAML stream on stdin
  kubectl kustomize examples/kustomize/base | KUSTOMIZE_PLUGIN_CONFIG_ROOT=. app-notifications examples/kustomize-plugin/base/notifications/notifications.yaml

  # As a validator (kpt `validators:`): exit 1 when generated objects are stale
  app-notifications --check < examples/quickstart/expected-output.yaml

  # Packages on disk, and the config's schema
  app-notifications render examples/package
  app-notifications check examples/kpt
  app-notifications report --format mermaid examples/kpt
  app-notifications schema --format openapi

Exit codes: 0 ok, 1 function error (input items returned unchanged, with results), 2 usage error.";

const RENDER_EXAMPLES: &str = "\
Examples:
  # Print the objects the package's configs generate
  app-notifications render examples/package

  # Write them into the package, next to each config (what kpt fn render does)
  app-notifications render --write examples/package

  # Run one config over a package
  app-notifications render --config examples/package/apps/billing/notifications.yaml examples/package

  # Several packages, each rendered on its own
  app-notifications render examples/kpt/apps/billing examples/kpt/apps/storefront";

const CHECK_EXAMPLES: &str = "\
Examples:
  # A package rendered and committed: every route proven, nothing to report
  app-notifications check examples/kpt

  # A package that was never rendered: every Alert it should hold is missing
  app-notifications check examples/package   # exits 1

  # After rendering, the same package passes
  app-notifications render --write examples/package && app-notifications check examples/package

  # Proven for a notification-controller run with --no-cross-namespace-refs: storefront's Alert
  # covers its HelmChart in flux-system, which such a cluster refuses
  app-notifications check --no-cross-namespace-refs examples/kpt   # exits 1

  # A built stream on stdin, as CI has it after kubectl kustomize: checked as it is
  app-notifications check - < examples/fleet/rendered/production/manifests.yaml

  # Findings as GitHub workflow annotations, or as Markdown for a pull request comment
  app-notifications check --format markdown examples/kpt

Exit codes: 0 ok (warnings may be printed), 1 findings that are errors, 2 usage error.";

const REPORT_EXAMPLES: &str = "\
Examples:
  # app → environment → Alert → Provider → covered objects, as a table
  app-notifications report examples/kpt

  # The same as JSON, Mermaid, or a self-contained SVG picture
  app-notifications report --format json examples/kpt
  app-notifications report --format mermaid examples/kpt
  app-notifications report --format svg examples/kpt > coverage.svg

  # A built stream on stdin, as it is
  app-notifications report - < examples/fleet/rendered/production/manifests.yaml";

const SCHEMA_EXAMPLES: &str = "\
Examples:
  # JSON Schema for editors (yaml-language-server) and for validating configs
  app-notifications schema > app-notifications.schema.json

  # OpenAPI v3 structural schema, as a CRD or a kpt function's config schema takes it
  app-notifications schema --format openapi";

const EXPLAIN_EXAMPLES: &str = "\
Examples:
  # Where the events of a Kustomization go once the package is rendered, and why the other
  # Alerts do not take them
  app-notifications explain examples/package --event Kustomization/billing/billing-api

  # An error event of a HelmRelease, as JSON; a success event with the metadata Flux adds;
  # the HelmChart of a HelmRelease in a cluster that refuses cross-namespace references
  app-notifications explain examples/kpt --event HelmRelease/billing/billing-worker --severity error --format json
  app-notifications explain examples/package --event Kustomization/billing/billing-db --metadata kustomize.toolkit.fluxcd.io/commit_status=update
  app-notifications explain examples/kpt --event HelmChart/flux-system/storefront-storefront-cache --severity error --no-cross-namespace-refs
  # A built stream on stdin, read as it is
  app-notifications explain - --event Kustomization/billing/billing-api < examples/fleet/rendered/production/manifests.yaml

Exit codes: 0 explained (warnings may be printed), 1 the package's configs cannot be applied, 2 usage error.";

/// Application-aware Flux notifications, generated at build time.
///
/// Reads an AppNotifications config and the resources of an overlay and emits the Flux
/// Alerts (and Providers) that cover every applier of the app.
#[derive(Parser, Debug)]
#[command(
    name = "app-notifications",
    version,
    after_help = EXAMPLES,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// KRM mode as a validator (kpt `validators:`): change nothing, fail when generated objects
    /// are stale, an app has no config, or Alerts overlap. A ConfigMap functionConfig with
    /// `mode: check` does the same.
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub app_label: AppLabelArg,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Read a package as kpt does and print the objects the function generates, or write them
    /// into the package with --write (only into files it owns).
    #[command(after_help = RENDER_EXAMPLES)]
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
        #[command(flatten)]
        limits: LimitArgs,
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
        /// How to show the findings: lines on stderr, GitHub workflow annotations, or
        /// Markdown (a pull request comment, a job summary).
        #[arg(long, value_enum, default_value_t)]
        format: crate::check_format::CheckFormat,
        /// Prove the routes as notification-controller runs with --no-cross-namespace-refs:
        /// an Alert then only gets events of objects in its own namespace.
        #[arg(long)]
        no_cross_namespace_refs: bool,
        /// Package directories or files, or `-`: a built YAML stream on stdin (`kubectl
        /// kustomize` output), checked as it is, without configs.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        app_label: AppLabelArg,
        #[command(flatten)]
        limits: LimitArgs,
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
        #[command(flatten)]
        app_label: AppLabelArg,
        #[command(flatten)]
        limits: LimitArgs,
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
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Scaffold one AppNotifications per app of a repository and wire it into the overlays
    /// that build the app (kustomization transformers, or the Kptfile with --kpt).
    Init(Box<crate::init::InitArgs>),
    /// Propose AppNotifications configs that reproduce the hand-written Alerts of a package,
    /// with what the new Alerts add and what cannot be imported; --write writes them.
    Import(crate::import::ImportArgs),
    /// Print a shell completion script (bash, zsh or fish).
    #[command(after_help = crate::completions::COMPLETIONS_EXAMPLES)]
    Completions {
        #[arg(value_enum)]
        shell: crate::completions::Shell,
    },
    /// Print the man page (roff), every command included.
    #[command(after_help = crate::completions::MAN_EXAMPLES)]
    Man,
    /// Print the schema of the AppNotifications config.
    #[command(after_help = SCHEMA_EXAMPLES)]
    Schema {
        #[arg(long, value_enum, default_value_t = SchemaFormat::JsonSchema)]
        format: SchemaFormat,
    },
}

/// `--app-label`, on the commands that look for uncovered apps (KRM `--check`, `check`,
/// `report`).
#[derive(Args, Debug, Clone)]
pub struct AppLabelArg {
    /// The label that names an app on its appliers, for the uncovered-app check.
    #[arg(long = "app-label", default_value = APP_NAME_LABEL, value_name = "KEY")]
    pub key: String,
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
    // The Flux Operator's kinds too: clusters whose Alert CRD it patched accept them.
    let known: Vec<&str> = EVENT_SOURCE_KINDS
        .iter()
        .map(|(k, _)| *k)
        .chain(OPERATOR_EVENT_KINDS.iter().copied())
        .collect();
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

/// The input bounds, on the commands that read input (KRM mode, `render`, `check`, `report`).
/// The count limits are read as u64 whatever the target's word size, so every build accepts
/// the same values (a limit beyond what a 32-bit address space can hold, as in the
/// wasm32-wasip1 build, is no limit there).
#[derive(Args, Debug, Clone)]
pub struct LimitArgs {
    /// Largest input accepted, in bytes.
    #[arg(long, default_value_t = Limits::DEFAULT_MAX_INPUT_BYTES as u64, value_name = "BYTES")]
    max_input_bytes: u64,
    /// Deepest nesting of mappings and sequences accepted (at most 1000, which keeps the
    /// reader's recursion far from the stack's end).
    #[arg(long, default_value_t = Limits::default().max_depth, value_name = "LEVELS",
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=Limits::MAX_DEPTH_CEILING as u64))]
    max_depth: usize,
    /// Nodes one item's read fields may expand to through YAML aliases.
    #[arg(long, default_value_t = Limits::default().max_alias_expansion as u64, value_name = "NODES")]
    max_alias_expansion: u64,
    /// Most items accepted in one input.
    #[arg(long, default_value_t = Limits::default().max_items as u64, value_name = "COUNT")]
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
