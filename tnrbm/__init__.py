"""tnrbm: restricted Boltzmann machine wavefunctions as exact tensor networks and holographic bulks.

Build a network (:class:`RBM`, :class:`DBM`, :mod:`tnrbm.models`, :mod:`tnrbm.states`), turn it into an
exact quimb tensor network (:func:`to_tensor_network`), find the minimal surface of a boundary region
(:func:`min_cut`) and compute its exact entanglement (:func:`entanglement`), then check it against exact
diagonalization (:mod:`tnrbm.ed`) and exact results (:mod:`tnrbm.exact`).

The layers, bottom to top (each imports only those below it; ``docs/architecture.md``): ``errors``,
``validation``; ``contract`` (generic contraction plans); ``network`` (RBM, DBM, geometry, the local
tensors); ``io``, ``interop``; ``tn`` (quimb forms, exact MPS), ``bulk`` (bulk graph, minimal cuts),
``models``; ``ed``, ``states``; ``entropy`` (the entanglement methods); ``rg``, ``fit``; ``plot``; ``cli``.
Names are loaded on first use, so ``import tnrbm`` is fast.

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

import importlib
from typing import Any

from ._version import __version__ as __version__

#: public name -> the module that defines it
_NAMES = {
    "RBM": "tnrbm.network",
    "DBM": "tnrbm.network",
    "BoltzmannNetwork": "tnrbm.network",
    "Geometry": "tnrbm.network",
    "all_configurations": "tnrbm.network",
    "Cut": "tnrbm.bulk",
    "bulk_graph": "tnrbm.bulk",
    "min_cut": "tnrbm.bulk",
    "cut_mutual_information": "tnrbm.bulk",
    "cut_tripartite_information": "tnrbm.bulk",
    "EntanglementResult": "tnrbm.entropy",
    "InformationResult": "tnrbm.entropy",
    "EntanglementProfile": "tnrbm.entropy",
    "entanglement": "tnrbm.entropy",
    "entanglement_profile": "tnrbm.entropy",
    "entanglement_many": "tnrbm.entropy",
    "estimate": "tnrbm.entropy",
    "purity": "tnrbm.entropy",
    "PurityResult": "tnrbm.entropy",
    "top_schmidt": "tnrbm.entropy",
    "TopSchmidtResult": "tnrbm.entropy",
    "mutual_information": "tnrbm.entropy",
    "tripartite_information": "tnrbm.entropy",
    "exact_mps": "tnrbm.tn",
    "physical_inds": "tnrbm.tn",
    "to_tensor_network": "tnrbm.tn",
    "from_netket": "tnrbm.interop",
    "load": "tnrbm.io",
    "save": "tnrbm.io",
    "correlation_length": "tnrbm.models",
}
#: the subpackages and modules reachable as attributes (the old flat modules included)
_MODULES = (
    "bulk",
    "cli",
    "contract",
    "contraction",
    "ed",
    "entropy",
    "errors",
    "exact",
    "fit",
    "interop",
    "io",
    "models",
    "mps",
    "network",
    "plot",
    "rg",
    "specs",
    "states",
    "tensor",
    "tn",
    "validation",
)

__all__ = sorted(_NAMES) + sorted(m for m in _MODULES if m not in ("contraction", "mps", "tensor", "cli"))


def __getattr__(name: str) -> Any:
    if name in _NAMES:
        value = getattr(importlib.import_module(_NAMES[name]), name)
    elif name in _MODULES:
        value = importlib.import_module(f"tnrbm.{name}")
    else:
        raise AttributeError(f"module 'tnrbm' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(__all__) | {"__version__"})
