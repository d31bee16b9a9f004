"""The README's image case studies, Ember and PyTorch side by side (part 1 section 3.4,
part 3 sections 5-8, on Fashion-MNIST exported as image folders):

    R1  SimpleCNN from scratch on `pair` (T-shirt/top vs Shirt), 10 epochs
    R2  resnet18 pretrained on `other8` for 3 epochs, then on 100 images per class of
        `pair`: fine-tuned, frozen backbone, and from scratch, 15 epochs, StepLR(7, 0.1)
    R3  R2's frozen variant on pre-computed features

    swift build -c release --product ember
    .build/release/ember export --out DATA/pair --classes 0,6 --layout folders
    .build/release/ember export --out DATA/other8 --classes 1,2,3,4,5,7,8,9 --layout folders
    python3 Benchmarks/case_studies.py --data DATA --work WORK --python /path/to/venv/bin/python

Ember and PyTorch runs alternate, each under `flock /tmp/ember-build.lock` so no build or
benchmark shares the cores with it. Results go to WORK/results.json as they come (a
rerun skips what is there); the table at the end gives final and best validation
accuracy per seed and seconds per epoch.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESNET = ["--model", "resnet18", "--image-size", "32"]
SMALL = RESNET + ["--train-per-class", "100", "--lr", "0.001", "--momentum", "0.9", "--step-size", "7",
                  "--gamma", "0.1", "--epochs", "15"]


def recipes(data, work):
    pair, other8 = os.path.join(data, "pair"), os.path.join(data, "other8")
    pretrained = {"ember": os.path.join(work, "ember", "R2-pretrain-s0", "resnet18", "model.pth"),
                  "pytorch": os.path.join(work, "pytorch-R2-pretrain.pth")}
    yield "R1", [0, 1, 2], lambda side: ["--data", pair, "--epochs", "10", "--lr", "0.01", "--momentum", "0.9"]
    yield "R2-pretrain", [0], lambda side: ["--data", other8, "--epochs", "3", "--lr", "0.01", "--momentum", "0.9"] + RESNET
    yield "R2-finetune", [0, 1, 2], lambda side: ["--data", pair, "--weights", pretrained[side]] + SMALL
    yield "R2-frozen", [0, 1, 2], lambda side: ["--data", pair, "--weights", pretrained[side], "--freeze", "backbone"] + SMALL
    yield "R2-scratch", [0, 1, 2], lambda side: ["--data", pair] + SMALL
    yield "R3", [0, 1, 2], lambda side: ["--data", pair, "--weights", pretrained[side], "--freeze", "backbone",
                                         "--precompute-features"] + SMALL


def run_ember(args, out, seed, log):
    command = [os.path.join(ROOT, ".build", "release", "ember"), "train", "images", "--out", out, "--seed", str(seed)] + args
    subprocess.run(["flock", "/tmp/ember-build.lock"] + command, check=True, stdout=log, stderr=subprocess.STDOUT)
    model = args[args.index("--model") + 1] if "--model" in args else "simplecnn"
    with open(os.path.join(out, model, "metrics.csv")) as f:
        rows = [line.split(",") for line in f.read().split()[1:]]
    accuracies = [float(r[4]) * 100 for r in rows]
    seconds = [float(r[6]) + float(r[7]) for r in rows]
    return {"final": accuracies[-1], "best": max(accuracies), "seconds_per_epoch": statistics.mean(seconds)}


def run_pytorch(python, args, seed, save, log):
    script = os.path.join(ROOT, "Benchmarks", "pytorch", "image_case_studies.py")
    command = [python, script, "--seed", str(seed)] + args + (["--save", save] if save else [])
    result = subprocess.run(["flock", "/tmp/ember-build.lock"] + command, check=True, capture_output=True, text=True)
    log.write(result.stdout + result.stderr)
    last = result.stdout.strip().split("\n")[-1].split()
    return {"final": float(last[3]), "best": float(last[7]), "seconds_per_epoch": float(last[9])}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--python", default=sys.executable)
    p.add_argument("--only", help="comma-separated recipe names")
    p.add_argument("--seeds", help="comma-separated seeds for the recipes run over several (default 0,1,2); "
                                   "R2-pretrain stays one run, seed 0")
    a = p.parse_args()
    chosen_seeds = [int(s) for s in a.seeds.split(",")] if a.seeds else None
    os.makedirs(a.work, exist_ok=True)
    path = os.path.join(a.work, "results.json")
    results = json.load(open(path)) if os.path.exists(path) else {}
    with open(os.path.join(a.work, "log.txt"), "a") as log:
        for name, seeds, arguments in recipes(a.data, a.work):
            if a.only and name not in a.only.split(","):
                continue
            for seed in (chosen_seeds if chosen_seeds and len(seeds) > 1 else seeds):
                for side in ["ember", "pytorch"]:
                    key = f"{name}/{side}/{seed}"
                    if key in results:
                        continue
                    log.write(f"\n=== {key}\n")
                    log.flush()
                    if side == "ember":
                        out = os.path.join(a.work, "ember", f"{name}-s{seed}")
                        results[key] = run_ember(arguments(side), out, seed, log)
                    else:
                        save = os.path.join(a.work, "pytorch-R2-pretrain.pth") if name == "R2-pretrain" else None
                        results[key] = run_pytorch(a.python, arguments(side), seed, save, log)
                    print(key, results[key], flush=True)
                    with open(path + ".tmp", "w") as f:
                        json.dump(results, f, indent=1)
                    os.replace(path + ".tmp", path)
    print(table(results))
    print(spread(results))


def runs_of(results, name, side):
    """The runs of one recipe and side, in seed order."""
    prefix = f"{name}/{side}/"
    keys = [k for k in results if k.startswith(prefix)]
    return [results[k] for k in sorted(keys, key=lambda k: int(k[len(prefix):]))]


def table(results):
    lines = ["| recipe | side | final valid acc % (per seed) | best valid acc % | s/epoch |", "|---|---|---|---|---|"]
    names = sorted({k.split("/")[0] for k in results}, key=lambda n: ["R1", "R2-pretrain", "R2-finetune", "R2-frozen", "R2-scratch", "R3"].index(n))
    for name in names:
        for side in ["ember", "pytorch"]:
            runs = runs_of(results, name, side)
            if runs:
                lines.append(f"| {name} | {'Ember' if side == 'ember' else 'PyTorch'} | "
                             + " / ".join(f"{r['final']:.2f}" for r in runs) + " | "
                             + " / ".join(f"{r['best']:.2f}" for r in runs) + " | "
                             + f"{statistics.mean(r['seconds_per_epoch'] for r in runs):.2f} |")
    return "\n".join(lines)


def spread(results):
    """Per recipe and side with more than one seed: the final accuracy's mean, standard
    deviation and range over the seeds."""
    lines = []
    for name in sorted({k.split("/")[0] for k in results}):
        for side in ["ember", "pytorch"]:
            finals = [r["final"] for r in runs_of(results, name, side)]
            if len(finals) > 1:
                lines.append(f"{name} {side}: {len(finals)} seeds, final {statistics.mean(finals):.2f} "
                             f"± {statistics.stdev(finals):.2f} %, {min(finals):.2f}–{max(finals):.2f}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
