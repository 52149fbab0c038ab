"""Exercises of chapter 7, Vanishing gradients: the 0.25^n bound, Xavier and He scales,
per-layer gradient norms of a small sigmoid network, and gradient clipping by the total norm.
Inputs and answers are plain NumPy arrays, numbers, lists and dicts."""
# Over the house style's ~300 lines on purpose: each exercise of the chapter is defined whole
# in this file (statement, stub, points, cases, judge, hints, reference solution and typical
# wrong answers), so a teacher changes an exercise in one place; tools/exercise.py writes the
# notebook's cells from it and proves it.
from __future__ import annotations

import math

import numpy as np

from dlcourse.grading.ch05 import judge_whole_number
from dlcourse.grading.spec import Case, Exercise, Hint

__all__ = ["EXERCISES", "min_depth_below", "init_scales", "layer_grad_norms", "clip_grad_norm",
           "tanh_net_step"]


# --- reference answers --------------------------------------------------------------------------
def min_depth_below(threshold):
    """The smallest whole number of layers n >= 0 with 0.25**n < threshold (strictly below)."""
    n = 0
    while 0.25**n >= threshold:
        n += 1
    return n


def init_scales(fan_in, fan_out):
    """Xavier (Glorot) normal std and uniform bound, and He (Kaiming, fan_in) normal std."""
    return {
        "xavier_std": math.sqrt(2.0 / (fan_in + fan_out)),
        "xavier_bound": math.sqrt(6.0 / (fan_in + fan_out)),
        "he_std": math.sqrt(2.0 / fan_in),
    }


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + exp(-z)), without overflow


def layer_grad_norms(x, y, weights, biases):
    """Frobenius norms of dL/dW for each layer of an all-sigmoid MLP with L = mean((h - y)**2)."""
    hs = [np.asarray(x, dtype=float)]
    for W, b in zip(weights, biases):
        hs.append(_sigmoid(hs[-1] @ W.T + b))
    delta = 2.0 * (hs[-1] - y) / np.size(y)  # dL/dh of the output
    norms = []
    for i in range(len(weights) - 1, -1, -1):
        dz = delta * hs[i + 1] * (1.0 - hs[i + 1])  # through the sigmoid
        norms.append(float(np.linalg.norm(dz.T @ hs[i])))  # dL/dW_i = dz^T h_{i-1}
        delta = dz @ weights[i]
    return norms[::-1]


def clip_grad_norm(grads, max_norm):
    """Scale all gradients together so their total L2 norm is at most max_norm (like torch)."""
    total = math.sqrt(sum(float(np.sum(np.asarray(g, dtype=float) ** 2)) for g in grads))
    coef = min(1.0, max_norm / (total + 1e-6))
    return [np.asarray(g, dtype=float) * coef for g in grads], total


def tanh_net_step(W1, b1, W2, b2, X, y, lr, *, _mistake=None):
    """One full-batch gradient-descent step on L = mean((y_hat - y)**2) of the net
    y_hat = tanh(X @ W1.T + b1) @ W2.T + b2; returns the four new arrays [W1, b1, W2, b2].

    ``_mistake`` reproduces a typical wrong answer, for the hints only."""
    W1, b1, W2, b2, X, y = (np.asarray(a, dtype=float) for a in (W1, b1, W2, b2, X, y))
    h = np.tanh(X @ W1.T + b1)  # (N, H)
    y_hat = h @ W2.T + b2  # (N, out)
    d = 2.0 * (y_hat - y) / y.size  # dL/dy_hat
    if _mistake == "sum":
        d = d * y.size
    dW2, db2 = d.T @ h, d.sum(axis=0)
    W2_used = W2 - lr * dW2 if _mistake == "new_W2" else W2
    dz1 = d @ W2_used
    if _mistake != "no_tanh_grad":
        dz1 = dz1 * (1.0 - h**2)
    dW1, db1 = dz1.T @ X, dz1.sum(axis=0)
    return [W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2]


# --- cases --------------------------------------------------------------------------------------
def _depth_cases():
    return [
        Case((1e-3,), label="threshold 1e-3"),
        Case((1e-6,), label="threshold 1e-6 (a millionth)"),
        Case((0.25,), label="threshold 0.25 exactly (strictly below!)"),
        Case((1 / 1024,), label="threshold 0.25**5 exactly"),
        Case((0.5,), label="threshold 0.5"),
        Case((1.0,), label="threshold 1 (zero layers give exactly 1, not below)"),
    ]


def _init_cases():
    return [
        Case((100, 100), label="fan_in = fan_out = 100"),
        Case((784, 256), label="fan_in 784, fan_out 256"),
        Case((3, 1), label="fan_in 3, fan_out 1"),
        Case((64, 512), label="fan_in 64, fan_out 512"),
    ]


def _mlp(rng, sizes, n, scale=1.0):
    x = rng.normal(size=(n, sizes[0]))
    y = rng.uniform(size=(n, sizes[-1]))
    ws = [rng.normal(0, scale / math.sqrt(a), size=(b, a)) for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [rng.normal(0, 0.1, size=b) for b in sizes[1:]]
    return x, y, ws, bs


def _norm_cases():
    rng = np.random.default_rng(70)
    return [
        Case((np.array([[1.0, -1.0]]), np.array([[1.0]]), [np.array([[0.5, -0.5]])], [np.array([0.0])]),
             label="one layer, one sample"),
        Case(_mlp(rng, [3, 4, 2], 5), label="two layers (3 -> 4 -> 2), 5 samples"),
        Case(_mlp(rng, [4, 4, 4, 4, 4, 1], 8), label="five layers of width 4, 8 samples"),
        Case(_mlp(rng, [2, 6, 6, 6, 3], 1, scale=2.0), label="four layers, larger weights, 1 sample"),
    ]


def _clip_cases():
    rng = np.random.default_rng(71)
    return [
        Case(([np.array([3.0, 4.0])], 1.0), label="one gradient of norm 5, max_norm 1"),
        Case(([np.array([3.0]), np.array([[4.0, 0.0]])], 10.0), label="total norm 5 <= max_norm 10: unchanged"),
        Case(([rng.normal(size=(4, 3)) * 10, rng.normal(size=4) * 10], 2.0), label="a weight and a bias, large"),
        Case(([np.array([0.1, 0.0]), np.array([100.0])], 1.0), label="one small, one huge gradient"),
        # Scaling the given arrays in place (g *= factor) fails on integer arrays: this case is
        # how the rule "do not change the inputs" is checked.
        Case(([np.array([3, 4]), np.array([[0, 12]])], 1.0),
             label="integer gradients (scale copies, never the input arrays)"),
    ]


def _step_cases():
    rng = np.random.default_rng(72)
    X = rng.uniform(-2, 2, size=(6, 2))
    y = (np.sin(2 * X[:, 0]) * X[:, 1])[:, None]
    H = 4
    rand = [rng.normal(0, 1, (H, 2)), rng.normal(0, 0.1, H), rng.normal(0, 0.5, (1, H)), np.zeros(1)]
    X3, y3 = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    return [
        Case((np.full((H, 2), 0.5), np.full(H, 0.5), np.full((1, H), 0.5), np.zeros(1), X, y, 0.1),
             label="all weights 0.5: the 4 rows of the new W1 stay equal"),
        Case((*rand, X, y, 0.1), label="random weights, 2 -> 4 -> 1"),
        Case((rng.normal(0, 1, (3, 3)), np.zeros(3), rng.normal(0, 1, (2, 3)), np.zeros(2), X3, y3, 0.05),
             label="3 -> 3 -> 2, two outputs (mean over all N * out entries)"),
    ]


# --- hints (each guarded: a hint must never raise) ----------------------------------------------
def _safe(pred):
    def when(got, exp, case):
        try:
            return bool(pred(got, exp, case))
        except Exception:
            return False
    return when


def _close(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-6, atol=1e-9)


def _step_mistake(kind):
    def when(got, exp, case):
        want = tanh_net_step(*case.args, _mistake=kind)
        return (len(got) == 4 and not all(_close(g, e) for g, e in zip(got, exp))
                and all(_close(g, w) for g, w in zip(got, want)))
    return when


def _wrong_as(got, exp, key, mistake):
    """got[key] is wrong, and equals what the mistake gives."""
    return not _close(got[key], exp[key]) and _close(got[key], mistake)


def _ceil_log(got, exp, case):
    return got == exp - 1 and 0.25**got == case.args[0]


def _no_sigmoid_grad(got, exp, case):  # forgot the sigmoid's derivative on the way back
    x, y, ws, bs = case.args
    hs = [x]
    for W, b in zip(ws, bs):
        hs.append(_sigmoid(hs[-1] @ W.T + b))
    delta, out = 2.0 * (hs[-1] - y) / np.size(y), []
    for i in range(len(ws) - 1, -1, -1):
        out.append(np.linalg.norm(delta.T @ hs[i]))
        delta = delta @ ws[i]
    return _close(got, out[::-1])


def _reversed(got, exp, case):
    return len(exp) > 1 and _close(list(got)[::-1], exp)


def _scaled(got, exp, case):
    g, e = np.asarray(got, dtype=float), np.asarray(exp, dtype=float)
    return g.shape == e.shape and not _close(g, e) and np.allclose(g / e, (g / e).flat[0], rtol=1e-6)


def _per_tensor(got, exp, case):
    grads, m = case.args
    return len(got[0]) == len(grads) and all(
        _close(c, g * min(1.0, m / (np.linalg.norm(g) + 1e-6))) for c, g in zip(got[0], grads))


def _always_scaled(got, exp, case):
    grads, m = case.args
    return _close(got[0][0], grads[0] * m / (exp[1] + 1e-6)) and exp[1] < m


EXERCISES = [
    Exercise(
        id="07.min_depth_below", title="How deep until the sigmoid bound falls below a threshold?",
        name="min_depth_below", points=2, cases=_depth_cases, reference=min_depth_below,
        judge=judge_whole_number,
        hints=[
            Hint(_safe(_ceil_log), "At an exact power of 0.25 the bound EQUALS the threshold, which is "
                 "not below it: you need one more layer. Rounding a logarithm up misses this; a loop "
                 "that multiplies by 0.25 until the product is < threshold does not."),
            Hint(_safe(lambda got, exp, case: not isinstance(got, int) or isinstance(got, bool)),
                 "Return a whole number of layers (a Python int, e.g. int(n))."),
        ],
        hint="Each sigmoid layer multiplies the gradient by at most 0.25; find the smallest n "
             "with 0.25**n < threshold (n = 0 gives 1).",
        heading='How deep until the signal has faded?',
        statement=r"""
The sigmoid's derivative is at most $0.25$, so after $n$ sigmoid layers the backward signal is
multiplied by at most $0.25^n$. Write `min_depth_below(threshold)` that returns the **smallest
whole number** $n \ge 0$ with $0.25^n < \text{threshold}$ (strictly below) for a threshold in
$(0, 1]$.

Example: `min_depth_below(1e-3)` is `5`, because $0.25^4 \approx 0.0039$ is not below $10^{-3}$
but $0.25^5 \approx 0.00098$ is. Careful with exact powers: `min_depth_below(0.25)` is `2`.
""",
        stub='''
def min_depth_below(threshold):
    """Smallest n >= 0 (an int) with 0.25**n < threshold."""
    # YOUR CODE HERE
    raise NotImplementedError("write min_depth_below")
''',
    ),
    Exercise(
        id="07.init_scales", title="Xavier and He initialisation scales", name="init_scales", points=2,
        cases=_init_cases, reference=init_scales,
        hints=[
            # Each hint speaks about one key, and only when that key is wrong (with fan_in ==
            # fan_out, a right he_std also equals sqrt(2 / fan_out)).
            Hint(_safe(lambda got, exp, case: _wrong_as(got, exp, "he_std",
                                                        math.sqrt(2 / case.args[1]))),
                 "He initialisation (torch's default mode='fan_in') divides by fan_in, not fan_out."),
            Hint(_safe(lambda got, exp, case: _wrong_as(got, exp, "xavier_bound", exp["xavier_std"])),
                 "The uniform bound is not the standard deviation: U(-a, a) has std a / sqrt(3), "
                 "so a = sqrt(3) * std = sqrt(6 / (fan_in + fan_out))."),
            Hint(_safe(lambda got, exp, case: _wrong_as(got, exp, "xavier_std",
                                                        math.sqrt(1 / case.args[0]))),
                 "Glorot and Bengio average fan_in and fan_out: std = sqrt(2 / (fan_in + fan_out))."),
        ],
        hint='Return a dict with keys "xavier_std", "xavier_bound" and "he_std" (Python floats).',
        heading='Xavier and He scales',
        statement=r"""
For a layer with `fan_in` inputs and `fan_out` outputs, write `init_scales(fan_in, fan_out)`
returning a dict of three floats:

- `"xavier_std"`: Xavier (Glorot) normal, $\sigma = \sqrt{2 / (\text{fan\_in} + \text{fan\_out})}$;
- `"xavier_bound"`: the bound $a$ of Xavier uniform $U(-a, a)$ that has that same standard
  deviation (a uniform $U(-a, a)$ has standard deviation $a / \sqrt{3}$);
- `"he_std"`: He (Kaiming) normal for ReLU, $\sigma = \sqrt{2 / \text{fan\_in}}$.

Example: `init_scales(100, 100)` gives `{"xavier_std": 0.1, "xavier_bound": 0.1732..., "he_std": 0.1414...}`.
""",
        stub='''
def init_scales(fan_in, fan_out):
    """Return {"xavier_std": ..., "xavier_bound": ..., "he_std": ...}."""
    # YOUR CODE HERE
    raise NotImplementedError("write init_scales")
''',
    ),
    Exercise(
        id="07.layer_grad_norms", title="Per-layer gradient norms of a sigmoid network",
        name="layer_grad_norms", points=3, cases=_norm_cases, reference=layer_grad_norms,
        hints=[
            Hint(_safe(_no_sigmoid_grad), "Your norms match a network without the sigmoid's derivative: "
                 "multiply by h * (1 - h) at every layer on the way back."),
            Hint(_safe(_reversed), "Right numbers in the wrong order: list the first layer first."),
            Hint(_safe(_scaled), "Every norm is off by the same factor: the loss is the MEAN of the "
                 "squared errors over all N * out entries, so dL/dh = 2 (h - y) / y.size."),
        ],
        hint="Forward: h = sigmoid(h @ W.T + b) for every layer. Backward from dL/dh = 2 (h - y) / y.size: "
             "dz = dL/dh * h * (1 - h); dL/dW = dz.T @ h_prev; dL/dh_prev = dz @ W. Return a list of "
             "np.linalg.norm(dL/dW), first layer first.",
        statement=r"""
A network has $n$ layers, **every one** followed by a sigmoid (the output too). In batch form
(one example per row): $h^{(0)} = x$, $h^{(l)} = \sigma\big(h^{(l-1)} W^{(l)\top} + b^{(l)}\big)$,
with `weights[l]` of shape (out, in) as in torch. The loss is the mean squared error over all
entries, $L = \operatorname{mean}\big((h^{(n)} - y)^2\big)$.

Write `layer_grad_norms(x, y, weights, biases)` that returns a **list** of $n$ floats: the
Frobenius norm $\lVert \partial L / \partial W^{(l)} \rVert$ of each layer, **first layer first**.
Shapes: `x` is (N, d_0), `y` is (N, d_L), `weights[l]` is (d_{l+1}, d_l), `biases[l]` is (d_{l+1},).

Example: one layer, `x = [[1, -1]]`, `y = [[1]]`, `W = [[0.5, -0.5]]`, `b = [0]` gives
about `[0.1496]`.
""",
        stub='''
def layer_grad_norms(x, y, weights, biases):
    """List of ||dL/dW_l|| for l = 1..L, first layer first."""
    # YOUR CODE HERE
    raise NotImplementedError("write layer_grad_norms")
''',
    ),
    Exercise(
        id="07.clip_grad_norm", title="Gradient clipping by the total norm", name="clip_grad_norm",
        points=2, cases=_clip_cases, reference=clip_grad_norm,
        hints=[
            Hint(_safe(_per_tensor), "Clip all gradients TOGETHER: one total norm over every array, "
                 "one common factor (torch.nn.utils.clip_grad_norm_ does this)."),
            Hint(_safe(_always_scaled), "When the total norm is already at most max_norm, leave the "
                 "gradients unchanged (the factor is min(1, max_norm / (total + 1e-6)))."),
            Hint(_safe(lambda got, exp, case: not isinstance(got, (tuple, list)) or len(got) != 2),
                 "Return a pair: (list of clipped arrays, total norm before clipping)."),
        ],
        hint="total = sqrt(sum of g**2 over every array); factor = min(1, max_norm / (total + 1e-6)); "
             "return ([g * factor for g in grads], total).",
        forbidden=("torch.nn.utils.clip_grad_norm_",),
        heading='Gradient clipping',
        statement=r"""
Write `clip_grad_norm(grads, max_norm)` that works like `torch.nn.utils.clip_grad_norm_`:
compute the **total** norm of all gradients together,
$\lVert g \rVert = \sqrt{\sum_{\text{arrays}} \sum g^2}$, and multiply every array by
$\min\big(1, \text{max\_norm} / (\lVert g \rVert + 10^{-6})\big)$. Return a pair
`(list_of_clipped_arrays, total_norm_before_clipping)`; do not change the inputs: return
scaled copies (one check passes integer arrays, which cannot be scaled in place).

Example: `clip_grad_norm([np.array([3.0, 4.0])], 1.0)` returns `([array([0.6, 0.8])], 5.0)`
(up to the tiny $10^{-6}$).
""",
        stub='''
def clip_grad_norm(grads, max_norm):
    """Return ([g * factor for g in grads], total_norm)."""
    # YOUR CODE HERE
    raise NotImplementedError("write clip_grad_norm")
''',
    ),
    Exercise(
        id="07.tanh_net_step", title="One gradient step, and why the start must be random",
        name="tanh_net_step", points=3, cases=_step_cases, reference=tanh_net_step,
        hints=[
            Hint(_safe(_step_mistake("no_tanh_grad")),
                 "Your step matches a hidden layer without tanh's derivative: on the way back "
                 "multiply by 1 - h**2, where h = tanh(X @ W1.T + b1)."),
            Hint(_safe(_step_mistake("new_W2")),
                 "The hidden layer's gradient used the already-updated W2: compute every gradient "
                 "with the old weights first, then update all four arrays."),
            Hint(_safe(_step_mistake("sum")),
                 "Every step is too big by the number of entries of y: the loss is the MEAN of the "
                 "squared errors, so dL/dy_hat = 2 (y_hat - y) / y.size."),
        ],
        hint="h = tanh(X @ W1.T + b1); y_hat = h @ W2.T + b2; d = 2 (y_hat - y) / y.size; "
             "dW2 = d.T @ h, db2 = d.sum(0); dz = (d @ W2) * (1 - h**2); dW1 = dz.T @ X, "
             "db1 = dz.sum(0); return [W1 - lr dW1, b1 - lr db1, W2 - lr dW2, b2 - lr db2].",
        statement=r"""
A network with one hidden layer of tanh units computes, for a batch `X` of shape `(N, in)`,
$h = \tanh(X W_1^\top + b_1)$ and $\hat y = h W_2^\top + b_2$, with `W1` of shape
`(H, in)`, `b1` `(H,)`, `W2` `(out, H)`, `b2` `(out,)`. The loss is the mean squared error
over all entries of `y` (shape `(N, out)`), $L = \operatorname{mean}\big((\hat y - y)^2\big)$.

Write `tanh_net_step(W1, b1, W2, b2, X, y, lr)` that takes **one** full-batch
gradient-descent step and returns the list `[W1_new, b1_new, W2_new, b2_new]`. Compute all
four gradients with the old weights first, then update:

$$
\begin{aligned}
d &= \frac{\partial L}{\partial \hat y} = \frac{2\,(\hat y - y)}{N \cdot \text{out}}, &
\delta &= \frac{\partial L}{\partial z_1} = (d\, W_2) \odot (1 - h^2),\\
\frac{\partial L}{\partial W_2} &= d^\top h, &
\frac{\partial L}{\partial b_2} &= \textstyle\sum_n d_{n,:},\\
\frac{\partial L}{\partial W_1} &= \delta^\top X, &
\frac{\partial L}{\partial b_1} &= \textstyle\sum_n \delta_{n,:}.
\end{aligned}
$$

Here $z_1 = X W_1^\top + b_1$ is the hidden layer's pre-activation and $\odot$ the
element-wise product.

One check starts from every weight and hidden bias equal to 0.5: print the new `W1` for it
yourself and see that its rows, one per hidden unit, are still all equal. That is the
symmetry the chapter's random initialisation breaks.
""",
        stub='''
def tanh_net_step(W1, b1, W2, b2, X, y, lr):
    """One gradient-descent step; returns [new W1, new b1, new W2, new b2]."""
    # YOUR CODE HERE
    raise NotImplementedError("compute all four gradients, then step")
''',
    ),
]


# ------------------------------------------------------------ the proof
# The reference solution of each exercise and its typical wrong answers, as the source a
# learner would paste into the answer cell (see CONTRIBUTING.md, tools/exercise.py prove).
SOLUTIONS = {
    "07.min_depth_below": '''
def min_depth_below(threshold):
    n, bound = 0, 1.0
    while bound >= threshold:
        n += 1
        bound *= 0.25
    return n
''',
    "07.init_scales": '''
def init_scales(fan_in, fan_out):
    xavier_std = (2.0 / (fan_in + fan_out)) ** 0.5
    return {
        "xavier_std": xavier_std,
        "xavier_bound": 3 ** 0.5 * xavier_std,
        "he_std": (2.0 / fan_in) ** 0.5,
    }
''',
    "07.layer_grad_norms": '''
def layer_grad_norms(x, y, weights, biases):
    hs = [x]
    for W, b in zip(weights, biases):
        hs.append(1 / (1 + np.exp(-(hs[-1] @ W.T + b))))
    dh = 2 * (hs[-1] - y) / y.size
    norms = []
    for i in reversed(range(len(weights))):
        dz = dh * hs[i + 1] * (1 - hs[i + 1])
        norms.append(np.linalg.norm(dz.T @ hs[i]))
        dh = dz @ weights[i]
    return norms[::-1]
''',
    "07.clip_grad_norm": '''
def clip_grad_norm(grads, max_norm):
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    factor = min(1.0, max_norm / (total + 1e-6))
    return [g * factor for g in grads], float(total)
''',
    "07.tanh_net_step": '''
def tanh_net_step(W1, b1, W2, b2, X, y, lr):
    h = np.tanh(X @ W1.T + b1)              # (N, H)
    y_hat = h @ W2.T + b2                   # (N, out)
    d = 2 * (y_hat - y) / y.size            # dL/dy_hat
    dW2, db2 = d.T @ h, d.sum(axis=0)
    dz = (d @ W2) * (1 - h ** 2)            # delta of the hidden layer
    dW1, db1 = dz.T @ X, dz.sum(axis=0)
    return [W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2]
''',
}

WRONG = {
    # (source, "part of the hint it must trigger") for the wrong answers a specific hint
    # recognises; plain source strings for those that must get expected-against-received only.
    "07.min_depth_below": [
        # rounds a logarithm up: wrong at exact powers of 0.25 (the bound equals the threshold)
        ("import math\ndef min_depth_below(threshold):\n"
         "    return math.ceil(math.log(threshold) / math.log(0.25))\n",
         "the bound EQUALS the threshold"),
        # uses 0.5 as the largest slope (that is tanh's half, not sigmoid's)
        "def min_depth_below(threshold):\n    n = 0\n    while 0.5 ** n >= threshold:\n        n += 1\n    return n\n",
        # <= instead of <: stops when the bound equals the threshold
        ("def min_depth_below(threshold):\n    n = 0\n    while 0.25 ** n > threshold:\n"
         "        n += 1\n    return n\n",
         "the bound EQUALS the threshold"),
        # the right count, as a float
        ("def min_depth_below(threshold):\n    n = 0\n    while 0.25 ** n >= threshold:\n"
         "        n += 1\n    return float(n)\n",
         "Return a whole number of layers"),
    ],
    "07.init_scales": [
        # He with fan_out
        ("def init_scales(fan_in, fan_out):\n    return {'xavier_std': (2 / (fan_in + fan_out)) ** 0.5,\n"
         "            'xavier_bound': (6 / (fan_in + fan_out)) ** 0.5, 'he_std': (2 / fan_out) ** 0.5}\n",
         "divides by fan_in, not fan_out"),
        # the uniform bound taken equal to the standard deviation
        ("def init_scales(fan_in, fan_out):\n    s = (2 / (fan_in + fan_out)) ** 0.5\n"
         "    return {'xavier_std': s, 'xavier_bound': s, 'he_std': (2 / fan_in) ** 0.5}\n",
         "The uniform bound is not the standard deviation"),
        # LeCun's 1 / fan_in in place of Xavier's average
        ("def init_scales(fan_in, fan_out):\n    return {'xavier_std': (1 / fan_in) ** 0.5,\n"
         "            'xavier_bound': (3 / fan_in) ** 0.5, 'he_std': (2 / fan_in) ** 0.5}\n",
         "average fan_in and fan_out"),
        # a wrong Xavier value (the 2 forgotten) with a right He value: no He hint (issue 11)
        "def init_scales(fan_in, fan_out):\n    return {'xavier_std': (1 / (fan_in + fan_out)) ** 0.5,\n"
        "            'xavier_bound': (3 / (fan_in + fan_out)) ** 0.5, 'he_std': (2 / fan_in) ** 0.5}\n",
    ],
    "07.layer_grad_norms": [
        # forgets the sigmoid derivative on the way back
        ("def layer_grad_norms(x, y, weights, biases):\n    hs = [x]\n    for W, b in zip(weights, biases):\n"
         "        hs.append(1 / (1 + np.exp(-(hs[-1] @ W.T + b))))\n    dh = 2 * (hs[-1] - y) / y.size\n"
         "    norms = []\n    for i in reversed(range(len(weights))):\n"
         "        norms.append(np.linalg.norm(dh.T @ hs[i]))\n"
         "        dh = dh @ weights[i]\n    return norms[::-1]\n",
         "without the sigmoid's derivative"),
        # sums the squared errors instead of averaging them
        ("def layer_grad_norms(x, y, weights, biases):\n    hs = [x]\n    for W, b in zip(weights, biases):\n"
         "        hs.append(1 / (1 + np.exp(-(hs[-1] @ W.T + b))))\n    dh = 2 * (hs[-1] - y)\n"
         "    norms = []\n    for i in reversed(range(len(weights))):\n"
         "        dz = dh * hs[i + 1] * (1 - hs[i + 1])\n"
         "        norms.append(np.linalg.norm(dz.T @ hs[i]))\n        dh = dz @ weights[i]\n"
         "    return norms[::-1]\n",
         "off by the same factor"),
        # last layer first
        ("def layer_grad_norms(x, y, weights, biases):\n    hs = [x]\n    for W, b in zip(weights, biases):\n"
         "        hs.append(1 / (1 + np.exp(-(hs[-1] @ W.T + b))))\n    dh = 2 * (hs[-1] - y) / y.size\n"
         "    norms = []\n    for i in reversed(range(len(weights))):\n"
         "        dz = dh * hs[i + 1] * (1 - hs[i + 1])\n"
         "        norms.append(np.linalg.norm(dz.T @ hs[i]))\n        dh = dz @ weights[i]\n    return norms\n",
         "Right numbers in the wrong order"),
    ],
    "07.clip_grad_norm": [
        # clips each array on its own
        ("def clip_grad_norm(grads, max_norm):\n    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))\n"
         "    out = [g * min(1.0, max_norm / (np.linalg.norm(g) + 1e-6)) for g in grads]\n"
         "    return out, float(total)\n",
         "Clip all gradients TOGETHER"),
        # always rescales to max_norm, even small gradients
        ("def clip_grad_norm(grads, max_norm):\n    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))\n"
         "    return [g * max_norm / (total + 1e-6) for g in grads], float(total)\n",
         "leave the gradients unchanged"),
        # clips values element by element (on one small and one huge one-entry gradient, this
        # gives what clipping each array on its own gives, and gets that hint there)
        ("def clip_grad_norm(grads, max_norm):\n    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))\n"
         "    return [np.clip(g, -max_norm, max_norm) for g in grads], float(total)\n",
         "Clip all gradients TOGETHER"),
        # returns the clipped arrays only, without the total norm
        ("def clip_grad_norm(grads, max_norm):\n    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))\n"
         "    return [g * min(1.0, max_norm / (total + 1e-6)) for g in grads]\n",
         "Return a pair"),
        # breaks the rule "do not change the inputs": scales the given arrays in place
        "def clip_grad_norm(grads, max_norm):\n    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))\n"
        "    for g in grads:\n        g *= min(1.0, max_norm / (total + 1e-6))\n    return grads, float(total)\n",
    ],
    "07.tanh_net_step": [
        # forgets tanh's derivative on the way back
        ("def tanh_net_step(W1, b1, W2, b2, X, y, lr):\n    h = np.tanh(X @ W1.T + b1)\n"
         "    d = 2 * (h @ W2.T + b2 - y) / y.size\n    dz = d @ W2\n"
         "    return [W1 - lr * dz.T @ X, b1 - lr * dz.sum(0), W2 - lr * d.T @ h, b2 - lr * d.sum(0)]\n",
         "without tanh's derivative"),
        # updates W2 first, then uses the new W2 for the hidden layer's gradient
        ("def tanh_net_step(W1, b1, W2, b2, X, y, lr):\n    h = np.tanh(X @ W1.T + b1)\n"
         "    d = 2 * (h @ W2.T + b2 - y) / y.size\n    W2 = W2 - lr * d.T @ h\n"
         "    b2 = b2 - lr * d.sum(0)\n    dz = (d @ W2) * (1 - h ** 2)\n"
         "    return [W1 - lr * dz.T @ X, b1 - lr * dz.sum(0), W2, b2]\n",
         "already-updated W2"),
        # sums the squared errors instead of averaging them
        ("def tanh_net_step(W1, b1, W2, b2, X, y, lr):\n    h = np.tanh(X @ W1.T + b1)\n"
         "    d = 2 * (h @ W2.T + b2 - y)\n    dz = (d @ W2) * (1 - h ** 2)\n"
         "    return [W1 - lr * dz.T @ X, b1 - lr * dz.sum(0), W2 - lr * d.T @ h, b2 - lr * d.sum(0)]\n",
         "too big by the number of entries"),
        # averages over the N examples only, not over all N * out entries
        "def tanh_net_step(W1, b1, W2, b2, X, y, lr):\n    h = np.tanh(X @ W1.T + b1)\n"
        "    d = 2 * (h @ W2.T + b2 - y) / len(X)\n    dz = (d @ W2) * (1 - h ** 2)\n"
        "    return [W1 - lr * dz.T @ X, b1 - lr * dz.sum(0), W2 - lr * d.T @ h, b2 - lr * d.sum(0)]\n",
    ],
}
