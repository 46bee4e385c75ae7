"""Hierarchical (RG / discretized AdS) deep Boltzmann machines and the mass-to-depth rule.

``hierarchical(n, ...)`` stacks hidden layers like a real-space RG (paper eq. 18): hidden layer ``l``
has about ``n / branching**l`` units and each unit couples to its block of ``branching`` units of
layer ``l - 1`` plus ``overlap`` neighbours on each side. The overlapping receptive fields make every
layer add links to the minimal cut of a contiguous region, so the cut of ``|A| = 2**k`` spins grows
linearly in ``k`` (a discretized AdS bulk, ``S ~ log |A|``). A mass ``m_f`` gaps the boundary theory:
the network ends at the depth ``z_IR = ceil(log2 xi)`` where the RG reaches the correlation length
``xi`` (paper eq. 21), and cuts saturate for ``|A| >> xi``.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from ..errors import InvalidParameterError
from ..network import DBM
from ..validation import as_float, check_bool, check_int, rng_from_seed
from .random import _draw, _sparse_weights, check_model_size, check_scales

__all__ = ["correlation_length", "hierarchical", "hierarchical_layer_sizes", "ir_depth"]


def correlation_length(mass: float) -> float:
    """The correlation length ``xi`` of a boundary of mass ``m_f`` (paper eq. 21), in lattice sites.

    ``1 / xi = (1/2) ln((1 + |m_f|) / (1 - |m_f|)) = artanh |m_f|``: exactly the decay length of the
    ground-state correlations of the dimerized hopping chain ``t_j = 1 + (-1)**j m_f`` at half filling.
    ``m_f = 0`` (gapless) gives ``inf``.

    Parameters
    ----------
    mass
        A real number with ``|mass| < 1``.

    Examples
    --------
    >>> round(correlation_length(0.5), 6)
    1.820478
    >>> correlation_length(0.0)
    inf
    """
    if isinstance(mass, bool) or not isinstance(mass, numbers.Real) or not math.isfinite(as_float(mass)):
        raise InvalidParameterError(f"mass must be a real number with |mass| < 1; got {mass!r}")
    m = abs(as_float(mass))
    if m >= 1.0:
        raise InvalidParameterError(f"mass must satisfy |mass| < 1 (hoppings 1 +- mass stay positive); got {mass!r}")
    return math.inf if m == 0.0 else 1.0 / math.atanh(m)


def hierarchical_layer_sizes(n: int, branching: int = 2) -> list[int]:
    """Sizes ``[n, ceil(n/b), ceil(n/b**2), ..., 1]`` of the full RG tower over ``n`` spins.

    The tower has at least one hidden layer (``[1, 1]`` for one spin).

    Examples
    --------
    >>> hierarchical_layer_sizes(8)
    [8, 4, 2, 1]
    >>> hierarchical_layer_sizes(10, branching=3)
    [10, 4, 2, 1]
    """
    n = check_int(n, "n", 1)
    branching = check_int(branching, "branching", 2)
    sizes = [n]
    while sizes[-1] > 1 or len(sizes) == 1:
        sizes.append(-(-sizes[-1] // branching))
    return sizes


def ir_depth(mass: float, n: int, branching: int = 2) -> int:
    """The depth ``z_IR = ceil(log_b xi)`` at which a mass ends the RG network, clipped to ``[1, full]``.

    ``b = branching`` (2 gives paper eq. 21, ``z_IR = ceil(log2 xi)``); ``full`` is the depth of the
    whole tower over ``n`` spins (:func:`hierarchical_layer_sizes`). ``mass = 0`` gives the full depth.

    Examples
    --------
    >>> ir_depth(0.05, 4096)  # xi = 19.98
    5
    >>> ir_depth(0.0, 4096)
    12
    """
    full = len(hierarchical_layer_sizes(n, branching)) - 1
    xi = correlation_length(mass)
    if math.isinf(xi):
        return full
    z = math.ceil(math.log(xi) / math.log(branching) - 1e-12)
    return int(min(max(z, 1), full))


def _receptive_fields(n_in: int, n_out: int, branching: int, overlap: int, periodic: bool) -> tuple:
    """(rows, cols) of the couplings of one layer: unit j sees its block of ``branching`` units and ``overlap``
    more on each side, each unit once."""
    rows, cols = [], []
    for j in range(n_out):
        seen = set()
        lo, hi = j * branching - overlap, (j + 1) * branching + overlap
        # past n_in steps a periodic field only repeats units already seen; an open one stops at the ends
        for i in range(lo, min(hi, lo + n_in)) if periodic else range(max(lo, 0), min(hi, n_in)):
            if periodic:
                i %= n_in
            if i not in seen:
                seen.add(i)
                rows.append(i)
                cols.append(j)
    return np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)


def hierarchical(
    n: int,
    depth: int | None = None,
    branching: int = 2,
    overlap: int = 1,
    periodic: bool = True,
    mass: float | None = None,
    scale: float = 0.5,
    complex: bool = False,  # noqa: A002 - the natural name
    hidden: str = "spin",
    bias_scale: float | None = None,
    seed: Any = None,
) -> DBM:
    """A hierarchical DBM shaped like a real-space RG network / discretized AdS (paper eq. 18).

    Hidden layer ``l`` has ``n_l = ceil(n_{l-1} / branching)`` units; unit ``j`` of layer ``l``
    couples to the units ``j b - overlap, ..., (j + 1) b - 1 + overlap`` of layer ``l - 1``
    (``b = branching``): its block plus ``overlap`` neighbours on each side, wrapped around when
    ``periodic`` and cut at the ends otherwise (a unit is coupled at most once).

    Parameters
    ----------
    n
        Number of visible spins (the boundary).
    depth
        Number of hidden layers; default: the full tower up to a single unit,
        ``ceil(log_b n)``. Not together with ``mass``.
    branching
        Block size ``b >= 2`` of the RG step.
    overlap
        Extra neighbours on each side of a block (``0``: a tree, whose cuts do not grow with depth).
    periodic
        Wrap the receptive fields around the ring.
    mass
        A boundary mass ``|m_f| < 1``: the network ends at ``depth = z_IR = ceil(log_b xi)`` with
        ``xi = correlation_length(mass)`` (clipped to at least one layer and at most the full tower;
        ``mass = 0`` gives the full tower).
    scale, complex, hidden, bias_scale, seed
        As in :mod:`tnrbm.models`: couplings normal with standard deviation ``scale``.

    Returns
    -------
    DBM
        With ``geometry = {"kind": "hierarchical", "n", "branching", "overlap", "periodic",
        "depth", "mass", "xi", "layer_sizes"}``.

    Examples
    --------
    >>> import tnrbm
    >>> net = hierarchical(16, seed=0)
    >>> net.layer_sizes
    (16, 8, 4, 2, 1)
    >>> net.geometry["depth"]
    4
    >>> hierarchical(64, mass=0.2, seed=0).geometry["depth"]  # xi = 4.93, z_IR = 3
    3
    """
    n = check_int(n, "n", 1)
    branching = check_int(branching, "branching", 2)
    overlap = check_int(overlap, "overlap", 0)
    scale, bias_scale, complex = check_scales(scale, bias_scale, complex)  # noqa: A001
    periodic = check_bool(periodic, "periodic")
    tower = hierarchical_layer_sizes(n, branching)
    full = len(tower) - 1
    xi = None
    if mass is not None:
        if depth is not None:
            raise InvalidParameterError(
                f"give depth or mass, not both (mass sets depth = z_IR); got depth={depth!r}, mass={mass!r}"
            )
        xi = correlation_length(mass)
        depth = ir_depth(mass, n, branching)
    elif depth is None:
        depth = full
    else:
        depth = check_int(depth, "depth", 1)
        if depth > full:
            raise InvalidParameterError(
                f"depth must be at most {full} (the tower over n={n} spins with branching={branching} ends in "
                f"one unit after {full} layers); got depth={depth}"
            )
    sizes = tower[: depth + 1]
    field = branching + 2 * overlap
    check_model_size(sum(sizes), sum(b * min(a, field) for a, b in zip(sizes[:-1], sizes[1:])), "hierarchical")
    rng = rng_from_seed(seed)
    weights = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        rows, cols = _receptive_fields(n_in, n_out, branching, overlap, periodic)
        weights.append(_sparse_weights(rows, cols, (n_in, n_out), rng, scale, complex))
    biases = [_draw(rng, s, bias_scale, complex) for s in sizes]
    dbm = DBM(weights, biases, hidden=hidden)
    dbm.geometry = {
        "kind": "hierarchical",
        "n": n,
        "branching": branching,
        "overlap": overlap,
        "periodic": bool(periodic),
        "depth": depth,
        "mass": None if mass is None else float(mass),
        "xi": xi if xi is None or math.isfinite(xi) else None,  # massless: no finite length
        "layer_sizes": tuple(sizes),
    }
    return dbm
