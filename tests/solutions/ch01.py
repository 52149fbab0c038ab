"""Chapter 01: reference solutions and typical wrong answers, as the source a learner would paste."""

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
