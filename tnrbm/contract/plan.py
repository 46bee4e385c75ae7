"""Contraction plans: a tree, its cost and memory estimated, refused before anything big is allocated.

:func:`plan_contraction` takes a contraction in cotengra's form (hyper-indices allowed, ``output``
always explicit), finds a tree (:func:`~tnrbm.contract.paths.find_tree`, cached), estimates its flops,
largest intermediate and peak memory, and refuses with :class:`~tnrbm.errors.MemoryLimitError`
*before* anything big is allocated. Trees can be sliced (cotengra) to trade memory for time.
:meth:`ContractionPlan.contract` contracts with the exponent stripped from every intermediate
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

import itertools
import math
import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import autoray
import cotengra as ctg
import numpy as np

from ..errors import InvalidParameterError, MemoryLimitError
from ..validation import MaxMemory, format_bytes, memory_limit
from .backends import get_backend
from .executors import run_jobs
from .paths import PathCache, check_seed, find_tree, tree_sizes

__all__ = ["ContractionPlan", "contract_arrays", "contract_block", "plan_contraction", "strip_exponent"]


def strip_exponent(arr: np.ndarray) -> tuple[np.ndarray, float]:
    """``(mantissa, e)`` with ``arr = mantissa * 10**e`` and the largest magnitude of ``mantissa`` in [1, 10).

    Examples
    --------
    >>> strip_exponent(np.array([250.0]))
    (array([2.5]), 2.0)
    """
    e = _decade(arr)
    if e == 0:  # already in [1, 10) (or zero, or not finite): no copy
        return arr, 0.0
    return arr / 10.0**e, float(e)


def _decade(arr: np.ndarray) -> int:
    """``floor(log10(max |arr|))``; 0 for an empty, zero or non-finite array (nothing to strip)."""
    peak = float(np.max(np.abs(arr))) if arr.size else 0.0
    if peak == 0.0 or not np.isfinite(peak):
        return 0
    return math.floor(math.log10(peak))


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
    extra : dict
        Details: the path finder's name (``"path"``), and for output slicing how to cut the inputs.
    outer : tuple
        The output indices sliced over (each slice computes one block of the output; ``tree`` is then
        the tree of one block); empty when not sliced over output indices.
    seed : int
        The seed of the path search (and of the slicing) that found ``tree``.
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
    outer: tuple = ()
    seed: int = 0

    @property
    def largest_bytes(self) -> float:
        """Bytes of the largest intermediate."""
        return self.largest_intermediate * self.itemsize

    @property
    def peak_bytes(self) -> float:
        """Bytes held at the worst step of the contraction."""
        return self.peak * self.itemsize

    @property
    def repeats(self) -> int:
        """How many times :attr:`tree` is contracted: its inner slices times the output blocks."""
        inner = int(getattr(self.tree, "multiplicity", 1) or 1)
        return inner * (self.n_slices if self.outer else 1)

    @property
    def n_steps(self) -> int:
        """Pairwise contractions done in all (every slice and block counted)."""
        return max(int(self.tree.N) - 1, 0) * self.repeats

    def step_traffic(self) -> list[tuple[float, float]]:
        """``(entries moved, largest array)`` of each pairwise step of one contraction of :attr:`tree`: a step
        reads (and transposes) its two inputs and writes (and rescales) its output. With binary indices
        this, not the multiply-adds, sets the time of most steps (``docs/theory/memory.md``)."""
        tree = self.tree
        if tree.N == 1:
            size = float(tree.get_size(tree.root))
            return [(size, size)]
        steps = []
        for node, left, right in tree.traverse():
            sizes = (tree.get_size(node), tree.get_size(left), tree.get_size(right))
            steps.append((float(sum(sizes)), float(max(sizes))))
        return steps

    @property
    def traffic(self) -> float:
        """Entries moved by the pairwise contractions (:meth:`step_traffic`), every slice counted."""
        return sum(moved for moved, _ in self.step_traffic()) * self.repeats

    def contract(
        self, arrays: Sequence[np.ndarray], backend: Any = None, parallel: Any = None, progress: Any = None
    ) -> tuple[np.ndarray, float]:
        """Contract ``arrays`` along the tree; return ``(mantissa, exponent)`` with the value
        ``mantissa * 10**exponent`` (a numpy array, whatever the backend).

        The exponent is stripped from every intermediate, so no overflow happens at any size.
        ``backend`` names an array library of :data:`~tnrbm.contract.backends.BACKENDS` (default numpy).
        A plan sliced over output indices (``outer``) contracts one block per slice, run where
        ``parallel`` says (:func:`~tnrbm.contract.executors.run_jobs`; ``progress`` reports each slice),
        and rescales every block to the common largest exponent.
        """
        name = get_backend(backend).name
        if not self.outer:
            return _contract_whole(self.tree, arrays, name)
        values = self.block_values()
        blocks = run_jobs(contract_block, self.block_job(arrays, name), values, parallel=parallel, progress=progress)
        return _assemble(blocks, values, self.extra["outer_dims"], self.extra["order"])

    def block_values(self) -> list[tuple[int, ...]]:
        """The values of the sliced output indices (:attr:`outer`), one tuple per block, in C order
        (``[()]``: a plan not sliced over outputs is one block)."""
        return list(itertools.product(*(range(d) for d in self.extra.get("outer_dims", ()))))

    def block_job(self, arrays: Sequence[np.ndarray], backend: Any = None) -> tuple:
        """What :func:`contract_block` needs for every block of this plan (``shared`` of
        :func:`~tnrbm.contract.executors.run_jobs`): a block's output has the indices of ``output``
        without :attr:`outer`, in their order."""
        take = self.extra.get("take", [[] for _ in arrays])
        return (self.tree, list(arrays), take, self.extra.get("scalars", ()), get_backend(backend).name)


def _contract_whole(tree: Any, arrays: Sequence, backend: str) -> tuple[np.ndarray, float]:
    """``(mantissa, log10 exponent)`` of a whole (unsliced or cotengra-sliced) contraction on ``backend``."""
    be = get_backend(backend)
    if be.name != "numpy":  # torch wants one dtype for all: the common one (complex128 or float64)
        dtype = np.result_type(*(np.asarray(a).dtype for a in arrays))
        arrays = [be.to(np.asarray(a, dtype=dtype)) for a in arrays]
    if tree.N == 1:
        (arr,) = arrays
        (term,) = tree.inputs
        out = ctg.array_contract([arr], [term], tree.output)
        return strip_exponent(be.to_numpy(out))
    mantissa, exponent = tree.contract(list(arrays), strip_exponent=True)
    m2, e2 = _strip_own(be.to_numpy(mantissa))
    return m2, float(autoray.to_numpy(exponent)) + e2


def _strip_own(arr: np.ndarray) -> tuple[np.ndarray, float]:
    """:func:`strip_exponent` of an array this module owns (a contraction's result): in place, no copy."""
    arr = np.asarray(arr)
    if not arr.flags.writeable:
        return strip_exponent(arr)
    e = _decade(arr)
    if e:
        arr /= 10.0**e
    return arr, float(e)


def contract_block(shared: tuple, values: tuple) -> tuple[np.ndarray, float]:
    """One block ``(mantissa, log10 exponent)`` of an output-sliced contraction: the sliced indices fixed
    to ``values`` (``shared``: :meth:`ContractionPlan.block_job`). A job for
    :func:`~tnrbm.contract.executors.run_jobs`, so blocks can be reduced where they are computed instead
    of assembled."""
    tree, arrays, take, scalars, backend = shared
    sub = []
    for arr, axes in zip(arrays, take):
        index = [slice(None)] * np.ndim(arr)
        for axis, k in axes:
            index[axis] = values[k]
        sub.append(np.asarray(arr)[tuple(index)])
    mantissa, exponent = _contract_whole(tree, [sub[k] for k in range(len(sub)) if k not in scalars], backend)
    for k in scalars:  # inputs whose every index is sliced: numbers that multiply the block
        m, e = strip_exponent(np.asarray(sub[k]).reshape(1))
        mantissa, exponent = mantissa * m[0], exponent + e
    return mantissa, exponent


def _assemble(blocks: list, values: list, dims: tuple, order: tuple) -> tuple[np.ndarray, float]:
    """The whole output from its blocks, each ``(mantissa, log10 exponent)``, rescaled to the largest."""
    live = [e for m, e in blocks if np.any(m != 0)]
    top = max(live) if live else 0.0
    first = blocks[0][0]
    dtype = np.result_type(*(m.dtype for m, _ in blocks))
    full = np.zeros(tuple(dims) + np.shape(first), dtype=dtype)
    for (m, e), v in zip(blocks, values):
        if np.any(m != 0):
            full[v] = m * 10.0 ** (e - top)
    m2, e2 = strip_exponent(np.transpose(full, order))
    return m2, top + e2


def _slice_to_fit(tree: Any, size_dict: dict, output: tuple, limit: float, itemsize: int, seed: int) -> tuple[Any, int]:
    """Slice ``tree`` (cotengra) until its peak fits ``limit``, when the output itself fits."""
    out_size = math.prod(size_dict[ix] for ix in output)
    target = max(int(limit / itemsize / 4), 1)
    if out_size * 2 > target:
        return tree, 1
    tree = tree.slice(target_size=target, seed=seed)
    return tree, int(tree.nslices)


def _outer_network(inputs: list, output: tuple, outer: tuple, keys: Sequence[float] | None) -> tuple:
    """The network of one block with the output indices ``outer`` fixed, and how to cut the inputs."""
    take = [[(axis, outer.index(ix)) for axis, ix in enumerate(term) if ix in outer] for term in inputs]
    reduced = [tuple(ix for ix in term if ix not in outer) for term in inputs]
    scalars = tuple(k for k, term in enumerate(reduced) if not term)
    kept = [k for k in range(len(inputs)) if k not in scalars]
    sub_output = tuple(ix for ix in output if ix not in outer)
    sub_keys = None if keys is None else [keys[k] for k in kept]
    order = tuple((outer + sub_output).index(ix) for ix in output)
    return [reduced[k] for k in kept], sub_output, sub_keys, {"take": take, "scalars": scalars, "order": order}


def _slice_outer(
    inputs: list,
    output: tuple,
    size_dict: dict,
    limit: float,
    itemsize: int,
    keys: Any,
    cache: Any,
    assemble: bool,
    seed: int,
) -> tuple[Any, dict, float, float, int, tuple] | None:
    """Slice over output indices (in the order of ``output``) until one block's peak, plus the whole
    output it is assembled into (when ``assemble``), fits ``limit``; None when no number of sliced
    indices fits."""
    out_size = math.prod(size_dict[ix] for ix in output)
    for k in range(1, len(output) + 1):
        outer = output[:k]
        sub_inputs, sub_output, sub_keys, extra = _outer_network(inputs, output, outer, keys)
        if not sub_inputs:
            return None
        if len(sub_inputs) == 1:
            tree = ctg.ContractionTree(sub_inputs, sub_output, size_dict)
            largest, peak = tree_sizes(tree)
        else:
            tree, name, (largest, peak) = find_tree(sub_inputs, sub_output, size_dict, sub_keys, cache, seed)
            extra["path"] = name
        if assemble:
            peak = peak + 2 * out_size  # the assembled output and its rescaled copy
        if peak * itemsize <= limit:
            extra["outer_dims"] = tuple(size_dict[ix] for ix in outer)
            return tree, extra, largest, peak, math.prod(extra["outer_dims"]), outer
    return None


def plan_contraction(
    inputs: Sequence[Sequence[Hashable]],
    output: Sequence[Hashable],
    size_dict: dict,
    optimize: Any = None,
    itemsize: int = 16,
    max_memory: MaxMemory = None,
    what: str = "the contraction",
    way_out: str = "use a smaller region",
    slicing: bool | str = False,
    keys: Sequence[float] | None = None,
    cache: PathCache | None = None,
    assemble: bool = True,
    seed: int | None = None,
) -> ContractionPlan:
    """Find a contraction tree, estimate its cost and memory, and refuse when it would not fit.

    Parameters
    ----------
    inputs, output, size_dict
        The contraction in cotengra's form (hyper-indices allowed; ``output`` always explicit).
    optimize
        None: the best tree of the registered path finders
        (:data:`~tnrbm.contract.paths.PATH_FINDERS`), cached in ``cache``. Otherwise anything cotengra
        accepts: a preset name, an explicit path, a ``ContractionTree``, an optimizer.
    itemsize
        Bytes per entry.
    max_memory
        The limit for the peak memory: bytes or a size string (default: a safe fraction of the
        available memory).
    what, way_out
        For the error message.
    slicing
        When the peak exceeds ``max_memory``, slice instead of refusing: over inner indices (cotengra)
        while the output is small, otherwise over output indices (in the order of ``output``): each
        slice then computes one block of the output (``plan.outer`` names the sliced indices), and the
        blocks are assembled with their exponents rescaled to the largest. The whole output must fit.
        ``"inner"`` or ``"outer"`` forces one of the two.
    keys
        A position per input tensor (e.g. along a chain), for the sweep path.
    cache
        The :class:`~tnrbm.contract.paths.PathCache` to use (default: the shared one).
    assemble
        With output slicing: whether the whole output is assembled (it must then fit too). False plans
        blocks that are reduced one by one (:meth:`ContractionPlan.block_job`, :func:`contract_block`);
        only one block's peak must fit.
    seed
        The seed of the path search and of the slicing (None: :data:`~tnrbm.contract.paths.DEFAULT_SEED`):
        the same contraction and seed give the same tree in every process.

    Returns
    -------
    ContractionPlan

    Raises
    ------
    MemoryLimitError
        With the estimate and the way out, before anything is contracted.

    Examples
    --------
    >>> sizes = {"a": 2**14, "b": 2, "c": 2**14}
    >>> try:
    ...     plan = plan_contraction([("a", "b"), ("b", "c")], ("a", "c"), sizes, max_memory="1MiB")
    ... except MemoryLimitError as err:
    ...     print(str(err)[:58])
    the contraction needs about 4.0 GiB at its peak (largest i
    """
    t0 = time.perf_counter()
    inputs = [tuple(t) for t in inputs]
    output = tuple(output)
    limit = memory_limit(max_memory)
    seed = check_seed(seed)
    if optimize is None and len(inputs) > 1:
        tree, name, (largest, peak) = find_tree(inputs, output, size_dict, keys, cache, seed)
    else:
        if len(inputs) == 1:
            tree, name = ctg.ContractionTree(inputs, output, size_dict), "single"
        else:
            tree, name = ctg.array_contract_tree(inputs, output, size_dict, optimize=optimize), str(optimize)
        largest, peak = tree_sizes(tree)
    path_seconds = time.perf_counter() - t0
    n_slices, outer, extra = 1, (), {"path": name}
    if slicing not in (True, False, "inner", "outer"):
        raise InvalidParameterError(f"slicing must be True, False, 'inner' or 'outer'; got {slicing!r}")
    if peak * itemsize > limit and slicing:
        inner, n_inner = _slice_to_fit(tree, size_dict, output, limit, itemsize, seed)
        if slicing != "outer" and (tree_sizes(inner)[1] * itemsize <= limit or slicing == "inner"):
            tree, n_slices = inner, n_inner
            largest, peak = tree_sizes(tree)
        else:  # the output is (close to) the largest tensor: slice over output indices
            sliced = _slice_outer(inputs, output, size_dict, limit, itemsize, keys, cache, assemble, seed)
            if sliced is not None:
                tree, extra, largest, peak, n_slices, outer = sliced
                extra.setdefault("path", name)
    if peak * itemsize > limit:
        hint = way_out if slicing else f"{way_out}, or pass slicing=True (cotengra slices the contraction)"
        raise MemoryLimitError(
            f"{what} needs about {format_bytes(peak * itemsize)} at its peak (largest intermediate "
            f"{format_bytes(largest * itemsize)}, about {tree.total_flops():.3g} flops), more than "
            f"max_memory={format_bytes(limit)} allows; {hint}",
            needed=None if slicing else float(peak * itemsize),
            limit=float(limit),
        )
    single = float(math.prod(size_dict[i] for i in inputs[0]))
    return ContractionPlan(
        tree=tree,
        flops=float(tree.total_flops()) * (n_slices if outer else 1) if len(inputs) > 1 else single,
        largest_intermediate=largest,
        peak=peak,
        itemsize=itemsize,
        n_tensors=len(inputs),
        path_seconds=path_seconds,
        n_slices=n_slices,
        extra=extra,
        outer=outer,
        seed=seed,
    )


def contract_arrays(
    arrays: Sequence[np.ndarray], inputs: Sequence[Sequence[Hashable]], output: Sequence[Hashable], **options: Any
) -> tuple[np.ndarray, float, ContractionPlan]:
    """Plan (:func:`plan_contraction`, with ``options``) and contract; ``(mantissa, log10 exponent, plan)``.

    Examples
    --------
    >>> m, e, plan = contract_arrays([np.full(2, 10.0), np.full(2, 10.0)], [("a",), ("a",)], ())
    >>> float(m * 10**e), plan.n_tensors
    (200.0, 2)
    """
    size_dict = {ix: d for arr, inds in zip(arrays, inputs) for ix, d in zip(inds, np.shape(arr))}
    plan = plan_contraction(inputs, output, size_dict, **options)
    mantissa, exponent = plan.contract(arrays)
    return mantissa, exponent, plan
