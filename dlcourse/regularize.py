r"""Regularisation helpers of chapter 9: early stopping and data augmentation for the 8x8 digits.

* :class:`EarlyStopping` watches a validation loss and says when to stop (patience).
* :func:`shift_images` moves images by whole pixels (the empty border is filled with zeros).
* :func:`random_shift` and :func:`add_noise` make seeded, randomly augmented copies.
* :func:`augment_digits` puts them together: the original images plus shifted, noisy copies.

Everything is NumPy and deterministic given a ``seed`` or an ``np.random.Generator``.
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["EarlyStopping", "shift_images", "random_shift", "add_noise", "augment_digits"]


class EarlyStopping:
    r"""Stop training once the validation loss has not improved for ``patience`` epochs.

    Call :meth:`step` once per epoch with that epoch's validation loss; it returns ``True``
    when training should stop. An epoch *improves* when its loss is lower than the best so
    far by more than ``min_delta``. Epochs are counted from 0 in the order :meth:`step` is
    called; ``best_epoch`` and ``best_loss`` remember the best one (restore its weights).

    Args:
        patience: how many epochs in a row without improvement are tolerated (>= 1).
        min_delta: the smallest decrease that counts as an improvement (>= 0).

    Example::

        stopper = EarlyStopping(patience=10)
        for epoch in range(500):
            ...  # train one epoch, compute val_loss
            if stopper.step(val_loss):
                break

    Torch has no built-in equivalent (Lightning's ``EarlyStopping`` callback is one). Chapter 9.
    """

    def __init__(self, patience: int = 10, min_delta: float = 0.0) -> None:
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 1:
            raise ValueError(f"EarlyStopping expects patience to be an integer >= 1; got {patience!r}")
        if not isinstance(min_delta, (int, float)) or min_delta < 0:
            raise ValueError(f"EarlyStopping expects min_delta >= 0; got {min_delta!r}")
        self.patience = patience
        self.min_delta = float(min_delta)
        self.best_loss = math.inf
        self.best_epoch = -1
        self.epoch = -1  # the epoch of the last call to step()
        self.bad_epochs = 0
        self.stopped = False

    @property
    def improved(self) -> bool:
        """True when the epoch of the last :meth:`step` was a new best."""
        return self.epoch >= 0 and self.epoch == self.best_epoch

    def step(self, val_loss: float) -> bool:
        """Record one epoch's validation loss; True means stop training."""
        val_loss = float(val_loss)
        if math.isnan(val_loss):
            raise ValueError("EarlyStopping.step expects a number; got NaN "
                             "(did training diverge?)")
        self.epoch += 1
        if val_loss < self.best_loss - self.min_delta:
            self.best_loss, self.best_epoch = val_loss, self.epoch
            self.bad_epochs = 0
        else:
            self.bad_epochs += 1
        self.stopped = self.bad_epochs >= self.patience
        return self.stopped

    def __repr__(self) -> str:
        return (f"EarlyStopping(patience={self.patience}, best_epoch={self.best_epoch}, "
                f"best_loss={self.best_loss:.4g}, bad_epochs={self.bad_epochs})")


def _as_images(X: np.ndarray, fn: str) -> tuple[np.ndarray, tuple[int, ...]]:
    """Return X viewed as (N, 8, 8) images and X's original shape; check what came."""
    if not isinstance(X, np.ndarray):
        raise TypeError(f"{fn} expects a NumPy array of digit images; got {type(X).__name__}")
    shape = X.shape
    if X.ndim == 2 and shape[1] == 64:
        return X.reshape(-1, 8, 8), shape
    if X.ndim == 3 and shape[1:] == (8, 8):
        return X, shape
    if X.ndim == 4 and shape[1:] == (1, 8, 8):
        return X.reshape(-1, 8, 8), shape
    raise ValueError(f"{fn} expects images of shape (N, 64), (N, 8, 8) or (N, 1, 8, 8); got {shape}")


def shift_images(X: np.ndarray, dx: int, dy: int) -> np.ndarray:
    r"""Shift every 8x8 image ``dx`` pixels right and ``dy`` pixels down, filling with zeros.

    .. math:: \mathrm{out}[r, c] = X[r - dy, c - dx]\ \text{(0 outside the image)}

    Shape: ``(N, 64) -> (N, 64)``; also ``(N, 8, 8)`` and ``(N, 1, 8, 8)``. Returns a new array.
    Torch: ``torchvision.transforms.RandomAffine(translate=...)`` does this randomly. Chapter 9.
    """
    imgs, shape = _as_images(X, "shift_images")
    for name, v in (("dx", dx), ("dy", dy)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"shift_images expects an integer {name}; got {v!r}")
    out = np.zeros_like(imgs)
    h, w = imgs.shape[1:]
    src_r = slice(max(0, -dy), min(h, h - dy))
    dst_r = slice(max(0, dy), min(h, h + dy))
    src_c = slice(max(0, -dx), min(w, w - dx))
    dst_c = slice(max(0, dx), min(w, w + dx))
    out[:, dst_r, dst_c] = imgs[:, src_r, src_c]
    return out.reshape(shape)


def random_shift(X: np.ndarray, max_shift: int = 1, rng: np.random.Generator | None = None,
                 seed: int = 0) -> np.ndarray:
    """Shift each image by its own random (dx, dy), each in [-max_shift, max_shift]. Chapter 9."""
    imgs, shape = _as_images(X, "random_shift")
    if isinstance(max_shift, bool) or not isinstance(max_shift, int) or max_shift < 0:
        raise ValueError(f"random_shift expects max_shift to be an integer >= 0; got {max_shift!r}")
    rng = np.random.default_rng(seed) if rng is None else rng
    shifts = rng.integers(-max_shift, max_shift + 1, size=(len(imgs), 2))
    out = np.empty_like(imgs)
    for (dx, dy) in {tuple(s) for s in shifts.tolist()}:
        rows = np.all(shifts == (dx, dy), axis=1)
        out[rows] = shift_images(imgs[rows], dx, dy)
    return out.reshape(shape)


def add_noise(X: np.ndarray, std: float = 0.1, rng: np.random.Generator | None = None,
              seed: int = 0, clip: tuple[float, float] | None = (0.0, 1.0)) -> np.ndarray:
    r"""Add Gaussian pixel noise, :math:`X + \varepsilon,\ \varepsilon \sim \mathcal{N}(0, \mathrm{std}^2)`.

    The result is clipped to ``clip`` (pixels of ``dl.data.load_digits`` lie in [0, 1]);
    ``clip=None`` keeps it unclipped. Shape is unchanged. Chapter 9.
    """
    if not isinstance(X, np.ndarray):
        raise TypeError(f"add_noise expects a NumPy array; got {type(X).__name__}")
    if not isinstance(std, (int, float)) or std < 0:
        raise ValueError(f"add_noise expects std >= 0; got {std!r}")
    rng = np.random.default_rng(seed) if rng is None else rng
    out = X + rng.normal(0.0, std, size=X.shape)
    return np.clip(out, *clip) if clip is not None else out


def augment_digits(X: np.ndarray, y: np.ndarray, copies: int = 4, max_shift: int = 1,
                   noise_std: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The original digits plus ``copies`` randomly shifted, noisy copies of each, with labels.

    Shape: ``(N, 64), (N,) -> (N * (copies + 1), 64), (N * (copies + 1),)``. Chapter 9.
    """
    if len(X) != len(y):
        raise ValueError(f"augment_digits expects as many labels as images; got {len(X)} images, {len(y)} labels")
    if isinstance(copies, bool) or not isinstance(copies, int) or copies < 0:
        raise ValueError(f"augment_digits expects copies to be an integer >= 0; got {copies!r}")
    rng = np.random.default_rng(seed)
    parts = [X] + [add_noise(random_shift(X, max_shift, rng=rng), noise_std, rng=rng) for _ in range(copies)]
    return np.concatenate(parts), np.concatenate([y] * (copies + 1))
