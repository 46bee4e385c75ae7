"""Swendsen-Wang cluster sampling of the ferromagnetic Ising model on periodic lattices, vectorized.

``p(s) ~ exp(K sum_<ij> s_i s_j)`` on a periodic hypercubic lattice of shape ``(L,)`` (chain) or
``(L, L)`` (torus). One sweep: every bond between equal spins is activated with probability
``1 - exp(-2K)``, the clusters of all chains are labelled at once (scipy's connected components on
one sparse graph holding every chain), and each cluster is flipped with probability 1/2. Near
``K_c = (1/2) ln(1 + sqrt 2) = 0.440687`` this decorrelates in a few sweeps, where single-spin updates
need hundreds.

Examples
--------
>>> res = swendsen_wang((8, 8), 0.6, n_sweeps=50, n_chains=2, seed=0)
>>> res.energy.shape, bool(res.abs_magnetization.mean() > 0.8)
((2, 50), True)
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from ..errors import InvalidParameterError
from ..validation import MaxMemory, as_float, check_bool, check_int, check_memory, rng_from_seed

__all__ = ["swendsen_wang", "SampleResult", "lattice_bonds", "block_estimate", "sweep_memory", "CRITICAL_COUPLING"]

#: the critical coupling of the square-lattice Ising model, (1/2) ln(1 + sqrt 2)
CRITICAL_COUPLING = 0.5 * math.log1p(math.sqrt(2.0))


@dataclass
class SampleResult:
    """Samples and measurements of :func:`swendsen_wang`.

    Attributes
    ----------
    samples : numpy.ndarray
        ``(n_chains, n_sweeps // thin, n_spins)`` int8 spins (only when ``keep_samples``), else None.
    energy : numpy.ndarray
        ``(n_chains, n_sweeps)`` energy per spin ``-(1/N) sum_<ij> s_i s_j`` (units of J).
    magnetization : numpy.ndarray
        ``(n_chains, n_sweeps)`` ``m = (1/N) sum_i s_i``.
    """

    samples: np.ndarray | None
    energy: np.ndarray
    magnetization: np.ndarray

    @property
    def abs_magnetization(self) -> np.ndarray:
        """``|m|`` per chain and sweep."""
        return np.abs(self.magnetization)


def lattice_bonds(shape: tuple[int, ...]) -> np.ndarray:
    """The nearest-neighbour bonds ``(n_bonds, 2)`` of a periodic lattice, sites in row-major order.

    Examples
    --------
    >>> lattice_bonds((3,)).tolist()
    [[0, 1], [1, 2], [2, 0]]
    """
    idx = np.arange(math.prod(shape)).reshape(shape)
    pairs = [np.stack([idx.ravel(), np.roll(idx, -1, axis=a).ravel()], axis=1) for a in range(len(shape))]
    return np.concatenate(pairs, axis=0)


def sweep_memory(shape: tuple[int, ...], n_chains: int = 1, n_sweeps: int = 1) -> float:
    """Peak bytes of one Swendsen-Wang sweep and the measurement arrays, before any kept samples.

    Per bond of every chain: its two site indices, the random number, the activity flag and the sparse
    graph scipy labels (about 80 bytes); per site of every chain: spins, labels and flips (32 bytes); the
    bond list (16 bytes a bond) and two float64 measurements per chain and sweep.

    Examples
    --------
    >>> sweep_memory((32, 32), n_chains=8, n_sweeps=500)
    1669632.0
    """
    n, chains = as_float(math.prod(shape)), as_float(n_chains)
    bonds = n * len(shape)
    return 80.0 * chains * bonds + 32.0 * chains * n + 16.0 * bonds + 16.0 * chains * as_float(n_sweeps)


def _is_number(x: Any) -> bool:
    return isinstance(x, (numbers.Real, np.floating, np.integer)) and not isinstance(x, (bool, np.bool_))


def _check_shape(shape: Any) -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)):
        dims: tuple = (shape,)
    elif isinstance(shape, (tuple, list)):
        dims = tuple(shape)
    else:
        dims = ()
    if not 1 <= len(dims) <= 3 or any(
        isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 3 for d in dims
    ):
        raise InvalidParameterError(f"shape must be 1 to 3 lattice sides, each an integer >= 3; got {shape!r}")
    return tuple(int(d) for d in dims)


def swendsen_wang(
    shape: Any,
    coupling: float,
    n_sweeps: int = 1000,
    n_chains: int = 1,
    burn_in: int = 100,
    thin: int = 1,
    keep_samples: bool = False,
    seed: Any = None,
    max_memory: MaxMemory = None,
) -> SampleResult:
    """Sample the periodic ferromagnetic Ising model with Swendsen-Wang cluster updates.

    Parameters
    ----------
    shape
        Lattice sides, e.g. ``(32, 32)`` or ``(64,)``.
    coupling
        ``K >= 0`` (``beta J``).
    n_sweeps, n_chains, burn_in, thin
        Measured sweeps per chain, independent chains (updated together), discarded first sweeps,
        and the spacing of kept samples.
    keep_samples
        Return the spin configurations too.
    seed
        int or numpy Generator.
    max_memory
        Byte limit for the kept samples.

    Returns
    -------
    SampleResult

    Examples
    --------
    >>> res = swendsen_wang(16, 0.0, n_sweeps=20, seed=1)  # K = 0: independent spins
    >>> bool(abs(res.energy.mean()) < 0.3)
    True
    """
    dims = _check_shape(shape)
    if not (_is_number(coupling) and math.isfinite(as_float(coupling)) and as_float(coupling) >= 0):
        raise InvalidParameterError(f"coupling must be a finite K >= 0 (ferromagnet); got {coupling!r}")
    k = as_float(coupling)
    for name, val, low in (
        ("n_sweeps", n_sweeps, 1),
        ("n_chains", n_chains, 1),
        ("burn_in", burn_in, 0),
        ("thin", thin, 1),
    ):
        if isinstance(val, bool) or not isinstance(val, (int, np.integer)) or val < low:
            raise InvalidParameterError(f"{name} must be an integer >= {low}; got {val!r}")
    keep_samples = check_bool(keep_samples, "keep_samples")
    n = math.prod(dims)
    kept_bytes = as_float(n_chains) * as_float(n_sweeps // thin) * n if keep_samples else 0.0
    check_memory(
        sweep_memory(dims, n_chains, n_sweeps) + kept_bytes,
        f"Swendsen-Wang on {n_chains} chains of the {' x '.join(map(str, dims))} lattice"
        + (f" keeping {n_sweeps // thin} samples" if keep_samples else ""),
        max_memory,
        "use a smaller lattice or fewer chains" + (", or keep fewer samples (thin, n_sweeps)" if keep_samples else ""),
    )
    rng = rng_from_seed(seed)
    bonds = lattice_bonds(dims)
    offsets = (np.arange(n_chains) * n)[:, None]
    rows = (bonds[None, :, 0] + offsets).ravel()
    cols = (bonds[None, :, 1] + offsets).ravel()
    s = np.where(rng.random((n_chains, n)) < 0.5, 1, -1).astype(np.int8)
    p_bond = -math.expm1(-2.0 * k)
    energy = np.empty((n_chains, n_sweeps))
    mag = np.empty((n_chains, n_sweeps))
    kept = np.empty((n_chains, n_sweeps // thin, n), dtype=np.int8) if keep_samples else None
    for t in range(burn_in + n_sweeps):
        flat = s.ravel()
        active = (flat[rows] == flat[cols]) & (rng.random(rows.size) < p_bond)
        graph = sp.coo_array((np.ones(int(active.sum())), (rows[active], cols[active])), shape=(flat.size,) * 2)
        n_comp, labels = connected_components(graph, directed=False)
        flip = np.where(rng.random(n_comp) < 0.5, -1, 1).astype(np.int8)
        s = (flat * flip[labels]).reshape(n_chains, n)
        if t >= burn_in:
            m = t - burn_in
            energy[:, m] = -np.sum(s[:, bonds[:, 0]] * s[:, bonds[:, 1]], axis=1, dtype=np.int64) / n
            mag[:, m] = s.sum(axis=1, dtype=np.int64) / n
            if kept is not None and m % thin == 0 and m // thin < kept.shape[1]:
                kept[:, m // thin] = s
    return SampleResult(samples=kept, energy=energy, magnetization=mag)


def block_estimate(series: Any, n_blocks: int = 20) -> tuple[float, float]:
    """Mean and standard error of a (chains, time) series from block averages (autocorrelation-safe).

    ``n_blocks`` blocks per chain, each of ``time // n_blocks`` measurements; the error needs two blocks in
    all (``n_blocks >= 2`` for one chain).

    Examples
    --------
    >>> mean, err = block_estimate(np.ones((2, 100)))
    >>> mean, err
    (1.0, 0.0)
    """
    n_blocks = check_int(n_blocks, "n_blocks", minimum=1)
    try:
        x = None if np.iscomplexobj(series) else np.asarray(series, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        x = None
    if x is None:
        raise InvalidParameterError(
            f"series must be a (chains, time) array of real numbers; got {type(series).__name__}"
        ) from None
    if x.ndim not in (1, 2) or x.size == 0:
        raise InvalidParameterError(f"series must be a nonempty (time,) or (chains, time) array; got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise InvalidParameterError("series must be finite; it holds NaN or infinity")
    x = x.reshape(1, -1) if x.ndim == 1 else x
    size = x.shape[1] // n_blocks
    if size < 1:
        raise InvalidParameterError(
            f"n_blocks={n_blocks} is more than the {x.shape[1]} measurements per chain (use n_blocks <= {x.shape[1]})"
        )
    if x.shape[0] * n_blocks < 2:
        raise InvalidParameterError(
            f"n_blocks={n_blocks} on one chain gives one block; the error bar needs at least two (use n_blocks >= 2)"
        )
    blocks = x[:, : size * n_blocks].reshape(x.shape[0], n_blocks, size).mean(axis=2).ravel()
    return float(blocks.mean()), float(blocks.std(ddof=1) / math.sqrt(blocks.size))
