"""The ``rg`` click group (wired into ``tnrbm`` at merge): JSON output against closed forms, pictures, errors."""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from tnrbm.cli.commands.rg import rg
from tnrbm.errors import InvalidParameterError


def run(args):
    res = CliRunner().invoke(rg, args)
    assert res.exit_code == 0, res.output
    return res


def test_flow_json_and_plot(tmp_path):
    out = json.loads(run(["flow", "-K", "1", "--levels", "4", "--json"]).stdout)
    ref = [1.0]
    for _ in range(4):
        ref.append(math.atanh(math.tanh(ref[-1]) ** 2))
    assert out["coupling"] == pytest.approx(ref, abs=1e-12)
    pic = tmp_path / "flow.png"
    run(["flow", "-K", "0.8", "-B", "0.2", "--plot", str(pic)])
    assert pic.stat().st_size > 1000


def test_logz_json_matches_closed_form():
    for via in ("hamiltonian", "rbm"):
        out = json.loads(run(["logz", "--size", "500", "-K", "0.3", "--via", via, "--json"]).stdout)
        ref = 500 * math.log(2 * math.cosh(0.3)) + math.log1p(math.tanh(0.3) ** 500)
        assert out["log_z"] == pytest.approx(ref, rel=1e-12)
    assert "log Z" in run(["logz", "--lattice", "torus", "--size", "4"]).output


def test_couplings_json_is_the_flow():
    out = json.loads(run(["couplings", "--kept", "6", "-K", "0.7", "--json"]).stdout)
    kp = math.atanh(math.tanh(0.7) ** 2)
    assert out["couplings"]["0,1"] == pytest.approx(kp, abs=1e-10)
    assert "0,2" not in out["couplings"]


def test_sample_and_learn(tmp_path):
    out = json.loads(run(["sample", "--size", "8", "-K", "0.6", "--sweeps", "100", "--seed", "0", "--json"]).stdout)
    assert out["abs_m"] > 0.8
    pic = tmp_path / "learn.png"
    out = json.loads(run(["learn", "--size", "6", "--levels", "1", "--seed", "0", "--json", "--plot", str(pic)]).stdout)
    assert out["learned_coupling"][0] == pytest.approx(out["exact_flow"][1], abs=0.03)
    assert pic.exists()


def test_bad_input_raises_tnrbm_error():
    res = CliRunner().invoke(rg, ["flow", "--levels", "-1"])
    assert isinstance(res.exception, InvalidParameterError)
