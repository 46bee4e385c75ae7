"""The path cache reuses a tree (and its compiled contractor) only for the exact same contraction."""

import numpy as np

from tnrbm.contract import PathCache, plan_contraction


def test_transposed_terms_do_not_share_a_tree():
    # cotengra's hash_contraction sorts each term's indices, so these two contractions hash the same;
    # reusing the first tree for the second would transpose x (checked against numpy.einsum)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(2, 3)), rng.normal(size=(3, 4))
    cache = PathCache()
    sizes = {"a": 2, "b": 3, "c": 4}
    first = plan_contraction([("a", "b"), ("b", "c")], ("a", "c"), sizes, cache=cache)
    m, e = first.contract([x, y])
    assert np.allclose(m * 10**e, np.einsum("ab,bc->ac", x, y))
    second = plan_contraction([("b", "a"), ("b", "c")], ("a", "c"), sizes, cache=cache)
    m, e = second.contract([x.T, y])
    assert np.allclose(m * 10**e, np.einsum("ba,bc->ac", x.T, y))
    third = plan_contraction([("a", "b"), ("b", "c")], ("c", "a"), sizes, cache=cache)
    m, e = third.contract([x, y])
    assert np.allclose(m * 10**e, np.einsum("ab,bc->ca", x, y))
    assert len(cache) == 3 and cache.misses == 3
    again = plan_contraction([("a", "b"), ("b", "c")], ("a", "c"), sizes, cache=cache)
    assert cache.hits == 1 and again.extra["path"].endswith("(cached)")
