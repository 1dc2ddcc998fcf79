"""A faster Conv2D with the reference's maths: im2col one image at a time, in a cache-sized buffer.

Proposed replacement for the bodies of ``solutions/conv.py`` (same contract, still about 30 lines per method);
``benchmarks/bench_layers.py --impl solutions tuned`` times it beside the reference and PyTorch. The
reference builds one (C*KH*KW, N*H_out*W_out) matrix for the whole batch (75 MB for the CIFAR net's second
conv at batch 64), which is memory-bound; here each image's matrix (about 1 MB) stays in the CPU cache,
``w @ cols`` lands directly in the (F, H_out, W_out) layout, the rows are ordered (p, q, c) so every kernel
offset is one contiguous block, and backward rebuilds the columns instead of keeping them.

It caches ``self.x`` and ``self.x_pad`` instead of the reference's ``self.cols``; the catalogue files in
``tests/bugs/conv_*.py`` subclass the reference and read ``self.cols``, so adopting this needs them
rebased on a frozen copy of the simple version first.
"""

import numpy as np

from solutions.conv import Conv2D as Reference


class Conv2D(Reference):
    def forward(self, x):
        N, C, H, W = x.shape
        F = self.out_channels
        KH, KW = self.kernel_size
        stride, padding = self.stride, self.padding
        H_out = (H + 2 * padding - KH) // stride + 1
        W_out = (W + 2 * padding - KW) // stride + 1

        x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
        # w[f, (p, q, c)] = W[f, c, p, q]: with this column order each kernel offset (p, q) is one block of cols
        w = self.params["W"].astype(x.dtype, copy=False).transpose(0, 2, 3, 1).reshape(F, KH * KW * C)
        b = self.params["b"].astype(x.dtype, copy=False)

        # im2col one image at a time: cols[(p, q, c), (i, j)] = x_pad[n, c, i*stride + p, j*stride + q].
        # One image's matrix (about 1 MB) stays in the CPU cache where the whole batch's would not, and
        # w @ cols is already image n's output in (F, H_out, W_out) layout.
        cols = np.empty((KH, KW, C, H_out, W_out), dtype=x.dtype)
        out = np.empty((N, F, H_out, W_out), dtype=x.dtype)
        for n in range(N):
            for p in range(KH):
                for q in range(KW):
                    cols[p, q] = x_pad[n, :, p:p + stride * H_out:stride, q:q + stride * W_out:stride]
            np.matmul(w, cols.reshape(KH * KW * C, H_out * W_out), out=out[n].reshape(F, H_out * W_out))
        out += b[:, None, None]

        self.x, self.x_pad = x, x_pad
        return out

    def backward(self, dout):
        x, x_pad = self.x, self.x_pad
        N, C, H, W = x.shape
        F = self.out_channels
        KH, KW = self.kernel_size
        stride, padding = self.stride, self.padding
        H_out, W_out = dout.shape[2:]

        W_param, b_param = self.params["W"], self.params["b"]
        w = W_param.astype(x.dtype, copy=False).transpose(0, 2, 3, 1).reshape(F, KH * KW * C)  # as in forward
        self.grads["b"] = dout.sum(axis=(0, 2, 3)).astype(b_param.dtype)

        # Image by image, as in forward: rebuild cols (cheaper than keeping the whole batch's), then
        # dW += dout[n] @ cols.T (accumulated transposed, the faster product here) and dcols = w.T @ dout[n].
        dw_T = np.zeros((KH * KW * C, F), dtype=x.dtype)
        dx_pad = np.zeros_like(x_pad)
        cols = np.empty((KH, KW, C, H_out, W_out), dtype=x.dtype)
        for n in range(N):
            for p in range(KH):
                for q in range(KW):
                    cols[p, q] = x_pad[n, :, p:p + stride * H_out:stride, q:q + stride * W_out:stride]
            dout_n = dout[n].reshape(F, H_out * W_out)
            dw_T += cols.reshape(KH * KW * C, H_out * W_out) @ dout_n.T
            dcols = (w.T @ dout_n).reshape(KH, KW, C, H_out, W_out)
            # col2im: kernel offset (p, q) touched x_pad[n, :, i*stride + p, j*stride + q] for every (i, j);
            # overlapping windows add up.
            for p in range(KH):
                for q in range(KW):
                    dx_pad[n, :, p:p + stride * H_out:stride, q:q + stride * W_out:stride] += dcols[p, q]
        dW = dw_T.T.reshape(F, KH, KW, C).transpose(0, 3, 1, 2)
        self.grads["W"] = dW.astype(W_param.dtype, order="C")
        return dx_pad[:, :, padding:padding + H, padding:padding + W]
