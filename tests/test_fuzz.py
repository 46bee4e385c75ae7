"""Fuzzing the public Python API: every argument, garbage of every kind (issues 12 and 13).

The property of every case: the call either returns a correct result or raises an exception from
:mod:`tnrbm.errors` whose message names the argument -- never a raw numpy/scipy/Python exception (a
``TypeError`` for an unknown keyword argument is the one allowed), never silence (a value outside the
argument's domain must not be accepted), never more than a couple of seconds.

Each case is a public function with a small, valid baseline call; hypothesis replaces one argument
by a drawn value. The domain predicates below are written independently of the package (plain
``isinstance`` and range tests): a value in the domain may be accepted or refused (a memory limit,
a size the function cannot handle), a value outside must be refused. Results that are accepted are
checked against a brute-force reference where one is cheap (entropies by dense SVD, amplitudes by
enumeration in ``conftest``). Followed by the regression tests of every class issue 13 found.
"""

from __future__ import annotations

import math
import numbers
import re
import time  # time.thread_time: the CPU time of the calling thread (not the wall clock of a loaded machine, nor BLAS threads spinning)

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import brute_force_psi
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tnrbm
from tnrbm import ed, fit, models, specs, states
from tnrbm.errors import InvalidParameterError, MemoryLimitError, TnrbmError
from tnrbm.network.geometry import MAX_DEPTH

#: the longest one fuzzed call may take (seconds)
MAX_SECONDS = 3.0

# --------------------------------------------------------------------------- garbage
_NUMPY_SCALARS = st.sampled_from(
    [
        np.int8(3),
        np.int64(-2),
        np.uint64(2**63),
        np.float16(2.0),
        np.float32("nan"),
        np.float64(1e308),
        np.longdouble(2.5),
        np.bool_(True),
        np.complex64(1 + 1j),
        np.datetime64("2020-01-01"),
        np.str_("spin"),
        np.array(2),
        np.array(2.0),
    ]
)
_ODD_ARRAYS = hnp.arrays(
    dtype=st.sampled_from(["f2", "f4", "f8", "i1", "u8", "c8", "c16", "?", "U2", "M8[D]", "O"]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
    elements=None,
    fill=st.nothing(),
).filter(lambda a: a.dtype != object) | hnp.arrays(
    np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=4), elements=st.floats(allow_nan=True)
)
_HUGE = st.sampled_from([2**31, 2**40, 2**63, 2**64 + 1, 10**30, 10**400, -(2**63)])
GARBAGE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 16),  # sizes 17..30 are legitimate long work (2**n matrices), not garbage
    _HUGE,
    st.floats(allow_nan=True, allow_infinity=True),
    st.complex_numbers(max_magnitude=1e3),
    st.text(max_size=6),
    st.sampled_from(["", "2", "inf", "nan", "spin", "binary", "sparse", "dinic", "cut", "x" * 200, "\0", "é"]),
    st.binary(max_size=4),
    st.lists(st.integers(-3, 8), max_size=4),
    st.lists(st.lists(st.floats(-2, 2), min_size=1, max_size=3), max_size=3),
    st.tuples(st.integers(-2, 5), st.integers(-2, 5)),
    st.dictionaries(st.text(max_size=3), st.integers(-2, 3), max_size=2),
    st.sets(st.integers(0, 5), max_size=3),
    _NUMPY_SCALARS,
    _ODD_ARRAYS,
    st.sampled_from([object(), range(3), range(0), slice(1), Ellipsis, sp.csr_array((3, 3)), type]),
)


# --------------------------------------------------------------------------- domains (independent)
def _is_bool(x):
    return isinstance(x, (bool, np.bool_))


def _is_int(x, lo=None, hi=None):
    if _is_bool(x) or not isinstance(x, (numbers.Integral, np.integer)):
        return False
    return (lo is None or int(x) >= lo) and (hi is None or int(x) <= hi)


def _is_real(x, lo=None, strict=False):
    if _is_bool(x) or not isinstance(x, (numbers.Real, np.floating, np.integer)):
        return False
    try:
        v = float(x)
    except OverflowError:
        return False
    if not math.isfinite(v):
        return False
    return lo is None or (v > lo if strict else v >= lo)


def _is_choice(options):
    return lambda x: isinstance(x, str) and x in options


def _is_none_or(pred):
    return lambda x: x is None or pred(x)


def _is_seed(x):
    return x is None or isinstance(x, np.random.Generator) or _is_int(x, 0)


def _is_memory(x):
    return x is None or isinstance(x, str) or _is_real(x, 1)


_BLANK = "[ \t\n\r\f\v]*"
_TEXT_ITEM = re.compile(f"{_BLANK}(?:([0-9]+)|([0-9]*){_BLANK}:{_BLANK}([0-9]*)){_BLANK}")


def _text_region(text, n):
    """Reference reading of a region string (written apart from tnrbm's parser): its indices, or None if refused.

    Comma-separated ASCII-digit indices and half-open ranges ``lo:hi`` (either end may be left out), ASCII
    blanks around them, no empty item, nothing past ``n - 1``, no index twice; only blanks: the empty region.
    """
    if not text.strip(" \t\n\r\f\v"):
        return []
    out = []
    for part in text.split(","):
        m = _TEXT_ITEM.fullmatch(part)
        if m is None:
            return None
        lo, hi = (int(m[1]), int(m[1]) + 1) if m[1] is not None else (int(m[2] or 0), int(m[3] or n))
        if not lo < hi <= n:
            return None
        out += range(lo, hi)
    return out if len(set(out)) == len(out) else None


def _is_region(n, empty=False):
    """A region of ``n`` units: a list, tuple, range, set or integer array of distinct ints in [0, n), or a
    region string (:func:`_text_region`); non-empty unless ``empty`` (entropies and cuts take the empty region)."""

    def pred(x):
        if isinstance(x, str):
            items = _text_region(x, n)
            return items is not None and (empty or bool(items))
        if isinstance(x, np.ndarray):
            if x.ndim == 0 or x.dtype.kind not in "iuO":
                return False
            items = x.reshape(-1).tolist()
        elif isinstance(x, (list, tuple, range, set, frozenset)):
            items = list(x)
        else:  # dicts (not read as their keys), strings, numbers, None, other objects
            return False
        if not (items or empty) or not all(_is_int(i, 0, n - 1) for i in items):
            return False
        return len({int(i) for i in items}) == len(items)

    return pred


ANY = None  # a domain too rich to predict: only "no raw exception, in time" is checked


# --------------------------------------------------------------------------- the cases
RBM6 = models.local_chain(6, seed=0)
DBM4 = models.random_dbm([4, 2, 2], seed=0)
PSI6 = RBM6.to_dense()
H4 = ed.tfim(4)
SMALL_RBM = models.random_rbm(3, 2, seed=0)

CASES = {
    "RBM": (tnrbm.RBM, dict(weights=np.full((2, 2), 0.1)), {"hidden": _is_choice(("spin", "binary"))}),
    "DBM": (
        tnrbm.DBM,
        dict(weights=[np.full((2, 2), 0.1), np.ones((2, 1))]),
        {"hidden": _is_choice(("spin", "binary")), "biases": ANY, "geometry": ANY, "weights": ANY},
    ),
    "random_rbm": (
        models.random_rbm,
        dict(n_visible=3, n_hidden=2, seed=0),
        {
            "n_visible": lambda x: _is_int(x, 1),
            "n_hidden": lambda x: _is_int(x, 0),
            "scale": lambda x: _is_real(x, 0),
            "complex": _is_bool,
            "hidden": _is_choice(("spin", "binary")),
            "density": lambda x: _is_real(x, 0, strict=True) and float(x) <= 1,
            "bias_scale": _is_none_or(lambda x: _is_real(x, 0)),
            "seed": _is_seed,
        },
    ),
    "random_dbm": (
        models.random_dbm,
        dict(layer_sizes=[3, 2], seed=0),
        {"layer_sizes": ANY, "scale": lambda x: _is_real(x, 0), "complex": _is_bool, "seed": _is_seed},
    ),
    "local_chain": (
        models.local_chain,
        dict(n=4, seed=0),
        {
            "n": lambda x: _is_int(x, 3),
            "alpha": lambda x: _is_int(x, 1),
            "radius": lambda x: _is_int(x, 0),
            "periodic": _is_bool,
            "scale": lambda x: _is_real(x, 0),
            "complex": _is_bool,
            "hidden": _is_choice(("spin", "binary")),
            "seed": _is_seed,
        },
    ),
    "local_lattice": (
        models.local_lattice,
        dict(shape=(3, 3), seed=0),
        {"shape": ANY, "alpha": lambda x: _is_int(x, 1), "radius": lambda x: _is_int(x, 0), "periodic": _is_bool},
    ),
    "hierarchical": (
        models.hierarchical,
        dict(n=8, seed=0),
        {
            "n": lambda x: _is_int(x, 1),
            "depth": _is_none_or(lambda x: _is_int(x, 1)),
            "branching": lambda x: _is_int(x, 2),
            "overlap": lambda x: _is_int(x, 0),
            "periodic": _is_bool,
            "mass": _is_none_or(lambda x: _is_real(x) and abs(float(x)) < 1),
            "complex": _is_bool,
        },
    ),
    "entanglement": (
        tnrbm.entanglement,
        dict(state=RBM6, region=[0, 1]),
        {
            "state": ANY,
            "region": _is_region(6, empty=True),
            "method": _is_choice(("auto", "dense", "cut", "mps")),
            "renyi": ANY,
            "base": _is_none_or(lambda x: _is_real(x, 1, strict=True)),
            "max_memory": _is_memory,
            "surface": ANY,
            "slicing": _is_bool,
        },
    ),
    "entanglement_vector": (
        tnrbm.entanglement,
        dict(state=PSI6, region=[0, 1]),
        {"state": ANY, "region": _is_region(6, empty=True), "renyi": ANY},
    ),
    "mutual_information": (
        tnrbm.mutual_information,
        dict(state=RBM6, region_a=[0], region_b=[3]),
        {"region_a": ANY, "region_b": ANY, "base": _is_none_or(lambda x: _is_real(x, 1, strict=True))},
    ),
    "tripartite_information": (
        tnrbm.tripartite_information,
        dict(state=RBM6, region_a=[0], region_b=[2], region_c=[4]),
        {"region_a": ANY, "region_b": ANY, "region_c": ANY, "method": _is_choice(("auto", "dense", "cut", "mps"))},
    ),
    "min_cut": (
        tnrbm.min_cut,
        dict(network=RBM6, region=[0, 1]),
        {"network": ANY, "region": _is_region(6, empty=True), "flow": ANY},
    ),
    "check_region": (tnrbm.validation.check_region, dict(region=[0, 1], n=6), {"region": _is_region(6)}),
    "bulk_graph": (tnrbm.bulk.bulk_graph, dict(network=RBM6), {"legs": _is_bool}),
    "to_dense": (type(RBM6).to_dense, dict(self=RBM6), {"normalize": _is_bool, "max_memory": _is_memory}),
    "contract_dense": (tnrbm.tn.contract_dense, dict(network=RBM6), {"normalize": _is_bool}),
    "exact_mps": (tnrbm.tn.exact_mps, dict(network=RBM6), {"normalize": _is_bool}),
    "tfim_entropy": (
        tnrbm.exact.tfim_entropy,
        dict(n=6, region=[0, 1]),
        {"region": _is_region(6), "periodic": _is_bool, "n": lambda x: _is_int(x, 2)},
    ),
    "geometry": (tnrbm.network.Geometry.from_dict, dict(items={"kind": "chain"}), {"items": ANY}),
    "to_tensor_network": (tnrbm.to_tensor_network, dict(network=RBM6), {"network": ANY, "form": ANY}),
    "entanglement_profile": (
        tnrbm.entanglement_profile,
        dict(network=RBM6),
        {"network": ANY, "renyi": ANY, "base": _is_none_or(lambda x: _is_real(x, 1, strict=True)), "order": ANY},
    ),
    "all_configurations": (tnrbm.all_configurations, dict(n=3), {"n": lambda x: _is_int(x, 0)}),
    "parse_model": (specs.parse_model, dict(spec="local-chain:n=4"), {"spec": ANY}),
    "parse_region": (specs.parse_region, dict(text="0:2", n=4), {"text": ANY, "n": lambda x: _is_int(x, 1)}),
    "product": (states.product, dict(amplitudes=[[1, 0.5], [0.6, 0.8]]), {"amplitudes": ANY}),
    "ghz": (states.ghz, dict(n=3), {"n": lambda x: _is_int(x, 2)}),
    "cluster": (states.cluster, dict(n=4), {"n": lambda x: _is_int(x, 2), "periodic": _is_bool}),
    "toric_code": (states.toric_code, dict(L=2), {"L": lambda x: _is_int(x, 2)}),
    "volume_law": (states.volume_law, dict(n=4), {"n": lambda x: _is_int(x, 2) and int(x) % 2 == 0}),
    "parent_hamiltonian": (
        states.parent_hamiltonian,
        dict(n=3, stabilizers=states.ghz_stabilizers(3)),
        {"n": ANY, "stabilizers": ANY, "form": _is_choice(("sparse", "operator", "pauli", "dense"))},
    ),
    "tfim": (
        ed.tfim,
        dict(n=4),
        {
            "n": lambda x: _is_int(x, 2),
            "J": _is_real,
            "h": _is_real,
            "periodic": _is_bool,
            "form": _is_choice(("sparse", "operator", "pauli", "dense")),
            "max_memory": _is_memory,
        },
    ),
    "tfim_lattice": (ed.tfim_lattice, dict(shape=(2, 2)), {"shape": ANY, "J": _is_real, "periodic": _is_bool}),
    "heisenberg": (ed.heisenberg, dict(n=4), {"n": lambda x: _is_int(x, 2), "delta": _is_real, "periodic": _is_bool}),
    "cluster_hamiltonian": (ed.cluster_hamiltonian, dict(n=4), {"n": lambda x: _is_int(x, 2), "periodic": _is_bool}),
    "toric_code_hamiltonian": (
        ed.toric_code_hamiltonian,
        dict(L=2),
        {"L": lambda x: _is_int(x, 2), "sector_field": _is_real},
    ),
    "pauli_sum": (ed.pauli_sum, dict(n=2, terms=[(1.0, "ZZ", (0, 1))]), {"n": lambda x: _is_int(x, 2), "terms": ANY}),
    "ed_ground_state": (
        ed.ground_state,
        dict(hamiltonian=H4),
        {
            "hamiltonian": ANY,
            "k": lambda x: _is_int(x, 1, 15),
            "tol": lambda x: _is_real(x, 0),
            "seed": _is_seed,
            "dense_below": lambda x: _is_int(x, 0),
            "ncv": ANY,
            "max_memory": _is_memory,
        },
    ),
    "expectation": (ed.expectation, dict(state=RBM6, operator=ed.tfim(6)), {"state": ANY, "operator": ANY}),
    "fidelity": (ed.fidelity, dict(a=RBM6, b=PSI6), {"a": ANY, "b": ANY}),
    "state_vector": (ed.state_vector, dict(state=RBM6), {"state": ANY}),
    "fit_to_state": (
        fit.to_state,
        dict(rbm=SMALL_RBM, vector=np.ones(8), steps=1),
        {
            "rbm": ANY,
            "vector": ANY,
            "steps": lambda x: _is_int(x, 0, 50),  # long fits are legitimate work, not fuzzed
            "method": _is_choice(("sr", "gd")),
            "learning_rate": lambda x: _is_real(x, 0, strict=True),
            "diag_shift": lambda x: _is_real(x, 0),
            "seed": _is_seed,
            "noise": lambda x: _is_real(x, 0),
            "complex_parameters": _is_none_or(_is_bool),
        },
    ),
}
#: Hamiltonians of 19 to 23 qubits: the default memory guard accepts their sparse matrices (100 MiB to
#: 3.5 GiB), and building them is seconds of legitimate work (first-touch page faults alone take 2 s for
#: the 250 MiB of a 20-qubit TFIM here); 24 qubits and more are still fuzzed (and refused at once)
_BIG_ED = range(19, 24)


def _lattice_qubits(x):
    """``Lx * Ly`` for a valid pair of positive integers, else ``None``."""
    if isinstance(x, (str, bytes)) or not isinstance(x, (tuple, list)) or len(x) != 2:
        return None
    return int(x[0]) * int(x[1]) if all(_is_int(v, 1) for v in x) else None


#: arguments whose huge or callable values are legitimate long work or user code, not fuzzed that way
_SKIP = {
    ("fit_to_state", "steps"): lambda x: _is_int(x) and int(x) > 50,
    ("min_cut", "flow"): callable,
    ("tfim_lattice", "shape"): lambda x: _lattice_qubits(x) in _BIG_ED,
    **{
        (name, "n"): (lambda x: _is_int(x) and int(x) in _BIG_ED)
        for name in ("tfim", "heisenberg", "cluster_hamiltonian")
    },
}
#: names a message may use for an argument besides its own
_ALIASES = {
    "weights": ("weights", "network"),
    "shape": ("shape",),
    "amplitudes": ("amplitudes",),
    "hamiltonian": ("H", "hamiltonian", "operator"),
    "items": ("geometry",),
}


def _svd_entropy(psi, region, n):
    """Von Neumann entropy of ``region`` of the state vector ``psi`` by a dense SVD (independent reference)."""
    rest = [i for i in range(n) if i not in region]
    mat = np.asarray(psi, dtype=complex).reshape((2,) * n).transpose(list(region) + rest).reshape(2 ** len(region), -1)
    mat = mat / np.max(np.abs(mat))  # to order one first: the norm of 1e-223 or 1e153 entries under/overflows
    s = np.linalg.svd(mat / np.linalg.norm(mat), compute_uv=False)
    p = s[s > 1e-15] ** 2
    return float(-np.sum(p * np.log(p)))


def _check_entanglement(res, kwargs):
    state = kwargs["state"]
    psi = state.to_dense() if isinstance(state, tnrbm.BoltzmannNetwork) else np.asarray(state).reshape(-1)
    ln_base = 1.0 if kwargs.get("base") is None else math.log(float(kwargs["base"]))
    assert res.entropy == pytest.approx(
        _svd_entropy(psi, res.region, int(np.log2(psi.size))) / ln_base, rel=1e-8, abs=1e-10
    )
    region = kwargs["region"]
    n = int(np.log2(psi.size))
    items = _text_region(region, n) if isinstance(region, str) else np.asarray(list(region)).reshape(-1).tolist()
    assert tuple(sorted(set(items))) == tuple(res.region)


def _check_configurations(res, kwargs):
    n = int(kwargs["n"])
    ref = np.array([[1.0 - 2.0 * ((i >> (n - 1 - k)) & 1) for k in range(n)] for i in range(2**n)]).reshape(2**n, n)
    assert np.array_equal(res, ref)


#: independent checks of accepted results
RESULT_CHECKS = {
    "entanglement": _check_entanglement,
    "entanglement_vector": _check_entanglement,
    "all_configurations": _check_configurations,
    "parse_region": lambda res, kw: all(0 <= i < int(kw["n"]) for i in res) and list(res) == sorted(set(res)),
}


def _outcome(func, kwargs):
    """``("ok", result)``, ``("error", err)`` for a tnrbm error, or the raw exception re-raised; with the time."""
    t0 = time.thread_time()
    try:
        out = ("ok", func(**kwargs))
    except TnrbmError as err:
        out = ("error", err)
    return out, time.thread_time() - t0


def _check_case(name, arg, value):
    func, base, domains = CASES[name]
    skip = _SKIP.get((name, arg))
    if skip is not None and skip(value):
        return
    kwargs = dict(base, **{arg: value})
    (kind, out), seconds = _outcome(func, kwargs)
    assert seconds < MAX_SECONDS, f"{name}({arg}={value!r}) took {seconds:.1f} s"
    domain = domains.get(arg, ANY)
    if kind == "error":
        names = _ALIASES.get(arg, (arg,))
        text = str(out)
        assert "\n" not in text.strip() or len(text) < 2000
        if domain is not ANY and not domain(value):  # refused because of this argument: the message names it
            assert any(n in text for n in names) or isinstance(out, MemoryLimitError), (name, arg, value, text)
    else:
        assert domain is ANY or domain(value), f"{name} silently accepted {arg}={value!r}"
        if name in RESULT_CHECKS:
            RESULT_CHECKS[name](out, kwargs)


_CASE_ARGS = sorted({(name, arg) for name, (_, _, domains) in CASES.items() for arg in domains})


@settings(max_examples=2500, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
@given(case=st.sampled_from(_CASE_ARGS), value=GARBAGE)
def test_fuzz_arguments(case, value):
    """Every argument of every case, drawn from the garbage strategy."""
    _check_case(*case, value)


@pytest.mark.slow
@settings(max_examples=8000, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(case=st.sampled_from(_CASE_ARGS), value=GARBAGE)
def test_fuzz_arguments_thorough(case, value):
    _check_case(*case, value)


@pytest.mark.parametrize("name", sorted(CASES))
def test_unknown_keyword_is_pythons_type_error(name):
    func, base, _ = CASES[name]
    with pytest.raises(TypeError, match="unexpected keyword|got an unexpected"):
        func(**base, not_an_argument=1)


@pytest.mark.parametrize("name", sorted(CASES))
def test_baselines_are_valid(name):
    """The baseline of every case succeeds (else the fuzz would only ever see errors)."""
    func, base, _ = CASES[name]
    func(**base)


# --------------------------------------------------------------------------- accepted results are right
@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(
    n=st.integers(2, 5),
    k=st.integers(1, 4),
    renyi=st.lists(st.one_of(st.integers(0, 400), st.floats(0, 1e308), st.just(math.inf)), max_size=3),
    base=st.one_of(st.none(), st.floats(1.01, 1e300)),
    seed=st.integers(0, 2**32),
)
def test_fuzz_renyi_orders_and_bases_against_svd(n, k, renyi, base, seed):
    """Any accepted order and base: the entropies equal those of a dense SVD, keys exactly as asked."""
    renyi = [a for a in renyi if a != 1]
    rng = np.random.default_rng(seed)
    psi = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
    region = list(range(min(k, n - 1)))
    res = tnrbm.entanglement(psi, region, renyi=renyi, base=base)
    s = np.linalg.svd((psi / np.linalg.norm(psi)).reshape(2 ** len(region), -1), compute_uv=False)
    p = s**2 / np.sum(s**2)
    p = p[p > 1e-300]
    ln_b = 1.0 if base is None else math.log(base)
    assert res.entropy == pytest.approx(-np.sum(p * np.log(p)) / ln_b, rel=1e-9, abs=1e-12)
    assert set(res.renyi) == set(renyi)
    for a in renyi:
        if a == 0:
            ref = math.log(np.count_nonzero(p > 1e-12))
        elif math.isinf(a) or a > 1e4:
            ref = -math.log(p.max())  # the min-entropy; for a > 1e4 within 1e-3 relative of it here
        else:
            ref = math.log(np.sum(np.exp(a * np.log(p)))) / (1 - a)
        assert res.renyi[a] == pytest.approx(ref / ln_b, rel=2e-3 if 1e4 < a < math.inf else 1e-8, abs=1e-10)


@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(
    dtype=st.sampled_from([np.float16, np.float32, np.float64, np.complex64, np.int64, np.int8]),
    scale_exp=st.integers(-300, 300),
    seed=st.integers(0, 1000),
)
def test_fuzz_state_vector_dtypes_and_scales(dtype, scale_exp, seed):
    """Vectors of any numeric dtype and any scale give the entropy of the float64 vector."""
    rng = np.random.default_rng(seed)
    base = rng.integers(1, 9, size=16).astype(float)
    with np.errstate(over="ignore"):  # on purpose: 1e300 cast to float16/float32 is inf, which must be refused
        vec = (base * 10.0**scale_exp).astype(dtype) if np.issubdtype(dtype, np.floating) else base.astype(dtype)
    if not np.all(np.isfinite(vec)) or not np.any(vec):
        with pytest.raises(InvalidParameterError, match="state"):
            tnrbm.entanglement(vec, [0, 1])
        return
    ref_vec = vec.astype(np.complex128)
    s = np.linalg.svd((ref_vec / np.abs(ref_vec).max()).reshape(4, 4), compute_uv=False)
    p = s**2 / np.sum(s**2)
    p = p[p > 0]
    assert tnrbm.entanglement(vec, [0, 1]).entropy == pytest.approx(-np.sum(p * np.log(p)), rel=1e-9, abs=1e-12)


@settings(max_examples=30, deadline=None, derandomize=True, database=None)
@given(
    weights=hnp.arrays(
        st.sampled_from([np.int8, np.int64, np.float32, np.float64, np.bool_, np.complex64]),
        st.tuples(st.integers(1, 3), st.integers(0, 3)),
        elements=st.integers(-2, 2),
    ),
    hidden=st.sampled_from(["spin", "binary"]),
)
def test_fuzz_integer_and_odd_dtype_weights_against_brute_force(weights, hidden):
    """Integer, bool and float32 couplings are accepted and give the brute-force amplitudes."""
    rbm = tnrbm.RBM(weights, hidden=hidden)
    w = weights.astype(np.complex128)
    conf = tnrbm.all_configurations(w.shape[0])
    ref = brute_force_psi([w], [None, None], hidden)
    assert np.allclose(rbm.amplitude(conf), ref, rtol=1e-10)


# --------------------------------------------------------------------------- geometry dicts
_GEO_VALUES = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(-3, 9), st.floats(allow_nan=True), st.text(max_size=3), _NUMPY_SCALARS
    ),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner, inner)
        | st.dictionaries(st.one_of(st.text(max_size=3), st.integers(0, 3)), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(
    geo=st.one_of(
        st.dictionaries(
            st.sampled_from(["kind", "n", "periodic", "shape", "alpha", "radius", "L", "depth", "positions", "x"]),
            _GEO_VALUES,
            max_size=4,
        ),
        GARBAGE,
    )
)
def test_fuzz_geometry(geo, tmp_path_factory):
    """A user-set geometry is refused with a message naming geometry, or validated and saved losslessly."""
    rbm = models.local_chain(4, seed=0)
    try:
        rbm.geometry = geo
    except TnrbmError as err:
        assert "geometry" in str(err)
        return
    assert geo is None or isinstance(geo, dict)
    got = rbm.geometry
    if got is not None:
        assert isinstance(got["kind"], str)
        for key, minimum in {"n": 1, "alpha": 0, "radius": 0, "L": 1, "depth": 0}.items():
            if key in got:
                assert _is_int(got[key], minimum)
        if "periodic" in got:
            assert _is_bool(got["periodic"])
        if "shape" in got:
            assert isinstance(got["shape"], tuple) and got["shape"] and all(_is_int(s, 1) for s in got["shape"])
        with pytest.raises((TypeError, AttributeError)):
            got["kind"] = "other"  # frozen
    path = tmp_path_factory.mktemp("geo") / "m.npz"
    tnrbm.save(path, rbm)
    back = tnrbm.load(path).geometry
    assert (back is None) == (got is None)
    if got is not None:
        assert _json_equal(back.to_dict(), got.to_dict())


def _json_equal(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple, np.ndarray)) and isinstance(b, (list, tuple, np.ndarray)):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b))
    return a == b or (type(a) is type(b) and a != a and b != b)


# --------------------------------------------------------------------------- issue 13, class by class
def _uniform_32():
    """sum_i |i>|i> over 5 + 5 spins (i the 5-bit index of the first half): 32 equal Schmidt values."""
    psi = np.zeros(2**10)
    psi[np.arange(32) * 32 + np.arange(32)] = 1.0
    return psi


@pytest.mark.parametrize("alpha", [2, 300, 1e5, 1e308, math.inf, 0])
def test_large_renyi_orders_on_a_uniform_spectrum(alpha):
    res = tnrbm.entanglement(_uniform_32(), range(5), renyi=alpha, base=2)
    assert res.renyi[alpha] == pytest.approx(5.0, abs=1e-9)
    assert list(res.renyi) == [alpha]


@pytest.mark.parametrize("alpha", [1e5, 1e308, 10**400, math.inf])
def test_huge_renyi_orders_reach_minus_ln_pmax(alpha):
    rng = np.random.default_rng(3)
    psi = rng.normal(size=64)
    s = np.linalg.svd(psi.reshape(8, 8), compute_uv=False)
    pmax = (s**2 / np.sum(s**2)).max()
    assert tnrbm.entanglement(psi, range(3), renyi=alpha).renyi[alpha] == pytest.approx(-math.log(pmax), rel=1e-4)


@pytest.mark.parametrize("bad", ["2", "inf", b"2", ["2"], [2, "inf"], True, [np.True_], -1, 1, 1.0, math.nan, 1j])
def test_renyi_strings_bools_and_invalid_orders_are_refused(bad):
    with pytest.raises(InvalidParameterError, match="renyi"):
        tnrbm.entanglement(PSI6, [0, 1], renyi=bad)


@pytest.mark.parametrize("order", [np.int64(2), np.float32(2.5), np.array(3), np.array([2, 3])])
def test_renyi_numpy_orders_are_keyed_as_asked(order):
    res = tnrbm.entanglement(PSI6, [0, 1], renyi=order)
    asked = [x.item() if hasattr(x, "item") else x for x in np.atleast_1d(order)]
    assert sorted(res.renyi) == sorted(asked)
    for a in asked:  # each key is the number asked for, and the lookup works with a plain number
        assert res.renyi[a] == res.renyi[float(a)]


def test_state_vector_whose_norm_overflows_and_float16():
    psi = np.random.default_rng(0).normal(size=64)
    ref = tnrbm.entanglement(psi, [0, 1, 2]).entropy
    with np.errstate(over="ignore"):  # the reference: numpy's own norm overflows here (tnrbm's must not)
        assert np.isinf(np.linalg.norm(psi * 1e307))
    assert tnrbm.entanglement(psi * 1e307, [0, 1, 2]).entropy == pytest.approx(ref, rel=1e-12)
    half = psi.astype(np.float16)
    ref16 = tnrbm.entanglement(half.astype(np.float64), [0, 1, 2]).entropy
    assert tnrbm.entanglement(half, [0, 1, 2]).entropy == pytest.approx(ref16, rel=1e-12)


@pytest.mark.parametrize("weights", [None, 3, "W", [None], [3], np.ones((2, 2)), [[1, 2], [3]]])
def test_dbm_garbage_weights(weights):
    with pytest.raises(InvalidParameterError, match="weights"):
        tnrbm.DBM(weights)


def test_integer_biases_are_exact():
    dbm = tnrbm.DBM([np.array([[1], [0]]), np.array([[2]])], biases=[np.array([1, 0]), [1], np.array([0])])
    conf = tnrbm.all_configurations(2)
    ref = brute_force_psi([np.array([[1.0], [0.0]]), np.array([[2.0]])], [np.array([1.0, 0.0]), [1.0], [0.0]], "spin")
    assert np.allclose(dbm.amplitude(conf), ref, rtol=1e-12)


@pytest.mark.parametrize("bad", [np.ones((2, 2)), None, "rbm", 3, [RBM6]])
def test_to_tensor_network_garbage(bad):
    with pytest.raises(InvalidParameterError, match="network"):
        tnrbm.to_tensor_network(bad)


@pytest.mark.parametrize("bad", [1.5, "3", None, -1, True, np.float64(2.0)])
def test_all_configurations_garbage(bad):
    with pytest.raises(InvalidParameterError, match="n must"):
        tnrbm.all_configurations(bad)


@pytest.mark.parametrize("n", [64, 2**31, 10**30])
def test_all_configurations_huge_is_refused_fast(n):
    t0 = time.thread_time()
    with pytest.raises(MemoryLimitError, match="configurations"):
        tnrbm.all_configurations(n)
    assert time.thread_time() - t0 < 1.0


def test_empty_sparse_1e9_rbm_is_refused_fast_with_an_estimate():
    t0 = time.thread_time()
    with pytest.raises(MemoryLimitError, match=r"needs about [0-9.]+ GiB"):
        tnrbm.RBM(sp.csr_array((10**9, 10**9)))
    assert time.thread_time() - t0 < 1.0


def test_sparse_1e6_rbm_builds_fast_and_its_entanglement_is_refused_fast():
    rows, cols = np.array([0, 1, 2]), np.array([0, 0, 1])
    t0 = time.thread_time()
    rbm = tnrbm.RBM(sp.csr_array((np.array([0.5, 0.3, 0.2]), (rows, cols)), shape=(10**6, 10**6)))
    assert rbm.n_edges == 3 and time.thread_time() - t0 < 2.0
    t0 = time.thread_time()
    with pytest.raises(InvalidParameterError, match=r"about \d+ s.*1999995 units have no coupling"):
        tnrbm.entanglement(rbm, [0, 1])
    with pytest.raises(InvalidParameterError, match=r"min_cut walks every one of the 2000000 units"):
        tnrbm.min_cut(rbm, [0, 1])
    assert time.thread_time() - t0 < 2.0
    small = tnrbm.RBM(sp.csr_array((np.array([0.5, 0.3, 0.2]), (rows, cols)), shape=(2**19, 2**19)))
    t0 = time.thread_time()
    assert tnrbm.min_cut(small, [0, 1]).size == 0  # spins 0, 1 and their hidden unit 0 are cut off from the rest
    assert tnrbm.min_cut(small, [0]).size == 1  # hidden unit 0 is the one unit joining spin 0 to spin 1
    assert time.thread_time() - t0 < 10.0


@pytest.mark.parametrize(
    "call",
    [
        lambda: models.local_chain(2**31),
        lambda: models.local_chain(5, alpha=2**40),
        lambda: models.hierarchical(2**40),
        lambda: models.local_lattice((2**20, 2**20)),
        lambda: states.ghz(2**31),
        lambda: states.toric_code(2**20),
        lambda: states.product(2**63),
        lambda: ed.tfim(2**31),
        lambda: ed.tfim(2**31, form="pauli"),
        lambda: ed.pauli_sum(2**63, [(1.0, "Z", (0,))]),
        lambda: specs.parse_region("0:1000000000000", 8),
    ],
)
def test_huge_sizes_are_refused_fast(call):
    t0 = time.thread_time()
    with pytest.raises(TnrbmError):
        call()
    assert time.thread_time() - t0 < 1.0


@pytest.mark.parametrize("coupling", [1e308, -1e308])
def test_hamiltonian_whose_entries_overflow_is_refused(coupling):
    with pytest.raises(InvalidParameterError, match="overflow"):
        ed.tfim(4, J=coupling, h=1e308)


def test_open_chain_with_a_huge_radius_is_the_all_to_all_chain():
    """radius >= n on an open chain couples every spin to every hidden unit (no loop over the radius)."""
    rbm = models.local_chain(5, radius=10**12, periodic=False, seed=0)
    assert rbm.n_edges == 25


def test_huge_branching_is_one_layer_fast():
    t0 = time.thread_time()
    net = models.hierarchical(8, branching=2**31, seed=0)  # was a loop of 2**31 steps
    assert net.layer_sizes == (8, 1) and net.n_edges == 8
    assert time.thread_time() - t0 < 1.0


def test_hierarchical_huge_overlap_keeps_the_stream():
    """Clipping the receptive field does not change the network drawn for a seed."""
    a = models.hierarchical(8, overlap=3, seed=1)  # fields wrap fully at the top layers
    b = models.hierarchical(8, overlap=3, seed=1)
    for x, y in zip(a.couplings, b.couplings):
        assert (x != y).nnz == 0
    full = models.hierarchical(8, overlap=10**9, seed=1)  # every unit sees the whole layer below
    assert all(m.nnz == m.shape[0] * m.shape[1] for m in full.couplings)


def test_parse_region_reports_the_range():
    with pytest.raises(tnrbm.errors.InvalidRegionError, match=r"0:100.*\[0, 64\]"):
        specs.parse_region("0:100", 64)
    with pytest.raises(tnrbm.errors.InvalidRegionError, match="empty"):
        specs.parse_region("5:2", 64)
    assert specs.parse_region("0:3,7", 10) == (0, 1, 2, 7)


# --------------------------------------------------------------------------- issue 17, item 6: inputs that escaped
_REGION_ITEMS = st.one_of(
    st.integers(-2, 8),
    st.booleans(),
    st.floats(-2, 8),
    st.integers(0, 5).map(float),  # 2.0: an integer value, still a float
    st.integers(0, 5).map(np.int64),
    st.integers(0, 5).map(np.uint8),
    st.just(np.True_),
    st.text(max_size=2),
    st.none(),
    st.complex_numbers(max_magnitude=3),
    st.lists(st.integers(0, 5), max_size=2),
)
_REGIONS = st.one_of(
    st.lists(_REGION_ITEMS, max_size=7),
    st.lists(_REGION_ITEMS, max_size=7).map(tuple),
    st.lists(st.integers(0, 5), min_size=1, max_size=6, unique=True),
    st.sets(st.one_of(st.integers(-2, 8), st.floats(-2, 8), st.text(max_size=2), st.booleans()), max_size=6),
    st.frozensets(st.integers(-2, 8), max_size=6),
    st.dictionaries(st.integers(0, 5), st.integers(), max_size=4),  # was read as its keys
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=3),
    st.builds(range, st.integers(-2, 8), st.integers(-2, 8)),
    hnp.arrays(
        st.sampled_from(["i1", "i8", "u1", "u8", "f8", "?", "U1", "c16"]),
        hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=4),
    ),
    st.text(max_size=5),
    st.text(alphabet="0123456789:, -\t\u0663\uff18", max_size=8),  # region strings, near misses included
    st.binary(max_size=3),
    st.integers(-2, 8),
    st.floats(),
    st.none(),
    st.booleans(),
)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(region=_REGIONS)
def test_fuzz_regions_of_every_python_type(region):
    """A region is accepted exactly when the independent predicate holds, and then as its sorted ints."""
    valid = _is_region(6)(region)
    try:
        got = tnrbm.validation.check_region(region, 6)
    except tnrbm.errors.InvalidRegionError as err:
        assert not valid, f"refused a valid region {region!r}: {err}"
        text = str(err)
        assert text.startswith("region") and len(text) < 600, text
        return
    assert valid, f"accepted {region!r} as {got}"
    if isinstance(region, str):
        items = _text_region(region, 6)
    else:
        items = region.reshape(-1).tolist() if isinstance(region, np.ndarray) else list(region)
    assert got == tuple(sorted(int(i) for i in items))


def _mutable_children(node):
    values = node.values() if isinstance(node, dict) else node
    return [v for v in values if isinstance(v, (dict, list))]


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(
    items=st.dictionaries(st.text(max_size=3).filter(lambda k: k != "kind"), _GEO_VALUES, max_size=3),
    walk=st.lists(st.integers(0, 5), max_size=4),
    back=st.integers(0, 5),
)
def test_fuzz_geometry_that_contains_itself(items, walk, back):
    """A cycle anywhere (a dict or list holding one of its ancestors) is refused, never a RecursionError."""
    geo = {"kind": "chain", **items}
    try:  # the same geometry without the cycle: accepted or refused for another reason
        tnrbm.network.Geometry.from_dict(geo)
        clean = True
    except InvalidParameterError:
        clean = False
    chain = [geo]
    for step in walk:
        children = _mutable_children(chain[-1])
        if not children:
            break
        chain.append(children[step % len(children)])
    target, ancestor = chain[-1], chain[back % len(chain)]
    if isinstance(target, dict):
        target["loop"] = ancestor
    else:
        target.append(ancestor)
    with pytest.raises(InvalidParameterError) as info:
        tnrbm.network.Geometry.from_dict(geo)
    assert "geometry" in str(info.value)
    if clean:
        assert "contain itself" in str(info.value)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(depth=st.integers(0, 100), wrap=st.sampled_from(["list", "dict", "tuple"]))
def test_fuzz_geometry_depth(depth, wrap):
    """Accepted exactly when the deepest value is reached by at most MAX_DEPTH keys and indices."""
    nested = 0
    for _ in range(depth):
        nested = [nested] if wrap == "list" else ({"x": nested} if wrap == "dict" else (nested,))
    keys_to_leaf = depth + 1  # geo["v"], then one key or index per level
    try:
        tnrbm.network.Geometry("chain", v=nested)
    except InvalidParameterError as err:
        assert keys_to_leaf > MAX_DEPTH and f"deeper than {MAX_DEPTH}" in str(err)
        return
    assert keys_to_leaf <= MAX_DEPTH


def _wrap_matrix(h, how):
    if how == "sparse":
        return sp.csr_array(h)
    if how == "operator":
        return sp.linalg.aslinearoperator(sp.csr_array(h))
    return h


@settings(max_examples=120, deadline=None, derandomize=True, database=None)
@given(
    n=st.integers(1, 3),
    data=st.data(),
    how=st.sampled_from(["dense", "sparse", "operator"]),
    cplx=st.booleans(),
    defect=st.sampled_from(["none", "nan", "inf", "-inf", "asymmetric"]),
)
def test_fuzz_hamiltonian_matrices_with_nan_inf_or_asymmetry(n, data, how, cplx, defect):
    """NaN/inf entries and non-Hermitian matrices are refused naming H; Hermitian ones match eigvalsh."""
    dim = 2**n
    entries = hnp.arrays(np.float64, (dim, dim), elements=st.floats(-1e3, 1e3))
    a = data.draw(entries) + (1j * data.draw(entries) if cplx else 0)
    h = (a + np.conj(a).T) / 2
    i, j = data.draw(st.integers(0, dim - 1)), data.draw(st.integers(0, dim - 1))
    if defect in ("nan", "inf", "-inf"):
        h[i, j] = float(defect)
    elif defect == "asymmetric":
        j = (i + 1 + j % (dim - 1)) % dim  # off the diagonal
        h[i, j] += data.draw(st.floats(1e-3, 1e3)) * (1.0 + np.abs(h).max())
    if defect in ("nan", "inf", "-inf"):
        with pytest.raises(InvalidParameterError, match=r"H \(the Hamiltonian\) must be finite"):
            ed.ground_state(_wrap_matrix(h, how))
    elif defect == "asymmetric":
        with pytest.raises(InvalidParameterError, match="H must be Hermitian"):
            ed.ground_state(_wrap_matrix(h, how))
    else:
        if dim == 2:  # k must stay below the dimension
            res = ed.ground_state(_wrap_matrix(h, how))
        else:
            res = ed.ground_state(_wrap_matrix(h, how), k=2)
        ref = np.linalg.eigvalsh(h)[: len(res.energies)]
        assert np.allclose(res.energies, ref, rtol=0, atol=1e-9 * (1.0 + np.abs(h).max()))
