"""The layers of gradkit, one exercise per file (the original six, and the extra ones a course can add).

``solutions/`` holds the reference implementation; ``exercises/`` is generated from it by
``gradkit make-stubs`` and is the copy students complete.
"""

from .avgpool import AvgPool2D
from .conv import Conv2D
from .linear import Linear
from .pool import MaxPool2D
from .relu import ReLU
from .sgd_momentum import SGDMomentum
from .softmax_ce import SoftmaxCrossEntropy

__all__ = ["Conv2D", "MaxPool2D", "ReLU", "Linear", "SoftmaxCrossEntropy", "SGDMomentum", "AvgPool2D"]
