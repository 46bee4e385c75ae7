"""The pictures the commands write (``--plot``, ``tnrbm draw``, the demo), drawn with :mod:`tnrbm.plot`.

Figures are :class:`matplotlib.figure.Figure` objects (no pyplot state, no backend switch, nothing
left open), with constrained layout so that no label is clipped. matplotlib and :mod:`tnrbm.plot` are
loaded on first use (:func:`tnrbm._lazy.lazy_module`): a command imports this module at its top, and
only a command that draws (``--plot``, ``--out``, ``tnrbm draw``, the demo) pays for matplotlib.

Examples
--------
>>> import os, tempfile
>>> from tnrbm import models
>>> path = os.path.join(tempfile.mkdtemp(), "bulk.png")
>>> save_plot("bulk", (models.local_chain(6, radius=1, seed=0), (0, 1)), path)
>>> os.path.getsize(path) > 0
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._lazy import lazy_module
from ..errors import InvalidParameterError

__all__ = ["KINDS", "save_drawing", "save_plot"]

#: matplotlib's figure module, tnrbm's pictures and minimal cuts, loaded when a figure is drawn
_figure = lazy_module("matplotlib.figure")
_bulk = lazy_module("tnrbm.bulk")
plot_lib = lazy_module("tnrbm.plot")

KINDS = ("bulk", "spectrum", "profile", "history", "cut_scaling", "levels")


def _draw(kind: str, obj: Any, ax: Any) -> None:
    if kind == "bulk":
        net, reg = obj
        plot_lib.draw_bulk(net, region=reg, cut=_bulk.min_cut(net, reg) if reg else None, ax=ax)
    elif kind == "spectrum":
        plot_lib.spectrum(obj, ax=ax)
    elif kind == "profile":
        prof, cut_sizes = obj
        plot_lib.profile(prof, ax=ax, cut_sizes=cut_sizes)
    elif kind == "history":
        history, exact, *options = obj  # options: keywords of energy_history (title=, relative=True)
        plot_lib.energy_history(history, exact=exact, ax=ax, **(options[0] if options else {}))
    elif kind == "levels":
        plot_lib.entanglement_levels_plot(obj, ax=ax)
    else:
        plot_lib.cut_scaling(obj, ax=ax)


def save_plot(
    kind: str,
    obj: Any,
    path: str,
    figsize: tuple[float, float] | None = None,
    seed: int | None = None,
    metadata: dict[str, Any] | None = None,
) -> None:
    """Draw ``obj`` as a picture of ``kind`` (one of :data:`KINDS`) and write it to ``path`` (PNG, 120 dpi).

    ``obj`` is ``(network, region)`` for ``"bulk"``, an entanglement result for ``"spectrum"``,
    ``(profile, cut_sizes)`` for ``"profile"``, ``(history, exact_energy[, keywords of energy_history])`` for
    ``"history"``, a network
    for ``"cut_scaling"`` and entanglement levels (or a result) for ``"levels"``.

    Examples
    --------
    >>> save_plot("pie", None, "x.png")
    Traceback (most recent call last):
    ...
    tnrbm.errors.InvalidParameterError: plot kind must be one of ('bulk', 'spectrum', 'profile', 'history', 'cut_scaling', 'levels'); got 'pie'
    """
    if kind not in KINDS:
        raise InvalidParameterError(f"plot kind must be one of {KINDS}; got {kind!r}")
    size = figsize or ((8, 5) if kind == "bulk" else (6, 4))
    save_drawing(path, lambda ax: _draw(kind, obj, ax), size, seed=seed, metadata=metadata)


def save_drawing(
    path: str,
    draw: Callable[[Any], None],
    figsize: tuple[float, float] = (5, 3.5),
    seed: int | None = None,
    metadata: dict[str, Any] | None = None,
) -> None:
    """Call ``draw(ax)`` on the one axes of a new figure and write it to ``path`` (PNG, 120 dpi).

    The tnrbm version, ``seed`` (when the picture depends on randomness) and ``metadata`` (the model, the
    library versions: :func:`tnrbm.cli.provenance.figure_options`) go into the file's metadata.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "line.png")
    >>> save_drawing(path, lambda ax: ax.plot([0, 1], [1, 0]))
    >>> os.path.getsize(path) > 0
    True
    """
    fig = _figure.Figure(figsize=figsize, layout="constrained")  # no pyplot state: nothing to close
    draw(fig.subplots())
    plot_lib.save_figure(fig, path, dpi=120, seed=seed, metadata=metadata)
