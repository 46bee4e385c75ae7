"""Bulk graph and minimal cuts, checked against brute force, analytic cut rules and a second solver."""

from __future__ import annotations

import itertools
import math
import time  # time.thread_time: the CPU time of the calling thread (not the wall clock of a loaded machine, nor BLAS threads spinning)
from collections import deque

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tnrbm
from tnrbm.bulk import (
    FLOWS,
    Cut,
    bulk_graph,
    cut_mutual_information,
    cut_tripartite_information,
    min_cut,
)
from tnrbm.errors import InvalidParameterError, InvalidRegionError

LN2 = math.log(2.0)
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------------------ independent references
def unit_adjacency(net) -> dict:
    """Adjacency of the units straight from the coupling matrices (no tnrbm graph code)."""
    adj = {u: set() for u in net.units()}
    for layer, mat in enumerate(net.couplings):
        dense = mat.toarray()
        for i, j in zip(*np.nonzero(dense)):
            adj[(layer, int(i))].add((layer + 1, int(j)))
            adj[(layer + 1, int(j))].add((layer, int(i)))
    return adj


def reach_from(adj: dict, starts, removed: set) -> set:
    """Plain BFS over units, never entering ``removed``."""
    seen = {u for u in starts if u not in removed}
    todo = deque(seen)
    while todo:
        u = todo.popleft()
        for w in adj[u]:
            if w not in removed and w not in seen:
                seen.add(w)
                todo.append(w)
    return seen


def separates(adj: dict, a_vis, b_vis, removed: set) -> bool:
    """Whether removing ``removed`` cuts every leg of A from every leg of B (a cut visible unit = a cut leg)."""
    seen = reach_from(adj, [(0, i) for i in a_vis], removed)
    return not any((0, i) in seen for i in b_vis if (0, i) not in removed)


def brute_force_min_cuts(net, region) -> tuple[int, list[set]]:
    """The minimum vertex-cut size and every minimum separator, by enumerating vertex subsets."""
    adj = unit_adjacency(net)
    units = net.units()
    a = sorted(region)
    b = [i for i in range(net.n_visible) if i not in set(a)]
    for k in range(len(units) + 1):
        found = [set(s) for s in itertools.combinations(units, k) if separates(adj, a, b, set(s))]
        if found:
            return k, found
    raise AssertionError("no separator")  # pragma: no cover


@st.composite
def small_network_and_region(draw, max_units: int = 11):
    """A random sparse RBM or DBM with at most ``max_units`` units and a random (non-contiguous) region."""
    seed = draw(st.integers(0, 2**31 - 1))
    density = draw(st.sampled_from([0.4, 0.6, 0.8]))
    if draw(st.booleans()):
        n = draw(st.integers(2, 7))
        m = draw(st.integers(1, max_units - n))
        net = tnrbm.models.random_rbm(n, m, density=density, seed=seed)
    else:
        n = draw(st.integers(2, 5))
        sizes = [n, draw(st.integers(1, 3)), draw(st.integers(1, 2))]
        while sum(sizes) > max_units:
            sizes[1] -= 1
        net = tnrbm.models.random_dbm(sizes, density=density, seed=seed)
    region = draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n - 1))
    return net, sorted(region)


# ------------------------------------------------------------------------------------- the bulk graph
def test_bulk_graph_matches_couplings():
    net = tnrbm.models.random_dbm([5, 4, 2], density=0.6, seed=3)
    g = bulk_graph(net)
    assert set(g.nodes) == {(layer, i) for layer, n in enumerate(net.layer_sizes) for i in range(n)}
    expected = {}
    for layer, mat in enumerate(net.couplings):
        dense = mat.toarray()
        for i, j in zip(*np.nonzero(dense)):
            expected[frozenset({(layer, int(i)), (layer + 1, int(j))})] = dense[i, j]
    assert {frozenset(e) for e in g.edges} == set(expected)
    for u, w, c in g.edges(data="coupling"):
        assert c == expected[frozenset({u, w})]
    assert g.nodes[(0, 3)]["kind"] == "visible" and g.nodes[(0, 3)]["label"] == "V3"
    assert g.nodes[(2, 1)]["kind"] == "hidden" and g.nodes[(2, 1)]["label"] == "H5"  # 4 units in layer 1
    assert all(math.isclose(d, LN2) for _, d in g.nodes(data="capacity"))
    assert g.graph["legs"] == {i: (0, i) for i in range(5)}
    # boundary at the bottom, depth upward
    assert all(g.nodes[u]["pos"][1] == u[0] for u in g.nodes)


def test_bulk_graph_legs_and_lattice_positions():
    net = tnrbm.models.local_lattice((3, 4), radius=1, seed=0)
    g = bulk_graph(net, legs=True)
    legs = [u for u, k in g.nodes(data="kind") if k == "leg"]
    assert len(legs) == 12 and all(g.degree(u) == 1 for u in legs)
    assert all(set(g[("leg", i)]) == {(0, i)} for i in range(12))
    pos = {u: g.nodes[u]["pos"] for u in g.nodes if u[0] != "leg"}
    assert len(set(pos.values())) == len(pos)  # no two units drawn on top of each other
    assert max(pos[(0, i)][1] for i in range(12)) < min(pos[(1, j)][1] for j in range(12))


# ------------------------------------------------------------------------------- min cut vs brute force
@SETTINGS
@given(small_network_and_region())
def test_min_cut_equals_brute_force(case):
    net, region = case
    cut = min_cut(net, region)
    size, separators = brute_force_min_cuts(net, region)
    assert cut.size == size
    assert math.isclose(cut.bound, size * LN2)
    assert set(cut.surface) in separators
    complement = [i for i in range(net.n_visible) if i not in set(region)]
    adj = unit_adjacency(net)
    surface = set(cut.surface)
    # the contract of Cut: wedges are what BFS reaches from each side's legs once the surface is removed
    assert cut.wedge == frozenset(reach_from(adj, [(0, i) for i in region], surface))
    assert cut.complement_wedge == frozenset(reach_from(adj, [(0, i) for i in complement], surface))
    assert not (cut.wedge & cut.complement_wedge) and not (cut.wedge & surface)
    # canonical: the cut closest to A has the smallest wedge among all minimum cuts
    for sep in separators:
        assert cut.wedge <= reach_from(adj, [(0, i) for i in region], sep)
    assert cut.region == tuple(region) and cut.complement == tuple(complement)


@pytest.mark.parametrize(
    "net",
    [
        tnrbm.models.random_rbm(6, 6, density=0.5, seed=11),
        tnrbm.models.random_rbm(7, 5, density=0.6, seed=12),
        tnrbm.models.random_dbm([6, 4, 2], density=0.6, seed=13),
        tnrbm.models.random_dbm([6, 3, 3], density=0.7, seed=14),
    ],
    ids=["rbm6x6", "rbm7x5", "dbm642", "dbm633"],
)
def test_min_cut_brute_force_every_region(net):
    """Every region of a few denser networks (hypothesis tends to draw small cuts): sizes 0 to 3."""
    n = net.n_visible
    seen_sizes = set()
    for k in range(1, n):
        for region in itertools.combinations(range(n), k):
            size, separators = brute_force_min_cuts(net, region)
            cut = min_cut(net, region)
            assert cut.size == size and set(cut.surface) in separators
            seen_sizes.add(size)
    assert max(seen_sizes) >= 3


@SETTINGS
@given(small_network_and_region(max_units=14))
def test_min_cut_symmetric_bounded_and_solver_independent(case):
    net, region = case
    n = net.n_visible
    complement = [i for i in range(n) if i not in set(region)]
    cut = min_cut(net, region)
    assert cut.size == min_cut(net, complement).size
    assert 0 <= cut.size <= min(len(region), len(complement))
    for flow in FLOWS:
        assert min_cut(net, region, flow=flow) == cut
    assert min_cut(net, region) == cut  # deterministic


def test_whole_boundary_has_zero_cut():
    net = tnrbm.models.random_rbm(4, 3, seed=0)
    cut = min_cut(net, range(4))
    assert cut.size == 0 and cut.surface == () and cut.complement == ()
    assert cut.wedge == frozenset(net.units())


# ------------------------------------------------------------------------------------------ local chains
@pytest.mark.parametrize("n", [8, 12, 17, 24])
@pytest.mark.parametrize("radius", [0, 1, 2, 3])
@pytest.mark.parametrize("alpha", [1, 2, 3])
def test_local_chain_half_cut_rule(n, radius, alpha):
    """Derived rule (docs/theory/cuts.md): each boundary of a contiguous region needs 2r cut units.

    A hidden unit sees 2r + 1 consecutive spins, so 2r consecutive cut spins block it, and the 2r
    paths spin i -> hidden (i + r) -> spin i + 2r across a boundary are vertex-disjoint: exactly 2r
    per boundary, for any alpha >= 1 (cutting hidden units instead costs 2r alpha). Capped by
    min(|A|, |B|): periodic m = min(4r, l, n - l), open (prefix A) m = min(2r, l, n - l).
    """
    for periodic in (True, False):
        if periodic and 2 * radius + 1 > n:
            continue
        net = tnrbm.models.local_chain(n, alpha=alpha, radius=radius, periodic=periodic, seed=n + radius)
        half = n // 2
        expected = min(4 * radius, half, n - half) if periodic else min(2 * radius, half, n - half)
        assert min_cut(net, range(half)).size == expected
        for length in range(1, n):
            start = 3 if periodic else 0
            region = [(start + i) % n for i in range(length)]
            rule = min(4 * radius, length, n - length) if periodic else min(2 * radius, length, n - length)
            assert min_cut(net, region).size == rule


def test_design_note_values():
    """DESIGN.md section 9: hidden units seeing 3 consecutive spins give m = 4 (periodic), 2 (open)."""
    assert min_cut(tnrbm.models.local_chain(20, radius=1, periodic=True, seed=0), range(10)).size == 4
    assert min_cut(tnrbm.models.local_chain(20, radius=1, periodic=False, seed=0), range(10)).size == 2


def test_large_chain_is_fast():
    net = tnrbm.models.local_chain(50_000, radius=2, seed=0)  # 100,000 units
    t0 = time.thread_time()
    cut = min_cut(net, range(10_000, 30_000))
    assert time.thread_time() - t0 < 10.0
    assert cut.size == 8  # 2r per boundary, two boundaries


# --------------------------------------------------------------------------- information from the cuts
@st.composite
def network_and_three_regions(draw):
    seed = draw(st.integers(0, 2**31 - 1))
    n = draw(st.integers(4, 9))
    if draw(st.booleans()):
        net = tnrbm.models.random_rbm(n, draw(st.integers(1, 8)), density=0.4, seed=seed)
    else:
        net = tnrbm.models.random_dbm([n, draw(st.integers(1, 5)), draw(st.integers(1, 3))], density=0.5, seed=seed)
    labels = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))  # 3 = the purifier D
    regions = [[i for i in range(n) if labels[i] == k] for k in range(3)]
    if any(not r for r in regions):
        regions = [[0], [1], [2]]
    return net, regions


def _m(net, *parts):
    return min_cut(net, sorted(sum(parts, []))).size


@SETTINGS
@given(network_and_three_regions())
def test_cut_entropies_subadditive_and_strongly_subadditive(case):
    net, (a, b, c) = case
    assert _m(net, a) + _m(net, b) >= _m(net, a, b)  # subadditivity
    assert abs(_m(net, a) - _m(net, b)) <= _m(net, a, b)  # Araki-Lieb
    assert _m(net, a, b) + _m(net, b, c) >= _m(net, b) + _m(net, a, b, c)  # strong subadditivity
    i_ab = cut_mutual_information(net, a, b)
    assert i_ab >= 0
    assert math.isclose(i_ab, (_m(net, a) + _m(net, b) - _m(net, a, b)) * LN2)


@SETTINGS
@given(network_and_three_regions())
def test_cut_tripartite_information_formula(case):
    net, (a, b, c) = case
    i3 = cut_tripartite_information(net, a, b, c)
    ref = (
        _m(net, a) + _m(net, b) + _m(net, c) - _m(net, a, b) - _m(net, a, c) - _m(net, b, c) + _m(net, a, b, c)
    ) * LN2
    assert math.isclose(i3, ref, abs_tol=1e-12)
    # I3 = I(A:B) + I(A:C) - I(A:BC)
    ref2 = cut_mutual_information(net, a, b) + cut_mutual_information(net, a, c) - cut_mutual_information(net, a, b + c)
    assert math.isclose(i3, ref2, abs_tol=1e-12)


@pytest.mark.parametrize(
    "make",
    [
        lambda s: tnrbm.models.local_chain(16, radius=1, seed=s),
        lambda s: tnrbm.models.local_chain(16, radius=2, periodic=False, seed=s),
        lambda s: tnrbm.models.hierarchical(32, seed=s),
        lambda s: tnrbm.models.hierarchical(32, periodic=False, seed=s),
    ],
    ids=["chain-r1", "open-chain-r2", "hierarchical", "open-hierarchical"],
)
def test_cut_mmi_on_geometric_networks(make):
    """MMI of cut entropies on local chains and hierarchical networks, random (non-contiguous) regions.

    An empirical check, not a theorem: vertex cuts are hypergraph cuts and violate MMI on some random
    networks (see test_hyperedge_violates_mmi); on these geometric families none of 300 random
    tripartitions per family measured here violated it.
    """
    rng = np.random.default_rng(7)
    checked = 0
    for seed in range(60):
        net = make(seed)
        n = net.n_visible
        labels = rng.integers(0, 4, n)
        regions = [[i for i in range(n) if labels[i] == k] for k in range(3)]
        if any(not r for r in regions):
            continue
        assert cut_tripartite_information(net, *regions) <= 1e-12
        checked += 1
    assert checked >= 50


def test_hyperedge_violates_mmi():
    """Vertex cuts are hypergraph cuts: a unit with more than two neighbours is cut in one piece.

    One hidden unit on four spins: each single spin, each pair and the triple ABC are cut off by the
    hidden unit alone, so m_A = m_AB = m_ABC = 1 and I3_cut = (3 - 3 + 1) ln 2 > 0. The same happens with
    a visible hub: spin 3 joined to spins 0, 1, 2 by one two-legged hidden unit each.
    """
    star = tnrbm.RBM(np.ones((4, 1)) * 0.3)
    assert math.isclose(cut_tripartite_information(star, [0], [1], [2]), LN2)
    assert math.isclose(cut_tripartite_information(star, [0], [1], [2], base=2), 1.0)
    hub = np.zeros((4, 3))
    for j in range(3):
        hub[j, j] = hub[3, j] = 0.4
    assert math.isclose(cut_tripartite_information(tnrbm.RBM(hub), [0], [1], [2], base=2), 1.0)


def test_chain_mutual_information():
    chain = tnrbm.models.local_chain(24, radius=1, seed=0)
    # adjacent blocks of 6: 4 + 4 - 4 (AB is a block of 12); distant blocks: 4 + 4 - 8
    assert math.isclose(cut_mutual_information(chain, range(6), range(6, 12), base=2), 4.0)
    assert math.isclose(cut_mutual_information(chain, range(6), range(12, 18), base=2), 0.0)


# --------------------------------------------------------------------------- the bound S_A <= m ln 2
def brute_force_entropy(net, region) -> float:
    """S_A in nats from psi(v) = sum over every hidden configuration of exp(-E), summed explicitly."""
    n = net.n_visible
    v = 1.0 - 2.0 * np.array(list(itertools.product([0, 1], repeat=n)), dtype=float)
    hidden = net.hidden_values
    m = net.n_hidden
    h_all = np.array(list(itertools.product([0, 1], repeat=m)), dtype=int).reshape(-1, m)
    h_all = hidden[h_all] if m else np.zeros((1, 0))
    layers = [v] + [
        h_all[:, net.hidden_offset(k) : net.hidden_offset(k) + net.layer_sizes[k]] for k in range(1, net.n_layers + 1)
    ]
    dense = [mat.toarray() for mat in net.couplings]
    # log-weight[v, h] = a.v + sum_l b_l.h_l + v W1 h1 + sum_l h_l W_{l+1} h_{l+1}
    logw = (v @ net.biases[0])[:, None] + sum(layers[k] @ net.biases[k] for k in range(1, net.n_layers + 1))[None, :]
    logw = logw + (v @ dense[0]) @ layers[1].T
    for k in range(1, net.n_layers):
        logw = logw + np.sum((layers[k] @ dense[k]) * layers[k + 1], axis=1)[None, :]
    logw = logw - logw.real.max()
    psi = np.exp(logw).sum(axis=1)
    psi = psi / np.linalg.norm(psi)
    rest = [i for i in range(n) if i not in set(region)]
    mat = psi.reshape((2,) * n).transpose(list(region) + rest).reshape(2 ** len(region), -1)
    p = np.linalg.svd(mat, compute_uv=False) ** 2
    p = p[p > 0]
    return float(-np.sum(p * np.log(p)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 2**31 - 1),
    st.sampled_from(["rbm", "dbm", "chain", "hierarchical"]),
    st.booleans(),
    st.data(),
)
def test_entropy_below_cut_bound(seed, kind, complex_, data):
    rng = np.random.default_rng(seed)
    if kind == "rbm":
        n = int(rng.integers(2, 11))
        net = tnrbm.models.random_rbm(n, int(rng.integers(1, 8)), scale=1.0, complex=complex_, density=0.5, seed=seed)
    elif kind == "dbm":
        n = int(rng.integers(2, 9))
        sizes = [n, int(rng.integers(1, 5)), int(rng.integers(1, 3))]
        net = tnrbm.models.random_dbm(sizes, scale=1.0, complex=complex_, density=0.6, seed=seed)
    elif kind == "chain":
        n = int(rng.integers(5, 13))
        net = tnrbm.models.local_chain(n, radius=int(rng.integers(0, 3)), scale=1.5, complex=complex_, seed=seed)
    else:
        n = int(rng.integers(4, 9))
        net = tnrbm.models.hierarchical(n, scale=1.5, complex=complex_, seed=seed)
    region = sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n - 1)))
    s = brute_force_entropy(net, region)
    assert s <= min_cut(net, region).bound + 1e-12
    if isinstance(net, tnrbm.RBM):  # the package's dense path agrees with the brute force
        assert math.isclose(tnrbm.entanglement(net, region, method="dense").entropy, s, abs_tol=1e-9)


# ------------------------------------------------------------------------------------------------ errors
def test_bad_input_errors():
    net = tnrbm.models.random_rbm(4, 2, seed=0)
    assert min_cut(net, []).size == 0  # legal since issue 19: nothing to separate (S = 0 for a pure state)
    with pytest.raises(InvalidRegionError, match="region"):
        min_cut(net, "0,,1")
    with pytest.raises(InvalidRegionError, match=r"\[0, 4\)"):
        min_cut(net, [7])
    with pytest.raises(InvalidParameterError, match="flow must be one of"):
        min_cut(net, [0], flow="magic")
    with pytest.raises(InvalidParameterError, match="network must be"):
        min_cut(np.ones((2, 2)), [0])
    with pytest.raises(InvalidRegionError, match="disjoint"):
        cut_mutual_information(net, [0, 1], [1, 2])
    with pytest.raises(InvalidParameterError, match="base"):
        cut_mutual_information(net, [0], [1], base=1)
    with pytest.raises(InvalidParameterError, match="network must be"):
        bulk_graph("not a network")


def test_cut_is_frozen():
    cut = min_cut(tnrbm.models.local_chain(6, seed=0), [0, 1])
    assert isinstance(cut, Cut)
    with pytest.raises(AttributeError):
        cut.size = 3  # type: ignore[misc]
    assert cut.schmidt_rank_bound == 2**cut.size
    assert "Cut(size=" in repr(cut)


# pictures (draw_bulk, cut_scaling): tests/test_plot_bulk.py
