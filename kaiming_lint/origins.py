"""What the rest of the project contributed to a layer's verdict, in words and locations.

A finding decided by call sites or imported names says so in its message ("activation from
the 2 calls at app/model.py:13, app/model.py:14") and lists those places as related locations;
a layer that stays undecided gets its reason. Fix safety across functions is decided here too:
a value that comes from the callers or from another module cannot be fixed inside the layer's
function.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from libcst.metadata import CodeRange

from kaiming_lint.facts import FixAction, LayerFacts, Violation
from kaiming_lint.project_view import LayerOrigins, Origin, OriginKind
from kaiming_lint.results import Related, UnknownLayer, UnknownReason
from kaiming_lint.source_ref import SourceRef
from kaiming_lint.unknown_reasons import undecided

__all__ = [
    "describe",
    "is_undecided",
    "project_fix_blocker",
    "reason_of",
    "undecided_reasons",
    "unknown_layer",
]

_MANY = 4  # from this many calls on, a message names the first only
OUTPUT = "its output"  # the label of the origin "the function returns the layer's output"


def where(related: Related) -> str:
    """A location as messages write it (notebooks: by cell, as text output does)."""
    if related.cell is not None and related.cell_line is not None:
        return f"{related.path}:cell {related.cell}:{related.cell_line}"
    return f"{related.path}:{related.line}"


def _calls_phrase(labels: str, calls: Sequence[Related], default: str | None) -> str:
    count = len(calls)
    places = ", ".join(where(c) for c in calls)
    if labels == OUTPUT:  # the layer's function returns its output: the callers decide
        if count == 1:
            return f"its output goes on at the call at {places}"
        if count < _MANY:
            return f"its output goes on at the {count} calls at {places}"
        return f"its output goes on at all {count} calls, first at {where(calls[0])}"
    if default is not None:
        if count == 1:
            return f"{labels}: the default {default}, which the call at {places} does not override"
        if count < _MANY:
            return f"{labels}: the default {default}, which none of the {count} calls at {places} overrides"
        return (
            f"{labels}: the default {default}, which none of the {count} calls overrides,"
            f" first at {where(calls[0])}"
        )
    if count == 1:
        return f"{labels} from the call at {places}"
    if count < _MANY:
        return f"{labels} from the {count} calls at {places}"
    return f"{labels} from all {count} calls, first at {where(calls[0])}"


def _decided(origins: Iterable[Origin]) -> list[Origin]:
    seen: set[tuple[object, ...]] = set()
    kept: list[Origin] = []
    for origin in origins:
        key = (origin.kind, origin.label, origin.function, origin.related)
        if origin.reason is None and origin.related and key not in seen:
            seen.add(key)
            kept.append(origin)
    return kept


def describe(origins: Sequence[Origin], path: str) -> tuple[str, tuple[Related, ...]]:
    """The message suffix and the related locations for what decided a finding."""
    decided = _decided(origins)
    groups: dict[tuple[str, tuple[Related, ...], str | None], list[str]] = {}
    definitions: list[Origin] = []
    for origin in decided:
        if origin.kind is OriginKind.CALLS:
            key = (origin.function, origin.related, origin.default)
            labels = groups.setdefault(key, [])
            if origin.label not in labels:
                labels.append(origin.label)
        else:
            definitions.append(origin)
    phrases: list[str] = []
    related: list[Related] = []
    for (_, calls, default), labels in groups.items():
        phrases.append(_calls_phrase(", ".join(labels), calls, default))
        related.extend(c for c in calls if c not in related)
    definitions.sort(key=lambda o: (o.related[0].path, o.related[0].line))
    for origin in definitions:
        phrases.append(f"{origin.label} from {where(origin.related[0])}")
        related.extend(r for r in origin.related if r not in related)
    if not phrases:
        return "", ()
    return f"({'; '.join(phrases)})", tuple(related)


def project_fix_blocker(violation: Violation, origins: LayerOrigins, path: str) -> str | None:
    """Why the fix inside the layer's function would not be right for every use, or None."""
    layer = violation.layer
    ref = layer.ref
    action = violation.fix.action if violation.fix is not None else None
    decided = _decided(origins.all)
    if not decided:
        return None
    if isinstance(ref, SourceRef) and any(arg.star for arg in ref.call.args):
        return "the layer call spreads arguments its callers or another module decide"
    if action is FixAction.REMOVE_BIAS or violation.target == "bias":
        chosen = _decided(origins.bias)
        what = "bias initializer"
    else:
        chosen = _decided(origins.weight)
        what = layer.weight_arg.replace("_", " ")
    if action is FixAction.SPLIT_SHARED:
        chosen = chosen or _decided(origins.weight)
        definition = next((o for o in chosen if o.kind is OriginKind.DEFINITION), None)
        if definition is not None:
            return (
                f"the shared object is defined in another module ({where(definition.related[0])})"
            )
    # A value imported from another module is replaced at the layer call, which is right;
    # a value from the callers would have to change at every call.
    calls = [o for o in chosen if o.kind is OriginKind.CALLS]
    if not calls:
        return None
    origin = calls[0]
    if origin.default is not None:
        return f"the {what} is the default of parameter {origin.label!r}; change it there"
    places = ", ".join(where(c) for c in origin.related[:3])
    more = "" if len(origin.related) <= 3 else ", ..."
    return f"the {what} comes from the calls at {places}{more}; change it there"


def is_undecided(layer: LayerFacts, strict_normalized: bool = False) -> bool:
    """Whether a rule could report the layer if what stayed unknown were known."""
    return undecided(layer, strict_normalized=strict_normalized)


def reason_of(layer: LayerFacts) -> str:
    """Why a layer stays undecided: what the project could not give, else the analysis's own."""
    origins = layer.origins
    if isinstance(origins, LayerOrigins):
        for origin in origins.all:
            if origin.reason is not None:
                return origin.reason
    return layer.reason or UnknownReason.VALUE_ESCAPES.value


def undecided_reasons(
    layers: Sequence[LayerFacts], reported: set[int], strict_normalized: bool = False
) -> dict[str, int]:
    counts: dict[str, int] = {}
    for layer in layers:
        if id(layer) in reported or not is_undecided(layer, strict_normalized):
            continue
        reason = reason_of(layer)
        counts[reason] = counts.get(reason, 0) + 1
    return counts


def unknown_layer(path: str, layer: LayerFacts, span: CodeRange) -> UnknownLayer:
    reason = reason_of(layer)
    related: tuple[Related, ...] = ()
    detail = ""
    if isinstance(layer.origins, LayerOrigins):
        unknown = next((o for o in layer.origins.all if o.reason == reason), None)
        if unknown is not None and unknown.related:
            related = unknown.related
            places = ", ".join(where(c) for c in unknown.related[: _MANY - 1])
            more = ", ..." if len(unknown.related) >= _MANY else ""
            detail = f" ({unknown.label}; the calls seen: {places}{more})"
        elif unknown is not None:
            detail = f" ({unknown.label})"
    return UnknownLayer(
        path=path,
        line=span.start.line,
        column=span.start.column + 1,
        end_line=span.end.line,
        end_column=span.end.column + 1,
        layer=layer.layer,
        reason=UnknownReason(reason),
        message=f"{layer.layer}: {reason}{detail}",
        related=related,
    )
