"""TFIM ground state by ED: tnrbm's sparse and matrix-free routes against quimb's own sparse route.

Each route runs in a fresh subprocess (so that peak memory is its own) and reports the time to build
the Hamiltonian, the Lanczos time, the ground energy against the exact free-fermion value, the peak
resident memory above the imports (``resource.getrusage``) and the peak of traced allocations
(``tracemalloc``). Routes:

``sparse``    ``tnrbm.ed.tfim(n)`` (CSR built from bit operations) + ``tnrbm.ed.ground_state`` (scipy eigsh)
``operator``  ``tnrbm.ed.tfim(n, form="operator")`` (matrix-free LinearOperator) + the same Lanczos
``quimb``     ``quimb.ham_ising(n, jz=-4, bx=2, cyclic=True, sparse=True)`` + ``quimb.eigh(k=1, which="SA")``

Run:

    python benchmarks/bench_ed.py                          # N = 20, all three routes
    python benchmarks/bench_ed.py --n 24 --routes operator  # the matrix-free path at N = 24
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc

ROUTES = ("sparse", "operator", "quimb")


def _rss_bytes() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def run_route(route: str, n: int, h: float) -> dict:
    """One route in this process: times, energy and memory."""
    import numpy as np
    import quimb as qu

    from tnrbm import ed, exact

    base_rss = _rss_bytes()
    tracemalloc.start()
    t0 = time.perf_counter()
    if route == "quimb":
        ham = qu.ham_ising(n, jz=-4.0, bx=2.0 * h, cyclic=True, sparse=True)
        t1 = time.perf_counter()
        energy = float(np.min(qu.eigh(ham, k=1, which="SA", return_vecs=False)))
        matvecs = None
    else:
        ham = ed.tfim(n, J=1.0, h=h, form=route)
        t1 = time.perf_counter()
        result = ed.ground_state(ham)
        energy, matvecs = result.energy, result.matvecs
    t2 = time.perf_counter()
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    reference = exact.tfim_ground_energy(n, 1.0, h)
    return {
        "route": route,
        "n": n,
        "build_s": t1 - t0,
        "lanczos_s": t2 - t1,
        "matvecs": matvecs,
        "energy": energy,
        "error": abs(energy - reference),
        "peak_rss_above_imports": peak_rss - base_rss,
        "traced_peak": traced_peak,
    }


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=20, help="number of spins (default 20)")
    parser.add_argument("--h", type=float, default=1.0, help="transverse field (default 1, critical)")
    parser.add_argument("--routes", default=",".join(ROUTES), help=f"comma-separated subset of {ROUTES}")
    parser.add_argument("--quick", action="store_true", help="N = 16 instead of --n (seconds)")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.n = 16
    if args.child:
        print(json.dumps(run_route(args.child, args.n, args.h)))
        return []
    routes = [r for r in args.routes.split(",") if r]
    bad = [r for r in routes if r not in ROUTES]
    if bad:
        parser.error(f"unknown routes {bad}; choose from {ROUTES}")
    import numpy as np
    import quimb
    import scipy

    print(
        f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"quimb {quimb.__version__}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    print(f"TFIM periodic N={args.n}, J=1, h={args.h}: ground state, each route in its own process")
    rows = []
    for route in routes:
        cmd = [sys.executable, __file__, "--n", str(args.n), "--h", str(args.h), "--child", route]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            print(f"{route:<9} failed (exit {proc.returncode}): {proc.stderr.strip().splitlines()[-1:]}")
            continue
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        row["process_s"] = wall
        rows.append(row)
        print(
            f"{route:<9} build {row['build_s']:7.2f} s  Lanczos {row['lanczos_s']:7.2f} s "
            f"({row['matvecs'] if row['matvecs'] is not None else '?'} H@v)  "
            f"E0 {row['energy']:.10f}  |E0 - free fermions| {row['error']:.1e}  "
            f"peak RSS +{row['peak_rss_above_imports'] / 2**20:7.0f} MiB  traced peak {row['traced_peak'] / 2**20:7.0f} MiB"
        )
    by_route = {r["route"]: r for r in rows}
    if "quimb" in by_route:
        q = by_route["quimb"]
        for route in ("sparse", "operator"):
            if route in by_route:
                r = by_route[route]
                print(
                    f"quimb / {route}: time {(q['build_s'] + q['lanczos_s']) / (r['build_s'] + r['lanczos_s']):.2f}x, "
                    f"peak RSS {q['peak_rss_above_imports'] / max(r['peak_rss_above_imports'], 1):.2f}x"
                )
    return rows


if __name__ == "__main__":
    main()
