#!/usr/bin/env python3
"""Reads Ember run folders with the real TensorBoard and checks what they hold.

    venv/bin/python scripts/check-tensorboard.py RUN_FOLDER...

For each folder written by `ember train ...` (or `ember tutorial`), TensorBoard's own
EventAccumulator loads the event files, and the script checks:
  - every scalar against the run's metrics.csv (float32 values, one per epoch, steps 1...N);
  - every sample or reconstruction grid against the PNG of the same epoch in the folder
    (at most 1 apart: the PNG rounds, TensorBoard's image truncates, as PyTorch's does);
  - every weight histogram of the last epoch against PyTorch's own make_histogram of the
    weights in last.safetensors (same buckets, limits, count, min, max; sums to 1e-9).
Needs: pip install tensorboard torch safetensors pillow numpy. Exits 1 on any mismatch.
"""

import csv
import io
import os
import sys
import tempfile

import numpy as np
import tensorboard
from PIL import Image
from safetensors import safe_open
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from torch.utils.tensorboard import SummaryWriter
from torch.utils.tensorboard.summary import make_histogram

CLASSIFIER = {"train_loss": "loss/train", "train_accuracy": "accuracy/train", "test_loss": "loss/test",
              "test_accuracy": "accuracy/test", "valid_loss": "loss/valid", "valid_accuracy": "accuracy/valid",
              "lr": "learning_rate"}
GAN = {"d_loss": "loss/discriminator", "g_loss": "loss/generator", "d_x": "score/real", "d_g_z": "score/fake",
       "frechet_distance": "quality/frechet_distance", "confident": "quality/confident"}
AUTOENCODER = {"train_mse": "loss/train", "test_mse": "loss/test"}
GRIDS = {"samples": "samples", "reconstructions": "reconstructions"}


def default_bins():
    """The bins of PyTorch's add_histogram(bins="tensorflow"), from a SummaryWriter itself."""
    with tempfile.TemporaryDirectory() as folder:
        writer = SummaryWriter(log_dir=folder)
        writer.close()
        return writer.default_bins


def check(folder, failures, counts, bins):
    def fail(message):
        failures.append(f"{folder}: {message}")

    accumulator = EventAccumulator(folder, size_guidance={"scalars": 0, "images": 0, "histograms": 0})
    accumulator.Reload()
    tags = accumulator.Tags()
    with open(os.path.join(folder, "metrics.csv")) as f:
        rows = list(csv.DictReader(f))
    epochs = [int(row["epoch"]) for row in rows]
    columns = CLASSIFIER if "lr" in rows[0] else GAN if "d_loss" in rows[0] else AUTOENCODER
    for column, tag in columns.items():
        if column not in rows[0]:
            continue
        expected = [(int(row["epoch"]), np.float32(row[column])) for row in rows if row[column] != ""]
        if not expected:
            if tag in tags["scalars"]:
                fail(f"{tag} logged although {column} is empty")
            continue
        if tag not in tags["scalars"]:
            fail(f"scalar {tag} missing")
            continue
        logged = [(e.step, np.float32(e.value)) for e in accumulator.Scalars(tag)]
        if logged != expected:
            fail(f"{tag}: {logged} != metrics.csv {expected}")
        counts["scalars"] += len(logged)
    for tag, sub in GRIDS.items():
        if not os.path.isdir(os.path.join(folder, sub)):
            continue
        if tag not in tags["images"]:
            fail(f"image {tag} missing")
            continue
        events = accumulator.Images(tag)
        if [e.step for e in events] != epochs:
            fail(f"{tag}: steps {[e.step for e in events]} != epochs {epochs}")
        for e in events:
            logged = np.asarray(Image.open(io.BytesIO(e.encoded_image_string)).convert("RGB"), dtype=np.int16)
            saved = np.asarray(Image.open(os.path.join(folder, sub, f"epoch-{e.step:03d}.png")).convert("RGB"), dtype=np.int16)
            if logged.shape != saved.shape or np.abs(logged - saved).max() > 1 or (e.width, e.height) != saved.shape[1::-1]:
                fail(f"{tag} at step {e.step} differs from {sub}/epoch-{e.step:03d}.png")
            counts["images"] += 1
    histograms = [t for t in tags["histograms"] if t.startswith("weights/")]
    if columns is CLASSIFIER:
        weights = safe_open(os.path.join(folder, "last.safetensors"), "np")
        names = [k[len("model/"):] for k in weights.keys() if k.startswith("model/")]
        missing = {f"weights/{n}" for n in names} - set(histograms)
        # Buffers (batch-norm statistics) are not parameters and are not logged.
        missing = {m for m in missing if not m.endswith(("running_mean", "running_var", "num_batches_tracked"))}
        if missing:
            fail(f"histograms missing: {sorted(missing)}")
        for tag in histograms:
            last = accumulator.Histograms(tag)[-1]
            if last.step != epochs[-1]:
                fail(f"{tag}: last step {last.step}, last epoch {epochs[-1]}")
            values = weights.get_tensor("model/" + tag[len("weights/"):]).astype(float)
            reference = make_histogram(values, bins)
            h = last.histogram_value
            same = (h.min == reference.min and h.max == reference.max and h.num == reference.num
                    and list(h.bucket_limit) == list(reference.bucket_limit) and list(h.bucket) == list(reference.bucket)
                    and abs(h.sum - reference.sum) <= 1e-9 * max(1, abs(reference.sum))
                    and abs(h.sum_squares - reference.sum_squares) <= 1e-9 * reference.sum_squares)
            if not same:
                fail(f"{tag}: histogram differs from make_histogram of last.safetensors")
            counts["histograms"] += 1


def main(folders):
    failures, counts = [], {"scalars": 0, "images": 0, "histograms": 0}
    bins = default_bins()
    for folder in folders:
        check(folder, failures, counts, bins)
    for failure in failures:
        print("FAIL", failure)
    print(f"TensorBoard {tensorboard.__version__}: {len(folders)} runs, {counts['scalars']} scalars, "
          f"{counts['images']} images, {counts['histograms']} histograms checked, {len(failures)} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
