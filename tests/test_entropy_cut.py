"""Exact entanglement through the minimal cut (method="cut"), method="auto", information quantities,
the memory guard.

References written here, independent of tnrbm: the brute-force amplitudes of conftest (every visible
and hidden configuration summed with numpy) and their SVD, analytic entropies of known states built
from their RBM parameters (toric code, cluster, GHZ), and a second algorithm (the exact MPS).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import (
    as_format,
    brute_force_psi,
    dbm_parameters,
    entropies,
    rbm_parameters,
    record_error,
    svd_spectrum,
)
from hypothesis import given
from hypothesis import strategies as st

import tnrbm
from tnrbm.bulk import min_cut
from tnrbm.contract import blas_threads
from tnrbm.entropy import entanglement, mutual_information, spectrum_from_grams, tripartite_information
from tnrbm.errors import InvalidParameterError, InvalidRegionError, MemoryLimitError

LN2 = math.log(2.0)


@pytest.fixture(autouse=True)
def _one_blas_thread():
    """Small SVDs and eigendecompositions (here and in the references) on one BLAS thread: on a busy
    2-core machine a threaded BLAS is several times slower for them."""
    with blas_threads(1):
        yield


def regions(n: int):
    """A non-empty region of ``range(n)``, contiguous or not (the complement may be empty)."""
    return st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True)


def check_against_svd(net, psi, region, methods=("cut",), tol=1e-10, name="cut"):
    n = net.n_visible
    p_ref = svd_spectrum(psi, region, n)
    ref = entropies(p_ref)
    for method in methods:
        res = entanglement(net, region, method=method, renyi=(2, math.inf))
        err = max(
            abs(res.entropy - ref[1]),
            abs(res.renyi[2] - ref[2]),
            abs(res.renyi[math.inf] - ref[np.inf]),
        )
        k = min(len(res.spectrum), len(p_ref))
        spec_err = float(np.max(np.abs(res.spectrum[:k] - p_ref[:k]))) if k else 0.0
        spec_err = max(spec_err, float(np.sum(res.spectrum[k:])), float(np.sum(p_ref[k:])))
        record_error(f"{name} {method}: entropies vs brute-force SVD", err)
        record_error(f"{name} {method}: spectrum vs brute-force SVD", spec_err)
        assert err < tol, (method, res.entropy, ref[1])
        assert spec_err < tol
        assert res.method == method or (method == "auto" and res.method in ("dense", "cut", "mps"))
        # the bound of the minimal cut holds for the exact entropy
        assert res.entropy <= res.cut.size * LN2 + 1e-10
        assert len(res.spectrum) <= 2**res.cut.size or method != "cut"


@given(params=rbm_parameters(max_visible=12, max_hidden=6), data=st.data())
def test_cut_and_mps_equal_svd_for_random_rbms(params, data):
    w = params["W"]
    net = tnrbm.RBM(as_format(w, params["fmt"]), params["a"], params["b"], hidden=params["hidden"])
    psi = brute_force_psi([w], [params["a"], params["b"]], params["hidden"])
    region = data.draw(regions(net.n_visible))
    check_against_svd(net, psi, region, methods=("cut", "mps", "auto"), name="random RBM")


@given(params=dbm_parameters(n_layers=(2, 3), max_visible=9, max_log2_terms=16), data=st.data())
def test_cut_and_mps_equal_svd_for_random_dbms(params, data):
    weights = [as_format(w, params["fmt"]) for w in params["weights"]]
    net = tnrbm.DBM(weights, params["biases"], hidden=params["hidden"])
    psi = brute_force_psi(params["weights"], params["biases"], params["hidden"])
    region = data.draw(regions(net.n_visible))
    check_against_svd(net, psi, region, methods=("cut", "mps"), name="random DBM")


@pytest.mark.parametrize("hidden", ["spin", "binary"])
@pytest.mark.parametrize("seed", [0, 1])
def test_cut_equals_svd_at_14_spins_complex(hidden, seed):
    """N = 14, complex weights, a sparse RBM (so that the cut is smaller than the region)."""
    rng = np.random.default_rng(seed)
    n, m = 14, 4
    w = (rng.normal(0, 0.5, (n, m)) + 1j * rng.normal(0, 0.5, (n, m))) * (rng.random((n, m)) < 0.4)
    a = rng.normal(0, 0.5, n) + 1j * rng.normal(0, 0.5, n)
    b = rng.normal(0, 0.5, m) + 1j * rng.normal(0, 0.5, m)
    net = tnrbm.RBM(w, a, b, hidden=hidden)
    psi = brute_force_psi([w], [a, b], hidden)
    region = sorted(rng.choice(n, 7, replace=False).tolist())  # non-contiguous
    check_against_svd(net, psi, region, methods=("cut", "mps"), name="N=14 RBM")


def test_surface_with_visible_units():
    """A spin coupled to many hidden units: its cheapest cut is the spin itself (a visible unit)."""
    rng = np.random.default_rng(3)
    n, m = 8, 5
    w = np.zeros((n, m), dtype=complex)
    w[0, :] = rng.normal(0, 0.7, m) + 1j * rng.normal(0, 0.7, m)  # spin 0 sees every hidden unit
    for j in range(m):
        w[1 + j, j] = rng.normal(0, 0.7) + 1j * rng.normal(0, 0.7)
    w[6, 0] = w[7, 1] = 0.4 - 0.3j
    a = rng.normal(0, 0.3, n) + 1j * rng.normal(0, 0.3, n)
    b = rng.normal(0, 0.3, m) + 0j
    net = tnrbm.RBM(w, a, b)
    psi = brute_force_psi([w], [a, b], "spin")
    cut = min_cut(net, [0])
    assert cut.surface == ((0, 0),)  # the visible unit of the region
    check_against_svd(net, psi, [0], name="visible surface")
    # the complement's side of the same surface: A = everything but spin 0
    check_against_svd(net, psi, list(range(1, n)), name="visible surface")
    # any separator works, with visible units of A and of B in it
    for region, surface in (([0, 1, 2], [(0, 0), (0, 1), (0, 2)]), ([1, 3, 6], [(0, 0), (0, 6), (1, 0)])):
        p_ref = svd_spectrum(psi, region, n)
        res = entanglement(net, region, method="cut", surface=surface)
        assert res.cut.size == len(surface)
        assert abs(res.entropy - entropies(p_ref)[1]) < 1e-10


def test_surface_must_separate():
    net = tnrbm.models.local_chain(8, radius=1, seed=0)
    with pytest.raises(InvalidParameterError, match="separate"):
        entanglement(net, [0, 1, 2], method="cut", surface=[(1, 2)])
    with pytest.raises(InvalidParameterError, match="units of the network"):
        entanglement(net, [0, 1, 2], method="cut", surface=[(3, 0)])


def test_spectrum_from_grams_convention():
    """psi = X Y^T with complex X, Y: the transpose on G_B matters (without it the answer is wrong)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 4)) + 1j * rng.normal(size=(16, 4))
    y = rng.normal(size=(8, 4)) + 1j * rng.normal(size=(8, 4))
    ga, gb = x.conj().T @ x, y.conj().T @ y
    s = np.linalg.svd(x @ y.T, compute_uv=False) ** 2
    p, clipped = spectrum_from_grams(ga, gb)
    assert np.max(np.abs(p - s[:4] / s.sum())) < 1e-12
    assert clipped < 1e-12
    wrong, _ = spectrum_from_grams(ga, gb.T)
    assert np.max(np.abs(wrong - s[:4] / s.sum())) > 1e-3


# ------------------------------------------------------------------------------------ known states
def toric_code(size: int):
    """Toric code on a size x size torus: one spin per edge, one binary hidden unit per plaquette with
    W = i pi/2 on its 4 edges and b = 0, so the factor 1 + i**(sum of the 4 spins) is 2 for an even number
    of down spins and 0 otherwise: the uniform superposition of the plaquette-constrained configurations."""
    n = 2 * size * size

    def horizontal(x, y):
        return (x % size) * size + (y % size)

    def vertical(x, y):
        return size * size + (x % size) * size + (y % size)

    w = np.zeros((n, size * size), dtype=complex)
    for x in range(size):
        for y in range(size):
            for e in (horizontal(x, y), horizontal(x, y + 1), vertical(x, y), vertical(x + 1, y)):
                w[e, x * size + y] = 1j * np.pi / 2
    return tnrbm.RBM(w, hidden="binary"), horizontal, vertical


def plaquette_block(k, horizontal, vertical):
    """Every edge of the k x k block of plaquettes at the origin: 4k boundary vertices."""
    edges = set()
    for x in range(k):
        for y in range(k):
            edges |= {horizontal(x, y), horizontal(x, y + 1), vertical(x, y), vertical(x + 1, y)}
    return sorted(edges)


def test_toric_code_parameters_against_dense():
    """On a 3 x 3 torus (18 spins) the parameters give a toric-code ground state: plaquette constraints
    hold, every allowed configuration has the same weight, and S = 3 ln 2 for one plaquette's edges."""
    net, hor, ver = toric_code(3)
    spins = 1.0 - 2.0 * ((np.arange(2**18)[:, None] >> np.arange(17, -1, -1)) & 1)  # kron order
    w = net.W.toarray()
    psi = np.prod(1.0 + np.exp(spins @ w), axis=1)  # prod_p (1 + exp(theta_p)), binary hidden units
    support = np.abs(psi) > 1e-9
    assert np.allclose(np.abs(psi[support]), np.abs(psi[support]).max())
    assert support.sum() == 2 ** (18 - 9 + 1)  # 9 plaquette constraints, one of them dependent
    region = plaquette_block(1, hor, ver)
    ref = entropies(svd_spectrum(psi, region, 18))[1]
    assert abs(ref - 3 * LN2) < 1e-10
    assert abs(entanglement(net, region, method="cut").entropy - ref) < 1e-10


@pytest.mark.parametrize("k", [1, 2])
def test_toric_code_72_spins(k):
    net, hor, ver = toric_code(6)
    res = entanglement(net, plaquette_block(k, hor, ver), method="auto", renyi=(2, math.inf))
    assert res.method == "cut"
    expected = (4 * k - 1) * LN2
    record_error("toric code L=6: S - (4k-1) ln 2", abs(res.entropy - expected))
    assert abs(res.entropy - expected) < 1e-9
    # flat spectrum: every Renyi entropy equals the von Neumann entropy
    assert abs(res.renyi[2] - expected) < 1e-9 and abs(res.renyi[math.inf] - expected) < 1e-9
    assert res.cut.size == 4 * k
    assert abs(res.saturation - (4 * k - 1) / (4 * k)) < 1e-9


def cluster_state(n: int):
    """Periodic 1D cluster state: one spin hidden unit per bond (j, j+1), W = b = i pi/4, a = 0; the
    factor 2 cos(pi/4 (1 + v_j + v_j+1)) is -sqrt 2 for two up spins and +sqrt 2 otherwise (a CZ phase)."""
    w = np.zeros((n, n), dtype=complex)
    for j in range(n):
        w[j, j] = w[(j + 1) % n, j] = 1j * np.pi / 4
    return tnrbm.RBM(w, hidden_bias=np.full(n, 1j * np.pi / 4))


def test_cluster_parameters_against_dense():
    net = cluster_state(10)
    psi = brute_force_psi([net.W.toarray()], [None, net.hidden_bias], "spin")
    assert np.allclose(np.abs(psi), np.abs(psi[0]))
    for length in range(1, 10):
        ref = entropies(svd_spectrum(psi, range(length), 10))[1]
        assert abs(ref - min(length, 10 - length, 2) * LN2) < 1e-10


def test_cluster_state_100_spins():
    net = cluster_state(100)
    for length in (2, 3, 17, 50, 98):
        res = entanglement(net, range(length), method="cut")
        record_error("cluster N=100: S - 2 ln 2", abs(res.entropy - 2 * LN2))
        assert abs(res.entropy - 2 * LN2) < 1e-10
    ring = [97, 98, 99, 0, 1, 2]  # a block across the periodic boundary
    assert abs(entanglement(net, ring, method="cut").entropy - 2 * LN2) < 1e-10
    assert abs(entanglement(net, [5], method="cut").entropy - LN2) < 1e-10


def ghz_state(n: int):
    """GHZ chain: one spin hidden unit per bond (j, j+1) with W = 1 on both spins and b = i pi/2, so the
    factor 2 cosh(i pi/2 + v_j + v_j+1) = 2i sinh(v_j + v_j+1) vanishes unless the spins agree; a = i pi/2."""
    w = np.zeros((n, n - 1))
    for j in range(n - 1):
        w[j, j] = w[j + 1, j] = 1.0
    return tnrbm.RBM(w, visible_bias=np.full(n, 1j * np.pi / 2), hidden_bias=np.full(n - 1, 1j * np.pi / 2))


def test_ghz_parameters_against_dense():
    net = ghz_state(8)
    psi = brute_force_psi([net.W.toarray()], [net.visible_bias, net.hidden_bias], "spin")
    psi = psi / np.linalg.norm(psi)
    assert np.count_nonzero(np.abs(psi) > 1e-12) == 2
    assert abs(abs(psi[0]) - 2**-0.5) < 1e-12 and abs(abs(psi[-1]) - 2**-0.5) < 1e-12


def test_ghz_1000_spins():
    net = ghz_state(1000)
    for region in (range(500), range(1), [3, 500, 999]):
        res = entanglement(net, region, method="cut")
        record_error("GHZ N=1000: S - ln 2", abs(res.entropy - LN2))
        assert abs(res.entropy - LN2) < 1e-10
    # four parties: I3 = +ln 2 (monogamy fails for GHZ)
    i3 = tripartite_information(ghz_state(200), range(0, 20), range(60, 80), range(120, 140))
    assert abs(i3.value - LN2) < 1e-10


# ---------------------------------------------------------------------------------- information
def test_mutual_and_tripartite_information_against_svd():
    net = tnrbm.models.random_rbm(10, 5, complex=True, density=0.6, seed=4)
    psi = brute_force_psi([net.W.toarray()], [net.visible_bias, net.hidden_bias], "spin")
    a, b, c = [0, 4], [1, 7, 8], [2, 9]

    def s(region):
        return entropies(svd_spectrum(psi, sorted(region), 10))[1]

    mi = mutual_information(net, a, b, method="cut")
    ref_mi = s(a) + s(b) - s(a + b)
    assert abs(mi.value - ref_mi) < 1e-10
    cut = {k: min_cut(net, r).size for k, r in {"A": a, "B": b, "AB": a + b}.items()}
    assert abs(mi.cut_value - (cut["A"] + cut["B"] - cut["AB"]) * LN2) < 1e-12
    i3 = tripartite_information(net, a, b, c, method="cut")
    ref_i3 = s(a) + s(b) + s(c) - s(a + b) - s(a + c) - s(b + c) + s(a + b + c)
    assert abs(i3.value - ref_i3) < 1e-10
    with pytest.raises(InvalidRegionError, match="disjoint"):
        mutual_information(net, [0, 1], [1, 2])


def test_whole_system_and_disconnected_regions():
    net = tnrbm.models.random_rbm(6, 3, complex=True, seed=1)
    res = entanglement(net, range(6), method="cut")
    assert res.entropy == 0.0 and res.cut.size == 0
    # two disconnected halves: a product state, m = 0
    w = np.zeros((4, 2), dtype=complex)
    w[0, 0] = w[1, 0] = 0.3 + 0.2j
    w[2, 1] = w[3, 1] = -0.5 + 0.1j
    prod = tnrbm.RBM(w, hidden_bias=[0.1j, 0.2])
    res = entanglement(prod, [0, 1], method="cut")
    assert res.cut.size == 0 and abs(res.entropy) < 1e-12


# ------------------------------------------------------------------------------ scale and numerics
def test_local_chain_1024_cut_equals_mps():
    """Half chain of 1024 spins, radius 1 and 2, complex weights: the cut and the exact MPS (a second
    algorithm) agree; no overflow."""
    for radius, periodic in ((1, True), (2, False)):
        net = tnrbm.models.local_chain(1024, alpha=1, radius=radius, periodic=periodic, complex=True, seed=5)
        cut = entanglement(net, range(512), method="cut")
        mps = entanglement(net, range(512), method="mps")
        assert np.isfinite(cut.entropy) and cut.entropy > 0
        record_error("N=1024 chain: cut vs mps", abs(cut.entropy - mps.entropy))
        assert abs(cut.entropy - mps.entropy) < 1e-10
        assert cut.cut.size == (2 if periodic else 1) * 2 * radius
        assert cut.clipped < 1e-12


def test_auto_records_its_choice():
    small = tnrbm.models.random_rbm(8, 4, complex=True, seed=0)
    assert entanglement(small, [0, 1, 2]).method == "dense"
    big = tnrbm.models.local_chain(200, radius=1, complex=True, seed=0)
    res = entanglement(big, range(100))
    assert res.method in ("cut", "mps")
    assert set(res.extra["costs"]) >= {"cut"}
    assert res.flops > 0 and res.memory > 0 and res.seconds > 0


# ---------------------------------------------------------------------------------- memory guard
def test_memory_guard_refuses_before_contracting():
    net = tnrbm.models.local_lattice((6, 6), radius=1, complex=True, seed=0)  # 36 spins, 2D
    region = [x * 6 + y for x in range(3) for y in range(6)]  # half the torus: a wide cut
    with pytest.raises(MemoryLimitError, match=r"needs about .* more than max_memory") as err:
        entanglement(net, region, method="cut", max_memory=2**20)
    msg = str(err.value)
    assert "smaller" in msg
    with pytest.raises(MemoryLimitError, match="slicing|smaller"):
        entanglement(net, range(2), method="cut", max_memory=2**10)
    with pytest.raises(MemoryLimitError, match="MPS"):
        entanglement(net, region, method="mps", max_memory=2**20)
    with pytest.raises(MemoryLimitError):
        entanglement(net, region, method="dense", max_memory=2**20)
    with pytest.raises(MemoryLimitError):  # auto: nothing fits
        entanglement(net, region, max_memory=2**12)


def test_slicing_gives_the_same_answer():
    """A 4 x 4 torus with 3 x 3 receptive fields: one spin has m = 1 but the rest contracts through
    wide intermediates; with slicing it fits in a third of the memory and gives the dense answer."""
    net = tnrbm.models.local_lattice((4, 4), radius=1, complex=True, seed=2)
    ref = entanglement(net, [0], method="dense").entropy
    full = entanglement(net, [0], method="cut")
    assert abs(full.entropy - ref) < 1e-10
    with pytest.raises(MemoryLimitError, match="slicing=True"):
        entanglement(net, [0], method="cut", max_memory=full.memory / 3)
    res = entanglement(net, [0], method="cut", max_memory=full.memory / 3, slicing=True)
    assert abs(res.entropy - ref) < 1e-10
    assert max(res.extra["n_slices"]) > 1 and res.memory <= full.memory / 3


def test_bad_arguments():
    net = tnrbm.models.random_rbm(4, 2, seed=0)
    with pytest.raises(InvalidParameterError, match="method"):
        entanglement(net, [0], method="svd")
    with pytest.raises(InvalidParameterError, match="max_memory"):
        entanglement(net, [0], max_memory=-1)
    with pytest.raises(InvalidParameterError, match="network"):
        entanglement(np.ones(4) / 2, [0], method="cut")
    with pytest.raises(InvalidRegionError):
        entanglement(net, [4], method="cut")


def test_sweep_path_equals_greedy_path():
    """The chain-order sweep (transfer-matrix order) and cotengra's greedy tree give the same Gram matrix."""
    from cotengra.pathfinders.path_basic import ssa_to_linear

    from tnrbm.contract import plan_contraction, sequential_path
    from tnrbm.entropy.cut import gram_network
    from tnrbm.network import TermBuilder, chain_positions

    net = tnrbm.models.local_chain(30, radius=2, periodic=False, complex=True, seed=9)
    builder = TermBuilder(net)
    owners: list = []
    side = [u for u in net.units() if chain_positions(net)[u] < 15]
    edges = [e for e, (u, v, _) in enumerate(builder.edges) if u in side and v in side]
    terms, _ = builder.terms(side, edges, owners=owners)
    cut = [f"k{i}" for i in range(13, 15)]  # leave two spins open as "cut" indices
    arrays, inputs, output = gram_network(terms, [f"k{i}" for i in range(13)], cut)
    size_dict = {ix: 2 for t in inputs for ix in t}
    pos = chain_positions(net)
    keys = [pos[u] + 0.25 * t for t in (0, 1) for u in owners]
    sweep = plan_contraction(inputs, output, size_dict, optimize=ssa_to_linear(sequential_path(keys), len(inputs)))
    greedy = plan_contraction(inputs, output, size_dict, optimize="greedy")
    (m1, e1), (m2, e2) = sweep.contract(arrays), greedy.contract(arrays)
    assert np.allclose(m1 * 10.0 ** (e1 - e2), m2, rtol=1e-12, atol=1e-14)
    assert sweep.largest_intermediate <= 2**10  # the sweep carries only the legs crossing its position
