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
