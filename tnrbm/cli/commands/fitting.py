"""``tnrbm fit``: a variational RBM fitted to the TFIM ground state, compared with exact diagonalization."""

from __future__ import annotations

from typing import Any

import click

from ...fit import fit_report
from ...io import save as save_network
from ..formatting import emit_json, table
from ..options import JSON_OPTION, plot_option, size_option
from ..plots import save_plot
from ..progress import progress_bar
from ..provenance import figure_options, file_provenance, run_seed, stamp

__all__ = ["fit"]


@click.command()
@size_option("Number of spins of the TFIM chain.", 10, old_names=("--n",), dest="n")
@click.option("--h", "h", type=float, default=1.0, show_default=True, help="Transverse field.")
@click.option("--alpha", type=int, default=1, show_default=True, help="Hidden units per spin.")
@click.option("--steps", type=int, default=300, show_default=True, help="Optimization steps.")
@click.option("--learning-rate", type=float, default=0.1, show_default=True)
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Seed of the start (default: the run's seed).")
@click.option("--save", "save_path", default=None, help="Save the fitted RBM to this .npz file.")
@plot_option("the energy history")
@click.option(
    "--relative", is_flag=True, help="With --plot: draw the relative energy error |E - E_0| / |E_0| on a log axis."
)
@JSON_OPTION
def fit(
    n: int,
    h: float,
    alpha: int,
    steps: int,
    learning_rate: float,
    seed: int | None,
    save_path: str | None,
    plot_path: str | None,
    relative: bool,
    as_json: bool,
) -> None:
    """Fit an RBM to the TFIM ground state (exact sums, stochastic reconfiguration); compare with ED."""
    seed = run_seed(seed).get()
    with progress_bar(steps + 1, f"fitting RBM to TFIM n = {n}") as advance:
        out = fit_report(n=n, h=h, alpha=alpha, steps=steps, learning_rate=learning_rate, seed=seed, progress=advance)
    if save_path:
        save_network(save_path, out["rbm"], provenance=file_provenance(None))
    if plot_path:
        title = f"RBM ($\\alpha = {alpha}$) fitted to the TFIM, $N = {n}$, $h = {h:g}$"
        options = {"title": title, "relative": relative}
        save_plot("history", (out["history"], out["summary"][0]["ed"], options), plot_path, **figure_options())
    if as_json:
        payload: dict[str, Any] = {"n": n, "h": h, "alpha": alpha, "steps": steps, "learning_rate": learning_rate}
        payload.update(base=None, units="nats", summary=out["summary"], cuts=out["cuts"])
        emit_json(stamp("fit", payload))
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
