"""Issue 17, the RG parts (items 5, 6 and the RG routes of item 1): every reproduction of the issue as a
regression test, each against an independent reference.

References: ``decimal`` at 50 digits (``Tr T^n`` of the chain by squaring its exact positive 2 x 2 matrix, no
eigenvalues), brute-force enumeration, and the operating system's peak resident set size of a child process.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from rg_reference import brute_log_z_terms, decimal_chain_log_z, spins

import tnrbm
from tnrbm import rg
from tnrbm.errors import InvalidParameterError, MemoryLimitError

ROOT = Path(__file__).resolve().parents[1]
SIZES = [10, 1000, 10**4, 3 * 10**4, 10**5, 10**6]
PARAMETERS = [(0.7, 0.0), (0.3, 0.2), (-0.7, 0.0), (-0.4, -0.3), (2.5, 1.5), (-3.0, 0.05), (1e-3, -1e-3)]


# --------------------------------------------------------------------------- item 5: chain log Z
@pytest.mark.parametrize("n", SIZES + [10**6 + 1, 30_001])
@pytest.mark.parametrize("periodic", [True, False])
def test_chain_log_z_is_exact_to_1e14_up_to_a_million_spins(n, periodic):
    """The closed form against 50-digit Tr T^n (open: b^T T^(n-1) b), both signs of K and h, odd and even n."""
    for k, h in PARAMETERS:
        ref = decimal_chain_log_z(n, k, h, periodic)
        got = rg.ising_chain_log_partition(n, k, h, periodic=periodic)
        assert abs(got - ref) <= 1e-14 * abs(ref), (n, k, h, periodic, got, ref)


@pytest.mark.parametrize("n", [10, 1000, 10**4, 3 * 10**4, 10**5])
def test_ising_chain_log_partition_route_is_exact(n):
    """The issue's reproduction: ising_chain(N, K, h).log_partition() lost 3.4e-13 at 1e4; now 1e-14."""
    for k, h in [(0.7, 0.0), (-0.4, 0.3)]:
        for periodic in (True, False):
            lz = rg.ising_chain(n, k, h, periodic=periodic).log_partition()
            ref = decimal_chain_log_z(n, k, h, periodic)
            assert abs(lz - ref) <= 1e-14 * abs(ref)


@pytest.mark.slow
def test_ising_chain_log_partition_route_a_million_spins():
    lz = rg.ising_chain(10**6, 0.3, 0.2).log_partition()
    ref = decimal_chain_log_z(10**6, 0.3, 0.2, True)
    assert abs(lz - ref) <= 1e-14 * abs(ref)


def test_chain_closed_form_only_while_the_terms_are_the_chains():
    ham = rg.ising_chain(8, 0.6, 0.2)
    assert ham.log_partition(method="transfer") == pytest.approx(brute_log_z_terms(8, ham.terms), rel=1e-14)
    assert ham.log_partition(method="contract") == pytest.approx(brute_log_z_terms(8, ham.terms), rel=1e-13)
    ham.terms[(2, 5)] = 0.3  # no longer the chain: auto contracts, transfer refuses
    assert ham.log_partition() == pytest.approx(brute_log_z_terms(8, ham.terms), rel=1e-13)
    with pytest.raises(InvalidParameterError, match="method='transfer'"):
        ham.log_partition(method="transfer")
    shifted = rg.SpinHamiltonian(8, rg.ising_chain(8, 0.6).terms, constant=1.5)
    assert shifted.log_partition() == pytest.approx(brute_log_z_terms(8, shifted.terms, 1.5), rel=1e-13)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("k,h", [(0.8, 0.0), (-0.8, 0.3), (-2.0, -1.0), (0.0, 0.4)])
def test_small_chains_against_enumeration(n, k, h):
    """n = 1 is one spin with a self bond (Tr T), n = 2 two spins joined twice (Tr T^2)."""
    v = spins(n)
    bonds = sum(v[:, i] * v[:, (i + 1) % n] for i in range(n))
    logs = k * bonds + h * v.sum(1)
    ref = float(np.log(np.exp(logs).sum()))
    assert rg.chain_log_partition(n, k, h) == pytest.approx(ref, rel=1e-14, abs=1e-15)
    if n > 1:
        open_logs = k * sum(v[:, i] * v[:, i + 1] for i in range(n - 1)) + h * v.sum(1)
        ref_open = float(np.log(np.exp(open_logs).sum()))
        assert rg.ising_chain_log_partition(n, k, h, periodic=False) == pytest.approx(ref_open, rel=1e-14)


def test_chain_with_huge_coupling_or_field_is_exact():
    """The issue's chain_log_partition(8, -1e5) and field=1e5 raised OverflowError; both are ordinary numbers."""
    assert rg.chain_log_partition(8, -1e5) == pytest.approx(decimal_chain_log_z(8, -1e5, 0.0), rel=1e-15)
    assert rg.chain_log_partition(8, 0.3, field=1e5) == pytest.approx(decimal_chain_log_z(8, 0.3, 1e5), rel=1e-15)
    # a frustrated ring: 2 n ground states with one broken bond, ln Z = (n - 2)|K| + ln 2n
    assert rg.chain_log_partition(7, -1e5) == pytest.approx(5e5 + math.log(14.0), rel=1e-15)
    with pytest.raises(InvalidParameterError, match="coupling"):
        rg.chain_log_partition(8, 1e308)


@pytest.mark.parametrize("n", [0, -3, 2.0, True, None])
def test_chain_log_partition_refuses_a_bad_length(n):
    with pytest.raises(InvalidParameterError, match="n must be an integer >= 1"):
        rg.chain_log_partition(n, 0.3)


# --------------------------------------------------------------------------- item 5: sparse to_rbm
def test_to_rbm_of_a_long_chain_is_sparse_and_exact():
    """A 10^4-spin chain: two couplings per bond (the dense 10^4 x 10^4 matrix took 800 MB)."""
    tracemalloc.start()
    rbm, offset = rg.ising_chain(10**4, 0.7).to_rbm()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 32 * 2**20
    assert rbm.W.nnz == 2 * 10**4 and rbm.W.shape == (10**4, 10**4)
    ref = decimal_chain_log_z(10**4, 0.7, 0.0, True)
    assert abs(rg.log_partition(rbm) + offset - ref) <= 1e-12 * ref


def test_to_rbm_matches_the_hamiltonian_configuration_by_configuration():
    ham = rg.SpinHamiltonian(5, {(0, 1): 0.7, (1, 3): -1.2, (2, 4): 0.05, 3: 0.4, (0, 4): -0.3})
    rbm, offset = ham.to_rbm()
    assert sp.issparse(rbm.W)
    v = spins(5)
    # psi(v) = exp(a.v) prod_j 2 cosh(theta_j), written here without tnrbm
    w = rbm.W.toarray()
    log_psi = v @ rbm.visible_bias + np.log(2 * np.cosh(v @ w)).sum(1)
    np.testing.assert_allclose(log_psi + offset, -ham.energy(v), rtol=1e-13, atol=1e-13)


def _doc_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(), flags=re.S)


@pytest.mark.slow
def test_how_to_rg_log_z_example_runs_as_written():
    """docs/how-to/rg.md, the first two examples, as written (the 10^4-spin to_rbm raised MemoryLimitError)."""
    blocks = _doc_blocks(ROOT / "docs" / "how-to" / "rg.md")
    scope: dict = {}
    exec(blocks[0], scope)  # noqa: S102 - the documentation's own code
    lz = scope["rg"].log_partition(scope["rbm"]) + scope["offset"]
    assert lz == pytest.approx(decimal_chain_log_z(10_000, 0.7, 0.0, True), rel=1e-12)
    assert scope["chain"].log_partition() == pytest.approx(decimal_chain_log_z(10_000, 0.7, 0.0, True), rel=1e-14)
    exec(blocks[1], scope)  # noqa: S102
    assert scope["K"][(0, 1)] == pytest.approx(0.5 * math.log(math.cosh(2.0)), abs=1e-12)


# --------------------------------------------------------------------------- item 5: coarse_coupling
def _brute_coarse_couplings(rbm) -> dict:
    """Every K~_S of -H^RBM(h) = log sum_v exp(a.v + b.h + v W h), by enumeration and the parity sum."""
    w, a, b = rbm.W.toarray(), rbm.visible_bias, rbm.hidden_bias
    n, m = w.shape
    vs, hs = spins(n), spins(m)
    f = np.array([np.log(np.exp(vs @ a + h @ b + vs @ w @ h).sum()) for h in hs])
    return {
        s: float(np.mean(f * np.prod(hs[:, list(s)], axis=1)))
        for r in range(m + 1)
        for s in itertools.combinations(range(m), r)
    }


def test_coarse_coupling_counts_an_uncoupled_visible_unit_once():
    """The issue's reproduction: 2.28824 (ln 2 cosh 0.3 twice) -> 1.55075."""
    rbm = tnrbm.RBM([[0.5], [0.0]], visible_bias=[0, 0.3])
    ref = math.log(2 * math.cosh(0.5)) + math.log(2 * math.cosh(0.3))
    assert rg.coarse_coupling(rbm, []) == pytest.approx(ref, rel=1e-15)
    assert ref == pytest.approx(1.55075, abs=1e-5)


@pytest.mark.parametrize("seed", range(4))
def test_coarse_coupling_every_subset_against_enumeration(seed):
    rng = np.random.default_rng(seed)
    w = rng.normal(0, 0.7, (5, 3)) * (rng.random((5, 3)) < 0.5)
    w[rng.integers(5)] = 0.0  # at least one visible unit without a hidden neighbour
    rbm = tnrbm.RBM(w, visible_bias=rng.normal(0, 0.5, 5), hidden_bias=rng.normal(0, 0.5, 3))
    for s, ref in _brute_coarse_couplings(rbm).items():
        assert rg.coarse_coupling(rbm, list(s)) == pytest.approx(ref, abs=1e-12)
        assert rg.coarse_couplings(rbm)[s] == pytest.approx(ref, abs=1e-12)


# --------------------------------------------------------------------------- item 6: inputs
ESCAPES = [
    ("block_estimate n_blocks=0", lambda: rg.block_estimate(np.ones((2, 10)), n_blocks=0), "n_blocks"),
    ("block_estimate one block", lambda: rg.block_estimate(np.ones(10), n_blocks=1), "n_blocks"),
    ("block_estimate nan", lambda: rg.block_estimate([1.0, math.nan, 2.0], n_blocks=2), "series"),
    ("walsh_hadamard []", lambda: rg.walsh_hadamard([]), "values"),
    ("walsh_hadamard length 3", lambda: rg.walsh_hadamard([1, 2, 3]), "values"),
    ("moebius nan", lambda: rg.moebius([math.nan, 1]), "values"),
    ("moebius inf", lambda: rg.walsh_hadamard([math.inf, 1]), "values"),
    ("bond_weight 1j", lambda: rg.bond_weight(1j), "coupling"),
    ("bond_weight None", lambda: rg.bond_weight(None), "coupling"),
    ("bond_weight nan", lambda: rg.bond_weight(math.nan), "coupling"),
    ("bond_weight inf", lambda: rg.bond_weight(math.inf), "coupling"),
    ("coarse_couplings max_order=-1", lambda: rg.coarse_couplings(tnrbm.RBM([[0.5]]), max_order=-1), "max_order"),
    ("coarse_coupling subset 0.5", lambda: rg.coarse_coupling(tnrbm.RBM([[0.5]]), [0.5]), "subset"),
    ("coarse_coupling subset None", lambda: rg.coarse_coupling(tnrbm.RBM([[0.5]]), None), "subset"),
    ("coarse_coupling max_degree", lambda: rg.coarse_coupling(tnrbm.RBM([[0.5]]), [0], max_degree=40), "max_degree"),
    ("chain_log_partition 0", lambda: rg.chain_log_partition(0, 0.3), "n"),
    ("decimation_step huge", lambda: rg.decimation_step(1e308), "coupling"),
    ("SpinHamiltonian constant", lambda: rg.SpinHamiltonian(2, {(0, 1): 1.0}, constant=None), "constant"),
    ("SpinHamiltonian positions", lambda: rg.SpinHamiltonian(2, {(0, 1): 1.0}, positions=[0.0]), "positions"),
    ("random_hamiltonian scale", lambda: rg.random_hamiltonian(4, scale=-1.0), "scale"),
    ("random_hamiltonian n", lambda: rg.random_hamiltonian(None), "n"),
    ("swendsen_wang coupling None", lambda: rg.swendsen_wang(8, None), "coupling"),
    ("seam_orbits flip", lambda: rg.seam_orbits(4, flip="yes"), "flip"),
]


@pytest.mark.parametrize("label,call,name", ESCAPES, ids=[e[0] for e in ESCAPES])
def test_inputs_that_escaped_get_a_named_tnrbm_error(label, call, name):
    with pytest.raises(InvalidParameterError) as err:
        call()
    assert name in str(err.value)


HUGE = [
    ("ising_torus", lambda: rg.ising_torus(10**9, 0.3)),
    ("ising_chain", lambda: rg.ising_chain(10**9, 0.3)),
    ("decimation_rbm", lambda: rg.decimation_rbm(10**9, 0.3)),
    ("swendsen_wang", lambda: rg.swendsen_wang((10**9, 10**9), 0.3)),
]


@pytest.mark.parametrize("label,call", HUGE, ids=[h[0] for h in HUGE])
def test_huge_sizes_are_refused_before_allocation(label, call):
    """The issue's bare MemoryErrors: a MemoryLimitError with the estimate, at once, nothing allocated."""
    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(MemoryLimitError, match="needs about"):
        call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert time.perf_counter() - t0 < 1.0 and peak < 2**20


def test_block_estimate_against_numpy():
    """Two chains, one block each, is two blocks: the mean and the standard error of the two chain means."""
    x = np.arange(20.0).reshape(2, 10) ** 2
    means = x.mean(axis=1)
    assert rg.block_estimate(x, n_blocks=1) == pytest.approx((means.mean(), means.std(ddof=1) / math.sqrt(2)))


def test_decimation_rbm_is_sparse_and_the_chain():
    """decimation_rbm(n) was a dense n x n matrix: now 2 n couplings; brute force over the 2 n spins."""
    n, k, b = 4, 0.8, 0.3
    rbm = rg.decimation_rbm(n, k, b)
    assert rbm.W.nnz == 2 * n
    assert rg.log_partition(rbm) == pytest.approx(decimal_chain_log_z(2 * n, k, b), rel=1e-13)


def test_long_loops_are_refused_with_a_time_estimate():
    """random_hamiltonian(4, n_terms=10**9) and decimation_flow(.5, steps=10**7) ran for minutes."""
    for call, name in [
        (lambda: rg.random_hamiltonian(4, n_terms=10**9), "n_terms"),
        (lambda: rg.decimation_flow(0.5, steps=10**7), "steps"),
    ]:
        t0 = time.perf_counter()
        with pytest.raises(InvalidParameterError, match=rf"{name}=\d+.*about [0-9.e+]+ s") as err:
            call()
        assert time.perf_counter() - t0 < 0.5, str(err.value)


def test_the_largest_allowed_loops_run_and_are_right():
    flow = rg.decimation_flow(0.5, steps=rg.decimation.MAX_FLOW_STEPS)
    ref = [0.5]
    for _ in range(60):
        ref.append(math.atanh(math.tanh(ref[-1]) ** 2))
    np.testing.assert_allclose(flow["coupling"][:61], ref, rtol=1e-12, atol=1e-300)
    assert np.all(np.isfinite(flow["per_spin"]))
    with pytest.raises(InvalidParameterError, match="steps < 28"):
        rg.decimation_flow(1e300, steps=100)  # the constant per spin leaves float64
    ham = rg.random_hamiltonian(6, order=2, n_terms=rg.hamiltonian.MAX_RANDOM_TERMS // 1000, seed=1)
    assert ham.order <= 2


# --------------------------------------------------------------------------- item 1: memory of the RG routes
CHILD = r"""
import json, sys, time
import tnrbm
from tnrbm import rg
from tnrbm.errors import MemoryLimitError
rg.ising_torus_log_partition(6, 0.3, rows=1)
rg.SpinHamiltonian(4, {(0, 1, 2, 3): 0.3, 0: 0.1}).log_partition()
def status(key):
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) * 1024 for line in fh if line.startswith(key))
with open("/proc/self/clear_refs", "w") as fh:
    fh.write("5")
base = status("VmRSS:")
route, size, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
try:
    if route == "transfer":
        out = rg.ising_torus_log_partition(size, 0.3, rows=1, max_memory=limit)
    else:
        out = rg.SpinHamiltonian(size, {tuple(range(size)): 0.3, 0: 0.1}).log_partition(max_memory=limit)
except MemoryLimitError as err:
    out = str(err)
print(json.dumps({"out": out, "peak": status("VmHWM:") - base}))
"""


def _child(route: str, size: int, limit: int) -> tuple[object, int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, route, str(size), str(limit)], capture_output=True, env=env, timeout=300
    )
    assert proc.returncode == 0, proc.stderr.decode()[-800:]
    rec = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    return rec["out"], rec["peak"]


def _reference(route: str, size: int) -> float:
    if route == "transfer":  # K = 0.3 on a torus of one row: the row is a periodic chain with its self-bonds
        return decimal_chain_log_z(size, 0.3, 0.0) + size * 0.3
    # -H = 0.3 prod_i v_i + 0.1 v_0: each of the four (product, v_0) classes holds 2^(size - 2) states
    quarter = 2 ** (size - 2)
    return math.log(quarter * sum(math.exp(0.3 * p + 0.1 * s) for p in (1, -1) for s in (1, -1)))


@pytest.mark.slow
@pytest.mark.parametrize("route,size", [("transfer", 21), ("contract", 23)])
def test_rg_routes_stay_within_max_memory(route, size):
    """Peak RSS over the import baseline <= max_memory + 128 MiB, or a MemoryLimitError before allocation."""
    mib = 2**20
    for limit in (32 * mib, 200 * mib, 1024 * mib):
        out, peak = _child(route, size, limit)
        assert peak <= limit + 128 * mib, (route, limit, peak)
        if isinstance(out, str):
            assert peak < 16 * mib and "needs about" in out
        else:
            assert out == pytest.approx(_reference(route, size), rel=1e-13)


def _outcome(call, limit):
    try:
        call(limit)
    except MemoryLimitError as err:
        return str(err)
    return None


def _needed(message: str) -> float:
    value, unit = re.search(r"needs about ([0-9.]+) (B|KiB|MiB|GiB)", message).groups()
    return float(value) * {"B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30}[unit]


@pytest.mark.parametrize(
    "label,call",
    [
        ("transfer", lambda lim: rg.ising_torus_log_partition(12, 0.3, rows=3, max_memory=lim)),
        ("contract", lambda lim: rg.SpinHamiltonian(16, {tuple(range(16)): 0.3, 0: 0.1}).log_partition(max_memory=lim)),
        ("contract chain", lambda lim: rg.ising_chain(40, 0.3).log_partition(method="contract", max_memory=lim)),
        ("rbm", lambda lim: rg.log_partition(rg.decimation_rbm(16, 0.7, 0.1), max_memory=lim)),
    ],
)
def test_refusal_is_monotonic_and_names_the_smallest_limit(label, call):
    limits = [int(2 ** (e / 2)) for e in range(12, 60)]
    refused = [_outcome(call, lim) is not None for lim in limits]
    first_ok = refused.index(False)
    assert not any(refused[first_ok:]), "accepted at a limit and refused at a larger one"
    assert first_ok > 0, "the smallest limit tried should be refused"
    message = _outcome(call, limits[first_ok - 1])
    smallest = _needed(message)  # printed to 0.1 of its unit: within 5%
    assert limits[first_ok - 1] < smallest * 1.05 and smallest <= limits[first_ok] * 1.05
    assert _outcome(call, int(smallest * 1.05) + 1) is None  # the limit the message names works
    assert isinstance(_outcome(call, int(smallest * 0.95)), str)  # and a smaller one does not
