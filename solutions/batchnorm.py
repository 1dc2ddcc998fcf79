"""Extra exercise: spatial batch normalisation (batchnorm.py, BatchNorm2D).

Batch normalisation gives every channel of a convolution's output zero mean and unit variance over the
batch, then lets the network pick the scale and shift it prefers. For x of shape (N, C, H, W), channel c
is normalised over its M = N*H*W values (every image, every position):

    mean[c] = (1/M) * sum_{n,h,w} x[n, c, h, w]
    var[c]  = (1/M) * sum_{n,h,w} (x[n, c, h, w] - mean[c])**2          (biased: divided by M)
    xhat[n, c, h, w] = (x[n, c, h, w] - mean[c]) / sqrt(var[c] + eps)
    out[n, c, h, w]  = gamma[c] * xhat[n, c, h, w] + beta[c]

Training and evaluation
-----------------------
In training mode (``layer.training`` is True: after construction, or after ``layer.train()``) forward
normalises with the statistics of the batch it is given, and keeps running estimates for later:

    running_mean = (1 - momentum) * running_mean + momentum * mean
    running_var  = (1 - momentum) * running_var  + momentum * var_unbiased     (var * M / (M - 1))

This is PyTorch's convention: ``momentum`` is the weight of the new batch, and the running variance
estimates the variance of the whole data, so it takes the *unbiased* batch variance, while the
normalisation itself uses the biased one. In evaluation mode (after ``layer.eval()``) forward normalises
with ``running_mean`` and ``running_var`` instead, and changes nothing: a test image's output must not
depend on the other images of its batch.

What you write
--------------
``forward(x)`` computes ``out`` (and in training mode updates the running statistics), and keeps what
``backward`` will need. ``backward(dout)`` computes ``dx``, ``dgamma`` and ``dbeta`` after a training-mode
forward. ``dgamma`` and ``dbeta`` follow from the last line above. For ``dx``, remember that every
``x[n, c, h, w]`` also moves ``mean[c]`` and ``var[c]``, which all M outputs of channel c use: dx is not
element-wise, it has a direct term and a term through each statistic. Derive them on paper first.

Contract (the checker tests each point)
---------------------------------------
* ``BatchNorm2D(num_features, momentum=0.1, eps=1e-5)``. ``params``: ``"gamma"`` (C,) ones and ``"beta"``
  (C,) zeros, float64; ``grads`` the same keys, shapes and dtype. ``running_mean`` (C,) zeros and
  ``running_var`` (C,) ones are float64 attributes, not parameters (an optimizer must not train them).
  The constructor, ``train()`` and ``eval()`` are provided.
* ``forward`` returns an array of the shape and dtype of ``x`` (float32 in, float32 out), in both modes.
* Training mode normalises with the batch's mean and biased variance and updates the running statistics
  as above (unbiased variance for ``running_var``; this needs M = N*H*W >= 2). Evaluation mode normalises
  with the running statistics and leaves them unchanged.
* ``backward`` (after a training-mode forward) returns ``dx`` with the shape and dtype of ``x`` and
  **sets** ``self.grads["gamma"]`` and ``self.grads["beta"]`` (float64, shape (C,)). After an
  evaluation-mode forward the layer is a fixed affine map per channel; its backward is not graded.
* Neither method writes into ``x``, ``dout`` or anything cached from them.

Traps
-----
* Two variances: the biased one (``np.var``'s default, ``ddof=0``) normalises, the unbiased one
  (``ddof=1``) goes into ``running_var``.
* ``momentum`` weighs the *new* batch: with 0.1 the running statistics move a tenth of the way.
* ``eps`` goes inside the square root: ``sqrt(var + eps)``, not ``sqrt(var) + eps``.
* Update the running statistics only in training mode; evaluation mode only reads them.
* The running statistics are float64: cast what you use to ``x.dtype`` or a float32 input gives a
  float64 output in evaluation mode.
* ``dgamma`` and ``dbeta`` sum over N, H **and** W: one number per channel.
* The gradient checker calls forward many times on nearby inputs; each training-mode call moves the
  running statistics, which must not change the training-mode output.

Hints
-----
* ``axis=(0, 2, 3)`` reduces over everything but the channels; ``keepdims=True`` (or
  ``.reshape(1, C, 1, 1)``) keeps the result broadcastable against ``x``.
* Derived per channel, with means over (N, H, W), ``dx`` fits in one line: ``gamma / sqrt(var + eps)``
  times ``dout`` less two corrections, one through the mean and one through the variance (that one is
  proportional to ``xhat``). Cache ``xhat`` and ``1 / sqrt(var + eps)`` in forward.
* Ours is about 20 lines for both methods.

How to check
------------
``gradkit check batchnorm`` (this exercise's checks, with a full diagnosis of any failure), or
``pytest tests/graded/test_batchnorm.py``, when your course includes this exercise.
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


def _number_in(name, value, low, high):
    """Return value as a float, or raise an error naming the argument if it is not a number in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value!r}")
    return float(value)


class BatchNorm2D:
    """Batch normalisation of each channel over the batch and the spatial positions.

    Parameters
    ----------
    num_features : int
        C, the number of channels of the input.
    momentum : float, optional
        The weight of each new batch in the running statistics (default 0.1).
    eps : float, optional
        Added to the variance inside the square root (default 1e-5).

    Attributes
    ----------
    params : dict of ndarray
        ``"gamma"`` (C,), ones, and ``"beta"`` (C,), zeros: the scale and shift. Both float64.
    grads : dict of ndarray
        ``"gamma"`` and ``"beta"``, the same shapes and dtype, set by ``backward``; zeros until then.
    running_mean, running_var : ndarray, shape (C,), float64
        Running estimates of each channel's mean (zeros at first) and variance (ones at first), updated by
        every training-mode forward and used by evaluation-mode forwards.
    training : bool
        True in training mode (after construction and ``train()``), False after ``eval()``.
    """

    def __init__(self, num_features, momentum=0.1, eps=1e-5):
        self.num_features = _int_at_least("num_features", num_features, 1)
        self.momentum = _number_in("momentum", momentum, 0.0, 1.0)
        self.eps = _number_in("eps", eps, 0.0, np.inf)
        C = self.num_features

        self.params = {"gamma": np.ones(C), "beta": np.zeros(C)}
        self.grads = {name: np.zeros_like(value) for name, value in self.params.items()}
        self.running_mean = np.zeros(C)
        self.running_var = np.ones(C)
        self.training = True

    def __repr__(self):
        return f"BatchNorm2D({self.num_features}, momentum={self.momentum}, eps={self.eps})"

    def train(self):
        """Training mode: forward normalises with the batch's statistics and updates the running ones."""
        self.training = True

    def eval(self):
        """Evaluation mode: forward normalises with the running statistics and changes nothing."""
        self.training = False

    def forward(self, x):
        """Normalise each channel of x, then scale by gamma and shift by beta.

        Parameters
        ----------
        x : ndarray, shape (N, C, H, W), float32 or float64
            Not modified. In training mode N*H*W must be at least 2.

        Returns
        -------
        out : ndarray, shape (N, C, H, W), dtype of x

        Notes
        -----
        In training mode, also updates ``self.running_mean`` and ``self.running_var``. Cache what
        ``backward`` needs as attributes of ``self``. Ours keeps ``xhat``, ``1 / sqrt(var + eps)`` and the
        mode.
        """
        ### BEGIN SOLUTION
        # hint: write BatchNorm2D.forward: statistics per channel over (N, H, W); running ones in training only
        N, C, H, W = x.shape
        count = N * H * W
        if self.training:
            if count < 2:
                raise ValueError(f"training mode needs at least 2 values per channel (N*H*W), got {count}")
            mean = x.mean(axis=(0, 2, 3))
            var = x.var(axis=(0, 2, 3))
            m = self.momentum
            self.running_mean = (1 - m) * self.running_mean + m * mean
            self.running_var = (1 - m) * self.running_var + m * var * (count / (count - 1))
        else:
            mean, var = self.running_mean, self.running_var
        inv_std = (1.0 / np.sqrt(var + self.eps)).astype(x.dtype).reshape(1, C, 1, 1)
        xhat = (x - mean.astype(x.dtype).reshape(1, C, 1, 1)) * inv_std
        self.xhat, self.inv_std, self.trained = xhat, inv_std, self.training
        gamma = self.params["gamma"].astype(x.dtype).reshape(1, C, 1, 1)
        beta = self.params["beta"].astype(x.dtype).reshape(1, C, 1, 1)
        return gamma * xhat + beta
        ### END SOLUTION

    def backward(self, dout):
        """Backpropagate through the normalisation of the last (training-mode) forward.

        Parameters
        ----------
        dout : ndarray, shape (N, C, H, W)
            dL/dout. Not modified.

        Returns
        -------
        dx : ndarray, shape (N, C, H, W), dtype of x
            dL/dx, through xhat and through the batch's mean and variance.

        Notes
        -----
        Also sets ``self.grads["gamma"]`` (C,) to dL/dgamma and ``self.grads["beta"]`` (C,) to dL/dbeta,
        float64. Set them, do not add to them.
        """
        ### BEGIN SOLUTION
        # hint: write BatchNorm2D.backward: dgamma and dbeta sum over (N, H, W); dx has a term through each statistic
        xhat, inv_std = self.xhat, self.inv_std
        self.grads["gamma"] = (dout * xhat).sum(axis=(0, 2, 3)).astype(np.float64)
        self.grads["beta"] = dout.sum(axis=(0, 2, 3)).astype(np.float64)
        scale = self.params["gamma"].astype(xhat.dtype).reshape(1, -1, 1, 1) * inv_std
        if not self.trained:  # evaluation mode: a fixed affine map per channel (not graded)
            return (scale * dout).astype(xhat.dtype, copy=False)
        centred = dout - dout.mean(axis=(0, 2, 3), keepdims=True)
        along = xhat * (dout * xhat).mean(axis=(0, 2, 3), keepdims=True)
        return (scale * (centred - along)).astype(xhat.dtype, copy=False)
        ### END SOLUTION
