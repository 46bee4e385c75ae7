"""Exact matrix product states of chain-ordered Boltzmann networks, and their Schmidt spectra.

Order the units along the chain (:func:`tnrbm.network.chain_positions`: visible unit ``i`` at
``i``, a hidden unit at its site or at the median of its neighbours), give every local tensor to the
site of its unit, and contract each site's tensors into one MPS tensor whose left and right bonds are
the indices that cross the two neighbouring cuts. Nothing is truncated: the MPS is exactly the state
(up to the overall scale, kept in ``mps.exponent``), with bond dimension ``2**c`` at a cut crossed by
``c`` indices (a vertex separator, so ``c >= m``, the minimal cut; ``c = m`` away from the ends of local chains).

One sweep (QR left to right, SVD right to left, every step normalized, so no overflow at any N) then
gives the Schmidt spectrum at every cut (:func:`profile_spectra`, used by
:func:`tnrbm.entanglement_profile`).

Examples
--------
>>> import numpy as np, tnrbm
>>> rbm = tnrbm.models.local_chain(10, radius=1, periodic=False, complex=True, seed=0)
>>> plan = plan_mps(rbm)
>>> plan.separator_sizes.tolist()  # indices crossing each cut: 2 = 2 * radius in the bulk of the chain
[2, 2, 2, 2, 2, 2, 2, 2, 2]
>>> arrays, _ = mps_arrays(plan)
>>> p = profile_spectra(arrays)[4]
>>> s = np.linalg.svd(rbm.to_dense().reshape(2**5, 2**5), compute_uv=False) ** 2
>>> bool(np.allclose(np.sort(p)[::-1], s[: len(p)]) and np.allclose(s[len(p) :], 0))
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cotengra as ctg
import numpy as np

from .._lazy import lazy_module
from ..errors import InvalidParameterError
from ..network import BoltzmannNetwork, TermBuilder, chain_positions
from ..validation import check_memory

qtn = lazy_module("quimb.tensor")

__all__ = ["MPSPlan", "plan_mps", "exact_mps", "mps_arrays", "bond_spectrum", "profile_spectra"]


@dataclass
class MPSPlan:
    """The site tensors' terms and bonds of an exact MPS, before any contraction.

    Attributes
    ----------
    order : tuple of int
        ``order[s]`` is the visible unit at MPS site ``s``.
    groups : list of list of (array, inds)
        The local tensors given to each site.
    bonds : list of list of str
        ``bonds[s]``: the indices crossing the cut between sites ``s`` and ``s + 1``.
    exponent : float
        log10 of the scales taken out of the terms.
    """

    order: tuple
    groups: list
    bonds: list
    exponent: float

    @property
    def separator_sizes(self) -> np.ndarray:
        """Number of indices crossing each of the ``N - 1`` cuts (bond dimension ``2**c``)."""
        return np.array([len(b) for b in self.bonds], dtype=int)

    @property
    def max_bond(self) -> int:
        """The largest bond dimension."""
        return 2 ** int(self.separator_sizes.max()) if self.bonds else 1

    @property
    def flops(self) -> float:
        """Estimated cost of building and sweeping the MPS."""
        dims = [1] + [2 ** len(b) for b in self.bonds] + [1]
        return float(sum(8.0 * dims[s] * 2 * dims[s + 1] * min(2 * dims[s], dims[s + 1]) for s in range(len(dims) - 1)))

    @property
    def memory(self) -> float:
        """Bytes of the largest site tensor times a factor for the SVD workspace."""
        dims = [1] + [2 ** len(b) for b in self.bonds] + [1]
        return float(max(16.0 * 6 * dims[s] * 2 * dims[s + 1] for s in range(len(dims) - 1)))


def _check_order(network: BoltzmannNetwork, order: Sequence[int] | None) -> tuple[int, ...]:
    n = network.n_visible
    if order is None:
        return tuple(range(n))
    try:
        out = tuple(int(i) for i in order)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"order must be a permutation of range({n}); got {order!r}") from None
    if sorted(out) != list(range(n)):
        raise InvalidParameterError(f"order must be a permutation of range({n}); got {list(order)[:8]}...")
    return out


def plan_mps(network: BoltzmannNetwork, order: Sequence[int] | None = None) -> MPSPlan:
    """Give every local tensor of ``network`` to an MPS site and find the indices crossing each cut.

    Parameters
    ----------
    network
        An RBM or DBM.
    order
        The visible units in MPS site order (default ``0, 1, ..., N - 1``). Hidden units follow
        their neighbours (:func:`~tnrbm.contraction.chain_positions`, mapped through ``order``).

    Examples
    --------
    >>> import tnrbm
    >>> plan = plan_mps(tnrbm.models.local_chain(8, radius=2, periodic=False, seed=0))
    >>> plan.separator_sizes.tolist()
    [3, 4, 4, 4, 4, 4, 3]
    """
    if not isinstance(network, BoltzmannNetwork):
        raise InvalidParameterError(f"network must be an RBM or a DBM; got {type(network).__name__}")
    order_t = _check_order(network, order)
    n = network.n_visible
    site_of = {v: s for s, v in enumerate(order_t)}
    # in a given order, hidden units sit at the median site of their neighbours' new positions
    raw = chain_positions(network, None if order is None else site_of)
    pos = {u: min(max(int(round(p)), 0), n - 1) for u, p in raw.items()}
    for i in range(n):
        pos[(0, i)] = site_of[i]
    builder = TermBuilder(network)
    owners: list = []
    terms, exponent = builder.terms(network.units(), range(len(builder.edges)), sum_out=True, owners=owners)
    groups: list[list] = [[] for _ in range(n)]
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for term, owner in zip(terms, owners):
        s = pos[owner]
        groups[s].append(term)
        for ix in term[1]:
            first[ix] = min(first.get(ix, s), s)
            last[ix] = max(last.get(ix, s), s)
    for i in range(n):  # the physical index lives at its site
        ix = f"k{i}"
        s = site_of[i]
        first[ix] = min(first.get(ix, s), s)
        last[ix] = max(last.get(ix, s), s)
    starts: list[list[str]] = [[] for _ in range(n)]
    for ix, s in first.items():
        if last[ix] > s:
            starts[s].append(ix)
    bonds = []
    live: set[str] = set()
    for s in range(n - 1):
        live |= set(starts[s])
        live = {ix for ix in live if last[ix] > s}
        bonds.append(sorted(live))
    return MPSPlan(order=order_t, groups=groups, bonds=bonds, exponent=exponent)


def mps_arrays(plan: MPSPlan, max_memory: float | None = None) -> tuple[list[np.ndarray], float]:
    """Contract each site's tensors into an array of shape ``(D_left, 2, D_right)``.

    Returns the arrays (each scaled to largest magnitude about 1) and the total log10 scale: the state
    is ``10**exponent`` times the MPS of the arrays.

    Examples
    --------
    >>> import tnrbm
    >>> plan = plan_mps(tnrbm.models.local_chain(6, radius=1, periodic=False, seed=0))
    >>> arrays, exponent = mps_arrays(plan)
    >>> len(arrays), arrays[0].shape[:2]
    (6, (1, 2))
    """
    check_memory(
        plan.memory,
        f"an exact MPS with bond dimension up to {plan.max_bond}",
        max_memory,
        "use method='cut' (it needs no MPS), or a network with smaller cuts along the chain",
    )
    n = len(plan.order)
    arrays = []
    exponent = plan.exponent
    for s in range(n):
        left = plan.bonds[s - 1] if s > 0 else []
        right = plan.bonds[s] if s < n - 1 else []
        group = list(plan.groups[s])
        local = {ix for _, inds in group for ix in inds}
        phys = f"k{plan.order[s]}"
        lnames = [f"{ix}|{s - 1}" for ix in left]
        rnames = [f"{ix}|{s}" for ix in right]
        eye = np.eye(2)
        for ix, nm in zip(left, lnames):
            if ix in local or ix == phys:
                group.append((eye, (ix, nm)))
        for ix, nm in zip(right, rnames):
            if ix in local or ix == phys:
                group.append((eye, (ix, nm)))
            elif ix in left:  # passes through this site
                group.append((eye, (f"{ix}|{s - 1}", nm)))
        if phys not in local:
            group.append((np.ones(2), (phys,)))
        output = tuple(lnames) + (phys,) + tuple(rnames)
        mantissa, e = ctg.array_contract(
            [t[0] for t in group], [t[1] for t in group], output, optimize="auto", strip_exponent=True
        )
        arrays.append(np.asarray(mantissa).reshape(2 ** len(left), 2, 2 ** len(right)))
        exponent += float(e)
    return arrays, exponent


def exact_mps(
    network: BoltzmannNetwork, order: Sequence[int] | None = None, max_memory: float | None = None
) -> qtn.MatrixProductState:
    """The exact (untruncated) :class:`quimb.tensor.MatrixProductState` of a network.

    Site ``s`` carries the physical index ``k{s}`` of visible unit ``order[s]`` (the identity order by
    default). The overall scale is in ``mps.exponent`` (log10), as quimb keeps it: ``mps.to_dense()``
    is the unnormalized state.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> rbm = tnrbm.models.local_chain(8, radius=1, complex=True, seed=1)
    >>> mps = exact_mps(rbm)
    >>> psi = mps.to_dense().reshape(-1)
    >>> bool(np.allclose(psi, rbm.to_dense(normalize=False)))
    True
    >>> mps.max_bond()  # periodic chain in linear order: 2 + 2 crossing indices
    16
    """
    if not isinstance(network, BoltzmannNetwork):
        raise InvalidParameterError(f"network must be an RBM or a DBM; got {type(network).__name__}")
    plan = plan_mps(network, order)
    arrays, exponent = mps_arrays(plan, max_memory)
    if len(arrays) == 1:
        mps = qtn.MatrixProductState([arrays[0].reshape(2)], shape="lpr")
    else:
        ends = [arrays[0][0]] + arrays[1:-1] + [arrays[-1][:, :, 0]]
        mps = qtn.MatrixProductState(ends, shape="lpr")
    mps.exponent = exponent
    return mps


def _left_sweep(arrays: list[np.ndarray], stop: int) -> np.ndarray:
    """QR from the left over sites ``0 .. stop - 1``; return the normalized bond matrix R at cut ``stop``."""
    r = np.ones((1, 1))
    for s in range(stop):
        a = np.tensordot(r, arrays[s], axes=(1, 0))
        k = a.shape[0] * a.shape[1]
        _, r = np.linalg.qr(a.reshape(k, a.shape[2]))
        r = r / np.linalg.norm(r)
    return r


def _right_sweep(arrays: list[np.ndarray], start: int) -> np.ndarray:
    """QR from the right over sites ``N - 1 .. start``; return the normalized bond matrix at cut ``start``."""
    r = np.ones((1, 1))
    for s in range(len(arrays) - 1, start - 1, -1):
        a = np.tensordot(arrays[s], r, axes=(2, 0))  # (l, p, r')
        _, q = np.linalg.qr(a.reshape(a.shape[0], -1).T)  # a^T = Q R  =>  a = R^T Q^T
        r = q.T
        r = r / np.linalg.norm(r)
    return r


def bond_spectrum(arrays: list[np.ndarray], cut: int) -> np.ndarray:
    """Schmidt probabilities of the MPS ``arrays`` between sites ``cut - 1`` and ``cut`` (first ``cut``
    sites against the rest), from one QR sweep from each end.

    Examples
    --------
    >>> import numpy as np
    >>> a0 = np.zeros((1, 2, 2)); a0[0, 0, 0] = a0[0, 1, 1] = 1
    >>> a1 = np.zeros((2, 2, 1)); a1[0, 0, 0] = a1[1, 1, 0] = 1
    >>> bond_spectrum([a0, a1], 1).tolist()
    [0.5, 0.5]
    """
    left = _left_sweep(arrays, cut)
    right = _right_sweep(arrays, cut)
    s = np.linalg.svd(left @ right, compute_uv=False)
    p = s**2
    return p / p.sum()


def profile_spectra(arrays: list[np.ndarray]) -> list[np.ndarray]:
    """Schmidt probabilities at every cut: QR sweep to the right, SVD sweep back to the left."""
    n = len(arrays)
    arrs = [a.astype(np.complex128) if np.iscomplexobj(a) else a.astype(np.float64) for a in arrays]
    r = np.ones((1, 1))
    for s in range(n - 1):
        a = np.tensordot(r, arrs[s], axes=(1, 0))
        q, r = np.linalg.qr(a.reshape(a.shape[0] * 2, a.shape[2]))
        arrs[s] = q.reshape(a.shape[0], 2, q.shape[1])
        r = r / np.linalg.norm(r)
    last = np.tensordot(r, arrs[n - 1], axes=(1, 0))
    arrs[n - 1] = last / np.linalg.norm(last)
    spectra: list[np.ndarray] = [np.empty(0)] * (n - 1)
    for s in range(n - 1, 0, -1):
        a = arrs[s]
        u, sv, vh = np.linalg.svd(a.reshape(a.shape[0], -1), full_matrices=False)
        p = sv**2
        spectra[s - 1] = p / p.sum()
        us = u * sv
        us = us / np.linalg.norm(us)
        arrs[s - 1] = np.tensordot(arrs[s - 1], us, axes=(2, 0))
    return spectra
