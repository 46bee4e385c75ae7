"""Spin Hamiltonians: transverse-field Ising (chain, 2D), Heisenberg/XXZ, cluster, toric code; a registry.

Each builder returns the Hamiltonian in the form asked (``"sparse"``, ``"operator"``, ``"pauli"``,
``"dense"``; :mod:`~tnrbm.ed.pauli`). :data:`HAMILTONIANS` maps the names the command line accepts to the
builders; :func:`register_hamiltonian` adds one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..errors import InvalidParameterError
from ..registry import Registry, check_callable
from ..validation import MaxMemory, check_bool, check_int, check_real
from .pauli import check_form, check_pauli_size, pauli_sum

__all__ = [
    "HAMILTONIANS",
    "register_hamiltonian",
    "tfim",
    "tfim_lattice",
    "heisenberg",
    "cluster_hamiltonian",
    "cluster_stabilizers",
    "toric_code_hamiltonian",
    "toric_code_edges",
]


def _n(value: Any, name: str = "n", minimum: int = 1) -> int:
    return check_int(value, name, minimum=minimum)


def _prepare(n: int, form: str, periodic: Any, terms_per_site: float, max_memory: MaxMemory) -> bool:
    """Check ``form`` and ``periodic`` and refuse, before any term is built, a Hamiltonian too big for ``form``."""
    check_form(form)
    periodic = check_bool(periodic, "periodic")
    # the strings are a small fraction of a matrix: for a matrix form its own check (with the way out) comes first
    check_pauli_size(n, terms_per_site * n, form, max_memory if form == "pauli" else None)
    return periodic


def _chain_bonds(n: int, periodic: bool) -> list[tuple[int, int]]:
    bonds = [(i, i + 1) for i in range(n - 1)]
    if periodic and n > 2:
        bonds.append((n - 1, 0))
    return bonds


def tfim(
    n: int,
    J: float = 1.0,  # noqa: N803 - the physics name
    h: float = 1.0,
    periodic: bool = True,
    form: str = "sparse",
    max_memory: MaxMemory = None,
) -> Any:
    """The transverse-field Ising chain ``H = -J sum_i Z_i Z_{i+1} - h sum_i X_i``.

    Parameters
    ----------
    n
        Number of spins (``n >= 2``).
    J, h
        Ising coupling and transverse field.
    periodic
        Add the bond ``(n - 1, 0)`` (for ``n > 2``).
    form
        ``"sparse"`` (CSR), ``"operator"`` (matrix-free LinearOperator), ``"pauli"`` or ``"dense"``.
    max_memory
        Refuse with :class:`~tnrbm.errors.MemoryLimitError` past this many bytes.

    Examples
    --------
    >>> import numpy as np, quimb as qu
    >>> from tnrbm import ed
    >>> H = ed.tfim(5, J=0.7, h=1.3)
    >>> Q = qu.ham_ising(5, jz=-4 * 0.7, bx=2 * 1.3, cyclic=True, sparse=True)
    >>> float(abs(H - Q).max()) < 1e-13
    True
    """
    n = _n(n, minimum=2)
    J, h = check_real(J, "J"), check_real(h, "h")  # noqa: N806
    periodic = _prepare(n, form, periodic, 2, max_memory)
    terms = [(-J, "ZZ", b) for b in _chain_bonds(n, periodic)] + [(-h, "X", (i,)) for i in range(n)]
    return pauli_sum(n, terms).as_form(form, max_memory)


def tfim_lattice(
    shape: Sequence[int],
    J: float = 1.0,  # noqa: N803
    h: float = 1.0,
    periodic: bool = True,
    form: str = "sparse",
    max_memory: MaxMemory = None,
) -> Any:
    """The transverse-field Ising model on a square lattice ``shape = (Lx, Ly)``.

    ``H = -J sum_<ij> Z_i Z_j - h sum_i X_i`` over nearest-neighbour pairs, each distinct pair once
    (on a periodic side of length 2 the wrapped bond is the same pair and is not doubled). Spin
    ``(x, y)`` is site ``x * Ly + y``, as in :func:`tnrbm.models.local_lattice`.

    Examples
    --------
    >>> from tnrbm import ed
    >>> H = ed.tfim_lattice((3, 3), h=0.0, form="pauli")
    >>> len(H)  # 18 bonds + 9 fields
    27
    """
    if isinstance(shape, (str, bytes)) or not isinstance(shape, Sequence) or len(shape) != 2:
        raise InvalidParameterError(f"shape must be a pair (Lx, Ly); got {shape!r}")
    lx, ly = (_n(x, "shape") for x in shape)
    J, h = check_real(J, "J"), check_real(h, "h")  # noqa: N806
    n = lx * ly
    if n < 2:
        raise InvalidParameterError(f"shape must hold at least 2 sites; got {shape!r}")
    periodic = _prepare(n, form, periodic, 3, max_memory)
    bonds: set[tuple[int, int]] = set()
    for x in range(lx):
        for y in range(ly):
            for dx, dy in ((1, 0), (0, 1)):
                xx, yy = x + dx, y + dy
                if periodic:
                    xx, yy = xx % lx, yy % ly
                elif xx >= lx or yy >= ly:
                    continue
                i, j = x * ly + y, xx * ly + yy
                if i != j:
                    bonds.add((min(i, j), max(i, j)))
    terms = [(-J, "ZZ", b) for b in sorted(bonds)] + [(-h, "X", (i,)) for i in range(n)]
    return pauli_sum(n, terms).as_form(form, max_memory)


def heisenberg(
    n: int,
    J: float = 1.0,  # noqa: N803
    delta: float = 1.0,
    periodic: bool = True,
    form: str = "sparse",
    max_memory: MaxMemory = None,
) -> Any:
    """The XXZ chain ``H = J sum_i (S^x S^x + S^y S^y + delta S^z S^z)`` with ``S = sigma / 2``.

    ``J > 0`` is antiferromagnetic; ``delta = 1`` is the Heisenberg chain, whose periodic ground
    energy per site tends to ``J (1/4 - ln 2)`` (Hulthen).

    Examples
    --------
    >>> from tnrbm import ed
    >>> round(ed.ground_state(ed.heisenberg(4)).energy, 12)  # 4-ring: -2 J
    -2.0
    """
    n = _n(n, minimum=2)
    J, delta = check_real(J, "J"), check_real(delta, "delta")  # noqa: N806
    periodic = _prepare(n, form, periodic, 3, max_memory)
    terms = []
    for b in _chain_bonds(n, periodic):
        terms += [(J / 4, "XX", b), (J / 4, "YY", b), (J * delta / 4, "ZZ", b)]
    return pauli_sum(n, terms).as_form(form, max_memory)


def cluster_hamiltonian(n: int, periodic: bool = True, form: str = "sparse", max_memory: MaxMemory = None) -> Any:
    """The cluster-state Hamiltonian ``H = -sum_i Z_{i-1} X_i Z_{i+1}``.

    On an open chain the end terms are ``X_0 Z_1`` and ``Z_{n-2} X_{n-1}``, so the ground state is
    unique in both cases: the cluster state of :func:`tnrbm.states.cluster`, energy ``-n``.

    Examples
    --------
    >>> from tnrbm import ed
    >>> round(ed.ground_state(ed.cluster_hamiltonian(6)).energy, 12)
    -6.0
    """
    periodic = check_bool(periodic, "periodic")
    n = _n(n, minimum=3 if periodic else 2)
    _prepare(n, form, periodic, 1, max_memory)
    return pauli_sum(n, [(-1.0, ops, sites) for ops, sites in cluster_stabilizers(n, periodic)]).as_form(
        form, max_memory
    )


def cluster_stabilizers(n: int, periodic: bool = True) -> list[tuple[str, tuple[int, ...]]]:
    """The stabilizers ``K_i = Z_{i-1} X_i Z_{i+1}`` of the cluster chain as ``(ops, sites)``.

    Examples
    --------
    >>> from tnrbm import ed
    >>> ed.cluster_stabilizers(3, periodic=False)
    [('XZ', (0, 1)), ('ZXZ', (0, 1, 2)), ('ZX', (1, 2))]
    """
    periodic = check_bool(periodic, "periodic")
    n = _n(n, minimum=3 if periodic else 2)
    check_pauli_size(n, n)
    out: list[tuple[str, tuple[int, ...]]] = []
    for i in range(n):
        left, right = i - 1, i + 1
        if periodic:
            out.append(("ZXZ", (left % n, i, right % n)))
        else:
            ops, sites = "", []
            for op, s in (("Z", left), ("X", i), ("Z", right)):
                if 0 <= s < n:
                    ops += op
                    sites.append(s)
            out.append((ops, tuple(sites)))
    return out


def toric_code_edges(L: int) -> dict[str, Any]:  # noqa: N803
    """The edge indexing of the ``L x L`` periodic toric code (``2 L**2`` qubits).

    Vertices are ``(x, y)`` with ``x, y in range(L)``. The horizontal edge from ``(x, y)`` to
    ``(x, y + 1)`` is qubit ``2 * (x * L + y)``; the vertical edge from ``(x, y)`` to ``(x + 1, y)`` is
    qubit ``2 * (x * L + y) + 1`` (coordinates mod L).

    Returns
    -------
    dict
        ``"stars"``: for each vertex ``(x, y)`` (in order ``x * L + y``) its 4 edges (X-type
        stabilizers A_v); ``"plaquettes"``: for each plaquette with lower corner ``(x, y)`` its 4
        edges (Z-type stabilizers B_p); ``"x_loops"``: the two non-contractible X strings that commute
        with every plaquette -- the vertical edges ``(0, y)`` for all y, the horizontal edges
        ``(x, 0)`` for all x; ``"z_loops"``: the two non-contractible Z strings (horizontal edges
        ``(0, y)`` for all y; vertical edges ``(x, 0)`` for all x).

    Examples
    --------
    >>> from tnrbm import ed
    >>> ed.toric_code_edges(2)["plaquettes"][0]
    (0, 4, 1, 3)
    """
    L = _n(L, "L", minimum=2)  # noqa: N806
    check_pauli_size(2 * L * L, 2 * L * L)

    def hor(x: int, y: int) -> int:
        return 2 * ((x % L) * L + (y % L))

    def ver(x: int, y: int) -> int:
        return 2 * ((x % L) * L + (y % L)) + 1

    stars = [(hor(x, y), hor(x, y - 1), ver(x, y), ver(x - 1, y)) for x in range(L) for y in range(L)]
    plaquettes = [(hor(x, y), hor(x + 1, y), ver(x, y), ver(x, y + 1)) for x in range(L) for y in range(L)]
    x_loops = [tuple(ver(0, y) for y in range(L)), tuple(hor(x, 0) for x in range(L))]
    z_loops = [tuple(hor(0, y) for y in range(L)), tuple(ver(x, 0) for x in range(L))]
    return {"n": 2 * L * L, "stars": stars, "plaquettes": plaquettes, "x_loops": x_loops, "z_loops": z_loops}


def toric_code_hamiltonian(
    L: int,  # noqa: N803
    sector_field: float = 0.0,
    form: str = "sparse",
    max_memory: MaxMemory = None,
) -> Any:
    """Kitaev's toric code on an ``L x L`` torus: ``H = -sum_v A_v - sum_p B_p`` (``2 L**2`` qubits).

    ``A_v`` is X on the 4 edges at vertex v, ``B_p`` is Z on the 4 edges of plaquette p, edges
    indexed as in :func:`toric_code_edges`. The ground space is 4-fold degenerate (energy
    ``-2 L**2``); ``sector_field > 0`` adds ``-sector_field`` times each non-contractible X loop,
    which selects the sector of :func:`tnrbm.states.toric_code` (both X loops +1) as the unique
    ground state.

    Examples
    --------
    >>> from tnrbm import ed
    >>> res = ed.ground_state(ed.toric_code_hamiltonian(2), k=5)
    >>> [round(float(e), 9) for e in res.energies]
    [-8.0, -8.0, -8.0, -8.0, -4.0]
    """
    L = _n(L, "L", minimum=2)  # noqa: N806
    check_form(form)
    check_pauli_size(2 * L * L, 2 * L * L, form, max_memory if form == "pauli" else None)
    edges = toric_code_edges(L)
    sector_field = check_real(sector_field, "sector_field")
    terms = [(-1.0, "XXXX", s) for s in edges["stars"]] + [(-1.0, "ZZZZ", p) for p in edges["plaquettes"]]
    if sector_field != 0:
        terms += [(-sector_field, "X" * len(loop), loop) for loop in edges["x_loops"]]
    return pauli_sum(edges["n"], terms).as_form(form, max_memory)


#: name -> builder ``build(n, ..., form=, max_memory=)`` of the Hamiltonians the command line offers
HAMILTONIANS: Registry[Callable[..., Any]] = Registry(
    "model",
    {"tfim": tfim, "heisenberg": heisenberg, "cluster": cluster_hamiltonian, "toric": toric_code_hamiltonian},
    check=check_callable("build"),
)


def register_hamiltonian(name: str, build: Callable[..., Any], *, replace: bool = False) -> None:
    """Add a Hamiltonian builder under ``name`` (for ``tnrbm ed NAME``).

    Examples
    --------
    A taken name is refused unless ``replace=True``; ``HAMILTONIANS.unregister(name)`` removes one.
    ``tnrbm.ed.MODELS`` follows (it is read from :data:`HAMILTONIANS` on each access).

    >>> import tnrbm
    >>> register_hamiltonian("ising", tfim)
    >>> "ising" in tnrbm.ed.MODELS
    True
    >>> del HAMILTONIANS["ising"]
    """
    HAMILTONIANS.register(name, build, replace=replace)
