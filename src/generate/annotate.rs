//! `annotateAppliers`: stamp `event.toolkit.fluxcd.io/app` and `/env` on the app's objects an
//! Alert covers — appliers, owned sources, and the HelmChart of a HelmRelease through its
//! `spec.chart.metadata.annotations` (helm-controller copies them onto the HelmChart) — so every
//! event they emit, also to cluster-wide Alerts and webhook or Loki Providers, carries the app
//! and environment, and the Alert need not (a key from two sources is a conflict in
//! notification-controller). The annotations are spliced into the object's own text with the
//! format-preserving editor; nothing else of it changes.

use std::collections::BTreeMap;

use super::coverage::describe;
use crate::limits::Limits;
use crate::resource_list::edit;
use crate::resource_list::locate::Segment;
use crate::resource_list::{Item, ItemPatch};
use crate::results::KrmResult;

pub const APP_ANNOTATION: &str = "event.toolkit.fluxcd.io/app";
pub const ENV_ANNOTATION: &str = "event.toolkit.fluxcd.io/env";

/// Where an object's stamped annotations go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// The object's own `metadata.annotations`.
    Metadata,
    /// A HelmRelease's `spec.chart.metadata.annotations`: the annotations of its HelmChart.
    Chart,
}

impl Target {
    pub fn field_path(self) -> &'static str {
        match self {
            Target::Metadata => "metadata.annotations",
            Target::Chart => "spec.chart.metadata.annotations",
        }
    }

    fn segments(self) -> &'static [&'static str] {
        match self {
            Target::Metadata => &["metadata", "annotations"],
            Target::Chart => &["spec", "chart", "metadata", "annotations"],
        }
    }
}

/// The patches that give `item` the `wanted` annotations at `target` (none when it has them),
/// or why its text cannot be edited. `block_item`: the item is a `- ` entry of a block sequence.
pub fn stamp(
    item: &Item<'_>,
    block_item: bool,
    target: Target,
    wanted: &[(&str, &str)],
    limits: &Limits,
) -> Result<Vec<ItemPatch>, String> {
    // The reader keeps an item's own annotations; the chart's are only known to the editor,
    // which leaves a key that already holds its value alone.
    let missing: Vec<(&str, &str)> = wanted
        .iter()
        .copied()
        .filter(|(key, value)| {
            target != Target::Metadata || item.fields.annotation(key) != Some(value)
        })
        .collect();
    if missing.is_empty() {
        return Ok(Vec::new());
    }
    let mut path = Vec::with_capacity(5);
    if block_item {
        path.push(Segment::Index(0));
    }
    path.extend(
        target
            .segments()
            .iter()
            .map(|key| Segment::Key((*key).into())),
    );
    // A block item's own `- ` entry is not part of the object's field paths.
    let patches = edit::set_strings(item.text(), 0, &path, &missing, limits).map_err(|err| {
        err.to_string()
            .replace("`[0].", "`")
            .replace("`[0]`", "the object")
    })?;
    let offset = item.region.start;
    Ok(patches
        .into_iter()
        .map(|patch| ItemPatch {
            item: item.index,
            range: patch.range.start + offset..patch.range.end + offset,
            text: patch.text,
        })
        .collect())
}

/// The annotations every config of the run wants on each object, gathered before any text is
/// patched: two configs whose selectors both take an object must not write two values (nor
/// two patches over one span).
#[derive(Debug, Default)]
pub struct Stamps<'l> {
    wanted: BTreeMap<(usize, Target), Wanted<'l>>,
}

#[derive(Debug)]
struct Wanted<'l> {
    item: &'l Item<'l>,
    /// Key → (value, the config that wants it).
    keys: BTreeMap<&'static str, (String, String)>,
}

/// What stamping produced: the patches, the objects they change and at which field, and the
/// warnings.
#[derive(Debug, Default)]
pub struct Stamped {
    pub patches: Vec<ItemPatch>,
    pub changed: Vec<(usize, Target)>,
    pub warnings: Vec<KrmResult>,
}

impl<'l> Stamps<'l> {
    /// `owner` wants `key: value` on `item` at `target`. Configs come in owner order; the first
    /// value stays, and a different one from another config is a warning.
    pub fn want(
        &mut self,
        item: &'l Item<'l>,
        target: Target,
        key: &'static str,
        value: &str,
        owner: &str,
    ) -> Option<KrmResult> {
        let wanted = self
            .wanted
            .entry((item.index, target))
            .or_insert_with(|| Wanted {
                item,
                keys: BTreeMap::new(),
            });
        match wanted.keys.get(key) {
            None => {
                wanted
                    .keys
                    .insert(key, (value.to_string(), owner.to_string()));
                None
            }
            Some((kept, _)) if kept == value => None,
            Some((kept, first)) => Some(
                KrmResult::warning(format!(
                    "{} is covered by {first} and by {owner} with annotateAppliers, which would \
                     stamp {key} as `{kept}` and as `{value}`: it keeps `{kept}`, and the \
                     Alerts of {owner} send its events under that value (hint: make the two \
                     configs' selectors disjoint, or turn annotateAppliers off in one)",
                    describe(item)
                ))
                .about(item)
                .at_field(target.field_path()),
            ),
        }
    }

    /// The patches for everything wanted, object by object, or a warning for an object whose
    /// text cannot take them.
    pub fn patches(self, block_items: bool, limits: &Limits) -> Stamped {
        let mut out = Stamped::default();
        for ((index, target), wanted) in self.wanted {
            let pairs: Vec<(&str, &str)> = wanted
                .keys
                .iter()
                .map(|(key, (value, _))| (*key, value.as_str()))
                .collect();
            match stamp(wanted.item, block_items, target, &pairs, limits) {
                Ok(patches) if patches.is_empty() => {}
                Ok(patches) => {
                    out.patches.extend(patches);
                    out.changed.push((index, target));
                }
                Err(reason) => {
                    let pairs: Vec<String> =
                        pairs.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                    out.warnings.push(
                        KrmResult::warning(format!(
                            "cannot stamp {} on {} at {}: {reason}; the Alert leaves app and \
                             env to the objects, so its events carry neither (hint: add the \
                             annotations by hand, or write {} as a plain block mapping)",
                            pairs.join(", "),
                            describe(wanted.item),
                            target.field_path(),
                            target.field_path()
                        ))
                        .about(wanted.item)
                        .at_field(target.field_path()),
                    );
                }
            }
        }
        out
    }
}
