"""`crashlint server`: the Language Server Protocol over stdio (pygls), on the scan's pipeline.

Threads: the protocol runs on pygls's asyncio loop; all analysis (loading a workspace, parsing a
changed buffer, the project model and rules, planning fixes) runs in one worker thread, in the
order it was asked, so a workspace is only ever touched by that thread. An edit schedules an
analysis after `debounce` seconds of quiet; edits that arrive while one runs are analysed right
after it, and the results of an analysis overtaken by newer edits are not published (the next one
is). Diagnostics are published for every file whose diagnostics changed — an edit in one file can
change the findings of another — and always for the files just edited."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from crashlint import __version__
from crashlint.findings import Finding
from crashlint.lsp.convert import Lines, diagnostic, hover_text, suppression, text_edits, uri_of
from crashlint.lsp.workspace import CONFIG_NAMES, MANIFEST_NAMES, Workspace
from crashlint.report.sarif import help_uri
from crashlint.scan import find_rule

EXPLAIN = "crashlint.explain"
PUBLISHED_CACHED = "findings of the last scan published; loading the project"
DEBOUNCE = 0.05  # seconds of quiet after an edit before it is analysed
LANGUAGE_IDS = frozenset({"typescript", "typescriptreact", "javascript", "javascriptreact", "python"})

log = logging.getLogger("crashlint.server")


PROJECT_MARKERS = ("package.json", "pyproject.toml", "crashlint.toml", ".crashlint.toml", "setup.py", "setup.cfg", ".git")


def project_folder(path: str) -> str | None:
    """The nearest folder above `path` with a project marker; the file's own folder when none."""
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        return None
    current = folder
    while True:
        if any(os.path.exists(os.path.join(current, marker)) for marker in PROJECT_MARKERS):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return folder
        current = parent


def path_of(uri: str) -> str | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return os.path.normpath(unquote(parsed.path))


class Protocol(LanguageServerProtocol):
    """pygls's protocol, answering a request it cannot read (parameters of the wrong shape) with
    the JSON-RPC error, where pygls would only log it and leave the client waiting for ever."""

    def structure_message(self, data: dict):
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if "id" in data and "method" in data:
                self._send_response(data["id"], error=types.ResponseError(code=exc.code, message=f"{data['method']}: {exc.message}"))
            raise


class CrashlintServer(LanguageServer):
    def __init__(self, *, cache: bool = True) -> None:
        super().__init__("crashlint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
                         protocol_cls=Protocol)
        self.cache = cache
        self.debounce = DEBOUNCE
        self.workspaces: dict[str, Workspace] = {}  # by root folder
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crashlint-analysis")
        self.dirty: dict[str, dict[str, bytes | None]] = {}  # root → path → buffer (None: closed, or changed on disk)
        self.edited: set[str] = set()  # URIs edited since the last publication: always republished
        self.reload: set[str] = set()  # roots whose configuration changed
        self.timer: asyncio.TimerHandle | None = None
        self.running: asyncio.Task | None = None
        self.generation = 0  # bumped by every change: an analysis older than the newest is not published
        self.published: dict[str, tuple[str, list[types.Diagnostic]]] = {}  # URI → (root, what the client shows)
        self.findings: dict[str, list[tuple[Finding, types.Diagnostic]]] = {}  # URI → findings published
        self.ready = False

    # -- workspaces --------------------------------------------------------------------------------

    def workspace_of(self, path: str) -> tuple[Workspace, str] | None:
        """The innermost workspace folder holding `path`, with the path relative to it."""
        best: tuple[Workspace, str] | None = None
        for root, workspace in self.workspaces.items():
            rel = workspace.relative(path)
            if rel is not None and (best is None or len(root) > len(best[0].root)):
                best = (workspace, rel)
        return best

    def add_folder(self, uri: str) -> Workspace | None:
        path = path_of(uri)
        if path is None or not os.path.isdir(path):
            return None
        workspace = Workspace(path, cache=self.cache)
        self.workspaces.setdefault(workspace.root, workspace)
        return self.workspaces[workspace.root]

    # -- scheduling --------------------------------------------------------------------------------

    def changed(self, root: str, rel: str, data: bytes | None, uri: str | None = None) -> None:
        self.dirty.setdefault(root, {})[rel] = data
        if uri is not None:
            self.edited.add(uri)
        self.schedule()

    def schedule(self, delay: float | None = None) -> None:
        self.generation += 1
        if not self.ready:
            return  # the first analysis publishes everything
        if self.timer is not None:
            self.timer.cancel()
        loop = asyncio.get_running_loop()
        self.timer = loop.call_later(self.debounce if delay is None else delay, self._start)

    def _start(self) -> None:
        self.timer = None
        if self.running is not None and not self.running.done():
            self.running.add_done_callback(lambda _: self.schedule(0))  # right after the one running
            return
        self.running = asyncio.ensure_future(self.analyse())

    async def analyse(self) -> None:
        generation = self.generation
        dirty, self.dirty = self.dirty, {}
        reload, self.reload = self.reload, set()
        edited, self.edited = self.edited, set()
        loop = asyncio.get_running_loop()

        def work():
            results = {}
            for root in set(dirty) | reload:
                workspace = self.workspaces.get(root)
                if workspace is None:
                    continue
                if not workspace.loaded:  # a folder opened by a file outside the workspace folders
                    for rel, data in dirty.get(root, {}).items():
                        if data is not None:
                            workspace.buffers[rel] = data
                    workspace.load()
                    results[root] = workspace.analyse()
                    continue
                stale = root in reload
                if stale:
                    workspace.reload()
                for rel, data in dirty.get(root, {}).items():
                    if data is None:
                        stale = workspace.drop_buffer(rel) or workspace.disk_changed(rel) or stale
                    else:
                        stale = workspace.set_buffer(rel, data) or stale
                if stale or workspace.analysis is None:
                    results[root] = workspace.analyse()
            return results

        try:
            results = await loop.run_in_executor(self.worker, work)
        except Exception as exc:  # noqa: BLE001 - one failed analysis must not stop the server
            log.exception("analysis failed")
            self.window_log_message(types.LogMessageParams(type=types.MessageType.Error,
                                                           message=f"crashlint: analysis failed: {type(exc).__name__}: {exc}"))
            return
        if generation != self.generation:  # overtaken: the next analysis publishes
            self.edited |= edited
            return
        for root in results:
            self.publish(self.workspaces[root], edited)

    # -- publishing --------------------------------------------------------------------------------

    def lines(self, workspace: Workspace, rel: str) -> Lines | None:
        data = workspace.read(rel)
        return Lines(data, self.workspace.position_encoding or types.PositionEncodingKind.Utf16) if data is not None else None

    def publish(self, workspace: Workspace, edited: set[str] = frozenset()) -> None:
        analysis = workspace.analysis
        if analysis is None:
            return
        rules = {rule.id: rule for rule in analysis.result.rules}
        cache: dict[str, Lines | None] = {}

        def read(rel: str) -> Lines | None:
            if rel not in cache:
                cache[rel] = self.lines(workspace, rel)
            return cache[rel]

        current: dict[str, list[tuple[Finding, types.Diagnostic]]] = {}
        for rel, findings in analysis.by_path.items():
            if rel.startswith(("/", "../")):
                continue
            uri = uri_of(workspace.root, rel)
            current[uri] = [(f, diagnostic(f, rules.get(f.rule_id), workspace.root, read(rel), read)) for f in findings]
        mine = {uri for uri, (root, _) in self.published.items() if root == workspace.root}
        edited = {uri for uri in edited if (place := self.workspace_of(path_of(uri) or "")) and place[0] is workspace}
        for uri in sorted(mine | set(current) | edited):
            pairs = current.get(uri, [])
            diagnostics = [d for _, d in pairs]
            if uri in edited or diagnostics != self.published.get(uri, ("", []))[1]:
                document = self.workspace.text_documents.get(uri)
                self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                    uri=uri, diagnostics=diagnostics, version=document.version if document is not None else None))
            if pairs:
                self.published[uri], self.findings[uri] = (workspace.root, diagnostics), pairs
            else:
                self.published.pop(uri, None)
                self.findings.pop(uri, None)

    # -- the first analysis ------------------------------------------------------------------------

    async def load_all(self) -> None:
        token = "crashlint-first-analysis"
        progress = None
        window = self.client_capabilities.window
        if window is not None and window.work_done_progress:
            try:
                await self.work_done_progress.create_async(token)
                progress = self.work_done_progress
            except Exception:  # noqa: BLE001 - a client that refuses progress still gets diagnostics
                progress = None
        if progress:
            progress.begin(token, types.WorkDoneProgressBegin(title="crashlint", message="analysing the workspace",
                                                              percentage=0, cancellable=False))
        loop = asyncio.get_running_loop()

        def report(done: int, total: int) -> None:
            if progress and total and (done == total or done % 200 == 0):
                loop.call_soon_threadsafe(progress.report, token, types.WorkDoneProgressReport(
                    message=f"{done}/{total} files", percentage=int(100 * done / total)))

        def take_buffers() -> None:
            for workspace in list(self.workspaces.values()):
                for uri, document in list(self.workspace.text_documents.items()):
                    path = path_of(uri)
                    rel = workspace.relative(path) if path else None
                    if rel is not None:
                        workspace.buffers[rel] = document.source.encode("utf-8", "surrogatepass")

        def quick():
            # the result a warm scan would print, from the scan's result cache: published at once
            take_buffers()
            for workspace in list(self.workspaces.values()):
                workspace.analysis = workspace.cached()

        def work():
            take_buffers()
            for workspace in list(self.workspaces.values()):
                workspace.load(report)
                workspace.analyse()

        try:
            await loop.run_in_executor(self.worker, quick)
        except Exception:  # noqa: BLE001 - an unreadable cache: the full analysis follows
            log.exception("reading the cached result failed")
        cached = [w for w in self.workspaces.values() if w.analysis is not None]
        for workspace in cached:
            self.publish(workspace)
        if progress and cached and len(cached) == len(self.workspaces):
            progress.report(token, types.WorkDoneProgressReport(message=PUBLISHED_CACHED))
        try:
            await loop.run_in_executor(self.worker, work)
        except Exception as exc:  # noqa: BLE001
            log.exception("first analysis failed")
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error,
                                                             message=f"crashlint: analysis failed: {type(exc).__name__}: {exc}"))
        finally:
            if progress:
                progress.end(token, types.WorkDoneProgressEnd(message="done"))
        for workspace in self.workspaces.values():
            if workspace.config_error:
                self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning,
                                                                 message=f"crashlint: {workspace.config_error}"))
            self.publish(workspace)
        self.ready = True
        if self.dirty or self.reload:  # edits made while the workspaces loaded
            self.schedule(0)

    # -- code actions ------------------------------------------------------------------------------

    async def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction | types.Command]:
        uri = params.text_document.uri
        path = path_of(uri)
        place = self.workspace_of(path) if path else None
        if place is None or uri not in self.findings:
            return []
        workspace, rel = place
        wanted = {d.data.get("fingerprint") for d in params.context.diagnostics
                  if d.source == "crashlint" and isinstance(d.data, dict)}
        start, end = params.range.start, params.range.end

        def touches(diag: types.Diagnostic) -> bool:
            r = diag.range
            return (r.start.line, r.start.character) <= (end.line, end.character) and \
                   (start.line, start.character) <= (r.end.line, r.end.character)

        # the diagnostics the client names (those under the cursor); with none of ours, the range's
        pairs = [(f, d) for f, d in self.findings[uri] if f.fingerprint in wanted] if wanted else \
            [(f, d) for f, d in self.findings[uri] if touches(d)]
        if not pairs:
            return []
        only = params.context.only
        loop = asyncio.get_running_loop()
        analysis = await loop.run_in_executor(self.worker, workspace.plan_fixes)
        if analysis is None:
            return []
        planned = {f.fingerprint: f for f in analysis.result.findings}
        actions: list[types.CodeAction | types.Command] = []
        lines = self.lines(workspace, rel)
        for finding, diag in pairs:
            fixed = planned.get(finding.fingerprint)
            if fixed is not None and fixed.fix is not None and lines is not None:
                edit = self.workspace_edit(workspace, rel, fixed)
                if edit is not None:
                    actions.append(types.CodeAction(
                        title=f"crashlint: {fixed.fix.title}" + ("" if fixed.fix.safe else " (unsafe: review the change)"),
                        kind=types.CodeActionKind.QuickFix, diagnostics=[diag], edit=edit,
                        is_preferred=fixed.fix.safe))
            if lines is not None:
                actions.append(types.CodeAction(
                    title=f"crashlint: suppress {finding.rule_id} on this line (with a reason)",
                    kind=types.CodeActionKind.QuickFix, diagnostics=[diag],
                    edit=types.WorkspaceEdit(changes={uri: [suppression(finding, lines)]})))
            # a bare Command: clients built on lsprotocol read any action holding a command as one
            actions.append(types.Command(title=f"crashlint: explain {finding.rule_id} {finding.slug}", command=EXPLAIN,
                                         arguments=[finding.rule_id]))
        if only:
            actions = [a for a in actions if isinstance(a, types.CodeAction) and any(
                a.kind == k or (a.kind or "").startswith(k + ".") for k in only)]
        return actions

    def workspace_edit(self, workspace: Workspace, rel: str, finding: Finding) -> types.WorkspaceEdit | None:
        """The fix's edits, in its own file and any other; None when a file changed since the fix was
        planned (its byte offsets no longer say where things are)."""
        fix = finding.fix
        assert fix is not None
        changes: dict[str, list[types.TextEdit]] = {}
        for path, digest, edits in ((rel, fix.digest, fix.edits), *fix.elsewhere):
            data = workspace.read(path)
            if data is None or (digest and hashlib.sha256(data).hexdigest() != digest):
                return None
            encoding = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
            changes.setdefault(uri_of(workspace.root, path), []).extend(text_edits(edits, Lines(data, encoding)))
        return types.WorkspaceEdit(changes=changes)

    def hover(self, params: types.HoverParams) -> types.Hover | None:
        uri = params.text_document.uri
        position = params.position
        here = []
        for finding, diag in self.findings.get(uri, []):
            r = diag.range
            if (r.start.line, r.start.character) <= (position.line, position.character) <= (r.end.line, r.end.character):
                here.append((finding, diag))
        if not here:
            return None
        text = "\n\n---\n\n".join(hover_text(f, find_rule(f.rule_id)) for f, _ in here)
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text), range=here[0][1].range)


def build(cache: bool = True) -> CrashlintServer:
    server = CrashlintServer(cache=cache)

    @server.feature(types.INITIALIZE)
    def initialize(ls: CrashlintServer, params: types.InitializeParams) -> None:
        options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        debounce = options.get("debounce")
        if isinstance(debounce, (int, float)) and 0 <= debounce <= 10_000:
            ls.debounce = debounce / 1000  # milliseconds, as editors' settings give them
        folders = params.workspace_folders or []
        if folders:
            for folder in folders:
                ls.add_folder(folder.uri)
        elif params.root_uri:
            ls.add_folder(params.root_uri)
        elif params.root_path:
            ls.add_folder(f"file://{params.root_path}")

    @server.feature(types.INITIALIZED)
    async def initialized(ls: CrashlintServer, params: types.InitializedParams) -> None:
        watch = ls.client_capabilities.workspace
        if watch is not None and watch.did_change_watched_files is not None and watch.did_change_watched_files.dynamic_registration:
            names = sorted(CONFIG_NAMES | MANIFEST_NAMES)
            watchers = [types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in names]
            watchers.append(types.FileSystemWatcher(glob_pattern="**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,py}"))
            try:
                await ls.client_register_capability_async(types.RegistrationParams(registrations=[types.Registration(
                    id="crashlint-watched-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers))]))
            except Exception:  # noqa: BLE001 - without it, saves still reload the configuration
                log.warning("the client did not register file watchers")
        await ls.load_all()

    def buffer_changed(ls: CrashlintServer, uri: str) -> None:
        path = path_of(uri)
        place = ls.workspace_of(path) if path else None
        if place is None and path is not None:
            # a file outside every workspace folder (or a client that sends none): its project is
            # the folder above it that holds a manifest, configuration or .git, as ruff does
            folder = project_folder(path)
            if folder is not None:
                ls.add_folder(Path(folder).as_uri())
                place = ls.workspace_of(path)
        if place is None:
            return
        document = ls.workspace.get_text_document(uri)
        ls.changed(place[0].root, place[1], document.source.encode("utf-8", "surrogatepass"), uri)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CrashlintServer, params: types.DidOpenTextDocumentParams) -> None:
        buffer_changed(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CrashlintServer, params: types.DidChangeTextDocumentParams) -> None:
        buffer_changed(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: CrashlintServer, params: types.DidSaveTextDocumentParams) -> None:
        path = path_of(params.text_document.uri)
        place = ls.workspace_of(path) if path else None
        if place is None:
            return
        name = os.path.basename(place[1])
        if name in CONFIG_NAMES:
            ls.reload.add(place[0].root)
            ls.schedule()
        elif name in MANIFEST_NAMES:
            ls.changed(place[0].root, place[1], None)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CrashlintServer, params: types.DidCloseTextDocumentParams) -> None:
        path = path_of(params.text_document.uri)
        place = ls.workspace_of(path) if path else None
        if place is not None:
            ls.changed(place[0].root, place[1], None)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: CrashlintServer, params: types.DidChangeWatchedFilesParams) -> None:
        for change in params.changes:
            path = path_of(change.uri)
            place = ls.workspace_of(path) if path else None
            if place is None:
                continue
            workspace, rel = place
            if os.path.basename(rel) in CONFIG_NAMES:
                ls.reload.add(workspace.root)
                ls.schedule()
            elif rel not in workspace.buffers:
                ls.changed(workspace.root, rel, None)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def folders(ls: CrashlintServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        for folder in params.event.removed:
            path = path_of(folder.uri)
            removed = ls.workspaces.pop(os.path.realpath(path), None) if path else None
            if removed is not None:
                for uri in [u for u, (root, _) in ls.published.items() if root == removed.root]:
                    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
                    ls.published.pop(uri, None)
                    ls.findings.pop(uri, None)
        added = [w for w in (ls.add_folder(f.uri) for f in params.event.added) if w is not None and not w.loaded]
        if added:
            loop = asyncio.get_running_loop()

            def work():
                for workspace in added:
                    workspace.load()
                    workspace.analyse()

            await loop.run_in_executor(ls.worker, work)
            for workspace in added:
                ls.publish(workspace)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix], resolve_provider=False))
    async def code_action(ls: CrashlintServer, params: types.CodeActionParams) -> list[types.CodeAction | types.Command]:
        return await ls.code_actions(params)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: CrashlintServer, params: types.HoverParams) -> types.Hover | None:
        return ls.hover(params)

    @server.command(EXPLAIN)
    async def explain(ls: CrashlintServer, arguments) -> str | None:
        key = arguments[0] if isinstance(arguments, (list, tuple)) and arguments else arguments
        rule = find_rule(str(key)) if isinstance(key, str) else None
        if rule is None:
            raise ValueError(f"unknown rule: {key}")
        window = ls.client_capabilities.window
        if window is not None and window.show_document is not None and window.show_document.support:
            await ls.window_show_document_async(types.ShowDocumentParams(uri=help_uri(rule, None, __version__), external=True))
        return rule.docs_markdown()

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: CrashlintServer, params: None) -> None:
        if ls.timer is not None:
            ls.timer.cancel()
        ls.worker.shutdown(wait=False, cancel_futures=True)

    return server


def serve(cache: bool = True) -> None:
    """Run the server on stdin/stdout until the client says exit."""
    logging.basicConfig(level=logging.WARNING, format="crashlint server: %(message)s")  # stderr: the client's log
    build(cache).start_io()
