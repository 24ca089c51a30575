"""redis-py's "never closed" is a bullet of a finding the missing timeouts make, never a finding of
its own (an open pool neither keeps a Python process alive nor blocks its exit). The close flow that
decides the bullet — through a wrapper's close(), a list element, a dict a function returns — is
checked here on the wrapper fixture with its socket_timeout removed, so every client is a finding
and only the bullet differs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers import run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "CL001"


def _never_closed(tmp_path: Path, source: Path) -> set[tuple[str, int]]:
    """The (file, line) of findings with a "never closed" bullet, on a copy of `source` (a file or a
    project folder) whose clients have no socket_timeout (so that every client is a finding)."""
    target = tmp_path / "project"
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        target.mkdir()
        shutil.copy(source, target / source.name)
    for path in target.rglob("*.py"):
        text = path.read_text()
        path.write_text(text.replace("socket_timeout=5, ", ""))
    code, out, err = run_cli("scan", str(target), "--select", "CL001", "--format", "json", "--no-cache")
    assert code == 1, err
    findings = json.loads(out)
    assert findings and all("no socket_timeout" in f["message"] for f in findings)
    return {(Path(f["path"]).name, f["start_line"]) for f in findings if "never closed" in f["message"]}


def test_close_flow_through_wrappers_lists_and_returned_dicts(tmp_path: Path) -> None:
    # Counter(...) never closes its client; the "locks" entry of make_clients() is never closed;
    # Cache.close(), pool[0].close() and clients["sessions"].close() count
    assert _never_closed(tmp_path, FIXTURES / "redis_py_wrappers.py") == {("redis_py_wrappers.py", 33), ("redis_py_wrappers.py", 72)}


def test_close_flow_across_a_package(tmp_path: Path) -> None:
    # app/main.py closes `cache` (imported from app.clients), never `sessions`
    assert _never_closed(tmp_path, FIXTURES / "projects" / "py-package") == {("clients.py", 8)}


def test_the_forever_loops_of_one_process_are_one_finding_with_a_bullet_each(monkeypatch) -> None:
    project = Path(__file__).parent / "fixtures" / "CL012" / "projects" / "python-one-process-many-loops"
    monkeypatch.chdir(project)  # paths under tests/ would be judged test code
    code, out, err = run_cli("scan", ".", "--select", "CL012", "--format", "json", "--no-cache")
    assert code == 1, err
    [finding] = json.loads(out)
    assert Path(finding["path"]).name == "daemon.py" and finding["process"]["name"] == "daemon"
    also = [p for p in finding["problems"] if "also loops forever in this process" in p]
    assert len(also) == 2
    assert any("sync/refresher.py:10" in p for p in also) and any("sync/poller.py:10" in p for p in also)


def test_a_client_a_function_returns_is_kept_by_its_callers(tmp_path: Path) -> None:
    """Archery's `RedisEngine.get_connection()` returns a new client to each caller, none of which
    closes it: the bullet says so, not "kept under no name" (reviewer 8, lesson 9); a client made
    and dropped inside one expression is still kept under no name."""
    (tmp_path / "engine.py").write_text(
        "import redis\n\n\nclass RedisEngine:\n    def get_connection(self):\n"
        "        return redis.Redis(host='h', socket_connect_timeout=5)\n\n    def ping(self):\n"
        "        return self.get_connection().ping()\n\n\ndef keys():\n    return redis.Redis(host='h', socket_connect_timeout=5).keys()\n")
    code, out, err = run_cli("scan", str(tmp_path), "--select", "CL001", "--format", "json", "--no-cache")
    problems = {f["start_line"]: " ".join(f["problems"]) for f in json.loads(out)}
    assert "its function returns it, and no caller that keeps it calls its `close()`" in problems[6]
    assert "kept under no name" not in problems[6]
    assert "kept under no name" in problems[13]


def test_a_close_fetched_by_name_with_getattr_counts(tmp_path: Path) -> None:
    """SurfSense's spawn_paused.py: `close = getattr(client, "aclose", None) or getattr(client,
    "close", None)` then `await close()` in `finally` closes the client (reviewer 9, lesson 7); a
    getattr of another method does not."""
    (tmp_path / "flags.py").write_text(
        "import redis.asyncio as aioredis\n\n\nasync def paused(key):\n"
        "    client = aioredis.from_url('redis://h', socket_connect_timeout=5)\n    try:\n"
        "        return await client.get(key)\n    finally:\n"
        "        close = getattr(client, 'aclose', None) or getattr(client, 'close', None)\n"
        "        if callable(close):\n            await close()\n\n\n"
        "async def other(key):\n    client = aioredis.from_url('redis://h', socket_connect_timeout=5)\n"
        "    get = getattr(client, 'get')\n    return await get(key)\n")
    code, out, err = run_cli("scan", str(tmp_path), "--select", "CL001", "--format", "json", "--no-cache")
    problems = {f["start_line"]: " ".join(f["problems"]) for f in json.loads(out)}
    assert set(problems) == {5, 15}, problems
    assert "never closed" not in problems[5]
    assert "never closed" in problems[15]
