"""dlcourse.gradcheck: central differences, relative error, and the module check (duck-typed)."""
import numpy as np
import pytest
import torch

from dlcourse.gradcheck import gradcheck_module, numerical_gradient, relative_error


def test_numerical_gradient_of_known_functions():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    np.testing.assert_allclose(numerical_gradient(lambda z: np.sum(z ** 2), x), 2 * x, atol=1e-8)
    np.testing.assert_allclose(numerical_gradient(lambda z: np.sum(np.sin(z)), x), np.cos(x), atol=1e-7)


def test_numerical_gradient_matches_torch():
    x = np.random.default_rng(0).normal(size=(3, 4))
    xt = torch.tensor(x, requires_grad=True)
    (xt.exp() * xt).sum().backward()
    num = numerical_gradient(lambda z: np.sum(np.exp(z) * z), x)
    np.testing.assert_allclose(num, xt.grad.numpy(), atol=1e-6)


def test_numerical_gradient_leaves_x_unchanged_bit_for_bit():
    x = np.random.default_rng(1).normal(size=(4, 3))
    before = x.copy()
    numerical_gradient(lambda z: np.sum(z ** 3), x)
    assert np.array_equal(x, before)


def test_numerical_gradient_sees_in_place_nudges():
    """A float64 array is nudged in place, so f may read it from elsewhere (a layer's weight)."""
    w = np.array([1.0, 2.0])
    grad = numerical_gradient(lambda _: float(np.sum(w ** 2)), w)
    np.testing.assert_allclose(grad, 2 * w, atol=1e-8)


def test_numerical_gradient_accepts_ints_and_lists():
    grad = numerical_gradient(lambda z: np.sum(z ** 2), [1, 2, 3])
    assert grad.dtype == np.float64
    np.testing.assert_allclose(grad, [2.0, 4.0, 6.0], atol=1e-8)


def test_numerical_gradient_restores_x_when_f_raises():
    x = np.array([1.0, 2.0])

    def bad(z):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        numerical_gradient(bad, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_numerical_gradient_errors():
    with pytest.raises(ValueError, match="single number; got an array of shape"):
        numerical_gradient(lambda z: z * 2, np.ones(3))
    with pytest.raises(TypeError, match="callable"):
        numerical_gradient(3, np.ones(3))
    with pytest.raises(ValueError, match="eps > 0"):
        numerical_gradient(np.sum, np.ones(3), eps=0)


def test_relative_error():
    a = np.array([1.0, 2.0, 3.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(a, -a) == pytest.approx(1.0)
    assert 0 < relative_error(a, a * (1 + 1e-6)) < 1e-6
    with pytest.raises(ValueError, match="same shape"):
        relative_error(np.ones(2), np.ones(3))


# ----------------------------------------------------------- a duck-typed module, no dlcourse.nn needed
class _Param:
    def __init__(self, data):
        self.data = data
        self.grad = np.zeros_like(data)


class _Linear:
    """y = x W^T + b, with an optional deliberate bug in backward."""

    def __init__(self, n_in, n_out, seed=0, bug=False):
        rng = np.random.default_rng(seed)
        self.weight = _Param(rng.normal(size=(n_out, n_in)))
        self.bias = _Param(rng.normal(size=n_out))
        self.bug = bug

    def parameters(self):
        return [self.weight, self.bias]

    def forward(self, x):
        self.x = x
        return x @ self.weight.data.T + self.bias.data

    def backward(self, g):
        self.weight.grad += g.T @ self.x * (1.1 if self.bug else 1.0)
        self.bias.grad += g.sum(axis=0)
        return g @ self.weight.data


class _Tanh:
    def parameters(self):
        return []

    def forward(self, x):
        self.y = np.tanh(x)
        return self.y

    def backward(self, g):
        return g * (1 - self.y ** 2)


def test_gradcheck_module_passes_a_correct_layer():
    errs = gradcheck_module(_Linear(3, 2), np.random.default_rng(2).normal(size=(4, 3)))
    assert set(errs) == {"input", "param0", "param1"}
    assert max(errs.values()) < 1e-7


def test_gradcheck_module_catches_a_wrong_backward():
    errs = gradcheck_module(_Linear(3, 2, bug=True), np.random.default_rng(2).normal(size=(4, 3)))
    assert errs["param0"] > 1e-3
    assert errs["input"] < 1e-7


def test_gradcheck_module_without_parameters_and_stale_grads():
    assert gradcheck_module(_Tanh(), np.linspace(-2, 2, 6).reshape(2, 3))["input"] < 1e-7
    layer = _Linear(2, 2)
    layer.weight.grad += 5.0  # stale gradients are cleared first
    assert gradcheck_module(layer, np.ones((1, 2)))["param0"] < 1e-7


def test_gradcheck_module_leaves_x_and_params_unchanged():
    layer = _Linear(3, 2)
    w = layer.weight.data.copy()
    x = np.random.default_rng(3).normal(size=(2, 3))
    x0 = x.copy()
    gradcheck_module(layer, x)
    assert np.array_equal(layer.weight.data, w) and np.array_equal(x, x0)


def test_gradcheck_module_rejects_non_modules():
    with pytest.raises(TypeError, match="forward\\(\\) and backward\\(\\)"):
        gradcheck_module(object(), np.ones(2))
