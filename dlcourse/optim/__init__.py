"""NumPy versions of ``torch.optim``: the optimizers of chapter 8 and their learning-rate
schedules.

``dl.optim.SGD``, ``dl.optim.Adam``, ... (``optimizers.py``) follow torch's update rules step for
step; ``dl.optim.lr_scheduler.StepLR``, ``CosineAnnealingLR``, ... (``lr_scheduler.py``) change
an optimizer's ``lr`` as ``torch.optim.lr_scheduler`` does.
"""
from . import lr_scheduler
from .optimizers import SGD, Adadelta, Adagrad, Adam, NAdam, Optimizer, RMSprop

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "NAdam", "lr_scheduler"]
