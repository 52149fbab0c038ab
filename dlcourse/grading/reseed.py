r"""``dlcourse grade --seed N``: the batch grader draws its own test cases.

An answer that memorised the outputs a notebook shows (or the cases in ``chNN.py``, which a
learner can read) passes the fixed cases. With ``--seed N`` every function exercise is judged on
its fixed cases AND on as many cases drawn afresh from ``N`` and the exercise's id
(:func:`reseed`; the fixed ones first), the expected values computed by the reference on the
new inputs, in the grader's process, before any learner code runs. The same ``N`` gives the
same inputs on every machine (so shards of one run agree). The time limit grows with the number
of cases (twice the cases, twice the CPU seconds).

Why all the fixed cases, not only the edge ones: each was chosen for a purpose (inputs near
+-1000 where a naive ``exp`` overflows, a probability of exactly 0, ties, exact equalities), and
a draw reaches such an edge only by chance. Keeping them all means a typical wrong answer loses
marks under ``--seed`` exactly where it does without, with no list of which case is an edge to
keep up to date. The price: an answer that memorised the fixed outputs passes those and fails
the drawn ones, so it gets about half the points, status ``partial``, not 0.

How the inputs are drawn (:func:`drawn`):

* **generic**, for every argument that is a NumPy array of numbers, with the same shape and
  dtype: floats uniformly between the array's own minimum and maximum; integers between theirs;
  booleans with the same share of ``True``. An array with at most two distinct values (a 0/1
  mask, a one-hot row) keeps those values, in a new arrangement. A constant array of more than
  one element (``gamma`` of ones, a zero velocity) is kept: it is structure, not data. A
  single float in an array is drawn within ``max(1, |x|)`` of itself (a single integer, a
  class label, is kept). Python numbers
  (learning rates, step counts, probabilities) are kept.
* **per exercise** (:data:`GENERATORS`), where the inputs are constrained: sizes and counts
  drawn as whole numbers, a threshold drawn on a log scale, loss curves with ties, a new
  labelled data set for ``01.fit_threshold`` (its judge reads the new data on the drawn cases
  and stays the exercise's own on the fixed ones), etc.
* **value exercises** (the answer is a variable, not a function) are not redrawn: there are no
  inputs, and what is asked is the value itself.

A drawn case keeps its fixed case's label with ``[inputs drawn, seed N]`` added, so feedback
never claims the fixed inputs; the fixed cases keep their labels.

Hints. A hint recognises a mistake from the case the answer fails: its inputs (``case.args``),
the expected and the received value, never its label, so it works on drawn cases as on fixed
ones (``01.fit_threshold``'s hints read the case's own ``x`` and ``y``). Every hint the fixed
cases show therefore shows under ``--seed`` too. Some would not on the drawn cases alone, listed
in :data:`EDGE_HINTS`, because a fixed case was chosen to show one mistake:

* extreme values: ``|x|`` near 1000 where a naive ``exp`` overflows (sigmoid, softmax,
  attention, the softmax cross-entropy's gradient), a probability of exactly 0 where ``log``
  gives ``-inf`` or ``0 * log 0`` NaN;
* ties and equalities: two best arms, ``u`` equal to epsilon, a bound exactly equal to its
  threshold, a loss curve with equal values around the patience, the warmup's step 0;
* a coincidence of drawn values: ``random_arm`` drawn as the best arm, a weight matrix whose
  shape or values hide a missing transpose, points the Manhattan distance assigns alike,
  gradients too small to clip, sizes that divide exactly.

``tests/test_reseed.py`` checks, under several seeds, that the reference gets full marks, that
every wrong answer of the proofs stays below full marks and shows its hints, and that a
memorising answer is ``partial``; and, over 30 seeds, that :data:`EDGE_HINTS` lists exactly the
hints of the proofs that the drawn cases alone miss on some seed.
"""
from __future__ import annotations

import dataclasses
import math
import zlib
from typing import Any, Callable

import numpy as np

from .spec import Case, Exercise

__all__ = ["reseed", "drawn", "redraw", "GENERATORS", "EDGE_HINTS", "rng_for"]


def rng_for(seed: int, ex_id: str) -> np.random.Generator:
    """The generator of one exercise's inputs: the same for the same seed and id everywhere."""
    return np.random.default_rng([int(seed), zlib.crc32(ex_id.encode("utf-8"))])


# --------------------------------------------------------------------------- generic redraw
def _redraw_array(a: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    if a.size == 0 or a.dtype.kind not in "biuf":
        return a.copy()
    if a.dtype.kind == "b":
        share = float(a.mean())
        return rng.random(a.shape) < (share if 0 < share < 1 else 0.5)
    values = np.unique(a)
    if a.size == 1 and a.dtype.kind == "f":
        x = float(a.ravel()[0])
        r = max(1.0, abs(x))
        return np.full(a.shape, rng.uniform(x - r, x + r), dtype=a.dtype)
    if len(values) == 1:
        return a.copy()
    if len(values) == 2:
        return rng.choice(values, size=a.shape).astype(a.dtype)
    lo, hi = values[0], values[-1]
    if a.dtype.kind == "f":
        return rng.uniform(lo, hi, size=a.shape).astype(a.dtype)
    return rng.integers(lo, hi, size=a.shape, endpoint=True).astype(a.dtype)


def redraw(value: Any, rng: np.random.Generator) -> Any:
    """``value`` with every NumPy array of numbers inside it redrawn (see the module doc)."""
    if isinstance(value, np.ndarray):
        return _redraw_array(value, rng)
    if isinstance(value, (list, tuple)):
        return type(value)(redraw(v, rng) for v in value)
    if isinstance(value, dict):
        return {k: redraw(v, rng) for k, v in value.items()}
    return value


# --------------------------------------------------------------------------- per exercise
def _whole(v: int, rng: np.random.Generator, least: int = 1) -> int:
    """A whole number of the same order as ``v`` (half to double), at least ``least``."""
    return int(rng.integers(max(least, v // 2), max(least, 2 * v) + 1))


def _all_whole(case: Case, rng: np.random.Generator) -> Case:
    def one(v):
        if isinstance(v, list):
            return [one(x) for x in v]
        return _whole(v, rng) if type(v) is int and v > 0 else v

    return dataclasses.replace(case, args=tuple(one(a) for a in case.args))


def _conv_size(case: Case, rng: np.random.Generator) -> Case:
    h, f, p, s = case.args
    f, p, s = _whole(f, rng), int(rng.integers(0, 2 * p + 2)), int(rng.integers(1, s + 2))
    h = max(_whole(h, rng), f)  # the filter fits the image
    return dataclasses.replace(case, args=(h, f, p, s))


def _threshold_level(case: Case, rng: np.random.Generator) -> Case:
    return dataclasses.replace(case, args=(float(10 ** rng.uniform(-6, 0)),))


def _lr_step(case: Case, rng: np.random.Generator) -> Case:
    t, *rest = case.args
    total = rest[2]
    return dataclasses.replace(case, args=(int(rng.integers(0, total + 1)), *rest))


def _losses(case: Case, rng: np.random.Generator) -> Case:
    losses, patience = case.args
    new = [float(v) for v in np.round(rng.uniform(0.3, 1.5, size=len(losses)), 1)]
    return dataclasses.replace(case, args=(new, int(rng.integers(1, len(losses) + 1))))


def _fit_threshold(ex: Exercise, cases: list[Case], rng: np.random.Generator,
                   tag: str) -> tuple[list[Case], dict]:
    """New labelled data (class 0 wide and common, class 1 narrow and rare) and a judge that
    reads it: training accuracy as good as the reference's, held-out accuracy within 0.1. The
    fixed cases, judged with these, keep the exercise's own judge."""
    data = {}
    out = []
    for i, case in enumerate(cases):
        n0, n1 = int(rng.integers(20, 80)), int(rng.integers(5, 30))
        mu = float(rng.uniform(1.5, 3.5))

        def draw(m0, m1):
            x = np.concatenate([rng.normal(0.0, 1.0, m0), rng.normal(mu, 0.4, m1)])
            y = np.concatenate([np.zeros(m0, dtype=np.int64), np.ones(m1, dtype=np.int64)])
            order = rng.permutation(m0 + m1)
            return x[order], y[order]

        x, y = draw(n0, n1)
        label = f"case {i + 1}: {n0} negatives, {n1} positives {tag}"
        data[label] = (x, y, *draw(3 * n0, 3 * n1))
        out.append(Case((x, y), label=label))

    def acc(t, x, y):
        return float(np.mean((x >= t).astype(np.int64) == y))

    def judge(got, exp, case):
        if case.label not in data:  # a fixed case, judged with the drawn ones: its own judge
            return ex.judge(got, exp, case)
        if isinstance(got, bool) or not isinstance(got, (int, float)) or not math.isfinite(got):
            return False, f"expected one finite number (the threshold); got {got!r}"
        x, y, xt, yt = data[case.label]
        if acc(got, x, y) < acc(exp, x, y) - 1e-12:
            return False, (f"threshold {got:.4g} gets training accuracy {acc(got, x, y):.3f}; "
                           f"the best possible is {acc(exp, x, y):.3f} (e.g. at {exp:.4g})")
        if acc(got, xt, yt) < acc(exp, xt, yt) - 0.1:
            return False, (f"on new data your threshold gets {acc(got, xt, yt):.3f} against "
                           f"{acc(exp, xt, yt):.3f}: put it between the two closest points")
        return True, ""

    return out, {"judge": judge}


def _per_case(fn: Callable[[Case, np.random.Generator], Case]):
    def gen(ex, cases, rng, tag):
        return [fn(c, rng) for c in cases], {}

    return gen


#: Exercises whose inputs are constrained: ``id -> gen(ex, cases, rng, tag) -> (cases,
#: overrides)``, ``overrides`` being Exercise fields to replace (a judge that reads new data).
GENERATORS: dict[str, Callable] = {
    "01.fit_threshold": _fit_threshold,
    "03.count_parameters": _per_case(_all_whole),
    "05.num_iterations": _per_case(_all_whole),
    "07.min_depth_below": _per_case(_threshold_level),
    "07.init_scales": _per_case(_all_whole),
    "08.warmup_cosine_lr": _per_case(_lr_step),
    "09.early_stopping_epoch": _per_case(_losses),
    "10.conv_output_size": _per_case(_conv_size),
    "10.conv_params": _per_case(_all_whole),
    "10.dense_params": _per_case(_all_whole),
    "11.rnn_output_shape": _per_case(_all_whole),
}


#: Hints that drawn cases alone cannot be counted on to show (see the module docstring):
#: exercise id -> substrings of those hints' texts. Under ``--seed`` they show all the same, on
#: the fixed cases judged with the drawn ones. tests/test_reseed.py keeps the list exact over
#: 30 seeds: every hint listed is missed by some draw, every hint not listed by none.
EDGE_HINTS: dict[str, tuple[str, ...]] = {
    # extreme values: |x| near 1000, a probability of exactly 0
    "03.sigmoid": ("NaN appeared", "Right values, but NumPy warned"),
    "03.softmax": ("NaN appeared",),
    "04.cross_entropy": ("log(0) happened", "A small epsilon"),
    "04.cross_entropy_onehot": ("log(0) happened",),
    "04.binary_cross_entropy": ("NaN or inf",),
    "04.kl_divergence": ("NaN: where y_c = 0",),
    "06.softmax_cross_entropy_backward": ("exp(1000) overflows",),
    "11.attention": ("Subtract each row's maximum",),
    # ties and equalities: two best arms (or random_arm drawn as the best one), u equal to
    # epsilon, a bound equal to its threshold, equal losses around the patience, the warmup's
    # step 0
    "01.epsilon_greedy": ("first best arm", "explore: return random_arm",
                          "random_arm although", "not of the smallest"),
    "07.min_depth_below": ("the bound EQUALS the threshold",),
    "09.early_stopping_epoch": ("strict <", "BEFORE stopping", "off by one"),
    "08.warmup_cosine_lr": ("starts at start_factor",),
    # a coincidence of drawn values: weights that hide a missing transpose, points that the
    # Manhattan distance assigns alike, no gradient to clip, sizes that divide exactly
    "03.mlp_forward": ("needs the transpose",),
    "11.rnn_cell_forward": ("Transpose the weights",),
    "01.kmeans_step": ("Use the Euclidean",),
    "07.clip_grad_norm": ("Clip all gradients TOGETHER",),
    "10.conv_output_size": ("round down with //",),
}


def _generic(ex, cases, rng, tag):
    return [dataclasses.replace(c, args=redraw(tuple(c.args), rng),
                                kwargs=redraw(dict(c.kwargs), rng)) for c in cases], {}


def drawn(ex: Exercise, seed: int) -> Exercise:
    """A copy of a function exercise ``ex`` with only the cases drawn from ``seed`` (one per
    fixed case), each labelled ``[inputs drawn, seed N]``. :func:`reseed` judges these with the
    fixed cases; on their own they miss the fixed edges (see :data:`EDGE_HINTS`)."""
    tag = f"[inputs drawn, seed {int(seed)}]"
    gen = GENERATORS.get(ex.id, _generic)
    cases, overrides = gen(ex, list(ex.cases()), rng_for(seed, ex.id), tag)
    if gen is not _fit_threshold:
        cases = [dataclasses.replace(c, label=f"{c.label or f'case {i + 1}'} {tag}")
                 for i, c in enumerate(cases)]
    frozen = tuple(cases)
    return dataclasses.replace(ex, cases=lambda: list(frozen), **overrides)


def reseed(ex: Exercise, seed: int | None) -> Exercise:
    """A copy of ``ex`` judged on its fixed cases AND on as many cases drawn from ``seed``
    (``ex`` itself when ``seed`` is None or the exercise is a value exercise), the fixed ones
    first; its time limit grows with the number of cases. Deterministic: same seed, same
    cases."""
    if seed is None or ex.kind != "function":
        return ex
    fixed = tuple(ex.cases())
    new = drawn(ex, seed)
    both = fixed + tuple(new.cases())
    return dataclasses.replace(new, cases=lambda: list(both),
                               time_limit=ex.time_limit * len(both) / max(1, len(fixed)))
