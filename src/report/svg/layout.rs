//! Where every box of the coverage picture goes: the tree of app → environment → Alert →
//! Provider → objects laid out row by row, and the columns' widths. No drawing here: boxes say
//! what they stand for ([`Look`], [`Tone`]); `draw` decides how that looks.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;

use crate::audit::{AlertView, Audit, ObjectId, Wildcard};
use crate::flux::applier_group;
use crate::report::counts;
use crate::resource_list::qualified;

pub(super) const LABEL_SIZE: u32 = 12;
pub(super) const CAPTION_SIZE: u32 = 10;
pub(super) const NODE_HEIGHT: u32 = 38;
/// Distance between the centres of two leaf rows.
pub(super) const ROW: u32 = 46;
/// Extra space between two Alerts of one app, and between two apps.
pub(super) const ALERT_GAP: u32 = 6;
pub(super) const APP_GAP: u32 = 22;
pub(super) const COLUMN_GAP: u32 = 56;
pub(super) const BOX_PADDING: u32 = 10;
pub(super) const MARGIN: u32 = 24;
pub(super) const MIN_COLUMN: u32 = 96;
pub(super) const HEADER: u32 = 104;

pub(super) const COLUMNS: [&str; 5] = ["APP", "ENVIRONMENT", "ALERT", "PROVIDER", "COVERS"];

/// What a box stands for, which decides how it is drawn.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Look {
    App,
    Environment,
    Alert,
    Provider,
    Applier,
    Source,
    Uncovered,
    Overlap,
    Wildcard,
    Placeholder,
}

/// One box: its column, the y of its centre, what it says and what its tooltip says.
pub(super) struct Box {
    pub id: String,
    pub column: usize,
    pub y: u32,
    pub look: Look,
    pub caption: String,
    pub label: String,
    pub title: String,
}

pub(super) struct Edge {
    pub from: usize,
    pub to: usize,
    pub tone: Tone,
    pub dashed: bool,
}

/// How an edge is drawn: an ordinary link, one into an object covered twice for one
/// Provider, or one into an uncovered applier.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Tone {
    Plain,
    Overlap,
    Missing,
}

/// The picture before it is written: boxes, edges, and what goes under the diagram.
#[derive(Default)]
pub(super) struct Layout {
    pub boxes: Vec<Box>,
    pub edges: Vec<Edge>,
    ids: HashSet<String>,
    /// Lowest y used so far (the bottom edge of the last row).
    pub bottom: u32,
}

impl Layout {
    /// Adds a box and returns its index. Ids are made unique (a list may hold an object twice,
    /// which generation reports; the picture must still be valid XML).
    fn add(&mut self, mut node: Box) -> usize {
        if !self.ids.insert(node.id.clone()) {
            let base = node.id.clone();
            let mut n = 2;
            while !self.ids.insert(format!("{base}.{n}")) {
                n += 1;
            }
            node.id = format!("{base}.{n}");
        }
        self.bottom = self.bottom.max(node.y + NODE_HEIGHT / 2);
        self.boxes.push(node);
        self.boxes.len() - 1
    }

    fn edge(&mut self, from: usize, to: usize, tone: Tone, dashed: bool) {
        self.edges.push(Edge {
            from,
            to,
            tone,
            dashed,
        });
    }
}

/// An id made of its parts: letters, digits and `-` kept, every other byte written as `_xx`,
/// parts joined by `.`, an absent part left empty. Distinct parts give distinct ids, and ids
/// do not change when unrelated objects come and go.
fn id(prefix: &str, parts: &[Option<&str>]) -> String {
    let mut out = format!("an-{prefix}");
    for part in parts {
        out.push('.');
        for byte in part.unwrap_or_default().bytes() {
            if byte.is_ascii_alphanumeric() || byte == b'-' {
                out.push(char::from(byte));
            } else {
                let _ = write!(out, "_{byte:02x}");
            }
        }
    }
    out
}

fn object_parts(object: &ObjectId) -> [Option<&str>; 3] {
    [
        Some(object.kind.as_str()),
        object.namespace.as_deref(),
        Some(object.name.as_str()),
    ]
}

fn is_applier(kind: &str) -> bool {
    applier_group(kind).is_some()
}

/// Appliers first, then sources, each by kind, namespace and name: the order of generated
/// eventSources, so the picture reads like the Alert.
fn leaf_order(object: &ObjectId) -> (bool, &ObjectId) {
    (!is_applier(&object.kind), object)
}

/// Apps with their environments' Alerts and their uncovered appliers, in a stable order.
type Groups<'a> = BTreeMap<Option<&'a str>, Group<'a>>;

#[derive(Default)]
struct Group<'a> {
    environments: BTreeMap<Option<&'a str>, Vec<&'a AlertView>>,
    uncovered: Vec<&'a ObjectId>,
}

fn groups(audit: &Audit) -> Groups<'_> {
    let mut groups: Groups<'_> = BTreeMap::new();
    for alert in &audit.alerts {
        groups
            .entry(alert.app.as_deref())
            .or_default()
            .environments
            .entry(alert.environment.as_deref())
            .or_default()
            .push(alert);
    }
    for (object, app) in &audit.uncovered {
        groups
            .entry(app.as_deref())
            .or_default()
            .uncovered
            .push(object);
    }
    groups
}

/// For each (Alert, object) that an overlap names: the tooltip line saying why it is marked.
fn overlap_notes(audit: &Audit) -> BTreeMap<(String, &ObjectId), Vec<String>> {
    let mut notes: BTreeMap<(String, &ObjectId), Vec<String>> = BTreeMap::new();
    for overlap in &audit.overlaps {
        let provider = qualified(overlap.namespace.as_deref(), &overlap.provider);
        for object in &overlap.objects {
            for (this, other) in [
                (&overlap.alerts.0, &overlap.alerts.1),
                (&overlap.alerts.1, &overlap.alerts.0),
            ] {
                notes
                    .entry((this.clone(), object))
                    .or_default()
                    .push(format!(
                        "also sent to Provider {provider} by Alert {other}: every event is \
                     notified twice"
                    ));
            }
        }
    }
    notes
}

/// Lays the tree out row by row: each leaf takes a row, each parent sits at the middle of
/// its children. One pass, so a fleet of hundreds of apps costs no more per object than one.
pub(super) fn layout(audit: &Audit) -> Layout {
    let notes = overlap_notes(audit);
    let mut out = Layout::default();
    let mut y = HEADER + NODE_HEIGHT / 2;
    for (app, group) in groups(audit) {
        let app_label = app.unwrap_or("(no app label)");
        let alert_count: usize = group.environments.values().map(Vec::len).sum();
        let mut children = Vec::new();
        let first = y;
        for (env, alerts) in &group.environments {
            let env_first = y;
            let mut env_children = Vec::new();
            for alert in alerts {
                env_children.push(alert_rows(&mut out, alert, &notes, &mut y));
                y += ALERT_GAP;
            }
            let env_y = middle(&out, &env_children, env_first);
            let env_box = out.add(Box {
                id: id("env", &[app, *env]),
                column: 1,
                y: env_y,
                look: Look::Environment,
                caption: "environment".into(),
                label: env.unwrap_or("(none)").to_string(),
                title: format!(
                    "app {app_label}, environment {}: {} Alert{}",
                    env.unwrap_or("(none)"),
                    alerts.len(),
                    plural(alerts.len())
                ),
            });
            for child in env_children {
                out.edge(env_box, child, Tone::Plain, false);
            }
            children.push(env_box);
        }
        if !group.uncovered.is_empty() {
            children.push(uncovered_rows(&mut out, app, &group.uncovered, &mut y));
            y += ALERT_GAP;
        }
        let app_y = middle(&out, &children, first);
        let app_box = out.add(Box {
            id: id("app", &[app]),
            column: 0,
            y: app_y,
            look: Look::App,
            caption: "app".into(),
            label: app_label.to_string(),
            title: format!(
                "app {app_label}: {alert_count} Alert{}, {} uncovered applier{}",
                plural(alert_count),
                group.uncovered.len(),
                plural(group.uncovered.len())
            ),
        });
        for child in children {
            let missing = out.boxes[child].look == Look::Placeholder;
            let tone = if missing { Tone::Missing } else { Tone::Plain };
            out.edge(app_box, child, tone, missing);
        }
        y += APP_GAP - ALERT_GAP;
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The y between the first and last of `children`, or `fallback` when there are none.
fn middle(layout: &Layout, children: &[usize], fallback: u32) -> u32 {
    match (children.first(), children.last()) {
        (Some(&a), Some(&b)) => (layout.boxes[a].y + layout.boxes[b].y) / 2,
        _ => fallback,
    }
}

/// An Alert, its Provider and one row per object it covers; returns the Alert's box.
fn alert_rows(
    out: &mut Layout,
    alert: &AlertView,
    notes: &BTreeMap<(String, &ObjectId), Vec<String>>,
    y: &mut u32,
) -> usize {
    let alert_id = alert.id();
    let alert_key = [alert.namespace.as_deref(), Some(alert.name.as_str())];
    let mut leaves: Vec<&ObjectId> = alert.covers.iter().collect();
    leaves.sort_by_key(|o| leaf_order(o));
    let first = *y;
    let mut rows = Vec::new();
    for object in leaves {
        let note = notes.get(&(alert_id.clone(), object));
        let look = match (note, is_applier(&object.kind)) {
            (Some(_), _) => Look::Overlap,
            (None, true) => Look::Applier,
            (None, false) => Look::Source,
        };
        let mut title = format!("{object}, covered by Alert {alert_id}");
        for line in note.into_iter().flatten() {
            title.push_str("; ");
            title.push_str(line);
        }
        let mut parts = alert_key.to_vec();
        parts.extend(object_parts(object));
        rows.push(out.add(Box {
            id: id("cover", &parts),
            column: 4,
            y: *y,
            look,
            caption: object.kind.clone(),
            label: qualified(object.namespace.as_deref(), &object.name),
            title,
        }));
        *y += ROW;
    }
    for (i, wildcard) in alert.sources.wildcards.iter().enumerate() {
        let index = i.to_string();
        rows.push(out.add(Box {
            id: id(
                "selector",
                &[alert_key[0], alert_key[1], Some(index.as_str())],
            ),
            column: 4,
            y: *y,
            look: Look::Wildcard,
            caption: wildcard_caption(wildcard),
            label: wildcard_labels(wildcard),
            title: format!(
                "Alert {alert_id} watches {wildcard}: matched by label when an event happens \
                 (objects already deleted no longer match)"
            ),
        }));
        *y += ROW;
    }
    if rows.is_empty() {
        rows.push(out.add(Box {
            id: id("nothing", &alert_key),
            column: 4,
            y: *y,
            look: Look::Placeholder,
            caption: "covers".into(),
            label: "nothing".into(),
            title: format!("Alert {alert_id} covers nothing in this build"),
        }));
        *y += ROW;
    }
    let alert_y = middle(out, &rows, first);
    let provider = if alert.provider.is_empty() {
        "(none)"
    } else {
        alert.provider.as_str()
    };
    let alert_box = out.add(Box {
        id: id("alert", &alert_key),
        column: 2,
        y: alert_y,
        look: Look::Alert,
        caption: if alert.generated {
            "Alert (generated)".into()
        } else {
            "Alert (user's own)".into()
        },
        label: alert_id.clone(),
        title: format!(
            "Alert {alert_id}{} → Provider {provider}: {}",
            if alert.generated {
                ""
            } else {
                " (not generated)"
            },
            counts(alert)
        ),
    });
    let provider_box = out.add(Box {
        id: id(
            "provider",
            &[alert_key[0], alert_key[1], Some(alert.provider.as_str())],
        ),
        column: 3,
        y: alert_y,
        look: Look::Provider,
        caption: "Provider".into(),
        label: provider.to_string(),
        title: format!(
            "Provider {} (Alert {alert_id} sends to it)",
            qualified(alert.namespace.as_deref(), provider)
        ),
    });
    out.edge(alert_box, provider_box, Tone::Plain, false);
    for row in rows {
        let look = out.boxes[row].look;
        let tone = if look == Look::Overlap {
            Tone::Overlap
        } else {
            Tone::Plain
        };
        out.edge(provider_box, row, tone, look == Look::Wildcard);
    }
    alert_box
}

/// An app's uncovered appliers under a "no Alert" placeholder; returns the placeholder.
fn uncovered_rows(
    out: &mut Layout,
    app: Option<&str>,
    objects: &[&ObjectId],
    y: &mut u32,
) -> usize {
    let first = *y;
    let mut rows = Vec::new();
    for object in objects {
        let mut parts = vec![app];
        parts.extend(object_parts(object));
        rows.push(out.add(Box {
            id: id("uncovered", &parts),
            column: 4,
            y: *y,
            look: Look::Uncovered,
            caption: format!("{} (uncovered)", object.kind),
            label: qualified(object.namespace.as_deref(), &object.name),
            title: format!(
                "{object} is covered by no Alert{}: its events are not notified",
                app.map(|a| format!(" (app {a})")).unwrap_or_default()
            ),
        }));
        *y += ROW;
    }
    let placeholder = out.add(Box {
        id: id("no-alert", &[app]),
        column: 2,
        y: middle(out, &rows, first),
        look: Look::Placeholder,
        caption: "not covered".into(),
        label: "no Alert".into(),
        title: format!(
            "{} applier{} of {} no Alert covers",
            rows.len(),
            plural(rows.len()),
            app.map(|a| format!("app {a}"))
                .unwrap_or_else(|| "no app".into())
        ),
    });
    for row in rows {
        out.edge(placeholder, row, Tone::Missing, true);
    }
    placeholder
}

fn wildcard_caption(wildcard: &Wildcard) -> String {
    match &wildcard.namespace {
        Some(ns) => format!("every {} in {ns}", wildcard.kind),
        None => format!("every {}", wildcard.kind),
    }
}

fn wildcard_labels(wildcard: &Wildcard) -> String {
    if wildcard.labels.is_empty() {
        return "(any labels)".into();
    }
    let labels: Vec<String> = wildcard
        .labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    labels.join(",")
}

/// A width that text of `size` px is unlikely to exceed in any common sans-serif face: per
/// character, the widest of Arial, Helvetica and DejaVu Sans (the widest of the three) for its
/// class, rounded up. Over-estimating only widens a box; under-estimating lets text spill.
pub(super) fn text_width(text: &str, size: u32) -> u32 {
    let mut em_hundredths: u32 = 0;
    for c in text.chars() {
        em_hundredths += match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | '`' => 32,
            ' ' | 'f' | 't' | 'r' | 'I' | '(' | ')' | '[' | ']' | '{' | '}' | '/' | '\\' | '-' => {
                44
            }
            'm' | 'w' | 'M' | 'W' | '@' | '%' => 100,
            'A'..='Z' | '&' | '#' => 80,
            '0'..='9' | '_' | '=' | '+' | '<' | '>' | '~' | '*' | '?' | '$' | '^' => 66,
            c if c.is_ascii() => 64,
            // East Asian wide characters and emoji take a full em; other letters are treated
            // as wide Latin ones.
            c if u32::from(c) >= 0x1100 => 100,
            _ => 80,
        };
    }
    (em_hundredths * size).div_ceil(100)
}

/// The width a box needs. Labels are semibold, which the per-character widths do not cover:
/// bold faces run up to about 15% wider.
pub(super) fn box_width(node: &Box) -> u32 {
    (text_width(&node.label, LABEL_SIZE) * 115)
        .div_ceil(100)
        .max(text_width(&node.caption, CAPTION_SIZE))
        + 2 * BOX_PADDING
}

/// Where the columns are: one width per column (every box of a column is as wide as the
/// widest, so boxes and the edges leaving them line up), and their left edges.
pub(super) struct Columns {
    pub widths: [u32; 5],
    pub xs: [u32; 5],
}

impl Columns {
    pub(super) fn of(layout: &Layout) -> Columns {
        let mut widths = COLUMNS.map(|heading| text_width(heading, CAPTION_SIZE).max(MIN_COLUMN));
        for node in &layout.boxes {
            widths[node.column] = widths[node.column].max(box_width(node));
        }
        let mut xs = [MARGIN; 5];
        for c in 1..5 {
            xs[c] = xs[c - 1] + widths[c - 1] + COLUMN_GAP;
        }
        Columns { widths, xs }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_keep_distinct_parts_distinct() {
        // Names that a plain `[^a-z0-9] → _` scheme would merge.
        let a = id("cover", &[Some("billing-a"), Some("b")]);
        let b = id("cover", &[Some("billing"), Some("a-b")]);
        let c = id("cover", &[Some("billing.a"), Some("b")]);
        let d = id("cover", &[None, Some("billing.a.b")]);
        let all = [&a, &b, &c, &d];
        for (i, x) in all.iter().enumerate() {
            for y in &all[i + 1..] {
                assert_ne!(x, y);
            }
        }
        assert_eq!(c, "an-cover.billing_2ea.b");
        assert_eq!(id("app", &[Some("é")]), "an-app._c3_a9");
    }

    #[test]
    fn text_widths_are_generous_and_grow_with_the_text() {
        // DejaVu Sans, the widest common face, sets "billing/billing-api" at 12px in 99px
        // (its advance widths add up to 8.26 em); bold in about 110px, which the label
        // allowance in `box_width` covers.
        assert!(text_width("billing/billing-api", 12) >= 99);
        assert!(text_width("billing/billing-api", 12) * 115 / 100 >= 110);
        assert!(text_width("WWW", 12) > text_width("iii", 12));
        assert!(text_width("名前", 12) >= 24);
        assert_eq!(text_width("", 12), 0);
    }
}
