"""Exact RBM states (tnrbm.states) against explicit amplitudes, stabilizers built with quimb, and
the ED ground states of their parent Hamiltonians."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import quimb as qu
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from conftest import record_error, spin_configurations, svd_spectrum, toric_edges
from hypothesis import given
from hypothesis import strategies as st

import tnrbm
from tnrbm import ed, states
from tnrbm.errors import InvalidParameterError


def quimb_string(n: int, ops: str, sites) -> object:
    """A Pauli string as a sparse kron product of quimb's Pauli matrices (site 0 leftmost)."""
    factors = [sp.identity(2, format="csr", dtype=complex)] * n
    for op, i in zip(ops, sites):
        factors[i] = sp.csr_matrix(np.asarray(qu.pauli(op), dtype=complex))
    out = factors[0]
    for f in factors[1:]:
        out = sp.kron(out, f, format="csr")
    return out


def quimb_parent(n: int, stabilizers) -> object:
    return -sum(quimb_string(n, ops, sites) for ops, sites in stabilizers)


def ed_ground_vector(mat) -> tuple[float, np.ndarray, float]:
    """Lowest eigenpair and the gap above it, by scipy's eigsh (independent of tnrbm.ed)."""
    if mat.shape[0] <= 256:
        w, v = np.linalg.eigh(mat.toarray() if sp.issparse(mat) else np.asarray(mat))
    else:
        w, v = spla.eigsh(mat, k=2, which="SA", v0=np.ones(mat.shape[0]))
    order = np.argsort(w)
    return float(w[order[0]]), v[:, order[0]], float(w[order[1]] - w[order[0]])


def check_state(rbm, stabilizers, ref_amplitudes=None) -> None:
    n = rbm.n_visible
    psi = rbm.to_dense()
    for ops, sites in stabilizers:
        val = np.vdot(psi, quimb_string(n, ops, sites) @ psi)
        record_error("exact states: |<S> - 1|", abs(val - 1))
        assert abs(val - 1) < 1e-12, (ops, sites)
    energy, ground, gap = ed_ground_vector(quimb_parent(n, stabilizers))
    assert energy == pytest.approx(-len(stabilizers), abs=1e-9) and gap > 0.5  # unique ground state
    fid = abs(np.vdot(ground, psi)) ** 2
    record_error("exact states: 1 - fidelity with ED", 1 - fid)
    assert fid >= 1 - 1e-10
    if ref_amplitudes is not None:
        ref = ref_amplitudes / np.linalg.norm(ref_amplitudes)
        assert abs(abs(np.vdot(ref, psi)) - 1) < 1e-12


def ghz_stabilizers(n):
    return [("ZZ", (i, i + 1)) for i in range(n - 1)] + [("X" * n, tuple(range(n)))]


def cluster_stabilizers(n, periodic):
    out = [("ZXZ", ((i - 1) % n, i, (i + 1) % n)) for i in range(n)] if periodic else []
    if not periodic:
        out = [("XZ", (0, 1))] + [("ZXZ", (i - 1, i, i + 1)) for i in range(1, n - 1)] + [("ZX", (n - 2, n - 1))]
    return out


def cluster_amplitudes(n, periodic):
    d = (1 - spin_configurations(n)) / 2  # 1 = spin down = |1>
    bonds = [(i, i + 1) for i in range(n - 1)] + ([(n - 1, 0)] if periodic else [])
    return np.prod([(-1.0) ** (d[:, i] * d[:, j]) for i, j in bonds], axis=0)


def volume_stabilizers(n):
    return [(ops, (k, k + n // 2)) for k in range(n // 2) for ops in ("ZZ", "XX")]


@pytest.mark.parametrize("n", [2, 3, 6, 10])
def test_ghz(n):
    ref = np.zeros(2**n)
    ref[0] = ref[-1] = 1
    check_state(states.ghz(n), ghz_stabilizers(n), ref)
    assert states.ghz_stabilizers(n) == ghz_stabilizers(n)


@pytest.mark.parametrize("n", [3, 6, 11])
@pytest.mark.parametrize("periodic", [True, False])
def test_cluster(n, periodic):
    rbm = states.cluster(n, periodic)
    check_state(rbm, cluster_stabilizers(n, periodic), cluster_amplitudes(n, periodic))
    assert rbm.geometry == {"kind": "chain", "n": n, "periodic": periodic}
    # ED of tnrbm.ed.cluster_hamiltonian: the same state
    assert ed.fidelity(ed.ground_state(ed.cluster_hamiltonian(n, periodic)).vector, rbm) >= 1 - 1e-10


@pytest.mark.parametrize("n", [2, 6, 12])
def test_volume_law(n):
    rbm = states.volume_law(n)
    conf = spin_configurations(n)
    ref = np.all(conf[:, : n // 2] == conf[:, n // 2 :], axis=1).astype(float)
    check_state(rbm, volume_stabilizers(n), ref)
    psi = rbm.to_dense()
    for length in range(1, n):
        p = svd_spectrum(psi, range(length), n)
        s = -np.sum(p[p > 1e-14] * np.log(p[p > 1e-14]))
        assert s == pytest.approx(min(length, n - length) * math.log(2), abs=1e-10)


def toric_reference(L):  # noqa: N803
    """Stabilizers from the edges written out in conftest.toric_edges; also the plaquettes."""
    edges = toric_edges(L)
    stars, plaqs, x_loops = edges["stars"], edges["plaquettes"], edges["x_loops"]
    stabs = [("XXXX", s) for s in stars] + [("ZZZZ", p) for p in plaqs] + [("X" * L, loop) for loop in x_loops]
    return stabs, plaqs


@pytest.mark.parametrize("L", [2])
def test_toric_code(L):  # noqa: N803
    n = 2 * L * L
    stabs, plaqs = toric_reference(L)
    conf = spin_configurations(n)
    ref = np.all([np.prod(conf[:, list(p)], axis=1) == 1 for p in plaqs], axis=0).astype(float)
    rbm = states.toric_code(L)
    check_state(rbm, stabs, ref)
    assert sorted(states.toric_code_stabilizers(L)) == sorted(stabs)
    assert rbm.geometry == {"kind": "toric", "L": L} and rbm.hidden == "binary"
    # in the 4-fold ground space of tnrbm.ed.toric_code_hamiltonian, and the unique ground state with the sector field
    res = ed.ground_state(ed.toric_code_hamiltonian(L), k=4)
    assert np.allclose(res.energies, -2 * L * L, atol=1e-9)
    assert np.linalg.norm(res.vectors.conj().T @ rbm.to_dense()) ** 2 == pytest.approx(1.0, abs=1e-10)
    assert ed.fidelity(ed.ground_state(ed.toric_code_hamiltonian(L, sector_field=1.0)).vector, rbm) >= 1 - 1e-10


def gf2_rank(mat: np.ndarray) -> int:
    mat = mat.copy() % 2
    rank = 0
    for col in range(mat.shape[1]):
        rows = np.nonzero(mat[rank:, col])[0]
        if len(rows) == 0:
            continue
        pivot = rank + rows[0]
        mat[[rank, pivot]] = mat[[pivot, rank]]
        others = np.nonzero(mat[:, col])[0]
        others = others[others != rank]
        mat[others] ^= mat[rank]
        rank += 1
        if rank == mat.shape[0]:
            break
    return rank


def stabilizer_entropy(n: int, stabilizers, region) -> float:
    """S_A = (|A| - n + rank_GF2(generators restricted to B)) ln 2 for a stabilizer state."""
    rest = [i for i in range(n) if i not in set(region)]
    rows = []
    for ops, sites in stabilizers:
        x, z = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
        for op, i in zip(ops, sites):
            x[i] = op in "XY"
            z[i] = op in "ZY"
        rows.append(np.concatenate([x[rest], z[rest]]))
    return (len(region) - n + gf2_rank(np.array(rows))) * math.log(2)


@given(st.sets(st.integers(0, 7), min_size=1, max_size=7))
def test_toric_code_entropies_equal_stabilizer_counting(region):
    """Entanglement of every region of the L = 2 torus (incl. the topological -ln 2) from GF(2) ranks."""
    stabs, _ = toric_reference(2)
    psi = TORIC_2
    region = sorted(region)
    p = svd_spectrum(psi, region, 8)
    s = -np.sum(p[p > 1e-14] * np.log(p[p > 1e-14]))
    assert s == pytest.approx(stabilizer_entropy(8, stabs, region), abs=1e-10)


TORIC_2 = states.toric_code(2).to_dense()


def test_product_states():
    amp = np.array([[1.0, 2.0], [1j, 0.5], [0.3 - 0.1j, -1.0]])
    psi = states.product(amp).to_dense()
    ref = np.kron(np.kron(amp[0], amp[1]), amp[2])
    assert abs(abs(np.vdot(ref / np.linalg.norm(ref), psi)) - 1) < 1e-12
    plus = states.product(4)
    assert np.allclose(plus.to_dense(), np.full(16, 0.25))
    assert (
        ed.fidelity(ed.ground_state(ed.pauli_sum(4, {s: -1.0 for s in ("XIII", "IXII", "IIXI", "IIIX")})).vector, plus)
        >= 1 - 1e-12
    )


def test_rbm_forms_of_the_states_agree_with_brute_force():
    """Closed-form amplitudes against a sum over hidden configurations written here."""
    for rbm in (states.ghz(4), states.cluster(4), states.toric_code(2), states.volume_law(4)):
        w = rbm.W.toarray()
        hvals = (1.0, -1.0) if rbm.hidden == "spin" else (0.0, 1.0)
        hid = np.array(list(itertools.product(hvals, repeat=rbm.n_hidden)))
        v = spin_configurations(rbm.n_visible)
        ref = np.exp(v @ rbm.visible_bias[:, None] + v @ w @ hid.T + (hid @ rbm.hidden_bias)[None, :]).sum(axis=1)
        assert np.allclose(rbm.amplitude(v), ref, atol=1e-12)


def test_bad_input():
    with pytest.raises(InvalidParameterError, match="n must be even"):
        states.volume_law(5)
    with pytest.raises(InvalidParameterError, match="n must be"):
        states.ghz(1)
    with pytest.raises(InvalidParameterError, match="nonzero"):
        states.product([[1.0, 0.0]])
    with pytest.raises(InvalidParameterError, match="L must"):
        states.toric_code(1)
    with pytest.raises(InvalidParameterError, match="amplitudes"):
        states.product("up")


@pytest.mark.slow
def test_largest_states_at_18_spins():
    n = 18
    ref = np.zeros(2**n)
    ref[0] = ref[-1] = 1
    check_state(states.ghz(n), ghz_stabilizers(n), ref)
    check_state(states.cluster(n), cluster_stabilizers(n, True), cluster_amplitudes(n, True))
    check_state(states.cluster(n, periodic=False), cluster_stabilizers(n, False))
    check_state(states.volume_law(n), volume_stabilizers(n))
    stabs, _ = toric_reference(3)
    check_state(states.toric_code(3), stabs)
    assert tnrbm.states.toric_code(3).n_visible == 18
