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
from ..validation import check_choice
from .compute import entanglement
from .renyi2 import PurityResult, purity
from .result import EntanglementResult

__all__ = ["entanglement_many", "QUANTITIES"]

#: what :func:`entanglement_many` computes per region
QUANTITIES = {"entanglement": entanglement, "purity": purity}


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
        Passed to every call (``method``, ``renyi``, ``max_memory``, ``backend``, ``seed`` ...).

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
    regions = list(regions)
    if not regions:
        raise InvalidParameterError("regions must hold at least one region; got an empty list")
    if "region" in options or "parallel" in options:
        raise InvalidParameterError("regions and parallel are arguments of entanglement_many, not options")
    check_choice(quantity, "quantity", tuple(QUANTITIES))
    return run_jobs(_one, (state, quantity, options), regions, parallel=parallel, progress=progress)
