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

import math
import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import cotengra as ctg
import numpy as np

from ..errors import MemoryLimitError
from ..validation import format_bytes, memory_limit
from .paths import PathCache, find_tree, tree_sizes

__all__ = ["ContractionPlan", "contract_arrays", "plan_contraction", "strip_exponent"]


def strip_exponent(arr: np.ndarray) -> tuple[np.ndarray, float]:
    """``(mantissa, e)`` with ``arr = mantissa * 10**e`` and the largest magnitude of ``mantissa`` in [1, 10).

    Examples
    --------
    >>> strip_exponent(np.array([250.0]))
    (array([2.5]), 2.0)
    """
    peak = float(np.max(np.abs(arr))) if arr.size else 0.0
    if peak == 0.0 or not np.isfinite(peak):
        return arr, 0.0
    e = math.floor(math.log10(peak))
    return arr / 10.0**e, float(e)


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
            return strip_exponent(np.asarray(out))
        mantissa, exponent = self.tree.contract(list(arrays), strip_exponent=True)
        m2, e2 = strip_exponent(np.asarray(mantissa))
        return m2, float(exponent) + e2


def _slice_to_fit(tree: Any, size_dict: dict, output: tuple, limit: float, itemsize: int) -> tuple[Any, int]:
    """Slice ``tree`` (cotengra) until its peak fits ``limit``, when the output itself fits."""
    out_size = math.prod(size_dict[ix] for ix in output)
    target = max(int(limit / itemsize / 4), 1)
    if out_size * 2 > target:
        return tree, 1
    tree = tree.slice(target_size=target)
    return tree, int(tree.nslices)


def plan_contraction(
    inputs: Sequence[Sequence[Hashable]],
    output: Sequence[Hashable],
    size_dict: dict,
    optimize: Any = None,
    itemsize: int = 16,
    max_memory: Any = None,
    what: str = "the contraction",
    way_out: str = "use a smaller region",
    slicing: bool = False,
    keys: Sequence[float] | None = None,
    cache: PathCache | None = None,
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
        When the peak exceeds ``max_memory``, slice the tree (cotengra) until it fits instead of
        refusing; the output itself must still fit.
    keys
        A position per input tensor (e.g. along a chain), for the sweep path.
    cache
        The :class:`~tnrbm.contract.paths.PathCache` to use (default: the shared one).

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
    if optimize is None and len(inputs) > 1:
        tree, name, (largest, peak) = find_tree(inputs, output, size_dict, keys, cache)
    else:
        if len(inputs) == 1:
            tree, name = ctg.ContractionTree(inputs, output, size_dict), "single"
        else:
            tree, name = ctg.array_contract_tree(inputs, output, size_dict, optimize=optimize), str(optimize)
        largest, peak = tree_sizes(tree)
    path_seconds = time.perf_counter() - t0
    n_slices = 1
    if peak * itemsize > limit and slicing:
        tree, n_slices = _slice_to_fit(tree, size_dict, output, limit, itemsize)
        largest, peak = tree_sizes(tree)
    if peak * itemsize > limit:
        hint = way_out if slicing else f"{way_out}, or pass slicing=True (cotengra slices the contraction)"
        raise MemoryLimitError(
            f"{what} needs about {format_bytes(peak * itemsize)} at its peak (largest intermediate "
            f"{format_bytes(largest * itemsize)}, about {tree.total_flops():.3g} flops), more than "
            f"max_memory={format_bytes(limit)} allows; {hint}"
        )
    single = float(math.prod(size_dict[i] for i in inputs[0]))
    return ContractionPlan(
        tree=tree,
        flops=float(tree.total_flops()) if len(inputs) > 1 else single,
        largest_intermediate=largest,
        peak=peak,
        itemsize=itemsize,
        n_tensors=len(inputs),
        path_seconds=path_seconds,
        n_slices=n_slices,
        extra={"path": name},
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
