"""Exact RBM states with known answers: product, GHZ, cluster, toric code and volume-law pair states.

Each constructor returns a :class:`~tnrbm.RBM` whose normalized amplitudes equal the named state
exactly (checked against ED ground states of its parent Hamiltonian in the tests), with
``rbm.geometry`` set for drawing. The ``*_stabilizers`` functions list each state's stabilizers as
``(ops, sites)`` Pauli strings (all at +1 on the state); ``-sum`` of them is a parent Hamiltonian
with the state as unique ground state (``tnrbm.ed.pauli_sum``).

The zero of ``2 cosh(theta)`` at ``theta = i pi / 2`` and the zero of ``1 + exp(theta)`` at
``theta = i pi`` are what let a hidden unit impose a constraint: every state here except ``product``
needs complex couplings.

Examples
--------
>>> import numpy as np
>>> from tnrbm import states
>>> psi = states.ghz(3).to_dense()
>>> np.round(psi.real, 6)
array([0.707107, 0.      , 0.      , 0.      , 0.      , 0.      , 0.      ,
       0.707107])
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import scipy.sparse as sp

from .ed import pauli_sum
from .ed.hamiltonians import cluster_stabilizers, toric_code_edges
from .errors import InvalidParameterError
from .models.random import check_model_size
from .network import RBM
from .validation import as_float, check_bool, check_int

__all__ = [
    "product",
    "ghz",
    "ghz_stabilizers",
    "cluster",
    "cluster_stabilizers",
    "toric_code",
    "toric_code_stabilizers",
    "toric_code_edges",
    "volume_law",
    "volume_law_stabilizers",
    "graph_state",
    "parent_hamiltonian",
]


def _check_n(n: Any, name: str, minimum: int, what: str = "the state", edges_per_site: float = 2.0) -> int:
    """``n`` an integer >= ``minimum`` whose network (about ``edges_per_site * n`` couplings) fits in memory."""
    n = check_int(n, name, minimum=minimum)
    check_model_size(2 * n, as_float(n) * edges_per_site if edges_per_site else 0.0, what)
    return n


def product(amplitudes: Any) -> RBM:
    """A product state ``prod_i (alpha_i |up> + beta_i |down>)`` as an RBM with no hidden units.

    ``a_i = (ln alpha_i - ln beta_i) / 2`` (complex log), so ``exp(a_i v_i)`` is proportional to the
    site's amplitudes. Both amplitudes must be nonzero (a basis state would need an infinite bias).

    Parameters
    ----------
    amplitudes
        Shape ``(n, 2)``: ``(alpha_i, beta_i)`` per site; or an int ``n`` for ``|+>^n`` (all
        ``a_i = 0``, the ground state of ``-sum X_i``).

    Notes
    -----
    Stabilizers: for ``|+>^n``, every ``X_i``.

    Examples
    --------
    >>> import numpy as np
    >>> from tnrbm import states
    >>> states.product(2).to_dense()
    array([0.5, 0.5, 0.5, 0.5])
    >>> psi = states.product([[1.0, 1j]]).to_dense()  # |+i>, up to a global phase
    >>> bool(np.isclose(abs(np.vdot(psi, np.array([1, 1j]) / np.sqrt(2))), 1.0))
    True
    """
    if isinstance(amplitudes, numbers.Integral) and not isinstance(amplitudes, bool):
        n = _check_n(amplitudes, "amplitudes", 1, "the product state", 0)
        a = np.zeros(n)
    else:
        try:
            amp = np.asarray(amplitudes)
        except (TypeError, ValueError):
            amp = np.zeros(0)  # ragged or unreadable: refused just below
        if amp.ndim != 2 or amp.shape[1] != 2 or amp.shape[0] < 1 or not np.issubdtype(amp.dtype, np.number):
            raise InvalidParameterError(
                f"amplitudes must be an int n or an array of shape (n, 2) of (alpha, beta); got {amplitudes!r}"
            )
        if np.any(amp == 0) or not np.all(np.isfinite(amp)):
            raise InvalidParameterError(
                "amplitudes must be finite and nonzero (an exact basis state needs an infinite visible bias)"
            )
        amp = amp.astype(np.complex128)
        a = 0.5 * (np.log(amp[:, 0]) - np.log(amp[:, 1]))
        if np.all(np.abs(a.imag) < 1e-15):
            a = a.real
        n = len(a)
    rbm = RBM(np.zeros((n, 0)), visible_bias=a)
    rbm.geometry = {"kind": "chain", "n": n, "periodic": False}
    return rbm


def _pair_projector(n: int, pairs: list[tuple[int, int]]) -> sp.csr_array:
    """Couplings ``+i pi/4`` and ``-i pi/4`` of one spin hidden unit per pair: ``2 cosh`` is 2 when the
    spins agree and 0 when they differ."""
    rows, cols, data = [], [], []
    for j, (p, q) in enumerate(pairs):
        rows += [p, q]
        cols += [j, j]
        data += [1j * np.pi / 4, -1j * np.pi / 4]
    return sp.csr_array((np.array(data), (rows, cols)), shape=(n, len(pairs)))


def _paired_chain(n: int, pairs: list[tuple[int, int]]) -> RBM:
    """The open chain of ``n`` spins whose ``pairs`` are locked together (:func:`_pair_projector`)."""
    rbm = RBM(_pair_projector(n, pairs), hidden="spin")
    rbm.geometry = {"kind": "chain", "n": n, "periodic": False}
    return rbm


def ghz(n: int) -> RBM:
    """The GHZ state ``(|up...up> + |down...down>) / sqrt 2`` on ``n >= 2`` spins.

    One spin hidden unit per bond ``(i, i + 1)``, ``i = 0 .. n-2``, with ``W_{i,j} = i pi/4``,
    ``W_{i+1,j} = -i pi/4``, ``b_j = 0``, ``a = 0``: ``2 cosh(i pi/4 (v_i - v_{i+1}))`` is 2 when the
    spins agree and ``2 cos(pi/2) = 0`` when they differ, so ``psi = 2**(n-1)`` on the two aligned
    configurations and 0 elsewhere.

    (The single hidden unit ``b = i pi/2``, ``W = 1`` with ``a = i pi/2`` does not give GHZ:
    ``2 cosh(i pi/2 + sum v) = 2 i sinh(sum v)`` vanishes only at ``sum v = 0``.)

    Stabilizers (:func:`ghz_stabilizers`): ``Z_i Z_{i+1}`` for each bond and ``X_0 X_1 ... X_{n-1}``;
    the state is the ground state of ``-sum Z_i Z_{i+1}`` in the even sector ``prod X = +1``.

    Examples
    --------
    >>> from tnrbm import states
    >>> [round(float(abs(states.ghz(4).amplitude(v))), 9) for v in ([1, 1, 1, 1], [1, -1, 1, 1], [-1, -1, -1, -1])]
    [8.0, 0.0, 8.0]
    """
    n = _check_n(n, "n", 2)
    return _paired_chain(n, [(i, i + 1) for i in range(n - 1)])


def ghz_stabilizers(n: int) -> list[tuple[str, tuple[int, ...]]]:
    """``Z_i Z_{i+1}`` (``i = 0 .. n-2``) and ``X^{(x) n}`` as ``(ops, sites)``.

    Examples
    --------
    >>> from tnrbm import states
    >>> states.ghz_stabilizers(3)
    [('ZZ', (0, 1)), ('ZZ', (1, 2)), ('XXX', (0, 1, 2))]
    """
    n = _check_n(n, "n", 2)
    return [("ZZ", (i, i + 1)) for i in range(n - 1)] + [("X" * n, tuple(range(n)))]


def cluster(n: int, periodic: bool = True) -> RBM:
    """The cluster state ``prod_<ij> CZ_ij |+>^n`` on a chain (a ring when ``periodic``).

    Its amplitudes are ``psi(v) = prod_bonds (-1)**(d_i d_j)`` with ``d = (1 - v) / 2`` (1 = spin
    down). One spin hidden unit per bond with ``b_j = i pi/4`` and ``W_{i,j} = W_{i+1,j} = -i pi/4``:
    ``2 cosh(i pi/4 (1 - v_i - v_{i+1}))`` is ``sqrt 2`` unless both spins are down, where it is
    ``2 cos(3 pi/4) = -sqrt 2``. (``W = b = i pi/4`` gives the sign when both are *up*: the same
    state on a ring, but ``Z_0 Z_{n-1}`` times it on an open chain.)

    Stabilizers (:func:`cluster_stabilizers`): ``Z_{i-1} X_i Z_{i+1}`` (``X_0 Z_1`` and
    ``Z_{n-2} X_{n-1}`` at the ends of an open chain); the ground state of
    :func:`tnrbm.ed.cluster_hamiltonian`.

    Examples
    --------
    >>> import numpy as np
    >>> from tnrbm import states
    >>> psi = states.cluster(3, periodic=False).to_dense()
    >>> np.sign(psi.real).astype(int)  # CZ_01 CZ_12 |+++>
    array([ 1,  1,  1, -1,  1,  1, -1,  1])
    """
    periodic = check_bool(periodic, "periodic")
    n = _check_n(n, "n", 3 if periodic else 2, "the cluster state")
    bonds = [(i, i + 1) for i in range(n - 1)] + ([(n - 1, 0)] if periodic else [])
    rows, cols = [], []
    for j, (p, q) in enumerate(bonds):
        rows += [p, q]
        cols += [j, j]
    w = sp.csr_array((np.full(len(rows), -1j * np.pi / 4), (rows, cols)), shape=(n, len(bonds)))
    rbm = RBM(w, hidden_bias=np.full(len(bonds), 1j * np.pi / 4), hidden="spin")
    rbm.geometry = {"kind": "chain", "n": n, "periodic": bool(periodic)}
    return rbm


def toric_code(L: int) -> RBM:  # noqa: N803
    """The toric-code ground state on an ``L x L`` torus (``2 L**2`` edge qubits, Deng-Li-Das Sarma).

    One binary hidden unit per plaquette, ``W = i pi/2`` on its 4 edges, ``b = 0``, ``a = 0``:
    ``1 + exp(i pi/2 sum_{e in p} v_e)`` is 2 when the plaquette has an even number of down spins
    (``B_p = prod Z = +1``) and 0 otherwise. The state is the equal-weight superposition of every
    configuration with all ``B_p = +1``.

    Edges are indexed as in :func:`tnrbm.ed.toric_code_edges`: the horizontal edge from vertex
    ``(x, y)`` to ``(x, y + 1)`` is qubit ``2 (x L + y)``, the vertical edge from ``(x, y)`` to
    ``(x + 1, y)`` is qubit ``2 (x L + y) + 1``; hidden unit ``j = x L + y`` is the plaquette with
    lower corner ``(x, y)``.

    Topological sector: both non-contractible X loops (``x_loops`` of ``toric_code_edges``) are +1
    -- the state is invariant under every X string that commutes with all plaquettes. It is the
    unique ground state of ``tnrbm.ed.toric_code_hamiltonian(L, sector_field=1)``.

    Stabilizers (:func:`toric_code_stabilizers`): every star ``A_v`` (XXXX), every plaquette
    ``B_p`` (ZZZZ) and the two X loops.

    Examples
    --------
    >>> from tnrbm import states
    >>> rbm = states.toric_code(2)
    >>> rbm.n_visible, rbm.n_hidden, rbm.geometry["kind"]
    (8, 4, 'toric')
    """
    edges = toric_code_edges(L)
    rows, cols = [], []
    for j, plaquette in enumerate(edges["plaquettes"]):
        rows += list(plaquette)
        cols += [j] * len(plaquette)
    w = sp.csr_array((np.full(len(rows), 1j * np.pi / 2), (rows, cols)), shape=(edges["n"], len(edges["plaquettes"])))
    rbm = RBM(w, hidden="binary")
    rbm.geometry = {"kind": "toric", "L": int(L)}
    return rbm


def toric_code_stabilizers(L: int) -> list[tuple[str, tuple[int, ...]]]:  # noqa: N803
    """Stars (XXXX), plaquettes (ZZZZ) and the two non-contractible X loops as ``(ops, sites)``.

    Examples
    --------
    >>> from tnrbm import states
    >>> len(states.toric_code_stabilizers(3))  # 9 stars, 9 plaquettes, 2 loops
    20
    """
    edges = toric_code_edges(L)
    return (
        [("XXXX", s) for s in edges["stars"]]
        + [("ZZZZ", p) for p in edges["plaquettes"]]
        + [("X" * len(loop), loop) for loop in edges["x_loops"]]
    )


def graph_state(edges: Any, n: int) -> RBM:
    """The graph state ``prod_{(i,j) in edges} CZ_ij |+>^n`` as an RBM: one spin hidden unit per edge.

    Each edge ``(i, j)`` gets a hidden unit with ``b = i pi/4`` and ``W_ij = W_jj' = -i pi/4``: summing it
    gives ``2 cos(pi/4 (1 - v_i - v_j))``, which is ``sqrt 2`` times ``-1`` exactly when both spins are down
    (the CZ phase), and ``sqrt 2`` otherwise. Its entanglement is ``S_A = rank_GF2(Gamma_AB) ln 2``
    (``Gamma_AB`` the adjacency block between A and the rest).

    Examples
    --------
    >>> import numpy as np
    >>> bell = graph_state([(0, 1)], 2).to_dense()  # CZ |++> = (|00> + |01> + |10> - |11>) / 2
    >>> np.round(bell / bell[0], 12).real.tolist()
    [1.0, 1.0, 1.0, -1.0]
    """
    n = _check_n(n, "n", 1, "the graph state", 0)
    if isinstance(edges, (str, bytes)) or not hasattr(edges, "__iter__"):
        raise InvalidParameterError(f"edges must be a collection of pairs (i, j) of sites; got {edges!r}")
    pairs = []
    for k, edge in enumerate(edges):
        if not (isinstance(edge, (tuple, list)) and len(edge) == 2):
            raise InvalidParameterError(f"edges[{k}] must be a pair (i, j) of sites; got {edge!r}")
        i, j = (check_int(x, f"edges[{k}]", minimum=0, maximum=n - 1) for x in edge)
        if i == j:
            raise InvalidParameterError(f"edges[{k}] must join two different sites; got {edge!r}")
        pairs.append((i, j))
    check_model_size(n + len(pairs), 2 * len(pairs), "the graph state")
    rows = [x for pair in pairs for x in pair]
    cols = [j for j in range(len(pairs)) for _ in (0, 1)]
    w = sp.csr_array((np.full(len(rows), -0.25j * np.pi), (rows, cols)), shape=(n, len(pairs)))
    return RBM(w, hidden_bias=np.full(len(pairs), 0.25j * np.pi))


def volume_law(n: int) -> RBM:
    """Bell pairs ``(|up up> + |down down>) / sqrt 2`` on the sites ``(k, k + n/2)``, ``k < n/2``.

    One spin hidden unit per pair with ``W = +i pi/4, -i pi/4`` on its two sites (``2 cosh`` is 2
    when they agree, 0 otherwise), ``b = 0``, ``a = 0``. Every block ``[0, l)`` with ``l <= n/2``
    cuts ``l`` pairs: ``S(l) = l ln 2``, the most a region of l spins can have.

    Stabilizers (:func:`volume_law_stabilizers`): ``Z_k Z_{k+n/2}`` and ``X_k X_{k+n/2}``.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> from tnrbm import states
    >>> round(float(tnrbm.entanglement(states.volume_law(6), [0, 1, 2]).entropy / np.log(2)), 10)
    3.0
    """
    n = _check_n(n, "n", 2)
    if n % 2:
        raise InvalidParameterError(f"n must be even (sites pair as (k, k + n/2)); got n={n}")
    return _paired_chain(n, [(k, k + n // 2) for k in range(n // 2)])


def volume_law_stabilizers(n: int) -> list[tuple[str, tuple[int, ...]]]:
    """``Z_k Z_{k+n/2}`` and ``X_k X_{k+n/2}`` for ``k < n/2`` as ``(ops, sites)``.

    Examples
    --------
    >>> from tnrbm import states
    >>> states.volume_law_stabilizers(4)
    [('ZZ', (0, 2)), ('XX', (0, 2)), ('ZZ', (1, 3)), ('XX', (1, 3))]
    """
    n = _check_n(n, "n", 2)
    if n % 2:
        raise InvalidParameterError(f"n must be even (sites pair as (k, k + n/2)); got n={n}")
    out: list[tuple[str, tuple[int, ...]]] = []
    for k in range(n // 2):
        out += [("ZZ", (k, k + n // 2)), ("XX", (k, k + n // 2))]
    return out


def parent_hamiltonian(n: int, stabilizers: list[tuple[str, tuple[int, ...]]], form: str = "sparse") -> Any:
    """``H = -sum_s S_s`` over commuting stabilizers: their joint +1 eigenstate is its ground state.

    Examples
    --------
    >>> from tnrbm import ed, states
    >>> H = states.parent_hamiltonian(4, states.ghz_stabilizers(4))
    >>> round(ed.fidelity(ed.ground_state(H).vector, states.ghz(4)), 12)
    1.0
    """
    if isinstance(stabilizers, (str, bytes)) or not isinstance(stabilizers, (list, tuple)):
        raise InvalidParameterError(f"stabilizers must be a list of (ops, sites) pairs; got {stabilizers!r}")
    for k, item in enumerate(stabilizers):
        if not (isinstance(item, (list, tuple)) and len(item) == 2 and isinstance(item[0], str)):
            raise InvalidParameterError(
                f"stabilizers[{k}] must be an (ops, sites) pair such as ('ZZ', (0, 1)); got {item!r}"
            )
    return pauli_sum(n, [(-1.0, ops, sites) for ops, sites in stabilizers]).as_form(form)
