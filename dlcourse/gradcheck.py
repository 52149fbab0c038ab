r"""Gradient checking: compare a hand-written backward pass with central differences.

A derivative worked out by hand (or a ``backward`` method) is easy to get subtly wrong.
Nudging each input a little and watching the output is slow but hard to get wrong, so the two
are compared: a relative error around 1e-7 or below means they agree.

Chapter 6 (backpropagation) teaches it; chapters 3 and 4 use it to test derivatives.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

__all__ = ["numerical_gradient", "relative_error", "gradcheck_module"]


def numerical_gradient(f: Callable[[np.ndarray], Any], x: np.ndarray, eps: float = 1e-4) -> np.ndarray:
    r"""Gradient of a scalar function ``f`` at ``x`` by central differences.

    .. math:: \frac{\partial f}{\partial x_i} \approx \frac{f(x + \varepsilon e_i) - f(x - \varepsilon e_i)}{2\varepsilon}

    Args: ``f`` takes an array shaped like ``x`` and returns a number; ``x`` the point;
    ``eps`` the step. If ``x`` is a float64 array it is nudged in place (so ``f`` may also
    read it from elsewhere, e.g. a layer's weight) and every entry is restored exactly
    afterwards; anything else is copied to float64 first. Either way ``x`` is left unchanged.

    Shape: ``x`` any shape; returns float64 of the same shape. Torch:
    ``torch.autograd.gradcheck`` does the comparison. Chapter 6 (used from chapter 3 on).
    """
    if not callable(f):
        raise TypeError(f"numerical_gradient expects a callable f; got {type(f).__name__}")
    if eps <= 0:
        raise ValueError(f"numerical_gradient expects eps > 0; got {eps}")
    if isinstance(x, np.ndarray) and x.dtype == np.float64 and x.flags.writeable:
        point = x  # nudge in place, restore exactly
    else:
        try:
            point = np.array(x, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"numerical_gradient expects x to be a numeric array; got {type(x).__name__}") from None
    grad = np.zeros(point.shape, dtype=np.float64)
    for idx in np.ndindex(point.shape):
        old = point[idx]
        try:
            point[idx] = old + eps
            f_plus = _scalar(f(point))
            point[idx] = old - eps
            f_minus = _scalar(f(point))
        finally:
            point[idx] = old
        grad[idx] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def _scalar(value: Any) -> float:
    arr = np.asarray(value, dtype=np.float64)
    if arr.size != 1:
        raise ValueError(
            f"numerical_gradient expects f to return a single number; got an array of shape {arr.shape}"
        )
    return float(arr.reshape(()))


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    r"""Relative error between two arrays: 0 when equal, about 1 when unrelated.

    .. math:: \mathrm{err}(a, b) = \frac{\lVert a - b \rVert_2}{\max(\lVert a \rVert_2 + \lVert b \rVert_2,\ 10^{-12})}

    Shape: ``a`` and ``b`` the same shape; returns a float. Rule of thumb in float64: below
    1e-7 the gradients agree, above 1e-4 something is wrong. Chapter 6.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"relative_error expects two arrays of the same shape; got {a.shape} and {b.shape}")
    num = np.linalg.norm(a - b)
    den = max(np.linalg.norm(a) + np.linalg.norm(b), 1e-12)
    return float(num / den)


def gradcheck_module(module: Any, x: np.ndarray, eps: float = 1e-5, seed: int = 0) -> dict[str, float]:
    r"""Check a module's ``backward`` against central differences; return the relative errors.

    With a fixed random upstream gradient :math:`g` (seeded), the scalar
    :math:`L = \sum \mathrm{module}(x) \odot g` has :math:`\partial L / \partial \mathrm{out} = g`,
    so ``module.backward(g)`` must return :math:`\partial L / \partial x` and fill each
    parameter's ``.grad``; both are compared with :func:`numerical_gradient`.

    Args: ``module`` anything with ``forward(x)``, ``backward(grad_output)`` and
    ``parameters()`` (each with ``.data`` and ``.grad``), as in ``dlcourse.nn``; ``x`` the
    input; ``eps`` the finite-difference step; ``seed`` for ``g``. Put modules with randomness
    (``Dropout``) in eval mode first.

    Returns: ``{"input": err, "param0": err, "param1": err, ...}``, parameters in the order
    ``parameters()`` lists them (for ``Linear``: weight, bias). Chapter 6.
    """
    for method in ("forward", "backward"):
        if not callable(getattr(module, method, None)):
            raise TypeError(
                f"gradcheck_module expects a module with forward() and backward(); "
                f"{type(module).__name__} has no {method}()"
            )
    x = np.array(x, dtype=np.float64)  # our own copy
    params = list(module.parameters()) if callable(getattr(module, "parameters", None)) else []
    rng = np.random.default_rng(seed)
    out = np.asarray(module.forward(x.copy()))
    g = rng.normal(size=out.shape)  # upstream gradient dL/d(out)

    for p in params:  # analytic gradients, starting from zero
        if isinstance(p.grad, np.ndarray) and p.grad.shape == np.shape(p.data):
            p.grad[...] = 0.0
        else:
            p.grad = np.zeros_like(p.data, dtype=np.float64)
    grad_x = module.backward(g.copy())
    analytic = {f"param{i}": np.array(p.grad, dtype=np.float64) for i, p in enumerate(params)}

    def loss_of_input(x_nudged: np.ndarray) -> float:
        return float(np.sum(np.asarray(module.forward(x_nudged.copy())) * g))

    def loss_at_x(_: np.ndarray) -> float:
        return float(np.sum(np.asarray(module.forward(x.copy())) * g))

    errors: dict[str, float] = {}
    if grad_x is not None:
        errors["input"] = relative_error(grad_x, numerical_gradient(loss_of_input, x.copy(), eps))
    for i, p in enumerate(params):
        if p.data.dtype != np.float64:
            raise TypeError(f"gradcheck_module needs float64 parameters; param{i} is {p.data.dtype}")
        errors[f"param{i}"] = relative_error(analytic[f"param{i}"], numerical_gradient(loss_at_x, p.data, eps))
    return errors
