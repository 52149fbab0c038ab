"""Reference solutions and typical wrong answers for exercises/08_optimizers.ipynb."""

SOLUTIONS = {
    "08.momentum_step": '''
def momentum_step(w, grad, v, lr, momentum):
    v_new = momentum * v + grad
    w_new = w - lr * v_new
    return w_new, v_new
''',
    "08.nesterov_step": '''
def nesterov_step(w, grad, v, lr, momentum):
    v_new = momentum * v + grad
    w_new = w - lr * (grad + momentum * v_new)
    return w_new, v_new
''',
    "08.adagrad_step": '''
def adagrad_step(w, grad, s, lr, eps):
    s_new = s + grad ** 2
    w_new = w - lr * grad / (np.sqrt(s_new) + eps)
    return w_new, s_new
''',
    "08.rmsprop_step": '''
def rmsprop_step(w, grad, v, lr, alpha, eps):
    v_new = alpha * v + (1 - alpha) * grad ** 2
    w_new = w - lr * grad / (np.sqrt(v_new) + eps)
    return w_new, v_new
''',
    "08.adam_step": '''
def adam_step(w, grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m_new / (1 - beta1 ** t)
    v_hat = v_new / (1 - beta2 ** t)
    w_new = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w_new, m_new, v_new
''',
    "08.warmup_cosine_lr": '''
import math

def warmup_cosine_lr(t, base_lr, warmup_steps, total_steps, start_factor, eta_min):
    if t < warmup_steps:
        return base_lr * (start_factor + (1 - start_factor) * t / warmup_steps)
    progress = (t - warmup_steps) / (total_steps - warmup_steps)
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * progress)) / 2
''',
}

# Each WRONG entry is a learner's answer; a tuple (answer, "substring") also names the hint that
# answer must get (tests/test_exercises.py checks that it shows, and that no other answer shows
# a hint it does not name).
_RETURN = "Return a tuple of"
_EPS = "You put eps inside the square root"

WRONG = {
    "08.momentum_step": [
        # the other convention: v = mu*v - lr*g; w = w + v
        ("def momentum_step(w, grad, v, lr, momentum):\n"
         "    v_new = momentum * v - lr * grad\n"
         "    return w + v_new, v_new\n", "That is the other common convention"),
        # moves w with the old velocity
        ("def momentum_step(w, grad, v, lr, momentum):\n"
         "    w_new = w - lr * v\n"
         "    return w_new, momentum * v + grad\n", "Update v first"),
        # exponential moving average (dampening = momentum)
        ("def momentum_step(w, grad, v, lr, momentum):\n"
         "    v_new = momentum * v + (1 - momentum) * grad\n"
         "    return w - lr * v_new, v_new\n", "Don't scale the gradient"),
        # breaks the rule "return new arrays": updates w and v in place, returns nothing
        ("def momentum_step(w, grad, v, lr, momentum):\n"
         "    v *= momentum\n"
         "    v += grad\n"
         "    w -= lr * v\n", _RETURN),
    ],
    "08.nesterov_step": [
        # plain momentum
        ("def nesterov_step(w, grad, v, lr, momentum):\n"
         "    v_new = momentum * v + grad\n"
         "    return w - lr * v_new, v_new\n", "Nesterov looks ahead"),
        # look-ahead with the old velocity (the same step as plain momentum)
        ("def nesterov_step(w, grad, v, lr, momentum):\n"
         "    v_new = momentum * v + grad\n"
         "    return w - lr * (grad + momentum * v), v_new\n", "Nesterov looks ahead"),
        # exponential moving average
        ("def nesterov_step(w, grad, v, lr, momentum):\n"
         "    v_new = momentum * v + (1 - momentum) * grad\n"
         "    return w - lr * (grad + momentum * v_new), v_new\n", "Don't scale the gradient"),
        # returns only the new weights
        ("def nesterov_step(w, grad, v, lr, momentum):\n"
         "    v_new = momentum * v + grad\n"
         "    return w - lr * (grad + momentum * v_new)\n", _RETURN),
    ],
    "08.adagrad_step": [
        # eps inside the square root
        ("def adagrad_step(w, grad, s, lr, eps):\n"
         "    s_new = s + grad ** 2\n"
         "    return w - lr * grad / np.sqrt(s_new + eps), s_new\n", _EPS),
        # uses the old sum
        "def adagrad_step(w, grad, s, lr, eps):\n"
        "    return w - lr * grad / (np.sqrt(s) + eps), s + grad ** 2\n",
        # forgets the square root
        ("def adagrad_step(w, grad, s, lr, eps):\n"
         "    s_new = s + grad ** 2\n"
         "    return w - lr * grad / (s_new + eps), s_new\n", "Divide by the square ROOT"),
        # returns only the new weights
        ("def adagrad_step(w, grad, s, lr, eps):\n"
         "    return w - lr * grad / (np.sqrt(s + grad ** 2) + eps)\n", _RETURN),
    ],
    "08.rmsprop_step": [
        # eps inside the square root
        ("def rmsprop_step(w, grad, v, lr, alpha, eps):\n"
         "    v_new = alpha * v + (1 - alpha) * grad ** 2\n"
         "    return w - lr * grad / np.sqrt(v_new + eps), v_new\n", _EPS),
        # a sum, not an average
        ("def rmsprop_step(w, grad, v, lr, alpha, eps):\n"
         "    v_new = alpha * v + grad ** 2\n"
         "    return w - lr * grad / (np.sqrt(v_new) + eps), v_new\n", "A running average weighs"),
        # the step with the old v
        "def rmsprop_step(w, grad, v, lr, alpha, eps):\n"
        "    w_new = w - lr * grad / (np.sqrt(v) + eps)\n"
        "    return w_new, alpha * v + (1 - alpha) * grad ** 2\n",
        # forgets the square root
        ("def rmsprop_step(w, grad, v, lr, alpha, eps):\n"
         "    v_new = alpha * v + (1 - alpha) * grad ** 2\n"
         "    return w - lr * grad / (v_new + eps), v_new\n", "Divide by the square ROOT"),
        # returns only the new weights
        ("def rmsprop_step(w, grad, v, lr, alpha, eps):\n"
         "    v_new = alpha * v + (1 - alpha) * grad ** 2\n"
         "    return w - lr * grad / (np.sqrt(v_new) + eps)\n", _RETURN),
    ],
    "08.adam_step": [
        # no bias correction
        ("def adam_step(w, grad, m, v, t, lr, beta1, beta2, eps):\n"
         "    m = beta1 * m + (1 - beta1) * grad\n"
         "    v = beta2 * v + (1 - beta2) * grad ** 2\n"
         "    return w - lr * m / (np.sqrt(v) + eps), m, v\n", "You forgot the bias correction"),
        # eps inside the square root
        ("def adam_step(w, grad, m, v, t, lr, beta1, beta2, eps):\n"
         "    m = beta1 * m + (1 - beta1) * grad\n"
         "    v = beta2 * v + (1 - beta2) * grad ** 2\n"
         "    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)\n"
         "    return w - lr * m_hat / np.sqrt(v_hat + eps), m, v\n", _EPS),
        # returns the bias-corrected moments as the new state
        ("def adam_step(w, grad, m, v, t, lr, beta1, beta2, eps):\n"
         "    m = (beta1 * m + (1 - beta1) * grad) / (1 - beta1 ** t)\n"
         "    v = (beta2 * v + (1 - beta2) * grad ** 2) / (1 - beta2 ** t)\n"
         "    return w - lr * m / (np.sqrt(v) + eps), m, v\n", "return the UNcorrected m and v"),
        # off by one in t
        ("def adam_step(w, grad, m, v, t, lr, beta1, beta2, eps):\n"
         "    m = beta1 * m + (1 - beta1) * grad\n"
         "    v = beta2 * v + (1 - beta2) * grad ** 2\n"
         "    m_hat, v_hat = m / (1 - beta1 ** (t + 1)), v / (1 - beta2 ** (t + 1))\n"
         "    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v\n", "t is the number of THIS step"),
        # returns only the new weights and m
        ("def adam_step(w, grad, m, v, t, lr, beta1, beta2, eps):\n"
         "    m = beta1 * m + (1 - beta1) * grad\n"
         "    v = beta2 * v + (1 - beta2) * grad ** 2\n"
         "    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)\n"
         "    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m\n", "Return a tuple of three"),
    ],
    "08.warmup_cosine_lr": [
        # the cosine counts from step 0, not from the end of the warmup
        ("import math\n"
         "def warmup_cosine_lr(t, base_lr, warmup_steps, total_steps, start_factor, eta_min):\n"
         "    if t < warmup_steps:\n"
         "        return base_lr * (start_factor + (1 - start_factor) * t / warmup_steps)\n"
         "    progress = t / (total_steps - warmup_steps)\n"
         "    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * progress)) / 2\n",
         "The cosine starts where the warmup ends"),
        # the cosine ends at 0, whatever eta_min is
        ("import math\n"
         "def warmup_cosine_lr(t, base_lr, warmup_steps, total_steps, start_factor, eta_min):\n"
         "    if t < warmup_steps:\n"
         "        return base_lr * (start_factor + (1 - start_factor) * t / warmup_steps)\n"
         "    progress = (t - warmup_steps) / (total_steps - warmup_steps)\n"
         "    return base_lr * (1 + math.cos(math.pi * progress)) / 2\n",
         "goes down to eta_min"),
        # the warmup grows from 0, not from start_factor * base_lr
        ("import math\n"
         "def warmup_cosine_lr(t, base_lr, warmup_steps, total_steps, start_factor, eta_min):\n"
         "    if t < warmup_steps:\n"
         "        return base_lr * t / warmup_steps\n"
         "    progress = (t - warmup_steps) / (total_steps - warmup_steps)\n"
         "    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * progress)) / 2\n",
         "The warmup starts at start_factor"),
        # the warmup reaches the full rate one step late ((t + 1) / warmup_steps, capped)
        "import math\n"
        "def warmup_cosine_lr(t, base_lr, warmup_steps, total_steps, start_factor, eta_min):\n"
        "    if t < warmup_steps:\n"
        "        return base_lr * (start_factor + (1 - start_factor) * (t + 1) / warmup_steps)\n"
        "    progress = (t - warmup_steps) / (total_steps - warmup_steps)\n"
        "    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * progress)) / 2\n",
    ],
}
