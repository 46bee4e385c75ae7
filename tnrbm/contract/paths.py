"""Contraction paths: the finders tnrbm tries, and the :class:`PathCache` that keeps what they found.

A path finder takes ``(inputs, output, size_dict, keys)`` and returns a cotengra ``ContractionTree``
or None (not applicable). :data:`PATH_FINDERS` is the registry (in the manner of opt_einsum's path
registry); :func:`register_path_finder` adds one, and :func:`find_tree` keeps the best tree by
``flops + 64 * largest intermediate``. Found trees are kept in a :class:`PathCache` by the hash of the
contraction and the seed, so the same network shape is planned once.

The search is seeded (``seed``, default :data:`DEFAULT_SEED`): the random greedy trials draw their
parameters and their Gumbel noise from ``numpy.random.default_rng(seed)``, and the best tree of small
networks is then improved by cotengra's deterministic subtree reconfiguration. The same contraction is
therefore planned to the same tree, with the same flops, in every process (before 0.4 the trials were
unseeded: one m = 12 Gram network was planned at 1.2e9 to 4.7e9 multiply-adds in different processes).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import math
import warnings
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, cast

import cotengra as ctg
import numpy as np
from cotengra.hyperoptimizers.hyper import get_default_hq_methods
from cotengra.pathfinders.path_basic import get_optimize_greedy, ssa_to_linear

from ..errors import InvalidParameterError
from ..registry import Registry, check_callable
from ..validation import check_int

__all__ = [
    "PathCache",
    "DEFAULT_PATH_CACHE",
    "PATH_FINDERS",
    "DEFAULT_SEED",
    "check_seed",
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
#: random greedy trials on a small network (measured: 0.08 s for the 48 tensors of an m = 12 Gram network)
_TRIALS = 64
#: a contraction below this many multiply-adds is not worth more than 8 trials (or a reconfiguration)
_CHEAP = 1e7
#: the seed of every path search when none is given: the same plan in every process
DEFAULT_SEED = 0


def check_seed(seed: object) -> int:
    """The seed of a path search: ``DEFAULT_SEED`` for None, else a non-negative int (an
    :class:`~tnrbm.errors.InvalidParameterError` naming ``seed`` otherwise).

    Examples
    --------
    >>> check_seed(None), check_seed(7)
    (0, 7)
    """
    if seed is None:
        return DEFAULT_SEED
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InvalidParameterError(
            f"seed must be None or a non-negative int (the seed of the contraction path search); got {seed!r}"
        )
    return int(seed)


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
def path_optimizer(max_repeats: int = 1, seed: int = DEFAULT_SEED) -> ctg.ReusableHyperOptimizer:
    """A caching hyper-optimizer of cotengra with greedy trials (cotengrust's Rust greedy when installed).

    ``seed`` seeds the sampling of the trials' parameters; cotengra's greedy trials themselves draw
    unseeded noise, so :func:`find_tree` no longer uses this optimizer (kept for callers).

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
        seed=seed,
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


def _random_greedy(
    inputs: list, output: tuple, size_dict: dict, keys: Sequence[float] | None, seed: int = DEFAULT_SEED
) -> Any:
    """The best of up to :data:`_TRIALS` greedy trees with random cost weights, size jitter and Gumbel
    noise, every draw from ``numpy.random.default_rng(seed)`` (cotengrust's greedy takes the noise's seed).
    After 8 trials a contraction of under :data:`_CHEAP` multiply-adds stops searching."""
    if len(inputs) > _SMALL_NETWORK:
        return None
    symbol = {ix: ctg.get_symbol(k) for k, ix in enumerate(size_dict)}  # the Rust greedy wants characters
    terms = [tuple(symbol[ix] for ix in term) for term in inputs]
    out = tuple(symbol[ix] for ix in output)
    greedy = get_optimize_greedy()
    rng = np.random.default_rng(seed)
    best, best_score = None, math.inf
    for trial in range(_TRIALS if len(inputs) <= 100 else _TRIALS // 2):
        if trial == 8 and best is not None and best.total_flops() < _CHEAP:
            break
        temperature = 2.0 ** rng.uniform(-10.0, 0.0)
        costmod = rng.uniform(0.1, 4.0)
        strength = 2.0 ** rng.uniform(-10.0, 0.0)
        jittered = {symbol[ix]: d * (1.0 + strength * rng.exponential()) for ix, d in size_dict.items()}
        noise_seed = int(rng.integers(2**31))
        try:  # a failed trial leaves the others
            ssa = greedy(terms, out, jittered, costmod=costmod, temperature=temperature, seed=noise_seed, use_ssa=True)
            tree = ctg.ContractionTree.from_path(
                terms, out, {symbol[ix]: d for ix, d in size_dict.items()}, ssa_path=ssa
            )
        except (KeyError, ValueError, RuntimeError):
            continue
        if _score(tree) < best_score:
            best, best_score, best_ssa = tree, _score(tree), ssa
    if best is None:
        return None
    return ctg.array_contract_tree(inputs, output, size_dict, optimize=ssa_to_linear(best_ssa, len(inputs)))


def _sweep(inputs: list, output: tuple, size_dict: dict, keys: Sequence[float] | None) -> Any:
    if keys is None:
        return None
    return ctg.array_contract_tree(
        inputs, output, size_dict, optimize=ssa_to_linear(sequential_path(keys), len(inputs))
    )


#: name -> finder; :func:`find_tree` tries them all and keeps the best tree
PATH_FINDERS: Registry[Finder] = Registry(
    "path finder", {"greedy": _greedy, "random-greedy": _random_greedy, "sweep": _sweep}, check=check_callable("finder")
)


def register_path_finder(name: str, finder: Finder, *, replace: bool = False) -> None:
    """Add a path finder ``finder(inputs, output, size_dict, keys) -> ContractionTree | None``.

    A finder that takes a ``seed`` keyword is given the search's seed; a random finder without one makes
    the plans differ between processes.

    Examples
    --------
    A taken name is refused unless ``replace=True``; ``PATH_FINDERS.unregister(name)`` removes one.

    >>> register_path_finder("greedy-again", PATH_FINDERS["greedy"])
    >>> del PATH_FINDERS["greedy-again"]
    """
    PATH_FINDERS.register(name, finder, replace=replace)


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


def _takes_seed(finder: Finder) -> bool:
    try:
        return "seed" in inspect.signature(finder).parameters
    except (TypeError, ValueError):
        return False


def _reconfigured(tree: Any) -> Any:
    """``tree`` improved by cotengra's subtree reconfiguration (deterministic) on a small network whose
    contraction is not trivial; ``tree`` itself when that does not lower :func:`_score`."""
    if tree.N > _SMALL_NETWORK or tree.N < 3 or tree.total_flops() < _CHEAP:
        return tree
    try:
        better = tree.subtree_reconfigure(minimize="combo-64")
    except (KeyError, ValueError, RuntimeError):
        return tree
    return better if _score(better) < _score(tree) else tree


def find_tree(
    inputs: list,
    output: tuple,
    size_dict: dict,
    keys: Sequence[float] | None = None,
    cache: PathCache | None = None,
    seed: int | None = None,
) -> tuple[Any, str, tuple[float, float]]:
    """The best tree of the registered finders, its finder's name and its sizes; cached.

    The search is seeded (``seed``; None: :data:`DEFAULT_SEED`), so the same contraction gets the same
    tree in every process; the cache keys on the seed too.

    Examples
    --------
    >>> tree, name, sizes = find_tree([("a", "b"), ("b", "c")], ("a", "c"), {"a": 2, "b": 3, "c": 2})
    >>> sizes
    (4.0, 16.0)
    """
    cache = DEFAULT_PATH_CACHE if cache is None else cache
    seed = check_seed(seed)
    # the exact contraction, index order within every term included: a tree is reused with its compiled
    # contractor, which depends on the axis order (cotengra's hash_contraction sorts each term's indices,
    # so two contractions of transposed tensors would share a tree and give transposed results)
    key = (_contraction_key(inputs, output, size_dict), seed)
    if keys is not None:
        key = (key, hash(tuple(keys)))
    hit = cache.get(key)
    if hit is not None:
        tree, name, sizes = hit
        return tree, name + " (cached)", sizes
    trees: dict[str, Any] = {}
    for name, finder in PATH_FINDERS.items():
        if name == "sweep" and "greedy" in trees:  # the sweep only where greedy went wide
            out_size = math.prod(size_dict[ix] for ix in output)
            if trees["greedy"].max_size() <= 64 * out_size:
                continue
        tree = (
            cast(Callable[..., Any], finder)(inputs, output, size_dict, keys, seed=seed)
            if _takes_seed(finder)
            else finder(inputs, output, size_dict, keys)
        )
        if tree is not None:
            trees[name] = tree
    name = min(trees, key=lambda k: _score(trees[k]))
    tree = _reconfigured(trees[name])
    if tree is not trees[name]:
        name += "+reconf"
    sizes = tree_sizes(tree)
    cache.put(key, (tree, name, sizes))
    return tree, name, sizes
