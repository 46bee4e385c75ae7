"""``tnrbm ed``: exact diagonalization (the variational fit against it, ``tnrbm fit``, is in :mod:`.fitting`)."""

from __future__ import annotations

import click

from ...ed import HAMILTONIANS
from ...ed.levels import ed_levels
from ..formatting import emit_json, table
from ..options import JSON_OPTION, max_memory_option, size_option
from ..parsing import parse_memory_option
from ..progress import spinner
from ..provenance import stamp

__all__ = ["ed"]


@click.command()
@click.argument("model", type=click.Choice(list(HAMILTONIANS)))
@size_option("Linear size: spins of the chain (toric: side L, 2 L^2 qubits).", 12, old_names=("--n",), dest="n")
@click.option("--k", "k", type=int, default=2, show_default=True, help="Number of lowest eigenvalues.")
@click.option("--J", "J", type=float, default=1.0, show_default=True, help="Coupling.")  # noqa: N803
@click.option("--h", "h", type=float, default=1.0, show_default=True, help="Transverse field (tfim).")
@click.option("--delta", type=float, default=1.0, show_default=True, help="Anisotropy (heisenberg).")
@click.option("--open", "open_", is_flag=True, help="Open boundary conditions.")
@click.option("--matrix-free", is_flag=True, help="Use the matrix-free operator (no sparse matrix).")
@max_memory_option(
    "The matrix and the Lanczos vectors together: bytes or a size such as 4GiB (Python's max_memory); "
    "default a quarter of the available memory."
)
@JSON_OPTION
def ed(
    model: str,
    n: int,
    k: int,
    J: float,  # noqa: N803
    h: float,
    delta: float,
    open_: bool,
    matrix_free: bool,
    max_memory: str | None,
    as_json: bool,
) -> None:
    """Exact diagonalization (Lanczos) of MODEL; the periodic TFIM against its free-fermion energy."""
    limit = parse_memory_option(max_memory)
    with spinner(f"Lanczos on {model}, n = {n}"):
        rows = ed_levels(
            model,
            n=n,
            k=k,
            J=J,
            h=h,
            delta=delta,
            periodic=not open_,
            form="operator" if matrix_free else "sparse",
            max_memory=limit,
        )
    if as_json:
        emit_json(stamp("ed", {"hamiltonian": model, "n": n, "levels": rows}))
        return
    cols = list(rows[0])
    table(
        f"exact diagonalization: {model}, n = {n}",
        cols,
        [[r[c] for c in cols] for r in rows],
        legend="gap: energy - E_0; reference: free-fermion E_0 (periodic TFIM only); error: |energy - reference|",
    )
