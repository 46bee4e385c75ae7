"""Entanglement levels by sector, their figure and ``tnrbm spectrum``, against dense eigenvalues and closed forms."""

from __future__ import annotations

import json

import matplotlib
import numpy as np
import pytest
from conftest import bipartition_matrix, brute_force_psi_of
from plot_checks import is_png

import tnrbm
import tnrbm.plot
from tnrbm import states
from tnrbm.cli import main
from tnrbm.entropy import entanglement_levels, symmetry_resolved
from tnrbm.entropy.levels import group_levels
from tnrbm.errors import InvalidParameterError
from tnrbm.network import RBM

matplotlib.use("Agg")


def dense_sector_levels(psi: np.ndarray, region, n: int) -> list[np.ndarray]:
    """``-ln`` of the nonzero eigenvalues of ``P_pm rho_A P_pm`` for the spin flip, from explicit matrices."""
    mat = bipartition_matrix(psi / np.linalg.norm(psi), region, n)
    rho = mat @ mat.conj().T
    dim = rho.shape[0]
    flip = np.eye(dim)[::-1]  # every spin of A flipped: index i -> dim - 1 - i
    out = []
    for sign in (1, -1):
        p = (np.eye(dim) + sign * flip) / 2
        w = np.linalg.eigvalsh(p @ rho @ p)
        out.append(np.sort(-np.log(w[w > 1e-13])))
    return out


def test_levels_match_dense_eigenvalues():
    rbm = RBM(np.random.default_rng(4).normal(size=(8, 5)) * 0.7)
    region = (0, 1, 2, 3)
    lev = entanglement_levels(symmetry_resolved(rbm, region, "z2"))
    want = dense_sector_levels(brute_force_psi_of(rbm), region, 8)
    for got, ref in zip(lev.levels, want):
        assert np.allclose(got[: len(ref)], ref, atol=1e-7)
    flat = np.sort(np.concatenate(want))
    assert abs(lev.lowest - flat[0]) < 1e-9
    assert abs(lev.gap - (flat[1] - flat[0])) < 1e-7
    lam = np.sort(np.exp(-flat))[::-1]
    assert abs(lev.schmidt_gap - (lam[0] - lam[1])) < 1e-10


def test_cluster_counting_and_ghz_levels():
    lev = entanglement_levels(symmetry_resolved(states.cluster(10), (2, 3, 4, 5), "z2"))
    assert lev.counting() == {"+1": [2], "-1": [2]}  # rho_A = 1/4 on four states, two per sector
    assert np.allclose(lev.levels[0], np.log(4)) and lev.gap == np.inf
    lev = entanglement_levels(symmetry_resolved(states.ghz(8), range(3), "z2"))
    assert lev.counting() == {"+1": [1], "-1": [1]} and abs(lev.lowest - np.log(2)) < 1e-12
    plain = entanglement_levels(tnrbm.entanglement(states.ghz(8), range(3)))
    assert plain.sectors == ("all",) and plain.counting() == {"all": [2]}


def test_group_levels_and_largest_gap():
    xi = np.array([0.1, 0.1, 0.1 + 1e-9, 2.0, 2.3, 6.0])
    assert group_levels(xi) == [(pytest.approx(0.1), 3), (2.0, 1), (2.3, 1), (6.0, 1)]
    rbm = RBM(np.random.default_rng(1).normal(size=(6, 3)))
    lev = entanglement_levels(symmetry_resolved(rbm, (0, 1, 2), "z2"))
    d = lev.distinct()
    size, where = lev.largest_gap()
    assert abs(size - np.max(np.diff(d))) < 1e-12 and d[0] < where < d[-1]
    with pytest.raises(InvalidParameterError, match="SymmetryResult or an EntanglementResult"):
        entanglement_levels([0.5, 0.5])


def test_levels_plot(tmp_path):
    res = symmetry_resolved(RBM(np.random.default_rng(2).normal(size=(8, 4)) * 0.6), range(4), "z2")
    ax = tnrbm.plot.entanglement_levels_plot(res)
    lev = entanglement_levels(res)
    line = ax.get_lines()[0]
    assert sorted(line.get_ydata()) == pytest.approx(sorted(lv for d in lev.degeneracies for lv, _ in d))
    matplotlib.pyplot.close(ax.figure)
    path = tmp_path / "levels.png"
    tnrbm.plot.entanglement_levels_plot(lev, path=path)
    assert is_png(path)


def test_cli_spectrum_json_against_dense(capsys, tmp_path):
    spec = "local-lattice:shape=3x3,periodic=false,bias_scale=0,seed=1"
    net = tnrbm.specs.parse_model(spec)
    plot = tmp_path / "lev.png"
    assert main(["spectrum", spec, "0:3", "--json", "--plot", str(plot)]) == 0
    out = json.loads(capsys.readouterr().out)
    want = dense_sector_levels(brute_force_psi_of(net), (0, 1, 2), 9)
    for name, ref in zip(("+1", "-1"), want):
        assert np.allclose(out["levels"]["levels"][name][: len(ref)], ref, atol=1e-7)
    assert abs(out["number_entropy"] + out["configurational_entropy"] - out["entropy"]) < 1e-12
    assert is_png(plot)
    assert main(["spectrum", "ghz:n=6", "0:3", "--sectors", "u1", "--check", "spectrum"]) == 0
    text = capsys.readouterr().out
    assert "u1-resolved" in text and "S_number" in text
    assert main(["spectrum", "ghz:n=6", "0:3", "--sectors", "none", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["levels"]["counting"] == {"all": [2]}
    assert main(["spectrum", "ghz:n=6", "0:3", "--sectors", "su2"]) == 2
    assert "--sectors" in capsys.readouterr().err


def test_cli_spectrum_sublattice_cluster(capsys):
    # the cluster state's flip of the even sublattice splits rho_A = 1/4 (rank 4) into two sectors of rank 2
    assert main(["spectrum", "cluster:n=8", "0:3", "--sites", "0,2,4,6", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sites"] == "0,2,4,6" and np.allclose(out["probabilities"], [0.5, 0.5])
    assert np.allclose(out["sector_entropies"], np.log(2)) and out["levels"]["counting"] == {"+1": [2], "-1": [2]}
