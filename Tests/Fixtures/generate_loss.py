"""Golden fixtures for Ember's loss tests, computed with PyTorch.

Writes ``Tests/Fixtures/loss.safetensors`` next to this script: for each case
of the CASES table below, the loss's arguments, its value and the gradients
of its input (and of a float target). Tests/EmberTests/LossFixtureTests.swift
mirrors each case by name with the same Ember call.

Run by hand from the repository root (needs torch, safetensors):

    venv/bin/python Tests/Fixtures/generate_loss.py

Output is deterministic: ``torch.manual_seed(0)`` is called once at start and
the cases are generated in table order, each drawing its input, target,
extra arguments (in the order listed) and then its upstream gradient.
Appending a case leaves every earlier case unchanged.

Key convention, for a case named NAME:

  NAME.input        float32, the loss's first argument (logits,
                    log-probabilities, probabilities or predictions).
  NAME.target       int64 class indices or float32 values/probabilities.
  NAME.weight       float32, the ``weight`` argument, when the case has one.
  NAME.pos_weight   float32, the ``pos_weight`` argument, when it has one.
  NAME.out          the loss (0-dim for mean/sum, per element for none).
  NAME.gout         upstream gradient, randn of out's shape; backward()
                    runs on (out * gout).sum().
  NAME.grad_input   gradient of that with respect to NAME.input.
  NAME.grad_target  the same for a float target, when the case
                    differentiates it (``tgrad`` in the table).

Other options (reduction, ignore_index, label_smoothing, beta, delta) are
part of the case's expression, spelled out in its name.
"""

import os
import sys

import torch
import torch.nn.functional as F
from fixture_file import write_fixture

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_PATH = os.path.join(HERE, "loss.safetensors")


# ---------------------------------------------------------------------------
# Argument specs: zero-argument functions drawing one tensor.
# ---------------------------------------------------------------------------

def randn(*shape, scale=1.0):
    return lambda: torch.randn(shape) * scale


def classes(high, *shape):
    """int64 class indices in [0, high)."""
    return lambda: torch.randint(0, high, shape, dtype=torch.int64)


def literal(values):
    """A fixed int64 tensor."""
    return lambda: torch.tensor(values, dtype=torch.int64)


def probabilities(*shape, dim=1):
    """float32 rows summing to 1 along dim."""
    return lambda: torch.randn(shape).softmax(dim=dim)


def unit(*shape):
    """float32 in (0, 1): sigmoid of randn."""
    return lambda: torch.randn(shape).sigmoid()


def binary(*shape):
    """float32 0.0 / 1.0."""
    return lambda: (torch.rand(shape) < 0.5).float()


def positive(*shape):
    """float32 in [0.2, 1.2): class / element weights."""
    return lambda: torch.rand(shape) + 0.2


def fixed(values):
    """A fixed float32 tensor."""
    return lambda: torch.tensor(values, dtype=torch.float32)


# ---------------------------------------------------------------------------
# The cases: (name, input spec, target spec, {extra name: spec}, fn, tgrad)
# fn(input, target, **extras) -> loss.
# ---------------------------------------------------------------------------

CASES = []


def case(name, inp, tgt, fn, extras=None, tgrad=False):
    CASES.append((name, inp, tgt, extras or {}, fn, tgrad))


N, C = 6, 5
LOGITS = randn(N, C, scale=3.0)
LABELS = classes(C, N)
IGNORED = literal([0, -100, 3, 4, -100, 2])   # two ignored rows
W = {"weight": positive(C)}
ce = F.cross_entropy

# -- cross entropy with class indices --------------------------------------
for r in ["mean", "sum", "none"]:
    case(f"ce_{r}", LOGITS, LABELS, lambda x, t, r=r: ce(x, t, reduction=r))
    case(f"ce_weight_{r}", LOGITS, LABELS, lambda x, t, weight, r=r: ce(x, t, weight=weight, reduction=r), W)
    case(f"ce_ignore_{r}", LOGITS, IGNORED, lambda x, t, r=r: ce(x, t, reduction=r))
    case(f"ce_smooth_{r}", LOGITS, LABELS, lambda x, t, r=r: ce(x, t, reduction=r, label_smoothing=0.1))
    case(f"ce_smooth_weight_ignore_{r}", LOGITS, IGNORED,
         lambda x, t, weight, r=r: ce(x, t, weight=weight, reduction=r, label_smoothing=0.2), W)
case("ce_ignore_weight_mean", LOGITS, IGNORED, lambda x, t, weight: ce(x, t, weight=weight), W)
case("ce_ignore_index1_mean", LOGITS, literal([1, 1, 0, 4, 2, 1]), lambda x, t: ce(x, t, ignore_index=1))
case("ce_smooth_weight_mean", LOGITS, LABELS,
     lambda x, t, weight: ce(x, t, weight=weight, label_smoothing=0.3), W)
case("ce_4d_mean", randn(2, 3, 4, 3), classes(3, 2, 4, 3), lambda x, t: ce(x, t))
case("ce_4d_weight_smooth_none", randn(2, 3, 4, 3), classes(3, 2, 4, 3),
     lambda x, t, weight: ce(x, t, weight=weight, reduction="none", label_smoothing=0.1),
     {"weight": positive(3)})
case("ce_unbatched", randn(C), literal(3), lambda x, t: ce(x, t))
# 37 classes: not a multiple of the vector width, so every tail path runs.
case("ce_wide_weight_smooth_mean", randn(3, 37, scale=2.0), classes(37, 3),
     lambda x, t, weight: ce(x, t, weight=weight, label_smoothing=0.1), {"weight": positive(37)})
case("ce_extreme_mean", fixed([[1000., -1000., 0., 999.5, -3.],
                                 [-1000., -1000., -1000., -999., -1000.],
                                 [1000., 1000., -1000., 5., 0.]]),
     literal([1, 3, 0]), lambda x, t: ce(x, t))
case("ce_extreme_smooth_none", fixed([[1000., -1000., 0., 999.5, -3.],
                                        [-1000., -1000., -1000., -999., -1000.]]),
     literal([1, 3]), lambda x, t: ce(x, t, reduction="none", label_smoothing=0.1))

# -- cross entropy with class probabilities --------------------------------
for r in ["mean", "sum", "none"]:
    case(f"ce_prob_{r}", LOGITS, probabilities(N, C), lambda x, t, r=r: ce(x, t, reduction=r), tgrad=True)
case("ce_prob_weight_smooth_mean", LOGITS, probabilities(N, C),
     lambda x, t, weight: ce(x, t, weight=weight, label_smoothing=0.2), W, tgrad=True)
case("ce_prob_3d_sum", randn(2, 3, 4), probabilities(2, 3, 4), lambda x, t: ce(x, t, reduction="sum"),
     tgrad=True)

# -- negative log-likelihood on log-probabilities --------------------------
LOGP = lambda: torch.randn(N, C).log_softmax(dim=1)
for r in ["mean", "sum", "none"]:
    case(f"nll_{r}", LOGP, LABELS, lambda x, t, r=r: F.nll_loss(x, t, reduction=r))
    case(f"nll_weight_ignore_{r}", LOGP, IGNORED,
         lambda x, t, weight, r=r: F.nll_loss(x, t, weight=weight, reduction=r), W)
case("nll_3d_none", randn(2, 4, 3), classes(4, 2, 3), lambda x, t: F.nll_loss(x, t, reduction="none"))

# -- regression -------------------------------------------------------------
PRED, REAL = randn(4, 5, scale=2.0), randn(4, 5, scale=2.0)
for r in ["mean", "sum", "none"]:
    case(f"mse_{r}", PRED, REAL, lambda x, t, r=r: F.mse_loss(x, t, reduction=r), tgrad=True)
    case(f"l1_{r}", PRED, REAL, lambda x, t, r=r: F.l1_loss(x, t, reduction=r), tgrad=True)
    case(f"smooth_l1_{r}", PRED, REAL, lambda x, t, r=r: F.smooth_l1_loss(x, t, reduction=r), tgrad=True)
    case(f"huber_{r}", PRED, REAL, lambda x, t, r=r: F.huber_loss(x, t, reduction=r), tgrad=True)
case("smooth_l1_beta05_mean", PRED, REAL, lambda x, t: F.smooth_l1_loss(x, t, beta=0.5), tgrad=True)
case("smooth_l1_beta0_sum", PRED, REAL, lambda x, t: F.smooth_l1_loss(x, t, reduction="sum", beta=0.0),
     tgrad=True)
case("huber_delta2_mean", PRED, REAL, lambda x, t: F.huber_loss(x, t, delta=2.0), tgrad=True)

# -- binary cross entropy ---------------------------------------------------
bce, bcel = F.binary_cross_entropy, F.binary_cross_entropy_with_logits
for r in ["mean", "sum", "none"]:
    case(f"bce_{r}", unit(4, 5), binary(4, 5), lambda x, t, r=r: bce(x, t, reduction=r), tgrad=True)
    case(f"bcel_{r}", randn(4, 5, scale=3.0), binary(4, 5), lambda x, t, r=r: bcel(x, t, reduction=r),
         tgrad=True)
    case(f"bcel_pos_weight_{r}", randn(4, 5, scale=3.0), unit(4, 5),
         lambda x, t, pos_weight, r=r: bcel(x, t, pos_weight=pos_weight, reduction=r),
         {"pos_weight": positive(5)}, tgrad=True)
case("bce_weight_mean", unit(4, 5), unit(4, 5), lambda x, t, weight: bce(x, t, weight=weight),
     {"weight": positive(5)}, tgrad=True)
# Probabilities of exactly 0 and 1: logs clamped at -100, gradients finite.
case("bce_edges_none", fixed([0., 1., 0., 1., 0.5]), fixed([0., 1., 1., 0., 1.]),
     lambda x, t: bce(x, t, reduction="none"))
case("bcel_weight_pos_weight_mean", randn(4, 5, scale=3.0), binary(4, 5),
     lambda x, t, weight, pos_weight: bcel(x, t, weight=weight, pos_weight=pos_weight),
     {"weight": positive(4, 1), "pos_weight": positive(5)}, tgrad=True)
case("bcel_extreme_none", fixed([1000., -1000., 1000., -1000., 60., -60., 0.]),
     fixed([1., 0., 0., 1., 0., 1., 1.]), lambda x, t: bcel(x, t, reduction="none"), tgrad=True)


def main():
    torch.manual_seed(0)
    out = {}
    for name, inp, tgt, extras, fn, tgrad in CASES:
        x = inp().float().contiguous().requires_grad_(True)
        t = tgt().contiguous()
        if tgrad:
            t.requires_grad_(True)
        args = {k: spec().contiguous() for k, spec in extras.items()}
        loss = fn(x, t, **args)
        gout = torch.randn(loss.shape)
        (loss * gout).sum().backward()
        out[f"{name}.input"] = x.detach()
        out[f"{name}.target"] = t.detach()
        for k, v in args.items():
            out[f"{name}.{k}"] = v
        out[f"{name}.out"] = loss.detach().contiguous()
        out[f"{name}.gout"] = gout
        out[f"{name}.grad_input"] = x.grad
        if tgrad:
            out[f"{name}.grad_target"] = t.grad
    return write_fixture(out, OUT_PATH)


if __name__ == "__main__":
    sys.exit(main())
