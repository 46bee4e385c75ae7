"""A fitted RBM against exact diagonalization on the transverse-field Ising chain.

For each size N, a fully connected RBM with alpha = 1 (N spin hidden units, real parameters) is fitted
to the periodic critical chain H = -sum Z_i Z_{i+1} - sum X_i by stochastic reconfiguration with exact
sums and the default adaptive step control (tnrbm.fit.variational_ground_state), from a small random
start, then compared with the ED ground state: energy, fidelity, and the entanglement
entropy of every block [0, l) beside the RBM's minimal-cut bound m ln 2 (tnrbm.bulk.min_cut) and the
free-fermion value (tnrbm.exact). Run:

    python examples/tfim_fit.py          # N = 12, 14, 16 (N = 16: about 14 minutes on 2 shared cores)
    python examples/tfim_fit.py --small  # N = 8, seconds
"""

from __future__ import annotations

import math
import sys
import time

import tnrbm
from tnrbm import ed, exact, fit
from tnrbm.bulk import min_cut


def fit_and_compare(n: int, steps: int, seed: int = 0) -> dict:
    """Fit an alpha = 1 RBM to the periodic TFIM at h = 1 and compare it with ED; returns the numbers."""
    hamiltonian = ed.tfim(n, J=1.0, h=1.0)
    ground = ed.ground_state(hamiltonian)
    start = tnrbm.models.random_rbm(n, n, scale=0.01, seed=seed)  # NetKet's default start: weights ~ 0.01
    result = fit.variational_ground_state(start, hamiltonian, steps=steps, reference=ground.vector)
    psi = result.rbm.to_dense()
    free_fermion = exact.tfim_entropy_profile(n, J=1.0, h=1.0)
    cuts = []
    for length in range(1, n):
        region = list(range(length))
        cut = min_cut(result.rbm, region)
        cuts.append(
            {
                "l": length,
                "S_rbm": tnrbm.entanglement(psi, region).entropy,
                "S_ed": tnrbm.entanglement(ground.vector, region).entropy,
                "S_free_fermion": free_fermion[length - 1],
                "m": cut.size,
                "bound": cut.bound,
            }
        )
    return {
        "n": n,
        "energy_rbm": result.energy,
        "energy_ed": ground.energy,
        "energy_exact": exact.tfim_ground_energy(n, 1.0, 1.0),
        "relative_error": abs(result.energy - ground.energy) / abs(ground.energy),
        "fidelity": result.fidelity,
        "fit_seconds": result.seconds,
        "ed_seconds": ground.seconds,
        "cuts": cuts,
    }


def main(small: bool = False) -> list[dict]:
    """Run the comparison (N = 8 when ``small``, else N = 12, 14, 16) and print the tables."""
    sizes, steps = ([8], 60) if small else ([12, 14, 16], 200)
    out = []
    for n in sizes:
        t0 = time.perf_counter()
        res = fit_and_compare(n, steps)
        out.append(res)
        print(f"\nTFIM N={n}, h=1, RBM alpha=1 ({n * n + 2 * n} real parameters), {steps} SR steps")
        print(
            f"  energy: RBM {res['energy_rbm']:.10f}  ED {res['energy_ed']:.10f}  free fermions "
            f"{res['energy_exact']:.10f}  relative error {res['relative_error']:.2e}"
        )
        print(
            f"  fidelity {res['fidelity']:.8f} (1 - F = {1 - res['fidelity']:.2e}); fit {res['fit_seconds']:.1f} s, "
            f"ED {res['ed_seconds']:.2f} s, total {time.perf_counter() - t0:.1f} s"
        )
        print(f"  {'l':>3} {'S_rbm':>10} {'S_ed':>10} {'S_ff':>10} {'|diff|':>9} {'m':>3} {'m ln 2':>8}")
        for c in res["cuts"]:
            print(
                f"  {c['l']:>3} {c['S_rbm']:10.6f} {c['S_ed']:10.6f} {c['S_free_fermion']:10.6f} "
                f"{abs(c['S_rbm'] - c['S_ed']):9.2e} {c['m']:>3} {c['bound']:8.4f}"
            )
        assert all(c["S_ed"] <= c["bound"] + 1e-9 for c in res["cuts"]) or math.isnan(res["fidelity"])
    return out


if __name__ == "__main__":
    main(small="--small" in sys.argv)
