"""Exercises of chapter 8, Optimizers: one update step of momentum, Nesterov momentum, Adagrad,
RMSprop and Adam, in torch's conventions, and the learning rate of a warmup + cosine schedule. Inputs and answers are plain NumPy arrays and numbers;
every step returns new arrays (the learner's function may not rely on changing its inputs)."""
# Over the house style's ~300 lines on purpose: each exercise of the chapter is defined whole
# in this file (statement, stub, points, cases, judge, hints, reference solution and typical
# wrong answers), so a teacher changes an exercise in one place; tools/exercise.py writes the
# notebook's cells from it and proves it.
from __future__ import annotations

import math

import numpy as np

from dlcourse.grading.spec import Case, Exercise, Hint

__all__ = ["EXERCISES", "momentum_step", "nesterov_step", "adagrad_step", "rmsprop_step", "adam_step",
           "warmup_cosine_lr"]


# --- reference answers (plain NumPy; tests/test_optim.py checks them against dlcourse.optim) ----
def momentum_step(w, grad, v, lr, momentum):
    """Heavy-ball momentum as torch.optim.SGD runs it: v = momentum*v + grad; w = w - lr*v."""
    v_new = momentum * np.asarray(v, dtype=float) + grad
    return w - lr * v_new, v_new


def nesterov_step(w, grad, v, lr, momentum):
    """Nesterov momentum as torch.optim.SGD(nesterov=True): v as above; w -= lr*(grad + momentum*v)."""
    v_new = momentum * np.asarray(v, dtype=float) + grad
    return w - lr * (grad + momentum * v_new), v_new


def adagrad_step(w, grad, s, lr, eps):
    """Adagrad: s = s + grad**2; w = w - lr * grad / (sqrt(s) + eps)."""
    s_new = s + np.asarray(grad, dtype=float) ** 2
    return w - lr * grad / (np.sqrt(s_new) + eps), s_new


def rmsprop_step(w, grad, v, lr, alpha, eps):
    """RMSprop: v = alpha*v + (1-alpha)*grad**2; w = w - lr * grad / (sqrt(v) + eps)."""
    v_new = alpha * v + (1 - alpha) * np.asarray(grad, dtype=float) ** 2
    return w - lr * grad / (np.sqrt(v_new) + eps), v_new


def adam_step(w, grad, m, v, t, lr, beta1, beta2, eps):
    """Adam step number t (1 at the first step), with bias correction; eps outside the root."""
    grad = np.asarray(grad, dtype=float)
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def warmup_cosine_lr(t, base_lr, warmup_steps, total_steps, start_factor, eta_min):
    """The rate at step t of torch's SequentialLR([LinearLR(start_factor, total_iters=warmup_steps),
    CosineAnnealingLR(T_max=total_steps - warmup_steps, eta_min)], milestones=[warmup_steps])."""
    if t < warmup_steps:
        return base_lr * (start_factor + (1 - start_factor) * t / warmup_steps)
    u = (t - warmup_steps) / (total_steps - warmup_steps)
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * u)) / 2


# --- cases --------------------------------------------------------------------------------------
def _momentum_cases():
    rng = np.random.default_rng(80)
    return [
        Case((np.array([1.0, -2.0]), np.array([0.5, 0.5]), np.zeros(2), 0.1, 0.9), label="first step (v = 0)"),
        Case((np.array([1.0, -2.0]), np.array([0.5, 0.5]), np.array([1.0, -1.0]), 0.1, 0.9),
             label="v = [1, -1] from earlier steps"),
        Case((rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), 0.05, 0.5),
             label="a (3, 4) weight, momentum 0.5"),
        Case((np.array([0.3]), np.array([-1.0]), np.array([2.0]), 1.0, 0.0), label="momentum 0: plain SGD"),
    ]


def _adagrad_cases():
    rng = np.random.default_rng(81)
    return [
        Case((np.array([1.0, -2.0]), np.array([0.5, -4.0]), np.zeros(2), 0.1, 1e-10),
             label="first step (s = 0): every coordinate moves by lr"),
        Case((np.array([1.0, -2.0]), np.array([0.5, -4.0]), np.array([4.0, 1.0]), 0.1, 0.1),
             label="s = [4, 1] from earlier steps, eps = 0.1"),
        Case((rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), rng.uniform(0, 2, size=(2, 3)), 0.5, 0.1),
             label="a (2, 3) weight, eps = 0.1"),
        Case((np.array([1.0, 1.0]), np.array([1e-3, 0.0]), np.zeros(2), 0.1, 1e-2),
             label="tiny gradients, eps = 0.01"),
    ]


def _rmsprop_cases():
    rng = np.random.default_rng(82)
    return [
        Case((np.array([1.0, -2.0]), np.array([0.5, -4.0]), np.zeros(2), 0.01, 0.99, 1e-8),
             label="first step (v = 0)"),
        Case((np.array([1.0, -2.0]), np.array([0.5, -4.0]), np.array([0.2, 3.0]), 0.01, 0.9, 0.1),
             label="v = [0.2, 3] from earlier steps, alpha 0.9, eps = 0.1"),
        Case((rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), rng.uniform(0, 1, size=(3, 2)), 0.1, 0.99, 0.05),
             label="a (3, 2) weight, eps = 0.05"),
        Case((np.array([1.0, 1.0]), np.array([1e-3, -1e-4]), np.zeros(2), 0.01, 0.9, 1e-3),
             label="tiny gradients, eps = 0.001"),
    ]


def _adam_cases():
    rng = np.random.default_rng(83)
    return [
        Case((np.array([1.0, -2.0]), np.array([0.5, -4.0]), np.zeros(2), np.zeros(2), 1, 1e-3, 0.9, 0.999, 1e-8),
             label="first step (t = 1): each coordinate moves by about lr"),
        Case((np.array([1.0, -2.0]), np.array([0.5, -4.0]), np.array([0.1, -0.3]), np.array([0.02, 1.5]),
              5, 1e-2, 0.9, 0.999, 0.1), label="t = 5, m and v from earlier steps, eps = 0.1"),
        Case((rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), rng.normal(size=(2, 3)) * 0.1,
              rng.uniform(0, 0.5, size=(2, 3)), 100, 1e-3, 0.8, 0.99, 0.05),
             label="a (2, 3) weight, t = 100, eps = 0.05"),
        Case((np.array([1.0, 1.0]), np.array([1e-4, -1e-3]), np.zeros(2), np.zeros(2), 1, 0.1, 0.9, 0.999, 1e-3),
             label="tiny gradients, eps = 0.001"),
    ]


def _schedule_cases():
    return [
        Case((0, 0.1, 10, 100, 0.01, 0.0), label="t = 0: the first warmup step, 0.1 * 0.01"),
        Case((5, 0.1, 10, 100, 0.01, 0.0), label="t = 5, half-way through the warmup"),
        Case((10, 0.1, 10, 100, 0.01, 0.0), label="t = 10: warmup over, the cosine starts at 0.1"),
        Case((55, 0.1, 10, 100, 0.01, 0.0), label="t = 55: half-way down the cosine"),
        Case((40, 0.5, 20, 120, 0.1, 0.05), label="t = 40, eta_min = 0.05"),
        Case((120, 0.5, 20, 120, 0.1, 0.05), label="t = total_steps: the rate is eta_min"),
    ]


# --- hints (each guarded: a hint must never raise) ----------------------------------------------
def _safe(pred):
    def when(got, exp, case):
        try:
            return bool(pred(got, exp, case))
        except Exception:
            return False
    return when


def _close(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-6, atol=1e-9)


def _not_pair(n):
    return lambda got, exp, case: not isinstance(got, (tuple, list)) or len(got) != n


def _cs231n_velocity(got, exp, case):  # v = momentum*v - lr*grad; w = w + v
    w, g, v, lr, mu = case.args
    v2 = mu * v - lr * g
    return _close(got[0], w + v2) or _close(got[1], v2)


def _ema_momentum(got, exp, case):  # v = momentum*v + (1-momentum)*grad
    w, g, v, lr, mu = case.args
    return not _close(got[1], exp[1]) and _close(got[1], mu * v + (1 - mu) * g)


def _old_velocity(got, exp, case):  # w moved with the velocity of the previous step
    w, g, v, lr, mu = case.args
    return _close(got[1], exp[1]) and _close(got[0], w - lr * v)


def _plain_momentum(got, exp, case):  # Nesterov answered with plain momentum
    w, g, v, lr, mu = case.args
    return _close(got[0], momentum_step(w, g, v, lr, mu)[0])


def _eps_inside(step):
    def when(got, exp, case):
        return not _close(got[0], exp[0]) and _close(got[0], step(*case.args)[0])
    return when


def _adagrad_eps_inside(w, g, s, lr, eps):
    s2 = s + g**2
    return w - lr * g / np.sqrt(s2 + eps), s2


def _rms_eps_inside(w, g, v, lr, a, eps):
    v2 = a * v + (1 - a) * g**2
    return w - lr * g / np.sqrt(v2 + eps), v2


def _adam_eps_inside(w, g, m, v, t, lr, b1, b2, eps):
    m2, v2 = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
    return w - lr * (m2 / (1 - b1**t)) / np.sqrt(v2 / (1 - b2**t) + eps), m2, v2


def _corrected_state(got, exp, case):  # returned m_hat, v_hat instead of m, v
    w, g, m, v, t, lr, b1, b2, eps = case.args
    return _close(got[0], exp[0]) and _close(got[1], exp[1] / (1 - b1**t))


def _rms_no_one_minus(got, exp, case):
    w, g, v, lr, a, eps = case.args
    return _close(got[1], a * v + g**2)


def _no_sqrt(got, exp, case):
    return _close(got[1], exp[1]) and not _close(got[0], exp[0]) and _close(
        got[0], case.args[0] - case.args[3] * case.args[1] / (exp[1] + case.args[-1]))


def _no_bias_correction(got, exp, case):
    w, g, m, v, t, lr, b1, b2, eps = case.args
    m2, v2 = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
    return _close(got[0], w - lr * m2 / (np.sqrt(v2) + eps))


def _t_off_by_one(got, exp, case):  # bias correction with t + 1 (t counted from 0)
    w, g, m, v, t, lr, b1, b2, eps = case.args
    return _close(got[0], adam_step(w, g, m, v, t + 1, lr, b1, b2, eps)[0])


def _cosine_from_zero(got, exp, case):  # the cosine counts from step 0, not from the warmup's end
    t, lr, w, total, f, eta_min = case.args
    return t >= w and math.isclose(got, eta_min + (lr - eta_min) * (1 + math.cos(math.pi * t / (total - w))) / 2,
                                   rel_tol=1e-9)


def _no_eta_min(got, exp, case):  # the cosine goes down to 0 whatever eta_min is
    t, lr, w, total, f, eta_min = case.args
    return eta_min > 0 and t >= w and math.isclose(
        got, lr * (1 + math.cos(math.pi * (t - w) / (total - w))) / 2, rel_tol=1e-9)


def _warmup_from_zero(got, exp, case):  # warmup from 0 instead of from start_factor * lr
    t, lr, w, total, f, eta_min = case.args
    return t < w and math.isclose(got, lr * t / w, rel_tol=1e-9, abs_tol=1e-15)


_RETURN_2 = "Return a tuple of two arrays: (new w, new {state})."

EXERCISES = [
    Exercise(
        id="08.momentum_step", title="One step of SGD with momentum", name="momentum_step", points=2,
        cases=_momentum_cases, reference=momentum_step,
        hints=[Hint(_safe(_not_pair(2)), _RETURN_2.format(state="v")),
               Hint(_safe(_cs231n_velocity), "That is the other common convention (v = momentum*v - lr*grad; "
                                             "w = w + v). Here use torch's: v = momentum*v + grad; w = w - lr*v."),
               Hint(_safe(_ema_momentum), "Don't scale the gradient by (1 - momentum): torch's buffer is "
                                          "v = momentum*v + grad (dampening 0)."),
               Hint(_safe(_old_velocity), "Update v first, then move w with the NEW v.")],
        hint="v_new = momentum * v + grad; w_new = w - lr * v_new; return (w_new, v_new).",
        forbidden=("torch.optim.SGD", "dlcourse.optim.SGD", "dlcourse.grading.ch08.momentum_step"),
        heading='SGD with momentum',
        statement=r"""
Write `momentum_step(w, grad, v, lr, momentum)` returning `(w_new, v_new)` as `torch.optim.SGD`
does with `momentum > 0`:

$$v_{new} = \mu\, v + g, \qquad w_{new} = w - \eta\, v_{new}.$$

Example: `momentum_step(np.array([1.0]), np.array([0.5]), np.array([1.0]), 0.1, 0.9)` returns
`(array([0.86]), array([1.4]))`.
""",
        stub='''
def momentum_step(w, grad, v, lr, momentum):
    """One SGD-with-momentum step. Returns (w_new, v_new)."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
    Exercise(
        id="08.nesterov_step", title="One step of Nesterov momentum", name="nesterov_step", points=2,
        cases=_momentum_cases, reference=nesterov_step,
        hints=[Hint(_safe(_not_pair(2)), _RETURN_2.format(state="v")),
               Hint(_safe(_plain_momentum), "Nesterov looks ahead: first update v, then step along "
                                            "grad + momentum * v_new (with the NEW v), not along v_new."),
               Hint(_safe(_ema_momentum), "Don't scale the gradient by (1 - momentum): v = momentum*v + grad.")],
        hint="v_new = momentum * v + grad; w_new = w - lr * (grad + momentum * v_new); return (w_new, v_new).",
        forbidden=("torch.optim.SGD", "dlcourse.optim.SGD", "dlcourse.grading.ch08.nesterov_step"),
        heading='Nesterov momentum',
        statement=r"""
Write `nesterov_step(w, grad, v, lr, momentum)` returning `(w_new, v_new)` as
`torch.optim.SGD(..., nesterov=True)` does:

$$v_{new} = \mu\, v + g, \qquad w_{new} = w - \eta\,(g + \mu\, v_{new}).$$

Example: with the inputs of exercise 1 it returns `(array([0.824]), array([1.4]))`.
""",
        stub='''
def nesterov_step(w, grad, v, lr, momentum):
    """One Nesterov-momentum step. Returns (w_new, v_new)."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
    Exercise(
        id="08.adagrad_step", title="One step of Adagrad", name="adagrad_step", points=2,
        cases=_adagrad_cases, reference=adagrad_step,
        hints=[Hint(_safe(_not_pair(2)), _RETURN_2.format(state="s")),
               Hint(_safe(_eps_inside(_adagrad_eps_inside)), "You put eps inside the square root; it goes OUTSIDE: "
                                                             "sqrt(s) + eps, as in torch."),
               Hint(_safe(_no_sqrt), "Divide by the square ROOT of the accumulated squares, sqrt(s_new) + eps.")],
        hint="s_new = s + grad**2 (a running sum, not an average); w_new = w - lr * grad / (sqrt(s_new) + eps).",
        forbidden=("torch.optim.Adagrad", "dlcourse.optim.Adagrad", "dlcourse.grading.ch08.adagrad_step"),
        heading='Adagrad',
        statement=r"""
Write `adagrad_step(w, grad, s, lr, eps)` returning `(w_new, s_new)`, where `s` is the running
**sum** of squared gradients:

$$s_{new} = s + g^2, \qquad w_{new} = w - \eta\, \frac{g}{\sqrt{s_{new}} + \epsilon}.$$

Example: `adagrad_step(np.array([1.0]), np.array([3.0]), np.array([16.0]), 0.5, 1e-10)` returns
`(array([0.7]), array([25.]))`.
""",
        stub='''
def adagrad_step(w, grad, s, lr, eps):
    """One Adagrad step. Returns (w_new, s_new)."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
    Exercise(
        id="08.rmsprop_step", title="One step of RMSprop", name="rmsprop_step", points=2,
        cases=_rmsprop_cases, reference=rmsprop_step,
        hints=[Hint(_safe(_not_pair(2)), _RETURN_2.format(state="v")),
               Hint(_safe(_eps_inside(_rms_eps_inside)), "You put eps inside the square root; it goes OUTSIDE: "
                                                             "sqrt(v) + eps, as in torch."),
               Hint(_safe(_rms_no_one_minus), "A running average weighs the new square by (1 - alpha): "
                                              "v = alpha*v + (1 - alpha)*grad**2."),
               Hint(_safe(_no_sqrt), "Divide by the square ROOT of v: sqrt(v_new) + eps.")],
        hint="v_new = alpha*v + (1-alpha)*grad**2; w_new = w - lr * grad / (sqrt(v_new) + eps). Use the NEW v.",
        forbidden=("torch.optim.RMSprop", "dlcourse.optim.RMSprop", "dlcourse.grading.ch08.rmsprop_step"),
        heading='RMSProp',
        statement=r"""
Write `rmsprop_step(w, grad, v, lr, alpha, eps)` returning `(w_new, v_new)`, where `v` is the
moving average of squared gradients:

$$v_{new} = \alpha\, v + (1 - \alpha)\, g^2, \qquad
  w_{new} = w - \eta\, \frac{g}{\sqrt{v_{new}} + \epsilon}.$$

Note where $\epsilon$ goes: outside the square root, as in torch.

Example: `rmsprop_step(np.array([1.0]), np.array([2.0]), np.array([0.0]), 0.01, 0.75, 1e-8)`
returns about `(array([0.98]), array([1.]))`.
""",
        stub='''
def rmsprop_step(w, grad, v, lr, alpha, eps):
    """One RMSProp step. Returns (w_new, v_new)."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
    Exercise(
        id="08.adam_step", title="One step of Adam, with bias correction", name="adam_step", points=3,
        cases=_adam_cases, reference=adam_step,
        hints=[Hint(_safe(_not_pair(3)), "Return a tuple of three arrays: (new w, new m, new v)."),
               Hint(_safe(_corrected_state), "w is right, but return the UNcorrected m and v: the bias "
                                             "correction is only used for the step, not stored."),
               Hint(_safe(_no_bias_correction), "You forgot the bias correction: divide m by (1 - beta1**t) "
                                                "and v by (1 - beta2**t) before the step."),
               Hint(_safe(_eps_inside(_adam_eps_inside)), "You put eps inside the square root; it goes OUTSIDE: "
                                                             "sqrt(v_hat) + eps, as in torch."),
               Hint(_safe(_t_off_by_one), "t is the number of THIS step (1 at the first step): "
                                          "use beta**t as given, not beta**(t+1).")],
        hint=("m = beta1*m + (1-beta1)*grad; v = beta2*v + (1-beta2)*grad**2; m_hat = m/(1-beta1**t); "
              "v_hat = v/(1-beta2**t); w = w - lr*m_hat/(sqrt(v_hat) + eps); return (w, m, v) with the "
              "UNcorrected m and v."),
        forbidden=("torch.optim.Adam", "dlcourse.optim.Adam", "dlcourse.grading.ch08.adam_step"),
        heading='Adam, with bias correction',
        statement=r"""
Write `adam_step(w, grad, m, v, t, lr, beta1, beta2, eps)` returning `(w_new, m_new, v_new)`.
`t` is the number of **this** step (1 at the first step):

$$\begin{aligned}
m_{new} &= \beta_1 m + (1-\beta_1)\, g, & v_{new} &= \beta_2 v + (1-\beta_2)\, g^2,\\
\hat m &= \frac{m_{new}}{1-\beta_1^t}, & \hat v &= \frac{v_{new}}{1-\beta_2^t},\\
w_{new} &= w - \eta\, \frac{\hat m}{\sqrt{\hat v} + \epsilon}.
\end{aligned}$$

Return the *uncorrected* `m_new` and `v_new` (the next step needs them); the corrected ones are
only used for this step.

Example: at the first step (`t=1`, `m` and `v` zero) every weight moves by almost exactly `lr`:
`adam_step(np.array([1.0]), np.array([0.5]), np.zeros(1), np.zeros(1), 1, 0.001, 0.9, 0.999, 1e-8)`
returns about `(array([0.999]), array([0.05]), array([0.00025]))`.
""",
        stub='''
def adam_step(w, grad, m, v, t, lr, beta1, beta2, eps):
    """One Adam step (t = 1 at the first step). Returns (w, m, v), all new."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
    Exercise(
        id="08.warmup_cosine_lr", title="A warmup + cosine learning rate at step t",
        name="warmup_cosine_lr", points=2, cases=_schedule_cases, reference=warmup_cosine_lr,
        hints=[Hint(_safe(_cosine_from_zero), "The cosine starts where the warmup ends: use the "
                                              "steps since then, t - warmup_steps, over "
                                              "total_steps - warmup_steps."),
               Hint(_safe(_no_eta_min), "The cosine goes down to eta_min, not to 0: "
                                        "eta_min + (base_lr - eta_min) * (1 + cos(...)) / 2."),
               Hint(_safe(_warmup_from_zero), "The warmup starts at start_factor * base_lr, not at 0: "
                                              "base_lr * (start_factor + (1 - start_factor) * t / "
                                              "warmup_steps).")],
        hint=("t < warmup_steps: base_lr * (start_factor + (1 - start_factor) * t / warmup_steps); "
              "else eta_min + (base_lr - eta_min) * (1 + cos(pi * (t - warmup_steps) / "
              "(total_steps - warmup_steps))) / 2."),
        forbidden=("torch.optim.lr_scheduler", "dlcourse.optim.lr_scheduler",
                   "dlcourse.grading.ch08.warmup_cosine_lr"),
        heading='A warmup + cosine learning rate',
        statement=r"""
Write `warmup_cosine_lr(t, base_lr, warmup_steps, total_steps, start_factor, eta_min)`
returning the learning rate (a float) at step `t` (0 at the first step) of the chapter's
schedule: a linear warmup from `start_factor * base_lr` to `base_lr` over `warmup_steps` steps,
then cosine annealing from `base_lr` down to `eta_min` over the remaining steps. With
$T_w$ = `warmup_steps`, $T$ = `total_steps`, $f$ = `start_factor`:

$$\eta_t = \eta_0 \left(f + (1 - f)\, \frac{t}{T_w}\right) \quad \text{for } t < T_w,$$

$$\eta_t = \eta_{min} + \tfrac12 (\eta_0 - \eta_{min})
  \left(1 + \cos\frac{\pi\,(t - T_w)}{T - T_w}\right) \quad \text{for } t \ge T_w.$$

This is the rate of `torch.optim.lr_scheduler.SequentialLR` with `LinearLR(start_factor=f,
total_iters=T_w)` then `CosineAnnealingLR(T_max=T - T_w, eta_min=eta_min)` and
`milestones=[T_w]`, after `t` calls of `step()` (do not use them here: `math.cos` and
`math.pi` are all you need).

Example: `warmup_cosine_lr(5, 0.1, 10, 100, 0.01, 0.0)` is `0.0505` (half-way through the
warmup), and `warmup_cosine_lr(55, 0.1, 10, 100, 0.01, 0.0)` is `0.05` (half-way down the
cosine).
""",
        stub='''
import math

def warmup_cosine_lr(t, base_lr, warmup_steps, total_steps, start_factor,
                     eta_min):
    """The learning rate at step t (t = 0 first) of warmup, then cosine."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
]


# ------------------------------------------------------------ the proof
# The reference solution of each exercise and its typical wrong answers, as the source a
# learner would paste into the answer cell (see CONTRIBUTING.md, tools/exercise.py prove).
SOLUTIONS = {
    "08.momentum_step": '''
def momentum_step(w, grad, v, lr, momentum):
    v_new = momentum * v + grad
    w_new = w - lr * v_new
    return w_new, v_new
''',
    "08.nesterov_step": '''
def nesterov_step(w, grad, v, lr, momentum):
    v_new = momentum * v + grad
    w_new = w - lr * (grad + momentum * v_new)
    return w_new, v_new
''',
    "08.adagrad_step": '''
def adagrad_step(w, grad, s, lr, eps):
    s_new = s + grad ** 2
    w_new = w - lr * grad / (np.sqrt(s_new) + eps)
    return w_new, s_new
''',
    "08.rmsprop_step": '''
def rmsprop_step(w, grad, v, lr, alpha, eps):
    v_new = alpha * v + (1 - alpha) * grad ** 2
    w_new = w - lr * grad / (np.sqrt(v_new) + eps)
    return w_new, v_new
''',
    "08.adam_step": '''
def adam_step(w, grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m_new / (1 - beta1 ** t)
    v_hat = v_new / (1 - beta2 ** t)
    w_new = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w_new, m_new, v_new
''',
    "08.warmup_cosine_lr": '''
import math

def warmup_cosine_lr(t, base_lr, warmup_steps, total_steps, start_factor, eta_min):
    if t < warmup_steps:
        return base_lr * (start_factor + (1 - start_factor) * t / warmup_steps)
    progress = (t - warmup_steps) / (total_steps - warmup_steps)
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * progress)) / 2
''',
}

# Each WRONG entry is a learner's answer; a tuple (answer, "substring") also names the hint that
# answer must get (tests/test_exercises.py checks that it shows, and that no other answer shows
# a hint it does not name).
_RETURN = "Return a tuple of"
_EPS = "You put eps inside the square root"

WRONG = {
    "08.momentum_step": [
        # the other convention: v = mu*v - lr*g; w = w + v
        ("def momentum_step(w, grad, v, lr, momentum):\n"
         "    v_new = momentum * v - lr * grad\n"
         "    return w + v_new, v_new\n", "That is the other common convention"),
        # moves w with the old velocity
        ("def momentum_step(w, grad, v, lr, momentum):\n"
         "    w_new = w - lr * v\n"
         "    return w_new, momentum * v + grad\n", "Update v first"),
        # exponential moving average (dampening = momentum)
        ("def momentum_step(w, grad, v, lr, momentum):\n"
         "    v_new = momentum * v + (1 - momentum) * grad\n"
         "    return w - lr * v_new, v_new\n", "Don't scale the gradient"),
        # breaks the rule "return new arrays": updates w and v in place, returns nothing
        ("def momentum_step(w, grad, v, lr, momentum):\n"
         "    v *= momentum\n"
         "    v += grad\n"
         "    w -= lr * v\n", _RETURN),
    ],
    "08.nesterov_step": [
        # plain momentum
        ("def nesterov_step(w, grad, v, lr, momentum):\n"
         "    v_new = momentum * v + grad\n"
         "    return w - lr * v_new, v_new\n", "Nesterov looks ahead"),
        # look-ahead with the old velocity (the same step as plain momentum)
        ("def nesterov_step(w, grad, v, lr, momentum):\n"
         "    v_new = momentum * v + grad\n"
         "    return w - lr * (grad + momentum * v), v_new\n", "Nesterov looks ahead"),
        # exponential moving average
        ("def nesterov_step(w, grad, v, lr, momentum):\n"
         "    v_new = momentum * v + (1 - momentum) * grad\n"
         "    return w - lr * (grad + momentum * v_new), v_new\n", "Don't scale the gradient"),
        # returns only the new weights
        ("def nesterov_step(w, grad, v, lr, momentum):\n"
         "    v_new = momentum * v + grad\n"
         "    return w - lr * (grad + momentum * v_new)\n", _RETURN),
    ],
    "08.adagrad_step": [
        # eps inside the square root
        ("def adagrad_step(w, grad, s, lr, eps):\n"
         "    s_new = s + grad ** 2\n"
         "    return w - lr * grad / np.sqrt(s_new + eps), s_new\n", _EPS),
        # uses the old sum
        "def adagrad_step(w, grad, s, lr, eps):\n"
        "    return w - lr * grad / (np.sqrt(s) + eps), s + grad ** 2\n",
        # forgets the square root
        ("def adagrad_step(w, grad, s, lr, eps):\n"
         "    s_new = s + grad ** 2\n"
         "    return w - lr * grad / (s_new + eps), s_new\n", "Divide by the square ROOT"),
        # returns only the new weights
        ("def adagrad_step(w, grad, s, lr, eps):\n"
         "    return w - lr * grad / (np.sqrt(s + grad ** 2) + eps)\n", _RETURN),
    ],
    "08.rmsprop_step": [
        # eps inside the square root
        ("def rmsprop_step(w, grad, v, lr, alpha, eps):\n"
         "    v_new = alpha * v + (1 - alpha) * grad ** 2\n"
         "    return w - lr * grad / np.sqrt(v_new + eps), v_new\n", _EPS),
        # a sum, not an average
        ("def rmsprop_step(w, grad, v, lr, alpha, eps):\n"
         "    v_new = alpha * v + grad ** 2\n"
         "    return w - lr * grad / (np.sqrt(v_new) + eps), v_new\n", "A running average weighs"),
        # the step with the old v
        "def rmsprop_step(w, grad, v, lr, alpha, eps):\n"
        "    w_new = w - lr * grad / (np.sqrt(v) + eps)\n"
        "    return w_new, alpha * v + (1 - alpha) * grad ** 2\n",
        # forgets the square root
        ("def rmsprop_step(w, grad, v, lr, alpha, eps):\n"
         "    v_new = alpha * v + (1 - alpha) * grad ** 2\n"
         "    return w - lr * grad / (v_new + eps), v_new\n", "Divide by the square ROOT"),
        # returns only the new weights
        ("def rmsprop_step(w, grad, v, lr, alpha, eps):\n"
         "    v_new = alpha * v + (1 - alpha) * grad ** 2\n"
         "    return w - lr * grad / (np.sqrt(v_new) + eps)\n", _RETURN),
    ],
    "08.adam_step": [
        # no bias correction
        ("def adam_step(w, grad, m, v, t, lr, beta1, beta2, eps):\n"
         "    m = beta1 * m + (1 - beta1) * grad\n"
         "    v = beta2 * v + (1 - beta2) * grad ** 2\n"
         "    return w - lr * m / (np.sqrt(v) + eps), m, v\n", "You forgot the bias correction"),
        # eps inside the square root
        ("def adam_step(w, grad, m, v, t, lr, beta1, beta2, eps):\n"
         "    m = beta1 * m + (1 - beta1) * grad\n"
         "    v = beta2 * v + (1 - beta2) * grad ** 2\n"
         "    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)\n"
         "    return w - lr * m_hat / np.sqrt(v_hat + eps), m, v\n", _EPS),
        # returns the bias-corrected moments as the new state
        ("def adam_step(w, grad, m, v, t, lr, beta1, beta2, eps):\n"
         "    m = (beta1 * m + (1 - beta1) * grad) / (1 - beta1 ** t)\n"
         "    v = (beta2 * v + (1 - beta2) * grad ** 2) / (1 - beta2 ** t)\n"
         "    return w - lr * m / (np.sqrt(v) + eps), m, v\n", "return the UNcorrected m and v"),
        # off by one in t
        ("def adam_step(w, grad, m, v, t, lr, beta1, beta2, eps):\n"
         "    m = beta1 * m + (1 - beta1) * grad\n"
         "    v = beta2 * v + (1 - beta2) * grad ** 2\n"
         "    m_hat, v_hat = m / (1 - beta1 ** (t + 1)), v / (1 - beta2 ** (t + 1))\n"
         "    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v\n", "t is the number of THIS step"),
        # returns only the new weights and m
        ("def adam_step(w, grad, m, v, t, lr, beta1, beta2, eps):\n"
         "    m = beta1 * m + (1 - beta1) * grad\n"
         "    v = beta2 * v + (1 - beta2) * grad ** 2\n"
         "    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)\n"
         "    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m\n", "Return a tuple of three"),
    ],
    "08.warmup_cosine_lr": [
        # the cosine counts from step 0, not from the end of the warmup
        ("import math\n"
         "def warmup_cosine_lr(t, base_lr, warmup_steps, total_steps, start_factor, eta_min):\n"
         "    if t < warmup_steps:\n"
         "        return base_lr * (start_factor + (1 - start_factor) * t / warmup_steps)\n"
         "    progress = t / (total_steps - warmup_steps)\n"
         "    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * progress)) / 2\n",
         "The cosine starts where the warmup ends"),
        # the cosine ends at 0, whatever eta_min is
        ("import math\n"
         "def warmup_cosine_lr(t, base_lr, warmup_steps, total_steps, start_factor, eta_min):\n"
         "    if t < warmup_steps:\n"
         "        return base_lr * (start_factor + (1 - start_factor) * t / warmup_steps)\n"
         "    progress = (t - warmup_steps) / (total_steps - warmup_steps)\n"
         "    return base_lr * (1 + math.cos(math.pi * progress)) / 2\n",
         "goes down to eta_min"),
        # the warmup grows from 0, not from start_factor * base_lr
        ("import math\n"
         "def warmup_cosine_lr(t, base_lr, warmup_steps, total_steps, start_factor, eta_min):\n"
         "    if t < warmup_steps:\n"
         "        return base_lr * t / warmup_steps\n"
         "    progress = (t - warmup_steps) / (total_steps - warmup_steps)\n"
         "    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * progress)) / 2\n",
         "The warmup starts at start_factor"),
        # the warmup reaches the full rate one step late ((t + 1) / warmup_steps, capped)
        "import math\n"
        "def warmup_cosine_lr(t, base_lr, warmup_steps, total_steps, start_factor, eta_min):\n"
        "    if t < warmup_steps:\n"
        "        return base_lr * (start_factor + (1 - start_factor) * (t + 1) / warmup_steps)\n"
        "    progress = (t - warmup_steps) / (total_steps - warmup_steps)\n"
        "    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * progress)) / 2\n",
    ],
}
