"""A cut through a given separator: the surface a user chooses instead of the minimal one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..errors import InvalidParameterError
from ..network import BoltzmannNetwork, Unit
from ..validation import check_int, check_region
from .cut import Cut
from .graph import check_network

__all__ = ["cut_from_surface"]


def cut_from_surface(network: BoltzmannNetwork, region: Any, surface: Any) -> Cut:
    """The :class:`~tnrbm.bulk.Cut` of ``region`` through a given separator ``surface`` (any valid one).

    ``surface`` is a collection of units ``(layer, index)`` whose removal disconnects the region's
    visible units from the rest; the cut's ``size`` is its number of units (not necessarily minimal).

    Examples
    --------
    >>> import tnrbm
    >>> chain = tnrbm.models.local_chain(8, radius=1, periodic=False, seed=0)
    >>> cut_from_surface(chain, range(4), [(0, 3), (0, 4)]).size
    2
    """
    check_network(network)
    region = check_region(region, network.n_visible)
    units = set(network.units())
    try:  # integers only: a float or complex index is refused, never truncated
        surf = {(check_int(u[0], "a surface unit's layer"), check_int(u[1], "a surface unit's index")) for u in surface}
    except (TypeError, IndexError, KeyError):
        raise InvalidParameterError(f"surface must be a collection of units (layer, index); got {surface!r}") from None
    bad = sorted(surf - units)
    if bad:
        raise InvalidParameterError(f"surface must hold units of the network; got {bad[0]} (not a unit)")
    rset = set(region)
    complement = tuple(i for i in range(network.n_visible) if i not in rset)
    nbrs: dict[Unit, list[Unit]] = {u: [] for u in units}
    for u, v, _ in network.edges():
        nbrs[u].append(v)
        nbrs[v].append(u)

    def reach(starts: Iterable[Unit]) -> set[Unit]:
        seen = {u for u in starts if u not in surf}
        stack = list(seen)
        while stack:
            for v in nbrs[stack.pop()]:
                if v not in seen and v not in surf:
                    seen.add(v)
                    stack.append(v)
        return seen

    wedge = reach((0, i) for i in region)
    other = reach((0, i) for i in complement)
    if wedge & other:
        leak = sorted(u for u in wedge & other if u[0] == 0)
        raise InvalidParameterError(
            f"surface must separate the region from its complement; got a surface of {len(surf)} units that "
            f"leaves them connected (e.g. through visible units {leak[:4]})"
        )
    return Cut(
        size=len(surf),
        surface=tuple(sorted(surf)),
        wedge=frozenset(wedge),
        complement_wedge=frozenset(other),
        region=region,
        complement=complement,
    )
