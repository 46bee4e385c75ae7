"""The rows ``tnrbm ed`` prints: the lowest levels of a named Hamiltonian, with the free-fermion reference.

:func:`ed_levels` was ``tnrbm.ed.run_ed`` (the old name still works and warns).

Examples
--------
>>> from tnrbm.ed.levels import ed_levels
>>> ed_levels("tfim", n=8, k=1)[0]["error"] < 1e-9
True
"""

from __future__ import annotations

import time
from typing import Any

from ..errors import InvalidParameterError
from ..exact import tfim_ground_energy
from ..validation import check_bool, check_choice, check_real
from .hamiltonians import HAMILTONIANS, cluster_hamiltonian, heisenberg, tfim, toric_code_hamiltonian
from .pauli import check_ed_memory
from .solve import ground_state, ground_state_memory

__all__ = ["ed_levels"]


def _hamiltonian(model: str, n: int, J: float, h: float, delta: float, periodic: bool, form: str) -> tuple:  # noqa: N803
    """The Hamiltonian of a named ED model and its number of qubits."""
    if model == "tfim":
        return tfim(n, J=J, h=h, periodic=periodic, form=form), n
    if model == "heisenberg":
        return heisenberg(n, J=J, delta=delta, periodic=periodic, form=form), n
    if model == "cluster":
        return cluster_hamiltonian(n, periodic=periodic, form=form), n
    return toric_code_hamiltonian(n, form=form), 2 * n * n


def ed_levels(
    model: str = "tfim",
    n: int = 12,
    k: int = 2,
    J: float = 1.0,  # noqa: N803
    h: float = 1.0,
    delta: float = 1.0,
    periodic: bool = True,
    form: str = "sparse",
    max_memory: Any = None,
) -> list[dict]:
    """The ``k`` lowest levels of a named model (one row each), for ``tnrbm ed`` (was ``tnrbm.ed.run_ed``).

    Parameters
    ----------
    model
        One of ``tnrbm.ed.MODELS`` (``"toric"``: ``n`` is L, ``2 L**2`` qubits).
    n, k
        Size and number of eigenvalues.
    J, h, delta, periodic
        Model parameters (each model uses the ones it has).
    form
        ``"sparse"`` or ``"operator"`` (matrix-free).
    max_memory
        The matrix (or operator) and the eigensolver together, checked before either is built (the
        refusal names the larger part and the smallest limit that works); default a quarter of the
        available memory.

    Returns
    -------
    list of dict
        Keys ``level, energy, energy_per_site, gap, reference, error, seconds``; ``reference`` is the
        exact free-fermion energy of the periodic TFIM ground state (else None).

    Examples
    --------
    >>> ed_levels("tfim", n=8, k=1)[0]["error"] < 1e-9
    True
    """
    check_choice(model, "model", HAMILTONIANS)
    J, h, delta = check_real(J, "J"), check_real(h, "h"), check_real(delta, "delta")  # noqa: N806
    periodic = check_bool(periodic, "periodic")
    if not isinstance(form, str) or form not in ("sparse", "operator"):
        raise InvalidParameterError(f"form must be 'sparse' or 'operator'; got {form!r}")
    t0 = time.perf_counter()
    pauli, sites = _hamiltonian(model, n, J, h, delta, periodic, "pauli")
    parts = ground_state_memory(pauli, k)  # [the operator or sparse matrix ground_state builds, the solver]
    if form == "sparse":
        parts[0] = (f"the sparse matrix ({sites} qubits)", pauli.memory("sparse"))
    way_out = "use fewer spins" + (" or --matrix-free (form='operator')" if form == "sparse" else "")
    check_ed_memory(parts, max_memory, way_out, f"exact diagonalization of {model} with n = {n}")
    hamiltonian = pauli.as_form(form, max_memory)
    build = time.perf_counter() - t0
    res = ground_state(hamiltonian, k=k, max_memory=max_memory)
    reference = tfim_ground_energy(n, J=J, h=h) if model == "tfim" and periodic else None
    e0 = float(res.energies[0])
    return [
        {
            "level": level,
            "energy": float(e),
            "energy_per_site": float(e) / sites,
            "gap": float(e) - e0,
            "reference": reference if level == 0 else None,
            "error": abs(float(e) - reference) if (level == 0 and reference is not None) else None,
            "seconds": build + res.seconds,
        }
        for level, e in enumerate(res.energies)
    ]
