"""Text specifications of models and regions, as typed on the command line.

A model is a saved file (``model.npz``) or a built-in spec ``NAME:key=value,key=value``, e.g.
``local-chain:n=64,alpha=1,radius=2,seed=0``, ``hierarchical:n=256``, ``toric:L=6``. A region is a
comma-separated list of indices and half-open ranges: ``0:16``, ``0,3,5``, ``0:8,32:40``.

The built-in specs are the registry :data:`MODEL_SPECS` (the command line builds its help and
``tnrbm info`` from it); :func:`register_model` adds a network type to the command line.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from typing import Any

from . import models, states
from .errors import InvalidParameterError, InvalidRegionError
from .io import load
from .network import BoltzmannNetwork
from .registry import Registry
from .validation import check_int, check_region

__all__ = ["MODEL_SPECS", "register_model", "model_keys", "parse_model", "parse_region", "model_names"]


#: name -> builder of the built-in model specs (``NAME:key=value,...``); :func:`register_model` adds one
def _check_spec(name: str, builder: Any) -> None:
    if not isinstance(name, str) or not name or ":" in name or "," in name:
        raise InvalidParameterError(f"name must be a non-empty string without ':' or ','; got {name!r}")
    if not callable(builder):
        raise InvalidParameterError(f"builder must be callable; got {builder!r}")


#: (also the plug-ins of installed packages: the entry-point group ``tnrbm.models``, loaded on first lookup)
MODEL_SPECS: Registry[Callable[..., BoltzmannNetwork]] = Registry(
    "model",
    {
        "random-rbm": models.random_rbm,
        "random-dbm": models.random_dbm,
        "local-chain": models.local_chain,
        "local-lattice": models.local_lattice,
        "hierarchical": models.hierarchical,
        "product": states.product,
        "ghz": states.ghz,
        "cluster": states.cluster,
        "toric": states.toric_code,
        "volume-law": states.volume_law,
    },
    group="tnrbm.models",
    check=_check_spec,
)


def register_model(name: str, builder: Callable[..., BoltzmannNetwork], *, replace: bool = False) -> None:
    """Add a model spec: ``NAME:key=value,...`` then calls ``builder(key=value, ...)``.

    A taken name is refused unless ``replace=True``; ``MODEL_SPECS.unregister(name)`` removes one. An
    installed package adds one through the entry-point group ``tnrbm.models`` (docs/architecture.md).

    Examples
    --------
    >>> register_model("chain", models.local_chain)
    >>> parse_model("chain:n=6,seed=0").n_visible
    6
    >>> del MODEL_SPECS["chain"]
    """
    MODEL_SPECS.register(name, builder, replace=replace)


def model_keys(name: str) -> dict[str, Any]:
    """The keys a model spec takes and their defaults (``inspect.Parameter.empty`` when required).

    Examples
    --------
    >>> model_keys("ghz")
    {'n': <class 'inspect._empty'>}
    """
    builder = MODEL_SPECS.get(name)
    return {k: p.default for k, p in inspect.signature(builder).parameters.items()}


def model_names() -> list[str]:
    """The names accepted before the colon of a model spec.

    Examples
    --------
    >>> "local-chain" in model_names()
    True
    """
    return list(MODEL_SPECS.names())


def _digits(part: str) -> bool:
    return part.isascii() and part.isdigit()


def _parse_value(text: str) -> Any:
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    if low == "none":
        return None
    if "x" in low and all(_digits(p) for p in low.split("x")):  # a shape such as 4x4
        return tuple(int(p) for p in low.split("x"))
    if "-" in text[1:] and all(_digits(p) for p in text.split("-")):  # layer sizes such as 8-4-2
        return [int(p) for p in text.split("-")]
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def parse_model(spec: str) -> BoltzmannNetwork:
    """A network from a saved ``.npz`` file or a built-in ``NAME:key=value,...`` spec.

    Examples
    --------
    >>> net = parse_model("local-chain:n=12,radius=1,seed=0")
    >>> net.n_visible, net.n_hidden
    (12, 12)
    """
    if not isinstance(spec, str) or not spec.strip():
        raise InvalidParameterError(f"model must be a file path or a spec NAME:key=value,...; got {spec!r}")
    spec = spec.strip()
    if spec.endswith(".npz") or os.path.sep in spec or os.path.exists(spec):
        return load(spec)
    name, _, rest = spec.partition(":")
    builders = MODEL_SPECS
    if name not in builders:
        raise InvalidParameterError(
            f"model {name!r} is not a built-in spec or an existing .npz file; built-in specs: {', '.join(sorted(builders))}"
        )
    builder = builders[name]
    kwargs: dict[str, Any] = {}
    for item in filter(None, (p.strip() for p in rest.split(","))):
        key, eq, value = item.partition("=")
        if not eq or not key:
            raise InvalidParameterError(f"model spec items must be key=value; got {item!r} in {spec!r}")
        kwargs[key.strip()] = _parse_value(value.strip())
    params = inspect.signature(builder).parameters
    aliases = {"sizes": "layer_sizes", "complex_": "complex"}
    kwargs = {aliases.get(k, k): v for k, v in kwargs.items()}
    unknown = [k for k in kwargs if k not in params]
    if unknown:
        raise InvalidParameterError(
            f"model {name!r} takes {', '.join(params)}; got unknown key(s) {', '.join(unknown)}"
        )
    try:
        return builder(**kwargs)
    except TypeError as err:
        raise InvalidParameterError(f"model spec {spec!r}: {err}") from None


def _region_part(part: str, text: str, n: int) -> list[int]:
    """The indices of one comma-separated part (``'3'`` or ``'0:16'``), ranges checked before they are expanded."""
    try:
        if ":" not in part:
            return [int(part)]
        lo, hi = part.split(":")
        start = int(lo) if lo.strip() else 0
        stop = int(hi) if hi.strip() else n
    except ValueError:
        raise InvalidRegionError(
            f"region must be indices and ranges like '0:16', '0,3,5' or '0:8,32:40'; got {text!r}"
        ) from None
    if stop <= start:
        raise InvalidRegionError(f"region range {part!r} is empty (stop <= start)")
    if start < 0 or stop > n:
        raise InvalidRegionError(f"region range {part!r} must lie in [0, {n}] (the visible units); got {start}:{stop}")
    return list(range(start, stop))


def parse_region(text: Any, n: int) -> tuple[int, ...]:
    """Visible indices from ``'0:16'``, ``'0,3,5'`` or ``'0:8,32:40'`` (ranges are half-open).

    Examples
    --------
    >>> parse_region("0:3,7", 10)
    (0, 1, 2, 7)
    """
    n = check_int(n, "n", minimum=1)
    if not isinstance(text, str):
        return check_region(text, n)
    out: list[int] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        out.extend(_region_part(part, text, n))
    return check_region(out, n)
