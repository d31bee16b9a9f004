"""Golden fixtures for the PyTorch-parity cases, computed with PyTorch.

Writes, next to this script:

* ``parity.safetensors``: the ops, layers and gradients a porting user meets at their
  edges (ReLU6 / Hardtanh / clamp at their bounds, Embedding, reductions over several
  dims, products with zeros, norms and standard deviations of zero or constant slices,
  powers at a zero base, scalar forms of scatter / where / pow), in the key convention of
  ``generate.py`` (``NAME.in0``, ``NAME.out``, ``NAME.gout``, ``NAME.grad0``, ...);
  plus ``simplecnn.input`` / ``simplecnn.logits``: a fixed batch and the logits of the
  tutorial's SimpleCNN whose state dict is the next file.
* ``simplecnn.safetensors``: ``SimpleCNN().state_dict()`` of the tutorial's class
  (3x32x32 input, seeded random weights), exactly the keys PyTorch saves.
* ``simplecnn_keys.txt``: those keys in PyTorch's order, one a line.

Run by hand from the repository root: ``venv/bin/python Tests/Fixtures/generate_parity.py``.
Deterministic: ``torch.manual_seed(0)``, cases in table order.
"""

import os
import sys

import torch
import torch.nn.functional as F

from fixture_file import write_fixture
from generate import randn, pos, randint_f, index, mask, distinct_index, run_case

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Benchmarks", "pytorch"))
from tutorial_models import SimpleCNN  # noqa: E402


def values(rows):
    """A fixed float32 tensor (exact zeros, bounds and ties where the case needs them)."""
    return lambda: torch.tensor(rows, dtype=torch.float32)


def integers(rows):
    """A fixed int64 tensor."""
    return lambda: torch.tensor(rows, dtype=torch.int64)


X3 = randn(3, 4, 5)
TIES = randint_f(3, 3, 4, 5)
BOUNDS = values([[-1.5, -1.0, -0.5, 0.0, 0.5], [1.0, 1.5, 6.0, 7.0, 0.2], [5.9, 6.1, -0.1, 3.0, -0.49]])

CASES = []


def case(name, inputs, fn, grad=True):
    CASES.append((name, inputs, fn, grad))


# -- 1. layers and ops a porting user looks for -----------------------------
case("relu6",              [X3], lambda x: F.relu6(x * 4))
case("relu6_bounds",       [BOUNDS], lambda x: F.relu6(x))
case("hardtanh",           [X3], lambda x: F.hardtanh(x))
case("hardtanh_bounds",    [BOUNDS], lambda x: F.hardtanh(x, -0.5, 1.0))
case("embedding",          [randn(10, 3), integers([[1, 2, 2], [4, 1, 9]])],
     lambda w, i: F.embedding(i, w))
case("embedding_padding",  [randn(10, 3), integers([[1, 2, 2], [4, 2, 9], [1, 1, 0]])],
     lambda w, i: F.embedding(i, w, padding_idx=2))
case("embedding_max_norm", [lambda: torch.randn(6, 4) * 2, integers([0, 3, 3, 5])],
     lambda w, i: (F.embedding(i, w, max_norm=1.0), w.detach().clone()))
case("sum_d02_keep",       [X3], lambda x: x.sum(dim=(0, 2), keepdim=True))
case("mean_d02",           [X3], lambda x: x.mean(dim=(0, 2)))
case("var_d02",            [X3], lambda x: x.var(dim=(0, 2)))
case("var_d12_keep_pop",   [X3], lambda x: x.var(dim=(1, 2), keepdim=True, correction=0))
case("var_all_unbiased_f", [X3], lambda x: x.var(unbiased=False))
case("std_d01",            [X3], lambda x: x.std(dim=(0, 1)))
case("std_d2_unbiased_f",  [X3], lambda x: x.std(dim=2, unbiased=False))
case("logsumexp_d02",      [X3], lambda x: torch.logsumexp(x, dim=(0, 2)))
case("logsumexp_d12_keep", [X3], lambda x: torch.logsumexp(x, dim=(1, 2), keepdim=True))
case("amax_d02",           [TIES], lambda x: x.amax(dim=(0, 2)))
case("amin_d1_keep",       [TIES], lambda x: x.amin(dim=1, keepdim=True))
case("amax_all",           [TIES], lambda x: x.amax())
case("norm_d02",           [X3], lambda x: torch.linalg.vector_norm(x, dim=(0, 2)))
case("norm_d02_p3_keep",   [X3], lambda x: torch.linalg.vector_norm(x, ord=3, dim=(0, 2), keepdim=True))
case("norm_d12_inf",       [TIES], lambda x: torch.linalg.vector_norm(x, ord=float("inf"), dim=(1, 2)))
case("norm_d1_p_half",     [X3], lambda x: torch.linalg.vector_norm(x, ord=0.5, dim=1))
case("norm_d1_p1_5",       [X3], lambda x: torch.linalg.vector_norm(x, ord=1.5, dim=1))
case("scatter_value",      [randn(3, 5), distinct_index(3, 5, 2)],
     lambda s, i: torch.scatter(s, 1, i, 2.5))
case("where_tensor_scalar", [mask(3, 4), randn(3, 4)], lambda c, a: torch.where(c, a, 0.0))
case("where_scalar_tensor", [mask(3, 4), randn(3, 4)], lambda c, b: torch.where(c, 1.5, b))
case("where_scalars",      [mask(3, 4)], lambda c: torch.where(c, 1.0, -1.0), grad=False)

# -- 2. gradients that stay finite where a textbook formula divides by zero -------
ZEROS = values([[0.0, 2.0, 3.0], [0.0, 0.0, 1.0], [1.0, 2.0, 3.0], [4.0, 0.0, 5.0]])
ZERO_ROW = values([[0.0, 0.0, 0.0], [1.0, -2.0, 2.0], [0.0, 3.0, 0.0]])
case("prod_zeros_d1",      [ZEROS], lambda x: x.prod(dim=1))
case("prod_zeros_d0_keep", [ZEROS], lambda x: x.prod(dim=0, keepdim=True))
case("prod_one_zero_all",  [values([[1.5, 0.0], [2.0, -3.0]])], lambda x: x.prod())
case("prod_two_zeros_all", [values([[1.5, 0.0], [0.0, -3.0]])], lambda x: x.prod())
case("norm_zero_row",      [ZERO_ROW], lambda x: torch.linalg.vector_norm(x, dim=1))
case("norm_zero_row_p3",   [ZERO_ROW], lambda x: torch.linalg.vector_norm(x, ord=3, dim=1))
case("norm_zero_row_p1",   [ZERO_ROW], lambda x: torch.linalg.vector_norm(x, ord=1, dim=1))
case("norm_zero_row_inf",  [ZERO_ROW], lambda x: torch.linalg.vector_norm(x, ord=float("inf"), dim=1))
case("norm_zero_row_half", [ZERO_ROW], lambda x: torch.linalg.vector_norm(x, ord=0.5, dim=1))
case("norm_zero_all",      [values([[0.0, 0.0], [0.0, 0.0]])], lambda x: torch.linalg.vector_norm(x))
case("std_constant_row",   [values([[1.0, 1.0, 1.0], [1.0, 2.0, 4.0]])], lambda x: x.std(dim=1))
case("sqrt_zero",          [values([0.0, 1.0, 4.0])], lambda x: x.sqrt())
case("pow_zero_half",      [values([0.0, 1.0, 4.0])], lambda x: x.pow(0.5))
case("pow_zero_2_5",       [values([0.0, 1.0, 4.0])], lambda x: x.pow(2.5))
case("pow_zero_exponent",  [values([0.0, 0.0, 2.0, 0.0]), values([0.0, 1.0, 0.5, 2.0])],
     lambda a, e: a.pow(e))
case("pow_scalar_base",    [randn(3, 4)], lambda x: torch.pow(2.0, x))
case("pow_zero_base",      [values([0.0, 1.0, 2.5, 3.0])], lambda x: torch.pow(0.0, x))

# -- 3. PyTorch 2.15's gradient at the bounds of clamp -------------------------
case("clamp_bounds",       [BOUNDS], lambda x: x.clamp(-0.5, 0.5))
case("clamp_min_bound",    [BOUNDS], lambda x: x.clamp(min=-0.5))
case("clamp_max_bound",    [BOUNDS], lambda x: x.clamp(max=0.5))
case("clamp_inf",          [values([float("inf"), float("-inf"), 0.0])], lambda x: x.clamp(min=-1.0))

# -- appended: flips (for the tensor forms of the image transforms) -------------
case("flip_d2",            [X3], lambda x: x.flip(2))
case("flip_d01",           [X3], lambda x: x.flip(0, 1))


def simplecnn_fixture(tensors):
    """The tutorial's SimpleCNN with seeded weights: its state dict, key order and logits.
    Seeded on its own, so that cases appended to CASES leave this file unchanged."""
    torch.manual_seed(2)
    model = SimpleCNN()
    model.eval()
    state = model.state_dict()
    with open(os.path.join(HERE, "simplecnn_keys.txt"), "w") as f:
        f.write("".join(f"{key}\n" for key in state))
    status = write_fixture(dict(state), os.path.join(HERE, "simplecnn.safetensors"), size_limit=5 * 1024 * 1024)
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        tensors["simplecnn.input"] = x
        tensors["simplecnn.logits"] = model(x)
    return status


def main():
    torch.manual_seed(0)
    tensors = {}
    for name, specs, fn, grad in CASES:
        run_case(name, specs, fn, grad, tensors)
    status = simplecnn_fixture(tensors)
    return status | write_fixture(tensors, os.path.join(HERE, "parity.safetensors"), metadata={
        "generator": f"Tests/Fixtures/generate_parity.py, torch {torch.__version__}",
    })


if __name__ == "__main__":
    sys.exit(main())
