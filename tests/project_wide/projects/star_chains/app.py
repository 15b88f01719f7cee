from pkg import *  # noqa: F403

conv(None, "tanh")  # noqa: F405
