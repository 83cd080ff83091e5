//! The coverage picture written as SVG from its layout: presentation attributes only (no
//! `<style>` sheet, so the picture can be inlined into a page without its rules leaking into
//! the page), every box with a `<title>` tooltip and a stable id.

use std::fmt::Write;

use super::layout::{
    layout, text_width, Columns, Look, Tone, BOX_PADDING, CAPTION_SIZE, COLUMNS, HEADER,
    LABEL_SIZE, MARGIN, NODE_HEIGHT,
};
use crate::audit::Audit;
use crate::report::totals_line;
use crate::resource_list::qualified;

const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, \
                    'DejaVu Sans', sans-serif";
const TEXT: &str = "#0f172a";
const MUTED: &str = "#475569";
const EDGE: &str = "#94a3b8";
const RED: &str = "#dc2626";
const AMBER: &str = "#b45309";

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

fn tone_color(tone: Tone) -> &'static str {
    match tone {
        Tone::Plain => EDGE,
        Tone::Overlap => AMBER,
        Tone::Missing => RED,
    }
}

/// Text for XML content and attribute values. Characters XML 1.0 forbids (most C0 controls)
/// become U+FFFD: a name may hold them, the document must still parse.
fn escape(text: &str) -> String {
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

/// The picture of `audit`.
pub(in crate::report) fn svg(audit: &Audit) -> String {
    let layout = layout(audit);
    let Columns { widths, xs } = Columns::of(&layout);
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
            a.y,
            a.y,
            b.y,
            b.y,
            tone_color(edge.tone)
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
    fn escaping_makes_any_name_xml() {
        assert_eq!(
            escape("a<b>&'\"\u{1}\u{ffff}\té"),
            "a&lt;b&gt;&amp;&apos;&quot;\u{fffd}\u{fffd}\té"
        );
    }
}
