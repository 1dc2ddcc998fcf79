"""The (F, N*Ho*Wo) product `W_rows @ cols` is reshaped straight to (N, F, Ho, Wo), without moving F behind N.

Right for one image (F, Ho*Wo) and for one filter (1, N*Ho*Wo), where the reshape has nothing to reorder; with
several of both the outputs of different images and filters trade places. It needs
`.reshape(F, N, Ho, Wo).transpose(1, 0, 2, 3)`. The bias, added after the reshape, is right; backward here is the
reference's, right for the true layout.
"""

from solutions.conv import Conv2D as Reference

EXPECT = dict(exercise="conv", tensor="out", hint="channels")


class Conv2D(Reference):
    def forward(self, x):
        b = self.params["b"].astype(x.dtype).reshape(1, -1, 1, 1)
        product = super().forward(x) - b  # W_rows @ cols, here in the (N, F, Ho, Wo) order
        rows = product.transpose(1, 0, 2, 3)  # the (F, N, Ho, Wo) order a filter-major product holds
        return rows.reshape(product.shape) + b  # BUG: .transpose(1, 0, 2, 3), not a reshape; then the bias
