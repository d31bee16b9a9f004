"""Golden fixtures for DistributedSampler and the permutation it draws, computed with PyTorch.

Writes ``Tests/Fixtures/sampler.safetensors`` next to this script. The Swift tests in
Tests/EmberTests/DistributedSamplerTests.swift build the same samplers and compare.

Run by hand from the repository root (needs torch, safetensors):

    /work/venv/bin/python Tests/Fixtures/generate_sampler.py

Key convention (all int64):

  randperm.SEED.N     torch.randperm(N, generator=torch.Generator().manual_seed(SEED))
  sampler.CASE        list(DistributedSampler(range(LEN), num_replicas=R, rank=K,
                      shuffle=S, seed=SEED, drop_last=D)) after set_epoch(E), with CASE =
                      LEN_R_K_S_SEED_D_E (S and D as 0/1)
"""

import os
import sys

import torch
from torch.utils.data import DistributedSampler

sys.path.insert(0, os.path.dirname(__file__))
from fixture_file import write_fixture  # noqa: E402

tensors = {}
for seed in [0, 1, 42, 2**32 + 5]:
    for n in [1, 2, 10, 97, 1000]:
        g = torch.Generator()
        g.manual_seed(seed)
        tensors[f"randperm.{seed}.{n}"] = torch.randperm(n, generator=g)

for length in [10, 11, 7, 2, 100]:
    for replicas in [1, 2, 3, 4]:
        for shuffle in [False, True]:
            for drop_last in [False, True]:
                for seed, epoch in [(0, 0), (0, 3), (7, 1)]:
                    if not shuffle and (seed, epoch) != (0, 0):
                        continue
                    for rank in range(replicas):
                        sampler = DistributedSampler(range(length), num_replicas=replicas, rank=rank,
                                                     shuffle=shuffle, seed=seed, drop_last=drop_last)
                        sampler.set_epoch(epoch)
                        key = f"sampler.{length}_{replicas}_{rank}_{int(shuffle)}_{seed}_{int(drop_last)}_{epoch}"
                        tensors[key] = torch.tensor(list(sampler), dtype=torch.int64)

sys.exit(write_fixture(tensors, os.path.join(os.path.dirname(__file__), "sampler.safetensors")))
