#!/usr/bin/env node
// app-notifications on Node: the same command as the native binary, for machines where only
// Node runs (Windows included), e.g. as a kustomize or kpt exec function.
//
//   node wasm/cli.mjs [--check] [--app-label KEY] [--max-… N] < resource-list.yaml
//   KUSTOMIZE_PLUGIN_CONFIG_ROOT=. node wasm/cli.mjs notifications.yaml < stream.yaml
//   node wasm/cli.mjs render|check|report|schema …   (through the wasip1 build, see below)
//
// The KRM function (ResourceList on stdin, ResourceList on stdout) and the kustomize legacy exec
// plugin mode (detected as the native binary detects it: KUSTOMIZE_PLUGIN_CONFIG_ROOT set and the
// first argument an existing file not starting with `-`) run in the wasm-bindgen build: same
// stdout bytes, stderr and exit codes (0 ok, 1 function error, 2 usage error). Everything else
// — --help, the subcommands, and any argument this file does not parse itself, usage errors
// included — runs the native command line built for wasm32-wasip1 (`wasi.mjs`), so its answer
// is the native binary's own.
//
// Also a module: `run(argv, io)` runs one command with other I/O (tests run many cases in one
// process this way).
import { existsSync, fstatSync, readFileSync, readSync, realpathSync, statSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

/**
 * V8 runs WebAssembly first with its baseline compiler and recompiles a function with the
 * optimizing one (TurboFan) once it has run enough; by default that is early, so during one
 * large run the background threads recompile dozens of big functions that have already done
 * their work, and the process waits for the last of those compilations before it can exit
 * (about 120 ms on the 15 MB benchmark list). A larger budget keeps the optimizing compiler for
 * the parser's hot loops. See wasm/README.md ("Size and speed") for the measurements.
 */
export const WASM_TIERING_BUDGET = 200_000_000;

/**
 * Sets the V8 flags this command runs best with: the tiering budget above, and validation of
 * each function when it is first compiled instead of the whole 2 MB module up front (5 ms of
 * start-up). Before the module is compiled; this process is ours (the package's library
 * entry, node.mjs, changes no flag).
 */
export function tuneV8() {
  v8.setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
  v8.setFlagsFromString('--wasm-lazy-validation');
}

/**
 * The directory of the wasm-bindgen package: this file's own in the npm package, pkg/ next to
 * it in the repository.
 */
function packageDir() {
  return ['./', './pkg/']
    .map((rel) => new URL(rel, import.meta.url))
    .find((dir) => existsSync(fileURLToPath(new URL('app_notifications_bg.wasm', dir))));
}

let engine;
/** The engine's WebAssembly memory, once loaded (its `buffer` changes when it grows). */
let memory;

/**
 * The engine, loaded once: the module is read and compiled off the main thread, so this
 * overlaps with reading stdin when started first.
 */
function loadEngine() {
  engine ??= (async () => {
    const dir = packageDir();
    if (!dir) {
      throw new Error('the WebAssembly package was not found next to cli.mjs or in wasm/pkg/ (build it: bash wasm/build.sh)');
    }
    const [glue, module] = await Promise.all([
      import(new URL('app_notifications.js', dir).href),
      readFile(new URL('app_notifications_bg.wasm', dir)).then((bytes) => WebAssembly.compile(bytes)),
    ]);
    ({ memory } = glue.initSync({ module }));
    return glue;
  })();
  // Awaited later (after stdin is read): a failure is reported then, not as unhandled now.
  engine.catch(() => {});
  return engine;
}

/** wasi.mjs (the wasip1 build's runner), only loaded when needed. */
function wasi() {
  return import('./wasi.mjs');
}

const DEFAULT_MAX_INPUT_BYTES = 256 * 1024 * 1024;
// Limits::MAX_DEPTH_CEILING in src/limits.rs (runKrm refuses more with a RangeError).
const MAX_DEPTH_CEILING = 1000;
const U64_MAX = (1n << 64n) - 1n;

// The KRM-mode flags that take a value, as the native binary spells them.
const VALUE_FLAGS = {
  '--app-label': 'appLabel',
  '--max-input-bytes': 'maxInputBytes',
  '--max-depth': 'maxDepth',
  '--max-alias-expansion': 'maxAliasExpansion',
  '--max-items': 'maxItems',
};

/**
 * The arguments of a plain KRM run (or a lone --version), read the way the native binary's
 * parser reads them; null for anything else (help, subcommands, repeated or malformed flags,
 * values out of range), which then goes to the native parser itself in the wasip1 build.
 */
export function parseKrmArgs(argv) {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    return { version: true };
  }
  const parsed = { check: false, appLabel: undefined, limits: {} };
  const seen = new Set();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--check') {
      if (seen.has(arg)) return null;
      seen.add(arg);
      parsed.check = true;
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!Object.hasOwn(VALUE_FLAGS, name) || seen.has(name)) return null;
    seen.add(name);
    let value;
    if (eq > 0) {
      value = arg.slice(eq + 1);
    } else {
      value = argv[++i];
      // A value that looks like a flag is a flag to the native parser (an error there).
      if (value === undefined || (value.startsWith('-') && value !== '-')) return null;
    }
    if (value === '') return null;
    const key = VALUE_FLAGS[name];
    if (key === 'appLabel') {
      parsed.appLabel = value;
      continue;
    }
    if (!/^\+?[0-9]+$/.test(value)) return null;
    const number = BigInt(value);
    if (number > U64_MAX) return null;
    if (key === 'maxDepth' && (number < 1n || number > BigInt(MAX_DEPTH_CEILING))) return null;
    // Beyond 2^53 a number is no longer exact, but a 32-bit engine reads every such limit as
    // "no limit" anyway.
    parsed.limits[key] = Number(number);
  }
  return parsed;
}

/**
 * The native binary's legacy plugin detection: KUSTOMIZE_PLUGIN_CONFIG_ROOT set and argv[1]
 * an existing file (symlinks followed) not starting with `-`.
 */
export function legacyPluginConfig(argv, env) {
  if (env.KUSTOMIZE_PLUGIN_CONFIG_ROOT === undefined) return null;
  const first = argv[0];
  if (first === undefined || first.startsWith('-')) return null;
  try {
    return statSync(first).isFile() ? first : null;
  } catch {
    return null;
  }
}

/**
 * Reads stdin as bytes, stopping one byte past `limit` (as the native binary does, so an
 * oversized input is refused without reading all of it). A regular file is read straight into
 * one buffer of its size; pipes and terminals are read as a stream (also on Windows, where
 * there is no /dev/stdin).
 */
export async function readProcessStdin(limit) {
  const cap = limit + 1;
  let stat = null;
  try {
    stat = fstatSync(0);
  } catch {
    // No stdin at all: read as a stream, which ends at once.
  }
  if (stat?.isFile()) {
    return readFd(0, cap, stat.size);
  }
  const chunks = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
    total += chunk.length;
    if (total >= cap) break; // leaves the loop and destroys the stream
  }
  return Buffer.concat(chunks, Math.min(total, cap));
}

/** Reads up to `cap` bytes from a file descriptor (a regular file: synchronous reads are fine everywhere). */
export function readFd(fd, cap, sizeHint = 0) {
  let buffer = Buffer.allocUnsafe(Math.max(1, Math.min(cap, sizeHint + 1)));
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length >= cap) break;
      const grown = Buffer.allocUnsafe(Math.min(cap, buffer.length * 2));
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
    const read = readSync(fd, buffer, length, buffer.length - length, null);
    if (read === 0) break;
    length += read;
  }
  return buffer.subarray(0, length);
}

/**
 * Reads stdin into the engine's memory (`reserveInput`): a regular file straight into it once
 * the engine is loaded, a pipe into a JS buffer while the engine loads, copied in once.
 * Resolves to the engine and the number of bytes read, at most `limit + 1` (one past the
 * limit, so an oversized input is refused as native refuses it).
 */
async function readInputInPlace(loading, io, limit) {
  const cap = limit + 1;
  let stat = null;
  try {
    stat = fstatSync(io.fds.stdin);
  } catch {
    // No stdin at all: io.readInput reads nothing.
  }
  if (!stat?.isFile()) {
    const bytes = await io.readInput(limit);
    const glue = await loading;
    return [glue, copyIn(glue, bytes)];
  }
  const glue = await loading;
  const size = Math.max(1, Math.min(cap, stat.size + 1));
  const address = glue.reserveInput(size);
  const view = new Uint8Array(memory.buffer, address, size);
  let length = 0;
  for (;;) {
    const read = readSync(io.fds.stdin, view, length, size - length, null);
    if (read === 0) return [glue, length];
    length += read;
    if (length === size) break;
  }
  if (length >= cap) return [glue, length];
  // The file grew while it was read: the rest as from a pipe, the start kept.
  const head = Buffer.from(view.subarray(0, length));
  const rest = readFd(io.fds.stdin, cap - length);
  return [glue, copyIn(glue, Buffer.concat([head, rest]))];
}

function copyIn(glue, bytes) {
  const address = glue.reserveInput(bytes.length);
  new Uint8Array(memory.buffer, address, bytes.length).set(bytes);
  return bytes.length;
}

/** A write that failed because the reader went away: the end of the output, not an error. */
function isBrokenPipe(err) {
  return err?.code === 'EPIPE';
}

/** Writes to a stream and waits until it is handed to the OS (no truncated output on pipes). */
function writeStream(stream, data) {
  return new Promise((resolve, reject) => {
    stream.write(data, (err) => (err ? reject(err) : resolve()));
  });
}

/** This process's stdio. */
export function processIo() {
  return {
    env: process.env,
    fds: { stdin: 0, stdout: 1, stderr: 2 },
    readInput: readProcessStdin,
    writeStdout: (bytes) => writeStream(process.stdout, bytes),
    writeStdoutSync: (bytes) => writeAll(1, bytes),
    writeStderr: (text) => writeStream(process.stderr, text),
  };
}

/** I/O on file descriptors of regular files (what the tests use). */
export function fdIo({ env, stdin, stdout, stderr }) {
  return {
    env,
    fds: { stdin, stdout, stderr },
    readInput: async (limit) => readFd(stdin, limit + 1, fstatSync(stdin).size),
    writeStdout: async (bytes) => writeAll(stdout, bytes),
    writeStdoutSync: (bytes) => writeAll(stdout, bytes),
    writeStderr: async (text) => writeAll(stderr, Buffer.from(text)),
  };
}

function writeAll(fd, bytes) {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (err) {
      // A non-blocking pipe that is full (a parent may hand one over): wait for the reader.
      if (err.code !== 'EAGAIN') throw err;
      Atomics.wait(PAUSE, 0, 0, 1);
    }
  }
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** An outcome written as the native binary writes it: stdout first, then stderr. */
async function emit(io, outcome) {
  try {
    await io.writeStdout(outcome.stdout);
  } catch (err) {
    // As native: a reader that went away ends the run quietly.
    if (isBrokenPipe(err)) return 0;
    await io.writeStderr(`error: writing stdout: ${err.message}\n`);
    return 1;
  }
  if (outcome.stderr) {
    await io.writeStderr(outcome.stderr);
  }
  return outcome.exitCode;
}

/**
 * Runs one command; resolves to its exit code.
 *
 * @param {string[]} argv the arguments after the program name
 * @param {ReturnType<typeof processIo>} io
 */
export async function run(argv, io) {
  const config = legacyPluginConfig(argv, io.env);
  if (config !== null) {
    let configBytes;
    try {
      configBytes = readFileSync(config);
    } catch {
      // A file that exists but cannot be read: the native command line says why, in its words.
      return runNative(argv, io);
    }
    const loading = loadEngine();
    const input = await io.readInput(DEFAULT_MAX_INPUT_BYTES);
    const { runLegacyPlugin } = await loading;
    return emit(io, runLegacyPlugin(configBytes, config, input));
  }
  const parsed = parseKrmArgs(argv);
  if (parsed?.version) {
    const { version } = await loadEngine();
    await io.writeStdout(Buffer.from(`app-notifications ${version()}\n`));
    return 0;
  }
  if (parsed === null) {
    return runNative(argv, io);
  }
  const limit = parsed.limits.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;
  const [glue, length] = await readInputInPlace(loadEngine(), io, limit);
  const options = {
    check: parsed.check,
    appLabel: parsed.appLabel,
    limits: parsed.limits,
    // As the native binary: kustomize sets LOG_TO_STDERR=true and shows no results.
    logToStderr: io.env.LOG_TO_STDERR === 'true',
  };
  let outcome;
  try {
    // Each piece is written from the engine's memory as it comes: no copy of the whole output.
    outcome = glue.runKrmInPlace(length, options, (address, size) =>
      io.writeStdoutSync(new Uint8Array(memory.buffer, address, size)),
    );
  } catch (err) {
    if (isBrokenPipe(err)) return 0;
    if (typeof err?.code !== 'string') throw err;
    await io.writeStderr(`error: writing stdout: ${err.message}\n`);
    return 1;
  }
  if (outcome.stderr) {
    await io.writeStderr(outcome.stderr);
  }
  return outcome.exitCode;
}

/** Anything but a plain KRM run: the native command line, built for wasm32-wasip1. */
async function runNative(argv, io) {
  const { runWasi, wasiBinaryPath } = await wasi();
  if (!wasiBinaryPath()) {
    await io.writeStderr(
      `error: \`app-notifications ${argv.join(' ')}\` needs the wasip1 build (app-notifications.wasm), ` +
        'which was not found: build it with `bash wasm/build.sh`, or use the native binary\n',
    );
    return 2;
  }
  return runWasi(argv, { env: io.env, ...io.fds });
}

/** Run as a script (also through a symlink, as a kustomize plugin), not imported. */
function isMain() {
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  tuneV8();
  try {
    process.exitCode = await run(process.argv.slice(2), processIo());
  } catch (err) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = 1;
  }
}
