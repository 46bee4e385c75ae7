"""RSMI table: I(H:E) of decimation, majority rule, the likelihood-learned (Mehta-Schwab) and the
RSMI-optimal 2x2 filters on the 2D Ising model at K = 0.3, K_c, 0.6, with exact conditionals.

For each coupling (seeds recorded in the JSON):

* the filters: majority (ties by a fair coin) and decimation; ``likelihood``: CD-1 on 16 x 16
  Swendsen-Wang samples, one tied hidden unit per 2x2 block; ``rsmi`` (c = 0) and ``rsmi-free``: Adam on
  the exact gradient of I(H:E) over training environments of a 32 x 32 torus (seed + 1);
* I(H:E) of every filter on independent environments of the 32 x 32 torus (seed + 2): block 2x2,
  buffer 1, p(h|e) summed exactly over the 2**16 block-buffer configurations, jackknife errors;
* the same filters exactly on the 5 x 5 torus (every environment enumerated).

Run:

    python benchmarks/bench_rsmi.py --quick
    python benchmarks/bench_rsmi.py --json benchmarks/results/rsmi.json --out docs/assets
    python benchmarks/bench_rsmi.py --replot benchmarks/results/rsmi.json --out docs/assets  # figure only
"""

from __future__ import annotations

import argparse
import json
import platform
import time

import numpy as np

from tnrbm.cli.progress import progress_bar
from tnrbm.rg import blocking, rsmi, sampling

K_C = sampling.CRITICAL_COUPLING
COUPLINGS = (0.3, K_C, 0.6)


def filters(coupling: float, seed: int, quick: bool, block: int = 2) -> list:
    n, side = (500 if quick else 2000), 8 * block
    res = sampling.swendsen_wang((side, side), coupling, n_sweeps=2 * n, thin=2, keep_samples=True, seed=seed)
    ml = blocking.likelihood_rule(res.samples[0].reshape(-1, side, side), block, epochs=30, seed=seed)
    p_v = rsmi.environment_conditionals((32, 32), coupling, block, 1, 100 if quick else 500, 16, seed=seed + 1)
    p_v = p_v.reshape(-1, p_v.shape[2])
    out = [blocking.decimation_rule(block), blocking.majority_rule(block), ml]
    steps = 200 if quick else 600
    for symmetric in (True, False):
        with progress_bar(steps, f"RSMI K = {coupling:.4f}", label="I") as advance:
            tr = rsmi.train_rsmi(
                p_v, block, steps=steps, learning_rate=0.1, seed=seed, progress=advance, symmetric=symmetric
            )
        r = blocking.canonical_sign(tr.rule)
        out.append(blocking.rbm_rule(r.weights, r.bias or 0.0, block, 2, name="rsmi" if symmetric else "rsmi-free"))
    return out


def plot(report: dict, path: str) -> None:
    from matplotlib.figure import Figure

    from tnrbm.plot import save_figure

    rows = [(k, f) for k in report["couplings"] for f in report["couplings"][k]["filters"] if "weights" in f]
    n_cols = max(1, len(rows) // len(report["couplings"]))
    fig = Figure(figsize=(2.2 * n_cols, 2.3 * len(report["couplings"])), layout="constrained")
    axes = fig.subplots(len(report["couplings"]), n_cols, squeeze=False)
    for n, (k, f) in enumerate(rows):
        ax = axes[n // n_cols, n % n_cols]
        side = round(len(f["weights"]) ** 0.5)
        w = np.array(f["weights"]).reshape(side, side)
        ax.imshow(w, cmap="RdBu_r", vmin=-3, vmax=3)
        for (i, j), x in np.ndenumerate(w):
            ax.text(j, i, f"{x:.2f}", ha="center", va="center", fontsize=9, color="w" if abs(x) > 1.5 else "k")
        ax.set_title(f"{f['name']}\nK={float(k):.3f}, c={f['bias']:.2f}", fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(f"learned {side}x{side} filters p(h|v) = (1 + tanh(c + w.v))/2", fontsize=10)
    save_figure(fig, path, dpi=100, seed=report.get("args", {}).get("seed"))  # the version and seed in its metadata


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--positions", type=int, default=8)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--block", type=int, default=2, help="block side b (3: the buffer summed as a ring)")
    ap.add_argument("--json", default=None)
    ap.add_argument("--out", default=None)
    ap.add_argument("--replot", default=None, help="redraw the figure from a saved JSON (no computation)")
    args = ap.parse_args()
    if args.replot:
        with open(args.replot) as fh:
            data = json.load(fh)
        bb = data["args"].get("block", 2)
        plot(data, f"{args.out or '.'}/rsmi_filters{'' if bb == 2 else f'_b{bb}'}.png")
        return
    if args.quick:
        args.samples, args.positions = 200, 4
    report: dict = {"args": vars(args), "python": platform.python_version(), "couplings": {}}
    b, ex_side = args.block, args.block + 3
    print(f"{'K':>8} {'filter':>11} {'I(H:E) 32x32':>13} {'err':>7} {'- majority':>11} {'err':>7} {'exact':>10}")
    for kk, k in enumerate(COUPLINGS):
        t0 = time.perf_counter()
        seed = args.seed + 10 * kk
        rules = filters(k, seed, args.quick, b)
        t1 = time.perf_counter()
        p_v = rsmi.environment_conditionals((32, 32), k, b, 1, args.samples, args.positions, seed=seed + 2)
        entry: dict = {"seed": seed, "filters": [r.to_dict() for r in rules], "rows": []}
        q_majority = p_v @ blocking.majority_rule(b).p_up
        for r in rules:
            i, err, jk, hh, hc = rsmi.rsmi_from_conditionals(p_v @ r.p_up)
            d, derr = rsmi.rsmi_difference(p_v @ r.p_up, q_majority)
            ex = rsmi.rsmi_exact((ex_side, ex_side), k, r, 1).mutual_information
            entry["rows"].append(
                {"filter": r.name, "I": i, "error": err, "jackknife": jk, "H": hh, "exact_5x5": ex,
                 "minus_majority": d, "minus_majority_error": derr, "exact_size": ex_side}
            )  # fmt: skip
            print(f"{k:8.4f} {r.name:>11} {i:13.5f} {err:7.5f} {d:11.5f} {derr:7.5f} {ex:10.5f}", flush=True)
        entry["seconds"] = {"filters": t1 - t0, "evaluation": time.perf_counter() - t1}
        report["couplings"][f"{k:.10f}"] = entry
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(report, fh, indent=1, default=float)
    if args.out:
        plot(report, f"{args.out}/rsmi_filters{'' if b == 2 else f'_b{b}'}.png")


if __name__ == "__main__":
    main()
