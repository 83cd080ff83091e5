#!/usr/bin/env node
// The whole app-notifications command line (KRM function, legacy plugin, render, check, report,
// schema) built for wasm32-wasip1, run by Node's WASI:
//
//   node wasm/wasi.mjs [ARGS…]      same arguments, stdin, stdout, stderr and exit code as the
//                                   native binary
//
// The host file system is visible as it is to the native binary: the host's `/` is preopened
// as `/` and the binary starts in the host's working directory (named in
// APP_NOTIFICATIONS_WASI_CWD, see `enter_host_directory` in src/main.rs), so absolute paths
// (the config file kustomize passes a legacy plugin) and relative ones (render/check/report
// PATHs, `..` included) both work. On Windows the root of the current drive is `/`, so paths on
// that drive work, relative or as `/dir/file`. Arguments and the environment are passed as they
// are. Node prints an ExperimentalWarning for WASI; that one warning is dropped, every other
// warning stays.
//
// Also a module: `runWasi(args, options)` runs the binary with other file descriptors (the
// tests run many cases in one process this way); `wasm/cli.mjs` uses it for what the
// wasm-bindgen build does not do itself.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';

/** The wasip1 binary: next to this file in the npm package, in pkg/ next to wasm/wasi.mjs. */
export function wasiBinaryPath() {
  const candidates = ['./app-notifications.wasm', './pkg/app-notifications.wasm'].map((rel) =>
    fileURLToPath(new URL(rel, import.meta.url)),
  );
  return candidates.find((file) => existsSync(file)) ?? null;
}

let compiled;

/** The compiled module, once per process. */
function wasiModule() {
  if (!compiled) {
    const file = wasiBinaryPath();
    if (!file) {
      throw new Error(
        'app-notifications.wasm not found next to wasi.mjs or in wasm/pkg/ (build it: bash wasm/build.sh)',
      );
    }
    compiled = WebAssembly.compile(readFileSync(file));
  }
  return compiled;
}

let WASI;

/**
 * node:wasi, imported with its ExperimentalWarning dropped (only that warning).
 *
 * V8's fast API calls from WebAssembly into Node's WASI functions corrupt memory in Node 20
 * (nodejs/node#53087): here `start()` crashed with SIGSEGV after reading a 15 MB stdin. They
 * are turned off for this process before the first instance is made.
 */
async function wasiClass() {
  if (!WASI) {
    v8.setFlagsFromString('--no-turbo-fast-api-calls');
    const emitWarning = process.emitWarning;
    process.emitWarning = function (warning, ...rest) {
      const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
      if (type === 'ExperimentalWarning' && /\bWASI\b/.test(String(warning?.message ?? warning))) {
        return;
      }
      return emitWarning.call(process, warning, ...rest);
    };
    try {
      ({ WASI } = await import('node:wasi'));
    } finally {
      process.emitWarning = emitWarning;
    }
  }
  return WASI;
}

/** What the guest sees of the host file system, and where it starts (see the header). */
export function hostView(cwd = process.cwd()) {
  if (process.platform === 'win32') {
    const { root } = path.win32.parse(cwd);
    const rest = cwd.slice(root.length).split(path.win32.sep).filter(Boolean).join('/');
    return { preopens: { '/': root }, cwd: `/${rest}` };
  }
  return { preopens: { '/': '/' }, cwd };
}

/**
 * Runs the wasip1 command line; resolves to its exit code.
 *
 * @param {string[]} args arguments after the program name
 * @param {{env?: Record<string, string | undefined>, stdin?: number, stdout?: number,
 *          stderr?: number, cwd?: string}} [options] file descriptors default to this
 *   process's 0, 1 and 2
 * @returns {Promise<number>}
 */
export async function runWasi(args, options = {}) {
  const { env = process.env, stdin = 0, stdout = 1, stderr = 2, cwd = process.cwd() } = options;
  const Wasi = await wasiClass();
  const view = hostView(cwd);
  const wasi = new Wasi({
    version: 'preview1',
    args: ['app-notifications', ...args],
    env: {
      ...Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined)),
      APP_NOTIFICATIONS_WASI_CWD: view.cwd,
    },
    preopens: view.preopens,
    stdin,
    stdout,
    stderr,
    returnOnExit: true,
  });
  // Instantiated synchronously: with `await WebAssembly.instantiate(…)` Node 20 now and then
  // never settled the promise (one run in a few of the 359-case test suite hung here, the
  // main thread waiting in NodePlatform::DrainTasks with nothing left to run).
  const instance = new WebAssembly.Instance(await wasiModule(), wasi.getImportObject());
  return wasi.start(instance);
}

/** Run as a script (also through a symlink), not imported. */
function isMain() {
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  // The same V8 tuning as the KRM command (see WASM_TIERING_BUDGET there).
  const { tuneV8 } = await import('./cli.mjs');
  tuneV8();
  try {
    // The guest writes fds 1 and 2 itself (synchronously): nothing is buffered here.
    process.exitCode = await runWasi(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = 1;
  }
}
