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
import os
import re
import sys
from collections.abc import Sequence
from typing import Any

import click

from ..errors import MemoryLimitError, TnrbmError

__all__ = ["COMMANDS", "SIGINT_EXIT", "LazyGroup", "cli", "main"]

_PKG = "tnrbm.cli.commands"

#: command name -> ("module:attribute", one-line help shown by ``tnrbm --help``)
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": (f"{_PKG}.demo:demo", "Run the main job on built-in networks: entropies, bounds, minimal cuts, pictures."),
    "entropy": (f"{_PKG}.entanglement:entropy", "Exact entanglement entropy of REGION in MODEL."),
    "cut": (f"{_PKG}.entanglement:cut", "Minimal cut (Ryu-Takayanagi surface) of REGION in MODEL."),
    "profile": (f"{_PKG}.entanglement:profile", "Entanglement entropy at every cut of a chain (one MPS sweep)."),
    "purity": (f"{_PKG}.entanglement:purity", "Purity Tr rho_A^2 and Renyi-2 entropy of REGION, without the spectrum."),
    "information": (
        f"{_PKG}.information:information",
        "Mutual information I(A:B), or tripartite I3(A:B:C), of regions of MODEL, with the cut bounds.",
    ),
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
@click.option("--quiet", "-q", is_flag=True, help="No progress bars or spinners on stderr.")
@click.option(
    "--progress", is_flag=True, help="Progress bars on stderr even when it is not a terminal (default: only on one)."
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=None,
    help="Seed every random draw of the run, specs without seed= included (default: a fresh seed, printed "
    "on stderr and recorded in the outputs). A command's own --seed must agree with it.",
)
def cli(debug: bool, quiet: bool, progress: bool, seed: int | None) -> None:
    """tnrbm: RBM wavefunctions as exact tensor networks and holographic bulks.

    Models are saved .npz files or specs such as local-chain:n=64,alpha=1,radius=2,seed=0
    (tnrbm info lists the specs with their keys); regions are 0:16, 0,3,5 or 0:8,32:40
    (half-open ranges). Entropies are in nats unless --base 2 (bits). Long commands draw a progress bar
    on stderr when it is a terminal (--quiet: never; --progress: also into a pipe or file). A run that
    draws random numbers without a seed draws one, prints it and records it: rerun with tnrbm --seed N.
    """  # --quiet/--progress are read by tnrbm.cli.progress, --seed by tnrbm.cli.provenance.run_seed


def _one_line(text: str) -> str:
    """``text`` on one line: every run of whitespace (newlines, tabs, carriage returns) becomes one space."""
    return " ".join(text.split())


#: the exit code of a command stopped by SIGINT (Ctrl-C): 128 + 2, as a shell reports it
SIGINT_EXIT = 130
_NUMBER_OPTION = re.compile(r"-[0-9.:,]")
_PY_LIMIT = re.compile(r"max_memory=(?:'([^']*)'|([0-9.]+ ?[A-Za-z]+))")


def _command_of(args: Sequence[str]) -> click.Command | None:
    """The command ``args`` runs (the first word that names one; None for a group such as ``rg``)."""
    for arg in args:
        if not arg.startswith("-"):
            command = cli.get_command(None, arg) if arg in cli.lazy_commands or arg in cli.commands else None
            return None if isinstance(command, click.Group) else command
    return None


def _negative_number(err: click.NoSuchOption, args: Sequence[str]) -> str | None:
    """The message for a negative number that click read as an option (``tnrbm entropy MODEL -1``)."""
    takes_region = any(p.name == "region" for p in getattr(_command_of(args), "params", ()))
    if not (takes_region and _NUMBER_OPTION.match(err.option_name)):
        return None
    typed = next((a for a in args if a.startswith(err.option_name)), err.option_name)
    return (
        f"region {typed!r} is refused (it is read as neither an option nor a region): visible indices lie in "
        "[0, N) and count from 0, Python's negative indices (from the end) are not used; write a region like 0:16, "
        "0,3,5, 0:8,32:40, 56: or '' (the empty region)"
    )


def _memory_message(err: MemoryLimitError, args: Sequence[str]) -> str:
    """A memory refusal in the command line's words: ``--max-memory SIZE`` where the command takes it."""
    text = str(err)
    params = getattr(_command_of(args), "params", ())
    if any(getattr(p, "name", None) == "max_memory" for p in params):
        return _PY_LIMIT.sub(lambda m: f"--max-memory {m.group(1) or m.group(2).replace(' ', '')}", text)
    if _PY_LIMIT.search(text) is None:  # the message names no Python parameter (a model too big to build)
        return text
    return f"{text} (this command takes no --max-memory: its limit is a quarter of the available memory)"


def _run(args: list[str]) -> Any:
    """``cli`` on ``args`` as click's ``main(standalone_mode=False)`` runs it, but with Ctrl-C left to :func:`main`.

    Click turns a KeyboardInterrupt into ``Abort`` after a blank line on stderr; here it propagates, so
    that :func:`main` prints one line and exits with :data:`SIGINT_EXIT`. Shell completion
    (``_TNRBM_COMPLETE``) and ``--help``/``--version`` (click's ``Exit``) behave as with click's main.
    """
    cli._main_shell_completion({}, "tnrbm")
    try:
        with cli.make_context("tnrbm", args) as ctx:
            return cli.invoke(ctx)
    except click.exceptions.Exit as err:
        return err.exit_code


def _silence_stdout() -> None:
    """Point stdout at the null device, so that flushing it at exit raises no second BrokenPipeError."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # a stdout without a descriptor (captured): nothing to flush there
        pass


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
        other error (a bad region or model spec, a memory refusal: its way out is spelled as the command
        line's ``--max-memory``), :data:`SIGINT_EXIT` (130) when interrupted by SIGINT (Ctrl-C), with
        the one line ``error: interrupted (SIGINT)``. With ``--debug`` (anywhere before ``--``) errors
        raise with their traceback instead.

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
        code = _run(args)
    except KeyboardInterrupt:
        if debug:
            raise
        if sys.stderr.isatty():  # end the line the terminal's ^C echo is on
            click.echo("", err=True)
        click.echo("error: interrupted (SIGINT); nothing more was computed or written", err=True)
        return SIGINT_EXIT
    except click.exceptions.Abort:
        click.echo("error: aborted", err=True)
        return 1
    except BrokenPipeError:  # the reader of stdout left (``tnrbm ... | head``): stop quietly, as click does
        _silence_stdout()
        return 1
    except click.ClickException as err:
        if debug:
            raise
        negative = _negative_number(err, args) if isinstance(err, click.NoSuchOption) else None
        if negative is not None:
            click.echo(f"error: {negative}", err=True)
            return 1
        click.echo(f"error: {_one_line(err.format_message())}", err=True)
        return err.exit_code
    except TnrbmError as err:
        if debug:
            raise
        text = _memory_message(err, args) if isinstance(err, MemoryLimitError) else str(err)
        click.echo(f"error: {_one_line(text)}", err=True)
        return 1
    except (OSError, ValueError, MemoryError, KeyError, TypeError) as err:
        if debug:
            raise
        click.echo(f"error: {type(err).__name__}: {_one_line(str(err))} (run with --debug for the traceback)", err=True)
        return 1
    return code if isinstance(code, int) else 0
