"""Streaming Swendsen-Wang for long runs (Monte Carlo RG), and a straightforward numpy reference.

:func:`swendsen_wang_stream` yields configurations one kept sweep at a time, so ``10**4`` samples of a
``256 x 256`` torus never sit in memory together. Each sweep builds the sparse graph of active bonds
directly in CSR form (every site has its ``+x`` and ``+y`` bonds, in row order: no COO sort) and labels
its clusters with scipy's ``connected_components`` (union-find-like, in C). Several chains are updated
together in one graph.

:func:`swendsen_wang_reference` is the straightforward numpy implementation it is measured against:
the same bond activation, clusters labelled by propagating the smallest label across active bonds
until nothing changes (a vectorized sweep per propagation step; the number of steps grows with the
cluster diameters, about ``L`` at ``K_c``).

Examples
--------
>>> s = next(swendsen_wang_stream((8, 8), 0.6, 1, burn_in=20, seed=0))
>>> s.shape, bool(abs(s.mean()) > 0.5)
((1, 8, 8), True)
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from ..errors import InvalidParameterError
from ..validation import check_int, check_nonnegative, rng_from_seed

__all__ = ["swendsen_wang_stream", "swendsen_wang_reference", "propagate_labels", "forward_neighbours"]


def forward_neighbours(shape: tuple) -> np.ndarray:
    """``(N, d)``: the ``+axis`` neighbour of every site of a periodic lattice (row-major).

    Examples
    --------
    >>> forward_neighbours((3,)).ravel().tolist()
    [1, 2, 0]
    """
    idx = np.arange(math.prod(shape)).reshape(shape)
    return np.stack([np.roll(idx, -1, axis=a).ravel() for a in range(len(shape))], axis=1)


def _check(shape: Any, coupling: float, n_samples: int, n_chains: int, thin: int, burn_in: int) -> tuple:
    dims = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if not 1 <= len(dims) <= 3:
        raise InvalidParameterError(f"shape must be 1 to 3 lattice sides; got {shape!r}")
    dims = tuple(check_int(d, "shape", minimum=3) for d in dims)
    k = check_nonnegative(coupling, "coupling")
    check_int(n_samples, "n_samples", minimum=1)
    check_int(n_chains, "n_chains", minimum=1)
    check_int(thin, "thin", minimum=1)
    check_int(burn_in, "burn_in", minimum=0)
    return dims, k


def swendsen_wang_stream(
    shape: Any,
    coupling: float,
    n_samples: int,
    n_chains: int = 1,
    thin: int = 1,
    burn_in: int = 100,
    seed: Any = None,
) -> Iterator[np.ndarray]:
    """Yield ``n_samples`` kept sweeps, each ``(n_chains, *shape)`` int8, of periodic Ising chains at ``K``.

    Parameters
    ----------
    shape
        Lattice sides (each >= 3).
    coupling
        ``K >= 0``.
    n_samples, n_chains, thin, burn_in
        Kept sweeps, chains updated together, sweeps between kept ones, discarded first sweeps.
    seed
        int or Generator.

    Examples
    --------
    >>> batches = list(swendsen_wang_stream(16, 0.0, 3, n_chains=2, seed=1))
    >>> len(batches), batches[0].shape
    (3, (2, 16))
    """
    dims, k = _check(shape, coupling, n_samples, n_chains, thin, burn_in)
    rng = rng_from_seed(seed)
    n = math.prod(dims)
    total = n * n_chains
    nbr = (forward_neighbours(dims)[None, :, :] + (np.arange(n_chains) * n)[:, None, None]).reshape(total, -1)
    p_bond = -math.expm1(-2.0 * k)
    s = np.where(rng.random(total) < 0.5, 1, -1).astype(np.int8)
    for t in range(burn_in + thin * n_samples):
        active = (s[:, None] == s[nbr]) & (rng.random(nbr.shape) < p_bond)
        indptr = np.zeros(total + 1, dtype=np.int32)
        np.cumsum(active.sum(axis=1), out=indptr[1:])
        indices = nbr[active].astype(np.int32)
        graph = sp.csr_array((np.ones(indices.size, dtype=np.int8), indices, indptr), shape=(total, total))
        n_comp, labels = connected_components(graph, directed=True, connection="weak")
        s = s * np.where(rng.random(n_comp) < 0.5, -1, 1).astype(np.int8)[labels]
        if t >= burn_in and (t - burn_in) % thin == thin - 1:
            yield s.reshape(n_chains, *dims).copy()


def propagate_labels(active: np.ndarray, nbr: np.ndarray) -> np.ndarray:
    """Cluster labels (the smallest site index of each cluster) by label propagation across active bonds.

    Parameters
    ----------
    active
        ``(N, d)`` booleans: is the bond from each site to its ``nbr`` active.
    nbr
        ``(N, d)`` neighbour indices.

    Examples
    --------
    >>> propagate_labels(np.array([[True], [False], [True]]), forward_neighbours((3,))).tolist()
    [0, 0, 0]
    """
    labels = np.arange(active.shape[0])
    src = np.repeat(np.arange(active.shape[0]), active.shape[1]).reshape(active.shape)[active]
    dst = nbr[active]
    while True:
        new = labels.copy()
        np.minimum.at(new, src, labels[dst])
        np.minimum.at(new, dst, labels[src])
        new = new[new]  # pointer jumping: follow the label's own label
        if np.array_equal(new, labels):
            return labels
        labels = new


def swendsen_wang_reference(
    shape: Any, coupling: float, n_samples: int, thin: int = 1, burn_in: int = 100, seed: Any = None
) -> Iterator[np.ndarray]:
    """The straightforward numpy Swendsen-Wang (label propagation), one chain; yields ``(1, *shape)`` sweeps.

    Examples
    --------
    >>> s = list(swendsen_wang_reference((6, 6), 0.3, 2, burn_in=5, seed=0))
    >>> len(s), s[0].shape
    (2, (1, 6, 6))
    """
    dims, k = _check(shape, coupling, n_samples, 1, thin, burn_in)
    rng = rng_from_seed(seed)
    nbr = forward_neighbours(dims)
    p_bond = -math.expm1(-2.0 * k)
    s = np.where(rng.random(nbr.shape[0]) < 0.5, 1, -1).astype(np.int8)
    for t in range(burn_in + thin * n_samples):
        active = (s[:, None] == s[nbr]) & (rng.random(nbr.shape) < p_bond)
        labels = propagate_labels(active, nbr)
        s = s * np.where(rng.random(labels.size) < 0.5, -1, 1).astype(np.int8)[labels]
        if t >= burn_in and (t - burn_in) % thin == thin - 1:
            yield s.reshape(1, *dims).copy()
