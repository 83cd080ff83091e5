//! `import`: propose (or write) AppNotifications configs that reproduce hand-written Alerts
//! (the work is `app_notifications::import`).

use std::path::PathBuf;

use anyhow::{Context, Result};
use app_notifications::import::{self, ImportOptions};
use app_notifications::{exit, Limits};
use clap::Args;

use crate::io::{print_stdout, read_stdin};

pub const EXAMPLES: &str = "\
Examples:
  # What configs would reproduce the hand-written Alerts of a package, and what they change
  app-notifications import examples/import

  # A built overlay, as CI has it after kubectl kustomize (nothing can be written then)
  kubectl kustomize tests/fixtures/corpus/home-ops/kubernetes/apps/o11y | app-notifications import -

  # Write the configs next to the apps (the old Alerts stay; the output lists what to remove)
  cp -r examples/import shop && app-notifications import --write shop

Then `app-notifications render --write` and `app-notifications check` show the new Alerts and
any overlap with the old ones that are left.";

#[derive(Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct ImportArgs {
    /// Package directories, or `-` for a built YAML stream on stdin.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Write the proposed configs next to the apps' appliers (never over an existing file,
    /// never deleting an Alert).
    #[arg(long)]
    pub write: bool,
    /// Import an Alert over several apps as a route of each app's config.
    #[arg(long)]
    pub split: bool,
    #[command(flatten)]
    pub app_label: crate::args::AppLabelArg,
    #[command(flatten)]
    pub limits: crate::args::LimitArgs,
}

pub fn run(args: ImportArgs, app_label: &str, limits: &Limits) -> Result<i32> {
    let stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    if stdin && args.write {
        eprintln!(
            "error: --write needs package directories: a stream on stdin has no files to write \
             next to (hint: run import on the repository's directories)"
        );
        return Ok(exit::USAGE);
    }
    let options = ImportOptions {
        app_label: app_label.to_string(),
        split: args.split,
    };
    let mut plans = Vec::new();
    for path in &args.paths {
        let (text, root) = if path.as_os_str() == "-" {
            let input = read_stdin(limits)?;
            (Some(String::from_utf8_lossy(&input).into_owned()), None)
        } else {
            (None, Some(path))
        };
        let package = match root {
            Some(root) => Some(app_notifications::read_package(root, limits)?),
            None => None,
        };
        let reader = app_notifications::reader(limits);
        let list = match (&package, &text) {
            (Some(package), _) => package.list(None, limits)?,
            (None, Some(text)) => reader.stream(text, "stdin")?,
            (None, None) => unreachable!("a path or stdin"),
        };
        match import::plan(&list, &options, limits) {
            Ok(plan) => plans.push((root.cloned(), plan)),
            Err(err) => {
                eprintln!("error: {err}");
                return Ok(exit::FUNCTION_ERROR);
            }
        }
    }
    let mut out = String::new();
    for (root, plan) in &plans {
        if plans.len() > 1 {
            let name = root
                .as_ref()
                .map_or("-".to_string(), |r| r.display().to_string());
            out.push_str(&format!("{name}:\n"));
        }
        out.push_str(&import::render_text(plan, args.write));
    }
    if args.write {
        // A proposed path that holds a file the list had no config in (Helm values, a file
        // of comments): nothing is written, so no config is reported written that is not.
        let taken: Vec<PathBuf> = plans
            .iter()
            .filter_map(|(root, plan)| {
                Some((app_notifications::package_root(root.as_ref()?), plan))
            })
            .flat_map(|(base, plan)| {
                plan.proposals
                    .iter()
                    .filter(|p| p.existing.is_none())
                    .map(move |p| base.join(&p.path))
            })
            .filter(|file| file.exists())
            .collect();
        if let Some(file) = taken.first() {
            eprintln!(
                "error: {}: the file import would write a config to already exists and holds no \
                 AppNotifications; nothing was written (hint: move that file aside and run \
                 import --write again, or copy the proposed config from `import` without \
                 --write)",
                file.display()
            );
            return Ok(exit::FUNCTION_ERROR);
        }
        for (root, plan) in &plans {
            let Some(root) = root else { continue };
            let base = app_notifications::package_root(root);
            for proposal in plan.proposals.iter().filter(|p| p.existing.is_none()) {
                let file = base.join(&proposal.path);
                if let Some(dir) = file.parent() {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("creating {}", dir.display()))?;
                }
                std::fs::write(&file, &proposal.text)
                    .with_context(|| format!("writing {}", file.display()))?;
            }
        }
    }
    print_stdout(&out)?;
    Ok(exit::OK)
}
