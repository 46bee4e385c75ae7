"""Local Boltzmann networks: chains and 2D lattices whose hidden units see a neighbourhood of spins.

Every constructor takes ``seed`` (an int or a numpy Generator); couplings are drawn as in
:mod:`tnrbm.models.random`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import InvalidParameterError
from ..network import RBM
from ..validation import check_bool, check_int, rng_from_seed
from .random import _draw, _sparse_weights, check_model_size, check_scales

__all__ = ["local_chain", "local_lattice"]


def local_chain(
    n: int,
    alpha: int = 1,
    radius: int = 1,
    periodic: bool = True,
    scale: float = 0.5,
    complex: bool = False,  # noqa: A002
    hidden: str = "spin",
    bias_scale: float | None = None,
    seed: Any = None,
) -> RBM:
    """A local RBM on a chain: ``alpha`` hidden units (features) sit at each site ``s`` and couple to
    the ``2 * radius + 1`` spins ``s - radius ... s + radius`` (wrapped when ``periodic``, cut at the
    ends otherwise).

    Hidden unit ``j = s * alpha + f`` is feature ``f`` at site ``s`` (site-major, so the hidden units
    follow the chain).

    Examples
    --------
    >>> import tnrbm
    >>> rbm = tnrbm.models.local_chain(8, alpha=1, radius=1, seed=0)
    >>> rbm.n_hidden, rbm.n_edges
    (8, 24)
    """
    n = check_int(n, "n", 1)
    alpha = check_int(alpha, "alpha", 1)
    radius = check_int(radius, "radius", 0)
    scale, bias_scale, complex = check_scales(scale, bias_scale, complex)  # noqa: A001
    periodic = check_bool(periodic, "periodic")
    if periodic and 2 * radius + 1 > n:
        raise InvalidParameterError(
            f"radius must satisfy 2 * radius + 1 <= n on a periodic chain (a hidden unit would see a spin "
            f"twice); got radius={radius}, n={n}"
        )
    check_model_size(n * (1 + alpha), n * alpha * min(2 * radius + 1, n), "local_chain")
    rng = rng_from_seed(seed)
    rows, cols = [], []
    for s in range(n):
        # the offsets that can land on the chain (all of them when periodic), in increasing order
        offsets = range(-radius, radius + 1) if periodic else range(max(-radius, -s), min(radius, n - 1 - s) + 1)
        for f in range(alpha):
            for d in offsets:
                i = s + d
                if periodic:
                    i %= n
                elif not 0 <= i < n:
                    continue
                rows.append(i)
                cols.append(s * alpha + f)
    w = _sparse_weights(np.array(rows), np.array(cols), (n, n * alpha), rng, scale, complex)
    rbm = RBM(w, _draw(rng, n, bias_scale, complex), _draw(rng, n * alpha, bias_scale, complex), hidden=hidden)
    rbm.geometry = {"kind": "chain", "n": n, "periodic": bool(periodic), "alpha": alpha, "radius": radius}
    return rbm


def local_lattice(
    shape: Sequence[int],
    alpha: int = 1,
    radius: int = 1,
    periodic: bool = True,
    scale: float = 0.5,
    complex: bool = False,  # noqa: A002
    hidden: str = "spin",
    bias_scale: float | None = None,
    seed: Any = None,
) -> RBM:
    """A local RBM on a 2D lattice of ``shape = (Lx, Ly)``: ``alpha`` hidden units at each site couple
    to the ``(2 * radius + 1)**2`` spins of the square around it (wrapped when ``periodic``).

    Spin ``(x, y)`` is visible unit ``x * Ly + y``; hidden unit ``j = (x * Ly + y) * alpha + f``.

    Examples
    --------
    >>> import tnrbm
    >>> rbm = tnrbm.models.local_lattice((3, 3), radius=1, seed=0)
    >>> rbm.n_visible, rbm.n_edges
    (9, 81)
    """
    if isinstance(shape, (str, bytes)) or not isinstance(shape, Sequence) or len(shape) != 2:
        raise InvalidParameterError(f"shape must be a pair (Lx, Ly); got {shape!r}")
    lx, ly = (check_int(x, "shape", 1) for x in shape)
    alpha = check_int(alpha, "alpha", 1)
    radius = check_int(radius, "radius", 0)
    scale, bias_scale, complex = check_scales(scale, bias_scale, complex)  # noqa: A001
    periodic = check_bool(periodic, "periodic")
    if periodic and 2 * radius + 1 > min(lx, ly):
        raise InvalidParameterError(
            f"radius must satisfy 2 * radius + 1 <= min(shape) on a periodic lattice; got radius={radius}, "
            f"shape={(lx, ly)}"
        )
    side = 2 * radius + 1
    check_model_size(lx * ly * (1 + alpha), lx * ly * alpha * min(side, lx) * min(side, ly), "local_lattice")
    rng = rng_from_seed(seed)
    rows, cols = [], []
    for x in range(lx):
        for y in range(ly):
            dxs = range(-radius, radius + 1) if periodic else range(max(-radius, -x), min(radius, lx - 1 - x) + 1)
            dys = range(-radius, radius + 1) if periodic else range(max(-radius, -y), min(radius, ly - 1 - y) + 1)
            for f in range(alpha):
                j = (x * ly + y) * alpha + f
                for dx in dxs:
                    for dy in dys:
                        xx, yy = x + dx, y + dy
                        if periodic:
                            xx, yy = xx % lx, yy % ly
                        elif not (0 <= xx < lx and 0 <= yy < ly):
                            continue
                        rows.append(xx * ly + yy)
                        cols.append(j)
    n = lx * ly
    w = _sparse_weights(np.array(rows), np.array(cols), (n, n * alpha), rng, scale, complex)
    rbm = RBM(w, _draw(rng, n, bias_scale, complex), _draw(rng, n * alpha, bias_scale, complex), hidden=hidden)
    rbm.geometry = {"kind": "lattice", "shape": (lx, ly), "periodic": bool(periodic), "alpha": alpha, "radius": radius}
    return rbm
