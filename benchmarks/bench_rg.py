"""Mehta-Schwab stacked RBMs on 2D Ising samples: 40 x 40 at K = 0.408, layers 1600-400-100-25, L1, CD-1.

Steps (each timed): Swendsen-Wang samples of the 40 x 40 torus at K = 0.408; greedy layer-by-layer
training (CD-1, as Mehta-Schwab, with a proximal L1 penalty that zeroes weak weights); receptive fields
(the weights of a hidden unit on the lattice, and the products W1 W2, W1 W2 W3 for the deeper layers)
and their locality (the fraction of a field's |weight| within radius 2**layer of its peak, and the
number of spins above 0.3 of its peak); the learned coupling flow (atanh of the correlation of
nearest-peak unit pairs, layer by layer); the learned network, pruned of its weak weights, fed into the
bulk tools: minimal cuts of s x s blocks of the visible lattice, fitted against the log law of paper
eq. 18 (m = a + b log2 s) and against the perimeter law (m = a + b s), next to a hand-built 2D RG
network; and the same training on a 1D Ising chain, where eq. 18 applies (intervals against
tnrbm.models.hierarchical, and the flow against exact decimation). Run:

    python benchmarks/bench_rg.py --quick            # under a minute
    python benchmarks/bench_rg.py --out docs/assets  # the full run, pictures saved
    python benchmarks/bench_rg.py --side 20          # a fast proxy: 400-100-25-6
"""

from __future__ import annotations

import argparse
import platform
import time
from typing import Any

import numpy as np

import tnrbm
from tnrbm.bulk import min_cut
from tnrbm.rg import greedy_stack, swendsen_wang
from tnrbm.rg.training import sample_hidden

COUPLING = 0.408


def sample(side: int, n_samples: int, seed: int) -> tuple[np.ndarray, float]:
    t0 = time.perf_counter()
    chains = 20
    res = swendsen_wang(
        (side, side),
        COUPLING,
        n_sweeps=max(1, n_samples // chains) * 2,
        n_chains=chains,
        burn_in=100,
        thin=2,
        keep_samples=True,
        seed=seed,
    )
    return res.samples.reshape(-1, side * side).astype(float), time.perf_counter() - t0


def receptive_fields(stack: list) -> list[np.ndarray]:
    """Effective receptive fields W1, W1 W2, W1 W2 W3: one column per unit of each layer."""
    fields, acc = [], None
    for res in stack:
        w = res.rbm.W.toarray().real
        acc = w if acc is None else acc @ w
        fields.append(acc)
    return fields


def torus_distance(side: int) -> np.ndarray:
    r, c = np.divmod(np.arange(side * side), side)
    dr, dc = np.abs(r[:, None] - r[None, :]), np.abs(c[:, None] - c[None, :])
    return np.hypot(np.minimum(dr, side - dr), np.minimum(dc, side - dc))


def locality(field: np.ndarray, side: int, radius: float) -> dict:
    """Per live unit (peak above 0.1 of the layer's largest): |field| mass within ``radius`` of the peak."""
    a = np.abs(field)
    live = a.max(axis=0) > 0.1 * a.max()
    a = a[:, live]
    near = (torus_distance(side)[a.argmax(axis=0)].T <= radius) * a
    frac = near.sum(axis=0) / a.sum(axis=0)
    n30 = (a > 0.3 * a.max(axis=0)).sum(axis=0)
    disk = float(np.mean(torus_distance(side)[0] <= radius))
    dist = torus_distance(side)[a.argmax(axis=0)].T
    return {
        "live": int(live.sum()),
        "frac": float(frac.mean()),
        "n30": float(n30.mean()),
        "disk": disk,
        "r50": float(np.median(half_mass_radius(a, dist))),
    }


def half_mass_radius(a: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """Per column of ``a >= 0``: the smallest distance from the peak holding half of the column's mass."""
    order = np.argsort(dist, axis=0, kind="stable")
    mass = np.cumsum(np.take_along_axis(a, order, axis=0), axis=0)
    at = np.argmax(mass >= 0.5 * mass[-1], axis=0)
    return np.take_along_axis(np.take_along_axis(dist, order, axis=0), at[None, :], axis=0)[0]


def pruned_dbm(stack: list, keep: float) -> tnrbm.DBM:
    """The stack as a DBM with weights below ``keep * max |W|`` (per layer) set to zero."""
    weights = []
    for res in stack:
        w = res.rbm.W.toarray().real
        weights.append(np.where(np.abs(w) >= keep * np.abs(w).max(), w, 0.0))
    return tnrbm.DBM(weights)


def hierarchical_2d(side: int, depth: int, seed: int = 0) -> tnrbm.DBM:
    """Reference: a hand-built 2D RG network, ``side`` -> ``side/2`` -> ...; each unit couples to its 2 x 2
    block of the layer below plus one neighbour on each side (a 4 x 4 patch, periodic): the 2D analogue of
    the hierarchical network of paper eq. 18 (:func:`tnrbm.models.hierarchical` in 1D)."""
    rng = np.random.default_rng(seed)
    weights, n = [], side
    for _ in range(depth):
        m = n // 2
        w = np.zeros((n * n, m * m))
        for r, c in np.ndindex(m, m):
            for dr, dc in np.ndindex(4, 4):
                w[((2 * r + dr - 1) % n) * n + (2 * c + dc - 1) % n, r * m + c] = rng.normal(0.0, 0.5)
        weights.append(w)
        n = m
    return tnrbm.DBM(weights)


def block(side: int, s: int) -> list[int]:
    return [r * side + c for r in range(s) for c in range(s)]


def fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Least squares y = a + b x: (a, b, rms residual)."""
    design = np.stack([np.ones_like(x), x], axis=1)
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(coef[0]), float(coef[1]), float(np.sqrt(np.mean((design @ coef - y) ** 2)))


def save_fields(fields: list, side: int, out: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ncol = 6
    fig, axes = plt.subplots(len(fields), ncol, figsize=(1.5 * ncol, 1.6 * len(fields)))
    names = ["W1", "W1 W2", "W1 W2 W3", "W1 W2 W3 W4"]
    for row, f in enumerate(fields):
        strongest = np.argsort(-np.abs(f).max(axis=0))[:ncol]
        for col, j in enumerate(strongest):
            ax = axes[row, col]
            top = np.abs(f[:, j]).max() or 1.0
            ax.imshow(f[:, j].reshape(side, side), cmap="RdBu_r", vmin=-top, vmax=top)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(f"{names[row]}, unit {j}", fontsize=7)
    fig.tight_layout()
    fig.savefig(f"{out}/rg_receptive_fields.png", dpi=110)
    plt.close(fig)


def save_cuts(square: tuple, chain: tuple, out: str) -> None:
    """Left: min cuts of s x s blocks (learned 2D stack, 2D reference, both fits). Right: intervals of the chain."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, bx) = plt.subplots(1, 2, figsize=(9, 3.4))
    sides, cuts, ref = square
    xs = np.linspace(sides.min(), sides.max(), 100)
    ax.plot(xs, xs**2, ":", color="gray", label="the block itself, m = s^2")
    ax.plot(sides, ref, "s", mfc="none", color="C2", label="hand-built 2D hierarchical network")
    ax.plot(sides, cuts, "o", color="C0", label="learned 1600-400-100-25, pruned")
    a, b, r = fit(np.log2(sides), cuts)
    ax.plot(xs, a + b * np.log2(xs), "-", color="C1", label=f"log law {a:.1f} + {b:.1f} log2 s (rms {r:.1f})")
    a, b, r = fit(sides.astype(float), cuts)
    ax.plot(xs, a + b * xs, "--", color="C3", label=f"perimeter law {a:.1f} + {b:.2f} s (rms {r:.1f})")
    ax.set_ylim(0, 1.3 * max(cuts.max(), ref.max()))
    ax.set_xlabel("block side s (40 x 40 Ising, K = 0.408)")
    ax.set_ylabel("min cut m")
    ax.legend(fontsize=6.5)
    sizes, learned, tower, depth = chain[:4]
    bx.plot(sizes, tower, "s", mfc="none", color="C2", label=f"hierarchical(n, depth={depth})")
    bx.plot(sizes, learned, "o", color="C0", label="learned chain stack, pruned")
    k = depth + 1
    a, b, r = fit(np.log2(sizes[:k]), learned[:k])
    bx.plot(sizes[:k], a + b * np.log2(sizes[:k]), "-", color="C1", label=f"log law {a:.1f} + {b:.2f} log2 |A|")
    bx.set_xscale("log", base=2)
    bx.set_xlabel("interval |A| (Ising chain, K = 2)")
    bx.set_ylabel("min cut m")
    bx.legend(fontsize=6.5)
    fig.tight_layout()
    fig.savefig(f"{out}/rg_min_cuts.png", dpi=110)
    plt.close(fig)


def save_flow(flow2d: list, flow1d: list, exact: list, side: int, out: str) -> None:
    """The learned coupling flow: K per layer, 2D stack (left) and chain stack (right)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(8, 3.2))
    for ax, flow, title in (
        (axes[0], flow2d, f"{side} x {side}, K = {COUPLING}"),
        (axes[1], flow1d, "chain of 256, K = 2"),
    ):
        layers = np.arange(len(flow))
        ax.plot(layers, [f["K"] for f in flow], "o-", label="learned: adjacent units of layer l")
        ax.plot(layers, [f["K_ref"] for f in flow], "s--", mfc="none", label="data: their peak spins")
        if flow is flow1d:
            ax.plot(layers, exact, "k:", label="exact decimation, tanh K' = tanh^2 K")
        ax.set_xlabel("layer l (0 = spins)")
        ax.set_ylabel("K = atanh <x_i x_j>, nearest-peak pairs")
        ax.set_title(title, fontsize=9)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(f"{out}/rg_learned_flow.png", dpi=110)
    plt.close(fig)


def block_cuts(dbm: tnrbm.DBM, side: int, sides: np.ndarray, name: str) -> np.ndarray:
    """Min cuts of the s x s corner blocks, printed with the layers the surface runs through and the two fits."""
    t0 = time.perf_counter()
    cuts = []
    for s in sides:
        cut = min_cut(dbm, block(side, int(s)))
        depth = [sum(1 for u in cut.surface if u[0] == k) for k in range(dbm.n_layers + 1)]
        cuts.append(cut.size)
        print(f"  block {s:2d}x{s:<2d} |A| = {s * s:4d}: m = {cut.size:4d}  (units cut per layer {depth})")
    cuts = np.array(cuts, float)
    for law, x in (("log law  m = a + b log2 s", np.log2(sides)), ("perimeter m = a + b s", sides.astype(float))):
        a, b, r = fit(x, cuts)
        print(f"  fit {law}: a = {a:.2f}, b = {b:.3f}, rms residual {r:.2f}")
    print(f"min cuts of the {name}   {time.perf_counter() - t0:.2f} s")
    return cuts


def report_cuts(dbm: tnrbm.DBM, side: int) -> tuple:
    sides = np.array([s for s in (2, 3, 4, 6, 8, 12, 16, 20) if s <= side // 2])
    cuts = block_cuts(dbm, side, sides, "learned network")
    depth = len(dbm.layer_sizes) - 1
    print(f"reference: hand-built 2D hierarchical network, {depth} layers of 4 x 4 patches on 2 x 2 blocks")
    ref = block_cuts(hierarchical_2d(side, depth), side, sides, "2D hierarchical reference")
    return sides, cuts, ref


def coupling_flow(data: np.ndarray, stack: list, dist: np.ndarray, seed: int) -> list[dict]:
    """The learned coupling flow: per layer (0 = the spins), pair every live unit with the live unit whose
    field peak is nearest; ``K`` = atanh of the mean signed correlation of the pairs' samples (``h ~ p(h|v)``,
    as in training), against ``K_ref`` = atanh of the data's correlation of the two peak spins, and ``d``,
    the mean peak distance."""
    rng, x, field, out = np.random.default_rng(seed), data, np.eye(data.shape[1]), []
    for res in [None, *stack]:
        if res is not None:
            field = field @ res.rbm.W.toarray().real
            x = sample_hidden(res.rbm, x, rng)
        a = np.abs(field)
        live = np.flatnonzero(a.max(axis=0) > 0.1 * a.max())
        peak = a[:, live].argmax(axis=0)
        sign = np.sign(field[peak, live])
        d = dist[np.ix_(peak, peak)] + np.diag(np.full(live.size, np.inf))
        mate = d.argmin(axis=1)
        y = x[:, live] * sign
        c = float(np.mean(y * y[:, mate]))
        c_ref = float(np.mean(data[:, peak] * data[:, peak[mate]]))
        k, k_ref = (float(np.arctanh(min(abs(v), 1 - 1e-12)) * np.sign(v)) for v in (c, c_ref))
        out.append({"live": int(live.size), "d": float(d.min(axis=1).mean()), "K": k, "K_ref": k_ref})
    return out


def print_flow(flow: list[dict], exact: Any = None) -> None:
    for layer, f in enumerate(flow):
        extra = "" if exact is None else f", exact decimation flow {exact[layer]:.3f}"
        print(
            f"  layer {layer}: {f['live']:4d} live units, nearest-peak distance {f['d']:.2f}, "
            f"K = {f['K']:.3f} (peak spins of the data: {f['K_ref']:.3f}{extra})"
        )


def chain_check(n: int, coupling: float, n_samples: int, epochs: int, args: argparse.Namespace) -> tuple:
    """Eq. 18 where it applies: a stack trained on 1D Ising chain samples (layers n/2, n/4, ...), the
    min cuts of intervals against the log law and against the hand-built hierarchical network."""
    depth = int(np.log2(n)) - 3
    t0 = time.perf_counter()
    res = swendsen_wang(
        (n,), coupling, n_sweeps=2 * max(1, n_samples // 20), n_chains=20, thin=2, keep_samples=True, seed=args.seed
    )
    data = res.samples.reshape(-1, n).astype(float)
    sizes = [n // 2**k for k in range(1, depth + 1)]
    stack = greedy_stack(
        data,
        sizes,
        method=args.method,
        epochs=epochs,
        learning_rate=args.lr,
        l1=args.l1,
        gibbs_steps=1,
        seed=args.seed,
        layer_options=[{}] + [{"l1": args.l1_deep}] * (depth - 1),
    )
    xi = -1.0 / np.log(np.tanh(coupling))
    print(f"\nchain: {data.shape[0]} samples of {n} spins at K = {coupling} (xi = {xi:.1f}), layers {sizes}")
    print(f"  sampling and training   {time.perf_counter() - t0:.1f} s")
    pos, acc = np.arange(n), None
    for k, r in enumerate(stack):
        w = r.rbm.W.toarray().real
        acc = w if acc is None else acc @ w
        a = np.abs(acc[:, np.abs(acc).max(axis=0) > 0.1 * np.abs(acc).max()])
        dist = np.abs(pos[:, None] - a.argmax(axis=0)[None, :])
        r50 = np.median(half_mass_radius(a, np.minimum(dist, n - dist)))
        print(f"  layer {k + 1}: zero weights {np.mean(w == 0):.1%}, half-mass radius of the live fields {r50:.1f}")
    ring = np.abs(pos[:, None] - pos[None, :])
    flow = coupling_flow(data, stack, np.minimum(ring, n - ring), args.seed)
    exact = [float(np.arctanh(np.tanh(coupling) ** (2**k))) for k in range(depth + 1)]
    print("  learned coupling flow (K of adjacent units per layer; exact: tanh K_{l+1} = tanh^2 K_l):")
    print_flow(flow, exact)
    dbm, ref = pruned_dbm(stack, keep=args.keep), tnrbm.models.hierarchical(n, depth=depth, seed=0)
    sides = 2 ** np.arange(1, int(np.log2(n)))
    cuts = np.array([min_cut(dbm, range(s)).size for s in sides], float)
    print(f"  interval |A|:         {' '.join(f'{s:4d}' for s in sides)}")
    print(f"  m learned (pruned):   {' '.join(f'{int(c):4d}' for c in cuts)}")
    tower = np.array([min_cut(ref, range(s)).size for s in sides], float)
    print(f"  m hierarchical(n, depth={depth}): {' '.join(f'{int(c):4d}' for c in tower)}")
    for law, x in (("log law  m = a + b log2 |A|", np.log2(sides)), ("linear   m = a + b |A|", sides.astype(float))):
        a, b, r = fit(x[: depth + 1], cuts[: depth + 1])
        print(f"  fit {law} (|A| <= 2^{depth + 1}): a = {a:.2f}, b = {b:.3f}, rms residual {r:.2f}")
    return sides, cuts, tower, depth, flow, exact


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few samples and epochs (under a minute)")
    parser.add_argument("--out", default=None, help="folder for the pictures")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--side", type=int, default=40, help="lattice side (layers side^2/4, /16, /64)")
    parser.add_argument("--samples", type=int, default=None, help="samples (default 20000, quick 3000)")
    parser.add_argument("--method", default="contrastive", help="contrastive (CD-k) or pcd")
    parser.add_argument("--l1", type=float, default=0.03, help="L1 penalty per sample on the first layer's weights")
    parser.add_argument("--l1-deep", type=float, default=0.01, help="L1 penalty on the deeper layers' weights")
    parser.add_argument("--lr", type=float, default=0.01, help="Adam step size")
    parser.add_argument("--epochs", type=int, default=None, help="epochs per layer (default 20, quick 8)")
    parser.add_argument("--keep", type=float, default=0.05, help="prune weights below keep * max per layer")
    args = parser.parse_args()
    n_samples, epochs = (3000, 8) if args.quick else (20000, 20)
    n_samples = n_samples if args.samples is None else args.samples
    epochs = epochs if args.epochs is None else args.epochs
    side = args.side
    layers = [max(1, side * side // 4**k) for k in (1, 2, 3)]
    print(f"# bench_rg  {platform.machine()} python {platform.python_version()}  tnrbm {tnrbm.__version__}")
    t_start = time.perf_counter()
    data, t_sample = sample(side, n_samples, args.seed)
    print(f"samples: {data.shape[0]} of {side}x{side} at K = {COUPLING} (Swendsen-Wang)   {t_sample:.1f} s")
    t0 = time.perf_counter()
    stack = greedy_stack(
        data,
        layers,
        method=args.method,
        epochs=epochs,
        learning_rate=args.lr,
        l1=args.l1,
        batch_size=100,
        n_chains=100,
        gibbs_steps=1,
        init_scale=0.01,
        seed=args.seed,
        layer_options=[{}, {"l1": args.l1_deep}, {"l1": args.l1_deep}],
    )
    t_train = time.perf_counter() - t0
    arch = "-".join(map(str, [side * side, *layers]))
    print(
        f"training {arch}, {args.method}, L1 = {args.l1:g} then {args.l1_deep:g}, lr = {args.lr:g}, {epochs} epochs/layer   {t_train:.1f} s"
    )
    fields = receptive_fields(stack)
    for k, (res, f) in enumerate(zip(stack, fields)):
        w = res.rbm.W.toarray().real
        loc = locality(f, side, 2.0 ** (k + 1))
        print(
            f"  layer {k + 1}: zero weights {np.mean(w == 0):.1%}, live units {loc['live']}/{w.shape[1]}, "
            f"|field| within r = {2 ** (k + 1)} of peak {loc['frac']:.1%} (uniform {loc['disk']:.1%}), "
            f"spins above 0.3 peak {loc['n30']:.1f}, half-mass radius {loc['r50']:.1f}"
        )
    print("learned coupling flow (K of nearest-peak pairs per layer):")
    flow2d = coupling_flow(data, stack, torus_distance(side), args.seed)
    print_flow(flow2d)
    dbm = pruned_dbm(stack, keep=args.keep)
    print(f"pruned DBM (|w| >= {args.keep:g} max per layer): {dbm.n_edges} couplings")
    square = report_cuts(dbm, side)
    for keep in (0.0, 0.01, 0.1, 0.3):  # how much the pruning threshold matters
        pruned = pruned_dbm(stack, keep=keep)
        cuts = [min_cut(pruned, block(side, int(s))).size for s in square[0]]
        a, b, r = fit(square[0].astype(float), np.array(cuts, float))
        print(
            f"  keep {keep:4.2f}: {pruned.n_edges:6d} couplings, m = {cuts}, perimeter fit {a:.1f} + {b:.2f} s (rms {r:.1f})"
        )
    chain = chain_check(64, 2.0, 10000, 20, args) if args.quick else chain_check(256, 2.0, 20000, epochs, args)
    print(f"total   {time.perf_counter() - t_start:.1f} s")
    if args.out:
        save_fields(fields, side, args.out)
        save_cuts(square, chain, args.out)
        save_flow(flow2d, chain[4], chain[5], side, args.out)
        print(f"wrote {args.out}/rg_receptive_fields.png, rg_min_cuts.png, rg_learned_flow.png")


if __name__ == "__main__":
    main()
