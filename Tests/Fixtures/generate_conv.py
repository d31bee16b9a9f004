"""Golden fixtures for Ember's convolution tests, computed with PyTorch.

Writes ``Tests/Fixtures/conv.safetensors`` next to this script. The Swift tests in
Tests/EmberTests/Conv*.swift build the same layers (by case name, mirroring
CONV_CASES / TRANSPOSE_CASES below), copy the stored parameters into them, run the
same input and compare.

Run by hand from the repository root (needs torch, safetensors):

    /work/venv/bin/python Tests/Fixtures/generate_conv.py

Output is deterministic: ``torch.manual_seed(0)`` is called once at start and the
cases run in the order listed.

Tensor keys (all float32):

  conv.CASE.x / .weight / .bias     input and parameters of the layer of CASE (no
                                    .bias key when the layer has none).
  conv.CASE.out / .gout             output and upstream gradient; the loss is
                                    (out * gout).sum().
  conv.CASE.grad_x / .grad_weight / .grad_bias
                                    gradients of that loss.

  pad.CASE.x / .out / .gout / .grad_x
                                    F.pad of x [2, 3, 4, 5] (see PAD_CASES), its
                                    upstream gradient and input gradient.

Metadata: a single entry "expected" holding a JSON object mapping each CASE of
CONV_CASES and TRANSPOSE_CASES to repr(layer).
"""

import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from fixture_file import store, write_fixture

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_PATH = os.path.join(HERE, "conv.safetensors")

# name: (input shape, nn.Conv2d arguments)
CONV_CASES = {
    "basic": ((2, 3, 7, 6), dict(in_channels=3, out_channels=4, kernel_size=3)),
    "stride2_pad1": ((2, 3, 7, 8), dict(in_channels=3, out_channels=4, kernel_size=3, stride=2, padding=1)),
    "pairs": ((2, 2, 7, 9), dict(in_channels=2, out_channels=3, kernel_size=(3, 2), stride=(2, 1),
                                 padding=(1, 2), dilation=(1, 2))),
    "same_even": ((1, 2, 6, 5), dict(in_channels=2, out_channels=3, kernel_size=4, padding="same")),
    "same_dilated": ((2, 2, 7, 6), dict(in_channels=2, out_channels=3, kernel_size=(3, 2), padding="same",
                                        dilation=2)),
    "valid": ((1, 2, 5, 5), dict(in_channels=2, out_channels=3, kernel_size=3, padding="valid")),
    "reflect": ((2, 2, 5, 6), dict(in_channels=2, out_channels=3, kernel_size=3, padding=1,
                                   padding_mode="reflect")),
    "replicate": ((2, 2, 5, 6), dict(in_channels=2, out_channels=3, kernel_size=3, padding=(2, 1),
                                     padding_mode="replicate")),
    "circular": ((2, 2, 5, 6), dict(in_channels=2, out_channels=3, kernel_size=3, stride=2, padding=2,
                                    padding_mode="circular")),
    "reflect_same": ((1, 2, 6, 5), dict(in_channels=2, out_channels=3, kernel_size=4, padding="same",
                                        padding_mode="reflect")),
    "dilation": ((2, 2, 9, 8), dict(in_channels=2, out_channels=3, kernel_size=3, dilation=2, padding=1)),
    "groups": ((2, 4, 5, 5), dict(in_channels=4, out_channels=6, kernel_size=3, groups=2, padding=1)),
    "depthwise": ((2, 4, 7, 7), dict(in_channels=4, out_channels=8, kernel_size=3, groups=4, stride=2,
                                     padding=1)),
    "pointwise": ((2, 4, 5, 3), dict(in_channels=4, out_channels=5, kernel_size=1)),
    "pointwise_groups": ((3, 4, 3, 4), dict(in_channels=4, out_channels=6, kernel_size=1, groups=2,
                                            bias=False)),
    "strided_1x1": ((2, 3, 5, 5), dict(in_channels=3, out_channels=4, kernel_size=1, stride=2)),
    "odd": ((1, 3, 11, 9), dict(in_channels=3, out_channels=5, kernel_size=(5, 3), stride=(3, 2),
                                padding=(2, 0))),
    "nobias": ((2, 3, 5, 5), dict(in_channels=3, out_channels=2, kernel_size=3, bias=False)),
    "batch1": ((1, 3, 4, 4), dict(in_channels=3, out_channels=4, kernel_size=3, padding=1)),
    "unbatched": ((3, 5, 4), dict(in_channels=3, out_channels=4, kernel_size=3, padding=1)),
    # 16 channels and more: Ember's channel-blocked oneDNN kernels; "wide" is large enough in
    # batch for oneDNN to pick Winograd (3x3 stride 1), "wide_strided" runs the direct kernel.
    "wide": ((16, 16, 4, 4), dict(in_channels=16, out_channels=16, kernel_size=3, padding=1)),
    "wide_strided": ((1, 16, 5, 5), dict(in_channels=16, out_channels=32, kernel_size=3, stride=2,
                                         padding=1)),
}

# name: (input shape, nn.ConvTranspose2d arguments)
TRANSPOSE_CASES = {
    "t_basic": ((2, 3, 4, 5), dict(in_channels=3, out_channels=2, kernel_size=3)),
    "t_stride": ((2, 3, 4, 4), dict(in_channels=3, out_channels=2, kernel_size=3, stride=2, padding=1,
                                    output_padding=1)),
    "t_groups": ((2, 4, 3, 4), dict(in_channels=4, out_channels=6, kernel_size=(3, 2), stride=(2, 1),
                                    padding=(1, 0), groups=2)),
    "t_dilation": ((1, 2, 3, 4), dict(in_channels=2, out_channels=3, kernel_size=3, stride=2, padding=1,
                                      output_padding=1, dilation=2)),
    "t_outpad_dilation": ((1, 2, 3, 3), dict(in_channels=2, out_channels=2, kernel_size=3, dilation=2,
                                             output_padding=1)),
    "t_pointwise": ((2, 4, 3, 3), dict(in_channels=4, out_channels=3, kernel_size=1, bias=False)),
    "t_unbatched": ((3, 3, 2), dict(in_channels=3, out_channels=2, kernel_size=2, stride=2)),
    "t_wide": ((1, 16, 2, 2), dict(in_channels=16, out_channels=16, kernel_size=4, stride=2, padding=1)),
}

# name: (pad, mode, value)
PAD_CASES = {
    "constant": ((1, 2, 2, 1), "constant", 1.5),
    "crop": ((-1, 2, 0, -1), "constant", 0.0),
    "reflect": ((1, 2, 3, 1), "reflect", 0.0),
    "replicate": ((3, 2, 0, 4), "replicate", 0.0),
    "circular": ((2, 5, 4, 1), "circular", 0.0),
}


def layer_case(tensors, reprs, name, shape, layer):
    x = torch.randn(shape, requires_grad=True)
    out = layer(x)
    gout = torch.randn(out.shape)
    (out * gout).sum().backward()
    p = f"conv.{name}"
    store(tensors, f"{p}.x", x)
    store(tensors, f"{p}.weight", layer.weight)
    store(tensors, f"{p}.out", out)
    store(tensors, f"{p}.gout", gout)
    store(tensors, f"{p}.grad_x", x.grad)
    store(tensors, f"{p}.grad_weight", layer.weight.grad)
    if layer.bias is not None:
        store(tensors, f"{p}.bias", layer.bias)
        store(tensors, f"{p}.grad_bias", layer.bias.grad)
    reprs[name] = repr(layer)


def pad_case(tensors, name, pad, mode, value):
    x = torch.randn(2, 3, 4, 5, requires_grad=True)
    out = F.pad(x, pad, mode=mode, value=value) if mode == "constant" else F.pad(x, pad, mode=mode)
    gout = torch.randn(out.shape)
    (out * gout).sum().backward()
    for key, t in [("x", x), ("out", out), ("gout", gout), ("grad_x", x.grad)]:
        store(tensors, f"pad.{name}.{key}", t)


def main():
    torch.manual_seed(0)
    tensors, reprs = {}, {}
    for name, (shape, args) in CONV_CASES.items():
        layer_case(tensors, reprs, name, shape, nn.Conv2d(**args))
    for name, (shape, args) in TRANSPOSE_CASES.items():
        layer_case(tensors, reprs, name, shape, nn.ConvTranspose2d(**args))
    for name, (pad, mode, value) in PAD_CASES.items():
        pad_case(tensors, name, pad, mode, value)
    return write_fixture(tensors, OUT_PATH, metadata={"expected": json.dumps(reprs, sort_keys=True)})


if __name__ == "__main__":
    sys.exit(main())
