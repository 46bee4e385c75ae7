"""The table/JSON printer and the picture saver shared by the ``tnrbm rg`` commands.

Examples
--------
>>> emit({"a": 1}, True, "t", ["a"], [[1]])
{
  "a": 1
}
"""

from __future__ import annotations

import json
from typing import Any

import click

from ..plots import save_drawing
from ..provenance import figure_options

__all__ = ["emit", "save_plot"]


def emit(payload: dict, as_json: bool, title: str, columns: list[str], rows: list[list[Any]]) -> None:
    """``payload`` as JSON (with the keys of :func:`tnrbm.cli.provenance.stamp`), or the table ``rows``."""
    if as_json:
        click.echo(json.dumps(payload, indent=2, default=float))
        return
    click.echo(title)
    widths = [max(len(c), *(len(_fmt(r[k])) for r in rows)) if rows else len(c) for k, c in enumerate(columns)]
    click.echo("  ".join(c.rjust(w) for c, w in zip(columns, widths)))
    for r in rows:
        click.echo("  ".join(_fmt(x).rjust(w) for x, w in zip(r, widths)))


def _fmt(x: Any) -> str:
    return f"{x:.10g}" if isinstance(x, float) else str(x)


def save_plot(path: str | None, draw: Any) -> None:
    """Draw to ``path`` (nothing when None), with the run's seed and the versions in the picture's metadata."""
    if path is None:
        return
    save_drawing(path, draw, **figure_options())
    click.echo(f"wrote {path}", err=True)
