"""Hamiltonians and ground states of tnrbm.ed against dense kron products, quimb's builders and
published energies."""

from __future__ import annotations

import math
from functools import reduce

import numpy as np
import pytest
import quimb as qu
import scipy.sparse as sp
from conftest import record_error, toric_edges
from hypothesis import given
from hypothesis import strategies as st

import tnrbm
from tnrbm import ed
from tnrbm.errors import InvalidParameterError, MemoryLimitError, TnrbmError

PAULI = {
    "I": np.eye(2),
    "X": np.array([[0.0, 1.0], [1.0, 0.0]]),
    "Y": np.array([[0.0, -1j], [1j, 0.0]]),
    "Z": np.diag([1.0, -1.0]),
}


def dense_string(n: int, ops: str, sites) -> np.ndarray:
    """The Pauli string as a dense kron product (site 0 is the leftmost factor)."""
    factors = [PAULI["I"]] * n
    for op, i in zip(ops, sites):
        factors[i] = PAULI[op]
    return reduce(np.kron, factors)


def dense_sum(n: int, terms) -> np.ndarray:
    return sum(c * dense_string(n, ops, sites) for c, ops, sites in terms)


@st.composite
def pauli_terms(draw, max_n: int = 5, max_terms: int = 6):
    n = draw(st.integers(1, max_n))
    terms = []
    for _ in range(draw(st.integers(1, max_terms))):
        k = draw(st.integers(1, n))
        sites = draw(st.permutations(list(range(n))))[:k]
        ops = "".join(draw(st.sampled_from("IXYZ")) for _ in range(k))
        coef = draw(st.floats(-2, 2, allow_nan=False))
        terms.append((coef, ops, tuple(sites)))
    return n, terms


@given(pauli_terms())
def test_pauli_sum_equals_dense_kron_in_every_form(case):
    n, terms = case
    ref = dense_sum(n, terms)
    H = ed.pauli_sum(n, terms)  # noqa: N806
    assert np.abs(H.to_sparse().toarray() - ref).max() < 1e-12
    assert np.abs(H.to_dense() - ref).max() < 1e-12
    rng = np.random.default_rng(n)
    x = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
    assert np.abs(H.to_operator() @ x - ref @ x).max() < 1e-12
    assert np.abs(H.diagonal() - np.diag(ref)).max() < 1e-12


def test_pauli_sum_full_string_forms():
    ref = 0.5 * dense_string(3, "XX", (0, 1)) - 0.25 * dense_string(3, "YZ", (1, 2))
    from_dict = ed.pauli_sum(3, {"XXI": 0.5, "IYZ": -0.25})
    from_pairs = ed.pauli_sum(3, [(0.5, "XXI"), (-0.25, "IYZ")])
    assert np.abs(from_dict.to_dense() - ref).max() < 1e-15
    assert np.abs(from_pairs.to_dense() - ref).max() < 1e-15
    assert np.abs((from_dict + from_pairs * 2.0).to_dense() - 3 * ref).max() < 1e-15


@pytest.mark.parametrize("n", [2, 3, 5, 8])
@pytest.mark.parametrize("periodic", [True, False])
def test_tfim_and_heisenberg_equal_quimb(n, periodic):
    J, h, delta = 0.7, 1.3, 0.45  # noqa: N806
    q_ising = qu.ham_ising(n, jz=-4 * J, bx=2 * h, cyclic=periodic and n > 2, sparse=True)
    assert abs(ed.tfim(n, J=J, h=h, periodic=periodic) - q_ising).max() < 1e-13
    q_heis = qu.ham_heis(n, j=(J, J, J * delta), cyclic=periodic and n > 2, sparse=True)
    assert abs(ed.heisenberg(n, J=J, delta=delta, periodic=periodic) - q_heis).max() < 1e-13
    x = np.random.default_rng(0).normal(size=2**n)
    op = ed.heisenberg(n, J=J, delta=delta, periodic=periodic, form="operator")
    assert np.abs(op @ x - q_heis @ x).max() < 1e-12


def test_tfim_lattice_equals_dense_kron():
    lx, ly, J, h = 2, 3, 0.8, 0.6  # noqa: N806
    n = lx * ly
    bonds = set()
    for x in range(lx):
        for y in range(ly):
            for xx, yy in (((x + 1) % lx, y), (x, (y + 1) % ly)):
                i, j = x * ly + y, xx * ly + yy
                bonds.add(tuple(sorted((i, j))))
    ref = dense_sum(n, [(-J, "ZZ", b) for b in bonds] + [(-h, "X", (i,)) for i in range(n)])
    assert np.abs(ed.tfim_lattice((lx, ly), J=J, h=h, form="dense") - ref).max() < 1e-13
    open_bonds = [(0, 1), (1, 2), (3, 4), (4, 5), (0, 3), (1, 4), (2, 5)]
    ref_open = dense_sum(n, [(-J, "ZZ", b) for b in open_bonds] + [(-h, "X", (i,)) for i in range(n)])
    assert np.abs(ed.tfim_lattice((lx, ly), J=J, h=h, periodic=False).toarray() - ref_open).max() < 1e-13


def test_cluster_and_toric_code_equal_dense_kron():
    n = 5
    ref = -sum(dense_string(n, "ZXZ", ((i - 1) % n, i, (i + 1) % n)) for i in range(n))
    assert np.abs(ed.cluster_hamiltonian(n).toarray() - ref).max() < 1e-13
    ref_open = -(
        dense_string(n, "XZ", (0, 1))
        + sum(dense_string(n, "ZXZ", (i - 1, i, i + 1)) for i in range(1, n - 1))
        + dense_string(n, "ZX", (n - 2, n - 1))
    )
    assert np.abs(ed.cluster_hamiltonian(n, periodic=False).toarray() - ref_open).max() < 1e-13
    # toric code L = 2 with the edge indexing written out in conftest.toric_edges
    L = 2  # noqa: N806
    edges = toric_edges(L)
    stars, plaqs = edges["stars"], edges["plaquettes"]
    ref_tc = -sum(dense_string(8, "XXXX", s) for s in stars) - sum(dense_string(8, "ZZZZ", p) for p in plaqs)
    assert np.abs(ed.toric_code_hamiltonian(L).toarray() - ref_tc).max() < 1e-13


@pytest.mark.parametrize("n", [4, 6])
def test_heisenberg_exact_small_rings(n):
    # 4-ring: H = (J/2) (S_tot^2 - S_even^2 - S_odd^2), minimum -2 J; 6-ring: -(2 + sqrt 13) / 2 (Bethe ansatz)
    ref = {4: -2.0, 6: -(2 + math.sqrt(13)) / 2}[n]
    e = ed.ground_state(ed.heisenberg(n)).energy
    record_error("Heisenberg small rings |E - exact|", abs(e - ref))
    assert abs(e - ref) < 1e-12


def test_heisenberg_published_energies_and_hulthen_trend():
    # Heisenberg ring ground energies (J = 1, S = 1/2), the standard ED/Bethe-ansatz table values
    published = {8: -3.651093408937, 10: -4.515446354492, 12: -5.387390917445}
    per_site = []
    for n, ref in published.items():
        e = ed.ground_state(ed.heisenberg(n)).energy
        record_error("Heisenberg ring vs published E0", abs(e - ref))
        assert abs(e - ref) < 1e-9
        # Nickel's finite-size scaling (quimb.heisenberg_energy) is asymptotic: close, closer with n
        assert abs(e - qu.heisenberg_energy(n)) < 0.012 / n
        per_site.append(e / n)
    hulthen = 0.25 - math.log(2)
    gaps = [abs(x - hulthen) for x in per_site]
    assert gaps == sorted(gaps, reverse=True)
    assert all(abs(g * n**2 - math.pi**2 / 12) < 0.1 for g, n in zip(gaps, published))  # E/N = e_inf - pi^2/(12 N^2)


def test_ground_state_residuals_and_order():
    H = ed.tfim(10, h=0.8)  # noqa: N806
    res = ed.ground_state(H, k=3)
    ref = np.linalg.eigvalsh(H.toarray())[:3]
    assert np.abs(res.energies - ref).max() < 1e-10
    for j in range(3):
        v = res.vectors[:, j]
        assert abs(np.linalg.norm(v) - 1) < 1e-12
        assert np.linalg.norm(H @ v - res.energies[j] * v) < 1e-8
    assert res.method == "lanczos"
    op_res = ed.ground_state(ed.tfim(10, h=0.8, form="operator"), k=3)
    assert np.abs(op_res.energies - ref).max() < 1e-10
    pauli_res = ed.ground_state(ed.tfim(10, h=0.8, form="pauli"))
    assert abs(pauli_res.energy - ref[0]) < 1e-10
    small = ed.ground_state(ed.tfim(4), k=2)
    assert small.method == "dense"
    assert np.abs(small.energies - np.linalg.eigvalsh(ed.tfim(4).toarray())[:2]).max() < 1e-12


def test_matrix_free_operator_at_16_spins_matches_sparse():
    n = 16
    x = np.random.default_rng(3).normal(size=2**n)
    for build in (lambda f: ed.tfim(n, J=1.0, h=0.7, form=f), lambda f: ed.heisenberg(n, delta=0.5, form=f)):
        assert np.abs(build("operator") @ x - build("sparse") @ x).max() < 1e-11


def test_matrix_free_blocks_match_sparse_with_y_and_z_on_high_sites():
    """17 qubits: the operator works on blocks of 2**15 amplitudes; strings flip and sign across blocks."""
    n = 17
    rng = np.random.default_rng(11)
    terms = []
    for _ in range(8):
        k = int(rng.integers(1, 5))
        sites = tuple(int(i) for i in rng.choice(n, size=k, replace=False))
        ops = "".join(rng.choice(list("XYZ"), size=k))
        terms.append((float(rng.normal()), ops, sites))
    terms += [(0.7, "YZ", (0, 1)), (-0.4, "XY", (1, 16)), (0.3, "Z", (0,))]
    H = ed.pauli_sum(n, terms)  # noqa: N806
    x = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
    assert np.abs(H.to_operator() @ x - H.to_sparse() @ x).max() < 1e-11


def test_energy_expectation_fidelity():
    n = 6
    H = ed.tfim(n, h=1.0)  # noqa: N806
    res = ed.ground_state(H)
    assert abs(ed.energy(res.vector, H) - res.energy) < 1e-12
    rbm = tnrbm.models.random_rbm(n, 3, complex=True, seed=2)
    psi = rbm.to_dense()
    dense_h = H.toarray()
    ref = float(np.real(np.vdot(psi, dense_h @ psi)))
    assert abs(ed.energy(rbm, H) - ref) < 1e-12
    assert abs(ed.energy(rbm, ed.tfim(n, h=1.0, form="pauli")) - ref) < 1e-12
    ref_fid = abs(np.vdot(psi, res.vector)) ** 2
    assert abs(ed.fidelity(rbm, res.vector) - ref_fid) < 1e-12
    assert abs(ed.fidelity(3.0 * psi, psi) - 1.0) < 1e-12
    y = ed.expectation(np.array([1.0, 1j]) / math.sqrt(2), ed.pauli_sum(1, {"Y": 1.0}))
    assert abs(y - 1.0) < 1e-12


def test_bad_input_raises_tnrbm_errors():
    with pytest.raises(InvalidParameterError, match="form"):
        ed.tfim(4, form="matrix")
    with pytest.raises(InvalidParameterError, match="terms\\[0\\]"):
        ed.pauli_sum(3, [(1.0, "XQ", (0, 1))])
    with pytest.raises(InvalidParameterError, match="repeat"):
        ed.pauli_sum(3, [(1.0, "XZ", (1, 1))])
    with pytest.raises(InvalidParameterError, match="length n=3"):
        ed.pauli_sum(3, {"XX": 1.0})
    with pytest.raises(InvalidParameterError, match="real"):
        ed.pauli_sum(2, [(1j, "XX", (0, 1))])
    with pytest.raises(InvalidParameterError, match="n must be"):
        ed.tfim(1)
    with pytest.raises(InvalidParameterError, match="k must"):
        ed.ground_state(ed.tfim(2), k=4)
    with pytest.raises(InvalidParameterError, match="same length"):
        ed.fidelity(np.ones(4), np.ones(8))
    with pytest.raises(InvalidParameterError, match="H must"):
        ed.ground_state(np.ones((3, 3)))
    with pytest.raises(MemoryLimitError, match="form='operator'"):
        ed.tfim(12, max_memory=1000)
    with pytest.raises(MemoryLimitError, match="Lanczos"):
        ed.ground_state(ed.tfim(10), max_memory=1000)


def test_run_ed_rows():
    """The old name still works and warns (it moved to tnrbm.ed.levels.ed_levels; tests/test_cli.py checks that)."""
    with pytest.warns(DeprecationWarning, match="tnrbm.ed.levels.ed_levels"):
        run_ed = ed.run_ed
    with pytest.raises(TnrbmError):
        run_ed("ising")
    rows = run_ed("tfim", n=8, k=2, h=0.5)
    k = (2 * np.arange(8) + 1) * np.pi / 8
    ref = -np.sum(np.sqrt(1 + 0.25 - np.cos(k)))  # free fermions, written out here
    assert abs(rows[0]["energy"] - ref) < 1e-10 and rows[0]["error"] < 1e-10
    assert rows[1]["gap"] > 0 and rows[1]["reference"] is None
    assert run_ed("toric", n=2, k=1)[0]["energy"] == pytest.approx(-8.0, abs=1e-10)
    assert run_ed("cluster", n=6, k=1, form="operator")[0]["energy"] == pytest.approx(-6.0, abs=1e-10)


def test_sparse_matrix_is_hermitian_with_y_terms():
    P = ed.pauli_sum(7, [(0.4, "XYZ", (0, 3, 5)), (-0.3, "Y", (2,)), (1.0, "ZZ", (1, 6))])  # noqa: N806
    mat = P.to_sparse()
    assert abs(mat - mat.conj().T).max() < 1e-15
    assert sp.issparse(mat) and mat.dtype == np.complex128
