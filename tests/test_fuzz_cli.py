"""Fuzzing the command line through its public entry point ``tnrbm.cli.main(argv)`` (issue 12).

Garbage arguments -- unknown options, options without values, numbers of every kind where specs,
regions, bases and sizes belong, odd unicode, NUL bytes -- must end with exit code 0 (a valid command),
1 (an error tnrbm refused) or 2 (a usage error), each error as one line on stderr starting with
``error:``; never a traceback, never a raw exception passed through (the entry point's fallback line
for an unexpected ``ValueError``/``TypeError`` counts as one), never more than a few seconds. Only the
fast subcommands are fuzzed (``demo``, ``report`` and ``fit`` run long by design); ``--debug`` is
left out, since it asks for the traceback.
"""

from __future__ import annotations

import contextlib
import io
import os
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tnrbm.cli import main

COMMANDS = ["entropy", "cut", "profile", "ed", "save", "draw", "info", "nonsense", ""]
SPECS = [
    "local-chain:n=8,seed=0",
    "local-chain:n=-3",
    "local-chain:n=10000000000000",
    "local-chain:n=8,radius=99",
    "local-chain:n=8,periodic=maybe",
    "local-chain:n=8,seed=-1",
    "local-chain:n=8,complex=2",
    "local-chain:n=8,alpha=0.5",
    "local-chain:n=8,nokey=1",
    "local-chain:n",
    "local-chain:=3",
    "local-lattice:shape=3x3",
    "local-lattice:shape=3x",
    "local-lattice:shape=0x0",
    "random-dbm:sizes=6-3-2,seed=0",
    "random-dbm:sizes=6--2",
    "random-rbm:n_visible=6,n_hidden=3,density=2",
    "hierarchical:n=16,mass=5",
    "ghz:n=6",
    "ghz:n=1",
    "toric:L=2",
    "toric:L=100000",
    "volume-law:n=5",
    "product:amplitudes=3",
    "cluster:n=6,periodic=false",
    "no-such-model:n=3",
    "missing.npz",
    "/nonexistent/folder/x.npz",
    ":",
    "",
    " ",
    "\u00e9\u00e8:n=\u00b2",
    "local-chain:n=\u0663",
    "nul\x00byte",
]
REGIONS = ["0:4", "0:100", "5:2", "-1", "0,0", "a:b", "0:", ":", "", "0:4,2:6", "1e3", "0:1000000000000", "\u0661"]
OPTIONS = [
    "--method",
    "--renyi",
    "--base",
    "--max-memory",
    "--json",
    "--plot",
    "--n",
    "--size",
    "--levels",
    "--steps",
    "--k",
    "--J",
    "--h",
    "--form",
    "--out",
    "--out-dir",
    "--region",
    "--help",
    "--version",
    "--nonexistent",
    "-x",
    "--",
]
VALUES = [
    "auto",
    "cut",
    "mps",
    "dense",
    "bogus",
    "2",
    "inf",
    "nan",
    "-inf",
    "1",
    "0",
    "-1",
    "1e400",
    "2,inf",
    "2,,3",
    "x",
    "0.5",
    "4GiB",
    "1e-300",
    "99999999999999999999",
    "sparse",
    "operator",
]
TOKENS = st.one_of(
    st.sampled_from(SPECS),
    st.sampled_from(REGIONS),
    st.sampled_from(OPTIONS),
    st.sampled_from(VALUES),
    # no line breaks: an argument holding one is echoed in the error (a finding for the CLI rebuild)
    st.text(st.characters(blacklist_categories=("Cc", "Zl", "Zp")), max_size=6).filter(lambda t: t != "--debug"),
    st.integers(-(10**6), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


#: multi-line error texts of the click-based CLI on main when this suite was written (a bare ``tnrbm`` prints
#: its usage as the error; a missing ``ed`` model lists the choices one per line). The CLI package being
#: rebuilt must give one line: delete this tolerance when it is merged.
KNOWN_MULTILINE: tuple[str, ...] = ()  # the CLI prints every error on one line now


def _run(argv):
    out, err = io.StringIO(), io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # --help / --version under standalone_mode=False still exit 0
            code = exc.code or 0
    return code, out.getvalue(), err.getvalue(), time.perf_counter() - t0


def _check(argv):
    code, out, err, seconds = _run(argv)
    both = out + err
    assert seconds < 8.0, f"{argv!r} took {seconds:.1f} s"
    assert "Traceback" not in both, f"{argv!r} printed a traceback:\n{both[-2000:]}"
    assert code in (0, 1, 2), f"{argv!r} exited {code!r}"
    if code != 0:
        lines = [ln for ln in err.split("\n") if ln.strip()]
        # an old option spelling (--out for --plot) warns on its own line before any error
        while lines and lines[0].startswith("warning:") and "old spelling" in lines[0]:
            lines.pop(0)
        assert lines, f"{argv!r} failed silently"
        assert lines[0].startswith("error:"), f"{argv!r}: {err!r}"
        if not any(k in err for k in KNOWN_MULTILINE):
            assert len(lines) == 1, f"{argv!r} printed a multi-line error: {err!r}"
        assert "--debug for the traceback" not in err, f"{argv!r} passed a raw exception through: {err.strip()}"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """Run every fuzzed command in an empty folder: commands that write (save, --plot, --out) write there."""
    old = os.getcwd()
    path = tmp_path_factory.mktemp("cli")
    os.chdir(path)
    yield path
    os.chdir(old)


@settings(max_examples=400, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(command=st.sampled_from(COMMANDS), tokens=st.lists(TOKENS, max_size=5))
def test_fuzz_cli_garbage(workdir, command, tokens):
    _check(([command] if command else []) + tokens)


@settings(max_examples=250, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(
    command=st.sampled_from(["entropy", "cut"]),
    spec=st.sampled_from(SPECS),
    region=st.sampled_from(REGIONS),
    extra=st.lists(st.sampled_from(OPTIONS + VALUES), max_size=3),
)
def test_fuzz_cli_model_and_region(workdir, command, spec, region, extra):
    """Well-formed commands with bad specs, regions and option values."""
    _check([command, spec, region] + extra)


@pytest.mark.slow
@settings(max_examples=1500, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(command=st.sampled_from(COMMANDS), tokens=st.lists(TOKENS, max_size=7))
def test_fuzz_cli_garbage_thorough(workdir, command, tokens):
    _check(([command] if command else []) + tokens)


def test_a_valid_command_succeeds(workdir):
    """The harness can see success: a valid command exits 0 and prints the entropy."""
    code, out, err, _ = _run(["entropy", "local-chain:n=8,seed=0", "0:4"])
    assert code == 0, err
    assert out.strip()
