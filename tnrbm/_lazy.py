"""Modules imported on first use, so that ``import tnrbm`` and ``tnrbm --help`` stay fast.

``qtn = lazy_module("quimb.tensor")`` at the top of a module binds a module object whose real import
happens when one of its attributes is first read (the standard library's ``importlib.util.LazyLoader``).
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from types import ModuleType

from .errors import MissingDependencyError

__all__ = ["lazy_module"]


_SPECS: dict[str, importlib.machinery.ModuleSpec] = {}


def _find_spec(name: str) -> importlib.machinery.ModuleSpec:
    """The spec of ``name``, found without importing its parent packages."""
    if name in _SPECS:
        return _SPECS[name]
    parent = name.rpartition(".")[0]
    if parent:
        spec = importlib.machinery.PathFinder.find_spec(name, _find_spec(parent).submodule_search_locations)
    else:
        spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:  # pragma: no cover - a missing dependency
        raise MissingDependencyError(f"No module named {name!r}")
    _SPECS[name] = spec
    return spec


def lazy_module(name: str) -> ModuleType:
    """The module ``name``, loaded when first used (at once if it is already imported).

    Examples
    --------
    >>> json = lazy_module("json")
    >>> json.dumps([1])
    '[1]'
    """
    if name in sys.modules:
        return sys.modules[name]
    parent = name.rpartition(".")[0]
    if parent:
        lazy_module(parent)
    spec = _find_spec(name)
    assert spec.loader is not None  # _find_spec refuses specs without a loader
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
