"""How many BLAS threads a computation may use."""

from __future__ import annotations

import contextlib
from typing import Any

from threadpoolctl import threadpool_limits

__all__ = ["blas_threads", "SMALL_ARRAY"]

#: below this many entries, the largest array of a computation runs on one BLAS thread
SMALL_ARRAY = 2**22


def blas_threads(n_threads: int | None) -> Any:
    """A context that limits the BLAS threads to ``n_threads`` (None: no limit).

    Many small matrix products and eigendecompositions run several times slower with a threaded BLAS
    on a busy machine (measured: a 256 x 256 ``eigh`` took 0.2-3 s threaded, 0.05 s on one thread).

    Examples
    --------
    >>> import numpy as np
    >>> with blas_threads(1):
    ...     float(np.linalg.eigvalsh(np.eye(2))[0])
    1.0
    """
    if n_threads is None:
        return contextlib.nullcontext()
    return threadpool_limits(limits=int(n_threads), user_api="blas")
