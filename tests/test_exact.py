"""Free-fermion references (tnrbm.exact) against exact diagonalization and analytic limits."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import record_error, svd_spectrum
from hypothesis import given
from hypothesis import strategies as st

from tnrbm import ed, exact
from tnrbm.errors import InvalidParameterError, InvalidRegionError


def svd_entropy(psi: np.ndarray, region, n: int) -> float:
    p = svd_spectrum(psi, region, n)
    p = p[p > 1e-300]
    return float(-np.sum(p * np.log(p)))


def momentum_energy(n: int, J: float, h: float) -> float:  # noqa: N803
    """Even-parity sector, antiperiodic fermions, written out here."""
    k = (2 * np.arange(n) + 1) * np.pi / n
    return float(-np.sum(np.sqrt(J**2 + h**2 - 2 * J * h * np.cos(k))))


def _ed_vs_free_fermions(n: int, h: float) -> None:
    e_ed = ed.ground_state(ed.tfim(n, J=1.0, h=h)).energy
    e_ff = exact.tfim_ground_energy(n, J=1.0, h=h)
    record_error("TFIM ED vs free-fermion energy", abs(e_ed - e_ff))
    assert abs(e_ed - e_ff) < 1e-9
    assert abs(e_ff - momentum_energy(n, 1.0, h)) < 1e-12


@pytest.mark.parametrize("h", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("n", [8, 9, 10, 11, 12, 13, 14])
def test_tfim_ed_energy_equals_free_fermions(n, h):
    _ed_vs_free_fermions(n, h)


@pytest.mark.slow
@pytest.mark.parametrize("h", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("n", [16, 18, 20])
def test_tfim_ed_energy_equals_free_fermions_large(n, h):
    _ed_vs_free_fermions(n, h)


@given(st.integers(3, 40), st.floats(0.0, 3.0), st.floats(0.0, 3.0))
def test_tfim_energy_limits_and_symmetries(n, J, h):  # noqa: N803
    e = exact.tfim_ground_energy(n, J=J, h=h)
    assert e == pytest.approx(exact.tfim_ground_energy(n, J=J, h=-h), abs=1e-12)
    # Kramers-Wannier duality J <-> h holds in the thermodynamic limit; bounds hold always:
    assert e <= -n * max(J, h) + 1e-9  # variational: the classical and the paramagnetic product states
    assert e >= -n * (J + h) - 1e-9  # each term is bounded by its coefficient
    if n % 2 == 0:
        assert e == pytest.approx(exact.tfim_ground_energy(n, J=-J, h=h), abs=1e-12)


def test_tfim_energy_trivial_limits():
    assert exact.tfim_ground_energy(7, J=0.0, h=1.3) == pytest.approx(-7 * 1.3, abs=1e-12)
    assert exact.tfim_ground_energy(7, J=1.1, h=0.0) == pytest.approx(-7 * 1.1, abs=1e-12)
    # critical point: E0 = -2 / sin(pi / 2N) exactly (sum of cos over antiperiodic momenta)
    for n in (8, 33):
        assert exact.tfim_ground_energy(n, 1.0, 1.0) == pytest.approx(-2 / math.sin(math.pi / (2 * n)), rel=1e-13)


@pytest.mark.parametrize("h", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("periodic", [True, False])
def test_tfim_entropies_equal_ed_at_12_spins(h, periodic):
    n = 12
    psi = ed.ground_state(ed.tfim(n, J=1.0, h=h, periodic=periodic)).vector
    regions = [list(range(length)) for length in range(1, n)] + [[3, 4, 5, 6], [10, 11, 0, 1]]
    if not periodic:
        regions = regions[:-1]
    profile = exact.tfim_entropy_profile(n, J=1.0, h=h, periodic=periodic, regions=regions)
    for region, s_ff in zip(regions, profile):
        s_ed = svd_entropy(psi, region, n)
        record_error("TFIM Majorana entropy vs ED (N=12)", abs(s_ff - s_ed))
        assert abs(s_ff - s_ed) < 1e-9


def test_tfim_entropy_rejects_non_contiguous_regions():
    with pytest.raises(InvalidRegionError, match="contiguous"):
        exact.tfim_entropy(8, [0, 2])
    with pytest.raises(InvalidRegionError, match="contiguous"):
        exact.tfim_entropy(8, [7, 0], periodic=False)
    assert exact.tfim_entropy(8, [7, 0]) == pytest.approx(exact.tfim_entropy(8, [0, 1]), abs=1e-12)


def test_hopping_chain_entropies_equal_ed():
    """H = -sum t_j (c_j^+ c_{j+1} + h.c.) on an open chain is -sum t_j / 2 (X X + Y Y) by Jordan-Wigner."""
    n, m = 10, 0.3  # m > 0: the end bonds are strong, no edge modes, a unique half-filled ground state
    t = [1 + (-1) ** j * m for j in range(n - 1)]
    spin_h = ed.pauli_sum(n, [(-tj / 2, ops, (j, j + 1)) for j, tj in enumerate(t) for ops in ("XX", "YY")])
    psi = ed.ground_state(spin_h).vector
    hop = exact.dimerized_hopping(n, m, periodic=False)
    for length in range(1, n):
        s_ff = exact.free_fermion_entropy(hop, range(length))
        s_ed = svd_entropy(psi, range(length), n)
        record_error("hopping-chain Peschel entropy vs ED", abs(s_ff - s_ed))
        assert abs(s_ff - s_ed) < 1e-9
    # the same through the correlation matrix
    c = exact.hopping_ground_correlation(hop)
    assert exact.free_fermion_entropy(c, [0, 1, 2], kind="correlation") == pytest.approx(
        svd_entropy(psi, [0, 1, 2], n), abs=1e-9
    )


@pytest.mark.parametrize("m", [0.1, 0.2, 0.4])
def test_dimerized_correlations_decay_with_artanh_mass(m):
    xi = exact.dimerized_correlation_length(m)
    assert 1 / xi == pytest.approx(0.5 * math.log((1 + m) / (1 - m)), rel=1e-14)  # paper eq. 21
    n = 2 * int(40 * xi) + 2
    c = exact.hopping_ground_correlation(exact.dimerized_hopping(n, m))
    r = np.arange(int(4 * xi) | 1, int(12 * xi), 2)  # odd distances (even ones vanish at half filling)
    rate = -np.polyfit(r, np.log(np.abs(c[0, r])) + 0.5 * np.log(r), 1)[0]
    record_error("dimerized chain decay rate * xi - 1", abs(rate * xi - 1))
    assert rate * xi == pytest.approx(1.0, abs=0.01)


def test_dimerized_entropy_saturates_beyond_xi_and_grows_with_xi():
    """Area law: blocks much longer than xi all have the same entropy, which grows with xi."""
    sat = []
    for m in (0.4, 0.2, 0.1):
        xi = exact.dimerized_correlation_length(m)
        n = 2 * int(30 * xi) + 2
        s = exact.dimerized_entropy(n, m, sizes=[2 * int(5 * xi), 2 * int(10 * xi), 2 * int(5 * xi) + 1])
        assert abs(s[0] - s[1]) < 1e-6  # same parity of the cut bonds, 5 xi and 10 xi: saturated
        sat.append(s[0] + s[2])
    assert sat == sorted(sat)


def test_majorana_entropy_of_product_and_pairs():
    # J = 0: the product state |+>^n, zero entropy everywhere
    assert exact.tfim_entropy(6, [0, 1, 2], J=1.0, h=1e9) < 1e-12
    # h -> 0: even-sector GHZ state, ln 2 for every block
    for length in range(1, 6):
        assert exact.tfim_entropy(6, range(length), J=1.0, h=0.0) == pytest.approx(math.log(2), abs=1e-9)


def test_bad_input():
    with pytest.raises(InvalidParameterError, match="n must"):
        exact.tfim_ground_energy(2)
    with pytest.raises(InvalidParameterError, match="odd n"):
        exact.tfim_ground_energy(5, J=-1.0)
    with pytest.raises(InvalidParameterError, match="m must"):
        exact.dimerized_correlation_length(1.0)
    with pytest.raises(InvalidParameterError, match="even"):
        exact.dimerized_hopping(5, 0.2)
    with pytest.raises(InvalidParameterError, match="degenerate"):
        exact.hopping_ground_correlation(exact.dimerized_hopping(8, 0.0))  # zero modes at k = +-pi/2
    with pytest.raises(InvalidRegionError):
        exact.free_fermion_entropy(exact.dimerized_hopping(6, 0.2), [0, 9])
    with pytest.raises(InvalidParameterError, match="kind"):
        exact.free_fermion_entropy(np.eye(2), [0], kind="bdg")


def _saturated_entropy(m: float) -> tuple[float, float]:
    xi = exact.dimerized_correlation_length(m)
    n = 2 * int(20 * xi) + 2
    half = n // 2 if (n // 2) % 2 else n // 2 - 1  # odd block: one strong and one weak bond cut
    return xi, exact.dimerized_entropy(n, m, sizes=[half])[0]


@pytest.mark.slow
def test_dimerized_saturated_entropy_grows_like_one_third_ln_xi():
    """Calabrese-Cardy: S_sat = (c/3) ln xi + const for a block with two ends, c = 1 (Dirac fermion)."""
    points = [_saturated_entropy(m) for m in (0.2, 0.1, 0.05)]
    slopes = [(s2 - s1) / math.log(x2 / x1) for (x1, s1), (x2, s2) in zip(points, points[1:])]
    assert slopes == sorted(slopes)  # approaching 1/3 from below as xi grows
    assert slopes[-1] == pytest.approx(1 / 3, abs=0.015)
