"""Exercises of chapter 10, Convolutional networks: output size, conv forward, max pooling,
parameter counts. All inputs and answers are plain NumPy arrays and Python numbers (NCHW)."""
from __future__ import annotations

import numpy as np

from dlcourse.grading.spec import Case, Exercise, Hint

__all__ = ["EXERCISES", "conv_output_size", "conv2d_forward", "maxpool_forward",
           "maxpool_backward", "conv_params", "dense_params"]


# --- reference answers (plain NumPy, independent of dlcourse.nn) -------------------------------
def conv_output_size(H: int, F: int, P: int, S: int) -> int:
    """Output height of a convolution: floor((H + 2P - F) / S) + 1."""
    return (H + 2 * P - F) // S + 1


def conv2d_forward(x, w, b, stride=1, padding=0):
    """Cross-correlation of ``x`` (N, C, H, W) with ``w`` (F, C, KH, KW) plus ``b`` (F,)."""
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    b = np.asarray(b, dtype=float)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    n, _, h, wd = xp.shape
    f, _, kh, kw = w.shape
    ho, wo = (h - kh) // stride + 1, (wd - kw) // stride + 1
    out = np.empty((n, f, ho, wo))
    for i in range(ho):
        for j in range(wo):
            patch = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3]))
    return out + b[None, :, None, None]


def maxpool_forward(x, k=2, s=None):
    """Max pooling of ``x`` (N, C, H, W) with a k x k window and stride s (default k)."""
    x = np.asarray(x, dtype=float)
    s = k if s is None else s
    n, c, h, w = x.shape
    ho, wo = (h - k) // s + 1, (w - k) // s + 1
    out = np.empty((n, c, ho, wo))
    for i in range(ho):
        for j in range(wo):
            out[:, :, i, j] = x[:, :, i * s:i * s + k, j * s:j * s + k].max(axis=(2, 3))
    return out


def maxpool_backward(x, dout, k=2, *, route="max"):
    """Gradient of k x k max pooling with stride k: dout goes to each window's maximum.

    ``route`` gives the usual slips the hints recognise: "mean" (average pooling's gradient),
    "all" (dout copied to every position), "min" (sent to the smallest value).
    """
    x, dout = np.asarray(x, dtype=float), np.asarray(dout, dtype=float)
    n, c, h, w = x.shape
    blocks = x.reshape(n, c, h // k, k, w // k, k)
    up = dout[:, :, :, None, :, None]
    if route == "mean":
        return np.broadcast_to(up / (k * k), blocks.shape).reshape(x.shape)
    if route == "all":
        return np.broadcast_to(up, blocks.shape).reshape(x.shape)
    pick = blocks.max(axis=(3, 5), keepdims=True) if route == "max" else blocks.min(axis=(3, 5), keepdims=True)
    return ((blocks == pick) * up).reshape(x.shape)


def conv_params(c_in: int, c_out: int, k: int, bias: bool = True) -> int:
    """Parameters of a Conv2d(c_in, c_out, k): c_out * c_in * k * k weights (+ c_out biases)."""
    return c_out * c_in * k * k + (c_out if bias else 0)


def dense_params(in_features: int, out_features: int, bias: bool = True) -> int:
    """Parameters of a Linear(in_features, out_features): in * out weights (+ out biases)."""
    return in_features * out_features + (out_features if bias else 0)


# --- cases --------------------------------------------------------------------------------------
def _size_cases():
    rows = [(8, 3, 0, 1, "8x8 image, 3x3 filter, no padding"),
            (8, 3, 1, 1, "padding 1 keeps the size"),
            (32, 5, 2, 2, "32, 5x5, padding 2, stride 2"),
            (224, 3, 1, 1, "VGG's 224 with a 3x3 filter, padding 1"),
            (7, 3, 0, 2, "7, 3x3, stride 2"),
            (6, 3, 0, 2, "6, 3x3, stride 2: (6-3)/2 is not whole"),
            (28, 5, 0, 1, "LeNet: 28 with a 5x5 filter"),
            (14, 1, 0, 1, "a 1x1 filter keeps the size")]
    return [Case((H, F, P, S), label=lab) for H, F, P, S, lab in rows]


def _conv_cases():
    rng = np.random.default_rng(10)
    img = np.arange(16.0).reshape(1, 1, 4, 4)
    edge = np.array([[[[1.0, 0.0, -1.0]] * 3]])  # (1, 1, 3, 3)
    return [
        Case((img, edge, np.zeros(1)), label="4x4 ramp, a vertical-edge filter"),
        Case((rng.normal(size=(2, 3, 5, 5)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)),
             label="N=2, C=3 -> F=4, 3x3"),
        Case((rng.normal(size=(1, 2, 5, 5)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=3)),
             {"padding": 1}, label="padding=1"),
        Case((rng.normal(size=(2, 1, 7, 7)), rng.normal(size=(2, 1, 3, 3)), rng.normal(size=2)),
             {"stride": 2}, label="stride=2"),
        Case((rng.normal(size=(1, 2, 6, 6)), rng.normal(size=(2, 2, 2, 3)), rng.normal(size=2)),
             {"stride": 2, "padding": 1}, label="2x3 filter, stride 2, padding 1"),
    ]


def _pool_cases():
    rng = np.random.default_rng(11)
    grid = np.array([[4, 3, 3, 2], [1, 0, 0, 8], [0, 1, 2, 2], [2, 7, 9, 1.0]]).reshape(1, 1, 4, 4)
    return [
        Case((grid,), label="the 4x4 grid of the chapter, k=2"),
        Case((rng.normal(size=(2, 3, 6, 6)),), {"k": 2}, label="N=2, C=3, 6x6, k=2"),
        Case((rng.normal(size=(1, 2, 7, 7)),), {"k": 3, "s": 2}, label="k=3, s=2 (windows overlap)"),
        Case((rng.normal(size=(1, 1, 5, 5)),), {"k": 2, "s": 1}, label="k=2, s=1"),
    ]


def _pool_backward_cases():
    rng = np.random.default_rng(12)
    grid = np.array([[4, 3, 3, 2], [1, 0, 0, 8], [0, 1, 2, 2], [2, 7, 9, 1.0]]).reshape(1, 1, 4, 4)
    return [
        Case((grid, np.array([[[[1.0, 2.0], [3.0, 4.0]]]])), label="the 4x4 grid, dout = [[1, 2], [3, 4]]"),
        Case((rng.normal(size=(2, 3, 4, 6)), rng.normal(size=(2, 3, 2, 3))), label="N=2, C=3, 4x6, k=2"),
        Case((rng.normal(size=(1, 2, 6, 6)), rng.normal(size=(1, 2, 2, 2))), {"k": 3}, label="k=3"),
    ]


def _conv_param_cases():
    rows = [((1, 6, 5), {}, "LeNet's first layer: 1 -> 6, 5x5"),
            ((3, 64, 3), {}, "VGG's first layer: 3 -> 64, 3x3"),
            ((64, 128, 3), {"bias": False}, "64 -> 128, 3x3, no bias"),
            ((512, 512, 3), {}, "512 -> 512, 3x3"),
            ((16, 32, 1), {}, "a 1x1 convolution, 16 -> 32")]
    return [Case(a, kw, label=lab) for a, kw, lab in rows]


def _dense_param_cases():
    rows = [((784, 100), {}, "a 28x28 image flattened into 100 units"),
            ((25088, 4096), {}, "VGG16's first dense layer"),
            ((64, 10), {"bias": False}, "64 -> 10, no bias"),
            ((3, 1), {}, "3 -> 1")]
    return [Case(a, kw, label=lab) for a, kw, lab in rows]


# --- hints (each guarded: a hint must never raise) ----------------------------------------------
def _safe(pred):
    def when(got, exp, case):
        try:
            return bool(pred(got, exp, case))
        except Exception:
            return False
    return when


def _pad_once(got, exp, case):
    H, F, P, S = case.args
    return P > 0 and got == (H + P - F) // S + 1


def _not_floored(got, exp, case):
    return isinstance(got, float) and got != int(got)


def _flipped(got, exp, case):
    x, w, b = case.args
    return np.allclose(got, conv2d_forward(x, w[:, :, ::-1, ::-1], b, **case.kwargs))


def _no_bias(got, exp, case):
    x, w, b = case.args
    return np.allclose(got, conv2d_forward(x, w, np.zeros_like(b), **case.kwargs))


def _avg_pool(got, exp, case):
    return np.shape(got) == np.shape(exp) and not np.allclose(got, exp) and np.all(np.asarray(got) <= exp + 1e-12)


def _shape_mismatch(got, exp, case):
    return np.shape(got) != np.shape(exp)


def _route(how):
    def when(got, exp, case):
        alt = maxpool_backward(*case.args, **case.kwargs, route=how)
        return np.shape(got) == np.shape(exp) and np.allclose(got, alt) and not np.allclose(alt, exp)
    return when


def _no_cin(got, exp, case):
    c_in, c_out, k = case.args  # with c_in = 1 the slip gives the right count
    return c_in > 1 and got == c_out * k * k + (c_out if case.kwargs.get("bias", True) else 0)


def _bias_ignored(got, exp, case):
    c_in, c_out, k = case.args
    bias = case.kwargs.get("bias", True)
    return got == c_out * c_in * k * k + (0 if bias else c_out)


def _whole_number(received, expected, case):
    """The statements ask for an ``int``: 8.0 is the right size written as the wrong type."""
    if isinstance(received, bool) or not isinstance(received, int):
        shown = f"{type(received).__name__} {received!r}"
        return False, f"expected the int {expected}; got {shown} (return an int, not a float)"
    if received != expected:
        return False, f"expected {expected}, got {received}"
    return True, ""


def _dense_bias(got, exp, case):
    i, o = case.args
    return got in (i * o, i * o + i, (i + 1) * o) and got != exp


EXERCISES = [
    Exercise(
        id="10.conv_output_size", title="The output size of a convolution",
        name="conv_output_size", points=1, cases=_size_cases, reference=conv_output_size,
        judge=_whole_number,
        hints=[Hint(_safe(_pad_once), "Padding adds P pixels on BOTH sides: the padded height is H + 2P."),
               Hint(_safe(_not_floored), "A window cannot stop half-way: round down with // (floor division).")],
        hint="Output = (H + 2P - F) // S + 1, an integer.",
    ),
    Exercise(
        id="10.conv2d_forward", title="Convolution forward pass (NCHW)", name="conv2d_forward",
        points=3, cases=_conv_cases, reference=conv2d_forward,
        hints=[Hint(_safe(_flipped), "You flipped the filter: deep-learning 'convolution' is cross-correlation, "
                                     "so slide w as it is, without rotating it."),
               Hint(_safe(_no_bias), "Everything matches except the bias: add b[f] to every pixel of output map f."),
               Hint(_safe(_shape_mismatch), "Check the output shape (N, F, H_out, W_out) with "
                                            "H_out = (H + 2*padding - KH) // stride + 1; pad with np.pad before sliding.")],
        hint="out[n, f, i, j] = sum over c, u, v of xpad[n, c, i*stride + u, j*stride + v] * w[f, c, u, v] + b[f].",
        forbidden=("torch.nn.functional.conv2d", "torch.conv2d", "dlcourse.nn.Conv2d",
                   "dlcourse.grading.ch10.conv2d_forward", "scipy.signal.correlate"),
    ),
    Exercise(
        id="10.maxpool_forward", title="Max pooling forward pass", name="maxpool_forward",
        points=2, cases=_pool_cases, reference=maxpool_forward,
        hints=[Hint(_safe(_shape_mismatch), "Check the stride: s defaults to k, and the output is "
                                            "(H - k) // s + 1 on each side."),
               Hint(_safe(_avg_pool), "Your values are too small: take the maximum of each window, not the mean.")],
        hint="out[n, c, i, j] = max of x[n, c, i*s : i*s + k, j*s : j*s + k]; s = k when s is None.",
        forbidden=("torch.nn.functional.max_pool2d", "dlcourse.nn.MaxPool2d",
                   "dlcourse.grading.ch10.maxpool_forward"),
    ),
    Exercise(
        id="10.maxpool_backward", title="Max pooling backward pass", name="maxpool_backward",
        points=2, cases=_pool_backward_cases, reference=maxpool_backward,
        hints=[Hint(_safe(_route("mean")), "That is average pooling's gradient: max pooling sends the "
                                           "WHOLE dout of a window to its maximum, not dout / k**2 to all."),
               Hint(_safe(_route("all")), "Only the position of the window's maximum receives dout; "
                                          "the other positions get 0."),
               Hint(_safe(_route("min")), "Route dout to the LARGEST value of each window (the one the "
                                          "forward pass kept).")],
        hint="dx = 0 everywhere except at the maximum of each k x k block, which gets that block's dout.",
        forbidden=("torch.nn.functional.max_pool2d", "dlcourse.nn.MaxPool2d",
                   "dlcourse.grading.ch10.maxpool_backward"),
    ),
    Exercise(
        id="10.conv_params", title="Counting the parameters of a conv layer", name="conv_params",
        points=1, cases=_conv_param_cases, reference=conv_params, judge=_whole_number,
        hints=[Hint(_safe(_no_cin), "Each filter spans ALL input channels: it has c_in * k * k weights."),
               Hint(_safe(_bias_ignored), "One bias per output channel, and none when bias=False.")],
        hint="c_out filters, each c_in x k x k, plus c_out biases when bias=True.",
    ),
    Exercise(
        id="10.dense_params", title="Counting the parameters of a dense layer", name="dense_params",
        points=1, cases=_dense_param_cases, reference=dense_params, judge=_whole_number,
        hints=[Hint(_safe(_dense_bias), "One weight per (input, output) pair, and one bias per OUTPUT unit "
                                        "(none when bias=False).")],
        hint="in_features * out_features weights, plus out_features biases when bias=True.",
    ),
]
