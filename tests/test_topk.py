"""top_schmidt (tnrbm.entropy.topk) and the certified bounds (tnrbm.entropy.certify) against dense references:
the full spectrum of the cut method, the SVD of the dense state, and direct eigen-decompositions."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tnrbm
from tnrbm.entropy.certify import entropy_bounds
from tnrbm.entropy.topk import top_schmidt
from tnrbm.errors import InvalidParameterError, MemoryLimitError

ORDERS = (0.5, 2, 3, float("inf"))


def _renyi(spectrum: np.ndarray, alpha: float) -> float:
    p = spectrum[spectrum > 0]
    if math.isinf(alpha):
        return -math.log(p[0])
    return math.log(float(np.sum(p**alpha))) / (1 - alpha)


def _check_against(res, spectrum: np.ndarray, rel: float = 1e-10) -> None:
    """Top-k to ``rel`` (values above 1e-6 of the largest; below, to 1e-15 of it: the reference's own
    rounding), every bound containing the exact entropy, the purity and the tail mass."""
    k = res.k
    exact = spectrum[:k]
    big = exact > 1e-6 * exact[0]
    assert np.all(np.abs(res.probabilities[big] - exact[big]) <= rel * exact[big])
    assert np.all(np.abs(res.probabilities - exact) <= rel * exact + 1e-15 * exact[0])
    nz = spectrum[spectrum > 0]
    s = float(-np.sum(nz * np.log(nz)))
    lo, hi = res.entropy_bounds
    assert lo <= s <= hi
    for alpha, (lo_a, hi_a) in res.renyi_bounds.items():
        assert lo_a <= _renyi(spectrum, alpha) <= hi_a, alpha
    assert res.purity == pytest.approx(float(np.sum(spectrum**2)), rel=1e-11)
    assert res.tail_mass == pytest.approx(1.0 - float(np.sum(exact)), abs=1e-12)


@pytest.mark.parametrize("apply", ["network", "blocks"])
@pytest.mark.parametrize("complex_", [False, True])
@pytest.mark.parametrize(("shape", "rows", "k"), [((4, 4), 2, 16), ((5, 5), 2, 24), ((3, 6), 1, 8)])
def test_lattice_against_full_spectrum(shape, rows, k, complex_, apply):
    net = tnrbm.models.local_lattice(shape, periodic=False, seed=3, complex=complex_)
    region = tuple(range(rows * shape[1]))
    full = tnrbm.entanglement(net, region, method="cut", renyi=ORDERS)
    res = top_schmidt(net, region, k=k, renyi=ORDERS, seed=1, apply=apply)
    assert res.extra["apply"] == apply
    assert res.converged and res.m == full.cut.size
    _check_against(res, full.spectrum)
    assert res.renyi_bounds[2][0] == pytest.approx(full.renyi[2], abs=1e-10)


def test_chain_against_dense_svd():
    net = tnrbm.models.local_chain(12, radius=2, periodic=False, seed=5)
    region = tuple(range(6))
    full = tnrbm.entanglement(net, region, method="dense")
    res = top_schmidt(net, region, k=6, seed=2)
    _check_against(res, full.spectrum)


@pytest.mark.slow
@pytest.mark.parametrize("complex_", [False, True])
def test_m12_lattice(complex_):
    net = tnrbm.models.local_lattice((6, 6), periodic=False, seed=0, complex=complex_)
    region = tuple(range(18))
    full = tnrbm.entanglement(net, region, method="cut", renyi=ORDERS)
    assert full.cut.size == 12
    res = top_schmidt(net, region, k=64, renyi=ORDERS, seed=0)
    _check_against(res, full.spectrum)


def test_unconverged_bounds_still_contain():
    """One pass only: the values are not converged, but every bound still holds (they hold for any basis)."""
    net = tnrbm.models.local_lattice((4, 4), periodic=False, seed=7, complex=True)
    region = tuple(range(8))
    full = tnrbm.entanglement(net, region, method="cut", renyi=ORDERS)
    res = top_schmidt(net, region, k=12, renyi=ORDERS, max_iter=1, oversample=0, seed=4)
    nz = full.spectrum[full.spectrum > 0]
    s = float(-np.sum(nz * np.log(nz)))
    assert res.entropy_bounds[0] <= s <= res.entropy_bounds[1]
    for alpha, (lo, hi) in res.renyi_bounds.items():
        assert lo <= _renyi(full.spectrum, alpha) <= hi
    assert np.all(res.probabilities <= full.spectrum[:12] * (1 + 1e-12) + 1e-15)  # interlacing


def test_seed_recorded_and_reproducible():
    net = tnrbm.models.local_lattice((4, 4), periodic=False, seed=2)
    a = top_schmidt(net, range(8), k=4, seed=11, max_iter=2)
    b = top_schmidt(net, range(8), k=4, seed=11, max_iter=2)
    assert a.seed == 11 and np.array_equal(a.probabilities, b.probabilities)
    assert "S in" in repr(a) and a.to_dict()["k"] == 4


def _dense_ritz(rho: np.ndarray, k: int, steps: int, rng: np.random.Generator):
    q = np.linalg.qr(rng.normal(size=(rho.shape[0], k)) + 0j)[0]
    for _ in range(steps):
        q = np.linalg.qr(rho @ q)[0]
    w, v = np.linalg.eigh(q.conj().T @ rho @ q)
    w, v = w[::-1], v[:, ::-1]
    u = q @ v
    r = rho @ u - u * w
    return w, np.linalg.norm(r, 2), np.linalg.norm(r)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    dim=st.integers(2, 24),
    data=st.data(),
    decay=st.floats(0.0, 12.0),
    zeros=st.integers(0, 10),
    steps=st.integers(0, 4),
    seed=st.integers(0, 2**16),
)
def test_bounds_hold_for_any_basis(dim, data, decay, zeros, steps, seed):
    """entropy_bounds against eigvalsh of random density matrices, with bases from 0-4 power steps."""
    k = data.draw(st.integers(1, dim))
    rng = np.random.default_rng(seed)
    lam = np.exp(-decay * rng.uniform(size=dim))
    lam[: min(zeros, dim - 1)] = 0.0
    lam /= lam.sum()
    u0 = np.linalg.qr(rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim)))[0]
    rho = (u0 * lam) @ u0.conj().T
    w, r2, rf = _dense_ritz(rho, k, steps, rng)
    exact = np.sort(np.linalg.eigvalsh(rho).clip(0))[::-1]
    (lo, hi), renyi = entropy_bounds(w, float(np.sum(lam**2)), r2, rf, dim, renyi=ORDERS + (0,))
    nz = np.sort(lam)[::-1]
    s = float(-np.sum(nz[nz > 0] * np.log(nz[nz > 0])))
    assert lo <= s <= hi
    for alpha in ORDERS:
        assert renyi[alpha][0] <= _renyi(np.sort(lam)[::-1], alpha) <= renyi[alpha][1]
    assert renyi[0][0] <= math.log(np.count_nonzero(lam)) <= renyi[0][1]
    assert np.all(w <= exact[:k] + 1e-14)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n_hidden=st.integers(1, 5), complex_=st.booleans(), seed=st.integers(0, 1000), data=st.data())
def test_random_rbm_against_dense(n_hidden, complex_, seed, data):
    """Random small RBMs (the region's visible spins are the cut whenever it is smaller): against the SVD."""
    net = tnrbm.models.random_rbm(8, n_hidden, seed=seed, complex=complex_)
    region = tuple(range(data.draw(st.integers(1, 4))))
    full = tnrbm.entanglement(net, region, method="dense", renyi=ORDERS)
    rank_dim = 2 ** tnrbm.min_cut(net, region).size
    k = data.draw(st.integers(1, rank_dim - 1)) if rank_dim > 1 else None
    if k is None:
        return
    try:
        res = top_schmidt(net, region, k=k, renyi=ORDERS, seed=seed)
    except InvalidParameterError:  # a cut through hidden units: refused, by design
        return
    nz = full.spectrum[full.spectrum > 0]
    s = float(-np.sum(nz * np.log(nz)))
    assert res.entropy_bounds[0] <= s <= res.entropy_bounds[1]
    for alpha, (lo, hi) in res.renyi_bounds.items():
        assert lo <= _renyi(full.spectrum, alpha) <= hi
    big = full.spectrum[:k] > 1e-6 * full.spectrum[0]
    if res.converged:
        assert np.allclose(res.probabilities[big], full.spectrum[:k][big], rtol=1e-10, atol=0)


def test_bad_input():
    net = tnrbm.models.local_lattice((4, 4), periodic=False, seed=0)
    m = tnrbm.min_cut(net, range(8)).size
    with pytest.raises(InvalidParameterError, match="k"):
        top_schmidt(net, range(8), k=2**m)
    with pytest.raises(InvalidParameterError, match="k"):
        top_schmidt(net, range(8), k=0)
    with pytest.raises(InvalidParameterError, match="tol"):
        top_schmidt(net, range(8), k=2, tol=-1)
    with pytest.raises(InvalidParameterError):
        top_schmidt(np.ones(4) / 2, [0], k=1)


def test_memory_refused_before_allocating():
    net = tnrbm.models.local_lattice((4, 4), periodic=False, seed=0)
    with pytest.raises(MemoryLimitError) as err:
        top_schmidt(net, range(8), k=8, max_memory="20KiB")
    assert err.value.needed is not None and err.value.needed > err.value.limit
    assert "k=8" in str(err.value)


def test_cli_json_against_full_spectrum(capsys):
    import json

    from tnrbm.cli import main

    spec = "local-lattice:shape=4x4,periodic=false,seed=0,complex=true"
    assert main(["topk", spec, "0:8", "--k", "6", "--renyi", "2,inf", "--seed", "0", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    full = tnrbm.entanglement(tnrbm.specs.parse_model(spec), range(8), method="cut")
    assert np.allclose(out["probabilities"], full.spectrum[:6], rtol=1e-10, atol=0)
    assert out["entropy_bounds"][0] <= full.entropy <= out["entropy_bounds"][1]
    assert out["seed"] == 0 and out["k"] == 6
    assert main(["topk", spec, "0:8", "--k", "3"]) == 0
    assert "S (nats) lower" in capsys.readouterr().out


def test_cli_refuses_bad_k(capsys):
    from tnrbm.cli import main

    code = main(["topk", "local-lattice:shape=4x4,periodic=false,seed=0", "0:8", "--k", "100000"])
    err = capsys.readouterr().err
    assert code != 0 and "k=100000" in err and "Traceback" not in err


@pytest.mark.parametrize("parallel", [None, "threads"])
def test_many_blocks_and_threads_against_full_spectrum(parallel):
    """A small max_memory slices the Gram into many blocks (bra and ket indices); threads sum the same."""
    net = tnrbm.models.local_lattice((5, 5), periodic=False, seed=3, complex=True)
    full = tnrbm.entanglement(net, range(10), method="cut", renyi=ORDERS)
    res = top_schmidt(net, range(10), k=8, renyi=ORDERS, max_memory="4MiB", parallel=parallel, seed=3, apply="blocks")
    assert res.extra["n_blocks"] >= 64 and res.memory <= 4 * 2**20
    _check_against(res, full.spectrum)


def test_dask_client_against_full_spectrum():
    pytest.importorskip("distributed")
    from tnrbm.contract import dask_client

    net = tnrbm.models.local_lattice((4, 4), periodic=False, seed=5)
    full = tnrbm.entanglement(net, range(8), method="cut")
    client = dask_client(n_workers=2, processes=False)
    try:
        res = top_schmidt(net, range(8), k=6, max_memory="2MiB", parallel=client, seed=0)
    finally:
        client.close()
        client.cluster.close()
    assert res.extra["n_blocks"] > 1
    _check_against(res, full.spectrum)


def test_network_route_sliced_against_full_spectrum():
    """A small max_memory slices the purity's network (cotengra) into many pieces: the same values."""
    net = tnrbm.models.local_lattice((5, 5), periodic=False, seed=3, complex=True)
    full = tnrbm.entanglement(net, range(10), method="cut", renyi=ORDERS)
    res = top_schmidt(net, range(10), k=8, renyi=ORDERS, max_memory="8MiB", seed=3, apply="network")
    assert res.extra["slices"]["square"] > 1 and res.memory <= 8 * 2**20
    _check_against(res, full.spectrum)


@pytest.mark.parametrize("complex_", [False, True])
def test_operator_networks_against_the_whole_gram(complex_):
    """The three networks of apply="network" (G X, Tr DG, Tr DGDG) against the Gram matrix contracted whole."""
    from tnrbm.contract import plan_contraction
    from tnrbm.entropy.blocks import gram_diagonal, gram_sides
    from tnrbm.entropy.compute import make_problem
    from tnrbm.entropy.topk import operator_networks

    net = tnrbm.models.local_lattice((4, 4), periodic=False, seed=4, complex=complex_)
    problem = make_problem(net, tuple(range(8)), "cut", 2**30, None, False)
    plan_d, arrays_d, (arrays, inputs, output) = gram_sides(problem)
    m = len(output) // 2
    sizes = {ix: 2 for term in inputs for ix in term}
    g, e = plan_contraction(inputs, output, sizes).contract(arrays)
    g = np.asarray(g).reshape(2**m, 2**m) * 10.0**e
    assert np.allclose(g, g.conj().T, rtol=1e-12, atol=1e-12 * np.abs(g).max())  # Hermitian
    d = gram_diagonal(plan_d, arrays_d)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2**m, 5)) + (1j * rng.normal(size=(2**m, 5)) if complex_ else 0)
    nets = operator_networks(inputs, output)
    shape = (2,) * m

    def run(name, extra, width=1):
        ins, out = nets[name]
        size = {ix: 2 for term in ins for ix in term} | {"topk_column": width}
        mantissa, exponent = plan_contraction(ins, out, size).contract([*arrays, *extra])
        return np.asarray(mantissa) * 10.0**exponent

    gx = run("apply", [x.reshape(*shape, 5)], width=5).reshape(2**m, 5)
    assert np.allclose(gx, g @ x, rtol=1e-10, atol=1e-12 * np.abs(g @ x).max())
    assert float(run("trace", [d.reshape(shape)]).real) == pytest.approx(np.sum(d * np.diag(g)).real, rel=1e-10)
    dg = d[:, None] * g
    assert float(run("square", [*arrays, *[d.reshape(shape)] * 2]).real) == pytest.approx(
        np.trace(dg @ dg).real, rel=1e-10
    )


def test_bad_apply():
    net = tnrbm.models.local_lattice((4, 4), periodic=False, seed=0)
    with pytest.raises(InvalidParameterError, match="apply='gpu'"):
        top_schmidt(net, range(8), k=2, apply="gpu")


@pytest.mark.parametrize("complex_", [False, True])
def test_gap_tol_stops_early_and_bounds_still_contain(complex_):
    """gap_tol stops once the certified gap stalls: fewer passes than the residual test, and every bound
    still contains the exact entropies of the full spectrum."""
    net = tnrbm.models.local_lattice((5, 5), periodic=False, seed=6, complex=complex_)
    full = tnrbm.entanglement(net, range(10), method="cut", renyi=ORDERS)
    slow = top_schmidt(net, range(10), k=12, renyi=ORDERS, seed=0, oversample=2)
    fast = top_schmidt(net, range(10), k=12, renyi=ORDERS, seed=0, oversample=2, gap_tol=0.01)
    assert fast.iterations < slow.iterations and fast.extra["stopped"] == "gap_tol"
    assert fast.gap <= 1.05 * slow.gap  # the gap had stalled: 11 -> 6 passes real, 31 -> 11 complex
    assert len(fast.extra["gaps"]) == fast.iterations - 1 and fast.extra["gaps"][-1] == pytest.approx(fast.gap)
    nz = full.spectrum[full.spectrum > 0]
    s = float(-np.sum(nz * np.log(nz)))
    assert fast.entropy_bounds[0] <= s <= fast.entropy_bounds[1]
    for alpha, (lo, hi) in fast.renyi_bounds.items():
        assert lo <= _renyi(full.spectrum, alpha) <= hi
    with pytest.raises(InvalidParameterError, match="gap_tol"):
        top_schmidt(net, range(10), k=2, gap_tol=-1.0)


def test_network_refusal_names_the_callers_limit_and_one_that_works():
    """apply="network" refused: the message names the max_memory given (not the share left for one
    contraction) and a limit with which the same call runs, checked against the full spectrum."""
    net = tnrbm.models.local_lattice((5, 5), periodic=False, seed=0)
    with pytest.raises(MemoryLimitError) as err:
        top_schmidt(net, range(10), k=8, max_memory="2MiB", apply="network")
    text = str(err.value)
    assert "max_memory=2.0 MiB" in text and "apply='blocks'" in text and "(apply)" in text
    assert err.value.limit == 2 * 2**20 and err.value.needed > err.value.limit
    works = re.search(r"max_memory='([^']+)' or more", text)[1]
    res = top_schmidt(net, range(10), k=8, max_memory=works, apply="network", seed=0)
    assert res.memory <= tnrbm.validation.parse_memory(works)
    _check_against(res, tnrbm.entanglement(net, range(10), method="cut").spectrum)


@pytest.mark.parametrize("route", ["network", "blocks"])
def test_cli_apply_and_gap_tol_against_full_spectrum(capsys, route):
    import json

    from tnrbm.cli import main

    spec = "local-lattice:shape=4x4,periodic=false,seed=2,complex=true"
    argv = ["topk", spec, "0:8", "--k", "6", "--apply", route, "--gap-tol", "0.5", "--seed", "1", "--json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    full = tnrbm.entanglement(tnrbm.specs.parse_model(spec), range(8), method="cut")
    assert out["extra"]["apply"] == route and out["extra"]["stopped"] in ("tol", "gap_tol")
    assert out["entropy_bounds"][0] <= full.entropy <= out["entropy_bounds"][1]
    assert np.allclose(out["probabilities"][:2], full.spectrum[:2], rtol=1e-6, atol=0)
    assert main(["topk", spec, "0:8", "--apply", "gram"]) != 0
    assert "gram" in capsys.readouterr().err
