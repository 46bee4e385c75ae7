"""Entanglement profiles: the entropy at every cut of a chain, from one sweep of the exact MPS."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._deprecated import forward_attribute
from .._numerics import log_in_base
from ..contract import SMALL_ARRAY, blas_threads
from ..network import BoltzmannNetwork
from ..tn.mps import mps_arrays, plan_mps, profile_spectra
from ..validation import MaxMemory, check_base, check_renyi
from .spectrum import entropies_from_spectrum

__all__ = ["EntanglementProfile", "entanglement_profile"]


@dataclass
class EntanglementProfile:
    """Entropies of the regions ``order[:l]`` for every cut ``l = 1 ... N - 1`` of a chain.

    Attributes
    ----------
    sizes : numpy.ndarray
        ``l``, the number of sites left of each cut.
    entropy : numpy.ndarray
        Von Neumann entropies (units of ``base``; nats by default).
    renyi : dict
        ``alpha -> array`` of Renyi entropies.
    spectra : list of numpy.ndarray
        The Schmidt probabilities at each cut (descending).
    separator_sizes : numpy.ndarray
        ``c``, the number of indices of the exact MPS crossing each cut: a vertex separator of the
        network, so ``S <= c ln 2`` (``c`` equals the minimal cut ``m`` for local chains).
    schmidt_ranks : numpy.ndarray
        The exact Schmidt ranks (probabilities above 1e-14). ``bond_dims`` is its old name (deprecated).
    order : tuple of int
        The visible units in site order.
    base : float or None
    seconds : float
    """

    sizes: np.ndarray
    entropy: np.ndarray
    renyi: dict
    spectra: list
    separator_sizes: np.ndarray
    schmidt_ranks: np.ndarray
    order: tuple
    base: float | None = None
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    bond_dims = forward_attribute(
        "EntanglementProfile",
        "bond_dims",
        "schmidt_ranks",
        why="they are Schmidt ranks; the MPS bond dimensions are 2**separator_sizes",
    )

    def to_dict(self) -> dict:
        """A JSON-ready table: one list per column (``sizes``, ``entropy``, ``renyi_<alpha>``, ...)."""
        out = {
            "sizes": self.sizes.tolist(),
            "entropy": self.entropy.tolist(),
            "separator_sizes": self.separator_sizes.tolist(),
            "bounds": self.bounds.tolist(),
            "schmidt_ranks": self.schmidt_ranks.tolist(),
        }
        out.update({f"renyi_{a}": v.tolist() for a, v in self.renyi.items()})
        return {**out, "order": list(self.order), "base": self.base, "seconds": self.seconds}

    def to_dataframe(self) -> Any:
        """The columns of :meth:`to_dict` as a pandas DataFrame (pandas is optional)."""
        import pandas as pd

        table = self.to_dict()
        return pd.DataFrame({k: v for k, v in table.items() if isinstance(v, list) and k != "order"})

    def __repr__(self) -> str:
        n = len(self.sizes) + 1
        peak = float(self.entropy.max()) if len(self.entropy) else 0.0
        return f"EntanglementProfile({len(self.sizes)} cuts of {n} sites, max S={peak:.6g}, base={self.base})"

    @property
    def bounds(self) -> np.ndarray:
        """``c ln 2`` at each cut, in the profile's units."""
        return self.separator_sizes * log_in_base(2.0, self.base)


def entanglement_profile(
    network: BoltzmannNetwork,
    renyi: Any = (2,),
    base: float | None = None,
    order: Sequence[int] | None = None,
    max_memory: MaxMemory = None,
) -> EntanglementProfile:
    """The entanglement entropy at every cut of a chain, from one sweep of the exact MPS.

    Parameters
    ----------
    network
        An RBM or DBM (or a NetKet state or ``(model, params)`` pair) whose units can be ordered along a chain (any network works; the cost grows
        like ``N 8**c`` with ``c`` the number of indices crossing a cut).
    renyi
        Renyi orders besides the von Neumann entropy (``float("inf")`` allowed).
    base
        None for nats, 2 for bits.
    order
        The visible units in chain order (default ``0 ... N - 1``).
    max_memory
        Limit in bytes for the largest site tensor (with the SVD workspace).

    Returns
    -------
    EntanglementProfile
        ``entropy[l - 1]`` is the entropy of the first ``l`` sites.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> w, b = np.full((4, 3), 0.0j), np.full(3, 1j * np.pi / 4)  # 1D cluster state on an open chain
    >>> for j in range(3):
    ...     w[j, j] = w[j + 1, j] = 1j * np.pi / 4
    >>> prof = entanglement_profile(tnrbm.RBM(w, hidden_bias=b), base=2)
    >>> np.round(prof.entropy, 12).tolist()
    [1.0, 1.0, 1.0]
    """
    t0 = time.perf_counter()
    orders = check_renyi(renyi)
    base = check_base(base)
    plan = plan_mps(network, order)
    n = network.n_visible
    if n < 2:
        spectra: list = []
    else:
        with blas_threads(1 if plan.max_bond**2 <= SMALL_ARRAY else None):
            arrays, _ = mps_arrays(plan, max_memory)
            spectra = profile_spectra(arrays, overwrite=True)
            del arrays
    ent = np.zeros(len(spectra))
    ren = {a: np.zeros(len(spectra)) for a in orders}
    ranks = np.zeros(len(spectra), dtype=int)
    for k, p in enumerate(spectra):
        s, r = entropies_from_spectrum(p, orders, base, tol=1e-14)
        ent[k] = s
        for a in orders:
            ren[a][k] = r[a]
        ranks[k] = int(np.count_nonzero(p > 1e-14))
    return EntanglementProfile(
        sizes=np.arange(1, n),
        entropy=ent,
        renyi=ren,
        spectra=spectra,
        separator_sizes=plan.separator_sizes,
        schmidt_ranks=ranks,
        order=plan.order,
        base=base,
        seconds=time.perf_counter() - t0,
        extra={"memory": plan.memory, "flops": plan.flops},
    )
