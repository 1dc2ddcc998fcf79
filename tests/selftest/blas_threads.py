"""The environment of the graded runs the self-tests make by the hundred (catalogue entries, random seeds)."""

from __future__ import annotations

import os


def one_blas_thread() -> dict[str, str]:
    """os.environ with one BLAS thread per process. The graded cases are small, and two xdist workers on 2 cores,
    each with a BLAS pool of two threads that spin between products, lose CPU to the spinning: 90 catalogue runs took
    35.7 s of user CPU with one thread, 41.5 s with the default (2026-12-03). A run's grade does not depend on it."""
    return {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
