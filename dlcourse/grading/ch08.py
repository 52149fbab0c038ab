"""Exercises of chapter 8, Optimizers: one update step of momentum, Nesterov momentum, Adagrad,
RMSprop and Adam, in torch's conventions, and the learning rate of a warmup + cosine schedule. Inputs and answers are plain NumPy arrays and numbers;
every step returns new arrays (the learner's function may not rely on changing its inputs)."""
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
    ),
]
