"""``tnrbm ed`` and ``tnrbm fit``: exact diagonalization and the variational RBM fit against it."""

from __future__ import annotations

import click

from ... import save as save_network
from ...ed import HAMILTONIANS
from ..formatting import emit_json, table
from ..parsing import output_file, parse_memory_option
from ..plots import save_plot
from ..progress import progress_bar, spinner
from ..reports import ed_levels, fit_report

__all__ = ["ed", "fit"]


@click.command()
@click.argument("model", type=click.Choice(list(HAMILTONIANS)))
@click.option("--n", "n", type=int, default=12, show_default=True, help="Number of spins (toric: L, 2 L^2 qubits).")
@click.option("--k", "k", type=int, default=2, show_default=True, help="Number of lowest eigenvalues.")
@click.option("--J", "J", type=float, default=1.0, show_default=True, help="Coupling.")  # noqa: N803
@click.option("--h", "h", type=float, default=1.0, show_default=True, help="Transverse field (tfim).")
@click.option("--delta", type=float, default=1.0, show_default=True, help="Anisotropy (heisenberg).")
@click.option("--open", "open_", is_flag=True, help="Open boundary conditions.")
@click.option("--matrix-free", is_flag=True, help="Use the matrix-free operator (no sparse matrix).")
@click.option(
    "--max-memory",
    default=None,
    help="The matrix and the Lanczos vectors together: bytes or a size such as 4GiB (Python's max_memory); "
    "default a quarter of the available memory.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def ed(
    model: str,
    n: int,
    k: int,
    J: float,  # noqa: N803
    h: float,
    delta: float,
    open_: bool,
    matrix_free: bool,
    max_memory: str | None,
    as_json: bool,
) -> None:
    """Exact diagonalization (Lanczos) of MODEL; the periodic TFIM against its free-fermion energy."""
    limit = parse_memory_option(max_memory)
    with spinner(f"Lanczos on {model}, n = {n}"):
        rows = ed_levels(
            model,
            n=n,
            k=k,
            J=J,
            h=h,
            delta=delta,
            periodic=not open_,
            form="operator" if matrix_free else "sparse",
            max_memory=limit,
        )
    if as_json:
        emit_json({"model": model, "n": n, "levels": rows})
        return
    cols = list(rows[0])
    table(
        f"exact diagonalization: {model}, n = {n}",
        cols,
        [[r[c] for c in cols] for r in rows],
        legend="gap: energy - E_0; reference: free-fermion E_0 (periodic TFIM only); error: |energy - reference|",
    )


@click.command()
@click.option("--n", "n", type=int, default=10, show_default=True, help="Number of spins of the TFIM chain.")
@click.option("--h", "h", type=float, default=1.0, show_default=True, help="Transverse field.")
@click.option("--alpha", type=int, default=1, show_default=True, help="Hidden units per spin.")
@click.option("--steps", type=int, default=300, show_default=True, help="Optimization steps.")
@click.option("--learning-rate", type=float, default=0.1, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--save", "save_path", default=None, help="Save the fitted RBM to this .npz file.")
@click.option("--plot", "plot_path", default=None, callback=output_file, help="Write the energy history to this PNG.")
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
    with progress_bar(steps, f"fitting RBM to TFIM n = {n}") as advance:
        out = fit_report(n=n, h=h, alpha=alpha, steps=steps, learning_rate=learning_rate, seed=seed, progress=advance)
    if save_path:
        save_network(save_path, out["rbm"])
    if plot_path:
        save_plot("history", (out["history"], out["summary"][0]["ed"]), plot_path)
    if as_json:
        emit_json({"summary": out["summary"], "cuts": out["cuts"]})
        return
    table(
        f"RBM (alpha = {alpha}) fitted to TFIM n = {n}, h = {h}",
        ["quantity", "rbm", "ed", "error"],
        [[r["quantity"], r["rbm"], r["ed"], r["error"]] for r in out["summary"]],
    )
    cols = list(out["cuts"][0])
    table(
        "entanglement at every cut [0, l) (nats)",
        cols,
        [[r[c] for c in cols] for r in out["cuts"]],
        legend="entropy_rbm / entropy_ed: S of [0, l) in the fitted RBM / the ED ground state; "
        "bound: m ln 2 of the fitted RBM's minimal cut",
    )
    if save_path:
        click.echo(f"saved the fitted RBM to {save_path}")
