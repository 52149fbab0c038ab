r"""NumPy versions of ``torch.optim``: the update rules of chapter 8, one class each.

An optimizer holds a list of parameters (objects with ``.data`` and ``.grad``, such as
:class:`dlcourse.nn.Parameter`) and, for each, a small ``state`` dict of running averages.
``step()`` changes every ``.data`` in place using its ``.grad``; ``zero_grad()`` clears the
gradients. Each rule below is the one torch documents and runs (its single-tensor code path),
so the same start, gradients and hyperparameters give the same trajectory as ``torch.optim``.

    opt = dl.optim.Adam(model.parameters(), lr=1e-3)
    for X, y in batches:
        opt.zero_grad(); loss = crit(model(X), y); model.backward(crit.backward()); opt.step()

Notation in the formulas: :math:`w` a parameter, :math:`g` its gradient (plus
:math:`\lambda w` when ``weight_decay`` :math:`=\lambda > 0`), :math:`\eta` the learning rate
``lr``, :math:`t` the step count (1 at the first step). Hyperparameters after ``lr`` are
keyword-only: torch orders some of them differently (SGD, Adagrad, RMSprop), and a keyword
means the same thing in both libraries.

One module of about 350 lines on purpose: six short optimizer classes that share a base and
three argument checks, each a page of code, read side by side as chapter 8 compares them.
"""
from __future__ import annotations

import math
from numbers import Real
from typing import Any, Iterable

import numpy as np

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "NAdam"]


def _as_param_list(params: Any, owner: str) -> list:
    """Check ``params`` is an iterable of Parameter-likes (NumPy ``.data`` and ``.grad``)."""
    if hasattr(params, "data") and hasattr(params, "grad"):
        raise TypeError(
            f"{owner} expects an iterable of Parameters (e.g. model.parameters() or [w, b]); "
            f"got a single {type(params).__name__}: wrap it in a list, [{type(params).__name__.lower()}]"
        )
    if isinstance(params, (np.ndarray, str, bytes, dict)) or not isinstance(params, Iterable):
        raise TypeError(
            f"{owner} expects an iterable of Parameters (objects with .data and .grad); "
            f"got {type(params).__name__}"
        )
    params = list(params)
    if not params:
        raise ValueError(f"{owner} got an empty parameter list: nothing to optimize")
    for i, p in enumerate(params):
        if not (hasattr(p, "data") and hasattr(p, "grad")):
            raise TypeError(
                f"{owner} expects Parameters with .data and .grad; item {i} is a "
                f"{type(p).__name__} (wrap arrays in dl.nn.Parameter)"
            )
        if type(p.data) is not np.ndarray or p.data.dtype.kind != "f":
            raise TypeError(
                f"{owner} expects each parameter's .data to be a float NumPy array; item {i} "
                f"has .data of type {type(p.data).__module__}.{type(p.data).__name__}"
                + (f" with dtype {p.data.dtype}" if isinstance(p.data, np.ndarray) else "")
                + (" (for torch tensors use torch.optim)" if "torch" in type(p.data).__module__ else "")
            )
    return params


def _check(owner: str, name: str, value: Any, low: float = 0.0, high: float | None = None,
           high_open: bool = False) -> float:
    """Return ``value`` as a float after checking it is a number in [low, high] (or [low, high))."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{owner} expects {name} to be a number; got {type(value).__name__} {value!r}")
    value = float(value)
    bad = not (value >= low) or (high is not None and (value >= high if high_open else value > high))
    if bad:
        rng = f">= {low:g}" if high is None else f"in [{low:g}, {high:g}{')' if high_open else ']'}"
        raise ValueError(f"{owner}: invalid {name}: expected a value {rng}; got {value!r}")
    return value


def _betas(owner: str, betas: Any) -> tuple[float, float]:
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"{owner} expects betas as a pair (beta1, beta2), e.g. (0.9, 0.999); got {betas!r}")
    return (_check(owner, "beta parameter at index 0", betas[0], 0.0, 1.0, high_open=True),
            _check(owner, "beta parameter at index 1", betas[1], 0.0, 1.0, high_open=True))


class Optimizer:
    """Base class: holds ``params``, one ``state`` dict per parameter, and the hyperparameters.

    Subclasses implement ``_update(w, g, state)``, which changes the array ``w`` in place.
    ``state[i]`` holds the buffers of ``params[i]`` (torch keys them the same way in
    ``optimizer.state_dict()["state"]``). Hyperparameters are plain attributes
    (``opt.lr = 0.01`` changes the learning rate for the next steps). Chapter 8.
    """

    def __init__(self, params: Iterable, defaults: dict) -> None:
        self.params = _as_param_list(params, type(self).__name__)
        self.defaults = dict(defaults)
        for key, value in defaults.items():
            setattr(self, key, value)
        self.state: dict[int, dict] = {i: {} for i in range(len(self.params))}

    def zero_grad(self) -> None:
        """Set every ``.grad`` to zeros (NumPy modules add into ``.grad``, so it must be an array).

        Torch: ``optimizer.zero_grad(set_to_none=False)``; torch's default sets them to None.
        """
        for p in self.params:
            if isinstance(p.grad, np.ndarray) and p.grad.shape == p.data.shape:
                p.grad[...] = 0.0
            else:
                p.grad = np.zeros_like(p.data)

    def step(self) -> None:
        """Update every parameter that has a gradient, in place, by this optimizer's rule."""
        weight_decay = getattr(self, "weight_decay", 0.0)
        for i, p in enumerate(self.params):
            if p.grad is None:  # like torch: a parameter without a gradient is skipped
                continue
            g = np.asarray(p.grad, dtype=p.data.dtype)
            if g.shape != p.data.shape:
                raise ValueError(
                    f"{type(self).__name__}.step: parameter {i} has .data of shape {p.data.shape} "
                    f"but .grad of shape {g.shape}"
                )
            if weight_decay != 0:
                g = g + weight_decay * p.data  # L2 penalty; a new array, .grad is left alone
            self._update(p.data, g, self.state[i])

    def _update(self, w: np.ndarray, g: np.ndarray, state: dict) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        hyper = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.defaults)
        return f"{type(self).__name__}({len(self.params)} parameters, {hyper})"


class SGD(Optimizer):
    r"""Stochastic gradient descent, with optional (Nesterov) momentum.

    .. math:: b_t = \mu b_{t-1} + (1-\tau) g_t\ (b_1 = g_1),\quad
              d_t = g_t + \mu b_t \text{ (Nesterov) or } b_t,\quad w \leftarrow w - \eta d_t

    Without momentum (:math:`\mu = 0`) this is :math:`w \leftarrow w - \eta g`.

    Args: ``lr`` (:math:`\eta`), ``momentum`` (:math:`\mu`), ``dampening`` (:math:`\tau`),
    ``nesterov`` (look-ahead step; needs momentum > 0 and dampening 0), ``weight_decay``.
    Torch: ``torch.optim.SGD``. Chapter 8.
    """

    def __init__(self, params: Iterable, lr: float = 1e-3, *, momentum: float = 0.0,
                 dampening: float = 0.0, nesterov: bool = False, weight_decay: float = 0.0) -> None:
        name = type(self).__name__
        defaults = dict(lr=_check(name, "learning rate lr", lr), momentum=_check(name, "momentum", momentum),
                        dampening=_check(name, "dampening", dampening, -math.inf),
                        nesterov=bool(nesterov), weight_decay=_check(name, "weight_decay", weight_decay))
        if nesterov and (defaults["momentum"] <= 0 or defaults["dampening"] != 0):
            raise ValueError(f"{name}: Nesterov momentum requires momentum > 0 and dampening = 0; "
                             f"got momentum={momentum}, dampening={dampening}")
        super().__init__(params, defaults)

    def _update(self, w, g, state):
        if self.momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = g.copy()
            else:
                buf *= self.momentum
                buf += (1 - self.dampening) * g
            g = g + self.momentum * buf if self.nesterov else buf
        w -= self.lr * g


class Adagrad(Optimizer):
    r"""Adagrad: each coordinate's step shrinks with the sum of its squared gradients so far.

    .. math:: s_t = s_{t-1} + g_t^2,\quad
              w \leftarrow w - \frac{\eta}{1 + (t-1)\,\text{lr\_decay}}\,\frac{g_t}{\sqrt{s_t} + \epsilon}

    Args: ``lr``, ``eps``, ``weight_decay``, ``lr_decay``, ``initial_accumulator_value``
    (:math:`s_0`), with torch's defaults. Torch: ``torch.optim.Adagrad``. Chapter 8.
    """

    def __init__(self, params: Iterable, lr: float = 1e-2, *, eps: float = 1e-10, weight_decay: float = 0.0,
                 lr_decay: float = 0.0, initial_accumulator_value: float = 0.0) -> None:
        name = type(self).__name__
        super().__init__(params, dict(
            lr=_check(name, "learning rate lr", lr), eps=_check(name, "epsilon eps", eps),
            weight_decay=_check(name, "weight_decay", weight_decay), lr_decay=_check(name, "lr_decay", lr_decay),
            initial_accumulator_value=_check(name, "initial_accumulator_value", initial_accumulator_value)))

    def _update(self, w, g, state):
        if not state:
            state["step"], state["sum"] = 0, np.full_like(w, self.initial_accumulator_value)
        state["step"] += 1
        clr = self.lr / (1 + (state["step"] - 1) * self.lr_decay)
        state["sum"] += g * g
        w -= clr * g / (np.sqrt(state["sum"]) + self.eps)


class RMSprop(Optimizer):
    r"""RMSprop: divide the step by a running root-mean-square of recent gradients.

    .. math:: v_t = \alpha v_{t-1} + (1-\alpha) g_t^2,\quad
              w \leftarrow w - \eta\,\frac{g_t}{\sqrt{v_t} + \epsilon}

    With ``momentum`` :math:`\mu > 0`: :math:`b_t = \mu b_{t-1} + g_t / (\sqrt{v_t}+\epsilon)`,
    :math:`w \leftarrow w - \eta b_t`. ``centered=True`` uses :math:`v_t - \bar g_t^2` (the
    variance) instead of :math:`v_t`. Args: ``lr``, ``alpha``, ``eps``, ``momentum``,
    ``weight_decay``, ``centered``. Torch: ``torch.optim.RMSprop``. Chapter 8.
    """

    def __init__(self, params: Iterable, lr: float = 1e-2, *, alpha: float = 0.99, eps: float = 1e-8,
                 momentum: float = 0.0, weight_decay: float = 0.0, centered: bool = False) -> None:
        name = type(self).__name__
        super().__init__(params, dict(
            lr=_check(name, "learning rate lr", lr), alpha=_check(name, "alpha", alpha),
            eps=_check(name, "epsilon eps", eps), momentum=_check(name, "momentum", momentum),
            weight_decay=_check(name, "weight_decay", weight_decay), centered=bool(centered)))

    def _update(self, w, g, state):
        if not state:
            state.update(step=0, square_avg=np.zeros_like(w))
            if self.momentum > 0:
                state["momentum_buffer"] = np.zeros_like(w)
            if self.centered:
                state["grad_avg"] = np.zeros_like(w)
        state["step"] += 1
        sq = state["square_avg"]
        sq *= self.alpha
        sq += (1 - self.alpha) * g * g
        if self.centered:
            state["grad_avg"] += (1 - self.alpha) * (g - state["grad_avg"])
            avg = np.sqrt(sq - state["grad_avg"] ** 2) + self.eps
        else:
            avg = np.sqrt(sq) + self.eps
        if self.momentum > 0:
            buf = state["momentum_buffer"]
            buf *= self.momentum
            buf += g / avg
            w -= self.lr * buf
        else:
            w -= self.lr * g / avg


class Adadelta(Optimizer):
    r"""Adadelta: RMSprop whose step size is a running RMS of past updates, so units match.

    .. math:: v_t = \rho v_{t-1} + (1-\rho) g_t^2,\quad
              \Delta_t = \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t,\quad
              u_t = \rho u_{t-1} + (1-\rho)\Delta_t^2,\quad w \leftarrow w - \eta \Delta_t

    Args: ``lr`` (a scale, 1.0 in the paper), ``rho``, ``eps``, ``weight_decay``.
    Torch: ``torch.optim.Adadelta``. Chapter 8.
    """

    def __init__(self, params: Iterable, lr: float = 1.0, *, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0.0) -> None:
        name = type(self).__name__
        super().__init__(params, dict(
            lr=_check(name, "learning rate lr", lr), rho=_check(name, "rho", rho, 0.0, 1.0),
            eps=_check(name, "epsilon eps", eps), weight_decay=_check(name, "weight_decay", weight_decay)))

    def _update(self, w, g, state):
        if not state:
            state.update(step=0, square_avg=np.zeros_like(w), acc_delta=np.zeros_like(w))
        state["step"] += 1
        sq, acc = state["square_avg"], state["acc_delta"]
        sq *= self.rho
        sq += (1 - self.rho) * g * g
        delta = np.sqrt(acc + self.eps) / np.sqrt(sq + self.eps) * g
        acc *= self.rho
        acc += (1 - self.rho) * delta * delta
        w -= self.lr * delta


class Adam(Optimizer):
    r"""Adam: momentum (a running mean of g) divided by a running RMS of g, both bias-corrected.

    .. math:: m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\quad
              w \leftarrow w - \frac{\eta}{1-\beta_1^t}\,\frac{m_t}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}

    Args: ``lr``, ``betas`` :math:`(\beta_1, \beta_2)`, ``eps`` (outside the square root),
    ``weight_decay`` (added to g, not AdamW's decoupled decay), ``amsgrad`` (use the running
    maximum of :math:`v_t`). Torch: ``torch.optim.Adam``. Chapter 8.
    """

    def __init__(self, params: Iterable, lr: float = 1e-3, *, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False) -> None:
        name = type(self).__name__
        super().__init__(params, dict(
            lr=_check(name, "learning rate lr", lr), betas=_betas(name, betas),
            eps=_check(name, "epsilon eps", eps), weight_decay=_check(name, "weight_decay", weight_decay),
            amsgrad=bool(amsgrad)))

    def _update(self, w, g, state):
        beta1, beta2 = self.betas
        if not state:
            state.update(step=0, exp_avg=np.zeros_like(w),
                         exp_avg_sq=np.zeros_like(w))
            if self.amsgrad:
                state["max_exp_avg_sq"] = np.zeros_like(w)
        state["step"] += 1
        t, m, v = state["step"], state["exp_avg"], state["exp_avg_sq"]
        m += (1 - beta1) * (g - m)
        v *= beta2
        v += (1 - beta2) * g * g
        if self.amsgrad:
            v_max = state["max_exp_avg_sq"]
            np.maximum(v_max, v, out=v_max)
            v = state["max_exp_avg_sq"]
        denom = np.sqrt(v) / math.sqrt(1 - beta2**t) + self.eps
        w -= self.lr / (1 - beta1**t) * m / denom


class NAdam(Optimizer):
    r"""NAdam: Adam with a Nesterov look-ahead on the momentum, and a warming-up momentum.

    .. math:: \mu_t = \beta_1\bigl(1 - \tfrac12\, 0.96^{t\,\psi}\bigr),\quad
              \hat v_t = \frac{v_t}{1-\beta_2^t},\quad
              w \leftarrow w - \eta\Bigl(\frac{(1-\mu_t)\,g_t}{1-\prod_{i\le t}\mu_i}
              + \frac{\mu_{t+1}\, m_t}{1-\prod_{i\le t+1}\mu_i}\Bigr)\Big/\bigl(\sqrt{\hat v_t}+\epsilon\bigr)

    with :math:`m_t, v_t` as in Adam and :math:`\psi` = ``momentum_decay``. Args: ``lr``,
    ``betas``, ``eps``, ``weight_decay``, ``momentum_decay``. Torch: ``torch.optim.NAdam``. Chapter 8.
    """

    def __init__(self, params: Iterable, lr: float = 2e-3, *, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum_decay: float = 4e-3) -> None:
        name = type(self).__name__
        super().__init__(params, dict(
            lr=_check(name, "learning rate lr", lr), betas=_betas(name, betas),
            eps=_check(name, "epsilon eps", eps), weight_decay=_check(name, "weight_decay", weight_decay),
            momentum_decay=_check(name, "momentum_decay", momentum_decay)))

    def _update(self, w, g, state):
        beta1, beta2 = self.betas
        if not state:
            state.update(step=0, mu_product=1.0, exp_avg=np.zeros_like(w), exp_avg_sq=np.zeros_like(w))
        state["step"] += 1
        t, m, v = state["step"], state["exp_avg"], state["exp_avg_sq"]
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * self.momentum_decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * self.momentum_decay))
        state["mu_product"] *= mu
        mu_product = state["mu_product"]
        m += (1 - beta1) * (g - m)
        v *= beta2
        v += (1 - beta2) * g * g
        denom = np.sqrt(v / (1 - beta2**t)) + self.eps
        w -= self.lr * (1 - mu) / (1 - mu_product) * g / denom
        w -= self.lr * mu_next / (1 - mu_product * mu_next) * m / denom
