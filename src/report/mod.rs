//! `report`: app → environment → Alert → Provider → covered objects, uncovered appliers,
//! overlaps and totals, drawn from an [`Audit`] as a terminal table, JSON, Markdown, Mermaid,
//! DOT or SVG. Every front end (the command line, the WASM exports) draws through [`render`].

mod explain;
mod graph;
mod json;
mod markdown;
mod svg;
mod table;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

pub use explain::{explanation_json, explanation_text};

use crate::audit::{audit, AlertView, Audit, ObjectId};
use crate::dispatch::Options;
use crate::generate::{self, Generation};
use crate::limits::Limits;
use crate::resource_list::ResourceList;
use crate::results::{has_errors, KrmResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Markdown,
    Mermaid,
    Dot,
    /// A self-contained picture: columns app → environment → Alert → Provider → objects.
    Svg,
}

impl Format {
    /// Every format with its name, as `--format` and the WASM `report` export spell it.
    pub const NAMES: [(&'static str, Format); 6] = [
        ("table", Format::Table),
        ("json", Format::Json),
        ("markdown", Format::Markdown),
        ("mermaid", Format::Mermaid),
        ("dot", Format::Dot),
        ("svg", Format::Svg),
    ];

    /// The format called `name`.
    pub fn from_name(name: &str) -> Option<Format> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, format)| *format)
    }
}

/// The report in `format`.
pub fn render(audit: &Audit, format: Format) -> String {
    match format {
        Format::Table => table::table(audit),
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&json::to_json(audit)).unwrap_or_default();
            text.push('\n');
            text
        }
        Format::Markdown => markdown::markdown(audit),
        Format::Mermaid => graph::mermaid(audit),
        Format::Dot => graph::dot(audit),
        Format::Svg => svg::svg(audit),
    }
}

/// "2 Kustomization, 1 HelmRelease": appliers first, then sources, by kind.
fn counts(alert: &AlertView) -> String {
    let mut counts: BTreeMap<(u8, &str), usize> = BTreeMap::new();
    for object in &alert.covers {
        let rank = match object.kind.as_str() {
            "Kustomization" => 0,
            "HelmRelease" => 1,
            _ => 2,
        };
        *counts.entry((rank, &object.kind)).or_default() += 1;
    }
    let mut parts: Vec<String> = counts
        .iter()
        .map(|((_, kind), n)| format!("{n} {kind}"))
        .collect();
    for wildcard in &alert.sources.wildcards {
        parts.push(wildcard.to_string());
    }
    if parts.is_empty() {
        "nothing".into()
    } else {
        parts.join(", ")
    }
}

fn dash(value: Option<&str>) -> &str {
    value.unwrap_or("-")
}

fn totals(audit: &Audit) -> Value {
    let apps: BTreeSet<&str> = audit
        .alerts
        .iter()
        .filter_map(|a| a.app.as_deref())
        .collect();
    let covered: BTreeSet<&ObjectId> = audit.alerts.iter().flat_map(|a| &a.covers).collect();
    json!({
        "apps": apps.len(),
        "alerts": audit.alerts.len(),
        "covered": covered.len(),
        "uncovered": audit.uncovered.len(),
        "overlaps": audit.overlaps.len(),
    })
}

fn totals_line(audit: &Audit) -> String {
    let t = totals(audit);
    let n = |key: &str, one: &str, many: &str| {
        let count = t[key].as_u64().unwrap_or(0);
        format!("{count} {}", if count == 1 { one } else { many })
    };
    format!(
        "{}, {}, {} covered, {} uncovered, {}",
        n("apps", "app", "apps"),
        n("alerts", "Alert", "Alerts"),
        n("covered", "object", "objects"),
        n("uncovered", "applier", "appliers"),
        n("overlaps", "overlap", "overlaps")
    )
}

/// The report of a read list in `format`: generation runs first, and its errors (configs that
/// cannot be read or applied) are the answer instead of a picture that would be wrong. The
/// command line's `report`, and the WASM `report` and `playground`, all draw through here.
pub fn report_list(
    list: &ResourceList<'_>,
    format: Format,
    app_label: &str,
    limits: &Limits,
) -> Result<String, Vec<KrmResult>> {
    let generation = generate::generate(list, limits);
    if has_errors(&generation.results) {
        return Err(generation.results);
    }
    Ok(draw(list, Some(&generation), format, app_label, limits))
}

/// The report of a built stream (`kubectl kustomize` output): its Alerts as they are, no
/// generation.
pub fn report_built(
    list: &ResourceList<'_>,
    format: Format,
    app_label: &str,
    limits: &Limits,
) -> String {
    draw(list, None, format, app_label, limits)
}

/// The report of a list whose generation has already run (`None`: a built stream).
pub fn draw(
    list: &ResourceList<'_>,
    generation: Option<&Generation>,
    format: Format,
    app_label: &str,
    limits: &Limits,
) -> String {
    let reader = generate::reader(limits);
    let options = Options::default();
    render(
        &audit(list, generation, app_label, &reader, &options),
        format,
    )
}
