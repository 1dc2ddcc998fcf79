"""The six layers of gradkit, one exercise per file.

``solutions/`` holds the reference implementation; ``exercises/`` is generated from it by
``gradkit make-stubs`` and is the copy students complete.
"""

from .conv import Conv2D
from .linear import Linear
from .pool import MaxPool2D
from .relu import ReLU
from .sgd_momentum import SGDMomentum
from .softmax_ce import SoftmaxCrossEntropy

__all__ = ["Conv2D", "MaxPool2D", "ReLU", "Linear", "SoftmaxCrossEntropy", "SGDMomentum"]
