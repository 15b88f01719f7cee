"""Every kernel layer the single-file analysis leaves undecided says why (issue 11, part 6).

Each snippet is analysed with ``kaiming_lint.pairing.analyze``; the reason is what
``--show-unknown`` and ``--statistics`` give. ``undecided`` says which of them a user should see:
those some rule could report if the unknown part were known.
"""

from __future__ import annotations

import importlib.util
import json
import textwrap
from functools import cache
from pathlib import Path

import libcst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from kaiming_lint.facts import Activation, Init, LayerFacts, Pairing
from kaiming_lint.pairing import analyze
from kaiming_lint.paths import Outcomes, PathState, Step, StepKind
from kaiming_lint.results import UnknownReason
from kaiming_lint.rules import RULES, Settings
from kaiming_lint.unknown_reasons import undecided

R = UnknownReason
HEAD = "from keras import layers\n"


def only(src: str) -> LayerFacts:
    """The one kernel layer a snippet builds (the first one when it builds several)."""
    facts = analyze(libcst.parse_module(HEAD + textwrap.dedent(src))).layers
    assert facts, "no kernel layer found"
    return facts[0]


CASES = {
    "returned from a function never called": (
        """
        def block(x):
            x = layers.Conv2D(8, 3)(x)
            return x
        """,
        R.VALUE_ESCAPES,
    ),
    "a layer object returned by a helper never called": (
        """
        def make(filters):
            return layers.Dense(filters)
        """,
        R.VALUE_ESCAPES,
    ),
    "stored in an attribute": (
        """
        def block(x, box):
            box.out = layers.Dense(4)(x)
        """,
        R.VALUE_ESCAPES,
    ),
    "stored in a list": (
        """
        x = layers.Input((4,))
        outputs = [layers.Dense(4)(x)]
        """,
        R.VALUE_ESCAPES,
    ),
    "branches disagree": (
        """
        def build(x, deep):
            x = layers.Dense(4)(x)
            if deep:
                x = layers.ReLU()(x)
            else:
                x = layers.Add()([x, x])
            return x
        """,
        R.BRANCHES_DISAGREE,
    ),
    "a loop run zero times or more disagrees": (
        """
        x = layers.Input((4,))
        x = layers.Dense(4)(x)
        for _ in range(3):
            x = layers.ReLU()(x)
        out = layers.Add()([x, x])
        """,
        R.BRANCHES_DISAGREE,
    ),
    "break in a loop": (
        """
        x = layers.Input((4,))
        x = layers.Dense(4)(x)
        for i in range(3):
            if i == 2:
                x = layers.Dropout(0.1)(x)
                break
            x = layers.ReLU()(x)
        """,
        R.BRANCHES_DISAGREE,
    ),
    "fan-out consumers disagree": (
        """
        x = layers.Input((4,))
        x = layers.Dense(4)(x)
        skip = x
        x = layers.ReLU()(x)
        y = layers.Add()([x, skip])
        """,
        R.CONSUMERS_DISAGREE,
    ),
    "fan-out through a branch: both verdicts on one path": (
        """
        def build(x, deep):
            x = layers.Dense(4)(x)
            skip = x
            if deep:
                x = layers.Dropout(0.1)(x)
            x = layers.ReLU()(x)
            return layers.Add()([x, skip])
        build(layers.Input((4,)), True)
        """,
        R.CONSUMERS_DISAGREE,
    ),
    "a layer object used twice, differently": (
        """
        dense = layers.Dense(4)
        a = layers.ReLU()(dense(layers.Input((4,))))
        b = layers.Add()([dense(layers.Input((4,))), a])
        """,
        R.CONSUMERS_DISAGREE,
    ),
    "a helper's calls disagree": (
        """
        def block(x):
            return layers.Dense(4)(x)
        a = layers.ReLU()(block(layers.Input((4,))))
        b = layers.Activation("tanh")(block(layers.Input((4,))))
        """,
        R.CALL_SITES_DISAGREE,
    ),
    "the tensor goes into a function of the user's own that is decorated": (
        """
        @registered
        def norm_act(x):
            x = layers.BatchNormalization()(x)
            return layers.ReLU()(x)
        x = layers.Input((4,))
        x = layers.Dense(4)(x)
        x = norm_act(x)
        """,
        R.CALL_TO_USER_CODE,
    ),
    "the tensor goes into a method of the user's own": (
        """
        class Block:
            def apply(self, x):
                return layers.ReLU()(x)
        x = layers.Input((4,))
        x = layers.Dense(4)(x)
        x = Block().apply(x)
        """,
        R.DYNAMIC_ATTRIBUTE,
    ),
    "the tensor goes into a name that does not resolve": (
        """
        x = layers.Input((4,))
        x = layers.Dense(4)(x)
        x = custom_op(x)
        """,
        R.CALL_TO_USER_CODE,
    ),
    "the tensor goes into a user's layer class": (
        """
        class Block(layers.Layer):
            pass
        x = layers.Input((4,))
        x = Block()(layers.Dense(4)(x))
        """,
        R.CALL_TO_USER_CODE,
    ),
    "the tensor goes into a Lambda": (
        """
        x = layers.Input((4,))
        x = layers.Lambda(lambda t: t * 2)(layers.Dense(4)(x))
        """,
        R.CALL_TO_USER_CODE,
    ),
    "an activation name bound on two branches": (
        """
        def build(x, small):
            if small:
                act = layers.ReLU()
            else:
                act = layers.Activation("tanh")
            x = layers.Dense(4)(x)
            return act(x)
        build(layers.Input((4,)), True)
        """,
        R.REBOUND_NAME,
    ),
    "an activation from a parameter": (
        """
        def head(x, activation):
            return layers.Dense(4, activation=activation)(x)
        """,
        R.PARAMETER_FROM_OUTSIDE,
    ),
    "an Activation layer of a parameter": (
        """
        def head(x, activation="relu"):
            x = layers.Dense(4)(x)
            return layers.Activation(activation)(x)
        head(layers.Input((4,)), activation="tanh")
        """,
        R.PARAMETER_FROM_OUTSIDE,
    ),
    "a LeakyReLU slope from a parameter": (
        """
        def head(x, slope):
            x = layers.Dense(4)(x)
            return layers.LeakyReLU(negative_slope=slope)(x)
        head(layers.Input((4,)), 0.2)
        """,
        R.PARAMETER_FROM_OUTSIDE,
    ),
    "an activation hidden by a star import": (
        """
        from mylib import *
        x = layers.Input((4,))
        x = layers.Dense(4, activation=act)(x)
        """,
        R.STAR_IMPORT,
    ),
    "an activation read with getattr": (
        """
        x = layers.Input((4,))
        x = layers.Dense(4, activation=getattr(layers, "ReLU")())(x)
        """,
        R.DYNAMIC_ATTRIBUTE,
    ),
    "an activation from a config object": (
        """
        def head(x, config):
            return layers.Dense(4, activation=config.activation)(x)
        """,
        R.DYNAMIC_ATTRIBUTE,
    ),
    "an activation behind **kwargs": (
        """
        def head(x, **kwargs):
            return layers.Dense(4, **kwargs)(x)
        """,
        R.UNKNOWN_ARGUMENT,
    ),
    "a conditional activation": (
        """
        def head(x, deep):
            return layers.Dense(4, activation="relu" if deep else None)(x)
        """,
        R.BRANCHES_DISAGREE,
    ),
}


@pytest.mark.parametrize("src,reason", CASES.values(), ids=CASES.keys())
def test_an_unknown_pairing_says_why(src, reason):
    facts = only(src)
    assert facts.pairing is Pairing.UNKNOWN
    assert facts.reason == reason


def test_the_budget_running_out_is_the_reason():
    # 300 conditionals that each read the value: 2**300 paths, far past the budget.
    body = "".join(f"    if c{i}:\n        x = layers.Dropout(0.1)(x)\n" for i in range(300))
    src = f"def build(x, {', '.join(f'c{i}' for i in range(300))}):\n"
    src += "    x = layers.Dense(4)(x)\n" + body + "    return layers.ReLU()(x)\n"
    facts = only(src)
    assert facts.pairing is Pairing.UNKNOWN
    assert facts.reason == R.BUDGET


ARGUMENTS = {
    "a rebound initializer name": (
        """
        init = "he_normal"
        if big:
            init = "glorot_uniform"
        x = layers.Dense(4, activation="relu", kernel_initializer=init)(layers.Input((4,)))
        """,
        R.REBOUND_NAME,
    ),
    "an initializer from a parameter": (
        """
        def head(x, init):
            return layers.Dense(4, activation="relu", kernel_initializer=init)(x)
        """,
        R.PARAMETER_FROM_OUTSIDE,
    ),
    "an initializer hidden by a star import": (
        """
        from mylib import *
        x = layers.Dense(4, activation="relu", kernel_initializer=INIT)(layers.Input((4,)))
        """,
        R.STAR_IMPORT,
    ),
    "an initializer behind **kwargs": (
        """
        def head(x, **kwargs):
            return layers.Dense(4, activation="relu", **kwargs)(x)
        """,
        R.UNKNOWN_ARGUMENT,
    ),
    "an initializer attribute of something unknown": (
        """
        def head(x, cfg):
            return layers.Dense(4, activation="relu", kernel_initializer=cfg.init)(x)
        """,
        R.DYNAMIC_ATTRIBUTE,
    ),
    "a self attribute never assigned in the class": (
        """
        class Head(layers.Layer):
            def build(self, shape):
                self.dense = layers.Dense(4, activation="relu", kernel_initializer=self.init)
        """,
        R.DYNAMIC_ATTRIBUTE,
    ),
    "an initializer built by the user's own function": (
        """
        def make_init():
            return "he_normal"
        x = layers.Dense(4, activation="relu", kernel_initializer=make_init())(
            layers.Input((4,))
        )
        """,
        R.UNKNOWN_ARGUMENT,
    ),
    "a bias from a parameter": (
        """
        def head(x, bias):
            return layers.Dense(
                4, activation="relu", kernel_initializer="he_normal", bias_initializer=bias
            )(x)
        """,
        R.PARAMETER_FROM_OUTSIDE,
    ),
    "use_bias from a parameter": (
        """
        def head(x, use_bias):
            return layers.Dense(
                4, activation="relu", kernel_initializer="he_normal", use_bias=use_bias
            )(x)
        """,
        R.PARAMETER_FROM_OUTSIDE,
    ),
}


@pytest.mark.parametrize("src,reason", ARGUMENTS.values(), ids=ARGUMENTS.keys())
def test_an_argument_that_does_not_resolve_says_why(src, reason):
    facts = only(src)
    assert facts.pairing is Pairing.RELU  # the pairing itself is decided
    assert facts.reason == reason


def test_a_decided_layer_has_no_reason():
    facts = only(
        """
        x = layers.Dense(4, kernel_initializer="he_normal")(layers.Input((4,)))
        x = layers.ReLU()(x)
        """
    )
    assert facts.pairing is Pairing.RELU
    assert facts.reason is None
    assert not undecided(facts)


def test_a_finding_is_decided():
    facts = only("x = layers.Dense(4, activation='relu')(layers.Input((4,)))\n")
    assert facts.pairing is Pairing.RELU and facts.weight is None
    assert facts.reason is None and not undecided(facts)


# --- undecided: whether some rule could fire if the unknown part were known ------------------

HE = Init("he", "'he_normal'")
GLOROT = Init("non_he", "'glorot_uniform'")
UNKNOWN_INIT = Init("unknown", "init")
ZEROS = Init("constant", "'zeros'", constant_value=0.0)
ONES = Init("constant", "'ones'", constant_value=1.0)


def layer(pairing, weight=None, bias=None, use_bias=True):
    pairing = Pairing(pairing)
    feeds = Activation("ReLU") if pairing in (Pairing.RELU, Pairing.NORMALIZED) else None
    return LayerFacts("Dense", "kernel_initializer", weight, bias, use_bias, pairing, feeds)


@pytest.mark.parametrize(
    "facts,expected",
    [
        # unknown pairing: silent only when no ReLU finding is possible whatever it is
        (layer("unknown", HE), False),
        (layer("unknown", HE, ZEROS), False),
        (layer("unknown", HE, ONES, use_bias=False), False),
        (layer("unknown", HE, ONES), True),  # KAI003 if it fed a ReLU
        (layer("unknown", HE, ONES, use_bias=None), True),
        (layer("unknown", HE, UNKNOWN_INIT), True),
        (layer("unknown"), True),  # the default GlorotUniform: KAI001
        (layer("unknown", GLOROT), True),  # KAI002
        (layer("unknown", UNKNOWN_INIT), True),
        # a ReLU pairing: what is still open
        (layer("relu", UNKNOWN_INIT), True),
        (layer("relu", HE, UNKNOWN_INIT), True),
        (layer("relu", HE, UNKNOWN_INIT, use_bias=False), False),
        (layer("relu", HE, ONES, use_bias=None), True),
        (layer("relu", HE, ZEROS, use_bias=None), False),
        (layer("relu", HE, None, use_bias=None), False),
        (layer("relu", GLOROT), False),  # decided: KAI002 reports it
        (layer("relu"), False),  # decided: KAI001 reports it
        (layer("normalized", UNKNOWN_INIT), True),
        # a "none" pairing: no ReLU finding can hang on it
        (layer("none", UNKNOWN_INIT, UNKNOWN_INIT, use_bias=None), False),
        (layer("none"), False),
    ],
)
def test_undecided(facts, expected):
    assert undecided(facts) is expected


def test_undecided_follows_strict_normalized():
    facts = layer("normalized", UNKNOWN_INIT)
    assert undecided(facts, strict_normalized=True)
    assert not undecided(facts, strict_normalized=False)


def test_undecided_agrees_with_the_rules():
    """Filling in the unknown part of a layer that is not undecided never changes the ReLU
    findings (KAI001-KAI003). KAI004 and KAI005 do not depend on the pairing."""
    settings = Settings(strict_normalized=True)
    weights = [None, HE, GLOROT, ONES, UNKNOWN_INIT]
    biases = [None, ZEROS, ONES, UNKNOWN_INIT]
    for pairing in Pairing:
        for weight in weights:
            for bias in biases:
                for use_bias in (True, False, None):
                    facts = layer(pairing, weight, bias, use_bias)
                    if undecided(facts):
                        continue
                    fired = _relu_findings(facts, RULES, settings)
                    for filled in _fillings(facts):
                        assert _relu_findings(filled, RULES, settings) == fired, (
                            facts,
                            filled,
                        )


def _relu_findings(facts, rules, settings):
    """The ReLU rules' codes for one layer (KAI005 judges pairs of layers, never one)."""
    return sorted(
        violation.code
        for rule in rules
        if rule.code in ("KAI001", "KAI002", "KAI003")
        for violation in rule.check([facts], settings)
    )


def _fillings(facts):
    """The layer with its unknown parts made known, every way."""
    pairings = (
        [Pairing.RELU, Pairing.NORMALIZED, Pairing.NONE]
        if facts.pairing is Pairing.UNKNOWN
        else [facts.pairing]
    )
    known = [None, HE, GLOROT, ONES]
    weights = known if _open(facts.weight) else [facts.weight]
    biases = [None, ZEROS, ONES] if _open(facts.bias) else [facts.bias]
    flags = [True, False] if facts.use_bias is None else [facts.use_bias]
    for pairing in pairings:
        for weight in weights:
            for bias in biases:
                for use_bias in flags:
                    yield layer(pairing, weight, bias, use_bias)


def _open(init):
    return init is not None and init.category == "unknown"


# --- Outcomes ----------------------------------------------------------------------------------


def test_outcomes_keep_the_first_reason():
    outcomes = Outcomes()
    outcomes.step(Step(StepKind.UNKNOWN), PathState.PLAIN, R.REBOUND_NAME)
    outcomes.add(Pairing.UNKNOWN, reason=R.VALUE_ESCAPES)
    assert outcomes.result() == (Pairing.UNKNOWN, None)
    assert outcomes.reason == R.REBOUND_NAME


def test_outcomes_tell_a_fork_from_two_consumers():
    branches = Outcomes()
    fork = branches.fork(R.BRANCHES_DISAGREE)
    with fork.alternative():
        branches.add(Pairing.RELU, "ReLU")
    with fork.alternative():
        branches.add(Pairing.NONE)
    assert branches.reason == R.BRANCHES_DISAGREE

    consumers = Outcomes()
    fork = consumers.fork(R.BRANCHES_DISAGREE)
    with fork.alternative():
        consumers.add(Pairing.RELU, "ReLU")
        consumers.add(Pairing.NONE)  # the same path: another consumer of the value
    assert consumers.reason == R.CONSUMERS_DISAGREE


def test_outcomes_decided_have_no_reason_and_no_path_is_an_escape():
    decided = Outcomes()
    decided.add(Pairing.NONE)
    assert decided.reason is None
    assert Outcomes().reason == R.VALUE_ESCAPES  # nothing consumed the value


# --- the installed keras/src/applications, labelled by hand -----------------------------------

LABELS = json.loads(
    (
        Path(__file__).resolve().parents[1] / "project_wide" / "keras_applications_expected.json"
    ).read_text("utf-8")
)
SINGLE_FILE_REASONS = {R.REBOUND_NAME.value, R.VALUE_ESCAPES.value}


def applications_dir() -> Path:
    spec = importlib.util.find_spec("keras")
    assert spec is not None and spec.submodule_search_locations, "keras is not installed"
    return Path(next(iter(spec.submodule_search_locations))) / "src" / "applications"


@cache
def application_layers(name: str) -> dict[int, LayerFacts]:
    """The kernel layers of one installed application file, by the line of their call."""
    module = libcst.parse_module((applications_dir() / name).read_text("utf-8"))
    layers = analyze(module).layers
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    return {positions[facts.ref.call].start.line: facts for facts in layers}


def _entry_id(entry: dict) -> str:
    return f"{entry['path']}:{entry['line']}"


needs_labelled_keras = pytest.mark.skipif(
    importlib.util.find_spec("keras") is None
    or __import__("keras").__version__ != LABELS["keras_version"],
    reason="the labels are for another Keras release",
)


@needs_labelled_keras
@pytest.mark.parametrize(
    "entry",
    [e for e in LABELS["unknown_today"] if e["reason"] in SINGLE_FILE_REASONS],
    ids=_entry_id,
)
def test_keras_applications_single_file_reasons(entry):
    facts = application_layers(entry["path"])[entry["line"]]
    assert facts.layer == entry["layer"]
    assert facts.pairing is Pairing.UNKNOWN
    assert facts.reason == entry["reason"], entry["rationale"]
    assert undecided(facts)


@needs_labelled_keras
@pytest.mark.parametrize("entry", LABELS["unknown_today"], ids=_entry_id)
def test_keras_applications_every_unknown_layer_has_a_reason(entry):
    facts = application_layers(entry["path"])[entry["line"]]
    if facts.pairing is not Pairing.UNKNOWN:
        # Decided inside the file (a tensor followed into the file's own functions): it must
        # be what the labels say an exact cross-function analysis decides.
        assert facts.pairing.value == entry["project_wide"], entry["rationale"]
        return
    assert facts.reason in set(UnknownReason)
    if entry["project_wide"] == "no-finding-possible":
        # He kernel and no nonzero bias in use: never listed, whatever the pairing
        assert not undecided(facts), entry["rationale"]
    else:
        # "none"/"normalized" need the callers (project-wide analysis); alone the file
        # leaves them open, so they are listed today
        assert undecided(facts), entry["rationale"]


@needs_labelled_keras
@pytest.mark.parametrize("entry", LABELS["found_today"], ids=_entry_id)
def test_keras_applications_findings_are_decided(entry):
    facts = application_layers(entry["path"])[entry["line"]]
    assert facts.pairing is Pairing.RELU
    assert facts.reason is None and not undecided(facts)
