"""The generative recipes of `ember train gan|dcgan` next to PyTorch's
(`Benchmarks/pytorch/generative.py`), each judged by the same Ember classifier: Ember's
runs score their last epoch's samples themselves, PyTorch's samples go through `ember
score`. Runs alternate, each under `flock /tmp/ember-build.lock`.

    python3 Benchmarks/gan_comparison.py --work WORK --python VENV/bin/python \\
        [--data mnist-5k=../shared/data/mnist-5k] [--recipes gan,lsgan,dcgan] [--seeds 0,1,2]

Results go to WORK/results.json as they come (a rerun skips what is there) and a table at the end.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EMBER = os.path.join(ROOT, ".build", "release", "ember")
RECIPES = {"gan": ["gan"], "lsgan": ["gan", "--loss", "lsgan"], "dcgan": ["dcgan"]}
FOLDERS = {"gan": "gan", "lsgan": "gan-lsgan", "dcgan": "dcgan"}


def locked(command, **kwargs):
    return subprocess.run(["flock", "/tmp/ember-build.lock"] + command, check=True, capture_output=True, text=True, **kwargs)


def run_ember(recipe, data, epochs, seed, out, scorer):
    # The scorer is trained by the first run of a data set and reused by every later one.
    reuse = ["--scorer", scorer] if os.path.exists(scorer) else []
    locked([EMBER, "train"] + RECIPES[recipe] + ["--data", data, "--epochs", str(epochs), "--seed", str(seed), "--out", out] + reuse)
    with open(os.path.join(out, FOLDERS[recipe], "metrics.csv")) as f:
        last = f.read().split()[-1].split(",")
    seconds = float(last[8])
    return {"frechet": float(last[7]), "confident": float(last[5]) * 100, "entropy": float(last[6]), "seconds_last_epoch": seconds}


def run_pytorch(python, recipe, data, epochs, seed, samples, scorer_out):
    kind = "dcgan" if recipe == "dcgan" else "gan"
    loss = ["--loss", "lsgan"] if recipe == "lsgan" else []
    result = locked([python, os.path.join(ROOT, "Benchmarks", "pytorch", "generative.py"), kind, "--data", data,
                     "--epochs", str(epochs), "--seed", str(seed), "--samples", samples] + loss)
    seconds = float(result.stdout.strip().split("\n")[-1].split()[-1].rstrip("s"))
    score = json.loads(locked([EMBER, "score", "--samples", samples, "--data", data, "--out", scorer_out, "--json"])
                       .stdout.strip().split("\n")[-1])
    return {"frechet": score["frechet_distance"], "confident": score["confident"] * 100, "entropy": score["class_entropy"],
            "seconds_last_epoch": seconds}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--work", required=True)
    p.add_argument("--python", default=sys.executable)
    p.add_argument("--data", action="append", default=None, help="NAME=FOLDER:EPOCHS_GAN:EPOCHS_DCGAN")
    p.add_argument("--recipes", default="gan,lsgan,dcgan")
    p.add_argument("--seeds", default="0,1,2")
    a = p.parse_args()
    data_sets = a.data or [f"mnist-5k={os.path.join(os.path.dirname(ROOT), 'shared', 'data', 'mnist-5k')}:30:10"]
    os.makedirs(a.work, exist_ok=True)
    path = os.path.join(a.work, "results.json")
    results = json.load(open(path)) if os.path.exists(path) else {}
    for entry in data_sets:
        name, spec = entry.split("=", 1)
        folder, gan_epochs, dcgan_epochs = spec.rsplit(":", 2)
        out = os.path.join(a.work, name)
        for recipe in a.recipes.split(","):
            epochs = int(dcgan_epochs if recipe == "dcgan" else gan_epochs)
            for seed in map(int, a.seeds.split(",")):
                for side in ["ember", "pytorch"]:
                    key = f"{name}/{recipe}/{side}/{seed}"
                    if key in results:
                        continue
                    if side == "ember":
                        results[key] = run_ember(recipe, folder, epochs, seed, os.path.join(out, f"ember-s{seed}"),
                                                 os.path.join(out, "ember-s0", "scorer", "cnn", "best.safetensors"))
                    else:
                        # The same classifier as Ember's runs of this data set: the one cached by seed 0's run.
                        results[key] = run_pytorch(a.python, recipe, folder, epochs, seed,
                                                   os.path.join(out, f"pytorch-{recipe}-s{seed}"), os.path.join(out, "ember-s0"))
                    results[key]["epochs"] = epochs
                    print(key, results[key], flush=True)
                    with open(path + ".tmp", "w") as f:
                        json.dump(results, f, indent=1)
                    os.replace(path + ".tmp", path)
    lines = ["| data | recipe | epochs | Ember Fréchet distance (seeds) | PyTorch Fréchet distance (seeds) | Ember s/epoch | PyTorch s/epoch |",
             "|---|---|---|---|---|---|---|"]
    groups = sorted({tuple(k.split("/")[:2]) for k in results})
    for name, recipe in groups:
        runs = {side: [results[k] for k in sorted(results) if k.startswith(f"{name}/{recipe}/{side}/")] for side in ["ember", "pytorch"]}
        if not runs["ember"] or not runs["pytorch"]:
            continue
        lines.append(f"| {name} | {recipe} | {runs['ember'][0]['epochs']} | "
                     + " / ".join(f"{r['frechet']:.2f}" for r in runs["ember"]) + " | "
                     + " / ".join(f"{r['frechet']:.2f}" for r in runs["pytorch"]) + " | "
                     + f"{statistics.mean(r['seconds_last_epoch'] for r in runs['ember']):.2f} | "
                     + f"{statistics.mean(r['seconds_last_epoch'] for r in runs['pytorch']):.2f} |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
