"""dlcourse.train: fit reduces the loss for a torch model and for a dlcourse.nn model."""
import numpy as np
import pytest

from dlcourse import train

torch = pytest.importorskip("torch")


def _toy_set(n=120, seed=0):
    """Two Gaussian blobs in 2-D: an easy, seeded classification set."""
    rng = np.random.default_rng(seed)
    X = np.concatenate([rng.normal(-1.0, 0.6, size=(n // 2, 2)), rng.normal(1.0, 0.6, size=(n // 2, 2))])
    y = np.repeat([0, 1], n // 2).astype(np.int64)
    return X, y


def test_fit_torch_model_reduces_loss():
    X, y = _toy_set()
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    hist = train.fit(model, torch.nn.CrossEntropyLoss(), opt, X, y, epochs=15, batch_size=16,
                     X_val=X[:20], y_val=y[:20], progress=False)
    assert len(hist["loss"]) == len(hist["train_acc"]) == len(hist["val_acc"]) == 15
    assert hist["loss"][-1] < 0.5 * hist["loss"][0]
    assert train.accuracy(model, X, y) > 0.9
    assert model.training  # accuracy restores the mode


def test_fit_torch_regression_has_no_accuracy():
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, size=(64, 1))
    y = 2 * x + 1
    torch.manual_seed(0)
    model = torch.nn.Linear(1, 1)
    hist = train.fit(model, torch.nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1),
                     x, y, epochs=20, progress=False)
    assert hist["loss"][-1] < 0.1 * hist["loss"][0]
    assert hist["train_acc"] == [] and hist["val_acc"] == []


def test_fit_dlcourse_model_reduces_loss():
    nn = pytest.importorskip("dlcourse.nn")
    optim = pytest.importorskip("dlcourse.optim")
    if not hasattr(nn, "Sequential") or not hasattr(optim, "SGD"):
        pytest.skip("dlcourse.nn / dlcourse.optim are not written yet")
    X, y = _toy_set()
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
    opt = optim.SGD(model.parameters(), lr=0.1)
    hist = train.fit(model, nn.CrossEntropyLoss(), opt, X, y, epochs=15, batch_size=16, progress=False)
    assert hist["loss"][-1] < 0.5 * hist["loss"][0]
    assert train.accuracy(model, X, y) > 0.9


def test_fit_is_repeatable_with_a_seed():
    X, y = _toy_set()

    def run():
        torch.manual_seed(0)
        model = torch.nn.Linear(2, 2)
        return train.fit(model, torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1),
                         X, y, epochs=3, seed=7, progress=False)["loss"]

    assert run() == run()


def test_accuracy_reads_probabilities_and_logits():
    class Fixed(torch.nn.Module):
        def __init__(self, out):
            super().__init__()
            self.out = torch.as_tensor(out)

        def forward(self, x):
            return self.out

    y = np.array([0, 1, 1, 0])
    assert train.accuracy(Fixed([[0.1], [0.9], [0.6], [0.4]]), np.zeros((4, 1)), y) == 1.0
    assert train.accuracy(Fixed([[-3.0], [2.0], [0.5], [-0.1]]), np.zeros((4, 1)), y) == 1.0
    assert train.accuracy(Fixed([[2.0, 1.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0]]), np.zeros((4, 1)), y) == 1.0


def test_fit_rejects_bad_input():
    model = torch.nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="rows"):
        train.fit(model, torch.nn.CrossEntropyLoss(), opt, np.zeros((4, 2)), np.zeros(3, int), epochs=1)
    with pytest.raises(ValueError, match="epochs"):
        train.fit(model, torch.nn.CrossEntropyLoss(), opt, np.zeros((4, 2)), np.zeros(4, int), epochs=0)
    with pytest.raises(ValueError, match="batch axis"):
        train.fit(model, torch.nn.CrossEntropyLoss(), opt, np.zeros(4), np.zeros(4, int), epochs=1)


def test_no_progress_bar_under_pytest(capsys):
    assert train._show_progress(None) is False
    assert train._show_progress(True) is True
