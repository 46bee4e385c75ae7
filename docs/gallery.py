"""Regenerate the docs gallery (``docs/assets/*.png``) from the code: one script for every picture the docs show.

    python docs/gallery.py                 # every picture that takes seconds (about 40 s on 2 cores)
    python docs/gallery.py spectrum bulk   # only these
    python docs/gallery.py --heavy         # also the three pictures of benchmarks/bench_rg.py (many minutes)
    python docs/gallery.py --list          # the names, and where each picture comes from

Each picture is drawn by :mod:`tnrbm.plot` (or the example / benchmark that owns it) at 100 dpi and
records the tnrbm version and its seed in its PNG metadata. The Monte Carlo pictures (RSMI filters, MCRG
exponents, the coupling flow) are redrawn from the results the benchmarks saved in
``benchmarks/results/*.json`` (computing them again takes hours); the sizes printed at the end should
stay under about 150 KB each.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's tnrbm, also when another one is installed

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import tnrbm  # noqa: E402
import tnrbm.plot  # noqa: E402
from tnrbm import ed, fit  # noqa: E402
from tnrbm.rg import sampling  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
DPI = 100


def _load(path: Path):
    """A module of examples/ or benchmarks/ by its file (they are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"gallery_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _chain():
    """The complex chain of docs/how-to/plot.md: N = 14, radius 1, two hidden units per site."""
    return tnrbm.models.local_chain(14, alpha=2, radius=1, scale=1.0, complex=True, seed=0)


def bulk(out: Path) -> None:
    """README: the hierarchical network of ``tnrbm demo`` (n = 32) with the surface of an 8-spin region."""
    tnrbm.plot.draw_bulk(tnrbm.models.hierarchical(32, seed=0), region=range(8, 16), path=out / "bulk.png", seed=0)


def cut_scaling(out: Path) -> None:
    """``tnrbm demo``: m against log2 |A| on the hierarchical network of 256 spins, with the slope-2 fit."""
    tnrbm.plot.cut_scaling(tnrbm.models.hierarchical(256, seed=0), path=out / "cut_scaling.png", seed=0)


def entropy(out: Path) -> None:
    """how-to/plot: S_A of the complex chain with its cut and trivial bounds."""
    tnrbm.plot.entropy_curve(_chain(), path=out / "entropy.png", seed=0)


def spectrum(out: Path) -> None:
    """how-to/plot: every Schmidt probability of the half chain, the rank bound 2^m."""
    tnrbm.plot.spectrum(tnrbm.entanglement(_chain(), range(7)), path=out / "spectrum.png", seed=0)


def profile(out: Path) -> None:
    """how-to/plot: S and S_2 at every cut of an open chain of 32, the cut bound, the trivial bound clipped."""
    net = tnrbm.models.local_chain(32, radius=1, periodic=False, seed=0)
    prof = tnrbm.entanglement_profile(net)
    cuts = [tnrbm.min_cut(net, range(ell)).size for ell in prof.sizes]
    tnrbm.plot.profile(prof, cut_sizes=cuts, path=out / "profile.png", seed=0)


def energy(out: Path) -> None:
    """how-to/plot: the relative energy error of an RBM fitted to the TFIM, N = 6, on a log axis."""
    hamiltonian = ed.tfim(6)
    start = tnrbm.models.random_rbm(6, 6, scale=0.05, seed=0)
    fitted = fit.variational_ground_state(start, hamiltonian, steps=100, seed=0)
    tnrbm.plot.energy_history(
        fitted,
        exact=ed.ground_state(hamiltonian).energy,
        relative=True,
        title=r"RBM ($\alpha = 1$) fitted to the TFIM, $N = 6$, $h = 1$",
        path=out / "energy.png",
        seed=0,
    )


def magnetization(out: Path) -> None:
    """how-to/plot: ``tnrbm rg sample``'s histogram, the 16 x 16 torus at K_c."""
    res = sampling.swendsen_wang((16, 16), sampling.CRITICAL_COUPLING, n_sweeps=400, n_chains=8, seed=0)
    tnrbm.plot.magnetization_histogram(
        res.magnetization,
        size=16,
        coupling=sampling.CRITICAL_COUPLING,
        sweeps=400,
        chains=8,
        path=out / "magnetization.png",
        seed=0,
    )


def symmetry(out: Path) -> None:
    """how-to/symmetry and theory/surfaces: levels.png and cut_transition.png (examples/symmetry_sectors.py)."""
    _load(ROOT / "examples" / "symmetry_sectors.py").main(out=str(out))


def rg_flow(out: Path) -> None:
    """how-to/rg: the decimation flow as stacked RBMs and one learned step (examples/rg_decimation.py)."""
    _load(ROOT / "examples" / "rg_decimation.py").main(plot=str(out / "rg_flow.png"))


def rsmi_filters(out: Path) -> None:
    """how-to/learned-rg: the learned filters, redrawn from benchmarks/results/rsmi.json and rsmi_b3.json."""
    bench = _load(ROOT / "benchmarks" / "bench_rsmi.py")
    for name, target in (("rsmi.json", "rsmi_filters.png"), ("rsmi_b3.json", "rsmi_filters_b3.png")):
        bench.plot(json.loads((RESULTS / name).read_text()), str(out / target))


def mcrg_exponents(out: Path) -> None:
    """how-to/learned-rg: y_t and y_h per level, redrawn from benchmarks/results/mcrg_L128.json and mcrg_L81_b3.json."""
    bench = _load(ROOT / "benchmarks" / "bench_mcrg.py")
    for name, target in (("mcrg_L128.json", "mcrg_exponents.png"), ("mcrg_L81_b3.json", "mcrg_exponents_b3.png")):
        saved = json.loads((RESULTS / name).read_text())["results"]
        arrays = ("y_t", "y_t_error", "y_h", "y_h_error")
        results = [
            SimpleNamespace(**{k: np.asarray(v, dtype=float) if k in arrays else v for k, v in r.items()})
            for r in saved
        ]
        bench.plot(results, str(out / target))


def rg_coupling_flow(out: Path) -> None:
    """how-to/learned-rg: the fitted K~(K) of each rule, redrawn from benchmarks/results/flow.json."""
    _load(ROOT / "benchmarks" / "bench_flow.py").plot(
        json.loads((RESULTS / "flow.json").read_text()), str(out / "rg_coupling_flow.png")
    )


def learned_stack(out: Path) -> None:
    """how-to/rg: rg_receptive_fields.png, rg_min_cuts.png, rg_learned_flow.png (benchmarks/bench_rg.py, many minutes)."""
    argv, sys.argv = sys.argv, ["bench_rg.py", "--out", str(out)]
    try:
        _load(ROOT / "benchmarks" / "bench_rg.py").main()
    finally:
        sys.argv = argv


#: every picture: name -> what draws it (the docstrings say where each is shown)
PICTURES: dict[str, Callable[[Path], None]] = {
    f.__name__: f
    for f in (
        bulk, cut_scaling, entropy, spectrum, profile, energy, magnetization, symmetry, rg_flow,
        rsmi_filters, mcrg_exponents, rg_coupling_flow,
    )
}  # fmt: skip
HEAVY = {"learned_stack": learned_stack}


def main(argv: list[str] | None = None) -> dict[str, float]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help=f"pictures to draw (default: all but --heavy): {', '.join(PICTURES)}")
    ap.add_argument("--out", default=str(ROOT / "docs" / "assets"), help="folder (default: docs/assets)")
    ap.add_argument("--heavy", action="store_true", help="also " + ", ".join(HEAVY) + " (benchmarks/bench_rg.py)")
    ap.add_argument("--list", action="store_true", help="list the pictures and exit")
    args = ap.parse_args(argv)
    known = {**PICTURES, **HEAVY}
    if args.list:
        for name, draw in known.items():
            print(f"{name:>16}: {(draw.__doc__ or '').strip()}")
        return {}
    unknown = [n for n in args.names if n not in known]
    if unknown:
        ap.error(f"unknown picture(s) {unknown}; choose from {list(known)}")
    names = args.names or list(PICTURES) + (list(HEAVY) if args.heavy else [])
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    plt.rcParams["savefig.dpi"] = DPI
    seconds = {}
    for name in names:
        t0 = time.perf_counter()
        known[name](out)
        plt.close("all")
        seconds[name] = time.perf_counter() - t0
        print(f"{name:>16}: {seconds[name]:6.1f} s", flush=True)
    for path in sorted(out.glob("*.png")):
        print(f"{path.name:>26}  {os.path.getsize(path) / 1024:6.1f} KB")
    return seconds


if __name__ == "__main__":
    main()
