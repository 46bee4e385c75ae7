"""tnrbm.rg.training: a seeded 1D RBM learns the decimation step (reference: the closed-form flow)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from tnrbm.errors import InvalidParameterError
from tnrbm.rg.coarse import coarse_coupling
from tnrbm.rg.sampling import swendsen_wang
from tnrbm.rg.training import greedy_stack, train_rbm


def bond_mask(n):
    mask = np.zeros((n, n))
    for j in range(n):
        mask[j, j] = mask[(j + 1) % n, j] = 1
    return mask


def test_trained_bond_rbm_learns_the_decimation_step():
    """Data: the periodic chain at K_1 = atanh(tanh^2 1) = 0.662501. A local RBM (hidden j on spins j, j+1)
    with one shared weight, trained by exact likelihood, must learn w -> K_0 = 1 (tolerance 0.03) and H^RBM
    couplings K~ -> K_1 (tolerance 0.015 on every bond): its hidden layer is the decimated chain."""
    n, k0 = 8, 1.0
    k1 = math.atanh(math.tanh(k0) ** 2)
    res = swendsen_wang((n,), k1, n_sweeps=400, n_chains=100, burn_in=20, keep_samples=True, seed=11)
    data = res.samples.reshape(-1, n)
    mask = bond_mask(n)
    trained = train_rbm(data, mask=mask, tie=np.zeros((n, n), int), epochs=80, learning_rate=0.05, seed=3)
    w = np.abs(trained.rbm.W.toarray()[mask > 0])
    kt = np.array([coarse_coupling(trained.rbm, [j, (j + 1) % n]) for j in range(n)])
    assert np.all(np.abs(w - k0) < 0.03)
    assert np.all(np.abs(kt - k1) < 0.015)
    assert np.all(np.diff(trained.log_likelihood[-20:]) > -1e-3)  # converged, not oscillating


def test_exact_training_recovers_a_two_spin_distribution():
    """Data with <v1 v2> = c: one hidden unit must reach (1/2) ln(cosh(w1 + w2) / cosh(w1 - w2)) = atanh(c)."""
    rng = np.random.default_rng(0)
    p_same = (1 + math.tanh(0.8)) / 2
    v1 = np.where(rng.random(20000) < 0.5, 1, -1)
    v2 = np.where(rng.random(20000) < p_same, v1, -v1)
    res = train_rbm(np.stack([v1, v2], axis=1), n_hidden=1, epochs=150, learning_rate=0.05, init_scale=0.3, seed=0)
    w1, w2 = res.rbm.W.toarray().ravel()
    emp = float(np.mean(v1 * v2))
    assert 0.5 * math.log(math.cosh(w1 + w2) / math.cosh(w1 - w2)) == pytest.approx(math.atanh(emp), abs=0.01)


def _assert_learns_the_correlation_signs(method: str) -> None:
    """Spins 0 and 1 equal, spin 2 their opposite, spin 3 independent: the unit most coupled to spin 0
    couples to spin 1 with the same sign and to spin 2 with the opposite one."""
    rng = np.random.default_rng(1)
    v1 = np.where(rng.random(5000) < 0.5, 1, -1)
    data = np.stack([v1, v1, -v1, np.where(rng.random(5000) < 0.5, 1, -1)], axis=1)
    res = train_rbm(data, n_hidden=2, method=method, epochs=30, learning_rate=0.05, init_scale=0.1, seed=2)
    w = res.rbm.W.toarray()
    j = int(np.argmax(np.abs(w[0])))
    assert w[0, j] * w[1, j] > 0 > w[0, j] * w[2, j]


def test_pcd_training_finds_the_sign_of_the_correlations():
    _assert_learns_the_correlation_signs("pcd")


def test_greedy_stack_shapes_and_errors():
    data = np.where(np.random.default_rng(0).random((60, 6)) < 0.5, 1, -1)
    stack = greedy_stack(data, [3, 2], method="pcd", epochs=2, n_chains=10, seed=0)
    assert [r.rbm.W.shape for r in stack] == [(6, 3), (3, 2)]
    with pytest.raises(InvalidParameterError, match="n_visible <= 20"):
        train_rbm(np.ones((2, 21)), n_hidden=1)
    with pytest.raises(InvalidParameterError, match="method"):
        train_rbm(np.ones((2, 2)), n_hidden=1, method="cd")
    with pytest.raises(InvalidParameterError, match="mask"):
        train_rbm(np.ones((2, 2)), mask=np.ones((3, 1)))


def test_l1_penalty_shrinks_weights():
    """Independent data (no correlations): with a strong L1 penalty the weights go to about zero."""
    data = np.where(np.random.default_rng(3).random((2000, 5)) < 0.5, 1, -1)
    free = train_rbm(data, n_hidden=3, epochs=60, learning_rate=0.05, init_scale=0.5, seed=0)
    penalized = train_rbm(data, n_hidden=3, epochs=60, learning_rate=0.05, init_scale=0.5, l1=0.05, seed=0)
    assert np.abs(penalized.rbm.W.toarray()).max() < 0.1 < np.abs(free.rbm.W.toarray()).max()


def _brute_log_likelihood(w, a, b, data):
    """Mean log p(v) of a spin-spin RBM by enumerating every (v, h) with itertools (no tnrbm code)."""
    n_v, n_h = w.shape
    vs = np.array(list(itertools.product([1.0, -1.0], repeat=n_v)))
    hs = np.array(list(itertools.product([1.0, -1.0], repeat=n_h)))
    log_psi = np.log(np.exp((vs @ a)[:, None] + vs @ w @ hs.T + (hs @ b)[None, :]).sum(axis=1))
    log_z = math.log(float(np.exp(log_psi).sum()))
    index = {tuple(v): k for k, v in enumerate(vs)}
    return float(np.mean([log_psi[index[tuple(map(float, x))]] for x in data])) - log_z


def test_l1_training_meets_the_lasso_optimality_conditions():
    """Exact training with l1 maximizes L(W) - l1 |W|_1. Reference: the gradient of the brute-force
    log-likelihood by central differences. At the optimum every nonzero weight has dL/dw = l1 sign(w)
    and every zero weight |dL/dw| <= l1 (KKT); the proximal step makes weights exactly zero."""
    rng = np.random.default_rng(5)
    v1 = np.where(rng.random(600) < 0.5, 1, -1)
    v2 = np.where(rng.random(600) < 0.9, v1, -v1)
    v3 = np.where(rng.random(600) < 0.65, v1, -v1)
    data = np.stack([v1, v2, v3, np.where(rng.random(600) < 0.5, 1, -1)], axis=1)
    l1 = 0.02
    res = train_rbm(data, n_hidden=2, epochs=3000, learning_rate=0.01, l1=l1, init_scale=0.3, seed=0)
    w, a, b = res.rbm.W.toarray().real, res.rbm.visible_bias.real, res.rbm.hidden_bias.real
    grad = np.zeros_like(w)
    for i, j in itertools.product(range(4), range(2)):
        step = np.zeros_like(w)
        step[i, j] = 1e-5
        grad[i, j] = (_brute_log_likelihood(w + step, a, b, data) - _brute_log_likelihood(w - step, a, b, data)) / 2e-5
    nonzero = w != 0
    assert 2 <= nonzero.sum() <= 6  # a sparse optimum: some weights exactly zero, some not
    assert np.abs(grad[nonzero] - l1 * np.sign(w[nonzero])).max() < 1e-6
    assert np.abs(grad[~nonzero]).max() <= l1 + 1e-6


def _peak_mass(w, side, radius=2.0):
    """Fraction of each live unit's |w| within torus distance ``radius`` of its peak."""
    a = np.abs(w[:, np.abs(w).max(axis=0) > 0])
    r, c = np.divmod(np.arange(side * side), side)
    p = a.argmax(axis=0)
    dr, dc = np.abs(r[:, None] - r[p][None, :]), np.abs(c[:, None] - c[p][None, :])
    dist = np.hypot(np.minimum(dr, side - dr), np.minimum(dc, side - dc))
    return ((dist <= radius) * a).sum(axis=0) / a.sum(axis=0)


def test_contrastive_divergence_with_l1_learns_local_receptive_fields():
    """2D Ising at K = 0.408 (12 x 12), N/4 hidden units, L1 = 0.03 (Mehta-Schwab's setup, scaled down):
    CD-1 learns local fields (most of each unit's |w| within distance 2 of its peak; a uniform field would
    have 13/144 = 9% there); PCD with the same penalty keeps a lattice-wide background."""
    side = 12
    res = swendsen_wang((side, side), 0.408, n_sweeps=300, n_chains=20, burn_in=50, thin=2, keep_samples=True, seed=4)
    data = res.samples.reshape(-1, side * side)
    options = dict(n_hidden=36, epochs=10, learning_rate=0.01, l1=0.03, init_scale=0.01, seed=0)
    cd = _peak_mass(train_rbm(data, method="contrastive", **options).rbm.W.toarray(), side)
    pcd = _peak_mass(train_rbm(data, method="pcd", **options).rbm.W.toarray(), side)
    assert cd.mean() > 0.75 and cd.min() > 0.6
    assert pcd.mean() < 0.5


def test_contrastive_training_finds_the_sign_of_the_correlations():
    _assert_learns_the_correlation_signs("contrastive")


def test_greedy_stack_layer_options_and_l1_errors():
    data = np.where(np.random.default_rng(0).random((60, 6)) < 0.5, 1, -1)
    stack = greedy_stack(data, [3, 2], method="pcd", epochs=2, n_chains=10, seed=0, layer_options=[{}, {"l1": 10.0}])
    assert np.all(stack[1].rbm.W.toarray() == 0)  # a huge penalty on layer 2 only zeroes its weights
    assert np.any(stack[0].rbm.W.toarray() != 0)
    with pytest.raises(InvalidParameterError, match="layer_options"):
        greedy_stack(data, [3, 2], layer_options=[{}])
    for bad in (-0.1, float("nan"), float("inf"), "0.1"):
        with pytest.raises(InvalidParameterError, match="l1"):
            train_rbm(data, n_hidden=1, l1=bad)
