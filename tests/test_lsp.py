"""`crashlint server` end to end: a real LSP client (pygls's) over stdio against the server process."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lsprotocol import types

from lsp_client import API, Client, apply_edits, service_project

@pytest.fixture
def project(tmp_path: Path) -> Path:
    return service_project(tmp_path)


def run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 120))


def test_diagnostics_fix_and_cross_file_listener(project: Path) -> None:
    async def session():
        client = Client(project)
        result = await client.start()
        assert result.server_info.name == "crashlint"
        await client.wait_for(lambda: "CL008" in client.codes("src/api.ts"))
        # the first analysis reports progress: begin … end
        kinds = [p["kind"] if isinstance(p, dict) else p.kind for p in client.progress]
        assert kinds[0] == "begin" and kinds[-1] == "end"
        (diag,) = [d for d in client.diagnostics[client.uri("src/api.ts")] if d.code == "CL008"]
        assert diag.source == "crashlint" and diag.range.start.line == 1
        assert diag.code_description.href.endswith(".toml") and "CL008" in diag.code_description.href
        assert diag.severity == types.DiagnosticSeverity.Warning  # medium
        assert client.codes("src/lib/redis.ts") == []  # its 'error' listener is in events/redisEvents.ts

        # hover on the diagnostic: the rule's what / why / fix
        hover = await client.client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=client.uri("src/api.ts")), position=diag.range.start))
        assert "CL008" in hover.contents.value and "**Why it crashes**" in hover.contents.value

        # the quick fix (preferred: safe) applied through didChange clears the finding
        uri = client.open("src/api.ts")
        actions = await client.client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag])))
        fixes = [a for a in actions if isinstance(a, types.CodeAction) and a.edit is not None and a.is_preferred]
        assert len(fixes) == 1, [a.title for a in actions]
        assert any("suppress CL008" in a.title for a in actions)
        assert any(isinstance(a, types.Command) and a.command == "crashlint.explain" for a in actions)
        fixed = apply_edits(API, fixes[0].edit.changes[uri])
        assert "AbortSignal.timeout" in fixed
        client.replace("src/api.ts", fixed, 2)
        await client.wait_for(lambda: client.versions.get(uri) == 2)
        assert client.codes("src/api.ts") == []

        # deleting the 'error' listener in one file makes CL001 appear on the file of the client
        events = "src/events/redisEvents.ts"
        text = (project / events).read_text()
        client.open(events, text)
        client.replace(events, text.replace('conn.on("error", (err) => console.error("redis", err));\n', ""), 2)
        await client.wait_for(lambda: "CL001" in client.codes("src/lib/redis.ts"))
        (cl001,) = [d for d in client.diagnostics[client.uri("src/lib/redis.ts")] if d.code == "CL001"]
        assert cl001.severity == types.DiagnosticSeverity.Error  # critical
        # … and putting it back (closing the buffer: the disk's text counts again) clears it
        client.client.text_document_did_close(types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=client.uri(events))))
        await client.wait_for(lambda: "CL001" not in client.codes("src/lib/redis.ts"))

        # explain: the rule's documentation, opened by the client
        text = await client.client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="crashlint.explain", arguments=["CL008"]))
        assert text.startswith("# CL008") and client.shown and client.shown[-1].endswith(".toml")
        await client.stop()

    run(session())


def test_suppress_action_and_unparsable_buffer(project: Path) -> None:
    async def session():
        client = Client(project)
        await client.start()
        uri = client.open("src/api.ts", API)
        await client.wait_for(lambda: "CL008" in client.codes("src/api.ts"))
        (diag,) = client.diagnostics[uri]
        actions = await client.client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag])))
        (suppress,) = [a for a in actions if "suppress" in a.title and isinstance(a, types.CodeAction)]
        text = apply_edits(API, suppress.edit.changes[uri])
        assert "  // crashlint-disable-next-line CL008 -- " in text
        client.replace("src/api.ts", text, 2)
        await client.wait_for(lambda: client.versions.get(uri) == 2)
        assert client.codes("src/api.ts") == []

        # a buffer that does not parse: the server stays up and answers
        client.replace("src/api.ts", "export async function (((( {\n  fetch(\n", 3)
        await client.wait_for(lambda: client.versions.get(uri) == 3)
        client.replace("src/api.ts", API, 4)
        await client.wait_for(lambda: client.versions.get(uri) == 4 and "CL008" in client.codes("src/api.ts"))
        await client.stop()

    run(session())


def test_configuration_reload_and_new_files(project: Path) -> None:
    async def session():
        client = Client(project)
        await client.start()
        await client.wait_for(lambda: "CL008" in client.codes("src/api.ts"))
        # the configuration changes on disk: the rules it ignores go away
        (project / "crashlint.toml").write_text('ignore = ["CL008"]\n')
        client.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=client.uri("crashlint.toml"), type=types.FileChangeType.Created)]))
        await client.wait_for(lambda: client.codes("src/api.ts") == [])
        (project / "crashlint.toml").unlink()
        client.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=client.uri("crashlint.toml"), type=types.FileChangeType.Deleted)]))
        await client.wait_for(lambda: "CL008" in client.codes("src/api.ts"))
        # a file created on disk is analysed
        (project / "src" / "more.ts").write_text(API.replace("getUser", "getOrder"))
        with (project / "src" / "server.ts").open("a") as handle:
            handle.write('import { getOrder } from "./more";\napp.get("/o", async (req, res, next) => { try { res.json(await getOrder("1")); } catch (e) { next(e); } });\n')
        client.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=client.uri("src/more.ts"), type=types.FileChangeType.Created),
            types.FileEvent(uri=client.uri("src/server.ts"), type=types.FileChangeType.Changed)]))
        await client.wait_for(lambda: "CL008" in client.codes("src/more.ts"))
        # … and one deleted is forgotten
        (project / "src" / "more.ts").unlink()
        client.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=client.uri("src/more.ts"), type=types.FileChangeType.Deleted)]))
        await client.wait_for(lambda: client.codes("src/more.ts") == [])
        await client.stop()

    run(session())


def _frame(payload: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(payload) + payload


def _read_message(stream) -> dict:
    length = 0
    while True:
        line = stream.readline()
        if not line:
            raise EOFError("the server closed its output")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return json.loads(stream.read(length))


def _response(stream, request_id: int, deadline: float = 30) -> dict:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        message = _read_message(stream)
        if message.get("id") == request_id and "method" not in message:
            return message
    raise TimeoutError(f"no response to request {request_id}")


def test_malformed_input_leaves_the_server_alive(project: Path) -> None:
    server = subprocess.Popen([sys.executable, "-m", "crashlint", "server", "--no-cache"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        send = lambda data: (server.stdin.write(data), server.stdin.flush())  # noqa: E731
        send(_frame(b"{this is not json"))  # not JSON at all
        send(_frame(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                "params": {"processId": None, "rootUri": project.as_uri(), "capabilities": {}}}).encode()))
        assert "capabilities" in _response(server.stdout, 1)["result"]
        send(_frame(json.dumps({"jsonrpc": "2.0", "method": "initialized", "params": {}}).encode()))
        # a request with parameters of the wrong shape, and one of a method no one serves
        send(_frame(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {"nonsense": 1}}).encode()))
        assert "error" in _response(server.stdout, 2)
        send(_frame(json.dumps({"jsonrpc": "2.0", "id": 3, "method": "crashlint/noSuchThing", "params": {}}).encode()))
        assert "error" in _response(server.stdout, 3)
        # a code action on a document the server never saw, an unknown rule to explain
        send(_frame(json.dumps({"jsonrpc": "2.0", "id": 4, "method": "textDocument/codeAction", "params": {
            "textDocument": {"uri": (project / "nowhere.ts").as_uri()},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": []}}}).encode()))
        assert _response(server.stdout, 4)["result"] == []
        send(_frame(json.dumps({"jsonrpc": "2.0", "id": 5, "method": "workspace/executeCommand",
                                "params": {"command": "crashlint.explain", "arguments": ["CL999"]}}).encode()))
        assert "error" in _response(server.stdout, 5)
        # still serving: shut down cleanly
        send(_frame(json.dumps({"jsonrpc": "2.0", "id": 6, "method": "shutdown"}).encode()))
        assert _response(server.stdout, 6)["result"] is None
        send(_frame(json.dumps({"jsonrpc": "2.0", "method": "exit"}).encode()))
        assert server.wait(timeout=20) == 0
    finally:
        if server.poll() is None:
            server.kill()
        server.wait()


def test_first_diagnostics_come_from_the_scans_cache(project: Path) -> None:
    """After a `crashlint scan` of the folder, the server publishes that scan's cached result at
    once, then loads the facts; an edit is analysed on them as usual."""
    from crashlint.lsp.server import PUBLISHED_CACHED

    scan = subprocess.run([sys.executable, "-m", "crashlint", "scan", str(project), "-q"], capture_output=True)
    assert scan.returncode == 1, scan.stderr

    async def session():
        client = Client(project, cache=True)
        await client.start()
        await client.wait_for(lambda: any(isinstance(p, dict) and p.get("kind") == "end" for p in client.progress))
        messages = [p.get("message") for p in client.progress if isinstance(p, dict)]
        assert PUBLISHED_CACHED in messages and messages.index(PUBLISHED_CACHED) < len(messages) - 1
        assert "CL008" in client.codes("src/api.ts")
        uri = client.open("src/api.ts", API)
        client.replace("src/api.ts", API.replace("`);", "`, { signal: AbortSignal.timeout(5000) });"), 2)
        await client.wait_for(lambda: client.versions.get(uri) == 2)
        assert client.codes("src/api.ts") == []
        await client.stop()

    run(session())


def test_a_file_opened_without_a_workspace_folder_brings_its_project(project: Path) -> None:
    """An editor that names no folder (a bare `nvim file.ts`): the file's project is the folder
    above it with a manifest or .git, analysed as a whole (the listener in another file counts)."""
    (project / "package.json").write_text('{"name": "svc", "dependencies": {"ioredis": "^5", "express": "^4"}}\n')

    async def session():
        client = Client(project, folders=False)
        await client.start()
        client.open("src/api.ts")
        await client.wait_for(lambda: "CL008" in client.codes("src/api.ts"))
        redis = client.uri("src/lib/redis.ts")
        assert client.codes("src/lib/redis.ts") == [] and redis not in client.diagnostics
        await client.stop()

    run(session())


def test_the_process_shutdown_quick_fix_edits_every_file_it_needs(tmp_path: Path) -> None:
    """CL002 on the worker module and CL012 on the entry file share one fix: one shutdown for the
    process, edits in both files; applied through the editor's buffers, both findings go."""
    root = tmp_path / "seed"
    shutil.copytree(Path(__file__).parents[1] / "examples" / "seed-service", root)

    async def session():
        client = Client(root)
        await client.start()
        await client.wait_for(lambda: "CL002" in client.codes("src/utils/bullmqJobs.ts")
                              and "CL012" in client.codes("src/index.ts"))
        uri = client.uri("src/utils/bullmqJobs.ts")
        (diag,) = [d for d in client.diagnostics[uri] if d.code == "CL002"]
        actions = await client.client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag])))
        (shutdown,) = [a for a in actions if isinstance(a, types.CodeAction) and a.edit and "shutdown" in a.title]
        assert "unsafe" in shutdown.title and not shutdown.is_preferred
        assert set(shutdown.edit.changes) == {uri, client.uri("src/index.ts")}
        for changed, edits in shutdown.edit.changes.items():
            rel = Path(changed.removeprefix("file://")).relative_to(root.resolve()).as_posix()
            text = (root / rel).read_text()
            client.open(rel, text)
            client.replace(rel, apply_edits(text, list(edits)), 2)
        await client.wait_for(lambda: "CL002" not in client.codes("src/utils/bullmqJobs.ts")
                              and "CL012" not in client.codes("src/index.ts"))
        await client.stop()

    run(session())
