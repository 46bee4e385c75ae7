"""Variational fits (tnrbm.fit) against ED, finite differences and the variational principle."""

from __future__ import annotations

import time

import numpy as np
import pytest
from conftest import record_error, svd_spectrum
from hypothesis import given
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
    res = fit.ground_state(start, H, steps=100, learning_rate=0.1, diag_shift=1e-4, reference=exact.vector)
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
    res = fit.ground_state(start, H, steps=60, learning_rate=0.05, progress=lambda s, e: calls.append((s, e)))
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
        res = fit.ground_state(start, H, steps=30, method=method, learning_rate=lr)
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
        fit.ground_state(tnrbm.models.random_rbm(17, 1, seed=0), ed.tfim(4, form="pauli"))
    rbm = tnrbm.models.random_rbm(4, 2, seed=0)
    with pytest.raises(InvalidParameterError, match="method"):
        fit.ground_state(rbm, ed.tfim(4), method="adam")
    with pytest.raises(InvalidParameterError, match="steps"):
        fit.ground_state(rbm, ed.tfim(4), steps=-1)
    with pytest.raises(InvalidParameterError, match="learning_rate"):
        fit.ground_state(rbm, ed.tfim(4), learning_rate=0)
    with pytest.raises(InvalidParameterError, match="2\\*\\*4"):
        fit.ground_state(rbm, ed.tfim(5))
    with pytest.raises(InvalidParameterError, match="rbm must"):
        fit.ground_state(tnrbm.models.random_dbm([4, 2, 2], seed=0), ed.tfim(4))


def test_run_fit_rows():
    out = fit.run_fit(n=6, steps=60, seed=0)
    summary = {row["quantity"]: row for row in out["summary"]}
    e0 = ed.ground_state(ed.tfim(6)).energy
    assert summary["energy"]["ed"] == pytest.approx(e0, abs=1e-10)
    assert summary["relative error"]["rbm"] < 1e-3
    assert [row["cut"] for row in out["cuts"]] == [1, 2, 3, 4, 5]
    assert all(row["entropy_ed"] <= row["bound"] + 1e-12 for row in out["cuts"])
    assert [row["bound"] for row in out["cuts"]] == pytest.approx([np.log(2) * min(k, 6 - k) for k in range(1, 6)])
    assert out["history"][-1] == summary["energy"]["rbm"] and out["rbm"].n_hidden == 6
