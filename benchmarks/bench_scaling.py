"""Where the time of an m = 12 cut goes, and what slicing, backends and dask workers do to it.

Run ``python benchmarks/bench_scaling.py`` (m = 12: the 6x6 open local lattice, region = first 3 rows;
the previous spectrum alone takes minutes) or ``--quick`` (m = 10: the 5x5 open lattice, first 2 rows;
about a minute). Everything compared is timed in the same run, with the same BLAS threads (``--threads``).

Table 1 (profile): min cut, path search, the two Gram contractions, and the spectrum by the previous
algorithm (complex128 ``eigh`` of G_A with eigenvectors, two complex products, ``eigvalsh``; copied here
as ``previous_spectrum``) and by the current one (:func:`tnrbm.entropy.spectrum_from_grams`: real
arithmetic for a real network, a diagonal or pivoted-Cholesky root, eigenvalues only). The ratio is
previous / current for the whole computation; the spectra are compared.

Table 2 (executors): the same independent jobs (the entanglement of several regions with the same m,
:func:`tnrbm.entropy.batch.entanglement_many`) serially, on threads and on a dask LocalCluster of one and
of two one-thread workers; the results must agree to 1e-12. On a 2-core machine shared with other work
two workers cannot reach 2x; the measured ratio is printed as it is.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
from threadpoolctl import threadpool_limits

import tnrbm
from tnrbm.bulk import min_cut
from tnrbm.contract import DEFAULT_PATH_CACHE
from tnrbm.entropy import spectrum_from_grams
from tnrbm.entropy.batch import entanglement_many
from tnrbm.entropy.cut import plan_grams


def previous_spectrum(gram_a, gram_b):
    """The spectrum as computed before (tnrbm main at e18b2e6), for the comparison."""
    ga = np.asarray(gram_a, dtype=np.complex128)
    gb = np.asarray(gram_b, dtype=np.complex128)
    ga = (ga + ga.conj().T) / 2
    gb = (gb + gb.conj().T) / 2
    ga = ga / max(float(np.max(np.abs(ga))), np.finfo(float).tiny)
    gb = gb / max(float(np.max(np.abs(gb))), np.finfo(float).tiny)
    w, u = np.linalg.eigh(ga)
    root = u * np.sqrt(np.clip(w, 0.0, None))
    mat = root.conj().T @ gb.T @ root
    mat = (mat + mat.conj().T) / 2
    p = np.linalg.eigvalsh(mat)[::-1]
    p = np.clip(p / np.sum(p), 0.0, None)
    return p / p.sum()


def case(quick: bool):
    if quick:
        return tnrbm.models.local_lattice((5, 5), periodic=False, seed=0), tuple(range(10))
    return tnrbm.models.local_lattice((6, 6), periodic=False, seed=0), tuple(range(18))


def profile(net, region, skip_previous: bool) -> None:
    DEFAULT_PATH_CACHE.clear()
    t = {}
    t0 = time.perf_counter()
    cut = min_cut(net, region)
    t["min cut"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    networks, plans = plan_grams(net, region, cut, "16GiB")
    t["path search"] = time.perf_counter() - t0
    grams = []
    for side, pl, arrays in zip(("G_A", "G_B"), plans, networks):
        t0 = time.perf_counter()
        grams.append(pl.contract(arrays)[0].reshape(2**cut.size, 2**cut.size))
        t[f"contract {side} ({pl.flops:.2g} flops)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    p_new, _ = spectrum_from_grams(*grams)
    t["spectrum (current)"] = time.perf_counter() - t0
    if not skip_previous:
        t0 = time.perf_counter()
        p_old = previous_spectrum(*grams)
        t["spectrum (previous)"] = time.perf_counter() - t0
    print(f"\nTable 1: m = {cut.size} ({2**cut.size} x {2**cut.size} Gram matrices), {net.n_visible} spins")
    for k, v in t.items():
        print(f"  {k:<40} {v:9.2f} s")
    common = sum(v for k, v in t.items() if not k.startswith("spectrum"))
    new_total = common + t["spectrum (current)"]
    print(f"  {'total (current)':<40} {new_total:9.2f} s")
    if not skip_previous:
        old_total = common + t["spectrum (previous)"]
        print(f"  {'total (previous)':<40} {old_total:9.2f} s   ratio previous/current = {old_total / new_total:.1f}x")
        print(f"  max |p_previous - p_current| = {np.max(np.abs(p_old - p_new)):.2e}")
        s_old = -np.sum(p_old[p_old > 0] * np.log(p_old[p_old > 0]))
        s_new = -np.sum(p_new[p_new > 0] * np.log(p_new[p_new > 0]))
        print(f"  |S_previous - S_current| = {abs(s_old - s_new):.2e} (S = {s_new:.12f} nats)")


def regions_of(net, quick: bool):
    lx = ly = 5 if quick else 6
    rows = 2 if quick else 3
    top = tuple(range(rows * ly))
    left = tuple(x * ly + y for x in range(lx) for y in range(rows))
    return [
        top,
        left,
        tuple(range(net.n_visible - rows * ly, net.n_visible)),
        tuple(sorted(set(range(net.n_visible)) - set(left))),
    ]


def _one_blas_thread() -> None:
    """One BLAS thread in a dask worker (for the whole life of the worker process)."""
    threadpool_limits(1)


def executors(net, quick: bool, n_jobs: int) -> None:
    from dask.distributed import Client, LocalCluster

    regions = regions_of(net, quick)[:n_jobs]
    print(f"\nTable 2: {len(regions)} independent regions, m = {[min_cut(net, r).size for r in regions]}")
    runs = {}
    t0 = time.perf_counter()
    runs["serial"] = entanglement_many(net, regions, method="cut")
    times = {"serial": time.perf_counter() - t0}
    t0 = time.perf_counter()
    runs["threads"] = entanglement_many(net, regions, method="cut", parallel="threads")
    times["threads"] = time.perf_counter() - t0
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as lc:
            with Client(lc) as client:
                client.run(_one_blas_thread)
                t0 = time.perf_counter()
                runs[f"dask x{workers}"] = entanglement_many(net, regions, method="cut", parallel=client)
                times[f"dask x{workers}"] = time.perf_counter() - t0
    for k, v in times.items():
        diff = max(abs(a.entropy - b.entropy) for a, b in zip(runs["serial"], runs[k]))
        dp = max(float(np.max(np.abs(a.spectrum - b.spectrum))) for a, b in zip(runs["serial"], runs[k]))
        print(f"  {k:<10} {v:8.2f} s   |dS| vs serial {diff:.1e}   |dp| max {dp:.1e}")
    print(f"  dask 1 worker / 2 workers = {times['dask x1'] / times['dask x2']:.2f}x (cores here: {os.cpu_count()})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="m = 10 instead of m = 12")
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads for everything timed (default 1)")
    ap.add_argument("--skip-previous", action="store_true", help="do not time the previous spectrum")
    ap.add_argument("--skip-dask", action="store_true", help="do not run Table 2")
    ap.add_argument("--jobs", type=int, default=2, help="independent regions in Table 2 (default 2)")
    args = ap.parse_args()
    print(f"tnrbm {tnrbm.__version__}, numpy {np.__version__}, {platform.machine()}, {os.cpu_count()} cores")
    print(f"load average {os.getloadavg()}, BLAS threads {args.threads}")
    net, region = case(args.quick)
    with threadpool_limits(args.threads):
        profile(net, region, args.skip_previous)
        if not args.skip_dask:
            executors(net, args.quick, args.jobs)


if __name__ == "__main__":
    main()
