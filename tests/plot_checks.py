"""Helpers for the plot tests: the text a saved figure actually shows, and whether any of it is clipped."""

from __future__ import annotations

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
