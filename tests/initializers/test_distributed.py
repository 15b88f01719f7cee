"""tf.distribute.MirroredStrategy over two logical CPU devices: replicas hold identical values."""

from __future__ import annotations

import numpy as np

from .helpers import run_python, tensorflow_only

# Logical devices must be configured before TensorFlow initializes: a fresh process.
MIRRORED = """
    import json
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
    )
    import keras
    from kaiming_keras import KaimingNormal, KaimingUniform

    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    initializers = {
        "seeded_normal": KaimingNormal(seed=4),
        "seeded_truncated": KaimingNormal(distribution="truncated_normal", seed=4),
        "seeded_uniform": KaimingUniform(seed=4),
        "unseeded_normal": KaimingNormal(),
        "string": "kaiming_uniform",
    }
    with strategy.scope():
        model = keras.Sequential(
            [keras.Input((32,))]
            + [keras.layers.Dense(16, activation="relu", kernel_initializer=i, name=n)
               for n, i in initializers.items()]
        )
    out = {"replicas": strategy.num_replicas_in_sync, "layers": {}}
    for name in initializers:
        kernel = model.get_layer(name).kernel.value
        replicas = [v.numpy() for v in strategy.experimental_local_results(kernel)]
        out["layers"][name] = {
            "devices": sorted({v.device for v in strategy.experimental_local_results(kernel)}),
            "replicas": [r.tolist() for r in replicas],
        }
    # Seeded draws outside the strategy, with each kernel's shape, for comparison.
    out["outside"] = {
        name: keras.ops.convert_to_numpy(
            initializers[name](tuple(model.get_layer(name).kernel.shape))
        ).tolist()
        for name in initializers
        if name.startswith("seeded")
    }
    print(json.dumps(out))
"""


@tensorflow_only
def test_mirrored_strategy_replicas_are_identical():
    result = run_python(MIRRORED)
    assert result["replicas"] == 2
    for name, layer in result["layers"].items():
        assert len(layer["devices"]) == 2, name
        first, second = (np.asarray(r) for r in layer["replicas"])
        np.testing.assert_array_equal(first, second, err_msg=name)
        assert np.std(first) > 0, name
    assert set(result["outside"]) == {"seeded_normal", "seeded_truncated", "seeded_uniform"}
    for name, values in result["outside"].items():
        np.testing.assert_array_equal(np.asarray(result["layers"][name]["replicas"][0]), values)
