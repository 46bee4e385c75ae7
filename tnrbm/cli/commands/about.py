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
from ...bulk import FLOWS
from ...ed import HAMILTONIANS
from ...entropy import method_names
from ...entropy.renyi2 import purity_methods
from ...errors import InvalidParameterError
from ...specs import MODEL_SPECS, model_names
from ...validation import default_max_memory, format_bytes
from ..formatting import emit_json, table
from ..options import JSON_OPTION
from ..progress import progress_bar
from ..provenance import stamp

__all__ = ["bench", "hamiltonian_parameters", "info", "spec_parameters"]

_QUICK = '"--quick"'  # how a benchmark script that takes --quick declares it (argparse)
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


#: the option of ``tnrbm ed`` that sets each parameter of a Hamiltonian builder (the others are Python's only)
_ED_OPTIONS = {"n": "--size", "L": "--size", "J": "--J", "h": "--h", "delta": "--delta", "periodic": "--open"}
_NOT_MODEL = ("form", "max_memory")  # how the matrix is built, not the model: --matrix-free, --max-memory


def hamiltonian_parameters() -> dict[str, dict[str, str]]:
    """Every Hamiltonian of ``tnrbm ed`` (:data:`tnrbm.ed.HAMILTONIANS`) with its parameters and their defaults.

    Each key is the builder's parameter and the ``tnrbm ed`` option that sets it (``n (--size)``); a parameter
    without an option is set from Python only.

    Examples
    --------
    >>> hamiltonian_parameters()["tfim"]["h (--h)"]
    '1.0'
    """
    out = {}
    for name, build in HAMILTONIANS.items():
        params = inspect.signature(build).parameters.values()
        out[name] = {
            (f"{p.name} ({_ED_OPTIONS[p.name]})" if p.name in _ED_OPTIONS else f"{p.name} (Python only)"): _spec_value(
                p.default
            )
            for p in params
            if p.name not in _NOT_MODEL and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        }
    return out


def _info_tables(payload: dict, rows: list[list], specs: dict) -> None:
    """The tables ``tnrbm info`` prints: items, model specs, Hamiltonians."""
    table("tnrbm", ["item", "value"], rows + [[k, v] for k, v in _CONVENTIONS.items()])
    spec_rows = [[name, ", ".join(f"{k}={v}" for k, v in keys.items()) or "(no keys)"] for name, keys in specs.items()]
    table(
        "model specs: NAME:key=value,... (for MODEL arguments)",
        ["spec", "keys and defaults"],
        spec_rows,
        legend="(required): a key without default; write true/false, none, 4x4 (a shape), 8-4-2 (layer sizes); "
        "e.g. local-chain:n=64,alpha=1,radius=2,seed=0",
    )
    ham_rows = [
        [name, ", ".join(f"{k}={v}" for k, v in keys.items())] for name, keys in payload["hamiltonians"].items()
    ]
    table(
        "Hamiltonians of tnrbm ed MODEL (tnrbm.ed.HAMILTONIANS)",
        ["model", "keys and defaults"],
        ham_rows,
        legend="each parameter with the tnrbm ed option that sets it; --open sets periodic=false",
    )


@click.command()
@JSON_OPTION
def info(as_json: bool) -> None:
    """Versions, conventions, the model specs with their keys and defaults (plug-ins' too), the Hamiltonians of
    tnrbm ed, the entanglement and purity methods, the min-cut solvers, the memory limit."""
    versions = {"tnrbm": __version__, "python": sys.version.split()[0]}
    versions.update({name: _version(name) for name in _LIBRARIES})
    specs = spec_parameters()
    payload = {
        "libraries": versions,
        "models": list(specs),
        "specs": specs,
        "methods": list(method_names()),
        "purity_methods": list(purity_methods()),
        "flows": list(FLOWS.names()),
        "hamiltonians": hamiltonian_parameters(),
        "default_max_memory": format_bytes(default_max_memory()),
        "conventions": _CONVENTIONS,
    }
    if as_json:
        emit_json(stamp("info", payload))
        return
    rows = [[k, v] for k, v in versions.items()] + [["default_max_memory", payload["default_max_memory"]]]
    rows += [["entanglement methods (--method)", ", ".join(payload["methods"])]]
    rows += [["purity methods (purity --method)", ", ".join(payload["purity_methods"])]]
    rows += [["min-cut solvers (--flow)", ", ".join(payload["flows"])]]
    _info_tables(payload, rows, specs)


def _benchmarks_folder() -> Path:
    candidates = [Path.cwd() / "benchmarks", Path(__file__).resolve().parents[3] / "benchmarks"]
    for folder in candidates:
        if folder.is_dir():
            return folder
    raise InvalidParameterError(
        f"benchmarks folder not found in {candidates[0].parent} or beside the package; run `tnrbm bench` "
        "from the root of a source checkout (git clone)"
    )


def _run_script(script: Path, quick: bool) -> int:
    """Run one benchmark script as ``python script [--quick]`` in this process; its exit status."""
    argv = sys.argv
    sys.argv = [str(script)] + (["--quick"] if quick else [])
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit as err:  # argparse's --help or a bad argument, sys.exit(...) at the end of a script
        return err.code if isinstance(err.code, int) else (0 if err.code is None else 1)
    finally:
        sys.argv = argv
    return 0


@click.command()
@click.option(
    "--quick",
    is_flag=True,
    help="Small sizes only, and only the scripts that take --quick (491 s, 9 of 15 scripts, on a shared 2-core machine at load average 9-12).",
)
def bench(quick: bool) -> None:
    """Run the benchmarks in benchmarks/ (needs a source checkout); a progress bar on stderr counts the scripts."""
    scripts = sorted(_benchmarks_folder().glob("bench_*.py"))
    if quick:  # a script without --quick would run its full sizes (or refuse the option): not a quick run
        skipped = [s.name for s in scripts if _QUICK not in s.read_text(encoding="utf-8")]
        scripts = [s for s in scripts if s.name not in skipped]
        click.echo(f"skipped (no --quick): {', '.join(skipped) or 'none'}")
    failed = []
    with progress_bar(len(scripts), f"benchmarks ({len(scripts)} scripts)", label="") as advance:
        for step, script in enumerate(scripts):
            click.echo(f"== {script.name}")
            if _run_script(script, quick) != 0:
                failed.append(script.name)
            advance(step, 0.0)
    if failed:
        raise click.ClickException(f"benchmark scripts failed: {', '.join(failed)} (their output is above)")
