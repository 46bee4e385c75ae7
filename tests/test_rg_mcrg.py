"""Monte Carlo RG and the streaming Swendsen-Wang sampler, against exact references: the 1D decimation
flow (tanh K' = tanh^2 K and its field), explicit loops for the operators, scipy's connected components
for the label propagation, and exact transfer-matrix energies of small tori."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

import tnrbm
from tnrbm.errors import InvalidParameterError
from tnrbm.rg import blocking, clusters, flow, mcrg
from tnrbm.rg.coarse import coarse_couplings
from tnrbm.rg.decimation import decimation_step
from tnrbm.rg.sampling import CRITICAL_COUPLING
from tnrbm.rg.transfer import ising_torus_log_partition


@pytest.mark.parametrize("coupling", [0.6, 1.2])
def test_chain_decimation_eigenvalues_match_exact_flow(coupling):
    """On a ring, decimation maps (K, B) exactly to (K', B'): T is dK'/dK and dB'/dB at B = 0."""
    [res] = mcrg.mcrg((64,), coupling, blocking.decimation_rule(2, dim=1), levels=2, n_samples=3000, seed=2)
    eps = 1e-6
    k1 = decimation_step(coupling)[0]
    for level, k in enumerate((coupling, k1)):
        lam_t = (decimation_step(k + eps)[0] - decimation_step(k - eps)[0]) / (2 * eps)
        lam_h = (decimation_step(k, eps)[1] - decimation_step(k, -eps)[1]) / (2 * eps)
        yt, yh = math.log2(lam_t), math.log2(lam_h)
        assert abs(res.y_t[level, 0] - yt) < 4 * res.y_t_error[level, 0]
        assert abs(res.y_h[level, 0] - yh) < 4 * res.y_h_error[level, 0]
        assert res.y_t_error[level, 0] < 0.1 and res.y_h_error[level, 0] < 0.05  # the check has teeth


def test_linearized_map_recovers_a_known_linear_map():
    """S^(1) = M S^(0) + noise independent of S^(0): A = M Cov0, C = M Cov0 M^T + N, T = C^-1 A."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200_000, 2)) @ np.array([[1.0, 0.3], [0.0, 0.8]])
    m = np.array([[1.5, 0.2], [0.1, 0.7]])
    y = x @ m.T
    ops = np.stack([x, y], axis=1)
    cov = np.cov(x.T, bias=True)
    ref = np.linalg.solve(m @ cov @ m.T, m @ cov)  # = inverse of M^T
    assert np.allclose(mcrg.linearized_map(ops, 0, 2), ref, atol=1e-10)
    assert np.allclose(ref, np.linalg.inv(m.T), atol=1e-10)


def _loop_even(s):
    n, lx, ly = s.shape
    out = np.zeros((n, 4))
    for k in range(n):
        for i in range(lx):
            for j in range(ly):
                a = s[k, i, j]
                r, d, rd = s[k, (i + 1) % lx, j], s[k, i, (j + 1) % ly], s[k, (i + 1) % lx, (j + 1) % ly]
                out[k, 0] += a * (r + d)
                out[k, 1] += a * (rd + s[k, (i + 1) % lx, (j - 1) % ly])
                out[k, 2] += a * r * d * rd
                out[k, 3] += a * (s[k, (i + 2) % lx, j] + s[k, i, (j + 2) % ly])
    return out


def _loop_odd(s):
    n, lx, ly = s.shape
    out = np.zeros((n, 3))
    for k in range(n):
        for i in range(lx):
            for j in range(ly):
                a = s[k, i, j]
                r, d, rd = s[k, (i + 1) % lx, j], s[k, i, (j + 1) % ly], s[k, (i + 1) % lx, (j + 1) % ly]
                out[k, 0] += a
                out[k, 1] += a * r * d + a * r * rd + a * d * rd + r * d * rd
                out[k, 2] += a * r * s[k, (i - 1) % lx, j] + a * d * s[k, i, (j - 1) % ly]
    return out


def test_operators_match_loops():
    s = np.where(np.random.default_rng(3).random((3, 5, 6)) < 0.4, 1, -1).astype(np.int8)
    assert np.array_equal(mcrg.even_operators(s), _loop_even(s))
    assert np.array_equal(mcrg.odd_operators(s), _loop_odd(s))


def test_chain_operators_match_loops():
    s = np.where(np.random.default_rng(4).random((2, 9)) < 0.5, 1, -1)
    ref_e = [[sum(c[i] * c[(i + d) % 9] for i in range(9)) for d in (1, 2, 3)] for c in s]
    ref_o = [[c.sum(), sum(c[i - 1] * c[i] * c[(i + 1) % 9] for i in range(9))] for c in s]
    assert np.array_equal(mcrg.even_operators(s), ref_e)
    assert np.array_equal(mcrg.odd_operators(s), ref_o)


@pytest.mark.slow
def test_majority_rule_exponents_on_32x32():
    """Majority rule on 2x2 blocks at K_c: y_t within 5% of 1 and y_h within 2% of 15/8 at level 1."""
    [res] = mcrg.mcrg((32, 32), CRITICAL_COUPLING, blocking.majority_rule(2), levels=2, n_samples=3000, seed=0)
    assert abs(res.y_h[1, -1] - 15 / 8) < max(0.02 * 15 / 8, 4 * res.y_h_error[1, -1])
    assert abs(res.y_t[1, -1] - 1.0) < max(0.05, 4 * res.y_t_error[1, -1])


# ------------------------------------------------------------------------------------------ the samplers
def test_label_propagation_partitions_like_connected_components():
    rng = np.random.default_rng(5)
    nbr = clusters.forward_neighbours((7, 9))
    for p in (0.2, 0.5, 0.9):
        active = rng.random(nbr.shape) < p
        labels = clusters.propagate_labels(active, nbr)
        src = np.repeat(np.arange(nbr.shape[0]), 2).reshape(nbr.shape)[active]
        graph = sp.coo_array((np.ones(src.size), (src, nbr[active])), shape=(nbr.shape[0],) * 2)
        _, ref = connected_components(graph, directed=False)
        # same partition: the pairs (label, ref) are one-to-one
        assert len(set(zip(labels, ref))) == len(set(labels)) == len(set(ref))
        assert np.all(labels[labels] == labels)


def _exact_energy_per_spin(size, coupling):
    eps = 1e-5
    d = (ising_torus_log_partition(size, coupling + eps) - ising_torus_log_partition(size, coupling - eps)) / (2 * eps)
    return -d / size**2


@pytest.mark.parametrize("sampler", ["stream", "reference"])
def test_samplers_reproduce_exact_energy(sampler):
    size, k = 6, 0.4
    if sampler == "stream":
        gen = clusters.swendsen_wang_stream((size, size), k, 2000, n_chains=2, burn_in=50, seed=7)
    else:
        gen = clusters.swendsen_wang_reference((size, size), k, 4000, burn_in=50, seed=7)
    s = np.concatenate(list(gen)).astype(float)
    e = -mcrg.even_operators(s)[:, 0] / size**2
    err = e.std() / math.sqrt(e.size) * 2  # Swendsen-Wang decorrelates in a few sweeps: a factor 2 covers it
    assert abs(e.mean() - _exact_energy_per_spin(size, k)) < 4 * err


@pytest.mark.parametrize(
    ("call", "word"),
    [
        (lambda: mcrg.mcrg((30, 30), 0.44, blocking.majority_rule(2), levels=2), "levels"),
        (lambda: mcrg.mcrg((16,), 0.44, blocking.majority_rule(2), levels=1), "rules"),
        (lambda: next(clusters.swendsen_wang_stream((8, 8), -1.0, 1)), "coupling"),
        (lambda: next(clusters.swendsen_wang_stream((8, 2), 0.4, 1)), "shape"),
        (lambda: next(clusters.swendsen_wang_stream((8, 8), 0.4, 0)), "n_samples"),
    ],
)
def test_mcrg_refuses_bad_input(call, word):
    with pytest.raises(InvalidParameterError, match=word):
        call()


# ------------------------------------------------------------------------------- the fitted coupling flow
def test_pseudo_likelihood_recovers_exact_chain_samples():
    """Exact ring samples (an open Markov chain, the closing bond by rejection): pseudo-likelihood K -> K."""
    rng = np.random.default_rng(0)
    k, n, length = 0.7, 4000, 40
    t = math.tanh(k)
    s = np.empty((n, length))
    s[:, 0] = np.where(rng.random(n) < 0.5, 1, -1)
    for i in range(1, length):
        s[:, i] = s[:, i - 1] * np.where(rng.random(n) < (1 + t) / 2, 1, -1)
    keep = rng.random(n) < np.exp(k * s[:, -1] * s[:, 0]) / math.exp(k)
    got = flow.pseudo_likelihood_coupling(s[keep])
    assert got == pytest.approx(k, abs=4 * 0.8 / math.sqrt(keep.sum() * length) + 0.005)


def test_chain_decimation_flow_and_its_fixed_point_slope():
    ks = np.array([0.4, 0.6, 0.8])
    res = flow.coupling_flow((64,), ks, blocking.decimation_rule(2, dim=1), n_samples=400, thin=4, seed=1)
    exact = np.arctanh(np.tanh(ks) ** 2)
    assert np.all(np.abs(res.coarse - exact) < 4 * res.error + 1e-3)
    assert math.isnan(res.fixed_point)  # the chain's flow K' < K never crosses the diagonal at K > 0


def test_fixed_point_of_a_linear_map():
    ks = np.linspace(0.3, 0.6, 7)
    k_star, slope = flow._fixed_point(ks, 0.45 + 2.1 * (ks - 0.45))
    assert k_star == pytest.approx(0.45, abs=1e-12) and slope == pytest.approx(2.1, abs=1e-12)


def test_coinciding_operators_give_nan_not_an_error():
    """On a 3x3 coarse lattice the distance-2 sum equals the nearest-neighbour one: C is singular there."""
    [res] = mcrg.mcrg((9, 9), 0.4, blocking.majority_rule(3), levels=1, n_samples=200, seed=0)
    s = np.where(np.random.default_rng(0).random((5, 3, 3)) < 0.5, 1, -1)
    ops = mcrg.even_operators(s)
    assert np.array_equal(ops[:, 3], ops[:, 0])  # the reason
    assert np.isfinite(res.y_t[0, 0]) and np.isnan(res.y_t[0, 3])


def test_block_rbm_hamiltonian_has_no_couplings():
    """H^RBM of an RBM on disjoint blocks (the filters' form) factorizes: every K~ of two or more units is 0."""
    rng = np.random.default_rng(3)
    idx = np.arange(16).reshape(4, 4)
    w = np.zeros((16, 4))
    for j in range(4):
        w[idx[2 * (j // 2) : 2 * (j // 2) + 2, 2 * (j % 2) : 2 * (j % 2) + 2].ravel(), j] = rng.normal(size=4)
    rbm = tnrbm.RBM(w, visible_bias=rng.normal(size=16) * 0.3, hidden_bias=rng.normal(size=4) * 0.3)
    kt = coarse_couplings(rbm)
    assert max(abs(v) for s, v in kt.items() if len(s) >= 2) < 1e-12
    assert max(abs(v) for s, v in kt.items() if len(s) == 1) > 1e-3  # the fields survive
