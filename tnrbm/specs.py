"""Text specifications of models and regions, as typed on the command line.

A model is a saved file (``model.npz``) or a built-in spec ``NAME:key=value,key=value``, e.g.
``local-chain:n=64,alpha=1,radius=2,seed=0``, ``hierarchical:n=256``, ``toric:L=6``; each key once, no
empty item, numbers in the ASCII digits 0-9 (:func:`parse_model`). A region is a comma-separated list of
indices and half-open ranges: ``0:16``, ``0,3,5``, ``0:8,32:40`` (``''`` the empty region), the one
syntax that Python's region arguments read too (:func:`tnrbm.validation.parse_region_text`).

The built-in specs are the registry :data:`MODEL_SPECS` (the command line builds its help and
``tnrbm info`` from it); :func:`register_model` adds a network type to the command line.
"""

from __future__ import annotations

import inspect
import os
import re
import secrets
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from . import models, states
from .errors import InvalidParameterError
from .io import load
from .network import BoltzmannNetwork
from .registry import Registry
from .validation import check_int, check_region

__all__ = [
    "MODEL_SPECS",
    "canonical_spec",
    "draw_seed",
    "register_model",
    "model_keys",
    "parse_model",
    "parse_region",
    "model_names",
    "unseeded",
]


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


_INT = re.compile(r"[+-]?[0-9]+", re.ASCII)
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?(?:inf|infinity|nan)", re.ASCII | re.I)
_SHAPE = re.compile(r"[0-9]+(?:x[0-9]+)+", re.ASCII | re.I)  # a shape such as 4x4
_SIZES = re.compile(r"[0-9]+(?:-[0-9]+)+", re.ASCII)  # layer sizes such as 8-4-2
_ALIASES = {"sizes": "layer_sizes", "complex_": "complex"}
_FORM = "NAME:key=value,key=value (a shape as 4x4, layer sizes as 8-4-2, flags as true/false)"


def _parse_value(text: str) -> Any:
    """A spec value: true/false, none, a shape ``4x4``, sizes ``8-4-2``, an int, a float (ASCII digits), else text."""
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    if low == "none":
        return None
    if _SHAPE.fullmatch(text):
        return tuple(int(p) for p in low.split("x"))
    if _SIZES.fullmatch(text):
        return [int(p) for p in text.split("-")]
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    return text


def _keys_text(name: str, params: Mapping[str, inspect.Parameter]) -> str:
    """``n (required), alpha=1, ...``: the keys of model ``name`` with their defaults."""
    keys = [k if p.default is inspect.Parameter.empty else f"{k}={_spec_text(p.default)}" for k, p in params.items()]
    return f"{name} takes {', '.join(k + (' (required)' if '=' not in k else '') for k in keys)}"


def _spec_text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, tuple):
        return "x".join(str(v) for v in value)
    return str(value)


def _spec_items(spec: str, name: str, rest: str, params: Mapping[str, inspect.Parameter]) -> dict[str, Any]:
    """The ``key=value`` items of a spec, each key once, every value in ASCII digits where it has digits."""
    kwargs: dict[str, Any] = {}
    if not rest.strip():
        return kwargs
    for item in rest.split(","):
        key, eq, value = (p.strip() for p in item.partition("="))
        if not item.strip():
            raise InvalidParameterError(
                f"model spec {spec!r} has an empty item (two commas, or a comma at either end); write {_FORM}"
            )
        if not eq or not key:
            hint = " (commas separate keys: write a shape as 4x4, layer sizes as 8-4-2)" if kwargs else ""
            raise InvalidParameterError(
                f"model spec items must be key=value; got {item.strip()!r} in {spec!r}{hint}; "
                f"{_keys_text(name, params)}"
            )
        digit = next((c for c in value if not c.isascii() and (c.isdigit() or c.isnumeric())), None)
        if digit is not None:
            raise InvalidParameterError(
                f"model spec key {key!r} must be written with the ASCII digits 0-9; got {value!r} in {spec!r} "
                f"(the digit {digit!r} is U+{ord(digit):04X} {unicodedata.name(digit, '')})"
            )
        if not value:
            raise InvalidParameterError(f"model spec key {key!r} has no value in {spec!r}; write {key}=VALUE")
        key = _ALIASES.get(key, key)
        if key in kwargs:
            raise InvalidParameterError(f"model spec {spec!r} gives the key {key!r} twice; give each key once")
        kwargs[key] = _parse_value(value)
    return kwargs


def _resolve(spec: str) -> tuple[Callable[..., BoltzmannNetwork], dict[str, Any]]:
    """The builder of a built-in ``NAME:key=value,...`` spec and its keyword arguments, every refusal made."""
    name, _, rest = spec.partition(":")
    builders = MODEL_SPECS
    if name not in builders:
        raise InvalidParameterError(
            f"model {name!r} is not a built-in spec or an existing .npz file; built-in specs: {', '.join(sorted(builders))}"
        )
    builder = builders[name]
    params = inspect.signature(builder).parameters
    kwargs = _spec_items(spec, name, rest, params)
    unknown = [k for k in kwargs if k not in params]
    if unknown:
        raise InvalidParameterError(
            f"model {name!r} got unknown key(s) {', '.join(unknown)} in {spec!r}; {_keys_text(name, params)}"
        )
    missing = [k for k, p in params.items() if p.default is inspect.Parameter.empty and k not in kwargs]
    if missing and all(p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) for p in params.values()):
        raise InvalidParameterError(
            f"model spec {spec!r} needs the key(s) {', '.join(missing)}; {_keys_text(name, params)}"
        )
    return builder, kwargs


def _is_file(spec: str) -> bool:
    return spec.endswith(".npz") or os.path.sep in spec or os.path.exists(spec)


def _checked_spec(spec: Any) -> str:
    if not isinstance(spec, str) or not spec.strip():
        raise InvalidParameterError(f"model must be a file path or a spec {_FORM}; got {spec!r}")
    return spec.strip()


def unseeded(spec: str) -> bool:
    """Whether the built-in spec ``spec`` draws random weights without a seed: its model takes a ``seed``
    key and the spec leaves it out (or writes ``seed=none``). A saved file is never unseeded.

    Examples
    --------
    >>> unseeded("local-chain:n=8"), unseeded("local-chain:n=8,seed=0"), unseeded("ghz:n=4")
    (True, False, False)
    """
    spec = _checked_spec(spec)
    if _is_file(spec):
        return False
    builder, kwargs = _resolve(spec)
    return "seed" in inspect.signature(builder).parameters and kwargs.get("seed") is None


def canonical_spec(spec: str, seed: int | None = None) -> str:
    """``spec`` as it regenerates the same network: an unseeded spec (:func:`unseeded`) gets ``seed=SEED``.

    The items are kept as written (stripped), a ``seed=none`` item is dropped and ``seed=SEED`` is
    appended; ``seed`` defaults to a fresh draw (:func:`draw_seed`), so that ``parse_model(canonical_spec(s))``
    builds a network that the returned string builds again. A seeded spec, a spec without a ``seed`` key
    and a saved file come back unchanged (stripped): their own seed, if any, is the network's.

    Examples
    --------
    >>> canonical_spec("local-chain:n=8, radius=2", seed=7)
    'local-chain:n=8,radius=2,seed=7'
    >>> canonical_spec("local-chain:n=8,seed=3", seed=7), canonical_spec("ghz:n=4", seed=7)
    ('local-chain:n=8,seed=3', 'ghz:n=4')
    >>> spec = canonical_spec("local-chain:n=8")
    >>> import numpy as np
    >>> bool(np.allclose(parse_model(spec).to_dense(), parse_model(spec).to_dense()))
    True
    """
    spec = _checked_spec(spec)
    if not unseeded(spec):
        return spec
    seed = draw_seed() if seed is None else check_int(seed, "seed", minimum=0)
    name, _, rest = spec.partition(":")
    items = [p.strip() for p in rest.split(",") if p.strip()]
    items = [p for p in items if p.partition("=")[0].strip() != "seed"]
    return f"{name}:{','.join([*items, f'seed={seed}'])}"


def draw_seed() -> int:
    """A fresh seed from the operating system's entropy: an int in [0, 2**32), short enough to read and retype.

    Examples
    --------
    >>> 0 <= draw_seed() < 2**32
    True
    """
    return secrets.randbits(32)


def parse_model(spec: str) -> BoltzmannNetwork:
    """A network from a saved ``.npz`` file or a built-in ``NAME:key=value,...`` spec.

    Values are ``true``/``false``, ``none``, integers and floats in the ASCII digits 0-9, shapes ``4x4``,
    layer sizes ``8-4-2``, or text (``hidden=binary``). Refused with an
    :class:`~tnrbm.errors.InvalidParameterError` that shows the form and the model's keys: an unknown
    name or key, a key given twice (``n=8,n=9``), an empty item (``n=8,,``), an item without ``=``, a
    value with other digits (``n=８``), a missing required key.

    A spec that leaves out its ``seed`` draws fresh weights on every call, as the model's Python builder
    does with ``seed=None`` (``models.local_chain(8)``); to record the draw, build from
    ``canonical_spec(spec)``, which appends a drawn ``seed=N`` (the command line does this and prints N).

    Examples
    --------
    >>> net = parse_model("local-chain:n=12,radius=1,seed=0")
    >>> net.n_visible, net.n_hidden
    (12, 12)
    >>> try:
    ...     parse_model("local-chain:n=8,n=9")
    ... except InvalidParameterError as err:
    ...     print(err)
    model spec 'local-chain:n=8,n=9' gives the key 'n' twice; give each key once
    """
    spec = _checked_spec(spec)
    if _is_file(spec):
        return load(spec)
    builder, kwargs = _resolve(spec)
    try:
        return builder(**kwargs)
    except TypeError as err:
        raise InvalidParameterError(f"model spec {spec!r}: {err}") from None


def parse_region(text: Any, n: int, name: str = "region") -> tuple[int, ...]:
    """Visible indices from ``'0:16'``, ``'0,3,5'`` or ``'0:8,32:40'`` (ranges are half-open); ``''`` is empty.

    The one region syntax of tnrbm (:func:`tnrbm.validation.parse_region_text`), read by the command line
    and by every Python function that takes a region; a collection of ints is checked the same way
    (:func:`tnrbm.validation.check_region`). The empty region is returned as ``()``: the function given it
    decides whether it is legal (entropies and cuts of a pure state are, at S = 0). ``name`` is the
    argument or option named in a refusal (``"--sites"``).

    Examples
    --------
    >>> parse_region("0:3,7", 10), parse_region("", 10)
    ((0, 1, 2, 7), ())
    """
    n = check_int(n, "n", minimum=1)
    return check_region(text, n, name=name, allow_empty=True)
