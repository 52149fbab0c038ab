"""Exercises of chapter 11, Recurrent networks: an RNN cell, an LSTM cell (torch's layout and gate
order), the shapes torch.nn.RNN returns, unrolling a cell over a sequence, a GRU cell, and scaled
dot-product attention with a causal mask. Plain NumPy data."""
from __future__ import annotations

import numpy as np

from dlcourse.grading.spec import Case, Exercise, Hint

__all__ = ["EXERCISES", "rnn_cell_forward", "lstm_cell_forward", "rnn_output_shape", "rnn_unroll",
           "gru_cell_forward", "attention"]


# --- reference answers --------------------------------------------------------------------------
def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # the same function, and it cannot overflow


def rnn_cell_forward(x, h, W_ih, W_hh, b_ih, b_hh):
    r"""One step of torch.nn.RNNCell: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh).

    Shapes: x (N, I), h (N, H), W_ih (H, I), W_hh (H, H), b_ih and b_hh (H,) -> (N, H).
    """
    x, h = np.asarray(x, float), np.asarray(h, float)
    return np.tanh(x @ np.asarray(W_ih).T + b_ih + h @ np.asarray(W_hh).T + b_hh)


def lstm_cell_forward(x, h, c, W_ih, W_hh, b_ih, b_hh):
    r"""One step of torch.nn.LSTMCell with gates stacked as (i, f, g, o); returns (h', c').

    Shapes: x (N, I), h and c (N, H), W_ih (4H, I), W_hh (4H, H), b_ih and b_hh (4H,).
    """
    x, h, c = (np.asarray(a, float) for a in (x, h, c))
    z = x @ np.asarray(W_ih).T + b_ih + h @ np.asarray(W_hh).T + b_hh  # (N, 4H)
    i, f, g, o = np.split(z, 4, axis=1)
    c_new = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    h_new = _sigmoid(o) * np.tanh(c_new)
    return h_new, c_new


def rnn_output_shape(seq_len, batch, input_size, hidden_size, num_layers=1, batch_first=False):
    """Shapes of (output, h_n) from torch.nn.RNN(input_size, hidden_size, num_layers,
    batch_first=batch_first) on an input of seq_len steps and batch sequences."""
    out = (batch, seq_len, hidden_size) if batch_first else (seq_len, batch, hidden_size)
    return out, (num_layers, batch, hidden_size)


def rnn_unroll(xs, h0, W_ih, W_hh, b_ih, b_hh):
    """Run the RNN cell over xs (T, N, I) from h0 (N, H); return all hidden states (T, N, H)."""
    h, states = np.asarray(h0, float), []
    for x in np.asarray(xs, float):
        h = rnn_cell_forward(x, h, W_ih, W_hh, b_ih, b_hh)
        states.append(h)
    return np.stack(states)


def gru_cell_forward(x, h, W_ih, W_hh, b_ih, b_hh, *, order=(0, 1, 2), reset_after=True):
    r"""One step of torch.nn.GRUCell (blocks r, z, n): h' = (1 - z) n + z h.

    ``order`` and ``reset_after=False`` give the usual slips (the hints use them).
    """
    x, h = np.asarray(x, float), np.asarray(h, float)
    a = np.split(x @ np.asarray(W_ih).T + b_ih, 3, axis=1)
    b = np.split(h @ np.asarray(W_hh).T + b_hh, 3, axis=1)
    (a_r, a_z, a_n), (b_r, b_z, b_n) = [a[k] for k in order], [b[k] for k in order]
    r, z = _sigmoid(a_r + b_r), _sigmoid(a_z + b_z)
    if reset_after:
        n = np.tanh(a_n + r * b_n)
    else:  # the paper's variant: reset h before the product
        W_hn = np.split(np.asarray(W_hh), 3, axis=0)[order[2]]
        b_hn = np.split(np.asarray(b_hh), 3)[order[2]]
        n = np.tanh(a_n + (r * h) @ W_hn.T + b_hn)
    return (1.0 - z) * n + z * h


def attention(Q, K, V, causal=False, *, scale=True, hide="later", axis=-1):
    r"""Scaled dot-product attention, softmax(Q K^T / sqrt(d)) V, with an optional causal mask.

    ``scale``, ``hide`` and ``axis`` give the usual slips (the hints use them).
    """
    Q, K, V = (np.asarray(a, float) for a in (Q, K, V))
    scores = Q @ K.T / (np.sqrt(Q.shape[-1]) if scale else 1.0)  # (T, S)
    if causal and hide:
        k = 1 if hide == "later" else -1
        hidden = np.triu(np.ones(scores.shape, bool), k=1) if k == 1 else np.tril(np.ones(scores.shape, bool), k=-1)
        scores = np.where(hidden, -np.inf, scores)
    scores = scores - scores.max(axis=axis, keepdims=True)
    w = np.exp(scores)
    return (w / w.sum(axis=axis, keepdims=True)) @ V


# --- cases --------------------------------------------------------------------------------------
def _rnn_weights(rng, i, hid, gates=1, scale=0.5):
    return (scale * rng.normal(size=(gates * hid, i)), scale * rng.normal(size=(gates * hid, hid)),
            scale * rng.normal(size=gates * hid), scale * rng.normal(size=gates * hid))


def _rnn_cases():
    rng = np.random.default_rng(20)
    out = []
    for n, i, hid, lab in [(1, 3, 3, "N=1, I=H=3"), (4, 5, 3, "N=4, I=5, H=3"), (2, 2, 6, "N=2, I=2, H=6")]:
        out.append(Case((rng.normal(size=(n, i)), rng.normal(size=(n, hid))) + _rnn_weights(rng, i, hid),
                        label=lab))
    return out


def _lstm_cases():
    rng = np.random.default_rng(21)
    out = []
    for n, i, hid, lab in [(1, 2, 2, "N=1, I=H=2"), (3, 4, 3, "N=3, I=4, H=3"), (2, 3, 5, "N=2, I=3, H=5")]:
        out.append(Case((rng.normal(size=(n, i)), rng.normal(size=(n, hid)), rng.normal(size=(n, hid)))
                        + _rnn_weights(rng, i, hid, gates=4), label=lab))
    return out


def _shape_cases():
    rows = [((35, 8, 10, 20), {}, "35 steps, batch 8, 10 -> 20"),
            ((35, 8, 10, 20), {"batch_first": True}, "the same with batch_first=True"),
            ((5, 1, 3, 7), {"num_layers": 2}, "2 layers"),
            ((12, 4, 1, 16), {"num_layers": 3, "batch_first": True}, "3 layers, batch_first=True")]
    return [Case(a, kw, label=lab) for a, kw, lab in rows]


def _unroll_cases():
    rng = np.random.default_rng(22)
    out = []
    for t, n, i, hid, lab in [(4, 1, 2, 3, "T=4, N=1"), (6, 3, 2, 4, "T=6, N=3"), (1, 2, 3, 2, "T=1")]:
        out.append(Case((rng.normal(size=(t, n, i)), rng.normal(size=(n, hid))) + _rnn_weights(rng, i, hid),
                        label=lab))
    return out


def _gru_cases():
    rng = np.random.default_rng(23)
    out = []
    for n, i, hid, lab in [(1, 2, 2, "N=1, I=H=2"), (3, 4, 3, "N=3, I=4, H=3"), (2, 3, 5, "N=2, I=3, H=5")]:
        out.append(Case((rng.normal(size=(n, i)), rng.normal(size=(n, hid)))
                        + _rnn_weights(rng, i, hid, gates=3, scale=0.8), label=lab))
    return out


def _attention_cases():
    rng = np.random.default_rng(24)
    q = lambda *s: rng.normal(size=s)
    return [
        Case((q(3, 2), q(3, 2), q(3, 2)), label="T=3, d=2, no mask"),
        Case((q(2, 4), q(5, 4), q(5, 3)), label="2 queries, 5 keys and values (d_v=3), no mask"),
        Case((q(4, 4), q(4, 4), q(4, 2)), {"causal": True}, label="T=4, causal"),
        Case((q(6, 3), q(6, 3), q(6, 3)), {"causal": True}, label="T=6, causal"),
        Case((40 * q(3, 4), 40 * q(3, 4), q(3, 2)), label="large scores (overflow?)"),
    ]


# --- hints (guarded: a hint never raises) -------------------------------------------------------
def _safe(pred):
    def when(got, exp, case):
        try:
            return bool(pred(got, exp, case))
        except Exception:
            return False
    return when


def _no_tanh(got, exp, case):
    return np.shape(got) == np.shape(exp) and (np.abs(got) > 1).any()


def _gate_order(got, exp, case):
    x, h, c, W_ih, W_hh, b_ih, b_hh = case.args
    perm = lambda a: np.concatenate([np.split(a, 4, axis=0)[k] for k in (0, 1, 3, 2)], axis=0)
    alt = lstm_cell_forward(x, h, c, perm(W_ih), perm(W_hh), perm(b_ih), perm(b_hh))
    return np.allclose(got[0], alt[0]) or np.allclose(got[1], alt[1])


def _lstm_not_pair(got, exp, case):
    return not isinstance(got, (list, tuple)) or len(got) != 2


def _not_transposed(got, exp, case):
    x, h, W_ih, W_hh, b_ih, b_hh = case.args
    return np.allclose(got, np.tanh(x @ W_ih + b_ih + h @ W_hh + b_hh))


def _sigmoid_not_tanh(got, exp, case):
    got = np.asarray(got, dtype=float)
    return got.shape == np.shape(exp) and (got > 0).all() and (got < 1).all() and (np.asarray(exp) < 0).any()


def _sigmoid_on_g(got, exp, case):
    x, h, c, W_ih, W_hh, b_ih, b_hh = case.args
    z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    i, f, g, o = (_sigmoid(a) for a in np.split(z, 4, axis=1))
    return np.allclose(got[1], f * c + i * g)


def _pair_of_tuples(received, expected, case):
    """The statement asks for a pair of tuples of ints, as torch's ``tuple(t.shape)`` gives."""
    def kind(x):
        return type(x).__name__
    if not (isinstance(received, tuple) and len(received) == 2
            and all(isinstance(s, tuple) for s in received)):
        return False, (f"expected a pair of tuples {expected}; got {received!r} "
                       f"(a {kind(received)}): return (output_shape, h_n_shape), each a tuple")
    if not all(isinstance(n, int) and not isinstance(n, bool) for s in received for n in s):
        return False, f"expected tuples of ints {expected}; got {received!r}"
    if received != expected:
        return False, f"expected {expected}, got {received}"
    return True, ""


def _hn_batch_first(got, exp, case):
    return tuple(got[0]) == tuple(exp[0]) and tuple(got[1]) != tuple(exp[1])


def _out_order(got, exp, case):
    return tuple(got[0]) != tuple(exp[0])


def _includes_h0(got, exp, case):
    return np.shape(got)[0] == np.shape(exp)[0] + 1


def _h_not_carried(got, exp, case):
    xs, h0, *w = case.args
    return np.allclose(got, np.stack([rnn_cell_forward(x, h0, *w) for x in xs]))


def _z_swapped(got, exp, case):
    x, h, W_ih, W_hh, b_ih, b_hh = case.args
    a = np.split(x @ W_ih.T + b_ih, 3, axis=1)
    b = np.split(h @ W_hh.T + b_hh, 3, axis=1)
    r, z = _sigmoid(a[0] + b[0]), _sigmoid(a[1] + b[1])
    n = np.tanh(a[2] + r * b[2])
    return np.allclose(got, z * n + (1 - z) * h)


def _gru_reset_before(got, exp, case):
    return np.allclose(got, gru_cell_forward(*case.args, reset_after=False))


def _gru_order(got, exp, case):
    return np.allclose(got, gru_cell_forward(*case.args, order=(1, 0, 2)))


def _nan(got, exp, case):
    return np.isnan(np.asarray(got, dtype=float)).any()


def _attn_variant(**slip):
    def when(got, exp, case):
        alt = attention(*case.args, **case.kwargs, **slip)
        return np.shape(got) == np.shape(exp) and not np.allclose(alt, exp) and np.allclose(got, alt)
    return when


EXERCISES = [
    Exercise(
        id="11.rnn_cell_forward", title="One step of an RNN cell", name="rnn_cell_forward",
        points=2, cases=_rnn_cases, reference=rnn_cell_forward,
        hints=[Hint(_safe(_no_tanh), "Values outside [-1, 1]: the new hidden state goes through tanh."),
               Hint(_safe(_sigmoid_not_tanh), "All your values are in (0, 1): the RNN cell uses tanh, not sigmoid."),
               Hint(_safe(_not_transposed), "Transpose the weights: torch stores W_ih as (hidden, input), "
                                            "so the product is x @ W_ih.T (and h @ W_hh.T)."),
               Hint(_safe(lambda g, e, c: np.shape(g) != np.shape(e)),
                    "torch stores W_ih as (hidden, input): multiply x @ W_ih.T, and h @ W_hh.T.")],
        hint="h_new = tanh(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh); both biases count.",
        forbidden=("torch.nn.RNNCell", "dlcourse.nn.RNNCell", "dlcourse.grading.ch11.rnn_cell_forward"),
    ),
    Exercise(
        id="11.lstm_cell_forward", title="One step of an LSTM cell", name="lstm_cell_forward",
        points=3, cases=_lstm_cases, reference=lstm_cell_forward,
        hints=[Hint(_safe(_lstm_not_pair), "Return a pair (h_new, c_new)."),
               Hint(_safe(_gate_order), "Check the gate order: torch stacks the rows as input, forget, "
                                        "cell (g), output - i, f, g, o."),
               Hint(_safe(_sigmoid_on_g), "The candidate g goes through tanh (values in [-1, 1]); only the "
                                          "gates i, f, o use sigmoid."),
               Hint(_safe(lambda g, e, c: np.allclose(g[1], e[1]) and not np.allclose(g[0], e[0])),
                    "c_new is right; h_new = sigmoid(o) * tanh(c_new).")],
        hint="z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh; i, f, g, o = np.split(z, 4, axis=1); "
             "c_new = sigmoid(f)*c + sigmoid(i)*tanh(g); h_new = sigmoid(o)*tanh(c_new).",
        forbidden=("torch.nn.LSTMCell", "dlcourse.nn.LSTMCell", "dlcourse.grading.ch11.lstm_cell_forward"),
    ),
    Exercise(
        id="11.rnn_output_shape", title="The shapes torch.nn.RNN returns", name="rnn_output_shape",
        points=1, cases=_shape_cases, reference=rnn_output_shape, judge=_pair_of_tuples,
        hints=[Hint(_safe(_hn_batch_first), "output is right; h_n is always (num_layers, batch, hidden), "
                                            "even with batch_first=True."),
               Hint(_safe(_out_order), "output holds one hidden state per step of the LAST layer: "
                                       "(seq_len, batch, hidden), or (batch, seq_len, hidden) with batch_first.")],
        hint="Return a pair of tuples: (output shape, h_n shape).",
    ),
    Exercise(
        id="11.rnn_unroll", title="Unrolling an RNN over a sequence", name="rnn_unroll",
        points=2, cases=_unroll_cases, reference=rnn_unroll,
        hints=[Hint(_safe(_includes_h0), "Return only the T new states, not h0."),
               Hint(_safe(_h_not_carried), "Each step must start from the PREVIOUS step's state, not from h0.")],
        hint="h = h0; for each x_t in xs: h = tanh(x_t @ W_ih.T + b_ih + h @ W_hh.T + b_hh); "
             "collect each h and np.stack them into (T, N, H).",
        forbidden=("torch.nn.RNN", "dlcourse.grading.ch11.rnn_unroll"),
    ),
    Exercise(
        id="11.gru_cell_forward", title="One step of a GRU cell", name="gru_cell_forward",
        points=3, cases=_gru_cases, reference=gru_cell_forward,
        hints=[Hint(_safe(_z_swapped), "z is the share of the OLD state that is kept: "
                                       "h_new = (1 - z) * n + z * h."),
               Hint(_safe(_gru_reset_before), "torch multiplies r with (h @ W_hn.T + b_hn), after the "
                                              "product and with its bias, not with h before it."),
               Hint(_safe(_gru_order), "Check the block order: torch stacks the rows of W_ih and "
                                       "W_hh as reset, update, new (r, z, n).")],
        hint="r, z = sigmoid of the r and z blocks of x @ W_ih.T + b_ih + h @ W_hh.T + b_hh; "
             "n = tanh(x_n + r * h_n); h_new = (1 - z) * n + z * h.",
        forbidden=("torch.nn.GRUCell", "dlcourse.nn.GRUCell", "dlcourse.grading.ch11.gru_cell_forward"),
    ),
    Exercise(
        id="11.attention", title="Scaled dot-product attention with a causal mask", name="attention",
        points=3, cases=_attention_cases, reference=attention,
        hints=[Hint(_safe(_nan), "NaN appeared: large scores overflow np.exp. Subtract each row's "
                                 "maximum score before the exponential (the softmax does not change)."),
               Hint(_safe(_attn_variant(scale=False)), "Divide the scores Q @ K.T by sqrt(d), d the "
                                                       "size of a query."),
               Hint(_safe(_attn_variant(hide=None)), "With causal=True, position i may only see "
                                                     "positions j <= i: set the scores of j > i to -inf."),
               Hint(_safe(_attn_variant(hide="earlier")), "The mask hides LATER positions: row i keeps "
                                                          "the columns j <= i (np.triu(..., k=1) marks "
                                                          "the hidden ones)."),
               Hint(_safe(_attn_variant(axis=0)), "Take the softmax along each row (axis=-1): the "
                                                  "weights of one query sum to 1.")],
        hint="scores = Q @ K.T / sqrt(d); with causal, scores[j > i] = -inf; "
             "weights = row-wise softmax (subtract the row max); return weights @ V.",
        forbidden=("torch.nn.functional.scaled_dot_product_attention", "torch.softmax",
                   "scipy.special.softmax", "dlcourse.functional.softmax",
                   "dlcourse.grading.ch11.attention"),
    ),
]
