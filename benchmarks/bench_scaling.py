"""Where the time of an m = 12 cut goes, and what slicing, backends and dask workers do to it.

Run ``python benchmarks/bench_scaling.py`` (m = 12: the 6x6 open local lattice, region = first 3 rows;
the previous spectrum alone takes minutes) or ``--quick`` (m = 10: the 5x5 open lattice, first 2 rows;
about a minute). Everything compared is timed in the same run, with the same BLAS threads (``--threads``).

Table 1 (profile): min cut, path search, the two Gram contractions, and the spectrum by the previous
algorithm (complex128 ``eigh`` of G_A with eigenvectors, two complex products, ``eigvalsh``; copied here
as ``previous_spectrum``) and by the current one (:func:`tnrbm.entropy.spectrum_from_grams`: real
arithmetic for a real network, a diagonal or pivoted-Cholesky root, eigenvalues only). The ratio is
previous / current for the whole computation; the spectra are compared.

Table 2 (executors): the same independent jobs (the entanglement, then the purity, of several regions
with the same m, :func:`tnrbm.entropy.batch.entanglement_many`) serially, on threads and on a dask
LocalCluster of one and of two one-thread workers (warmed: BLAS limited to one thread and tnrbm imported
before the clock starts; ``--cold-workers`` times the imports too); the results must agree to 1e-12.
The full spectrum ends in a memory-bound ``eigh``, which two processes on two cores share badly; the
purity is contractions only. On a 2-core machine shared with other work two workers cannot reach 2x; the
measured ratio is printed as it is.

Table 3 (``--m14``): m = 14 (the 7x7 open lattice, first 3 rows), entanglement and purity, within 16 GiB.
Table 4 (``--project``): periodic lattices, half the spins: L = 4, 5 measured (flops/s of the Gram
contractions, spectrum time), L = 6 (m = 18) projected from its planned flops and the ``8**m`` eigen cost.
Table 5 (``--cluster``): the 12x12 2D cluster state, top half (m = 12), against S = 12 ln 2.
Table 6 (``--m16``): the purity at m = 16 (the 8x8 open lattice, half), streamed in blocks within 12 GiB.
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


def _warm_worker() -> None:
    """One BLAS thread in a dask worker (for the whole life of the worker process), tnrbm imported: a
    long-lived worker has paid its imports before the work arrives."""
    _one_blas_thread()
    import tnrbm.entropy  # noqa: F401


def _difference(quantity: str, a, b) -> float:
    if quantity == "purity":
        return abs(a.purity - b.purity)
    return max(abs(a.entropy - b.entropy), float(np.max(np.abs(a.spectrum - b.spectrum))))


def executors(net, quick: bool, n_jobs: int, quantity: str, warm: bool) -> float:
    """Table 2: the same independent jobs serially, on threads and on 1 and 2 dask workers."""
    from dask.distributed import Client, LocalCluster

    regions = regions_of(net, quick)[:n_jobs]
    what = "entanglement (full spectrum)" if quantity == "entanglement" else "purity (Renyi-2, no spectrum)"
    print(f"\nTable 2 ({what}): {len(regions)} independent regions, m = {[min_cut(net, r).size for r in regions]}")
    runs, times = {}, {}
    for name, parallel in (("serial", None), ("threads", "threads")):
        t0 = time.perf_counter()
        runs[name] = entanglement_many(net, regions, method="cut", parallel=parallel, quantity=quantity)
        times[name] = time.perf_counter() - t0
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as lc:
            with Client(lc) as client:
                client.run(_warm_worker if warm else _one_blas_thread)
                t0 = time.perf_counter()
                runs[f"dask x{workers}"] = entanglement_many(
                    net, regions, method="cut", parallel=client, quantity=quantity
                )
                times[f"dask x{workers}"] = time.perf_counter() - t0
    for k, v in times.items():
        diff = max(_difference(quantity, a, b) for a, b in zip(runs["serial"], runs[k]))
        print(f"  {k:<10} {v:8.2f} s   max difference vs serial {diff:.1e}")
    ratio = times["dask x1"] / times["dask x2"]
    print(f"  dask 1 worker / 2 workers = {ratio:.2f}x (cores here: {os.cpu_count()}; workers warm: {warm})")
    return ratio


def large_cut(side: int, rows: int, max_memory: str) -> None:
    """Table 3: the entanglement and purity of the first ``rows`` rows of a ``side x side`` open lattice."""
    net = tnrbm.models.local_lattice((side, side), periodic=False, seed=0)
    region = tuple(range(rows * side))
    t0 = time.perf_counter()
    pur = tnrbm.purity(net, region, max_memory=max_memory)
    t_pur = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = tnrbm.entanglement(net, region, method="cut", renyi=(2,), max_memory=max_memory)
    t_ent = time.perf_counter() - t0
    m = res.cut.size
    print(f"\nTable 3: {side}x{side} open lattice, first {rows} rows: m = {m}, {2**m} x {2**m} Grams")
    print(f"  entanglement: S = {res.entropy:.12f}, S_2 = {res.renyi[2]:.12f} (bound {m * np.log(2):.6f})")
    print(
        f"    {t_ent:.1f} s ({res.extra['contract_seconds']:.1f} s after planning), est. peak {res.memory / 2**30:.1f} GiB"
    )
    print(
        f"  purity: S_2 = {pur.renyi2:.12f}, {t_pur:.1f} s; |S_2 - S_2(spectrum)| = {abs(pur.renyi2 - res.renyi[2]):.1e}"
    )


def streamed(side: int = 8, rows: int = 4, max_memory: str = "12GiB") -> None:
    """Table 6: the purity of half an 8x8 open lattice (m = 16: one Gram alone is 32 GiB), streamed."""
    net = tnrbm.models.local_lattice((side, side), periodic=False, seed=0)
    t0 = time.perf_counter()
    pur = tnrbm.purity(net, tuple(range(rows * side)), max_memory=max_memory)
    m = pur.cut.size
    print(f"\nTable 6: {side}x{side} open lattice, first {rows} rows: m = {m} (a Gram: {8 * 4.0**m / 2**30:.0f} GiB)")
    print(f"  purity streamed in {pur.extra.get('n_blocks')} blocks within {max_memory}: S_2 = {pur.renyi2:.12f}")
    print(f"  {time.perf_counter() - t0:.1f} s, estimated peak {pur.memory / 2**30:.2f} GiB")


def cluster_state(side: int = 12) -> None:
    """Table 5: the 2D cluster state (graph state of the side x side grid), top half: m = side, and the
    graph-state identity S = rank_GF2(Gamma_AB) ln 2 = side ln 2 as the reference."""
    edges = [(x * side + y, x * side + y + 1) for x in range(side) for y in range(side - 1)]
    edges += [(x * side + y, (x + 1) * side + y) for x in range(side - 1) for y in range(side)]
    net = tnrbm.states.graph_state(edges, side * side)
    region = tuple(range(side * side // 2))
    t0 = time.perf_counter()
    res = tnrbm.entanglement(net, region, method="cut")
    t_ent = time.perf_counter() - t0
    t0 = time.perf_counter()
    pur = tnrbm.purity(net, region)
    t_pur = time.perf_counter() - t0
    print(f"\nTable 5: {side}x{side} 2D cluster state, top half: m = {res.cut.size} (complex Grams)")
    print(f"  entanglement {t_ent:.1f} s: |S - {side} ln 2| = {abs(res.entropy - side * np.log(2)):.1e}")
    print(f"  purity {t_pur:.1f} s: |Tr rho^2 - 2^-{side}| = {abs(pur.purity - 2.0**-side):.1e}")


def projection(rate_sides=(4, 5), target=6) -> None:
    """Table 4: periodic lattices, half the spins: measured contraction rate and eigen time, projected to
    the ``target`` side from the planned flops and the 8**m eigen cost."""
    rates, eig = [], None
    print("\nTable 4: periodic L x L lattice, first half of the spins (planned flops: the best tree found)")
    for side in rate_sides + (target,):
        net = tnrbm.models.local_lattice((side, side), periodic=True, seed=0)
        region = tuple(range(side * side // 2))
        cut = min_cut(net, region)
        networks, plans = plan_grams(net, region, cut, "1024PiB")
        flops = sum(pl.flops for pl in plans)
        peak = max(pl.peak_bytes for pl in plans)
        if side == target:
            rate = float(np.median(rates))
            t_c = flops / rate
            t_e = eig[1] * (2.0 ** (cut.size - eig[0])) ** 3
            print(
                f"  L={side}: m={cut.size}, {flops:.2e} flops, contraction peak {peak / 2**40:.1f} TiB, Gram "
                f"{8 * 4.0**cut.size / 2**30:.0f} GiB: projected {t_c / 86400:.1f} days contraction "
                f"+ {t_e / 86400:.1f} days spectrum on one core of this machine (the arithmetic does not allow it)"
            )
            continue
        t0 = time.perf_counter()
        grams = [pl.contract(arrays)[0].reshape(2**cut.size, -1) for pl, arrays in zip(plans, networks)]
        t_c = time.perf_counter() - t0
        t0 = time.perf_counter()
        spectrum_from_grams(*grams, overwrite=True)
        t_e = time.perf_counter() - t0
        rates.append(flops / t_c)
        eig = (cut.size, t_e)
        print(
            f"  L={side}: m={cut.size}, {flops:.2e} flops in {t_c:.2f} s ({flops / t_c:.2e} flops/s), spectrum {t_e:.2f} s"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="m = 10 instead of m = 12")
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads for everything timed (default 1)")
    ap.add_argument("--skip-previous", action="store_true", help="do not time the previous spectrum")
    ap.add_argument("--skip-dask", action="store_true", help="do not run Table 2")
    ap.add_argument("--jobs", type=int, default=2, help="independent regions in Table 2 (default 2)")
    ap.add_argument("--cold-workers", action="store_true", help="time the workers' first imports too")
    ap.add_argument("--m14", action="store_true", help="Table 3: m = 14 (7x7 lattice; minutes, ~12 GiB)")
    ap.add_argument("--project", action="store_true", help="Table 4: periodic 4x4, 5x5 measured, 6x6 projected")
    ap.add_argument("--cluster", action="store_true", help="Table 5: the 12x12 2D cluster state, half (m = 12)")
    ap.add_argument("--m16", action="store_true", help="Table 6: S_2 at m = 16 streamed in blocks (~8 min)")
    args = ap.parse_args()
    print(f"tnrbm {tnrbm.__version__}, numpy {np.__version__}, {platform.machine()}, {os.cpu_count()} cores")
    print(f"load average {os.getloadavg()}, BLAS threads {args.threads}")
    net, region = case(args.quick)
    with threadpool_limits(args.threads):
        profile(net, region, args.skip_previous)
        if not args.skip_dask:
            for quantity in ("entanglement", "purity"):
                executors(net, args.quick, args.jobs, quantity, warm=not args.cold_workers)
        if args.m14:
            large_cut(7, 3, "16GiB")
        if args.project:
            projection()
        if args.cluster:
            cluster_state()
        if args.m16:
            streamed()


if __name__ == "__main__":
    main()
