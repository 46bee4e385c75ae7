"""``entanglement(state, region)``: exact entropies of a boundary region by the registered methods.

Entropies are in nats unless ``base`` is given (``base=2``: bits). The methods live in the registry
:data:`~tnrbm.entropy.methods.METHODS` (:mod:`~tnrbm.entropy.dense`, :mod:`~tnrbm.entropy.cut`,
:mod:`~tnrbm.entropy.mps`); ``"auto"`` runs the cheapest by estimated cost.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np

from ..bulk import cut_from_surface, min_cut
from ..errors import InvalidParameterError, MemoryLimitError
from ..interop import as_network, is_netket_object
from ..network import BoltzmannNetwork
from ..network.base import check_bookkeeping
from ..validation import check_base, check_choice, check_region, check_renyi, memory_limit
from .dense import as_state_vector
from .methods import AUTO_METHODS, METHODS, NotApplicableError, Plan, Problem, check_plan_memory, method_names
from .result import EntanglementResult
from .spectrum import entropies_from_spectrum

__all__ = ["entanglement", "make_problem", "SMALL_DENSE"]

#: up to this many spins, ``auto`` takes the dense method whenever it fits (measured: at N = 10-12
#: the cut method is 1.5-4x faster on local chains, see docs/theory/memory.md)
SMALL_DENSE = 8

#: the package logger: INFO the chosen method and its estimate, DEBUG the path search and slicing
logger = logging.getLogger("tnrbm")


def entanglement(
    state: BoltzmannNetwork | np.ndarray,
    region: Any,
    method: str = "auto",
    renyi: Any = (2,),
    base: float | None = None,
    max_memory: int | str | None = None,
    surface: Any = None,
    slicing: bool | str = False,
    backend: str | None = None,
    parallel: Any = None,
    progress: Any = None,
) -> EntanglementResult:
    """The entanglement entropy of ``region`` (a set of visible indices) in a pure state.

    Parameters
    ----------
    state
        An :class:`~tnrbm.RBM`, a :class:`~tnrbm.DBM`, a NetKet variational state or ``(model, params)``
        pair (converted by :func:`tnrbm.interop.as_network`), or a state vector of length ``2**N`` in
        kron order (normalized here).
    region
        The visible units of A (any subset, contiguous or not).
    method
        A name in :func:`~tnrbm.entropy.methods.method_names` (the registry
        :data:`~tnrbm.entropy.methods.METHODS`; :func:`~tnrbm.entropy.methods.register_method` adds one).
        ``"dense"``: the state vector and its SVD (only while ``2**N`` fits).
        ``"cut"``: condition on the ``2**m`` values of the units of the minimal cut
        (:func:`tnrbm.bulk.min_cut`), contract each side with its complex conjugate into a
        ``2**m x 2**m`` Gram matrix ``G_A = X^dagger X``, ``G_B = Y^dagger Y`` (``psi = X Y^T``) and
        take the spectrum of ``G_A^{1/2} G_B^T G_A^{1/2}``; the cost grows with ``4**m`` and the
        contraction width, not with ``2**N``.
        ``"mps"``: the exact MPS (:func:`tnrbm.mps.exact_mps`) in a site order where the region comes
        first (for chain-ordered networks and prefix, suffix or ring-contiguous regions).
        ``"auto"``: the cheapest by estimated cost of the methods registered with ``auto=True`` (recorded in
        ``result.method``, the compared costs in ``result.extra["costs"]``); for ``N <= SMALL_DENSE`` (8) the dense
        method whenever it fits.
    renyi
        Renyi orders to report besides the von Neumann entropy (``float("inf")`` allowed).
    base
        Logarithm base of the entropies: None for nats, 2 for bits.
    max_memory
        Limit for the dense vector, the largest contraction intermediate or the MPS: bytes or a size
        string such as ``"4GiB"`` (default: a quarter of the available memory). Beyond it: :class:`~tnrbm.errors.MemoryLimitError`
        with the estimate, before anything big is allocated.
    surface
        For ``method="cut"``: the units ``(layer, index)`` to condition on instead of the minimal cut
        (any set separating the region from its complement; the bound is then ``len(surface) ln 2``).
    slicing
        For ``method="cut"``: slice a contraction that would exceed ``max_memory`` (slower, smaller):
        over output indices (blocks of the Gram matrices) when the Gram matrix is the largest tensor;
        ``"inner"`` or ``"outer"`` forces cotengra's inner slicing or the output blocks.
    backend
        For ``method="cut"``: the array library of the contractions and the spectrum, a name in
        :data:`tnrbm.contract.BACKENDS` (``"numpy"`` default, ``"torch"``, ``"jax"``, ``"cupy"``).
    parallel
        For ``method="cut"``: where the two Gram contractions run as two jobs, or their slices when
        sliced (None serial, ``"threads"``, ``"dask"``, a ``concurrent.futures`` executor or a
        ``dask.distributed.Client``; see :func:`tnrbm.contract.run_jobs`). Many regions at once:
        :func:`~tnrbm.entropy.batch.entanglement_many`.
    progress
        Progress per slice: True for a tqdm bar, or a callable ``progress(done, total)``.

    Returns
    -------
    EntanglementResult
        With ``cut`` (the :class:`~tnrbm.bulk.Cut`; its ``size`` m and ``bound``), ``saturation``
        ``= S / bound``, the estimated ``flops`` and peak ``memory`` in bytes, and ``clipped``.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> bell = np.array([1, 0, 0, 1]) / np.sqrt(2)
    >>> res = tnrbm.entanglement(bell, [0])
    >>> round(float(res.entropy / np.log(2)), 12)
    1.0
    >>> chain = tnrbm.models.local_chain(40, radius=1, complex=True, seed=0)
    >>> res = tnrbm.entanglement(chain, range(20), method="cut")
    >>> res.cut.size, res.method, bool(0 < res.saturation <= 1)
    (4, 'cut', True)
    """
    t0 = time.perf_counter()
    check_choice(method, "method", method_names())
    orders = check_renyi(renyi)
    base = check_base(base)
    if not (isinstance(slicing, (bool, np.bool_)) or (isinstance(slicing, str) and slicing in ("inner", "outer"))):
        raise InvalidParameterError(f"slicing must be True, False, 'inner' or 'outer'; got {slicing!r}")
    problem = make_problem(state, region, method, memory_limit(max_memory), surface, slicing)
    problem.backend, problem.parallel, problem.progress = backend, parallel, progress
    if problem.network is not None and len(problem.region) == problem.n and surface is None:
        extra = {"trivial": "the region is the whole system of a pure state"}
        return _result(problem, "cut" if method == "auto" else method, np.array([1.0]), orders, base, t0, extra=extra)
    plan, costs = _choose(problem, method)
    _log_plan(problem, plan, costs)
    p, run_extra = plan.run()
    extra = {**plan.extra, **{k: v for k, v in run_extra.items() if k != "clipped"}}
    if costs:
        extra["costs"] = costs
    res = _result(problem, plan.method, np.sort(p)[::-1], orders, base, t0, plan=plan, extra=extra)
    res.clipped = float(run_extra.get("clipped", 0.0))
    return res


def make_problem(state: Any, region: Any, method: str, limit: int, surface: Any, slicing: Any) -> Problem:
    """The :class:`~tnrbm.entropy.methods.Problem` of ``state`` and ``region``: the state, region and surface
    checked, the cut found (``limit`` in bytes)."""
    if is_netket_object(state):
        state = as_network(state)
    if not isinstance(state, BoltzmannNetwork):
        if surface is not None:
            raise InvalidParameterError("surface is only used with a network and method='cut'; got a state vector")
        psi, n = as_state_vector(state)
        return Problem(None, psi, n, check_region(region, n), None, False, limit, slicing)
    n = state.n_visible
    region_t = check_region(region, n)
    check_bookkeeping(state, "entanglement")
    if surface is not None and method not in ("cut", "auto"):
        raise InvalidParameterError(f"surface is only used with method='cut'; got method={method!r}")
    cut = min_cut(state, region_t) if surface is None else cut_from_surface(state, region_t, surface)
    return Problem(state, None, n, region_t, cut, surface is not None, limit, slicing)


_problem = make_problem  # the name before 0.3 (private)


def _choose(problem: Problem, method: str) -> tuple[Plan, dict]:
    """The plan of ``method``, or for ``"auto"`` the cheapest plan of the auto methods that fit."""
    if method != "auto":
        return check_plan_memory(METHODS[method](problem), problem), {}
    plans: dict[str, Plan] = {}
    refusals: dict[str, MemoryLimitError] = {}
    for name in sorted(AUTO_METHODS, key=lambda k: k != "dense"):  # dense first: it may settle it
        if name != "dense" and "dense" in plans and problem.n <= SMALL_DENSE:
            break  # a dense vector of at most 2**SMALL_DENSE entries: nothing is cheaper
        try:
            plans[name] = check_plan_memory(METHODS[name](problem), problem)
        except NotApplicableError:
            continue
        except MemoryLimitError as err:
            refusals[name] = err
    if not plans:
        raise refusals.get("cut") or next(iter(refusals.values()))
    best = min(plans, key=lambda k: plans[k].cost)
    return plans[best], {k: pl.cost for k, pl in plans.items()}


def _log_plan(problem: Problem, plan: Plan, costs: dict) -> None:
    """Log the chosen method (INFO) and the contraction paths and slices (DEBUG) to the "tnrbm" logger."""
    m = None if problem.cut is None else problem.cut.size
    logger.info(
        "entanglement: method=%s for N=%d, |A|=%d, m=%s: %.3g flops, peak %.3g bytes%s",
        plan.method,
        problem.n,
        len(problem.region),
        m,
        plan.flops,
        plan.memory,
        f" (auto costs: {', '.join(f'{k}={v:.3g}' for k, v in costs.items())})" if costs else "",
    )
    if "paths" in plan.extra:
        logger.debug(
            "entanglement: contraction paths %s (search %.3f s), slices %s",
            plan.extra.get("paths"),
            plan.extra.get("path_seconds", 0.0),
            plan.extra.get("n_slices"),
        )


def _result(
    problem: Problem,
    method: str,
    p: np.ndarray,
    orders: tuple,
    base: Any,
    t0: float,
    plan: Any = None,
    extra: Any = None,
) -> EntanglementResult:
    s, r = entropies_from_spectrum(p, orders, base, tol=1e-12)
    return EntanglementResult(
        entropy=s,
        renyi=r,
        spectrum=p,
        method=method,
        region=problem.region,
        n_visible=problem.n,
        cut=problem.cut,
        base=base,
        flops=0.0 if plan is None else float(plan.flops),
        memory=0.0 if plan is None else float(plan.memory),
        seconds=time.perf_counter() - t0,
        extra=extra or {},
    )
