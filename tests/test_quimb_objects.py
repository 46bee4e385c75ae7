"""The quimb objects tnrbm hands out are right under quimb's own methods (issue 12, item 3).

References: brute-force amplitudes enumerated in the test helpers (conftest) and their SVD; for sizes
past enumeration, the cut method (Gram matrices, a second algorithm) and scipy-free norms of two MPS.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import brute_force_psi_of, svd_spectrum

import tnrbm
from tnrbm.contract import blas_threads
from tnrbm.tn import exact_mps


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with blas_threads(1):
        yield


def bits(p: np.ndarray) -> float:
    p = p[p > 1e-300]
    return float(-np.sum(p * np.log2(p)))


NETS = [
    ("ring r=1", lambda: tnrbm.models.local_chain(12, radius=1, complex=True, seed=0)),
    ("open r=2 binary", lambda: tnrbm.models.local_chain(10, radius=2, periodic=False, hidden="binary", seed=3)),
    ("random dbm", lambda: tnrbm.models.random_dbm([8, 4, 3], complex=True, seed=1)),
]


@pytest.mark.parametrize("name,make", NETS)
def test_quimb_entropy_on_the_normalized_exact_mps(name, make):
    net = make()
    psi = brute_force_psi_of(net)
    mps = exact_mps(net, normalize=True)
    assert mps.exponent == 0
    assert abs(mps.log10_norm - np.log10(np.linalg.norm(psi))) < 1e-10, name
    n = net.n_visible
    for i in range(1, n):
        ref = bits(svd_spectrum(psi, range(i), n))
        assert abs(mps.entropy(i) - ref) < 1e-9, (name, i)


@pytest.mark.parametrize("name,make", NETS)
def test_quimb_normalize_norm_and_overlap(name, make):
    net = make()
    psi = brute_force_psi_of(net)
    mps = exact_mps(net)  # the unnormalized state, exponent 0
    assert mps.exponent == 0
    vec = mps.to_dense().reshape(-1)
    assert np.max(np.abs(vec - psi)) / np.max(np.abs(psi)) < 1e-12
    assert abs((mps.H @ mps) / np.vdot(psi, psi).real - 1) < 1e-10
    assert abs(mps.norm() / np.linalg.norm(psi) - 1) < 1e-10
    mps.normalize()
    unit = psi / np.linalg.norm(psi)
    assert np.max(np.abs(mps.to_dense().reshape(-1) - unit)) < 1e-12
    assert (
        abs(mps.entropy(net.n_visible // 2) - bits(svd_spectrum(psi, range(net.n_visible // 2), net.n_visible))) < 1e-9
    )


def test_overlap_of_two_different_states():
    a = tnrbm.models.local_chain(10, radius=1, complex=True, seed=0)
    b = tnrbm.models.local_chain(10, radius=1, complex=True, seed=1)
    pa, pb = brute_force_psi_of(a), brute_force_psi_of(b)
    ma, mb = exact_mps(a), exact_mps(b)
    ref = np.vdot(pa, pb)  # <a|b>
    assert abs((ma.H @ mb) - ref) / abs(ref) < 1e-10
    assert abs(ma.overlap(mb) - np.conj(ref)) / abs(ref) < 1e-10  # quimb: a.overlap(b) = <b|a>


def test_large_chain_has_no_overflow_and_entropy_matches_the_cut_method():
    net = tnrbm.models.local_chain(400, radius=1, complex=True, seed=0)
    mps = exact_mps(net, normalize=True)
    assert mps.exponent == 0 and np.isfinite(mps.log10_norm) and mps.log10_norm > 100  # |psi| ~ 10**100+
    assert abs(mps.norm() - 1) < 1e-10
    ref = tnrbm.entanglement(net, range(200), method="cut", base=2).entropy
    assert abs(mps.entropy(200) - ref) < 1e-8
    raw = exact_mps(net)  # the norm spread over 400 sites: every tensor finite
    assert all(np.all(np.isfinite(t.data)) for t in raw)
