from mylib._impl import conv_b
from mylib.blocks import Head, conv_block

__all__ = ["Head", "conv_b", "conv_block"]
