"""Saved models: a `.keras` archive or a `model.to_json()` file.

The rules judge the layer configs the file holds (report only: a saved model has no source to
fix). Findings point at the file's first line and name the layer they concern.
"""

from __future__ import annotations

from kaiming_lint.facts import Pairing
from kaiming_lint.pipeline import unreadable_finding
from kaiming_lint.results import UNREADABLE, FileResult, Finding, LintOptions
from kaiming_lint.rules import judge, rule_for, selected_codes
from kaiming_lint.sources.model_config import ModelConfigError, config_from_bytes, facts_from_config


def lint_saved_model(data: bytes, path: str, options: LintOptions) -> FileResult:
    """Check the kernel layers of a saved model's config; an unreadable file is KAI900."""
    result = FileResult(path=path, original=data)
    enabled = selected_codes(options.select, options.ignore)
    try:
        layers = facts_from_config(
            config_from_bytes(data, path), extra_relu_activations=options.extra_relu_activations
        )
    except ModelConfigError as error:
        if UNREADABLE in enabled:
            result.findings.append(unreadable_finding(path, str(error)))
        return result
    result.unknown = sum(layer.pairing is Pairing.UNKNOWN for layer in layers)
    violations = judge(
        layers,
        fix_style=options.fix_style,
        strict_normalized=options.strict_normalized,
        select=sorted(enabled),
    )
    for violation in violations:
        result.findings.append(
            Finding(
                path=path,
                line=1,
                column=1,
                end_line=1,
                end_column=1,
                code=violation.code,
                name=rule_for(violation.code).name,
                message=f"layer '{violation.layer.name}': {violation.message}",
                fixable=False,
            )
        )
    return result
