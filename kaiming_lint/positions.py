"""Where every node of a parsed module lies in its source text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

__all__ = ["positions"]


def positions(module: cst.Module) -> Mapping[cst.CSTNode, CodeRange]:
    """Every node's range in the source, from one position-tracking code pass."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    try:
        # What wrapper.resolve(PositionProvider) computes, without the empty batched visit
        # of the whole tree it runs afterwards (which doubles the cost).
        # libcst types the values as lazy; this provider computes every range eagerly.
        return cast(Mapping[cst.CSTNode, CodeRange], PositionProvider()._gen(wrapper))
    except AttributeError:  # a libcst without that internal: take the public road
        return wrapper.resolve(PositionProvider)
