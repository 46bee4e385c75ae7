"""Symmetry-resolved entanglement against the plain entanglement, on 2D Z2-symmetric RBMs (issue 20.1).

The networks: ``local_lattice((6, Ly), radius=1, periodic=False, bias_scale=0)`` (zero biases, spin
hidden units: ``psi(-v) = psi(v)``), region = the first 3 rows (``3 Ly`` spins), minimal cut
``m = 2 Ly``: Ly = 4, 5, 6 give m = 8, 10, 12. For each, best of ``--repeat`` (default 3), interleaved:

* ``plain``: ``tnrbm.entanglement(net, region, method="cut")`` (2 Gram contractions, 1 spectrum);
* ``z2``: ``symmetry_resolved(net, region, "z2", check="none")`` (3 contractions, 2 sector spectra);
* ``z2+check``: the same with ``check="state"`` (one more complement contraction: ``<psi|F|psi>``).

The sector entropy ``S_number + S_config`` is checked against the plain ``S`` (to 1e-9). Run with
``OMP_NUM_THREADS=1 nice -n 15 python benchmarks/bench_symmetry.py`` (``--quick``: m = 8, 10 only).
Prints a markdown table (docs/theory/symmetry.md) and one JSON line per row.

``--u1``: the same lattices (random biases, ``bias_scale=0.5``) projected onto ``S^z = 0``
(:class:`tnrbm.network.ProjectedRBM`), m = 8 and 10: ``symmetry_resolved(proj, region, "u1")`` against
the plain entanglement of the unprojected RBM (the plain cut's cost), with the number of sectors.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import tnrbm
from tnrbm.entropy import symmetry_resolved
from tnrbm.network import ProjectedRBM

#: the same explicit limit for every run (the default, a quarter of the free memory, moves with the load)
LIMIT = "4GiB"


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def row(ly: int, repeat: int) -> dict:
    net = tnrbm.models.local_lattice((6, ly), radius=1, periodic=False, bias_scale=0.0, seed=0)
    region = range(3 * ly)
    times: dict[str, float] = {k: float("inf") for k in ("plain", "z2", "z2+check")}
    results: dict = {}
    calls = {
        "plain": lambda: tnrbm.entanglement(net, region, method="cut", max_memory=LIMIT),
        "z2": lambda: symmetry_resolved(net, region, "z2", check="none", max_memory=LIMIT),
        "z2+check": lambda: symmetry_resolved(net, region, "z2", check="state", max_memory=LIMIT),
    }
    for _ in range(repeat):  # interleaved, so that a change of load hits every variant alike
        for name, fn in calls.items():
            t, results[name] = best_of(fn, 1)
            times[name] = min(times[name], t)
    plain, z2 = results["plain"], results["z2"]
    if abs(plain.entropy - z2.entropy) > 1e-9:
        raise AssertionError(f"S = {plain.entropy} plain but {z2.entropy} from the sectors")
    return {
        "shape": [6, ly],
        "m": plain.cut.size,
        "S": plain.entropy,
        "p": z2.probabilities.tolist(),
        "S_number": z2.number_entropy,
        "S_config": z2.configurational_entropy,
        "asymmetry": results["z2+check"].asymmetry,
        "seconds": times,
        "ratio": times["z2"] / times["plain"],
        "ratio_check": times["z2+check"] / times["plain"],
    }


def u1_row(ly: int, repeat: int) -> dict:
    net = tnrbm.models.local_lattice((6, ly), radius=1, periodic=False, seed=0)
    proj = ProjectedRBM(net, 3 * ly, "u1")
    region = range(3 * ly)
    t_plain, plain = best_of(lambda: tnrbm.entanglement(net, region, method="cut", max_memory=LIMIT), repeat)
    t_u1, res = best_of(lambda: symmetry_resolved(proj, region, "u1", max_memory=LIMIT), repeat)
    return {
        "shape": [6, ly],
        "m": plain.cut.size,
        "sectors": int((res.probabilities > 0).sum()),
        "K": len(res.sectors),
        "contractions": res.extra["n_contractions"],
        "S": res.entropy,
        "S_number": res.number_entropy,
        "seconds": {"plain": t_plain, "u1": t_u1},
        "ratio": t_u1 / t_plain,
    }


def print_u1(rows: list[dict]) -> None:
    print("| m | K = abs(A)+1 | contractions | S | S_number | plain cut (s) | u1 projected (s) | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        t = r["seconds"]
        print(
            f"| {r['m']} | {r['K']} | {r['contractions']} | {r['S']:.6f} | {r['S_number']:.6f} | "
            f"{t['plain']:.2f} | {t['u1']:.2f} | {r['ratio']:.1f} |"
        )
    for r in rows:
        print(json.dumps(r))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="m = 8 and 10 only")
    ap.add_argument("--repeat", type=int, default=3, help="best of this many runs (default 3)")
    ap.add_argument("--u1", action="store_true", help="only the U(1) table: projected RBMs, m = 8 and 10")
    args = ap.parse_args()
    print(
        f"# {platform.node()} {os.cpu_count()} cores, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    if args.u1:
        print_u1([u1_row(ly, args.repeat) for ly in (4, 5)])
        return
    rows = [row(ly, args.repeat) for ly in ((4, 5) if args.quick else (4, 5, 6))]
    print("| m | S | p(+1) | S_number | S_config | plain (s) | z2 (s) | ratio | z2 + check (s) | ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        t = r["seconds"]
        print(
            f"| {r['m']} | {r['S']:.6f} | {r['p'][0]:.6f} | {r['S_number']:.6f} | {r['S_config']:.6f} | "
            f"{t['plain']:.2f} | {t['z2']:.2f} | {r['ratio']:.2f} | {t['z2+check']:.2f} | {r['ratio_check']:.2f} |"
        )
    for r in rows:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
