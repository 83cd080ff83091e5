//! The command line as clap reads it: commands, flags and their help.

use std::path::PathBuf;

use app_notifications::config::APP_NAME_LABEL;
use app_notifications::report::Format;
use app_notifications::Limits;
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
    /// config, or two Alerts to one Provider cover the same object.
    Check {
        /// The AppNotifications (or ConfigMap) to check with; without it, every one in the
        /// package.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// How to show the findings: lines on stderr, GitHub workflow annotations, or
        /// Markdown (a pull request comment, a job summary).
        #[arg(long, value_enum, default_value_t)]
        format: crate::check_format::CheckFormat,
        /// Package directories or files.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Show app → environment → Alert → Provider → covered appliers, uncovered appliers and
    /// overlaps.
    Report {
        #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
        format: ReportFormat,
        /// The AppNotifications (or ConfigMap) to report on; without it, every one in the
        /// package.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Package directories or files.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
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
