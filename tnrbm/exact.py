"""Exact references with no ED size limit: free-fermion energies and entanglement.

* The periodic transverse-field Ising chain ``H = -J sum Z_i Z_{i+1} - h sum X_i`` maps by
  Jordan-Wigner (parity ``P = prod_i X_i``) to free Majorana fermions. Its ground state lies in the
  even sector ``P = +1``, where the fermions are antiperiodic: ``k = (2 m + 1) pi / N`` and
  ``E_0 = -sum_k sqrt(J**2 + h**2 - 2 J h cos k)`` (:func:`tfim_ground_energy`).
* Entanglement of Gaussian states from correlation matrices (Peschel): for particle-conserving
  chains the eigenvalues ``zeta`` of ``C_A = <c_i^dagger c_j>`` restricted to A give
  ``S_A = -sum [zeta ln zeta + (1 - zeta) ln(1 - zeta)]`` (:func:`free_fermion_entropy`); for
  Majorana (BdG) states the eigenvalues ``+-nu`` of ``i Gamma_A`` give
  ``S_A = sum_{nu > 0} H((1 + nu) / 2)`` (:func:`majorana_entropy`).
* The TFIM entropy of a contiguous block of spins equals that of its Majoranas
  (:func:`tfim_entropy`): Jordan-Wigner strings of operators inside a block stay inside it.
* The dimerized hopping chain ``t_j = 1 + (-1)**j m`` at half filling has correlation length
  ``1 / xi = artanh |m|`` (:func:`dimerized_correlation_length`; the mass of the paper's eq. 21).

Examples
--------
>>> from tnrbm import exact
>>> round(exact.tfim_ground_energy(8, J=1.0, h=1.0), 10)
-10.251661791
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from .errors import InvalidParameterError, InvalidRegionError
from .validation import as_float, check_bool, check_memory, check_region

__all__ = [
    "tfim_ground_energy",
    "tfim_majorana_hamiltonian",
    "majorana_ground_correlation",
    "majorana_entropy",
    "tfim_entropy",
    "tfim_entropy_profile",
    "hopping_ground_correlation",
    "free_fermion_entropy",
    "dimerized_hopping",
    "dimerized_correlation_length",
    "dimerized_entropy",
    "binary_entropy",
]


def _real(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        raise InvalidParameterError(f"{name} must be a finite real number; got {value!r}")
    return float(value)


def _int(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise InvalidParameterError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def _check_modes(m: int, bytes_per_entry: float, what: str) -> None:
    """Refuse, before allocating, an ``m x m`` computation of ``bytes_per_entry`` bytes per matrix entry."""
    check_memory(float(bytes_per_entry) * as_float(m) * as_float(m), what, None, "use a smaller n", option=None)


def _region(region: Any, n: int, name: str = "region") -> np.ndarray:
    """Distinct site indices in ``[0, n)``, sorted (the checks of :func:`tnrbm.validation.check_region`)."""
    return np.array(check_region(region, n, name, what="site"))


def binary_entropy(p: np.ndarray) -> np.ndarray:
    """``-p ln p - (1 - p) ln(1 - p)`` elementwise, 0 at p = 0 and p = 1 (nats).

    Examples
    --------
    >>> bool(np.isclose(binary_entropy(np.array(0.5)), np.log(2)))
    True
    """
    p = np.clip(np.asarray(p, dtype=float), 0.0, 1.0)
    q = 1.0 - p
    with np.errstate(divide="ignore", invalid="ignore"):
        out = -np.where(p > 0, p * np.log(p), 0.0) - np.where(q > 0, q * np.log(q), 0.0)
    return out


# ------------------------------------------------------------------------------- transverse-field Ising
def tfim_ground_energy(n: int, J: float = 1.0, h: float = 1.0) -> float:  # noqa: N803
    """Ground energy of the periodic chain ``H = -J sum Z_i Z_{i+1} - h sum X_i`` from free fermions.

    ``E_0 = -sum_k sqrt(J**2 + h**2 - 2 J h cos k)``, ``k = (2 m + 1) pi / n``, ``m = 0 .. n-1``
    (even-parity sector, antiperiodic fermions). Valid for ``J >= 0`` and any ``h`` (the sign of h
    is a gauge choice), any ``n >= 3``; for ``J < 0`` only for even ``n`` (a sublattice rotation).

    Examples
    --------
    >>> from tnrbm import exact
    >>> round(exact.tfim_ground_energy(4, J=1.0, h=0.0), 12)  # classical: -n J
    -4.0
    """
    n = _int(n, "n", 3)
    J, h = _real(J, "J"), _real(h, "h")  # noqa: N806
    if J < 0:
        if n % 2:
            raise InvalidParameterError(
                f"J must be >= 0 for odd n (the antiferromagnetic ring is frustrated); got J={J}, n={n}"
            )
        J = -J  # noqa: N806
    h = abs(h)
    check_memory(32.0 * as_float(n), f"the {n} fermion modes", None, "use a smaller n", option=None)
    k = (2 * np.arange(n) + 1) * np.pi / n
    return float(-np.sum(np.sqrt(J * J + h * h - 2 * J * h * np.cos(k))))


def tfim_majorana_hamiltonian(n: int, J: float = 1.0, h: float = 1.0, periodic: bool = True) -> np.ndarray:  # noqa: N803
    """The real antisymmetric ``A`` (2n x 2n) with ``H = (i / 4) sum_ab A_ab gamma_a gamma_b``.

    Jordan-Wigner with ``gamma_{2i} = (prod_{j<i} X_j) Z_i``, ``gamma_{2i+1} = (prod_{j<i} X_j) Y_i``:
    ``X_i = i gamma_{2i} gamma_{2i+1}`` and ``Z_i Z_{i+1} = i gamma_{2i+1} gamma_{2i+2}``. The
    periodic bond is ``Z_{n-1} Z_0 = -P i gamma_{2n-1} gamma_0``: in the even sector ``P = +1`` the
    fermions are antiperiodic.

    Examples
    --------
    >>> from tnrbm import exact
    >>> A = exact.tfim_majorana_hamiltonian(3)
    >>> bool(np.allclose(A, -A.T))
    True
    """
    n = _int(n, "n", 2)
    J, h = _real(J, "J"), _real(h, "h")  # noqa: N806
    periodic = check_bool(periodic, "periodic")
    _check_modes(2 * n, 24, f"the {2 * n} x {2 * n} Majorana matrix")
    a = np.zeros((2 * n, 2 * n))
    for i in range(n):
        a[2 * i, 2 * i + 1] = -2 * h
    for i in range(n - 1):
        a[2 * i + 1, 2 * i + 2] = -2 * J
    if periodic and n > 2:
        a[2 * n - 1, 0] = 2 * J  # antiperiodic: -(-J)
    return a - a.T


def majorana_ground_correlation(a: np.ndarray) -> np.ndarray:
    """The ground-state ``Gamma`` (real antisymmetric) with ``<gamma_a gamma_b> = delta_ab + i Gamma_ab``.

    For ``H = (i / 4) gamma^T A gamma``: ``i Gamma = sign(i A)`` (filling every negative mode of the
    Hermitian ``i A``). Assumes no zero modes.

    Examples
    --------
    >>> from tnrbm import exact
    >>> g = exact.majorana_ground_correlation(exact.tfim_majorana_hamiltonian(4, J=0.0, h=1.0))
    >>> float(g[0, 1])  # <X_0> = <i gamma_0 gamma_1> = -Gamma_01 = 1 at J = 0
    -1.0
    """
    a = np.asarray(a, dtype=float)
    if a.ndim == 2:  # i A, eigh's copy, eigenvectors and workspace, the sign matrix: complex
        _check_modes(a.shape[0], 112, f"the ground state of {a.shape[0]} Majorana modes")
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] % 2 or not np.allclose(a, -a.T):
        raise InvalidParameterError(f"a must be a real antisymmetric matrix of even size; got shape {a.shape}")
    w, v = np.linalg.eigh(1j * a)
    if np.min(np.abs(w)) < 1e-12 * max(1.0, float(np.abs(w).max())):
        raise InvalidParameterError("a has a zero mode: the ground state is degenerate")
    sign = (v * np.sign(w)) @ v.conj().T
    return np.real(-1j * sign)


def majorana_entropy(gamma: np.ndarray, majoranas: Any) -> float:
    """Entropy (nats) of the Majorana modes ``majoranas`` in the Gaussian state of correlation ``gamma``.

    The eigenvalues of ``i Gamma_R`` come in pairs ``+-nu``; ``S = sum_{pairs} H((1 + nu) / 2)``.

    Examples
    --------
    >>> from tnrbm import exact
    >>> gamma = np.array([[0, 0, 0, 1], [0, 0, -1, 0], [0, 1, 0, 0], [-1, 0, 0, 0.0]])  # a Bell pair
    >>> round(float(exact.majorana_entropy(gamma, [0, 1]) / np.log(2)), 12)
    1.0
    """
    gamma = np.asarray(gamma, dtype=float)
    idx = _region(majoranas, gamma.shape[0], "majoranas")
    nu = np.linalg.eigvalsh(1j * gamma[np.ix_(idx, idx)])
    return float(np.sum(binary_entropy((1.0 + nu) / 2.0)) / 2.0)


def _contiguous_block(region: np.ndarray, n: int, periodic: bool) -> tuple[int, int]:
    """(start, length) of a contiguous block of sites (wrapping allowed on a ring)."""
    size = len(region)
    members = set(region.tolist())
    for start in region.tolist():
        block = [(start + d) % n if periodic else start + d for d in range(size)]
        if all(0 <= s < n for s in block) and set(block) == members:
            return start, size
    raise InvalidRegionError(
        f"region must be a contiguous block of sites{' (wrapping around the ring)' if periodic else ''}: "
        f"Jordan-Wigner strings make other regions non-Gaussian; got {region.tolist()}"
    )


def tfim_entropy(
    n: int,
    region: Any,
    J: float = 1.0,  # noqa: N803
    h: float = 1.0,
    periodic: bool = True,
) -> float:
    """Exact entanglement entropy (nats) of a contiguous block of the TFIM ground state (even sector).

    Uses the Majorana correlation matrix of the Jordan-Wigner fermions (antiperiodic on a ring).
    Cost O(n**3), no 2**n vector.

    Examples
    --------
    >>> from tnrbm import exact
    >>> round(float(exact.tfim_entropy(4, [0, 1], J=1.0, h=0.0) / np.log(2)), 10)  # the GHZ limit
    1.0
    """
    return tfim_entropy_profile(n, J, h, periodic, regions=[region])[0]


def tfim_entropy_profile(
    n: int,
    J: float = 1.0,  # noqa: N803
    h: float = 1.0,
    periodic: bool = True,
    regions: Any = None,
) -> list[float]:
    """TFIM ground-state entropies of several contiguous regions (default: ``[0, l)``, ``l = 1 .. n-1``).

    At ``h = 0`` the ground space is degenerate; the even-sector state (a GHZ state) is used.

    Examples
    --------
    >>> from tnrbm import exact
    >>> [round(s, 6) for s in exact.tfim_entropy_profile(6, h=1.0)][:3]
    [0.468385, 0.563522, 0.587738]
    """
    n = _int(n, "n", 2)
    J, h = _real(J, "J"), _real(h, "h")  # noqa: N806
    periodic = check_bool(periodic, "periodic")
    _check_modes(2 * n, 24 + 112, f"the ground state of {2 * n} Majorana modes")
    if regions is None:
        regions = [range(length) for length in range(1, n)]
    a = tfim_majorana_hamiltonian(n, J, h, periodic)
    if h == 0:  # degenerate: a tiny field selects the even-sector (GHZ) state without changing it
        a = a + tfim_majorana_hamiltonian(n, 0.0, 1e-13 * max(1.0, abs(J)), periodic)
    gamma = majorana_ground_correlation(a)
    out = []
    for region in regions:
        sites = _region(region, n)
        start, size = _contiguous_block(sites, n, periodic)
        if periodic:
            start = 0  # translation invariance
        majoranas = np.arange(2 * start, 2 * (start + size))
        out.append(majorana_entropy(gamma, majoranas))
    return out


# ------------------------------------------------------------------------------- number-conserving chains
def hopping_ground_correlation(hopping: np.ndarray, n_particles: int | None = None) -> np.ndarray:
    """``C_ij = <c_i^dagger c_j>`` of the Slater determinant filling the lowest modes of ``hopping``.

    ``H = sum_ij c_i^dagger hopping_ij c_j`` (Hermitian). ``n_particles`` defaults to half filling
    (``n // 2``); the filled and empty levels must be separated by a gap.

    Examples
    --------
    >>> from tnrbm import exact
    >>> c = exact.hopping_ground_correlation(-np.array([[0, 1.0], [1.0, 0]]), 1)
    >>> c.round(12)
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    t = np.asarray(hopping)
    if t.ndim != 2 or t.shape[0] != t.shape[1] or not np.allclose(t, t.conj().T):
        raise InvalidParameterError(f"hopping must be a Hermitian square matrix; got shape {t.shape}")
    n = t.shape[0]
    _check_modes(n, 112, f"the ground state of {n} fermion modes")
    n_particles = n // 2 if n_particles is None else _int(n_particles, "n_particles", 0)
    if n_particles > n:
        raise InvalidParameterError(f"n_particles must be at most {n}; got {n_particles}")
    w, v = np.linalg.eigh(t)
    if 0 < n_particles < n and w[n_particles] - w[n_particles - 1] < 1e-10 * max(1.0, float(np.abs(w).max())):
        raise InvalidParameterError(
            f"the ground state with n_particles={n_particles} is degenerate (levels "
            f"{w[n_particles - 1]:.3g} and {w[n_particles]:.3g} meet); change the size or the boundary"
        )
    occ = v[:, :n_particles]
    return (occ.conj() @ occ.T).real if np.isrealobj(t) else occ.conj() @ occ.T


def free_fermion_entropy(
    matrix: np.ndarray, region: Any, kind: str = "hopping", n_particles: int | None = None
) -> float:
    """Peschel's entanglement entropy (nats) of a region of a free-fermion ground state.

    Parameters
    ----------
    matrix
        A Hermitian hopping matrix (``kind="hopping"``; its ground state at ``n_particles``, half
        filling by default) or a correlation matrix ``C_ij = <c_i^dagger c_j>`` (``kind="correlation"``).
    region
        Sites of A.

    Returns
    -------
    float
        ``-sum [zeta ln zeta + (1 - zeta) ln(1 - zeta)]`` over the eigenvalues of ``C_A``.

    Examples
    --------
    >>> from tnrbm import exact
    >>> t = -np.array([[0, 1.0], [1.0, 0]])  # one particle on a dimer: a Bell pair of modes
    >>> round(float(exact.free_fermion_entropy(t, [0]) / np.log(2)), 12)
    1.0
    """
    if kind not in ("hopping", "correlation"):
        raise InvalidParameterError(f"kind must be 'hopping' or 'correlation'; got {kind!r}")
    c = hopping_ground_correlation(matrix, n_particles) if kind == "hopping" else np.asarray(matrix)
    if c.ndim != 2 or c.shape[0] != c.shape[1]:
        raise InvalidParameterError(f"matrix must be square; got shape {c.shape}")
    idx = _region(region, c.shape[0])
    zeta = np.linalg.eigvalsh(c[np.ix_(idx, idx)])
    return float(np.sum(binary_entropy(zeta)))


def dimerized_hopping(n: int, m: float, periodic: bool = True) -> np.ndarray:
    """Hopping matrix of ``H = -sum_j t_j (c_j^dagger c_{j+1} + h.c.)``, ``t_j = 1 + (-1)**j m``.

    ``n`` must be even on a ring (so the dimerization closes).

    Examples
    --------
    >>> from tnrbm import exact
    >>> exact.dimerized_hopping(4, 0.5)[0].tolist()
    [0.0, -1.5, 0.0, -0.5]
    """
    n = _int(n, "n", 2)
    m = _real(m, "m")
    periodic = check_bool(periodic, "periodic")
    _check_modes(n, 8, f"the {n} x {n} hopping matrix")
    if periodic and n % 2:
        raise InvalidParameterError(f"n must be even on a ring (t_j alternates); got n={n}")
    t = np.zeros((n, n))
    bonds = n if periodic and n > 2 else n - 1
    for j in range(bonds):
        t[j, (j + 1) % n] = t[(j + 1) % n, j] = -(1.0 + (-1) ** j * m)
    return t


def dimerized_correlation_length(m: float) -> float:
    """``xi = 1 / artanh |m|`` in lattice sites (paper eq. 21: ``1/xi = (1/2) ln((1+|m|)/(1-|m|))``).

    Examples
    --------
    >>> from tnrbm import exact
    >>> round(exact.dimerized_correlation_length(np.tanh(0.25)), 12)
    4.0
    """
    m = _real(m, "m")
    if not 0 < abs(m) < 1:
        raise InvalidParameterError(f"m must satisfy 0 < |m| < 1 (gapped, not fully dimerized); got {m}")
    return float(1.0 / np.arctanh(abs(m)))


def dimerized_entropy(n: int, m: float, sizes: Any = None, periodic: bool = True) -> list[float]:
    """Half-filling entropies (nats) of blocks ``[0, l)`` of the dimerized chain, one per ``l`` in ``sizes``.

    Examples
    --------
    >>> from tnrbm import exact
    >>> s = exact.dimerized_entropy(40, 0.999, sizes=[2, 4])  # nearly decoupled dimers
    >>> [round(x, 3) for x in s]
    [0.0, 0.0]
    """
    n = _int(n, "n", 2)
    if sizes is None:
        sizes = range(1, n)
    c = hopping_ground_correlation(dimerized_hopping(n, m, periodic))
    return [free_fermion_entropy(c, range(_int(length, "sizes", 1)), kind="correlation") for length in sizes]
