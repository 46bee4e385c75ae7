"""How light is the command line? The import time of each command module and the heavy packages it
loads, and ``tnrbm entropy local-chain:n=24 0:12`` split into import and computation.

Each number is the median of ``--repeat`` fresh interpreters (``python -X importtime``: the cumulative
microseconds of the command module's own line). The entropy run times, in one fresh interpreter, the
import of the command module, then the command itself (``main``), which includes the libraries the
computation loads on first use (quimb, cotengra), and reports the ``seconds`` of the computation that the
JSON records.

    python benchmarks/bench_cli_imports.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

from tnrbm.cli.app import COMMANDS

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


def command_modules() -> list[str]:
    """The modules of the commands ``tnrbm`` knows (the lazy table of ``tnrbm.cli.app``)."""
    return sorted({target.partition(":")[0] for target, _ in COMMANDS.values()})


def import_time(module: str) -> tuple[float, list[str]]:
    """Cumulative seconds of ``import module`` in a fresh interpreter and the watched packages it loads
    (executed, not only bound by :func:`tnrbm._lazy.lazy_module`)."""
    code = f"import {module}, sys; print(' '.join(m for m in {WATCHED!r} if {_LOADED.format('m')}))"
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    cumulative = None
    for line in out.stderr.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            cumulative = int(parts[1]) * 1e-6
    assert cumulative is not None, f"no importtime line for {module}"
    return cumulative, out.stdout.split()


def entropy_run() -> dict:
    """Import and run seconds of ``tnrbm entropy local-chain:n=24 0:12`` in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", _ENTROPY], capture_output=True, text=True, check=True, timeout=600)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="fresh interpreters per number (median)")
    repeat = parser.parse_args().repeat
    print(f"{'module':42s} {'import s':>9s}  heavy packages loaded")
    for module in command_modules():
        times, loaded = [], []
        for _ in range(repeat):
            seconds, loaded = import_time(module)
            times.append(seconds)
        print(f"{module:42s} {statistics.median(times):9.3f}  {' '.join(loaded) or '-'}")
    runs = [entropy_run() for _ in range(repeat)]
    med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    print(
        f"tnrbm entropy local-chain:n=24 0:12: import {med['import']:.3f} s, run {med['run']:.3f} s "
        f"(of which the computation {med['compute']:.3f} s)"
    )


if __name__ == "__main__":
    main()
