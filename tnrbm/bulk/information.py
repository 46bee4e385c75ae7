"""Information quantities of minimal cuts: cut mutual and tripartite information (paper eq. 20)."""

from __future__ import annotations

from collections.abc import Iterable

from .._numerics import log_in_base
from ..network import BoltzmannNetwork
from ..validation import check_base, check_disjoint
from .cut import min_cut
from .graph import check_network

__all__ = ["cut_mutual_information", "cut_tripartite_information"]


def _ln2_in(base: float | None) -> float:
    return log_in_base(2.0, check_base(base))


def cut_mutual_information(
    network: BoltzmannNetwork, region_a: Iterable[int], region_b: Iterable[int], base: float | None = None
) -> float:
    """Mutual information from minimal cuts, ``I_cut(A:B) = (|g_A| + |g_B| - |g_AB|) ln 2`` (paper eq. 20).

    ``A`` and ``B`` must be disjoint; ``A u B`` may be the whole boundary (then ``|g_AB| = 0``).
    Always ``>= 0`` (subadditivity of cuts). Nats unless ``base`` is given.

    Examples
    --------
    >>> import tnrbm
    >>> chain = tnrbm.models.local_chain(16, radius=1, periodic=True, seed=0)
    >>> round(cut_mutual_information(chain, [0, 1, 2, 3], [4, 5, 6, 7], base=2), 12)  # 4 + 4 - 4
    4.0
    """
    regs = check_disjoint({"A": region_a, "B": region_b}, check_network(network).n_visible)
    a, b = regs["A"], regs["B"]
    unit = _ln2_in(base)
    m = min_cut(network, a).size + min_cut(network, b).size - min_cut(network, a + b).size
    return m * unit


def cut_tripartite_information(
    network: BoltzmannNetwork,
    region_a: Iterable[int],
    region_b: Iterable[int],
    region_c: Iterable[int],
    base: float | None = None,
) -> float:
    """Tripartite information from minimal cuts, ``I3 = I(A:B) + I(A:C) - I(A:BC)``.

    ``I3_cut = (m_A + m_B + m_C - m_AB - m_AC - m_BC + m_ABC) ln 2`` for disjoint regions (``D``, the
    rest, purifies). Unlike edge cuts, vertex cuts can give ``I3_cut > 0`` (monogamy of mutual
    information fails): a unit with three or more neighbours is cut in one piece, like a hyperedge.
    Nats unless ``base`` is given.

    Examples
    --------
    >>> import numpy as np, tnrbm
    >>> star = tnrbm.RBM(np.ones((4, 1)))  # one hidden unit on four spins: a hyperedge
    >>> round(cut_tripartite_information(star, [0], [1], [2], base=2), 12)
    1.0
    """
    regs = check_disjoint({"A": region_a, "B": region_b, "C": region_c}, check_network(network).n_visible)
    a, b, c = regs["A"], regs["B"], regs["C"]
    unit = _ln2_in(base)

    def m(*parts: tuple[int, ...]) -> int:
        return min_cut(network, sum(parts, ())).size

    total = m(a) + m(b) + m(c) - m(a, b) - m(a, c) - m(b, c) + m(a, b, c)
    return total * unit
