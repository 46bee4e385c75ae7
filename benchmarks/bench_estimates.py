"""Estimated against measured: the flops and seconds of ``tnrbm.estimate`` next to the plan that runs.

Run ``python benchmarks/bench_estimates.py`` (about 4 minutes; ``--m14`` adds the 7x7 open lattice, first
3 rows, m = 14: about 8 GiB and 4-5 more minutes). Everything runs on one BLAS thread, and the rates of
the time model are this machine's (:func:`tnrbm.entropy.calibrate`, measured on one thread the first time).

For each case (chains and open 2D lattices, m = 8 ... 13, ``method="cut"``):

* flops: the estimate's contraction multiply-adds (the plan :func:`tnrbm.estimate` reports) against the
  multiply-adds of the trees that :func:`tnrbm.entanglement` contracted (``result.extra``), counted
  independently by ``opt_einsum.contract_path`` on the same equation and path (its cost / 2: it counts a
  multiply and an add); the spectrum's multiply-adds (``4/3 n**3``, ``2/3 n**3`` with a diagonal Gram) are
  LAPACK's operation counts and are shown, not measured;
* seconds: the estimate's contraction, spectrum and total seconds against the measured times of the two
  Gram contractions, of :func:`tnrbm.entropy.spectrum_from_grams` and of the whole ``entanglement`` call
  (best of 3 for m <= 12, one run above).

The machine is shared with other jobs: times are best-of-n, and the load average is printed.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import opt_einsum as oe
from threadpoolctl import threadpool_limits

import tnrbm
from tnrbm.contract import DEFAULT_PATH_CACHE
from tnrbm.entropy import estimate, machine_rates, spectrum_from_grams
from tnrbm.entropy.compute import make_problem
from tnrbm.entropy.cut import plan_grams

M = tnrbm.models


def cases(m14: bool) -> list:
    lat = M.local_lattice
    out = [
        ("chain N=64 r=2 complex", M.local_chain(64, radius=2, complex=True, seed=0), range(32)),
        ("chain N=200 r=2", M.local_chain(200, radius=2, seed=0), range(100)),
        ("open 4x4, 2 rows", lat((4, 4), periodic=False, seed=0), range(8)),
        ("open 4x5, 2 rows + 1", lat((4, 5), periodic=False, seed=0), range(11)),
        ("open 4x5, 2 rows", lat((4, 5), periodic=False, seed=0), range(10)),
        ("open 5x5, 2 rows", lat((5, 5), periodic=False, seed=0), range(10)),
        ("open 4x11, 1 row", lat((4, 11), periodic=False, seed=0), range(11)),
        ("chain N=40 r=3", M.local_chain(40, radius=3, seed=0), range(20)),
        ("open 5x6, 2 rows", lat((5, 6), periodic=False, seed=0), range(12)),
        ("open 6x6, 3 rows", lat((6, 6), periodic=False, seed=0), range(18)),
        ("open 4x13, 1 row", lat((4, 13), periodic=False, seed=0), range(13)),
    ]
    if m14:
        out.append(("open 7x7, 3 rows", lat((7, 7), periodic=False, seed=0), range(21)))
    return out


def counted_flops(plan, inputs: list, output: tuple) -> float:
    """Multiply-adds of contracting ``inputs`` along ``plan``'s path, counted by opt_einsum."""
    names = {ix: oe.get_symbol(k) for k, ix in enumerate(dict.fromkeys(ix for term in inputs for ix in term))}
    eq = ",".join("".join(names[ix] for ix in term) for term in inputs) + "->" + "".join(names[ix] for ix in output)
    shapes = [(2,) * len(term) for term in inputs]
    _, info = oe.contract_path(eq, *shapes, shapes=True, optimize=plan.tree.get_path())
    return float(info.opt_cost) / 2.0


def best(fn, repeats: int) -> tuple[float, object]:
    top, value = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        value = fn()
        top = min(top, time.perf_counter() - t0)
    return top, value


def measure(name: str, net, region, max_memory: str) -> dict:
    region = tuple(region)
    est = estimate(net, region, method="cut", max_memory=max_memory)
    m = est.m
    repeats = 3 if m <= 12 else 1
    problem = make_problem(net, region, "cut", tnrbm.validation.memory_limit(max_memory), None, False)
    networks, plans = plan_grams(net, region, problem.cut, max_memory)
    gram_nets = tnrbm.entropy.cut.gram_networks(net, region, problem.cut)
    counted = sum(counted_flops(pl, g[2], g[3]) for pl, g in zip(plans, gram_nets))
    n = 2**m
    t_contract, grams = 0.0, []
    for pl, arrays in zip(plans, networks):
        t, out = best(lambda pl=pl, arrays=arrays: pl.contract(arrays)[0].reshape(n, n), repeats)
        t_contract += t
        grams.append(out)
    t_spectrum, _ = best(lambda: spectrum_from_grams(grams[0].copy(), grams[1].copy(), overwrite=True), repeats)
    grams.clear()  # free the two Grams before the whole call
    t_total, res = best(lambda: tnrbm.entanglement(net, region, method="cut", max_memory=max_memory), repeats)
    stages = est.methods["cut"].stages
    return {
        "name": name,
        "m": m,
        "est_contract_flops": stages["contract_flops"],
        "run_flops": res.extra["estimated"]["contract_flops"],
        "counted_flops": counted,
        "spectrum_flops": stages["spectrum_flops"],
        "est_contract_s": stages["contract_seconds"],
        "contract_s": t_contract,
        "est_spectrum_s": stages["spectrum_seconds"],
        "spectrum_s": t_spectrum,
        "est_s": est.seconds,
        "total_s": t_total,
        "same_plan": res.flops == est.methods["cut"].flops,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--m14", action="store_true", help="add the 7x7 open lattice, 3 rows (m = 14, ~8 GiB)")
    ap.add_argument("--max-memory", default="12GiB")
    ap.add_argument("--quick", action="store_true", help="the first three cases only (m = 8-10, seconds)")
    args = ap.parse_args()
    with threadpool_limits(1):
        rates = machine_rates()
        print(f"load average {os.getloadavg()}; rates ({rates.source}): {rates}")
        header = (
            "| case | m | contraction MACs: estimate / run / counted | spectrum MACs | contraction s: est / meas "
            "| spectrum s: est / meas | total s: est / meas | meas / est |"
        )
        print(header)
        print("|---|---:|---|---:|---|---|---|---:|")
        for name, net, region in cases(args.m14)[: 3 if args.quick else None]:
            DEFAULT_PATH_CACHE.clear()
            r = measure(name, net, region, args.max_memory)
            flops = f"{r['est_contract_flops']:.3g} / {r['run_flops']:.3g} / {r['counted_flops']:.3g}"
            print(
                f"| {r['name']} | {r['m']} | {flops} | {r['spectrum_flops']:.3g} | "
                f"{r['est_contract_s']:.3g} / {r['contract_s']:.3g} | {r['est_spectrum_s']:.3g} / {r['spectrum_s']:.3g} | "
                f"{r['est_s']:.3g} / {r['total_s']:.3g} | {r['total_s'] / r['est_s']:.2f} |",
                flush=True,
            )
            assert r["same_plan"], "the estimate planned another tree than the run"
    print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
