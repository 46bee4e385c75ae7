"""Dense entanglement against an SVD of the brute-force state, and the entropy inequalities of pure states."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import (
    FAST_DBM_CASES,
    as_format,
    brute_force_psi,
    dbm_parameters,
    entropies,
    fixed_dbm_parameters,
    random_state,
    rbm_parameters,
    record_error,
    svd_spectrum,
)
from hypothesis import given, settings
from hypothesis import strategies as st

import tnrbm

INF = float("inf")
LN2 = math.log(2.0)


@st.composite
def regions(draw, n: int, allow_all: bool = False):
    """A non-empty region of ``n`` spins, in a random order (the package sorts it)."""
    size = draw(st.integers(1, n if allow_all else max(1, n - 1)))
    return draw(st.permutations(range(n)))[:size]


def check_against_svd(result, psi: np.ndarray, region, n: int, label: str) -> None:
    p = svd_spectrum(psi, region, n)
    ref = entropies(p)
    assert result.method == "dense"
    assert result.region == tuple(sorted(region)) and result.n_visible == n
    k = min(len(p), len(result.spectrum))
    assert np.all(result.spectrum[k:] < 1e-14) and np.all(p[k:] < 1e-14)
    spectrum_err = float(np.max(np.abs(result.spectrum[:k] - p[:k])))
    errors = {
        "entropy": abs(result.entropy - ref[1]),
        "renyi 2": abs(result.renyi[2] - ref[2]),
        "renyi inf": abs(result.renyi[INF] - ref[INF]),
        "spectrum": spectrum_err,
    }
    for name, err in errors.items():
        record_error(f"dense entanglement {label} {name} (abs, nats)", err)
    assert max(errors.values()) < 1e-10, errors


# --------------------------------------------------------------------------- against an SVD of brute force
@given(rbm_parameters(max_visible=10, max_hidden=5), st.data())
def test_rbm_dense_entanglement_equals_svd_of_brute_force(p, data):
    rbm = tnrbm.RBM(as_format(p["W"], p["fmt"]), p["a"], p["b"], hidden=p["hidden"])
    n = rbm.n_visible
    region = data.draw(regions(n, allow_all=True))
    psi = brute_force_psi([p["W"]], [p["a"], p["b"]], p["hidden"])
    res = tnrbm.entanglement(rbm, region, method="dense", renyi=(2, INF))
    check_against_svd(res, psi, region, n, "RBM")
    assert tnrbm.entanglement(rbm, region, method="auto", renyi=(2, INF)).entropy == pytest.approx(
        res.entropy, abs=1e-12
    )


def check_dbm_entanglement(p: dict, region) -> None:
    dbm = tnrbm.DBM([as_format(w, p["fmt"]) for w in p["weights"]], p["biases"], hidden=p["hidden"])
    psi = brute_force_psi(p["weights"], p["biases"], p["hidden"])
    res = tnrbm.entanglement(dbm, region, method="dense", renyi=(2, INF))
    check_against_svd(res, psi, region, dbm.n_visible, "DBM")


@pytest.mark.parametrize("sizes, hidden, complex_, fmt", FAST_DBM_CASES)
@given(seed=st.integers(0, 2**32 - 1), data=st.data())
@settings(max_examples=2)
def test_dbm_dense_entanglement_equals_svd_of_brute_force(sizes, hidden, complex_, fmt, seed, data):
    check_dbm_entanglement(fixed_dbm_parameters(sizes, hidden, complex_, fmt, seed), data.draw(regions(sizes[0])))


@given(dbm_parameters(max_visible=8), st.data())
def test_dbm_dense_entanglement_of_random_shapes_equals_svd(p, data):
    """Random shapes and densities, two and three hidden layers."""
    check_dbm_entanglement(p, data.draw(regions(p["sizes"][0])))


@given(st.integers(1, 10), st.integers(0, 2**32 - 1), st.data())
def test_state_vector_dense_entanglement_equals_svd(n, seed, data):
    psi = random_state(n, np.random.default_rng(seed))
    region = data.draw(regions(n, allow_all=True))
    scaled = 3.7 * psi  # normalized inside
    check_against_svd(tnrbm.entanglement(scaled, region, renyi=(2, INF)), psi, region, n, "state vector")


def test_known_states():
    n = 5
    ghz = np.zeros(2**n)
    ghz[0] = ghz[-1] = 1.0
    product = np.kron(np.array([1.0, 1.0]), np.ones(2 ** (n - 1)))  # |+>^n
    bell_pairs = np.kron(np.kron(np.array([1, 0, 0, 1.0]), np.array([0, 1, -1.0, 0])), np.array([1.0, 0.0]))
    for region in ([0], [1, 3], [0, 1, 2, 3]):
        r = tnrbm.entanglement(ghz, region, renyi=(0, 2, INF))
        assert r.entropy == pytest.approx(LN2, abs=1e-14)
        assert all(v == pytest.approx(LN2, abs=1e-14) for v in r.renyi.values())
        assert tnrbm.entanglement(product, region).entropy == pytest.approx(0.0, abs=1e-14)
    # Bell pairs on (0, 1) and (2, 3), spin 4 alone: S counts the pairs cut
    assert tnrbm.entanglement(bell_pairs, [0]).entropy == pytest.approx(LN2, abs=1e-14)
    assert tnrbm.entanglement(bell_pairs, [0, 1]).entropy == pytest.approx(0.0, abs=1e-14)
    assert tnrbm.entanglement(bell_pairs, [1, 2]).entropy == pytest.approx(2 * LN2, abs=1e-14)
    assert tnrbm.entanglement(bell_pairs, [4]).entropy == pytest.approx(0.0, abs=1e-14)
    assert tnrbm.entanglement(bell_pairs, [1, 2], base=2).entropy == pytest.approx(2.0, abs=1e-14)


def test_an_rbm_with_one_hidden_unit_on_two_spins_has_the_analytic_entropy():
    """psi(v1, v2) = 2 cosh(w (v1 + v2)): Schmidt values from the 2x2 matrix [[c2, 2], [2, c2]], c2 = 2 cosh 2w."""
    w = 0.37
    rbm = tnrbm.RBM(np.array([[w], [w]]))
    c2 = 2 * math.cosh(2 * w)
    singular = np.array([c2 + 2, abs(c2 - 2)])
    p = singular**2 / np.sum(singular**2)
    s = -float(np.sum(p * np.log(p)))
    res = tnrbm.entanglement(rbm, [0], renyi=(2, INF))
    assert res.entropy == pytest.approx(s, abs=1e-14)
    assert res.renyi[2] == pytest.approx(-math.log(np.sum(p**2)), abs=1e-14)
    assert res.renyi[INF] == pytest.approx(-math.log(p.max()), abs=1e-14)


# --------------------------------------------------------------------------- properties of pure states
@st.composite
def pure_states(draw, max_n: int = 9):
    """A random state vector: a Haar-random vector or a random RBM state (both complex)."""
    n = draw(st.integers(2, max_n))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if draw(st.booleans()):
        return n, random_state(n, rng)
    m = draw(st.integers(1, 6))
    scale = draw(st.sampled_from([0.2, 0.6, 1.5]))
    w = rng.normal(0, scale, (n, m)) + 1j * rng.normal(0, scale, (n, m))
    psi = brute_force_psi([w], [None, rng.normal(0, scale, m)], draw(st.sampled_from(["spin", "binary"])))
    return n, psi / np.linalg.norm(psi)


@given(pure_states(), st.data())
def test_pure_state_entropy_is_symmetric_and_bounded(state, data):
    n, psi = state
    region = data.draw(regions(n))
    rest = sorted(set(range(n)) - set(region))
    a = tnrbm.entanglement(psi, region, renyi=(0, 2, 3, INF))
    b = tnrbm.entanglement(psi, rest, renyi=(0, 2, 3, INF))
    assert a.entropy == pytest.approx(b.entropy, abs=1e-10)
    for alpha in (0, 2, 3, INF):
        assert a.renyi[alpha] == pytest.approx(b.renyi[alpha], abs=1e-10)
    bound = min(len(region), len(rest)) * LN2
    assert a.trivial_bound == pytest.approx(bound, abs=1e-15)
    assert -1e-12 <= a.entropy <= bound + 1e-10
    # Renyi entropies decrease with the order: S_inf <= S_3 <= S_2 <= S_1 <= S_0
    chain = [a.renyi[INF], a.renyi[3], a.renyi[2], a.entropy, a.renyi[0]]
    assert all(x <= y + 1e-10 for x, y in zip(chain, chain[1:])), chain
    assert a.renyi[0] <= bound + 1e-10
    # the spectrum: descending probabilities summing to one
    assert np.all(a.spectrum >= 0) and np.all(np.diff(a.spectrum) <= 1e-15)
    assert a.spectrum.sum() == pytest.approx(1.0, abs=1e-12)


@given(pure_states(), st.data(), st.sampled_from([2, 10, math.e, 3.5]))
def test_base_converts_units(state, data, base):
    n, psi = state
    region = data.draw(regions(n))
    nats = tnrbm.entanglement(psi, region, renyi=(2, INF))
    other = tnrbm.entanglement(psi, region, renyi=(2, INF), base=base)
    assert other.base == base
    assert other.entropy == pytest.approx(nats.entropy / math.log(base), abs=1e-12)
    for alpha in (2, INF):
        assert other.renyi[alpha] == pytest.approx(nats.renyi[alpha] / math.log(base), abs=1e-12)
    assert other.trivial_bound == pytest.approx(nats.trivial_bound / math.log(base), abs=1e-14)
    np.testing.assert_allclose(other.spectrum, nats.spectrum, atol=1e-15)


@given(pure_states(), st.data())
def test_subadditivity_and_araki_lieb(state, data):
    """For disjoint A, B: |S_A - S_B| <= S_AB <= S_A + S_B; and strong subadditivity S_AB + S_BC >= S_B + S_ABC."""
    n, psi = state
    labels = data.draw(st.lists(st.sampled_from("ABCD"), min_size=n, max_size=n))
    part = {x: [i for i, lab in enumerate(labels) if lab == x] for x in "ABC"}

    def s(*names):
        sites = sorted(i for x in names for i in part[x])
        return tnrbm.entanglement(psi, sites).entropy if sites else 0.0

    s_a, s_b, s_ab = s("A"), s("B"), s("A", "B")
    assert s_ab <= s_a + s_b + 1e-10
    assert abs(s_a - s_b) <= s_ab + 1e-10
    assert s("A", "B") + s("B", "C") >= s("B") + s("A", "B", "C") - 1e-10


def test_whole_system_has_zero_entropy():
    psi = random_state(4, np.random.default_rng(0))
    res = tnrbm.entanglement(psi, [0, 1, 2, 3], renyi=(2, INF))
    assert res.entropy == pytest.approx(0.0, abs=1e-14) and res.trivial_bound == 0.0
    assert res.renyi[2] == pytest.approx(0.0, abs=1e-14)
