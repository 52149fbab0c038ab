"""dlcourse.nn.RNNCell, LSTMCell and GRUCell: forward and backward (one step and through time)
vs torch."""
import numpy as np
import pytest
import torch

from dlcourse import nn
from test_nn_helpers import assert_close, copy_params, numerical_gradient, t64


def x_of(*shape, seed=1):
    return np.random.default_rng(seed).normal(size=shape)


def test_parameter_names_shapes_and_order_match_torch():
    for ours, theirs in [(nn.RNNCell(3, 5, seed=0), torch.nn.RNNCell(3, 5)),
                         (nn.LSTMCell(3, 5, seed=0), torch.nn.LSTMCell(3, 5)),
                         (nn.GRUCell(3, 5, seed=0), torch.nn.GRUCell(3, 5))]:
        assert [(n, p.shape) for n, p in ours.named_parameters()] == \
               [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
        k = 1 / np.sqrt(5)
        assert all(np.abs(p.data).max() <= k for p in ours.parameters())


def _unroll(cell, tcell, T=4, N=3, I=3, H=5, lstm=False):
    """Run T steps in both, backprop sum(G_t * h_t) (and c_T), compare everything."""
    tcell = tcell.double()
    copy_params(cell, tcell)
    xs = x_of(T, N, I)
    h0, c0 = x_of(N, H, seed=2), x_of(N, H, seed=3)
    Gs = x_of(T, N, H, seed=4)
    Gc = x_of(N, H, seed=5)
    # ours, forward
    cell.zero_grad()
    hs, state = [], ((h0, c0) if lstm else h0)
    for t in range(T):
        state = cell(xs[t], state)
        hs.append(state[0] if lstm else state)
    # torch, forward and backward
    xts, h0t, c0t = t64(xs), t64(h0), t64(c0)
    tstate, total = ((h0t, c0t) if lstm else h0t), 0
    for t in range(T):
        tstate = tcell(xts[t], tstate)
        total = total + ((tstate[0] if lstm else tstate) * torch.from_numpy(Gs[t])).sum()
        assert_close(hs[t], tstate[0] if lstm else tstate)
    if lstm:
        total = total + (tstate[1] * torch.from_numpy(Gc)).sum()
    total.backward()
    # ours, backward through time: last step first, carrying dh (and dc) back
    dh_next, dc_next, dxs = np.zeros((N, H)), Gc if lstm else None, [None] * T
    for t in reversed(range(T)):
        if lstm:
            dxs[t], (dh_next, dc_next) = cell.backward((Gs[t] + dh_next, dc_next))
        else:
            dxs[t], dh_next = cell.backward(Gs[t] + dh_next)
    assert_close(np.stack(dxs), xts.grad)
    assert_close(dh_next, h0t.grad)
    if lstm:
        assert_close(dc_next, c0t.grad)
    tp = dict(tcell.named_parameters())
    for name, p in cell.named_parameters():
        assert_close(p.grad, tp[name].grad)


def test_rnn_cell_through_time_matches_torch():
    _unroll(nn.RNNCell(3, 5, seed=0), torch.nn.RNNCell(3, 5))


def test_lstm_cell_through_time_matches_torch():
    _unroll(nn.LSTMCell(3, 5, seed=0), torch.nn.LSTMCell(3, 5), lstm=True)


def test_gru_cell_through_time_matches_torch():
    _unroll(nn.GRUCell(3, 5, seed=0), torch.nn.GRUCell(3, 5))


def test_gru_cell_without_bias_matches_torch():
    _unroll(nn.GRUCell(3, 5, bias=False, seed=0), torch.nn.GRUCell(3, 5, bias=False))


def test_gru_cell_numerical_gradient():
    cell = nn.GRUCell(2, 3, seed=0)
    x, h, G = x_of(4, 2), x_of(4, 3, seed=2), x_of(4, 3, seed=4)
    cell.zero_grad()
    cell(x, h)
    dx, dh = cell.backward(G)
    cell.eval()
    f = lambda a, b: float((cell(a, b) * G).sum())
    assert_close(dx, numerical_gradient(lambda a: f(a, h), x))
    assert_close(dh, numerical_gradient(lambda b: f(x, b), h))
    for p in cell.parameters():
        def g(values, p=p):
            old, p.data = p.data, values
            try:
                return f(x, h)
            finally:
                p.data = old
        assert_close(p.grad, numerical_gradient(g, p.data.copy()))


def test_rnn_cell_default_state_and_numerical_gradient():
    cell = nn.RNNCell(2, 3, seed=0)
    x, G = x_of(4, 2), x_of(4, 3, seed=2)
    assert_close(cell(x), cell.eval()(x, np.zeros((4, 3))))
    cell.train()
    cell.zero_grad()
    cell(x)
    dx, _ = cell.backward(G)
    cell.eval()  # evaluation mode stores no steps: safe to call many times
    assert_close(dx, numerical_gradient(lambda a: float((cell(a) * G).sum()), x))
    w = cell.weight_hh
    h = x_of(4, 3, seed=3)
    cell.train()
    cell.zero_grad()
    cell(x, h)
    cell.backward(G)
    cell.eval()

    def f(values):
        old, w.data = w.data, values
        try:
            return float((cell(x, h) * G).sum())
        finally:
            w.data = old
    assert_close(w.grad, numerical_gradient(f, w.data.copy()))


def test_lstm_cell_numerical_gradient():
    cell = nn.LSTMCell(2, 3, seed=0)
    x, h, c = x_of(4, 2), x_of(4, 3, seed=2), x_of(4, 3, seed=3)
    G, Gc = x_of(4, 3, seed=4), x_of(4, 3, seed=5)
    cell(x, (h, c))
    dx, (dh, dc) = cell.backward((G, Gc))
    cell.eval()
    f = lambda a, b, d: float((cell(a, (b, d))[0] * G).sum() + (cell(a, (b, d))[1] * Gc).sum())
    assert_close(dx, numerical_gradient(lambda a: f(a, h, c), x))
    assert_close(dh, numerical_gradient(lambda b: f(x, b, c), h))
    assert_close(dc, numerical_gradient(lambda d: f(x, h, d), c))


def test_recurrent_errors():
    with pytest.raises(ValueError, match=r"RNNCell\(3, 5\) expects input of shape \(N, 3\); got \(2, 4\)"):
        nn.RNNCell(3, 5, seed=0)(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"expects h of shape \(2, 5\); got \(2, 4\)"):
        nn.RNNCell(3, 5, seed=0)(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(RuntimeError, match="more times than forward"):
        nn.RNNCell(3, 5, seed=0).backward(np.ones((2, 5)))
