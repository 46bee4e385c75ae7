"""Array backends (numpy, torch, jax; cupy on a GPU): contractions and Gram spectra equal numpy to 1e-10.

References written here: ``numpy.einsum``, the SVD of ``X @ Y.T`` for random factors, and the SVD of
brute-force amplitudes (conftest). torch/jax tests skip when the library is missing.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import brute_force_psi_of, svd_spectrum

import tnrbm
from tnrbm.contract import BACKENDS, available_backends, blas_threads, get_backend, plan_contraction
from tnrbm.entropy import entanglement, spectrum_from_grams
from tnrbm.errors import InvalidParameterError

OPTIONAL = [name for name in ("torch", "jax", "cupy") if name in available_backends()]
ALL = ["numpy", *OPTIONAL]


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with blas_threads(1):
        yield


def test_unknown_and_missing_backends_are_refused_clearly():
    with pytest.raises(InvalidParameterError, match="backend must be one of"):
        get_backend("fortran")
    missing = [name for name in BACKENDS if name not in available_backends()]
    for name in missing:
        with pytest.raises(InvalidParameterError, match="not installed"):
            get_backend(name)
    chain = tnrbm.models.local_chain(8, radius=1, seed=0)
    with pytest.raises(InvalidParameterError, match="backend"):
        entanglement(chain, range(4), method="cut", backend="fortran")


@pytest.mark.parametrize("backend", ALL)
def test_contraction_matches_einsum(backend):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4)) + 1j * rng.normal(size=(3, 4))
    y = rng.normal(size=(4, 5, 2)) * 1e200
    plan = plan_contraction([("a", "b"), ("b", "c", "d")], ("d", "a", "c"), {"a": 3, "b": 4, "c": 5, "d": 2})
    m, e = plan.contract([x, y], backend=backend)
    assert isinstance(m, np.ndarray) and m.dtype == np.complex128
    ref = np.einsum("ab,bcd->dac", x, y / 1e200)
    assert np.max(np.abs(m * 10.0 ** (e - 200) - ref)) <= 1e-12 * np.max(np.abs(ref))


@pytest.mark.parametrize("backend", ALL)
@pytest.mark.parametrize("case", ["complex", "real-rank-deficient", "diagonal"])
def test_spectrum_from_grams_matches_svd(backend, case):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(16, 6)) + (1j * rng.normal(size=(16, 6)) if case == "complex" else 0)
    y = rng.normal(size=(12, 6)) + (1j * rng.normal(size=(12, 6)) if case == "complex" else 0)
    if case == "real-rank-deficient":
        x[:, 5] = x[:, 0] - 2 * x[:, 1]  # G_A of rank 5: the pivoted Cholesky stops at its rank
    if case == "diagonal":
        x = np.linalg.qr(x)[0] * np.arange(1.0, 7.0)  # orthogonal columns: G_A diagonal
    p, _ = spectrum_from_grams(x.conj().T @ x, y.conj().T @ y, backend=backend)
    s = np.linalg.svd(x @ y.T, compute_uv=False) ** 2
    s = s / s.sum()
    k = min(len(p), len(s))
    assert np.max(np.abs(p[:k] - s[:k])) <= 1e-12 and np.sum(p[k:]) <= 1e-12


NETWORKS = [
    ("chain", lambda: tnrbm.models.local_chain(10, radius=1, complex=True, seed=4), (0, 1, 2, 3, 4)),
    ("lattice", lambda: tnrbm.models.local_lattice((3, 3), periodic=False, seed=5), (0, 1, 2, 3)),
    ("dbm", lambda: tnrbm.models.random_dbm([8, 4, 2], density=0.6, complex=True, seed=6), (0, 1, 2, 3)),
]


@pytest.mark.parametrize("backend", OPTIONAL or [pytest.param("torch", marks=pytest.mark.skip("no torch/jax"))])
@pytest.mark.parametrize("name,make,region", NETWORKS, ids=[n[0] for n in NETWORKS])
def test_entanglement_on_backend_equals_numpy_and_svd(backend, name, make, region):
    net = make()
    ref = svd_spectrum(brute_force_psi_of(net), region, net.n_visible)
    base = entanglement(net, region, method="cut")
    res = entanglement(net, region, method="cut", backend=backend)
    assert res.extra["backend"] == backend
    k = min(len(res.spectrum), len(base.spectrum))
    assert np.max(np.abs(res.spectrum[:k] - base.spectrum[:k])) <= 1e-10
    assert abs(res.entropy - base.entropy) <= 1e-10
    assert np.max(np.abs(res.spectrum[:k] - ref[:k])) <= 1e-10
