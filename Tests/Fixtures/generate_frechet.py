"""Fréchet distances between feature sets, computed as pytorch-fid and torchmetrics do:
numpy means, `numpy.cov(rowvar=False)` and `scipy.linalg.sqrtm` of the covariance product.

Keys: CASE.a, CASE.b (float32 feature sets [N, D]) and CASE.distance (a float32 scalar computed in float64) for
the cases `near` (two draws of one Gaussian), `shifted` (means apart), `skewed` (correlated
features against independent ones) and `rank_deficient` (fewer samples than dimensions).
"""

import os

import numpy as np
import scipy.linalg
import torch

from fixture_file import write_fixture


def frechet(a, b):
    a, b = a.astype(np.float64), b.astype(np.float64)
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root = scipy.linalg.sqrtm(s1 @ s2)
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(root.real))


def main():
    rng = np.random.default_rng(0)
    mixing = rng.normal(size=(16, 16))
    cases = {
        "near": (rng.normal(size=(400, 16)), rng.normal(size=(300, 16))),
        "shifted": (rng.normal(size=(400, 16)), rng.normal(size=(300, 16)) + 0.7),
        "skewed": (rng.normal(size=(500, 16)) @ mixing, rng.normal(size=(500, 16)) * 2),
        "rank_deficient": (rng.normal(size=(10, 16)), rng.normal(size=(12, 16)) + 0.1),
    }
    tensors = {}
    for name, (a, b) in cases.items():
        a, b = a.astype(np.float32), b.astype(np.float32)
        tensors[f"{name}.a"] = torch.from_numpy(a)
        tensors[f"{name}.b"] = torch.from_numpy(b)
        tensors[f"{name}.distance"] = torch.tensor(frechet(a, b), dtype=torch.float32)
    return write_fixture(tensors, os.path.join(os.path.dirname(__file__), "frechet.safetensors"))


if __name__ == "__main__":
    raise SystemExit(main())
