"""SGD with momentum updates every parameter through a flat view, `w.reshape(-1)`, "so one loop fits all shapes".

For a row-major array that is a view; for a column-major one (a transposed weight, np.asfortranarray) reshape
returns a copy, and the update never reaches the parameter.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params", hint="memory_order")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            for k, v in velocities.items():
                w = layer.params[k].reshape(-1)  # BUG: a copy for column-major arrays; update layer.params[k]
                g = layer.grads[k].reshape(-1)
                flat_v = v.reshape(-1)
                flat_v *= self.momentum
                flat_v -= self.lr * (g + self.weight_decay * w)
                w += flat_v
                v[...] = flat_v.reshape(v.shape)
