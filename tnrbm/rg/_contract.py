"""Full contraction of a list of positive terms to a natural logarithm, overflow-free and memory-guarded.

Shared by :mod:`tnrbm.rg.energy` and :mod:`tnrbm.rg.hamiltonian`: the terms are handed to
:func:`tnrbm.contract.plan_contraction` (path search, memory estimate, refusal before allocation) and
contracted with the exponent stripped from every intermediate, so the sum of ``10**4`` spins neither
overflows nor underflows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from cotengra.pathfinders.path_basic import ssa_to_linear

from ..contract import ContractionPlan, plan_contraction, sequential_path
from ..errors import MemoryLimitError
from ..network.local import Term, absorb_vectors
from ..validation import MaxMemory, format_bytes, memory_limit

__all__ = ["log_contract", "plan_log_contract"]

_LN10 = math.log(10.0)
#: the limit handed to the path search when the plan is checked here (the search does not depend on it)
_UNBOUNDED = 2**62
_WAY_OUT = "use a smaller lattice or a larger max_memory"


def _absorbed(inputs: Sequence[tuple]) -> list[bool]:
    """Which terms :func:`~tnrbm.network.local.absorb_vectors` keeps (a one-index term whose index a larger
    term carries is multiplied into it)."""
    holders = {ix for inds in inputs if len(inds) > 1 for ix in inds}
    return [not (len(inds) == 1 and inds[0] in holders) for inds in inputs]


def plan_log_contract(
    inputs: Sequence[tuple],
    keys: Sequence[float] | None,
    max_memory: MaxMemory,
    what: str,
    slicing: bool = False,
    sweep: bool = False,
    held: float = 0.0,
) -> ContractionPlan:
    """Plan the contraction of terms with these indices (before any array exists), and refuse when it won't fit.

    ``held`` bytes (the term arrays and the copies absorbing vectors makes) count with the contraction's
    planned peak; the refusal names both and their sum, the smallest ``max_memory`` that works.
    """
    limit = memory_limit(max_memory)
    kept = _absorbed(inputs)
    kept_inputs = [tuple(inds) for inds, k in zip(inputs, kept) if k]
    owners = [key for key, k in zip(keys, kept) if k] if keys is not None else None
    size_dict = {ix: 2 for inds in kept_inputs for ix in inds}
    optimize = None
    if sweep and owners is not None and len(kept_inputs) > 1:
        optimize = ssa_to_linear(sequential_path(owners), len(kept_inputs))
    plan = plan_contraction(
        kept_inputs,
        (),
        size_dict,
        optimize=optimize,
        itemsize=8,
        max_memory=max(1.0, limit - held) if slicing else _UNBOUNDED,
        what=what,
        way_out=_WAY_OUT,
        slicing=slicing,
        keys=owners,
    )
    need = held + plan.peak * 8
    if need > limit:
        sliceable = not slicing and plan.peak * 8 > held  # slicing shrinks the contraction, not the inputs
        hint = f"{_WAY_OUT}, or pass slicing=True" if sliceable else _WAY_OUT
        raise MemoryLimitError(
            f"{what} needs about {format_bytes(need)} ({format_bytes(held)} of input tensors and their copies, "
            f"{format_bytes(plan.peak * 8)} at the contraction's peak, largest intermediate "
            f"{format_bytes(plan.largest_intermediate * 8)}), more than max_memory={format_bytes(limit)} allows; {hint}"
        )
    return plan


def log_contract(
    terms: Sequence[Term],
    exponent: float = 0.0,
    keys: Sequence[float] | None = None,
    max_memory: MaxMemory = None,
    what: str = "the partition function",
    slicing: bool = False,
    sweep: bool = False,
    plan: ContractionPlan | None = None,
) -> float:
    """``ln`` of the full contraction of ``terms`` (every index summed) times ``10**exponent``.

    Parameters
    ----------
    terms
        ``(array, inds)`` pairs with real nonnegative entries (hyper-indices allowed).
    exponent
        log10 of a factor taken out of the terms beforehand.
    keys
        A position per term (e.g. along a chain) for the sweep path; shortened with the terms when
        one-index vectors are absorbed.
    max_memory
        Byte limit of everything the call holds: the terms (twice: absorbing a vector copies its holder)
        and the contraction's peak (default: a safe fraction of the free memory).
    what
        For the error message.
    slicing
        Let cotengra slice the contraction when it would not fit (slower, smaller).
    sweep
        Contract in the order of ``keys`` (a transfer-matrix sweep) instead of searching a path: the
        better choice for lattices (an L x L torus: width 2L, where greedy paths go several bonds wider).
    plan
        A plan of :func:`plan_log_contract` for these terms (made before their arrays were built).

    Returns
    -------
    float
        The natural logarithm of the contracted value.

    Examples
    --------
    >>> import numpy as np
    >>> t = [(np.array([[1.0, 2.0], [3.0, 4.0]]), ("a", "b"))]
    >>> bool(np.isclose(log_contract(t, exponent=1.0), np.log(100.0)))
    True
    """
    if plan is None:
        held = 2.0 * sum(8.0 * np.size(t[0]) for t in terms)
        plan = plan_log_contract([tuple(t[1]) for t in terms], keys, max_memory, what, slicing, sweep, held)
    terms = absorb_vectors(list(terms), None)
    mantissa, exp10 = plan.contract([np.asarray(t[0], dtype=np.float64) for t in terms])
    value = float(np.real(mantissa))
    if not value > 0.0:
        return -math.inf
    return math.log(value) + (exp10 + exponent) * _LN10
