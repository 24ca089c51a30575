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


# emailengine's shape (lib/tools.js): one shared object of dispatchers in a module, its members
# replaced when the proxy setting changes (a ProxyAgent over merged options, a factory given the
# options as a parameter) and read by importers at call time; a RetryAgent over the plain one
SHARED = {
    "package.json": '{"name": "mailer", "main": "server.js", "dependencies": {"undici": "^7.0.0", "express": "^4.21.0"}}',
    "server.js": (
        "const express = require('express');\n"
        "const { checkLicense } = require('./lib/tools');\n"
        "const oauth = require('./lib/oauth');\n"
        "const app = express();\n"
        "app.get('/license', (req, res, next) => checkLicense(req.query.url).then((r) => res.json(r), next));\n"
        "app.get('/token', (req, res, next) => Promise.all(Object.values(oauth).map((f) => f(req.query.url))).then((r) => res.json(r), next));\n"
        "app.listen(3000);\n"
    ),
    "lib/tools.js": (
        "const { fetch: fetchCmd, Agent, RetryAgent, ProxyAgent } = require('undici');\n"
        "const FETCH_TIMEOUT = 90 * 1000;\n"
        "const AGENT_OPTS = { connectTimeout: 30000, headersTimeout: FETCH_TIMEOUT, bodyTimeout: FETCH_TIMEOUT };\n"
        "const RETRY_OPTS = { maxRetries: 3, statusCodes: [429] };\n"
        "function createSocksAgent(proxyUrl, agentOpts) {\n"
        "    return new Agent(Object.assign({}, agentOpts, { connect: (opts, cb) => socks(proxyUrl, opts, cb) }));\n"
        "}\n"
        "const httpAgent = { fetch: new Agent(AGENT_OPTS), retry: null };\n"
        "httpAgent.retry = new RetryAgent(httpAgent.fetch, RETRY_OPTS);\n"
        "function reloadProxy(proxyUrl, socks) {\n"
        "    if (socks) {\n"
        "        httpAgent.fetch = createSocksAgent(proxyUrl, AGENT_OPTS);\n"
        "    } else {\n"
        "        httpAgent.fetch = proxyUrl ? new ProxyAgent(Object.assign({}, AGENT_OPTS, { uri: proxyUrl })) : new Agent(AGENT_OPTS);\n"
        "    }\n"
        "    httpAgent.retry = new RetryAgent(httpAgent.fetch, RETRY_OPTS);\n"
        "}\n"
        "async function checkLicense(url) {\n"
        "    const res = await fetchCmd(url, { method: 'GET', dispatcher: httpAgent.retry });\n"
        "    return res.json();\n"
        "}\n"
        "module.exports = { httpAgent, reloadProxy, checkLicense };\n"
    ),
    "lib/oauth.js": (
        "const { fetch: fetchCmd, Agent } = require('undici');\n"
        "const { httpAgent } = require('./tools');\n"
        "async function token(url) {\n"
        "    return fetchCmd(url, { method: 'post', dispatcher: httpAgent.retry });\n"
        "}\n"
        "async function request(url, payload) {\n"
        "    const reqData = { method: 'post', headers: {}, dispatcher: httpAgent.retry };\n"
        "    if (payload) {\n"
        "        reqData.body = payload;\n"
        "        reqData.dispatcher = httpAgent.fetch;\n"
        "    }\n"
        "    return fetchCmd(url, reqData);\n"
        "}\n"
        "const base = { headers: { accept: 'application/json' }, dispatcher: httpAgent.retry };\n"
        "async function spread(url) {\n"
        "    return fetchCmd(url, { ...base, method: 'GET' });\n"
        "}\n"
        "const pooled = new Agent({ connections: 4 });\n"
        "async function slowly(url) {\n"
        "    return fetchCmd(url, { dispatcher: pooled });\n"
        "}\n"
        "module.exports = { token, request, spread, slowly };\n"
    ),
}


def test_a_shared_dispatcher_object_is_followed_to_its_constructions(tmp_path: Path) -> None:
    found = {(f["path"], f["start_line"]) for f in _scan(write_project(tmp_path, SHARED))}
    # every value `httpAgent.retry` / `.fetch` may hold sets headersTimeout: none reported; the
    # Agent that keeps undici's defaults still is
    assert found == {("lib/oauth.js", 20)}, found


def test_a_shared_dispatcher_with_one_unbounded_value_is_reported(tmp_path: Path) -> None:
    files = dict(SHARED)
    # the socks factory's only caller now passes options with no wait limit: `httpAgent.fetch` may
    # be that Agent, so every call through it (the RetryAgent's too) has undici's defaults
    files["lib/tools.js"] = files["lib/tools.js"].replace(
        "createSocksAgent(proxyUrl, AGENT_OPTS)", "createSocksAgent(proxyUrl, { connectTimeout: 30000 })")
    found = {(f["path"], f["start_line"]) for f in _scan(write_project(tmp_path, files))}
    assert found == {("lib/tools.js", 19), ("lib/oauth.js", 4), ("lib/oauth.js", 12), ("lib/oauth.js", 16), ("lib/oauth.js", 20)}, found
