"""The command line: outputs against independent references, bad input as one line and a non-zero exit."""

from __future__ import annotations

import importlib
import inspect
import json
import math
import re
import subprocess
import sys
import time
from pathlib import Path

import click
import numpy as np
import pytest
from conftest import brute_force_psi_of, network_parameters, svd_spectrum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tnrbm
import tnrbm.specs
from tnrbm.cli import cli, main
from tnrbm.cli.app import COMMANDS
from tnrbm.ed.levels import ed_levels
from tnrbm.fit import fit_report


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def brute_force_chain_vector(net: tnrbm.RBM) -> np.ndarray:
    """The normalized state by summing over every hidden configuration (tests/conftest.py)."""
    psi = brute_force_psi_of(net)
    return psi / np.linalg.norm(psi)


def svd_entropy(psi: np.ndarray, n: int, region: list[int]) -> float:
    rest = [i for i in range(n) if i not in region]
    mat = psi.reshape((2,) * n).transpose(region + rest).reshape(2 ** len(region), -1)
    p = np.linalg.svd(mat, compute_uv=False) ** 2
    p = p[p > 1e-300]
    return float(-(p * np.log(p)).sum())


def test_entropy_json_matches_brute_force_svd(capsys: pytest.CaptureFixture) -> None:
    spec = "local-chain:n=6,radius=1,complex=true,seed=3"
    code, out, err = run(capsys, "entropy", spec, "0,2:4", "--method", "dense", "--json")
    assert code == 0, err
    payload = json.loads(out)
    net = tnrbm.models.local_chain(6, radius=1, complex=True, seed=3)
    ref = svd_entropy(brute_force_chain_vector(net), 6, [0, 2, 3])
    assert payload["region"] == "0,2:4" and payload["region_size"] == 3
    assert abs(payload["entropy"] - ref) < 1e-10


def test_base_two_gives_bits(capsys: pytest.CaptureFixture) -> None:
    spec = "local-chain:n=6,radius=1,seed=1"
    _, out_nats, _ = run(capsys, "entropy", spec, "0:3", "--method", "dense", "--json")
    _, out_bits, _ = run(capsys, "entropy", spec, "0:3", "--method", "dense", "--base", "2", "--json")
    nats, bits = json.loads(out_nats)["entropy"], json.loads(out_bits)["entropy"]
    assert abs(bits - nats / math.log(2)) < 1e-12


def test_demo_writes_report(capsys: pytest.CaptureFixture, tmp_path) -> None:
    code, out, err = run(capsys, "demo", "--out-dir", str(tmp_path), "--json")
    assert code == 0, err
    report = json.loads((tmp_path / "report.json").read_text())
    assert report == json.loads(out)
    chain = report["sections"][0]
    for row in chain["rows"]:
        # the entropy never exceeds either bound it is printed beside
        assert row["entropy"] <= row["trivial_bound"] + 1e-12
        if row["bound"] is not None:
            assert row["entropy"] <= row["bound"] + 1e-12


@pytest.mark.parametrize(
    "args",
    [
        ("entropy", "local-chain:n=6,seed=0", "0:9"),  # region out of range
        ("entropy", "local-chain:n=6,seed=0", "0,0"),  # repeated
        ("entropy", "local-chain:n=6,seed=0", "a:b"),  # malformed
        ("entropy", "local-chain:n=6,seed=0", "3:1"),  # empty range
        ("entropy", "nosuchmodel:n=6", "0:2"),  # unknown model
        ("entropy", "local-chain:n=6,colour=red", "0:2"),  # unknown key
        ("entropy", "local-chain:n=6,seed=0", "0:2", "--method", "magic"),
        ("entropy", "missing-file.npz", "0:2"),  # missing file
        ("entropy", "random-rbm:n_visible=60,n_hidden=2,seed=0", "0:30", "--method", "dense"),  # too large
        ("bogus-command",),
    ],
)
def test_bad_input_is_one_line_and_nonzero_exit(capsys: pytest.CaptureFixture, args: tuple[str, ...]) -> None:
    code, out, err = run(capsys, *args)
    assert code != 0
    lines = [line for line in err.strip().splitlines() if line]
    assert len(lines) == 1, err
    assert lines[0].startswith("error:")
    assert "Traceback" not in err


def test_help_and_info(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for sub in ("demo", "entropy", "cut", "profile", "ed", "fit", "draw", "bench", "info"):
        assert sub in out
    code, out, _ = run(capsys, "info", "--json")
    assert code == 0
    assert "local-chain" in json.loads(out)["models"]


def test_ed_json_against_free_fermions(capsys: pytest.CaptureFixture) -> None:
    # E0 of the periodic TFIM from the free-fermion formula, written here independently:
    # E0 = -sum_k eps_k, eps_k = 2 sqrt(1 + h^2 - 2 h cos k) (J = 1), k = (2m+1) pi / n
    n, h = 8, 0.7
    ks = (2 * np.arange(n) + 1) * np.pi / n
    e0 = -np.sum(np.sqrt(1 + h * h - 2 * h * np.cos(ks)))
    code, out, err = run(capsys, "ed", "tfim", "--size", str(n), "--h", str(h), "--k", "1", "--json")
    assert code == 0, err
    assert abs(json.loads(out)["levels"][0]["energy"] - e0) < 1e-9


def test_save_then_entropy_and_cut_from_the_file(capsys: pytest.CaptureFixture, tmp_path) -> None:
    path = str(tmp_path / "chain.npz")
    code, _, err = run(capsys, "save", "local-chain:n=7,radius=1,complex=true,seed=4", path)
    assert code == 0, err
    code, out, err = run(capsys, "entropy", path, "1:4", "--method", "dense", "--json")
    assert code == 0, err
    net = tnrbm.models.local_chain(7, radius=1, complex=True, seed=4)
    assert abs(json.loads(out)["entropy"] - svd_entropy(brute_force_chain_vector(net), 7, [1, 2, 3])) < 1e-10
    code, out, err = run(capsys, "cut", path, "1:4", "--json")
    assert code == 0, err
    # a periodic radius-1 chain: a contiguous region of 3 < n - 3 spins needs min(4r, |A|, |B|) = 3 cut units
    assert json.loads(out)["m"] == 3


def _pickle_bearing_npz(path, marker) -> None:
    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    arr = np.empty(1, dtype=object)
    arr[0] = Payload()
    np.savez(path, weights=arr)


def test_bad_files_are_refused_in_one_line(capsys: pytest.CaptureFixture, tmp_path) -> None:
    text_file = tmp_path / "notes.npz"
    text_file.write_text("this is not a zip archive")
    marker = tmp_path / "marker"
    pickled = tmp_path / "pickled.npz"
    _pickle_bearing_npz(pickled, marker)
    nan_file = tmp_path / "nan.npz"
    tnrbm.save(str(nan_file), tnrbm.models.random_rbm(3, 2, seed=0))
    good = dict(np.load(nan_file, allow_pickle=False))
    key = next(k for k, v in good.items() if v.dtype.kind == "f" and v.size)
    good[key] = np.full_like(good[key], np.nan)
    np.savez(nan_file, **good)
    truncated = tmp_path / "truncated.npz"
    tnrbm.save(str(truncated), tnrbm.models.random_rbm(3, 2, seed=0))
    truncated.write_bytes(truncated.read_bytes()[:100])
    for path in (text_file, pickled, nan_file, truncated):
        before = path.read_bytes()
        code, _, err = run(capsys, "entropy", str(path), "0:1")
        lines = [line for line in err.splitlines() if line]
        assert code != 0 and len(lines) == 1 and lines[0].startswith("error:"), err
        assert path.read_bytes() == before  # nothing lost or rewritten
    assert not marker.exists()  # the pickle payload never ran


# ------------------------------------------------------------------ the package layout and lazy loading
_HEAVY = ("numpy", "scipy", "quimb", "cotengra", "networkx", "matplotlib")
_ROOT = Path(__file__).resolve().parent.parent
_HELP_PROBE = """
import sys
{stub}
from click.testing import CliRunner
from tnrbm.cli.app import cli
result = CliRunner().invoke(cli, ["--help"])
assert result.exit_code == 0 and "entropy" in result.output, result.output
print(",".join(m for m in {heavy!r} if m in sys.modules))
"""
# a bare package object in place of tnrbm/__init__.py: what a lazy tnrbm/__init__ gives
_STUB = "import types; pkg = types.ModuleType('tnrbm'); pkg.__path__ = [{path!r}]; sys.modules['tnrbm'] = pkg"


def _heavy_modules_after_help(stub: bool) -> list[str]:
    code = _HELP_PROBE.format(stub=_STUB.format(path=str(_ROOT / "tnrbm")) if stub else "", heavy=_HEAVY)
    proc = subprocess.run([sys.executable, "-c", code], cwd=_ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return [m for m in proc.stdout.strip().split(",") if m]


def test_help_imports_no_heavy_module_of_the_cli_itself() -> None:
    # the CLI's own modules (group, command table) load nothing heavy for --help
    assert _heavy_modules_after_help(stub=True) == []


def test_help_imports_no_heavy_module() -> None:  # with the real (lazy) tnrbm/__init__
    assert _heavy_modules_after_help(stub=False) == []


def test_console_script_and_old_names_resolve() -> None:
    text = (_ROOT / "pyproject.toml").read_text()
    target = re.search(r'^tnrbm\s*=\s*"([\w.]+):(\w+)"', text, re.MULTILINE)
    assert target is not None
    entry = getattr(importlib.import_module(target.group(1)), target.group(2))
    assert entry is main and tnrbm.cli.cli is cli
    # every command of the lazy table resolves to a click command of that name
    for name in COMMANDS:
        command = cli.get_command(None, name)
        assert isinstance(command, click.Command) and command.name == name


def test_choices_come_from_the_library() -> None:
    by_name = {p.name: p for p in cli.get_command(None, "entropy").params}
    assert tuple(by_name["method"].type.choices) == tnrbm.entropy.method_names()
    ed_model = next(p for p in cli.get_command(None, "ed").params if p.name == "model")
    assert tuple(ed_model.type.choices) == tuple(tnrbm.ed.MODELS)


# ------------------------------------------------------------------ issue 12 item 5
def test_debug_after_the_command_works_like_before_it(capsys: pytest.CaptureFixture) -> None:
    spec = "local-chain:n=6,seed=0"
    for args in (["--debug", "entropy", spec, "0:9"], ["entropy", spec, "0:9", "--debug"]):
        with pytest.raises(tnrbm.errors.InvalidRegionError):
            main(args)
    code, out, err = run(capsys, "entropy", spec, "0:2", "--method", "dense", "--json", "--debug")
    assert code == 0, err
    net = tnrbm.models.local_chain(6, seed=0)
    assert abs(json.loads(out)["entropy"] - svd_entropy(brute_force_chain_vector(net), 6, [0, 1])) < 1e-10


def test_base_two_labels_say_bits(capsys: pytest.CaptureFixture) -> None:
    # a periodic radius-1 chain: the block 0:3 of 8 spins has the minimal cut m = min(4 r, |A|, |B|) = 3
    spec = "local-chain:n=8,radius=1,seed=2"
    for args in (("entropy", spec, "0:3"), ("cut", spec, "0:3"), ("profile", "local-chain:n=6,periodic=false")):
        code, out, err = run(capsys, *args, "--base", "2")
        assert code == 0, err
        assert "bits" in out and "ln 2" not in out and "nats" not in out, out
    code, out, _ = run(capsys, "cut", spec, "0:3", "--base", "2", "--json")
    payload = json.loads(out)
    assert (payload["m"], payload["bound"], payload["trivial_bound"], payload["units"]) == (3, 3.0, 3.0, "bits")
    code, out, _ = run(capsys, "entropy", spec, "0:3", "--method", "dense", "--base", "2", "--json")
    net = tnrbm.models.local_chain(8, radius=1, seed=2)
    payload = json.loads(out)
    assert payload["units"] == "bits"
    assert abs(payload["entropy"] - svd_entropy(brute_force_chain_vector(net), 8, [0, 1, 2]) / math.log(2)) < 1e-10


def test_profile_in_bits_against_brute_force(capsys: pytest.CaptureFixture) -> None:
    code, out, err = run(capsys, "profile", "local-chain:n=6,radius=1,periodic=false,seed=5", "--base", "2", "--json")
    assert code == 0, err
    psi = brute_force_chain_vector(tnrbm.models.local_chain(6, radius=1, periodic=False, seed=5))
    for row in json.loads(out)["cuts"]:
        assert abs(row["entropy"] - svd_entropy(psi, 6, list(range(row["cut"]))) / math.log(2)) < 1e-10
        assert row["bound"] == row["m"]  # one bit per cut unit


def _dense_rbm_psi(net: tnrbm.RBM) -> np.ndarray:
    """psi(v) = exp(a.v) prod_j 2 cosh(b_j + sum_i W_ij v_i) (spin hidden units), kron order, normalized."""
    (w,), (a, b) = network_parameters(net)
    v = 1.0 - 2.0 * ((np.arange(2**net.n_visible)[:, None] >> np.arange(net.n_visible)[::-1]) & 1)
    psi = np.exp(v @ a) * np.prod(2 * np.cosh(b + v @ w), axis=1)
    return psi / np.linalg.norm(psi)


def test_json_spectrum_says_when_it_is_truncated(capsys: pytest.CaptureFixture) -> None:
    spec = "random-rbm:n_visible=14,n_hidden=8,seed=0"  # a 7 | 7 split: 128 Schmidt values
    ref = svd_spectrum(_dense_rbm_psi(tnrbm.specs.parse_model(spec)), range(7), 14)
    code, out, err = run(capsys, "entropy", spec, "0:7", "--method", "dense", "--json")
    assert code == 0, err
    short = json.loads(out)
    assert short["spectrum_truncated"] is True and short["spectrum_length"] == len(ref) == 128
    assert np.allclose(short["spectrum"], ref[:64], atol=1e-10, rtol=0)
    code, out, err = run(capsys, "entropy", spec, "0:7", "--method", "dense", "--json", "--full-spectrum")
    full = json.loads(out)
    assert full["spectrum_truncated"] is False and full["spectrum_length"] == len(full["spectrum"]) == 128
    assert np.allclose(full["spectrum"], ref, atol=1e-10, rtol=0)
    code, out, _ = run(capsys, "entropy", "local-chain:n=6,radius=1,seed=0", "0:3", "--json")
    small = json.loads(out)  # 8 values: nothing left out
    assert small["spectrum_truncated"] is False and small["spectrum_length"] == len(small["spectrum"]) <= 8


@pytest.mark.parametrize(
    ("region", "words"),
    [
        ("0:100", ["'0:100'", "index 99", "64 visible units", "0..63"]),
        ("60:65", ["'60:65'", "index 64", "64 visible units"]),
        ("3,70", ["index 70", "64 visible units", "0..63"]),
    ],
)
def test_region_out_of_range_names_the_range(capsys: pytest.CaptureFixture, region: str, words: list[str]) -> None:
    code, _, err = run(capsys, "cut", "local-chain:n=64,seed=0", region)
    assert code == 1 and len(err.strip().splitlines()) == 1
    for word in words:
        assert word in err, err
    assert "got 64" not in err


# ------------------------------------------------------------------ issue 12 friction: defaults and options
def test_renyi_default_is_the_python_default(capsys: pytest.CaptureFixture) -> None:
    spec = "local-chain:n=6,radius=1,complex=true,seed=7"
    net = tnrbm.models.local_chain(6, radius=1, complex=True, seed=7)
    python_orders = sorted(tnrbm.entanglement(net, range(3), method="dense").renyi)
    code, out, err = run(capsys, "entropy", spec, "0:3", "--method", "dense", "--json")
    assert code == 0, err
    renyi = json.loads(out)["renyi"]
    assert sorted(float(k) for k in renyi) == [float(a) for a in python_orders]
    p = svd_spectrum(brute_force_chain_vector(net), range(3), 6)
    assert abs(renyi["2"] - (-math.log(np.sum(p**2)))) < 1e-10  # Renyi-2 from the SVD spectrum
    code, out, _ = run(capsys, "entropy", "--help")
    assert "renyi=(2,)" in " ".join(out.split())


def test_max_memory_takes_the_python_spelling(capsys: pytest.CaptureFixture) -> None:
    spec, region = "local-chain:n=12,radius=1,seed=0", "0:6"
    net = tnrbm.models.local_chain(12, radius=1, seed=0)
    with pytest.raises(tnrbm.errors.MemoryLimitError):  # Python refuses 1 KiB (1024 bytes) ...
        tnrbm.entanglement(net, range(6), method="dense", max_memory=1024)
    for text in ("1KiB", "1024"):  # ... and so does the command line, in one line
        code, _, err = run(capsys, "entropy", spec, region, "--method", "dense", "--max-memory", text)
        assert code == 1 and len(err.strip().splitlines()) == 1 and "memory" in err.lower(), err
    code, _, err = run(capsys, "entropy", spec, region, "--max-memory", "2 furlongs")
    assert code == 1 and "--max-memory" in err and "'2 furlongs'" in err, err
    code, out, err = run(capsys, "entropy", spec, region, "--method", "dense", "--max-memory", "4GiB", "--json")
    assert code == 0, err
    assert abs(json.loads(out)["entropy"] - svd_entropy(brute_force_chain_vector(net), 12, list(range(6)))) < 1e-10


def _spec_text(value: object) -> str:
    if value is inspect.Parameter.empty:
        return "(required)"
    return str(value).lower() if value is None or isinstance(value, bool) else str(value)


def test_info_lists_spec_keys_and_defaults(capsys: pytest.CaptureFixture) -> None:
    code, out, err = run(capsys, "info", "--json")
    assert code == 0, err
    listed = json.loads(out)["specs"]
    assert sorted(listed) == sorted(tnrbm.specs.model_names())
    builders = {
        "local-chain": tnrbm.models.local_chain,
        "random-rbm": tnrbm.models.random_rbm,
        "hierarchical": tnrbm.models.hierarchical,
        "toric": tnrbm.states.toric_code,
        "ghz": tnrbm.states.ghz,
    }
    for name, builder in builders.items():
        params = inspect.signature(builder).parameters
        assert listed[name] == {k: _spec_text(p.default) for k, p in params.items()}, name
    code, out, _ = run(capsys, "info")
    assert "local-chain" in out and "radius=1" in out and "n=(required)" in out


def test_fit_json_against_free_fermions(capsys: pytest.CaptureFixture) -> None:
    n = 4
    ks = (2 * np.arange(n) + 1) * np.pi / n
    e0 = -np.sum(np.sqrt(2 - 2 * np.cos(ks)))  # periodic TFIM, J = h = 1, free fermions
    code, out, err = run(capsys, "fit", "--size", str(n), "--steps", "30", "--seed", "0", "--json")
    assert code == 0, err
    energy = json.loads(out)["summary"][0]
    assert abs(energy["ed"] - e0) < 1e-9
    assert energy["rbm"] >= e0 - 1e-9  # variational: never below the ground state


@pytest.mark.slow
def test_demo_explains_its_columns_and_stays_under_a_minute(capsys: pytest.CaptureFixture, tmp_path) -> None:
    t0 = time.perf_counter()
    code, out, err = run(capsys, "demo", "--out-dir", str(tmp_path))
    seconds = time.perf_counter() - t0
    assert code == 0, err
    assert seconds < 60  # measured 27-51 s on 2 loaded cores (docs/getting-started.md#measured-times)
    assert out.count("m ln 2: the cut bound on S_A") == 4  # a legend under each entropy table
    assert "grows as 2 log2 |A|" in out
    # rounded: every number in a table has at most 4 decimals (2 significant digits below 1e-4)
    cells = re.findall(r"[│|]\s*(-?\d+\.\d+(?:e[+-]?\d+)?)\s*(?=[│|])", out)
    assert len(cells) > 50
    for cell in cells:
        mantissa = cell.split("e")[0]
        assert len(mantissa.split(".")[1]) <= (1 if "e" in cell else 4), cell
    report = json.loads((tmp_path / "report.json").read_text())
    # the JSON keeps full precision: the S_A printed is the JSON value rounded to 4 decimals
    first = report["sections"][0]["rows"][0]
    assert f"{first['entropy']:.4f}" in out


# ------------------------------------------------------------------ the report code of tnrbm ed / tnrbm fit (in ed.levels, fit)
def test_ed_levels_against_free_fermions_and_known_energies() -> None:
    # the checks of tests/test_ed.py::test_run_ed_rows, on the new name (tnrbm.ed.levels.ed_levels)
    rows = ed_levels("tfim", n=8, k=2, h=0.5)
    k = (2 * np.arange(8) + 1) * np.pi / 8
    ref = -np.sum(np.sqrt(1 + 0.25 - np.cos(k)))  # free fermions, written out here
    assert abs(rows[0]["energy"] - ref) < 1e-10 and rows[0]["error"] < 1e-10
    assert rows[1]["gap"] > 0 and rows[1]["reference"] is None
    assert ed_levels("toric", n=2, k=1)[0]["energy"] == pytest.approx(-8.0, abs=1e-10)  # -(#stars + #plaquettes)
    assert ed_levels("cluster", n=6, k=1, form="operator")[0]["energy"] == pytest.approx(-6.0, abs=1e-10)
    with pytest.raises(tnrbm.errors.InvalidParameterError, match="model must be one of"):
        ed_levels("ising")


def test_fit_report_rows_against_ed_and_the_trivial_bound() -> None:
    # the checks of tests/test_fit.py::test_run_fit_rows, on the new name (tnrbm.fit.fit_report)
    out = fit_report(n=6, steps=60, seed=0)
    summary = {row["quantity"]: row for row in out["summary"]}
    ks = (2 * np.arange(6) + 1) * np.pi / 6
    e0 = -np.sum(np.sqrt(2 - 2 * np.cos(ks)))  # periodic TFIM, J = h = 1, free fermions
    assert summary["energy"]["ed"] == pytest.approx(e0, abs=1e-10)
    assert summary["relative error"]["rbm"] < 1e-3
    assert [row["cut"] for row in out["cuts"]] == [1, 2, 3, 4, 5]
    assert all(row["entropy_ed"] <= row["bound"] + 1e-12 for row in out["cuts"])
    # a fully connected RBM: the minimal cut of [0, l) is min(l, n - l) visible units
    assert [row["bound"] for row in out["cuts"]] == pytest.approx([np.log(2) * min(k, 6 - k) for k in range(1, 6)])
    assert out["history"][-1] == summary["energy"]["rbm"] and out["rbm"].n_hidden == 6


# ------------------------------------------------------------------ garbage on the command line
@pytest.mark.parametrize(
    "args",
    [
        ("entropy", "local-chain:n=6,seed=0", "0:2", "--base", "1"),
        ("cut", "local-chain:n=6,seed=0", "0:2", "--base", "0.5"),
        ("entropy", "local-chain:n=6,seed=0", "0:2", "--max-memory", "lots"),
        ("entropy", "local-chain:n=6,seed=0", "0:2", "--max-memory", "-4GiB"),
        ("entropy", "local-chain:n=6,seed=0", "0:2", "--renyi", "two"),
        ("entropy", "local-chain:n=6,seed=0", "0:2", "--renyi", "1"),
        ("cut", "local-chain:n=6,seed=0", "-1:3"),
        ("draw", "local-chain:n=6,seed=0", "--region", "0:7"),
        ("ed", "ising"),
    ],
)
def test_bad_options_are_one_line(capsys: pytest.CaptureFixture, args: tuple[str, ...]) -> None:
    code, _, err = run(capsys, *args)
    lines = [line for line in err.splitlines() if line]
    assert code in (1, 2) and len(lines) == 1 and lines[0].startswith("error:"), err


_TEXT = st.text(alphabet=st.sampled_from("0123456789:,-. abinfGiBKM"), max_size=12)


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(region=_TEXT, renyi=_TEXT, memory=_TEXT)
def test_garbage_never_gives_a_traceback(capsys: pytest.CaptureFixture, region: str, renyi: str, memory: str) -> None:
    args = ["entropy", "local-chain:n=6,radius=1,seed=0", region, "--renyi", renyi, "--json"]
    code, out, err = run(capsys, *args, "--max-memory", memory or "1GiB")
    if code == 0:  # accepted: the region is the one typed, checked against a parser written here
        picked = set()
        for part in filter(None, (p.strip() for p in region.split(","))):
            lo, colon, hi = part.partition(":")
            picked |= set(range(int(lo or 0), int(hi or 6))) if colon else {int(part)}
        assert tnrbm.validation.parse_region_text(json.loads(out)["region"], 6) == tuple(sorted(picked))
    else:
        lines = [line for line in err.splitlines() if line]
        assert code in (1, 2) and len(lines) == 1 and lines[0].startswith("error:"), err
        assert "Traceback" not in err


# ------------------------------------------------------------------ backends and workers on the command line
def _entropy_json(capsys: pytest.CaptureFixture, *extra: str) -> dict:
    spec = "local-chain:n=10,radius=1,complex=true,seed=3"
    assert main(["entropy", spec, "0:5", "--method", "cut", "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def _reference_entropy() -> float:
    rbm = tnrbm.specs.parse_model("local-chain:n=10,radius=1,complex=true,seed=3")
    p = svd_spectrum(brute_force_psi_of(rbm), range(5), 10)  # brute-force amplitudes, dense SVD
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


def test_backend_option_matches_the_dense_reference(capsys: pytest.CaptureFixture) -> None:
    pytest.importorskip("torch")
    ref = _reference_entropy()
    assert abs(_entropy_json(capsys, "--backend", "torch")["entropy"] - ref) < 1e-10
    assert abs(_entropy_json(capsys, "--backend", "numpy")["entropy"] - ref) < 1e-10


def test_workers_option_runs_on_a_local_dask_cluster(capsys: pytest.CaptureFixture) -> None:
    pytest.importorskip("dask.distributed")
    ref = _reference_entropy()
    assert abs(_entropy_json(capsys, "--workers", "1", "--slicing", "--max-memory", "64KiB")["entropy"] - ref) < 1e-10
    assert main(["entropy", "local-chain:n=8,seed=0", "0:4", "--workers", "1", "--scheduler", "tcp://127.0.0.1:1"]) == 1
    assert "not both" in capsys.readouterr().err


def test_python_dash_m_tnrbm_runs_the_command():
    """``python -m tnrbm`` is the ``tnrbm`` command: the same chain entropy as the dense SVD of its vector."""
    out = subprocess.run(
        [sys.executable, "-m", "tnrbm", "entropy", "local-chain:n=10,seed=3", "0:5", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    value = json.loads(out.stdout)
    net = tnrbm.models.local_chain(10, seed=3)
    s = np.linalg.svd(net.to_dense().reshape(32, 32), compute_uv=False) ** 2
    s = s[s > 0] / s.sum()
    assert value["entropy"] == pytest.approx(float(-np.sum(s * np.log(s))), abs=1e-10)
