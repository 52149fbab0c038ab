r"""NumPy-side learning-rate schedules with the names and ``step()`` of ``torch.optim.lr_scheduler``.

A scheduler changes ``optimizer.lr`` once per ``step()``: call ``optimizer.step()`` for the batch
(or epoch), then ``scheduler.step()``. At creation it sets the learning rate of step 0. Each
schedule is written in closed form, as a factor of the optimizer's initial rate
:math:`\eta_0` at the scheduler's step count :math:`t` (``last_epoch``), and gives the same
sequence as torch's (tests/test_lr_scheduler.py checks them step by step). Chapter 8.

    opt = dl.optim.SGD(params, lr=0.1)
    sched = dl.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=100)
    for t in range(100):
        ...; opt.step(); sched.step()
"""
from __future__ import annotations

import bisect
import math
from typing import Sequence

__all__ = ["LRScheduler", "StepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR",
           "SequentialLR"]


class LRScheduler:
    """Base class: ``lr_at(t)`` is the learning rate at step ``t``; ``step()`` moves to ``t + 1``.

    Attributes as in torch: ``optimizer``, ``base_lrs`` (a list with the initial rate),
    ``last_epoch`` (the step count, 0 right after creation). ``get_last_lr()`` returns
    ``[lr]``, a list as torch's does (torch keeps one rate per parameter group; a ``dl.optim``
    optimizer has one group).
    """

    def __init__(self, optimizer, last_epoch: int = -1) -> None:
        if not hasattr(optimizer, "lr"):
            raise TypeError(f"{type(self).__name__} expects a dl.optim optimizer (with .lr); "
                            f"got {type(optimizer).__name__} (for torch.optim use "
                            "torch.optim.lr_scheduler)")
        if last_epoch != -1:
            raise ValueError(f"{type(self).__name__}: only last_epoch=-1 (a fresh start) is "
                             f"supported; got {last_epoch}")
        self.optimizer = optimizer
        if not hasattr(optimizer, "initial_lr"):  # as torch's group["initial_lr"]
            optimizer.initial_lr = optimizer.lr
        self.base_lrs = [optimizer.initial_lr]
        self.last_epoch = -1
        self.step()

    def lr_at(self, t: int) -> float:
        """The learning rate at step ``t`` (closed form)."""
        raise NotImplementedError

    def step(self) -> None:
        """Advance one step and set ``optimizer.lr`` to the new rate."""
        self.last_epoch += 1
        self._last_lr = [self.lr_at(self.last_epoch)]
        self.optimizer.lr = self._last_lr[0]

    def get_last_lr(self) -> list[float]:
        """The rate set by the latest ``step()`` (or at creation), as ``[lr]``."""
        return list(self._last_lr)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(last_epoch={self.last_epoch}, lr={self._last_lr[0]:g})"


def _positive_int(owner: str, name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{owner} expects {name} to be a positive int; got {value!r}")
    return value


class StepLR(LRScheduler):
    r"""Multiply the rate by ``gamma`` every ``step_size`` steps.

    .. math:: \eta_t = \eta_0\, \gamma^{\lfloor t / s \rfloor}

    Torch: ``torch.optim.lr_scheduler.StepLR(optimizer, step_size, gamma=0.1)``.
    """

    def __init__(self, optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1):
        self.step_size = _positive_int("StepLR", "step_size", step_size)
        self.gamma = float(gamma)
        super().__init__(optimizer, last_epoch)

    def lr_at(self, t: int) -> float:
        return self.base_lrs[0] * self.gamma ** (t // self.step_size)


class ExponentialLR(LRScheduler):
    r"""Multiply the rate by ``gamma`` at every step.

    .. math:: \eta_t = \eta_0\, \gamma^{t}

    Torch: ``torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma)``.
    """

    def __init__(self, optimizer, gamma: float, last_epoch: int = -1):
        self.gamma = float(gamma)
        super().__init__(optimizer, last_epoch)

    def lr_at(self, t: int) -> float:
        return self.base_lrs[0] * self.gamma ** t


class CosineAnnealingLR(LRScheduler):
    r"""Half a cosine from the initial rate down to ``eta_min`` over ``T_max`` steps.

    .. math:: \eta_t = \eta_{min} + \tfrac12 (\eta_0 - \eta_{min})
              \left(1 + \cos\frac{\pi t}{T_{max}}\right)

    After ``T_max`` steps the cosine goes on (back up), as torch's does; stop there, or use
    ``SequentialLR``. Torch: ``torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max,
    eta_min=0.0)``.
    """

    def __init__(self, optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1):
        self.T_max = _positive_int("CosineAnnealingLR", "T_max", T_max)
        self.eta_min = float(eta_min)
        super().__init__(optimizer, last_epoch)

    def lr_at(self, t: int) -> float:
        base, low = self.base_lrs[0], self.eta_min
        cos = math.cos(math.pi * t / self.T_max)  # 1 at t = 0, -1 at T_max
        return low + (base - low) * (1 + cos) / 2


class LinearLR(LRScheduler):
    r"""Change the rate's factor linearly from ``start_factor`` to ``end_factor`` in
    ``total_iters`` steps, then keep it (a linear warmup when ``start_factor < 1``).

    .. math:: \eta_t = \eta_0 \left(f_s + (f_e - f_s)\, \frac{\min(t, T)}{T}\right)

    Torch: ``torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=1/3, end_factor=1.0,
    total_iters=5)``.
    """

    def __init__(self, optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
                 total_iters: int = 5, last_epoch: int = -1):
        if not 0 < start_factor <= 1 or not 0 <= end_factor <= 1:
            raise ValueError("LinearLR expects 0 < start_factor <= 1 and 0 <= end_factor <= 1; "
                             f"got {start_factor!r} and {end_factor!r}")
        self.start_factor, self.end_factor = float(start_factor), float(end_factor)
        self.total_iters = _positive_int("LinearLR", "total_iters", total_iters)
        super().__init__(optimizer, last_epoch)

    def lr_at(self, t: int) -> float:
        frac = min(t, self.total_iters) / self.total_iters
        return self.base_lrs[0] * (self.start_factor + (self.end_factor - self.start_factor) * frac)


class SequentialLR(LRScheduler):
    """Run ``schedulers[0]`` until step ``milestones[0]``, then ``schedulers[1]`` from its own
    step 0, and so on: e.g. a linear warmup, then cosine annealing.

    Torch: ``torch.optim.lr_scheduler.SequentialLR(optimizer, schedulers, milestones)``.
    """

    def __init__(self, optimizer, schedulers: Sequence[LRScheduler], milestones: Sequence[int],
                 last_epoch: int = -1):
        schedulers, milestones = list(schedulers), list(milestones)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"SequentialLR expects one milestone fewer than schedulers; got "
                             f"{len(schedulers)} schedulers and {len(milestones)} milestones")
        if any(s.optimizer is not optimizer for s in schedulers):
            raise ValueError("SequentialLR: every scheduler must belong to the same optimizer")
        if milestones != sorted(milestones):
            raise ValueError(f"SequentialLR expects increasing milestones; got {milestones}")
        self.schedulers, self.milestones = schedulers, milestones
        super().__init__(optimizer, last_epoch)

    def lr_at(self, t: int) -> float:
        i = bisect.bisect_right(self.milestones, t)
        start = self.milestones[i - 1] if i > 0 else 0
        return self.schedulers[i].lr_at(t - start)
