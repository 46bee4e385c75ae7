"""The coupling flow of a coarse-graining rule: ``K -> K~(K)`` fitted to the coarse spins, its fixed point.

Samples at ``K`` are coarse-grained once by a rule; the coarse spins ``h`` follow ``exp(-H^RG(h))``. Its
nearest-neighbour projection ``K~`` is fitted by maximum pseudo-likelihood (consistent, no partition
function): with ``m_i = sum_{j ~ i} h_j``,

    sum_i m_i (h_i - tanh(K~ m_i)) = 0     (one root: the left side decreases in K~).

The flow ``K~(K)`` on a grid of ``K`` crosses the diagonal at the fixed point ``K*`` of the projected
map, and ``lambda = dK~/dK`` at ``K*`` gives ``y_t = ln lambda / ln b``. Exact check: decimation of a
chain, whose coarse spins are an Ising chain at ``tanh K' = tanh^2 K`` (pseudo-likelihood recovers it).

For an RBM filter on disjoint blocks the RBM's own ``H^RBM(h) = -log sum_v exp(-E(v, h))`` factorizes
over blocks (no visible-visible terms), so its couplings ``K~`` all vanish; the flow of a filter is the
flow of ``H^RG``, the coarse Hamiltonian the filter induces from the Ising ``H(v)``, measured here.

Examples
--------
>>> h = np.array([[1, 1, 1, 1, 1, 1, 1, -1]])
>>> k = pseudo_likelihood_coupling(h)  # h m = 2 at five sites, -2 at one: 5 (1 - t) = 1 + t, t = tanh 2K
>>> round(k, 10) == round(math.atanh(2 / 3) / 2, 10)
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import brentq

from ..errors import InvalidParameterError
from ..validation import check_int, rng_from_seed
from .blocking import BlockRule, coarse_grain
from .sampling import swendsen_wang

__all__ = ["pseudo_likelihood_coupling", "FlowResult", "coupling_flow"]


def _neighbour_sums(h: np.ndarray) -> np.ndarray:
    axes = range(1, h.ndim)
    return sum(np.roll(h, 1, axis=a) + np.roll(h, -1, axis=a) for a in axes)


def pseudo_likelihood_coupling(samples: Any) -> float:
    """Nearest-neighbour ``K`` maximizing the pseudo-likelihood of periodic ``(n, L)`` or ``(n, L, L)`` spins.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> round(pseudo_likelihood_coupling(np.where(rng.random((50, 40)) < 0.5, 1, -1)), 1)
    0.0
    """
    h = np.asarray(samples, dtype=float)
    if h.ndim not in (2, 3):
        raise InvalidParameterError(f"samples must be (n, L) or (n, L, L); got shape {h.shape}")
    m = _neighbour_sums(h).ravel()
    hv = h.ravel()
    values, counts = np.unique(np.stack([m, hv * m]), axis=1, return_counts=True)

    def score(k: float) -> float:
        return float(np.sum(counts * (values[1] - values[0] * np.tanh(k * values[0]))))

    lo, hi = -5.0, 5.0
    if score(hi) > 0 or score(lo) < 0:
        raise InvalidParameterError("samples are (anti)ferromagnetically frozen: the pseudo-likelihood K is infinite")
    return float(brentq(score, lo, hi, xtol=1e-13))


@dataclass(frozen=True)
class FlowResult:
    """``K~(K)`` of a rule on a grid, with errors, and the fixed point of the projected map.

    Attributes
    ----------
    rule : str
    couplings, coarse, error : numpy.ndarray
        The grid ``K``, the fitted ``K~`` and its error (bins of samples).
    fixed_point : float
        ``K*`` with ``K~(K*) = K*`` (linear interpolation; nan when the flow does not cross the diagonal).
    eigenvalue : float
        ``dK~/dK`` at ``K*`` (least-squares slope of the three grid points nearest ``K*``).
    y_t : float
        ``ln(eigenvalue) / ln(b)``.
    shape : tuple
    n_samples : int
    seed : Any
    """

    rule: str
    couplings: np.ndarray
    coarse: np.ndarray
    error: np.ndarray
    fixed_point: float
    eigenvalue: float
    y_t: float
    shape: tuple
    n_samples: int
    seed: Any = None

    def to_dict(self) -> dict:
        """JSON-ready fields."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        for k in ("couplings", "coarse", "error"):
            out[k] = np.asarray(out[k]).tolist()
        out["shape"] = list(self.shape)
        return out


def _fixed_point(ks: np.ndarray, kt: np.ndarray) -> tuple[float, float]:
    d = kt - ks
    cross = np.flatnonzero(np.sign(d[:-1]) != np.sign(d[1:]))
    if cross.size == 0:
        return math.nan, math.nan
    i = int(cross[0])
    k_star = float(ks[i] - d[i] * (ks[i + 1] - ks[i]) / (d[i + 1] - d[i]))
    near = np.argsort(np.abs(ks - k_star))[:3]
    slope = float(np.polyfit(ks[near], kt[near], 1)[0])
    return k_star, slope


def coupling_flow(
    shape: Any,
    couplings: Any,
    rule: BlockRule,
    n_samples: int = 500,
    thin: int = 2,
    n_bins: int = 10,
    seed: Any = None,
) -> FlowResult:
    """Fit ``K~`` of the once-coarse-grained spins at every ``K`` of a grid; the fixed point and ``y_t``.

    Examples
    --------
    >>> from tnrbm.rg.blocking import decimation_rule
    >>> r = coupling_flow((64,), [0.5, 0.8], decimation_rule(2, dim=1), n_samples=300, thin=4, seed=0)
    >>> exact = [math.atanh(math.tanh(k) ** 2) for k in (0.5, 0.8)]
    >>> bool(np.all(np.abs(r.coarse - exact) < 4 * r.error))
    True
    """
    ks = np.asarray(couplings, dtype=float).ravel()
    dims = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if ks.size < 1 or np.any(ks < 0) or not np.all(np.isfinite(ks)):
        raise InvalidParameterError(f"couplings must be finite K >= 0; got {couplings!r}")
    if not isinstance(rule, BlockRule) or rule.dim != len(dims):
        raise InvalidParameterError(f"rule must be a BlockRule of dimension {len(dims)}; got {rule!r}")
    n_s = check_int(n_samples, "n_samples", minimum=n_bins)
    rng = rng_from_seed(seed)
    kt, err = np.empty(ks.size), np.empty(ks.size)
    for i, k in enumerate(ks):
        res = swendsen_wang(dims, float(k), n_sweeps=n_s * thin, thin=thin, keep_samples=True, seed=rng)
        h = coarse_grain(np.asarray(res.samples)[0].reshape(-1, *dims), rule, seed=rng)
        kt[i] = pseudo_likelihood_coupling(h)
        parts = np.array(
            [pseudo_likelihood_coupling(np.delete(h, b, axis=0)) for b in np.array_split(np.arange(n_s), n_bins)]
        )
        err[i] = math.sqrt((n_bins - 1) / n_bins * float(np.sum((parts - parts.mean()) ** 2)))
    k_star, lam = _fixed_point(ks, kt) if ks.size >= 3 else (math.nan, math.nan)
    y = math.log(lam) / math.log(rule.block) if lam > 0 else math.nan
    return FlowResult(
        rule.name, ks, kt, err, k_star, lam, y, dims, n_s, seed if isinstance(seed, (int, np.integer)) else None
    )
