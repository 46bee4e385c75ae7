"""``purity(state, region)``: ``Tr rho_A^2`` and the Renyi-2 entropy without the Schmidt spectrum.

The cut route contracts the two Gram matrices of the minimal cut (as ``method="cut"`` does) and takes
``Tr (G_A G_B^T)^2 / Tr(G_A G_B^T)^2`` (:func:`~tnrbm.entropy.grams.purity_from_grams`): no
``8**m`` eigen-decomposition, only the ``4**m`` contractions and at most one matrix product, and every
step is a job that :func:`tnrbm.contract.run_jobs` can send to threads or dask workers. When the Gram
matrices do not fit and the cut is made of one side's visible spins, one Gram's diagonal and the other
Gram in blocks suffice (:mod:`tnrbm.entropy.blocks`): the purity is then exact with one block in memory.
States that the cut route cannot take (state vectors, or a cut that does not fit) fall back to the spectrum of
:func:`~tnrbm.entropy.entanglement`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._numerics import nats_per_unit
from ..contract import check_seed
from ..errors import InvalidParameterError, MemoryLimitError
from ..network import BoltzmannNetwork
from ..validation import MaxMemory, check_base, check_choice, check_memory, format_limit, memory_limit
from .blocks import streamed_purity
from .compute import entanglement, make_problem
from .cut import _contract_grams, diagonal_gram, gram_blocker, gram_itemsize, gram_memory, gram_threads, plan_grams
from .grams import PURITY_ARRAYS_HELD, SPECTRUM_ARRAYS_HELD, purity_from_grams
from .methods import METHODS
from .result import RegionResult

__all__ = ["PurityResult", "purity", "purity_methods", "PURITY_METHODS"]

#: the routes :func:`purity` takes: the Gram matrices of the cut, or the spectrum (``"spectrum"``: of
#: ``entanglement(method="auto")``); the name of any other registered entanglement method takes its spectrum
PURITY_METHODS = ("auto", "cut", "spectrum")


def purity_methods() -> tuple[str, ...]:
    """The names :func:`purity` takes: :data:`PURITY_METHODS` and every registered entanglement method.

    Examples
    --------
    >>> purity_methods()
    ('auto', 'cut', 'spectrum', 'dense', 'mps')
    """
    return PURITY_METHODS + tuple(k for k in METHODS.names() if k not in PURITY_METHODS)


@dataclass(frozen=True)
class PurityResult(RegionResult):
    """``Tr rho_A^2`` of a region and its Renyi-2 entropy.

    Attributes
    ----------
    purity : float
        ``Tr rho_A^2`` (``1`` for a product state, ``2**-m`` at the bound of a cut of ``m`` units).
    renyi2 : float
        ``S_2 = -log Tr rho_A^2`` in the chosen base.
    base : float or None
        None for nats.
    method : str
        ``"cut"`` (from the Gram matrices) or ``"spectrum:<entanglement method>"``.
    region : tuple of int
        The region A.
    cut : tnrbm.bulk.Cut or None
        The minimal cut (its ``bound`` is an upper bound of ``S_2`` too).
    seconds : float
        Wall time of the call.
    memory : float
        Estimated peak bytes.
    extra : dict
        Details (``contract_seconds``, ``n_slices``).
    flops : float
        Multiply-adds of the plan that ran: the Gram contractions (every slice) and the product
        ``G_A G_B^T`` when no Gram is diagonal; for ``"spectrum:..."``, the entanglement plan's.
    seed : int or None
        The seed of the contraction path search.

    With ``n_visible``, ``m``, ``bound`` and ``trivial_bound`` of :class:`~tnrbm.entropy.result.RegionResult`,
    as :class:`~tnrbm.entropy.EntanglementResult` has them. Frozen.
    """

    purity: float
    renyi2: float

    def __repr__(self) -> str:
        return f"PurityResult(purity={self.purity:.12g}, renyi2={self.renyi2:.12g}, method={self.method!r}, m={self.m})"


def purity(
    state: BoltzmannNetwork | np.ndarray,
    region: Any,
    method: str = "auto",
    base: float | None = None,
    max_memory: MaxMemory = None,
    surface: Any = None,
    slicing: bool | str = False,
    backend: str | None = None,
    parallel: Any = None,
    progress: Any = None,
    seed: int | None = None,
    flow: Any = "dinic",
) -> PurityResult:
    """The purity ``Tr rho_A^2`` of ``region`` and the Renyi-2 entropy ``S_2 = -ln Tr rho_A^2``.

    Parameters
    ----------
    state, region, base, max_memory, surface, slicing, backend, progress, flow
        As in :func:`~tnrbm.entropy.entanglement`.
    method
        ``"cut"``: from the two Gram matrices of the minimal cut, without their spectrum (a network only).
        ``"spectrum"``: from the Schmidt spectrum of :func:`~tnrbm.entropy.entanglement` (``method="auto"``).
        ``"auto"``: ``"cut"`` for a network whose Gram matrices fit ``max_memory``, else ``"spectrum"``.
        Any other registered entanglement method (``"dense"``, ``"mps"``, a plug-in's; :func:`purity_methods`):
        from the Schmidt spectrum of that method (``result.method`` is ``"spectrum:<name>"``).
    parallel
        Where the two Gram contractions (or their slices) run: None, ``"threads"``, ``"dask"``, an
        executor or a ``dask.distributed.Client`` (:func:`tnrbm.contract.run_jobs`).
    seed
        The seed of the contraction path search (as in :func:`~tnrbm.entropy.entanglement`).

    Returns
    -------
    PurityResult

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> ghz = tnrbm.states.ghz(60)
    >>> res = purity(ghz, range(30), base=2)
    >>> round(res.purity, 12), round(res.renyi2, 12), res.method
    (0.5, 1.0, 'cut')
    >>> purity(tnrbm.states.ghz(8), range(4), method="mps").method
    'spectrum:mps'
    """
    t0 = time.perf_counter()
    check_choice(method, "method", purity_methods())
    base = check_base(base)
    limit = memory_limit(max_memory)
    seed = check_seed(seed)
    network = isinstance(state, BoltzmannNetwork)
    refused: MemoryLimitError | None = None
    if method == "cut" and not network:
        raise InvalidParameterError("method='cut' needs an RBM or a DBM (it contracts the network); got a state vector")
    if method in ("auto", "cut") and network:  # a state vector goes to the spectrum once, unchecked here
        options = {"backend": backend, "parallel": parallel, "progress": progress, "seed": seed}
        problem = make_problem(state, region, "cut", limit, surface, slicing, flow=flow, **options)
        try:
            return _from_grams(problem, base, t0)
        except MemoryLimitError as err:
            if method == "cut":
                raise
            refused = err
    options = {"max_memory": max_memory, "surface": surface, "slicing": slicing, "backend": backend, "seed": seed}
    options["method"] = method if method in METHODS else "auto"
    try:
        res = entanglement(
            state, region, renyi=(2,), base=None, progress=progress, parallel=parallel, flow=flow, **options
        )
    except MemoryLimitError as err:
        if refused is None:
            raise
        raise _refusal([refused, err], ["from the Gram matrices", "from the spectrum"]) from err
    value = float(np.sum(res.spectrum**2))
    extra = {"entanglement_method": res.method}
    memory = 0.0 if res.memory is None else res.memory
    where = {"region": res.region, "cut": res.cut, "n_visible": res.n_visible}
    return _result(value, base, f"spectrum:{res.method}", where, t0, memory, extra, float(res.flops or 0.0), seed)


def _from_grams(problem: Any, base: float | None, t0: float) -> PurityResult:
    m = problem.cut.size
    if len(problem.region) in (0, problem.n):  # empty, or the whole system of a pure state: Tr rho_A^2 = 1
        return _result(1.0, base, "cut", _where(problem), t0, 0.0, {}, seed=problem.seed)
    itemsize = gram_itemsize(problem.network)
    held = SPECTRUM_ARRAYS_HELD if diagonal_gram(problem) else PURITY_ARRAYS_HELD
    try:
        networks, plans = plan_grams(
            problem.network,
            problem.region,
            problem.cut,
            problem.max_memory,
            problem.slicing,
            arrays_held=held,
            seed=problem.seed,
        )
        memory = gram_memory(plans, m, itemsize, problem.parallel, arrays_held=held)
        what = f"the purity from the whole Gram matrices (its peak: {gram_blocker(plans, m, itemsize, held)})"
        check_memory(memory, what, problem.max_memory, "choose a smaller region or one with a smaller minimal cut")
    except MemoryLimitError as whole:
        try:  # one side's Gram diagonal, the other's in blocks (blocks.py)
            value, extra = streamed_purity(problem)
        except MemoryLimitError as streamed:
            raise _refusal([whole, streamed], ["whole", "streamed in blocks"]) from whole
        flops = float(extra.get("flops", 0.0))
        return _result(value, base, "cut", _where(problem), t0, extra["memory"], extra, flops, problem.seed)
    t1 = time.perf_counter()
    with gram_threads(plans, m):
        gram_a, gram_b = _contract_grams(plans, networks, problem)
        value = purity_from_grams(gram_a, gram_b, overwrite=True)
    extra = {"contract_seconds": time.perf_counter() - t1, "n_slices": [pl.n_slices for pl in plans]}
    flops = sum(pl.flops for pl in plans) + (0.0 if diagonal_gram(problem) else 8.0**m)
    return _result(value, base, "cut", _where(problem), t0, memory, extra, flops, problem.seed)


def _refusal(errors: list[MemoryLimitError], routes: list[str]) -> MemoryLimitError:
    """One refusal of several routes: the smallest limit that one of them would run in first, then each
    route's reason."""
    needed = min((e.needed for e in errors if e.needed is not None), default=None)
    lead = "" if needed is None else f"max_memory={format_limit(needed)!r} is the smallest limit found that runs it. "
    reasons = "; ".join(f"{route}: {err}" for route, err in zip(routes, errors))
    return MemoryLimitError(f"{lead}{reasons}", needed=needed, limit=errors[0].limit)


def _where(problem: Any) -> dict[str, Any]:
    """The region fields of a :class:`PurityResult` (``region``, ``cut``, ``n_visible``) of a problem."""
    return {"region": problem.region, "cut": problem.cut, "n_visible": problem.n}


def _result(
    value: float,
    base: Any,
    method: str,
    where: dict[str, Any],
    t0: float,
    memory: float,
    extra: dict,
    flops: float = 0.0,
    seed: int | None = None,
) -> PurityResult:
    ln_base = nats_per_unit(base)
    s2 = max(-math.log(value), 0.0) / ln_base + 0.0
    shared = {"method": method, "base": base, "seconds": time.perf_counter() - t0, "seed": seed, "extra": extra}
    return PurityResult(value, s2, flops=float(flops), memory=float(memory), **shared, **where)
