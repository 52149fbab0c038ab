"""Reference solutions and typical wrong answers for chapter 5 (see CONTRIBUTING.md)."""

SOLUTIONS = {
    "05.numerical_gradient": '''
def numerical_gradient_quadratic(A, b, x, h=1e-4):
    def f(v):
        return 0.5 * v @ A @ v + b @ v
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(x.size):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old                      # restore before the next coordinate
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
''',
    "05.gradient_descent": '''
def gradient_descent(A, b, x0, lr, steps):
    x = np.array(x0, dtype=float)
    for _ in range(steps):
        x = x - lr * (A @ x + b)
    return x
''',
    "05.fit_line": '''
def fit_line(x, y, lr, epochs):
    w, b = 0.0, 0.0
    for _ in range(epochs):
        error = w * x + b - y
        grad_w = 2 * np.mean(error * x)
        grad_b = 2 * np.mean(error)
        w, b = w - lr * grad_w, b - lr * grad_b
    return w, b
''',
    "05.sgd_step": '''
def sgd_step(w, b, x, y, lr):
    error = w * x + b - y
    grad_w = 2 * np.mean(error * x)
    grad_b = 2 * np.mean(error)
    return w - lr * grad_w, b - lr * grad_b
''',
    "05.num_iterations": '''
def num_iterations(n, batch_size, epochs):
    batches_per_epoch = -(-n // batch_size)   # ceiling division
    return batches_per_epoch * epochs
''',
}

WRONG = {
    "05.numerical_gradient": [
        # forward difference: error h/2 * f''
        "def numerical_gradient_quadratic(A, b, x, h=1e-4):\n"
        "    f = lambda v: 0.5 * v @ A @ v + b @ v\n"
        "    x = np.array(x, dtype=float)\n    grad = np.zeros_like(x)\n"
        "    for i in range(x.size):\n        e = np.zeros_like(x); e[i] = h\n"
        "        grad[i] = (f(x + e) - f(x)) / h\n    return grad\n",
        # forgot to restore x[i]: later coordinates are taken at a shifted point
        "def numerical_gradient_quadratic(A, b, x, h=1e-4):\n"
        "    f = lambda v: 0.5 * v @ A @ v + b @ v\n"
        "    x = np.array(x, dtype=float)\n    grad = np.zeros_like(x)\n"
        "    for i in range(x.size):\n        x[i] += h\n        fp = f(x)\n"
        "        x[i] -= 2 * h\n        fm = f(x)\n        grad[i] = (fp - fm) / (2 * h)\n    return grad\n",
        # divided by h instead of 2h
        ("def numerical_gradient_quadratic(A, b, x, h=1e-4):\n"
         "    f = lambda v: 0.5 * v @ A @ v + b @ v\n"
         "    x = np.array(x, dtype=float)\n    grad = np.zeros_like(x)\n"
         "    for i in range(x.size):\n        e = np.zeros_like(x); e[i] = h\n"
         "        grad[i] = (f(x + e) - f(x - e)) / h\n    return grad\n",
         "divide by 2h, not h"),
        # breaks the rule "do not change the caller's x": nudges the caller's array itself
        "def numerical_gradient_quadratic(A, b, x, h=1e-4):\n"
        "    f = lambda v: 0.5 * v @ A @ v + b @ v\n"
        "    grad = np.zeros(x.shape)\n"
        "    for i in range(x.size):\n        old = x[i]\n"
        "        x[i] = old + h\n        f_plus = f(x)\n"
        "        x[i] = old - h\n        f_minus = f(x)\n        x[i] = old\n"
        "        grad[i] = (f_plus - f_minus) / (2 * h)\n    return grad\n",
    ],
    "05.gradient_descent": [
        # gradient ascent: the sign is wrong
        "def gradient_descent(A, b, x0, lr, steps):\n    x = np.array(x0, dtype=float)\n"
        "    for _ in range(steps):\n        x = x + lr * (A @ x + b)\n    return x\n",
        # one step too many
        "def gradient_descent(A, b, x0, lr, steps):\n    x = np.array(x0, dtype=float)\n"
        "    for _ in range(steps + 1):\n        x = x - lr * (A @ x + b)\n    return x\n",
        # breaks the rule "do not modify x0": updates the caller's array in place
        "def gradient_descent(A, b, x0, lr, steps):\n    x = x0\n"
        "    for _ in range(steps):\n        x -= lr * (A @ x + b)\n    return x\n",
        # gradient computed once at x0 and never again
        "def gradient_descent(A, b, x0, lr, steps):\n    x = np.array(x0, dtype=float)\n"
        "    g = A @ x + b\n    for _ in range(steps):\n        x = x - lr * g\n    return x\n",
    ],
    "05.fit_line": [
        # the bias is never trained
        "def fit_line(x, y, lr, epochs):\n    w, b = 0.0, 0.0\n    for _ in range(epochs):\n"
        "        w -= lr * 2 * np.mean((w * x + b - y) * x)\n    return w, b\n",
        # wrong sign: climbs the loss and blows up
        "def fit_line(x, y, lr, epochs):\n    w, b = 0.0, 0.0\n    for _ in range(epochs):\n"
        "        e = w * x + b - y\n        w += lr * 2 * np.mean(e * x)\n        b += lr * 2 * np.mean(e)\n    return w, b\n",
        # sums instead of means: steps n times too big, diverges
        "def fit_line(x, y, lr, epochs):\n    w, b = 0.0, 0.0\n    for _ in range(epochs):\n"
        "        e = w * x + b - y\n        w -= lr * 2 * np.sum(e * x)\n        b -= lr * 2 * np.sum(e)\n    return w, b\n",
    ],
    "05.sgd_step": [
        # missing the factor 2 of the square's derivative
        "def sgd_step(w, b, x, y, lr):\n    e = w * x + b - y\n"
        "    return w - lr * np.mean(e * x), b - lr * np.mean(e)\n",
        # b's gradient computed with the already-updated w
        "def sgd_step(w, b, x, y, lr):\n    w = w - lr * 2 * np.mean((w * x + b - y) * x)\n"
        "    b = b - lr * 2 * np.mean(w * x + b - y)\n    return w, b\n",
        # sum instead of mean
        "def sgd_step(w, b, x, y, lr):\n    e = w * x + b - y\n"
        "    return w - lr * 2 * np.sum(e * x), b - lr * 2 * np.sum(e)\n",
    ],
    "05.num_iterations": [
        # floor division drops the last, smaller batch
        "def num_iterations(n, batch_size, epochs):\n    return n // batch_size * epochs\n",
        # total examples over batch size, floored
        "def num_iterations(n, batch_size, epochs):\n    return n * epochs // batch_size\n",
        # returns a float
        "def num_iterations(n, batch_size, epochs):\n    return n / batch_size * epochs\n",
        # breaks the rule "an int": the right count, as a float
        "import math\ndef num_iterations(n, batch_size, epochs):\n"
        "    return float(math.ceil(n / batch_size) * epochs)\n",
    ],
}
