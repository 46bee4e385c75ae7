"""tnrbm.rg.energy and tnrbm.rg.hamiltonian against brute force, closed forms and Kaufman's exact torus."""

from __future__ import annotations

import math

import numpy as np
import pytest
from rg_reference import brute_log_z_terms, kaufman_log_z, log_sum_exp, spins, torus_terms

import tnrbm
from tnrbm.errors import InvalidConfigurationError, InvalidParameterError, MemoryLimitError
from tnrbm.rg import energy as en
from tnrbm.rg.hamiltonian import SpinHamiltonian, ising_chain, ising_torus, random_hamiltonian


def chain_log_z(n: int, k: float) -> float:
    """log((2 cosh K)^N + (2 sinh K)^N), written without overflow."""
    return n * math.log(2 * math.cosh(k)) + math.log1p(math.tanh(k) ** n)


def brute_energy_rbm(rbm, v, h):
    w = rbm.W.toarray()
    return -(v @ rbm.visible_bias + h @ rbm.hidden_bias + np.einsum("bi,ij,bj->b", v, w, h))


@pytest.mark.parametrize("hidden", ["spin", "binary"])
def test_energy_and_log_z_match_brute_force(hidden):
    rbm = tnrbm.models.random_rbm(5, 3, hidden=hidden, seed=3)
    vs, hs = spins(5), spins(3) if hidden == "spin" else (1 - spins(3)) / 2
    v = np.repeat(vs, len(hs), axis=0)
    h = np.tile(hs, (len(vs), 1))
    e = brute_energy_rbm(rbm, v, h)
    np.testing.assert_allclose(en.energy(rbm, v, h), e, rtol=1e-13, atol=1e-13)
    assert en.log_partition(rbm) == pytest.approx(log_sum_exp(-e), rel=1e-13)
    # p(v) and p(h): marginals of the brute-force joint table
    joint = np.exp(-e - log_sum_exp(-e)).reshape(len(vs), len(hs))
    np.testing.assert_allclose(np.exp(en.log_marginal_visible(rbm, vs)), joint.sum(1), rtol=1e-12)
    np.testing.assert_allclose(np.exp(en.log_marginal_hidden(rbm, hs)), joint.sum(0), rtol=1e-12)
    assert en.free_energy(rbm) == pytest.approx(-log_sum_exp(-e), rel=1e-13)


def test_dbm_log_z_matches_brute_force():
    dbm = tnrbm.models.random_dbm([4, 3, 2], seed=5)
    a, b1, b2 = (x.real for x in dbm.biases)
    w1, w2 = (m.toarray() for m in dbm.couplings)
    total = []
    for v in spins(4):
        for h1 in spins(3):
            for h2 in spins(2):
                total.append(v @ a + h1 @ b1 + h2 @ b2 + v @ w1 @ h1 + h1 @ w2 @ h2)
    assert en.log_partition(dbm) == pytest.approx(log_sum_exp(np.array(total)), rel=1e-13)
    e = en.energy(dbm, spins(4)[:1], spins(3)[:1], spins(2)[:1])
    assert float(e[0]) == pytest.approx(-total[0], rel=1e-13)


@pytest.mark.parametrize("n", [3, 10, 101, 1000, 10_000])
def test_periodic_chain_log_z_closed_form(n):
    """Hamiltonian contraction route: log Z to 1e-12 relative, N up to 10^4 (overflow-free)."""
    k = 0.7
    lz = ising_chain(n, k).log_partition()
    assert abs(lz - chain_log_z(n, k)) <= 1e-12 * abs(chain_log_z(n, k))


@pytest.mark.parametrize("n", [3, 64, 2000])
def test_periodic_chain_rbm_log_z_closed_form(n):
    """RBM route (one hidden unit per bond): log Z_RBM + offset = closed form to 1e-12 relative."""
    for k in (0.7, -0.35):
        rbm, offset = ising_chain(n, k).to_rbm()
        ref = (
            chain_log_z(n, abs(k))
            if n % 2 == 0 or k > 0
            else n * math.log(2 * math.cosh(k)) + math.log1p(-(math.tanh(abs(k)) ** n))
        )
        assert abs(en.log_partition(rbm) + offset - ref) <= 1e-12 * abs(ref)


@pytest.mark.slow
def test_periodic_chain_rbm_log_z_ten_thousand():
    rbm, offset = ising_chain(10_000, 0.7).to_rbm()
    ref = chain_log_z(10_000, 0.7)
    assert abs(en.log_partition(rbm) + offset - ref) <= 1e-12 * ref


@pytest.mark.parametrize("size", [3, 4, 6, 8, 10])
@pytest.mark.parametrize("k", [0.3, 0.4406868, 0.6])
def test_torus_log_z_kaufman(size, k):
    lz = ising_torus(size, k).log_partition()
    assert lz == pytest.approx(kaufman_log_z(size, k), rel=1e-10, abs=1e-10)


@pytest.mark.slow
def test_torus_log_z_kaufman_12():
    assert ising_torus(12, 0.4406868).log_partition() == pytest.approx(kaufman_log_z(12, 0.4406868), rel=1e-10)


def test_torus_rbm_log_z_kaufman():
    rbm, offset = ising_torus(6, 0.5).to_rbm()
    assert en.log_partition(rbm) + offset == pytest.approx(kaufman_log_z(6, 0.5), rel=1e-10)


def test_kaufman_reference_is_brute_force_on_4x4():
    for k in (0.2, 0.6):
        assert kaufman_log_z(4, k) == pytest.approx(brute_log_z_terms(16, torus_terms(4, k)), rel=1e-13)


@pytest.mark.parametrize("seed", range(4))
def test_multispin_log_z_brute_force(seed):
    n = 10 + 2 * seed  # up to 16 spins
    ham = random_hamiltonian(n, order=4, n_terms=3 * n, scale=0.6, seed=seed)
    assert ham.order >= 3
    ref = brute_log_z_terms(n, ham.terms, ham.constant)
    assert ham.log_partition() == pytest.approx(ref, rel=1e-12)
    v = spins(n)[:50]
    e_ref = -sum(kk * np.prod(v[:, list(s)], axis=1) for s, kk in ham.terms.items())
    np.testing.assert_allclose(ham.energy(v), e_ref, rtol=1e-12, atol=1e-12)


def test_pair_hamiltonian_rbm_is_exact():
    rng = np.random.default_rng(0)
    terms = {(i, j): rng.normal() for i in range(6) for j in range(i + 1, 6) if rng.random() < 0.6}
    terms.update({(i,): rng.normal() for i in range(6)})
    ham = SpinHamiltonian(6, terms, constant=0.3)
    rbm, offset = ham.to_rbm()
    v = spins(6)
    logs = sum(kk * np.prod(v[:, list(s)], axis=1) for s, kk in terms.items()) - 0.3
    np.testing.assert_allclose(rbm.log_amplitude(v) + offset, logs, rtol=1e-12, atol=1e-12)
    assert rbm.n_hidden == len([s for s in terms if len(s) == 2])


def test_errors_name_the_argument():
    with pytest.raises(InvalidParameterError, match="complex"):
        en.log_partition(tnrbm.models.random_rbm(3, 2, complex=True, seed=0))
    with pytest.raises(
        InvalidConfigurationError, match=r"hidden\[0\] must hold spin values \[1.0, -1.0\]; got the value 0"
    ):
        en.energy(tnrbm.RBM([[0.1]]), [1], [0])
    with pytest.raises(InvalidParameterError, match="3-spin term"):
        SpinHamiltonian(3, {(0, 1, 2): 1.0}).to_rbm()
    with pytest.raises(InvalidParameterError, match="repeat a spin"):
        SpinHamiltonian(3, {(0, 0): 1.0})
    with pytest.raises(InvalidParameterError, match=r"\[0, 3\)"):
        SpinHamiltonian(3, {(0, 5): 1.0})
    with pytest.raises(MemoryLimitError, match="needs about"):
        ising_torus(10, 0.4).log_partition(max_memory=2**12)


@pytest.mark.parametrize("size", [3, 4, 6, 8])
@pytest.mark.parametrize("k", [0.3, 0.4406868])
def test_torus_log_z_kaufman_contraction_route(size, k):
    """The generic contraction (method='contract'; 'auto' now takes the transfer matrix for a torus)."""
    lz = ising_torus(size, k).log_partition(method="contract")
    assert lz == pytest.approx(kaufman_log_z(size, k), rel=1e-10, abs=1e-10)


@pytest.mark.slow
def test_torus_log_z_kaufman_transfer_route_16():
    """L = 16 (the contraction would need a 2^32-entry intermediate): the transfer route, by default."""
    assert ising_torus(16, 0.6).log_partition() == pytest.approx(kaufman_log_z(16, 0.6), rel=1e-10)
