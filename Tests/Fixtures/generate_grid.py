"""Golden values for torchvision.utils.make_grid / save_image, computed with torchvision.

Writes ``grid.safetensors`` next to this script: a batch ``batch`` [5, 1, 6, 4] and an RGB
batch ``rgb`` [3, 3, 5, 5] (values outside 0..1, for normalize), and for each case NAME
``NAME.out`` = make_grid(...) with the options in CASES; ``saved.pixels`` is what
save_image writes for the RGB batch (uint8 HWC, read back with Pillow).
Run by hand: ``venv/bin/python Tests/Fixtures/generate_grid.py``; deterministic.
"""

import os
import sys
import tempfile

import numpy as np
import torch
from PIL import Image
from torchvision.utils import make_grid, save_image

from fixture_file import write_fixture

HERE = os.path.dirname(os.path.abspath(__file__))

CASES = [
    ("default", "batch", {}),
    ("nrow2_pad1", "batch", {"nrow": 2, "padding": 1}),
    ("pad_value", "batch", {"nrow": 3, "padding": 2, "pad_value": 0.5}),
    ("normalize", "rgb", {"normalize": True}),
    ("value_range", "rgb", {"normalize": True, "value_range": (-1.0, 1.0)}),
    ("scale_each", "rgb", {"normalize": True, "scale_each": True, "nrow": 2}),
    ("single", "one", {}),
]


def main():
    torch.manual_seed(0)
    tensors = {
        "batch": torch.rand(5, 1, 6, 4),
        "rgb": torch.randn(3, 3, 5, 5),
        "one": torch.rand(1, 6, 4),
    }
    for name, source, options in CASES:
        tensors[f"{name}.out"] = make_grid(tensors[source], **options)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "grid.png")
        save_image(tensors["rgb"].clamp(0, 1), path, nrow=2)
        tensors["saved.pixels"] = torch.from_numpy(np.asarray(Image.open(path)).copy())
    return write_fixture(tensors, os.path.join(HERE, "grid.safetensors"),
                         metadata={"generator": f"Tests/Fixtures/generate_grid.py, torch {torch.__version__}"})


if __name__ == "__main__":
    sys.exit(main())
