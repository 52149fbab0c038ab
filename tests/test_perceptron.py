"""Tests for dlcourse.perceptron: gates by truth table, the learning rule, torch agreement."""
import numpy as np
import pytest
import torch

from dlcourse import perceptron as P

X1 = np.array([0, 0, 1, 1])
X2 = np.array([0, 1, 0, 1])
TRUTH = {
    "and": [0, 0, 0, 1],
    "nand": [1, 1, 1, 0],
    "or": [0, 1, 1, 1],
    "xor": [0, 1, 1, 0],
}
GATES = {"and": P.and_gate, "nand": P.nand_gate, "or": P.or_gate, "xor": P.xor_gate}


@pytest.mark.parametrize("name", list(GATES))
def test_gates_match_truth_table_vectorised_and_scalar(name):
    gate = GATES[name]
    out = gate(X1, X2)
    assert out.dtype == np.int64 and out.tolist() == TRUTH[name]
    for a, b, t in zip(X1, X2, TRUTH[name]):
        r = gate(int(a), int(b))
        assert isinstance(r, int) and r == t


def test_step_is_strict_and_integer():
    assert P.step(0.0) == 0 and P.step(1e-9) == 1 and P.step(-3) == 0
    assert P.step(np.array([-1.0, 0.0, 2.0])).tolist() == [0, 0, 1]


def test_gates_agree_with_torch():
    for name, (w1, w2, b) in P.GATE_WEIGHTS.items():
        x = torch.tensor(np.stack([X1, X2], axis=1), dtype=torch.float64)
        w = torch.tensor([w1, w2], dtype=torch.float64)
        torch_out = ((x @ w + b) > 0).long().numpy()
        np.testing.assert_array_equal(torch_out, GATES[name](X1, X2))


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match="same shape"):
        P.and_gate(np.zeros(3), np.zeros(4))
    with pytest.raises(TypeError, match="numbers"):
        P.or_gate("a", "b")
    with pytest.raises(ValueError, match=r"\(D,\)"):
        P.perceptron_update(np.zeros(2), 0.0, np.zeros(3), 1)
    with pytest.raises(ValueError, match="0 or 1"):
        P.perceptron_update(np.zeros(2), 0.0, np.zeros(2), 2)
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        P.Perceptron(2).predict(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="positive int"):
        P.Perceptron(0)


def test_update_rule_cases():
    w, b = np.array([0.5, -0.5]), 0.0
    # correct already: no change, input untouched
    w2, b2 = P.perceptron_update(w, b, np.array([1.0, 0.0]), 1, lr=0.1)
    np.testing.assert_allclose(w2, w)
    assert b2 == b
    # should have fired (sum is exactly 0, step(0) = 0): move towards x
    w3, b3 = P.perceptron_update(w, b, np.array([1.0, 1.0]), 1, lr=0.1)
    np.testing.assert_allclose(w3, [0.6, -0.4])
    assert np.isclose(b3, 0.1)
    # should not have fired: move away from x
    w4, b4 = P.perceptron_update(w, b, np.array([2.0, 0.0]), 0, lr=0.5)
    np.testing.assert_allclose(w4, [-0.5, -0.5])
    assert np.isclose(b4, -0.5)
    np.testing.assert_allclose(w, [0.5, -0.5])  # not modified in place


@pytest.mark.parametrize("name", ["and", "nand", "or"])
def test_learning_rule_converges_on_separable_gates(name):
    X = np.stack([X1, X2], axis=1).astype(float)
    y = np.array(TRUTH[name])
    model = P.Perceptron(2, lr=0.1)
    hist = model.fit(X, y, epochs=50)
    assert hist["mistakes"][-1] == 0 and hist["accuracy"][-1] == 1.0
    assert len(hist["weight"]) == len(hist["mistakes"]) + 1


def test_learning_rule_never_solves_xor():
    X = np.stack([X1, X2], axis=1).astype(float)
    hist = P.Perceptron(2, lr=0.1).fit(X, np.array(TRUTH["xor"]), epochs=200)
    assert len(hist["mistakes"]) == 200 and min(hist["mistakes"]) > 0
    assert max(hist["accuracy"]) <= 0.75


def test_training_run_agrees_with_torch():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X @ np.array([1.0, -2.0]) + 0.3 > 0).astype(np.int64)
    model = P.Perceptron(2, lr=0.5)
    model.fit(X, y, epochs=3)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    w, b = torch.zeros(2, dtype=torch.float64), torch.zeros((), dtype=torch.float64)
    for _ in range(3):
        for i in range(len(X)):
            err = yt[i] - ((Xt[i] @ w + b) > 0).long()
            w, b = w + 0.5 * err * Xt[i], b + 0.5 * err
    np.testing.assert_allclose(model.weight, w.numpy(), atol=1e-12)
    assert np.isclose(model.bias, b.item())


def test_shuffled_fit_is_seeded():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 2))
    y = (X[:, 0] > 0).astype(int)
    a = P.Perceptron(2).fit(X, y, epochs=5, shuffle_seed=3)
    b = P.Perceptron(2).fit(X, y, epochs=5, shuffle_seed=3)
    np.testing.assert_array_equal(a["weight"][-1], b["weight"][-1])
