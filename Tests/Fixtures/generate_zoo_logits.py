"""DenseNet, Inception v3 and GoogLeNet outputs as Ember's DenseInceptionModelTests check them.

Storing these models' weights would take tens of megabytes, so most cases here fill every
parameter and buffer, and the input, with a formula that the Swift tests compute too
(`wave` below): only the outputs are stored. Each state-dict entry `k` (its position in
state-dict order) of `n` elements gets, for `i` in `0..<n`, `s = sin(0.37 i + 1.1 k)`
computed in float64 and then:

- a weight of two or more dimensions (convolution, linear): `s * 2 / sqrt(fan_in)`,
  `fan_in` being the element count over the first dimension;
- `running_var` and one-dimensional `weight` (batch norm): `1 + 0.25 s`;
- everything else (biases, `running_mean`): `0.1 s`;
- `num_batches_tracked` (int64) is left as it is.

An input of shape S for case `k` is `sin(0.37 i + 1.1 k)` over its elements, in order.

`models/zoo_logits.safetensors` holds `<case>.output` per case, and `.aux1`/`.aux2` for
the training-mode case, whose outputs are computed in float64 and come with a
`<key>.tolerance` (see `main`). One case is checked the ordinary way instead:
`models/densenet_small.safetensors` is the seeded state dict (batch-norm statistics
perturbed as generate_models.py does) of `DenseNet(growth_rate=8, block_config=(2, 2),
num_init_features=16, bn_size=2, num_classes=10)`, whose eval logits on the wave input
`[2, 3, 32, 32]` (k = 0) are `densenet_small.output`.
"""

import math
import os
import sys
import warnings

import torch
import torchvision.models as tvm
import torchvision.models.googlenet  # noqa: F401 (the modules, not the builders of those names)
import torchvision.models.inception  # noqa: F401
from safetensors.torch import save_file

from fixture_file import fill_by_formula, perturb_batch_norms

tv_googlenet = sys.modules["torchvision.models.googlenet"]
tv_inception = sys.modules["torchvision.models.inception"]
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "models")
warnings.simplefilter("ignore")


def wave(n, k):
    i = torch.arange(n, dtype=torch.float64)
    return torch.sin(0.37 * i + 1.1 * k)


def wave_input(shape, k):
    return wave(math.prod(shape), k).reshape(shape).float()


def fill(model):
    return fill_by_formula(model, wave, 2)


# (case, module builder, input shape, training mode); the input's k is the case's index.
CASES = [
    ("inception_a", lambda: tv_inception.InceptionA(8, pool_features=4), [1, 8, 7, 7], False),
    ("inception_b", lambda: tv_inception.InceptionB(8), [1, 8, 9, 9], False),
    ("inception_c", lambda: tv_inception.InceptionC(8, channels_7x7=4), [1, 8, 5, 5], False),
    ("inception_d", lambda: tv_inception.InceptionD(8), [1, 8, 9, 9], False),
    ("inception_e", lambda: tv_inception.InceptionE(8), [1, 8, 3, 3], False),
    ("inception_aux", lambda: tv_inception.InceptionAux(8, num_classes=10), [2, 8, 17, 17], False),
    ("googlenet_inception", lambda: tv_googlenet.Inception(8, 4, 4, 6, 2, 4, 4), [2, 8, 7, 7], False),
    ("googlenet_aux", lambda: tv_googlenet.InceptionAux(8, num_classes=10), [2, 8, 14, 14], False),
    ("googlenet", lambda: tvm.googlenet(weights=None, num_classes=10, transform_input=True), [1, 3, 64, 64], False),
    # Training mode: batch statistics, no dropout, and the auxiliary heads' outputs.
    ("googlenet_train", lambda: tvm.googlenet(weights=None, num_classes=10, dropout=0, dropout_aux=0),
     [2, 3, 64, 64], True),
    ("inception_v3", lambda: tvm.inception_v3(weights=None, num_classes=10, transform_input=True),
     [1, 3, 75, 75], False),
]


def densenet_small(x):
    torch.manual_seed(0)
    model = tvm.DenseNet(growth_rate=8, block_config=(2, 2), num_init_features=16, bn_size=2, num_classes=10)
    perturb_batch_norms(model, 3)
    model.eval()
    save_file({k: v.contiguous() for k, v in model.state_dict().items()},
              os.path.join(OUT, "densenet_small.safetensors"))
    with torch.no_grad():
        return model(x)


def main():
    outputs = {"densenet_small.output": densenet_small(wave_input([2, 3, 32, 32], 0))}
    for k, (name, build, shape, training) in enumerate(CASES):
        model = fill(build()).train(training)
        x = wave_input(shape, k)
        with torch.no_grad():
            out = model(x)
        if not training:
            outputs[f"{name}.output"] = out
            continue
        # Batch statistics of a few values per channel make float32 results differ from the
        # exact ones by more than 1e-4 relative in PyTorch itself, so store the float64
        # outputs and, as the tolerance, four times PyTorch's own float32 error.
        with torch.no_grad():
            exact = model.double()(x.double())
        for key, f32, f64 in [("output", out.logits, exact.logits), ("aux2", out.aux_logits2, exact.aux_logits2),
                              ("aux1", out.aux_logits1, exact.aux_logits1)]:
            outputs[f"{name}.{key}"] = f64.float()
            error = (f32.double() - f64).abs().max().item()
            outputs[f"{name}.{key}.tolerance"] = torch.tensor([max(4 * error, 1e-4 * f64.abs().max().item())])
    save_file({k: v.contiguous() for k, v in outputs.items()}, os.path.join(OUT, "zoo_logits.safetensors"))


if __name__ == "__main__":
    main()
