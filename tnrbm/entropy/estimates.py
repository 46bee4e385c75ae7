"""``estimate(state, region)``: what each entanglement method would cost, before anything is computed.

Every applicable method is planned (the minimal cut, the contraction paths of the cut method, the
site tensors of the MPS: nothing is contracted) with no memory limit, so a method that would be
refused still reports its needs. Each method's estimated time is ``cost / FLOPS_RATE`` where
``cost = flops + overhead`` is what ``method="auto"`` compares (:attr:`~tnrbm.entropy.methods.Plan.cost`).

Calibration of :data:`FLOPS_RATE`: ``benchmarks/bench_auto.py`` times the three methods (best of 5
warm calls) on a grid of 17 small networks (rings N = 8-16 with radius 1 and 2, an open chain, 2D
lattices 3 x 3 to 4 x 4, random RBMs and a DBM) on the 2-core development machine shared with other
jobs; the median of ``seconds / cost`` over the cases with ``cost > 1e7`` was 1.1e-10 s (range of the
per-method overheads fitted on the same grid: ``docs/theory/memory.md``). Expect the times to be right
within a factor of about 3 on a similar machine: they are for ordering and planning, not promises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import MemoryLimitError
from ..network import BoltzmannNetwork
from ..validation import check_choice, format_bytes, memory_limit
from .compute import SMALL_DENSE, make_problem
from .methods import AUTO_METHODS, METHODS, NotApplicableError, method_names

__all__ = ["Estimate", "MethodEstimate", "estimate", "FLOPS_RATE"]

#: cost units (flops + overhead, as ``auto`` compares them) per second, measured (module docstring)
FLOPS_RATE = 1.0e10
#: planning with this limit never refuses: the estimate reports what a method needs
_NO_LIMIT = 2**62


@dataclass
class MethodEstimate:
    """One method's planned cost.

    Attributes
    ----------
    method : str
    flops : float
        Estimated scalar operations.
    overhead : float
        Python work, in flops-equivalent (what ``auto`` adds).
    memory : float
        Estimated peak bytes (an upper bound, measured: ``docs/theory/memory.md``).
    seconds : float
        ``(flops + overhead) / FLOPS_RATE``.
    fits : bool
        Whether ``memory`` is within the memory limit.
    """

    method: str
    flops: float
    overhead: float
    memory: float
    seconds: float
    fits: bool

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
    """

    region: tuple
    n_visible: int
    m: int | None
    method: str | None
    methods: dict
    max_memory: int
    not_applicable: dict = field(default_factory=dict)

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
    state: BoltzmannNetwork | Any, region: Any, method: str = "auto", max_memory: int | str | None = None
) -> Estimate:
    """Plan every applicable entanglement method for ``region`` and report flops, peak memory and time.

    Nothing is contracted: the minimal cut is found and the methods are planned (contraction paths,
    MPS site tensors), as :func:`tnrbm.entanglement` would before running.

    Parameters
    ----------
    state
        As for :func:`tnrbm.entanglement`: an RBM, a DBM, a NetKet state or a state vector.
    region
        The visible units of A.
    method
        ``"auto"`` (every auto method; ``Estimate.method`` is the one auto would run) or one name.
    max_memory
        The limit used for ``fits`` (default: a quarter of the available memory).

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
    problem = make_problem(state, region, method, _NO_LIMIT, None, False)
    names = list(AUTO_METHODS) if method == "auto" else [method]
    found: dict[str, MethodEstimate] = {}
    skipped: dict[str, str] = {}
    for name in names:
        try:
            plan = METHODS[name](problem)
        except (NotApplicableError, MemoryLimitError, OverflowError) as err:
            skipped[name] = str(err)
            continue
        memory = float(plan.memory)
        found[name] = MethodEstimate(
            name, float(plan.flops), float(plan.overhead), memory, plan.cost / FLOPS_RATE, memory <= limit
        )
    fitting = [k for k, e in found.items() if e.fits]
    chosen = min(fitting, key=lambda k: found[k].flops + found[k].overhead) if fitting else None
    if method == "auto" and "dense" in fitting and problem.n <= SMALL_DENSE:
        chosen = "dense"  # as entanglement(method="auto") does
    cut = problem.cut
    return Estimate(
        region=problem.region,
        n_visible=problem.n,
        m=None if cut is None else int(cut.size),
        method=chosen,
        methods=found,
        max_memory=limit,
        not_applicable=skipped,
    )
