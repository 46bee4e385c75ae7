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

from ..bulk import FLOWS, cut_from_surface, min_cut
from ..contract import check_seed
from ..errors import InvalidParameterError, MemoryLimitError
from ..network import BoltzmannNetwork
from ..network.base import check_bookkeeping
from ..validation import MaxMemory, check_base, check_choice, check_region, check_renyi, memory_limit
from .dense import as_state_vector
from .methods import METHODS, NotApplicableError, Plan, Problem, auto_methods, check_plan_memory, method_names
from .result import EntanglementResult
from .spectrum import entropies_from_spectrum

__all__ = ["entanglement", "make_problem", "plan_methods", "pick_method", "SMALL_DENSE"]

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
    max_memory: MaxMemory = None,
    surface: Any = None,
    slicing: bool | str = False,
    backend: str | None = None,
    parallel: Any = None,
    progress: Any = None,
    seed: int | None = None,
    flow: Any = "dinic",
) -> EntanglementResult:
    """The entanglement entropy of ``region`` (a set of visible indices) in a pure state.

    Parameters
    ----------
    state
        An :class:`~tnrbm.RBM`, a :class:`~tnrbm.DBM`, a NetKet variational state or ``(model, params)``
        pair (converted by :func:`tnrbm.interop.as_network`), or a state vector of length ``2**N`` in
        kron order (normalized here).
    region
        The visible units of A (any subset, contiguous or not): a collection of ints or a string such as
        ``'0:8'`` or ``'0,3,5'`` (:func:`tnrbm.validation.check_region`). The empty region and the whole
        system are legal: a pure state has S = 0 there (``m = 0``, ``saturation`` 1).
    method
        A name in :func:`~tnrbm.entropy.methods.method_names` (the registry
        :data:`~tnrbm.entropy.methods.METHODS`; :func:`~tnrbm.entropy.methods.register_method` adds one).
        ``"dense"``: the state vector and its SVD (only while ``2**N`` fits).
        ``"cut"``: condition on the ``2**m`` values of the units of the minimal cut
        (:func:`tnrbm.bulk.min_cut`), contract each side with its complex conjugate into a
        ``2**m x 2**m`` Gram matrix ``G_A = X^dagger X``, ``G_B = Y^dagger Y`` (``psi = X Y^T``) and
        take the spectrum of ``G_A^{1/2} G_B^T G_A^{1/2}``; the cost grows with ``4**m`` and the
        contraction width, not with ``2**N``.
        ``"mps"``: the exact MPS (:func:`tnrbm.tn.mps.exact_mps`) in a site order where the region comes
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
        :data:`tnrbm.contract.BACKENDS` (``"numpy"`` default, ``"torch"``, ``"jax"``, ``"cupy"``). The dense
        and mps methods run on numpy only: given another backend they refuse (``auto`` then skips them).
    parallel
        For ``method="cut"``: where the two Gram contractions run as two jobs, or their slices when
        sliced (None serial, ``"threads"``, ``"dask"``, a ``concurrent.futures`` executor or a
        ``dask.distributed.Client``; see :func:`tnrbm.contract.run_jobs`). Many regions at once:
        :func:`~tnrbm.entropy.batch.entanglement_many`.
    progress
        Progress per slice: True for a tqdm bar, or a callable ``progress(done, total)``.
    seed
        The seed of the contraction path search (None: :data:`tnrbm.contract.DEFAULT_SEED`, 0): the same
        problem is planned to the same contraction trees, with the same flops, in every process.
    flow
        The max-flow solver of the minimal cut: a name in :data:`tnrbm.bulk.FLOWS` or a callable (as
        :func:`tnrbm.bulk.min_cut`'s ``flow``). Every solver finds the same cut.

    Returns
    -------
    EntanglementResult
        With ``cut`` (the :class:`~tnrbm.bulk.Cut`; its ``size`` m and ``bound``), ``saturation``
        ``= S / bound``, the ``flops`` (multiply-adds) of the plan that ran and its peak ``memory`` in
        bytes, the ``seed`` of its path search, and ``clipped``. ``extra["estimated"]`` (cut method) holds
        the estimated multiply-adds and seconds of each stage; :func:`~tnrbm.entropy.estimate` reports the
        same plan before running it.

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
    options = {"backend": backend, "parallel": parallel, "progress": progress, "seed": check_seed(seed)}
    problem = make_problem(state, region, method, memory_limit(max_memory), surface, slicing, flow=flow, **options)
    if is_trivial(problem):
        whole = "the whole system" if problem.region else "empty"
        trivial = {"trivial": f"the region is {whole}: S = 0 for a pure state"}
        return _result(problem, "cut" if method == "auto" else method, np.array([1.0]), orders, base, t0, extra=trivial)
    plan, costs = _choose(problem, method)
    _log_plan(problem, plan, costs)
    p, run_extra = plan.run()
    extra: dict[str, Any] = {**plan.extra, **{k: v for k, v in run_extra.items() if k != "clipped"}}
    if costs:
        extra["costs"] = costs
    clipped = float(run_extra.get("clipped", 0.0))
    return _result(problem, plan.method, np.sort(p)[::-1], orders, base, t0, plan=plan, extra=extra, clipped=clipped)


def make_problem(
    state: Any,
    region: Any,
    method: str,
    limit: int,
    surface: Any,
    slicing: Any,
    flow: Any = "dinic",
    **options: Any,
) -> Problem:
    """The :class:`~tnrbm.entropy.methods.Problem` of ``state`` and ``region``: the state, region and surface
    checked, the cut found with the max-flow solver ``flow`` (``limit`` in bytes); ``options`` are the
    rest of its fields (``backend``, ``parallel``, ``progress``, ``seed``), set here once: a problem is
    frozen."""
    if not callable(flow):
        FLOWS.get(flow)  # an unknown solver is refused for state vectors too
    if not isinstance(state, BoltzmannNetwork):
        if surface is not None:
            raise InvalidParameterError("surface is only used with a network and method='cut'; got a state vector")
        psi, n = as_state_vector(state)
        return Problem(None, psi, n, check_region(region, n, allow_empty=True), None, False, limit, slicing, **options)
    n = state.n_visible
    region_t = check_region(region, n, allow_empty=True)
    check_bookkeeping(state, "entanglement")
    if surface is not None and method not in ("cut", "auto"):
        raise InvalidParameterError(f"surface is only used with method='cut'; got method={method!r}")
    cut = min_cut(state, region_t, flow=flow) if surface is None else cut_from_surface(state, region_t, surface)
    return Problem(state, None, n, region_t, cut, surface is not None, limit, slicing, **options)


_problem = make_problem  # the name before 0.3 (private)


def is_trivial(problem: Problem) -> bool:
    """Whether the region is empty or the whole system of a network given no surface (a pure state: S = 0,
    nothing to plan or contract)."""
    return problem.network is not None and len(problem.region) in (0, problem.n) and not problem.surface_given


def plan_methods(problem: Problem, names: Any, shortcut: bool = False) -> tuple[dict, dict, dict]:
    """Plan each method of ``names`` on ``problem``: ``(plans, refusals, not_applicable)`` by name (a plan,
    the :class:`~tnrbm.errors.MemoryLimitError`, the reason). :func:`entanglement` and
    :func:`~tnrbm.entropy.estimate` both plan here, so the estimate reports the plan that runs.
    ``shortcut``: once dense is planned for ``N <= SMALL_DENSE``, plan nothing else (what auto runs)."""
    plans: dict[str, Plan] = {}
    refusals: dict[str, MemoryLimitError] = {}
    skipped: dict[str, str] = {}
    for name in sorted(names, key=lambda k: k != "dense"):  # dense first: it may settle it
        if shortcut and name != "dense" and "dense" in plans and problem.n <= SMALL_DENSE:
            break  # a dense vector of at most 2**SMALL_DENSE entries: nothing is cheaper
        try:
            plans[name] = check_plan_memory(METHODS[name](problem), problem)
        except NotApplicableError as err:
            skipped[name] = str(err)
        except MemoryLimitError as err:
            refusals[name] = err
    return plans, refusals, skipped


def pick_method(plans: dict, n: int) -> str | None:
    """The method ``auto`` runs among ``plans`` (those that fit): dense for ``n <= SMALL_DENSE`` when
    planned, otherwise the least estimated seconds (:attr:`~tnrbm.entropy.methods.Plan.estimated_seconds`)."""
    if not plans:
        return None
    if "dense" in plans and n <= SMALL_DENSE:
        return "dense"
    return min(plans, key=lambda k: plans[k].estimated_seconds)


def _choose(problem: Problem, method: str) -> tuple[Plan, dict]:
    """The plan of ``method``, or for ``"auto"`` the plan of the auto methods that fit with the least
    estimated seconds (recorded, by method, in the second value)."""
    if method != "auto":
        return check_plan_memory(METHODS[method](problem), problem), {}
    plans, refusals, skipped = plan_methods(problem, auto_methods(), shortcut=True)
    best = pick_method(plans, problem.n)
    if best is None and not refusals:
        reasons = "; ".join(f"{k}: {v}" for k, v in skipped.items())
        raise NotApplicableError(f"method='auto' found no method for this problem ({reasons})")
    if best is None:
        raise refusals.get("cut") or next(iter(refusals.values()))
    return plans[best], {k: pl.estimated_seconds for k, pl in plans.items()}


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
    clipped: float = 0.0,
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
        seed=problem.seed,
        clipped=clipped,
    )
