"""One registry of named plug-ins, in the manner of opt_einsum's path functions.

Every kind of plug-in tnrbm has -- entanglement methods, min-cut flows, tensor-network forms, path
finders, array backends, Hamiltonians, model specs -- is a :class:`Registry`: ``register(name, obj)``
refuses a name that is taken (unless ``replace=True``), ``unregister(name)`` removes one, ``get(name)``
returns one or raises an :class:`~tnrbm.errors.InvalidParameterError` that names the registry and lists
every valid name, ``names()`` lists them. A registry is also a mapping (``name in REG``, ``REG[name]``,
iteration in registration order, ``len``, ``items()``, ``del REG[name]``, ``REG[name] = obj``), so the
dicts it replaces keep working.

A registry with an entry-point ``group`` (``"tnrbm.methods"``, ``"tnrbm.models"``) also loads the plug-ins
of installed packages, once, on its first lookup or listing (never at ``import tnrbm``). Each entry point
``name = "package.module:object"`` is loaded and:

- if it is a module (``name = "package.module"``), importing it is the registration (it calls
  ``register_method`` and friends itself);
- otherwise the object is registered under the entry point's name.

A plug-in that fails to load, or whose name is taken, is skipped with a :class:`RuntimeWarning` naming it.

Examples
--------
>>> reg = Registry("colour", {"red": 1})
>>> reg.register("blue", 2)
>>> reg.names(), reg["blue"], "green" in reg, len(reg)
(('blue', 'red'), 2, False, 2)
>>> try:
...     reg.register("red", 3)
... except InvalidParameterError as err:
...     print(err)
colour 'red' is already registered; pass replace=True to replace it
>>> try:
...     reg.get("green")
... except InvalidParameterError as err:
...     print(err)
colour must be one of 'blue', 'red'; got 'green'
>>> reg.unregister("blue")
2
"""

from __future__ import annotations

import types
import warnings
from collections.abc import Callable, Iterator, MutableMapping
from importlib.metadata import entry_points
from typing import Any, TypeVar

from .errors import InvalidParameterError

__all__ = ["Registry", "UnknownNameError", "check_callable"]

T = TypeVar("T")

_MISSING: Any = object()


class UnknownNameError(InvalidParameterError, KeyError):
    """A name that is not registered: an :class:`~tnrbm.errors.InvalidParameterError` (the message lists the
    valid names) that is also a ``KeyError``, as the dicts the registries replace raised."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


def check_callable(what: str) -> Callable[[str, Any], None]:
    """A registry check: the object must be callable (``what`` names it in the error).

    Examples
    --------
    >>> check_callable("solve")("x", print) is None
    True
    """

    def check(name: str, obj: Any) -> None:
        if not callable(obj):
            raise InvalidParameterError(f"{what} must be callable; got {obj!r}")

    return check


class Registry(MutableMapping[str, T]):
    """Named plug-ins of one kind: register, unregister, get, names; a mapping of name -> object.

    Parameters
    ----------
    kind
        What an entry is, for error messages (``"method"``, ``"flow"``, ``"model"``).
    entries
        The built-in entries, in order.
    group
        The entry-point group whose plug-ins are loaded on first use (None: none).
    check
        ``check(name, obj)`` raises :class:`~tnrbm.errors.InvalidParameterError` for a bad entry.
    """

    def __init__(
        self,
        kind: str,
        entries: dict[str, T] | None = None,
        *,
        group: str | None = None,
        check: Callable[[str, Any], None] | None = None,
    ) -> None:
        self.kind = kind
        self.group = group
        self._check = check
        self._entries: dict[str, T] = {}
        self._discovered = group is None
        for name, obj in (entries or {}).items():
            self.register(name, obj)

    # ------------------------------------------------------------------ the four verbs
    def register(self, name: str, obj: T, *, replace: bool = False) -> None:
        """Add ``obj`` under ``name``; a taken name is refused unless ``replace=True``."""
        if not isinstance(name, str) or not name:
            raise InvalidParameterError(f"{self.kind} name must be a non-empty string; got {name!r}")
        if self._check is not None:
            self._check(name, obj)
        if name in self._entries and not replace:
            raise InvalidParameterError(f"{self.kind} {name!r} is already registered; pass replace=True to replace it")
        self._entries[name] = obj

    def unregister(self, name: str) -> T:
        """Remove ``name`` and return what was registered under it."""
        self._unknown(name)
        return self._entries.pop(name)

    def get(self, name: str, default: Any = _MISSING) -> Any:  # type: ignore[override]
        """The entry called ``name``; unknown: ``default`` if given, else an error listing the valid names."""
        self._discover()
        if isinstance(name, str) and name in self._entries:
            return self._entries[name]
        if default is not _MISSING:
            return default
        self._unknown(name)
        return None  # pragma: no cover - _unknown raised

    def names(self) -> tuple[str, ...]:
        """The registered names, sorted."""
        self._discover()
        return tuple(sorted(self._entries))

    # ------------------------------------------------------------------ the mapping
    def __getitem__(self, name: str) -> T:
        return self.get(name)

    def __setitem__(self, name: str, obj: T) -> None:
        self.register(name, obj, replace=True)

    def __delitem__(self, name: str) -> None:
        self.unregister(name)

    def __contains__(self, name: object) -> bool:
        self._discover()
        return isinstance(name, str) and name in self._entries

    def __iter__(self) -> Iterator[str]:
        self._discover()
        return iter(list(self._entries))

    def __len__(self) -> int:
        self._discover()
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, names={list(self._entries)!r})"

    # ------------------------------------------------------------------ helpers
    def _unknown(self, name: Any) -> None:
        """Raise the error of an unknown ``name`` (nothing when it is registered)."""
        self._discover()
        if isinstance(name, str) and name in self._entries:
            return
        choices = ", ".join(repr(k) for k in sorted(self._entries))
        raise UnknownNameError(f"{self.kind} must be one of {choices}; got {name!r}")

    def _discover(self) -> None:
        """Load the plug-ins of the entry-point group, once."""
        if self._discovered or self.group is None:
            return
        self._discovered = True  # before loading: a plug-in that looks names up does not recurse
        for ep in entry_points(group=self.group):
            try:
                obj = ep.load()
                if not isinstance(obj, types.ModuleType):
                    self.register(ep.name, obj)
            except Exception as err:  # noqa: BLE001 - a broken plug-in must not break tnrbm
                warnings.warn(
                    f"tnrbm skipped the plug-in {ep.name!r} = {ep.value!r} of the entry-point group "
                    f"{self.group!r}: {type(err).__name__}: {err}",
                    RuntimeWarning,
                    stacklevel=3,
                )
