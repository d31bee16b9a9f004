"""Golden fixtures for Ember's nn module tests, computed with PyTorch.

Writes ``Tests/Fixtures/nn.safetensors`` next to this script. The Swift tests in
Tests/EmberTests/NN*.swift build the same modules, copy the stored weights into
them, run the same steps and compare.

Run by hand from the repository root (needs torch, safetensors):

    /work/venv/bin/python Tests/Fixtures/generate_nn.py

Output is deterministic: ``torch.manual_seed(0)`` is called once at start and
the sections below run in order.

Tensor keys (all float32 unless noted):

  linear.CASE.x / .weight / .bias    input and parameters of F.linear; CASE is
                                     "2d" (x [5, 4]), "nd" (x [2, 3, 4]),
                                     "vec" (x [4]) or "nobias" (x [5, 4], no
                                     .bias key); weight is [3, 4].
  linear.CASE.out / .gout            output and upstream gradient; the loss is
                                     (out * gout).sum().
  linear.CASE.grad_x / .grad_weight / .grad_bias
                                     gradients of that loss.

  bn.CASE.*                          BatchNorm1d(4) (CASE "2d": input [6, 4];
                                     "3d": input [3, 4, 5]; "cma": [6, 4] with
                                     momentum=None), weight and bias set to
                                     .weight / .bias before training:
    .x1 .y1                          first training step (input, output);
    .x2 .y2 .gout2                   second training step, then backward of
                                     (y2 * gout2).sum();
    .grad_x2 .grad_weight2 .grad_bias2   its gradients;
    .running_mean .running_var       buffers after the two steps;
    .num_batches_tracked             int64 scalar after the two steps (2);
    .x3 .y3 .gout3                   a step in eval mode, then backward;
    .grad_x3 .grad_weight3 .grad_bias3   its gradients (grads zeroed first).

  act.NAME.x / .out / .gout / .grad  one activation module: input, output,
                                     upstream gradient, input gradient. NAME is
                                     relu, leaky_relu (0.2), sigmoid, tanh,
                                     softmax (dim 1), log_softmax (dim 1), gelu,
                                     gelu_tanh, flatten (x [2, 3, 4]), identity.

  net.state/KEY                      state_dict of NestedNet (defined below) after
                                     two training steps, KEY its PyTorch key.
  net.x / net.out                    an input and NestedNet's output in eval mode.

Metadata: a single entry "expected" (one entry keeps the file's bytes stable)
holding a JSON object:

  net_state_dict_keys   NestedNet().state_dict() keys, in order
  net_parameter_names   names of named_parameters(), in order
  net_buffer_names      names of named_buffers(), in order
  net_module_names      names of named_modules(), in order ("" first)
  net_repr              repr(NestedNet())
  mlp_repr                repr of the tutorial MLP (MLP below)
  layers_repr             repr of a Sequential holding every layer type with
                          non-default settings (LAYERS below)
"""

import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from fixture_file import batchnorm_steps, store, write_fixture

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_PATH = os.path.join(HERE, "nn.safetensors")


class NestedNet(nn.Module):
    """Mirrored by `NestedNet` in Tests/EmberTests/NNModuleTests.swift."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU())
        self.heads = nn.ModuleList([nn.Linear(8, 3), nn.Linear(8, 3), nn.Linear(8, 2, bias=False)])
        self.extra = None
        self.norm = nn.BatchNorm1d(8, momentum=None)
        self.scale = nn.Parameter(torch.randn(8))
        self.register_buffer("running_total", torch.randn(8))
        self.fc = nn.Linear(8, 2)
        self.tail = nn.Sequential()
        self.tail.add_module("act", nn.Tanh())
        self.tail.add_module("proj", nn.Linear(2, 2))

    def forward(self, x):
        h = self.features(x)
        h = self.norm(h) * self.scale + self.running_total
        return self.tail(self.fc(h) + self.heads[2](h))


def mlp():
    """The tutorial's MLP for Fashion-MNIST."""
    return nn.Sequential(
        nn.Linear(784, 300), nn.BatchNorm1d(300), nn.ReLU(),
        nn.Linear(300, 100), nn.BatchNorm1d(100), nn.ReLU(),
        nn.Linear(100, 10),
    )


def layers():
    return nn.Sequential(
        nn.Linear(3, 2, bias=False), nn.LeakyReLU(0.2), nn.Sigmoid(), nn.Tanh(),
        nn.GELU(approximate="tanh"), nn.GELU(), nn.Softmax(dim=1), nn.LogSoftmax(dim=-1),
        nn.Flatten(), nn.Flatten(0, 2), nn.Identity(), nn.Dropout(p=0.25), nn.Dropout(),
        nn.BatchNorm1d(3, eps=1e-3, momentum=None, affine=False),
        nn.BatchNorm1d(5, momentum=0.2, track_running_stats=False),
    )


def linear_cases(tensors):
    for case, shape, has_bias in [("2d", (5, 4), True), ("nd", (2, 3, 4), True),
                                  ("vec", (4,), True), ("nobias", (5, 4), False)]:
        x = torch.randn(shape, requires_grad=True)
        w = torch.randn(3, 4, requires_grad=True)
        b = torch.randn(3, requires_grad=True) if has_bias else None
        out = F.linear(x, w, b)
        gout = torch.randn(out.shape)
        (out * gout).sum().backward()
        p = f"linear.{case}"
        store(tensors, f"{p}.x", x)
        store(tensors, f"{p}.weight", w)
        store(tensors, f"{p}.out", out)
        store(tensors, f"{p}.gout", gout)
        store(tensors, f"{p}.grad_x", x.grad)
        store(tensors, f"{p}.grad_weight", w.grad)
        if has_bias:
            store(tensors, f"{p}.bias", b)
            store(tensors, f"{p}.grad_bias", b.grad)


def batchnorm_cases(tensors):
    for case, shape, momentum in [("2d", (6, 4), 0.1), ("3d", (3, 4, 5), 0.1), ("cma", (6, 4), None)]:
        bn = nn.BatchNorm1d(4, momentum=momentum)
        with torch.no_grad():
            bn.weight.copy_(torch.randn(4))
            bn.bias.copy_(torch.randn(4))
        p = f"bn.{case}"
        store(tensors, f"{p}.weight", bn.weight)
        store(tensors, f"{p}.bias", bn.bias)
        # Inputs off zero mean and unit variance, so the statistics matter.
        x1 = torch.randn(shape) * 2 + 1
        store(tensors, f"{p}.x1", x1)
        store(tensors, f"{p}.y1", bn(x1))
        x2 = (torch.randn(shape) * 3 - 1).requires_grad_()
        batchnorm_steps(tensors, p, bn, x2, (3,) + shape[1:])


def activation_cases(tensors):
    cases = [
        ("relu", nn.ReLU(), (3, 5)), ("leaky_relu", nn.LeakyReLU(0.2), (3, 5)),
        ("sigmoid", nn.Sigmoid(), (3, 5)), ("tanh", nn.Tanh(), (3, 5)),
        ("softmax", nn.Softmax(dim=1), (3, 5)), ("log_softmax", nn.LogSoftmax(dim=1), (3, 5)),
        ("gelu", nn.GELU(), (3, 5)), ("gelu_tanh", nn.GELU(approximate="tanh"), (3, 5)),
        ("flatten", nn.Flatten(), (2, 3, 4)), ("identity", nn.Identity(), (3, 5)),
    ]
    for name, module, shape in cases:
        x = torch.randn(shape, requires_grad=True)
        out = module(x)
        gout = torch.randn(out.shape)
        (out * gout).sum().backward()
        for key, t in [("x", x), ("out", out), ("gout", gout), ("grad", x.grad)]:
            store(tensors, f"act.{name}.{key}", t)


def net_case(tensors):
    net = NestedNet()
    for _ in range(2):
        net(torch.randn(6, 4))
    net.eval()
    x = torch.randn(5, 4)
    with torch.no_grad():
        out = net(x)
    for key, t in net.state_dict().items():
        store(tensors, f"net.state/{key}", t)
    store(tensors, "net.x", x)
    store(tensors, "net.out", out)
    return net


def main():
    torch.manual_seed(0)
    tensors = {}
    linear_cases(tensors)
    batchnorm_cases(tensors)
    activation_cases(tensors)
    net = net_case(tensors)

    expected = {
        "net_state_dict_keys": list(net.state_dict().keys()),
        "net_parameter_names": [n for n, _ in net.named_parameters()],
        "net_buffer_names": [n for n, _ in net.named_buffers()],
        "net_module_names": [n for n, _ in net.named_modules()],
        "net_repr": repr(net),
        "mlp_repr": repr(mlp()),
        "layers_repr": repr(layers()),
    }
    for key, t in tensors.items():
        assert t.dtype in (torch.float32, torch.int64), (key, t.dtype)
    return write_fixture(tensors, OUT_PATH, metadata={"expected": json.dumps(expected, sort_keys=True)})


if __name__ == "__main__":
    sys.exit(main())
