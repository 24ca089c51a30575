"""CL008 and undici dispatchers: a call given a dispatcher with wait limits of its own is not
reported (tests/fixtures/CL008/undici_dispatcher.js); a process-wide one installed with
`setGlobalDispatcher` is named in the finding, which stays (it bounds each wait, not the call)."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run_cli, write_project

PROJECT = {
    "package.json": '{"name": "llm-server", "main": "index.js", "dependencies": {"express": "^4.21.0", "undici": "^6.0.0"}}',
    "boot/timeouts.js": (
        'const { Agent, setGlobalDispatcher } = require("undici");\n'
        "module.exports = function patch() {\n"
        "  setGlobalDispatcher(new Agent({ headersTimeout: 600_000, bodyTimeout: 600_000 }));\n"
        "};\n"
    ),
    "index.js": (
        'require("./boot/timeouts")();\n'
        'const express = require("express");\n'
        'const { models, mail } = require("./models");\n'
        "const app = express();\n"
        'app.get("/models", async (req, res) => res.json(await models()));\n'
        'app.get("/mail", async (req, res) => res.json(await mail()));\n'
        "app.listen(3001);\n"
    ),
    "models.js": (
        "async function models() {\n"
        '  const res = await fetch("https://api.example.com/v1/models");\n'
        "  return res.json();\n"
        "}\n"
        "async function request(url, options) {\n"
        "  return fetch(url, { ...options });\n"
        "}\n"
        'const mail = () => request("https://graph.example.com/me/messages");\n'
        "module.exports = { models, mail };\n"
    ),
    # a tool no server loads: the server's dispatcher is not its own
    "scripts/sync.js": 'fetch("https://api.example.com/v1/sync").then((r) => r.json());\n',
}


def _scan(root: Path) -> list[dict]:
    code, out, err = run_cli("scan", str(root), "--format", "json", "--exit-zero", "--select", "CL008")
    assert code == 0, err
    found = json.loads(out)
    for finding in found:
        finding["path"] = Path(finding["path"]).relative_to(root).as_posix() if Path(finding["path"]).is_absolute() else finding["path"]
    return found


def test_global_dispatcher_is_named_in_the_finding(tmp_path: Path) -> None:
    found = _scan(write_project(tmp_path, PROJECT))
    findings = {(f["path"], f["start_line"]): f for f in found}
    problems = findings["models.js", 2]["problems"]
    assert len(problems) == 2, problems
    assert "global undici dispatcher" in problems[1] and "boot/timeouts.js:3" in problems[1]
    # a caller of a fetch wrapper that hands on its options: the same process, the same bullet
    wrapped = [f for f in found if f["path"] == "models.js" and f["start_line"] == 8]
    assert len(wrapped) == 1 and "global undici dispatcher" in wrapped[0]["problems"][-1], found
    assert all("global undici dispatcher" not in p for p in findings.get(("scripts/sync.js", 1), {}).get("problems", []))


def test_global_dispatcher_that_keeps_the_defaults_is_not_named(tmp_path: Path) -> None:
    files = dict(PROJECT)
    files["boot/timeouts.js"] = files["boot/timeouts.js"].replace("{ headersTimeout: 600_000, bodyTimeout: 600_000 }", "{ connections: 16 }")
    findings = {(f["path"], f["start_line"]): f for f in _scan(write_project(tmp_path, files))}
    assert len(findings["models.js", 2]["problems"]) == 1
