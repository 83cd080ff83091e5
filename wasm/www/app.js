// The playground page: two editors in, the function's answer out. All the work happens in the
// WebAssembly build of the engine (`playground` and `explain` in wasm/src/report.rs); this file
// only moves text between the editors and the panels, and marks where problems are.
import init, { explain, playground, version } from "../pkg/app_notifications.js";
import { EXAMPLES } from "./examples.js";

const DEBOUNCE_MS = 250;

const $ = (id) => document.getElementById(id);

/** One editor: the textarea, the gutter with line numbers, the backdrop that marks lines. */
class Editor {
  constructor(id) {
    this.textarea = $(id);
    this.root = this.textarea.closest(".editor");
    this.gutter = this.root.querySelector(".gutter");
    this.backdrop = this.root.querySelector(".backdrop");
    this.problem = $(`${id}-problem`);
    /** line number → "error" | "warning" */
    this.marks = new Map();
    this.focusLine = 0;
    this.textarea.addEventListener("scroll", () => this.syncScroll());
    this.textarea.addEventListener("input", () => {
      this.focusLine = 0;
      this.paint();
    });
  }

  get value() {
    return this.textarea.value;
  }

  set value(text) {
    this.textarea.value = text;
    this.textarea.scrollTop = 0;
    this.focusLine = 0;
    this.paint();
  }

  /** Marks `line` (1-based) with `severity`; an error outranks a warning on the same line. */
  mark(line, severity) {
    if (this.marks.get(line) !== "error") this.marks.set(line, severity);
  }

  clear() {
    this.marks.clear();
    this.problem.textContent = "";
  }

  /** Redraws the line numbers and the marked lines (the text itself is the textarea's). */
  paint() {
    const lines = this.value.split("\n");
    const gutter = document.createDocumentFragment();
    const backdrop = document.createDocumentFragment();
    lines.forEach((text, i) => {
      const n = i + 1;
      const mark = this.marks.get(n);
      const number = document.createElement("div");
      number.textContent = String(n);
      const line = document.createElement("span");
      line.textContent = text || " ";
      if (mark) {
        number.className = mark;
        line.className = mark;
      } else if (n === this.focusLine) {
        line.className = "focus";
      }
      gutter.append(number);
      backdrop.append(line);
    });
    this.gutter.replaceChildren(gutter);
    this.backdrop.replaceChildren(backdrop);
    this.syncScroll();
  }

  syncScroll() {
    this.backdrop.scrollTop = this.textarea.scrollTop;
    this.backdrop.scrollLeft = this.textarea.scrollLeft;
    this.gutter.scrollTop = this.textarea.scrollTop;
  }

  /** Puts the caret at `line`:`column`, selects that line and scrolls it into the middle. */
  reveal(line, column) {
    const lines = this.value.split("\n");
    const at = Math.min(Math.max(line, 1), lines.length);
    let start = 0;
    for (let i = 0; i < at - 1; i++) start += lines[i].length + 1;
    const caret = start + Math.min(Math.max(column - 1, 0), lines[at - 1].length);
    this.textarea.focus({ preventScroll: true });
    this.textarea.setSelectionRange(caret, caret);
    const lineHeight = parseFloat(getComputedStyle(this.textarea).lineHeight) || 20;
    this.textarea.scrollTop = Math.max(0, (at - 1) * lineHeight - this.textarea.clientHeight / 2);
    this.focusLine = at;
    this.paint();
    this.root.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }
}

const editors = { resources: new Editor("resources"), config: new Editor("config") };

/** `origin line:column` for a position, as shown on the jump buttons. */
const where = (p) => `${p.origin} ${p.line}:${p.column}`;

function jumpButton(position) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = where(position);
  button.title = `Show line ${position.line}, column ${position.column} of the ${position.origin}`;
  button.addEventListener("click", () => editors[position.origin]?.reveal(position.line, position.column));
  return button;
}

function codeSpan(text) {
  const code = document.createElement("code");
  code.textContent = text;
  return code;
}

/** One result as a list item: severity, message, and what it is about and where. */
function resultItem(result) {
  const li = document.createElement("li");
  li.className = result.severity;
  const severity = document.createElement("span");
  severity.className = "severity";
  severity.textContent = result.severity;
  const message = document.createElement("div");
  message.className = "message";
  message.textContent = result.message;
  const meta = document.createElement("div");
  meta.className = "meta";
  const ref = result.resourceRef;
  if (ref) {
    const name = ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
    meta.append(labelled("item", codeSpan(`${ref.kind} ${name}`)));
  }
  if (result.field) meta.append(labelled("field", codeSpan(result.field.path)));
  if (result.file) {
    const index = result.file.index === undefined ? "" : ` #${result.file.index}`;
    meta.append(labelled("file", codeSpan(result.file.path + index)));
  }
  if (result.position) meta.append(jumpButton(result.position));
  li.append(severity, message);
  if (meta.childNodes.length) li.append(meta);
  return li;
}

function labelled(label, content) {
  const span = document.createElement("span");
  span.append(`${label} `, content);
  return span;
}

/** YAML with keys, comments, strings and document markers coloured (built as DOM, not HTML). */
function highlightYaml(target, text) {
  const out = document.createDocumentFragment();
  for (const line of text.split(/(?<=\n)/)) {
    if (/^---\s*$/.test(line)) {
      out.append(span("doc", line));
      continue;
    }
    if (/^\s*#/.test(line)) {
      out.append(span("comment", line));
      continue;
    }
    const key = /^(\s*(?:- )*)([^\s#'"][^:#]*|"[^"]*"|'[^']*'):(?=\s|$)/.exec(line);
    if (!key) {
      out.append(line);
      continue;
    }
    out.append(key[1], span("key", key[2]), ":");
    const rest = line.slice(key[0].length);
    const value = /^(\s*)(["'].*["'])(\s*)$/s.exec(rest);
    if (value) out.append(value[1], span("string", value[2]), value[3]);
    else out.append(rest);
  }
  target.replaceChildren(out);
}

function span(className, text) {
  const s = document.createElement("span");
  s.className = className;
  s.textContent = text;
  return s;
}

function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

function setSummary(text, state) {
  const summary = $("summary");
  summary.textContent = text;
  summary.className = `summary ${state}`;
}

/** `Kind namespace/name`, the value and label of an object in the picker. */
const subjectKey = (s) => `${s.kind} ${s.namespace}/${s.name}`;

/** Refills the object picker from the last run, keeping the chosen object when it is still there. */
function fillSubjects(subjects) {
  const select = $("explain-object");
  const chosen = select.value;
  select.replaceChildren(...subjects.map((s) => new Option(subjectKey(s), subjectKey(s))));
  select.disabled = subjects.length === 0;
  if (subjects.some((s) => subjectKey(s) === chosen)) select.value = chosen;
  lastSubjects = subjects;
}

let lastSubjects = [];

function listItem(className, ...content) {
  const li = document.createElement("li");
  li.className = className;
  li.append(...content);
  return li;
}

function pairsLine(label, pairs) {
  const div = document.createElement("div");
  div.className = "pairs";
  const entries = Object.entries(pairs);
  div.append(`${label}: `);
  if (!entries.length) div.append("none");
  entries.forEach(([key, value], i) => {
    if (i) div.append(", ");
    div.append(codeSpan(`${key}=${value}`));
  });
  return div;
}

/** Shows where the picked object's event goes; what the engine throws about the input is shown
 * in the panel (a trap is a bug in the engine and goes to the console). */
function runExplain() {
  try {
    explainPicked();
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError || !(error instanceof Error)) throw error;
    $("explain-sent").replaceChildren(listItem("empty", `Cannot explain: ${error.message}`));
  }
}

/** Runs `explain` for the picked object and shows where its event goes, and why not elsewhere. */
function explainPicked() {
  const sent = $("explain-sent");
  const skipped = $("explain-skipped");
  sent.replaceChildren();
  skipped.replaceChildren();
  const subject = lastSubjects.find((s) => subjectKey(s) === $("explain-object").value);
  if (!subject) {
    sent.append(listItem("empty", "No object to explain: the function did not generate (see the results)."));
    return;
  }
  const event = {
    kind: subject.kind,
    namespace: subject.namespace,
    name: subject.name,
    severity: $("explain-severity").value,
    message: $("explain-message").value,
  };
  const outcome = explain(editors.resources.value, editors.config.value, event, {
    noCrossNamespaceRefs: $("explain-no-cross").checked,
  });
  const explanation = outcome.explanation;
  if (!explanation) {
    sent.append(listItem("empty", "The config cannot be applied (see the results)."));
    return;
  }
  for (const n of explanation.notifications) {
    const route = document.createElement("div");
    route.className = "route";
    route.textContent = `Alert ${n.alert} → Provider ${n.provider}`;
    const item = listItem("sent", route, pairsLine("metadata", n.metadata));
    for (const key of n.conflicts) {
      const conflict = document.createElement("div");
      conflict.className = "conflict";
      conflict.textContent = `conflict: ${key} comes from two sources (a MetadataAppendFailed warning on the Alert for every event)`;
      item.append(conflict);
    }
    sent.append(item);
  }
  if (!explanation.notifications.length) sent.append(listItem("empty", "None: no Alert sends this event."));
  for (const s of explanation.skipped) {
    const route = document.createElement("div");
    route.className = "route";
    route.textContent = `Alert ${s.alert}`;
    skipped.append(listItem("skipped", route, s.reason));
  }
  if (!explanation.skipped.length) skipped.append(listItem("empty", "None."));
  document.body.dataset.explained = String(Number(document.body.dataset.explained || 0) + 1);
}

function clearOutputs() {
  for (const editor of Object.values(editors)) editor.clear();
  $("results").replaceChildren();
  $("generated").replaceChildren();
  $("list-input").textContent = "";
  $("list-output").textContent = "";
  $("coverage").replaceChildren();
}

/** Shows the function's answer: results (and their lines), generated objects, picture. */
function show(outcome) {
  const results = $("results");
  for (const result of outcome.results) {
    results.append(resultItem(result));
    const p = result.position;
    if (p && result.severity !== "info") editors[p.origin]?.mark(p.line, result.severity);
  }
  if (!outcome.results.length) {
    const li = document.createElement("li");
    li.className = "empty";
    li.textContent = "No results.";
    results.append(li);
  }
  // The first error of each editor is also shown under it, next to the text it is about.
  for (const [origin, editor] of Object.entries(editors)) {
    const first = outcome.results.find((r) => r.severity === "error" && r.position?.origin === origin);
    if (first) editor.problem.textContent = `${first.position.line}:${first.position.column}  ${first.message}`;
  }
  highlightYaml($("generated"), outcome.generated);
  fillSubjects(outcome.subjects);
  $("list-input").textContent = outcome.input;
  $("list-output").textContent = outcome.output;
  if (outcome.svg) {
    // The picture is built by the engine, which escapes every text it draws.
    $("coverage").innerHTML = outcome.svg;
  }
  const kinds = (kind) => outcome.objects.filter((o) => o.kind === kind).length;
  const errors = outcome.results.filter((r) => r.severity === "error").length;
  const warnings = outcome.results.filter((r) => r.severity === "warning").length;
  if (outcome.exitCode === 0) {
    const parts = [plural(kinds("Alert"), "Alert"), plural(kinds("Provider"), "Provider")];
    if (warnings) parts.push(plural(warnings, "warning"));
    setSummary(`Generated ${parts.join(", ")}`, "ok");
  } else {
    setSummary(`Exit ${outcome.exitCode}: ${plural(errors, "error")}, nothing generated`, "failed");
  }
}

/** Shows text that cannot be read at all: the message under its editor, the line marked. */
function showInputError(error) {
  const editor = editors[error.origin];
  if (editor && error.line) {
    editor.mark(error.line, "error");
    editor.problem.textContent = error.message;
  }
  const li = resultItem({
    severity: "error",
    message: error.message,
    position: error.line ? { origin: error.origin, line: error.line, column: error.column ?? 1 } : undefined,
  });
  $("results").append(li);
  setSummary(`The ${error.origin ?? "input"} cannot be read`, "failed");
}

function run() {
  clearOutputs();
  try {
    show(playground(editors.resources.value, editors.config.value));
  } catch (error) {
    // A trap is a bug in the engine, worth a console error; anything else it throws is about
    // the input (with its position when it has one).
    if (error instanceof WebAssembly.RuntimeError || !(error instanceof Error)) {
      setSummary(`Unexpected failure: ${error}`, "failed");
      throw error;
    }
    showInputError(error);
    fillSubjects([]);
  } finally {
    for (const editor of Object.values(editors)) editor.paint();
  }
  runExplain();
  document.body.dataset.state = "ready";
  document.body.dataset.runs = String(Number(document.body.dataset.runs || 0) + 1);
}

let timer = 0;
function schedule() {
  document.body.dataset.state = "pending";
  clearTimeout(timer);
  timer = setTimeout(run, DEBOUNCE_MS);
}

function loadExample(id) {
  const example = EXAMPLES.find((e) => e.id === id) ?? EXAMPLES[0];
  editors.resources.value = example.resources;
  editors.config.value = example.config;
  const description = $("example-description");
  description.replaceChildren(example.description + " ", span("muted", `(from ${example.source})`));
  clearTimeout(timer);
  run();
}

async function main() {
  const select = $("example");
  for (const example of EXAMPLES) select.append(new Option(example.title, example.id));
  const custom = new Option("Your own (edited)", "custom");
  custom.disabled = true;
  select.append(custom);
  select.addEventListener("change", () => {
    if (select.value !== "custom") loadExample(select.value);
  });

  await init();
  $("version").textContent = `engine ${version()}`;
  for (const editor of Object.values(editors)) {
    editor.textarea.addEventListener("input", () => {
      select.value = "custom";
      schedule();
    });
    editor.textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        clearTimeout(timer);
        run();
      }
    });
  }
  for (const id of ["explain-object", "explain-severity", "explain-no-cross"]) {
    $(id).addEventListener("change", runExplain);
  }
  $("explain-message").addEventListener("input", runExplain);
  $("copy").addEventListener("click", async () => {
    const text = $("generated").textContent;
    try {
      await navigator.clipboard.writeText(text);
      $("copy").textContent = "Copied";
    } catch {
      // No clipboard permission (e.g. a file:// page): select the text for a manual copy.
      getSelection().selectAllChildren($("generated"));
      $("copy").textContent = "Selected";
    }
    setTimeout(() => ($("copy").textContent = "Copy YAML"), 1500);
  });
  loadExample(select.value);
}

main().catch((error) => {
  setSummary(`The playground could not start: ${error.message ?? error}`, "failed");
  document.body.dataset.state = "broken";
  throw error;
});
