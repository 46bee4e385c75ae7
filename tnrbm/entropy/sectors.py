"""What a symmetry-resolved entanglement computation returns: :class:`SymmetryResult`.

``rho_A = (+)_q p(q) rho_A^(q)`` for a state with a global symmetry (``[rho_A, Q_A] = 0``): the sector
probabilities ``p(q)``, each sector's normalized spectrum, its entropies, and the split
``S = S_number + S_config`` with ``S_number = -sum_q p(q) ln p(q)`` and ``S_config = sum_q p(q) S(q)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .._deprecated import renamed_keywords
from ..errors import InvalidParameterError
from ..validation import as_float, check_int
from .spectrum import entropies_from_spectrum

__all__ = ["SymmetryResult", "split_entropy"]


def split_entropy(p: np.ndarray, spectra: list[np.ndarray], ln_base: float) -> tuple[float, float, np.ndarray]:
    """``(S_number, S_config, S(q))`` in units of ``ln_base`` from sector probabilities and conditional spectra.

    Examples
    --------
    >>> sn, sc, sq = split_entropy(np.array([0.5, 0.5]), [np.array([1.0]), np.array([0.5, 0.5])], 1.0)
    >>> round(sn, 12), round(sc, 12), np.round(sq, 12).tolist()
    (0.693147180559, 0.34657359028, [0.0, 0.693147180559])
    """
    nz = p[p > 0]
    number = float(-np.sum(nz * np.log(nz))) / ln_base
    sq = np.array([entropies_from_spectrum(s, ())[0] / ln_base if s.size else 0.0 for s in spectra])
    return max(number, 0.0) + 0.0, float(np.sum(p * sq)), sq


@dataclass(frozen=True)
class SymmetryResult:
    """Symmetry-resolved entanglement of ``region``.

    Attributes
    ----------
    symmetry : str
        ``"z2"`` (spin flip), ``"parity"`` or ``"u1"`` (:mod:`tnrbm.network.charges`).
    sites : tuple of int
        The spins the symmetry acts on.
    region : tuple of int
        The visible units of A.
    n_visible : int
        Number of spins N.
    sectors : tuple of str
        The sector labels (``'+1'``, ``'-1'`` for Z2; the number of down spins of A for U(1)).
    probabilities : numpy.ndarray
        ``p(q) = Tr P_q rho_A``, summing to 1.
    spectra : tuple of numpy.ndarray
        Each sector's spectrum, normalized within the sector (descending; empty for an empty sector).
    sector_entropies : numpy.ndarray
        ``S(q)``, von Neumann, of each sector's normalized spectrum (0 for an empty sector).
    sector_renyi : dict
        ``order -> array of S_order(q)``.
    number_entropy, configurational_entropy : float
        ``-sum p ln p`` and ``sum p S(q)``.
    entropy : float
        ``S = number + configurational``: the entropy of ``rho_A`` when it commutes with ``Q_A``.
    asymmetry : float or None
        How far the state is from symmetric: ``1 - |<psi| U |psi>|`` for the global twist generating the
        group (``check="state"``), or ``S(sum_q P_q rho P_q) - S(rho)`` in nats (``check="spectrum"``);
        None when not checked (e.g. a projected state, symmetric by construction).
    method : str
        ``"cut"``, ``"projected"`` (a :class:`~tnrbm.network.ProjectedRBM` through its sector Grams) or ``"dense"``.
    m : int or None
        The minimal cut size (networks).
    base : float or None
        Logarithm base of the entropies (None: nats).
    seconds : float
        Wall time.
    extra : dict
        Details: the global charge found, contraction counts, timings, the plain spectrum's entropy.
    """

    symmetry: str
    sites: tuple
    region: tuple
    n_visible: int
    sectors: tuple
    probabilities: np.ndarray
    spectra: tuple
    sector_entropies: np.ndarray
    sector_renyi: dict
    number_entropy: float
    configurational_entropy: float
    entropy: float
    asymmetry: float | None = None
    method: str = "cut"
    m: int | None = None
    base: float | None = None
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def spectrum(self) -> np.ndarray:
        """The eigenvalues ``p(q) lambda`` of ``rho_A`` (of its sector blocks), descending."""
        parts = [p * s for p, s in zip(self.probabilities, self.spectra) if s.size]
        return np.sort(np.concatenate(parts))[::-1] if parts else np.zeros(0)

    @renamed_keywords(n="renyi_order", alpha="flux")
    def charged_moment(self, renyi_order: float, flux: float) -> complex:
        """``Z_n(alpha) = Tr rho_A^n e^{i alpha Q_A}`` (``U_alpha = F_A`` at ``alpha = pi`` for ``"z2"``).

        ``Z_n(alpha) = sum_q e^{i alpha q} p(q)^n sum_lambda lambda^n`` (sector ``q`` of Z2 is 0 for
        ``+1``, 1 for ``-1``); ``Z_1(0) = 1``.

        Examples
        --------
        >>> import numpy as np, tnrbm
        >>> res = tnrbm.entropy.symmetry_resolved(tnrbm.states.ghz(4), [0, 1], "z2")
        >>> np.round(res.charged_moment(2, np.pi), 12)  # p(+) = p(-) = 1/2
        np.complex128(0j)
        """
        renyi_order, flux = as_float(renyi_order), as_float(flux)
        if not (math.isfinite(renyi_order) and renyi_order > 0 and math.isfinite(flux)):
            raise InvalidParameterError(
                f"renyi_order must be a finite number > 0 and flux finite; got renyi_order={renyi_order}, flux={flux}"
            )
        out = 0.0 + 0.0j
        for q, (p, s) in enumerate(zip(self.probabilities, self.spectra)):
            if s.size and p > 0:
                out += np.exp(1j * flux * q) * p**renyi_order * float(np.sum(s[s > 0] ** renyi_order))
        return complex(out)

    def sector_probability(self, q: int) -> float:
        """``p(q)`` (0 outside the sectors)."""
        q = check_int(q, "q")
        return float(self.probabilities[q]) if 0 <= q < len(self.probabilities) else 0.0

    def equipartition(self, min_probability: float = 1e-8) -> dict:
        """How equally the entanglement is shared by the sectors with ``p(q) >= min_probability``.

        Returns ``{"sectors", "deviation", "spread", "weighted_std"}``: ``S(q) - S_config`` per populated
        sector, ``max - min`` of ``S(q)`` over them, and ``sqrt(sum_q p(q) (S(q) - S_config)**2)``.
        Exact equipartition gives ``spread = 0``.
        """
        keep = [q for q, p in enumerate(self.probabilities) if p >= min_probability]
        sq = self.sector_entropies[keep]
        dev = sq - self.configurational_entropy
        w = self.probabilities[keep]
        return {
            "sectors": [self.sectors[q] for q in keep],
            "deviation": dev.tolist(),
            "spread": float(sq.max() - sq.min()) if keep else 0.0,
            "weighted_std": float(np.sqrt(np.sum(w * dev**2) / max(np.sum(w), 1e-300))),
        }

    def to_dict(self, full_spectrum: bool = False, max_values: int = 64) -> dict:
        """JSON-ready values (each sector's spectrum truncated to ``max_values`` unless ``full_spectrum``)."""
        spectra = [s.tolist() if full_spectrum else s[:max_values].tolist() for s in self.spectra]
        return {
            "symmetry": self.symmetry,
            "sites": list(self.sites),
            "region": list(self.region),
            "n_visible": self.n_visible,
            "sectors": list(self.sectors),
            "probabilities": self.probabilities.tolist(),
            "sector_entropies": self.sector_entropies.tolist(),
            "sector_renyi": {f"{k:g}": v.tolist() for k, v in self.sector_renyi.items()},
            "number_entropy": self.number_entropy,
            "configurational_entropy": self.configurational_entropy,
            "entropy": self.entropy,
            "asymmetry": self.asymmetry,
            "equipartition": self.equipartition(),
            "method": self.method,
            "m": self.m,
            "base": self.base,
            "seconds": self.seconds,
            "spectra": spectra,
            "spectra_truncated": (not full_spectrum) and any(s.size > max_values for s in self.spectra),
        }

    def __repr__(self) -> str:
        ps = ", ".join(f"{name}: {p:.3g}" for name, p in zip(self.sectors, self.probabilities) if p > 0)
        return (
            f"SymmetryResult({self.symmetry}, |A|={len(self.region)}, S={self.entropy:.6g} = "
            f"{self.number_entropy:.6g} (number) + {self.configurational_entropy:.6g} (config), p=[{ps}])"
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{name}</td><td>{p:.6g}</td><td>{s:.6g}</td></tr>"
            for name, p, s in zip(self.sectors, self.probabilities, self.sector_entropies)
        )
        return (
            f"<p>{self.symmetry}-resolved entanglement of {len(self.region)} of {self.n_visible} spins: "
            f"S = {self.entropy:.6g} = {self.number_entropy:.6g} + {self.configurational_entropy:.6g}</p>"
            f"<table><tr><th>sector</th><th>p(q)</th><th>S(q)</th></tr>{rows}</table>"
        )
