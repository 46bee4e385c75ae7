"""``tnrbm info`` and ``tnrbm bench``: versions, conventions and model specs; the benchmark scripts."""

from __future__ import annotations

import inspect
import runpy
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import click

from ..._version import __version__
from ...entropy import method_names
from ...errors import InvalidParameterError
from ...specs import MODEL_SPECS, model_names
from ...validation import default_max_memory, format_bytes
from ..formatting import emit_json, table
from ..options import JSON_OPTION
from ..provenance import stamp

__all__ = ["bench", "info", "spec_parameters"]

_LIBRARIES = ("numpy", "scipy", "quimb", "cotengra", "networkx", "matplotlib", "click", "rich")
_CONVENTIONS = {
    "visible": "spins v in {+1,-1}; dense vectors in kron order, site 0 most significant, +1 = index 0",
    "hidden": "spin {+1,-1} (factor 2 cosh theta) or binary {0,1} (factor 1 + exp theta)",
    "entropy": "nats unless --base (2: bits)",
    "memory": "--max-memory takes bytes or a size such as 4GiB (Python: max_memory)",
    "netket": "psi_tnrbm = 2**M psi_NetKet for spin hidden units (NetKet's log_cosh drops log 2)",
}


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:  # pragma: no cover - every library is a dependency
        return "not installed"


def _spec_value(value: Any) -> str:
    """A default as it is typed in a spec: ``true``, ``none``, ``4x4``, ``8-4-2``."""
    if value is inspect.Parameter.empty:
        return "(required)"
    if isinstance(value, bool) or value is None:
        return str(value).lower()
    if isinstance(value, tuple):
        return "x".join(str(v) for v in value)
    if isinstance(value, list):
        return "-".join(str(v) for v in value)
    return str(value)


def spec_parameters() -> dict[str, dict[str, str]]:
    """Every built-in model spec with its keys and their defaults, read from the builder's signature.

    Examples
    --------
    >>> spec_parameters()["local-chain"]["n"]
    '(required)'
    """
    out = {}
    for name in model_names():
        params = inspect.signature(MODEL_SPECS[name]).parameters.values()
        out[name] = {p.name: _spec_value(p.default) for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    return out


@click.command()
@JSON_OPTION
def info(as_json: bool) -> None:
    """Versions, conventions, the model specs with their keys and defaults (plug-ins' too), the entanglement
    methods, the memory limit."""
    shown = {"tnrbm": __version__, "python": sys.version.split()[0]}
    shown.update({name: _version(name) for name in _LIBRARIES})
    specs = spec_parameters()
    payload = {
        "libraries": shown,
        "models": list(specs),
        "specs": specs,
        "methods": list(method_names()),
        "default_max_memory": format_bytes(default_max_memory()),
        "conventions": _CONVENTIONS,
    }
    if as_json:
        emit_json(stamp("info", payload))
        return
    rows = [[k, v] for k, v in shown.items()] + [["default_max_memory", payload["default_max_memory"]]]
    rows += [["entanglement methods (--method)", ", ".join(payload["methods"])]]
    table("tnrbm", ["item", "value"], rows + [[k, v] for k, v in _CONVENTIONS.items()])
    spec_rows = [[name, ", ".join(f"{k}={v}" for k, v in keys.items()) or "(no keys)"] for name, keys in specs.items()]
    table(
        "model specs: NAME:key=value,... (for MODEL arguments)",
        ["spec", "keys and defaults"],
        spec_rows,
        legend="(required): a key without default; write true/false, none, 4x4 (a shape), 8-4-2 (layer sizes); "
        "e.g. local-chain:n=64,alpha=1,radius=2,seed=0",
    )


def _benchmarks_folder() -> Path:
    candidates = [Path.cwd() / "benchmarks", Path(__file__).resolve().parents[3] / "benchmarks"]
    for folder in candidates:
        if folder.is_dir():
            return folder
    raise InvalidParameterError(
        f"benchmarks folder not found in {candidates[0].parent} or beside the package; run `tnrbm bench` "
        "from the root of a source checkout (git clone)"
    )


@click.command()
@click.option("--quick", is_flag=True, help="Small sizes only (about a minute).")
def bench(quick: bool) -> None:
    """Run the benchmarks in benchmarks/ (needs a source checkout)."""
    for script in sorted(_benchmarks_folder().glob("bench_*.py")):
        click.echo(f"== {script.name}")
        argv = sys.argv
        sys.argv = [str(script)] + (["--quick"] if quick else [])
        try:
            runpy.run_path(str(script), run_name="__main__")
        finally:
            sys.argv = argv
