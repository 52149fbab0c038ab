"""Reference solutions and typical wrong answers for chapter 2 (see CONTRIBUTING.md)."""

SOLUTIONS = {
    "02.and_gate": '''
def and_gate(x1, x2):
    s = 0.5 * np.asarray(x1) + 0.5 * np.asarray(x2) - 0.7
    return (s > 0).astype(int)
''',
    "02.nand_gate": '''
def nand_gate(x1, x2):
    s = -0.5 * np.asarray(x1) - 0.5 * np.asarray(x2) + 0.7
    return (s > 0).astype(int)
''',
    "02.or_gate": '''
def or_gate(x1, x2):
    s = 0.5 * np.asarray(x1) + 0.5 * np.asarray(x2) - 0.2
    return (s > 0).astype(int)
''',
    "02.xor_gate": '''
def fire(x1, x2, w1, w2, b):
    return (w1 * np.asarray(x1) + w2 * np.asarray(x2) + b > 0).astype(int)

def xor_gate(x1, x2):
    s1 = fire(x1, x2, -0.5, -0.5, 0.7)   # NAND
    s2 = fire(x1, x2, 0.5, 0.5, -0.2)    # OR
    return fire(s1, s2, 0.5, 0.5, -0.7)  # AND
''',
    "02.perceptron_update": '''
def perceptron_update(w, b, x, y, lr):
    y_hat = 1 if w @ x + b > 0 else 0
    error = y - y_hat
    return w + lr * error * x, b + lr * error
''',
}

WRONG = {
    "02.and_gate": [
        # this is OR: the bar is too low
        "def and_gate(x1, x2):\n    return (0.5 * np.asarray(x1) + 0.5 * np.asarray(x2) - 0.2 > 0).astype(int)\n",
        # works for single numbers only (if/else on an array raises)
        "def and_gate(x1, x2):\n    if 0.5 * x1 + 0.5 * x2 - 0.7 > 0:\n        return 1\n    return 0\n",
        # returns the weighted sum, not the step of it
        "def and_gate(x1, x2):\n    return 0.5 * np.asarray(x1) + 0.5 * np.asarray(x2) - 0.7\n",
        # the rule "return 0/1 integers" broken: booleans
        "def and_gate(x1, x2):\n    return 0.5 * np.asarray(x1) + 0.5 * np.asarray(x2) - 0.7 > 0\n",
    ],
    "02.nand_gate": [
        # AND, not NAND
        "def nand_gate(x1, x2):\n    return (0.5 * np.asarray(x1) + 0.5 * np.asarray(x2) - 0.7 > 0).astype(int)\n",
        # flipped the weights but not the bias: never fires
        "def nand_gate(x1, x2):\n    return (-0.5 * np.asarray(x1) - 0.5 * np.asarray(x2) - 0.7 > 0).astype(int)\n",
    ],
    "02.or_gate": [
        # the AND bar: one input is not enough
        "def or_gate(x1, x2):\n    return (0.5 * np.asarray(x1) + 0.5 * np.asarray(x2) - 0.7 > 0).astype(int)\n",
        # no bias and >= 0: fires on (0, 0) too
        "def or_gate(x1, x2):\n    return (0.5 * np.asarray(x1) + 0.5 * np.asarray(x2) >= 0).astype(int)\n",
        # the rule "return 0/1 integers" broken: floats
        "def or_gate(x1, x2):\n"
        "    return (0.5 * np.asarray(x1) + 0.5 * np.asarray(x2) - 0.2 > 0).astype(float)\n",
    ],
    "02.xor_gate": [
        # layers swapped: OR(NAND, AND) is always 1
        "def f(a, b, w1, w2, c):\n    return (w1 * np.asarray(a) + w2 * np.asarray(b) + c > 0).astype(int)\n"
        "def xor_gate(x1, x2):\n    return f(f(x1, x2, -0.5, -0.5, 0.7), f(x1, x2, 0.5, 0.5, -0.7), 0.5, 0.5, -0.2)\n",
        # XNOR: NOR and AND fed to OR
        ("def f(a, b, w1, w2, c):\n    return (w1 * np.asarray(a) + w2 * np.asarray(b) + c > 0).astype(int)\n"
         "def xor_gate(x1, x2):\n    return f(f(x1, x2, -0.5, -0.5, 0.2), f(x1, x2, 0.5, 0.5, -0.7), 0.5, 0.5, -0.2)\n",
         "you built XNOR"),
        # the rule "build it from perceptrons, not ^" broken: fails on float inputs
        "def xor_gate(x1, x2):\n    return np.asarray(x1) ^ np.asarray(x2)\n",
        # the rule "return 0/1 integers" broken: the right network, but booleans
        "def f(a, b, w1, w2, c):\n    return w1 * np.asarray(a) + w2 * np.asarray(b) + c > 0\n"
        "def xor_gate(x1, x2):\n    return f(f(x1, x2, -0.5, -0.5, 0.7), f(x1, x2, 0.5, 0.5, -0.2), 0.5, 0.5, -0.7)\n",
        # a single perceptron: the best it can do is 3 rows of 4
        "def xor_gate(x1, x2):\n    return (0.5 * np.asarray(x1) + 0.5 * np.asarray(x2) - 0.2 > 0).astype(int)\n",
    ],
    "02.perceptron_update": [
        # error with the wrong sign
        "def perceptron_update(w, b, x, y, lr):\n    y_hat = 1 if w @ x + b > 0 else 0\n"
        "    return w + lr * (y_hat - y) * x, b + lr * (y_hat - y)\n",
        # >= instead of >: fires at a sum of exactly 0
        ("def perceptron_update(w, b, x, y, lr):\n    y_hat = 1 if w @ x + b >= 0 else 0\n"
         "    return w + lr * (y - y_hat) * x, b + lr * (y - y_hat)\n", "At a weighted sum of exactly 0"),
        # forgot to update the bias
        "def perceptron_update(w, b, x, y, lr):\n    y_hat = 1 if w @ x + b > 0 else 0\n"
        "    return w + lr * (y - y_hat) * x, b\n",
        # the rule "new_b is a float" broken: the bias comes back as an array of shape (1,)
        "def perceptron_update(w, b, x, y, lr):\n    y_hat = 1 if w @ x + b > 0 else 0\n"
        "    return w + lr * (y - y_hat) * x, np.array([b + lr * (y - y_hat)])\n",
        # updates even when right
        "def perceptron_update(w, b, x, y, lr):\n    return w + lr * y * x, b + lr * y\n",
    ],
}
