"""Golden fixtures for Ember's optimizer and learning-rate scheduler tests, computed
with PyTorch.

Writes ``Tests/Fixtures/optim.safetensors`` next to this script.  The Swift tests
(Tests/EmberTests/Optim*.swift, LRScheduler*.swift) mirror every case below by name,
build the same optimizer or scheduler with Ember and compare.

Run by hand from the repository root (needs torch and safetensors):

    /work/venv/bin/python Tests/Fixtures/generate_optim.py

Output is deterministic: ``torch.manual_seed(0)`` is called once, then the
optimizer cases draw their data in table order, then the scheduler cases run
(they draw nothing).  Optimizers run PyTorch's single-tensor ("for-loop")
implementation (``foreach=False``), the reference for Ember's update rules.

Key convention, optimizer case NAME (parameters j = 0, 1, 2 of shapes
[4, 3], [5], [2, 2, 3]; steps s = 0 ... 4):

  NAME.param{j}          the parameters before the first step (float32).
  NAME.grad{s}.{j}       the gradient parameter j has at step s.  A missing key
                         means that parameter has no gradient (grad is None) at
                         that step and the optimizer must skip it: parameter 2
                         has none at step 1 in every case.
  NAME.step{s}.{j}       parameter j after ``optimizer.step()`` number s.
  NAME.state.{key}       the optimizer's state after the last step, flattened
                         the way Ember's ``Optimizer.stateDict()`` names it:
                         ``state.{i}.{name}`` (``step`` is a 0-d float32, the
                         buffers have the parameter's shape); only tensors,
                         so SGD without momentum has none.

Scheduler case NAME (an SGD optimizer over two one-element parameters in two
groups, lr 0.1 and 0.01, whose ``step()`` runs before every scheduler step):

  NAME.lrs               float32 [EPOCHS + 1, 2]: row 0 is ``get_last_lr()``
                         after construction, row e after the e-th
                         ``scheduler.step()``.
  NAME.metrics           float32 [EPOCHS], ReduceLROnPlateau cases only: the
                         metric passed to step e + 1.
"""

import os
import sys

import torch
from fixture_file import write_fixture

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_PATH = os.path.join(HERE, "optim.safetensors")

SHAPES = [(4, 3), (5,), (2, 2, 3)]
STEPS = 5
EPOCHS = 30

# ---------------------------------------------------------------------------
# Optimizer cases: (name, class, options, groups).  `groups` is None for a
# plain parameter list, else a list of (parameter indices, group options).
# ---------------------------------------------------------------------------

OPT = torch.optim
OPTIMIZER_CASES = [
    ("sgd", OPT.SGD, dict(lr=0.1), None),
    ("sgd_momentum", OPT.SGD, dict(lr=0.1, momentum=0.9), None),
    ("sgd_dampening_wd", OPT.SGD, dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01), None),
    ("sgd_nesterov_maximize", OPT.SGD,
     dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1, maximize=True), None),
    ("sgd_groups", OPT.SGD, dict(lr=0.1, momentum=0.9),
     [([0, 1], {}), ([2], dict(lr=0.01, momentum=0.5))]),
    ("adam", OPT.Adam, dict(lr=0.01), None),
    ("adam_wd_amsgrad", OPT.Adam, dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True), None),
    ("adam_maximize", OPT.Adam, dict(lr=0.02, eps=1e-6, maximize=True), None),
    ("adam_groups", OPT.Adam, dict(lr=0.01),
     [([0], {}), ([1, 2], dict(lr=0.001, weight_decay=0.1))]),
    ("adamw", OPT.AdamW, dict(lr=0.01), None),
    ("adamw_amsgrad", OPT.AdamW, dict(lr=0.01, weight_decay=0.1, amsgrad=True), None),
    ("rmsprop", OPT.RMSprop, dict(lr=0.01), None),
    ("rmsprop_momentum_wd", OPT.RMSprop, dict(lr=0.01, momentum=0.5, weight_decay=0.05), None),
    ("rmsprop_centered", OPT.RMSprop, dict(lr=0.005, alpha=0.9, centered=True, maximize=True), None),
    ("rmsprop_centered_momentum", OPT.RMSprop, dict(lr=0.01, centered=True, momentum=0.9), None),
    ("adagrad", OPT.Adagrad, dict(lr=0.1), None),
    ("adagrad_decay", OPT.Adagrad,
     dict(lr=0.1, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.1, eps=1e-8,
          maximize=True), None),
]


def run_optimizer_case(name, cls, options, groups, out):
    params = [torch.randn(shape) for shape in SHAPES]
    for j, p in enumerate(params):
        out[f"{name}.param{j}"] = p.clone()
        p.requires_grad_(True)
    if groups is None:
        optimizer = cls(params, foreach=False, **options)
    else:
        optimizer = cls([dict(params=[params[j] for j in idx], **extra) for idx, extra in groups],
                        foreach=False, **options)
    for s in range(STEPS):
        for j, p in enumerate(params):
            if s == 1 and j == 2:
                p.grad = None
                continue
            p.grad = torch.randn(p.shape)
            out[f"{name}.grad{s}.{j}"] = p.grad.clone()
        optimizer.step()
        for j, p in enumerate(params):
            out[f"{name}.step{s}.{j}"] = p.detach().clone()
    for i, state in optimizer.state_dict()["state"].items():
        for key, value in state.items():
            if isinstance(value, torch.Tensor):
                out[f"{name}.state.state.{i}.{key}"] = value.clone()


# ---------------------------------------------------------------------------
# Scheduler cases: (name, factory(optimizer) -> scheduler, metrics or None).
# ---------------------------------------------------------------------------

SCHED = torch.optim.lr_scheduler

# A validation loss that improves, plateaus (within and beyond patience),
# improves by less than the threshold, and worsens: exercises patience,
# cooldown, the relative threshold and the min_lr floor.
PLATEAU_LOSS = [1.0, 0.9, 0.8, 0.8, 0.8, 0.8, 0.79, 0.75, 0.75, 0.75,
                0.75, 0.75, 0.75, 0.7, 0.72, 0.71, 0.7, 0.7, 0.7, 0.7,
                0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]
# An accuracy for mode="max" with an absolute threshold.
PLATEAU_ACCURACY = [0.5, 0.6, 0.6, 0.6, 0.65, 0.655, 0.66, 0.7, 0.7, 0.7,
                    0.7, 0.75, 0.75, 0.75, 0.75, 0.8, 0.8, 0.8, 0.8, 0.8,
                    0.8, 0.81, 0.81, 0.81, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85]

SCHEDULER_CASES = [
    ("steplr", lambda o: SCHED.StepLR(o, step_size=7, gamma=0.1), None),
    ("multisteplr", lambda o: SCHED.MultiStepLR(o, milestones=[5, 12, 12, 20], gamma=0.5), None),
    ("exponentiallr", lambda o: SCHED.ExponentialLR(o, gamma=0.9), None),
    ("cosine", lambda o: SCHED.CosineAnnealingLR(o, T_max=10, eta_min=0.001), None),
    ("cosine_etamin0", lambda o: SCHED.CosineAnnealingLR(o, T_max=7), None),
    ("plateau_min_rel", lambda o: SCHED.ReduceLROnPlateau(
        o, mode="min", factor=0.5, patience=2, threshold=0.01, cooldown=2, min_lr=0.02),
     PLATEAU_LOSS),
    ("plateau_max_abs", lambda o: SCHED.ReduceLROnPlateau(
        o, mode="max", factor=0.3, patience=1, threshold=0.01, threshold_mode="abs", cooldown=1),
     PLATEAU_ACCURACY),
]


def run_scheduler_case(name, factory, metrics, out):
    a, b = torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([dict(params=[a]), dict(params=[b], lr=0.01)], lr=0.1)
    scheduler = factory(optimizer)
    lrs = [scheduler.get_last_lr()]
    for epoch in range(EPOCHS):
        optimizer.step()
        if metrics is None:
            scheduler.step()
        else:
            scheduler.step(float(torch.tensor(metrics[epoch], dtype=torch.float32)))
        lrs.append(scheduler.get_last_lr())
    out[f"{name}.lrs"] = torch.tensor(lrs, dtype=torch.float32)
    if metrics is not None:
        out[f"{name}.metrics"] = torch.tensor(metrics, dtype=torch.float32)


def main():
    torch.manual_seed(0)
    out = {}
    for name, cls, options, groups in OPTIMIZER_CASES:
        run_optimizer_case(name, cls, options, groups, out)
    for name, factory, metrics in SCHEDULER_CASES:
        run_scheduler_case(name, factory, metrics, out)
    return write_fixture(out, OUT_PATH, metadata={
        "generator": f"Tests/Fixtures/generate_optim.py, torch {torch.__version__}",
    })


if __name__ == "__main__":
    sys.exit(main())
