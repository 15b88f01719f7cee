"""The Kaiming initializers for whichever Keras `tf.keras` is in this process.

For code that reaches Keras only through `tf.keras`: with TensorFlow 2.16 or newer, `tf.keras`
is Keras 3, or Keras 2 (`tf_keras`) when `TF_USE_LEGACY_KERAS=1`. This module exports
`KaimingNormal`, `KaimingUniform` and `calculate_gain` from `kaiming_keras` (Keras 3) or from
`kaiming_keras.keras2` (tf_keras) to match, so a layer built with `tf.keras.layers` gets an
initializer of its own Keras. `KERAS_MAJOR` says which (3 or 2).

Examples:

>>> import tensorflow as tf
>>> from kaiming_keras.tf import KaimingNormal
>>> layer = tf.keras.layers.Dense(128, activation="relu", kernel_initializer=KaimingNormal())
"""

from __future__ import annotations

try:
    import tensorflow as tf
except ModuleNotFoundError as missing:
    if missing.name != "tensorflow":
        raise
    raise ImportError(
        "kaiming_keras.tf needs TensorFlow: pip install 'kaiming-keras[tensorflow]' "
        "(and 'kaiming-keras[keras2]' for TF_USE_LEGACY_KERAS=1)"
    ) from missing

from kaiming_keras.gain import calculate_gain

__all__ = ["KERAS_MAJOR", "KaimingNormal", "KaimingUniform", "calculate_gain"]

_root = tf.keras.initializers.VarianceScaling.__module__.split(".")[0]
if _root == "tf_keras":
    KERAS_MAJOR = 2
    from kaiming_keras.keras2 import KaimingNormal, KaimingUniform
elif _root == "keras" and int(getattr(tf.keras, "__version__", "0").split(".")[0]) >= 3:
    KERAS_MAJOR = 3
    from kaiming_keras.initializers import KaimingNormal, KaimingUniform
else:
    raise ImportError(
        f"kaiming_keras.tf: tf.keras is Keras {getattr(tf.keras, '__version__', '?')} (TensorFlow "
        f"{tf.__version__}); supported are TensorFlow >= 2.18 with Keras 3, or with tf_keras "
        "and TF_USE_LEGACY_KERAS=1"
    )
