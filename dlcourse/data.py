"""Small data sets for the course: all offline, all deterministic given ``seed``.

Every function returns NumPy arrays (features float64, class labels int64) and draws its
randomness only from ``np.random.default_rng(seed)``, so the same call always gives the same
data and a different seed gives different data.

=====================  =====================================================  ========
function               what                                                   chapter
=====================  =====================================================  ========
``linear_data``        noisy points on a line, for regression                 1, 5
``logic_gate``         AND / NAND / OR / XOR truth tables                     2
``moons``              two interleaving half-circles, two classes             3-9
``spirals``            interleaved spiral arms, several classes               6-9
``load_digits``        8x8 handwritten digits (scikit-learn), train/test      8-10
``sine_wave``          a noisy sine wave, and ``make_windows`` to cut it up   11
``text_corpus``        English text from Python's own documentation           11
=====================  =====================================================  ========
"""
from __future__ import annotations

import re

import numpy as np

__all__ = [
    "linear_data", "logic_gate", "moons", "spirals", "load_digits",
    "sine_wave", "make_windows", "text_corpus",
]

_GATES = {
    "and": [0, 0, 0, 1],
    "nand": [1, 1, 1, 0],
    "or": [0, 1, 1, 1],
    "xor": [0, 1, 1, 0],
}


def _check_positive_int(value, name: str, func: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{func} expects {name} to be an int; got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{func} expects {name} >= 1; got {value}")
    return int(value)


def _check_noise(noise, func: str) -> float:
    if not isinstance(noise, (int, float, np.floating, np.integer)) or isinstance(noise, bool):
        raise TypeError(f"{func} expects noise to be a number; got {type(noise).__name__}")
    if noise < 0:
        raise ValueError(f"{func} expects noise >= 0; got {noise}")
    return float(noise)


def linear_data(n: int = 100, w: float = 2.0, b: float = 1.0, noise: float = 0.1,
                seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points scattered around the line ``y = w x + b``, with x uniform in [-1, 1].

    Returns ``(x, y)``, both of shape (n, 1), float64; ``noise`` is the standard deviation of
    the Gaussian noise added to y. Chapters 1 and 5.
    """
    n = _check_positive_int(n, "n", "linear_data")
    noise = _check_noise(noise, "linear_data")
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=(n, 1))
    y = w * x + b + noise * rng.normal(size=(n, 1))
    return x, y


def logic_gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The truth table of a two-input logic gate: ``"and"``, ``"nand"``, ``"or"`` or ``"xor"``.

    Returns ``(X, y)``: X of shape (4, 2), float64, rows (0,0), (0,1), (1,0), (1,1);
    y of shape (4,), int64. Chapter 2.
    """
    if not isinstance(name, str):
        raise TypeError(f"logic_gate expects a gate name (str); got {type(name).__name__}")
    key = name.strip().lower()
    if key not in _GATES:
        raise ValueError(f"logic_gate expects one of {sorted(_GATES)}; got {name!r}")
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    return X, np.array(_GATES[key], dtype=np.int64)


def moons(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half-circles (class 0 on top, class 1 below), shuffled.

    Returns ``(X, y)``: X of shape (n, 2), float64; y of shape (n,), int64 in {0, 1};
    ``noise`` is the standard deviation of Gaussian jitter. Like scikit-learn's
    ``make_moons``. Chapters 3-9.
    """
    n = _check_positive_int(n, "n", "moons")
    noise = _check_noise(noise, "moons")
    rng = np.random.default_rng(seed)
    n0 = n - n // 2
    a0 = np.linspace(0.0, np.pi, n0)
    a1 = np.linspace(0.0, np.pi, n // 2)
    top = np.column_stack([np.cos(a0), np.sin(a0)])
    bottom = np.column_stack([1.0 - np.cos(a1), 0.5 - np.sin(a1)])
    X = np.vstack([top, bottom]) + noise * rng.normal(size=(n, 2))
    y = np.concatenate([np.zeros(n0, dtype=np.int64), np.ones(n // 2, dtype=np.int64)])
    order = rng.permutation(n)
    return X[order], y[order]


def spirals(n_per_class: int = 100, n_classes: int = 3, noise: float = 0.2,
            seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class, shuffled (a classic non-linear toy problem).

    Returns ``(X, y)``: X of shape (n_per_class * n_classes, 2), float64, inside the unit disc
    plus noise; y int64 in ``0..n_classes-1``. ``noise`` jitters each point's angle (radians).
    Chapters 6-9.
    """
    n_per_class = _check_positive_int(n_per_class, "n_per_class", "spirals")
    n_classes = _check_positive_int(n_classes, "n_classes", "spirals")
    noise = _check_noise(noise, "spirals")
    rng = np.random.default_rng(seed)
    r = np.tile(np.linspace(0.0, 1.0, n_per_class), n_classes)
    k = np.repeat(np.arange(n_classes), n_per_class)
    turn = 4.0  # radians each arm sweeps
    theta = k * 2 * np.pi / n_classes + r * turn + noise * rng.normal(size=r.shape)
    X = np.column_stack([r * np.sin(theta), r * np.cos(theta)])
    order = rng.permutation(len(k))
    return X[order], k[order].astype(np.int64)


def load_digits(test_size: float = 0.25, seed: int = 0,
                flatten: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The 1,797 8x8 handwritten digits that ship with scikit-learn, split into train and test.

    Pixels are scaled from 0..16 to [0, 1]. The split is stratified (each digit in the same
    proportion in both parts) and seeded. Returns ``(X_train, X_test, y_train, y_test)``:
    images (N, 64) float64, or (N, 1, 8, 8) (NCHW, for ``Conv2d``) with ``flatten=False``;
    labels (N,) int64 in 0..9. Chapters 8-10.
    """
    if not isinstance(test_size, (float, int)) or isinstance(test_size, bool) or not 0 < test_size < 1:
        raise ValueError(f"load_digits expects test_size strictly between 0 and 1; got {test_size!r}")
    from sklearn.datasets import load_digits as _sk_load_digits  # bundled with scikit-learn
    from sklearn.model_selection import train_test_split

    digits = _sk_load_digits()
    X = digits.data.astype(np.float64) / 16.0  # (1797, 64)
    y = digits.target.astype(np.int64)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=seed, stratify=y)
    if not flatten:
        X_train = X_train.reshape(-1, 1, 8, 8)
        X_test = X_test.reshape(-1, 1, 8, 8)
    return X_train, X_test, y_train, y_test


def sine_wave(n: int = 1000, noise: float = 0.05, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A noisy sine wave sampled every 0.1 time units: ``y = sin(t) + noise``.

    Returns ``(t, y)``, both of shape (n,), float64; one period is about 63 samples.
    Cut it into training pairs with :func:`make_windows`. Chapter 11.
    """
    n = _check_positive_int(n, "n", "sine_wave")
    noise = _check_noise(noise, "sine_wave")
    rng = np.random.default_rng(seed)
    t = 0.1 * np.arange(n, dtype=np.float64)
    return t, np.sin(t) + noise * rng.normal(size=n)


def make_windows(series: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut a 1-D series into (the last ``window`` values, the next value) training pairs.

    ``X[i] = series[i : i + window]`` and ``y[i] = series[i + window]``. Returns X of shape
    (N, window, 1) (batch, time, features, as ``batch_first`` RNNs expect) and y of shape
    (N, 1), with N = len(series) - window. Chapter 11.
    """
    s = np.asarray(series, dtype=np.float64)
    if s.ndim != 1:
        raise ValueError(f"make_windows expects a 1-D series of shape (n,); got {s.shape}")
    window = _check_positive_int(window, "window", "make_windows")
    if window >= len(s):
        raise ValueError(
            f"make_windows expects window < len(series); got window={window} for a series of length {len(s)}")
    n_pairs = len(s) - window
    idx = np.arange(window)[None, :] + np.arange(n_pairs)[:, None]  # (N, window)
    return s[idx][:, :, None], s[window:, None].copy()


def text_corpus(n_chars: int = 20000) -> str:
    """Plain English text for character-level models, from Python's own help pages.

    The text comes from ``pydoc_data.topics`` (shipped with Python, no download): code
    examples, headings and grammar rules are dropped, paragraphs are joined into single lines
    of prose, and only printable ASCII is kept. Deterministic. Returns the first ``n_chars``
    characters. Chapter 11.
    """
    n_chars = _check_positive_int(n_chars, "n_chars", "text_corpus")
    text = _clean_corpus()
    if n_chars > len(text):
        raise ValueError(f"text_corpus has {len(text)} characters; got n_chars={n_chars}")
    return text[:n_chars]


def _clean_corpus() -> str:
    from pydoc_data.topics import topics

    paragraphs: list[str] = []
    for key in sorted(topics):
        lines = topics[key].splitlines()
        current: list[str] = []
        for i, line in enumerate(lines):
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            is_rule = bool(re.fullmatch(r"[*=\-~^\"]{3,}", line.strip()))
            is_heading = bool(re.fullmatch(r"[*=\-~^\"]{3,}", nxt.strip()))
            if not line.strip() or line.startswith((" ", "\t")) or is_rule or is_heading:
                if current:
                    paragraphs.append(" ".join(current))
                    current = []
                continue
            current.append(line.strip())
        if current:
            paragraphs.append(" ".join(current))
    keep = []
    for p in paragraphs:
        p = p.encode("ascii", "ignore").decode()
        p = re.sub(r"\s+", " ", p).strip()
        letters = sum(ch.isalpha() for ch in p)
        if len(p) >= 40 and p.endswith((".", ":")) and letters > 0.7 * len(p):
            keep.append(p)
    return "\n".join(keep)
