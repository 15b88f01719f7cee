"""variance_report on the JAX and PyTorch backends (each in its own process: Keras picks the
backend once, at import)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json
import keras
import numpy as np
from kaiming_keras import variance_report

model = keras.Sequential(
    [keras.Input((6,)), keras.layers.Dense(5, activation="relu"), keras.layers.Dense(3)]
)
rng = np.random.default_rng(7)
weights = [rng.normal(size=w.shape).astype("float32") for w in model.get_weights()]
model.set_weights(weights)
x = rng.normal(size=(32, 6)).astype("float32")
y = rng.normal(size=(32, 3)).astype("float32")
report = variance_report(model, x, y, loss="mean_squared_error")
print(json.dumps({
    "backend": keras.backend.backend(),
    "rows": report.to_dicts(),
    "weights": [w.tolist() for w in weights],
    "x": x.tolist(),
    "y": y.tolist(),
}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_forward_and_backward_on_other_backends(backend):
    env = {**os.environ, "KERAS_BACKEND": backend}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["backend"] == backend

    w1, b1, w2, b2 = (np.array(w) for w in data["weights"])
    x, y = np.array(data["x"]), np.array(data["y"])
    hidden = np.maximum(x @ w1 + b1, 0.0)
    out = hidden @ w2 + b2
    d_out = 2.0 * (out - y) / out.size
    expected = [
        (np.var(hidden), np.var(d_out @ w2.T)),
        (np.var(out), np.var(d_out)),
    ]
    measured = [(row["output_variance"], row["gradient_variance"]) for row in data["rows"]]
    assert measured == [pytest.approx(pair, rel=1e-4) for pair in expected]
