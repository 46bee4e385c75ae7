"""Monte Carlo RG exponents of decimation, majority rule and learned coarse-grainings; sampler speed.

Steps (each timed, one process):

1. Swendsen-Wang sweeps per second at ``--rate-size`` (256): the existing ``rg.swendsen_wang``, the
   streaming ``rg.swendsen_wang_stream`` (direct CSR graph) and the straightforward numpy reference
   ``rg.swendsen_wang_reference`` (label propagation), each 150 sweeps from a random start at K_c.
2. The learned 2x2 filters at K_c: maximum likelihood (Mehta-Schwab, CD-1, one tied hidden unit per
   block, 16 x 16 samples) and RSMI-optimal (exact-conditional I(H:E) ascended on 32 x 32 environments).
3. Swendsen's MCRG at K_c on ``--size`` tori: ``--samples`` configurations ``--thin`` sweeps apart, each
   coarse-grained ``--levels`` times by every rule; y_t and y_h per level and truncation, jackknife
   errors over 20 bins.

Run (times in the docs measured on 2 shared cores under load):

    python benchmarks/bench_mcrg.py --quick                          # under a minute
    python benchmarks/bench_mcrg.py --size 128 --samples 10000 --levels 4 \\
        --json benchmarks/results/mcrg_L128.json --out docs/assets   # the table in the docs
"""

from __future__ import annotations

import argparse
import json
import platform
import time

import numpy as np

from tnrbm.cli.progress import progress_bar
from tnrbm.rg import blocking, clusters, mcrg, rsmi, sampling

K_C = sampling.CRITICAL_COUPLING
EXACT = {"y_t": 1.0, "y_h": 15 / 8}


def sweep_rates(size: int, sweeps: int, seed: int) -> dict:
    """Sweeps per second of the three samplers, same lattice, same process."""
    out = {}
    t0 = time.perf_counter()
    sampling.swendsen_wang((size, size), K_C, n_sweeps=1, burn_in=sweeps - 1, seed=seed)
    out["existing swendsen_wang"] = sweeps / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for _ in clusters.swendsen_wang_stream((size, size), K_C, 1, burn_in=sweeps - 1, seed=seed):
        pass
    out["swendsen_wang_stream"] = sweeps / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for _ in clusters.swendsen_wang_reference((size, size), K_C, 1, burn_in=sweeps - 1, seed=seed):
        pass
    out["numpy reference (label propagation)"] = sweeps / (time.perf_counter() - t0)
    return out


def learned_rules(seed: int, quick: bool, block: int = 2) -> tuple[list, dict]:
    t0 = time.perf_counter()
    n, side = (500 if quick else 2000), 8 * block
    res = sampling.swendsen_wang((side, side), K_C, n_sweeps=2 * n, thin=2, keep_samples=True, seed=seed)
    ml = blocking.likelihood_rule(res.samples[0].reshape(-1, side, side), block, epochs=30, seed=seed)
    t1 = time.perf_counter()
    with progress_bar(300, "RSMI training", label="I") as advance:
        rs = rsmi.rsmi_trained_rule(
            (32, 32), K_C, block, 1, n_samples=100 if quick else 500, positions=16, steps=300, seed=seed,
            progress=advance,
        )  # fmt: skip
    times = {"likelihood_rule_s": t1 - t0, "rsmi_rule_s": time.perf_counter() - t1}
    return [ml, rs], times


def summary(y: np.ndarray, err: np.ndarray) -> dict:
    """Estimate: the last two levels (the last one when there are two or fewer) at the full truncation;
    spread: the range over levels >= 2 and truncations >= 2."""
    last = slice(-2, None) if y.shape[0] > 2 else slice(-1, None)
    tail = y[1:, 1:] if y.shape[0] > 1 and y.shape[1] > 1 else y
    return {
        "estimate": float(np.mean(y[last, -1])),
        "error": float(np.sqrt(np.mean(err[last, -1] ** 2))),
        "spread": float(np.nanmax(tail) - np.nanmin(tail)),
    }


def plot(results: list, path: str) -> None:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    from tnrbm.plot import save_figure

    fig = Figure(figsize=(9, 3.6), layout="constrained")
    axes = fig.subplots(1, 2)
    for r in results:
        lev = np.arange(1, r.y_t.shape[0] + 1)
        axes[0].errorbar(lev, r.y_t[:, -1], r.y_t_error[:, -1], marker="o", capsize=3, label=r.rule)
        axes[1].errorbar(lev, r.y_h[:, -1], r.y_h_error[:, -1], marker="o", capsize=3, label=r.rule)
    for ax, key, name in ((axes[0], "y_t", "$y_t$"), (axes[1], "y_h", "$y_h$")):
        ax.axhline(EXACT[key], color="k", lw=0.8, ls="--")
        ax.set_xlabel("RG level n + 1")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # levels are integers
        ax.set_ylabel(name)
    axes[0].set_ylim(0.5, 1.3)
    axes[1].set_ylim(1.7, 2.05)
    axes[0].legend(fontsize=8)
    b = results[0].block
    fig.suptitle(f"MCRG at $K_c$, L = {results[0].shape[0]}, {results[0].n_samples} samples ({b}x{b} blocks)")
    save_figure(fig, path, dpi=100, seed=results[0].seed)  # the version and seed in its metadata


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--samples", type=int, default=2000)
    ap.add_argument("--levels", type=int, default=4)
    ap.add_argument("--block", type=int, default=2, help="block side b (3: L = 81, 243)")
    ap.add_argument("--thin", type=int, default=2)
    ap.add_argument("--rate-size", type=int, default=256, help="0 skips the sampler comparison")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json", default=None)
    ap.add_argument("--out", default=None, help="folder for mcrg_exponents.png")
    args = ap.parse_args()
    if args.quick:
        args.size, args.samples, args.levels, args.rate_size = 32, 400, 3, 64
    report: dict = {"args": vars(args), "python": platform.python_version(), "machine": platform.machine()}
    if args.rate_size > 0:
        rates = sweep_rates(args.rate_size, 150, args.seed)
        report["sweeps_per_second"] = {"size": args.rate_size, **rates}
        print(f"sweeps/s at L = {args.rate_size}: " + ", ".join(f"{k}: {v:.1f}" for k, v in rates.items()), flush=True)
    learned, times = learned_rules(args.seed, args.quick, args.block)
    report["timings"] = times
    report["filters"] = [r.to_dict() for r in learned]
    for r in learned:
        print(f"{r.name}: w = {np.round(r.weights, 3).tolist()}, c = {r.bias:.3g}", flush=True)
    rules = [blocking.majority_rule(args.block), blocking.decimation_rule(args.block), *learned]
    t0 = time.perf_counter()
    with progress_bar(args.samples, f"MCRG L = {args.size}", label="s") as advance:
        results = mcrg.mcrg(
            (args.size, args.size), K_C, rules, levels=args.levels, n_samples=args.samples, thin=args.thin,
            seed=args.seed, progress=advance,
        )  # fmt: skip
    report["mcrg_seconds"] = time.perf_counter() - t0
    report["results"] = [r.to_dict() for r in results]
    report["summary"] = {}
    print(f"MCRG: {report['mcrg_seconds']:.1f} s; sampler {results[0].sweeps_per_second:.1f} sweeps/s", flush=True)
    print(f"{'rule':>12} {'level':>5} {'y_t':>8} {'err':>6} {'y_h':>8} {'err':>6}")
    for r in results:
        for lev in range(r.y_t.shape[0]):
            print(f"{r.rule:>12} {lev + 1:>5} {r.y_t[lev, -1]:8.4f} {r.y_t_error[lev, -1]:6.4f} "
                  f"{r.y_h[lev, -1]:8.4f} {r.y_h_error[lev, -1]:6.4f}")  # fmt: skip
        report["summary"][r.rule] = {"y_t": summary(r.y_t, r.y_t_error), "y_h": summary(r.y_h, r.y_h_error)}
    print(json.dumps(report["summary"], indent=1))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(report, fh, indent=1, default=float)
    if args.out:
        plot(results, f"{args.out}/mcrg_exponents{'' if args.block == 2 else f'_b{args.block}'}.png")


if __name__ == "__main__":
    main()
