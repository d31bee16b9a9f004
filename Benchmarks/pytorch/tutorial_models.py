"""The tutorial's networks in PyTorch, shared by the benchmarks, the reference training
runs and the fixture generators, so that every PyTorch side uses one definition."""

import torch
from torch import nn


class SimpleCNN(nn.Module):
    """The tutorial's SimpleCNN (part 3) with its `add_module` names: blocks `conv1`..`conv3`
    (conv 3x3 + ReLU + max-pool 2, 32/64/128 channels) and the head `fc` (fc1..fc3).
    The tutorial's input is 3x32x32 (2048 features); 1x28x28 gives 1152."""

    def __init__(self, in_channels=3, side=32, classes=10):
        super().__init__()
        for i, (c_in, c_out) in enumerate([(in_channels, 32), (32, 64), (64, 128)]):
            block = nn.Sequential()
            block.add_module(f"conv{i + 1}", nn.Conv2d(c_in, c_out, 3, 1, padding=1))
            block.add_module(f"relu{i + 1}", nn.ReLU(True))
            block.add_module(f"pool{i + 1}", nn.MaxPool2d(2, 2))
            setattr(self, f"conv{i + 1}", block)
        s = side // 8
        self.fc = nn.Sequential()
        self.fc.add_module("fc1", nn.Linear(128 * s * s, 512))
        self.fc.add_module("fc_relu1", nn.ReLU(True))
        self.fc.add_module("fc2", nn.Linear(512, 64))
        self.fc.add_module("fc_relu2", nn.ReLU(True))
        self.fc.add_module("fc3", nn.Linear(64, classes))

    def forward(self, x):
        x = self.conv3(self.conv2(self.conv1(x)))
        return self.fc(x.view(x.size(0), -1))


class Autoencoder(nn.Module):
    """The tutorial's `autoencoder` (part 4): 784 -> 128 -> 64 -> 12 -> 3 and back, ReLU
    between the layers and Tanh last; `forward` returns (code, reconstruction)."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(28 * 28, 128), nn.ReLU(True),
            nn.Linear(128, 64), nn.ReLU(True),
            nn.Linear(64, 12), nn.ReLU(True),
            nn.Linear(12, 3))
        self.decoder = nn.Sequential(
            nn.Linear(3, 12), nn.ReLU(True),
            nn.Linear(12, 64), nn.ReLU(True),
            nn.Linear(64, 128), nn.ReLU(True),
            nn.Linear(128, 28 * 28), nn.Tanh())

    def forward(self, x):
        encode = self.encoder(x)
        decode = self.decoder(encode)
        return encode, decode


class GANGenerator(nn.Module):
    """The tutorial's MLP generator: noise 100 -> 256 -> 256 -> 784 (ReLU, ReLU, Tanh)."""

    def __init__(self, noise_dim=100):
        super().__init__()
        self.gen = nn.Sequential(
            nn.Linear(noise_dim, 256), nn.ReLU(True),
            nn.Linear(256, 256), nn.ReLU(True),
            nn.Linear(256, 784), nn.Tanh())

    def forward(self, x):
        return self.gen(x)


class GANDiscriminator(nn.Module):
    """The tutorial's MLP discriminator: 784 -> 256 -> 256 -> 1 (LeakyReLU 0.2 twice), a
    Sigmoid last unless `sigmoid=False` (the least-squares GAN's critic)."""

    def __init__(self, sigmoid=True):
        super().__init__()
        self.dis = nn.Sequential(
            nn.Linear(784, 256), nn.LeakyReLU(0.2),
            nn.Linear(256, 256), nn.LeakyReLU(0.2),
            nn.Linear(256, 1), *([nn.Sigmoid()] if sigmoid else []))

    def forward(self, x):
        return self.dis(x)


class DCGANGenerator28(nn.Module):
    """A DCGAN generator for 28x28 images: noise [N, nz, 1, 1] -> 7x7 -> 14x14 -> 28x28."""

    def __init__(self, nz=100, nc=1):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, 256, 7, 1, 0, bias=False), nn.BatchNorm2d(256), nn.ReLU(True),
            nn.ConvTranspose2d(256, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.ReLU(True),
            nn.ConvTranspose2d(128, nc, 4, 2, 1, bias=False), nn.Tanh())

    def forward(self, x):
        return self.main(x)


class DCGANDiscriminator28(nn.Module):
    """A DCGAN discriminator for 28x28 images: 28x28 -> 14x14 -> 7x7 -> [N, 1, 1, 1].
    Sigmoid last unless `sigmoid=False` (the least-squares GAN's critic)."""

    def __init__(self, nc=1, sigmoid=True):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(nc, 64, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(64, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(128, 1, 7, 1, 0, bias=False), *([nn.Sigmoid()] if sigmoid else []))

    def forward(self, x):
        return self.main(x)


class DCGANGenerator(nn.Module):
    """The DCGAN paper's 64x64 generator, as PyTorch's DCGAN example writes it."""

    def __init__(self, nz=100, ngf=64, nc=3):
        super().__init__()
        layers = [nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 8), nn.ReLU(True)]
        for k in (8, 4, 2):
            layers += [nn.ConvTranspose2d(ngf * k, ngf * k // 2, 4, 2, 1, bias=False),
                       nn.BatchNorm2d(ngf * k // 2), nn.ReLU(True)]
        layers += [nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh()]
        self.main = nn.Sequential(*layers)

    def forward(self, x):
        return self.main(x)


class DCGANDiscriminator(nn.Module):
    """The DCGAN paper's 64x64 discriminator, as PyTorch's DCGAN example writes it;
    without the final Sigmoid when `sigmoid=False` (LSGAN)."""

    def __init__(self, nc=3, ndf=64, sigmoid=True):
        super().__init__()
        layers = [nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True)]
        for k in (1, 2, 4):
            layers += [nn.Conv2d(ndf * k, ndf * k * 2, 4, 2, 1, bias=False),
                       nn.BatchNorm2d(ndf * k * 2), nn.LeakyReLU(0.2, inplace=True)]
        layers += [nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False)] + ([nn.Sigmoid()] if sigmoid else [])
        self.main = nn.Sequential(*layers)

    def forward(self, x):
        return self.main(x)


def weights_init(m):
    """The DCGAN paper's initialisation, for `model.apply`: convolution weights N(0, 0.02),
    batch-norm weights N(1, 0.02) and biases 0."""
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif classname.find("BatchNorm") != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)


def discriminator_step(generator, discriminator, opt_d, criterion, real, noise):
    """The discriminator's half of a GAN iteration: real images labelled 1, fakes from
    `noise` (made without autograd, as detached) labelled 0, one step of `opt_d`.
    Returns (loss, D(real), D(fake))."""
    n = real.size(0)
    d_real = discriminator(real).view(n, 1)
    with torch.no_grad():
        fake = generator(noise)
    d_fake = discriminator(fake).view(n, 1)
    loss = criterion(d_real, torch.ones(n, 1)) + criterion(d_fake, torch.zeros(n, 1))
    opt_d.zero_grad()
    loss.backward()
    opt_d.step()
    return loss, d_real, d_fake


def generator_step(generator, discriminator, opt_g, criterion, noise):
    """The generator's half: fakes from fresh `noise` labelled 1, one step of `opt_g`."""
    n = noise.size(0)
    loss = criterion(discriminator(generator(noise)).view(n, 1), torch.ones(n, 1))
    opt_g.zero_grad()
    loss.backward()
    opt_g.step()
    return loss


def gan_optimizers(generator, discriminator, lr=2e-4):
    """Adam with the DCGAN paper's betas (0.5, 0.999) for each net: (opt_g, opt_d)."""
    return (torch.optim.Adam(generator.parameters(), lr=lr, betas=(0.5, 0.999)),
            torch.optim.Adam(discriminator.parameters(), lr=lr, betas=(0.5, 0.999)))


def autoencoder_step(model, optimizer, x):
    """One step of the tutorial's autoencoder: MSE of the reconstruction against the input."""
    _, decode = model(x)
    loss = nn.functional.mse_loss(decode, x)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss
