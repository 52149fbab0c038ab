"""dlcourse.nn.Conv2d, MaxPool2d, AvgPool2d and BatchNorm2d: against torch (float64) and central
differences.

Its speed against torch is measured by `make bench` (benchmarks/README.md), not asserted here:
a timing assertion in a test is a flaky test.
"""

import numpy as np
import pytest
import torch

from dlcourse import nn
from test_nn_helpers import check_numerically, compare_with_torch


def x_of(*shape, seed=1):
    return np.random.default_rng(seed).normal(size=shape)


CONV_SETTINGS = [  # (in, out, kernel, stride, padding, input H, W)
    (1, 4, 3, 1, 0, 8, 8),
    (2, 3, 3, 2, 1, 7, 9),  # non-square input, stride 2, padding 1
    (3, 2, (2, 3), (1, 2), (0, 1), 6, 5),  # non-square kernel, stride and padding
    (2, 5, 5, 1, 2, 5, 5),  # "same" output size
    (1, 1, 1, 1, 0, 3, 4),  # 1x1 kernel
    (2, 2, 4, 3, 0, 10, 11),  # stride 3 leaves rows unused
]


@pytest.mark.parametrize("cin, cout, k, s, p, H, W", CONV_SETTINGS)
def test_conv2d_matches_torch(cin, cout, k, s, p, H, W):
    conv = nn.Conv2d(cin, cout, k, stride=s, padding=p, seed=0)
    compare_with_torch(conv, torch.nn.Conv2d(cin, cout, k, stride=s, padding=p), x_of(3, cin, H, W))


@pytest.mark.parametrize("cin, cout, k, s, p, H, W", CONV_SETTINGS[:4])
def test_conv2d_backward_numerically(cin, cout, k, s, p, H, W):
    check_numerically(nn.Conv2d(cin, cout, k, stride=s, padding=p, seed=0), x_of(2, cin, H, W))


def test_conv2d_without_bias_and_parameter_shapes():
    conv = nn.Conv2d(3, 8, (3, 5), bias=False, seed=0)
    assert conv.weight.shape == (8, 3, 3, 5) and conv.bias is None
    compare_with_torch(conv, torch.nn.Conv2d(3, 8, (3, 5), bias=False), x_of(2, 3, 6, 7))


def test_conv2d_init_bounds_like_torch():
    conv = nn.Conv2d(16, 32, 3, seed=0)
    bound = 1 / np.sqrt(16 * 9)
    assert np.abs(conv.weight.data).max() <= bound and np.abs(conv.bias.data).max() <= bound
    assert np.isclose(conv.weight.data.std(), bound / np.sqrt(3), rtol=0.05)


def test_conv2d_shape_errors():
    conv = nn.Conv2d(1, 16, 3, seed=0)
    with pytest.raises(ValueError, match=r"expects input of shape \(N, 1, H, W\); got \(5, 8, 8\)"):
        conv(np.ones((5, 8, 8)))
    with pytest.raises(ValueError, match=r"expects input of shape \(N, 1, H, W\); got \(5, 3, 8, 8\)"):
        conv(np.ones((5, 3, 8, 8)))
    with pytest.raises(ValueError, match="smaller than the kernel"):
        conv(np.ones((1, 1, 2, 2)))
    conv(np.ones((2, 1, 5, 5)))
    with pytest.raises(ValueError, match=r"gradient of shape \(2, 16, 3, 3\); got \(2, 16, 5, 5\)"):
        conv.backward(np.ones((2, 16, 5, 5)))


@pytest.mark.parametrize("k, s, H, W", [(2, None, 8, 8), (3, 2, 7, 9), (3, 1, 5, 6), ((2, 3), (2, 1), 6, 7)])
def test_maxpool_matches_torch(k, s, H, W):
    x = x_of(2, 3, H, W)
    compare_with_torch(nn.MaxPool2d(k, s), torch.nn.MaxPool2d(k, s), x)
    check_numerically(nn.MaxPool2d(k, s), x)  # distinct random values: no ties


def test_maxpool_ties_go_to_first_position_like_torch():
    x = np.zeros((1, 1, 4, 4))
    compare_with_torch(nn.MaxPool2d(2), torch.nn.MaxPool2d(2), x)


def test_maxpool_shape_error():
    with pytest.raises(ValueError, match=r"H >= 3 and W >= 3; got \(1, 1, 2, 5\)"):
        nn.MaxPool2d(3)(np.ones((1, 1, 2, 5)))


@pytest.mark.parametrize("k, s, H, W", [(2, None, 8, 8), (3, 2, 7, 9), (3, 1, 5, 6), ((2, 3), (2, 1), 6, 7)])
def test_avgpool_matches_torch(k, s, H, W):
    x = x_of(2, 3, H, W)
    compare_with_torch(nn.AvgPool2d(k, s), torch.nn.AvgPool2d(k, s), x)
    check_numerically(nn.AvgPool2d(k, s), x)


def test_global_average_pooling_is_avgpool_over_the_whole_map():
    x = x_of(2, 3, 5, 4)
    assert np.allclose(nn.AvgPool2d((5, 4))(x)[:, :, 0, 0], x.mean(axis=(2, 3)))


def test_avgpool_shape_errors():
    with pytest.raises(ValueError, match=r"AvgPool2d\(kernel_size=\(3, 3\)\) expects input of shape \(N, C, H, W\) "
                                         r"with H >= 3 and W >= 3; got \(1, 1, 2, 5\)"):
        nn.AvgPool2d(3)(np.ones((1, 1, 2, 5)))
    pool = nn.AvgPool2d(2)
    pool(np.ones((1, 1, 4, 4)))
    with pytest.raises(ValueError, match=r"gradient of shape \(1, 1, 2, 2\); got \(1, 1, 4, 4\)"):
        pool.backward(np.ones((1, 1, 4, 4)))


def _batchnorm2d_pair():
    ours, theirs = nn.BatchNorm2d(3), torch.nn.BatchNorm2d(3)
    rng = np.random.default_rng(4)
    ours.weight.data[...], ours.bias.data[...] = rng.normal(size=3), rng.normal(size=3)
    return ours, theirs


def test_batchnorm2d_training_matches_torch_with_running_statistics():
    ours, theirs = _batchnorm2d_pair()
    for seed in (1, 2):  # two steps: the running statistics move twice
        theirs.zero_grad()  # torch accumulates; ours is zeroed by compare_with_torch
        compare_with_torch(ours, theirs, 2.0 + 3.0 * x_of(4, 3, 5, 6, seed=seed))
    assert np.allclose(ours.running_mean, theirs.running_mean.numpy(), atol=1e-6)
    assert np.allclose(ours.running_var, theirs.running_var.numpy(), atol=1e-6)  # unbiased


def test_batchnorm2d_evaluation_matches_torch():
    ours, theirs = _batchnorm2d_pair()
    compare_with_torch(ours, theirs, x_of(4, 3, 5, 6))  # one training step
    ours.eval(), theirs.eval(), theirs.zero_grad()
    compare_with_torch(ours, theirs, x_of(2, 3, 4, 4, seed=3))


def test_batchnorm2d_numerical_gradient_and_errors():
    ours, _ = _batchnorm2d_pair()
    check_numerically(ours, x_of(3, 3, 2, 4))
    with pytest.raises(ValueError, match=r"BatchNorm2d\(3\) expects input of shape \(N, 3, H, W\); got \(2, 3, 4\)"):
        ours(np.ones((2, 3, 4)))


def test_small_cnn_parameter_order_and_gradients_match_torch():
    ours = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, seed=0), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(4, 6, 3, seed=1), nn.ReLU(), nn.Flatten(), nn.Linear(6 * 2 * 2, 10, seed=2))
    theirs = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                 torch.nn.Conv2d(4, 6, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                                 torch.nn.Linear(24, 10))
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    compare_with_torch(ours, theirs, x_of(5, 1, 8, 8))
