"""Every minimal surface of a region (degenerate RT surfaces), and the two-region phase transition of cuts.

All minimum cuts of a maximum-flow problem are the closed sets of the residual graph that contain the
source and not the sink (Picard and Queyranne 1980). On the node-split graph of
:func:`~tnrbm.bulk.cut.split_flow_graph` a minimum vertex cut is one unit on each of the ``m``
vertex-disjoint flow paths, and the part of a closed set on a flow path is a prefix that ends at that
path's cut unit. So the distinct minimal surfaces are in one-to-one correspondence with the closed sets
of the residual graph restricted to the nodes of the units that can be cut (their in-node and out-node
in different strongly connected components). :func:`minimal_surfaces` counts those closed sets (a
product over independent parts, branching within each) and lists them up to a limit.

The closest cut (the smallest source side, :func:`~tnrbm.bulk.min_cut`) and the farthest one (the
largest) bound every other: the intersection of all the entanglement wedges is the closest cut's wedge,
their union the farthest's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from ..errors import MinCutError
from ..network import BoltzmannNetwork, Unit
from ..validation import check_int, check_region
from .cut import Cut, _units, min_cut, split_flow_graph
from .graph import LN2, check_network, unit_offsets
from .surface import cut_from_surface

__all__ = ["MinimalSurfaces", "minimal_surfaces", "two_region_transition", "count_closed_sets"]


@dataclass(frozen=True)
class MinimalSurfaces:
    """The minimal cuts of a region.

    Attributes
    ----------
    m : int
        The size of every minimal cut.
    count : int
        How many distinct minimal cuts (vertex sets) there are.
    surfaces : tuple of tuple of (layer, index)
        The cuts listed (all of them when ``complete``, else the first ``limit``), each sorted.
    complete : bool
        Whether ``surfaces`` holds every minimal cut.
    closest, farthest : Cut
        The minimal cuts with the smallest and the largest entanglement wedge.
    region : tuple of int
    """

    m: int
    count: int
    surfaces: tuple
    complete: bool
    closest: Cut
    farthest: Cut
    region: tuple

    @property
    def wedge_intersection(self) -> frozenset:
        """Units in the wedge of every minimal cut: the closest cut's wedge."""
        return self.closest.wedge

    @property
    def wedge_union(self) -> frozenset:
        """Units in the wedge of some minimal cut: the farthest cut's wedge."""
        return self.farthest.wedge

    @property
    def degenerate(self) -> bool:
        """Whether the region has more than one minimal cut."""
        return self.count > 1

    def cuts(self, network: BoltzmannNetwork) -> list[Cut]:
        """The listed surfaces as :class:`~tnrbm.bulk.Cut` objects (with their wedges)."""
        return [cut_from_surface(network, self.region, s) for s in self.surfaces]

    def __repr__(self) -> str:
        listed = "all" if self.complete else f"{len(self.surfaces)} listed"
        return f"MinimalSurfaces(m={self.m}, count={self.count} ({listed}), |A|={len(self.region)})"


def _residual(cap: sp.csr_array, source: int, sink: int) -> tuple[sp.csr_array, np.ndarray]:
    """The residual graph (arcs with capacity left) of a maximum flow, and the flow on every unit arc."""
    res = csgraph.maximum_flow(cap, source, sink, method="dinic")
    flow = sp.csr_array(res.flow)
    residual = (cap - flow).tocsr()
    residual.data = (residual.data > 0).astype(np.int8)
    residual.eliminate_zeros()
    n_units = (cap.shape[0] - 2) // 2
    unit_flow = np.asarray(flow[np.arange(0, 2 * n_units, 2), np.arange(1, 2 * n_units, 2)]).ravel()
    return residual, unit_flow


def _reach(graph: sp.csr_array, start: int) -> np.ndarray:
    seen = np.zeros(graph.shape[0], dtype=bool)
    seen[csgraph.breadth_first_order(graph, start, directed=True, return_predecessors=False)] = True
    return seen


def _key_order(residual: sp.csr_array, free: np.ndarray, key_nodes: np.ndarray) -> tuple[np.ndarray, list[set]]:
    """The strong component of every node of the free part, and for each key component the key components it
    reaches (its successors in the closure order) -- as ``(labels, succ)`` with key components numbered
    ``0 ... K-1`` in ``labels`` (other nodes: -1)."""
    idx = np.flatnonzero(free)
    sub = residual[idx][:, idx]
    _, comp = csgraph.connected_components(sub, directed=True, connection="strong")
    is_key = np.zeros(comp.max() + 1 if comp.size else 0, dtype=bool)
    pos = np.full(residual.shape[0], -1)
    pos[idx] = np.arange(idx.size)
    is_key[comp[pos[key_nodes]]] = True
    renum = np.full(is_key.size, -1)
    renum[is_key] = np.arange(int(is_key.sum()))
    coo = sub.tocoo()
    dag = sp.csr_array((np.ones(coo.nnz, np.int8), (comp[coo.row], comp[coo.col])), shape=(is_key.size,) * 2)
    succ = []
    for c in np.flatnonzero(is_key):
        reached = _reach(dag, int(c))
        succ.append({int(renum[d]) for d in np.flatnonzero(reached & is_key) if d != c})
    labels = np.full(residual.shape[0], -1)
    labels[idx] = renum[comp]
    return labels, succ


def count_closed_sets(succ: Sequence[set]) -> int:
    """The number of subsets ``T`` of ``0 ... K-1`` closed under ``succ`` (``x in T`` implies ``succ[x] <= T``),
    ``succ`` transitively closed: a product over the connected parts, branching on one element in each.

    Examples
    --------
    >>> count_closed_sets([set(), set(), set()])  # no order: every subset
    8
    >>> count_closed_sets([{1, 2}, {2}, set()])  # a chain 0 > 1 > 2: 4 closed sets
    4
    """
    pred: list[set] = [set() for _ in succ]
    for x, ys in enumerate(succ):
        for y in ys:
            pred[y].add(x)
    memo: dict[frozenset, int] = {}

    def count(items: frozenset) -> int:
        if not items:
            return 1
        if items in memo:
            return memo[items]
        total = 1
        for part in _parts(items, succ, pred):
            x = next(iter(part))
            with_x = part - succ[x] - {x}
            without_x = part - pred[x] - {x}
            total *= count(frozenset(with_x)) + count(frozenset(without_x))
        memo[items] = total
        return total

    return count(frozenset(range(len(succ))))


def _parts(items: frozenset, succ: Sequence[set], pred: Sequence[set]) -> list[frozenset]:
    """The connected parts of ``items`` under the comparability relation."""
    left, parts = set(items), []
    while left:
        stack = [left.pop()]
        part = set(stack)
        while stack:
            x = stack.pop()
            for y in (succ[x] | pred[x]) & left:
                left.discard(y)
                part.add(y)
                stack.append(y)
        parts.append(frozenset(part))
    return parts


def _closed_sets(succ: Sequence[set], limit: int) -> tuple[list[frozenset], bool]:
    """Up to ``limit`` closed sets (branching: an element in with its successors, or out with its
    predecessors); and whether that is all of them."""
    pred: list[set] = [set() for _ in succ]
    for x, ys in enumerate(succ):
        for y in ys:
            pred[y].add(x)
    out: list[frozenset] = []
    stack: list[tuple[frozenset, frozenset]] = [(frozenset(range(len(succ))), frozenset())]
    while stack:
        if len(out) >= limit:
            return out, False
        left, chosen = stack.pop()
        if not left:
            out.append(chosen)
            continue
        x = min(left)
        stack.append((left - pred[x] - {x}, chosen))
        stack.append((left - succ[x] - {x}, chosen | succ[x] | {x}))
    return out, True


def minimal_surfaces(network: BoltzmannNetwork, region: Iterable[int], limit: int = 1000) -> MinimalSurfaces:
    """Every minimal cut (RT surface) of ``region``: their number, the first ``limit`` of them, the
    closest and the farthest (see the module docstring for the method and why it is exact).

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> net = tnrbm.RBM(np.ones((2, 1)))  # two spins on one hidden unit: cut V0, H0 or V1
    >>> res = minimal_surfaces(net, [0])
    >>> res.m, res.count, res.surfaces
    (1, 3, (((0, 0),), ((0, 1),), ((1, 0),)))
    >>> sorted(res.wedge_union), sorted(res.wedge_intersection)
    ([(0, 0), (1, 0)], [])
    """
    check_network(network)
    region_t = check_region(region, network.n_visible)
    limit = check_int(limit, "limit", minimum=1)
    closest = min_cut(network, region_t)
    if not closest.complement:
        return MinimalSurfaces(0, 1, ((),), True, closest, closest, region_t)
    cap, source, sink, _ = split_flow_graph(network, region_t)
    residual, unit_flow = _residual(cap, source, sink)
    s_min = _reach(residual, source)
    t_side = _reach(residual.T.tocsr(), sink)
    free = ~s_min & ~t_side
    off = unit_offsets(network)
    units = np.flatnonzero(unit_flow > 0)
    nodes = np.concatenate([2 * units, 2 * units + 1])
    labels, succ = _key_order(residual, free, nodes[free[nodes]])
    cuttable = units[(labels[2 * units] != labels[2 * units + 1]) | (labels[2 * units] < 0)]

    def surface(ideal: frozenset) -> tuple[Unit, ...]:
        def in_s(node: np.ndarray) -> np.ndarray:
            lab = labels[node]
            return s_min[node] | ((lab >= 0) & np.isin(lab, list(ideal)))

        cut_units = cuttable[in_s(2 * cuttable) & ~in_s(2 * cuttable + 1)]
        return tuple(sorted(_units(off, cut_units)))

    ideals, complete = _closed_sets(succ, limit)
    surfaces = sorted({surface(t) for t in ideals})
    if any(len(s) != closest.size for s in surfaces):  # pragma: no cover - guarded by max-flow/min-cut
        raise MinCutError("minimal_surfaces: a listed cut is not minimal")
    far = surface(frozenset(range(len(succ))))
    count = count_closed_sets(succ) if not complete else len(surfaces)
    farthest = cut_from_surface(network, region_t, far)
    return MinimalSurfaces(closest.size, count, tuple(surfaces), complete, closest, farthest, region_t)


def two_region_transition(network: BoltzmannNetwork, pairs: Iterable[tuple[Any, Any]]) -> list[dict]:
    """Cut sizes of two disjoint regions as they move apart: is the minimal surface of ``A u B``
    connected (``m_AB < m_A + m_B``) or the two separate surfaces (``m_AB = m_A + m_B``)?

    For each ``(A, B)``: ``m_A``, ``m_B``, ``m_AB``, ``connected`` and the cut mutual information
    ``I_cut = (m_A + m_B - m_AB) ln 2`` (nats), which is 0 exactly when the surface is disconnected.

    Examples
    --------
    >>> import tnrbm
    >>> chain = tnrbm.models.local_chain(24, radius=1, periodic=True, seed=0)
    >>> rows = two_region_transition(chain, [((0, 1, 2, 3), tuple(range(4 + d, 8 + d))) for d in (0, 1, 4)])
    >>> [(r["m_AB"], r["connected"]) for r in rows]
    [(4, True), (5, True), (8, False)]
    """
    check_network(network)
    out = []
    for a, b in pairs:
        a_t, b_t = check_region(a, network.n_visible, "A"), check_region(b, network.n_visible, "B")
        m_a, m_b = min_cut(network, a_t).size, min_cut(network, b_t).size
        m_ab = min_cut(network, a_t + b_t).size
        out.append(
            {
                "A": list(a_t),
                "B": list(b_t),
                "m_A": m_a,
                "m_B": m_b,
                "m_AB": m_ab,
                "connected": m_ab < m_a + m_b,
                "mutual_information": (m_a + m_b - m_ab) * LN2,
            }
        )
    return out
