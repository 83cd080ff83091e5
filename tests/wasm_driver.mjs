// Test driver for tests/wasm_differential.rs: runs many cases in one Node process, so the whole
// suite takes seconds.
//
//   node tests/wasm_driver.mjs cli|wasi MANIFEST OUT_DIR
//
// MANIFEST is JSON: { root, cases: [{ args, stdin, pluginRoot, logToStderr }] } with `stdin` a
// file path.
// For case i it writes OUT_DIR/i.stdout, i.stderr and i.exit: what `node wasm/cli.mjs ARGS`
// (its `run`, on file descriptors instead of this process's stdio) or `node wasm/wasi.mjs ARGS`
// (`runWasi`, same) did. `cli` also writes OUT_DIR/api.json: the JS API (processResourceList,
// runKrm, schema, version, option errors) on the same cases, for the Rust side to compare with
// the native binary.
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fdIo, parseKrmArgs, run } from '../wasm/cli.mjs';
import { runWasi } from '../wasm/wasi.mjs';

const [mode, manifestPath, outDir] = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));

function environment(pluginRoot, logToStderr) {
  const env = { ...process.env };
  delete env.KUSTOMIZE_PLUGIN_CONFIG_ROOT;
  delete env.LOG_TO_STDERR;
  if (pluginRoot) env.KUSTOMIZE_PLUGIN_CONFIG_ROOT = manifest.root;
  if (logToStderr) env.LOG_TO_STDERR = 'true';
  return env;
}

for (const [i, testCase] of manifest.cases.entries()) {
  const stdin = openSync(testCase.stdin, 'r');
  const stdout = openSync(path.join(outDir, `${i}.stdout`), 'w');
  const stderr = openSync(path.join(outDir, `${i}.stderr`), 'w');
  const env = environment(testCase.pluginRoot, testCase.logToStderr);
  let code;
  try {
    code =
      mode === 'cli'
        ? await run(testCase.args, fdIo({ env, stdin, stdout, stderr }))
        : await runWasi(testCase.args, { env, stdin, stdout, stderr });
  } catch (err) {
    writeFileSync(path.join(outDir, `${i}.stderr`), `driver: ${err.stack}\n`);
    code = -1;
  } finally {
    closeSync(stdin);
    closeSync(stdout);
    closeSync(stderr);
  }
  writeFileSync(path.join(outDir, `${i}.exit`), `${code}\n`);
}

if (mode === 'cli') {
  writeFileSync(path.join(outDir, 'api.json'), JSON.stringify(await apiReport()));
}

/** How a call ended: its value, or what it threw. */
function attempt(call) {
  try {
    return { value: call() };
  } catch (err) {
    return {
      threw: {
        isError: err instanceof Error,
        name: err.name,
        message: err.message,
        origin: err.origin,
        line: err.line,
        column: err.column,
      },
    };
  }
}

async function apiReport() {
  const an = await import('../wasm/pkg/node.mjs');
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const cases = manifest.cases.map((testCase, i) => {
    const parsed = parseKrmArgs(testCase.args);
    if (testCase.pluginRoot || parsed === null || parsed.version) return null;
    const options = {
      check: parsed.check,
      appLabel: parsed.appLabel,
      limits: parsed.limits,
      logToStderr: Boolean(testCase.logToStderr),
    };
    // What the command reads: one byte past the size limit at most (see cli.mjs).
    const limit = parsed.limits.maxInputBytes ?? 256 * 1024 * 1024;
    const bytes = readFileSync(testCase.stdin).subarray(0, limit + 1);
    let text;
    const runKrm = runKrmSummary(an.runKrm(bytes, options), path.join(outDir, `${i}.api.stdout`));
    try {
      text = decoder.decode(bytes);
    } catch {
      return { runKrm };
    }
    return { runKrm, processed: attempt(() => an.processResourceList(text, options)) };
  });
  const bad = (call) => attempt(call).threw ?? { notThrown: true };
  return {
    cases,
    version: an.version(),
    schemaJson: `${JSON.stringify(an.schema(), null, 2)}\n`,
    schemaJsonExplicit: `${JSON.stringify(an.schema('json-schema'), null, 2)}\n`,
    schemaOpenapi: `${JSON.stringify(an.schema('openapi'), null, 2)}\n`,
    errors: {
      schemaFormat: bad(() => an.schema('yaml')),
      unknownOption: bad(() => an.runKrm(new Uint8Array(), { maxDepth: 5 })),
      unknownLimit: bad(() => an.runKrm(new Uint8Array(), { limits: { maxDepht: 5 } })),
      checkNotBoolean: bad(() => an.runKrm(new Uint8Array(), { check: 'yes' })),
      appLabelNotString: bad(() => an.processResourceList('', { appLabel: 7 })),
      optionsNotObject: bad(() => an.runKrm(new Uint8Array(), 'check')),
      depthTooLarge: bad(() => an.runKrm(new Uint8Array(), { limits: { maxDepth: 1001 } })),
      depthZero: bad(() => an.runKrm(new Uint8Array(), { limits: { maxDepth: 0 } })),
      countNotInteger: bad(() => an.runKrm(new Uint8Array(), { limits: { maxItems: 1.5 } })),
      countNegative: bad(() => an.runKrm(new Uint8Array(), { limits: { maxItems: -1 } })),
      legacyUnknownOption: bad(() => an.runLegacyPlugin(new Uint8Array(), 'c.yaml', new Uint8Array(), { check: true })),
      originUnreadable: bad(() => an.processResourceList('items: [', { origin: 'overlay.yaml' })),
    },
    // null and undefined are "no options"; huge limits are "no limit" on a 32-bit engine.
    accepted: {
      nullOptions: attempt(() => an.runKrm(new Uint8Array(), null).exitCode),
      hugeLimit: attempt(() => an.runKrm(new Uint8Array(), { limits: { maxInputBytes: 2 ** 60 } }).exitCode),
    },
  };
}

/** runKrm's answer; its stdout goes to `file`. */
function runKrmSummary(result, file) {
  writeFileSync(file, result.stdout);
  return {
    isUint8Array: result.stdout instanceof Uint8Array,
    stderr: result.stderr,
    exitCode: result.exitCode,
  };
}
