"""Exercises of chapter 11, Recurrent networks: an RNN cell, an LSTM cell (torch's layout and gate
order), the shapes torch.nn.RNN returns, unrolling a cell over a sequence, a GRU cell, and scaled
dot-product attention with a causal mask. Plain NumPy data."""
# Over the house style's ~300 lines on purpose: each exercise of the chapter is defined whole
# in this file (statement, stub, points, cases, judge, hints, reference solution and typical
# wrong answers), so a teacher changes an exercise in one place; tools/exercise.py writes the
# notebook's cells from it and proves it.
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
        statement=r"""
Write `rnn_cell_forward(x, h, W_ih, W_hh, b_ih, b_hh)`, one step of `torch.nn.RNNCell`:

$$h' = \tanh\left(x W_{ih}^\top + b_{ih} + h W_{hh}^\top + b_{hh}\right)$$

Shapes: `x (N, I)`, `h (N, H)`, `W_ih (H, I)`, `W_hh (H, H)`, `b_ih (H,)`, `b_hh (H,)`; return `(N, H)`.

Example: with all weights and biases zero the answer is zeros of shape `(N, H)`.
""",
        stub='''
def rnn_cell_forward(x, h, W_ih, W_hh, b_ih, b_hh):
    """One RNN step: x (N, I), h (N, H) -> new h (N, H)."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
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
        statement=r"""
Write `lstm_cell_forward(x, h, c, W_ih, W_hh, b_ih, b_hh)`, one step of `torch.nn.LSTMCell`, returning
the pair `(h_new, c_new)`.

Compute `z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh` (shape `(N, 4H)`) and split it into four blocks of `H`
columns **in torch's order: i, f, g, o** (input gate, forget gate, candidate, output gate). Then

$$c' = \sigma(f) \odot c + \sigma(i) \odot \tanh(g), \qquad h' = \sigma(o) \odot \tanh(c').$$

Shapes: `x (N, I)`, `h` and `c` `(N, H)`, `W_ih (4H, I)`, `W_hh (4H, H)`, biases `(4H,)`.

Example: with all weights and biases zero, every gate is 0.5 and `g = 0`, so `c_new = 0.5 * c` and
`h_new = 0.5 * np.tanh(0.5 * c)`.
""",
        stub='''
def lstm_cell_forward(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """One LSTM step, gates in the order i, f, g, o; return (h_new, c_new)."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
    Exercise(
        id="11.rnn_output_shape", title="The shapes torch.nn.RNN returns", name="rnn_output_shape",
        points=1, cases=_shape_cases, reference=rnn_output_shape, judge=_pair_of_tuples,
        hints=[Hint(_safe(_hn_batch_first), "output is right; h_n is always (num_layers, batch, hidden), "
                                            "even with batch_first=True."),
               Hint(_safe(_out_order), "output holds one hidden state per step of the LAST layer: "
                                       "(seq_len, batch, hidden), or (batch, seq_len, hidden) with batch_first.")],
        hint="Return a pair of tuples: (output shape, h_n shape).",
        statement="""
`torch.nn.RNN(input_size, hidden_size, num_layers, batch_first=...)` returns a pair `(output, h_n)`.
Write `rnn_output_shape(seq_len, batch, input_size, hidden_size, num_layers=1, batch_first=False)` that
returns their shapes as a pair of tuples `(output_shape, h_n_shape)`, without running torch.

- `output` holds the last layer's hidden state at every step: `(seq_len, batch, hidden_size)`, or
  `(batch, seq_len, hidden_size)` when `batch_first=True`;
- `h_n` holds every layer's last hidden state. Look up in the PyTorch documentation whether
  `batch_first` changes its shape.

Example: `rnn_output_shape(35, 8, 10, 20)` is `((35, 8, 20), (1, 8, 20))`.
""",
        stub='''
def rnn_output_shape(seq_len, batch, input_size, hidden_size, num_layers=1,
                     batch_first=False):
    """Shapes (output_shape, h_n_shape) of torch.nn.RNN's result (tuples)."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
    Exercise(
        id="11.rnn_unroll", title="Unrolling an RNN over a sequence", name="rnn_unroll",
        points=2, cases=_unroll_cases, reference=rnn_unroll,
        hints=[Hint(_safe(_includes_h0), "Return only the T new states, not h0."),
               Hint(_safe(_h_not_carried), "Each step must start from the PREVIOUS step's state, not from h0.")],
        hint="h = h0; for each x_t in xs: h = tanh(x_t @ W_ih.T + b_ih + h @ W_hh.T + b_hh); "
             "collect each h and np.stack them into (T, N, H).",
        forbidden=("torch.nn.RNN", "dlcourse.grading.ch11.rnn_unroll"),
        statement="""
Write `rnn_unroll(xs, h0, W_ih, W_hh, b_ih, b_hh)`: run the RNN cell of exercise 1 over a whole
sequence `xs` of shape `(T, N, I)`, starting from `h0 (N, H)`, and return **all** T new hidden states
stacked into an array of shape `(T, N, H)` (not including `h0`). This is what `torch.nn.RNN` returns as
`output` (with `batch_first=False`).

Each step starts from the hidden state of the previous step. You may call your `rnn_cell_forward` from
exercise 1, or write the formula again.

Example: for `T = 1` the answer is `rnn_cell_forward(xs[0], h0, ...)[None]`.
""",
        stub='''
def rnn_unroll(xs, h0, W_ih, W_hh, b_ih, b_hh):
    """Run the cell over xs (T, N, I) from h0 (N, H); all states (T, N, H)."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
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
        statement=r"""
Write `gru_cell_forward(x, h, W_ih, W_hh, b_ih, b_hh)`, one step of `torch.nn.GRUCell`, returning
`h_new`. `W_ih` `(3H, I)` and `W_hh` `(3H, H)` stack three blocks of `H` rows **in torch's order r, z,
n** (reset, update, new); the biases `(3H,)` likewise. Split the input part `x @ W_ih.T + b_ih` and the
hidden part `h @ W_hh.T + b_hh` into their three blocks each (`np.split(..., 3, axis=1)`), then

$$
\begin{aligned}
r &= \sigma(x_r + h_r), \qquad z = \sigma(x_z + h_z),\\
n &= \tanh(x_n + r \odot h_n), \qquad h' = (1 - z) \odot n + z \odot h .
\end{aligned}
$$

Note where the reset gate goes: it multiplies the whole hidden part $h_n = h W_{hn}^\top + b_{hn}$,
bias included. And $z$ is the share of the old state that is *kept*.

Example: with all weights and biases zero, $r = z = 0.5$ and $n = 0$, so `h_new = 0.5 * h`.
""",
        stub='''
def gru_cell_forward(x, h, W_ih, W_hh, b_ih, b_hh):
    """One GRU step (blocks r, z, n): x (N, I), h (N, H) -> new h (N, H)."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
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
        statement=r"""
Write `attention(Q, K, V, causal=False)`: the output of scaled dot-product attention,

$$\operatorname{softmax}\left(\frac{Q K^\top}{\sqrt{d}}\right) V,$$

with the softmax over each row, for queries `Q` `(T, d)`, keys `K` `(S, d)` and values `V` `(S, d_v)`;
return an array of shape `(T, d_v)`. When `causal=True` (then `T == S`), position `i` may only look at
positions `j <= i`: set the scores of every `j > i` to `-np.inf` before the softmax, so their weights
are 0. It must also work for large scores: subtract each row's maximum before `np.exp` (the softmax
does not change, and nothing overflows).

Example: with `Q = K = np.eye(2)` and `V = np.array([[1.0], [3.0]])`, `causal=True` gives `[[1.0], [w]]`
with `w = (e^0 * 1 + e^(1/sqrt(2)) * 3) / (e^0 + e^(1/sqrt(2)))`, about 2.34.
""",
        stub='''
def attention(Q, K, V, causal=False):
    """softmax(Q K^T / sqrt(d)) V, row by row; causal: j > i is hidden."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
]


# ------------------------------------------------------------ the proof
# The reference solution of each exercise and its typical wrong answers, as the source a
# learner would paste into the answer cell (see CONTRIBUTING.md, tools/exercise.py prove).
SOLUTIONS = {
    "11.rnn_cell_forward": '''
def rnn_cell_forward(x, h, W_ih, W_hh, b_ih, b_hh):
    return np.tanh(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
''',
    "11.lstm_cell_forward": '''
def lstm_cell_forward(x, h, c, W_ih, W_hh, b_ih, b_hh):
    def sigmoid(z):
        return 1.0 / (1.0 + np.exp(-z))
    z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh     # (N, 4H)
    i, f, g, o = np.split(z, 4, axis=1)
    c_new = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    h_new = sigmoid(o) * np.tanh(c_new)
    return h_new, c_new
''',
    "11.rnn_output_shape": '''
def rnn_output_shape(seq_len, batch, input_size, hidden_size, num_layers=1, batch_first=False):
    if batch_first:
        output = (batch, seq_len, hidden_size)
    else:
        output = (seq_len, batch, hidden_size)
    h_n = (num_layers, batch, hidden_size)
    return output, h_n
''',
    "11.rnn_unroll": '''
def rnn_unroll(xs, h0, W_ih, W_hh, b_ih, b_hh):
    h = h0
    states = []
    for x in xs:
        h = np.tanh(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
        states.append(h)
    return np.stack(states)
''',
    "11.gru_cell_forward": '''
def gru_cell_forward(x, h, W_ih, W_hh, b_ih, b_hh):
    def sigmoid(z):
        return 1.0 / (1.0 + np.exp(-z))
    x_r, x_z, x_n = np.split(x @ W_ih.T + b_ih, 3, axis=1)   # input parts
    h_r, h_z, h_n = np.split(h @ W_hh.T + b_hh, 3, axis=1)   # hidden parts
    r, z = sigmoid(x_r + h_r), sigmoid(x_z + h_z)
    n = np.tanh(x_n + r * h_n)
    return (1 - z) * n + z * h
''',
    "11.attention": '''
def attention(Q, K, V, causal=False):
    scores = Q @ K.T / np.sqrt(Q.shape[-1])
    if causal:
        later = np.triu(np.ones(scores.shape, dtype=bool), k=1)
        scores = np.where(later, -np.inf, scores)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return weights @ V
''',
}

_GRU = """
def gru_cell_forward(x, h, W_ih, W_hh, b_ih, b_hh):
    sig = lambda a: 1 / (1 + np.exp(-a))
    x_r, x_z, x_n = np.split(x @ W_ih.T + b_ih, 3, axis=1)
    h_r, h_z, h_n = np.split(h @ W_hh.T + b_hh, 3, axis=1)
    {gates}
    {n}
    return {out}
"""
_GRU_OK = dict(gates="r, z = sig(x_r + h_r), sig(x_z + h_z)", n="n = np.tanh(x_n + r * h_n)",
               out="(1 - z) * n + z * h")
_ATT = """
def attention(Q, K, V, causal=False):
    scores = Q @ K.T{scale}
    if causal:
        hidden = {hidden}
        scores = np.where(hidden, -np.inf, scores)
    {shift}
    weights = np.exp(scores)
    weights = weights / weights.sum(axis={axis}, keepdims=True)
    return weights @ V
"""
_ATT_OK = dict(scale=" / np.sqrt(Q.shape[-1])", hidden="np.triu(np.ones(scores.shape, dtype=bool), k=1)",
               shift="scores = scores - scores.max(axis=-1, keepdims=True)", axis="-1")

# Each WRONG entry is a learner's answer; a tuple (answer, "substring") also names the hint that
# answer must get (tests/test_exercises.py checks that it shows, and that no other answer shows
# a hint it does not name).
WRONG = {
    "11.rnn_cell_forward": [
        # weights not transposed (torch stores (hidden, input))
        ("def rnn_cell_forward(x, h, W_ih, W_hh, b_ih, b_hh):\n"
         "    return np.tanh(x @ W_ih + b_ih + h @ W_hh + b_hh)\n", "Transpose the weights"),
        # sigmoid instead of tanh
        ("def rnn_cell_forward(x, h, W_ih, W_hh, b_ih, b_hh):\n"
         "    return 1 / (1 + np.exp(-(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh)))\n",
         "not sigmoid"),
        # forgets the tanh
        ("def rnn_cell_forward(x, h, W_ih, W_hh, b_ih, b_hh):\n"
         "    return x @ W_ih.T + b_ih + h @ W_hh.T + b_hh\n", "goes through tanh"),
        # column form: (H, N) instead of torch's (N, H)
        ("def rnn_cell_forward(x, h, W_ih, W_hh, b_ih, b_hh):\n"
         "    return np.tanh(W_ih @ x.T + W_hh @ h.T + (b_ih + b_hh)[:, None])\n",
         "multiply x @ W_ih.T"),
        # the rule "do not use torch": torch's RNNCell does the work
        '''
import torch

def rnn_cell_forward(x, h, W_ih, W_hh, b_ih, b_hh):
    cell = torch.nn.RNNCell(W_ih.shape[1], W_ih.shape[0]).double()
    with torch.no_grad():
        for name, v in zip(["weight_ih", "weight_hh", "bias_ih", "bias_hh"],
                           [W_ih, W_hh, b_ih, b_hh]):
            getattr(cell, name).copy_(torch.tensor(v))
        return cell(torch.tensor(x), torch.tensor(h)).numpy()
''',
        # forgets the hidden-to-hidden bias
        "def rnn_cell_forward(x, h, W_ih, W_hh, b_ih, b_hh):\n"
        "    return np.tanh(x @ W_ih.T + b_ih + h @ W_hh.T)\n",
    ],
    "11.lstm_cell_forward": [
        # gate order i, f, o, g (the order of many textbooks, not torch's)
        ('''
def lstm_cell_forward(x, h, c, W_ih, W_hh, b_ih, b_hh):
    sig = lambda z: 1 / (1 + np.exp(-z))
    i, f, o, g = np.split(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh, 4, axis=1)
    c_new = sig(f) * c + sig(i) * np.tanh(g)
    return sig(o) * np.tanh(c_new), c_new
''', "Check the gate order"),
        # sigmoid on the candidate g
        ('''
def lstm_cell_forward(x, h, c, W_ih, W_hh, b_ih, b_hh):
    sig = lambda z: 1 / (1 + np.exp(-z))
    i, f, g, o = np.split(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh, 4, axis=1)
    c_new = sig(f) * c + sig(i) * sig(g)
    return sig(o) * np.tanh(c_new), c_new
''', "goes through tanh"),
        # h without the tanh of the cell state
        ('''
def lstm_cell_forward(x, h, c, W_ih, W_hh, b_ih, b_hh):
    sig = lambda z: 1 / (1 + np.exp(-z))
    i, f, g, o = np.split(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh, 4, axis=1)
    c_new = sig(f) * c + sig(i) * np.tanh(g)
    return sig(o) * c_new, c_new
''', "c_new is right"),
        # the rule "return the pair (h_new, c_new)": only h_new
        ('''
def lstm_cell_forward(x, h, c, W_ih, W_hh, b_ih, b_hh):
    sig = lambda z: 1 / (1 + np.exp(-z))
    i, f, g, o = np.split(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh, 4, axis=1)
    c_new = sig(f) * c + sig(i) * np.tanh(g)
    return sig(o) * np.tanh(c_new)
''', "Return a pair"),
    ],
    "11.rnn_output_shape": [
        # h_n made batch-first too
        ('''
def rnn_output_shape(seq_len, batch, input_size, hidden_size, num_layers=1, batch_first=False):
    if batch_first:
        return (batch, seq_len, hidden_size), (batch, num_layers, hidden_size)
    return (seq_len, batch, hidden_size), (num_layers, batch, hidden_size)
''', "h_n is always"),
        # ignores batch_first
        ('''
def rnn_output_shape(seq_len, batch, input_size, hidden_size, num_layers=1, batch_first=False):
    return (seq_len, batch, hidden_size), (num_layers, batch, hidden_size)
''', "output holds one hidden state"),
        # the rule "a pair of tuples": right numbers, as lists
        '''
def rnn_output_shape(seq_len, batch, input_size, hidden_size, num_layers=1, batch_first=False):
    output = [batch, seq_len, hidden_size] if batch_first else [seq_len, batch, hidden_size]
    return [output, [num_layers, batch, hidden_size]]
''',
    ],
    "11.rnn_unroll": [
        # returns h0 as well
        ('''
def rnn_unroll(xs, h0, W_ih, W_hh, b_ih, b_hh):
    states = [h0]
    for x in xs:
        states.append(np.tanh(x @ W_ih.T + b_ih + states[-1] @ W_hh.T + b_hh))
    return np.stack(states)
''', "not h0"),
        # never carries the state forward
        ('''
def rnn_unroll(xs, h0, W_ih, W_hh, b_ih, b_hh):
    return np.stack([np.tanh(x @ W_ih.T + b_ih + h0 @ W_hh.T + b_hh) for x in xs])
''', "PREVIOUS step's state"),
        # the rule "do not use torch": torch.nn.RNN does the work
        '''
import torch

def rnn_unroll(xs, h0, W_ih, W_hh, b_ih, b_hh):
    rnn = torch.nn.RNN(W_ih.shape[1], W_ih.shape[0]).double()
    with torch.no_grad():
        for name, v in zip(["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"],
                           [W_ih, W_hh, b_ih, b_hh]):
            getattr(rnn, name).copy_(torch.tensor(v))
        return rnn(torch.tensor(xs), torch.tensor(h0)[None])[0].numpy()
''',
    ],
    "11.gru_cell_forward": [
        # z taken as the share renewed: the two terms swapped
        (_GRU.format(**{**_GRU_OK, "out": "z * n + (1 - z) * h"}), "share of the OLD state"),
        # the paper's reset: r * h before the product, and no b_hn inside
        (_GRU.format(**{**_GRU_OK, "n": "n = np.tanh(x_n + (r * h) @ np.split(W_hh, 3)[2].T"
                                         " + np.split(b_hh, 3)[2])"}), "after the product"),
        # blocks read as z, r, n
        (_GRU.format(**{**_GRU_OK, "gates": "z, r = sig(x_r + h_r), sig(x_z + h_z)"}),
         "reset, update, new"),
        # forgets the reset gate
        _GRU.format(**{**_GRU_OK, "n": "n = np.tanh(x_n + h_n)"}),
        # the rule "do not use torch": torch's GRUCell does the work
        '''
import torch

def gru_cell_forward(x, h, W_ih, W_hh, b_ih, b_hh):
    cell = torch.nn.GRUCell(W_ih.shape[1], W_hh.shape[1]).double()
    with torch.no_grad():
        for name, v in zip(["weight_ih", "weight_hh", "bias_ih", "bias_hh"],
                           [W_ih, W_hh, b_ih, b_hh]):
            getattr(cell, name).copy_(torch.tensor(v))
        return cell(torch.tensor(x), torch.tensor(h)).numpy()
''',
    ],
    "11.attention": [
        # no 1/sqrt(d)
        (_ATT.format(**{**_ATT_OK, "scale": ""}), "sqrt(d)"),
        # ignores causal
        (_ATT.format(**{**_ATT_OK, "hidden": "np.zeros(scores.shape, dtype=bool)"}), "j > i to -inf"),
        # hides the earlier positions instead of the later ones
        (_ATT.format(**{**_ATT_OK, "hidden": "np.tril(np.ones(scores.shape, dtype=bool), k=-1)"}),
         "hides LATER positions"),
        # softmax down the columns
        (_ATT.format(**{**_ATT_OK, "shift": "scores = scores - scores.max(axis=0, keepdims=True)",
                        "axis": "0"}), "along each row"),
        # the rule "stable for large scores": no shift by the row maximum
        (_ATT.format(**{**_ATT_OK, "shift": "pass"}), "Subtract each row's"),
        # the rule "do not use torch": torch's attention does the work
        '''
import torch

def attention(Q, K, V, causal=False):
    out = torch.nn.functional.scaled_dot_product_attention(
        torch.tensor(Q), torch.tensor(K), torch.tensor(V), is_causal=causal)
    return out.numpy()
''',
    ],
}
