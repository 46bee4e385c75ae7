"""Executors: slices and independent jobs serially, on threads, on a concurrent.futures executor and on
dask.distributed give the serial results to 1e-12.

References written here: the SVD of brute-force amplitudes (conftest) and ``numpy.einsum``; dask tests
skip when dask.distributed is missing and use one 2-worker in-process LocalCluster.
"""

from __future__ import annotations

import concurrent.futures as cf
import importlib.util

import numpy as np
import pytest
from conftest import brute_force_psi_of, svd_spectrum
from test_slicing import tight_gram_limit

import tnrbm
from tnrbm.contract import blas_threads, plan_contraction, run_jobs
from tnrbm.entropy import entanglement
from tnrbm.entropy.batch import entanglement_many
from tnrbm.errors import InvalidParameterError

HAS_DASK = importlib.util.find_spec("distributed") is not None
dask_only = pytest.mark.skipif(not HAS_DASK, reason="dask.distributed is not installed")


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with blas_threads(1):
        yield


@pytest.fixture(scope="module")
def client():
    from tnrbm.contract import dask_client

    c = dask_client(n_workers=2, processes=False)  # in-process: no memory limit on this pytest process
    yield c
    c.close()
    c.cluster.close()


def _square(shared, item):
    return shared * item**2


def _sliced_case():
    inputs = [("a", "x"), ("x", "b", "y"), ("y", "c")]
    sizes = {"a": 4, "x": 16, "b": 4, "y": 16, "c": 4}
    rng = np.random.default_rng(7)
    arrays = [rng.normal(size=[sizes[i] for i in t]) + 1j * rng.normal(size=[sizes[i] for i in t]) for t in inputs]
    peak = plan_contraction(inputs, ("c", "a", "b"), sizes).peak_bytes
    plan = plan_contraction(inputs, ("c", "a", "b"), sizes, max_memory=int(peak) - 1, slicing=True)
    return plan, arrays, np.einsum("ax,xby,yc->cab", *arrays)


def test_run_jobs_keeps_the_order_everywhere():
    expected = [3 * k * k for k in range(20)]
    assert run_jobs(_square, 3, range(20)) == expected
    assert run_jobs(_square, 3, range(20), parallel="threads") == expected
    with cf.ThreadPoolExecutor(3) as pool:
        assert run_jobs(_square, 3, range(20), parallel=pool) == expected
    with pytest.raises(InvalidParameterError, match="parallel must be"):
        run_jobs(_square, 3, range(2), parallel="mpi")


def test_sliced_contraction_on_threads_and_executor_equals_serial_and_einsum():
    plan, arrays, ref = _sliced_case()
    assert plan.n_slices > 1
    serial = plan.contract(arrays)
    assert np.max(np.abs(serial[0] * 10 ** serial[1] - ref)) <= 1e-12 * np.max(np.abs(ref))
    with cf.ThreadPoolExecutor(2) as pool:
        for parallel in ("threads", pool):
            m, e = plan.contract(arrays, parallel=parallel)
            assert e == serial[1] and np.max(np.abs(m - serial[0])) <= 1e-12


def test_entanglement_many_equals_serial_and_svd():
    chain = tnrbm.models.local_chain(10, radius=1, complex=True, seed=8)
    regions = [range(k) for k in (2, 3, 5)] + [(0, 4, 7)]
    psi = brute_force_psi_of(chain)
    serial = entanglement_many(chain, regions, method="cut")
    threaded = entanglement_many(chain, regions, method="cut", parallel="threads")
    for region, a, b in zip(regions, serial, threaded):
        ref = svd_spectrum(psi, region, 10)
        assert abs(a.entropy - b.entropy) <= 1e-12
        assert np.max(np.abs(a.spectrum - ref[: len(a.spectrum)])) <= 1e-12
    with pytest.raises(InvalidParameterError, match="regions"):
        entanglement_many(chain, [])


@dask_only
def test_dask_client_equals_serial(client):
    plan, arrays, _ = _sliced_case()
    serial = plan.contract(arrays)
    m, e = plan.contract(arrays, parallel=client)
    assert e == serial[1] and np.max(np.abs(m - serial[0])) <= 1e-12
    chain = tnrbm.models.local_chain(10, radius=1, seed=9)
    regions = [range(3), range(5), (1, 6)]
    for a, b in zip(entanglement_many(chain, regions), entanglement_many(chain, regions, parallel=client)):
        assert abs(a.entropy - b.entropy) <= 1e-12 and np.max(np.abs(a.spectrum - b.spectrum)) <= 1e-12


@dask_only
def test_entanglement_slices_on_dask_match_svd(client):
    net = tnrbm.models.local_lattice((3, 3), periodic=False, seed=0)
    limit = tight_gram_limit(net, (0, 1, 2))
    seen = []
    res = entanglement(
        net,
        (0, 1, 2),
        method="cut",
        max_memory=limit,
        slicing="outer",
        parallel=client,
        progress=lambda done, total: seen.append(total),
    )
    ref = svd_spectrum(brute_force_psi_of(net), (0, 1, 2), 9)
    assert np.max(np.abs(res.spectrum - ref[: len(res.spectrum)])) <= 1e-12
    assert seen and max(res.extra["n_slices"]) in seen


@dask_only
def test_parallel_dask_starts_and_closes_a_local_cluster():
    assert run_jobs(_square, 2, range(5), parallel="dask") == [2 * k * k for k in range(5)]
