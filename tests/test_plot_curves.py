"""Curves (Agg backend): the plotted data are read back and checked against independent references."""

from __future__ import annotations

import itertools
import math
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from plot_checks import clipped_texts, drawn_texts, is_png  # noqa: E402

import tnrbm  # noqa: E402
import tnrbm.plot  # noqa: E402
from tnrbm.errors import InvalidParameterError  # noqa: E402
from tnrbm.plot._curves import (  # noqa: E402
    CUT_BOUND_LABEL,
    ENTROPY_LABEL,
    EXACT_LABEL,
    RANK_BOUND_LABEL,
    TRIVIAL_BOUND_LABEL,
)

LN2 = math.log(2.0)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def line(ax, label: str):
    found = [ln for ln in ax.get_lines() if ln.get_label() == label]
    assert len(found) == 1, [ln.get_label() for ln in ax.get_lines()]
    return np.asarray(found[0].get_xdata(), dtype=float), np.asarray(found[0].get_ydata(), dtype=float)


def brute_state(rbm: tnrbm.RBM) -> np.ndarray:
    """Normalized psi in kron order from the closed form, written here."""
    w, a, b = rbm.W.toarray(), rbm.visible_bias, rbm.hidden_bias
    v = np.array(list(itertools.product((1.0, -1.0), repeat=rbm.n_visible)))
    psi = np.exp(v @ a) * np.prod(2 * np.cosh(b + v @ w), axis=1)
    return psi / np.linalg.norm(psi)


def svd_probabilities(psi: np.ndarray, n: int, region: list[int]) -> np.ndarray:
    rest = [i for i in range(n) if i not in region]
    mat = psi.reshape((2,) * n).transpose(region + rest).reshape(2 ** len(region), -1)
    s = np.linalg.svd(mat, compute_uv=False)
    return np.sort(s**2 / np.sum(s**2))[::-1]


def vn_entropy(p: np.ndarray) -> float:
    p = p[p > 1e-300]
    return float(-np.sum(p * np.log(p)))


# ------------------------------------------------------------------ entropy_curve
def test_entropy_curve_of_a_network_against_svd() -> None:
    n = 8
    rbm = tnrbm.models.local_chain(n, radius=1, seed=2)
    psi = brute_state(rbm)
    ax = tnrbm.plot.entropy_curve(rbm)
    x, s = line(ax, ENTROPY_LABEL)
    np.testing.assert_array_equal(x, np.arange(1, n))
    ref = [vn_entropy(svd_probabilities(psi, n, list(range(k)))) for k in range(1, n)]
    np.testing.assert_allclose(s, ref, atol=1e-10)
    xt, trivial = line(ax, TRIVIAL_BOUND_LABEL)
    np.testing.assert_array_equal(xt, np.arange(1, n))
    np.testing.assert_allclose(trivial, [min(k, n - k) * LN2 for k in range(1, n)], rtol=1e-15)
    assert np.all(s <= trivial + 1e-12)
    assert ax.get_xlabel() == "$|A|$" and "nats" in ax.get_ylabel()


def test_entropy_curve_of_results_draws_their_cut_bound() -> None:
    n = 8
    rbm = tnrbm.models.local_chain(n, radius=1, seed=3)
    results = [tnrbm.entanglement(rbm, list(range(k))) for k in (3, 1, 2, 4)]  # any order
    ax = tnrbm.plot.entropy_curve(results)
    x, s = line(ax, ENTROPY_LABEL)
    np.testing.assert_array_equal(x, [1, 2, 3, 4])
    by_size = {len(r.region): r for r in results}
    np.testing.assert_array_equal(s, [by_size[k].entropy for k in (1, 2, 3, 4)])
    if all(r.cut is None for r in results):
        pytest.skip("entanglement() gave no cut for these regions")
    xc, bound = line(ax, CUT_BOUND_LABEL)
    with_cut = sorted((len(r.region), r.cut.size) for r in results if r.cut is not None)
    np.testing.assert_array_equal(xc, [k for k, _ in with_cut])
    np.testing.assert_allclose(bound, [m * LN2 for _, m in with_cut], rtol=1e-15)
    assert np.all(s[np.isin(x, xc)] <= bound + 1e-10)  # S_A <= m ln 2


def test_entropy_curve_in_bits_and_on_given_axes() -> None:
    rbm = tnrbm.models.random_rbm(5, 3, seed=1)
    fig, ax0 = plt.subplots()
    ax = tnrbm.plot.entropy_curve(rbm, sizes=[2, 1], start=3, base=2, ax=ax0, bounds=False, label="S")
    assert ax is ax0
    assert [ln.get_label() for ln in ax.get_lines()] == ["S"]
    x, s = line(ax, "S")
    psi = brute_state(rbm)
    ref = [vn_entropy(svd_probabilities(psi, 5, r)) / LN2 for r in ([3], [3, 4])]  # sizes sorted on the axis
    np.testing.assert_array_equal(x, [1, 2])
    np.testing.assert_allclose(s, ref, atol=1e-10)
    assert "bits" in ax.get_ylabel()


def test_entropy_curve_wraps_around_a_ring() -> None:
    rbm = tnrbm.models.random_rbm(5, 2, seed=4)
    ax = tnrbm.plot.entropy_curve(rbm, sizes=[2], start=4, bounds=False)
    _, s = line(ax, ENTROPY_LABEL)
    assert s[0] == pytest.approx(vn_entropy(svd_probabilities(brute_state(rbm), 5, [0, 4])), abs=1e-10)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("nope",), {}, "results must be an RBM/DBM or a list of EntanglementResult; got str"),
        (([],), {}, "at least one EntanglementResult"),
        (([1.0],), {}, r"results\[0\] must be an EntanglementResult; got float"),
        ((tnrbm.RBM(np.ones((4, 1))),), {"sizes": [0]}, r"sizes must hold integers in \[1, 4\]; got 0"),
        ((tnrbm.RBM(np.ones((4, 1))),), {"start": 4}, r"start must be an integer in \[0, 4\); got 4"),
        ((tnrbm.RBM(np.ones((1, 1))),), {}, "at least 2 visible spins"),
    ],
)
def test_entropy_curve_refuses_bad_input(args, kwargs, message) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        tnrbm.plot.entropy_curve(*args, **kwargs)


def test_entropy_curve_refuses_mixed_bases() -> None:
    psi = np.ones(4) / 2
    results = [tnrbm.entanglement(psi, [0]), tnrbm.entanglement(psi, [0], base=2)]
    with pytest.raises(InvalidParameterError, match="share one logarithm base"):
        tnrbm.plot.entropy_curve(results)


# ------------------------------------------------------------------ spectrum
def test_spectrum_of_a_random_state_against_svd() -> None:
    rng = np.random.default_rng(0)
    psi = rng.normal(size=2**6) + 1j * rng.normal(size=2**6)
    region = [0, 2, 5]
    res = tnrbm.entanglement(psi, region)
    ax = tnrbm.plot.spectrum(res)
    k, p = line(ax, "Schmidt probabilities $p_k$")
    ref = svd_probabilities(psi / np.linalg.norm(psi), 6, region)
    np.testing.assert_array_equal(k, np.arange(1, 9))
    np.testing.assert_allclose(p, ref, rtol=1e-10)
    assert ax.get_yscale() == "log"
    ax2 = tnrbm.plot.spectrum(res, max_values=3)
    np.testing.assert_allclose(ax2.get_lines()[0].get_ydata(), ref[:3], rtol=1e-10)


def test_spectrum_drops_zeros_and_marks_the_rank_bound() -> None:
    rbm = tnrbm.models.local_chain(8, radius=1, seed=5)
    res = tnrbm.entanglement(rbm, [0, 1, 2, 3])
    ax = tnrbm.plot.spectrum(res)
    _, p = line(ax, "Schmidt probabilities $p_k$")
    ref = svd_probabilities(brute_state(rbm), 8, [0, 1, 2, 3])
    np.testing.assert_allclose(p, np.asarray(res.spectrum)[np.asarray(res.spectrum) > 0], rtol=1e-15)
    np.testing.assert_allclose(p, ref[: len(p)], rtol=1e-6, atol=1e-14)
    assert np.all(p > 0)
    if res.cut is not None:
        x, _ = line(ax, RANK_BOUND_LABEL)
        assert x[0] == 2.0**res.cut.size and len(p) <= 2**res.cut.size  # Schmidt rank <= 2^m


def test_spectrum_refuses_bad_input() -> None:
    with pytest.raises(InvalidParameterError, match="result must be an EntanglementResult; got list"):
        tnrbm.plot.spectrum([0.5, 0.5])
    res = tnrbm.entanglement(np.ones(4), [0])
    with pytest.raises(InvalidParameterError, match="max_values must be None or an integer >= 1; got 0"):
        tnrbm.plot.spectrum(res, max_values=0)


# ------------------------------------------------------------------ energy_history
def test_energy_history_plots_the_data_and_the_exact_line() -> None:
    e = [-3.0, -3.6, -3.9, -3.98]
    ax = tnrbm.plot.energy_history(e, exact=-4.0)
    x, y = line(ax, "energy")
    np.testing.assert_array_equal(x, [0, 1, 2, 3])
    np.testing.assert_array_equal(y, e)
    _, y0 = line(ax, EXACT_LABEL)
    assert set(y0) == {-4.0}


def test_energy_history_relative_error() -> None:
    e = np.array([-3.0, -3.6, -4.0, -3.98])
    ax = tnrbm.plot.energy_history({"energy": e}, exact=-4.0, relative=True)
    x, y = line(ax, "energy")
    np.testing.assert_array_equal(x, [0, 1, 3])  # the exact hit has zero error: not drawable on a log scale
    np.testing.assert_allclose(y, [0.25, 0.1, 0.005], rtol=1e-12)
    assert ax.get_yscale() == "log"


def test_energy_history_of_a_fit_result() -> None:
    fit = SimpleNamespace(history=np.array([-1.0, -1.2]), energy=-1.2, fidelity=None)
    _, y = line(tnrbm.plot.energy_history(fit), "energy")
    np.testing.assert_array_equal(y, [-1.0, -1.2])
    fidelity_fit = SimpleNamespace(history=np.array([0.5, 0.9]), energy=None, fidelity=0.9)
    with pytest.raises(InvalidParameterError, match="fidelities"):
        tnrbm.plot.energy_history(fidelity_fit)


@pytest.mark.parametrize(
    ("history", "kwargs", "message"),
    [
        ([], {}, "non-empty 1D sequence"),
        ([[1.0, 2.0]], {}, "non-empty 1D sequence"),
        (["a"], {}, "non-empty 1D"),
        ({"loss": [1.0]}, {}, r"the key 'energy'; got the keys \['loss'\]"),
        ([1.0, np.nan], {}, "finite energies"),
        ([1.0 + 1.0j], {}, "real energies"),
        ([1.0], {"exact": "x"}, "exact must be None or a finite number"),
        ([1.0], {"relative": True}, "needs the exact energy"),
    ],
)
def test_energy_history_refuses_bad_input(history, kwargs, message) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        tnrbm.plot.energy_history(history, **kwargs)


def test_profile_plot_draws_the_entropies_and_the_cut_bound() -> None:
    import math

    import matplotlib

    matplotlib.use("Agg")
    import numpy as np

    import tnrbm
    import tnrbm.plot

    n, r = 10, 1
    net = tnrbm.models.local_chain(n, radius=r, periodic=False, seed=3)
    prof = tnrbm.entanglement_profile(net)
    # open chain of radius r: a prefix of l spins needs min(2r, l, n - l) cut units (derived in docs/theory/cuts.md)
    m = [min(2 * r, ell, n - ell) for ell in range(1, n)]
    ax = tnrbm.plot.profile(prof, cut_sizes=m)
    lines = {line.get_label(): line for line in ax.get_lines()}
    psi = net.to_dense()
    for ell, s in zip(range(1, n), lines["$S_A$"].get_ydata()):
        p = np.linalg.svd(psi.reshape(2**ell, -1), compute_uv=False) ** 2
        p = p[p > 1e-300]
        assert abs(s + np.sum(p * np.log(p))) < 1e-10
    bound = lines[tnrbm.plot._curves.CUT_BOUND_LABEL].get_ydata()
    assert np.allclose(bound, np.array(m) * math.log(2))


# ------------------------------------------------------------------ saved figures, overlays, log axes, units, ownership
def _profile_case():
    return tnrbm.plot.profile(tnrbm.entanglement_profile(tnrbm.models.local_chain(8, radius=1, periodic=False, seed=0)))


CURVE_CASES = {
    "entropy_curve": lambda: tnrbm.plot.entropy_curve(tnrbm.models.local_chain(8, alpha=2, radius=1, seed=0)),
    "spectrum": lambda: tnrbm.plot.spectrum(tnrbm.entanglement(tnrbm.models.local_chain(8, seed=1), range(4))),
    "energy_history": lambda: tnrbm.plot.energy_history([-3.0, -3.9, -3.99], exact=-4.0),
    "relative energy": lambda: tnrbm.plot.energy_history([-3.0, -3.9, -3.99], exact=-4.0, relative=True),
    "profile": _profile_case,
}


@pytest.mark.parametrize("case", sorted(CURVE_CASES))
def test_saved_curve_keeps_every_text_inside(case, tmp_path) -> None:
    ax = CURVE_CASES[case]()
    ax.figure.savefig(tmp_path / "curve.png")  # the call the docs show
    assert is_png(tmp_path / "curve.png")
    assert clipped_texts(ax.figure) == []
    assert len(drawn_texts(ax.figure)) >= 4  # axis labels, tick labels and the legend were all checked


def test_the_curve_clipping_check_bites(tmp_path) -> None:
    """Control: on a figure without a layout engine the x label of the same curve falls off the bottom."""
    fig = plt.figure(figsize=(5.0, 3.5))
    tnrbm.plot.entropy_curve(tnrbm.models.local_chain(8, alpha=2, radius=1, seed=0), ax=fig.add_subplot())
    fig.savefig(tmp_path / "bare.png")
    assert "$|A|$" in [text for text, _ in clipped_texts(fig)]


def test_overlays_take_distinct_colours() -> None:
    a, b = tnrbm.models.local_chain(8, radius=1, seed=0), tnrbm.models.local_chain(8, radius=2, seed=0)
    ax = tnrbm.plot.entropy_curve(a, label="r = 1")
    tnrbm.plot.entropy_curve(b, ax=ax, label="r = 2")
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    colours = [to_hex(lines[k].get_color()) for k in ("r = 1", "r = 2")]
    assert colours[0] != colours[1]
    for k, c in zip(("r = 1", "r = 2"), colours):
        if f"{k}: {CUT_BOUND_LABEL}" in lines:  # each cut bound in its own curve's colour
            assert to_hex(lines[f"{k}: {CUT_BOUND_LABEL}"].get_color()) == c
    assert [ln.get_label() for ln in ax.get_lines()].count(TRIVIAL_BOUND_LABEL) == 1  # same n: drawn once
    res = [tnrbm.entanglement(net, range(4)) for net in (a, b)]
    ax = tnrbm.plot.spectrum(res[0], label="a")
    tnrbm.plot.spectrum(res[1], ax=ax, label="b")
    assert to_hex(line_obj(ax, "a").get_color()) != to_hex(line_obj(ax, "b").get_color())
    ax = tnrbm.plot.energy_history([-1.0, -1.5], exact=-2.0, label="x")
    tnrbm.plot.energy_history([-1.2, -1.9], exact=-2.0, ax=ax, label="y")
    assert to_hex(line_obj(ax, "x").get_color()) != to_hex(line_obj(ax, "y").get_color())
    assert [ln.get_label() for ln in ax.get_lines()].count(EXACT_LABEL) == 1
    ax = tnrbm.plot.energy_history([-1.0, -1.5], color="C4")
    assert to_hex(ax.get_lines()[0].get_color()) == to_hex("C4")
    with pytest.raises(InvalidParameterError, match="color must be None or a matplotlib colour"):
        tnrbm.plot.energy_history([-1.0], color="not-a-colour")


def line_obj(ax, label: str):
    found = [ln for ln in ax.get_lines() if ln.get_label() == label]
    assert len(found) == 1, [ln.get_label() for ln in ax.get_lines()]
    return found[0]


def test_log_axes_where_asked() -> None:
    n = 6
    rbm = tnrbm.models.local_chain(n, radius=1, seed=2)
    ax = tnrbm.plot.entropy_curve(rbm, logx=True, logy=True)
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    x, s = line(ax, ENTROPY_LABEL)  # the data are those of the linear plot: checked against the SVD
    ref = [vn_entropy(svd_probabilities(brute_state(rbm), n, list(range(k)))) for k in range(1, n)]
    np.testing.assert_allclose(s, ref, atol=1e-10)
    lo, hi = ax.get_ylim()
    assert 0 < lo <= min(v for v in s if v > 0) and hi >= max(s)
    res = tnrbm.entanglement(rbm, [0, 1, 2])
    assert tnrbm.plot.spectrum(res).get_yscale() == "log"  # the default
    assert tnrbm.plot.spectrum(res, logy=False).get_yscale() == "linear"
    assert tnrbm.plot.spectrum(res, logx=True).get_xscale() == "log"
    ax = tnrbm.plot.energy_history([-3.0, -3.5, -3.9], exact=-4.0, relative=True, logx=True)
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    assert tnrbm.plot.energy_history([-3.0], exact=-4.0, relative=True, logy=False).get_yscale() == "linear"
    assert tnrbm.plot.energy_history([-3.0, -3.5]).get_yscale() == "linear"
    prof = tnrbm.entanglement_profile(tnrbm.models.local_chain(6, radius=1, periodic=False, seed=0))
    assert tnrbm.plot.profile(prof, logy=True).get_yscale() == "log"
    with pytest.raises(InvalidParameterError, match="logx must be True or False; got 'yes'"):
        tnrbm.plot.entropy_curve(rbm, logx="yes")


def test_base_2_labels_say_bits_not_ln2(tmp_path) -> None:
    rbm = tnrbm.models.local_chain(8, radius=1, seed=0)
    ax = tnrbm.plot.entropy_curve(rbm, base=2)
    ax.figure.savefig(tmp_path / "bits.png")
    texts = [t.get_text() for t in drawn_texts(ax.figure)]
    assert not any("ln 2" in t or r"\ln" in t for t in texts), texts
    assert "bits" in ax.get_ylabel()
    results = [tnrbm.entanglement(rbm, range(k), base=2) for k in (1, 2, 3)]
    ax = tnrbm.plot.entropy_curve(results)
    if any(r.cut is not None for r in results):  # in bits the cut bound is m itself
        xc, bound = line(ax, "cut bound $m$")
        by_size = {len(r.region): r.cut.size for r in results if r.cut is not None}
        np.testing.assert_allclose(bound, [by_size[int(k)] for k in xc], rtol=1e-14)
    _, trivial = line(ax, r"trivial bound $\min(|A|,|B|)$")
    np.testing.assert_allclose(trivial, [1, 2, 3], rtol=1e-14)  # min(|A|, |B|) bits
    prof = tnrbm.entanglement_profile(tnrbm.models.local_chain(6, radius=1, periodic=False, seed=0), base=2)
    ax = tnrbm.plot.profile(prof)
    ax.figure.savefig(tmp_path / "profile.png")
    texts = [t.get_text() for t in drawn_texts(ax.figure)]
    assert not any("ln 2" in t or r"\ln" in t for t in texts), texts
    res = tnrbm.entanglement(rbm, [0, 1], base=2)
    assert "bits" in tnrbm.plot.spectrum(res).get_title()
    ax = tnrbm.plot.entropy_curve(rbm, sizes=[1, 2], base=10)
    assert r"\log_{10} 2" in line_obj(ax, r"trivial bound $\min(|A|,|B|)\,\log_{10} 2$").get_label()


def test_path_saves_and_closes_what_it_created(tmp_path) -> None:
    rbm = tnrbm.models.local_chain(6, radius=1, seed=0)
    res = tnrbm.entanglement(rbm, [0, 1, 2])
    prof = tnrbm.entanglement_profile(tnrbm.models.local_chain(6, radius=1, periodic=False, seed=0))
    before = plt.get_fignums()
    calls = [
        lambda p: tnrbm.plot.entropy_curve(rbm, sizes=[1, 2], path=p),
        lambda p: tnrbm.plot.spectrum(res, path=p),
        lambda p: tnrbm.plot.energy_history([-1.0, -2.0], exact=-2.0, path=p),
        lambda p: tnrbm.plot.profile(prof, path=p),
    ]
    for k, call in enumerate(calls):
        call(tmp_path / f"{k}.png")
        assert plt.get_fignums() == before
        assert is_png(tmp_path / f"{k}.png")
    fig, ax = plt.subplots()  # the caller's axes are saved and stay open
    assert tnrbm.plot.spectrum(res, ax=ax, path=str(tmp_path / "mine.png")) is ax
    assert plt.fignum_exists(fig.number) and is_png(tmp_path / "mine.png")
    ax = tnrbm.plot.spectrum(res)  # no path: the new figure (constrained layout) is the caller's
    assert plt.fignum_exists(ax.figure.number)
    assert type(ax.figure.get_layout_engine()).__name__ == "ConstrainedLayoutEngine"
    before = plt.get_fignums()
    with pytest.raises(InvalidParameterError, match="path must be None or a file name"):
        tnrbm.plot.spectrum(res, path=3.5)
    for bad, message in [
        (tmp_path / "x.xyz", "path must end in an image suffix"),
        ("/no/such/dir/x.png", "existing folder"),
    ]:
        with pytest.raises(InvalidParameterError, match=message):
            tnrbm.plot.entropy_curve(rbm, path=bad)
    assert plt.get_fignums() == before  # refused before any figure was made
    with pytest.raises(InvalidParameterError, match="ax must be None or a matplotlib Axes; got str"):
        tnrbm.plot.spectrum(res, ax="ax")
