"""Symmetry-resolved entanglement against dense projections of state vectors and closed forms.

The reference here builds ``rho_A`` from a brute-force state vector (:func:`conftest.brute_force_psi_of`,
itertools sums, or an ED ground state), the charge projectors ``P_q`` as explicit matrices, and takes
``eigvalsh(P_q rho_A P_q)``, ``Tr P_q rho_A`` and ``Tr rho_A^n U_alpha`` directly: none of the package's
twisted Grams, Fourier transforms or sector SVDs.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import bipartition_matrix, brute_force_psi_of
from hypothesis import given
from hypothesis import strategies as st

import tnrbm
from tnrbm import ed, states
from tnrbm.entropy import SymmetryWarning, charged_moment_from_grams, symmetry_resolved
from tnrbm.entropy.symmetry import twisted_grams
from tnrbm.errors import InvalidParameterError
from tnrbm.network import RBM, ProjectedRBM

LN2 = np.log(2.0)


# ------------------------------------------------------------------------------------------ references
def charge_matrices(kind: str, region, n: int, sites=None) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """``([P_q], [U_alpha_k])`` on A's ``2**|A|`` basis, as explicit matrices."""
    region = list(region)
    sites = set(range(n)) if sites is None else set(sites)
    k = len(region)
    dim = 2**k
    idx = np.arange(dim)
    bits = np.array([[(i >> (k - 1 - j)) & 1 for j in range(k)] for i in idx])
    charged = np.array([region[j] in sites for j in range(k)])
    down = bits[:, charged].sum(axis=1) if charged.any() else np.zeros(dim, dtype=int)
    if kind == "z2":
        flip = np.zeros((dim, dim))
        mask = sum(1 << (k - 1 - j) for j in range(k) if charged[j])
        flip[idx ^ mask, idx] = 1.0
        return [(np.eye(dim) + flip) / 2, (np.eye(dim) - flip) / 2], [np.eye(dim), flip]
    q = down % 2 if kind == "parity" else down
    n_sec = 2 if kind == "parity" else charged.sum() + 1
    projs = [np.diag((q == s).astype(float)) for s in range(n_sec)]
    twists = [np.diag(np.exp(2j * np.pi * a / n_sec * q)) for a in range(n_sec)]
    return projs, twists


def reference(psi: np.ndarray, region, n: int, kind: str, sites=None) -> dict:
    mat = bipartition_matrix(psi / np.linalg.norm(psi), region, n)
    rho = mat @ mat.conj().T
    projs, twists = charge_matrices(kind, region, n, sites)
    blocks = [p @ rho @ p for p in projs]
    return {
        "rho": rho,
        "p": np.array([np.trace(b).real for b in blocks]),
        "levels": [np.sort(np.linalg.eigvalsh(b))[::-1] for b in blocks],
        "commutator": float(np.linalg.norm(rho - sum(blocks))),
        "twists": twists,
    }


def vn(p: np.ndarray) -> float:
    p = p[p > 1e-300]
    return float(-np.sum(p * np.log(p)))


def check_against(res, ref: dict, atol: float = 1e-10) -> None:
    assert np.allclose(res.probabilities, ref["p"], atol=atol)
    for q, (p, s) in enumerate(zip(res.probabilities, res.spectra)):
        want = ref["levels"][q]
        got = np.zeros(len(want))
        got[: min(len(s), len(want))] = (p * s)[: len(want)]
        assert np.allclose(got, want, atol=atol), q
    total = np.concatenate(ref["levels"])
    assert abs(res.entropy - vn(total)) < 1e-8
    assert abs(res.number_entropy + res.configurational_entropy - res.entropy) < 1e-12
    assert abs(res.number_entropy - vn(ref["p"])) < 1e-8


# ------------------------------------------------------------------------------------------ strategies
@st.composite
def symmetric_rbms(draw):
    """Random RBMs with zero biases and spin hidden units: psi(-v) = psi(v)."""
    n = draw(st.integers(3, 8))
    m = draw(st.integers(1, 5))
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(n, m)) * draw(st.sampled_from([0.3, 0.8]))
    if draw(st.booleans()):
        w = w + 1j * rng.normal(size=(n, m)) * 0.4
    w[rng.random((n, m)) < 0.3] = 0.0
    size = draw(st.integers(1, n - 1))
    region = tuple(sorted(rng.choice(n, size=size, replace=False).tolist()))
    return RBM(w), region


@st.composite
def projected_rbms(draw):
    n = draw(st.integers(3, 8))
    m = draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    complex_ = draw(st.booleans())
    w = rng.normal(size=(n, m)) * 0.5 + (1j * rng.normal(size=(n, m)) * 0.3 if complex_ else 0)
    a = rng.normal(size=n) * 0.3
    b = rng.normal(size=m) * 0.3
    kind = draw(st.sampled_from(["u1", "parity", "z2"]))
    value = draw(st.integers(0, n if kind == "u1" else 1))
    size = draw(st.integers(1, n - 1))
    region = tuple(sorted(rng.choice(n, size=size, replace=False).tolist()))
    return RBM(w, a, b), kind, value, region


# ------------------------------------------------------------------------------------------ tests
@given(symmetric_rbms())
def test_z2_symmetric_rbm_matches_dense_projection(case):
    rbm, region = case
    ref = reference(brute_force_psi_of(rbm), region, rbm.n_visible, "z2")
    assert ref["commutator"] < 1e-12  # the reference confirms [rho_A, F_A] = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error", SymmetryWarning)
        res = symmetry_resolved(rbm, region, "z2", renyi=(2, 3))
    check_against(res, ref)
    assert res.asymmetry < 1e-10 and res.method == "cut"
    for n_, alpha in [(1, np.pi), (2, np.pi), (3, 0.0), (2.5, np.pi)]:
        rho_n = _matrix_power(ref["rho"], n_)
        want = np.trace(rho_n @ (ref["twists"][1] if alpha else ref["twists"][0]))
        assert abs(res.charged_moment(n_, alpha) - want) < 1e-10
    for q in range(2):
        if ref["p"][q] < 1e-12:
            assert res.probabilities[q] < 1e-12 and res.sector_renyi[2][q] == 0.0  # an empty sector
            continue
        s = ref["levels"][q] / ref["p"][q]
        s = s[s > 1e-14]
        assert abs(res.sector_renyi[2][q] - (-np.log(np.sum(s**2)))) < 1e-8


def _matrix_power(rho: np.ndarray, n: float) -> np.ndarray:
    w, u = np.linalg.eigh(rho)
    return (u * np.clip(w, 0, None) ** n) @ u.conj().T


@given(projected_rbms())
def test_projected_rbm_matches_dense_projection(case):
    rbm, kind, value, region = case
    n = rbm.n_visible
    psi = brute_force_psi_of(rbm)
    idx = np.arange(2**n)
    down = np.array([bin(i).count("1") for i in idx])
    if kind == "z2":
        proj = (psi + (-1) ** value * psi[idx ^ (2**n - 1)]) / 2
    else:
        proj = psi * ((down % 2 if kind == "parity" else down) == value)
    if np.linalg.norm(proj) < 1e-6 * np.linalg.norm(psi):
        return  # (almost) no weight in this sector
    pr = ProjectedRBM(rbm, value, kind)
    assert np.allclose(pr.to_dense(), proj / np.linalg.norm(proj), atol=1e-10)  # the sum of RBMs is exact
    ref = reference(proj, region, n, kind)
    assert ref["commutator"] < 1e-10
    for method in ("cut", "dense"):
        res = symmetry_resolved(pr, region, kind, method=method)
        check_against(res, ref, atol=1e-9)
        for k, twist in enumerate(ref["twists"]):
            alpha = np.pi * k if kind != "u1" else 2 * np.pi * k / len(ref["twists"])
            for n_ in (1, 2):
                want = np.trace(np.linalg.matrix_power(ref["rho"], n_) @ twist)
                assert abs(res.charged_moment(n_, alpha) - want) < 1e-9
    assert res.asymmetry is None


@pytest.mark.parametrize("seed", range(3))
def test_z2_symmetric_dbm(seed):
    rng = np.random.default_rng(seed)
    dbm = tnrbm.DBM([rng.normal(size=(6, 4)) * 0.6, rng.normal(size=(4, 2)) * 0.6])  # zero biases
    region = (0, 2, 3)
    ref = reference(brute_force_psi_of(dbm), region, 6, "z2")
    res = symmetry_resolved(dbm, region, "z2")
    check_against(res, ref)
    assert res.asymmetry < 1e-10 and res.method == "cut"


def test_twisted_grams_give_charged_moments_of_any_state():
    rbm = tnrbm.models.random_rbm(7, 4, complex=True, seed=5)  # biases: no symmetry at all
    region = (1, 2, 5)
    ref = reference(brute_force_psi_of(rbm), region, 7, "u1")
    alphas = 2 * np.pi * np.arange(4) / 4
    gas, gb = twisted_grams(rbm, region, alphas, "u1")
    for k, ga in enumerate(gas):
        for n in (1, 2, 3):
            want = np.trace(np.linalg.matrix_power(ref["rho"], n) @ ref["twists"][k])
            assert abs(charged_moment_from_grams(gas[0], ga, gb, n) - want) < 1e-11


def test_asymmetric_state_warns_and_spectrum_check_measures_pinching():
    rbm = tnrbm.models.random_rbm(6, 3, seed=2)
    region = (0, 1, 2)
    with pytest.warns(SymmetryWarning, match="not z2-symmetric"):
        res = symmetry_resolved(rbm, region, "z2")
    psi = brute_force_psi_of(rbm)
    overlap = abs(np.vdot(psi, psi[np.arange(64) ^ 63])) / np.vdot(psi, psi).real
    assert abs(res.asymmetry - (1 - overlap)) < 1e-10
    ref = reference(psi, region, 6, "z2")
    check_against(res, ref)  # the pinched rho_A, sector by sector
    with pytest.warns(SymmetryWarning):
        res2 = symmetry_resolved(rbm, region, "z2", check="spectrum")
    s_plain = vn(np.linalg.eigvalsh(ref["rho"]))
    assert abs(res2.asymmetry - (vn(np.concatenate(ref["levels"])) - s_plain)) < 1e-9
    with pytest.raises(InvalidParameterError, match="not z2-symmetric"):
        symmetry_resolved(rbm, region, "z2", strict=True)


def test_ghz_closed_form():
    ghz = states.ghz(10)
    res = symmetry_resolved(ghz, range(4), "z2")
    assert np.allclose(res.probabilities, [0.5, 0.5]) and np.allclose(res.sector_entropies, 0.0, atol=1e-12)
    assert abs(res.number_entropy - LN2) < 1e-12 and abs(res.configurational_entropy) < 1e-12
    assert res.m == 1
    res = symmetry_resolved(ghz, range(4), "u1", check="spectrum")  # rho_A is diagonal: sectors 0 and |A|
    assert np.allclose(res.probabilities, [0.5, 0, 0, 0, 0.5]) and res.asymmetry < 1e-12


@pytest.mark.parametrize("sites", [None, "even", "odd"])
def test_cluster_closed_form(sites):
    n = 10
    chosen = {None: None, "even": range(0, n, 2), "odd": range(1, n, 2)}[sites]
    for region in [(0, 1, 2), (3, 4, 5, 6), (2, 3, 4, 5, 6, 7)]:
        res = symmetry_resolved(states.cluster(n), region, "z2", sites=chosen)
        # rho_A = 1/4 on the 4-dim code space; the flip acts as a logical operator: two sectors of rank 2
        assert np.allclose(res.probabilities, [0.5, 0.5])
        assert np.allclose(res.sector_entropies, LN2)
        assert abs(res.entropy - 2 * LN2) < 1e-10 and res.asymmetry < 1e-10


def test_tfim_ground_state_z2_dense():
    n = 10
    gs = ed.ground_state(ed.tfim(n, J=1.0, h=0.7)).vectors[:, 0]
    region = (0, 1, 2, 3)
    ref = reference(gs, region, n, "z2")
    res = symmetry_resolved(gs, region, "z2")
    check_against(res, ref)
    assert res.method == "dense" and res.asymmetry < 1e-10 and res.extra["global_charge"] == 0


def test_xxz_ground_state_u1_dense():
    n = 10
    gs = ed.ground_state(ed.heisenberg(n, delta=0.5)).vectors[:, 0]
    region = (0, 1, 2, 3, 4)
    ref = reference(gs, region, n, "u1")
    res = symmetry_resolved(gs, region, "u1", renyi=(2,))
    check_against(res, ref)
    assert res.extra["global_charge"] == n // 2 and res.asymmetry < 1e-10
    assert np.allclose(res.probabilities, res.probabilities[::-1])  # S^z -> -S^z symmetry of the chain


@pytest.mark.slow
def test_xxz_ground_state_u1_n16():
    n = 16
    gs = ed.ground_state(ed.heisenberg(n, delta=1.0)).vectors[:, 0]
    region = tuple(range(6))
    ref = reference(gs, region, n, "u1")
    check_against(symmetry_resolved(gs, region, "u1"), ref)


def test_equipartition_and_dict():
    rbm = RBM(np.random.default_rng(0).normal(size=(8, 6)) * 0.6)
    res = symmetry_resolved(rbm, range(4), "z2")
    eq = res.equipartition()
    assert abs(eq["spread"] - abs(res.sector_entropies[0] - res.sector_entropies[1])) < 1e-14
    d = res.to_dict()
    assert d["sectors"] == ["+1", "-1"] and abs(sum(d["probabilities"]) - 1) < 1e-14
    assert "number" in repr(res) and "<table>" in res._repr_html_()


def test_bad_input_is_refused():
    rbm = RBM(np.ones((4, 2)) * 0.3)
    with pytest.raises(InvalidParameterError, match="symmetry must be one of"):
        symmetry_resolved(rbm, [0], "su2")
    with pytest.raises(InvalidParameterError, match="value must be"):
        ProjectedRBM(rbm, 5, "u1")
    with pytest.raises(InvalidParameterError, match="differs from the projection"):
        symmetry_resolved(ProjectedRBM(rbm, 2, "u1"), [0], "z2")
    with pytest.raises(InvalidParameterError, match="check must be one of"):
        symmetry_resolved(rbm, [0], "z2", check="maybe")
    with pytest.raises(InvalidParameterError, match="needs an RBM"):
        symmetry_resolved(rbm.to_dense(), [0], "z2", method="cut")
    with pytest.raises(InvalidParameterError, match="tol must be"):
        symmetry_resolved(rbm, [0], "z2", tol=-1.0)
    with pytest.raises(tnrbm.errors.InvalidRegionError, match="holds all 4 spins"):
        symmetry_resolved(rbm, range(4), "z2", method="cut")


def test_whole_system_is_the_global_charge_distribution():
    rbm = tnrbm.models.random_rbm(6, 3, seed=4)
    pr = ProjectedRBM(rbm, 3, "u1")
    res = symmetry_resolved(pr, range(6), "u1")  # auto: dense for the whole system
    assert res.method == "dense" and res.probabilities[3] == pytest.approx(1.0) and abs(res.entropy) < 1e-12
    psi = brute_force_psi_of(rbm)
    psi = psi / np.linalg.norm(psi)
    with pytest.warns(SymmetryWarning):
        res = symmetry_resolved(rbm, range(6), "u1")
    down = np.array([bin(i).count("1") for i in range(64)])
    want = [float(np.sum(abs(psi[down == q]) ** 2)) for q in range(7)]
    assert np.allclose(res.probabilities, want, atol=1e-12)


def test_netket_rbm_without_biases():
    """A NetKet RBM without biases is spin-flip symmetric; its (model, params) pair goes straight in."""
    nk = pytest.importorskip("netket")
    jax = pytest.importorskip("jax")
    n = 8
    states_ = np.asarray(nk.hilbert.Spin(0.5, n).all_states(), dtype=float)
    model = nk.models.RBM(alpha=1, use_visible_bias=False, use_hidden_bias=False, param_dtype=np.float64)
    params = model.init(jax.random.PRNGKey(3), states_[:1])["params"]
    rng = np.random.default_rng(0)
    params = jax.tree_util.tree_map(lambda x: jax.numpy.asarray(rng.normal(scale=0.5, size=x.shape)), params)
    logpsi = np.asarray(model.apply({"params": params}, states_))
    psi = np.exp(logpsi - logpsi.max())  # NetKet's basis is tnrbm's kron order (tests/test_interop.py)
    region = (0, 1, 2, 3)
    ref = reference(psi, region, n, "z2")
    res = symmetry_resolved((model, {"params": params}), region, "z2")
    check_against(res, ref)
    assert res.method == "cut" and res.asymmetry < 1e-10


@pytest.mark.parametrize("kind", ["u1", "parity", "z2"])
def test_state_check_value_against_dense(kind):
    """``1 - |<psi|U|psi>|`` of a state with no symmetry, for the generator of each group."""
    n = 7
    rbm = tnrbm.models.random_rbm(n, 4, complex=True, seed=11)
    psi = brute_force_psi_of(rbm)
    psi = psi / np.linalg.norm(psi)
    idx = np.arange(2**n)
    down = np.array([bin(i).count("1") for i in idx])
    if kind == "z2":
        want = np.vdot(psi, psi[idx ^ (2**n - 1)])
    elif kind == "parity":
        want = np.vdot(psi, (-1.0) ** down * psi)
    else:
        want = np.vdot(psi, np.exp(2j * np.pi / (n + 1) * down) * psi)
    with pytest.warns(SymmetryWarning):
        res = symmetry_resolved(rbm, (0, 2, 3, 5), kind)
    assert abs(res.asymmetry - (1 - abs(want))) < 1e-11
    with pytest.warns(SymmetryWarning):
        dense = symmetry_resolved(psi, (0, 2, 3, 5), kind)
    assert abs(dense.asymmetry - (1 - abs(want))) < 1e-11


def test_sector_spectrum_with_a_real_and_a_complex_gram():
    """A sector Gram can be exactly real while its partner is complex: the spectrum must use both fully."""
    from tnrbm.entropy.symmetry import _spectrum

    rng = np.random.default_rng(7)
    x = rng.normal(size=(6, 3))  # real X: G_A real
    y = rng.normal(size=(5, 3)) + 1j * rng.normal(size=(5, 3))  # complex Y: G_B complex
    s = np.linalg.svd(x @ y.T, compute_uv=False) ** 2
    got = _spectrum((x.T @ x).astype(complex), y.conj().T @ y)
    assert np.allclose(got[:3], (s / s.sum())[:3], atol=1e-12)
