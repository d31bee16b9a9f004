"""The generative models of the tutorial's part 4 as Ember's GenerativeModelTests check them.

Models are `Benchmarks/pytorch/tutorial_models.py`'s. For each of them,
`models/<name>.keys.txt` and `models/<name>.repr.txt` hold the parameter count, the
state-dict entries and `repr(model)` in generate_models.py's format.

Storing the weights would take megabytes, so every float state-dict entry `k` (its
position in state-dict order) of `n` elements is set by a formula the Swift tests compute
too: for `i` in `0..<n`, `u = ((i * 2654435761 + k * 40503) mod 2^32) / 2^32` (exact in
integers), then

- a weight of two or more dimensions: `(2u - 1) / sqrt(fan_in)`, `fan_in` being the
  element count over the first dimension;
- `running_var` and one-dimensional `weight` (batch norm): `1 + 0.25 (2u - 1)`;
- everything else (biases, `running_mean`): `0.1 (2u - 1)`.

Large tensors (gradients, parameters after a step) are stored as `sample(t)`, every
`max(1, n // 100)`-th element of the flattened tensor, starting at 0.

`generative.safetensors` keys (batch 4):
- `ae.x` (in [-1, 1]), `ae.code`, `ae.decode` (forward), `ae.loss`, `ae.grad.KEY`,
  `ae.after.KEY`: one step of MSE against the input with Adam(lr 1e-3, weight decay 1e-5).
- `gan.real`, `gan.noise_d`, `gan.noise_g` (inputs), `gan.fake` = G(noise_d) and
  `gan.d_real` = D(real) before any step; then for `P` in `gan` (BCELoss, sigmoid) and
  `lsgan` (MSELoss, no sigmoid), each from the same initial weights: `P.d_loss`,
  `P.d_grad.KEY` (after the discriminator's backward), `P.g_loss`, `P.g_grad.KEY` (after
  the generator's), `P.d_after.KEY`, `P.g_after.KEY` (after both steps); Adam(2e-4,
  betas (0.5, 0.999)) per net. The discriminator step uses `noise_d`, the generator step
  `noise_g`.
- `dcgan28.*`: the same as `gan` for DCGANGenerator28 / DCGANDiscriminator28 (noise
  `[4, 100, 1, 1]`, real `[4, 1, 28, 28]`), BCELoss; `dcgan28_lsgan.*` the same
  iteration with the discriminator's sigmoid removed and MSELoss (LSGAN).
- `dcgan64.noise` `[2, 100, 1, 1]`, `dcgan64.fake` (`sample`) and `dcgan64.score` =
  D(fake): the 64x64 nets' forward in training mode.
- `tanh.x`, `tanh.y` = torch.tanh(x), `tanh.gout`, `tanh.grad`: a wide range of inputs (a
  fine grid over [-12, 12], tiny and huge magnitudes, +-0, +-inf, NaN; an odd count, so
  vector tails are reached).
"""

import os
import sys

import torch
from torch import nn

from fixture_file import fill_by_formula, store, write_fixture
from generate_models import write_model_text

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Benchmarks", "pytorch"))
from tutorial_models import (Autoencoder, DCGANDiscriminator, DCGANDiscriminator28, DCGANGenerator,  # noqa: E402
                             DCGANGenerator28, GANDiscriminator, GANGenerator, autoencoder_step,
                             discriminator_step, gan_optimizers, generator_step)

HERE = os.path.dirname(os.path.abspath(__file__))

MODELS = {
    "autoencoder": Autoencoder,
    "gan_generator": GANGenerator,
    "gan_discriminator": GANDiscriminator,
    "lsgan_discriminator": lambda: GANDiscriminator(sigmoid=False),
    "dcgan28_generator": DCGANGenerator28,
    "dcgan28_discriminator": DCGANDiscriminator28,
    "dcgan64_generator": DCGANGenerator,
    "dcgan64_discriminator": DCGANDiscriminator,
}


def uniform(n, k):
    """2u - 1 in [-1, 1) for the formula of the docstring, in float64."""
    i = torch.arange(n, dtype=torch.int64)
    return ((i * 2654435761 + k * 40503) % 2**32).double() / 2**32 * 2 - 1


def fill(model):
    return fill_by_formula(model, uniform, 1)


def sample(t):
    flat = t.detach().flatten()
    return flat[::max(1, flat.numel() // 100)]


def store_samples(tensors, prefix, named):
    for key, t in named:
        store(tensors, f"{prefix}.{key}", sample(t))


def autoencoder_case(tensors):
    model = fill(Autoencoder())
    x = uniform(4 * 784, 1).reshape(4, 784).float()
    code, decode = model(x)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-5)
    loss = autoencoder_step(model, optimizer, x)
    for key, t in [("x", x), ("code", code), ("decode", decode), ("loss", loss)]:
        store(tensors, f"ae.{key}", t)
    store_samples(tensors, "ae.grad", [(k, p.grad) for k, p in model.named_parameters()])
    store_samples(tensors, "ae.after", model.state_dict().items())


def gan_case(tensors, prefix, generator, discriminator, criterion, real, noise_d, noise_g):
    opt_g, opt_d = gan_optimizers(generator, discriminator)
    d_loss, _, _ = discriminator_step(generator, discriminator, opt_d, criterion, real, noise_d)
    store(tensors, f"{prefix}.d_loss", d_loss)
    store_samples(tensors, f"{prefix}.d_grad", [(k, p.grad) for k, p in discriminator.named_parameters()])
    g_loss = generator_step(generator, discriminator, opt_g, criterion, noise_g)
    store(tensors, f"{prefix}.g_loss", g_loss)
    store_samples(tensors, f"{prefix}.g_grad", [(k, p.grad) for k, p in generator.named_parameters()])
    store_samples(tensors, f"{prefix}.d_after", discriminator.state_dict().items())
    store_samples(tensors, f"{prefix}.g_after", generator.state_dict().items())


def gan_inputs(tensors, prefix, real_shape, noise_shape, generator, discriminator):
    """Stores real images and noise, and the nets' first outputs on them."""
    real = uniform(real_shape.numel(), 2).reshape(real_shape).float()
    noise_d, noise_g = torch.randn(noise_shape), torch.randn(noise_shape)
    with torch.no_grad():
        fake, d_real = generator(noise_d), discriminator(real)
    for key, t in [("real", real), ("noise_d", noise_d), ("noise_g", noise_g), ("fake", fake), ("d_real", d_real)]:
        store(tensors, f"{prefix}.{key}", t)
    return real, noise_d, noise_g


def tanh_case(tensors):
    tiny = torch.logspace(-45, -1, 89)
    huge = torch.tensor([5, 8.5, 9, 9.1, 10, 15, 20, 44, 45, 50, 89, 100, 1e4, 3e38, float("inf")])
    x = torch.cat([torch.linspace(-12, 12, 2401), tiny, -tiny, huge, -huge,
                   torch.tensor([0.0, -0.0, 0.625, -0.625, 0.6249999, float("nan")])])
    x.requires_grad_(True)
    y = torch.tanh(x)
    gout = torch.randn(x.shape)
    y.backward(gout)
    for key, t in [("x", x), ("y", y), ("gout", gout), ("grad", x.grad)]:
        store(tensors, f"tanh.{key}", t)


def main():
    for name, build in MODELS.items():
        write_model_text(name, build())
    torch.manual_seed(12)
    tensors = {}
    autoencoder_case(tensors)

    inputs = gan_inputs(tensors, "gan", torch.Size([4, 784]), (4, 100), fill(GANGenerator()), fill(GANDiscriminator()))
    gan_case(tensors, "gan", fill(GANGenerator()), fill(GANDiscriminator()), nn.BCELoss(), *inputs)
    gan_case(tensors, "lsgan", fill(GANGenerator()), fill(GANDiscriminator(sigmoid=False)), nn.MSELoss(), *inputs)

    generator, discriminator = fill(DCGANGenerator28()), fill(DCGANDiscriminator28())
    inputs = gan_inputs(tensors, "dcgan28", torch.Size([4, 1, 28, 28]), (4, 100, 1, 1), generator, discriminator)
    # gan_inputs ran both nets in training mode: start the iteration from fresh statistics.
    gan_case(tensors, "dcgan28", fill(DCGANGenerator28()), fill(DCGANDiscriminator28()), nn.BCELoss(), *inputs)

    noise = torch.randn(2, 100, 1, 1)
    with torch.no_grad():
        fake = fill(DCGANGenerator())(noise)
        score = fill(DCGANDiscriminator())(fake)
    for key, t in [("noise", noise), ("fake", sample(fake)), ("score", score)]:
        store(tensors, f"dcgan64.{key}", t)
    tanh_case(tensors)
    # LSGAN with the 28x28 DCGAN: its discriminator without the sigmoid, MSELoss.
    gan_case(tensors, "dcgan28_lsgan", fill(DCGANGenerator28()), fill(DCGANDiscriminator28(sigmoid=False)),
             nn.MSELoss(), *inputs)
    return write_fixture(tensors, os.path.join(HERE, "generative.safetensors"))


if __name__ == "__main__":
    sys.exit(main())
