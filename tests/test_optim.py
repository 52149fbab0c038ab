"""dlcourse.optim against torch.optim: same start, same gradients, same trajectory (float64)."""
import numpy as np
import pytest
import torch

from dlcourse import optim

torch.set_num_threads(1)


class Param:
    """The minimal Parameter-like the optimizers need: ``.data`` and ``.grad``."""

    def __init__(self, data):
        self.data = np.array(data, dtype=np.float64)
        self.grad = np.zeros_like(self.data)


# A non-quadratic problem with parameters of three shapes: a tanh regression (W (3, 2),
# b (2,)) plus a mild Rosenbrock valley in r (2,). Gradients by hand on the NumPy side,
# by autograd on the torch side.
RNG = np.random.default_rng(0)
X = RNG.normal(size=(8, 3))
Y = RNG.normal(size=(8, 2)) * 0.5
START = {"W": RNG.normal(size=(3, 2)), "b": RNG.normal(size=(2,)), "r": np.array([-1.2, 1.0])}


def numpy_loss_and_grads(W, b, r):
    A = np.tanh(X @ W + b)  # (8, 2)
    loss = np.mean((A - Y) ** 2) + (1 - r[0]) ** 2 + 10 * (r[1] - r[0] ** 2) ** 2
    dZ = 2 * (A - Y) / A.size * (1 - A**2)  # (8, 2)
    dr = np.array([-2 * (1 - r[0]) - 40 * r[0] * (r[1] - r[0] ** 2), 20 * (r[1] - r[0] ** 2)])
    return loss, (X.T @ dZ, dZ.sum(axis=0), dr)


def torch_loss(W, b, r):
    A = torch.tanh(torch.from_numpy(X) @ W + b)
    return torch.mean((A - torch.from_numpy(Y)) ** 2) + (1 - r[0]) ** 2 + 10 * (r[1] - r[0] ** 2) ** 2


def run_both(name, kwargs, steps=60):
    """Run dl.optim.<name> and torch.optim.<name> side by side; return the worst difference."""
    ours = [Param(START[k]) for k in "Wbr"]
    theirs = [torch.tensor(START[k], requires_grad=True) for k in "Wbr"]
    opt = getattr(optim, name)(ours, **kwargs)
    topt = getattr(torch.optim, name)(theirs, **kwargs)
    worst = 0.0
    for _ in range(steps):
        opt.zero_grad()
        _, grads = numpy_loss_and_grads(*(p.data for p in ours))
        for p, g in zip(ours, grads):
            p.grad += g
        opt.step()
        topt.zero_grad()
        torch_loss(*theirs).backward()
        topt.step()
        for p, t in zip(ours, theirs):
            assert np.isfinite(p.data).all()
            worst = max(worst, float(np.max(np.abs(p.data - t.detach().numpy()))))
    moved = max(float(np.max(np.abs(p.data - START[k]))) for p, k in zip(ours, "Wbr"))
    return worst, moved


CONFIGS = [
    ("SGD", dict(lr=0.02)),
    ("SGD", dict(lr=0.01, momentum=0.9)),
    ("SGD", dict(lr=0.01, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.01, momentum=0.5, dampening=0.3, weight_decay=0.01)),
    ("SGD", dict(lr=0.01, momentum=0.8, nesterov=True, weight_decay=0.05)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1, weight_decay=0.01)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.005, momentum=0.9)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, centered=True)),
    ("RMSprop", dict(lr=0.005, momentum=0.5, centered=True, weight_decay=0.01, eps=1e-6)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.01)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.01)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("NAdam", dict()),
    ("NAdam", dict(lr=0.01, betas=(0.85, 0.99), momentum_decay=0.01, weight_decay=0.01)),
]


def test_numpy_gradients_match_autograd():
    theirs = [torch.tensor(START[k], requires_grad=True) for k in "Wbr"]
    loss = torch_loss(*theirs)
    loss.backward()
    ours_loss, grads = numpy_loss_and_grads(*(START[k] for k in "Wbr"))
    assert np.isclose(ours_loss, loss.item())
    for g, t in zip(grads, theirs):
        np.testing.assert_allclose(g, t.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=[f"{n}-{k}" for n, k in CONFIGS])
def test_trajectory_matches_torch(name, kwargs):
    worst, moved = run_both(name, kwargs)
    assert worst < 1e-6, f"{name}{kwargs}: max |dl - torch| = {worst:.3g}"
    assert moved > 1e-3, "the optimizer should actually move the parameters"


@pytest.mark.parametrize("name", ["SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "NAdam"])
def test_defaults_match_torch(name):
    import inspect

    ours = inspect.signature(getattr(optim, name)).parameters
    theirs = inspect.signature(getattr(torch.optim, name)).parameters
    for arg, p in ours.items():
        if arg != "params":
            assert arg in theirs, f"{name} has {arg}, torch does not"
            assert p.default == theirs[arg].default, f"{name}.{arg}: {p.default} vs {theirs[arg].default}"


def test_changing_lr_between_steps_matches_torch():
    p, t = Param([1.0, -2.0]), torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
    opt, topt = optim.Adam([p], lr=0.1), torch.optim.Adam([t], lr=0.1)
    for k in range(10):
        if k == 5:
            opt.lr = 0.01
            topt.param_groups[0]["lr"] = 0.01
        p.grad = 2 * p.data ** 3
        opt.step()
        topt.zero_grad()
        (t**4 / 2).sum().backward()
        topt.step()
    np.testing.assert_allclose(p.data, t.detach().numpy(), atol=1e-12)


def test_zero_grad_in_place_and_from_none():
    a, b = Param(np.ones((2, 3))), Param(np.ones(4))
    a.grad += 5.0
    keep = a.grad
    b.grad = None
    opt = optim.SGD([a, b], lr=0.1)
    opt.zero_grad()
    assert keep is a.grad and not a.grad.any()
    assert isinstance(b.grad, np.ndarray) and b.grad.shape == (4,) and not b.grad.any()


def test_step_skips_parameters_without_gradient_and_keeps_dtype():
    a, b = Param([1.0, 2.0]), Param([3.0])
    a.data = a.data.astype(np.float32)
    a.grad = np.array([1.0, 1.0], dtype=np.float32)
    b.grad = None
    optim.SGD([a, b], lr=0.5).step()
    assert a.data.dtype == np.float32 and np.allclose(a.data, [0.5, 1.5])
    assert b.data[0] == 3.0


def test_step_does_not_modify_grad_with_weight_decay():
    p = Param([1.0, 2.0])
    p.grad = np.array([0.5, 0.5])
    optim.Adam([p], lr=0.1, weight_decay=0.1).step()
    np.testing.assert_array_equal(p.grad, [0.5, 0.5])


def test_state_is_kept_per_parameter_with_torch_names():
    a, b = Param([1.0]), Param([1.0, 2.0])
    a.grad[:] = 1.0
    b.grad[:] = 2.0
    opt = optim.Adam([a, b])
    opt.step()
    assert set(opt.state) == {0, 1}
    assert {"step", "exp_avg", "exp_avg_sq"} <= set(opt.state[1]) and opt.state[1]["step"] == 1
    assert opt.state[1]["exp_avg"].shape == (2,)
    assert "Adam(2 parameters" in repr(opt)


def test_with_dlcourse_nn_parameter():
    from dlcourse import nn

    p = nn.Parameter(np.array([1.0, -1.0]))
    p.grad = np.array([2.0, -2.0])
    optim.SGD([p], lr=0.25).step()
    np.testing.assert_allclose(p.data, [0.5, -0.5])


@pytest.mark.parametrize("make,match", [
    (lambda p: optim.SGD(p, lr=-0.1), "lr"),
    (lambda p: optim.SGD(p, lr="0.1"), "number"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=-0.5), "momentum"),
    (lambda p: optim.SGD(p, lr=0.1, nesterov=True), "Nesterov"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "dampening"),
    (lambda p: optim.SGD(p, lr=0.1, weight_decay=-1), "weight_decay"),
    (lambda p: optim.Adagrad(p, eps=-1e-10), "eps"),
    (lambda p: optim.RMSprop(p, alpha=-0.1), "alpha"),
    (lambda p: optim.Adadelta(p, rho=1.5), "rho"),
    (lambda p: optim.Adam(p, betas=(1.0, 0.999)), r"index 0.*\[0, 1\)"),
    (lambda p: optim.Adam(p, betas=(0.9, -0.1)), "index 1"),
    (lambda p: optim.Adam(p, betas=0.9), "pair"),
    (lambda p: optim.NAdam(p, lr=-1), "lr"),
    (lambda p: optim.NAdam(p, momentum_decay=-1), "momentum_decay"),
])
def test_bad_hyperparameters(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make([Param([1.0])])


def test_bad_params():
    p = Param([1.0])
    with pytest.raises(TypeError, match="single Param.*list"):
        optim.Adam(p)
    with pytest.raises(TypeError, match="iterable"):
        optim.Adam(3.0)
    with pytest.raises(TypeError, match="iterable"):
        optim.Adam(np.ones(3))
    with pytest.raises(TypeError, match="item 1 is a ndarray"):
        optim.Adam([p, np.ones(3)])
    with pytest.raises(TypeError, match="torch.optim"):
        optim.Adam([torch.nn.Parameter(torch.ones(2))])
    with pytest.raises(ValueError, match="empty"):
        optim.Adam([])
    q = Param([1.0, 2.0])
    q.grad = np.ones(3)
    with pytest.raises(ValueError, match=r"shape \(2,\).*shape \(3,\)"):
        optim.SGD([q], lr=0.1).step()


def test_generator_of_parameters_is_accepted():
    ps = [Param([1.0]), Param([2.0])]
    opt = optim.SGD((p for p in ps), lr=0.1)
    assert len(opt.params) == 2


def test_exercise_references_agree_with_optimizers():
    """The one-step references of chapter 8's exercises follow the same rules as dl.optim."""
    from dlcourse.grading import ch08

    rng = np.random.default_rng(8)
    w0, g, v0 = rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), rng.normal(size=(3, 2))

    def one_step(opt_cls, state, **kw):
        p = Param(w0)
        p.grad = g.copy()
        opt = opt_cls([p], **kw)
        opt.state[0].update({k: v.copy() if isinstance(v, np.ndarray) else v for k, v in state.items()})
        opt.step()
        return p.data, opt.state[0]

    w, st = one_step(optim.SGD, {"momentum_buffer": v0}, lr=0.1, momentum=0.9)
    np.testing.assert_allclose(ch08.momentum_step(w0, g, v0, 0.1, 0.9), (w, st["momentum_buffer"]))
    w, st = one_step(optim.SGD, {"momentum_buffer": v0}, lr=0.1, momentum=0.9, nesterov=True)
    np.testing.assert_allclose(ch08.nesterov_step(w0, g, v0, 0.1, 0.9), (w, st["momentum_buffer"]))
    s0 = v0**2
    w, st = one_step(optim.Adagrad, {"step": 3, "sum": s0}, lr=0.1)
    np.testing.assert_allclose(ch08.adagrad_step(w0, g, s0, 0.1, 1e-10), (w, st["sum"]))
    w, st = one_step(optim.RMSprop, {"step": 3, "square_avg": s0}, lr=0.01, alpha=0.9)
    np.testing.assert_allclose(ch08.rmsprop_step(w0, g, s0, 0.01, 0.9, 1e-8), (w, st["square_avg"]))
    w, st = one_step(optim.Adam, {"step": 4, "exp_avg": v0, "exp_avg_sq": s0}, lr=0.01)
    np.testing.assert_allclose(ch08.adam_step(w0, g, v0, s0, 5, 0.01, 0.9, 0.999, 1e-8),
                               (w, st["exp_avg"], st["exp_avg_sq"]))
