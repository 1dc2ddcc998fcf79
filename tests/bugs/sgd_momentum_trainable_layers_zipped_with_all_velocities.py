"""step keeps only the layers that have parameters, then zips them with self.velocities, which has one entry per
layer, parameter-less ones included.

After the first ReLU or pooling layer every layer is paired with the velocities of the layer before it: a layer
paired with a ReLU's empty dict never moves.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="skip_layers")


class SGDMomentum(Reference):
    def step(self):
        trainable = [layer for layer in self.layers if getattr(layer, "params", {})]
        for layer, velocities in zip(trainable, self.velocities):  # BUG: zip(self.layers, self.velocities)
            for k, v in velocities.items():
                w = layer.params[k]
                v *= self.momentum
                v -= self.lr * (layer.grads[k] + self.weight_decay * w)
                w += v
