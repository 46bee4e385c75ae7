"""Minimal (Ryu-Takayanagi) cuts of boundary regions: minimum vertex cuts by maximum flow.

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
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
from networkx.algorithms import flow as nxflow
from scipy.sparse import csgraph

from ..errors import MinCutError
from ..network import BoltzmannNetwork, Unit
from ..network.base import check_bookkeeping
from ..registry import Registry, check_callable
from ..validation import check_region
from .graph import LN2, check_network, unit_adjacency, unit_offsets

__all__ = ["Cut", "FLOWS", "register_flow", "min_cut", "split_flow_graph"]


@dataclass(frozen=True)
class Cut:
    """A minimal cut (RT surface) of a boundary region.

    The contract, relied on by the cut-based entanglement method:

    * ``surface`` is a set of units whose removal disconnects every leg of ``A`` from every leg of
      ``B`` (the complement) and has the minimum number ``size`` of units among all such sets.
      Cutting a visible unit stands for cutting its leg.
    * ``wedge`` (the entanglement wedge of ``A``) is the set of units still connected to a leg of ``A``
      once the surface is removed: it holds every visible unit of ``A`` that is not in the surface,
      and no unit of the surface.
    * ``complement_wedge`` is the same for ``B``. ``wedge``, ``complement_wedge`` and ``surface`` are
      disjoint; units connected to no leg (after removing the surface) are in none of them.
    * Among all minimum cuts the one closest to ``A`` is returned (the smallest wedge: the source side
      of the residual graph of a maximum flow), so the answer is the same on every call and for every
      flow solver. ``min_cut(net, B)`` returns the cut closest to ``B``, of the same size.

    Attributes
    ----------
    size : int
        ``m``, the number of cut units.
    surface : tuple of (layer, index)
        The cut units, sorted.
    wedge : frozenset of (layer, index)
        Units on the region's side, not in the surface.
    complement_wedge : frozenset of (layer, index)
        Units on the complement's side, not in the surface.
    region : tuple of int
        The visible units of ``A`` (sorted).
    complement : tuple of int
        The visible units of ``B`` (sorted; empty when ``A`` is everything, where ``m = 0``).
    """

    size: int
    surface: tuple[Unit, ...]
    wedge: frozenset
    complement_wedge: frozenset
    region: tuple[int, ...]
    complement: tuple[int, ...]

    @property
    def m(self) -> int:
        """``m``, the number of cut units (the same as ``size``)."""
        return self.size

    def surface_labels(self, network: Any) -> tuple[str, ...]:
        """The surface as the network's unit labels (``'V{i}'``, ``'H{j}'``)."""
        return tuple(network.unit_label(u) for u in self.surface)

    @property
    def bound(self) -> float:
        """``m ln 2`` in nats: the largest entanglement entropy the cut allows."""
        return self.size * LN2

    @property
    def schmidt_rank_bound(self) -> int:
        """``2**m``: the largest Schmidt rank the cut allows."""
        return 2**self.size

    def __repr__(self) -> str:
        sur = ", ".join(f"{u}" for u in self.surface[:8]) + (", ..." if self.size > 8 else "")
        return f"Cut(size={self.size}, bound={self.bound:.6g}, |A|={len(self.region)}, surface=[{sur}])"


def split_flow_graph(network: BoltzmannNetwork, region: Iterable[int]) -> tuple[sp.csr_array, int, int, int]:
    """The node-split flow network of a region's minimal-cut problem, as an integer capacity matrix.

    Unit ``g`` (global index, visible first) becomes ``g_in = 2 g`` and ``g_out = 2 g + 1`` joined by an
    arc of capacity 1 (cutting the unit); each coupling ``u - w`` becomes arcs ``u_out -> w_in`` and
    ``w_out -> u_in`` of capacity ``inf`` (an integer larger than any cut); the source ``2 U`` feeds
    ``a_in`` of every visible ``a`` in the region and ``b_out`` of every other visible unit drains into
    the sink ``2 U + 1``.

    Returns
    -------
    capacity : scipy.sparse.csr_array
        ``(2 U + 2, 2 U + 2)`` int32 capacities.
    source, sink, inf : int

    Examples
    --------
    >>> import tnrbm
    >>> cap, s, t, inf = split_flow_graph(tnrbm.models.local_chain(4, seed=0), [0, 1])
    >>> cap.shape, s, t, inf
    ((18, 18), 16, 17, 9)
    """
    check_network(network)
    return _flow_graph(network, check_region(region, network.n_visible), unit_adjacency(network))


def _flow_graph(network: BoltzmannNetwork, region_t: tuple[int, ...], adjacency: sp.csr_array) -> tuple:
    """:func:`split_flow_graph` for a checked region and the network's :func:`unit_adjacency`."""
    n = network.n_visible
    n_units = adjacency.shape[0]
    inf = n_units + 1
    adj = adjacency.tocoo()
    in_a = np.zeros(n, dtype=bool)
    in_a[np.asarray(region_t, dtype=np.int64)] = True
    a = np.flatnonzero(in_a)
    b = np.flatnonzero(~in_a)
    units = np.arange(n_units, dtype=np.int64)
    source, sink = 2 * n_units, 2 * n_units + 1
    rows = np.concatenate([2 * units, 2 * adj.row + 1, np.full(len(a), source), 2 * b + 1])
    cols = np.concatenate([2 * units + 1, 2 * adj.col, 2 * a, np.full(len(b), sink)])
    caps = np.concatenate([np.ones(n_units, np.int32), np.full(len(adj.row) + len(a) + len(b), inf, dtype=np.int32)])
    cap = sp.csr_array((caps, (rows, cols)), shape=(2 * n_units + 2, 2 * n_units + 2))
    cap.sum_duplicates()
    return cap, source, sink, inf


def _reachable_networkx(cap: sp.csr_array, source: int, sink: int, func: Callable) -> tuple[int, np.ndarray]:
    """Cut value and source side of the minimum cut closest to the source, with a networkx flow function."""
    coo = cap.tocoo()
    g = nx.DiGraph()
    g.add_nodes_from(range(cap.shape[0]))
    g.add_edges_from((int(u), int(w), {"capacity": int(c)}) for u, w, c in zip(coo.row, coo.col, coo.data))
    residual = func(g, source, sink)
    # networkx's own minimum_cut returns the side closest to the sink: walk the residual from the source
    seen = {source}
    todo = [source]
    while todo:
        u = todo.pop()
        for w, attr in residual.succ[u].items():
            if w not in seen and attr["flow"] < attr["capacity"]:
                seen.add(w)
                todo.append(w)
    value = residual.graph["flow_value"]
    reach = np.zeros(cap.shape[0], dtype=bool)
    reach[list(seen)] = True
    return int(value), reach


def _reachable_scipy(cap: sp.csr_array, source: int, sink: int, method: str) -> tuple[int, np.ndarray]:
    """Cut value and source side of the minimum cut closest to the source, with scipy's max flow."""
    res = csgraph.maximum_flow(cap, source, sink, method=method)
    residual = (cap - res.flow).tocsr()
    residual.data = (residual.data > 0).astype(np.int8)
    residual.eliminate_zeros()
    order = csgraph.breadth_first_order(residual, source, directed=True, return_predecessors=False)
    reach = np.zeros(cap.shape[0], dtype=bool)
    reach[order] = True
    return int(res.flow_value), reach


#: name -> solver ``solve(capacity, source, sink) -> (flow_value, reach)`` (``reach``: the nodes on the
#: source side of the minimum cut closest to the source). scipy's Dinic (default, compiled) and
#: Edmonds-Karp, and networkx's flow functions on the same split graph (slower; an independent check).
FLOWS: Registry[Callable] = Registry(
    "flow",
    {
        "dinic": functools.partial(_reachable_scipy, method="dinic"),
        "edmonds_karp": functools.partial(_reachable_scipy, method="edmonds_karp"),
        **{
            f"networkx_{name}": functools.partial(_reachable_networkx, func=getattr(nxflow, name))
            for name in ("boykov_kolmogorov", "preflow_push", "edmonds_karp", "shortest_augmenting_path", "dinitz")
        },
    },
    check=check_callable("solve"),
)


def register_flow(name: str, solve: Callable, *, replace: bool = False) -> None:
    """Add a max-flow solver ``solve(capacity, source, sink) -> (flow_value, reach)`` to :data:`FLOWS`.

    ``capacity`` is the integer capacity matrix of :func:`split_flow_graph`; ``reach`` a boolean array
    marking the source side of the minimum cut closest to the source.

    Examples
    --------
    A taken name is refused unless ``replace=True``; ``FLOWS.unregister(name)`` removes one.

    >>> register_flow("my-dinic", FLOWS["dinic"])
    >>> FLOWS.unregister("my-dinic") is FLOWS["dinic"]
    True
    """
    FLOWS.register(name, solve, replace=replace)


def min_cut(network: BoltzmannNetwork, region: Iterable[int], flow: str = "dinic") -> Cut:
    """The minimal cut (Ryu-Takayanagi surface) of a boundary region: a minimum vertex cut.

    Every unit, visible or hidden, can be cut at cost ``ln 2``; cutting a visible unit is cutting
    its leg. The cut separates the legs of ``region`` (``A``) from the legs of every other visible
    unit (``B``). Solved as a maximum flow on the node-split graph (:func:`split_flow_graph`); the
    returned cut is the one closest to ``A`` (see :class:`Cut` for the full contract).

    Parameters
    ----------
    network
        An RBM or DBM (or a NetKet state or ``(model, params)`` pair, see :func:`tnrbm.interop.as_network`).
    region
        The visible units of ``A``: any non-empty subset, contiguous or not. The whole boundary is
        allowed and gives ``m = 0`` (a pure state has no entanglement with nothing): empty surface,
        the wedge being every unit connected to a leg.
    flow
        The max-flow solver: a name in :data:`FLOWS` -- ``"dinic"`` (scipy, default: the fastest
        measured), ``"edmonds_karp"`` (scipy), or ``"networkx_<name>"`` for a networkx flow function on
        the same graph -- or a callable ``solve(capacity, source, sink) -> (flow_value, reach)`` (see
        :func:`register_flow`). All give the same cut.

    Returns
    -------
    Cut
        ``size`` m, ``bound`` m ln 2, ``surface``, ``wedge``, ``complement_wedge``, ``region``.

    Examples
    --------
    >>> import tnrbm
    >>> chain = tnrbm.models.local_chain(12, radius=1, periodic=True, seed=0)
    >>> cut = min_cut(chain, range(6))  # two boundaries, 2 radius units each
    >>> cut.size, round(cut.bound, 6)
    (4, 2.772589)
    >>> min_cut(chain, range(6, 12)).size
    4
    >>> min_cut(chain, range(12)).size, min_cut(chain, []).size  # the whole boundary, the empty region
    (0, 0)
    """
    check_network(network)
    solve = flow if callable(flow) else FLOWS.get(flow)
    n = network.n_visible
    region_t = check_region(region, n, allow_empty=True)
    check_bookkeeping(network, "min_cut")
    in_region = np.zeros(n, dtype=bool)
    in_region[np.asarray(region_t, dtype=np.int64)] = True
    complement = tuple(np.flatnonzero(~in_region).tolist())
    off = unit_offsets(network)
    n_units = int(off[-1])
    adj = unit_adjacency(network)
    if complement and region_t:  # an empty region, or the whole boundary: nothing to cut (m = 0)
        cap, source, sink, _ = _flow_graph(network, region_t, adj)
        size, reach = solve(cap, source, sink)
        reach = np.asarray(reach, dtype=bool)
        surface_idx = np.flatnonzero(reach[0 : 2 * n_units : 2] & ~reach[1 : 2 * n_units : 2])
        if len(surface_idx) != size:  # a max-flow/min-cut bug (or a wrong custom solver), never silently wrong
            raise MinCutError(f"min cut: flow value {size} but {len(surface_idx)} cut units")
    else:
        surface_idx = np.zeros(0, dtype=np.int64)
        size = 0
    # wedges: connected components of the unit graph with the surface removed
    keep = np.ones(n_units, dtype=bool)
    keep[surface_idx] = False
    kept = np.flatnonzero(keep)
    _, labels_kept = csgraph.connected_components(adj[kept][:, kept], directed=False)
    labels = np.full(n_units, -1, dtype=np.int64)
    labels[kept] = labels_kept
    vis_labels = labels[:n]
    a_labels = np.unique(vis_labels[in_region & keep[:n]])
    b_labels = np.unique(vis_labels[~in_region & keep[:n]])
    if np.intersect1d(a_labels, b_labels).size:  # pragma: no cover - guarded by the max-flow theorem
        raise MinCutError("min cut: the surface does not separate the region from its complement")
    in_a = np.isin(labels, a_labels) & keep
    in_b = np.isin(labels, b_labels) & keep
    return Cut(
        size=int(size),
        surface=tuple(sorted(_units(off, surface_idx))),
        wedge=frozenset(_units(off, np.flatnonzero(in_a))),
        complement_wedge=frozenset(_units(off, np.flatnonzero(in_b))),
        region=region_t,
        complement=complement,
    )


def _units(offsets: np.ndarray, gids: np.ndarray) -> list[Unit]:
    """``(layer, index)`` of the units with global ids ``gids`` (vectorized)."""
    layers = np.searchsorted(offsets, gids, side="right") - 1
    return list(zip(layers.tolist(), (gids - offsets[layers]).tolist()))
