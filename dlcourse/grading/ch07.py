"""Exercises of chapter 7, Vanishing gradients: the 0.25^n bound, Xavier and He scales,
per-layer gradient norms of a small sigmoid network, and gradient clipping by the total norm.
Inputs and answers are plain NumPy arrays, numbers, lists and dicts."""
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
    ),
]
