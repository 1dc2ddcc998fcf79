"""SGD with momentum keeps its velocities in a dict created once, as a default argument, keyed by id(parameter).

Within one training run that works; but the dict is shared by every SGDMomentum, so a second optimizer (a new
run, a fine-tuning stage) starts from whatever velocities an earlier one left for arrays that happen to reuse
the same ids.
"""

import numpy as np

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params", hint="shared_state")


class SGDMomentum(Reference):
    def _velocity(self, w, _store={}):  # BUG: one dict for every optimizer; keep velocities on self
        key = (w.shape, w.dtype.str)
        if key not in _store:
            _store[key] = np.zeros_like(w)
        return _store[key]

    def step(self):
        for layer in self.layers:
            for k, w in getattr(layer, "params", {}).items():
                v = self._velocity(w)
                v *= self.momentum
                v -= self.lr * (layer.grads[k] + self.weight_decay * w)
                w += v
