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
import json
import os
import platform
import resource
import time

import numpy as np

import tnrbm
from tnrbm.entropy.blocks import streamed_setup
from tnrbm.entropy.compute import make_problem
from tnrbm.entropy.topk import VECTORS_HELD, _apply_block, top_schmidt
from tnrbm.validation import memory_limit


def compare(side: tuple, rows: int, k: int, complex_: bool, full_memory: str | None = None) -> dict:
    """One row of Table 1 (the relative error over the values above 1e-6 of the largest, their count; and
    the largest error over all k relative to the largest value: the full spectrum's own rounding level)."""
    net = tnrbm.models.local_lattice(side, periodic=False, seed=0, complex=complex_)
    region = tuple(range(rows * side[1]))
    t0 = time.perf_counter()
    full = tnrbm.entanglement(net, region, method="cut", renyi=(2, 3), max_memory=full_memory)
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


def one_pass(complex_: bool, k: int = 256, oversample: int = 64, max_memory: str = "16GiB", blocks: int = 0) -> None:
    """Table 2: one streamed pass of ``M X`` at m = 16 (width ``k + oversample``), timed block by block
    (wall and CPU seconds); ``blocks > 0`` times only that many blocks and projects the pass from them (the
    blocks are one contraction tree with different sliced values: the same cost each)."""
    net = tnrbm.models.local_lattice((8, 8), periodic=False, seed=0, complex=complex_)
    region = tuple(range(32))
    problem = make_problem(net, region, "cut", memory_limit(max_memory), None, False)
    m = problem.cut.size
    width = k + oversample
    held = (VECTORS_HELD + 1) * 2.0**m * width * (16 if complex_ else 8)
    t0, c0 = time.perf_counter(), time.process_time()
    diag, plan, job, memory, _ = streamed_setup(problem, fixed=held)
    t_setup, c_setup = time.perf_counter() - t0, time.process_time() - c0
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2**m, width)) + (1j * rng.standard_normal((2**m, width)) if complex_ else 0)
    values = plan.block_values()
    done = values[:blocks] if blocks else values
    shared = (job, diag, np.sqrt(diag), m, x, True)
    print(
        f"m = {m} ({'complex' if complex_ else 'real'}), width {width}: setup (diagonal + plan) {t_setup:.1f} s "
        f"wall, {c_setup:.1f} s CPU; {plan.n_slices} blocks, estimated peak {memory / 2**30:.2f} GiB "
        f"(max_memory={max_memory})",
        flush=True,
    )
    t0, c0 = time.perf_counter(), time.process_time()
    for i, v in enumerate(done, start=1):
        _apply_block(shared, v)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"  {i} blocks: {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)
    n = len(values) / len(done)
    print(
        f"one pass ({len(done)} of {len(values)} blocks timed): {wall * n:.0f} s wall, {cpu * n:.0f} s CPU "
        f"(load average {os.getloadavg()[0]:.1f})",
        flush=True,
    )


def projection(k: int = 256, oversample: int = 64, worker_memory: str = "16GiB") -> None:
    """Table 3: the work of one pass from the plan alone (nothing contracted) at m = 16, 18, 20 (open
    lattices, half: 8x8, 9x9 first 4 rows... the cut is two rows), per block and per worker."""
    from tnrbm.entropy.blocks import _plan_blocks, diagonal_side
    from tnrbm.entropy.cut import gram_itemsize, gram_networks

    print(
        "| m | lattice | blocks | contraction flops / block | product flops / block | vectors on the client "
        "| peak / worker |"
    )
    print("|---|---|---|---|---|---|---|")
    for side, rows in ((8, 4), (9, 4), (10, 5)):
        net = tnrbm.models.local_lattice((side, side), periodic=False, seed=0)
        problem = make_problem(net, tuple(range(rows * side)), "cut", memory_limit(worker_memory), None, False)
        m = problem.cut.size
        sides = gram_networks(problem.network, problem.region, problem.cut)
        _, _, inputs_b, output_b = sides[1 - diagonal_side(problem)][:4]
        held = VECTORS_HELD * 2.0**m * (k + oversample) * gram_itemsize(net)  # on the client
        worker = 2 * 2.0**m * (k + oversample) * gram_itemsize(net)  # X and one block's share of M X
        plan, memory = _plan_blocks(inputs_b, output_b, problem, 8.0 * 2**m + worker, worker)
        per_block = plan.flops / plan.n_slices
        product = 2 * 4.0**m * (k + oversample) / plan.n_slices
        print(
            f"| {m} | {side}x{side}, {rows} rows | {plan.n_slices} | {per_block:.2e} | {product:.2e} | "
            f"{held / 2**30:.1f} GiB | {memory / 2**30:.1f} GiB |",
            flush=True,
        )


def full_run(
    complex_: bool, k: int, max_memory: str, apply: str, out: str | None, gap_tol: float | None = None
) -> None:
    """Table 2, measured: the whole m = 16 run (8x8 open lattice, first 4 rows), its wall and CPU time, the
    process's peak resident memory and the load, written to ``out`` (JSON) when given."""
    net = tnrbm.models.local_lattice((8, 8), periodic=False, seed=0, complex=complex_)
    load = [os.getloadavg()[0]]
    t0, c0 = time.perf_counter(), time.process_time()
    res = top_schmidt(
        net,
        tuple(range(32)),
        k=k,
        renyi=(0.5, 2, 3, float("inf")),
        max_memory=max_memory,
        seed=0,
        apply=apply,
        gap_tol=gap_tol,
    )
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    load.append(os.getloadavg()[0])
    record = res.to_dict() | {
        "wall_seconds": wall,
        "cpu_seconds": cpu,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "load_average_start_end": load,
        "call": f"top_schmidt(local_lattice((8, 8), periodic=False, seed=0, complex={complex_}), range(32), k={k}, "
        f"renyi=(0.5, 2, 3, inf), max_memory={max_memory!r}, seed=0, apply={apply!r}, gap_tol={gap_tol!r}), "
        f"OMP_NUM_THREADS="
        f"{os.environ.get('OMP_NUM_THREADS')}",
        "environment": {k: v for k, v in os.environ.items() if k.startswith(("MALLOC_", "OMP_", "OPENBLAS_"))},
    }
    print(res, f"wall {wall:.1f} s, CPU {cpu:.1f} s, peak RSS {record['peak_rss_bytes'] / 2**30:.2f} GiB, load {load}")
    print(res.extra, flush=True)
    if out:
        with open(out, "w") as fh:
            json.dump(record, fh, indent=1, default=float)


def projection_network(k: int = 256, oversample: int = 64) -> None:
    """Table 3b: the work of apply="network" from its plans alone (nothing contracted) at m = 16, 18, 20:
    the flops of one pass (``M X``), of the purity (once, sliced to 64 MiB pieces) and the peak bytes."""
    from tnrbm.contract import plan_contraction
    from tnrbm.entropy.blocks import gram_sides
    from tnrbm.entropy.topk import _COLUMN, SQUARE_MEMORY, operator_networks

    print("| m | lattice | pass flops (M X) | purity flops (once) | purity slices | pass peak | vectors |")
    print("|---|---|---|---|---|---|---|")
    width = k + oversample
    for side, rows in ((8, 4), (9, 4), (10, 5)):
        net = tnrbm.models.local_lattice((side, side), periodic=False, seed=0)
        problem = make_problem(net, tuple(range(rows * side)), "cut", memory_limit("16GiB"), None, False)
        m = problem.cut.size
        _, _, (_, inputs, output) = gram_sides(problem)
        nets = operator_networks(inputs, output)
        plans = {}
        for name in ("apply", "square"):
            ins, out = nets[name]
            sizes = {ix: 2 for term in ins for ix in term} | {_COLUMN: width}
            limit = SQUARE_MEMORY if name == "square" else 2.0**62
            plans[name] = plan_contraction(ins, out, sizes, itemsize=8, max_memory=limit, slicing="inner")
        a, sq = plans["apply"], plans["square"]
        print(
            f"| {m} | {side}x{side}, {rows} rows | {a.flops:.2e} | {sq.flops:.2e} | {sq.n_slices} | "
            f"{(a.peak_bytes + a.largest_bytes) / 2**30:.1f} GiB | {VECTORS_HELD * 2.0**m * width * 8 / 2**30:.1f} GiB |",
            flush=True,
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--k", type=int, default=256)
    ap.add_argument("--m14", action="store_true", help="add m = 14 (7x7 open lattice, first 3 rows) to Table 1")
    ap.add_argument("--only-m14", action="store_true", help="m = 14 only (real; with --complex, complex)")
    ap.add_argument("--m16", action="store_true", help="Table 2: one pass at m = 16 (about 10 min real)")
    ap.add_argument(
        "--complex",
        action="store_true",
        help="Table 2 for the complex network too (with --only-m14: the complex m = 14 row)",
    )
    ap.add_argument("--full", action="store_true", help="Table 2: run top_schmidt to the end (hours)")
    ap.add_argument("--max-memory", default="16GiB")
    ap.add_argument("--full-memory", default=None, help="Table 1: max_memory of the full spectrum (m = 14: 9GiB)")
    ap.add_argument("--apply", default="network", help="top_schmidt's apply= (network or blocks)")
    ap.add_argument("--gap-tol", type=float, default=None, help="--full: top_schmidt's gap_tol= (stop early)")
    ap.add_argument("--out", default=None, help="--full: write the run's record (JSON) here")
    ap.add_argument("--project", action="store_true", help="Table 3: the work per pass at m = 16-20 (plans)")
    ap.add_argument("--blocks", type=int, default=0, help="Table 2: time only this many blocks, project the pass")
    ap.add_argument("--quick", action="store_true", help="Table 1 on the 4x4 lattice only (m = 8, k = 16)")
    args = ap.parse_args()
    print(f"tnrbm {tnrbm.__version__}, numpy {np.__version__}, {platform.machine()}, {os.cpu_count()} cores")
    print(f"load average {os.getloadavg()}")
    if args.project:
        projection(args.k)
        projection_network(args.k)
        return
    if not args.m16:
        print(
            "| m | network | k | full spectrum s | top-k s | passes | max rel err | max err / p_1 | S exact | "
            "[S_lo, S_hi] | gap | tail |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        cases = [((6, 6), 3, c) for c in (False, True)]  # m = 12
        cases += [((7, 7), 3, c) for c in (False, True)] if args.m14 else []  # m = 14
        cases = [((7, 7), 3, args.complex)] if args.only_m14 else cases
        cases = [((4, 4), 2, False)] if args.quick else cases
        for side, rows, complex_ in cases:
            compare(side, rows, 16 if args.quick else args.k, complex_, args.full_memory)
        return
    kinds = (True,) if args.complex and args.full else (False, True) if args.complex else (False,)
    for complex_ in kinds:  # --full --complex: the complex run only (one big run at a time)
        if args.full:
            full_run(complex_, args.k, args.max_memory, args.apply, args.out, args.gap_tol)
        else:
            one_pass(complex_, args.k, max_memory=args.max_memory, blocks=args.blocks)


if __name__ == "__main__":
    main()
