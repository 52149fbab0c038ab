r"""The perceptron of chapter 2, built from scratch in NumPy.

A perceptron (Rosenblatt, 1958) adds up its inputs, each multiplied by a weight, adds a bias,
and fires 1 when the sum is above zero:

.. math:: \hat y = \mathrm{step}(w \cdot x + b),\quad \mathrm{step}(z) = 1 \text{ if } z > 0 \text{ else } 0

This module holds the pieces chapter 2 writes inline, so that later chapters (and the
exercise checker) can import them instead of repeating them:

* :func:`step` and :func:`perceptron_output`, one perceptron with given weights;
* the logic gates :func:`and_gate`, :func:`nand_gate`, :func:`or_gate` with hand-picked
  weights, and :func:`xor_gate` built from them in two layers;
* :func:`perceptron_update`, one step of the perceptron learning rule;
* :class:`Perceptron`, a trainable perceptron that records its boundary after every epoch.

There is no torch class for a step-activated perceptron; chapter 2 runs the same computation
with torch tensors and checks that the numbers agree.
"""
from __future__ import annotations

import numpy as np

__all__ = [
    "step",
    "perceptron_output",
    "GATE_WEIGHTS",
    "and_gate",
    "nand_gate",
    "or_gate",
    "xor_gate",
    "perceptron_update",
    "Perceptron",
]

# Hand-picked (w1, w2, b) for each single-perceptron gate. Many other choices work too.
GATE_WEIGHTS: dict[str, tuple[float, float, float]] = {
    "and": (0.5, 0.5, -0.7),
    "nand": (-0.5, -0.5, 0.7),
    "or": (0.5, 0.5, -0.2),
}


def step(z) -> np.ndarray | int:
    r"""The step (Heaviside) function: 1 where ``z > 0``, else 0, as integers.

    .. math:: \mathrm{step}(z) = 1 \text{ if } z > 0 \text{ else } 0

    Shape: any -> same shape (a Python ``int`` for a scalar). Torch: ``(z > 0).long()``.
    Chapter 2.
    """
    z_arr = np.asarray(z)
    if z_arr.dtype.kind not in "biuf":
        raise TypeError(f"step expects numbers; got an array of dtype {z_arr.dtype}")
    out = (z_arr > 0).astype(np.int64)
    return int(out) if out.ndim == 0 else out


def _two_inputs(x1, x2, who: str) -> tuple[np.ndarray, np.ndarray]:
    """Turn two gate inputs into float arrays of one shape, or raise a clear error."""
    a, b = np.asarray(x1), np.asarray(x2)
    for name, arr in (("x1", a), ("x2", b)):
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{who} expects numbers (0 or 1) for {name}; got dtype {arr.dtype}")
    if a.shape != b.shape:
        raise ValueError(f"{who} expects x1 and x2 of the same shape; got {a.shape} and {b.shape}")
    return a.astype(float), b.astype(float)


def perceptron_output(x1, x2, w1: float, w2: float, b: float):
    r"""Output of one two-input perceptron with weights ``w1, w2`` and bias ``b``.

    .. math:: y = \mathrm{step}(w_1 x_1 + w_2 x_2 + b)

    Args: ``x1, x2`` numbers or arrays of one shape. Returns 0/1 integers of that shape.
    Chapter 2.
    """
    a, c = _two_inputs(x1, x2, "perceptron_output")
    return step(w1 * a + w2 * c + b)


def and_gate(x1, x2):
    """AND as one perceptron: fires only when both inputs are 1. Chapter 2."""
    return perceptron_output(x1, x2, *GATE_WEIGHTS["and"])


def nand_gate(x1, x2):
    """NAND (not-AND) as one perceptron: the AND weights and bias with their signs flipped."""
    return perceptron_output(x1, x2, *GATE_WEIGHTS["nand"])


def or_gate(x1, x2):
    """OR as one perceptron: fires when at least one input is 1. Chapter 2."""
    return perceptron_output(x1, x2, *GATE_WEIGHTS["or"])


def xor_gate(x1, x2):
    r"""XOR as a two-layer network of perceptrons: AND(NAND(x1, x2), OR(x1, x2)).

    No single perceptron computes XOR (its two classes cannot be split by one line), but two
    layers can: the first layer computes NAND and OR, the second ANDs them. Chapter 2.
    """
    s1 = nand_gate(x1, x2)
    s2 = or_gate(x1, x2)
    return and_gate(s1, s2)


def perceptron_update(w, b: float, x, y: int, lr: float = 1.0) -> tuple[np.ndarray, float]:
    r"""One step of the perceptron learning rule on one example ``(x, y)``.

    .. math:: \hat y = \mathrm{step}(w\cdot x + b),\quad
              w \leftarrow w + \eta\,(y - \hat y)\,x,\quad b \leftarrow b + \eta\,(y - \hat y)

    Nothing changes when the example is already classified correctly (``y == y_hat``).

    Args:
        w: weights, shape ``(D,)``. b: bias. x: one input, shape ``(D,)``.
        y: its label, 0 or 1. lr: the learning rate :math:`\eta`.
    Returns: new ``(w, b)``; the inputs are not modified. Chapter 2.
    """
    w = np.asarray(w, dtype=float)
    x = np.asarray(x, dtype=float)
    if w.ndim != 1 or x.shape != w.shape:
        raise ValueError(f"perceptron_update expects w and x of one shape (D,); got {w.shape} and {x.shape}")
    if y not in (0, 1):
        raise ValueError(f"perceptron_update expects a label y of 0 or 1; got {y!r}")
    y_hat = step(float(w @ x) + float(b))
    error = int(y) - y_hat  # +1: should have fired, -1: should not have, 0: right
    return w + lr * error * x, float(b) + lr * error


class Perceptron:
    r"""A trainable perceptron: ``predict(X) = step(X @ weight + bias)``.

    Trained with the perceptron learning rule, one example at a time, in a fixed order
    (or a seeded shuffle). On linearly separable data it stops making mistakes after finitely
    many updates (the perceptron convergence theorem); on XOR it never does.

    Args:
        in_features: number of inputs D.
        lr: learning rate :math:`\eta` (with zero start values, any lr > 0 gives the same
            decisions, only scaled weights).
    Attributes: ``weight`` (D,), ``bias`` float, both starting at zero.
    Shape: ``predict``: (N, D) -> (N,) int64. Chapter 2.
    """

    def __init__(self, in_features: int = 2, lr: float = 1.0):
        if not isinstance(in_features, (int, np.integer)) or in_features < 1:
            raise ValueError(f"Perceptron expects in_features to be a positive int; got {in_features!r}")
        self.in_features = int(in_features)
        self.lr = float(lr)
        self.weight = np.zeros(self.in_features)
        self.bias = 0.0

    def _check_X(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.in_features:
            raise ValueError(f"Perceptron expects X of shape (N, {self.in_features}); got {X.shape}")
        return X

    def decision_function(self, X) -> np.ndarray:
        """The weighted sums ``X @ weight + bias``, shape (N,)."""
        return self._check_X(X) @ self.weight + self.bias

    def predict(self, X) -> np.ndarray:
        """0/1 predictions, shape (N,)."""
        return (self.decision_function(X) > 0).astype(np.int64)

    def __call__(self, X) -> np.ndarray:
        return self.predict(X)

    def train_epoch(self, X, y, order=None) -> int:
        """One pass of the learning rule over the examples; returns the number of mistakes."""
        X = self._check_X(X)
        y = np.asarray(y)
        if y.shape != (len(X),):
            raise ValueError(f"Perceptron expects y of shape ({len(X)},); got {y.shape}")
        mistakes = 0
        for i in range(len(X)) if order is None else order:
            mistakes += int(step(X[i] @ self.weight + self.bias) != y[i])
            self.weight, self.bias = perceptron_update(self.weight, self.bias, X[i], int(y[i]), self.lr)
        return mistakes

    def fit(self, X, y, epochs: int = 10, shuffle_seed: int | None = None) -> dict[str, list]:
        """Train for ``epochs`` passes; stop early after an epoch with no mistakes.

        Returns a history dict: ``"mistakes"`` (per epoch), ``"accuracy"`` (after each epoch),
        ``"weight"`` and ``"bias"`` (after each epoch; index 0 is the start).
        """
        X = self._check_X(X)
        rng = None if shuffle_seed is None else np.random.default_rng(shuffle_seed)
        history: dict[str, list] = {"mistakes": [], "accuracy": [],
                                    "weight": [self.weight.copy()], "bias": [self.bias]}
        for _ in range(int(epochs)):
            order = None if rng is None else rng.permutation(len(X))
            history["mistakes"].append(self.train_epoch(X, y, order))
            history["accuracy"].append(float(np.mean(self.predict(X) == np.asarray(y))))
            history["weight"].append(self.weight.copy())
            history["bias"].append(self.bias)
            if history["mistakes"][-1] == 0:
                break
        return history

    def __repr__(self) -> str:
        return f"Perceptron(weight={np.round(self.weight, 4).tolist()}, bias={round(self.bias, 4)})"
