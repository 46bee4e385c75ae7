"""Top-k Schmidt values past the Gram wall (tnrbm.entropy.topk) against the full spectrum, and at m = 16.

Table 1 (default): open lattices cut in half, m = 12 (and 14 with ``--m14``), real and complex: the top-k
Schmidt probabilities of :func:`tnrbm.entropy.topk.top_schmidt` against the full spectrum of
``tnrbm.entanglement(method="cut")``: time ratio, largest relative error of the top-k (values above 1e-8 of
the largest; below that the full spectrum itself is at rounding level), passes, and the certified bounds.

Table 2 (``--m16``): the 8x8 open lattice, first 4 rows (m = 16: one Gram alone is 32 GiB real): one
streamed pass of ``M X`` with k + oversample columns is timed (``--pass-only``, the default), and the
whole run is projected as (passes needed) x (pass time); ``--full`` runs top_schmidt to the end.
Run with ``nice -n 15`` and ``OMP_NUM_THREADS=1`` on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

import tnrbm
from tnrbm.entropy.blocks import streamed_setup
from tnrbm.entropy.compute import make_problem
from tnrbm.entropy.topk import _streamed_product, top_schmidt
from tnrbm.validation import memory_limit


def compare(side: tuple, rows: int, k: int, complex_: bool) -> dict:
    """One row of Table 1 (the relative error over the values above 1e-6 of the largest, their count; and
    the largest error over all k relative to the largest value: the full spectrum's own rounding level)."""
    net = tnrbm.models.local_lattice(side, periodic=False, seed=0, complex=complex_)
    region = tuple(range(rows * side[1]))
    t0 = time.perf_counter()
    full = tnrbm.entanglement(net, region, method="cut", renyi=(2, 3))
    t_full = time.perf_counter() - t0
    res = top_schmidt(net, region, k=k, renyi=(2, 3), seed=0)
    exact = full.spectrum[:k]
    keep = exact > 1e-6 * exact[0]
    err = float(np.max(np.abs(res.probabilities[keep] - exact[keep]) / exact[keep]))
    err_abs = float(np.max(np.abs(res.probabilities - exact)) / exact[0])
    lo, hi = res.entropy_bounds
    row = {
        "m": full.cut.size,
        "complex": complex_,
        "k": k,
        "t_full": t_full,
        "t_topk": res.seconds,
        "passes": res.iterations,
        "max_rel_err": err,
        "S": full.entropy,
        "S_lo": lo,
        "S_hi": hi,
        "inside": bool(lo <= full.entropy <= hi),
        "gap": hi - lo,
        "tail_mass": res.tail_mass,
        "pass_s": float(np.median(res.extra["pass_seconds"])),
    }
    print(
        f"| {row['m']} | {'complex' if complex_ else 'real'} | {k} | {t_full:.1f} | {res.seconds:.1f} | "
        f"{res.iterations} | {err:.1e} ({int(keep.sum())}) | {err_abs:.1e} | {full.entropy:.10f} | [{lo:.10f}, {hi:.10f}] | {hi - lo:.1e} | "
        f"{res.tail_mass:.1e} |",
        flush=True,
    )
    return row


def one_pass(complex_: bool, k: int = 256, oversample: int = 64, max_memory: str = "16GiB") -> None:
    """Table 2: one streamed pass of ``M X`` at m = 16, timed (the diagonal and the plan timed apart)."""
    net = tnrbm.models.local_lattice((8, 8), periodic=False, seed=0, complex=complex_)
    region = tuple(range(32))
    problem = make_problem(net, region, "cut", memory_limit(max_memory), None, False)
    m = problem.cut.size
    width = k + oversample
    held = 7 * 2.0**m * width * (16 if complex_ else 8)
    t0 = time.perf_counter()
    diag, plan, job, memory = streamed_setup(problem, fixed=held)
    t_setup = time.perf_counter() - t0
    x = np.random.default_rng(0).standard_normal((2**m, width))
    if complex_:
        x = x + 1j * np.random.default_rng(1).standard_normal((2**m, width))
    t0 = time.perf_counter()
    y, scale, trace, sums = _streamed_product((diag, plan, job, m), x, True, None, 1)
    t_pass = time.perf_counter() - t0
    print(
        f"m = {m} ({'complex' if complex_ else 'real'}), width {width}: setup {t_setup:.1f} s, one pass "
        f"{t_pass:.1f} s in {plan.n_slices} blocks, estimated peak {memory / 2**30:.2f} GiB (max_memory={max_memory})",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--k", type=int, default=256)
    ap.add_argument("--m14", action="store_true", help="add m = 14 (7x7 open lattice, first 3 rows) to Table 1")
    ap.add_argument("--only-m14", action="store_true", help="m = 14 only (real)")
    ap.add_argument("--m16", action="store_true", help="Table 2: one pass at m = 16 (about 10 min real)")
    ap.add_argument("--complex", action="store_true", help="Table 2 for the complex network too")
    ap.add_argument("--full", action="store_true", help="Table 2: run top_schmidt to the end (hours)")
    ap.add_argument("--max-memory", default="16GiB")
    args = ap.parse_args()
    print(f"tnrbm {tnrbm.__version__}, numpy {np.__version__}, {platform.machine()}, {os.cpu_count()} cores")
    print(f"load average {os.getloadavg()}")
    if not args.m16:
        print(
            "| m | network | k | full spectrum s | top-k s | passes | max rel err | S exact | [S_lo, S_hi] | gap | tail |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        cases = [((6, 6), 3, c) for c in (False, True)]  # m = 12
        cases += [((7, 7), 3, c) for c in (False, True)] if args.m14 else []  # m = 14
        cases = [((7, 7), 3, False)] if args.only_m14 else cases
        for side, rows, complex_ in cases:
            compare(side, rows, args.k, complex_)
        return
    for complex_ in (False, True) if args.complex else (False,):
        if args.full:
            net = tnrbm.models.local_lattice((8, 8), periodic=False, seed=0, complex=complex_)
            res = top_schmidt(net, tuple(range(32)), k=args.k, max_memory=args.max_memory, renyi=(2, 3))
            print(res, res.extra["pass_seconds"])
        else:
            one_pass(complex_, args.k, max_memory=args.max_memory)


if __name__ == "__main__":
    main()
