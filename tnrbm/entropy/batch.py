"""Many independent entanglement computations at once: many regions of one state, run anywhere.

:func:`entanglement_many` calls :func:`~tnrbm.entropy.entanglement` once per region, serially,
on threads, on any ``concurrent.futures`` executor or on dask.distributed
(:func:`tnrbm.contract.run_jobs`); the results come back in the order of the regions and equal the
serial ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..contract import run_jobs
from ..errors import InvalidParameterError
from .compute import entanglement
from .result import EntanglementResult

__all__ = ["entanglement_many"]


def _one(shared: tuple, region: Any) -> EntanglementResult:
    state, options = shared
    return entanglement(state, region, **options)


def entanglement_many(
    state: Any, regions: Iterable[Any], parallel: Any = None, progress: Any = None, **options: Any
) -> list[EntanglementResult]:
    """:func:`~tnrbm.entropy.entanglement` of ``state`` for every region, one job per region.

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
    **options
        Passed to every :func:`~tnrbm.entropy.entanglement` call (``method``, ``renyi``,
        ``max_memory``, ``backend`` ...).

    Returns
    -------
    list of EntanglementResult
        In the order of ``regions``.

    Examples
    --------
    >>> import tnrbm
    >>> chain = tnrbm.models.local_chain(12, radius=1, seed=0)
    >>> results = entanglement_many(chain, [range(k) for k in (2, 4, 6)], parallel="threads", method="cut")
    >>> [r.cut.size for r in results]
    [2, 4, 4]
    """
    regions = list(regions)
    if not regions:
        raise InvalidParameterError("regions must hold at least one region; got an empty list")
    if "region" in options or "parallel" in options:
        raise InvalidParameterError("regions and parallel are arguments of entanglement_many, not options")
    return run_jobs(_one, (state, options), regions, parallel=parallel, progress=progress)
