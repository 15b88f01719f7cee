from pkg.blocks import conv, conv_cfg

conv(None, "relu")
conv_cfg(None)
