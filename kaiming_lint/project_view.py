"""What the project-wide judge tells the analysis of one module: plain, picklable data.

:class:`ModuleView` is the one input the source analysis takes from the rest of the project:
the value of each parameter of the module's functions (from their call sites), what each
absolute name the module uses stands for, which functions are called from this module only,
and how often a shared initializer constant is used elsewhere. :mod:`kaiming_lint.project`
computes it; :mod:`kaiming_lint.resolve` reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from enum import Enum
from typing import Any

from kaiming_lint.results import Related
from kaiming_lint.terms import Term

__all__ = [
    "DeferredView",
    "LayerOrigins",
    "ModuleView",
    "Origin",
    "OriginKind",
    "ParamValue",
    "ProjectUnavailable",
    "RefKind",
    "RefValue",
]


class RefKind(str, Enum):
    KERAS = "keras"  # a Keras (or TensorFlow) name, maybe re-exported by a project module
    CONSTANT = "constant"  # a module-level constant of the project
    OPAQUE = "opaque"  # a function, class or module of the project: not Keras
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class RefValue:
    kind: RefKind
    name: str = ""  # KERAS: the canonical Keras name; OPAQUE: the absolute name
    term: Term | None = None  # CONSTANT: its resolved value
    origin: Related | None = None  # CONSTANT: where it is defined
    reason: str | None = None  # UNKNOWN: an UnknownReason value


@dataclass(frozen=True)
class ParamValue:
    """A parameter's value over every call site, or why it has none."""

    term: Term  # resolved; a TUnknown when the calls do not decide it
    calls: tuple[Related, ...] = ()  # the direct calls of the function, own module first
    default: bool = False  # no call passes it: the value is the default


class OriginKind(str, Enum):
    CALLS = "calls"  # a parameter, from the calls of its function
    DEFINITION = "definition"  # an imported name, from its definition in another module


@dataclass(frozen=True)
class Origin:
    """One thing the analysis of a layer took from the rest of the project."""

    kind: OriginKind
    label: str  # the parameter or the imported name
    related: tuple[Related, ...]
    reason: str | None = None  # set when the value stayed unknown
    default: str | None = None  # CALLS: the default's text, when no call overrides it
    function: str = ""  # CALLS: the function's key


@dataclass
class ModuleView:
    module: str
    is_package: bool
    path: str = ""  # absolute
    params: dict[tuple[str, str], ParamValue] = field(default_factory=dict)
    refs: dict[str, RefValue] = field(default_factory=dict)
    # Functions called only here (not escaping, not open): their returns may be followed.
    local_only: frozenset[str] = frozenset()
    star_names: dict[str, str] | None = None  # names the project star imports bind; None: none
    external_uses: dict[str, int] = field(default_factory=dict)  # constant -> uses elsewhere
    # The calls of each function of this module (own module first), for related locations.
    calls: dict[str, tuple[Related, ...]] = field(default_factory=dict)
    # Functions every call of which is visible (not escaping, not open): where those calls
    # are, as (absolute path, line, 1-based byte column), so a return can be followed there.
    call_sites: dict[str, tuple[tuple[str, int, int], ...]] = field(default_factory=dict)
    # Functions of other modules this module names: absolute name -> (absolute path, key).
    defs: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Module-level names assigned or changed in place somewhere: name -> UnknownReason value.
    mutated: dict[str, str] = field(default_factory=dict)


class ProjectUnavailable(Exception):
    """The judge could not make a view (a project too deep or too large to judge): the module
    is checked alone, which stays exact."""


class _Judged:
    """A fact of a :class:`DeferredView`: read from the view the judge makes on first use."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance: DeferredView | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return getattr(instance.judged(), self.name)

    def __set__(self, instance: DeferredView, value: object) -> None:
        raise AttributeError(f"{self.name} of a deferred view is the judge's")


_IDENTITY = ("module", "is_package", "path")  # known before judging


class DeferredView(ModuleView):
    """A module's view that is judged only when the analysis first asks for one of its facts:
    most analysed modules never ask (their layers are decided by the file alone), and those
    need no module of the project summarised. Every field of a view but its identity is such a
    fact."""

    def __init__(
        self, module: str, is_package: bool, path: str, judge: Callable[[], ModuleView]
    ) -> None:
        self.module = module
        self.is_package = is_package
        self.path = path
        self._judge = judge
        self._view: ModuleView | None = None

    def judged(self) -> ModuleView:
        if self._view is None:
            self._view = self._judge()
        return self._view


for _fact in fields(ModuleView):
    if _fact.name not in _IDENTITY:
        setattr(DeferredView, _fact.name, _Judged(_fact.name))


@dataclass(frozen=True)
class LayerOrigins:
    """What one layer's analysis took from the project: all of it, and what decided its weight
    value and its bias value (a fix cannot change those inside the layer's function)."""

    all: tuple[Origin, ...] = ()
    weight: tuple[Origin, ...] = ()
    bias: tuple[Origin, ...] = ()
