"""Forward pushes its input on a list and backward pops it: a second backward after one forward finds it empty.

Right for one forward and one backward; a backward repeated on the same forward (gradient checking, a second loss
term) raises IndexError.
"""

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="dx", hint="cache_consumed")


class Linear(Reference):
    def forward(self, x):
        out = super().forward(x)
        if not hasattr(self, "stack"):
            self.stack = []
        self.stack.append(self.x)
        return out

    def backward(self, dout):
        self.x = self.stack.pop()  # BUG: read self.stack[-1] (or self.x), do not remove it
        return super().backward(dout)
