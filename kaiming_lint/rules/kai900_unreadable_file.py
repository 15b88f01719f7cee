"""KAI900 unreadable-file."""

from __future__ import annotations

from kaiming_lint.results import Severity
from kaiming_lint.rules._base import Invalid, Rule, Valid


class UnreadableFile(Rule):
    code = "KAI900"
    name = "unreadable-file"
    summary = "A file could not be decoded or parsed, so it was not checked"
    fixable = False
    severity = Severity.ERROR
    autofix = "none"
    documentation = """\
## What it does
Reports a file that kaiming-lint could not check: its bytes do not decode in the encoding it
declares (a PEP 263 coding line, a UTF-8 byte order mark, or UTF-8 by default), or its text
is not valid Python. The finding gives the position of the problem.

## Why is this bad?
A file that cannot be read is not checked at all, so its layers could hide every other
problem this tool looks for. Reporting it keeps a clean run meaningful.

## Example
```python
from keras import layers

hidden = layers.Dense(64, activation="relu"
```

## Use instead
```python
from keras import layers

hidden = layers.Dense(64, activation="relu", kernel_initializer="he_normal")
```
"""
    valid = (
        Valid(
            'from keras import layers\n\nhidden = layers.Dense(64, kernel_initializer="he_normal")\n'
        ),
    )
    invalid = (
        Invalid(
            'from keras import layers\n\nhidden = layers.Dense(64, activation="relu"\n',
            at=((3, 22),),
        ),
    )
    # Reported by the pipeline and the sources when a file cannot be read; it judges no facts.
