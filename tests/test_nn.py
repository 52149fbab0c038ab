"""dlcourse.nn: Module machinery, dense layers, activations, Dropout, BatchNorm1d, losses, init.

Every layer: forward, input gradient and parameter gradients against torch in float64, and
backward against central differences. Conv/pool: test_nn_conv.py; RNN/LSTM: test_nn_recurrent.py.
"""
import math

import numpy as np
import pytest
import torch

import dlcourse as dl
from dlcourse import nn
from test_nn_helpers import assert_close, check_numerically, compare_with_torch, copy_params, t64

RNG = np.random.default_rng(0)


def x_of(*shape, seed=1):
    return np.random.default_rng(seed).normal(size=shape)


# --------------------------------------------------------------------------- Module machinery
def test_parameter_starts_with_zero_grad():
    p = nn.Parameter([[1, 2], [3, 4]])
    assert p.data.dtype == np.float64 and p.grad.shape == (2, 2) and not p.grad.any()


def test_mlp_parameter_order_matches_torch():
    ours = nn.Sequential(nn.Linear(4, 8, seed=0), nn.ReLU(), nn.Dropout(0.1, seed=0),
                         nn.Linear(8, 6, seed=1), nn.BatchNorm1d(6), nn.Tanh(), nn.Linear(6, 3, seed=2))
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Dropout(0.1),
                                 torch.nn.Linear(8, 6), torch.nn.BatchNorm1d(6), torch.nn.Tanh(),
                                 torch.nn.Linear(6, 3))
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [p.shape for p in ours.parameters()] == [tuple(p.shape) for p in theirs.parameters()]


def test_custom_module_lists_own_parameters_before_children():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(3, 4, seed=0)
            self.scale = nn.Parameter(np.ones(4))
            self.fc2 = nn.Linear(4, 2, seed=1)

    class TNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = torch.nn.Linear(3, 4)
            self.scale = torch.nn.Parameter(torch.ones(4))
            self.fc2 = torch.nn.Linear(4, 2)

    assert [n for n, _ in Net().named_parameters()] == [n for n, _ in TNet().named_parameters()]


def test_train_eval_propagate_and_zero_grad():
    model = nn.Sequential(nn.Linear(3, 3, seed=0), nn.Dropout(0.5, seed=0))
    assert model.eval() is model and not model[1].training
    model.train()
    assert model[0].training and model[1].training
    model(x_of(2, 3))
    model.backward(np.ones((2, 3)))
    assert any(p.grad.any() for p in model.parameters())
    model.zero_grad()
    assert not any(p.grad.any() for p in model.parameters())


def test_backward_accumulates_gradients():
    lin = nn.Linear(3, 2, seed=0)
    x, g = x_of(4, 3), x_of(4, 2, seed=2)
    lin(x)
    lin.backward(g)
    once = lin.weight.grad.copy()
    lin(x)
    lin.backward(g)
    assert_close(lin.weight.grad, 2 * once)


def test_backward_does_not_mutate_grad_output():
    model = nn.Sequential(nn.Linear(3, 4, seed=0), nn.ReLU(), nn.BatchNorm1d(4), nn.Sigmoid(),
                          nn.Dropout(0.3, seed=0), nn.Linear(4, 2, seed=1))
    model(x_of(5, 3))
    g = x_of(5, 2)
    g_copy = g.copy()
    model.backward(g)
    assert np.array_equal(g, g_copy)


def test_backward_before_forward_is_a_clear_error():
    with pytest.raises(RuntimeError, match="before forward"):
        nn.Linear(2, 2, seed=0).backward(np.ones((1, 2)))


# --------------------------------------------------------------------------- Linear
def test_linear_matches_torch_and_numerics():
    lin = nn.Linear(5, 3, seed=0)
    compare_with_torch(lin, torch.nn.Linear(5, 3), x_of(7, 5))
    check_numerically(lin, x_of(4, 5))


def test_linear_without_bias():
    lin = nn.Linear(4, 2, bias=False, seed=0)
    assert lin.parameters() == [lin.weight]
    compare_with_torch(lin, torch.nn.Linear(4, 2, bias=False), x_of(3, 4))


def test_linear_init_matches_torch_bounds_and_is_seeded():
    lin = nn.Linear(400, 300, seed=0)
    bound = 1 / math.sqrt(400)
    assert np.abs(lin.weight.data).max() <= bound and np.abs(lin.bias.data).max() <= bound
    assert np.isclose(lin.weight.data.std(), bound / math.sqrt(3), rtol=0.02)  # U(-b, b)
    assert np.array_equal(lin.weight.data, nn.Linear(400, 300, seed=0).weight.data)
    gen = np.random.default_rng(5)
    assert not np.array_equal(nn.Linear(3, 3, rng=gen).weight.data, nn.Linear(3, 3, rng=gen).weight.data)


def test_layers_do_not_touch_global_numpy_state():
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    nn.Linear(10, 10, seed=0)
    nn.Dropout(0.5)(np.ones((3, 3)))
    nn.Conv2d(1, 2, 3)
    assert np.array_equal(np.random.get_state()[1], before)


def test_linear_shape_error_names_expected_and_received():
    with pytest.raises(ValueError, match=r"Linear\(3, 2\) expects input of shape \(N, 3\); got \(5, 4\)"):
        nn.Linear(3, 2, seed=0)(np.ones((5, 4)))
    lin = nn.Linear(3, 2, seed=0)
    lin(np.ones((5, 3)))
    with pytest.raises(ValueError, match=r"\(5, 2\); got \(5, 3\)"):
        lin.backward(np.ones((5, 3)))


# --------------------------------------------------------------------------- activations
@pytest.mark.parametrize("ours, theirs", [
    (nn.ReLU, torch.nn.ReLU), (nn.Sigmoid, torch.nn.Sigmoid), (nn.Tanh, torch.nn.Tanh),
    (lambda: nn.LeakyReLU(0.2), lambda: torch.nn.LeakyReLU(0.2)),
    (nn.LeakyReLU, torch.nn.LeakyReLU), (nn.Flatten, torch.nn.Flatten),
])
def test_parameter_free_layers(ours, theirs):
    x = x_of(4, 2, 3)
    x[0, 0, 0] = 1000.0  # extremes must not overflow
    x[0, 0, 1] = -1000.0
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        compare_with_torch(ours(), theirs(), x)
    check_numerically(ours(), x_of(3, 4) + 0.05)  # keep away from ReLU's kink


def test_activation_shape_error():
    relu = nn.ReLU()
    relu(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"shape \(2, 3\).*got \(3, 2\)"):
        relu.backward(np.ones((3, 2)))


# --------------------------------------------------------------------------- Dropout
def test_dropout_train_matches_torch_with_same_mask():
    drop = nn.Dropout(0.3, seed=0)
    x = x_of(50, 20)
    y = drop(x)
    mask = drop.mask
    assert set(np.unique(mask)) <= {0.0, 1 / 0.7}
    assert 0.2 < (mask == 0).mean() < 0.4
    xt = t64(x)
    yt = xt * torch.from_numpy(mask)  # torch's dropout with this very mask
    G = x_of(50, 20, seed=3)
    yt.backward(torch.from_numpy(G))
    assert_close(y, yt)
    assert_close(drop.backward(G), xt.grad)


def test_dropout_numerical_and_eval_identity():
    x, G = x_of(6, 5), x_of(6, 5, seed=2)
    f = lambda inp: float((nn.Dropout(0.5, seed=7)(inp) * G).sum())  # same seed: same mask
    drop = nn.Dropout(0.5, seed=7)
    drop(x)
    from test_nn_helpers import numerical_gradient
    assert_close(drop.backward(G), numerical_gradient(f, x))
    drop.eval()
    assert np.array_equal(drop(x), x) and np.array_equal(drop.backward(G), G)
    with torch.no_grad():
        assert_close(torch.nn.Dropout(0.5).eval()(torch.from_numpy(x)), drop(x))


def test_dropout_is_reproducible_and_rejects_bad_p():
    x = np.ones((4, 4))
    assert np.array_equal(nn.Dropout(0.5, seed=1)(x), nn.Dropout(0.5, seed=1)(x))
    with pytest.raises(ValueError, match="between 0 and 1; got 1.5"):
        nn.Dropout(1.5)


# --------------------------------------------------------------------------- BatchNorm1d
def _bn_pair(C=4):
    ours, theirs = nn.BatchNorm1d(C), torch.nn.BatchNorm1d(C).double()
    ours.weight.data = x_of(C, seed=5) + 1.0
    ours.bias.data = x_of(C, seed=6)
    return ours, theirs


@pytest.mark.parametrize("shape", [(8, 4), (5, 4, 3)])
def test_batchnorm_train_matches_torch(shape):
    ours, theirs = _bn_pair(4)
    compare_with_torch(ours, theirs, x_of(*shape) * 3 + 1)
    assert_close(ours.running_mean, theirs.running_mean)
    assert_close(ours.running_var, theirs.running_var)


def test_batchnorm_running_stats_and_eval_after_several_steps():
    ours, theirs = _bn_pair(3)
    ours.momentum = theirs.momentum = 0.3
    copy_params(ours, theirs)
    for step in range(5):
        x = x_of(6, 3, seed=10 + step) * (step + 1) + step
        ours(x)
        theirs(torch.from_numpy(x))
    assert_close(ours.running_mean, theirs.running_mean)
    assert_close(ours.running_var, theirs.running_var)
    ours.eval(), theirs.eval()
    compare_with_torch(ours, theirs, x_of(4, 3, seed=99))


def test_batchnorm_numerical_train_and_eval():
    ours, _ = _bn_pair(3)
    check_numerically(ours, x_of(5, 3))
    ours.running_mean, ours.running_var = x_of(3, seed=8), np.exp(x_of(3, seed=9))
    check_numerically(ours.eval(), x_of(5, 3))


def test_batchnorm_errors():
    with pytest.raises(ValueError, match=r"BatchNorm1d\(4\) expects input of shape \(N, 4\).*got \(3, 5\)"):
        nn.BatchNorm1d(4)(np.ones((3, 5)))
    with pytest.raises(ValueError, match="more than 1 value"):
        nn.BatchNorm1d(4)(np.ones((1, 4)))


# --------------------------------------------------------------------------- losses
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_mse_loss_matches_torch(reduction):
    y, t = x_of(6, 3), x_of(6, 3, seed=2)
    crit = nn.MSELoss(reduction=reduction)
    loss = crit(y, t)
    assert isinstance(loss, float)
    yt = t64(y)
    lt = torch.nn.MSELoss(reduction=reduction)(yt, torch.from_numpy(t))
    lt.backward()
    assert abs(loss - lt.item()) < 1e-9
    assert_close(crit.backward(), yt.grad)


@pytest.mark.parametrize("target_kind", ["labels", "probs"])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_cross_entropy_matches_torch(target_kind, reduction):
    z = x_of(7, 4) * 3
    z[0, 0] = 1000.0  # large logits must not overflow
    labels = np.random.default_rng(4).integers(0, 4, size=7)
    t = labels if target_kind == "labels" else np.random.default_rng(5).dirichlet(np.ones(4), size=7)
    crit = nn.CrossEntropyLoss(reduction=reduction)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss = crit(z, t)
    zt = t64(z)
    lt = torch.nn.CrossEntropyLoss(reduction=reduction)(zt, torch.from_numpy(t))
    lt.backward()
    assert isinstance(loss, float) and abs(loss - lt.item()) < 1e-9
    assert_close(crit.backward(), zt.grad)


def test_cross_entropy_gradient_is_softmax_minus_onehot_over_n():
    z, labels = x_of(5, 3), np.array([0, 2, 1, 1, 0])
    crit = nn.CrossEntropyLoss()
    crit(z, labels)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert_close(crit.backward(), (p - np.eye(3)[labels]) / 5)
    from test_nn_helpers import numerical_gradient
    assert_close(crit.backward(), numerical_gradient(lambda a: nn.CrossEntropyLoss()(a, labels), z))


def test_loss_errors():
    with pytest.raises(ValueError, match=r"logits of shape \(N, C\); got \(5,\)"):
        nn.CrossEntropyLoss()(np.ones(5), np.zeros(5, dtype=int))
    with pytest.raises(ValueError, match=r"labels must lie in 0..2"):
        nn.CrossEntropyLoss()(np.ones((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match=r"target of shape \(2,\).*got \(3,\)"):
        nn.CrossEntropyLoss()(np.ones((2, 3)), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"same shape; got \(2, 3\) and \(3, 2\)"):
        nn.MSELoss()(np.ones((2, 3)), np.ones((3, 2)))


def test_mlp_end_to_end_matches_torch():
    ours = nn.Sequential(nn.Linear(6, 8, seed=0), nn.ReLU(), nn.Linear(8, 8, seed=1), nn.Sigmoid(),
                         nn.Linear(8, 3, seed=2))
    theirs = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.ReLU(), torch.nn.Linear(8, 8),
                                 torch.nn.Sigmoid(), torch.nn.Linear(8, 3)).double()
    copy_params(ours, theirs)
    X, y = x_of(10, 6), np.arange(10) % 3
    crit = nn.CrossEntropyLoss()
    loss = crit(ours(X), y)
    ours.backward(crit.backward())
    lt = torch.nn.functional.cross_entropy(theirs(torch.from_numpy(X)), torch.from_numpy(y))
    lt.backward()
    assert abs(loss - lt.item()) < 1e-9
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert_close(p.grad, q.grad)


# --------------------------------------------------------------------------- init
@pytest.mark.parametrize("shape", [(300, 200), (64, 16, 3, 3)])
def test_fans_match_torch(shape):
    fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    assert nn.init.fan_in_and_fan_out(np.empty(shape)) == (fan_in, fan_out)


@pytest.mark.parametrize("nonlinearity, param", [("relu", None), ("tanh", None), ("sigmoid", None),
                                                  ("leaky_relu", None), ("leaky_relu", 0.2), ("linear", None)])
def test_gain_matches_torch(nonlinearity, param):
    assert math.isclose(nn.init.calculate_gain(nonlinearity, param),
                        torch.nn.init.calculate_gain(nonlinearity, param))


@pytest.mark.parametrize("shape", [(400, 300), (64, 32, 3, 3)])
@pytest.mark.parametrize("name, kwargs", [
    ("xavier_uniform_", {}), ("xavier_normal_", {}), ("xavier_uniform_", {"gain": 5 / 3}),
    ("kaiming_uniform_", {}), ("kaiming_normal_", {}), ("kaiming_normal_", {"mode": "fan_out"}),
    ("kaiming_uniform_", {"a": math.sqrt(5)}), ("kaiming_normal_", {"nonlinearity": "relu"}),
])
def test_init_statistics_match_torch(shape, name, kwargs):
    p = nn.Parameter(np.zeros(shape))
    out = getattr(nn.init, name)(p, rng=np.random.default_rng(0), **kwargs)
    assert out is p
    torch.manual_seed(0)
    t = getattr(torch.nn.init, name)(torch.empty(shape, dtype=torch.float64), **kwargs)
    assert math.isclose(p.data.std(), t.std().item(), rel_tol=0.03)
    assert abs(p.data.mean()) < 0.05 * t.std().item()
    if "uniform" in name:  # same bound: max |w| close to torch's
        assert math.isclose(np.abs(p.data).max(), t.abs().max().item(), rel_tol=0.01)


def test_init_acts_in_place_on_arrays_and_rejects_1d():
    w = np.zeros((5, 4))
    nn.init.kaiming_normal_(w, rng=np.random.default_rng(0))
    assert w.std() > 0
    with pytest.raises(ValueError, match=r"at least 2 dimensions; got shape \(5,\)"):
        nn.init.xavier_uniform_(nn.Parameter(np.zeros(5)))
    with pytest.raises(ValueError, match="mode must be"):
        nn.init.kaiming_uniform_(w, mode="fan_avg")


def test_init_is_reproducible_with_rng():
    a = nn.init.xavier_uniform_(np.zeros((3, 4)), rng=np.random.default_rng(1))
    b = nn.init.xavier_uniform_(np.zeros((3, 4)), rng=np.random.default_rng(1))
    assert np.array_equal(a, b)


@pytest.mark.parametrize("make, shape", [
    (lambda: nn.Linear(4, 3, seed=0), (5, 4)), (lambda: nn.Sigmoid(), (3, 4)),
    (lambda: nn.BatchNorm1d(4), (6, 4)), (lambda: nn.Conv2d(2, 3, 3, stride=2, padding=1, seed=0), (2, 2, 5, 6)),
    (lambda: nn.Sequential(nn.Linear(4, 6, seed=0), nn.Tanh(), nn.Linear(6, 2, seed=1)), (3, 4)),
])
def test_course_gradcheck_agrees(make, shape):
    errors = dl.gradcheck.gradcheck_module(make(), x_of(*shape))
    assert max(errors.values()) < 1e-7, errors
