#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into fuzz/seeds/<target>/ (not committed;
`fuzz/corpus/<target>/` holds the committed, coverage-minimised set, see README.md).

Run from the repository root:  python3 fuzz/make_seeds.py

Seeds are text, built without re-serialising anything:
- reader_splicer: every tests/fixtures/corpus file wrapped as a ResourceList (documents as
  `- ` items, as tests/support/mod.rs `as_item`/`resource_list` do), the same at other item
  indentations and with CRLF, every tests/golden/*/input.*, and hand-written edge cases.
- whole_function: the golden inputs and the quickstart; plus a few 0xFF-prefixed inputs for
  the generator mode.
- legacy_plugin: the corpus files as they are (YAML streams) and the golden items as streams.
- config_loader: fn-config samples, the configs of the golden inputs, tests/fixtures configs;
  plus 0xFF-prefixed inputs for the schema-driven mode.
"""
import hashlib
import os
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "fuzz" / "seeds"
MAX_SEED = 16 * 1024

HEADER = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"


def documents(text):
    """Splits a YAML stream at `---` lines, dropping documents with no content."""
    docs, current = [], []
    for line in text.splitlines(keepends=True):
        if line.rstrip() == "---" or line.startswith("--- "):
            docs.append("".join(current))
            current = []
            continue
        current.append(line)
    docs.append("".join(current))
    return [
        d for d in docs
        if any(l.strip() and not l.strip().startswith("#") for l in d.splitlines())
    ]


def as_item(doc, indent=0):
    """A document as a block sequence entry at column `indent`."""
    pad = " " * indent
    out = []
    for i, line in enumerate(doc.splitlines(keepends=True)):
        if i == 0:
            out.append(pad + "- " + line)
        elif not line.rstrip("\r\n"):
            out.append(line)
        else:
            out.append(pad + "  " + line)
    text = "".join(out)
    return text if text.endswith("\n") else text + "\n"


def resource_list(items, indent=0):
    return HEADER + "".join(as_item(d, indent) for d in items)


def is_mapping_doc(doc):
    """Only documents whose root is a block mapping make ResourceList items the reader takes."""
    for line in doc.splitlines():
        s = line.strip()
        if not s or s.startswith("#") or s.startswith("%"):
            continue
        return bool(re.match(r"^[A-Za-z_\"'][^:]*:(\s|$)", line)) or s.startswith("{")
    return False


def golden_items(text):
    """The item texts of a golden input.yaml (block items at column 0), dedented."""
    lines = text.splitlines(keepends=True)
    items, current, inside = [], None, False
    for line in lines:
        if line.startswith("items:"):
            inside = True
            continue
        if not inside:
            continue
        if line.startswith("- "):
            if current is not None:
                items.append("".join(current))
            current = [line[2:]]
        elif line.startswith("  ") or not line.strip():
            if current is not None:
                current.append(line[2:] if line.startswith("  ") else line)
        else:
            inside = False
            if current is not None:
                items.append("".join(current))
                current = None
    if current is not None:
        items.append("".join(current))
    return items


def function_config(text):
    """The functionConfig block of a golden input.yaml, dedented."""
    m = re.search(r"^functionConfig:\n((?:  .*\n|\n)+)", text, re.M)
    if not m:
        return None
    return "".join(l[2:] if l.startswith("  ") else l for l in m.group(1).splitlines(keepends=True))


EDGE_CASES = [
    # empty, null and flow item containers
    HEADER.replace("items:\n", "items: []\n"),
    HEADER.replace("items:\n", "items:\n"),
    HEADER.replace("items:\n", "items: ~\n"),
    "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n",
    "apiVersion: v1\nkind: List\nitems:\n- {kind: ConfigMap, metadata: {name: a}}\n",
    HEADER.replace("items:\n", "items: [{kind: A, metadata: {name: a}}, {kind: B}]\n"),
    HEADER.replace("items:\n", "items: [\n  {kind: A},\n  {kind: B}, # c\n]\nresults: []\n"),
    '{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [{"kind": "A"}]}',
    '{"apiVersion":"config.kubernetes.io/v1","kind":"ResourceList","items":[],"results":[{"message":"m"}]}',
    # block items: comments, indentation, anchors, tags, block scalars
    HEADER + "- kind: A # trailing\n  metadata:\n    name: a\n# between\n\n- kind: B\n",
    HEADER.replace("items:\n", "items:\n  - kind: A\n    data:\n      x: 1\n  - kind: B\n"),
    HEADER + "- &base\n  kind: A\n  metadata: {name: a}\n- <<: *base\n  kind: B\n",
    HEADER + "- !!map\n  kind: A\n- &x !t {kind: B}\n- *x\n",
    HEADER + "- kind: A\n  data:\n    keep: |+\n      kept\n\n\n- kind: B\n  data:\n    f: >-\n      a\n      b\n",
    HEADER + "- kind: A\n  data:\n    last: |+\n      kept\n\n",
    HEADER + "- kind: A\n  data:\n    s: |2\n       indented\n    t: x\n",
    HEADER + "- kind: A\n  data:\n    lit: |\n      - not an item\n      key: value\n  # comment after\nfunctionConfig:\n  kind: X\n",
    HEADER + "- kind: ConfigMap\n  metadata:\n    name: \"é☕\"\n    annotations:\n      note: 'multi\n        line'\n",
    "\ufeff" + HEADER + "- kind: A\n",
    (HEADER + "- kind: A\n  metadata:\n    name: a\n- kind: B\n").replace("\n", "\r\n"),
    HEADER + "- kind: A\n" + "results:\n- message: old\n",
    "# leading comment\n---\n" + HEADER + "- kind: A\n...\n",
    "%YAML 1.2\n---\n" + HEADER + "- kind: A\n",
    "  apiVersion: config.kubernetes.io/v1\n  kind: ResourceList\n  items:\n  - kind: A\n  - kind: B\n",
    "kind: ResourceList\napiVersion: config.kubernetes.io/v1\nfunctionConfig:\n  kind: X\nitems:\n- kind: A\n",
    HEADER + "- ? kind\n  : A\n- {? kind : B}\n",
    HEADER + "-   kind: A\n    metadata:\n      name: wide\n-\n  kind: B\n",
    HEADER + "- # comment first\n  kind: A\n",
]


def write(target, name, data):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    if len(data) > MAX_SEED:
        return 0
    digest = hashlib.sha1(data).hexdigest()[:12]
    (d / f"{name}-{digest}").write_bytes(data)
    return 1


def main():
    counts = {}

    def add(target, name, data):
        counts[target] = counts.get(target, 0) + write(target, name, data)

    corpus = sorted(p for p in (ROOT / "tests/fixtures/corpus").rglob("*") if p.suffix in (".yaml", ".yml"))
    for path in corpus:
        text = path.read_text(encoding="utf-8")
        docs = [d for d in documents(text) if is_mapping_doc(d)]
        add("legacy_plugin", "corpus", text)
        if not docs:
            continue
        add("reader_splicer", "corpus", resource_list(docs))
    # A few corpus lists at other layouts (the rest would only repeat them).
    for i, path in enumerate(corpus[::25]):
        docs = [d for d in documents(path.read_text(encoding="utf-8")) if is_mapping_doc(d)]
        if docs:
            add("reader_splicer", "indent2", resource_list(docs, indent=2))
            add("reader_splicer", "crlf", resource_list(docs).replace("\n", "\r\n"))

    golden = sorted((ROOT / "tests/golden").glob("*/input.*"))
    for path in golden + [ROOT / "examples/quickstart/resource-list.yaml"]:
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        name = "golden-" + path.parent.name[:2]
        add("reader_splicer", name, text)
        add("whole_function", name, text)
        if path.suffix == ".yaml":
            items = golden_items(text)
            if items:
                add("legacy_plugin", name, "---\n".join(items))
            config = function_config(text)
            if config:
                add("config_loader", name, config)

    for i, case in enumerate(EDGE_CASES):
        add("reader_splicer", f"edge{i:02}", case)
        add("whole_function", f"edge{i:02}", case)

    for path in sorted((ROOT / "fn-config").glob("*.yaml")):
        add("config_loader", "fn-config", path.read_text(encoding="utf-8"))
    bad = ROOT / "tests/fixtures/bad-config.yaml"
    if bad.exists():
        add("config_loader", "bad-config", bad.read_text(encoding="utf-8"))

    # The generator modes read bytes through `arbitrary`: a few fixed byte strings start them.
    for i in range(8):
        seed = bytes([0xFF]) + hashlib.sha256(str(i).encode()).digest() * 4
        add("config_loader", f"schema{i}", seed)
        add("whole_function", f"generated{i}", seed)

    for target, n in sorted(counts.items()):
        print(f"{target}: {n} seeds in {OUT / target}")


if __name__ == "__main__":
    sys.exit(main())
