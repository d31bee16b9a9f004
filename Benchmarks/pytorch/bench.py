"""PyTorch side of Ember's benchmarks.

Usage:
    python Benchmarks/pytorch/bench.py --threads N [--repeat R] [--steps S] [workload ...]

Runs the named workloads (all of them if none are named) on the CPU with
torch.set_num_threads(N).  For each workload: build the inputs, warm up, then
time R repetitions of one iteration each (R defaults to a per-workload count
chosen so that the timed part takes about a second) and print

    NAME<TAB>MEDIAN_SECONDS_PER_ITERATION

on stdout, one line per workload, in the order requested.  Nothing else goes
to stdout; logs go to stderr.  Benchmarks/Ember/main.swift (EmberBench)
follows the same protocol, and Benchmarks/run.py compares the two.

With --steps S, each workload instead runs S untimed iterations after building
its inputs and prints nothing (S = 0 builds only): Benchmarks/memory/peak_rss.py
measures the process's peak memory that way.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

import torch
from torch import nn

from tutorial_models import (Autoencoder, DCGANDiscriminator, DCGANDiscriminator28, DCGANGenerator, DCGANGenerator28,
                             GANDiscriminator, GANGenerator, autoencoder_step, discriminator_step, gan_optimizers,
                             generator_step, weights_init, SimpleCNN)

N16M = 16 * 1024 * 1024  # 16,777,216


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def sgemm(m, k, n):
    def setup():
        a = torch.randn(m, k)
        b = torch.randn(k, n)
        return lambda: torch.matmul(a, b)
    return setup


def elementwise(fn, arity):
    def setup():
        xs = [torch.randn(N16M) for _ in range(arity)]
        return lambda: fn(*xs)
    return setup


PHOTOS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data", "photo-crops")
IMAGENET_MEAN, IMAGENET_STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def photo_folder(copies=2):
    """An ImageFolder root of one class holding the photo crops `copies` times (symbolic
    links), the same folder Ember's side builds."""
    root = os.path.join(tempfile.gettempdir(), "ember-bench-photos")
    folder = os.path.join(root, "photos")
    os.makedirs(folder, exist_ok=True)
    for name in sorted(n for n in os.listdir(PHOTOS) if n.endswith(".jpg")):
        for copy in range(copies):
            link = os.path.join(folder, f"{copy}.{name}")
            if not os.path.lexists(link):
                os.symlink(os.path.abspath(os.path.join(PHOTOS, name)), link)
    return root


def image_pipeline(train):
    """One epoch of torchvision's ImageFolder + DataLoader (batch 64, 2 persistent worker
    processes) over the photo crops: the evaluation transform (Resize(256), CenterCrop(224))
    or the training one (RandomResizedCrop(224), RandomHorizontalFlip), then ToTensor and
    Normalize."""
    def setup():
        from torchvision import datasets, transforms
        crop = ([transforms.RandomResizedCrop(224), transforms.RandomHorizontalFlip()] if train
                else [transforms.Resize(256), transforms.CenterCrop(224)])
        transform = transforms.Compose(crop + [transforms.ToTensor(), transforms.Normalize(IMAGENET_MEAN, IMAGENET_STD)])
        dataset = datasets.ImageFolder(photo_folder(), transform)
        loader = torch.utils.data.DataLoader(dataset, batch_size=64, shuffle=train, num_workers=2,
                                             persistent_workers=True)

        def step():
            for _ in loader:
                pass
        return step
    return setup


# name -> (setup returning the per-iteration callable, default repeat)
# Default repeats give roughly one second of timed work on a 2-thread
# AVX-512 Xeon; they only need to be in the right ballpark.
class SimpleNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer1 = nn.Linear(784, 300)
        self.layer2 = nn.Linear(300, 100)
        self.layer3 = nn.Linear(100, 10)

    def forward(self, x):
        return self.layer3(self.layer2(self.layer1(x)))


class ActivationNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer1 = nn.Sequential(nn.Linear(784, 300), nn.ReLU(True))
        self.layer2 = nn.Sequential(nn.Linear(300, 100), nn.ReLU(True))
        self.layer3 = nn.Sequential(nn.Linear(100, 10))

    def forward(self, x):
        return self.layer3(self.layer2(self.layer1(x)))


class BatchNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer1 = nn.Sequential(nn.Linear(784, 300), nn.BatchNorm1d(300), nn.ReLU(True))
        self.layer2 = nn.Sequential(nn.Linear(300, 100), nn.BatchNorm1d(100), nn.ReLU(True))
        self.layer3 = nn.Sequential(nn.Linear(100, 10))

    def forward(self, x):
        return self.layer3(self.layer2(self.layer1(x)))


MLPS = {"simple": SimpleNet, "activation": ActivationNet, "batchnorm": BatchNet}


def train_step(make_model, shape, momentum=0.0, batch=64, classes=10, lr=0.01):
    """One SGD step of a model on a batch of `batch` inputs of `shape` with labels below
    `classes`, as in the tutorial's training loop."""
    def setup():
        model = make_model()
        model.train()
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
        loss_fn = nn.CrossEntropyLoss()
        x, y = torch.randn(batch, *shape), torch.randint(0, classes, (batch,))

        def step():
            loss = loss_fn(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss
        return step
    return setup


def eval_pass(make_model, shape):
    """A model's forward pass on a batch of 64 inputs of `shape` in eval mode, without autograd."""
    def setup():
        model = make_model()
        model.eval()
        x = torch.randn(64, *shape)

        def step():
            with torch.no_grad():
                return model(x)
        return step
    return setup


def conv_forward():
    """ResNet18's layer1 convolution (64->64, 3x3, 16x56x56) in eval, without autograd."""
    def setup():
        conv = nn.Conv2d(64, 64, 3, padding=1, bias=False)
        x = torch.randn(16, 64, 56, 56)

        def step():
            with torch.no_grad():
                return conv(x)
        return step
    return setup


def layer_step(layer, shape):
    """Forward and backward (input and weight gradients) of one layer."""
    def setup():
        module = layer()
        x = torch.randn(*shape, requires_grad=True)
        gradient = torch.randn_like(module(x))

        def step():
            module(x).backward(gradient)
            x.grad = None
            module.zero_grad()
        return step
    return setup


def zoo_eval(arch, batch):
    """A torchvision model's forward pass in eval mode without autograd, `batch` 224x224 images."""
    def setup():
        import torchvision
        model = torchvision.models.get_model(arch, weights=None).eval()
        x = torch.randn(batch, 3, 224, 224)

        def step():
            with torch.no_grad():
                return model(x)
        return step
    return setup


def resnet18_with_new_head():
    """ResNet18 with a new 2-class head, as the tutorial's part 1 3.4 fine-tunes it."""
    import torchvision
    model = torchvision.models.resnet18(weights=None)
    model.fc = nn.Linear(model.fc.in_features, 2)
    return model


def gan_iteration(make_nets, real_shape, noise_shape):
    """One GAN iteration as in the fixtures (BCE, Adam 2e-4 with betas (0.5, 0.999) per
    net): a discriminator step on a fixed batch of "real" images and on fakes from fresh
    noise, then a generator step on fresh noise."""
    def setup():
        generator, discriminator = make_nets()
        opt_g, opt_d = gan_optimizers(generator, discriminator)
        criterion = nn.BCELoss()
        real = torch.randn(*real_shape)

        def step():
            discriminator_step(generator, discriminator, opt_d, criterion, real, torch.randn(*noise_shape))
            return generator_step(generator, discriminator, opt_g, criterion, torch.randn(*noise_shape))
        return step
    return setup


def dcgan_nets(generator, discriminator):
    return lambda: (generator().apply(weights_init), discriminator().apply(weights_init))


def autoencoder_train_step():
    """The tutorial's autoencoder: MSE against the input, Adam lr 1e-3, weight decay 1e-5."""
    def setup():
        model = Autoencoder()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-5)
        x = torch.randn(64, 784)
        return lambda: autoencoder_step(model, optimizer, x)
    return setup


WORKLOADS = {
    "sgemm_64x784x300": (sgemm(64, 784, 300), 6000),
    "sgemm_256":        (sgemm(256, 256, 256), 7000),
    "sgemm_1024":       (sgemm(1024, 1024, 1024), 120),
    **{f"mlp_{k}_train": (train_step(m, (784,)), 3000) for k, m in MLPS.items()},
    **{f"mlp_{k}_eval": (eval_pass(m, (784,)), 6000) for k, m in MLPS.items()},
    # SimpleCNN with SGD momentum 0.9, as `ember train cnn`.
    "cnn_1x28_train":   (train_step(lambda: SimpleCNN(1, 28), (1, 28, 28), momentum=0.9), 100),
    "cnn_1x28_eval":    (eval_pass(lambda: SimpleCNN(1, 28), (1, 28, 28)), 300),
    "cnn_3x32_train":   (train_step(lambda: SimpleCNN(3, 32), (3, 32, 32), momentum=0.9), 100),
    "cnn_3x32_eval":    (eval_pass(lambda: SimpleCNN(3, 32), (3, 32, 32)), 300),
    "resnet_conv_forward": (conv_forward(), 50),
    "resnet_conv_train": (layer_step(lambda: nn.Conv2d(64, 64, 3, padding=1, bias=False), (16, 64, 56, 56)), 20),
    "batchnorm2d_train": (layer_step(lambda: nn.BatchNorm2d(64), (64, 64, 32, 32)), 50),
    "maxpool2d_train": (layer_step(lambda: nn.MaxPool2d(2), (64, 32, 28, 28)), 100),
    "dcgan_convt_mid_train": (layer_step(lambda: nn.ConvTranspose2d(128, 64, 4, 2, 1, bias=False),
                                         (64, 128, 16, 16)), 20),
    "dcgan_convt_out_train": (layer_step(lambda: nn.ConvTranspose2d(64, 3, 4, 2, 1, bias=False),
                                         (64, 64, 32, 32)), 20),
    "mlp_gan_iter_b64": (gan_iteration(lambda: (GANGenerator(), GANDiscriminator()), (64, 784), (64, 100)), 300),
    "dcgan28_iter_b64": (gan_iteration(dcgan_nets(DCGANGenerator28, DCGANDiscriminator28), (64, 1, 28, 28),
                                       (64, 100, 1, 1)), 20),
    "dcgan64_iter_b64": (gan_iteration(dcgan_nets(DCGANGenerator, DCGANDiscriminator), (64, 3, 64, 64),
                                       (64, 100, 1, 1)), 5),
    "autoencoder_step_b64": (autoencoder_train_step(), 1000),
    "add_16M":          (elementwise(lambda a, b: a + b, 2), 50),  # fresh output each call
    "relu_16M":         (elementwise(torch.relu, 1), 55),          # fresh output each call
    "tanh_16M":         (elementwise(torch.tanh, 1), 30),          # fresh output each call
    "sum_16M":          (elementwise(lambda a: a.sum(), 1), 600),
    "images_eval_epoch":  (image_pipeline(train=False), 5),  # 480 photo crops per iteration
    "images_train_epoch": (image_pipeline(train=True), 5),
    "resnet18_eval_b16": (zoo_eval("resnet18", 16), 10),
    # Every parameter trained, SGD lr 0.001 momentum 0.9.
    "resnet18_finetune_b16": (train_step(resnet18_with_new_head, (3, 224, 224), momentum=0.9, batch=16,
                                         classes=2, lr=0.001), 5),
    "resnet18_train_b64_32": (train_step(lambda: __import__("torchvision").models.resnet18(num_classes=8), (3, 32, 32),
                                         momentum=0.9, batch=64, classes=8, lr=0.01), 10),
    "vgg16_eval_b8": (zoo_eval("vgg16", 8), 5),
    "mobilenet_v2_eval_b16": (zoo_eval("mobilenet_v2", 16), 10),
    "densenet121_eval_b8": (zoo_eval("densenet121", 8), 5),
}


def bench(name, repeat):
    setup, default_repeat = WORKLOADS[name]
    repeat = repeat or default_repeat
    torch.manual_seed(0)
    step = setup()

    # Warm-up: at least 3 iterations and at least ~0.2 s (lets thread pools,
    # MKL/oneDNN dispatch and the allocator settle).
    t0 = time.perf_counter()
    n = 0
    while n < 3 or time.perf_counter() - t0 < 0.2:
        step()
        n += 1

    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = step()
        times.append(time.perf_counter() - t)
        del out
    med = statistics.median(times)
    log(f"{name}: repeat={repeat} warmup={n} median={med * 1e3:.4f} ms "
        f"min={min(times) * 1e3:.4f} ms total={sum(times):.2f} s")
    return med


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", type=int, required=True, help="torch.set_num_threads(N)")
    p.add_argument("--repeat", type=int, default=None,
                   help="timed repetitions per workload (default: per workload, ~1 s)")
    p.add_argument("--steps", type=int, default=None,
                   help="run this many untimed iterations and print nothing (for peak memory)")
    p.add_argument("workloads", nargs="*", help=f"any of: {', '.join(WORKLOADS)} (default: all)")
    args = p.parse_args(argv)

    unknown = [w for w in args.workloads if w not in WORKLOADS]
    if unknown:
        p.error(f"unknown workload(s): {', '.join(unknown)}; known: {', '.join(WORKLOADS)}")
    if args.threads < 1 or (args.repeat is not None and args.repeat < 1):
        p.error("--threads and --repeat must be positive")

    torch.set_num_threads(args.threads)
    log(f"torch {torch.__version__}, threads={torch.get_num_threads()}")
    for name in args.workloads or list(WORKLOADS):
        if args.steps is not None:
            torch.manual_seed(0)
            step = WORKLOADS[name][0]()
            for _ in range(args.steps):
                step()
            continue
        print(f"{name}\t{bench(name, args.repeat):.9e}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
