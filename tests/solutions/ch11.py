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
}

WRONG = {
    "11.rnn_cell_forward": [
        # weights not transposed (torch stores (hidden, input))
        "def rnn_cell_forward(x, h, W_ih, W_hh, b_ih, b_hh):\n"
        "    return np.tanh(x @ W_ih + b_ih + h @ W_hh + b_hh)\n",
        # sigmoid instead of tanh
        "def rnn_cell_forward(x, h, W_ih, W_hh, b_ih, b_hh):\n"
        "    return 1 / (1 + np.exp(-(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh)))\n",
        # forgets the hidden-to-hidden bias
        "def rnn_cell_forward(x, h, W_ih, W_hh, b_ih, b_hh):\n"
        "    return np.tanh(x @ W_ih.T + b_ih + h @ W_hh.T)\n",
    ],
    "11.lstm_cell_forward": [
        # gate order i, f, o, g (the order of many textbooks, not torch's)
        '''
def lstm_cell_forward(x, h, c, W_ih, W_hh, b_ih, b_hh):
    sig = lambda z: 1 / (1 + np.exp(-z))
    i, f, o, g = np.split(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh, 4, axis=1)
    c_new = sig(f) * c + sig(i) * np.tanh(g)
    return sig(o) * np.tanh(c_new), c_new
''',
        # sigmoid on the candidate g
        '''
def lstm_cell_forward(x, h, c, W_ih, W_hh, b_ih, b_hh):
    sig = lambda z: 1 / (1 + np.exp(-z))
    i, f, g, o = np.split(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh, 4, axis=1)
    c_new = sig(f) * c + sig(i) * sig(g)
    return sig(o) * np.tanh(c_new), c_new
''',
        # h without the tanh of the cell state
        '''
def lstm_cell_forward(x, h, c, W_ih, W_hh, b_ih, b_hh):
    sig = lambda z: 1 / (1 + np.exp(-z))
    i, f, g, o = np.split(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh, 4, axis=1)
    c_new = sig(f) * c + sig(i) * np.tanh(g)
    return sig(o) * c_new, c_new
''',
    ],
    "11.rnn_output_shape": [
        # h_n made batch-first too
        '''
def rnn_output_shape(seq_len, batch, input_size, hidden_size, num_layers=1, batch_first=False):
    if batch_first:
        return (batch, seq_len, hidden_size), (batch, num_layers, hidden_size)
    return (seq_len, batch, hidden_size), (num_layers, batch, hidden_size)
''',
        # ignores batch_first
        '''
def rnn_output_shape(seq_len, batch, input_size, hidden_size, num_layers=1, batch_first=False):
    return (seq_len, batch, hidden_size), (num_layers, batch, hidden_size)
''',
    ],
    "11.rnn_unroll": [
        # returns h0 as well
        '''
def rnn_unroll(xs, h0, W_ih, W_hh, b_ih, b_hh):
    states = [h0]
    for x in xs:
        states.append(np.tanh(x @ W_ih.T + b_ih + states[-1] @ W_hh.T + b_hh))
    return np.stack(states)
''',
        # never carries the state forward
        '''
def rnn_unroll(xs, h0, W_ih, W_hh, b_ih, b_hh):
    return np.stack([np.tanh(x @ W_ih.T + b_ih + h0 @ W_hh.T + b_hh) for x in xs])
''',
    ],
}
