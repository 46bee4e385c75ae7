"""Estimated peak memory against measured peak RSS, for every entanglement method and several sizes.

Each case runs in its own interpreter: it imports tnrbm, runs one small warm-up call of the method
(so BLAS buffers and lazy imports are in the baseline), reads its own ``ru_maxrss`` as the baseline,
then runs the case and prints the plan's estimate. The parent reads the child's peak RSS with
``os.wait4`` (the child's own ``rusage``). ``peak - baseline`` is what the computation added; the
estimate must be at least that. Prints the Markdown table of ``docs/theory/memory.md``.

    python benchmarks/bench_memory.py            # the table of the docs (a few minutes on 2 cores)
    python benchmarks/bench_memory.py --quick    # three small cases
    python benchmarks/bench_memory.py --sweep    # max_memory from 64 MiB to 4 GiB: peak or refusal (about 30 min)

``--sweep`` runs the cases of ``tests/test_memory_sweep.py`` (2D lattices with m = 8 .. 13, chains; every
route) at each limit in a fresh interpreter (``tests/memory_probe.py``: the child's ``VmHWM`` above its
import baseline) and prints, per case and limit, the measured peak or the refusal with the limit it names.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

CHILD = r"""
import json, resource, sys, time
import tnrbm
spec = json.loads(sys.argv[1])
warm = tnrbm.models.local_chain(8, radius=1, complex=True, seed=0)
if spec["method"] == "profile":
    tnrbm.entanglement_profile(warm)
else:
    tnrbm.entanglement(warm, range(4), method=spec["method"])
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
net = getattr(tnrbm.models, spec["model"])(*spec["args"], **spec["kw"])
t0 = time.perf_counter()
if spec["method"] == "profile":
    est = tnrbm.entanglement_profile(net, max_memory="16GiB").extra["memory"]
else:
    est = tnrbm.entanglement(net, range(spec["k"]), method=spec["method"], max_memory="16GiB").memory
print(json.dumps({"estimate": est, "baseline": base, "seconds": time.perf_counter() - t0}))
"""

CASES = [
    ("dense", "local_chain", [16], {"complex": True, "seed": 0}, 8),
    ("dense", "local_chain", [20], {"complex": True, "seed": 0}, 10),
    ("dense", "local_chain", [20], {"alpha": 2, "complex": False, "seed": 0}, 10),
    ("dense", "random_dbm", [[16, 8, 4]], {"complex": True, "seed": 0}, 8),
    ("cut", "local_chain", [200], {"radius": 2, "complex": True, "seed": 0}, 100),
    ("cut", "local_chain", [40], {"radius": 2, "alpha": 2, "complex": True, "seed": 0}, 20),
    ("cut", "local_lattice", [[4, 4]], {"seed": 0}, 8),
    ("cut", "local_chain", [64], {"radius": 5, "periodic": False, "complex": True, "seed": 0}, 32),
    ("mps", "local_chain", [128], {"radius": 2, "complex": True, "seed": 0}, 64),
    ("mps", "local_chain", [12], {"radius": 3, "complex": True, "seed": 0}, 6),
    ("mps", "local_chain", [256], {"radius": 2, "periodic": False, "complex": False, "seed": 0}, 128),
    ("profile", "local_chain", [128], {"radius": 2, "complex": True, "seed": 0}, None),
    ("profile", "local_chain", [12], {"radius": 3, "complex": True, "seed": 0}, None),
]
QUICK = [CASES[0], CASES[4], CASES[8]]


def measure(method: str, model: str, args: list, kw: dict, k: int | None, cwd: str | None = None) -> dict:
    """Run one case in a fresh interpreter; its estimate, baseline and peak RSS (bytes) and seconds."""
    spec = json.dumps({"method": method, "model": model, "args": args, "kw": kw, "k": k})
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, spec], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd
    )
    _, status, usage = os.wait4(proc.pid, 0)
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    if status != 0:
        raise RuntimeError(f"case {spec} failed: {err.decode()[-800:]}")
    rec = json.loads(out.decode().strip().splitlines()[-1])
    rec["peak"] = usage.ru_maxrss * 1024 - rec["baseline"]
    return rec


def sweep_table() -> None:
    """The ``--sweep`` table: each case of tests/test_memory_sweep.py at each limit."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
    from memory_probe import SLACK
    from memory_probe import measure as probe
    from test_memory_sweep import LIMITS, SWEEP

    mib = 2.0**20
    head = " | ".join(f"{lim / mib:.0f} MiB" if lim < 2**30 else f"{lim / 2**30:.0f} GiB" for lim in LIMITS)
    print(f"| case | {head} | seconds (largest limit) |")
    print("|---|" + "---:|" * (len(LIMITS) + 1))
    for name, code in SWEEP:
        cells, seconds = [], 0.0
        for limit in LIMITS:
            rec = probe(code, limit)
            if rec["refused"]:
                cells.append("refused" + (" †" if rec["peak"] > SLACK else ""))
            else:
                ok = "" if rec["peak"] <= limit + SLACK else " ‡"
                cells.append(f"{rec['peak'] / mib:.0f}{ok}")
                seconds = rec["seconds"]
        print(f"| {name} | {' | '.join(cells)} | {seconds:.1f} |", flush=True)


def main() -> None:
    if "--sweep" in sys.argv:
        sweep_table()
        return
    cases = QUICK if "--quick" in sys.argv else CASES
    print("| method | network | estimate (MiB) | measured peak above baseline (MiB) | estimate / peak | seconds |")
    print("|---|---|---:|---:|---:|---:|")
    for method, model, args, kw, k in cases:
        rec = measure(method, model, args, kw, k)
        desc = f"{model}({', '.join(map(str, args))}, {', '.join(f'{a}={b}' for a, b in kw.items() if a != 'seed')})"
        desc += f", A = {k}" if k else ""
        mib = 2.0**20
        ratio = rec["estimate"] / max(rec["peak"], 1.0)
        print(
            f"| {method} | {desc} | {rec['estimate'] / mib:.1f} | {rec['peak'] / mib:.1f} | {ratio:.2f} | {rec['seconds']:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
