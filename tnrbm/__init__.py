"""tnrbm: restricted Boltzmann machine wavefunctions as exact tensor networks and holographic bulks.

The public API is listed in ``__all__``; see ``README.md`` and ``docs/`` for the conventions.
"""

from __future__ import annotations

from . import errors, models
from .entropy import EntanglementResult, entanglement
from .network import DBM, RBM, BoltzmannNetwork, all_configurations
from .tensor import physical_inds, to_tensor_network

__version__ = "0.1.0"

__all__ = [
    "RBM",
    "DBM",
    "BoltzmannNetwork",
    "EntanglementResult",
    "all_configurations",
    "entanglement",
    "errors",
    "models",
    "physical_inds",
    "to_tensor_network",
]
