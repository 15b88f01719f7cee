"""kaiming-lint's rules: each judges kernel-layer facts (``kaiming_lint.facts``), never source.

``judge`` is the one entry point: the linter calls it on facts read from source code, and
``kaiming_keras.audit`` on facts read from a live model, so both reach the same verdicts.
Nothing here imports libcst or Keras.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kaiming_lint import knowledge
from kaiming_lint.facts import LayerFacts, Violation
from kaiming_lint.results import FIX_STYLES, FixStyle
from kaiming_lint.rules._base import Rule, Settings
from kaiming_lint.rules.kai001_default_init import ReluDefaultInit
from kaiming_lint.rules.kai002_non_he_init import ReluNonHeInit
from kaiming_lint.rules.kai003_nonzero_bias import ReluNonzeroBias
from kaiming_lint.rules.kai004_constant_kernel import ConstantKernel
from kaiming_lint.rules.kai005_shared_initializer import SharedInitializer
from kaiming_lint.rules.kai900_unreadable_file import UnreadableFile

RULES: tuple[Rule, ...] = (
    ReluDefaultInit(),
    ReluNonHeInit(),
    ReluNonzeroBias(),
    ConstantKernel(),
    SharedInitializer(),
    UnreadableFile(),
)
_BY_CODE = {rule.code: rule for rule in RULES}
_BY_NAME = {rule.name: rule for rule in RULES}

__all__ = [
    "FIX_STYLES",
    "RULES",
    "Rule",
    "Settings",
    "judge",
    "parse_codes",
    "rule_for",
    "rule_named",
    "selected_codes",
]


def rule_for(code: str) -> Rule:
    """The rule with this code (case-insensitive); ValueError naming the known codes otherwise."""
    rule = _BY_CODE.get(code.strip().upper())
    if rule is None:
        raise ValueError(f"unknown rule code {code!r}; known codes: {', '.join(_BY_CODE)}")
    return rule


def rule_named(code_or_name: str) -> Rule:
    """The rule with this code (any case) or name (``relu-default-init``); ValueError otherwise."""
    rule = _BY_NAME.get(code_or_name.strip().lower()) or _BY_CODE.get(code_or_name.strip().upper())
    if rule is None:
        known = ", ".join(f"{rule.code} ({rule.name})" for rule in RULES)
        raise ValueError(f"unknown rule code or name {code_or_name!r}; known rules: {known}")
    return rule


def parse_codes(codes: str | Iterable[str] | None, *, argument: str = "select") -> tuple[str, ...]:
    """Normalize codes or prefixes ("KAI00", "KAI003,KAI005", ["ALL"]) and check each is known.

    A prefix is known when at least one rule code starts with it; "ALL" means every rule.
    """
    if codes is None:
        return ()
    items = codes.split(",") if isinstance(codes, str) else list(codes)
    result = []
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"{argument}: expected rule codes as strings, got {item!r}")
        prefix = item.strip().upper()
        if not prefix:
            continue
        if prefix != "ALL" and not any(code.startswith(prefix) for code in _BY_CODE):
            raise ValueError(
                f"{argument}: unknown rule code or prefix {item.strip()!r}; "
                f"known codes: {', '.join(_BY_CODE)}"
            )
        result.append(prefix)
    return tuple(result)


def selected_codes(
    select: str | Iterable[str] | None = None, ignore: str | Iterable[str] | None = None
) -> frozenset[str]:
    """The codes enabled by ``select`` (default: all) minus those matched by ``ignore``."""
    chosen = parse_codes(select, argument="select") or ("ALL",)
    dropped = parse_codes(ignore, argument="ignore")

    def matches(code: str, prefixes: tuple[str, ...]) -> bool:
        return any(prefix == "ALL" or code.startswith(prefix) for prefix in prefixes)

    return frozenset(
        code for code in _BY_CODE if matches(code, chosen) and not matches(code, dropped)
    )


def judge(
    layers: Sequence[LayerFacts],
    *,
    fix_style: str = "kaiming",
    strict_normalized: bool = False,
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
    kaiming_module: str = knowledge.KAIMING_MODULE_FOR_KERAS["3"],
) -> list[Violation]:
    """Every violation of the selected rules among ``layers``, rule by rule.

    ``kaiming_module`` is where a "kaiming" fix imports KaimingNormal from (the file's Keras).
    """
    if fix_style not in FIX_STYLES:
        raise ValueError(f"fix_style must be one of {', '.join(FIX_STYLES)}, got {fix_style!r}")
    settings = Settings(
        fix_style=FixStyle(fix_style),
        strict_normalized=bool(strict_normalized),
        kaiming_module=kaiming_module,
    )
    enabled = selected_codes(select, ignore)
    violations: list[Violation] = []
    for rule in RULES:
        if rule.code in enabled:
            violations.extend(rule.check(layers, settings))
    return violations
