"""The times that README.md, the ``--help`` texts and the docs quote, measured (issue 19, item 6).

Each case runs as a user would run it, in a fresh process in an empty folder, with the checkout under
test first on ``PYTHONPATH``; the script records its wall time, its CPU time (user + system of the
process and its children, ``resource.getrusage``) and the load average before and after, and names the
machine (cores, CPU model). A time quoted in the docs names the machine and this script.

Not named ``bench_*.py`` on purpose: ``tnrbm bench`` runs those, and one case here is ``tnrbm bench --quick``.

Run (from the root of the checkout; about 10 minutes on 2 cores under load):

    python benchmarks/quoted_times.py                     # every offline case, a table and JSON
    python benchmarks/quoted_times.py --only demo --only import
    python benchmarks/quoted_times.py --install           # + the README's install commands (network)

The JSON goes to ``benchmarks/results/quoted_times.json`` (``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
#: a Python case times its call in the process and prints "wall/cpu" seconds last (the table's "call s")
_TIMED = (
    "import time\nfrom tnrbm import rg\n{setup}t, c = time.perf_counter(), time.process_time()\n{call}\n"
    "print(f'{{time.perf_counter() - t:.3f}}/{{time.process_time() - c:.3f}}')"
)
_IMPORT = "import time; t = time.perf_counter(); import tnrbm; print(f'{time.perf_counter() - t:.4f}')"
_TORUS = _TIMED.format(setup="", call="rg.ising_torus(16, 0.44).log_partition()")
_TORUS_1 = _TIMED.format(
    setup="from threadpoolctl import threadpool_limits\nthreadpool_limits(1)\n",
    call="rg.ising_torus(16, 0.44).log_partition()",
)
_CHAIN_CONTRACT = _TIMED.format(
    setup="chain = rg.ising_chain(10_000, 0.7)\n", call="chain.log_partition(method='contract')"
)
_CHAIN_RBM = _TIMED.format(
    setup="chain = rg.ising_chain(10_000, 0.7)\n", call="rbm, offset = chain.to_rbm()\nrg.log_partition(rbm) + offset"
)
_CHAIN_BUILD = _TIMED.format(setup="", call="rg.ising_chain(10**6, 0.7)")

#: name -> (where the time is quoted, what it says, the command)
CASES: dict[str, tuple[str, str, list[str]]] = {
    "import": ("docs/architecture.md", "import tnrbm takes milliseconds", [PY, "-c", _IMPORT]),
    "help": ("README.md", "tnrbm --help: instantly", [PY, "-m", "tnrbm", "--help"]),
    "demo": (
        "README.md, tnrbm demo --help",
        "about 10 s (help); README: install + demo about a minute",
        [PY, "-m", "tnrbm", "demo", "--out-dir", "demo_out"],
    ),
    "bench-quick": ("tnrbm bench --help", "--quick: about a minute", [PY, "-m", "tnrbm", "bench", "--quick"]),
    "bench-entropy-quick": (
        "docs/theory/entanglement.md",
        "--quick about 15 s",
        [PY, "benchmarks/bench_entropy.py", "--quick"],
    ),
    **{
        f"{name}-small": (
            "docs/examples.md",
            "each runs with --small in seconds",
            [PY, f"examples/{script}.py", "--small"],
        )
        for name, script in (
            ("exact-states", "exact_states"),
            ("tfim-fit", "tfim_fit"),
            ("dimerized", "dimerized_chain"),
        )
    },
    "exact-states": (
        "issue 19 item 6",
        "examples/exact_states.py (122 s in the issue)",
        [PY, "examples/exact_states.py"],
    ),
    "rg-logz-torus-16": (
        "issue 19 item 6",
        "tnrbm rg logz --lattice torus --size 16 (66 s in the issue)",
        [PY, "-m", "tnrbm", "rg", "logz", "--lattice", "torus", "--size", "16"],
    ),
    "torus-16": ("docs/how-to/rg.md", "ising_torus(16, 0.44).log_partition(): ~7 s", [PY, "-c", _TORUS]),
    "torus-16-one-thread": ("docs/how-to/rg.md", "the same on one BLAS thread", [PY, "-c", _TORUS_1]),
    "chain-1e4-contract": ("docs/how-to/rg.md", "10^4 chain by contraction: 0.7 s", [PY, "-c", _CHAIN_CONTRACT]),
    "chain-1e4-rbm": ("docs/how-to/rg.md", "10^4 chain through its RBM: 1.4-3.7 s", [PY, "-c", _CHAIN_RBM]),
    "chain-1e6-build": ("docs/how-to/rg.md", "building ising_chain(10**6): 15-40 s", [PY, "-c", _CHAIN_BUILD]),
}
#: the cases whose last printed line is the seconds of the call itself (no interpreter start, no import)
TIMED_IN_PROCESS = {
    "import",
    "torus-16",
    "torus-16-one-thread",
    "chain-1e4-contract",
    "chain-1e4-rbm",
    "chain-1e6-build",
}
INSTALL = {
    "install-demo": (
        "README.md",
        "install and run the main job: about a minute",
        "python3 -m venv .venv && .venv/bin/pip install {root} && .venv/bin/tnrbm demo",
    ),
}


def machine() -> dict:
    """Cores, CPU model, Python and the load average now."""
    model = ""
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = platform.processor()
    return {"cores": os.cpu_count(), "cpu": model, "python": platform.python_version(), "system": platform.platform()}


def run_case(args: list[str] | str, folder: Path, timeout: float) -> dict:
    """Run one command in ``folder``; wall and CPU seconds (children), load before and after, exit code."""
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        MPLBACKEND="Agg",
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    try:
        res = subprocess.run(
            args, cwd=folder, env=env, shell=isinstance(args, str), capture_output=True, text=True, timeout=timeout
        )
        code, tail = res.returncode, (res.stdout + res.stderr)[-400:]
        printed = res.stdout.strip().splitlines()[-1][:200] if res.stdout.strip() else ""
    except subprocess.TimeoutExpired:
        code, tail, printed = None, f"timed out after {timeout} s", ""
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    out = {
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "load_before": round(load0, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "exit": code,
    }
    if printed:
        out["last_line"] = printed
    if code != 0:
        out["tail"] = tail
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", choices=sorted(CASES) + sorted(INSTALL), help="run only these")
    ap.add_argument("--install", action="store_true", help="also the README's install commands (needs the network)")
    ap.add_argument("--timeout", type=float, default=1800.0)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "quoted_times.json")
    args = ap.parse_args()
    cases = {**CASES, **(INSTALL if args.install or (args.only and set(args.only) & set(INSTALL)) else {})}
    names = args.only or list(cases)
    report = {"machine": machine(), "omp_num_threads": os.environ.get("OMP_NUM_THREADS"), "cases": {}}
    print(f"machine: {report['machine']['cores']} cores, {report['machine']['cpu']}")
    print(f"{'case':22s} {'wall s':>8s} {'cpu s':>8s} {'call s':>13s} {'load':>11s}  quoted")
    for name in names:
        where, quoted, command = cases[name]
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            for sub in ("examples", "benchmarks"):
                (folder / sub).symlink_to(ROOT / sub)
            if isinstance(command, str):
                shutil.copytree(ROOT, folder / "src", ignore=shutil.ignore_patterns(".venv", ".git", "*.egg-info"))
                command = command.format(root=folder / "src")
            row = run_case(command, folder, args.timeout)
        row.update(
            {
                "where": where,
                "quoted": quoted,
                "command": command
                if isinstance(command, str)
                else " ".join(Path(c).name if c == PY else c for c in command),
            }
        )
        report["cases"][name] = row
        load = f"{row['load_before']:.1f}-{row['load_after']:.1f}"
        flag = "" if row["exit"] == 0 else f"  EXIT {row['exit']}: {row.get('tail', '')[-200:]}"
        call = row.get("last_line", "-") if name in TIMED_IN_PROCESS else "-"
        print(
            f"{name:22s} {row['wall_s']:8.1f} {row['cpu_s']:8.1f} {call:>13s} {load:>11s}  {where}: {quoted}{flag}",
            flush=True,
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(args.out.read_text()) if args.out.exists() else {}
    previous.setdefault("cases", {}).update(report["cases"])
    previous["machine"] = report["machine"]
    args.out.write_text(json.dumps(previous, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
