"""Golden fixtures for Ember's pooling and 2-D layer tests, computed with PyTorch.

Writes ``Tests/Fixtures/pool.safetensors`` next to this script. The Swift tests in
Tests/EmberTests/Pool*.swift and Tests/EmberTests/Layers2D*.swift run the same ops on
the stored inputs and compare.

Run by hand from the repository root (needs torch, safetensors):

    /work/venv/bin/python Tests/Fixtures/generate_pool.py

Output is deterministic: ``torch.manual_seed(0)`` is called once at start and the
sections below run in order.

Tensor keys (float32 unless noted). For every op case CASE the loss is
(out * gout).sum():

  CASE.x / .out / .gout / .grad      input, output, upstream gradient, input gradient
  CASE.indices                       int64 indices (max pools only)

  Cases, with the arguments in the CASES tables below (one row each):
    maxpool.NAME      F.max_pool2d(x, **kwargs, return_indices=True)
    avgpool.NAME      F.avg_pool2d(x, **kwargs)
    adaptiveavg.NAME  F.adaptive_avg_pool2d(x, output_size)
    adaptivemax.NAME  F.adaptive_max_pool2d(x, output_size, return_indices=True)
    interp.NAME       F.interpolate(x, **kwargs)
    lrn.NAME          F.local_response_norm(x, **kwargs)
    unpool.NAME       F.max_unpool2d(x, indices, kernel_size, stride, padding,
                      output_size); .x and .indices come from a max pool of .source

  bn2d.*            BatchNorm2d(3) with .weight / .bias loaded, keys as bn.* in
                    generate_nn.py: .x1 .y1, .x2 .y2 .gout2 .grad_x2 .grad_weight2
                    .grad_bias2, .running_mean .running_var .num_batches_tracked
                    (int64), .x3 .y3 .gout3 .grad_x3 .grad_weight3 .grad_bias3 (eval).
"""

import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from fixture_file import batchnorm_steps, store, write_fixture

OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pool.safetensors")

# name: (input shape, kwargs). "*ties" inputs are small integers, so windows share maxima.
MAXPOOL_CASES = {
    "k2": ((2, 3, 6, 6), dict(kernel_size=2)),
    "k2odd": ((1, 2, 5, 7), dict(kernel_size=2)),
    "k3s2p1": ((1, 2, 7, 7), dict(kernel_size=3, stride=2, padding=1)),
    "ties": ((1, 2, 5, 5), dict(kernel_size=3, stride=1)),
    "dilated": ((2, 2, 9, 8), dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 1), dilation=(2, 1))),
    "ceil_adds": ((1, 2, 5, 5), dict(kernel_size=2, ceil_mode=True)),
    "ceil_drops": ((1, 2, 5, 5), dict(kernel_size=2, stride=2, padding=1, ceil_mode=True)),
    "rect": ((1, 1, 6, 9), dict(kernel_size=(2, 3), stride=(1, 2), ceil_mode=True)),
    "unbatched": ((3, 5, 5), dict(kernel_size=2, stride=1)),
    "k2_wide_ties": ((2, 2, 6, 42), dict(kernel_size=2)),
}
AVGPOOL_CASES = {
    "k2": ((2, 3, 6, 6), dict(kernel_size=2)),
    "k3s2p1": ((1, 2, 7, 7), dict(kernel_size=3, stride=2, padding=1)),
    "exclude_pad": ((1, 2, 7, 7), dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
    "divisor": ((1, 2, 7, 7), dict(kernel_size=3, stride=2, padding=1, divisor_override=5)),
    "ceil": ((1, 2, 6, 6), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
    "ceil_exclude": ((1, 2, 6, 6), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    "unbatched": ((3, 5, 7), dict(kernel_size=(2, 3), stride=(1, 2))),
}
ADAPTIVE_CASES = {
    "down": ((2, 3, 7, 5), (3, 2)),
    "up": ((1, 2, 3, 4), (5, 6)),
    "keep_w": ((1, 2, 6, 5), (4, None)),
    "unbatched": ((2, 5, 5), (1, 1)),
}
INTERP_CASES = {
    "nearest_x2": ((1, 2, 3, 4), dict(scale_factor=2, mode="nearest")),
    "nearest_x1_5": ((1, 2, 3, 4), dict(scale_factor=1.5, mode="nearest")),
    "nearest_size": ((2, 1, 3, 4), dict(size=(5, 7), mode="nearest")),
    "nearest_down": ((1, 2, 5, 6), dict(size=(2, 4), mode="nearest")),
    "bilinear_x2": ((1, 2, 3, 4), dict(scale_factor=2, mode="bilinear", align_corners=False)),
    "bilinear_x2_align": ((1, 2, 3, 4), dict(scale_factor=2, mode="bilinear", align_corners=True)),
    "bilinear_size": ((2, 1, 3, 4), dict(size=(5, 7), mode="bilinear", align_corners=False)),
    "bilinear_size_align": ((2, 1, 3, 4), dict(size=(5, 7), mode="bilinear", align_corners=True)),
    "bilinear_down": ((1, 2, 5, 6), dict(size=(2, 4), mode="bilinear", align_corners=False)),
}
LRN_CASES = {
    "size3": ((2, 6, 4, 4), dict(size=3)),
    "size4": ((2, 5, 3, 3), dict(size=4, alpha=0.5, beta=0.5, k=2.0)),
    "size2_3d": ((2, 5, 7), dict(size=2, alpha=0.3, beta=0.75, k=1.0)),
}
UNPOOL_CASES = {
    "k2": ((1, 2, 4, 6), dict(kernel_size=2), None),
    "k2_size": ((1, 2, 5, 5), dict(kernel_size=2), (5, 5)),
    "k3s2p1": ((2, 1, 7, 7), dict(kernel_size=3, stride=2, padding=1), None),
}


def inputs(shape, ties=False):
    if ties:
        return torch.randint(0, 3, shape).float().requires_grad_()
    return torch.randn(shape, requires_grad=True)


def op_case(tensors, key, x, fn):
    """Runs fn(x) -> (out, extras...), stores x, out, gout, grad and extras."""
    result = fn(x)
    out, extras = (result[0], result[1:]) if isinstance(result, tuple) else (result, ())
    gout = torch.randn(out.shape)
    (out * gout).sum().backward()
    store(tensors, f"{key}.x", x)
    store(tensors, f"{key}.out", out)
    store(tensors, f"{key}.gout", gout)
    store(tensors, f"{key}.grad", x.grad)
    for name, t in extras:
        store(tensors, f"{key}.{name}", t)


def pool_cases(tensors):
    for name, (shape, kw) in MAXPOOL_CASES.items():
        def fn(x, kw=kw):
            out, idx = F.max_pool2d(x, **kw, return_indices=True)
            return out, ("indices", idx)
        op_case(tensors, f"maxpool.{name}", inputs(shape, ties=name.endswith("ties")), fn)
    for name, (shape, kw) in AVGPOOL_CASES.items():
        op_case(tensors, f"avgpool.{name}", inputs(shape), lambda x, kw=kw: F.avg_pool2d(x, **kw))
    for name, (shape, size) in ADAPTIVE_CASES.items():
        op_case(tensors, f"adaptiveavg.{name}", inputs(shape), lambda x, s=size: F.adaptive_avg_pool2d(x, s))
        def fn(x, s=size):
            out, idx = F.adaptive_max_pool2d(x, s, return_indices=True)
            return out, ("indices", idx)
        op_case(tensors, f"adaptivemax.{name}", inputs(shape), fn)
    for name, (shape, kw, size) in UNPOOL_CASES.items():
        source = torch.randn(shape)
        pooled, idx = F.max_pool2d(source, **kw, return_indices=True)
        x = pooled.clone().requires_grad_()
        op_case(tensors, f"unpool.{name}", x, lambda x, kw=kw, idx=idx, size=size: F.max_unpool2d(x, idx, output_size=size, **kw))
        store(tensors, f"unpool.{name}.indices", idx)
        store(tensors, f"unpool.{name}.source", source)


def layer_cases(tensors):
    for name, (shape, kw) in INTERP_CASES.items():
        op_case(tensors, f"interp.{name}", inputs(shape), lambda x, kw=kw: F.interpolate(x, **kw))
    for name, (shape, kw) in LRN_CASES.items():
        op_case(tensors, f"lrn.{name}", inputs(shape), lambda x, kw=kw: F.local_response_norm(x, **kw))


def batchnorm2d_case(tensors):
    p = "bn2d"
    bn = nn.BatchNorm2d(3)
    with torch.no_grad():
        bn.weight.copy_(torch.randn(3))
        bn.bias.copy_(torch.randn(3))
    store(tensors, f"{p}.weight", bn.weight)
    store(tensors, f"{p}.bias", bn.bias)
    x1 = torch.randn(2, 3, 4, 5)
    store(tensors, f"{p}.x1", x1)
    store(tensors, f"{p}.y1", bn(x1))
    batchnorm_steps(tensors, p, bn, torch.randn(3, 3, 2, 3, requires_grad=True), (2, 3, 3, 3))


def main():
    torch.manual_seed(0)
    tensors = {}
    pool_cases(tensors)
    layer_cases(tensors)
    batchnorm2d_case(tensors)
    for key, t in tensors.items():
        assert t.dtype in (torch.float32, torch.int64), (key, t.dtype)
    return write_fixture(tensors, OUT_PATH)


if __name__ == "__main__":
    sys.exit(main())
