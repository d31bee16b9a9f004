#!/usr/bin/env python3
"""Checks every architecture of Ember's zoo against torchvision, end to end: PyTorch builds
the model with seeded random weights (batch-norm statistics perturbed), saves its state dict
with torch.save, and classifies photographs with the architecture's evaluation transform;
`ember predict` loads the same .pth and classifies the same files. The top-5 classes and
their logits must agree (logits within 1e-4 of the largest |logit|).

    scripts/check-zoo-against-pytorch.py [--ember .build/release/ember] [--python-only] [ARCH ...]

Needs torch, torchvision and Pillow; takes a few minutes for all architectures.
"""

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

import torch
import torchvision.models as tvm
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PHOTOS = sorted(glob.glob(os.path.join(ROOT, "Tests/Fixtures/images/baseline_4*.jpg")) +
                glob.glob(os.path.join(ROOT, "../shared/data/photo-crops/photo.00[0-2].jpg")))


def pytorch_side(arch, path):
    torch.manual_seed(0)
    model = tvm.get_model(arch, weights=None)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
    model.eval()
    torch.save(model.state_dict(), path)
    transform = tvm.get_model_weights(arch).DEFAULT.transforms()
    results = []
    with torch.no_grad():
        for photo in PHOTOS:
            logits = model(transform(Image.open(photo).convert("RGB")).unsqueeze(0))[0]
            top = torch.topk(logits, 5)
            results.append([(int(i), float(v)) for v, i in zip(top.values, top.indices)] + [float(logits.abs().max())])
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ember", default=os.path.join(ROOT, ".build/release/ember"))
    parser.add_argument("archs", nargs="*")
    args = parser.parse_args()
    listing = subprocess.run([args.ember, "models"], capture_output=True, text=True, check=True).stdout
    archs = args.archs or [line.split()[0] for line in listing.splitlines()[1:] if line and not line[0].isspace()
                           and line.split()[0] in tvm.list_models()]
    failures = 0
    with tempfile.TemporaryDirectory() as folder:
        for arch in archs:
            path = os.path.join(folder, f"{arch}.pth")
            expected = pytorch_side(arch, path)
            run = subprocess.run([args.ember, "predict", "--model", arch, "--weights", path, "--json", "--top", "5"] + PHOTOS,
                                 capture_output=True, text=True)
            if run.returncode != 0:
                print(f"{arch:20s} FAILED: {run.stderr.strip()}")
                failures += 1
                continue
            worst, same = 0.0, True
            for theirs, ours in zip(expected, json.loads(run.stdout)):
                scale = theirs[-1]
                ours = [(p["index"], p["logit"]) for p in ours["predictions"]]
                same &= [i for i, _ in ours] == [i for i, _ in theirs[:-1]]
                worst = max(worst, max(abs(a[1] - b[1]) / scale for a, b in zip(ours, theirs[:-1])))
            ok = same and worst <= 1e-4
            failures += not ok
            print(f"{arch:20s} {'ok' if ok else 'MISMATCH'}  top-5 {'same' if same else 'differ'}, "
                  f"max logit error {worst:.2e} of max|logit| over {len(PHOTOS)} photos")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
