"""A small training loop shared by the chapters, for NumPy ``dlcourse.nn`` models and torch models.

``fit`` runs mini-batch training and returns a history; ``accuracy`` scores a classifier. One
loop serves both worlds so that a chapter can train the same network twice (NumPy, then
PyTorch) with identical code around it. Nothing here runs at import time; torch is never
imported here (a torch model is recognised only if the caller already imported torch).
"""
from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np

__all__ = ["fit", "accuracy", "predict"]


def _torch_module(model) -> Any | None:
    """The torch module if ``model`` is a ``torch.nn.Module``, else None."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(model, torch.nn.Module):
        return torch
    return None


def _check_xy(X, y, name: str = "X") -> tuple[np.ndarray, np.ndarray]:
    if hasattr(X, "detach"):
        X = X.detach().cpu().numpy()
    if hasattr(y, "detach"):
        y = y.detach().cpu().numpy()
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim < 2:
        raise ValueError(f"{name} must have a batch axis first, shape (N, ...); got {X.shape}")
    if len(y) != len(X):
        raise ValueError(f"{name} has {len(X)} rows but its targets have {len(y)}; they must match")
    return X, y


def _is_classification(y: np.ndarray) -> bool:
    return y.ndim == 1 and np.issubdtype(y.dtype, np.integer)


def _show_progress(progress: bool | None) -> bool:
    """True when a progress bar helps: an interactive session, not a build, test or CI run."""
    if progress is not None:
        return bool(progress)
    env = os.environ
    if env.get("DLCOURSE_NO_PROGRESS") or env.get("PYTEST_CURRENT_TEST") or env.get("CI"):
        return False
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover
        shell = None
    if shell is not None and type(shell).__name__ == "ZMQInteractiveShell":
        return True
    return sys.stderr.isatty()


def predict(model, X) -> np.ndarray:
    """The model's raw outputs on ``X`` in evaluation mode, as a NumPy array.

    Works for ``dlcourse.nn`` Modules and ``torch.nn.Module`` (run under ``torch.no_grad()``).
    The model's training flag is restored afterwards.
    """
    was_training = getattr(model, "training", False)
    torch = _torch_module(model)
    if hasattr(model, "eval"):
        model.eval()
    try:
        if torch is not None:
            param = next(model.parameters(), None)
            dtype = param.dtype if param is not None else torch.get_default_dtype()
            with torch.no_grad():
                out = model(torch.as_tensor(np.asarray(X), dtype=dtype)).cpu().numpy()
        else:
            out = np.asarray(model(np.asarray(X, dtype=float)))
    finally:
        if was_training and hasattr(model, "train"):
            model.train()
    return out


def accuracy(model, X, y) -> float:
    """Fraction of examples whose predicted class equals the label.

    Outputs of shape (N, C) with C > 1 are read as class scores (arg-max). A single output per
    example, (N,) or (N, 1), is read as a probability of class 1 (threshold 0.5) if every value
    lies in [0, 1], otherwise as a logit (threshold 0).

    Args:
        model: a ``dlcourse.nn`` Module or a ``torch.nn.Module``.
        X: inputs (N, ...). y: integer labels (N,).

    Returns: the accuracy in [0, 1]. Torch: ``(model(X).argmax(1) == y).float().mean()``.
    """
    X, y = _check_xy(X, y)
    y = y.reshape(-1)
    out = predict(model, X)
    if out.ndim == 2 and out.shape[1] > 1:
        labels = out.argmax(axis=1)
    else:
        out = out.reshape(len(X), -1)
        if out.shape[1] != 1:
            raise ValueError(f"accuracy expects outputs (N, C) or (N, 1); got {out.shape}")
        out = out[:, 0]
        threshold = 0.5 if (out.min() >= 0 and out.max() <= 1) else 0.0
        labels = (out > threshold).astype(int)
    return float(np.mean(labels == y))


def fit(model, loss_fn, optimizer, X, y, epochs: int, batch_size: int = 32, X_val=None,
        y_val=None, seed: int = 0, progress: bool | None = None) -> dict[str, list[float]]:
    """Train ``model`` with mini-batches for ``epochs`` passes over ``(X, y)``.

    Each step: forward, loss, zero the gradients, backward, ``optimizer.step()``. The batches
    are shuffled every epoch by ``np.random.default_rng(seed)``, so a run is repeatable.

    Args:
        model: a ``dlcourse.nn`` Module (NumPy) or a ``torch.nn.Module``.
        loss_fn: ``dl.nn.CrossEntropyLoss()`` / ``dl.nn.MSELoss()`` for a NumPy model (called as
            ``loss_fn(output, target)``, then ``loss_fn.backward()``), or any torch loss.
        optimizer: a ``dlcourse.optim`` or ``torch.optim`` optimizer over the model's parameters.
        X, y: training inputs (N, ...) and targets (N,) integer labels or (N, k) values.
        epochs: number of passes. batch_size: examples per step.
        X_val, y_val: optional validation set, scored after every epoch.
        seed: seeds the shuffling. progress: show a tqdm bar; None means only when run
            interactively (never in the book build, tests or CI).

    Returns: ``{"loss": [...], "train_acc": [...], "val_acc": [...], "val_loss": [...]}``, one
    entry per epoch (the mean training loss over the epoch's batches). The accuracy lists stay
    empty when the targets are not integer class labels; ``val_*`` when there is no validation set.
    """
    X, y = _check_xy(X, y)
    if not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs must be a positive int; got {epochs!r}")
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int; got {batch_size!r}")
    has_val = X_val is not None and y_val is not None
    if has_val:
        X_val, y_val = _check_xy(X_val, y_val, "X_val")
    classify = _is_classification(y)
    torch = _torch_module(model)
    step = _torch_step if torch is not None else _numpy_step
    rng = np.random.default_rng(seed)
    history: dict[str, list[float]] = {"loss": [], "train_acc": [], "val_acc": [], "val_loss": []}

    epoch_iter = range(epochs)
    bar = None
    if _show_progress(progress):
        from tqdm.auto import tqdm

        epoch_iter = bar = tqdm(epoch_iter, desc="training", unit="epoch", leave=False)
    for _ in epoch_iter:
        if hasattr(model, "train"):
            model.train()
        order = rng.permutation(len(X))
        total = 0.0
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            total += step(model, loss_fn, optimizer, X[idx], y[idx], torch) * len(idx)
        history["loss"].append(total / len(X))
        if classify:
            history["train_acc"].append(accuracy(model, X, y))
        if has_val:
            history["val_loss"].append(_eval_loss(model, loss_fn, X_val, y_val, torch))
            if classify:
                history["val_acc"].append(accuracy(model, X_val, y_val))
        if bar is not None:
            bar.set_postfix(loss=f"{history['loss'][-1]:.4f}")
    if bar is not None:
        bar.close()
    return history


def _numpy_step(model, loss_fn, optimizer, xb, yb, torch=None) -> float:
    """One step for a ``dlcourse.nn`` model: forward, loss, backward, update."""
    out = model(np.asarray(xb, dtype=float))
    loss = loss_fn(out, yb)
    optimizer.zero_grad()
    model.backward(loss_fn.backward())
    optimizer.step()
    return float(loss)


def _torch_tensors(model, xb, yb, torch):
    param = next(model.parameters(), None)
    dtype = param.dtype if param is not None else torch.get_default_dtype()
    xt = torch.as_tensor(np.asarray(xb), dtype=dtype)
    yb = np.asarray(yb)
    yt = torch.as_tensor(yb, dtype=torch.long if np.issubdtype(yb.dtype, np.integer) else dtype)
    return xt, yt


def _torch_step(model, loss_fn, optimizer, xb, yb, torch) -> float:
    """One step for a torch model."""
    xt, yt = _torch_tensors(model, xb, yb, torch)
    optimizer.zero_grad()
    loss = loss_fn(model(xt), yt)
    loss.backward()
    optimizer.step()
    return float(loss.detach())


def _eval_loss(model, loss_fn, X, y, torch) -> float:
    """The loss on a whole set in evaluation mode (no parameter update)."""
    was_training = getattr(model, "training", False)
    model.eval()
    try:
        if torch is not None:
            xt, yt = _torch_tensors(model, X, y, torch)
            with torch.no_grad():
                return float(loss_fn(model(xt), yt))
        return float(loss_fn(model(np.asarray(X, dtype=float)), y))
    finally:
        if was_training:
            model.train()
