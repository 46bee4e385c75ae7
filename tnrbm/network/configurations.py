"""Spin configurations: checking them and enumerating all of them in kron order."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import InvalidConfigurationError
from ..validation import check_int, check_memory

__all__ = ["all_configurations", "check_configurations"]


def check_configurations(v: Any, n_visible: int, name: str = "v") -> np.ndarray:
    """Validate spin configurations of shape ``(..., n_visible)`` with entries in {+1, -1}.

    Returns them as a float64 array.

    Examples
    --------
    >>> check_configurations([1, -1, 1], 3)
    array([ 1., -1.,  1.])
    """
    try:
        arr = np.asarray(v)
    except (ValueError, TypeError):
        raise InvalidConfigurationError(f"{name} must be an array of +1/-1 spins") from None
    if arr.ndim == 0 or arr.shape[-1] != n_visible:
        raise InvalidConfigurationError(
            f"{name} must have shape (..., {n_visible}) (one entry per visible spin); got shape {arr.shape}"
        )
    if not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
        raise InvalidConfigurationError(f"{name} must hold real +1/-1 spins; got dtype {arr.dtype}")
    ok = (arr == 1) | (arr == -1)
    if not np.all(ok):
        bad = arr[~ok].flat[0]
        raise InvalidConfigurationError(
            f"{name} must hold spins +1 or -1 only; got the value {bad!r} (binary 0/1 data: use 1 - 2 * x)"
        )
    return arr.astype(np.float64)


def all_configurations(n: int) -> np.ndarray:
    """Every configuration of ``n`` spins in kron order, shape ``(2**n, n)``.

    Site 0 is the most significant bit and spin +1 is basis index 0.

    Examples
    --------
    >>> all_configurations(2)
    array([[ 1.,  1.],
           [ 1., -1.],
           [-1.,  1.],
           [-1., -1.]])
    """
    n = check_int(n, "n", minimum=0)
    check_memory(
        8.0 * n * math.ldexp(1.0, n) if n < 1000 else math.inf,
        f"all {2**n if n < 64 else '2**' + str(n)} configurations of {n} spins",
        None,
        "enumerate fewer spins, or sample configurations instead",
    )
    idx = np.arange(2**n, dtype=np.int64)[:, None]
    bits = (idx >> np.arange(n - 1, -1, -1)) & 1
    return 1.0 - 2.0 * bits
