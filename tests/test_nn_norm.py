"""dlcourse.nn.LayerNorm: forward, input and parameter gradients against torch in float64, and
backward against central differences."""
import numpy as np
import pytest
import torch

from dlcourse import nn
from test_nn_helpers import assert_close, check_numerically, compare_with_torch, t64


def x_of(*shape, seed=1):
    return np.random.default_rng(seed).normal(2.0, 3.0, size=shape)


def _with_random_affine(ln, seed=5):
    rng = np.random.default_rng(seed)
    ln.weight.data = rng.normal(size=ln.weight.data.shape)
    ln.bias.data = rng.normal(size=ln.bias.data.shape)
    return ln


@pytest.mark.parametrize("shape, normalized", [((4, 6), 6), ((3, 5, 4), 4), ((2, 3, 4), (3, 4)),
                                               ((1, 7), 7)])
def test_layernorm_matches_torch(shape, normalized):
    ours = _with_random_affine(nn.LayerNorm(normalized))
    compare_with_torch(ours, torch.nn.LayerNorm(normalized), x_of(*shape))


def test_layernorm_without_affine_matches_torch():
    ours = nn.LayerNorm(5, elementwise_affine=False, eps=1e-3)
    x = x_of(3, 5)
    theirs = torch.nn.LayerNorm(5, elementwise_affine=False, eps=1e-3).double()
    xt = t64(x)
    yt = theirs(xt)
    assert_close(ours(x), yt)
    G = np.random.default_rng(0).normal(size=(3, 5))
    yt.backward(torch.from_numpy(G))
    assert_close(ours.backward(G), xt.grad)
    assert list(ours.parameters()) == []


@pytest.mark.parametrize("shape, normalized", [((4, 6), 6), ((2, 3, 4), (3, 4))])
def test_layernorm_numerical(shape, normalized):
    check_numerically(_with_random_affine(nn.LayerNorm(normalized)), x_of(*shape))


def test_layernorm_is_the_same_in_train_and_eval():
    """Statistics of each example alone: no running averages, one example is enough."""
    ln = _with_random_affine(nn.LayerNorm(4))
    x = x_of(1, 4)
    y_train = ln(x)
    ln.eval()
    np.testing.assert_allclose(ln(x), y_train)
    np.testing.assert_allclose(ln(x_of(5, 4))[:1], ln(np.vstack([x_of(1, 4)] * 5))[:1])


def test_layernorm_errors():
    with pytest.raises(ValueError, match=r"LayerNorm\(\(4,\)\) expects input whose last dimensions are \(4,\); got \(3, 5\)"):
        nn.LayerNorm(4)(np.ones((3, 5)))
    with pytest.raises(RuntimeError, match="before forward"):
        nn.LayerNorm(4).backward(np.ones((2, 4)))


def test_the_exercise_reference_is_torchs_layer_norm():
    """dlcourse/grading/ch09.py's layernorm_forward equals torch's layer_norm on its cases."""
    from dlcourse.grading.ch09 import _ln_cases, layernorm_forward

    for case in _ln_cases():
        x, gamma, beta = case.args
        eps = case.kwargs.get("eps", 1e-5)
        want = torch.nn.functional.layer_norm(t64(x), (x.shape[-1],), t64(gamma), t64(beta), eps)
        assert_close(layernorm_forward(x, gamma, beta, eps), want)
