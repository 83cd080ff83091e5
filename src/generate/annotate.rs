//! `annotateAppliers`: stamp `event.toolkit.fluxcd.io/app` and `/env` on covered appliers, so
//! every event they emit — also to cluster-wide Alerts and webhook or Loki Providers — carries
//! the app and environment. The annotations are spliced into the applier's own text; nothing
//! else of it changes.

use crate::resource_list::{AnnotationSlot, Item, ItemPatch};
use crate::yaml::lines::at_line_start;
use crate::yaml::scalar::write_scalar_str;

pub const APP_ANNOTATION: &str = "event.toolkit.fluxcd.io/app";
pub const ENV_ANNOTATION: &str = "event.toolkit.fluxcd.io/env";

/// The patches that give `item` the `wanted` annotations, or why it cannot be patched.
pub fn stamp(
    item: &Item<'_>,
    wanted: &[(&str, &str)],
    nl: &str,
) -> Result<Vec<ItemPatch>, &'static str> {
    let missing: Vec<&(&str, &str)> = wanted
        .iter()
        .filter(|(key, value)| item.fields.annotation(key) != Some(value))
        .collect();
    if missing.is_empty() {
        return Ok(Vec::new());
    }
    let Some(slot) = &item.fields.annotation_slot else {
        return Err("its metadata uses anchors, aliases or an unusual layout");
    };
    let patch = |range: std::ops::Range<usize>, text: String| ItemPatch {
        item: item.index,
        range,
        text,
    };
    let scalar = |s: &str| {
        let mut out = String::new();
        write_scalar_str(&mut out, s);
        out
    };
    let mut patches = Vec::new();
    let mut new_entries = Vec::new();
    for (key, value) in missing {
        match item.fields.annotation(key).and(slot.value_span(key)) {
            Some(span) => patches.push(patch(span, scalar(value))),
            None if item.fields.annotation(key).is_some() => {
                return Err("an annotation to update is written in an unusual way");
            }
            None => new_entries.push((*key, *value)),
        }
    }
    if new_entries.is_empty() {
        return Ok(patches);
    }
    // A new line can only start at a line start; at the very end of an input without a final
    // line break, start one first.
    let line_start = |at: usize| {
        if !at_line_start(item.source, at) {
            nl
        } else {
            ""
        }
    };
    let entry = |(key, value): &(&str, &str)| format!("{}: {}", scalar(key), scalar(value));
    match slot {
        AnnotationSlot::Block { at, col, .. } => {
            let mut text = line_start(*at).to_string();
            for e in &new_entries {
                text.push_str(&format!("{}{}{nl}", " ".repeat(*col), entry(e)));
            }
            patches.push(patch(*at..*at, text));
        }
        AnnotationSlot::Flow { close, empty, .. } => {
            let entries: Vec<String> = new_entries.iter().map(entry).collect();
            let sep = if *empty { "" } else { ", " };
            patches.push(patch(
                *close..*close,
                format!("{sep}{}", entries.join(", ")),
            ));
        }
        AnnotationSlot::Missing { at, col } => {
            let mut text = format!("{}{}annotations:{nl}", line_start(*at), " ".repeat(*col));
            for e in &new_entries {
                text.push_str(&format!("{}{}{nl}", " ".repeat(col + 2), entry(e)));
            }
            patches.push(patch(*at..*at, text));
        }
    }
    Ok(patches)
}
