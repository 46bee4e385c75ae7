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

from collections.abc import Iterable

import numpy as np

from ..errors import InvalidParameterError
from ..validation import check_int
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


def chain_positions(network: BoltzmannNetwork, visible_positions: dict[int, float] | None = None) -> dict[Unit, float]:
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
    geo = network.geometry or {}
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
        self.edges = network.edges()
        self.neighbours: dict[Unit, list[tuple[Unit, int]]] = {u: [] for u in network.units()}
        for e, (u, v, _) in enumerate(self.edges):
            self.neighbours[u].append((v, e))
            self.neighbours[v].append((u, e))
        self.index = {u: unit_index(network, u) for u in self.neighbours}

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
        layer, i = unit
        net = self.network
        nbrs = self.neighbours[unit]
        d = len(nbrs)
        fld = np.full((2,) * d, net.biases[layer][i], dtype=net.dtype)
        for axis, (v, e) in enumerate(nbrs):
            shape = [1] * d
            shape[axis] = 2
            fld = fld + (self.edges[e][2] * net.layer_values(v[0])).reshape(shape)
        return exp_scaled(log_sum_hidden(fld, net.hidden))

    def summable(self, unit: Unit) -> bool:
        """Whether ``unit`` is a hidden unit of an odd layer with 1 to ``max_bond_degree`` neighbours."""
        return unit[0] % 2 == 1 and 0 < len(self.neighbours[unit]) <= self.max_bond_degree

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
        rename = rename or {}
        name = {**self.index, **rename}
        bias_set = set(bias_units)
        edge_set = set(edge_ids)
        summed = {
            u
            for u in bias_set
            if sum_out and u not in rename and self.summable(u) and all(e in edge_set for _, e in self.neighbours[u])
        }
        out: list[Term] = []
        exponent = 0.0
        for u in sorted(bias_set):
            if u in summed:
                data, s = self.bond_tensor(u)
                nbrs = tuple(v for v, _ in self.neighbours[u])
                out.append((data, tuple(name[v] for v in nbrs)))
                record = ("bond", (u, *nbrs))
            else:
                data, s = self.bias_tensor(u)
                out.append((data, (name[u],)))
                record = ("bias", (u,))
            exponent += s
            if owners is not None:
                owners.append(u)
            if records is not None:
                records.append(record)
        for e in sorted(edge_set):
            u, v, _ = self.edges[e]
            if u in summed or v in summed:
                continue
            data, s = self.edge_tensor(e)
            out.append((data, (name[u], name[v])))
            exponent += s
            if owners is not None:
                owners.append(v)
            if records is not None:
                records.append(("edge", (u, v)))
        return out, exponent


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
