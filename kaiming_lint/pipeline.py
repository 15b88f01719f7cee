"""One document in memory in, findings and verified fixes out: no file system, no processes.

text -> file-level skip -> prefilter -> parse -> analyse (facts) -> judge (rules) -> ``# noqa``
-> positions (only when something is reported) -> findings -> fixes -> re-analysis of the
fixed text. The command line (through :mod:`kaiming_lint.sources`), the language server and
the flake8 plugin all check text through here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

import libcst as cst
from libcst.metadata import CodeRange

from kaiming_lint import fix as fixing
from kaiming_lint import knowledge
from kaiming_lint.decode import Unreadable
from kaiming_lint.facts import FixAction, LayerFacts, Target, Violation
from kaiming_lint.fix_safety import withheld
from kaiming_lint.keras_version import kaiming_module as kaiming_module_for
from kaiming_lint.noqa import skips_file, split_lines, suppressed
from kaiming_lint.origins import (
    describe,
    is_undecided,
    project_fix_blocker,
    undecided_reasons,
    unknown_layer,
)
from kaiming_lint.pairing import analyze, mentions_kernel_layer
from kaiming_lint.parsing import parse, syntax_problem
from kaiming_lint.positions import positions as node_positions
from kaiming_lint.project_view import LayerOrigins, ModuleView, ProjectUnavailable
from kaiming_lint.results import (
    UNREADABLE,
    Finding,
    FixStyle,
    KerasVersion,
    LintOptions,
    UnknownLayer,
)
from kaiming_lint.rules import judge, rule_for, selected_codes
from kaiming_lint.source_ref import SourceRef

__all__ = ["Document", "Finding", "LintOptions", "Outcome", "check", "fix", "unreadable_finding"]

_TOO_DEEP = "could not parse the file: it is nested too deeply to check"


@dataclass(frozen=True)
class Document:
    """A Python source text and the name its findings are reported under."""

    name: str
    text: str


@dataclass(frozen=True)
class Outcome:
    """What checking a document found; ``fixed_text`` is set when fixes changed it.

    ``layers`` are the kernel-layer facts the findings were judged from (in source order), so a
    caller can compare two versions of a text by what the analysis saw in each.
    """

    findings: tuple[Finding, ...]
    fixed_text: str | None = None
    unknown: int = 0
    layers: tuple[LayerFacts, ...] = ()
    # With ``options.list_unknown``: each undecided kernel layer, placed, with its reason.
    unknowns: tuple[UnknownLayer, ...] = ()
    reasons: Mapping[str, int] = field(default_factory=dict)  # undecided layers per reason


def check(document: Document, options: LintOptions) -> Outcome:
    """The findings the CLI reports for this text (``# noqa`` applied, in source order)."""
    return _lint(document, options, fixing=False, only=None)


def fix(
    document: Document,
    options: LintOptions,
    only: Callable[[Finding], bool] | None = None,
) -> Outcome:
    """Apply the fixes of the findings ``only`` chooses (all when None), as ``--fix`` would.

    The fixed text is analysed again before it is returned: it must parse, every fixed finding
    must be gone, and every other fact of every layer must be unchanged. A fix that fails this
    check is withheld (``fixed_text`` None, its findings "fix withheld: <reason>"). The findings
    returned are the fixed ones and those the re-analysis still reports, at their positions in
    the fixed text.
    """
    return _lint(document, options, fixing=True, only=only)


def unreadable_finding(
    path: str, reason: str, line: int = 1, column: int = 1, source_line: str = ""
) -> Finding:
    """A KAI900 finding: the file (or a part of it) could not be read as what it claims to be."""
    return Finding(
        path=path,
        line=line,
        column=column,
        end_line=line,
        end_column=column + 1,
        code=UNREADABLE,
        name=rule_for(UNREADABLE).name,
        message=reason,
        fixable=False,
        source_line=source_line,
    )


# --- the steps ------------------------------------------------------------------------------


def _lint(
    document: Document,
    options: LintOptions,
    *,
    fixing: bool,
    only: Callable[[Finding], bool] | None,
) -> Outcome:
    text = document.text
    enabled = selected_codes(options.select, options.ignore)
    if skips_file(text) or not enabled:
        return Outcome(())
    if not mentions_kernel_layer(text):
        # Nothing to check, but a file that does not parse is still reported.
        problem = syntax_problem(text) if UNREADABLE in enabled else None
        if problem is None:
            return Outcome(())
        return _unreadable(document, enabled, problem)
    try:
        return _analysed(document, options, enabled, fixing, only)
    except Unreadable as problem:
        return _unreadable(document, enabled, problem)
    except RecursionError:  # absurdly deep code: report it, do not crash
        return _unreadable(document, enabled, Unreadable(_TOO_DEEP, 1, 1))


def _analysed(
    document: Document,
    options: LintOptions,
    enabled: frozenset[str],
    fixing: bool,
    only: Callable[[Finding], bool] | None,
) -> Outcome:
    text = document.text
    module = parse(text)
    context = _context(document, options)
    try:
        facts = analyze(
            module,
            extra_relu_activations=options.extra_relu_activations,
            context=context,
            project=options.project if context is not None else None,  # type: ignore[arg-type]
        )
    except ProjectUnavailable:  # the project could not be judged: the file alone
        context = None
        facts = analyze(module, extra_relu_activations=options.extra_relu_activations)
    layers = tuple(facts.layers)
    violations = _source_violations(facts.layers, options, enabled)
    reported = {id(v.layer) for v in violations}
    reasons = undecided_reasons(layers, reported, options.strict_normalized)
    if not violations:
        unknowns = (
            _unknown_layers(document, module, layers, reported, options.strict_normalized)
            if options.list_unknown
            else ()
        )
        return Outcome((), unknown=facts.unknown, layers=layers, unknowns=unknowns, reasons=reasons)
    # The fix is written for the file's Keras: the module KaimingNormal comes from, or, for a
    # file with both Keras 2 and Keras 3 imports, the string every Keras knows.
    file_options = _for_file_keras(module, options)
    if file_options != _FileOptions(**_settings_of(options)):
        violations = _source_violations(facts.layers, file_options, enabled)
    options = file_options
    lines = split_lines(text)
    where = dict(node_positions(module, _reported_nodes(violations)))
    kept: list[tuple[Violation, Finding]] = []
    for violation in violations:
        finding = _finding(document.name, violation, where, lines)
        if context is not None:
            finding = _with_origins(finding, violation, document.name)
        assert isinstance(violation.layer.ref, SourceRef)
        first_line = where[violation.layer.ref.call].start.line
        if not (
            suppressed(lines, finding.line, finding.code)
            or suppressed(lines, first_line, finding.code)
        ):
            kept.append((violation, finding))
    kept_ids = {id(v) for v, _ in kept}
    silenced = [v for v in violations if id(v) not in kept_ids]

    def line_of(node: cst.CSTNode) -> int:
        if node not in where:  # another layer, named in a reason: place every layer at once
            calls = [layer.ref.call for layer in layers if isinstance(layer.ref, SourceRef)]
            where.update(node_positions(module, [*calls, node]))
        return where[node].start.line

    blocked = withheld(module, layers, [v for v, _ in kept], silenced, line_of)
    kept = [(v, _not_fixable(f, blocked[id(v)]) if id(v) in blocked else f) for v, f in kept]
    fixed_text: str | None = None
    chosen = [v for v, f in kept if f.fixable and (only is None or only(f))]
    if only is not None:  # a fix of some findings only: their shared values must agree alone
        held = withheld(module, layers, chosen, silenced, line_of)
        chosen = [v for v in chosen if id(v) not in held]
    if fixing and chosen:
        planned = _apply(document, module, layers, chosen, violations, options, enabled, line_of)
        if isinstance(planned, _Withheld):
            note = f"fix withheld: {planned.reason}"
            ids = {id(v) for v in chosen}
            kept = [(v, _not_fixable(f, note, "") if id(v) in ids else f) for v, f in kept]
        elif planned is not None:
            # The report comes from the re-analysis of the fixed text: what was fixed, at its
            # old place; what is left, at its place in the fixed text.
            fixed_text, applied, after = planned
            done = [replace(f, fixed=True) for v, f in kept if id(v) in applied]
            findings = tuple(sorted((*done, *after.findings), key=_order))
            return Outcome(
                findings, fixed_text, after.unknown, after.layers, after.unknowns, after.reasons
            )
    findings = tuple(sorted((f for _, f in kept), key=_order))
    unknowns = (
        _unknown_layers(document, module, layers, reported, options.strict_normalized)
        if options.list_unknown
        else ()
    )
    return Outcome(findings, fixed_text, facts.unknown, layers, unknowns, reasons)


@dataclass(frozen=True)
class _Withheld:
    """The planned fixes failed the re-analysis: the text stays as it was."""

    reason: str


def _apply(
    document: Document,
    module: cst.Module,
    layers: Sequence[LayerFacts],
    chosen: Sequence[Violation],
    violations: Sequence[Violation],
    options: LintOptions,
    enabled: frozenset[str],
    line_of: Callable[[cst.CSTNode], int],
) -> tuple[str, set[int], Outcome] | _Withheld | None:
    """The fixed text, the ids of the violations it fixes and its re-analysis; or why the fix
    is withheld; or None when no edit applies."""
    result = fixing.apply_fixes(module, chosen, original_code=document.text)
    if result.withheld is not None:
        return _Withheld(result.withheld)
    if result.code is None:
        return None
    applied = result.applied
    try:
        after = _analysed(
            Document(document.name, result.code), replace(options, fix=False), enabled, False, None
        )
    except Unreadable as problem:
        return _Withheld(f"the fixed text would not parse ({problem.reason})")
    except RecursionError:
        return _Withheld("the fixed text could not be analysed again")
    reason = _verdict(layers, after.layers, violations, applied, options, enabled, line_of)
    if reason is not None:
        return _Withheld(reason)
    return result.code, {id(v) for v in applied}, after


def _verdict(
    layers: Sequence[LayerFacts],
    fixed_layers: Sequence[LayerFacts],
    before: Sequence[Violation],
    applied: Sequence[Violation],
    options: LintOptions,
    enabled: frozenset[str],
    line_of: Callable[[cst.CSTNode], int],
) -> str | None:
    """Why the re-analysis of the fixed text rejects the fix, or None when it confirms it.

    Confirmed: the analysis sees the same layers in the same order, each of the same kind,
    bias flag and pairing; every initializer the fix did not target is unchanged; every fixed
    finding is gone from its layer; and no rule reports more than before, minus what was fixed.
    """

    def where(layer: LayerFacts) -> str:
        ref = layer.ref
        return f"line {line_of(ref.call)}" if isinstance(ref, SourceRef) else "its call"

    if len(layers) != len(fixed_layers):
        return f"the fixed text has {len(fixed_layers)} kernel layers, the original {len(layers)}"
    targeted: dict[int, set[str]] = {}
    for violation in applied:
        targeted.setdefault(id(violation.layer), set()).add(_part(violation))
    position = {id(layer): index for index, layer in enumerate(layers)}
    for old, new in zip(layers, fixed_layers, strict=True):
        parts = targeted.get(id(old), set())
        if _shape(old) != _shape(new):
            return f"the {old.layer} at {where(old)} would change its kind, bias or pairing"
        if "weight" not in parts and old.weight != new.weight:
            return f"the {old.layer} at {where(old)} would get another {old.weight_arg}"
        if "bias" not in parts and old.bias != new.bias:
            return f"the {old.layer} at {where(old)} would get another bias_initializer"
    after = _judge(fixed_layers, options, enabled)
    for violation in applied:
        index = position[id(violation.layer)]
        if any(
            v.code == violation.code and v.target == violation.target
            for v in after
            if v.layer is fixed_layers[index]
        ):
            return f"{violation.code} at the {violation.layer.layer} at {where(violation.layer)} is still reported"
    counts = Counter(v.code for v in after)
    left = Counter(v.code for v in before)
    left.subtract(v.code for v in applied)
    for code in counts:
        if counts[code] > left[code]:
            return f"the fixed text would have a new {code} finding"
    return None


def _part(violation: Violation) -> str:
    """What a fix changes in its layer: "weight" or "bias"."""
    fix = violation.fix
    if fix is not None and fix.action is FixAction.REMOVE_BIAS:
        return "bias"
    if fix is not None and fix.action is FixAction.SPLIT_SHARED and violation.target == "bias":
        return "bias"
    return "weight"


_DEFAULT_KAIMING_MODULE = knowledge.KAIMING_MODULE_FOR_KERAS[KerasVersion.KERAS3.value]


@dataclass(frozen=True)
class _FileOptions(LintOptions):
    """The run's options, with what this file's Keras asks of the fix."""

    kaiming_module: str = _DEFAULT_KAIMING_MODULE


def _for_file_keras(module: cst.Module, options: LintOptions) -> _FileOptions:
    target = kaiming_module_for(module, options.keras_version)
    settings = _settings_of(options)
    if target is None:
        settings["fix_style"] = FixStyle.KERAS
        target = _DEFAULT_KAIMING_MODULE
    return _FileOptions(**settings, kaiming_module=target)


def _settings_of(options: LintOptions) -> dict[str, Any]:
    return {field.name: getattr(options, field.name) for field in fields(LintOptions)}


def _source_violations(
    layers: Sequence[LayerFacts], options: LintOptions, enabled: frozenset[str]
) -> list[Violation]:
    return [v for v in _judge(layers, options, enabled) if isinstance(v.layer.ref, SourceRef)]


def _shape(layer: LayerFacts) -> tuple[object, ...]:
    """What a fix must leave alone in a layer: its kind, its bias flag, its pairing."""
    return (layer.layer, layer.weight_arg, layer.use_bias, layer.pairing, layer.feeds)


def _judge(
    layers: Sequence[LayerFacts], options: LintOptions, enabled: frozenset[str]
) -> list[Violation]:
    return judge(
        layers,
        fix_style=options.fix_style,
        strict_normalized=options.strict_normalized,
        select=sorted(enabled),
        kaiming_module=(
            options.kaiming_module if isinstance(options, _FileOptions) else _DEFAULT_KAIMING_MODULE
        ),
    )


def _unreadable(document: Document, enabled: frozenset[str], problem: Unreadable) -> Outcome:
    if UNREADABLE not in enabled:
        return Outcome(())
    lines = split_lines(document.text)
    source_line = lines[problem.line - 1] if 1 <= problem.line <= len(lines) else ""
    finding = unreadable_finding(
        document.name, problem.reason, problem.line, problem.column, source_line
    )
    return Outcome((finding,))


_REPORTED_AT: dict[Target, Callable[[SourceRef], cst.CSTNode | None]] = {
    "layer": lambda ref: ref.call,
    "weight": lambda ref: ref.weight_arg.value if ref.weight_arg is not None else None,
    "bias": lambda ref: ref.bias_arg,
}


def _reported_nodes(violations: list[Violation]) -> Iterator[cst.CSTNode]:
    """The nodes findings and suppressions read positions of: each target and its call."""
    for violation in violations:
        ref = violation.layer.ref
        assert isinstance(ref, SourceRef)
        yield _REPORTED_AT[violation.target](ref) or ref.call
        yield ref.call


def _finding(
    path: str,
    violation: Violation,
    where: Mapping[cst.CSTNode, CodeRange],
    lines: list[str],
) -> Finding:
    ref = violation.layer.ref
    assert isinstance(ref, SourceRef)
    node = _REPORTED_AT[violation.target](ref) or ref.call
    span = where[node]
    return Finding(
        path=path,
        line=span.start.line,
        column=span.start.column + 1,
        end_line=span.end.line,
        end_column=span.end.column + 1,
        code=violation.code,
        name=rule_for(violation.code).name,
        message=violation.message,
        fixable=fixing.can_fix(violation),
        source_line=lines[span.start.line - 1] if span.start.line <= len(lines) else "",
    )


def _not_fixable(finding: Finding, reason: str, prefix: str = "not fixable: ") -> Finding:
    return replace(
        finding,
        fixable=False,
        message=f"{finding.message} ({prefix}{reason})",
        fix_withheld=reason,
    )


# --- the project-wide view -----------------------------------------------------------------


def _context(document: Document, options: LintOptions) -> ModuleView | None:
    project = options.project
    if project is None:
        return None
    return project.for_path(document.name)  # type: ignore[attr-defined, no-any-return]


def _with_origins(finding: Finding, violation: Violation, path: str) -> Finding:
    """The finding with the call sites and definitions that decided it, and whether the fix
    inside the layer's function is right for all of them."""
    origins = violation.layer.origins
    if not isinstance(origins, LayerOrigins) or not origins.all:
        return finding
    suffix, related = describe(origins.all, path)
    if not related and not suffix:
        return finding
    finding = replace(finding, message=f"{finding.message} {suffix}".rstrip(), related=related)
    reason = project_fix_blocker(violation, origins, path)
    if reason is not None and finding.fixable:
        finding = _not_fixable(finding, reason)
    return finding


def _unknown_layers(
    document: Document,
    module: cst.Module,
    layers: Sequence[LayerFacts],
    reported: set[int],
    strict_normalized: bool,
) -> tuple[UnknownLayer, ...]:
    """Each undecided kernel layer nothing reports, placed, with its reason."""
    chosen = [
        layer
        for layer in layers
        if id(layer) not in reported
        and isinstance(layer.ref, SourceRef)
        and is_undecided(layer, strict_normalized)
    ]
    if not chosen:
        return ()
    where = dict(node_positions(module, [layer.ref.call for layer in chosen]))
    return tuple(unknown_layer(document.name, layer, where[layer.ref.call]) for layer in chosen)


def _order(finding: Finding) -> tuple[int, int, str]:
    return (finding.line, finding.column, finding.code)
