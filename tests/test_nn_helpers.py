"""Shared helpers for the dlcourse.nn tests: torch twins and central differences."""
from __future__ import annotations

import numpy as np
import torch

try:  # the course's own central differences, once dlcourse.gradcheck exists
    from dlcourse.gradcheck import numerical_gradient
except ImportError:  # pragma: no cover - a local stand-in until then
    def numerical_gradient(f, x, eps=1e-4):
        """Central differences of a scalar function ``f`` at array ``x`` (``x`` left unchanged)."""
        x = np.array(x, dtype=float)
        grad = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            old = x[idx]
            x[idx] = old + eps
            f_plus = f(x.copy())
            x[idx] = old - eps
            f_minus = f(x.copy())
            x[idx] = old
            grad[idx] = (f_plus - f_minus) / (2 * eps)
        return grad

ATOL = 1e-6


def t64(a) -> torch.Tensor:
    """A float64 leaf tensor that records gradients."""
    return torch.tensor(np.asarray(a, dtype=np.float64), dtype=torch.float64, requires_grad=True)


def copy_params(dl_module, torch_module) -> None:
    """Copy every dlcourse Parameter into the torch module's parameter of the same name."""
    named = dict(torch_module.named_parameters())
    with torch.no_grad():
        for name, p in dl_module.named_parameters():
            named[name].copy_(torch.from_numpy(p.data))


def assert_close(a, b, atol=ATOL):
    a = a.detach().numpy() if isinstance(a, torch.Tensor) else np.asarray(a)
    b = b.detach().numpy() if isinstance(b, torch.Tensor) else np.asarray(b)
    assert a.shape == b.shape, f"shapes differ: {a.shape} vs {b.shape}"
    np.testing.assert_allclose(a, b, atol=atol, rtol=1e-6)


def compare_with_torch(dl_module, torch_module, x, seed=0):
    """Forward, input gradient and parameter gradients of both, for upstream gradient G."""
    torch_module = torch_module.double()
    copy_params(dl_module, torch_module)
    dl_module.zero_grad()
    y = dl_module(x)
    G = np.random.default_rng(seed).normal(size=y.shape)
    dx = dl_module.backward(G)
    xt = t64(x)
    yt = torch_module(xt)
    assert_close(y, yt)
    yt.backward(torch.from_numpy(G))
    assert_close(dx, xt.grad)
    tp = dict(torch_module.named_parameters())
    names = [n for n, _ in dl_module.named_parameters()]
    assert names == [n for n, _ in torch_module.named_parameters()]
    for name, p in dl_module.named_parameters():
        assert_close(p.grad, tp[name].grad)


def check_numerically(module, x, seed=0, eps=1e-5, atol=1e-6):
    """backward's input and parameter gradients vs central differences of sum(G * module(x))."""
    y = module(x)
    G = np.random.default_rng(seed).normal(size=y.shape)
    module.zero_grad()
    module(x)
    dx = module.backward(G)
    f = lambda inp: float((module(inp) * G).sum())
    assert_close(dx, numerical_gradient(f, x, eps), atol)
    for name, p in module.named_parameters():
        def fp(values, p=p):
            old = p.data
            p.data = values
            try:
                return float((module(x) * G).sum())
            finally:
                p.data = old
        assert_close(p.grad, numerical_gradient(fp, p.data.copy(), eps), atol)
