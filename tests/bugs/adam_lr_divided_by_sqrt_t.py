"""Adam with a built-in learning-rate decay: the step size is lr / sqrt(t).

The convergence proof of the Adam paper uses alpha_t = alpha / sqrt(t); copying it into the optimizer shrinks every
step after the first, which no torch.optim.Adam run does (a schedule, if wanted, sets optimizer.lr from outside).
"""

import math

import numpy as np

from solutions.adam import Adam as Reference

EXPECT = dict(exercise="adam", tensor="params['W']", hint="lr_schedule")


class Adam(Reference):
    def step(self):
        self.t += 1
        alpha = self.lr / math.sqrt(self.t)  # BUG: the contract's rate is self.lr itself
        for layer, ms, vs in zip(self.layers, self.m, self.v):
            for k in ms:
                g = layer.grads[k] + self.weight_decay * layer.params[k]
                ms[k] *= self.beta1
                ms[k] += (1.0 - self.beta1) * g
                vs[k] *= self.beta2
                vs[k] += (1.0 - self.beta2) * g**2
                layer.params[k] -= alpha * (ms[k] / (1 - self.beta1**self.t)) / (
                    np.sqrt(vs[k] / (1 - self.beta2**self.t)) + self.eps)
