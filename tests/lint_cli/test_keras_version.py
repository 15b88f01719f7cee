"""The fix writes code that runs under the file's Keras: Keras 3, Keras 2 (tf_keras) or tf.keras.

Which Keras a file is for comes from its imports (kaiming_lint.keras_version) or the
`keras-version` setting. End to end: a tf_keras model file is fixed with the command line, then
built under tf_keras in a fresh process: He kernels, and the model saves and loads in `.keras`
and `.h5` with nothing but the fixed file's own imports.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from kaiming_lint.keras_version import KerasFlavor, detect, kaiming_module

from .lint_helpers import REPO, run_subprocess

DETECTION = [
    ("import keras\nfrom keras import layers\n", KerasFlavor.KERAS3),
    ("from keras import ops\n", KerasFlavor.KERAS3),
    ("from keras.src.layers import Dense\n", KerasFlavor.KERAS3),
    ("import tf_keras as keras\n", KerasFlavor.KERAS2),
    ("from tf_keras import layers\n", KerasFlavor.KERAS2),
    ("import keras\nfrom keras.layers.core import Dense\n", KerasFlavor.KERAS2),
    ("from keras.layers import core\n", KerasFlavor.KERAS2),
    ("from keras.engine.sequential import Sequential\n", KerasFlavor.KERAS2),
    ("from keras.src.engine import training\n", KerasFlavor.KERAS2),
    ("from tensorflow.python.keras.layers import Dense\n", KerasFlavor.KERAS2),
    ("import tensorflow as tf\n", KerasFlavor.TF_KERAS),
    ("from tensorflow import keras\n", KerasFlavor.TF_KERAS),
    ("from tensorflow.keras import layers\n", KerasFlavor.TF_KERAS),
    ("import tensorflow as tf\nimport keras\n", KerasFlavor.KERAS3),
    ("import tensorflow as tf\nimport tf_keras\n", KerasFlavor.KERAS2),
    ("try:\n    import tf_keras as keras\nexcept ImportError:\n    pass\n", KerasFlavor.KERAS2),
    ("def f():\n    from keras import ops\n", KerasFlavor.KERAS3),
    ("import tf_keras\nfrom keras import ops\n", KerasFlavor.MIXED),
    ("import numpy\nfrom .keras import layers\n", KerasFlavor.NONE),
    ("import kerastuner\nimport tensorflow_probability\n", KerasFlavor.NONE),
]


@pytest.mark.parametrize(("source", "flavor"), DETECTION, ids=[d[0] for d in DETECTION])
def test_detects_the_keras_a_file_is_written_for(source, flavor):
    assert detect(cst.parse_module(source)) is flavor


@pytest.mark.parametrize(
    ("source", "setting", "expected"),
    [
        ("import keras\n", "auto", "kaiming_keras"),
        ("import tf_keras\n", "auto", "kaiming_keras.keras2"),
        ("import tensorflow as tf\n", "auto", "kaiming_keras.tf"),
        ("import numpy\n", "auto", "kaiming_keras"),
        ("import tf_keras\nfrom keras import ops\n", "auto", None),
        ("import keras\n", "2", "kaiming_keras.keras2"),
        ("import tf_keras\n", "3", "kaiming_keras"),
    ],
)
def test_the_module_the_fix_imports(source, setting, expected):
    assert kaiming_module(cst.parse_module(source), setting) == expected


@pytest.mark.parametrize("value", ['"4"', "2", '"tf"', '["2"]'])
def test_bad_keras_version_is_one_line_naming_the_key(cli, write, value):
    write("pyproject.toml", f"[tool.kaiming-lint]\nkeras-version = {value}\n")
    write("model.py", "import keras\n")
    run = cli("model.py")
    assert run.code == 2
    assert len(run.err.strip().splitlines()) == 1
    assert "keras-version" in run.err and "'auto', '2', '3'" in run.err


PLAIN = """\
import keras

model = keras.Sequential([keras.layers.Dense(8, activation="relu")])
"""


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        (None, "from kaiming_keras import KaimingNormal"),
        ('"3"', "from kaiming_keras import KaimingNormal"),
        ('"2"', "from kaiming_keras.keras2 import KaimingNormal"),
    ],
)
def test_keras_version_setting_chooses_the_import(cli, write, setting, expected):
    if setting is not None:
        write("pyproject.toml", f"[tool.kaiming-lint]\nkeras-version = {setting}\n")
    path = write("model.py", PLAIN)
    assert cli("--fix", "model.py").code == 0
    assert expected + "\n" in path.read_text(encoding="utf-8")


def test_a_mixed_file_gets_the_string_every_keras_knows(cli, write):
    path = write(
        "model.py",
        "import tf_keras\nfrom keras import ops\n\n"
        'layer = tf_keras.layers.Dense(8, activation="relu")\n',
    )
    assert cli("--fix", "model.py").code == 0
    text = path.read_text(encoding="utf-8")
    assert 'kernel_initializer="he_normal"' in text and "kaiming_keras" not in text


def test_an_existing_keras2_import_is_reused_and_a_second_fix_changes_nothing(cli, write):
    path = write(
        "model.py",
        "import tf_keras as keras\nimport kaiming_keras.keras2 as k2\n\n"
        'a = keras.layers.Dense(8, activation="relu")\n'
        'b = keras.layers.Dense(8, activation="relu", kernel_initializer=k2.KaimingNormal())\n',
    )
    assert cli("--fix", "model.py").code == 0
    fixed = path.read_text(encoding="utf-8")
    assert (
        'a = keras.layers.Dense(8, activation="relu", kernel_initializer=k2.KaimingNormal())'
        in fixed
    )
    assert fixed.count("import") == 2
    assert cli("--fix", "model.py").code == 0
    assert path.read_text(encoding="utf-8") == fixed


def test_a_keras3_import_in_a_keras2_file_is_not_reused(cli, write):
    path = write(
        "model.py",
        "import tf_keras\nfrom kaiming_keras import KaimingNormal\n\n"
        'layer = tf_keras.layers.Dense(8, activation="relu")\n',
    )
    assert cli("--fix", "model.py").code == 0
    text = path.read_text(encoding="utf-8")
    # The Keras 3 name stays as it is; Keras 2's class comes in under a free name.
    assert "from kaiming_keras import KaimingNormal\n" in text
    assert "from kaiming_keras.keras2 import KaimingNormal as KaimingNormal_\n" in text
    assert "kernel_initializer=KaimingNormal_()" in text


# --- End to end: fix with the CLI, then run the fixed file under its Keras ---------------------

TF_KERAS_MODEL = '''\
"""A Keras 2 model: tf_keras, with Keras 2 module paths."""

import tf_keras as keras
from tf_keras import layers


def build():
    inputs = keras.Input((256,))
    x = layers.Dense(512, activation="relu")(inputs)
    x = layers.Dense(512, kernel_initializer="glorot_normal")(x)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Conv1D(64, 3, activation="relu", kernel_initializer="glorot_uniform")(
        layers.Reshape((32, 16))(x)
    )
    outputs = layers.Dense(1)(layers.Flatten()(x))
    return keras.Model(inputs, outputs)
'''

TF_KERAS_MODEL_TF = '''\
"""The same model through tf.keras (Keras 2 when TF_USE_LEGACY_KERAS=1)."""

import tensorflow as tf


def build():
    inputs = tf.keras.Input((256,))
    x = tf.keras.layers.Dense(512, activation="relu")(inputs)
    x = tf.keras.layers.Dense(512, kernel_initializer="glorot_normal")(x)
    x = tf.keras.layers.LeakyReLU(0.2)(x)
    x = tf.keras.layers.Conv1D(64, 3, activation="relu", kernel_initializer="glorot_uniform")(
        tf.keras.layers.Reshape((32, 16))(x)
    )
    outputs = tf.keras.layers.Dense(1)(tf.keras.layers.Flatten()(x))
    return tf.keras.Model(inputs, outputs)
'''

# Runs in a fresh process: builds the fixed model, reports its kernels, saves it in both
# formats and loads it back with nothing imported but the fixed file (no custom_objects).
PROBE = """
    import importlib, json, sys
    sys.path.insert(0, sys.argv[1])
    import tf_keras
    module = importlib.import_module("model")
    model = module.build()
    kernels = {layer.name: layer for layer in model.layers if hasattr(layer, "kernel")}
    result = {
        "initializers": {n: type(l.kernel_initializer).__module__ + "." + type(l.kernel_initializer).__name__
                         for n, l in kernels.items()},
        "std": {n: float(l.kernel.numpy().std()) for n, l in kernels.items()},
        "shapes": {n: list(l.kernel.shape) for n, l in kernels.items()},
        "is_tf_keras": isinstance(model, tf_keras.Model),
    }
    for name in ("m.keras", "m.h5"):
        path = sys.argv[1] + "/" + name
        model.save(path)
        loaded = tf_keras.models.load_model(path)
        result[name] = {
            "same_weights": all((a == b).all() for a, b in zip(model.get_weights(), loaded.get_weights())),
            "same_configs": [l.kernel_initializer.get_config() for l in loaded.layers if hasattr(l, "kernel")]
                            == [l.kernel_initializer.get_config() for l in kernels.values()],
        }
    print(json.dumps(result))
"""


def _run_model(directory: Path, legacy: bool) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "TF_USE_LEGACY_KERAS": "1" if legacy else "0",
    }
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(PROBE), str(directory)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("source", "module"),
    [(TF_KERAS_MODEL, "kaiming_keras.keras2"), (TF_KERAS_MODEL_TF, "kaiming_keras.tf")],
    ids=["tf_keras", "tf.keras-legacy"],
)
def test_fixed_keras2_file_runs_under_tf_keras_with_he_kernels(tmp_path, source, module):
    path = tmp_path / "model.py"
    path.write_text(source, encoding="utf-8")
    done = run_subprocess("--fix", "model.py", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    fixed = path.read_text(encoding="utf-8")
    assert f"from {module} import KaimingNormal\n" in fixed
    # The linter finds nothing left in what it wrote.
    assert run_subprocess("model.py", cwd=tmp_path).returncode == 0

    result = _run_model(tmp_path, legacy=True)
    assert result["is_tf_keras"]
    initializers = list(result["initializers"].values())
    assert initializers[:3] == ["kaiming_keras.keras2.KaimingNormal"] * 3
    for name, shape in list(result["shapes"].items())[:3]:
        fan_in = math.prod(shape[:-1])
        gain_squared = 2 / (1 + 0.2**2) if name == "dense_1" else 2.0
        assert result["std"][name] == pytest.approx(math.sqrt(gain_squared / fan_in), rel=0.05)
    for name in ("m.keras", "m.h5"):
        assert result[name] == {"same_weights": True, "same_configs": True}, name
