"""tnrbm.entropy.grams against the SVD of the state X Y^T itself (numpy, written here)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tnrbm.entropy.grams import purity_from_grams, spectrum_from_grams


def _factors(rng, n_a, n_b, m, rank, complex_, diagonal):
    """X[v_A, c] (2**m columns, of rank ``rank``; orthogonal unit columns scaled when ``diagonal``) and Y."""
    dt = complex if complex_ else float

    def draw(rows, cols):
        z = rng.normal(size=(rows, cols))
        return z + 1j * rng.normal(size=(rows, cols)) if complex_ else z

    c = 2**m
    if diagonal:  # G_A diagonal: rows of a permutation times weights, some columns zero
        x = np.zeros((n_a, c), dtype=dt)
        cols = rng.permutation(c)[:rank]
        x[rng.permutation(n_a)[:rank], cols] = rng.uniform(0.5, 2.0, size=rank)
    else:
        x = draw(n_a, rank) @ draw(rank, c)
    return x, draw(n_b, c)


def _svd_probabilities(x, y):
    s = np.linalg.svd(x @ y.T, compute_uv=False) ** 2
    return s / s.sum()


@settings(max_examples=60, deadline=None)
@given(
    m=st.integers(1, 5),
    rank_frac=st.floats(0.2, 1.0),
    complex_=st.booleans(),
    diagonal=st.booleans(),
    swap=st.booleans(),
    seed=st.integers(0, 2**31),
)
def test_spectrum_matches_svd(m, rank_frac, complex_, diagonal, swap, seed):
    """Every root route (diagonal, full-rank Cholesky + congruence, rank-deficient Cholesky), real and
    complex, either side diagonal: the spectrum is the squared singular values of X Y^T."""
    rng = np.random.default_rng(seed)
    c = 2**m
    rank = max(1, int(round(rank_frac * c)))
    x, y = _factors(rng, c + 3, c + 2, m, rank, complex_, diagonal)
    if swap:
        x, y = y, x
    ga, gb = x.conj().T @ x, y.conj().T @ y
    copies = ga.copy(), gb.copy()
    p, clipped = spectrum_from_grams(ga, gb)
    assert np.array_equal(ga, copies[0]) and np.array_equal(gb, copies[1])  # overwrite=False keeps them
    ref = _svd_probabilities(x, y)
    k = min(p.size, ref.size)
    assert np.allclose(p[:k], ref[:k], atol=1e-12)
    assert np.all(p[k:] < 1e-12) and np.all(ref[k:] < 1e-12)
    assert clipped < 1e-12
    p2, _ = spectrum_from_grams(ga, gb, overwrite=True)  # the same spectrum when working in place
    assert np.allclose(p2[:k], ref[:k], atol=1e-12)


@pytest.mark.parametrize("complex_", [False, True])
@pytest.mark.parametrize("diagonal", [False, True])
def test_purity_matches_svd(complex_, diagonal):
    rng = np.random.default_rng(3)
    for m in (1, 3, 5):
        x, y = _factors(rng, 2**m + 1, 2**m + 4, m, 2**m - (m > 1), complex_, diagonal)
        ref = float(np.sum(_svd_probabilities(x, y) ** 2))
        assert purity_from_grams(x.conj().T @ x, y.conj().T @ y) == pytest.approx(ref, rel=1e-12)


def test_full_rank_cholesky_route_against_svd_at_m_8():
    """A 256 x 256 full-rank, non-diagonal G_A: the pivoted Cholesky + ?sygst route."""
    rng = np.random.default_rng(7)
    for complex_ in (False, True):
        x, y = _factors(rng, 300, 280, 8, 256, complex_, diagonal=False)
        p, _ = spectrum_from_grams(x.conj().T @ x, y.conj().T @ y)
        assert np.allclose(p, _svd_probabilities(x, y)[:256], atol=1e-13)


def test_zero_state_is_refused():
    with pytest.raises(FloatingPointError, match="zero state"):
        spectrum_from_grams(np.zeros((2, 2)), np.eye(2))
    with pytest.raises(FloatingPointError, match="zero state"):
        purity_from_grams(np.zeros((2, 2)), np.eye(2))


def test_overwrite_with_one_array_given_twice():
    """overwrite=True with G_A and G_B the same array (the pivoted Cholesky would destroy G_B): copies."""
    rng = np.random.default_rng(11)
    x = rng.normal(size=(20, 16))
    g = x.T @ x
    ref = _svd_probabilities(x, x)[:16]
    p, _ = spectrum_from_grams(g, g, overwrite=True)
    assert np.allclose(p, ref, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    m=st.integers(1, 5),
    rank_frac=st.floats(0.2, 1.0),
    complex_=st.booleans(),
    diagonal=st.booleans(),
    fortran=st.booleans(),
    seed=st.integers(0, 2**31),
)
def test_block_wise_in_place_routes_match_svd(m, rank_frac, complex_, diagonal, fortran, seed):
    """The in-place permutation, scaling, conjugation and block-wise traces with blocks of a few entries
    (every block boundary crossed), on C- and Fortran-ordered Grams: the SVD's spectrum and purity."""
    from tnrbm.entropy import grams

    rng = np.random.default_rng(seed)
    rank = max(1, int(round(rank_frac * 2**m)))
    x, y = _factors(rng, 2**m + 3, 2**m + 2, m, rank, complex_, diagonal)
    order = np.asfortranarray if fortran else np.ascontiguousarray
    ref = _svd_probabilities(x, y)
    old = grams._BLOCK_ENTRIES
    grams._BLOCK_ENTRIES = 5
    try:
        p, _ = spectrum_from_grams(order(x.conj().T @ x), order(y.conj().T @ y), overwrite=True)
        value = purity_from_grams(order(x.conj().T @ x), order(y.conj().T @ y), overwrite=True)
    finally:
        grams._BLOCK_ENTRIES = old
    k = min(p.size, ref.size)
    assert np.allclose(p[:k], ref[:k], atol=1e-12)
    assert np.all(p[k:] < 1e-12) and np.all(ref[k:] < 1e-12)
    assert value == pytest.approx(float(np.sum(ref**2)), rel=1e-11)


@pytest.mark.parametrize("complex_", [False, True])
@pytest.mark.parametrize("rank", [512, 300])
def test_in_place_routes_allocate_at_most_one_more_gram(complex_, rank, monkeypatch):
    """Measured by tracemalloc (numpy reports its buffers to it): with overwrite=True the spectrum adds
    less than a quarter of one 512 x 512 Gram to the two it is given (full rank: the ?hegst route;
    rank 300: the ?trmm route), the purity less than one Gram and a quarter (their product). The row
    blocks are set to 1/16 of a Gram (by default they are 2**18 entries, a whole Gram at this size)."""
    import tracemalloc

    from tnrbm.entropy import grams

    monkeypatch.setattr(grams, "_BLOCK_ENTRIES", 2**14)
    rng = np.random.default_rng(5)
    x, y = _factors(rng, 600, 600, 9, rank, complex_, diagonal=False)
    gram = (16 if complex_ else 8) * 512**2
    ref = _svd_probabilities(x, y)
    for fn, allowed in ((spectrum_from_grams, 0.25 * gram), (purity_from_grams, 1.25 * gram)):
        ga, gb = x.conj().T @ x, y.conj().T @ y
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        out = fn(ga, gb, overwrite=True)
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        assert peak < allowed, (fn.__name__, peak / gram)
        if fn is spectrum_from_grams:
            assert np.allclose(out[0][:rank], ref[:rank], atol=1e-12)
        else:
            assert out == pytest.approx(float(np.sum(ref**2)), rel=1e-11)


@pytest.mark.parametrize("which", [0, 1])
def test_one_real_and_one_complex_gram(which):
    """A Gram whose imaginary part is zero beside a complex one (a real side of a complex network): both
    are treated as complex, and the spectrum and purity are those of the SVD (read as real, the complex
    one lost its imaginary part)."""
    rng = np.random.default_rng(13)
    x = rng.normal(size=(40, 16))
    y = rng.normal(size=(40, 16)) + 1j * rng.normal(size=(40, 16))
    ref = _svd_probabilities(x, y) if which == 0 else _svd_probabilities(y, x)
    ga, gb = (x.T @ x).astype(complex), y.conj().T @ y
    if which:
        ga, gb = gb, ga
    for overwrite in (False, True):
        p, _ = spectrum_from_grams(ga.copy(), gb.copy(), overwrite=overwrite)
        assert np.allclose(p, ref[:16], atol=1e-12)
        value = purity_from_grams(ga.copy(), gb.copy(), overwrite=overwrite)
        assert value == pytest.approx(float(np.sum(ref**2)), rel=1e-12)
