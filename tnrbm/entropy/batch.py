"""Many independent entanglement computations at once: many regions of one state, run anywhere.

:func:`entanglement_many` calls :func:`~tnrbm.entropy.entanglement` once per region, serially,
on threads, on any ``concurrent.futures`` executor or on dask.distributed
(:func:`tnrbm.contract.run_jobs`); the results come back in the order of the regions and equal the
serial ones.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
from collections.abc import Callable, Iterable
from typing import Any

from ..contract import run_jobs
from ..errors import InvalidParameterError
from ..validation import check_choice, memory_limit
from .compute import entanglement
from .renyi2 import PurityResult, purity
from .result import EntanglementResult

__all__ = ["entanglement_many", "QUANTITIES"]

#: what :func:`entanglement_many` computes per region
QUANTITIES: dict[str, Callable[..., EntanglementResult | PurityResult]] = {
    "entanglement": entanglement,
    "purity": purity,
}


def _one(shared: tuple, region: Any) -> EntanglementResult | PurityResult:
    state, quantity, options = shared
    return QUANTITIES[quantity](state, region, **options)


def entanglement_many(
    state: Any,
    regions: Iterable[Any],
    parallel: Any = None,
    progress: Any = None,
    quantity: str = "entanglement",
    **options: Any,
) -> list[EntanglementResult] | list[PurityResult]:
    """:func:`~tnrbm.entropy.entanglement` (or :func:`~tnrbm.entropy.purity`) of ``state`` for every
    region, one job per region.

    Parameters
    ----------
    state
        Anything :func:`~tnrbm.entropy.entanglement` takes (sent once to each dask worker).
    regions
        The regions (each a set of visible indices).
    parallel
        None (serial), ``"threads"``, ``"dask"`` (a 2-worker ``LocalCluster`` for this call), a
        ``concurrent.futures`` executor or a ``dask.distributed.Client`` (see :func:`tnrbm.contract.run_jobs`).
    progress
        True for a tqdm bar, or a callable ``progress(done, total)``, called as regions finish.
    quantity
        ``"entanglement"`` (:func:`~tnrbm.entropy.entanglement`) or ``"purity"``
        (:func:`~tnrbm.entropy.purity`: ``Tr rho_A^2`` without the spectrum).
    **options
        Passed to every call (``method``, ``renyi``, ``max_memory``, ``backend``, ``seed`` ...). ``max_memory``
        is the limit of this process: jobs on threads each get an equal share of it (on dask workers, it
        is each worker's).

    Returns
    -------
    list of EntanglementResult or PurityResult
        In the order of ``regions``.

    Examples
    --------
    >>> import tnrbm
    >>> chain = tnrbm.models.local_chain(12, radius=1, seed=0)
    >>> results = entanglement_many(chain, [range(k) for k in (2, 4, 6)], parallel="threads", method="cut")
    >>> [r.cut.size for r in results]
    [2, 4, 4]
    """
    if isinstance(regions, (str, bytes, dict)) or not isinstance(regions, Iterable):
        raise InvalidParameterError(
            f"regions must be a list of regions (each a collection of visible indices); got {type(regions).__name__} "
            f"{str(regions)[:60]!r}"
        )
    regions = list(regions)
    if not regions:
        raise InvalidParameterError("regions must hold at least one region; got an empty list")
    if "region" in options or "parallel" in options:
        raise InvalidParameterError("regions and parallel are arguments of entanglement_many, not options")
    check_choice(quantity, "quantity", tuple(QUANTITIES))
    running = min(len(regions), _threads(parallel))
    if running > 1:  # jobs on threads share this process: each gets its share of the limit
        options = {**options, "max_memory": memory_limit(options.get("max_memory")) // running}
    return run_jobs(_one, (state, quantity, options), regions, parallel=parallel, progress=progress)


def _threads(parallel: Any) -> int:
    """How many jobs run at once in this process: ``"threads"``, a thread pool (its workers); else 1
    (serial, or other processes such as dask workers, where ``max_memory`` is each worker's)."""
    if parallel == "threads":
        return os.cpu_count() or 1
    if isinstance(parallel, cf.ThreadPoolExecutor):
        return int(getattr(parallel, "_max_workers", os.cpu_count() or 1))
    return 1
