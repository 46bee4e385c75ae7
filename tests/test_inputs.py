"""Inputs that escaped as raw Python/numpy errors or were accepted by truthiness (issue 17, item 6).

Each reproduction of the issue is a test here: a geometry that contains itself (was RecursionError),
``ed.ground_state`` of a NaN matrix (was LinAlgError), ``bulk_graph(net, legs='no')`` (was taken as
True), a dict region (was read as its keys). The accepted cases are checked against independent
references (``numpy.linalg.eigvalsh``, a dense SVD, a plain sorted set).
"""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla

import tnrbm
from tnrbm import ed, exact, models
from tnrbm.bulk import bulk_graph
from tnrbm.errors import InvalidParameterError, InvalidRegionError
from tnrbm.network.geometry import MAX_DEPTH, Geometry, check_geometry_value
from tnrbm.validation import check_region

RBM6 = models.local_chain(6, seed=0)


# --------------------------------------------------------------------------- geometry
def _self_dict():
    geo = {"kind": "chain", "n": 6}
    geo["me"] = geo
    return geo


def _self_list():
    loop: list = [1]
    loop.append(loop)
    return {"kind": "chain", "positions": loop}


def _self_through_tuple():
    inner: list = []
    outer = (inner,)
    inner.append(outer)
    return {"kind": "chain", "x": {"y": outer}}


@pytest.mark.parametrize("make", [_self_dict, _self_list, _self_through_tuple])
def test_geometry_that_contains_itself_is_refused_with_the_key_path(make):
    geo = make()
    for call in (lambda: Geometry.from_dict(geo), lambda: setattr(models.local_chain(6, seed=0), "geometry", geo)):
        with pytest.raises(InvalidParameterError, match=r"geometry.*contain itself.*geometry\["):
            call()


def test_geometry_cycle_message_names_where_it_closes():
    with pytest.raises(InvalidParameterError) as info:
        Geometry.from_dict(_self_dict())
    assert "geometry['me'] is geometry again" in str(info.value)
    with pytest.raises(InvalidParameterError) as info:
        Geometry.from_dict(_self_list())
    assert "geometry['positions'][1] is geometry['positions'] again" in str(info.value)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 10_000, 10**5])
def test_very_deep_geometry_is_refused_fast(depth):
    nested: object = 0
    for _ in range(depth):
        nested = [nested]
    t0 = time.perf_counter()
    with pytest.raises(InvalidParameterError, match=f"deeper than {MAX_DEPTH}"):
        Geometry("chain", positions=nested)
    assert time.perf_counter() - t0 < 1.0


def test_geometry_at_the_depth_limit_and_shared_values_are_kept(tmp_path):
    nested: object = 0
    for _ in range(MAX_DEPTH - 1):  # the dict itself is level 0, positions level 1
        nested = [nested]
    shared = [1, 2]
    geo = Geometry("chain", positions=nested, a=shared, b={"c": shared, "d": (shared, shared)})
    probe = geo["positions"]
    for _ in range(MAX_DEPTH - 1):
        probe = probe[0]
    assert probe == 0
    assert geo["a"] == [1, 2] and geo["b"]["d"] == ([1, 2], [1, 2])  # one list twice is no cycle
    rbm = models.local_chain(6, seed=0)
    rbm.geometry = geo
    tnrbm.save(tmp_path / "m.npz", rbm)
    assert tnrbm.load(tmp_path / "m.npz").geometry["b"]["d"] == ([1, 2], [1, 2])


def test_geometry_json_flag_is_a_bool():
    with pytest.raises(InvalidParameterError, match="json"):
        check_geometry_value({"kind": "chain"}, json="no")


# --------------------------------------------------------------------------- ed.ground_state: finite, Hermitian
def _operator(matrix):
    """A matrix-free view (sparse products inside: no threaded BLAS, which crawls on a busy machine)."""
    return spla.aslinearoperator(sp.csr_array(matrix))


def _nan(dim):
    h = np.diag(np.arange(dim, dtype=float))
    h[1, 1] = np.nan
    return h


def _inf(dim):
    h = np.diag(np.arange(dim, dtype=float))
    h[0, dim - 1] = h[dim - 1, 0] = np.inf
    return h


@pytest.mark.parametrize("dim", [4, 512])  # the dense path (was LinAlgError) and the Lanczos path
@pytest.mark.parametrize("bad", [_nan, _inf])
@pytest.mark.parametrize("wrap", [np.asarray, sp.csr_array, _operator])
def test_ground_state_of_a_non_finite_matrix_is_refused(dim, bad, wrap):
    with pytest.raises(InvalidParameterError, match=r"H \(the Hamiltonian\) must be finite"):
        ed.ground_state(wrap(bad(dim)))


@pytest.mark.parametrize("dim", [4, 512])
@pytest.mark.parametrize("wrap", [np.asarray, sp.csr_array, _operator])
def test_ground_state_of_a_non_hermitian_matrix_is_refused(dim, wrap):
    rng = np.random.default_rng(1)
    a = rng.normal(size=(dim, dim))
    with pytest.raises(InvalidParameterError, match="H must be Hermitian"):
        ed.ground_state(wrap(a))
    sym = a + a.T
    sym[0, 1] += 1e-3  # one entry off
    with pytest.raises(InvalidParameterError, match="H must be Hermitian"):
        ed.ground_state(wrap(sym))
    c = a + 1j * rng.normal(size=(dim, dim))
    with pytest.raises(InvalidParameterError, match="H must be Hermitian"):
        ed.ground_state(wrap(c + c.T))  # complex symmetric, not Hermitian


@pytest.mark.parametrize("dim", [8, 256])  # dense eigh, Lanczos (dense_below=256)
@pytest.mark.parametrize("wrap", [np.asarray, sp.csr_array, _operator])
def test_hermitian_matrices_are_accepted_and_match_eigvalsh(dim, wrap):
    rng = np.random.default_rng(2)
    a = rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim))
    h = np.diag(np.arange(dim, dtype=float)) + (a + a.conj().T) / (4 * dim**0.5)  # gapped: Lanczos is quick
    res = ed.ground_state(wrap(h), k=2)
    assert res.method == ("dense" if dim < 256 else "lanczos")
    assert np.allclose(res.energies, np.linalg.eigvalsh(h)[:2], atol=1e-9)


@pytest.mark.parametrize(
    "bad",
    [np.zeros((0, 0)), np.zeros((1, 1)), np.ones((3, 3)), np.ones((4, 2)), np.ones(4), np.ones((2, 2, 2)),
     np.ones((4, 4), dtype=bool), np.array([["a", "b"], ["c", "d"]]), [[1, 2], [3]], "H", None],
)  # fmt: skip
def test_ground_state_of_a_non_square_or_empty_matrix_names_h(bad):
    with pytest.raises(InvalidParameterError, match="H must"):
        ed.ground_state(bad)


def test_expectation_of_a_nan_operator_is_refused():
    op = np.diag([1.0, np.nan, 0.0, 0.0])
    with pytest.raises(InvalidParameterError, match="operator must be finite"):
        ed.expectation(np.ones(4), op)


# --------------------------------------------------------------------------- strict bools
FLAGS = [
    ("legs", lambda v: bulk_graph(RBM6, legs=v)),
    ("normalize", lambda v: RBM6.to_dense(normalize=v)),
    ("normalize", lambda v: tnrbm.tn.contract_dense(RBM6, normalize=v)),
    ("normalize", lambda v: tnrbm.tn.exact_mps(RBM6, normalize=v)),
    ("overwrite", lambda v: tnrbm.tn.mps.profile_spectra([np.ones((1, 2, 1)) / 2**0.5], overwrite=v)),
    ("sum_out", lambda v: tnrbm.network.TermBuilder(RBM6).terms(RBM6.units(), range(3), sum_out=v)),
    ("periodic", lambda v: exact.tfim_entropy(6, [0, 1], periodic=v)),
    ("periodic", lambda v: exact.tfim_majorana_hamiltonian(4, periodic=v)),
    ("periodic", lambda v: exact.dimerized_hopping(4, 0.5, periodic=v)),
    ("periodic", lambda v: ed.tfim(4, periodic=v)),
    ("periodic", lambda v: tnrbm.network.Geometry.chain(4, periodic=v)),
]


@pytest.mark.parametrize("name,call", FLAGS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(FLAGS)])
@pytest.mark.parametrize("value", ["no", "False", None, 0, 1, 1.0, [], [True], np.array([True])])
def test_flags_are_not_taken_by_truthiness(name, call, value):
    with pytest.raises(InvalidParameterError, match=rf"{name}('\])? must be True or False"):
        call(value)


@pytest.mark.parametrize("name,call", FLAGS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(FLAGS)])
def test_flags_take_python_and_numpy_bools(name, call):
    for value in (True, False, np.True_, np.False_):
        call(value)


def test_bulk_graph_legs_numpy_bool_is_the_bool():
    """legs=np.True_ adds one leg node per visible unit (6 units + 6 hidden + 6 legs), as legs=True."""
    assert bulk_graph(RBM6, legs=np.True_).number_of_nodes() == RBM6.n_visible + RBM6.n_hidden + RBM6.n_visible
    assert bulk_graph(RBM6, legs=np.False_).number_of_nodes() == RBM6.n_visible + RBM6.n_hidden


# --------------------------------------------------------------------------- regions
@pytest.mark.parametrize(
    "region,pattern",
    [
        ({0: "a", 1: "b"}, "got a dict"),
        ({}, "got a dict"),
        ("0:3:2", "without a step"),  # strings are the command line's syntax: steps, other digits, negative
        ("\u0663", "ASCII digits"),  # indices and empty items are refused
        ("0,\uff18", "U\\+FF18"),
        ("-1", "negative"),
        ("0,,2", "empty item"),
        ("0:9", "reaches index 8"),
        ("0,0:2", "repeats"),
        (b"\x00\x01", "got bytes"),
        (2, "single int"),
        (np.int64(2), "single int64"),
        (2.0, "single float"),
        (np.array(2), "single ndarray"),
        (None, "single NoneType"),
        (np.array([0.0, 1.0]), "dtype float64"),
        (np.array([True, False]), "dtype bool"),
        ([0.0, 1.0], r"integer visible indices .*not float"),
        ([1.5], r"integer visible indices .*not float"),
        ({0.5, 1.5}, r"integer visible indices .*not float"),
        ({"a", "b"}, r"integer visible indices .*not str"),
        ([True, False], r"integer visible indices .*not bool"),
        ([np.True_], r"integer visible indices .*not bool"),
        ([[0, 1]], r"integer visible indices .*not list"),
        ([0, 1j], r"integer visible indices .*not complex"),
        ([0, 6], r"\[0, 6\)"),
        ([-1], r"\[0, 6\)"),
        ([0, 0], "repeat"),
        (itertools.count(), r"\[0, 6\)"),  # endless: stops after n + 1 items
        (itertools.repeat(3), "repeat"),
    ],
)
def test_bad_regions_name_the_region_and_the_allowed_forms(region, pattern):
    for call in (
        lambda: check_region(region, 6),
        lambda: tnrbm.min_cut(RBM6, region),
        lambda: tnrbm.entanglement(RBM6, region),
    ):
        t0 = time.perf_counter()
        with pytest.raises(InvalidRegionError, match=pattern) as info:
            call()
        assert str(info.value).startswith("region")
        assert time.perf_counter() - t0 < 2.0


def test_region_message_is_shortened_and_lists_the_forms():
    with pytest.raises(InvalidRegionError) as info:
        check_region({i: i for i in range(10**5)}, 6)
    text = str(info.value)
    assert len(text) < 400 and "..." in text
    assert "a list, tuple, range, set or integer numpy array" in text and "parse_region" in text


@pytest.mark.parametrize(
    "region", [[2, 0], (0, 2), {2, 0}, frozenset({0, 2}), range(0, 3, 2), np.array([2, 0]),
               np.array([[0], [2]], dtype=np.uint8), [np.int64(2), np.uint8(0)], np.array([0, 2], dtype=object),
               "0,2", " 2 , 0 ", np.str_("2,0")],
)  # fmt: skip
def test_good_regions_of_every_type_agree_with_the_svd(region):
    assert check_region(region, 6) == (0, 2)
    res = tnrbm.entanglement(RBM6, region, method="dense")
    psi = RBM6.to_dense().reshape((2,) * 6).transpose(0, 2, 1, 3, 4, 5).reshape(4, 16)
    s = np.linalg.svd(psi, compute_uv=False) ** 2
    s = s[s > 1e-15]
    assert res.entropy == pytest.approx(float(-np.sum(s * np.log(s))), abs=1e-12)


def test_an_iterator_region_is_read_once():
    assert tnrbm.entanglement(RBM6, iter([2, 0])).region == (0, 2)
    assert tnrbm.min_cut(RBM6, (i for i in (2, 0))).size == tnrbm.min_cut(RBM6, [0, 2]).size


def test_exact_regions_no_longer_truncate_floats():
    """exact.free_fermion_entropy read [0, 1.5] as [0, 1] (int() truncation)."""
    c = exact.hopping_ground_correlation(exact.dimerized_hopping(8, 0.3))
    with pytest.raises(InvalidRegionError, match="site"):
        exact.free_fermion_entropy(c, [0, 1.5], kind="correlation")
    with pytest.raises(InvalidRegionError, match="dict"):
        exact.free_fermion_entropy(c, {0: 1, 1: 1}, kind="correlation")
    assert exact.free_fermion_entropy(c, {1, 0}, kind="correlation") == exact.free_fermion_entropy(
        c, [0, 1], kind="correlation"
    )


def test_entropy_flags_and_region_lists_are_strict():
    """The entropy flags are refused by type, not truthiness; a dict or string of regions is refused (it was
    read as its keys or characters)."""
    import numpy as np

    from tnrbm.entropy import entanglement_many, register_method, spectrum_from_grams
    from tnrbm.entropy.grams import purity_from_grams
    from tnrbm.errors import InvalidParameterError

    chain = tnrbm.models.local_chain(8, radius=1, seed=0)
    for bad in ({(0, 1): 1}, "0123", 3):
        with pytest.raises(InvalidParameterError, match="regions"):
            entanglement_many(chain, bad)
    with pytest.raises(InvalidParameterError, match="auto"):
        register_method("strict-flag-toy", lambda problem: None, auto="no")
    eye = np.eye(2)
    for fn in (spectrum_from_grams, purity_from_grams):
        with pytest.raises(InvalidParameterError, match="overwrite"):
            fn(eye, eye, overwrite="yes")
