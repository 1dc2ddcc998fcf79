"""Exercise: inverted dropout (dropout.py, Dropout).

Dropout fights overfitting by switching off a random part of the network on every training step. In
training mode each entry of ``x`` is kept with probability ``1 - p`` and dropped (set to 0) with
probability ``p``; the kept entries are divided by ``1 - p``:

    m[...] ~ Bernoulli(1 - p), drawn anew on every forward call, one number per entry of x
    out[...] = x[...] * m[...] / (1 - p)                           (training mode)
    out[...] = x[...]                                              (eval mode)

Dividing by ``1 - p`` keeps the expected output equal to ``x`` (E[m] = 1 - p), so a trained network
needs no rescaling at test time: in eval mode the layer is the identity. That is *inverted* dropout,
what PyTorch and every modern framework compute. The array of any shape goes in and comes out in the
same shape; the layer has no parameters (``params`` and ``grads`` are empty dicts).

The mask is random, but it is drawn from the layer's own generator ``self.rng`` (a
``numpy.random.Generator``), so a seed reproduces a whole training run: two layers built from equally
seeded generators drop the same entries.

What you write
--------------
``forward(x)`` draws the mask (training mode only), applies it and keeps what ``backward`` will need.
``backward(dout)`` computes ``dx = dL/dx`` from ``dout = dL/dout``. For a fixed mask the layer is
linear in ``x``: work out the derivative of ``out[i]`` with respect to ``x[i]``.

Contract (the checker tests each point)
---------------------------------------
* ``Dropout(p=0.5, *, rng=None)``: the provided constructor rejects ``p`` outside ``[0, 1)`` with a
  ``ValueError``, stores ``p``, uses ``np.random.default_rng()`` when ``rng`` is None, and sets
  ``training = True``. ``eval()`` sets ``training`` to False, ``train()`` back to True; ``forward``
  reads ``self.training`` on every call.
* In training mode each entry is kept independently with probability ``1 - p`` (one random number per
  entry), and every kept entry is ``x / (1 - p)`` (up to rounding: ``x * mask / (1 - p)`` and a cached mask
  already divided by ``1 - p`` are both fine). With ``p = 0`` nothing is dropped.
* Every forward call draws a new mask from ``self.rng``; never from ``np.random``'s global functions.
* ``backward`` uses the mask of the last forward call (it draws nothing). After a forward in eval mode
  ``dx`` equals ``dout``.
* ``forward`` returns an array of the shape and dtype of ``x``; ``backward`` returns ``dx`` with the shape
  and dtype of ``x``. Neither writes into ``x``, ``dout`` or anything cached from them.

Traps
-----
* ``p`` is the probability to *drop*: keep with probability ``1 - p``, not ``p``.
* Divide by ``1 - p``; do not multiply by it (the old, non-inverted dropout scaled at test time instead).
  In eval mode nothing is scaled.
* The mask must be the same in forward and backward: a mask drawn again in ``backward`` sends the gradient
  through other entries than the ones forward kept.
* One mask per entry: ``self.rng.random(x.shape[1:])`` would drop the same features for every sample of
  the batch.
* A boolean mask is fine for forward, but ``dx`` needs the factor ``1 / (1 - p)`` too.
* A float64 mask turns a float32 input into a float64 output: cast it to ``x.dtype``.

Hints
-----
* ``self.rng.random(x.shape)`` draws uniform numbers in [0, 1): an entry is kept where its number is
  below ``1 - p``.
* Cache the mask already divided by ``1 - p`` (in ``x.dtype``): forward and backward are then one
  product each. Ours is 7 lines for both methods.

How to check
------------
``gradkit check dropout`` in a course that includes dropout (this exercise's checks, with a full diagnosis
of any failure); ``pytest`` or ``gradkit grade`` for your score on every exercise of the course.
"""

import numpy as np


def _probability(p):
    """Return p as a float, or raise an error if it is not a number in [0, 1)."""
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise TypeError(f"p must be a number in [0, 1), got {p!r}")
    if not 0.0 <= p < 1.0:  # also refuses NaN
        raise ValueError(f"p, the probability to drop an entry, must be in [0, 1), got {p!r}")
    return float(p)


def _generator(rng):
    """Return rng, or a fresh generator if rng is None."""
    if rng is None:
        return np.random.default_rng()
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (e.g. np.random.default_rng(0)) or None, got {rng!r}")
    return rng


class Dropout:
    """Inverted dropout: in training, keep each entry with probability ``1 - p`` and divide it by ``1 - p``.

    Parameters
    ----------
    p : float, default 0.5
        The probability to drop an entry, in [0, 1).
    rng : numpy.random.Generator, optional
        Draws the masks; ``None`` uses ``np.random.default_rng()``.

    Attributes
    ----------
    p : float
    rng : numpy.random.Generator
    training : bool
        True after construction (training mode); ``eval()`` and ``train()`` set it.
    params, grads : dict
        Empty: the layer has nothing to learn.
    """

    def __init__(self, p=0.5, *, rng=None):
        self.p = _probability(p)
        self.rng = _generator(rng)
        self.training = True
        self.params = {}
        self.grads = {}

    def __repr__(self):
        return f"Dropout(p={self.p})"

    def train(self):
        """Training mode: forward drops entries."""
        self.training = True

    def eval(self):
        """Eval (test) mode: forward is the identity."""
        self.training = False

    def forward(self, x):
        """Drop entries at random (training mode), or let x through (eval mode).

        Parameters
        ----------
        x : ndarray, any shape, float32 or float64
            Not modified.

        Returns
        -------
        out : ndarray, shape and dtype of x
            In training mode, ``x * m / (1 - p)`` for a new mask ``m`` drawn from ``self.rng``; in eval mode,
            the values of x.

        Notes
        -----
        Cache what ``backward`` needs as attributes of ``self``. Ours keeps ``self.mask``, the mask already
        divided by ``1 - p``, in x's dtype.
        """
        ### BEGIN SOLUTION
        # hint: write Dropout.forward: in training, keep each entry with probability 1 - p (a mask from self.rng) and divide the kept ones by 1 - p; in eval mode, return x as it is
        if self.training:
            keep = self.rng.random(x.shape) < 1.0 - self.p
            self.mask = (keep / (1.0 - self.p)).astype(x.dtype, copy=False)
        else:
            self.mask = np.ones((), dtype=x.dtype)
        return x * self.mask
        ### END SOLUTION

    def backward(self, dout):
        """Let the gradient through the entries the last forward kept, scaled as forward scaled them.

        Parameters
        ----------
        dout : ndarray, shape of x
            dL/dout. Not modified.

        Returns
        -------
        dx : ndarray, shape and dtype of x
            dL/dx.
        """
        ### BEGIN SOLUTION
        # hint: write Dropout.backward: the same mask and the same factor 1 / (1 - p) as the last forward, applied to dout (draw nothing here)
        return (dout * self.mask).astype(self.mask.dtype, copy=False)
        ### END SOLUTION
