//! `explain`'s answer as text for a terminal, or as stable JSON:
//! `{"event": {apiVersion, kind, namespace, name, severity, message, metadata, droppedMetadata},
//! "notifications": [{alert, provider, metadata, conflicts}], "skipped": [{alert, reason}]}`.

use serde_json::{json, Value};

use crate::audit::Explanation;
use crate::dispatch::Strings;
use crate::resource_list::qualified;

/// The explanation as stable JSON (see the module's header).
pub fn explanation_json(e: &Explanation) -> Value {
    let object = &e.event.involved_object;
    json!({
        "event": {
            "apiVersion": object.api_version,
            "kind": object.kind,
            "namespace": object.namespace,
            "name": object.name,
            "severity": e.event.severity,
            "message": e.event.message,
            "metadata": e.received,
            "droppedMetadata": e.dropped,
        },
        "notifications": e.notifications.iter().map(|n| json!({
            "alert": n.alert,
            "provider": n.provider,
            "metadata": n.metadata,
            "conflicts": n.conflicts.iter().map(|c| c.key.as_str()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "skipped": e.skipped.iter().map(|s| json!({
            "alert": s.alert,
            "reason": s.reason,
        })).collect::<Vec<_>>(),
    })
}

fn metadata_lines(out: &mut String, indent: &str, metadata: &Strings) {
    for (key, value) in metadata {
        out.push_str(&format!("{indent}{key}: {value:?}\n"));
    }
}

/// The explanation for a terminal.
pub fn explanation_text(e: &Explanation) -> String {
    let object = &e.event.involved_object;
    let mut out = format!(
        "event: {} {} {} ({})\n  message: {:?}\n",
        e.event.severity,
        object.kind,
        qualified(object.namespace.as_deref(), &object.name),
        object.api_version,
        e.event.message
    );
    if e.received.is_empty() {
        out.push_str("  metadata: none\n");
    } else {
        out.push_str("  metadata:\n");
        metadata_lines(&mut out, "    ", &e.received);
    }
    if !e.dropped.is_empty() {
        out.push_str(&format!(
            "  dropped by notification-controller (neither event.toolkit.fluxcd.io/* nor the \
             object's group, or internal): {}\n",
            e.dropped.join(", ")
        ));
    }
    out.push_str(&format!("notifications: {}\n", e.notifications.len()));
    for n in &e.notifications {
        out.push_str(&format!("  Alert {} → Provider {}", n.alert, n.provider));
        if !n.provider_type.is_empty() {
            out.push_str(&format!(" ({})", n.provider_type));
        }
        out.push('\n');
        if n.metadata.is_empty() {
            out.push_str("    metadata: none\n");
        } else {
            out.push_str("    metadata:\n");
            metadata_lines(&mut out, "      ", &n.metadata);
        }
        for conflict in &n.conflicts {
            let sources: Vec<&str> = conflict.sources.iter().map(|s| s.as_str()).collect();
            out.push_str(&format!(
                "    conflict: {} is set by {} (a MetadataAppendFailed warning on the Alert)\n",
                conflict.key,
                sources.join(", ")
            ));
        }
    }
    out.push_str(&format!("skipped: {}\n", e.skipped.len()));
    for s in &e.skipped {
        out.push_str(&format!("  Alert {}: {}\n", s.alert, s.reason));
    }
    out
}
