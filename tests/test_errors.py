"""Bad input: every refusal is a TnrbmError subclass whose message names the argument and the value."""

from __future__ import annotations

import subprocess
import sys
import time  # time.thread_time: the CPU time of the calling thread (not the wall clock of a loaded machine, nor BLAS threads spinning)

import numpy as np
import pytest
import scipy.sparse as sp

import tnrbm
from tnrbm import models
from tnrbm.errors import (
    FileFormatError,
    InvalidConfigurationError,
    InvalidParameterError,
    InvalidRegionError,
    MemoryLimitError,
    TnrbmError,
)

W = np.full((3, 2), 0.3)
RBM = tnrbm.RBM(W)
DBM = tnrbm.DBM([W, np.full((2, 2), 0.2)])
VECTOR = np.ones(8) / np.sqrt(8)


def test_hierarchy():
    for cls in (
        InvalidParameterError,
        InvalidRegionError,
        InvalidConfigurationError,
        MemoryLimitError,
        FileFormatError,
    ):
        assert issubclass(cls, TnrbmError)
    assert issubclass(InvalidParameterError, ValueError) and issubclass(MemoryLimitError, MemoryError)
    assert tnrbm.errors.TnrbmError is TnrbmError
    assert set(tnrbm.errors.__all__) >= {
        "TnrbmError",
        "InvalidParameterError",
        "InvalidRegionError",
        "InvalidConfigurationError",
        "MemoryLimitError",
    }


# (id, call, error class, fragments the message must contain: the argument and the value)
CASES = [
    # ---------------------------------------------------------------- weights: shapes and dtypes
    ("weights 1D", lambda: tnrbm.RBM([0.1, 0.2]), InvalidParameterError, ["weights", "(2,)"]),
    ("weights 3D", lambda: tnrbm.RBM(np.ones((2, 2, 2))), InvalidParameterError, ["weights", "(2, 2, 2)"]),
    ("weights strings", lambda: tnrbm.RBM([["a", "b"]]), InvalidParameterError, ["weights", "<U1"]),
    (
        "weights object array",
        lambda: tnrbm.RBM(np.array([[1.0, None]], dtype=object)),
        InvalidParameterError,
        ["weights", "object"],
    ),
    ("weights ragged", lambda: tnrbm.RBM([[1.0, 2.0], [3.0]]), InvalidParameterError, ["weights", "list"]),
    ("weights no visible", lambda: tnrbm.RBM(np.zeros((0, 2))), InvalidParameterError, ["weights", "(0, 2)"]),
    ("weights NaN", lambda: tnrbm.RBM([[0.1, np.nan]]), InvalidParameterError, ["weights", "nan", "(0, 1)"]),
    ("weights inf", lambda: tnrbm.RBM([[np.inf], [0.0]]), InvalidParameterError, ["weights", "inf", "(0, 0)"]),
    (
        "weights complex NaN",
        lambda: tnrbm.RBM(np.array([[0.1, complex(0, np.nan)]])),
        InvalidParameterError,
        ["weights", "nan", "(0, 1)"],
    ),
    (
        "sparse weights inf",
        lambda: tnrbm.RBM(sp.csr_matrix(np.array([[0.0, 0.1], [0.0, -np.inf]]))),
        InvalidParameterError,
        ["weights", "-inf", "(1, 1)"],
    ),
    (
        "sparse weights NaN (csc)",
        lambda: tnrbm.RBM(sp.csc_matrix(np.array([[0.0, 0.1], [np.nan, 0.0]]))),
        InvalidParameterError,
        ["weights", "nan", "(1, 0)"],
    ),
    # ---------------------------------------------------------------- biases
    (
        "visible_bias length",
        lambda: tnrbm.RBM(W, visible_bias=[0.0, 0.0]),
        InvalidParameterError,
        ["visible_bias", "(2,)"],
    ),
    (
        "hidden_bias length",
        lambda: tnrbm.RBM(W, hidden_bias=np.zeros(3)),
        InvalidParameterError,
        ["hidden_bias", "(3,)"],
    ),
    (
        "visible_bias 2D",
        lambda: tnrbm.RBM(W, visible_bias=np.zeros((3, 1))),
        InvalidParameterError,
        ["visible_bias", "(3, 1)"],
    ),
    (
        "hidden_bias strings",
        lambda: tnrbm.RBM(W, hidden_bias=["a", "b"]),
        InvalidParameterError,
        ["hidden_bias", "<U1"],
    ),
    (
        "visible_bias object",
        lambda: tnrbm.RBM(W, visible_bias=np.array([1, None, 2], dtype=object)),
        InvalidParameterError,
        ["visible_bias", "object"],
    ),
    (
        "visible_bias NaN",
        lambda: tnrbm.RBM(W, visible_bias=[0, np.nan, 0]),
        InvalidParameterError,
        ["visible_bias", "nan", "1"],
    ),
    ("hidden_bias inf", lambda: tnrbm.RBM(W, hidden_bias=[np.inf, 0]), InvalidParameterError, ["hidden_bias", "inf"]),
    # ---------------------------------------------------------------- hidden convention
    (
        "hidden unknown",
        lambda: tnrbm.RBM(W, hidden="ising"),
        InvalidParameterError,
        ["hidden", "'ising'", "spin", "binary"],
    ),
    ("hidden None", lambda: tnrbm.RBM(W, hidden=None), InvalidParameterError, ["hidden", "None"]),
    ("DBM hidden unknown", lambda: tnrbm.DBM([W], hidden="potts"), InvalidParameterError, ["hidden", "'potts'"]),
    ("random_rbm hidden", lambda: models.random_rbm(3, 2, hidden="x"), InvalidParameterError, ["hidden", "'x'"]),
    # ---------------------------------------------------------------- DBM structure
    ("DBM layer mismatch", lambda: tnrbm.DBM([W, np.ones((3, 2))]), InvalidParameterError, ["weights[1]", "(3, 2)"]),
    ("DBM single matrix", lambda: tnrbm.DBM(W), InvalidParameterError, ["weights", "list"]),
    ("DBM empty", lambda: tnrbm.DBM([]), InvalidParameterError, ["weights", "empty"]),
    ("DBM biases count", lambda: tnrbm.DBM([W, W.T], biases=[None, None]), InvalidParameterError, ["biases", "2"]),
    (
        "DBM bias NaN",
        lambda: tnrbm.DBM([W, W.T], biases=[None, [0.0, np.nan], None]),
        InvalidParameterError,
        ["biases[1]", "nan"],
    ),
    (
        "DBM weights NaN",
        lambda: tnrbm.DBM([W, np.array([[np.nan, 0.0, 0.0], [0, 0, 0]])]),
        InvalidParameterError,
        ["weights[1]", "nan"],
    ),
    # ---------------------------------------------------------------- forms
    (
        "form unknown",
        lambda: tnrbm.to_tensor_network(RBM, form="mps"),
        InvalidParameterError,
        ["form", "'mps'", "factor"],
    ),
    ("form None", lambda: tnrbm.to_tensor_network(RBM, form=None), InvalidParameterError, ["form", "None"]),
    # ---------------------------------------------------------------- configurations
    ("v zero", lambda: RBM.log_amplitude([1, 0, 1]), InvalidConfigurationError, ["v", "0", "+1", "-1"]),
    ("v two", lambda: RBM.log_amplitude([[1, 1, 1], [1, 2, -1]]), InvalidConfigurationError, ["v", "2"]),
    ("v half", lambda: RBM.log_amplitude([1, 0.5, 1]), InvalidConfigurationError, ["v", "0.5"]),
    ("v NaN", lambda: RBM.log_amplitude([1, np.nan, 1]), InvalidConfigurationError, ["v", "nan"]),
    ("v length", lambda: RBM.log_amplitude([1, -1]), InvalidConfigurationError, ["v", "(2,)", "3"]),
    ("v scalar", lambda: RBM.log_amplitude(1), InvalidConfigurationError, ["v", "()"]),
    ("v strings", lambda: RBM.log_amplitude(["1", "1", "1"]), InvalidConfigurationError, ["v", "<U1"]),
    ("v complex", lambda: RBM.log_amplitude([1, 1, 1j]), InvalidConfigurationError, ["v", "complex"]),
    ("DBM v zero", lambda: DBM.log_amplitude([1, -1, 0]), InvalidConfigurationError, ["v", "0"]),
    ("DBM v length", lambda: DBM.log_amplitude(np.ones((2, 4))), InvalidConfigurationError, ["v", "(2, 4)"]),
    ("amplitude v", lambda: RBM.amplitude([3, 1, 1]), InvalidConfigurationError, ["v", "3"]),
    # ---------------------------------------------------------------- regions
    ("region out of range", lambda: tnrbm.entanglement(RBM, [0, 3]), InvalidRegionError, ["region", "3", "[0, 3)"]),
    ("region negative", lambda: tnrbm.entanglement(RBM, [-1]), InvalidRegionError, ["region", "-1"]),
    ("region repeated", lambda: tnrbm.entanglement(RBM, [1, 1]), InvalidRegionError, ["region", "[1]", "repeat"]),
    ("region empty", lambda: tnrbm.mutual_information(RBM, [], [1]), InvalidRegionError, ["region_a", "empty"]),
    ("region float", lambda: tnrbm.entanglement(RBM, [0.5]), InvalidRegionError, ["region", "0.5", "integer"]),
    ("region integral float", lambda: tnrbm.entanglement(RBM, [1.0]), InvalidRegionError, ["region", "1.0", "integer"]),
    ("region bool", lambda: tnrbm.entanglement(RBM, [True]), InvalidRegionError, ["region", "True"]),
    ("region string", lambda: tnrbm.entanglement(RBM, "0,\u0663"), InvalidRegionError, ["region", "ASCII", "U+0663"]),
    ("region string step", lambda: tnrbm.entanglement(RBM, "0:4:2"), InvalidRegionError, ["region", "'0:4:2'", "step"]),
    ("region None", lambda: tnrbm.entanglement(RBM, None), InvalidRegionError, ["region", "None"]),
    ("region of a vector", lambda: tnrbm.entanglement(VECTOR, [5]), InvalidRegionError, ["region", "5", "[0, 3)"]),
    # ---------------------------------------------------------------- entanglement options and state vectors
    ("method unknown", lambda: tnrbm.entanglement(RBM, [0], method="svd"), InvalidParameterError, ["method", "'svd'"]),
    ("renyi one", lambda: tnrbm.entanglement(RBM, [0], renyi=(1,)), InvalidParameterError, ["renyi", "1"]),
    ("renyi negative", lambda: tnrbm.entanglement(RBM, [0], renyi=(-2,)), InvalidParameterError, ["renyi", "-2"]),
    ("renyi string", lambda: tnrbm.entanglement(RBM, [0], renyi=("two",)), InvalidParameterError, ["renyi", "'two'"]),
    ("base one", lambda: tnrbm.entanglement(RBM, [0], base=1), InvalidParameterError, ["base", "1"]),
    ("base string", lambda: tnrbm.entanglement(RBM, [0], base="e"), InvalidParameterError, ["base", "'e'"]),
    ("vector length", lambda: tnrbm.entanglement(np.ones(6), [0]), InvalidParameterError, ["state", "(6,)"]),
    (
        "vector NaN",
        lambda: tnrbm.entanglement(np.array([1.0, np.nan, 0, 0]), [0]),
        InvalidParameterError,
        ["state", "NaN"],
    ),
    ("vector zero", lambda: tnrbm.entanglement(np.zeros(4), [0]), InvalidParameterError, ["state", "zero"]),
    ("vector strings", lambda: tnrbm.entanglement(np.array(["a"] * 4), [0]), InvalidParameterError, ["state", "<U1"]),
    # ---------------------------------------------------------------- memory
    ("to_dense max_memory", lambda: RBM.to_dense(max_memory=100), MemoryLimitError, ["max_memory", "100 B", "3 spins"]),
    ("DBM to_dense max_memory", lambda: DBM.to_dense(max_memory=10), MemoryLimitError, ["max_memory", "10 B"]),
    (
        "entanglement max_memory",
        lambda: tnrbm.entanglement(RBM, [0], max_memory=16),
        MemoryLimitError,
        ["max_memory", "16 B"],
    ),
    (
        "vector max_memory",
        lambda: tnrbm.entanglement(VECTOR, [0], max_memory=64),
        MemoryLimitError,
        ["max_memory", "64 B"],
    ),
    # sizes with a unit ("1GB", "4GiB") are accepted since the one-validation redesign; garbage is not
    ("max_memory string", lambda: RBM.to_dense(max_memory="lots"), InvalidParameterError, ["max_memory", "'lots'"]),
    ("max_memory bad unit", lambda: RBM.to_dense(max_memory="4 GiBs"), InvalidParameterError, ["max_memory", "4 GiBs"]),
    ("max_memory zero", lambda: RBM.to_dense(max_memory=0), InvalidParameterError, ["max_memory", "0"]),
    ("max_memory NaN", lambda: RBM.to_dense(max_memory=float("nan")), InvalidParameterError, ["max_memory", "nan"]),
    ("max_memory negative", lambda: RBM.to_dense(max_memory=-1), InvalidParameterError, ["max_memory", "-1"]),
    # ---------------------------------------------------------------- model constructors
    ("random_rbm n_visible", lambda: models.random_rbm(0, 2), InvalidParameterError, ["n_visible", "0"]),
    ("random_rbm n_hidden float", lambda: models.random_rbm(3, 2.5), InvalidParameterError, ["n_hidden", "2.5"]),
    ("random_rbm scale", lambda: models.random_rbm(3, 2, scale=-1), InvalidParameterError, ["scale", "-1"]),
    ("random_rbm scale NaN", lambda: models.random_rbm(3, 2, scale=np.nan), InvalidParameterError, ["scale", "nan"]),
    ("random_rbm density 0", lambda: models.random_rbm(3, 2, density=0), InvalidParameterError, ["density", "0"]),
    ("random_rbm density > 1", lambda: models.random_rbm(3, 2, density=1.5), InvalidParameterError, ["density", "1.5"]),
    (
        "random_rbm density string",
        lambda: models.random_rbm(3, 2, density="a"),
        InvalidParameterError,
        ["density", "'a'"],
    ),
    ("random_rbm seed", lambda: models.random_rbm(3, 2, seed="x"), InvalidParameterError, ["seed", "'x'"]),
    ("random_dbm sizes", lambda: models.random_dbm([4]), InvalidParameterError, ["layer_sizes", "[4]"]),
    ("random_dbm size 0", lambda: models.random_dbm([4, 0]), InvalidParameterError, ["layer_sizes[1]", "0"]),
    ("random_dbm density", lambda: models.random_dbm([4, 2], density=2), InvalidParameterError, ["density", "2"]),
    ("local_chain n", lambda: models.local_chain(0), InvalidParameterError, ["n", "0"]),
    ("local_chain alpha", lambda: models.local_chain(5, alpha=0), InvalidParameterError, ["alpha", "0"]),
    ("local_chain radius", lambda: models.local_chain(5, radius=-1), InvalidParameterError, ["radius", "-1"]),
    (
        "local_chain radius too big",
        lambda: models.local_chain(4, radius=2),
        InvalidParameterError,
        ["radius", "2", "n=4"],
    ),
    ("local_lattice shape", lambda: models.local_lattice((3,)), InvalidParameterError, ["shape", "(3,)"]),
    ("local_lattice radius", lambda: models.local_lattice((3, 3), radius=2), InvalidParameterError, ["radius", "2"]),
]


#: cases that fail because of a bug in a file this test suite does not own (reported; remove once fixed)
KNOWN_BUGS: dict[str, str] = {}


@pytest.mark.parametrize(
    "call, cls, fragments",
    [
        pytest.param(*c[1:], id=c[0], marks=[pytest.mark.xfail(reason=KNOWN_BUGS[c[0]], strict=False)])
        if c[0] in KNOWN_BUGS
        else pytest.param(*c[1:], id=c[0])
        for c in CASES
    ],
)
def test_bad_input_raises_a_named_tnrbm_error(call, cls, fragments):
    with pytest.raises(TnrbmError) as info:
        call()
    assert isinstance(info.value, cls), f"{type(info.value).__name__}: {info.value}"
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


# --------------------------------------------------------------------------- big dense vectors refused at once
@pytest.mark.parametrize(
    "make",
    [
        lambda: models.local_chain(40, seed=0),
        lambda: models.random_rbm(40, 3, seed=0),
        lambda: models.random_dbm([40, 3, 2], seed=0),
    ],
    ids=["chain", "rbm", "dbm"],
)
def test_a_40_spin_dense_vector_is_refused_instantly(make):
    net = make()
    with pytest.raises(MemoryLimitError):  # the libraries a first call imports, outside the timed part
        tnrbm.entanglement(net, [0, 1], method="dense")
    for call in (
        lambda: net.to_dense(),
        lambda: net.to_dense(normalize=False),
        lambda: tnrbm.entanglement(net, [0, 1], method="dense"),
        lambda: tnrbm.tn.contract_dense(net),
    ):
        start = time.thread_time()
        with pytest.raises(MemoryLimitError) as info:
            call()
        assert time.thread_time() - start < 1.0
        message = str(info.value)
        assert "40 spins" in message and "max_memory" in message and "TiB" in message


def test_max_memory_allows_what_fits():
    np.testing.assert_allclose(np.linalg.norm(RBM.to_dense(max_memory=10**6)), 1.0)
    assert tnrbm.entanglement(RBM, [0], max_memory=10**6).entropy >= 0


def test_refusing_a_huge_vector_allocates_nothing():
    """In a fresh interpreter allowed 1 GiB more address space than it holds, a 40-spin request is refused, not tried."""
    code = (
        "import resource, tnrbm\n"
        "net = tnrbm.models.local_chain(40, seed=0)\n"
        "held = int([x for x in open('/proc/self/status') if x.startswith('VmSize')][0].split()[1]) * 1024\n"
        "resource.setrlimit(resource.RLIMIT_AS, (held + 2**30, resource.RLIM_INFINITY))\n"
        "try:\n"
        "    net.to_dense()\n"
        "except tnrbm.errors.MemoryLimitError:\n"
        "    print('refused')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "refused", out.stderr[-2000:]


def test_every_error_can_be_caught_as_tnrbm_error():
    cases = [c for c in CASES if c[0] not in KNOWN_BUGS]
    caught = 0
    for _, call, _, _ in cases:
        try:
            call()
        except TnrbmError:
            caught += 1
    assert caught == len(cases)


# ------------------------------------------------------------------ every deliberate error is in the hierarchy
def _raised_builtins(path):
    """``(line, name)`` of each ``raise <builtin exception>`` in a module, less the allowed ones: bare or
    named re-raises, ``NotImplementedError`` in a method whose body is only that raise (an abstract
    method), ``AttributeError`` in ``__getattr__``/``__setattr__``/``__delattr__`` (the attribute protocol)."""
    import ast
    import builtins

    tree = ast.parse(path.read_text(), filename=str(path))
    found = []

    def visit(node, func):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            func = node
        if isinstance(node, ast.Raise) and node.exc is not None:
            target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            name = target.id if isinstance(target, ast.Name) else None
            cls = getattr(builtins, name, None) if name else None
            if isinstance(cls, type) and issubclass(cls, BaseException):
                body = [s for s in (func.body if func else []) if not isinstance(s, ast.Expr)]
                abstract = name == "NotImplementedError" and func is not None and body == [node]
                protocol = name == "AttributeError" and func is not None and func.name in _PROTOCOL
                if not (abstract or protocol):
                    found.append((node.lineno, name))
        for child in ast.iter_child_nodes(node):
            visit(child, func)

    visit(tree, None)
    return found


_PROTOCOL = {"__getattr__", "__setattr__", "__delattr__"}


def test_no_builtin_exception_is_raised_outside_the_hierarchy():
    """Walks tnrbm's source: every ``raise`` of an exception class names a TnrbmError subclass (so one
    ``except TnrbmError`` catches every refusal); the checker itself is checked on a bad snippet."""
    from pathlib import Path

    root = Path(tnrbm.__file__).parent
    offenders = [(str(p.relative_to(root)), *hit) for p in sorted(root.rglob("*.py")) for hit in _raised_builtins(p)]
    assert offenders == []


def test_the_source_walk_finds_builtin_raises(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def f(x):\n"
        "    if x:\n"
        "        raise ValueError('no')\n"
        "    raise RuntimeError\n"
        "def abstract(self):\n"
        "    '''doc'''\n"
        "    raise NotImplementedError\n"
        "def __getattr__(name):\n"
        "    raise AttributeError(name)\n"
        "def reraise():\n"
        "    try:\n"
        "        pass\n"
        "    except OSError as err:\n"
        "        raise err\n"
        "def half(x):\n"
        "    x += 1\n"
        "    raise NotImplementedError\n"
    )
    assert _raised_builtins(bad) == [(3, "ValueError"), (4, "RuntimeError"), (17, "NotImplementedError")]


def test_new_error_classes_stay_catchable_as_the_builtins_they_replace():
    from tnrbm import errors
    from tnrbm.entropy import methods

    assert issubclass(errors.NumericalError, FloatingPointError)
    assert issubclass(errors.MinCutError, RuntimeError)
    assert issubclass(errors.MissingDependencyError, ModuleNotFoundError)
    assert issubclass(errors.NotApplicableError, InvalidParameterError)
    assert methods.NotApplicableError is errors.NotApplicableError
    assert tnrbm.entropy.NotApplicableError is errors.NotApplicableError
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), TnrbmError)


def test_a_zero_state_is_a_numerical_error():
    """All-zero Gram matrices (every amplitude vanishes): refused as NumericalError, a FloatingPointError."""
    from tnrbm.entropy.grams import purity_from_grams, spectrum_from_grams
    from tnrbm.errors import NumericalError

    with pytest.raises(NumericalError, match="zero state"):
        spectrum_from_grams(np.zeros((2, 2)), np.eye(2))
    with pytest.raises(FloatingPointError, match="zero state"):
        purity_from_grams(np.zeros((2, 2)), np.eye(2))


def test_a_wrong_flow_solver_is_a_min_cut_error():
    """A solver whose flow value disagrees with its cut is refused as MinCutError, still a RuntimeError."""
    from tnrbm.bulk import FLOWS, min_cut
    from tnrbm.errors import MinCutError

    net = models.local_chain(8, radius=1, periodic=False, seed=0)

    def off_by_one(cap, source, sink):
        size, reach = FLOWS["dinic"](cap, source, sink)
        return size + 1, reach

    with pytest.raises(MinCutError, match="flow value"):
        min_cut(net, range(4), flow=off_by_one)
    with pytest.raises(RuntimeError):
        min_cut(net, range(4), flow=off_by_one)


def test_coarse_coupling_refuses_a_dbm():
    """``coarse_coupling`` reads W and the hidden bias of an RBM: a DBM is a named refusal (it was an
    AttributeError from inside)."""
    from tnrbm.rg import coarse_coupling

    with pytest.raises(InvalidParameterError, match="rbm must be an RBM; got DBM"):
        coarse_coupling(DBM, [0])
