"""dlcourse: the small helper package of the open deep-learning course.

``import dlcourse as dl`` gives every helper by its qualified name: ``dl.functional.sigmoid``,
``dl.nn.Linear``, ``dl.optim.Adam``, ``dl.data.load_digits``, ``dl.plot``, ``dl.train``,
``dl.grading.check``. The NumPy pieces mirror PyTorch's names, shapes and defaults, so each can
be checked against torch on the same numbers.
"""
from . import data, functional, gradcheck, grading, nn, optim, plot, train, widgets

__version__ = "0.1.0"
__all__ = ["data", "functional", "gradcheck", "grading", "nn", "optim", "plot", "train", "widgets"]
