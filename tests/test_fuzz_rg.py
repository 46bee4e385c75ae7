"""Fuzzing the public tnrbm.rg functions (issue 17, item 6): the garbage of tests/test_fuzz.py, one argument at a time.

The property of every case: the call returns a result of the documented type, finite where it is a number,
or raises an error from :mod:`tnrbm.errors` whose message names the argument when the value lies outside
the argument's domain -- never OverflowError, ZeroDivisionError, MemoryError, TypeError, RecursionError or
any other raw exception, never a RuntimeWarning (every case runs with warnings as errors), never more than
a few seconds. The domains are written here, independently of the package; accepted results of the chain
are checked against the 50-digit reference.
"""

from __future__ import annotations

import math
import time
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rg_reference import decimal_chain_log_z
from test_fuzz import GARBAGE, _is_bool, _is_int, _is_memory, _is_none_or, _is_real, _is_seed

import tnrbm
from tnrbm import rg
from tnrbm.errors import MemoryLimitError, TnrbmError

MAX_SECONDS = 3.0
ANY = None
RBM = tnrbm.RBM([[0.5, 0.2], [0.0, -0.3], [0.0, 0.0]], visible_bias=[0.1, 0.0, 0.3], hidden_bias=[0.0, 0.2])
HAM = rg.ising_chain(3, 0.4)


def _is_sized(x, lo, hi=None):
    return _is_int(x, lo, hi)


CASES = {
    "chain_log_partition": (
        rg.chain_log_partition,
        dict(n=6, coupling=0.3, field=0.1),
        {"n": lambda x: _is_int(x, 1), "coupling": _is_real, "field": _is_real},
    ),
    "ising_chain_log_partition": (
        rg.ising_chain_log_partition,
        dict(n=6, coupling=-0.3, field=0.1, periodic=False),
        {"n": lambda x: _is_int(x, 1), "coupling": _is_real, "field": _is_real, "periodic": _is_bool},
    ),
    "ising_chain": (
        rg.ising_chain,
        dict(n=6, coupling=0.3),
        {"n": lambda x: _is_int(x, 3), "coupling": _is_real, "field": _is_real, "periodic": _is_bool},
    ),
    "ising_torus": (
        rg.ising_torus,
        dict(size=3, coupling=0.3),
        {
            "size": lambda x: _is_int(x, 3),
            "coupling": _is_real,
            "field": _is_real,
            "rows": _is_none_or(lambda x: _is_int(x, 2)),
        },
    ),
    "ising_torus_log_partition": (
        rg.ising_torus_log_partition,
        dict(size=4, coupling=0.3, rows=3),
        {
            "size": lambda x: _is_int(x, 1),
            "coupling": _is_real,
            "field": _is_real,
            "rows": _is_none_or(lambda x: _is_int(x, 1)),
            "max_memory": _is_memory,
        },
    ),
    "seam_orbits": (rg.seam_orbits, dict(size=4), {"size": lambda x: _is_int(x, 1), "flip": _is_bool}),
    "bond_weight": (rg.bond_weight, dict(coupling=0.3), {"coupling": _is_real}),
    "walsh_hadamard": (rg.walsh_hadamard, dict(values=[1.0, 2.0]), {"values": ANY}),
    "moebius": (rg.moebius, dict(values=[1.0, 2.0, 0.5, 0.0]), {"values": ANY}),
    "coarse_couplings": (
        rg.coarse_couplings,
        dict(rbm=RBM),
        {"rbm": ANY, "max_order": _is_none_or(lambda x: _is_int(x, 0)), "max_memory": _is_memory},
    ),
    "coarse_coupling": (
        rg.coarse_coupling,
        dict(rbm=RBM, subset=[0]),
        {"rbm": ANY, "subset": ANY, "max_degree": lambda x: _is_int(x, 0, 24)},
    ),
    "decimation_step": (rg.decimation_step, dict(coupling=0.5), {"coupling": _is_real, "field": _is_real}),
    "decimation_flow": (
        rg.decimation_flow,
        dict(coupling=0.5, steps=3),
        {"coupling": _is_real, "field": _is_real, "steps": lambda x: _is_int(x, 0, 1000)},
    ),
    "decimation_rbm": (
        rg.decimation_rbm,
        dict(n=4, coupling=0.5),
        {"n": lambda x: _is_int(x, 2), "coupling": _is_real, "field": _is_real},
    ),
    "decimated_hamiltonian": (
        rg.decimated_hamiltonian,
        dict(n=4, coupling=0.5),
        {"n": lambda x: _is_int(x, 2), "coupling": _is_real, "field": _is_real},
    ),
    "decimation_stack": (
        rg.decimation_stack,
        dict(n=16, coupling=0.5, depth=2),
        {"n": ANY, "coupling": _is_real, "field": _is_real, "depth": ANY},
    ),
    "block_estimate": (
        rg.block_estimate,
        dict(series=np.arange(40.0).reshape(2, 20), n_blocks=4),
        {"series": ANY, "n_blocks": lambda x: _is_int(x, 1)},
    ),
    "swendsen_wang": (
        rg.swendsen_wang,
        dict(shape=(4, 4), coupling=0.4, n_sweeps=3, burn_in=1, seed=0),
        {
            "shape": ANY,
            "coupling": lambda x: _is_real(x, 0),
            "n_sweeps": lambda x: _is_int(x, 1),
            "n_chains": lambda x: _is_int(x, 1),
            "burn_in": lambda x: _is_int(x, 0),
            "thin": lambda x: _is_int(x, 1),
            "keep_samples": _is_bool,
            "seed": _is_seed,
            "max_memory": _is_memory,
        },
    ),
    "random_hamiltonian": (
        rg.random_hamiltonian,
        dict(n=4, seed=0),
        {
            "n": lambda x: _is_int(x, 3),  # order=3 must be <= n
            "order": lambda x: _is_int(x, 1, 4),
            "n_terms": _is_none_or(lambda x: _is_int(x, 0, 10**6)),
            "scale": lambda x: _is_real(x, 0),
            "seed": _is_seed,
        },
    ),
    "SpinHamiltonian": (
        rg.SpinHamiltonian,
        dict(n=3, terms={(0, 1): 0.5}),
        {"n": lambda x: _is_int(x, 2), "terms": ANY, "constant": _is_real, "positions": ANY},
    ),
    "log_partition": (
        rg.log_partition,
        dict(network=RBM),
        {"network": ANY, "max_memory": _is_memory, "slicing": _is_bool},
    ),
    "hamiltonian_log_partition": (
        HAM.log_partition,
        dict(),
        {"max_memory": _is_memory, "slicing": _is_bool, "sweep": _is_bool, "method": ANY},
    ),
}
#: values that are legitimate long work (the loops run as long as asked), not garbage
_SKIP = {
    ("swendsen_wang", "n_sweeps"): lambda x: _is_int(x, 200),
    ("swendsen_wang", "burn_in"): lambda x: _is_int(x, 200),
    ("swendsen_wang", "n_chains"): lambda x: _is_int(x, 200),
    ("ising_torus_log_partition", "rows"): lambda x: _is_int(x, 2000),
    ("ising_torus_log_partition", "size"): lambda x: _is_int(x, 13, 24),
    ("seam_orbits", "size"): lambda x: _is_int(x, 19, 30),
    ("random_hamiltonian", "n_terms"): lambda x: _is_int(x, 10**5, 10**6),
    ("ising_chain", "n"): lambda x: _is_int(x, 10**5, 2**20),
    ("decimation_rbm", "n"): lambda x: _is_int(x, 10**5, 2**22),
}


def _finite(out) -> bool:
    if isinstance(out, float):
        return math.isfinite(out)
    if isinstance(out, tuple):
        return all(_finite(x) for x in out)
    if isinstance(out, np.ndarray) and out.dtype.kind == "f":
        return bool(np.all(np.isfinite(out)))
    if isinstance(out, dict):
        return all(_finite(v) for v in out.values())
    return True


def _check_chain(name, kwargs, out):
    if name in ("chain_log_partition", "ising_chain_log_partition"):
        n, k, h = int(kwargs["n"]), float(kwargs["coupling"]), float(kwargs.get("field", 0.0))
        if n <= 10**6 and abs(k) + abs(h) < 1e6:  # the reference's own range (decimal exponents)
            ref = decimal_chain_log_z(
                n, float(kwargs["coupling"]), float(kwargs.get("field", 0.0)), kwargs.get("periodic", True)
            )
            assert abs(out - ref) <= 1e-14 * max(abs(ref), 1.0), (kwargs, out, ref)


def _check_case(name, arg, value):
    func, base, domains = CASES[name]
    skip = _SKIP.get((name, arg))
    if skip is not None and skip(value):
        return
    kwargs = dict(base, **{arg: value})
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            out, err = func(**kwargs), None
        except TnrbmError as exc:
            out, err = None, exc
        except Exception as exc:  # a raw exception (or a RuntimeWarning) escaped: report it with its case
            raise AssertionError(f"{name}({arg}={value!r}) raised {type(exc).__name__}: {exc}") from exc
    seconds = time.perf_counter() - t0
    assert seconds < MAX_SECONDS, f"{name}({arg}={value!r}) took {seconds:.1f} s"
    domain = domains.get(arg, ANY)
    if err is not None:
        if domain is not ANY and not domain(value):
            assert arg in str(err) or isinstance(err, MemoryLimitError), (name, arg, value, str(err))
        return
    assert domain is ANY or domain(value), f"{name} silently accepted {arg}={value!r}"
    assert _finite(out), f"{name}({arg}={value!r}) returned a non-finite result {out!r}"
    _check_chain(name, kwargs, out)


_CASE_ARGS = sorted({(name, arg) for name, (_, _, domains) in CASES.items() for arg in domains})


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
@given(case=st.sampled_from(_CASE_ARGS), value=GARBAGE)
def test_fuzz_rg_arguments(case, value):
    _check_case(*case, value)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
@given(
    n=st.integers(1, 10**6),
    coupling=st.floats(-1e3, 1e3, allow_nan=False),
    field=st.floats(-1e3, 1e3, allow_nan=False),
    periodic=st.booleans(),
)
def test_fuzz_chain_numbers_against_decimal(n, coupling, field, periodic):
    """Legitimate numbers: the chain's log Z to 1e-14 relative (1e-15 absolute for one spin near ln Z = 0)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = rg.ising_chain_log_partition(n, coupling, field, periodic=periodic)
    ref = decimal_chain_log_z(n, coupling, field, periodic)
    assert abs(got - ref) <= 1e-14 * abs(ref) + 1e-15, (n, coupling, field, periodic, got, ref)


@pytest.mark.slow
@settings(max_examples=6000, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(case=st.sampled_from(_CASE_ARGS), value=GARBAGE)
def test_fuzz_rg_arguments_thorough(case, value):
    _check_case(*case, value)


@pytest.mark.parametrize("name", sorted(CASES))
def test_rg_baselines_are_valid(name):
    func, base, _ = CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _finite(func(**base))
