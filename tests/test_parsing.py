"""Strict, predictable parsing (issue 19, item 3): one region syntax for Python and the command line,
strict model specs, paths checked before any work, the empty and the whole region at S = 0, SIGINT.

References are independent of the parsers: index sets drawn first and written out as text, the
dense state vector (its SVD and its norm), the Unicode database for what counts as a digit.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import unicodedata

import numpy as np
import pytest
from conftest import brute_force_psi_of
from hypothesis import given, settings
from hypothesis import strategies as st

import tnrbm
from tnrbm.cli import main
from tnrbm.cli.parsing import parse_region as cli_parse_region
from tnrbm.cli.parsing import parse_renyi
from tnrbm.errors import InvalidParameterError, InvalidRegionError
from tnrbm.specs import model_keys, parse_model, parse_region
from tnrbm.validation import check_region

NET = tnrbm.models.local_chain(8, radius=1, complex=True, seed=2)
SPEC = "local-chain:n=8,radius=1,seed=0"

#: every decimal digit of the Unicode database that is not ASCII 0-9 (Python's int() reads them all)
OTHER_DIGITS = st.characters(categories=["Nd"]).filter(lambda c: not c.isascii())


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(capsys: pytest.CaptureFixture, *args: str, code: int = 1) -> str:
    got, out, err = run(capsys, *args)
    assert got == code, (got, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


# --------------------------------------------------------------------------- one region syntax
@st.composite
def written_regions(draw: st.DrawFn) -> tuple[int, set[int], str]:
    """``(n, indices, text)``: an index set drawn first, then written as text in a random way (runs as
    ranges with optional ends, single indices, parts in any order, blanks around them)."""
    n = draw(st.integers(1, 40))
    chosen = sorted(draw(st.sets(st.integers(0, n - 1), max_size=n)))
    runs: list[tuple[int, int]] = []
    for i in chosen:
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    parts = []
    for lo, hi in runs:
        cut = draw(st.integers(lo + 1, hi))  # split a run in two pieces at times
        for a, b in ((lo, cut), (cut, hi)):
            if a == b:
                continue
            if b == a + 1 and draw(st.booleans()):
                parts.append(str(a))
                continue
            left = "" if a == 0 and draw(st.booleans()) else str(a)
            right = "" if b == n and draw(st.booleans()) else str(b)
            parts.append(f"{left}:{right}")
    parts = draw(st.permutations(parts))
    blanks = st.sampled_from(["", " ", "  ", "\t"])
    text = ",".join(f"{draw(blanks)}{p}{draw(blanks)}" for p in parts)
    return n, set(chosen), text


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(case=written_regions())
def test_any_written_region_is_its_index_set_in_python_and_on_the_command_line(case):
    n, indices, text = case
    expected = tuple(sorted(indices))
    assert check_region(text, n, allow_empty=True) == expected
    assert parse_region(text, n) == cli_parse_region(text, n) == expected
    assert check_region(sorted(indices, reverse=True), n, allow_empty=True) == expected  # the list form
    if indices:
        assert check_region(text, n) == expected
    else:
        with pytest.raises(InvalidRegionError, match="at least one"):
            check_region(text, n)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(digit=OTHER_DIGITS, where=st.sampled_from(["{d}", "0,{d}", "{d}:4", "0:{d}", "1{d}"]))
def test_any_non_ascii_digit_is_refused_in_a_region(digit, where):
    assert unicodedata.decimal(digit) in range(10) and int(digit) in range(10)  # what Python would read
    text = where.format(d=digit)
    for call in (lambda: check_region(text, 64), lambda: parse_region(text, 64), lambda: tnrbm.min_cut(NET, text)):
        with pytest.raises(InvalidRegionError) as info:
            call()
        msg = str(info.value)
        assert msg.startswith("region") and "ASCII digits 0-9" in msg and f"U+{ord(digit):04X}" in msg, msg


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(digit=OTHER_DIGITS, key=st.sampled_from(["n", "seed", "radius", "scale"]))
def test_any_non_ascii_digit_is_refused_in_a_model_spec(digit, key):
    spec = f"local-chain:n=8,{key}={digit}" if key != "n" else f"local-chain:n={digit}"
    with pytest.raises(InvalidParameterError) as info:
        parse_model(spec)
    msg = str(info.value)
    assert repr(key) in msg and "ASCII digits 0-9" in msg and repr(digit) in msg, msg
    with pytest.raises(InvalidParameterError, match="--renyi"):
        parse_renyi(f"2,{digit}")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("-1", ["'-1'", "negative"]),
        ("0:-1", ["'0:-1'", "negative"]),
        ("0,,3", ["'0,,3'", "empty item"]),
        ("0:4,", ["empty item"]),
        (",0", ["empty item"]),
        ("0:8:2", ["step"]),
        ("4:4", ["empty range", "'4:4'"]),
        ("5:2", ["empty range"]),
        ("0:4,3", ["repeats", "[3]"]),
        ("0:4,2:6", ["repeats", "[2, 3]"]),
        ("8", ["index 8", "indices 0..7"]),
        ("0:9", ["index 8", "[0, 8]"]),
        ("+3", ["'+3'"]),
        ("1e1", ["'1e1'"]),
        ("0x3", ["'0x3'"]),
        ("1_0", ["'1_0'"]),
    ],
)
def test_bad_region_strings_name_the_text_and_the_form(text, words):
    with pytest.raises(InvalidRegionError) as info:
        check_region(text, 8, allow_empty=True)
    msg = str(info.value)
    for word in [*words, "region", "'0:16'", "8 visible units"]:
        assert word in msg, (word, msg)


@pytest.mark.parametrize("bad", [{0: 1}, 2, np.int64(2), 2.0, [1.0], True, [True], b"0:2", None])
def test_python_still_refuses_dicts_numbers_floats_bools(bad):
    for call in (lambda: check_region(bad, 6, allow_empty=True), lambda: tnrbm.entanglement(NET, bad)):
        with pytest.raises(InvalidRegionError, match="^region"):
            call()


def test_the_python_api_takes_the_command_lines_region_string():
    """'0:4' was refused by Python and read by the command line: both read it now, to the same entropy."""
    psi = brute_force_psi_of(NET)
    mat = psi.reshape(16, 16)  # sites 0..3 first: kron order
    p = np.linalg.svd(mat / np.linalg.norm(psi), compute_uv=False) ** 2
    p = p[p > 1e-300]
    ref = float(-(p * np.log(p)).sum())
    for region in ("0:4", ":4", "0,1,2:4", " 3 , 0:3 "):
        res = tnrbm.entanglement(NET, region, method="dense")
        assert res.region == (0, 1, 2, 3) and res.entropy == pytest.approx(ref, abs=1e-12)
    assert tnrbm.min_cut(NET, "0:4").size == tnrbm.min_cut(NET, range(4)).size


# --------------------------------------------------------------------------- the empty and the whole region
def _reference_entropy(psi: np.ndarray, k: int) -> tuple[float, float]:
    """S and Tr rho^2 of the first ``k`` sites from the dense vector: its SVD, normalized by its norm."""
    mat = psi.reshape(2**k, -1) / np.linalg.norm(psi)
    p = np.linalg.svd(mat, compute_uv=False) ** 2
    p = p[p > 1e-300]
    return float(-(p * np.log(p)).sum()), float((p**2).sum())


@pytest.mark.parametrize("region", [[], "", "  ", range(8), ":", "0:8"])
def test_empty_and_whole_region_give_zero_entropy(region):
    psi = brute_force_psi_of(NET)
    k = 0 if len(check_region(region, 8, allow_empty=True)) == 0 else 8
    s_ref, purity_ref = _reference_entropy(psi, k)
    assert abs(s_ref) < 1e-12 and purity_ref == pytest.approx(1.0, abs=1e-12)
    for method in ("auto", "dense", "cut", "mps"):
        res = tnrbm.entanglement(NET, region, method=method, renyi=(0.5, 2, float("inf")))
        assert res.entropy == pytest.approx(s_ref, abs=1e-12)
        assert all(v == pytest.approx(0.0, abs=1e-12) for v in res.renyi.values())
        assert res.m == 0 and res.bound == 0.0 and res.trivial_bound == 0.0
        assert res.saturation == 1.0  # S = 0 attains the zero bound (was nan for the whole system)
    vec = tnrbm.entanglement(psi, region)  # a state vector: no cut, the spectrum of its SVD
    assert vec.entropy == pytest.approx(s_ref, abs=1e-12) and vec.saturation is None
    for state in (NET, psi):
        pur = tnrbm.purity(state, region)
        assert pur.purity == pytest.approx(purity_ref, abs=1e-12) and pur.renyi2 == pytest.approx(0.0, abs=1e-12)
    cut = tnrbm.min_cut(NET, region)
    assert cut.size == 0 and list(cut.surface) == []


@pytest.mark.parametrize("region", ["", "0:8"])
def test_empty_and_whole_region_on_the_command_line(capsys: pytest.CaptureFixture, region):
    code, out, err = run(capsys, "entropy", SPEC, region, "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["entropy"] == 0.0 and payload["m"] == 0 and payload["bound"] == 0.0
    assert payload["saturation"] == 1.0 and payload["region"] == region
    code, out, err = run(capsys, "entropy", SPEC, region)
    assert code == 0 and "nan" not in out, out
    code, out, err = run(capsys, "purity", SPEC, region, "--json")
    assert code == 0 and json.loads(out)["purity"] == pytest.approx(1.0, abs=1e-12)
    code, out, err = run(capsys, "cut", SPEC, region, "--json")
    assert code == 0 and json.loads(out)["m"] == 0


def test_empty_region_is_still_refused_where_it_means_nothing():
    with pytest.raises(InvalidRegionError, match="region_a.*empty"):
        tnrbm.mutual_information(NET, [], [1])
    with pytest.raises(InvalidRegionError, match="at least one"):
        check_region("", 8)


# --------------------------------------------------------------------------- model specs
@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("local-chain:n=8,n=9", ["'n'", "twice"]),
        ("local-chain:n=8,radius=1,radius=1", ["'radius'", "twice"]),
        ("random-dbm:sizes=4-2,layer_sizes=4-2", ["'layer_sizes'", "twice"]),
        ("local-chain:n=8,,", ["empty item", "NAME:key=value"]),
        ("local-chain:n=8,", ["empty item"]),
        ("local-chain:,n=8", ["empty item"]),
        ("local-chain:n=", ["'n'", "no value"]),
        ("local-lattice:shape=4,4", ["'4'", "4x4", "shape (required)", "radius=1"]),
        ("random-rbm:shape=4", ["shape", "n_visible (required)", "n_hidden (required)", "seed=None"]),
        ("ghz:", ["needs the key(s) n"]),
        ("local-chain:n=1_000", ["1_000"]),
    ],
)
def test_bad_model_specs_show_the_form_and_the_keys(capsys: pytest.CaptureFixture, spec, words):
    with pytest.raises(InvalidParameterError) as info:
        parse_model(spec)
    for word in words:
        assert word in str(info.value), (word, str(info.value))
    line = one_line_error(capsys, "cut", spec, "0")
    assert str(info.value) in line


def test_every_built_in_key_is_listed_when_one_is_unknown():
    for name in ("local-chain", "hierarchical", "random-rbm", "toric"):
        with pytest.raises(InvalidParameterError) as info:
            parse_model(f"{name}:colour=red")
        assert all(key in str(info.value) for key in model_keys(name)), str(info.value)


def test_spec_values_are_read_as_before():
    """The strict reader still reads every kind of value (checked on the network built, not the parser)."""
    net = parse_model("local-lattice:shape=3X2,periodic=false,scale=.5,seed=1")
    assert net.n_visible == 6 and net.n_hidden == 6
    dbm = parse_model("random-dbm:layer_sizes=4-3-2,seed=0")
    assert dbm.layer_sizes == (4, 3, 2)
    assert parse_model("local-chain:n=+6,seed=0").n_visible == 6


# --------------------------------------------------------------------------- the command line
def test_issue_examples_are_refused_in_one_line(capsys: pytest.CaptureFixture):
    assert "twice" in one_line_error(capsys, "entropy", "local-chain:n=8,n=9", "0:4")
    assert "empty item" in one_line_error(capsys, "entropy", "local-chain:n=8,,", "0:4")
    assert "U+FF18" in one_line_error(capsys, "entropy", "local-chain:n=\uff18", "0:4")
    assert "U+0663" in one_line_error(capsys, "entropy", SPEC, "\u0663")


@pytest.mark.parametrize("region", ["-1", "-1:4", "-3,2"])
@pytest.mark.parametrize("command", ["entropy", "cut", "purity"])
def test_a_negative_region_is_a_region_error_not_an_unknown_option(capsys: pytest.CaptureFixture, command, region):
    line = one_line_error(capsys, command, SPEC, region)
    assert f"region {region!r}" in line and "negative" in line and "No such option" not in line, line


def test_a_negative_number_where_no_region_is_taken_stays_a_usage_error(capsys: pytest.CaptureFixture):
    assert "No such option" in one_line_error(capsys, "profile", SPEC, "-1", code=2)


@pytest.mark.parametrize("option", [("entropy", SPEC, "0:4", "--plot"), ("profile", SPEC, "--plot")])
def test_plot_into_a_folder_is_refused_before_any_work(capsys, monkeypatch, tmp_path, option):
    from tnrbm.cli.commands import entanglement as commands

    def forbidden(*args, **kwargs):
        raise AssertionError("computed before the --plot path was checked")

    monkeypatch.setattr(commands, "entanglement", forbidden)
    monkeypatch.setattr(commands, "entanglement_profile", forbidden)
    for target, kind in ((tmp_path, "directory"), (tmp_path / "missing" / "x.png", "does not exist")):
        line = one_line_error(capsys, *option, str(target))
        assert "--plot" in line and str(target) in line and kind in line, line
    fifo = tmp_path / "fifo.png"
    os.mkfifo(fifo)
    assert "fifo" in one_line_error(capsys, *option, str(fifo))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo.png"]  # nothing written next to them


def test_draw_plot_into_a_folder_is_refused(capsys: pytest.CaptureFixture, tmp_path):
    line = one_line_error(capsys, "draw", SPEC, "--plot", str(tmp_path))
    assert "--plot" in line and "directory" in line
    assert list(tmp_path.iterdir()) == []


def test_a_memory_refusal_names_the_option_and_its_size_works(capsys: pytest.CaptureFixture):
    """The refusal spells the way out as the command line's --max-memory, and the size it proposes runs."""
    args = ["entropy", "random-rbm:n_visible=12,n_hidden=3,seed=0", "0:6", "--method", "dense", "--json"]
    line = one_line_error(capsys, *args, "--max-memory", "1KiB")
    assert "max_memory=" not in line and "--max-memory 1.0KiB allows" in line, line
    proposed = line.split("(or --max-memory ")[1].split(" or more)")[0]
    code, out, err = run(capsys, *args, "--max-memory", proposed)
    assert code == 0, err
    psi = tnrbm.models.random_rbm(12, 3, seed=0).to_dense()
    assert json.loads(out)["entropy"] == pytest.approx(_reference_entropy(psi, 6)[0], abs=1e-10)


def test_a_memory_refusal_without_the_option_says_so(capsys: pytest.CaptureFixture):
    line = one_line_error(capsys, "profile", "local-chain:n=30,alpha=4,radius=6,seed=0")
    assert "takes no --max-memory" in line and "a quarter of the available memory" in line


def test_sigint_exits_130_with_one_line(tmp_path):
    """A long computation (the exact log Z of a 16x16 Ising torus, > 15 s here) stopped by SIGINT."""
    code = "import sys; from tnrbm.cli import main; print('ready', flush=True); sys.exit(main(sys.argv[1:]))"
    root = os.path.dirname(os.path.dirname(os.path.abspath(tnrbm.__file__)))  # this checkout's tnrbm
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": root}
    args = [sys.executable, "-c", code, "rg", "logz", "--lattice", "torus", "--size", "16", "--json"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    try:
        assert proc.stdout.readline().strip() == "ready"
        proc.wait(timeout=1.5)  # still running: raises TimeoutExpired
        pytest.fail(f"finished before the signal: {proc.returncode}")
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, (proc.returncode, err)
    assert err.splitlines() == ["error: interrupted (SIGINT); nothing more was computed or written"], err
    assert out == ""


# --------------------------------------------------------------------------- size limits say how to raise them
def test_size_limits_name_the_constant_that_raises_them(monkeypatch):
    import tnrbm.ed.pauli
    import tnrbm.network.base

    with pytest.raises(InvalidParameterError, match=r"raise tnrbm\.ed\.pauli\.MAX_SITES"):
        tnrbm.ed.tfim(31)
    monkeypatch.setattr(tnrbm.ed.pauli, "MAX_SITES", 31)  # raised: the memory check is what refuses now
    with pytest.raises(tnrbm.errors.MemoryLimitError, match="max_memory="):
        tnrbm.ed.tfim(31, form="sparse", max_memory="1MiB")
    chain = tnrbm.models.local_chain(12, radius=1, periodic=False, seed=0)  # 24 units
    before = tnrbm.min_cut(chain, range(6)).size  # under the default limit
    monkeypatch.setattr(tnrbm.network.base, "MAX_BOOKKEEPING_UNITS", 20)
    with pytest.raises(InvalidParameterError, match=r"raise tnrbm\.network\.base\.MAX_BOOKKEEPING_UNITS"):
        tnrbm.min_cut(chain, range(6))
    monkeypatch.setattr(tnrbm.network.base, "MAX_BOOKKEEPING_UNITS", 24)
    assert tnrbm.min_cut(chain, range(6)).size == before == 2  # open chain, radius 1: 2 units (DESIGN.md)
    with pytest.raises(InvalidParameterError, match=r"raise tnrbm\.fit\.MAX_SPINS"):
        tnrbm.fit.log_derivatives(tnrbm.models.local_chain(17, seed=0), np.ones(17))


def test_a_model_too_big_to_build_says_what_limit_applies():
    """Builders take no max_memory: the refusal must not propose one, and says what would have to be free."""
    with pytest.raises(tnrbm.errors.MemoryLimitError) as info:
        tnrbm.models.local_chain(10**10)
    msg = str(info.value)
    assert "max_memory" not in msg and "a quarter of the memory available now" in msg and "free" in msg, msg


def test_a_state_vector_past_2_to_the_1024_is_estimated_not_overflowed():
    """2.0**n overflowed (OverflowError, a traceback on the command line) for n >= 1024."""
    ghz = tnrbm.states.ghz(1100)
    assert ghz.dense_memory() == float("inf")
    with pytest.raises(tnrbm.errors.MemoryLimitError, match="dense"):
        tnrbm.entanglement(ghz, [0, 1], method="dense")
    res = tnrbm.entanglement(ghz, "0:2")  # auto skips dense, the cut runs
    assert res.entropy == pytest.approx(np.log(2), abs=1e-12)  # GHZ: two Schmidt values 1/2


def test_sites_is_named_as_the_option(capsys: pytest.CaptureFixture):
    line = one_line_error(capsys, "spectrum", SPEC, "0:4", "--sites", "0,,2")
    assert line.startswith("error: --sites '0,,2' has an empty item"), line
