"""Helpers for the plot tests: the text a saved figure actually shows, whether any of it is clipped, whether
any two text boxes overlap, whether data lie outside the axes, and how much of the y range the data span."""

from __future__ import annotations

import itertools

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text


def drawn_texts(fig) -> list[Text]:
    """Every visible, non-empty text artist of ``fig`` that a draw shows: tick labels only at ticks in view
    (matplotlib keeps stale labels of ticks outside the view limits, which are never drawn)."""
    tick_labels, shown = set(), []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            tol = 1e-9 * max(abs(hi - lo), 1e-300)
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                for label in (tick.label1, tick.label2):
                    tick_labels.add(id(label))
                    if lo - tol <= tick.get_loc() <= hi + tol:
                        shown.append(label)
    shown += [t for t in fig.findobj(Text) if id(t) not in tick_labels]
    return [t for t in shown if t.get_visible() and t.get_text().strip()]


def clipped_texts(fig, slack: float = 0.5) -> list[tuple[str, tuple]]:
    """``(text, window extent)`` of every drawn text reaching outside the figure (call after ``savefig``)."""
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    out = []
    for t in drawn_texts(fig):
        e = t.get_window_extent(renderer)
        if e.x0 < box.x0 - slack or e.y0 < box.y0 - slack or e.x1 > box.x1 + slack or e.y1 > box.y1 + slack:
            out.append((t.get_text(), tuple(e.bounds)))
    return out


def is_png(path) -> bool:
    with open(path, "rb") as f:
        return f.read(8) == b"\x89PNG\r\n\x1a\n"


# ----------------------------------------------------------------------------- layout checks
def _boxes(fig) -> list[tuple[str, object, object]]:
    """``(name, window extent, owner)`` of every drawn text and every legend frame (after a draw). ``owner`` is
    the legend a text belongs to (its frame then contains it by design), else None."""
    if not hasattr(fig.canvas, "get_renderer"):  # a bare Figure (as the command line draws): give it Agg
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legends = [a.get_legend() for a in fig.axes if a.get_legend() is not None] + list(fig.legends)
    owner = {}
    for leg in legends:
        for t in [*leg.get_texts(), leg.get_title()]:
            owner[id(t)] = leg
    out = [(repr(t.get_text()), t.get_window_extent(renderer), owner.get(id(t))) for t in drawn_texts(fig)]
    out += [(f"legend of {len(leg.get_texts())} entries", leg.get_window_extent(renderer), leg) for leg in legends]
    return out


def overlapping_texts(fig, slack: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of text boxes (tick labels, axis labels, titles, annotations, unit labels, legend frames) that
    overlap by more than ``slack`` pixels both ways, from the renderer's extents; a legend's own texts
    are not compared with its frame."""
    boxes = _boxes(fig)
    out = []
    for (name_a, a, own_a), (name_b, b, own_b) in itertools.combinations(boxes, 2):
        if own_a is not None and own_a is own_b:
            continue  # a legend's entries sit in its frame
        dx = min(a.x1, b.x1) - max(a.x0, b.x0)
        dy = min(a.y1, b.y1) - max(a.y0, b.y0)
        if dx > slack and dy > slack:
            out.append((name_a, name_b))
    return out


def _inside(values: np.ndarray, limits: tuple[float, float]) -> np.ndarray:
    lo, hi = sorted(limits)
    tol = 1e-9 * max(abs(hi - lo), 1e-300)
    return (values >= lo - tol) & (values <= hi + tol)


def points_outside(ax, artists) -> list[tuple[float, float]]:
    """The data points of ``artists`` (lines, scatter collections, bars) that lie outside ``ax``'s limits."""
    out = []
    for art in artists:
        if hasattr(art, "get_xydata"):
            xy = np.asarray(art.get_xydata(), dtype=float).reshape(-1, 2)
        elif hasattr(art, "get_offsets"):
            xy = np.asarray(art.get_offsets(), dtype=float).reshape(-1, 2)
        else:  # a bar: its top corners
            x, y, w, h = art.get_x(), art.get_y(), art.get_width(), art.get_height()
            xy = np.array([[x, y + h], [x + w, y + h]], dtype=float)
        bad = ~(_inside(xy[:, 0], ax.get_xlim()) & _inside(xy[:, 1], ax.get_ylim()))
        out += [tuple(p) for p in xy[bad]]
    return out


def y_fraction(ax, values) -> float:
    """The share of the y range that ``values`` span from the bottom of the axes up to their largest value
    (in decades on a log axis): 1 means the data reach the top."""
    lo, hi = ax.get_ylim()
    top = float(np.max(values))
    if ax.get_yscale() == "log":
        return float(np.log10(top / lo) / np.log10(hi / lo))
    return (top - lo) / (hi - lo)
