"""Reference solutions and typical wrong answers for exercises/09_regularization.ipynb."""

SOLUTIONS = {
    "09.dropout_forward": '''
def dropout_forward(x, mask, p):
    return x * mask / (1 - p)
''',
    "09.dropout_backward": '''
def dropout_backward(dout, mask, p):
    return dout * mask / (1 - p)
''',
    "09.l2_penalty": '''
def l2_penalty(weights, lam):
    value = lam / 2 * sum(np.sum(w ** 2) for w in weights)
    grads = [lam * w for w in weights]
    return float(value), grads
''',
    "09.early_stopping_epoch": '''
def early_stopping_epoch(val_losses, patience):
    best, best_epoch, bad = float("inf"), -1, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch, bad = loss, epoch, 0
        else:
            bad += 1
            if bad == patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses) - 1
''',
    "09.batchnorm_forward": '''
def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=0)
    var = x.var(axis=0)
    x_hat = (x - mean) / np.sqrt(var + eps)
    return gamma * x_hat + beta
''',
}

WRONG = {
    "09.dropout_forward": [
        "def dropout_forward(x, mask, p):\n    return x * mask\n",  # no inverted scaling
        "def dropout_forward(x, mask, p):\n    return x * mask * (1 - p)\n",  # multiplies by keep prob
        "def dropout_forward(x, mask, p):\n    return x * mask / p\n",  # divides by the drop prob
    ],
    "09.dropout_backward": [
        "def dropout_backward(dout, mask, p):\n    return dout * mask\n",
        "def dropout_backward(dout, mask, p):\n    return dout / (1 - p)\n",  # ignores the mask
    ],
    "09.l2_penalty": [
        # no 1/2: value twice too large
        "def l2_penalty(weights, lam):\n    return float(lam * sum(np.sum(w ** 2) for w in weights)), [lam * w for w in weights]\n",
        # the L1 gradient
        "def l2_penalty(weights, lam):\n    return float(lam / 2 * sum(np.sum(w ** 2) for w in weights)), [lam * np.sign(w) for w in weights]\n",
        # norm instead of squared norm
        "def l2_penalty(weights, lam):\n    return float(lam / 2 * sum(np.linalg.norm(w) for w in weights)), [lam * w for w in weights]\n",
    ],
    "09.early_stopping_epoch": [
        # ties count as improvements
        "def early_stopping_epoch(val_losses, patience):\n    best, be, bad = float('inf'), -1, 0\n"
        "    for e, l in enumerate(val_losses):\n        if l <= best:\n            best, be, bad = l, e, 0\n"
        "        else:\n            bad += 1\n            if bad == patience:\n                return be, e\n"
        "    return be, len(val_losses) - 1\n",
        # best epoch taken over the whole list, including epochs after the stop
        "def early_stopping_epoch(val_losses, patience):\n    best, be, bad = float('inf'), -1, 0\n"
        "    for e, l in enumerate(val_losses):\n        if l < best:\n            best, be, bad = l, e, 0\n"
        "        else:\n            bad += 1\n            if bad == patience:\n                return int(np.argmin(val_losses)), e\n"
        "    return be, len(val_losses) - 1\n",
        # stops one epoch late
        "def early_stopping_epoch(val_losses, patience):\n    best, be, bad = float('inf'), -1, 0\n"
        "    for e, l in enumerate(val_losses):\n        if l < best:\n            best, be, bad = l, e, 0\n"
        "        else:\n            bad += 1\n            if bad > patience:\n                return be, e\n"
        "    return be, len(val_losses) - 1\n",
    ],
    "09.batchnorm_forward": [
        # unbiased variance
        "def batchnorm_forward(x, gamma, beta, eps=1e-5):\n"
        "    return gamma * (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + eps) + beta\n",
        # statistics per sample (layer norm), not per feature
        "def batchnorm_forward(x, gamma, beta, eps=1e-5):\n    m = x.mean(1, keepdims=True)\n"
        "    v = x.var(1, keepdims=True)\n    return gamma * (x - m) / np.sqrt(v + eps) + beta\n",
        # eps outside the square root
        "def batchnorm_forward(x, gamma, beta, eps=1e-5):\n"
        "    return gamma * (x - x.mean(0)) / (np.sqrt(x.var(0)) + eps) + beta\n",
    ],
}
