"""Where a kernel layer's facts came from in a parsed file: the nodes reports and fixes use."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst


@dataclass(eq=False)
class SourceRef:
    """The libcst nodes behind one ``LayerFacts`` record (its ``ref``)."""

    call: cst.Call  # the layer construction; KAI001 is reported here, noqa read on its first line
    weight_arg: cst.Arg | None  # the weight-initializer argument at this call, if given
    bias_arg: cst.Arg | None  # the bias_initializer argument at this call, if given
    # The constructor call a shared value is bound to (`init = HeNormal(seed=1)`), for KAI005's
    # fix, which gives each use its own copy.
    weight_constructor: cst.Call | None = None
    bias_constructor: cst.Call | None = None
