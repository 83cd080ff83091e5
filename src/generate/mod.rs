//! Generation: configs → app instances → Alerts and Providers → edits of the list.
//!
//! The steps follow kyaml's function framework: load the configs, default and validate them
//! (in [`crate::config`]), then filter the items and produce results.

mod annotate;
mod checks;
mod configs;
mod coverage;
mod inventory;
mod objects;
mod output;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::config::{postbuild, EventSources, Route, Sources, APP_NAME_LABEL};
use crate::flux::{EVENT_ANNOTATION_PREFIX, FORWARDER_TYPES, NOTIFICATION_GROUP};
use crate::limits::Limits;
use crate::resource_list::{qualified, Edits, Item, ItemPatch, ItemsContainer, ResourceList};
use crate::results::{has_errors, KrmResult};
use configs::Config;
use coverage::{Covered, Group};
pub use inventory::{
    generated_by, is_notification, is_provider, is_source as is_source_item, reader,
    ENVIRONMENT_LABEL, GENERATED_BY, READ_SPEC,
};
use objects::{AlertSpec, EventSource};
pub use output::Generated;

/// `(namespace, name)` of an Alert → `(app, environment)`.
pub type AlertApps = BTreeMap<(Option<String>, String), (String, Option<String>)>;

/// The outcome of generation: the edits to apply (none on error) and the results.
#[derive(Debug, Default)]
pub struct Generation {
    pub edits: Edits,
    pub results: Vec<KrmResult>,
    /// The apps that have a config in this run (for coverage checks).
    pub apps: BTreeSet<String>,
    /// App and environment of each generated Alert, by namespace and name: an Alert generated
    /// with `annotateAppliers` leaves them to the objects, so it does not say.
    pub alert_apps: AlertApps,
    /// Input items whose annotations `annotateAppliers` changes, and the field it changes.
    pub stamped: Vec<(usize, &'static str)>,
    /// Positions in `results` of warnings that `check` reports itself, as errors (an applier
    /// without config, a hand-written Alert duplicating a generated one).
    pub audited: BTreeSet<usize>,
}

/// Runs generation over a read list.
pub fn generate(list: &ResourceList<'_>, limits: &Limits) -> Generation {
    let configs = configs::collect(list, limits.max_alias_expansion);
    let mut results = configs.results;
    if has_errors(&results) {
        return Generation {
            results,
            ..Generation::default()
        };
    }
    let config_items: BTreeSet<usize> = configs.config_items.iter().copied().collect();
    // Objects generated earlier are replaced, never inputs; configs are not resources.
    let candidates: Vec<&Item<'_>> = list
        .items
        .iter()
        .filter(|i| !config_items.contains(&i.index) && generated_by(i).is_none())
        .collect();
    // Only Flux appliers and sources can be covered; indexing them once keeps a fleet of
    // hundreds of configs linear in the input.
    let flux = coverage::FluxItems::of(&candidates);
    // Providers that stay in the output: one generated earlier for a config of this run (or,
    // with discovery, for any config) is dropped before generation, so it does not count.
    let run_owners: BTreeSet<&str> = configs.configs.iter().map(|c| c.owner.as_str()).collect();
    let mut present_providers: BTreeSet<(Option<&str>, &str)> = BTreeSet::new();
    // Alerts written by hand, and Secrets (which generated Providers may reference).
    let mut user_alerts = Vec::new();
    let mut secrets: BTreeSet<(Option<&str>, &str)> = BTreeSet::new();
    for item in &list.items {
        let f = &item.fields;
        if is_provider(f) {
            let stays = generated_by(item)
                .is_none_or(|owner| !configs.discovery && !run_owners.contains(owner));
            if stays {
                present_providers.insert((f.namespace(), f.name.as_ref()));
            }
        } else if f.kind == "Alert" && f.group() == NOTIFICATION_GROUP {
            if generated_by(item).is_none() {
                user_alerts.push(item);
            }
        } else if f.kind == "Secret" && f.api_version == "v1" {
            secrets.insert((f.namespace(), f.name.as_ref()));
        }
    }
    let mut stamps = annotate::Stamps::default();
    let mut covered_appliers = vec![false; list.items.len()];
    let mut alert_apps = BTreeMap::new();
    let mut objects = Vec::new();
    let mut providers = ProviderSet::default();
    let mut missing_providers = Vec::new();
    let mut item_patches: Vec<ItemPatch> = Vec::new();
    for (rank, config) in configs.configs.iter().enumerate() {
        let mut run = ConfigRun {
            rank,
            config,
            flux: &flux,
            anything_visible: !candidates.is_empty(),
            present_providers: &present_providers,
            results: &mut results,
            objects: &mut objects,
            providers: &mut providers,
            warned_providers: BTreeSet::new(),
            missing_providers: &mut missing_providers,
            stamps: &mut stamps,
            covered_appliers: &mut covered_appliers,
            alert_apps: &mut alert_apps,
            variables: BTreeMap::new(),
            unshortened: Vec::new(),
            conflicts: BTreeMap::new(),
            warned_undeliverable: BTreeSet::new(),
        };
        run.generate();
    }
    let block_items = matches!(list.container, ItemsContainer::Block { .. });
    let stamped = stamps.patches(block_items, limits);
    item_patches.extend(stamped.patches);
    results.extend(stamped.warnings);
    // A Provider another config generates in that namespace is not missing; configs run in
    // owner order, so this is only known once all have run.
    let generated: BTreeSet<usize> = missing_providers
        .iter()
        .filter(|(_, key)| providers.seen.contains_key(key))
        .map(|(position, _)| *position)
        .collect();
    if !generated.is_empty() {
        results = results
            .into_iter()
            .enumerate()
            .filter(|(position, _)| !generated.contains(position))
            .map(|(_, result)| result)
            .collect();
    }
    if has_errors(&results) {
        return failed(results);
    }
    // Configs run in owner order; within a config, Alerts then Providers, by namespace and name.
    objects.sort_by(|a, b| {
        let rank = |g: &Generated| (g.kind != "Alert", g.namespace.clone(), g.name.clone());
        (a.owner_rank, rank(a)).cmp(&(b.owner_rank, rank(b)))
    });
    if let Err(errors) = unique_objects(&objects, &configs.configs) {
        results.extend(errors);
        return failed(results);
    }
    let owners: BTreeSet<String> = configs.configs.iter().map(|c| c.owner.clone()).collect();
    let apps: BTreeSet<String> = configs
        .configs
        .iter()
        .map(|c| c.config.app().to_string())
        .collect();
    // Warnings about the build around the output; `check` reports the first two itself.
    let hand = checks::hand_written(list, &user_alerts, limits);
    let mut audited = BTreeSet::new();
    for warning in checks::duplicate_alerts(list, &objects, &hand, &configs.configs) {
        audited.insert(results.len());
        results.push(warning);
    }
    // Only a run that discovered configs says which apps lack one: without any, the function
    // was not asked about these appliers.
    if configs.discovery && !configs.configs.is_empty() {
        let appliers = flux.appliers();
        for warning in
            checks::unconfigured_appliers(appliers, &covered_appliers, APP_NAME_LABEL, &apps, &hand)
        {
            audited.insert(results.len());
            results.push(warning);
        }
    }
    results.extend(checks::misplaced_secrets(
        &objects,
        &secrets,
        &configs.configs,
    ));
    match output::plan(list, &owners, configs.discovery, objects) {
        Ok(mut edits) => Generation {
            edits: {
                edits.item_patches = item_patches;
                edits
            },
            results,
            apps,
            alert_apps,
            stamped: stamped
                .changed
                .iter()
                .map(|(item, target)| (*item, target.field_path()))
                .collect(),
            audited,
        },
        Err(errors) => {
            results.extend(errors);
            failed(results)
        }
    }
}

/// A failed run generates nothing, so the info results that describe generated Alerts would
/// be false; only the errors and warnings are reported.
fn failed(mut results: Vec<KrmResult>) -> Generation {
    results.retain(|r| r.severity != crate::results::Severity::Info);
    Generation {
        results,
        ..Generation::default()
    }
}

/// Providers generated so far, by namespace and name, with the config that first defined
/// each: identical duplicates merge, different ones conflict.
#[derive(Default)]
struct ProviderSet {
    seen: BTreeMap<(Option<String>, String), (Value, String)>,
}

/// Generation for one config.
struct ConfigRun<'r, 'l> {
    /// Position of the config in owner order.
    rank: usize,
    config: &'r Config<'l>,
    /// The Flux appliers and sources of the input (configs and generated objects excluded).
    flux: &'r coverage::FluxItems<'l>,
    /// Whether the input shows any resource besides configs and generated objects; a
    /// `generators:` entry shows none.
    anything_visible: bool,
    /// `(namespace, name)` of the Providers in the input.
    present_providers: &'r BTreeSet<(Option<&'l str>, &'l str)>,
    results: &'r mut Vec<KrmResult>,
    objects: &'r mut Vec<Generated>,
    providers: &'r mut ProviderSet,
    /// Missing Providers already warned about.
    warned_providers: BTreeSet<(Option<String>, String)>,
    /// Positions in `results` of the missing-Provider warnings, with the Provider each names.
    missing_providers: &'r mut Vec<(usize, (Option<String>, String))>,
    /// Annotations `annotateAppliers` wants on objects, over all configs.
    stamps: &'r mut annotate::Stamps<'l>,
    /// By item index: whether a config's selector takes the applier.
    covered_appliers: &'r mut Vec<bool>,
    alert_apps: &'r mut AlertApps,
    /// Flux post-build variables in this config's objects, each with whether it has a default.
    variables: BTreeMap<String, bool>,
    /// Alert names not shortened because they hold a variable.
    unshortened: Vec<String>,
    /// Metadata conflicts between a covered object's annotation and the Alerts' eventMetadata,
    /// by `(item, key)`: the object and the Alerts, warned about once the config has run.
    conflicts: BTreeMap<(usize, String), (&'l Item<'l>, Vec<String>)>,
    /// Providers already warned about as unable to deliver.
    warned_undeliverable: BTreeSet<String>,
}

impl<'l> ConfigRun<'_, 'l> {
    fn about(&self, result: KrmResult) -> KrmResult {
        self.config.point(result)
    }

    fn applier_kinds(&self) -> Vec<&'static str> {
        self.config
            .config
            .spec
            .appliers
            .iter()
            .map(|k| k.as_str())
            .collect()
    }

    fn output_path(&self) -> String {
        let cfg = &self.config.config;
        let config_path = self
            .config
            .item
            .and_then(crate::results::file_of)
            .map(|f| f.path);
        output::output_path(
            config_path.as_deref(),
            &cfg.metadata.name,
            cfg.spec.output_path.as_deref(),
        )
    }

    fn generate(&mut self) {
        let cfg = &self.config.config;
        let about = |r: KrmResult| self.config.point(r);
        let mut results = Vec::new();
        let instances = coverage::instances(cfg, self.flux, &mut results, about);
        self.results.extend(results);
        if has_errors(self.results) {
            return;
        }
        // A build of a disabled environment generates nothing and needs nothing, not even a
        // visible applier (an opted-out overlay's `generators:` entry).
        if let Some(env) = cfg.spec.environment.as_deref() {
            if cfg.for_environment(Some(env)).is_none() {
                self.disabled(env);
                return;
            }
        }
        for instance in &instances {
            for applier in &instance.appliers {
                if let Some(covered) = self.covered_appliers.get_mut(applier.index) {
                    *covered = true;
                }
            }
        }
        let no_appliers = instances.iter().all(|i| i.appliers.is_empty());
        if no_appliers {
            self.no_appliers_visible();
            self.post_build_note();
            return;
        }
        for instance in &instances {
            let Some(effective) = cfg.for_environment(instance.environment.as_deref()) else {
                self.disabled(instance.environment.as_deref().unwrap_or_default());
                continue;
            };
            let mut results = Vec::new();
            let covered = coverage::covered(cfg, instance, &mut results, about);
            self.results.extend(results);
            let placement = match coverage::place(
                effective.placement.namespace.as_deref(),
                effective.placement.mode,
                covered,
            ) {
                Ok(groups) => groups,
                Err(namespaces) => {
                    let message = format!(
                        "the appliers of app {}{} are in several namespaces ({}) and no Alert \
                         namespace is set (hint: set spec.placement.namespace or \
                         metadata.namespace, or use spec.placement.mode: perNamespace)",
                        cfg.app(),
                        env_suffix(instance.environment.as_deref()),
                        namespaces.join(", ")
                    );
                    let result = self.about(KrmResult::error(message).at_field("spec.placement"));
                    self.results.push(result);
                    continue;
                }
            };
            if !placement.left_out.is_empty() {
                self.left_out(instance.environment.as_deref(), &placement.left_out);
            }
            let groups = placement.groups;
            let labels = coverage::wildcard_labels(
                &cfg.selector(),
                cfg.spec.environment_label.as_deref(),
                instance.environment.as_deref(),
            );
            let stamping = cfg.spec.annotate_appliers;
            if stamping {
                self.annotate(instance, &placement.left_out);
            }
            for group in &groups {
                let entries = coverage::event_sources(cfg.spec.event_sources, group, &labels);
                let annotated = annotated_items(instance, group, cfg.spec.sources);
                for route in &effective.routes {
                    self.alert(
                        instance.environment.as_deref(),
                        route,
                        group.namespace.as_deref(),
                        &entries,
                        &summary(group),
                        !stamping,
                        &annotated,
                    );
                    self.provider(route, group.namespace.as_deref(), &effective.providers);
                }
            }
        }
        self.report_conflicts();
        self.post_build_note();
    }

    /// One info result listing the Flux post-build variables of this config's objects: they
    /// only mean something to a Flux Kustomization that substitutes them.
    fn post_build_note(&mut self) {
        if self.variables.is_empty() {
            return;
        }
        let names: Vec<String> = self.variables.keys().map(|v| format!("${{{v}}}")).collect();
        let (defaulted, needed): (Vec<&str>, Vec<&str>) = {
            let (d, n): (Vec<_>, Vec<_>) = self.variables.iter().partition(|(_, d)| **d);
            (
                d.into_iter().map(|(v, _)| v.as_str()).collect(),
                n.into_iter().map(|(v, _)| v.as_str()).collect(),
            )
        };
        let defines = match (needed.is_empty(), defaulted.is_empty()) {
            (true, _) => format!(
                "may define {} (without, Flux writes the defaults)",
                defaulted.join(", ")
            ),
            (false, true) => format!("defines {}", needed.join(", ")),
            (false, false) => format!(
                "defines {} ({} fall back to their defaults)",
                needed.join(", "),
                defaulted.join(", ")
            ),
        };
        let mut message = format!(
            "app {}: the generated objects hold the Flux post-build variable{} {}, written as \
             they are: apply them with a Flux Kustomization whose spec.postBuild.substitute (or \
             substituteFrom) {defines}; kustomize and kpt leave them as written",
            self.config.config.app(),
            if names.len() == 1 { "" } else { "s" },
            names.join(", "),
        );
        if !self.unshortened.is_empty() {
            message.push_str(&format!(
                "; the length of {} after substitution is unknown here, so {} not shortened: \
                 keep {} within {} characters",
                self.unshortened
                    .iter()
                    .map(|n| format!("Alert name {n}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if self.unshortened.len() == 1 {
                    "it is"
                } else {
                    "they are"
                },
                if self.unshortened.len() == 1 {
                    "it"
                } else {
                    "them"
                },
                objects::MAX_NAME
            ));
        }
        let result = self.about(KrmResult::info(message));
        self.results.push(result);
    }

    /// With `perNamespace`, an Alert may only name objects of its own namespace: sources in a
    /// namespace that holds none of the app's appliers get no Alert, which the user should know.
    fn left_out(&mut self, env: Option<&str>, left_out: &[coverage::Covered]) {
        let objects: Vec<String> = left_out
            .iter()
            .map(|c| format!("{} {}", c.kind, qualified(c.namespace.as_deref(), &c.name)))
            .collect();
        let message = format!(
            "app {}{}: spec.placement.mode is perNamespace, and these sources are in a \
             namespace without any of the app's appliers, so no Alert covers them: {} (hint: \
             cover them with an AppNotifications placed in their namespace, or set spec.sources: \
             none to cover appliers only)",
            self.config.config.app(),
            env_suffix(env),
            objects.join(", ")
        );
        let result = self.about(KrmResult::warning(message).at_field("spec.placement.mode"));
        self.results.push(result);
    }

    fn disabled(&mut self, env: &str) {
        let message = format!(
            "app {}: environment {env} is disabled; no Alert generated",
            self.config.config.app()
        );
        let result = self.about(KrmResult::info(message));
        self.results.push(result);
    }

    /// `annotateAppliers`: the app and environment wanted on each object of the app the
    /// instance's Alerts cover: its appliers, its owned sources (a source shared by every
    /// environment of `environmentLabel` gets the app only), and the HelmChart of each
    /// HelmRelease through `spec.chart.metadata.annotations`. Sources covered only because an
    /// applier references them are shared with other apps and get nothing.
    fn annotate(&mut self, instance: &coverage::Instance<'l>, left_out: &[coverage::Covered]) {
        let cfg = &self.config.config;
        let app = cfg.app().to_string();
        let env = instance.environment.as_deref();
        let owner = self.config.owner.clone();
        let mut want = |item: &'l Item<'l>, target: annotate::Target, with_env: bool| {
            let mut warnings = Vec::new();
            warnings.extend(
                self.stamps
                    .want(item, target, annotate::APP_ANNOTATION, &app, &owner),
            );
            if let (Some(env), true) = (env, with_env) {
                warnings.extend(self.stamps.want(
                    item,
                    target,
                    annotate::ENV_ANNOTATION,
                    env,
                    &owner,
                ));
            }
            self.results.extend(warnings);
        };
        for &applier in &instance.appliers {
            want(applier, annotate::Target::Metadata, true);
        }
        if cfg.spec.sources == Sources::None {
            return;
        }
        let is_left_out = |kind: &str, namespace: Option<&str>, name: &str| {
            left_out
                .iter()
                .any(|c| c.kind == kind && c.namespace.as_deref() == namespace && c.name == name)
        };
        for &source in &instance.sources {
            let f = &source.fields;
            if is_left_out(&f.kind, f.namespace(), &f.name) {
                continue;
            }
            let own_environment = cfg
                .spec
                .environment_label
                .as_deref()
                .is_none_or(|label| f.label(label).is_some());
            want(source, annotate::Target::Metadata, own_environment);
        }
        for &hr in &instance.appliers {
            if let Some(chart) = coverage::helm_chart(hr) {
                if !is_left_out("HelmChart", chart.namespace.as_deref(), &chart.name) {
                    want(hr, annotate::Target::Chart, true);
                }
            }
        }
    }

    /// Nothing to cover: the generator case (no items visible) or a selector that matches no
    /// applier.
    fn no_appliers_visible(&mut self) {
        let cfg = &self.config.config;
        let visible = self.anything_visible;
        let selector = cfg.selector();
        let selector_text = selector
            .match_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",");
        if visible {
            let message = format!(
                "no applier ({}) in the input matches the selector {selector_text} of app {} \
                 (hint: label the app's Kustomizations and HelmReleases with {selector_text}, or \
                 set spec.selector)",
                self.applier_kinds().join(", "),
                cfg.app()
            );
            let result = self.about(KrmResult::error(message).at_field("spec.selector"));
            self.results.push(result);
            return;
        }
        if cfg.spec.event_sources != EventSources::Selector || cfg.spec.environment_label.is_some()
        {
            let what = if cfg.spec.environment_label.is_some() {
                "spec.environmentLabel needs the appliers in the input"
            } else {
                "eventSources: names needs the appliers in the input"
            };
            let message = format!(
                "no applier of app {} is visible; {what} (hint: listed under `generators:`? use \
                 `transformers:` or `eventSources: selector`)",
                cfg.app()
            );
            let result = self.about(KrmResult::error(message).at_field("spec.eventSources"));
            self.results.push(result);
            return;
        }
        let env = cfg.spec.environment.clone();
        let Some(effective) = cfg.for_environment(env.as_deref()) else {
            return;
        };
        let namespace = effective.placement.namespace.clone();
        let labels = coverage::wildcard_labels(&selector, None, None);
        let kinds = self.applier_kinds();
        let entries = coverage::generator_event_sources(&kinds, namespace.as_deref(), &labels);
        let what = format!(
            "every {} labelled {selector_text}{}",
            kinds.join(" and "),
            namespace
                .as_deref()
                .map(|ns| format!(" in namespace {ns}"))
                .unwrap_or_default()
        );
        if cfg.spec.annotate_appliers {
            let message = format!(
                "app {}: annotateAppliers stamps nothing, as no applier is visible (a \
                 `generators:` entry sees only its config), so the Alerts carry app and env \
                 themselves (hint: list the config under `transformers:` to stamp the appliers)",
                cfg.app()
            );
            let result = self.about(KrmResult::warning(message).at_field("spec.annotateAppliers"));
            self.results.push(result);
        }
        for route in &effective.routes {
            self.alert(
                env.as_deref(),
                route,
                namespace.as_deref(),
                &entries,
                &what,
                true,
                &[],
            );
            self.provider(route, namespace.as_deref(), &effective.providers);
        }
    }

    /// `annotated`: the covered objects of the build that carry `event.toolkit.fluxcd.io/*`
    /// annotations, which must not give a key of the Alert's eventMetadata a second source.
    #[allow(clippy::too_many_arguments)]
    fn alert(
        &mut self,
        env: Option<&str>,
        route: &Route,
        namespace: Option<&str>,
        entries: &[EventSource],
        covers: &str,
        carries_app: bool,
        annotated: &[&'l Item<'l>],
    ) {
        let cfg = &self.config.config;
        let name = objects::alert_name(cfg.app(), env, &route.name);
        let selector = cfg.selector();
        let value = objects::alert(&AlertSpec {
            name: name.clone(),
            namespace: namespace.map(str::to_string),
            app_labels: &selector.match_labels,
            environment: env,
            owner: &self.config.owner,
            app: cfg.app(),
            route,
            event_sources: entries,
            carries_app,
        });
        self.metadata_conflicts(&value, &name, namespace, annotated);
        checks::variables_in(&value, &mut self.variables);
        if postbuild::may_hold_variables(&name) {
            self.name_with_variables(&name);
        }
        self.alert_apps.insert(
            (namespace.map(str::to_string), name.clone()),
            (cfg.app().to_string(), env.map(str::to_string)),
        );
        let message = format!(
            "Alert {} → Provider {}: {covers}",
            qualified(namespace, &name),
            route.provider_ref.name
        );
        let result = self.about(KrmResult::info(message));
        self.results.push(result);
        self.objects.push(Generated {
            value,
            kind: "Alert".into(),
            namespace: namespace.map(str::to_string),
            name,
            path: self.output_path(),
            owner_rank: self.rank,
        });
    }

    /// An Alert name holding a post-build variable is not shortened (see
    /// [`objects::alert_name`]); one already too long without its variables never fits.
    fn name_with_variables(&mut self, name: &str) {
        let known = postbuild::literal_len(name);
        if known > objects::MAX_NAME {
            let message = format!(
                "the Alert name {name} holds a Flux post-build variable, so it cannot be \
                 shortened, and its other characters alone are {known}, over the {} that \
                 generated Alert names keep to (hint: shorten the app, environment or route \
                 name)",
                objects::MAX_NAME
            );
            let result = self.about(KrmResult::warning(message));
            self.results.push(result);
        } else {
            self.unshortened.push(name.to_string());
        }
    }

    /// Keys of the Alert's eventMetadata that a covered object also gives through an
    /// `event.toolkit.fluxcd.io/<key>` annotation: notification-controller counts a key from
    /// two sources as a conflict and records a MetadataAppendFailed warning on the Alert for
    /// every event of that object.
    fn metadata_conflicts(
        &mut self,
        alert: &serde_json::Value,
        name: &str,
        namespace: Option<&str>,
        annotated: &[&'l Item<'l>],
    ) {
        let Some(metadata) = alert["spec"]["eventMetadata"].as_object() else {
            return;
        };
        for &item in annotated {
            for key in metadata.keys() {
                let annotation = format!("{EVENT_ANNOTATION_PREFIX}{key}");
                if item.fields.annotation(&annotation).is_some() {
                    self.conflicts
                        .entry((item.index, key.clone()))
                        .or_insert_with(|| (item, Vec::new()))
                        .1
                        .push(qualified(namespace, name));
                }
            }
        }
    }

    /// One warning per object and key that the config's Alerts also set.
    fn report_conflicts(&mut self) {
        for ((_, key), (item, alerts)) in std::mem::take(&mut self.conflicts) {
            let annotation = format!("{EVENT_ANNOTATION_PREFIX}{key}");
            let fix = if key == "app" || key == "env" {
                "remove the annotation, or set spec.annotateAppliers: true so that the objects \
                 carry app and env and the Alerts do not"
                    .to_string()
            } else {
                format!(
                    "remove the annotation from the object, or `{key}` from the route's (or the \
                     environment's) eventMetadata"
                )
            };
            let (noun, verb) = if alerts.len() == 1 {
                ("Alert", "sets")
            } else {
                ("Alerts", "set")
            };
            let result = KrmResult::warning(format!(
                "{} carries the annotation {annotation}, and the {noun} {} that {} generates \
                 {verb} eventMetadata.{key}: notification-controller counts a key from two \
                 sources as a conflict and records a MetadataAppendFailed warning on the Alert \
                 for every event of the object, keeping the Alert's value (hint: {fix})",
                coverage::describe(item),
                alerts.join(", "),
                self.config.owner
            ))
            .about(item)
            .at_field(format!("metadata.annotations[{annotation:?}]"));
            self.results.push(result);
        }
    }

    /// The route's Provider: generated when the config defines it (once per namespace), else
    /// it must exist; a warning says so when the build does not show it.
    fn provider(
        &mut self,
        route: &Route,
        namespace: Option<&str>,
        defined: &[crate::config::Provider],
    ) {
        let name = &route.provider_ref.name;
        let Some(provider) = defined.iter().find(|p| &p.name == name) else {
            let present = self.present_providers.contains(&(namespace, name.as_str()));
            if !present {
                let message =
                    format!(
                    "providerRef {name} of app {} is neither generated nor in the build; it must \
                     exist in the cluster{} (hint: define it under spec.providers to generate it)",
                    self.config.config.app(),
                    namespace.map(|ns| format!(" in namespace {ns}")).unwrap_or_default()
                );
                // Once per Provider and namespace, however many routes use it.
                if self
                    .warned_providers
                    .insert((namespace.map(str::to_string), name.clone()))
                {
                    let result = self.about(KrmResult::warning(message));
                    self.missing_providers.push((
                        self.results.len(),
                        (namespace.map(str::to_string), name.clone()),
                    ));
                    self.results.push(result);
                }
            }
            return;
        };
        let value = objects::provider(provider, namespace, &self.config.owner);
        checks::variables_in(&value, &mut self.variables);
        let forwards = FORWARDER_TYPES.contains(&provider.type_.as_str());
        if forwards
            && provider.address.is_none()
            && provider.secret_ref.is_none()
            && self.warned_undeliverable.insert(name.clone())
        {
            let message = format!(
                "the generated Provider {name} has type {} with neither address nor secretRef: \
                 notification-controller has no URL to post to, so every notification through \
                 it fails (hint: set `address`, or `secretRef` to a Secret with an `address` \
                 key, under spec.providers)",
                provider.type_.as_str()
            );
            let result = self.about(KrmResult::warning(message).at_field("spec.providers"));
            self.results.push(result);
        }
        let key = (namespace.map(str::to_string), name.clone());
        match self.providers.seen.get(&key) {
            Some((existing, _)) if existing["spec"] == value["spec"] => {}
            Some((_, first_owner)) => {
                let by = if *first_owner == self.config.owner {
                    format!("two environments of {first_owner}")
                } else {
                    format!("{first_owner} and {}", self.config.owner)
                };
                let message = format!(
                    "Provider {} is defined by {by} with different settings in one namespace \
                     (hint: define it the same way in both, or give them different names)",
                    qualified(namespace, name),
                );
                let result = self.about(KrmResult::error(message).at_field("spec.providers"));
                self.results.push(result);
            }
            None => {
                self.providers
                    .seen
                    .insert(key, (value.clone(), self.config.owner.clone()));
                self.objects.push(Generated {
                    value,
                    kind: "Provider".into(),
                    namespace: namespace.map(str::to_string),
                    name: name.clone(),
                    path: self.output_path(),
                    owner_rank: self.rank,
                });
            }
        }
    }
}

/// One name, one object: two configs that generate the same object (Providers aside, which
/// merge) would overwrite each other's Alert on every run, and within one config two
/// environment/route pairs can spell the same name (`prod` + `eu`, `prod-eu` + `default`).
fn unique_objects(objects: &[Generated], configs: &[Config<'_>]) -> Result<(), Vec<KrmResult>> {
    let mut seen: BTreeMap<(&str, Option<&str>, &str), usize> = BTreeMap::new();
    let mut errors = Vec::new();
    for object in objects {
        let key = (
            object.kind.as_str(),
            object.namespace.as_deref(),
            object.name.as_str(),
        );
        match seen.get(&key) {
            Some(&first) if first != object.owner_rank => {
                let (a, b) = (&configs[first], &configs[object.owner_rank]);
                // Two configs of one app, or two apps whose names run together (`billing` in
                // `api-prod`, `billing-api` in `prod`): the fixes differ.
                let hint = if a.config.app() == b.config.app() {
                    "keep one AppNotifications per app; with `render --config`, leave out the \
                     package's own config or pass that one"
                } else {
                    "rename an environment or a route of one of them, or place its Alerts in \
                     another namespace with spec.placement.namespace"
                };
                let result = KrmResult::error(format!(
                    "{} {} is generated by two configs, {} and {} (hint: {hint})",
                    object.kind,
                    qualified(object.namespace.as_deref(), &object.name),
                    a.owner,
                    b.owner
                ));
                // At the later config, where the clash appears.
                errors.push(b.point(result));
            }
            Some(&first) => {
                let config = &configs[first];
                errors.push(config.point(KrmResult::error(format!(
                    "{} {} is generated twice by {}: two environment and route pairs give the \
                     same name (hint: rename a route or an environment)",
                    object.kind,
                    qualified(object.namespace.as_deref(), &object.name),
                    config.owner
                ))));
            }
            None => {
                seen.insert(key, object.owner_rank);
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The objects of `group` that belong to the instance and carry `event.toolkit.fluxcd.io/*`
/// annotations (most carry none, and then nothing more is looked at).
fn annotated_items<'l>(
    instance: &coverage::Instance<'l>,
    group: &Group,
    sources: Sources,
) -> Vec<&'l Item<'l>> {
    let owned = if sources == Sources::None {
        &[][..]
    } else {
        &instance.sources[..]
    };
    instance
        .appliers
        .iter()
        .chain(owned)
        .copied()
        .filter(|item| {
            item.fields
                .annotations
                .iter()
                .any(|(key, _)| key.starts_with(EVENT_ANNOTATION_PREFIX))
        })
        .filter(|item| {
            let f = &item.fields;
            group.covered.iter().any(|c| {
                c.kind == f.kind.as_ref()
                    && c.namespace.as_deref() == f.namespace()
                    && c.name == f.name.as_ref()
            })
        })
        .collect()
}

fn env_suffix(env: Option<&str>) -> String {
    env.map(|e| format!(" in environment {e}"))
        .unwrap_or_default()
}

/// "3 Kustomization, 2 HelmRelease, 1 HelmChart": Kustomizations, HelmReleases, then sources
/// by kind.
fn summary(group: &Group) -> String {
    let mut counts: BTreeMap<(bool, bool, &str), usize> = BTreeMap::new();
    for Covered {
        is_source, kind, ..
    } in &group.covered
    {
        *counts
            .entry((*is_source, kind != "Kustomization", kind))
            .or_default() += 1;
    }
    counts
        .iter()
        .map(|((_, _, kind), n)| format!("{n} {kind}"))
        .collect::<Vec<_>>()
        .join(", ")
}
