"""Variational fits (tnrbm.fit) against ED, finite differences and the variational principle."""

from __future__ import annotations

import sys
import time

import numpy as np
import pytest
from conftest import record_error, svd_spectrum
from hypothesis import given, settings
from hypothesis import strategies as st

import tnrbm
from tnrbm import ed, fit, states
from tnrbm.errors import InvalidParameterError


def svd_entropy(psi, region, n):
    p = svd_spectrum(psi, region, n)
    p = p[p > 1e-300]
    return float(-np.sum(p * np.log(p)))


@given(
    st.integers(1, 5),
    st.integers(1, 4),
    st.sampled_from(["spin", "binary"]),
    st.booleans(),
    st.integers(0, 2**31 - 1),
)
def test_log_derivatives_equal_finite_differences(n, m, hidden, complex_, seed):
    rbm = tnrbm.models.random_rbm(n, m, complex=complex_, hidden=hidden, density=0.7, seed=seed)
    v = tnrbm.all_configurations(n)
    d = fit.log_derivatives(rbm, v)
    coo = rbm.W.tocoo()
    order = np.lexsort((coo.col, coo.row))
    pairs = list(zip(coo.row[order], coo.col[order]))
    eps = 1e-6

    def shifted(k, delta):
        a, b, w = rbm.visible_bias.copy(), rbm.hidden_bias.copy(), rbm.W.toarray()
        if k < n:
            a[k] += delta
        elif k < n + m:
            b[k - n] += delta
        else:
            i, j = pairs[k - n - m]
            w[i, j] += delta
        return tnrbm.RBM(w, a, b, hidden=hidden).log_amplitude(v)

    for k in range(n + m + len(pairs)):
        num = (shifted(k, eps) - shifted(k, -eps)) / (2 * eps)
        if complex_:
            num = np.angle(np.exp(1j * num.imag * 2 * eps)) / (2 * eps) * 1j + num.real
        assert np.allclose(d[:, k], num, atol=1e-5), k


def test_fit_tfim_12_spins_alpha_1_energy_and_entanglement():
    n = 12
    H = ed.tfim(n, J=1.0, h=1.0)  # noqa: N806
    exact = ed.ground_state(H)
    start = tnrbm.models.random_rbm(n, n, scale=0.05, bias_scale=0.0, seed=0)
    t0 = time.perf_counter()
    res = fit.variational_ground_state(start, H, steps=100, learning_rate=0.1, diag_shift=1e-4, reference=exact.vector)
    seconds = time.perf_counter() - t0
    rel = abs(res.energy - exact.energy) / abs(exact.energy)
    record_error("fit TFIM N=12 alpha=1: relative energy error", rel)
    print(f"fit TFIM N=12 alpha=1: rel. energy error {rel:.2e}, 1 - F {1 - res.fidelity:.2e}, {seconds:.1f} s")
    assert rel <= 1e-4
    assert res.energy >= exact.energy - 1e-10  # variational principle
    psi = res.rbm.to_dense()
    assert abs(ed.energy(psi, H) - res.energy) < 1e-10
    for length in range(1, n):
        diff = abs(svd_entropy(psi, range(length), n) - svd_entropy(exact.vector, range(length), n))
        record_error("fit TFIM N=12: entropy difference at a cut", diff)
        assert diff < 1e-2


def test_fit_history_progress_and_variational_bound():
    n = 6
    H = ed.heisenberg(n)  # noqa: N806 - Marshall signs: needs complex (or sign) parameters
    e0 = ed.ground_state(H).energy
    calls = []
    start = tnrbm.models.random_rbm(n, 2 * n, scale=0.1, complex=True, seed=3)
    res = fit.variational_ground_state(
        start, H, steps=60, learning_rate=0.05, progress=lambda s, e: calls.append((s, e))
    )
    assert [s for s, _ in calls] == list(range(1, 61))
    assert np.allclose([e for _, e in calls], res.history[1:])
    assert len(res.history) == 61 and res.history[-1] == res.energy
    assert np.all(res.history >= e0 - 1e-10)
    assert res.energy < res.history[0]
    assert res.rbm.is_complex and res.rbm.n_edges == start.n_edges
    assert abs(ed.energy(res.rbm, H) - res.energy) < 1e-10


def test_fit_keeps_connectivity_and_gradient_descent_lowers_energy():
    start = tnrbm.models.local_chain(8, alpha=1, radius=1, seed=1)
    H = ed.tfim(8, h=0.7)  # noqa: N806
    for method, lr in (("sr", 0.05), ("gd", 0.02)):
        res = fit.variational_ground_state(start, H, steps=30, method=method, learning_rate=lr)
        assert res.energy < res.history[0]
        assert set(zip(*res.rbm.W.nonzero())) <= set(zip(*start.W.nonzero()))
        assert res.rbm.geometry == start.geometry


def test_to_state_reaches_a_target():
    n = 6
    target = ed.ground_state(ed.tfim(n, h=1.5)).vector
    res = fit.to_state(tnrbm.models.random_rbm(n, n, scale=0.05, seed=0), target, steps=100, learning_rate=0.1)
    record_error("fit.to_state TFIM N=6: 1 - fidelity", 1 - res.fidelity)
    assert res.fidelity > 1 - 1e-6
    assert res.fidelity == pytest.approx(abs(np.vdot(res.rbm.to_dense(), target)) ** 2, abs=1e-12)
    assert res.history[-1] == res.fidelity and res.history[0] < res.fidelity


def test_to_state_complex_target():
    n = 4
    target = states.cluster(n).to_dense()  # signs: complex parameters
    start = tnrbm.models.random_rbm(n, n, scale=0.3, complex=True, seed=5)
    res = fit.to_state(start, target, steps=150, learning_rate=0.05)
    assert res.fidelity > 0.99
    with pytest.raises(InvalidParameterError, match="complex"):
        fit.to_state(tnrbm.models.random_rbm(1, 1, seed=0), np.array([1.0, 1j]))


def test_bad_input():
    with pytest.raises(InvalidParameterError, match="at most 16"):
        fit.variational_ground_state(tnrbm.models.random_rbm(17, 1, seed=0), ed.tfim(4, form="pauli"))
    rbm = tnrbm.models.random_rbm(4, 2, seed=0)
    with pytest.raises(InvalidParameterError, match="method"):
        fit.variational_ground_state(rbm, ed.tfim(4), method="adam")
    with pytest.raises(InvalidParameterError, match="steps"):
        fit.variational_ground_state(rbm, ed.tfim(4), steps=-1)
    with pytest.raises(InvalidParameterError, match="learning_rate"):
        fit.variational_ground_state(rbm, ed.tfim(4), learning_rate=0)
    with pytest.raises(InvalidParameterError, match="2\\*\\*4"):
        fit.variational_ground_state(rbm, ed.tfim(5))
    with pytest.raises(InvalidParameterError, match="rbm must"):
        fit.variational_ground_state(tnrbm.models.random_dbm([4, 2, 2], seed=0), ed.tfim(4))


def test_run_fit_rows():
    """The old name still works and warns (it moved to tnrbm.fit.fit_report; tests/test_cli.py checks that)."""
    with pytest.warns(DeprecationWarning, match="tnrbm.fit.fit_report"):
        run_fit = fit.run_fit
    out = run_fit(n=6, steps=60, seed=0)
    summary = {row["quantity"]: row for row in out["summary"]}
    e0 = ed.ground_state(ed.tfim(6)).energy
    assert summary["energy"]["ed"] == pytest.approx(e0, abs=1e-10)
    assert summary["relative error"]["rbm"] < 1e-3
    assert [row["cut"] for row in out["cuts"]] == [1, 2, 3, 4, 5]
    assert all(row["entropy_ed"] <= row["bound"] + 1e-12 for row in out["cuts"])
    assert [row["bound"] for row in out["cuts"]] == pytest.approx([np.log(2) * min(k, 6 - k) for k in range(1, 6)])
    assert out["history"][-1] == summary["energy"]["rbm"] and out["rbm"].n_hidden == 6


# ---------------------------------------------------------------- step control from small starts (issue 12.4)
def small_start_fits(n, seeds):
    """Fit 10 NetKet-like starts (weights of standard deviation 0.01) with the defaults; check each."""
    H = ed.tfim(n)  # noqa: N806
    e_ed = ed.ground_state(H).energy
    e_ff = tnrbm.exact.tfim_ground_energy(n, 1.0, 1.0)
    assert abs(e_ed - e_ff) < 1e-10 * abs(e_ff)  # the two references agree
    errors = []
    for seed in seeds:
        start = tnrbm.models.random_rbm(n, n, scale=0.01, seed=seed)
        res = fit.variational_ground_state(start, H)
        rel = abs(res.energy - e_ff) / abs(e_ff)
        errors.append(rel)
        record_error(f"fit TFIM N={n} from scale 0.01 (10 seeds): relative energy error", rel)
        assert res.energy >= e_ed - 1e-10  # variational principle
        assert abs(ed.energy(res.rbm, H) - res.energy) < 1e-10  # the reported energy is the fitted state's
        assert np.all(np.diff(res.history) <= 0)  # the adaptive step never raises the energy
    print(f"N={n}: relative errors {np.array2string(np.array(errors), precision=2)}")
    assert max(errors) < 1e-4, errors


def test_small_random_start_converges_for_10_seeds_n8():
    small_start_fits(8, range(10))


@pytest.mark.slow
def test_small_random_start_converges_for_10_seeds_n12():
    small_start_fits(12, range(10))


def test_fixed_step_overshoots_from_a_small_start_and_adaptive_does_not():
    """The cause of 12.4: at weights ~0.01 the SR matrix is near-singular and the first fixed step
    (learning_rate 0.1) raises the energy; the adaptive control only takes steps that lower it."""
    n = 8
    H = ed.tfim(n)  # noqa: N806
    e_ff = tnrbm.exact.tfim_ground_energy(n, 1.0, 1.0)
    start = tnrbm.models.random_rbm(n, n, scale=0.01, seed=0)
    fixed = fit.variational_ground_state(start, H, steps=60, step_control="fixed")
    assert fixed.history[1] > fixed.history[0] + 1.0  # overshoot on the first step
    adaptive = fit.variational_ground_state(start, H, steps=60)
    assert adaptive.history[1] < adaptive.history[0] and adaptive.rejected >= 1
    assert abs(adaptive.energy - e_ff) / abs(e_ff) < 1e-3 < abs(fixed.energy - e_ff) / abs(e_ff)


def test_to_state_adaptive_fidelity_never_falls():
    n = 6
    target = ed.ground_state(ed.tfim(n, h=0.8)).vector
    start = tnrbm.models.random_rbm(n, n, scale=0.01, seed=2)
    res = fit.to_state(start, target, steps=80, learning_rate=0.5)
    assert np.all(np.diff(res.history) >= 0)
    assert res.fidelity == pytest.approx(abs(np.vdot(res.rbm.to_dense(), target)) ** 2, abs=1e-12)
    assert res.fidelity > 1 - 1e-4


def test_ground_state_is_a_deprecated_alias():
    rbm = tnrbm.models.random_rbm(4, 4, scale=0.1, seed=0)
    H = ed.tfim(4)  # noqa: N806
    with pytest.warns(DeprecationWarning, match="variational_ground_state"):
        old = fit.ground_state(rbm, H, steps=20)
    new = fit.variational_ground_state(rbm, H, steps=20)
    assert np.array_equal(old.history, new.history)
    assert abs(new.energy - ed.energy(new.rbm, H)) < 1e-12


# ---------------------------------------------------------------- progress
def test_progress_true_without_tqdm_prints_to_stderr(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    res = fit.variational_ground_state(
        tnrbm.models.random_rbm(3, 3, scale=0.1, seed=0), ed.tfim(3), steps=40, progress=True
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == res.steps // 2 and err[-1].startswith(f"variational ground state: step {res.steps}/40")
    assert float(err[-1].split(", ")[-1]) == pytest.approx(res.energy, rel=1e-9)


def test_progress_true_with_tqdm_and_false(capsys):
    pytest.importorskip("tqdm")
    start = tnrbm.models.random_rbm(3, 3, scale=0.1, seed=0)
    res = fit.variational_ground_state(start, ed.tfim(3), steps=10, progress=True)
    err = capsys.readouterr().err
    assert "variational ground state" in err and f"{res.steps}/10" in err
    fit.variational_ground_state(start, ed.tfim(3), steps=10, progress=False)
    assert capsys.readouterr().err == ""
    with pytest.raises(InvalidParameterError, match="progress must be"):
        fit.variational_ground_state(start, ed.tfim(3), steps=10, progress="yes")


# ---------------------------------------------------------------- NetKet Hamiltonians
@pytest.fixture(scope="module")
def nk():
    return pytest.importorskip("netket")


def test_netket_ising_sign_is_opposite_to_ed_tfim(nk):
    """NetKet's Ising(h, J) is -h sum X + J sum ZZ; tnrbm's tfim(J, h) is -J sum ZZ - h sum X."""
    n = 5
    hilbert = nk.hilbert.Spin(0.5, n)
    graph = nk.graph.Chain(n, pbc=True)
    for h, J in ((1.0, 1.0), (0.7, -0.4)):  # noqa: N806
        ising = nk.operator.Ising(hilbert, graph, h=h, J=J).to_sparse()
        assert abs(ising - ed.tfim(n, J=-J, h=h)).max() < 1e-13
        assert abs(ising - ed.tfim(n, J=J, h=h)).max() > 0.1  # the naive reading is wrong


def test_fit_accepts_netket_operators_and_checks_the_hilbert_space(nk):
    n = 4
    graph = nk.graph.Chain(n, pbc=True)
    start = tnrbm.models.random_rbm(n, n, scale=0.01, seed=0)
    ising = nk.operator.Ising(nk.hilbert.Spin(0.5, n), graph, h=1.0, J=-1.0)  # = ed.tfim(n)
    res = fit.variational_ground_state(start, ising, steps=100)
    assert abs(res.energy - tnrbm.exact.tfim_ground_energy(n)) < 1e-6
    # fields along Z fix the basis order: inverted_ordering must give the same fitted state
    coeffs = [0.3, -0.5, 0.8, 0.1]
    pauli = ed.pauli_sum(n, [(c, "Z", (i,)) for i, c in enumerate(coeffs)] + [(-1.0, "X", (i,)) for i in range(n)])
    e0 = ed.ground_state(pauli).energy
    for inverted in (False, True):
        hi = nk.hilbert.Spin(0.5, n, inverted_ordering=inverted)
        op = sum(c * nk.operator.spin.sigmaz(hi, i) - nk.operator.spin.sigmax(hi, i) for i, c in enumerate(coeffs))
        res = fit.variational_ground_state(start, op, steps=100)
        assert abs(res.energy - e0) < 1e-6
        assert abs(ed.energy(res.rbm, pauli) - res.energy) < 1e-10
    bad_spaces = (
        nk.hilbert.Spin(1.0, n),
        nk.hilbert.Qubit(n),
        nk.hilbert.Spin(0.5, n + 1),
        nk.hilbert.Spin(0.5, n, total_sz=0),
        nk.hilbert.Fock(1, n),
    )
    for bad in bad_spaces:
        op = nk.operator.LocalOperator(bad, np.eye(bad.shape[0]), [0])
        with pytest.raises(InvalidParameterError, match="Spin\\(s=1/2, N=4\\)"):
            fit.variational_ground_state(start, op)


# ---------------------------------------------------------------- cost estimate and bad input
def test_estimate_bounds_the_arrays_and_times_a_step():
    n, m = 10, 6
    rbm = tnrbm.models.random_rbm(n, m, density=0.5, seed=0)
    cost = fit.estimate(rbm, steps=50)
    n_params = n + m + rbm.n_edges
    assert cost["configurations"] == 2**n and cost["parameters"] == n_params
    log_derivative_matrix = fit.log_derivatives(rbm, tnrbm.all_configurations(n))
    assert cost["bytes"] >= 3 * log_derivative_matrix.nbytes
    assert cost["seconds"] == pytest.approx(50 * cost["seconds_per_step"]) and cost["seconds_per_step"] > 0
    t0 = time.perf_counter()
    fit.variational_ground_state(rbm, ed.tfim(n), steps=10)
    print(f"estimate {10 * cost['seconds_per_step']:.3f} s for 10 steps, measured {time.perf_counter() - t0:.3f} s")
    with pytest.raises(InvalidParameterError, match="method"):
        fit.estimate(rbm, method="lbfgs")


def test_bad_step_control():
    with pytest.raises(InvalidParameterError, match="step_control"):
        fit.variational_ground_state(tnrbm.models.random_rbm(3, 2, seed=0), ed.tfim(3), step_control="trust")


@settings(max_examples=8, deadline=None)
@given(st.integers(2, 4), st.booleans(), st.floats(0.01, 1.0), st.integers(0, 2**31 - 1))
def test_adaptive_history_never_rises_and_stays_above_the_ground_energy(n, complex_, lr, seed):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(2**n, 2**n)) + (1j * rng.normal(size=(2**n, 2**n)) if complex_ else 0)
    H = (a + a.conj().T) / 2  # noqa: N806 - a random Hermitian matrix
    e0 = np.linalg.eigvalsh(H)[0]
    start = tnrbm.models.random_rbm(n, n, scale=0.01, complex=complex_, seed=seed)
    res = fit.variational_ground_state(start, H, steps=25, learning_rate=lr)
    assert np.all(np.diff(res.history) <= 0)
    assert res.energy >= e0 - 1e-10
    psi = res.rbm.to_dense()
    assert abs(np.vdot(psi, H @ psi).real / np.vdot(psi, psi).real - res.energy) < 1e-10
