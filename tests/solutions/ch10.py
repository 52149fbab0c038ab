"""Reference solutions and typical wrong answers for chapter 10's exercises (source text)."""

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
