//! The stable JSON form (its keys and order are part of the interface, see the README).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::totals;
use crate::audit::{Audit, ObjectId};

fn object_json(object: &ObjectId) -> Value {
    json!({"kind": object.kind, "namespace": object.namespace, "name": object.name})
}

/// Stable JSON: `apps[].environments[].alerts[]`, `uncovered[]`, `overlaps[]`, `totals`. Keys
/// and ordering are part of the interface (see README "report").
pub(super) fn to_json(audit: &Audit) -> Value {
    let mut apps: BTreeMap<Option<&str>, BTreeMap<Option<&str>, Vec<Value>>> = BTreeMap::new();
    for alert in &audit.alerts {
        apps.entry(alert.app.as_deref())
            .or_default()
            .entry(alert.environment.as_deref())
            .or_default()
            .push(json!({
                "namespace": alert.namespace,
                "name": alert.name,
                "provider": alert.provider,
                "generated": alert.generated,
                "covers": alert.covers.iter().map(object_json).collect::<Vec<_>>(),
                "wildcards": alert.sources.wildcards.iter().map(|w| json!({
                    "kind": w.kind, "namespace": w.namespace, "matchLabels": w.labels,
                })).collect::<Vec<_>>(),
            }));
    }
    let apps: Vec<Value> = apps
        .into_iter()
        .map(|(app, envs)| {
            json!({
                "app": app,
                "environments": envs.into_iter().map(|(env, alerts)| json!({
                    "environment": env, "alerts": alerts,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "apps": apps,
        "uncovered": audit.uncovered.iter().map(|(o, app)| {
            let mut v = object_json(o);
            v["app"] = json!(app);
            v
        }).collect::<Vec<_>>(),
        "overlaps": audit.overlaps.iter().map(|o| json!({
            "provider": o.provider,
            "namespace": o.namespace,
            "alerts": [o.alerts.0, o.alerts.1],
            "objects": o.objects.iter().map(object_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "totals": totals(audit),
    })
}
