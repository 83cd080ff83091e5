//! `annotateAppliers`: stamp `event.toolkit.fluxcd.io/app` and `/env` on covered appliers, so
//! every event they emit — also to cluster-wide Alerts and webhook or Loki Providers — carries
//! the app and environment. The annotations are spliced into the applier's own text with the
//! format-preserving editor; nothing else of it changes.

use crate::limits::Limits;
use crate::resource_list::edit;
use crate::resource_list::locate::Segment;
use crate::resource_list::{Item, ItemPatch};

pub const APP_ANNOTATION: &str = "event.toolkit.fluxcd.io/app";
pub const ENV_ANNOTATION: &str = "event.toolkit.fluxcd.io/env";

/// The patches that give `item` the `wanted` annotations (none when it has them), or why its
/// text cannot be edited. `block_item`: the item is a `- ` entry of a block sequence.
pub fn stamp(
    item: &Item<'_>,
    block_item: bool,
    wanted: &[(&str, &str)],
    limits: &Limits,
) -> Result<Vec<ItemPatch>, String> {
    let missing: Vec<(&str, &str)> = wanted
        .iter()
        .copied()
        .filter(|(key, value)| item.fields.annotation(key) != Some(value))
        .collect();
    if missing.is_empty() {
        return Ok(Vec::new());
    }
    let mut path = Vec::with_capacity(3);
    if block_item {
        path.push(Segment::Index(0));
    }
    path.push(Segment::Key("metadata".into()));
    path.push(Segment::Key("annotations".into()));
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
