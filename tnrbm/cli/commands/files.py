"""``tnrbm draw`` and ``tnrbm save``: a model as a picture of its bulk, or as a ``.npz`` file."""

from __future__ import annotations

import click

from ...io import save as save_network
from ..formatting import emit_json
from ..options import JSON_OPTION, plot_option
from ..parsing import parse_region
from ..plots import save_plot
from ..provenance import figure_options, file_provenance, load_model, stamp

__all__ = ["draw", "save"]


@click.command()
@click.argument("model")
@click.argument("path")
@JSON_OPTION
def save(model: str, path: str, as_json: bool) -> None:
    """Build MODEL (a spec) and save it to PATH (.npz with JSON metadata, no pickles)."""
    net, model = load_model(model)
    save_network(path, net, provenance=file_provenance(model))
    if as_json:
        emit_json(stamp("save", {"path": path, "summary": repr(net)}, model))
    else:
        click.echo(f"saved {net!r} to {path}")


@click.command()
@click.argument("model")
@click.option("--region", default=None, help="Region to highlight, with its minimal surface.")
@plot_option("the bulk", default="bulk.png", old_names=("--out",))
def draw(model: str, region: str | None, plot_path: str) -> None:
    """Draw MODEL as a bulk: boundary at the bottom, depth upward, the minimal surface of REGION marked."""
    net, model = load_model(model)
    reg = parse_region(region, net.n_visible) if region else None
    save_plot("bulk", (net, reg), plot_path, **figure_options(model))
    click.echo(f"wrote {plot_path}")
