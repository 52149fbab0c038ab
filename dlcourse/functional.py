r"""NumPy versions of ``torch.nn.functional``: activations, their derivatives, and losses.

Everything takes float arrays (lists and numbers are converted) and returns float64, with
torch's names, argument order and defaults, so each function can be checked against torch on
the same numbers in one line. All of them are stable for any finite input: no overflow
warnings and no NaN even at ``|x| = 1000``.

Chapter 3 builds the activations, chapter 4 the losses. Just over 300 lines, on purpose: one
flat module of small functions, as ``torch.nn.functional`` is.
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "step", "sigmoid", "tanh", "relu", "leaky_relu", "softmax", "log_softmax",
    "sigmoid_grad", "tanh_grad", "relu_grad", "leaky_relu_grad",
    "mse_loss", "cross_entropy", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "sum_squared_error",
]

_REDUCTIONS = ("mean", "sum", "none")


# --------------------------------------------------------------------------- helpers
def _as_float(x: Any, func: str, arg: str = "x") -> np.ndarray:
    """``x`` as a float64 array, or a TypeError that names the function and what came."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{func} expects {arg} to be a numeric array; got {type(x).__name__}")
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"{func} expects {arg} to be a numeric array; got {type(x).__name__} ({err})"
        ) from None
    return arr


def _reduce(losses: np.ndarray, reduction: str, func: str) -> np.ndarray | float:
    """Apply torch's ``reduction`` to per-element (or per-sample) losses."""
    if reduction == "mean":
        return float(losses.mean())
    if reduction == "sum":
        return float(losses.sum())
    if reduction == "none":
        return losses
    raise ValueError(f"{func} expects reduction to be one of {_REDUCTIONS}; got {reduction!r}")


def _same_shape(a: np.ndarray, b: np.ndarray, func: str, names: tuple[str, str]) -> None:
    if a.shape != b.shape:
        raise ValueError(
            f"{func} expects {names[0]} and {names[1]} of the same shape; "
            f"got {a.shape} and {b.shape}"
        )


# --------------------------------------------------------------------------- activations
def step(x: np.ndarray) -> np.ndarray:
    r"""Step function: 1 where the input is positive, else 0 (the perceptron's activation).

    .. math:: \mathrm{step}(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}

    Shape: any, same shape out. Torch: ``torch.heaviside(x, torch.tensor(0.0))``. Chapter 3.
    """
    x = _as_float(x, "step")
    return (x > 0).astype(np.float64)


def sigmoid(x: np.ndarray) -> np.ndarray:
    r"""Logistic sigmoid, computed from :math:`e^{-|x|}` so it never overflows.

    .. math:: \sigma(x) = \frac{1}{1 + e^{-x}}
              = \begin{cases} \frac{1}{1+e^{-x}} & x \ge 0 \\ \frac{e^{x}}{1+e^{x}} & x < 0 \end{cases}

    Shape: any, same shape out. Torch: ``torch.sigmoid(x)``. Chapter 3.
    """
    x = _as_float(x, "sigmoid")
    with np.errstate(under="ignore"):
        z = np.exp(-np.abs(x))  # in (0, 1]: cannot overflow
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def tanh(x: np.ndarray) -> np.ndarray:
    r"""Hyperbolic tangent: a zero-centred S-curve with outputs in (-1, 1).

    .. math:: \tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}} = 2\sigma(2x) - 1

    Shape: any, same shape out. Torch: ``torch.tanh(x)``. Chapter 3.
    """
    return np.tanh(_as_float(x, "tanh"))


def relu(x: np.ndarray) -> np.ndarray:
    r"""Rectified linear unit: keeps positive inputs, sets the rest to zero.

    .. math:: \mathrm{ReLU}(x) = \max(0, x)

    Shape: any, same shape out. Torch: ``torch.relu(x)``. Chapter 3.
    """
    return np.maximum(_as_float(x, "relu"), 0.0)


def leaky_relu(x: np.ndarray, negative_slope: float = 0.01) -> np.ndarray:
    r"""Leaky ReLU: like ReLU, but negative inputs keep a small slope.

    .. math:: \mathrm{LeakyReLU}(x) = \begin{cases} x & x > 0 \\ a\,x & x \le 0 \end{cases},
              \ a = \texttt{negative\_slope}

    Shape: any, same shape out. Torch: ``F.leaky_relu(x, negative_slope)``. Chapter 3.
    """
    x = _as_float(x, "leaky_relu")
    return np.where(x > 0, x, negative_slope * x)


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    r"""Softmax along ``axis``, shifted by the max so large inputs cannot overflow.

    .. math:: \mathrm{softmax}(x)_i = \frac{e^{x_i - m}}{\sum_j e^{x_j - m}},\ m = \max_j x_j

    Shape: ``(N, C) -> (N, C)`` (any shape; each slice along ``axis`` sums to 1).
    Torch: ``torch.softmax(x, dim=axis)``. Chapter 3.
    """
    x = _as_float(x, "softmax")
    if x.ndim == 0:
        raise ValueError("softmax expects an array with at least one dimension; got a scalar")
    with np.errstate(under="ignore"):
        e = np.exp(x - x.max(axis=axis, keepdims=True))  # largest term is exp(0) = 1
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    r"""Logarithm of the softmax along ``axis``, computed without ever taking log(0).

    .. math:: \log\mathrm{softmax}(x)_i = x_i - m - \log \sum_j e^{x_j - m},\ m = \max_j x_j

    Shape: ``(N, C) -> (N, C)``. Torch: ``torch.log_softmax(x, dim=axis)``. Chapters 3-4.
    """
    x = _as_float(x, "log_softmax")
    if x.ndim == 0:
        raise ValueError("log_softmax expects an array with at least one dimension; got a scalar")
    shifted = x - x.max(axis=axis, keepdims=True)
    with np.errstate(under="ignore"):
        return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


# --------------------------------------------------------------------------- derivatives
def sigmoid_grad(x: np.ndarray) -> np.ndarray:
    r"""Derivative of the sigmoid with respect to its input; at most 0.25 (at x = 0).

    .. math:: \sigma'(x) = \sigma(x)\,(1 - \sigma(x))

    Shape: any, same shape out. Torch: ``torch.autograd.grad`` of ``torch.sigmoid``. Chapter 3.
    """
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh_grad(x: np.ndarray) -> np.ndarray:
    r"""Derivative of tanh with respect to its input; at most 1 (at x = 0).

    .. math:: \tanh'(x) = 1 - \tanh^2(x)

    Shape: any, same shape out. Torch: ``torch.autograd.grad`` of ``torch.tanh``. Chapter 3.
    """
    t = tanh(x)
    return 1.0 - t * t


def relu_grad(x: np.ndarray) -> np.ndarray:
    r"""Derivative of ReLU: 1 for positive inputs, 0 otherwise (0 at x = 0, as in torch).

    .. math:: \mathrm{ReLU}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}

    Shape: any, same shape out. Torch: ``torch.autograd.grad`` of ``torch.relu``. Chapter 3.
    """
    x = _as_float(x, "relu_grad")
    return (x > 0).astype(np.float64)


def leaky_relu_grad(x: np.ndarray, negative_slope: float = 0.01) -> np.ndarray:
    r"""Derivative of Leaky ReLU: 1 for positive inputs, ``negative_slope`` otherwise.

    .. math:: \mathrm{LeakyReLU}'(x) = \begin{cases} 1 & x > 0 \\ a & x \le 0 \end{cases}

    Shape: any, same shape out. Torch: ``torch.autograd.grad`` of ``F.leaky_relu``. Chapter 3.
    """
    x = _as_float(x, "leaky_relu_grad")
    return np.where(x > 0, 1.0, float(negative_slope))


# --------------------------------------------------------------------------- losses
def sum_squared_error(y: np.ndarray, t: np.ndarray) -> float:
    r"""Sum of squared errors, halved so that its derivative is simply ``y - t``.

    .. math:: E = \tfrac{1}{2} \sum_k (y_k - t_k)^2

    Shape: ``y`` and ``t`` any shape, the same; returns a float.
    Torch: ``0.5 * F.mse_loss(y, t, reduction="sum")``. Chapter 4.
    """
    y = _as_float(y, "sum_squared_error", "y")
    t = _as_float(t, "sum_squared_error", "t")
    _same_shape(y, t, "sum_squared_error", ("y", "t"))
    return float(0.5 * np.sum((y - t) ** 2))


def mse_loss(input: np.ndarray, target: np.ndarray, reduction: str = "mean") -> np.ndarray | float:
    r"""Mean squared error between predictions and targets.

    .. math:: \ell = \frac{1}{n} \sum_{i=1}^{n} (\hat y_i - y_i)^2 \quad (n = \text{number of elements})

    Args: ``input`` predictions, ``target`` the same shape, ``reduction`` ``"mean"`` (default),
    ``"sum"`` or ``"none"`` (element-wise squared errors).
    Shape: any, the same for both; a float, or the input's shape for ``"none"``.
    Torch: ``F.mse_loss(input, target, reduction=reduction)``. Chapter 4.
    """
    y_hat = _as_float(input, "mse_loss", "input")
    y = _as_float(target, "mse_loss", "target")
    _same_shape(y_hat, y, "mse_loss", ("input", "target"))
    return _reduce((y_hat - y) ** 2, reduction, "mse_loss")


def cross_entropy(logits: np.ndarray, target: np.ndarray, reduction: str = "mean") -> np.ndarray | float:
    r"""Cross-entropy between raw scores (logits) and targets, through a stable log-softmax.

    .. math:: \ell_n = -\sum_{c} t_{n,c} \log \mathrm{softmax}(z_n)_c
              \quad\text{(labels: } \ell_n = -\log \mathrm{softmax}(z_n)_{y_n}\text{)}

    Args: ``logits`` ``z`` of shape (N, C), **not** probabilities; ``target`` either integer
    class labels ``y`` of shape (N,) with values in ``0..C-1``, or class probabilities / one-hot
    rows ``t`` of shape (N, C); ``reduction`` ``"mean"`` (over the N samples, default), ``"sum"``
    or ``"none"`` (one loss per sample, shape (N,)).
    Torch: ``F.cross_entropy(logits, target, reduction=reduction)``. Chapter 4.
    """
    z = _as_float(logits, "cross_entropy", "logits")
    if z.ndim != 2:
        raise ValueError(f"cross_entropy expects logits of shape (N, C); got {z.shape}")
    n, c = z.shape
    log_p = log_softmax(z, axis=1)  # (N, C)
    t = np.asarray(target)
    if t.shape == (n,):
        if t.dtype.kind == "f" and np.all(np.isfinite(t)) and np.all(t == np.round(t)):
            t = t.astype(np.int64)  # float labels such as 2.0 are accepted
        if t.dtype.kind not in "iu":
            raise TypeError(
                f"cross_entropy expects integer class labels of shape ({n},); got dtype {t.dtype}"
            )
        if n and (t.min() < 0 or t.max() >= c):
            raise ValueError(
                f"cross_entropy expects class labels in 0..{c - 1} (C = {c}); "
                f"got values from {t.min()} to {t.max()}"
            )
        losses = -log_p[np.arange(n), t]
    elif t.shape == (n, c):
        t = _as_float(t, "cross_entropy", "target")
        losses = -(t * log_p).sum(axis=1)
    else:
        raise ValueError(
            f"cross_entropy expects target of shape ({n},) (class labels) or ({n}, {c}) "
            f"(probabilities / one-hot) for logits of shape ({n}, {c}); got {t.shape}"
        )
    return _reduce(losses, reduction, "cross_entropy")


def binary_cross_entropy(probs: np.ndarray, target: np.ndarray, reduction: str = "mean") -> np.ndarray | float:
    r"""Binary cross-entropy between probabilities in [0, 1] and 0/1 (or soft) targets.

    .. math:: \ell_i = -\big[t_i \log p_i + (1 - t_i) \log(1 - p_i)\big],
              \ \text{each log clamped at } -100 \text{ (as torch does) so } p = 0 \text{ or } 1 \text{ stays finite}

    Args: ``probs`` ``p`` (e.g. a sigmoid's output), ``target`` ``t`` the same shape,
    ``reduction`` ``"mean"`` (default), ``"sum"`` or ``"none"``.
    Torch: ``F.binary_cross_entropy(probs, target, reduction=reduction)``. Chapter 4.
    """
    p = _as_float(probs, "binary_cross_entropy", "probs")
    t = _as_float(target, "binary_cross_entropy", "target")
    _same_shape(p, t, "binary_cross_entropy", ("probs", "target"))
    if p.size and (np.nanmin(p) < 0 or np.nanmax(p) > 1 or np.isnan(p).any()):
        raise ValueError(
            "binary_cross_entropy expects probs in [0, 1] (pass logits to "
            f"binary_cross_entropy_with_logits); got values from {np.min(p)} to {np.max(p)}"
        )
    with np.errstate(divide="ignore"):  # log(0) = -inf, clamped to -100 below
        log_p = np.maximum(np.log(p), -100.0)
        log_1mp = np.maximum(np.log1p(-p), -100.0)
    return _reduce(-(t * log_p + (1.0 - t) * log_1mp), reduction, "binary_cross_entropy")


def binary_cross_entropy_with_logits(logits: np.ndarray, target: np.ndarray,
                                     reduction: str = "mean") -> np.ndarray | float:
    r"""Binary cross-entropy of ``sigmoid(logits)``, computed without forming the sigmoid.

    .. math:: \ell_i = \max(z_i, 0) - z_i t_i + \log\big(1 + e^{-|z_i|}\big)

    Args: ``logits`` ``z`` (any real numbers), ``target`` ``t`` the same shape,
    ``reduction`` ``"mean"`` (default), ``"sum"`` or ``"none"``.
    Torch: ``F.binary_cross_entropy_with_logits(logits, target, reduction=reduction)``. Chapter 4.
    """
    z = _as_float(logits, "binary_cross_entropy_with_logits", "logits")
    t = _as_float(target, "binary_cross_entropy_with_logits", "target")
    _same_shape(z, t, "binary_cross_entropy_with_logits", ("logits", "target"))
    with np.errstate(under="ignore"):
        losses = np.maximum(z, 0.0) - z * t + np.log1p(np.exp(-np.abs(z)))
    return _reduce(losses, reduction, "binary_cross_entropy_with_logits")
