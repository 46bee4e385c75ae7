"""One JSON schema for every command (tnrbm/cli/schema.json), and outputs that regenerate from their seed."""

from __future__ import annotations

import copy
import json
import math

import click
import jsonschema
import numpy as np
import pytest
from conftest import brute_force_psi_of, entropies, svd_spectrum
from PIL import Image

import tnrbm
from tnrbm.cli import cli, main
from tnrbm.cli.app import COMMANDS
from tnrbm.cli.provenance import json_schema
from tnrbm.validation import parse_region_text

_VERSIONS = {"tnrbm", "numpy", "scipy", "quimb", "cotengra", "networkx"}
#: every command that prints JSON, on a small model: schema name -> arguments
CASES = {
    "entropy": ["entropy", "local-chain:n=8", "0,2:4", "--json"],
    "purity": ["purity", "local-chain:n=8", "0:3", "--json", "--base", "2"],
    "cut": ["cut", "local-chain:n=8", "0:4", "--json"],
    "profile": ["profile", "local-chain:n=6,periodic=false", "--json"],
    "spectrum": ["spectrum", "ghz:n=6", "0:3", "--json"],
    "topk": ["topk", "local-chain:n=10,radius=2", "0:5", "--k", "4", "--json"],
    "ed": ["ed", "tfim", "--size", "6", "--json"],
    "fit": ["fit", "--size", "4", "--steps", "5", "--json"],
    "information": ["information", "local-chain:n=8", "0:2", "3:6", "--json"],
    "info": ["info", "--json"],
    "save": ["save", "local-chain:n=6", "{tmp}/m.npz", "--json"],
    "demo": ["demo", "--out-dir", "{tmp}", "--json"],
    "rg flow": ["rg", "flow", "--levels", "2", "--json"],
    "rg logz": ["rg", "logz", "--size", "20", "--json"],
    "rg couplings": ["rg", "couplings", "--kept", "4", "--json"],
    "rg sample": ["rg", "sample", "--size", "4", "--sweeps", "20", "--chains", "2", "--json"],
    "rg learn": ["rg", "learn", "--size", "4", "--levels", "1", "--json"],
    "rg rsmi": ["rg", "rsmi", "--size", "5", "--exact", "--rule", "majority", "--json"],
    "rg mcrg": ["rg", "mcrg", "--size", "8", "--levels", "1", "--samples", "20", "--json"],
}


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def run_json(capsys: pytest.CaptureFixture, *args: str) -> tuple[dict, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out), err


def _json_commands() -> set[str]:
    """Every command (``rg`` subcommands as ``rg NAME``) that has a ``--json`` option, found by walking click."""
    found = set()
    for name in COMMANDS:
        command = cli.get_command(None, name)
        subs = command.commands.items() if isinstance(command, click.Group) else [("", command)]
        for sub, cmd in subs:
            if any("--json" in p.opts for p in cmd.params):
                found.add(f"{name} {sub}".strip())
    return found


def test_every_json_command_is_in_the_schema_and_in_this_test():
    assert set(CASES) == _json_commands() == set(json_schema()["properties"]["command"]["enum"])


@pytest.mark.parametrize("name", list(CASES))
def test_every_command_output_validates(name, capsys, tmp_path, validator):
    args = [a.replace("{tmp}", str(tmp_path)) for a in CASES[name]]
    payload, _ = run_json(capsys, *args)
    errors = [e.message for e in validator.iter_errors(payload)]
    assert not errors, errors
    assert payload["command"] == name and set(payload["versions"]) == _VERSIONS
    assert payload["versions"]["tnrbm"] == tnrbm.__version__
    if "units" in payload:  # an entropy is printed: its units say what base says
        assert payload["units"] == {None: "nats", 2: "bits"}[payload["base"]]
    if name == "demo":  # the report on disk is the same document
        assert json.loads((tmp_path / "report.json").read_text()) == payload


def test_a_wrong_key_or_type_fails_the_schema(capsys, validator):
    good, _ = run_json(capsys, "purity", "local-chain:n=6,seed=1", "0:3", "--json")
    assert validator.is_valid(good)
    planted = copy.deepcopy(good)
    planted["renyi2"] = planted["renyi"].pop("2")  # the old key of tnrbm purity
    assert not validator.is_valid(planted)
    assert "renyi2" in " ".join(e.message for e in validator.iter_errors(planted))
    for key, value in [("region", [0, 1, 2]), ("seed", -1), ("units", "nat"), ("renyi", {"two": 0.1})]:
        bad = {**copy.deepcopy(good), key: value}
        assert not validator.is_valid(bad), key
    missing = {k: v for k, v in good.items() if k != "versions"}
    assert not validator.is_valid(missing)
    other = {**copy.deepcopy(good), "command": "cut"}  # purity's keys are not cut's
    assert not validator.is_valid(other)


@pytest.mark.parametrize("command", ["entropy", "purity", "cut", "topk", "spectrum"])
@pytest.mark.parametrize("region", ["0,2:4,7", "", "1:9"])
def test_the_region_round_trips(command, region, capsys):
    n = 10
    extra = {"topk": ["--k", "2"], "spectrum": ["--sectors", "none"]}.get(command, [])
    if command == "topk" and region in ("", "1:9"):
        pytest.skip("topk needs k < 2**m: a region with a cut of at least two units")
    payload, _ = run_json(capsys, command, f"local-chain:n={n},seed=2", region, "--json", *extra)
    assert parse_region_text(payload["region"], n) == parse_region_text(region, n)
    assert payload["region_size"] == len(parse_region_text(region, n)) and payload["n_visible"] == n


def test_a_512_spin_region_is_one_line(capsys):
    payload, _ = run_json(capsys, "cut", "local-chain:n=1024,seed=0", "0:512", "--json")
    assert payload["region"] == "0:512" and payload["region_size"] == 512
    assert parse_region_text(payload["region"], 1024) == tuple(range(512))
    assert payload["m"] == 4  # periodic radius-1 chain: 2 units per boundary, against the rule in DESIGN.md


# ------------------------------------------------------------------ seeds
def _seed_line(err: str) -> int:
    [line] = [line for line in err.splitlines() if line.startswith("seed: ")]
    seed = int(line.split()[1])
    assert f"rerun with tnrbm --seed {seed}" in line
    return seed


def test_unseeded_runs_record_their_seed_and_regenerate(capsys):
    first, err1 = run_json(capsys, "entropy", "local-chain:n=8", "0:4", "--json")
    second, err2 = run_json(capsys, "entropy", "local-chain:n=8", "0:4", "--json")
    s1, s2 = _seed_line(err1), _seed_line(err2)
    assert first["seed"] == s1 and second["seed"] == s2 and s1 != s2
    assert first["model"] == f"local-chain:n=8,seed={s1}"
    again, err = run_json(capsys, "--seed", str(s1), "entropy", "local-chain:n=8", "0:4", "--json")
    assert err == "" and again["seed"] == s1 and again["model"] == first["model"]
    assert again["entropy"] == first["entropy"] and again["spectrum"] == first["spectrum"]
    # the recorded model alone rebuilds the state: its entropy against the SVD of brute-force amplitudes
    net = tnrbm.specs.parse_model(first["model"])
    ref = entropies(svd_spectrum(brute_force_psi_of(net), [0, 1, 2, 3], 8))
    assert first["entropy"] == pytest.approx(ref[1], abs=1e-10)
    assert first["renyi"]["2"] == pytest.approx(ref[2], abs=1e-10)


def test_a_seeded_spec_draws_nothing(capsys):
    payload, err = run_json(capsys, "entropy", "local-chain:n=8,seed=3", "0:4", "--json")
    assert err == "" and payload["seed"] is None and payload["model"] == "local-chain:n=8,seed=3"
    given, _ = run_json(capsys, "--seed", "9", "entropy", "local-chain:n=8,seed=3", "0:4", "--json")
    assert given["model"] == "local-chain:n=8,seed=3" and given["entropy"] == payload["entropy"]  # its own seed wins


@pytest.mark.parametrize(
    "args", [["rg", "sample", "--size", "4", "--sweeps", "20", "--chains", "2"], ["fit", "--size", "3", "--steps", "3"]]
)
def test_command_seed_and_global_seed_agree(args, capsys):
    def numbers(payload: dict) -> dict:  # everything but the timings
        out = {k: v for k, v in payload.items() if k != "seconds"}
        if "summary" in out:
            out["summary"] = [row for row in out["summary"] if row["quantity"] != "seconds"]
        return out

    drawn, err = run_json(capsys, *args, "--json")
    seed = _seed_line(err)
    by_command, _ = run_json(capsys, *args, "--seed", str(seed), "--json")
    by_group, _ = run_json(capsys, "--seed", str(seed), *args, "--json")
    assert drawn["seed"] == seed and numbers(by_command) == numbers(by_group) == numbers(drawn)
    assert main(["--seed", str(seed + 1), *args, "--seed", str(seed)]) == 2
    assert "disagree" in capsys.readouterr().err


def test_a_failed_run_prints_one_line(capsys):
    assert main(["entropy", "local-chain:n=8", "0:100"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1 and err.startswith("error: ")


def test_saved_file_and_figure_record_seed_model_and_versions(capsys, tmp_path):
    path = tmp_path / "chain.npz"
    saved, err = run_json(capsys, "save", "local-chain:n=6", str(path), "--json")
    seed = _seed_line(err)
    meta = tnrbm.io.read_metadata(path)
    assert meta["seed"] == seed and meta["model"] == saved["model"] == f"local-chain:n=6,seed={seed}"
    assert set(meta["versions"]) == _VERSIONS
    rebuilt = tnrbm.specs.parse_model(meta["model"])
    assert np.allclose(rebuilt.to_dense(), tnrbm.io.load(path).to_dense(), atol=1e-14)
    picture = tmp_path / "spectrum.png"
    assert main(["--seed", "11", "entropy", "local-chain:n=6", "0:3", "--plot", str(picture)]) == 0
    text = Image.open(picture).text
    assert text["seed"] == "11" and text["model"] == "local-chain:n=6,seed=11"
    assert text["numpy version"] == np.__version__


def test_python_canonical_spec_regenerates():
    spec = tnrbm.specs.canonical_spec("local-chain:n=6,radius=2")
    seed = int(spec.rsplit("seed=", 1)[1])
    direct = tnrbm.models.local_chain(6, radius=2, seed=seed)
    assert np.allclose(tnrbm.specs.parse_model(spec).to_dense(), direct.to_dense(), atol=0)
    assert tnrbm.specs.canonical_spec("local-chain:n=6,seed=none", seed=4) == "local-chain:n=6,seed=4"
    assert math.isfinite(tnrbm.entanglement(tnrbm.specs.parse_model(spec), range(3)).entropy)
