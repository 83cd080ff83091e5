//! `init`: scaffold and wire one AppNotifications per app (the work is `app_notifications::init`).

use std::path::PathBuf;

use anyhow::{Context, Result};
use app_notifications::init::{self, InitOptions};
use app_notifications::{exit, Limits};
use clap::Args;

use crate::io::print_stdout;

pub const EXAMPLES: &str = "\
Examples:
  # What init would write for the apps of a repository, without writing it
  app-notifications init --dry-run --provider slack examples/kustomize

  # Label an unlabelled HelmRelease as app podinfo, generate a Slack Provider, wire every
  # overlay that builds it (each overlay's directory name is its environment)
  app-notifications init --dry-run --app podinfo --label HelmRelease/podinfo --provider slack --type slack --channel alerts --secret-ref slack-url tests/fixtures/corpus/flux2-kustomize-helm-example/apps

  # A kpt package: one config next to each app's appliers, the function in the Kptfile
  app-notifications init --dry-run --kpt --provider slack examples/kpt

A second run changes nothing: existing configs and transformer entries are reported and left.";

#[derive(Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct InitArgs {
    /// Repository directories (a repository's root, or the directory of an app and its
    /// overlays).
    #[arg(value_name = "DIR", default_value = ".")]
    pub dirs: Vec<PathBuf>,
    /// The app to scaffold; without it, every value of the app label (--app-label) on the
    /// Flux appliers is an app.
    #[arg(long, value_name = "NAME")]
    pub app: Option<String>,
    /// Select the app's appliers by these labels instead of the app label (KEY=VALUE,
    /// repeatable).
    #[arg(long, value_name = "KEY=VALUE", requires = "app", value_parser = parse_pair)]
    pub selector: Vec<(String, String)>,
    /// Label this object with the app label in its own file (KIND/NAME or
    /// KIND/NAMESPACE/NAME, repeatable), for appliers that carry no app label yet.
    #[arg(
        long,
        value_name = "KIND/NAME",
        requires = "app",
        conflicts_with = "selector"
    )]
    pub label: Vec<String>,
    /// The Flux Provider the app's Alerts send to.
    #[arg(long, value_name = "NAME")]
    pub provider: String,
    /// Generate the Provider with this Flux type (slack, msteams, github, …); without it, the
    /// Provider must exist in the cluster.
    #[arg(long = "type", value_name = "TYPE")]
    pub provider_type: Option<String>,
    /// The generated Provider's channel.
    #[arg(long, value_name = "CHANNEL", requires = "provider_type")]
    pub channel: Option<String>,
    /// The Secret holding the generated Provider's credentials (its address or token).
    #[arg(long, value_name = "SECRET", requires = "provider_type")]
    pub secret_ref: Option<String>,
    /// Which events to send: every one (info) or errors only.
    #[arg(long, value_parser = ["info", "error"])]
    pub severity: Option<String>,
    /// The environment of every overlay (default: each overlay directory's name).
    #[arg(long, value_name = "ENV", conflicts_with = "environment_label")]
    pub environment: Option<String>,
    /// One Alert per value of this applier label instead of one environment per overlay.
    #[arg(long, value_name = "KEY")]
    pub environment_label: Option<String>,
    /// Wire the function into the Kptfile's pipeline (kpt) instead of kustomizations.
    #[arg(long)]
    pub kpt: bool,
    /// Run the function as this container image (default: kustomize's legacy exec plugin, or
    /// `exec: app-notifications` in a Kptfile).
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// Write the configs only; add no transformer or pipeline entry.
    #[arg(long)]
    pub no_wire: bool,
    /// Print the files init would write and the diff of every file it would edit; write
    /// nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub app_label: crate::args::AppLabelArg,
    #[command(flatten)]
    pub limits: crate::args::LimitArgs,
}

fn parse_pair(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("`{text}` is not KEY=VALUE")),
    }
}

pub fn run(args: InitArgs, app_label: &str, limits: &Limits) -> Result<i32> {
    let options = InitOptions {
        app: args.app,
        selector: args.selector,
        label: args.label,
        app_label: app_label.to_string(),
        provider: args.provider,
        provider_type: args.provider_type,
        channel: args.channel,
        secret_ref: args.secret_ref,
        severity: args.severity,
        environment: args.environment,
        environment_label: args.environment_label,
        kpt: args.kpt,
        image: args.image,
        no_wire: args.no_wire,
    };
    // Every directory is planned before anything is written: an error leaves all as it was.
    let mut plans = Vec::new();
    for dir in &args.dirs {
        match init::plan(dir, &options, limits) {
            Ok(plan) => plans.push((dir, plan)),
            Err(err) => {
                eprintln!("error: {err}");
                return Ok(exit::FUNCTION_ERROR);
            }
        }
    }
    let mut out = String::new();
    for (dir, plan) in &plans {
        if plans.len() > 1 {
            out.push_str(&format!("{}:\n", dir.display()));
        }
        for note in &plan.notes {
            out.push_str(note);
            out.push('\n');
        }
        if args.dry_run {
            for change in &plan.changes {
                out.push('\n');
                out.push_str(&change.preview());
            }
        }
        for warning in &plan.warnings {
            eprintln!("warning: {warning}");
        }
    }
    if args.dry_run {
        out.push_str("\ndry run: nothing was written\n");
    }
    print_stdout(&out)?;
    if args.dry_run {
        return Ok(exit::OK);
    }
    for (dir, plan) in &plans {
        for change in &plan.changes {
            let file = dir.join(&change.path);
            if let Some(parent) = file.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
            std::fs::write(&file, &change.after)
                .with_context(|| format!("writing {}", file.display()))?;
        }
    }
    Ok(exit::OK)
}
