"""The tutorial's networks in PyTorch, shared by the benchmarks, the reference training
runs and the fixture generators, so that every PyTorch side uses one definition."""

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
