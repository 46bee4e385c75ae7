"""Exact decimation of the 1D Ising chain as stacked RBMs, its free energy, and an RBM that learns one step.

Run ``python examples/rg_decimation.py`` (add ``--plot flow.png`` for the picture). It shows:

1. the flow K = 1 -> 0.662501 -> 0.350061 -> 0.113672 -> 0.012812, read off each RBM of the stack as the
   pair coupling K~ of its H^RBM (Walsh-Hadamard route) and compared with tanh K' = tanh^2 K;
2. Delta F = 0 for the exact decimation RBM and Delta F > 0 once its couplings are weakened;
3. log Z of the chain accounted for step by step (the constant per decimated spin) against the contraction;
4. a bond RBM trained on samples at K_1 that learns the weight K_0 and the coarse coupling K_1.
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from tnrbm.rg import (
    SpinHamiltonian,
    coarse_coupling,
    decimation_rbm,
    decimation_stack,
    free_energy_difference,
    log_partition,
    swendsen_wang,
    train_rbm,
)


def main(small: bool = False, plot: str | None = None) -> dict:
    n = 64 if small else 1024
    depth = 4
    stack = decimation_stack(n, 1.0, depth=depth)
    flow_k = [coarse_coupling(rbm, [0, 1]) for rbm in stack.rbms]
    ref = [1.0]
    for _ in range(depth):
        ref.append(math.atanh(math.tanh(ref[-1]) ** 2))
    print("K per RG step (from K~ of each RBM):", np.round([1.0] + flow_k, 6).tolist())
    print("tanh K' = tanh^2 K:               ", np.round(ref, 6).tolist())
    # Delta F for the first step: the visible marginal is the decimated chain with its constant
    half = n // 2
    kp = stack.flow["coupling"][1]
    data_ham = SpinHamiltonian(
        half, {(i, (i + 1) % half): kp for i in range(half)}, constant=-half * stack.flow["constant"][0]
    )
    df_exact = free_energy_difference(data_ham, stack.rbms[0])
    df_weak = free_energy_difference(data_ham, decimation_rbm(half, 0.9))
    print(f"Delta F exact = {df_exact:.2e}, weakened (K = 0.9) = {df_weak:.4f}")
    log_z_tn = log_partition(stack.rbms[0])
    print(f"log Z: flow accounting {stack.log_partition:.12f}, contraction {log_z_tn:.12f}")
    # learning one step
    k1 = ref[1]
    res = swendsen_wang((8,), k1, n_sweeps=200 if small else 1000, n_chains=100, keep_samples=True, seed=0)
    mask = np.zeros((8, 8))
    for j in range(8):
        mask[j, j] = mask[(j + 1) % 8, j] = 1
    tr = train_rbm(res.samples.reshape(-1, 8), mask=mask, tie=np.zeros((8, 8), int), epochs=80, learning_rate=0.05)
    w, kt = float(abs(tr.rbm.W.toarray()[0, 0])), coarse_coupling(tr.rbm, [0, 1])
    print(f"learned weight {w:.4f} (K_0 = 1), learned K~ {kt:.4f} (K_1 = {k1:.6f})")
    if plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        import tnrbm.plot

        title = f"decimation of a chain of {n} as stacked RBMs, $K_0 = 1$"
        ax = tnrbm.plot.coupling_flow(ref, learned_weight=[w], learned_coupling=[kt], title=title)
        ax.plot(
            range(1, depth + 1), flow_k, "s", mfc="none", ms=10, color="C4", label=r"$\tilde{K}$ of each stacked RBM"
        )
        ax.legend(fontsize="small")
        tnrbm.plot.save_figure(ax.figure, plot, dpi=100, seed=0)  # links followed, devices and fifos refused
        plt.close(ax.figure)
    return {
        "flow": [1.0] + flow_k,
        "reference": ref,
        "delta_f_exact": df_exact,
        "delta_f_weak": df_weak,
        "log_z_flow": stack.log_partition,
        "log_z_contraction": log_z_tn,
        "learned_weight": w,
        "learned_coupling": kt,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--plot", default=None)
    args = parser.parse_args()
    main(small=args.small, plot=args.plot)
