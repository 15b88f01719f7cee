import blocks

y = blocks.conv(None)
