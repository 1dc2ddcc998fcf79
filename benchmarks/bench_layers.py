"""Speed of an implementation's layers against PyTorch CPU, side by side in one run.

    python benchmarks/bench_layers.py                        # reference layers, 1 thread, batch 64
    python benchmarks/bench_layers.py --impl solutions tests/variants/conv_whole_batch_im2col.py
    python benchmarks/bench_layers.py --threads 2 --impl exercises

Prints, for the CIFAR-10 network's layers at their real shapes (float32): forward and backward times of
the NumPy implementation and of PyTorch (``torch.nn.functional`` with autograd), then whole training
steps (forward, loss, backward, SGD momentum update) of the MNIST and CIFAR-10 networks, and the
single-core-equivalent matrix-multiply rate (``float32`` 2048 x 2048 ``@``) measured in the same run:
the step's useful GFLOP/s as a fraction of it says how close to the machine's peak the layers run.

``--impl`` takes ``exercises``, ``solutions``, a folder with the six files, or a catalogue file
(``tests/variants/*.py``, ``tests/bugs/*.py``: the reference with that one exercise replaced).
Parameters are float32, as in ``gradkit train``.
PyTorch is optional (``pip install torch==2.13.0``); without it the NumPy figures and the SGEMM
fraction are still printed. Thread counts are set with threadpoolctl (NumPy's BLAS) and
``torch.set_num_threads``. Layer times are medians over ``--repeats`` runs, NumPy and PyTorch alternating.
The training steps run in ``--repeats`` rounds, each timing the SGEMM, every NumPy step and the PyTorch step
once in turn, so that drift on a shared machine hits all of them alike; each ratio is computed within a
round and printed as its median and range over the rounds, for wall-clock time and for the process's CPU
time (which leaves out the time other jobs hold the core; at 1 thread it is the steadier of the two).

NumPy's OpenBLAS picks its kernels for the processor at run time, unless ``OPENBLAS_CORETYPE`` forces some
(the first line printed names them): forced AVX2 kernels on an AVX-512 machine run matrix products about
half as fast, while PyTorch's oneDNN still uses AVX-512. These are numbers to read, not a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gradkit.cli.train import load_impl  # noqa: E402
from gradkit.release.catalogue import exercise_of, submission_with  # noqa: E402
from gradkit.train.models import cifar10_net, mnist_net  # noqa: E402


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_times(fns: dict, repeats: int, warmup: int = 2) -> dict:
    """Median seconds of each zero-argument function, run in turn ``repeats`` times after ``warmup``."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    samples = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            samples[name].append(timed(fn))
    return {name: statistics.median(values) for name, values in samples.items()}


def sgemm(n: int = 2048):
    """A zero-argument float32 n x n matrix product and its floating-point operation count."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    return (lambda: a @ b), 2 * n**3


def interleaved_rounds(fns: dict, rounds: int, warmup: int = 2) -> dict:
    """{name: [(wall seconds, CPU seconds), ...]}: every function once per round, in turn, ``rounds`` times."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    samples = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            samples[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    return samples


def spread(values, digits: int = 2) -> str:
    """'median (min-max)' of a few ratios."""
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def blas_note() -> str:
    """Which OpenBLAS kernels NumPy runs, and whether the environment forced them."""
    from threadpoolctl import threadpool_info
    kernels = sorted({info.get("architecture") or "?" for info in threadpool_info() if info.get("user_api") == "blas"})
    note = f"BLAS kernels {'/'.join(kernels) or 'unknown'}"
    forced = os.environ.get("OPENBLAS_CORETYPE")
    if forced:
        note += f" (forced by OPENBLAS_CORETYPE={forced}; `env -u OPENBLAS_CORETYPE ...` lets OpenBLAS choose)"
    return note


# (name, kind, arguments, input shape without the batch axis) of the CIFAR-10 network's layers
CIFAR_LAYERS = [
    ("conv1 3->32 @32", "conv", (3, 32), (3, 32, 32)),
    ("conv2 32->32 @32", "conv", (32, 32), (32, 32, 32)),
    ("conv3 32->64 @16", "conv", (32, 64), (32, 16, 16)),
    ("conv4 64->64 @16", "conv", (64, 64), (64, 16, 16)),
    ("pool 32 @32", "pool", (), (32, 32, 32)),
    ("relu 32x32x32", "relu", (), (32, 32, 32)),
    ("fc1 4096->256", "linear", (4096, 256), (4096,)),
    ("softmax-CE 10", "ce", (), (10,)),
]


def numpy_layer(impl, kind, args, x, rng):
    """(forward, backward) closures of one NumPy layer on input x."""
    if kind == "ce":
        layer = impl.SoftmaxCrossEntropy()
        y = rng.integers(0, x.shape[1], len(x))
        return (lambda: layer.forward(x, y)), layer.backward
    layer = {"conv": lambda: impl.Conv2D(*args, 3, padding=1, rng=rng), "pool": lambda: impl.MaxPool2D(2),
             "relu": impl.ReLU, "linear": lambda: impl.Linear(*args, rng=rng)}[kind]()
    for key in layer.params:  # float32 parameters, as gradkit train uses them
        layer.params[key] = layer.params[key].astype(np.float32)
        layer.grads[key] = np.zeros_like(layer.params[key])
    out = layer.forward(x)
    dout = rng.standard_normal(out.shape).astype(np.float32)
    return (lambda: layer.forward(x)), (lambda: layer.backward(dout))


def torch_layer(torch, kind, args, x_np, rng):
    F = torch.nn.functional
    x = torch.from_numpy(x_np).requires_grad_(True)
    if kind == "conv":
        w = torch.randn(args[1], args[0], 3, 3, requires_grad=True)
        b = torch.zeros(args[1], requires_grad=True)
        forward = lambda: F.conv2d(x, w, b, padding=1)  # noqa: E731
    elif kind == "pool":
        forward = lambda: F.max_pool2d(x, 2)  # noqa: E731
    elif kind == "relu":
        forward = lambda: F.relu(x)  # noqa: E731
    elif kind == "linear":
        w = torch.randn(args[0], args[1], requires_grad=True)
        b = torch.zeros(args[1], requires_grad=True)
        forward = lambda: x @ w + b  # noqa: E731
    else:
        y = torch.from_numpy(rng.integers(0, x_np.shape[1], len(x_np)))
        forward = lambda: F.cross_entropy(x, y)  # noqa: E731
    out = forward()
    dout = torch.ones_like(out) if out.dim() == 0 else torch.randn_like(out)

    def backward():
        out = forward()
        out.backward(dout)

    return (lambda: forward().detach()), backward


def numpy_step(impl, build, x, y):
    net = build(impl, np.random.default_rng(0))
    loss = impl.SoftmaxCrossEntropy()
    opt = impl.SGDMomentum(net.layers, lr=0.01, momentum=0.9, weight_decay=5e-4)

    def step():
        loss.forward(net.forward(x), y)
        net.backward(loss.backward())
        opt.step()

    return step


def torch_step(torch, dataset, x_np, y_np):
    nn = torch.nn
    if dataset == "mnist":
        model = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                              nn.Linear(1568, 128), nn.ReLU(), nn.Linear(128, 10))
    else:
        model = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),
                              nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
                              nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                              nn.Linear(4096, 256), nn.ReLU(), nn.Linear(256, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)

    def step():
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    return step


def forward_flops(net) -> int:
    """Multiply-adds x 2 of the conv and linear layers for one image."""
    x = np.zeros((1, *net.input_shape), np.float32)
    flops = 0
    for layer in net.layers:
        out = layer.forward(x)
        W = layer.params.get("W")
        if W is not None:
            per_output = W.size // (W.shape[0] if W.ndim == 4 else W.shape[1])
            flops += 2 * per_output * out.size
        x = out
    return flops


def resolve_impl(spec: str, scratch: Path):
    """load_impl(spec), where a catalogue file `<exercise>_<name>.py` means the reference with it as that exercise."""
    path = Path(spec)
    if path.suffix != ".py":
        return load_impl(spec)
    exercise = exercise_of(path)
    if exercise is None:
        raise SystemExit(f"--impl {spec}: a catalogue file is named <exercise>_<name>.py")
    return load_impl(str(submission_with(path, exercise, scratch / path.stem)))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--impl", nargs="+", default=["solutions"], help="implementations to time (see above)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--no-layers", dest="layers", action="store_false", help="whole steps only")
    args = parser.parse_args(argv)

    from threadpoolctl import threadpool_limits
    threadpool_limits(args.threads)
    try:
        import torch
        torch.set_num_threads(args.threads)
        torch_note = f"torch {torch.__version__}, {torch.get_num_threads()} thread(s)"
    except ImportError:
        torch = None
        torch_note = "PyTorch not installed (pip install torch==2.13.0): NumPy figures only"
    scratch = Path(tempfile.mkdtemp(prefix="gradkit-bench-"))
    impls = {spec: resolve_impl(spec, scratch) for spec in args.impl}
    rng = np.random.default_rng(0)
    N = args.batch
    print(f"numpy {np.__version__}, {args.threads} BLAS thread(s), {blas_note()}; batch {N}, float32; "
          f"{torch_note}")
    for spec, impl in impls.items() if args.layers else ():
        print(f"\n--impl {spec}: CIFAR-10 net layers")
        print(f"{'layer':<20}{'numpy fwd':>11}{'torch fwd':>11}{'ratio':>7}"
              f"{'numpy bwd':>11}{'torch bwd':>11}{'ratio':>7}")
        for name, kind, layer_args, shape in CIFAR_LAYERS:
            x = rng.standard_normal((N, *shape)).astype(np.float32)
            fns = dict(zip(("nf", "nb"), numpy_layer(impl, kind, layer_args, x, rng)))
            if torch is not None:
                tf, tb = torch_layer(torch, kind, layer_args, x, rng)
                fns.update(tf=tf, tb=tb)
            t = median_times(fns, args.repeats)
            # torch's backward closure runs forward + backward: subtract its forward
            row = f"{name:<20}{1e3 * t['nf']:>9.2f}ms"
            if torch is not None:
                tb_only = max(t["tb"] - t["tf"], 1e-7)
                row += f"{1e3 * t['tf']:>9.2f}ms{t['nf'] / t['tf']:>7.2f}{1e3 * t['nb']:>9.2f}ms{1e3 * tb_only:>9.2f}ms"
                row += f"{t['nb'] / tb_only:>7.2f}"
            else:
                row += f"{'-':>11}{'-':>7}{1e3 * t['nb']:>9.2f}ms"
            print(row)

    print(f"\ntraining steps: {args.repeats} rounds, each timing SGEMM, the NumPy step(s) and the PyTorch step once; "
          "ratios within a round, median (min-max) over the rounds")
    width = max(30, *(len(f"cifar10 {spec}") + 2 for spec in impls))
    print(f"{'training step':<{width}}{'numpy':>9}{'torch':>9}{'ratio (wall)':>19}{'ratio (CPU)':>19}"
          f"{'GFLOP/s':>9}{'of SGEMM':>20}")
    sgemm_fn, sgemm_flops = sgemm()
    sgemm_rates = []
    for dataset, build, shape in (("mnist", mnist_net, (1, 28, 28)), ("cifar10", cifar10_net, (3, 32, 32))):
        x = rng.standard_normal((N, *shape)).astype(np.float32)
        y = rng.integers(0, 10, N)
        fns = {"sgemm": sgemm_fn}
        fns.update({spec: numpy_step(impl, build, x, y) for spec, impl in impls.items()})
        if torch is not None:
            fns["torch"] = torch_step(torch, dataset, x, y)
        samples = interleaved_rounds(fns, args.repeats)
        sgemm_walls = [wall for wall, _ in samples["sgemm"]]
        sgemm_rates += [sgemm_flops / wall / 1e9 for wall in sgemm_walls]
        flops = 3 * forward_flops(build(impls[args.impl[0]], np.random.default_rng(0))) * N
        for spec in [*impls, "torch"] if torch is not None else impls:
            walls = [wall for wall, _ in samples[spec]]
            row = f"{dataset} {spec}"
            if spec == "torch":
                row = f"{row:<{width}}{'':>9}{1e3 * statistics.median(walls):>7.1f}ms{'':>19}{'':>19}"
            elif torch is not None:
                torch_walls = [wall for wall, _ in samples["torch"]]
                cpu_ratios = [cpu / torch_cpu for (_, cpu), (_, torch_cpu) in zip(samples[spec], samples["torch"])]
                row = f"{row:<{width}}{1e3 * statistics.median(walls):>7.1f}ms"
                row += f"{1e3 * statistics.median(torch_walls):>7.1f}ms"
                row += f"{spread([w / t for w, t in zip(walls, torch_walls)]):>19}{spread(cpu_ratios):>19}"
            else:
                row = f"{row:<{width}}{1e3 * statistics.median(walls):>7.1f}ms{'-':>9}{'-':>19}{'-':>19}"
            fraction = [100 * (flops / wall) / (sgemm_flops / s_wall) for wall, s_wall in zip(walls, sgemm_walls)]
            row += f"{flops / statistics.median(walls) / 1e9:>9.1f}{spread(fraction, 1) + '%':>20}"
            print(row)
    print(f"SGEMM 2048x2048 (float32 @, {args.threads} thread(s)), timed in the same rounds: "
          f"{statistics.median(sgemm_rates):.0f} GFLOP/s ({min(sgemm_rates):.0f}-{max(sgemm_rates):.0f})")
    print("\nratio = numpy time / torch time (lower is better); GFLOP/s (useful, at the median wall time) counts "
          "3x the forward multiply-adds of the conv and linear layers (forward, dx, dW); of SGEMM = that rate "
          "over the same round's SGEMM rate")
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
