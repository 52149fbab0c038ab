r"""Weight initialisers, in place, with torch's formulas and defaults (chapter 7).

Each function takes a :class:`~dlcourse.nn.Parameter` (or a NumPy array), overwrites its values
and returns it. Randomness comes only from the ``rng`` argument (a ``np.random.Generator``);
without one a freshly seeded generator is used, never NumPy's global state.

.. math:: \text{Xavier: } \sigma = g\sqrt{\tfrac{2}{n_\text{in} + n_\text{out}}} \qquad
          \text{He (Kaiming): } \sigma = \tfrac{g}{\sqrt{n_\text{mode}}}

A uniform initialiser draws from :math:`U(-\sqrt{3}\sigma, \sqrt{3}\sigma)`, which has standard
deviation :math:`\sigma`. Torch: ``torch.nn.init``.
"""
from __future__ import annotations

import math

import numpy as np

from .module import Parameter

__all__ = [
    "calculate_gain", "fan_in_and_fan_out", "uniform_", "normal_", "zeros_", "ones_",
    "constant_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
]


def _values(tensor) -> np.ndarray:
    if isinstance(tensor, Parameter):
        return tensor.data
    if isinstance(tensor, np.ndarray):
        return tensor
    raise TypeError(f"expected a Parameter or a NumPy array; got {type(tensor).__name__}")


def _rng(rng) -> np.random.Generator:
    if rng is None:
        return np.random.default_rng()
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a np.random.Generator; got {type(rng).__name__}")
    return rng


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    r"""The gain :math:`g` torch recommends for an activation.

    linear / conv / sigmoid: 1; tanh: 5/3; relu: :math:`\sqrt{2}`;
    leaky_relu: :math:`\sqrt{2 / (1 + a^2)}` (``a = param``, default 0.01); selu: 3/4.
    Torch: ``torch.nn.init.calculate_gain``.
    """
    linear = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
              "conv_transpose2d", "conv_transpose3d", "sigmoid")
    if nonlinearity in linear:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        a = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1 + a**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"unsupported nonlinearity {nonlinearity!r}; expected one of "
                     f"{', '.join(linear + ('tanh', 'relu', 'leaky_relu', 'selu'))}")


def fan_in_and_fan_out(tensor) -> tuple[int, int]:
    """``(fan_in, fan_out)`` as torch computes them.

    For a Linear weight ``(out, in)``: ``(in, out)``. For a conv weight ``(out, in, kh, kw)``:
    ``(in * kh * kw, out * kh * kw)``. Needs at least 2 dimensions.
    """
    w = _values(tensor)
    if w.ndim < 2:
        raise ValueError(f"fan in and fan out need a weight with at least 2 dimensions; got shape {w.shape}")
    receptive = int(np.prod(w.shape[2:])) if w.ndim > 2 else 1
    return w.shape[1] * receptive, w.shape[0] * receptive


def uniform_(tensor, a: float = 0.0, b: float = 1.0, rng=None):
    """Fill with draws from U(a, b). Torch: ``torch.nn.init.uniform_``."""
    w = _values(tensor)
    w[...] = _rng(rng).uniform(a, b, size=w.shape)
    return tensor


def normal_(tensor, mean: float = 0.0, std: float = 1.0, rng=None):
    """Fill with draws from N(mean, std^2). Torch: ``torch.nn.init.normal_``."""
    w = _values(tensor)
    w[...] = _rng(rng).normal(mean, std, size=w.shape)
    return tensor


def constant_(tensor, val: float):
    """Fill with ``val``. Torch: ``torch.nn.init.constant_``."""
    _values(tensor)[...] = val
    return tensor


def zeros_(tensor):
    """Fill with 0. Torch: ``torch.nn.init.zeros_``."""
    return constant_(tensor, 0.0)


def ones_(tensor):
    """Fill with 1. Torch: ``torch.nn.init.ones_``."""
    return constant_(tensor, 1.0)


def xavier_uniform_(tensor, gain: float = 1.0, rng=None):
    r"""Xavier/Glorot uniform: :math:`U(-a, a)`, :math:`a = g\sqrt{6/(n_\text{in}+n_\text{out})}`.

    Keeps the variance of activations and gradients about equal across layers for tanh and
    sigmoid nets (Glorot & Bengio, 2010). Torch: ``torch.nn.init.xavier_uniform_``. Chapter 7.
    """
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return uniform_(tensor, -math.sqrt(3.0) * std, math.sqrt(3.0) * std, rng=rng)


def xavier_normal_(tensor, gain: float = 1.0, rng=None):
    r"""Xavier/Glorot normal: :math:`N(0, \sigma^2)`, :math:`\sigma = g\sqrt{2/(n_\text{in}+n_\text{out})}`.

    Torch: ``torch.nn.init.xavier_normal_``. Chapter 7.
    """
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return normal_(tensor, 0.0, std, rng=rng)


def _kaiming_std(tensor, a: float, mode: str, nonlinearity: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out'; got {mode!r}")
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", rng=None):
    r"""He/Kaiming uniform: :math:`U(-b, b)`, :math:`b = g\sqrt{3 / n_\text{mode}}`.

    With the defaults (leaky_relu, ``a=0``) the gain is :math:`\sqrt 2`, right for ReLU nets
    (He et al., 2015). Torch: ``torch.nn.init.kaiming_uniform_``. Chapter 7.
    """
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -math.sqrt(3.0) * std, math.sqrt(3.0) * std, rng=rng)


def kaiming_normal_(tensor, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", rng=None):
    r"""He/Kaiming normal: :math:`N(0, \sigma^2)`, :math:`\sigma = g / \sqrt{n_\text{mode}}`.

    Torch: ``torch.nn.init.kaiming_normal_``. Chapter 7.
    """
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    return normal_(tensor, 0.0, std, rng=rng)
