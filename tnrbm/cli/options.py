"""The options several commands share, each spelled once: ``--json``, ``--plot``, ``--max-memory``, ``--size``,
and :class:`RenamedOption`, which keeps an option's old spelling working as a hidden alias that warns.

The vocabulary of the command line (docs/api/cli.md has the table): ``--plot PATH`` writes a picture
file (every command that draws one, ``tnrbm draw`` too); ``--out-dir DIR`` is the folder of a report
(``tnrbm demo``); ``--size`` is the linear size (spins of a chain, side L of a torus); ``--steps`` counts
optimizer steps only; ``--levels`` counts RG steps (decimation or blocking levels, bulk depth).

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
>>> @click.command()
... @click.option("--size", "n", cls=RenamedOption, old_names=("--n",), type=int, default=4)
... def chain(n):
...     click.echo(n)
>>> result = CliRunner().invoke(chain, ["--n", "6"])
>>> result.stdout, result.stderr.split(":")[0]
('6\\n', 'warning')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import click

from .._deprecated import REMOVED_IN
from .parsing import output_file

__all__ = [
    "BASE_OPTION",
    "JSON_OPTION",
    "RenamedOption",
    "levels_option",
    "max_memory_option",
    "method_option",
    "plot_option",
    "size_option",
]

#: ``--json``: print the payload as JSON instead of tables (the parameter ``as_json``)
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


class RenamedOption(click.Option):
    """A click option whose old spellings (``old_names``) still work, hidden from ``--help``, and warn.

    An old spelling maps to this option's parameter and prints one line on stderr,
    ``warning: --n is the old spelling of --size (same meaning); it will be removed in tnrbm 0.3``.
    Giving both spellings is a usage error. Only options that take a value are renamed this way.

    Parameters
    ----------
    *args, **kwargs
        As for :class:`click.Option`.
    old_names
        The old spellings (``("--n",)``).

    Examples
    --------
    >>> opt = RenamedOption(["--levels"], old_names=("--steps",), type=int, default=4)
    >>> opt.opts, opt.old_names
    (['--levels'], ('--steps',))
    """

    def __init__(self, *args: Any, old_names: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.old_names = tuple(old_names)

    def _old_dest(self, old: str) -> str:
        return f"{self.name} (old spelling {old})"

    def add_to_parser(self, parser: Any, ctx: click.Context) -> None:
        super().add_to_parser(parser, ctx)
        for old in self.old_names:
            parser.add_option(obj=self, opts=[old], dest=self._old_dest(old), action="store", nargs=self.nargs)

    def consume_value(self, ctx: click.Context, opts: Mapping[str, Any]) -> tuple[Any, Any]:
        used = [old for old in self.old_names if self._old_dest(old) in opts]
        if used:
            new = self.opts[0]
            if self.name in opts:
                raise click.UsageError(f"{used[0]} is the old spelling of {new}: give {new} only", ctx=ctx)
            click.echo(
                f"warning: {used[0]} is the old spelling of {new} (same meaning); "
                f"it will be removed in tnrbm {REMOVED_IN}",
                err=True,
            )
            opts = {**opts, str(self.name): opts[self._old_dest(used[-1])]}
        return super().consume_value(ctx, opts)


def plot_option(what: str, default: str | None = None, old_names: tuple[str, ...] = ()) -> Callable[[Any], Any]:
    """``--plot PATH``: write ``what`` to this PNG (the parameter ``plot_path``; no file when not given).

    The path is checked before any work (:func:`tnrbm.cli.parsing.output_file`): a folder, a device or a
    missing folder is refused at once. ``old_names`` are hidden old spellings that warn (:class:`RenamedOption`).
    """
    return click.option(
        "--plot",
        "plot_path",
        cls=RenamedOption,
        old_names=old_names,
        default=default,
        show_default=default is not None,
        callback=output_file,
        help=f"Write {what} to this PNG.",
    )


def _count_option(name: str, dest: str, text: str, default: int, old_names: tuple[str, ...]) -> Callable[[Any], Any]:
    """An integer option ``name`` (parameter ``dest``, help ``text``, default shown) whose ``old_names`` warn."""
    return click.option(
        name, dest, cls=RenamedOption, old_names=old_names, type=int, default=default, show_default=True, help=text
    )


def size_option(text: str, default: int, old_names: tuple[str, ...] = (), dest: str = "size") -> Callable[[Any], Any]:
    """``--size``: the linear size (spins of a chain, side L of a torus), the parameter ``dest``, help ``text``.

    ``old_names`` (``("--n",)`` where a command spelled it so) still work and warn (:class:`RenamedOption`).
    """
    return _count_option("--size", dest, text, default, old_names)


def levels_option(
    text: str, default: int, old_names: tuple[str, ...] = (), dest: str = "levels"
) -> Callable[[Any], Any]:
    """``--levels``: the number of RG steps (decimation or blocking levels, bulk depth), the parameter ``dest``.

    ``old_names`` (``("--steps",)`` in ``rg flow`` and ``rg learn``) still work and warn.
    """
    return _count_option("--levels", dest, text, default, old_names)


def method_option(names: Sequence[str], text: str) -> Callable[[Any], Any]:
    """``--method NAME``: one of ``names`` (default ``auto``, help ``text``), the parameter ``method``."""
    return click.option("--method", type=click.Choice(list(names)), default="auto", show_default=True, help=text)


#: ``--base``: the logarithm base of entropies and bounds (the parameter ``base``; None: nats)
BASE_OPTION = click.option(
    "--base", type=float, default=None, help="Logarithm base of the entropies and bounds: 2 for bits; default nats."
)


def max_memory_option(help: str) -> Callable[[Any], Any]:  # noqa: A002 - click's own keyword
    """``--max-memory``: bytes or a size string (``4GiB``), read by :func:`tnrbm.cli.parsing.parse_memory_option`."""
    return click.option("--max-memory", default=None, help=help)
