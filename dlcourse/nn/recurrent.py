r"""One time step of a recurrent network: :class:`RNNCell`, :class:`LSTMCell`, :class:`GRUCell`
(chapter 11).

All use torch's parameter names and layout (``weight_ih`` ``(G*H, I)``, ``weight_hh``
``(G*H, H)``, ``bias_ih``, ``bias_hh``; ``G`` = 1 for the RNN, 4 for the LSTM with the gates in
torch's order input, forget, cell, output, 3 for the GRU in the order reset, update, new), so
weights copy across one to one.

Backward through time: in training mode each ``forward`` pushes what its backward needs onto a
stack, and each ``backward`` pops the most recent step. Unroll ``T`` steps forward, then call
``backward`` ``T`` times with the gradients of the last step first.
"""
from __future__ import annotations

import math

import numpy as np

from ..functional import sigmoid as _sigmoid
from .layers import _array
from .module import Module, Parameter, as_rng

__all__ = ["RNNCell", "LSTMCell", "GRUCell"]


class _Cell(Module):
    """Shared set-up: torch's uniform init U(-1/sqrt(H), 1/sqrt(H)) and the step stack."""

    gates = 1

    def __init__(self, input_size: int, hidden_size: int, bias: bool, rng, seed) -> None:
        super().__init__()
        self.input_size, self.hidden_size = int(input_size), int(hidden_size)
        gen, G, H = as_rng(rng, seed), self.gates, self.hidden_size
        k = 1.0 / math.sqrt(H)
        self.weight_ih = Parameter(gen.uniform(-k, k, size=(G * H, self.input_size)))
        self.weight_hh = Parameter(gen.uniform(-k, k, size=(G * H, H)))
        self.bias_ih = Parameter(gen.uniform(-k, k, size=G * H)) if bias else None
        self.bias_hh = Parameter(gen.uniform(-k, k, size=G * H)) if bias else None
        self._steps: list = []

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}"

    def clear_steps(self) -> None:
        """Forget the stored forward steps (e.g. after a forward-only pass in training mode)."""
        self._steps = []

    def _check(self, x, h, what: str):
        x = _array(x, type(self).__name__)
        I, H = self.input_size, self.hidden_size
        if x.ndim != 2 or x.shape[1] != I:
            raise ValueError(f"{type(self).__name__}({I}, {H}) expects input of shape (N, {I}); got {x.shape}")
        h = np.zeros((x.shape[0], H)) if h is None else _array(h, type(self).__name__)
        if h.shape != (x.shape[0], H):
            raise ValueError(f"{type(self).__name__}({I}, {H}) expects {what} of shape ({x.shape[0]}, {H}); got {h.shape}")
        return x, h

    def _affine(self, x, h):
        z = x @ self.weight_ih.data.T + h @ self.weight_hh.data.T  # (N, G*H)
        if self.bias_ih is not None:
            z = z + self.bias_ih.data + self.bias_hh.data
        return z

    def _affine_backward(self, dz, x, h):
        """Add the weight gradients for pre-activation gradient ``dz``; return ``(dx, dh)``."""
        self.weight_ih.grad += dz.T @ x
        self.weight_hh.grad += dz.T @ h
        if self.bias_ih is not None:
            self.bias_ih.grad += dz.sum(axis=0)
            self.bias_hh.grad += dz.sum(axis=0)
        return dz @ self.weight_ih.data, dz @ self.weight_hh.data

    def _pop(self):
        if not self._steps:
            raise RuntimeError(f"{type(self).__name__}.backward() called more times than forward() "
                               f"in training mode")
        return self._steps.pop()


class RNNCell(_Cell):
    r"""Elman RNN cell with tanh.

    .. math:: h' = \tanh(x W_{ih}^\top + b_{ih} + h W_{hh}^\top + b_{hh})

    ``forward(x, h=None)`` returns ``h'`` (``h`` defaults to zeros); ``backward(dh')`` returns
    ``(dx, dh)``. Shape: ``x (N, input_size)``, ``h (N, hidden_size)``.
    Torch: ``torch.nn.RNNCell``. Chapter 11.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, *,
                 rng: np.random.Generator | None = None, seed: int | None = None) -> None:
        super().__init__(input_size, hidden_size, bias, rng, seed)

    def forward(self, x, h=None):
        x, h = self._check(x, h, "h")
        h_new = np.tanh(self._affine(x, h))
        if self.training:
            self._steps.append((x, h, h_new))
        return h_new

    def backward(self, grad_output):
        x, h, h_new = self._pop()
        dh_new = _array(grad_output, "RNNCell.backward")
        if dh_new.shape != h_new.shape:
            raise ValueError(f"RNNCell.backward expects a gradient of shape {h_new.shape}; got {dh_new.shape}")
        dz = dh_new * (1.0 - h_new**2)  # through tanh
        return self._affine_backward(dz, x, h)


class LSTMCell(_Cell):
    r"""Long short-term memory cell, gates in torch's order (input, forget, cell, output).

    .. math:: i, f, o = \sigma(\cdot),\ g = \tanh(\cdot),\quad c' = f c + i g,\quad h' = o \tanh(c')

    ``forward(x, (h, c))`` returns ``(h', c')`` (zeros if the state is ``None``);
    ``backward((dh', dc'))`` returns ``(dx, (dh, dc))`` (``dc'`` may be ``None``).
    Shape: ``x (N, input_size)``; ``h, c (N, hidden_size)``. Torch: ``torch.nn.LSTMCell``
    (Hochreiter & Schmidhuber, 1997). Chapter 11.
    """

    gates = 4

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, *,
                 rng: np.random.Generator | None = None, seed: int | None = None) -> None:
        super().__init__(input_size, hidden_size, bias, rng, seed)

    def forward(self, x, state=None):
        h, c = (None, None) if state is None else state
        x, h = self._check(x, h, "h")
        _, c = self._check(x, c, "c")
        z = self._affine(x, h)  # (N, 4H)
        i, f, g, o = np.split(z, 4, axis=1)
        i, f, g, o = _sigmoid(i), _sigmoid(f), np.tanh(g), _sigmoid(o)
        c_new = f * c + i * g
        tc = np.tanh(c_new)
        h_new = o * tc
        if self.training:
            self._steps.append((x, h, c, i, f, g, o, tc))
        return h_new, c_new

    def backward(self, grad_output):
        x, h, c, i, f, g, o, tc = self._pop()
        dh_new, dc_new = grad_output
        dh_new = _array(dh_new, "LSTMCell.backward")
        if dh_new.shape != h.shape:
            raise ValueError(f"LSTMCell.backward expects dh of shape {h.shape}; got {dh_new.shape}")
        dc = dh_new * o * (1.0 - tc**2)
        if dc_new is not None:
            dc = dc + _array(dc_new, "LSTMCell.backward")
        dz = np.concatenate([dc * g * i * (1 - i),  # input gate
                             dc * c * f * (1 - f),  # forget gate
                             dc * i * (1 - g**2),  # cell candidate
                             dh_new * tc * o * (1 - o)], axis=1)  # output gate; (N, 4H)
        dx, dh = self._affine_backward(dz, x, h)
        return dx, (dh, dc * f)


class GRUCell(_Cell):
    r"""Gated recurrent unit, torch's variant: the reset gate multiplies ``h W_hn^T + b_hn``.

    .. math:: r, z = \sigma(\cdot),\quad n = \tanh(x W_{in}^\top + b_{in} + r (h W_{hn}^\top + b_{hn})),
              \quad h' = (1 - z)\, n + z\, h

    ``z`` is the share of the old state kept. ``forward(x, h=None)`` returns ``h'`` (``h``
    defaults to zeros); ``backward(dh')`` returns ``(dx, dh)``. Shape: ``x (N, input_size)``,
    ``h (N, hidden_size)``. Torch: ``torch.nn.GRUCell`` (Cho et al., 2014). Chapter 11.
    """

    gates = 3

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, *,
                 rng: np.random.Generator | None = None, seed: int | None = None) -> None:
        super().__init__(input_size, hidden_size, bias, rng, seed)

    def forward(self, x, h=None):
        x, h = self._check(x, h, "h")
        a = x @ self.weight_ih.data.T  # input part, (N, 3H)
        b = h @ self.weight_hh.data.T  # hidden part, (N, 3H)
        if self.bias_ih is not None:
            a, b = a + self.bias_ih.data, b + self.bias_hh.data
        a_r, a_z, a_n = np.split(a, 3, axis=1)
        b_r, b_z, b_n = np.split(b, 3, axis=1)
        r, z = _sigmoid(a_r + b_r), _sigmoid(a_z + b_z)
        n = np.tanh(a_n + r * b_n)
        h_new = (1.0 - z) * n + z * h
        if self.training:
            self._steps.append((x, h, r, z, n, b_n))
        return h_new

    def backward(self, grad_output):
        x, h, r, z, n, b_n = self._pop()
        dh_new = _array(grad_output, "GRUCell.backward")
        if dh_new.shape != h.shape:
            raise ValueError(f"GRUCell.backward expects a gradient of shape {h.shape}; got {dh_new.shape}")
        dn = dh_new * (1.0 - z) * (1.0 - n**2)  # through h' and tanh
        dz = dh_new * (h - n) * z * (1.0 - z)  # through h' and the sigmoid
        dr = dn * b_n * r * (1.0 - r)
        da = np.concatenate([dr, dz, dn], axis=1)  # input part, (N, 3H)
        db = np.concatenate([dr, dz, dn * r], axis=1)  # hidden part: r scales b_n
        self.weight_ih.grad += da.T @ x
        self.weight_hh.grad += db.T @ h
        if self.bias_ih is not None:
            self.bias_ih.grad += da.sum(axis=0)
            self.bias_hh.grad += db.sum(axis=0)
        return da @ self.weight_ih.data, db @ self.weight_hh.data + dh_new * z
