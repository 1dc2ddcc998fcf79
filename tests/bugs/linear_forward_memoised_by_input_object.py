"""Linear's forward remembers its last output and returns it again when it is given the same array object
(`if x is self._last_x`), "to avoid recomputing during evaluation".

A data loader that writes each batch into one reused buffer hands over the same object with new values, and gets
the first batch's output back.
"""

from solutions.linear import Linear as Reference

EXPECT = dict(exercise="linear", tensor="out", hint="stale_cache")


class Linear(Reference):
    def forward(self, x):
        if getattr(self, "_last_x", None) is x:  # BUG: the values may have changed; compute every call
            return self._last_out.copy()
        out = super().forward(x)
        self._last_x, self._last_out = x, out.copy()
        return out
