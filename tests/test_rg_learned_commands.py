"""``tnrbm rg rsmi`` and ``tnrbm rg mcrg``: JSON against independent references, pictures, errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tnrbm.cli.commands.rg import rg
from tnrbm.errors import InvalidParameterError


def run(args):
    res = CliRunner().invoke(rg, args)
    assert res.exit_code == 0, res.output
    return res


def test_rsmi_sampled_agrees_with_exact_enumeration(tmp_path):
    """Two algorithms on the 5x5 torus: every environment enumerated vs Swendsen-Wang environments."""
    exact = json.loads(run(["rsmi", "--size", "5", "--exact", "--json"]).stdout)["results"]
    pic = tmp_path / "rsmi.png"
    sampled = json.loads(
        run(
            ["rsmi", "--size", "5", "--samples", "800", "--positions", "1", "--seed", "0", "--json", "--plot", str(pic)]
        ).stdout
    )["results"]
    for e, s in zip(exact, sampled):
        assert e["rule"] == s["rule"]
        assert abs(e["mutual_information"] - s["mutual_information"]) < 4 * s["error"]
    assert [r["rule"] for r in exact] == ["decimation", "majority"]
    assert exact[1]["mutual_information"] > exact[0]["mutual_information"]  # majority keeps more than decimation
    assert pic.stat().st_size > 1000


def test_mcrg_json_table_and_plot(tmp_path):
    pic = tmp_path / "mcrg.png"
    out = json.loads(
        run(
            [
                "mcrg",
                "--size",
                "16",
                "--levels",
                "2",
                "--samples",
                "600",
                "--rule",
                "majority",
                "--seed",
                "0",
                "--json",
                "--plot",
                str(pic),
            ]
        ).stdout  # fmt: skip
    )
    [res] = out["results"]
    assert res["rule"] == "majority" and out["seed"] == 0
    assert abs(res["y_h"][0][-1] - 15 / 8) < 0.1  # exact magnetic exponent, loose at L = 16
    assert pic.stat().st_size > 1000
    assert "y_t" in run(["mcrg", "--size", "8", "--levels", "1", "--samples", "100"]).output


def test_learned_rules_from_the_command_line():
    out = json.loads(
        run(
            [
                "rsmi",
                "--size",
                "5",
                "--exact",
                "--rule",
                "likelihood",
                "--rule",
                "rsmi",
                "--train-samples",
                "40",
                "--seed",
                "0",
                "--json",
            ]
        ).stdout
    )
    names = [f["name"] for f in out["filters"]]
    assert names == ["likelihood", "rsmi"]
    assert all(sum(f["weights"]) > 0 for f in out["filters"])  # canonical sign
    assert out["filters"][1]["bias"] == 0.0


@pytest.mark.parametrize(
    "args",
    [
        ["mcrg", "--size", "30", "--levels", "2"],
        ["rsmi", "--size", "4", "--exact"],
        ["rsmi", "--coupling", "-1"],
    ],
)
def test_bad_input_raises_tnrbm_error(args):
    res = CliRunner().invoke(rg, args)
    assert isinstance(res.exception, InvalidParameterError)
