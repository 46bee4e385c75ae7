"""What the commands print: rich tables, numbers, entropy units and JSON.

Examples
--------
>>> fmt(0.123456789, digits=4), fmt(None), fmt(3)
('0.1235', '-', '3')
>>> bound_label("m", 2)
'm (bits)'
>>> region_text([0, 1, 2, 7])
'0:3,7'
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import click
from rich.console import Console
from rich.table import Table

__all__ = [
    "Units",
    "bound_label",
    "console",
    "emit_json",
    "fmt",
    "json_default",
    "region_keys",
    "region_text",
    "renyi_keys",
    "table",
    "times_log2",
    "to_json",
    "units",
]

_LEFT = ("region", "model", "surface", "method", "quantity", "item", "key", "default", "spec", "keys and defaults")


def console(stderr: bool = False) -> Console:
    """A rich console; 160 columns wide when piped to a file, so that no column is cut.

    Examples
    --------
    >>> console().width >= 80
    True
    """
    stream = sys.stderr if stderr else sys.stdout
    return Console(highlight=False, stderr=stderr, width=None if stream.isatty() else 160)


def fmt(x: Any, digits: int = 10, decimals: int | None = None) -> str:
    """A table cell: None as ``-``, floats rounded, the rest as ``str``.

    Floats get ``digits`` significant digits, or with ``decimals`` a fixed number of decimals (values
    below ``10**-decimals`` then show two significant digits, so that no small number reads as zero).

    Examples
    --------
    >>> fmt(1.0 / 3.0), fmt(2.0**40, digits=3), fmt(float("nan"))
    ('0.3333333333', '1.1e+12', 'nan')
    >>> fmt(1.283, decimals=4), fmt(88.72283911, decimals=4), fmt(2.5e-6, decimals=4), fmt(0.0, decimals=4)
    ('1.2830', '88.7228', '2.5e-06', '0.0000')
    """
    if x is None:
        return "-"
    if isinstance(x, bool):
        return str(x).lower()
    if not isinstance(x, float):
        return str(x)
    if math.isnan(x) or math.isinf(x):
        return str(x)
    if decimals is not None and abs(x) < 1e6:
        return f"{x:.{decimals}f}" if x == 0 or abs(x) >= 10.0**-decimals else f"{x:.1e}"
    return f"{x:.{digits}g}" if abs(x) < 1e6 else f"{x:.{min(digits, 4)}e}"


def table(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    legend: str | None = None,
    digits: int = 10,
    decimals: int | None = None,
) -> None:
    """Print a table (text columns left, numbers right), then a one-line ``legend`` if given.

    Cells are formatted by :func:`fmt` with ``digits`` and ``decimals``.

    Examples
    --------
    >>> table("t", ["quantity", "value"], [["S", 0.5]], legend="S: entropy")  # doctest: +ELLIPSIS
    t...
    S: entropy
    """
    tab = Table(title=title, title_justify="left")
    for col in columns:
        tab.add_column(col, justify="left" if col in _LEFT else "right")
    for row in rows:
        tab.add_row(*[fmt(x, digits, decimals) for x in row])
    out = console()
    out.print(tab)
    if legend:
        out.print(legend, soft_wrap=True, markup=False)


class Units(NamedTuple):
    """The unit of entropies (``name``) and the factor that turns a unit count into one (``ln2``)."""

    name: str
    ln2: str


def units(base: float | None) -> Units:
    """Entropy units for a logarithm ``base``: nats (``ln 2`` per unit), bits (1 per unit) or log base b.

    Examples
    --------
    >>> units(None), units(2)
    (Units(name='nats', ln2='ln 2'), Units(name='bits', ln2=''))
    >>> units(10).name
    'log base 10'
    """
    if base is None or base == math.e:
        return Units("nats", "ln 2")
    if base == 2:
        return Units("bits", "")
    return Units(f"log base {base:g}", f"log_{base:g} 2")


def bound_label(count: str, base: float | None) -> str:
    """The label of a bound ``count * log_base 2`` with its unit: ``'m ln 2 (nats)'``, ``'m (bits)'``.

    Examples
    --------
    >>> bound_label("min(|A|,|B|)", None)
    'min(|A|,|B|) ln 2 (nats)'
    """
    return f"{times_log2(count, base)} ({units(base).name})"


def times_log2(count: str, base: float | None) -> str:
    """``count`` units of ``log_base 2`` as text: ``'m ln 2'`` (nats), ``'m'`` (bits), ``'m log_10 2'``.

    Examples
    --------
    >>> times_log2("m", None), times_log2("m", 2), times_log2("m", 10)
    ('m ln 2', 'm', 'm log_10 2')
    """
    ln2 = units(base).ln2
    return f"{count} {ln2}" if ln2 else count


def region_text(region: Sequence[int]) -> str:
    """Compact text of a sorted region, the inverse of :func:`tnrbm.cli.parsing.parse_region`.

    Examples
    --------
    >>> region_text([0, 1, 2, 3, 8, 10, 11])
    '0:4,8,10:12'
    """
    parts: list[str] = []
    start: int | None = None
    prev = 0
    for i in region:
        if start is not None and i == prev + 1:
            prev = i
            continue
        if start is not None:
            parts.append(f"{start}:{prev + 1}" if prev > start else str(start))
        start = prev = i
    if start is not None:
        parts.append(f"{start}:{prev + 1}" if prev > start else str(start))
    return ",".join(parts)


def region_keys(region: Sequence[int], n_visible: int) -> dict[str, Any]:
    """A region as JSON: range text (read back by :func:`tnrbm.validation.parse_region_text`), size, N.

    Examples
    --------
    >>> region_keys(range(512), 1024)
    {'region': '0:512', 'region_size': 512, 'n_visible': 1024}
    """
    region = [int(i) for i in region]
    return {"region": region_text(region), "region_size": len(region), "n_visible": int(n_visible)}


def renyi_keys(renyi: Mapping[Any, Any]) -> dict[str, Any]:
    """Renyi entropies keyed by their order as JSON writes it everywhere: ``"2"``, ``"0.5"``, ``"inf"``.

    Examples
    --------
    >>> renyi_keys({2: 0.5, "0.5": 0.7, float("inf"): 0.1})
    {'2': 0.5, '0.5': 0.7, 'inf': 0.1}
    """
    return {f"{float(k):g}": (None if v is None else float(v)) for k, v in renyi.items()}


def json_default(obj: Any) -> Any:
    """JSON for what :func:`json.dumps` does not know: numpy scalars and arrays, sets, tuples.

    Examples
    --------
    >>> json_default({2, 1}), json_default(complex(1, 2))
    ([1, 2], '(1+2j)')
    """
    if hasattr(obj, "tolist"):  # numpy arrays and scalars
        return obj.tolist()
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    if isinstance(obj, tuple):
        return list(obj)
    return str(obj)


def to_json(payload: Any) -> str:
    """``payload`` as indented JSON text.

    Examples
    --------
    >>> to_json({"a": (1, 2)}).split()
    ['{', '"a":', '[', '1,', '2', ']', '}']
    """
    return json.dumps(payload, indent=2, default=json_default)


def emit_json(payload: Any) -> None:
    """Print ``payload`` as JSON on stdout.

    Examples
    --------
    >>> emit_json({"m": 3})
    {
      "m": 3
    }
    """
    click.echo(to_json(payload))
