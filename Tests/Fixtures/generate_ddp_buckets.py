"""How PyTorch's DistributedDataParallel groups gradients into buckets, iteration by
iteration: two gloo processes on this machine, a communication hook that records each
bucket's parameter names. Writes ``Tests/Fixtures/ddp_buckets.txt`` next to this script;
``Tests/DistributedChecks`` (``DistributedChecks buckets``, under mpirun) builds the same
models and compares Ember's buckets.

    /work/venv/bin/python Tests/Fixtures/generate_ddp_buckets.py

Lines: ``CASE iteration N: a,b | c,d`` (buckets in reduction order, names in bucket
order) and ``CASE grad none: names`` (parameters whose .grad is None after the steps).
"""

import os
import sys

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "Benchmarks", "pytorch"))
from tutorial_models import SimpleCNN  # noqa: E402


class Swapped(nn.Module):
    """`head` registered before `body` but applied after it, so gradients arrive in an
    order other than reverse registration; `unused` (when present) never takes part."""

    def __init__(self, with_unused):
        super().__init__()
        self.head = nn.Linear(64, 10)
        self.body = nn.Linear(784, 64)
        if with_unused:
            self.unused = nn.Linear(3, 3)

    def forward(self, x):
        return self.head(torch.relu(self.body(x.flatten(1))))


CASES = [
    ("simplecnn-default", lambda: SimpleCNN(1, 28), {}),
    ("simplecnn-cap0.1", lambda: SimpleCNN(1, 28), {"bucket_cap_mb": 0.1}),
    ("swapped-cap0.002", lambda: Swapped(False), {"bucket_cap_mb": 0.002}),
    ("swapped-unused-default", lambda: Swapped(True), {"find_unused_parameters": True}),
    ("swapped-unused-cap0.05", lambda: Swapped(True), {"bucket_cap_mb": 0.05, "find_unused_parameters": True}),
]
ITERATIONS = 3


def run(rank, world, queue):
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT="29517")
    dist.init_process_group("gloo", rank=rank, world_size=world)
    torch.manual_seed(0)
    lines = []
    for case, make, options in CASES:
        model = make()
        names = {p: n for n, p in model.named_parameters()}
        ddp = nn.parallel.DistributedDataParallel(model, **options)
        log = []

        def hook(state, bucket):
            log[-1].append([names[p] for p in bucket.parameters()])
            work = dist.all_reduce(bucket.buffer().div_(world), async_op=True)
            return work.get_future().then(lambda f: f.value()[0])

        ddp.register_comm_hook(None, hook)
        optimizer = torch.optim.SGD(ddp.parameters(), lr=0.1)
        for iteration in range(ITERATIONS):
            log.append([])
            optimizer.zero_grad()
            ddp(torch.randn(4, 1, 28, 28)).sum().backward()
            optimizer.step()
            buckets = " | ".join(",".join(bucket) for bucket in log[-1])
            lines.append(f"{case} iteration {iteration + 1}: {buckets}")
        lines.append(f"{case} grad none: " + ",".join(n for n, p in model.named_parameters() if p.grad is None))
    if rank == 0:
        queue.put(lines)
    dist.destroy_process_group()


if __name__ == "__main__":
    context = mp.get_context("spawn")
    queue = context.Queue()
    processes = [context.Process(target=run, args=(r, 2, queue)) for r in range(2)]
    for p in processes:
        p.start()
    lines = queue.get()
    for p in processes:
        p.join()
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ddp_buckets.txt")
    with open(path, "w") as f:
        f.write(f"# torch {torch.__version__}, 2 gloo processes; see generate_ddp_buckets.py\n")
        f.write("\n".join(lines) + "\n")
    print(f"wrote {path}")
