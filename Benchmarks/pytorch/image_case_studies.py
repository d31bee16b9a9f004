"""PyTorch reference runs for `ember train images`: the tutorial's image case studies
(part 1 section 3.4, part 3 sections 5-8) with torchvision's ImageFolder and models and
the tutorial's train_model loop, taking the same options as the Ember command.

    python Benchmarks/pytorch/image_case_studies.py --data pair --epochs 10 --seed 0          # R1
    python Benchmarks/pytorch/image_case_studies.py --data other8 --model resnet18 \\
        --epochs 3 --save other8.pth                                                         # R2, pretraining
    python Benchmarks/pytorch/image_case_studies.py --data pair --model resnet18 \\
        --weights other8.pth --train-per-class 100 --lr 0.001 --step-size 7 --epochs 15 \\
        [--freeze backbone [--precompute-features]]                                          # R2, R3

DATA holds training/ and validation/ class folders (`ember export --layout folders`).
Prints one line per epoch (both phases' loss and accuracy, seconds) and a closing line
`final valid acc X best valid acc Y s/epoch Z`.
"""

import argparse
import copy
import os
import time

import torch
import torchvision
from torch import nn
from torch.utils.data import DataLoader, Subset, TensorDataset
from torchvision import transforms

from tutorial_models import SimpleCNN


def image_data(a):
    normalize = [transforms.ToTensor(), transforms.Normalize([0.5] * 3, [0.5] * 3)]
    plain = transforms.Compose([transforms.Resize(a.image_size), transforms.CenterCrop(a.image_size)] + normalize)
    augmented = transforms.Compose([transforms.RandomResizedCrop(a.image_size), transforms.RandomHorizontalFlip()] + normalize)
    train = torchvision.datasets.ImageFolder(os.path.join(a.data, "training"), augmented if a.augment else plain)
    valid = torchvision.datasets.ImageFolder(os.path.join(a.data, "validation"), plain)
    if a.train_per_class:
        kept, indices = {}, []
        for i, (_, label) in enumerate(train.samples):
            kept[label] = kept.get(label, 0) + 1
            if kept[label] <= a.train_per_class:
                indices.append(i)
        train = Subset(train, indices)
    return train, valid


def build(a, classes):
    if a.model == "simplecnn":
        return SimpleCNN(3, a.image_size, classes)
    return torchvision.models.get_model(a.model, num_classes=classes)


def head_name(model):
    """The last top-level child with parameters (fc, classifier), as Ember picks it."""
    return [name for name, child in model.named_children() if any(True for _ in child.parameters())][-1]


def load_backbone(model, path):
    state = torch.load(path, weights_only=True)
    own = model.state_dict()
    skipped = [k for k, v in state.items() if k in own and own[k].shape != v.shape]
    for k in skipped:
        del state[k]
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert set(missing) <= set(skipped) and not unexpected, (missing, unexpected)
    print(f"weights: {path} (left out for their shape: {', '.join(skipped)})")


def train_model(model, criterion, optimizer, scheduler, loaders, num_epochs, frozen=()):
    """The tutorial's train_model; `frozen` children stay in eval mode (Ember's choice)."""
    since = time.time()
    best_wts, best_acc, history = copy.deepcopy(model.state_dict()), -1.0, []
    for epoch in range(num_epochs):
        row, start = [], time.perf_counter()
        for phase in ["train", "val"]:
            model.train(phase == "train")
            for part in frozen:
                part.eval()
            running_loss, running_corrects, seen = 0.0, 0, 0
            for inputs, labels in loaders[phase]:
                optimizer.zero_grad()
                with torch.set_grad_enabled(phase == "train"):
                    outputs = model(inputs)
                    loss = criterion(outputs, labels)
                    if phase == "train":
                        loss.backward()
                        optimizer.step()
                running_loss += loss.item() * inputs.size(0)
                running_corrects += (outputs.argmax(1) == labels).sum().item()
                seen += inputs.size(0)
            if phase == "train" and scheduler is not None:
                scheduler.step()
            row += [running_loss / seen, running_corrects / seen]
        seconds = time.perf_counter() - start
        history.append((row[3], seconds))
        print(f"epoch {epoch + 1:3d}  train loss {row[0]:.4f} acc {row[1] * 100:.2f}%  "
              f"valid loss {row[2]:.4f} acc {row[3] * 100:.2f}%  {seconds:.2f}s", flush=True)
        if row[3] > best_acc:
            best_acc, best_wts = row[3], copy.deepcopy(model.state_dict())
    print(f"Training complete in {time.time() - since:.0f}s")
    model.load_state_dict(best_wts)
    return history


def precompute(extractor, loader):
    """The head's inputs for every sample, in the loader's order (part 3 section 8)."""
    features, labels = [], []
    captured = {}
    extractor.eval()
    with torch.no_grad():
        for inputs, targets in loader:
            features.append(extractor(inputs))
            labels.append(targets)
    return TensorDataset(torch.cat(features), torch.cat(labels))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--model", default="simplecnn")
    p.add_argument("--weights")
    p.add_argument("--freeze", default="none", choices=["none", "backbone"])
    p.add_argument("--precompute-features", action="store_true")
    p.add_argument("--image-size", type=int, default=32)
    p.add_argument("--augment", action="store_true")
    p.add_argument("--dropout", type=float)
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--step-size", type=int)
    p.add_argument("--gamma", type=float, default=0.1)
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--train-per-class", type=int)
    p.add_argument("--workers", type=int, default=0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--save", help="write the best weights' state dict here (torch.save)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    train, valid = image_data(a)
    classes = len(valid.classes)
    torch.manual_seed(a.seed)
    model = build(a, classes)
    if a.weights:
        load_backbone(model, a.weights)
    if a.dropout is not None:
        for m in model.modules():
            if isinstance(m, nn.Dropout):
                m.p = a.dropout
    head = getattr(model, head_name(model))
    frozen = [c for c in model.children() if c is not head] if a.freeze == "backbone" else []
    for part in frozen:
        part.requires_grad_(False)
    params = [q for q in model.parameters() if q.requires_grad]
    optimizer = torch.optim.SGD(params, lr=a.lr, momentum=a.momentum, weight_decay=a.weight_decay)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, a.step_size, a.gamma) if a.step_size else None
    loaders = {"train": DataLoader(train, batch_size=a.batch_size, shuffle=True, num_workers=a.workers),
               "val": DataLoader(valid, batch_size=a.batch_size, num_workers=a.workers)}
    trained = model
    if a.precompute_features:
        captured = {}
        head.register_forward_hook(lambda m, inputs, output: captured.__setitem__("x", inputs[0]))

        class HeadInput(nn.Module):
            def __init__(self, net):
                super().__init__()
                self.net = net

            def forward(self, x):
                self.net(x)
                return captured["x"]

        start = time.perf_counter()
        plain_train = DataLoader(train, batch_size=a.batch_size, num_workers=a.workers)
        features = {"train": precompute(HeadInput(model), plain_train), "val": precompute(HeadInput(model), loaders["val"])}
        print(f"features computed once in {time.perf_counter() - start:.1f}s")
        loaders = {"train": DataLoader(features["train"], batch_size=a.batch_size, shuffle=True),
                   "val": DataLoader(features["val"], batch_size=a.batch_size)}
        trained, frozen = head, []
    history = train_model(trained, nn.CrossEntropyLoss(), optimizer, scheduler, loaders, a.epochs, frozen)
    if a.save:
        torch.save(model.state_dict(), a.save)
    accuracies = [acc for acc, _ in history]
    per_epoch = sum(s for _, s in history) / len(history)
    print(f"final valid acc {accuracies[-1] * 100:.2f} best valid acc {max(accuracies) * 100:.2f} s/epoch {per_epoch:.2f}")


if __name__ == "__main__":
    main()
