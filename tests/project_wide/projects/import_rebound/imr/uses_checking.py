from typing import TYPE_CHECKING

from imr.checking import block

if TYPE_CHECKING:  # False when the program runs: block stays checking.block
    from imr.other import block


def build(x):
    return block(x, "tanh")
