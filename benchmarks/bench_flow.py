"""The fitted nearest-neighbour coupling flow K -> K~(K) of each 2x2 rule, its fixed point and y_t.

For each rule (majority with coin ties, decimation, the likelihood-learned and the RSMI-optimal
filters, both learned once at K_c), Swendsen-Wang samples of the ``--size`` torus at every K of a grid
are coarse-grained once and K~ is fitted by pseudo-likelihood (jackknife errors); the projected fixed
point K* (K~ = K) and lambda = dK~/dK there give y_t = log2(lambda), the one-coupling truncation.

    python benchmarks/bench_flow.py --json benchmarks/results/flow.json --out docs/assets
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from tnrbm.cli.progress import progress_bar
from tnrbm.rg import blocking, flow, rsmi, sampling

K_C = sampling.CRITICAL_COUPLING


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=32)
    ap.add_argument("--samples", type=int, default=400)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", default=None)
    ap.add_argument("--out", default=None)
    ap.add_argument("--quick", action="store_true", help="majority and decimation only, 16x16, 100 samples, 5 K")
    args = ap.parse_args()
    if args.quick:
        args.size, args.samples = 16, 100
    t0 = time.perf_counter()
    rules = [blocking.majority_rule(2), blocking.decimation_rule(2)]
    if not args.quick:
        res = sampling.swendsen_wang((16, 16), K_C, n_sweeps=4000, thin=2, keep_samples=True, seed=args.seed)
        rules += [
            blocking.likelihood_rule(res.samples[0].reshape(-1, 16, 16), 2, epochs=30, seed=args.seed),
            rsmi.rsmi_trained_rule((32, 32), K_C, 2, 1, n_samples=500, positions=16, seed=args.seed),
        ]
    ks = np.round(np.linspace(0.30, 0.60, 5 if args.quick else 11), 4)
    out = {"args": vars(args), "grid": ks.tolist(), "flows": []}
    with progress_bar(len(rules), "coupling flows", label="K*") as advance:
        for i, r in enumerate(rules):
            f = flow.coupling_flow((args.size, args.size), ks, r, n_samples=args.samples, seed=args.seed + i)
            out["flows"].append({**f.to_dict(), "filter": r.to_dict()})
            advance(i, f.fixed_point)
            print(f"{r.name:>11}: K* = {f.fixed_point:.4f}, lambda = {f.eigenvalue:.4f}, y_t = {f.y_t:.4f}", flush=True)
    out["seconds"] = time.perf_counter() - t0
    print(f"{out['seconds']:.1f} s")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=1, default=float)
    if args.out:
        plot(out, f"{args.out}/rg_coupling_flow.png")


def plot(out: dict, path: str) -> None:
    """The fitted K~(K) of each rule on the grid, with K~ = K and K_c (``out`` as written to the JSON)."""
    from matplotlib.figure import Figure

    from tnrbm.plot import save_figure

    ks = np.asarray(out["grid"])
    fig = Figure(figsize=(5, 4), layout="constrained")
    ax = fig.subplots()
    for f in out["flows"]:
        ax.errorbar(ks, f["coarse"], f["error"], marker="o", ms=3, capsize=2, label=f["rule"])
    ax.plot(ks, ks, "k--", lw=0.8, label=r"$\tilde{K} = K$")
    ax.axvline(K_C, color="gray", lw=0.6, label=f"$K_c = {K_C:.4f}$")
    ax.set_xlabel("coupling $K$ of the samples")
    ax.set_ylabel(r"fitted nearest-neighbour $\tilde{K}$ of the coarse spins")
    size = out["args"]["size"]
    ax.set_title(f"one 2x2 blocking step, {size} x {size} torus, {out['args']['samples']} samples per $K$", fontsize=9)
    ax.legend(fontsize=8)
    save_figure(fig, path, dpi=100, seed=out["args"]["seed"])


if __name__ == "__main__":
    main()
