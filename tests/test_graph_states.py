"""Graph states as RBMs: S_A = rank_GF2(Gamma_AB) ln 2 (issue 11, "Must show").

A graph state |G> = prod_{(i,j) in E} CZ_ij |+>^N is an RBM with one spin hidden unit per edge,
hidden bias b = i pi/4 and couplings W = -i pi/4 to both ends of the edge: with v = +-1,
2 cosh(i pi/4 (1 - v_i - v_j)) = sqrt(2) * (1, 1, 1, -1) over (v_i, v_j) = (++, +-, -+, --): one
factor sqrt(2) times the CZ sign (-1)^{x_i x_j} (x = (1 - v) / 2). Verified here against the dense
construction (CZ gates on |+>^N, written in the test) for small N. The references: that dense state
and its SVD, and the GF(2) rank of the biadjacency block Gamma_AB computed in the test by Gaussian
elimination (Hein, Eisert, Briegel 2004).
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

import tnrbm

LN2 = math.log(2.0)


def graph_state_rbm(edges: list[tuple[int, int]], n: int) -> tnrbm.RBM:
    """The RBM of the graph state: one hidden unit per edge, b = i pi/4, W = -i pi/4 on both ends."""
    w = np.zeros((n, len(edges)), dtype=complex)
    for j, (a, b) in enumerate(edges):
        w[a, j] = w[b, j] = -1j * np.pi / 4
    return tnrbm.RBM(w, hidden_bias=np.full(len(edges), 1j * np.pi / 4))


def dense_graph_state(edges: list[tuple[int, int]], n: int) -> np.ndarray:
    """prod CZ_ij |+>^N in kron order (site 0 most significant, spin +1 = basis 0 = bit x = 0)."""
    psi = np.full(2**n, 2 ** (-n / 2), dtype=complex)
    bits = (np.arange(2**n)[:, None] >> np.arange(n - 1, -1, -1)) & 1
    for a, b in edges:
        psi = psi * np.where(bits[:, a] & bits[:, b], -1.0, 1.0)
    return psi


def gf2_rank(mat: np.ndarray) -> int:
    """Rank over GF(2) by Gaussian elimination."""
    m = (np.asarray(mat) % 2).astype(np.uint8).copy()
    rank = 0
    rows, cols = m.shape
    for c in range(cols):
        pivot = next((r for r in range(rank, rows) if m[r, c]), None)
        if pivot is None:
            continue
        m[[rank, pivot]] = m[[pivot, rank]]
        for r in range(rows):
            if r != rank and m[r, c]:
                m[r] ^= m[rank]
        rank += 1
    return rank


def gamma_ab(edges: list[tuple[int, int]], region: list[int], n: int) -> np.ndarray:
    a = list(region)
    b = [i for i in range(n) if i not in set(region)]
    adj = np.zeros((n, n), dtype=np.uint8)
    for i, j in edges:
        adj[i, j] = adj[j, i] = 1
    return adj[np.ix_(a, b)]


def grid_edges(lx: int, ly: int) -> list[tuple[int, int]]:
    g = nx.grid_2d_graph(lx, ly)
    return sorted((x1 * ly + y1, x2 * ly + y2) for (x1, y1), (x2, y2) in g.edges())


def regular_edges(n: int, d: int, seed: int) -> list[tuple[int, int]]:
    return sorted(tuple(sorted(e)) for e in nx.random_regular_graph(d, n, seed=seed).edges())


@pytest.mark.parametrize(
    "edges,n",
    [(grid_edges(2, 3), 6), (grid_edges(3, 3), 9), (regular_edges(8, 3, 0), 8), ([(0, 1), (1, 2), (2, 0)], 3)],
)
def test_rbm_is_the_graph_state_up_to_normalization(edges, n):
    psi = graph_state_rbm(edges, n).to_dense(normalize=False)
    ref = dense_graph_state(edges, n)
    k = int(np.argmax(np.abs(ref)))
    psi = psi * (ref[k] / psi[k])  # one global factor (sqrt 2 per edge and a phase)
    assert np.max(np.abs(psi - ref)) < 1e-12


def test_entropy_matches_the_dense_reference_and_the_gf2_rank_small():
    edges, n = grid_edges(3, 3), 9
    psi = dense_graph_state(edges, n)
    net = graph_state_rbm(edges, n)
    for region in ([0], [0, 1, 2], [0, 4, 8], [1, 3, 5, 7]):
        rest = [i for i in range(n) if i not in region]
        mat = psi.reshape((2,) * n).transpose(region + rest).reshape(2 ** len(region), -1)
        p = np.linalg.svd(mat, compute_uv=False) ** 2
        p = p[p > 1e-14] / p.sum()
        s_ref = float(-np.sum(p * np.log(p)))
        rank = gf2_rank(gamma_ab(edges, region, n))
        assert abs(s_ref - rank * LN2) < 1e-10  # the identity itself, on the dense state
        assert abs(tnrbm.entanglement(net, region, method="cut").entropy - rank * LN2) < 1e-10


@pytest.mark.parametrize("lx,ly", [(4, 4), (3, 6), (6, 4)])
def test_grid_half_and_corner_regions(lx, ly):
    n = lx * ly
    edges = grid_edges(lx, ly)
    net = graph_state_rbm(edges, n)
    half = list(range(n // 2))
    corner = [x * ly + y for x in range(2) for y in range(2)]
    checker = [i for i in range(n) if (i // ly + i % ly) % 2 == 0][: n // 3]
    for region in (half, corner, checker):
        rank = gf2_rank(gamma_ab(edges, region, n))
        res = tnrbm.entanglement(net, region, method="cut")
        assert abs(res.entropy - rank * LN2) < 1e-9, (lx, ly, region)
        assert res.entropy <= res.cut.bound + 1e-12


@pytest.mark.parametrize("n,d,seed", [(12, 3, 0), (14, 3, 1), (12, 4, 2)])
def test_random_regular_graphs(n, d, seed):
    edges = regular_edges(n, d, seed)
    net = graph_state_rbm(edges, n)
    rng = np.random.default_rng(seed)
    for size in (1, 3, n // 2):
        region = sorted(rng.choice(n, size=size, replace=False).tolist())
        rank = gf2_rank(gamma_ab(edges, region, n))
        s = tnrbm.entanglement(net, region).entropy
        assert abs(s - rank * LN2) < 1e-9, (n, d, region)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_states_graph_state_is_the_cz_state(seed):
    """tnrbm.states.graph_state against prod CZ |+>^N built by hand (up to a global phase)."""
    rng = np.random.default_rng(seed)
    n = 7
    edges = [(i, j) for i in range(n) for j in range(i + 1, n) if rng.random() < 0.4]
    psi = tnrbm.states.graph_state(edges, n).to_dense()
    ref = dense_graph_state(edges, n)
    assert abs(abs(np.vdot(ref, psi)) - 1) < 1e-12
    with pytest.raises(tnrbm.errors.InvalidParameterError, match="different sites"):
        tnrbm.states.graph_state([(1, 1)], 3)
    with pytest.raises(tnrbm.errors.InvalidParameterError, match="edges"):
        tnrbm.states.graph_state([(0, 5)], 3)
