r"""2-D convolution, max and average pooling, and batch norm for maps, vectorised with im2col
(chapter 10).

*im2col* lays every receptive field (a ``C x kh x kw`` patch of the input) out as one row of a
matrix, so the whole convolution becomes one matrix product. The patches are read with
``np.lib.stride_tricks.sliding_window_view`` (no copy until the reshape); backward scatters the
patch gradients back with *col2im*, one strided slice per kernel offset (``kh * kw`` slices,
never a loop over pixels).
"""
from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import init
from .layers import BatchNorm1d, _array, _need_forward
from .module import Module, Parameter, as_rng

__all__ = ["Conv2d", "MaxPool2d", "AvgPool2d", "BatchNorm2d"]


def _pair(v, name: str) -> tuple[int, int]:
    pair = (v, v) if np.isscalar(v) else tuple(v)
    if len(pair) != 2 or not all(isinstance(p, (int, np.integer)) for p in pair):
        raise TypeError(f"{name} must be an int or a pair of ints; got {v!r}")
    return int(pair[0]), int(pair[1])


def _windows(x: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int]) -> np.ndarray:
    """Strided view of all ``kh x kw`` windows: ``(N, C, H, W) -> (N, C, H_out, W_out, kh, kw)``."""
    win = sliding_window_view(x, kernel, axis=(2, 3))
    return win[:, :, :: stride[0], :: stride[1]]


def _col2im(dwin: np.ndarray, shape: tuple, stride: tuple[int, int]) -> np.ndarray:
    """Add window gradients ``(N, C, H_out, W_out, kh, kw)`` back into an input of ``shape``."""
    _, _, Ho, Wo, kh, kw = dwin.shape
    sh, sw = stride
    dx = np.zeros(shape)
    for i in range(kh):  # one strided slice per kernel offset: kh * kw iterations in all
        for j in range(kw):
            dx[:, :, i : i + sh * Ho : sh, j : j + sw * Wo : sw] += dwin[:, :, :, :, i, j]
    return dx


class Conv2d(Module):
    r"""2-D convolution (cross-correlation, as in every deep-learning library).

    .. math:: y_{n,o,i,j} = b_o + \sum_{c,u,v} W_{o,c,u,v}\, x_{n,c,\,s i+u,\,s j+v}

    Args: ``in_channels``, ``out_channels``, ``kernel_size`` (int or pair), ``stride=1``,
    ``padding=0`` (zeros on every side), ``bias=True``; ``rng`` or ``seed`` for torch's
    initialisation. Shape: ``(N, C_in, H, W) -> (N, C_out, H_out, W_out)`` with
    :math:`H_\text{out} = \lfloor (H + 2p - k_h) / s \rfloor + 1`; ``weight`` is
    ``(C_out, C_in, kh, kw)``. Torch: ``torch.nn.Conv2d``. Chapter 10.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 bias: bool = True, *, rng: np.random.Generator | None = None,
                 seed: int | None = None) -> None:
        super().__init__()
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.stride = _pair(stride, "stride")
        self.padding = _pair(padding, "padding")
        if min(self.kernel_size) < 1 or min(self.stride) < 1 or min(self.padding) < 0:
            raise ValueError(f"Conv2d needs kernel_size >= 1, stride >= 1, padding >= 0; got "
                             f"{self.kernel_size}, {self.stride}, {self.padding}")
        gen = as_rng(rng, seed)
        self.weight = Parameter(np.empty((out_channels, in_channels) + self.kernel_size))
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), rng=gen)
        if bias:
            bound = 1.0 / math.sqrt(in_channels * self.kernel_size[0] * self.kernel_size[1])
            self.bias = Parameter(gen.uniform(-bound, bound, size=out_channels))
        else:
            self.bias = None
        self._cache = None

    def extra_repr(self) -> str:
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}")

    def forward(self, x):
        x = _array(x, "Conv2d")
        C, (kh, kw), (ph, pw) = self.in_channels, self.kernel_size, self.padding
        if x.ndim != 4 or x.shape[1] != C:
            raise ValueError(f"Conv2d({self.extra_repr()}) expects input of shape (N, {C}, H, W); got {x.shape}")
        if x.shape[2] + 2 * ph < kh or x.shape[3] + 2 * pw < kw:
            raise ValueError(f"Conv2d: the padded input {x.shape[2] + 2 * ph}x{x.shape[3] + 2 * pw} "
                             f"is smaller than the kernel {kh}x{kw}; got input {x.shape}")
        xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))) if ph or pw else x
        win = _windows(xp, self.kernel_size, self.stride)  # (N, C, Ho, Wo, kh, kw), a view
        N, _, Ho, Wo = win.shape[:4]
        cols = win.transpose(0, 2, 3, 1, 4, 5).reshape(N * Ho * Wo, C * kh * kw)  # im2col
        out = cols @ self.weight.data.reshape(self.out_channels, -1).T  # (N*Ho*Wo, C_out)
        if self.bias is not None:
            out += self.bias.data
        self._cache = (cols, xp.shape, x.shape, (N, Ho, Wo))
        return out.reshape(N, Ho, Wo, self.out_channels).transpose(0, 3, 1, 2)  # (N, C_out, Ho, Wo)

    def backward(self, grad_output):
        _need_forward(self, "_cache")
        cols, padded_shape, in_shape, (N, Ho, Wo) = self._cache
        dy = _array(grad_output, "Conv2d.backward")
        if dy.shape != (N, self.out_channels, Ho, Wo):
            raise ValueError(f"Conv2d.backward expects a gradient of shape "
                             f"{(N, self.out_channels, Ho, Wo)}; got {dy.shape}")
        dy2 = dy.transpose(0, 2, 3, 1).reshape(N * Ho * Wo, self.out_channels)  # (N*Ho*Wo, C_out)
        self.weight.grad += (dy2.T @ cols).reshape(self.weight.data.shape)
        if self.bias is not None:
            self.bias.grad += dy2.sum(axis=0)
        dcols = dy2 @ self.weight.data.reshape(self.out_channels, -1)  # (N*Ho*Wo, C*kh*kw)
        kh, kw = self.kernel_size
        dwin = dcols.reshape(N, Ho, Wo, self.in_channels, kh, kw).transpose(0, 3, 1, 2, 4, 5)
        dxp = _col2im(dwin, padded_shape, self.stride)
        (ph, pw), (H, W) = self.padding, in_shape[2:]
        return dxp[:, :, ph : ph + H, pw : pw + W]  # drop the padding


class MaxPool2d(Module):
    r"""Max pooling: the largest value of each ``kh x kw`` window.

    Args: ``kernel_size`` (int or pair), ``stride=None`` (defaults to ``kernel_size``).
    Backward sends each output's gradient to the position that held the maximum (the first
    one on ties, as torch does); where windows overlap, the gradients add up.
    Shape: ``(N, C, H, W) -> (N, C, H_out, W_out)``, :math:`H_\text{out} = \lfloor (H - k_h)/s \rfloor + 1`.
    Torch: ``torch.nn.MaxPool2d``. Chapter 10.
    """

    def __init__(self, kernel_size, stride=None) -> None:
        super().__init__()
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.stride = self.kernel_size if stride is None else _pair(stride, "stride")
        if min(self.kernel_size) < 1 or min(self.stride) < 1:
            raise ValueError(f"MaxPool2d needs kernel_size >= 1 and stride >= 1; got {self.kernel_size}, {self.stride}")
        self._cache = None

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}"

    def forward(self, x):
        x = _array(x, "MaxPool2d")
        kh, kw = self.kernel_size
        if x.ndim != 4 or x.shape[2] < kh or x.shape[3] < kw:
            raise ValueError(f"MaxPool2d(kernel_size={self.kernel_size}) expects input of shape "
                             f"(N, C, H, W) with H >= {kh} and W >= {kw}; got {x.shape}")
        win = _windows(x, self.kernel_size, self.stride)  # (N, C, Ho, Wo, kh, kw)
        flat = win.reshape(win.shape[:4] + (kh * kw,))  # (N, C, Ho, Wo, kh*kw)
        arg = flat.argmax(axis=-1)  # (N, C, Ho, Wo): which window position won
        self._cache = (arg, x.shape)
        return np.take_along_axis(flat, arg[..., None], axis=-1)[..., 0]

    def backward(self, grad_output):
        _need_forward(self, "_cache")
        arg, in_shape = self._cache
        dy = _array(grad_output, "MaxPool2d.backward")
        if dy.shape != arg.shape:
            raise ValueError(f"MaxPool2d.backward expects a gradient of shape {arg.shape}; got {dy.shape}")
        kh, kw = self.kernel_size
        onehot = arg[..., None] == np.arange(kh * kw)  # (N, C, Ho, Wo, kh*kw)
        dwin = (onehot * dy[..., None]).reshape(arg.shape + (kh, kw))
        return _col2im(dwin, in_shape, self.stride)


class AvgPool2d(Module):
    r"""Average pooling: the mean of each ``kh x kw`` window (no padding).

    Args: ``kernel_size`` (int or pair), ``stride=None`` (defaults to ``kernel_size``). Backward
    shares each output's gradient equally among its window's ``kh * kw`` inputs. A window as
    large as the map is *global average pooling*. Shape: ``(N, C, H, W) -> (N, C, H_out, W_out)``,
    :math:`H_\text{out} = \lfloor (H - k_h)/s \rfloor + 1`. Torch: ``torch.nn.AvgPool2d``
    (global: ``torch.nn.AdaptiveAvgPool2d(1)``). Chapter 10.
    """

    def __init__(self, kernel_size, stride=None) -> None:
        super().__init__()
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.stride = self.kernel_size if stride is None else _pair(stride, "stride")
        if min(self.kernel_size) < 1 or min(self.stride) < 1:
            raise ValueError(f"AvgPool2d needs kernel_size >= 1 and stride >= 1; got {self.kernel_size}, {self.stride}")
        self._cache = None

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}"

    def forward(self, x):
        x = _array(x, "AvgPool2d")
        kh, kw = self.kernel_size
        if x.ndim != 4 or x.shape[2] < kh or x.shape[3] < kw:
            raise ValueError(f"AvgPool2d(kernel_size={self.kernel_size}) expects input of shape "
                             f"(N, C, H, W) with H >= {kh} and W >= {kw}; got {x.shape}")
        out = _windows(x, self.kernel_size, self.stride).mean(axis=(4, 5))  # (N, C, Ho, Wo)
        self._cache = (out.shape, x.shape)
        return out

    def backward(self, grad_output):
        _need_forward(self, "_cache")
        out_shape, in_shape = self._cache
        dy = _array(grad_output, "AvgPool2d.backward")
        if dy.shape != out_shape:
            raise ValueError(f"AvgPool2d.backward expects a gradient of shape {out_shape}; got {dy.shape}")
        kh, kw = self.kernel_size
        dwin = np.broadcast_to(dy[..., None, None] / (kh * kw), out_shape + (kh, kw))
        return _col2im(dwin, in_shape, self.stride)


class BatchNorm2d(BatchNorm1d):
    r"""Batch normalisation of feature maps: per channel, over the batch and all positions.

    .. math:: \hat x_{n,c,i,j} = \frac{x_{n,c,i,j} - \mu_c}{\sqrt{\sigma_c^2 + \epsilon}}, \qquad
              y = \gamma_c \hat x + \beta_c

    The same as :class:`~dlcourse.nn.BatchNorm1d` on the maps flattened to ``(N, C, H*W)``:
    each channel's mean and (biased) variance are taken over ``N * H * W`` values, the running
    variance uses the unbiased one. Shape: ``(N, C, H, W)``, unchanged.
    Torch: ``torch.nn.BatchNorm2d`` (Ioffe & Szegedy, 2015). Chapter 10.
    """

    def forward(self, x):
        x = _array(x, "BatchNorm2d")
        C = self.num_features
        if x.ndim != 4 or x.shape[1] != C:
            raise ValueError(f"BatchNorm2d({C}) expects input of shape (N, {C}, H, W); got {x.shape}")
        self._shape2d = x.shape
        return super().forward(x.reshape(x.shape[0], C, -1)).reshape(x.shape)

    def backward(self, grad_output):
        _need_forward(self, "_cache")
        dy = _array(grad_output, "BatchNorm2d.backward")
        if dy.shape != self._shape2d:
            raise ValueError(f"BatchNorm2d.backward expects a gradient of shape {self._shape2d}; got {dy.shape}")
        return super().backward(dy.reshape(dy.shape[0], dy.shape[1], -1)).reshape(dy.shape)
