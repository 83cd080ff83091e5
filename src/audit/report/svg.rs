//! The coverage picture as a self-contained SVG: app → environment → Alert → Provider →
//! covered objects, in columns, left to right, plus uncovered appliers and overlaps.
//!
//! Mermaid and DOT get a graph (one node per object) because their tools lay it out. Here the
//! layout is ours, and a graph would route hundreds of edges into a Provider shared by a whole
//! fleet; so the picture is a tree with one row per covered object, the way the table reads:
//! an object covered by two Alerts shows under each (highlighted when both go to one Provider).
//!
//! Everything is computed from the audit alone (no fonts measured, no clock, no hash order), so
//! the same audit gives the same bytes. Styling is in presentation attributes, not a `<style>`
//! sheet, so the picture can be inlined into a page without its rules leaking into the page.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;

use super::{counts, totals_line};
use crate::audit::{AlertView, Audit, ObjectId, Wildcard};

const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, \
                    'DejaVu Sans', sans-serif";
const LABEL_SIZE: u32 = 12;
const CAPTION_SIZE: u32 = 10;
const NODE_HEIGHT: u32 = 38;
/// Distance between the centres of two leaf rows.
const ROW: u32 = 46;
/// Extra space between two Alerts of one app, and between two apps.
const ALERT_GAP: u32 = 6;
const APP_GAP: u32 = 22;
const COLUMN_GAP: u32 = 56;
const BOX_PADDING: u32 = 10;
const MARGIN: u32 = 24;
const MIN_COLUMN: u32 = 96;
const HEADER: u32 = 104;

const TEXT: &str = "#0f172a";
const MUTED: &str = "#475569";
const EDGE: &str = "#94a3b8";
const RED: &str = "#dc2626";
const AMBER: &str = "#b45309";

const COLUMNS: [&str; 5] = ["APP", "ENVIRONMENT", "ALERT", "PROVIDER", "COVERS"];

/// How a box looks: fill, stroke, stroke width, dashes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Look {
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

impl Look {
    fn paint(
        self,
    ) -> (
        &'static str,
        &'static str,
        &'static str,
        Option<&'static str>,
    ) {
        match self {
            Look::App => ("#eef2ff", "#6366f1", "1", None),
            Look::Environment => ("#ecfeff", "#0891b2", "1", None),
            Look::Alert => ("#eff6ff", "#2563eb", "1.5", None),
            Look::Provider => ("#f5f3ff", "#7c3aed", "1", None),
            Look::Applier => ("#f0fdf4", "#16a34a", "1", None),
            Look::Source => ("#f8fafc", "#64748b", "1", None),
            Look::Uncovered => ("#fef2f2", RED, "2", Some("5 3")),
            Look::Overlap => ("#fffbeb", "#d97706", "2", None),
            Look::Wildcard => ("#f0fdf4", "#16a34a", "1", Some("4 3")),
            Look::Placeholder => ("#ffffff", EDGE, "1", Some("3 3")),
        }
    }

    fn legend(self) -> &'static str {
        match self {
            Look::Applier => "applier (Kustomization, HelmRelease)",
            Look::Source => "source",
            Look::Wildcard => "label selector (matched at event time)",
            Look::Uncovered => "uncovered applier",
            Look::Overlap => "covered twice for one Provider",
            _ => "",
        }
    }
}

/// One box: its column, the y of its centre, what it says and what its tooltip says.
struct Box {
    id: String,
    column: usize,
    y: u32,
    look: Look,
    caption: String,
    label: String,
    title: String,
}

struct Edge {
    from: usize,
    to: usize,
    color: &'static str,
    dashed: bool,
}

/// The picture before it is written: boxes, edges, and what goes under the diagram.
#[derive(Default)]
struct Layout {
    boxes: Vec<Box>,
    edges: Vec<Edge>,
    ids: HashSet<String>,
    /// Lowest y used so far (the bottom edge of the last row).
    bottom: u32,
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

    fn edge(&mut self, from: usize, to: usize, color: &'static str, dashed: bool) {
        self.edges.push(Edge {
            from,
            to,
            color,
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

fn qualified(namespace: Option<&str>, name: &str) -> String {
    crate::generate::inventory::qualified(namespace, name)
}

fn is_applier(kind: &str) -> bool {
    crate::generate::inventory::applier_group(kind).is_some()
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
fn layout(audit: &Audit) -> Layout {
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
                out.edge(env_box, child, EDGE, false);
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
            let color = if out.boxes[child].look == Look::Placeholder {
                RED
            } else {
                EDGE
            };
            out.edge(app_box, child, color, color == RED);
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
    for (i, wildcard) in alert.wildcards.iter().enumerate() {
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
    out.edge(alert_box, provider_box, EDGE, false);
    for row in rows {
        let look = out.boxes[row].look;
        let color = if look == Look::Overlap { AMBER } else { EDGE };
        out.edge(provider_box, row, color, look == Look::Wildcard);
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
        out.edge(placeholder, row, RED, true);
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
pub(crate) fn text_width(text: &str, size: u32) -> u32 {
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

/// Text for XML content and attribute values. Characters XML 1.0 forbids (most C0 controls)
/// become U+FFFD: a name may hold them, the document must still parse.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {
                out.push('\u{FFFD}');
            }
            c => out.push(c),
        }
    }
    out
}

/// The width a box needs. Labels are semibold, which the per-character widths do not cover:
/// bold faces run up to about 15% wider.
fn box_width(node: &Box) -> u32 {
    (text_width(&node.label, LABEL_SIZE) * 115)
        .div_ceil(100)
        .max(text_width(&node.caption, CAPTION_SIZE))
        + 2 * BOX_PADDING
}

/// The picture of `audit`.
pub fn svg(audit: &Audit) -> String {
    let layout = layout(audit);
    let mut widths = COLUMNS.map(|heading| text_width(heading, CAPTION_SIZE).max(MIN_COLUMN));
    for node in &layout.boxes {
        widths[node.column] = widths[node.column].max(box_width(node));
    }
    let mut xs = [MARGIN; 5];
    for c in 1..5 {
        xs[c] = xs[c - 1] + widths[c - 1] + COLUMN_GAP;
    }
    let diagram_right = xs[4] + widths[4];

    let totals = totals_line(audit);
    let heading = "Notification coverage";
    let overlap_lines: Vec<String> = audit
        .overlaps
        .iter()
        .map(|o| {
            let objects: Vec<String> = o.objects.iter().map(ToString::to_string).collect();
            format!(
                "Alerts {} and {} → Provider {}: {}",
                o.alerts.0,
                o.alerts.1,
                qualified(o.namespace.as_deref(), &o.provider),
                objects.join(", ")
            )
        })
        .collect();
    let legend = [
        Look::Applier,
        Look::Source,
        Look::Wildcard,
        Look::Uncovered,
        Look::Overlap,
    ];
    let legend_width: u32 = legend
        .iter()
        .map(|l| 22 + text_width(l.legend(), LABEL_SIZE) + 20)
        .sum();

    let mut y = layout.bottom.max(HEADER) + 28;
    let overlaps_top = y;
    if !overlap_lines.is_empty() {
        y += 20 + 18 * overlap_lines.len() as u32 + 12;
    }
    let legend_y = y;
    let height = legend_y + 14 + MARGIN;
    let width = [
        diagram_right,
        MARGIN + text_width(heading, 18),
        MARGIN + text_width(&totals, LABEL_SIZE),
        MARGIN + legend_width,
    ]
    .into_iter()
    .chain(
        overlap_lines
            .iter()
            .map(|l| MARGIN + text_width(l, LABEL_SIZE)),
    )
    .max()
    .unwrap_or(diagram_right)
        + MARGIN;

    let summary = format!("Notification coverage: {totals}");
    let mut out = String::with_capacity(512 + layout.boxes.len() * 420);
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\" font-family=\"{FONT}\" \
         font-size=\"{LABEL_SIZE}\">",
        escape(&summary)
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&summary));
    let _ = writeln!(
        out,
        "<desc>Columns from left to right: app, environment, Alert, Provider, and the objects \
         each Alert covers. Uncovered appliers hang under a dashed “no Alert” box; objects \
         two Alerts send to one Provider are marked amber.</desc>"
    );
    let _ = writeln!(
        out,
        "<rect width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>"
    );
    let _ = writeln!(
        out,
        "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"18\" font-weight=\"600\" fill=\"{TEXT}\">{}</text>",
        MARGIN + 14,
        escape(heading)
    );
    let _ = writeln!(
        out,
        "<text x=\"{MARGIN}\" y=\"{}\" fill=\"{MUTED}\">{}</text>",
        MARGIN + 36,
        escape(&totals)
    );
    out.push_str(
        "<g font-size=\"10\" font-weight=\"600\" letter-spacing=\"0.5\" fill=\"#64748b\">\n",
    );
    for (c, title) in COLUMNS.iter().enumerate() {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\">{title}</text>",
            xs[c],
            HEADER - 20
        );
    }
    out.push_str("</g>\n");

    out.push_str("<g fill=\"none\" stroke-width=\"1.5\">\n");
    for edge in &layout.edges {
        let (a, b) = (&layout.boxes[edge.from], &layout.boxes[edge.to]);
        let x1 = xs[a.column] + widths[a.column];
        let x2 = xs[b.column];
        let mid = x1 + (x2.saturating_sub(x1)) / 2;
        let dash = if edge.dashed {
            " stroke-dasharray=\"4 3\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<path d=\"M{x1} {} C{mid} {} {mid} {} {x2} {}\" stroke=\"{}\"{dash}/>",
            a.y, a.y, b.y, b.y, edge.color
        );
    }
    out.push_str("</g>\n");

    for node in &layout.boxes {
        let (fill, stroke, stroke_width, dash) = node.look.paint();
        let x = xs[node.column];
        let top = node.y - NODE_HEIGHT / 2;
        // One width per column: the boxes line up, and so do the edges leaving them.
        let w = widths[node.column];
        let dash = dash
            .map(|d| format!(" stroke-dasharray=\"{d}\""))
            .unwrap_or_default();
        let label_color = match node.look {
            Look::Uncovered => RED,
            Look::Placeholder => MUTED,
            _ => TEXT,
        };
        let _ = writeln!(
            out,
            "<g id=\"{}\"><title>{}</title><rect x=\"{x}\" y=\"{top}\" width=\"{w}\" \
             height=\"{NODE_HEIGHT}\" rx=\"6\" fill=\"{fill}\" stroke=\"{stroke}\" \
             stroke-width=\"{stroke_width}\"{dash}/><text x=\"{}\" y=\"{}\" \
             font-size=\"{CAPTION_SIZE}\" fill=\"{MUTED}\">{}</text><text x=\"{}\" y=\"{}\" \
             font-weight=\"600\" fill=\"{label_color}\">{}</text></g>",
            escape(&node.id),
            escape(&node.title),
            x + BOX_PADDING,
            node.y - 4,
            escape(&node.caption),
            x + BOX_PADDING,
            node.y + 12,
            escape(&node.label),
        );
    }

    if !overlap_lines.is_empty() {
        let _ = writeln!(
            out,
            "<text x=\"{MARGIN}\" y=\"{}\" font-weight=\"600\" fill=\"{AMBER}\">Overlaps \
             (duplicate notifications)</text>",
            overlaps_top + 12
        );
        for (i, line) in overlap_lines.iter().enumerate() {
            let _ = writeln!(
                out,
                "<text x=\"{MARGIN}\" y=\"{}\" fill=\"{AMBER}\">{}</text>",
                overlaps_top + 32 + 18 * i as u32,
                escape(line)
            );
        }
    }

    out.push_str("<g>\n");
    let mut x = MARGIN;
    for look in legend {
        let (fill, stroke, stroke_width, dash) = look.paint();
        let dash = dash
            .map(|d| format!(" stroke-dasharray=\"{d}\""))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<rect x=\"{x}\" y=\"{legend_y}\" width=\"14\" height=\"14\" rx=\"3\" fill=\"{fill}\" \
             stroke=\"{stroke}\" stroke-width=\"{stroke_width}\"{dash}/><text x=\"{}\" y=\"{}\" \
             fill=\"{MUTED}\">{}</text>",
            x + 22,
            legend_y + 11,
            escape(look.legend())
        );
        x += 22 + text_width(look.legend(), LABEL_SIZE) + 20;
    }
    out.push_str("</g>\n</svg>\n");
    out
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
    fn escaping_makes_any_name_xml() {
        assert_eq!(
            escape("a<b>&'\"\u{1}\u{ffff}\té"),
            "a&lt;b&gt;&amp;&apos;&quot;\u{fffd}\u{fffd}\té"
        );
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
