"""dlcourse.optim.lr_scheduler: every schedule gives torch's learning rate at every step."""
import numpy as np
import pytest
import torch

from dlcourse import nn, optim
from dlcourse.optim import lr_scheduler as dl_sched

T = torch.optim.lr_scheduler

# name -> (keyword arguments), the same for both libraries
SIMPLE = {
    "StepLR": [dict(step_size=3), dict(step_size=1, gamma=0.5), dict(step_size=10, gamma=0.9)],
    "ExponentialLR": [dict(gamma=0.9), dict(gamma=0.5)],
    "CosineAnnealingLR": [dict(T_max=10), dict(T_max=7, eta_min=0.01), dict(T_max=1)],
    "LinearLR": [dict(), dict(start_factor=0.1, total_iters=4),
                 dict(start_factor=1.0, end_factor=0.2, total_iters=8)],
}
CASES = [(name, kw) for name, kws in SIMPLE.items() for kw in kws]


def _pair(lr=0.1):
    """A dl.optim.SGD and a torch.optim.SGD, each over one parameter, with the same lr."""
    ours = optim.SGD([nn.Parameter(np.zeros(2))], lr=lr)
    theirs = torch.optim.SGD([torch.zeros(2, requires_grad=True)], lr=lr)
    return ours, theirs


def _run(opt, sched, steps):
    """[lr at step 0, 1, ..., steps], read as torch code reads it (get_last_lr after step)."""
    lrs = [sched.get_last_lr()[0]]
    for _ in range(steps):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    return np.array(lrs)


@pytest.mark.parametrize("name, kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_same_lr_sequence_as_torch(name, kwargs):
    ours, theirs = _pair()
    for p in ours.params:
        p.grad = np.ones(2)
    s_ours, s_theirs = getattr(dl_sched, name)(ours, **kwargs), getattr(T, name)(theirs, **kwargs)
    got, want = _run(ours, s_ours, 25), _run(theirs, s_theirs, 25)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    assert ours.lr == pytest.approx(want[-1], rel=1e-12)  # the optimizer uses the new rate
    assert s_ours.last_epoch == s_theirs.last_epoch == 25


@pytest.mark.parametrize("milestones, warmup, total", [([5], 5, 20), ([3], 3, 10), ([10], 10, 40)])
def test_warmup_then_cosine_like_torch(milestones, warmup, total):
    ours, theirs = _pair(0.2)
    for p in ours.params:
        p.grad = np.ones(2)

    def make(lib, opt):
        warm = lib.LinearLR(opt, start_factor=0.1, total_iters=warmup)
        cos = lib.CosineAnnealingLR(opt, T_max=total - warmup, eta_min=0.001)
        return lib.SequentialLR(opt, [warm, cos], milestones=milestones)

    got, want = _run(ours, make(dl_sched, ours), total + 5), _run(theirs, make(T, theirs), total + 5)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_three_phases_like_torch():
    ours, theirs = _pair(0.5)

    def make(lib, opt):
        return lib.SequentialLR(opt, [lib.LinearLR(opt, start_factor=0.5, total_iters=2),
                                      lib.StepLR(opt, step_size=2, gamma=0.5),
                                      lib.ExponentialLR(opt, gamma=0.8)], milestones=[4, 9])

    np.testing.assert_allclose(_run(ours, make(dl_sched, ours), 20),
                               _run(theirs, make(T, theirs), 20), rtol=1e-12)


def test_the_scheduled_rate_moves_the_weights():
    """optimizer.step() uses the rate the scheduler set: w moves by lr_t * g at each step."""
    w = nn.Parameter(np.zeros(1))
    opt = optim.SGD([w], lr=1.0)
    sched = dl_sched.StepLR(opt, step_size=1, gamma=0.5)
    for _ in range(3):
        w.grad = np.ones(1)
        opt.step()
        sched.step()
    np.testing.assert_allclose(w.data, [-(1.0 + 0.5 + 0.25)])


def test_errors_speak_to_a_learner():
    opt, t_opt = _pair()
    with pytest.raises(TypeError, match="torch.optim.lr_scheduler"):
        dl_sched.StepLR(t_opt, step_size=2)
    with pytest.raises(ValueError, match="step_size"):
        dl_sched.StepLR(opt, step_size=0)
    with pytest.raises(ValueError, match="T_max"):
        dl_sched.CosineAnnealingLR(opt, T_max=2.5)
    with pytest.raises(ValueError, match="one milestone fewer"):
        dl_sched.SequentialLR(opt, [dl_sched.StepLR(opt, 2)], milestones=[3])
    with pytest.raises(ValueError, match="start_factor"):
        dl_sched.LinearLR(opt, start_factor=0.0)


def test_the_exercise_reference_is_torchs_warmup_then_cosine():
    """dlcourse/grading/ch08.py's warmup_cosine_lr gives torch's rate at each of its cases."""
    from dlcourse.grading.ch08 import _schedule_cases, warmup_cosine_lr

    for case in _schedule_cases():
        t, lr, warm, total, factor, eta_min = case.args
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
        sched = T.SequentialLR(opt, [T.LinearLR(opt, start_factor=factor, total_iters=warm),
                                     T.CosineAnnealingLR(opt, T_max=total - warm, eta_min=eta_min)],
                               milestones=[warm])
        for _ in range(t):
            opt.step()
            sched.step()
        assert warmup_cosine_lr(*case.args) == pytest.approx(sched.get_last_lr()[0], rel=1e-12)
