"""Peak resident memory of one tnrbm call, measured in a fresh interpreter (the reference of the memory tests).

The child imports tnrbm and the libraries every route loads (numpy, scipy, quimb, cotengra, networkx),
resets its high-water mark (``/proc/self/clear_refs``), reads its resident size (the *import baseline*),
runs the snippet, and prints its own peak (``VmHWM``) minus that baseline. Nothing of tnrbm's accounting
is used on the measured side: a ``MemoryLimitError`` is reported as a refusal with its message.

    from memory_probe import measure
    rec = measure("tnrbm.purity(tnrbm.models.local_lattice((3, 11), complex=True, seed=0), range(11),"
                  " max_memory=LIMIT)", limit=256 * 2**20)
    rec["peak"], rec["refused"], rec["message"]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: the slack over ``max_memory`` that a memory limit promises (issue 17): allocator arenas, BLAS buffers,
#: lazily imported code and the interpreter's own objects
SLACK = 128 * 2**20

CHILD = r"""
import json, sys, time, traceback
import numpy, scipy.linalg, scipy.sparse, networkx
import tnrbm
from tnrbm._lazy import lazy_module
import quimb.tensor, cotengra
from tnrbm.errors import MemoryLimitError
def status(key):
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) * 1024 for line in fh if line.startswith(key))
spec = json.loads(sys.argv[1])
setup = {"tnrbm": tnrbm, "np": numpy, "LIMIT": spec["limit"]}
exec(spec.get("setup", ""), setup)
with open("/proc/self/clear_refs", "w") as fh:  # the peak from here on (a forked child inherits its parent's)
    fh.write("5")
base = status("VmRSS:")
out = {"refused": False, "message": "", "value": None}
t0 = time.perf_counter()
try:
    res = eval(spec["code"], setup)
    out["value"] = getattr(res, "memory", None)
except MemoryLimitError as err:
    out["refused"], out["message"] = True, str(err)
out.update(seconds=time.perf_counter() - t0, baseline=base, peak=status("VmHWM:") - base)
print(json.dumps(out))
"""


def measure(code: str, limit: int, setup: str = "", threads: int = 1, timeout: float = 1800) -> dict:
    """Run ``code`` (an expression; ``LIMIT`` is ``limit``) in a fresh interpreter and return its record:
    ``peak`` (bytes above the import baseline), ``refused``, ``message``, ``value`` (the result's ``memory``
    attribute when it has one), ``seconds``, ``baseline``."""
    spec = json.dumps({"code": code, "setup": setup, "limit": int(limit)})
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, spec], capture_output=True, env=env, timeout=timeout, cwd=str(ROOT)
    )
    if proc.returncode != 0:
        raise RuntimeError(f"the probe failed (exit {proc.returncode}): {proc.stderr.decode()[-1500:]}")
    return json.loads(proc.stdout.decode().strip().splitlines()[-1])
