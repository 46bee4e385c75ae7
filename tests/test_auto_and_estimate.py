"""``method="auto"`` against measured timings, ``estimate()`` and the "tnrbm" logger.

Timing is never measured here. The cases are those of ``benchmarks/bench_auto.py`` where one method was
measured more than 5x faster than another (2-core machine, best of 5 warm calls; figures in
``docs/theory/memory.md``): the costs auto compares must order them the same way.
"""

from __future__ import annotations

import logging

import numpy as np
import pytest

import tnrbm
from tnrbm.entropy import dense as dense_module
from tnrbm.entropy import estimate
from tnrbm.entropy.compute import _problem
from tnrbm.entropy.methods import METHODS
from tnrbm.validation import memory_limit

M = tnrbm.models


def costs(net, region) -> dict:
    prob = _problem(net, region, "auto", memory_limit(None), None, False)
    return {k: METHODS[k](prob).cost for k in ("dense", "cut", "mps")}


def seconds(net, region) -> dict:
    """The estimated seconds ``auto`` compares (since 0.4)."""
    prob = _problem(net, region, "auto", memory_limit(None), None, False)
    return {k: METHODS[k](prob).estimated_seconds for k in ("dense", "cut", "mps")}


@pytest.mark.parametrize(
    "name,make,region,fast,slow",
    [
        # measured (s): dense 0.143, cut 0.0075, mps 0.0136
        ("ring N=16 r=1", lambda: M.local_chain(16, radius=1, complex=True, seed=0), range(8), "cut", "dense"),
        # dense 0.045, cut 0.0054
        ("open N=16 r=2", lambda: M.local_chain(16, radius=2, periodic=False, seed=0), range(8), "cut", "dense"),
        # dense 0.0025, mps 0.0147
        ("ring N=8 r=2", lambda: M.local_chain(8, radius=2, complex=True, seed=0), range(4), "dense", "mps"),
        # dense 0.0075, mps 0.045
        ("dbm [12,6,3]", lambda: M.random_dbm([12, 6, 3], seed=0, complex=True), range(6), "dense", "mps"),
    ],
)
def test_cost_order_where_the_measured_gap_was_over_5x(name, make, region, fast, slow):
    c = costs(make(), region)
    assert c[fast] < c[slow], (name, c)
    t = seconds(make(), region)
    assert t[fast] < t[slow], (name, t)


def test_auto_takes_the_cut_on_a_16_spin_chain_and_records_the_costs():
    net = M.local_chain(16, radius=1, complex=True, seed=0)
    res = tnrbm.entanglement(net, range(8))
    assert res.method == "cut"
    assert set(res.extra["costs"]) == {"dense", "cut", "mps"}
    ref = tnrbm.entanglement(net, range(8), method="dense").entropy
    assert abs(res.entropy - ref) < 1e-10


def test_dense_svd_runs_on_one_blas_thread_for_small_vectors(monkeypatch):
    seen = []
    real = dense_module.blas_threads

    def spy(n_threads):
        seen.append(n_threads)
        return real(n_threads)

    monkeypatch.setattr(dense_module, "blas_threads", spy)
    tnrbm.entanglement(M.local_chain(16, radius=1, complex=True, seed=0), range(8), method="dense")
    assert seen == [1]  # was None (every thread) for N > 14


def test_estimate_plans_without_running_and_agrees_with_entanglement():
    net = M.local_chain(14, radius=2, complex=True, seed=0)
    est = estimate(net, range(7))
    res = tnrbm.entanglement(net, range(7))
    assert est.method == res.method
    assert est.methods[res.method].memory == pytest.approx(res.memory)
    assert est.methods[res.method].flops == pytest.approx(res.flops)
    assert all(e.seconds > 0 and e.fits for e in est.methods.values())
    assert est.m == res.cut.size


def test_estimate_reports_methods_that_do_not_fit():
    net = M.local_chain(22, radius=1, complex=True, seed=0)
    est = estimate(net, range(11), max_memory="1MiB")
    assert not est.methods["dense"].fits  # 2**22 amplitudes: 64 MiB for the vector alone
    assert est.methods["dense"].memory >= 16 * 2**22
    assert est.method is None or est.methods[est.method].fits
    big = estimate(M.local_chain(2000, radius=2, seed=0), range(1000), method="cut")
    assert list(big.methods) == ["cut"] and big.m == 8
    assert np.isfinite(big.seconds) and big.memory > 16 * 4**8


def test_estimate_rejects_bad_arguments():
    with pytest.raises(tnrbm.errors.InvalidParameterError, match="method"):
        estimate(M.local_chain(6, seed=0), range(3), method="svd")
    with pytest.raises(tnrbm.errors.InvalidRegionError):
        estimate(M.local_chain(6, seed=0), [7])


def test_logging_of_the_chosen_method_and_the_paths(caplog):
    net = M.local_chain(20, radius=1, complex=True, seed=0)
    with caplog.at_level(logging.DEBUG, logger="tnrbm"):
        tnrbm.entanglement(net, range(10), method="cut")
    text = caplog.text
    assert "method=cut" in text and "m=4" in text
    assert "contraction paths" in text and "slices" in text
