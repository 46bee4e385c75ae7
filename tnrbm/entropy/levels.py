"""The entanglement spectrum as an object: levels ``xi = -ln lambda`` by sector, degeneracies, gaps.

Li and Haldane read a state's edge theory from the low-lying levels of ``H_E = -ln rho_A``: their
counting (how many levels, with which multiplicities, in each charge sector) below the *entanglement
gap*. :func:`entanglement_levels` turns a :class:`~tnrbm.entropy.sectors.SymmetryResult` (levels per sector)
or an :class:`~tnrbm.EntanglementResult` (one sector, ``"all"``) into :class:`EntanglementLevels`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InvalidParameterError
from ..validation import as_float
from .result import EntanglementResult
from .sectors import SymmetryResult

__all__ = ["EntanglementLevels", "entanglement_levels", "group_levels"]


def group_levels(xi: np.ndarray, rtol: float = 1e-6) -> list[tuple[float, int]]:
    """``[(level, multiplicity), ...]`` of ascending levels ``xi``: neighbours whose eigenvalues
    ``e^{-xi}`` differ by at most ``rtol`` relative (or by less than ``1e-14`` absolute) are one level.

    Examples
    --------
    >>> group_levels(np.array([0.5, 0.5 + 1e-12, 1.2, 3.0, 3.0]))
    [(0.5, 2), (1.2, 1), (3.0, 2)]
    """
    out: list[tuple[float, int]] = []
    lam = np.exp(-np.asarray(xi, dtype=float))
    start = 0
    for k in range(1, len(lam) + 1):
        if k == len(lam) or abs(lam[k] - lam[k - 1]) > rtol * lam[k - 1] + 1e-14:
            out.append((float(np.mean(xi[start:k])), k - start))
            start = k
    return out


@dataclass(frozen=True)
class EntanglementLevels:
    """Entanglement levels ``xi = -ln(p(q) lambda)`` grouped by charge sector.

    Attributes
    ----------
    symmetry : str or None
        The symmetry of the sectors (None: one sector ``"all"``).
    sectors : tuple of str
        Sector labels.
    levels : tuple of numpy.ndarray
        Each sector's levels, ascending (eigenvalues below ``floor`` times the largest are left out).
    degeneracies : tuple of list
        Each sector's ``[(level, multiplicity), ...]`` (:func:`group_levels`).
    region : tuple of int
    n_visible : int
    rtol, floor : float
        The degeneracy tolerance and the relative eigenvalue floor used.
    """

    symmetry: str | None
    sectors: tuple
    levels: tuple
    degeneracies: tuple
    region: tuple
    n_visible: int
    rtol: float
    floor: float

    def distinct(self) -> np.ndarray:
        """Every distinct level over all sectors, ascending (equal levels of different sectors merged)."""
        allx = np.sort(np.concatenate([x for x in self.levels if x.size] or [np.zeros(0)]))
        return np.array([lv for lv, _ in group_levels(allx, self.rtol)])

    @property
    def lowest(self) -> float:
        """The lowest level ``-ln lambda_max``."""
        d = self.distinct()
        return float(d[0]) if d.size else math.inf

    @property
    def gap(self) -> float:
        """``xi_1 - xi_0`` between the two lowest distinct levels (inf when there is only one)."""
        d = self.distinct()
        return float(d[1] - d[0]) if d.size > 1 else math.inf

    @property
    def schmidt_gap(self) -> float:
        """``lambda_0 - lambda_1`` of the two largest eigenvalues counted with multiplicity (0 when degenerate)."""
        lam = np.sort(np.exp(-np.concatenate([x for x in self.levels if x.size])))[::-1]
        return float(lam[0] - lam[1]) if lam.size > 1 else float(lam[0]) if lam.size else 0.0

    def largest_gap(self, below: float | None = None) -> tuple[float, float]:
        """``(size, position)`` of the largest gap between neighbouring distinct levels (those below
        ``below`` when given): the entanglement gap that separates a low-lying counting from the rest."""
        d = self.distinct()
        if below is not None:
            d = d[d <= as_float(below)]
        if d.size < 2:
            return math.inf, float(d[-1]) if d.size else math.inf
        k = int(np.argmax(np.diff(d)))
        return float(d[k + 1] - d[k]), float((d[k + 1] + d[k]) / 2)

    def counting(self, below: float | None = None) -> dict[str, list[int]]:
        """Li-Haldane counting: per sector, the multiplicities of its levels (those below ``below``)."""
        cut = math.inf if below is None else as_float(below)
        return {s: [k for lv, k in deg if lv <= cut] for s, deg in zip(self.sectors, self.degeneracies)}

    def to_dict(self, max_levels: int = 64) -> dict:
        """JSON-ready levels (each sector's lowest ``max_levels``), degeneracies, gaps and counting."""
        big, where = self.largest_gap()
        return {
            "symmetry": self.symmetry,
            "region": list(self.region),
            "n_visible": self.n_visible,
            "sectors": list(self.sectors),
            "levels": {s: x[:max_levels].tolist() for s, x in zip(self.sectors, self.levels)},
            "degeneracies": {s: [[lv, k] for lv, k in d[:max_levels]] for s, d in zip(self.sectors, self.degeneracies)},
            "lowest": self.lowest,
            "gap": _finite(self.gap),
            "schmidt_gap": self.schmidt_gap,
            "largest_gap": _finite(big),
            "largest_gap_at": _finite(where),
            "counting": {s: c[:max_levels] for s, c in self.counting().items()},
            "rtol": self.rtol,
            "floor": self.floor,
        }

    def __repr__(self) -> str:
        n = sum(x.size for x in self.levels)
        return f"EntanglementLevels({self.symmetry}, {len(self.sectors)} sectors, {n} levels, gap={self.gap:.6g})"


def _finite(x: float) -> float | None:
    return None if not math.isfinite(x) else float(x)


def entanglement_levels(result: Any, rtol: float = 1e-6, floor: float = 1e-13) -> EntanglementLevels:
    """The entanglement levels of a result, by sector.

    Parameters
    ----------
    result
        A :class:`~tnrbm.entropy.sectors.SymmetryResult` (levels per charge sector) or an
        :class:`~tnrbm.EntanglementResult` (one sector ``"all"``).
    rtol
        Eigenvalues within this relative distance are one degenerate level.
    floor
        Eigenvalues below ``floor`` times the largest are rounding noise and left out.

    Examples
    --------
    >>> import tnrbm
    >>> res = tnrbm.entropy.symmetry_resolved(tnrbm.states.cluster(8), [0, 1, 2], "z2")
    >>> lev = entanglement_levels(res)
    >>> lev.counting(), round(lev.lowest, 6)  # rho_A = 1/4 on 4 states, 2 per sector
    ({'+1': [2], '-1': [2]}, 1.386294)
    """
    rtol, floor = as_float(rtol), as_float(floor)
    if not (0 <= rtol < 1 and 0 <= floor < 1):
        raise InvalidParameterError(f"rtol and floor must lie in [0, 1); got rtol={rtol}, floor={floor}")
    if isinstance(result, SymmetryResult):
        weights = [p * s for p, s in zip(result.probabilities, result.spectra)]
        sectors, symmetry = tuple(result.sectors), result.symmetry
    elif isinstance(result, EntanglementResult):
        weights, sectors, symmetry = [np.asarray(result.spectrum, dtype=float)], ("all",), None
    else:
        raise InvalidParameterError(
            f"result must be a SymmetryResult or an EntanglementResult; got {type(result).__name__}"
        )
    top = max((float(w.max()) for w in weights if w.size), default=1.0)
    levels = []
    for w in weights:
        w = np.sort(w[w > floor * top])[::-1]
        levels.append(-np.log(w))
    return EntanglementLevels(
        symmetry=symmetry,
        sectors=sectors,
        levels=tuple(levels),
        degeneracies=tuple(group_levels(x, rtol) for x in levels),
        region=tuple(result.region),
        n_visible=int(result.n_visible),
        rtol=rtol,
        floor=floor,
    )
