//! Markdown: a table of Alerts, then uncovered appliers and overlaps, for a pull request.

use std::fmt::Write;

use super::{counts, dash, totals_line};
use crate::audit::Audit;

pub(super) fn markdown(audit: &Audit) -> String {
    let mut out = String::from(
        "| App | Environment | Alert | Provider | Covers |\n| --- | --- | --- | --- | --- |\n",
    );
    for alert in &audit.alerts {
        let _ = writeln!(
            out,
            "| {} | {} | `{}`{} | `{}` | {} |",
            dash(alert.app.as_deref()),
            dash(alert.environment.as_deref()),
            alert.id(),
            if alert.generated { "" } else { " (user)" },
            alert.provider,
            counts(alert)
        );
    }
    if !audit.uncovered.is_empty() {
        out.push_str("\n**Uncovered appliers**\n\n");
        for (object, app) in &audit.uncovered {
            let _ = writeln!(out, "- {object} (app {})", dash(app.as_deref()));
        }
    }
    if !audit.overlaps.is_empty() {
        out.push_str("\n**Overlaps** (duplicate notifications)\n\n");
        for o in &audit.overlaps {
            let objects: Vec<String> = o.objects.iter().map(ToString::to_string).collect();
            let _ = writeln!(
                out,
                "- `{}` and `{}` → `{}`: {}",
                o.alerts.0,
                o.alerts.1,
                o.provider,
                objects.join(", ")
            );
        }
    }
    let _ = writeln!(out, "\nTotal: {}.", totals_line(audit));
    out
}
