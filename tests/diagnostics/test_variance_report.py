"""variance_report: the per-layer measurement behind the Kaiming claim."""

from __future__ import annotations

import struct
import sys

import keras
import numpy as np
import pytest

from kaiming_keras import KaimingNormal
from kaiming_keras.diagnostics import VarianceReport, variance_report


def relu(a: np.ndarray) -> np.ndarray:
    return np.maximum(a, 0.0)


def two_layer_mlp() -> tuple[keras.Model, list[np.ndarray]]:
    """Dense(relu) -> Dense, with weights (and nonzero biases) set from numpy."""
    model = keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(5, activation="relu", name="hidden"),
            keras.layers.Dense(3, name="out"),
        ]
    )
    rng = np.random.default_rng(7)
    weights = [rng.normal(size=w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(weights)
    return model, weights


def batch(rows: int = 32, cols: int = 6, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(rows, cols)).astype("float32")


def test_forward_variances_match_a_manual_computation():
    model, (w1, b1, w2, b2) = two_layer_mlp()
    x = batch()
    hidden = relu(x @ w1 + b1)
    out = hidden @ w2 + b2

    report = variance_report(model, x)

    assert [(row.layer, row.kind) for row in report] == [("hidden", "Dense"), ("out", "Dense")]
    assert report[0].output_variance == pytest.approx(np.var(hidden), rel=1e-5)
    assert report[1].output_variance == pytest.approx(np.var(out), rel=1e-5)
    assert report[1].output_std == pytest.approx(np.std(out), rel=1e-5)
    assert all(row.gradient_variance is None for row in report)


def test_gradient_variances_are_taken_with_respect_to_each_layer_output():
    model, (w1, b1, w2, b2) = two_layer_mlp()
    x = batch()
    y = np.random.default_rng(1).normal(size=(32, 3)).astype("float32")
    hidden = relu(x @ w1 + b1)
    out = hidden @ w2 + b2
    # mean squared error over the batch and the 3 outputs
    d_out = 2.0 * (out - y) / out.size
    d_hidden = d_out @ w2.T

    report = variance_report(model, x, y, loss="mean_squared_error")

    assert report[1].gradient_variance == pytest.approx(np.var(d_out), rel=1e-4)
    assert report[0].gradient_variance == pytest.approx(np.var(d_hidden), rel=1e-4)


def test_compiled_loss_is_used_when_no_loss_is_given():
    model, _ = two_layer_mlp()
    x, y = batch(), batch(cols=3, seed=2)
    explicit = variance_report(model, x, y, loss="mean_absolute_error")
    model.compile(loss="mean_absolute_error")

    compiled = variance_report(model, x, y)

    squared = variance_report(model, x, y, loss="mean_squared_error")
    gradients = [row.gradient_variance for row in compiled]
    assert gradients == pytest.approx([row.gradient_variance for row in explicit], rel=1e-6)
    assert gradients != pytest.approx([row.gradient_variance for row in squared], rel=1e-2)


def test_functional_rows_follow_the_model_and_expand_nested_models():
    inputs = keras.Input((4,))
    left = keras.layers.Dense(3, activation="relu", name="left")(inputs)
    right = keras.layers.Dense(2, name="right")(inputs)
    merged = keras.layers.Concatenate(name="merge")([left, right])
    inner = keras.Sequential(
        [keras.layers.Dense(3, name="inner_dense"), keras.layers.ReLU(name="inner_relu")],
        name="inner",
    )
    outputs = keras.layers.Dense(1, name="final")(inner(merged))
    model = keras.Model(inputs, outputs)
    x = batch(cols=4)

    report = variance_report(model, x)

    assert [row.layer for row in report] == [
        "left",
        "right",
        "merge",
        "inner_dense",
        "inner_relu",
        "final",
    ]
    left_out = model.get_layer("left")(x)
    right_out = model.get_layer("right")(x)
    manual = np.var(np.concatenate([np.asarray(left_out), np.asarray(right_out)], axis=1))
    assert report[2].output_variance == pytest.approx(manual, rel=1e-5)
    assert report[5].output_variance == pytest.approx(np.var(np.asarray(model(x))), rel=1e-5)


def test_a_shared_layer_gives_one_row_per_call():
    inputs = keras.Input((3,))
    shared = keras.layers.Dense(3, name="shared")
    model = keras.Model(inputs, shared(shared(inputs)))

    report = variance_report(model, batch(cols=3))

    assert [row.layer for row in report] == ["shared", "shared (call 2)"]
    assert report[0].output_variance != report[1].output_variance


def test_a_layer_shared_by_two_nested_models_is_recorded_once_per_call():
    shared = keras.layers.Dense(3, name="shared")
    first = keras.Sequential([keras.Input((3,)), shared], name="first")
    second = keras.Sequential([keras.Input((3,)), shared], name="second")
    inputs = keras.Input((3,))
    model = keras.Model(inputs, second(first(inputs)))

    report = variance_report(model, batch(cols=3))

    assert [row.layer for row in report] == ["shared", "shared (call 2)"]


class TwoStep(keras.Model):
    def __init__(self) -> None:
        super().__init__()
        self.first = keras.layers.Dense(8, activation="relu", name="first")
        self.second = keras.layers.Dense(2, name="second")

    def call(self, inputs):
        return self.second(self.first(inputs))


def test_subclassed_models_report_the_layers_they_call():
    model = TwoStep()
    x = batch(cols=5)
    report = variance_report(model, x, batch(cols=2), loss="mse")

    assert [row.layer for row in report] == ["first", "second"]
    assert report[1].output_variance == pytest.approx(np.var(np.asarray(model(x))), rel=1e-5)
    assert all(row.gradient_variance > 0 for row in report)


def test_an_unbuilt_sequential_model_is_built_by_the_report():
    model = keras.Sequential([keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
    report = variance_report(model, batch())
    assert len(report) == 2 and model.built


def test_the_model_is_left_as_it_was():
    model, _ = two_layer_mlp()
    x = batch()
    before = np.asarray(model(x))
    variance_report(model, x, batch(cols=3), loss="mse")
    assert all("call" not in layer.__dict__ for layer in model.layers)
    np.testing.assert_array_equal(np.asarray(model(x)), before)


class Failing(keras.layers.Layer):
    def call(self, inputs):
        raise RuntimeError("boom")

    def compute_output_shape(self, input_shape):
        return input_shape


def test_wrappers_are_removed_even_when_the_forward_pass_fails():
    dense = keras.layers.Dense(2)
    model = keras.Sequential([keras.Input((3,)), dense, Failing()], name="fails")
    model.layers[1].call = model.layers[1].call  # an instance attribute that must survive
    own_call = model.layers[1].__dict__["call"]
    with pytest.raises(RuntimeError, match="boom"):
        variance_report(model, batch(cols=3))
    assert "call" not in dense.__dict__
    assert model.layers[1].__dict__["call"] is own_call


def deep_relu_net(initializer_factory, depth: int = 20, width: int = 256) -> keras.Model:
    model = keras.Sequential([keras.Input((width,))])
    for index in range(depth):
        model.add(
            keras.layers.Dense(
                width, activation="relu", kernel_initializer=initializer_factory(100 + index)
            )
        )
    return model


def test_kaiming_keeps_the_variance_of_a_deep_relu_net_and_glorot_shrinks_it():
    """The claim itself: flat under Kaiming, a factor ~2 lost per layer under Glorot."""
    x = batch(rows=2048, cols=256, seed=3)
    kaiming = variance_report(deep_relu_net(lambda s: KaimingNormal(seed=s)), x)
    glorot = variance_report(deep_relu_net(lambda s: keras.initializers.GlorotUniform(seed=s)), x)

    kaiming_ratio = kaiming[-1].output_variance / kaiming[0].output_variance
    glorot_ratio = glorot[-1].output_variance / glorot[0].output_variance
    assert 0.25 < kaiming_ratio < 4.0
    # 19 layers at a factor 1/2 each is 2**-19 ~ 2e-6
    assert 2.0**-22 < glorot_ratio < 2.0**-16


def linear_loss(targets, predictions):
    """A loss whose gradient at the output (targets / size) does not depend on the network.

    He et al.'s backward analysis assumes the top gradient is independent of the weights; with
    MSE the prediction-dependent part of the gradient grows through the layers at finite width.
    """
    return keras.ops.mean(targets * predictions)


@pytest.mark.parametrize(
    ("factory", "low", "high"),
    [
        (lambda s: KaimingNormal(seed=s), 0.5, 2.0),
        # 19 backward steps at a factor 1/2 each: 2**-19
        (lambda s: keras.initializers.GlorotUniform(seed=s), 2.0**-22, 2.0**-16),
    ],
    ids=["kaiming", "glorot"],
)
def test_backward_signal_is_kept_by_kaiming_and_shrinks_with_glorot(factory, low, high):
    x = batch(rows=1024, cols=256, seed=4)
    y = np.random.default_rng(5).normal(size=(1024, 256)).astype("float32")
    report = variance_report(deep_relu_net(factory), x, y, loss=linear_loss)
    ratio = report[0].gradient_variance / report[-1].gradient_variance
    assert low < ratio < high


def test_table_and_dicts():
    model, _ = two_layer_mlp()
    forward = variance_report(model, batch())
    both = variance_report(model, batch(), batch(cols=3), loss="mse")

    lines = forward.to_table().splitlines()
    assert lines[0].split() == ["#", "layer", "kind", "output_variance"]
    assert [line.split()[1] for line in lines[1:]] == ["hidden", "out"]
    assert len({len(line) for line in lines}) == 1  # aligned: numbers right-justified
    assert str(forward) == forward.to_table()
    assert both.to_table().splitlines()[0].split()[-1] == "gradient_variance"

    assert forward.to_dicts()[0] == {
        "layer": "hidden",
        "kind": "Dense",
        "output_variance": forward[0].output_variance,
    }
    assert set(both.to_dicts()[0]) == {"layer", "kind", "output_variance", "gradient_variance"}
    assert isinstance(forward, VarianceReport) and len(forward[:1]) == 1


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("with_gradients", [False, True])
def test_plot_writes_a_png(tmp_path, with_gradients):
    model, _ = two_layer_mlp()
    y = batch(cols=3) if with_gradients else None
    report = variance_report(model, batch(), y, loss="mse" if with_gradients else None)

    path = report.plot(tmp_path / "variance.png", title="two layers")

    width, height = png_size(path)
    assert height > 100
    assert width > height * (2 if with_gradients else 1)  # one panel per signal


def test_plot_rejects_other_formats(tmp_path):
    model, _ = two_layer_mlp()
    with pytest.raises(ValueError, match=r"path: .*\.png"):
        variance_report(model, batch()).plot(tmp_path / "variance.pdf")


def test_plot_without_matplotlib_names_the_extra(tmp_path, monkeypatch):
    model, _ = two_layer_mlp()
    report = variance_report(model, batch())
    for name in ("matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match=r"pip install kaiming-keras\[plot\]"):
        report.plot(tmp_path / "variance.png")
    assert not (tmp_path / "variance.png").exists()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda m: variance_report(keras.layers.Dense(2), batch()), r"^model: .*keras\.Model"),
        (lambda m: variance_report(m, None), r"^x: .*None"),
        (lambda m: variance_report(m, np.zeros((0, 6), "float32")), r"^x: .*at least one"),
        (lambda m: variance_report(m, batch(), batch(cols=3)), r"^loss: .*not compiled"),
        (lambda m: variance_report(m, batch(), loss="mse"), r"^loss: .*pass y"),
        (lambda m: variance_report(m, batch(), batch(cols=3), loss="nope"), r"^loss: .*'nope'"),
        (lambda m: variance_report(m, batch(), batch(cols=3), loss=3), r"^loss: .*int"),
    ],
    ids=[
        "not-a-model",
        "x-none",
        "x-empty",
        "no-loss",
        "loss-without-y",
        "unknown-loss",
        "loss-type",
    ],
)
def test_bad_input_raises_value_error_naming_it(call, message):
    model, _ = two_layer_mlp()
    with pytest.raises(ValueError, match=message):
        call(model)


def test_mixed_precision_layers_keep_their_dtype_under_the_gradient_probes():
    model = keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(5, activation="relu", dtype="mixed_float16", name="half"),
            keras.layers.Dense(3, dtype="float32", name="out"),
        ]
    )
    report = variance_report(model, batch(), batch(cols=3), loss="mse")
    assert [row.layer for row in report] == ["half", "out"]
    assert all(np.isfinite(row.gradient_variance) and row.gradient_variance > 0 for row in report)
