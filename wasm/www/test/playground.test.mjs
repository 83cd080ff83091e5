#!/usr/bin/env node
// The playground in a real browser: serves wasm/ on a loopback port, opens www/ in Debian's
// headless Chromium (through playwright-core, which drives the installed browser and downloads
// none), picks examples, checks what the page shows, breaks the config, checks the error is
// shown where it is, and takes a screenshot. Any console error fails the run.
//
//   node wasm/www/test/playground.test.mjs [--screenshot PATH] [--chromium PATH]
//
// tests/playground.rs runs this (cargo test --test tests playground::).
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const wasmDir = resolve(here, "..", "..");
const argument = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const screenshot = argument("--screenshot", resolve(wasmDir, "..", "target", "playground.png"));
const executablePath = argument("--chromium", "/usr/bin/chromium");

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".ts": "text/plain; charset=utf-8",
};

/** A static file server for wasm/, on 127.0.0.1 only. */
function serve() {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, "http://localhost").pathname);
    const file = normalize(join(wasmDir, path));
    if (!file.startsWith(wasmDir + sep) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    response.writeHead(200, {
      "content-type": MIME[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store",
    });
    response.end(readFileSync(file));
  });
  return new Promise((ready) => server.listen(0, "127.0.0.1", () => ready(server)));
}

const problems = [];
const server = await serve();
const userDataDir = mkdtempSync(join(tmpdir(), "an-playground-"));
const browser = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
  viewport: { width: 1440, height: 1000 },
});

try {
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()}`));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  // Nothing leaves the machine: every request goes to the local server.
  const origin = `http://127.0.0.1:${server.address().port}`;
  await page.route("**/*", (route) =>
    route.request().url().startsWith(origin) ? route.continue() : route.abort(),
  );

  await page.goto(`${origin}/www/index.html`);
  await page.waitForFunction(() => document.body.dataset.state === "ready", null, { timeout: 30000 });
  assert.match(await page.textContent("#version"), /^engine \d+\.\d+\.\d+/);

  /** Picks an example and waits until the page has run the function on it. */
  async function pick(id) {
    const runs = await page.evaluate(() => Number(document.body.dataset.runs));
    await page.selectOption("#example", id);
    await page.waitForFunction(
      (before) => Number(document.body.dataset.runs) > before && document.body.dataset.state === "ready",
      runs,
    );
  }

  /** Types into an editor as a user would (input events, the debounce) and waits for the run. */
  async function type(editor, text) {
    const runs = await page.evaluate(() => Number(document.body.dataset.runs));
    await page.fill(`#${editor}`, text);
    await page.waitForFunction(
      (before) => Number(document.body.dataset.runs) > before && document.body.dataset.state === "ready",
      runs,
    );
  }

  // The examples' order and names come from examples.js: every one runs cleanly.
  const ids = await page.$$eval("#example option:not([disabled])", (options) => options.map((o) => o.value));
  assert.deepEqual(ids, ["quickstart", "kustomize-production", "kustomize-staging", "generator", "fleet"]);
  for (const id of ids) {
    await pick(id);
    assert.match(await page.textContent("#summary"), /^Generated \d+ Alerts?, \d+ Providers?/, id);
    assert.equal(await page.locator("#results li.error").count(), 0, id);
    assert.equal(await page.locator("#coverage svg[role=img]").count(), 1, id);
  }

  // The staging overlay: one Alert, its eventSources, its result, its picture.
  await pick("kustomize-staging");
  const generated = await page.textContent("#generated");
  const alerts = [...generated.matchAll(/^kind: Alert\n(?:.*\n)*?  name: (\S+)\n/gm)].map((m) => m[1]);
  assert.deepEqual(alerts, ["billing-staging"]);
  assert.match(generated, /^kind: Provider\n/m);
  const sources = [...generated.matchAll(/^  - kind: (\S+)\n    name: (\S+)\n    namespace: billing\n/gm)].map(
    (m) => `${m[1]} ${m[2]}`,
  );
  assert.deepEqual(sources, [
    "HelmRelease billing-worker",
    "Kustomization billing-api",
    "Kustomization billing-db",
    "HelmChart billing-billing-worker",
    "HelmRepository billing-charts",
  ]);
  assert.match(generated, /exclusionList:\n\s+- "?\^Dependencies do not meet ready condition"?\n/);
  const infos = await page.$$eval("#results li.info .message", (items) => items.map((i) => i.textContent));
  assert.deepEqual(infos, [
    "Alert billing/billing-staging → Provider slack: 2 Kustomization, 1 HelmRelease, 1 HelmChart, 1 HelmRepository",
  ]);
  const labels = await page.$$eval("#coverage svg text", (texts) => texts.map((t) => t.textContent));
  for (const label of ["billing", "staging", "billing/billing-staging", "billing/billing-api", "billing/billing-db"]) {
    assert.ok(labels.includes(label), `the picture shows ${label}: ${labels.join(" | ")}`);
  }

  // Where do an object's events go: the object picker lists the build's Flux objects (the
  // HelmChart source-controller creates included); the panel shows each notification and why
  // every other Alert does not take the event.
  await pick("quickstart");
  const objects = await page.$$eval("#explain-object option", (options) => options.map((o) => o.value));
  assert.ok(objects.includes("Kustomization billing/billing-api"), objects.join(" | "));
  assert.ok(objects.includes("HelmChart billing/billing-billing-worker"), objects.join(" | "));
  /** Picks an object and a severity in the panel and returns what it shows. */
  async function explainShown(object, severity, noCross = false) {
    await page.selectOption("#explain-object", object);
    await page.selectOption("#explain-severity", severity);
    await page.setChecked("#explain-no-cross", noCross);
    return page.evaluate(() => ({
      sent: [...document.querySelectorAll("#explain-sent li.sent .route")].map((r) => r.textContent),
      skipped: [...document.querySelectorAll("#explain-skipped li.skipped")].map((li) => li.textContent),
    }));
  }
  let shownEvents = await explainShown("Kustomization billing/billing-api", "info");
  assert.deepEqual(shownEvents.sent, ["Alert billing/billing-production → Provider billing/slack"]);
  assert.deepEqual(shownEvents.skipped, [
    "Alert billing/billing-production-oncallseverity: the Alert takes only error events (eventSeverity: error), this one is info",
  ]);
  shownEvents = await explainShown("Kustomization billing/billing-api", "error");
  assert.deepEqual(shownEvents.sent, [
    "Alert billing/billing-production → Provider billing/slack",
    "Alert billing/billing-production-oncall → Provider billing/pagerduty",
  ]);
  assert.deepEqual(shownEvents.skipped, []);
  assert.match(await page.textContent("#explain-sent li.sent .pairs"), /^metadata: app=billing, env=production$/);
  // The fleet: storefront's HelmChart lives in flux-system, which --no-cross-namespace-refs refuses.
  await pick("fleet");
  shownEvents = await explainShown("HelmChart flux-system/storefront-storefront-cache", "error", true);
  assert.deepEqual(shownEvents.sent, []);
  assert.ok(
    shownEvents.skipped.some((s) => s.startsWith("Alert storefront/storefront-production--no-cross-namespace-refs: ")),
    shownEvents.skipped.join(" | "),
  );
  await page.setChecked("#explain-no-cross", false);
  // The export itself: bad events are TypeErrors and RangeErrors, as the other exports' options.
  const explainApi = await page.evaluate(async () => {
    const m = await import("../pkg/app_notifications.js");
    const caught = (f) => {
      try {
        f();
        return null;
      } catch (e) {
        return { name: e.name, message: e.message };
      }
    };
    const resources = document.getElementById("resources").value;
    const config = document.getElementById("config").value;
    const ok = m.explain(resources, config, { kind: "Kustomization", namespace: "billing", name: "billing-api", severity: "error" });
    return {
      notifications: ok.explanation.notifications.map((n) => n.alert),
      text: ok.text,
      noNamespace: caught(() => m.explain(resources, config, { kind: "Kustomization", name: "billing-api" })),
      badSeverity: caught(() => m.explain(resources, config, { kind: "Kustomization", namespace: "billing", name: "billing-api", severity: "warn" })),
      badMetadata: caught(() => m.explain(resources, config, { kind: "Kustomization", namespace: "billing", name: "billing-api", metadata: { a: 1 } })),
    };
  });
  assert.deepEqual(explainApi.notifications, ["billing/billing-production", "billing/billing-production-oncall"]);
  assert.match(explainApi.text, /^event: error Kustomization billing\/billing-api/);
  assert.equal(explainApi.noNamespace.name, "TypeError");
  assert.match(explainApi.noNamespace.message, /^event\.namespace: /);
  assert.equal(explainApi.badSeverity.name, "RangeError");
  assert.equal(explainApi.badMetadata.name, "TypeError");

  // The `report` export on the ResourceList the page built (same module instance as the page's).
  await pick("quickstart");
  const api = await page.evaluate(async () => {
    const m = await import("../pkg/app_notifications.js");
    const list = document.getElementById("list-input").textContent;
    const caught = (f) => {
      try {
        f();
        return null;
      } catch (e) {
        return { name: e.name, message: e.message, origin: e.origin, line: e.line, column: e.column };
      }
    };
    return {
      json: JSON.parse(m.report(list, "json")),
      table: m.report(list, "table"),
      svg: m.report(list, "svg", { appLabel: "app.kubernetes.io/name" }),
      badFormat: caught(() => m.report(list, "pdf")),
      badOption: caught(() => m.report(list, "svg", { appLabl: "x" })),
      badInput: caught(() => m.report("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: [\n", "table")),
    };
  });
  assert.equal(api.json.totals.alerts, 2);
  assert.match(api.table, /^APP +ENV +ALERT +PROVIDER +COVERS\nbilling +production +billing\/billing-production +slack +/);
  assert.match(api.svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" [^>]*role="img"/);
  // The page draws the same picture: the same boxes, by id.
  const shown = await page.$$eval("#coverage [id]", (nodes) => nodes.map((n) => n.id));
  assert.deepEqual([...api.svg.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]), shown);
  assert.ok(shown.includes("an-alert.billing.billing-production-oncall"), shown.join(" "));
  assert.equal(api.badFormat.name, "RangeError");
  assert.equal(api.badOption.name, "TypeError");
  assert.equal(api.badInput.name, "Error");
  assert.deepEqual([api.badInput.origin, api.badInput.line], ["input", 3]);
  assert.match(api.badInput.message, /^input:3:\d+: invalid YAML/);

  // Unreadable YAML in the config: the message with its position, under the config, the
  // line marked in the gutter, nothing generated.
  await type("config", "apiVersion: app-notifications.dev/v1alpha1\nkind: AppNotifications\nmetadata:\n  name: billing\nspec:\n  alerts: [\n    providerRef: slack\n");
  assert.match(await page.textContent("#config-problem"), /^config:\d+:\d+: invalid YAML/);
  assert.equal(await page.textContent("#summary"), "The config cannot be read");
  assert.ok((await page.locator("#config-editor .gutter .error").count()) >= 1);
  assert.equal(await page.textContent("#generated"), "");
  assert.equal(await page.$eval("#example", (s) => s.value), "custom");

  // A config that reads but is wrong: the function's error, placed on its line and column.
  await pick("quickstart");
  const config = await page.inputValue("#config");
  await type("config", config.replace("eventSeverity: error", "eventSeverity: loud"));
  const expectedLine = config.split("\n").findIndex((l) => l.includes("eventSeverity: error")) + 1;
  assert.match(await page.textContent("#summary"), /^Exit 1: 1 error, nothing generated$/);
  const error = page.locator("#results li.error").first();
  assert.match(await error.locator(".message").textContent(), /spec\.alerts\[1\]\.eventSeverity: invalid value `loud`/);
  assert.equal(await error.locator(".meta button").textContent(), `config ${expectedLine}:5`);
  assert.equal(await page.textContent("#config-editor .gutter .error"), String(expectedLine));
  assert.match(await page.textContent("#config-problem"), new RegExp(`^${expectedLine}:5 `));
  assert.equal(await page.locator("#coverage svg").count(), 0);
  // The jump button is a keyboard control: it puts the caret on that line.
  await error.locator(".meta button").focus();
  await page.keyboard.press("Enter");
  const caretLine = await page.$eval("#config", (t) => t.value.slice(0, t.selectionStart).split("\n").length);
  assert.equal(caretLine, expectedLine);
  assert.equal(await page.evaluate(() => document.activeElement.id), "config");

  // A problem in the resources: a second document that is not an object.
  await pick("quickstart");
  const resources = await page.inputValue("#resources");
  await type("resources", `${resources}---\n- just a list\n`);
  const line = resources.split("\n").length + 1;
  assert.match(await page.textContent("#resources-problem"), new RegExp(`^resources:${line}:1: document 7 is a sequence`));

  // The screenshot shows a finished state: the fleet example, everything generated.
  await pick("fleet");
  await page.evaluate(() => {
    document.activeElement?.blur();
    window.scrollTo(0, 0);
  });
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`playground: ${ids.length} examples ok, errors placed; screenshot ${screenshot}`);
} catch (error) {
  problems.unshift(error.stack ?? String(error));
} finally {
  await browser.close();
  server.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
