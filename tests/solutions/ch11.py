"""Reference solutions and typical wrong answers for chapter 11's exercises (source text)."""

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
