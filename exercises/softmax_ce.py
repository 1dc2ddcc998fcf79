# Generated from solutions/softmax_ce.py by `gradkit make-stubs` (stub 6a361d739d88a6e9). Students: write your code in this file.
# Maintainers: edit solutions/softmax_ce.py instead and regenerate; `gradkit make-stubs --check` finds drift.
"""Exercise 5/6: softmax with cross-entropy loss (softmax_ce.py, SoftmaxCrossEntropy).

The loss layer turns N rows of K class scores into probabilities and charges ``-log`` of the probability
given to the correct class ``y[n]``, averaged over the batch:

    probs[n, k] = exp(scores[n, k]) / sum_k' exp(scores[n, k'])
    loss = -(1/N) * sum_n log(probs[n, y[n]])

The layer has no parameters: ``params`` and ``grads`` are empty dicts.

What you write
--------------
``forward(scores, y)`` returns the loss and keeps what ``backward`` will need.
``backward()`` returns ``dscores = dL/dscores`` where L is the loss: it is the last layer, so it takes no
upstream gradient. Derive it from the two lines above: it has a short closed form.

Contract (the checker tests each point)
---------------------------------------
* ``forward`` returns the mean loss as a Python ``float``.
* ``backward`` returns ``dscores`` with the shape and dtype of ``scores`` (float32 in, float32 out).
* Neither method writes into ``scores``, ``y`` or anything cached from them; calling ``backward`` twice
  gives the same answer.
* Scores can be huge (1e4 and more): the loss and its gradient must stay finite.

Traps
-----
* ``np.exp(1000.0)`` is ``inf``. Subtracting each row's maximum first changes nothing mathematically
  (the factor ``exp(-max)`` cancels) and keeps every exponent <= 0.
* ``np.log(probs)`` is ``-inf`` when a probability underflows to 0. Compute
  ``log_probs = shifted - log(sum(exp(shifted)))`` ("log-sum-exp") instead of the log of a ratio.
* The loss is a mean over the batch, so every row of ``dscores`` carries a factor 1/N.

Hints
-----
* ``scores[np.arange(N), y]`` picks each row's correct-class entry.
* ``keepdims=True`` keeps row sums and maxima broadcastable against ``scores``.
* Ours is about 10 lines for both methods.

How to check
------------
``gradkit check softmax_ce`` (this exercise's checks, with a full diagnosis of any failure); ``pytest`` or
``gradkit grade`` for your score on all six.
"""

import numpy as np


class SoftmaxCrossEntropy:
    """Softmax over classes followed by the mean cross-entropy loss against integer labels.

    Attributes
    ----------
    params, grads : dict
        Empty: the layer has nothing to learn.
    """

    def __init__(self):
        self.params = {}
        self.grads = {}

    def __repr__(self):
        return "SoftmaxCrossEntropy()"

    def forward(self, scores, y):
        """Compute the mean cross-entropy loss of the softmax of the scores.

        Parameters
        ----------
        scores : ndarray, shape (N, K), float32 or float64
            One row of K class scores per example. Not modified.
        y : ndarray of int, shape (N,)
            The correct class of each example, 0 <= y[n] < K. Not modified.

        Returns
        -------
        loss : float
            The mean over the N examples of ``-log(probs[n, y[n]])``.

        Notes
        -----
        Cache what ``backward`` needs as attributes of ``self``. Ours keeps ``self.probs`` (N, K) and ``self.y``.
        """
        raise NotImplementedError("write SoftmaxCrossEntropy.forward: subtract each row's max, then log-sum-exp")

    def backward(self):
        """Return the gradient of the loss with respect to the scores.

        Returns
        -------
        dscores : ndarray, shape (N, K), dtype of scores
            dL/dscores.
        """
        raise NotImplementedError("write SoftmaxCrossEntropy.backward: a closed form in probs and y")
