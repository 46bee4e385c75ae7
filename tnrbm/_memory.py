"""Memory estimates and the guard every dense vector and big contraction passes through."""

from __future__ import annotations

import os

from .errors import InvalidParameterError, MemoryLimitError

__all__ = ["available_memory", "default_max_memory", "check_memory", "format_bytes"]

#: fraction of the available memory a single array may take by default
SAFE_FRACTION = 0.25


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
    """The default limit for one array: a safe fraction of the memory available now."""
    return int(SAFE_FRACTION * available_memory())


def format_bytes(nbytes: float) -> str:
    """Human-readable size, e.g. ``format_bytes(3 * 2**30) == '3.0 GiB'``."""
    value = float(nbytes)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if abs(value) < 1024 or unit == "EiB":
            return f"{value:.1f} {unit}" if unit != "B" else f"{int(value)} B"
        value /= 1024
    return f"{value:.1f} EiB"  # pragma: no cover


def _check_max_memory(max_memory: object) -> float:
    """``max_memory`` as a number of bytes >= 0, or :class:`InvalidParameterError`."""
    try:
        limit = float(max_memory)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        limit = float("nan")
    if isinstance(max_memory, bool) or not limit >= 0:
        raise InvalidParameterError(f"max_memory must be None or a number of bytes >= 0; got {max_memory!r}")
    return limit


def check_memory(nbytes: float, what: str, max_memory: float | None, way_out: str) -> None:
    """Refuse with :class:`MemoryLimitError` when ``nbytes`` exceeds ``max_memory``.

    Parameters
    ----------
    nbytes
        The estimated size of the largest array.
    what
        What would be allocated, for the message.
    max_memory
        The limit in bytes; ``None`` means :func:`default_max_memory`.
    way_out
        What the user can do instead, for the message.
    """
    limit = default_max_memory() if max_memory is None else _check_max_memory(max_memory)
    if nbytes > limit:
        raise MemoryLimitError(
            f"{what} needs about {format_bytes(nbytes)}, more than max_memory={format_bytes(limit)} allows; {way_out}"
        )
