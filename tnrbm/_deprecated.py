"""Old module paths of the flat layout, kept working: each name resolves to its new home, with a warning."""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from typing import Any

__all__ = ["forward"]


def forward(
    old: str, moved: dict[str, str], stacklevel: int = 2
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for a deprecated module ``old`` whose names moved.

    ``moved`` maps each old name to ``"new.module"`` or ``"new.module:new_name"``. Reading a name warns
    once per call site with a :class:`DeprecationWarning` that names the new place (``stacklevel``: 3 when
    the returned ``__getattr__`` is called from the module's own ``__getattr__``).

    Examples
    --------
    >>> getattr_, dir_ = forward("tnrbm.old", {"dumps": "json"})
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     getattr_("dumps")([1]), "json.dumps" in str(caught[0].message)
    ('[1]', True)
    """

    def __getattr__(name: str) -> Any:  # noqa: N807 - the module protocol
        if name not in moved:
            raise AttributeError(f"module {old!r} has no attribute {name!r}")
        module, _, new_name = moved[name].partition(":")
        new_name = new_name or name
        warnings.warn(
            f"{old}.{name} moved to {module}.{new_name}; the old name will be removed in tnrbm 0.3",
            DeprecationWarning,
            stacklevel=stacklevel,
        )
        return getattr(importlib.import_module(module), new_name)

    def __dir__() -> list[str]:  # noqa: N807
        return sorted(moved)

    return __getattr__, __dir__
