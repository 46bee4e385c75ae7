"""The options several commands share, each spelled once: ``--json``, ``--plot``, ``--max-memory``.

Examples
--------
>>> import click
>>> @click.command()
... @JSON_OPTION
... @plot_option("the picture")
... def show(as_json, plot_path):
...     click.echo(f"{as_json} {plot_path}")
>>> from click.testing import CliRunner
>>> CliRunner().invoke(show, ["--json", "--plot", "x.png"]).output
'True x.png\\n'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from .parsing import output_file

__all__ = ["JSON_OPTION", "max_memory_option", "plot_option"]

#: ``--json``: print the payload as JSON instead of tables (the parameter ``as_json``)
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


def plot_option(what: str) -> Callable[[Any], Any]:
    """``--plot PATH``: write ``what`` to this PNG (the parameter ``plot_path``; no file when not given).

    The path is checked before any work (:func:`tnrbm.cli.parsing.output_file`): a folder, a device or a
    missing folder is refused at once.
    """
    return click.option("--plot", "plot_path", default=None, callback=output_file, help=f"Write {what} to this PNG.")


def max_memory_option(help: str) -> Callable[[Any], Any]:  # noqa: A002 - click's own keyword
    """``--max-memory``: bytes or a size string (``4GiB``), read by :func:`tnrbm.cli.parsing.parse_memory_option`."""
    return click.option("--max-memory", default=None, help=help)
