"""Bulk pictures (Agg backend): positions, the surface, labels, saved figures, user layouts and figure ownership.

References: lattice coordinates and toric-code edge midpoints written out here from the documented indexing
(``local_lattice``: spin (x, y) is visible unit x Ly + y; ``conftest.toric_edges``), the minimal cut from
``tnrbm.min_cut`` (checked against brute force in test_bulk.py), the unit-label scheme written out here.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from conftest import toric_edges  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from plot_checks import clipped_texts, is_png  # noqa: E402

import tnrbm  # noqa: E402
import tnrbm.plot  # noqa: E402
from tnrbm.bulk import bulk_graph, min_cut  # noqa: E402
from tnrbm.errors import InvalidParameterError  # noqa: E402
from tnrbm.plot import cut_scaling, draw_bulk  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def collection(ax, gid: str) -> np.ndarray:
    found = [c for c in ax.collections if c.get_gid() == gid]
    assert len(found) == 1, [c.get_gid() for c in ax.collections]
    return np.asarray(found[0].get_offsets(), dtype=float)


def text_positions(ax) -> dict[str, tuple[float, float]]:
    return {t.get_text(): tuple(map(float, t.get_position())) for t in ax.texts}


def expected_labels(net) -> set[str]:
    """'V{i}' for visible units, 'H{j}' with j counting hidden units over all layers (written out here)."""
    labels = {f"V{i}" for i in range(net.layer_sizes[0])}
    offset = 0
    for size in net.layer_sizes[1:]:
        labels |= {f"H{offset + j}" for j in range(size)}
        offset += size
    return labels


def min_image(d: np.ndarray, period: float) -> np.ndarray:
    return d - period * np.round(d / period)


# ------------------------------------------------------------------------------- the surface (from test_bulk)
def lattice_reference(shape, alpha=1) -> dict:
    """Spin (x, y) = unit x Ly + y at (x, y); hidden unit (x Ly + y) alpha + f next to it (alpha = 1: +0.35)."""
    lx, ly = shape
    pos = {(0, x * ly + y): (float(x), float(y)) for x in range(lx) for y in range(ly)}
    pos.update({(1, x * ly + y): (x + 0.35, y + 0.35) for x in range(lx) for y in range(ly)} if alpha == 1 else {})
    return pos


def test_draw_bulk_marks_the_surface():
    for net, region, pos in [
        (tnrbm.models.hierarchical(64, seed=0), range(16, 32), None),
        (tnrbm.models.local_chain(16, radius=1, seed=0), range(8), None),
        (tnrbm.models.local_lattice((4, 4), seed=0), [0, 1, 4, 5], lattice_reference((4, 4))),
    ]:
        ax = draw_bulk(net, region=region)
        cut = min_cut(net, region)
        pos = pos or dict(bulk_graph(net).nodes(data="pos"))  # layered views: the bulk graph's positions
        rings = [c for c in ax.collections if c.get_offsets().shape[0] == cut.size and len(c.get_facecolors()) == 0]
        assert len(rings) == 1
        assert sorted(map(tuple, rings[0].get_offsets().tolist())) == sorted(pos[u] for u in cut.surface)
        assert f"m = {cut.size}" in ax.get_title()
        plt.close(ax.figure)
    ax = draw_bulk(tnrbm.models.random_dbm([4, 3, 2], seed=0))  # no region: just the network
    assert "4 spins" in ax.get_title()
    plt.close(ax.figure)
    with pytest.raises(InvalidParameterError, match="not of region"):
        draw_bulk(net, region=[0], cut=cut)


def test_cut_scaling_values():
    ax = cut_scaling(tnrbm.models.local_chain(20, radius=2, seed=0))
    x, m = ax.lines[0].get_data()
    assert list(m) == [min(8, int(s), 20 - int(s)) for s in x]  # the local-chain rule
    plt.close(ax.figure)
    ax = cut_scaling(tnrbm.models.hierarchical(256, seed=0))
    x, m = ax.lines[0].get_data()
    assert list(x) == list(range(1, 8)) and list(m) == [2 * k for k in range(1, 8)]
    plt.close(ax.figure)
    with pytest.raises(InvalidParameterError, match="sizes"):
        cut_scaling(tnrbm.models.local_chain(8, seed=0), sizes=[0, 3])


# ------------------------------------------------------------------------------- 2D layouts
@pytest.mark.parametrize(("shape", "alpha", "periodic"), [((3, 4), 1, False), ((4, 4), 1, True), ((3, 5), 2, False)])
def test_lattice_spins_sit_at_their_lattice_coordinates(shape, alpha, periodic):
    lx, ly = shape
    net = tnrbm.models.local_lattice(shape, alpha=alpha, radius=1, periodic=periodic, seed=0)
    ax = draw_bulk(net, labels=True)
    spins = collection(ax, "visible")
    np.testing.assert_array_equal(spins, [(i // ly, i % ly) for i in range(lx * ly)])
    texts = text_positions(ax)
    assert set(texts) == expected_labels(net)  # one label per unit, in the network's naming scheme
    assert all(texts[f"V{i}"] == (i // ly, i % ly) for i in range(lx * ly))
    hidden = collection(ax, "hidden1")
    w = net.W.toarray()
    for j, h in enumerate(hidden):
        d = h - spins[np.flatnonzero(w[:, j])]  # to every spin it couples to
        if periodic:
            d = np.stack([min_image(d[:, 0], lx), min_image(d[:, 1], ly)], axis=1)
        dist = np.hypot(d[:, 0], d[:, 1])
        assert dist.min() < 0.6 and dist.max() < math.hypot(1.5, 1.5)  # next to its own spin, within its square
        own = divmod(j // alpha, ly)
        assert np.hypot(*(h - own)) < 0.6
    assert len({tuple(p) for p in np.vstack([spins, hidden])}) == len(spins) + len(hidden)  # nothing overlaps
    assert ax.get_aspect() == 1.0


def test_toric_code_is_drawn_on_its_edges():
    side = 3
    net = tnrbm.states.toric_code(side)
    ax = draw_bulk(net, labels=True)
    qubits = collection(ax, "visible")
    ref = {}
    for x in range(side):
        for y in range(side):
            ref[2 * (x * side + y)] = (y + 0.5, x)  # horizontal edge (x, y)-(x, y + 1), vertex (x, y) drawn at (y, x)
            ref[2 * (x * side + y) + 1] = (y, x + 0.5)  # vertical edge (x, y)-(x + 1, y)
    np.testing.assert_array_equal(qubits, [ref[q] for q in range(2 * side**2)])
    plaquettes = collection(ax, "hidden1")
    for j, edges in enumerate(toric_edges(side)["plaquettes"]):
        x, y = divmod(j, side)
        np.testing.assert_allclose(plaquettes[j], (y + 0.5, x + 0.5), atol=1e-12)  # the plaquette's centre
        d = min_image(qubits[list(edges)] - plaquettes[j], side)
        np.testing.assert_allclose(np.hypot(d[:, 0], d[:, 1]), 0.5, atol=1e-12)  # its four edges around it
    assert set(text_positions(ax)) == expected_labels(net)
    assert "toric code" in ax.get_title()


def test_user_positions_are_honoured():
    net = tnrbm.models.random_dbm([4, 3, 2], seed=0)
    units = net.units()
    pos = {u: (math.cos(k), math.sin(k) + 2 * u[0]) for k, u in enumerate(units)}
    region = [0, 1]
    ax = draw_bulk(net, region=region, positions=pos, labels=True)
    np.testing.assert_array_equal(collection(ax, "visible"), [pos[(0, i)] for i in range(4)])
    np.testing.assert_array_equal(collection(ax, "hidden2"), [pos[(2, j)] for j in range(2)])
    cut = min_cut(net, region)
    if cut.size:
        assert sorted(map(tuple, collection(ax, "surface").tolist())) == sorted(pos[u] for u in cut.surface)
    by_label = {net.unit_label(u): p for u, p in pos.items()}
    assert text_positions(ax) == by_label
    ax2 = draw_bulk(net, positions=by_label, labels=True)  # keys may be the labels "V0", "H3"
    np.testing.assert_array_equal(collection(ax2, "hidden1"), [pos[(1, j)] for j in range(3)])
    np.testing.assert_array_equal(tnrbm.plot.layout(net, by_label)[(2, 1)], pos[(2, 1)])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.pop((1, 0)), "must name every unit of the network; missing H0"),
        (lambda p: p.update({(0, 1): (0.0, float("nan"))}), r"positions\[\(0, 1\)\] must be a pair \(x, y\) of finite"),
        (lambda p: p.update({(0, 1): (math.inf, 0.0)}), "finite numbers"),
        (lambda p: p.update({(0, 1): (1.0, 2.0, 3.0)}), "must be a pair"),
        (lambda p: p.update({(0, 1): "here"}), "must be a pair"),
        (lambda p: p.update({(0, 1): (True, 0.0)}), "must be a pair"),
        (lambda p: p.update({(3, 0): (0.0, 0.0)}), r"keys must be units \(layer, index\) of this network"),
        (lambda p: p.update({"H99": (0.0, 0.0)}), "names the unit 'H99', which this network lacks"),
        (lambda p: p.update({"V0": (0.0, 0.0)}), "names the unit V0 twice"),
    ],
)
def test_bad_user_positions_are_refused(change, message):
    net = tnrbm.models.random_rbm(3, 2, seed=0)
    pos = {u: (float(k), 0.0) for k, u in enumerate(net.units())}
    change(pos)
    with pytest.raises(InvalidParameterError, match=message):
        draw_bulk(net, positions=pos)


def test_positions_must_be_a_mapping():
    net = tnrbm.models.random_rbm(3, 2, seed=0)
    with pytest.raises(InvalidParameterError, match="positions must be a mapping"):
        draw_bulk(net, positions=[(0.0, 0.0)] * 5)
    with pytest.raises(InvalidParameterError, match="labels must be True, False or None"):
        draw_bulk(net, labels="yes")
    with pytest.raises(InvalidParameterError, match="base must be None or a number > 1"):
        draw_bulk(net, region=[0], base=1)


# ------------------------------------------------------------------------------- saved pictures
BULK_CASES = {
    "chain": lambda: (tnrbm.models.local_chain(10, alpha=2, radius=1, seed=0), range(4)),
    "hierarchical": lambda: (tnrbm.models.hierarchical(32, seed=0), range(8, 16)),
    "lattice": lambda: (tnrbm.models.local_lattice((6, 5), alpha=2, periodic=False, seed=0), [0, 1, 5, 6]),
    "toric": lambda: (tnrbm.states.toric_code(3), [0, 1, 2, 3]),
    "no region": lambda: (tnrbm.models.random_dbm([6, 4, 2], seed=0), None),
}


@pytest.mark.parametrize("case", sorted(BULK_CASES))
def test_saved_bulk_picture_keeps_every_text_inside(case, tmp_path):
    net, region = BULK_CASES[case]()
    ax = draw_bulk(net, region=region)
    ax.figure.savefig(tmp_path / "bulk.png")  # the call the docs show
    assert clipped_texts(ax.figure) == []
    assert len(ax.get_legend().get_texts()) == 5 if region is not None else ax.get_legend() is None


def test_the_clipping_check_bites(tmp_path):
    """Control: the same picture on a figure without a layout engine loses its legend off the right edge."""
    net, region = BULK_CASES["lattice"]()
    fig = plt.figure(figsize=(6.0, 4.5))
    draw_bulk(net, region=region, ax=fig.add_subplot())
    fig.savefig(tmp_path / "bare.png")
    assert any(text.startswith("RT surface") for text, _ in clipped_texts(fig))


def test_saved_cut_scaling_keeps_every_text_inside(tmp_path):
    ax = cut_scaling(tnrbm.models.hierarchical(64, mass=0.2, seed=0))
    ax.figure.savefig(tmp_path / "cs.png")
    assert clipped_texts(ax.figure) == []


def test_bits_title_and_labels():
    net = tnrbm.models.local_chain(8, seed=0)
    cut = min_cut(net, range(4))
    ax = draw_bulk(net, region=range(4), base=2)
    title = ax.get_title()
    assert "ln" not in title and "bits" in title and f"m = {cut.size}$" in title
    assert f"= {cut.size:.4g}$ bits" in title  # S_A <= m bits: m ln 2 nats / ln 2
    nats = draw_bulk(net, region=range(4)).get_title()
    assert rf"m\,\ln 2 = {cut.size * math.log(2):.4g}$ nats" in nats
    ax = cut_scaling(net, sizes=[1, 2, 3])
    texts = [ax.get_xlabel(), ax.get_ylabel()] + [t.get_text() for t in ax.get_legend().get_texts()]
    assert not any("ln 2" in t for t in texts)  # m is a count of units: no base in its labels


# ------------------------------------------------------------------------------- ownership, overlays, log axes
def test_path_saves_and_closes_what_it_created(tmp_path):
    net = tnrbm.models.local_chain(8, seed=0)
    before = plt.get_fignums()
    draw_bulk(net, region=range(3), path=tmp_path / "a.png")
    cut_scaling(net, sizes=[1, 2], path=str(tmp_path / "b.png"))
    assert plt.get_fignums() == before
    assert is_png(tmp_path / "a.png") and is_png(tmp_path / "b.png")
    fig, ax = plt.subplots()  # the caller's axes: saved, never closed
    assert draw_bulk(net, ax=ax, path=tmp_path / "c.png") is ax
    assert plt.fignum_exists(fig.number) and is_png(tmp_path / "c.png")
    ax = draw_bulk(net)  # no path: a new figure handed to the caller, with constrained layout
    assert plt.fignum_exists(ax.figure.number) and ax.figure.get_layout_engine().__class__.__name__.startswith("Constr")
    with pytest.raises(InvalidParameterError, match="path must be None or a file name"):
        draw_bulk(net, path=3)


def test_cut_scaling_overlays_and_log_axes():
    ax = cut_scaling(tnrbm.models.local_chain(12, radius=1, seed=0), sizes=[1, 2, 4, 6], label="r = 1")
    cut_scaling(tnrbm.models.local_chain(12, radius=2, seed=0), sizes=[1, 2, 4, 6], ax=ax, label="r = 2", logy=True)
    lines = {ln.get_label(): ln for ln in ax.lines}
    assert to_hex(lines["r = 1"].get_color()) != to_hex(lines["r = 2"].get_color())
    assert [ln.get_label() for ln in ax.lines].count(r"$\min(|A|, |B|)$") == 1  # the shared bound drawn once
    for r in (1, 2):  # the local-chain rule m = min(4 r, |A|, |B|) (periodic, alpha = 1)
        np.testing.assert_array_equal(lines[f"r = {r}"].get_ydata(), [min(4 * r, s, 12 - s) for s in (1, 2, 4, 6)])
    assert ax.get_yscale() == "log" and ax.get_xscale() == "linear"
    assert cut_scaling(tnrbm.models.local_chain(8, seed=0), sizes=[1, 2], logx=True).get_xscale() == "log"
    with pytest.raises(InvalidParameterError, match="logx must be False for a hierarchical network"):
        cut_scaling(tnrbm.models.hierarchical(64, seed=0), logx=True)
    with pytest.raises(InvalidParameterError, match="logy must be True or False"):
        cut_scaling(tnrbm.models.local_chain(8, seed=0), sizes=[1], logy="yes")
