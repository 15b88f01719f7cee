"""Constants and dict configs shared by the models."""

ACT = "relu"
GLOROT = {"class_name": "GlorotNormal", "config": {"seed": 1}}
CONV_KW = dict(kernel_size=3, padding="same", activation="relu")
