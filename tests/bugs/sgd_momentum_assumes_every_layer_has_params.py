"""step reads layer.params of every layer, so a layer without parameters and without the attributes (a
Flatten layer, say) makes it raise AttributeError.

The contract says such layers are skipped; the provided constructor already accepts them.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params", hint="skip_layers")


class SGDMomentum(Reference):
    def step(self):
        for i, layer in enumerate(self.layers):
            for k in layer.params:  # BUG: not every layer has params; skip those that do not
                w, v = layer.params[k], self.velocities[i][k]
                v *= self.momentum
                v -= self.lr * (layer.grads[k] + self.weight_decay * w)
                w += v
