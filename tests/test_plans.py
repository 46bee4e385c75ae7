"""Reproducible plans and honest estimates (issue 17, items 2, 3 and the estimate's region checks).

* The path search is seeded: the same problem gets the same trees (path and flops) in two fresh
  processes with different hash seeds; ``seed=`` changes the search and is recorded in the results.
* ``estimate`` reports the plan that ``entanglement`` contracts (the same trees, sliced or not).
* The flops of a plan agree with an independent count (opt_einsum's cost of the same path; a matrix
  chain by hand).
* The calibration cache of the time model (``tnrbm.entropy.calibration``) under ``XDG_CACHE_HOME``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import opt_einsum as oe
import pytest

import tnrbm
from tnrbm.bulk import min_cut
from tnrbm.contract import PathCache, plan_contraction
from tnrbm.entropy import calibration, estimate
from tnrbm.entropy.cut import gram_networks, plan_grams
from tnrbm.errors import InvalidParameterError, InvalidRegionError

M = tnrbm.models

_PLAN_SCRIPT = """
import json, tnrbm
from tnrbm.bulk import min_cut
from tnrbm.entropy.cut import plan_grams
net = tnrbm.models.local_lattice((6, 6), periodic=False, seed=0)
region = tuple(range(18))
nets, plans = plan_grams(net, region, min_cut(net, region), "8GiB")
print(json.dumps([[p.flops, [list(s) for s in p.tree.get_path()]] for p in plans]))
"""


def _plan_in_fresh_process(hash_seed: str) -> list:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    out = subprocess.run(
        [sys.executable, "-c", _PLAN_SCRIPT], capture_output=True, text=True, env=env, check=True, timeout=300
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_same_problem_gets_the_same_trees_in_two_fresh_processes():
    # the 6x6 open lattice, half (m = 12): unseeded, its Gram networks were planned at 1.2e9-4.7e9
    # multiply-adds in different processes
    first, second = _plan_in_fresh_process("1"), _plan_in_fresh_process("2")
    assert first == second
    assert all(flops > 0 and path for flops, path in first)


def test_the_seed_changes_the_search_and_is_recorded():
    net = M.local_lattice((4, 5), periodic=False, seed=0)
    region = tuple(range(10))
    cut = min_cut(net, region)
    paths = set()
    for seed in range(4):
        _, plans = plan_grams(net, region, cut, "1GiB", seed=seed)
        paths.add(tuple(tuple(map(tuple, p.tree.get_path())) for p in plans))
        assert all(p.seed == seed for p in plans)
    assert len(paths) > 1  # the seed reaches the random greedy trials
    res = tnrbm.entanglement(net, region, method="cut", seed=3)
    ref = tnrbm.entanglement(net, region, method="dense")
    assert res.seed == 3 and res.to_dict()["seed"] == 3
    assert res.entropy == pytest.approx(ref.entropy, abs=1e-10)
    pur = tnrbm.purity(net, region, seed=2)
    assert pur.seed == 2 and pur.purity == pytest.approx(float(np.sum(ref.spectrum**2)), rel=1e-10)
    assert tnrbm.entanglement(net, region, method="cut").seed == 0  # the fixed default


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_a_bad_seed_is_refused_with_its_name(seed):
    net = M.local_chain(8, radius=1, seed=0)
    for fn in (tnrbm.entanglement, tnrbm.purity, estimate):
        with pytest.raises(InvalidParameterError, match="seed"):
            fn(net, range(4), seed=seed)


def test_estimate_reports_the_plan_that_entanglement_contracts():
    net = M.local_lattice((4, 5), periodic=False, seed=0)
    region = tuple(range(10))
    est = estimate(net, region, method="cut")
    res = tnrbm.entanglement(net, region, method="cut")
    assert est.methods["cut"].flops == res.flops
    assert est.methods["cut"].stages["contract_flops"] == res.extra["estimated"]["contract_flops"]
    _, plans = plan_grams(net, region, min_cut(net, region), "1GiB")
    assert est.methods["cut"].stages["contract_flops"] == sum(p.flops for p in plans)
    assert est.seed == res.seed == 0
    assert est.methods["cut"].seconds == pytest.approx(res.extra["estimated"]["seconds"])


def test_estimate_plans_a_sliced_contraction_as_the_run_slices_it():
    # the 3x3 open lattice, first row: just below the unsliced peak the run slices (as in test_slicing);
    # the estimate must plan the same sliced trees, and without slicing report the refusal, not raise it
    net = M.local_lattice((3, 3), periodic=False, seed=0)
    region = (0, 1, 2)
    cut = min_cut(net, region)
    _, plans = plan_grams(net, region, cut, "1GiB")
    limit = int(max(max(pl.peak_bytes for pl in plans) - 1, 4 * 16 * 4.0**cut.size))
    est = estimate(net, region, method="cut", max_memory=limit, slicing=True)
    res = tnrbm.entanglement(net, region, method="cut", max_memory=limit, slicing=True)
    ref = tnrbm.entanglement(net, region, method="dense")
    assert max(res.extra["n_slices"]) > 1
    assert est.methods["cut"].flops == res.flops
    assert res.entropy == pytest.approx(ref.entropy, abs=1e-10)
    refused = estimate(net, region, method="cut", max_memory=limit)
    assert not refused.methods["cut"].fits and refused.method is None
    assert refused.methods["cut"].memory > limit


def test_estimate_of_the_whole_system_and_of_an_empty_region():
    net = M.local_chain(12, radius=1, seed=0)
    est = estimate(net, range(12))  # was an IndexError from cotengra
    res = tnrbm.entanglement(net, range(12))
    assert est.trivial and est.method == res.method == "cut"
    assert est.methods["cut"].flops == res.flops == 0.0 and est.seconds == 0.0
    assert res.entropy == 0.0  # a pure state
    assert estimate(net, range(12), method="mps").method == "mps"
    empty_est, empty = estimate(net, []), tnrbm.entanglement(net, [])  # legal since issue 19: S = 0 too
    assert empty_est.trivial and empty_est.seconds == 0.0 and empty.entropy == 0.0 and empty.m == 0
    for fn in (estimate, tnrbm.entanglement):
        with pytest.raises(InvalidRegionError, match="region"):
            fn(net, "0,,1")


def _opt_einsum_macs(inputs: list, output: tuple, path: list) -> float:
    names = {ix: oe.get_symbol(k) for k, ix in enumerate(dict.fromkeys(ix for term in inputs for ix in term))}
    eq = ",".join("".join(names[ix] for ix in t) for t in inputs) + "->" + "".join(names[ix] for ix in output)
    _, info = oe.contract_path(eq, *[(2,) * len(t) for t in inputs], shapes=True, optimize=path)
    return float(info.opt_cost) / 2.0  # opt_einsum counts a multiply and an add


def test_plan_flops_agree_with_an_independent_count():
    # a matrix chain by hand: (8 x 16)(16 x 4)(4 x 32) along ((A B) C) = 8*16*4 + 8*4*32 multiply-adds
    sizes = {"a": 8, "b": 16, "c": 4, "d": 32}
    plan = plan_contraction([("a", "b"), ("b", "c"), ("c", "d")], ("a", "d"), sizes, cache=PathCache())
    assert plan.flops == 8 * 16 * 4 + 8 * 4 * 32  # the cheapest order
    # a chain's Gram networks (hyper-indices): opt_einsum's count of the same paths
    net = M.local_chain(64, radius=2, seed=0)
    region = tuple(range(32))
    cut = min_cut(net, region)
    _, plans = plan_grams(net, region, cut, "1GiB")
    for plan, (_, _, inputs, output, _) in zip(plans, gram_networks(net, region, cut)):
        counted = _opt_einsum_macs(inputs, output, plan.tree.get_path())
        assert 0.5 <= plan.flops / counted <= 2.0, (plan.flops, counted)
        assert plan.traffic > 0 and plan.n_steps == len(inputs) - 1


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    """A calibration cache in ``tmp_path``, calibration on, and a fast stand-in for the timings."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv(calibration.NO_CALIBRATION, raising=False)
    calls = []

    def measure(sizes, axes):
        calls.append(sizes)
        return calibration.Rates(gemm=1e10, memory=1e-8, spectrum=5e9, spectrum_diagonal=4e9, source="measured")

    monkeypatch.setattr(calibration, "_measure", measure)
    calibration._MEASURED.clear()
    calibration._rates_for.cache_clear()
    yield tmp_path, calls
    calibration._MEASURED.clear()
    calibration._rates_for.cache_clear()


def test_calibration_is_measured_once_and_cached_per_machine(cache_home):
    tmp_path, calls = cache_home
    path = calibration.calibration_path()
    assert path == tmp_path / "tnrbm" / "calibration.json"
    first = calibration.machine_rates()
    assert len(calls) == 1 and first.source == "measured" and first.gemm == 1e10
    stored = json.loads(path.read_text())
    assert list(stored) == [calibration.machine_key()]
    calibration._MEASURED.clear()  # a new process: read from the file, nothing measured
    calibration._rates_for.cache_clear()
    again = calibration.machine_rates()
    assert len(calls) == 1 and again.source == "cache" and again.spectrum == 5e9
    # the time model scales with the rates: half the spectrum rate, twice the spectrum seconds
    slow = calibration.Rates(gemm=1e10, memory=1e-8, spectrum=2.5e9, spectrum_diagonal=2e9)
    assert calibration.spectrum_seconds(1024, False, rates=slow) == pytest.approx(
        2 * calibration.spectrum_seconds(1024, False, rates=again)
    )
    assert calibration.spectrum_seconds(1024, False, rates=again) == pytest.approx(4 / 3 * 1024**3 / 5e9)


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"KEY": {"gemm": -1}}', '{"KEY": {"gemm": "fast"}}'])
def test_a_damaged_calibration_file_is_measured_again(cache_home, content):
    tmp_path, calls = cache_home
    path = calibration.calibration_path()
    path.parent.mkdir(parents=True)
    path.write_text(content.replace("KEY", calibration.machine_key()))
    rates = calibration.machine_rates()
    assert len(calls) == 1 and rates.gemm == 1e10
    assert calibration.machine_key() in json.loads(path.read_text())


def test_calibration_off_uses_the_reference_rates_and_writes_nothing(cache_home, monkeypatch):
    tmp_path, calls = cache_home
    monkeypatch.setenv(calibration.NO_CALIBRATION, "1")
    assert calibration.machine_rates() == calibration.DEFAULT_RATES
    assert not calls and not (tmp_path / "tnrbm").exists()


def test_calibrate_measures_real_rates_quickly(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    rates = calibration.calibrate(sizes=(64, 128), store=False)
    assert rates.source == "measured" and rates.gemm > 1e6 and rates.spectrum > 1e5 and rates.memory > 0
    assert np.isfinite(rates.complex_spectrum) and rates.complex_spectrum > 0
    assert not (tmp_path / "tnrbm").exists()
    with pytest.raises(InvalidParameterError, match="sizes"):
        calibration.calibrate(sizes=(8,), store=False)
    calibration._MEASURED.clear()
    calibration._rates_for.cache_clear()
