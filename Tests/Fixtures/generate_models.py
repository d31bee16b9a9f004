"""torchvision's model zoo as Ember's model tests check it.

For every architecture of `ARCHITECTURES` (built with `weights=None` and torchvision's
defaults), `models/<name>.keys.txt` holds the parameter count on its first line
(`# parameters N`) and then one line per state-dict entry, in order: `key shape dtype`
(shape as `3x64x7x7`, `-` for a scalar). `models/<name>.repr.txt` is `repr(model)`.

For the small architectures of `LOGIT_CASES`, `models/<name>.pth` is a state dict written by
`torch.save` (10 classes, seeded random weights, batch-norm statistics perturbed so that a
reader that skips them fails) and `models/<name>.logits.safetensors` holds `logits`, the
model's eval-mode output on `input` of `models/input.safetensors` (`2x3x128x128`, seeded).
"""

import os

import torch
import torchvision.models as tvm
from safetensors.torch import save_file

from fixture_file import perturb_batch_norms

ARCHITECTURES = [
    "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
    "resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d", "wide_resnet50_2", "wide_resnet101_2",
    "alexnet",
    "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn",
    "squeezenet1_0", "squeezenet1_1",
    "densenet121", "densenet161", "densenet169", "densenet201",
    "inception_v3", "googlenet",
    "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0",
    "mobilenet_v2",
    "mnasnet0_5", "mnasnet0_75", "mnasnet1_0", "mnasnet1_3",
]

LOGIT_CASES = ["squeezenet1_1", "shufflenet_v2_x0_5", "mnasnet0_5"]

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "models")


def shape_text(shape):
    return "x".join(str(s) for s in shape) if len(shape) else "-"


def write_model_text(name, model):
    """`models/<name>.keys.txt` and `models/<name>.repr.txt` of `model`."""
    params = sum(p.numel() for p in model.parameters())
    lines = [f"# parameters {params}"]
    for key, t in model.state_dict().items():
        lines.append(f"{key} {shape_text(t.shape)} {str(t.dtype).removeprefix('torch.')}")
    with open(os.path.join(OUT, f"{name}.keys.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(OUT, f"{name}.repr.txt"), "w") as f:
        f.write(repr(model) + "\n")


def write_logit_case(name, seed, x):
    torch.manual_seed(seed)
    model = tvm.get_model(name, weights=None, num_classes=10)
    perturb_batch_norms(model, seed + 3)
    model.eval()
    with torch.no_grad():
        logits = model(x)
    torch.save(model.state_dict(), os.path.join(OUT, f"{name}.pth"))
    save_file({"logits": logits.contiguous()},
              os.path.join(OUT, f"{name}.logits.safetensors"))


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in ARCHITECTURES:
        write_model_text(name, tvm.get_model(name, weights=None))
    torch.manual_seed(100)
    x = torch.randn(2, 3, 128, 128)
    save_file({"input": x}, os.path.join(OUT, "input.safetensors"))
    for seed, name in enumerate(LOGIT_CASES):
        write_logit_case(name, seed, x)


if __name__ == "__main__":
    main()
