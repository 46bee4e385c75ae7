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

from ..contract import plan_contraction, sequential_path
from ..network.local import Term, absorb_vectors

__all__ = ["log_contract"]

_LN10 = math.log(10.0)


def log_contract(
    terms: Sequence[Term],
    exponent: float = 0.0,
    keys: Sequence[float] | None = None,
    max_memory: float | None = None,
    what: str = "the partition function",
    slicing: bool = False,
    sweep: bool = False,
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
        Byte limit of the contraction's peak (default: a safe fraction of the free memory).
    what
        For the error message.
    slicing
        Let cotengra slice the contraction when it would not fit (slower, smaller).
    sweep
        Contract in the order of ``keys`` (a transfer-matrix sweep) instead of searching a path: the
        better choice for lattices (an L x L torus: width 2L, where greedy paths go several bonds wider).

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
    owners = list(keys) if keys is not None else None
    terms = absorb_vectors(list(terms), owners)
    inputs = [t[1] for t in terms]
    size_dict = {ix: 2 for inds in inputs for ix in inds}
    optimize = None
    if sweep and owners is not None and len(inputs) > 1:
        optimize = ssa_to_linear(sequential_path(owners), len(inputs))
    plan = plan_contraction(
        inputs,
        (),
        size_dict,
        optimize=optimize,
        itemsize=8,
        max_memory=max_memory,
        what=what,
        way_out="use a smaller lattice or a larger max_memory",
        slicing=slicing,
        keys=owners,
    )
    mantissa, exp10 = plan.contract([np.asarray(t[0], dtype=np.float64) for t in terms])
    value = float(np.real(mantissa))
    if not value > 0.0:
        return -math.inf
    return math.log(value) + (exp10 + exponent) * _LN10
