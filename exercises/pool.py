# Generated from solutions/pool.py by `gradkit make-stubs` (stub 263e383a4da509aa). Students: write your code in this file.
# Maintainers: edit solutions/pool.py instead and regenerate; `gradkit make-stubs --check` finds drift.
"""Exercise 2/6: max pooling (pool.py, MaxPool2D).

Max pooling keeps the largest value of every KH x KW window, channel by channel, with no padding:

    out[n, c, i, j] = max_{p,q} x[n, c, i*stride + p, j*stride + q]        (0 <= p < KH, 0 <= q < KW)

    H_out = (H - KH) // stride + 1        (floor division; W_out likewise with W and KW)

The layer has no parameters: ``params`` and ``grads`` are empty dicts.

What you write
--------------
``forward(x)`` computes ``out`` and keeps what ``backward`` will need.
``backward(dout)`` computes ``dx = dL/dx`` from ``dout = dL/dout``. Work out on paper which entry of each
window ``out[n, c, i, j]`` depends on, and how strongly.

Contract (the checker tests each point)
---------------------------------------
* ``forward`` returns an array of the input's dtype (float32 in, float32 out).
* ``backward`` returns ``dx`` with the shape and dtype of ``x`` and never writes into ``x``, ``dout`` or
  anything cached from them.
* Ties: when a window holds its maximum more than once, sending the window's gradient to exactly one of
  them (ours picks the first in row-major window order) and splitting it evenly between them are both
  accepted. Sending the whole gradient to every tied maximum is not: the gradient would be counted twice.

Traps
-----
* ``stride`` need not divide ``H - KH``: the last rows and columns no window reaches get a zero gradient.
* Windows overlap when ``stride < KH`` (e.g. kernel 3, stride 2): one pixel can be the maximum of several
  windows, so its gradients add up (``+=``, never ``=``).
* ``stride`` defaults to ``kernel_size``, giving non-overlapping windows.

Hints
-----
* ``x[:, :, p:p + stride*H_out:stride, q:q + stride*W_out:stride]`` is, for every window at once, the
  window's entry (p, q): shape (N, C, H_out, W_out). The maximum over the KH*KW such slices is ``out``.
* In ``backward``, visit the same slices in the same order: where a slice equals ``out`` (and no earlier
  entry of that window took the gradient), that entry receives ``dout``.
* Avoid ``x.reshape(N, C, H_out, KH, W_out, KW).max(axis=(3, 5))``: it only works for non-overlapping,
  divisible windows, and it is about ten times slower than the slices.
* Ours is about 25 lines for both methods.

How to check
------------
``gradkit check pool`` (this exercise's checks, with a full diagnosis of any failure); ``pytest`` or
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


def _kernel_pair(kernel_size):
    """Return kernel_size as a (KH, KW) pair of positive ints."""
    message = f"kernel_size must be a positive int or a (KH, KW) pair, got {kernel_size!r}"
    if isinstance(kernel_size, (tuple, list)):
        if len(kernel_size) != 2:
            raise ValueError(message)
        pair = tuple(kernel_size)
    else:
        pair = (kernel_size, kernel_size)
    for value in pair:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(message)
        if value < 1:
            raise ValueError(message)
    return int(pair[0]), int(pair[1])


class MaxPool2D:
    """Max pooling over KH x KW windows with a stride, channel by channel, without padding.

    Parameters
    ----------
    kernel_size : int or (int, int), default 2
        (KH, KW), the window height and width; an int k means (k, k).
    stride : int, optional
        The step between two windows, the same along H and W. Defaults to ``kernel_size`` (which must then
        be square), so that windows do not overlap.

    Attributes
    ----------
    params, grads : dict
        Empty: the layer has nothing to learn.
    """

    def __init__(self, kernel_size=2, stride=None):
        self.kernel_size = _kernel_pair(kernel_size)
        KH, KW = self.kernel_size
        if stride is None:
            if KH != KW:
                raise ValueError(
                    f"stride defaults to kernel_size, which needs a square kernel; "
                    f"give an int stride for kernel_size={kernel_size!r}"
                )
            stride = KH
        self.stride = _int_at_least("stride", stride, 1)
        self.params = {}
        self.grads = {}

    def __repr__(self):
        KH, KW = self.kernel_size
        return f"MaxPool2D(kernel={KH}x{KW}, stride={self.stride})"

    def forward(self, x):
        """Take the maximum of every window.

        Parameters
        ----------
        x : ndarray, shape (N, C, H, W), float32 or float64
            Not modified. H >= KH and W >= KW.

        Returns
        -------
        out : ndarray, shape (N, C, H_out, W_out), dtype of x
            H_out = (H - KH) // stride + 1, W_out likewise.

        Notes
        -----
        Cache what ``backward`` needs as attributes of ``self``. Ours keeps ``self.x`` and ``self.out``.
        """
        raise NotImplementedError("write MaxPool2D.forward: the maximum over the KH*KW strided slices of x")

    def backward(self, dout):
        """Send each window's gradient to the entry that was its maximum.

        Parameters
        ----------
        dout : ndarray, shape (N, C, H_out, W_out)
            dL/dout. Not modified.

        Returns
        -------
        dx : ndarray, shape (N, C, H, W), dtype of x
            dL/dx: zero except at window maxima; a pixel that is the maximum of several overlapping
            windows receives the sum of their gradients.
        """
        raise NotImplementedError("write MaxPool2D.backward: revisit forward's slices, add dout where one equals out")
