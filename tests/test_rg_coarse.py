"""tnrbm.rg.coarse: K~ against least-squares fits, eq. 11 / 16 by brute force, Delta F against closed forms."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from rg_reference import log_sum_exp, spins

import tnrbm
from tnrbm.errors import InvalidParameterError
from tnrbm.rg import coarse
from tnrbm.rg.decimation import decimation_rbm
from tnrbm.rg.hamiltonian import SpinHamiltonian, random_hamiltonian


def brute_minus_h_rbm(rbm, hs):
    """-H^RBM(h) = log sum_v exp(a.v + b.h + v W h), by enumerating v."""
    w = rbm.W.toarray()
    vs = spins(rbm.n_visible)
    logs = (vs @ rbm.visible_bias)[:, None] + (hs @ rbm.hidden_bias)[None, :] + vs @ w @ hs.T
    return np.array([log_sum_exp(logs[:, k]) for k in range(hs.shape[0])])


def lstsq_couplings(values, hs):
    subsets = [s for r in range(hs.shape[1] + 1) for s in itertools.combinations(range(hs.shape[1]), r)]
    design = np.stack([np.prod(hs[:, list(s)], axis=1) for s in subsets], axis=1)
    coef = np.linalg.lstsq(design, values, rcond=None)[0]
    return dict(zip(subsets, coef))


@pytest.mark.parametrize("hidden", ["spin", "binary"])
@pytest.mark.parametrize("seed", [0, 1])
def test_walsh_hadamard_couplings_equal_least_squares_fit(hidden, seed):
    rbm = tnrbm.models.random_rbm(5, 6, hidden=hidden, scale=0.8, seed=seed)
    hs = spins(6) if hidden == "spin" else (1 - spins(6)) / 2
    ref = lstsq_couplings(brute_minus_h_rbm(rbm, hs), hs)
    got = coarse.coarse_couplings(rbm)
    assert set(got) == set(ref)
    for s in ref:
        assert got[s] == pytest.approx(ref[s], abs=1e-10), s
    for s in [(), (0,), (1, 3), (0, 2, 5), (0, 1, 2, 3, 4, 5)]:  # local route, any size
        assert coarse.coarse_coupling(rbm, s) == pytest.approx(ref[s], abs=1e-10)


def test_local_route_on_a_sparse_rbm_equals_fit():
    rng = np.random.default_rng(4)
    w = rng.normal(size=(7, 6)) * (rng.random((7, 6)) < 0.4)
    rbm = tnrbm.RBM(w, visible_bias=rng.normal(size=7) * 0.3, hidden_bias=rng.normal(size=6) * 0.3)
    ref = lstsq_couplings(brute_minus_h_rbm(rbm, spins(6)), spins(6))
    for s, val in ref.items():
        assert coarse.coarse_coupling(rbm, s) == pytest.approx(val, abs=1e-10), s


def test_max_order_keeps_low_orders():
    rbm = tnrbm.models.random_rbm(3, 4, seed=2)
    assert max(len(s) for s in coarse.coarse_couplings(rbm, max_order=2)) == 2


def test_mehta_schwab_gives_h_rg_equal_h_rbm():
    """eq. 16: T = -E + H makes H^RG (eq. 11, summed over v) equal H^RBM (closed form)."""
    ham = random_hamiltonian(6, order=3, seed=7)
    rbm = tnrbm.models.random_rbm(6, 4, seed=8)
    hs = spins(4)
    hrg = coarse.hamiltonian_rg(ham, coarse.mehta_schwab_transform(ham, rbm), hs)
    np.testing.assert_allclose(hrg, -brute_minus_h_rbm(rbm, hs), rtol=1e-12, atol=1e-12)


def test_decimation_transform_gives_tanh_squared():
    """eq. 11 with T = log delta(h, v_even) on an open chain of 5 spins: K' with tanh K' = tanh^2 K."""
    k = 0.8
    ham = SpinHamiltonian(5, {(i, i + 1): k for i in range(4)})
    decimate = lambda v, h: np.where(np.all(v[..., [0, 2, 4]] == h, axis=-1), 0.0, -np.inf)  # noqa: E731
    hs = spins(3)
    hrg = coarse.hamiltonian_rg(ham, decimate, hs)
    fit = lstsq_couplings(-hrg, hs)
    kp = math.atanh(math.tanh(k) ** 2)
    assert fit[(0, 1)] == pytest.approx(kp, abs=1e-12)
    assert fit[(1, 2)] == pytest.approx(kp, abs=1e-12)
    assert fit[(0, 2)] == pytest.approx(0.0, abs=1e-12)


def closed_form_marginal(n, k):
    """The visible (odd-site) marginal of the periodic 2n chain: chain of n with tanh K' = tanh^2 K, constant."""
    kp = math.atanh(math.tanh(k) ** 2)
    g = math.log(2.0) + 0.5 * math.log(math.cosh(2 * k))
    return SpinHamiltonian(n, {(i, (i + 1) % n): kp for i in range(n)}, constant=-n * g)


@pytest.mark.parametrize("n", [4, 16, 200])
def test_delta_f_zero_for_exact_decimation_rbm(n):
    k = 1.0
    ham, rbm = closed_form_marginal(n, k), decimation_rbm(n, k)
    assert abs(coarse.free_energy_difference(ham, rbm)) <= 1e-12 * max(1.0, n / 16)
    if n <= 16:
        v = spins(n)[:: max(1, 2**n // 512)]
        np.testing.assert_allclose(coarse.normalization_defect(ham, rbm, v), 0.0, atol=1e-12)


def chain_log_z(n, k):
    return n * math.log(2 * math.cosh(k)) + math.log1p(math.tanh(k) ** n)


@pytest.mark.parametrize("eps", [0.05, 0.3])
def test_delta_f_positive_for_weakened_decimation_rbm(eps):
    n, k = 32, 1.0
    ham, rbm = closed_form_marginal(n, k), decimation_rbm(n, k * (1 - eps))
    df = coarse.free_energy_difference(ham, rbm)
    assert df > 0
    assert df == pytest.approx(chain_log_z(2 * n, k) - chain_log_z(2 * n, k * (1 - eps)), rel=1e-10)


def test_delta_f_brute_force_definition():
    """F^h - F^v from eq. 11 summed by brute force equals free_energy_difference (perturbed RBM)."""
    ham = random_hamiltonian(6, order=2, seed=3)
    rbm = tnrbm.models.random_rbm(6, 3, seed=4)
    hrg = coarse.hamiltonian_rg(ham, coarse.mehta_schwab_transform(ham, rbm), spins(3))
    f_h = -log_sum_exp(-hrg)
    v = spins(6)
    minus_h = sum(kk * np.prod(v[:, list(s)], axis=1) for s, kk in ham.terms.items()) - ham.constant
    f_v = -log_sum_exp(minus_h)
    assert coarse.free_energy_difference(ham, rbm) == pytest.approx(f_h - f_v, rel=1e-12, abs=1e-12)


def test_transforms_of_known_functions():
    # f(h1, h2) = 1 + 2 h1 - 3 h1 h2 on spins and on 0/1 values
    hs = spins(2)
    np.testing.assert_allclose(coarse.walsh_hadamard(1 + 2 * hs[:, 0] - 3 * hs[:, 0] * hs[:, 1]), [1, 0, 2, -3])
    bs = (1 - hs) / 2
    np.testing.assert_allclose(coarse.moebius(1 + 2 * bs[:, 0] - 3 * bs[:, 0] * bs[:, 1]), [1, 0, 2, -3])


def test_errors():
    with pytest.raises(InvalidParameterError, match="M <= 24"):
        coarse.coarse_couplings(tnrbm.RBM(np.zeros((1, 30))))
    with pytest.raises(InvalidParameterError, match="subset"):
        coarse.coarse_coupling(tnrbm.RBM(np.zeros((1, 3))), [0, 7])
    with pytest.raises(InvalidParameterError, match="agree"):
        coarse.free_energy_difference(random_hamiltonian(4, seed=0), tnrbm.RBM(np.zeros((3, 1))))
