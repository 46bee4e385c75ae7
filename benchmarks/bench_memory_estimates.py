"""Estimated peak memory (the plan's ``memory``, what ``max_memory`` is compared with) against the measured
peak RSS above the import baseline (``tests/memory_probe.py``), for cases whose peak is well above the
fixed overhead (issue 17, item 2: the estimate within [0.5x, 1.25x] of the measured peak).

    python benchmarks/bench_memory_estimates.py        # about 5 minutes on 2 cores
    python benchmarks/bench_memory_estimates.py --quick  # the m = 11 cut only (about 30 s)
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from memory_probe import measure  # noqa: E402

LATTICE = "tnrbm.models.local_lattice(({r}, {c}), periodic=False, complex={z}, seed=0)"
CASES = [
    (
        "cut",
        "3x11 lattice, complex, A = first row (m = 11)",
        f"tnrbm.entanglement({LATTICE.format(r=3, c=11, z=True)}, range(11), method='cut', max_memory=LIMIT)",
    ),
    (
        "cut",
        "5x6 lattice, real, A = 2 rows (m = 12)",
        f"tnrbm.entanglement({LATTICE.format(r=5, c=6, z=False)}, range(12), method='cut', max_memory=LIMIT)",
    ),
    (
        "cut",
        "local_chain(40, radius=3), real, A = 20 (m = 12)",
        "tnrbm.entanglement(tnrbm.models.local_chain(40, radius=3, seed=0), range(20), method='cut', max_memory=LIMIT)",
    ),
    (
        "purity",
        "5x6 lattice, complex, A = 2 rows (m = 12)",
        f"tnrbm.purity({LATTICE.format(r=5, c=6, z=True)}, range(12), max_memory=LIMIT)",
    ),
    (
        "purity",
        "3x13 lattice, real, A = first row (m = 13)",
        f"tnrbm.purity({LATTICE.format(r=3, c=13, z=False)}, range(13), max_memory=LIMIT)",
    ),
    (
        "dense",
        "local_chain(22), complex, A = even sites",
        "tnrbm.entanglement(tnrbm.models.local_chain(22, complex=True, seed=0), range(0, 22, 2), method='dense', max_memory=LIMIT)",
    ),
    (
        "dense",
        "local_chain(23, alpha=2), real, A = 3..13",
        "tnrbm.entanglement(tnrbm.models.local_chain(23, alpha=2, seed=0), range(3, 14), method='dense', max_memory=LIMIT)",
    ),
    (
        "mps",
        "local_chain(14, radius=3), complex, A = 5",
        "tnrbm.entanglement(tnrbm.models.local_chain(14, radius=3, complex=True, seed=0), range(5), method='mps', max_memory=LIMIT)",
    ),
]


def main() -> None:
    mib = 2.0**20
    print("| route | case | estimate (MiB) | measured peak (MiB) | estimate / peak | seconds |")
    print("|---|---|---:|---:|---:|---:|")
    quick = "--quick" in sys.argv[1:]
    for route, desc, code in CASES[:1] if quick else CASES:
        rec = measure(code, 8 * 2**30)
        est = float(rec["value"])
        print(
            f"| {route} | {desc} | {est / mib:.0f} | {rec['peak'] / mib:.0f} | {est / rec['peak']:.2f} | {rec['seconds']:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
