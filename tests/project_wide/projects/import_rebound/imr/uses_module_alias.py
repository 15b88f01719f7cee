import imr.other as blocks
import imr.module_alias as blocks  # rebinds: blocks is module_alias


def build(x):
    return blocks.block(x, "tanh")
