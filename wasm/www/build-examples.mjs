#!/usr/bin/env node
// Writes wasm/www/examples.js: the playground's examples, made from the repository's examples/
// so that the page shows what the real hosts are tested with. Each example is the pair the
// function sees in that host: the overlay's resources (as a YAML stream) and the config.
//
//   node wasm/www/build-examples.mjs           rewrite examples.js
//   node wasm/www/build-examples.mjs --check   exit 1 when examples.js is not current
//
// The generated file is committed (the page works from a plain checkout and needs no build
// step of its own); tests/playground.rs runs --check, and wasm/tests/examples.rs compares
// each example's generated objects with the expected output committed next to the example.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const target = join(here, "examples.js");

const read = (path) => readFileSync(join(root, path), "utf8");

/** The documents of a YAML stream, as text without their `---` lines. */
function documents(text) {
  const docs = [];
  let current = [];
  for (const line of text.split(/(?<=\n)/)) {
    if (/^---\s*$/.test(line)) {
      docs.push(current.join(""));
      current = [];
    } else {
      current.push(line);
    }
  }
  docs.push(current.join(""));
  return docs.filter((doc) => doc.split("\n").some((l) => l.trim() && !l.trimStart().startsWith("#")));
}

/** Objects an earlier run generated carry this annotation; the function's input never has them. */
const generated = (doc) => /^\s+app-notifications\.dev\/generated-by:/m.test(doc);

/** What a host hands the function: the build output without the generated objects. */
function inputOf(path) {
  return documents(read(path)).filter((doc) => !generated(doc)).join("---\n");
}

/**
 * Inserts `lines` right after the one line equal to `anchor` (the first after `after`, when
 * given): how an overlay's kustomize patch (`op: add`) changes the base config. Throws when the
 * anchor is not found, so a changed example cannot silently produce a different config.
 */
function insertAfter(text, anchor, lines, after) {
  const start = after === undefined ? 0 : text.indexOf(after);
  const at = start < 0 ? -1 : text.indexOf(`\n${anchor}\n`, start - 1);
  if (at < 0) throw new Error(`build-examples: \`${anchor}\` not found${after ? ` after \`${after}\`` : ""}`);
  const end = at + anchor.length + 2;
  return text.slice(0, end) + lines.join("\n") + "\n" + text.slice(end);
}

/** Items and functionConfig of a kyaml-style ResourceList (`- ` items at column 0). */
function splitResourceList(path) {
  const lines = read(path).split(/(?<=\n)/);
  const items = [];
  let config = null;
  let section = null;
  for (const line of lines) {
    if (/^items:\s*$/.test(line)) section = "items";
    else if (/^functionConfig:\s*$/.test(line)) {
      section = "config";
      config = [];
    } else if (/^\S/.test(line) && !line.startsWith("- ")) section = line.startsWith("#") ? section : null;
    else if (section === "items") {
      if (line.startsWith("- ")) items.push([]);
      if (!items.length) throw new Error(`build-examples: ${path}: content before the first item`);
      items[items.length - 1].push(line.trim() ? line.slice(2) : line);
    } else if (section === "config") config.push(line.trim() ? line.slice(2) : line);
  }
  if (!items.length || !config) throw new Error(`build-examples: ${path}: no items or functionConfig`);
  return { resources: items.map((i) => i.join("")).join("---\n"), config: config.join("") };
}

const kustomizeConfig = read("examples/kustomize/base/notifications/notifications.yaml");
const quickstart = splitResourceList("examples/quickstart/resource-list.yaml");

const examples = [
  {
    id: "quickstart",
    title: "Quickstart: billing in production",
    description:
      "A production overlay of the billing app: two Kustomizations, a HelmRelease with its " +
      "HelmRepository, and a config with two routes (Slack and PagerDuty).",
    source: "examples/quickstart/resource-list.yaml",
    expected: "examples/quickstart/expected-output.yaml",
    resources: quickstart.resources,
    config: quickstart.config,
  },
  {
    id: "kustomize-production",
    title: "kustomize overlay: production",
    description:
      "What `transformers:` in overlays/production hands the function: the base and the shared " +
      "flux-system source, after the overlay's patches; the base config with the overlay's " +
      "`spec.environment: production` (which adds an on-call route).",
    source: "examples/kustomize/overlays/production",
    expected: "examples/kustomize/expected/production.yaml",
    resources: inputOf("examples/kustomize/expected/production.yaml"),
    config: insertAfter(kustomizeConfig, "spec:", ["  environment: production"]),
  },
  {
    id: "kustomize-staging",
    title: "kustomize overlay: staging",
    description:
      "The staging overlay: the same base config with `spec.environment: staging` and an " +
      "exclusionList on the default route, as overlays/staging/notifications patches it.",
    source: "examples/kustomize/overlays/staging",
    expected: "examples/kustomize/expected/staging.yaml",
    resources: inputOf("examples/kustomize/expected/staging.yaml"),
    config: insertAfter(
      insertAfter(kustomizeConfig, "spec:", ["  environment: staging"]),
      "  - name: default",
      ["    exclusionList:", '    - "^Dependencies do not meet ready condition"'],
      "  alerts:",
    ),
  },
  {
    id: "generator",
    title: "kustomize generator: label selector",
    description:
      "Under `generators:` the function sees only its own config, no appliers: " +
      "`eventSources: selector` makes the Alert match the app's appliers by label at event time.",
    source: "examples/kustomize-generator",
    expected: "examples/kustomize-generator/expected.yaml",
    // A generator's output goes through its kustomization's transformers: `labels:` there adds
    // this label to the generated Provider too (the Alert carries it already).
    hostLabels: { "app.kubernetes.io/name": "storefront" },
    resources:
      "# Under `generators:` kustomize hands the function only its own config: no resources.\n",
    config: read("examples/kustomize-generator/notifications.yaml"),
  },
  {
    id: "fleet",
    title: "Fleet: one transformer for a cluster",
    description:
      "clusters/production: every app brings its notifications.yaml (patched to production by " +
      "the cluster root) and the function's own config names no app, so it discovers them all.",
    source: "examples/fleet/clusters/production",
    expected: "examples/fleet/rendered/production/manifests.yaml",
    resources: [
      inputOf("examples/fleet/rendered/production/manifests.yaml"),
      ...["billing", "storefront"].map((app) =>
        insertAfter(read(`examples/fleet/apps/${app}/notifications.yaml`), "spec:", [
          "  environment: production",
        ]),
      ),
    ].join("---\n"),
    config: read("examples/fleet/clusters/production/app-notifications.yaml"),
  },
];

const text =
  `// Generated by ${relative(root, fileURLToPath(import.meta.url))} from examples/: do not edit.\n` +
  `// Each example is what the host hands the function: resources (a YAML stream) and the config.\n` +
  `export const EXAMPLES = ${JSON.stringify(examples, null, 2)};\n`;

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {
    // A missing file is stale too.
  }
  if (current !== text) {
    console.error(
      `${relative(root, target)} is not current with examples/: run \`node wasm/www/build-examples.mjs\``,
    );
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
  console.error(`wrote ${relative(root, target)} (${examples.length} examples)`);
}
