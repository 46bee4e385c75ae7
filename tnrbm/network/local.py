"""The local tensors of a Boltzmann network: the single factory every exact form is built from.

Every unit is an index of dimension 2 (``k{i}`` for visible unit ``i``, ``h{j}`` for global hidden
index ``j``; value 0 is spin +1, or h = 0 for binary hidden units). The local tensors are

* a vector ``exp(bias * x)`` on each unit,
* a 2x2 matrix ``exp(w x y)`` on each coupling,
* where allowed, a hidden unit summed out into one tensor on its neighbours,
  ``B_j[x_S] = sum_h exp(h (b_j + sum_{s in S} w_sj x_s))`` (hidden units become bond tensors).

:class:`TermBuilder` makes them for any part of a network as ``(array, inds)`` terms, each scaled to
largest magnitude 1 with the scales (log10) added up separately, so networks of any size contract
without overflow. The quimb forms (:mod:`tnrbm.tn`), the Gram networks of the cut method, the exact
MPS and the deep-network amplitudes all take their tensors from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ..errors import InvalidParameterError
from ..validation import check_bool, check_int
from .base import BoltzmannNetwork, Unit, log_sum_hidden

__all__ = [
    "Term",
    "TermBuilder",
    "MAX_BOND_DEGREE",
    "SUM_OUT_DEGREE",
    "absorb_vectors",
    "chain_positions",
    "exp_scaled",
    "physical_inds",
    "scaled",
    "unit_index",
]

#: a tensor as (array, index names)
Term = tuple[np.ndarray, tuple[str, ...]]

#: the most neighbours a hidden unit may have to be summed out at all (a 2**d tensor): the bond form's limit
MAX_BOND_DEGREE = 24
#: hidden units with at most this many neighbours are summed out in contractions (cheaper than keeping h)
SUM_OUT_DEGREE = 12


def physical_inds(network: BoltzmannNetwork) -> list[str]:
    """The open (physical) indices ``['k0', 'k1', ...]`` of every form, in site order.

    Examples
    --------
    >>> import tnrbm
    >>> physical_inds(tnrbm.models.random_rbm(3, 1, seed=0))
    ['k0', 'k1', 'k2']
    """
    return [f"k{i}" for i in range(network.n_visible)]


def unit_index(network: BoltzmannNetwork, unit: Unit) -> str:
    """The index of a unit in the factor and bond forms: ``k{i}`` or ``h{j}``.

    Examples
    --------
    >>> import tnrbm
    >>> dbm = tnrbm.models.random_dbm([3, 2, 2], seed=0)
    >>> unit_index(dbm, (0, 1)), unit_index(dbm, (2, 0))  # visible 1; first unit of hidden layer 2
    ('k1', 'h2')
    """
    layer, i = unit
    return f"k{i}" if layer == 0 else f"h{network.hidden_offset(layer) + i}"


def scaled(data: np.ndarray) -> tuple[np.ndarray, float]:
    """Scale an array to largest magnitude 1; return it and the log10 of the scale."""
    peak = float(np.max(np.abs(data))) if data.size else 1.0
    if peak == 0.0 or not np.isfinite(peak):
        return data, 0.0
    return data / peak, float(np.log10(peak))


def exp_scaled(logs: np.ndarray) -> tuple[np.ndarray, float]:
    """``exp(logs)`` scaled to largest magnitude 1, computed without overflow."""
    shift = float(np.max(logs.real)) if logs.size else 0.0
    data = np.exp(logs - shift)
    return data, shift / np.log(10.0)


def chain_positions(
    network: BoltzmannNetwork, visible_positions: Mapping[int, float] | None = None
) -> dict[Unit, float]:
    """A position along the chain for every unit: visible unit ``i`` at ``i`` (or at
    ``visible_positions[i]``), hidden units near the spins they couple to.

    For networks made by :func:`tnrbm.models.local_chain` (in their own order) a hidden unit sits at
    its site; otherwise a unit of layer ``l`` sits at the median position of its neighbours in layer
    ``l - 1`` (0 without any).

    Examples
    --------
    >>> import tnrbm
    >>> pos = chain_positions(tnrbm.models.local_chain(6, alpha=2, radius=1, seed=0))
    >>> pos[(0, 4)], pos[(1, 5)]
    (4.0, 2.0)
    """
    if visible_positions is None:
        pos: dict[Unit, float] = {(0, i): float(i) for i in range(network.n_visible)}
    else:
        pos = {(0, i): float(visible_positions[i]) for i in range(network.n_visible)}
    geo: Mapping[str, Any] = network.geometry or {}
    if visible_positions is None and geo.get("kind") == "chain" and network.n_layers == 1 and "alpha" in geo:
        alpha = int(geo["alpha"])
        for j in range(network.layer_sizes[1]):
            pos[(1, j)] = float(j // alpha)
        return pos
    for layer, mat in enumerate(network.couplings):
        csc = mat.tocsc()
        for j in range(mat.shape[1]):
            rows = csc.indices[csc.indptr[j] : csc.indptr[j + 1]]
            vals = [pos[(layer, int(r))] for r in rows]
            pos[(layer + 1, j)] = float(np.median(vals)) if vals else 0.0
    return pos


class TermBuilder:
    """Makes the local tensors (terms) of any part of a Boltzmann network.

    Parameters
    ----------
    network
        An RBM or DBM.
    max_bond_degree
        Hidden units with at most this many neighbours may be summed out into one tensor on their
        neighbours (``2**degree`` entries).

    Examples
    --------
    >>> import numpy as np, cotengra as ctg, tnrbm
    >>> rbm = tnrbm.models.random_rbm(4, 3, complex=True, seed=0)
    >>> builder = TermBuilder(rbm)
    >>> terms, exponent = builder.terms(rbm.units(), range(len(builder.edges)), sum_out=True)
    >>> psi = ctg.array_contract([t[0] for t in terms], [t[1] for t in terms], ["k0", "k1", "k2", "k3"])
    >>> psi = psi.reshape(-1) * 10**exponent
    >>> bool(np.allclose(psi, rbm.to_dense(normalize=False)))
    True
    """

    def __init__(self, network: BoltzmannNetwork, max_bond_degree: int = SUM_OUT_DEGREE) -> None:
        if not isinstance(network, BoltzmannNetwork):
            raise InvalidParameterError(f"network must be an RBM or a DBM; got {type(network).__name__}")
        self.network = network
        self.max_bond_degree = check_int(max_bond_degree, "max_bond_degree", minimum=0, maximum=MAX_BOND_DEGREE)
        sizes = list(network.layer_sizes)
        self._offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        parts = []
        for layer, mat in enumerate(network.couplings):  # the order of network.edges(): by row, then column
            coo = mat.tocoo()
            order = np.lexsort((coo.col, coo.row))
            parts.append((np.full(order.size, layer), coo.row[order], coo.col[order], coo.data[order]))
        self._elayer = np.concatenate([p[0] for p in parts]).astype(np.int64)
        self._erow = np.concatenate([p[1] for p in parts]).astype(np.int64)
        self._ecol = np.concatenate([p[2] for p in parts]).astype(np.int64)
        self._ew = np.concatenate([p[3] for p in parts]).astype(network.dtype)
        layer_l, row_l, col_l = self._elayer.tolist(), self._erow.tolist(), self._ecol.tolist()
        self.edges = list(zip(zip(layer_l, row_l), zip([x + 1 for x in layer_l], col_l), self._ew.tolist()))
        # incidence lists: the couplings of every unit (global id), in increasing edge order
        n_e = self._elayer.size
        ends = np.concatenate([self._offsets[self._elayer] + self._erow, self._offsets[self._elayer + 1] + self._ecol])
        eids = np.concatenate([np.arange(n_e), np.arange(n_e)])
        order = np.lexsort((eids, ends))
        self._inc = eids[order]
        self._degree = np.bincount(ends, minlength=int(self._offsets[-1])).astype(np.int64)
        self._ptr = np.concatenate([[0], np.cumsum(self._degree)]).astype(np.int64)
        self._bias = np.concatenate([np.asarray(b, dtype=network.dtype) for b in network.biases])
        self.index = {(0, i): f"k{i}" for i in range(sizes[0])}
        for layer in range(1, len(sizes)):
            off = network.hidden_offset(layer)
            self.index.update({(layer, i): f"h{off + i}" for i in range(sizes[layer])})
        self._names = np.empty(int(self._offsets[-1]), dtype=object)
        self._names[:] = list(self.index.values())
        self._neighbours: dict | None = None

    @property
    def neighbours(self) -> dict[Unit, list[tuple[Unit, int]]]:
        """``unit -> [(neighbour, edge), ...]`` in increasing edge order (built on first use)."""
        if self._neighbours is None:
            nbrs: dict[Unit, list[tuple[Unit, int]]] = {u: [] for u in self.index}
            for e, (u, v, _) in enumerate(self.edges):
                nbrs[u].append((v, e))
                nbrs[v].append((u, e))
            self._neighbours = nbrs
        return self._neighbours

    def _gid(self, units: list[Unit]) -> np.ndarray:
        """Global ids (position in ``network.units()``) of ``units``."""
        if not units:
            return np.zeros(0, dtype=np.int64)
        arr = np.asarray(units, dtype=np.int64).reshape(-1, 2)
        return self._offsets[arr[:, 0]] + arr[:, 1]

    def _values(self, layers: np.ndarray) -> np.ndarray:
        """The two values of a unit of each of ``layers``, shape ``(len(layers), 2)``."""
        table = np.stack([self.network.layer_values(0), self.network.layer_values(1)]).astype(float)
        return table[(np.asarray(layers) != 0).astype(int)]

    # ------------------------------------------------------------------ the three kinds of local tensor
    def bias_tensor(self, unit: Unit) -> tuple[np.ndarray, float]:
        """``exp(bias * x)`` over the unit's two values, scaled; and the log10 scale."""
        layer, i = unit
        net = self.network
        return exp_scaled(net.biases[layer][i] * net.layer_values(layer))

    def edge_tensor(self, edge: int) -> tuple[np.ndarray, float]:
        """``exp(w x y)`` of coupling ``edge`` (rows: the lower unit's values), scaled; and the log10 scale."""
        u, v, w = self.edges[edge]
        net = self.network
        return exp_scaled(w * np.outer(net.layer_values(u[0]), net.layer_values(v[0])))

    def bond_tensor(self, unit: Unit) -> tuple[np.ndarray, float]:
        """The hidden ``unit`` summed out: ``sum_h exp(h (b + sum_s w_s x_s))`` on its neighbours' values."""
        data, shifts = self._bond_batch(self._gid([unit]), unit[0])
        return data[0], float(shifts[0])

    def summable(self, unit: Unit) -> bool:
        """Whether ``unit`` is a hidden unit of an odd layer with 1 to ``max_bond_degree`` neighbours."""
        return unit[0] % 2 == 1 and 0 < int(self._degree[self._gid([unit])[0]]) <= self.max_bond_degree

    # ------------------------------------------------------------------ batched tensors (numpy, no per-unit work)
    def _bond_batch(self, gids: np.ndarray, layer: int) -> tuple[np.ndarray, np.ndarray]:
        """Bond tensors of hidden units ``gids`` of ``layer``, all of one degree d: ``(g, 2, ..., 2)`` and log10 scales."""
        net = self.network
        d = int(self._degree[gids[0]]) if gids.size else 0
        edges = self._inc[self._ptr[gids][:, None] + np.arange(d)]  # (g, d)
        lower = self._elayer[edges] == layer - 1  # the neighbour is in the layer below
        vals = self._values(np.where(lower, layer - 1, layer + 1))  # (g * d, 2) flattened below
        vals = vals.reshape(gids.size, d, 2)
        fld = np.zeros((gids.size,) + (2,) * d, dtype=net.dtype) + self._bias[gids].reshape((-1,) + (1,) * d)
        w = self._ew[edges]
        for axis in range(d):
            shape = [gids.size] + [1] * d
            shape[axis + 1] = 2
            fld = fld + (w[:, axis, None] * vals[:, axis, :]).reshape(shape)
        return _exp_scaled_batch(log_sum_hidden(fld, net.hidden))

    def _edge_batch(self, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``exp(w x y)`` of couplings ``edges``: ``(E, 2, 2)`` and log10 scales."""
        lo = self._values(self._elayer[edges])
        hi = self._values(self._elayer[edges] + 1)
        logs = self._ew[edges][:, None, None] * lo[:, :, None] * hi[:, None, :]
        return _exp_scaled_batch(logs)

    def _bias_batch(self, gids: np.ndarray, layers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``exp(bias x)`` of units ``gids``: ``(U, 2)`` and log10 scales."""
        logs = self._bias[gids][:, None] * self._values(layers)
        return _exp_scaled_batch(logs.astype(self.network.dtype))

    def _summed(
        self, units: list[Unit], gids: np.ndarray, edge_in: np.ndarray, rename: dict, sum_out: bool
    ) -> np.ndarray:
        """Which of ``units`` are summed out: odd-layer hidden units of small degree, every coupling included."""
        if not sum_out or not units:
            return np.zeros(len(units), dtype=bool)
        layers = np.asarray([u[0] for u in units], dtype=np.int64)
        deg = self._degree[gids]
        counts = np.concatenate([[0], np.cumsum(edge_in[self._inc].astype(np.int64))])
        inc = counts[self._ptr[gids + 1]] - counts[self._ptr[gids]]
        ok = (layers % 2 == 1) & (deg > 0) & (deg <= self.max_bond_degree) & (inc == deg)
        if rename:
            ok &= np.asarray([u not in rename for u in units])
        return ok

    def terms(
        self,
        bias_units: Iterable[Unit],
        edge_ids: Iterable[int],
        rename: dict[Unit, str] | None = None,
        sum_out: bool = True,
        owners: list | None = None,
        records: list | None = None,
    ) -> tuple[list[Term], float]:
        """The terms of the bias vectors of ``bias_units`` and the couplings ``edge_ids``.

        All tensors of one kind (bias vectors, 2x2 coupling matrices, bond tensors of equal degree) are
        made in one batched numpy operation; each term's array is a view into its batch.

        Parameters
        ----------
        bias_units
            Units whose bias vectors are included.
        edge_ids
            Positions in :attr:`edges` of the couplings included.
        rename
            Index names for some units (e.g. the cut indices of surface units); these are never summed out.
        sum_out
            Sum out every hidden unit of an odd layer whose bias and couplings are all included (and
            which is not renamed) into one tensor on its neighbours.
        owners
            If a list is given, the unit each term belongs to is appended to it (for ordering).
        records
            If a list is given, ``(kind, units)`` is appended for each term: ``("bias", (u,))``,
            ``("edge", (u, v))`` or ``("bond", (u, *neighbours))``.

        Returns
        -------
        terms : list of (array, inds)
        exponent : float
            log10 of the product of the scales taken out of the terms.
        """
        sum_out = check_bool(sum_out, "sum_out")
        rename = rename or {}
        name = {**self.index, **rename} if rename else self.index
        units = sorted(set(bias_units))
        gids = self._gid(units)
        edge_in = np.zeros(len(self.edges), dtype=bool)
        edge_arr = np.unique(np.fromiter(edge_ids, dtype=np.int64))
        edge_in[edge_arr] = True
        summed = self._summed(units, gids, edge_in, rename, sum_out)
        out, exponent = self._unit_terms(units, gids, summed, rename, records)
        summed_gid = np.zeros(int(self._offsets[-1]), dtype=bool)
        summed_gid[gids[summed]] = True
        lo = self._offsets[self._elayer[edge_arr]] + self._erow[edge_arr]
        hi = self._offsets[self._elayer[edge_arr] + 1] + self._ecol[edge_arr]
        kept = edge_arr[~(summed_gid[lo] | summed_gid[hi])]
        data, shifts = self._edge_batch(kept)
        exponent += float(shifts.sum())
        out += [(data[k], (name[self.edges[e][0]], name[self.edges[e][1]])) for k, e in enumerate(kept.tolist())]
        if owners is not None:
            owners.extend(units)
            owners.extend(self.edges[e][1] for e in kept.tolist())
        if records is not None:
            records.extend(("edge", (self.edges[e][0], self.edges[e][1])) for e in kept.tolist())
        return out, exponent

    def _unit_terms(
        self, units: list[Unit], gids: np.ndarray, summed: np.ndarray, rename: dict, records: list | None
    ) -> tuple[list, float]:
        """The term of each unit in order (a bond tensor if summed, else its bias vector); records appended."""
        names = self._names
        if rename:
            names = names.copy()
            names[self._gid(list(rename))] = list(rename.values())
        layers = np.asarray([u[0] for u in units], dtype=np.int64).reshape(-1)
        out: list = [None] * len(units)
        plain = np.flatnonzero(~summed)
        data, shifts = self._bias_batch(gids[plain], layers[plain])
        exponent = float(shifts.sum())
        for r, (k, nm) in enumerate(zip(plain.tolist(), names[gids[plain]].tolist())):
            out[k] = (data[r], (nm,))
        pos = np.flatnonzero(summed)
        keys = layers[pos] * (MAX_BOND_DEGREE + 1) + self._degree[gids[pos]]
        bond_nbrs: dict[int, np.ndarray] = {}
        for key in np.unique(keys):
            group = pos[keys == key]
            layer = int(key // (MAX_BOND_DEGREE + 1))
            data, shifts = self._bond_batch(gids[group], layer)
            exponent += float(shifts.sum())
            nbr = self._neighbour_gids(gids[group], layer)
            for r, (k, nm) in enumerate(zip(group.tolist(), names[nbr].tolist())):
                out[k] = (data[r], tuple(nm))
            if records is not None:
                bond_nbrs.update(zip(group.tolist(), nbr))
        if records is not None:
            for k, u in enumerate(units):
                if summed[k]:
                    records.append(("bond", (u, *_units_of(self._offsets, bond_nbrs[k]))))
                else:
                    records.append(("bias", (u,)))
        return out, exponent

    def _neighbour_gids(self, gids: np.ndarray, layer: int) -> np.ndarray:
        """Global ids of the neighbours of the units ``gids`` of ``layer`` (one degree d): ``(g, d)``, edge order."""
        d = int(self._degree[gids[0]])
        edges = self._inc[self._ptr[gids][:, None] + np.arange(d)]
        lower = self._elayer[edges] == layer - 1
        return np.where(
            lower,
            self._offsets[layer - 1] + self._erow[edges],
            self._offsets[min(layer + 1, len(self._offsets) - 1)] + self._ecol[edges],
        )


def _units_of(offsets: np.ndarray, gids: np.ndarray) -> list[Unit]:
    """``(layer, index)`` of global ids ``gids``."""
    layers = np.searchsorted(offsets, gids, side="right") - 1
    return list(zip(layers.tolist(), (gids - offsets[layers]).tolist()))


def _exp_scaled_batch(logs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`exp_scaled` of each ``logs[k]`` at once: the arrays and their log10 scales."""
    if logs.shape[0] == 0:
        return np.exp(logs), np.zeros(0)
    axes = tuple(range(1, logs.ndim))
    shift = np.max(logs.real, axis=axes) if axes else logs.real
    data = np.exp(logs - shift.reshape((-1,) + (1,) * (logs.ndim - 1)))
    return data, shift / np.log(10.0)


def absorb_vectors(terms: list[Term], owners: list | None = None) -> list[Term]:
    """Multiply every one-index term into another term carrying its index (fewer tensors, same value).

    When ``owners`` (one entry per term) is given, it is shortened in place alongside.

    Examples
    --------
    >>> import numpy as np
    >>> out = absorb_vectors([(np.array([1.0, 2.0]), ("a",)), (np.ones((2, 2)), ("a", "b"))])
    >>> len(out), out[0][0].tolist()
    (1, [[1.0, 1.0], [2.0, 2.0]])
    """
    holders: dict[str, int] = {}
    for k, (_, inds) in enumerate(terms):
        if len(inds) > 1:
            for ix in inds:
                holders.setdefault(ix, k)
    arrays = [t[0] for t in terms]
    keep = [True] * len(terms)
    for k, (arr, inds) in enumerate(terms):
        if len(inds) == 1 and inds[0] in holders:
            h = holders[inds[0]]
            axis = terms[h][1].index(inds[0])
            shape = [1] * arrays[h].ndim
            shape[axis] = 2
            arrays[h] = arrays[h] * arr.reshape(shape)
            keep[k] = False
    if owners is not None:
        owners[:] = [owners[k] for k in range(len(terms)) if keep[k]]
    return [(arrays[k], terms[k][1]) for k in range(len(terms)) if keep[k]]
