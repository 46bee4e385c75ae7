"""The network as a discrete holographic bulk: the bulk graph and minimal (Ryu-Takayanagi) cuts.

The visible units are the boundary, the hidden units the bulk (hidden layer ``l`` of a DBM is depth
``l``). The RT surface of a boundary region is a minimum vertex cut of the bulk graph; its size ``m``
bounds the entanglement, ``S_A <= m ln 2`` (:mod:`~tnrbm.bulk.cut` states the contract and why cut
entropies obey subadditivity but not monogamy of mutual information).

Modules: :mod:`~tnrbm.bulk.graph` (the bulk graph, positions), :mod:`~tnrbm.bulk.cut` (:class:`Cut`,
:func:`min_cut` and the registry of max-flow solvers), :mod:`~tnrbm.bulk.surface` (a cut from a given
separator), :mod:`~tnrbm.bulk.surfaces` (every minimal cut, the two-region transition), :mod:`~tnrbm.bulk.information` (cut mutual/tripartite information).
"""

from __future__ import annotations

from ..interop import open_doors
from .cut import FLOWS, Cut, min_cut, register_flow, split_flow_graph
from .graph import bulk_graph, unit_positions
from .information import cut_mutual_information, cut_tripartite_information
from .surface import cut_from_surface
from .surfaces import MinimalSurfaces, minimal_surfaces, two_region_transition

# the NetKet door: states from NetKet are converted here, never inside the modules
open_doors(
    globals(),
    "min_cut bulk_graph cut_mutual_information cut_tripartite_information minimal_surfaces cut_from_surface "
    "split_flow_graph two_region_transition unit_positions",
)

__all__ = [
    "Cut",
    "MinimalSurfaces",
    "FLOWS",
    "bulk_graph",
    "cut_from_surface",
    "cut_mutual_information",
    "cut_tripartite_information",
    "min_cut",
    "minimal_surfaces",
    "register_flow",
    "split_flow_graph",
    "two_region_transition",
    "unit_positions",
]
