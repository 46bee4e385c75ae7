"""The one deprecation mechanism of tnrbm: every old name (a module path of the flat layout, a renamed
function, a renamed attribute, a renamed keyword argument) resolves to its new home through :func:`forward`
(:func:`forward_attribute`, :func:`renamed_keywords`) and warns once per call site with a
:class:`DeprecationWarning` that names the new place and the release that removes it."""

from __future__ import annotations

import functools
import importlib
import warnings
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from .errors import InvalidParameterError

__all__ = ["forward", "forward_attribute", "renamed_keywords", "REMOVED_IN"]

F = TypeVar("F", bound=Callable[..., Any])

#: the release that removes every deprecated name
REMOVED_IN = "0.3"


def _warn(old: str, new: str, why: str | None, stacklevel: int, verb: str = "moved to", how: str | None = None) -> None:
    note = f" ({why or how})" if (why or how) else ""
    warnings.warn(
        f"{old} {verb} {new}{note}; the old name will be removed in tnrbm {REMOVED_IN}",
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


def renamed_keywords(**renames: str) -> Callable[[F], F]:
    """A decorator for a function whose keyword arguments were renamed: ``renamed_keywords(old="new")``.

    Passing ``old=value`` warns as :func:`forward` does (a :class:`DeprecationWarning` naming the function,
    the old and the new keyword and the removal release, at the caller's line) and calls the function with
    ``new=value``; passing both is an :class:`~tnrbm.errors.InvalidParameterError`. Positional calls are
    untouched. The wrapper keeps the signature and the docstring (``functools.wraps``) and lists the
    renames in its ``renamed_keywords`` attribute.

    Examples
    --------
    >>> import warnings
    >>> @renamed_keywords(H="hamiltonian")
    ... def energy(hamiltonian):
    ...     return hamiltonian
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     energy(H=-1.0), str(caught[0].message)[:54]
    (-1.0, 'the keyword H of energy is renamed hamiltonian (energy')
    """

    def wrap(func: F) -> F:
        name = func.__qualname__

        @functools.wraps(func)
        def renamed(*args: Any, **kwargs: Any) -> Any:
            for old in [k for k in renames if k in kwargs]:  # in the order of the decorator
                new = renames[old]
                if new in kwargs:
                    raise InvalidParameterError(
                        f"{name} got both {old}= and {new}=; pass only {new}= ({old} is its old name)"
                    )
                _warn(
                    f"the keyword {old} of {name}",
                    f"{new}",
                    None,
                    stacklevel=2,
                    verb="is renamed",
                    how=f"{name}({new}=...)",
                )
                kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        renamed.renamed_keywords = dict(renames)  # type: ignore[attr-defined]
        return cast(F, renamed)

    return wrap
