"""The saved-model reader: Keras model configs (Keras 3 and Keras 2 formats) -> LayerFacts.

These configs are written out by hand in the formats Keras writes, so the reader is tested
without Keras; test_audit.py feeds it configs that Keras itself produced.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kaiming_lint.facts import Activation
from kaiming_lint.rules import judge
from kaiming_lint.sources import (
    ModelConfigError,
    config_from_bytes,
    facts_from_config,
    read_keras_file,
    read_model_json,
)
from kaiming_lint.sources.model_config import init_from_config

ROOT = Path(__file__).resolve().parents[2]


# --- Keras 3 format builders -----------------------------------------------------------------


def k3_init(class_name, registered_name=None, **config):
    return {
        "module": "keras.initializers",
        "class_name": class_name,
        "config": config,
        "registered_name": registered_name,
    }


def k3_layer(class_name, name, inputs=(), **config):
    """A functional-model layer entry; ``inputs`` name the layers it consumes."""
    if class_name in ("Dense", "Conv2D"):
        config.setdefault("activation", "linear")
        config.setdefault("use_bias", True)
        config.setdefault("kernel_initializer", k3_init("GlorotUniform", seed=None))
        config.setdefault("bias_initializer", k3_init("Zeros"))
    tensors = [
        {
            "class_name": "__keras_tensor__",
            "config": {"shape": [None, 4], "dtype": "float32", "keras_history": [src, 0, 0]},
        }
        for src in inputs
    ]
    args = [tensors] if len(tensors) > 1 else tensors
    return {
        "module": "keras.layers",
        "class_name": class_name,
        "config": {"name": name, **config},
        "registered_name": None,
        "name": name,
        "inbound_nodes": [{"args": args, "kwargs": {}}] if inputs else [],
    }


def k3_functional(layers, outputs, name="model"):
    return {
        "module": "keras.src.models.functional",
        "class_name": "Functional",
        "config": {
            "name": name,
            "layers": layers,
            "input_layers": [["input", 0, 0]],
            "output_layers": [[output, 0, 0] for output in outputs],
        },
        "registered_name": "Functional",
    }


def pairing_of(facts, name):
    (fact,) = [f for f in facts if f.name == name]
    return fact.pairing, fact.feeds


# --- Pairing through the graph ---------------------------------------------------------------


def test_keras3_functional_graph_pairing():
    config = k3_functional(
        [
            k3_layer("InputLayer", "input"),
            k3_layer("Dense", "own", ["input"], activation="relu"),
            k3_layer("Dense", "via_dropout", ["own"]),
            k3_layer("Dropout", "drop", ["via_dropout"], rate=0.5),
            k3_layer("ReLU", "relu_a", ["drop"]),
            k3_layer("Dense", "left", ["relu_a"]),
            k3_layer("Dense", "right", ["relu_a"]),
            k3_layer("Concatenate", "concat", ["left", "right"], axis=-1),
            k3_layer("LeakyReLU", "leaky", ["concat"], negative_slope=0.1),
            k3_layer("Dense", "summed", ["leaky"]),
            k3_layer("Add", "add", ["summed", "leaky"]),
            k3_layer("ReLU", "relu_after_add", ["add"]),
            k3_layer("Dense", "normed", ["relu_after_add"]),
            k3_layer("BatchNormalization", "bn", ["normed"]),
            k3_layer("Activation", "act", ["bn"], activation="relu"),
            k3_layer("Dense", "logits", ["act"], activation="softmax"),
        ],
        outputs=["logits"],
    )
    facts = facts_from_config(config)
    assert [f.name for f in facts] == [
        "own",
        "via_dropout",
        "left",
        "right",
        "summed",
        "normed",
        "logits",
    ]
    assert pairing_of(facts, "own") == ("relu", Activation("relu", 0.0))
    assert pairing_of(facts, "via_dropout") == ("relu", Activation("ReLU", 0.0))
    assert pairing_of(facts, "left") == ("relu", Activation("LeakyReLU", 0.1))
    assert pairing_of(facts, "right") == ("relu", Activation("LeakyReLU", 0.1))
    assert pairing_of(facts, "summed")[0] == "none"  # Add changes the variance
    assert pairing_of(facts, "normed") == ("normalized", Activation("relu", 0.0))
    assert pairing_of(facts, "logits")[0] == "none"


def test_a_layer_whose_paths_disagree_is_unknown():
    config = k3_functional(
        [
            k3_layer("InputLayer", "input"),
            k3_layer("Dense", "shared", ["input"]),
            k3_layer("Dense", "head", ["shared"]),
            k3_layer("ReLU", "relu", ["shared"]),
        ],
        outputs=["head", "relu"],
    )
    # one path reaches a ReLU, the other the model's output: like the linter, no verdict
    assert pairing_of(facts_from_config(config), "shared") == ("unknown", None)


def test_a_layer_whose_paths_agree_is_paired():
    config = k3_functional(
        [
            k3_layer("InputLayer", "input"),
            k3_layer("Dense", "shared", ["input"]),
            k3_layer("ReLU", "relu", ["shared"]),
            k3_layer("Dropout", "drop", ["shared"]),
            k3_layer("ReLU", "relu_2", ["drop"]),
        ],
        outputs=["relu", "relu_2"],
    )
    assert pairing_of(facts_from_config(config), "shared") == ("relu", Activation("ReLU", 0.0))


def test_nested_models_pass_the_pairing_both_ways():
    inner = {
        "module": "keras",
        "class_name": "Sequential",
        "config": {
            "name": "block",
            "layers": [
                {"class_name": "InputLayer", "config": {"name": "block_input"}},
                {"class_name": "ReLU", "config": {"name": "inner_relu"}},
                {
                    "class_name": "Dense",
                    "config": {"name": "inner_dense", "activation": "linear"},
                },
            ],
        },
        "name": "block",
        "inbound_nodes": k3_layer("X", "x", ["before"])["inbound_nodes"],
    }
    config = k3_functional(
        [
            k3_layer("InputLayer", "input"),
            k3_layer("Dense", "before", ["input"]),
            inner,
            k3_layer("Flatten", "flat", ["block"]),
            k3_layer("ReLU", "outer_relu", ["flat"]),
        ],
        outputs=["outer_relu"],
    )
    facts = facts_from_config(config)
    assert pairing_of(facts, "before") == ("relu", Activation("ReLU", 0.0))
    assert pairing_of(facts, "inner_dense") == ("relu", Activation("ReLU", 0.0))


def test_model_get_config_form_without_wrapper():
    wrapped = k3_functional(
        [k3_layer("InputLayer", "input"), k3_layer("Dense", "d", ["input"], activation="relu")],
        outputs=["d"],
    )
    assert facts_from_config(wrapped["config"]) == facts_from_config(wrapped)


# --- Keras 2 formats -------------------------------------------------------------------------

KERAS2_FUNCTIONAL = {
    "class_name": "Functional",
    "config": {
        "name": "model",
        "layers": [
            {
                "class_name": "InputLayer",
                "config": {"batch_input_shape": [None, 8], "name": "input_1"},
                "name": "input_1",
                "inbound_nodes": [],
            },
            {
                "class_name": "Dense",
                "config": {
                    "name": "dense",
                    "units": 16,
                    "activation": "linear",
                    "use_bias": True,
                    "kernel_initializer": {
                        "class_name": "VarianceScaling",
                        "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform"},
                    },
                    "bias_initializer": {"class_name": "Ones", "config": {}},
                },
                "name": "dense",
                "inbound_nodes": [[["input_1", 0, 0, {}]]],
            },
            {
                "class_name": "LeakyReLU",
                "config": {"name": "leaky_re_lu", "alpha": 0.1},
                "name": "leaky_re_lu",
                "inbound_nodes": [[["dense", 0, 0, {}]]],
            },
        ],
        "input_layers": [["input_1", 0, 0]],
        "output_layers": [["leaky_re_lu", 0, 0]],
    },
    "keras_version": "2.15.0",
    "backend": "tensorflow",
}

KERAS2_SEQUENTIAL = {
    "class_name": "Sequential",
    "config": {
        "name": "sequential",
        "layers": [
            {
                "class_name": "Convolution2D",
                "config": {
                    "name": "conv",
                    "filters": 8,
                    "activation": "linear",
                    "kernel_initializer": {"class_name": "Zeros", "config": {}},
                },
            },
            {"class_name": "MaxPooling2D", "config": {"name": "pool"}},
            {"class_name": "ReLU", "config": {"name": "relu", "negative_slope": 0.0}},
            {
                "class_name": "Dense",
                "config": {
                    "name": "out",
                    "activation": "relu",
                    "kernel_initializer": "he_uniform",
                    "use_bias": False,
                    "bias_initializer": "ones",
                },
            },
        ],
    },
}


def test_keras2_functional_with_alpha_slope():
    (dense,) = facts_from_config(KERAS2_FUNCTIONAL)
    assert dense.feeds == Activation("LeakyReLU", 0.1)
    assert dense.weight.label == "VarianceScaling(scale=1.0)"
    codes = [v.code for v in judge([dense])]
    assert codes == ["KAI002", "KAI003"]


def test_keras2_sequential_aliases_and_string_initializers():
    conv, out = facts_from_config(KERAS2_SEQUENTIAL)
    assert (conv.layer, conv.pairing, conv.weight.category) == ("Conv2D", "relu", "constant")
    assert out.weight.category == "he" and out.use_bias is False
    assert [(v.code, v.layer.name) for v in judge([conv, out])] == [("KAI004", "conv")]


def test_read_model_json(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps(KERAS2_FUNCTIONAL))
    assert facts_from_config(read_model_json(path)) == facts_from_config(KERAS2_FUNCTIONAL)


def test_read_keras_file_reads_config_json_from_the_archive(tmp_path):
    path = tmp_path / "model.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("metadata.json", "{}")
        archive.writestr("config.json", json.dumps(KERAS2_SEQUENTIAL))
    assert read_keras_file(path) == KERAS2_SEQUENTIAL


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not a zip", "not a Keras v3 archive"), (None, "not valid UTF-8 JSON")],
)
def test_unreadable_keras_files(tmp_path, content, message):
    path = tmp_path / "model.keras"
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("config.json", "{not json")
    else:
        path.write_bytes(content)
    with pytest.raises(ModelConfigError, match=message):
        read_keras_file(path)


@pytest.mark.parametrize("config", [{}, {"class_name": "Dense", "config": {"units": 3}}, []])
def test_not_a_model_config(config):
    with pytest.raises(ModelConfigError):
        facts_from_config(config)


# --- Initializer configs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "category", "scale"),
    [
        (k3_init("HeNormal", seed=None), "he", 2.0),
        (k3_init("VarianceScaling", scale=2.0, mode="fan_out", distribution="uniform"), "he", 2.0),
        (k3_init("VarianceScaling", scale=1.0, mode="fan_in"), "non_he", 1.0),
        (k3_init("Orthogonal", gain=math.sqrt(2.0)), "he", 2.0),
        (k3_init("Orthogonal", gain=1.0), "non_he", 1.0),
        (
            k3_init(
                "KaimingNormal",
                "kaiming_keras>KaimingNormal",
                mode="fan_in",
                nonlinearity="relu",
                negative_slope=0.0,
            ),
            "he",
            2.0,
        ),
        (
            k3_init("KaimingUniform", "kaiming_keras>KaimingUniform", nonlinearity="tanh"),
            "non_he",
            (5 / 3) ** 2,
        ),
        (k3_init("GlorotNormal", seed=3), "non_he", None),
        (k3_init("Constant", value=0.5), "constant", None),
        ("he_normal", "he", 2.0),
        (k3_init("MyInit", "custom>MyInit"), "unknown", None),
    ],
)
def test_initializer_judgement(config, category, scale):
    init = init_from_config(config)
    assert init.category == category
    assert init.scale == (pytest.approx(scale) if scale is not None else None)


def test_leaky_kaiming_is_accepted_for_its_slope():
    layers = [
        k3_layer("InputLayer", "input"),
        k3_layer(
            "Dense",
            "d",
            ["input"],
            kernel_initializer=k3_init(
                "KaimingNormal", "kaiming_keras>KaimingNormal", negative_slope=0.2
            ),
        ),
        k3_layer("LeakyReLU", "leaky", ["d"], negative_slope=0.2),
    ]
    assert judge(facts_from_config(k3_functional(layers, ["leaky"]))) == []


def test_default_initializers_read_as_not_given():
    layers = [
        k3_layer("InputLayer", "input"),
        k3_layer("Dense", "default", ["input"], activation="relu"),
        k3_layer(
            "Dense",
            "seeded_glorot",
            ["default"],
            activation="relu",
            kernel_initializer=k3_init("GlorotUniform", seed=1),
            bias_initializer=k3_init("Constant", value=0.0),
        ),
    ]
    default, seeded = facts_from_config(k3_functional(layers, ["seeded_glorot"]))
    assert default.weight is None and default.bias is None
    assert seeded.weight.category == "non_he" and seeded.bias is None
    assert [v.code for v in judge([default, seeded])] == ["KAI001", "KAI002"]


def test_equal_int_seeds_read_as_one_shared_object():
    def dense(name, source, **init):
        return k3_layer(
            "Dense",
            name,
            [source],
            activation="relu",
            kernel_initializer=k3_init("HeNormal", **init),
        )

    layers = [
        k3_layer("InputLayer", "input"),
        dense("a", "input", seed=7),
        dense("b", "a", seed=7),
        dense("c", "b", seed=8),
        dense("d", "c", seed=None),
        dense("e", "d", seed=None),
    ]
    violations = judge(facts_from_config(k3_functional(layers, ["e"])))
    assert [(v.code, v.layer.name) for v in violations] == [("KAI005", "a"), ("KAI005", "b")]


def test_einsum_bias_follows_bias_axes():
    layers = [
        k3_layer("InputLayer", "input"),
        k3_layer(
            "EinsumDense",
            "with_bias",
            ["input"],
            equation="ab,bc->ac",
            activation="relu",
            bias_axes="c",
            bias_initializer=k3_init("Ones"),
        ),
        k3_layer(
            "EinsumDense",
            "no_bias",
            ["with_bias"],
            equation="ab,bc->ac",
            activation="relu",
            bias_axes=None,
            bias_initializer=k3_init("Ones"),
        ),
    ]
    violations = judge(facts_from_config(k3_functional(layers, ["no_bias"])))
    assert [(v.code, v.layer.name) for v in violations if v.code == "KAI003"] == [
        ("KAI003", "with_bias")
    ]


def test_prelu_slope_from_its_alpha_initializer():
    layers = [
        k3_layer("InputLayer", "input"),
        k3_layer("Dense", "d", ["input"]),
        k3_layer("PReLU", "p", ["d"], alpha_initializer=k3_init("Constant", value=0.25)),
    ]
    assert pairing_of(facts_from_config(k3_functional(layers, ["p"])), "d") == (
        "relu",
        Activation("PReLU", 0.25),
    )


def test_extra_relu_activations():
    layers = [
        k3_layer("InputLayer", "input"),
        k3_layer("Dense", "d", ["input"], activation="gelu"),
    ]
    config = k3_functional(layers, ["d"])
    assert pairing_of(facts_from_config(config), "d")[0] == "none"
    extra = facts_from_config(config, extra_relu_activations=["gelu"])
    assert pairing_of(extra, "d") == ("relu", Activation("gelu", 0.0))


def test_reader_imports_neither_keras_nor_libcst():
    code = (
        "import sys, kaiming_lint.sources.model_config\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('keras', 'tensorflow', 'libcst', 'jax', 'torch'))\n"
        "print(bad)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "[]"


def test_config_from_bytes_reads_either_format(tmp_path):
    path = tmp_path / "model.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", json.dumps(KERAS2_SEQUENTIAL))
    assert config_from_bytes(path.read_bytes(), "saved/model.keras") == KERAS2_SEQUENTIAL
    raw = json.dumps(KERAS2_FUNCTIONAL).encode()
    assert config_from_bytes(raw, "model.json") == KERAS2_FUNCTIONAL
    with pytest.raises(ModelConfigError, match=r"^saved/bad\.keras: not a Keras v3 archive"):
        config_from_bytes(b"junk", "saved/bad.keras")


def test_a_user_registered_class_sharing_a_keras_name_is_not_keras():
    mine = k3_layer("Dense", "mine", ["input"], activation="relu")
    mine["registered_name"] = "my_package>Dense"
    mine["module"] = "my_package.layers"
    layers = [k3_layer("InputLayer", "input"), mine, k3_layer("Dense", "keras", ["mine"])]
    config = k3_functional(layers, ["keras"])
    assert [f.name for f in facts_from_config(config)] == ["keras"]
    # audit passes the Keras class a live layer derives from
    assert [f.name for f in facts_from_config(config, kinds={"mine": "Dense"})] == [
        "mine",
        "keras",
    ]
