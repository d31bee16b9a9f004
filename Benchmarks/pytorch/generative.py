"""PyTorch reference runs for `ember train gan|dcgan|autoencoder` (the tutorial's part 4):
the same nets (tutorial_models.py), data, transform (ToTensor + Normalize(0.5, 0.5)),
batch, optimizers and iteration, on a folder of MNIST-format IDX files.

    python Benchmarks/pytorch/generative.py gan [--loss lsgan] --data DIR --epochs 20 --seed 0 --samples OUT
    python Benchmarks/pytorch/generative.py dcgan --data DIR --epochs 5 --samples OUT
    python Benchmarks/pytorch/generative.py autoencoder --data DIR --epochs 20

Prints one line per epoch. GANs then write 10,000 samples of the generator (evaluation mode,
noise from seed 20061204) as OUT/t10k-images-idx3-ubyte with zero labels, for
`ember score --samples OUT` to judge with Ember's classifier; the autoencoder prints its
test reconstruction error (mean squared error per pixel).
"""

import argparse
import os
import struct
import time

import torch
from torch import nn
from torch.utils.data import DataLoader

from reference_training import load
from tutorial_models import (Autoencoder, DCGANDiscriminator28, DCGANGenerator28, GANDiscriminator, GANGenerator,
                             autoencoder_step, discriminator_step, gan_optimizers, generator_step, weights_init)


def write_samples(images, folder):
    os.makedirs(folder, exist_ok=True)
    pixels = ((images * 0.5 + 0.5) * 255).round().clamp(0, 255).to(torch.uint8).reshape(-1, 28, 28)
    with open(os.path.join(folder, "t10k-images-idx3-ubyte"), "wb") as f:
        f.write(struct.pack(">IIII", 0x803, pixels.shape[0], 28, 28) + pixels.numpy().tobytes())
    with open(os.path.join(folder, "t10k-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", 0x801, pixels.shape[0]) + bytes(pixels.shape[0]))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("kind", choices=["gan", "dcgan", "autoencoder"])
    p.add_argument("--loss", default="bce", choices=["bce", "lsgan"])
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--samples")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    train, test = load(a.data, "train"), load(a.data, "t10k")
    torch.manual_seed(a.seed)
    loader = DataLoader(train, batch_size=a.batch_size, shuffle=True)
    if a.kind == "autoencoder":
        model = Autoencoder()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-5)
        for epoch in range(1, a.epochs + 1):
            start, total, seen = time.perf_counter(), 0.0, 0
            for x, _ in loader:
                x = x.view(x.size(0), -1)
                total += autoencoder_step(model, optimizer, x).item() * x.size(0)
                seen += x.size(0)
            with torch.no_grad():
                x = test.tensors[0].view(len(test), -1)
                error = nn.functional.mse_loss(model(x)[1], x).item()
            print(f"epoch {epoch:3d}  train mse {total / seen:.4f}  test mse {error:.4f}  {time.perf_counter() - start:.2f}s", flush=True)
        return
    if a.kind == "gan":
        generator, discriminator = GANGenerator(), GANDiscriminator(sigmoid=a.loss == "bce")
        noise = lambda n: torch.randn(n, 100)
        flat = lambda x: x.view(x.size(0), -1)
    else:
        generator, discriminator = DCGANGenerator28().apply(weights_init), DCGANDiscriminator28().apply(weights_init)
        noise = lambda n: torch.randn(n, 100, 1, 1)
        flat = lambda x: x
    criterion = nn.BCELoss() if a.loss == "bce" else nn.MSELoss()
    opt_g, opt_d = gan_optimizers(generator, discriminator)
    for epoch in range(1, a.epochs + 1):
        start, sums, batches = time.perf_counter(), [0.0, 0.0], 0
        for x, _ in loader:
            real = flat(x)
            d_loss, _, _ = discriminator_step(generator, discriminator, opt_d, criterion, real, noise(real.size(0)))
            g_loss = generator_step(generator, discriminator, opt_g, criterion, noise(real.size(0)))
            sums[0] += d_loss.item()
            sums[1] += g_loss.item()
            batches += 1
        print(f"epoch {epoch:3d}  D loss {sums[0] / batches:.3f}  G loss {sums[1] / batches:.3f}  "
              f"{time.perf_counter() - start:.2f}s", flush=True)
    if a.samples:
        generator.eval()
        torch.manual_seed(20061204)
        with torch.no_grad():
            write_samples(torch.cat([generator(noise(500)) for _ in range(20)]), a.samples)


if __name__ == "__main__":
    main()
