"""CL003's text under a process-level listener that logs and goes on (issue 14, reviewer 6 item 2):
the findings that stay (Express handlers, chains that call back) say the process goes on and what
is left waiting, and name the listener; elsewhere the text still says Node.js exits."""

from __future__ import annotations

from pathlib import Path

from crashlint.scan import scan
from helpers import write_project

PACKAGE = '{"name": "api", "scripts": {"start": "node dist/main.js"}, "dependencies": {"express": "^4.19.0"}}'
HANDLER = """
import express from "express";

async function users(): Promise<string[]> {
  const response = await fetch("https://example.com/users", { signal: AbortSignal.timeout(5_000) });
  return response.json();
}

const app = express();
app.get("/users", async (_req, res) => {
  res.json(await users());
});
app.listen(3000);
"""


def _problems(root: Path) -> list[str]:
    return [p for f in scan([str(root)]).findings if f.rule_id == "CL003" for p in f.problems]


def test_express_handler_in_a_process_that_logs_rejections(tmp_path: Path) -> None:
    listener = 'process.on("uncaughtException", (error) => console.error("uncaught", error));\n'
    write_project(tmp_path, {"package.json": PACKAGE, "src/main.ts": listener + HANDLER})
    [problem] = _problems(tmp_path)
    assert "the process's `uncaughtException` listener (src/main.ts:1) logs it and the process goes on" in problem
    assert "left waiting" in problem and "Node.js exits" not in problem


def test_express_handler_in_a_process_that_exits(tmp_path: Path) -> None:
    write_project(tmp_path, {"package.json": PACKAGE, "src/main.ts": HANDLER})
    [problem] = _problems(tmp_path)
    assert problem.endswith("is an unhandled rejection and Node.js exits")


REDIS_PACKAGE = '{"name": "cache", "scripts": {"start": "node main.js"}, "dependencies": {"redis": "^4.6.0", "winston": "^3.11.0"}}'
REDIS_MAIN = """
const { createClient } = require("redis");
const logger = require("./logger");

const client = createClient({ url: process.env.REDIS_URL });
client.connect();
process.on("SIGTERM", async () => { await client.quit(); process.exit(0); });
module.exports = client;
"""


def _cl001(root: Path) -> list[str]:
    return [p for f in scan([str(root)]).findings if f.rule_id == "CL001" for p in f.problems]


def test_node_redis_without_error_listener_under_winston_that_goes_on(tmp_path: Path) -> None:
    """winston's `handleExceptions` listener with `exitOnError: false` logs the throw of an unheard
    'error' and the process goes on: the node-redis client stops reconnecting, it does not exit."""
    logger = ('const winston = require("winston");\n'
              'module.exports = winston.createLogger({ exitOnError: false, transports: [new winston.transports.Console({ handleExceptions: true })] });\n')
    write_project(tmp_path, {"package.json": REDIS_PACKAGE, "main.js": REDIS_MAIN, "logger.js": logger})
    [problem] = _cl001(tmp_path)
    assert "the reconnect never runs" in problem and "winston registers (logger.js:2" in problem
    assert "process exits" not in problem


def test_node_redis_without_error_listener_under_winston_that_exits(tmp_path: Path) -> None:
    logger = ('const winston = require("winston");\n'
              'module.exports = winston.createLogger({ transports: [new winston.transports.Console({ handleExceptions: true })] });\n')
    write_project(tmp_path, {"package.json": REDIS_PACKAGE, "main.js": REDIS_MAIN, "logger.js": logger})
    [problem] = _cl001(tmp_path)
    assert problem.endswith("Node.js throws them and the process exits")


def test_listeners_registered_through_a_loop_over_event_names(tmp_path: Path) -> None:
    """jitsu's rotor: `["unhandledRejection", "uncaughtException"].forEach((type) => process.on(type,
    log))` registers both listeners: CL003 names the first, CL005 says nothing is missing."""
    loop = '["unhandledRejection", "uncaughtException"].forEach((type) => {\n  process.on(type, (e) => console.error(type, e));\n});\n'
    routes = 'app.get("/a", (_q, r) => r.end());\napp.get("/b", (_q, r) => r.end());\n'  # CL005 wants 3 routes
    write_project(tmp_path, {"package.json": PACKAGE, "src/main.ts": loop + HANDLER + routes})
    findings = scan([str(tmp_path)]).findings
    [problem] = [p for f in findings if f.rule_id == "CL003" for p in f.problems]
    assert "the process's `unhandledRejection` listener (src/main.ts:2) logs it and the process goes on" in problem
    cl005 = [p for f in findings if f.rule_id == "CL005" for p in f.problems]
    assert cl005 and not any("process.on" in p for p in cl005)


def test_express_handler_in_an_image_started_with_warn_rejections(tmp_path: Path) -> None:
    # gitpod's server image: `ENV NODE_OPTIONS="--unhandled-rejections=warn …"` in the final stage
    dockerfile = "FROM node:22 AS build\nRUN npm ci\n\nFROM node:22\nENV NODE_OPTIONS=\"--unhandled-rejections=warn --max_old_space_size=2048\"\nCMD [\"node\", \"dist/main.js\"]\n"
    write_project(tmp_path, {"package.json": PACKAGE, "Dockerfile": dockerfile, "src/main.ts": HANDLER})
    [problem] = _problems(tmp_path)
    assert "Node.js, started with `--unhandled-rejections=warn` (Dockerfile:5), logs it and the process goes on" in problem
    assert "left waiting" in problem and "Node.js exits" not in problem


def test_express_handler_started_with_none_rejections(tmp_path: Path) -> None:
    package = PACKAGE.replace('"node dist/main.js"', '"node --unhandled-rejections=none dist/main.js"')
    write_project(tmp_path, {"package.json": package, "src/main.ts": HANDLER})
    [problem] = _problems(tmp_path)
    assert "Node.js, started with `--unhandled-rejections=none` (package.json `scripts.start`), silences it and the process goes on" in problem


def test_a_strict_start_script_wins_over_a_warn_procfile(tmp_path: Path) -> None:
    package = PACKAGE.replace('"node dist/main.js"', '"node --unhandled-rejections=strict dist/main.js"')
    write_project(tmp_path, {"package.json": package, "Procfile": "web: node --unhandled-rejections=warn dist/main.js\n", "src/main.ts": HANDLER})
    [problem] = _problems(tmp_path)
    assert "Node.js exits" in problem and "--unhandled-rejections" not in problem
