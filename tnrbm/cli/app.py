"""The ``tnrbm`` click group, its lazy command table and :func:`main` (errors as one line).

The group knows each command as ``"module:attribute"`` plus its one-line help (:data:`COMMANDS`), so
``tnrbm --help`` imports no command module and none of numpy, scipy, quimb, cotengra, networkx or
matplotlib; a command module is imported only when that command runs or its own ``--help`` is asked.
``--debug`` may stand anywhere before ``--`` (``tnrbm --debug entropy ...`` or ``tnrbm entropy ... --debug``).

Examples
--------
>>> sorted(COMMANDS)[:3]
['bench', 'cut', 'demo']
>>> main(["--version"])  # doctest: +ELLIPSIS
tnrbm, version ...
0
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any

import click

from ..errors import TnrbmError

__all__ = ["COMMANDS", "LazyGroup", "cli", "main"]

_PKG = "tnrbm.cli.commands"

#: command name -> ("module:attribute", one-line help shown by ``tnrbm --help``)
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": (f"{_PKG}.demo:demo", "Run the main job on built-in networks: entropies, bounds, minimal cuts, pictures."),
    "entropy": (f"{_PKG}.entanglement:entropy", "Exact entanglement entropy of REGION in MODEL."),
    "cut": (f"{_PKG}.entanglement:cut", "Minimal cut (Ryu-Takayanagi surface) of REGION in MODEL."),
    "profile": (f"{_PKG}.entanglement:profile", "Entanglement entropy at every cut of a chain (one MPS sweep)."),
    "purity": (f"{_PKG}.entanglement:purity", "Purity Tr rho_A^2 and Renyi-2 entropy of REGION, without the spectrum."),
    "topk": (
        f"{_PKG}.topk:topk",
        "The k largest Schmidt values of REGION past the Gram wall, with certified entropy bounds.",
    ),
    "spectrum": (
        f"{_PKG}.spectrum:spectrum",
        "Entanglement levels of REGION by symmetry sector (Z2, U(1)): p(q), S(q), degeneracies, gap.",
    ),
    "ed": (f"{_PKG}.groundstate:ed", "Exact diagonalization (Lanczos) of a spin Hamiltonian."),
    "fit": (f"{_PKG}.fitting:fit", "Fit an RBM to the TFIM ground state; compare with ED."),
    "draw": (f"{_PKG}.files:draw", "Draw MODEL as a bulk, with the minimal surface of a region."),
    "save": (f"{_PKG}.files:save", "Build MODEL (a spec) and save it to a .npz file."),
    "info": (f"{_PKG}.about:info", "Versions, conventions, model specs with their keys and defaults."),
    "bench": (f"{_PKG}.about:bench", "Run the benchmarks in benchmarks/ (needs a source checkout)."),
    "rg": (f"{_PKG}.rg:rg", "The renormalization-group side: decimation flow, log Z, couplings, sampling, learning."),
}

_DEBUG = "--debug"


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use (click's "lazy loading of subcommands").

    Parameters
    ----------
    lazy_commands
        ``name -> ("package.module:attribute", short help)``; the short help is what ``--help`` lists.
    **kwargs
        Passed to :class:`click.Group`.

    Examples
    --------
    >>> group = LazyGroup(name="x", lazy_commands={"hello": ("os.path:join", "Join paths.")})
    >>> group.list_commands(None)
    ['hello']
    """

    def __init__(self, *args: Any, lazy_commands: dict[str, tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context | None) -> list[str]:
        return sorted(set(self.commands) | set(self.lazy_commands))

    def get_command(self, ctx: click.Context | None, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in self.lazy_commands:
            return self.commands.get(cmd_name)
        module_name, _, attr = self.lazy_commands[cmd_name][0].partition(":")
        command = getattr(importlib.import_module(module_name), attr)
        self.commands[cmd_name] = command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands from the table's short help, importing none of them."""
        rows = []
        for name in self.list_commands(ctx):
            if name in self.lazy_commands:
                rows.append((name, self.lazy_commands[name][1]))
            elif not self.commands[name].hidden:
                rows.append((name, self.commands[name].get_short_help_str(formatter.width - 6 - len(name))))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Accept ``--debug`` after the command too: move it in front, where the group reads it."""
        return super().parse_args(ctx, _debug_first(args))


def _debug_first(args: Sequence[str]) -> list[str]:
    """``args`` with every ``--debug`` before ``--`` moved to the front (once)."""
    args = list(args)
    end = args.index("--") if "--" in args else len(args)
    if _DEBUG not in args[:end]:
        return args
    return [_DEBUG] + [a for a in args[:end] if a != _DEBUG] + args[end:]


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="tnrbm")
@click.option(_DEBUG, is_flag=True, help="Show the full traceback on errors (also accepted after the command).")
def cli(debug: bool) -> None:
    """tnrbm: RBM wavefunctions as exact tensor networks and holographic bulks.

    Models are saved .npz files or specs such as local-chain:n=64,alpha=1,radius=2,seed=0
    (tnrbm info lists the specs with their keys); regions are 0:16, 0,3,5 or 0:8,32:40
    (half-open ranges). Entropies are in nats unless --base 2 (bits).
    """


def _one_line(text: str) -> str:
    """``text`` on one line: every run of whitespace (newlines, tabs, carriage returns) becomes one space."""
    return " ".join(text.split())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; an error prints as one line ``error: ...`` and gives a non-zero exit code.

    Parameters
    ----------
    argv
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 2 for a usage error (unknown command or option, bad option value), 1 for any
        other error. With ``--debug`` (anywhere before ``--``) errors raise with their traceback instead.

    Examples
    --------
    >>> main(["no-such-command"])
    2
    """
    args = _debug_first(sys.argv[1:] if argv is None else argv)
    debug = bool(args) and args[0] == _DEBUG
    if not args:  # a bare ``tnrbm``: the help, as ``tnrbm --help`` prints it
        args = ["--help"]
    try:
        code = cli.main(args=args, prog_name="tnrbm", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("error: aborted", err=True)
        return 1
    except click.ClickException as err:
        if debug:
            raise
        click.echo(f"error: {_one_line(err.format_message())}", err=True)
        return err.exit_code
    except TnrbmError as err:
        if debug:
            raise
        click.echo(f"error: {_one_line(str(err))}", err=True)
        return 1
    except (OSError, ValueError, MemoryError, KeyError, TypeError) as err:
        if debug:
            raise
        click.echo(f"error: {type(err).__name__}: {_one_line(str(err))} (run with --debug for the traceback)", err=True)
        return 1
    return code if isinstance(code, int) else 0
