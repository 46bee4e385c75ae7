"""The bulk graph of a network: its units as nodes, its couplings as edges, positions for drawing."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp

from .._numerics import LN2
from ..errors import InvalidParameterError
from ..network import BoltzmannNetwork, Unit
from ..validation import check_bool

__all__ = ["LN2", "bulk_graph", "unit_positions", "unit_adjacency", "unit_offsets", "check_network"]


def unit_offsets(network: BoltzmannNetwork) -> np.ndarray:
    """Global index of the first unit of each layer, and the number of units last."""
    return np.concatenate([[0], np.cumsum(network.layer_sizes)]).astype(np.int64)


def check_network(network: object) -> BoltzmannNetwork:
    """``network`` if it is an RBM or a DBM, else :class:`~tnrbm.errors.InvalidParameterError`."""
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
    check_network(network)
    geo: Mapping[str, Any] = network.geometry or {}
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
    check_network(network)
    legs = check_bool(legs, "legs")
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


def unit_adjacency(network: BoltzmannNetwork) -> sp.csr_array:
    """Symmetric 0/1 adjacency of the units (global index = offset[layer] + index)."""
    off = unit_offsets(network)
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
