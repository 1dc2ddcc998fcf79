"""Conv backward whose dW comes out with the kernel's two axes swapped: (F, C, KW, KH) for (F, C, KH, KW).

An einsum written `...->fcqp` where `...->fcpq` belongs (or a transpose of the last two axes) gives a dW of the
wrong shape for a non-square kernel, and a transposed kernel gradient for a square one.
"""

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="dW", hint="shape")


class Conv2D(Reference):
    def backward(self, dout):
        dx = super().backward(dout)
        self.grads["W"] = self.grads["W"].transpose(0, 1, 3, 2).copy()  # BUG: the kernel axes in (KW, KH) order
        return dx
