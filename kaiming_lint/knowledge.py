"""What kaiming-lint and kaiming_keras.audit know about Keras, as plain data.

Everything here is a name Keras (or TensorFlow) defines. The linter matches these against
names resolved from a file's imports; ``kaiming_keras.audit`` matches them against the class
names of live layers. Neither libcst nor Keras is imported here.
"""

from __future__ import annotations

import math

# Kernel layers -> the argument holding the weights that feed the layer's activation.
KERNEL_LAYERS: dict[str, str] = {
    "Dense": "kernel_initializer",
    "EinsumDense": "kernel_initializer",
    "Conv1D": "kernel_initializer",
    "Conv2D": "kernel_initializer",
    "Conv3D": "kernel_initializer",
    "Conv1DTranspose": "kernel_initializer",
    "Conv2DTranspose": "kernel_initializer",
    "Conv3DTranspose": "kernel_initializer",
    "LocallyConnected1D": "kernel_initializer",
    "LocallyConnected2D": "kernel_initializer",
    "DepthwiseConv1D": "depthwise_initializer",
    "DepthwiseConv2D": "depthwise_initializer",
    "SeparableConv1D": "pointwise_initializer",
    "SeparableConv2D": "pointwise_initializer",
}

# Other spellings Keras exports for the same classes.
LAYER_ALIASES: dict[str, str] = {
    "Convolution1D": "Conv1D",
    "Convolution2D": "Conv2D",
    "Convolution3D": "Conv3D",
    "Convolution1DTranspose": "Conv1DTranspose",
    "Convolution2DTranspose": "Conv2DTranspose",
    "Convolution3DTranspose": "Conv3DTranspose",
    "SeparableConvolution1D": "SeparableConv1D",
    "SeparableConvolution2D": "SeparableConv2D",
    "MaxPool1D": "MaxPooling1D",
    "MaxPool2D": "MaxPooling2D",
    "MaxPool3D": "MaxPooling3D",
    "AvgPool1D": "AveragePooling1D",
    "AvgPool2D": "AveragePooling2D",
    "AvgPool3D": "AveragePooling3D",
}

BIAS_ARGUMENT = "bias_initializer"
USE_BIAS_ARGUMENT = "use_bias"
ACTIVATION_ARGUMENT = "activation"

# Positional parameters, for layers whose leading positional arguments are stable across
# Keras 2 and 3. A layer called with more positional arguments than listed is read as
# "unknown" for anything past the list.
POSITIONAL_PARAMETERS: dict[str, tuple[str, ...]] = {
    "Dense": ("units", "activation", "use_bias", "kernel_initializer", "bias_initializer"),
    "EinsumDense": ("equation", "output_shape", "activation"),
    "Conv1D": ("filters", "kernel_size"),
    "Conv2D": ("filters", "kernel_size"),
    "Conv3D": ("filters", "kernel_size"),
    "Conv1DTranspose": ("filters", "kernel_size"),
    "Conv2DTranspose": ("filters", "kernel_size"),
    "Conv3DTranspose": ("filters", "kernel_size"),
    "LocallyConnected1D": ("filters", "kernel_size"),
    "LocallyConnected2D": ("filters", "kernel_size"),
    "DepthwiseConv1D": ("kernel_size",),
    "DepthwiseConv2D": ("kernel_size",),
    "SeparableConv1D": ("filters", "kernel_size"),
    "SeparableConv2D": ("filters", "kernel_size"),
    "Activation": ("activation",),
    "LeakyReLU": ("negative_slope",),
    "ReLU": ("max_value", "negative_slope", "threshold"),
}

# Keras's defaults when the argument is absent.
DEFAULT_WEIGHT_INITIALIZER = "GlorotUniform"
DEFAULT_BIAS_INITIALIZER = "Zeros"

# --- The ReLU family -------------------------------------------------------------------------

# Activation functions (as strings, or as callables in an activation module) -> default slope.
RELU_FUNCTIONS: dict[str, float] = {"relu": 0.0, "relu6": 0.0, "leaky_relu": 0.2}
# Keras's `leaky_relu` activation (the string and the function) uses this slope by default.
KERAS_LEAKY_RELU_SLOPE = RELU_FUNCTIONS["leaky_relu"]
# Keywords that carry a negative slope: Keras 3 `negative_slope`, Keras 2 / tf.nn `alpha`.
SLOPE_KEYWORDS: tuple[str, ...] = ("negative_slope", "alpha")
# Activation layers -> the slope they start from (PReLU learns it, starting at zeros).
RELU_LAYERS: dict[str, float] = {"ReLU": 0.0, "LeakyReLU": 0.3, "PReLU": 0.0}
ACTIVATION_LAYER = "Activation"
# Activations that pass the signal through unchanged: the path goes on.
IDENTITY_ACTIVATIONS: frozenset[str] = frozenset({"linear"})

# Where activation callables live, relative to a Keras root, and outside Keras.
KERAS_ACTIVATION_MODULES: tuple[str, ...] = ("activations", "ops", "ops.nn", "backend")
TENSORFLOW_ACTIVATION_MODULES: tuple[str, ...] = ("tensorflow.nn", "tensorflow.math")

# --- Layers a path passes through, and layers that break it ----------------------------------

TRANSPARENT_LAYERS: frozenset[str] = frozenset(
    {
        "Dropout",
        "SpatialDropout1D",
        "SpatialDropout2D",
        "SpatialDropout3D",
        "GaussianDropout",
        "GaussianNoise",
        "Reshape",
        "Flatten",
        "Permute",
        "ZeroPadding1D",
        "ZeroPadding2D",
        "ZeroPadding3D",
        "Cropping1D",
        "Cropping2D",
        "Cropping3D",
        "MaxPooling1D",
        "MaxPooling2D",
        "MaxPooling3D",
        "AveragePooling1D",
        "AveragePooling2D",
        "AveragePooling3D",
    }
)
# Merges that pass ReLU through for each input (element-wise, no change of scale).
TRANSPARENT_MERGES: frozenset[str] = frozenset({"Concatenate"})
TRANSPARENT_MERGE_FUNCTIONS: frozenset[str] = frozenset({"concatenate"})
NORMALIZATION_LAYERS: frozenset[str] = frozenset(
    {
        "BatchNormalization",
        "LayerNormalization",
        "GroupNormalization",
        "UnitNormalization",
        "RMSNormalization",
        "SyncBatchNormalization",
    }
)

# --- Initializers ----------------------------------------------------------------------------

HE = "he"
CONSTANT = "constant"
NON_HE = "non_he"
# Classes whose verdict depends on an argument: judged from the variance scale they give.
VARIANCE_SCALING = "variance_scaling"
ORTHOGONAL = "orthogonal"

# Class (or factory) name -> category. Looked up by the last name of a resolved Keras or
# TensorFlow initializer path, and by the class_name of a dict config.
INITIALIZER_CLASSES: dict[str, str] = {
    "HeNormal": HE,
    "HeUniform": HE,
    "KaimingNormal": HE,
    "KaimingUniform": HE,
    "he_normal": HE,
    "he_uniform": HE,
    "VarianceScaling": VARIANCE_SCALING,
    "variance_scaling": VARIANCE_SCALING,
    "variance_scaling_initializer": VARIANCE_SCALING,
    "Orthogonal": ORTHOGONAL,
    "OrthogonalInitializer": ORTHOGONAL,
    "orthogonal": ORTHOGONAL,
    "orthogonal_initializer": ORTHOGONAL,
    "Zeros": CONSTANT,
    "Ones": CONSTANT,
    "Constant": CONSTANT,
    "zeros": CONSTANT,
    "ones": CONSTANT,
    "constant": CONSTANT,
    "zeros_initializer": CONSTANT,
    "ones_initializer": CONSTANT,
    "constant_initializer": CONSTANT,
    "GlorotNormal": NON_HE,
    "GlorotUniform": NON_HE,
    "glorot_normal": NON_HE,
    "glorot_uniform": NON_HE,
    "glorot_normal_initializer": NON_HE,
    "glorot_uniform_initializer": NON_HE,
    "LecunNormal": NON_HE,
    "LecunUniform": NON_HE,
    "lecun_normal": NON_HE,
    "lecun_uniform": NON_HE,
    "RandomNormal": NON_HE,
    "RandomUniform": NON_HE,
    "TruncatedNormal": NON_HE,
    "random_normal": NON_HE,
    "random_uniform": NON_HE,
    "truncated_normal": NON_HE,
    "random_normal_initializer": NON_HE,
    "random_uniform_initializer": NON_HE,
    "truncated_normal_initializer": NON_HE,
    "Identity": NON_HE,
    "IdentityInitializer": NON_HE,
    "identity": NON_HE,
}

# The strings Keras accepts as `kernel_initializer=` values (plus ours after
# `import kaiming_keras`) -> the class they name.
INITIALIZER_STRINGS: dict[str, str] = {
    "he_normal": "HeNormal",
    "he_uniform": "HeUniform",
    "HeNormal": "HeNormal",
    "HeUniform": "HeUniform",
    "kaiming_normal": "KaimingNormal",
    "kaiming_uniform": "KaimingUniform",
    "KaimingNormal": "KaimingNormal",
    "KaimingUniform": "KaimingUniform",
    "variance_scaling": "VarianceScaling",
    "VarianceScaling": "VarianceScaling",
    "orthogonal": "Orthogonal",
    "Orthogonal": "Orthogonal",
    "zeros": "Zeros",
    "Zeros": "Zeros",
    "ones": "Ones",
    "Ones": "Ones",
    "constant": "Constant",
    "Constant": "Constant",
    "glorot_normal": "GlorotNormal",
    "glorot_uniform": "GlorotUniform",
    "GlorotNormal": "GlorotNormal",
    "GlorotUniform": "GlorotUniform",
    "lecun_normal": "LecunNormal",
    "lecun_uniform": "LecunUniform",
    "LecunNormal": "LecunNormal",
    "LecunUniform": "LecunUniform",
    "random_normal": "RandomNormal",
    "random_uniform": "RandomUniform",
    "truncated_normal": "TruncatedNormal",
    "RandomNormal": "RandomNormal",
    "RandomUniform": "RandomUniform",
    "TruncatedNormal": "TruncatedNormal",
    "identity": "Identity",
    "Identity": "Identity",
}

# Constant initializers that always give zeros (Keras's default bias), and those whose value
# is their first argument (zero when it is 0).
ZERO_INITIALIZERS: frozenset[str] = frozenset({"zeros", "Zeros", "zeros_initializer"})
VALUE_CONSTANT_INITIALIZERS: frozenset[str] = frozenset(
    {"Constant", "constant", "constant_initializer"}
)
# The value of the other constant initializers (Zeros is in ZERO_INITIALIZERS).
CONSTANT_VALUES: dict[str, float] = {"Ones": 1.0, "ones": 1.0, "ones_initializer": 1.0}

# Initializers that draw random numbers (KAI005 looks at objects of these).
RANDOM_INITIALIZERS: frozenset[str] = frozenset(
    name for name, category in INITIALIZER_CLASSES.items() if category != CONSTANT
) - {"Identity", "IdentityInitializer", "identity"}
# Ours draw fresh numbers per call when unseeded, so sharing one is safe.
FRESH_PER_CALL_INITIALIZERS: frozenset[str] = frozenset({"KaimingNormal", "KaimingUniform"})

# The variance scale each default-argument class gives (VarianceScaling's `scale`).
DEFAULT_VARIANCE_SCALE = 1.0
DEFAULT_ORTHOGONAL_GAIN = 1.0
HE_SCALE = 2.0

# Where initializers live, relative to a Keras root, and in TensorFlow outside Keras.
KERAS_INITIALIZER_MODULES: tuple[str, ...] = ("initializers",)
TENSORFLOW_INITIALIZER_MODULES: tuple[str, ...] = (
    "tensorflow",
    "tensorflow.initializers",
    "tensorflow.compat.v1",
    "tensorflow.compat.v1.initializers",
    "tensorflow.compat.v1.keras.initializers",
    "tensorflow.keras.initializers",
)
# The modules that export the Keras 3 KaimingNormal, and all that export one (Keras 2 too).
KAIMING_KERAS3_MODULES: tuple[str, ...] = ("kaiming_keras", "kaiming_keras.initializers")
KAIMING_MODULES: tuple[str, ...] = (
    *KAIMING_KERAS3_MODULES,
    "kaiming_keras.keras2",
    "kaiming_keras.tf",
)
# The initializer a "kaiming" fix writes, and the Keras string a "keras" fix writes.
KAIMING_INITIALIZER = "KaimingNormal"
KERAS_HE_STRING = "he_normal"

# --- Module paths that reach Keras ----------------------------------------------------------

# Import roots whose `layers`, `initializers`, `activations`, ... are Keras's.
KERAS_ROOTS: tuple[str, ...] = (
    "keras",
    "keras.src",
    "keras.api",
    "keras._tf_keras.keras",
    "tensorflow.keras",
    "tensorflow.python.keras",
    "tensorflow.compat.v1.keras",
    "tensorflow.compat.v2.keras",
    "tf_keras",
    "tf_keras.src",
)
# --- Which Keras a file is written for (kaiming_lint.keras_version) --------------------------

# Imported module paths (and `from M import name` as "M.name") that exist only in Keras 2: a
# path equal to one of these or below it marks a Keras 2 file. The longest matching entry of
# the lists below decides (`keras.src.engine` is Keras 2.13-2.15, other `keras.src` paths 3).
KERAS2_ONLY_MODULES: tuple[str, ...] = (
    "tf_keras",
    "tensorflow.python.keras",
    "keras.engine",
    "keras.src.engine",
    "keras.layers.core",
    "keras.layers.convolutional",
    "keras.layers.recurrent",
    "keras.layers.normalization",
    "keras.layers.advanced_activations",
    "keras.layers.merge",
    "keras.layers.pooling",
    "keras.initializers.initializers_v2",
    "keras.utils.generic_utils",
    "keras.saving.legacy",
)
# Paths that exist only in Keras 3.
KERAS3_ONLY_MODULES: tuple[str, ...] = (
    "keras.src",
    "keras.ops",
    "keras.random",
    "keras.config",
    "keras.tree",
    "keras.dtype_policies",
    "keras.quantizers",
)
# Keras reached through TensorFlow: it is Keras 3, or Keras 2 with TF_USE_LEGACY_KERAS=1.
TF_KERAS_MODULES: tuple[str, ...] = (
    "tensorflow",
    "tensorflow.keras",
    "tensorflow.compat.v1.keras",
    "tensorflow.compat.v2.keras",
)
# Standalone Keras: a file importing only `keras` (none of the paths above) is read as Keras 3.
KERAS_MODULE = "keras"
# The module the default fix imports KaimingNormal from, for each Keras a file is written for.
KAIMING_MODULE_FOR_KERAS: dict[str, str] = {
    "3": "kaiming_keras",
    "2": "kaiming_keras.keras2",
    "tf": "kaiming_keras.tf",
}

# The conventional alias of TensorFlow (`import tensorflow as tf`); only used for messages.
TENSORFLOW_MODULE = "tensorflow"


def he_scale(negative_slope: float = 0.0) -> float:
    """The variance scale (gain squared) He initialization uses for this slope."""
    return HE_SCALE / (1.0 + negative_slope**2)


def he_gain(negative_slope: float = 0.0) -> float:
    """The He gain for a ReLU with this negative slope: sqrt(2 / (1 + slope**2))."""
    return math.sqrt(he_scale(negative_slope))


# The variance scale (gain squared) each nonlinearity of kaiming_keras.calculate_gain gets;
# the sloped one, "leaky_relu", gets he_scale(negative_slope).
NONLINEARITY_SCALES: dict[str, float] = {
    "linear": 1.0,
    "conv1d": 1.0,
    "conv2d": 1.0,
    "conv3d": 1.0,
    "conv_transpose1d": 1.0,
    "conv_transpose2d": 1.0,
    "conv_transpose3d": 1.0,
    "sigmoid": 1.0,
    "tanh": (5.0 / 3.0) ** 2,
    "relu": HE_SCALE,
    "relu6": HE_SCALE,
    "selu": (3.0 / 4.0) ** 2,
}
SLOPED_NONLINEARITY = "leaky_relu"
# The gains themselves (each square root is exact: sqrt((5/3)**2) == 5/3 in floating point).
NONLINEARITY_GAINS: dict[str, float] = {
    name: math.sqrt(scale) for name, scale in NONLINEARITY_SCALES.items()
}


# Leading positional parameters of initializer constructors and factories, for reading their
# arguments (VarianceScaling(2.0) is scale=2.0; KaimingNormal's first parameter is mode).
INITIALIZER_POSITIONAL_PARAMETERS: dict[str, tuple[str, ...]] = {
    "VarianceScaling": ("scale", "mode", "distribution", "seed"),
    "variance_scaling": ("scale", "mode", "distribution", "seed"),
    "variance_scaling_initializer": ("scale", "mode", "distribution", "seed"),
    "Orthogonal": ("gain", "seed"),
    "OrthogonalInitializer": ("gain", "seed"),
    "orthogonal": ("gain", "seed"),
    "orthogonal_initializer": ("gain", "seed"),
    "KaimingNormal": ("mode", "nonlinearity", "negative_slope", "distribution", "seed"),
    "KaimingUniform": ("mode", "nonlinearity", "negative_slope", "distribution", "seed"),
    "Constant": ("value",),
    "constant": ("value",),
    "constant_initializer": ("value",),
    "RandomNormal": ("mean", "stddev", "seed"),
    "RandomUniform": ("minval", "maxval", "seed"),
    "TruncatedNormal": ("mean", "stddev", "seed"),
}
# Numeric functions a constant expression may use (Orthogonal(gain=math.sqrt(2))).
SQRT_FUNCTIONS: frozenset[str] = frozenset({"math.sqrt", "numpy.sqrt"})
# Layers whose output comes from an inner EinsumDense projection (kaiming_keras.initialize
# redraws that projection when the layer feeds a ReLU).
ATTENTION_LAYERS: frozenset[str] = frozenset({"MultiHeadAttention"})
# The input layer of a functional model: a path passes through it (into a nested model).
INPUT_LAYERS: frozenset[str] = frozenset({"InputLayer"})

# Keras layers that pass their input through unchanged, and layers whose behaviour depends on
# code we do not read (wrappers, Lambda): a path reaching the latter is "unknown", not "none".
IDENTITY_LAYERS: frozenset[str] = frozenset({"Identity"})
OPAQUE_LAYERS: frozenset[str] = frozenset(
    {
        "Layer",
        "Lambda",
        "Wrapper",
        "TimeDistributed",
        "Bidirectional",
        "TFSMLayer",
        "TorchModuleWrapper",
        "JaxLayer",
        "FlaxLayer",
    }
)
