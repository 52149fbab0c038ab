"""dlcourse.data: offline, deterministic for a seed, different for another, right shapes."""
import numpy as np
import pytest

from dlcourse import data

SEEDED = {
    "linear_data": data.linear_data,
    "moons": data.moons,
    "spirals": data.spirals,
    "sine_wave": data.sine_wave,
    "load_digits": data.load_digits,
}


@pytest.mark.parametrize("name", SEEDED)
def test_same_seed_same_data_other_seed_other_data(name):
    fn = SEEDED[name]
    a, b, c = fn(seed=0), fn(seed=0), fn(seed=1)
    for x, y in zip(a, b):
        assert np.array_equal(x, y)
    assert any(not np.array_equal(x, z) for x, z in zip(a, c))


def test_no_global_random_state_used():
    np.random.seed(123)
    state = np.random.get_state()[1].copy()
    for fn in SEEDED.values():
        fn()
    assert np.array_equal(np.random.get_state()[1], state)


def test_linear_data():
    x, y = data.linear_data(n=50, w=-3.0, b=0.5, noise=0.0)
    assert x.shape == y.shape == (50, 1) and x.dtype == y.dtype == np.float64
    assert x.min() >= -1 and x.max() <= 1
    np.testing.assert_allclose(y, -3.0 * x + 0.5)
    x, y = data.linear_data(n=2000, noise=0.1)
    assert np.std(y - (2.0 * x + 1.0)) == pytest.approx(0.1, rel=0.1)


@pytest.mark.parametrize("gate, want", [("and", [0, 0, 0, 1]), ("nand", [1, 1, 1, 0]),
                                        ("or", [0, 1, 1, 1]), ("XOR", [0, 1, 1, 0])])
def test_logic_gate(gate, want):
    X, y = data.logic_gate(gate)
    assert X.shape == (4, 2) and X.dtype == np.float64
    assert y.shape == (4,) and y.dtype == np.int64
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, want)


def test_logic_gate_unknown_name():
    with pytest.raises(ValueError, match=r"one of \['and', 'nand', 'or', 'xor'\]; got 'nor'"):
        data.logic_gate("nor")
    with pytest.raises(TypeError):
        data.logic_gate(1)


@pytest.mark.parametrize("n", [200, 51])
def test_moons(n):
    X, y = data.moons(n=n)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert set(np.unique(y)) == {0, 1}
    assert abs(int((y == 0).sum()) - int((y == 1).sum())) <= 1
    assert np.abs(X).max() < 3


def test_moons_without_noise_lie_on_half_circles():
    X, y = data.moons(n=100, noise=0.0)
    np.testing.assert_allclose(np.hypot(X[y == 0, 0], X[y == 0, 1]), 1.0)
    np.testing.assert_allclose(np.hypot(X[y == 1, 0] - 1, X[y == 1, 1] - 0.5), 1.0)


def test_spirals():
    X, y = data.spirals(n_per_class=40, n_classes=4)
    assert X.shape == (160, 2) and X.dtype == np.float64
    assert y.dtype == np.int64 and np.array_equal(np.bincount(y), [40] * 4)
    X0, _ = data.spirals(noise=0.0)
    assert np.hypot(X0[:, 0], X0[:, 1]).max() <= 1 + 1e-12


def test_load_digits():
    X_tr, X_te, y_tr, y_te = data.load_digits()
    assert X_tr.shape[1] == 64 and X_tr.shape[0] + X_te.shape[0] == 1797
    assert X_te.shape[0] == pytest.approx(0.25 * 1797, abs=1)
    assert X_tr.dtype == np.float64 and y_tr.dtype == np.int64
    assert X_tr.min() >= 0 and X_tr.max() <= 1 and X_tr.max() == 1
    assert set(np.unique(y_tr)) == set(range(10)) == set(np.unique(y_te))
    # stratified: each digit's share is about the same in both parts
    np.testing.assert_allclose(np.bincount(y_tr) / len(y_tr), np.bincount(y_te) / len(y_te), atol=0.01)


def test_load_digits_images_and_test_size():
    X_tr, X_te, y_tr, y_te = data.load_digits(test_size=0.5, flatten=False)
    assert X_tr.shape[1:] == (1, 8, 8) and X_te.shape[1:] == (1, 8, 8)
    flat = data.load_digits(test_size=0.5)[0]
    np.testing.assert_array_equal(X_tr.reshape(len(X_tr), -1), flat)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        data.load_digits(test_size=1.5)


def test_sine_wave_and_windows():
    t, y = data.sine_wave(n=300, noise=0.0)
    assert t.shape == y.shape == (300,) and t.dtype == np.float64
    np.testing.assert_allclose(y, np.sin(t))
    X, target = data.make_windows(y, window=20)
    assert X.shape == (280, 20, 1) and target.shape == (280, 1)
    np.testing.assert_array_equal(X[5, :, 0], y[5:25])
    assert target[5, 0] == y[25]


def test_make_windows_errors():
    with pytest.raises(ValueError, match=r"1-D series of shape \(n,\); got \(3, 2\)"):
        data.make_windows(np.zeros((3, 2)), 1)
    with pytest.raises(ValueError, match="window < len"):
        data.make_windows(np.zeros(5), 5)
    with pytest.raises(TypeError, match="window to be an int"):
        data.make_windows(np.zeros(5), 2.5)


def test_text_corpus():
    text = data.text_corpus()
    assert isinstance(text, str) and len(text) == 20000
    assert text == data.text_corpus()
    assert data.text_corpus(500) == text[:500]
    assert text.isascii() and "the" in text.split()
    letters = sum(ch.isalpha() or ch.isspace() for ch in text)
    assert letters > 0.9 * len(text)  # prose, not code
    assert ">>>" not in text
    assert len(data.text_corpus(100_000)) == 100_000


def test_text_corpus_too_long():
    with pytest.raises(ValueError, match="characters; got n_chars"):
        data.text_corpus(10**9)


def test_bad_arguments():
    with pytest.raises(ValueError, match="n >= 1"):
        data.moons(n=0)
    with pytest.raises(ValueError, match="noise >= 0"):
        data.linear_data(noise=-1)
    with pytest.raises(TypeError, match="n to be an int"):
        data.sine_wave(n=10.5)
