"""The language server: diagnostics, quick fixes, fix-all and noqa actions, over pygls.

Every check goes through ``kaiming_lint.pipeline``, so the editor sees exactly what the command
line reports and gets exactly the edits ``--fix`` writes. A text document is linted on open and
save at once, and after edits once they pause for ``debounce`` seconds; a notebook (LSP notebook
document sync) is linted as one program of its code cells, as the CLI lints an ``.ipynb``.

A file's findings are judged project-wide, as the CLI judges them (``kaiming_lint.lsp.projects``):
with the open buffers of the same project in place of the files on disk. When a lint rebuilt
the project's view (a buffer, the open documents or a file on disk changed), the other open
documents of that project are linted again and re-published when their diagnostics changed.
The call sites that decided a finding go into ``relatedInformation`` when the client supports it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from collections.abc import Callable, Sequence
from urllib.parse import unquote

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import TextDocument

from kaiming_lint import __version__
from kaiming_lint.document_settings import SettingsCache
from kaiming_lint.lsp import actions, edits, notebooks
from kaiming_lint.lsp.links import rule_url
from kaiming_lint.lsp.projects import Member, ProjectKey, Projects, key_for
from kaiming_lint.lsp.snapshot import Snapshot
from kaiming_lint.pipeline import Finding
from kaiming_lint.results import Related

SOURCE = "kaiming-lint"
UNREADABLE = "KAI900"
FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.{SOURCE}"
PYPROJECT_GLOB = "**/pyproject.toml"
SOURCE_GLOBS = ("**/*.py", "**/*.ipynb")  # the modules a project-wide view is built from
_log = logging.getLogger(__name__)


class KaimingLintServer(LanguageServer):
    """kaiming-lint as a language server."""

    def __init__(self, debounce: float = 0.15) -> None:
        super().__init__(
            SOURCE,
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=types.NotebookDocumentSyncOptions(
                notebook_selector=[
                    types.NotebookDocumentFilterWithCells(
                        notebook="*", cells=[types.NotebookCellLanguage(language="python")]
                    )
                ],
                save=True,
            ),
        )
        self.debounce = debounce
        self.settings = SettingsCache()
        self.snapshots: dict[str, Snapshot] = {}
        self.published: dict[str, set[str]] = {}  # target URI -> document URIs given diagnostics
        self.sent: dict[str, dict[str, list[types.Diagnostic]]] = {}  # target -> last published
        self.projects = Projects()
        self.timers: dict[str, asyncio.TimerHandle] = {}
        self.reported_errors: set[str] = set()

    # Targets ------------------------------------------------------------------------------

    def text_document(self, uri: str) -> TextDocument | None:
        """An open document (pygls >= 2.0.1 keys them by their unquoted URI, 2.0.0 as sent)."""
        documents: dict[str, TextDocument] = self.workspace.text_documents
        return documents.get(unquote(uri)) or documents.get(uri)

    def target_of(self, uri: str) -> str:
        """The notebook a cell belongs to, or the document itself."""
        notebook = self.workspace.get_notebook_document(cell_uri=uri)
        return notebook.uri if notebook is not None else uri

    def current(self, target: str) -> Snapshot | None:
        """The lint of ``target``'s current texts (cached while they and the settings hold)."""
        fresh = self._unlinted(target)
        if fresh is None:
            return None
        self._attach_project(fresh)
        cached = self.snapshots.get(target)
        if cached is not None and cached.state == fresh.state:
            return cached
        fresh.lint()
        self.snapshots[target] = fresh
        return fresh

    def _unlinted(self, target: str) -> Snapshot | None:
        notebook = self.workspace.get_notebook_document(notebook_uri=target)
        if notebook is not None:
            return self._notebook_snapshot(notebook)
        document = self.text_document(target)
        if document is None or not _is_python(document.uri, document.language_id):
            return None
        name = _name(document.uri)
        return Snapshot(target, name, {target: document.source}, self.settings.for_path(name))

    def _attach_project(self, snapshot: Snapshot) -> None:
        """Give ``snapshot`` its project's view, built with the open buffers of that project."""
        key = self._key_of(snapshot)
        if key is None:
            return
        members = []
        for target in self.open_targets():
            other = snapshot if target == snapshot.uri else self._unlinted(target)
            if other is not None and self._key_of(other) == key:
                members.append(
                    Member(os.path.abspath(other.name), other.data, other.program is not None)
                )
        try:
            view, generation = self.projects.view(key, members)
        except Exception:  # the document alone is still checked exactly
            _log.exception("the project view of %s failed; linting it alone", snapshot.uri)
            return
        snapshot.project_key, snapshot.project, snapshot.generation = key, view, generation

    @staticmethod
    def _key_of(snapshot: Snapshot) -> ProjectKey | None:
        options = snapshot.settings.options
        if options is None:
            return None
        return key_for(snapshot.uri, snapshot.name, options, snapshot.settings.project_root)

    def _notebook_snapshot(self, notebook: types.NotebookDocument) -> Snapshot | None:
        cells = []
        for cell in notebook.cells:
            document = self.text_document(cell.document)
            text = document.source if document is not None else ""
            language = document.language_id if document is not None else None
            code = cell.kind == types.NotebookCellKind.Code and language in (None, "python")
            cells.append(notebooks.Cell(cell.document, code, text))
        metadata = notebook.metadata if isinstance(notebook.metadata, dict) else None
        program = notebooks.program(cells, metadata)
        if program is None:
            return None
        name = _name(notebook.uri)
        texts = {cell.uri: cell.text for cell in cells}
        return Snapshot(notebook.uri, name, texts, self.settings.for_path(name), program)

    # Diagnostics --------------------------------------------------------------------------

    def publish(self, target: str, others: bool = True, only_changed: bool = False) -> None:
        """Lint ``target`` now and publish its diagnostics (clearing documents now clean).

        ``others``: when this lint rebuilt the project's view, re-lint the project's other open
        targets too. ``only_changed``: publish only diagnostics that differ from the last sent.
        """
        self.timers.pop(target, None)
        try:
            snapshot = self.current(target)
        except Exception as error:  # never let one document take the server down
            _log.exception("linting %s failed", target)
            self.window_log_message(
                types.LogMessageParams(
                    types.MessageType.Error, f"kaiming-lint: linting {target} failed: {error!r}"
                )
            )
            return
        if snapshot is None:
            self.clear(target)
            return
        if snapshot.settings.error is not None:
            self._report_config_error(snapshot.settings.error)
        by_document: dict[str, list[types.Diagnostic]] = {uri: [] for uri in snapshot.texts}
        for uri, finding, _ in snapshot.findings:
            by_document[uri].append(self.diagnostic(snapshot.texts[uri], finding))
        if not (only_changed and self.sent.get(target) == by_document):
            self._send(target, by_document)
        if others and snapshot.project_key is not None:
            self.refresh(snapshot.project_key, snapshot.generation, exclude=target)

    def _send(self, target: str, by_document: dict[str, list[types.Diagnostic]]) -> None:
        previous = self.published.get(target, set())
        for uri in previous - set(by_document):
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))
        for uri, diagnostics in by_document.items():
            document = self.text_document(uri)
            version = document.version if document is not None else None
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri, diagnostics, version)
            )
        self.published[target] = set(by_document)
        self.sent[target] = by_document

    def refresh(self, key: ProjectKey, generation: int | None, exclude: str | None = None) -> None:
        """Re-lint the open targets of ``key``'s project that were linted with another view than
        ``generation`` (None: any), publishing the diagnostics that changed. Targets with a lint
        already scheduled are left to it."""
        for target in self.open_targets():
            cached = self.snapshots.get(target)
            if target == exclude or target in self.timers or cached is None:
                continue
            if cached.project_key == key and cached.generation != generation:
                self.publish(target, others=False, only_changed=True)

    def files_changed(self, paths: Sequence[str]) -> None:
        """Modules changed on disk: lint the open targets of the projects they belong to."""
        self.projects.disk_changed()
        for target in self.open_targets():
            cached = self.snapshots.get(target)
            if cached is None or cached.project_key is None:
                continue
            root = cached.project_key.root
            if any(p == root or p.startswith(root.rstrip(os.sep) + os.sep) for p in paths):
                self.schedule(target)

    def clear(self, target: str) -> None:
        timer = self.timers.pop(target, None)
        if timer is not None:
            timer.cancel()
        self.snapshots.pop(target, None)
        self.sent.pop(target, None)
        for uri in self.published.pop(target, set()):
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))

    def closed(self, target: str) -> None:
        """A target was closed: its buffer no longer stands for its file in its project."""
        snapshot = self.snapshots.get(target)
        self.clear(target)
        if snapshot is not None and snapshot.project_key is not None:
            self.refresh(snapshot.project_key, None)

    def schedule(self, target: str) -> None:
        """Lint ``target`` once edits pause for ``debounce`` seconds."""
        timer = self.timers.pop(target, None)
        if timer is not None:
            timer.cancel()
        loop = asyncio.get_running_loop()
        self.timers[target] = loop.call_later(self.debounce, self.publish, target)

    def diagnostic(self, text: str, finding: Finding) -> types.Diagnostic:
        return types.Diagnostic(
            range=self.client_range(text, *edits.finding_range(finding)),
            message=finding.message,
            severity=(
                types.DiagnosticSeverity.Error
                if finding.code == UNREADABLE
                else types.DiagnosticSeverity.Warning
            ),
            code=finding.code,
            code_description=types.CodeDescription(href=rule_url(finding.code)),
            source=SOURCE,
            data={"name": finding.name, "fixable": finding.fixable},
            related_information=self.related_information(finding),
        )

    def related_information(
        self, finding: Finding
    ) -> list[types.DiagnosticRelatedInformation] | None:
        """The call sites and definitions that decided a finding, for clients that show them."""
        if not finding.related or not self._supports_related():
            return None
        return [
            types.DiagnosticRelatedInformation(self.location(r), r.message) for r in finding.related
        ]

    def _supports_related(self) -> bool:
        text_document = self.client_capabilities.text_document
        publish = text_document.publish_diagnostics if text_document else None
        return bool(publish and publish.related_information)

    def location(self, related: Related) -> types.Location:
        """Where a related place is: its cell when its notebook is open, else its file."""
        path = os.path.join(os.getcwd(), related.path)  # relative paths are the server's cwd's
        uri = from_fs_path(path) or path
        line, column = related.line, related.column
        notebook = self.workspace.get_notebook_document(notebook_uri=uri)
        cell, cell_line = related.cell, related.cell_line
        if notebook is not None and cell and cell_line and cell <= len(notebook.cells):
            # the column is the .ipynb file's: in the cell, the line's start is what is known
            uri, line, column = notebook.cells[cell - 1].document, cell_line, 1
        document = self.text_document(uri)
        text = document.source if document is not None else _read(path)
        position = (max(line - 1, 0), max(column - 1, 0))
        if text is None:
            start = types.Position(*position)
            return types.Location(uri, types.Range(start, start))
        return types.Location(uri, self.client_range(text, position, position))

    def client_range(self, text: str, start: edits.Position, end: edits.Position) -> types.Range:
        split = _lines(text)
        codec = self.workspace.position_codec
        return types.Range(
            codec.position_to_client_units(split, types.Position(*start)),
            codec.position_to_client_units(split, types.Position(*end)),
        )

    def _report_config_error(self, message: str) -> None:
        if message in self.reported_errors:
            return
        self.reported_errors.add(message)
        self.window_show_message(
            types.ShowMessageParams(types.MessageType.Error, f"kaiming-lint: {message}")
        )

    # Code actions -------------------------------------------------------------------------

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        snapshot = self.current(self.target_of(uri))
        if snapshot is None or snapshot.options is None:
            return []
        options = snapshot.options
        wanted = _kinds(params.context.only)
        first, last = params.range.start.line, max(params.range.start.line, params.range.end.line)
        here = [
            (finding, checked)
            for document, finding, checked in snapshot.findings
            if document == uri and finding.line - 1 <= last and finding.end_line - 1 >= first
        ]
        result: list[types.CodeAction] = []
        if wanted(types.CodeActionKind.QuickFix):
            planned = [actions.quick_fix(snapshot, options, uri, pair) for pair in here]
            planned += [actions.noqa(snapshot, options, uri, pair) for pair in here]
            for action in planned:
                if action is not None:
                    result.append(self.code_action(snapshot, action, types.CodeActionKind.QuickFix))
        if wanted(FIX_ALL):
            action = actions.fix_all(snapshot, options)
            if action is not None:
                result.append(self.code_action(snapshot, action, FIX_ALL))
        return result

    def code_action(
        self, snapshot: Snapshot, action: actions.Action, kind: str
    ) -> types.CodeAction:
        diagnostics = None
        if action.finding is not None and action.uri is not None:
            diagnostics = [self.diagnostic(snapshot.texts[action.uri], action.finding)]
        return types.CodeAction(
            title=action.title,
            kind=kind,
            diagnostics=diagnostics,
            is_preferred=action.preferred or None,
            edit=types.WorkspaceEdit(
                changes={
                    uri: [
                        types.TextEdit(
                            self.client_range(snapshot.texts[uri], e.start, e.end), e.text
                        )
                        for e in document_edits
                    ]
                    for uri, document_edits in action.changes.items()
                }
            ),
        )

    # Configuration ------------------------------------------------------------------------

    def config_changed(self) -> None:
        """A pyproject.toml changed: read settings again and re-lint every open target."""
        self.settings.clear()
        self.reported_errors.clear()
        self.projects.disk_changed()  # the project's root or kind may have changed too
        for target in self.open_targets():
            self.publish(target)

    def open_targets(self) -> list[str]:
        notebooks = list(self.workspace.notebook_documents.values())
        targets = [notebook.uri for notebook in notebooks]
        cells = {unquote(cell.document) for notebook in notebooks for cell in notebook.cells}
        targets += [
            document.uri
            for document in self.workspace.text_documents.values()
            if unquote(document.uri) not in cells
        ]
        return targets

    async def watch_pyproject(self) -> None:
        capabilities = self.client_capabilities.workspace
        watched = capabilities.did_change_watched_files if capabilities else None
        if not (watched and watched.dynamic_registration):
            return  # the settings cache still notices changes at the next lint
        registration = types.Registration(
            id="kaiming-lint-pyproject",
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[
                    types.FileSystemWatcher(glob_pattern=glob)
                    for glob in (PYPROJECT_GLOB, *SOURCE_GLOBS)
                ]
            ),
        )
        try:
            await self.client_register_capability_async(types.RegistrationParams([registration]))
        except Exception:  # a client that refuses still gets the mtime check
            _log.info("the client did not register the pyproject.toml watcher", exc_info=True)


@functools.lru_cache(maxsize=16)
def _lines(text: str) -> tuple[str, ...]:
    """The LSP lines of a text (cached: every diagnostic of a document converts against them)."""
    return tuple(edits.lines(text))


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as stream:
            return stream.read()
    except OSError:
        return None


def _kinds(only: Sequence[str] | None) -> Callable[[str], bool]:
    """Whether a code action kind was asked for (a requested kind covers its sub-kinds)."""
    if not only:
        return lambda kind: True
    requested = [str(getattr(k, "value", k)) for k in only]
    return lambda kind: any(kind == k or kind.startswith(f"{k}.") for k in requested)


def _name(uri: str) -> str:
    path = to_fs_path(uri)
    return path if path else uri


def _is_python(uri: str, language_id: str | None) -> bool:
    return language_id == "python" or uri.lower().endswith(".py")


def build_server(debounce: float = 0.15) -> KaimingLintServer:
    server = KaimingLintServer(debounce)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: KaimingLintServer, params: types.InitializedParams) -> None:
        await ls.watch_pyproject()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: KaimingLintServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.publish(ls.target_of(params.text_document.uri))

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: KaimingLintServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(ls.target_of(params.text_document.uri))

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(ls: KaimingLintServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.projects.disk_changed()
        ls.publish(ls.target_of(params.text_document.uri))

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: KaimingLintServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.closed(params.text_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def notebook_open(ls: KaimingLintServer, params: types.DidOpenNotebookDocumentParams) -> None:
        ls.publish(params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def notebook_change(
        ls: KaimingLintServer, params: types.DidChangeNotebookDocumentParams
    ) -> None:
        ls.schedule(params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    def notebook_save(ls: KaimingLintServer, params: types.DidSaveNotebookDocumentParams) -> None:
        ls.projects.disk_changed()
        ls.publish(params.notebook_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def notebook_close(ls: KaimingLintServer, params: types.DidCloseNotebookDocumentParams) -> None:
        ls.closed(params.notebook_document.uri)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL],
            resolve_provider=False,
        ),
    )
    def code_action(
        ls: KaimingLintServer, params: types.CodeActionParams
    ) -> list[types.CodeAction]:
        return ls.code_actions(params)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched_files(ls: KaimingLintServer, params: types.DidChangeWatchedFilesParams) -> None:
        paths = [os.path.abspath(_name(c.uri)) for c in params.changes]
        if any(os.path.basename(p) == "pyproject.toml" for p in paths):
            ls.config_changed()
        elif any(p.endswith((".py", ".ipynb")) for p in paths):
            ls.files_changed(paths)

    return server


def serve(debounce: float = 0.15) -> None:
    """Serve over stdin and stdout until the client says exit."""
    build_server(debounce).start_io()
