"""Text typed on the command line: regions (``0:16``, ``0,3,5``, ``0:8,32:40``), Renyi orders, memory sizes.

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

from ..errors import InvalidParameterError, InvalidRegionError
from ..specs import parse_region as check_region_indices
from ..validation import parse_memory

__all__ = ["parse_memory_option", "parse_region", "parse_renyi"]

_REGION_FORMS = "indices and half-open ranges like '0:16', '0,3,5' or '0:8,32:40'"


def _units_text(n: int) -> str:
    return f"the model has {n} visible units (indices 0..{n - 1})"


def _range(part: str, n: int, text: str) -> range:
    lo, _, hi = part.partition(":")
    try:
        start = int(lo) if lo.strip() else 0
        stop = int(hi) if hi.strip() else n
    except ValueError:
        raise InvalidRegionError(f"region must be {_REGION_FORMS}; got {text!r}") from None
    if stop <= start:
        raise InvalidRegionError(f"region range {part!r} is empty (stop {stop} <= start {start})")
    if start < 0:
        raise InvalidRegionError(f"region range {part!r} starts at {start}; {_units_text(n)}")
    if stop > n:
        raise InvalidRegionError(f"region range {part!r} reaches index {stop - 1}; {_units_text(n)}")
    return range(start, stop)


def parse_region(text: str, n: int) -> tuple[int, ...]:
    """The sorted visible indices of a region typed as text, for a model of ``n`` visible units.

    Ranges are half-open (``0:16`` is 0..15; ``:8`` and ``56:`` run from the start and to the end).
    An index or range outside ``0..n-1`` is reported as typed, with the valid indices.

    Parameters
    ----------
    text
        Comma-separated indices and ranges.
    n
        The number of visible units of the model.

    Returns
    -------
    tuple of int

    Examples
    --------
    >>> parse_region("0:8,32:34", 64)
    (0, 1, 2, 3, 4, 5, 6, 7, 32, 33)
    >>> parse_region("0:100", 64)
    Traceback (most recent call last):
    ...
    tnrbm.errors.InvalidRegionError: region range '0:100' reaches index 99; the model has 64 visible units (indices 0..63)
    """
    out: list[int] = []
    for part in filter(None, (p.strip() for p in str(text).split(","))):
        if ":" in part:
            out.extend(_range(part, n, text))
            continue
        try:
            index = int(part)
        except ValueError:
            raise InvalidRegionError(f"region must be {_REGION_FORMS}; got {text!r}") from None
        if not 0 <= index < n:
            raise InvalidRegionError(f"region index {index} is out of range; {_units_text(n)}")
        out.append(index)
    return check_region_indices(out, n)


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
        try:
            out.append(int(part) if part.isdigit() else float(part))
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
