"""Every example in examples/ runs at its small size, and its headline numbers hold."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MINE = ["tfim_fit.py", "exact_states.py", "dimerized_chain.py"]


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"example_{Path(name).stem}", EXAMPLES / name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.py")))
def test_every_example_runs_at_its_small_size(name):
    module = load(name)
    assert "small" in module.main.__code__.co_varnames
    module.main(small=True)


def test_tfim_fit_example(capsys):
    (res,) = load("tfim_fit.py").main(small=True)
    assert res["relative_error"] < 1e-3
    assert abs(res["energy_ed"] - res["energy_exact"]) < 1e-9
    for cut in res["cuts"]:
        assert abs(cut["S_ed"] - cut["S_free_fermion"]) < 1e-9
        assert cut["S_rbm"] <= cut["bound"] + 1e-9
        assert cut["m"] == min(cut["l"], res["n"] - cut["l"])  # a fully connected RBM: the trivial cut
    assert "m ln 2" in capsys.readouterr().out


def test_exact_states_example():
    for row in load("exact_states.py").main(small=True):
        assert row["fidelity"] >= 1 - 1e-10, row["name"]
        assert abs(row["min_stabilizer"] - 1) < 1e-10
        for region in row["regions"]:
            assert region["S"] == pytest.approx(region["expected"], abs=1e-9)
            assert region["S"] <= region["bound"] + 1e-9


def test_dimerized_chain_example():
    rows = load("dimerized_chain.py").main(small=True)
    for row in rows:
        assert row["rate_xi"] == pytest.approx(1.0, abs=0.01)
        assert row["profile"][0] == pytest.approx(math.log(2), abs=1e-9)  # one site at half filling
        assert abs(row["profile"][-1] - row["profile"][-2]) < 1e-6  # saturated beyond xi


def test_symmetry_sectors_example():
    out = load("symmetry_sectors.py").main(small=True)
    lat = out["lattice"]
    assert abs(lat["result"].entropy - lat["plain"]) < 1e-9 and lat["result"].asymmetry < 1e-10
    xxz = out["xxz"]
    assert abs(xxz["result"].entropy - xxz["plain"]) < 1e-9
    assert abs(out["projected"]["result"].entropy - out["projected"]["dense"]) < 1e-9
    rows = out["transitions"]["hierarchical"][1]
    assert rows[0]["connected"] and not rows[-1]["connected"]
