"""Where the units of a network sit in space: the frozen :class:`Geometry` every constructor may pass.

A geometry is a read-only mapping with a ``kind`` (``"chain"``, ``"lattice"``, ``"hierarchical"``,
``"toric"`` or any string of the user's) and further entries such as ``n``, ``shape``, ``periodic``,
``alpha``, ``radius`` or ``positions``. It is used for drawing and for choosing entanglement methods,
and saved with the network (so every value must be JSON-representable: strings, numbers, booleans,
None, tuples, lists, dicts with string keys, real numpy arrays).

Examples
--------
>>> geo = Geometry.chain(8, periodic=True, alpha=1, radius=2)
>>> geo["kind"], geo.periodic, geo["radius"]
('chain', True, 2)
>>> Geometry.from_dict({"kind": "chain", "n": 8, "periodic": True, "alpha": 1, "radius": 2}) == geo
True
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from ..errors import FileFormatError, InvalidParameterError
from ..validation import check_bool, check_int

__all__ = ["Geometry", "MAX_DEPTH", "as_geometry", "check_geometry_value", "from_json_object"]

_RESERVED = ("__tuple__", "__array__")
#: the most keys and indices that lead from a geometry to any of its values (nesting of dicts, lists, tuples)
MAX_DEPTH = 32
_INT_KEYS = {"n": 1, "alpha": 0, "radius": 0, "L": 1, "depth": 0, "branching": 1, "overlap": 0}


def check_geometry_value(value: Any, where: str = "geometry", json: bool = False) -> Any:
    """``value`` if it can be saved as JSON (numpy arrays copied read-only), else InvalidParameterError.

    With ``json=True`` the copy is JSON itself: tuples become ``{"__tuple__": [...]}`` and arrays
    ``{"__array__": [...], "dtype": ...}``, so that :func:`from_json_object` brings them back as such.
    A dict or list that contains itself (JSON cannot hold it) and a value reached by more than
    :data:`MAX_DEPTH` keys and indices are refused with the key path where it happens (never a
    ``RecursionError``).

    Examples
    --------
    >>> check_geometry_value({"shape": (2, 3)})
    {'shape': (2, 3)}
    >>> check_geometry_value({"shape": (2, 3)}, json=True)
    {'shape': {'__tuple__': [2, 3]}}
    >>> loop = {"kind": "chain"}
    >>> loop["self"] = loop
    >>> try:
    ...     check_geometry_value(loop)
    ... except InvalidParameterError as err:
    ...     print(err)
    network.geometry must not contain itself (JSON cannot hold a cycle); geometry['self'] is geometry again
    """
    return _checked(value, where, check_bool(json, "json"), (), {})


def _checked(value: Any, where: str, json: bool, path: tuple, ancestors: dict) -> Any:
    """:func:`check_geometry_value` one level down: ``ancestors`` maps the id of each container above to its path."""
    if len(path) > MAX_DEPTH:
        raise InvalidParameterError(
            f"network.geometry must not nest dicts, lists and tuples deeper than {MAX_DEPTH} levels; "
            f"got more at {where}"
        )
    if isinstance(value, (Mapping, list, tuple)):
        if id(value) in ancestors:
            raise InvalidParameterError(
                f"network.geometry must not contain itself (JSON cannot hold a cycle); {where} is "
                f"{ancestors[id(value)]} again"
            )
        ancestors = {**ancestors, id(value): where}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (np.bool_, np.integer, int)):
        return value.item() if isinstance(value, np.generic) else value
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(float(value)):
            raise InvalidParameterError(f"network.geometry must hold finite numbers; got {value!r} at {where}")
        return float(value)
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidParameterError(
                    f"network.geometry must be a dict with string keys; got the key {key!r} at {where}"
                )
            if key in _RESERVED:
                raise InvalidParameterError(f"network.geometry must not use the reserved key {key!r} at {where}")
            out[key] = _checked(item, f"{where}[{key!r}]", json, (*path, key), ancestors)
        return out
    if isinstance(value, (tuple, list)):
        items = [_checked(x, f"{where}[{k}]", json, (*path, k), ancestors) for k, x in enumerate(value)]
        if isinstance(value, list):
            return items
        return {"__tuple__": items} if json else tuple(items)
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        if value.dtype.kind == "f" and not np.all(np.isfinite(value)):
            raise InvalidParameterError(f"network.geometry must hold finite numbers; got a non-finite array at {where}")
        if json:
            return {"__array__": value.tolist(), "dtype": value.dtype.str}
        arr = value.copy()
        arr.setflags(write=False)
        return arr
    raise InvalidParameterError(
        f"network.geometry must hold only dicts, lists, tuples, strings, numbers, booleans, None and real numpy "
        f"arrays (to be saved as JSON); got {type(value).__name__} at {where}"
    )


def from_json_object(obj: dict) -> Any:
    """The inverse of ``check_geometry_value(..., json=True)`` for one JSON object (a ``json.loads`` hook).

    Examples
    --------
    >>> import json
    >>> json.loads('{"shape": {"__tuple__": [2, 3]}}', object_hook=from_json_object)
    {'shape': (2, 3)}
    """
    if set(obj) == {"__tuple__"}:
        return tuple(obj["__tuple__"])
    if set(obj) == {"__array__", "dtype"}:
        dtype = np.dtype(str(obj["dtype"]))
        if dtype.kind not in "biuf":
            raise FileFormatError(f"geometry array dtype {dtype} is not a real numeric dtype")
        return np.asarray(obj["__array__"], dtype=dtype)
    return obj


def _check_known(items: dict) -> None:
    if not isinstance(items.get("kind"), str):
        raise InvalidParameterError(
            f"network.geometry must have a string 'kind' (e.g. 'chain', 'lattice'); got {items.get('kind')!r}"
        )
    for key, minimum in _INT_KEYS.items():
        if key in items:
            check_int(items[key], f"geometry[{key!r}]", minimum=minimum)
    if "periodic" in items:
        check_bool(items["periodic"], "geometry['periodic']")
    if "shape" in items:
        shape = items["shape"]
        if not isinstance(shape, tuple) or not shape:
            raise InvalidParameterError(f"geometry['shape'] must be a non-empty tuple of sizes; got {shape!r}")
        for k, s in enumerate(shape):
            check_int(s, f"geometry['shape'][{k}]", minimum=1)


class Geometry(Mapping[str, Any]):
    """A frozen mapping describing where the units of a network sit (see the module docstring).

    Parameters
    ----------
    kind
        What the layout is: ``"chain"``, ``"lattice"``, ``"hierarchical"``, ``"toric"``, ...
    **items
        Further entries (validated: ``n``, ``alpha``, ``radius``, ``L``, ``depth`` integers, ``periodic``
        a bool, ``shape`` a tuple of sizes; everything JSON-representable).
    """

    __slots__ = ("_items",)
    _items: dict[str, Any]

    def __init__(self, kind: str, **items: Any) -> None:
        checked = check_geometry_value({"kind": kind, **items})
        _check_known(checked)
        object.__setattr__(self, "_items", checked)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Geometry is frozen; build a new one (Geometry.from_dict({**geo, key: value}))")

    @classmethod
    def from_dict(cls, items: Mapping) -> Geometry:
        """A geometry from a mapping with a ``kind`` (validated)."""
        if not isinstance(items, Mapping):
            raise InvalidParameterError(f"network.geometry must be a dict or a Geometry; got {type(items).__name__}")
        checked = check_geometry_value(items)
        _check_known(checked)
        return cls(**checked)

    @classmethod
    def chain(cls, n: int, periodic: bool = True, **items: Any) -> Geometry:
        """A chain of ``n`` visible units (site ``i`` at ``i``)."""
        return cls("chain", n=n, periodic=periodic, **items)

    @classmethod
    def lattice(cls, shape: tuple[int, ...], periodic: bool = True, **items: Any) -> Geometry:
        """A lattice of ``shape`` (site ``(x, y)`` is visible unit ``x * ly + y``)."""
        return cls("lattice", shape=tuple(shape), periodic=periodic, **items)

    @property
    def kind(self) -> str:
        """The layout's kind."""
        return self._items["kind"]

    @property
    def periodic(self) -> bool:
        """Whether the layout closes on itself (False when not given)."""
        return bool(self._items.get("periodic", False))

    def __reduce__(self) -> tuple:
        """Pickled (e.g. sent to dask workers) as its items, rebuilt through :meth:`from_dict`."""
        return (Geometry.from_dict, (self.to_dict(),))

    def to_dict(self) -> dict:
        """A plain (mutable) dict copy."""
        return dict(self._items)

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._items.items() if k != "kind")
        return f"Geometry({self.kind!r}{', ' + inner if inner else ''})"


def as_geometry(value: Any) -> Geometry | None:
    """None, a :class:`Geometry`, or a mapping turned into one (validated).

    Examples
    --------
    >>> as_geometry({"kind": "chain", "n": 4}).kind
    'chain'
    """
    if value is None or isinstance(value, Geometry):
        return value
    return Geometry.from_dict(value)
