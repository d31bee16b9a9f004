"""PyTorch's side of the distributed benchmark (`Benchmarks/Distributed`): one epoch of
the tutorial's SimpleCNN on Fashion-MNIST (60 000 images, 64 per step in all, SGD lr 0.01
momentum 0.9), either in one process with --threads threads, or as --ranks processes with
batch 64/ranks each under DistributedDataParallel (gloo, this machine), each rank with
--threads threads and a DistributedSampler.

    python Benchmarks/pytorch/distributed_epoch.py --threads 2
    python Benchmarks/pytorch/distributed_epoch.py --ranks 2 --threads 1

Prints one line like Ember's `EmberDistributedBench`.
"""

import argparse
import os
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn
from torch.utils.data import DataLoader
from torch.utils.data.distributed import DistributedSampler

from reference_training import load
from tutorial_models import SimpleCNN


def epoch(rank, ranks, threads, data, batches, results):
    torch.set_num_threads(threads)
    if ranks > 1:
        os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT="29533")
        dist.init_process_group("gloo", rank=rank, world_size=ranks)
    train = load(data, "train")
    torch.manual_seed(0)
    model = SimpleCNN(1, 28)
    if ranks > 1:
        model = nn.parallel.DistributedDataParallel(model)
        sampler = DistributedSampler(train, num_replicas=ranks, rank=rank, seed=0)
        loader = DataLoader(train, batch_size=64 // ranks, sampler=sampler)
    else:
        loader = DataLoader(train, batch_size=64, shuffle=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    if ranks > 1:
        dist.barrier()
    start = time.perf_counter()
    steps = 0
    for images, labels in loader:
        optimizer.zero_grad()
        loss_fn(model(images), labels).backward()
        optimizer.step()
        steps += 1
        if steps == batches:
            break
    if ranks > 1:
        dist.barrier()
        dist.destroy_process_group()
    if rank == 0:
        results.put((time.perf_counter() - start, steps))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ranks", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batches", type=int, default=0, help="stop after this many steps (0: the whole epoch)")
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    a = p.parse_args()
    context = mp.get_context("spawn")
    results = context.Queue()
    processes = [context.Process(target=epoch, args=(r, a.ranks, a.threads, a.data, a.batches, results))
                 for r in range(a.ranks)]
    for process in processes:
        process.start()
    seconds, steps = results.get()
    for process in processes:
        process.join()
    batch = 64 // a.ranks
    who = f"ranks {a.ranks} x threads {a.threads}" if a.ranks > 1 else f"1 process x threads {a.threads}"
    print(f"PyTorch {who}: epoch {seconds:.1f} s ({steps} steps of {batch} per rank, {steps * 64 / seconds:.0f} samples/s)")


if __name__ == "__main__":
    main()
