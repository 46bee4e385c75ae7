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

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import cotengra as ctg
import numpy as np
import scipy.linalg

from .._lazy import lazy_module
from ..contract import find_tree
from ..errors import InvalidParameterError, NumericalError
from ..network import BoltzmannNetwork, TermBuilder, chain_positions
from ..validation import MaxMemory, check_bool, check_memory

if TYPE_CHECKING:  # the annotations name quimb's classes; at run time quimb loads on first use
    import quimb.tensor as qtn
else:
    qtn = lazy_module("quimb.tensor")

__all__ = [
    "MPSPlan",
    "MEMORY_SLACK",
    "plan_mps",
    "exact_mps",
    "mps_arrays",
    "site_network",
    "bond_spectrum",
    "streamed_bond_spectrum",
    "profile_spectra",
]


#: bytes the allocator and BLAS add to any computation (thread buffers, fragmentation), in every estimate
MEMORY_SLACK = 32 * 2**20
#: peak work space of one QR or SVD sweep step, in units of the largest site array (input, its copy,
#: Q/U, R/Vh, the LAPACK work arrays; measured 1.2 at D = 4096, see docs/theory/memory.md)
SWEEP_FACTOR = 4.0
#: the peak of :func:`streamed_bond_spectrum` in units of the largest site's contraction peak: building
#: a site (cotengra rescales each result into a copy), then the site and its product with the bond matrix
#: (factorized in place by LAPACK); measured 1.9-2.0, docs/theory/memory.md
STREAM_FACTOR = 2.0
#: up to this many sites the plan finds every site's contraction tree (about 60 us a site)
TREE_SITES = 4096


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
    itemsize : int
        Bytes per entry of the site arrays (16 complex, 8 real).
    """

    order: tuple
    groups: list
    bonds: list
    exponent: float
    itemsize: int = 16
    local_inds: np.ndarray | None = None
    _trees: list | None = field(default=None, repr=False)

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
        """Estimated cost of building the site arrays (their cotengra trees) and sweeping them (one QR per
        site, with the bond dimensions the QR ranks allow: at most ``2**s`` after ``s`` sites)."""
        n = len(self.order)
        dims = [1.0] + [float(min(2 ** len(b), 2 ** min(s + 1, n - s - 1))) for s, b in enumerate(self.bonds)] + [1.0]
        sweep = sum(8.0 * dims[s] * 2 * dims[s + 1] * min(2 * dims[s], dims[s + 1]) for s in range(len(dims) - 1))
        if n > TREE_SITES:  # long chains: skip the per-site trees (the sweep dominates)
            return float(sweep)
        build = sum(8.0 * float(t.contraction_cost()) for t in self.trees)
        return float(sweep + build)

    @property
    def site_bytes(self) -> np.ndarray:
        """Bytes of each site array ``(D_left, 2, D_right)``."""
        dims = np.array([1.0] + [2.0 ** len(b) for b in self.bonds] + [1.0])
        return self.itemsize * 2.0 * dims[:-1] * dims[1:]

    def _site_peak(self) -> float:
        """Bytes of the worst per-site contraction: cotengra's ``peak_size`` of each site's tree, or for
        chains of more than :data:`TREE_SITES` sites the bound (tensors at the site) x 2**(indices at the site)
        (no tree: every intermediate's indices are among the site's, at most that many tensors are alive)."""
        n = len(self.order)
        if n <= TREE_SITES or self.local_inds is None:
            return max(float(t.peak_size()) for t in self.trees) * self.itemsize
        c = self.separator_sizes
        left = np.concatenate([[0], c])
        right = np.concatenate([c, [0]])
        tensors = np.array([len(g) for g in self.groups]) + left + right + 1
        return float(np.max(tensors * 2.0 ** (left + right + 1 + self.local_inds))) * self.itemsize

    @property
    def trees(self) -> list:
        """The cotengra contraction tree of each site's tensors (found once, reused by :func:`mps_arrays`)."""
        if self._trees is None:
            self._trees = [_site_tree(*site_network(self, s)[1:]) for s in range(len(self.order))]
        return self._trees

    @property
    def memory(self) -> float:
        """Estimated peak bytes of building the MPS and sweeping it (an upper bound, measured).

        All site arrays are held at once; on top of them, the largest of the per-site contraction
        peaks (cotengra's ``peak_size`` of each site's tree) and the QR/SVD sweep work space
        (:data:`SWEEP_FACTOR` times the largest site array), and :data:`MEMORY_SLACK`.
        """
        sites = self.site_bytes
        if sites.size == 0:
            return float(MEMORY_SLACK)
        if float(sites.sum()) > 2.0**62:  # far beyond any machine: skip the per-site trees
            return float(sites.sum())
        peaks = self._site_peak()
        return float(sites.sum() + max(peaks, SWEEP_FACTOR * float(sites.max())) + MEMORY_SLACK)

    @property
    def stream_memory(self) -> float:
        """Estimated peak bytes of :func:`streamed_bond_spectrum`: :data:`STREAM_FACTOR` times the largest
        site's contraction peak (its result is rescaled into a copy; in the sweeps a site and its product
        with the bond matrix are held), and :data:`MEMORY_SLACK`. Site arrays are built one at a time."""
        sites = self.site_bytes
        if sites.size == 0:
            return float(MEMORY_SLACK)
        if float(sites.max()) > 2.0**62:
            return float(sites.max())
        return float(STREAM_FACTOR * max(self._site_peak(), float(sites.max())) + MEMORY_SLACK)


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
        their neighbours (:func:`~tnrbm.network.chain_positions`, mapped through ``order``).

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
    itemsize = 16 if network.is_complex else 8
    local = np.zeros(n, dtype=np.int64)  # indices that live at one site only (besides the physical one)
    for ix, s in first.items():
        if last[ix] == s and not ix.startswith("k"):
            local[s] += 1
    return MPSPlan(order=order_t, groups=groups, bonds=bonds, exponent=exponent, itemsize=itemsize, local_inds=local)


def site_network(plan: MPSPlan, s: int) -> tuple[list[np.ndarray], list[tuple[str, ...]], tuple[str, ...]]:
    """The tensors of MPS site ``s`` (its terms, identities for the bonds passing through) and the
    output ``(left bonds, physical, right bonds)``.

    Examples
    --------
    >>> import tnrbm
    >>> plan = plan_mps(tnrbm.models.local_chain(6, radius=1, periodic=False, seed=0))
    >>> arrays, inputs, output = site_network(plan, 0)
    >>> output[0]
    'k0'
    """
    n = len(plan.order)
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
    return [t[0] for t in group], [tuple(t[1]) for t in group], tuple(lnames) + (phys,) + tuple(rnames)


def _site_tree(inputs: list[tuple[str, ...]], output: tuple[str, ...]) -> ctg.ContractionTree:
    """The contraction tree of one site (cached by the site's pattern: most sites of a chain share one)."""
    labels: dict[str, str] = {}
    canon_in = tuple(tuple(labels.setdefault(ix, ctg.get_symbol(len(labels))) for ix in term) for term in inputs)
    canon_out = tuple(labels.setdefault(ix, ctg.get_symbol(len(labels))) for ix in output)
    return _canonical_tree(canon_in, canon_out)


@lru_cache(maxsize=4096)
def _canonical_tree(inputs: tuple, output: tuple) -> ctg.ContractionTree:
    size_dict = {ix: 2 for term in inputs for ix in term} | {ix: 2 for ix in output}
    if len(inputs) == 1:
        return ctg.ContractionTree(list(inputs), output, size_dict)
    # tnrbm's own finders (serial): cotengra's "auto" preset searches on a process pool, whose forked
    # workers outlived an out-of-memory kill of the parent
    return find_tree(list(inputs), output, size_dict)[0]


def mps_arrays(plan: MPSPlan, max_memory: MaxMemory = None) -> tuple[list[np.ndarray], float]:
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
        f"an exact MPS with bond dimension up to {plan.max_bond} (all {len(plan.order)} site arrays and the sweeps)",
        max_memory,
        "use method='cut' (it needs no MPS), another site order, or a network with smaller cuts along the chain",
    )
    n = len(plan.order)
    arrays = []
    exponent = plan.exponent
    for s in range(n):
        tensors, _, output = site_network(plan, s)
        mantissa, e = plan.trees[s].contract(tensors, strip_exponent=True)
        left = len(plan.bonds[s - 1]) if s > 0 else 0
        right = len(plan.bonds[s]) if s < n - 1 else 0
        arrays.append(np.asarray(mantissa).reshape(2**left, 2, 2**right))
        exponent += float(e)
    return arrays, exponent


def _left_canonical(arrays: list[np.ndarray]) -> tuple[list[np.ndarray], float]:
    """QR sweep to the left-canonical form of norm 1; return the arrays and the log10 of the norm taken out."""
    out = []
    log_norm = 0.0
    r = np.ones((1, 1))
    for site in arrays[:-1]:
        a = np.tensordot(r, site, axes=(1, 0))
        q, r = np.linalg.qr(a.reshape(a.shape[0] * 2, a.shape[2]))
        out.append(q.reshape(a.shape[0], 2, q.shape[1]))
        scale = float(np.linalg.norm(r))
        if scale > 0:
            r = r / scale
            log_norm += math.log10(scale)
    last = np.tensordot(r, arrays[-1], axes=(1, 0))
    scale = float(np.linalg.norm(last))
    if scale > 0:
        last = last / scale
        log_norm += math.log10(scale)
    return [*out, last], log_norm


def exact_mps(
    network: BoltzmannNetwork,
    order: Sequence[int] | None = None,
    max_memory: MaxMemory = None,
    normalize: bool = False,
) -> qtn.MatrixProductState:
    """The exact (untruncated) :class:`quimb.tensor.MatrixProductState` of a network.

    Site ``s`` carries the physical index ``k{s}`` of visible unit ``order[s]`` (the identity order by
    default). The MPS is in left-canonical form and its ``exponent`` is 0, so quimb's own methods
    (``norm``, ``normalize``, ``H @``, ``overlap``, ``entropy``, ``to_dense``) are right on it.

    Parameters
    ----------
    network
        An RBM or a DBM.
    order
        The visible units in site order.
    max_memory
        Memory limit (bytes or a string such as ``"4GiB"``) for all the site arrays and the sweep.
    normalize
        False (default): the MPS is the unnormalized state (``mps.to_dense()`` equals
        ``network.to_dense(normalize=False)``; its norm is spread evenly over the site tensors).
        True: the MPS has norm 1 and ``mps.log10_norm`` holds the log10 of the state's norm
        (the attribute is not kept by ``mps.copy()``). quimb's ``entropy(i)`` and ``schmidt_values``
        assume a normalized state: use ``normalize=True`` (or call ``mps.normalize()``) before them.

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
    >>> unit = exact_mps(rbm, normalize=True)
    >>> ref = tnrbm.entanglement(rbm, range(4), base=2).entropy
    >>> bool(abs(unit.entropy(4) - ref) < 1e-10)
    True
    """
    if not isinstance(network, BoltzmannNetwork):
        raise InvalidParameterError(f"network must be an RBM or a DBM; got {type(network).__name__}")
    normalize = check_bool(normalize, "normalize")
    plan = plan_mps(network, order)
    arrays, exponent = mps_arrays(plan, max_memory)
    arrays, log_norm = _left_canonical(arrays)
    log_norm += exponent
    if not normalize:  # spread the norm over the sites: no tensor over- or underflows
        factor = 10.0 ** (log_norm / len(arrays)) if np.isfinite(log_norm) else 1.0
        arrays = [a * factor for a in arrays]
    if len(arrays) == 1:
        mps = qtn.MatrixProductState([arrays[0].reshape(2)], shape="lpr")
    else:
        ends = [arrays[0][0]] + arrays[1:-1] + [arrays[-1][:, :, 0]]
        mps = qtn.MatrixProductState(ends, shape="lpr")
    if normalize:
        mps.log10_norm = log_norm
    return mps


def _triangle(a: np.ndarray, rq: bool) -> np.ndarray:
    """The triangular factor of the Fortran-ordered ``a`` (``M x N``) that LAPACK computes in place (``a``
    is overwritten; only the factor is copied out): ``R`` of ``a = R Q`` (``?gerqf``, ``rq``; ``M x min``)
    or of ``a = Q R`` (``?geqrf``; ``min x N``)."""
    real = not np.iscomplexobj(a)
    name = ("dgerqf" if real else "zgerqf") if rq else ("dgeqrf" if real else "zgeqrf")
    out = getattr(scipy.linalg.lapack, name)(a, overwrite_a=1)
    factor, info = out[0], out[-1]
    if info != 0:
        raise NumericalError(f"LAPACK {name} failed in an MPS sweep (info={info})")
    rows, cols = factor.shape
    if not rq:
        return np.triu(factor[: min(rows, cols), :])
    return np.triu(factor[:, cols - rows :]) if rows <= cols else np.triu(factor, cols - rows)


def _left_sweep(arrays: Iterable[np.ndarray]) -> np.ndarray:
    """QR from the left over ``arrays`` (sites ``0 .. stop - 1``); the normalized bond matrix R after them.

    Each step holds the site and ``r @ site``, then only the latter, factorized in place: the RQ
    factorization of its Fortran-ordered view ``a^T = R Q`` gives ``a = Q^T R^T`` with orthonormal
    columns in ``Q^T``, so ``R^T`` is a bond matrix with the same ``r^dagger r = a^dagger a``.
    """
    r = np.ones((1, 1))
    for site in arrays:
        d, p, e = site.shape
        a = r @ site.reshape(d, p * e)  # (k, 2 e)
        del site
        k = a.shape[0] * p
        r = _triangle(a.reshape(k, e).T, rq=True).T
        r = r / np.linalg.norm(r)
        del a
    return r


def _right_sweep(arrays: Iterable[np.ndarray]) -> np.ndarray:
    """QR from the right over ``arrays`` (sites ``N - 1, N - 2, .. start``); the normalized bond matrix.

    ``a = L Q`` (an LQ of the C-ordered ``a``): ``L = R^T`` of the QR of its Fortran-ordered view ``a^T``,
    in place."""
    r = np.ones((1, 1))
    for site in arrays:
        d, p, e = site.shape
        a = site.reshape(d * p, e) @ r  # (l p, r')
        del site
        r = _triangle(a.reshape(d, -1).T, rq=False).T
        r = r / np.linalg.norm(r)
        del a
    return r


def _site_arrays(plan: MPSPlan, sites: Iterable[int]) -> Iterator[np.ndarray]:
    """The site arrays of ``plan`` one at a time (each scaled, the scale dropped), in the order of ``sites``."""
    n = len(plan.order)
    for s in sites:
        tensors, _, _ = site_network(plan, s)
        mantissa, _ = plan.trees[s].contract(tensors, strip_exponent=True)
        left = len(plan.bonds[s - 1]) if s > 0 else 0
        right = len(plan.bonds[s]) if s < n - 1 else 0
        yield np.asarray(mantissa).reshape(2**left, 2, 2**right)
        del mantissa  # not held while the next site is contracted


def streamed_bond_spectrum(plan: MPSPlan, cut: int, max_memory: MaxMemory = None) -> np.ndarray:
    """Schmidt probabilities between the first ``cut`` sites and the rest, building each site array
    only when a sweep reaches it (peak memory :attr:`MPSPlan.stream_memory`: a few site arrays, not the MPS).

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> rbm = tnrbm.models.local_chain(8, radius=1, complex=True, seed=0)
    >>> p = streamed_bond_spectrum(plan_mps(rbm), 4)
    >>> s = np.linalg.svd(rbm.to_dense().reshape(16, 16), compute_uv=False) ** 2
    >>> bool(np.allclose(np.sort(p)[::-1], s[: len(p)]))
    True
    """
    check_memory(
        plan.stream_memory,
        f"the sweeps of an exact MPS with bond dimension up to {plan.max_bond}",
        max_memory,
        "use method='cut' (it needs no MPS), another site order, or a network with smaller cuts along the chain",
    )
    n = len(plan.order)
    left = _left_sweep(_site_arrays(plan, range(cut)))
    right = _right_sweep(_site_arrays(plan, range(n - 1, cut - 1, -1)))
    s = np.linalg.svd(left @ right, compute_uv=False)
    p = s**2
    return p / p.sum()


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
    left = _left_sweep(arrays[:cut])
    right = _right_sweep(arrays[cut:][::-1])
    s = np.linalg.svd(left @ right, compute_uv=False)
    p = s**2
    return p / p.sum()


def profile_spectra(arrays: list[np.ndarray], overwrite: bool = False) -> list[np.ndarray]:
    """Schmidt probabilities at every cut: QR sweep to the right, SVD sweep back to the left.

    With ``overwrite=True`` the list ``arrays`` is swept in place (no second copy of the MPS is held).

    Examples
    --------
    >>> import numpy as np
    >>> a0 = np.zeros((1, 2, 2)); a0[0, 0, 0] = a0[0, 1, 1] = 1
    >>> a1 = np.zeros((2, 2, 1)); a1[0, 0, 0] = a1[1, 1, 0] = 1
    >>> [p.tolist() for p in profile_spectra([a0, a1])]
    [[0.5, 0.5]]
    """
    overwrite = check_bool(overwrite, "overwrite")
    n = len(arrays)
    arrs = arrays if overwrite else list(arrays)
    for s in range(n):
        arrs[s] = np.asarray(arrs[s], dtype=np.complex128 if np.iscomplexobj(arrs[s]) else np.float64)
    r = np.ones((1, 1))
    for s in range(n - 1):
        a = np.tensordot(r, arrs[s], axes=(1, 0))
        q, r = np.linalg.qr(a.reshape(a.shape[0] * 2, a.shape[2]))
        arrs[s] = q.reshape(a.shape[0], 2, q.shape[1])
        r = r / np.linalg.norm(r)
    last = np.tensordot(r, arrs[n - 1], axes=(1, 0))
    arrs[n - 1] = last / np.linalg.norm(last)
    spectra: list[np.ndarray] = [np.empty(0)] * (n - 1)
    for s in range(n - 1, 0, -1):  # right-canonical by LQ; the bond matrix L carries the Schmidt values
        a = arrs[s]
        _, r = np.linalg.qr(a.reshape(a.shape[0], -1).T)  # a = L Q with L = R^T: one QR, no singular vectors
        lmat = r.T
        lmat = lmat / np.linalg.norm(lmat)
        p = np.linalg.svd(lmat, compute_uv=False) ** 2
        spectra[s - 1] = p / p.sum()
        arrs[s] = np.empty(0)  # done with this site: its memory is freed
        arrs[s - 1] = np.tensordot(arrs[s - 1], lmat, axes=(2, 0))
    return spectra
