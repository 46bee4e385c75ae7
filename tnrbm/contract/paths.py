"""Contraction paths: the finders tnrbm tries, and the :class:`PathCache` that keeps what they found.

A path finder takes ``(inputs, output, size_dict, keys)`` and returns a cotengra ``ContractionTree``
or None (not applicable). :data:`PATH_FINDERS` is the registry (in the manner of opt_einsum's path
registry); :func:`register_path_finder` adds one, and :func:`find_tree` keeps the best tree by
``flops + 64 * largest intermediate``. Found trees are kept in a :class:`PathCache` by the hash of the
contraction, so the same network shape is planned once.
"""

from __future__ import annotations

import functools
import hashlib
import math
import warnings
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import cotengra as ctg
from cotengra.hyperoptimizers.hyper import get_default_hq_methods
from cotengra.pathfinders.path_basic import ssa_to_linear

from ..errors import InvalidParameterError
from ..validation import check_int

__all__ = [
    "PathCache",
    "DEFAULT_PATH_CACHE",
    "PATH_FINDERS",
    "register_path_finder",
    "find_tree",
    "path_optimizer",
    "sequential_path",
    "tree_sizes",
]


def _silence_kahypar_warning() -> None:
    """cotengra warns once, the first time its default hyper-optimizer is built, that the optional
    ``kahypar`` is missing (it then uses its own ``labels`` partitioner). tnrbm works without it, so
    the warning is settled here, once, and no other warning is touched."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Couldn't import `kahypar`")
        get_default_hq_methods()  # lru-cached: later calls do not warn


_silence_kahypar_warning()

#: below this many tensors the path search samples several greedy trees; above it, one
_SMALL_NETWORK = 300


class PathCache:
    """Contraction trees (with their sizes and the finder's name) by the hash of the contraction.

    A tree is reused as it is, with its compiled contractor. The oldest entry goes first once
    ``maxsize`` trees are held.

    Examples
    --------
    >>> cache = PathCache(maxsize=2)
    >>> cache.put("a", 1); cache.put("b", 2); cache.put("c", 3)
    >>> cache.get("a") is None, cache.get("c"), len(cache)
    (True, 3, 2)
    """

    def __init__(self, maxsize: int = 64) -> None:
        self.maxsize = check_int(maxsize, "maxsize", minimum=1)
        self._store: OrderedDict[Hashable, Any] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any:
        """The entry for ``key``, or None."""
        hit = self._store.get(key)
        if hit is None:
            self.misses += 1
        else:
            self.hits += 1
        return hit

    def put(self, key: Hashable, value: Any) -> None:
        """Keep ``value`` for ``key``, dropping the oldest entry when full."""
        self._store[key] = value
        while len(self._store) > self.maxsize:
            self._store.popitem(last=False)

    def clear(self) -> None:
        """Forget every tree."""
        self._store.clear()

    def __len__(self) -> int:
        return len(self._store)

    def __repr__(self) -> str:
        return f"PathCache({len(self)}/{self.maxsize} trees, hits={self.hits}, misses={self.misses})"


#: the cache every plan uses unless given another
DEFAULT_PATH_CACHE = PathCache()


@functools.lru_cache(maxsize=4)
def path_optimizer(max_repeats: int = 1) -> ctg.ReusableHyperOptimizer:
    """A caching hyper-optimizer of cotengra with greedy trials (cotengrust's Rust greedy when installed).

    Examples
    --------
    >>> path_optimizer() is path_optimizer()
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


Finder = Callable[[list, tuple, dict, "Sequence[float] | None"], Any]


def _greedy(inputs: list, output: tuple, size_dict: dict, keys: Sequence[float] | None) -> Any:
    # array_contract_tree maps the index names to single characters, which the contractor needs
    return ctg.array_contract_tree(inputs, output, size_dict, optimize="greedy")


def _hyper_greedy(inputs: list, output: tuple, size_dict: dict, keys: Sequence[float] | None) -> Any:
    if len(inputs) > _SMALL_NETWORK:
        return None
    try:  # a failed greedy trial (cotengra warns, then has no tree) leaves the other finders
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ctg.array_contract_tree(inputs, output, size_dict, optimize=path_optimizer(8))
    except (KeyError, ValueError, RuntimeError):
        return None


def _sweep(inputs: list, output: tuple, size_dict: dict, keys: Sequence[float] | None) -> Any:
    if keys is None:
        return None
    return ctg.array_contract_tree(
        inputs, output, size_dict, optimize=ssa_to_linear(sequential_path(keys), len(inputs))
    )


#: name -> finder; :func:`find_tree` tries them all and keeps the best tree
PATH_FINDERS: dict[str, Finder] = {"greedy": _greedy, "hyper-greedy": _hyper_greedy, "sweep": _sweep}


def register_path_finder(name: str, finder: Finder) -> None:
    """Add a path finder ``finder(inputs, output, size_dict, keys) -> ContractionTree | None``.

    Examples
    --------
    >>> register_path_finder("greedy-again", PATH_FINDERS["greedy"])
    >>> del PATH_FINDERS["greedy-again"]
    """
    if not callable(finder):
        raise InvalidParameterError(f"finder must be callable; got {finder!r}")
    PATH_FINDERS[str(name)] = finder


def _score(tree: Any) -> float:
    return float(tree.total_flops()) + 64.0 * float(tree.max_size())


def tree_sizes(tree: Any) -> tuple[float, float]:
    """``(largest intermediate, peak)`` of a tree, in entries (the stacked output of slices included)."""
    if tree.N == 1:
        size = tree.get_size(tree.root)
        return size, 2 * size
    largest = tree.max_size()
    peak = tree.peak_size()
    if tree.sliced_inds:  # the traversal above sees one slice; the output is stacked over slices
        out = math.prod(tree.size_dict[ix] for ix in tree.output) if tree.output else 1
        peak = peak + out
    return float(largest), float(peak)


def _contraction_key(inputs: list, output: tuple, size_dict: dict) -> Hashable:
    """A key that identifies the contraction exactly (terms in order, each term's indices in order)."""
    sizes = tuple(sorted((str(ix), int(d)) for ix, d in size_dict.items()))
    return hashlib.sha1(repr((tuple(map(tuple, inputs)), tuple(output), sizes)).encode()).hexdigest()


def find_tree(
    inputs: list, output: tuple, size_dict: dict, keys: Sequence[float] | None = None, cache: PathCache | None = None
) -> tuple[Any, str, tuple[float, float]]:
    """The best tree of the registered finders, its finder's name and its sizes; cached.

    Examples
    --------
    >>> tree, name, sizes = find_tree([("a", "b"), ("b", "c")], ("a", "c"), {"a": 2, "b": 3, "c": 2})
    >>> sizes
    (4.0, 16.0)
    """
    cache = DEFAULT_PATH_CACHE if cache is None else cache
    # the exact contraction, index order within every term included: a tree is reused with its compiled
    # contractor, which depends on the axis order (cotengra's hash_contraction sorts each term's indices,
    # so two contractions of transposed tensors would share a tree and give transposed results)
    key = _contraction_key(inputs, output, size_dict)
    if keys is not None:
        key = (key, hash(tuple(keys)))
    hit = cache.get(key)
    if hit is not None:
        tree, name, sizes = hit
        return tree, name + " (cached)", sizes
    trees = {}
    for name, finder in PATH_FINDERS.items():
        if name == "sweep" and "greedy" in trees:  # the sweep only where greedy went wide
            out_size = math.prod(size_dict[ix] for ix in output)
            if trees["greedy"].max_size() <= 64 * out_size:
                continue
        tree = finder(inputs, output, size_dict, keys)
        if tree is not None:
            trees[name] = tree
    name = min(trees, key=lambda k: _score(trees[k]))
    tree = trees[name]
    sizes = tree_sizes(tree)
    cache.put(key, (tree, name, sizes))
    return tree, name, sizes
