"""tnrbm: restricted Boltzmann machine wavefunctions as exact tensor networks and holographic bulks.

Build a network (:class:`RBM`, :class:`DBM`, :mod:`tnrbm.models`, :mod:`tnrbm.states`), turn it into an
exact quimb tensor network (:func:`to_tensor_network`), find the minimal surface of a boundary region
(:func:`min_cut`) and compute its exact entanglement (:func:`entanglement`), then check it against exact
diagonalization (:mod:`tnrbm.ed`) and exact results (:mod:`tnrbm.exact`).

Examples
--------
>>> import tnrbm
>>> rbm = tnrbm.models.local_chain(32, radius=1, seed=0)
>>> tnrbm.min_cut(rbm, range(16)).size
4
>>> res = tnrbm.entanglement(rbm, range(16))
>>> res.entropy <= res.bound
True
"""

from __future__ import annotations

from . import contraction, ed, errors, exact, fit, interop, io, models, mps, rg, states
from .bulk import Cut, bulk_graph, cut_mutual_information, cut_tripartite_information, min_cut
from .entropy import (
    EntanglementResult,
    InformationResult,
    entanglement,
    mutual_information,
    tripartite_information,
)
from .interop import from_netket
from .io import load, save
from .models import correlation_length
from .mps import EntanglementProfile, entanglement_profile, exact_mps
from .network import DBM, RBM, BoltzmannNetwork, all_configurations
from .tensor import physical_inds, to_tensor_network

__version__ = "0.1.0"

__all__ = [
    "RBM",
    "DBM",
    "BoltzmannNetwork",
    "Cut",
    "EntanglementProfile",
    "EntanglementResult",
    "InformationResult",
    "all_configurations",
    "bulk_graph",
    "contraction",
    "correlation_length",
    "cut_mutual_information",
    "cut_tripartite_information",
    "ed",
    "entanglement",
    "entanglement_profile",
    "errors",
    "exact",
    "exact_mps",
    "fit",
    "from_netket",
    "interop",
    "io",
    "load",
    "min_cut",
    "models",
    "mps",
    "mutual_information",
    "rg",
    "physical_inds",
    "save",
    "states",
    "to_tensor_network",
    "tripartite_information",
]
