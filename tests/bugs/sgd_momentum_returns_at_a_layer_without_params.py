"""step leaves its loop at the first layer without parameters (`return` where `continue` belongs).

In a network Conv2D, ReLU, MaxPool2D, Linear, only the first layer ever learns: every layer after the first ReLU
keeps its initial weights, and training stalls well above the loss it should reach.
"""

from solutions.sgd_momentum import SGDMomentum as Reference

EXPECT = dict(exercise="sgd_momentum", tensor="params['W']", hint="skip_layers")


class SGDMomentum(Reference):
    def step(self):
        for layer, velocities in zip(self.layers, self.velocities):
            if not getattr(layer, "params", None):
                return  # BUG: skip this layer with `continue`; the layers after it still need their step
            for k, v in velocities.items():
                w, g = layer.params[k], layer.grads[k]
                v *= self.momentum
                v -= self.lr * (g + self.weight_decay * w)
                w += v
