"""The Markdown report's fixes, grouping and diagrams (issue 16, item 4): what an SRE reads and acts on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import EXAMPLE, render

# a handler for the stop signal, in the forms the fixes write (TS/JS and Python)
SIGTERM = re.compile(r"""process\.(?:on|once)\(\s*["']SIGTERM["']|signal\.signal\(\s*signal\.SIGTERM|add_signal_handler\(\s*signal\.SIGTERM""")

# two services of one monorepo, each a server with a Redis client and a BullMQ worker, no shutdown
MONOREPO = {
    "package.json": '{ "name": "acme", "private": true, "workspaces": ["services/*"] }\n',
    "services/api/package.json": '{ "name": "@acme/api", "main": "src/index.ts", "scripts": { "start": "node dist/index.js" },'
                                 ' "dependencies": { "express": "^4.19.0", "bullmq": "^5.12.0", "ioredis": "^5.4.0" } }\n',
    "services/api/src/index.ts": """\
import express from "express";
import IORedis from "ioredis";
import { Worker } from "bullmq";

export const connection = new IORedis(process.env.REDIS_URL ?? "redis://redis:6379", { maxRetriesPerRequest: null });

export const mailWorker = new Worker("mail", async (job) => {
  console.log(job.id);
}, { connection });

const app = express();
app.get("/a", (req, res) => res.send("a"));
app.get("/b", (req, res) => res.send("b"));
app.get("/c", (req, res) => res.send("c"));

app.listen(3000);
""",
    "services/billing/package.json": '{ "name": "@acme/billing", "main": "src/main.ts", "scripts": { "start": "node dist/main.js" },'
                                     ' "dependencies": { "express": "^4.19.0", "bullmq": "^5.12.0", "ioredis": "^5.4.0" } }\n',
    "services/billing/src/main.ts": """\
import express from "express";
import IORedis from "ioredis";
import { Queue, Worker } from "bullmq";

export const redis = new IORedis(process.env.REDIS_URL ?? "redis://redis:6379", { maxRetriesPerRequest: null });

export const invoices = new Queue("invoices", { connection: redis });

export const invoiceWorker = new Worker("invoices", async (job) => {
  console.log(job.id);
}, { connection: redis });

const app = express();
app.get("/x", (req, res) => res.send("x"));
app.get("/y", (req, res) => res.send("y"));
app.get("/z", (req, res) => res.send("z"));

app.listen(3001);
""",
}


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _fixes_part(report: str) -> str:
    return report[report.index("## Recommended Fixes"): report.index("\n## Summary")]


@pytest.mark.parametrize("unsafe", [False, True])
def test_the_example_gets_one_shutdown_handler_in_its_fixes(unsafe: bool) -> None:
    report = render([str(EXAMPLE)], "markdown", fixes=({}, unsafe))
    fixes = _fixes_part(report)
    assert len(SIGTERM.findall(fixes)) == 1, fixes
    # the one shutdown closes, in order: the server, the workers, the queue, Redis, the database
    order = [fixes.index(s) for s in ("server.close(", "workerExtraction.close()", "myQueue.close()",
                                      "connection.quit()", "mongoose.disconnect()")]
    assert order == sorted(order)
    # what used to be separate handlers (CL002's, CL012's, CL005's process.exit) is gone
    assert "gracefulShutdown" not in fixes and "Close the Server on SIGTERM" not in fixes
    # the last-resort handlers go through the same shutdown rather than a bare process.exit
    assert 'void shutdown("uncaughtException", 1)' in fixes and "Add Global Error Handlers" not in fixes
    # the Redis fix no longer says to quit `connection` in a shutdown path of its own
    assert "In the shutdown path" not in fixes
    assert fixes.count("await connection.quit()") == 1


def test_one_shutdown_handler_per_process_in_a_monorepo(tmp_path: Path) -> None:
    _write(tmp_path, MONOREPO)
    report = render([str(tmp_path)], "markdown", fixes=({}, False))
    fixes = _fixes_part(report)
    shutdowns = re.findall(r"^### Fix \d+: (.*)$", fixes, re.M)
    per_process = [t for t in shutdowns if "(process `" in t]
    assert len(per_process) == 2, shutdowns
    assert len(SIGTERM.findall(fixes)) == 2
    blocks = re.split(r"^### Fix \d+: ", fixes, flags=re.M)
    api = next(b for b in blocks if b.startswith(per_process[0]))
    billing = next(b for b in blocks if b.startswith(per_process[1]))
    for block, closes in ((api, ("mailWorker.close()", "connection.quit()")),
                          (billing, ("invoiceWorker.close()", "invoices.close()", "redis.quit()"))):
        assert len(SIGTERM.findall(block)) == 1
        assert all(c in block for c in closes)


def _diagrams(report: str) -> list[str]:
    return re.findall(r"^```mermaid\n(.*?)\n```$", report, re.S | re.M)


# the subset of Mermaid the report writes (crashlint.report.mermaid), checked strictly: quoted labels
# hold only plain characters, entity codes and <br/>; ids are generated; linkStyle numbers real edges
LABEL = r'"(?:[A-Za-z0-9 _.,:/@$\'=+*()-]|#\d+;|<br/>)*"'
NODE = rf"[a-z][a-z0-9]*(?:\[{LABEL}\]|\(\[{LABEL}\]\))?"
LINE = re.compile(
    rf"^  (?:{NODE}|[a-z][a-z0-9]* --> {NODE}|[a-z][a-z0-9]* -->\|{LABEL}\| [a-z][a-z0-9]*"
    r"|linkStyle \d+(?:,\d+)* stroke:#[0-9a-f]{6},stroke-width:2px|classDef bad stroke:#[0-9a-f]{6},stroke-width:2px"
    r"|class r\d+(?:,r\d+)* bad)$"
)


def _check_subset(diagram: str) -> None:
    lines = diagram.split("\n")
    assert lines[0] == "flowchart LR"
    defined: set[str] = set()
    edges = 0
    for line in lines[1:]:
        assert LINE.match(line), line
        ids = re.findall(r"(?:^  |--> |\| )([a-z][a-z0-9]*)(?=[\[(]|$| -->)", line)
        if "-->" in line:
            edges += 1
            source, target = ids[0], ids[-1]
            assert source in defined, line
            defined.add(target)
        elif not line.startswith(("  linkStyle", "  classDef", "  class ")):
            defined.add(ids[0])
    for numbers in re.findall(r"linkStyle ([\d,]+)", diagram):
        assert all(int(n) < edges for n in numbers.split(","))


# names that would end a label or a statement if written as they are
HOSTILE = {
    "package.json": '{ "name": "we\\"ird|svc", "main": "src/a b#[1](x).ts", "dependencies": { "ioredis": "^5.4.0", "bullmq": "^5.12.0" } }\n',
    "src/a b#[1](x).ts": """\
import IORedis from "ioredis";
import { Worker } from "bullmq";

export const rédis$ = new IORedis("redis://r:6379");
export const ünd = new Worker("q", async () => {}, { connection: rédis$ });
""",
}


def test_each_process_has_a_diagram_of_what_it_holds_and_closes() -> None:
    report = render([str(EXAMPLE)], "markdown", fixes=({}, False))
    assert report.index("## What the Service Holds and What It Closes") < report.index("## Critical Issues Found")
    (diagram,) = _diagrams(report)
    _check_subset(diagram)
    fix = re.search(r"^### Fix (\d+): One graceful shutdown", report, re.M).group(1)
    for name in ("connection", "workerExtraction", "worker", "imageWorker", "otherWorker", "myQueue", "app", "mongoose"):
        node = re.search(rf'^  p --> (r\d+)\[".*<br/>{name}<br/>', diagram, re.M)
        assert node, name
        assert f'  {node.group(1)} -->|"not closed: Fix {fix} closes it"| stop' in diagram
    assert '-->|"no \'error\' listener"| errors' in diagram
    # red edges: the 6 missing listeners and the 8 missing closes; green: none on this example
    red = re.search(r"linkStyle ([\d,]+) stroke:#cf222e", diagram).group(1).split(",")
    assert len(red) == 14 and "stroke:#2da44e" not in diagram


def test_a_closed_client_has_a_green_edge(tmp_path: Path) -> None:
    _write(tmp_path, {
        "package.json": '{ "name": "svc", "main": "index.js", "dependencies": { "ioredis": "^5.4.0" } }\n',
        "index.js": 'const IORedis = require("ioredis");\nconst redis = new IORedis();\n'
                    'process.on("SIGTERM", async () => { await redis.quit(); process.exit(0); });\n',
    })
    (diagram,) = _diagrams(render([str(tmp_path)], "markdown"))
    _check_subset(diagram)
    assert '-->|"closed"| stop' in diagram and '-->|"no \'error\' listener"| errors' in diagram
    green = re.search(r"linkStyle ([\d,]+) stroke:#2da44e", diagram).group(1).split(",")
    red = re.search(r"linkStyle ([\d,]+) stroke:#cf222e", diagram).group(1).split(",")
    assert len(green) == 1 and len(red) == 1


def test_diagram_labels_are_escaped(tmp_path: Path) -> None:
    from crashlint.report.mermaid import label

    assert label('a"b]|<x>#;`{}') == "a#34;b#93;#124;#60;x#62;#35;#59;#96;#123;#125;"
    _write(tmp_path, HOSTILE)
    (diagram,) = _diagrams(render([str(tmp_path)], "markdown"))
    _check_subset(diagram)
    assert "r#233;dis$" in diagram and "a b#35;#91;1#93;(x).ts" in diagram


def test_monorepo_sections_are_grouped_by_process(tmp_path: Path) -> None:
    _write(tmp_path, MONOREPO)
    report = render([str(tmp_path)], "markdown", fixes=({}, False))
    parts = re.split(r"^## Critical Issues Found in `(\w+)` \(server process, entry \[[^\n]*\)\n", report, flags=re.M)
    assert [parts[1], parts[3]] == ["billing", "api"]  # worst first, as the table above
    numbers = []
    for name, body in ((parts[1], parts[2]), (parts[3], parts[4])):
        body = body.split("\n## Recommended Fixes")[0]
        locations = re.findall(r"^\*\*Location:\*\* \[`([^`]+)`\]", body, re.M)
        assert locations and all(path.startswith(f"services/{name}/") for path in locations)
        badges = re.findall(r"^### (?:🔴|🟠|🟡) \*\*(CRITICAL|HIGH|MEDIUM) - (\d+):", body, re.M)
        ranks = [("CRITICAL", "HIGH", "MEDIUM").index(b[0]) for b in badges]
        assert ranks == sorted(ranks)  # severity order within a process
        numbers += [int(b[1]) for b in badges]
        (diagram,) = _diagrams(body)  # each process its own picture
        _check_subset(diagram)
        assert f'p["{name}: server process<br/>services/{name}/src/' in diagram
    assert numbers == list(range(1, len(numbers) + 1))
    assert "## What the Service Holds" not in report


@pytest.mark.slow
def test_diagrams_parse_with_mermaid(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Mermaid's own parser (mermaid 11, in jsdom: it needs a DOM) on every diagram of the example,
    the Python example, the monorepo and the hostile names. Needs node, npm and the npm registry."""
    import json
    import shutil
    import subprocess

    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed to run Mermaid's parser (.ci/run installs them)")
    tools = tmp_path_factory.mktemp("mermaid")
    # a package of its own: without one npm installs into the nearest folder above that has a
    # package.json or node_modules (a stray /tmp/package.json took the install there)
    (tools / "package.json").write_text('{"private": true}\n', encoding="utf-8")
    npm = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "mermaid@11", "jsdom@26"],
                         cwd=tools, capture_output=True, text=True, timeout=600)
    if npm.returncode != 0:
        pytest.skip(f"could not install mermaid and jsdom from the npm registry: {npm.stderr.strip()[-300:]}")
    (tools / "parse.mjs").write_text(PARSE_JS, encoding="utf-8")
    monorepo, hostile = tmp_path / "monorepo", tmp_path / "hostile"
    _write(monorepo, MONOREPO)
    _write(hostile, HOSTILE)
    diagrams = [d for p in (EXAMPLE, EXAMPLE.parent / "python-service", monorepo, hostile)
                for d in _diagrams(render([str(p)], "markdown", fixes=({}, True)))]
    assert len(diagrams) == 5
    done = subprocess.run(["node", "parse.mjs"], cwd=tools, input=json.dumps(diagrams), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(done.stdout)
    assert results == [{"ok": True, "type": "flowchart-v2"}] * len(diagrams), results
    # the parser is strict: a label that is not closed fails
    bad = subprocess.run(["node", "parse.mjs"], cwd=tools, input=json.dumps(['flowchart LR\n  a["x] --> b']),
                         capture_output=True, text=True, timeout=120)
    assert json.loads(bad.stdout)[0]["ok"] is False


PARSE_JS = """\
import { JSDOM } from "jsdom";
import { readFileSync } from "node:fs";
const dom = new JSDOM("<!DOCTYPE html><body></body>", { pretendToBeVisual: true });
globalThis.window = dom.window;
globalThis.document = dom.window.document;
for (const k of ["DOMParser", "Element", "HTMLElement", "Node", "SVGElement"]) if (!(k in globalThis)) globalThis[k] = dom.window[k];
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });
const out = [];
for (const d of JSON.parse(readFileSync(0, "utf8"))) {
  try { const r = await mermaid.parse(d); out.push({ ok: true, type: r.diagramType }); }
  catch (e) { out.push({ ok: false, error: String(e.message || e).slice(0, 400) }); }
}
console.log(JSON.stringify(out));
"""


# a worker in a CommonJS module the entry requires, a server started by another: the shutdown fix
# plans nothing here (it edits ES modules only), so the rules' templates write the advice
JOBS_JS = """\
const { Worker } = require("bullmq");
const connection = { host: "redis", port: 6379 };
const mailWorker = new Worker("mail", async (job) => { console.log(job.id); }, { connection });
mailWorker.on("error", (err) => console.error(err));
mailWorker.on("failed", (job, err) => console.error(err));
module.exports = { mailWorker };
"""
ROUTES = '\napp.get("/a", (req, res) => res.send("a"));\napp.get("/b", (req, res) => res.send("b"));\napp.get("/c", (req, res) => res.send("c"));\n'


@pytest.mark.parametrize("planned", [False, True])
def test_templates_join_the_process_handler_instead_of_adding_one(tmp_path: Path, planned: bool) -> None:
    files = {"package.json": '{ "name": "svc", "main": "index.js", "dependencies": { "express": "^4.19.0", "bullmq": "^5.12.0" } }\n',
             "jobs.js": JOBS_JS}
    if planned:  # the entry starts the server: its shutdown is planned, the worker is not in it
        files["index.js"] = 'const express = require("express");\nrequire("./jobs");\nconst app = express();' + ROUTES + "app.listen(3000);\n"
    else:  # the server is started in another module: nothing is planned
        files["server.js"] = ('const express = require("express");\nconst app = express();\n'
                              'app.use((err, req, res, next) => res.status(500).end());\napp.get("/health", (req, res) => res.send("ok"));'
                              + ROUTES + "app.listen(3000);\n")
        files["index.js"] = 'require("./jobs");\nrequire("./server");\nprocess.on("unhandledRejection", (r) => console.error(r));\n' \
                            'process.on("uncaughtException", (e) => console.error(e));\n'
    _write(tmp_path, files)
    fixes = _fixes_part(render([str(tmp_path)], "markdown", fixes=({}, False)))
    assert len(SIGTERM.findall(fixes)) == 1, fixes
    if planned:
        shutdown = re.search(r"^### Fix (\d+): One graceful shutdown", fixes, re.M).group(1)
        assert f"// jobs.js:3: close these in the shutdown handler of Fix {shutdown}, before it exits\nawait mailWorker.close();" in fixes
    else:
        assert "await mailWorker.close();" in fixes  # in CL002's handler
        handler = re.search(r"^### Fix (\d+): Graceful Shutdown Handler", fixes, re.M).group(1)
        assert re.search(rf"^// server\.js:\d+: stop accepting first, in the shutdown handler of Fix {handler}\n"
                         r"await new Promise\(\(resolve\) => server\.close\(resolve\)\);$", fixes, re.M)


def test_a_quoted_call_holding_backticks_stays_one_code_span(tmp_path: Path) -> None:
    """A subject quoted from the code (a template literal, cut at 72 characters) is fenced by more
    backticks than it holds: one backtick each side would end the span at the literal's first one."""
    from crashlint.report.markdown import code_span

    assert code_span("a`b") == "``a`b``" and code_span("``x") == "``` ``x ```" and code_span("x") == "`x`"
    _write(tmp_path, {
        "package.json": '{ "name": "x", "scripts": { "start": "node index.js" }, "dependencies": { "express": "^4.19.0" } }\n',
        "index.js": 'const app = require("express")();\n'
                    'app.get("/", async (req, res) => {\n'
                    '  try { res.json(await (await fetch(`https://api.example.com/v1/a/very/long/path/${req.query.id}/details?include=all`)).json()); }\n'
                    '  catch (e) { res.sendStatus(500); }\n'
                    '});\napp.listen(3000);\n',
    })
    report = render([str(tmp_path)], "markdown")
    (line,) = [line for line in report.splitlines() if line.startswith("- ") and "passes no `signal`" in line]
    assert line.startswith("- ``fetch(`https://api.example.com/") and "…`` passes no" in line, line
