"""Golden values for torchvision's transforms on tensor images (not PIL images).

Writes ``tensor_transforms.safetensors`` next to this script: ``image`` (float32
[3, 23, 37]) and ``batch`` ([2, 3, 9, 11]), and for each case NAME ``NAME.out`` as
torchvision.transforms.functional computes it on tensors (CASES below).
Run by hand: ``venv/bin/python Tests/Fixtures/generate_tensor_transforms.py``; deterministic.
"""

import os
import sys

import torch
import torchvision.transforms.functional as F
from torchvision.transforms import InterpolationMode

from fixture_file import write_fixture

HERE = os.path.dirname(os.path.abspath(__file__))

CASES = [
    ("resize_17", "image", lambda t: F.resize(t, 17)),                      # bilinear, antialias=True
    ("resize_20x30_bicubic", "image", lambda t: F.resize(t, [20, 30], InterpolationMode.BICUBIC)),
    ("resize_40x70", "image", lambda t: F.resize(t, [40, 70])),              # upscale
    ("resize_20x30_nearest", "image", lambda t: F.resize(t, [20, 30], InterpolationMode.NEAREST)),
    ("resize_batch_5x6", "batch", lambda t: F.resize(t, [5, 6])),
    ("pad_3_reflect", "image", lambda t: F.pad(t, 3, padding_mode="reflect")),
    ("pad_2_5_edge", "image", lambda t: F.pad(t, [2, 5], padding_mode="edge")),
    ("pad_1234_symmetric", "image", lambda t: F.pad(t, [1, 2, 3, 4], padding_mode="symmetric")),
    ("pad_2_constant", "image", lambda t: F.pad(t, 2, fill=0.5)),
    ("grayscale_1", "image", lambda t: F.rgb_to_grayscale(t, 1)),
    ("grayscale_3", "batch", lambda t: F.rgb_to_grayscale(t, 3)),
    ("brightness_1_4", "image", lambda t: F.adjust_brightness(t, 1.4)),
    ("contrast_0_6", "batch", lambda t: F.adjust_contrast(t, 0.6)),
    ("saturation_1_7", "image", lambda t: F.adjust_saturation(t, 1.7)),
    ("hue_0_2", "image", lambda t: F.adjust_hue(t, 0.2)),
    ("hue_m0_3", "batch", lambda t: F.adjust_hue(t, -0.3)),
    ("rotate_30", "image", lambda t: F.rotate(t, 30)),
    ("rotate_30_expand_bilinear", "image", lambda t: F.rotate(t, 30, InterpolationMode.BILINEAR, expand=True)),
    ("rotate_m75_batch", "batch", lambda t: F.rotate(t, -75)),
]


def main():
    torch.manual_seed(0)
    tensors = {"image": torch.rand(3, 23, 37), "batch": torch.rand(2, 3, 9, 11)}
    for name, source, fn in CASES:
        tensors[f"{name}.out"] = fn(tensors[source])
    return write_fixture(tensors, os.path.join(HERE, "tensor_transforms.safetensors"),
                         metadata={"generator": f"Tests/Fixtures/generate_tensor_transforms.py, torch {torch.__version__}"})


if __name__ == "__main__":
    sys.exit(main())
