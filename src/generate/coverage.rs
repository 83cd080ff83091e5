//! What one app instance's Alerts must cover (semantics §1, §2, §4, §5, §6): its appliers,
//! its sources, how they are grouped into Alerts by namespace, and the eventSources entries.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::inventory::{is_applier, is_source};
use super::objects::EventSource;
use crate::config::{AppNotifications, EventSources, LabelSelector, PlacementMode, Sources};
use crate::flux::{is_source_kind, APPLIER_KINDS, CHART_SOURCE_REFERENCE};
use crate::resource_list::{qualified, Item};
use crate::results::KrmResult;

/// An object an Alert covers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Covered {
    pub is_source: bool,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    /// Carries the app's labels, so a `name: '*'` + matchLabels entry can match it.
    pub labelled: bool,
}

/// The app in one environment.
#[derive(Debug)]
pub struct Instance<'l> {
    pub environment: Option<String>,
    pub appliers: Vec<&'l Item<'l>>,
    pub sources: Vec<&'l Item<'l>>,
}

/// Positions in [`FluxItems`]' appliers and sources.
type Positions = (Vec<usize>, Vec<usize>);

/// The Flux appliers and sources of the input, sorted out once for all configs and indexed
/// by label, so a fleet of hundreds of configs stays linear in the input.
#[derive(Debug, Default)]
pub struct FluxItems<'l> {
    appliers: Vec<&'l Item<'l>>,
    sources: Vec<&'l Item<'l>>,
    /// `(label key, value)` → positions in `appliers` and `sources`.
    by_label: HashMap<(&'l str, &'l str), Positions>,
}

impl<'l> FluxItems<'l> {
    pub fn of(items: &[&'l Item<'l>]) -> Self {
        let mut out = FluxItems::default();
        for &item in items {
            let applier = is_applier(&item.fields, APPLIER_KINDS);
            if !applier && !is_source(&item.fields) {
                continue;
            }
            for (key, value) in &item.fields.labels {
                let entry = out
                    .by_label
                    .entry((key.as_ref(), value.as_ref()))
                    .or_default();
                if applier {
                    entry.0.push(out.appliers.len());
                } else {
                    entry.1.push(out.sources.len());
                }
            }
            if applier {
                out.appliers.push(item);
            } else {
                out.sources.push(item);
            }
        }
        out
    }

    /// Every Flux applier of the input.
    pub fn appliers(&self) -> &[&'l Item<'l>] {
        &self.appliers
    }

    /// Appliers and sources that `selector` may match: those carrying its first matchLabel,
    /// or all of them for a selector of expressions only. Callers still apply the selector.
    fn candidates(&self, selector: &LabelSelector) -> (Vec<&'l Item<'l>>, Vec<&'l Item<'l>>) {
        match selector.match_labels.iter().next() {
            Some((key, value)) => match self.by_label.get(&(key.as_str(), value.as_str())) {
                Some((appliers, sources)) => (
                    appliers.iter().map(|&i| self.appliers[i]).collect(),
                    sources.iter().map(|&i| self.sources[i]).collect(),
                ),
                None => (Vec::new(), Vec::new()),
            },
            None => (self.appliers.clone(), self.sources.clone()),
        }
    }
}

/// The appliers and owned sources of the app, split into instances by environment.
pub fn instances<'l>(
    config: &AppNotifications,
    flux: &FluxItems<'l>,
    results: &mut Vec<KrmResult>,
    about: impl Fn(KrmResult) -> KrmResult,
) -> Vec<Instance<'l>> {
    let selector = config.selector();
    let kinds: Vec<&str> = config.spec.appliers.iter().map(|k| k.as_str()).collect();
    let (appliers, sources) = flux.candidates(&selector);
    let appliers: Vec<&Item<'_>> = appliers
        .into_iter()
        .filter(|i| {
            kinds.contains(&i.fields.kind.as_ref()) && selector.matches_with(|k| i.fields.label(k))
        })
        .collect();
    let sources: Vec<&Item<'_>> = sources
        .into_iter()
        .filter(|i| selector.matches_with(|k| i.fields.label(k)))
        .collect();
    if let Some(env) = &config.spec.environment {
        return vec![Instance {
            environment: Some(env.clone()),
            appliers,
            sources,
        }];
    }
    let Some(label) = &config.spec.environment_label else {
        return vec![Instance {
            environment: None,
            appliers,
            sources,
        }];
    };
    let unlabelled: Vec<String> = appliers
        .iter()
        .filter(|i| i.fields.label(label).is_none())
        .map(|i| describe(i))
        .collect();
    if !unlabelled.is_empty() {
        results.push(
            about(KrmResult::error(format!(
            "spec.environmentLabel is {label}, but these appliers of app {} lack that label: {} \
             (hint: label each applier with its environment, or set spec.environment for a \
             build of one environment)",
            config.app(),
            unlabelled.join(", ")
        )))
            .at_field("spec.environmentLabel"),
        );
        return Vec::new();
    }
    // A label value becomes part of the Alert's name, so it must be a DNS-1123 label too.
    let mut invalid = Vec::new();
    for applier in &appliers {
        let value = applier.fields.label(label).unwrap_or_default();
        if let Err(problem) = crate::config::dns_label("environment", value) {
            let hint = problem.hint.map(|h| format!(" ({h})")).unwrap_or_default();
            invalid.push(format!(
                "{} has {label}={value:?}: {}{hint}",
                describe(applier),
                problem.message
            ));
        }
    }
    if !invalid.is_empty() {
        results.push(
            about(KrmResult::error(format!(
                "spec.environmentLabel values name the Alerts of app {}, and these are not valid \
                 names: {} (hint: use lowercase environment values, or set spec.environment)",
                config.app(),
                invalid.join("; ")
            )))
            .at_field("spec.environmentLabel"),
        );
        return Vec::new();
    }
    let envs: BTreeSet<&str> = appliers
        .iter()
        .filter_map(|i| i.fields.label(label))
        .collect();
    envs.into_iter()
        .map(|env| Instance {
            environment: Some(env.to_string()),
            appliers: appliers
                .iter()
                .copied()
                .filter(|i| i.fields.label(label) == Some(env))
                .collect(),
            // An owned source with the label belongs to its environment only; without it, to
            // every environment.
            sources: sources
                .iter()
                .copied()
                .filter(|i| i.fields.label(label).is_none_or(|v| v == env))
                .collect(),
        })
        .collect()
}

/// `Kind namespace/name` of an item, for messages.
pub fn describe(item: &Item<'_>) -> String {
    format!(
        "{} {}",
        item.fields.kind,
        qualified(item.fields.namespace(), &item.fields.name)
    )
}

/// The objects an instance covers: its appliers, then its sources per `spec.sources`.
pub fn covered(
    config: &AppNotifications,
    instance: &Instance<'_>,
    results: &mut Vec<KrmResult>,
    about: impl Fn(KrmResult) -> KrmResult,
) -> Vec<Covered> {
    let mut out = BTreeSet::new();
    for item in &instance.appliers {
        out.insert(Covered {
            is_source: false,
            kind: item.fields.kind.to_string(),
            namespace: item.fields.namespace.as_deref().map(str::to_string),
            name: item.fields.name.to_string(),
            labelled: true,
        });
    }
    if config.spec.sources == Sources::None {
        return out.into_iter().collect();
    }
    for item in &instance.sources {
        // A wildcard entry of an instance also matches on the environment label; a source
        // shared by every environment (without that label) can only be covered by name.
        let labelled = config
            .spec
            .environment_label
            .as_deref()
            .is_none_or(|label| item.fields.label(label).is_some());
        out.insert(Covered {
            is_source: true,
            kind: item.fields.kind.to_string(),
            namespace: item.fields.namespace.as_deref().map(str::to_string),
            name: item.fields.name.to_string(),
            labelled,
        });
    }
    for hr in &instance.appliers {
        match helm_chart(hr) {
            Some(chart) => {
                out.insert(chart);
            }
            None if has_chart_template(hr) => {
                results.push(about(KrmResult::warning(format!(
                    "HelmRelease {} has no namespace in the build, so the name of its HelmChart \
                     (<namespace>-{}) is unknown and the chart is not covered (hint: set \
                     metadata.namespace on the HelmRelease)",
                    hr.fields.name, hr.fields.name
                ))));
            }
            None => {}
        }
    }
    if config.spec.sources == Sources::Referenced {
        for applier in &instance.appliers {
            for reference in &applier.fields.references {
                if !is_source_kind(&reference.target.kind) {
                    continue;
                }
                let namespace = reference
                    .target
                    .namespace
                    .clone()
                    .or_else(|| applier.fields.namespace().map(str::to_string));
                let candidate = Covered {
                    is_source: true,
                    kind: reference.target.kind.clone(),
                    namespace,
                    name: reference.target.name.clone(),
                    labelled: false,
                };
                let labelled = Covered {
                    labelled: true,
                    ..candidate.clone()
                };
                if !out.contains(&labelled) {
                    out.insert(candidate);
                }
            }
        }
    }
    let (fits, too_long): (Vec<Covered>, Vec<Covered>) =
        out.into_iter().partition(Covered::fits_an_event_source);
    if !too_long.is_empty() {
        let objects: Vec<String> = too_long.iter().map(Covered::too_long).collect();
        results.push(about(
            KrmResult::error(format!(
                "app {} covers objects whose names no Alert can hold: {} (hint: Flux's Alert \
                 accepts eventSources names and namespaces of at most {EVENT_SOURCE_NAME_MAX} \
                 characters, and the API server rejects these objects too; shorten their \
                 metadata.name or metadata.namespace)",
                config.app(),
                objects.join("; ")
            ))
            .at_field("spec.selector"),
        ));
    }
    fits
}

/// A HelmRelease with `spec.chart` (not `spec.chartRef`): helm-controller creates a HelmChart
/// for it.
fn has_chart_template(hr: &Item<'_>) -> bool {
    hr.fields.kind == "HelmRelease"
        && hr
            .fields
            .references
            .iter()
            .any(|r| r.field == CHART_SOURCE_REFERENCE)
}

/// The HelmChart helm-controller creates for a HelmRelease with `spec.chart`: named
/// `<hr-namespace>-<hr-name>`, next to the chart's source. `None` without `spec.chart`, and
/// without the HelmRelease's namespace (the name is then unknowable).
pub fn helm_chart(hr: &Item<'_>) -> Option<Covered> {
    if hr.fields.kind != "HelmRelease" {
        return None;
    }
    let chart_source = hr
        .fields
        .references
        .iter()
        .find(|r| r.field == CHART_SOURCE_REFERENCE)?;
    let hr_ns = hr.fields.namespace()?;
    Some(Covered {
        is_source: true,
        kind: "HelmChart".into(),
        namespace: Some(
            chart_source
                .target
                .namespace
                .clone()
                .unwrap_or_else(|| hr_ns.to_string()),
        ),
        name: format!("{hr_ns}-{}", hr.fields.name),
        labelled: false,
    })
}

/// `maxLength` of `eventSources[].name` and `.namespace` in Flux's Alert CRD (v1beta3): an
/// Alert naming a longer object is refused when it is applied, so it is refused here.
pub const EVENT_SOURCE_NAME_MAX: usize = 253;

impl Covered {
    fn fits_an_event_source(&self) -> bool {
        self.name.len() <= EVENT_SOURCE_NAME_MAX
            && self
                .namespace
                .as_ref()
                .is_none_or(|ns| ns.len() <= EVENT_SOURCE_NAME_MAX)
    }

    /// `Kind namespace/name…` with the long parts cut short and their lengths, for an error.
    fn too_long(&self) -> String {
        let short = |text: &str| {
            if text.len() <= EVENT_SOURCE_NAME_MAX {
                return text.to_string();
            }
            let head: String = text.chars().take(24).collect();
            format!("{head}… ({} characters)", text.len())
        };
        match &self.namespace {
            Some(ns) => format!("{} {}/{}", self.kind, short(ns), short(&self.name)),
            None => format!("{} {}", self.kind, short(&self.name)),
        }
    }
}

/// One Alert's worth of coverage: where it goes and what it covers.
#[derive(Debug)]
pub struct Group {
    pub namespace: Option<String>,
    pub covered: Vec<Covered>,
}

/// Where an instance's Alerts go: the groups, and (with `perNamespace`) the covered sources
/// left out because no applier of the app is in their namespace.
#[derive(Debug)]
pub struct Placement {
    pub groups: Vec<Group>,
    pub left_out: Vec<Covered>,
}

/// Groups covered objects into Alerts by placement (semantics §6).
pub fn place(
    placement_namespace: Option<&str>,
    mode: PlacementMode,
    covered: Vec<Covered>,
) -> Result<Placement, Vec<String>> {
    let applier_namespaces: BTreeSet<Option<&str>> = covered
        .iter()
        .filter(|c| !c.is_source)
        .map(|c| c.namespace.as_deref())
        .collect();
    match mode {
        PlacementMode::Single => {
            let namespaced: Vec<&str> = applier_namespaces.iter().flatten().copied().collect();
            let namespace = match (placement_namespace, namespaced.as_slice()) {
                (Some(ns), _) => Some(ns.to_string()),
                (None, []) => None,
                (None, [one]) => Some(one.to_string()),
                (None, many) => return Err(many.iter().map(|s| s.to_string()).collect()),
            };
            Ok(Placement {
                groups: vec![Group { namespace, covered }],
                left_out: Vec::new(),
            })
        }
        PlacementMode::PerNamespace => {
            // Objects without a namespace land in the placement namespace; grouping by the
            // namespace they land in keeps that namespace to one Alert per route.
            let lands_in = |ns: Option<&str>| ns.or(placement_namespace).map(str::to_string);
            let mut groups: BTreeMap<Option<String>, Vec<Covered>> = applier_namespaces
                .iter()
                .map(|ns| (lands_in(*ns), Vec::new()))
                .collect();
            let mut left_out = Vec::new();
            for c in covered {
                match groups.get_mut(&lands_in(c.namespace.as_deref())) {
                    Some(group) => group.push(c),
                    None => left_out.push(c),
                }
            }
            Ok(Placement {
                groups: groups
                    .into_iter()
                    .map(|(namespace, covered)| Group { namespace, covered })
                    .collect(),
                left_out,
            })
        }
    }
}

/// The eventSources entries for a group (semantics §5), deduplicated and sorted:
/// appliers first, then sources; by kind, namespace, name.
pub fn event_sources(
    strategy: EventSources,
    group: &Group,
    match_labels: &BTreeMap<String, String>,
) -> Vec<EventSource> {
    let mut out = BTreeSet::new();
    let by_name = |c: &Covered| EventSource {
        is_source: c.is_source,
        kind: c.kind.clone(),
        namespace: c.namespace.clone(),
        name: c.name.clone(),
        match_labels: BTreeMap::new(),
    };
    for c in &group.covered {
        let wildcard = strategy != EventSources::Names && c.labelled;
        if strategy != EventSources::Selector || !c.labelled {
            out.insert(by_name(c));
        }
        if wildcard {
            out.insert(EventSource {
                is_source: c.is_source,
                kind: c.kind.clone(),
                namespace: c.namespace.clone(),
                name: "*".into(),
                match_labels: match_labels.clone(),
            });
        }
    }
    out.into_iter().collect()
}

/// A build that shows no items at all (a `generators:` entry sees only its config): with the
/// selector strategy, one wildcard entry per applier kind in the placement namespace.
pub fn generator_event_sources(
    kinds: &[&str],
    namespace: Option<&str>,
    match_labels: &BTreeMap<String, String>,
) -> Vec<EventSource> {
    let mut out: Vec<EventSource> = kinds
        .iter()
        .map(|kind| EventSource {
            is_source: false,
            kind: kind.to_string(),
            namespace: namespace.map(str::to_string),
            name: "*".into(),
            match_labels: match_labels.clone(),
        })
        .collect();
    out.sort();
    out
}

/// The labels a wildcard entry matches on: the selector's matchLabels plus, with
/// `environmentLabel`, the instance's environment, so one instance's Alert never matches
/// another's appliers in a shared namespace.
pub fn wildcard_labels(
    selector: &LabelSelector,
    environment_label: Option<&str>,
    environment: Option<&str>,
) -> BTreeMap<String, String> {
    let mut labels = selector.match_labels.clone();
    if let (Some(label), Some(env)) = (environment_label, environment) {
        labels.insert(label.to_string(), env.to_string());
    }
    labels
}
