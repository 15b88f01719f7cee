try:
    from imr.try_import import block  # succeeds: the except body never runs
except ImportError:
    from imr.other import block


def build(x):
    return block(x, "tanh")
