"""The same exact-entanglement cases on numpy and on every installed backend (torch, cupy, jax), GPU or not.

Run ``python benchmarks/gpu_check.py`` (m = 10 and 12 cut cases) or ``--quick`` (m = 8 and 10). For each
case and backend it times the two Gram contractions, the spectrum and the whole ``entanglement`` call,
prints the ratio numpy / backend and the largest differences of the spectra and entropies from numpy
(they must stay below 1e-10). torch runs on CUDA when ``torch.cuda.is_available()``, jax on its default
device (a GPU with jax[cuda]), cupy on the GPU. On a machine with no GPU the script checks the CPU builds.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

import tnrbm
from tnrbm.bulk import min_cut
from tnrbm.contract import available_backends
from tnrbm.entropy import entanglement, spectrum_from_grams
from tnrbm.entropy.cut import plan_grams


def device_of(name: str) -> str:
    """Where the backend puts arrays."""
    if name == "torch":
        import torch

        return f"cuda ({torch.cuda.get_device_name(0)})" if torch.cuda.is_available() else "cpu"
    if name == "jax":
        import jax

        return str(jax.devices()[0])
    if name == "cupy":
        import cupy

        return f"cuda device {cupy.cuda.Device().id}"
    return "cpu"


def cases(quick: bool):
    lattice = tnrbm.models.local_lattice((5, 5), periodic=False, seed=0)
    chain = tnrbm.models.local_chain(64, radius=2, complex=True, seed=1)
    out = [("5x5 lattice, 2 rows (real)", lattice, tuple(range(10)))]
    if quick:
        return [("64-chain r=2, half (complex)", chain, tuple(range(32))), *out]
    big = tnrbm.models.local_lattice((6, 6), periodic=False, seed=0)
    return [
        ("64-chain r=2, half (complex)", chain, tuple(range(32))),
        *out,
        ("6x6 lattice, 3 rows (real)", big, tuple(range(18))),
    ]


def run_case(net, region, backend: str) -> dict:
    cut = min_cut(net, region)
    networks, plans = plan_grams(net, region, cut, "32GiB")
    t0 = time.perf_counter()
    grams = [pl.contract(a, backend=backend)[0].reshape(2**cut.size, -1) for pl, a in zip(plans, networks)]
    t1 = time.perf_counter()
    p, _ = spectrum_from_grams(*grams, backend=backend)
    t2 = time.perf_counter()
    res = entanglement(net, region, method="cut", backend=backend, max_memory="32GiB")
    t3 = time.perf_counter()
    return {"m": cut.size, "contract": t1 - t0, "spectrum": t2 - t1, "total": t3 - t2, "p": p, "S": res.entropy}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller cases")
    ap.add_argument("--backends", nargs="*", default=None, help="backends to compare with numpy (default: installed)")
    args = ap.parse_args()
    backends = args.backends or [b for b in available_backends() if b != "numpy"]
    print(f"tnrbm {tnrbm.__version__}, numpy {np.__version__}, {platform.machine()}, {os.cpu_count()} cores")
    print("backends: " + ", ".join(f"{b} on {device_of(b)}" for b in backends))
    head = f"{'case':<30} {'m':>3} {'backend':>7} {'contract s':>10} {'spectrum s':>10} {'total s':>9} "
    head += f"{'np/backend':>10} {'|dp| max':>9} {'|dS|':>9}"
    print(head)
    print("-" * len(head))
    worst = 0.0
    for label, net, region in cases(args.quick):
        run_case(net, region, "numpy")  # warm the path cache
        ref = run_case(net, region, "numpy")
        print(
            f"{label:<30} {ref['m']:>3} {'numpy':>7} {ref['contract']:10.3f} {ref['spectrum']:10.3f} {ref['total']:9.3f}"
        )
        for b in backends:
            run_case(net, region, b)  # first call: imports, compilation, device start
            out = run_case(net, region, b)
            k = min(len(out["p"]), len(ref["p"]))
            dp = float(np.max(np.abs(out["p"][:k] - ref["p"][:k])))
            ds = abs(out["S"] - ref["S"])
            worst = max(worst, dp, ds)
            print(
                f"{'':<30} {out['m']:>3} {b:>7} {out['contract']:10.3f} {out['spectrum']:10.3f} {out['total']:9.3f} "
                f"{ref['total'] / out['total']:10.2f} {dp:9.1e} {ds:9.1e}"
            )
    print(f"largest difference from numpy: {worst:.1e} ({'OK' if worst <= 1e-10 else 'ABOVE 1e-10'})")


if __name__ == "__main__":
    main()
