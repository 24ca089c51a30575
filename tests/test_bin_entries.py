"""Servers started through a package's `bin` (issue 14 class 1; reviewer 11's TS lessons 1 and 2):
an image's ENTRYPOINT that runs the bin by its path inside the image or by the command name it
installs is the server; what a plugin loader's sweep and the path fallback make of test-runner
folders, `bin/` folders and type tests."""

from __future__ import annotations

from pathlib import Path

from crashlint.dependencies import _in_workdir, read_folder
from crashlint.scan import process_model, scan
from crashlint.sourcetree import DiskTree
from helpers import write_project as _write


def _model(root: Path):
    _, model, _ = process_model([str(root)])
    return model


def _found(root: Path) -> set[tuple[str, str]]:
    return {(f.rule_id, f.location.path) for f in scan([str(root)]).findings}


# soketi's shape: `bin/server.js` requires the compiled `dist/cli`, whose yargs `start` command
# starts the server; the image runs `node /app/bin/server.js start` from WORKDIR /app
SOKETI = {
    "package.json": '{"name": "relay", "main": "dist/index.js", "bin": {"relay": "bin/server.js"},'
                    ' "scripts": {"build": "tsc"}, "dependencies": {"ioredis": "^5.0.0", "yargs": "^17.0.0"}}',
    "tsconfig.json": '{"compilerOptions": {"outDir": "./dist"}, "include": ["./src/**/*.ts"]}',
    "bin/server.js": "#! /usr/bin/env node\nrequire('./../dist/cli');\nprocess.title = 'relay-server';\n",
    "src/cli/index.ts": "import yargs from 'yargs';\nimport { Cli } from './cli';\n"
                        "yargs.command('start', 'Start the server', (y) => y, (argv) => Cli.start(argv)).argv;\n",
    "src/cli/cli.ts": "import { Server } from '../server';\nexport class Cli {\n"
                      "  static async start(argv: any) { return new Server().start(); }\n}\n",
    "src/server.ts": "import Redis from 'ioredis';\nexport class Server {\n  cache = new Redis();\n"
                     "  async start() { return this.cache.ping(); }\n}\n",
    "Dockerfile": 'FROM node:20 AS build\nWORKDIR /tmp/build\nCOPY . /tmp/build\nRUN npm ci && npm run build\n'
                  'FROM node:20\nCOPY --from=build /tmp/build /app\nWORKDIR /app\nENTRYPOINT ["node", "/app/bin/server.js", "start"]\n',
}


def test_an_image_runs_a_bin_that_requires_compiled_output_by_its_path_in_the_image(tmp_path: Path) -> None:
    """`ENTRYPOINT ["node", "/app/bin/server.js", "start"]` after `WORKDIR /app` runs the project's
    bin/server.js (at 9e9a221 it looked for `server.js` beside the Dockerfile and the bin stayed a
    CLI: no file analysed); its `require('./../dist/cli')` reaches src/cli/index.ts."""
    _write(tmp_path, SOKETI)
    model = _model(tmp_path)
    server = next(p for p in model.processes if p.kind == "server")
    assert server.entries == ["bin/server.js"]
    assert "Dockerfile: ENTRYPOINT: node bin/server.js start" in server.evidence
    assert {"src/cli/index.ts", "src/server.ts"} <= server.files
    assert ("CL001", "src/server.ts") in _found(tmp_path)


def test_a_workdir_makes_the_paths_under_it_relative() -> None:
    assert _in_workdir("node /app/bin/server.js start", "/app") == "node bin/server.js start"
    assert _in_workdir("node /opt/other/x.js", "/app") == "node /opt/other/x.js"  # outside it: as before
    assert _in_workdir("node /app/x.js", "") == "node /app/x.js"


# cross-seed's shape: a workspace package whose bin (a commander program) is linked into the image
CROSS_SEED = {
    "package.json": '{"name": "seed-workspace", "private": true, "workspaces": ["packages/seed"]}',
    "packages/seed/package.json": '{"name": "@acme/seed", "type": "module", "bin": "dist/cmd.js",'
                                  ' "dependencies": {"commander": "^12.0.0", "fastify": "^5.0.0"}}',
    "packages/seed/tsconfig.json": '{"compilerOptions": {"outDir": "./dist", "rootDir": "./src"}, "include": ["./src/**/*"]}',
    "packages/seed/src/cmd.ts": "import { program } from 'commander';\nimport { serve } from './server.js';\n"
                                "import { jobsLoop } from './jobs.js';\n"
                                "program.command('daemon').action(async () => { await Promise.all([serve(), jobsLoop()]); });\n"
                                "program.command('search').action(async () => { await fetch('https://indexer.example/api'); });\n"
                                "program.parse();\n",
    "packages/seed/src/server.ts": "import fastify from 'fastify';\nexport async function serve() {\n  const app = fastify();\n"
                                   "  await app.listen({ port: 2468 });\n}\n",
    "packages/seed/src/jobs.ts": "async function checkJobs() {\n  const r = await fetch('https://tracker.example/announce');\n"
                                 "  return r.ok;\n}\nexport async function jobsLoop() {\n  setInterval(checkJobs, 60000);\n}\n",
}


def test_an_image_entrypoint_names_the_command_a_package_bin_installs(tmp_path: Path) -> None:
    """`ENTRYPOINT ["/usr/bin/catatonit", "--", "/usr/local/bin/seed"]` after `npm link`: the
    command `seed` is @acme/seed's bin (a string `bin` installs under the package's unscoped name),
    so its program is the image's server; with no argument the CMD a user passes picks the command."""
    _write(tmp_path, {**CROSS_SEED,
                      "Dockerfile": 'FROM node:24\nWORKDIR /usr/src/seed\nCOPY . .\nRUN npm link ./packages/seed\n'
                                    'WORKDIR /config\nENTRYPOINT ["/usr/bin/catatonit", "--", "/usr/local/bin/seed"]\n'})
    assert read_folder(DiskTree(str(tmp_path)), "packages/seed").bin_names == (("seed", "packages/seed/dist/cmd.js"),)
    model = _model(tmp_path)
    server = next(p for p in model.processes if p.kind == "server")
    assert server.entries == ["packages/seed/src/cmd.ts"] and server.started
    assert "packages/seed/src/jobs.ts" in server.files
    assert ("CL008", "packages/seed/src/jobs.ts") in _found(tmp_path)


def test_an_image_command_that_runs_a_task_of_a_bin_is_a_command(tmp_path: Path) -> None:
    """`CMD ["seed", "search"]`: a subcommand that is no start word runs once; the bin stays a CLI."""
    _write(tmp_path, {**CROSS_SEED, "Dockerfile": 'FROM node:24\nCMD ["seed", "search"]\n'})
    model = _model(tmp_path)
    assert not [p for p in model.processes if p.long_lived and not p.fallback]
    assert ("CL008", "packages/seed/src/jobs.ts") not in _found(tmp_path)


# kuzzle's shape: a server whose plugin loader imports configured names; cucumber steps, their
# support folder and an upgrade CLI under `bin/.upgrades/` sit in the same package
KUZZLE = {
    "package.json": '{"name": "core", "scripts": {"start": "node index.js",'
                    ' "test:functional": "cucumber-js --config cucumber.config.cjs"},'
                    ' "dependencies": {"express": "^4.0.0"}, "devDependencies": {"@cucumber/cucumber": "^10.0.0"}}',
    "index.js": "const express = require('express');\nconst { loadPlugins } = require('./lib/plugins');\n"
                "const app = express();\nloadPlugins(['kuzzle-plugin-auth']).then(() => app.listen(7512));\n",
    "lib/plugins.js": "async function loadPlugins(names) {\n  for (const plugin of names) {\n"
                      "    const { default: Plugin } = await import(plugin);\n    new Plugin();\n  }\n}\n"
                      "module.exports = { loadPlugins };\n",
    "lib/extra/notify.js": "const axios = require('axios');\nmodule.exports = () => axios.get('https://hooks.example/');\n",
    "cucumber.config.cjs": "module.exports = { default: { require: ['features/**/*.ts'] } };\n",
    "features/step_definitions/documents-steps.ts": "import { When } from '@cucumber/cucumber';\n"
                                                    "When('I fetch', async () => { await fetch('http://localhost:7512/'); });\n",
    "features/support/world.ts": "export async function ping() {\n  return fetch('http://localhost:7512/_healthcheck');\n}\n",
    "bin/.upgrades/connectors/redis.js": "const Redis = require('ioredis');\nmodule.exports = () => new Redis();\n",
}


def test_a_plugin_loader_does_not_sweep_cucumber_folders_or_bin_commands(tmp_path: Path) -> None:
    """The server's `import(plugin)` may load any module of its package nothing else loads
    (lib/extra/notify.js), but not Cucumber's step definitions nor the folder that holds them
    (features/support/), nor the test runner's config, nor a command under `bin/` (9e9a221 swept all
    of them into the server: kuzzle's 7 wrong findings)."""
    _write(tmp_path, KUZZLE)
    model = _model(tmp_path)
    server = next(p for p in model.processes if p.kind == "server")
    assert any("computed paths" in e for e in server.evidence)
    assert "lib/extra/notify.js" in server.files
    assert not {"features/step_definitions/documents-steps.ts", "features/support/world.ts", "cucumber.config.cjs",
                "bin/.upgrades/connectors/redis.js"} & server.files
    paths = {path for _, path in _found(tmp_path)}
    assert "lib/extra/notify.js" in paths
    assert not paths & {"features/step_definitions/documents-steps.ts", "features/support/world.ts", "bin/.upgrades/connectors/redis.js"}


def test_a_module_under_bin_nothing_imports_is_a_command_and_type_tests_are_tests(tmp_path: Path) -> None:
    """nodecg's `workspaces/cli/src/bin/nodecg.ts` (a commander CLI whose package has no `bin` of its
    own; another package's bin imports it by its built name) and `typetest/` (compiled by tsc, never
    run), which 9e9a221 judged servers by their paths; `tsdown.config.ts` is a bundler's config."""
    _write(tmp_path, {
        "package.json": '{"name": "mono", "private": true, "workspaces": ["workspaces/*"]}',
        "workspaces/cli/package.json": '{"name": "@mono/cli", "main": "./dist/nodecg.js", "dependencies": {"commander": "^12.0.0"}}',
        "workspaces/cli/tsdown.config.ts": "export default { entry: 'src/bin/nodecg.ts' };\n",
        "workspaces/cli/src/bin/nodecg.ts": "#!/usr/bin/env node\nimport { setup } from '../commands/setup.js';\nsetup();\n",
        "workspaces/cli/src/commands/setup.ts": "export async function setup() {\n"
                                                "  const r = await fetch('https://registry.npmjs.org/mono');\n  return r.json();\n}\n",
        "workspaces/app/package.json": '{"name": "app", "dependencies": {"express": "^4.0.0"}}',
        "workspaces/app/typetest/bundle/extension.ts": "export async function ext() {\n"
                                                        "  return fetch('https://api.example/');\n}\n",
    })
    model = _model(tmp_path)
    cli = next(p for p in model.processes if "workspaces/cli/src/bin/nodecg.ts" in p.entries)
    assert cli.kind == "cli"
    assert model.roles["workspaces/cli/tsdown.config.ts"] == "tooling"
    assert not model.long_lived("workspaces/app/typetest/bundle/extension.ts")
    assert not _found(tmp_path)


def test_an_import_of_configured_plugin_names_reaches_no_module_of_the_project(tmp_path: Path) -> None:
    """`for (const plugin of this.config.plugins.include) await import(plugin)`: names a deployment
    configures (kuzzle's `plugins.common.include: ["kuzzle-plugin-auth-passport-local"]`), resolved
    in node_modules, so the loader claims no orphan module of its package (ts11a's 4f198f0 did this
    for `require(config.env === "development" ? "redis-mock" : "redis")` only)."""
    _write(tmp_path, {**KUZZLE,
                      "index.js": "const express = require('express');\nconst { Backend } = require('./lib/plugins');\n"
                                  "const app = express();\nnew Backend({ plugins: { include: [] } }).start().then(() => app.listen(7512));\n",
                      "lib/plugins.js": "class Backend {\n  constructor(config) { this.config = config; }\n  async start() {\n"
                                        "    for (const plugin of this.config.plugins.include) {\n"
                                        "      const { default: Plugin } = await import(plugin);\n      new Plugin();\n    }\n  }\n}\n"
                                        "module.exports = { Backend };\n"})
    model = _model(tmp_path)
    server = next(p for p in model.processes if p.kind == "server")
    assert not any("computed paths" in e for e in server.evidence)
    assert "lib/extra/notify.js" not in server.files


# hubot's shape: the package's bin makes the robot and runs it; `run()` sets up Express (imported with
# `import()`) and listens
HUBOT = {
    "package.json": '{"name": "bot", "main": "./index.mjs", "bin": {"bot": "./bin/bot.mjs"}, "dependencies": {"express": "^4.0.0"}}',
    "index.mjs": "import Robot from './src/Robot.mjs'\nconst loadBot = (name) => new Robot(name)\nexport { Robot, loadBot }\n"
                 "export default { Robot, loadBot }\n",
    "src/Robot.mjs": "class Robot {\n  constructor (name) { this.name = name }\n"
                     "  async setupExpress () {\n    const express = (await import('express')).default\n    const app = express()\n"
                     "    return new Promise((resolve) => { this.server = app.listen(8080, () => resolve(this.server)) })\n  }\n"
                     "  async run () {\n    await this.setupExpress()\n  }\n}\nexport default Robot\n",
    "src/adapters/Campfire.mjs": "import https from 'node:https'\nexport function stream () {\n"
                                 "  const req = https.request({ host: 'streaming.example', path: '/live.json' }, (res) => res.resume())\n"
                                 "  req.on('error', () => {})\n  req.end()\n}\n",
    "src/Robot.adapters.mjs": "export async function loadAdapter (name) {\n  return import(`./adapters/${name}.mjs`)\n}\n",
}


def test_a_bin_whose_program_runs_a_server_is_the_server(tmp_path: Path) -> None:
    """`bin/bot.mjs` makes the robot (`Hubot.loadBot(…)`, a `new Robot`) and, in an async IIFE, runs
    `robot.run()`, whose `this.setupExpress()` listens: the bin starts a server (9e9a221 listed it
    as a CLI and judged the adapters by their paths)."""
    _write(tmp_path, {**HUBOT,
                      "bin/bot.mjs": "import Bot from '../index.mjs'\nimport { loadAdapter } from '../src/Robot.adapters.mjs'\n"
                                     "const robot = Bot.loadBot('hubot');\n"
                                     "(async () => {\n  await loadAdapter(process.env.ADAPTER)\n  await robot.run()\n})()\n"})
    model = _model(tmp_path)
    server = next(p for p in model.processes if p.kind == "server" and not p.fallback)
    assert server.entries == ["bin/bot.mjs"]
    assert any("src/Robot.mjs:6" in e and "which its top level reaches" in e for e in server.evidence)
    assert "src/adapters/Campfire.mjs" in server.files  # what its computed import reaches
    assert ("CL008", "src/adapters/Campfire.mjs") in _found(tmp_path)


def test_a_bin_whose_command_callback_serves_stays_a_command(tmp_path: Path) -> None:
    """The same program behind a command's callback (`program.command("dev").action(…)`): the parser
    calls it only for that command, the top level never does; the bin is a CLI."""
    _write(tmp_path, {**HUBOT,
                      "package.json": '{"name": "bot", "main": "./index.mjs", "bin": {"bot": "./bin/bot.mjs"},'
                                      ' "dependencies": {"express": "^4.0.0", "commander": "^12.0.0"}}',
                      "bin/bot.mjs": "import { program } from 'commander'\nimport Bot from '../index.mjs'\n"
                                     "program.command('dev').action(async () => { await Bot.loadBot('dev').run() })\n"
                                     "program.parse()\n"})
    model = _model(tmp_path)
    assert not [p for p in model.processes if p.long_lived and not p.fallback]
    bin_process = next(p for p in model.processes if "bin/bot.mjs" in p.entries)
    assert bin_process.kind == "cli"


def test_a_start_script_through_yarn_node_and_a_program_under_bin_that_an_entrypoint_requires(tmp_path: Path) -> None:
    """standardnotes' packages: `start: yarn node dist/bin/server.js` runs bin/server.ts (Yarn runs
    node with its PnP loader; 9e9a221 found no start command there), and a `bin/worker.ts` that
    runs until SIGTERM, which a Docker entrypoint requires by a computed path, stays a long-lived
    program though it sits under `bin/`; a one-shot `bin/stats.ts` under it is no part of the server."""
    _write(tmp_path, {
        "package.json": '{"name": "svc", "scripts": {"start": "yarn node dist/bin/server.js"},'
                        ' "dependencies": {"express": "^4.0.0", "ioredis": "^5.0.0"}}',
        "tsconfig.json": '{"compilerOptions": {"outDir": "dist"}}',
        "bin/server.ts": "import express from 'express'\nconst app = express()\napp.listen(3000)\n",
        "bin/worker.ts": "import Redis from 'ioredis'\nconst redis = new Redis()\n"
                         "process.on('SIGTERM', () => { redis.quit() })\nsetInterval(() => redis.ping(), 1000)\n",
        "bin/stats.ts": "import Redis from 'ioredis'\nconst redis = new Redis()\nredis.dbsize().then(() => process.exit(0))\n",
        "docker/entrypoint-worker.js": "const path = require('path')\n"
                                       "require(path.normalize(path.resolve(__dirname, '../../..', '.pnp.cjs'))).setup()\n",
    })
    model = _model(tmp_path)
    server = next(p for p in model.processes if p.kind == "server" and "bin/server.ts" in p.entries)
    assert "package.json: scripts.start: yarn node dist/bin/server.js" in server.evidence and server.started
    assert model.long_lived("bin/worker.ts")
    assert not model.long_lived("bin/stats.ts")
