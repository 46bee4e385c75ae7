"""Mehta-Schwab stacked RBMs on 2D Ising samples: 40 x 40 at K = 0.408, layers 1600-400-100-25, L1, PCD.

Steps (each timed): Swendsen-Wang samples of the 40 x 40 torus at K = 0.408; greedy layer-by-layer PCD
training with an L1 penalty; receptive fields (the weights of a hidden unit on the 40 x 40 lattice, and
the products W1 W2, W1 W2 W3 for the deeper layers); the learned network, pruned of its weak weights,
fed into the bulk tools: minimal cuts of square blocks of the visible lattice against the log law of
paper eq. 18. Run:

    python benchmarks/bench_rg.py --quick          # under a minute
    python benchmarks/bench_rg.py --out docs/assets  # the full run, pictures saved
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

import tnrbm
from tnrbm.bulk import min_cut
from tnrbm.rg import greedy_stack, swendsen_wang

SIDE, COUPLING, LAYERS = 40, 0.408, (400, 100, 25)


def sample(n_samples: int, seed: int) -> tuple[np.ndarray, float]:
    t0 = time.perf_counter()
    chains = 20
    res = swendsen_wang(
        (SIDE, SIDE),
        COUPLING,
        n_sweeps=max(1, n_samples // chains) * 2,
        n_chains=chains,
        burn_in=100,
        thin=2,
        keep_samples=True,
        seed=seed,
    )
    return res.samples.reshape(-1, SIDE * SIDE).astype(float), time.perf_counter() - t0


def receptive_fields(stack: list) -> list[np.ndarray]:
    """Effective receptive fields W1, W1 W2, W1 W2 W3: one column per unit of each layer."""
    fields, acc = [], np.eye(SIDE * SIDE)
    for res in stack:
        acc = acc @ res.rbm.W.toarray()
        fields.append(acc)
    return fields


def pruned_dbm(stack: list, keep: float) -> tnrbm.DBM:
    """The stack as a DBM with weights below ``keep * max |W|`` (per layer) set to zero."""
    weights = []
    for res in stack:
        w = res.rbm.W.toarray()
        weights.append(np.where(np.abs(w) >= keep * np.abs(w).max(), w, 0.0))
    return tnrbm.DBM(weights)


def block(side: int) -> list[int]:
    return [r * SIDE + c for r in range(side) for c in range(side)]


def save_pictures(fields: list, out: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(fields), 4, figsize=(8, 2.1 * len(fields)))
    for row, f in enumerate(fields):
        strongest = np.argsort(-np.abs(f).sum(axis=0))[:4]
        for col, j in enumerate(strongest):
            ax = axes[row, col]
            ax.imshow(f[:, j].reshape(SIDE, SIDE), cmap="RdBu_r")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(f"layer {row + 1}, unit {j}", fontsize=8)
    fig.tight_layout()
    fig.savefig(f"{out}/rg_receptive_fields.png", dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few samples and epochs (under a minute)")
    parser.add_argument("--out", default=None, help="folder for the pictures")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--l1", type=float, default=2e-4, help="L1 penalty on the weights")
    parser.add_argument("--epochs", type=int, default=None, help="epochs per layer (default 10, quick 1)")
    args = parser.parse_args()
    n_samples, epochs = (400, 1) if args.quick else (4000, 10)
    epochs = epochs if args.epochs is None else args.epochs
    print(f"# bench_rg  {platform.machine()} python {platform.python_version()}  tnrbm {tnrbm.__version__}")
    data, t_sample = sample(n_samples, args.seed)
    print(f"samples: {data.shape[0]} of {SIDE}x{SIDE} at K = {COUPLING} (Swendsen-Wang)   {t_sample:.1f} s")
    t0 = time.perf_counter()
    stack = greedy_stack(
        data,
        LAYERS,
        method="pcd",
        epochs=epochs,
        learning_rate=0.01,
        l1=args.l1,
        batch_size=100,
        n_chains=100,
        init_scale=0.01,
        seed=args.seed,
    )
    t_train = time.perf_counter() - t0
    print(f"training 1600-{'-'.join(map(str, LAYERS))}, PCD, L1 = {args.l1:g}, {epochs} epochs/layer   {t_train:.1f} s")
    fields = receptive_fields(stack)
    for k, (res, f) in enumerate(zip(stack, fields)):
        w = res.rbm.W.toarray()
        spread = np.mean(np.sum(np.abs(f) > 0.3 * np.abs(f).max(axis=0), axis=0))
        print(f"  layer {k + 1}: mean |w| = {np.abs(w).mean():.4f}, receptive field ~ {spread:.1f} spins")
    dbm = pruned_dbm(stack, keep=0.3)
    print(f"pruned DBM (|w| >= 0.3 max per layer): {dbm.n_edges} couplings")
    t0 = time.perf_counter()
    for side in (2, 4, 8, 16):
        cut = min_cut(dbm, block(side))
        print(
            f"  block {side:2d}x{side:<2d} |A| = {side * side:4d}: m = {cut.size:4d}, log2|A| = {np.log2(side * side):.0f}"
        )
    print(f"min cuts   {time.perf_counter() - t0:.2f} s")
    if args.out:
        save_pictures(fields, args.out)
        print(f"wrote {args.out}/rg_receptive_fields.png")


if __name__ == "__main__":
    main()
