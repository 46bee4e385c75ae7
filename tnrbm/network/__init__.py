"""Boltzmann-machine wavefunctions: the restricted (RBM) and the deep (DBM) case, and their local tensors.

A network is a layered graph of units. Layer 0 holds the visible spins ``v_i in {+1, -1}``;
layers 1, 2, ... hold hidden units with values ``{+1, -1}`` (``hidden="spin"``) or ``{0, 1}``
(``hidden="binary"``). Layer ``l`` couples only to layers ``l - 1`` and ``l + 1``. The
unnormalized amplitude is

    psi(v) = sum_{h} exp( sum_l biases[l] . x_l + sum_l x_l^T couplings[l] x_{l+1} ),

with ``x_0 = v``. For an RBM (one hidden layer) the hidden sum is closed form,
``psi(v) = exp(a . v) prod_j 2 cosh(theta_j)`` (spin) or ``prod_j (1 + exp(theta_j))``
(binary), ``theta_j = b_j + sum_i W_ij v_i``.

Units are named by ``(layer, index)`` tuples everywhere (graph nodes, cut surfaces); their one string
form is :meth:`BoltzmannNetwork.unit_label` (``'V{i}'`` visible, ``'H{j}'`` hidden with the global
hidden index ``j``), used in tensor tags, the command line and plots. A zero coupling is no connection
and not an edge.

Modules: :mod:`~tnrbm.network.base` (the network, its conventions), :mod:`~tnrbm.network.rbm`,
:mod:`~tnrbm.network.dbm`, :mod:`~tnrbm.network.geometry` (the frozen :class:`Geometry`),
:mod:`~tnrbm.network.configurations` and :mod:`~tnrbm.network.local` (the single factory of the
local tensors every exact form is built from). A new network type subclasses
:class:`BoltzmannNetwork` here.
"""

from __future__ import annotations

from .base import HIDDEN_CONVENTIONS, VISIBLE_VALUES, BoltzmannNetwork, Unit, log_sum_hidden
from .charges import SYMMETRIES, Charge, as_charge
from .configurations import all_configurations, check_configurations
from .dbm import DBM
from .geometry import Geometry, as_geometry
from .local import TermBuilder, chain_positions, physical_inds, unit_index
from .projected import ProjectedRBM
from .rbm import RBM

__all__ = [
    "BoltzmannNetwork",
    "Charge",
    "ProjectedRBM",
    "RBM",
    "SYMMETRIES",
    "as_charge",
    "DBM",
    "Geometry",
    "HIDDEN_CONVENTIONS",
    "VISIBLE_VALUES",
    "TermBuilder",
    "Unit",
    "all_configurations",
    "as_geometry",
    "chain_positions",
    "check_configurations",
    "log_sum_hidden",
    "physical_inds",
    "unit_index",
]
