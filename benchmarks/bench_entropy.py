"""Exact entanglement at scale: the cut and MPS methods against a dense SVD and quimb's entropy_subsys.

Run ``python benchmarks/bench_entropy.py`` (about 3-5 minutes on 2 cores) or ``--quick`` (under a minute).

Table 1 (small N, everything timed in the same run): half-chain entropy of a local chain RBM
(``tnrbm.models.local_chain``, alpha = 1, complex weights of scale 0.5). Columns: the cut method
(cold: path search included; warm: the path cached), tnrbm's dense method (state vector + SVD), a
plain SVD of the precomputed vector, and quimb's ``entropy_subsys(approx_thresh=None)`` on it; ratios
are (their time) / (cut, cold). The entropies of all methods are compared.

Table 2 (large N): the cut method alone, N = 64 ... 4096, radius 1 and 2, cold and warm, to show time
growing about linearly with N; the exact MPS profile (all N - 1 cuts) at the smaller sizes.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time

import numpy as np
import quimb as qu

import tnrbm
from tnrbm.contract import DEFAULT_PATH_CACHE, blas_threads
from tnrbm.entropy import entanglement, entanglement_profile
from tnrbm.tn import plan_mps


def timed(fn, repeat: int = 1):
    """Best wall time of ``repeat`` calls and the last result."""
    best, out = math.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def chain(n: int, radius: int, seed: int = 0):
    return tnrbm.models.local_chain(n, alpha=1, radius=radius, periodic=True, complex=True, scale=0.5, seed=seed)


def small_table(sizes, radii, repeat):
    print("\nTable 1: half chain, periodic local chain (alpha=1, complex, scale 0.5); all timed in this run")
    head = (
        f"{'N':>4} {'r':>2} {'m':>3} {'method':>6} {'cut cold s':>10} {'cut warm s':>10} {'dense s':>9} "
        f"{'SVD s':>9} {'quimb s':>9} {'SVD/cut':>8} {'quimb/cut':>9} {'dense/cut':>9} {'|dS| max':>9}"
    )
    print(head)
    print("-" * len(head))
    for radius in radii:
        for n in sizes:
            net = chain(n, radius)
            region = list(range(n // 2))
            rep = repeat if n <= 20 else 1  # a dense N = 22 takes 10-40 s per call here
            DEFAULT_PATH_CACHE.clear()
            t_cold, cut = timed(lambda net=net, region=region: entanglement(net, region, method="cut"))
            t_warm, _ = timed(lambda net=net, region=region: entanglement(net, region, method="cut"), repeat)
            t_dense, dense = timed(lambda net=net, region=region: entanglement(net, region, method="dense"), rep)
            psi = net.to_dense()

            def svd(psi=psi, n=n):
                s = np.linalg.svd(psi.reshape(2 ** (n // 2), -1), compute_uv=False)
                p = s**2
                p = p[p > 0]
                return float(-np.sum(p * np.log(p)))

            t_svd, s_svd = timed(svd, rep)
            t_quimb, s_quimb = timed(
                lambda psi=psi, n=n: qu.entropy_subsys(psi, [2] * n, list(range(n // 2)), approx_thresh=None), rep
            )
            s_quimb = s_quimb * math.log(2.0)  # quimb reports bits
            err = max(abs(cut.entropy - dense.entropy), abs(cut.entropy - s_svd), abs(cut.entropy - s_quimb))
            print(
                f"{n:>4} {radius:>2} {cut.cut.size:>3} {cut.method:>6} {t_cold:>10.4f} {t_warm:>10.4f} "
                f"{t_dense:>9.4f} {t_svd:>9.4f} {t_quimb:>9.4f} {t_svd / t_cold:>8.1f} {t_quimb / t_cold:>9.1f} "
                f"{t_dense / t_cold:>9.1f} {err:>9.1e}"
            )


def large_table(sizes, radii, profile_max):
    print("\nTable 2: half chain with the cut method, periodic local chain; cold = path search included")
    head = (
        f"{'N':>5} {'r':>2} {'m':>3} {'S (nats)':>10} {'cold s':>8} {'warm s':>8} {'path s':>7} "
        f"{'contract s':>10} {'tensors':>8} {'flops':>9} {'peak B':>9} {'cold/N us':>9} {'profile s':>9}"
    )
    print(head)
    print("-" * len(head))
    for radius in radii:
        for n in sizes:
            net = chain(n, radius)
            region = list(range(n // 2))
            DEFAULT_PATH_CACHE.clear()
            t_cold, res = timed(lambda net=net, region=region: entanglement(net, region, method="cut"))
            t_warm, res_w = timed(lambda net=net, region=region: entanglement(net, region, method="cut"))
            t_prof = float("nan")
            if n <= profile_max and plan_mps(net).max_bond <= 64:
                t_prof, prof = timed(lambda net=net: entanglement_profile(net))
                assert abs(prof.entropy[n // 2 - 1] - res.entropy) < 1e-9, "profile and cut disagree"
            print(
                f"{n:>5} {radius:>2} {res.cut.size:>3} {res.entropy:>10.6f} {t_cold:>8.3f} {t_warm:>8.3f} "
                f"{res.extra['path_seconds']:>7.3f} {res_w.extra['contract_seconds']:>10.3f} "
                f"{sum(res.extra['n_tensors']):>8d} {res.flops:>9.2e} {res.memory:>9.2e} "
                f"{1e6 * t_cold / n:>9.1f} {t_prof:>9.3f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes only (under a minute)")
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="BLAS threads for every method (default 1: on a busy 2-core machine a threaded BLAS made the "
        "N=20 SVD 20-50x slower and erratic; 0 = no limit)",
    )
    args = parser.parse_args()
    print(
        f"tnrbm {tnrbm.__version__}, quimb {qu.__version__}, numpy {np.__version__}, {platform.machine()}, "
        f"{os.cpu_count()} cores, BLAS threads: {args.blas_threads or 'no limit'}"
    )
    t0 = time.perf_counter()
    with blas_threads(args.blas_threads or None):
        if args.quick:
            small_table([12, 16, 20], [1], repeat=1)
            large_table([64, 256, 1024], [1, 2], profile_max=1024)
        else:
            small_table([12, 16, 20, 22], [1, 2], repeat=3)
            large_table([64, 128, 256, 512, 1024, 2048, 4096], [1, 2], profile_max=4096)
    print(f"\ntotal {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
