"""Pieces shared by the generate*.py scripts: storing tensors, batch-norm steps, weights set by
a formula, writing a file."""

import math
import os
import sys

import torch
from safetensors.torch import save_file

SIZE_LIMIT = 300 * 1024


def store(tensors, key, t):
    tensors[key] = t.detach().contiguous().clone()


def batchnorm_steps(tensors, p, bn, x2, eval_shape):
    """A train-mode step of `bn` on `x2` (a random output gradient, backward), stored as
    p.x2 .y2 .gout2 .grad_x2 .grad_weight2 .grad_bias2 .running_mean .running_var
    .num_batches_tracked; then an eval-mode step on fresh input of `eval_shape`, stored as
    p.x3 .y3 .gout3 .grad_x3 .grad_weight3 .grad_bias3."""
    y2 = bn(x2)
    gout2 = torch.randn(y2.shape)
    (y2 * gout2).sum().backward()
    for key, t in [("x2", x2), ("y2", y2), ("gout2", gout2), ("grad_x2", x2.grad),
                   ("grad_weight2", bn.weight.grad), ("grad_bias2", bn.bias.grad),
                   ("running_mean", bn.running_mean), ("running_var", bn.running_var),
                   ("num_batches_tracked", bn.num_batches_tracked)]:
        store(tensors, f"{p}.{key}", t)
    bn.eval()
    bn.zero_grad()
    x3 = torch.randn(eval_shape, requires_grad=True)
    y3 = bn(x3)
    gout3 = torch.randn(y3.shape)
    (y3 * gout3).sum().backward()
    for key, t in [("x3", x3), ("y3", y3), ("gout3", gout3), ("grad_x3", x3.grad),
                   ("grad_weight3", bn.weight.grad), ("grad_bias3", bn.bias.grad)]:
        store(tensors, f"{p}.{key}", t)


def perturb_batch_norms(model, num_batches_tracked):
    """Moves every BatchNorm2d's statistics and affine parameters away from their defaults,
    so that a reader or model that ignores them gives different outputs."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.2, 0.2)
                module.running_var.uniform_(0.5, 1.5)
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.2, 0.2)
                module.num_batches_tracked.fill_(num_batches_tracked)


def fill_by_formula(model, values, gain):
    """Sets every float state-dict entry `k` (its position in state-dict order) of `n`
    elements from `s = values(n, k)` (float64): weights of two or more dimensions to
    `s * gain / sqrt(fan_in)` (`fan_in`: the element count over the first dimension),
    `running_var` and one-dimensional `weight` (batch norm) to `1 + 0.25 s`, everything else
    to `0.1 s`; int64 entries are left as they are. Returns `model`."""
    with torch.no_grad():
        for k, (key, t) in enumerate(model.state_dict().items()):
            if t.dtype == torch.int64:
                continue
            s = values(t.numel(), k)
            if t.dim() >= 2:
                v = s * gain / math.sqrt(t.numel() // t.shape[0])
            elif key.endswith("running_var") or key.endswith("weight"):
                v = 1 + 0.25 * s
            else:
                v = 0.1 * s
            t.copy_(v.reshape(t.shape).float())
    return model


def write_fixture(tensors, path, metadata=None, size_limit=SIZE_LIMIT):
    """Saves `tensors` (contiguous) to `path` and reports the size.

    Returns the script's exit status: 1 when the file exceeds `size_limit` (the size
    fixtures are kept under unless a case needs a whole model), else 0. Keep `metadata` to a single entry: safetensors writes it from a hash
    map, so several entries would change the file's bytes from run to run.
    """
    save_file({k: v.contiguous() for k, v in tensors.items()}, path, metadata=metadata)
    size = os.path.getsize(path)
    print(f"wrote {os.path.relpath(path)}: {len(tensors)} keys, {size} bytes ({size / 1024:.1f} KiB)")
    if size >= size_limit:
        print(f"warning: {os.path.basename(path)} is over {size_limit // 1024} KB", file=sys.stderr)
        return 1
    return 0
