"""Golden fixtures for Ember's op tests, computed with PyTorch.

Writes ``Tests/Fixtures/core.safetensors`` next to this script: inputs,
outputs and gradients for a fixed list of cases (the CASES table below).
The Swift tests in Tests/EmberTests mirror each case by name, evaluate the
same expression with Ember on the stored inputs and compare against the
stored outputs and gradients.

Run by hand from the repository root (needs torch, safetensors, numpy):

    venv/bin/python Tests/Fixtures/generate.py

Output is deterministic: ``torch.manual_seed(0)`` is called once at start and
the cases are generated in table order (each case draws its inputs in order,
then its upstream gradients).  Adding a case at the end leaves every earlier
case unchanged; inserting one in the middle changes the random data of all
cases after it (harmless: tests read whatever is in the file).

Key convention, for a case named NAME:

  NAME.in0, NAME.in1, ...   the inputs, in argument order of the case's
                            expression.  float32 (randn unless the table says
                            otherwise), int64 for index tensors, BOOL for
                            masks (safetensors dtype "BOOL", one byte each).
                            Saved contiguous exactly as created: any
                            transpose / slice / expand is part of the
                            expression, not of the stored input.
  NAME.out                  the output, if the expression returns a single
                            tensor;
  NAME.out0, NAME.out1, ... the outputs, if it returns a tuple/list.
                            float32 stays float32, int64 (indices) stays
                            int64, bool results are stored as uint8 (0/1).
                            Outputs are stored contiguous (row-major).

  Differentiable cases additionally have:
  NAME.gout                 upstream gradient (randn of the output's shape),
                            for single-output cases;
  NAME.gout0, NAME.gout1... for multi-output cases, one per *float* output,
                            numbered like the output it belongs to (so
                            max_d1 has gout0 for the values and no gout1 for
                            the int64 indices);
                            the loss is  sum_j (out_j * gout_j).sum()  and
                            backward() is run on it;
  NAME.grad0, NAME.grad1... the gradient of the loss w.r.t. each float input,
                            numbered like the input (gradK belongs to inK; an
                            index/mask input inK has no gradK, e.g. scatter_d1
                            has grad0 and grad2).  An input that receives no
                            gradient gets a zero tensor of its shape.

Creation cases (linspace, arange, eye) have no inputs, only NAME.out.

0-dim tensors are stored with shape [].
"""

import os
import sys

import torch
import torch.nn.functional as F
from fixture_file import write_fixture

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_PATH = os.path.join(HERE, "core.safetensors")


# ---------------------------------------------------------------------------
# Input specs: each is a zero-argument function that draws one input tensor.
# ---------------------------------------------------------------------------

def randn(*shape):
    """float32 standard normal."""
    return lambda: torch.randn(shape)


def pos(*shape):
    """float32 randn(...).abs() + 0.5 (safe for log / sqrt / div / pow)."""
    return lambda: torch.randn(shape).abs() + 0.5


def randint_f(high, *shape):
    """float32 holding integers in [0, high) (so equalities occur)."""
    return lambda: torch.randint(0, high, shape).float()


def index(high, *shape):
    """int64 indices in [0, high)."""
    return lambda: torch.randint(0, high, shape, dtype=torch.int64)


def literal(values):
    """A fixed int64 tensor."""
    return lambda: torch.tensor(values, dtype=torch.int64)


def mask(*shape):
    """bool, each element True with probability 1/2."""
    return lambda: torch.rand(shape) < 0.5


def distinct_index(rows, high, k):
    """int64 [rows, k], each row k distinct values in [0, high)."""
    return lambda: torch.stack([torch.randperm(high)[:k] for _ in range(rows)])


X3 = randn(3, 4, 5)
P3 = pos(3, 4, 5)

# ---------------------------------------------------------------------------
# The cases: (name, [input specs], expression, differentiable)
# ---------------------------------------------------------------------------

CASES = []


def case(name, inputs, fn, grad=True):
    CASES.append((name, inputs, fn, grad))


# -- unary, elementwise on x3 [3,4,5] --------------------------------------
case("neg",            [X3], lambda x: -x)
case("abs",            [X3], lambda x: x.abs())
case("exp",            [X3], lambda x: x.exp())
case("log",            [P3], lambda x: x.log())
case("sqrt",           [P3], lambda x: x.sqrt())
case("rsqrt",          [P3], lambda x: x.rsqrt())
case("sin",            [X3], lambda x: x.sin())
case("cos",            [X3], lambda x: x.cos())
case("sign",           [X3], lambda x: x.sign())            # grad is all zero
case("relu",           [X3], lambda x: x.relu())
case("leaky_relu",     [X3], lambda x: F.leaky_relu(x, 0.1))
case("sigmoid",        [X3], lambda x: x.sigmoid())
case("tanh",           [X3], lambda x: x.tanh())
case("softplus",       [X3], lambda x: F.softplus(x))                      # beta=1, threshold=20
case("softplus_b2_t1", [X3], lambda x: F.softplus(x, beta=2, threshold=1))
case("gelu",           [X3], lambda x: F.gelu(x))                          # exact (erf)
case("gelu_tanh",      [X3], lambda x: F.gelu(x, approximate="tanh"))
case("clamp",          [X3], lambda x: x.clamp(-0.5, 0.5))
case("clamp_min0",     [X3], lambda x: x.clamp(min=0))
case("square",         [X3], lambda x: x.pow(2))
case("pow3",           [X3], lambda x: x.pow(3))
case("pow_half",       [P3], lambda x: x.pow(0.5))
case("reciprocal",     [P3], lambda x: x.reciprocal())

# -- unary on non-contiguous views -----------------------------------------
case("relu_t",         [randn(4, 5)], lambda x: x.t().relu())
case("exp_t",          [randn(4, 5)], lambda x: x.t().exp())
case("sigmoid_slice",  [randn(6, 5)], lambda x: x[::2].sigmoid())

# -- binary, with broadcasting ---------------------------------------------
# For each op: OP_same [3,4]&[3,4]; OP_bcast [3,1,4]&[5,4];
# OP_scalar [] (0-dim) & [3,4]; OP_t a [4,3] used as a.t(), b [3,4].
# div uses b = pos; pow uses a = pos, b = randn.
BINARY = [
    ("add",     randn, randn, lambda a, b: a + b),
    ("sub",     randn, randn, lambda a, b: a - b),
    ("mul",     randn, randn, lambda a, b: a * b),
    ("div",     randn, pos,   lambda a, b: a / b),
    ("pow",     pos,   randn, lambda a, b: a.pow(b)),
    ("maximum", randn, randn, lambda a, b: torch.maximum(a, b)),
    ("minimum", randn, randn, lambda a, b: torch.minimum(a, b)),
]
for op, A, B, f in BINARY:
    case(f"{op}_same",   [A(3, 4),    B(3, 4)], f)
    case(f"{op}_bcast",  [A(3, 1, 4), B(5, 4)], f)
    case(f"{op}_scalar", [A(),        B(3, 4)], f)
    case(f"{op}_t",      [A(4, 3),    B(3, 4)], lambda a, b, f=f: f(a.t(), b))

# -- tensor op python scalar on [3,4] --------------------------------------
case("add_s",  [randn(3, 4)], lambda x: x + 2)
case("rsub_s", [randn(3, 4)], lambda x: 2 - x)
case("mul_s",  [randn(3, 4)], lambda x: x * 3)
case("div_s",  [randn(3, 4)], lambda x: x / 4)
case("rdiv_s", [pos(3, 4)],   lambda x: 2 / x)
case("pow_s",  [randn(3, 4)], lambda x: x ** 2)

# -- comparisons: [3,1,4] & [5,4], integer-valued floats in [0,3) ----------
# No grad; outputs stored as uint8.
for op, f in [("eq", torch.eq), ("ne", torch.ne), ("lt", torch.lt),
              ("le", torch.le), ("gt", torch.gt), ("ge", torch.ge)]:
    case(op, [randint_f(3, 3, 1, 4), randint_f(3, 5, 4)], f, grad=False)

# -- reductions on x3 [3,4,5] ----------------------------------------------
case("sum_all",         [X3], lambda x: x.sum())
case("sum_d1",          [X3], lambda x: x.sum(dim=1))
case("sum_dm1_keep",    [X3], lambda x: x.sum(dim=-1, keepdim=True))
case("sum_d02",         [X3], lambda x: x.sum(dim=(0, 2)))
case("mean_all",        [X3], lambda x: x.mean())
case("mean_d1",         [X3], lambda x: x.mean(dim=1))
case("var_d1",          [X3], lambda x: x.var(dim=1))                  # unbiased
case("var_all",         [X3], lambda x: x.var())                       # unbiased
case("var_d1_pop",      [X3], lambda x: x.var(dim=1, correction=0))
case("std_d2_keep",     [X3], lambda x: x.std(dim=2, keepdim=True))    # unbiased
case("max_all",         [X3], lambda x: x.max())
case("max_d1",          [X3], lambda x: tuple(x.max(dim=1)))   # out0 values, out1 int64 indices
case("min_d0",          [X3], lambda x: tuple(x.min(dim=0)))   # out0 values, out1 int64 indices
case("argmax_d2",       [X3], lambda x: x.argmax(dim=2), grad=False)
case("argmin_d1",       [X3], lambda x: x.argmin(dim=1), grad=False)
case("prod_d1",         [P3], lambda x: x.prod(dim=1))
case("logsumexp_d1",    [X3], lambda x: x.logsumexp(dim=1))
case("norm_all",        [X3], lambda x: torch.linalg.vector_norm(x))   # 2-norm of everything
case("norm_d1_p1",      [X3], lambda x: torch.linalg.vector_norm(x, ord=1, dim=1))
case("softmax_d1",      [X3], lambda x: x.softmax(dim=1))
case("log_softmax_dm1", [X3], lambda x: x.log_softmax(dim=-1))
case("softmax_t",       [randn(5, 4)], lambda x: x.t().softmax(dim=1))

# -- matmul ----------------------------------------------------------------
case("mm",         [randn(5, 3),       randn(3, 4)],    lambda a, b: a @ b)
case("vm",         [randn(3),          randn(3, 4)],    lambda a, b: a @ b)
case("mv",         [randn(5, 3),       randn(3)],       lambda a, b: a @ b)
case("dot",        [randn(3),          randn(3)],       lambda a, b: a @ b)   # 0-dim out
case("bmm",        [randn(2, 5, 3),    randn(2, 3, 4)], lambda a, b: a @ b)
case("bcast_mm",   [randn(2, 5, 3),    randn(3, 4)],    lambda a, b: a @ b)
case("mm_ta",      [randn(3, 5),       randn(3, 4)],    lambda a, b: a.t() @ b)
case("mm_tb",      [randn(5, 3),       randn(4, 3)],    lambda a, b: a @ b.t())
case("mm_tab",     [randn(3, 5),       randn(4, 3)],    lambda a, b: a.t() @ b.t())
case("bmm_bcast4", [randn(2, 1, 5, 3), randn(3, 3, 4)], lambda a, b: a @ b)  # -> [2,3,5,4]

# -- shape / indexing ------------------------------------------------------
case("cat_d0",          [randn(2, 3), randn(4, 3)], lambda a, b: torch.cat([a, b], dim=0))
case("cat_d1",          [randn(2, 3), randn(2, 5)], lambda a, b: torch.cat([a, b], dim=1))
case("stack_d1",        [randn(2, 3), randn(2, 3)], lambda a, b: torch.stack([a, b], dim=1))
case("split_d1",        [randn(3, 7)], lambda x: tuple(torch.split(x, 3, dim=1)))   # [3,3],[3,3],[3,1]
case("chunk_d0",        [randn(5, 2)], lambda x: tuple(torch.chunk(x, 3, dim=0)))   # [2,2],[2,2],[1,2]
case("gather_d1",       [randn(3, 4), index(4, 3, 2)],
     lambda x, i: torch.gather(x, 1, i))
case("scatter_d1",      [randn(3, 5), distinct_index(3, 5, 2), randn(3, 2)],
     lambda s, i, src: torch.scatter(s, 1, i, src))
case("index_select_d0", [randn(5, 3), literal([0, 2, 2, 4])],
     lambda x, i: torch.index_select(x, 0, i))
case("masked_fill",     [randn(3, 4), mask(3, 4)], lambda x, m: x.masked_fill(m, -1.5))
case("where",           [mask(3, 4), randn(3, 4), randn(1, 4)],
     lambda c, a, b: torch.where(c, a, b))
case("narrow",          [randn(4, 6)], lambda x: x.narrow(1, 2, 3))
case("permute",         [randn(2, 3, 4)], lambda x: x.permute(2, 0, 1) * 1)
case("expand_sum",      [randn(3, 1), randn(3, 4)], lambda a, b: a.expand(3, 4) * b)
case("slice_get",       [randn(5, 6)], lambda x: x[1:4, ::2])
case("slice_col",       [randn(5, 6)], lambda x: x[:, 1])
case("unflatten",       [randn(2, 12)], lambda x: x.unflatten(1, (3, 4)))

# -- creation (no inputs, no grad) -----------------------------------------
case("linspace", [], lambda: torch.linspace(-1, 2, 7), grad=False)
case("arange",   [], lambda: torch.arange(0, 5, 0.5), grad=False)
case("eye",      [], lambda: torch.eye(3, 4), grad=False)


# ---------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------

def _store(t):
    """Detached, contiguous, own storage (safetensors rejects shared/strided)."""
    t = t.detach()
    if t.dtype == torch.bool:
        t = t.to(torch.uint8)
    return t.contiguous().clone()


def run_case(name, specs, fn, grad, tensors):
    inputs = [spec() for spec in specs]
    for k, x in enumerate(inputs):
        tensors[f"{name}.in{k}"] = x.clone()   # stored as created (bool stays BOOL)

    leaves = []
    for x in inputs:
        if grad and x.is_floating_point():
            x = x.clone().requires_grad_(True)
        leaves.append(x)

    result = fn(*leaves)
    multi = isinstance(result, (tuple, list))
    outs = list(result) if multi else [result]
    for j, o in enumerate(outs):
        tensors[f"{name}.out{j}" if multi else f"{name}.out"] = _store(o)

    if not grad:
        return

    loss = None
    for j, o in enumerate(outs):
        if not o.is_floating_point():
            continue
        g = torch.randn(o.shape)
        tensors[f"{name}.gout{j}" if multi else f"{name}.gout"] = g
        term = (o * g).sum()
        loss = term if loss is None else loss + term
    assert loss is not None, name
    loss.backward()

    for k, x in enumerate(leaves):
        if not x.is_floating_point():
            continue
        g = x.grad if x.grad is not None else torch.zeros_like(x)
        tensors[f"{name}.grad{k}"] = _store(g)


def main():
    torch.manual_seed(0)
    names = [c[0] for c in CASES]
    dup = {n for n in names if names.count(n) > 1}
    assert not dup, f"duplicate case names: {sorted(dup)}"

    tensors = {}
    for name, specs, fn, grad in CASES:
        run_case(name, specs, fn, grad, tensors)

    for key, t in tensors.items():
        assert t.dtype in (torch.float32, torch.int64, torch.uint8, torch.bool), (key, t.dtype)

    return write_fixture(tensors, OUT_PATH, metadata={
        "generator": f"Tests/Fixtures/generate.py, torch {torch.__version__}",
    })


if __name__ == "__main__":
    sys.exit(main())
