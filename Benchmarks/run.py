#!/usr/bin/env python3
"""Compare Ember and PyTorch on the benchmark workloads.

Usage:
    python3 Benchmarks/run.py [--threads 2] [--rounds 3] [--repeat R]
                              [--ember PATH] [--python PATH]
                              [--env-openblas-unset] [workload ...]

Builds nothing: build EmberBench first (swift build -c release --product
EmberBench).  Runs the Ember binary and Benchmarks/pytorch/bench.py
alternately (ember, pytorch, ember, pytorch, ...) for --rounds rounds, each
with `--threads N [--repeat R] [workload ...]`.  Both print one line per
workload, `NAME<TAB>SECONDS_PER_ITERATION`; the runner takes each workload's
median across rounds and prints

    workload  ember  pytorch  ratio

with times in milliseconds (3 significant digits) and
ratio = pytorch_time / ember_time, so ratio > 1 means Ember is faster.
A workload that only one side reports (or a side that fails or is missing)
shows '-'.
"""

import argparse
import math
import os
import platform
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BENCH_PY = os.path.join(HERE, "pytorch", "bench.py")
DEFAULT_EMBER = os.path.join(ROOT, ".build", "release", "EmberBench")
OPENBLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def sig3(x):
    """Format x with 3 significant digits, without scientific notation."""
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    digits = 3 - int(math.floor(math.log10(abs(x)))) - 1
    r = round(x, digits)
    # Rounding can carry to the next power of ten (9.996 -> 10.0): recompute.
    if r != 0:
        digits = 3 - int(math.floor(math.log10(abs(r)))) - 1
    return f"{r:.{max(digits, 0)}f}"


def parse(stdout, side):
    results = {}
    for line in stdout.splitlines():
        if not line.strip():
            continue
        parts = line.split("\t")
        try:
            if len(parts) != 2:
                raise ValueError
            results[parts[0].strip()] = float(parts[1])
        except ValueError:
            log(f"warning: {side}: ignoring unexpected output line: {line!r}")
    return results


def run_side(side, cmd, env):
    log(f"[{side}] {' '.join(cmd)}")
    try:
        proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    except OSError as e:
        log(f"warning: {side}: could not run: {e}")
        return {}
    for line in proc.stderr.splitlines():
        log(f"  {side}: {line}")
    if proc.returncode != 0:
        log(f"warning: {side}: exited with status {proc.returncode}")
    return parse(proc.stdout, side)


def main(argv=None):
    p = argparse.ArgumentParser(description="Compare Ember and PyTorch benchmark timings.")
    p.add_argument("--threads", type=int, default=2, help="threads for both sides (default 2)")
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    p.add_argument("--repeat", type=int, default=None,
                   help="timed repetitions per workload, passed to both (default: each side's own)")
    p.add_argument("--ember", default=DEFAULT_EMBER,
                   help="EmberBench binary (default .build/release/EmberBench)")
    p.add_argument("--python", default=os.environ.get("EMBER_BENCH_PYTHON", "python3"),
                   help="interpreter with torch installed, for bench.py (default $EMBER_BENCH_PYTHON, else python3)")
    p.add_argument("--env-openblas-unset", action="store_true",
                   help=f"remove {' and '.join(OPENBLAS_VARS)} from both sides' environment")
    p.add_argument("workloads", nargs="*", help="workload names (default: all each side knows)")
    args = p.parse_args(argv)
    if args.threads < 1 or args.rounds < 1 or (args.repeat is not None and args.repeat < 1):
        p.error("--threads, --rounds and --repeat must be positive")

    env = dict(os.environ)
    if args.env_openblas_unset:
        for var in OPENBLAS_VARS:
            env.pop(var, None)
        env_desc = f"{', '.join(OPENBLAS_VARS)} removed"
    else:
        shown = [f"{v}={os.environ[v]}" for v in OPENBLAS_VARS if v in os.environ]
        env_desc = "as is" + (f" ({', '.join(shown)})" if shown else
                              f" (neither {' nor '.join(OPENBLAS_VARS)} set)")

    tail = ["--threads", str(args.threads)]
    if args.repeat is not None:
        tail += ["--repeat", str(args.repeat)]
    tail += args.workloads
    sides = {
        "ember": [args.ember] + tail,
        "pytorch": [args.python, BENCH_PY] + tail,
    }

    print(f"environment: {env_desc}")
    print(f"threads: {args.threads}   rounds: {args.rounds}")
    print(f"cpu: {cpu_model()}")
    sys.stdout.flush()

    have_ember = os.path.exists(args.ember)
    if not have_ember:
        log(f"warning: {args.ember} not found; build it with "
            f"`swift build -c release --product EmberBench`. Ember column will be '-'.")

    samples = {"ember": {}, "pytorch": {}}
    order = []  # workloads in first-seen order
    for r in range(args.rounds):
        log(f"round {r + 1}/{args.rounds}")
        for side, cmd in sides.items():
            if side == "ember" and not have_ember:
                continue
            for name, secs in run_side(side, cmd, env).items():
                samples[side].setdefault(name, []).append(secs)
                if name not in order:
                    order.append(name)

    if args.workloads:  # requested order first, then anything else reported
        order = list(dict.fromkeys(args.workloads + order))

    med = {side: {n: statistics.median(v) for n, v in s.items()} for side, s in samples.items()}
    rows = [("workload", "ember", "pytorch", "ratio")]
    for name in order:
        e = med["ember"].get(name)
        t = med["pytorch"].get(name)
        rows.append((
            name,
            sig3(e * 1e3) if e is not None else "-",
            sig3(t * 1e3) if t is not None else "-",
            sig3(t / e) if e and t is not None else "-",
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    print()
    print("times in ms per iteration (median over rounds); ratio = pytorch / ember, > 1: Ember faster")
    for i, row in enumerate(rows):
        print("  ".join([row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    incomplete = {n: len(v) for s in samples.values() for n, v in s.items() if len(v) < args.rounds}
    if incomplete:
        log(f"note: some workloads have fewer than {args.rounds} samples: {incomplete}")
    return 0 if any(samples.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
