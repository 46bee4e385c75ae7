"""Monte Carlo renormalization group (Swendsen 1979): critical exponents of a coarse-graining rule.

Samples at ``K`` are coarse-grained ``n`` times by a rule (:mod:`~tnrbm.rg.blocking`); at every level
the lattice sums of a few operators ``S_a`` are measured: even ones (couplings of the Hamiltonian) and
odd ones (fields). With ``H^(n) = -sum_a K_a^(n) S_a^(n)`` the chain rule gives

    d<S_a^(n+1)>/dK_b^(n) = sum_c d<S_a^(n+1)>/dK_c^(n+1) * dK_c^(n+1)/dK_b^(n),

and both derivatives are connected correlations measured on the same samples:

    A_ab = <S_a^(n+1) S_b^(n)> - <S_a^(n+1)><S_b^(n)>,   C_ac = <S_a^(n+1) S_c^(n+1)> - <S_a^(n+1)><S_c^(n+1)>,

so the linearized RG map is ``T^(n) = C^{-1} A`` (``T_cb = dK_c^(n+1)/dK_b^(n)``). Its leading eigenvalue
in the even sector is ``lambda_t = b^{y_t}``, in the odd sector ``lambda_h = b^{y_h}`` (odd means vanish by
symmetry at zero field and are not subtracted). Truncating to the first ``k`` operators and reading
successive levels ``n`` shows the convergence. Errors: a jackknife over bins of samples.

2D operators (square lattice, periodic): even ``nn`` (nearest neighbours), ``nnn`` (diagonals),
``plaq`` (four-spin plaquettes), ``d2`` (distance 2 along the axes); odd ``m`` (sum of spins), ``p3``
(three-spin products in each plaquette), ``l3`` (three in a row). 1D: even ``nn``, ``d2``, ``d3``;
odd ``m``, ``l3``.

Examples
--------
>>> ops = even_operators(np.ones((1, 4, 4), dtype=np.int8))
>>> ops.tolist()  # nn, nnn, plaquette, distance 2 on an all-up 4x4 torus
[[32.0, 32.0, 16.0, 32.0]]
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InvalidParameterError
from ..validation import check_int, rng_from_seed
from .blocking import BlockRule, coarse_grain
from .clusters import swendsen_wang_stream

__all__ = [
    "EVEN_NAMES",
    "ODD_NAMES",
    "even_operators",
    "odd_operators",
    "level_operators",
    "linearized_map",
    "mcrg_exponents",
    "MCRGResult",
    "mcrg",
]

#: operator names per lattice dimension
EVEN_NAMES = {1: ("nn", "d2", "d3"), 2: ("nn", "nnn", "plaq", "d2")}
ODD_NAMES = {1: ("m", "l3"), 2: ("m", "p3", "l3")}


def _shift(s: np.ndarray, *steps: int) -> np.ndarray:
    return np.roll(s, tuple(-k for k in steps), axis=tuple(range(1, len(steps) + 1)))


def even_operators(samples: Any) -> np.ndarray:
    """``(n, k)`` lattice sums of the even operators :data:`EVEN_NAMES` of ``(n, L)`` or ``(n, L, L)`` spins.

    Examples
    --------
    >>> even_operators(np.array([[1, -1, 1, -1]])).tolist()  # nn, d2, d3 on an antiferromagnetic ring
    [[-4.0, 4.0, -4.0]]
    """
    s = np.asarray(samples).astype(np.float64)
    axes = tuple(range(1, s.ndim))
    if s.ndim == 2:
        return np.stack([np.sum(s * _shift(s, d), axis=1) for d in (1, 2, 3)], axis=1)
    x, y, xy = _shift(s, 1, 0), _shift(s, 0, 1), _shift(s, 1, 1)
    nn = np.sum(s * (x + y), axis=axes)
    nnn = np.sum(s * (xy + _shift(s, 1, -1)), axis=axes)
    plaq = np.sum(s * x * y * xy, axis=axes)
    d2 = np.sum(s * (_shift(s, 2, 0) + _shift(s, 0, 2)), axis=axes)
    return np.stack([nn, nnn, plaq, d2], axis=1)


def odd_operators(samples: Any) -> np.ndarray:
    """``(n, k)`` lattice sums of the odd operators :data:`ODD_NAMES`.

    Examples
    --------
    >>> odd_operators(np.ones((1, 3, 3), dtype=np.int8)).tolist()  # m, plaquette triples, triples in a row
    [[9.0, 36.0, 18.0]]
    """
    s = np.asarray(samples).astype(np.float64)
    axes = tuple(range(1, s.ndim))
    if s.ndim == 2:
        return np.stack([s.sum(axis=1), np.sum(_shift(s, -1) * s * _shift(s, 1), axis=1)], axis=1)
    x, y, xy = _shift(s, 1, 0), _shift(s, 0, 1), _shift(s, 1, 1)
    p3 = np.sum(s * x * y + s * x * xy + s * y * xy + x * y * xy, axis=axes)
    l3 = np.sum(s * (x * _shift(s, -1, 0) + y * _shift(s, 0, -1)), axis=axes)
    return np.stack([s.sum(axis=axes), p3, l3], axis=1)


def level_operators(
    samples: Any, rule: BlockRule, levels: int, rng: np.random.Generator | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Coarse-grain ``levels`` times and measure: even ``(n, levels + 1, k_e)`` and odd ``(n, levels + 1, k_o)``.

    Examples
    --------
    >>> from tnrbm.rg.blocking import majority_rule
    >>> e, o = level_operators(np.ones((2, 9, 9), dtype=np.int8), majority_rule(3), 1)
    >>> e.shape, o[0, :, 0].tolist()
    ((2, 2, 4), [81.0, 9.0])
    """
    s = np.asarray(samples)
    evens, odds = [even_operators(s)], [odd_operators(s)]
    for _ in range(check_int(levels, "levels", minimum=1)):
        s = coarse_grain(s, rule, seed=rng)
        evens.append(even_operators(s))
        odds.append(odd_operators(s))
    return np.stack(evens, axis=1), np.stack(odds, axis=1)


def linearized_map(ops: Any, level: int, k: int, subtract: bool = True) -> np.ndarray:
    """``T = C^{-1} A`` between ``level`` and ``level + 1`` with the first ``k`` operators.

    Parameters
    ----------
    ops
        ``(n, levels + 1, n_ops)`` operator sums per sample and level.
    level, k
        The level ``n`` and the truncation.
    subtract
        Subtract the means (even operators); odd ones have zero mean by symmetry.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(1000, 1, 1))
    >>> ops = np.concatenate([x, 2 * x], axis=1)  # S^(1) = 2 S^(0): T = C^-1 A = 1/2
    >>> round(float(linearized_map(ops, 0, 1)[0, 0]), 12)
    0.5
    """
    o = np.asarray(ops, dtype=float)
    lo, hi = o[:, level, :k], o[:, level + 1, :k]
    if subtract:
        lo, hi = lo - lo.mean(axis=0), hi - hi.mean(axis=0)
    a = hi.T @ lo / o.shape[0]
    c = hi.T @ hi / o.shape[0]
    return np.linalg.solve(c, a)


def _leading(ops: np.ndarray, level: int, k: int, subtract: bool) -> float:
    """Leading eigenvalue of ``T``; nan when ``C`` is singular (operators that coincide on a tiny lattice)."""
    try:
        t = linearized_map(ops, level, k, subtract)
    except np.linalg.LinAlgError:
        return math.nan
    return float(np.max(np.linalg.eigvals(t).real))


def mcrg_exponents(ops: Any, block: int, subtract: bool = True, n_bins: int = 20) -> dict:
    """``y = ln(lambda) / ln(b)`` of the leading eigenvalue per level and truncation, with jackknife errors.

    Returns
    -------
    dict
        ``{"y": (levels, k) array, "error": (levels, k) array, "eigenvalue": (levels, k) array}``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=(2000, 1, 1))
    >>> out = mcrg_exponents(np.concatenate([x, 0.5 * x + 0.0 * rng.normal(size=x.shape)], axis=1), 2)
    >>> round(float(out["y"][0, 0]), 10)  # lambda = 2 = b: y = 1
    1.0
    """
    o = np.asarray(ops, dtype=float)
    n, n_levels, n_ops = o.shape[0], o.shape[1] - 1, o.shape[2]
    nb = min(check_int(n_bins, "n_bins", minimum=2), n)
    bins = np.array_split(np.arange(n), nb)
    lam = np.empty((n_levels, n_ops))
    err = np.empty((n_levels, n_ops))
    for lev in range(n_levels):
        for k in range(1, n_ops + 1):
            lam[lev, k - 1] = _leading(o, lev, k, subtract)
            loo = np.log(np.maximum([_leading(np.delete(o, b, axis=0), lev, k, subtract) for b in bins], 1e-300))
            err[lev, k - 1] = math.sqrt((nb - 1) / nb * float(np.sum((loo - loo.mean()) ** 2))) / math.log(block)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = np.log(lam) / math.log(block)
    return {"y": y, "error": err, "eigenvalue": lam}


@dataclass(frozen=True)
class MCRGResult:
    """Exponents ``y_t`` (even) and ``y_h`` (odd) of one rule, per level (rows) and truncation (columns).

    Attributes
    ----------
    rule : str
    shape : tuple
    coupling : float
    block : int
    y_t, y_t_error, y_h, y_h_error : numpy.ndarray
        ``(levels, n_even)`` and ``(levels, n_odd)``: level ``n`` is the map from ``n`` to ``n + 1``.
    even_names, odd_names : tuple of str
    n_samples, thin : int
    seed : Any
    seconds : float
    sweeps_per_second : float
    """

    rule: str
    shape: tuple
    coupling: float
    block: int
    y_t: np.ndarray
    y_t_error: np.ndarray
    y_h: np.ndarray
    y_h_error: np.ndarray
    even_names: tuple
    odd_names: tuple
    n_samples: int
    thin: int
    seed: Any = None
    seconds: float = 0.0
    sweeps_per_second: float = 0.0
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """JSON-ready fields."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        for k in ("y_t", "y_t_error", "y_h", "y_h_error"):
            out[k] = np.asarray(out[k]).tolist()
        out["shape"], out["even_names"], out["odd_names"] = (
            list(self.shape),
            list(self.even_names),
            list(self.odd_names),
        )
        return out

    def __repr__(self) -> str:
        return (
            f"MCRGResult({self.rule}, L={self.shape[0]}, y_t={self.y_t[-1, -1]:.4f}+-{self.y_t_error[-1, -1]:.2g}, "
            f"y_h={self.y_h[-1, -1]:.4f}+-{self.y_h_error[-1, -1]:.2g})"
        )


def _check_levels(shape: tuple, block: int, levels: int) -> int:
    lev = check_int(levels, "levels", minimum=1)
    for d in shape:
        if d % block**lev or d // block**lev < 2:
            raise InvalidParameterError(
                f"levels={levels}: every side of shape {shape} must be a multiple of block**levels = "
                f"{block**lev} and leave at least 2 coarse spins (use fewer levels or L = b**n)"
            )
    return lev


def mcrg(
    shape: Any,
    coupling: float,
    rules: BlockRule | Iterable[BlockRule],
    levels: int = 3,
    n_samples: int = 1000,
    thin: int = 2,
    burn_in: int = 200,
    n_bins: int = 20,
    seed: Any = None,
    progress: Callable[[int, float], None] | None = None,
) -> list[MCRGResult]:
    """Swendsen's MCRG for one or more rules on the same Swendsen-Wang samples at ``K``.

    Parameters
    ----------
    shape
        ``(L,)`` or ``(L, L)``; ``L`` a multiple of ``b**levels`` for every rule.
    coupling
        ``K`` (the critical ``K_c`` for exponents).
    rules
        One rule or several (each gets its own coarse-grainings of the same samples).
    levels, n_samples, thin, burn_in
        Coarse-graining levels, kept samples, sweeps between them, discarded first sweeps.
    n_bins
        Jackknife bins.
    seed
        int or Generator: the sampler and the stochastic rules.
    progress
        Optional ``progress(sample, seconds)`` callback.

    Examples
    --------
    >>> from tnrbm.rg.blocking import decimation_rule
    >>> [r] = mcrg((32,), 1.0, decimation_rule(2, dim=1), levels=1, n_samples=400, seed=0)
    >>> t = math.tanh(1.0)
    >>> bool(abs(2 ** r.y_t[0, 0] - 2 * t / (1 + t * t)) < 5 * r.y_t_error[0, 0] * math.log(2) + 0.02)
    True
    """
    rule_list = [rules] if isinstance(rules, BlockRule) else list(rules)
    dims = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    for r in rule_list:
        if not isinstance(r, BlockRule) or r.dim != len(dims):
            raise InvalidParameterError(f"rules must be BlockRules of dimension {len(dims)}; got {r!r}")
        _check_levels(dims, r.block, levels)
    rng = rng_from_seed(seed)
    t0 = time.perf_counter()
    evens: list[list] = [[] for _ in rule_list]
    odds: list[list] = [[] for _ in rule_list]
    sampler_seconds = 0.0
    stream = swendsen_wang_stream(dims, coupling, n_samples, thin=thin, burn_in=burn_in, seed=rng)
    for i in range(n_samples):
        t1 = time.perf_counter()
        s = next(stream)
        sampler_seconds += time.perf_counter() - t1
        for j, r in enumerate(rule_list):
            e, o = level_operators(s, r, levels, rng)
            evens[j].append(e[0])
            odds[j].append(o[0])
        if progress is not None:
            progress(i, time.perf_counter() - t0)
    seconds = time.perf_counter() - t0
    rate = (burn_in + thin * n_samples) / max(sampler_seconds, 1e-12)
    out = []
    for j, r in enumerate(rule_list):
        yt = mcrg_exponents(np.array(evens[j]), r.block, subtract=True, n_bins=n_bins)
        yh = mcrg_exponents(np.array(odds[j]), r.block, subtract=False, n_bins=n_bins)
        out.append(
            MCRGResult(
                r.name, dims, float(coupling), r.block, yt["y"], yt["error"], yh["y"], yh["error"],
                EVEN_NAMES[len(dims)], ODD_NAMES[len(dims)], n_samples, thin,
                seed if isinstance(seed, (int, np.integer)) else None, seconds, rate,
            )
        )  # fmt: skip
    return out
