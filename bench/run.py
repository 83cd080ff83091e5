#!/usr/bin/env python3
"""Benchmarks for app-notifications against the budgets of docs/semantics.md ("Budgets").

Core measurements (always run):

* fleet: the engine (KRM mode, ResourceList on stdin) vs the parse floor
  (``bench/parse_floor.rs``: the bare granit-parser event parse of the same bytes with the
  engine's options) on the 200-app fleet (12,200 items, ~15 MB), in alternating runs.
  Budgets: median wall ratio engine/floor <= 1.25; engine peak RSS <= 2.5 x input size.
* start-up: the engine on an empty ResourceList, median of 51 runs. Budget <= 5 ms.

Host measurements (``--hosts``; slow, each run takes seconds):

* kpt: ``kpt fn eval PKG --exec ENGINE -o stdout`` vs ``--exec cat`` on the 200-app package.
* kustomize: ``kubectl kustomize --enable-alpha-plugins`` with the engine as a legacy exec
  transformer plugin vs an identity plugin (``cat``) on 50 apps.
  Budget for both: median wall <= 1.10 x the identity run.
* wasm (``--wasm-cmd CMD``, repeatable): CMD (``node wasm/cli.mjs``: the wasm-bindgen package;
  ``node wasm/wasi.mjs``: the wasm32-wasip1 build; ResourceList on stdin) vs the native engine on
  the fleet, after checking that CMD writes native's output. Budget <= 2.5 x native.

Every run is a child process spawned with stdin from the input file and stdout to /dev/null;
wall time is ``time.perf_counter`` around spawn+wait, peak RSS is ``ru_maxrss`` of that one
child from ``os.wait4`` (in separate "clean" launches, see ``run_once``: a child spawned straight
from this driver inherits the driver's peak RSS). Compared commands alternate (A, B, A, B, ...)
after one untimed warm-up each, so drift (thermal, page cache, other load) hits both alike.

Usage:
    python3 bench/run.py                 # build, generate bench/out/ if absent, measure
    python3 bench/run.py --check         # exit 1 if a budget fails
    python3 bench/run.py --no-build --engine cat   # exercise the driver without the engine
    python3 bench/run.py --hosts --host-runs 3
    python3 bench/run.py --json bench/out/results.json

Standard library only. Adding a measurement: write ``def measure_x(ctx) -> list[Row]`` and
list it in ``MEASUREMENTS`` (or ``HOST_MEASUREMENTS``) with the flag that enables it.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
OUT = os.path.join(BENCH, "out")
GEN = os.path.join(BENCH, "gen_fleet.py")

EMPTY_RESOURCE_LIST = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n"

BUDGET_WALL_RATIO = 1.25
BUDGET_RSS_RATIO = 2.5
BUDGET_STARTUP_MS = 5.0
BUDGET_HOST_RATIO = 1.10
BUDGET_WASM_RATIO = 2.5


class BenchError(Exception):
    pass


# --------------------------------------------------------------------------------------------
# Running one child process.
# --------------------------------------------------------------------------------------------


@dataclass
class Sample:
    wall: float  # seconds
    maxrss: int  # bytes: ru_maxrss of this one child, from os.wait4 on its pid
    rc: int


# Linux records a process's peak RSS across exec, and a child spawned straight from this driver
# starts out with the driver's own memory map (vfork shares it, fork copies it): its ru_maxrss is
# never below the driver's peak (~15-20 MiB for CPython). So peak RSS is taken in separate
# "clean" runs: the driver makes itself a child subreaper (prctl, via ctypes), and a small /bin/sh
# forks a fresh sh that reports its pid and execs the command; the outer sh exits at once, the
# command is reparented to the driver, and os.wait4 on its pid gives its ru_maxrss alone (the
# floor is then /bin/sh's ~1 MiB). Wall times come from direct spawns, which add no shell.
_CLEAN_LAUNCHER = 'exec 4<&0; /bin/sh -c \'echo $$ >&3; exec 3>&- 0<&4 4<&-; exec "$@"\' sh "$@" &'
_SUBREAPER: bool | None = None


def clean_rss_available() -> bool:
    global _SUBREAPER
    if _SUBREAPER is None:
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            _SUBREAPER = libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
        except (OSError, AttributeError):
            _SUBREAPER = False
        _SUBREAPER = _SUBREAPER and os.path.exists("/bin/sh")
    return _SUBREAPER


def _resolve(argv: list, env: dict | None, label: str) -> str:
    exe = argv[0] if os.sep in argv[0] else shutil.which(argv[0], path=(env or os.environ).get("PATH"))
    if not exe or not os.access(exe, os.X_OK):
        raise BenchError(f"{label or argv[0]}: not an executable: {argv[0]}")
    return exe


def run_once(argv: list, stdin_path: str, stdout_path: str = os.devnull,
             env: dict | None = None, label: str = "", clean: bool = False) -> Sample:
    """Spawn argv with stdin from stdin_path, stdout to stdout_path and stderr kept for errors;
    wait4 it. Direct spawn (default): wall time = perf_counter around spawn + wait. clean=True:
    launched through the subreaper path above, for ru_maxrss (wall then includes two shells)."""
    exe = _resolve(argv, env, label)
    env = os.environ if env is None else env
    with open(stdin_path, "rb") as fin, open(stdout_path, "wb") as fout, \
            tempfile.TemporaryFile() as ferr:
        actions = [
            (os.POSIX_SPAWN_DUP2, fin.fileno(), 0),
            (os.POSIX_SPAWN_DUP2, fout.fileno(), 1),
            (os.POSIX_SPAWN_DUP2, ferr.fileno(), 2),
        ]
        if not clean:
            t0 = time.perf_counter()
            pid = os.posix_spawn(exe, argv, env, file_actions=actions)
            _, status, ru = os.wait4(pid, 0)
            wall = time.perf_counter() - t0
        else:
            if not clean_rss_available():
                raise BenchError("clean RSS runs need Linux prctl(PR_SET_CHILD_SUBREAPER) and /bin/sh")
            r, w = os.pipe()
            try:
                t0 = time.perf_counter()
                sh = os.posix_spawn("/bin/sh", ["sh", "-c", _CLEAN_LAUNCHER, "sh", exe, *argv[1:]], env,
                                    file_actions=actions + [(os.POSIX_SPAWN_DUP2, w, 3)])
                os.close(w)
                w = -1
                _, sh_status, _ = os.wait4(sh, 0)  # once reaped, its child is ours
                buf = b""
                while chunk := os.read(r, 64):
                    buf += chunk
            finally:
                os.close(r)
                if w >= 0:
                    os.close(w)
            if os.waitstatus_to_exitcode(sh_status) != 0 or not buf.strip().isdigit():
                raise BenchError(f"{label or argv[0]}: clean launcher failed ({buf!r})")
            _, status, ru = os.wait4(int(buf), 0)
            wall = time.perf_counter() - t0
        rc = os.waitstatus_to_exitcode(status)
        if rc != 0:
            ferr.seek(0)
            tail = ferr.read()[-4000:].decode("utf-8", "replace")
            raise BenchError(f"{label or argv[0]}: exit {rc} on {os.path.relpath(stdin_path)}\n{tail}")
    return Sample(wall=wall, maxrss=ru.ru_maxrss * 1024, rc=rc)


@dataclass
class Cmd:
    label: str
    argv: list
    env: dict | None = None
    samples: list = field(default_factory=list)  # direct spawns: wall time (and biased RSS)
    rss_samples: list = field(default_factory=list)  # clean launches: peak RSS

    def run(self, stdin_path: str, stdout_path: str = os.devnull, clean: bool = False) -> Sample:
        return run_once(self.argv, stdin_path, stdout_path, env=self.env, label=self.label, clean=clean)

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def maxrss(self) -> int:
        """Median peak RSS: from the clean runs if any, else from the direct ones (biased up to the
        driver's own peak)."""
        return int(statistics.median(s.maxrss for s in (self.rss_samples or self.samples)))


def alternate(cmds: list, stdin_path: str, runs: int, warmup: int = 1, verbose: bool = False,
              clean: bool = False) -> None:
    """Run cmds round-robin `runs` times each (after `warmup` unrecorded rounds), keeping samples
    (clean=True: clean-RSS launches, kept in rss_samples)."""
    for _ in range(warmup):
        for c in cmds:
            c.run(stdin_path, clean=clean)
    for i in range(runs):
        for c in cmds:
            s = c.run(stdin_path, clean=clean)
            (c.rss_samples if clean else c.samples).append(s)
            if verbose:
                kind = "rss " if clean else "wall"
                print(f"  {kind} {i + 1:>2} {c.label:<14} {s.wall * 1000:9.1f} ms  {mib(s.maxrss):8.1f} MiB",
                      file=sys.stderr)


def measure_rss(ctx, cmds: list, stdin_path: str) -> str:
    """Fill rss_samples of cmds with clean runs; return a note on how RSS was measured."""
    if ctx.args.rss_runs == 0 or not clean_rss_available():
        return "direct spawn: floored at the driver's own peak"
    alternate(cmds, stdin_path, ctx.args.rss_runs, warmup=0, verbose=ctx.args.verbose, clean=True)
    return f"median of {ctx.args.rss_runs} clean runs"


# --------------------------------------------------------------------------------------------
# Results.
# --------------------------------------------------------------------------------------------


@dataclass
class Row:
    what: str
    value: str
    budget: str = ""
    ok: bool | None = None  # None: informational
    raw: dict = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        return "" if self.ok is None else ("PASS" if self.ok else "FAIL")


def mib(n: float) -> float:
    return n / 2**20


def fmt_s(t: float) -> str:
    return f"{t * 1000:.1f} ms" if t < 1 else f"{t:.3f} s"


def spread(samples: list) -> str:
    w = [s.wall for s in samples]
    return f"{fmt_s(min(w))} – {fmt_s(max(w))}"


def table(rows: list) -> str:
    lines = ["| measurement | value | budget | result |", "| --- | ---: | ---: | :---: |"]
    for r in rows:
        lines.append(f"| {r.what} | {r.value} | {r.budget} | {r.verdict} |")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Inputs.
# --------------------------------------------------------------------------------------------


def generate(fmt: str, apps: int, out: str, *extra: str) -> str:
    if not os.path.exists(out):
        print(f"generating {os.path.relpath(out)} ({apps} apps, {fmt})", file=sys.stderr)
        subprocess.run([sys.executable, GEN, "--apps", str(apps), "--format", fmt, "--out", out, *extra],
                       check=True)
    return out


def fleet_file(ctx) -> str:
    if ctx.args.input:
        return ctx.args.input
    os.makedirs(OUT, exist_ok=True)
    return generate("resourcelist", ctx.args.apps, os.path.join(OUT, f"fleet-{ctx.args.apps}.yaml"))


def empty_file() -> str:
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "empty.yaml")
    if not os.path.exists(path) or open(path).read() != EMPTY_RESOURCE_LIST:
        with open(path, "w") as f:
            f.write(EMPTY_RESOURCE_LIST)
    return path


# --------------------------------------------------------------------------------------------
# Measurements.
# --------------------------------------------------------------------------------------------


class Ctx:
    def __init__(self, args):
        self.args = args
        self.engine = shlex.split(args.engine)
        self.floor = shlex.split(args.floor)


def sanity_check(ctx, fleet: str) -> list:
    """One untimed engine run with its output kept, so an engine that exits 0 printing nothing
    (which would be fast) is caught."""
    out = os.path.join(OUT, "engine-output.yaml")
    run_once(ctx.engine, fleet, out, label="engine")
    size, alerts = os.path.getsize(out), 0
    with open(out, "rb") as f:  # line by line: the driver's own peak RSS stays small
        head = f.read(4096)
        f.seek(0)
        for line in f:
            alerts += line == b"  kind: Alert\n"
    if b"kind: ResourceList" not in head and b'"ResourceList"' not in head:
        raise BenchError(f"engine output {os.path.relpath(out)} is not a ResourceList ({size} bytes)")
    return [Row("engine output (sanity run)", f"{size / 1e6:.2f} MB, {alerts} Alerts",
                raw={"output_bytes": size, "alerts": alerts})]


def measure_fleet(ctx) -> list:
    args = ctx.args
    fleet = fleet_file(ctx)
    size = os.path.getsize(fleet)
    rows = [Row("input", f"{size / 1e6:.2f} MB ({mib(size):.2f} MiB)", raw={"bytes": size, "path": fleet})]
    rows += sanity_check(ctx, fleet)
    engine = Cmd("engine", ctx.engine)
    floor = Cmd("parse-floor", ctx.floor + [fleet])
    print(f"fleet: {args.runs} alternating runs of engine and parse floor", file=sys.stderr)
    alternate([engine, floor], fleet, args.runs, verbose=args.verbose)
    true = Cmd("true", ["true"])
    how = measure_rss(ctx, [engine, floor, true], fleet)
    ratio = engine.wall / floor.wall
    rss_ratio = engine.maxrss / size
    rows += [
        Row(f"engine wall (median of {args.runs})", fmt_s(engine.wall), "(≤ 0.5 s here)",
            raw={"median_s": engine.wall, "samples_s": [s.wall for s in engine.samples]}),
        Row("… spread", spread(engine.samples)),
        Row(f"parse floor wall (median of {args.runs})", fmt_s(floor.wall),
            raw={"median_s": floor.wall, "samples_s": [s.wall for s in floor.samples]}),
        Row("… spread", spread(floor.samples)),
        Row("engine / floor wall", f"{ratio:.3f}", f"≤ {BUDGET_WALL_RATIO}", ratio <= BUDGET_WALL_RATIO,
            raw={"ratio": ratio}),
        Row(f"engine peak RSS ({how})", f"{mib(engine.maxrss):.1f} MiB",
            raw={"bytes": engine.maxrss, "samples": [s.maxrss for s in engine.rss_samples or engine.samples]}),
        Row("parse floor peak RSS", f"{mib(floor.maxrss):.1f} MiB", raw={"bytes": floor.maxrss}),
    ]
    if true.rss_samples:
        rows.append(Row("… RSS measurement floor (`true`)", f"{mib(true.maxrss):.1f} MiB",
                        raw={"bytes": true.maxrss}))
    rows += [
        Row("engine peak RSS / input size", f"{rss_ratio:.2f}", f"≤ {BUDGET_RSS_RATIO}",
            rss_ratio <= BUDGET_RSS_RATIO, raw={"ratio": rss_ratio}),
    ]
    return rows


def measure_startup(ctx) -> list:
    args = ctx.args
    empty = empty_file()
    engine = Cmd("engine", ctx.engine)
    true = Cmd("true", ["true"])
    print(f"start-up: {args.startup_runs} runs on an empty ResourceList", file=sys.stderr)
    alternate([engine, true], empty, args.startup_runs, warmup=3)
    ms = engine.wall * 1000
    return [
        Row(f"start-up, empty ResourceList (median of {args.startup_runs})", f"{ms:.2f} ms",
            f"≤ {BUDGET_STARTUP_MS:g} ms", ms <= BUDGET_STARTUP_MS,
            raw={"median_ms": ms, "samples_ms": [s.wall * 1000 for s in engine.samples]}),
        Row("… process spawn floor (`true`, median)", f"{true.wall * 1000:.2f} ms",
            raw={"median_ms": true.wall * 1000}),
    ]


def _host_compare(ctx, what: str, fn: Cmd, ident: Cmd, stdin_path: str, budget: float) -> list:
    runs = ctx.args.host_runs
    print(f"{what}: {runs} alternating runs (function, identity)", file=sys.stderr)
    alternate([fn, ident], stdin_path, runs, warmup=1, verbose=True)
    ratio = fn.wall / ident.wall
    return [
        Row(f"{what}: with function (median of {runs})", fmt_s(fn.wall),
            raw={"samples_s": [s.wall for s in fn.samples], "maxrss": fn.maxrss}),
        Row(f"{what}: identity (median of {runs})", fmt_s(ident.wall),
            raw={"samples_s": [s.wall for s in ident.samples], "maxrss": ident.maxrss}),
        Row(f"{what}: function / identity", f"{ratio:.3f}", f"≤ {budget}", ratio <= budget,
            raw={"ratio": ratio}),
    ]


def _abs_engine(ctx) -> str:
    exe = ctx.engine[0]
    path = exe if os.sep in exe else shutil.which(exe)
    if not path or len(ctx.engine) != 1:
        raise BenchError("host measurements need --engine to be a single executable")
    return os.path.abspath(path)


def measure_kpt(ctx) -> list:
    if not shutil.which("kpt"):
        return [Row("kpt fn eval", "skipped: kpt not on PATH")]
    apps = ctx.args.apps
    pkg = generate("package", apps, os.path.join(OUT, f"fleet-{apps}.pkg"))
    engine = _abs_engine(ctx)
    argv = ["kpt", "fn", "eval", pkg, "-o", "stdout", "--exec"]
    fn = Cmd("kpt+fn", argv + [engine])
    ident = Cmd("kpt+cat", argv + ["cat"])
    return _host_compare(ctx, f"kpt fn eval --exec, {apps} apps", fn, ident, os.devnull, BUDGET_HOST_RATIO)


PLUGIN_DIR = ("kustomize", "plugin", "app-notifications.dev", "v1alpha1", "appnotifications")


def _plugin_home(root: str, target: str | None) -> str:
    """An XDG_CONFIG_HOME holding the AppNotifications legacy exec plugin: a symlink to the engine,
    or (target None) an identity script."""
    d = os.path.join(root, *PLUGIN_DIR)
    os.makedirs(d, exist_ok=True)
    plugin = os.path.join(d, "AppNotifications")
    if os.path.lexists(plugin):
        os.remove(plugin)
    if target:
        os.symlink(target, plugin)
    else:
        with open(plugin, "w") as f:
            f.write("#!/bin/sh\n# identity legacy exec plugin: YAML stream in, same stream out\nexec cat\n")
        os.chmod(plugin, 0o755)
    return root


def measure_kustomize(ctx) -> list:
    if not shutil.which("kubectl"):
        return [Row("kubectl kustomize", "skipped: kubectl not on PATH")]
    apps = ctx.args.kustomize_apps
    tree = os.path.join(OUT, f"fleet-{apps}.kustomize")
    if not os.path.exists(tree):
        generate("kustomize", apps, tree, "--transformer", "notifications-transformer.yaml")
        # The transformer's config is app-000's own config: kustomize hands it to the plugin as
        # argv[1]; the other apps' configs are discovered among the items.
        with open(os.path.join(tree, "apps", "app-000", "notifications.yaml"), encoding="utf-8") as f:
            text = f.read()
        with open(os.path.join(tree, "notifications-transformer.yaml"), "w", encoding="utf-8") as f:
            f.write(text)
    engine = _abs_engine(ctx)
    env_fn = dict(os.environ, XDG_CONFIG_HOME=_plugin_home(os.path.join(OUT, "xdg-fn"), engine))
    env_id = dict(os.environ, XDG_CONFIG_HOME=_plugin_home(os.path.join(OUT, "xdg-identity"), None))
    argv = ["kubectl", "kustomize", "--enable-alpha-plugins", tree]
    fn = Cmd("kustomize+fn", argv, env=env_fn)
    ident = Cmd("kustomize+id", argv, env=env_id)
    return _host_compare(ctx, f"kubectl kustomize + legacy plugin, {apps} apps", fn, ident, os.devnull,
                         BUDGET_HOST_RATIO)


def measure_wasm(ctx) -> list:
    """Each --wasm-cmd (e.g. `node wasm/cli.mjs`, `node wasm/wasi.mjs`) vs the native engine on the
    fleet, all alternating. Each command's output is first checked to be native's, byte for byte:
    a fast wrong answer is no result."""
    fleet = fleet_file(ctx)
    native = Cmd("native", ctx.engine)
    wasms = [Cmd(f"wasm {i + 1}", shlex.split(cmd)) for i, cmd in enumerate(ctx.args.wasm_cmd)]
    expected = os.path.join(OUT, "engine-output.yaml")
    got = os.path.join(OUT, "wasm-output.yaml")
    native.run(fleet, expected)
    for cmd, text in zip(wasms, ctx.args.wasm_cmd):
        cmd.run(fleet, got)
        if not filecmp.cmp(expected, got, shallow=False):
            raise BenchError(f"`{text}` does not write the native engine's output (see {os.path.relpath(got)})")
    # Node's own start-up is in every Node row; it is shown so the rest can be read. A machine
    # that sets NODE_EXTRA_CA_CERTS (this one does, for its TLS proxy) makes Node parse that CA
    # bundle at every start, whatever the script: the Node rows are then also measured without
    # it, for information (the budget is judged on the environment as it is).
    nodes = sorted({c.argv[0] for c in wasms if os.path.basename(c.argv[0]) == "node"})
    bare_env = {k: v for k, v in os.environ.items() if k != "NODE_EXTRA_CA_CERTS"}
    extra_ca = "NODE_EXTRA_CA_CERTS" in os.environ
    starts = [Cmd(f"{n} -e 0", [n, "-e", "0"]) for n in nodes]
    texts = list(ctx.args.wasm_cmd) + [c.label for c in starts]
    bare = []
    if extra_ca:
        bare = [Cmd(f"{c.label} (no CA env)", c.argv, env=bare_env) for c in wasms + starts]
    runs = ctx.args.runs
    print(f"wasm: {runs} alternating runs ({', '.join(c.label for c in wasms + starts + bare)}, native)",
          file=sys.stderr)
    alternate(wasms + starts + bare + [native], fleet, runs, verbose=ctx.args.verbose)
    rows = [Row(f"native wall (median of {runs})", fmt_s(native.wall),
                raw={"samples_s": [s.wall for s in native.samples]})]
    for cmd, text in zip(wasms, ctx.args.wasm_cmd):
        ratio = cmd.wall / native.wall
        rows += [
            Row(f"`{text}` wall (median of {runs})", fmt_s(cmd.wall),
                raw={"command": text, "samples_s": [s.wall for s in cmd.samples]}),
            Row(f"`{text}` / native wall", f"{ratio:.3f}", f"≤ {BUDGET_WASM_RATIO}",
                ratio <= BUDGET_WASM_RATIO, raw={"ratio": ratio}),
        ]
    for cmd in starts:
        rows.append(Row(f"`{cmd.label}` wall: Node's own start-up, in each row above", fmt_s(cmd.wall),
                        raw={"samples_s": [s.wall for s in cmd.samples]}))
    for cmd, text in zip(bare, texts):
        rows.append(Row(f"`{text}` without NODE_EXTRA_CA_CERTS (information)", fmt_s(cmd.wall),
                        raw={"samples_s": [s.wall for s in cmd.samples]}))
        if cmd.argv[1:] != ["-e", "0"]:
            ratio = cmd.wall / native.wall
            rows.append(Row(f"… / native wall (information)", f"{ratio:.3f}", raw={"ratio": ratio}))
    return rows


# (name, enabled(args), function). Core measurements first; hosts are opt-in.
MEASUREMENTS = [
    ("fleet", lambda a: not a.skip_core, measure_fleet),
    ("startup", lambda a: not a.skip_core, measure_startup),
    ("kpt", lambda a: a.hosts, measure_kpt),
    ("kustomize", lambda a: a.hosts, measure_kustomize),
    ("wasm", lambda a: bool(a.wasm_cmd), measure_wasm),
]


# --------------------------------------------------------------------------------------------


def build(args) -> None:
    cmd = ["cargo", "build", "--release", "--bin", "app-notifications", "--example", "parse-floor"]
    print("+ " + " ".join(cmd), file=sys.stderr)
    if subprocess.run(cmd, cwd=REPO).returncode != 0:
        raise SystemExit("run.py: cargo build failed (is the parse-floor [[example]] in Cargo.toml?)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="app-notifications benchmarks vs the budgets of docs/semantics.md")
    ap.add_argument("--runs", type=int, default=11, help="alternating runs per command (default 11)")
    ap.add_argument("--startup-runs", type=int, default=51, help="start-up runs (default 51)")
    ap.add_argument("--rss-runs", type=int, default=3,
                    help="clean runs per command for peak RSS (default 3; 0 = use the timed runs)")
    ap.add_argument("--apps", type=int, default=200, help="fleet size (default 200)")
    ap.add_argument("--input", help="use this ResourceList instead of bench/out/fleet-N.yaml")
    ap.add_argument("--engine", default=os.path.join(REPO, "target", "release", "app-notifications"),
                    help="engine command (default target/release/app-notifications); e.g. 'cat'")
    ap.add_argument("--floor", default=os.path.join(REPO, "target", "release", "examples", "parse-floor"),
                    help="parse floor command (default target/release/examples/parse-floor)")
    ap.add_argument("--no-build", action="store_true", help="skip cargo build")
    ap.add_argument("--check", action="store_true", help="exit 1 when a budget fails")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every run")
    ap.add_argument("--hosts", action="store_true",
                    help="also measure inside kpt and kubectl kustomize (slow)")
    ap.add_argument("--host-runs", type=int, default=3, help="alternating runs per host measurement (default 3)")
    ap.add_argument("--kustomize-apps", type=int, default=50, help="apps for the kustomize measurement (default 50)")
    ap.add_argument("--wasm-cmd", action="append", default=[],
                    help="command running a WASM build as a KRM function (stdin→stdout), e.g. "
                         "'node wasm/cli.mjs'; repeat it to compare several builds in one run")
    ap.add_argument("--skip-core", action="store_true", help="skip the fleet and start-up measurements")
    args = ap.parse_args(argv)
    if args.runs < 1 or args.startup_runs < 1 or args.host_runs < 1 or args.rss_runs < 0:
        ap.error("run counts must be >= 1")

    if not args.no_build:
        build(args)
    ctx = Ctx(args)
    rows: list = []
    results: dict = {}
    failed = False
    for name, enabled, fn in MEASUREMENTS:
        if not enabled(args):
            continue
        try:
            got = fn(ctx)
        except BenchError as e:
            print(f"{name}: {e}", file=sys.stderr)
            got = [Row(name, "error: " + str(e).splitlines()[0], "", False)]
        rows += got
        results[name] = [{"what": r.what, "value": r.value, "budget": r.budget, "result": r.verdict, **r.raw}
                         for r in got]
        failed |= any(r.ok is False for r in got)

    print()
    print(f"engine: `{args.engine}`  ·  floor: `{args.floor}`  ·  {os.cpu_count()} CPUs")
    print()
    print(table(rows))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"engine": args.engine, "floor": args.floor, "results": results}, f, indent=2)
    if failed:
        print("\nbudget FAILED" + ("" if args.check else " (not enforced without --check)"))
    return 1 if failed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
