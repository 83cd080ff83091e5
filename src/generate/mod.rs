//! Generation: configs → app instances → Alerts and Providers → edits of the list.
//!
//! The steps follow kyaml's function framework: load the configs, default and validate them
//! (in [`crate::config`]), then filter the items and produce results.

mod annotate;
mod configs;
mod coverage;
mod inventory;
mod objects;
mod output;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::config::{EventSources, Route};
use crate::limits::Limits;
use crate::resource_list::{qualified, Edits, Item, ItemPatch, ItemsContainer, ResourceList};
use crate::results::{has_errors, KrmResult};
use configs::Config;
use coverage::{Covered, Group};
pub use inventory::{
    generated_by, is_notification, is_provider, is_source as is_source_item, reader, GENERATED_BY,
    READ_SPEC,
};
use objects::{AlertSpec, EventSource};
pub use output::Generated;

/// The outcome of generation: the edits to apply (none on error) and the results.
#[derive(Debug, Default)]
pub struct Generation {
    pub edits: Edits,
    pub results: Vec<KrmResult>,
    /// The apps that have a config in this run (for coverage checks).
    pub apps: BTreeSet<String>,
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
    let present_providers: BTreeSet<(Option<&str>, &str)> = list
        .items
        .iter()
        .filter(|i| is_provider(&i.fields))
        .filter(|i| {
            generated_by(i).is_none_or(|owner| !configs.discovery && !run_owners.contains(owner))
        })
        .map(|i| (i.fields.namespace(), i.fields.name.as_ref()))
        .collect();
    let mut objects = Vec::new();
    let mut providers = ProviderSet::default();
    let mut missing_providers = Vec::new();
    let mut item_patches = Vec::new();
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
            block_items: matches!(list.container, ItemsContainer::Block { .. }),
            limits,
            item_patches: &mut item_patches,
        };
        run.generate();
    }
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
        return Generation {
            results,
            ..Generation::default()
        };
    }
    let owners: BTreeSet<String> = configs.configs.iter().map(|c| c.owner.clone()).collect();
    let apps = configs
        .configs
        .iter()
        .map(|c| c.config.app().to_string())
        .collect();
    match output::plan(list, &owners, configs.discovery, objects) {
        Ok(mut edits) => Generation {
            edits: {
                edits.item_patches = item_patches;
                edits
            },
            results,
            apps,
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
    /// Whether items are `- ` entries of a block sequence (their text is a sequence of one),
    /// for annotations spliced into appliers.
    block_items: bool,
    limits: &'r Limits,
    item_patches: &'r mut Vec<ItemPatch>,
}

impl ConfigRun<'_, '_> {
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
        let no_appliers = instances.iter().all(|i| i.appliers.is_empty());
        if no_appliers {
            self.no_appliers_visible();
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
            if cfg.spec.annotate_appliers {
                self.annotate(instance);
            }
            for group in &groups {
                let entries = coverage::event_sources(cfg.spec.event_sources, group, &labels);
                for route in &effective.routes {
                    self.alert(
                        instance.environment.as_deref(),
                        route,
                        group.namespace.as_deref(),
                        &entries,
                        &summary(group),
                    );
                    self.provider(route, group.namespace.as_deref(), &effective.providers);
                }
            }
        }
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

    /// `annotateAppliers`: the app and environment stamped on each covered applier.
    fn annotate(&mut self, instance: &coverage::Instance<'_>) {
        let app = self.config.config.app().to_string();
        let env = instance.environment.clone();
        let mut wanted = vec![(annotate::APP_ANNOTATION, app.as_str())];
        if let Some(env) = &env {
            wanted.push((annotate::ENV_ANNOTATION, env.as_str()));
        }
        for applier in &instance.appliers {
            match annotate::stamp(applier, self.block_items, &wanted, self.limits) {
                Ok(patches) => self.item_patches.extend(patches),
                Err(reason) => {
                    let message = format!(
                        "cannot stamp {} on {}: {reason} (hint: add the annotations by hand, or \
                         write metadata.annotations as a plain block mapping)",
                        wanted
                            .iter()
                            .map(|(k, v)| format!("{k}: {v}"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        coverage::describe(applier)
                    );
                    self.results.push(
                        KrmResult::warning(message)
                            .about(applier)
                            .at_field("metadata.annotations"),
                    );
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
        for route in &effective.routes {
            self.alert(env.as_deref(), route, namespace.as_deref(), &entries, &what);
            self.provider(route, namespace.as_deref(), &effective.providers);
        }
    }

    fn alert(
        &mut self,
        env: Option<&str>,
        route: &Route,
        namespace: Option<&str>,
        entries: &[EventSource],
        covers: &str,
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
        });
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
                let mut result = KrmResult::error(format!(
                    "{} {} is generated by two configs, {} and {} (hint: keep one \
                     AppNotifications per app; with `render --config`, leave out the package's \
                     own config or pass that one)",
                    object.kind,
                    qualified(object.namespace.as_deref(), &object.name),
                    a.owner,
                    b.owner
                ));
                if let Some(item) = b.item.or(a.item) {
                    result = result.about(item);
                }
                errors.push(result);
            }
            Some(&first) => {
                let config = &configs[first];
                let mut result = KrmResult::error(format!(
                    "{} {} is generated twice by {}: two environment and route pairs give the \
                     same name (hint: rename a route or an environment)",
                    object.kind,
                    qualified(object.namespace.as_deref(), &object.name),
                    config.owner
                ));
                if let Some(item) = config.item {
                    result = result.about(item);
                }
                errors.push(result);
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
