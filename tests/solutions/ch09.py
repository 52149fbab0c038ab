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
    "09.layernorm_forward": '''
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
''',
}

_ES = """
def early_stopping_epoch(val_losses, patience):
    best, best_epoch, bad = float("inf"), -1, 0
    for epoch, loss in enumerate(val_losses):
        if loss {less} best:
            best, best_epoch, bad = loss, epoch, 0
        else:
            bad += 1
            if {stop}:
                return {ret}
    return {last}
"""
_OK = dict(less="<", stop="bad == patience", ret="best_epoch, epoch", last="best_epoch, len(val_losses) - 1")
ES_LE = _ES.format(**{**_OK, "less": "<="})
ES_ARGMIN = _ES.format(**{**_OK, "ret": "int(np.argmin(val_losses)), epoch"})
ES_LATE = _ES.format(**{**_OK, "stop": "bad > patience"})
ES_EARLY = _ES.format(**{**_OK, "stop": "bad + 1 == patience"})
ES_FLOATS = _ES.format(**{**_OK, "ret": "float(best_epoch), float(epoch)",
                          "last": "float(best_epoch), float(len(val_losses) - 1)"})


# Each WRONG entry is a learner's answer; a tuple (answer, "substring") also names the hint that
# answer must get (tests/test_exercises.py checks that it shows, and that no other answer shows
# a hint it does not name).
WRONG = {
    "09.dropout_forward": [
        ("def dropout_forward(x, mask, p):\n    return x * mask\n",  # no inverted scaling
         "forgot the scale"),
        ("def dropout_forward(x, mask, p):\n    return x * mask * (1 - p)\n",  # times keep prob
         "do not multiply by it"),
        "def dropout_forward(x, mask, p):\n    return x * mask / p\n",  # divides by the drop prob
    ],
    "09.dropout_backward": [
        ("def dropout_backward(dout, mask, p):\n    return dout * mask\n",
         "multiplied by the same mask"),
        "def dropout_backward(dout, mask, p):\n    return dout / (1 - p)\n",  # ignores the mask
        ("def dropout_backward(dout, mask, p):\n    return dout * mask * (1 - p)\n",
         "do not multiply by it"),
    ],
    "09.l2_penalty": [
        # no 1/2: value twice too large
        ("def l2_penalty(weights, lam):\n"
         "    value = lam * sum(np.sum(w ** 2) for w in weights)\n"
         "    return float(value), [lam * w for w in weights]\n", "twice the expected"),
        # the L1 gradient
        ("def l2_penalty(weights, lam):\n"
         "    value = lam / 2 * sum(np.sum(w ** 2) for w in weights)\n"
         "    return float(value), [lam * np.sign(w) for w in weights]\n", "gradient of the L1"),
        # norm instead of squared norm
        "def l2_penalty(weights, lam):\n"
        "    value = lam / 2 * sum(np.linalg.norm(w) for w in weights)\n"
        "    return float(value), [lam * w for w in weights]\n",
        # only the value
        ("def l2_penalty(weights, lam):\n"
         "    return float(lam / 2 * sum(np.sum(w ** 2) for w in weights))\n", "Return a pair"),
    ],
    "09.early_stopping_epoch": [
        # ties count as improvements
        (ES_LE, "strict <"),
        # best epoch taken over the whole list, including epochs after the stop
        (ES_ARGMIN, "BEFORE stopping"),
        # stops one epoch late (bad > patience)
        (ES_LATE, "off by one"),
        # stops one epoch early (the bad epoch counted before it is added)
        (ES_EARLY, "off by one"),
        # breaks the rule "a pair of ints": the epochs as floats
        ES_FLOATS,
    ],
    "09.batchnorm_forward": [
        # unbiased variance
        ("def batchnorm_forward(x, gamma, beta, eps=1e-5):\n"
         "    return gamma * (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + eps) + beta\n",
         "biased variance"),
        # statistics per sample (layer norm), not per feature
        ("def batchnorm_forward(x, gamma, beta, eps=1e-5):\n    m = x.mean(1, keepdims=True)\n"
         "    v = x.var(1, keepdims=True)\n    return gamma * (x - m) / np.sqrt(v + eps) + beta\n",
         "over the batch (axis 0)"),
        # eps outside the square root
        "def batchnorm_forward(x, gamma, beta, eps=1e-5):\n"
        "    return gamma * (x - x.mean(0)) / (np.sqrt(x.var(0)) + eps) + beta\n",
    ],
    "09.layernorm_forward": [
        # batch norm's statistics (over the batch, axis 0)
        ("def layernorm_forward(x, gamma, beta, eps=1e-5):\n"
         "    return gamma * (x - x.mean(0)) / np.sqrt(x.var(0) + eps) + beta\n",
         "That is batch norm"),
        # the unbiased variance
        ("def layernorm_forward(x, gamma, beta, eps=1e-5):\n"
         "    m, v = x.mean(1, keepdims=True), x.var(1, ddof=1, keepdims=True)\n"
         "    return gamma * (x - m) / np.sqrt(v + eps) + beta\n",
         "biased variance"),
        # forgets keepdims: (N,) statistics broadcast along the wrong axis
        "def layernorm_forward(x, gamma, beta, eps=1e-5):\n"
        "    return gamma * (x - x.mean(1)) / np.sqrt(x.var(1) + eps) + beta\n",
        # eps outside the square root
        "def layernorm_forward(x, gamma, beta, eps=1e-5):\n"
        "    m, v = x.mean(1, keepdims=True), x.var(1, keepdims=True)\n"
        "    return gamma * (x - m) / (np.sqrt(v) + eps) + beta\n",
    ],
}
