"""The one deprecation mechanism of tnrbm: every old name (a module path of the flat layout, a renamed
function, a renamed attribute) resolves to its new home through :func:`forward` and warns once per call
site with a :class:`DeprecationWarning` that names the new place and the release that removes it."""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["forward", "forward_attribute", "REMOVED_IN"]

#: the release that removes every deprecated name
REMOVED_IN = "0.3"


def _warn(old: str, new: str, why: str | None, stacklevel: int) -> None:
    note = f" ({why})" if why else ""
    warnings.warn(
        f"{old} moved to {new}{note}; the old name will be removed in tnrbm {REMOVED_IN}",
        DeprecationWarning,
        stacklevel=stacklevel + 1,
    )


def forward(
    old: str, moved: Mapping[str, str], why: Mapping[str, str] | None = None, stacklevel: int = 2
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for a module ``old`` whose names moved (or were renamed).

    ``moved`` maps each old name to ``"new.module"`` or ``"new.module:new_name"``; ``why`` optionally maps
    an old name to a note added to its warning. Reading a name warns once per call site with a
    :class:`DeprecationWarning` that names the new place (``stacklevel``: 3 when the returned
    ``__getattr__`` is called from the module's own ``__getattr__``). A module that keeps names of its own
    binds only the ``__getattr__`` (the ``__dir__`` lists the forwarded names alone).

    Examples
    --------
    >>> getattr_, dir_ = forward("tnrbm.old", {"dumps": "json"})
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     getattr_("dumps")([1]), "json.dumps" in str(caught[0].message)
    ('[1]', True)
    """
    notes = dict(why or {})

    def __getattr__(name: str) -> Any:  # noqa: N807 - the module protocol
        if name not in moved:
            raise AttributeError(f"module {old!r} has no attribute {name!r}")
        module, _, new_name = moved[name].partition(":")
        new_name = new_name or name
        _warn(f"{old}.{name}", f"{module}.{new_name}", notes.get(name), stacklevel=stacklevel)
        return getattr(importlib.import_module(module), new_name)

    def __dir__() -> list[str]:  # noqa: N807
        return sorted(moved)

    return __getattr__, __dir__


def forward_attribute(owner: str, old: str, new: str, why: str | None = None) -> property:
    """A read-only property ``old`` of the class ``owner`` that forwards to the attribute ``new``, warning
    as :func:`forward` does (the same message, category and removal release).

    Examples
    --------
    >>> import warnings
    >>> class Point:
    ...     x = 1.0
    ...     first = forward_attribute("Point", "first", "x")
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     Point().first, str(caught[0].message)[:28]
    (1.0, 'Point.first moved to Point.x')
    """

    def get(self: Any) -> Any:
        _warn(f"{owner}.{old}", f"{owner}.{new}", why, stacklevel=2)
        return getattr(self, new)

    get.__doc__ = f"Deprecated name of :attr:`{new}`" + (f" ({why})." if why else ".")
    return property(get)
