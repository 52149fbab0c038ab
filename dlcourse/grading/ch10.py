"""Exercises of chapter 10, Convolutional networks: output size, conv forward, max pooling,
parameter counts. All inputs and answers are plain NumPy arrays and Python numbers (NCHW)."""
# Over the house style's ~300 lines on purpose: each exercise of the chapter is defined whole
# in this file (statement, stub, points, cases, judge, hints, reference solution and typical
# wrong answers), so a teacher changes an exercise in one place; tools/exercise.py writes the
# notebook's cells from it and proves it.
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
        statement=r"""
Write `conv_output_size(H, F, P, S)`: the output height of a convolution on an input of height `H`
with a filter of height `F`, zero padding `P` on each side and stride `S`. Return an `int`.

$$H_\text{out} = \left\lfloor \frac{H + 2P - F}{S} \right\rfloor + 1$$

Example: `conv_output_size(8, 3, 1, 1)` is `8` ("same" padding), and `conv_output_size(6, 3, 0, 2)` is `2`.
""",
        stub='''
def conv_output_size(H, F, P, S):
    """Output height: input H, filter F, padding P (each side), stride S."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
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
        heading='Convolution forward pass',
        statement="""
Write `conv2d_forward(x, w, b, stride=1, padding=0)`, the forward pass of `torch.nn.Conv2d`:

- `x`: input of shape `(N, C, H, W)`; `w`: filters of shape `(F, C, KH, KW)`; `b`: biases of shape `(F,)`;
- return an array of shape `(N, F, H_out, W_out)` with
  `out[n, f, i, j] = sum over c, u, v of xpad[n, c, i*stride + u, j*stride + v] * w[f, c, u, v] + b[f]`,
  where `xpad` is `x` with `padding` zeros on every side of H and W (`np.pad`).

Like every deep-learning library, do **not** flip the filter (this is a cross-correlation). Two loops over
the output positions are fine; `np.einsum("nchw,fchw->nf", patch, w)` or `np.tensordot` handles the rest.

Example: a 4x4 input `np.arange(16.).reshape(1, 1, 4, 4)` with the filter `[[1, 0, -1]] * 3` (shape
`(1, 1, 3, 3)`) and `b = np.zeros(1)` gives `[[[[-6., -6.], [-6., -6.]]]]`.
""",
        stub='''
def conv2d_forward(x, w, b, stride=1, padding=0):
    """x (N, C, H, W), w (F, C, KH, KW), b (F,) -> (N, F, H_out, W_out)."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
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
        statement="""
Write `maxpool_forward(x, k=2, s=None)`: max pooling of `x` (shape `(N, C, H, W)`) with a `k x k`
window and stride `s` (when `s` is `None`, use `s = k`, as `torch.nn.MaxPool2d` does). Each channel is
pooled on its own; the output has shape `(N, C, (H - k) // s + 1, (W - k) // s + 1)`.

Example: the 4x4 grid `[[4, 3, 3, 2], [1, 0, 0, 8], [0, 1, 2, 2], [2, 7, 9, 1]]` (as shape `(1, 1, 4, 4)`)
pools to `[[4, 8], [7, 9]]`.
""",
        stub='''
def maxpool_forward(x, k=2, s=None):
    """Max pooling of x (N, C, H, W): k x k windows, stride s (default k)."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
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
        statement="""
Write `maxpool_backward(x, dout, k=2)`: the gradient of max pooling with `k x k` windows and stride
`k` (the windows do not overlap; `H` and `W` are multiples of `k`). `x` is the pooling layer's input,
shape `(N, C, H, W)`, and `dout` the gradient of the loss with respect to its output, shape
`(N, C, H // k, W // k)`. Return `dx`, shaped like `x`: in each window, the position of the maximum
gets the window's `dout`, and every other position gets 0 (the inputs have no ties).

Example: the 4x4 grid `[[4, 3, 3, 2], [1, 0, 0, 8], [0, 1, 2, 2], [2, 7, 9, 1]]` (as shape
`(1, 1, 4, 4)`) with `dout = [[1, 2], [3, 4]]` gives
`[[1, 0, 0, 0], [0, 0, 0, 2], [0, 0, 0, 0], [0, 3, 4, 0]]`. Hint: `x.reshape(N, C, H // k, k, W // k, k)`
puts each window's entries on axes 3 and 5.
""",
        stub='''
def maxpool_backward(x, dout, k=2):
    """Gradient of k x k max pooling (stride k): dx shaped like x."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
    Exercise(
        id="10.conv_params", title="Counting the parameters of a conv layer", name="conv_params",
        points=1, cases=_conv_param_cases, reference=conv_params, judge=_whole_number,
        hints=[Hint(_safe(_no_cin), "Each filter spans ALL input channels: it has c_in * k * k weights."),
               Hint(_safe(_bias_ignored), "One bias per output channel, and none when bias=False.")],
        hint="c_out filters, each c_in x k x k, plus c_out biases when bias=True.",
        heading='Parameters of a convolution layer',
        statement="""
Write `conv_params(c_in, c_out, k, bias=True)`: the number of parameters of
`torch.nn.Conv2d(c_in, c_out, k, bias=bias)` (square `k x k` filters). Return an `int`.

Example: VGG16's first layer, `conv_params(3, 64, 3)`, has 1,792 parameters.
""",
        stub='''
def conv_params(c_in, c_out, k, bias=True):
    """Number of parameters of a Conv2d(c_in, c_out, k) layer."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
    Exercise(
        id="10.dense_params", title="Counting the parameters of a dense layer", name="dense_params",
        points=1, cases=_dense_param_cases, reference=dense_params, judge=_whole_number,
        hints=[Hint(_safe(_dense_bias), "One weight per (input, output) pair, and one bias per OUTPUT unit "
                                        "(none when bias=False).")],
        hint="in_features * out_features weights, plus out_features biases when bias=True.",
        heading='Parameters of a dense layer',
        statement="""
Write `dense_params(in_features, out_features, bias=True)`: the number of parameters of
`torch.nn.Linear(in_features, out_features, bias=bias)`. Return an `int`.

Example: `dense_params(3, 1)` is 4. Then compare: how many parameters does a dense layer from a flattened
28 x 28 image to 100 units need, and how many does `conv_params(1, 100, 3)` need?
""",
        stub='''
def dense_params(in_features, out_features, bias=True):
    """Number of parameters of a Linear(in_features, out_features) layer."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
]


# ------------------------------------------------------------ the proof
# The reference solution of each exercise and its typical wrong answers, as the source a
# learner would paste into the answer cell (see CONTRIBUTING.md, tools/exercise.py prove).
SOLUTIONS = {
    "10.conv_output_size": '''
def conv_output_size(H, F, P, S):
    return (H + 2 * P - F) // S + 1
''',
    "10.conv2d_forward": '''
def conv2d_forward(x, w, b, stride=1, padding=0):
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    H_out = (H - KH) // stride + 1
    W_out = (W - KW) // stride + 1
    out = np.zeros((N, F, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            patch = x[:, :, i * stride:i * stride + KH, j * stride:j * stride + KW]  # (N, C, KH, KW)
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", patch, w)
    return out + b.reshape(1, F, 1, 1)
''',
    "10.maxpool_forward": '''
def maxpool_forward(x, k=2, s=None):
    s = k if s is None else s
    N, C, H, W = x.shape
    H_out, W_out = (H - k) // s + 1, (W - k) // s + 1
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = x[:, :, i * s:i * s + k, j * s:j * s + k].max(axis=(2, 3))
    return out
''',
    "10.maxpool_backward": '''
def maxpool_backward(x, dout, k=2):
    N, C, H, W = x.shape
    blocks = x.reshape(N, C, H // k, k, W // k, k)          # the k x k windows
    winner = blocks == blocks.max(axis=(3, 5), keepdims=True)
    return (winner * dout[:, :, :, None, :, None]).reshape(N, C, H, W)
''',
    "10.conv_params": '''
def conv_params(c_in, c_out, k, bias=True):
    return c_out * c_in * k * k + (c_out if bias else 0)
''',
    "10.dense_params": '''
def dense_params(in_features, out_features, bias=True):
    return in_features * out_features + (out_features if bias else 0)
''',
}

# Each WRONG entry is a learner's answer; a tuple (answer, "substring") also names the hint that
# answer must get (tests/test_exercises.py checks that it shows, and that no other answer shows
# a hint it does not name).
WRONG = {
    "10.conv_output_size": [
        # padding added on one side only
        ("def conv_output_size(H, F, P, S):\n    return (H + P - F) // S + 1\n", "BOTH sides"),
        # true division: 2.5 instead of 2 when the stride does not divide evenly
        ("def conv_output_size(H, F, P, S):\n    return (H + 2 * P - F) / S + 1\n",
         "round down with //"),
        # the rule "return an int": the right size, as a float
        "def conv_output_size(H, F, P, S):\n    return float((H + 2 * P - F) // S + 1)\n",
    ],
    "10.conv2d_forward": [
        # flips the kernel (mathematical convolution, not cross-correlation)
        ('''
def conv2d_forward(x, w, b, stride=1, padding=0):
    w = w[:, :, ::-1, ::-1]
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    Ho, Wo = (H - KH) // stride + 1, (W - KW) // stride + 1
    out = np.zeros((N, F, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", x[:, :, i*stride:i*stride+KH, j*stride:j*stride+KW], w)
    return out + b.reshape(1, F, 1, 1)
''', "You flipped the filter"),
        # forgets the bias
        ('''
def conv2d_forward(x, w, b, stride=1, padding=0):
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    Ho, Wo = (H - KH) // stride + 1, (W - KW) // stride + 1
    out = np.zeros((N, F, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", x[:, :, i*stride:i*stride+KH, j*stride:j*stride+KW], w)
    return out
''', "add b[f]"),
        # ignores stride and padding
        ('''
def conv2d_forward(x, w, b, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    out = np.zeros((N, F, H - KH + 1, W - KW + 1))
    for i in range(H - KH + 1):
        for j in range(W - KW + 1):
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", x[:, :, i:i+KH, j:j+KW], w)
    return out + b.reshape(1, F, 1, 1)
''', "Check the output shape"),
        # the rule "do not use torch": torch's conv2d does the work
        '''
import torch

def conv2d_forward(x, w, b, stride=1, padding=0):
    out = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(w), torch.tensor(b),
                                     stride=stride, padding=padding)
    return out.numpy()
''',
    ],
    "10.maxpool_forward": [
        # average pooling
        ('''
def maxpool_forward(x, k=2, s=None):
    s = k if s is None else s
    N, C, H, W = x.shape
    Ho, Wo = (H - k) // s + 1, (W - k) // s + 1
    out = np.zeros((N, C, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = x[:, :, i*s:i*s+k, j*s:j*s+k].mean(axis=(2, 3))
    return out
''', "not the mean"),
        # stride always 1
        ('''
def maxpool_forward(x, k=2, s=None):
    N, C, H, W = x.shape
    out = np.zeros((N, C, H - k + 1, W - k + 1))
    for i in range(H - k + 1):
        for j in range(W - k + 1):
            out[:, :, i, j] = x[:, :, i:i+k, j:j+k].max(axis=(2, 3))
    return out
''', "Check the stride"),
        # the rule "do not use torch": torch's max_pool2d does the work
        '''
import torch

def maxpool_forward(x, k=2, s=None):
    return torch.nn.functional.max_pool2d(torch.tensor(x), k, s).numpy()
''',
    ],
    "10.maxpool_backward": [
        # average pooling's gradient
        ("""
def maxpool_backward(x, dout, k=2):
    return np.repeat(np.repeat(dout, k, axis=2), k, axis=3) / k**2
""", "average pooling's gradient"),
        # dout copied to every position of the window
        ("""
def maxpool_backward(x, dout, k=2):
    return np.repeat(np.repeat(dout, k, axis=2), k, axis=3)
""", "get 0"),
        # routed to the minimum
        ("""
def maxpool_backward(x, dout, k=2):
    N, C, H, W = x.shape
    blocks = x.reshape(N, C, H // k, k, W // k, k)
    winner = blocks == blocks.min(axis=(3, 5), keepdims=True)
    return (winner * dout[:, :, :, None, :, None]).reshape(N, C, H, W)
""", "LARGEST value"),
        # ignores k: always 2 x 2 windows
        """
def maxpool_backward(x, dout, k=2):
    N, C, H, W = x.shape
    blocks = x.reshape(N, C, H // 2, 2, W // 2, 2)
    winner = blocks == blocks.max(axis=(3, 5), keepdims=True)
    return (winner * dout[:, :, :, None, :, None]).reshape(N, C, H, W)
""",
        # the rule "do not use torch": torch's autograd does the work
        """
import torch

def maxpool_backward(x, dout, k=2):
    xt = torch.tensor(x, requires_grad=True)
    (torch.nn.functional.max_pool2d(xt, k) * torch.tensor(dout)).sum().backward()
    return xt.grad.numpy()
""",
    ],
    "10.conv_params": [
        # forgets that each filter spans all input channels
        ("def conv_params(c_in, c_out, k, bias=True):\n    return c_out * k * k + (c_out if bias else 0)\n",
         "ALL input channels"),
        # always adds the bias
        ("def conv_params(c_in, c_out, k, bias=True):\n    return c_out * c_in * k * k + c_out\n",
         "none when bias=False"),
        # the rule "return an int": the right count, as a float
        "def conv_params(c_in, c_out, k, bias=True):\n"
        "    return float(c_out * c_in * k * k + (c_out if bias else 0))\n",
    ],
    "10.dense_params": [
        # one bias per input instead of per output
        ("def dense_params(in_features, out_features, bias=True):\n"
         "    return in_features * out_features + (in_features if bias else 0)\n",
         "one bias per OUTPUT unit"),
        # ignores the bias
        ("def dense_params(in_features, out_features, bias=True):\n"
         "    return in_features * out_features\n", "one bias per OUTPUT unit"),
        # the rule "return an int": the right count, as a float
        "def dense_params(in_features, out_features, bias=True):\n"
        "    return float(in_features * out_features + (out_features if bias else 0))\n",
    ],
}
