"""The command line's one vocabulary (issue 19, item 2) and its progress bars (item 6).

Every number is checked against an independent reference: the free-fermion TFIM energy, the closed-form
decimation flow tanh K' = tanh^2 K, and Schmidt spectra from the SVD of the brute-force state vector.
"""

from __future__ import annotations

import json
import math
import os
import select
import subprocess
import sys
from pathlib import Path

import click
import numpy as np
import pytest
from conftest import brute_force_psi_of, entropies, svd_spectrum

import tnrbm
import tnrbm.specs
from tnrbm.bulk import FLOWS
from tnrbm.cli import cli, main
from tnrbm.cli.commands import fitting
from tnrbm.ed import HAMILTONIANS, register_hamiltonian
from tnrbm.entropy import method_names
from tnrbm.entropy.renyi2 import purity_methods

ROOT = Path(__file__).resolve().parents[1]
CHAIN = "local-chain:n=8,radius=1,complex=true,seed=2"
PNG = b"\x89PNG\r\n\x1a\n"


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def tfim_free_fermion_e0(n: int, h: float) -> float:
    """E0 of the periodic TFIM H = -sum ZZ - h sum X (J = 1), written here from the free-fermion formula."""
    ks = (2 * np.arange(n) + 1) * np.pi / n  # E0 = -sum_k eps_k / 2, eps_k = 2 sqrt(...), k antiperiodic
    return float(-np.sum(np.sqrt(1 + h * h - 2 * h * np.cos(ks))))


def dense_entropy(net: tnrbm.RBM, region: list[int], order: float = 1) -> float:
    """The entropy of ``region`` from the SVD of the brute-force state vector, in nats."""
    return entropies(svd_spectrum(brute_force_psi_of(net), region, net.n_visible))[order]


def warning_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("warning:")]


# --------------------------------------------------------------------------- old spellings
def test_ed_old_n_still_works_and_warns_once(capsys: pytest.CaptureFixture) -> None:
    code, out, err = run(capsys, "ed", "tfim", "--n", "8", "--h", "0.7", "--k", "1", "--json")
    assert code == 0, err
    assert abs(json.loads(out)["levels"][0]["energy"] - tfim_free_fermion_e0(8, 0.7)) < 1e-9
    (line,) = warning_lines(err)
    assert "--n" in line and "--size" in line and "removed" in line
    code, out, err = run(capsys, "ed", "tfim", "--size", "8", "--h", "0.7", "--k", "1", "--json")
    assert code == 0 and err == ""
    assert abs(json.loads(out)["levels"][0]["energy"] - tfim_free_fermion_e0(8, 0.7)) < 1e-9


def test_rg_flow_old_steps_is_levels(capsys: pytest.CaptureFixture) -> None:
    for spelling in ("--steps", "--levels"):
        code, out, err = run(capsys, "rg", "flow", "-K", "1.2", spelling, "3", "--json")
        assert code == 0, err
        k, expected = json.loads(out)["coupling"], [1.2]
        for _ in range(3):
            expected.append(math.atanh(math.tanh(expected[-1]) ** 2))  # exact decimation, zero field
        assert np.allclose(k, expected, rtol=0, atol=1e-12)
        assert len(warning_lines(err)) == (spelling == "--steps")


def test_draw_old_out_writes_the_png(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    for spelling in ("--out", "--plot"):
        path = tmp_path / f"bulk{spelling}.png"
        code, _, err = run(capsys, "draw", "local-chain:n=6,radius=1,seed=0", "--region", "0:3", spelling, str(path))
        assert code == 0, err
        assert path.read_bytes()[:8] == PNG
        assert len(warning_lines(err)) == (spelling == "--out")


@pytest.mark.parametrize(
    ("command", "old", "new", "value", "param"),
    [
        (("demo",), "--out", "--out-dir", "report-folder", "out_dir"),
        (("fit",), "--n", "--size", "6", "n"),
        (("rg", "learn"), "--n", "--size", "6", "n_spins"),
        (("rg", "learn"), "--steps", "--levels", "3", "steps"),
    ],
)
def test_old_spelling_reaches_the_new_parameter(capsys, command, old, new, value, param) -> None:
    """Parsed only (these commands take seconds to run): the old spelling sets the new option's parameter."""
    group: click.Group = cli
    for word in command[:-1]:
        group = group.get_command(None, word)  # type: ignore[assignment]
    cmd = group.get_command(None, command[-1])
    assert cmd is not None
    old_params = cmd.make_context(command[-1], [old, value]).params
    (line,) = warning_lines(capsys.readouterr().err)
    assert old in line and new in line
    new_params = cmd.make_context(command[-1], [new, value]).params
    assert capsys.readouterr().err == ""
    assert str(old_params[param]) == value and old_params == new_params
    default = cmd.make_context(command[-1], []).params[param]
    assert str(default) != value  # the value given, not the default, came through
    code, _, err = run(capsys, *command, old, value, new, value)
    assert code == 2 and "old spelling" in err and len(err.strip().splitlines()) == 1
    help_text = cmd.get_help(click.Context(cmd, info_name=command[-1]))
    assert new in help_text and f"{old} " not in help_text and f"{old}," not in help_text


# --------------------------------------------------------------------------- new options
def test_profile_renyi_against_dense_svd(capsys: pytest.CaptureFixture) -> None:
    spec = "local-chain:n=8,radius=1,periodic=false,complex=true,seed=4"
    net = tnrbm.specs.parse_model(spec)
    code, out, err = run(capsys, "profile", spec, "--renyi", "2,inf", "--json")
    assert code == 0, err
    rows = json.loads(out)["cuts"]
    assert [r["cut"] for r in rows] == list(range(1, 8))
    for r in rows:
        p = svd_spectrum(brute_force_psi_of(net), range(r["cut"]), 8)
        ref = entropies(p)
        renyi = r["renyi"]
        assert abs(r["entropy"] - ref[1]) < 1e-10
        assert abs(renyi["2"] - ref[2]) < 1e-10 and abs(renyi["inf"] - ref[np.inf]) < 1e-10
    code, out, _ = run(capsys, "profile", spec, "--renyi", "none", "--json")
    assert code == 0 and json.loads(out)["cuts"][0]["renyi"] == {}


def test_cut_plot_draws_the_bulk(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    path = tmp_path / "cut.png"
    code, out, err = run(capsys, "cut", CHAIN, "0:4", "--plot", str(path), "--json")
    assert code == 0, err
    assert path.read_bytes()[:8] == PNG
    # m bounds the exact entropy: S_A <= m ln 2, S_A from the dense SVD
    assert dense_entropy(tnrbm.specs.parse_model(CHAIN), [0, 1, 2, 3]) <= json.loads(out)["bound"] + 1e-12
    code, _, err = run(capsys, "cut", CHAIN, "0:4", "--plot", str(tmp_path))
    assert code == 1 and "--plot" in err and "directory" in err


def test_info_lists_every_registry(capsys: pytest.CaptureFixture) -> None:
    def toy(n: int, J: float = 2.0, form: str = "sparse", max_memory=None):  # noqa: N803
        return HAMILTONIANS["tfim"](n, J=J, form=form, max_memory=max_memory)

    register_hamiltonian("toy-ising", toy)
    try:
        code, out, err = run(capsys, "info", "--json")
        text_code, text, _ = run(capsys, "info")
    finally:
        HAMILTONIANS.unregister("toy-ising")
    assert code == 0 and text_code == 0, err
    info = json.loads(out)
    assert list(info["hamiltonians"]) == ["tfim", "heisenberg", "cluster", "toric", "toy-ising"]
    assert info["hamiltonians"]["toy-ising"] == {"n (--size)": "(required)", "J (--J)": "2.0"}
    assert info["flows"] == list(FLOWS.names()) and "dinic" in info["flows"]
    assert info["methods"] == list(method_names()) and info["purity_methods"] == list(purity_methods())
    for name in ("toy-ising", "heisenberg", "networkx_preflow_push", "spectrum"):
        assert name in text


def test_fit_relative_draws_the_relative_error(capsys, tmp_path: Path, monkeypatch) -> None:
    drawn: list = []
    real = fitting.save_plot
    monkeypatch.setattr(fitting, "save_plot", lambda *a, **k: (drawn.append(a), real(*a, **k)))
    path = tmp_path / "fit.png"
    code, out, err = run(capsys, "fit", "--size", "4", "--steps", "10", "--plot", str(path), "--relative", "--json")
    assert code == 0, err
    kind, (history, exact, options), _ = drawn[0]
    assert kind == "history" and options["relative"] is True and path.read_bytes()[:8] == PNG
    assert abs(exact - tfim_free_fermion_e0(4, 1.0)) < 1e-9  # the reference the error is relative to


# --------------------------------------------------------------------------- information
def test_mutual_information_against_dense_svd(capsys: pytest.CaptureFixture) -> None:
    net = tnrbm.specs.parse_model(CHAIN)
    for base in (None, 2.0):
        args = ["information", CHAIN, "0:2", "3:6", "--json"] + ([] if base is None else ["--base", "2"])
        code, out, err = run(capsys, *args)
        assert code == 0, err
        got = json.loads(out)
        s = {k: dense_entropy(net, r) for k, r in {"A": [0, 1], "B": [3, 4, 5], "AB": [0, 1, 3, 4, 5]}.items()}
        ref = (s["A"] + s["B"] - s["AB"]) / (1 if base is None else math.log(2))
        assert got["quantity"] == "I(A:B)" and abs(got["value"] - ref) < 1e-10
        assert got["units"] == ("nats" if base is None else "bits")
    code, out, err = run(capsys, "information", CHAIN, "0:2", "3:6")
    assert code == 0 and "I(A:B)" in out


def test_tripartite_information_against_dense_svd(capsys: pytest.CaptureFixture) -> None:
    net = tnrbm.specs.parse_model(CHAIN)
    parts = {"A": [0, 1], "B": [2, 3, 4], "C": [5, 6]}
    code, out, err = run(capsys, "information", CHAIN, "0:2", "2:5", "5:7", "--json")
    assert code == 0, err
    got = json.loads(out)
    ref = 0.0
    for name in ("A", "B", "C", "AB", "AC", "BC", "ABC"):
        region = sorted(i for part in name for i in parts[part])
        ref += (-1) ** (len(name) + 1) * dense_entropy(net, region)
        assert abs(got["entropies"][name]["entropy"] - dense_entropy(net, region)) < 1e-10
    assert got["quantity"] == "I3(A:B:C)" and abs(got["value"] - ref) < 1e-10
    code, _, err = run(capsys, "information", CHAIN, "0:3", "2:5")
    assert code == 1 and "disjoint" in err


def test_ghz_tripartite_information_is_plus_ln2(capsys: pytest.CaptureFixture) -> None:
    """GHZ: every S of a proper subset is ln 2, so I3 = 3 ln 2 - 3 ln 2 + S_ABC = +ln 2 (1 bit) on 4 spins."""
    code, out, err = run(capsys, "information", "ghz:n=4", "0", "1", "2", "--base", "2", "--json")
    assert code == 0, err
    assert abs(json.loads(out)["value"] - 1.0) < 1e-12


# --------------------------------------------------------------------------- progress
FIT = ("fit", "--size", "4", "--steps", "40", "--seed", "0", "--json")


def without_times(text: str) -> dict:
    """The JSON of ``tnrbm fit`` without its wall times (the one row that differs from run to run)."""
    out = json.loads(text)
    out["summary"] = [row for row in out["summary"] if row["quantity"] != "seconds"]
    return out


def test_progress_goes_to_stderr_and_leaves_stdout_alone(capsys: pytest.CaptureFixture) -> None:
    code, plain, err = run(capsys, *FIT)
    assert code == 0 and err == ""  # stderr is no terminal here: no bar
    code, quiet, err = run(capsys, "--quiet", *FIT)
    assert code == 0 and err == "" and without_times(quiet) == without_times(plain)
    code, forced, err = run(capsys, "--progress", *FIT)
    assert code == 0 and without_times(forced) == without_times(plain)  # the same JSON
    assert "fitting RBM to TFIM n = 4" in err and "41/41" in err
    code, both, err = run(capsys, "--quiet", "--progress", *FIT)
    assert code == 0 and err == "" and without_times(both) == without_times(plain)  # --quiet wins
    fit = json.loads(plain)["summary"][0]
    assert abs(fit["ed"] - tfim_free_fermion_e0(4, 1.0)) < 1e-9


def _run_on_pty(*args: str) -> tuple[int, str, bytes]:
    """``python -m tnrbm ARGS`` with stderr on a pseudo-terminal; (exit code, stdout, what the terminal got)."""
    master, slave = os.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm", "COLUMNS": "100"}
    proc = subprocess.Popen([sys.executable, "-m", "tnrbm", *args], stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    got = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        got += chunk
    out, _ = proc.communicate(timeout=120)
    os.close(master)
    return proc.returncode, out.decode(), got


def test_a_terminal_gets_a_bar_unless_quiet() -> None:
    code, out, term = _run_on_pty(*FIT)
    assert code == 0 and b"fitting RBM to TFIM n = 4" in term
    ref = tfim_free_fermion_e0(4, 1.0)
    assert abs(json.loads(out)["summary"][0]["ed"] - ref) < 1e-9
    code, quiet_out, term = _run_on_pty("--quiet", *FIT)
    assert code == 0 and term == b"" and without_times(quiet_out) == without_times(out)


def test_spinner_of_rg_logz_with_progress(capsys: pytest.CaptureFixture) -> None:
    code, out, err = run(capsys, "--progress", "rg", "logz", "--size", "50", "-K", "0.4", "--json")
    assert code == 0 and "log Z of the Ising chain, size 50" in err
    k = 0.4  # periodic chain: Z = (2 cosh K)^N + (2 sinh K)^N
    ref = 50 * math.log(2 * math.cosh(k)) + math.log1p(math.tanh(k) ** 50)
    assert abs(json.loads(out)["log_z"] - ref) < 1e-10
