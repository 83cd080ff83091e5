//! `init`: scaffolding for an existing repository. Finds the apps (Flux appliers and the label
//! that names their app) and the overlays that build them, writes one `AppNotifications` per
//! app and overlay, and wires it in: a `transformers:` entry of the overlay's
//! kustomization.yaml, or a mutator of the package's Kptfile. Every edit of a user's file is a
//! format-preserving patch ([`crate::resource_list::edit`]); nothing that exists is
//! overwritten, so a second run changes nothing.
//!
//! The plan is computed from the files as read; the binary shows it (`--dry-run`) or writes it.

mod diff;
mod kustomizations;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{json, Map, Value};

use crate::config::{self, API_VERSION, KIND};
use crate::flux::{applier_group, operator_applier_group, KUSTOMIZE_GROUP};
use crate::generate;
use crate::limits::Limits;
use crate::package::{self, Package, PackageError};
use crate::resource_list::edit::{self, TextPatch};
use crate::resource_list::locate::Segment;
use crate::resource_list::orchestrator::PATH;
use crate::resource_list::orchestrator::{FUNCTION as FUNCTION_ANNOTATION, LOCAL_CONFIG};
use crate::resource_list::{qualified, Item, ResourceList};
use crate::yaml::emit::{self, EmitStyle};

pub use diff::unified as unified_diff;
use kustomizations::{split, Effect, Kustomizations};

/// Labels whose values often name an environment: offered as `--environment-label`.
const ENVIRONMENT_LABELS: &[&str] = &[
    "app.kubernetes.io/environment",
    "environment",
    "env",
    "toolkit.fluxcd.io/tenant",
];

/// What `init` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// The app to scaffold; without it, every value of `app_label` on the appliers is an app.
    pub app: Option<String>,
    /// Labels that select the app's appliers (`--selector`), instead of `app_label: <app>`.
    pub selector: Vec<(String, String)>,
    /// Objects to label `app_label: <app>` in their own files (`--label KIND/[NS/]NAME`).
    pub label: Vec<String>,
    pub app_label: String,
    /// The route's Provider.
    pub provider: String,
    /// Generate the Provider with this type (else it must exist in the cluster).
    pub provider_type: Option<String>,
    pub channel: Option<String>,
    pub secret_ref: Option<String>,
    /// `info` or `error`.
    pub severity: Option<String>,
    /// A fixed environment for every overlay (else the overlay directory's name).
    pub environment: Option<String>,
    pub environment_label: Option<String>,
    /// Wire into the Kptfile's pipeline instead of kustomizations.
    pub kpt: bool,
    /// Run the function as this container image (else the legacy exec plugin for kustomize,
    /// `exec: app-notifications` for kpt).
    pub image: Option<String>,
    /// Write the configs only, wire nothing.
    pub no_wire: bool,
}

/// A file `init` writes: new (`before` is `None`) or edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// Relative to the root.
    pub path: String,
    pub before: Option<String>,
    pub after: String,
}

impl FileChange {
    /// What `--dry-run` shows: the new file whole, an edit as a unified diff.
    pub fn preview(&self) -> String {
        match &self.before {
            None => format!("+++ {} (new file)\n{}", self.path, self.after),
            Some(before) => diff::unified(&self.path, before, &self.after),
        }
    }
}

/// What `init` found and would change.
#[derive(Debug, Clone, Default)]
pub struct InitPlan {
    pub changes: Vec<FileChange>,
    /// What was found, done and left, one line each.
    pub notes: Vec<String>,
    /// What the user must know before committing (Flux cannot build a wired overlay, …).
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error(transparent)]
    Package(#[from] PackageError),
    #[error(transparent)]
    Read(#[from] crate::resource_list::ReadError),
    /// Input `init` cannot work with; the message names the file or directory.
    #[error("{0}")]
    Input(String),
}

/// One app: its name, how its appliers are selected, and which they are.
struct App<'l> {
    name: String,
    selector: Vec<(String, String)>,
    appliers: Vec<&'l Item<'l>>,
}

/// Plans `init` for the repository (or directory) at `root`.
pub fn plan(root: &Path, options: &InitOptions, limits: &Limits) -> Result<InitPlan, InitError> {
    if !root.is_dir() {
        return Err(InitError::Input(format!(
            "{}: not a directory (hint: init takes the directories of a repository: its root, \
             or the directory of an app and its overlays)",
            root.display()
        )));
    }
    let package = package::read(root, limits)?;
    let list = package.list(None, limits)?;
    let mut run = Run {
        root,
        options,
        limits,
        package: &package,
        list: &list,
        texts: package
            .files
            .iter()
            .map(|f| (f.path.clone(), f.text.clone()))
            .collect(),
        created: BTreeSet::new(),
        tree: None,
        effects: BTreeMap::new(),
        plan: InitPlan::default(),
    };
    if !options.kpt {
        let tree = Kustomizations::read(&package, limits)?;
        if tree.by_dir.is_empty() {
            return Err(InitError::Input(format!(
                "{}: no kustomization.yaml below it (hint: run init on a directory holding the \
                 kustomizations that build the apps, or use --kpt for a kpt package)",
                root.display()
            )));
        }
        run.effects = tree.effective();
        run.tree = Some(tree);
    }
    let labelled = run.label_objects()?;
    let apps = run.apps(&labelled)?;
    if options.kpt {
        run.wire_kpt(&apps)?;
    } else {
        for app in &apps {
            run.wire_kustomize(app)?;
        }
        if !options.no_wire && options.image.is_none() && !run.created.is_empty() {
            run.plan.notes.push(LEGACY_PLUGIN_SETUP.to_string());
        }
    }
    let Run {
        mut plan, texts, ..
    } = run;
    let originals: BTreeMap<&str, &str> = package
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.text.as_str()))
        .collect();
    let kptfile = std::fs::read_to_string(root.join("Kptfile")).ok();
    for (path, text) in texts {
        let before = match path.as_str() {
            "Kptfile" => kptfile.clone(),
            other => originals.get(other).map(|t| t.to_string()),
        };
        if before.as_deref() != Some(text.as_str()) {
            plan.changes.push(FileChange {
                path,
                before,
                after: text,
            });
        }
    }
    if plan.changes.is_empty() {
        plan.notes.push("nothing to change".into());
    }
    Ok(plan)
}

/// How to install the legacy exec plugin the written configs (no function annotation) need.
pub const LEGACY_PLUGIN_SETUP: &str = "\
the configs run as kustomize's legacy exec plugin (no container runtime needed); install it once:
  dir=${XDG_CONFIG_HOME:-$HOME/.config}/kustomize/plugin/app-notifications.dev/v1alpha1/appnotifications
  mkdir -p \"$dir\" && install -m 0755 \"$(command -v app-notifications)\" \"$dir/AppNotifications\"
then build with: kubectl kustomize --enable-alpha-plugins <overlay>";

struct Run<'r, 'l> {
    root: &'r Path,
    options: &'r InitOptions,
    limits: &'r Limits,
    package: &'r Package,
    list: &'r ResourceList<'l>,
    /// Every file as it will be: the package's texts with the edits so far, and new files.
    texts: BTreeMap<String, String>,
    /// Files this run creates.
    created: BTreeSet<String>,
    /// kustomize mode: the kustomizations, and what they set on the resources of each file
    /// they build.
    tree: Option<Kustomizations>,
    effects: BTreeMap<String, Effect>,
    plan: InitPlan,
}

fn path_of<'i>(item: &'i Item<'_>) -> &'i str {
    item.fields.annotation(PATH).unwrap_or_default()
}

fn describe(item: &Item<'_>) -> String {
    format!(
        "{} {}",
        item.fields.kind,
        qualified(item.fields.namespace(), &item.fields.name)
    )
}

fn is_flux_applier(item: &Item<'_>) -> bool {
    let f = &item.fields;
    applier_group(&f.kind).or_else(|| operator_applier_group(&f.kind)) == Some(f.group())
}

impl<'r, 'l: 'r> Run<'r, 'l> {
    /// An item's label as a build gives it: a kustomization that builds its file may set it.
    fn label_of<'s>(&'s self, item: &'s Item<'_>, key: &str) -> Option<&'s str> {
        self.effects
            .get(path_of(item))
            .and_then(|e| e.labels.get(key))
            .map(String::as_str)
            .or_else(|| item.fields.label(key))
    }

    /// An item's namespace as a build gives it.
    fn namespace_of<'s>(&'s self, item: &'s Item<'_>) -> Option<&'s str> {
        self.effects
            .get(path_of(item))
            .and_then(|e| e.namespace.as_deref())
            .or_else(|| item.fields.namespace())
    }

    /// Whether a build reads the item's file: in kustomize mode only files some kustomization
    /// lists count (rendered outputs and stray files are no app's).
    fn is_built(&self, item: &Item<'_>) -> bool {
        self.tree.is_none() || self.effects.contains_key(path_of(item))
    }

    /// Labels the objects named by `--label` with `app_label: <app>`, in their own files; the
    /// indices of the items so labelled.
    fn label_objects(&mut self) -> Result<BTreeSet<usize>, InitError> {
        let mut labelled = BTreeSet::new();
        if self.options.label.is_empty() {
            return Ok(labelled);
        }
        let Some(app) = self.options.app.clone() else {
            return Err(InitError::Input(
                "--label needs --app: it labels objects with the app's name".into(),
            ));
        };
        // Patches of each file, against its text as read: items never overlap, so they all
        // apply at once.
        let mut pending: BTreeMap<String, Vec<TextPatch>> = BTreeMap::new();
        for wanted in &self.options.label {
            let parts: Vec<&str> = wanted.split('/').collect();
            let (kind, namespace, name) = match parts.as_slice() {
                [kind, name] => (*kind, None, *name),
                [kind, ns, name] => (*kind, Some(*ns), *name),
                _ => {
                    return Err(InitError::Input(format!(
                        "--label {wanted}: expected KIND/NAME or KIND/NAMESPACE/NAME, e.g. \
                         HelmRelease/podinfo"
                    )))
                }
            };
            let found: Vec<&Item<'_>> = self
                .list
                .items
                .iter()
                .filter(|i| {
                    i.fields.kind == kind
                        && i.fields.name == name
                        && self.is_built(i)
                        && namespace.is_none_or(|ns| self.namespace_of(i) == Some(ns))
                })
                .collect();
            if found.is_empty() {
                return Err(InitError::Input(format!(
                    "--label {wanted}: no {kind} named {name} below {} (hint: name an object \
                     of the repository as written in its file)",
                    self.root.display()
                )));
            }
            for item in found {
                // Named twice (`--label HelmRelease/a --label HelmRelease/ns/a`): labelled once.
                if !labelled.insert(item.index) {
                    continue;
                }
                let path = path_of(item).to_string();
                if self.label_of(item, &self.options.app_label) == Some(app.as_str()) {
                    self.plan.notes.push(format!(
                        "{} in {path} already carries {}={app}",
                        describe(item),
                        self.options.app_label
                    ));
                    continue;
                }
                self.patch_item(item, &path, &app, &mut pending)?;
                self.plan.notes.push(format!(
                    "labelled {} {}={app} in {path}",
                    describe(item),
                    self.options.app_label
                ));
            }
        }
        for (path, patches) in pending {
            let text = self.texts.get(&path).cloned().unwrap_or_default();
            self.texts.insert(path, edit::apply(&text, &patches));
        }
        Ok(labelled)
    }

    /// The patches that set the app label on `item`, in its file's text as read.
    fn patch_item(
        &self,
        item: &Item<'_>,
        path: &str,
        app: &str,
        pending: &mut BTreeMap<String, Vec<TextPatch>>,
    ) -> Result<(), InitError> {
        // The item's document stands alone: edit it as a text of its own, and shift the
        // patches to where it sits in the file as read.
        let document = item.document_text();
        let at = item.region.end - document.len();
        let keys = [
            Segment::Key("metadata".into()),
            Segment::Key("labels".into()),
        ];
        let patches = edit::set_strings(
            document,
            0,
            &keys,
            &[(self.options.app_label.as_str(), app)],
            self.limits,
        )
        .map_err(|err| {
            InitError::Input(format!(
                "{path}:{}: cannot label {}: {err} (hint: add the label \
                 `{}: {app}` by hand)",
                item.line,
                describe(item),
                self.options.app_label
            ))
        })?;
        pending
            .entry(path.to_string())
            .or_default()
            .extend(patches.into_iter().map(|p| TextPatch {
                range: p.range.start + at..p.range.end + at,
                text: p.text,
            }));
        Ok(())
    }

    /// The apps to scaffold, each with its appliers.
    fn apps(&self, labelled: &BTreeSet<usize>) -> Result<Vec<App<'r>>, InitError> {
        let list: &'r ResourceList<'l> = self.list;
        let appliers: Vec<&'r Item<'r>> = list
            .items
            .iter()
            .filter(|i| {
                is_flux_applier(i) && generate::generated_by(i).is_none() && self.is_built(i)
            })
            .collect();
        let key = &self.options.app_label;
        if let Some(app) = &self.options.app {
            let selector = if self.options.selector.is_empty() {
                vec![(key.clone(), app.clone())]
            } else {
                self.options.selector.clone()
            };
            let matched: Vec<&'r Item<'r>> = appliers
                .iter()
                .copied()
                .filter(|i| {
                    (self.options.selector.is_empty() && labelled.contains(&i.index))
                        || selector
                            .iter()
                            .all(|(k, v)| self.label_of(i, k) == Some(v.as_str()))
                })
                .collect();
            if matched.is_empty() {
                let shown: Vec<String> = selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
                return Err(InitError::Input(format!(
                    "{}: no Flux applier matches {} (hint: label the app's appliers with \
                     --label HelmRelease/NAME or --label Kustomization/NAME, or select labels \
                     they carry with --selector KEY=VALUE)",
                    self.root.display(),
                    shown.join(",")
                )));
            }
            return Ok(vec![App {
                name: app.clone(),
                selector: self.options.selector.clone(),
                appliers: matched,
            }]);
        }
        let mut by_app: BTreeMap<String, Vec<&'r Item<'r>>> = BTreeMap::new();
        for item in appliers {
            if let Some(app) = self.label_of(item, key) {
                by_app.entry(app.to_string()).or_default().push(item);
            }
        }
        if by_app.is_empty() {
            return Err(InitError::Input(format!(
                "{}: no Flux applier carries the label {key} (hint: name the app and label its \
                 appliers: --app NAME --label HelmRelease/NAME; or select them by labels they \
                 carry: --app NAME --selector KEY=VALUE)",
                self.root.display()
            )));
        }
        Ok(by_app
            .into_iter()
            .map(|(name, appliers)| App {
                name,
                selector: Vec::new(),
                appliers,
            })
            .collect())
    }

    /// Wires the app into every kustomization that builds it and that no other one builds.
    fn wire_kustomize(&mut self, app: &App<'_>) -> Result<(), InitError> {
        let tree = self.tree.take().unwrap_or_default();
        let result = self.wire_tree(app, &tree);
        self.tree = Some(tree);
        result
    }

    fn wire_tree(&mut self, app: &App<'_>, tree: &Kustomizations) -> Result<(), InitError> {
        let files: BTreeSet<&str> = app.appliers.iter().map(|i| path_of(i)).collect();
        let reach: BTreeMap<&str, BTreeSet<String>> = tree
            .by_dir
            .keys()
            .map(|dir| (dir.as_str(), tree.reach(dir)))
            .collect();
        let candidates: Vec<&str> = reach
            .iter()
            .filter(|(_, files_reached)| files.iter().any(|f| files_reached.contains(*f)))
            .map(|(dir, _)| *dir)
            .collect();
        let roots: Vec<&str> = candidates
            .iter()
            .copied()
            .filter(|dir| {
                let own = &tree.by_dir[*dir].path;
                !candidates
                    .iter()
                    .any(|other| other != dir && reach[other].contains(own))
            })
            .collect();
        let shown: Vec<&str> = files.iter().copied().collect();
        self.plan.notes.push(format!(
            "app {}: {} ({})",
            app.name,
            self.describe_all(app),
            shown.join(", ")
        ));
        if roots.is_empty() {
            return Err(InitError::Input(format!(
                "{}: no kustomization.yaml lists the files of app {}'s appliers ({}) (hint: list \
                 them under `resources:` of a kustomization, or scaffold a kpt package with --kpt)",
                self.root.display(),
                app.name,
                shown.join(", ")
            )));
        }
        self.note_environment_labels(app);
        let applier_dirs: BTreeSet<&str> = files.iter().map(|f| split(f).0).collect();
        let flux_paths = self.flux_paths();
        for dir in roots {
            let environment = match (&self.options.environment, &self.options.environment_label) {
                (Some(env), _) => Some(env.clone()),
                (None, Some(_)) => None,
                (None, None) if applier_dirs.contains(dir) => None,
                (None, None) => Some(split(dir).1.to_string()).filter(|name| {
                    config::dns_label("environment name", name).is_ok() && !name.is_empty()
                }),
            };
            let kustomization = &tree.by_dir[dir];
            if let Some(existing) = self.configured_by(&app.name, dir, tree) {
                self.plan.notes.push(format!(
                    "{} already builds a config of app {} ({existing}): left as it is",
                    kustomization.path, app.name
                ));
                continue;
            }
            let file = self.write_config(app, dir, environment.as_deref())?;
            if self.options.no_wire {
                continue;
            }
            let entry = split(&file).1.to_string();
            if kustomization.transformers.contains(&entry) {
                self.plan.notes.push(format!(
                    "{} already lists {entry} under transformers: left as it is",
                    kustomization.path
                ));
            } else {
                let path = kustomization.path.clone();
                self.append(&path, &["transformers"], &json!(entry))?;
                self.plan
                    .notes
                    .push(format!("added {entry} to the transformers of {path}"));
            }
            if let Some(owner) = flux_paths.get(dir) {
                self.plan.warnings.push(format!(
                    "{dir} is the path of Flux Kustomization {owner}, and Flux's \
                     kustomize-controller runs no plugins: it can no longer build {dir} itself. \
                     Render it in CI (`kubectl kustomize --enable-alpha-plugins {dir}`, see \
                     examples/ci) and let Flux sync the rendered output, or commit the Alerts \
                     with `app-notifications render --write` instead of wiring a transformer \
                     (--no-wire)",
                    dir = if dir.is_empty() { "." } else { dir }
                ));
            }
        }
        Ok(())
    }

    /// kpt: one config per app next to its appliers, and the function once in the Kptfile.
    fn wire_kpt(&mut self, apps: &[App<'_>]) -> Result<(), InitError> {
        let kptfile = std::fs::read_to_string(self.root.join("Kptfile")).map_err(|_| {
            InitError::Input(format!(
                "{}: no Kptfile (hint: `kpt pkg init {}` makes one; without --kpt, init wires \
                 kustomizations instead)",
                self.root.display(),
                self.root.display()
            ))
        })?;
        self.texts.insert("Kptfile".into(), kptfile.clone());
        for app in apps {
            let dirs: Vec<&str> = app.appliers.iter().map(|i| split(path_of(i)).0).collect();
            let dir = common_dir(&dirs);
            self.plan
                .notes
                .push(format!("app {}: {}", app.name, self.describe_all(app)));
            self.note_environment_labels(app);
            self.write_config(app, &dir, self.options.environment.as_deref())?;
        }
        if self.options.no_wire {
            return Ok(());
        }
        let value = self.read_value(&kptfile, "Kptfile")?;
        let present = value["pipeline"]["mutators"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|f| {
                ["image", "exec"].iter().any(|k| {
                    f[*k]
                        .as_str()
                        .is_some_and(|s| s.contains("app-notifications"))
                })
            });
        if present {
            self.plan
                .notes
                .push("Kptfile already runs app-notifications: left as it is".into());
            return Ok(());
        }
        let entry = match &self.options.image {
            Some(image) => json!({"image": image}),
            None => json!({"exec": "app-notifications"}),
        };
        self.append("Kptfile", &["pipeline", "mutators"], &entry)?;
        self.plan.notes.push(format!(
            "added the function to the Kptfile's pipeline.mutators (render with `kpt fn render {}{}`)",
            self.root.display(),
            if self.options.image.is_none() { " --allow-exec" } else { "" }
        ));
        Ok(())
    }

    fn read_value(&self, text: &str, origin: &str) -> Result<Value, InitError> {
        let reader =
            crate::resource_list::Reader::new(*self.limits, &crate::resource_list::ReadSpec::PLAIN);
        let node = reader.object(text, origin)?;
        Ok(node
            .and_then(|n| {
                n.to_json(&mut crate::yaml::tree::ExpansionBudget::new(
                    self.limits.max_alias_expansion,
                ))
                .ok()
            })
            .unwrap_or(Value::Null))
    }

    /// Appends `value` at `keys` of the file at `path` (its current text), format-preserving.
    fn append(&mut self, path: &str, keys: &[&str], value: &Value) -> Result<(), InitError> {
        let text = self.texts.get(path).cloned().unwrap_or_default();
        let segments: Vec<Segment> = keys.iter().map(|k| Segment::Key((*k).into())).collect();
        let patches = edit::append(&text, 0, &segments, value, self.limits).map_err(|err| {
            InitError::Input(format!(
                "{path}: cannot add {value} under {}: {err} (hint: add it by hand)",
                keys.join(".")
            ))
        })?;
        self.texts
            .insert(path.to_string(), edit::apply(&text, &patches));
        Ok(())
    }

    /// Writes the app's config into `dir`, unless one for the app is there: the file's path.
    fn write_config(
        &mut self,
        app: &App<'_>,
        dir: &str,
        environment: Option<&str>,
    ) -> Result<String, InitError> {
        if let Some(existing) = self.existing_config(&app.name, dir) {
            self.plan.notes.push(format!(
                "{existing} already configures app {}: left as it is",
                app.name
            ));
            return Ok(existing);
        }
        let in_dir = |name: &str| {
            if dir.is_empty() {
                name.to_string()
            } else {
                format!("{dir}/{name}")
            }
        };
        let path = [
            in_dir("notifications.yaml"),
            in_dir(&format!("notifications-{}.yaml", app.name)),
        ]
        .into_iter()
        .find(|p| !self.texts.contains_key(p) && !self.root.join(p).exists())
        .ok_or_else(|| {
            InitError::Input(format!(
                "{}: notifications.yaml and notifications-{}.yaml exist and hold no config of \
                 app {} (hint: move them, or write the config by hand)",
                if dir.is_empty() { "." } else { dir },
                app.name,
                app.name
            ))
        })?;
        let value = self.config_value(app, environment);
        if let Err(errors) = config::load(&value) {
            let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
            return Err(InitError::Input(format!(
                "the flags make an invalid config: {} (hint: fix the flag that sets it)",
                shown.join("; ")
            )));
        }
        let text = format!(
            "# Written by `app-notifications init`: the Flux Alerts of app {}{}.\n{}",
            app.name,
            environment.map(|e| format!(" in {e}")).unwrap_or_default(),
            emit::document(&value, &EmitStyle::default())
        );
        self.texts.insert(path.clone(), text);
        self.created.insert(path.clone());
        self.plan.notes.push(format!(
            "wrote {path}{}",
            environment
                .map(|e| format!(" (environment {e})"))
                .unwrap_or_default()
        ));
        Ok(path)
    }

    /// A config of `app` that the kustomization in `dir` already runs: listed under its
    /// `transformers:` (a file, or a directory's build), or built as a resource (a cluster
    /// root with one discovery transformer).
    fn configured_by(&self, app: &str, dir: &str, tree: &Kustomizations) -> Option<String> {
        let k = tree.by_dir.get(dir)?;
        let mut files = tree.reach(dir);
        for entry in &k.transformers {
            let Some(path) = kustomizations::join(dir, entry) else {
                continue;
            };
            if tree.by_dir.contains_key(&path) {
                files.extend(tree.reach(&path));
            } else {
                files.insert(path);
            }
        }
        self.list
            .items
            .iter()
            .find(|item| {
                item.fields.kind == KIND
                    && files.contains(path_of(item))
                    && self.config_app(item).as_deref() == Some(app)
            })
            .map(|item| path_of(item).to_string())
    }

    /// The app a config item is for: `spec.app`, else its name.
    fn config_app(&self, item: &Item<'_>) -> Option<String> {
        let node = item.node.as_ref()?;
        let value = node
            .to_json(&mut crate::yaml::tree::ExpansionBudget::new(
                self.limits.max_alias_expansion,
            ))
            .ok()?;
        value["spec"]["app"]
            .as_str()
            .or(value["metadata"]["name"].as_str())
            .map(str::to_string)
    }

    /// A config of `app` in `dir` (not below it), read before or written by this run.
    fn existing_config(&self, app: &str, dir: &str) -> Option<String> {
        let from_list = self.list.items.iter().find(|item| {
            item.fields.kind == KIND
                && split(path_of(item)).0 == dir
                && self.config_app(item).as_deref() == Some(app)
        });
        if let Some(item) = from_list {
            return Some(path_of(item).to_string());
        }
        self.created
            .iter()
            .find(|p| split(p).0 == dir && self.texts[*p].contains(&format!("\n  name: {app}\n")))
            .cloned()
    }

    fn config_value(&self, app: &App<'_>, environment: Option<&str>) -> Value {
        let o = self.options;
        let mut annotations = Map::new();
        annotations.insert(LOCAL_CONFIG.into(), json!("true"));
        if let (Some(image), false) = (&o.image, o.kpt) {
            annotations.insert(
                FUNCTION_ANNOTATION.into(),
                json!(format!("container:\n  image: {image}\n")),
            );
        }
        let mut spec = Map::new();
        if !app.selector.is_empty() {
            let labels: Map<String, Value> = app
                .selector
                .iter()
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect();
            spec.insert("selector".into(), json!({ "matchLabels": labels }));
        }
        if let Some(env) = environment {
            spec.insert("environment".into(), json!(env));
        }
        if let Some(label) = &o.environment_label {
            spec.insert("environmentLabel".into(), json!(label));
        }
        let mut appliers: Vec<&str> = Vec::new();
        for item in &app.appliers {
            if operator_applier_group(&item.fields.kind).is_some()
                && !appliers.contains(&item.fields.kind.as_ref())
            {
                appliers.push(&item.fields.kind);
            }
        }
        if !appliers.is_empty() {
            let mut all = vec!["Kustomization", "HelmRelease"];
            all.extend(appliers);
            spec.insert("appliers".into(), json!(all));
        }
        let namespaces: BTreeSet<&str> = app
            .appliers
            .iter()
            .filter_map(|i| self.namespace_of(i))
            .collect();
        if namespaces.len() > 1 {
            // One Alert for the app: in the namespace of its Flux Kustomizations if they share
            // one, else in the first.
            let flux_ns: BTreeSet<&str> = app
                .appliers
                .iter()
                .filter(|i| i.fields.group() == KUSTOMIZE_GROUP)
                .filter_map(|i| self.namespace_of(i))
                .collect();
            let chosen = flux_ns
                .iter()
                .next()
                .filter(|_| flux_ns.len() == 1)
                .or(namespaces.iter().next());
            if let Some(ns) = chosen {
                spec.insert("placement".into(), json!({ "namespace": ns }));
            }
        }
        let mut route = Map::new();
        route.insert("providerRef".into(), json!(o.provider));
        if let Some(severity) = &o.severity {
            route.insert("eventSeverity".into(), json!(severity));
        }
        spec.insert("alerts".into(), json!([route]));
        if let Some(type_) = &o.provider_type {
            let mut provider = Map::new();
            provider.insert("name".into(), json!(o.provider));
            provider.insert("type".into(), json!(type_));
            if let Some(channel) = &o.channel {
                provider.insert("channel".into(), json!(channel));
            }
            if let Some(secret) = &o.secret_ref {
                provider.insert("secretRef".into(), json!({ "name": secret }));
            }
            spec.insert("providers".into(), json!([provider]));
        }
        json!({
            "apiVersion": API_VERSION,
            "kind": KIND,
            "metadata": {"name": app.name, "annotations": annotations},
            "spec": spec,
        })
    }

    /// The app's appliers, as a build names them, each once.
    fn describe_all(&self, app: &App<'_>) -> String {
        let names: BTreeSet<String> = app
            .appliers
            .iter()
            .map(|i| {
                format!(
                    "{} {}",
                    i.fields.kind,
                    qualified(self.namespace_of(i), &i.fields.name)
                )
            })
            .collect();
        names.into_iter().collect::<Vec<_>>().join(", ")
    }

    /// Labels every applier of the app carries that often name an environment.
    fn note_environment_labels(&mut self, app: &App<'_>) {
        if self.options.environment_label.is_some() || self.options.environment.is_some() {
            return;
        }
        for key in ENVIRONMENT_LABELS {
            let values: BTreeSet<&str> = app
                .appliers
                .iter()
                .filter_map(|i| self.label_of(i, key))
                .collect();
            if !values.is_empty() && app.appliers.iter().all(|i| self.label_of(i, key).is_some()) {
                self.plan.notes.push(format!(
                    "the appliers of app {} carry the label {key} ({}): \
                     `--environment-label {key}` makes one Alert per value",
                    app.name,
                    values.into_iter().collect::<Vec<_>>().join(", ")
                ));
            }
        }
    }

    /// Directories that Flux Kustomizations of the repository reconcile (`spec.path`), with
    /// the Kustomization; a path also matches a directory it ends (an artifact's root can be a
    /// subdirectory of the repository).
    fn flux_paths(&self) -> BTreeMap<String, String> {
        let reader = generate::reader(self.limits);
        let mut paths: Vec<(String, String)> = Vec::new();
        for item in &self.list.items {
            if item.fields.kind != "Kustomization" || item.fields.group() != KUSTOMIZE_GROUP {
                continue;
            }
            let Some(value) = self.list.item_value(item, &reader) else {
                continue;
            };
            let path = value["spec"]["path"].as_str().unwrap_or("./");
            let path = kustomizations::join("", path).unwrap_or_default();
            paths.push((path, qualified(item.fields.namespace(), &item.fields.name)));
        }
        let dirs: BTreeSet<String> = self
            .package
            .files
            .iter()
            .map(|f| split(&f.path).0.to_string())
            .collect();
        let mut out = BTreeMap::new();
        for dir in dirs {
            let owner = paths.iter().find(|(path, _)| {
                *path == dir || (!path.is_empty() && dir.ends_with(&format!("/{path}")))
            });
            if let Some((_, owner)) = owner {
                out.insert(dir, owner.clone());
            }
        }
        out
    }
}

/// The deepest directory holding every one of `dirs`.
fn common_dir(dirs: &[&str]) -> String {
    let mut common: Option<Vec<&str>> = None;
    for dir in dirs {
        let parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
        common = Some(match common {
            None => parts,
            Some(c) => c
                .iter()
                .zip(&parts)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| *a)
                .collect(),
        });
    }
    common.unwrap_or_default().join("/")
}
