"""Model constructors: connectivity against independent constructions, seeds, complex flag, density."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st

import tnrbm
from tnrbm import models


def support(rbm) -> set[tuple[int, int]]:
    """The (visible, hidden) pairs with a nonzero coupling, read from the dense matrix."""
    w = rbm.W.toarray()
    return {(int(i), int(j)) for i, j in zip(*np.nonzero(w))}


def chain_distance(i: int, s: int, n: int, periodic: bool) -> int:
    d = abs(i - s)
    return min(d, n - d) if periodic else d


def expected_chain_support(n: int, alpha: int, radius: int, periodic: bool) -> set[tuple[int, int]]:
    """Hidden unit s * alpha + f couples to every spin within chain distance ``radius`` of site s."""
    return {
        (i, s * alpha + f)
        for s in range(n)
        for f in range(alpha)
        for i in range(n)
        if chain_distance(i, s, n, periodic) <= radius
    }


def expected_lattice_support(lx: int, ly: int, alpha: int, radius: int, periodic: bool) -> set[tuple[int, int]]:
    """Hidden unit at (x, y) couples to the spins of the (2r+1)^2 square around it (Chebyshev distance <= r)."""
    out = set()
    for x in range(lx):
        for y in range(ly):
            for xx in range(lx):
                for yy in range(ly):
                    if chain_distance(xx, x, lx, periodic) <= radius and chain_distance(yy, y, ly, periodic) <= radius:
                        for f in range(alpha):
                            out.add((xx * ly + yy, (x * ly + y) * alpha + f))
    return out


# --------------------------------------------------------------------------- local chains
@given(
    n=st.integers(1, 24),
    alpha=st.integers(1, 3),
    radius=st.integers(0, 4),
    periodic=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_local_chain_connectivity(n, alpha, radius, periodic, seed):
    if periodic and 2 * radius + 1 > n:
        with pytest.raises(tnrbm.errors.InvalidParameterError, match="radius"):
            models.local_chain(n, alpha=alpha, radius=radius, periodic=periodic, seed=seed)
        return
    rbm = models.local_chain(n, alpha=alpha, radius=radius, periodic=periodic, seed=seed)
    assert (rbm.n_visible, rbm.n_hidden) == (n, n * alpha)
    expected = expected_chain_support(n, alpha, radius, periodic)
    assert support(rbm) == expected
    assert rbm.n_edges == len(expected) == len(rbm.edges())
    if periodic:
        assert rbm.n_edges == n * alpha * (2 * radius + 1)
    else:  # the units within ``radius`` of an end lose the spins past it
        assert rbm.n_edges == alpha * sum(min(s + radius, n - 1) - max(s - radius, 0) + 1 for s in range(n))
    # every hidden unit sees a contiguous (cyclic) window of spins around its own site
    w = rbm.W.toarray()
    for j in range(n * alpha):
        s = j // alpha
        nbrs = set(np.nonzero(w[:, j])[0].tolist())
        assert s in nbrs
        assert all(chain_distance(i, s, n, periodic) <= radius for i in nbrs)
    assert rbm.geometry["kind"] == "chain" and rbm.geometry["n"] == n and rbm.geometry["periodic"] == periodic


def test_local_chain_documented_sizes():
    rbm = models.local_chain(10, alpha=2, radius=2, periodic=True, seed=0)
    assert rbm.n_edges == 10 * 2 * 5
    rbm = models.local_chain(10, alpha=1, radius=1, periodic=False, seed=0)
    assert rbm.n_edges == 3 * 10 - 2


# --------------------------------------------------------------------------- local lattices
@given(
    lx=st.integers(1, 6),
    ly=st.integers(1, 6),
    alpha=st.integers(1, 2),
    radius=st.integers(0, 2),
    periodic=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_local_lattice_connectivity(lx, ly, alpha, radius, periodic, seed):
    if periodic and 2 * radius + 1 > min(lx, ly):
        with pytest.raises(tnrbm.errors.InvalidParameterError, match="radius"):
            models.local_lattice((lx, ly), alpha=alpha, radius=radius, periodic=periodic, seed=seed)
        return
    rbm = models.local_lattice((lx, ly), alpha=alpha, radius=radius, periodic=periodic, seed=seed)
    assert (rbm.n_visible, rbm.n_hidden) == (lx * ly, lx * ly * alpha)
    expected = expected_lattice_support(lx, ly, alpha, radius, periodic)
    assert support(rbm) == expected
    assert rbm.n_edges == len(expected)
    if periodic:
        assert rbm.n_edges == lx * ly * alpha * (2 * radius + 1) ** 2
    assert rbm.geometry["kind"] == "lattice" and tuple(rbm.geometry["shape"]) == (lx, ly)


def test_open_lattice_corner_and_bulk_units():
    rbm = models.local_lattice((4, 5), radius=1, periodic=False, seed=0)
    w = rbm.W.toarray()
    counts = (w != 0).sum(axis=0)
    assert counts[0] == 4  # the corner (0, 0) sees a 2x2 block
    assert counts[1 * 5 + 2] == 9  # a bulk site sees the full 3x3 square
    assert counts[0 * 5 + 2] == 6  # an edge site sees 2x3


# --------------------------------------------------------------------------- random networks
def _parameters(net) -> list[np.ndarray]:
    return [m.toarray() for m in net.couplings] + list(net.biases)


@pytest.mark.parametrize(
    "make",
    [
        lambda seed: models.random_rbm(6, 4, complex=True, seed=seed),
        lambda seed: models.random_rbm(8, 5, density=0.4, seed=seed),
        lambda seed: models.random_dbm([5, 3, 2], density=0.7, seed=seed),
        lambda seed: models.local_chain(9, alpha=2, radius=1, complex=True, seed=seed),
        lambda seed: models.local_lattice((3, 4), radius=1, periodic=False, seed=seed),
    ],
)
def test_seeds_are_reproducible(make):
    a, b, c = make(123), make(123), make(124)
    for x, y in zip(_parameters(a), _parameters(b)):
        np.testing.assert_array_equal(x, y)
    assert any(not np.array_equal(x, y) for x, y in zip(_parameters(a), _parameters(c)))
    g1, g2 = make(np.random.default_rng(5)), make(np.random.default_rng(5))
    for x, y in zip(_parameters(g1), _parameters(g2)):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize(
    "make",
    [
        lambda c: models.random_rbm(6, 4, complex=c, seed=1),
        lambda c: models.random_dbm([4, 3, 2], complex=c, seed=1),
        lambda c: models.local_chain(8, complex=c, seed=1),
        lambda c: models.local_lattice((3, 3), complex=c, seed=1),
    ],
)
def test_complex_flag(make):
    real, cplx = make(False), make(True)
    assert not real.is_complex and real.dtype == np.float64
    assert cplx.is_complex and cplx.dtype == np.complex128
    for x in _parameters(cplx):
        assert np.iscomplexobj(x)
        nz = x[x != 0]
        assert np.all(nz.imag != 0)  # an independent imaginary part on every parameter
    assert real.n_edges == cplx.n_edges


def test_random_rbm_density_and_scale():
    n, m, density, scale = 300, 200, 0.3, 0.8
    rbm = models.random_rbm(n, m, density=density, scale=scale, seed=3)
    frac = rbm.n_edges / (n * m)
    sigma = np.sqrt(density * (1 - density) / (n * m))
    assert abs(frac - density) < 5 * sigma
    w = rbm.W.data
    assert w.std() == pytest.approx(scale, rel=0.02)
    assert abs(w.mean()) < 5 * scale / np.sqrt(len(w))
    full = models.random_rbm(20, 10, seed=0)
    assert full.n_edges == 200
    no_bias = models.random_rbm(5, 3, bias_scale=0.0, seed=0)
    assert not np.any(no_bias.visible_bias) and not np.any(no_bias.hidden_bias)


def test_random_dbm_layers_and_density():
    sizes, density = [60, 50, 40, 30], 0.25
    dbm = models.random_dbm(sizes, density=density, seed=2)
    assert dbm.layer_sizes == tuple(sizes) and dbm.n_layers == 3
    assert [m.shape for m in dbm.couplings] == [(60, 50), (50, 40), (40, 30)]
    pairs = sum(p * q for p, q in zip(sizes, sizes[1:]))
    sigma = np.sqrt(density * (1 - density) / pairs)
    assert abs(dbm.n_edges / pairs - density) < 5 * sigma
    # every edge joins neighbouring layers only
    assert all(v[0] == u[0] + 1 for u, v, _ in dbm.edges())


def test_random_rbm_hidden_convention_and_sparse_weights():
    rbm = models.random_rbm(6, 4, hidden="binary", density=0.5, seed=0)
    assert rbm.hidden == "binary"
    assert sp.issparse(rbm.W)
    assert rbm.n_edges == int((rbm.W.toarray() != 0).sum())
