"""Old public names keep working after the layout redesign, each with a DeprecationWarning."""

import pytest

import tnrbm
from tnrbm.models import hierarchy as hier


@pytest.mark.parametrize("name", ["correlation_length", "hierarchical", "hierarchical_layer_sizes", "ir_depth"])
def test_rg_hierarchical_aliases(name):
    with pytest.warns(DeprecationWarning, match=f"tnrbm.models.{name}"):
        old = getattr(tnrbm.rg, name)
    assert old is getattr(hier, name)
