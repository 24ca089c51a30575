"""CL010's fixes parse (issue 14, ts13b): the Markdown report's snippet and the applied `--fix` alike,
for every kind of app (Express, Fastify, Koa, node:http), held in a name or made inline
(`http.createServer(async (req, res) => …)`), in TypeScript and JavaScript. An inline app's source
text is no expression: `http.createServer(async (req, res) => { ….get("/health", …)` was the
snippet once."""

from __future__ import annotations

import re
from contextlib import chdir
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crashlint import __version__
from crashlint.fix import _error_count, attach_fixes, plan_changes
from crashlint.report import FORMATTERS, ReportInput
from crashlint.scan import scan

IMPORTS = {
    "express": 'import express from "express";\n',
    "fastify": 'import Fastify from "fastify";\n',
    "koa": 'import Koa from "koa";\n',
    "node:http": 'import http from "node:http";\n',
}
MAKERS = {"express": "express()", "fastify": "Fastify()", "koa": "new Koa()"}


@st.composite
def server(draw) -> tuple[str, str]:
    """(file name, source) of a service with one app and no health route."""
    library = draw(st.sampled_from(sorted(IMPORTS)))
    ts = draw(st.booleans())
    named = draw(st.booleans())
    asynchronous = draw(st.booleans())
    semi = ";" if draw(st.booleans()) else ""
    name = draw(st.sampled_from(["app", "server", "api"]))
    params = "(req: http.IncomingMessage, res: http.ServerResponse)" if ts else "(req, res)"
    lead = "async " if asynchronous else ""
    body = f'  res.end(JSON.stringify({{ items: [] }})){semi}\n'
    if library == "node:http":
        handler = f"{lead}{params} => {{\n  if (req.url === \"/api/items\") {{\n  {body}    return{semi}\n  }}\n  res.statusCode = 404{semi}\n  res.end(){semi}\n}}"
        made = f"http.createServer({handler})"
    else:
        made = MAKERS[library]
    lines = [IMPORTS[library]]
    if library == "koa":
        lines.append('import Router from "@koa/router";\n')
    # an app from a library with a router registers two routes (CL010 asks it of an app with routes);
    # node:http has none, and is the one made inline
    inline = library == "node:http" and not named
    target = name
    if library == "koa":
        lines.append(f"const router = new Router(){semi}\n")
        target = "router"
    if not inline:
        lines.append(f"const {name} = {made}{semi}\n")
    if library != "node:http":
        for path in ("/api/items", "/api/users"):
            lines.append(f'{target}.get("{path}", {lead}(a, b) => {{ return [] }}){semi}\n')
        if library == "koa":
            lines.append(f"{name}.use(router.routes()){semi}\n")
    lines.append(f"{made if inline else name}.listen(8080){semi}\n")
    lines.append(f'process.on("SIGTERM", () => process.exit(0)){semi}\n')
    return ("server.ts" if ts else "server.js"), "".join(lines)


FENCE = re.compile(r"^### Fix \d+: Add Health Check Endpoint\n\n```(\w+)\n(.*?)^```$", re.M | re.S)


@settings(max_examples=30, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(case=server())
def test_every_health_fix_parses(case: tuple[str, str], tmp_path_factory) -> None:
    name, source = case
    folder = tmp_path_factory.mktemp("svc")
    (folder / "package.json").write_text('{ "name": "svc", "private": true, "scripts": { "start": "node server.js" } }')
    (folder / name).write_text(source)
    with chdir(folder):
        result = scan([name], select=["CL010"])
    assert [f.rule_id for f in result.findings] == ["CL010"], source
    data = ReportInput(result.findings, result.notes, result.rules, result.files_scanned, result.sources, __version__)
    markdown = FORMATTERS["markdown"](data, False)
    snippets = FENCE.findall(markdown)
    assert snippets, markdown
    for _, code in snippets:
        assert _error_count(code.encode(), name) == 0, f"the snippet does not parse:\n{code}\nfor\n{source}"
    attach_fixes(result.findings, result.rules, str(folder), unsafe=True)
    changes, _ = plan_changes(result.findings, str(folder), unsafe=True)
    for change in changes:
        assert _error_count(change.after, name) == 0, change.after.decode()
    finding = result.findings[0]
    if finding.context.get("named") == "yes" and finding.context.get("library") in ("express", "fastify"):
        assert finding.fix is not None and changes, "an app held in a name gets its route added"
