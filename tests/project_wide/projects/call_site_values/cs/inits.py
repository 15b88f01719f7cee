import keras

SHARED = keras.initializers.HeNormal(seed=7)
