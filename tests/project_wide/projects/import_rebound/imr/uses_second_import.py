from imr.other import block
from imr.second_import import block  # rebinds: the calls below reach second_import.block


def build(x):
    return block(x, "tanh")
