"""Failure isolation (issue 7): a bug on one file is a note naming the file and the rule, the other
findings are still reported, and the exit code is 2 so a CI gate does not pass silently."""

from __future__ import annotations

from pathlib import Path

import crashlint.engine.resource as resource
import crashlint.parse as parse
from crashlint.scan import scan
from helpers import run_cli

REDIS = "import Redis from 'ioredis';\nexport const cache = new Redis();\n"


def _project(tmp_path: Path) -> Path:
    (tmp_path / "good.ts").write_text(REDIS)
    (tmp_path / "bad.ts").write_text(REDIS.replace("cache", "broken"))
    (tmp_path / "calls.ts").write_text("export const f = () => fetch('https://example.com');\n")
    return tmp_path


def test_rule_error_on_one_file_keeps_the_rest(tmp_path, monkeypatch) -> None:
    real = resource._check_construction

    def flaky(rule, ctx, facts, index, entry, *rest):  # rest: what keeps the process alive (ts9a)
        if facts.path == "bad.ts":
            raise ValueError("boom")
        return real(rule, ctx, facts, index, entry, *rest)

    monkeypatch.setattr(resource, "_check_construction", flaky)
    result = scan([str(_project(tmp_path))])
    assert [(f.rule_id, f.location.path) for f in result.findings] == [("CL001", "good.ts"), ("CL008", "calls.ts")]
    [note] = [n for n in result.notes if "internal error" in n.message]
    assert note.path == "bad.ts" and "CL001" in note.message and "ValueError: boom" in note.message
    assert len(result.tracebacks) == 1 and "Traceback" in result.tracebacks[0]

    code, out, err = run_cli("scan", str(tmp_path))
    assert code == 2 and "good.ts" in out and "1 internal error" in err and "Traceback" not in err
    code, _, err = run_cli("scan", str(tmp_path), "--verbose")
    assert code == 2 and "Traceback" in err and "ValueError: boom" in err


def test_extractor_error_on_one_file_keeps_the_rest(tmp_path, monkeypatch) -> None:
    real = parse.EXTRACTORS["typescript"]

    def flaky(root, facts, grammar):
        if facts.path == "bad.ts":
            raise KeyError("kind")
        return real(root, facts, grammar)

    monkeypatch.setitem(parse.EXTRACTORS, "typescript", flaky)
    result = scan([str(_project(tmp_path))])
    assert {f.location.path for f in result.findings} == {"good.ts", "calls.ts"}
    assert any(n.path == "bad.ts" and "internal error" in n.message for n in result.notes)
    assert run_cli("scan", str(tmp_path), "--exit-zero")[0] == 2  # --exit-zero never masks exit 2
