"""Exact diagonalization: spin Hamiltonians as Pauli sums, sparse matrices or matrix-free operators.

Every Hamiltonian here is a real-weighted sum of Pauli strings, held as a :class:`PauliSum`
(:mod:`~tnrbm.ed.pauli`), and comes in four forms (``form=``): ``"sparse"`` (a ``scipy.sparse``
matrix built from bit operations on the basis indices), ``"operator"`` (a matrix-free
``LinearOperator``), ``"pauli"`` (the :class:`PauliSum` itself) and ``"dense"`` (small n only). The
builders (:mod:`~tnrbm.ed.hamiltonians`) form the registry :data:`HAMILTONIANS`; ground states,
energies and fidelities are in :mod:`~tnrbm.ed.solve`.

Kron order as everywhere in tnrbm: site 0 is the most significant bit of the basis index and spin
up (Z = +1) is index 0. quimb's spin operators use S = sigma / 2: ``tfim(n, J, h)`` equals
``quimb.ham_ising(n, jz=-4 * J, bx=2 * h, cyclic=True)`` and ``heisenberg(n, J, delta)`` equals
``quimb.ham_heis(n, j=(J, J, J * delta), cyclic=True)``.

``ed.ground_state`` is the eigensolver; the variational fit of an RBM is
:func:`tnrbm.fit.variational_ground_state`. The Hamiltonians of the cluster and toric-code states are
``cluster_hamiltonian`` and ``toric_code_hamiltonian`` (the RBM states themselves are
:func:`tnrbm.states.cluster` and :func:`tnrbm.states.toric_code`); the old names ``ed.cluster`` and
``ed.toric_code`` still work and warn.

Examples
--------
>>> from tnrbm import ed
>>> H = ed.tfim(8, J=1.0, h=1.0)
>>> res = ed.ground_state(H)
>>> round(res.energy, 10)  # the free-fermion value, see tnrbm.exact
-10.2516617910
"""

from __future__ import annotations

from typing import Any

from .._deprecated import forward
from ..interop import open_doors
from .hamiltonians import (
    HAMILTONIANS,
    cluster_hamiltonian,
    cluster_stabilizers,
    heisenberg,
    register_hamiltonian,
    tfim,
    tfim_lattice,
    toric_code_edges,
    toric_code_hamiltonian,
)
from .pauli import FORMS, MAX_SITES, PauliSum, pauli_sum
from .solve import (
    GroundStateResult,
    as_operator,
    check_hamiltonian,
    energy,
    expectation,
    fidelity,
    ground_state,
    ground_state_memory,
    state_vector,
)

# the NetKet door: operators (and states) from NetKet are converted here, never inside the modules
open_doors(globals(), "as_operator check_hamiltonian ground_state ground_state_memory expectation energy state_vector")

__all__ = [
    "PauliSum",
    "GroundStateResult",
    "FORMS",
    "HAMILTONIANS",
    "MAX_SITES",
    "MODELS",
    "pauli_sum",
    "register_hamiltonian",
    "tfim",
    "tfim_lattice",
    "heisenberg",
    "cluster_hamiltonian",
    "cluster_stabilizers",
    "toric_code_hamiltonian",
    "toric_code_edges",
    "as_operator",
    "ground_state",
    "ground_state_memory",
    "check_hamiltonian",
    "expectation",
    "energy",
    "fidelity",
    "state_vector",
]

_forward, _dir = forward(
    __name__,
    {
        "cluster": "tnrbm.ed.hamiltonians:cluster_hamiltonian",
        "toric_code": "tnrbm.ed.hamiltonians:toric_code_hamiltonian",
        # the rows ``tnrbm ed`` prints: ``tnrbm.ed.levels.ed_levels``
        "run_ed": "tnrbm.ed.levels:ed_levels",
    },
    stacklevel=3,
)


def __getattr__(name: str) -> Any:
    """``MODELS``: the Hamiltonians ``tnrbm ed`` offers, the names of :data:`HAMILTONIANS` now (read on each
    access, so it follows :func:`register_hamiltonian`); the moved names forward with a warning."""
    if name == "MODELS":
        return tuple(HAMILTONIANS)
    return _forward(name)
