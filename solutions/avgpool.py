"""Extra exercise: average pooling (avgpool.py, AvgPool2D), window by window or over the whole image.

Average pooling replaces every KH x KW window by the mean of its entries, channel by channel, with no
padding:

    out[n, c, i, j] = 1 / (KH*KW) * sum_{p,q} x[n, c, i*stride + p, j*stride + q]    (0 <= p < KH, 0 <= q < KW)

    H_out = (H - KH) // stride + 1        (floor division; W_out likewise with W and KW)

Global average pooling, ``AvgPool2D(global_pool=True)``, is the same layer with one window as large as the
image. It gives one number per image and channel, an array of shape (N, C), which a Linear layer takes as
it is; modern networks (ResNet and its kin) use it instead of flattening the last feature maps:

    out[n, c] = 1 / (H*W) * sum_{h,w} x[n, c, h, w]

The layer has no parameters: ``params`` and ``grads`` are empty dicts.

What you write
--------------
``forward(x)`` computes ``out`` and keeps what ``backward`` will need.
``backward(dout)`` computes ``dx = dL/dx`` from ``dout = dL/dout``. Each output is a weighted sum of the
cells of its window, every weight 1 / (KH*KW): work out on paper what one ``dout[n, c, i, j]`` sends back
to each cell.

Contract (the checker tests each point)
---------------------------------------
* ``AvgPool2D(kernel_size=2, stride=None, *, global_pool=False)``: ``kernel_size`` is an int or a
  (KH, KW) pair; ``stride`` defaults to ``kernel_size``. With ``global_pool=True`` the window is the
  whole image, whatever ``kernel_size`` and ``stride`` say.
* ``forward`` takes x of shape (N, C, H, W) and returns (N, C, H_out, W_out), or (N, C) for the global
  pool (not (N, C, 1, 1)), in the input's dtype (float32 in, float32 out).
* ``backward`` takes ``dout`` shaped like the output and returns ``dx`` with the shape and dtype of
  ``x``; it never writes into ``x``, ``dout`` or anything cached from them.

Traps
-----
* Divide by the size of the window, KH*KW (H*W for the global pool): not by the number of windows
  H_out*W_out, and not by H*W when the windows are smaller than the image.
* Windows overlap when ``stride < KH`` (e.g. kernel 3, stride 2): a cell then belongs to several
  windows and receives the gradient of each of them, so add (``+=``), never assign (``=``).
* ``stride`` need not divide ``H - KH``: the rows and columns no window reaches get a zero gradient.
* Average over the window's axes only: each image and each channel is pooled on its own. ``x[n].mean()``
  also averages over the channels, ``x[:, c].mean()`` over the images.
* ``x.reshape(N, C, H // KH, KH, W // KW, KW).mean(axis=(3, 5))`` is right only when the stride equals the
  kernel size and divides the image: it cannot express overlapping or spaced-out windows.

Hints
-----
* As in MaxPool2D: ``x[:, :, p:p + stride*H_out:stride, q:q + stride*W_out:stride]`` is, for every window at
  once, the window's entry (p, q), of shape (N, C, H_out, W_out). The mean of the KH*KW such slices is ``out``.
* In ``backward``, add ``dout / (KH*KW)`` into the same slices of a zero ``dx``.
* For the global pool, ``dout[:, :, None, None]`` (shape (N, C, 1, 1)) broadcasts over H and W.
* Ours is about 20 lines for both methods.

How to check
------------
``gradkit check avgpool`` (this exercise's checks, with a full diagnosis of any failure); ``pytest`` or
``gradkit grade`` for your score on the course.
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


class AvgPool2D:
    """Average pooling over KH x KW windows with a stride, channel by channel, without padding; or, with
    ``global_pool=True``, over the whole image.

    Parameters
    ----------
    kernel_size : int or (int, int), default 2
        (KH, KW), the window height and width; an int k means (k, k).
    stride : int, optional
        The step between two windows, the same along H and W. Defaults to ``kernel_size`` (which must then
        be square), so that windows do not overlap.
    global_pool : bool, default False
        Average each channel over the whole image: forward returns (N, C). ``kernel_size`` and ``stride``
        are then not used.

    Attributes
    ----------
    params, grads : dict
        Empty: the layer has nothing to learn.
    """

    def __init__(self, kernel_size=2, stride=None, *, global_pool=False):
        if not isinstance(global_pool, (bool, np.bool_)):
            raise TypeError(f"global_pool must be True or False, got {global_pool!r}")
        self.global_pool = bool(global_pool)
        self.kernel_size = _kernel_pair(kernel_size)
        KH, KW = self.kernel_size
        if stride is None:
            if KH != KW and not self.global_pool:
                raise ValueError(
                    f"stride defaults to kernel_size, which needs a square kernel; "
                    f"give an int stride for kernel_size={kernel_size!r}"
                )
            stride = KH
        self.stride = _int_at_least("stride", stride, 1)
        self.params = {}
        self.grads = {}

    def __repr__(self):
        if self.global_pool:
            return "AvgPool2D(global_pool=True)"
        KH, KW = self.kernel_size
        return f"AvgPool2D(kernel={KH}x{KW}, stride={self.stride})"

    def forward(self, x):
        """Average every window (every whole image with ``global_pool``).

        Parameters
        ----------
        x : ndarray, shape (N, C, H, W), float32 or float64
            Not modified. H >= KH and W >= KW.

        Returns
        -------
        out : ndarray, dtype of x
            Shape (N, C, H_out, W_out) with H_out = (H - KH) // stride + 1 and W_out likewise; (N, C) with
            ``global_pool``.

        Notes
        -----
        Cache what ``backward`` needs as attributes of ``self``. Ours keeps only the shape and dtype of x.
        """
        ### BEGIN SOLUTION
        # hint: write AvgPool2D.forward: the mean of every window (of the whole image with global_pool)
        self.x_shape, self.x_dtype = x.shape, x.dtype
        if self.global_pool:
            return x.mean(axis=(2, 3))

        N, C, H, W = x.shape
        KH, KW = self.kernel_size
        stride = self.stride
        H_out = (H - KH) // stride + 1
        W_out = (W - KW) // stride + 1

        total = np.zeros((N, C, H_out, W_out), dtype=x.dtype)
        for p in range(KH):
            for q in range(KW):
                # entry (p, q) of every window: x[n, c, i*stride + p, j*stride + q]
                total += x[:, :, p:p + stride * H_out:stride, q:q + stride * W_out:stride]
        return total / (KH * KW)
        ### END SOLUTION

    def backward(self, dout):
        """Spread each output's gradient evenly over its window.

        Parameters
        ----------
        dout : ndarray, the shape of forward's output
            dL/dout. Not modified.

        Returns
        -------
        dx : ndarray, shape (N, C, H, W), dtype of x
            dL/dx: each cell receives dout / (KH*KW) from every window it belongs to (the sum where
            windows overlap, 0 where no window reaches); dout / (H*W) everywhere with ``global_pool``.
        """
        ### BEGIN SOLUTION
        # hint: write AvgPool2D.backward: add dout / (KH*KW) into every cell of each window
        N, C, H, W = self.x_shape
        dx = np.zeros(self.x_shape, dtype=self.x_dtype)
        if self.global_pool:
            dx += dout[:, :, None, None] / (H * W)
            return dx

        KH, KW = self.kernel_size
        stride = self.stride
        H_out, W_out = dout.shape[2:]
        share = dout / (KH * KW)  # what one output sends to each cell of its window
        for p in range(KH):
            for q in range(KW):
                dx[:, :, p:p + stride * H_out:stride, q:q + stride * W_out:stride] += share
        return dx
        ### END SOLUTION
