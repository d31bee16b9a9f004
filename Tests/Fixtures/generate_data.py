"""Golden fixtures for EmberVision's data sets and transforms, computed with torchvision.

Writes ``Tests/Fixtures/data.safetensors`` next to this script. The Swift tests in
Tests/EmberVisionTests load the same inputs (or read the same data files), run Ember's
transforms and data sets, and compare with the stored outputs.

Run by hand from the repository root (needs torch, torchvision, safetensors, numpy):

    /work/venv/bin/python Tests/Fixtures/generate_data.py

Deterministic: ``torch.manual_seed(0)`` once at start, cases in the order below.
The data set keys are written only when the data is present where the tests look for
it: ``../shared/data/mnist-5k`` relative to the repository root, and Debian's
``/usr/share/datasets/fashion-mnist``.

Key convention (images are stored as float32, labels and counts as int64):

  totensor.in         a random 8-bit RGB image, height 5, width 4, channel-last [5, 4, 3]
                      (values 0...255 stored as float32)
  totensor.out        transforms.ToTensor() of it, [3, 5, 4]
  normalize.in        randn [2, 3, 4, 5], a batch of 3-channel images
  normalize.mean      [3] means, normalize.std [3] standard deviations
  normalize.out       transforms.Normalize(mean, std) of it
  compose.in          a random 8-bit grayscale image [28, 28]
  compose.out         Compose([ToTensor(), Normalize((0.1307,), (0.3081,))]) of it, [1, 28, 28]

  SET.SPLIT.images        the first 8 (mnist5k) or 4 (fashion) images after the transform,
                          [N, 1, 28, 28]: mnist5k uses ToTensor + Normalize((0.1307,),
                          (0.3081,)), fashion ToTensor alone
  SET.SPLIT.labels        their labels, [N]
  SET.SPLIT.label_counts  images per class over the whole split, [10]
  SET.SPLIT.mean/.std     mean and standard deviation (population) of all ToTensor pixel
                          values of the split, [] float32 (computed in float64)

with SET in mnist5k, fashion and SPLIT in train, test.
"""

import gzip
import os
import sys
import tempfile

import numpy as np
import torch
from fixture_file import write_fixture
from torchvision import transforms
from torchvision.datasets.mnist import read_image_file, read_label_file

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SETS = {
    "mnist5k": (os.path.join(REPO, "..", "shared", "data", "mnist-5k"), 8,
                transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])),
    "fashion": ("/usr/share/datasets/fashion-mnist", 4, transforms.ToTensor()),
}


def read_idx(path, reader):
    """torchvision's IDX reader on the decompressed copy of a .gz file."""
    with gzip.open(path, "rb") as f, tempfile.NamedTemporaryFile() as raw:
        raw.write(f.read())
        raw.flush()
        return reader(raw.name)


def main():
    torch.manual_seed(0)
    out = {}

    image = torch.randint(0, 256, (5, 4, 3), dtype=torch.uint8)
    out["totensor.in"] = image.float()
    out["totensor.out"] = transforms.ToTensor()(image.numpy())

    x = torch.randn(2, 3, 4, 5)
    mean, std = torch.tensor([0.1, 0.2, 0.3]), torch.tensor([0.5, 1.0, 2.0])
    out["normalize.in"], out["normalize.mean"], out["normalize.std"] = x, mean, std
    out["normalize.out"] = transforms.Normalize(mean.tolist(), std.tolist())(x)

    gray = torch.randint(0, 256, (28, 28), dtype=torch.uint8)
    out["compose.in"] = gray.float()
    out["compose.out"] = SETS["mnist5k"][2](gray.numpy()[:, :, None])

    for name, (folder, first, transform) in SETS.items():
        if not os.path.isdir(folder):
            print(f"skipping {name}: {folder} not found")
            continue
        for split, prefix in (("train", "train"), ("test", "t10k")):
            images = read_idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte.gz"), read_image_file)
            labels = read_idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte.gz"), read_label_file)
            key = f"{name}.{split}"
            out[f"{key}.images"] = torch.stack([transform(images[i].numpy()[:, :, None]) for i in range(first)])
            out[f"{key}.labels"] = labels[:first].long()
            out[f"{key}.label_counts"] = torch.bincount(labels.long(), minlength=10)
            values = images.double() / 255
            out[f"{key}.mean"] = values.mean().float()
            out[f"{key}.std"] = values.std(unbiased=False).float()

    return write_fixture(out, os.path.join(HERE, "data.safetensors"))


if __name__ == "__main__":
    sys.exit(main())
