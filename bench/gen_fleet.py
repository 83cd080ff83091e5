#!/usr/bin/env python3
"""Generate a deterministic, realistic Flux fleet for the app-notifications benchmarks.

Per app (``app-000`` … ``app-NNN``), 61 resources:

* 2 Flux Kustomizations (``kustomize.toolkit.fluxcd.io/v1``),
* 1 HelmRelease (``helm.toolkit.fluxcd.io/v2``) and the HelmRepository it owns
  (``source.toolkit.fluxcd.io/v1``),
* 1 ``AppNotifications`` config (``app-notifications.dev/v1alpha1``, local-config),
* 56 ConfigMaps (8 components x 7 kinds of config file) holding block scalars, quoted
  YAML 1.1 look-alikes (``"yes"``, ``'0755'``, ``"2024-01-01"``…), comments and non-ASCII text.

Formats (``--format``):

* ``resourcelist`` (default): one ``config.kubernetes.io/v1`` ResourceList, kyaml style
  (sequences not indented, 2-space indent), every item carrying the kpt annotations
  ``internal.config.kubernetes.io/path``/``index`` and the legacy ``config.kubernetes.io/path``/
  ``index``. Items come in the order kpt reads a package (files sorted by path, then documents).
  200 apps give 12,200 items and about 15 MB.
* ``package``: a kpt package directory (``Kptfile`` + ``apps/<app>/*.yaml``, multi-document,
  without the annotations).
* ``stream``: a multi-document YAML stream of the items, without the annotations (what
  kustomize hands a legacy exec plugin).
* ``kustomize``: the package layout plus ``kustomization.yaml`` files (root and per app), for
  ``kubectl kustomize`` measurements. ``--transformer FILE`` adds a ``transformers:`` entry.

Output is a pure function of the options: every app draws from its own RNG seeded with a fixed
string, so ``app-007`` is the same whatever ``--apps`` is, and nothing depends on time, hashing
or the environment. Standard library only.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys

SEED = "app-notifications-fleet/v1"
RESOURCES_PER_APP = 61

COMPONENTS = ["api", "worker", "web", "scheduler", "gateway", "ingest", "reports", "auth"]
CONFIG_KINDS = ["nginx", "app-config", "logging", "env", "features", "i18n", "rules"]
TEAMS = ["payments", "platform", "growth", "search", "identity", "data", "mobile", "core"]
REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-northeast-1"]
CITIES = ["Zürich", "München", "Kraków", "São Paulo", "Göteborg", "Montréal", "Reykjavík", "Århus"]


# --------------------------------------------------------------------------------------------
# A small YAML emitter (block style, kyaml flavour: 2-space indent, sequences not indented).
# --------------------------------------------------------------------------------------------


class Lit(str):
    """A string emitted as a literal block scalar (``|``, ``|-`` or ``|+``)."""


class SQ(str):
    """A string emitted single-quoted."""


class DQ(str):
    """A string emitted double-quoted."""


class Flow:
    """A small mapping or sequence emitted in flow style (``{a: b}`` / ``[a, b]``)."""

    def __init__(self, value):
        self.value = value


class K(str):
    """A mapping key with a comment line emitted above it."""

    def __new__(cls, key, comment):
        obj = super().__new__(cls, key)
        obj.comment = comment
        return obj


class Anchor:
    """A mapping emitted with an anchor (``key: &name``)."""

    def __init__(self, name, value):
        self.name = name
        self.value = value


class Alias:
    """An alias node (``*name``)."""

    def __init__(self, name):
        self.name = name


class C:
    """A scalar value followed by an end-of-line comment."""

    def __init__(self, value, comment):
        self.value = value
        self.comment = comment


_RESERVED = {
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "<<", "=",
}
_PLAIN_UNIT = re.compile(r"^[1-9][0-9]*(?:ms|s|m|h|Mi|Gi|Ki|M|G)$")
_PLAIN_OK = re.compile(r"^(?:\./)?[A-Za-z/\u00c0-\uffff][A-Za-z0-9 _./@:+,()\-\u00c0-\uffff]*$")


def _plain_ok(s: str) -> bool:
    if s == "" or s.lower() in _RESERVED:
        return False
    if _PLAIN_UNIT.match(s):
        return True
    if not _PLAIN_OK.match(s):
        return False
    if s != s.strip() or s.endswith(":") or ": " in s or " #" in s:
        return False
    return True


def _dq(s: str) -> str:
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20:
            out.append("\\x%02x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _sq(s: str) -> str:
    assert "\n" not in s
    return "'" + s.replace("'", "''") + "'"


def scalar(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, SQ):
        return _sq(v)
    if isinstance(v, DQ):
        return _dq(v)
    if isinstance(v, str):
        return v if _plain_ok(v) else _dq(v)
    raise TypeError(f"unsupported scalar {v!r}")


def flow(v) -> str:
    if isinstance(v, dict):
        if not v:
            return "{}"
        return "{" + ", ".join(f"{scalar(k)}: {flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(flow(x) for x in v) + "]"
    s = scalar(v)
    if isinstance(v, str) and s == v and any(c in v for c in ",[]{}:#"):
        s = _dq(v)
    return s


def _literal(key_prefix: str, text: str, ind: int, out: list) -> None:
    if text.endswith("\n\n"):
        chomp = "+"
    elif text.endswith("\n"):
        chomp = ""
    else:
        chomp = "-"
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    assert lines and not lines[0].startswith(" "), "literal needs an indentation indicator"
    out.append(f"{key_prefix}|{chomp}")
    pad = " " * ind
    for line in lines:
        assert not line.endswith(" "), repr(line)
        out.append(pad + line if line else "")


def emit_map(m: dict, ind: int, out: list) -> None:
    pad = " " * ind
    for k, v in m.items():
        if isinstance(k, K):
            out.append(f"{pad}# {k.comment}")
        key = scalar(str(k))
        emit_value(f"{pad}{key}:", v, ind, out)


def emit_value(prefix: str, v, ind: int, out: list) -> None:
    """Emit ``v`` as the value of a mapping key whose line starts with ``prefix``."""
    if isinstance(v, C):
        before = len(out)
        emit_value(prefix, v.value, ind, out)
        assert len(out) == before + 1
        out[-1] += f" # {v.comment}"
    elif isinstance(v, Flow):
        out.append(f"{prefix} {flow(v.value)}")
    elif isinstance(v, Anchor):
        assert isinstance(v.value, dict) and v.value
        emit_value(f"{prefix} &{v.name}", v.value, ind, out)
    elif isinstance(v, Alias):
        out.append(f"{prefix} *{v.name}")
    elif isinstance(v, dict):
        if not v:
            out.append(f"{prefix} {{}}")
        else:
            out.append(prefix)
            emit_map(v, ind + 2, out)
    elif isinstance(v, list):
        if not v:
            out.append(f"{prefix} []")
        else:
            out.append(prefix)
            emit_seq(v, ind, out)
    elif isinstance(v, Lit):
        _literal(prefix + " ", v, ind + 2, out)
    else:
        out.append(f"{prefix} {scalar(v)}")


def emit_seq(seq: list, ind: int, out: list) -> None:
    pad = " " * ind
    for item in seq:
        if isinstance(item, dict) and item:
            first = next(iter(item))
            assert not isinstance(first, K), "no comment on the first key of a sequence entry"
            sub: list = []
            emit_map(item, ind + 2, sub)
            sub[0] = pad + "- " + sub[0][ind + 2 :]
            out.extend(sub)
        elif isinstance(item, (dict, list, Flow)):
            out.append(f"{pad}- {flow(item.value if isinstance(item, Flow) else item)}")
        else:
            out.append(f"{pad}- {scalar(item)}")


def dump(doc: dict) -> list:
    out: list = []
    emit_map(doc, 0, out)
    return out


# --------------------------------------------------------------------------------------------
# The fleet.
# --------------------------------------------------------------------------------------------


def app_name(i: int) -> str:
    return "app-%03d" % i


def labels(app: str, component: str | None = None, version: str | None = None) -> dict:
    lab = {"app.kubernetes.io/name": app}
    if component:
        lab["app.kubernetes.io/component"] = component
    if version:
        lab["app.kubernetes.io/version"] = DQ(version)
    lab["app.kubernetes.io/part-of"] = "fleet"
    return lab


def kustomizations(app: str, rng: random.Random, team: str) -> list:
    config = {
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        "kind": "Kustomization",
        "metadata": {
            "name": f"{app}-config",
            "namespace": app,
            "labels": labels(app),
        },
        "spec": {
            "interval": rng.choice(["5m", "10m", "15m"]),
            "path": f"./apps/{app}/config",
            "prune": True,
            "sourceRef": {"kind": "GitRepository", "name": "flux-system", "namespace": "flux-system"},
            "targetNamespace": app,
            "timeout": "2m",
        },
    }
    deploy = {
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        "kind": "Kustomization",
        "metadata": {
            "name": app,
            "namespace": app,
            "labels": labels(app),
            "annotations": {"fluxcd.io/owner": f"team-{team}"},
        },
        "spec": {
            "dependsOn": [{"name": f"{app}-config"}],
            "interval": rng.choice(["10m", "30m", "1h"]),
            K("path", "overlay per cluster; see docs/deploy.md"): f"./apps/{app}/deploy/production",
            "prune": True,
            "wait": rng.random() < 0.5,
            "sourceRef": {"kind": "GitRepository", "name": "flux-system", "namespace": "flux-system"},
            "postBuild": {
                "substitute": {
                    "cluster_region": rng.choice(REGIONS),
                    "replicas": DQ(str(rng.randint(2, 6))),
                },
            },
            "healthChecks": [
                {"apiVersion": "apps/v1", "kind": "Deployment", "name": f"{app}-api", "namespace": app},
            ],
        },
    }
    return [config, deploy]


def helm(app: str, rng: random.Random, team: str) -> list:
    repo = {
        "apiVersion": "source.toolkit.fluxcd.io/v1",
        "kind": "HelmRepository",
        "metadata": {"name": f"{app}-charts", "namespace": app, "labels": labels(app)},
        "spec": {
            "interval": "1h",
            "url": f"https://charts.example.com/{team}/{app}",
            "timeout": "60s",
        },
    }
    major, minor = rng.randint(1, 4), rng.randint(0, 20)
    tag = f"{major}.{minor}.{rng.randint(0, 9)}"
    use_anchor = rng.random() < 0.25
    release = {
        "apiVersion": "helm.toolkit.fluxcd.io/v2",
        "kind": "HelmRelease",
        "metadata": {"name": app, "namespace": app, "labels": labels(app)},
        "spec": {
            "interval": "15m",
            "releaseName": app,
            "chart": {
                "spec": {
                    "chart": app,
                    "version": C(SQ(f">={major}.{minor}.0 <{major + 1}.0.0"), "semver range"),
                    "sourceRef": {"kind": "HelmRepository", "name": f"{app}-charts"},
                    "interval": "1h",
                },
            },
            "install": {"crds": "CreateReplace", "remediation": {"retries": 3}},
            "upgrade": {"cleanupOnFail": True, "remediation": {"retries": 3, "strategy": "rollback"}},
            "values": {
                "replicaCount": rng.randint(2, 8),
                "image": {
                    "repository": f"registry.example.com/{team}/{app}",
                    "tag": DQ(tag),
                    "pullPolicy": "IfNotPresent",
                },
                K("resources", "sized from the last 30 days of usage"): {
                    "requests": Flow({"cpu": f"{rng.choice([100, 250, 500])}m",
                                      "memory": f"{rng.choice([128, 256, 512])}Mi"}),
                    "limits": Flow({"memory": f"{rng.choice([512, 1024])}Mi"}),
                },
                "ingress": {
                    "enabled": True,
                    "className": "nginx",
                    "annotations": {"cert-manager.io/cluster-issuer": "letsencrypt"},
                    "hosts": [
                        {"host": f"{app}.example.com",
                         "paths": [{"path": "/", "pathType": "Prefix"}]},
                    ],
                    "tls": [{"secretName": f"{app}-tls", "hosts": [f"{app}.example.com"]}],
                },
                "env": [
                    {"name": "LOG_LEVEL", "value": rng.choice(["info", "debug", "warn"])},
                    {"name": "ENABLE_TRACING", "value": DQ("true")},
                    {"name": "HTTP_PORT", "value": DQ(str(rng.choice([8080, 8000, 3000])))},
                ],
                "podAnnotations": {"prometheus.io/scrape": DQ("true")},
                "nodeSelector": {},
                "tolerations": [],
                "livenessProbe": Anchor(f"{app}-probe", {
                    "httpGet": {"path": "/healthz", "port": "http"},
                    "periodSeconds": 10,
                    "failureThreshold": 3,
                }) if use_anchor else {"httpGet": {"path": "/healthz", "port": "http"}},
                "readinessProbe": Alias(f"{app}-probe") if use_anchor else {
                    "httpGet": {"path": "/ready", "port": "http"}},
                "autoscaling": {
                    "enabled": True,
                    "minReplicas": 2,
                    "maxReplicas": rng.randint(8, 20),
                    "targetCPUUtilizationPercentage": 75,
                },
            },
        },
    }
    return [repo, release]


def notifications(app: str) -> dict:
    return {
        "apiVersion": "app-notifications.dev/v1alpha1",
        "kind": "AppNotifications",
        "metadata": {
            "name": app,
            "annotations": {"config.kubernetes.io/local-config": DQ("true")},
        },
        "spec": {"alerts": [{"name": "default", "providerRef": "slack"}]},
    }


def _nginx(app, comp, rng):
    port = rng.choice([8080, 8000, 3000, 9000])
    workers = rng.choice([2, 4, "auto"])
    return Lit(
        f"# nginx front for {app}/{comp}\n"
        f"worker_processes {workers};\n"
        "events {\n"
        f"    worker_connections {rng.choice([512, 1024, 2048])};\n"
        "}\n"
        "http {\n"
        "    sendfile on;\n"
        f"    keepalive_timeout {rng.randint(30, 90)};\n"
        "    log_format main '$remote_addr - $remote_user [$time_local] \"$request\" '\n"
        "                    '$status $body_bytes_sent \"$http_referer\"';\n"
        "    upstream backend {\n"
        f"        server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;\n"
        "    }\n"
        "    server {\n"
        "        listen 80;\n"
        f"        server_name {comp}.{app}.svc.cluster.local;\n"
        "        location /healthz { return 200 'ok'; }\n"
        "        location / {\n"
        "            proxy_pass http://backend;\n"
        "            proxy_set_header Host $host;\n"
        "            proxy_read_timeout 30s;\n"
        "        }\n"
        "    }\n"
        "}\n"
    ), port


def _app_config(app, comp, rng):
    region = rng.choice(REGIONS)
    return Lit(
        "# application settings (YAML inside a string: not parsed by kustomize)\n"
        "server:\n"
        f"  port: {rng.choice([8080, 8000])}\n"
        "  shutdown: graceful\n"
        "spring:\n"
        f"  application:\n    name: {app}-{comp}\n"
        "  datasource:\n"
        f"    url: jdbc:postgresql://{app}-db.{app}.svc:5432/{app.replace('-', '_')}\n"
        f"    hikari:\n      maximum-pool-size: {rng.randint(5, 30)}\n"
        "cache:\n"
        f"  ttl: {rng.choice(['30s', '5m', '1h'])}\n"
        "  enabled: yes\n"
        f"region: {region}\n"
        f"office: \"{rng.choice(CITIES)}\"\n"
        "retries: [1, 2, 4, 8]\n"
    )


def _logging(app, comp, rng):
    level = rng.choice(["INFO", "DEBUG", "WARN"])
    return Lit(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<configuration scan="true" scanPeriod="30 seconds">\n'
        '  <appender name="JSON" class="ch.qos.logback.core.ConsoleAppender">\n'
        '    <encoder class="net.logstash.logback.encoder.LogstashEncoder">\n'
        f'      <customFields>{{"app":"{app}","component":"{comp}"}}</customFields>\n'
        "    </encoder>\n"
        "  </appender>\n"
        f'  <logger name="com.example.{comp}" level="{level}"/>\n'
        '  <logger name="org.hibernate.SQL" level="WARN"/>\n'
        f'  <root level="{level}">\n'
        '    <appender-ref ref="JSON"/>\n'
        "  </root>\n"
        "</configuration>\n"
    )


def _env(app, comp, rng):
    return {
        "LOG_FORMAT": "json",
        "LOG_LEVEL": rng.choice(["info", "debug"]),
        K("FEATURE_AUDIT", "strings, not booleans: ConfigMap data is map[string]string"): DQ("true"),
        "ENABLE_LEGACY_API": SQ("no"),
        "AUTO_MIGRATE": DQ("yes"),
        "HTTP_PORT": DQ(str(rng.choice([8080, 8000, 3000]))),
        "UMASK": SQ("0755"),
        "MAX_BATCH": DQ("1_000"),
        "CUTOVER_DATE": DQ("2024-01-01"),
        "MAINTENANCE_WINDOW": DQ("12:30"),
        "EMPTY_MARKER": DQ("~"),
        "RATIO": DQ(f"0.{rng.randint(10, 99)}"),
        "REGION": rng.choice(REGIONS),
        "OFFICE_CITY": rng.choice(CITIES),
        "TIMEOUT": f"{rng.randint(5, 60)}s",
        "SERVICE_URL": f"http://{comp}.{app}.svc.cluster.local:8080/api/v1",
        "GREETING": DQ("Grüß Gott — “welcome”"),
        "COUNTRY_CODE": SQ("NO"),
        "OPTIONAL": DQ("null"),
    }


def _features(app, comp, rng):
    flags = []
    for name in ["new-checkout", "dark-mode", "beta-search", "fast-path", "audit-v2", "sso"]:
        flags.append(
            '    "%s": {"enabled": %s, "rollout": %d, "owners": ["%s@example.com"]}'
            % (name, "true" if rng.random() < 0.5 else "false", rng.randint(0, 100), comp)
        )
    return Lit(
        "{\n"
        f'  "service": "{app}/{comp}",\n'
        '  "version": 3,\n'
        '  "flags": {\n' + ",\n".join(flags) + "\n  },\n"
        f'  "updated": "2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T08:30:00Z"\n'
        "}\n"
    )


def _i18n(app, comp, rng):
    city = rng.choice(CITIES)
    return {
        "messages_en.properties": Lit(
            f"# {app} {comp} — English\n"
            "greeting=Welcome back, {0}!\n"
            "checkout.title=Your basket\n"
            "checkout.total=Total: {0,number,currency}\n"
            f"office.location=Our office in {city}\n"
            "error.generic=Something went wrong. Please try again.\n"
        ),
        "messages_de.properties": Lit(
            f"# {app} {comp} — Deutsch\n"
            "greeting=Willkommen zurück, {0}!\n"
            "checkout.title=Ihr Warenkorb\n"
            "checkout.total=Gesamt: {0,number,currency}\n"
            f"office.location=Unser Büro in {city}\n"
            "error.generic=Etwas ist schiefgelaufen. Bitte erneut versuchen.\n"
        ),
        "messages_ja.properties": Lit(
            "greeting=おかえりなさい、{0}さん\n"
            "checkout.title=買い物かご\n"
        ),
    }


def _rules(app, comp, rng):
    return Lit(
        "groups:\n"
        f"- name: {app}-{comp}.rules\n"
        "  rules:\n"
        f"  - alert: {comp.capitalize()}HighErrorRate\n"
        "    expr: |\n"
        f'      sum(rate(http_requests_total{{namespace="{app}",job="{comp}",code=~"5.."}}[5m]))\n'
        f'        / sum(rate(http_requests_total{{namespace="{app}",job="{comp}"}}[5m])) > 0.0{rng.randint(1, 5)}\n'
        f"    for: {rng.choice(['5m', '10m', '15m'])}\n"
        "    labels:\n"
        f"      severity: {rng.choice(['warning', 'critical'])}\n"
        f"      team: {rng.choice(TEAMS)}\n"
        "    annotations:\n"
        f"      summary: '{comp} error rate above threshold'\n"
        f"      runbook_url: https://runbooks.example.com/{app}/{comp}#errors\n"
        f"  - alert: {comp.capitalize()}PodRestarting\n"
        f'    expr: increase(kube_pod_container_status_restarts_total{{namespace="{app}"}}[1h]) > 3\n'
        "    labels:\n"
        "      severity: warning\n"
    )


def configmap(app: str, comp: str, kind: str, rng: random.Random, version: str) -> dict:
    name = f"{app}-{comp}-{kind}"
    data: dict
    if kind == "nginx":
        conf, port = _nginx(app, comp, rng)
        data = {"nginx.conf": conf, "upstream_port": DQ(str(port))}
    elif kind == "app-config":
        data = {K("application.yaml", "generated from the service template; keep in sync"):
                _app_config(app, comp, rng),
                "profile": rng.choice(["production", "default"])}
    elif kind == "logging":
        data = {"logback.xml": _logging(app, comp, rng)}
    elif kind == "env":
        data = _env(app, comp, rng)
    elif kind == "features":
        data = {"flags.json": _features(app, comp, rng)}
    elif kind == "i18n":
        data = _i18n(app, comp, rng)
    elif kind == "rules":
        data = {"alerts.rules.yaml": _rules(app, comp, rng)}
    else:
        raise ValueError(kind)
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": name,
            "namespace": app,
            "labels": labels(app, comp, version),
            "annotations": {"checksum/config": "sha256:%064x" % rng.getrandbits(256)},
        },
        "data": data,
    }


def app_files(app: str) -> list:
    """The app's files as (relative path, [documents]) in kpt's read order (sorted by path)."""
    rng = random.Random(f"{SEED}/{app}")
    team = rng.choice(TEAMS)
    version = "%d.%d.%d" % (rng.randint(1, 9), rng.randint(0, 30), rng.randint(0, 20))
    files = {}
    files[f"apps/{app}/kustomizations.yaml"] = kustomizations(app, rng, team)
    files[f"apps/{app}/helm.yaml"] = helm(app, rng, team)
    files[f"apps/{app}/notifications.yaml"] = [notifications(app)]
    for comp in COMPONENTS:
        files[f"apps/{app}/config-{comp}.yaml"] = [
            configmap(app, comp, kind, rng, version) for kind in CONFIG_KINDS
        ]
    out = sorted(files.items())
    assert sum(len(docs) for _, docs in out) == RESOURCES_PER_APP
    return out


def annotate(doc: dict, path: str, index: int) -> dict:
    """A copy of doc with the kpt path/index annotations appended to metadata.annotations."""
    meta = dict(doc["metadata"])
    ann = dict(meta.get("annotations", {}))
    ann["config.kubernetes.io/index"] = SQ(str(index))
    ann["config.kubernetes.io/path"] = SQ(path)
    ann["internal.config.kubernetes.io/index"] = SQ(str(index))
    ann["internal.config.kubernetes.io/path"] = SQ(path)
    meta["annotations"] = ann
    new = dict(doc)
    new["metadata"] = meta
    return new


def file_header(path: str) -> list:
    return [f"# {path} — generated by bench/gen_fleet.py (deterministic)"]


# --------------------------------------------------------------------------------------------
# Writers.
# --------------------------------------------------------------------------------------------


def write_resourcelist(n_apps: int, out) -> int:
    out.write("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n")
    out.write("items:\n" if n_apps else "items: []\n")
    count = 0
    for i in range(n_apps):
        for path, docs in app_files(app_name(i)):
            for index, doc in enumerate(docs):
                lines = dump(annotate(doc, path, index))
                buf = ["- " + lines[0]]
                buf.extend(("  " + line) if line else "" for line in lines[1:])
                out.write("\n".join(buf))
                out.write("\n")
                count += 1
    return count


def file_text(path: str, docs: list) -> str:
    lines = file_header(path)
    for k, doc in enumerate(docs):
        if k:
            lines.append("---")
        lines.extend(dump(doc))
    return "\n".join(lines) + "\n"


def write_stream(n_apps: int, out) -> int:
    count = 0
    for i in range(n_apps):
        for path, docs in app_files(app_name(i)):
            for doc in docs:
                if count:
                    out.write("---\n")
                out.write("\n".join(dump(doc)))
                out.write("\n")
                count += 1
    return count


def _write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def write_package(n_apps: int, root: str, kustomize: bool = False, transformer: str | None = None) -> int:
    if os.path.exists(root) and os.listdir(root):
        sys.exit(f"gen_fleet: {root} exists and is not empty; remove it first")
    _write(os.path.join(root, "Kptfile"),
           "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: fleet\n"
           "info:\n  description: benchmark fleet generated by bench/gen_fleet.py\n")
    count = 0
    apps = [app_name(i) for i in range(n_apps)]
    for app in apps:
        files = app_files(app)
        for path, docs in files:
            _write(os.path.join(root, path), file_text(path, docs))
            count += len(docs)
        if kustomize:
            names = [os.path.basename(p) for p, _ in files]
            _write(os.path.join(root, "apps", app, "kustomization.yaml"),
                   "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
                   + "".join(f"- {n}\n" for n in names))
    if kustomize:
        text = ("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
                + "".join(f"- apps/{a}\n" for a in apps))
        if transformer:
            text += f"transformers:\n- {transformer}\n"
        _write(os.path.join(root, "kustomization.yaml"), text)
    return count


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--apps", type=int, default=200, help="number of apps (default 200)")
    ap.add_argument("--format", choices=["resourcelist", "package", "stream", "kustomize"],
                    default="resourcelist")
    ap.add_argument("--out", default="-",
                    help="output file (resourcelist/stream; '-' = stdout) or directory (package/kustomize)")
    ap.add_argument("--transformer", default=None,
                    help="kustomize format: a transformers: entry for the root kustomization.yaml")
    args = ap.parse_args(argv)
    if args.apps < 0:
        ap.error("--apps must be >= 0")

    if args.format in ("package", "kustomize"):
        if args.out == "-":
            ap.error(f"--format {args.format} needs --out DIR")
        n = write_package(args.apps, args.out, kustomize=args.format == "kustomize",
                          transformer=args.transformer)
    else:
        writer = write_resourcelist if args.format == "resourcelist" else write_stream
        if args.out == "-":
            sys.stdout.reconfigure(encoding="utf-8", newline="\n")
            n = writer(args.apps, sys.stdout)
        else:
            os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
            tmp = args.out + ".tmp"
            with open(tmp, "w", encoding="utf-8", newline="\n") as f:
                n = writer(args.apps, f)
            os.replace(tmp, args.out)
    print(f"gen_fleet: {args.apps} apps, {n} resources, format {args.format} -> {args.out}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
