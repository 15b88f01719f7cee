"""The linter's shared vocabulary: options in, findings out. A leaf: it imports nothing of ours.

Every layer reads these types and enums from here - the pipeline, the sources, the runner, the
reports, the configuration and the command line - so each value is spelled once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

__all__ = [
    "FIX_STYLES",
    "FORMATS",
    "UNREADABLE",
    "FileResult",
    "Finding",
    "FixStyle",
    "InternalError",
    "KerasVersion",
    "LintOptions",
    "OutputFormat",
    "Severity",
]


class _Named(str, Enum):
    """An enum whose members print as their value (they are spelled so in options and output)."""

    def __str__(self) -> str:
        return str(self.value)


class FixStyle(_Named):
    """What a fix writes for a He initializer."""

    KAIMING = "kaiming"  # KaimingNormal(), imported from kaiming_keras
    KERAS = "keras"  # the string "he_normal": no new dependency


class KerasVersion(_Named):
    """The Keras a file's fix is written for (`keras-version`): read from its imports, or set."""

    AUTO = "auto"
    KERAS2 = "2"
    KERAS3 = "3"


class OutputFormat(_Named):
    """How findings are printed."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"


class Severity(_Named):
    """How a finding is reported where the format has levels (SARIF)."""

    WARNING = "warning"
    ERROR = "error"


FIX_STYLES: tuple[str, ...] = tuple(style.value for style in FixStyle)
KERAS_VERSIONS: tuple[str, ...] = tuple(version.value for version in KerasVersion)
FORMATS: tuple[str, ...] = tuple(output.value for output in OutputFormat)

# The code of the finding for a file that could not be decoded or parsed.
UNREADABLE = "KAI900"


@dataclass(frozen=True)
class LintOptions:
    """What to check and how to fix; picklable, so worker processes get the same settings."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fix_style: FixStyle = FixStyle.KAIMING
    keras_version: KerasVersion = KerasVersion.AUTO
    strict_normalized: bool = False
    extra_relu_activations: frozenset[str] = frozenset()
    fix: bool = False  # compute the fixed file contents

    def __post_init__(self) -> None:
        # Callers may name a choice as a string ("keras"); a bad one is a clear error here.
        for name, kind in (("fix_style", FixStyle), ("keras_version", KerasVersion)):
            value = getattr(self, name)
            if isinstance(value, kind):
                continue
            try:
                member = kind(value)
            except ValueError:
                allowed = ", ".join(member.value for member in kind)
                raise ValueError(f"{name} must be one of {allowed}, got {value!r}") from None
            object.__setattr__(self, name, member)


@dataclass(frozen=True)
class Finding:
    """One reported problem, with 1-based lines and columns (end column exclusive)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str
    message: str
    fixable: bool
    fixed: bool = False
    source_line: str = ""  # the text of the first reported line, for stable fingerprints
    cell: int | None = None  # notebooks: the 1-based cell (markdown cells count), and the
    cell_line: int | None = None  # line and column in it; line/column above are in the file
    cell_column: int | None = None


@dataclass
class FileResult:
    """Everything learned about one file."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    unknown: int = 0
    original: bytes = b""
    fixed: bytes | None = None  # the new contents, when fixes changed the file


class InternalError(RuntimeError):
    """Checking a file failed in kaiming-lint itself (not because of the file)."""
