"""Chapter 01 exercises: the map of AI, machine learning and deep learning.

Two labelling exercises (which paradigm? which task?) and three small learners written from
scratch: a threshold learned from data, one k-means step, and an epsilon-greedy choice.
"""
# Over the house style's ~300 lines on purpose: each exercise of the chapter is defined whole
# in this file (statement, stub, points, cases, judge, hints, reference solution and typical
# wrong answers), so a teacher changes an exercise in one place; tools/exercise.py writes the
# notebook's cells from it and proves it.
from __future__ import annotations

import math

import numpy as np

from .spec import Case, Exercise, Hint

# --------------------------------------------------------------------------- 01.paradigm
PARADIGMS = ("supervised", "unsupervised", "reinforcement")

_PARADIGM = {
    "spam_filter": "supervised",
    "customer_groups": "unsupervised",
    "chess_agent": "reinforcement",
    "house_prices": "supervised",
    "news_topics": "unsupervised",
    "robot_walking": "reinforcement",
    "digit_reader": "supervised",
    "image_compression": "unsupervised",
}


def _paradigm_reference() -> dict:
    return dict(_PARADIGM)


def _paradigm_cases() -> list[Case]:
    return [Case(key=k, label=k.replace("_", " ")) for k in _PARADIGM]


def _not_a_paradigm(got, exp, case) -> bool:
    return got not in PARADIGMS


# --------------------------------------------------------------------------- 01.task_type
TASKS = ("classification", "regression")

_TASK = {
    "spam_or_not": "classification",
    "house_price": "regression",
    "which_digit": "classification",
    "temperature_tomorrow": "regression",
    "tumour_benign_or_malignant": "classification",
    "delivery_minutes": "regression",
    "age_from_photo": "regression",
    "language_of_text": "classification",
}


def _task_reference() -> dict:
    return dict(_TASK)


def _task_cases() -> list[Case]:
    return [Case(key=k, label=k.replace("_", " ")) for k in _TASK]


# --------------------------------------------------------------------------- 01.fit_threshold
def _threshold_data(seed: int, n0: int, n1: int) -> tuple[np.ndarray, np.ndarray]:
    """Class 0 is wide and common, class 1 narrow and rare, so the midpoint of the means is off."""
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.normal(0.0, 1.0, n0), rng.normal(2.5, 0.4, n1)])
    y = np.concatenate([np.zeros(n0, dtype=np.int64), np.ones(n1, dtype=np.int64)])
    order = rng.permutation(n0 + n1)
    return x[order], y[order]


def _threshold_splits() -> dict[str, tuple]:
    """label -> (x_train, y_train, x_test, y_test)."""
    out = {}
    for seed, n0, n1 in ((1, 60, 20), (2, 90, 15), (3, 40, 25)):
        x, y = _threshold_data(seed, n0, n1)
        xt, yt = _threshold_data(seed + 100, 3 * n0, 3 * n1)
        out[f"seed {seed}: {n0} negatives, {n1} positives"] = (x, y, xt, yt)
    x = np.array([1.0, 2.0, 3.0, 10.0, 11.0, 12.0])
    y = np.array([0, 0, 0, 1, 1, 1])
    out["well separated: 0 0 0 | 1 1 1"] = (x, y, np.array([2.5, 9.0, 4.0, 12.5]), np.array([0, 1, 0, 1]))
    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    y = np.array([0, 0, 1, 0, 1, 1, 1])
    out["overlapping: 0 0 1 0 1 1 1"] = (x, y, np.array([0.5, 3.5, 5.5, 1.5]), np.array([0, 1, 1, 0]))
    # every label is 1: only a threshold at or below the smallest x gets them all right
    x = np.array([2.0, 3.5, 4.0, 6.0, 7.5])
    y = np.array([1, 1, 1, 1, 1])
    out["all positives: 1 1 1 1 1"] = (x, y, np.array([1.5, 2.5, 5.0, 8.0]), np.array([1, 1, 1, 1]))
    return out


def _accuracy(t: float, x: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((x >= t).astype(np.int64) == y))


def _fit_threshold_reference(x, y) -> float:
    x = np.asarray(x, dtype=float)
    y = np.asarray(y)
    xs = np.unique(x)
    candidates = np.concatenate([[xs[0] - 1.0], (xs[:-1] + xs[1:]) / 2, [xs[-1] + 1.0]])
    accs = np.array([_accuracy(t, x, y) for t in candidates])
    return float(candidates[int(np.argmax(accs))])


def _threshold_cases() -> list[Case]:
    return [Case((x, y), label=label) for label, (x, y, _, _) in _threshold_splits().items()]


def _judge_threshold(got, exp, case: Case) -> tuple[bool, str]:
    if isinstance(got, np.ndarray):
        return False, (f"expected one number (a Python float, e.g. float(t)); got an array of "
                       f"shape {got.shape}")
    if isinstance(got, bool) or not isinstance(got, (int, float)) or not math.isfinite(got):
        return False, f"expected one finite number (the threshold); got {type(got).__name__} {got!r}"
    x, y, xt, yt = _threshold_splits()[case.label]
    best, mine = _accuracy(exp, x, y), _accuracy(got, x, y)
    if mine < best - 1e-12:
        return False, (f"threshold {got:.4g} gets training accuracy {mine:.3f}; "
                       f"the best possible is {best:.3f} (e.g. at {exp:.4g})")
    held_best, held = _accuracy(exp, xt, yt), _accuracy(got, xt, yt)
    if held < held_best - 0.1:
        return False, (f"training accuracy is best, but on new data your threshold gets {held:.3f} "
                       f"against {held_best:.3f}: put it between the two closest points, not on one")
    return True, f"training accuracy {mine:.3f}, new data {held:.3f}"


def _threshold_reversed(got, exp, case) -> bool:
    """The rule 'predict 1 when x < t' fits the data better at this t than the asked one does.
    (Read from the case's own inputs, so that it works on cases drawn by ``--seed`` too.)"""
    try:
        x, y = (np.asarray(a) for a in case.args)
        if len(np.unique(y)) < 2:  # one class only: a reversed rule cannot be told apart
            return False
        t = float(got)
        return float(np.mean((x < t) == y)) > 0.5 > float(np.mean((x >= t) == y))
    except Exception:
        return False


def _threshold_is_an_average(got, exp, case) -> bool:
    """The mean of x, or the midpoint of the two class means (of the case's own inputs)."""
    try:
        x, y = (np.asarray(a) for a in case.args)
        t = float(got)
        if math.isclose(t, float(np.mean(x)), rel_tol=1e-9, abs_tol=1e-12):
            return True
        if len(np.unique(y)) == 2:
            mid = (x[y == 0].mean() + x[y == 1].mean()) / 2
            return math.isclose(t, float(mid), rel_tol=1e-9, abs_tol=1e-12)
        return False
    except Exception:
        return False


# --------------------------------------------------------------------------- 01.kmeans_step
def _kmeans_step_reference(X, centroids):
    X = np.asarray(X, dtype=float)
    C = np.asarray(centroids, dtype=float)
    d2 = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)
    assign = np.argmin(d2, axis=1)
    new = C.copy()
    for j in range(len(C)):
        members = X[assign == j]
        if len(members):
            new[j] = members.mean(axis=0)
    return new


def _kmeans_manhattan(got, exp, case) -> bool:
    """The step computed with the Manhattan (city-block) distance instead of the Euclidean."""
    X = np.asarray(case.args[0], dtype=float)
    C = np.asarray(case.args[1], dtype=float)
    assign = np.abs(X[:, None, :] - C[None, :, :]).sum(axis=2).argmin(axis=1)
    new = C.copy()
    for j in range(len(C)):
        if np.any(assign == j):
            new[j] = X[assign == j].mean(axis=0)
    return (isinstance(got, np.ndarray) and got.shape == new.shape
            and not np.allclose(new, exp) and np.allclose(got, new))


def _kmeans_cases() -> list[Case]:
    rng = np.random.default_rng(11)
    blobs = np.concatenate([rng.normal((0, 0), 0.5, (15, 2)), rng.normal((4, 4), 0.5, (15, 2)),
                            rng.normal((0, 5), 0.5, (15, 2))])
    X2 = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [10.0, 10.0], [11.0, 10.0]])
    # Manhattan and Euclidean distance disagree on the middle point here
    X3 = np.array([[0.0, 0.0], [2.0, 2.0], [6.0, 2.0], [7.0, 2.0]])
    return [
        Case((blobs, np.array([[0.0, 1.0], [3.0, 3.0], [1.0, 4.0]])), label="three blobs, k = 3"),
        Case((X2, np.array([[0.0, 0.0], [10.0, 10.0]])), label="two groups, k = 2"),
        Case((X2, np.array([[0.0, 0.0], [10.0, 10.0], [50.0, 50.0]])),
             label="a centroid with no points (it must stay put)"),
        Case((X3, np.array([[0.0, 0.0], [5.0, 2.0]])), label="a point near the middle"),
        # Updating the centroids in place (centroids[j] = ...) truncates the means here: the
        # rules "return a new float array" and "do not change the inputs".
        Case((np.array([[0.0, 0.0], [3.0, 0.0], [10.0, 0.0], [11.0, 0.0]]),
              np.array([[0, 0], [9, 0]])),
             label="integer centroids (return a new float array)"),
    ]


def _kmeans_nan(got, exp, case) -> bool:
    return isinstance(got, np.ndarray) and got.dtype.kind == "f" and bool(np.isnan(got).any())


def _kmeans_shape(got, exp, case) -> bool:
    return isinstance(got, np.ndarray) and got.shape != np.shape(exp)


# --------------------------------------------------------------------------- 01.epsilon_greedy
def _judge_arm(got, exp, case) -> tuple[bool, str]:
    if isinstance(got, bool) or not isinstance(got, int):
        return False, f"expected an int (an arm's index); got {type(got).__name__} {got!r}"
    if got != exp:
        return False, f"expected arm {exp}, got arm {got}"
    return True, ""


def _epsilon_greedy_reference(q_values, epsilon, u, random_arm):
    if u < epsilon:
        return int(random_arm)
    return int(np.argmax(np.asarray(q_values)))


def _explored_instead(got, exp, case) -> bool:
    """u >= epsilon, yet the answer is random_arm (which is not a best arm): the test reversed."""
    q, epsilon, u, random_arm = case.args
    return u >= epsilon and got == random_arm and got != exp and q[random_arm] < np.max(q)


def _exploited_instead(got, exp, case) -> bool:
    """u < epsilon, yet the answer is the best arm instead of random_arm."""
    q, epsilon, u, random_arm = case.args
    return u < epsilon and got != exp and got == int(np.argmax(q))


def _later_tie(got, exp, case) -> bool:
    """u >= epsilon and a best arm, but not the first one."""
    q, epsilon, u, random_arm = case.args
    return (u >= epsilon and isinstance(got, int) and got != exp and 0 <= got < len(q)
            and q[got] == np.max(q))


def _not_a_best_arm(got, exp, case) -> bool:
    """u >= epsilon, and neither random_arm nor an arm with the largest value."""
    q, epsilon, u, random_arm = case.args
    return (u >= epsilon and isinstance(got, int) and got != random_arm and 0 <= got < len(q)
            and q[got] < np.max(q))


def _bandit_cases() -> list[Case]:
    q = np.array([0.2, 0.9, 0.4, 0.9])
    return [
        Case((q, 0.1, 0.5, 2), label="u = 0.5 >= epsilon = 0.1: exploit"),
        Case((q, 0.1, 0.05, 2), label="u = 0.05 < epsilon = 0.1: explore"),
        Case((np.array([1.5, -0.3, 0.7]), 0.0, 0.0, 1), label="epsilon = 0: always exploit"),
        Case((np.array([1.5, -0.3, 0.7]), 1.0, 0.999, 2), label="epsilon = 1: always explore"),
        Case((q, 0.3, 0.7, 0), label="a tie between arms 1 and 3: take the first"),
        Case((np.array([-2.0, -1.0, -3.0]), 0.2, 0.25, 0), label="all values negative"),
    ]


EXERCISES = [
    Exercise(
        id="01.paradigm", title="Supervised, unsupervised or reinforcement?", name="PARADIGM",
        points=2, kind="value", cases=_paradigm_cases, reference=_paradigm_reference,
        hints=[
            Hint(_not_a_paradigm, 'Use exactly one of the strings "supervised", "unsupervised" '
                                  'or "reinforcement" (lower case, no "learning").'),
            Hint(lambda got, exp, case: exp == "reinforcement",
                 "No one labels each move here: the learner acts, and a reward arrives later. "
                 "That is reinforcement learning."),
            Hint(lambda got, exp, case: exp == "unsupervised",
                 "Is there a right answer attached to each example? If the data has no labels "
                 "and the goal is to find structure, it is unsupervised."),
            Hint(lambda got, exp, case: exp == "supervised",
                 "Each example comes with the answer we want (a label or a number): supervised."),
        ],
        hint="Ask: are there labelled answers (supervised), no labels at all (unsupervised), "
             "or rewards for actions (reinforcement)?",
        statement="""
Fill in the dictionary `PARADIGM`: for each situation write one of the strings
`"supervised"`, `"unsupervised"` or `"reinforcement"`.

| key | situation |
|---|---|
| `spam_filter` | a filter learns from thousands of e-mails that people marked "spam" or "not spam" |
| `customer_groups` | a shop groups its customers by what they buy; nobody says what the groups are |
| `chess_agent` | a program plays chess against itself and only learns at the end who won |
| `house_prices` | predict a house's sale price from past sales, each with its price |
| `news_topics` | find the main topics in a pile of news articles that have no tags |
| `robot_walking` | a robot gets a reward for every metre it walks forward without falling |
| `digit_reader` | read handwritten digits, learning from images each labelled with its digit |
| `image_compression` | describe each 64-pixel image by just 2 numbers that keep most of its variation |

Example: `PARADIGM["spam_filter"] = "supervised"` (the e-mails come with labels).
""",
        stub="""
PARADIGM = {
    "spam_filter": None,
    "customer_groups": None,
    "chess_agent": None,
    "house_prices": None,
    "news_topics": None,
    "robot_walking": None,
    "digit_reader": None,
    "image_compression": None,
}
# YOUR CODE HERE: replace each None by "supervised", "unsupervised"
# or "reinforcement"
""",
    ),
    Exercise(
        id="01.task_type", title="Classification or regression?", name="TASK_TYPE",
        points=1, kind="value", cases=_task_cases, reference=_task_reference,
        hints=[
            Hint(lambda got, exp, case: got not in TASKS,
                 'Use exactly "classification" or "regression".'),
            Hint(lambda got, exp, case: exp == "regression",
                 "The answer is a number on a continuous scale (a price, minutes, degrees, years): "
                 "regression."),
            Hint(lambda got, exp, case: exp == "classification",
                 "The answer is one of a fixed set of categories: classification."),
        ],
        hint="Is the output a category (classification) or a quantity (regression)?",
        statement="""
Every task below is supervised. Fill in `TASK_TYPE` with `"classification"` when the answer
is one of a fixed set of categories and `"regression"` when it is a quantity.

| key | the model predicts... |
|---|---|
| `spam_or_not` | whether an e-mail is spam |
| `house_price` | a house's sale price in euros |
| `which_digit` | which digit (0-9) an image shows |
| `temperature_tomorrow` | tomorrow's noon temperature in degrees |
| `tumour_benign_or_malignant` | whether a tumour is benign or malignant |
| `delivery_minutes` | how many minutes a delivery will take |
| `age_from_photo` | a person's age in years from a photo |
| `language_of_text` | which language a text is written in |

Example: `TASK_TYPE["spam_or_not"] = "classification"`.
""",
        stub="""
TASK_TYPE = {
    "spam_or_not": None,
    "house_price": None,
    "which_digit": None,
    "temperature_tomorrow": None,
    "tumour_benign_or_malignant": None,
    "delivery_minutes": None,
    "age_from_photo": None,
    "language_of_text": None,
}
# YOUR CODE HERE: replace each None by "classification" or "regression"
""",
    ),
    Exercise(
        id="01.fit_threshold", title="Learn a threshold from data", name="fit_threshold",
        points=2, cases=_threshold_cases, reference=_fit_threshold_reference,
        judge=_judge_threshold,
        hints=[
            Hint(_threshold_reversed, "Your rule seems reversed: predict 1 when x >= t "
                                      "(class 1 has the larger values)."),
            Hint(_threshold_is_an_average,
                 "Averages (of x, or of the two class means) are not what maximises accuracy "
                 "when classes differ in size or spread. Try every midpoint between neighbouring "
                 "sorted x values and keep the one with the highest training accuracy."),
        ],
        hint="Return one float t: the rule 'predict 1 when x >= t' should get the highest "
             "possible accuracy on (x, y).",
        statement="""
The simplest learned rule: *predict 1 when `x >= t`, else 0*. Write
`fit_threshold(x, y) -> float` that picks the threshold `t` with the **highest accuracy** on the
training data.

- `x`: float array of shape `(n,)`; `y`: integer array of shape `(n,)` with values 0 or 1.
  Class 1 tends to have the larger `x`.
- Return one Python float `t` (`float(t)`, not an array). Good candidates are the midpoints
  between neighbouring sorted `x` values, and one value below the smallest (the best choice
  when every label is 1).
- The check scores your `t` by its training accuracy (it must be the best possible) and by its
  accuracy on new data from the same source.

Example: `fit_threshold(np.array([1., 2., 3., 10., 11.]), np.array([0, 0, 0, 1, 1]))` can
return `6.5`.
""",
        stub='''
def fit_threshold(x, y):
    """The threshold t with the best accuracy of 'predict 1 when x >= t'."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
    Exercise(
        id="01.kmeans_step", title="One step of k-means", name="kmeans_step",
        points=2, cases=_kmeans_cases, reference=_kmeans_step_reference,
        hints=[
            Hint(_kmeans_nan, "NaN appeared: a centroid with no points has an empty mean. "
                              "Keep such a centroid where it was."),
            Hint(_kmeans_shape, "Return the new centroids, shape (k, 2), not the assignments."),
            Hint(_kmeans_manhattan,
                 "Use the Euclidean (straight-line) distance: the square root of the sum of "
                 "squared differences (or just the sum of squares)."),
        ],
        hint="Assign every point to its nearest centroid (Euclidean distance), then move each "
             "centroid to the mean of its points; a centroid with no points stays put.",
        statement="""
k-means is an unsupervised method that finds `k` groups. One step has two parts:
1. **assign** every point to its nearest centroid (Euclidean distance);
2. **update**: move every centroid to the mean of the points assigned to it. A centroid that
   got no points stays where it was.

Write `kmeans_step(X, centroids) -> new_centroids`, where `X` has shape `(n, 2)` and
`centroids` shape `(k, 2)`; return a new float array of shape `(k, 2)` (do not change the
inputs).

Example: `kmeans_step(np.array([[0., 0.], [2., 0.], [10., 0.]]), np.array([[0., 0.], [9., 0.]]))`
returns `[[1., 0.], [10., 0.]]`.
""",
        stub='''
def kmeans_step(X, centroids):
    """Assign each point of X (n, 2) to its nearest centroid.

    Return the new centroids, shape (k, 2).
    """
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
    Exercise(
        id="01.epsilon_greedy", title="Explore or exploit: an epsilon-greedy choice",
        name="choose_action", points=1, cases=_bandit_cases, reference=_epsilon_greedy_reference,
        judge=_judge_arm,
        hints=[
            Hint(_explored_instead,
                 "You returned random_arm although u >= epsilon: explore only when u < epsilon "
                 "(strictly less), otherwise exploit."),
            Hint(_exploited_instead,
                 "When u < epsilon, explore: return random_arm, whatever the values say."),
            Hint(_later_tie, "On a tie take the first best arm (np.argmax does)."),
            Hint(_not_a_best_arm,
                 "When u >= epsilon, exploit: return the index of the largest value (np.argmax), "
                 "not of the smallest or another arm."),
        ],
        hint="If u < epsilon return random_arm, else the index of the largest q value.",
        statement="""
A reinforcement-learning agent facing several slot machines ("arms") keeps an estimate
`q_values[a]` of each arm's reward. The **epsilon-greedy** rule explores with probability
`epsilon` and otherwise exploits the best-looking arm. To make it testable, the random numbers
are passed in:

Write `choose_action(q_values, epsilon, u, random_arm) -> int`:
- if `u < epsilon` (`u` is a uniform random number in [0, 1)), **explore**: return `random_arm`;
- otherwise **exploit**: return the index of the largest `q_values` entry (the first one on a tie).

Example: `choose_action(np.array([0.2, 0.9, 0.4]), 0.1, 0.5, 2)` returns `1`.
""",
        stub='''
def choose_action(q_values, epsilon, u, random_arm):
    """Epsilon-greedy: random_arm if u < epsilon, else the index of the
    largest q value."""
    # YOUR CODE HERE
    raise NotImplementedError
''',
    ),
]


# ------------------------------------------------------------ the proof
# The reference solution of each exercise and its typical wrong answers, as the source a
# learner would paste into the answer cell (see CONTRIBUTING.md, tools/exercise.py prove).
SOLUTIONS = {
    "01.paradigm": '''
PARADIGM = {
    "spam_filter": "supervised",
    "customer_groups": "unsupervised",
    "chess_agent": "reinforcement",
    "house_prices": "supervised",
    "news_topics": "unsupervised",
    "robot_walking": "reinforcement",
    "digit_reader": "supervised",
    "image_compression": "unsupervised",
}
''',
    "01.task_type": '''
TASK_TYPE = {
    "spam_or_not": "classification",
    "house_price": "regression",
    "which_digit": "classification",
    "temperature_tomorrow": "regression",
    "tumour_benign_or_malignant": "classification",
    "delivery_minutes": "regression",
    "age_from_photo": "regression",
    "language_of_text": "classification",
}
''',
    "01.fit_threshold": '''
def fit_threshold(x, y):
    """Return the threshold t that maximises the accuracy of 'predict 1 when x >= t'."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y)
    xs = np.unique(x)
    candidates = np.concatenate([[xs[0] - 1.0], (xs[:-1] + xs[1:]) / 2])
    best_t, best_acc = candidates[0], -1.0
    for t in candidates:
        acc = np.mean((x >= t) == y)
        if acc > best_acc:
            best_t, best_acc = t, acc
    return float(best_t)
''',
    "01.kmeans_step": '''
def kmeans_step(X, centroids):
    """Assign each point of X (n, 2) to its nearest centroid, return the new centroids (k, 2)."""
    X = np.asarray(X, dtype=float)
    new = np.array(centroids, dtype=float)
    dist = np.linalg.norm(X[:, None, :] - new[None, :, :], axis=2)  # (n, k)
    nearest = dist.argmin(axis=1)
    for j in range(len(new)):
        if np.any(nearest == j):
            new[j] = X[nearest == j].mean(axis=0)
    return new
''',
    "01.epsilon_greedy": '''
def choose_action(q_values, epsilon, u, random_arm):
    """Epsilon-greedy: random_arm if u < epsilon, else the index of the largest q value."""
    if u < epsilon:
        return int(random_arm)
    return int(np.argmax(q_values))
''',
}

WRONG = {
    "01.paradigm": [
        # calls the chess agent supervised (it only gets a reward, no labels)
        (SOLUTIONS["01.paradigm"].replace('"chess_agent": "reinforcement"',
                                          '"chess_agent": "supervised"'),
         "No one labels each move"),
        # everything with data is "supervised"
        ("PARADIGM = {k: 'supervised' for k in ['spam_filter', 'customer_groups', 'chess_agent', "
         "'house_prices', 'news_topics', 'robot_walking', 'digit_reader', 'image_compression']}\n",
         ("Is there a right answer attached", "No one labels each move")),
        # capitalised / with 'learning'
        (SOLUTIONS["01.paradigm"].replace('"unsupervised"', '"Unsupervised learning"'),
         "Use exactly one of the strings"),
        # a labelled task (spam or not, labelled by people) taken for unsupervised
        (SOLUTIONS["01.paradigm"].replace('"spam_filter": "supervised"',
                                          '"spam_filter": "unsupervised"'),
         "Each example comes with the answer"),
    ],
    "01.task_type": [
        # a number-coded class (digit) taken for regression
        (SOLUTIONS["01.task_type"].replace('"which_digit": "classification"',
                                           '"which_digit": "regression"'),
         "one of a fixed set of categories"),
        # age treated as a category
        (SOLUTIONS["01.task_type"].replace('"age_from_photo": "regression"',
                                           '"age_from_photo": "classification"'),
         "a number on a continuous scale"),
        # capitalised: not one of the two strings asked for
        (SOLUTIONS["01.task_type"].replace('"house_price": "regression"',
                                           '"house_price": "Regression"'),
         'Use exactly "classification"'),
    ],
    "01.fit_threshold": [
        # the mean of x: ignores the labels
        ("def fit_threshold(x, y):\n    return float(np.mean(x))\n", "Averages"),
        # midpoint of the class means: off when the classes differ in size or spread
        ("def fit_threshold(x, y):\n"
         "    x, y = np.asarray(x, float), np.asarray(y)\n"
         "    return float((x[y == 0].mean() + x[y == 1].mean()) / 2)\n", "Averages"),
        # the rule reversed (predicts 1 below t)
        ("def fit_threshold(x, y):\n"
         "    x, y = np.asarray(x, float), np.asarray(y)\n"
         "    xs = np.sort(x)\n"
         "    cands = (xs[:-1] + xs[1:]) / 2\n"
         "    return float(max(cands, key=lambda t: np.mean((x < t) == y)))\n",
         "seems reversed"),
        # midpoints only, no candidate below the smallest x: wrong when every label is 1
        "def fit_threshold(x, y):\n"
        "    x, y = np.asarray(x, float), np.asarray(y)\n"
        "    xs = np.unique(x)\n"
        "    cands = (xs[:-1] + xs[1:]) / 2\n"
        "    return float(max(cands, key=lambda t: np.mean((x >= t) == y)))\n",
        # the rule "return one Python float" broken: an array of one element
        SOLUTIONS["01.fit_threshold"].replace("return float(best_t)", "return np.array([best_t])"),
    ],
    "01.kmeans_step": [
        # an empty cluster gives NaN instead of staying put
        ("def kmeans_step(X, centroids):\n"
         "    d = ((X[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)\n"
         "    a = d.argmin(axis=1)\n"
         "    return np.array([X[a == j].mean(axis=0) for j in range(len(centroids))])\n",
         "NaN appeared"),
        # Manhattan distance instead of Euclidean
        ("def kmeans_step(X, centroids):\n"
         "    new = np.array(centroids, dtype=float)\n"
         "    a = np.abs(X[:, None, :] - new[None, :, :]).sum(axis=2).argmin(axis=1)\n"
         "    for j in range(len(new)):\n"
         "        if np.any(a == j):\n"
         "            new[j] = X[a == j].mean(axis=0)\n"
         "    return new\n", "Use the Euclidean"),
        # returns the assignments instead of the centroids
        ("def kmeans_step(X, centroids):\n"
         "    return ((X[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)\n",
         "Return the new centroids"),
        # the rules "return a new float array, do not change the inputs" broken: updates the
        # centroids in place (integer centroids truncate the means)
        "def kmeans_step(X, centroids):\n"
        "    d = ((X[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)\n"
        "    a = d.argmin(axis=1)\n"
        "    for j in range(len(centroids)):\n"
        "        if np.any(a == j):\n"
        "            centroids[j] = X[a == j].mean(axis=0)\n"
        "    return centroids\n",
    ],
    "01.epsilon_greedy": [
        # never explores
        ("def choose_action(q_values, epsilon, u, random_arm):\n"
         "    return int(np.argmax(q_values))\n", "explore: return random_arm"),
        # the comparison reversed: explores when u >= epsilon
        ("def choose_action(q_values, epsilon, u, random_arm):\n"
         "    return int(random_arm) if u > epsilon else int(np.argmax(q_values))\n",
         ("You returned random_arm although", "explore: return random_arm")),
        # takes the last best arm on a tie
        ("def choose_action(q_values, epsilon, u, random_arm):\n"
         "    if u < epsilon:\n        return random_arm\n"
         "    q = np.asarray(q_values)\n    return int(len(q) - 1 - np.argmax(q[::-1]))\n",
         "first best arm"),
        # exploits the smallest value
        ("def choose_action(q_values, epsilon, u, random_arm):\n"
         "    if u < epsilon:\n        return int(random_arm)\n"
         "    return int(np.argmin(q_values))\n",
         # (on one case the smallest arm is also random_arm, so that hint shows too)
         ("not of the smallest", "You returned random_arm although")),
        # the rule "-> int" broken: a float index
        "def choose_action(q_values, epsilon, u, random_arm):\n"
        "    return float(random_arm) if u < epsilon else float(np.argmax(q_values))\n",
    ],
}
