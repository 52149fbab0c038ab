r"""Losses as modules: ``loss = crit(output, target)`` gives a float, ``crit.backward()`` the
gradient with respect to ``output`` (chapters 4 and 6)."""
from __future__ import annotations

import numpy as np

from .. import functional as F
from .layers import _array, _need_forward
from .module import Module

__all__ = ["MSELoss", "CrossEntropyLoss"]

_REDUCTIONS = ("mean", "sum", "none")


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        if reduction not in _REDUCTIONS:
            raise ValueError(f"reduction must be one of {_REDUCTIONS}; got {reduction!r}")
        self.reduction = reduction
        self._cache = None

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"

    def _reduce(self, per_item: np.ndarray):
        if self.reduction == "none":
            return per_item
        return float(per_item.mean() if self.reduction == "mean" else per_item.sum())

    def _scale(self, grad_output, per_item_shape, n_items: int) -> np.ndarray:
        """d loss / d per_item, before the per-item derivative."""
        g = _array(grad_output, f"{type(self).__name__}.backward")
        if self.reduction == "none":
            if g.shape != per_item_shape:
                raise ValueError(f"{type(self).__name__}(reduction='none').backward expects a gradient "
                                 f"of shape {per_item_shape}; got {g.shape}")
            return g
        if g.size != 1:
            raise ValueError(f"{type(self).__name__}.backward expects a scalar gradient; got shape {g.shape}")
        return g.reshape(()) / (n_items if self.reduction == "mean" else 1)


class MSELoss(_Loss):
    r"""Mean squared error.

    .. math:: L = \frac{1}{M} \sum (y - t)^2, \qquad \frac{\partial L}{\partial y} = \frac{2 (y - t)}{M}

    ``M`` is the number of elements. Shape: ``output`` and ``target`` the same shape.
    Torch: ``torch.nn.MSELoss``. Chapter 4.
    """

    def forward(self, output, target):
        y, t = _array(output, "MSELoss"), _array(target, "MSELoss")
        if y.shape != t.shape:
            raise ValueError(f"MSELoss expects output and target of the same shape; got {y.shape} and {t.shape}")
        self._cache = y - t
        return self._reduce(self._cache**2)

    def backward(self, grad_output=1.0):
        _need_forward(self, "_cache")
        diff = self._cache
        return 2.0 * diff * self._scale(grad_output, diff.shape, diff.size)


class CrossEntropyLoss(_Loss):
    r"""Softmax followed by cross-entropy, on raw scores (logits).

    .. math:: L = -\frac{1}{N}\sum_n \sum_c t_{nc} \log \mathrm{softmax}(z_n)_c, \qquad
              \frac{\partial L}{\partial z} = \frac{\mathrm{softmax}(z) - t}{N}

    ``target``: integer class labels ``(N,)`` (turned into one-hot ``t``) or class
    probabilities ``(N, C)``. Shape: ``output (N, C)``. Torch: ``torch.nn.CrossEntropyLoss``.
    Chapters 4 and 6.
    """

    def forward(self, output, target):
        z = _array(output, "CrossEntropyLoss")
        if z.ndim != 2:
            raise ValueError(f"CrossEntropyLoss expects logits of shape (N, C); got {z.shape}")
        N, C = z.shape
        t = _target_probs(target, N, C)
        log_probs = F.log_softmax(z, axis=1)  # shifted by the max: no overflow
        self._cache = (np.exp(log_probs), t)
        return self._reduce(-(t * log_probs).sum(axis=1))

    def backward(self, grad_output=1.0):
        _need_forward(self, "_cache")
        probs, t = self._cache
        scale = self._scale(grad_output, probs.shape[:1], probs.shape[0])
        scale = scale[:, None] if np.ndim(scale) else scale
        return (probs - t) * scale  # (softmax - one-hot) / N for the mean


def _target_probs(target, N: int, C: int) -> np.ndarray:
    """One-hot ``(N, C)`` from labels ``(N,)``, or probabilities ``(N, C)`` checked and returned."""
    if type(target).__name__ == "Tensor":
        target = target.detach().cpu().numpy()
    t = np.asarray(target)
    if t.shape == (N, C):
        return t.astype(np.float64)
    if t.shape != (N,):
        raise ValueError(f"CrossEntropyLoss expects target of shape ({N},) (labels) or ({N}, {C}) "
                         f"(probabilities); got {t.shape}")
    if t.dtype.kind == "f" and np.all(t == np.round(t)):
        t = t.astype(np.int64)
    if t.dtype.kind not in "iu":
        raise TypeError(f"CrossEntropyLoss expects integer class labels; got dtype {t.dtype}")
    if N and (t.min() < 0 or t.max() >= C):
        raise ValueError(f"CrossEntropyLoss: labels must lie in 0..{C - 1}; got values from {t.min()} to {t.max()}")
    onehot = np.zeros((N, C))
    onehot[np.arange(N), t] = 1.0
    return onehot
