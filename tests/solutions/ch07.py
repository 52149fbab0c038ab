"""Reference solutions and typical wrong answers for exercises/07_vanishing_gradients.ipynb."""

SOLUTIONS = {
    "07.min_depth_below": '''
def min_depth_below(threshold):
    n, bound = 0, 1.0
    while bound >= threshold:
        n += 1
        bound *= 0.25
    return n
''',
    "07.init_scales": '''
def init_scales(fan_in, fan_out):
    xavier_std = (2.0 / (fan_in + fan_out)) ** 0.5
    return {
        "xavier_std": xavier_std,
        "xavier_bound": 3 ** 0.5 * xavier_std,
        "he_std": (2.0 / fan_in) ** 0.5,
    }
''',
    "07.layer_grad_norms": '''
def layer_grad_norms(x, y, weights, biases):
    hs = [x]
    for W, b in zip(weights, biases):
        hs.append(1 / (1 + np.exp(-(hs[-1] @ W.T + b))))
    dh = 2 * (hs[-1] - y) / y.size
    norms = []
    for i in reversed(range(len(weights))):
        dz = dh * hs[i + 1] * (1 - hs[i + 1])
        norms.append(np.linalg.norm(dz.T @ hs[i]))
        dh = dz @ weights[i]
    return norms[::-1]
''',
    "07.clip_grad_norm": '''
def clip_grad_norm(grads, max_norm):
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    factor = min(1.0, max_norm / (total + 1e-6))
    return [g * factor for g in grads], float(total)
''',
    "07.tanh_net_step": '''
def tanh_net_step(W1, b1, W2, b2, X, y, lr):
    h = np.tanh(X @ W1.T + b1)              # (N, H)
    y_hat = h @ W2.T + b2                   # (N, out)
    d = 2 * (y_hat - y) / y.size            # dL/dy_hat
    dW2, db2 = d.T @ h, d.sum(axis=0)
    dz = (d @ W2) * (1 - h ** 2)            # delta of the hidden layer
    dW1, db1 = dz.T @ X, dz.sum(axis=0)
    return [W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2]
''',
}

WRONG = {
    # (source, "part of the hint it must trigger") for the wrong answers a specific hint
    # recognises; plain source strings for those that must get expected-against-received only.
    "07.min_depth_below": [
        # rounds a logarithm up: wrong at exact powers of 0.25 (the bound equals the threshold)
        ("import math\ndef min_depth_below(threshold):\n"
         "    return math.ceil(math.log(threshold) / math.log(0.25))\n",
         "the bound EQUALS the threshold"),
        # uses 0.5 as the largest slope (that is tanh's half, not sigmoid's)
        "def min_depth_below(threshold):\n    n = 0\n    while 0.5 ** n >= threshold:\n        n += 1\n    return n\n",
        # <= instead of <: stops when the bound equals the threshold
        ("def min_depth_below(threshold):\n    n = 0\n    while 0.25 ** n > threshold:\n"
         "        n += 1\n    return n\n",
         "the bound EQUALS the threshold"),
        # the right count, as a float
        ("def min_depth_below(threshold):\n    n = 0\n    while 0.25 ** n >= threshold:\n"
         "        n += 1\n    return float(n)\n",
         "Return a whole number of layers"),
    ],
    "07.init_scales": [
        # He with fan_out
        ("def init_scales(fan_in, fan_out):\n    return {'xavier_std': (2 / (fan_in + fan_out)) ** 0.5,\n"
         "            'xavier_bound': (6 / (fan_in + fan_out)) ** 0.5, 'he_std': (2 / fan_out) ** 0.5}\n",
         "divides by fan_in, not fan_out"),
        # the uniform bound taken equal to the standard deviation
        ("def init_scales(fan_in, fan_out):\n    s = (2 / (fan_in + fan_out)) ** 0.5\n"
         "    return {'xavier_std': s, 'xavier_bound': s, 'he_std': (2 / fan_in) ** 0.5}\n",
         "The uniform bound is not the standard deviation"),
        # LeCun's 1 / fan_in in place of Xavier's average
        ("def init_scales(fan_in, fan_out):\n    return {'xavier_std': (1 / fan_in) ** 0.5,\n"
         "            'xavier_bound': (3 / fan_in) ** 0.5, 'he_std': (2 / fan_in) ** 0.5}\n",
         "average fan_in and fan_out"),
        # a wrong Xavier value (the 2 forgotten) with a right He value: no He hint (issue 11)
        "def init_scales(fan_in, fan_out):\n    return {'xavier_std': (1 / (fan_in + fan_out)) ** 0.5,\n"
        "            'xavier_bound': (3 / (fan_in + fan_out)) ** 0.5, 'he_std': (2 / fan_in) ** 0.5}\n",
    ],
    "07.layer_grad_norms": [
        # forgets the sigmoid derivative on the way back
        ("def layer_grad_norms(x, y, weights, biases):\n    hs = [x]\n    for W, b in zip(weights, biases):\n"
         "        hs.append(1 / (1 + np.exp(-(hs[-1] @ W.T + b))))\n    dh = 2 * (hs[-1] - y) / y.size\n"
         "    norms = []\n    for i in reversed(range(len(weights))):\n"
         "        norms.append(np.linalg.norm(dh.T @ hs[i]))\n"
         "        dh = dh @ weights[i]\n    return norms[::-1]\n",
         "without the sigmoid's derivative"),
        # sums the squared errors instead of averaging them
        ("def layer_grad_norms(x, y, weights, biases):\n    hs = [x]\n    for W, b in zip(weights, biases):\n"
         "        hs.append(1 / (1 + np.exp(-(hs[-1] @ W.T + b))))\n    dh = 2 * (hs[-1] - y)\n"
         "    norms = []\n    for i in reversed(range(len(weights))):\n"
         "        dz = dh * hs[i + 1] * (1 - hs[i + 1])\n"
         "        norms.append(np.linalg.norm(dz.T @ hs[i]))\n        dh = dz @ weights[i]\n"
         "    return norms[::-1]\n",
         "off by the same factor"),
        # last layer first
        ("def layer_grad_norms(x, y, weights, biases):\n    hs = [x]\n    for W, b in zip(weights, biases):\n"
         "        hs.append(1 / (1 + np.exp(-(hs[-1] @ W.T + b))))\n    dh = 2 * (hs[-1] - y) / y.size\n"
         "    norms = []\n    for i in reversed(range(len(weights))):\n"
         "        dz = dh * hs[i + 1] * (1 - hs[i + 1])\n"
         "        norms.append(np.linalg.norm(dz.T @ hs[i]))\n        dh = dz @ weights[i]\n    return norms\n",
         "Right numbers in the wrong order"),
    ],
    "07.clip_grad_norm": [
        # clips each array on its own
        ("def clip_grad_norm(grads, max_norm):\n    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))\n"
         "    out = [g * min(1.0, max_norm / (np.linalg.norm(g) + 1e-6)) for g in grads]\n"
         "    return out, float(total)\n",
         "Clip all gradients TOGETHER"),
        # always rescales to max_norm, even small gradients
        ("def clip_grad_norm(grads, max_norm):\n    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))\n"
         "    return [g * max_norm / (total + 1e-6) for g in grads], float(total)\n",
         "leave the gradients unchanged"),
        # clips values element by element (on one small and one huge one-entry gradient, this
        # gives what clipping each array on its own gives, and gets that hint there)
        ("def clip_grad_norm(grads, max_norm):\n    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))\n"
         "    return [np.clip(g, -max_norm, max_norm) for g in grads], float(total)\n",
         "Clip all gradients TOGETHER"),
        # returns the clipped arrays only, without the total norm
        ("def clip_grad_norm(grads, max_norm):\n    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))\n"
         "    return [g * min(1.0, max_norm / (total + 1e-6)) for g in grads]\n",
         "Return a pair"),
        # breaks the rule "do not change the inputs": scales the given arrays in place
        "def clip_grad_norm(grads, max_norm):\n    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))\n"
        "    for g in grads:\n        g *= min(1.0, max_norm / (total + 1e-6))\n    return grads, float(total)\n",
    ],
    "07.tanh_net_step": [
        # forgets tanh's derivative on the way back
        ("def tanh_net_step(W1, b1, W2, b2, X, y, lr):\n    h = np.tanh(X @ W1.T + b1)\n"
         "    d = 2 * (h @ W2.T + b2 - y) / y.size\n    dz = d @ W2\n"
         "    return [W1 - lr * dz.T @ X, b1 - lr * dz.sum(0), W2 - lr * d.T @ h, b2 - lr * d.sum(0)]\n",
         "without tanh's derivative"),
        # updates W2 first, then uses the new W2 for the hidden layer's gradient
        ("def tanh_net_step(W1, b1, W2, b2, X, y, lr):\n    h = np.tanh(X @ W1.T + b1)\n"
         "    d = 2 * (h @ W2.T + b2 - y) / y.size\n    W2 = W2 - lr * d.T @ h\n"
         "    b2 = b2 - lr * d.sum(0)\n    dz = (d @ W2) * (1 - h ** 2)\n"
         "    return [W1 - lr * dz.T @ X, b1 - lr * dz.sum(0), W2, b2]\n",
         "already-updated W2"),
        # sums the squared errors instead of averaging them
        ("def tanh_net_step(W1, b1, W2, b2, X, y, lr):\n    h = np.tanh(X @ W1.T + b1)\n"
         "    d = 2 * (h @ W2.T + b2 - y)\n    dz = (d @ W2) * (1 - h ** 2)\n"
         "    return [W1 - lr * dz.T @ X, b1 - lr * dz.sum(0), W2 - lr * d.T @ h, b2 - lr * d.sum(0)]\n",
         "too big by the number of entries"),
        # averages over the N examples only, not over all N * out entries
        "def tanh_net_step(W1, b1, W2, b2, X, y, lr):\n    h = np.tanh(X @ W1.T + b1)\n"
        "    d = 2 * (h @ W2.T + b2 - y) / len(X)\n    dz = (d @ W2) * (1 - h ** 2)\n"
        "    return [W1 - lr * dz.T @ X, b1 - lr * dz.sum(0), W2 - lr * d.T @ h, b2 - lr * d.sum(0)]\n",
    ],
}
