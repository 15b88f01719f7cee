from keras import layers


def used_by_notebook(x, filters, activation):
    # Called only from explore.ipynb, with relu.
    x = layers.Conv2D(filters, 3)(x)  # expect: KAI001 via explore.ipynb:28
    return layers.Activation(activation)(x)


def notebook_disagrees(x, filters, activation="relu"):
    # train.py keeps the default relu; the notebook passes tanh.
    x = layers.Conv2D(filters, 3)(x)  # unknown: call-sites-disagree
    return layers.Activation(activation)(x)
