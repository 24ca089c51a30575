"""Code a framework loads by convention, not by imports (issue 14, class 1; ts13a's "what is left"):
Sapphire's stores (skyra, dragonite: `client.login()` loads the pieces of `commands/`, `listeners/`, …
under the folder of the package's main), Sails's moduleloader (konga, planka: `sails.lift()` loads
`config/` and `api/controllers`, `api/services`, `api/hooks`, …), and Node's package.json `imports`
(`#lib/*`), through which such bots reach their libraries. A file loaded this way belongs to the
process that starts the framework, and `crashlint processes` says so."""

from __future__ import annotations

from pathlib import Path

from crashlint.scan import process_model
from helpers import write_project as _write


def _model(root: Path):
    _, model, _ = process_model([str(root)])
    return model


def _server(model):
    servers = [p for p in model.processes if p.long_lived]
    assert len(servers) == 1, [(p.name, p.entries) for p in servers]
    return servers[0]


BOT = {
    "package.json": '{"name": "bot", "type": "module", "main": "dist/main.js", "scripts": {"start": "node dist/main.js"},'
                    ' "imports": {"#lib/*": "./dist/lib/*.js", "#lib/db": "./dist/lib/database/index.js", "#root/*": "./dist/*.js"},'
                    ' "dependencies": {"@sapphire/framework": "^5.0.0"}}',
    "src/main.ts": "import '#lib/setup';\nimport { BotClient } from '#lib/BotClient';\nconst client = new BotClient();\nawait client.login();\n",
    "src/lib/setup.ts": "import { db } from '#lib/db';\nexport const ok = Boolean(db);\n",
    "src/lib/database/index.ts": "export const db = {};\n",
    "src/lib/db.ts": "export const db = 'the pattern #lib/* would name me; the exact key #lib/db wins';\n",
    "src/lib/BotClient.ts": "import { SapphireClient, container } from '@sapphire/framework';\nimport { TaskStore } from '#lib/TaskStore';\n"
                            "export class BotClient extends SapphireClient {\n  constructor() {\n    super({});\n"
                            "    container.stores.register(new TaskStore());\n  }\n}\n",
    "src/lib/TaskStore.ts": "import { Store } from '@sapphire/framework';\nimport { Task } from '#lib/Task';\n"
                            "export class TaskStore extends Store<Task, 'tasks'> {\n  constructor() {\n    super(Task, { name: 'tasks' });\n  }\n}\n",
    "src/lib/Task.ts": "import { Piece } from '@sapphire/framework';\nexport class Task extends Piece {}\n",
    "src/commands/ping.ts": "import { Command } from '@sapphire/framework';\nexport class Ping extends Command {}\n",
    "src/listeners/ready.ts": "import { Listener } from '@sapphire/framework';\nexport class Ready extends Listener {}\n",
    "src/tasks/poststats.ts": "import { Task } from '#lib/Task';\nexport class PostStats extends Task {}\n",
    "src/scripts/migrate.ts": "console.log('a script beside the stores, no store of its name');\n",
}


def test_sapphire_stores_are_loaded_by_the_bot_that_logs_in(tmp_path: Path) -> None:
    """The bot's `client.login()` (on a subclass of SapphireClient) loads the framework's stores
    (`commands/`, `listeners/`) and the project's own (`TaskStore`, `super(Task, { name: 'tasks' })`)
    under src/, the folder of the main's source; `scripts/` is no store."""
    _write(tmp_path, BOT)
    model = _model(tmp_path)
    server = _server(model)
    assert {"src/commands/ping.ts", "src/listeners/ready.ts", "src/tasks/poststats.ts"} <= server.files
    assert "src/scripts/migrate.ts" not in server.files
    assert any("`client.login()` loads the Sapphire stores' pieces by their folders under src/ (commands, listeners, tasks): 3 module(s)" in e
               for e in server.evidence), server.evidence
    assert model.reasons["src/commands/ping.ts"] == "loaded by `bot` (by its folder: src/main.ts's `client.login()`)"


def test_subpath_imports_exact_key_first_then_the_longest_pattern(tmp_path: Path) -> None:
    """Node's subpath imports: `#lib/db` is the exact key's target (src/lib/database/index.ts), not the
    `#lib/*` pattern's src/lib/db.ts; `#lib/setup` is the pattern's, mapped from dist/ to src/."""
    _write(tmp_path, BOT)
    model = _model(tmp_path)
    server = _server(model)
    assert {"src/lib/setup.ts", "src/lib/database/index.ts", "src/lib/BotClient.ts"} <= server.files
    assert "src/lib/db.ts" not in server.files


def test_no_login_no_stores(tmp_path: Path) -> None:
    """A module that imports @sapphire/framework but never logs a client in (a library of pieces)
    loads no store folder."""
    project = dict(BOT)
    project["src/main.ts"] = "import '#lib/setup';\nimport { BotClient } from '#lib/BotClient';\nexport const make = () => new BotClient();\n" \
                             "import { createServer } from 'node:http';\ncreateServer(() => {}).listen(8080);\n"
    _write(tmp_path, project)
    server = _server(_model(tmp_path))
    assert "src/commands/ping.ts" not in server.files


SAILS = {
    "package.json": '{"name": "admin", "main": "app.js", "scripts": {"start": "node app.js"}, "dependencies": {"sails": "^1.5.0"}}',
    "app.js": "process.chdir(__dirname);\nvar sails = require('sails');\nsails.lift(require('sails/accessible/rc')('sails'));\n",
    "api/controllers/UserController.js": "module.exports = { find: function (req, res) { return res.ok(); } };\n",
    "api/controllers/admin/NodeController.js": "module.exports = { list: function (req, res) { return res.ok(); } };\n",
    "api/hooks/watcher/index.js": "module.exports = function (sails) { return { initialize: function (done) { done(); } }; };\n",
    "api/services/Kong.js": "module.exports = { get: function () {} };\n",
    "config/routes.js": "module.exports.routes = { 'GET /users': 'UserController.find' };\n",
    "config/env/production.js": "module.exports = { port: 80 };\n",
    "api/events/health.js": "module.exports = {};\n",
    "scripts/seed.js": "console.log('seed');\n",
}


def test_sails_lift_loads_config_and_api_folders(tmp_path: Path) -> None:
    """`sails.lift()` loads config/ (env files too) and api/controllers, api/hooks, api/services …
    recursively; api/events (no folder of Sails's moduleloader) and scripts/ are not loaded by it."""
    _write(tmp_path, SAILS)
    model = _model(tmp_path)
    server = _server(model)
    assert {"api/controllers/UserController.js", "api/controllers/admin/NodeController.js", "api/hooks/watcher/index.js",
            "api/services/Kong.js", "config/routes.js", "config/env/production.js"} <= server.files
    assert "api/events/health.js" not in server.files and "scripts/seed.js" not in server.files
    assert any(e.startswith("app.js:3: `sails.lift(") and "(Sails's moduleloader hook): 6 module(s)" in e for e in server.evidence), server.evidence


# ---- programs a bundler builds, and a package's `main` run by folder (brief items 1 and 2) ----------

VITE_API = {
    # unraid/api's shape: `start: node dist/main.js`, where vite's SSR build writes `[name].js` for
    # `rollupOptions.input.main`; the image's CMD only builds
    "api/package.json": '{"name": "api", "scripts": {"start": "node dist/main.js", "build": "vite build",'
                        ' "build:release": "tsx ./scripts/build.ts"}, "dependencies": {"fastify": "^4.0.0"}}',
    "api/vite.config.ts": "import { defineConfig } from 'vite';\nexport default defineConfig({\n  test: { include: ['src/**/*.test.ts'] },\n"
                          "  build: {\n    ssr: true,\n    outDir: 'dist',\n    rollupOptions: {\n"
                          "      input: { main: 'src/index.ts', cli: 'src/cli.ts' },\n      output: { entryFileNames: '[name].js' },\n"
                          "    },\n  },\n});\n",
    "api/src/index.ts": "import Fastify from 'fastify';\nimport { routes } from './routes';\nconst app = Fastify();\napp.register(routes);\napp.listen({ port: 3001 });\n",
    "api/src/routes.ts": "export async function routes() {}\n",
    "api/src/cli.ts": "console.log(process.argv);\n",
    "api/scripts/build.ts": "import { execSync } from 'node:child_process';\nexecSync('vite build');\n",
    "api/Dockerfile": "FROM node:22 AS builder\nWORKDIR /app\nCOPY . .\nCMD [\"pnpm\", \"run\", \"build:release\"]\n",
}


def test_a_vite_ssr_build_names_the_program_a_start_command_runs(tmp_path: Path) -> None:
    """`node dist/main.js` is src/index.ts (vite.config.ts `input.main`, `[name].js`), and the process
    says so; the Dockerfile's `pnpm run build:release` builds and ends: its script is a tool."""
    _write(tmp_path, VITE_API)
    model = _model(tmp_path)
    server = _server(model)
    assert server.entries == ["api/src/index.ts"] and "api/src/routes.ts" in server.files
    assert "api/package.json: scripts.start: node dist/main.js (its build output: api/vite.config.ts names api/src/index.ts as an entry)" in server.evidence
    build = next(p for p in model.processes if p.entries == ["api/scripts/build.ts"])
    assert build.kind == "cli"


PM2_WEBPACK = {
    # parabol's shape: pm2-runtime starts the apps of pm2.config.js; webpack (target node) builds
    # dist/web.js and dist/embedder.js from entry arrays of path.join(…) constants
    "package.json": '{"name": "retro", "private": true, "scripts": {"start": "pm2-runtime start pm2.config.js",'
                    ' "build": "node scripts/prod.js"}}',
    "pm2.config.js": "module.exports = {\n  apps: [\n    { name: 'Web Server', script: 'dist/web.js', instances: 2 },\n"
                     "    { name: 'Embedder', script: 'dist/embedder.js' }\n  ]\n}\n",
    "scripts/prod.js": "const webpack = require('webpack')\nwebpack(require('./webpack/prod.servers.config')({}))\n",
    "scripts/webpack/prod.servers.config.js": "const path = require('path')\nconst getProjectRoot = require('./utils/getProjectRoot')\n"
        "const PROJECT_ROOT = getProjectRoot()\nconst SERVER_ROOT = path.join(PROJECT_ROOT, 'packages', 'server')\n"
        "const EMBEDDER_ROOT = path.join(PROJECT_ROOT, 'packages', 'embedder')\n"
        "const DOTENV = path.join(PROJECT_ROOT, 'scripts/webpack/utils/dotenv.js')\n"
        "module.exports = () => ({\n  target: 'node',\n  entry: {\n    web: [DOTENV, path.join(SERVER_ROOT, 'server.ts')],\n"
        "    embedder: [DOTENV, path.join(EMBEDDER_ROOT, 'embedder.ts')]\n  },\n  output: { filename: '[name].js' }\n})\n",
    "scripts/webpack/utils/getProjectRoot.js": "module.exports = () => require('path').join(__dirname, '../../..')\n",
    "scripts/webpack/utils/dotenv.js": "module.exports = {}\n",
    "packages/server/package.json": '{"name": "retro-server", "private": true}',
    "packages/server/server.ts": "import { createServer } from 'node:http'\ncreateServer(() => {}).listen(3000)\n",
    "packages/embedder/package.json": '{"name": "retro-embedder", "private": true}',
    "packages/embedder/embedder.ts": "import { Worker } from 'bullmq'\nnew Worker('embed', async () => {})\n",
}


def test_pm2_apps_built_by_webpack_are_the_programs(tmp_path: Path) -> None:
    """`pm2-runtime start pm2.config.js` runs the apps' scripts, not the ecosystem file; each
    `dist/NAME.js` is the last module of webpack's `entry.NAME` array, its path spelled with
    `path.join` constants."""
    _write(tmp_path, PM2_WEBPACK)
    model = _model(tmp_path)
    long_lived = {tuple(p.entries) for p in model.processes if p.long_lived and not p.fallback}
    assert long_lived == {("packages/server/server.ts",), ("packages/embedder/embedder.ts",)}
    assert not any("pm2.config.js" in p.entries for p in model.processes)


TILES = {
    # tileserver-gl's shape: the image's entrypoint script runs `node /usr/src/app/`, the package's main
    "package.json": '{"name": "tiles", "main": "src/main.js", "bin": {"tiles": "src/main.js"}, "dependencies": {"express": "^5.0.0"}}',
    "src/main.js": "#!/usr/bin/env node\nimport { serve } from './server.js';\nserve();\n",
    "src/server.js": "import express from 'express';\nexport function serve() {\n  const app = express();\n  app.listen(8080);\n"
                     "  process.on('SIGTERM', () => process.exit());\n}\n",
    "index.js": "console.log('not the main');\n",
    "Dockerfile": "FROM node:22\nWORKDIR /usr/src/app\nCOPY . /usr/src/app\nENTRYPOINT [\"/usr/src/app/docker-entrypoint.sh\"]\n",
    "docker-entrypoint.sh": "#!/bin/sh\nif [ \"$1\" = \"--help\" ]; then\n  exec node /usr/src/app/ --help\nfi\nexec node /usr/src/app/ \"$@\"\n",
}


def test_node_run_on_the_package_folder_runs_its_main(tmp_path: Path) -> None:
    """`exec node /usr/src/app/` (the folder the image copies) runs package.json `main`, src/main.js,
    not index.js: the bin is the image's server."""
    _write(tmp_path, TILES)
    server = _server(_model(tmp_path))
    assert server.entries == ["src/main.js"] and "src/server.js" in server.files
    assert any(e.startswith("docker-entrypoint.sh") and "node /usr/src/app/" in e for e in server.evidence), server.evidence


# ---- a server module nothing starts (brief item 4, leon) ---------------------------------------------

LEFT_BEHIND = {
    "package.json": '{"name": "assistant", "scripts": {"start": "node dist/index.js", "bridge": "node tools/bridge.js"},'
                    ' "dependencies": {"fastify": "^4.0.0"}}',
    "src/index.ts": "import { HttpServer } from './http-server/http-server';\nnew HttpServer().init();\n",
    "src/http-server/http-server.ts": "import Fastify from 'fastify';\nexport class HttpServer {\n  fastify = Fastify();\n"
                                      "  async init() { await this.fastify.listen({ port: 1337 }); }\n}\n",
    # the server of an earlier version, kept in the tree: nothing imports it, nothing runs it
    "src/http-server/old-server.js": "import Fastify from 'fastify';\nconst server = { fastify: Fastify() };\nserver.fastify.listen({ port: 1337 });\n",
    # a second program of its own that stops on SIGTERM: a server, though nothing names it here
    "src/metrics.js": "import { createServer } from 'node:http';\nconst s = createServer(() => {});\ns.listen(9100);\n"
                      "process.on('SIGTERM', () => s.close());\n",
    # a server a script runs
    "tools/bridge.js": "import { createServer } from 'node:http';\ncreateServer(() => {}).listen(7000);\n",
}


def test_a_server_module_nothing_starts_beside_the_started_server_is_dead_code(tmp_path: Path) -> None:
    """leon: `old-server.js` listens but nothing imports or runs it, and the start command names the
    package's server: not a server (a CLI process "not started", its files unanalysed). A lone module
    that stops on SIGTERM is a program of its own and stays a server; one a script runs is that script's."""
    _write(tmp_path, LEFT_BEHIND)
    model = _model(tmp_path)
    servers = {tuple(p.entries) for p in model.processes if p.long_lived}
    assert ("src/index.ts",) in servers and ("src/metrics.js",) in servers
    assert ("src/http-server/old-server.js",) not in servers
    dead = next(p for p in model.processes if p.entries == ["src/http-server/old-server.js"])
    assert dead.kind == "cli" and dead.name.endswith("(not started)")
    assert model.roles["src/http-server/old-server.js"] != "server"
    bridge = next(p for p in model.processes if "tools/bridge.js" in p.entries)
    assert not bridge.name.endswith("(not started)")


def test_a_commit_scan_reads_the_framework_signs_of_the_edited_file_alone(tmp_path: Path, monkeypatch) -> None:
    """What each JS/TS file says of such a framework (a `lift` call of sails, a `login` call, a
    Sapphire store's name) reads that file's facts alone, so the cache keeps it with the file's
    content (`Project.own_pass`, issue 13 item 7): a commit scan reads it of the edited file, not
    every call of the project; a store renamed in the edited file moves the pieces it loads, and
    every warm scan equals a cold one."""
    from test_commit_path import _everything
    from test_kept_passes import _asked

    from crashlint.scan import scan

    project = dict(BOT)
    project["src/tasks/poststats.ts"] = ("import { Task } from '#lib/Task';\nexport class PostStats extends Task {\n"
                                         "  async run() { await fetch('https://stats.example.com/post'); }\n}\n")
    root = _write(tmp_path / "bot", project)
    monkeypatch.chdir(root)
    cache = str(tmp_path / "cache")
    asked = _asked(monkeypatch)
    scan([str(root)], cache_dir=cache)
    assert ("framework-signs", "src/lib/TaskStore.ts") in asked and ("framework-signs", "src/main.ts") in asked
    main, store = root / "src" / "main.ts", root / "src" / "lib" / "TaskStore.ts"
    for edited, old, new in ((main, "await client.login();\n", "console.log('starting');\nawait client.login();\n"),
                             (store, "name: 'tasks'", "name: 'jobs'"), (store, "name: 'jobs'", "name: 'tasks'")):
        edited.write_text(edited.read_text().replace(old, new))
        asked.clear()
        warm = scan(["src/tasks/poststats.ts"], in_project=True, cache_dir=cache)
        assert [path for what, path in asked if what == "framework-signs"] == [edited.relative_to(root).as_posix()]
        assert _everything(warm) == _everything(scan(["src/tasks/poststats.ts"], in_project=True, cache_dir=None))
    server = _server(_model(root))
    assert "src/tasks/poststats.ts" in server.files
