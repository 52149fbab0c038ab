r"""Fully connected layers, activations, Flatten, Dropout and BatchNorm1d, each with backward.

Every layer keeps what its ``backward`` needs from the last ``forward`` (its input, output or
mask) and never modifies the gradient it is given. Chapter 6 builds them; chapters 7 and 9
add initialisation, Dropout and batch normalisation.
"""
from __future__ import annotations

import math

import numpy as np

from .. import functional as F
from . import init
from .module import Module, Parameter, as_rng

__all__ = ["Linear", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Flatten", "Dropout", "BatchNorm1d"]


def _array(x, who: str) -> np.ndarray:
    """``x`` as a float64 array (a tensor or list is converted), or a TypeError saying who wanted it."""
    if type(x).__name__ == "Tensor":
        x = x.detach().cpu().numpy()
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{who} expects a NumPy array of numbers; got {type(x).__name__}") from None


def _need_forward(module: Module, attr: str) -> None:
    if getattr(module, attr, None) is None:
        raise RuntimeError(f"{type(module).__name__}.backward() called before forward()")


class Linear(Module):
    r"""Fully connected layer (affine map).

    .. math:: y = x W^\top + b

    Args: ``in_features``, ``out_features``, ``bias=True``; ``rng`` or ``seed`` for the initial
    weights, drawn like torch: :math:`U(-1/\sqrt{n_\text{in}}, 1/\sqrt{n_\text{in}})` for both
    (``kaiming_uniform_`` with ``a=sqrt(5)``).
    Shape: ``(N, in_features) -> (N, out_features)``; ``weight`` is ``(out, in)``, ``bias`` ``(out,)``.
    Backward: :math:`\partial x = \partial y\, W`, :math:`\partial W = \partial y^\top x`,
    :math:`\partial b = \sum_n \partial y_n`. Torch: ``torch.nn.Linear``. Chapter 6.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, *,
                 rng: np.random.Generator | None = None, seed: int | None = None) -> None:
        super().__init__()
        if in_features < 1 or out_features < 1:
            raise ValueError(f"Linear needs positive sizes; got ({in_features}, {out_features})")
        self.in_features, self.out_features = int(in_features), int(out_features)
        gen = as_rng(rng, seed)
        self.weight = Parameter(np.empty((out_features, in_features)))
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), rng=gen)
        if bias:
            bound = 1.0 / math.sqrt(in_features)
            self.bias = Parameter(gen.uniform(-bound, bound, size=out_features))
        else:
            self.bias = None
        self._x = None

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"

    def forward(self, x):
        x = _array(x, "Linear")
        if x.ndim < 1 or x.shape[-1] != self.in_features:
            raise ValueError(f"Linear({self.in_features}, {self.out_features}) expects input of shape "
                             f"(N, {self.in_features}); got {x.shape}")
        self._x = x
        y = x @ self.weight.data.T  # (N, out)
        return y + self.bias.data if self.bias is not None else y

    def backward(self, grad_output):
        _need_forward(self, "_x")
        dy = _array(grad_output, "Linear.backward")
        expected = self._x.shape[:-1] + (self.out_features,)
        if dy.shape != expected:
            raise ValueError("Linear.backward expects a gradient of shape "
                             f"{expected}; got {dy.shape}")
        x2 = self._x.reshape(-1, self.in_features)  # (N, in)
        dy2 = dy.reshape(-1, self.out_features)  # (N, out)
        self.weight.grad += dy2.T @ x2  # (out, in)
        if self.bias is not None:
            self.bias.grad += dy2.sum(axis=0)  # summed over the batch
        return dy @ self.weight.data  # (N, in)


class _Elementwise(Module):
    """An activation applied element by element; subclasses give ``_f`` and ``_df``."""

    def __init__(self) -> None:
        super().__init__()
        self._x = None
        self._y = None

    def forward(self, x):
        self._x = _array(x, type(self).__name__)
        self._y = self._f(self._x)
        return self._y

    def backward(self, grad_output):
        _need_forward(self, "_x")
        dy = _array(grad_output, f"{type(self).__name__}.backward")
        if dy.shape != self._y.shape:
            raise ValueError(f"{type(self).__name__}.backward expects a gradient of shape "
                             f"{self._y.shape} (the output's); got {dy.shape}")
        return dy * self._df()


class ReLU(_Elementwise):
    r"""Rectified linear unit, :math:`\max(0, x)`; derivative 1 where :math:`x > 0`, else 0.

    Shape: any, unchanged. Torch: ``torch.nn.ReLU``. Chapters 3 and 6.
    """

    def _f(self, x):
        return F.relu(x)

    def _df(self):
        return (self._x > 0).astype(np.float64)


class LeakyReLU(_Elementwise):
    r""":math:`x` for :math:`x > 0`, else ``negative_slope`` :math:`\cdot x` (default 0.01).

    Shape: any, unchanged. Torch: ``torch.nn.LeakyReLU``. Chapters 3 and 7.
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = float(negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"

    def _f(self, x):
        return F.leaky_relu(x, self.negative_slope)

    def _df(self):
        return np.where(self._x > 0, 1.0, self.negative_slope)


class Sigmoid(_Elementwise):
    r""":math:`\sigma(x) = 1 / (1 + e^{-x})`; backward uses the output: :math:`\sigma' = y(1 - y)`.

    Shape: any, unchanged. Torch: ``torch.nn.Sigmoid``. Chapters 3 and 6.
    """

    def _f(self, x):
        return F.sigmoid(x)

    def _df(self):
        return self._y * (1.0 - self._y)


class Tanh(_Elementwise):
    r""":math:`\tanh(x)`; backward uses the output: :math:`\tanh' = 1 - y^2`.

    Shape: any, unchanged. Torch: ``torch.nn.Tanh``. Chapter 3.
    """

    def _f(self, x):
        return F.tanh(x)

    def _df(self):
        return 1.0 - self._y**2


class Flatten(Module):
    """Flattens all dimensions but the first (batch): ``(N, C, H, W) -> (N, C*H*W)``.

    Backward reshapes the gradient back. Torch: ``torch.nn.Flatten()``. Chapter 10.
    """

    def __init__(self) -> None:
        super().__init__()
        self._shape = None

    def forward(self, x):
        x = _array(x, "Flatten")
        if x.ndim < 1:
            raise ValueError(f"Flatten expects input of shape (N, ...); got a scalar of shape {x.shape}")
        self._shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_output):
        _need_forward(self, "_shape")
        return _array(grad_output, "Flatten.backward").reshape(self._shape)


class Dropout(Module):
    r"""Inverted dropout: in training, zero each value with probability ``p`` and scale the
    survivors by :math:`1/(1-p)`; in evaluation mode, the identity.

    The mask of the last forward is kept in ``.mask`` (0 or :math:`1/(1-p)`); backward multiplies
    by it. Its own generator: pass ``rng`` or ``seed``. Shape: any, unchanged.
    Torch: ``torch.nn.Dropout`` (Srivastava et al., 2014). Chapter 9.
    """

    def __init__(self, p: float = 0.5, *, rng: np.random.Generator | None = None,
                 seed: int | None = None) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability must be between 0 and 1; got {p}")
        self.p = float(p)
        self.rng = as_rng(rng, seed)
        self.mask = None

    def extra_repr(self) -> str:
        return f"p={self.p}"

    def forward(self, x):
        x = _array(x, "Dropout")
        if not self.training or self.p == 0.0:
            self.mask = np.ones_like(x)
        elif self.p == 1.0:
            self.mask = np.zeros_like(x)
        else:
            keep = self.rng.random(x.shape) >= self.p
            self.mask = keep / (1.0 - self.p)  # 0 or 1/(1-p)
        return x * self.mask

    def backward(self, grad_output):
        _need_forward(self, "mask")
        return _array(grad_output, "Dropout.backward") * self.mask


class BatchNorm1d(Module):
    r"""Batch normalisation over the batch dimension, per feature.

    .. math:: \hat x = \frac{x - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}}, \qquad y = \gamma \hat x + \beta

    Training: :math:`\mu_B, \sigma_B^2` are the batch mean and biased variance; the buffers
    ``running_mean`` and ``running_var`` move towards the batch mean and *unbiased* variance
    with ``momentum`` (:math:`r \leftarrow (1-m) r + m\, s`). Evaluation: the running values
    are used instead. ``weight`` (:math:`\gamma`) starts at 1, ``bias`` (:math:`\beta`) at 0.
    Shape: ``(N, C)`` or ``(N, C, L)``, unchanged. Torch: ``torch.nn.BatchNorm1d``
    (Ioffe & Szegedy, 2015). Chapter 9.
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = int(num_features), float(eps), float(momentum)
        self.weight = Parameter(np.ones(num_features))
        self.bias = Parameter(np.zeros(num_features))
        self.running_mean = np.zeros(num_features)
        self.running_var = np.ones(num_features)
        self._cache = None

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}"

    def forward(self, x):
        x = _array(x, "BatchNorm1d")
        C = self.num_features
        if x.ndim not in (2, 3) or x.shape[1] != C:
            raise ValueError(f"BatchNorm1d({C}) expects input of shape (N, {C}) or (N, {C}, L); got {x.shape}")
        axes = (0,) if x.ndim == 2 else (0, 2)
        shape = (1, C) if x.ndim == 2 else (1, C, 1)  # broadcast per feature
        if self.training:
            n = x.size // C
            if n < 2:
                raise ValueError(f"BatchNorm1d in training mode needs more than 1 value per feature; got input {x.shape}")
            mean = x.mean(axis=axes)
            var = x.var(axis=axes)  # biased: used to normalise
            m = self.momentum
            self.running_mean = (1 - m) * self.running_mean + m * mean
            self.running_var = (1 - m) * self.running_var + m * var * n / (n - 1)  # unbiased
        else:
            mean, var = self.running_mean, self.running_var
        inv_std = 1.0 / np.sqrt(var + self.eps)  # (C,)
        x_hat = (x - mean.reshape(shape)) * inv_std.reshape(shape)
        self._cache = (x_hat, inv_std, axes, shape, self.training)
        return self.weight.data.reshape(shape) * x_hat + self.bias.data.reshape(shape)

    def backward(self, grad_output):
        _need_forward(self, "_cache")
        x_hat, inv_std, axes, shape, training = self._cache
        dy = _array(grad_output, "BatchNorm1d.backward")
        if dy.shape != x_hat.shape:
            raise ValueError(f"BatchNorm1d.backward expects a gradient of shape {x_hat.shape}; got {dy.shape}")
        self.weight.grad += (dy * x_hat).sum(axis=axes)
        self.bias.grad += dy.sum(axis=axes)
        dx_hat = dy * self.weight.data.reshape(shape)
        if not training:  # running statistics are constants
            return dx_hat * inv_std.reshape(shape)
        # mean and variance depend on x too: subtract their share of the gradient
        mean_dx_hat = dx_hat.mean(axis=axes, keepdims=True)
        mean_dx_hat_xhat = (dx_hat * x_hat).mean(axis=axes, keepdims=True)
        return (dx_hat - mean_dx_hat - x_hat * mean_dx_hat_xhat) * inv_std.reshape(shape)
