"""The labelled project-wide corpus: small projects whose sources carry their expected findings.

Markers are trailing comments on the line where a finding is reported (KAI001 at the layer
call, KAI002/KAI004/KAI005 at the weight value, KAI003 at ``bias_initializer``):

* ``# expect: KAI001[, KAI003] [via PATH:LINE[, PATH:LINE ...]] [cross-module] [nofix]``:
  reported there. ``via`` lists the related locations the finding must carry (the calls of the
  function or class holding the layer, or the definitions of names imported from other
  modules), in order. ``cross-module`` marks a finding that needs names resolved across modules
  but has no related location (Keras re-exported by a module of the project). A finding with
  ``via`` or ``cross-module`` needs project-wide analysis (issue 11); without them it is decided
  inside one function and found today. ``nofix``: reported as not fixable. ``pending``: a
  finding an exact analysis makes but kaiming-lint does not yet (a strict xfail, so it flips
  the day it is found): see README "What it understands".
* ``# unknown: REASON``: a kernel layer that must stay silent, and the reason ``--show-unknown``
  and ``--statistics`` give for it (one of :data:`UNKNOWN_REASONS`).

Paths are relative to the project root (the directory holding the project's pyproject.toml);
a related location in a notebook gives the line in the ``.ipynb`` file, as JSON output does.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROJECTS_DIR = Path(__file__).resolve().parent / "projects"

# The reasons a layer stays unknown, as docs/design/project-wide-analysis.md defines them.
UNKNOWN_REASONS = frozenset(
    {
        "parameter-from-outside",  # callers not all visible: public API, escaping, never called
        "call-sites-disagree",  # the calls give different values (or different verdicts)
        "unknown-argument",  # a call passes a value that does not resolve (*args, input, ...)
        "call-to-user-code",  # the output goes into code the analysis cannot summarise
        "dynamic-attribute",  # getattr/setattr, a dict or object changed after it is built
        "rebound-name",  # a name (or parameter) bound more than once, differently
        "branches-disagree",  # the paths through if/for/while give different answers
        "consumers-disagree",  # the output has several consumers that do not agree
        "value-escapes",  # the output is stored, returned or passed where it is not followed
        "budget",  # the path or fixed-point budget ran out
        "star-import",  # a star import from outside the project and Keras hides the name
    }
)

_CODES = r"KAI\d{3}(?:\s*,\s*KAI\d{3})*"
_LOCATION = r"[\w./-]+\.(?:py|ipynb):\d+"
_EXPECT = re.compile(rf"#\s*expect:\s*(?P<codes>{_CODES})(?P<tail>[^#]*)$")
_VIA = re.compile(rf"\bvia\s+(?P<locations>{_LOCATION}(?:\s*,\s*{_LOCATION})*)")
_UNKNOWN = re.compile(r"#\s*unknown:\s*(?P<reason>[a-z-]+)\s*$")
_FLAGS = frozenset({"cross-module", "nofix", "pending"})


@dataclass(frozen=True)
class Location:
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Expectation:
    """One finding a marker asks for."""

    project: str
    path: str
    line: int
    code: str
    related: tuple[Location, ...] = ()
    cross_module: bool = False
    fixable: bool = True
    pending: bool = False

    @property
    def project_wide(self) -> bool:
        return bool(self.related) or self.cross_module

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.path, self.line, self.code)

    def __str__(self) -> str:
        return f"{self.project}:{self.path}:{self.line}:{self.code}"


@dataclass(frozen=True)
class Silent:
    """A layer that must not be reported (an ``unknown:`` marker)."""

    project: str
    path: str
    line: int
    reason: str  # an UNKNOWN_REASONS entry


@dataclass(frozen=True)
class Project:
    name: str
    root: Path
    files: tuple[str, ...]
    expectations: tuple[Expectation, ...]
    unknown: tuple[Silent, ...]

    @property
    def project_wide(self) -> tuple[Expectation, ...]:
        return tuple(e for e in self.expectations if e.project_wide)


class MarkerError(ValueError):
    """A marker the corpus reader cannot read: a mistake in the corpus itself."""


def _expectations(project: str, path: str, number: int, line: str) -> list[Expectation]:
    match = _EXPECT.search(line)
    if match is None:
        return []
    tail = match.group("tail")
    related: tuple[Location, ...] = ()
    via = _VIA.search(tail)
    if via is not None:
        related = tuple(
            Location(loc.rpartition(":")[0], int(loc.rpartition(":")[2]))
            for loc in re.split(r"\s*,\s*", via.group("locations"))
        )
        tail = tail[: via.start()] + tail[via.end() :]
    flags = set(tail.split())
    if not flags <= _FLAGS:
        raise MarkerError(f"{project}/{path}:{number}: unknown marker words {flags - _FLAGS}")
    return [
        Expectation(
            project,
            path,
            number,
            code.strip(),
            related,
            cross_module="cross-module" in flags,
            fixable="nofix" not in flags,
            pending="pending" in flags,
        )
        for code in match.group("codes").split(",")
    ]


@cache
def load(name: str) -> Project:
    root = PROJECTS_DIR / name
    expectations: list[Expectation] = []
    unknown: list[Silent] = []
    files = tuple(sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py")))
    for path in files:
        text = (root / path).read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            if "#" not in line:
                continue
            expectations.extend(_expectations(name, path, number, line))
            if (match := _UNKNOWN.search(line)) is not None:
                unknown.append(Silent(name, path, number, match.group("reason")))
            if "# expect" in line and not _EXPECT.search(line):
                raise MarkerError(f"{name}/{path}:{number}: unreadable expect marker")
            if "# unknown" in line and not _UNKNOWN.search(line):
                raise MarkerError(f"{name}/{path}:{number}: unreadable unknown marker")
    return Project(name, root, files, tuple(expectations), tuple(unknown))


def project_names() -> list[str]:
    return sorted(p.name for p in PROJECTS_DIR.iterdir() if (p / "pyproject.toml").is_file())


def all_expectations() -> list[Expectation]:
    return [e for name in project_names() for e in load(name).expectations]


def enclosing_definition(source: str, line: int) -> str | None:
    """The name of the innermost function or class around ``line`` (a method: its class too)."""
    best: ast.AST | None = None
    parents: dict[ast.AST, ast.AST] = {}
    tree = ast.parse(source)
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
        if (
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and node.lineno <= line <= (node.end_lineno or node.lineno)
            and (best is None or node.lineno >= best.lineno)  # type: ignore[attr-defined]
        ):
            best = node
    if best is None:
        return None
    if isinstance(best, ast.FunctionDef) and best.name == "__init__":
        owner = parents.get(best)
        if isinstance(owner, ast.ClassDef):
            return owner.name
    return best.name  # type: ignore[attr-defined]
