use app_notifications::config::*;
use serde_json::{json, Value};

fn base() -> Value {
    json!({
        "apiVersion": "app-notifications.dev/v1alpha1",
        "kind": "AppNotifications",
        "metadata": {"name": "billing", "namespace": "apps"},
        "spec": {"alerts": [{"name": "default", "providerRef": "slack"}]}
    })
}

fn show(label: &str, v: Value) {
    match load(&v) {
        Ok(l) => {
            println!("{label}: OK");
            for w in l.warnings {
                println!("   W {w}");
            }
        }
        Err(es) => {
            println!("{label}: ERR");
            for e in es {
                println!("   E {e}");
            }
        }
    }
}

fn with(patch: impl FnOnce(&mut Value)) -> Value {
    let mut v = base();
    patch(&mut v);
    v
}

#[test]
fn explore() {
    show("base", base());
    show(
        "typo",
        with(|v| {
            v["spec"]["alerts"][0]["provderRef"] = json!("x");
        }),
    );
    show(
        "sev",
        with(|v| {
            v["spec"]["alerts"][0]["eventSeverity"] = json!("eror");
        }),
    );
    show(
        "sev2",
        with(|v| {
            v["spec"]["alerts"][0]["eventSeverity"] = json!("warning");
        }),
    );
    show(
        "sevnum",
        with(|v| {
            v["spec"]["alerts"][0]["eventSeverity"] = json!(3);
        }),
    );
    show(
        "noalerts",
        with(|v| {
            v["spec"].as_object_mut().unwrap().remove("alerts");
        }),
    );
    show(
        "emptyalerts",
        with(|v| {
            v["spec"]["alerts"] = json!([]);
        }),
    );
    show(
        "noprov",
        with(|v| {
            v["spec"]["alerts"][0]
                .as_object_mut()
                .unwrap()
                .remove("providerRef");
        }),
    );
    show(
        "provobj",
        with(|v| {
            v["spec"]["alerts"][0]["providerRef"] = json!({"nmae": "x"});
        }),
    );
    show(
        "provnum",
        with(|v| {
            v["spec"]["alerts"][0]["providerRef"] = json!(3);
        }),
    );
    show(
        "envnum",
        with(|v| {
            v["spec"]["environment"] = json!(2024);
        }),
    );
    show(
        "incl",
        with(|v| {
            v["spec"]["alerts"][0]["inclusionList"] = json!(["(abc", "a(?=b)", "(?x)a", "ok"]);
        }),
    );
    show(
        "inclstr",
        with(|v| {
            v["spec"]["alerts"][0]["inclusionList"] = json!(".*");
        }),
    );
    show(
        "suspend",
        with(|v| {
            v["spec"]["alerts"][0]["suspend"] = json!("true");
        }),
    );
    show(
        "metanull",
        with(|v| {
            v["spec"]["alerts"][0]["eventMetadata"] = json!({"a": null, "b": 1});
        }),
    );
    show(
        "spec-providerRef",
        with(|v| {
            v["spec"]["providerRef"] = json!("x");
        }),
    );
    show(
        "providers",
        with(|v| {
            v["spec"]["providers"] = json!([
                {"name": "slack", "type": "slak", "address": "https://user:pw@hooks.example.com/x"},
                {"name": "gh", "type": "slack", "commitStatusExpr": "x", "timeout": "1h"},
                {"name": "z", "type": "zoom", "address": "https://example.com/?token=abc", "proxy": "http://x"},
                {"name": "h", "type": "slack", "address": "https://hooks.slack.com/services/T/B/X"},
                {"name": "p", "type": "googlepubsub", "address": "my-project", "serviceAccountName": "sa", "secretRef": {"name": "s"}},
                {"name": "n", "type": "nats", "address": "nats://a:4222,nats://b:4222"},
                {"name": "f", "type": "generic", "address": "ftp://x"},
            ]);
        }),
    );
    show(
        "env",
        with(|v| {
            v["spec"]["environments"] = json!({
                "production": {"alerts": [{"name": "default", "eventSeverity": "eror"}, {"name": "chat"}], "sources": "none",
                               "providers": [{"name": "new"}]},
                "Dev_1": {"disabled": true}
            });
        }),
    );
    show(
        "both",
        with(|v| {
            v["spec"]["environment"] = json!("prod");
            v["spec"]["environmentLabel"] = json!("env");
        }),
    );
    show(
        "matchexpr",
        with(|v| {
            v["spec"]["eventSources"] = json!("selector");
            v["spec"]["selector"] = json!({"matchExpressions": [{"key": "tier", "operator": "In"}], "matchLabels": {"Bad Key": "-v"}});
        }),
    );
    show(
        "emptysel",
        with(|v| {
            v["spec"]["selector"] = json!({});
        }),
    );
    show(
        "names",
        with(|v| {
            v["metadata"]["name"] = json!("Billing_API");
            v["spec"]["alerts"][0]["name"] = json!("Chat");
            v["spec"]["alerts"][0]["providerRef"] = json!({"name": "Slack"});
        }),
    );
    show(
        "out",
        with(|v| {
            v["spec"]["outputPath"] = json!("../x.yaml");
        }),
    );
    show(
        "dup",
        with(|v| {
            v["spec"]["alerts"] = json!([{"providerRef": "a"}, {"providerRef": "b"}]);
        }),
    );
    show(
        "kind",
        with(|v| {
            v["kind"] = json!("AppNotification");
        }),
    );
    show(
        "ver",
        with(|v| {
            v["apiVersion"] = json!("app-notifications.dev/v1");
        }),
    );
    show(
        "nometa",
        with(|v| {
            v.as_object_mut().unwrap().remove("metadata");
        }),
    );
    show(
        "summary",
        with(|v| {
            v["spec"]["alerts"][0]["summary"] = json!("x".repeat(300));
        }),
    );
    show(
        "appliers",
        with(|v| {
            v["spec"]["appliers"] = json!(["Kustomisation", "HelmRelease", "HelmRelease"]);
        }),
    );
    show(
        "applierstr",
        with(|v| {
            v["spec"]["appliers"] = json!("Kustomization");
        }),
    );
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "function-input"},
        "data": {"app": "billing", "providerRef": "slack", "eventSeverity": "errr", "namspace": "x", "environment": "Prod"}});
    match from_config_map(&cm) {
        Ok(l) => println!("cm OK {:?}", l.warnings),
        Err(es) => {
            for e in es {
                println!("  CM {e}");
            }
        }
    }
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "function-input"}, "data": {}});
    match from_config_map(&cm) {
        Ok(l) => println!("cm OK {:?}", l.warnings),
        Err(es) => {
            for e in es {
                println!("  CM {e}");
            }
        }
    }
}
