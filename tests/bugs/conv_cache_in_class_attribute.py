"""The forward cache lives in a dict in the class body, so every Conv2D of a network shares it.

`cache = {}` written in the class body is one object for the whole class. With one layer it works; with two,
the second forward overwrites the first layer's input, and the first layer's backward computes dW from it.
"""

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="dW", hint="shared_state")


class Conv2D(Reference):
    cache = {}  # BUG: a class attribute, shared by every instance; set self.cache in __init__ or forward

    def forward(self, x):
        out = super().forward(x)
        Conv2D.cache["x"] = self.x
        return out

    def backward(self, dout):
        self.x = Conv2D.cache["x"]
        return super().backward(dout)
