"""Figures a journal would print (issue 19, item 5), checked on the drawn figure (Agg backend).

For every figure type: no two text boxes overlap (tick labels, axis labels, titles, legend frames, unit
labels, annotations: renderer extents), every data point lies inside the axes limits, and the axis range
covers the data of interest. References are independent of the plot code: the result's own spectrum
(its length, its values), dense SVD entropies, the open-chain cut rule m = min(2r, l, N - l), the
hierarchical law m = 2 log2 |A|, numpy's histogram, the closed-form decimation flow. The last tests show
that each check fails on a deliberately bad figure.
"""

from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import AutoLocator  # noqa: E402
from PIL import Image  # noqa: E402
from plot_checks import overlapping_texts, points_outside, y_fraction  # noqa: E402

import tnrbm  # noqa: E402
import tnrbm.plot  # noqa: E402
from tnrbm.bulk import unit_positions  # noqa: E402
from tnrbm.errors import InvalidParameterError  # noqa: E402
from tnrbm.plot._figure import BOUND, DATA  # noqa: E402
from tnrbm.rg.decimation import decimation_flow  # noqa: E402

LN2 = math.log(2.0)
EPS = float(np.finfo(float).eps)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def cli_axes(kind: str = "curve"):
    """Axes on the figure the command line draws on (cli/plots.py: 8 x 5 in for a bulk, 6 x 4 otherwise)."""
    return Figure(figsize=(8, 5) if kind == "bulk" else (6, 4), layout="constrained").subplots()


def lines(ax, gid: str) -> list:
    return [ln for ln in ax.get_lines() if ln.get_gid() == gid]


def legend_texts(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def wrap_lengths(ax) -> np.ndarray:
    """The horizontal extent of every coupling segment drawn (LineCollections: edges and stubs)."""
    spans = [
        abs(seg[1][0] - seg[0][0]) for c in ax.collections if isinstance(c, LineCollection) for seg in c.get_segments()
    ]
    return np.array(spans)


def fractional_ticks(ax) -> list[float]:
    lo, hi = sorted(ax.get_xlim())
    return [float(t) for t in ax.get_xticks() if lo <= t <= hi and abs(t - round(t)) > 1e-9]


# --------------------------------------------------------------------------------- spectrum
@pytest.fixture(scope="module")
def half_chain():
    """A radius-2 chain of 24 spins, half cut: m = 8, 256 values, most of them rounding noise below 1e-16."""
    return tnrbm.entanglement(tnrbm.models.local_chain(24, radius=2, seed=0), range(12))


def test_spectrum_draws_every_value_with_its_floor_and_count(half_chain):
    res = half_chain
    values = np.sort(np.asarray(res.spectrum, dtype=float))[::-1]
    ax = tnrbm.plot.spectrum(res, ax=cli_axes())
    drawn = lines(ax, "spectrum")
    xs = np.concatenate([ln.get_xdata() for ln in drawn])
    ys = np.concatenate([ln.get_ydata() for ln in drawn])
    assert sorted(xs.tolist()) == list(range(1, len(values) + 1))  # every value has its point
    floor = EPS * values[0]
    below = values < floor
    assert below.sum() > 100  # the case that was measured: most values below machine precision
    expected = np.where(below, floor, values)  # a floored value is drawn at the floor
    np.testing.assert_allclose(ys[np.argsort(xs)], expected, rtol=1e-12)
    assert f"({len(values)} values)" in " ".join(legend_texts(ax))  # the count in the legend
    assert any(t.startswith(f"{int(below.sum())} below") for t in legend_texts(ax))
    assert ax.get_ylim()[0] < floor  # the floored points are inside, not on the frame
    assert points_outside(ax, drawn) == []
    (rank,) = [ln for ln in ax.get_lines() if ln.get_label() == tnrbm.plot._curves.RANK_BOUND_LABEL]
    assert rank.get_xdata()[0] == 2**res.m and rank.get_xdata()[0] <= ax.get_xlim()[1]
    assert rank.get_color() != drawn[0].get_color() and rank.get_linestyle() != drawn[0].get_linestyle()
    assert overlapping_texts(ax.figure) == []


def test_spectrum_of_a_small_state_against_dense_svd():
    rbm = tnrbm.models.local_chain(8, radius=1, seed=1)
    res = tnrbm.entanglement(rbm, [0, 1, 2, 3])
    psi = rbm.to_dense()
    ref = np.linalg.svd(psi.reshape(16, 16), compute_uv=False) ** 2
    ref = np.sort(ref / ref.sum())[::-1]
    ax = tnrbm.plot.spectrum(res, max_values=5)
    (curve,) = [ln for ln in lines(ax, "spectrum") if ln.get_label() == tnrbm.plot._curves.SPECTRUM_LABEL]
    np.testing.assert_allclose(curve.get_ydata(), ref[:5], rtol=1e-8)
    assert f"(5 of {len(res.spectrum)} values)" in " ".join(legend_texts(ax))


# ---------------------------------------------------------------------------------- profile
def test_profile_ranges_over_the_entropies_and_draws_s2():
    n, r = 24, 1
    net = tnrbm.models.local_chain(n, radius=r, periodic=False, seed=0)
    prof = tnrbm.entanglement_profile(net)
    m = [min(2 * r, ell, n - ell) for ell in range(1, n)]  # the open-chain cut rule
    ax = tnrbm.plot.profile(prof, cut_sizes=m, ax=cli_axes())
    psi = net.to_dense() if n <= 16 else None
    assert psi is None  # 2^24 amplitudes: the entropies are checked on the small chain below
    s_a = lines(ax, DATA)[0].get_ydata()
    (s_2,) = [ln for ln in lines(ax, DATA) if ln.get_label() == "$S_{2}$"]
    np.testing.assert_array_equal(s_2.get_ydata(), prof.renyi[2])
    assert np.all(s_2.get_ydata() <= s_a + 1e-12)  # S_2 <= S_1
    assert y_fraction(ax, s_a) >= 0.2  # S_A (< 0.32) is not squashed onto the axis by the trivial bound (8.3)
    assert points_outside(ax, lines(ax, DATA)) == []
    cut_line = [ln for ln in lines(ax, BOUND) if "cut bound" in ln.get_label()][0]
    np.testing.assert_allclose(cut_line.get_ydata(), np.array(m) * LN2)
    assert points_outside(ax, [cut_line]) == []  # the cut bound (2 ln 2) stays in view
    trivial = [ln for ln in ax.get_lines() if ln.get_gid() == "trivial"]
    assert len(trivial) == 1 and points_outside(ax, trivial) != []  # clipped at the top
    assert any("clipped; up to 8.32" in t for t in legend_texts(ax))  # the trivial bound, 12 ln 2, is clipped
    assert overlapping_texts(ax.figure) == []


def test_profile_entropies_against_dense_svd():
    net = tnrbm.models.local_chain(10, radius=1, periodic=False, seed=3)
    prof = tnrbm.entanglement_profile(net)
    ax = tnrbm.plot.profile(prof)
    psi = net.to_dense()
    for ell, s, s2 in zip(range(1, 10), lines(ax, DATA)[0].get_ydata(), lines(ax, DATA)[1].get_ydata()):
        p = np.linalg.svd(psi.reshape(2**ell, -1), compute_uv=False) ** 2
        p = p[p > 1e-300] / p.sum()
        assert abs(s + np.sum(p * np.log(p))) < 1e-10
        assert abs(s2 + np.log(np.sum(p**2))) < 1e-10


# ------------------------------------------------------------------------------- fit energy
def fit_like_history() -> tuple[np.ndarray, float]:
    """A history whose relative error falls from 1e-1 to 1e-5 (as the TFIM fits measured)."""
    e0 = -12.784906442999
    return e0 * (1.0 - np.logspace(-1, -5, 60)), e0


def test_energy_history_relative_error_on_a_log_axis():
    e, e0 = fit_like_history()
    ax = tnrbm.plot.energy_history(e, exact=e0, relative=True, title="TFIM, $N = 10$, $h = 1$", ax=cli_axes())
    (curve,) = ax.get_lines()
    np.testing.assert_allclose(curve.get_ydata(), np.abs(e - e0) / abs(e0), rtol=1e-9)
    assert ax.get_yscale() == "log"
    assert points_outside(ax, [curve]) == []
    lo, hi = np.log10(ax.get_ylim())
    assert (math.log10(1e-1) - math.log10(1e-5)) / (hi - lo) >= 0.5  # the four decades fill the axis
    assert ax.get_title() == "TFIM, $N = 10$, $h = 1$" and "relative error" in ax.get_ylabel()
    assert overlapping_texts(ax.figure) == []


def test_energy_history_names_units_and_the_exact_energy():
    e, e0 = fit_like_history()
    ax = tnrbm.plot.energy_history(e, exact=e0, ax=cli_axes())
    assert "units of $J$" in ax.get_ylabel() and ax.get_title()
    assert any("E_0 = -12.784906" in t for t in legend_texts(ax))
    assert points_outside(ax, ax.get_lines()[:1]) == []
    assert overlapping_texts(ax.figure) == []


# ----------------------------------------------------------------------------------- bulk
def test_chain_with_two_hidden_units_per_site_has_no_touching_labels():
    net = tnrbm.models.local_chain(16, alpha=2, radius=1, seed=0)  # 48 units: labelled
    ax = tnrbm.plot.draw_bulk(net, region=range(4), ax=cli_axes("bulk"))
    assert len([t for t in ax.texts if t.get_text().startswith("H")]) == 32
    assert overlapping_texts(ax.figure) == []
    assert points_outside(ax, ax.collections[-4:]) == []  # the unit scatters


def test_periodic_hierarchical_wraps_are_stubs():
    net = tnrbm.models.hierarchical(32, seed=0)
    ax = tnrbm.plot.draw_bulk(net, region=range(8, 16), ax=cli_axes("bulk"))
    assert wrap_lengths(ax).max() <= 32 / 2 + 1e-9  # no coupling drawn across the whole figure
    assert overlapping_texts(ax.figure) == []


def test_toric_code_axes_name_rows_and_columns():
    ax = tnrbm.plot.draw_bulk(tnrbm.states.toric_code(3), region=[0, 1, 2, 3], ax=cli_axes("bulk"))
    assert ax.get_xlabel().startswith("column") and "column $y$" in ax.get_xlabel()
    assert ax.get_ylabel().startswith("row") and "row $x$" in ax.get_ylabel()
    assert overlapping_texts(ax.figure) == []
    assert points_outside(ax, [c for c in ax.collections if c.get_gid() in ("visible", "hidden1")]) == []


# ------------------------------------------------------------------------------------- rg
def test_rg_flow_has_integer_steps_symbols_and_error_bars():
    exact = decimation_flow(1.0, 0.0, 3)["coupling"]
    k_ref = [1.0]
    for _ in range(3):
        k_ref.append(math.atanh(math.tanh(k_ref[-1]) ** 2))  # tanh K' = tanh^2 K
    np.testing.assert_allclose(exact, k_ref, rtol=1e-12)
    ax = tnrbm.plot.coupling_flow(
        exact,
        learned_weight=exact[:-1] + 0.01,
        learned_weight_error=[0.02] * 3,
        learned_coupling=exact[1:] - 0.01,
        learned_coupling_error=[0.03] * 3,
        ax=cli_axes(),
    )
    assert fractional_ticks(ax) == []
    texts = legend_texts(ax) + [ax.get_ylabel(), ax.get_title()]
    assert not any("K~" in t for t in texts) and any(r"\tilde{K}" in t for t in texts)
    bars = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(bars) == 2 and all(len(b.get_segments()) == 3 for b in bars)
    np.testing.assert_allclose(sorted(np.ptp(s[:, 1]) for b in bars for s in b.get_segments()), [0.04] * 3 + [0.06] * 3)
    assert points_outside(ax, lines(ax, DATA)) == []
    assert overlapping_texts(ax.figure) == []


def test_rg_sample_histogram_is_a_density_with_its_parameters():
    m = np.random.default_rng(1).normal(0.0, 0.4, size=(8, 200)).clip(-1, 1)
    ax = tnrbm.plot.magnetization_histogram(m, size=16, coupling=0.4406868, sweeps=200, chains=8, ax=cli_axes())
    ref, edges = np.histogram(m.ravel(), bins=41, range=(-1, 1), density=True)
    np.testing.assert_allclose([p.get_height() for p in ax.patches], ref, rtol=1e-12)
    assert float(np.sum(ref * np.diff(edges))) == pytest.approx(1.0)
    title = ax.get_title()
    assert "$L = 16$" in title and "$K = 0.4407$" in title and "200 sweeps x 8 chains" in title
    assert "magnetization per spin" in ax.get_xlabel() and "density" in ax.get_ylabel()
    assert points_outside(ax, ax.patches) == []
    assert overlapping_texts(ax.figure) == []


# ----------------------------------------------------------------------------- cut scaling
def test_cut_scaling_ranges_over_m_and_shows_the_fit():
    net = tnrbm.models.hierarchical(128, seed=0)
    ax = tnrbm.plot.cut_scaling(net, ax=cli_axes())
    x, m = ax.lines[0].get_data()
    np.testing.assert_array_equal(m, 2 * x)  # m = 2 log2 |A| (paper eq. 18)
    assert y_fraction(ax, m) >= 0.7  # the trivial bound (up to 64) does not flatten m (2 .. 12)
    (fit,) = lines(ax, "fit")
    assert fit.get_zorder() > ax.lines[0].get_zorder() and fit.get_linestyle() == "--"
    assert points_outside(ax, [ax.lines[0], fit]) == []
    assert any("clipped; up to 64" in t for t in legend_texts(ax))
    assert overlapping_texts(ax.figure) == []


# ------------------------------------------------------------------------- the other curves
@pytest.mark.parametrize("kind", ["entropy", "levels", "transition"])
def test_other_figures_pass_the_layout_checks(kind):
    if kind == "entropy":
        ax = tnrbm.plot.entropy_curve(tnrbm.models.local_chain(8, radius=1, seed=0), ax=cli_axes())
        data = ax.get_lines()[:1]
    elif kind == "levels":
        res = tnrbm.entropy.symmetry_resolved(tnrbm.states.cluster(8), [0, 1, 2], "z2")
        ax = tnrbm.plot.entanglement_levels_plot(res, ax=cli_axes())
        data = ax.get_lines()[:1]
    else:
        from tnrbm.bulk import two_region_transition

        chain = tnrbm.models.local_chain(24, radius=1, seed=0)
        rows = two_region_transition(chain, [(range(4), range(4 + d, 8 + d)) for d in range(5)])
        ax = tnrbm.plot.cut_transition(rows, ax=cli_axes())
        data = ax.get_lines()
    assert points_outside(ax, data) == []
    assert overlapping_texts(ax.figure) == []


# -------------------------------------------------------------------------------- metadata
def test_saved_figures_record_the_version_and_the_seed(tmp_path):
    m = np.random.default_rng(3).uniform(-1, 1, 500)
    path = tmp_path / "m.png"
    tnrbm.plot.magnetization_histogram(m, size=8, coupling=0.4, sweeps=50, chains=10, path=path, seed=3)
    text = Image.open(path).text
    assert text["tnrbm version"] == tnrbm.__version__ and text["seed"] == "3"
    assert text["Software"] == f"tnrbm {tnrbm.__version__}"
    pdf = tmp_path / "e.pdf"
    tnrbm.plot.energy_history([-1.0, -2.0], exact=-2.5, path=pdf, metadata={"model": "tfim:n=4"})
    raw = pdf.read_bytes()
    assert f"tnrbm version={tnrbm.__version__}".encode() in raw and b"model=tfim:n=4" in raw
    fig = Figure()
    fig.subplots().plot([0, 1])
    buf = tmp_path / "plain.png"
    tnrbm.plot.save_figure(fig, buf)
    assert "seed" not in Image.open(buf).text and Image.open(buf).text["tnrbm version"] == tnrbm.__version__
    with pytest.raises(InvalidParameterError, match="seed must be None or the integer"):
        tnrbm.plot.save_figure(fig, tmp_path / "x.png", seed="zero")
    with pytest.raises(InvalidParameterError, match="metadata must be None or a mapping"):
        tnrbm.plot.save_figure(fig, tmp_path / "x.png", metadata={1: "a"})


# ------------------------------------------------------------------------ the checks bite
def test_every_check_fails_on_a_bad_figure(half_chain):
    # overlapping text boxes: two labels in one place
    ax = cli_axes()
    ax.plot([0, 1], [0, 1])
    ax.text(0.5, 0.5, "H0")
    ax.text(0.5, 0.5, "H1")
    assert ("'H0'", "'H1'") in overlapping_texts(ax.figure)
    # the same chain as above, its hidden units in one row (the old layout): their labels overlap
    net = tnrbm.models.local_chain(16, alpha=2, radius=1, seed=0)
    ax = tnrbm.plot.draw_bulk(net, region=range(4), positions=unit_positions(net), ax=cli_axes("bulk"))
    assert any(a.startswith("'H") and b.startswith("'H") for a, b in overlapping_texts(ax.figure))
    # the old periodic hierarchical picture (no wrapping): couplings across the whole figure
    hier = tnrbm.models.hierarchical(32, seed=0)
    ax = tnrbm.plot.draw_bulk(hier, region=range(8, 16), positions=unit_positions(hier), ax=cli_axes("bulk"))
    assert wrap_lengths(ax).max() > 32 / 2
    # a data point outside the limits
    ax = tnrbm.plot.cut_scaling(tnrbm.models.hierarchical(128, seed=0), ax=cli_axes())
    ax.set_ylim(0, 10)
    assert points_outside(ax, ax.lines[:1]) == [(6.0, 12.0)]
    # the old profile: the trivial bound sets the range and S_A is squashed
    n = 24
    prof = tnrbm.entanglement_profile(tnrbm.models.local_chain(n, radius=1, periodic=False, seed=0))
    ax = tnrbm.plot.profile(prof, ax=cli_axes())
    ax.set_ylim(0, 1.15 * (n // 2) * LN2)
    assert y_fraction(ax, prof.entropy) < 0.2
    # the old cut scaling: m flattened by the trivial bound
    ax = tnrbm.plot.cut_scaling(tnrbm.models.hierarchical(128, seed=0), ax=cli_axes())
    ax.set_ylim(0, 1.25 * 64 + 1)
    assert y_fraction(ax, ax.lines[0].get_ydata()) < 0.7
    # the old spectrum: values below 1e-15 dropped, so the points fall short of the count
    p = np.sort(np.asarray(half_chain.spectrum))[::-1]
    ax = cli_axes()
    ax.semilogy(np.arange(1, (p >= 1e-15 * p[0]).sum() + 1), p[p >= 1e-15 * p[0]], gid="spectrum")
    assert sum(len(ln.get_xdata()) for ln in lines(ax, "spectrum")) < len(p)
    # fractional ticks on integer RG steps (matplotlib's default locator)
    ax = tnrbm.plot.coupling_flow(decimation_flow(1.0, 0.0, 2)["coupling"], ax=cli_axes())
    ax.xaxis.set_major_locator(AutoLocator())
    assert fractional_ticks(ax) != []
    # a 1e-5 relative error on a linear energy axis spans a sliver of the range
    e, e0 = fit_like_history()
    ax = tnrbm.plot.energy_history(e, exact=e0, ax=cli_axes())
    lo, hi = ax.get_ylim()
    assert abs(e[-1] - e0) / (hi - lo) < 1e-3


def test_figures_save_small(tmp_path):
    ax = tnrbm.plot.draw_bulk(tnrbm.models.hierarchical(32, seed=0), region=range(8, 16))
    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png", dpi=100)
    assert buf.tell() < 150_000  # a gallery image at dpi 100
