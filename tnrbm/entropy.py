"""Entanglement of a boundary region: von Neumann and Renyi entropies and the Schmidt spectrum.

``entanglement(state, region)`` takes a network or a state vector. Entropies are in nats unless
``base`` is given (``base=2``: bits).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._memory import check_memory
from .errors import InvalidParameterError, InvalidRegionError
from .network import BoltzmannNetwork

__all__ = [
    "EntanglementResult",
    "entanglement",
    "check_region",
    "entropies_from_spectrum",
    "METHODS",
]

METHODS = ("auto", "dense")


@dataclass
class EntanglementResult:
    """The entanglement of ``region`` in a pure state.

    Attributes
    ----------
    entropy : float
        Von Neumann entropy ``S_A = -sum p ln p`` (in units of ``base``; nats by default).
    renyi : dict
        ``alpha -> S_alpha = ln(sum p**alpha) / (1 - alpha)``; ``alpha = inf`` is the min-entropy.
    spectrum : numpy.ndarray
        Schmidt probabilities ``p`` (eigenvalues of rho_A), descending, summing to 1.
    method : str
        How it was computed.
    region : tuple of int
        The visible units of A.
    n_visible : int
        Number of spins N.
    cut : object or None
        The minimal cut of the region (its ``size`` m and ``bound`` m ln 2) when the method used one.
    base : float or None
        The logarithm base of the entropies (None: natural).
    flops, memory : float or None
        Estimated cost and largest intermediate (bytes) of the computation.
    seconds : float
        Wall time.
    clipped : float
        The largest negative eigenvalue of rho_A (from rounding) that was set to zero.
    """

    entropy: float
    renyi: dict
    spectrum: np.ndarray
    method: str
    region: tuple
    n_visible: int
    cut: Any = None
    base: float | None = None
    flops: float | None = None
    memory: float | None = None
    seconds: float = 0.0
    clipped: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def trivial_bound(self) -> float:
        """``min(|A|, |B|) ln 2`` in the result's units."""
        k = min(len(self.region), self.n_visible - len(self.region))
        return k * _log(2.0, self.base)

    @property
    def bound(self) -> float | None:
        """The cut bound ``m ln 2`` in the result's units (None without a cut)."""
        if self.cut is None:
            return None
        return self.cut.size * _log(2.0, self.base)

    @property
    def saturation(self) -> float | None:
        """``S / bound`` (None without a cut; nan for a zero bound)."""
        b = self.bound
        if b is None:
            return None
        return self.entropy / b if b > 0 else float("nan")

    def to_dict(self) -> dict:
        """A JSON-ready summary (the spectrum truncated to its 64 largest values)."""
        return {
            "region": list(self.region),
            "n_visible": self.n_visible,
            "entropy": self.entropy,
            "renyi": {str(k): v for k, v in self.renyi.items()},
            "spectrum": [float(p) for p in self.spectrum[:64]],
            "method": self.method,
            "base": self.base,
            "cut_size": None if self.cut is None else self.cut.size,
            "bound": self.bound,
            "trivial_bound": self.trivial_bound,
            "saturation": self.saturation,
            "flops": self.flops,
            "memory": self.memory,
            "seconds": self.seconds,
            "clipped": self.clipped,
        }


def _log(x: float, base: float | None) -> float:
    return math.log(x) if base is None else math.log(x) / math.log(base)


def check_region(region: Any, n: int, name: str = "region") -> tuple[int, ...]:
    """Validate a boundary region: a non-empty set of distinct visible indices in ``[0, n)``.

    Returns it sorted.

    Examples
    --------
    >>> check_region([3, 1], 4)
    (1, 3)
    """
    if isinstance(region, (str, bytes)) or not isinstance(region, (Iterable, np.ndarray)):
        raise InvalidRegionError(f"{name} must be a collection of visible indices; got {region!r}")
    items = list(np.asarray(list(region)).reshape(-1)) if not isinstance(region, set) else list(region)
    if len(items) == 0:
        raise InvalidRegionError(f"{name} must hold at least one visible index; got an empty region")
    out = []
    for x in items:
        if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
            raise InvalidRegionError(f"{name} must hold integer indices; got {x!r}")
        if not 0 <= int(x) < n:
            raise InvalidRegionError(f"{name} indices must lie in [0, {n}) (the visible units); got {int(x)}")
        out.append(int(x))
    if len(set(out)) != len(out):
        dup = sorted({x for x in out if out.count(x) > 1})
        raise InvalidRegionError(f"{name} must not repeat indices; got {dup} more than once")
    return tuple(sorted(out))


def _check_renyi(renyi: Any) -> tuple[float, ...]:
    if renyi is None:
        return ()
    if np.isscalar(renyi):
        renyi = (renyi,)
    out = []
    for a in renyi:
        try:
            x = float(a)
        except (TypeError, ValueError):
            raise InvalidParameterError(f"renyi must hold orders alpha >= 0 (or inf); got {a!r}") from None
        if not x >= 0 or x == 1.0 or math.isnan(x):
            raise InvalidParameterError(
                f"renyi must hold orders alpha >= 0, alpha != 1 (the von Neumann entropy is always given); got {a!r}"
            )
        out.append(a if isinstance(a, int) else x)
    return tuple(out)


def entropies_from_spectrum(
    p: np.ndarray, renyi: Sequence[float] = (2,), base: float | None = None, tol: float = 0.0
) -> tuple[float, dict]:
    """Von Neumann and Renyi entropies of a normalized probability vector ``p``.

    ``alpha = 0`` counts the probabilities above ``tol``.

    Examples
    --------
    >>> s, r = entropies_from_spectrum(np.array([0.5, 0.5]), renyi=(2, float("inf")), base=2)
    >>> round(s, 12), round(r[2], 12), round(r[float("inf")], 12)
    (1.0, 1.0, 1.0)
    """
    p = np.asarray(p, dtype=float)
    ln_base = 1.0 if base is None else math.log(base)
    nz = p[p > 0]
    s = float(-np.sum(nz * np.log(nz))) / ln_base
    out = {}
    for a in renyi:
        if math.isinf(a):
            val = -math.log(float(p.max()))
        elif a == 0:
            val = math.log(int(np.count_nonzero(p > tol)))
        else:
            val = math.log(float(np.sum(nz**a))) / (1.0 - a)
        out[a] = val / ln_base + 0.0  # + 0.0 turns -0.0 into 0.0
    return max(s, 0.0), out


def _dense_spectrum(psi: np.ndarray, region: tuple[int, ...], n: int) -> np.ndarray:
    rest = [i for i in range(n) if i not in set(region)]
    mat = psi.reshape((2,) * n).transpose(list(region) + rest).reshape(2 ** len(region), -1)
    s = np.linalg.svd(mat, compute_uv=False)
    p = s**2
    return p / p.sum()


def _as_state_vector(state: Any) -> tuple[np.ndarray, int]:
    try:
        psi = np.asarray(state)
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"state must be an RBM, a DBM or a state vector of length 2**N; got {type(state).__name__}"
        ) from None
    if not np.issubdtype(psi.dtype, np.number):
        raise InvalidParameterError(f"state must be numeric; got dtype {psi.dtype}")
    psi = psi.reshape(-1) if psi.ndim == 2 and 1 in psi.shape else psi
    n = int(round(math.log2(psi.size))) if psi.ndim == 1 and psi.size > 1 else -1
    if psi.ndim != 1 or n < 1 or 2**n != psi.size:
        raise InvalidParameterError(
            f"state must be a state vector of length 2**N (N >= 1); got an array of shape {np.shape(state)}"
        )
    if not np.all(np.isfinite(psi)):
        raise InvalidParameterError("state must be finite; got NaN or inf entries")
    norm = np.linalg.norm(psi)
    if norm == 0:
        raise InvalidParameterError("state must not be the zero vector")
    return psi / norm, n


def entanglement(
    state: Any,
    region: Any,
    method: str = "auto",
    renyi: Any = (2,),
    base: float | None = None,
    max_memory: float | None = None,
) -> EntanglementResult:
    """The entanglement entropy of ``region`` (a set of visible indices) in a pure state.

    Parameters
    ----------
    state
        An :class:`~tnrbm.RBM`, a :class:`~tnrbm.DBM`, or a state vector of length ``2**N`` in
        kron order (normalized here).
    region
        The visible units of A (any subset, contiguous or not).
    method
        ``"auto"`` or ``"dense"`` (state vector and SVD).
    renyi
        Renyi orders to report besides the von Neumann entropy (``float("inf")`` allowed).
    base
        Logarithm base of the entropies: None for nats, 2 for bits.
    max_memory
        Limit in bytes for the dense vector (default: a quarter of the available memory).

    Returns
    -------
    EntanglementResult

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> bell = np.array([1, 0, 0, 1]) / np.sqrt(2)
    >>> res = tnrbm.entanglement(bell, [0])
    >>> round(res.entropy / np.log(2), 12)
    1.0
    """
    t0 = time.perf_counter()
    if method not in METHODS:
        raise InvalidParameterError(f"method must be one of {METHODS}; got {method!r}")
    orders = _check_renyi(renyi)
    if base is not None and (not np.isscalar(base) or not float(base) > 1):
        raise InvalidParameterError(f"base must be None (nats) or a number > 1; got {base!r}")
    if isinstance(state, BoltzmannNetwork):
        n = state.n_visible
        region_t = check_region(region, n)
        psi = state.to_dense(normalize=True, max_memory=max_memory)
    else:
        psi, n = _as_state_vector(state)
        region_t = check_region(region, n)
        itemsize = 16 if np.iscomplexobj(psi) else 8
        check_memory(2 * itemsize * psi.size, f"the SVD of a {n}-spin vector", max_memory, "use a smaller state")
    p = _dense_spectrum(psi, region_t, n)
    s, r = entropies_from_spectrum(p, orders, base, tol=1e-12)
    return EntanglementResult(
        entropy=s,
        renyi=r,
        spectrum=p,
        method="dense",
        region=region_t,
        n_visible=n,
        base=base,
        flops=float(2 ** (len(region_t) + n)),
        memory=float(psi.nbytes),
        seconds=time.perf_counter() - t0,
    )
