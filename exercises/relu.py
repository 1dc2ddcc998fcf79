# Generated from solutions/relu.py by `gradkit make-stubs` (stub a33a6cb2eb14e24f). Students: write your code in this file.
# Maintainers: edit solutions/relu.py instead and regenerate; `gradkit make-stubs --check` finds drift.
"""Exercise 3/6: the rectified linear unit (relu.py, ReLU).

ReLU is applied element by element, to an array of any shape:

    out[...] = max(x[...], 0)

The layer has no parameters: ``params`` and ``grads`` are empty dicts.

What you write
--------------
``forward(x)`` computes ``out`` and keeps what ``backward`` will need.
``backward(dout)`` computes ``dx = dL/dx`` from ``dout = dL/dout``: derive the derivative of
``max(x, 0)`` on each side of 0.

Contract (the checker tests each point)
---------------------------------------
* ``forward`` returns an array of the shape and dtype of ``x`` (float32 in, float32 out).
* ``backward`` returns ``dx`` with the shape and dtype of ``x`` and never writes into ``x``, ``dout`` or
  anything cached from them.
* At exactly ``x == 0`` the derivative does not exist; both conventions, ``x > 0`` and ``x >= 0``, are
  accepted.

Traps
-----
* The mask comes from the forward input ``x``, not from ``dout``.
* ``dx = dout; dx[x < 0] = 0`` writes into ``dout``, which belongs to the caller. Make a new array.
* ``np.maximum(x, 0, out=x)`` is fast but overwrites the caller's ``x``.

Hints
-----
* ``np.maximum`` and a boolean mask are all you need. Ours is 3 lines for both methods.

How to check
------------
``gradkit check relu`` (this exercise's checks, with a full diagnosis of any failure); ``pytest`` or
``gradkit grade`` for your score on all six.
"""

import numpy as np


class ReLU:
    """Element-wise ``max(x, 0)``.

    Attributes
    ----------
    params, grads : dict
        Empty: the layer has nothing to learn.
    """

    def __init__(self):
        self.params = {}
        self.grads = {}

    def __repr__(self):
        return "ReLU()"

    def forward(self, x):
        """Apply max(x, 0) element by element.

        Parameters
        ----------
        x : ndarray, any shape, float32 or float64
            Not modified.

        Returns
        -------
        out : ndarray, shape and dtype of x

        Notes
        -----
        Cache what ``backward`` needs as attributes of ``self``. Ours keeps ``self.mask = x > 0``.
        """
        raise NotImplementedError("write ReLU.forward: np.maximum(x, 0), and remember where x was positive")

    def backward(self, dout):
        """Let the gradient through where the input was positive.

        Parameters
        ----------
        dout : ndarray, shape of x
            dL/dout. Not modified.

        Returns
        -------
        dx : ndarray, shape and dtype of x
            dL/dx.
        """
        raise NotImplementedError("write ReLU.backward: dout where the forward input was positive, 0 elsewhere")
