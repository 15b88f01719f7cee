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
    "PublicApi",
    "Related",
    "Severity",
    "UnknownLayer",
    "UnknownReason",
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


class PublicApi(_Named):
    """Whether code outside the project may call its public names (`public-api`)."""

    AUTO = "auto"  # a library (it has a build system or is installed) is open, else closed
    OPEN = "open"
    CLOSED = "closed"


class UnknownReason(_Named):
    """Why a kernel layer stays undecided (``--show-unknown``, ``--statistics``)."""

    PARAMETER_FROM_OUTSIDE = "parameter-from-outside"  # callers not all visible
    CALL_SITES_DISAGREE = "call-sites-disagree"  # the calls give different values
    UNKNOWN_ARGUMENT = "unknown-argument"  # a call passes a value that does not resolve
    CALL_TO_USER_CODE = "call-to-user-code"  # the output goes into code not summarised
    DYNAMIC_ATTRIBUTE = "dynamic-attribute"  # getattr/setattr, a dict changed after it is built
    REBOUND_NAME = "rebound-name"  # a name or parameter bound more than once, differently
    BRANCHES_DISAGREE = "branches-disagree"  # the paths through if/for/while disagree
    CONSUMERS_DISAGREE = "consumers-disagree"  # several consumers that do not agree
    VALUE_ESCAPES = "value-escapes"  # stored, returned or passed where it is not followed
    BUDGET = "budget"  # the path or fixed-point budget ran out
    STAR_IMPORT = "star-import"  # a star import from outside the project and Keras


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
    public_api: PublicApi = PublicApi.AUTO
    list_unknown: bool = False  # also list the undecided kernel layers (--show-unknown)
    # The project-wide view (kaiming_lint.project.ProjectView), or None: each file alone.
    project: object = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Callers may name a choice as a string ("keras"); a bad one is a clear error here.
        for name, kind in (
            ("fix_style", FixStyle),
            ("keras_version", KerasVersion),
            ("public_api", PublicApi),
        ):
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
class Related:
    """A place that decided a finding: a call site of the function holding the layer, or the
    definition of an imported name. 1-based; notebooks: the line in the ``.ipynb`` file."""

    path: str
    line: int
    column: int
    message: str  # "call of conv_block", "definition of ACT"
    cell: int | None = None  # notebooks: the cell and the line in it, for text output
    cell_line: int | None = None


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
    related: tuple[Related, ...] = ()
    fix_withheld: str | None = None  # why the finding is not fixable, when it is not


@dataclass(frozen=True)
class UnknownLayer:
    """A kernel layer the analysis could not decide, and why (``--show-unknown``)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    layer: str  # "Conv2D"
    reason: UnknownReason
    message: str  # "Conv2D: call-sites-disagree (app/train.py:13 passes 'relu', ...)"
    related: tuple[Related, ...] = ()
    cell: int | None = None
    cell_line: int | None = None
    cell_column: int | None = None


@dataclass
class FileResult:
    """Everything learned about one file."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    unknown: int = 0
    unknowns: list[UnknownLayer] = field(default_factory=list)  # with list_unknown only
    reasons: dict[str, int] = field(default_factory=dict)  # unknown layers per reason
    original: bytes = b""
    fixed: bytes | None = None  # the new contents, when fixes changed the file


class InternalError(RuntimeError):
    """Checking a file failed in kaiming-lint itself (not because of the file)."""
