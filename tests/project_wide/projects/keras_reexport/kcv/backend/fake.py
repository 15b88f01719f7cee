"""A module of the project's own whose names merely look like Keras."""


class Dense:
    def __init__(self, units, activation=None):
        self.units, self.activation = units, activation

    def __call__(self, x):
        return x
