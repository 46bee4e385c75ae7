"""Progress bars and spinners on stderr, for the commands that run for seconds or minutes.

Shown when stderr is a terminal; never in a pipe, a file or a test unless asked: ``tnrbm --progress ...``
shows them anyway (as terminal text), ``tnrbm --quiet ...`` never: they are read from the parameters of the
root click context (the ``tnrbm`` group) of the running command; Python code (examples, benchmarks) passes
``show=``.
Nothing here writes to stdout: a command's JSON on stdout is the same with or without a bar.

Examples
--------
>>> with spinner("working"):
...     pass
>>> with progress_bar(3, "fitting") as advance:
...     advance(0, -1.0)
>>> progress_shown(show=False), progress_shown(show=True)
(False, True)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from .formatting import console

__all__ = ["progress_bar", "progress_shown", "spinner"]


def progress_shown(show: bool | None = None) -> bool:
    """Whether to draw progress: ``show`` when given, else ``tnrbm --progress`` / ``--quiet``, else a terminal.

    Parameters
    ----------
    show
        True or False forces the choice; None (default) reads the global options ``--quiet`` (wins) and
        ``--progress`` of the running ``tnrbm`` command and, when neither was given, whether stderr is a terminal.

    Examples
    --------
    >>> progress_shown(show=True)
    True
    """
    if show is None:
        ctx = click.get_current_context(silent=True)
        chosen = {} if ctx is None else ctx.find_root().params
        if chosen.get("quiet") or chosen.get("progress"):
            show = not chosen.get("quiet")
    return sys.stderr.isatty() if show is None else bool(show)


def _progress(*columns: ProgressColumn) -> Progress:
    """A transient rich progress display on stderr; forced into terminal text when stderr is not a terminal.

    Printing to stdout while it runs goes around the bar (rich redirects stdout) only when stdout and
    stderr are both terminals; otherwise stdout is left alone, so that a command's output is unchanged.
    """
    terminal = sys.stderr.isatty()
    out = console(stderr=True) if terminal else Console(stderr=True, force_terminal=True, highlight=False, width=100)
    redirect = terminal and sys.stdout.isatty()
    return Progress(*columns, console=out, transient=True, redirect_stdout=redirect, redirect_stderr=redirect)


@contextmanager
def spinner(text: str, show: bool | None = None) -> Iterator[None]:
    """A spinner with ``text`` and the elapsed time while the block runs (for work of unknown length).

    ``show`` as in :func:`progress_shown`.

    Examples
    --------
    >>> with spinner("Lanczos"):
    ...     x = 1
    """
    if not progress_shown(show):
        yield
        return
    bar = _progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    bar.add_task(text, total=None)
    with bar:
        yield


@contextmanager
def progress_bar(
    total: int, text: str, label: str = "E", show: bool | None = None
) -> Iterator[Callable[[int, float], None]]:
    """A progress bar of ``total`` steps; yields ``advance(step, value)`` (a no-op when not shown).

    ``advance(step, value)`` marks step ``step`` (from 0) done; the bar shows ``label = value`` (the energy
    ``E`` by default; ``label=""`` shows nothing). ``show`` as in :func:`progress_shown`.

    Examples
    --------
    >>> with progress_bar(2, "fit") as advance:
    ...     advance(1, 0.5)
    """
    if not progress_shown(show):
        yield lambda step, energy: None
        return
    bar = _progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    task = bar.add_task(text, total=total)

    def advance(step: int, energy: float) -> None:
        shown = f"{text}  {label} = {energy:.8f}" if label else text
        bar.update(task, completed=step + 1, description=shown)

    with bar:
        yield advance
