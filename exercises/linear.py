# Generated from solutions/linear.py by `gradkit make-stubs` (stub 886a6b1c8896e6ac). Students: write your code in this file.
# Maintainers: edit solutions/linear.py instead and regenerate; `gradkit make-stubs --check` finds drift.
"""Exercise 4/6: the fully connected layer (linear.py, Linear).

A linear (affine, fully connected) layer maps each of N input rows of D = in_features numbers to
M = out_features numbers:

    out[n, m] = b[m] + sum_d x[n, d] * W[d, m]        that is, out = x @ W + b

What you write
--------------
``forward(x)`` computes ``out`` and keeps what ``backward`` will need.
``backward(dout)`` receives ``dout = dL/dout`` and computes ``dx = dL/dx``, ``dW = dL/dW`` and
``db = dL/db``. Derive them from the sum above; check each by its shape before writing code.

Contract (the checker tests each point)
---------------------------------------
* ``forward`` returns an array of the input's float dtype: float32 in, float32 out, although the
  parameters are float64 (cast them with ``.astype(x.dtype)``).
* ``backward`` returns ``dx`` with the shape and dtype of ``x``, and **sets** (``=``, not ``+=``)
  ``self.grads["W"]`` and ``self.grads["b"]``, keeping the parameters' shape and float64 dtype.
* Neither method writes into ``x``, ``dout`` or anything cached from them.

Traps
-----
* ``db`` sums ``dout`` over the batch; it is not ``dout[0]`` and not a mean (the loss already averages).
* ``W`` has shape (in_features, out_features), so ``out = x @ W``, not ``x @ W.T``.
* With N = 1, many wrong axes give the right shapes; the checker also uses N > 1.

Hints
-----
* Three matrix products and one sum. Ours is under 10 lines for both methods.
* A convolution's output (N, F, H, W) becomes an input of this layer with ``x.reshape(N, -1)``.

How to check
------------
``gradkit check linear`` (this exercise's checks, with a full diagnosis of any failure); ``pytest`` or
``gradkit grade`` for your score on all six.
"""

import numpy as np


def _int_at_least(name, value, minimum):
    """Return value as an int, or raise an error naming the argument if it is not an int >= minimum."""
    kind = "a positive int" if minimum == 1 else f"an int >= {minimum}"
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be {kind}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be {kind}, got {value!r}")
    return int(value)


def _generator(rng):
    """Return rng, or a fresh generator if rng is None."""
    if rng is None:
        return np.random.default_rng()
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (e.g. np.random.default_rng(0)) or None, got {rng!r}")
    return rng


class Linear:
    """A fully connected layer, ``out = x @ W + b``.

    Parameters
    ----------
    in_features : int
        D, the length of each input row.
    out_features : int
        M, the length of each output row.
    rng : numpy.random.Generator, optional
        Draws the initial weights; ``None`` uses ``np.random.default_rng()``.

    Attributes
    ----------
    params : dict of ndarray
        ``"W"``, shape (D, M), initialised from N(0, 2 / D) (He); ``"b"``, shape (M,), zeros. Both float64.
    grads : dict of ndarray
        ``"W"`` and ``"b"``, the same shapes and dtypes, set by ``backward``; zeros until then.
    """

    def __init__(self, in_features, out_features, *, rng=None):
        self.in_features = _int_at_least("in_features", in_features, 1)
        self.out_features = _int_at_least("out_features", out_features, 1)
        rng = _generator(rng)

        W = rng.normal(0.0, np.sqrt(2.0 / self.in_features), size=(self.in_features, self.out_features))
        self.params = {"W": W, "b": np.zeros(self.out_features)}
        self.grads = {name: np.zeros_like(value) for name, value in self.params.items()}

    def __repr__(self):
        return f"Linear({self.in_features}->{self.out_features})"

    def forward(self, x):
        """Apply the affine map to every row of x.

        Parameters
        ----------
        x : ndarray, shape (N, D), float32 or float64
            N rows of D = in_features numbers. Not modified.

        Returns
        -------
        out : ndarray, shape (N, M), dtype of x
            M = out_features.

        Notes
        -----
        Cache what ``backward`` needs as attributes of ``self``. Ours keeps ``self.x``.
        """
        raise NotImplementedError("write Linear.forward: x @ W + b, with W and b cast to x.dtype")

    def backward(self, dout):
        """Backpropagate through the affine map.

        Parameters
        ----------
        dout : ndarray, shape (N, M)
            dL/dout. Not modified.

        Returns
        -------
        dx : ndarray, shape (N, D), dtype of x
            dL/dx.

        Notes
        -----
        Also sets ``self.grads["W"]`` (D, M) to dL/dW and ``self.grads["b"]`` (M,) to dL/db, in the
        parameters' dtype (float64). Set them, do not add to them.
        """
        raise NotImplementedError("write Linear.backward: two matrix products and a sum; let the shapes guide you")
