"""Reference solutions and typical wrong answers for chapter 4's exercises (source text)."""

SOLUTIONS = {
    "04.mse_loss": '''
def mse_loss(y_hat, y):
    return np.mean((y_hat - y) ** 2)
''',
    "04.cross_entropy": '''
def cross_entropy(logits, labels):
    shifted = logits - logits.max(axis=1, keepdims=True)                     # (N, C)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))     # log-softmax
    n = logits.shape[0]
    return -log_p[np.arange(n), labels].mean()
''',
    "04.cross_entropy_onehot": '''
def cross_entropy_onehot(logits, targets):
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -(targets * log_p).sum(axis=1).mean()
''',
    "04.binary_cross_entropy": '''
def binary_cross_entropy(p, t):
    p = np.clip(p, 1e-12, 1 - 1e-12)     # keep log away from log(0)
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))
''',
    "04.kl_divergence": '''
def kl_divergence(y, p):
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    pos = y > 0                      # 0 * log 0 counts as 0
    return float(np.sum(y[pos] * np.log(y[pos] / p[pos])))
''',
}

WRONG = {
    "04.mse_loss": [
        # a sum, not a mean
        ("def mse_loss(y_hat, y):\n    return np.sum((y_hat - y) ** 2)\n", "sum of squared errors"),
        # mean absolute error
        ("def mse_loss(y_hat, y):\n    return np.mean(np.abs(y_hat - y))\n", "mean absolute error"),
        # a stray 1/2
        ("def mse_loss(y_hat, y):\n    return 0.5 * np.mean((y_hat - y) ** 2)\n", "Half the expected"),
        "def mse_loss(y_hat, y):\n    return np.mean(y_hat - y) ** 2\n",             # square of the mean
    ],
    "04.cross_entropy": [
        # log of a (stable) softmax: log(0) = -inf for confident mistakes
        ("def cross_entropy(logits, labels):\n"
         "    e = np.exp(logits - logits.max(axis=1, keepdims=True))\n"
         "    p = e / e.sum(axis=1, keepdims=True)\n"
         "    return -np.mean(np.log(p[np.arange(len(labels)), labels]))\n", "log(0) happened"),
        # the same, with the epsilon trick: finite, but about 16 instead of 2000
        ("def cross_entropy(logits, labels):\n"
         "    e = np.exp(logits - logits.max(axis=1, keepdims=True))\n"
         "    p = e / e.sum(axis=1, keepdims=True)\n"
         "    return -np.mean(np.log(p[np.arange(len(labels)), labels] + 1e-7))\n",
         "A small epsilon"),
        # summed over the batch
        ("def cross_entropy(logits, labels):\n"
         "    s = logits - logits.max(axis=1, keepdims=True)\n"
         "    log_p = s - np.log(np.exp(s).sum(axis=1, keepdims=True))\n"
         "    return -log_p[np.arange(len(labels)), labels].sum()\n", "sum over the batch"),
        # the minus sign forgotten: the mean log-probability
        ("def cross_entropy(logits, labels):\n"
         "    s = logits - logits.max(axis=1, keepdims=True)\n"
         "    log_p = s - np.log(np.exp(s).sum(axis=1, keepdims=True))\n"
         "    return log_p[np.arange(len(labels)), labels].mean()\n", "The sign is flipped"),
        # the logits taken as log-probabilities
        ("def cross_entropy(logits, labels):\n"
         "    return -logits[np.arange(len(labels)), labels].mean()\n"),
    ],
    "04.cross_entropy_onehot": [
        # np.mean over the whole (N, C) array divides by N * C
        ("def cross_entropy_onehot(logits, targets):\n"
         "    s = logits - logits.max(axis=1, keepdims=True)\n"
         "    log_p = s - np.log(np.exp(s).sum(axis=1, keepdims=True))\n"
         "    return -np.mean(targets * log_p)\n", "You divided by N * C"),
        # log of the softmax: -inf at +-1000
        ("def cross_entropy_onehot(logits, targets):\n"
         "    e = np.exp(logits - logits.max(axis=1, keepdims=True))\n"
         "    p = e / e.sum(axis=1, keepdims=True)\n"
         "    return -np.mean(np.sum(targets * np.log(p), axis=1))\n", "log(0) happened"),
        # the minus sign forgotten
        ("def cross_entropy_onehot(logits, targets):\n"
         "    s = logits - logits.max(axis=1, keepdims=True)\n"
         "    log_p = s - np.log(np.exp(s).sum(axis=1, keepdims=True))\n"
         "    return (targets * log_p).sum(axis=1).mean()\n", "The sign is flipped"),
        # summed over the batch
        ("def cross_entropy_onehot(logits, targets):\n"
         "    s = logits - logits.max(axis=1, keepdims=True)\n"
         "    log_p = s - np.log(np.exp(s).sum(axis=1, keepdims=True))\n"
         "    return -(targets * log_p).sum()\n", "sum over the batch"),
    ],
    "04.binary_cross_entropy": [
        # no guard: 0 * log(0) = NaN, with a divide-by-zero warning
        ("def binary_cross_entropy(p, t):\n    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))\n",
         "NaN or inf"),
        # the (1 - t) half forgotten
        ("def binary_cross_entropy(p, t):\n"
         "    p = np.clip(p, 1e-12, 1 - 1e-12)\n"
         "    return -np.mean(t * np.log(p))\n"),
        # summed instead of averaged
        ("def binary_cross_entropy(p, t):\n"
         "    p = np.clip(p, 1e-12, 1 - 1e-12)\n"
         "    return -np.sum(t * np.log(p) + (1 - t) * np.log(1 - p))\n", "sum over the batch"),
        # the minus sign forgotten
        ("def binary_cross_entropy(p, t):\n"
         "    p = np.clip(p, 1e-12, 1 - 1e-12)\n"
         "    return np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))\n", "The sign is flipped"),
    ],
    "04.kl_divergence": [
        # the formula as written: 0 * log 0 is NaN (with a warning)
        ("def kl_divergence(y, p):\n    return np.sum(y * np.log(y / p))\n", "NaN: where y_c = 0"),
        # the arguments swapped: KL(p || y)
        ("def kl_divergence(y, p):\n"
         "    pos = p > 0\n    return np.sum(p[pos] * np.log(p[pos] / y[pos]))\n", "KL(p || y)"),
        # the cross-entropy, without subtracting the entropy
        ("def kl_divergence(y, p):\n    return -np.sum(y * np.log(p))\n", "That is the cross-entropy"),
        # the 0 log 0 terms dropped, but the log base 2
        ("def kl_divergence(y, p):\n"
         "    pos = y > 0\n    return np.sum(y[pos] * np.log2(y[pos] / p[pos]))\n"),
    ],
}
