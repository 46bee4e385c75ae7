"""The command line: outputs against independent references, bad input as one line and a non-zero exit."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from conftest import brute_force_psi_of

import tnrbm
from tnrbm.cli import main


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
    assert payload["region"] == [0, 2, 3]
    assert abs(payload["entropy"] - ref) < 1e-10


def test_base_two_gives_bits(capsys: pytest.CaptureFixture) -> None:
    spec = "local-chain:n=6,radius=1,seed=1"
    _, out_nats, _ = run(capsys, "entropy", spec, "0:3", "--method", "dense", "--json")
    _, out_bits, _ = run(capsys, "entropy", spec, "0:3", "--method", "dense", "--base", "2", "--json")
    nats, bits = json.loads(out_nats)["entropy"], json.loads(out_bits)["entropy"]
    assert abs(bits - nats / math.log(2)) < 1e-12


def test_demo_writes_report(capsys: pytest.CaptureFixture, tmp_path) -> None:
    code, out, err = run(capsys, "demo", "--out", str(tmp_path), "--json")
    assert code == 0, err
    report = json.loads((tmp_path / "report.json").read_text())
    assert report == json.loads(out)
    chain = report["sections"][0]
    for row in chain["rows"]:
        # the entropy never exceeds either bound it is printed beside
        assert row["S"] <= row["trivial_bound"] + 1e-12
        if row["bound"] is not None:
            assert row["S"] <= row["bound"] + 1e-12


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
    code, out, err = run(capsys, "ed", "tfim", "--n", str(n), "--h", str(h), "--k", "1", "--json")
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
