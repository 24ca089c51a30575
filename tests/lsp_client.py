"""A real LSP client over stdio (pygls's LanguageClient) driving `crashlint server`, for the
end-to-end tests and the benchmark (benchmarks/lsp.py)."""

from __future__ import annotations

import asyncio
import shutil
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient


FIXTURE = Path(__file__).parent / "fixtures" / "CL001" / "projects" / "ts-cross-file"
API = """export async function getUser(id: string) {
  const res = await fetch(`https://users.example.com/${id}`);
  return res.json();
}
"""
SERVER_TAIL = """import { getUser } from "./api";
import express from "express";
const app = express();
app.get("/u/:id", async (req, res, next) => { try { res.json(await getUser(req.params.id)); } catch (e) { next(e); } });
app.listen(3000);
"""


def service_project(tmp_path: Path) -> Path:
    """A service over three files: a Redis client (src/lib/redis.ts), its 'error' listener in
    another file (src/events/redisEvents.ts), and an API call with no timeout (src/api.ts, `API`)."""
    root = tmp_path / "svc"
    shutil.copytree(FIXTURE, root)
    (root / "src" / "api.ts").write_text(API)
    with (root / "src" / "server.ts").open("a") as handle:
        handle.write(SERVER_TAIL)
    return root


class Client:
    """Starts `python -m crashlint server`, records what it publishes, and waits for it."""

    def __init__(self, root: Path, *, cache: bool = False, debounce_ms: int = 20, folders: bool = True) -> None:
        self.root = root
        self.folders = folders  # False: initialize with no workspace folder and no root, as a bare editor
        self.cache = cache
        self.debounce_ms = debounce_ms
        self.client = LanguageClient("crashlint-tests", "1")
        self.diagnostics: dict[str, list[types.Diagnostic]] = {}
        self.versions: dict[str, int | None] = {}
        self.arrivals: dict[str, float] = {}
        self.events = asyncio.Event()
        self.progress: list[object] = []
        self.messages: list[str] = []
        self.shown: list[str] = []
        client = self.client

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(ls, params: types.PublishDiagnosticsParams) -> None:
            self.diagnostics[params.uri] = params.diagnostics
            self.versions[params.uri] = params.version
            self.arrivals[params.uri] = time.perf_counter()
            self.events.set()

        @client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
        def create(ls, params) -> None:
            return None

        @client.feature(types.PROGRESS)
        def progress(ls, params) -> None:
            self.progress.append(params.value)
            self.events.set()

        @client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def register(ls, params) -> None:
            return None

        @client.feature(types.WINDOW_SHOW_MESSAGE)
        def show(ls, params) -> None:
            self.messages.append(params.message)

        @client.feature(types.WINDOW_LOG_MESSAGE)
        def logged(ls, params) -> None:
            self.messages.append(params.message)

        @client.feature(types.WINDOW_SHOW_DOCUMENT)
        def show_document(ls, params: types.ShowDocumentParams) -> types.ShowDocumentResult:
            self.shown.append(params.uri)
            return types.ShowDocumentResult(success=True)

    def uri(self, rel: str) -> str:
        return (self.root / rel).resolve().as_uri()

    async def start(self) -> types.InitializeResult:
        args = [sys.executable, "-m", "crashlint", "server"] + ([] if self.cache else ["--no-cache"])
        await self.client.start_io(*args)
        result = await self.client.initialize_async(types.InitializeParams(
            process_id=None,
            root_uri=self.root.resolve().as_uri() if self.folders else None,
            workspace_folders=[types.WorkspaceFolder(uri=self.root.resolve().as_uri(), name=self.root.name)] if self.folders else None,
            initialization_options={"debounce": self.debounce_ms},
            capabilities=types.ClientCapabilities(
                window=types.WindowClientCapabilities(work_done_progress=True,
                                                      show_document=types.ShowDocumentClientCapabilities(support=True)),
                workspace=types.WorkspaceClientCapabilities(
                    did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True),
                    workspace_folders=True),
                text_document=types.TextDocumentClientCapabilities(
                    publish_diagnostics=types.PublishDiagnosticsClientCapabilities(related_information=True,
                                                                                   version_support=True)),
            ),
        ))
        self.client.initialized(types.InitializedParams())
        return result

    async def wait_for(self, predicate, timeout: float = 60.0) -> None:
        """Until `predicate()` holds after a publication (or now)."""
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no such diagnostics within {timeout} s: {self.summary()}")
            self.events.clear()
            try:
                await asyncio.wait_for(self.events.wait(), min(remaining, 1.0))
            except asyncio.TimeoutError:
                pass

    def codes(self, rel: str) -> list[str]:
        return sorted(str(d.code) for d in self.diagnostics.get(self.uri(rel), []))

    def summary(self) -> dict:
        return {uri.rsplit("/", 1)[-1]: [str(d.code) for d in diags] for uri, diags in self.diagnostics.items()}

    def open(self, rel: str, text: str | None = None, version: int = 1) -> str:
        uri = self.uri(rel)
        text = (self.root / rel).read_text() if text is None else text
        language = "python" if rel.endswith(".py") else "typescript" if rel.endswith((".ts", ".tsx")) else "javascript"
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language, version=version, text=text)))
        return uri

    def replace(self, rel: str, text: str, version: int) -> None:
        """Send the whole new text as one change (full-document change event)."""
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=self.uri(rel), version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))

    def insert(self, rel: str, line: int, character: int, text: str, version: int) -> None:
        """An incremental change: `text` typed at a position."""
        at = types.Position(line=line, character=character)
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=self.uri(rel), version=version),
            content_changes=[types.TextDocumentContentChangePartial(range=types.Range(at, at), text=text)]))

    def delete(self, rel: str, line: int, start: int, end: int, version: int) -> None:
        """An incremental change: the characters from `start` to `end` of `line` deleted."""
        span = types.Range(types.Position(line=line, character=start), types.Position(line=line, character=end))
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=self.uri(rel), version=version),
            content_changes=[types.TextDocumentContentChangePartial(range=span, text="")]))

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(self.client.shutdown_async(None), 20)
            self.client.exit(None)
        finally:
            await self.client.stop()


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """The text after `edits` (positions in UTF-16 code units, as the server uses by default)."""
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        before = sum(len(line) + 1 for line in lines[: position.line])
        line = lines[position.line] if position.line < len(lines) else ""
        units = 0
        for index, char in enumerate(line):
            if units >= position.character:
                return before + index
            units += 2 if ord(char) > 0xFFFF else 1
        return before + len(line)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start, end = offset(edit.range.start), offset(edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text
