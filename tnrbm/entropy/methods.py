"""The registry of entanglement methods, in the manner of opt_einsum's path registry.

A method is a planner ``plan(problem) -> Plan``: it looks at a :class:`Problem` (the state, the region,
its minimal cut, the limits), estimates what the computation costs (``flops``, peak ``memory`` in
bytes) and returns a :class:`Plan` whose ``run()`` computes the Schmidt spectrum -- or raises
:class:`NotApplicableError` (this method cannot treat this problem) or
:class:`~tnrbm.errors.MemoryLimitError` (it would not fit). ``method="auto"`` plans every method
registered with ``auto=True`` and runs the cheapest. A new method is one :func:`register_method` call.

Examples
--------
>>> sorted(name for name in METHODS)
['cut', 'dense', 'mps']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InvalidParameterError, NotApplicableError
from ..network import BoltzmannNetwork
from ..registry import Registry
from ..validation import check_bool, check_memory

__all__ = [
    "METHODS",
    "AUTO_METHODS",
    "FLOPS_RATE",
    "NotApplicableError",
    "Plan",
    "Problem",
    "check_plan_memory",
    "register_method",
    "unregister_method",
    "auto_methods",
    "method_names",
    "numpy_backend",
    "require_numpy_and_minimal_cut",
]

#: cost units (flops + overhead) per second, for a plan that gives no time of its own (:attr:`Plan.seconds`):
#: the median of ``seconds / cost`` over the grid of ``benchmarks/bench_auto.py`` was 1.1e-10 s
FLOPS_RATE = 1.0e10


@dataclass(frozen=True)
class Problem:
    """One entanglement computation to plan: a network (or a normalized state vector) and a region.

    Attributes
    ----------
    network : BoltzmannNetwork or None
        The network (None for a state vector).
    psi : numpy.ndarray or None
        The normalized state vector (None for a network).
    n : int
        Number of spins.
    region : tuple of int
        The visible units of A, sorted.
    cut : tnrbm.bulk.Cut or None
        The cut to condition on (the minimal one unless ``surface_given``).
    surface_given : bool
        Whether the user chose the surface.
    max_memory : int
        The memory limit in bytes.
    slicing : bool
        Whether contractions may be sliced to fit.
    backend : str or None
        The array library of contractions and spectra (:data:`tnrbm.contract.BACKENDS`; None: numpy).
    parallel : None, str, executor or dask Client
        Where slices run (:func:`tnrbm.contract.run_jobs`).
    progress : None, bool or callable
        Progress per slice (True: a tqdm bar; a callable ``progress(done, total)``).
    seed : int
        The seed of the contraction path searches (:func:`tnrbm.contract.find_tree`).
    """

    network: BoltzmannNetwork | None
    psi: np.ndarray | None
    n: int
    region: tuple
    cut: Any
    surface_given: bool
    max_memory: int  # the limit in bytes (resolved from the caller's MaxMemory)
    slicing: bool = False
    backend: Any = None
    parallel: Any = None
    progress: Any = None
    seed: int = 0


@dataclass
class Plan:
    """A planned entanglement computation: its estimated cost, and ``run()`` to do it.

    Attributes
    ----------
    method : str
    flops : float
        Estimated scalar operations.
    memory : float
        Estimated peak memory in bytes (an upper bound).
    run : callable
        ``run() -> (spectrum, extra)``: the Schmidt probabilities (any order, summing to 1) and a dict
        of details (``"clipped"`` for negative rounding set to zero, timings, paths ...).
    overhead : float
        Extra cost (flops-equivalent, e.g. Python work per tensor) that ``auto`` adds when comparing.
    extra : dict
        Planning details, copied into the result's ``extra``.
    seconds : float or None
        The estimated wall time from the method's own time model (the cut method:
        :mod:`tnrbm.entropy.calibration`); None: ``cost / FLOPS_RATE``.
    blocker : str
        What dominates ``memory``, in words (named when the plan is refused).
    """

    method: str
    flops: float
    memory: float
    run: Callable[[], tuple[np.ndarray, dict]]
    overhead: float = 0.0
    extra: dict = field(default_factory=dict)
    seconds: float | None = None
    blocker: str = ""

    @property
    def cost(self) -> float:
        """``flops + overhead`` in flops-equivalents (what ``auto`` compared before 0.4)."""
        return float(self.flops) + float(self.overhead)

    @property
    def estimated_seconds(self) -> float:
        """What ``auto`` minimizes: :attr:`seconds`, or ``cost / FLOPS_RATE`` when the method gives none."""
        return float(self.seconds) if self.seconds is not None else self.cost / FLOPS_RATE


Planner = Callable[[Problem], Plan]


def check_plan_memory(plan: Plan, problem: Problem) -> Plan:
    """``plan`` when its whole peak ``plan.memory`` fits ``problem.max_memory``, else a
    :class:`~tnrbm.errors.MemoryLimitError` naming what dominates the peak and the smallest limit that
    would run it (a planner refuses its parts; this is the one check of the whole, for every method).

    Examples
    --------
    >>> from tnrbm.errors import MemoryLimitError
    >>> plan = Plan("toy", flops=1.0, memory=3 * 2**20, run=lambda: None, blocker="three arrays")
    >>> problem = Problem(None, None, 1, (0,), None, False, 2**20)
    >>> try:
    ...     check_plan_memory(plan, problem)
    ... except MemoryLimitError as err:
    ...     print(err.needed == 3 * 2**20, "three arrays" in str(err))
    True True
    """
    blocker = f": {plan.blocker}" if plan.blocker else ""
    check_memory(
        plan.memory,
        f"method={plan.method!r} (its peak{blocker})",
        problem.max_memory,
        "choose another method, a smaller region or one with a smaller minimal cut",
    )
    return plan


def _check_method(name: str, planner: Any) -> None:
    if name == "auto":
        raise InvalidParameterError(f"name must be a non-empty string other than 'auto'; got {name!r}")
    if not callable(planner):
        raise InvalidParameterError(f"planner must be callable; got {planner!r}")


#: name -> planner (also the plug-ins of installed packages: the entry-point group ``tnrbm.methods``, loaded
#: on first lookup)
METHODS: Registry[Planner] = Registry("method", group="tnrbm.methods", check=_check_method)
#: the methods ``auto`` compares, in the order it tries them
AUTO_METHODS: list[str] = []


def register_method(name: str, planner: Planner, auto: bool = False, *, replace: bool = False) -> None:
    """Register an entanglement method ``planner(problem) -> Plan`` under ``name``.

    Parameters
    ----------
    name
        The name passed as ``entanglement(..., method=name)`` (and the CLI's ``--method``).
    planner
        Returns a :class:`Plan`, or raises :class:`NotApplicableError` or
        :class:`~tnrbm.errors.MemoryLimitError`.
    auto
        Whether ``method="auto"`` considers it.
    replace
        Replace a method of that name (otherwise a taken name is refused).

    Examples
    --------
    >>> def toy(problem):
    ...     return Plan("toy", flops=1.0, memory=0.0, run=lambda: (np.array([1.0]), {}))
    >>> register_method("toy", toy)
    >>> "toy" in method_names()
    True
    >>> unregister_method("toy") is toy
    True
    """
    if not isinstance(name, str) or not name:
        raise InvalidParameterError(f"name must be a non-empty string other than 'auto'; got {name!r}")
    auto = check_bool(auto, "auto")
    METHODS.register(name, planner, replace=replace)
    if auto and name not in AUTO_METHODS:
        AUTO_METHODS.append(name)
    if not auto and name in AUTO_METHODS:
        AUTO_METHODS.remove(name)


def method_names() -> tuple[str, ...]:
    """``("auto", ...)`` and every registered method, for help texts and the command line.

    Examples
    --------
    >>> method_names()[:4]
    ('auto', 'cut', 'dense', 'mps')
    """
    return ("auto", *METHODS.names())


def numpy_backend(backend: Any) -> bool:
    """Whether ``backend`` (a name, a :class:`~tnrbm.contract.Backend` or None) is numpy: the only one the dense
    and mps methods run on.

    Examples
    --------
    >>> numpy_backend(None), numpy_backend("numpy"), numpy_backend("torch")
    (True, True, False)
    """
    return backend is None or getattr(backend, "name", backend) == "numpy"


def require_numpy_and_minimal_cut(problem: Problem, method: str) -> None:
    """Refuse (:class:`NotApplicableError`) a problem on a backend other than numpy, or with a surface the
    user chose, for a method (``"dense"``, ``"mps"``) that runs on numpy only and does not condition on
    a surface.

    Examples
    --------
    >>> problem = Problem(None, None, 1, (0,), None, True, 2**20)
    >>> try:
    ...     require_numpy_and_minimal_cut(problem, "mps")
    ... except NotApplicableError as err:
    ...     print(err)
    method='mps' does not condition on a surface; use method='cut'
    """
    if not numpy_backend(problem.backend):
        raise NotApplicableError(
            f"method={method!r} runs on numpy only; got backend={problem.backend!r}: use method='cut' (it runs on "
            "that backend) or backend='numpy'"
        )
    if problem.surface_given:
        raise NotApplicableError(f"method={method!r} does not condition on a surface; use method='cut'")


def unregister_method(name: str) -> Planner:
    """Remove the method ``name`` (from ``auto`` too) and return its planner.

    Examples
    --------
    >>> try:
    ...     unregister_method("toy")
    ... except InvalidParameterError as err:
    ...     print(str(err)[:27])
    method must be one of 'cut'
    """
    planner = METHODS.unregister(name)
    if name in AUTO_METHODS:
        AUTO_METHODS.remove(name)
    return planner


def auto_methods() -> list[str]:
    """The registered methods ``auto`` compares, in the order they were registered with ``auto=True``.

    Examples
    --------
    >>> auto_methods()
    ['cut', 'dense', 'mps']
    """
    return [name for name in AUTO_METHODS if name in METHODS]
