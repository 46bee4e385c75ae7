"""The network as a discrete holographic bulk: the bulk graph and minimal (Ryu-Takayanagi) cuts.

The visible units are the boundary, the hidden units the bulk (hidden layer ``l`` of a DBM is depth
``l``). Every unit takes 2 values, so cutting it costs ``ln 2``; a coupling is a 2x2 matrix of rank
at most 2, so cutting a unit is never worse than cutting its edges. Each visible unit carries one
boundary leg (its physical index, which is the unit's own index in the tensor network): cutting a
visible unit is the same as cutting its leg, i.e. conditioning on the spin's value.

The RT surface ``gamma_A`` of a boundary region ``A`` is a minimum *vertex* cut separating the legs of
``A`` from the legs of its complement ``B``. With ``m = |gamma_A|``, conditioning on the ``2**m``
values of the cut units splits ``psi = sum_c L_c(v_A) R_c(v_B)``, so the Schmidt rank is at most
``2**m`` and ``S_A <= m ln 2 <= min(|A|, |B|) ln 2``.

Cut entropies ``m ln 2`` obey subadditivity, Araki-Lieb and strong subadditivity. They do NOT obey
monogamy of mutual information (MMI) in general: a minimal vertex cut removes a unit with all its
couplings at once, so a unit with three or more neighbours acts as a hyperedge and vertex cuts are
hypergraph cuts (one hidden unit on four spins, or one spin joined to three others, gives
``I3_cut = +ln 2``). No violation was found on local chains or hierarchical networks (docs/theory/cuts.md).

Modules: :mod:`~tnrbm.bulk.graph` (the bulk graph, positions), :mod:`~tnrbm.bulk.cut` (:class:`Cut`,
:func:`min_cut` and the registry of max-flow solvers), :mod:`~tnrbm.bulk.surface` (a cut from a given
separator), :mod:`~tnrbm.bulk.information` (cut mutual/tripartite information).
"""

from __future__ import annotations

from .cut import FLOWS, Cut, min_cut, register_flow, split_flow_graph
from .graph import bulk_graph, unit_positions
from .information import cut_mutual_information, cut_tripartite_information
from .surface import cut_from_surface

__all__ = [
    "Cut",
    "FLOWS",
    "bulk_graph",
    "cut_from_surface",
    "cut_mutual_information",
    "cut_tripartite_information",
    "min_cut",
    "register_flow",
    "split_flow_graph",
    "unit_positions",
]
