"""Does ``method="auto"`` pick the fastest method? Times dense, cut and mps (best of 5 warm calls) on a
grid of small networks and prints, for each, the measured times, the costs auto compares
(``result.extra["costs"]``) and the ratio of auto's choice to the fastest. Also the fitted rate
``seconds / cost`` (median over cases with cost > 1e7) behind :data:`tnrbm.entropy.estimates.FLOPS_RATE`.

    python benchmarks/bench_auto.py
    python benchmarks/bench_auto.py --quick   # N = 8, 10 rings, the 3x3 lattice, one RBM; best of 2
"""

from __future__ import annotations

import sys
import time

import numpy as np

import tnrbm
from tnrbm.entropy.compute import _problem
from tnrbm.entropy.methods import METHODS
from tnrbm.validation import memory_limit

M = tnrbm.models


def grid(quick: bool = False) -> list:
    out = []
    if quick:
        out = [(f"ring N={n} r=1", M.local_chain(n, radius=1, complex=True, seed=0), range(n // 2)) for n in (8, 10)]
        out.append(("lattice (3, 3)", M.local_lattice((3, 3), seed=0), range(4)))
        return out + [("rbm 10x5", M.random_rbm(10, 5, seed=0, complex=True), range(5))]
    for n in (8, 10, 12, 14, 16):
        for r in (1, 2):
            out.append((f"ring N={n} r={r}", M.local_chain(n, radius=r, complex=True, seed=0), range(n // 2)))
    out.append(("open N=16 r=2", M.local_chain(16, radius=2, periodic=False, seed=0), range(8)))
    for shape in ((3, 3), (3, 4), (4, 4)):
        net = M.local_lattice(shape, seed=0)
        out.append((f"lattice {shape}", net, range(net.n_visible // 2)))
    for nv, nh in ((10, 5), (14, 7)):
        out.append((f"rbm {nv}x{nh}", M.random_rbm(nv, nh, seed=0, complex=True), range(nv // 2)))
    out.append(("dbm [12,6,3]", M.random_dbm([12, 6, 3], seed=0, complex=True), range(6)))
    return out


def best_time(net, region, method: str, reps: int = 5) -> float:
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        tnrbm.entanglement(net, region, method=method)
        ts.append(time.perf_counter() - t)
    return min(ts)


def main() -> None:
    quick = "--quick" in sys.argv[1:]
    rates, worst = [], 1.0
    print("| network | m | dense s | cut s | mps s | costs (dense/cut/mps) | auto | auto / best |")
    print("|---|---:|---:|---:|---:|---|---|---:|")
    for name, net, region in grid(quick):
        prob = _problem(net, region, "auto", memory_limit(None), None, False)
        times, costs = {}, {}
        for meth in ("dense", "cut", "mps"):
            try:
                costs[meth] = METHODS[meth](prob).cost
            except Exception:  # noqa: BLE001 - not applicable here
                continue
            times[meth] = best_time(net, region, meth, reps=2 if quick else 5)
            if costs[meth] > 1e7:
                rates.append(times[meth] / costs[meth])
        auto = tnrbm.entanglement(net, region).method
        ratio = times[auto] / min(times.values())
        worst = max(worst, ratio)
        cells = " | ".join(f"{times[k]:.4f}" if k in times else "-" for k in ("dense", "cut", "mps"))
        cst = "/".join(f"{costs[k]:.2g}" if k in costs else "-" for k in ("dense", "cut", "mps"))
        print(f"| {name} | {prob.cut.size} | {cells} | {cst} | {auto} | {ratio:.2f} |", flush=True)
    rate = f"{np.median(rates):.3g}" if rates else "- (no case above cost 1e7)"
    print(f"\nworst auto / best: {worst:.2f}; median seconds per cost unit {rate}")


if __name__ == "__main__":
    main()
