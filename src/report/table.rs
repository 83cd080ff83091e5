//! The terminal table: one row per Alert, then uncovered appliers, overlaps and totals.

use std::fmt::Write;

use super::{counts, dash, totals_line};
use crate::audit::Audit;

pub(super) fn table(audit: &Audit) -> String {
    let mut rows = vec![[
        "APP".to_string(),
        "ENV".into(),
        "ALERT".into(),
        "PROVIDER".into(),
        "COVERS".into(),
    ]];
    for alert in &audit.alerts {
        rows.push([
            dash(alert.app.as_deref()).to_string(),
            dash(alert.environment.as_deref()).to_string(),
            format!(
                "{}{}",
                alert.id(),
                if alert.generated { "" } else { " (user)" }
            ),
            alert.provider.clone(),
            counts(alert),
        ]);
    }
    let widths: Vec<usize> = (0..4)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        for (c, width) in widths.iter().enumerate() {
            let _ = write!(out, "{:<width$}  ", row[c], width = width);
        }
        out.push_str(&row[4]);
        out.push('\n');
    }
    for (object, app) in &audit.uncovered {
        let _ = writeln!(out, "uncovered: {object} (app {})", dash(app.as_deref()));
    }
    for overlap in &audit.overlaps {
        let _ = writeln!(
            out,
            "overlap: {} and {} → Provider {}: {}",
            overlap.alerts.0,
            overlap.alerts.1,
            overlap.provider,
            overlap
                .objects
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let _ = writeln!(out, "total: {}", totals_line(audit));
    out
}
