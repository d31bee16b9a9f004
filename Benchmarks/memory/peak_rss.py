#!/usr/bin/env python3
"""Peak memory of a benchmark workload, Ember and PyTorch, net of each side's baseline.

Usage:
    python3 Benchmarks/memory/peak_rss.py [--threads 2] [--steps 3] [--rounds 3]
                                          [--ember PATH] [--python PATH] [workload ...]

For each workload (default: resnet18_finetune_b16) and each side, runs the
benchmark process twice: once with `--steps 0` (builds the model, optimizer and
inputs, runs nothing: the baseline) and once with `--steps S` (S iterations).
The figure is the maximum resident set size of the second minus that of the
first, as `/usr/bin/time -v` reports it (the child's ru_maxrss, read here with
os.wait4), so interpreter, libraries and the model's weights cancel out. The
runs alternate Ember, PyTorch per round and the median over rounds is printed:

    workload  side  baseline MB  peak MB  net MB

Ember's runs also print its allocator's figures (memoryStats()) on stderr:
the most it held, how much of that was live tensors and how much idle buffers
in the cache at that moment. Builds nothing: build EmberBench first
(swift build -c release --product EmberBench).
"""

import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BENCH_PY = os.path.join(ROOT, "Benchmarks", "pytorch", "bench.py")
DEFAULT_EMBER = os.path.join(ROOT, ".build", "release", "EmberBench")


def max_rss_mb(command):
    """Runs command; returns (peak RSS in MB, its stderr)."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({proc.returncode}):\n{err}")
    return usage.ru_maxrss * 1024 / 1e6, err  # ru_maxrss is in KiB on Linux


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=3, help="iterations in the measured run")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--ember", default=DEFAULT_EMBER)
    p.add_argument("--python", default=sys.executable)
    p.add_argument("workloads", nargs="*", default=["resnet18_finetune_b16"])
    args = p.parse_args()

    sides = {
        "ember": lambda w, s: [args.ember, "--threads", str(args.threads), "--steps", str(s), w],
        "pytorch": lambda w, s: [args.python, BENCH_PY, "--threads", str(args.threads), "--steps", str(s), w],
    }
    print(f"{'workload':<24} {'side':<8} {'baseline MB':>11} {'peak MB':>8} {'net MB':>7}")
    for workload in args.workloads:
        figures = {side: [] for side in sides}
        for _ in range(args.rounds):
            for side, command in sides.items():
                base, _ = max_rss_mb(command(workload, 0))
                peak, err = max_rss_mb(command(workload, args.steps))
                if side == "ember":
                    for line in err.splitlines():
                        if "allocator" in line:
                            print(f"  {line}", file=sys.stderr)
                figures[side].append((base, peak, peak - base))
        for side, runs in figures.items():
            base, peak, net = (statistics.median(r[i] for r in runs) for i in range(3))
            print(f"{workload:<24} {side:<8} {base:>11.0f} {peak:>8.0f} {net:>7.0f}", flush=True)


if __name__ == "__main__":
    main()
