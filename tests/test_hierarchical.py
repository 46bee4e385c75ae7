"""Hierarchical RG/AdS networks: structure, the mass-to-depth rule, and the log-law of their minimal cuts."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from networkx.algorithms.connectivity import local_node_connectivity
from scipy.linalg import eigh_tridiagonal

import tnrbm
from tnrbm.bulk import bulk_graph, min_cut
from tnrbm.errors import InvalidParameterError
from tnrbm.models.hierarchy import correlation_length, hierarchical, hierarchical_layer_sizes, ir_depth


# ------------------------------------------------------------------------------------------ structure
@pytest.mark.parametrize(
    "n,branching,overlap,periodic", [(16, 2, 1, True), (27, 3, 1, True), (20, 2, 2, False), (9, 2, 0, True)]
)
def test_receptive_fields(n, branching, overlap, periodic):
    net = hierarchical(n, branching=branching, overlap=overlap, periodic=periodic, seed=1)
    sizes = [n]
    while sizes[-1] > 1:
        sizes.append(math.ceil(sizes[-1] / branching))
    assert list(net.layer_sizes) == sizes
    for layer, mat in enumerate(net.couplings):
        n_in, n_out = mat.shape
        dense = mat.toarray()
        for j in range(n_out):
            window = range(j * branching - overlap, (j + 1) * branching + overlap)
            expected = {i % n_in for i in window} if periodic else {i for i in window if 0 <= i < n_in}
            assert set(np.flatnonzero(dense[:, j])) == expected, (layer, j)
    geo = net.geometry
    assert geo["kind"] == "hierarchical" and geo["depth"] == len(sizes) - 1 and geo["layer_sizes"] == tuple(sizes)


def test_depth_and_options():
    assert hierarchical(64, depth=3, seed=0).layer_sizes == (64, 32, 16, 8)
    net = hierarchical(8, complex=True, hidden="binary", seed=0)
    assert net.is_complex and net.hidden == "binary"
    assert hierarchical_layer_sizes(1) == [1, 1]
    a, b = hierarchical(32, seed=5), hierarchical(32, seed=5)
    assert all((x != y).nnz == 0 for x, y in zip(a.couplings, b.couplings))


def test_errors():
    with pytest.raises(InvalidParameterError, match=r"\|mass\| < 1"):
        correlation_length(1.0)
    with pytest.raises(InvalidParameterError, match="mass"):
        correlation_length("big")
    with pytest.raises(InvalidParameterError, match="depth or mass"):
        hierarchical(16, depth=2, mass=0.1)
    with pytest.raises(InvalidParameterError, match="depth must be at most 4"):
        hierarchical(16, depth=5)
    with pytest.raises(InvalidParameterError, match="branching"):
        hierarchical(16, branching=1)
    with pytest.raises(InvalidParameterError, match="overlap"):
        hierarchical(16, overlap=-1)


# ---------------------------------------------------------------------------------- correlation length
def test_correlation_length_formula():
    for m in (0.01, 0.2, -0.5, 0.9):
        xi = correlation_length(m)
        assert math.isclose(1 / xi, 0.5 * math.log((1 + abs(m)) / (1 - abs(m))), rel_tol=1e-13)
    assert correlation_length(0) == math.inf


@pytest.mark.parametrize("mass", [0.1, 0.3, 0.5])
def test_correlation_length_is_that_of_the_dimerized_chain(mass):
    """Free fermions, t_j = 1 + (-1)^j m at half filling: |<c_i^+ c_{i+r}>| ~ r^p exp(-r / xi)."""
    n_sites = 800
    hop = 1 + (-1) ** np.arange(n_sites - 1) * mass
    _, vecs = eigh_tridiagonal(np.zeros(n_sites), -hop)
    corr = vecs[:, : n_sites // 2] @ vecs[:, : n_sites // 2].T
    start = n_sites // 2 - 150
    r = np.arange(21, 241, 2)
    c = np.abs(corr[start, start + r])
    keep = c > 1e-11
    design = np.stack([np.ones(keep.sum()), np.log(r[keep]), r[keep]], axis=1)
    coef = np.linalg.lstsq(design, np.log(c[keep]), rcond=None)[0]
    assert math.isclose(-1 / coef[2], correlation_length(mass), rel_tol=1e-2)


def test_mass_sets_depth():
    for mass, n in [(0.3, 4096), (0.1, 4096), (0.03, 4096), (0.001, 64), (0.99, 64)]:
        xi = correlation_length(mass)
        expected = min(max(math.ceil(math.log2(xi)), 1), int(math.log2(n)))
        net = hierarchical(n, mass=mass, seed=0)
        assert net.geometry["depth"] == expected == ir_depth(mass, n)
        assert net.n_layers == expected and net.geometry["xi"] == xi
    assert hierarchical(64, mass=0.0, seed=0).n_layers == 6


# ----------------------------------------------------------------------------------------- cut scaling
def _node_connectivity_cut(net, region) -> int:
    """The minimum vertex cut from networkx's own node-connectivity code (a second algorithm)."""
    g = bulk_graph(net, legs=True)
    g.add_edges_from(("A", ("leg", i)) for i in region)
    g.add_edges_from((("leg", i), "B") for i in range(net.n_visible) if i not in set(region))
    return local_node_connectivity(g, "A", "B")


def test_hierarchical_cut_agrees_with_node_connectivity():
    net = hierarchical(128, seed=0)
    rng = np.random.default_rng(0)
    regions = [list(range(2**k)) for k in range(7)] + [sorted(rng.choice(128, 20, replace=False)) for _ in range(3)]
    regions += [list(range(5, 5 + 37))]
    for region in regions:
        assert min_cut(net, region).size == _node_connectivity_cut(net, region)


@pytest.mark.parametrize("n", [256, 1024, 4096])
def test_hierarchical_cut_grows_like_log(n):
    """Aligned blocks |A| = 2^k of a periodic binary RG network with overlap 1: m = 2k (k >= 1).

    Each RG layer below the block's top adds one cut unit at each of the two edges of the region
    (the units whose overlapping receptive field straddles the edge); fitted slope of m against
    log2 |A| is 2.
    """
    net = hierarchical(n, seed=0)
    ks = np.arange(1, int(math.log2(n)))
    ms = np.array([min_cut(net, range(2**k)).size for k in ks])
    assert np.array_equal(ms, 2 * ks)
    slope = np.polyfit(ks, ms, 1)[0]
    assert math.isclose(slope, 2.0, abs_tol=1e-9)
    # an unaligned block grows with the same slope
    shifted = np.array([min_cut(net, range(7, 7 + 2**k)).size for k in ks])
    assert np.all(np.diff(shifted[1:]) == 2)
    # and the cut is symmetric
    assert min_cut(net, range(2 ** ks[-1], n)).size == ms[-1]


def test_tree_cut_does_not_grow():
    """overlap = 0: the network is a tree and an aligned block is cut off by its single root."""
    net = hierarchical(256, overlap=0, seed=0)
    assert [min_cut(net, range(2**k)).size for k in range(8)] == [1] * 8


@pytest.mark.parametrize("mass", [0.3, 0.2, 0.1, 0.05, 0.03])
def test_mass_saturates_cut(mass):
    """With a mass the network ends at z_IR = ceil(log2 xi) and cuts stop growing near 2 z_IR.

    Prediction: two edges, one cut unit per edge per RG layer, z_IR layers: m -> 2 z_IR for |A| >> xi.
    Measured: aligned blocks follow m = 2k up to k = z_IR and are constant from k = z_IR + 1 on, at
    2 z_IR or 2 z_IR + 2 (the edges' alignment with the top blocks adds up to one unit each: odd z_IR
    gives 2 z_IR + 2 for blocks starting at 0); over region offsets the saturated cut is 2 z_IR at least
    and exactly 2 z_IR for some offsets.
    """
    net = hierarchical(4096, mass=mass, seed=0)
    z_ir = math.ceil(math.log2(correlation_length(mass)))
    assert net.n_layers == z_ir
    ms = {k: min_cut(net, range(2**k)).size for k in range(1, 12)}
    assert all(ms[k] == 2 * k for k in range(1, z_ir + 1))
    saturated = {ms[k] for k in range(z_ir + 1, 12)}
    assert len(saturated) == 1 and saturated.pop() in (2 * z_ir, 2 * z_ir + 2)
    offsets = [min_cut(net, range(s, s + 2048)).size for s in range(0, 16)]
    assert min(offsets) == 2 * z_ir and max(offsets) <= 2 * z_ir + 2


def test_models_exports():
    assert tnrbm.models.hierarchical is hierarchical
    assert tnrbm.models.correlation_length is correlation_length
    assert isinstance(bulk_graph(hierarchical(8, seed=0)), nx.Graph)
