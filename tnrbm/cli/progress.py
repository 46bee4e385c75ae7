"""Spinners and progress bars on stderr, shown only when stderr is a terminal (never in pipes or tests).

Examples
--------
>>> with spinner("working"):
...     pass
>>> with progress_bar(3, "fitting") as advance:
...     advance(0, -1.0)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import Progress

from .formatting import console

__all__ = ["progress_bar", "spinner"]


def _on_terminal() -> bool:
    return sys.stderr.isatty()


@contextmanager
def spinner(text: str) -> Iterator[None]:
    """A rich status spinner with ``text`` while the block runs.

    Examples
    --------
    >>> with spinner("Lanczos"):
    ...     x = 1
    """
    if not _on_terminal():
        yield
        return
    with console(stderr=True).status(text):
        yield


@contextmanager
def progress_bar(total: int, text: str, label: str = "E") -> Iterator[Callable[[int, float], None]]:
    """A progress bar of ``total`` steps; yields ``advance(step, value)`` (a no-op off a terminal).

    The bar shows ``label = value`` (the energy ``E`` by default; ``label=""`` shows nothing).

    Examples
    --------
    >>> with progress_bar(2, "fit") as advance:
    ...     advance(1, 0.5)
    """
    if not _on_terminal():
        yield lambda step, energy: None
        return
    bar = Progress(console=console(stderr=True), transient=True)
    task = bar.add_task(text, total=total)

    def advance(step: int, energy: float) -> None:
        shown = f"{text}  {label} = {energy:.8f}" if label else text
        bar.update(task, completed=step + 1, description=shown)

    with bar:
        yield advance
