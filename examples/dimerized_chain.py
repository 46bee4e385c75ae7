"""Entanglement of the dimerized hopping chain against its correlation length.

The chain t_j = 1 + (-1)**j m at half filling has correlation length xi = 1 / artanh|m| (the mass of
the paper's eq. 21, which ends the hierarchical network at depth z_IR = log2 xi). Peschel's
correlation-matrix method (tnrbm.exact) gives the exact entropy of blocks of a ring of thousands of
sites: it grows like (1/3) ln l up to l ~ xi and saturates beyond. Printed: xi, the measured decay
rate of the correlations times xi (-> 1), the saturated entropy of the block, the increment of the
saturated entropy per ln xi (-> c/3 = 1/3 slowly), and z_IR. Run:

    python examples/dimerized_chain.py [--small]
"""

from __future__ import annotations

import math
import sys

import numpy as np

from tnrbm import exact


def main(small: bool = False) -> list[dict]:
    """Entropy profiles and saturation for several masses (fewer and smaller when ``small``)."""
    masses = [0.4, 0.2] if small else [0.4, 0.2, 0.1, 0.05]
    rows = []
    previous = None
    print(f"{'m':>6} {'xi':>8} {'N':>6} {'rate*xi':>8} {'S_sat(odd l)':>13} {'dS/dln xi':>10} {'z_IR':>6}")
    for m in masses:
        xi = exact.dimerized_correlation_length(m)
        n = 2 * int(20 * xi) + 2
        corr = exact.hopping_ground_correlation(exact.dimerized_hopping(n, m))
        r = np.arange(int(4 * xi) | 1, int(12 * xi), 2)
        rate = -np.polyfit(r, np.log(np.abs(corr[0, r])) + 0.5 * np.log(r), 1)[0]
        half = n // 2 if (n // 2) % 2 else n // 2 - 1  # odd: one strong and one weak bond cut
        sizes = [1, 3, 5, 2 * int(2 * xi) + 1, 2 * int(5 * xi) + 1, half]
        profile = [exact.free_fermion_entropy(corr, range(length), kind="correlation") for length in sizes]
        s_sat = profile[-1]
        slope = None if previous is None else (s_sat - previous[1]) / (math.log(xi) - math.log(previous[0]))
        previous = (xi, s_sat)
        rows.append(
            {"m": m, "xi": xi, "n": n, "rate_xi": rate * xi, "sizes": sizes, "profile": profile, "slope": slope}
        )
        print(
            f"{m:6.3f} {xi:8.3f} {n:6d} {rate * xi:8.4f} {s_sat:13.6f} "
            f"{'' if slope is None else f'{slope:10.4f}':>10} {math.log2(xi):6.2f}"
        )
        print("       S(l) for l = " + ", ".join(f"{length}: {s:.4f}" for length, s in zip(sizes, profile)))
    return rows


if __name__ == "__main__":
    main(small="--small" in sys.argv)
