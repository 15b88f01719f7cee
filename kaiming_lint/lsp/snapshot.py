"""One lint of one editor target: a text document, or the code cells of a notebook document."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from kaiming_lint.document_settings import Settings
from kaiming_lint.lsp import edits, notebooks
from kaiming_lint.lsp.projects import ProjectKey
from kaiming_lint.pipeline import Document, Finding, LintOptions, check

Key = tuple[int, int, str]  # a finding's line, column and code in the checked text


def finding_key(finding: Finding) -> Key:
    return (finding.line, finding.column, finding.code)


@dataclass
class Snapshot:
    """The texts of a target at one moment, and what the linter found in them."""

    uri: str  # the text document's or the notebook's URI
    name: str  # the path the findings are reported under (and configuration is found from)
    texts: dict[str, str]  # the text of every document in the target, by URI, in order
    settings: Settings
    program: notebooks.Program | None = None  # set for notebooks
    project_key: ProjectKey | None = None  # the project it is linted with, if any
    project: object = None  # that project's ProjectView
    generation: int = 0  # the view's generation (a rebuilt view is a new state)
    # (document URI, finding in that document, the same finding in the checked text)
    findings: list[tuple[str, Finding, Finding]] = field(default_factory=list)

    @property
    def state(self) -> tuple[object, ...]:
        """Everything the findings depend on (cell order and kinds included)."""
        cells = self.program.cells if self.program is not None else None
        return (
            self.name,
            self.settings,
            tuple(self.texts.items()),
            cells,
            self.project_key,
            self.generation,
        )

    @property
    def data(self) -> bytes:
        """The target as a file's bytes: the document's text, or the notebook as ``.ipynb``."""
        return self.program.raw if self.program is not None else self.texts[self.uri].encode()

    @property
    def options(self) -> LintOptions | None:
        """The settings' options, with the project-wide view when there is one."""
        options = self.settings.options
        if options is None or self.project is None:
            return options
        return replace(options, project=self.project)

    @property
    def python(self) -> str:
        """The Python text checked: the document's, or the notebook's program."""
        return self.program.python if self.program is not None else self.texts[self.uri]

    def document(self, python: str | None = None) -> Document:
        return Document(self.name, self.python if python is None else python)

    def lint(self) -> None:
        """Fill ``findings`` (nothing when the configuration is unusable)."""
        options = self.options
        if options is None:
            return
        outcome = check(self.document(), options)
        if self.program is None:
            self.findings = [(self.uri, f, f) for f in outcome.findings]
            return
        for finding in outcome.findings:
            placed = self.program.to_cell(finding)
            if placed is not None:
                self.findings.append((placed[0], placed[1], finding))
        for uri, finding in notebooks.unreadable_cells(self.program, self.name, options):
            self.findings.append((uri, finding, finding))

    def changes(self, fixed_python: str) -> dict[str, list[edits.Edit]]:
        """The edits, per document, that turn the checked text into ``fixed_python``."""
        if self.program is None:
            new_texts = {self.uri: fixed_python}
        else:
            new_texts = self.program.cell_texts(fixed_python)
        return {
            uri: edits.text_edits(self.texts[uri], text)
            for uri, text in new_texts.items()
            if text != self.texts[uri]
        }
