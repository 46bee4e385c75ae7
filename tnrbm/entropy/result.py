"""What an entanglement computation returns: :class:`EntanglementResult` and :class:`InformationResult`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._numerics import log_in_base

__all__ = ["Result", "RegionResult", "EntanglementResult", "InformationResult"]


@dataclass(frozen=True, kw_only=True)
class Result:
    """What every entanglement result shares (:class:`EntanglementResult`, :class:`PurityResult`,
    :class:`InformationResult`): frozen, these fields keyword-only with defaults.

    Attributes
    ----------
    method : str
        How it was computed (``"dense"``, ``"cut"``, ``"mps"``, ``"spectrum:<method>"``; for a
        combination of entropies the methods of its parts joined by ``"+"``).
    base : float or None
        The logarithm base of the entropies (None: natural).
    seconds : float
        Wall time.
    flops, memory : float or None
        Multiply-adds of the plan(s) that ran and their estimated peak bytes (None: not estimated).
    seed : int or None
        The seed of the contraction path search (None for results made without one).
    extra : dict
        Method details.
    """

    method: str = ""
    base: float | None = None
    seconds: float = 0.0
    flops: float | None = None
    memory: float | None = None
    seed: int | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class RegionResult(Result):
    """A :class:`Result` about one region ``A`` of ``n_visible`` spins, with its minimal cut.

    Attributes
    ----------
    region : tuple of int
        The visible units of A.
    n_visible : int or None
        Number of spins N.
    cut : tnrbm.bulk.Cut or None
        The minimal cut of the region (its ``size`` m, ``bound`` m ln 2 and ``surface``); given for every
        network (whatever the method), None for a state vector.
    """

    region: tuple = ()
    n_visible: int | None = None
    cut: Any = None

    @property
    def m(self) -> int | None:
        """``m``, the size of the minimal cut (None without a cut)."""
        return None if self.cut is None else self.cut.m

    @property
    def bound(self) -> float | None:
        """The cut bound ``m ln 2`` in the result's units (None without a cut); it bounds every Renyi
        entropy, ``S_2`` included."""
        if self.cut is None:
            return None
        return self.cut.size * log_in_base(2.0, self.base)

    @property
    def trivial_bound(self) -> float | None:
        """``min(|A|, |B|) ln 2`` in the result's units (None when ``n_visible`` is unknown)."""
        if self.n_visible is None:
            return None
        return min(len(self.region), self.n_visible - len(self.region)) * log_in_base(2.0, self.base)


@dataclass(frozen=True)
class EntanglementResult(RegionResult):
    """The entanglement of ``region`` in a pure state (the fields of :class:`RegionResult` and
    :class:`Result`, and:)

    Attributes
    ----------
    entropy : float
        Von Neumann entropy ``S_A = -sum p ln p`` (in units of ``base``; nats by default).
    renyi : dict
        ``q -> S_q = ln(sum p**q) / (1 - q)`` for each Renyi order ``q``; ``q = inf`` is the min-entropy.
    spectrum : numpy.ndarray
        Schmidt probabilities ``p`` (eigenvalues of rho_A), descending, summing to 1.
    clipped : float
        The size of the most negative eigenvalue of rho_A (rounding, relative to the trace) that was
        set to zero.

    ``method`` is ``"dense"``, ``"cut"`` or ``"mps"``; ``extra`` holds path and contraction seconds,
    tensor counts, slices, the estimated seconds ``"auto"`` compared (``"costs"``), the estimated stages
    (``"estimated"``), the MPS site order. The result is frozen.
    """

    entropy: float
    renyi: dict
    spectrum: np.ndarray
    clipped: float = 0.0

    @property
    def saturation(self) -> float | None:
        """``S / bound`` (None without a cut); 1 for a zero bound, where S = 0 attains it.

        A cut of ``m = 0`` units (the empty region, the whole system, a region not coupled to the rest)
        forces ``S = 0``: the bound is met exactly, so the saturation is 1 (never nan).
        """
        b = self.bound
        if b is None:
            return None
        return self.entropy / b if b > 0 else 1.0

    def to_dict(self, max_spectrum: int | None = 64) -> dict:
        """A JSON-ready summary; the spectrum keeps its ``max_spectrum`` largest values (None: all).

        ``spectrum_length`` and ``spectrum_truncated`` say whether values were left out. ``m`` is the
        cut size (``cut_size`` is its old name, kept for existing readers).
        """
        kept = self.spectrum if max_spectrum is None else self.spectrum[: int(max_spectrum)]
        return {
            "region": list(self.region),
            "n_visible": self.n_visible,
            "entropy": self.entropy,
            "renyi": {str(k): v for k, v in self.renyi.items()},
            "spectrum": [float(p) for p in kept],
            "spectrum_length": int(len(self.spectrum)),
            "spectrum_truncated": bool(len(kept) < len(self.spectrum)),
            "method": self.method,
            "base": self.base,
            "m": self.m,
            "cut_size": self.m,
            "bound": self.bound,
            "trivial_bound": self.trivial_bound,
            "saturation": self.saturation,
            "flops": self.flops,
            "memory": self.memory,
            "seconds": self.seconds,
            "clipped": self.clipped,
            "seed": self.seed,
        }

    def __repr__(self) -> str:
        unit = "nats" if self.base is None else ("bits" if self.base == 2 else f"log base {self.base:g}")
        region = _region_text(self.region)
        bound = "" if self.bound is None else f", m={self.m}, bound={self.bound:.6g}"
        return (
            f"EntanglementResult(S={self.entropy:.6g} {unit}, region={region} of {self.n_visible}, "
            f"method={self.method!r}{bound}, rank={int(np.count_nonzero(self.spectrum > 0))})"
        )

    def _repr_html_(self) -> str:
        rows = [("entropy", f"{self.entropy:.10g}"), ("method", self.method), ("region", _region_text(self.region))]
        rows += [(f"Renyi {k}", f"{v:.10g}") for k, v in self.renyi.items()]
        if self.cut is not None:
            rows += [("m (cut size)", str(self.m)), ("bound m ln 2", f"{self.bound:.10g}")]
        body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
        return f"<table><caption>EntanglementResult</caption>{body}</table>"


def _region_text(region: tuple) -> str:
    """``0:16`` style text for a region (ranges merged), at most 60 characters."""
    parts: list[str] = []
    start: int | None = None
    prev = 0
    for i in region:
        if start is None:
            start = prev = i
        elif i == prev + 1:
            prev = i
        else:
            parts.append(f"{start}:{prev + 1}" if prev > start else str(start))
            start = prev = i
    if start is not None:
        parts.append(f"{start}:{prev + 1}" if prev > start else str(start))
    text = ",".join(parts)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class InformationResult(Result):
    """An information quantity built from exact entropies, with its cut (bound) counterpart.

    Attributes
    ----------
    value : float
        The exact quantity (``I(A:B)`` or ``I3(A:B:C)``) in units of ``base`` (nats by default).
    cut_value : float or None
        The same combination of the cut bounds ``m ln 2`` (None for a state vector). Cut values obey
        subadditivity; the exact entropies need not obey monogamy (a GHZ state has ``I3 = +ln 2``).
    entropies : dict
        ``"A"``, ``"B"``, ``"AB"``, ... -> :class:`EntanglementResult`.

    With the fields of :class:`Result`: ``method`` joins the methods of the entropies (``"dense"``,
    ``"cut+mps"``), ``seconds`` is the wall time of the whole combination, ``flops`` the sum and
    ``memory`` the largest of its parts. Frozen.
    """

    value: float
    cut_value: float | None
    entropies: dict
