"""Text typed on the command line: regions (``0:16``, ``0,3,5``, ``0:8,32:40``), Renyi orders, memory sizes,
the files the commands write.

Regions are read by :func:`tnrbm.specs.parse_region` (re-exported here as :func:`parse_region`), the one
region syntax that Python's region arguments take too (:func:`tnrbm.validation.parse_region_text`).

Each parser raises a :mod:`tnrbm.errors` exception whose message names the option, the text and what
is allowed; :func:`tnrbm.cli.main` prints it as one line.

Examples
--------
>>> parse_region("0:3,7", 10)
(0, 1, 2, 7)
>>> parse_renyi("2,inf")
(2, inf)
>>> parse_memory_option("1KiB")
1024
"""

from __future__ import annotations

import click

from ..errors import InvalidParameterError
from ..specs import parse_region
from ..validation import check_output_path, parse_memory

__all__ = ["output_file", "parse_memory_option", "parse_region", "parse_renyi"]


def parse_renyi(text: str) -> tuple[float, ...]:
    """Renyi orders from ``'2'``, ``'0.5,2,inf'`` or ``'none'`` (no Renyi entropies).

    Examples
    --------
    >>> parse_renyi("0.5, 3"), parse_renyi("none")
    ((0.5, 3), ())
    >>> parse_renyi("two")
    Traceback (most recent call last):
    ...
    tnrbm.errors.InvalidParameterError: --renyi must be orders like '2' or '0.5,2,inf' (or 'none'); got 'two'
    """
    if text.strip().lower() in ("", "none"):
        return ()
    out: list[float] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        if part.lower() in ("inf", "infinity"):
            out.append(float("inf"))
            continue
        try:  # float() and int() read other digits ('２'): only ASCII 0-9 here
            out.append(int(part) if part.isascii() and part.isdigit() else float(part if part.isascii() else "?"))
        except ValueError:
            raise InvalidParameterError(
                f"--renyi must be orders like '2' or '0.5,2,inf' (or 'none'); got {text!r}"
            ) from None
    return tuple(out)


def parse_memory_option(text: str | None) -> int | None:
    """``--max-memory``: bytes or a size such as ``4GiB`` or ``512MB`` (:func:`tnrbm.validation.parse_memory`).

    Examples
    --------
    >>> parse_memory_option("2GB"), parse_memory_option("4096"), parse_memory_option(None)
    (2000000000, 4096, None)
    """
    return parse_memory(text, name="--max-memory")


def output_file(ctx: click.Context | None, param: click.Parameter | None, value: str | None) -> str | None:
    """A click callback for ``--plot`` and ``--out``: refuse a path that cannot be written before any work.

    A folder (``--plot /tmp``), a device, a fifo, a socket or a file in a folder that does not exist is
    refused by :func:`tnrbm.validation.check_output_path` (the check :func:`~tnrbm.validation.write_atomically`
    repeats when it writes) with an :class:`~tnrbm.errors.InvalidPathError` naming the option; the value
    is returned unchanged.

    Examples
    --------
    >>> output_file(None, None, None) is None
    True
    >>> import tempfile
    >>> try:
    ...     output_file(None, None, tempfile.mkdtemp())
    ... except InvalidParameterError as err:
    ...     print(str(err).split(": ")[1].split(";")[0])
    it is a directory
    """
    if value is None:
        return None
    name = param.opts[0] if param is not None and param.opts else "path"
    check_output_path(value, name=name, action=f"write {name} to")
    return value
