r"""Layer normalisation: each example normalised over its own features (chapter 9).

Batch normalisation (``layers.BatchNorm1d``) takes its statistics over the batch, one mean and
variance per feature; layer normalisation takes them over the features of each example, one
mean and variance per example, so it needs no batch and behaves the same in training and
evaluation.
"""
from __future__ import annotations

import numpy as np

from .layers import _array, _need_forward
from .module import Module, Parameter

__all__ = ["LayerNorm"]


class LayerNorm(Module):
    r"""Layer normalisation over the last ``len(normalized_shape)`` dimensions of each example.

    .. math:: \mu = \frac1D \sum_j x_j,\quad \sigma^2 = \frac1D \sum_j (x_j - \mu)^2,\quad
              y = \gamma \odot \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}} + \beta

    :math:`D` is the number of values normalised together; the variance is the biased one.
    ``weight`` (:math:`\gamma`) starts at 1 and ``bias`` (:math:`\beta`) at 0, both of shape
    ``normalized_shape`` (none with ``elementwise_affine=False``). Shape: ``(*, *normalized_shape)``,
    unchanged. Torch: ``torch.nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True)``
    (Ba, Kiros & Hinton, 2016). Chapter 9.
    """

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True) -> None:
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(int(d) for d in normalized_shape)
        self.eps, self.elementwise_affine = float(eps), bool(elementwise_affine)
        if self.elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape))
            self.bias = Parameter(np.zeros(self.normalized_shape))
        self._cache = None

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"

    def forward(self, x):
        x = _array(x, "LayerNorm")
        k = len(self.normalized_shape)
        if x.shape[x.ndim - k:] != self.normalized_shape or x.ndim < k:
            raise ValueError(f"LayerNorm({self.normalized_shape}) expects input whose last dimensions "
                             f"are {self.normalized_shape}; got {x.shape}")
        axes = tuple(range(x.ndim - k, x.ndim))  # the features of one example
        mean = x.mean(axis=axes, keepdims=True)
        inv_std = 1.0 / np.sqrt(x.var(axis=axes, keepdims=True) + self.eps)
        x_hat = (x - mean) * inv_std
        self._cache = (x_hat, inv_std, axes)
        if not self.elementwise_affine:
            return x_hat
        return self.weight.data * x_hat + self.bias.data

    def backward(self, grad_output):
        _need_forward(self, "_cache")
        x_hat, inv_std, axes = self._cache
        dy = _array(grad_output, "LayerNorm.backward")
        if dy.shape != x_hat.shape:
            raise ValueError(f"LayerNorm.backward expects a gradient of shape {x_hat.shape}; got {dy.shape}")
        batch_axes = tuple(range(dy.ndim - len(axes)))  # sum the parameter gradients over examples
        if self.elementwise_affine:
            self.weight.grad += (dy * x_hat).sum(axis=batch_axes)
            self.bias.grad += dy.sum(axis=batch_axes)
            dx_hat = dy * self.weight.data
        else:
            dx_hat = dy
        # the mean and variance of each example depend on all its features: subtract their share
        mean_dx_hat = dx_hat.mean(axis=axes, keepdims=True)
        mean_dx_hat_xhat = (dx_hat * x_hat).mean(axis=axes, keepdims=True)
        return (dx_hat - mean_dx_hat - x_hat * mean_dx_hat_xhat) * inv_std
