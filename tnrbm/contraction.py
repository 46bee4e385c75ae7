"""Contraction planning for exact entanglement: local tensors, Gram networks, paths, costs, a memory guard.

The networks contracted here are built straight from a Boltzmann network as lists of ``(array, inds)``
terms (hyper-index form: an index shared by several terms is summed once) and handed to cotengra:

* :class:`TermBuilder` makes the terms of any part of a network: a vector ``exp(bias x)`` per unit, a
  2x2 matrix ``exp(w x y)`` per coupling, and, where allowed, a hidden unit summed out into one tensor
  on its neighbours (the "bond" form of :mod:`tnrbm.tensor`), which halves the number of tensors.
  Every term is scaled to largest magnitude 1; the scales (log10) are added up in ``exponent``.
* :func:`gram_network` joins the terms of one side of a cut with their complex conjugate over the
  physical indices, leaving the cut indices of the ket and of the bra open: a ``2**m x 2**m`` Gram matrix.
* :func:`plan_contraction` finds a contraction tree (the best of cotengrust's greedy path, a
  hyper-optimized greedy path for small networks and, for networks laid out along a chain, the sweep
  :func:`sequential_path`; cached by the hash of the contraction), estimates its flops, largest
  intermediate and peak memory, and refuses with :class:`~tnrbm.errors.MemoryLimitError` *before*
  anything big is allocated. Trees can be sliced (cotengra) to trade memory for time.
* :meth:`ContractionPlan.contract` contracts with the exponent stripped from every intermediate
  (``strip_exponent=True``), so networks of thousands of spins neither overflow nor underflow.

Examples
--------
>>> import numpy as np
>>> plan = plan_contraction([("a", "b"), ("b", "c")], ("a", "c"), {"a": 2, "b": 3, "c": 2})
>>> x, y = np.ones((2, 3)), np.ones((3, 2))
>>> mantissa, exponent = plan.contract([x, y])
>>> bool(np.allclose(mantissa * 10**exponent, x @ y))
True
>>> plan.largest_intermediate, plan.flops  # entries; multiply-adds
(4.0, 12.0)
"""

from __future__ import annotations

import contextlib
import functools
import math
import time
import warnings
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import cotengra as ctg
import numpy as np
from cotengra.pathfinders.path_basic import ssa_to_linear

from ._memory import default_max_memory, format_bytes
from .errors import InvalidParameterError, MemoryLimitError
from .network import BoltzmannNetwork, Unit, log_sum_hidden
from .tensor import _exp_scaled, unit_index

__all__ = [
    "Term",
    "TermBuilder",
    "ContractionPlan",
    "plan_contraction",
    "path_optimizer",
    "sequential_path",
    "blas_threads",
    "SMALL_ARRAY",
    "gram_network",
    "chain_positions",
    "absorb_vectors",
    "check_positive",
    "BRA_SUFFIX",
]

#: a tensor as (array, index names)
Term = tuple[np.ndarray, tuple[str, ...]]

#: the suffix that renames the inner and cut indices of the bra in a Gram network
BRA_SUFFIX = "*"

#: below this many tensors the path search samples several greedy trees; above it, one
_SMALL_NETWORK = 300


@functools.lru_cache(maxsize=4)
def path_optimizer(max_repeats: int = 1) -> ctg.ReusableHyperOptimizer:
    """The shared, caching path optimizer: cotengra's ``ReusableHyperOptimizer`` with greedy trials.

    Paths are cached in memory by the hash of the contraction, so the same network shape (the same
    region of the same network, or another network of the same structure) is planned once.
    cotengra's greedy search runs in Rust (cotengrust) when that is installed.

    Parameters
    ----------
    max_repeats
        The number of greedy trials per new contraction.

    Examples
    --------
    >>> opt = path_optimizer()
    >>> opt is path_optimizer()
    True
    """
    return ctg.ReusableHyperOptimizer(
        methods=("greedy",),
        max_repeats=max_repeats,
        parallel=False,
        optlib="random",
        minimize="combo",
        reconf_opts=None,
        progbar=False,
    )


@dataclass
class ContractionPlan:
    """A contraction tree with its cost estimates, ready to contract.

    Attributes
    ----------
    tree : cotengra.ContractionTree
        The tree (possibly sliced).
    flops : float
        Estimated scalar multiply-adds of the whole contraction (all slices).
    largest_intermediate : float
        The number of entries of the largest intermediate tensor.
    peak : float
        The number of entries held at the same time at the worst step (inputs included).
    itemsize : int
        Bytes per entry (16 for complex128).
    n_tensors : int
        Number of input tensors.
    path_seconds : float
        Time spent finding the path (about 0 on a cache hit).
    n_slices : int
        Number of slices the contraction is split into (1 when not sliced).
    """

    tree: Any
    flops: float
    largest_intermediate: float
    peak: float
    itemsize: int
    n_tensors: int
    path_seconds: float
    n_slices: int = 1
    extra: dict = field(default_factory=dict)

    @property
    def largest_bytes(self) -> float:
        """Bytes of the largest intermediate."""
        return self.largest_intermediate * self.itemsize

    @property
    def peak_bytes(self) -> float:
        """Bytes held at the worst step of the contraction."""
        return self.peak * self.itemsize

    def contract(self, arrays: Sequence[np.ndarray]) -> tuple[np.ndarray, float]:
        """Contract ``arrays`` along the tree; return ``(mantissa, exponent)`` with the value
        ``mantissa * 10**exponent``.

        The exponent is stripped from every intermediate, so no overflow happens at any size.
        """
        if self.n_tensors == 1:
            (arr,) = arrays
            (term,) = self.tree.inputs
            out = ctg.array_contract([arr], [term], self.tree.output)
            return _strip(np.asarray(out))
        mantissa, exponent = self.tree.contract(list(arrays), strip_exponent=True)
        mantissa = np.asarray(mantissa)
        m2, e2 = _strip(mantissa)
        return m2, float(exponent) + e2


def blas_threads(n_threads: int | None) -> Any:
    """A context that limits the BLAS threads to ``n_threads`` (None: no limit).

    Many small matrix products and eigendecompositions run several times slower with a threaded BLAS
    on a busy machine (measured: a 256 x 256 ``eigh`` took 0.2-3 s threaded, 0.05 s on one thread).
    Uses ``threadpoolctl`` when installed; otherwise does nothing.

    Examples
    --------
    >>> import numpy as np
    >>> with blas_threads(1):
    ...     float(np.linalg.eigvalsh(np.eye(2))[0])
    1.0
    """
    if n_threads is None:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        return contextlib.nullcontext()
    return threadpool_limits(limits=int(n_threads), user_api="blas")


#: below this many entries, the largest array of a computation runs on one BLAS thread
SMALL_ARRAY = 2**22


def _strip(arr: np.ndarray) -> tuple[np.ndarray, float]:
    peak = float(np.max(np.abs(arr))) if arr.size else 0.0
    if peak == 0.0 or not np.isfinite(peak):
        return arr, 0.0
    e = math.floor(math.log10(peak))
    return arr / 10.0**e, float(e)


#: contraction trees (with their sizes) by the hash of the contraction; a tree is reused as it is, with
#: its compiled contractor
_PATH_CACHE: dict = {}
_PATH_CACHE_SIZE = 64


def sequential_path(keys: Sequence[float]) -> list[tuple[int, int]]:
    """An SSA path that contracts the tensors one by one in the order of ``keys`` (a sweep).

    For a network laid out along a chain (keys = positions), the running tensor only carries the
    indices that cross the current position: the transfer-matrix order.

    Examples
    --------
    >>> sequential_path([2.0, 0.0, 1.0])
    [(1, 2), (3, 0)]
    """
    order = sorted(range(len(keys)), key=lambda k: (keys[k], k))
    path = []
    current = order[0]
    nxt = len(keys)
    for k in order[1:]:
        path.append((current, k))
        current = nxt
        nxt += 1
    return path


def _score(tree: Any) -> float:
    return float(tree.total_flops()) + 64.0 * float(tree.max_size())


def _find_tree(
    inputs: list, output: tuple, size_dict: dict, keys: Sequence[float] | None
) -> tuple[Any, str, tuple[float, float]]:
    """The best of cotengrust's greedy tree, a hyper-optimized greedy tree (small networks) and the sweep
    along ``keys``; cached by the hash of the contraction."""
    from cotengra.reusable import hash_contraction

    h = hash_contraction(inputs, output, size_dict)
    if keys is not None:
        h = (h, hash(tuple(keys)))
    hit = _PATH_CACHE.get(h)
    if hit is not None:
        tree, name, sizes = hit
        return tree, name + " (cached)", sizes
    # array_contract_tree maps the index names to single characters, which the contractor needs
    trees = {"greedy": ctg.array_contract_tree(inputs, output, size_dict, optimize="greedy")}
    if len(inputs) <= _SMALL_NETWORK:
        try:  # a failed greedy trial (cotengra warns, then has no tree) leaves the plain greedy tree
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                trees["hyper-greedy"] = ctg.array_contract_tree(inputs, output, size_dict, optimize=path_optimizer(8))
        except (KeyError, ValueError, RuntimeError):
            pass
    out_size = math.prod(size_dict[ix] for ix in output)
    if keys is not None and trees["greedy"].max_size() > 64 * out_size:  # greedy went wide: try the sweep
        sweep = ssa_to_linear(sequential_path(keys), len(inputs))
        trees["sweep"] = ctg.array_contract_tree(inputs, output, size_dict, optimize=sweep)
    name = min(trees, key=lambda k: _score(trees[k]))
    tree = trees[name]
    sizes = _sizes(tree)
    if len(_PATH_CACHE) >= _PATH_CACHE_SIZE:
        _PATH_CACHE.pop(next(iter(_PATH_CACHE)))
    _PATH_CACHE[h] = (tree, name, sizes)
    return tree, name, sizes


def plan_contraction(
    inputs: Sequence[Sequence[Hashable]],
    output: Sequence[Hashable],
    size_dict: dict,
    optimize: Any = None,
    itemsize: int = 16,
    max_memory: float | None = None,
    what: str = "the contraction",
    way_out: str = "use a smaller region",
    slicing: bool = False,
    keys: Sequence[float] | None = None,
) -> ContractionPlan:
    """Find a contraction tree, estimate its cost and memory, and refuse when it would not fit.

    Parameters
    ----------
    inputs, output, size_dict
        The contraction in cotengra's form (hyper-indices allowed; ``output`` always explicit).
    optimize
        None: the best (by flops and largest intermediate) of cotengrust's greedy path, a
        hyper-optimized greedy path for small networks (:func:`path_optimizer`) and, when ``keys`` are
        given, the sweep :func:`sequential_path`; found paths are cached by the hash of the
        contraction. Otherwise anything cotengra accepts: a preset name, an explicit path, a
        ``ContractionTree``, an optimizer.
    itemsize
        Bytes per entry.
    max_memory
        The limit in bytes for the peak memory (default: a safe fraction of the available memory).
    what, way_out
        For the error message.
    slicing
        When the peak exceeds ``max_memory``, slice the tree (cotengra) until it fits instead of
        refusing; the output itself must still fit.
    keys
        A position per input tensor (e.g. along a chain), for the sweep path.

    Returns
    -------
    ContractionPlan

    Raises
    ------
    MemoryLimitError
        With the estimate and the way out, before anything is contracted.

    Examples
    --------
    >>> plan = plan_contraction([("a", "b"), ("b", "c")], ("a", "c"), {"a": 2**14, "b": 2, "c": 2**14})
    >>> try:
    ...     plan = plan_contraction([("a", "b"), ("b", "c")], ("a", "c"), {"a": 2**14, "b": 2, "c": 2**14},
    ...                             max_memory=2**20)
    ... except MemoryLimitError as err:
    ...     print(str(err)[:58])
    the contraction needs about 4.0 GiB at its peak (largest i
    """
    t0 = time.perf_counter()
    inputs = [tuple(t) for t in inputs]
    output = tuple(output)
    if optimize is None and len(inputs) > 1:
        tree, name, (largest, peak) = _find_tree(inputs, output, size_dict, keys)
    else:
        if len(inputs) == 1:
            tree, name = ctg.ContractionTree(inputs, output, size_dict), "single"
        else:
            tree, name = ctg.array_contract_tree(inputs, output, size_dict, optimize=optimize), str(optimize)
        largest, peak = _sizes(tree)
    path_seconds = time.perf_counter() - t0
    limit = default_max_memory() if max_memory is None else float(max_memory)
    n_slices = 1
    if peak * itemsize > limit and slicing:
        out_size = math.prod(size_dict[ix] for ix in output)
        target = max(int(limit / itemsize / 4), 1)
        if out_size * 2 <= target:
            tree = tree.slice(target_size=target)
            largest, peak = _sizes(tree)
            n_slices = int(tree.nslices)
    if peak * itemsize > limit:
        hint = way_out if slicing else f"{way_out}, or pass slicing=True (cotengra slices the contraction)"
        raise MemoryLimitError(
            f"{what} needs about {format_bytes(peak * itemsize)} at its peak (largest intermediate "
            f"{format_bytes(largest * itemsize)}, about {tree.total_flops():.3g} flops), more than "
            f"max_memory={format_bytes(limit)} allows; {hint}"
        )
    return ContractionPlan(
        tree=tree,
        flops=float(tree.total_flops()) if len(inputs) > 1 else float(math.prod(size_dict[i] for i in inputs[0])),
        largest_intermediate=largest,
        peak=peak,
        itemsize=itemsize,
        n_tensors=len(inputs),
        path_seconds=path_seconds,
        n_slices=n_slices,
        extra={"path": name},
    )


def _sizes(tree: Any) -> tuple[float, float]:
    if tree.N == 1:
        size = tree.get_size(tree.root)
        return size, 2 * size
    largest = tree.max_size()
    peak = tree.peak_size()
    if tree.sliced_inds:  # the traversal above sees one slice; the output is stacked over slices
        out = math.prod(tree.size_dict[ix] for ix in tree.output) if tree.output else 1
        peak = peak + out
    return float(largest), float(peak)


# ------------------------------------------------------------------------------------- terms


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

    def __init__(self, network: BoltzmannNetwork, max_bond_degree: int = 12) -> None:
        self.network = network
        self.max_bond_degree = int(max_bond_degree)
        self.edges = network.edges()
        self.neighbours: dict[Unit, list[tuple[Unit, int]]] = {u: [] for u in network.units()}
        for e, (u, v, _) in enumerate(self.edges):
            self.neighbours[u].append((v, e))
            self.neighbours[v].append((u, e))
        self.index = {u: unit_index(network, u) for u in self.neighbours}

    def terms(
        self,
        bias_units: Iterable[Unit],
        edge_ids: Iterable[int],
        rename: dict[Unit, str] | None = None,
        sum_out: bool = True,
        owners: list | None = None,
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

        Returns
        -------
        terms : list of (array, inds)
        exponent : float
            log10 of the product of the scales taken out of the terms.
        """
        net = self.network
        rename = rename or {}
        name = {**self.index, **rename}
        bias_set = set(bias_units)
        edge_set = set(edge_ids)
        summed: set[Unit] = set()
        if sum_out:
            for u in bias_set:
                layer = u[0]
                if layer % 2 == 1 and u not in rename and 0 < len(self.neighbours[u]) <= self.max_bond_degree:
                    if all(e in edge_set for _, e in self.neighbours[u]):
                        summed.add(u)
        out: list[Term] = []
        exponent = 0.0
        for u in sorted(bias_set):
            layer, i = u
            if u in summed:
                nbrs = self.neighbours[u]
                d = len(nbrs)
                fld = np.full((2,) * d, net.biases[layer][i], dtype=net.dtype)
                for axis, (v, e) in enumerate(nbrs):
                    shape = [1] * d
                    shape[axis] = 2
                    fld = fld + (self.edges[e][2] * net.layer_values(v[0])).reshape(shape)
                data, s = _exp_scaled(log_sum_hidden(fld, net.hidden))
                out.append((data, tuple(name[v] for v, _ in nbrs)))
            else:
                data, s = _exp_scaled(net.biases[layer][i] * net.layer_values(layer))
                out.append((data, (name[u],)))
            exponent += s
            if owners is not None:
                owners.append(u)
        for e in sorted(edge_set):
            u, v, w = self.edges[e]
            if u in summed or v in summed:
                continue
            data, s = _exp_scaled(w * np.outer(net.layer_values(u[0]), net.layer_values(v[0])))
            out.append((data, (name[u], name[v])))
            exponent += s
            if owners is not None:
                owners.append(v)
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


def gram_network(
    terms: Sequence[Term], physical: Iterable[str], cut_inds: Sequence[str]
) -> tuple[list[np.ndarray], list[tuple[str, ...]], tuple[str, ...]]:
    """The network of ``G = X^dagger X``: one side's terms (the ket ``X[v, c]``) joined with their complex
    conjugate over the ``physical`` indices.

    Every other index of the bra is renamed with :data:`BRA_SUFFIX`. The output is
    ``(bra cut indices, ket cut indices)``, so the contraction gives
    ``G[c', c] = sum_v conj(X[v, c']) X[v, c]``.

    Examples
    --------
    >>> import numpy as np, cotengra as ctg
    >>> x = np.array([[1.0, 2.0j], [0.5, 1.0]])  # X[v, c]
    >>> arrays, inputs, output = gram_network([(x, ("k0", "c"))], ["k0"], ["c"])
    >>> g = ctg.array_contract(arrays, inputs, output)
    >>> bool(np.allclose(g, x.conj().T @ x))
    True
    """
    phys = set(physical)
    arrays = [t[0] for t in terms] + [np.conj(t[0]) for t in terms]
    inputs = [tuple(t[1]) for t in terms] + [tuple(ix if ix in phys else ix + BRA_SUFFIX for ix in t[1]) for t in terms]
    output = tuple(c + BRA_SUFFIX for c in cut_inds) + tuple(cut_inds)
    return arrays, inputs, output


def check_positive(value: Any, name: str) -> float:
    """A positive finite number, or :class:`InvalidParameterError` naming ``name``.

    Examples
    --------
    >>> check_positive(2**30, "max_memory")
    1073741824.0
    """
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{name} must be a positive number of bytes; got {value!r}") from None
    if not (x > 0 and math.isfinite(x)):
        raise InvalidParameterError(f"{name} must be a positive number of bytes; got {value!r}")
    return x
