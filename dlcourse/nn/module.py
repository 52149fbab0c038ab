r"""The two building blocks of every layer: :class:`Parameter` and :class:`Module`.

A :class:`Module` computes ``forward(x)`` and, given the gradient of the loss with respect to
its output, ``backward(grad_output)`` returns the gradient with respect to its input and *adds*
the gradients of its own parameters into each ``Parameter.grad`` (backpropagation, chapter 6).
Parameters and submodules are registered simply by assigning them as attributes, in order, as
in ``torch.nn.Module``.
"""
from __future__ import annotations

from typing import Iterator

import numpy as np

__all__ = ["Parameter", "Module", "Sequential", "as_rng"]


def as_rng(rng: np.random.Generator | None = None, seed: int | None = None) -> np.random.Generator:
    """The generator a layer draws from: ``rng`` if given, else ``np.random.default_rng(seed)``.

    Never touches NumPy's global random state. With neither argument the generator is freshly
    seeded from the operating system (like torch without ``manual_seed``); pass ``rng`` or
    ``seed`` for reproducible weights.
    """
    if rng is not None and seed is not None:
        raise ValueError("pass either rng or seed, not both")
    if rng is not None:
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a np.random.Generator; got {type(rng).__name__}")
        return rng
    return np.random.default_rng(seed)


class Parameter:
    """A learnable array: ``.data`` holds the values, ``.grad`` the accumulated gradient.

    ``.grad`` starts as zeros of the same shape and is *added to* by every ``backward``;
    ``Module.zero_grad()`` (or an optimizer's) resets it. Torch: ``torch.nn.Parameter``.
    """

    def __init__(self, data) -> None:
        self.data = np.array(data, dtype=np.float64)  # a copy, always float64
        self.grad = np.zeros_like(self.data)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    def zero_grad(self) -> None:
        self.grad = np.zeros_like(self.data)

    def __repr__(self) -> str:
        return f"Parameter(shape={self.data.shape})"


class Module:
    """Base class of every layer: ``forward``, ``backward``, ``parameters``, ``train``/``eval``.

    Subclasses set their :class:`Parameter` s and child modules as attributes in ``__init__``
    (after calling ``super().__init__()``) and implement ``forward`` and ``backward``.
    ``parameters()`` lists a module's own parameters in the order they were assigned, then each
    child's, depth first: the order of torch's ``named_parameters()``. Torch: ``torch.nn.Module``.
    """

    def __init__(self) -> None:
        self.training = True

    # -- computing -------------------------------------------------------------------------
    def forward(self, *args):
        raise NotImplementedError(f"{type(self).__name__} must implement forward()")

    def backward(self, grad_output):
        """Gradient of the loss w.r.t. the input of the last ``forward``; adds into ``.grad``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement backward()")

    def __call__(self, *args):
        return self.forward(*args)

    # -- parameters ------------------------------------------------------------------------
    def children(self) -> Iterator["Module"]:
        """The direct submodules, in the order they were assigned."""
        for value in vars(self).values():
            if isinstance(value, Module):
                yield value

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """``(name, Parameter)`` pairs, named like torch: ``"0.weight"``, ``"fc1.bias"``."""
        for name, value in vars(self).items():
            if isinstance(value, Parameter):
                yield prefix + name, value
        for name, value in vars(self).items():
            if isinstance(value, Module):
                yield from value.named_parameters(prefix + name + ".")

    def parameters(self) -> list[Parameter]:
        """All parameters, depth first, in torch's order."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to zeros."""
        for p in self.parameters():
            p.zero_grad()

    # -- modes -----------------------------------------------------------------------------
    def train(self, mode: bool = True) -> "Module":
        """Training mode (Dropout drops, BatchNorm uses batch statistics); returns ``self``."""
        self.training = bool(mode)
        for child in self.children():
            child.train(mode)
        return self

    def eval(self) -> "Module":
        """Evaluation mode: ``train(False)``."""
        return self.train(False)

    # -- display ---------------------------------------------------------------------------
    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        kids = [(n, m) for n, m in vars(self).items() if isinstance(m, Module)]
        if not kids:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = [f"  ({n}): " + repr(m).replace("\n", "\n  ") for n, m in kids]
        return f"{type(self).__name__}(\n" + "\n".join(lines) + "\n)"


class Sequential(Module):
    """Modules applied one after another; ``backward`` runs them in reverse order.

    Children are named ``"0"``, ``"1"``, ... as in torch, so ``parameters()`` and
    ``named_parameters()`` match ``torch.nn.Sequential``. Indexable: ``model[0]``.
    """

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                raise TypeError(f"Sequential expects Modules; argument {i} is a {type(m).__name__}")
            setattr(self, str(i), m)

    def _layers(self) -> list[Module]:
        return list(self.children())

    def __getitem__(self, i: int) -> Module:
        return self._layers()[i]

    def __len__(self) -> int:
        return len(self._layers())

    def __iter__(self) -> Iterator[Module]:
        return iter(self._layers())

    def forward(self, x):
        for layer in self._layers():
            x = layer(x)
        return x

    def backward(self, grad_output):
        for layer in reversed(self._layers()):
            grad_output = layer.backward(grad_output)
        return grad_output
