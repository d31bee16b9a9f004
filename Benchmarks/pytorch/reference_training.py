"""PyTorch reference runs for the accuracy figures that `ember train` is compared with.

Trains the tutorial's models with the same data, transform and hyper-parameters as
`ember train mlp|cnn` and prints one line per epoch: test accuracy and seconds.

    python Benchmarks/pytorch/reference_training.py mlp --model batchnorm --epochs 20 --seed 0
    python Benchmarks/pytorch/reference_training.py cnn --epochs 10 --momentum 0.9 --seed 0

Data: a folder of MNIST-format IDX files (raw or .gz), by default Debian's Fashion-MNIST.
"""

import argparse
import gzip
import os
import time

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from tutorial_models import SimpleCNN


def read_idx(root, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(root, candidate)
        if os.path.exists(path):
            opener = gzip.open if path.endswith(".gz") else open
            with opener(path, "rb") as f:
                data = f.read()
            dims = data[3]
            shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
            return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    raise FileNotFoundError(f"{name} not found in {root}")


def load(root, split):
    images = read_idx(root, f"{split}-images-idx3-ubyte").astype(np.float32) / 255.0
    labels = read_idx(root, f"{split}-labels-idx1-ubyte").astype(np.int64)
    x = (torch.from_numpy(images).unsqueeze(1) - 0.5) / 0.5   # ToTensor + Normalize(0.5, 0.5)
    return TensorDataset(x, torch.from_numpy(labels))


def mlp(kind):
    def block(i, o, bn, relu):
        layers = [nn.Linear(i, o)] + ([nn.BatchNorm1d(o)] if bn else []) + ([nn.ReLU(True)] if relu else [])
        return nn.Sequential(*layers)
    bn, relu = kind == "batchnorm", kind != "simple"
    net = nn.Sequential(nn.Flatten(), block(784, 300, bn, relu), block(300, 100, bn, relu), nn.Linear(100, 10))
    return net


def main():
    p = argparse.ArgumentParser()
    p.add_argument("kind", choices=["mlp", "cnn"])
    p.add_argument("--model", default="batchnorm", choices=["simple", "activation", "batchnorm"])
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--momentum", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    train, test = load(a.data, "train"), load(a.data, "t10k")
    model = mlp(a.model) if a.kind == "mlp" else SimpleCNN(1, 28)
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=a.momentum)
    loss_fn = nn.CrossEntropyLoss()
    train_loader = DataLoader(train, batch_size=a.batch_size, shuffle=True)
    test_loader = DataLoader(test, batch_size=a.batch_size)
    accuracies = []
    for epoch in range(1, a.epochs + 1):
        start = time.perf_counter()
        model.train()
        for x, y in train_loader:
            loss = loss_fn(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        correct = 0
        with torch.no_grad():
            for x, y in test_loader:
                correct += (model(x).argmax(1) == y).sum().item()
        accuracies.append(correct / len(test))
        print(f"epoch {epoch:3d}  test acc {accuracies[-1] * 100:.2f}%  {time.perf_counter() - start:.2f}s", flush=True)
    last = accuracies[-5:]
    print(f"mean test accuracy over the last {len(last)} epochs: {sum(last) / len(last) * 100:.2f}%")


if __name__ == "__main__":
    main()
