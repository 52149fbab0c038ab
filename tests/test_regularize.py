"""Tests for dlcourse.regularize: early stopping and digit augmentation."""
import numpy as np
import pytest

from dlcourse import regularize
from dlcourse.grading.ch09 import early_stopping_epoch


def _run(losses, patience):
    stopper = regularize.EarlyStopping(patience)
    for loss in losses:
        if stopper.step(loss):
            break
    return stopper.best_epoch, stopper.epoch


@pytest.mark.parametrize("losses, patience", [
    ([1.0, 0.8, 0.9, 0.85, 0.7, 0.75, 0.8, 0.9, 0.6], 3),
    ([1.0, 0.5, 0.5, 0.5, 0.4], 2),
    ([0.9, 0.8, 0.7, 0.6], 2),
    ([0.5, 0.6, 0.4], 1),
])
def test_early_stopping_matches_the_exercise_definition(losses, patience):
    assert _run(losses, patience) == early_stopping_epoch(losses, patience)


def test_early_stopping_state_and_min_delta():
    s = regularize.EarlyStopping(patience=2, min_delta=0.1)
    assert not s.step(1.0) and s.improved
    assert not s.step(0.95) and not s.improved  # not better by more than 0.1
    assert s.step(0.92) and s.stopped and s.best_epoch == 0
    assert "patience=2" in repr(s)


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_early_stopping_rejects_bad_patience(bad):
    with pytest.raises(ValueError, match="patience"):
        regularize.EarlyStopping(bad)


def test_early_stopping_rejects_nan():
    with pytest.raises(ValueError, match="NaN"):
        regularize.EarlyStopping(3).step(float("nan"))


def test_shift_images_moves_pixels_and_fills_zeros():
    img = np.arange(64, dtype=float).reshape(1, 8, 8)
    right = regularize.shift_images(img, 1, 0)
    assert np.array_equal(right[0, :, 1:], img[0, :, :-1]) and np.all(right[0, :, 0] == 0)
    up = regularize.shift_images(img.reshape(1, 64), 0, -2).reshape(1, 8, 8)
    assert np.array_equal(up[0, :-2], img[0, 2:]) and np.all(up[0, -2:] == 0)
    assert np.array_equal(regularize.shift_images(img, 0, 0), img)
    assert regularize.shift_images(img.reshape(1, 1, 8, 8), 1, 1).shape == (1, 1, 8, 8)


def test_shift_images_matches_torch_roll_with_zeroed_border():
    import torch

    x = np.random.default_rng(0).random((3, 8, 8))
    for dx, dy in [(1, 0), (-1, 2), (0, -1)]:
        rolled = torch.roll(torch.tensor(x), shifts=(dy, dx), dims=(1, 2)).numpy()
        mask = regularize.shift_images(np.ones_like(x), dx, dy)
        assert np.allclose(regularize.shift_images(x, dx, dy), rolled * mask)


def test_shift_images_rejects_bad_input():
    with pytest.raises(ValueError, match=r"\(N, 64\)"):
        regularize.shift_images(np.zeros((2, 10)), 1, 0)
    with pytest.raises(TypeError, match="integer dx"):
        regularize.shift_images(np.zeros((2, 64)), 0.5, 0)
    with pytest.raises(TypeError, match="NumPy array"):
        regularize.shift_images([[0.0] * 64], 1, 0)


def test_random_shift_and_noise_are_seeded_and_bounded():
    X = np.random.default_rng(1).random((20, 64))
    a = regularize.random_shift(X, 1, seed=3)
    assert np.array_equal(a, regularize.random_shift(X, 1, seed=3)) and a.shape == X.shape
    assert np.array_equal(regularize.random_shift(X, 0, seed=3), X)
    n = regularize.add_noise(X, 0.5, seed=4)
    assert np.array_equal(n, regularize.add_noise(X, 0.5, seed=4))
    assert n.min() >= 0 and n.max() <= 1 and not np.array_equal(n, X)
    assert regularize.add_noise(X, 0.5, clip=None).min() < 0
    with pytest.raises(ValueError, match="std"):
        regularize.add_noise(X, -1.0)


def test_augment_digits_shapes_and_labels():
    X = np.random.default_rng(2).random((10, 64))
    y = np.arange(10)
    Xa, ya = regularize.augment_digits(X, y, copies=3, seed=0)
    assert Xa.shape == (40, 64) and ya.shape == (40,)
    assert np.array_equal(Xa[:10], X) and np.array_equal(ya, np.tile(y, 4))
    Xb, _ = regularize.augment_digits(X, y, copies=3, seed=0)
    assert np.array_equal(Xa, Xb)
    with pytest.raises(ValueError, match="labels"):
        regularize.augment_digits(X, y[:5])
