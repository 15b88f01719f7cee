"""Re-exports Keras, whichever install provides it: every branch reaches the same Keras."""

try:
    import keras
    from keras import ops
except ImportError:
    from tensorflow import keras
    from tensorflow.keras import ops  # noqa: F401
