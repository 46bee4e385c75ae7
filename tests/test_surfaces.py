"""Every minimal surface against brute-force enumeration of vertex subsets; the two-region transition."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st

import tnrbm
from tnrbm.bulk.surfaces import count_closed_sets, minimal_surfaces, two_region_transition
from tnrbm.errors import InvalidParameterError


def separates(adj: dict, region: set, complement: set, removed: set) -> bool:
    """Whether removing ``removed`` leaves no path from a visible unit of A to one of B (plain BFS)."""
    start = [(0, i) for i in region if (0, i) not in removed]
    seen = set(start)
    while start:
        u = start.pop()
        for v in adj[u]:
            if v not in seen and v not in removed:
                seen.add(v)
                start.append(v)
    return not any((0, i) in seen for i in complement)


def brute_force_cuts(net, region) -> tuple[int, set, list]:
    """``(m, {surfaces}, [wedges])`` by trying every subset of units, smallest first."""
    adj = {u: set() for u in net.units()}
    for u, v, _ in net.edges():
        adj[u].add(v)
        adj[v].add(u)
    region = set(region)
    complement = set(range(net.n_visible)) - region
    units = net.units()
    for m in range(len(units) + 1):
        found = {frozenset(s) for s in itertools.combinations(units, m) if separates(adj, region, complement, set(s))}
        if found:
            wedges = []
            for s in found:
                reach = [(0, i) for i in region if (0, i) not in s]
                seen = set(reach)
                while reach:
                    for v in adj[reach.pop()]:
                        if v not in seen and v not in s:
                            seen.add(v)
                            reach.append(v)
                wedges.append(frozenset(seen))
            return m, found, wedges
    raise AssertionError


@st.composite
def small_networks(draw):
    n = draw(st.integers(2, 6))
    m = draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    mask = rng.random((n, m)) < draw(st.sampled_from([0.3, 0.5, 0.8]))
    w = sp.csr_array(np.where(mask, 0.5, 0.0))
    size = draw(st.integers(1, n - 1))
    region = tuple(sorted(rng.choice(n, size=size, replace=False).tolist()))
    return tnrbm.RBM(w), region


@given(small_networks())
def test_all_minimal_cuts_match_brute_force(case):
    net, region = case
    m, found, wedges = brute_force_cuts(net, region)
    res = minimal_surfaces(net, region)
    assert res.m == m and res.complete
    assert {frozenset(s) for s in res.surfaces} == found and res.count == len(found)
    inter = frozenset.intersection(*wedges)
    union = frozenset.union(*wedges)
    assert res.wedge_intersection == inter and res.wedge_union == union
    assert {frozenset(c.surface) for c in res.cuts(net)} == found


@pytest.mark.parametrize("seed", range(6))
def test_all_minimal_cuts_of_small_dbms(seed):
    net = tnrbm.models.random_dbm([5, 3, 2], density=0.5, seed=seed)
    for region in [(0,), (0, 1), (1, 3), (0, 2, 4)]:
        m, found, wedges = brute_force_cuts(net, region)
        res = minimal_surfaces(net, region)
        assert res.m == m and {frozenset(s) for s in res.surfaces} == found and res.count == len(found)
        assert res.wedge_intersection == frozenset.intersection(*wedges)
        assert res.wedge_union == frozenset.union(*wedges)


def test_counting_beyond_the_limit_and_chains():
    # an open chain whose hidden units see 2 spins: cutting A = [0, k) anywhere on the path V_{k-1} H V_k ...
    net = tnrbm.models.local_chain(8, radius=1, periodic=False, seed=0)
    full = minimal_surfaces(net, range(4))
    m, found, _ = brute_force_cuts(net, range(4))
    assert full.count == len(found) and full.m == m
    part = minimal_surfaces(net, range(4), limit=2)
    assert not part.complete and len(part.surfaces) == 2 and part.count == len(found)
    # independent parts multiply: a periodic chain's two boundaries
    ring = tnrbm.models.local_chain(10, radius=1, periodic=True, seed=0)
    both = minimal_surfaces(ring, range(5))
    _, found, _ = brute_force_cuts(ring, range(5))
    assert both.count == len(found)


def test_count_closed_sets_against_enumeration():
    rng = np.random.default_rng(3)
    for _ in range(20):
        k = int(rng.integers(1, 9))
        rel = np.triu(rng.random((k, k)) < 0.25, 1)
        closure = rel.copy()
        for mid in range(k):  # transitive closure (Warshall)
            closure |= closure[:, [mid]] & closure[[mid], :]
        succ = [set(np.flatnonzero(closure[x]).tolist()) for x in range(k)]
        brute = sum(
            all(succ[x] <= set(t) for x in t) for r in range(k + 1) for t in itertools.combinations(range(k), r)
        )
        assert count_closed_sets(succ) == brute


def test_two_region_transition_on_hierarchical_and_lattice():
    net = tnrbm.models.hierarchical(64, seed=0)  # periodic: the largest separation of two 8-blocks is 24
    rows = two_region_transition(net, [(range(0, 8), range(8 + d, 16 + d)) for d in range(0, 25)])
    for r in rows:
        assert r["m_AB"] == tnrbm.min_cut(net, r["A"] + r["B"]).size
        assert math.isclose(r["mutual_information"], (r["m_A"] + r["m_B"] - r["m_AB"]) * math.log(2))
        assert r["connected"] == (r["mutual_information"] > 0)
    assert rows[0]["connected"] and not rows[-1]["connected"]
    lat = tnrbm.models.local_lattice((8, 4), radius=1, periodic=False, seed=0)
    pairs = [(range(0, 8), range(8 + 4 * d, 16 + 4 * d)) for d in range(0, 4)]
    flags = [r["connected"] for r in two_region_transition(lat, pairs)]
    assert flags[0] and not flags[-1]
    with pytest.raises(InvalidParameterError):
        minimal_surfaces(net, [0], limit=0)


def test_cut_transition_plot(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from plot_checks import is_png

    import tnrbm.plot

    chain = tnrbm.models.local_chain(24, radius=1, seed=0)
    rows = two_region_transition(chain, [(range(4), range(4 + d, 8 + d)) for d in range(6)])
    path = tmp_path / "transition.png"
    ax = tnrbm.plot.cut_transition(rows, path=path)
    # a radius-1 ring: the connected surface cuts the d spins of the gap and 2 + 2 outside, against 4 + 4
    assert ax.get_lines()[0].get_ydata().tolist() == [4.0, 3.0, 2.0, 1.0, 0.0, 0.0]
    assert is_png(path)
    with pytest.raises(InvalidParameterError, match="rows must be"):
        tnrbm.plot.cut_transition([])
