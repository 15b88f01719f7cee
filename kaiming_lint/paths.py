"""The one pairing core: what a step does to a kernel layer's output, and "every path agrees".

Both producers of pairings follow paths with it: the source analysis (:mod:`kaiming_lint.flow`,
:mod:`kaiming_lint.pairing`) through statements, and the config reader
(:mod:`kaiming_lint.sources.model_config`, used by saved models and ``kaiming_keras.audit``)
through a model's layer graph. Each step met on a path goes through :meth:`Outcomes.step`;
:meth:`Outcomes.result` gives a pairing only when every path reached the same verdict, and
:attr:`Outcomes.reason` says why it did not.
Neither libcst nor Keras is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum

from kaiming_lint import knowledge
from kaiming_lint.facts import Activation, Pairing
from kaiming_lint.results import UnknownReason

__all__ = [
    "BUDGET",
    "IDENTITY_STEP",
    "OTHER_STEP",
    "UNKNOWN_STEP",
    "Fork",
    "Outcomes",
    "PathState",
    "Step",
    "StepKind",
    "function_step",
    "layer_step",
]

# Steps followed per kernel layer, over all paths, before giving up as unknown.
BUDGET = 400


class StepKind(str, Enum):
    """What one step on a path does to the signal."""

    RELU = "relu"  # a ReLU-family activation: the path ends, paired
    IDENTITY = "identity"  # passes the signal on unchanged (activation=None, "linear")
    TRANSPARENT = "transparent"  # dropout, pooling, reshapes: commute with ReLU
    MERGE = "merge"  # Concatenate: each input passes through
    NORMALIZE = "normalize"  # rescales the signal: a ReLU after it is a "normalized" pairing
    OTHER = "other"  # a known step that is not ReLU (Add, tanh, another layer): no pairing
    UNKNOWN = "unknown"  # cannot tell: never reported

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Step:
    """What an activation value, or a call applied to a tensor, does to a kernel layer's output."""

    kind: StepKind
    label: str = ""
    slope: float = 0.0


UNKNOWN_STEP = Step(StepKind.UNKNOWN)
OTHER_STEP = Step(StepKind.OTHER)
IDENTITY_STEP = Step(StepKind.IDENTITY)
_PASSING = frozenset({StepKind.IDENTITY, StepKind.TRANSPARENT, StepKind.MERGE})


class PathState(Enum):
    """What lies between the kernel layer and the current point of a path."""

    PLAIN = "plain"
    NORMALIZED = "normalized"  # a normalization layer was passed


# One alternative taken on a path: (the fork's identity, which alternative, why paths split).
_Choice = tuple[int, int, UnknownReason]


class Outcomes:
    """What the paths of one layer's output reached; all must agree.

    When they do not, :attr:`reason` says why (an :class:`UnknownReason`), the first cause met:

    * a path that could not be followed: the reason its producer gave to :meth:`add` or
      :meth:`step` (an unknown step without one: ``call-to-user-code``, a call the analysis
      cannot summarise);
    * two paths that reached different verdicts: the reason of the :class:`Fork` where they
      split (``branches-disagree`` for ``if``/``for``/``while``, ``call-sites-disagree`` for the
      calls of a helper), or ``consumers-disagree`` when both verdicts lie on one path (several
      consumers of one value: ``skip = x``, then ``ReLU`` on one and ``Add`` on the other);
    * ``budget``: the paths ran out of steps;
    * ``value-escapes``: no path reached any verdict (the value is never used where it is seen).
    """

    def __init__(self) -> None:
        self.found: dict[tuple[Pairing, float], str] = {}
        self.unknown = False
        self._budget = BUDGET
        self._reason: UnknownReason | None = None
        self.path: tuple[_Choice, ...] = ()  # the alternatives taken to the current point
        self._where: dict[tuple[Pairing, float], tuple[_Choice, ...]] = {}
        self._forks = 0

    @property
    def budget(self) -> int:
        """Steps left to follow, over all paths."""
        return self._budget

    @budget.setter
    def budget(self, value: int) -> None:
        self._budget = value
        if value <= 0 and self._reason is None:
            self._reason = UnknownReason.BUDGET

    @property
    def done(self) -> bool:
        """Nothing more can change the result: it is already unknown."""
        return self.unknown or len(self.found) > 1 or self._budget <= 0

    @property
    def reason(self) -> UnknownReason | None:
        """Why :meth:`result` is unknown; None when it is decided."""
        if self._reason is not None:
            return self._reason
        return UnknownReason.VALUE_ESCAPES if not self.found else None

    def fork(self, reason: UnknownReason) -> Fork:
        """Paths split here into alternatives; ``reason`` is the cause when their verdicts differ."""
        self._forks += 1
        return Fork(self, self._forks, reason)

    def add(
        self,
        pairing: Pairing,
        label: str = "",
        slope: float = 0.0,
        reason: UnknownReason = UnknownReason.VALUE_ESCAPES,
    ) -> None:
        """A path ended with this verdict (``label`` and ``slope`` of the ReLU it reached).

        ``reason``: why, for an unknown verdict.
        """
        if pairing is Pairing.UNKNOWN:
            self.unknown = True
            if self._reason is None:
                self._reason = reason
            return
        key = (pairing, slope)
        if key in self.found:
            return
        if self.found and self._reason is None:
            self._reason = _split(next(iter(self._where.values())), self.path)
        self.found[key] = label
        self._where[key] = self.path

    def step(
        self, step: Step, state: PathState, reason: UnknownReason | None = None
    ) -> PathState | None:
        """Apply a step to a value in ``state``; the state that continues, or None: path ended.

        ``reason``: why the step is unknown, for an unknown step.
        """
        kind = step.kind
        if kind is StepKind.RELU:
            pairing = Pairing.RELU if state is PathState.PLAIN else Pairing.NORMALIZED
            self.add(pairing, step.label, step.slope)
        elif kind in _PASSING:
            return state
        elif kind is StepKind.NORMALIZE:
            return PathState.NORMALIZED
        elif kind is StepKind.OTHER:
            self.add(Pairing.NONE)
        else:
            self.add(Pairing.UNKNOWN, reason=reason or UnknownReason.CALL_TO_USER_CODE)
        return None

    def result(self) -> tuple[Pairing, Activation | None]:
        """The pairing every path agrees on, with the activation; unknown when they differ."""
        if self.unknown or self._budget <= 0 or len(self.found) != 1:
            return Pairing.UNKNOWN, None
        (pairing, slope), label = next(iter(self.found.items()))
        if pairing is Pairing.NONE:
            return Pairing.NONE, None
        return pairing, Activation(label, slope)


@dataclass
class Fork:
    """A point where paths split: each :meth:`alternative` is followed as a path of its own."""

    outcomes: Outcomes
    ident: int
    reason: UnknownReason
    taken: int = 0

    @contextmanager
    def alternative(self) -> Iterator[None]:
        """Follow the next alternative inside the ``with`` block."""
        outcomes = self.outcomes
        saved = outcomes.path
        outcomes.path = (*saved, (self.ident, self.taken, self.reason))
        self.taken += 1
        try:
            yield
        finally:
            outcomes.path = saved


def _split(first: tuple[_Choice, ...], second: tuple[_Choice, ...]) -> UnknownReason:
    """Why two verdicts reached on these paths differ: where the paths split, if they do."""
    for (fork, choice, reason), (other_fork, other_choice, _) in zip(first, second, strict=False):
        if fork != other_fork:
            break  # two forks one after the other: two consumers of one value
        if choice != other_choice:
            return reason
    return UnknownReason.CONSUMERS_DISAGREE


def function_step(
    name: str, label: str, relu_slopes: Mapping[str, float], slope: float | None = None
) -> Step:
    """An activation function by name (``"relu"``, ``tf.nn.relu``): its step.

    ``relu_slopes`` are the ReLU-family names with their default slopes (the configured extra
    activations included); ``slope`` overrides the default when the call sets one.
    """
    if name in relu_slopes:
        return Step(StepKind.RELU, label, relu_slopes[name] if slope is None else slope)
    if name in knowledge.IDENTITY_ACTIVATIONS:
        return IDENTITY_STEP
    if name in knowledge.TRANSPARENT_MERGE_FUNCTIONS:
        return Step(StepKind.MERGE, label)
    return Step(StepKind.OTHER, label)


def layer_step(
    name: str,
    slope: Callable[[str, float], float | None],
    activation: Callable[[], Step],
) -> Step:
    """What a Keras layer of class ``name`` does to a signal passing through it.

    The producer reads what the layer was built with: ``slope(name, default)`` the negative
    slope of a ReLU-family layer (None when it cannot be read), ``activation()`` the argument
    of an ``Activation`` layer.
    """
    if name in knowledge.RELU_LAYERS:
        value = slope(name, knowledge.RELU_LAYERS[name])
        return UNKNOWN_STEP if value is None else Step(StepKind.RELU, name, value)
    if name == knowledge.ACTIVATION_LAYER:
        return activation()
    if name in knowledge.TRANSPARENT_LAYERS:
        return Step(StepKind.TRANSPARENT, name)
    if name in knowledge.IDENTITY_LAYERS or name in knowledge.INPUT_LAYERS:
        return IDENTITY_STEP
    if name in knowledge.OPAQUE_LAYERS:
        return UNKNOWN_STEP
    if name in knowledge.TRANSPARENT_MERGES:
        return Step(StepKind.MERGE, name)
    if name in knowledge.NORMALIZATION_LAYERS:
        return Step(StepKind.NORMALIZE, name)
    return Step(StepKind.OTHER, name)
