"""The one place where arguments are checked, and the memory guard every big allocation passes.

Every public function of tnrbm validates its arguments with the checks here, so that the same
argument is refused the same way everywhere: with a :mod:`tnrbm.errors` exception whose message names
the argument, the value it got and what is allowed.

Memory is counted in bytes everywhere. ``max_memory`` (Python) and ``--max-memory`` (command line)
accept a number of bytes or a size string with a unit, e.g. ``"4GiB"``, ``"512 MiB"``, ``"2GB"``
(:func:`parse_memory`); ``None`` means :func:`default_max_memory`, a quarter of the memory available now.

Files: every file tnrbm writes (saved models, pictures, reports) goes through :func:`write_atomically`
(symbolic links followed; directories, devices, fifos and sockets refused before anything is opened;
a temporary file in the same folder, replaced atomically; leftovers of killed writers swept), and every
file it reads through :func:`open_regular_file` (non-blocking open, kind re-checked on the descriptor).

Examples
--------
>>> parse_memory("4GiB")
4294967296
>>> check_int(3, "n", minimum=1)
3
>>> check_region([3, 1], 4)
(1, 3)
"""

from __future__ import annotations

import itertools
import math
import numbers
import os
import re
import reprlib
import secrets
import socket
import stat
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, BinaryIO, TypeAlias, overload

import numpy as np

from .errors import FileFormatError, InvalidParameterError, InvalidPathError, InvalidRegionError, MemoryLimitError

__all__ = [
    "MaxMemory",
    "SAFE_FRACTION",
    "available_memory",
    "default_max_memory",
    "format_bytes",
    "format_limit",
    "parse_memory",
    "memory_limit",
    "check_memory",
    "as_float",
    "check_int",
    "check_real",
    "check_nonnegative",
    "check_positive",
    "check_fraction",
    "check_bool",
    "check_choice",
    "check_seed",
    "rng_from_seed",
    "short_repr",
    "REGION_SYNTAX",
    "parse_region_text",
    "check_region",
    "check_disjoint",
    "check_base",
    "check_renyi",
    "TEMP_FILE_PATTERN",
    "check_path",
    "file_kind",
    "check_output_path",
    "sweep_temp_files",
    "write_atomically",
    "open_regular_file",
]

#: fraction of the available memory a single computation may take by default
SAFE_FRACTION = 0.25

#: a memory limit as every function takes it: bytes (int or float), a size string (``"4GiB"``, ``"512MB"``),
#: or None for :func:`default_max_memory` (a quarter of the available memory)
MaxMemory: TypeAlias = int | float | str | None

_UNITS = {
    "": 1,
    "b": 1,
    "k": 1000,
    "kb": 1000,
    "m": 1000**2,
    "mb": 1000**2,
    "g": 1000**3,
    "gb": 1000**3,
    "t": 1000**4,
    "tb": 1000**4,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
    "pib": 2**50,
}
_SIZE = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([a-zA-Z]*)\s*$")


# ------------------------------------------------------------------------------------------- memory
def available_memory() -> int:
    """Bytes of memory available now (``MemAvailable``), or 4 GiB where that cannot be read."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 4 * 2**30


def default_max_memory() -> int:
    """The default limit for one computation: :data:`SAFE_FRACTION` of the memory available now."""
    return int(SAFE_FRACTION * available_memory())


def format_bytes(nbytes: float) -> str:
    """Human-readable size.

    Examples
    --------
    >>> format_bytes(3 * 2**30)
    '3.0 GiB'
    """
    value = as_float(nbytes)
    if not math.isfinite(value):
        return "an unbounded amount"
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if abs(value) < 1024 or unit == "EiB":
            return f"{value:.1f} {unit}" if unit != "B" else f"{int(value)} B"
        value /= 1024
    return f"{value:.1f} EiB"  # pragma: no cover


@overload
def parse_memory(value: None, name: str = ...) -> None: ...
@overload
def parse_memory(value: str | float, name: str = ...) -> int: ...
@overload
def parse_memory(value: Any, name: str = ...) -> int | None: ...
def parse_memory(value: Any, name: str = "max_memory") -> int | None:
    """A memory size in bytes: a positive number of bytes or a string such as ``"4GiB"``; None stays None.

    Units (case-insensitive): ``B``, ``KiB``, ``MiB``, ``GiB``, ``TiB``, ``PiB`` (powers of 1024) and
    ``kB``/``K``, ``MB``/``M``, ``GB``/``G``, ``TB``/``T`` (powers of 1000).

    Examples
    --------
    >>> parse_memory(2**20), parse_memory("1.5 KiB"), parse_memory("2GB")
    (1048576, 1536, 2000000000)
    >>> parse_memory(None) is None
    True
    """
    if value is None:
        return None
    allowed = 'a positive number of bytes or a size such as "4GiB" or "512MB"'
    if isinstance(value, str):
        match = _SIZE.match(value)
        unit = match.group(2).lower() if match else None
        if match is None or unit not in _UNITS:
            raise InvalidParameterError(f"{name} must be {allowed}; got {value!r}")
        nbytes = float(match.group(1)) * _UNITS[unit]
    elif _is_real(value):
        nbytes = as_float(value)
    else:
        raise InvalidParameterError(f"{name} must be {allowed}; got {value!r}")
    if not (math.isfinite(nbytes) and nbytes >= 1):
        raise InvalidParameterError(f"{name} must be {allowed}; got {value!r}")
    return int(nbytes)


def memory_limit(max_memory: MaxMemory, name: str = "max_memory") -> int:
    """The limit in bytes that ``max_memory`` stands for (None: :func:`default_max_memory`).

    Examples
    --------
    >>> memory_limit("1MiB")
    1048576
    """
    parsed = parse_memory(max_memory, name)
    return default_max_memory() if parsed is None else parsed


def check_memory(
    nbytes: float, what: str, max_memory: MaxMemory, way_out: str, detail: str = "", option: str | None = "max_memory"
) -> None:
    """Refuse with :class:`~tnrbm.errors.MemoryLimitError` when ``nbytes`` exceeds ``max_memory``.

    Parameters
    ----------
    nbytes
        The estimated peak size in bytes.
    what
        What would be allocated, for the message.
    max_memory
        The limit (see :func:`parse_memory`); None means :func:`default_max_memory`.
    way_out
        What the user can do instead, for the message.
    detail
        Written after the estimate (e.g. its parts, ``" (the matrix 5.0 MiB, ...)"``).
    option
        The parameter that raises the limit, named in the message with the smallest value that works;
        None where the caller takes none (the message then says that the limit is the default, a
        quarter of the memory available now, which grows only as memory is freed).

    Examples
    --------
    >>> try:
    ...     check_memory(2**40, "a big array", "1GiB", "use a smaller one")
    ... except MemoryLimitError as err:
    ...     print(err)
    a big array needs about 1.0 TiB, more than max_memory=1.0 GiB allows; use a smaller one (or max_memory='1.00TiB' or more)
    """
    limit = memory_limit(max_memory)
    if nbytes > limit:
        if option is None:
            allowed = f"the {format_bytes(limit)} limit"
            raising = (
                "the limit is a quarter of the memory available now: "
                f"{format_limit(as_float(nbytes) / SAFE_FRACTION)} would have to be free"
            )
        else:
            allowed = f"{option}={format_bytes(limit)}"
            raising = f"or {option}={format_limit(nbytes)!r} or more"
        raise MemoryLimitError(
            f"{what} needs about {format_bytes(nbytes)}{detail}, more than {allowed} allows; {way_out} ({raising})",
            needed=as_float(nbytes),
            limit=float(limit),
        )


def format_limit(nbytes: float) -> str:
    """The smallest size string of three digits that :func:`parse_memory` reads as at least ``nbytes``,
    as ``max_memory`` takes it.

    Examples
    --------
    >>> format_limit(1.04 * 2**30), format_limit(1000), format_limit(3 * 2**30 + 1)
    ('1.05GiB', '1000B', '3.01GiB')
    >>> parse_memory(format_limit(123456789)) >= 123456789
    True
    """
    value = as_float(nbytes)
    if not math.isfinite(value):
        return "inf"
    nbytes = math.ceil(value)
    if nbytes < 1024:
        return f"{max(nbytes, 1)}B"
    for unit, size in (("KiB", 2**10), ("MiB", 2**20), ("GiB", 2**30), ("TiB", 2**40), ("PiB", 2**50)):
        if nbytes < 1000 * size or unit == "PiB":
            digits = max(0, 2 - int(math.log10(nbytes / size)))
            limit = math.ceil(nbytes / size * 10**digits) / 10**digits
            while parse_memory(f"{limit:.{digits}f}{unit}") < nbytes:  # rounding of the float product
                limit += 10**-digits
            return f"{limit:.{digits}f}{unit}"
    return "inf"  # pragma: no cover


# ------------------------------------------------------------------------------------------- numbers
def as_float(value: Any) -> float:
    """``float(value)``, with +-inf for an integer too large for a float (``float(10**400)`` raises).

    Examples
    --------
    >>> as_float(3), as_float(10**400), as_float(-(10**400))
    (3.0, inf, -inf)
    """
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def check_int(value: Any, name: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """An integer (Python or numpy, not bool) within ``[minimum, maximum]``.

    Examples
    --------
    >>> check_int(np.int64(4), "n", minimum=1)
    4
    >>> try:
    ...     check_int(1.5, "n", minimum=1)
    ... except InvalidParameterError as err:
    ...     print(err)
    n must be an integer >= 1; got 1.5
    """
    bounds = []
    if minimum is not None:
        bounds.append(f">= {minimum}")
    if maximum is not None:
        bounds.append(f"<= {maximum}")
    allowed = "an integer" + (" " + " and ".join(bounds) if bounds else "")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        raise InvalidParameterError(f"{name} must be {allowed}; got {value!r}")
    out = int(value)
    if (minimum is not None and out < minimum) or (maximum is not None and out > maximum):
        raise InvalidParameterError(f"{name} must be {allowed}; got {value!r}")
    return out


def _is_real(value: Any) -> bool:
    """A real number, Python or numpy (not a bool, not complex, not a string)."""
    return isinstance(value, (numbers.Real, np.floating, np.integer)) and not isinstance(value, (bool, np.bool_))


def _real_in(value: Any, name: str, inside: Callable[[float], bool], allowed: str) -> float:
    """``value`` as a float if it is a real number for which ``inside`` holds, else the named error."""
    if not (_is_real(value) and inside(as_float(value))):
        raise InvalidParameterError(f"{name} must be {allowed}; got {value!r}")
    return as_float(value)


def check_real(value: Any, name: str) -> float:
    """A finite real number (not bool, not complex, not a string).

    Examples
    --------
    >>> check_real(0.5, "h")
    0.5
    """
    return _real_in(value, name, math.isfinite, "a finite real number")


def check_nonnegative(value: Any, name: str) -> float:
    """A finite real number >= 0.

    Examples
    --------
    >>> check_nonnegative(0, "scale")
    0.0
    """
    return _real_in(value, name, lambda x: math.isfinite(x) and x >= 0, "a finite number >= 0")


def check_positive(value: Any, name: str) -> float:
    """A finite real number > 0.

    Examples
    --------
    >>> check_positive(2**30, "learning_rate")
    1073741824.0
    """
    return _real_in(value, name, lambda x: math.isfinite(x) and x > 0, "a finite number > 0")


def check_fraction(value: Any, name: str) -> float:
    """A number in ``(0, 1]``.

    Examples
    --------
    >>> check_fraction(0.25, "density")
    0.25
    """
    return _real_in(value, name, lambda x: 0.0 < x <= 1.0, "a number in (0, 1]")


def check_bool(value: Any, name: str) -> bool:
    """A bool (Python or numpy).

    Examples
    --------
    >>> check_bool(np.True_, "periodic")
    True
    """
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidParameterError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def check_choice(value: Any, name: str, choices: Iterable[Any]) -> Any:
    """One of ``choices``.

    Examples
    --------
    >>> check_choice("spin", "hidden", ("spin", "binary"))
    'spin'
    """
    options = tuple(choices)
    try:  # compare with == one option at a time: arrays, sparse matrices and odd objects never match
        ok = any(isinstance(value, type(o)) and bool(value == o) for o in options)
    except Exception:  # noqa: BLE001 - an object whose == raises or is not a truth value is no option
        ok = False
    if not ok:
        raise InvalidParameterError(f"{name} must be one of {options}; got {value!r}")
    return value


def check_seed(seed: Any) -> None:
    """``seed`` must be None, a non-negative int or a numpy Generator."""
    if seed is None or isinstance(seed, np.random.Generator):
        return
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (numbers.Integral, np.integer)) or seed < 0:
        raise InvalidParameterError(f"seed must be None, an int >= 0 or a numpy Generator; got {seed!r}")


def rng_from_seed(seed: Any) -> np.random.Generator:
    """A numpy Generator from ``seed`` (None, an int >= 0, or a Generator, returned as is).

    Examples
    --------
    >>> bool(rng_from_seed(0).integers(10) == rng_from_seed(0).integers(10))
    True
    """
    check_seed(seed)
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(None if seed is None else int(seed))


# ------------------------------------------------------------------------------------------- regions
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxset = _SHORT.maxfrozenset = _SHORT.maxdict = 8


def short_repr(value: Any) -> str:
    """``repr(value)`` shortened for an error message (long lists, strings and arrays cut with ``...``).

    Examples
    --------
    >>> short_repr(list(range(100)))
    '[0, 1, 2, 3, 4, 5, 6, 7, ...]'
    """
    if isinstance(value, np.ndarray):
        with np.printoptions(threshold=8, edgeitems=3):
            text = repr(value)
        return text if len(text) <= 120 else text[:117] + "..."
    try:
        return _SHORT.repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real error
        return f"<{type(value).__name__} object>"


def _region_forms(n: int, what: str) -> str:
    return (
        f"a list, tuple, range, set or integer numpy array of distinct {what} indices in [0, {n}), "
        f"or a string of them such as '0:16', '0,3,5' or '0:8,32:40' (tnrbm.specs.parse_region)"
    )


#: what a region string may be: comma-separated indices and half-open ranges of ASCII digits
REGION_SYNTAX = (
    "indices and half-open ranges of the ASCII digits 0-9, like '0:16', '0,3,5', '0:8,32:40', ':8' or '56:' "
    "('' is the empty region; indices count from 0: no negative indices, no steps, no empty items)"
)
_REGION_ITEM = re.compile(r"\s*(?:(?P<index>[0-9]+)|(?P<lo>[0-9]*)\s*:\s*(?P<hi>[0-9]*))\s*", re.ASCII)


def _non_ascii_digit(text: str) -> str | None:
    """The first digit of ``text`` that is not an ASCII 0-9, described (``'٣' (U+0663 ARABIC-INDIC DIGIT THREE)``)."""
    for char in text:
        if not char.isascii() and (char.isdigit() or char.isnumeric()):
            return f"{char!r} (U+{ord(char):04X} {unicodedata.name(char, 'a non-ASCII digit')})"
    return None


def _region_text_error(text: str, n: int, name: str, what: str, problem: str) -> InvalidRegionError:
    return InvalidRegionError(
        f"{name} {short_repr(text)} {problem}; there are {n} {what} units (indices 0..{n - 1}); "
        f"a {name} string is {REGION_SYNTAX}"
    )


def _region_text_part(part: str, text: str, n: int, name: str, what: str) -> range:
    """The indices of one comma-separated item of a region string, checked before a range is expanded."""
    match = _REGION_ITEM.fullmatch(part)
    if match is None:
        digit = _non_ascii_digit(part)
        if digit is not None:
            problem = f"uses the digit {digit}; only the ASCII digits 0-9 are read"
        elif "-" in part:
            problem = f"has {part.strip()!r}: indices count from 0, Python's negative indices are not used"
        elif part.count(":") > 1:
            problem = f"has {part.strip()!r}: a range is start:stop, without a step"
        elif not part.strip():
            problem = "has an empty item (two commas, or a comma at either end)"
        else:
            problem = f"has the item {part.strip()!r}"
        raise _region_text_error(text, n, name, what, problem)
    if match["index"] is not None:
        index = int(match["index"])
        if index >= n:
            raise _region_text_error(text, n, name, what, f"has the index {index}, past the last {what} unit")
        return range(index, index + 1)
    start = int(match["lo"]) if match["lo"] else 0
    stop = int(match["hi"]) if match["hi"] else n
    shown = part.strip()
    if stop <= start:
        raise _region_text_error(text, n, name, what, f"has the empty range {shown!r} (stop {stop} <= start {start})")
    if stop > n:
        raise _region_text_error(
            text,
            n,
            name,
            what,
            f"has the range {shown!r}, which reaches index {stop - 1} (start and stop lie in [0, {n}])",
        )
    return range(start, stop)


def parse_region_text(text: str, n: int, name: str = "region", what: str = "visible") -> tuple[int, ...]:
    """The sorted indices of a region written as text: the one region syntax of tnrbm (Python and command line).

    Comma-separated indices and half-open ranges (``0:16`` is 0..15; ``:8`` and ``56:`` run from the start
    and to the end, ``:`` is every unit), written with the ASCII digits 0-9; spaces around items are
    ignored. The empty string (or only spaces) is the empty region. Refused with
    :class:`~tnrbm.errors.InvalidRegionError` naming ``name``, the text and this syntax: other digits
    (``'٣'``, ``'８'``: Python's ``int`` reads them, tnrbm does not), negative indices (indices count from
    0; Python's counting from the end is not used), steps (``0:8:2``), empty items (``'0,,3'``,
    ``'0,'``), empty ranges (``'4:4'``), indices or ranges past ``n - 1``, repeated indices (also
    overlapping ranges). Ranges are checked before they are expanded.

    Examples
    --------
    >>> parse_region_text("0:3, 7", 10)
    (0, 1, 2, 7)
    >>> parse_region_text("", 10), parse_region_text("8:", 10)
    ((), (8, 9))
    >>> try:
    ...     parse_region_text("-1", 10)
    ... except InvalidRegionError as err:
    ...     print(str(err)[:61])
    region '-1' has '-1': indices count from 0, Python's negative
    """
    if not isinstance(text, str):
        raise InvalidRegionError(f"{name} must be a string of {REGION_SYNTAX}; got {short_repr(text)}")
    if not text.strip(" \t\n\r\f\v"):  # ASCII blanks only, as around the items
        return ()
    out: list[int] = []
    for part in text.split(","):
        out.extend(_region_text_part(part, text, n, name, what))
    if len(set(out)) != len(out):
        dup = sorted(x for x, c in Counter(out).items() if c > 1)
        raise _region_text_error(text, n, name, what, f"repeats the indices {short_repr(dup)}; give each index once")
    return tuple(sorted(out))


def _region_items(region: Any, n: int, name: str, what: str) -> list:
    """The items of ``region`` (at most ``n + 1`` of them, so an endless iterator stops), or the named error."""
    scalar_array = isinstance(region, np.ndarray) and region.ndim == 0  # a number, like 2 itself
    kind = None
    if isinstance(region, Mapping):
        kind = "a dict (it would be read as its keys; pass list(region) for the keys)"
    elif isinstance(region, (bytes, bytearray)):
        kind = "bytes (decode them to a str such as '0:16')"
    elif scalar_array or not isinstance(region, (Iterable, np.ndarray)):
        kind = f"a single {type(region).__name__}, not a collection"
    if kind is not None:
        raise InvalidRegionError(f"{name} must be {_region_forms(n, what)}; got {kind}: {short_repr(region)}")
    if isinstance(region, np.ndarray):
        if region.dtype.kind not in "iuO":
            raise InvalidRegionError(
                f"{name} must be {_region_forms(n, what)}; got an array of dtype {region.dtype}: {short_repr(region)}"
            )
        return list(region.reshape(-1)[: n + 1])
    try:
        return list(itertools.islice(region, min(n, sys.maxsize - 1) + 1))
    except TypeError as err:
        raise InvalidRegionError(f"{name} must be {_region_forms(n, what)}; iterating it failed: {err}") from None


def check_region(
    region: Any, n: int, name: str = "region", what: str = "visible", allow_empty: bool = False
) -> tuple[int, ...]:
    """A boundary region: a collection of distinct indices in ``[0, n)``, returned sorted.

    Accepted: a list, tuple, range, set, iterator or integer numpy array of Python or numpy integers, or
    a string in the one region syntax of tnrbm, the command line's (:func:`parse_region_text`: ``'0:16'``,
    ``'0,3,5'``, ``'0:8,32:40'``). Refused with :class:`~tnrbm.errors.InvalidRegionError` naming
    ``name``, the value and these forms: a dict (it is not read as its keys), bytes, a single number,
    bools, floats (also ``2.0``), repeated or out-of-range indices (negative ones too: indices count from
    0), more than ``n`` items (so an endless iterator stops after ``n + 1``), and the empty region
    unless ``allow_empty`` (legal where a quantity is defined for it: the entropy of a pure state is 0).

    Examples
    --------
    >>> check_region(range(2), 4), check_region("0:2", 4), check_region("", 4, allow_empty=True)
    ((0, 1), (0, 1), ())
    >>> try:
    ...     check_region({0: "a", 1: "b"}, 4)
    ... except InvalidRegionError as err:
    ...     print(str(err)[:40])
    region must be a list, tuple, range, set
    """
    if isinstance(region, str):
        out = list(parse_region_text(region, n, name, what))
    else:
        out = _region_indices(_region_items(region, n, name, what), region, n, name, what)
    if not out and not check_bool(allow_empty, "allow_empty"):
        raise InvalidRegionError(
            f"{name} must hold at least one {what} index here; got an empty region {short_repr(region)}"
        )
    return tuple(sorted(out))


def _region_indices(items: list, region: Any, n: int, name: str, what: str) -> list[int]:
    """``items`` as distinct ints in ``[0, n)``, or the named error."""
    out = []
    for x in items:
        if isinstance(x, (bool, np.bool_)) or not isinstance(x, (numbers.Integral, np.integer)):
            raise InvalidRegionError(
                f"{name} must hold integer {what} indices in [0, {n}) (Python or numpy ints, not {type(x).__name__}); "
                f"got {short_repr(x)} in {short_repr(region)}"
            )
        if not 0 <= int(x) < n:
            raise InvalidRegionError(
                f"{name} indices must lie in [0, {n}) (the {what} units, counted from 0; negative Python-style "
                f"indices are not used); got {int(x)}"
            )
        out.append(int(x))
    if len(set(out)) != len(out):
        dup = sorted(x for x, c in Counter(out).items() if c > 1)
        raise InvalidRegionError(f"{name} must not repeat indices; got {dup} more than once")
    return out


def check_disjoint(regions: dict[str, Any], n: int) -> dict[str, tuple[int, ...]]:
    """Several regions, each checked by :func:`check_region` (named ``region_a``, ...), pairwise disjoint.

    Examples
    --------
    >>> check_disjoint({"A": [0], "B": [2, 1]}, 4)
    {'A': (0,), 'B': (1, 2)}
    """
    out = {k: check_region(v, n, name=f"region_{k.lower()}") for k, v in regions.items()}
    keys = list(out)
    for x in range(len(keys)):
        for y in range(x + 1, len(keys)):
            common = sorted(set(out[keys[x]]) & set(out[keys[y]]))
            if common:
                raise InvalidRegionError(
                    f"region_{keys[x].lower()} and region_{keys[y].lower()} must be disjoint; both hold {common[:8]}"
                )
    return out


# ------------------------------------------------------------------------------------------- entropies
def check_base(base: Any) -> float | None:
    """``base`` must be None (nats) or a finite real number > 1; returned as float (or None).

    Examples
    --------
    >>> check_base(2)
    2.0
    >>> try:
    ...     check_base(1)
    ... except InvalidParameterError as err:
    ...     print(str(err)[:42])
    base must be None (nats) or a finite numbe
    """
    if base is None:
        return None
    ok = _is_real(base)
    if not ok or not as_float(base) > 1 or math.isinf(as_float(base)):
        raise InvalidParameterError(f"base must be None (nats) or a finite number > 1 (2 for bits); got {base!r}")
    return float(base)


def check_renyi(renyi: Any) -> tuple[float, ...]:
    """Renyi orders: a number or a collection of numbers ``alpha >= 0``, ``alpha != 1`` (``inf`` allowed).

    Integers stay integers, so ``result.renyi[2]`` is keyed the way it was asked. Strings are refused
    (``"2"`` would be a different dictionary key from the number 2).

    Examples
    --------
    >>> check_renyi(2), check_renyi([0.5, float("inf")])
    ((2,), (0.5, inf))
    """
    if renyi is None:
        return ()
    if isinstance(renyi, np.ndarray) and renyi.ndim == 0:
        renyi = renyi.item()
    if isinstance(renyi, (str, bytes)) or np.isscalar(renyi):
        renyi = (renyi,)
    if not isinstance(renyi, (Sequence, np.ndarray, set, frozenset, tuple)):
        raise InvalidParameterError(f"renyi must be a number or a collection of numbers alpha >= 0; got {renyi!r}")
    out: list[float] = []
    for a in renyi:
        if isinstance(a, (str, bytes)):
            raise InvalidParameterError(
                f"renyi must hold numbers, not strings; got {a!r} (write 2 or float('inf'), not '2' or 'inf')"
            )
        if not _is_real(a):
            raise InvalidParameterError(f"renyi must hold orders alpha >= 0 (or inf); got {a!r}")
        x = as_float(a)
        if not x >= 0 or x == 1.0:
            raise InvalidParameterError(
                f"renyi must hold orders alpha >= 0, alpha != 1 (the von Neumann entropy is always given); got {a!r}"
            )
        out.append(int(a) if isinstance(a, (numbers.Integral, np.integer)) else x)
    return tuple(out)


# ------------------------------------------------------------------------------------------- files
#: the name of a temporary file :func:`write_atomically` writes next to its target:
#: ``.<target name>.tnrbm-<host>-<pid>-<8 hex digits>.tmp``
TEMP_FILE_PATTERN = re.compile(r"^\.(?P<name>.*)\.tnrbm-(?P<host>[A-Za-z0-9.-]*)-(?P<pid>[0-9]+)-[0-9a-f]{8}\.tmp$")
_ALLOWED_OUTPUT = "a regular file (it is replaced) or a new name in an existing folder; a symbolic link is followed"


def check_path(path: Any, name: str = "path", action: str = "use") -> str:
    """``path`` (a str, bytes or os.PathLike) as a str, or InvalidParameterError naming it.

    Examples
    --------
    >>> check_path(b"model.npz")
    'model.npz'
    >>> try:
    ...     check_path(3, action="save to")
    ... except InvalidParameterError as err:
    ...     print(err)
    path must be a non-empty file name (a str or os.PathLike) to save to; got 3 (int)
    """
    if isinstance(path, (str, bytes, os.PathLike)):
        try:
            text = os.fsdecode(os.fspath(path))
        except (TypeError, ValueError, UnicodeError):
            text = None
        if isinstance(text, str) and text and "\0" not in text:
            return text
    raise InvalidParameterError(
        f"{name} must be a non-empty file name (a str or os.PathLike) to {action}; got {path!r} ({type(path).__name__})"
    )


def file_kind(mode: int) -> str:
    """What an ``os.stat`` mode is, in words ("regular file", "directory", "character device", ...).

    Examples
    --------
    >>> import stat
    >>> file_kind(stat.S_IFIFO | 0o644), file_kind(stat.S_IFREG | 0o644)
    ('fifo', 'regular file')
    """
    for test, kind in (
        (stat.S_ISREG, "regular file"),
        (stat.S_ISDIR, "directory"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISFIFO, "fifo"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISLNK, "symbolic link"),
    ):
        if test(mode):
            return kind
    return "special file"


def _shown(text: str, real: str) -> str:
    return repr(text) if os.path.abspath(text) == real else f"{text!r} (which leads to {real!r})"


def check_output_path(path: Any, name: str = "path", action: str = "write") -> str:
    """The file that writing ``path`` creates or replaces, with every symbolic link followed.

    Allowed: a regular file (it will be replaced) or a name that does not exist yet, in a folder that
    exists. A symbolic link is followed to its target, which must be such a file (a dangling link makes
    its target). Refused with :class:`~tnrbm.errors.InvalidPathError` naming the path and its kind: a
    directory, a character or block device, a fifo, a socket, a link loop, a missing folder. Nothing is
    opened, so a fifo never blocks.

    Examples
    --------
    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> check_output_path(os.path.join(folder, "x.npz")) == os.path.join(os.path.realpath(folder), "x.npz")
    True
    >>> try:
    ...     check_output_path(folder, action="save to")
    ... except InvalidPathError as err:
    ...     print(str(err).split(": ")[1].split(";")[0])
    it is a directory
    """
    text = check_path(path, name, action)
    real = os.path.realpath(text)
    if text.endswith(("/", os.sep)) or text.endswith((os.sep + ".", os.sep + "..")) or text in (".", ".."):
        raise InvalidPathError(f"cannot {action} {text!r}: it names a directory; allowed: {_ALLOWED_OUTPUT}")
    try:
        mode = os.lstat(real).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as err:
        raise InvalidPathError(f"cannot {action} {_shown(text, real)}: {err.strerror or err}") from None
    if mode is not None and not stat.S_ISREG(mode):
        kind = "symbolic link that does not resolve (a loop)" if stat.S_ISLNK(mode) else file_kind(mode)
        raise InvalidPathError(f"cannot {action} {_shown(text, real)}: it is a {kind}; allowed: {_ALLOWED_OUTPUT}")
    folder = os.path.dirname(real)
    if not os.path.isdir(folder):
        raise InvalidPathError(f"cannot {action} {_shown(text, real)}: the folder {folder!r} does not exist")
    return real


def _pid_is_dead(pid: int) -> bool:
    """Whether no process ``pid`` runs here (never on Windows, where os.kill would end the process)."""
    if os.name == "nt" or pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # PermissionError: it runs, as another user
        return False
    return False


def _host_tag() -> str:
    return re.sub(r"[^A-Za-z0-9.-]", "", socket.gethostname())[:40]


def sweep_temp_files(folder: str) -> int:
    """Delete the temporary files that killed writers left in ``folder``; return how many.

    A file is removed only if its name matches :data:`TEMP_FILE_PATTERN`, it was written on this host
    and its writer's process id runs no more. A reused process id keeps a leftover until that process
    ends; a folder shared between hosts is safe because the host is in the name.

    Examples
    --------
    >>> import tempfile
    >>> sweep_temp_files(tempfile.mkdtemp())
    0
    """
    host, removed = _host_tag(), 0
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    for entry in names:
        match = TEMP_FILE_PATTERN.match(entry)
        if match is None or match["host"] != host or not _pid_is_dead(int(match["pid"])):
            continue
        try:
            os.unlink(os.path.join(folder, entry))
            removed += 1
        except OSError:
            pass
    return removed


def _create_temp(real: str) -> tuple[int, str]:
    """A new temporary file next to ``real``, opened for writing (never through a link)."""
    folder, base = os.path.split(real)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    while True:
        tmp = os.path.join(folder, f".{base[:120]}.tnrbm-{_host_tag()}-{os.getpid()}-{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp  # the umask applies: the mode of an ordinary new file
        except FileExistsError:  # pragma: no cover - 32 random bits collided
            continue


def write_atomically(path: Any, write: Callable[[Any], None], name: str = "path", action: str = "write") -> str:
    """Write a file through ``write(binary file object)``: all of it appears at ``path``, or nothing changes.

    The path is checked by :func:`check_output_path` (a symbolic link is followed; directories, devices,
    fifos and sockets are refused before anything is opened). The data go to a temporary file in the
    same folder (``.<name>.tnrbm-<host>-<pid>-<hex>.tmp``), are flushed to disk, and the temporary file
    then replaces the target with ``os.replace`` (atomic). The target is checked again with ``os.lstat``
    just before the replace. A failure or an exception removes the temporary file; files left by a
    writer killed outright (SIGKILL, power loss) are removed by the next write into the same folder
    (:func:`sweep_temp_files`). Returns the path written (links followed).

    Examples
    --------
    >>> import os, pathlib, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "note.txt")
    >>> _ = write_atomically(path, lambda fh: fh.write(b"hello"))
    >>> pathlib.Path(path).read_text(), os.listdir(os.path.dirname(path))  # read_text closes the file
    ('hello', ['note.txt'])
    """
    real = check_output_path(path, name, action)
    shown = _shown(check_path(path, name, action), real)
    sweep_temp_files(os.path.dirname(real))
    tmp = None
    try:
        fd, tmp = _create_temp(real)
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            mode = os.lstat(real).st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and not stat.S_ISREG(mode):
            raise InvalidPathError(
                f"cannot {action} {shown}: it became a {file_kind(mode)} during the write; nothing was written"
            )
        os.replace(tmp, real)
        tmp = None
    except OSError as err:
        raise FileFormatError(f"cannot {action} {shown}: {err.strerror or err}") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return real


def open_regular_file(path: Any, name: str = "path", action: str = "read") -> BinaryIO:
    """``path`` opened for binary reading, or :class:`~tnrbm.errors.FileFormatError` if it is not a file.

    A symbolic link is followed. A directory, device, fifo or socket is refused with
    :class:`~tnrbm.errors.InvalidPathError` naming its kind; the file is opened non-blocking and checked
    again on the open descriptor (``fstat``), so a fifo swapped in after the first check never blocks.

    Examples
    --------
    >>> import tempfile
    >>> try:
    ...     open_regular_file(tempfile.mkdtemp(), action="load")
    ... except InvalidPathError as err:
    ...     print(str(err).split(": ", 1)[1])
    not a file (it is a directory; allowed: a regular file, or a symbolic link to one)
    """
    text = check_path(path, name, action)

    def refuse(mode: int) -> InvalidPathError:
        return InvalidPathError(
            f"cannot {action} {text!r}: not a file (it is a {file_kind(mode)}; "
            "allowed: a regular file, or a symbolic link to one)"
        )

    try:
        mode = os.stat(text).st_mode
    except FileNotFoundError:
        raise FileFormatError(f"cannot {action} {text!r}: no such file") from None
    except OSError as err:
        raise FileFormatError(f"cannot {action} {text!r}: cannot be read ({err.strerror or err})") from None
    if not stat.S_ISREG(mode):
        raise refuse(mode)
    try:
        fd = os.open(text, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        raise FileFormatError(f"cannot {action} {text!r}: cannot be read ({err.strerror or err})") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise refuse(mode)
    return os.fdopen(fd, "rb")
