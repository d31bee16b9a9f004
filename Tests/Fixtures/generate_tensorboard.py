"""What PyTorch's torch.utils.tensorboard.SummaryWriter writes, for EmberTensorBoard.

Writes ``tensorboard/inputs.safetensors`` (the tensors logged) and, in ``tensorboard/run``,
the event files a SummaryWriter writes for the calls in ``log()`` — the Swift test
(Tests/EmberTensorBoardTests/PyTorchEventFileTests.swift) makes the same calls and compares
every event: tags, steps, values, histogram buckets, image sizes and pixels, text, hparams.
Run by hand: ``venv/bin/python Tests/Fixtures/generate_tensorboard.py``; the inputs are
deterministic, the event files' names and wall times are not.
"""

import os
import shutil
import sys

import torch
from torch.utils.tensorboard import SummaryWriter

from fixture_file import write_fixture

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "tensorboard")


def inputs():
    g = torch.Generator().manual_seed(0)
    return {
        "weights": torch.randn(1000, generator=g) * 0.3,
        "few": torch.tensor([0.5, 0.5, 2.0, -1.0, 3.25]),
        "image_chw": torch.rand(3, 5, 7, generator=g) * 1.2 - 0.1,
        "image_gray": torch.rand(1, 4, 6, generator=g),
        "image_hw": torch.rand(3, 2, generator=g),
        "image_hwc": torch.rand(4, 3, 4, generator=g),
        "batch": torch.rand(10, 1, 3, 2, generator=g),
    }


def log(writer, t):
    """The calls; keep in step with the Swift test."""
    for step in range(3):
        writer.add_scalar("loss/train", 1.0 / (step + 1), step)
        writer.add_scalar("accuracy", 0.25 * step, step, new_style=True)
    writer.add_scalar("precise", 0.1, 7, new_style=True, double_precision=True)
    writer.add_scalars("loss", {"train": 0.5, "valid": 0.75}, 2)
    writer.add_histogram("weights", t["weights"], 1)
    writer.add_histogram("few/tensorflow", t["few"], 1)
    writer.add_histogram("few/count", t["few"], 2, bins=4)
    writer.add_histogram("weights/max_bins", t["weights"], 3, max_bins=30)
    writer.add_image("image/chw", t["image_chw"], 4)
    writer.add_image("image/gray", t["image_gray"], 4)
    writer.add_image("image/hw", t["image_hw"], 4, dataformats="HW")
    writer.add_image("image/hwc", t["image_hwc"], 4, dataformats="HWC")
    writer.add_images("batch", t["batch"], 5)
    writer.add_text("notes", "**Ember** and PyTorch: ü", 6)
    writer.add_hparams({"lr": 0.01, "optimizer": "sgd", "batch": 64, "nesterov": True},
                       {"hparam/accuracy": 0.875, "hparam/loss": 0.25}, run_name="session")


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    t = inputs()
    writer = SummaryWriter(log_dir=os.path.join(OUT, "run"))
    log(writer, t)
    writer.close()
    return write_fixture(t, os.path.join(OUT, "inputs.safetensors"))


if __name__ == "__main__":
    sys.exit(main())
