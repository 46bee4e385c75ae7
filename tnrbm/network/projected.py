"""An RBM projected onto one charge sector: ``P_Q psi``, exact, as a short sum of RBMs.

For a diagonal charge (``"u1"``, ``"parity"``, :mod:`~tnrbm.network.charges`) with ``K`` sectors,
``P_Q = (1/K) sum_k e^{-i alpha_k Q} prod_{i in sites} e^{i alpha_k q_i}`` and
``e^{i alpha q_i} = e^{i alpha/2} e^{-i alpha v_i / 2}``: term ``k`` is the same RBM with the visible
biases of the sites shifted by ``-i alpha_k / 2``. For the spin flip (``"z2"``) the two terms are the
RBM and the RBM with the rows of ``W`` and the biases of the sites negated (``psi(F v)``). So
``P_Q psi`` is a sum of ``K`` RBMs (:meth:`ProjectedRBM.terms`), and its amplitudes are exact.

Its entanglement never needs the sum: ``P_Q = sum_q P^A_q P^B_{Q-q}``, so across any cut
``P_Q psi = sum_q (P^A_q X)(P^B_{Q-q} Y)^T`` and ``rho_A`` is block diagonal with block ``q`` from the
sector Gram matrices ``X^dagger P^A_q X`` and ``Y^dagger P^B_{Q-q} Y`` of the unprojected network
(:func:`tnrbm.entropy.symmetry_resolved`). Each block has rank at most ``2**m``, so the Schmidt rank is
at most ``(number of sectors of A) * 2**m``, with ``m`` the minimal cut of the RBM.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import InvalidParameterError
from ..validation import MaxMemory, check_int, check_memory
from .charges import Charge, as_charge
from .configurations import check_configurations
from .rbm import RBM

__all__ = ["ProjectedRBM"]


class ProjectedRBM:
    """``P_Q psi``: the RBM ``rbm`` projected onto the sector ``value`` of a global symmetry.

    Parameters
    ----------
    rbm
        The RBM ``psi``.
    value
        The sector ``Q``: the number of down spins for ``"u1"`` (``0 ... len(sites)``), 0 (even, ``+1``)
        or 1 (odd, ``-1``) for ``"parity"`` and ``"z2"``.
    symmetry
        ``"u1"``, ``"parity"`` or ``"z2"`` (:data:`~tnrbm.network.charges.SYMMETRIES`), or a
        :class:`~tnrbm.network.charges.Charge`.
    sites
        The spins the symmetry acts on (default all).

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> rbm = tnrbm.models.random_rbm(4, 3, seed=0)
    >>> proj = ProjectedRBM(rbm, 2, "u1")  # S^z = 0
    >>> len(proj.terms()), proj.n_visible
    (5, 4)
    >>> psi = proj.to_dense()
    >>> down = [bin(k).count("1") for k in range(16)]
    >>> bool(np.allclose([psi[k] for k in range(16) if down[k] != 2], 0))
    True
    """

    def __init__(self, rbm: RBM, value: int, symmetry: Any = "u1", sites: Any = None) -> None:
        if not isinstance(rbm, RBM):
            raise InvalidParameterError(f"rbm must be a tnrbm RBM; got {type(rbm).__name__}")
        self.rbm = rbm
        self.charge: Charge = as_charge(symmetry, rbm.n_visible, sites)
        top = len(self.charge.sites) if self.charge.kind == "u1" else 1
        self.value = check_int(value, "value", minimum=0, maximum=top)

    @property
    def n_visible(self) -> int:
        """Number of spins."""
        return self.rbm.n_visible

    @property
    def is_complex(self) -> bool:
        """Whether the amplitudes are complex (always for ``"u1"``, whose terms have complex biases)."""
        return self.rbm.is_complex

    @property
    def geometry(self) -> Any:
        """The RBM's geometry."""
        return self.rbm.geometry

    def terms(self) -> list[tuple[complex, RBM]]:
        """``[(c_k, RBM_k), ...]`` with ``P_Q psi = sum_k c_k RBM_k`` (see the module docstring)."""
        rbm, ch = self.rbm, self.charge
        sites = np.asarray(ch.sites, dtype=np.int64)
        if ch.kind == "z2":
            sign = np.ones(rbm.n_visible)
            sign[sites] = -1.0
            flipped = RBM(
                rbm.W.multiply(sign[:, None]).tocsr(),
                rbm.visible_bias * sign,
                rbm.hidden_bias,
                hidden=rbm.hidden,
                geometry=rbm.geometry,
            )
            return [(0.5, rbm), ((-1.0) ** self.value * 0.5, flipped)]
        out = []
        k_total = ch.n_sectors(ch.sites)
        for alpha in ch.alphas(ch.sites):
            coef = np.exp(1j * alpha * (len(sites) / 2.0 - self.value)) / k_total
            bias = rbm.visible_bias.astype(complex)
            bias[sites] -= 0.5j * alpha
            out.append((complex(coef), RBM(rbm.W, bias, rbm.hidden_bias, hidden=rbm.hidden, geometry=rbm.geometry)))
        return out

    def amplitude(self, v: Any) -> np.ndarray:
        """``(P_Q psi)(v)`` for configurations ``(..., n_visible)`` of spins ``+-1``: the sum of the terms."""
        conf = check_configurations(v, self.n_visible)
        return np.asarray(sum(c * t.amplitude(conf) for c, t in self.terms()))

    def to_dense(self, normalize: bool = True, max_memory: MaxMemory = None) -> np.ndarray:
        """The state vector ``P_Q psi`` in kron order (see :meth:`tnrbm.RBM.to_dense`).

        Raises :class:`~tnrbm.errors.InvalidParameterError` when ``normalize`` and the projection vanishes.
        """
        n = self.n_visible
        check_memory(
            5 * 16 * (math.ldexp(1.0, n) if n < 1024 else math.inf),  # 2.0**n overflows from n = 1024
            f"the dense projected state vector of {n} spins",
            max_memory,
            "use tnrbm.entropy.symmetry_resolved, which never forms it",
        )
        psi = np.asarray(sum(c * t.to_dense(normalize=False) for c, t in self.terms()))
        if not normalize:
            return psi
        norm = float(np.linalg.norm(psi))
        if not norm > 1e-300:
            raise InvalidParameterError(
                f"value={self.value}: the RBM has no weight in this sector of {self.charge.kind} (P_Q psi = 0)"
            )
        return psi / norm

    def __repr__(self) -> str:
        return f"ProjectedRBM({self.rbm!r}, {self.charge.kind}={self.value}, sites={len(self.charge.sites)})"
