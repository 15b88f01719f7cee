from keras import layers


def dense_relu(x, units, activation="relu"):
    return layers.Dense(units, activation=activation)(x)  # expect: KAI001 via scripts/train.py:17
