"""Neural-network layers with explicit forward and backward, in NumPy (chapters 6-11).

Names, argument order, shapes and defaults follow ``torch.nn``, so weights copy across and
every layer can be checked against torch on the same numbers::

    model = dl.nn.Sequential(dl.nn.Linear(64, 32, seed=0), dl.nn.ReLU(), dl.nn.Linear(32, 10, seed=1))
    loss_fn = dl.nn.CrossEntropyLoss()
    loss = loss_fn(model(X), y)
    model.zero_grad()
    model.backward(loss_fn.backward())   # fills every Parameter.grad

Modules: ``module`` (Parameter, Module, Sequential), ``layers`` (Linear, activations,
Flatten, Dropout, BatchNorm1d), ``norm`` (LayerNorm), ``conv`` (Conv2d, MaxPool2d, AvgPool2d,
BatchNorm2d), ``recurrent`` (RNNCell, LSTMCell, GRUCell), ``loss`` (MSELoss, CrossEntropyLoss), ``init`` (initialisers).
"""
from . import init
from .conv import AvgPool2d, BatchNorm2d, Conv2d, MaxPool2d
from .layers import BatchNorm1d, Dropout, Flatten, LeakyReLU, Linear, ReLU, Sigmoid, Tanh
from .loss import CrossEntropyLoss, MSELoss
from .module import Module, Parameter, Sequential
from .norm import LayerNorm
from .recurrent import GRUCell, LSTMCell, RNNCell

__all__ = [
    "Parameter", "Module", "Sequential", "Linear", "ReLU", "LeakyReLU", "Sigmoid", "Tanh",
    "Flatten", "Dropout", "BatchNorm1d", "LayerNorm", "Conv2d", "MaxPool2d", "AvgPool2d",
    "BatchNorm2d", "RNNCell", "LSTMCell", "GRUCell",
    "MSELoss", "CrossEntropyLoss", "init",
]
