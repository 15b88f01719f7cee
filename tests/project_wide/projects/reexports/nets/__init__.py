"""The package's surface: a star re-export (limited by __all__) and a renamed re-export."""

from nets.blocks import *
from .heads import dense_relu as dense_head

__all__ = ["conv_relu", "dense_head"]
