"""examples/rg_decimation.py at its small size: its headline numbers against closed forms."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "rg_decimation.py"


def test_rg_decimation_example(capsys):
    spec = importlib.util.spec_from_file_location("example_rg_decimation", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.main(small=True)
    ref = [1.0]
    for _ in range(4):
        ref.append(math.atanh(math.tanh(ref[-1]) ** 2))
    assert out["flow"] == pytest.approx(ref, abs=1e-10)
    assert abs(out["delta_f_exact"]) < 1e-11
    # weakened couplings: Delta F = log Z_64(K=1) - log Z_64(K=0.9) from the closed form
    lz = lambda n, k: n * math.log(2 * math.cosh(k)) + math.log1p(math.tanh(k) ** n)  # noqa: E731
    assert out["delta_f_weak"] == pytest.approx(lz(64, 1.0) - lz(64, 0.9), rel=1e-10)
    assert out["log_z_flow"] == pytest.approx(lz(64, 1.0), rel=1e-12)
    assert out["log_z_contraction"] == pytest.approx(lz(64, 1.0), rel=1e-12)
    assert abs(out["learned_weight"] - 1.0) < 0.05 and abs(out["learned_coupling"] - ref[1]) < 0.03
    assert "tanh K' = tanh^2 K" in capsys.readouterr().out
