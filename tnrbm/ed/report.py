"""The rows ``tnrbm ed`` prints (kept here until the command line owns its reports)."""

from __future__ import annotations

import time

from ..errors import InvalidParameterError
from ..exact import tfim_ground_energy
from ..validation import check_bool, check_choice, check_real
from .hamiltonians import HAMILTONIANS, cluster_hamiltonian, heisenberg, tfim, toric_code_hamiltonian
from .solve import ground_state

__all__ = ["run_ed"]


def run_ed(
    model: str = "tfim",
    n: int = 12,
    k: int = 2,
    J: float = 1.0,  # noqa: N803
    h: float = 1.0,
    delta: float = 1.0,
    periodic: bool = True,
    form: str = "sparse",
) -> list[dict]:
    """ED of a named model as printable rows (one per eigenvalue), for the ``tnrbm ed`` command.

    Parameters
    ----------
    model
        ``"tfim"``, ``"heisenberg"``, ``"cluster"`` or ``"toric"`` (``n`` is then L, ``2 L**2`` qubits).
    n, k
        Size and number of eigenvalues.
    J, h, delta, periodic
        Model parameters (each model uses the ones it has).
    form
        ``"sparse"`` or ``"operator"`` (matrix-free).

    Returns
    -------
    list of dict
        Keys ``level, energy, energy_per_site, gap, reference, error, seconds``; ``reference`` is
        the exact free-fermion energy for the periodic TFIM ground state (else None).

    Examples
    --------
    >>> from tnrbm import ed
    >>> rows = ed.run_ed("tfim", n=8, k=1)
    >>> rows[0]["error"] < 1e-9
    True
    """
    check_choice(model, "model", HAMILTONIANS)
    J, h, delta = check_real(J, "J"), check_real(h, "h"), check_real(delta, "delta")  # noqa: N806
    periodic = check_bool(periodic, "periodic")
    if not isinstance(form, str) or form not in ("sparse", "operator"):
        raise InvalidParameterError(f"form must be 'sparse' or 'operator'; got {form!r}")
    t0 = time.perf_counter()
    if model == "tfim":
        H = tfim(n, J=J, h=h, periodic=periodic, form=form)  # noqa: N806
        sites = n
    elif model == "heisenberg":
        H = heisenberg(n, J=J, delta=delta, periodic=periodic, form=form)  # noqa: N806
        sites = n
    elif model == "cluster":
        H = cluster_hamiltonian(n, periodic=periodic, form=form)  # noqa: N806
        sites = n
    else:
        H = toric_code_hamiltonian(n, form=form)  # noqa: N806
        sites = 2 * n * n
    build = time.perf_counter() - t0
    res = ground_state(H, k=k)
    reference = None
    if model == "tfim" and periodic:
        reference = tfim_ground_energy(n, J=J, h=h)
    rows = []
    for level, e in enumerate(res.energies):
        rows.append(
            {
                "level": level,
                "energy": float(e),
                "energy_per_site": float(e) / sites,
                "gap": float(e - res.energies[0]),
                "reference": reference if level == 0 else None,
                "error": abs(float(e) - reference) if (level == 0 and reference is not None) else None,
                "seconds": build + res.seconds,
            }
        )
    return rows
