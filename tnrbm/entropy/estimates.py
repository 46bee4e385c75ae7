"""``estimate(state, region)``: what each entanglement method would cost, before anything is computed.

Every applicable method is planned by the function :func:`tnrbm.entanglement` plans with
(:func:`~tnrbm.entropy.compute.plan_methods`), with the same memory limit, slicing, surface and seed, so
the plan estimated is the plan that runs; the only difference is that a method refused for memory is
planned again without a limit, to report what it would need (``fits=False``). Nothing is contracted.

Each method's ``seconds`` is what ``method="auto"`` compares
(:attr:`~tnrbm.entropy.methods.Plan.estimated_seconds`). The cut method's comes from the plan's
contraction trees and the ``8**m`` spectrum at this machine's measured rates
(:mod:`tnrbm.entropy.calibration`: measured once per machine, cached); dense and mps keep their fitted
``(flops + overhead) / FLOPS_RATE``. Measured against estimated: ``docs/theory/memory.md``
("Estimated against measured time and flops", ``benchmarks/bench_estimates.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..contract import check_seed
from ..errors import MemoryLimitError
from ..network import BoltzmannNetwork
from ..validation import MaxMemory, check_choice, format_bytes, memory_limit
from .compute import is_trivial, make_problem, pick_method, plan_methods
from .methods import FLOPS_RATE, METHODS, NotApplicableError, Plan, auto_methods, method_names

__all__ = ["Estimate", "MethodEstimate", "estimate", "FLOPS_RATE"]

#: re-planning a refused method with this limit reports what it needs
_NO_LIMIT = 2**62


@dataclass
class MethodEstimate:
    """One method's planned cost.

    Attributes
    ----------
    method : str
    flops : float
        Multiply-adds of the plan (the cut method: its contraction trees and the spectrum), as the
        result's ``flops`` will report.
    overhead : float
        Python work, in flops-equivalent.
    memory : float
        Estimated peak bytes (measured against: ``docs/theory/memory.md``).
    seconds : float
        Estimated wall time (:attr:`~tnrbm.entropy.methods.Plan.estimated_seconds`; what ``auto`` compares).
    fits : bool
        Whether ``memory`` is within the memory limit (when False, the plan without a limit).
    stages : dict
        The cut method's estimated multiply-adds and seconds by stage (contraction, spectrum).
    """

    method: str
    flops: float
    overhead: float
    memory: float
    seconds: float
    fits: bool
    stages: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        fit = "" if self.fits else ", does not fit"
        return f"{self.method}: ~{self.seconds:.3g} s, {self.flops:.3g} flops, {format_bytes(self.memory)}{fit}"


@dataclass
class Estimate:
    """The planned costs of computing the entanglement of a region, method by method.

    Attributes
    ----------
    region : tuple of int
    n_visible : int
    m : int or None
        ``m`` of the minimal cut (None for a state vector).
    method : str or None
        The method that would run: the requested one, or for ``"auto"`` the cheapest that fits
        (None when nothing fits).
    methods : dict
        ``name -> MethodEstimate`` for every applicable method.
    max_memory : int
        The memory limit in bytes.
    not_applicable : dict
        ``name -> reason`` for the methods that cannot treat this problem.
    seed : int
        The seed of the path search the plans come from.
    trivial : bool
        The region is the whole system of a network (a pure state: S = 0, nothing to compute).
    """

    region: tuple
    n_visible: int
    m: int | None
    method: str | None
    methods: dict
    max_memory: int  # the limit in bytes the estimate was checked against
    not_applicable: dict = field(default_factory=dict)
    seed: int = 0
    trivial: bool = False

    @property
    def seconds(self) -> float | None:
        """The estimated time of the method that would run."""
        return None if self.method is None else self.methods[self.method].seconds

    @property
    def memory(self) -> float | None:
        """The estimated peak bytes of the method that would run."""
        return None if self.method is None else self.methods[self.method].memory

    def __repr__(self) -> str:
        rows = "; ".join(repr(e) for e in self.methods.values())
        return f"Estimate(N={self.n_visible}, |A|={len(self.region)}, m={self.m}, method={self.method!r}; {rows})"


def estimate(
    state: BoltzmannNetwork | Any,
    region: Any,
    method: str = "auto",
    max_memory: MaxMemory = None,
    surface: Any = None,
    slicing: bool | str = False,
    parallel: Any = None,
    seed: int | None = None,
    flow: Any = "dinic",
) -> Estimate:
    """Plan every applicable entanglement method for ``region`` and report flops, peak memory and time.

    Nothing is contracted: the minimal cut is found and the methods are planned (contraction paths,
    MPS site tensors) exactly as :func:`tnrbm.entanglement` with the same arguments plans them, so the
    flops, memory and seconds reported are those of the plan that would run.

    Parameters
    ----------
    state
        As for :func:`tnrbm.entanglement`: an RBM, a DBM, a NetKet state or a state vector.
    region
        The visible units of A (the whole system: a trivial estimate, as entanglement returns S = 0).
    method
        ``"auto"`` (every auto method; ``Estimate.method`` is the one auto would run) or one name.
    max_memory, surface, slicing, parallel, seed, flow
        As for :func:`tnrbm.entanglement` (``max_memory`` also decides ``fits``).

    Returns
    -------
    Estimate

    Examples
    --------
    >>> import tnrbm
    >>> from tnrbm.entropy import estimate
    >>> est = estimate(tnrbm.models.local_chain(400, radius=1, seed=0), range(200))
    >>> sorted(est.methods), est.m, est.method
    (['cut', 'mps'], 4, 'cut')
    >>> est.methods["dense"] if "dense" in est.methods else est.not_applicable["dense"][:32]
    'the dense state vector of 400 sp'
    """
    check_choice(method, "method", method_names())
    limit = memory_limit(max_memory)
    problem = make_problem(
        state, region, method, limit, surface, slicing, flow=flow, parallel=parallel, seed=check_seed(seed)
    )
    cut = problem.cut
    common: dict[str, Any] = {
        "region": problem.region,
        "n_visible": problem.n,
        "m": None if cut is None else int(cut.size),
    }
    if is_trivial(problem):
        name = "cut" if method == "auto" else method
        nothing = MethodEstimate(name, 0.0, 0.0, 0.0, 0.0, True)
        return Estimate(
            **common, method=name, methods={name: nothing}, max_memory=limit, seed=problem.seed, trivial=True
        )
    names = auto_methods() if method == "auto" else [method]
    plans, refusals, skipped = plan_methods(problem, names)
    chosen = pick_method(plans, problem.n) if method == "auto" else (method if method in plans else None)
    found = {name: _method_estimate(plan, limit) for name, plan in plans.items()}
    unlimited = replace(problem, max_memory=_NO_LIMIT)
    for name in refusals:  # what a refused method would need
        try:
            found[name] = _method_estimate(METHODS[name](unlimited), 0)
        except (NotApplicableError, MemoryLimitError, OverflowError) as err:
            skipped[name] = str(err)
    ordered = {k: found[k] for k in names if k in found}
    return Estimate(
        **common, method=chosen, methods=ordered, max_memory=limit, not_applicable=skipped, seed=problem.seed
    )


def _method_estimate(plan: Plan, limit: float) -> MethodEstimate:
    """The estimate of ``plan``; it fits when its memory is within ``limit`` (0: a refused plan)."""
    stages = dict(plan.extra.get("estimated", {}))
    memory = float(plan.memory)
    fits = 0 < limit and memory <= limit
    return MethodEstimate(
        plan.method, float(plan.flops), float(plan.overhead), memory, plan.estimated_seconds, fits, stages
    )
