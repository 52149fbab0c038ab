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
        "def mul_backward(x, y, dout):\n    return dout * x, dout * y\n",
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
        "def linear_backward(x, W, b, dout):\n    return dout @ W, dout.T @ x, dout\n",
        # transposed weight gradient (in, out)
        "def linear_backward(x, W, b, dout):\n    return dout @ W, x.T @ dout, dout.sum(axis=0)\n",
        # averaged instead of summed over the batch
        "def linear_backward(x, W, b, dout):\n    return dout @ W, dout.T @ x, dout.mean(axis=0)\n",
    ],
    "06.sigmoid_backward": [
        # local derivative only
        "def sigmoid_backward(y, dout):\n    return y * (1 - y)\n",
        # applied the sigmoid again to its output
        "def sigmoid_backward(y, dout):\n    s = 1 / (1 + np.exp(-y))\n    return dout * s * (1 - s)\n",
    ],
    "06.softmax_cross_entropy_backward": [
        # forgot to divide by N
        '''
def softmax_cross_entropy_backward(logits, labels):
    z = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    probs[np.arange(len(labels)), labels] -= 1
    return probs
''',
        # used the probabilities without subtracting the one-hot targets
        '''
def softmax_cross_entropy_backward(logits, labels):
    z = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return probs / len(labels)
''',
        # unstable softmax: overflows at logits of 1000
        '''
def softmax_cross_entropy_backward(logits, labels):
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    probs[np.arange(len(labels)), labels] -= 1
    return probs / len(labels)
''',
    ],
    "06.relative_error": [
        # absolute error, not relative
        "def relative_error(a, b):\n    return float(np.linalg.norm(a - b))\n",
        # divides by ||a|| only, and 0/0 for zero arrays
        "def relative_error(a, b):\n    return float(np.linalg.norm(a - b) / np.linalg.norm(a))\n",
    ],
}
