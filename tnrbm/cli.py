"""The ``tnrbm`` command.

Subcommands: ``demo``, ``entropy``, ``cut``, ``profile``, ``ed``, ``fit``, ``draw``, ``save``, ``bench``,
``info``.
Models are saved ``.npz`` files or built-in specs (``local-chain:n=64,alpha=1,radius=2,seed=0``);
regions are ``0:16``, ``0,3,5`` or ``0:8,32:40``. Errors print as one line and exit non-zero
(exit 1; 2 for a usage error); ``--debug`` shows the traceback.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

__all__ = ["main", "cli"]

_STATE: dict[str, Any] = {"debug": False}


def _console() -> Any:
    from rich.console import Console

    # wide tables when piped to a file, so that no column is cut
    return Console(highlight=False, width=None if sys.stdout.isatty() else 160)


def _progress_enabled() -> bool:
    return sys.stderr.isatty()


def _table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for col in columns:
        table.add_column(col, justify="right" if col not in ("region", "model", "surface", "method") else "left")
    for row in rows:
        table.add_row(*[_fmt(x) for x in row])
    _console().print(table)


def _fmt(x: Any) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        if math.isnan(x):
            return "nan"
        return f"{x:.10g}" if abs(x) < 1e6 else f"{x:.4e}"
    return str(x)


def _emit_json(payload: Any) -> None:
    click.echo(json.dumps(payload, indent=2, default=_json_default))


def _json_default(obj: Any) -> Any:
    import numpy as np

    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    return str(obj)


def _region_text(region: Sequence[int]) -> str:
    """Compact text of a region: '0:4,7'."""
    parts, start, prev = [], None, None
    for i in list(region) + [None]:
        if start is None:
            start = prev = i
        elif i is not None and i == prev + 1:
            prev = i
        else:
            parts.append(f"{start}:{prev + 1}" if prev > start else str(start))
            start = prev = i
    return ",".join(parts)


def _parse_renyi(text: str) -> tuple:
    out: list = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        if part.lower() in ("inf", "infinity"):
            out.append(float("inf"))
        else:
            try:
                out.append(int(part) if part.isdigit() else float(part))
            except ValueError:
                from .errors import InvalidParameterError

                raise InvalidParameterError(f"--renyi must be orders like '2' or '0.5,2,inf'; got {text!r}") from None
    return tuple(out)


def _min_cut_or_none(network: Any, region: Sequence[int]) -> Any:
    try:
        from .bulk import min_cut
    except ImportError:  # pragma: no cover - during development only
        return None
    return min_cut(network, region)


# ------------------------------------------------------------------------------------------ group
@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tnrbm")
@click.option("--debug", is_flag=True, help="Show the full traceback on errors.")
def cli(debug: bool) -> None:
    """tnrbm: RBM wavefunctions as exact tensor networks and holographic bulks.

    Models are saved .npz files or specs such as local-chain:n=64,alpha=1,radius=2,seed=0 ;
    regions are 0:16, 0,3,5 or 0:8,32:40 (half-open ranges).
    """
    _STATE["debug"] = debug


# ------------------------------------------------------------------------------------------ demo
def _entropy_rows(network: Any, regions: Sequence[Sequence[int]]) -> list[dict]:
    from .entropy import entanglement

    rows = []
    for region in regions:
        res = entanglement(network, region, renyi=(2,))
        cut = res.cut if res.cut is not None else _min_cut_or_none(network, region)
        rows.append(
            {
                "region": _region_text(res.region),
                "size": len(res.region),
                "S": res.entropy,
                "S2": res.renyi[2],
                "m": None if cut is None else cut.size,
                "bound": None if cut is None else cut.size * math.log(2),
                "trivial_bound": res.trivial_bound,
                "method": res.method,
            }
        )
    return rows


def _print_entropy_rows(title: str, rows: list[dict]) -> None:
    _table(
        title,
        ["region", "|A|", "S_A", "S_2", "m", "m ln 2", "min(|A|,|B|) ln 2", "method"],
        [[r["region"], r["size"], r["S"], r["S2"], r["m"], r["bound"], r["trivial_bound"], r["method"]] for r in rows],
    )


def _hierarchical_section(out_dir: Path, as_json: bool) -> dict | None:
    from . import models

    if not hasattr(models, "hierarchical"):  # pragma: no cover - during development only
        return None
    import numpy as np

    from .bulk import min_cut

    n = 256
    net = models.hierarchical(n, seed=0)
    sizes = [2**k for k in range(1, int(math.log2(n)))]
    ms = [min_cut(net, range(s)).size for s in sizes]
    slope, intercept = np.polyfit(np.log2(sizes), ms, 1)
    rows = [{"size": s, "m": m, "bound": m * math.log(2)} for s, m in zip(sizes, ms)]
    pictures = {}
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from . import plot

        small = models.hierarchical(32, seed=0)
        region = tuple(range(8, 16))
        fig, ax = plt.subplots(figsize=(10, 5))
        plot.draw_bulk(small, region=region, cut=min_cut(small, region), ax=ax)
        fig.savefig(out_dir / "bulk.png", dpi=120, bbox_inches="tight")
        plt.close(fig)
        fig, ax = plt.subplots(figsize=(6, 4))
        plot.cut_scaling(net, ax=ax)
        fig.savefig(out_dir / "cut_scaling.png", dpi=120, bbox_inches="tight")
        plt.close(fig)
        pictures = {"bulk": str(out_dir / "bulk.png"), "cut_scaling": str(out_dir / "cut_scaling.png")}
    except (ImportError, AttributeError):  # pragma: no cover - plot functions land with the bulk module
        pictures = {}
    small_net = models.hierarchical(64, seed=0)
    exact_rows = _entropy_rows(small_net, [range(2**k) for k in range(1, 6)])
    if not as_json:
        _print_entropy_rows("hierarchical RG network, n = 64: exact S_A against the RT bound (nats)", exact_rows)
        _table(
            f"hierarchical RG network, n = {n}, depth {net.n_layers}: minimal cut of A = [0, |A|)",
            ["|A|", "log2 |A|", "m", "m ln 2"],
            [[r["size"], math.log2(r["size"]), r["m"], r["bound"]] for r in rows],
        )
        click.echo(f"fitted slope dm / dlog2|A| = {slope:.3f} (intercept {intercept:.3f})")
        for name, path in pictures.items():
            click.echo(f"wrote {name} picture: {path}")
    return {
        "model": f"hierarchical:n={n},seed=0",
        "rows": rows,
        "slope": slope,
        "exact": {"model": "hierarchical:n=64,seed=0", "rows": exact_rows},
        "pictures": pictures,
    }


@cli.command()
@click.option("--out", "out_dir", default="tnrbm-report", show_default=True, help="Folder for the report and pictures.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON instead of tables.")
def demo(out_dir: str, as_json: bool) -> None:
    """Run the main job on built-in networks: entropies, bounds, minimal cuts, pictures."""
    from . import models

    t0 = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"sections": []}
    chain = models.local_chain(12, alpha=1, radius=1, complex=True, seed=0)
    chain_rows = _entropy_rows(chain, [range(k) for k in range(1, 7)] + [[0, 2, 4, 6, 8, 10]])
    report["sections"].append({"model": "local-chain:n=12,alpha=1,radius=1,complex=true,seed=0", "rows": chain_rows})
    dbm = models.random_dbm([10, 6, 3], seed=1)
    dbm_rows = _entropy_rows(dbm, [range(k) for k in range(1, 6)])
    report["sections"].append({"model": "random-dbm:sizes=10-6-3,seed=1", "rows": dbm_rows})
    if not as_json:
        _print_entropy_rows("local RBM chain, N = 12, radius 1, complex weights (nats)", chain_rows)
        _print_entropy_rows("deep Boltzmann machine, layers 10-6-3 (nats)", dbm_rows)
    big = models.local_chain(256, alpha=1, radius=2, complex=True, seed=0)
    big_rows = _entropy_rows(big, [range(2**k) for k in range(0, 8)])
    report["sections"].append({"model": "local-chain:n=256,alpha=1,radius=2,complex=true,seed=0", "rows": big_rows})
    if not as_json:
        _print_entropy_rows("local RBM chain, N = 256 (no state vector: 2^256 amplitudes), radius 2 (nats)", big_rows)
    hier = _hierarchical_section(out, as_json)
    if hier is not None:
        report["sections"].append(hier)
    report["seconds"] = time.perf_counter() - t0
    path = out / "report.json"
    path.write_text(json.dumps(report, indent=2, default=_json_default))
    if as_json:
        _emit_json(report)
    else:
        click.echo(f"wrote report: {path} ({report['seconds']:.1f} s)")


# ------------------------------------------------------------------------------------------ entropy
@cli.command()
@click.argument("model")
@click.argument("region")
@click.option("--method", default="auto", show_default=True, help="auto, dense, cut or mps.")
@click.option("--renyi", default="2,inf", show_default=True, help="Renyi orders, comma-separated.")
@click.option("--base", type=float, default=None, help="Logarithm base (2 for bits); default nats.")
@click.option("--max-memory", type=float, default=None, help="Largest array allowed, in GiB.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--plot", "plot_path", default=None, help="Write the entanglement spectrum to this PNG.")
def entropy(
    model: str,
    region: str,
    method: str,
    renyi: str,
    base: float | None,
    max_memory: float | None,
    as_json: bool,
    plot_path: str | None,
) -> None:
    """Exact entanglement entropy of REGION in MODEL."""
    from .entropy import entanglement
    from .specs import parse_model, parse_region

    net = parse_model(model)
    reg = parse_region(region, net.n_visible)
    limit = None if max_memory is None else max_memory * 2**30
    res = entanglement(net, reg, method=method, renyi=_parse_renyi(renyi), base=base, max_memory=limit)
    if plot_path:
        _save_plot("spectrum", res, plot_path)
    if as_json:
        _emit_json(res.to_dict())
        return
    unit = "nats" if base is None else f"log base {base:g}"
    rows = [["S (von Neumann)", res.entropy]] + [[f"S_{k}", v] for k, v in res.renyi.items()]
    if res.cut is not None:
        rows += [["m (cut size)", res.cut.size], ["bound m ln 2", res.bound], ["saturation S / bound", res.saturation]]
    rows += [["min(|A|,|B|) ln 2", res.trivial_bound], ["method", res.method], ["seconds", res.seconds]]
    _table(
        f"entanglement of region {_region_text(res.region)} ({len(res.region)} of {res.n_visible} spins, {unit})",
        ["quantity", "value"],
        rows,
    )


# ------------------------------------------------------------------------------------------ cut
@cli.command()
@click.argument("model")
@click.argument("region")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def cut(model: str, region: str, as_json: bool) -> None:
    """Minimal cut (Ryu-Takayanagi surface) of REGION in MODEL: m, the bound m ln 2, the surface."""
    from .bulk import min_cut
    from .specs import parse_model, parse_region

    net = parse_model(model)
    reg = parse_region(region, net.n_visible)
    c = min_cut(net, reg)
    labels = [net.unit_label(u) for u in c.surface]
    payload = {
        "region": list(c.region),
        "m": c.size,
        "bound": c.bound,
        "bond_dimension": 2**c.size,
        "surface": labels,
        "trivial_bound": min(len(reg), net.n_visible - len(reg)) * math.log(2),
    }
    if as_json:
        _emit_json(payload)
        return
    _table(
        f"minimal cut of region {_region_text(reg)} in {model}",
        ["quantity", "value"],
        [
            ["m", c.size],
            ["bound m ln 2 (nats)", c.bound],
            ["bond dimension 2^m", 2**c.size],
            ["min(|A|,|B|) ln 2", payload["trivial_bound"]],
            ["surface", " ".join(labels)],
        ],
    )


# ------------------------------------------------------------------------------------------ profile
@cli.command()
@click.argument("model")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--plot", "plot_path", default=None, help="Write entropy against cut position to this PNG.")
def profile(model: str, as_json: bool, plot_path: str | None) -> None:
    """Entanglement entropy at every cut of a chain (one MPS sweep), with the cut bounds."""
    from .mps import entanglement_profile
    from .specs import parse_model

    net = parse_model(model)
    from .bulk import min_cut

    prof = entanglement_profile(net)
    rows = []
    for i, size in enumerate(prof.sizes):
        m = min_cut(net, prof.order[: int(size)]).size
        row = {"cut": int(size), "S": float(prof.entropy[i])}
        row.update({f"S_{k}": float(v[i]) for k, v in prof.renyi.items()})
        row.update({"m": m, "m ln 2": m * math.log(2), "mps_legs": int(prof.separator_sizes[i])})
        row["schmidt_rank"] = int(prof.bond_dims[i])
        rows.append(row)
    if plot_path:
        _save_plot("profile", (prof, [r["m"] for r in rows]), plot_path)
    if as_json:
        _emit_json({"model": model, "cuts": rows})
        return
    cols = list(rows[0].keys()) if rows else []
    _table(f"entanglement profile of {model}", cols, [[r[c] for c in cols] for r in rows])


# ------------------------------------------------------------------------------------------ ed
@cli.command()
@click.argument("model", type=click.Choice(["tfim", "heisenberg", "cluster", "toric"]))
@click.option("--n", "n", type=int, default=12, show_default=True, help="Number of spins (toric: L, 2 L^2 qubits).")
@click.option("--k", "k", type=int, default=2, show_default=True, help="Number of lowest eigenvalues.")
@click.option("--J", "J", type=float, default=1.0, show_default=True, help="Coupling.")  # noqa: N803
@click.option("--h", "h", type=float, default=1.0, show_default=True, help="Transverse field (tfim).")
@click.option("--delta", type=float, default=1.0, show_default=True, help="Anisotropy (heisenberg).")
@click.option("--open", "open_", is_flag=True, help="Open boundary conditions.")
@click.option("--matrix-free", is_flag=True, help="Use the matrix-free operator (no sparse matrix).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def ed(
    model: str,
    n: int,
    k: int,
    J: float,  # noqa: N803
    h: float,
    delta: float,
    open_: bool,
    matrix_free: bool,  # noqa: N803
    as_json: bool,
) -> None:
    """Exact diagonalization (Lanczos) of MODEL; the TFIM against its free-fermion energy."""
    from .ed import run_ed

    with _spinner(f"Lanczos on {model}, n = {n}"):
        rows = run_ed(
            model, n=n, k=k, J=J, h=h, delta=delta, periodic=not open_, form="operator" if matrix_free else "sparse"
        )
    if as_json:
        _emit_json({"model": model, "n": n, "levels": rows})
        return
    cols = list(rows[0].keys())
    _table(f"exact diagonalization: {model}, n = {n}", cols, [[r[c] for c in cols] for r in rows])


# ------------------------------------------------------------------------------------------ fit
@cli.command()
@click.option("--n", "n", type=int, default=10, show_default=True, help="Number of spins of the TFIM chain.")
@click.option("--h", "h", type=float, default=1.0, show_default=True, help="Transverse field.")
@click.option("--alpha", type=int, default=1, show_default=True, help="Hidden units per spin.")
@click.option("--steps", type=int, default=300, show_default=True, help="Optimization steps.")
@click.option("--learning-rate", type=float, default=0.1, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--save", "save_path", default=None, help="Save the fitted RBM to this .npz file.")
@click.option("--plot", "plot_path", default=None, help="Write the energy history to this PNG.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def fit(
    n: int,
    h: float,
    alpha: int,
    steps: int,
    learning_rate: float,
    seed: int,
    save_path: str | None,
    plot_path: str | None,
    as_json: bool,
) -> None:
    """Fit an RBM to the TFIM ground state (exact sums, stochastic reconfiguration); compare with ED."""
    from .fit import run_fit

    with _progress(steps, f"fitting RBM to TFIM n = {n}") as advance:
        out = run_fit(n=n, h=h, alpha=alpha, steps=steps, learning_rate=learning_rate, seed=seed, progress=advance)
    if save_path and "rbm" in out:
        from .io import save

        save(save_path, out["rbm"])
    if plot_path and "history" in out:
        _save_plot("history", (out["history"], out["summary"][0]["ed"]), plot_path)
    if as_json:
        _emit_json({k: v for k, v in out.items() if k in ("summary", "cuts")})
        return
    _table(
        f"RBM (alpha = {alpha}) fitted to TFIM n = {n}, h = {h}",
        ["quantity", "rbm", "ed", "error"],
        [[r["quantity"], r["rbm"], r["ed"], r["error"]] for r in out["summary"]],
    )
    cols = list(out["cuts"][0].keys())
    _table("entanglement at every cut [0, l) (nats)", cols, [[r[c] for c in cols] for r in out["cuts"]])
    if save_path:
        click.echo(f"saved the fitted RBM to {save_path}")


class _NullContext:
    def __enter__(self) -> Any:
        return lambda *args, **kwargs: None

    def __exit__(self, *exc: Any) -> None:
        return None


def _spinner(text: str) -> Any:
    if not _progress_enabled():
        return _NullContext()
    return _console().status(text)


class _progress:  # noqa: N801 - used like a function
    """A rich progress bar on stderr (only on a terminal); yields ``advance(step, energy)``."""

    def __init__(self, total: int, text: str) -> None:
        self.total, self.text, self.bar = total, text, None

    def __enter__(self) -> Any:
        if not _progress_enabled():
            return None
        from rich.console import Console
        from rich.progress import Progress

        self.bar = Progress(console=Console(stderr=True), transient=True)
        self.bar.start()
        task = self.bar.add_task(self.text, total=self.total)

        def advance(step: int, energy: float) -> None:
            self.bar.update(task, completed=step + 1, description=f"{self.text}  E = {energy:.8f}")

        return advance

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.stop()


# ------------------------------------------------------------------------------------------ save
@cli.command()
@click.argument("model")
@click.argument("path")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def save(model: str, path: str, as_json: bool) -> None:
    """Build MODEL (a spec) and save it to PATH (.npz with JSON metadata, no pickles)."""
    from .io import save as save_network
    from .specs import parse_model

    net = parse_model(model)
    save_network(path, net)
    payload = {"path": path, "model": model, "summary": repr(net)}
    if as_json:
        _emit_json(payload)
    else:
        click.echo(f"saved {net!r} to {path}")


# ------------------------------------------------------------------------------------------ draw
@cli.command()
@click.argument("model")
@click.option("--region", default=None, help="Region to highlight, with its minimal surface.")
@click.option("--out", "out_path", default="bulk.png", show_default=True, help="PNG file to write.")
def draw(model: str, region: str | None, out_path: str) -> None:
    """Draw MODEL as a bulk: boundary at the bottom, depth upward, the minimal surface of REGION marked."""
    from .specs import parse_model, parse_region

    net = parse_model(model)
    reg = parse_region(region, net.n_visible) if region else None
    _save_plot("bulk", (net, reg), out_path)
    click.echo(f"wrote {out_path}")


def _save_plot(kind: str, obj: Any, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from . import plot

    fig, ax = plt.subplots(figsize=(8, 5) if kind == "bulk" else (6, 4))
    if kind == "bulk":
        net, reg = obj
        cut_ = _min_cut_or_none(net, reg) if reg else None
        plot.draw_bulk(net, region=reg, cut=cut_, ax=ax)
    elif kind == "spectrum":
        plot.spectrum(obj, ax=ax)
    elif kind == "profile":
        prof, cut_sizes = obj
        plot.profile(prof, ax=ax, cut_sizes=cut_sizes)
    elif kind == "history":
        history, exact = obj
        plot.energy_history(history, exact=exact, ax=ax)
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)


# ------------------------------------------------------------------------------------------ info
@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def info(as_json: bool) -> None:
    """Versions, conventions, built-in model specs and the memory limit."""
    import cotengra
    import networkx
    import numpy
    import quimb
    import scipy

    from . import __version__
    from ._memory import default_max_memory, format_bytes
    from .specs import model_names

    payload = {
        "tnrbm": __version__,
        "python": sys.version.split()[0],
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "quimb": quimb.__version__,
        "cotengra": cotengra.__version__,
        "networkx": networkx.__version__,
        "models": model_names(),
        "default_max_memory": format_bytes(default_max_memory()),
        "conventions": {
            "visible": "spins v in {+1,-1}; dense vectors in kron order, site 0 most significant, +1 = index 0",
            "hidden": "spin {+1,-1} (factor 2 cosh theta) or binary {0,1} (factor 1 + exp theta)",
            "entropy": "nats unless --base",
            "netket": "psi_tnrbm = 2**M psi_NetKet for spin hidden units (NetKet's log_cosh drops log 2)",
        },
    }
    if as_json:
        _emit_json(payload)
        return
    conventions = payload.pop("conventions")
    payload["models"] = ", ".join(payload["models"])
    _table("tnrbm", ["item", "value"], [[k, v] for k, v in payload.items()] + [[k, v] for k, v in conventions.items()])


# ------------------------------------------------------------------------------------------ bench
@cli.command()
@click.option("--quick", is_flag=True, help="Small sizes only (about a minute).")
def bench(quick: bool) -> None:
    """Run the benchmarks in benchmarks/ (needs a source checkout)."""
    import runpy

    candidates = [Path.cwd() / "benchmarks", Path(__file__).resolve().parent.parent / "benchmarks"]
    root = next((c for c in candidates if c.is_dir()), candidates[0])
    if not root.is_dir():
        from .errors import InvalidParameterError

        raise InvalidParameterError(
            f"benchmarks folder not found in {candidates[0].parent} or beside the package; run `tnrbm bench` "
            "from the root of a source checkout (git clone)"
        )
    for script in sorted(root.glob("bench_*.py")):
        click.echo(f"== {script.name}")
        argv = sys.argv
        sys.argv = [str(script)] + (["--quick"] if quick else [])
        try:
            runpy.run_path(str(script), run_name="__main__")
        finally:
            sys.argv = argv


# ------------------------------------------------------------------------------------------ main
def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the command line, turning errors into one line and a non-zero exit."""
    from .errors import TnrbmError

    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="tnrbm", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("error: aborted", err=True)
        return 1
    except click.ClickException as err:
        if debug:
            raise
        click.echo(f"error: {err.format_message()}", err=True)
        return err.exit_code
    except TnrbmError as err:
        if debug:
            raise
        click.echo(f"error: {err}", err=True)
        return 1
    except (OSError, ValueError, MemoryError, KeyError, TypeError) as err:
        if debug:
            raise
        click.echo(f"error: {type(err).__name__}: {err} (run with --debug for the traceback)", err=True)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
