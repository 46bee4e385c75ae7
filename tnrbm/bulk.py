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
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from .entropy import check_region
from .errors import InvalidParameterError, InvalidRegionError
from .network import BoltzmannNetwork, Unit

__all__ = [
    "Cut",
    "FLOWS",
    "bulk_graph",
    "unit_positions",
    "min_cut",
    "cut_mutual_information",
    "cut_tripartite_information",
    "split_flow_graph",
]

LN2 = math.log(2.0)

#: max-flow solvers accepted by :func:`min_cut`: scipy's Dinic (default, compiled) and Edmonds-Karp,
#: and networkx's flow functions on the same split graph (slower; kept as an independent second solver).
FLOWS = (
    "dinic",
    "edmonds_karp",
    "networkx_boykov_kolmogorov",
    "networkx_preflow_push",
    "networkx_edmonds_karp",
    "networkx_shortest_augmenting_path",
    "networkx_dinitz",
)


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


# --------------------------------------------------------------------------------------------- graph
def _offsets(network: BoltzmannNetwork) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(network.layer_sizes)]).astype(np.int64)


def _check_network(network: Any) -> BoltzmannNetwork:
    if not isinstance(network, BoltzmannNetwork):
        raise InvalidParameterError(f"network must be a tnrbm RBM or DBM; got {type(network).__name__}")
    return network


def unit_positions(network: BoltzmannNetwork) -> dict[Unit, tuple[float, float]]:
    """Drawing positions of the units: the boundary at the bottom (y = 0), depth upward.

    Layered for chains, hierarchical networks and generic RBMs/DBMs: visible unit ``i`` at
    ``x = i``, unit ``j`` of a layer of ``n_l`` units centred over its share of the boundary,
    ``x = (j + 1/2) n / n_l - 1/2``, at height ``y = layer``. A local feature at site ``s`` thus sits
    above spin ``s`` and an RG block unit above the middle of its block. For a 2D lattice
    (``geometry["kind"] == "lattice"``) an oblique view: spin ``(x, y)`` at ``(x + y/2, y/2)`` and
    its hidden units over it, lifted by ``Ly/2 + 1``.

    Examples
    --------
    >>> import tnrbm
    >>> pos = unit_positions(tnrbm.models.local_chain(4, seed=0))
    >>> pos[(0, 2)], pos[(1, 2)]
    ((2.0, 0.0), (2.0, 1.0))
    """
    _check_network(network)
    geo = network.geometry or {}
    pos: dict[Unit, tuple[float, float]] = {}
    if geo.get("kind") == "lattice":
        lx, ly = geo["shape"]
        alpha = geo.get("alpha", 1)
        lift = ly / 2.0 + 1.0
        for i in range(network.n_visible):
            x, y = divmod(i, ly)
            pos[(0, i)] = (x + 0.5 * y, 0.5 * y)
        for layer in range(1, network.n_layers + 1):
            for j in range(network.layer_sizes[layer]):
                site, f = divmod(j, alpha)
                x, y = divmod(site % (lx * ly), ly)
                dx = (f - (alpha - 1) / 2) * 0.6 / alpha
                pos[(layer, j)] = (x + 0.5 * y + dx, 0.5 * y + lift * layer)
        return pos
    n = network.n_visible
    for layer, n_l in enumerate(network.layer_sizes):
        for j in range(n_l):
            pos[(layer, j)] = (float((j + 0.5) * n / n_l - 0.5), float(layer))
    return pos


def bulk_graph(network: BoltzmannNetwork, legs: bool = False) -> nx.Graph:
    """The bulk graph of a network: one node per unit, one edge per nonzero coupling.

    Parameters
    ----------
    network
        An RBM or DBM.
    legs
        Also add one node ``("leg", i)`` per visible unit ``i`` (attributes ``kind="leg"``,
        ``index=i``, ``capacity=inf``: a leg cannot be cut apart from its unit), joined to ``(0, i)``
        by an edge with ``leg=True``. Without it (default) the legs are only listed in
        ``G.graph["legs"]`` and every node is a unit.

    Returns
    -------
    networkx.Graph
        Nodes ``(layer, index)`` with attributes ``kind`` ("visible"/"hidden"), ``layer``, ``index``,
        ``label`` ("V3", "H5": ``H`` counts hidden units over all layers), ``capacity`` (``ln 2``, in
        nats) and ``pos`` (see :func:`unit_positions`). Edges carry ``coupling`` (the weight, real or
        complex). Graph attributes: ``legs`` (``{i: (0, i)}``), ``layer_sizes``, ``geometry``.

    Examples
    --------
    >>> import tnrbm
    >>> g = bulk_graph(tnrbm.models.local_chain(6, radius=1, seed=0))
    >>> g.number_of_nodes(), g.number_of_edges()
    (12, 18)
    >>> g.nodes[(1, 0)]["label"], g.nodes[(0, 5)]["kind"]
    ('H0', 'visible')
    >>> bulk_graph(tnrbm.models.local_chain(6, seed=0), legs=True).number_of_nodes()
    18
    """
    _check_network(network)
    g = nx.Graph()
    g.graph["legs"] = {i: (0, i) for i in range(network.n_visible)}
    g.graph["layer_sizes"] = tuple(network.layer_sizes)
    g.graph["geometry"] = None if network.geometry is None else dict(network.geometry)
    pos = unit_positions(network)
    for unit in network.units():
        layer, i = unit
        g.add_node(
            unit,
            kind="visible" if layer == 0 else "hidden",
            layer=layer,
            index=i,
            label=network.unit_label(unit),
            capacity=LN2,
            pos=pos[unit],
        )
    g.add_edges_from((u, w, {"coupling": c}) for u, w, c in network.edges())
    if legs:
        for i in range(network.n_visible):
            x, _ = pos[(0, i)]
            g.add_node(("leg", i), kind="leg", layer=-1, index=i, label=f"k{i}", capacity=math.inf, pos=(x, -0.6))
            g.add_edge(("leg", i), (0, i), leg=True)
    return g


def _unit_adjacency(network: BoltzmannNetwork) -> sp.csr_array:
    """Symmetric 0/1 adjacency of the units (global index = offset[layer] + index)."""
    off = _offsets(network)
    n_units = int(off[-1])
    rows, cols = [], []
    for layer, mat in enumerate(network.couplings):
        coo = mat.tocoo()
        rows.append(coo.row.astype(np.int64) + off[layer])
        cols.append(coo.col.astype(np.int64) + off[layer + 1])
    r = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, np.int64)
    data = np.ones(2 * len(r), dtype=np.int8)
    adj = sp.csr_array((data, (np.concatenate([r, c]), np.concatenate([c, r]))), shape=(n_units, n_units))
    adj.sum_duplicates()
    return adj


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
    _check_network(network)
    n = network.n_visible
    region_t = check_region(region, n)
    off = _offsets(network)
    n_units = int(off[-1])
    inf = n_units + 1
    adj = _unit_adjacency(network).tocoo()
    in_a = np.zeros(n, dtype=bool)
    in_a[list(region_t)] = True
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


def _reachable_networkx(cap: sp.csr_array, source: int, sink: int, flow: str) -> tuple[int, np.ndarray]:
    """Cut value and source side of the minimum cut closest to the source, with a networkx solver."""
    from networkx.algorithms import flow as nxflow

    func = getattr(nxflow, flow.removeprefix("networkx_"))
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


def _reachable_scipy(cap: sp.csr_array, source: int, sink: int, flow: str) -> tuple[int, np.ndarray]:
    """Cut value and source side of the minimum cut closest to the source, with scipy's max flow."""
    res = csgraph.maximum_flow(cap, source, sink, method=flow)
    residual = (cap - res.flow).tocsr()
    residual.data = (residual.data > 0).astype(np.int8)
    residual.eliminate_zeros()
    order = csgraph.breadth_first_order(residual, source, directed=True, return_predecessors=False)
    reach = np.zeros(cap.shape[0], dtype=bool)
    reach[order] = True
    return int(res.flow_value), reach


def min_cut(network: BoltzmannNetwork, region: Iterable[int], flow: str = "dinic") -> Cut:
    """The minimal cut (Ryu-Takayanagi surface) of a boundary region: a minimum vertex cut.

    Every unit, visible or hidden, can be cut at cost ``ln 2``; cutting a visible unit is cutting
    its leg. The cut separates the legs of ``region`` (``A``) from the legs of every other visible
    unit (``B``). Solved as a maximum flow on the node-split graph (:func:`split_flow_graph`); the
    returned cut is the one closest to ``A`` (see :class:`Cut` for the full contract).

    Parameters
    ----------
    network
        An RBM or DBM.
    region
        The visible units of ``A``: any non-empty subset, contiguous or not. The whole boundary is
        allowed and gives ``m = 0`` (a pure state has no entanglement with nothing): empty surface,
        the wedge being every unit connected to a leg.
    flow
        The max-flow solver, one of :data:`FLOWS`: ``"dinic"`` (scipy, default: the fastest measured)
        or ``"edmonds_karp"`` (scipy), or ``"networkx_<name>"`` for a networkx flow function on the
        same graph. All give the same cut.

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
    >>> min_cut(chain, range(12)).size  # the whole boundary
    0
    """
    _check_network(network)
    if flow not in FLOWS:
        raise InvalidParameterError(f"flow must be one of {FLOWS}; got {flow!r}")
    n = network.n_visible
    region_t = check_region(region, n)
    rset = set(region_t)
    complement = tuple(i for i in range(n) if i not in rset)
    off = _offsets(network)
    n_units = int(off[-1])
    if complement:
        cap, source, sink, _ = split_flow_graph(network, region_t)
        solve = _reachable_networkx if flow.startswith("networkx_") else _reachable_scipy
        size, reach = solve(cap, source, sink, flow)
        in_side = reach[0 : 2 * n_units : 2]
        out_side = reach[1 : 2 * n_units : 2]
        surface_idx = np.flatnonzero(in_side & ~out_side)
        if len(surface_idx) != size:  # pragma: no cover - a max-flow/min-cut bug, never silently wrong
            raise RuntimeError(f"min cut: flow value {size} but {len(surface_idx)} cut units")
    else:
        surface_idx = np.zeros(0, dtype=np.int64)
        size = 0
    # wedges: connected components of the unit graph with the surface removed
    adj = _unit_adjacency(network)
    keep = np.ones(n_units, dtype=bool)
    keep[surface_idx] = False
    kept = np.flatnonzero(keep)
    _, labels_kept = csgraph.connected_components(adj[kept][:, kept], directed=False)
    labels = np.full(n_units, -1, dtype=np.int64)
    labels[kept] = labels_kept
    a_labels = {int(labels[i]) for i in region_t if keep[i]}
    b_labels = {int(labels[i]) for i in complement if keep[i]}
    if a_labels & b_labels:  # pragma: no cover - guarded by the max-flow theorem
        raise RuntimeError("min cut: the surface does not separate the region from its complement")
    layer_of = np.searchsorted(off, np.arange(n_units), side="right") - 1

    def unit(g: int) -> Unit:
        layer = int(layer_of[g])
        return (layer, int(g - off[layer]))

    in_a = np.isin(labels, list(a_labels)) & keep
    in_b = np.isin(labels, list(b_labels)) & keep
    return Cut(
        size=int(size),
        surface=tuple(sorted(unit(int(g)) for g in surface_idx)),
        wedge=frozenset(unit(int(g)) for g in np.flatnonzero(in_a)),
        complement_wedge=frozenset(unit(int(g)) for g in np.flatnonzero(in_b)),
        region=region_t,
        complement=complement,
    )


# --------------------------------------------------------------------------------------- information
def _disjoint_regions(network: BoltzmannNetwork, regions: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    out = {name: check_region(r, network.n_visible, name) for name, r in regions.items()}
    names = list(out)
    for i, x in enumerate(names):
        for y in names[i + 1 :]:
            common = sorted(set(out[x]) & set(out[y]))
            if common:
                raise InvalidRegionError(f"regions {x} and {y} must be disjoint; they share the units {common}")
    return out


def _log2_units(base: float | None) -> float:
    from .entropy import check_base

    check_base(base)
    return LN2 if base is None else LN2 / math.log(float(base))


def cut_mutual_information(
    network: BoltzmannNetwork, region_a: Iterable[int], region_b: Iterable[int], base: float | None = None
) -> float:
    """Mutual information from minimal cuts, ``I_cut(A:B) = (|g_A| + |g_B| - |g_AB|) ln 2`` (paper eq. 20).

    ``A`` and ``B`` must be disjoint; ``A u B`` may be the whole boundary (then ``|g_AB| = 0``).
    Always ``>= 0`` (subadditivity of cuts). Nats unless ``base`` is given.

    Examples
    --------
    >>> import tnrbm
    >>> chain = tnrbm.models.local_chain(16, radius=1, periodic=True, seed=0)
    >>> round(cut_mutual_information(chain, [0, 1, 2, 3], [4, 5, 6, 7], base=2), 12)  # 4 + 4 - 4
    4.0
    """
    regs = _disjoint_regions(_check_network(network), {"region_a": region_a, "region_b": region_b})
    a, b = regs["region_a"], regs["region_b"]
    unit = _log2_units(base)
    m = min_cut(network, a).size + min_cut(network, b).size - min_cut(network, a + b).size
    return m * unit


def cut_tripartite_information(
    network: BoltzmannNetwork,
    region_a: Iterable[int],
    region_b: Iterable[int],
    region_c: Iterable[int],
    base: float | None = None,
) -> float:
    """Tripartite information from minimal cuts, ``I3 = I(A:B) + I(A:C) - I(A:BC)``.

    ``I3_cut = (m_A + m_B + m_C - m_AB - m_AC - m_BC + m_ABC) ln 2`` for disjoint regions (``D``, the
    rest, purifies). Unlike edge cuts, vertex cuts can give ``I3_cut > 0`` (monogamy of mutual
    information fails): a unit with three or more neighbours is cut in one piece, like a hyperedge.
    Nats unless ``base`` is given.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> star = tnrbm.RBM(np.ones((4, 1)))  # one hidden unit on four spins: a hyperedge
    >>> round(cut_tripartite_information(star, [0], [1], [2], base=2), 12)
    1.0
    """
    regs = _disjoint_regions(
        _check_network(network), {"region_a": region_a, "region_b": region_b, "region_c": region_c}
    )
    a, b, c = regs["region_a"], regs["region_b"], regs["region_c"]
    unit = _log2_units(base)

    def m(*parts: tuple[int, ...]) -> int:
        return min_cut(network, sum(parts, ())).size

    total = m(a) + m(b) + m(c) - m(a, b) - m(a, c) - m(b, c) + m(a, b, c)
    return total * unit
