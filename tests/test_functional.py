"""dlcourse.functional against torch (float64, 1e-6) and against central differences."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

from dlcourse import functional as F
from dlcourse.gradcheck import numerical_gradient

ATOL = 1e-6


def _x(shape=(4, 5), seed=0, scale=3.0):
    return np.random.default_rng(seed).normal(size=shape) * scale


def _t(a):
    return torch.tensor(np.asarray(a), dtype=torch.float64)


# (ours, torch version) for each element-wise activation
ACTIVATIONS = {
    "step": (F.step, lambda x: torch.heaviside(x, torch.tensor(0.0, dtype=torch.float64))),
    "sigmoid": (F.sigmoid, torch.sigmoid),
    "tanh": (F.tanh, torch.tanh),
    "relu": (F.relu, torch.relu),
    "leaky_relu": (F.leaky_relu, TF.leaky_relu),
    "leaky_relu_0.2": (lambda x: F.leaky_relu(x, 0.2), lambda x: TF.leaky_relu(x, 0.2)),
    "softmax": (F.softmax, lambda x: torch.softmax(x, dim=-1)),
    "log_softmax": (F.log_softmax, lambda x: torch.log_softmax(x, dim=-1)),
    "softmax_axis0": (lambda x: F.softmax(x, axis=0), lambda x: torch.softmax(x, dim=0)),
}

# (derivative, function, torch function) for the element-wise derivatives
DERIVATIVES = {
    "sigmoid_grad": (F.sigmoid_grad, F.sigmoid, torch.sigmoid),
    "tanh_grad": (F.tanh_grad, F.tanh, torch.tanh),
    "relu_grad": (F.relu_grad, F.relu, torch.relu),
    "leaky_relu_grad": (F.leaky_relu_grad, F.leaky_relu, TF.leaky_relu),
    "leaky_relu_grad_0.3": (lambda x: F.leaky_relu_grad(x, 0.3), lambda x: F.leaky_relu(x, 0.3),
                            lambda x: TF.leaky_relu(x, 0.3)),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_matches_torch(name):
    ours, theirs = ACTIVATIONS[name]
    x = _x()
    x[0, :3] = [0.0, 1e-12, -1e-12]  # the kink of step / relu
    got = ours(x)
    assert got.dtype == np.float64 and got.shape == x.shape
    np.testing.assert_allclose(got, theirs(_t(x)).numpy(), atol=ATOL, rtol=0)


@pytest.mark.parametrize("name", DERIVATIVES)
def test_derivative_matches_torch_autograd(name):
    grad, _, torch_fn = DERIVATIVES[name]
    x = _x(seed=1)
    x[0, 0] = 0.0  # torch's convention at the kink
    xt = _t(x).requires_grad_(True)
    torch_fn(xt).sum().backward()
    np.testing.assert_allclose(grad(x), xt.grad.numpy(), atol=ATOL, rtol=0)


@pytest.mark.parametrize("name", DERIVATIVES)
def test_derivative_matches_central_differences(name):
    grad, fn, _ = DERIVATIVES[name]
    x = _x(shape=(3, 4), seed=2)
    x[np.abs(x) < 1e-3] = 0.5  # keep away from the kink, where differences are meaningless
    num = numerical_gradient(lambda z: fn(z).sum(), x)
    np.testing.assert_allclose(grad(x), num, atol=1e-6, rtol=0)


def test_softmax_jacobian_matches_central_differences():
    x = _x(shape=(5,), seed=3)
    s = F.softmax(x)
    jac = np.diag(s) - np.outer(s, s)
    w = np.arange(1.0, 6.0)
    num = numerical_gradient(lambda z: F.softmax(z) @ w, x)
    np.testing.assert_allclose(jac @ w, num, atol=1e-7)


def test_step_is_zero_at_zero_and_one_above():
    np.testing.assert_array_equal(F.step([-2.0, 0.0, 3.0]), [0.0, 0.0, 1.0])


def test_derivative_bounds():
    x = np.linspace(-10, 10, 2001)
    assert F.sigmoid_grad(x).max() == pytest.approx(0.25)
    assert F.tanh_grad(x).max() == pytest.approx(1.0)


def test_softmax_rows_sum_to_one_and_shift_invariant():
    x = _x(shape=(6, 4), seed=4)
    np.testing.assert_allclose(F.softmax(x).sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(F.softmax(x + 100.0), F.softmax(x), atol=1e-12)


# ------------------------------------------------------------------ stability
EXTREME = np.array([[-1000.0, 0.0, 1000.0], [1000.0, 999.0, -1000.0], [-1000.0, -1000.0, -999.0]])


@pytest.mark.parametrize("name", list(ACTIVATIONS) + list(DERIVATIVES))
def test_no_warnings_and_no_nan_at_1000(name):
    fn = ACTIVATIONS[name][0] if name in ACTIVATIONS else DERIVATIVES[name][0]
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        out = fn(EXTREME)
    assert np.isfinite(out).all()
    if name in ACTIVATIONS:
        torch_fn = ACTIVATIONS[name][1]
        np.testing.assert_allclose(out, torch_fn(_t(EXTREME)).numpy(), atol=ATOL, rtol=0)


def test_losses_stable_at_1000():
    z = EXTREME
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        ce = F.cross_entropy(z, np.array([0, 2, 1]), reduction="none")
        bce = F.binary_cross_entropy_with_logits(z, np.ones_like(z), reduction="none")
        bce_p = F.binary_cross_entropy(np.array([0.0, 1.0, 0.5]), np.array([1.0, 0.0, 1.0]), reduction="none")
    np.testing.assert_allclose(ce, TF.cross_entropy(_t(z), torch.tensor([0, 2, 1]), reduction="none").numpy())
    np.testing.assert_allclose(
        bce, TF.binary_cross_entropy_with_logits(_t(z), torch.ones(3, 3, dtype=torch.float64),
                                                 reduction="none").numpy())
    np.testing.assert_allclose(bce_p, [100.0, 100.0, np.log(2)])


def test_naive_sigmoid_does_warn():
    """The point of the stable version: the textbook formula overflows at -1000."""
    with pytest.warns(RuntimeWarning):
        1.0 / (1.0 + np.exp(-np.array([-1000.0])))


# ------------------------------------------------------------------ losses
REDUCTIONS = ["mean", "sum", "none"]


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_loss(reduction):
    y_hat, y = _x(seed=5), _x(seed=6)
    want = TF.mse_loss(_t(y_hat), _t(y), reduction=reduction).numpy()
    np.testing.assert_allclose(F.mse_loss(y_hat, y, reduction=reduction), want, atol=ATOL)


def test_sum_squared_error():
    y, t = _x(seed=7), _x(seed=8)
    want = 0.5 * TF.mse_loss(_t(y), _t(t), reduction="sum").item()
    assert F.sum_squared_error(y, t) == pytest.approx(want, abs=ATOL)
    assert isinstance(F.sum_squared_error(y, t), float)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_labels(reduction):
    z = _x(shape=(6, 4), seed=9)
    labels = np.array([0, 3, 1, 2, 2, 0])
    want = TF.cross_entropy(_t(z), torch.tensor(labels), reduction=reduction).numpy()
    np.testing.assert_allclose(F.cross_entropy(z, labels, reduction=reduction), want, atol=ATOL)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_one_hot_and_probabilities(reduction):
    z = _x(shape=(6, 4), seed=10)
    labels = np.array([0, 3, 1, 2, 2, 0])
    one_hot = np.eye(4)[labels]
    probs = F.softmax(_x(shape=(6, 4), seed=11))
    for target in (one_hot, probs):
        want = TF.cross_entropy(_t(z), _t(target), reduction=reduction).numpy()
        np.testing.assert_allclose(F.cross_entropy(z, target, reduction=reduction), want, atol=ATOL)
    np.testing.assert_allclose(F.cross_entropy(z, one_hot, reduction=reduction),
                               F.cross_entropy(z, labels, reduction=reduction), atol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy(reduction):
    p = F.sigmoid(_x(seed=12))
    t = (np.random.default_rng(13).random(p.shape) > 0.5).astype(float)
    want = TF.binary_cross_entropy(_t(p), _t(t), reduction=reduction).numpy()
    np.testing.assert_allclose(F.binary_cross_entropy(p, t, reduction=reduction), want, atol=ATOL)


def test_binary_cross_entropy_clamps_log_at_minus_100_like_torch():
    p = np.array([0.0, 1.0, 0.0, 1.0])
    t = np.array([1.0, 0.0, 0.0, 1.0])
    want = TF.binary_cross_entropy(_t(p), _t(t), reduction="none").numpy()
    np.testing.assert_allclose(F.binary_cross_entropy(p, t, reduction="none"), want)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_with_logits(reduction):
    z = _x(seed=14, scale=10.0)
    t = np.random.default_rng(15).random(z.shape)  # soft targets too
    want = TF.binary_cross_entropy_with_logits(_t(z), _t(t), reduction=reduction).numpy()
    got = F.binary_cross_entropy_with_logits(z, t, reduction=reduction)
    np.testing.assert_allclose(got, want, atol=ATOL)


def test_loss_gradients_match_central_differences():
    """Chapter 4's derivative formulas: (softmax - onehot)/N and 2(y_hat - y)/n."""
    z = _x(shape=(3, 4), seed=16)
    labels = np.array([1, 0, 3])
    num = numerical_gradient(lambda a: F.cross_entropy(a, labels), z)
    np.testing.assert_allclose((F.softmax(z) - np.eye(4)[labels]) / 3, num, atol=1e-7)
    y_hat, y = _x(shape=(2, 3), seed=17), _x(shape=(2, 3), seed=18)
    num = numerical_gradient(lambda a: F.mse_loss(a, y), y_hat)
    np.testing.assert_allclose(2 * (y_hat - y) / y.size, num, atol=1e-7)
    num = numerical_gradient(lambda a: F.binary_cross_entropy_with_logits(a, np.ones(3)), np.zeros(3))
    np.testing.assert_allclose((F.sigmoid(np.zeros(3)) - 1) / 3, num, atol=1e-7)


def test_scalar_reductions_are_python_floats():
    z = _x(shape=(2, 3))
    assert isinstance(F.cross_entropy(z, np.array([0, 1])), float)
    assert isinstance(F.mse_loss(z, z, reduction="sum"), float)


# ------------------------------------------------------------------ errors that speak to a learner
def test_cross_entropy_bad_logits_shape():
    with pytest.raises(ValueError, match=r"cross_entropy expects logits of shape \(N, C\); got \(5,\)"):
        F.cross_entropy(np.zeros(5), np.zeros(5, dtype=int))


def test_cross_entropy_bad_target_shape():
    with pytest.raises(ValueError, match=r"target of shape \(2,\).*\(2, 3\).*got \(3,\)"):
        F.cross_entropy(np.zeros((2, 3)), np.array([0, 1, 2]))


def test_cross_entropy_label_out_of_range():
    with pytest.raises(ValueError, match=r"labels in 0\.\.2"):
        F.cross_entropy(np.zeros((2, 3)), np.array([0, 3]))


def test_cross_entropy_non_integer_labels():
    with pytest.raises(TypeError, match="integer class labels"):
        F.cross_entropy(np.zeros((2, 3)), np.array([0.5, 1.0]))


def test_float_labels_with_integer_values_are_accepted():
    z = _x(shape=(2, 3))
    assert F.cross_entropy(z, np.array([0.0, 2.0])) == F.cross_entropy(z, np.array([0, 2]))


@pytest.mark.parametrize("fn", [F.mse_loss, F.binary_cross_entropy, F.binary_cross_entropy_with_logits,
                                F.sum_squared_error])
def test_losses_reject_mismatched_shapes(fn):
    with pytest.raises(ValueError, match=r"same shape; got \(3,\) and \(4,\)"):
        fn(np.full(3, 0.5), np.zeros(4))


def test_bad_reduction():
    with pytest.raises(ValueError, match="reduction.*'avg'"):
        F.mse_loss(np.zeros(2), np.zeros(2), reduction="avg")


def test_binary_cross_entropy_rejects_non_probabilities():
    with pytest.raises(ValueError, match=r"probs in \[0, 1\]"):
        F.binary_cross_entropy(np.array([2.0, 0.5]), np.array([1.0, 0.0]))


@pytest.mark.parametrize("fn", [F.sigmoid, F.relu, F.softmax, F.tanh, F.step])
def test_activations_reject_non_numbers(fn):
    with pytest.raises(TypeError, match="numeric array; got str"):
        fn("abc")


def test_softmax_rejects_scalar():
    with pytest.raises(ValueError, match="at least one dimension"):
        F.softmax(3.0)


def test_lists_and_ints_are_accepted():
    np.testing.assert_allclose(F.relu([-1, 2]), [0.0, 2.0])
    assert F.sigmoid([0]).dtype == np.float64
