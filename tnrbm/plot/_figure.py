"""Figures, saving, log axes and the unit words shared by every picture.

Ownership: a figure that a plot function creates (``ax=None``) is a pyplot figure with constrained
layout, handed to the caller with the returned axes -- the caller closes it
(``plt.close(ax.figure)``) -- unless ``path=`` is given: then the function saves it and closes it
itself, so that ``plt.get_fignums()`` does not grow. Axes passed in stay the caller's: with
``path=`` their figure is saved, never closed.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.transforms import ScaledTranslation

from .._version import __version__
from ..errors import InvalidParameterError
from ..validation import check_output_path, write_atomically
from ..validation import check_path as check_file_name

__all__ = [
    "new_axes",
    "finish",
    "save_figure",
    "figure_metadata",
    "saves_figure",
    "units",
    "ln2_text",
    "set_log",
    "check_flag",
]

_F = TypeVar("_F", bound=Callable[..., Any])

#: the numpydoc text of the saving keywords every plot function takes, put in for ``{save}``
SAVE_DOC = """path
    Save the figure there and close it if this function created it (see :mod:`tnrbm.plot`).
seed, metadata
    Written into the saved file with the tnrbm version (:func:`~tnrbm.plot.save_figure`): the
    seed of a figure that depends on randomness, and any other ``{key: value}`` to keep.

Returns
-------
matplotlib.axes.Axes"""


def saves_figure(func: _F) -> _F:
    """Put :data:`SAVE_DOC` (the ``path``, ``seed``, ``metadata`` parameters and the returned axes) into
    ``func``'s docstring where it reads ``{save}``, indented as the docstring is."""
    doc = func.__doc__ or ""
    at = doc.find("{save}")
    if at >= 0:
        indent = doc[doc.rfind("\n", 0, at) + 1 : at]
        func.__doc__ = doc.replace(
            "{save}", SAVE_DOC.replace("\n", "\n" + indent).replace("\n" + indent + "\n", "\n\n")
        )
    return func


#: metadata keys each format's writer accepts (matplotlib refuses others); PNG takes any key
_META_KEYS = {"pdf": ("Creator", "Subject"), "svg": ("Creator", "Description"), "ps": ("Creator", None)}
_META_KEYS["eps"] = _META_KEYS["ps"]


def _check_seed(seed: Any) -> int | None:
    if seed is None or (isinstance(seed, numbers.Integral) and not isinstance(seed, bool)):
        return None if seed is None else int(seed)
    raise InvalidParameterError(
        f"seed must be None or the integer the figure's random draws were made with; got {seed!r}"
    )


def figure_metadata(fmt: str, seed: Any = None, metadata: Mapping[str, Any] | None = None) -> dict[str, str] | None:
    """The ``metadata=`` of ``Figure.savefig`` for a picture in format ``fmt``: the tnrbm version, the seed
    (when given) and the caller's ``metadata``, each value as text.

    PNG keeps every entry as its own text chunk (``Software`` is ``tnrbm <version>``); PDF and SVG take
    the fixed keys of their formats, so the entries go together into ``Subject`` (PDF) or
    ``Description`` (SVG) as ``key=value; ...``; PostScript keeps ``Creator`` only. Other formats
    (JPEG, TIFF, raw) record nothing: ``None``.

    Examples
    --------
    >>> meta = figure_metadata("png", seed=7, metadata={"model": "local-chain:n=8"})
    >>> meta["seed"], meta["model"], meta["Software"].startswith("tnrbm ")
    ('7', 'local-chain:n=8', True)
    >>> figure_metadata("pdf", seed=7)["Subject"].endswith("seed=7")
    True
    """
    seed = _check_seed(seed)
    if metadata is not None and (
        not isinstance(metadata, Mapping) or not all(isinstance(k, str) and k for k in metadata)
    ):
        raise InvalidParameterError(f"metadata must be None or a mapping from non-empty str keys; got {metadata!r}")
    entries = {"tnrbm version": __version__}
    if seed is not None:
        entries["seed"] = str(seed)
    entries.update({k: str(v) for k, v in (metadata or {}).items()})
    fmt = fmt.lower()
    creator = f"tnrbm {__version__}"
    if fmt == "png":
        return {"Software": creator, **entries}
    if fmt not in _META_KEYS:
        return None
    creator_key, text_key = _META_KEYS[fmt]
    out = {creator_key: creator}
    if text_key is not None:
        out[text_key] = "; ".join(f"{k}={v}" for k, v in entries.items())
    return out


def check_flag(value: Any, name: str, allow_none: bool = False) -> bool | None:
    """``value`` as a bool (``None`` kept when ``allow_none``), else an :class:`InvalidParameterError`."""
    if value is None and allow_none:
        return None
    if not isinstance(value, bool):
        allowed = "True, False or None" if allow_none else "True or False"
        raise InvalidParameterError(f"{name} must be {allowed}; got {value!r}")
    return value


def check_path(path: Any) -> str | os.PathLike | None:
    """``path`` when None or a file name with an image suffix matplotlib writes, in an existing folder.

    Checked before any drawing, so that a bad name costs nothing and leaves no figure behind.
    """
    if path is None:
        return None
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidParameterError(f"path must be None or a file name (str or os.PathLike); got {path!r}")
    name = os.fspath(path)
    suffix = os.path.splitext(name)[1].lstrip(".").lower()
    formats = sorted(FigureCanvasBase.get_supported_filetypes())
    if suffix not in formats:
        raise InvalidParameterError(f"path must end in an image suffix ({', '.join(formats)}); got {name!r}")
    folder = os.path.dirname(os.path.abspath(name))
    if not os.path.isdir(folder):
        raise InvalidParameterError(f"path must be in an existing folder; got {name!r} ({folder} does not exist)")
    check_output_path(name, action="save the picture to")  # a directory, device, fifo or socket: refused now
    return path


def save_figure(
    fig: Any, path: str | os.PathLike, *, seed: Any = None, metadata: Mapping[str, Any] | None = None, **kwargs: Any
) -> str:
    """Write ``fig`` to ``path`` the way every tnrbm file is written; return the path written.

    The file records the tnrbm version, ``seed`` (pass it when the figure depends on random draws)
    and ``metadata`` (see :func:`figure_metadata`; a PNG's text chunks, read back with
    ``PIL.Image.open(path).text``).

    The format is ``kwargs["format"]``, else the suffix of ``path``, else matplotlib's
    ``savefig.format`` (whose suffix is then appended, as ``Figure.savefig`` does). The picture goes
    through :func:`tnrbm.validation.write_atomically`: a symbolic link is followed, a directory,
    device, fifo or socket is refused with :class:`~tnrbm.errors.InvalidPathError`, and a failed
    save leaves no partial picture. Other keyword arguments go to ``fig.savefig``.

    Examples
    --------
    >>> import os, tempfile
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> _ = fig.subplots().plot([0, 1])
    >>> path = save_figure(fig, os.path.join(tempfile.mkdtemp(), "line"))
    >>> os.path.basename(path), os.path.getsize(path) > 0
    ('line.png', True)
    >>> from PIL import Image
    >>> Image.open(save_figure(fig, path, seed=3)).text["seed"]
    '3'
    """
    action = "save the picture to"
    text = check_file_name(path, action=action)
    fmt = kwargs.pop("format", None)
    if fmt is None:
        fmt = os.path.splitext(text)[1][1:]
        if not fmt:
            fmt = str(plt.rcParams["savefig.format"])
            text = text.rstrip(".") + "." + fmt
    formats = FigureCanvasBase.get_supported_filetypes()
    if not isinstance(fmt, str) or fmt.lower() not in formats:
        raise InvalidParameterError(f"the picture format must be one of {sorted(formats)}; got {fmt!r} ({text!r})")
    meta = figure_metadata(fmt, seed, metadata)
    if meta is not None:
        kwargs["metadata"] = {**meta, **kwargs.get("metadata", {})}
    return write_atomically(text, lambda fh: fig.savefig(fh, format=fmt.lower(), **kwargs), action=action)


def new_axes(ax: Any, figsize: tuple[float, float] = (5.0, 3.5)) -> tuple[Any, bool]:
    """``(ax, created)``: the caller's axes, or a new constrained-layout figure's axes and True."""
    if ax is not None:
        if not hasattr(ax, "plot") or not hasattr(ax, "figure"):
            raise InvalidParameterError(f"ax must be None or a matplotlib Axes; got {type(ax).__name__}")
        return ax, False
    fig = plt.figure(figsize=figsize, layout="constrained")
    return fig.add_subplot(), True


def finish(
    ax: Any, created: bool, path: str | os.PathLike | None, seed: Any = None, metadata: Mapping[str, Any] | None = None
) -> Any:
    """Save ``ax.figure`` to ``path`` (when given; matplotlib's ``savefig`` rc settings apply) with the version,
    ``seed`` and ``metadata`` recorded, and close it when this package created it; return ``ax``."""
    if path is not None:
        try:
            save_figure(ax.figure, path, seed=seed, metadata=metadata)
        finally:
            if created:
                plt.close(ax.figure)
    return ax


def units(base: float | None) -> str:
    """The entropy unit: ``"nats"`` (base None or e), ``"bits"`` (base 2), else ``"log base b"``."""
    if base is None or base == math.e:
        return "nats"
    if base == 2:
        return "bits"
    return f"log base {base:g}"


def ln2_text(base: float | None) -> str:
    r"""The mathtext factor of one unit of capacity in ``base``: ``"\,\ln 2"``, ``""`` (bits), ``"\,\log_{b} 2"``.

    Examples
    --------
    >>> f"$m{ln2_text(None)}$", f"$m{ln2_text(2)}$", f"$m{ln2_text(10)}$"
    ('$m\\,\\ln 2$', '$m$', '$m\\,\\log_{10} 2$')
    """
    if base is None or base == math.e:
        return r"\,\ln 2"
    if base == 2:
        return ""
    return rf"\,\log_{{{base:g}}} 2"


#: the attribute of a line holding a note for its legend entry (a count, "clipped"), not part of its label
_NOTE = "_tnrbm_note"


def legend_with_notes(ax: Any, **kwargs: Any) -> Any:
    """``ax.legend(**kwargs)`` over the labelled lines, each entry followed by its note (attribute ``_NOTE``).

    A line's label stays the name callers find it by (``line.get_label()``); the note -- the number of
    values drawn, a clipped maximum -- is in the legend only.
    """
    handles = [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]
    texts = [
        f"{ln.get_label()} {getattr(ln, _NOTE)}".strip() if hasattr(ln, _NOTE) else ln.get_label() for ln in handles
    ]
    return ax.legend(handles, texts, **kwargs)


def legend_below(ax: Any, **kwargs: Any) -> Any:
    """:func:`legend_with_notes` under the axes, a fixed 0.45 inch below their bottom edge -- clear of the tick
    labels and the axis label whatever the axes' height (constrained layout makes room for it)."""
    below = ax.transAxes + ScaledTranslation(0.0, -0.45, ax.figure.dpi_scale_trans)
    return legend_with_notes(
        ax, loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=below, frameon=False, **kwargs
    )


#: the gids of a line of data (its range sets the axes'), of a bound kept in view when not far above the data,
#: and of a trivial bound (clipped at the top of the data's range)
DATA, BOUND, TRIVIAL = "data", "bound", "trivial"


def clip_bounds(ax: Any, reach: float) -> float:
    """Linear y limits ``[0, top]`` from the data (lines with gid :data:`DATA`) and the bounds (gid :data:`BOUND`)
    that reach at most ``reach`` times the largest data value; return ``top``.

    A bound or trivial bound (gid :data:`TRIVIAL`, never widening the range) that runs above ``top`` is
    clipped there and its legend note (:func:`legend_with_notes`) gives its largest value, so that a
    bound far above the data -- the trivial bound ``min(|A|, |B|) ln 2`` of a long chain -- does not
    squash the data onto the axis.
    """

    def largest(kind: str) -> float:
        ys = [np.asarray(ln.get_ydata(), dtype=float) for ln in ax.get_lines() if ln.get_gid() == kind]
        return max([float(np.nanmax(y, initial=0.0)) for y in ys] + [0.0])

    d_max, b_max = largest(DATA), largest(BOUND)
    if d_max > 0:
        top = 1.3 * d_max if b_max > reach * d_max else max(1.3 * d_max, 1.08 * b_max)
    else:
        top = max(1.08 * b_max, 1.0)
    ax.set_ylim(0.0, top)
    for ln in ax.get_lines():
        y_max = float(np.nanmax(np.asarray(ln.get_ydata(), dtype=float), initial=0.0))
        if ln.get_gid() in (BOUND, TRIVIAL) and y_max > top:
            setattr(ln, _NOTE, f"(clipped; up to {y_max:.3g})")
    return top


def set_log(ax: Any, logx: Any, logy: Any) -> tuple[bool, bool]:
    """Put the axes on log scales (non-positive values masked); return the two flags."""
    logx = check_flag(logx, "logx")
    logy = check_flag(logy, "logy")
    if logx:
        ax.set_xscale("log", nonpositive="mask")
    if logy:
        ax.set_yscale("log", nonpositive="mask")
    return logx, logy


def positive_limits(values: Any, headroom: float) -> tuple[float, float]:
    """Log-axis limits around the positive ``values``: a factor 2 below, ``headroom`` times their span (in
    decades, at least 0.3 decades) above, room for a legend."""
    pos = [float(v) for v in values if isinstance(v, numbers.Real) and float(v) > 0 and math.isfinite(v)]
    if not pos:
        return 1e-3, 1.0
    lo, hi = min(pos), max(pos)
    return lo / 2.0, hi * 10.0 ** max(0.3, headroom * math.log10(2.0 * hi / lo))
