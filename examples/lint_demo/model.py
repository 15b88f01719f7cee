"""A small CIFAR-style image classifier, written the way models often are: with init mistakes.

This file is the kaiming-lint demo. Each mistake sits on its own line, marked with the rule that
finds it (`# expect: KAIxxx`, which the project's CI checks); every other layer is clean.

    kaiming-lint examples/lint_demo/model.py          # report
    kaiming-lint --diff examples/lint_demo/model.py   # show the fixes
    python examples/lint_demo/model.py                # build the model and print its summary
"""

import keras
from keras import layers

# One seeded initializer object, shared below by two layers of the same shape: Keras draws the
# same numbers for the same seed and shape, so both layers start with identical kernels.
SHARED_HE = keras.initializers.HeNormal(seed=42)


def dense_head() -> keras.Sequential:
    """The classifier head: a Sequential block of ReLU Dense layers and a softmax output."""
    return keras.Sequential(
        [
            layers.Dense(
                128,
                activation="relu",
                kernel_initializer="glorot_normal",  # expect: KAI002 (Glorot on a ReLU layer)
            ),
            layers.Dropout(0.3),
            layers.Dense(128, kernel_initializer=SHARED_HE),  # expect: KAI005 (shared, seeded)
            layers.ReLU(),
            layers.Dense(128, kernel_initializer=SHARED_HE),  # expect: KAI005 (same object again)
            layers.ReLU(),
            layers.Dense(
                64,
                activation="relu",
                kernel_initializer=keras.initializers.Constant(0.01),  # expect: KAI004 (constant)
            ),
            # Clean: a softmax output is not a ReLU, so Keras's default Glorot init is right.
            layers.Dense(10, activation="softmax", name="probabilities"),
        ],
        name="head",
    )


def build_model() -> keras.Model:
    """Conv feature extractor (functional API) followed by the Sequential head."""
    inputs = keras.Input((32, 32, 3), name="image")
    x = layers.Conv2D(32, 3, padding="same", activation="relu")(inputs)  # expect: KAI001
    # Clean: He init, separate ReLU step.
    x = layers.Conv2D(32, 3, padding="same", kernel_initializer="he_normal")(x)
    x = layers.ReLU()(x)
    x = layers.MaxPooling2D()(x)
    # Clean: BatchNormalization rescales the signal, so the init before it does not matter.
    x = layers.Conv2D(64, 3, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    x = layers.Conv2D(
        64,
        3,
        padding="same",
        activation="relu",
        kernel_initializer="he_uniform",
        bias_initializer=keras.initializers.Constant(0.1),  # expect: KAI003 (nonzero bias)
    )(x)
    x = layers.MaxPooling2D()(x)
    x = layers.Flatten()(x)
    outputs = dense_head()(x)
    return keras.Model(inputs, outputs, name="lint_demo")


if __name__ == "__main__":
    build_model().summary()
