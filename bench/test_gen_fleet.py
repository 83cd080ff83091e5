#!/usr/bin/env python3
"""Checks for bench/gen_fleet.py: `python3 bench/test_gen_fleet.py` (needs PyYAML; skips without).

* the 200-app ResourceList has 12,200 items and 14.5-16 MB, and PyYAML's `safe_load` reads it;
* every generated document reads back (libyaml) as exactly the tree the generator built, so
  no string changed type or value under YAML 1.1 rules (all ConfigMap data values are strings);
* the kpt annotations are right; output is deterministic and an app does not depend on --apps;
* `package` and `stream` hold the same documents without the annotations.
"""

import io
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import gen_fleet as g  # noqa: E402

try:
    import yaml
except ImportError:  # pragma: no cover
    yaml = None

FULL = os.environ.get("FLEET_FULL", "1") != "0"  # FLEET_FULL=0 skips the slow pure-Python load


def plain(v, anchors):
    """The generator's tree as the plain Python value a YAML loader should produce."""
    if isinstance(v, g.C):
        return plain(v.value, anchors)
    if isinstance(v, g.Flow):
        return plain(v.value, anchors)
    if isinstance(v, g.Anchor):
        anchors[v.name] = plain(v.value, anchors)
        return anchors[v.name]
    if isinstance(v, g.Alias):
        return anchors[v.name]
    if isinstance(v, dict):
        return {str(k): plain(x, anchors) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x, anchors) for x in v]
    if isinstance(v, str):
        return str(v)
    return v


def loader():
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def expected_items(n_apps, annotated=True):
    out = []
    for i in range(n_apps):
        for path, docs in g.app_files(g.app_name(i)):
            for index, doc in enumerate(docs):
                d = g.annotate(doc, path, index) if annotated else doc
                out.append(plain(d, {}))
    return out


def load_file(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def gen(*args):
    return subprocess.run([sys.executable, os.path.join(HERE, "gen_fleet.py"), *args],
                          check=True, capture_output=True).stdout


@unittest.skipIf(yaml is None, "PyYAML not installed")
class GenFleet(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.full = gen("--apps", "200")

    def test_size_and_count(self):
        size = len(self.full)
        print(f"\n200 apps: {size:,} bytes ({size / 1e6:.2f} MB, {size / 2**20:.2f} MiB)",
              file=sys.stderr)
        self.assertTrue(14_500_000 <= size <= 16_000_000, size)
        self.assertTrue(self.full.startswith(
            b"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: "))
        self.assertEqual(self.full.count(b"\n- apiVersion: "), 12_200)

    def test_safe_load_full(self):
        if not FULL:
            self.skipTest("FLEET_FULL=0")
        rl = yaml.safe_load(self.full.decode("utf-8"))
        self.assertEqual(rl["apiVersion"], "config.kubernetes.io/v1")
        self.assertEqual(rl["kind"], "ResourceList")
        self.assertEqual(len(rl["items"]), 12_200)

    def test_roundtrip_full(self):
        rl = yaml.load(self.full, Loader=loader())
        items = rl["items"]
        self.assertEqual(items, expected_items(200))
        kinds = {}
        for it in items:
            kinds[it["kind"]] = kinds.get(it["kind"], 0) + 1
            ann = it["metadata"]["annotations"]
            path = ann["internal.config.kubernetes.io/path"]
            self.assertEqual(ann["config.kubernetes.io/path"], path)
            self.assertEqual(ann["config.kubernetes.io/index"], ann["internal.config.kubernetes.io/index"])
            self.assertTrue(path.startswith(f"apps/{it['metadata']['name'][:7]}/"), path)
            if it["kind"] == "ConfigMap":
                for k, v in it["data"].items():
                    self.assertIsInstance(v, str, (it["metadata"]["name"], k))
            if it["kind"] != "AppNotifications":
                self.assertEqual(it["metadata"]["namespace"], it["metadata"]["labels"]["app.kubernetes.io/name"])
        self.assertEqual(kinds, {"ConfigMap": 11_200, "Kustomization": 400, "HelmRelease": 200,
                                 "HelmRepository": 200, "AppNotifications": 200})
        # non-ASCII, comments, anchors and quoted look-alikes are present
        for needle in ["Zürich".encode(), "おかえり".encode(), b"\n      # ", b"-probe\n", b": *app-",
                       b"'0755'", b'"yes"', b'"2024-01-01"', b"' # semver range"]:
            self.assertIn(needle, self.full)

    def test_deterministic(self):
        self.assertEqual(gen("--apps", "200"), self.full)
        small = gen("--apps", "8")
        self.assertTrue(self.full.startswith(small[: small.rindex(b"\n- apiVersion: ")]))

    def test_package_and_stream(self):
        n = 3
        with tempfile.TemporaryDirectory() as tmp:
            pkg = os.path.join(tmp, "pkg")
            gen("--apps", str(n), "--format", "package", "--out", pkg)
            kptfile = load_file(os.path.join(pkg, "Kptfile"))
            self.assertEqual((kptfile["apiVersion"], kptfile["kind"], kptfile["metadata"]["name"]),
                             ("kpt.dev/v1", "Kptfile", "fleet"))
            docs = []
            for dirpath, dirnames, filenames in os.walk(pkg):
                dirnames.sort()
                for f in sorted(filenames):
                    if f.endswith(".yaml"):
                        with open(os.path.join(dirpath, f), encoding="utf-8") as fh:
                            docs.extend(yaml.load_all(fh, Loader=loader()))
            self.assertEqual(docs, expected_items(n, annotated=False))
            self.assertEqual(len(docs), 61 * n)

            stream = gen("--apps", str(n), "--format", "stream")
            self.assertEqual(list(yaml.load_all(io.BytesIO(stream), Loader=loader())),
                             expected_items(n, annotated=False))
            self.assertNotIn(b"config.kubernetes.io/path", stream)

            kz = os.path.join(tmp, "kz")
            gen("--apps", str(n), "--format", "kustomize", "--out", kz, "--transformer", "t.yaml")
            root = load_file(os.path.join(kz, "kustomization.yaml"))
            self.assertEqual(root["resources"], [f"apps/app-00{i}" for i in range(n)])
            self.assertEqual(root["transformers"], ["t.yaml"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
