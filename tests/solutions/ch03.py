"""Reference solutions and typical wrong answers for chapter 3's exercises (source text)."""

SOLUTIONS = {
    "03.sigmoid": '''
def sigmoid(x):
    x = np.asarray(x, dtype=float)
    z = np.exp(-np.abs(x))          # between 0 and 1: never overflows
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))
''',
    "03.relu": '''
def relu(x):
    return np.maximum(x, 0.0)
''',
    "03.leaky_relu": '''
def leaky_relu(x, negative_slope=0.01):
    return np.where(x > 0, x, negative_slope * x)
''',
    "03.softmax": '''
def softmax(x):
    shifted = x - x.max(axis=1, keepdims=True)   # each row's largest value becomes 0
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)
''',
    "03.sigmoid_grad": '''
def sigmoid_grad(x):
    z = np.exp(-np.abs(x))
    s = np.where(x >= 0, 1 / (1 + z), z / (1 + z))
    return s * (1 - s)
''',
    "03.count_parameters": '''
def count_parameters(sizes):
    total = 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        total += n_out * n_in + n_out      # weights and biases of one layer
    return int(total)
''',
    "03.mlp_forward": '''
def mlp_forward(X, W1, b1, W2, b2):
    H1 = np.maximum(X @ W1.T + b1, 0.0)   # (N, h)
    return H1 @ W2.T + b2                 # (N, k)
''',
}

WRONG = {
    "03.sigmoid": [
        # the textbook formula: right values, but overflows (a warning) at x = -1000
        ("def sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n", "Right values, but NumPy warned"),
        # the sign flipped: 1 - sigmoid(x) (and exp(-x) overflows at x = -1000: inf / inf)
        ("def sigmoid(x):\n    return np.exp(-x) / (1 + np.exp(-x))\n",
         ("Your values are 1 - sigmoid(x)", "NaN appeared")),
        # only the x < 0 form: overflows for large positive x (inf / inf = NaN)
        ("def sigmoid(x):\n    return np.exp(x) / (1 + np.exp(x))\n", "NaN appeared"),
        # np.where over both forms: right values, but both branches are computed, so exp warns
        ("def sigmoid(x):\n"
         "    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))\n",
         "Right values, but NumPy warned"),
        # 1 - sigmoid(x), computed stably (no NaN, no warning)
        ("def sigmoid(x):\n    return np.exp(-np.logaddexp(0.0, x))\n",
         "Your values are 1 - sigmoid(x)"),
    ],
    "03.relu": [
        ("def relu(x):\n    return np.abs(x)\n", "not their absolute value"),
        # np.max reduces the whole array to one number
        ("def relu(x):\n    return np.max(x, 0)\n", "np.max(x, 0) reduces"),
        "def relu(x):\n    return (x > 0).astype(float)\n",   # that is ReLU's derivative
    ],
    "03.leaky_relu": [
        # ignores the argument
        ("def leaky_relu(x, negative_slope=0.01):\n    return np.where(x > 0, x, 0.01 * x)\n",
         "ignores negative_slope"),
        # plain ReLU
        "def leaky_relu(x, negative_slope=0.01):\n    return np.maximum(x, 0)\n",
        # the slope applied on the wrong side
        "def leaky_relu(x, negative_slope=0.01):\n    return np.where(x > 0, negative_slope * x, x)\n",
    ],
    "03.softmax": [
        # no max shift: exp(1000) overflows, inf / inf = NaN
        ("def softmax(x):\n    e = np.exp(x)\n    return e / e.sum(axis=1, keepdims=True)\n",
         "NaN appeared"),
        # one global max: rows far below it underflow to 0 / 0
        ("def softmax(x):\n    e = np.exp(x - np.max(x))\n    return e / e.sum(axis=1, keepdims=True)\n",
         "NaN appeared"),
        # normalised over the whole batch instead of each row
        ("def softmax(x):\n    e = np.exp(x - x.max(axis=1, keepdims=True))\n    return e / e.sum()\n",
         "Your whole array sums to 1"),
        # softmax over the columns (axis 0) instead of the rows
        ("def softmax(x):\n    e = np.exp(x - x.max(axis=0, keepdims=True))\n"
         "    return e / e.sum(axis=0, keepdims=True)\n", "Your columns sum to 1"),
    ],
    "03.sigmoid_grad": [
        # the formula applied to x instead of sigmoid(x)
        ("def sigmoid_grad(x):\n    return x * (1 - x)\n", "Apply the formula to s = sigmoid(x)"),
        # sigmoid itself
        ("def sigmoid_grad(x):\n    return 1 / (1 + np.exp(-x))\n", "That is sigmoid(x) itself"),
        # the tanh derivative's shape by mistake
        "def sigmoid_grad(x):\n    s = 1 / (1 + np.exp(-x))\n    return 1 - s ** 2\n",
    ],
    "03.count_parameters": [
        # the biases forgotten
        ("def count_parameters(sizes):\n"
         "    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))\n", "counted only the weights"),
        # a bias for every unit, the input layer's too
        ("def count_parameters(sizes):\n"
         "    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) + sum(sizes)\n",
         "The input layer has no weights"),
        # the rule "return an int" broken: a float
        ("def count_parameters(sizes):\n"
         "    return float(sum(b * a + b for a, b in zip(sizes[:-1], sizes[1:])))\n"),
        # only the first layer counted
        "def count_parameters(sizes):\n    return int(sizes[1] * sizes[0] + sizes[1])\n",
    ],
    "03.mlp_forward": [
        # no activation: two linear layers
        ("def mlp_forward(X, W1, b1, W2, b2):\n    return (X @ W1.T + b1) @ W2.T + b2\n",
         "No activation between the layers"),
        # ReLU on the output as well
        ("def mlp_forward(X, W1, b1, W2, b2):\n"
         "    return np.maximum(np.maximum(X @ W1.T + b1, 0) @ W2.T + b2, 0)\n",
         "ReLU is applied to the output too"),
        # weights used as (in, out): works only when they are square
        ("def mlp_forward(X, W1, b1, W2, b2):\n"
         "    return np.maximum(X @ W1 + b1, 0) @ W2 + b2\n", "needs the transpose"),
        # the bias added before the weights
        "def mlp_forward(X, W1, b1, W2, b2):\n"
        "    H = np.maximum(X @ W1.T + b1, 0)\n    return (H + b2[0]) @ W2.T\n",
    ],
}
