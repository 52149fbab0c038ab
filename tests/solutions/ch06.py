"""Reference solutions and typical wrong answers for chapter 6's exercises (source text)."""

SOLUTIONS = {
    "06.mul_backward": '''
def mul_backward(x, y, dout):
    dx = dout * y  # dz/dx = y
    dy = dout * x  # dz/dy = x
    return dx, dy
''',
    "06.add_backward": '''
def add_backward(x, y, dout):
    return dout * 1.0, dout * 1.0
''',
    "06.linear_backward": '''
def linear_backward(x, W, b, dout):
    dx = dout @ W            # (N, in)
    dW = dout.T @ x          # (out, in)
    db = dout.sum(axis=0)    # (out,)
    return dx, dW, db
''',
    "06.sigmoid_backward": '''
def sigmoid_backward(y, dout):
    return dout * y * (1.0 - y)
''',
    "06.softmax_cross_entropy_backward": '''
def softmax_cross_entropy_backward(logits, labels):
    N = logits.shape[0]
    z = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    onehot = np.zeros_like(probs)
    onehot[np.arange(N), labels] = 1.0
    return (probs - onehot) / N
''',
    "06.relative_error": '''
def relative_error(a, b):
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    if denom == 0:
        return 0.0
    return float(np.linalg.norm(a - b) / denom)
''',
}

WRONG = {
    "06.mul_backward": [
        # forgot to swap: each input gets its own value
        ("def mul_backward(x, y, dout):\n    return dout * x, dout * y\n",
         "dx and dy are swapped"),
        # forgot the upstream gradient
        "def mul_backward(x, y, dout):\n    return y, x\n",
    ],
    "06.add_backward": [
        # local derivative only, upstream gradient dropped
        "def add_backward(x, y, dout):\n    return np.ones_like(dout), np.ones_like(dout)\n",
        # treated like a multiply node
        "def add_backward(x, y, dout):\n    return dout * y, dout * x\n",
    ],
    "06.linear_backward": [
        # forgot to sum the bias gradient over the batch
        ("def linear_backward(x, W, b, dout):\n    return dout @ W, dout.T @ x, dout\n",
         "db must have the bias's shape"),
        # transposed weight gradient (in, out)
        ("def linear_backward(x, W, b, dout):\n    return dout @ W, x.T @ dout, dout.sum(axis=0)\n",
         "dW is transposed"),
        # averaged instead of summed over the batch
        ("def linear_backward(x, W, b, dout):\n    return dout @ W, dout.T @ x, dout.mean(axis=0)\n",
         "db is the batch mean"),
        # one weight gradient per example, never summed over the batch: (N, out, in)
        ("def linear_backward(x, W, b, dout):\n"
         "    dW = dout[:, :, None] * x[:, None, :]\n"
         "    return dout @ W, dW, dout.sum(axis=0)\n",
         "dW must have W's shape"),
        # right dx and db, dW 0.1 % too large: no hint; the feedback must show dW (item 1),
        # the item that differs, not dx (issue 11)
        "def linear_backward(x, W, b, dout):\n"
        "    return dout @ W, 1.001 * (dout.T @ x), dout.sum(axis=0)\n",
    ],
    "06.sigmoid_backward": [
        # local derivative only
        ("def sigmoid_backward(y, dout):\n    return y * (1 - y)\n",
         "the local derivative alone"),
        # applied the sigmoid again to its output
        ("def sigmoid_backward(y, dout):\n    s = 1 / (1 + np.exp(-y))\n    return dout * s * (1 - s)\n",
         "do not apply the sigmoid to it again"),
    ],
    "06.softmax_cross_entropy_backward": [
        # forgot to divide by N
        ('''
def softmax_cross_entropy_backward(logits, labels):
    z = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    probs[np.arange(len(labels)), labels] -= 1
    return probs
''', "Off by a factor of N"),
        # used the probabilities without subtracting the one-hot targets
        '''
def softmax_cross_entropy_backward(logits, labels):
    z = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return probs / len(labels)
''',
        # unstable softmax: overflows at logits of 1000
        ('''
def softmax_cross_entropy_backward(logits, labels):
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    probs[np.arange(len(labels)), labels] -= 1
    return probs / len(labels)
''', "exp(1000) overflows"),
    ],
    "06.relative_error": [
        # absolute error, not relative
        "def relative_error(a, b):\n    return float(np.linalg.norm(a - b))\n",
        # divides by ||a|| only, and 0/0 for zero arrays
        ("def relative_error(a, b):\n    return float(np.linalg.norm(a - b) / np.linalg.norm(a))\n",
         "NaN for two zero arrays"),
        # the right formula without the guard: 0 / 0 = NaN for two zero arrays
        ("def relative_error(a, b):\n"
         "    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))\n",
         "NaN for two zero arrays"),
    ],
}
