# Generated from solutions/conv.py by `gradkit make-stubs` (stub 2d12b833635559b4). Students: write your code in this file.
# Maintainers: edit solutions/conv.py instead and regenerate; `gradkit make-stubs --check` finds drift.
"""Exercise 1/6: 2-D convolution (conv.py, Conv2D).

A convolution layer slides F filters, each of shape (C, KH, KW), over a batch of N images with C channels,
height H and width W. Every image is first zero-padded by ``padding`` pixels on each side (``x_pad``), then

    out[n, f, i, j] = b[f] + sum_{c,p,q} W[f, c, p, q] * x_pad[n, c, i*stride + p, j*stride + q]

    H_out = (H + 2*padding - KH) // stride + 1        (floor division; W_out likewise with W and KW)

The kernel is not flipped: deep-learning "convolution" is a cross-correlation.

What you write
--------------
``forward(x)`` computes ``out`` and keeps on the layer what ``backward`` will need.
``backward(dout)`` receives ``dout = dL/dout`` and computes the three gradients of the loss L:
``dx = dL/dx``, ``dW = dL/dW`` and ``db = dL/db``. Derive them on paper from the one-line formula above
before writing code: for each of x, W and b, ask which entries of ``out`` it feeds and with which factor.

Contract (the checker tests each point)
---------------------------------------
* ``forward`` returns an array of the input's float dtype: float32 in, float32 out, although the
  parameters are float64 (cast them with ``.astype(x.dtype)``).
* ``backward`` returns ``dx`` with the shape and dtype of ``x``, and **sets** (``=``, not ``+=``)
  ``self.grads["W"]`` and ``self.grads["b"]``, keeping the parameters' shape and float64 dtype.
* Neither method writes into ``x``, ``dout`` or anything cached from them.

Traps
-----
* ``stride`` need not divide ``H + 2*padding - KH``. Floor division drops the last rows and columns that no
  window reaches; they get a zero gradient.
* Windows overlap when ``stride < KH``: one pixel feeds several outputs, so its gradient is a sum.
* Crop ``dx_pad`` with ``[padding:padding + H]``. ``[padding:-padding]`` is empty when ``padding == 0``.
* ``C`` and ``F`` usually differ, and so do ``KH`` and ``KW``, ``H`` and ``W``: a transposed axis shows up there.

Hints
-----
* ``np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))`` pads only the two spatial axes.
* ``numpy.lib.stride_tricks.sliding_window_view(x_pad, (KH, KW), axis=(2, 3))`` views every KH x KW window
  without copying; ``[:, :, ::stride, ::stride]`` keeps the windows the stride visits.
* Gather the windows into one matrix with a row per (c, p, q) and a column per (n, i, j) ("im2col"): the
  forward pass becomes a single matrix product with ``W.reshape(F, -1)``, and ``dW`` and the gradient of that
  matrix are two more. Adding the matrix's gradient back into ``dx_pad`` ("col2im") takes a loop over the
  KH*KW kernel offsets, each one strided slice ``+=``.
* That whole-batch matrix is the simplest fast version. Ours builds one image's matrix at a time instead, so
  that it stays in the CPU cache, and lays it out so that each kernel offset's block is one slice of the
  flattened padded image (its comments say how); it trains the CIFAR-10 network 1.6-2x faster. Both pass.
* Writing loops over n, f, i, j first is a fine way to get the maths right; the checker accepts it, but
  it is far too slow to train a network. Avoid ``np.add.at`` (several times slower than the offset loop).
* Ours is about 65 lines for both methods, a third of them unpacking shapes and setting up buffers.

How to check
------------
``gradkit check conv`` (this exercise's checks, with a full diagnosis of any failure); ``pytest`` or
``gradkit grade`` for your score on all six.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view  # noqa: F401 (for the hint above; ours does not need it)


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


def _generator(rng):
    """Return rng, or a fresh generator if rng is None."""
    if rng is None:
        return np.random.default_rng()
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (e.g. np.random.default_rng(0)) or None, got {rng!r}")
    return rng


class Conv2D:
    """A 2-D convolution layer with F = out_channels filters of shape (C, KH, KW), stride and zero padding.

    Parameters
    ----------
    in_channels : int
        C, the number of channels of the input.
    out_channels : int
        F, the number of filters, which is the number of channels of the output.
    kernel_size : int or (int, int)
        (KH, KW), the filter height and width; an int k means (k, k).
    stride : int, default 1
        The step between two windows, the same along H and W.
    padding : int, default 0
        The number of zero rows and columns added on each side of every image.
    rng : numpy.random.Generator, optional
        Draws the initial weights; ``None`` uses ``np.random.default_rng()``.

    Attributes
    ----------
    params : dict of ndarray
        ``"W"``, shape (F, C, KH, KW), initialised from N(0, 2 / (C*KH*KW)) (He); ``"b"``, shape (F,), zeros.
        Both float64.
    grads : dict of ndarray
        ``"W"`` and ``"b"``, the same shapes and dtypes, set by ``backward``; zeros until then.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, *, rng=None):
        self.in_channels = _int_at_least("in_channels", in_channels, 1)
        self.out_channels = _int_at_least("out_channels", out_channels, 1)
        self.kernel_size = _kernel_pair(kernel_size)
        self.stride = _int_at_least("stride", stride, 1)
        self.padding = _int_at_least("padding", padding, 0)
        rng = _generator(rng)

        KH, KW = self.kernel_size
        fan_in = self.in_channels * KH * KW
        W = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(self.out_channels, self.in_channels, KH, KW))
        self.params = {"W": W, "b": np.zeros(self.out_channels)}
        self.grads = {name: np.zeros_like(value) for name, value in self.params.items()}

    def __repr__(self):
        KH, KW = self.kernel_size
        return (
            f"Conv2D({self.in_channels}->{self.out_channels}, kernel={KH}x{KW}, "
            f"stride={self.stride}, padding={self.padding})"
        )

    def forward(self, x):
        """Convolve a batch of images with the layer's filters.

        Parameters
        ----------
        x : ndarray, shape (N, C, H, W), float32 or float64
            N images with C = in_channels channels. Not modified.

        Returns
        -------
        out : ndarray, shape (N, F, H_out, W_out), dtype of x
            F = out_channels, H_out = (H + 2*padding - KH) // stride + 1, W_out likewise.

        Notes
        -----
        Cache what ``backward`` needs as attributes of ``self``. Ours keeps only ``self.x``: its backward pads
        each image again, which is cheaper than keeping the padded batch.
        """
        raise NotImplementedError("write Conv2D.forward: pad x, gather the windows into a matrix, multiply by W")

    def backward(self, dout):
        """Backpropagate through the convolution.

        Parameters
        ----------
        dout : ndarray, shape (N, F, H_out, W_out)
            dL/dout, the gradient of the loss with respect to ``forward``'s output. Not modified.

        Returns
        -------
        dx : ndarray, shape (N, C, H, W), dtype of x
            dL/dx.

        Notes
        -----
        Also sets ``self.grads["W"]`` (F, C, KH, KW) to dL/dW and ``self.grads["b"]`` (F,) to dL/db, in the
        parameters' dtype (float64). Set them, do not add to them: each call replaces the previous gradient.
        """
        raise NotImplementedError("write Conv2D.backward: db is a sum, dW and dcols are matrix products, then col2im")
