"""How light is the command line? The import time of each command module and the heavy packages it
loads, and ``tnrbm entropy local-chain:n=24 0:12`` split into import and computation.

Each number is the median of ``--repeat`` fresh interpreters (``python -X importtime``: the cumulative
microseconds of the command module's own line). The entropy run times, in one fresh interpreter, the
import of the command module, then the command itself (``main``), which includes the libraries the
computation loads on first use (quimb, cotengra), and reports the ``seconds`` of the computation that the
JSON records.

    python benchmarks/bench_cli_imports.py [--repeat 5] [--baseline DIR]

``--baseline DIR`` measures the ``tnrbm`` of another checkout too (``git worktree add DIR REV``), one
interpreter of each in turn, so that both columns see the same load.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

#: packages whose loading this benchmark reports (the heavy ones and tnrbm's physics packages)
WATCHED = (
    "numpy",
    "scipy",
    "networkx",
    "quimb",
    "cotengra",
    "matplotlib",
    "matplotlib.pyplot",
    "tnrbm.ed",
    "tnrbm.fit",
    "tnrbm.exact",
    "tnrbm.states",
    "tnrbm.io",
    "tnrbm.plot",
    "tnrbm.entropy",
    "tnrbm.rg",
)

#: a module is loaded when it is in ``sys.modules`` and not a lazy placeholder (``tnrbm._lazy.lazy_module``)
_LOADED = "{0} in sys.modules and type(sys.modules[{0}]).__name__ != '_LazyModule'"

_ENTROPY = """
import json, sys, time
t0 = time.perf_counter()
import tnrbm.cli.commands.entanglement
from tnrbm.cli import main
t1 = time.perf_counter()
import contextlib, io
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    main(["entropy", "local-chain:n=24", "0:12", "--json"])
t2 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "run": t2 - t1, "compute": json.loads(buf.getvalue())["seconds"]}))
"""


def command_modules(cwd: str | None = None) -> list[str]:
    """The modules of the commands the ``tnrbm`` of checkout ``cwd`` knows (the lazy table of ``tnrbm.cli.app``)."""
    code = "from tnrbm.cli.app import COMMANDS; print(' '.join(t.partition(':')[0] for t, _ in COMMANDS.values()))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120, cwd=cwd)
    return sorted(set(out.stdout.split()))


def import_time(module: str, cwd: str | None = None) -> tuple[float, list[str]]:
    """Cumulative seconds of ``import module`` in a fresh interpreter and the watched packages it loads
    (executed, not only bound by :func:`tnrbm._lazy.lazy_module`)."""
    code = f"import {module}, sys; print(' '.join(m for m in {WATCHED!r} if {_LOADED.format('m')}))"
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
        cwd=cwd,
    )
    cumulative = None
    for line in out.stderr.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            cumulative = int(parts[1]) * 1e-6
    assert cumulative is not None, f"no importtime line for {module}"
    return cumulative, out.stdout.split()


def entropy_run(cwd: str | None = None) -> dict:
    """Import and run seconds of ``tnrbm entropy local-chain:n=24 0:12`` in a fresh interpreter (the
    ``tnrbm`` of the checkout ``cwd``: ``python -c`` puts the working folder first on the path)."""
    out = subprocess.run(
        [sys.executable, "-c", _ENTROPY], capture_output=True, text=True, check=True, timeout=600, cwd=cwd
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median_import(module: str, cwds: list[str | None], repeat: int) -> list[tuple[float, list[str]]]:
    """Median import seconds (and packages loaded) of ``module`` in each checkout, measured in turn."""
    times: list[list[float]] = [[] for _ in cwds]
    loaded: list[list[str]] = [[] for _ in cwds]
    for _ in range(repeat):
        for k, cwd in enumerate(cwds):
            try:
                seconds, loaded[k] = import_time(module, cwd)
            except subprocess.CalledProcessError:  # the module is not in that checkout
                seconds, loaded[k] = float("nan"), ["(absent)"]
            times[k].append(seconds)
    return [(statistics.median(t), names) for t, names in zip(times, loaded)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="fresh interpreters per number (median)")
    parser.add_argument("--baseline", default=None, help="another checkout to measure in turn (before)")
    args = parser.parse_args()
    cwds: list[str | None] = [None] if args.baseline is None else [args.baseline, None]
    labels = ["this checkout"] if args.baseline is None else ["baseline", "this checkout"]
    for module in sorted({m for cwd in cwds for m in command_modules(cwd)}):
        for label, (seconds, loaded) in zip(labels, _median_import(module, cwds, args.repeat)):
            print(f"{module:40s} {label:14s} {seconds:7.3f} s  {' '.join(loaded) or '-'}")
    runs: list[list[dict]] = [[] for _ in cwds]
    for _ in range(args.repeat):
        for k, cwd in enumerate(cwds):
            runs[k].append(entropy_run(cwd))
    for label, rows in zip(labels, runs):
        med = {key: statistics.median(r[key] for r in rows) for key in rows[0]}
        print(
            f"tnrbm entropy local-chain:n=24 0:12 ({label}): import {med['import']:.3f} s, run {med['run']:.3f} s "
            f"(of which the computation {med['compute']:.3f} s)"
        )


if __name__ == "__main__":
    main()
