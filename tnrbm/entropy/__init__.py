"""Entanglement of a boundary region: von Neumann and Renyi entropies, the Schmidt spectrum, information.

``entanglement(state, region)`` takes a network or a state vector. Entropies are in nats unless
``base`` is given (``base=2``: bits). The exact methods form a registry
(:mod:`~tnrbm.entropy.methods`; :func:`register_method` adds one):

``"dense"`` (:mod:`~tnrbm.entropy.dense`)
    The state vector and its SVD, while ``2**N`` fits in memory.
``"cut"`` (:mod:`~tnrbm.entropy.cut`)
    Condition on the ``2**m`` values of the minimal cut (the RT surface, :func:`tnrbm.bulk.min_cut`):
    ``psi = X Y^T`` with ``X[v_A, c]``, ``Y[v_B, c]`` the two sides of the network. Each side is
    contracted with its complex conjugate into ``G_A = X^dagger X``, ``G_B = Y^dagger Y``, and
    ``rho_A = X G_B^T X^dagger`` has the nonzero spectrum of ``G_A^{1/2} G_B^T G_A^{1/2}``
    (:func:`spectrum_from_grams`; proof in ``docs/theory/entanglement.md``). The cost grows with
    ``4**m`` and the contraction width, not with ``2**N``. :func:`purity` takes ``Tr rho_A^2`` (the
    Renyi-2 entropy) from the same Grams without their ``8**m`` spectrum.
``"mps"`` (:mod:`~tnrbm.entropy.mps`)
    The exact MPS of the network in a site order where the region comes first (:mod:`tnrbm.tn.mps`).

``"auto"`` picks the least estimated time (:func:`estimate` reports it; :func:`calibrate` measures the
machine's rates behind it, :mod:`~tnrbm.entropy.calibration`). :func:`symmetry_resolved` splits the
entanglement by the charge sectors of a global symmetry (Z2 flip, parity, U(1)) through the same cut
(twisted Gram matrices), and :func:`entanglement_levels` makes its spectrum an object (levels by sector,
degeneracies, gaps). :func:`mutual_information` and
:func:`tripartite_information` combine exact entropies and report the cut bounds alongside;
:func:`entanglement_profile` gives every cut of a chain in one sweep. Past the Gram wall,
:func:`top_schmidt` streams one Gram matrix to get the ``k`` largest Schmidt values, the exact purity and
certified bounds on every entropy (:mod:`~tnrbm.entropy.topk`, :mod:`~tnrbm.entropy.certify`).
"""

from __future__ import annotations

from ..interop import open_doors
from ..validation import check_base, check_region
from . import cut, dense, mps
from .batch import entanglement_many
from .calibration import Rates, calibrate, machine_rates
from .compute import entanglement
from .estimates import Estimate, MethodEstimate, estimate
from .grams import purity_from_grams, spectrum_from_grams
from .information import mutual_information, tripartite_information
from .levels import EntanglementLevels, entanglement_levels
from .methods import (
    METHODS,
    NotApplicableError,
    Plan,
    Problem,
    auto_methods,
    method_names,
    register_method,
    unregister_method,
)
from .profile import EntanglementProfile, entanglement_profile
from .renyi2 import PurityResult, purity
from .result import EntanglementResult, InformationResult, RegionResult, Result
from .sectors import SymmetryResult
from .spectrum import entropies_from_spectrum, renyi_entropy
from .symmetry import SymmetryWarning, charged_moment_from_grams, symmetry_resolved
from .topk import TopSchmidtResult, top_schmidt

# the NetKet door: states from NetKet are converted here, never inside the modules
open_doors(
    globals(),
    "entanglement entanglement_many entanglement_profile estimate mutual_information tripartite_information purity "
    "symmetry_resolved top_schmidt",
)

__all__ = [
    "EntanglementLevels",
    "EntanglementProfile",
    "EntanglementResult",
    "Estimate",
    "MethodEstimate",
    "InformationResult",
    "METHODS",
    "NotApplicableError",
    "Plan",
    "Problem",
    "PurityResult",
    "RegionResult",
    "Result",
    "Rates",
    "calibrate",
    "machine_rates",
    "check_base",
    "check_region",
    "cut",
    "dense",
    "entanglement",
    "entanglement_levels",
    "entanglement_many",
    "entanglement_profile",
    "entropies_from_spectrum",
    "estimate",
    "method_names",
    "mps",
    "mutual_information",
    "purity",
    "purity_from_grams",
    "register_method",
    "unregister_method",
    "auto_methods",
    "renyi_entropy",
    "spectrum_from_grams",
    "SymmetryResult",
    "SymmetryWarning",
    "charged_moment_from_grams",
    "symmetry_resolved",
    "tripartite_information",
    "TopSchmidtResult",
    "top_schmidt",
]
