"""Information quantities from exact entropies: mutual information and tripartite information."""

from __future__ import annotations

import time
from typing import Any

from ..network import BoltzmannNetwork
from ..validation import MaxMemory, check_disjoint
from .compute import entanglement
from .dense import as_state_vector
from .result import InformationResult

__all__ = ["mutual_information", "tripartite_information"]


def _combination(
    state: Any,
    regions: dict[str, tuple[int, ...]],
    signs: dict[str, int],
    method: str,
    base: Any,
    max_memory: MaxMemory,
) -> InformationResult:
    t0 = time.perf_counter()
    results = {}
    for name in signs:
        region = tuple(sorted(i for part in name for i in regions[part]))
        results[name] = entanglement(state, region, method=method, renyi=(), base=base, max_memory=max_memory)
    value = sum(sign * results[k].entropy for k, sign in signs.items())
    bounds = [(sign, results[k].bound) for k, sign in signs.items()]  # a bound is None without a cut
    cut_value = sum(s * b for s, b in bounds if b is not None) if all(b is not None for _, b in bounds) else None
    parts = list(results.values())
    return InformationResult(
        float(value),
        cut_value,
        results,
        method="+".join(dict.fromkeys(r.method for r in parts)),
        base=base,
        seconds=time.perf_counter() - t0,
        flops=sum(r.flops or 0.0 for r in parts),
        memory=max(r.memory or 0.0 for r in parts),
    )


def _size(state: Any) -> int:
    if isinstance(state, BoltzmannNetwork):
        return state.n_visible
    return as_state_vector(state)[1]


def mutual_information(
    state: Any,
    region_a: Any,
    region_b: Any,
    method: str = "auto",
    base: float | None = None,
    max_memory: MaxMemory = None,
) -> InformationResult:
    """The exact mutual information ``I(A:B) = S_A + S_B - S_AB`` of two disjoint regions.

    Parameters
    ----------
    state
        An RBM, a DBM, or a state vector.
    region_a, region_b
        Disjoint sets of visible units.
    method, base, max_memory
        As in :func:`entanglement` (used for each of the three entropies).

    Returns
    -------
    InformationResult
        ``value`` and ``cut_value`` (``(m_A + m_B - m_AB) ln 2``), with the three entropies.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> bell_pair = np.kron(np.array([1, 0, 0, 1]) / np.sqrt(2), [1, 0])
    >>> round(mutual_information(bell_pair, [0], [1], base=2).value, 12)
    2.0
    """
    regions = check_disjoint({"A": region_a, "B": region_b}, _size(state))
    return _combination(state, regions, {"A": 1, "B": 1, "AB": -1}, method, base, max_memory)


def tripartite_information(
    state: Any,
    region_a: Any,
    region_b: Any,
    region_c: Any,
    method: str = "auto",
    base: float | None = None,
    max_memory: MaxMemory = None,
) -> InformationResult:
    """The exact tripartite information ``I3 = S_A + S_B + S_C - S_AB - S_AC - S_BC + S_ABC``.

    ``I3 <= 0`` (monogamy of mutual information) holds for holographic states but not in general:
    a GHZ state of four or more parties has ``I3 = +ln 2``. ``cut_value`` is the same combination of
    the minimal cuts.

    Examples
    --------
    >>> import numpy as np
    >>> ghz = np.zeros(16); ghz[0] = ghz[-1] = 1 / np.sqrt(2)
    >>> round(tripartite_information(ghz, [0], [1], [2], base=2).value, 12)
    1.0
    """
    regions = check_disjoint({"A": region_a, "B": region_b, "C": region_c}, _size(state))
    signs = {"A": 1, "B": 1, "C": 1, "AB": -1, "AC": -1, "BC": -1, "ABC": 1}
    return _combination(state, regions, signs, method, base, max_memory)
