"""RBM and DBM amplitudes against brute-force enumeration and closed forms written in the tests."""

from __future__ import annotations

import cmath
import json
import math
import subprocess
import sys
from decimal import Decimal, localcontext

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import (
    FAST_DBM_CASES,
    as_format,
    brute_force_log_psi,
    brute_force_psi,
    dbm_parameters,
    fixed_dbm_parameters,
    fixed_rbm_parameters,
    phase_difference,
    rbm_parameters,
    record_error,
    relative_error,
    spin_configurations,
)
from hypothesis import given, settings
from hypothesis import strategies as st

import tnrbm

TOL = 1e-10


def make_rbm(p: dict) -> tnrbm.RBM:
    return tnrbm.RBM(as_format(p["W"], p["fmt"]), p["a"], p["b"], hidden=p["hidden"])


def make_dbm(p: dict) -> tnrbm.DBM:
    return tnrbm.DBM([as_format(w, p["fmt"]) for w in p["weights"]], p["biases"], hidden=p["hidden"])


# --------------------------------------------------------------------------- the reference itself
@pytest.mark.parametrize("hidden", ["spin", "binary"])
def test_brute_force_reference_on_one_spin_one_hidden_unit(hidden):
    """The brute-force helper reproduces psi(v) = e^{a v} sum_h e^{h (b + w v)} written out by hand."""
    w, a, b = 0.7 - 0.2j, 0.3 + 0.1j, -0.4 + 0.5j
    ref = brute_force_psi([np.array([[w]])], [np.array([a]), np.array([b])], hidden)
    hvals = (1, -1) if hidden == "spin" else (0, 1)
    by_hand = [cmath.exp(a * v) * sum(cmath.exp(h * (b + w * v)) for h in hvals) for v in (1, -1)]
    np.testing.assert_allclose(ref, by_hand, rtol=1e-14)


def test_spin_configurations_are_kron_ordered():
    conf = spin_configurations(3)
    assert conf[0].tolist() == [1, 1, 1]  # spin +1 is basis index 0
    assert conf[1].tolist() == [1, 1, -1]  # the last site is the least significant bit
    assert conf[4].tolist() == [-1, 1, 1]  # site 0 is the most significant bit
    np.testing.assert_array_equal(tnrbm.all_configurations(3), conf)


# --------------------------------------------------------------------------- RBM
@given(rbm_parameters())
def test_rbm_log_amplitude_equals_brute_force(p):
    rbm = make_rbm(p)
    ref = brute_force_psi([p["W"]], [p["a"], p["b"]], p["hidden"])
    conf = spin_configurations(rbm.n_visible)
    log_psi = rbm.log_amplitude(conf)
    assert log_psi.shape == (2**rbm.n_visible,)
    if p["complex"]:
        assert np.iscomplexobj(log_psi)
    else:
        assert not np.iscomplexobj(log_psi)
        assert np.all(ref.real > 0)
    err = relative_error(np.exp(log_psi), ref)
    record_error("RBM log_amplitude (exp, rel. to max |psi|)", err)
    assert err < TOL
    # real parts and phases separately, wherever the amplitude is not tiny
    keep = np.abs(ref) > 1e-6 * np.abs(ref).max()
    np.testing.assert_allclose(log_psi.real[keep], np.log(np.abs(ref[keep])), rtol=0, atol=1e-9)
    assert np.max(np.abs(phase_difference(np.imag(log_psi[keep]), np.angle(ref[keep])))) < 1e-9


@given(rbm_parameters())
def test_rbm_to_dense_equals_normalized_brute_force(p):
    rbm = make_rbm(p)
    ref = brute_force_psi([p["W"]], [p["a"], p["b"]], p["hidden"])
    psi = rbm.to_dense()
    assert psi.shape == (2**rbm.n_visible,)
    assert psi.dtype == (np.complex128 if p["complex"] else np.float64)
    err = float(np.max(np.abs(psi - ref / np.linalg.norm(ref))))
    record_error("RBM to_dense (normalized, abs)", err)
    assert err < TOL
    raw = rbm.to_dense(normalize=False)
    assert relative_error(raw, ref) < TOL


@pytest.mark.parametrize("hidden", ["spin", "binary"])
@pytest.mark.parametrize("complex_", [False, True])
@pytest.mark.parametrize("sparse_", [False, True], ids=["dense", "sparse"])
def test_rbm_amplitudes_on_twelve_spins(hidden, complex_, sparse_):
    """Every combination once at N = 12, besides the random draws above."""
    p = fixed_rbm_parameters(12, 6, hidden, complex_, sparse_, seed=1 + complex_ + 2 * sparse_)
    rbm = make_rbm(p)
    ref = brute_force_psi([p["W"]], [p["a"], p["b"]], hidden)
    err = relative_error(np.exp(rbm.log_amplitude(spin_configurations(12))), ref)
    record_error("RBM log_amplitude (exp, rel. to max |psi|)", err)
    assert err < TOL
    assert float(np.max(np.abs(rbm.to_dense() - ref / np.linalg.norm(ref)))) < TOL


@given(rbm_parameters(max_visible=6, max_hidden=4), st.integers(0, 2**32 - 1))
def test_rbm_log_amplitude_takes_batches_of_any_shape(p, seed):
    rbm = make_rbm(p)
    n = rbm.n_visible
    conf = np.random.default_rng(seed).choice([1, -1], size=(2, 3, n))
    batch = rbm.log_amplitude(conf)
    assert batch.shape == (2, 3)
    one_by_one = np.array([[rbm.log_amplitude(conf[i, j]) for j in range(3)] for i in range(2)])
    assert rbm.log_amplitude(conf[0, 0]).shape == ()
    np.testing.assert_allclose(np.exp(batch), np.exp(one_by_one), rtol=1e-13)
    # the amplitude of each row is the brute-force amplitude at its kron index
    ref = brute_force_psi([p["W"]], [p["a"], p["b"]], p["hidden"])
    index = ((conf < 0) * 2 ** np.arange(n - 1, -1, -1)).sum(axis=-1)
    assert relative_error(np.exp(batch), ref[index]) < TOL * np.abs(ref).max() / np.abs(ref[index]).max()


def test_rbm_accepts_lists_ints_and_bools_as_weights():
    rbm = tnrbm.RBM([[1, 0], [0, 2]], visible_bias=[0, 1], hidden_bias=[True, False])
    ref = brute_force_psi([np.array([[1.0, 0.0], [0.0, 2.0]])], [np.array([0.0, 1.0]), np.array([1.0, 0.0])], "spin")
    assert relative_error(rbm.to_dense(normalize=False), ref) < TOL
    assert rbm.dtype == np.float64


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo", "csr_array", "lil", "dok"])
def test_sparse_input_explicit_zeros_are_no_edges(fmt):
    """A stored zero in a sparse matrix is no connection; the edges are exactly the nonzero couplings."""
    dense = np.array([[0.5, 0.0, -0.3], [0.0, 0.2, 0.0]])
    coo = sp.coo_matrix((np.array([0.5, -0.3, 0.2, 0.0]), (np.array([0, 0, 1, 1]), np.array([0, 2, 1, 2]))), (2, 3))
    assert coo.nnz == 4  # one explicit zero at (1, 2)
    mat = {"csr": coo.tocsr, "csc": coo.tocsc, "coo": lambda: coo, "csr_array": lambda: sp.csr_array(coo)}.get(
        fmt, lambda: coo.asformat(fmt)
    )()
    rbm = tnrbm.RBM(mat)
    assert rbm.n_edges == 3
    assert {(u, v): w for u, v, w in rbm.edges()} == {
        ((0, 0), (1, 0)): 0.5,
        ((0, 0), (1, 2)): -0.3,
        ((0, 1), (1, 1)): 0.2,
    }
    assert relative_error(rbm.to_dense(normalize=False), brute_force_psi([dense], [None, None], "spin")) < TOL


@given(rbm_parameters(max_visible=8, max_hidden=6))
def test_edges_are_the_nonzero_couplings(p):
    rbm = make_rbm(p)
    w = p["W"]
    expected = {((0, i), (1, j)): w[i, j] for i in range(w.shape[0]) for j in range(w.shape[1]) if w[i, j] != 0}
    edges = rbm.edges()
    assert len(edges) == rbm.n_edges == len(expected)
    assert {(u, v): c for u, v, c in edges} == pytest.approx(expected, rel=0, abs=0)
    assert (rbm.n_visible, rbm.n_hidden) == w.shape


@pytest.mark.parametrize("complex_", [False, True])
def test_netket_relation_for_spin_hidden_units(complex_):
    """psi_tnrbm = 2**M psi_NetKet, NetKet's RBM (params {"Dense": {"kernel": W, "bias": b}, "visible_bias": a})
    being defined as log psi_NetKet(v) = sum_i a_i v_i + sum_j log cosh(theta_j), theta = b + v W."""
    rng = np.random.default_rng(7)
    n, m = 7, 5
    w = rng.normal(0, 0.5, (n, m)) + (1j * rng.normal(0, 0.5, (n, m)) if complex_ else 0)
    a = rng.normal(0, 0.3, n) + (1j * rng.normal(0, 0.3, n) if complex_ else 0)
    b = rng.normal(0, 0.3, m) + (1j * rng.normal(0, 0.3, m) if complex_ else 0)
    params = {"Dense": {"kernel": w, "bias": b}, "visible_bias": a}

    def netket_log_psi(params, v):
        theta = v @ params["Dense"]["kernel"] + params["Dense"]["bias"]
        return v @ params["visible_bias"] + np.sum(np.log(np.cosh(theta)), axis=-1)

    conf = spin_configurations(n)
    rbm = tnrbm.RBM(w, visible_bias=a, hidden_bias=b, hidden="spin")
    log_tn = rbm.log_amplitude(conf)
    log_nk = netket_log_psi(params, conf)
    np.testing.assert_allclose(log_tn.real - log_nk.real, m * math.log(2.0), rtol=0, atol=1e-12)
    assert np.max(np.abs(phase_difference(np.imag(log_tn), np.imag(log_nk)))) < 1e-12
    ratio = brute_force_psi([w], [a, b], "spin") / np.exp(log_nk)
    np.testing.assert_allclose(ratio, 2.0**m, rtol=1e-12)


# --------------------------------------------------------------------------- big chains: closed form, no overflow
def chain_neighbours(j: int, n: int) -> list[int]:
    """The spins a hidden unit of a periodic radius-1 chain with one feature sees."""
    return sorted({(j - 1) % n, j, (j + 1) % n})


@pytest.mark.parametrize("complex_", [False, True])
def test_log_amplitude_of_a_10000_spin_chain_is_finite_and_exact(complex_):
    n = 10_000
    rbm = tnrbm.models.local_chain(n, alpha=1, radius=1, periodic=True, scale=1.0, complex=complex_, seed=11)
    coo = rbm.W.tocoo()
    weight = {(int(i), int(j)): complex(x) for i, j, x in zip(coo.row, coo.col, coo.data)}
    assert set(weight) == {(i, j) for j in range(n) for i in chain_neighbours(j, n)}
    a = [complex(x) for x in rbm.visible_bias]
    b = [complex(x) for x in rbm.hidden_bias]
    rng = np.random.default_rng(3)
    confs = np.vstack([np.ones(n), -np.ones(n), rng.choice([1.0, -1.0], size=(2, n))])
    log_psi = rbm.log_amplitude(confs)
    assert np.all(np.isfinite(log_psi))
    for v, got in zip(confs, log_psi):
        terms = [a[i] * v[i] for i in range(n)]
        for j in range(n):
            theta = b[j] + sum(weight[(i, j)] * v[i] for i in chain_neighbours(j, n))
            terms.append(cmath.log(2 * cmath.cosh(theta)))
        real = math.fsum(t.real for t in terms)
        imag = math.fsum(t.imag for t in terms)
        assert abs(real) > 100  # a big number: psi itself would be far out of float64 range
        err = abs(got.real - real) / abs(real)
        record_error("10000-spin chain log_amplitude (real part, rel.)", err)
        assert err < 1e-12
        if complex_:
            assert abs(float(phase_difference(got.imag, imag))) < 1e-8
        else:
            assert imag == 0.0


def _log_two_cosh_decimal(theta: complex) -> complex:
    """log(2 cosh theta) without overflow: |2 cosh|^2 = 2 cosh 2x + 2 cos 2y in 60-digit decimals, the
    phase from atan2(tanh x sin y, cos y)."""
    x, y = theta.real, theta.imag
    with localcontext() as ctx:
        ctx.prec = 60
        two_x = Decimal(2 * x)
        modulus_sq = two_x.exp() + (-two_x).exp() + Decimal(2 * math.cos(2 * y))
        log_modulus = float(modulus_sq.ln() / 2)
    return complex(log_modulus, math.atan2(math.tanh(x) * math.sin(y), math.cos(y)))


@pytest.mark.parametrize("complex_", [False, True])
@pytest.mark.parametrize("hidden", ["spin", "binary"])
def test_log_amplitude_is_exact_where_cosh_overflows(complex_, hidden):
    """Fields |theta| of hundreds to a thousand, where exp and cosh overflow float64."""
    n = 64
    rbm = tnrbm.models.local_chain(n, radius=2, scale=300.0, complex=complex_, hidden=hidden, seed=5)
    w = rbm.W.toarray()
    a, b = rbm.visible_bias, rbm.hidden_bias
    rng = np.random.default_rng(1)
    confs = rng.choice([1.0, -1.0], size=(4, n))
    log_psi = rbm.log_amplitude(confs)
    assert np.all(np.isfinite(log_psi))
    for v, got in zip(confs, log_psi):
        theta = [complex(b[j] + sum(w[i, j] * v[i] for i in range(n))) for j in range(n)]
        assert max(abs(t.real) for t in theta) > 710  # exp overflows float64 there
        if hidden == "spin":
            logs = [_log_two_cosh_decimal(t) for t in theta]
        else:  # 1 + e^t = 2 e^{t/2} cosh(t/2)
            logs = [t / 2 + _log_two_cosh_decimal(t / 2) for t in theta]
        ref = sum(complex(a[i] * v[i]) for i in range(n)) + sum(logs)
        assert abs(got.real - ref.real) <= 1e-12 * abs(ref.real)
        if complex_:
            assert abs(float(phase_difference(got.imag, ref.imag))) < 1e-6


# --------------------------------------------------------------------------- DBM
def check_dbm_amplitudes(p: dict) -> None:
    dbm = make_dbm(p)
    assert dbm.layer_sizes == tuple(p["sizes"])
    assert dbm.n_hidden == sum(p["sizes"][1:]) and dbm.n_layers == len(p["sizes"]) - 1
    ref = brute_force_psi(p["weights"], p["biases"], p["hidden"])
    log_psi = dbm.log_amplitude(spin_configurations(dbm.n_visible))
    assert np.iscomplexobj(log_psi) == p["complex"]
    err = relative_error(np.exp(log_psi), ref)
    record_error("DBM log_amplitude (exp, rel. to max |psi|)", err)
    assert err < TOL
    keep = np.abs(ref) > 1e-6 * np.abs(ref).max()
    np.testing.assert_allclose(log_psi.real[keep], np.log(np.abs(ref[keep])), rtol=0, atol=1e-9)
    psi = dbm.to_dense()
    err = float(np.max(np.abs(psi - ref / np.linalg.norm(ref))))
    record_error("DBM to_dense (normalized, abs)", err)
    assert err < TOL
    assert relative_error(dbm.to_dense(normalize=False), ref) < TOL


@pytest.mark.parametrize("sizes, hidden, complex_, fmt", FAST_DBM_CASES)
@given(seed=st.integers(0, 2**32 - 1))
@settings(max_examples=2)
def test_dbm_amplitudes_equal_brute_force(sizes, hidden, complex_, fmt, seed):
    """log_amplitude and to_dense of DBMs with two and three hidden layers against brute force."""
    check_dbm_amplitudes(fixed_dbm_parameters(sizes, hidden, complex_, fmt, seed))


@given(dbm_parameters())
def test_dbm_amplitudes_of_random_shapes_equal_brute_force(p):
    """Random shapes and densities, two and three hidden layers."""
    check_dbm_amplitudes(p)


def test_dbm_with_large_fields_keeps_log_amplitude_finite():
    """Couplings of order 40: psi overflows float64, the log-amplitude matches a log-sum-exp brute force."""
    rng = np.random.default_rng(2)
    sizes = [6, 4, 3, 2]
    weights = [rng.normal(0, 40, (p, q)) for p, q in zip(sizes, sizes[1:])]
    biases = [rng.normal(0, 40, s) for s in sizes]
    for hidden in ("spin", "binary"):
        dbm = tnrbm.DBM(weights, biases, hidden=hidden)
        ref = brute_force_log_psi(weights, biases, hidden)
        assert ref.max() > 710
        got = dbm.log_amplitude(spin_configurations(6))
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-9)


def test_dbm_with_one_layer_equals_the_rbm():
    rng = np.random.default_rng(4)
    w, a, b = rng.normal(size=(5, 3)), rng.normal(size=5), rng.normal(size=3)
    conf = spin_configurations(5)
    dbm = tnrbm.DBM([w], [a, b], hidden="binary")
    ref = brute_force_psi([w], [a, b], "binary")
    assert relative_error(np.exp(dbm.log_amplitude(conf)), ref) < TOL
    assert relative_error(np.exp(tnrbm.RBM(w, a, b, hidden="binary").log_amplitude(conf)), ref) < TOL


def test_network_sizes_and_repr():
    dbm = tnrbm.DBM([np.ones((4, 3)), np.ones((3, 2))], hidden="binary")
    assert (dbm.n_visible, dbm.n_hidden, dbm.n_layers, dbm.n_edges) == (4, 5, 2, 18)
    assert len(dbm.units()) == 9 and dbm.units()[0] == (0, 0) and dbm.units()[-1] == (2, 1)
    assert dbm.unit_label((2, 1)) == "H4" and dbm.unit_label((0, 3)) == "V3"
    assert "DBM" in repr(dbm) and "binary" in repr(dbm)
    rbm = tnrbm.RBM(np.ones((2, 1)) * 1j)
    assert rbm.is_complex and rbm.dtype == np.complex128


def test_a_tiny_dbm_contracts_in_seconds():
    """DBM([1, 3, 3]).to_dense() is a 19-tensor contraction: it must take well under a second, not minutes.

    Regression: with optimize="auto-hq" cotengra ran its exact path search on this network for ~100 s."""
    code = (
        "import json, numpy as np, tnrbm\n"
        "dbm = tnrbm.DBM([0.3 * np.ones((1, 3)), 0.3 * np.ones((3, 3))])\n"
        "psi = dbm.to_dense(normalize=False)\n"
        "print(json.dumps(psi.tolist()))\n"
    )
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=15)
    except subprocess.TimeoutExpired:
        pytest.fail("DBM([1, 3, 3]).to_dense() took more than 15 s")
    ref = brute_force_psi([0.3 * np.ones((1, 3)), 0.3 * np.ones((3, 3))], [None, None, None], "spin")
    assert relative_error(np.array(json.loads(out.stdout)), ref) < TOL


def test_networks_of_1024_spins_and_more_refuse_the_dense_vector_instead_of_overflowing():
    """2.0**n overflows a float from n = 1024: the README's `tnrbm entropy local-chain:n=1024,...` raised
    OverflowError while auto priced the dense route. 8 * 2**1030 bytes fits no machine (a refusal), and
    the GHZ state's S = ln 2 for any proper region (analytic) comes through the cut route."""
    from tnrbm.entropy import symmetry_resolved
    from tnrbm.errors import MemoryLimitError
    from tnrbm.network import ProjectedRBM

    net = tnrbm.models.local_chain(1030, radius=1, seed=0)
    assert net.dense_memory() == math.inf
    with pytest.raises(MemoryLimitError):
        net.to_dense()
    with pytest.raises(MemoryLimitError):
        ProjectedRBM(net, 515, "u1").to_dense()
    with pytest.raises(MemoryLimitError):
        symmetry_resolved(net, range(4), "z2", method="dense")
    assert tnrbm.entanglement(tnrbm.states.ghz(1030), range(4)).entropy == pytest.approx(math.log(2), abs=1e-12)
