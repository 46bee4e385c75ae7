"""Exact MPS of chain-ordered networks and entanglement profiles.

References written here, independent of tnrbm: brute-force amplitudes (conftest) and their SVD at
every cut; analytic profiles of the cluster and GHZ states built from their RBM parameters; the minimal
cut of :mod:`tnrbm.bulk` (max flow) for the separator sizes; the cut method as a second algorithm.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import as_format, brute_force_psi, dbm_parameters, entropies, rbm_parameters, record_error, svd_spectrum
from hypothesis import given
from hypothesis import strategies as st

import tnrbm
from tnrbm.bulk import min_cut
from tnrbm.contract import blas_threads
from tnrbm.entropy import entanglement, entanglement_profile
from tnrbm.errors import InvalidParameterError, MemoryLimitError
from tnrbm.tn import exact_mps, plan_mps

LN2 = math.log(2.0)


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with blas_threads(1):
        yield


def rbm_psi(w, a, b, hidden):
    """Closed form psi(v) = exp(a.v) prod_j sum_h exp(h theta_j) over every configuration (kron order)."""
    n = w.shape[0]
    spins = 1.0 - 2.0 * ((np.arange(2**n)[:, None] >> np.arange(n - 1, -1, -1)) & 1)
    theta = spins @ w + b
    factor = 2 * np.cosh(theta) if hidden == "spin" else 1 + np.exp(theta)
    return np.exp(spins @ a) * np.prod(factor, axis=1)


def check_profile(net, psi, name):
    n = net.n_visible
    prof = entanglement_profile(net, renyi=(2, math.inf))
    assert prof.sizes.tolist() == list(range(1, n))
    for length in range(1, n):
        ref = entropies(svd_spectrum(psi, range(length), n))
        err = max(
            abs(prof.entropy[length - 1] - ref[1]),
            abs(prof.renyi[2][length - 1] - ref[2]),
            abs(prof.renyi[math.inf][length - 1] - ref[np.inf]),
        )
        record_error(f"{name}: profile vs brute-force SVD", err)
        assert err < 1e-10
        assert prof.entropy[length - 1] <= prof.bounds[length - 1] + 1e-10
    return prof


@given(params=rbm_parameters(max_visible=12, max_hidden=6))
def test_profile_equals_svd_for_random_rbms(params):
    w = params["W"]
    net = tnrbm.RBM(as_format(w, params["fmt"]), params["a"], params["b"], hidden=params["hidden"])
    psi = brute_force_psi([w], [params["a"], params["b"]], params["hidden"])
    check_profile(net, psi, "random RBM")


@given(params=dbm_parameters(n_layers=(2, 3), max_visible=9, max_log2_terms=16))
def test_profile_equals_svd_for_random_dbms(params):
    net = tnrbm.DBM([as_format(w, params["fmt"]) for w in params["weights"]], params["biases"], hidden=params["hidden"])
    psi = brute_force_psi(params["weights"], params["biases"], params["hidden"])
    check_profile(net, psi, "random DBM")


@pytest.mark.parametrize("hidden", ["spin", "binary"])
@pytest.mark.parametrize("radius,periodic", [(1, True), (2, False), (2, True)])
def test_local_chain_profile_and_mps(hidden, radius, periodic):
    net = tnrbm.models.local_chain(12, alpha=1, radius=radius, periodic=periodic, complex=True, hidden=hidden, seed=7)
    psi = rbm_psi(net.W.toarray(), net.visible_bias, net.hidden_bias, hidden)
    prof = check_profile(net, psi, "local chain N=12")
    # the exact MPS is the state itself (scale in mps.exponent), and never wider than 2**c
    mps = exact_mps(net)
    vec = mps.to_dense().reshape(-1)
    err = np.max(np.abs(vec - psi)) / np.max(np.abs(psi))
    record_error("exact MPS vs brute-force amplitudes (relative)", err)
    assert err < 1e-12
    assert mps.max_bond() <= 2 ** int(prof.separator_sizes.max())
    # the MPS separator bounds the minimal cut; in the bulk of an open chain it is the minimal cut
    for length in range(1, 12):
        m = min_cut(net, range(length)).size
        assert prof.separator_sizes[length - 1] >= m
        if not periodic and 2 * radius <= length <= 12 - 2 * radius:
            assert prof.separator_sizes[length - 1] == m == 2 * radius


@given(params=rbm_parameters(max_visible=10, max_hidden=5), data=st.data())
def test_mps_in_any_site_order(params, data):
    w = params["W"]
    net = tnrbm.RBM(w, params["a"], params["b"], hidden=params["hidden"])
    n = net.n_visible
    order = data.draw(st.permutations(list(range(n))))
    psi = brute_force_psi([w], [params["a"], params["b"]], params["hidden"])
    mps = exact_mps(net, order=order)
    vec = mps.to_dense().reshape((2,) * n)
    # site s of the MPS is visible unit order[s]: put the axes back in kron order
    vec = np.moveaxis(vec, list(range(n)), list(order)).reshape(-1)
    assert np.max(np.abs(vec - psi)) / np.max(np.abs(psi)) < 1e-12
    prof = entanglement_profile(net, order=order)
    for length in range(1, n):
        ref = entropies(svd_spectrum(psi, order[:length], n))[1]
        assert abs(prof.entropy[length - 1] - ref) < 1e-10


def test_cluster_and_ghz_profiles_far_beyond_dense():
    n = 100
    w = np.zeros((n, n), dtype=complex)
    for j in range(n):
        w[j, j] = w[(j + 1) % n, j] = 1j * np.pi / 4
    cluster = tnrbm.RBM(w, hidden_bias=np.full(n, 1j * np.pi / 4))  # periodic cluster state
    prof = entanglement_profile(cluster)
    expected = np.array([min(length, n - length, 2) for length in range(1, n)]) * LN2
    record_error("cluster N=100: profile vs analytic", np.max(np.abs(prof.entropy - expected)))
    assert np.max(np.abs(prof.entropy - expected)) < 1e-10
    n = 1000
    w = np.zeros((n, n - 1))
    for j in range(n - 1):
        w[j, j] = w[j + 1, j] = 1.0
    ghz = tnrbm.RBM(w, visible_bias=np.full(n, 1j * np.pi / 2), hidden_bias=np.full(n - 1, 1j * np.pi / 2))
    prof = entanglement_profile(ghz, renyi=(2,))
    record_error("GHZ N=1000: profile vs ln 2", np.max(np.abs(prof.entropy - LN2)))
    assert np.max(np.abs(prof.entropy - LN2)) < 1e-10
    assert np.max(np.abs(prof.renyi[2] - LN2)) < 1e-10
    assert set(prof.schmidt_ranks.tolist()) == {2}


def test_profile_matches_cut_method_at_512_spins():
    """A second algorithm at a size far beyond dense: the cut method at a few cuts."""
    net = tnrbm.models.local_chain(512, alpha=1, radius=2, periodic=False, complex=True, seed=3)
    prof = entanglement_profile(net)
    assert np.all(np.isfinite(prof.entropy))
    for length in (1, 7, 256, 500):
        cut = entanglement(net, range(length), method="cut")
        record_error("N=512 chain: profile vs cut", abs(cut.entropy - prof.entropy[length - 1]))
        assert abs(cut.entropy - prof.entropy[length - 1]) < 1e-10


def test_plan_and_guard():
    net = tnrbm.models.local_chain(64, radius=2, periodic=True, seed=0)
    plan = plan_mps(net)
    assert plan.max_bond == 2**8  # two boundaries of the ring, 2 * radius indices each
    with pytest.raises(MemoryLimitError, match="MPS"):
        entanglement_profile(net, max_memory=2**16)
    with pytest.raises(InvalidParameterError, match="permutation"):
        plan_mps(net, order=[0, 0, 1])
    with pytest.raises(InvalidParameterError, match="network"):
        entanglement_profile(np.ones(4))


def test_single_spin():
    net = tnrbm.RBM(np.array([[0.3]]))
    prof = entanglement_profile(net)
    assert prof.entropy.size == 0
    vec = exact_mps(net).to_dense().reshape(-1)
    assert np.allclose(vec, brute_force_psi([np.array([[0.3]])], [None, None], "spin"))
