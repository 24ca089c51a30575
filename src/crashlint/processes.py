"""Processes: the programs a project starts, and which of its code each one loads.

Crashes happen in processes: an API server, a queue worker, a scheduler. A `fetch` with no timeout
in a React component, a CLI command or a test helper is not a server hang, so rules report only
code that a long-lived process (a server or a worker) loads.

How a process is recognised, strongest signal first (each process keeps the evidence):
- how it is started: package.json `scripts.start` (and `start:prod`, `serve`, …), a Procfile line, a
  Dockerfile `CMD` / `ENTRYPOINT`, a docker-compose `command:`, a source-to-image build's start scripts
  (`.s2i/environment` `APP_SCRIPT`, `.s2i/run*.sh`), console scripts (pyproject
  `[project.scripts]` and poetry scripts, setup.py / setup.cfg `console_scripts` and `gui_scripts`,
  pbr's `[entry_points]`, whose `wsgi_scripts` are hosted servers),
  each judged by what its function runs (`main_kind`: serves, loops, or runs a command and ends),
  and each subcommand of its click group or typer app by itself (`subcommand_kind`: `marimo edit`
  serves, `marimo convert` runs once), aiorun's `run()` running until SIGTERM;
  a package.json `bin` that starts a server as it runs, or that runs the package's `main` whose top
  level does (Haraka's `bin/haraka` → `haraka.js`: `listen()`, `createServer`, `cluster.fork`), or
  whose top level reaches a `listen()` through the functions and methods it calls (hubot's
  `robot.run()`); an image's `ENTRYPOINT` naming the command a `bin` installs (`/usr/local/bin/cross-seed`)
  or a path inside its `WORKDIR` (`node /app/bin/server.js start`);
- a framework's server under any script name (`console:start: next start`), a Next.js standalone
  build's `node server.js`, a bundled program (`start:app: node dist/server/server.cjs`) through the
  entries its build script or bundler config names (`{ name: "server", entry: "src/server.mts" }`),
  else through its `:dev` twin that runs the source (`start:app:dev: tsx src/server.mts`);
- a Next.js app whose folder has a `vercel.json` and that nothing else starts runs serverless
  functions (`Process.serverless`): rules whose claims are about a process's lifetime skip it;
- AWS Lambda handlers (`lambda_handler`): a JS/TS module nothing imports whose export a Lambda setting
  names (serverless.yml, a SAM/CloudFormation template, Terraform, a Lambda image's command), or that
  exports `handler` in a package that deploys with `aws lambda update-function-code` / `sls deploy` /
  `sam deploy` or runs the runtime interface client, is a Lambda function: run per event and stopped at
  its timeout, judged like the Python side's Lambda handlers (`deployment_code`), no long-lived process;
  a script whose command hands the sources to an archiver, uploader, compiler or bundler (`zip … index.js`,
  `esbuild src/x.ts`) starts none of them (`FILE_TOOLS`); a module nothing imports whose name says it
  migrates or seeds a database (`migrate/index.ts`) is a one-shot task (`migration_script`);
- what its code does: `listen()` on an Express / Fastify / Koa / Nest / node:http server, a BullMQ
  `Worker`, `uvicorn.run`, an ASGI/WSGI app object (FastAPI, Flask, Starlette, …) that gunicorn or
  uvicorn hosts, a Django project, a Celery app and its tasks, a standalone `if __name__ ==
  "__main__":` module that loops (or blocks on redis-py's `pubsub().listen()`), a console script
  whose command runs a project subclass of gunicorn's `Application` (pulpcore-api) or an object's
  loop (`PulpcoreWorker(…).run()`);
- a library's exported start function (`bootstrap(config)` of a published package) whose server
  only scripts of the project call: the program starts in that function, not in those scripts;
- CLIs and tools: package.json `bin` and the other scripts (build, codegen, load tests: what they
  alone run is theirs, not a server's), `__main__` modules that do not loop, or that start `npm run
  dev` and wait (a developer's launcher no start command names), loops that read `input()`,
  click / typer commands, Django management commands, `#!` scripts nothing imports whose top level
  runs and ends (`python profiles/make_test_data.py`), `__main__` prompts that read `input()`;
  tests by their paths (a package's `pytest_plugin.py` too); browser code by JSX,
  `"use client"`, browser globals and private packages that build page assets (sass, bower, …),
  and the entries of the page bundles a package's webpack / Rspack / Vite config names
  (`entry: { app: ["./app/main.js"] }`, `build.rollupOptions.input`, index.html's module scripts):
  what only they load is page code, whatever its folder (`bundle_entries`);
- a module that only a development switch loads (`if (config.env === "development")
  require("./dev")`, `NODE_ENV !== "production" ? require(…)`, webpack-dev-server's
  `devServer: { before: require("./server/bin/dev") }`, `FileFacts.dev_imports`) is development
  code: a `listen()` in it starts a development server, a tool, not the service;
- `[tool.crashlint] processes`, `browser` and `tooling` (crashlint.config) declare or correct them.

Reachability: a process loads its entry files and, transitively, every project file they import
(ES imports, `require`, `import()`, re-exports; Python imports with their packages' `__init__.py`,
and a bot's `load_extension("cogs.admin")` — not SQLite's `conn.load_extension(path)`, which loads a
shared library (`extension_load`); one by a computed name, `for cog in COGS:
bot.load_extension(cog)`, is a computed load like `importlib.import_module(name)`; one of an
f-string loads from the package its literal head names, and one outside any loop imports the one
name it is given and sweeps nothing in), a Django project's settings' dotted strings (its apps, URL
confs and middleware, `settings_named`),
except that a walk from a module without `"use client"` stops at one with it: a `next start` server
loads the App Router's pages, layouts and other special files with no `"use client"` (server
components, `server_components`), the modules they import, and reaches client components only as
references the browser bundle resolves (`client_tree`: browser code).
A file is **long-lived** when a server or worker loads it. In a package where no process is found,
the path heuristics of `roles.file_role` decide, and the model says so (`fallback` packages).
Within a long-lived file, a function whose every caller is code no long-lived process runs (a helper
only a CLI command or the browser calls), or a call under a development switch (`if (devMode)`,
`FileFacts.dev_calls`), is not long-lived either (`function_runs_long`). For Python this is a search
by calls to the roots, however long the chain (`_live`): a method that no call resolves to runs
where its class is constructed, when constructing it is all the project does with it (treeherder's
`Commenter`, built only by a management command); a top-level function of a helper module that no
call, import, value or string names runs nowhere (kpi's `get_enketo_submission_url`). What is
reached in ways no call index sees stays a root: decorated functions, names in strings and values,
classes handed on, subclassed or whose attributes are read (a Django model's `objects`), and what a
library (a package judged by its paths) exports.

A finding names the process that runs its code (`attribution`): one a start command names first,
then the one whose entry imports the file most directly, then one whose entry itself serves.

Costs: the import graph is one resolution per import (memoized by the project model); each
long-lived process is one breadth-first walk over it, O(files it loads); the caller check is one
index of calls by name, then memoized per function; the Python search visits each function's
callers once per scan (a dead answer is kept for every node the search saw), and reads the
project's index of mentions (`Project.mentions`, one pass over the facts); naming a finding's
process is one more breadth-first walk per long-lived process, the first time a finding asks. A `bin` that runs its package's `main` adds one
walk from the bin (stopping at the first file that serves); a console script whose click group or typer app has
subcommands one `main_kind` walk per subcommand (`subcommand_kind`, once per script) and, once per model, one
pass over the Python files' decorators (`command_decorators`); a `bin` whose program reaches a `listen()`
through the functions and methods its top level calls (`program_serves`) one walk of at most 200 functions; a console script one `main_kind` walk
(at most 200 functions; a loop in it is checked for `input()` once, O(the file's calls), and a
`.start()` for a Tornado loop by one receiver lookup); a standalone `__main__` module one pass over its
calls for a development server it starts (`dev_servers_started`); a library's start function one caller lookup, memoized as above. A start
command whose build output has no source by its path reads its package's build scripts and bundler
configs once (`build_entries`, memoized per package); a package's page bundlers' configs are read
once each (`bundle_entries`, memoized per package, one regular-expression pass per config).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import posixpath
import re
import shlex
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from crashlint.dependencies import Manifest, normalize
from crashlint.facts.codec import arg_heads
from crashlint.facts.js_units import member_use
from crashlint.facts.model import MODULE_SCOPE, Export, FileFacts
from crashlint.member_reach import MemberNames
from crashlint.nest_providers import DeadProviders
from crashlint.project import Mentions, Project, Target
from crashlint.roles import FRONTEND_DEPENDENCIES, FULL_STACK, NUXT_APPS, SERVER_FRAMEWORKS, SERVER_MARKERS, TEST_FILE, TOOLING_DIRS, file_role, imports_browser_code, imports_server_code, is_test_dir
from crashlint.sourcetree import DiskTree, SourceTree

LONG_LIVED = frozenset({"server", "worker"})
MAIN_BLOCK = -1  # the node of a module's `if __name__ == "__main__":` block (ProcessModel._live)
KINDS = ("server", "worker", "cli", "test", "browser")
# a loop over a local worklist (`while frontier:`, `while len(queue) > 0:`), not a flag (`while self.running:`)
WORKLIST_LOOP = re.compile(r"\s*while\s+(?:len\()?[a-z_][a-z0-9_]*\)?\s*(?:>\s*0\s*)?:")
KIND_RANK = {"server": 2, "worker": 1, "cli": 0}  # a console script whose subcommands differ is its strongest one

# The libraries whose objects make a process a server or a worker (qualified names as the project
# model resolves them: the module, then the attribute path).
JS_SERVERS = frozenset({
    "express", "fastify", "koa", "http.createServer", "https.createServer", "http.Server", "https.Server", "http2.createServer",
    "http2.createSecureServer", "net.createServer", "tls.createServer", "@nestjs/core.NestFactory.create",
    "@nestjs/core.NestFactory.createMicroservice", "@hapi/hapi.server", "@hapi/hapi.Server", "hapi.server",
    "restify.createServer", "polka", "@hono/node-server.serve", "micro", "ws.WebSocketServer", "ws.Server",
    "socket.io.Server", "socket.io", "@tinyhttp/app.App",
})
# What a program's code calls that starts a server or its worker processes as it loads (a package's
# `bin` that runs its `main`, Haraka's SMTP server: `net.createServer`, `tls.createServer`, `cluster.fork`)
JS_SERVES = frozenset({"cluster.fork", "http.createServer", "https.createServer", "http2.createServer", "http2.createSecureServer",
                       "net.createServer", "tls.createServer"})
JS_WORKERS = frozenset({"bullmq.Worker", "bull", "bee-queue", "agenda", "pg-boss", "kafkajs.Kafka.consumer"})
# Frameworks that load a program's modules by their folders, not by imports (`framework_loads`).
# Sails: `sails.lift()` loads, relative to the app's folder (process.cwd()), every module of these
# folders (balderdashy/sails lib/hooks/moduleloader/index.js, 7b76422, `sails.config.paths`: config,
# api/controllers, api/policies, api/services, api/adapters, api/models, api/hooks, api/blueprints,
# api/responses, api/helpers)
SAILS_FOLDERS = ("config", "api/controllers", "api/policies", "api/services", "api/adapters", "api/models", "api/hooks",
                 "api/blueprints", "api/responses", "api/helpers")
# Sapphire: `client.login()` calls `container.stores.registerPath(baseUserDirectory)`
# (sapphiredev/framework src/lib/SapphireClient.ts, 13d5023), which registers `join(root, store.name)`
# for every store (sapphiredev/pieces src/lib/structures/StoreRegistry.ts `registerPath`, c731d1b);
# the root is the folder of the package.json `main` (or `module`) of the working folder (RootScan.ts
# `getRootData`). The framework's stores (ArgumentStore … ListenerStore: `name: 'arguments'`, …) and
# the official plugins' (plugin-api `routes` and `middlewares`, plugin-scheduled-tasks
# `scheduled-tasks`); a project's own `extends Store` class adds its `super(Piece, { name })`.
SAPPHIRE_STORES = ("arguments", "commands", "listeners", "preconditions", "interaction-handlers", "routes", "middlewares",
                   "scheduled-tasks")
SAPPHIRE_MODULES = ("@sapphire/framework", "@sapphire/pieces")
STORE_NAME = re.compile(r"""\bname\s*:\s*['"]([\w-]+)['"]""")
# gunicorn's application classes, whose subclass's `run()` starts the arbiter that serves
# (docs.gunicorn.org/en/stable/custom.html: "Custom Application": `StandaloneApplication(BaseApplication)`, `.run()`)
PY_SERVER_BASES = frozenset({"gunicorn.app.base.BaseApplication", "gunicorn.app.base.Application", "gunicorn.app.wsgiapp.WSGIApplication"})
PY_SERVER_CALLS = frozenset({
    "uvicorn.run", "uvicorn.Server", "uvicorn.server.Server", "hypercorn.asyncio.serve", "aiohttp.web.run_app", "waitress.serve", "gunicorn.app.base.BaseApplication",
    "werkzeug.serving.run_simple", "socketserver.TCPServer", "http.server.HTTPServer", "http.server.ThreadingHTTPServer",
})
# what makes a Tornado event loop, whose `start()` runs until `stop()` is called
# (tornado.ioloop.IOLoop.start, www.tornadoweb.org/en/stable/ioloop.html) — jupyterhub's launch_instance
TORNADO_LOOPS = frozenset({"tornado.ioloop.IOLoop", "tornado.ioloop.IOLoop.current", "tornado.ioloop.IOLoop.instance"})
# A socketserver-style server made in a function on one of these literal addresses and closed by that
# function is a command's redirect listener (`callback_server`), not a service
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# socketserver.BaseServer's methods that end a server or serve one request
# (docs.python.org/3/library/socketserver.html#server-objects: handle_request, shutdown, server_close)
PY_SERVER_ENDS = frozenset({"server_close", "shutdown", "handle_request"})
# calls that take an ASGI/WSGI app as an import string "module:attribute" (uvicorn.run / Config:
# www.uvicorn.org/settings/ "APP: the ASGI application to run, in the format <module>:<attribute>"; the
# Python API takes the same string: uvicorn/config.py `Config.load` → `import_from_string(self.app)`,
# raw.githubusercontent.com/encode/uvicorn/0.36.0/uvicorn/config.py)
PY_APP_STRING_CALLS = frozenset({"uvicorn.run", "uvicorn.Config", "uvicorn.config.Config", "uvicorn.main.run"})
# the calls whose file's loads read other files (`_kept_loads`): Popen's script, a server's app string
_FOLLOWED_CALLS = frozenset({("Popen",), ("run",), ("Config",)})
PY_APPS = frozenset({
    "fastapi.FastAPI", "flask.Flask", "starlette.applications.Starlette", "quart.Quart", "sanic.Sanic",
    "litestar.Litestar", "aiohttp.web.Application", "falcon.App", "falcon.asgi.App", "django.core.wsgi.get_wsgi_application",
    "django.core.asgi.get_asgi_application", "connexion.App", "connexion.FlaskApp", "connexion.AsyncApp",
    "configurations.wsgi.get_wsgi_application", "configurations.asgi.get_asgi_application",
})
# what a Django project's wsgi.py/asgi.py calls to make the app it serves: Django's own, and
# django-configurations' (its `configurations/wsgi.py` and `asgi.py` run `importer.install()`, which
# loads the settings class `DJANGO_CONFIGURATION` names from `DJANGO_SETTINGS_MODULE`, then Django's
# `get_wsgi_application()`; jazzband/django-configurations, configurations/wsgi.py)
DJANGO_APP_CALLS = frozenset({"django.core.wsgi.get_wsgi_application", "django.core.asgi.get_asgi_application",
                              "configurations.wsgi.get_wsgi_application", "configurations.asgi.get_asgi_application"})
PY_WORKER_APPS = frozenset({"celery.Celery", "rq.Worker", "dramatiq.Worker", "huey.RedisHuey", "huey.Huey"})
PY_TASK_DECORATORS = frozenset({"celery.shared_task", "dramatiq.actor", "huey.task", "huey.periodic_task"})
# What a `__main__` program does that makes it long-running: a queue worker, a SIGTERM handler,
# an event loop run forever.
# What a program's own functions call that serves, though a module that makes it may be imported by
# others too (Twisted's reactor: deluge's RPC server, which its console client imports)
PY_PROGRAM_SERVES = frozenset({"twisted.internet.reactor.listenTCP", "twisted.internet.reactor.listenSSL"})
# (cotyledon's `ServiceManager` and oslo.service's launchers supervise service processes until they
# are stopped: aodh's evaluator, cloudkitty's processor, mistral-server)
PY_SERVICE_SUPERVISORS = frozenset({"cotyledon.ServiceManager", "oslo_service.service.ProcessLauncher",
                                    "oslo_service.service.ServiceLauncher", "oslo_service.service.launch"})
# (`aiorun.run(coro, shutdown_callback=…)` runs the loop with `loop.run_forever()` until SIGTERM or
# SIGINT, whatever its coroutine does: "Start up the event loop, and wait for a signal to shut down",
# "The loop will continue to run after the supplied coroutine finishes" — aiorun/__init__.py `run()`,
# cjrh/aiorun fd17023 — python-matter-server's and hass-emulated-hue's main)
PY_WORKER_SIGNS = frozenset({"twisted.internet.reactor.run", "bullmq.Worker", "signal.signal", "rq.Worker", "celery.Celery", "schedule.run_pending",
                             "apscheduler.schedulers.blocking.BlockingScheduler", "aiorun.run"}) | PY_SERVICE_SUPERVISORS
# (`sync_forever`: matrix-nio's `AsyncClient.sync_forever()` syncs with the homeserver in a loop until
# `stop_sync_forever()`, nio/client/async_client.py — a Matrix bot's main loop)
# (`run_until_disconnected`: Telethon's `TelegramClient.run_until_disconnected()` runs the loop, or returns
# the coroutine to await, until the client is disconnected, telethon/client/updates.py — a Telegram
# forwarder's or bot's main loop)
# A loop that redraws a terminal is a monitor a person runs (`_redraws_terminal`): an ANSI CSI
# sequence that moves the cursor or erases (`\x1b[1A`, `\033[2K`, `\u001b[2J`, `\x1b[H`), written
# raw or escaped in the source, or a live display (rich's `Live`, which redraws its renderable in
# place until it is stopped, rich/live.py; curses' screen)
ANSI_REDRAW = re.compile(r"(?:\\x1b|\\033|\\u001b|\x1b)\[[0-9;]*[ABCDEFGHJK]")
TERMINAL_DISPLAYS = frozenset({"rich.live.Live", "rich.Live", "curses.wrapper", "curses.initscr"})
PY_WORKER_METHODS = frozenset({"add_signal_handler", "run_forever", "serve_forever", "start_consuming", "work", "sync_forever",
                               "run_until_disconnected"})
# What a coroutine awaits that returns only when the program is stopped (`runner_runs_until_stopped`):
# the worker methods above, a bot library's polling loop (aiogram's `Dispatcher.start_polling`,
# python-telegram-bot's `Application.run_polling`, pyTelegramBotAPI's `infinity_polling`), Pyrogram's
# `idle()` (it returns on a signal), an asyncio server's `serve_forever()`
PY_FOREVER_AWAITS = PY_WORKER_METHODS - {"add_signal_handler", "work"} | {"start_polling", "run_polling", "infinity_polling", "idle"}
# what a Python package's manifest calls it when it is a client of a service, not the service
# (`ragflow-sdk: Python client sdk of RAGFlow`, `agenta-client: Fern-generated Python client …`)
PY_CLIENT_LIBRARY = re.compile(r"\b(?:client|sdk)s?\b|[-_](?:client|sdk)\b", re.I)
# web frameworks and servers whose presence makes a Python package a server, not a client library
PY_SERVER_FRAMEWORKS = frozenset({"fastapi", "flask", "django", "starlette", "quart", "sanic", "tornado", "uvicorn", "gunicorn",
                                  "hypercorn", "litestar", "falcon", "bottle", "celery", "twisted", "aiohttp-jinja2", "connexion"})
# calls that start a coroutine as a task of its own: what it runs is in the background of the
# function that starts it (tracecat's shim serves a bridge in a task and ends when its child exits)
PY_TASK_STARTS = frozenset({"create_task", "ensure_future"})
# awaits that wait for the tasks a function started (`await asyncio.gather(*tasks)`)
PY_TASK_JOINS = frozenset({"gather", "wait", "wait_for", "as_completed"})
# what loads a project's setuptools entry points by group: module prefixes (stevedore's managers,
# pkg_resources' `iter_entry_points`) and modules (`importlib.metadata.entry_points(group=…)`)
ENTRY_POINT_LOADERS = (frozenset({"stevedore", "pkg_resources"}), frozenset({"importlib.metadata", "importlib_metadata"}))
# a click group's subcommands registered at its module's top level (`cli.add_command(start)`), and
# the names of those that start the program itself rather than run a task and end
# a string literal that may be a project folder: two or more path segments (`"superagi/tools"`,
# `'./plugins/tools/'`), no spaces, format fields or extension on the last segment
FOLDER_LITERAL = re.compile(r"""['"]((?:\./)?[A-Za-z_][\w-]*(?:/[A-Za-z_][\w-]*)+/?)['"]""")
# how a Python program loads a module by a computed name
PY_COMPUTED_IMPORTS = (("importlib", "import_module"), ("import_module",), ("__import__",),
                       ("importlib", "util", "module_from_spec"), ("module_from_spec",))
# a bot library's extension loader: discord.py's, disnake's, nextcord's and py-cord's `Bot.load_extension(
# "cogs.admin")` imports the dot-qualified module and runs its `setup(bot)` in the bot's process ("Extension
# paths are ultimately similar to the import mechanism", discordpy.readthedocs.io/en/stable/ext/commands/extensions.html);
# `reload_extension` the same, and `load_extensions` (disnake, nextcord, py-cord) several at once
PY_EXTENSION_LOADS = frozenset({"load_extension", "reload_extension", "load_extensions"})
# SQLite's `Connection.load_extension(path)` has the same name and loads a compiled SQLite extension (a
# shared library: "Load an SQLite extension from a shared library", docs.python.org/3/library/sqlite3.html
# #sqlite3.Connection.load_extension; apsw's `Connection.load_extension(filename)` the same), no Python
# module: in a module of a SQLite driver's and no bot library's, it is no loader (beets' `dbcore/db.py`)
PY_SQLITE_DRIVERS = frozenset({"sqlite3", "apsw", "pysqlite2", "pysqlite3", "sqlean", "aiosqlite"})
PY_BOT_LIBRARIES = frozenset({"discord", "disnake", "nextcord", "interactions", "hikari", "lightbulb"})


def extension_load(facts: FileFacts, call) -> bool:
    """Whether `call` is a bot library's extension loader (`bot.load_extension("cogs.admin")`),
    which imports a Python module: a call of that name in a module that imports a SQLite driver and
    no bot library is SQLite's, which loads a shared library. O(the file's imports) per call."""
    if call.method not in PY_EXTENSION_LOADS:
        return False
    heads = {spec.split(".", 1)[0] for spec in facts.imports}
    return not (heads & PY_SQLITE_DRIVERS) or bool(heads & PY_BOT_LIBRARIES)
# the computed imports whose place in a loop the facts record (`FileFacts.looped_imports`)
PY_ONE_NAME_IMPORTS = (("importlib", "import_module"), ("import_module",), ("__import__",))
PY_SUBCOMMAND_METHODS = frozenset({"add_command"})
PY_START_COMMANDS = frozenset({"start", "run", "serve", "server", "daemon", "worker", "bot", "run_bot", "start_bot"})
PY_CLI = frozenset({"click.command", "click.group", "typer.Typer", "argparse.ArgumentParser", "fire.Fire", "docopt.docopt"})
PY_CLI_MODULES = frozenset({"click", "typer", "asyncclick", "cloup", "argparse", "fire", "docopt"})
# click's parameter decorators: a function carrying one is a command's callback even when no
# `@group.command()` is on it (marimo's `@click.argument(…) def convert` registered by `main.command()(convert)`)
PY_CLI_PARAMETERS = frozenset({f"{m}.{d}" for m in ("click", "asyncclick", "cloup") for d in ("option", "argument", "pass_context", "pass_obj")})
# Commands that start a long-lived program, by their first word (after `npx`, `exec`, env settings).
# command-line argument parsers: a bin whose entry uses one is a command (its subcommands run once)
ARGUMENT_PARSERS = frozenset({"commander", "yargs", "cac", "meow", "citty", "@oclif", "clipanion", "sade", "minimist", "arg",
                              "mri", "@commander-js", "cmd-ts"})
# programs that run a JS file as a desktop app's main process (`electron main.js`, `electron .`)
DESKTOP_LAUNCHERS = frozenset({"electron", "electron-forge", "electron.cmd"})
JS_RUNNERS = frozenset({"node", "ts-node", "ts-node-dev", "tsx", "nodemon", "bun", "deno", "pm2", "pm2-runtime", "forever", "babel-node", "esno"})
# node's flags that take the next word as their value (`node -r ts-node/register index.ts`)
NODE_VALUE_FLAGS = frozenset({"-r", "--require", "--import", "--loader", "--experimental-loader", "--env-file", "--watch-path"})
# a program's subcommands that start it rather than run a task and end (`soketi start`, `cross-seed daemon`)
JS_START_COMMANDS = frozenset({"start", "serve", "server", "daemon", "listen", "web", "api"})
START_SCRIPT = re.compile(r"^(start|serve|server|prod|production)([:_-][\w:-]*)?$")
# words that make a start-like script a developer's: `start:dev`, `start-pr-test`, `start-frontend-dev`;
# `start:cli` runs a command-line tool (inbox-zero's set-up CLI: `tsx packages/cli/src/main.ts start`)
# (`db:migrate:prod`, `seed:production`: a one-shot database task run in production, not its program)
NOT_PRODUCTION = re.compile(r"dev|watch|debug|test|local|inspect|\bpr\b|-pr-|demo|frontend|client|storybook|docs|mock|e2e|\bcli\b|migrat|\bseed")
# a package's folder or name that says a developer runs it (`development_package`)
# folders whose packages are a developer's tools (a package under `tools/`, `scripts/`, `examples/`, …
# is one already: `in_tooling_folder`)
DEVELOPER_FOLDERS = frozenset({"utilities"})
# A folder of programs that are not the service: demo apps and samples for trying the product (Metlo's
# `sample-service/`: e-commerce demo servers and a traffic generator, each with its own Dockerfile),
# load and stress scripts (bbb-webrtc-sfu's `stress/`), benchmarks, mock servers for tests
# (sockethub's `integration/mock-oauth/`). A server or worker whose entries all sit in such a folder,
# and that nothing outside the folder starts, is a program a developer runs (`demo_tree`).
DEMO_FOLDER = re.compile(r"^(?:samples?|examples?|demos?|stress|stress[-_]?tests?|load[-_]?tests?|loadtests?|"
                         r"perf[-_]?tests?|benchmarks?|mocks?)(?:$|[-_.])")
DEVELOPMENT_PACKAGE = re.compile(r"(?:^|[-_.])(?:tests?|testing|e2e|examples?|demos?|playground|mocks?|dev-env|devenv)(?:$|[-_.])")
WORKER_WORDS = re.compile(r"worker|queue|consumer|jobs?\b|cron|schedul|beat|processor", re.I)
BUILD_DIRS = ("dist", "build", "lib", "out", ".output")
# programs that take the project's files as data — archive, copy, upload, compile or bundle them — and
# run none of them: in `zip -r dist/function.zip index.js src` (FormSG's payment-reconciliation Lambda,
# `lambda:prep`), `esbuild src/handler.ts --bundle`, `aws lambda update-function-code …` the `.js`/`.ts`
# words are arguments, not a program node starts
FILE_TOOLS = frozenset({
    "zip", "tar", "gzip", "cp", "mv", "rm", "rsync", "scp", "chmod", "mkdir", "ln",
    "aws", "sam", "sls", "serverless", "cdk", "gsutil", "az",
    "tsc", "esbuild", "swc", "babel", "rollup", "webpack", "tsup", "ncc", "terser", "uglifyjs",
})
# what says a package's code is an AWS Lambda function's, not a server's: its deploy commands
# (docs.aws.amazon.com/cli/latest/reference/lambda/update-function-code.html, the Serverless
# Framework's and SAM's deploy) and the Node runtime interface client, which calls an exported handler
# per event (github.com/aws/aws-lambda-nodejs-runtime-interface-client: `aws-lambda-ric index.handler`)
LAMBDA_DEPLOY = re.compile(r"\baws\s+lambda\s+(?:update-function-code|create-function)\b|\b(?:sls|serverless|sam)\s+deploy\b")
LAMBDA_RUNTIME_PACKAGES = frozenset({"aws-lambda-ric"})
# a Lambda function's handler setting, `path/to/module.export` (docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html):
# serverless.yml `handler: src/index.handler`, a SAM/CloudFormation template's `Handler: app.lambdaHandler`,
# Terraform's `handler = "github-actions.handler"`, a Lambda image's `CMD ["index.handler"]`
LAMBDA_HANDLER = re.compile(r"""(?:^|[\s,"'\[])(?:handler|Handler)["']?\s*[:=]\s*["']?((?:[\w@.-]+/)*[\w@-]+)\.([A-Za-z_$][\w$]*)["']?\s*(?:#.*)?$""", re.M)
LAMBDA_IMAGE_COMMAND = re.compile(r"""^\s*(?:CMD|ENTRYPOINT)\b.*?["'\s]((?:[\w@.-]+/)*[\w@-]+)\.([A-Za-z_$][\w$]*)["'\]]*\s*$""", re.M)
# a Dockerfile of a Lambda image: AWS's base image, or the runtime interface client / emulator started by hand
LAMBDA_IMAGE = re.compile(r"public\.ecr\.aws/lambda/|amazon/aws-lambda-|aws-lambda-ric|aws-lambda-rie")
NOT_AN_EXPORT = frozenset({"js", "ts", "mjs", "cjs", "sh", "json", "py", "yml", "yaml", "txt"})
BROWSER_DRIVERS = frozenset({"puppeteer", "puppeteer-core", "playwright", "playwright-core", "@playwright", "jsdom", "happy-dom", "cheerio", "selenium-webdriver"})
# A server in a module or function named like this runs until setup or a migration is done, then
# the service starts (uptime-kuma's setup-database.js, wiki.js's setup.js): not the service.
TEMPORARY_SERVER = re.compile(r"(?i)^(setup|setupdatabase|setup-database|setup_database|installer|install|wizard)\b|migrat")
PY_SERVER_COMMANDS = frozenset({"gunicorn", "uvicorn", "hypercorn", "daphne", "granian", "waitress-serve", "uwsgi"})
# (`fedora-messaging consume --callback pkg.module:Consumer`: the consumer runs the callback on every
# message until it is stopped, fedora-messaging docs "Consumers", `fedora-messaging consume`; its other
# subcommands — publish, record — end: `python_command`)
PY_WORKER_COMMANDS = frozenset({"celery", "rq", "rqworker", "arq", "dramatiq", "huey_consumer", "huey_consumer.py", "faust", "fedora-messaging"})
# the interpreter's options that take the next word as their value (`python -X dev -W error app.py`)
PY_VALUE_FLAGS = frozenset({"-X", "-W", "--check-hash-based-pycs"})
# a gunicorn config file's application: `wsgi_app = "mwdb.app:app"` at the top level (gunicorn/config.py
# `WSGIApp`: "A WSGI application path in pattern $(MODULE_NAME):$(VARIABLE_NAME)", gunicorn >= 20.1)
GUNICORN_WSGI_APP = re.compile(r"""(?m)^wsgi_app\s*=\s*["']([\w.]+(?::[^"']*)?)["']""")
# servers whose app argument may name only a module (`gunicorn bugsink.wsgi`)
PY_MODULE_ONLY_SERVERS = frozenset({"gunicorn", "hypercorn"})
# shell operators between the commands of one line: `|||` is monofy's (its processes side by side),
# a lone `&` (not `2>&1`, `&>`) sends the command before it to the background
# the files that make a folder a Python project (what installs a Python program's dependencies)
PY_PROJECT_FILES = frozenset({"pyproject.toml", "setup.py", "setup.cfg", "Pipfile", "poetry.lock", "uv.lock"})
COMMAND_SEPARATORS = re.compile(r"(\|\|\||&&|\|\||;|\||(?<![<>&])&(?![>&]))")
SEQUENTIAL_SEPARATORS = frozenset({";", "&&", "||"})


def demo_tree(entries: list[str], evidence: str) -> str:
    """The demo, sample, load-test or mock folder (`DEMO_FOLDER`) that holds every entry of a
    process, when the evidence that starts it is read inside that folder too (its own package.json,
    Dockerfile, or the entry itself); "" otherwise. Paths are the scan root's, so the scan root
    itself is never such a folder (a project named `demo-app` is the project). O(the entries' path
    segments)."""
    trees = set()
    for entry in entries:
        parts = entry.split("/")[:-1]
        found = next((i for i, part in enumerate(parts) if DEMO_FOLDER.match(part.lower())), None)
        if found is None:
            return ""
        trees.add("/".join(parts[:found + 1]))
    if len(trees) != 1:
        return ""
    tree = trees.pop()
    source = re.match(r"([^\s:]+):", evidence)  # "sample-service/x/package.json: scripts.start: …", "stress/a.js:12: …"
    if source is not None and "/" not in source.group(1) and "." not in source.group(1):
        source = None  # "no start command found: …": judged by paths, nothing starts it
    return tree if source is None or source.group(1).startswith(tree + "/") else ""


@dataclass
class Process:
    """One program the project starts."""

    name: str
    kind: str  # server | worker | cli | test | browser
    entries: list[str]  # the files it starts from (root-relative)
    package: str  # the folder of its manifest ("" = the scan root)
    evidence: list[str] = field(default_factory=list)  # how it was recognised, one line each
    files: frozenset[str] = frozenset()  # the files it loads (long-lived processes and CLIs)
    fallback: bool = False  # no start command or code names it: modules nothing imports, judged by path
    # run by a host that handles SIGTERM itself (gunicorn, uvicorn, Celery, a WSGI/ASGI server for an
    # app object), as opposed to a standalone `__main__` program whose loop must stop on its own
    hosted: bool = False
    started: bool = False  # named by how the project starts it (a start script, a Dockerfile, a declaration)
    # started by a line of a launch file (a Dockerfile `CMD`/`ENTRYPOINT`, a compose service's
    # `command:`, a Procfile line): a container or process manager runs it as an OS process of its own
    launched: bool = False
    # the entries its evidence names, where `entries` also holds what a framework loads by name (a
    # Django project's modules, loaded through settings): a finding names the nearest of them
    mains: list[str] = field(default_factory=list)
    # run as serverless functions (a Next.js app deployed on Vercel: `vercel.json`, no container or
    # custom server starts it): each request is an invocation the platform stops at its time limit,
    # no process outlives it to hold pools or to receive SIGTERM (rules say which claims still hold)
    serverless: bool = False

    @property
    def entry(self) -> str:
        return self.entries[0] if self.entries else ""

    @property
    def long_lived(self) -> bool:
        return self.kind in LONG_LIVED


@dataclass
class ProcessModel:
    processes: list[Process]
    loaders: dict[str, list[int]]  # file → indexes (in `processes`) of the long-lived processes that load it
    roles: dict[str, str]  # file → server | test | browser | tooling | unreached
    reasons: dict[str, str]  # file → why it has that role, in words
    fallback: set[str]  # packages with no recognised process: judged by path heuristics
    _finder: "_Finder" = field(repr=False, default=None)  # type: ignore[assignment]
    # modules both a server and page code load, with no browser sign of their own (`@dub/utils`'
    # `log()`, reached through the package's barrel by API routes and by components): a line inside
    # a function runs long only if server code calls that function
    shared: frozenset[str] = frozenset()
    _tree: SourceTree | None = field(repr=False, default=None)  # where the files are read (`_unused`)
    # client libraries of the service published from its repository, which no process loads: package
    # folder → (its manifest, what the manifest says it is, its files) — `crashlint processes` lists them
    client_libraries: dict[str, tuple[str, str, int]] = field(default_factory=dict)
    _dead: dict[tuple[str, int], bool] = field(default_factory=dict, repr=False)
    _providers: DeadProviders | None = field(default=None, repr=False)  # `_dead_provider_method`
    _members: MemberNames | None = field(default=None, repr=False)  # `_unnamed_method`
    _runs_long: dict[tuple[str, int], bool] = field(default_factory=dict, repr=False)
    _runner_memo: dict[tuple[str, tuple], bool] = field(default_factory=dict, repr=False)  # `runner_runs_until_stopped`
    _distance_memo: dict[int, dict[str, tuple[int, str]]] = field(default_factory=dict, repr=False)  # `attribution`
    _mains_memo: dict[int, list[str]] = field(default_factory=dict, repr=False)
    _attribution_memo: dict[str, "tuple[Process, str] | None"] = field(default_factory=dict, repr=False)
    _whole_memo: dict[str, bool] = field(default_factory=dict, repr=False)  # `_imported_whole`
    _live_nodes: dict[tuple[str, int], bool] = field(default_factory=dict, repr=False)  # Python (`_live`)
    _pred_memo: dict[tuple[str, int], list[tuple[str, int]] | None] = field(default_factory=dict, repr=False)
    # JS/TS reachability by symbol (`_symbol_reach`): file → the top-level declarations code of a
    # long-lived process names; a file absent from it has every declaration reached
    _reached_units: dict[str, set[str]] | None = field(default=None, repr=False)
    # Python: where each name is written in the code long-lived processes load (`live_mentions`)
    _live_mentions: "Mentions | None" = field(default=None, repr=False)
    # a class and the project classes above it (`_class_family`), per class asked about
    _families: dict[tuple[str, int], frozenset[tuple[str, int]]] = field(default_factory=dict, repr=False)
    _supers: "dict[str, int] | None" = field(default=None, repr=False)  # `_super_mentions`
    _chained: "dict[str, list] | None" = field(default=None, repr=False)  # `_made_and_called`
    # Python: the calls that hand a function on as an argument, by the last word of its name (`_handed_on`)
    _handed: "dict[str, list] | None" = field(default=None, repr=False)
    _aliases: "dict[str, set[str]]" = field(default_factory=dict, repr=False)  # name → the names bound to it

    def long_lived(self, path: str) -> bool:
        return self.roles.get(path) == "server"

    def runner_runs_until_stopped(self, path: str, call) -> bool:
        """Whether an asyncio runner call runs its program until the process is stopped
        (`_Finder.runner_runs_until_stopped`); memoized per call site. Without a model built here,
        every runner does (as before)."""
        key = (path, call.span)
        if key not in self._runner_memo:
            self._runner_memo[key] = self._finder is None or self._finder.runner_runs_until_stopped(path, call)
        return self._runner_memo[key]

    def own_files(self, process: Process) -> frozenset[str]:
        """The files of `process` that run in its own OS process, not in a child it starts
        (`_Finder.own_files`); all its files when the model was not built here."""
        return self._finder.own_files(process) if self._finder is not None else process.files

    def process_of(self, path: str) -> Process | None:
        """The long-lived process a finding in `path` is reported under (the first that loads it)."""
        loaders = [self.processes[i] for i in self.loaders.get(path, ())]
        return next((p for p in loaders if not p.fallback), loaders[0] if loaders else None)

    def attribution(self, path: str) -> tuple[Process, str] | None:
        """The long-lived process a finding in `path` is reported under, and the entry of it that
        loads `path` most directly: of the processes that load it (those a start command or code
        names before those judged by path), the one with an entry the fewest imports away (a server
        before a worker at the same distance), and that entry. A process's `mains` are the entries
        its evidence names; the modules a framework loads by name (a Django project's, through
        settings) are reached from its main at any distance. Cost: one breadth-first walk over the
        import graph per long-lived process, the first time a finding asks (`_distances`); then
        memoized per file."""
        if path not in self._attribution_memo:
            self._attribution_memo[path] = self._attribute(path)
        return self._attribution_memo[path]

    def _attribute(self, path: str) -> tuple[Process, str] | None:
        loaders = self.processes_of(path)
        if not loaders:
            return None
        named = [p for p in loaders if not p.fallback] or loaders
        best: tuple[tuple[int, ...], Process, str] | None = None
        for index, process in enumerate(named):
            mains = self._mains(process)
            distance, entry = self._distances(process).get(path, (len(self._finder.files) + 1, mains[0] if mains else ""))
            key = (0 if process.started else 1, 0 if self._serves_at(process, entry) else 1, distance,
                   0 if process.kind == "server" else 1, index)
            if best is None or key < best[0]:
                best = (key, process, entry)
        assert best is not None
        return best[1], best[2]

    def _mains(self, process: Process) -> list[str]:
        """The process's mains, those a start command names first (`gunicorn archery.wsgi:application`
        names archery/wsgi.py, not archery/asgi.py), then the shallowest (kpi's kobo/wsgi.py before an
        app's own kobo/apps/…/wsgi.py). Memoized per process."""
        found = self._mains_memo.get(id(process))
        if found is None:
            found = self._mains_memo[id(process)] = self._ordered_mains(process)
        return found

    @staticmethod
    def _main_rank(process: Process, main: str) -> tuple[bool, bool]:
        """Mains a start command names first (`gunicorn archery.wsgi:application`), then, for a
        server, those not named for a worker (flaskbb's celery_worker.py is not where it serves)."""
        module = posixpath.splitext(main)[0].replace("/", ".")
        named = any(main in line or module in line for line in process.evidence if not line.startswith(main + ":"))
        return (not named, process.kind == "server" and bool(WORKER_WORDS.search(posixpath.basename(main))))

    @classmethod
    def _ordered_mains(cls, process: Process) -> list[str]:
        return sorted(process.mains or process.entries, key=lambda m: (cls._main_rank(process, m), m.count("/"), m))

    @staticmethod
    def _serves_at(process: Process, entry: str) -> bool:
        """Whether `entry` itself is where the process serves or consumes (`uvicorn.run` in it, its
        app object, a queue consumer: mirlo's queue-worker.ts `new Worker(…)`), not a program that only
        loads such code (skyvern's run_streaming.py)."""
        return any(line.startswith(entry + ":") and ("serve" in line or "an app" in line or "worker app" in line
                                                     or "a Django project" in line or "consumes a queue" in line)
                   for line in process.evidence)

    def _distances(self, process: Process) -> dict[str, tuple[int, str]]:
        """file → (imports from the nearest main of `process`, that main), the mains taken in rank
        (`_main_rank`): a main of a lower rank claims only what those above it do not reach (flaskbb's
        wsgi.py, not its celery_worker.py, for the forum's code both load). Memoized per process."""
        found = self._distance_memo.get(id(process))
        if found is None:
            found = self._distance_memo[id(process)] = {}
            graph = self._finder.graph
            mains = self._mains(process)
            for rank in sorted({self._main_rank(process, m) for m in mains}):
                queue = deque()
                for main in mains:
                    if self._main_rank(process, main) == rank and main not in found:
                        found[main] = (0, main)
                        queue.append(main)
                while queue:
                    current = queue.popleft()
                    distance, main = found[current]
                    for target in graph.get(current, ()):
                        if target not in found:
                            found[target] = (distance + 1, main)
                            queue.append(target)
        return found

    def processes_of(self, path: str) -> list[Process]:
        return [self.processes[i] for i in self.loaders.get(path, ())]

    def child_processes_of(self, path: str) -> list[frozenset[str]]:
        """The files of each child process that runs `path`: a project file another one starts with
        child_process `fork`/`spawn` (`_Finder.child_entries`) is the entry of an OS process of its
        own, whose `process.on("uncaughtException", …)` listeners are not its parent's. O(the child
        entries), each closure memoized."""
        finder = self._finder
        if finder is None:
            return []
        return [files for files in (finder.closure([entry]) for entry in sorted(finder.child_entries())) if path in files]

    def serverless_only(self, path: str) -> bool:
        """Whether every long-lived process that loads `path` runs as serverless functions
        (`Process.serverless`): no process outlives a request there to hold a pool or get SIGTERM."""
        loaders = self.processes_of(path)
        return bool(loaders) and all(p.serverless for p in loaders)

    def thread_only(self, path: str) -> bool:
        """Whether `path` runs only in worker threads: every process that loads it reaches it only
        from entries that are worker-thread modules (they talk to `worker_threads`' `parentPort`),
        such as the task modules a task manager starts with `new Worker(task.path)`. An uncaught
        error there ends the thread and is emitted as `'error'` on the parent's `Worker` (a rule
        reports a `Worker` nobody listens to), not thrown in the parent process."""
        loaders = self.processes_of(path)
        if not loaders:
            return False
        finder = self._finder
        for process in loaders:
            if not process.entries or path in process.entries and not self._thread_module(path):
                return False
            others = [e for e in process.entries if not self._thread_module(e)]
            if len(others) == len(process.entries) or others and path in finder.closure(others):
                return False
        return True

    def _thread_module(self, path: str) -> bool:
        facts = self._finder.files.get(path)
        if facts is None or not ({"worker_threads", "node:worker_threads"} & set(facts.imports)):
            return False
        project = self._finder.project
        return any(name.startswith(("worker_threads.parentPort.", "node:worker_threads.parentPort."))
                   for call in facts.calls if call.callee and call.callee[0] == "parentPort"
                   for name in project.callee_names(path, call))

    def served_by(self, process: Process) -> str | None:
        """The framework whose own server runs the process's code, when its entries are only files
        that framework loads by their place: "next" for the route handlers, API routes, middleware
        and `instrumentation.ts` of a Next.js app (`next start`, or such files judged by their paths).
        A framework's server may register process-level listeners of its own (rules read which)."""
        if not process.long_lived or not process.entries:
            return None
        prefix = process.package + "/" if process.package else ""
        if all(e.startswith(prefix) and self._finder.next_server_file(e, prefix) for e in process.entries):
            return "next"
        return None

    def development_only(self, path: str) -> list[str]:
        """What of `path` runs only in development, in words (`crashlint processes --why`): the bodies
        of its `if`s on a development switch (its own tests, or a flag its module declares with one:
        graasp's `if (DEV)`), and its named functions every caller of which is such code
        (`bustFileCache()`, called only in the `if (DEV)` after `listen`). Rules report none of it.
        O(the file's functions × their callers), for one file."""
        finder = self._finder
        facts = finder.files.get(path) if finder is not None else None
        if facts is None or facts.language == "python":
            return []
        said = [f"lines {first}-{last}: under a development switch" for first, last in facts.dev_lines]
        flags = finder._dev_names(path) if facts.flag_lines else frozenset()
        said += [f"lines {first}-{last}: under `if ({name})`, a flag its module declares with a development test"
                 for name, first, last in facts.flag_lines if name in flags]
        for function in sorted(facts.functions.values(), key=lambda f: f.span[0]):
            callers = finder.callers_of(path, function.scope) if function.name else []
            if callers and all(finder.dev_only(file, call) for file, call in callers):
                where = ", ".join(f"{file}:{call.span[0]}" for file, call in callers[:3])
                said.append(f"`{function.name}` (line {function.span[0]}): called only under a development switch ({where})")
        return said

    def runs_long(self, path: str, line: int) -> bool:
        """Whether the code at `line` of `path` runs in a long-lived process: its file is loaded by
        one, and the innermost enclosing function that anything calls is called from long-lived
        code (a helper only a CLI command, a test or the browser calls is not). A click / typer
        command that no start command names runs in its CLI, not in the process that imports its
        module; a module's own `if __name__ == "__main__":` block runs only when the module is the
        program, not when a long-lived process imports it."""
        if not self.long_lived(path):
            return False
        if self._unreached_declaration(path, line):
            return False  # langwatch's SDK clients, loaded through a barrel for `getLangWatchTracer`
        return self._line_runs_long(path, line, 0)

    # ---- JS/TS: reachability by symbol ----------------------------------------------------------
    # A module a long-lived process loads runs its top-level code; a function or class it declares
    # runs only if code that runs names it. From each long-lived entry (all of whose declarations
    # count: a framework may call what it exports) and from the load-time code of every long-lived
    # module, a worklist follows names (`FileFacts.units`, `load_uses`): a declaration's uses, an
    # imported name to the declaration its module exports under that name (through re-exports and
    # `export *`). A namespace is reached by member: `X.m` of `import * as X` (or of a name its module
    # re-exports from one: `import * as X from './actions'; export { X }`, `export * as X from …`,
    # through barrels) reaches what the export `m` of that module reaches, not the whole module (rev19-ts
    # lesson 1: APITable's room-server calls three sync `StoreActions` of @apitable/core and was given
    # every thunk of the namespace, with the web client's REST calls); a namespace used otherwise
    # (`f(X)`, `X[k]`, `{ ...X }`), or a member no export of the module names, reaches the whole module.
    # Where resolution would be incomplete the whole module counts as reached: a module
    # `require`d whole or by `import()`, a CommonJS module imported as a namespace, loaded with no import
    # of names (a side-effect import, a spawned file, a framework's route loader), or a default import
    # of a module with no default export (CommonJS). A decorated class runs at load (Nest's DI makes its
    # instances), so what it names is reached. Cost: each (file, name), each (file, exported name) and
    # each (file, exported name, member) is visited once, each use pushed once: O(uses + exports +
    # import declarations) per scan, built the first time a finding asks; then O(log units) per question.

    def _units_reached(self, path: str) -> set[str] | None:
        """The names of `path`'s top-level declarations a long-lived process reaches (`_symbol_reach`,
        computed once per scan, the first time asked), or None when the reach says nothing of the file."""
        if self._reached_units is None:
            self._reached_units = self._symbol_reach()
        return self._reached_units.get(path)

    def _unreached_declaration(self, path: str, line: int) -> bool:
        facts = self._finder.files[path]
        if facts.language == "python" or not facts.units:
            return False
        reached = self._units_reached(path)
        if reached is None:
            return False
        covering = [name for name, first, last, _ in facts.units if first <= line <= last]
        return bool(covering) and not any(name in reached for name in covering)

    def _symbol_reach(self) -> dict[str, set[str]]:
        finder = self._finder
        files = finder.files
        project = finder.project
        entries = {e for p in self.processes if p.long_lived for e in p.entries}
        live = [path for path, role in self.roles.items() if role == "server" and files.get(path) is not None
                and files[path].language != "python"]
        links: dict[str, dict[str, tuple[str, ...] | None]] = {}  # importer → target → imported names (None: whole)

        def link_names(importer: str) -> dict[str, tuple[str, ...] | None]:
            found = links.get(importer)
            if found is None:
                found = links[importer] = {}
                facts = files[importer]
                whole = {t for spec in facts.whole_loads if (t := project.resolve_module(importer, spec)) is not None}
                for decl in facts.decls:
                    value = decl.value
                    if decl.scope != MODULE_SCOPE or value.kind != "import":
                        continue
                    target = project.resolve_module(importer, value.module)
                    if target is None or found.get(target, ()) is None:
                        continue
                    if value.name is None and target not in whole and files[target].es_module and not decl.name.startswith("<"):
                        found[target] = found.get(target, ())  # type: ignore[assignment]  # `import * as X`: by member
                        continue
                    # `require("./m")(app)`, `require("./m").x`: a value no name holds (the extractor's `<require:…>`)
                    if value.name is None or target in whole and (files[target].es_module or decl.name.startswith("<")):
                        found[target] = None  # (`const m = require("./cjs")`: m is the module's `<default>`)
                    else:
                        found[target] = found.get(target, ()) + (value.name,)  # type: ignore[operator]
                for export in facts.exports:
                    target = project.resolve_module(importer, export.module) if export.module else None
                    if target is not None and target not in found:
                        found[target] = () if target not in whole else None
                for target in whole:
                    if target not in found or files[target].es_module:
                        found[target] = None  # `exports.x = require("./m")`, `import("./m")`: any export of it
            return found

        everything: set[str] = set(entries)  # files whose every declaration counts as reached
        for path in live:
            if path in everything or files[path].language == "python":
                continue
            importers = [i for i, _ in finder.importers.get(path, ()) if self.roles.get(i) == "server"]
            if not importers:
                everything.add(path)
                continue
            has_default = any(e.name == "default" for e in files[path].exports)
            for importer in importers:
                names = link_names(importer).get(path)  # None: loaded whole, or with no import of names
                if names is None or ("default" in names and not has_default):
                    everything.add(path)
                    break
        reached: dict[str, set[str]] = {path: set() for path in live if path not in everything}
        if not reached:  # every live file counts whole (each one an entry, or loaded whole): nothing to follow
            return reached
        seen_exports: set[tuple[str, str]] = set()
        work: list[tuple[str, str]] = []
        units_of: dict[str, dict[str, tuple[str, ...]]] = {}
        import_decls: dict[str, dict[str, list]] = {}

        def imported(path: str, name: str) -> list:
            """The import values (`Value` of kind "import") module `path` binds to `name`; memoized per file."""
            decls = import_decls.get(path)
            if decls is None:
                decls = import_decls[path] = {}
                for decl in files[path].decls:
                    if decl.scope == MODULE_SCOPE and decl.value.kind == "import":
                        decls.setdefault(decl.name, []).append(decl.value)
            return decls.get(name, [])

        def units(path: str) -> dict[str, tuple[str, ...]]:
            found = units_of.get(path)
            if found is None:
                found = units_of[path] = {}
                for name, _, _, used in files[path].units:
                    found[name] = found.get(name, ()) + used
            return found

        def export(path: str, name: str) -> None:
            if path not in reached or (path, name) in seen_exports:
                return
            seen_exports.add((path, name))
            facts = files[path]
            named = False
            for item in facts.exports:
                if item.name == name:
                    named = True
                    follow(path, item)
            if not named:  # `export * from …`: only the sources that export the name below them (a table per module)
                for source in project.star_sources(path, name):
                    export(source, name)

        seen_members: set[tuple[str, str, str]] = set()

        def namespace(path: str, member: str) -> None:
            """`X.member` of a namespace of module `path`: its export `member`, or the whole module
            when it exports no such name (a CommonJS module, a name crashlint cannot resolve)."""
            if path not in reached:
                return
            if any(item.name == member for item in files[path].exports) or project.star_sources(path, member):
                export(path, member)
            else:
                reach_all(path)

        def export_member(path: str, name: str, member: str) -> None:
            """`X.member` where X is the export `name` of `path`: when that export is a namespace (a
            namespace import it re-exports, `export * as name from …`), only its `member`; any other
            value (an object, a class) is used whole, as `export(path, name)` does."""
            if path not in reached or (path, name, member) in seen_members:
                return
            seen_members.add((path, name, member))
            named = False
            for item in files[path].exports:
                if item.name != name:
                    continue
                named = True
                if item.module is not None:
                    source = project.resolve_module(path, item.module)
                    if source is None:
                        continue
                    if item.source_name is None:  # `export * as name from …`
                        namespace(source, member)
                    else:
                        export_member(source, item.source_name, member)
                elif item.local is not None and imported(path, item.local):
                    member_of(path, item.local, member)  # `import * as X from …; export { X }`
                elif item.local is not None:
                    work.append((path, item.local))
            if not named:
                for source in project.star_sources(path, name):
                    export_member(source, name, member)

        def member_of(path: str, binding: str, member: str) -> None:
            """`binding.member` read in `path`, where `binding` is one of its imports."""
            for value in imported(path, binding):
                target = project.resolve_module(path, value.module)
                if target is None or target not in reached:
                    continue
                if value.name is None:
                    namespace(target, member)
                else:
                    export_member(target, value.name, member)

        def reach_all(path: str) -> None:
            if path in reached:
                del reached[path]
                forward(path)

        def forward(path: str) -> None:
            """Every declaration of `path` is reached: what they use, and what it exports from other
            modules (a barrel imported as a namespace reaches everything it re-exports)."""
            for used in units(path).values():
                work.extend((path, name) for name in used)
            for item in files[path].exports:
                follow(path, item)

        def follow(path: str, item: Export) -> None:
            """One export of `path` is used: its local declaration, or what it re-exports."""
            if item.local is not None:
                work.append((path, item.local))
            elif item.module is not None:
                source = project.resolve_module(path, item.module)
                if source is None:
                    return
                if item.source_name is None:  # `export * as ns from …`
                    reach_all(source)
                else:
                    export(source, item.source_name)

        for path in live:
            if files[path].language == "python":
                continue
            work.extend((path, name) for name in files[path].load_uses)
            if path in everything:
                forward(path)
        visited: set[tuple[str, str]] = set()
        while work:
            item = work.pop()
            if item in visited:
                continue
            visited.add(item)
            path, name = item
            read = member_use(name)
            if read is not None:  # `X.m`: an import read for one member
                if imported(path, read[0]):
                    member_of(path, *read)
                else:
                    work.append((path, read[0]))
                continue
            done = reached.get(path)
            if done is not None:
                done.add(name)
                work.extend((path, used) for used in units(path).get(name, ()))
            # (a file whose every declaration is reached had all their uses pushed when it became so)
            for value in imported(path, name):
                target = project.resolve_module(path, value.module)
                if target is None or target not in reached:
                    continue
                if value.name is None:
                    reach_all(target)
                else:
                    export(target, value.name)
        return reached

    def _line_runs_long(self, path: str, line: int, depth: int) -> bool:
        facts = self._finder.files[path]
        if facts.language == "python":
            return self._live(self._node_at(path, facts, line, ()))
        if (facts.dev_lines or facts.flag_lines) and self._finder.dev_line(path, line):
            # code under a development or browser-only switch (`if (typeof window !== "undefined")`),
            # whoever calls the function around it
            return False
        enclosing = sorted(
            (f for f in facts.functions.values() if f.span[0] <= line <= f.span[2]),
            key=lambda f: f.span[2] - f.span[0],
        )
        for function in enclosing:  # innermost first: callbacks have no callers by name
            if self._finder.callers_of(path, function.scope):
                return self._function_runs_long(path, function.scope, depth)
            if self._unused(path, function):
                return False  # inbox-zero's `_deleteFromDatasourceWithRetry`: dead code, whatever it calls
            if self._dead_provider_method(path, facts, function):
                return False  # ordbokapi's `OrdboekeneApiService`: a NestJS provider nothing injects
            if self._unnamed_method(path, facts, function):
                return False  # biosim's generated `ValidationService`: a method no live code names
            if self._finder.cli_command_unstarted(path, function.scope):
                return False  # `robotoff import-images`: the CLI runs it, no service does
            if self._finder.test_only(path, function.scope):
                return False  # `unload_model()`: only a test calls it
        if enclosing and path in self.shared:
            return False  # called by nothing by name, in a module page code also loads: no sign the server runs it
        first, last = facts.main_guard
        if first and first <= line <= last:  # `python brands.py`: only this module as the program runs it
            return any(path in p.entries and p.long_lived for p in self.processes)
        return True

    def _unused(self, path: str, function) -> bool:
        """A top-level JS/TS function with a name that nothing calls, that its module does not
        export and whose name its file writes only where it defines it: nothing can run it (not
        passed as a callback, not stored, not exported). Memoized; reads the file once per function."""
        facts = self._finder.files[path]
        if facts.language == "python" or not function.name or facts.scope_parents.get(function.scope, 0) != 0 or self._tree is None:
            return False
        key = (path, function.scope)
        if key not in self._dead:
            name = function.name
            # exported under its name, or under another (`export { f as g }`): not dead. A scan that
            # stops at the first such export (no set of every export per function asked)
            exported = any(e.name == name or e.local == name for e in facts.exports)
            # a declaration of the module (`function f() {}`, `const f = () => …`), not a named
            # function expression handed to a call or assigned to a property (`exports.x = function f() {}`)
            declared = not exported and any(d.name == name and d.value.kind == "function" and d.value.scope == function.scope
                                             and d.scope == MODULE_SCOPE for d in facts.decls)
            if exported or not declared:
                self._dead[key] = False
            else:
                try:
                    text = self._tree.read(path).decode("utf-8", "replace")
                except OSError:
                    text = ""
                self._dead[key] = bool(text) and len(re.findall(rf"(?<![\w$.]){re.escape(function.name)}(?![\w$])", text)) == 1
        return self._dead[key]

    def _read_text(self, file: str) -> str:
        """A project file's text for the indexes that read source (`DeadProviders`, `MemberNames`);
        "" when it cannot be read."""
        assert self._tree is not None
        try:
            return self._tree.read(file).decode("utf-8", "replace")
        except OSError:
            return ""

    def _reached_text(self, file: str) -> str:
        """A file's text with the lines of its top-level declarations that no long-lived process
        reaches (`_symbol_reach`) blanked, for `MemberNames`: a method's name written only in code
        no process runs is no mention (APITable's `RestService.getSpaceInfo`, named elsewhere only
        by @apitable/core's `getSpaceInfo` thunk, which room-server never reaches). O(the file's
        bytes) after the reach, which is computed once per scan."""
        text = self._read_text(file)
        facts = self._finder.files.get(file)
        if not text or facts is None or facts.language == "python" or not facts.units:
            return text
        reached = self._units_reached(file)
        dead = [(first, last) for name, first, last, _ in facts.units if name not in reached] if reached is not None else []
        if not dead:
            return text
        lines = text.split("\n")
        for first, last in dead:
            lines[first - 1:last] = [""] * len(lines[first - 1:last])
        return "\n".join(lines)

    def _dead_provider_method(self, path: str, facts: FileFacts, function) -> bool:
        """A method (not the constructor) of a NestJS `@Injectable()` class that nothing injects,
        fetches or runs after construction (`crashlint.nest_providers`). Memoized per class."""
        cls = facts.scope_parents.get(function.scope, 0)
        if (facts.language == "python" or function.name in ("", "constructor") or cls == 0 or cls in facts.functions
                or self._tree is None or "@nestjs/common" not in facts.imports):
            return False
        if self._providers is None:
            self._providers = DeadProviders(self._finder.files, self._read_text, self._finder.importers_of)
        return self._providers.dead(path, cls)

    def _unnamed_method(self, path: str, facts: FileFacts, function) -> bool:
        """A method of a JS/TS class whose name no file of the `server` role writes
        (`crashlint.member_reach`): no process calls it. The index is built the first time a
        method asks (one read of each live JS/TS file); memoized per class. Only in code a started
        process loads: a module judged by its paths (a library, a lone file) is another package's to
        call, by names crashlint cannot see."""
        if facts.language == "python" or self._tree is None or not function.name or not self._started_code(path):
            return False
        if self._members is None:
            live = sorted(p for p, role in self.roles.items() if role == "server" and not is_test_path(p))
            self._members = MemberNames(self._finder.files, live, self._reached_text,
                                        lambda file, cls: self._project_ancestry(file, cls, 0))
        return self._members.unnamed(path, facts, function.scope)

    def unreached_declarations(self, path: str) -> list[str]:
        """The top-level declarations of `path` that no code of a long-lived process names, in words
        (`crashlint processes --why`; `_symbol_reach`): rules report none of their code. O(the
        file's declarations) after the reach, which is computed once per scan."""
        facts = self._finder.files.get(path) if self._finder is not None else None
        if facts is None or facts.language == "python" or not facts.units or not self.long_lived(path):
            return []
        reached = self._units_reached(path)
        if reached is None:
            return []
        return [f"`{name}` (lines {first}-{last}): a declaration no code of a long-lived process names"
                for name, first, last, _ in facts.units if name not in reached]

    def unnamed_methods(self, path: str) -> list[str]:
        """The methods of `path` no live code names, in words (`crashlint processes --why`): rules
        report none of their code. O(the file's methods) after the index."""
        facts = self._finder.files.get(path) if self._finder is not None else None
        if facts is None or facts.language == "python" or not self.long_lived(path):
            return []
        return [f"`{function.name}` (line {function.span[0]}): a method no code a long-lived process loads names"
                for function in sorted(facts.functions.values(), key=lambda f: f.span[0])
                if function.name and not self._finder.callers_of(path, function.scope)
                and self._unnamed_method(path, facts, function)]

    def _function_runs_long(self, path: str, scope: int, depth: int) -> bool:
        if scope == 0 or depth > 3 or (path, scope) in self._finder.start_functions:
            return True  # (a library's `bootstrap()`: the program starts there, whoever calls it)
        facts = self._finder.files[path]
        if facts.server_directive and facts.scope_parents.get(scope, 0) == 0:
            return True  # a server action ("use server" module): the server runs it when a page calls it
        key = (path, scope)
        if key not in self._runs_long:
            self._runs_long[key] = True  # a cycle of callers: give it the benefit of the doubt
            # a call inside the function itself (connext's `runCommand`, whose `spawnChildProcess()`
            # calls itself to retry) runs only once the function runs: no caller of its own
            self._runs_long[key] = any(
                (self.long_lived(file) and not self._finder.dev_only(file, call) and self._line_runs_long(file, call.span[0], depth + 1))
                or self._finder.in_route_loader(file, call)
                for file, call in self._finder.callers_of(path, scope) if not (file == path and scope in call.scopes)
            ) or any(
                # handed to a call that runs it (`AppClusterService.clusterize(bootstrap)`, trench's
                # cluster helper, which calls it in each forked worker), where only a development
                # branch calls it by name (`bootstrap(1)` in single-instance dev mode)
                not self._finder.dev_only(path, call) and self._line_runs_long(path, call.span[0], depth + 1)
                for call in self._handed_over(path, scope)
            )
        return self._runs_long[key]

    def _handed_over(self, path: str, scope: int) -> list:
        """The calls of `path` that pass its function `scope` by its name as an argument
        (`clusterize(bootstrap)`). O(the file's calls), asked once per function (`_runs_long`)."""
        facts = self._finder.files[path]
        names = {d.name for d in facts.decls if d.value.kind == "function" and d.value.scope == scope and "." not in d.name}
        if not names:
            return []
        return [call for call in facts.calls
                if any(a.kind == "ref" and len(a.path) == 1 and a.path[0] in names
                       and any(t.kind == "function" and t.path == path and t.scope == scope
                               for t in self._finder.project.resolve(path, call.scopes, a.path)) for a in call.args)]


    # ---- Python: reachability by calls ----------------------------------------------------------
    # A node is a function or class (file, scope), a module's top level (file, 0) or its
    # `if __name__ == "__main__":` block (file, MAIN). Code runs in a long-lived process when a path
    # of calls leads to it from a root that one runs: a long-lived module's top level, the main block
    # of a long-lived program, or code reached in ways no call index sees (a decorated or registered
    # function, one named by a value or a string, a class handed on as a value, a method of a class
    # whose instances a framework makes). `_live` searches the callers backwards from the node asked
    # about: when no live root is found, every node it visited is dead too (all their callers were
    # visited), so each node is searched once per scan; a live answer is memoized on the path found.
    # Cost: O(the callers visited) per question, each caller list asked once (`_preds`).

    def _node_at(self, path: str, facts: FileFacts, line: int, scopes: tuple[int, ...]) -> tuple[str, int]:
        """The node a line (or a call with its enclosing `scopes`) belongs to: its innermost
        enclosing function, else the module's main block or its top level (a class body runs at import)."""
        if scopes:
            function = next((s for s in scopes if s in facts.functions), None)
        else:
            enclosing = [f for f in facts.functions.values() if f.span[0] <= line <= f.span[2]]
            function = min(enclosing, key=lambda f: f.span[2] - f.span[0]).scope if enclosing else None
        if function is not None:
            return (path, function)
        first, last = facts.main_guard
        return (path, MAIN_BLOCK if first and first <= line <= last else 0)

    def _live(self, node: tuple[str, int]) -> bool:
        known = self._live_nodes.get(node)
        if known is not None:
            return known
        came_from: dict[tuple[str, int], tuple[str, int] | None] = {node: None}
        queue = deque([node])
        found: tuple[str, int] | None = None
        while queue:
            current = queue.popleft()
            known = self._live_nodes.get(current)
            if known is False:
                continue
            preds = self._preds(current) if known is None else None
            if known or preds is None:
                found = current
                break
            for pred in preds:
                if pred not in came_from:
                    came_from[pred] = current
                    queue.append(pred)
        if found is None:
            for visited in came_from:
                self._live_nodes[visited] = False
            return False
        step: tuple[str, int] | None = found
        while step is not None:
            self._live_nodes[step] = True
            step = came_from[step]
        return True

    def _preds(self, node: tuple[str, int]) -> list[tuple[str, int]] | None:
        """The nodes whose running runs `node`; None when `node` is a live root. Memoized."""
        if node in self._pred_memo:
            return self._pred_memo[node]
        preds = self._pred_memo[node] = self._derive_preds(node)
        return preds

    def _derive_preds(self, node: tuple[str, int]) -> list[tuple[str, int]] | None:
        path, scope = node
        finder = self._finder
        if scope == MAIN_BLOCK:  # `python brands.py`: only this module as the program runs it
            return None if any(path in p.entries and p.long_lived for p in self.processes) else []
        if not self.long_lived(path):
            return []
        if scope == 0 or (path, scope) in finder.start_functions:
            return None  # (a library's `bootstrap()`: the program starts there, whoever calls it)
        facts = finder.files[path]
        if facts.language == "python" and finder.served_function(path, facts, scope):
            return None  # `uvicorn --factory pkg.app:create_app`: the server calls it
        if finder.plugin_attrs and not facts.scope_parents.get(scope, 0) and (path, _scope_name(facts, scope)) in finder.plugin_attrs:
            return None  # an entry point's class or function: its plugin manager builds or calls it by name
        if facts.language == "python" and finder.browser_class(path, scope):
            return []  # marimo's `WasmLazyStore`: it runs under Pyodide in the browser, not in this process
        if scope not in facts.functions:
            return self._class_preds(path, facts, scope)
        # a call of the function from inside itself (a retry: modmail's `return await
        # self.validate_database_connection(ssl_retry=False)`) does not start it
        callers = [(file, call) for file, call in finder.callers_of(path, scope) if file != path or scope not in call.scopes]
        if finder.notebooks and path not in finder.notebooks and any(file in finder.notebooks for file, _ in callers):
            # marimo's `mo.latex(filename=url)`, which only its own notebooks call here: the API a
            # notebook calls runs in the kernel of `marimo edit` / `marimo run`, whoever's notebook it is
            return None
        if callers:
            # a function some code calls by name and other code hands on as a value runs in both
            # places (keep's `simulate_alerts_async`: a CLI script calls it, the live-demo thread of a
            # daemon runs it through `safe_run_async_worker(simulate_alerts_async, …)`)
            nodes = self._caller_nodes(callers + self._handed_on(path, facts, scope))
            parent = facts.scope_parents.get(scope, 0)
            if nodes is not None and parent and not facts.scope_parents.get(parent, 0) and parent not in facts.functions \
                    and finder.class_by_name(path):
                # a class a loader builds by a computed name (`class_by_name`): the calls of the
                # method by name run it too, not only those resolved to it (keep's `provider =
                # JiraProvider(…); provider.validate_scopes()` in its own `__main__` harness, while
                # the API calls `provider_instance.validate_scopes()` on what the factory built)
                named = self._method_name_callers(path, facts, scope, library=False)
                if named is None:
                    return None
                nodes += [n for n in named if n not in nodes]
            return nodes
        if finder.cli_command_unstarted(path, scope) or finder.test_only(path, scope):
            return []  # `robotoff import-images`: the CLI runs it, no service does; or only a test calls it
        parent = facts.scope_parents.get(scope, 0)
        if parent in facts.functions:  # a callback runs when its function does
            return [(path, parent)]
        if not self._started_code(path):
            # a library's (judged by its paths): what it exports is another package's to call — but
            # a method the project itself calls only by name runs where those calls run (st2client's
            # `get_property`, which only the `st2` CLI's commands call), and a private one the project
            # names nowhere runs nowhere (keep's `__get_all_stream_names`)
            found = self._method_name_callers(path, facts, scope, library=True) if parent else None
            return self._with_made_and_called(found, path, facts, scope)
        if self._method_named_nowhere(path, facts, scope):
            return []  # snuba's `SlackClient.post_file` (only a test calls it), pyload's `decrypt_from_web`
        if parent:  # a method runs when its class has instances
            return self._with_made_and_called([(path, parent)], path, facts, scope)
        return [] if self._named_nowhere(path, facts, scope) else None

    def _handed_on(self, path: str, facts: FileFacts, scope: int) -> list[tuple[str, object]]:
        """The calls that pass the Python function or method `scope` of `path` as a value, outside
        tests and outside the function itself: a positional or keyword argument, or an element of a
        tuple or list argument, that names it (`threading.Thread(target=f, args=…)`,
        `threading.Timer(n, f)`, `executor.submit(f, …)`, `loop.run_in_executor(None, self.f)`,
        `asyncio.create_task(wrapper(f, …))`, `functools.partial(f, …)`,
        `multiprocessing.Process(target=f)`). The function runs where the call that receives it runs:
        in a thread or task of that process, or — `multiprocessing.Process` / a process pool — in a
        child process of the same program, which lives as long as its starter keeps it (Diamond's
        collector processes, pyspider's `run_in_subprocess`). A value held one step away is
        followed: a name bound to the function (`job = f`, looked up by the names such bindings give
        it, then resolved), or a
        parameter the receiving function hands on (`def run_in_thread(func): Thread(target=func)`
        — the call of `run_in_thread(f)` is the one that hands `f` on). The arguments of every
        Python call are indexed once by the last word of the name they pass, and the bindings of a
        name to a name by the last word of the value (O(arguments + declarations)), then
        O(the calls passing that word) resolutions per function, asked once per function (`_preds`
        is memoized)."""
        function = facts.functions.get(scope)
        if function is None or not function.name:
            return []
        if self._handed is None:
            self._handed = defaultdict(list)
            self._aliases = defaultdict(set)
            for file, other in self._finder.files.items():
                if other.language != "python" or is_test_path(file):
                    continue
                for call in other.calls:
                    values = list(call.args) + [value for key, value in call.keywords if key not in ("*", "**")]
                    for value in values:
                        for arg in (value.values if value.kind == "array" else (value,)):
                            if arg.kind == "ref" and arg.path:
                                self._handed[arg.path[-1]].append((file, call, arg.path))
                for decl in other.decls:  # `job = sync_once`: the local's name is looked up too
                    if decl.value.kind == "ref" and decl.value.path and "." not in decl.name:
                        self._aliases[decl.value.path[-1]].add(decl.name)
        found: list[tuple[str, object]] = []
        names = [function.name, *sorted(self._aliases.get(function.name, set()) - {function.name})]
        for file, call, name in (item for word in names for item in self._handed.get(word, ())):
            if file == path and scope in call.scopes:
                continue  # (`threading.Timer(60, self.tick).start()` inside `tick`: it runs again where it ran)
            if any(t.kind == "function" and t.path == path and t.scope == scope
                   for t in self._finder.project.resolve(file, call.scopes, name)):
                found.append((file, call))
        return found

    def live_mentions(self) -> "Mentions":
        """Where each name is written in the Python code a long-lived process loads (files of the
        `server` role, tests left out), other than where it is defined and other than `__all__`
        lists: the reference check asks whether a function, method or class is named, called or
        registered anywhere a process loads — a name only a CLI, an example, a test or a package's
        re-export writes runs in no server or worker (mem0's `AsyncMemoryClient`, which the server
        imports through `mem0/__init__.py` and never builds). One pass over those files' facts, the
        first time a finding asks; then O(1) per name."""
        if self._live_mentions is None:
            self._live_mentions = self._finder.project.mentions_in(
                sorted(p for p, role in self.roles.items() if role == "server" and not is_test_path(p)))
        return self._live_mentions

    def _imported_whole(self, path: str, importers: list[str]) -> bool:
        """Whether a module imports `path` itself (`import pkg.mod`, `from pkg import mod`), not only
        names from it. Memoized per file; O(the import declarations of its importers)."""
        found = self._whole_memo.get(path)
        if found is None:
            project = self._finder.project
            found = self._whole_memo[path] = any(
                decl.value.kind == "import" and decl.value.name != "*" and project.resolve_module(
                    importer, f"{decl.value.module}.{decl.value.name}" if decl.value.name else decl.value.module) == path
                for importer in importers for decl in self._finder.files[importer].decls)
        return found

    def _started_code(self, path: str) -> bool:
        """Whether a process that a start command or code names loads `path` (not only one judged
        by its paths: a library, whose exported functions and classes other packages call)."""
        return any(not p.fallback for p in self.processes_of(path))

    def _caller_nodes(self, callers: list[tuple[str, object]]) -> list[tuple[str, int]] | None:
        nodes: list[tuple[str, int]] = []
        finder = self._finder
        for file, call in callers:
            if finder.in_route_loader(file, call):
                return None
            if self.long_lived(file) and not finder.dev_only(file, call):
                nodes.append(self._node_at(file, finder.files[file], call.span[0], call.scopes))
        return nodes

    def _class_preds(self, path: str, facts: FileFacts, scope: int) -> list[tuple[str, int]] | None:
        """A class runs (its methods can) where it is constructed, when constructing it is all the
        project does with it: a class named anywhere else (handed on as a value, subclassed, its
        attributes read: a Django model's `objects`, a view's `as_view`) is a root, as is one nothing
        constructs (a framework makes its instances)."""
        name = next((d.name for d in facts.decls if d.value.kind == "class" and d.value.scope == scope), None)
        if name is None:
            return None
        if not facts.scope_parents.get(scope, 0) and self._finder.class_by_name(path):
            return None  # a loader gets it with `getattr(module, name)` and builds it: a root
        constructions = self._finder.callers_of(path, scope)
        live = self.live_mentions()
        # the reference check (issue 14 item 1, rev14-py lesson 1): a class of the project's own
        # ancestry that no code a long-lived process loads names but to import it is never built there
        # (a class with no base but `object` and no decorator: a subclass a base registers, by a
        # metaclass or `__init_subclass__`, or a decorated one may be found by a registry crashlint
        # cannot read, so those keep being reported)
        # (a class the project names nowhere at all keeps the answer below: a root, as a framework may
        # make it; one named only by a CLI, an example or a re-export is built only there)
        mentions = self._finder.project.mentions(is_test_path)
        if (mentions.named.get(name, 0) and not live.named.get(name, 0) - live.imported.get(name, 0)
                and all(base == ("object",) for base in facts.class_bases.get(scope, ((), ()))[1])
                and not self._decorated_class(path, facts, scope)):
            return []
        # (`super(Cls, self)` hands the class to no one; the excerpt of a call handed on,
        # `walk(JobDeleter(d))`, still counts: discord's `bot.add_cog(Admin(bot))` in an extension's
        # `setup`, which the library calls by name, is how such a class runs)
        others = (mentions.named.get(name, 0) - mentions.called.get(name, 0) - mentions.imported.get(name, 0)
                  - self._super_mentions().get(name, 0))
        if not constructions or others > 0 or mentions.called.get(name, 0) != len(constructions):
            return None
        if facts.scope_parents.get(scope, 0) in facts.functions:
            return None  # a class defined in a function: its function's code hands it on
        return self._caller_nodes(constructions)

    # how many calls of one name `_method_name_callers` reads before it gives up (a name as common as
    # `get`: its callers cannot be told apart by name)
    NAME_CALLS_READ = 300

    def _method_name_callers(self, path: str, facts: FileFacts, scope: int, library: bool) -> list[tuple[str, int]] | None:
        """The nodes that may call the method `scope` of `path` by its name, when no call resolves to
        it: every `x.name(…)` of the project (tests left out) but those whose receiver is a class or
        module unrelated to the method's class (`User.get_by_name(…)`, a persistence model), or
        `self` in an unrelated class; a `self.name(…)` in a class above or below it counts (an
        override). None — a root, as before — when the method is a dunder, decorated, has a class
        above it that is a library's (which may call it by name), is written somewhere other than as
        a call (a value, a string: `getattr(self, "name")`), or its name is too common to read; in a
        library (`library`), also when the project writes a public name nowhere (its users call it).
        Cost: O(the calls of that name, at most NAME_CALLS_READ) resolutions, once per method (the
        caller, `_preds`, is memoized)."""
        function = facts.functions.get(scope)
        cls = facts.scope_parents.get(scope, 0)
        name = function.name if function is not None else ""
        if (not name or (name.startswith("__") and name.endswith("__")) or cls in facts.functions
                or not any(d.value.kind == "class" and d.value.scope == cls for d in facts.decls)
                or not all(self._wrapping_decorator(path, facts, d) for s, d in facts.decorators if s == scope)
                or not self._project_ancestry(path, cls, 0)):
            return None
        mentions = self._finder.project.mentions(is_test_path)
        written, called = mentions.named.get(name, 0), mentions.called.get(name, 0)
        if not written:
            return [] if name.startswith("_") or not library else None
        calls = self._finder.project.calls_named(name)
        # every mention a call (or a word of a longer text: a call's excerpt, a log message)
        if (written - mentions.loose.get(name, 0) > called or _composed_name(name, mentions.named)
                or len(calls) > self.NAME_CALLS_READ):
            return None
        family = self._class_family(path, cls)
        nodes: list[tuple[str, int]] = []
        candidates = 0
        for file, call in calls:
            if (is_test_path(file) or len(call.callee) < 2 or file == path and scope in call.scopes
                    or not self._may_call(file, call, family)):
                continue  # (a call inside the method itself: a retry, or another object's method of that name)
            candidates += 1
            found = self._caller_nodes([(file, call)])
            if found is None:
                return None
            nodes += found
        if not candidates and library and not name.startswith("_"):
            return None  # the project calls no method of that name: its users may
        return nodes

    def _wrapping_decorator(self, path: str, facts: FileFacts, decorator: tuple[str, ...]) -> bool:
        """Whether `@decorator` is a project function that only wraps what it decorates (st2client's
        `add_auth_token_to_kwargs_from_env`: it defines an inner function, returns it and calls
        nothing itself but `functools.wraps`), so registers it nowhere. O(its file's calls)."""
        for target in self._finder.project.resolve(path, (0,), decorator):
            if target.kind != "function":
                return False
            inner = self._finder.files[target.path]
            if (not any(parent == target.scope for parent in
                        (inner.scope_parents.get(s, 0) for s in inner.functions))
                    or any(c.scopes[0] == target.scope and c.callee[-1:] != ("wraps",) for c in inner.calls)
                    or any(s == target.scope for s, _, _ in inner.members)):
                return False
            return True
        return False

    def _class_family(self, path: str, cls: int) -> frozenset[tuple[str, int]]:
        """Class `cls` of `path` and the project classes above it (O(the bases above it), memoized)."""
        known = self._families.get((path, cls))
        if known is not None:
            return known
        found = {(path, cls)}
        todo = [(path, cls, 0)]
        while todo:
            file, scope, depth = todo.pop()
            if depth > 8:
                continue
            scopes, bases = self._finder.files[file].class_bases.get(scope, ((), ()))
            for base in bases:
                for target in self._finder.project.resolve(file, scopes, base):
                    if target.kind == "class" and (target.path, target.scope) not in found:
                        found.add((target.path, target.scope))
                        todo.append((target.path, target.scope, depth + 1))
        known = self._families[(path, cls)] = frozenset(found)
        return known

    def _may_call(self, file: str, call, family: frozenset[tuple[str, int]]) -> bool:
        """Whether `call` (`x.name(…)`) may run a method of the class whose family (itself and the
        classes above it) is `family`: its receiver is not read (an attribute, a parameter: dynamic
        dispatch), or is `self`/`cls` of a class whose family meets it (an override or an inherited
        method), or resolves to one of those classes; not when it resolves to another class, a
        module or a function."""
        receiver = call.callee[:-1]
        facts = self._finder.files[file]
        if receiver in (("self",), ("cls",)):
            owner = next((s for s in call.scopes if s not in facts.functions and s != 0
                          and any(d.value.kind == "class" and d.value.scope == s for d in facts.decls)), 0)
            # (a class below the method's: its family holds the method's class)
            return not owner or (file, owner) in family or bool(self._class_family(file, owner) & family)
        targets = self._finder.project.resolve(file, call.scopes, receiver)
        if not targets:
            return True
        for target in targets:
            if target.kind in ("class", "instance"):
                if (target.path, target.scope) in family or self._class_family(target.path, target.scope) & family:
                    return True
            elif target.kind not in ("module", "function", "external", "object", "array"):
                return True  # a parameter, a call's value, a name not followed: cannot be read
        return False

    def _with_made_and_called(self, preds: list[tuple[str, int]] | None, path: str, facts: FileFacts,
                              scope: int) -> list[tuple[str, int]] | None:
        """`preds` and the nodes of the `Cls().name(…)` calls of the method: more ways to run it,
        never fewer (a harness's `PagerdutyProvider().get_alerts()` in a `__main__` block does not
        take the method out of the API that calls it through a factory)."""
        if preds is None:
            return None
        made = self._made_and_called(path, facts, scope)
        nodes = self._caller_nodes(made) if made else []
        return None if nodes is None else preds + nodes

    def _made_and_called(self, path: str, facts: FileFacts, scope: int) -> list[tuple[str, object]]:
        """The calls `Cls().name(…)` of the method `scope` of `path` (teuthology's
        `report.ResultsReporter().get_jobs(…)`): the call has no callee of its own, its receiver is
        the construction of the method's class or of a class below it. The calls of a method name
        on a call's result are indexed once (O(calls)); O(those of this name) per method, asked once
        per method (`_preds` is memoized)."""
        function = facts.functions.get(scope)
        cls = facts.scope_parents.get(scope, 0)
        if function is None or not function.name or cls == 0 or cls in facts.functions or facts.language != "python":
            return []
        if self._chained is None:
            self._chained = defaultdict(list)
            for file, other in self._finder.files.items():
                if other.language == "python":
                    for call in other.calls:
                        if not call.callee and call.method and call.receiver_call >= 0:
                            self._chained[call.method].append((file, call))
        found = []
        for file, call in self._chained.get(function.name, ()):
            made = self._finder.files[file].calls[call.receiver_call]
            if made.callee and any(t.kind == "class" and (path, cls) in self._class_family(t.path, t.scope)
                                   for t in self._finder.project.resolve(file, made.scopes, made.callee)):
                found.append((file, call))
        return found

    def _super_mentions(self) -> dict[str, int]:
        """How often each class name is written as the first argument of `super(Cls, self)` outside
        tests (counted as `Mentions` counts it: the name and its text): the class calling its own
        base, which hands it to no one (teuthology's `super(JobDeleter, self).__init__()`). One pass
        over the calls named `super`, the first time a class asks."""
        if self._supers is None:
            self._supers = defaultdict(int)
            for file, call in self._finder.project.calls_named("super"):
                if call.callee == ("super",) and call.args and not is_test_path(file):
                    first = call.args[0]
                    if first.kind == "ref" and len(first.path) == 1:
                        self._supers[first.path[0]] += 1 + (first.text == first.path[0])
        return self._supers

    def _decorated_class(self, path: str, facts: FileFacts, scope: int) -> bool:
        """Whether the class `scope` of `path` has a decorator (`@register`), which may hand it to a
        registry: the facts keep functions' decorators only, so the line above its `class` is read
        (once per class asked about, from `_class_preds`, itself memoized)."""
        line = next((d.line for d in facts.decls if d.value.kind == "class" and d.value.scope == scope), 0)
        if line <= 1 or self._tree is None:
            return True  # cannot tell: as if decorated (keep reporting)
        try:
            lines = self._tree.read(path).decode("utf-8", "replace").splitlines()
        except OSError:
            return True
        above = line - 2
        while above >= 0 and (not lines[above].strip() or lines[above].lstrip().startswith("#")):
            above -= 1
        return above >= 0 and lines[above].lstrip().startswith(("@", ")"))

    def _method_named_nowhere(self, path: str, facts: FileFacts, scope: int) -> bool:
        """A method of a project class that nothing outside tests names: no call, value, import,
        attribute or string of the project writes its name (`mentions`: `getattr(self, "post_file")`
        and a route table's `"post_file"` count), it is no dunder and has no decorator (a route, a
        property, a framework hook registered by decorator), and no class above its own is a
        library's (a library base may call an override by name: `Thread.run`, a Django view's
        `get`, `logging.Handler.emit`) or one crashlint cannot resolve. Nothing can run it, whatever
        its class does (snuba's `SlackClient.post_file`, called by a test only; pyload's
        `CircleCaptcha.decrypt_from_web`, called nowhere). O(the bases above it) per method, after
        the one pass of `mentions`."""
        function = facts.functions.get(scope)
        cls = facts.scope_parents.get(scope, 0)
        if (function is None or not function.name or function.name.startswith("__") and function.name.endswith("__")
                or cls in facts.functions
                or not any(d.value.kind == "class" and d.value.scope == cls for d in facts.decls)
                or any(s == scope for s, _ in facts.decorators)):
            return False
        # named where a long-lived process loads code (`live_mentions`): a method only a CLI, an
        # example or another program writes is no server's (timesketch's SDK `create_searchindex`,
        # which only the importer CLI calls, in a module the BYOT daemon loads)
        # — unless live code hands the class on as a value (`HANDLERS = {"tc": Taskcluster}`): what is
        # called on it then cannot be read, so a name written anywhere in the project counts, as before
        live = self.live_mentions()
        owner = next((d.name for d in facts.decls if d.value.kind == "class" and d.value.scope == cls), "")
        handed_on = live.named.get(owner, 0) - live.called.get(owner, 0) - live.imported.get(owner, 0) > 0
        named = self._finder.project.mentions(is_test_path).named if handed_on else live.named
        if named.get(function.name, 0) or _composed_name(function.name, named):
            return False
        return self._project_ancestry(path, cls, 0)

    def _project_ancestry(self, path: str, cls: int, depth: int) -> bool:
        """Whether every class above class `cls` of `path` is a project class (or `object`)."""
        scopes, bases = self._finder.files[path].class_bases.get(cls, ((), ()))
        if depth > 8:
            return False
        for base in bases:
            if base == ("object",):
                continue
            targets = self._finder.project.resolve(path, scopes, base)
            if not targets or any(t.kind != "class" for t in targets):
                return False
            if not all(self._project_ancestry(t.path, t.scope, depth + 1) for t in targets):
                return False
        return True

    def _named_nowhere(self, path: str, facts: FileFacts, scope: int) -> bool:
        """A top-level function no call, import, value or string of the project names and no
        decorator registers, and no start command names (`gunicorn "app:create_app()"`), in a module
        other modules import names from (a helper module: one they do not import is loaded by name,
        as Django loads an app's views.py; one they import whole may be read by attribute, so there
        a name a string may compose counts too): nothing can run it (kpi's
        `get_enketo_submission_url`, ail's `check_if_domain_csam`). Test code does not count."""
        name = facts.functions[scope].name
        if not name or name.startswith("__") or any(s == scope for s, _ in facts.decorators):
            return False
        if any(name in line for p in self.processes for line in p.evidence):
            return False
        importers = [importer for importer, _ in self._finder.importers.get(path, ()) if not is_test_path(importer)]
        if not importers:
            return False  # a module nothing imports is loaded by name (a Django app's views.py, tasks.py)
        named = self.live_mentions().named  # (as for methods: where a long-lived process loads code)
        if named.get(name, 0):
            return False
        # `from svc import routes`: what it holds may be read off the module by a name a string
        # composes (`getattr(routes, "on_" + event)`); a name no word of the project begins is not
        # (ail's `check_if_domain_csam`, in a module the Flask blueprints import whole)
        return not (self._imported_whole(path, importers) and _composed_name(name, named))


def marimo_notebook(facts: FileFacts, names_by_call: list) -> int | None:
    """The line of `app = marimo.App(…)` when the file is a marimo notebook: that call at the top
    level and functions decorated `@app.cell` (docs.marimo.io: a notebook is a Python file whose
    cells are functions registered on a `marimo.App`; `marimo edit nb.py` opens it, `python nb.py`
    runs its cells once, `app.run()`). None otherwise. O(the file's calls and decorators)."""
    for call, names in names_by_call:
        # (inside marimo's own package `marimo.App` resolves to its module: `marimo._ast.app.App`)
        marimo = call.callee == ("marimo", "App") or any(n == "marimo.App" or n.startswith("marimo.") and n.endswith(".App") for n in names)
        if marimo and call.scopes[0] == 0 and call.bound_to:
            if any(d[1] == (call.bound_to, "cell") for d in facts.decorators):
                return call.span[0]
    return None


# a class named for the browser runtime of Python (Pyodide, a CPython built for WebAssembly by
# Emscripten): marimo's `WasmLazyStore`, whose `_http_get` is a "sync fetch via pyodide_http-patched
# urllib" — a synchronous XHR in the page, not a socket of the server's
WASM_CLASS = re.compile(r"Wasm|WASM|Pyodide|Emscripten")
WASM_WORDS = re.compile(r"\b(?:pyodide\w*|emscripten)\b", re.I)


def _scope_name(facts: FileFacts, scope: int) -> str:
    """The name of the function or class `scope` declares ("" if none). O(its declarations)."""
    function = facts.functions.get(scope)
    if function is not None:
        return function.name
    return next((d.name for d in facts.decls if d.value.kind == "class" and d.value.scope == scope), "")


def runs_until_stopped(facts: FileFacts, scope: int, first: int, last: int) -> bool:
    """Whether the forever loop of `scope` at lines `first`-`last` runs as long as its process: nothing
    in it can end it, or every way out is under an `if` and one of them is a stop the program is told
    (lookyloo's and lacus's `AbstractManager.run`: `if self.shutdown_requested(): break`, `if not
    self.long_sleep(…): break`, a `Popen` child that died) — a service loop, where a retry loop that
    breaks once its call succeeds, or a wait-for-a-job loop (`if status.done: break`), ends on its own."""
    exits = [line for s, line in facts.loop_exits if s == scope and first < line <= last]
    if not exits:
        return True
    kinds = {line: kind for s, line, kind in facts.stop_exits if s == scope}
    return all(line in kinds for line in exits) and any(kinds[line] == "stop" for line in exits)


def background_calls(facts: FileFacts, scope: int) -> set[int]:
    """The calls of function `scope` handed to `create_task` / `ensure_future` (`asyncio.create_task(
    consume(…))`), by index, when the function awaits no join of its tasks (`asyncio.gather`, `wait`):
    what they run is in the background of the function, which ends without them — also when it
    cancels them before it joins them (mlserver's `process_batch`: `consumer.cancel()`, then
    `await asyncio.gather(*consumers)`). O(the file's calls)."""
    own = [c for c in facts.calls if c.scopes[0] == scope]
    if any((c.callee[-1:] or (c.method,))[0] in PY_TASK_JOINS for c in own) and not any(c.method == "cancel" for c in own):
        return set()
    return {arg.call for c in own if (c.callee[-1:] or (c.method,))[0] in PY_TASK_STARTS
            for arg in c.args[:1] if arg.kind == "call" and arg.call >= 0}


def self_triggered(names: set[str], call) -> bool:
    """Whether a server call stops only when the program says so: hypercorn's `serve(app, config,
    shutdown_trigger=…)` installs no SIGINT/SIGTERM handler of its own (hypercorn/asyncio/run.py,
    `worker_serve`: the handlers are added only `if shutdown_trigger is None`), so the process that
    runs it is not hosted by a server that handles SIGTERM."""
    if not names & {"hypercorn.asyncio.serve", "hypercorn.trio.serve"}:
        return False
    given = call.keyword("shutdown_trigger")
    return given is not None and given.kind != "none"


_SIGNAL_NAME = re.compile(r"\bSIG([A-Z0-9]+)\b")


def other_signal(call) -> bool:
    """Whether `signal.signal(…)` sets a signal that does not stop a program (`signal.SIGCHLD`,
    `SIGALRM`, `SIGPIPE`): motioneye's `sendmail` command resets SIGCHLD and ends; a handler of
    SIGTERM, SIGINT, SIGHUP or SIGQUIT (or a signal named by a variable) is what a long-running
    program installs."""
    first = call.args[0].path if call.args and call.args[0].path else ()
    name = _SIGNAL_NAME.search(".".join(first) or (call.args[0].text if call.args else ""))
    return name is not None and name.group(1) not in ("TERM", "INT", "HUP", "QUIT", "BREAK")


def _composed_name(name: str, named: dict[str, int]) -> bool:
    """Whether a string of the project may compose `name` at run time: a word written somewhere is
    its head up to a `_` or a case or digit boundary (`getattr(self, "on_" + action)`,
    `getattr(self, f"_convertV{v}")`) or its tail from one (`kind + "_handler"`). O(len(name))."""
    for cut in range(2, len(name) - 1):
        head, tail = name[:cut], name[cut:]
        if named.get(head) and (head.endswith("_") or tail[0].isdigit() or tail[0].isupper()):
            return True
        if named.get(tail) and (tail.startswith("_") or tail[0].isupper()):
            return True
    return False


@dataclass(frozen=True)
class Declared:
    """`[tool.crashlint]` declarations, paths relative to the scan root."""

    processes: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (name, kind, entry files)
    browser: tuple[str, ...] = ()  # globs
    tooling: tuple[str, ...] = ()  # globs


def _matches(path: str, globs: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(path, g) or fnmatch.fnmatchcase(path, g.rstrip("/") + "/**") or path.startswith(g.rstrip("/*") + "/") for g in globs)


# `instrumentation.ts` at the app's root or in src/: Next.js calls its `register()` once as each
# server instance starts (nextjs.org/docs/app/guides/instrumentation)
# `proxy.ts` at the app's root or in src/: Next.js 16's name for middleware, which runs in the Node.js
# runtime (nextjs.org/docs/app/api-reference/file-conventions/proxy)
_NEXT_SERVER = re.compile(r"(^|/)(pages/api|app/api)/|(^|/)app/.*/route\.[jt]s$|(^|/)middleware\.[jt]s$|\.server\.[jt]sx?$"
                          r"|^(src/)?(instrumentation|proxy)\.[jt]s$")
# a module of the Pages Router's API folder (`pages/api/…`, `src/pages/api/…`): an API route if it is a handler
_NEXT_API_FILE = re.compile(r"(^|/)pages/api/")
# The App Router's files that its server renders by their place under `app/`: pages, layouts,
# templates, loading / not-found / forbidden UI and parallel-route defaults are server components
# unless they declare "use client"; metadata routes (sitemap, robots, manifest, Open Graph images and
# icons) run on the server too (nextjs.org/docs/app/api-reference/file-conventions; `error.tsx` and
# `global-error.tsx` must be client components, so they are not here).
_NEXT_APP_FILE = re.compile(r"(^|/)app/(?:.*/)?(?:page|layout|template|loading|not-found|global-not-found|forbidden|unauthorized|default"
                            r"|sitemap|robots|manifest|opengraph-image|twitter-image|icon|apple-icon)\.[jt]sx?$")
# Interactive terminal prompts: a module that asks its user questions is a command-line tool (a
# template's set-up script, a generator), never a server's code
PROMPT_LIBRARIES = ("inquirer", "@inquirer/", "enquirer", "prompts", "@clack/prompts", "readline-sync", "@topcli/prompts")


def asks_a_user(modules: list[str]) -> bool:
    return any(m == lib or m.startswith(lib if lib.endswith("/") else lib + "/") for m in modules for lib in PROMPT_LIBRARIES)


# Libraries that render JSX to an image or a string on the server (OG images with satori and resvg,
# `next/og`'s ImageResponse, `react-dom/server`): a file that uses one is not page code
SERVER_RENDERERS = frozenset({"satori", "@resvg/resvg-js", "next/og", "@vercel/og", "react-dom/server", "@react-email/render",
                              "@react-email/components"})
# Interactive terminal prompts: a module that asks its user questions is a command-line tool (a
# template's set-up script, a generator), never a server's code
PROMPT_LIBRARIES = ("inquirer", "@inquirer/", "enquirer", "prompts", "@clack/prompts", "readline-sync", "@topcli/prompts")


def asks_a_user(modules: list[str]) -> bool:
    return any(m == lib or m.startswith(lib if lib.endswith("/") else lib + "/") for m in modules for lib in PROMPT_LIBRARIES)


# Libraries that render JSX to an image or a string on the server (OG images with satori and resvg,
# `next/og`'s ImageResponse, `react-dom/server`): a file that uses one is not page code
SERVER_RENDERERS = frozenset({"satori", "@resvg/resvg-js", "next/og", "@vercel/og", "react-dom/server", "@react-email/render",
                              "@react-email/components"})
# `node .output/server/index.mjs` (after `cd apps/web`, or `apps/web/.output/…` from the root):
# the server a TanStack Start app's `vite build` writes (group 1: the app's folder)
_START_OUTPUT = re.compile(r"^(?:\./)?((?:[\w.@-]+/)*?)\.output/server/index\.mjs$")
TANSTACK_START = frozenset({"@tanstack/react-start", "@tanstack/solid-start", "@tanstack/start"})
# a fixed part of every path `_NEXT_SERVER` matches: a path that holds none of them cannot match
_NEXT_SERVER_PARTS = ("pages/api/", "app/", "middleware.", ".server.", "instrumentation.", "proxy.")


def bundler_plugin(facts: FileFacts) -> bool:
    """A webpack plugin: its `apply(compiler)` taps the compiler's hooks (`compiler.hooks.emit.tapAsync(…)`,
    webpack.js.org/contribute/writing-a-plugin/) or, before webpack 4, calls `compiler.plugin("emit", …)`
    (rapidpro's components/CreateIncludesPlugin.js). Build tooling: the bundler loads it while it builds. O(calls)."""
    return any(len(call.callee) >= 2 and call.callee[0] == "compiler" and call.callee[1] in ("plugin", "hooks") for call in facts.calls)


def object_keys_of(facts: FileFacts, scope: int) -> set[str]:
    """The keys under which object literals a file declares by name hold the function `scope` (`const
    request = { get: async (…) => … }`: "get"), the names its callers call it by. Not an object a
    function returns (`<return>`): what its callers do with it is a factory's API (novu's
    `initApiClient(key).delete`), used where crashlint does not follow it."""
    return {k for d in facts.decls if d.value.kind == "object" and d.value.arg is not None and not d.name.startswith("<")
            for k, v in zip(d.value.arg.keys, d.value.arg.values) if v.kind == "function" and v.scope == scope}


class _Finder:
    def __init__(self, project: Project, declared: Declared) -> None:
        self.project = project
        self.declared = declared
        self.files = project.files
        self.graph: dict[str, list[str]] = {}  # file → the files it loads (those that load any)
        self.importers: dict[str, list[tuple[str, None]]] = {}  # file → (a file that loads it, None), in file order
        self.processes: list[Process] = []
        # `add`'s indexes (entries are fixed while processes are found): the processes by their
        # entries, and the entries of CLI processes — O(1) per `add`, not a pass over the processes
        self._by_entries: dict[tuple[str, ...], list[Process]] = {}
        self._demo_noted: set[tuple[str, ...]] = set()  # programs `add` has said are in a demo folder
        self._cli_entries: set[str] = set()
        self._python_packages: dict[str, list[str]] = {}
        self.started: set[str] = set()  # packages whose start command (or declaration) names their processes
        self._started_closures: dict[tuple[str, ...], frozenset[str]] = {}
        self._own_closures: dict[tuple[str, ...], frozenset[str]] = {}  # `own_files`, one scan
        self._spawned_memo: dict[str, frozenset[str]] = {}  # `_spawned_by`, one scan
        self._page_roots: tuple[str, ...] | None = None
        self.dev_loaded: dict[str, list[str]] = {}  # file → the files that import it only under a development switch
        self._branch_memo: dict[str, list[tuple[int, list[str], str]]] = {}  # `branch_commands`, by file
        self.last_serve: tuple[str, object] | None = None  # the call the last `main_kind` walk found serving
        self._path_roles: dict[str, str] = {}
        self._page_reached: frozenset[str] | None = None  # what page code loads (_page_code_closure)
        self._loader_filters: list[frozenset[str]] | None = None  # `filtered_by_a_loader`'s, read once
        self._loader_runs: dict[tuple[int, str], bool] = {}  # `loader_runs_in`: (process, loader file) → answer
        self._loaded_folders: dict[str, tuple[FileFacts, list[str] | None]] = {}  # `python_loaded_folders`, by file
        self._callers_memo: dict[tuple[str, int], list[tuple[str, object]]] = {}  # `_loader_callers`
        self.hosted_entries: set[str] = set()  # modules a command hands to gunicorn, uvicorn, celery, …
        # (module file, attribute) a start command names after the colon: `uvicorn --factory
        # speaches.main:create_app`, `gunicorn 'webservices.rest:create_app()'` (`served_function`)
        self.served_names: set[tuple[str, str]] = set()
        self._served_strings: set[tuple[str, str]] | None = None  # … and a server call's import string
        self._wasm_files: dict[str, bool] = {}  # browser_class: files with a class named for Pyodide
        self.notebooks: set[str] = set()  # marimo notebooks (`marimo_notebook`): what a kernel runs
        # gunicorn config files start commands name with no app: (config, kind, package, cwd), and the app each names
        self.gunicorn_configs_named: list[tuple[str, str, str, str | None]] = []
        self._gunicorn_apps: dict[tuple[str, str, str | None], str | None] = {}
        self._paste_apps: dict[str, list[str]] = {}
        self.setup_files: set[str] = set()  # files that serve a setup wizard or a migration page, then stop
        self.probes: set[str] = set()  # scripts a Dockerfile's HEALTHCHECK runs: short-lived, never a server's module
        # the subcommands start commands of long-lived processes name (`python -m robotoff
        # run-scheduler`): the click / typer commands of those names run in the service
        self.started_commands: set[str] = set()
        # the click / typer command functions a long-lived console script runs itself (`fmn-sender =
        # fmn.sender.cli:main`, `@click.command() def main`): the daemon, not a command a user types
        self.started_functions: set[tuple[str, int]] = set()
        self._cli_commands: dict[tuple[str, int], tuple[str, ...]] = {}  # a function → its command names, () if none
        # a click group function → its subcommands' callbacks (`group_subcommands`, memoized per group)
        self._subcommands: dict[tuple[str, int], list[tuple[str, int]]] = {}
        self._command_decorators: dict[str, list[tuple[str, int]]] | None = None  # `command_decorators`
        self._lines: dict[str, list[str]] = {}  # a file's lines, read for `_worklist_loop`
        # a console script's module and function → what each subcommand of its click group or typer app
        # runs, one evidence line (`console_script_kind`): `marimo edit` serves, `marimo convert` ends
        self.subcommand_evidence: dict[tuple[str, str], str] = {}
        # file → (script name, package, evidence) for the files package.json scripts that are not
        # start commands run (`build`, `codegen`, `load-test:1k`, `dev:server`): what runs them
        self.script_runs: dict[str, tuple[str, str, str]] = {}
        # exported functions of a library package that start its server or worker (vendure's
        # `bootstrap(config)`), called only by scripts here: (file, scope); long-lived themselves
        self.start_functions: set[tuple[str, int]] = set()
        self.js_signs: dict[str, list[tuple[str, int]]] = {}
        self.bin_servers: set[str] = set()  # packages whose package.json `bin` starts their server (Haraka)
        # packages whose long-lived program a Dockerfile, Procfile, compose file or supervisor starts
        self.launched: set[str] = set()
        self.tree: SourceTree | None = None  # where build scripts are read (`build_entries`), `serverless`
        self._dev_calls: dict[str, frozenset[int]] = {}
        self._dev_indices: dict[str, tuple[int, ...]] = {}
        self._dev_imported: dict[str, frozenset[str]] = {}
        self._next_server: dict[str, list[str]] = {}  # package → its Next.js server files (next_server_files)
        self._next_candidates: list[str] | None = None  # the files that may be one
        self._server_actions: list[str] | None = None  # files that declare "use server" (next_server_files)
        self._server_components: frozenset[str] | None = None  # App Router server components (server_components)
        self._lambda_settings: dict[str, list[tuple[str, str, str]]] = {}  # folder → `lambda_settings`
        self._client_tree: frozenset[str] | None = None  # "use client" modules and what they load (client_tree)
        self.client_modules: frozenset[str] = frozenset()  # set by build_graph
        self._route_modules: dict[str, list[str]] = {}  # package → its React Router server's modules (route_modules)
        self._required_calls: dict[str, list[tuple[str, object]]] = {}  # file → calls of `require(file)(…)`
        self._framework_loads: dict[str, tuple[str, list[str]]] | None = None  # `framework_loads`, once
        self._convention_of: dict[str, str] | None = None  # `convention_loader`: target → its loader, once
        self._plugin_loads: dict[str, tuple[str, list[str]]] | None = None  # `plugin_loads`, once
        self._folder_loads: dict[str, tuple[str, list[str]]] | None = None  # `folder_loads`, once
        self._class_folders: tuple[str, ...] | None = None  # `class_by_name`, once
        # (loader, module) edges of Python plugins and folder loads (`plugin_loads`, `folder_loads`):
        # in a package with no start command, a module only these load is still one nothing imports
        # (`roots`): who runs the loader is not known, so it keeps its judgement by path
        self.loaded_by_name: set[tuple[str, str]] = set()
        # (module, attribute) of each entry point in a group some file loads (`plugin_loads`): roots
        self.plugin_attrs: frozenset[tuple[str, str]] = frozenset()
        # the project's console scripts by name (`consoleme` → consoleme/__main__.py, "init"): a start
        # command that names one runs that function
        self.console_commands: dict[str, tuple[str, str]] = {}
        for manifest in project.manifests.values():
            for name, target, _ in manifest.console_scripts:
                module, _, function = (part.strip() for part in target.partition(":"))
                found = project.python_modules.get(module)
                if found and name not in self.console_commands:
                    self.console_commands[name] = (found, function)
        # the project's extensionless `#!` Python programs by name (`ouroboros`, `bin/fail2ban-server`:
        # discovery parses those a launch file names): a start command that names one runs that file
        self.script_commands: dict[str, str] = {}
        for path in sorted(self.files):
            if self.files[path].language == "python" and "." not in posixpath.basename(path):
                self.script_commands.setdefault(posixpath.basename(path), path)
        # the commands the project's package.json `bin`s install, by name (`cross-seed` → its package
        # and packages/cross-seed/dist/cmd.js): a Dockerfile's `ENTRYPOINT /usr/local/bin/cross-seed`
        # (after `npm link`) or a start script's `cross-seed daemon` runs that file
        self.bin_commands: dict[str, tuple[str, str]] = {}
        self._program_serves_memo: dict[str, tuple[str, object] | None] = {}  # program_serves, by entry
        for package, manifest in sorted(project.manifests.items()):
            for name, target in manifest.bin_names:
                self.bin_commands.setdefault(name, (package, target))

    # ---- the import graph ---------------------------------------------------------------------

    def build_graph(self) -> None:
        """Each file's imports (memoized per file in the project model: an edit re-resolves only the
        files it reaches), then the graph and its reverse, O(edges); kept across edits, patched for
        the files an edit reached (`Project.index`)."""
        project = self.project
        self.graph = project.parts("loads", self._kept_loads, keep=False)  # type: ignore[assignment]
        # the "use client" modules, where a walk from server code stops (`_closure`); part of the
        # closures' memo key, so that an edit of a directive alone (no import changed) is seen
        self.client_modules = frozenset(project.parts("use-client", lambda path, facts: True,
                                                      lambda path, facts: facts.client_directive, keep=False))
        if project.incremental:
            self.importers = project.index("loads", self._kept_loads, lambda path, targets: [(t, None) for t in targets])  # type: ignore[assignment]
        else:
            for path, targets in self.graph.items():
                for target in targets:
                    self.importers.setdefault(target, []).append((path, None))
        self.add_framework_loads()
        # `if (options.dev) await import("./dev-server")`: each file's modules imported only so
        dev = project.parts("dev-loads", lambda path, facts: [t for spec in facts.dev_imports if (t := project.resolve_module(path, spec)) is not None],
                            lambda path, facts: bool(facts.dev_imports), keep=False)
        for path, targets in dev.items():
            loads = self.graph.get(path, ())
            for target in targets:  # type: ignore[union-attr]
                if target not in loads:
                    self.dev_loaded.setdefault(target, []).append(path)

    def add_framework_loads(self) -> None:
        """The modules a framework loads by their folders (`framework_loads`) become loads of the
        file that starts the framework, in the graph and its reverse (copied: the project model's
        parts are not changed)."""
        found = self.framework_loads()
        if not found:
            return
        self.graph = dict(self.graph)
        self.importers = dict(self.importers)
        for loader, (_, targets) in found.items():
            loads = self.graph.get(loader, [])
            new = [t for t in targets if t not in loads and t != loader]
            if new:
                self.graph[loader] = [*loads, *new]
                for target in new:
                    self.importers[target] = [*self.importers.get(target, ()), (loader, None)]
                if self.files[loader].language == "python":
                    self.loaded_by_name.update((loader, target) for target in new)

    def framework_loads(self) -> dict[str, tuple[str, list[str]]]:
        """file → (evidence, the modules it loads by a framework's folder convention): a Sails app's
        `sails.lift()` (its config/ and api/ folders, `SAILS_FOLDERS`, under the app's package folder)
        and a Sapphire bot's `client.login()` (its stores' folders, `SAPPHIRE_STORES` and the
        project's own stores, under the folder of its package's `main`/`module` source, else the
        file's). Cost: one pass over the files' imports, then per such file one pass over its
        package's paths; computed once per model."""
        if self._framework_loads is not None:
            return self._framework_loads
        found: dict[str, tuple[str, list[str]]] = {}
        project = self.project
        sapphire: list[str] = []
        stores = set(SAPPHIRE_STORES)
        # each JS/TS file's signs, kept across scans with its content (`Project.own_pass`: a commit
        # scan reads them of the edited file alone, not every call of the project)
        signs = project.own_pass("framework-signs", lambda path, facts: _framework_signs(facts),
                                 lambda path, facts: facts.language != "python")
        for path, (lift, login, store_names) in signs.items():  # type: ignore[misc]
            if is_test_path(path):
                continue
            if lift >= 0:
                # `sails.lift(rc('sails'))`, `require('sails').lift(…)`: the app's folder is the file's package
                call = project.files[path].calls[lift]
                folder = project.package_root(path)
                prefixes = tuple(posixpath.join(folder, f) + "/" for f in SAILS_FOLDERS)
                targets = [f for f in project.files if f.startswith(prefixes) and f != path
                           and project.files[f].language != "python" and not is_test_path(f)]
                if targets:
                    found[path] = (f"{path}:{call.span[0]}: `{call.text}` loads the app's {', '.join(SAILS_FOLDERS)} modules by their folders "
                                   f"(Sails's moduleloader hook): {len(targets)} module(s)", targets)
            if login:
                # `client.login()` in a package that depends on the framework: the bot's entry
                # (skyra's `Skyra.ts` logs in a `SkyraClient` it imports from its own lib)
                manifest = project._package_manifest(path)
                if manifest is not None and SAPPHIRE_MODULES[0] in manifest.dependencies:
                    sapphire.append(path)
            stores.update(store_names)
        for path in sapphire:
            manifest = project._package_manifest(path)
            root = posixpath.dirname(path)
            if manifest is not None and manifest.main:
                main = self.source_for(posixpath.dirname(manifest.path), manifest.main)
                if main is not None:
                    root = posixpath.dirname(main)
            prefixes = tuple(posixpath.join(root, name) + "/" for name in sorted(stores))
            targets = [f for f in project.files if f.startswith(prefixes) and f != path
                       and project.files[f].language != "python" and not is_test_path(f)]
            if targets:
                call = next(c for c in self.files[path].calls if c.callee[-1:] == ("login",) or c.method == "login")
                folders = sorted({f[len(root) + 1 if root else 0:].split("/", 1)[0] for f in targets})
                found[path] = (f"{path}:{call.span[0]}: `{call.text}` loads the Sapphire stores' pieces by their folders under "
                               f"{root or '.'}/ ({', '.join(folders)}): {len(targets)} module(s)", targets)
        found.update(self.plugin_loads())
        for path, load in self.pyramid_loads().items():
            found.setdefault(path, load)
        for path, load in self.folder_loads().items():
            if path in found:  # (a file that is both: one evidence line each, one list of modules)
                text, targets = found[path]
                found[path] = (f"{text}; {load[0].split(': ', 1)[1]}", targets + [t for t in load[1] if t not in targets])
            else:
                found[path] = load
        self._framework_loads = found
        return found

    def pyramid_loads(self) -> dict[str, tuple[str, list[str]]]:
        """file → (evidence, the modules its Pyramid configuration loads by dotted name), in a project
        that depends on Pyramid: `config.include("h.db")` imports that module and runs its
        `includeme` (a relative name, `config.include(".reply")`, is under the caller's package), and
        `config.scan("h.views")` / `config.scan(__name__)` / `config.scan()` imports every module of
        that package (of the caller's, given none) to register their decorated views and subscribers
        (docs.pylonsproject.org/projects/pyramid/en/latest/api/config.html, `Configurator.include`:
        "a module or package … its includeme function", `Configurator.scan`: "If package is None,
        the package of the caller is used"). Cost: one pass over the Python files' calls when a
        manifest names pyramid or a module imports it, then one lookup per name and one prefix pass per scanned package."""
        project = self.project
        if not any("pyramid" in m.dependencies for m in project.manifests.values()) and not any(
                f.language == "python" and any(i == "pyramid" or i.startswith("pyramid.") for i in f.imports) for f in self.files.values()):
            return {}
        found: dict[str, tuple[str, list[str]]] = {}
        for path, facts in self.files.items():
            if facts.language != "python" or is_test_path(path):
                continue
            targets: list[str] = []
            first = None
            for call in facts.calls:
                if len(call.callee) < 2 or call.callee[-1] not in ("include", "scan") or call.callee[-2] not in ("config", "configurator"):
                    continue
                arg = call.args[0] if call.args else None
                if arg is not None and arg.kind == "string":
                    target = project.resolve_module(path, arg.text) if arg.text.startswith(".") else self.module_file(arg.text, project.package_root(path))
                elif arg is not None and arg.kind == "ref" and arg.path == ("__name__",):
                    target = path
                elif arg is None and call.callee[-1] == "scan":
                    folder = posixpath.dirname(path)
                    target = posixpath.join(folder, "__init__.py") if posixpath.join(folder, "__init__.py") in self.files else None
                else:
                    continue
                if target is None or self.files.get(target) is None or self.files[target].language != "python":
                    continue
                loaded = [target]
                if call.callee[-1] == "scan" and posixpath.basename(target) == "__init__.py":
                    prefix = posixpath.dirname(target) + "/"
                    loaded += [f for f, ff in self.files.items() if f.startswith(prefix) and ff.language == "python" and not is_test_path(f)]
                targets += [t for t in loaded if t != path and t not in targets]
                first = first or call
            if targets and first is not None:
                found[path] = (f"{path}:{first.span[0]}: `{first.text}` loads modules by dotted name (Pyramid's include/scan): "
                               f"{len(targets)} module(s)", targets)
        return found

    def class_by_name(self, path: str) -> bool:
        """Whether a module loaded by a computed import may have its classes got by a computed name:
        the loader's file also calls `getattr(module, name)` with a name that is not a literal (keep's
        ProvidersFactory: `import_module(f"keep.providers.{t}_provider.{t}_provider")`, then
        `getattr(module, t.title() + "Provider")`), and `path` is under a folder its computed imports
        load (`python_loaded_folders`, `folder_loads`). Such classes are roots of the reference
        check, built by the loader, though the project's only `Cls(…)` is a `__main__` harness; their
        methods stay bounded by the name check (`_method_named_nowhere`: a method no code names runs
        nowhere). Cost: one pass over the Python files' calls, once per model; then a prefix test."""
        if self._class_folders is None:
            folders: set[str] = set()
            folder_loads = self.folder_loads()
            for file, facts in self.files.items():
                if facts.language != "python" or is_test_path(file) or not self.dynamic_load(file):
                    continue
                if not any(c.callee == ("getattr",) and len(c.args) > 1 and c.args[0].kind == "ref"
                           and c.args[1].kind != "string" for c in facts.calls):
                    continue
                folders.update(f for f in self.python_loaded_folders(file) or () if f)
                folders.update(posixpath.dirname(t) + "/" for t in folder_loads.get(file, ("", []))[1])
            self._class_folders = tuple(sorted(folders))
        return bool(self._class_folders) and path.startswith(self._class_folders)

    def folder_loads(self) -> dict[str, tuple[str, list[str]]]:
        """file → (evidence, the modules it loads): a Python module that imports modules by a computed
        name and writes the project folders it imports from as path literals — SuperAGI's
        `tool_paths = ["superagi/tools", "superagi/tools/external_tools"]`, joined into
        `importlib.import_module(".".join(tools_dir.split("/") + [folder, file]))`, or walked with
        `os.listdir` and executed with `spec_from_file_location` — loads the Python modules under
        those folders (and their subfolders: the name is computed, so any depth may be named), though
        their paths alone (`tools/`) would judge them tooling. A folder is a literal relative to the
        project's root or the loader's package root that holds project Python modules; a folder list
        a file only reads (no computed import in it) loads nothing. Test files neither load nor are
        loaded. Cost: per file with a computed import, one read of its text and one prefix lookup
        per path literal in it; computed once per model."""
        if self._folder_loads is not None:
            return self._folder_loads
        found: dict[str, tuple[str, list[str]]] = {}
        self._folder_loads = found
        python = sorted(p for p, f in self.files.items() if f.language == "python" and not is_test_path(p))
        loaders = [p for p in python if self.dynamic_load(p)]
        if not loaders:
            return found
        folders: dict[str, list[str]] = {}  # folder + "/" → its Python modules (built once, lazily)
        for path in python:
            folder = posixpath.dirname(path)
            while folder:
                folders.setdefault(folder + "/", []).append(path)
                folder = posixpath.dirname(folder)
        for path in loaders:
            roots = dict.fromkeys(("", self.project.package_root(path)))
            named: list[str] = []
            for literal in FOLDER_LITERAL.findall(self._text(path)):
                literal = posixpath.normpath(literal.strip("/")).removeprefix("./")
                for root in roots:
                    folder = posixpath.join(root, literal) + "/" if root else literal + "/"
                    if folder in folders:
                        if folder not in named:
                            named.append(folder)
                        break
            named = [f for f in named if not any(f != o and f.startswith(o) for o in named)]  # the outermost
            targets = [m for f in named for m in folders[f] if m != path]
            if targets:
                line = self.dynamic_load(path)
                call = next((c for c in self.files[path].calls if c.span[0] == line), None)
                how = f"`{call.text}`" if call is not None else "a computed import"
                found[path] = (f"{path}:{line}: {how} loads the modules under the folder(s) the file names "
                               f"({', '.join(f.rstrip('/') for f in named)}) by computed names: {len(targets)} module(s)", targets)
        return found

    def plugin_loads(self) -> dict[str, tuple[str, list[str]]]:
        """file → (evidence, the modules it loads as plugins): the entry points the project's own
        packaging declares in a group (setup.py `entry_points`, setup.cfg, pyproject; `Manifest.
        entry_points`) that a Python file names as a string — `NamedExtensionManager("wazo_dird.views",
        …)`, `driver.DriverManager("zaqar.transport", name)`, `entry_points(group="app.plugins")`, a
        wrapper's `plugin_helpers.load(namespace="wazo_calld.plugins", …)`, `_namespace =
        "wazo_dird.backends"` read by the manager's call. A plugin manager imports each entry point's
        module by name (stevedore's `ExtensionManager` lists `importlib.metadata.entry_points()` of
        its `namespace` and loads each it keeps — stevedore/extension.py `_load_one_plugin`: `plugin =
        ep.resolve()` or `ep.load()`, then `plugin(*invoke_args, **invoke_kwds)` when
        `invoke_on_load`: `NamedExtensionManager` the
        `names` given, `DriverManager` the one the configuration names — which ones a deployment
        enables is its configuration's, so every module declared in the group counts). The name must
        be a call's argument in that file, or the project must import an entry-point loader
        (`ENTRY_POINT_LOADERS`): a group named only in the packaging, or only in a string no loader
        reads, loads nothing. Test files neither load nor are loaded. Cost: one pass over the
        manifests' entry points, then per Python file one set lookup per dotted string and per call
        argument; computed once per model."""
        if self._plugin_loads is not None:
            return self._plugin_loads
        found: dict[str, tuple[str, list[str]]] = {}
        self._plugin_loads = found
        project = self.project
        groups: dict[str, tuple[str, list[str]]] = {}  # group → (the file declaring it, its modules)
        attrs: dict[str, list[tuple[str, str]]] = {}  # group → (module, attribute) of each entry point
        for _, manifest in sorted(project.manifests.items()):
            for group, _, target, where in manifest.entry_points:
                name, _, attr = target.partition(":")
                module = project.python_modules.get(name)
                if module is None or is_test_path(module):
                    continue
                declared = groups.setdefault(group, (where, []))
                if module not in declared[1]:
                    declared[1].append(module)
                attrs.setdefault(group, []).append((module, attr.split(".")[0]))
        if not groups:
            return found
        # (setup.py declares the groups: its dict keys are no loader's)
        declaring = {where for where, _ in groups.values()}
        python = [(p, f) for p, f in sorted(project.files.items())
                  if f.language == "python" and not is_test_path(p) and p not in declaring and posixpath.basename(p) != "setup.py"]
        loader_lib = next(((p, spec) for p, f in python for spec in f.imports
                           if spec.split(".")[0] in ENTRY_POINT_LOADERS[0] or spec in ENTRY_POINT_LOADERS[1]), None)
        loaded: set[tuple[str, str]] = set()
        for path, facts in python:
            named: dict[str, str] = {}  # group → how the file names it
            for call in facts.calls:
                # `namespace=`/`group=` (stevedore's and importlib.metadata's keyword; a wrapper's, such as
                # wazo's `plugin_helpers.load(namespace=…)`) says it alone; another argument needs a loader
                args = [v for k, v in call.keywords if k in ("namespace", "group")]
                if loader_lib is not None:
                    args += [*call.args, *(v for k, v in call.keywords if k not in ("*", "**"))]
                for arg in args:
                    if arg.kind == "string" and arg.text in groups and arg.text not in named:
                        named[arg.text] = f"{path}:{call.span[0]}: `{call.text}`"
            if loader_lib is not None:
                for text in facts.dotted_strings:
                    if text in groups and text not in named:
                        named[text] = f"{path}: the string \"{text}\" (read by the plugin manager {loader_lib[1]}, imported by {loader_lib[0]})"
            targets: list[str] = []
            for group, how in named.items():
                where, modules = groups[group]
                targets += [m for m in modules if m != path and m not in targets]
            for group in named:
                loaded.update(attrs[group])
            if targets:
                found[path] = ("; ".join(f"{how} loads the entry points of group `{group}` ({groups[group][0]}) by name: "
                                         f"{len(groups[group][1])} module(s)" for group, how in named.items()), targets)
        self.plugin_attrs = frozenset(loaded)
        return found

    def convention_loader(self, path: str) -> str:
        """Which file's framework loads `path` by its folder, and how (`framework_loads`), or ""."""
        if self._convention_of is None:
            self._convention_of = {}
            for loader, (text, targets) in self.framework_loads().items():
                how = text.split(": ", 1)[1].split(" loads", 1)[0]
                for target in targets:
                    self._convention_of.setdefault(target, f"{loader}'s {how}")
        return self._convention_of.get(path, "")

    def _kept_loads(self, path: str, facts: FileFacts) -> list[str]:
        """`_loads`, kept across scans for the same contents (`Project.own_part`): it reads the file's
        own facts and what the set of files and the manifests say, but for a Python `Popen([…])`,
        whose callee is resolved (possibly through other files): such a file is asked every time."""
        return self.project.own_part("loads", path, lambda: self._loads(path, facts),  # type: ignore[return-value]
                                     own=lambda: facts.language != "python" or not facts.branch_imports
                                     and not any(c.callee[-1:] in _FOLLOWED_CALLS for c in facts.calls))

    def _loads(self, path: str, facts: FileFacts) -> list[str]:
        """The project files `path` loads: what it imports, re-exports and spawns, and in Python the
        submodules it imports and their packages' `__init__.py`."""
        project = self.project
        targets: dict[str, None] = {}
        dev = set(facts.dev_imports)
        specs = [s for s in facts.imports if s not in dev] + [e.module for e in facts.exports if e.module]
        for spec in specs:
            target = project.resolve_module(path, spec)
            if target is not None:
                targets[target] = None
        if facts.language == "python":
            for decl in facts.decls:  # `from pkg import module`: the submodule is loaded too
                value = decl.value
                if value.kind == "import" and value.name:
                    base = value.module if value.module.endswith(".") else value.module + "."
                    sub = project.resolve_module(path, base + value.name) if value.module else None
                    if sub is not None:
                        targets[sub] = None
            for call in facts.calls:  # `bot.load_extension("cogs.admin")`: the cog loads into the bot
                if extension_load(facts, call) and call.args and call.args[0].kind == "string":
                    sub = project.python_modules.get(call.args[0].text)
                    if sub is not None:
                        targets[sub] = None
            for target in self.python_spawned(path, facts):  # subprocess.Popen(["/letsencrypt.py"])
                targets[target] = None
            for target in self.python_served(path, facts):  # uvicorn.Config(**{"app": "app.app:app", …})
                targets[target] = None
            for target in list(targets):  # a module's packages run their __init__.py first
                for package in self._packages_of(target):
                    targets[package] = None
        else:
            for target in self.spawned(path, facts):  # fork(path.join(__dirname, "worker.js"))
                targets[target] = None
        targets.pop(path, None)
        if facts.language == "python" and facts.branch_imports:
            # `if args.manage_plugins: from .pluginscli import PluginsCLI` in a `main()` whose other
            # branch serves: that module is the command mode's, loaded by a process of its own
            # (`branch_commands`), not by the service the same `main()` starts otherwise
            dropped = {t for _, found, _ in self.branch_commands(path, facts) for t in found}
            for target in dropped:
                targets.pop(target, None)
        return list(targets)

    def branch_commands(self, path: str, facts: FileFacts) -> list[tuple[int, list[str], str]]:
        """The modules `path` imports only in a branch of an `if` that runs a command and ends, while
        another branch of the same `if` serves or runs until stopped (unmanic's `main()`: `if
        args.manage_plugins: from unmanic.libs.unplugins.pluginscli import PluginsCLI … else:
        RootService().run()`; motioneye's `meyectl`: `elif command == 'sendmail': from motioneye import
        sendmail`): as (line of the import, the project files only it loads, evidence). A module the
        file also imports outside such a branch, or a package's `__init__.py`, stays loaded.
        Cost: one `main_kind` walk (at most 200 functions) per branch and per sibling set of each
        `if` around an import, memoized per file (`_branch_memo`, one scan)."""
        found = self._branch_memo.get(path)
        if found is not None:
            return found
        found = self._branch_memo[path] = []
        project = self.project
        commands: list[tuple[int, tuple[str, ...], str]] = []
        kinds: dict[tuple[int, int, int], str] = {}  # (scope, first, last) of a set of lines → main_kind
        for line, scope, specs, levels in facts.branch_imports:
            for chain_first, chain_last, first, last in levels:
                if self._branch_serves(path, facts, scope, first, last) or \
                        self._lines_kind(path, facts, scope, first, last, None, kinds) == "server":
                    break  # the branch itself serves or loops: what it imports is the service's
                other = self._lines_kind(path, facts, scope, chain_first, chain_last, (first, last), kinds)
                if other in LONG_LIVED:
                    function = facts.functions.get(scope)
                    where = f"`{function.name}()`" if function is not None and function.name else "the module"
                    commands.append((line, specs, f"{path}:{line}: imported only in a branch of {where} that runs a command and ends; "
                                                  f"another branch of the `if` at line {chain_first} "
                                                  + ("serves" if other == "server" else "runs until stopped")))
                    break
        if not commands:
            return found
        command_lines = {line for line, _, _ in commands}
        branch_specs = [spec for _, specs, _ in commands for spec in specs[:1]]
        # what the file loads outside those branches: its other import statements
        rest = list(facts.imports)
        for spec in branch_specs:
            if spec in rest:
                rest.remove(spec)
        kept = {t for spec in rest if (t := project.resolve_module(path, spec)) is not None}
        for decl in facts.decls:
            value = decl.value
            if value.kind == "import" and value.name and value.module and decl.line not in command_lines:
                base = value.module if value.module.endswith(".") else value.module + "."
                if (sub := project.resolve_module(path, base + value.name)) is not None:
                    kept.add(sub)
        for line, specs, evidence in commands:
            targets = [t for spec in dict.fromkeys(specs) if (t := project.resolve_module(path, spec)) is not None
                       and t != path and t not in kept and posixpath.basename(t) != "__init__.py"]
            if targets:
                found.append((line, list(dict.fromkeys(targets)), evidence))
        return found

    def _branch_serves(self, path: str, facts: FileFacts, scope: int, first: int, last: int) -> bool:
        """Whether the calls of `scope` on lines `first`-`last`, or the project functions they call
        (one level down), serve or run until stopped: `if use_gunicorn: from .app import App;
        App().run()` starts the service as much as the `else` does. One level only: a command's
        deeper calls reach child processes and threads of their own (unmanic's plugin tester)."""
        project = self.project
        calls = [c for c in facts.calls if c.scopes[0] == scope and first <= c.span[0] <= last]
        seen: set[tuple[str, int]] = set()
        for file, inner, own_scope in [(path, calls, scope)] + [
            (t.path, [c for c in self.files[t.path].calls if c.scopes[0] == t.scope], t.scope)
            for c in calls if c.callee for t in project.resolve(path, c.scopes, c.callee) if t.kind == "function"
        ]:
            if (file, own_scope) in seen and inner is not calls:
                continue
            seen.add((file, own_scope))
            target = self.files[file]
            names = {n for c in inner for n in project.callee_names(file, c)}
            if names & (PY_SERVER_CALLS | PY_PROGRAM_SERVES | PY_WORKER_SIGNS - {"signal.signal"}) or any(
                    c.method in PY_WORKER_METHODS - {"add_signal_handler"} for c in inner):
                return True
            lines = (first, last) if inner is calls else (0, 1 << 30)
            if any(scopes[0] == own_scope and lines[0] <= line <= lines[1] and runs_until_stopped(target, own_scope, line, end)
                   for scopes, line, end in target.forever_loops):
                return True
        return False

    def _lines_kind(self, path: str, facts: FileFacts, scope: int, first: int, last: int, hole: tuple[int, int] | None,
                    memo: dict) -> str:
        """What the calls of `scope` on lines `first`-`last` (but those of `hole`) run (`main_kind`):
        "server", "worker" or "cli"; memoized in `memo` (one file's)."""
        key = (scope, first, last, hole)
        if key in memo:
            return memo[key]
        calls = [c for c in facts.calls if c.scopes[0] == scope and first <= c.span[0] <= last
                 and not (hole and hole[0] <= c.span[0] <= hole[1])]
        kind = "cli"
        names = {n for c in calls for n in self.project.callee_names(path, c)}
        if names & (PY_SERVER_CALLS | PY_PROGRAM_SERVES):
            kind = "server"
        elif names & (PY_WORKER_SIGNS - {"signal.signal"}) or any(c.method in PY_WORKER_METHODS for c in calls):
            kind = "worker"
        elif any(scopes[0] == scope and first <= line <= last and not (hole and hole[0] <= line <= hole[1])
                 and runs_until_stopped(facts, scope, line, end) for scopes, line, end in facts.forever_loops):
            kind = "worker"
        elif calls:
            kind = self.main_kind(path, facts, calls)
        memo[key] = kind
        return kind

    _PATH_ARGS = frozenset({"string", "call", "other", "object"})  # `spawned`: the arguments that may name a file
    _CLUSTER_SETUP = frozenset({"setupPrimary", "setupMaster"})  # `spawned`: cluster's worker file, in `exec`
    # thread pools whose options object names the module each worker thread loads: Piscina's and
    # Tinypool's `filename` ("the file to be loaded by the worker threads", piscina README; tinypool README)
    _POOL_FILES = {"Piscina": "filename", "Tinypool": "filename"}
    # `__dirname + "/services/jobs/processor.js"` (Metlo's Bull sandboxed processor), and the template
    # `${__dirname}/worker.js`: a path the module's own folder starts
    _DIRNAME_PLUS = re.compile(r"""^__dirname\s*\+\s*(['"`])(/[^'"`$]+)\1$""")
    _DIRNAME_TEMPLATE = re.compile(r"^`\$\{__dirname\}(/[^`$]+)`$")

    def spawned(self, path: str, facts: FileFacts) -> list[str]:
        """Project files code names by path to run them: `fork("./worker.js")`,
        `new Worker(path.join(__dirname, "scrape-worker.js"))` (a child process, a thread, a BullMQ
        sandboxed processor), `separateWorker(queue, path.join(__dirname, "w.js"))`. Such a file runs
        as long as the program that starts it: it is loaded by the same process."""
        found = []
        calls = facts.calls
        for call in calls:
            if call.method in self._CLUSTER_SETUP:
                # `cluster.setupPrimary({ exec: "./lib/http-worker.js" })`: the file each `cluster.fork()`
                # runs (nodejs.org/api/cluster.html#clustersetupprimarysettings, `exec`)
                options = call.args[0] if call.args and call.args[0].kind == "object" else None
                candidates = [v for k, v in zip(options.keys, options.values) if k == "exec"] if options is not None else []
            else:
                # only an argument of these forms can name a file: the others' arguments are not decoded
                heads = arg_heads(call, self._PATH_ARGS)
                pool_key = self._POOL_FILES.get(call.callee[-1]) if call.is_new and call.callee else None
                if not heads or not any(self._names_a_path(kind, text, index, calls) or kind == "object" and pool_key
                                        for kind, text, index in heads):
                    continue
                candidates = [a for a in call.args if a.kind != "object"]
                if pool_key:  # `new Piscina({ filename: path.resolve(__dirname, "worker.js") })`
                    candidates += [v for a in call.args if a.kind == "object" for k, v in zip(a.keys, a.values) if k == pool_key]
            for arg in candidates:
                target = self._file_named(path, facts, call, arg)
                if target is not None:
                    found.append(target)
        return found

    def _names_a_path(self, kind: str, text: str, index: int, calls) -> bool:
        """Whether an argument's head may name a file by path: `"./worker.js"`, `path.join(…)` /
        `path.resolve(…)`, `__dirname + "/worker.js"`, `` `${__dirname}/worker.js` ``."""
        if kind == "string":
            return text.startswith(".") or bool(self._DIRNAME_TEMPLATE.match(text))
        if kind == "other":
            return bool(self._DIRNAME_PLUS.match(text))
        return kind == "call" and index >= 0 and calls[index].callee[-1:] in (("join",), ("resolve",))

    def _file_named(self, path: str, facts: FileFacts, call, arg) -> str | None:
        """The project file an argument of `call` names by path (`"./worker.js"`,
        `path.join(__dirname, "worker.js")`, `__dirname + "/worker.js"`), or None."""
        parts: list[str] = []
        glued = (self._DIRNAME_PLUS.match(arg.text) if arg.kind == "other" else
                 self._DIRNAME_TEMPLATE.match(arg.text) if arg.kind == "string" else None)
        if glued is not None:
            parts = ["." + glued.group(glued.lastindex or 1)]  # the module's own folder, then the rest
        elif arg.kind == "string" and arg.text.startswith("."):
            if arg.text in facts.dev_imports:
                return None  # `if (options.dev) await import("./dev-server.js")`: development only
            parts = [arg.text]
        elif arg.kind == "call" and arg.call >= 0 and facts.calls[arg.call].callee[-1:] in (("join",), ("resolve",)):
            inner = facts.calls[arg.call].args
            if inner and inner[0].kind == "ref" and inner[0].path == ("__dirname",):
                parts = [a.text for a in inner[1:] if a.kind == "string"]
                if len(parts) != len(inner) - 1:
                    parts = []
        if not parts or not re.search(r"\.(c|m)?(j|t)s$", parts[-1]):
            return None
        target = self.project._js_file(posixpath.normpath(posixpath.join(posixpath.dirname(path), *parts)))
        if target is None and len(parts) == 1 and parts[0].startswith("./") and (
                call.callee[-1:] in (("Worker",), ("fork",)) or call.method in self._CLUSTER_SETUP):
            # `new Worker("./dist/worker/upload.js")`: worker_threads (and a cluster's `exec`, which
            # child_process.fork runs) resolves a relative path against the working directory
            # (the package's, as npm starts it), here its build
            target = self.source_for(self.project.package_root(path), parts[0])
        return target if target != path else None

    _CHILD_STARTERS = frozenset({("fork",), ("spawn",)})  # `child_entries_in`: child_process's, cross-spawn's

    def child_entries_in(self, path: str, facts: FileFacts) -> list[str]:
        """The project files `path` starts as child processes of their own (an OS process with its
        own `process.on(…)` listeners): `fork("./worker.js")`, `spawn("node", [path.resolve(
        __dirname, "event-manager.js")])` (evershop, through cross-spawn), also with the argument
        list in a local array (`const args = [...]; spawn("node", args)`). Worker threads and
        cluster workers are left out. O(the file's calls named fork or spawn)."""
        found: list[str] = []
        for call in facts.calls:
            if call.callee[-1:] not in self._CHILD_STARTERS or call.callee[:1] == ("cluster",):
                continue
            for arg in call.args:
                values = [arg]
                if arg.kind == "array":
                    values = list(arg.values)
                elif arg.kind == "ref" and len(arg.path) == 1:
                    values = [v for d in self.project.lookup(path, call.scopes, arg.path[0])
                              if d.value.kind == "array" and d.value.arg is not None for v in d.value.arg.values]
                for value in values:
                    target = self._file_named(path, facts, call, value)
                    if target is not None and target not in found:
                        found.append(target)
        return found

    def child_entries(self) -> frozenset[str]:
        """Every project file some JS file starts as a child process (`child_entries_in`): one pass
        over the project's fork/spawn calls, memoized until an edit changes what a file loads."""
        def compute() -> frozenset[str]:
            found: set[str] = set()
            for path, facts in self.files.items():
                if facts.language != "python" and any(c.callee[-1:] in self._CHILD_STARTERS for c in facts.calls):
                    found.update(self.child_entries_in(path, facts))
            return frozenset(found)
        return self.project.of_pass("loads", ("child entries",), compute)  # type: ignore[return-value]

    def python_served(self, path: str, facts: FileFacts) -> list[str]:
        """The modules a Python server call names by an import string: `uvicorn.run("app.main:app")`,
        `uvicorn.Config(app="app.app:app")`, or the `"app"` of a dict the call spreads
        (`uvicorn.Config(**load_uvicorn_config(args))`, a dict literal a project function returns:
        SurfSense's main.py). uvicorn imports "module:attribute" itself (uvicorn/config.py
        `Config.load`: `import_from_string(self.app)`), so the module runs in the server's process.
        O(the module's calls named like one, each resolved once)."""
        found: list[str] = []
        for call in facts.calls:
            if call.callee[-1:] not in _FOLLOWED_CALLS or call.callee[-1:] == ("Popen",):
                continue
            if not set(self.project.callee_names(path, call)) & PY_APP_STRING_CALLS:
                continue
            values = [call.args[0]] if call.args else []
            for key, value in call.keywords:
                if key == "app":
                    values.append(value)
                elif key == "**":  # `**config_kwargs`: a dict literal, here or returned by a function
                    values += self._dict_values(path, call, value, "app")
            for value in values:
                if value.kind == "string" and ":" in value.text:
                    module = value.text.partition(":")[0].strip()
                    target = self.project.resolve_module(path, module) if module else None
                    if target is not None and target != path:
                        found.append(target)
        return found

    def served_function(self, path: str, facts: FileFacts, scope: int) -> bool:
        """Whether the module-level function `scope` of `path` is what a server runs, named after the
        colon of its app string: by a start command (`uvicorn --factory speaches.main:create_app`,
        gunicorn's `'webservices.rest:create_app()'` — gunicorn calls an app factory written with
        parentheses, docs.gunicorn.org "Running Gunicorn": `$(MODULE_NAME):$(VARIABLE_NAME)`, where
        the variable may be "a function call"; uvicorn calls it with `--factory`,
        www.uvicorn.org/settings/ "Application factories") or by a server call's import string
        (`uvicorn.run("docling_serve.app:create_app", factory=True)`). With or without the factory
        flag the server calls it (the factory once, an ASGI/WSGI function per request), so the
        function is a root of the process, whoever else calls it. The import strings are read once
        per scan (O(the calls named `run` / `Config`)); a question is then a set probe."""
        function = facts.functions.get(scope)
        if function is None or not function.name or facts.scope_parents.get(scope, 0):
            return False
        if self._served_strings is None:
            self._served_strings = set()
            for file, other in self.files.items():
                if other.language == "python" and not is_test_path(file):
                    self._served_strings.update(self._served_string_names(file, other))
        return (path, function.name) in self.served_names or (path, function.name) in self._served_strings

    def _served_string_names(self, path: str, facts: FileFacts) -> list[tuple[str, str]]:
        """(module file, attribute) of each import string a server call of `path` names (`python_served`)."""
        found: list[tuple[str, str]] = []
        for call in facts.calls:
            if call.callee[-1:] not in _FOLLOWED_CALLS or call.callee[-1:] == ("Popen",):
                continue
            if not set(self.project.callee_names(path, call)) & PY_APP_STRING_CALLS:
                continue
            values = ([call.args[0]] if call.args else []) + [value for key, value in call.keywords if key == "app"]
            for value in values:
                if value.kind == "string" and ":" in value.text:
                    module = value.text.partition(":")[0].strip()
                    target = self.project.resolve_module(path, module) if module else None
                    attribute = _served_attribute(value.text)
                    if target is not None and attribute:
                        found.append((target, attribute))
        return found

    def _dict_values(self, path: str, call, value, key: str) -> list:
        """The values under `key` of the dicts an argument may be: a literal, or a name holding one
        or the result of a project function that returns one."""
        if value.kind == "object":
            return [v for k, v in zip(value.keys, value.values) if k == key]
        targets = []
        if value.kind == "ref":
            targets = self.project.resolve(path, call.scopes, value.path)
        elif value.kind == "call" and value.call >= 0:
            targets = self.project.call_targets(path, value.call)
        return [v for t in targets if t.kind == "object" and t.arg is not None
                for k, v in zip(t.arg.keys, t.arg.values) if k == key]

    def python_spawned(self, path: str, facts: FileFacts) -> list[str]:
        """Project scripts a Python module starts as child processes it does not wait for:
        `subprocess.Popen(["/letsencrypt.py"])`, `Popen([sys.executable, "worker.py"])` (Mailu's nginx
        start script runs its certificate loop so). The child runs beside the program that starts
        it, as long as it: it is loaded by the same process. `subprocess.run` / `call` wait for the
        child, a step that ends (a config generator), and are not followed."""
        found = []
        package = self.project.package_root(path)
        for call in facts.calls:
            if call.callee[-1:] != ("Popen",) or not call.args or call.args[0].kind != "array":
                continue
            if "subprocess.Popen" not in self.project.callee_names(path, call):
                continue
            words = call.args[0].values[:2]
            script = next((w.text for w in words if w.kind == "string" and w.text.endswith(".py")), None)
            target = self.source_for(package, script, posixpath.dirname(path)) if script else None
            if target is not None and target != path:
                found.append(target)
        return found

    def _packages_of(self, path: str) -> list[str]:
        found = self._python_packages.get(path)
        if found is None:
            found = []
            directory = posixpath.dirname(path)
            if posixpath.basename(path) == "__init__.py":
                directory = posixpath.dirname(directory)
            while directory:
                init = posixpath.join(directory, "__init__.py")
                if init not in self.files:
                    break
                found.append(init)
                directory = posixpath.dirname(directory)
            self._python_packages[path] = found
        return found

    def started_host(self, path: str) -> Process | None:
        """The started server or worker (named by a start command) whose imports load `path`."""
        for process in self.processes:
            if process.started and process.long_lived:
                key = tuple(process.entries)
                if key not in self._started_closures:
                    self._started_closures[key] = self.closure(process.entries)
                if path in self._started_closures[key]:
                    return process
        return None

    def closure(self, entries: list[str]) -> frozenset[str]:
        """The files a program starting at `entries` loads: memoized until an edit changes what a
        file loads (`Project.of_pass`)."""
        return self.project.of_pass("loads", ("closure", tuple(entries), self.client_modules),  # type: ignore[return-value]
                                    lambda: self._closure(entries))

    def _closure(self, entries: list[str]) -> frozenset[str]:
        # a "use client" module that server code imports is where the browser's tree starts: the
        # server hands the bundler a reference to it (react.dev/reference/rsc/use-client)
        return self._walk([e for e in entries if e in self.files], stops=self.client_modules)

    def _walk(self, entries: list[str], follows: Callable[[str], Callable[[str], bool]] | None = None,
              stops: frozenset[str] = frozenset()) -> frozenset[str]:
        """The files reached from `entries` (and the packages whose `__init__.py` runs first) over
        the import graph, taking the edges from a file to the targets `follows(file)` admits (every
        target when None), and an edge into a file of `stops` only from another file of `stops`:
        O(the files reached and their edges). A closure is asked of each process's entries, so the
        plain walks make no call per file (novu's 115 closures: 0.024 → 0.01 s of a commit scan)."""
        seen: set[str] = set(entries)
        queue = deque(entries)
        for entry in list(queue):  # a module's packages run their __init__.py first
            for package in self._packages_of(entry):
                if package not in seen:
                    seen.add(package)
                    queue.append(package)
        graph = self.graph
        if follows is not None:
            while queue:
                source = queue.popleft()
                admit = follows(source)
                for target in graph.get(source, ()):
                    if target not in seen and admit(target):
                        seen.add(target)
                        queue.append(target)
        elif stops:
            while queue:
                source = queue.popleft()
                inside = source in stops
                for target in graph.get(source, ()):
                    if target not in seen and (inside or target not in stops):
                        seen.add(target)
                        queue.append(target)
        else:
            while queue:
                for target in graph.get(queue.popleft(), ()):
                    if target not in seen:
                        seen.add(target)
                        queue.append(target)
        return frozenset(seen)

    def own_files(self, process: Process) -> frozenset[str]:
        """The files of `process` that run in its own OS process: its closure without the edges to
        the scripts a file starts as children (`python_spawned`: d4-core's worker.py starts
        `./file_compressor.py` with Popen). A child's SIGTERM handler stops the child, not its
        parent. O(the process's files), memoized per entry set until an edit changes what a file loads."""
        key = tuple(process.entries)
        if self.project.incremental:  # a model kept across edits: recomputed when what a file loads changes
            return self.project.of_pass("loads", ("own closure", key), lambda: self._own_closure(process))  # type: ignore[return-value]
        found = self._own_closures.get(key)
        if found is None:
            found = self._own_closures[key] = self._own_closure(process)
        return found

    def _own_closure(self, process: Process) -> frozenset[str]:
        files = process.files

        def follows(source: str) -> Callable[[str], bool]:
            spawned = self._spawned_by(source)
            return lambda target: target in files and target not in spawned

        return self._walk([e for e in process.entries if e in files], follows)

    def _spawned_by(self, path: str) -> frozenset[str]:
        """`python_spawned` of one file, memoized per scan (every process that loads it asks)."""
        found = None if self.project.incremental else self._spawned_memo.get(path)  # an edit may change it
        if found is None:
            facts = self.files.get(path)
            has_popen = facts is not None and facts.language == "python" and any(c.callee[-1:] == ("Popen",) for c in facts.calls)
            found = self._spawned_memo[path] = frozenset(self.python_spawned(path, facts)) if has_popen else frozenset()
        return found

    def entries_for(self, path: str, call, depth: int = 0) -> list[str]:
        """Where the program that makes `call` starts. At module level: the modules that import
        this one (importing it runs it). Inside a function: where that function is called from, as
        far as calls can be followed; a function nothing calls (`export async function start()`,
        which a CLI loads by name) starts from its own module."""
        outer = next((s for s in reversed(call.scopes) if s != 0), 0)
        if outer == 0:
            return self.root_importers(path)
        callers = self.callers_of(path, outer)
        if not callers or depth >= 4:
            return [path]
        found: dict[str, None] = {}
        for caller_path, caller in callers:
            found.update(dict.fromkeys(self.entries_for(caller_path, caller, depth + 1)))
        return list(found)

    def callers_of(self, path: str, scope: int) -> list[tuple[str, object]]:
        """Calls anywhere in the project that resolve to the function `scope` of `path`."""
        names = {d.name.rsplit(".", 1)[-1] for d in self.files[path].decls if d.value.kind in ("function", "class") and d.value.scope == scope}
        names.update(object_keys_of(self.files[path], scope))  # `const request = { get: async (…) => … }`: `request.get(…)`
        function = self.files[path].functions.get(scope)
        if function is not None and function.name:
            names.add(function.name)
        return [
            (file, c) for name in sorted(names) for file, c in self._calls_reaching(path, scope, name) if not is_test_path(file)
        ] + [(file, c) for file, c in self.required_calls(path)
             if any(t.kind in ("function", "class") and t.path == path and t.scope == scope for t in
                    (self.project.resolve(file, c.scopes, c.callee) if c.callee else self.project.resolve_export(path, c.method, (), 0)))
        ] + [
            # `MarketingSitePeople().update_or_publish_person(self)`: a method called on a call's
            # result, which `calls_of` does not index (no callee name)
            (file, c) for file, c in (self.project.result_calls(path, scope, function.name) if function is not None and function.name
                                      and self.files[path].language == "python" and self.files[path].scope_parents.get(scope, 0) else ())
            if not is_test_path(file)]

    def _calls_reaching(self, path: str, scope: int, name: str) -> list[tuple[str, object]]:
        """The calls named `name` that resolve to the function or class `scope` of `path`, in file
        order: `Project.calls_of` of each kind, so O(1) probes once the calls of that name are
        indexed, not a walk over them per function asked (the growth shapes' `make{i}` and
        `fetch`: 3.0× for 2N)."""
        found = [list(self.project.calls_of(Target(kind, path=path, scope=scope, name=name))) for kind in ("function", "class")]
        if not found[0] or not found[1]:
            return found[0] or found[1]
        both = {id(c) for _, c in found[0] + found[1]}  # a scope is one of them: kept general, in file order
        return [(file, c) for file, c in self.project.calls_named(name) if id(c) in both]

    def required_calls(self, path: str) -> list[tuple[str, object]]:
        """Calls of what `path` exports made straight on its `require` (`await require("./run.js")(res)`,
        yapi's plugin hooks; `require("./server").start(8080)`): no name to index them by. Memoized per file; O(the calls of its importers)."""
        found = self._required_calls.get(path)
        if found is None:
            found = self._required_calls[path] = [
                (file, c) for file in self.importers_of(path) for c in self.files[file].calls
                if c.callee and len(c.callee) == 1 and c.callee[0].startswith("<require:")
                and self.project.resolve_module(file, c.callee[0][len("<require:"):-1]) == path
                or not c.callee and c.method and self._required_here(file, c.receiver_call) == path]
        return found

    def _required_here(self, file: str, index: int) -> str | None:
        """The module a `require("./server")` call (index `index` of `file`) loads: the receiver of
        `require("./server").start(8080)`, a call of what that module exports (MagicMirror's
        serveronly.js)."""
        if index < 0:
            return None
        call = self.files[file].calls[index]
        if call.callee != ("require",) or not call.args or call.args[0].kind != "string":
            return None
        return self.project.resolve_module(file, call.args[0].text)

    def browser_class(self, path: str, scope: int) -> bool:
        """Whether `scope` is, or is inside, a class named for Python's browser runtime (`WASM_CLASS`:
        `WasmLazyStore`, `PyodideBridge`) in a file that names Pyodide or Emscripten (a docstring, a
        `pyodide` import, a `sys.platform == "emscripten"` test): code that runs in the page under
        Pyodide, which a server's package ships for its WebAssembly build. Cost: one read of the
        file, memoized; then a walk up the scope's parents."""
        facts = self.files[path]
        if path not in self._wasm_files:
            self._wasm_files[path] = any(WASM_CLASS.search(d.name) for d in facts.decls if d.value.kind == "class") \
                and bool(WASM_WORDS.search(self._text(path)))
        if not self._wasm_files[path]:
            return False
        while scope:
            if scope not in facts.functions and WASM_CLASS.search(_scope_name(facts, scope)):
                return True
            scope = facts.scope_parents.get(scope, 0)
        return False

    def test_only(self, path: str, scope: int) -> bool:
        """A plain top-level Python function (no decorator: no route, task or command) that tests
        call and nothing else reaches: no call outside tests resolves to it, its own module names
        it only where it defines it, and no module outside tests imports it (one that did could
        hand it on as a value). librephotos' `unload_model()` in the server's api/image_captioning.py
        is called by api/tests/test_im2txt.py alone."""
        facts = self.files[path]
        function = facts.functions.get(scope)
        if (facts.language != "python" or function is None or not function.name or facts.scope_parents.get(scope, 0) != 0
                or any(s == scope for s, _ in facts.decorators)):
            return False
        name = function.name
        tested = [(file, c) for file, c in self.project.calls_named(name) if is_test_path(file)
                  and any(t.kind == "function" and t.path == path and t.scope == scope for t in self.project.resolve(file, c.scopes, c.callee))]
        if not tested:
            return False
        if sum(1 for d in facts.decls if d.name == name) > 1 or any(
                c.callee and c.callee[-1] == name or any(a.kind == "ref" and a.path and a.path[-1] == name for a in c.args) for c in facts.calls):
            return False  # redefined, called or handed on in its own module
        for other, other_facts in self.files.items():
            if other == path or is_test_path(other) or other_facts.language != "python":
                continue
            for decl in other_facts.decls:
                if decl.value.kind != "import":
                    continue
                if (decl.value.name == name or decl.name == name) and self.project.resolve_module(other, decl.value.module) in (path, None):
                    return False  # imported where it may be handed on (`schedule(unload_model)`)
                spec = f"{decl.value.module}.{decl.value.name}" if decl.value.name else decl.value.module
                if decl.value.name != "*" and self.project.resolve_module(other, spec) == path:
                    return False  # the module itself (`from pkg import nsone`): `nsone.get_zones` may be reached by attribute
        return True

    def root_importers(self, path: str) -> list[str]:
        """The files that load `path` and that nothing (but tests) loads: where its process starts.
        Roots that are tooling, tests or browser code by their paths (a docs generator that imports
        the app) are not where a server starts; `path` itself when no other root remains."""
        if self.files[path].main_guard[0]:
            return [path]  # `python -m` / `python file.py`: this module is the program
        roots = [r for r in self._roots_above(path) if r == path or self.path_role(r) == "server"]
        return roots or [path]

    def _roots_above(self, path: str) -> list[str]:
        roots: list[str] = []
        seen = {path}
        queue = deque([path])
        while queue:
            current = queue.popleft()
            importers = [i for i, _ in self.importers.get(current, ()) if not is_test_path(i)]
            if not importers:
                roots.append(current)
            for importer in importers:
                if importer not in seen:
                    seen.add(importer)
                    queue.append(importer)
        return sorted(roots)

    # ---- processes ---------------------------------------------------------------------------

    def add(self, name: str, kind: str, entries: list[str], package: str, evidence: str, *, started: bool = False,
            fallback: bool = False, hosted: bool = False, mains: list[str] | None = None, launched: bool = False) -> None:
        mains = [e for e in (mains if mains is not None else entries) if e in self.files]
        entries = sorted(dict.fromkeys(e for e in entries if e in self.files))
        if not entries:
            return
        hosted = hosted or all(e in self.hosted_entries for e in entries)
        if all(is_test_path(e) for e in entries) and kind != "test":
            return  # a mock server a test package starts
        if kind in LONG_LIVED and not evidence.startswith("declared") and self.development_package(package):
            # talk's `multi-site-test/`, saltcorn's `oauth2-test-server`, atproto's `dev-env` and
            # `oauth-client-browser-example`: a test bed, a demo or a developer's local environment
            kind, started = "cli", False
            evidence += f" (a development package, by its name: {self.package_name(package)})"
        elif kind in LONG_LIVED and not evidence.startswith("declared") and (tree := demo_tree(entries, evidence)):
            # Metlo's `sample-service/sample-ecommerce-express` (its own package.json start script and
            # Dockerfile, in the folder), bbb-webrtc-sfu's `stress/record-video-kms.js`: what only a
            # start command inside the folder runs is a demo or a load test, not the service; a
            # start command outside it (the product's docker-compose building it) keeps it one
            kind, started = "cli", False
            if tuple(entries) not in self._demo_noted:  # said once per program, on its first evidence
                self._demo_noted.add(tuple(entries))
                evidence += f" (a demo, sample, load-test or mock program in `{tree}/`: no start command outside that folder runs it)"
        if kind in LONG_LIVED and not started and not fallback and all(e in self._cli_entries for e in entries):
            return  # `novu dev` serves a page while the command runs: part of that command, not a service
        if started:
            self.started.add(package)
        elif not fallback and kind in LONG_LIVED and all(self.path_role(e) != "server" for e in entries):
            return  # a `listen()` in scripts/, examples/ or a test: a dev or mock server, not the service
        same_entries = self._by_entries.setdefault(tuple(entries), [])
        for process in same_entries:  # the same program found twice: one process, all evidence
            same_kind = process.kind == kind or process.long_lived and kind in LONG_LIVED
            if same_kind:
                if evidence not in process.evidence:
                    process.evidence.append(evidence)
                process.fallback = process.fallback and fallback
                process.hosted = process.hosted or hosted
                process.started = process.started or started
                process.launched = process.launched or launched
                process.mains += [m for m in mains if m not in process.mains]
                if kind == "server" and process.kind == "worker":  # a server that also consumes queues
                    process.kind, process.name = "server", name
                return
        process = Process(name, kind, entries, package, [evidence], fallback=fallback, hosted=hosted, started=started,
                          mains=list(dict.fromkeys(mains)), launched=launched)
        self.processes.append(process)
        same_entries.append(process)
        if kind == "cli":
            self._cli_entries.update(entries)

    def path_role(self, path: str) -> str:
        """What the path heuristics (crashlint.roles) make of a file: server, test, browser, tooling."""
        role = self._path_roles.get(path)
        if role is None:
            project = self.project
            # kept across scans for the same contents and the same answer to whether the package's
            # `bin` starts its server (what else `_path_role` reads: `Project.own_part`)
            role = self._path_roles[path] = project.per_file(path, "path-role", lambda: project.own_part(  # type: ignore[assignment]
                "path-role", path, lambda: self._path_role(path), extra=project.package_root(path) in self.bin_servers), keep=False)
        return role  # type: ignore[return-value]

    def _path_role(self, path: str) -> str:
        """(memoized per file in the project model: it reads the file's facts, its manifest and
        whether its package's `bin` starts its server)"""
        facts = self.files[path]
        if facts.language == "python" and deployment_code(facts):
            return "tooling"
        if facts.language != "python" and bundler_plugin(facts):
            return "tooling"  # a webpack plugin runs inside the build, never in a server
        manifest = self.project._package_manifest(path)
        if manifest is not None and manifest.has_bin and self.project.package_root(path) in self.bin_servers:
            manifest = dataclasses.replace(manifest, has_bin=False)  # its `bin` runs its server: not a command-line package
        # `document.…` inside `page.evaluate(…)` runs in the browser a server drives, not here
        dom = (facts.dom and not any(m.split("/")[0] in BROWSER_DRIVERS for m in facts.imports)) or self.page_script(path)
        # JSX rendered to an image or HTML on the server (satori, `react-dom/server`) is not a page's
        ui = (facts.ui or dom) and not any(m in SERVER_RENDERERS for m in facts.imports)
        return file_role(path, facts.language, ui, manifest, imports_server_code(facts.imports) or facts.server_directive,
                         facts.cli or asks_a_user(facts.imports), facts.language != "python" and imports_browser_code(facts.imports))

    def own_role(self, path: str) -> str:
        """What the file's own signs make of it (JSX, "use client", browser globals and libraries,
        server imports, "use server", its path), leaving out its package's dependencies."""
        facts = self.files[path]
        dom = (facts.dom and not any(m.split("/")[0] in BROWSER_DRIVERS for m in facts.imports)) or self.page_script(path)
        ui = (facts.ui or dom) and not any(m in SERVER_RENDERERS for m in facts.imports)
        return file_role(path, facts.language, ui, None, imports_server_code(facts.imports) or facts.server_directive,
                         facts.cli or asks_a_user(facts.imports), facts.language != "python" and imports_browser_code(facts.imports))

    def page_script(self, path: str) -> bool:
        """A classic script a page includes with `<script src>`: a `.js` file with no module syntax of
        either kind (no import, require or export), that reads no command line, whose nearest manifest
        is a Python project's. Node code that serves or works needs a module (`http`, a client library)
        and a package.json for it; such a file is what a Python app serves from its static folder
        (NetAlertX's `front/js/sse_manager.js`, a jQuery page's state manager, was a "server" judged
        by path). O(1) on the file's facts and the memoized manifest lookup."""
        facts = self.files[path]
        if not path.endswith(".js") or facts.imports or facts.exports or facts.cli:
            return False  # (`.cjs`, `.mjs`: a module by its name)
        # the nearest manifest is a Python project's (pyproject.toml, requirements.txt, …): a file
        # scanned alone, with no manifest at all, keeps the judgement of its path
        manifest = self.project.manifests.get(self.project.package_root(path))
        return manifest is not None and not manifest.path.endswith("package.json")

    def server_side_module(self, path: str) -> bool:
        """A module of a full-stack app's package (Next.js, React Router, Remix, TanStack Start, …)
        that the path heuristics call page code only because its package depends on a front-end
        framework, while nothing of its own says so (no JSX, "use client", browser globals or
        browser library) and no page code imports it, directly or through modules with no server
        mark: only server code (API routes, route handlers, server actions, `*.server.ts`, jobs)
        loads it, so it runs in the server (papermark's `lib/domains`-style helpers of its API
        routes). A module that page code also imports stays page code: the bundler ships it to the
        browser, and which of its functions the server calls is not decided here."""
        facts = self.files[path]
        if facts.language == "python" or is_test_path(path):
            return False
        manifest = self.project._package_manifest(path)
        if manifest is None or not FULL_STACK & manifest.dependencies.keys() or NUXT_APPS & manifest.dependencies.keys():
            return False
        if self.own_role(path) != "server":
            return False
        if {e.name for e in facts.exports} & {"clientLoader", "clientAction"}:
            return False  # a route module whose loaders also run in the browser
        if self._page_reached is None:
            self._page_reached = self._page_code_closure()
        return path not in self._page_reached

    def shared_module(self, path: str) -> bool:
        """A JS/TS module that a server's imports reach and page code loads too (through a barrel:
        `@dub/utils`' index re-exports both the SWR `fetcher` and the Slack `log()`), judged browser
        code by its package alone: nothing of its own says so (no JSX, "use client", browser globals
        or browser library, no browser folder in its path). The server runs whichever of its
        functions server code calls (`ProcessModel.runs_long`)."""
        facts = self.files[path]
        if facts.language == "python" or is_test_path(path):
            return False
        manifest = self.project._package_manifest(path)
        if manifest is not None and NUXT_APPS & manifest.dependencies.keys():
            return False  # a Nuxt app's universal code: rendered on the server and hydrated in the page
        return self.own_role(path) == "server"

    def _page_code_closure(self) -> frozenset[str]:
        """Every JS/TS file page code loads: from the files whose own signs make them browser code,
        along imports, not through a module marked as server code (a `*.server.ts` module, an API
        route, a "use server" file: the bundler does not ship it, or replaces it by calls to the
        server). One walk over the graph, O(edges)."""
        components = self.server_components()

        def marked(path: str) -> bool:
            facts = self.files[path]
            return bool(SERVER_MARKERS.search(path)) or facts.server_directive or imports_server_code(facts.imports) or path in components
        seeds = [p for p, f in self.files.items() if f.language != "python" and not is_test_path(p)
                 and (f.ui or f.dom or imports_browser_code(f.imports)) and not marked(p) and self.own_role(p) == "browser"
                 and not any(m in SERVER_RENDERERS for m in f.imports)]
        seen = set(seeds)
        queue = deque(seeds)
        while queue:
            for target in self.graph.get(queue.popleft(), ()):
                if target not in seen and not marked(target):
                    seen.add(target)
                    queue.append(target)
        return frozenset(seen)

    def development_package(self, package: str) -> bool:
        """A package a developer runs, not a service: its folder or its package.json name says it is a
        test bed, an example, a demo, a mock or a local development environment (`multi-site-test`,
        `oauth2-test-server`, `oauth-client-browser-example`, `dev-env`), or it sits in a folder of
        developer utilities (talk's `utilities/*`: one-off CLIs and a test web service). The scan root's own package
        is never one (a project named `demo-app` is the project)."""
        if not package:
            return False
        if any(part.lower() in DEVELOPER_FOLDERS for part in package.split("/")[:-1]):
            return True  # talk's `utilities/download`, `utilities/externalModPhase`: one-off tools and test services
        manifest = self.project.manifests.get(package)
        names = [posixpath.basename(package)] + ([manifest.package_name.rsplit("/", 1)[-1]] if manifest is not None and manifest.package_name else [])
        return any(DEVELOPMENT_PACKAGE.search(name.lower()) for name in names)

    def package_name(self, package: str) -> str:
        manifest = self.project.manifests.get(package)
        if manifest is not None and manifest.package_name:
            return manifest.package_name.rsplit("/", 1)[-1]
        return posixpath.basename(package) or posixpath.basename(self.project.root.rstrip("/")) or "app"

    def find(self) -> None:
        # every file but tests, in order: Python files' signals, and the JS/TS files that show one
        # (`_js_signs`, one pass kept across edits: `Project.parts`)
        project = self.project
        python = project.parts("python-files", lambda path, facts: True,
                               lambda path, facts: facts.language == "python" and not is_test_path(path), keep=False)
        signs = project.parts("js-signs", lambda path, facts: _js_signs(project, path, facts),
                              lambda path, facts: facts.language != "python" and not is_test_path(path), keep=False)
        self.js_signs = signs  # type: ignore[assignment]
        for name, kind, entries in self.declared.processes:
            package = self.project.package_root(entries[0]) if entries else ""
            self.add(name, kind, list(entries), package, "declared in [tool.crashlint] processes", started=True)
        for package, manifest in sorted(self.project.manifests.items()):
            self.from_manifest(package, manifest)
        self.gunicorn_configs()
        for path in sorted(python.keys() | signs.keys(), key=project.position):
            facts = self.files[path]
            if self.project.is_vendored(path):
                continue
            if facts.language == "python":
                self.python_signals(path, facts)
            else:
                self.javascript_signals(path, facts, signs[path])  # type: ignore[arg-type]
        self.django()
        self.scripted()
        self.hand_run_mains()
        self.roots()

    def gunicorn_configs(self) -> None:
        """A gunicorn config file no start command that crashlint reads names (`docker/gunicorn.conf.py`
        beside mwdb's start script, its image built by `deploy/docker/Dockerfile`): a file named
        `gunicorn*.py` whose top-level `wsgi_app` names a project module. The file exists to run
        gunicorn, and gunicorn serves the app it names (gunicorn/config.py `WSGIApp`), as a
        Procfile's `web: gunicorn mwdb.app:app` would say. Development configs (`gunicorn-dev.conf.py`,
        with `reload`) name the same app. Cost: one read of each such file, after the commands."""
        for path in sorted(self.files):
            name = posixpath.basename(path)
            if not (name.startswith("gunicorn") and name.endswith(".py")) or self.files[path].language != "python" \
                    or is_test_path(path):
                continue
            package = self.project.package_root(path)
            target = self.gunicorn_config_app(path, package, posixpath.dirname(path))
            if target is None or any(target in p.entries for p in self.processes if p.long_lived):
                continue
            named = GUNICORN_WSGI_APP.search(self._text(path))
            assert named is not None
            self.hosted_entries.add(target)
            target_package = self.project.package_root(target)
            self.add(self.package_name(target_package), "server", [target], target_package,
                     f"{path}: gunicorn's config file names the app it serves: `wsgi_app = \"{named.group(1)}\"`",
                     started=True, hosted=True, launched=True)
            self.launched.add(target_package)

    def hand_run_mains(self) -> None:
        """A Python module that other modules of the project import, whose `if __name__ ==
        "__main__":` block loops, and that no start command names (not `started`): a library module
        with a tool a person runs by hand (Mycodo's device drivers: `atlas_scientific_ftdi.py`'s
        `real_raw_input("Enter command: ")` console, `wireless_rpi_rf.py`'s RF listener): library
        code (a module that is not itself a `__main__` program) imports it. Importing it runs no
        `__main__` block, so the processes that import it do not run that loop, and nothing names the
        module as a program: a CLI, not a worker. A module nothing imports (or only starts as a
        child, `Popen(["./worker.py"])`) stays a program of its own, and so does one only other
        `__main__` scripts import (`monitoring.py`'s `from job_runner import jobs_to_run`) or a
        start command names. O(processes) after the others are found, then O(the imports of the
        importers) for each such worker."""
        mains = {e for p in self.processes for e in p.entries
                 if any(f"{e}:" in evidence and '`if __name__ == "__main__":`' in evidence for evidence in p.evidence)}
        for process in self.processes:
            if process.kind != "worker" or process.started or len(process.entries) != 1:
                continue
            entry = process.entry
            if self.files[entry].language != "python" or not process.evidence or not all(
                    e.startswith(f"{entry}:") and '`if __name__ == "__main__":`' in e for e in process.evidence):
                continue
            # a package's `__main__.py` is the program `python -m pkg` runs, whoever imports its names
            # (patroni/api.py's `from .__main__ import Patroni`), and a script beside a package of its
            # own name (patroni.py beside patroni/) is not what `import patroni` loads: the package is
            # (the import system's path finder looks for the package directory before the module file)
            if posixpath.basename(entry) == "__main__.py" or posixpath.splitext(entry)[0] + "/__init__.py" in self.files:
                continue
            # an import statement, not a spawn (`Popen(["./worker.py"])` starts the file as a program),
            # in a module that is not itself a `__main__` program (`monitoring.py`'s `from job_runner
            # import jobs_to_run`: one script borrowing another's helper says nothing of either)
            importers = [i for i in self.importers_of(entry) if i not in mains and self._imports_module(i, entry)]
            if not importers:
                continue
            process.kind = "cli"
            process.evidence.append(f"{entry}: imported by {importers[0]}" + (f" and {len(importers) - 1} more" if len(importers) > 1 else "")
                                    + " and named by no start command: a library module's hand-run tool, not a service")
            self._cli_entries.update(process.entries)

    def _imports_module(self, importer: str, path: str) -> bool:
        """Whether `importer` has an import statement that loads the module `path` (`import pkg.mod`,
        `from pkg import mod`, beets' `from . import gstplayer`), not a spawn of it. O(its imports)."""
        project = self.project
        facts = self.files[importer]
        return any(project.resolve_module(importer, spec) == path for spec in facts.imports) or any(
            decl.value.kind == "import" and decl.value.name not in ("", "*")
            and project.resolve_module(importer, f"{decl.value.module}.{decl.value.name}"
                                       if not decl.value.module.endswith(".") else decl.value.module + decl.value.name) == path
            for decl in facts.decls)

    def scripted(self) -> None:
        """The files package.json's build, codegen, test and other tool scripts run (`build: node -r
        ts-node/register build.ts`) that no process has taken as its entry: programs of those
        scripts, which end, not modules to judge by their paths. Scripts of a development mode
        (`dev:server`, `start:dev`, `watch`) are left to the path heuristics: a project may run them
        as its service."""
        entries = {e for p in self.processes for e in p.entries}
        for entry, (name, package, evidence) in self.script_runs.items():
            if entry in entries or DEV_SCRIPT.search(name):
                continue
            kind = "test" if name.startswith(("test", "e2e")) else "cli"
            self.add(name, kind, [entry], package, evidence)

    def roots(self) -> None:
        """Packages with no start command: every module nothing imports may be a program of its own
        (or is dead code; nothing tells which). Each is judged by its path, as a fallback: server
        code, tooling, browser code or a test."""
        entries = {e for p in self.processes for e in p.entries}
        by_package: dict[tuple[str, str], list[str]] = {}
        browser_libraries: dict[str, bool] = {}
        lambda_signs: dict[str, str] = {}  # package → what showed its first Lambda handler to be one
        for path in self.files:
            package = self.project.package_root(path)
            if package in self.started and path not in entries and not self.importers_of(path) and self.stops_on_signal(path) \
                    and self.path_role(path) == "server":
                # atproto's services/ozone/daemon.ts beside the api.ts its Dockerfile runs: the same
                # image started with another command, a program that runs until SIGTERM
                self.add(f"{self.package_name(package)}:{posixpath.splitext(posixpath.basename(path))[0]}", "worker", [path], package,
                         f"{path}: nothing imports it and it stops on SIGTERM/SIGINT: a long-running program of its own")
                continue
            if package in self.started or path in entries or path in self.dev_loaded or self.project.is_vendored(path) or any(
                    (i, path) not in self.loaded_by_name for i in self.importers_of(path)):
                continue
            if self.files[path].language == "python" and self.filtered_by_a_loader(path):
                continue  # a plugin its loader skips (`"deprecated" not in name`) that nothing imports: dead code
            role, lambda_sign = self.path_role(path), None
            if role == "tooling" and self.files[path].language == "python" and deployment_code(self.files[path]):
                role = "deployment"  # AWS CDK code, a Lambda handler
            if role == "server" and self.files[path].language != "python":
                lambda_sign = self.lambda_handler(path)
                if lambda_sign:
                    role = "lambda"  # `export const handler = async (event) => …` that a Lambda manifest names
            if role == "server" and self.files[path].language != "python" and migration_script(path):
                role = "tooling"  # trackdechets' libs/back/prisma/src/migrate/index.ts: migrate(), then pool.end()
            if role == "server" and self.files[path].language == "python" and pack_action(path, self.files[path]):
                role = "action"  # st2's contrib/chatops/actions/match_and_execute.py: one execution per process
            if role == "server" and self.python_command_module(path):
                role = "tooling"  # `socorro-cmd signature` runs socorro/signature/cmd_signature.py's main()
            if role == "server" and self.python_script(path):
                role = "tooling"  # `python profiles/dab/make_test_data.py` from a shell script, a probe's `readyz.py`
            if role == "server" and in_command_folder(path):
                role = "tooling"  # nodecg's `workspaces/cli/src/bin/nodecg.ts`, kuzzle's `bin/.upgrades/`: commands
            if role == "server" and self.python_in_node_package(package, path):
                role = "tooling"  # biosim's `hack/generate_simulation_run_thumbnails.py`: run by hand, not a service
            if role == "server" and self.script_beside_typescript(package, path):
                role = "tooling"  # `node src/write.mjs`, run by hand: the package's build compiles its .ts only
            if role != "test" and any((i, path) not in self.loaded_by_name for i, _ in self.importers.get(path, ())) \
                    and not self.has_own_test(path):
                role = "test"  # a helper only other modules' tests import (`acceptance/support/s3.ts`): test code
            if role == "server":
                if package not in browser_libraries:
                    browser_libraries[package] = self.browser_library(package)
                if browser_libraries[package]:
                    role = "browser"
                elif self.in_page_root(path) and not SERVER_MARKERS.search(path):
                    role = "browser"  # under the folder of a page Vite builds: page code the page does not (yet) import
            if role == "lambda":
                lambda_signs.setdefault(package, lambda_sign or "")
            by_package.setdefault((package, role), []).append(path)
        kinds = {"server": "server", "tooling": "cli", "browser": "browser", "test": "test", "deployment": "cli", "action": "cli",
                 "lambda": "cli"}
        for (package, role), paths in sorted(by_package.items()):
            notes = self.root_notes(package, role, paths)
            label = self.package_name(package) + ("" if role == "server" else f" ({role})")
            if role == "deployment":
                self.add(label, "cli", paths, package, f"{len(paths)} module(s) nothing imports that deploy the service or run per event: "
                         "AWS CDK app code (run by `cdk synth`/`cdk deploy`) or a Lambda handler `(event, context)`", fallback=True)
                continue
            if role == "lambda":
                # judged as the Python side's Lambda handlers are (`deployment_code`): no rule about a
                # long-lived process — pools, shutdown, a call that holds a server's request — applies
                self.add(label, "cli", paths, package, f"{len(paths)} AWS Lambda handler module(s) nothing imports "
                         f"({lambda_signs[package]}): the Lambda runtime calls the exported handler once per event and stops "
                         "it at the function's timeout; no long-lived process runs this code", fallback=True)
                continue
            if role == "action":
                self.add(label, "cli", paths, package, f"{len(paths)} StackStorm pack action(s): the python runner runs each "
                         "execution in a child process of its own (python_action_wrapper.py) and kills it at the action's "
                         "timeout (600 s by default): one-shot programs, not the runner's code", fallback=True)
                continue
            self.add(label, kinds[role], paths, package, f"no start command found: {len(paths)} module(s) nothing imports, judged by their paths ({role})", fallback=True)
            for process in self._by_entries.get(tuple(sorted(dict.fromkeys(p for p in paths if p in self.files))), ()):
                process.evidence += [n for n in notes if n not in process.evidence]

    def root_notes(self, package: str, role: str, paths: list[str]) -> list[str]:
        """Why modules nothing imports were judged browser code or tooling, where it is their
        package's or their own code's doing and not only their path (said in `crashlint processes`):
        a package whose dependencies are browser frameworks with no server framework or start
        command (rapidpro's temba-components: lit), a webpack plugin. O(the paths)."""
        notes = []
        manifest = self.project.manifests.get(package)
        if role == "browser" and manifest is not None and package not in self.started:
            front = sorted(FRONTEND_DEPENDENCIES & manifest.runtime)
            if front and not SERVER_FRAMEWORKS & manifest.runtime:
                notes.append(f"{manifest.path}: depends on {', '.join(front[:3])} (browser code) and has no start command or server "
                             "framework: page code, not a Node server")
        if role == "tooling":
            notes += [f"{p}: a webpack plugin (it taps the compiler's hooks): build tooling" for p in paths if bundler_plugin(self.files[p])][:3]
            notes += [f"{p}: its name says it migrates or seeds a database: a one-shot task, not a server" for p in paths
                      if self.files[p].language != "python" and migration_script(p) and self.path_role(p) == "server"][:3]
        return notes

    def js_library(self, process: Process, used: set[str], processes: list[Process]) -> str:
        """What makes the package of `process` (judged a server by its paths alone) a JS/TS library
        that no process of the service runs, as `name: why` (empty when it is not one): see
        find_processes. O(the package's entries and manifest)."""
        package = process.package
        manifest = self.project.manifests.get(package)
        if manifest is None or not manifest.path.endswith("package.json") or manifest.has_bin or manifest.launches:
            return ""
        if package in self.started or SERVER_FRAMEWORKS & manifest.runtime or any(self.files[e].language == "python" for e in process.entries):
            return ""
        if any(p.long_lived and not p.fallback and p.package == package for p in processes):
            return ""
        prefix = package + "/"
        if any(f.startswith(prefix) and self.project.package_root(f) == package for f in used):
            return ""  # a package the service's own processes import: judged by what they load, as before
        if any(self.stops_on_signal(e) for e in process.entries):
            return ""
        name, description = manifest.package_name or self.package_name(package), manifest.description
        if description and PY_CLIENT_LIBRARY.search(description):
            return f"{name}: {description}"
        isomorphic = sorted(d for d in manifest.runtime if d.startswith("isomorphic-"))
        if isomorphic:
            return f"{name}: depends on {isomorphic[0]} (code for pages and Node alike)"
        if not manifest.library_fields:
            return ""  # a `main` alone is also how a small service names its program (`node .`)
        given = {self.source_for(package, manifest.main)} if manifest.main else set()
        given |= {self.project._js_file(t) or self.project.built_source(t) for _, t in manifest.exports}
        given.discard(None)
        if given and set(process.entries) <= given:
            return (f"{name}: published for importers (package.json {', '.join(manifest.library_fields[:2])}); the modules "
                    "nothing imports are the ones it gives them (main/exports)")
        return ""

    def lambda_handler(self, path: str) -> str | None:
        """What makes `path` (a JS/TS module nothing imports) an AWS Lambda function's handler module,
        as evidence, or None: a Lambda setting in its folder or one above names it and one of its
        exports (`handler: src/index.handler` in serverless.yml, `Handler:` in a SAM or CloudFormation
        template, `handler = "…"` in Terraform, `CMD ["index.handler"]` of a Lambda image; the path
        as a suffix of the module's, below a build folder: `build/index` is src/index.ts's output), or
        its package deploys with `aws lambda update-function-code` / `sls deploy` / `sam deploy` or
        depends on the runtime interface client, and it exports `handler`, the name Lambda's Node
        runtime calls when none is set (docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html).
        O(the folders above it), each folder's settings read once per model."""
        exported = {e.name for e in self.files[path].exports}
        if not exported:
            return None
        parts = posixpath.splitext(path)[0].split("/")
        folder = posixpath.dirname(path)
        # the folders from the module's up to the scan root (a file reached through a link outside
        # the root has a path no folder of the project holds: none is read)
        while not folder.startswith(("/", "..")):
            for where, module, export in self.lambda_settings(folder):
                named = module.split("/")
                while len(named) > 1 and named[0] in BUILD_DIRS + (".", ".build"):
                    named = named[1:]
                if export in exported and parts[-len(named):] == named:
                    return f"{where} names `{module}.{export}`"
            if not folder:
                break
            folder = posixpath.dirname(folder)
        if "handler" not in exported:
            return None
        package = self.project.package_root(path)
        manifest = self.project.manifests.get(package)
        if manifest is None:
            return None
        deploy = next((f"{manifest.path}: scripts.{name}: {command}" for name, command in manifest.scripts
                       if LAMBDA_DEPLOY.search(command)), None)
        if deploy is None and LAMBDA_RUNTIME_PACKAGES & manifest.runtime:
            deploy = f"{manifest.path}: depends on {min(LAMBDA_RUNTIME_PACKAGES & manifest.runtime)}"
        return f"{deploy}, and it exports `handler`" if deploy else None

    def lambda_settings(self, folder: str) -> list[tuple[str, str, str]]:
        """The Lambda handler settings of the files in `folder`, as (file, module path, export):
        serverless.yml/.yaml, templates (`template.yaml`, `api.template.yml`, `*.template.json`) that
        declare an `AWS::Serverless::Function` or `AWS::Lambda::Function`, Terraform files that speak
        of a lambda, and the CMD/ENTRYPOINT of a Dockerfile that builds a Lambda image. Memoized per
        folder for the model's life (one listing, the matching files read once)."""
        if folder in self._lambda_settings:
            return self._lambda_settings[folder]
        found: list[tuple[str, str, str]] = []
        names = self.tree.list_dir(folder) if self.tree is not None else []
        for name in names:
            lower = name.lower()
            where = posixpath.join(folder, name)
            if lower in ("serverless.yml", "serverless.yaml") or "template" in lower and lower.endswith((".yml", ".yaml", ".json")):
                text = self._text(where)
                if lower.startswith("serverless.") or "AWS::Serverless::Function" in text or "AWS::Lambda::Function" in text:
                    found += [(where, m, e) for m, e in LAMBDA_HANDLER.findall(text) if e not in NOT_AN_EXPORT]
            elif lower.endswith(".tf"):
                text = self._text(where)
                if "lambda" in text:
                    found += [(where, m, e) for m, e in LAMBDA_HANDLER.findall(text) if e not in NOT_AN_EXPORT]
            elif lower.startswith("dockerfile"):
                text = self._text(where)
                if LAMBDA_IMAGE.search(text):
                    found += [(where, m, e) for m, e in LAMBDA_IMAGE_COMMAND.findall(text) if e not in NOT_AN_EXPORT]
        self._lambda_settings[folder] = found
        return found

    def stops_on_signal(self, path: str) -> bool:
        """A JS/TS module that registers its own SIGTERM/SIGINT listener (`process.on("SIGTERM", …)`):
        a program that runs until it is stopped. O(its calls)."""
        facts = self.files[path]
        return facts.language != "python" and any(
            call.callee in (("process", "on"), ("process", "once")) and call.args and call.args[0].kind == "string"
            and call.args[0].text in ("SIGTERM", "SIGINT") for call in facts.calls)

    def python_in_node_package(self, package: str, path: str) -> bool:
        """A Python module nothing imports whose nearest manifest is a package.json, in a folder with
        no Python project file (pyproject.toml, setup.py, setup.cfg, Pipfile, requirements*.txt),
        of a package whose modules are mostly JS/TS:
        nothing installs its dependencies, so no image or command of the project runs it as a
        service; it is a script a maintainer runs by hand (biosim's `hack/` folder in an Nx
        repository whose processes are all Node ones). The mirror of `page_script`. Memoized per
        package (one listing of its folder, one pass over its files)."""
        if self.files[path].language != "python" or self.tree is None:
            return False
        manifest = self.project.manifests.get(package)
        if manifest is None or not manifest.path.endswith("package.json"):
            return False
        tree = self.tree

        def node_package() -> bool:
            names = tree.list_dir(package)
            if any(n in PY_PROJECT_FILES or n.startswith("requirements") and n.endswith(".txt") for n in names):
                return False
            # and mostly JS/TS code: a folder of Python code with a package.json for its tooling (a
            # linter's, a fixture folder's) is a Python project with no manifest of its own
            languages = [self.files[p].language == "python" for p in self.project.package_paths(package) if p in self.files]
            return sum(languages) * 2 < len(languages)

        return bool(self.project.constant(("node-package-of-python-scripts", package), node_package))

    def script_beside_typescript(self, package: str, path: str) -> bool:
        """An `.mjs` / `.cjs` module nothing imports in a TypeScript package whose `main` is its build
        output (`lib/index.js`, compiled from .ts by tsc): not part of what the package ships (tsc
        emits and copies no `.mjs` of its own), a script someone runs with node (vendure's
        stellate-plugin `src/write.mjs`). Memoized per package for the TypeScript test."""
        if not path.endswith((".mjs", ".cjs")):
            return False
        manifest = self.project.manifests.get(package)
        if manifest is None or not manifest.main:
            return False
        main = posixpath.relpath(manifest.main, package) if package else manifest.main
        if main.removeprefix("./").split("/", 1)[0] not in BUILD_DIRS:
            return False
        key = ("typescript-package", package)
        return bool(self.project.constant(key, lambda: any(p.endswith((".ts", ".tsx")) and not p.endswith(".d.ts")
                                                           for p in self.project.package_paths(package))))

    def has_own_test(self, path: str) -> bool:
        """Whether the tests that import the module are all its own, named after it (`server.test.ts`
        or `tests/query_runner/test_athena.py` for `athena.py`): product code under test (loaded at
        run time by a name, as Redash's query runners are), not a helper shared by the tests
        (`acceptance/support/s3.ts`, which `s3.test.ts`, `s3-wire.test.ts` and `admin.test.ts` use)."""
        stem = posixpath.splitext(posixpath.basename(path))[0]
        importers = self.importers.get(path, ())
        for importer, _ in importers:
            base = posixpath.basename(importer).split(".", 1)[0]
            if base != stem and base not in (f"test_{stem}", f"{stem}_test"):
                return False
        return bool(importers)

    def browser_library(self, package: str) -> bool:
        """A published library package (not private, with a `main`) with no start command, whose own
        modules include browser code (DOM globals, JSX, a browser-only import) and none imports a
        server-only module (`fs`, `node:…`, `child_process`): a client SDK that pages bundle (novu's
        @novu/headless keeps its session in localStorage), not a program of its own. Its entry
        modules are browser code, and so is what only they load."""
        manifest = self.project.manifests.get(package)
        if manifest is None or manifest.private or not manifest.main or manifest.has_bin:
            return False
        own = [f for f in map(self.files.__getitem__, self.project.package_paths(package)) if f.language != "python"]
        if any(imports_server_code(f.imports) for f in own):
            return False
        return any((f.ui or f.dom or imports_browser_code(f.imports)) and not is_test_path(f.path) for f in own)

    def dynamic_load(self, path: str) -> int:
        """The line where `path` loads a module by a computed path, 0 if it does not: JS `require(x)` /
        `import(x)` (a fact), Python `importlib.import_module(x)` / `__import__(x)` /
        `importlib.util.module_from_spec(spec)` (a spec `find_spec(name)` found, then executed by
        `spec.loader.exec_module(module)`: opsdroid's loader)."""
        facts = self.files[path]
        if facts.language != "python":
            return facts.dynamic_loads
        probes = set(facts.import_probes)
        for index, call in enumerate(facts.calls):
            if call.callee in PY_COMPUTED_IMPORTS and call.args and computed_name(call.args[0]) and index not in probes:
                return call.span[0]
            # `for cog in COGS: bot.load_extension(cog)` (avrae), over `pkgutil.iter_modules(__path__)`
            # (Pythonista-Bot's `modules/`): the bot loads its package's cogs by name
            if extension_load(facts, call) and call.args and call.args[0].kind != "string":
                return call.span[0]
        return 0

    # a bound on the functions `loader_runs_in` walks back from one loader: past it, the loader counts as run
    LOADER_WALK = 200

    def loader_runs_in(self, process: Process, path: str) -> bool:
        """Whether `process` runs a computed import of the Python module `path` (the function that
        makes it, not only its file): walked back over the callers of that function until the
        top-level code of a module the process loads, its own `__main__` block or its own console
        script's function calls it. A function nothing calls by name is a root (a hook, a handler a
        decorator or a framework registers) unless it is another process's console script (luigi's
        `luigi_run`: the `--module` loader of `luigi` runs in that CLI, not in `luigid`, which loads
        the same file); a method nothing calls runs where its class is built. More than
        `LOADER_WALK` functions: run. Cost: O(LOADER_WALK) caller lookups per (process, loader),
        memoized, each lookup memoized per function."""
        key = (id(process), path)
        found = self._loader_runs.get(key)
        if found is None:
            found = self._loader_runs[key] = self._loader_runs_in(process, path)
        return found

    def _loader_callers(self, path: str, scope: int) -> list[tuple[str, object]]:
        key = (path, scope)
        found = self._callers_memo.get(key)
        if found is None:
            found = self._callers_memo[key] = self.callers_of(path, scope)
        return found

    def _loader_runs_in(self, process: Process, path: str) -> bool:
        facts = self.files[path]
        if facts.language != "python":
            return True
        probes = set(facts.import_probes)
        starts: list[tuple[str, int]] = []
        for index, call in enumerate(facts.calls):
            if index in probes or not call.args or not computed_name(call.args[0]):
                continue
            if call.callee in PY_COMPUTED_IMPORTS or extension_load(facts, call) and call.args[0].kind != "string":
                starts.append((path, next((s for s in call.scopes if s in facts.functions), 0)))
        own = set(_console_functions(process.evidence))
        others = {name for p in self.processes if p is not process for name in _console_functions(p.evidence)} - own
        seen: set[tuple[str, int]] = set()
        queue = deque(starts)
        while queue:
            file, scope = queue.popleft()
            if (file, scope) in seen:
                continue
            seen.add((file, scope))
            if len(seen) > self.LOADER_WALK:
                return True
            here = self.files[file]
            if scope == 0:  # a module's top level runs where it is loaded
                if file in process.files:
                    return True
                continue
            if scope == MAIN_BLOCK:  # `if __name__ == "__main__":` runs only when the module is the program
                if file in process.entries:
                    return True
                continue
            function = here.functions.get(scope)
            parent = here.scope_parents.get(scope, 0)
            # (a function's call of itself does not start it; a class built in its own classmethod is)
            callers = [(f, c) for f, c in self._loader_callers(file, scope)
                       if function is None or f != file or scope not in c.scopes]
            if not callers:
                if function is not None and parent in here.functions:
                    queue.append((file, parent))  # a callback runs when its function does
                    continue
                if function is not None and parent:  # a method nothing calls by name: where its class is built
                    queue.append((file, parent))
                    continue
                name = function.name if function is not None else ""
                if name and name in others and name not in own:
                    continue  # another program's console script
                return True  # a root crashlint cannot see past (a hook, a registered handler, a class a framework builds)
            for f, c in callers:
                caller = self.files[f]
                inner = next((s for s in c.scopes if s in caller.functions), None)
                if inner is not None:
                    queue.append((f, inner))
                else:
                    first, last = caller.main_guard
                    queue.append((f, MAIN_BLOCK if first and first <= c.span[0] <= last else 0))
        return False

    def _load_filter(self, path: str) -> frozenset[str]:
        """The strings the function of `path` that loads modules by computed names keeps out of
        their names (`FileFacts.name_filters` in that function: yeti's
        `if not module_info.ispkg and "deprecated" not in module_info.name: import_module(…)`)."""
        facts = self.files[path]
        if not facts.name_filters:
            return frozenset()
        scopes = {c.scopes[0] for c in facts.calls if c.callee in PY_COMPUTED_IMPORTS and c.args and computed_name(c.args[0])}
        return frozenset(text for scope, text in facts.name_filters if scope in scopes)

    def filtered_by_a_loader(self, path: str) -> bool:
        """Whether a Python module is one that a loader of the project skips by its name (yeti's
        `plugins/analytics/deprecated/*.py`): unless something imports it, nothing runs it. Any
        loader's filter counts, not only a filter every loader shares: a project's other loaders
        load other folders (yeti's schema loader imports `<package>.private.<name>` only), which a
        Python computed import does not say, and a name its authors keep out of one loader is one
        they retired. The loaders' filters are read once per scan."""
        if self._loader_filters is None:
            # a test's loader is no loader a process runs: ragflow's parser tests load one file by
            # its path beside `if "rag" not in sys.modules:` stubs, which kept every `rag.*` module
            # nothing imports directly out of the task executor (9 sites, rev13-py)
            self._loader_filters = [f for p, facts in self.files.items()
                                    if facts.language == "python" and facts.name_filters and not is_test_path(p)
                                    and self.dynamic_load(p)
                                    for f in [self._load_filter(p)] if f]
        return any(_kept_out(path, literals) for literals in self._loader_filters)

    def in_page_root(self, path: str) -> bool:
        """Whether `path` is under the folder of a page a bundler builds (Vite's `root`, where its
        index.html is): page code, which Vite bundles, though some of it is imported only by `.vue`
        or `.svelte` files crashlint does not parse."""
        roots = self._page_roots
        if roots is None:
            roots = self._page_roots = tuple(r + "/" for m in self.project.manifests.values() for r in m.page_roots if r)
        return path.startswith(roots) if roots else False

    def dynamic_reach(self, process: Process) -> list[tuple[str, str]] | None:
        """(folder, file) pairs the computed loads of `process`'s files can name — a module is in
        reach when its path starts with the folder (root-relative, with a trailing `/`, or "") and
        ends with the file (`/server.js`, or "") — or None when one of them may name any module
        (`require(file)`). A load whose path starts with a literal folder
        (`import(`./plugins/irc-events/${name}`)`) reaches only that folder, one whose path ends in
        a literal file (`path.join(dir, name + "/server.js")`) only files so named, and a package
        name (`require("plugin-" + name)`) none: so a browser client beside the server in one
        package is not pulled in."""
        folders: list[tuple[str, str]] = []
        for path in sorted(process.files):
            facts = self.files[path]
            if not self.dynamic_load(path):
                continue
            if facts.language == "python":
                named = self.python_loaded_folders(path)
                if named is None:
                    return None
                folders += [(folder, "") for folder in named]
                continue
            if not facts.dynamic_dirs or "*" in facts.dynamic_dirs:
                return None
            for folder in facts.dynamic_dirs:
                if folder == "-":
                    continue  # a package of node_modules: no folder of the project
                if folder.startswith("~"):  # computed from its start, ending in a named file
                    # (`${dir}/index`: the index of a folder computed from the loader's, in its own package
                    # — APITable's enterprise actions; any module so named elsewhere)
                    home = self.project.package_root(path) if folder == "~/index" else ""
                    folders.append((home + "/" if home else "", folder[1:]))
                    continue
                if folder.startswith("^"):  # a module named by its first letters: `<prefix>NAME` or `<prefix>NAME/index`
                    prefix, _, tail = folder[1:].partition("\t")  # or `<prefix>NAME/server.js` (tail "/server.js")
                    joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), prefix))
                    if joined.startswith(".."):
                        return None
                    folders.append((joined, "/" + tail.lstrip("/") if tail else _NAMED_MODULE))
                    continue
                joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), folder))
                if joined.startswith(".."):
                    return None
                folders.append(("" if joined == "." else joined + "/", ""))
        return folders

    def python_loaded_folders(self, path: str) -> list[str] | None:
        """The folders the computed imports of the Python module `path` may load from, when each
        names its package in an f-string's literal head (keep's `importlib.import_module(
        f"keep.providers.{name}_provider.{name}_provider")` → keep/providers/); None when one may
        name any module (`import_module(name)` in a loop over names, a bot's `load_extension(cog)`).
        An `import_module(name)` outside any loop of its function imports the one name it is given
        (luigi's metrics collector: `import_module(import_path)` of the class the configuration
        names), which is that name only, not any module of the package nothing else imports: it
        adds no folder (`FileFacts.looped_imports`). O(its calls), memoized per file."""
        facts = self.files[path]
        known = self._loaded_folders.get(path)
        if known is not None and known[0] is facts:
            return known[1]
        probes = set(facts.import_probes)
        looped = set(facts.looped_imports)
        folders: list[str] | None = []
        for index, call in enumerate(facts.calls):
            if index in probes or not call.args or not computed_name(call.args[0]):
                continue
            if extension_load(facts, call) and call.callee not in PY_COMPUTED_IMPORTS:
                folders = None
                break
            if call.callee not in PY_COMPUTED_IMPORTS:
                continue
            head = F_STRING_HEAD.match(call.args[0].text) if call.args[0].kind == "string" else None
            package = head.group(1).rstrip(".") if head and "." in head.group(1) else ""
            target = self.project.python_modules.get(package) if package else None
            if target is not None and target.endswith("/__init__.py"):
                folders.append(posixpath.dirname(target) + "/")
            elif call.keyword("package") is not None or len(call.args) > 1:
                # relative to a package (prefect's lazy `__getattr__`: `import_module(_public_api[name],
                # package=__name__)`): a module of the loader's own package
                folders.append(posixpath.dirname(path) + "/" if posixpath.dirname(path) else "")
            elif index in looped or call.callee not in PY_ONE_NAME_IMPORTS:
                folders = None
                break
        self._loaded_folders[path] = (facts, folders)
        return folders

    def sweeps(self, path: str) -> bool:
        """Whether the computed loads of `path` may load modules nothing imports (a folder's, or any):
        not a Python loader of the one name it is given."""
        return self.files[path].language != "python" or self.python_loaded_folders(path) != []

    def other_distribution(self, path: str, package: str) -> bool:
        """Whether the Python module `path` belongs to a distribution of its own below `package`: the
        nearest manifest is another folder's and names a package (prefect's
        `src/integrations/prefect-aws/pyproject.toml`, `prefect-aws`). A loader of computed names in
        `package` imports its own modules; another distribution is imported by its name
        (`imported_packages`), not swept in by its path. O(1) (package roots are memoized)."""
        if self.files[path].language != "python":
            return False
        root = self.project.package_root(path)
        if root == package:
            return False
        manifest = self.project.manifests.get(root)
        # (a Python manifest's `summary` is "name: description" when it names its distribution)
        return manifest is not None and bool(manifest.package_name or manifest.summary)

    def imported_packages(self, loaders: list[str]) -> tuple[str, ...]:
        """The folders (with a trailing `/`) of the project's packages of another package root that
        the Python `loaders` import by their top-level name (`import tracecat_registry` in
        tracecat/registry/repository.py: packages/tracecat-registry/tracecat_registry/): a loader of
        computed names may name their modules. Cost: one memoized `resolve_module` per import of
        each loader."""
        folders: set[str] = set()
        for path in loaders:
            facts = self.files[path]
            if facts.language != "python":
                continue
            for spec in facts.imports:
                if "." in spec:
                    continue
                target = self.project.resolve_module(path, spec)
                if target and target.endswith("/__init__.py") and self.project.package_root(target) != self.project.package_root(path):
                    folders.add(posixpath.dirname(target) + "/")
        return tuple(sorted(folders))

    def importers_of(self, path: str) -> list[str]:
        return [i for i, _ in self.importers.get(path, ()) if not is_test_path(i)]
    # ---- start commands --------------------------------------------------------------------------

    def _programs(self, package: str, found: list[tuple[str, str]]) -> list[tuple[list[str], str]]:
        """A start command's entries, one program each, except that the route files `next start`
        serves are one program: a Next.js server loads every route and API file of its app."""
        routes = set(self.next_server_files(package))
        served = [entry for entry, how in found if (entry in routes and how == "server") or how == _BUILD]
        programs = [([entry], how) for entry, how in found if entry not in served]
        return programs + ([(served, "server")] if served else [])

    def from_manifest(self, package: str, manifest: Manifest) -> None:
        scripts = dict(manifest.scripts)
        for name in (n for n, _ in manifest.scripts if is_start_script(n) or is_worker_script(n) or framework_serves(n, scripts[n])):
            found = self.command_entries(package, scripts[name], scripts)
            evidence = f"{manifest.path}: scripts.{name}: {scripts[name]}"
            if not found:
                # `start:app: node dist/server/server.cjs` whose output no build map names: its
                # development twin (`start:app:dev: tsx src/server.mts`) runs the same program from source
                twin = next((t for t in (f"{name}:dev", f"{name}-dev", f"{name}_dev") if t in scripts), None)
                if twin is not None:
                    found = [(e, how) for e, how in self.command_entries(package, scripts[twin], scripts) if how != "one-shot"]
                    evidence += f" (its build output; scripts.{twin}: {scripts[twin]} runs the same program from source)"
            if not found and self.next_standalone(package, scripts[name]):
                self.started.add(package)  # a Next.js server with no route or API file of its own: pages only
            for entries, how in self._programs(package, found):
                entry = entries[0]
                kind = "worker" if WORKER_WORDS.search(name) else how
                label = re.sub(r"[:_-](prod|production)$", "", name)
                # `collab:prod` → collab; `console:start: next start` is the package's Next.js server
                label = self.package_name(package) if START_SCRIPT.match(label) or framework_serves(name, scripts[name]) else label
                if how == "one-shot":  # `node migrate.js && node server.js`: a step that ends before the program starts
                    self.add(posixpath.splitext(posixpath.basename(entry))[0], "cli", entries, package,
                             f"{manifest.path}: scripts.{name}: runs once before the program: {scripts[name]}")
                    continue
                if in_tooling_folder(entry):  # `start: node scripts/dev.js`: a tool, whatever the script's name
                    self.add(label, "cli", entries, package, f"{manifest.path}: scripts.{name}: {scripts[name]}")
                    continue
                command = self.command_bin(entry)
                if command:  # `start: node dist/index.js` of dub-cli, whose `bin` is that file: the command run once
                    self.add(label, "cli", entries, package, f"{manifest.path}: scripts.{name}: {scripts[name]} (runs {command})")
                    continue
                built = self.build_origin(package, entry) if entry not in scripts[name] else ""
                self.add(label, kind, entries, package, evidence + (f" (its build output: {built} names {entry} as an entry)" if built else ""),
                         started=True)
        for where, name, command in manifest.launches:
            for entries, how in self._programs(package, self.command_entries(package, command, scripts, posixpath.dirname(where))):
                entry = entries[0]
                # a Procfile's `worker:`, a compose service `queue`, or `node dist/queue-worker.js`
                kind = "worker" if how != "cli" and (WORKER_WORDS.search(name) or WORKER_WORDS.search(posixpath.basename(entry))) else how
                if kind == "server" and self.guard_kind(entry) == "worker":
                    kind = "worker"  # `python run_streaming.py &`: its `__main__` block loops (skyvern), it serves nothing
                if name == "HEALTHCHECK":  # Docker runs the probe and kills it after its --timeout
                    self.probes.add(entry)
                    self.add(posixpath.splitext(posixpath.basename(entry))[0], "cli", [entry], package, f"{where}: HEALTHCHECK probe: {command}")
                    continue
                if name == "one-shot":  # a step an entrypoint runs before it execs the program
                    self.add(posixpath.splitext(posixpath.basename(entry))[0], "cli", [entry], package, f"{where}: runs once: {command}")
                    continue
                if how == "one-shot":  # `CMD python fetch_config.py; consoleme`: a step that ends before the program starts
                    self.add(posixpath.splitext(posixpath.basename(entry))[0], "cli", [entry], package,
                             f"{where}: {name}: runs once before the program: {command}")
                    continue
                label = name if name not in ("CMD", "ENTRYPOINT") else self.package_name(package)
                self.add(label, kind, entries, package, f"{where}: {name}: {command}", started=kind in LONG_LIVED,
                         launched=kind in LONG_LIVED)
                if kind in LONG_LIVED:  # a container or a process manager keeps it running: not serverless
                    self.launched.update({package, *(self.project.package_root(e) for e in entries)})
                if kind in LONG_LIVED:
                    self.started_commands.update(python_subcommands(command))
        for where, _, command in manifest.launches:
            if not self.command_entries(package, command, scripts, posixpath.dirname(where)) and self.next_standalone(package, command):
                self.started.add(package)
                self.launched.add(package)
        for name, command in manifest.scripts:
            if is_start_script(name) or is_worker_script(name) or framework_serves(name, command):
                continue
            tool = name.startswith(NOT_PROGRAMS)
            # `better-auth generate --config ./auth.cli.ts`: a tool's configuration, loaded by that tool
            for token in re.findall(r"(?:^|\s)--config[= ]+(\S+)", command):
                config = self.source_for(package, token) if re.search(r"\.[cm]?[jt]sx?['\"]?$", token) else None
                if config is not None:
                    self.script_runs.setdefault(config, (name, package, f"{manifest.path}: scripts.{name}: {command}"))
            hosted = set(self.hosted_entries)
            for entry, how in self.command_entries(package, command, scripts):
                self.script_runs.setdefault(entry, (name, package, f"{manifest.path}: scripts.{name}: {command}"))
                if tool:
                    continue  # dev servers, tests and builds are not production processes
                if how == "cli" or not self.is_long_lived_entry(entry):
                    self.add(name, "cli", [entry], package, f"{manifest.path}: scripts.{name}: {command}")
            if tool:
                self.hosted_entries = hosted  # `dev: uvicorn app:app --reload` hosts nothing in production
        for entry in manifest.page_scripts:  # Vite's index.html: bundled for the browser
            self.add(self.package_name(package) + " (page)", "browser", [entry], package,
                     f"{entry}: a module script of the page Vite builds (index.html)")
        bundles = self.bundle_entries(package)  # webpack's `entry`, Vite's `rollupOptions.input`: one process
        if bundles:
            evidence = [f"{config}: the entries of a bundle built for the browser ({', '.join(entries[:3])}"
                        + (", …)" if len(entries) > 3 else ")") for config, entries in bundles]
            every = sorted(dict.fromkeys(e for _, entries in bundles for e in entries))
            self.add(self.package_name(package) + " (bundle)", "browser", every, package, evidence[0])
            for process in self._by_entries.get(tuple(every), ()):
                process.evidence += [e for e in evidence[1:] if e not in process.evidence]
        for target in manifest.bins:
            found = self.source_for(package, target)
            if found:
                name = posixpath.basename(target).split(".")[0] or "bin"
                if name in ("bin", "cli", "index", "main", "run", "start", "server"):  # `lib/bin.js`: the package's command
                    name = self.package_name(package)
                serves = self.bin_serves(package, manifest, found)
                if serves:
                    self.bin_servers.add(package)
                    self.add(name, "server", [found], package, f"{manifest.path}: bin: {target} {serves}", started=True)
                else:
                    self.add(name, "cli", [found], package, f"{manifest.path}: bin: {target}")
        for name, target, where in manifest.console_scripts:
            module, _, function = (part.strip() for part in target.partition(":"))
            found = self.project.python_modules.get(module)
            if found:
                kind = self.console_script_kind(found, function)
                if kind == "cli" and name in ("serve", "server", "web", "api"):
                    kind = "server"
                what = {"worker": "runs a loop", "server": "serves", "cli": "runs a command"}[kind]
                self.add(name, kind, [found], package, f"{where}: console script {name} = {target} ({function or module} {what})",
                         started=kind in LONG_LIVED)
                split = self.subcommand_evidence.get((found, function))
                if split:
                    self.add(name, kind, [found], package, split, started=kind in LONG_LIVED)
        for name, target, where in manifest.wsgi_scripts:
            # pbr writes a script whose `application` is what the function builds, for uwsgi or
            # mod_wsgi to host (docs.openstack.org/pbr/latest/user/features.html, "wsgi_scripts"):
            # a server whose host handles SIGTERM
            found = self.project.python_modules.get(target.partition(":")[0].strip())
            if found:
                self.add(name, "server", [found], package, f"{where}: wsgi_scripts {name} = {target} (the WSGI application a server hosts)",
                         started=True, hosted=True)

    def console_script_kind(self, path: str, function: str) -> str:
        """What a console script's function (`deluged = deluge.core.daemon_entry:start_daemon`) runs,
        as `main_kind` judges a `__main__` block: a server (it serves: `reactor.listenTCP`,
        `uvicorn.run`), a worker (a loop nothing ends, a reactor or event loop run forever, a SIGTERM
        handler) or a command that ends (argparse, click). A function the script's module only
        imports is judged where it is defined (`mlserver = mlserver.cli:main`, whose package
        re-exports `main` from `.main`). Each subcommand of a click group or typer app the script
        runs is then judged by itself (`subcommand_kind`): one that serves or loops runs in the
        program, the others when a user types them. Costs one walk of at most 200 functions, plus
        one per subcommand (`subcommand_kind`)."""
        facts = self.files[path]
        head = function.split(".", 1)[0]
        if function == head and not any(f.name == head and facts.scope_parents.get(s, 0) == 0 for s, f in facts.functions.items()) \
                and any(d.scope == 0 and d.name == head and d.value.kind == "import" for d in facts.decls):
            moved = [t for t in self.project.resolve(path, (0,), (head,)) if t.kind == "function" and t.path != path]
            name = self.files[moved[0].path].functions[moved[0].scope].name if moved else ""
            if name and self.files[moved[0].path].scope_parents.get(moved[0].scope, 0) == 0:
                kind = self.console_script_kind(moved[0].path, name)
                if (moved[0].path, name) in self.subcommand_evidence:
                    self.subcommand_evidence[(path, function)] = self.subcommand_evidence[(moved[0].path, name)]
                return kind
        kind = self._console_script_kind(path, facts, head)
        split = self.subcommand_kind(path, head)
        if split and KIND_RANK[split] > KIND_RANK[kind]:
            return split
        return kind

    def _console_script_kind(self, path: str, facts: FileFacts, head: str) -> str:
        scope = next((s for s, f in facts.functions.items() if f.name == head and facts.scope_parents.get(s, 0) == 0), None)
        if scope is not None:
            kind = self.main_kind(path, facts, [], [(path, scope)])
            if kind in LONG_LIVED:
                self.started_functions.add((path, scope))
            return kind
        # `main = JupyterHub.launch_instance`: a module-level alias of a class's method
        aliased = [(t.path, t.scope) for d in facts.decls if d.scope == 0 and d.name == head and d.value.kind == "ref" and len(d.value.path) > 1
                   for t in self.project.resolve(path, (0,), d.value.path) if t.kind == "function"]
        if aliased:
            return self.main_kind(path, facts, [], aliased)
        # `extended_cli = merge_extensions(cli)` (kibitzr): a module-level name made by a call, whose
        # function arguments are what the script runs
        starts = [(t.path, t.scope) for d in facts.decls if d.scope == 0 and d.name == head and d.value.kind == "call"
                  for arg in facts.calls[d.value.call].args if arg.kind == "ref" and arg.path
                  for t in self.project.resolve(path, (0,), arg.path) if t.kind == "function"]
        if not starts:
            # `tgcf = tgcf.cli:app`, `app = typer.Typer()`: the app runs its `@app.command()` function
            # when it has one (Typer runs a lone command without a subcommand name), else the commands
            # that start the program (`serve`, `run`, …), as a click group's are read
            commands = [s for s, d in facts.decorators if d == (head, "command") and s in facts.functions]
            starts = [(path, s) for s in commands if len(commands) == 1 or facts.functions[s].name in PY_START_COMMANDS]
            kind = self.main_kind(path, facts, [], starts) if starts else "cli"
            if kind in LONG_LIVED:  # the command runs in the console script's own process, not in a CLI
                self.started_commands.update(n for _, s in starts for n in self._cli_command_names(path, s))
            return kind
        return self.main_kind(path, facts, [], starts) if starts else "cli"

    def command_bin(self, entry: str) -> str | None:
        """The `bin` of the package holding `entry` that is that file, when that file parses a command
        line (an argument parser, or `process.argv`) and the bin does not serve (`bin_serves`): the
        package's command-line tool, which a start script only runs once (dub-cli's `start: node
        dist/index.js`, commander subcommands). Costs what `bin_serves` costs, once per start script."""
        package = self.project.package_root(entry)
        manifest = self.project.manifests.get(package)
        facts = self.files.get(entry)
        if manifest is None or facts is None:
            return None

        def parses(f: FileFacts) -> bool:
            return f.cli or any(m.split("/")[0] in ARGUMENT_PARSERS for m in f.imports)
        # the entry, or a module it imports (tegon's `import { program } from './cli/index'`, commander)
        imported = (self.project.resolve_module(entry, m) for m in facts.imports if m.startswith("."))
        if not parses(facts) and not any(t is not None and t in self.files and parses(self.files[t]) for t in imported):
            return None  # a launcher with no command line of its own (`new Server().start()`) may be the server
        for target in manifest.bins:
            if self.source_for(package, target) == entry:
                return None if self.bin_serves(package, manifest, entry) else f"its package's command-line tool, bin {target}"
        return None

    def bin_serves(self, package: str, manifest: Manifest, entry: str) -> str | None:
        """Why the program a package.json `bin` runs is the package's server, or None: the bin is (or
        its launcher loads, as Haraka's `bin/haraka` loads `haraka.js`) the package's `main`, a
        program whose top level calls into its own modules, and what it loads makes a server or
        its workers (`listen()` on one, `net`/`tls`/`http.createServer`, `cluster.fork`). A CLI
        whose subcommand serves (`novu dev`) calls that from a command's callback, not from the
        top level of the package's main. Costs one walk of the import graph from the bin."""
        facts = self.files[entry]
        for kind, index in self.js_signs.get(entry, ()):
            call = facts.calls[index]
            if kind in ("server", "worker") and self.runs_at_load(entry, call):
                return f"starts a server as it runs ({entry}:{call.span[0]}: `{call.text}`)"
        found = self._main_serves(package, manifest, entry)
        if found is not None:
            return found
        reached = self.program_serves(entry)
        if reached is not None:
            path, call = reached
            return f"starts a server as it runs ({path}:{call.span[0]}: `{call.text}`, which its top level reaches)"
        return None

    def _main_serves(self, package: str, manifest: Manifest, entry: str) -> str | None:
        """(bin_serves) Why the bin, which runs its package's `main`, serves: what that main loads does."""
        if not manifest.main:
            return None
        main = self.source_for(package, manifest.main)
        if main is None or self.files[main].language == "python" or (entry != main and main not in self.graph.get(entry, ())):
            return None
        if not self.calls_its_modules(main):
            return None
        for path in sorted(self.closure([entry]), key=self.project.position):
            facts = self.files[path]
            if is_test_path(path) or facts.language == "python":
                continue
            sign = next((facts.calls[i] for kind, i in self.js_signs.get(path, ()) if kind in ("server", "worker")), None)
            if sign is None:
                sign = next((c for c in facts.calls if c.callee and c.callee[-1] in ("fork", "createServer")
                             and set(self.project.callee_names(path, c)) & JS_SERVES), None)
            if sign is not None:
                how = "runs" if entry == main or entry not in self.files else "loads"
                return f"{how} main {posixpath.relpath(main, package or '.')}, which starts a server as it loads ({path}:{sign.span[0]}: `{sign.text}`)"
        return None

    def program_serves(self, entry: str):
        """The server `listen()` (path, call) that a program's top level reaches through the
        functions it calls and the methods of the objects it makes, or None: hubot's `bin/hubot`
        runs `robot.run()` in an async IIFE, `Robot.run` calls `this.setupExpress()`, which listens.
        A command's callback handed to a parser (`program.command("dev").action(serve)`) is not
        called here, so a CLI whose subcommand serves stays a CLI. Costs one walk of at most 200
        functions, memoized per entry for this model's walk (it reads facts: not a `Project.constant`)."""
        if entry not in self._program_serves_memo:
            self._program_serves_memo[entry] = self._program_serves(entry)
        return self._program_serves_memo[entry]

    def _program_serves(self, entry: str):
        project = self.project
        facts = self.files[entry]
        # the module's top level, and the functions it invokes in place (`(async () => { … })()`)
        work: list[tuple[str, int]] = [(entry, 0)] + [
            (entry, scope) for scope, function in facts.functions.items() if facts.scope_parents.get(scope) == 0
            and any(c.scopes == (0,) and not c.callee and not c.method and c.span[0] == function.span[0]
                    and c.span[1] < function.span[1] and c.span[2] >= function.span[2] for c in facts.calls)]
        seen: set[tuple[str, int]] = set()
        while work and len(seen) < 200:
            item = work.pop(0)
            if item in seen:
                continue
            seen.add(item)
            path, scope = item
            here = self.files[path]
            for kind, index in self.js_signs.get(path, ()):
                call = here.calls[index]
                # in the function itself or a callback inside it (a Promise executor around the
                # listen); at a module's top level only the calls made there
                if kind == "server" and (call.scopes[0] == scope or scope != 0 and scope in call.scopes) \
                        and not _closed_by_its_function(here, call):
                    return path, call
            for index, call in enumerate(here.calls):
                if call.scopes[0] != scope or not call.callee:
                    continue
                targets = project.resolve(path, call.scopes, call.callee)
                work += [(t.path, t.scope) for t in targets if t.kind == "function" and t.path in self.files]
                if call.method:  # `robot.run()`, `this.setupExpress()`: the method of the object made
                    for instance in project.receiver_targets(path, call):
                        if instance.kind == "instance":
                            work += [m for m in project.class_methods(instance, {call.method}) if m[0] in self.files]
        return None

    def runs_at_load(self, path: str, call) -> bool:
        """Whether `call` runs when the module is run: at its top level, or in one of its functions
        that its top level calls (`main()`), not in a callback (a CLI command's `.action(…)`)."""
        outer = next((s for s in reversed(call.scopes) if s != 0), 0)
        if outer == 0:
            return True
        return any(file == path and len(caller.scopes) == 1 for file, caller in self.callers_of(path, outer))  # type: ignore[attr-defined]

    def calls_its_modules(self, path: str) -> bool:
        """Whether a module's top level calls a function of a project module it imports (Haraka's
        `server.createServer()`): a program that runs as it loads, not a library's index."""
        facts = self.files[path]
        imported = {d.name for d in facts.decls if d.scope == 0 and d.value.kind == "import"
                    and self.project.resolve_module(path, d.value.module) is not None}
        return any(len(c.scopes) == 1 and c.callee and (c.callee[0] in imported and len(c.callee) > 1) for c in facts.calls)

    def is_long_lived_entry(self, path: str) -> bool:
        return any(path in p.entries and p.long_lived for p in self.processes)

    def command_entries(self, package: str, command: str, scripts: dict[str, str], cwd: str | None = None, depth: int = 0) -> list[tuple[str, str]]:
        """The project files a shell command starts, each with the kind it suggests. It reads only
        the files' names, the Python module index and the manifests: memoized in the project model
        (`Project.constant`), with the entries it marks hosted."""
        key = ("command-entries", package, command, tuple(sorted(scripts.items())), cwd, depth)

        def compute() -> tuple[list[tuple[str, str]], frozenset[str], tuple[tuple[str, str, str, str | None], ...]]:
            outer, self.hosted_entries = self.hosted_entries, set()
            outer_configs, self.gunicorn_configs_named = self.gunicorn_configs_named, []
            try:
                return (self._command_entries(package, command, scripts, cwd, depth), frozenset(self.hosted_entries),
                        tuple(self.gunicorn_configs_named))
            finally:
                self.hosted_entries = outer | self.hosted_entries
                self.gunicorn_configs_named = outer_configs + self.gunicorn_configs_named

        found, hosted, configs = self.project.constant(key, compute)  # type: ignore[misc]
        self.hosted_entries |= hosted
        found = list(found)
        # the app a gunicorn config file names: read here, per model, not in the kept answer above
        # (which reads only the files' names and the manifests, never a file's contents)
        for config, kind, config_package, config_cwd in configs:
            targets = self.paste_apps(config) if config.endswith(".ini") else [self.gunicorn_config_app(config, config_package, config_cwd)]
            for target in targets:
                if target is not None and (target, kind) not in found:
                    found.append((target, kind))
                    self.hosted_entries.add(target)
        return found

    def _command_entries(self, package: str, command: str, scripts: dict[str, str], cwd: str | None, depth: int) -> list[tuple[str, str]]:
        """Each part of a shell command line, in order. The shell runs `a; b`, `a && b` and `a || b`
        one after the other: a part that another part with a program of its own follows only
        through those ends before that one starts (`python scripts/fetch_config.py; consoleme`,
        `bugsink-manage migrate && gunicorn …`), so its entries are `one-shot` steps. Parts joined by
        `&` (one sent to the background), a pipe, or monofy's `|||` (monofy runs each side as a
        process of its own and keeps them all running) run side by side."""
        pieces = COMMAND_SEPARATORS.split(command)
        parts, separators = pieces[0::2], pieces[1::2]
        per_part = [self._part_entries(package, part, scripts, cwd, depth) for part in parts]
        found: list[tuple[str, str]] = []
        for i, entries in enumerate(per_part):
            followed = False
            for j in range(i, len(separators)):
                if separators[j] not in SEQUENTIAL_SEPARATORS:
                    break
                if per_part[j + 1]:
                    followed = True
                    break
            found += [(entry, "one-shot") for entry, _ in entries] if followed else entries
        return found

    def _part_entries(self, package: str, part: str, scripts: dict[str, str], cwd: str | None, depth: int) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        try:
            words = shlex.split(part)
        except ValueError:
            words = part.split()
        # the program is the first word that names one: `dotenv -e ../.env -- node dist/index.js`,
        # `NODE_ENV=production exec node …`, `cross-env X=1 ts-node src/main.ts`
        start = next((i for i, w in enumerate(words) if _is_program(posixpath.basename(w)) or w in self.console_commands
                      or posixpath.basename(w) in self.bin_commands or posixpath.basename(w) in self.script_commands), None)
        if start is None or any(posixpath.basename(w) in FILE_TOOLS for w in words[:start]):
            return found  # `zip -r dist/function.zip index.js src`: the files are the archiver's arguments
        if posixpath.basename(words[start]) in self.bin_commands and not _is_program(posixpath.basename(words[start])):
            # the command a package's `bin` installs: `cross-seed daemon`, or an image's ENTRYPOINT
            # `/usr/local/bin/cross-seed` with no argument (the CMD a user passes picks the command):
            # its program serves when its command is a start word or is left to the image's user
            owner, target = self.bin_commands[posixpath.basename(words[start])]
            entry = self.source_for(owner, target)
            command = next((w for w in words[start + 1:] if not w.startswith("-")), None)
            if entry:
                found.append((entry, "server" if command is None or command in JS_START_COMMANDS else "cli"))
            return found
        if any(posixpath.basename(w) in DESKTOP_LAUNCHERS for w in words[:start]):
            # `electron main.js`: the main process of a desktop app on the user's machine, no server
            # (and Electron runs it with --unhandled-rejections=warn: electron/electron#36528)
            entry = self.source_for(package, words[start], cwd)
            return [(entry, "browser")] if entry else found
        words = words[start:]
        head = posixpath.basename(words[0])
        if head in self.script_commands and not _is_program(head) and head not in self.console_commands:
            # `ENTRYPOINT ["ouroboros"]`, `/usr/local/bin/matrix-reminder-bot`: an extensionless `#!`
            # Python program of the project (setup.py `scripts=` installs it), run as `python x.py` is
            found.append((self.script_commands[head], "server"))
            return found
        if words[0] in self.console_commands and not _is_program(head):
            # `consoleme`, `bugsink-runsnappea`: a console script of the project (pyproject
            # [project.scripts], setup.py console_scripts) runs its function
            path, function = self.console_commands[words[0]]
            found.append((path, self.console_script_kind(path, function)))
            return found
        targeted = self.package_target(head, words, cwd if cwd is not None else package) if depth < 3 else None
        if targeted is not None:
            # `yarn workspace api node ./dist/scripts/startServer.js`, `yarn workspace @omnivore/lmw
            # start-watcher` (a Dockerfile's CMD), `npm --workspace PKG run SCRIPT`, `pnpm --filter PKG
            # SCRIPT`, `yarn --cwd DIR SCRIPT`: the rest runs in that package's folder, with its scripts
            folder, rest = targeted
            manifest = self.project.manifests.get(folder)
            inner = dict(manifest.scripts) if manifest is not None else {}
            if rest and not _is_program(posixpath.basename(rest[0])) and rest[0] not in ("run", "run-script"):
                rest = [head, *rest]  # `yarn workspace PKG start-watcher`: the package's script of that name
            elif rest and rest[0] in ("run", "run-script"):
                rest = [head, *rest]
            found += self.command_entries(folder, shlex.join(rest), inner, folder, depth + 1)
            return found
        if head in ("npm", "yarn", "pnpm", "bun") and depth < 3:
            rest = [w for w in words[1:] if w not in ("run", "run-script", "--silent", "-s")]
            if rest and rest[0] in scripts:
                inner = self.command_entries(package, scripts[rest[0]], scripts, cwd, depth + 1)
                if re.match(r"(build|compile|bundle)\b", rest[0]) or re.search(r"migrat|\bseed", rest[0]):
                    # `CMD ["pnpm", "run", "build:release"]` (unraid's builder stage): the image builds
                    # the program and ends; what the build script runs is a tool, not the program; so
                    # does one that migrates or seeds a database (omnivore's packages/db Dockerfile
                    # `CMD ["yarn", "workspace", "@omnivore/db", "migrate"]`: a one-shot job)
                    inner = [(entry, "cli") for entry, _ in inner]
                found += inner
                return found
            if head in ("yarn", "pnpm") and rest and rest[0] in ("node", "tsx", "ts-node"):
                # `yarn node dist/bin/server.js` (Yarn berry runs node with its PnP loader; standardnotes'
                # home-server `start`): the program is node's
                found += self.command_entries(package, shlex.join(rest), scripts, cwd, depth + 1)
                return found
        if head in ("pm2", "pm2-runtime") and depth < 3:
            # `pm2-runtime start pm2.config.js` (parabol), `pm2 start ecosystem.config.json`: the programs are
            # the apps' `script`s of the ecosystem file (pm2.keymetrics.io/docs/usage/application-declaration/),
            # not the file, which pm2 only reads
            config = next((w for w in words[1:] if ECOSYSTEM_FILE.search(w)), None)
            if config is not None:
                path = posixpath.normpath(posixpath.join(cwd if cwd is not None else package, config))
                for script in PM2_SCRIPT.findall(self._text(path)) if path in self.files or self.tree is not None else ():
                    entry = self.source_for(package, script, cwd)
                    if entry:
                        found.append((entry, "server"))
                return found
        if head == "nest" and len(words) > 1 and words[1] == "start":
            entry = self.source_for(package, "src/main.ts")
            if entry:
                found.append((entry, "server"))
            return found
        if head == "next" and len(words) > 1 and words[1] == "start":
            found += [(e, "server") for e in self.next_server_files(package)]
            return found
        if head in ("react-router-serve", "remix-serve"):
            found += [(e, _BUILD) for e in self.route_modules(package)]
            return found
        if head in PY_SERVER_COMMANDS | PY_WORKER_COMMANDS or head.startswith("python"):
            found += self.python_command(package, head, words[1:], cwd)
            return found
        if head.endswith(".py"):  # an executable script (`./fetchstatus.py`, with a #! line)
            found += self.python_command(package, "python", words, cwd)
            return found
        if head in JS_RUNNERS or head.endswith((".js", ".ts", ".mjs", ".cjs")):
            skip = False
            for word in words if head not in JS_RUNNERS else words[1:]:
                if skip:  # the module of `-r ts-node/register`, `--import tsx`: preloaded, not the program
                    skip = False
                    continue
                if word in NODE_VALUE_FLAGS:
                    skip = True
                    continue
                if word.startswith("-") or "=" in word:
                    continue
                built = _START_OUTPUT.match(word)
                if built:  # `node .output/server/index.mjs`: a TanStack Start app's server build
                    folder = posixpath.normpath(posixpath.join(cwd if cwd is not None else package, built.group(1) or "."))
                    found += [(e, _BUILD) for e in self.start_server_modules("" if folder == "." else folder)]
                    break
                entry = self.source_for(package, word, cwd)  # `node server` runs server/index.js
                if entry:
                    found.append((entry, "server"))
                    break
                if posixpath.basename(word) == "server.js" and self.next_app(cwd if cwd is not None else package):
                    # a Next.js app's standalone build: `next build` with `output: "standalone"` writes
                    # a minimal `server.js` that serves the app (nextjs.org/docs/app/api-reference/config/next-config-js/output)
                    found += [(e, "server") for e in self.next_server_files(cwd if cwd is not None else package)]
                    break
                if re.search(r"\.(c|m)?(j|t)s$|/", word):
                    break  # the script, not found among the sources (a build step's output elsewhere)
        return found

    def package_target(self, head: str, words: list[str], here: str) -> tuple[str, list[str]] | None:
        """The package folder a package manager's command line is pointed at, and the words left:
        `yarn workspace PKG …` (classic.yarnpkg.com/en/docs/cli/workspace), `npm --workspace PKG
        run …` / `-w PKG` (docs.npmjs.com/cli/using-npm/config#workspace), `pnpm --filter PKG …` /
        `-F PKG` (pnpm.io/filtering), by package name or folder name; `yarn --cwd DIR …`, `npm
        --prefix DIR …`, `pnpm --dir DIR …` / `-C DIR` by folder, relative to where the command runs.
        None when the words point at no package of the project. O(words × workspace packages)."""
        if head not in ("yarn", "npm", "pnpm") or len(words) < 3:
            return None
        by_name = {"yarn": ("workspace",), "npm": ("--workspace", "-w"), "pnpm": ("--filter", "-F")}[head]
        by_dir = {"yarn": ("--cwd",), "npm": ("--prefix",), "pnpm": ("--dir", "-C")}[head]
        rest = list(words[1:])
        for i, word in enumerate(rest):
            option, _, attached = word.partition("=")
            if option not in by_name + by_dir or i + (0 if attached else 1) >= len(rest):
                continue
            if option == "workspace" and i != 0:
                continue  # yarn's `workspace` is its first word (`yarn run workspace` is a script named so)
            value = attached or rest[i + 1]
            left = rest[:i] + rest[i + (1 if attached else 2):]
            if option in by_name:
                name = value.strip("'\"")
                folder = next((d for n, d in self.project.workspace_packages if n == name or posixpath.basename(d) == name), None)
                if folder is None and name.startswith("."):
                    folder = posixpath.normpath(posixpath.join(here, name))
            else:
                folder = posixpath.normpath(posixpath.join(here, value))
            if folder == ".":
                folder = ""
            if folder is None or folder not in self.project.manifests:
                return None
            return folder, left
        return None

    def python_command(self, package: str, head: str, args: list[str], cwd: str | None = None) -> list[tuple[str, str]]:
        modules = self.project.python_modules
        found: list[tuple[str, str]] = []
        if head.startswith("python"):
            # the interpreter's own options come before the program: `python -O launcher.py`
            # (Pythonista-Bot's ENTRYPOINT), `python -u -X dev bot.py` (docs.python.org/3/using/cmdline.html)
            while args and args[0].startswith("-") and args[0] not in ("-m", "-c", "-"):
                args = args[2:] if args[0] in PY_VALUE_FLAGS else args[1:]
            if len(args) >= 2 and args[0] == "-m" and args[1] in PY_SERVER_COMMANDS | PY_WORKER_COMMANDS:
                return self.python_command(package, args[1], args[2:], cwd)  # python -m gunicorn app:app
            if len(args) >= 2 and args[0] == "-m":
                # `python -m pkg` runs pkg/__main__.py (after pkg/__init__.py): the program is __main__
                target = modules.get(args[1] + ".__main__") or modules.get(args[1])
                if target:
                    found.append((target, "server"))
            elif args and args[0].endswith(".py"):
                target = self.source_for(package, args[0], cwd)
                if target:
                    found.append((target, "server" if posixpath.basename(target) != "manage.py" else self.manage_kind(args[1:])))
            return found
        kind = "server" if head in PY_SERVER_COMMANDS else "worker"
        if head == "fedora-messaging" and "consume" not in args:
            return found  # `fedora-messaging publish …`: one message sent, the command ends
        for i, word in enumerate(args):
            module = None
            word = word.strip("'\"")
            if ":" in word and not word.startswith("-") and "/" not in word:
                module = word.split(":", 1)[0]
            elif (head in PY_MODULE_ONLY_SERVERS and i == len(args) - 1 and not word.startswith("-")
                  and re.fullmatch(r"[A-Za-z_][\w.]*", word) and (i == 0 or args[i - 1] not in ("-c", "--config"))):
                # `gunicorn … bugsink.wsgi`: gunicorn's APP_MODULE with no `:name` is the module's
                # `application` (gunicorn/util.py import_app), hypercorn's its `app`
                module = word if word in modules else None
            elif i > 0 and args[i - 1] in ("-A", "--app") or head in ("arq", "dramatiq", "huey_consumer", "huey_consumer.py", "faust") and not word.startswith("-"):
                module = word.rsplit(".", 1)[0] if head == "arq" else word
            if module:
                target = self.module_file(module, package, cwd) or modules.get(module.rsplit(".", 1)[0])
                if target:
                    found.append((target, kind))
                    self.hosted_entries.add(target)
                    attribute = _served_attribute(word)
                    if attribute:
                        self.served_names.add((target, attribute))
        paste = next((args[i + 1] if w in ("--paste", "--paster") and i + 1 < len(args) else w.split("=", 1)[1]
                      for i, w in enumerate(args) if w in ("--paste", "--paster") or w.startswith(("--paste=", "--paster="))), None)
        if head == "gunicorn" and not found and paste is not None:
            # `gunicorn --paste conf/production.ini` (hypothesis/h): the app is the PasteDeploy ini's
            # (docs.gunicorn.org settings `paste`: "Load a PasteDeploy config file"); read by
            # `command_entries`, outside its kept answer
            token = paste.strip("'\"").split("#", 1)[0].removeprefix("config:")
            ini = next((c for c in (posixpath.normpath(posixpath.join(b, token)) for b in dict.fromkeys([package, cwd or package, ""]))
                        if self.tree is not None and not c.startswith("..") and self.tree.is_file(c)), None)
            if ini is not None:
                self.gunicorn_configs_named.append((ini, kind, package, cwd))
            return found
        if head == "gunicorn" and not found:
            # no APP_MODULE on the command line: gunicorn takes the application from its config
            # file's `wsgi_app` (gunicorn.org/run: "WSGI_APP can be omitted when defined in a
            # configuration file"), the file `-c`/`--config` names or, with neither, the
            # `gunicorn.conf.py` of the working folder (gunicorn/config.py `get_default_config_file`);
            # read by `command_entries`, outside its kept answer
            config = self.gunicorn_config_file(package, args, cwd)
            if config is not None:
                self.gunicorn_configs_named.append((config, kind, package, cwd))
        return found

    def module_file(self, module: str, package: str, cwd: str | None = None) -> str | None:
        """The project file a start command's dotted module names: by the module index, else as a
        path under the command's folder, its package or a Python package's folder (people's
        `gunicorn … people.wsgi:application`, run in the image's copy of `src/backend`, whose stray
        `__init__.py` makes the index call it `backend.people.wsgi`). Cost: one lookup per folder
        holding a manifest."""
        target = self.project.python_modules.get(module)
        if target is not None:
            return target
        relative = module.replace(".", "/")
        for base in dict.fromkeys([cwd or "", package, *sorted(self.project.manifests)]):
            for candidate in (f"{relative}.py", f"{relative}/__init__.py"):
                path = posixpath.normpath(posixpath.join(base, candidate))
                if path in self.files and self.files[path].language == "python":
                    return path
        return None

    def gunicorn_config_file(self, package: str, args: list[str], cwd: str | None) -> str | None:
        """The config file a gunicorn command with no APP_MODULE reads: the file `-c`/`--config`
        names (a path, `file:PATH` or `python:MODULE`), else `gunicorn.conf.py` in the command's
        folder or its package (the working folder gunicorn reads it from; mwdb's `docker/start.sh`
        runs a bare `gunicorn` beside `docker/gunicorn.conf.py`). Reads only the files' names."""
        config = None
        for i, word in enumerate(args):
            if word in ("-c", "--config") and i + 1 < len(args):
                config = args[i + 1]
            elif word.startswith("--config="):
                config = word.split("=", 1)[1]
        config = config.strip("'\"") if config else None
        path = None
        if config is None:
            for base in dict.fromkeys([cwd if cwd is not None else package, package]):
                candidate = posixpath.normpath(posixpath.join(base, "gunicorn.conf.py"))
                if candidate in self.files:
                    path = candidate
                    break
        elif config.startswith("python:"):
            path = self.module_file(config[len("python:"):], package, cwd)
        else:
            path = self.source_for(package, config.removeprefix("file:"), cwd)
        return path if path is not None and self.files[path].language == "python" else None

    def paste_apps(self, ini: str) -> list[str]:
        """The project modules a PasteDeploy ini's `[app:…]` sections build the WSGI app from:
        `use = call:h.app:create_app` (the factory itself), `paste.app_factory = kinto:main`, and
        `use = egg:kinto` / `egg:dist#name` (the `paste.app_factory` entry point of that name, `main`
        by default, that a project manifest declares) — docs.pylonsproject.org/projects/pastedeploy
        "Applications": `use = egg:…`, `use = call:…`, `paste.app_factory = …`. Cost: one read of
        the ini, memoized."""
        if ini in self._paste_apps:
            return self._paste_apps[ini]
        found: list[str] = []
        section = ""
        for line in self._text(ini).splitlines():
            header = re.match(r"\s*\[([^\]]*)\]", line)
            if header:
                section = header.group(1).strip()
                continue
            if not section.startswith("app:"):
                continue
            setting = re.match(r"\s*(use|paste\.app_factory)\s*[=:]\s*(\S+)", line)
            if setting is None:
                continue
            value = setting.group(2)
            module = ""
            if setting.group(1) == "paste.app_factory":
                module = value.split(":", 1)[0]
            elif value.startswith("call:"):
                module = value[len("call:"):].split(":", 1)[0]
            elif value.startswith("egg:"):
                dist, _, name = value[len("egg:"):].partition("#")
                for manifest in self.project.manifests.values():
                    for group, entry, target, _ in manifest.entry_points:
                        if group == "paste.app_factory" and entry == (name or "main") and normalize(manifest.summary.split(":", 1)[0]) in ("", normalize(dist)):
                            module = target.split(":", 1)[0]
            target = self.module_file(module, self.project.package_root(ini), posixpath.dirname(ini)) if module else None
            if target is not None and target not in found:
                found.append(target)
        self._paste_apps[ini] = found
        return found

    def gunicorn_config_app(self, config: str, package: str, cwd: str | None) -> str | None:
        """The project module a gunicorn config file's `wsgi_app = "mwdb.app:app"` names (gunicorn/config.py
        `WSGIApp`, setting `wsgi_app`), None when it names none. Cost: one read of the file, memoized."""
        key = (config, package, cwd)
        if key not in self._gunicorn_apps:
            named = GUNICORN_WSGI_APP.search(self._text(config))
            module = named.group(1).split(":", 1)[0].strip() if named else ""
            self._gunicorn_apps[key] = self.module_file(module, package, cwd) if module else None
        return self._gunicorn_apps[key]

    def manage_kind(self, args: list[str]) -> str:
        return "server" if args and args[0] in ("runserver", "run_huey", "rqworker", "qcluster", "celery") else "cli"

    def source_for(self, package: str, token: str, cwd: str | None = None) -> str | None:
        """A command's file argument as a project source file: `dist/main.js` → `src/main.ts`."""
        token = token.strip("'\"")
        if token in (".", "./") or (token.endswith("/") and token.strip("/")):
            # `node .`, `exec node /usr/src/app/` (tileserver-gl's entrypoint): node runs the folder's
            # package.json `main`, else its index.js (nodejs.org/api/modules.html#folders-as-modules); a
            # folder inside the image is the one its Dockerfile copies, the command's folder
            folder = (cwd if cwd is not None else package) if token.startswith("/") or token in (".", "./") \
                else posixpath.normpath(posixpath.join(cwd if cwd is not None else package, token))
            folder = "" if folder == "." else folder
            manifest = self.project.manifests.get(folder)
            if manifest is not None and manifest.main and manifest.main != folder:
                found = self.source_for(folder, posixpath.relpath(manifest.main, folder or "."))
                if found:
                    return found
            return self.project._js_file(posixpath.join(folder, "index")) if token.startswith("/") or token in (".", "./") else None
        token = token.removeprefix("./")
        if token.startswith("/"):  # a path inside the image (`/opt/app/worker.py`): the file beside the Dockerfile
            return self.source_for(package, posixpath.basename(token), cwd) if cwd is not None else None
        bases = [d for d in dict.fromkeys([package, cwd or package, ""]) if d is not None]
        for base in bases:
            path = posixpath.normpath(posixpath.join(base, token))
            if path in self.files:
                return path
            if path.endswith(".py"):
                continue
            found = self.project._js_file(path) or self.project._js_file(posixpath.splitext(path)[0])
            if found:
                return found
            launched = self.launched_source(package, path)
            if launched:
                return launched
            built = self.project.built_source(path)  # `./packages/lite/dist/scripts/startLite.js`
            if built and posixpath.splitext(built)[0] != posixpath.splitext(path)[0]:
                return built
            rel = posixpath.relpath(path, base) if base else path
            first, _, rest = rel.partition("/")
            if first in BUILD_DIRS and rest:  # compiled output: its source under src/ (or rootDir) or beside
                found = self.project.built_source(path)
                if found:
                    return found
                stem = posixpath.splitext(rest)[0]
                for candidate in (posixpath.join(base, "src", stem), posixpath.join(base, stem)):
                    found = self.project._js_file(posixpath.normpath(candidate))
                    if found:
                        return found
                # a bundler's output (`dist/server/server.cjs`): the entry its build script names
                found = self.build_entries(base).get(posixpath.basename(posixpath.splitext(rest)[0]))
                if found:
                    return found
        return None

    def build_entries(self, package: str) -> dict[str, str]:
        """The source files a package's build names as its bundler's entries, by the name of the
        file each becomes: `scripts/build-server.mjs` with `{ name: "server", entry: "src/server.mts" }`
        (esbuild writes `dist/server/server.cjs`), tsup's `entry: { worker: "src/worker/main.ts" }`,
        `esbuild src/index.ts --outdir=dist`. Read from the commands of the package's `build*`
        scripts, the project files they run, and its bundler configs (`tsup.config.*`,
        `esbuild.config.*`, `build.*`); an entry's output is named after its key, else after its
        file. A name two entries share names neither. Only asked when a start command's build
        output has no source by its path; memoized per package (those files read once)."""
        return self.project.constant(("build-entries", package), lambda: self._build_entries(package))[0]  # type: ignore[index]

    def build_origin(self, package: str, source: str) -> str:
        """Which build script or bundler config of the package names `source` as an entry (`build_entries`), or ""."""
        return self.project.constant(("build-entries", package), lambda: self._build_entries(package))[1].get(source, "")  # type: ignore[index]

    def _build_entries(self, package: str) -> tuple[dict[str, str], dict[str, str]]:
        manifest = self.project.manifests.get(package)
        if manifest is None or self.tree is None:
            return {}, {}
        prefix = package + "/" if package else ""
        texts: list[tuple[str, str, str]] = []  # (folder the text's paths are relative to, text, where it is)
        for name, command in manifest.scripts:
            if not name.startswith(("build", "bundle", "compile")):
                continue
            texts.append((package, command, f"{manifest.path}: scripts.{name}"))
            for word in command.split():
                if re.search(r"\.[cm]?[jt]s$", word):
                    script = self.project._js_file(posixpath.normpath(posixpath.join(package, word)))
                    if script is not None and script.startswith(prefix):
                        texts.append((package, self._text(script), script))
        for path in self.files:
            if posixpath.dirname(path) == package and BUNDLER_CONFIG.match(posixpath.basename(path)):
                texts.append((package, self._text(path), path))
            elif path.startswith(prefix) and PAGE_BUNDLER_CONFIG.search(path[len(prefix):]) and not ROLLUP_OR_ESBUILD.match(posixpath.basename(path)):
                # a Vite or webpack config that builds for Node (unraid's api: `build: { ssr: true,
                # rollupOptions: { input: { main: 'src/index.ts' } } }`, `entryFileNames: '[name].js'`
                # writes dist/main.js; webpack's `target: 'node'`): its entries are programs
                text = self._text(path)  # as written: a glob string (`'src/**/*.ts'`) is no comment's start
                if NODE_BUNDLE.search(text):
                    texts.append((package, _paths_spelled_out(text, posixpath.dirname(path), package), path))
        found: dict[str, str | None] = {}
        origins: dict[str, str] = {}
        # a development config (`dev.servers.config.js`) last: the production build names the evidence
        texts.sort(key=lambda t: bool(re.search(r"(?:^|[./-])dev(?:elopment)?[./-]", posixpath.basename(t[2]))))
        for folder, text, where in texts:
            for key, spec in BUILD_ENTRY.findall(text):
                source = self.project._js_file(posixpath.normpath(posixpath.join(folder, spec)))
                if source is None or not source.startswith(prefix) or is_test_path(source):
                    continue
                for name in dict.fromkeys([key, posixpath.basename(posixpath.splitext(source)[0])]):
                    if name and name not in ("entry", "entryPoints", "input", "in", "src", "source"):
                        found[name] = source if found.get(name, source) == source else None
                origins.setdefault(source, where)
        return {name: source for name, source in found.items() if source is not None}, origins

    def bundle_entries(self, package: str) -> list[tuple[str, list[str]]]:
        """The entry modules of the page bundles a package's bundler configs build, per config:
        webpack's and Rspack's `entry` (a string, an array, an object of those or of `{ import }`
        descriptors: webpack.js.org/concepts/entry-points/), Vite's `build.rollupOptions.input`
        (vite.dev/guide/build#multi-page-app), and a Rollup or esbuild config's `input` /
        `entryPoints` when it builds for a page (`format: "iife"` / `"umd"`, `platform: "browser"`).
        A config that targets Node (`target: "node"`, `platform: "node"`, Vite's `ssr`) builds a
        server and names none; an entry that imports Node's own modules (`fs`, `node:…`) is not
        page code (`fs`, `http`, `child_process`, … or a server framework). The configs are those named so in the package (`webpack.config.js`,
        `webpack.prod.js`, `vite.config.ts`, files of a `webpack/` or `.rspack/` folder) and the
        relative files they import (cloudcmd's rspack.config.js merges `./.rspack/js.js`). Paths
        are read relative to the config's `context` literal, the package (webpack's default
        context is the working directory) or the config's folder; `${dir}/main.js` takes `dir`
        from a string constant the config declares. Memoized per package: each config read once."""
        return self.project.constant(("bundle-entries", package), lambda: self._bundle_entries(package))  # type: ignore[return-value]

    def _bundle_entries(self, package: str) -> list[tuple[str, list[str]]]:
        if self.tree is None:
            return []
        prefix = package + "/" if package else ""
        queue = [path for path in self.project.package_paths(package) if PAGE_BUNDLER_CONFIG.search(path[len(prefix):])]
        texts: dict[str, str] = {}
        merged: dict[str, list[str]] = {}  # config → the configs it imports (a base config, webpack-merge parts)
        while queue:
            config = queue.pop(0)
            if config in texts:
                continue
            text = texts[config] = JS_COMMENT.sub("", self._text(config))
            merged[config] = []
            for spec in CONFIG_IMPORT.findall(text):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(config), spec))
                target = target if posixpath.splitext(target)[1] else target + ".js"
                if target.startswith(prefix) and re.search(r"\.[cm]?[jt]s$", target):
                    merged[config].append(target)
                    queue.append(target)

        def inherited(config: str, read: Callable[[str], str | None], depth: int = 0) -> str | None:
            """What `read` finds in the config or, failing that, in the configs it imports."""
            own = read(config)
            if own is not None or depth > 4:
                return own
            return next((v for c in merged.get(config, ()) if (v := inherited(c, read, depth + 1)) is not None), None)

        def context(config: str) -> str | None:
            found = BUNDLE_CONTEXT.search(texts.get(config, ""))
            return posixpath.normpath(posixpath.join(posixpath.dirname(config), found.group(1))) if found else None

        found: list[tuple[str, list[str]]] = []
        for config, text in texts.items():
            if inherited(config, lambda c: "node" if NODE_BUNDLE.search(texts.get(c, "")) else None):
                continue  # a server's bundle (or a config that builds both): its entries are not page code
            if ROLLUP_OR_ESBUILD.match(posixpath.basename(config)) and not BROWSER_BUNDLE.search(text):
                continue  # a library's or a server's build (processes.build_entries reads those)
            constants = dict(CONFIG_CONSTANT.findall(text))
            base_folder = inherited(config, context)  # parse-dashboard's base.config.js: `context: path.join(__dirname, '../src')`
            bases = ([base_folder] if base_folder is not None else []) + [package, posixpath.dirname(config)]
            entries: list[str] = []
            for value in _entry_values(text):
                for literal in BUNDLE_STRING.finditer(value):
                    if BUNDLE_KEY_END.match(value, literal.end()):
                        continue  # an object's key (`'themes/dark': …`, `[`${modules}/edit`]: …`)
                    spec = literal.group(1) or literal.group(2) or _substituted(literal.group(3) or "", constants)
                    # a bare name is a package's (`entry: "react"`), unless it names a source file:
                    # Rollup's `input: 'temba-components.ts'` is a path from the working directory
                    if not spec or not spec.startswith((".", "/")) and "/" not in spec and not SOURCE_FILE.search(spec):
                        continue
                    for base in bases:
                        source = self.project._js_file(posixpath.normpath(posixpath.join(base, spec.lstrip("/"))))
                        if source is not None and source.startswith(prefix):
                            facts = self.files.get(source)
                            if facts is not None and not is_test_path(source) and not any(NODE_ONLY.match(m) for m in facts.imports):
                                entries.append(source)
                            break
            if entries:
                found.append((config, list(dict.fromkeys(entries))))
        return found

    def _text(self, path: str) -> str:
        try:
            return self.tree.read(path).decode("utf-8", "replace") if self.tree is not None else ""
        except OSError:
            return ""

    def launched_source(self, package: str, script: str) -> str | None:
        """The project module a Node launcher with no extension starts (`node bin/signalk-server`,
        whose `require('../dist')` is the compiled src/index.ts): the first of its relative requires
        that resolves, through the build folder's sources if need be."""
        for manifest in (self.project.manifests.get(package), self.project.manifests.get("")):
            for launcher, specs in (manifest.launchers if manifest is not None else ()):
                if launcher != script:
                    continue
                for spec in specs:
                    target = posixpath.normpath(posixpath.join(posixpath.dirname(launcher), spec))
                    found = self.project._js_file(target) or self.project.built_source(target)
                    if found:
                        return found
        return None

    def next_app(self, package: str) -> bool:
        """Whether `package` is a Next.js app (it depends on `next`)."""
        manifest = self.project.manifests.get(package)
        return manifest is not None and "next" in manifest.dependencies

    def next_standalone(self, package: str, command: str) -> bool:
        """Whether `command` runs the standalone server of the Next.js app `package` (`node server.js`,
        `node $SCRIPT_DIR/server.js`, `next start`): a server even when the app has no route or API
        file of its own (then what it runs is its pages: no code of the project's to judge)."""
        if not self.next_app(package):
            return False
        if framework_serves("start", command):
            return True
        return any(posixpath.basename(w) == "server.js" and self.source_for(package, w) is None
                   for w in command.replace(";", " ").split())

    def serverless(self, process: Process) -> bool:
        """Whether a long-lived process of a Next.js app runs as serverless functions: the app's
        folder has a `vercel.json` (Vercel deploys it: each API route and route handler becomes a
        function, vercel.com/docs/functions) and no Dockerfile, Procfile, compose file or supervisor
        of the project starts it, and it is the framework's own server (`next start`, or route files
        judged by their paths), not a custom one."""
        package = process.package
        if not process.long_lived or package in self.launched or not self.next_app(package):
            return False
        if not (process.fallback or self._next_served(process)):
            return False
        manifest = self.project.manifests.get(package)
        return manifest is not None and manifest.serverless_host == "vercel.json"

    def _next_served(self, process: Process) -> bool:
        prefix = process.package + "/" if process.package else ""
        return all(e.startswith(prefix) and self.next_server_file(e, prefix) for e in process.entries)

    def client_tree(self) -> frozenset[str]:
        """The "use client" modules and every module they load (the trees a server's closure stops
        at, `_closure`). One walk over the graph, O(edges); memoized."""
        if self._client_tree is None:
            seeds = sorted(self.client_modules, key=self.project.position)
            self._client_tree = self.closure(seeds) if seeds else frozenset()
        return self._client_tree

    def next_server_file(self, path: str, prefix: str) -> bool:
        """Whether a Next.js server runs `path` (under its app's folder `prefix`) by its place or its
        directive: a route handler, API route, middleware / proxy, instrumentation, a "use server"
        module, or an App Router page, layout or other special file with no "use client". O(1)."""
        facts = self.files[path]
        rest = path[len(prefix):]
        if _NEXT_API_FILE.search(rest) and self.next_api_helper(path):
            return False
        return bool(_NEXT_SERVER.search(rest) or facts.server_directive
                    or not facts.client_directive and _NEXT_APP_FILE.search(rest) and not is_test_path(path))

    def next_api_helper(self, path: str) -> bool:
        """A module under the Pages Router's `pages/api/` that is not an API route: Next.js calls a
        route's default export as its handler `(req, res)` (nextjs.org/docs/pages/building-your-application/routing/api-routes),
        and this one has none that could be — no default export while other modules import it
        (SuperAGI's `gui/pages/api/DashboardService.js`, the GUI's request functions), or a default
        export that is a value made by a call or an object literal (`export default api`, an axios
        instance, `gui/pages/api/apiConfig.js`) that other modules import (a route is requested,
        not imported). What it runs is judged by who loads it: here the browser. O(its exports and
        importers)."""
        facts = self.files[path]
        default = next((e for e in facts.exports if e.name == "default"), None)
        importers = self.importers_of(path)
        if default is None:
            return bool(importers) and not any(e.name == "*" for e in facts.exports)
        if default.module is not None or default.local is None:
            return False
        value = next((d.value for d in facts.decls if d.name == default.local and d.scope == 0), None)
        return value is not None and value.kind in ("call", "object") and bool(importers)

    def server_components(self) -> frozenset[str]:
        """The App Router's server components: the pages, layouts and other special files of a Next.js
        app's `app/` folder that its server renders (no "use client"), and every module with JSX they
        import, directly or through other modules, up to a "use client" module, which starts the
        client tree: React renders a server component only on the server, and a component with no
        directive that one imports is a server component too (react.dev/reference/rsc/server-components,
        nextjs.org/docs/app/getting-started/server-and-client-components). Their code runs in the
        server process, JSX notwithstanding. Modules without JSX on the way are left to the usual
        judgement (a helper page code also imports is judged per function). One walk over the graph
        from the special files of every package `next_server_files` was asked for, O(edges); memoized."""
        if self._server_components is None:
            seeds = [p for package, found in self._next_server.items() for p in found
                     if _NEXT_APP_FILE.search(p[len(package) + 1 if package else 0:])]
            seen = set(seeds)
            queue = deque(seeds)
            while queue:
                for target in self.graph.get(queue.popleft(), ()):
                    facts = self.files.get(target)
                    if target in seen or facts is None or target in self.client_modules or facts.language == "python":
                        continue
                    seen.add(target)
                    queue.append(target)
            self._server_components = frozenset(p for p in seen if p in seeds or self.files[p].ui)
        return self._server_components

    def next_host(self, process: Process) -> tuple[str, int] | None:
        """Where a process's code makes a Next.js server (`next(…)` of the `next` package), if it does."""
        for path in sorted(process.files):
            facts = self.files[path]
            if "next" not in facts.imports:
                continue
            for call in facts.calls:
                if call.callee and "next" in self.project.callee_names(path, call):
                    return path, call.span[0]
        return None

    def next_server_files(self, package: str) -> list[str]:
        """The files of `package` a Next.js server loads by their place (API routes, route handlers,
        middleware, instrumentation), in file order, then its "use server" modules (server actions:
        the server runs them when a page calls one, whatever imports them). Memoized per package; each call after the
        first costs O(its answer). The regular expression runs only on the files that hold one of
        its fixed parts (`_NEXT_SERVER_PARTS`, found once per scan): it was called for every start
        command of every package, each time over every file (1.2 s of a cold scan of novu)."""
        found = self._next_server.get(package)
        if found is None:
            if self._next_candidates is None:
                self._next_candidates = [p for p in self.files if any(part in p for part in _NEXT_SERVER_PARTS)]
            prefix = package + "/" if package else ""
            if self._server_actions is None:  # "use server" modules: the server runs their functions when a page calls one
                self._server_actions = [p for p, f in self.files.items() if f.server_directive and not is_test_path(p)]
            found = self._next_server[package] = [p for p in self._next_candidates
                                                  if p.startswith(prefix) and self.next_server_file(p, prefix)]
            found += [p for p in self._server_actions if p.startswith(prefix) and p not in found
                      and self.project.package_root(p) == package]
        return list(found)

    def route_modules(self, package: str) -> list[str]:
        """The modules a React Router (framework mode) or Remix server build holds, which
        `react-router-serve build/server/index.js` / `remix-serve` runs: the app folder's
        `entry.server`, `root` and route config, and every module under `app/routes/` (loaders,
        actions and resource routes run in that server; reactrouter.com/start/framework/routing)."""
        if package in self._route_modules:
            return self._route_modules[package]
        prefix = (package + "/" if package else "") + "app/"
        found = []
        for path in self.files:
            if not path.startswith(prefix) or is_test_path(path) or self.files[path].language == "python":
                continue
            rest = path[len(prefix):]
            if rest.startswith("routes/") or re.match(r"(entry\.server|root|routes)\.[cm]?[jt]sx?$", rest):
                found.append(path)
        self._route_modules[package] = sorted(found, key=self.project.position)
        return self._route_modules[package]

    def start_server_modules(self, package: str) -> list[str]:
        """The modules of a TanStack Start app's server build (`.output/server/index.mjs`, the
        Nitro server `vite build` writes): its route tree under `src/routes/` (server routes,
        loaders, server functions), `src/start.*`, `src/server.*` and `src/router.*`
        (tanstack.com/start/latest/docs/framework/react/guide/server-entry-point)."""
        manifest = self.project.manifests.get(package)
        if manifest is None or not TANSTACK_START & manifest.dependencies.keys():
            return []
        prefix = (package + "/" if package else "") + "src/"
        found = [p for p in self.files if p.startswith(prefix) and not is_test_path(p) and self.files[p].language != "python"
                 and (p[len(prefix):].startswith("routes/") or re.match(r"(start|server|router)\.[cm]?[jt]sx?$", p[len(prefix):]))]
        return sorted(found, key=self.project.position)

    def in_route_loader(self, path: str, call) -> bool:
        """Whether `call` is made inside the `loader` or `action` a route module of a React Router /
        Remix server exports: the server runs those (the bundler strips them from the page's copy
        of the module), whatever else the module renders."""
        package = self.project.package_root(path)
        if path not in self.route_modules(package) or not any(path in p.entries and p.long_lived and not p.fallback for p in self.processes):
            return False
        facts = self.files[path]
        exported = {e.local or e.name for e in facts.exports if e.name in ("loader", "action")}
        scopes = {d.value.scope for d in facts.decls if d.name in exported and d.value.kind == "function"}
        return bool(scopes & set(call.scopes))

    def resource_route(self, path: str) -> bool:
        """A route module of a React Router / Remix server that exports a `loader` or an `action`
        and no default component: a resource route, which only the server runs (an image, a feed,
        a proxy), JSX or not (reactrouter.com/how-to/resource-routes)."""
        names = {e.name for e in self.files[path].exports}
        if "default" in names or not names & {"loader", "action"}:
            return False
        return path in self.route_modules(self.project.package_root(path)) and any(
            path in p.entries and p.long_lived and not p.fallback for p in self.processes)

    # ---- what the code does ----------------------------------------------------------------------

    def javascript_signals(self, path: str, facts: FileFacts, signs: list[tuple[str, int]]) -> None:
        project = self.project
        package = project.package_root(path)
        for sign, index in signs:
            call = facts.calls[index]
            if sign == "setup":
                self.setup_files.add(path)  # a setup wizard or migration page served before the service
            elif sign == "server":
                evidence = f"{path}:{call.span[0]}: `{call.text}` starts a server"
                host = self.started_host(path)
                if host is not None:  # the server a start command runs loads this file: its own listen
                    if evidence not in host.evidence:
                        host.evidence.append(evidence)
                    continue
                entries, start = self.program_entries(path, call)
                name = self.package_name(package) + (f":{start}" if start else "")
                if self.left_behind(package, path, entries):
                    # leon's server/src/core/http-server/old-server.js: a server module nothing imports
                    # and nothing runs, beside the server the package's start command names: dead code
                    self.add(name + " (not started)", "cli", entries, package,
                             f"{evidence}, in a module nothing imports and no start command, script or launch file runs, "
                             "beside the server its package's start command names")
                    continue
                dev = [self.dev_loaded[e][0] for e in entries if e in self.dev_loaded and not self.importers_of(e)]
                if entries and len(dev) == len(entries):
                    # send's server/bin/dev.js, the webpack-dev-server hook `webpack.config.js` requires
                    # under `NODE_ENV === "development"`: a server of the development setup only
                    self.add(name + " (development)", "cli", entries, package,
                             f"{evidence}, in a module only {dev[0]} loads, under a development switch")
                    continue
                self.add(name, "server", entries, package, evidence + self.start_evidence(path, start))
            else:
                entries, start = self.program_entries(path, call)
                name = self.package_name(package) + (f":{start}" if start else ":worker")
                self.add(name, "worker", entries, package, f"{path}:{call.span[0]}: `{call.text}` consumes a queue" + self.start_evidence(path, start))

    def left_behind(self, package: str, path: str, entries: list[str]) -> bool:
        """Whether a module that `listen()`s at its top level is a server nothing starts: nothing
        imports it (`entries` is the module itself), no script runs it, it does not stop on SIGTERM
        as a program of its own would, and a start command or launch file of its package already
        names a long-lived program (leon's `old-server.js` beside `node server/dist/index.js`).
        O(the processes found so far)."""
        if entries != [path] or self.importers_of(path) or path in self.script_runs or self.stops_on_signal(path):
            return False
        return any(p.started and p.long_lived and p.package == package and path not in p.entries for p in self.processes)

    def dev_only(self, path: str, call) -> bool:
        """Whether `call` runs only under a development switch (`if (devMode) { return
        runWatchMode(…) }`, `FileFacts.dev_calls`): a function only such calls reach is not
        production code. One set per file with such calls, memoized."""
        facts = self.files[path]
        if not facts.dev_calls and not facts.option_calls and not facts.flag_calls:
            return False
        found = self._dev_calls.get(path)
        if found is None:
            # and (Python) a management command's one-shot option branch (`if options.get("status"):
            # … return`, `FileFacts.option_calls`): a one-off run of the command, not its daemon; and
            # (JS/TS) calls under an imported development flag (`dev_indices`)
            found = self._dev_calls[path] = frozenset(id(facts.calls[i]) for i in self.dev_indices(path) + facts.option_calls)
        return id(call) in found

    def dev_line(self, path: str, line: int) -> bool:
        """Whether `line` of `path` is in the body of an `if` on a development switch (its own, or a
        flag imported from a module that declares it so: `dev_flags`). O(the file's such bodies)."""
        facts = self.files[path]
        if any(first <= line <= last for first, last in facts.dev_lines):
            return True
        return any(first <= line <= last and name in self._dev_names(path) for name, first, last in facts.flag_lines)

    def _dev_names(self, path: str) -> frozenset[str]:
        """The names `path` imports that their modules declare with a development test. Memoized."""
        found = self._dev_imported.get(path)
        if found is None:
            facts = self.files[path]
            imports = {d.name: d.value for d in facts.decls if d.scope == MODULE_SCOPE and d.value.kind == "import"}
            names = set()
            for name in {n for n, _ in facts.flag_calls} | {n for n, _, _ in facts.flag_lines}:
                value = imports.get(name)
                target = self.project.resolve_module(path, value.module) if value is not None else None
                declared = self.files.get(target) if target is not None else None
                if declared is not None and (value.name or name) in declared.dev_flags:
                    names.add(name)
            found = self._dev_imported[path] = frozenset(names)
        return found

    def dev_indices(self, path: str) -> tuple[int, ...]:
        """The indices of `path`'s calls under a development switch: `FileFacts.dev_calls`, and those
        under `if (flag)` where `flag` is imported from a module that declares it with a development
        test (`import { DEV } from "../config/env"`, `FileFacts.dev_flags`). One resolution per
        imported flag of the file, memoized per file."""
        facts = self.files[path]
        if not facts.flag_calls:
            return facts.dev_calls
        found = self._dev_indices.get(path)
        if found is None:
            names = self._dev_names(path)
            extra = [i for name, indices in facts.flag_calls if name in names for i in indices]
            found = self._dev_indices[path] = tuple(sorted(set(facts.dev_calls) | set(extra)))
        return found

    def starts_in_function(self, process: Process) -> bool:
        """Whether `process` starts in a library's exported start function (`program_entries`): a
        program of its own, whatever else loads the function's module."""
        return any(path in process.entries for path, _ in self.start_functions)

    def start_evidence(self, path: str, start: str | None) -> str:
        if not start:
            return ""
        manifest = self.project.manifests.get(self.project.package_root(path))
        by = manifest.package_name if manifest is not None else "its package"
        return f", in `{start}()`, which {by} exports for programs to call (only scripts call it here)"

    def program_entries(self, path: str, call) -> tuple[list[str], str | None]:
        """Where the program whose code makes `call` (a `listen()`, a queue worker) starts, and the
        name of the function it starts in when that is a library's exported start function.
        The roots `entries_for` finds, less those a package.json script that is not a start command
        runs (`build`, `codegen`, `load-test:1k`, `dev:server`) or that sit in a tools folder
        (`scripts/`, `load-testing/`): a load test that boots the server to measure it is not the
        server. When only such scripts call it, and the call sits in a function its (published,
        not private) package exports and scripts outside that package call (vendure's `bootstrap(config)`
        in @vendure/core, called by the dev server's index and by codegen and load-test scripts), the program
        starts in that function: its module is the entry, not the scripts."""
        roots = self.entries_for(path, call)
        scripted = [r for r in roots if r != path and (r in self.script_runs or in_tooling_folder(r))]
        if not scripted:
            return roots, None
        program = [r for r in roots if r not in scripted]
        if program:
            return program, None
        outer = next((s for s in reversed(call.scopes) if s != 0), 0)
        facts = self.files[path]
        function = facts.functions.get(outer)
        package = self.project.package_root(path)
        manifest = self.project.manifests.get(package)
        if (function is None or not function.name or manifest is None or manifest.private or not manifest.package_name
                or not any(e.name == function.name or e.local == function.name for e in facts.exports)):
            return roots, None
        prefix = package + "/" if package else ""
        if not all(not r.startswith(prefix) or in_tooling_folder(r[len(prefix):]) for r in roots):
            return roots, None
        self.start_functions.add((path, outer))
        return [path], function.name

    def python_signals(self, path: str, facts: FileFacts) -> None:
        project = self.project
        package = project.package_root(path)
        module = posixpath.splitext(posixpath.basename(path))[0]
        first, last = facts.main_guard
        in_guard = [c for c in facts.calls if first and first <= c.span[0] <= last and c.scopes[0] == 0]
        if "management/commands/" in path:
            # a command whose handle() never ends (bugsink's `runsnappea`: `Foreman().run_forever()`)
            # is a daemon its deployment starts (`manage.py runsnappea`, a console script that runs
            # it), not a one-off run: judged by what handle() runs, as a `__main__` block is
            handles = [(path, s) for s, f in facts.functions.items()
                       if f.name == "handle" and facts.scope_parents.get(facts.scope_parents.get(s, 0), -1) == 0]
            if handles and self.main_kind(path, facts, [], handles, signals=False) == "worker":
                self.add(module, "worker", [path], package, f"{path}: a Django management command whose handle() runs a loop",
                         started=True)
            else:
                self.add(module, "cli", [path], package, f"{path}: a Django management command")
            return
        if path.endswith(".wsgi"):
            # balrog's `uwsgi/public.wsgi` (`application = create_app().app`), named by `wsgi-file =` of
            # the uWSGI ini its start script passes: a file with this suffix exists to be loaded by a
            # WSGI server for its `application`, so its module-level code runs in the server process
            self.add(self.package_name(package), "server", [path], package,
                     f"{path}: a `.wsgi` script, which a WSGI server (uWSGI `wsgi-file`, mod_wsgi) loads for its `application`",
                     hosted=True)
            return
        names_by_call = [(c, set(project.callee_names(path, c))) for c in facts.calls if c.callee]
        notebook = marimo_notebook(facts, names_by_call)
        if notebook is not None:
            self.notebooks.add(path)
            # marimo's smoke tests, snippets and tutorials inside its package (`app.run()` under
            # `__main__` runs the cells once as a script): a notebook a person opens, no service
            self.add(module, "cli", [path], package,
                     f"{path}:{notebook}: a marimo notebook (`marimo.App(…)` with `@app.cell` functions): a person opens or runs it")
            return
        # an app this file serves itself through hypercorn with its own shutdown trigger: no server
        # that handles SIGTERM hosts it
        self_served = any(names & PY_SERVER_CALLS and self_triggered(names, call) for call, names in names_by_call)
        # a web UI a command-line command serves on the user's own machine (`karrio studio start`:
        # `uvicorn.run(studio_api, host=host, port=port)` in a typer command whose `host` defaults to
        # 127.0.0.1): part of that CLI, and so is the app it serves, not a service
        local = {id(call): host for call, names in names_by_call if names & PY_SERVER_CALLS
                 for host in [self.local_ui_host(path, facts, call)] if host}
        local_apps = {call.args[0].path[0] for call, _ in names_by_call if id(call) in local
                      and call.args and call.args[0].kind == "ref" and len(call.args[0].path) == 1}
        for call, names in names_by_call:
            if id(call) in local:
                self.add(module, "cli", [path], package,
                         f"{path}:{call.span[0]}: `{call.text}` serves a local web UI inside a command-line command "
                         f"(bound to {local[id(call)]} by default): part of that tool, not a service")
            elif names & PY_APPS and call.scopes[0] == 0 and call.bound_to in local_apps:
                continue  # the app only that command serves
            elif names & PY_SERVER_CALLS and not callback_server(facts, call):
                self.add(self.package_name(package), "server", [path] if first and first <= call.span[0] <= last else self.entries_for(path, call),
                         package, f"{path}:{call.span[0]}: `{call.text}` serves", hosted=not self_triggered(names, call))
            elif names & PY_APPS:  # at module level, or in an app factory (`create_app()`)
                self.add(self.package_name(package), "server", [path], package,
                         f"{path}:{call.span[0]}: `{call.text}` is an app a WSGI/ASGI server runs", hosted=not self_served)
            elif names & PY_WORKER_APPS and call.scopes[0] == 0:
                self.add(self.package_name(package) + ":worker", "worker", [path], package,
                         f"{path}:{call.span[0]}: `{call.text}` is a worker app", hosted=True)
        tasks = [d for d in facts.decorators if self._decorator_names(path, d[1]) & PY_TASK_DECORATORS or d[1][-1] in ("task", "actor") and len(d[1]) > 1]
        if tasks:
            self.add(self.package_name(package) + ":worker", "worker", [path], package,
                     f"{path}: defines queue tasks (`@{'.'.join(tasks[0][1])}`)", hosted=True)
        if first:
            self.last_serve = None
            kind = self.main_kind(path, facts, in_guard)
            serve = self.last_serve
            what = {"worker": "runs a loop", "server": "serves", "cli": "runs a command"}[kind]
            dev = dev_servers_started(facts) if kind in LONG_LIVED else ""
            if dev:
                # SuperAGI's run_gui.py: it starts `uvicorn` and `npm run dev` as children and sleeps
                # until Ctrl-C — a developer's launcher that no image, compose file or Procfile names
                # (one that does is read through that start command, as the program it names)
                kind, what = "cli", f"starts development servers (`{dev}`) and waits: a developer's launcher"
            self.add(module if module != "__main__" else posixpath.basename(posixpath.dirname(path)) or module, kind, [path], package,
                     f"{path}:{first}: `if __name__ == \"__main__\":` " + what,
                     hosted=kind == "server" and not (serve is not None and self_triggered(set(project.callee_names(*serve)), serve[1])))
        elif any(self._decorator_names(path, d[1]) & PY_CLI or d[1][-1] in ("command", "group") and len(d[1]) > 1 and self._is_cli_head(path, d[1]) for d in facts.decorators):
            self.add(module, "cli", [path], package, f"{path}: defines command-line commands")
        for _, targets, evidence in self.branch_commands(path, facts) if facts.branch_imports else ():
            # the command mode of a program that serves otherwise (`unmanic --manage-plugins`)
            self.add(posixpath.splitext(posixpath.basename(targets[0]))[0], "cli", targets, package, evidence)

    def local_ui_host(self, path: str, facts: FileFacts, call) -> str:
        """The loopback address a server call binds to by default when it serves inside a click or
        typer command that no start command of a server or worker names (a CLI's local web UI:
        `karrio studio start`), "" otherwise: `host="127.0.0.1"`, or `host=host` where the command's
        parameter `host` defaults to a loopback address (`typer.Option("127.0.0.1", …)`). A command
        a deployment runs (`app serve`, named by a Dockerfile), or one that binds to all interfaces
        by default, serves a service. O(the file's declarations) per server call."""
        scope = call.scopes[0]
        if scope == 0 or not self.cli_command_unstarted(path, scope):
            return ""
        host = call.keyword("host")
        if host is None:
            return ""
        if host.kind == "string":
            return host.text if host.text in LOOPBACK_HOSTS else ""
        if host.kind != "ref" or len(host.path) != 1:
            return ""
        index = next((d.value.index for d in facts.decls if d.scope == scope and d.name == host.path[0] and d.value.kind == "param"), None)
        default = next((text for s, i, text in facts.string_defaults if s == scope and i == index), "")
        return default if default in LOOPBACK_HOSTS else ""

    def cli_command_unstarted(self, path: str, scope: int) -> bool:
        """Whether the function `scope` of `path` is a click / typer command (`@app.command()`,
        `@cli.command("import-images")`, `@click.command()`) that no start command of a server or
        worker names: the CLI runs it when a user types it, not the service that imports its module."""
        facts = self.files[path]
        if facts.language != "python" or not facts.decorators:
            return False
        key = (path, scope)
        names = self._cli_commands.get(key)
        if names is None:
            names = self._cli_commands[key] = self._cli_command_names(path, scope)
        return bool(names) and not set(names) & self.started_commands and (path, scope) not in self.started_functions

    def _cli_command_names(self, path: str, scope: int) -> tuple[str, ...]:
        facts = self.files[path]
        heads = [d for s, d in facts.decorators if s == scope and (
            self._decorator_names(path, d) & (PY_CLI | PY_CLI_PARAMETERS)
            or len(d) > 1 and d[-1] in ("command", "callback") and self._is_cli_head(path, d))]
        if not heads:
            return ()
        function = facts.functions.get(scope)
        names = {function.name, function.name.replace("_", "-")} if function is not None and function.name else set()
        for s, index in facts.decorator_calls:  # `@app.command("run-worker")` / `name="run-worker"`
            call = facts.calls[index]
            if s == scope and call.callee in heads and call.callee[-1] in ("command", "callback", "group"):
                given = call.args[0] if call.args and call.args[0].kind == "string" else call.keyword("name")
                if given is not None and given.kind == "string":
                    names.add(given.text)
        return tuple(sorted(names))

    def _decorator_names(self, path: str, decorator: tuple[str, ...]) -> set[str]:
        return {t.name for t in self.project.resolve(path, (0,), decorator) if t.kind == "external"}

    def _is_cli_head(self, path: str, decorator: tuple[str, ...]) -> bool:
        imports = set(self.files[path].imports)
        return bool(imports & {"click", "typer", "asyncclick", "cloup"})

    def python_command_module(self, path: str) -> bool:
        """A Python module nothing imports and with no `__main__` block, whose functions build a
        command line (`argparse.ArgumentParser`, a click / typer command) and neither serve nor loop:
        a command a dispatcher or a console script runs by its import path (socorro's `socorro-cmd`
        maps `signature` to `socorro.signature.cmd_signature.main`), not a server module."""
        facts = self.files[path]
        if facts.language != "python" or facts.main_guard[0]:
            return False
        builds = any(set(self.project.callee_names(path, c)) & PY_CLI for c in facts.calls) or any(
            self._decorator_names(path, d[1]) & PY_CLI for d in facts.decorators)
        if not builds:
            return False
        top = [(path, scope) for scope in facts.functions if facts.scope_parents.get(scope, 0) == 0]
        return self.main_kind(path, facts, [], top) == "cli"

    def python_script(self, path: str) -> bool:
        """A Python module with a `#!` line and no `__main__` block whose top level calls functions:
        a program run by its path (`python x.py`, `./x.py`), not a module a service imports — and
        one that ends, unless what its top level runs serves or loops (`main_kind`): galaxy_ng's
        `profiles/dab/make_test_data.py` (run by `run_integration.sh`) and `galaxy-operator/bin/readyz.py`
        (a healthcheck's `test:`). Asked of the modules nothing imports in a package with no start
        command; reads the file's first bytes once."""
        facts = self.files[path]
        if facts.language != "python" or facts.main_guard[0]:
            return False
        top = [c for c in facts.calls if c.scopes[0] == 0 and c.callee]
        if not top or not self._text(path).startswith("#!"):
            return False
        if any(scopes[0] == 0 and runs_until_stopped(facts, 0, first, last) for scopes, first, last in facts.forever_loops):
            return False  # `while True:` at its top level: a worker run by its path, judged as before
        return self.main_kind(path, facts, top) == "cli"

    def guard_kind(self, path: str) -> str | None:
        """What the `if __name__ == "__main__":` block of a Python file a start command runs starts
        (`main_kind`), or None when the file has none: `python x.py` says only that x.py is the
        program, not whether it serves or loops."""
        facts = self.files.get(path)
        if facts is None or facts.language != "python" or not facts.main_guard[0]:
            return None
        first, last = facts.main_guard
        in_guard = [c for c in facts.calls if first <= c.span[0] <= last and c.scopes[0] == 0]
        return self.main_kind(path, facts, in_guard)

    def main_kind(self, path: str, facts: FileFacts, in_guard: list, starts: list[tuple[str, int]] | None = None,
                  *, signals: bool = True, top: bool = True) -> str:
        """What a `__main__` block starts (or, given `starts`, what those functions run): a server, a
        worker (it loops forever, consumes a queue, waits on SIGTERM), or a command that ends.
        `signals=False`: a signal handler alone does not make a worker (a batch management command
        that stops cleanly on Ctrl-C). `top=False`: only `starts` run, not the module's top level (a
        subcommand's callback: the group's module registering its `start` subcommand does not make a
        sibling serve)."""
        if any(c.callee == ("input",) for c in in_guard):
            return "cli"  # `while True: print(argsplit(input(">>> ")))`: a prompt a developer types into (avrae's argparser)
        worker_signs = PY_WORKER_SIGNS if signals else PY_WORKER_SIGNS - {"signal.signal"}
        worker_methods = PY_WORKER_METHODS if signals else PY_WORKER_METHODS - {"add_signal_handler"}
        project = self.project
        functions: list[tuple[str, int]] = [(path, 0)] * top + (starts or [])  # the module's own top level runs first
        # Objects the program makes and methods it calls on what crashlint cannot resolve (a
        # parameter, `self.__source.run(…)`): a constructed project class's method of that name may
        # be the one that runs (simplelogin's event listener builds a PostgresEventSource and hands
        # it to a Runner whose run() calls `self.__source.run(…)`).
        made: list[Target] = []
        unresolved: set[str] = set()
        for call in in_guard:
            if call.callee:
                targets = project.resolve(path, call.scopes, call.callee)
                functions += [(t.path, t.scope) for t in targets if t.kind == "function"]
                # `Poller().run()`, `worker = Worker(); worker.start()` in the block itself: the
                # class's method of that name is what the program runs (a `while not self.stop:` loop)
                made += [t for t in targets if t.kind == "class" and t not in made]
                if call.method and not any(t.kind in ("function", "class") for t in targets):
                    unresolved.add(call.method)
            elif call.method and call.receiver_call >= 0:
                unresolved.add(call.method)  # the method of an object made in place: `Poller().run()`
            for arg in call.args:  # asyncio.run(main())
                if arg.kind == "call" and arg.call >= 0:
                    inner = facts.calls[arg.call]
                    if inner.callee:
                        functions += [(t.path, t.scope) for t in project.resolve(path, inner.scopes, inner.callee) if t.kind == "function"]
                elif arg.kind == "ref" and arg.path:
                    # `typer.run(main)`, `fire.Fire(main)`: the runner calls the function it is given,
                    # so the program is what that function runs (a loop makes it a worker, skyvern's
                    # run_streaming.py), not a command because a CLI library starts it
                    functions += [(t.path, t.scope) for t in project.resolve(path, call.scopes, arg.path) if t.kind == "function"]
        seen: set[tuple[str, int]] = set()
        work = list(reversed(functions))
        found = "cli"
        while len(seen) < 200:  # the functions the block runs, breadth first, a few hundred at most
            if not work:
                work = [m for c in made for m in self.methods_named(c, unresolved) if m not in seen]
                if not work:
                    break
            item = work.pop()
            if item in seen:
                continue
            seen.add(item)
            file, scope = item
            target = self.files[file]
            if scope:  # a click group: its subcommand that starts the program (`kibitzr run`) runs in it
                work += [c for c in self.start_subcommands(file, scope) if c not in seen]
            forever = [(first, last) for scopes, first, last in target.forever_loops
                       if scope and scopes[0] == scope and runs_until_stopped(target, scope, first, last)
                       and not self._redraws_terminal(file, target, scope, first, last)]
            if not top:  # a subcommand: `while queue:` over a local worklist ends when it is drained
                forever = [(first, last) for first, last in forever if not self._worklist_loop(file, first)]
            if any(reads_prompt(target, scope, first, last) for first, last in forever):
                # `while True: line = input(self.prompt)` (rapidpro's msg_console management command):
                # a console a person types into, which ends when they quit
                return "cli"
            if forever:
                return "worker"  # a `while True:` nothing in it can end (a retry loop that breaks is not)
            if not scope and file == path and self.guard_loops_forever(facts):
                return "worker"  # `if __name__ == "__main__": while True: run_jobs()` (simplelogin's job runner)
            # a subcommand's coroutines handed to `create_task` run in the background of a command that
            # ends unless it waits for them (mlserver's `infer`: `while True:` consumers, cancelled once
            # the queue is drained); only for subcommands (`top=False`), so nothing else changes
            background = set() if top else background_calls(target, scope)
            for index, call in enumerate(target.calls):
                if call.scopes[0] != scope or (scope == 0 and file == path and call in in_guard and not call.callee):
                    continue
                if index in background:
                    continue
                names = set(project.callee_names(file, call))
                if names & (PY_SERVER_CALLS | PY_PROGRAM_SERVES) and not callback_server(target, call):
                    self.last_serve = (file, call)
                    return "server"
                if (names & worker_signs and not (names & worker_signs == {"signal.signal"} and other_signal(call))
                        or call.method in worker_methods):
                    return "worker"
                if call.method == "listen" and self._pubsub_listen(file, call):
                    return "worker"  # `for message in p.listen():` blocks for messages until the process is stopped
                if call.method == "iterator" and consumes_aio_pika(target):
                    return "worker"  # `async for message in queue.iterator():` (fmn-sender's consumer)
                if call.method == "start" and self._tornado_loop_start(file, call):
                    return "worker"  # `loop = IOLoop(); … loop.start()` runs until the loop is stopped
                if names & PY_CLI:
                    found = "cli"
                if not scope and file == path and call.method in PY_SUBCOMMAND_METHODS:
                    # `cli.add_command(start)` at the top of a click group's module: the group's
                    # subcommand that starts the program (`opsdroid start`) runs in its process
                    for arg in call.args:
                        if arg.kind == "ref" and arg.path and arg.path[-1] in PY_START_COMMANDS:
                            work += [(t.path, t.scope) for t in project.resolve(file, call.scopes, arg.path) if t.kind == "function"]
                if not call.callee and scope and call.method and call.receiver_call >= 0:
                    unresolved.add(call.method)  # `PulpcoreWorker(auxiliary=…).run(burst=burst)` in a function
                if call.callee and scope:
                    targets = project.resolve(file, call.scopes, call.callee)
                    # `PulpcoreApiApplication(options).run()`: a project subclass of gunicorn's
                    # Application made by the program serves (pulpcore-api, pulpcore-content)
                    if any(t.kind == "class" and PY_SERVER_BASES & set(project.instance_names(Target("instance", path=t.path, scope=t.scope)))
                           for t in targets):
                        return "server"
                    work += [(t.path, t.scope) for t in targets if t.kind == "function"]
                    # `run_profiled(run_daemon, options)`: a function handed to a runner runs too
                    for arg in call.args:
                        if arg.kind == "ref" and arg.path:
                            work += [(t.path, t.scope) for t in project.resolve(file, call.scopes, arg.path) if t.kind == "function"]
                    # a class it constructs runs its `__init__` (opsdroid's OpsDroid() installs its
                    # SIGTERM handler there)
                    work += [m for t in targets if t.kind == "class" and t not in made for m in self.methods_named(t, {"__init__"})]
                    made += [t for t in targets if t.kind == "class" and t not in made]
                    if call.method and not any(t.kind in ("function", "class") for t in targets):
                        unresolved.add(call.method)
        return found

    def _worklist_loop(self, path: str, line: int) -> bool:
        """Whether the loop at `line` of `path` tests a bare local name (`while frontier:`, `while
        queue:`): a worklist the loop drains through methods (`frontier.pop()`), which the facts
        cannot tell from a flag another thread clears; asked only while judging a subcommand
        (`subcommand_kind`), where marimo's `convert`, `check` and `export html` walk such loops in
        its graph code. Reads the file's lines once (memoized)."""
        lines = self._lines.get(path)
        if lines is None:
            lines = self._lines[path] = self._text(path).splitlines()
        return 0 < line <= len(lines) and WORKLIST_LOOP.match(lines[line - 1]) is not None

    def _redraws_terminal(self, path: str, facts: FileFacts, scope: int, first: int, last: int) -> bool:
        """Whether the forever loop of `scope` at lines `first`-`last` redraws a terminal: it writes
        ANSI cursor-movement or erase sequences (`sys.stdout.write("\\x1b[1A\\x1b[2K")`, awx's
        `callback_stats`), or its function drives a live terminal display (`with rich.live.Live(…) as
        live:`, prefect's `load_testing/track_cnx.py`; curses). Such a loop is a monitor a person runs
        and stops with Ctrl-C, not a worker. O(the file's calls), asked only for a forever loop."""
        for call in facts.calls:
            if call.scopes[0] != scope:
                continue
            if first <= call.span[0] <= last and any(a.kind == "string" and ANSI_REDRAW.search(a.text) for a in call.args):
                return True
            if call.callee and call.callee[-1] in ("Live", "wrapper", "initscr") and \
                    set(self.project.callee_names(path, call)) & TERMINAL_DISPLAYS:
                return True
        return False

    def _pubsub_listen(self, path: str, call) -> bool:
        """Whether `call` is `.listen()` on what a `.pubsub()` call made (`p = r.pubsub(); for message
        in p.listen():`, `r.pubsub().listen()`): redis-py's `PubSub.listen()` is a generator that
        blocks on the connection for the next message and never ends while subscribed
        (redis-py docs, "Publish / Subscribe": `for message in p.listen(): …`)."""
        return any(t.kind == "call" and self.files[t.path].calls[t.index].method == "pubsub"
                   for t in self.project.receiver_targets(path, call))

    def _tornado_loop_start(self, path: str, call) -> bool:
        """Whether `call` is `.start()` on what makes a Tornado event loop (`loop = IOLoop(…)`,
        `IOLoop.current().start()`): it runs until a callback calls `stop()`."""
        return any(t.kind == "call" and TORNADO_LOOPS & set(self.project.callee_names(t.path, self.files[t.path].calls[t.index]))
                   for t in self.project.receiver_targets(path, call))

    def start_subcommands(self, path: str, scope: int) -> list[tuple[str, int]]:
        """The subcommands of a click group function (`@click.group() def cli`, `group_subcommands`)
        whose names start the program (`run`, `start`, `serve`, …; the function's name or the one its
        decorator gives: chainlit's `@cli.command("run") def chainlit_run`); [] for any other function.
        Memoized as `group_subcommands` is."""
        return [(file, s) for file, s in self.group_subcommands(path, scope)
                if set(self._cli_command_names(file, s) or (self.files[file].functions[s].name,)) & PY_START_COMMANDS]

    def click_group(self, path: str, scope: int) -> bool:
        """Whether the function `scope` of `path` is a click group (`@click.group()`, `@cli.group()`)."""
        facts = self.files[path]
        function = facts.functions.get(scope)
        return function is not None and bool(function.name) and any(s == scope and d[-1:] == ("group",) for s, d in facts.decorators)

    def group_subcommands(self, path: str, scope: int) -> list[tuple[str, int]]:
        """The subcommands of the click group function `scope` of `path`, as their callbacks: the
        functions its module decorates with `@group.command(…)` / `@group.group(…)`, and those its
        module's top level registers, `group.add_command(f)` or `group.command(…)(f)` (marimo's
        `main.add_command(export)`, `main.command()(convert)`: a function declared in another module
        with only `@click.argument`/`@click.option` on it); [] for any other function. Memoized per
        group: one pass over its module's decorators and top-level calls."""
        key = (path, scope)
        found = self._subcommands.get(key)
        if found is not None:
            return found
        found = self._subcommands[key] = []
        if not self.click_group(path, scope):
            return found
        facts = self.files[path]
        name = self.files[path].functions[scope].name
        found += [(path, s) for s, d in facts.decorators if d in ((name, "command"), (name, "group")) and s in facts.functions and s != scope]
        # rq's `@main.command() def worker` in rq/cli/workers.py, which imports the group from `.cli`
        found += [(file, s) for file, s in self.command_decorators().get(name, ()) if file != path
                  and any(t.kind == "function" and (t.path, t.scope) == (path, scope) for t in self.project.resolve(file, (0,), (name,)))]
        # `main.command()(convert)`: the outer call has no callee and starts where `main.command()` does
        makers = {c.span[:2] for c in facts.calls if c.scopes[0] == 0 and c.callee == (name, "command")}
        for call in facts.calls:
            if call.scopes[0] != 0 or not call.args or call.args[0].kind != "ref" or not call.args[0].path:
                continue
            if call.callee == (name, "add_command") or not call.callee and not call.method and call.span[:2] in makers:
                found += [(t.path, t.scope) for t in self.project.resolve(path, call.scopes, call.args[0].path)
                          if t.kind == "function" and (t.path, t.scope) not in found]
        return found

    def command_decorators(self) -> dict[str, list[tuple[str, int]]]:
        """The Python functions decorated `@NAME.command(…)` / `@NAME.group(…)`, by NAME: where a
        group's subcommands declared in other modules are (`group_subcommands`). One pass over the
        Python files' decorators, once per model."""
        if self._command_decorators is None:
            index: dict[str, list[tuple[str, int]]] = defaultdict(list)
            for path, facts in self.files.items():
                if facts.language == "python":
                    for s, d in facts.decorators:
                        if len(d) == 2 and d[1] in ("command", "group") and s in facts.functions:
                            index[d[0]].append((path, s))
            self._command_decorators = dict(index)
        return self._command_decorators

    def subcommand_kind(self, path: str, head: str) -> str:
        """What the subcommands of the click group or typer app a console script runs start, each
        judged by itself (`main_kind` from its callback, not from its module's top level): a
        subcommand that serves or loops (`marimo edit`, `chainlit run`, `mlserver start`, `rq worker`)
        makes the program long-lived, and a looping one's callback is a started function
        (`started_functions`: what it reaches is long-lived); the others (`marimo convert`, `mlserver
        infer`) stay commands a user types, whose callbacks `cli_command_unstarted` keeps out of the
        service. The group is the
        script's function, or a group it calls (mlserver's `main()` → `root(obj=…)`); a subgroup's
        subcommands are judged one level down (`marimo export html`). "" when there are fewer than two
        subcommands (a lone command is judged as the script's function) or none serves or loops; else
        "server" or "worker", with one evidence line (`subcommand_evidence`). Costs one `main_kind`
        walk (at most 200 functions) per subcommand, once per console script."""
        facts = self.files[path]
        scope = next((s for s, f in facts.functions.items() if f.name == head and facts.scope_parents.get(s, 0) == 0), None)
        commands: list[tuple[str, int]] = []
        if scope is not None:
            groups = [(path, scope)] if self.click_group(path, scope) else [
                (t.path, t.scope) for c in facts.calls if c.scopes[0] == scope and c.callee
                for t in self.project.resolve(path, c.scopes, c.callee) if t.kind == "function" and self.click_group(t.path, t.scope)]
            for group in groups[:1]:
                for file, s in self.group_subcommands(*group):
                    subgroup = self.group_subcommands(file, s) if self.click_group(file, s) else []
                    commands += [c for c in subgroup if not self.click_group(*c)] if subgroup else [(file, s)]
        else:  # `app = typer.Typer()`: its `@app.command()` functions
            commands = [(path, s) for s, d in facts.decorators if d == (head, "command") and s in facts.functions]
        commands = list(dict.fromkeys(commands))
        if len(commands) < 2:
            return ""
        kinds = {c: self.main_kind(c[0], self.files[c[0]], [], [c], top=False) for c in commands}
        long = [c for c in commands if kinds[c] in LONG_LIVED]
        if not long:
            return ""
        # a looping subcommand's callback is the program's work (`rq worker`, `while True:` in the
        # callback); a serving one's runs once before it serves (`marimo edit URL` downloads the
        # notebook, `marimo new PROMPT` asks a model for one), and what it serves is reached through
        # the app object it hands to the server, so its callback stays a command's
        self.started_functions.update(c for c in long if kinds[c] == "worker")

        def named(c: tuple[str, int]) -> str:  # the name a user types: the decorator's, else the function's
            own = self.files[c[0]].functions[c[1]].name
            given = [n for n in self._cli_command_names(*c) if n not in (own, own.replace("_", "-"))]
            return (given or [own.replace("_", "-")])[0]
        serving = [named(c) for c in long if kinds[c] == "server"]
        looping = [named(c) for c in long if kinds[c] == "worker"]
        ending = [named(c) for c in commands if c not in long]
        parts = [f"{', '.join(serving)} {'serves' if len(serving) == 1 else 'serve'}"] if serving else []
        parts += [f"{', '.join(looping)} {'runs' if len(looping) == 1 else 'run'} a loop"] if looping else []
        if ending:
            shown = ", ".join(ending[:8]) + (f", … ({len(ending)} in all)" if len(ending) > 8 else "")
            one = len(ending) == 1
            parts.append(f"{shown} {'runs' if one else 'run'} once (what only {'it reaches' if one else 'they reach'} is a CLI's)")
        self.subcommand_evidence[(path, head)] = f"{path}: subcommands: {'; '.join(parts)}"
        return "server" if serving else "worker"

    def methods_named(self, cls: Target, names: set[str]) -> list[tuple[str, int]]:
        """The methods of a project class (its own, and its project bases') among `names`."""
        return self.project.class_methods(Target("instance", path=cls.path, scope=cls.scope), names) if names else []

    def runner_runs_until_stopped(self, path: str, call) -> bool:
        """Whether the asyncio runner `call` in `path` (`asyncio.run(main())`,
        `loop.run_until_complete(main())`, `loop.run_forever()`) runs its program until the process is
        stopped. `run_forever()` does; the coroutine a runner is handed does when it, or a function
        it calls (three calls down, 60 functions at most), holds a `while True:` nothing in it ends
        (`runs_until_stopped`), or calls what returns only when the program is stopped: a library's
        forever call (`PY_FOREVER_AWAITS`: matrix-nio's `sync_forever()`, Telethon's
        `run_until_disconnected()`), a server or worker call, `wait()` on an `Event` nothing in its
        module sets, `await asyncio.Future()`. A coroutine that works through a finite batch and
        returns is a command: ragflow's OCR script over its input images, tracecat's sandbox shim
        that waits for its child while a bridge serves in a task, an alembic migration runner. A call
        handed to `create_task`/`ensure_future` runs in the background and counts only where its
        function waits for its tasks (`await asyncio.gather(*tasks)`). What the runner is handed
        that crashlint cannot resolve is not known to run forever. O(the functions walked)."""
        if call.method == "run_forever":
            return True
        facts = self.files[path]
        project = self.project
        level: list[tuple[str, int]] = []
        for arg in call.args[:1]:
            if arg.kind == "call" and arg.call >= 0 and facts.calls[arg.call].callee:
                inner = facts.calls[arg.call]
                level += [(t.path, t.scope) for t in project.resolve(path, inner.scopes, inner.callee) if t.kind == "function"]
        forever_calls = (PY_SERVER_CALLS | PY_PROGRAM_SERVES | PY_WORKER_SIGNS) - {"signal.signal"}
        # the project classes the runner's own function constructs (`consumer = Consumer(config,
        # handler)` before `loop.run_until_complete(_main(handler, consumer))`): a method the coroutine
        # calls on what crashlint cannot resolve (its parameter `consumer.start()`) may be theirs
        made = [t for c in facts.calls if c.scopes[:1] == call.scopes[:1] and c.callee
                for t in project.resolve(path, c.scopes, c.callee) if t.kind == "class"]
        seen: set[tuple[str, int]] = set()
        for _ in range(4):  # the coroutine, then three calls down
            following: list[tuple[str, int]] = []
            for item in level:
                if item in seen or len(seen) >= 60:
                    continue
                seen.add(item)
                file, scope = item
                target = self.files[file]
                if scope and any(scopes[0] == scope and runs_until_stopped(target, scope, first, last)
                                 for scopes, first, last in target.forever_loops):
                    return True
                body = [(i, c) for i, c in enumerate(target.calls) if c.scopes[0] == scope]
                joins = any(c.awaited and (c.method or (c.callee[-1] if c.callee else "")) in PY_TASK_JOINS for _, c in body)
                background = set() if joins else {
                    a.call for _, c in body if (c.method or (c.callee[-1] if c.callee else "")) in PY_TASK_STARTS
                    for a in c.args if a.kind == "call"}
                for index, c in body:
                    if index in background:
                        continue
                    names = set(project.callee_names(file, c))
                    if (c.method in PY_FOREVER_AWAITS or (not c.method and c.callee and c.callee[-1] in PY_FOREVER_AWAITS)
                            or names & forever_calls and not callback_server(target, c)
                            or c.awaited and "asyncio.Future" in names or self._waits_unset_event(target, c)
                            or c.method == "iterator" and consumes_aio_pika(target)):
                        return True
                    resolved = [t for t in project.resolve(file, c.scopes, c.callee)] if c.callee else []
                    following += [(t.path, t.scope) for t in resolved if t.kind == "function" and (t.path, t.scope) not in seen]
                    if c.method and made and not any(t.kind in ("function", "class") for t in resolved):
                        following += [m for t in made for m in self.methods_named(t, {c.method}) if m not in seen]
            level = following
        return False

    @staticmethod
    def _waits_unset_event(facts: FileFacts, call) -> bool:
        """`await stop.wait()` on an `Event` (`stop = asyncio.Event()`, `asyncio.Event().wait()`) that
        no code of the module sets: it returns only when the process is stopped."""
        if call.method != "wait" or call.args:
            return False
        if call.receiver_call >= 0:
            return facts.calls[call.receiver_call].callee[-1:] == ("Event",)
        receiver = call.callee[:-1] if call.callee else ()
        if not receiver:
            return False
        name = receiver[-1]
        made = any(d.name.rsplit(".", 1)[-1] == name and d.value.kind == "call" and d.value.call >= 0
                   and facts.calls[d.value.call].callee[-1:] == ("Event",) for d in facts.decls)
        # `stop.set()`, or `stop.set` handed to what calls it later (`loop.call_later(60, stop.set)`)
        return made and not any(c.method == "set" and c.callee[-2:-1] == (name,)
                                or any(a.kind == "ref" and a.path[-2:] == (name, "set") for a in c.args) for c in facts.calls)

    @staticmethod
    def guard_loops_forever(facts: FileFacts) -> bool:
        """Whether the `if __name__ == "__main__":` block itself holds a `while True:` nothing in it
        can end (no break, return, raise) and that reads no `input()`: the program runs until it is
        stopped, a worker (an interactive prompt that loops until the user quits is a command)."""
        guard_first, guard_last = facts.main_guard
        if not guard_first:
            return False
        for scopes, first, last in facts.forever_loops:
            if scopes[0] != 0 or not guard_first <= first <= guard_last:
                continue
            if not runs_until_stopped(facts, 0, first, last):
                continue
            if any(c.callee == ("input",) and first <= c.span[0] <= last for c in facts.calls):
                continue
            return True
        return False

    def django(self) -> None:
        """A Django project: the server loads its apps through settings (strings the import graph
        cannot follow), so every module of the package but tests, migrations, management commands
        and scripts counts as loaded by it. A module with its own `if __name__ == "__main__":` that
        no module imports is a script run by hand (jumpserver's `utils/create_assets_user/…`), not an
        app module settings name."""
        for path, facts in self.files.items():
            if facts.language != "python" or not (posixpath.basename(path) in ("wsgi.py", "asgi.py") or path.endswith(
                    ("/wsgi/app.py", "/asgi/app.py")) or path in ("wsgi/app.py", "asgi/app.py")):
                continue  # (kitsune's `wsgi/app.py`, which gunicorn's config file names)
            names = {n for c in facts.calls for n in self.project.callee_names(path, c)}
            # `get_wsgi_application()` is `django.setup(set_prefix=False)` + `WSGIHandler()`
            # (django/core/wsgi.py): a wsgi.py that does those two itself (bugsink's, with a
            # WSGIHandler subclass) serves the same project
            if not names & DJANGO_APP_CALLS and not (
                    "django.setup" in names and any(n.startswith(("django.core.handlers.wsgi.", "django.core.handlers.asgi.")) for n in names | self._bases(path))):
                continue
            package = self.project.package_root(path)
            prefix = package + "/" if package else ""
            members = [
                p for p, f in self.files.items()
                if f.language == "python" and p.startswith(prefix) and not is_test_path(p) and not self.project.is_vendored(p)
                # a package of its own under the project's folder (ralph's `contrib/dhcp_agent/`, with
                # its setup.py: an agent installed on DHCP hosts) is no module of the project's settings
                and self.project.package_root(p) == package
                and not re.search(r"(^|/)(migrations|management/commands|scripts?|bin|docs?)/", p)
                and posixpath.basename(p) not in ("manage.py", "setup.py", "conftest.py") and p not in self.probes
                and not (f.main_guard[0] and not self.importers_of(p))  # a script of its own (`python utils/x.py`)
            ]
            named = [f for f in self.settings_named(path, members) if f not in members and f != path]
            self.add(self.package_name(package), "server", [path] + members + named, package,
                     f"{path}: a Django project ({len(members)} modules of its package load through settings"
                     + (f"; its settings name {len(named)} more by dotted string)" if named else ")"), hosted=True,
                     mains=[path])

    def settings_named(self, path: str, members: list[str]) -> list[str]:
        """The project modules the settings of the Django project served by `path` (its wsgi.py or
        asgi.py) name by dotted string: INSTALLED_APPS, ROOT_URLCONF, MIDDLEWARE, the URL confs and
        apps of karrio's `KARRIO_CONF` dicts (`{"app": "karrio.server.events", "urls":
        "karrio.server.events.urls"}`, another distribution of the project), Celery's imports — Django
        and the libraries its settings configure import them with `import_module` / `import_string`.
        For an app package, the modules Django imports by their names too: `apps` (the AppConfig,
        django/apps/config.py `APPS_MODULE_NAME`), `models` (`MODELS_MODULE_NAME`, imported by
        `AppConfig.import_models`) and `admin` (django/contrib/admin/apps.py: `autodiscover()`).
        The settings are the module `DJANGO_SETTINGS_MODULE` names (`os.environ.setdefault(…)` in
        `path`) and the settings modules it imports (a `settings` folder's or a `settings*.py`
        file's), else the project's own such modules. Cost: one walk over those modules' imports,
        one lookup per dotted string they hold."""
        facts = self.files[path]
        named_settings = [c.args[1].text for c in facts.calls if len(c.args) > 1 and c.args[0].kind == "string"
                          and c.args[0].text == "DJANGO_SETTINGS_MODULE" and c.args[1].kind == "string"]
        starts = [f for f in (self.project.resolve_module(path, n) for n in named_settings) if f is not None]
        if not starts:
            starts = [m for m in members if SETTINGS_MODULE.search(m)]
        seen = set(starts)
        queue = deque(starts)
        while queue:
            for target in self.graph.get(queue.popleft(), ()):
                if target not in seen and SETTINGS_MODULE.search(target) and self.files[target].language == "python":
                    seen.add(target)
                    queue.append(target)
        found: dict[str, None] = {}
        for settings in sorted(seen):
            for name in self.files[settings].dotted_strings:
                target = self.project.python_modules.get(name)
                head = name.rsplit(".", 1)[0]
                if target is None and "." in head:  # a class or function of a module: `app.middleware.Session`
                    target = self.project.python_modules.get(head)
                if target is None or is_test_path(target):
                    continue
                found[target] = None
                if target.endswith("/__init__.py"):  # an app package
                    for sub in DJANGO_APP_MODULES:
                        module = self.project.python_modules.get(f"{name}.{sub}")
                        if module is not None:
                            found[module] = None
        return list(found)


    def _bases(self, path: str) -> set[str]:
        """The qualified names of the external bases of the classes `path` declares."""
        return {n for scope in self.files[path].class_bases for n in self.project.instance_names(Target("instance", path=path, scope=scope))}


def _served_attribute(word: str) -> str:
    """The attribute an app string names after its colon, "" when none: `create_app` of
    `pkg.app:create_app` and of gunicorn's factory call `pkg.app:create_app()` (its arguments left
    aside), `app` of `main:app`; "" for a dotted or computed one (`main:app.server`)."""
    attribute = word.strip("'\"").partition(":")[2].strip()
    attribute = attribute.partition("(")[0].strip()
    return attribute if attribute.isidentifier() else ""


def python_subcommands(command: str) -> list[str]:
    """The first word after the module or script a Python start command runs: `python -m robotoff
    run-scheduler` → run-scheduler, `python app.py serve --port 80` → serve (`manage.py` commands
    are Django's, read apart)."""
    found: list[str] = []
    for part in re.split(r"&&|\|\||;|\|", command):
        try:
            words = shlex.split(part)
        except ValueError:
            words = part.split()
        for i, word in enumerate(words):
            base = posixpath.basename(word)
            if base.startswith("python") and i + 2 < len(words) and words[i + 1] == "-m":
                rest = words[i + 3:]
            elif base.endswith(".py") and base != "manage.py":
                rest = words[i + 1:]
            else:
                continue
            command_word = next((w for w in rest if not w.startswith("-")), None)
            if command_word and re.fullmatch(r"[A-Za-z][\w-]*", command_word):
                found.append(command_word)
            break
    return found


# how a start command's entry runs when it is one module of a framework's server build (the route
# modules `react-router-serve` serves): all of them are one program (`_Finder._programs`)
_BUILD = "server-build"
_NAMED_MODULE = "\0"
_SCRIPT_EXTENSION = re.compile(r"\.(?:[cm]?js|jsx|[cm]?ts|tsx)$")
# a Django settings module: in a `settings` folder, or a `settings.py` / `settings_prod.py` /
# `test_settings.py` file (the project's module `DJANGO_SETTINGS_MODULE` names is one in any case)
SETTINGS_MODULE = re.compile(r"(?:^|/)(?:\w*_)?settings(?:_\w+)?(?:/|\.py$)")
# what Django imports of each installed app by name (django/apps/config.py, django/contrib/admin/apps.py)
DJANGO_APP_MODULES = ("apps", "models", "admin")  # dynamic_reach's tail for a module named by a prefix (`require("../exts/plugin-" + name)`)


# a bundler config that builds pages (Finder.bundle_entries), by its path in its package:
# `webpack.config.js`, `webpack.prod.js`, `config/webpack.dev.babel.js`, `rspack.config.mjs`,
# `vite.config.ts`, `rollup.config.mjs`, any file of a `webpack/` or `.rspack/` folder
PAGE_BUNDLER_CONFIG = re.compile(r"(?:^|/)(?:(?:webpack|rspack|vite|rollup|esbuild)(?:[.-][\w.-]+)?\.[cm]?[jt]s"
                                 r"|\.?(?:webpack|rspack)/[\w.-]+\.[cm]?[jt]s)$")
ROLLUP_OR_ESBUILD = re.compile(r"^(?:rollup|esbuild)\b")
SOURCE_FILE = re.compile(r"\.[cm]?[jt]sx?$")
# what makes a config build for Node: webpack's `target: "node"` (webpack.js.org/configuration/target/),
# esbuild's `platform: "node"`, Vite's server build (`ssr`), Electron's main process
NODE_BUNDLE = re.compile(r"""\btarget\s*:\s*['"`](?:node|async-node|electron-main)|\bplatform\s*:\s*['"`]node['"`]|\bssr\s*:""")
# what makes a Rollup or esbuild config build for a page: an `iife` / `umd` bundle, a browser platform
BROWSER_BUNDLE = re.compile(r"""\bformat\s*:\s*['"`](?:iife|umd)['"`]|\bplatform\s*:\s*['"`]browser['"`]|\bbrowser\s*:\s*true""")
CONFIG_IMPORT = re.compile(r"""(?:\bfrom\s*|\brequire\(\s*)['"](\.{1,2}/[^'"]+)['"]""")
CONFIG_CONSTANT = re.compile(r"""\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*['"]([^'"]*)['"]""")
BUNDLE_CONTEXT = re.compile(r"""\bcontext\s*:\s*(?:path\.(?:resolve|join)\(\s*__dirname\s*,\s*)?['"]([^'"]+)['"]""")
BUNDLE_KEY = re.compile(r"\b(?:entry|entryPoints|input)\s*:\s*|\.entry\s*=\s*")  # `configuration.entry = {…}` too
# a string value in an entry (not an object's key: `'themes/dark': …`, `[`${modules}/edit`]: …`)
BUNDLE_STRING = re.compile(r"""'([^'\n]*)'|"([^"\n]*)"|`([^`]*)`""")
# Node's modules no bundler gives a page a stand-in for (webpack 4 shimmed `process`, `buffer`,
# `events`, `path`, `util`, … and cloudcmd still aliases `node:process`): an entry that imports one,
# or a server framework, is a server's
NODE_ONLY = re.compile(r"^(?:node:)?(?:fs|fs/promises|child_process|cluster|net|tls|dgram|http|https|http2|worker_threads)$"
                       r"|^(?:express|fastify|koa|@nestjs/core|@hapi/hapi)$")
BUNDLE_KEY_END = re.compile(r"\s*\]?\s*:")
# comments of a config (`// android: ['./android/android.js']`), not `//` in a string (`'http://…'`)
JS_COMMENT = re.compile(r"/\*.*?\*/|(?<![:'\"\w\\])//[^\n]*", re.S)


def _entry_values(text: str) -> list[str]:
    """The text of each `entry:` / `input:` / `entryPoints:` value in a config: up to the comma,
    or the closing bracket, at its own depth. O(text)."""
    values: list[str] = []
    for match in BUNDLE_KEY.finditer(text):
        depth, end = 0, match.end()
        while end < len(text):
            char = text[end]
            if char in "([{":
                depth += 1
            elif char in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif char in ",;\n" and depth == 0:
                break
            end += 1
        values.append(text[match.end():end])
    return values


PATH_CALL = re.compile(r"\bpath\.(?:join|resolve)\(([^()]*)\)")
PATH_CONSTANT = re.compile(r"\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*([^;\n]+)")
KEYED_ARRAY = re.compile(r"([A-Za-z_$][\w$]*|'[^']+'|\"[^\"]+\")\s*:\s*\[([^\]]*)\]")


def _paths_spelled_out(text: str, folder: str, package: str) -> str:
    """A Node bundler config with its `path.join(ROOT, 'packages', 'server')` / `path.resolve(__dirname,
    '..')` expressions written out as package-relative string literals, constants followed in order
    (parabol's prod.servers.config.js: `SERVER_ROOT = path.join(PROJECT_ROOT, 'packages', 'server')`,
    `web: [DOTENV, …, path.join(SERVER_ROOT, 'server.ts')]`): `__dirname` is the config's folder, a
    root the config computes otherwise (`getProjectRoot()`) the package's (webpack's default context,
    the folder the build runs in). An entry array's module that runs last, its last, is then written
    `web: 'packages/server/server.ts'` after the config, as `build_entries` reads a keyed entry. O(text)."""
    values: dict[str, str] = {}

    def evaluate(args: str) -> str | None:
        parts: list[str] = []
        for arg in (a.strip() for a in args.split(",")):
            if len(arg) >= 2 and arg[0] == arg[-1] and arg[0] in "'\"`" and "${" not in arg:
                parts.append(arg[1:-1])
            elif arg == "__dirname":
                parts.append("/" + folder)
            elif arg in values:
                parts.append("/" + values[arg])
            elif re.fullmatch(r"[A-Za-z_$][\w$.]*(?:\(\))?", arg):
                parts.append("/" + package)  # a root the config computes: the package's folder
            else:
                return None
        joined = posixpath.normpath(posixpath.join("/", *parts)).lstrip("/") if parts else None
        return None if joined is None or joined.startswith("..") else joined

    for name, value in PATH_CONSTANT.findall(text):
        call = PATH_CALL.fullmatch(value.strip())
        if call is not None:
            found = evaluate(call.group(1))
            if found is not None:
                values[name] = found

    def spelled(match: re.Match) -> str:
        found = evaluate(match.group(1))
        return match.group(0) if found is None else repr(posixpath.relpath(found, package or ".") if found != package else ".")

    out = PATH_CALL.sub(spelled, text)
    keyed = []
    for key, items in KEYED_ARRAY.findall(out):
        literals = [m.group(1) or m.group(2) for m in re.finditer(r"'([^']+)'|\"([^\"]+)\"", items)]
        named = [values[i.strip()] for i in items.split(",") if i.strip() in values]
        last = (literals or [posixpath.relpath(n, package or ".") for n in named])[-1:] if (literals or named) else []
        if last and re.search(r"\.[cm]?[jt]sx?$", last[0]):
            keyed.append(f"\n{key.strip(chr(39) + chr(34))}: '{last[0]}'")
    return out + "".join(keyed)


def _substituted(template: str, constants: dict[str, str]) -> str:
    """A template literal with each `${name}` replaced by the string constant of that name, "" when
    one is not such a constant."""
    out, rest = "", template
    while "${" in rest:
        head, _, tail = rest.partition("${")
        name, _, rest = tail.partition("}")
        if name.strip() not in constants:
            return ""
        out += head + constants[name.strip()]
    return out + rest


CONSOLE_SCRIPT = re.compile(r"console script \S+ = [\w.]+:(\w+)")


def _console_functions(evidence: list[str]) -> list[str]:
    """The functions a process's console scripts name (`luigid = luigi.cmdline:luigid` → luigid)."""
    return [m.group(1) for line in evidence for m in CONSOLE_SCRIPT.finditer(line)]


def _kept_out(path: str, literals: frozenset[str]) -> bool:
    """Whether a loader's filter (`_Finder._load_filter`) keeps the module at `path` out: one of the
    strings is a whole part of its dotted name (`deprecated` of `plugins.analytics.deprecated.dnsdb`,
    or `analytics.deprecated`), not a piece of a part: a filter names the folders or modules its
    authors retired, and "rag" kept out of `rag.utils.storage_factory` is not "storage"."""
    dotted = "." + posixpath.splitext(path)[0].replace("/", ".") + "."
    return any("." + text.strip(".") + "." in dotted for text in literals if text.strip("."))


def _in_reach(path: str, folder: str, tail: str) -> bool:
    """Whether a computed load whose reach is (folder, tail) can name `path` (Finder.dynamic_reach)."""
    if tail == _NAMED_MODULE:  # `exts/plugin-` reaches exts/plugin-x.js and exts/plugin-x/index.js
        if not path.startswith(folder):
            return False
        rest = path[len(folder):].split("/")
        return len(rest) == 1 or (len(rest) == 2 and rest[1].startswith("index."))
    if not path.startswith(folder):
        return False
    if ("/" + path).endswith(tail):
        return True
    # a tail written without its extension (`/ai.enterprise.module`): the module file or its folder's index
    stem = _SCRIPT_EXTENSION.sub("", "/" + path)
    return stem.endswith(tail) or stem.endswith(tail + "/index")


def _is_program(word: str) -> bool:
    return (
        word in JS_RUNNERS or word in PY_SERVER_COMMANDS or word in PY_WORKER_COMMANDS
        or word in ("npm", "yarn", "pnpm", "nest", "next", "react-router-serve", "remix-serve") or word.startswith("python")
        or bool(re.search(r"\.(c|m)?(j|t)s$|\.py$", word))
    )


# a package.json script of a development mode: `dev`, `dev:server`, `start:dev`, `watch`, `serve:local`
# (`devnet:init`, `devnet:deploy`: scripts that set up a development network, run once, not a dev mode)
DEV_SCRIPT = re.compile(r"^(dev(?!net)|watch|debug|serve|start)|[:_-](dev|develop|watch|debug|local)\b")


def is_start_script(name: str) -> bool:
    """`start`, `start:prod`, `start-server`, `serve`: how the package runs in production (not
    `start:dev`, `start:watch`, `start:debug`)."""
    production = START_SCRIPT.match(name) or re.search(r"[:_-](prod|production)$", name)  # `collab:prod`
    return bool(production) and not NOT_PRODUCTION.search(name) and not name.startswith(("build", "test", "lint", "deploy", "docker"))


NOT_PROGRAMS = ("dev", "test", "lint", "build", "watch", "format", "type", "pre", "post", "clean", "storybook", "e2e", "docker", "deploy")


# a bundler's configuration in a package's folder (`tsup.config.ts`, `esbuild.config.mjs`, `build.mjs`)
# a PM2 ecosystem file a `pm2 start` / `pm2-runtime start` command names, and its apps' scripts
ECOSYSTEM_FILE = re.compile(r"(?:^|/)(?:ecosystem|pm2|process)(?:[.-][\w-]+)*\.(?:config\.)?(?:[cm]?js|json|ya?ml)$")
PM2_SCRIPT = re.compile(r"""["']?\bscript["']?\s*:\s*["']([^"'\n]+)["']""")
BUNDLER_CONFIG = re.compile(r"(tsup|esbuild|build|rollup|rolldown|tsdown)(\.config)?\.[cm]?[jt]s$")
# a source path a build names, with the key it is written under when it has one (`server: "src/main.ts"`,
# `entry: "src/server.mts"`, a bare "./src/worker.ts" in a list or on a command line)
BUILD_ENTRY = re.compile(r"(?:([A-Za-z_$][\w$-]*)[\"']?\s*:\s*)?[\"'`]?((?:\./)?(?:[\w@.-]+/)*[\w.-]+\.(?:[cm]?ts|tsx|[cm]?js|jsx))\b[\"'`]?")
# programs that serve a framework's app whatever the script running them is called (`console:start:
# next start` in jitsu's console)
FRAMEWORK_SERVE = re.compile(r"(?:^|[\s;&|(])(?:npx\s+|exec\s+)?next\s+start\b")


def framework_serves(name: str, command: str) -> bool:
    """A script that runs a framework's production server (`next start`) under a name that is not a
    start script's (`console:start`, `web:serve`), unless the name says it is a test, a tool or a
    developer's (`e2e: next start`, `dev:preview`)."""
    return bool(FRAMEWORK_SERVE.search(command)) and not NOT_PRODUCTION.search(name) and not name.startswith(NOT_PROGRAMS)


def is_worker_script(name: str) -> bool:
    """`worker:production`, `index-worker`, `queue`: a production queue consumer (not `dev:worker`)."""
    return bool(WORKER_WORDS.search(name)) and not name.startswith(NOT_PROGRAMS) and not re.search(r"dev|watch|test|debug", name)


def is_test_file(path: str, facts: FileFacts, tree: SourceTree) -> bool:
    """A test by its path, or a linter rule's test case: a file annotated `ruleid:` beside the rule
    it tests (semgrep's layout: `rule.yaml` + `rule.py`)."""
    if is_test_path(path):
        return True
    if not facts.lint_fixture:
        return False
    stem = posixpath.splitext(path)[0]
    return tree.is_file(stem + ".yaml") or tree.is_file(stem + ".yml")


def in_tooling_folder(path: str) -> bool:
    """`scripts/`, `tools/`, `examples/`, …: a folder of tools, by its name (crashlint.roles)."""
    return any(part.lower() in TOOLING_DIRS or part.lower().endswith(("-examples", "_examples", "-example", "_example"))
               for part in path.split("/")[:-1])


def _framework_signs(facts: FileFacts) -> tuple[int, bool, tuple[str, ...]] | tuple[()]:
    """What a JS/TS file says of a framework that loads modules by their folders
    (`_Finder.framework_loads`), from its own facts alone: the index of its first `lift` call when
    it imports sails (else -1), whether it calls `login`, and the store names its `super(…)` calls
    give (`super(Task, { name: 'tasks' })`) when it imports Sapphire and declares a `Store`
    subclass; () when none. O(the file's calls)."""
    lift = -1
    if "sails" in facts.imports:
        lift = next((i for i, c in enumerate(facts.calls) if c.callee[-1:] == ("lift",) or c.method == "lift"), -1)
    login = any(c.callee[-1:] == ("login",) or c.method == "login" for c in facts.calls)
    names: list[str] = []
    if any(i in SAPPHIRE_MODULES or i.startswith(tuple(m + "/" for m in SAPPHIRE_MODULES)) for i in facts.imports):
        if any(base and base[-1] == "Store" for _, bases in facts.class_bases.values() for base in bases):
            for call in facts.calls:  # `super(Task, { name: 'tasks' })` of `class TaskStore extends Store`
                if call.text.startswith("super("):
                    names += STORE_NAME.findall(call.text)
    return (lift, login, tuple(names)) if lift >= 0 or login or names else ()


def _js_signs(project: Project, path: str, facts: FileFacts) -> list[tuple[str, int]]:
    """The calls of a JS/TS file that say what process it starts, in order: ("server", i) a
    `listen()` on a server of JS_SERVERS, ("worker", i) a queue worker made, ("setup", i) a listen
    of a setup wizard or migration page (TEMPORARY_SERVER). Memoized per file (`Project.per_file`)."""
    found: list[tuple[str, int]] = []
    for i, call in enumerate(facts.calls):
        if call.method == "listen":
            names = [posixpath.basename(path)] + [facts.functions[s].name for s in call.scopes if s in facts.functions]
            if any(TEMPORARY_SERVER.search(name) for name in names):
                found.append(("setup", i))
                continue
            for target in project.receiver_targets(path, call):
                if target.kind != "call":
                    continue
                owner = project.files[target.path].calls[target.index]
                if set(project.callee_names(target.path, owner)) & JS_SERVERS or _imported_server_factory(project, target.path, owner):
                    found.append(("server", i))
                    break
        elif call.is_new and call.callee and set(project.callee_names(path, call)) & JS_WORKERS:
            found.append(("worker", i))
    return found


def _closed_by_its_function(facts: FileFacts, listen) -> bool:
    """Whether the server a `listen()` starts is closed in the function that starts it, its request
    handler included (dub-cli's `login`: `server.close()` once the OAuth callback came): a command's
    one-shot callback server, not a program that serves. O(the file's calls)."""
    receiver, outer = listen.callee[:-1], listen.scopes[0]
    return bool(receiver) and any(c.method == "close" and c.callee[:-1] == receiver and outer in c.scopes for c in facts.calls)


# a module's own name or its folder's that says it migrates or seeds a database (`migrate/index.ts`,
# `migrate.js`, `seeds/run.ts`, `db-seed.ts`), not a folder of migration files a server loads
MIGRATION_NAME = re.compile(r"^(?:[\w-]*[-_.])?(?:migrate|migrator|migrations?|seeds?|seeder)(?:[-_.][\w-]*)?$", re.I)


def migration_script(path: str) -> bool:
    """A module nothing imports whose name, or its folder's, says it migrates or seeds a database:
    a one-shot task (trackdechets' `libs/back/prisma/src/migrate/index.ts` runs postgres-migrations'
    `migrate()` and ends its pool; no Procfile or start command runs it). Only for modules judged by
    their paths: one a start command, a Procfile or an image names is what it is named as."""
    stem = posixpath.splitext(posixpath.basename(path))[0]
    names = [stem] if stem != "index" else []
    return any(MIGRATION_NAME.match(n) for n in names + path.split("/")[-2:-1])


def in_command_folder(path: str) -> bool:
    """Whether `path` is under a `bin/` folder (`bin/.upgrades/connectors/redis.js`, `src/bin/nodecg.ts`):
    commands a user runs. A server started from one is found by its start command or its `bin`, never
    by being a module nothing imports, nor by a computed load's sweep."""
    return "bin" in path.split("/")[:-1]


# server frameworks whose default export is the factory a program calls by the package's own name
# (`const express = (await import("express")).default; const app = express()`: hubot's Robot.setupExpress)
_SERVER_FACTORIES = frozenset({"express", "fastify", "koa", "polka"})


def _imported_server_factory(project: Project, path: str, call) -> bool:
    """Whether `call` is `express()` (or fastify, koa, polka) by a name nothing resolves, in a file
    that imports that package some way (`import()`, whose `.default` the model does not follow)."""
    return (len(call.callee) == 1 and call.callee[0] in _SERVER_FACTORIES and not call.method
            and call.callee[0] in project.files[path].imports and not project.callee_names(path, call))


# Import queries of bundlers that hand the importer a file's text or URL, not its module: Vite's
# `import code from "./snippet.mjs?raw"` (vite.dev/guide/assets#importing-asset-as-string), `?url`
TEXT_QUERIES = ("raw", "url")


def _text_imports(project: Project) -> frozenset[str]:
    """The files some module imports as text (`./ip-query.runtime.mjs?raw`: mx-space's serverless
    snippets, run in a sandbox): accounted for, and not code any process loads. O(the imports)."""
    found: set[str] = set()
    for path, facts in project.files.items():
        for spec in facts.imports:
            base, _, query = spec.partition("?")
            if query and query.split("&")[0] in TEXT_QUERIES:
                target = project.resolve_module(path, base)
                if target is not None:
                    found.add(target)
    return frozenset(found)


@lru_cache(maxsize=65536)
def is_test_path(path: str) -> bool:
    """(memoized: the process model asks it of every importer of every file, again after each edit)"""
    directory, name = posixpath.split(path)
    return bool(TEST_FILE.search(name)) or _in_test_folder(directory)


@lru_cache(maxsize=16384)
def _in_test_folder(directory: str) -> bool:
    """Whether a folder of `directory` marks test code: memoized by folder, each asking its parent
    (a commit scan asks it of every file: novu's 4,910 files are in about 1,100 folders)."""
    if not directory:
        return False
    parent, _, last = directory.rpartition("/")
    return bool(last) and is_test_dir(last.lower()) or _in_test_folder(parent)


def find_processes(project: Project, declared: Declared | None = None, tree: SourceTree | None = None) -> ProcessModel:
    """The processes of `project`; `tree` is where its files are read from (default: the disk)."""
    declared = declared or Declared()
    tree = tree or DiskTree(project.root)
    finder = _Finder(project, declared)
    finder.tree = tree
    finder.build_graph()
    finder.find()
    processes = finder.processes
    # Long-lived processes first (their order names findings), then CLIs; within a kind, by entry.
    processes.sort(key=lambda p: (KINDS.index(p.kind) if p.kind in KINDS else len(KINDS), p.package, p.entry, p.name))
    for process in processes:
        if process.long_lived or process.kind == "cli" or process.kind == "browser" and not process.fallback:
            process.files = finder.closure(process.entries)
    # A long-lived process that loads modules by computed paths (`require(file)` over a glob, a
    # plugin manager) may load any module of its package: those nothing else accounts for are its.
    # what a test runner loads is never swept in: its entries (`cucumber.config.cjs` of a
    # `cucumber-js --config …` script), and Cucumber's feature folders, the folder holding a
    # `step_definitions/` (`features/support/world.ts`, `features/fixtures/`: cucumber-js loads them
    # through its config's `require`/`import`, docs/configuration.md of cucumber/cucumber-js)
    test_entries = {e for p in processes if p.kind == "test" and not p.fallback for e in p.entries}
    feature_folders = tuple(sorted({f[:f.index("/step_definitions/") + 1] for f in finder.files if "/step_definitions/" in f}
                                   | {f[:f.index("/step-definitions/") + 1] for f in finder.files if "/step-definitions/" in f}))
    text_only: frozenset[str] | None = None  # files imported as text (`?raw`), once, when a loader asks
    for process in processes:
        if not process.long_lived or process.fallback:
            continue
        # a loader counts where the process runs its function, not only loads its file: luigid
        # imports luigi's cmdline_parser, whose `--module` loader only the `luigi` CLI runs
        loaders = [f for f in sorted(process.files) if finder.dynamic_load(f) and finder.sweeps(f) and finder.loader_runs_in(process, f)]
        loader = loaders[0] if loaders else None
        if loader is None:
            continue
        prefix = process.package + "/" if process.package else ""
        # a server that only code found (a `listen()` in a module of this package, no start command
        # names it) may be one the computed loads start: it does not keep its files from this one
        claimed = {f for p in processes if not (p is not process and p.long_lived and not p.started and not p.fallback
                                                 and p.package == process.package) for f in p.files}
        # a module under a loader's own folder whose `if __name__ == "__main__":` block is a harness
        # (keep's `pagerduty_provider.py` ends in one that builds the provider and prints its
        # incidents) is a CLI too, but a `__main__` block adds an entry to a module: it does not take
        # it from the loader that imports its folder's modules by name (keep's ProvidersFactory:
        # `import_module(f"keep.providers.{d}.{d}")` over `os.listdir` of its own folder)
        folders = tuple(sorted({posixpath.dirname(f) + "/" for f in loaders if finder.files[f].language == "python"}))
        if folders:
            claimed -= {e for p in processes if main_harness(finder, p) for e in p.entries if e.startswith(folders)}
        reach = finder.dynamic_reach(process)
        text_only = text_only if text_only is not None else _text_imports(project)
        # a Python loader that imports another package of the project by its name may load that
        # package's modules too (tracecat's executor: `import tracecat_registry`, then
        # `importlib.import_module(name)` of each module under its `__path__`, a uv workspace
        # member); a process guessed from those modules' paths does not keep them from it
        others = finder.imported_packages(loaders)
        guessed = {f for p in processes if p.fallback for f in p.files} if others else set()
        extra = [f for f in finder.files
                 if (f.startswith(prefix) and f not in claimed and not finder.other_distribution(f, process.package)
                     or others and f.startswith(others) and (f not in claimed or f in guessed))
                 and f not in process.files
                 and f not in text_only
                 and not is_test_path(f) and finder.path_role(f) == "server"
                 # a command under `bin/` (kuzzle's `bin/.upgrades/`), unless it is a program that runs
                 # until stopped (standardnotes' `bin/server.ts`, which an entrypoint requires by path)
                 and not (in_command_folder(f) and not finder.stops_on_signal(f))
                 and f not in test_entries and not f.startswith(feature_folders)
                 and (finder.files[f].language == "python") == (finder.files[loader].language == "python")
                 and (reach is None or any(_in_reach(f, folder, tail) for folder, tail in reach)) and not finder.in_page_root(f)
                 and f not in finder.dev_loaded and not (finder.files[f].language == "python" and finder.filtered_by_a_loader(f))]
        if extra:
            process.files = process.files | finder.closure(extra)
            process.evidence.append(f"{loader}:{finder.dynamic_load(loader)}: loads modules by computed paths, "
                                    f"so the {len(extra)} module(s) of its package nothing else loads count as its own")
            if others:
                process.evidence.append(f"its loaders import the project package(s) {', '.join(o.rstrip('/') for o in others)} "
                                        f"by name: their modules nothing imports count as its own too")
                for other in [p for p in processes if p.fallback and p is not process]:
                    left = [e for e in other.entries if e not in process.files]  # what its paths alone still say
                    if not left:
                        processes.remove(other)
                    elif len(left) < len(other.entries):
                        other.entries, other.files = left, finder.closure(left)

    # what a framework started in the process loads by its folders (Sails, Sapphire): said once per process
    for process in processes:
        if process.long_lived:
            process.evidence += [text for loader, (text, _) in finder.framework_loads().items()
                                 if loader in process.files and text not in process.evidence]
    # A custom Next.js server (`const app = next({ dev }); await app.prepare()` inside Express or
    # Fastify) serves the app's API routes and route handlers in its own process: Next loads them
    # from its build (nextjs.org/docs/pages/guides/custom-server)
    for process in processes:
        if not process.long_lived or process.fallback:
            continue
        host = finder.next_host(process)
        if host is None:
            continue
        routes = [f for f in finder.next_server_files(process.package) if f not in process.files and not is_test_path(f)]
        if routes:
            process.files = process.files | finder.closure(routes)
            process.evidence.append(f"{host[0]}:{host[1]}: a custom Next.js server: it serves the app's {len(routes)} route file(s)")
            for guessed in [p for p in processes if p.fallback and p.package == process.package and p.long_lived]:
                left = [e for e in guessed.entries if e not in process.files]  # what its paths alone still say
                if not left:
                    processes.remove(guessed)
                elif len(left) < len(guessed.entries):
                    guessed.entries, guessed.files = left, finder.closure(left)
    # A folder with a package.json of its own that has no scripts, no bin and no main (tiledesk's
    # `channels/chat21`, a module the server requires), some of whose modules a started server or
    # worker of another package loads: a library of that process. Its modules nothing loads are dead
    # code (chat21Util.js, whose only require is commented out), not a server judged by their paths.
    used = {f for p in processes if p.long_lived and p.started and not p.fallback for f in p.files}
    libraries: set[str] = set()  # such packages: what of theirs nothing loads is unreached
    for process in [p for p in processes if p.fallback and p.long_lived and p.package]:
        manifest = project.manifests.get(process.package)
        if manifest is None or manifest.scripts or manifest.bins or manifest.main:
            continue
        if any(f.startswith(process.package + "/") and f not in process.files for f in used):
            processes.remove(process)
            libraries.add(process.package)
    # A Python client library of the service published from its repository (ragflow's `sdk/python`,
    # pyproject `ragflow-sdk`: "Python client sdk of RAGFlow"): its own manifest calls it a client or
    # an SDK, declares no command, depends on no server framework, and no started process loads any
    # of its files. Its users run it in their programs; no process of the service does, so the
    # modules its paths alone made a server (a `test.py` nothing imports) are library code.
    # The same holds for a Python distribution of the project that another one depends on or that
    # depends on another one (prefect's `prefect-aws`, "Prefect integrations for interacting with
    # Amazon Web Services", which depends on `prefect`; phoenix's `arize-phoenix-evals`, which
    # `arize-phoenix` depends on), with no command, launch or server framework of its own: an
    # integration or a library, whose modules run where a process imports them (they stay that
    # process's), the rest in the programs of its users (`@task`s and `Block`s of a user's flow).
    # Those the service imports (unstract's `unstract-sdk1`, a uv path dependency of its workers and
    # backend: lesson 5 of rev14-py) keep only the modules those processes load.
    distributions = {normalize(m.summary.partition(":")[0]): folder for folder, m in project.manifests.items()
                     if m.summary and m.summary.partition(":")[0].strip()}
    depended = {name for folder, m in project.manifests.items() for name in m.dependencies
                if name in distributions and distributions[name] != folder}
    clients: dict[str, str] = {}  # such packages → what their manifest says they are
    for process in [p for p in processes if p.fallback and p.long_lived and p.package]:
        manifest = project.manifests.get(process.package)
        if manifest is None or manifest.launches or PY_SERVER_FRAMEWORKS & manifest.dependencies.keys():
            continue
        own = normalize(manifest.summary.partition(":")[0]) if manifest.summary else ""
        client = bool(PY_CLIENT_LIBRARY.search(manifest.summary))
        related = bool(own) and (own in depended or any(
            name in distributions and distributions[name] != process.package for name in manifest.dependencies))
        if not (client or related) or any(finder.files[e].language != "python" for e in process.entries):
            continue
        # a command of its own: a client's makes it a tool (as before); an integration's may be a
        # CLI (`prefect-aws = prefect_aws._cli.main:app`), which crashlint found as such, not a server
        if client and not related and manifest.console_scripts or any(
                p.long_lived and not p.fallback and p.package == process.package for p in processes):
            continue
        if any(f.startswith(process.package + "/") for f in used) and not related:
            continue  # a client SDK the service's own processes import: as before
        processes.remove(process)
        clients[process.package] = manifest.summary
    # A JS/TS library package beside the service (connext's `@connext/sdk`, "Client-side package for
    # interacting with the Connext protocol"; unkey's `@unkey/vault`, whose only module is its `main`):
    # no start command, `bin` or server framework, no started process loads any of its files, and
    # what its paths alone made a server is the module it gives its importers (its `main` or an
    # `exports` target, with the fields of a published package: `types`, `files`, `module`, …) or its
    # manifest calls it a client / SDK or it depends on an `isomorphic-*` package (code written to
    # run in pages and in Node alike). Its users run it; no process of
    # the service does. One look at each such package's manifest and entries.
    for process in [p for p in processes if p.fallback and p.long_lived and p.package]:
        said = finder.js_library(process, used, processes)
        if said:
            processes.remove(process)
            clients[process.package] = said
    # A queue worker whose module the server already loads (workerManager.ts, imported by index.ts)
    # is part of that server: one process, with both pieces of evidence.
    # A host loads the worker's first entry: the long-lived processes that load each such entry are
    # found once (set intersections), not by comparing every pair of processes (1,283 BullMQ
    # workers: 1.6 M comparisons); the first host in the list's order is taken, as before.
    firsts = {p.entries[0] for p in processes if p.long_lived and p.entries}
    loading: dict[str, list[Process]] = {}
    for p in processes:
        if p.long_lived:
            for path in p.files & firsts:
                loading.setdefault(path, []).append(p)
    merged: set[int] = set()
    for process in list(processes):
        if not process.long_lived or main_loop_program(finder, process) or finder.starts_in_function(process):
            continue
        # two launch-file lines (mirlo's Dockerfile stages `api` and `background`, two compose
        # services) are two OS processes, though the API imports the worker's module for its logger:
        # a process-wide listener or signal handler of one is not the other's
        host = next((p for p in loading.get(process.entries[0], ()) if p is not process and id(p) not in merged
                     and not (p.launched and process.launched)
                     and (not p.fallback or not process.fallback)
                     and set(process.entries) <= p.files and process.files <= p.files), None)
        if host is not None:
            merged.add(id(process))
            host.evidence += [e for e in process.evidence if e not in host.evidence]
            # a program whose `__main__` block loops (timesketch's contrib/gcs_importer.py, which
            # imports the Flask app's package for an app context and its Celery tasks to call them)
            # runs as `python gcs_importer.py`: loading a WSGI app's or a task module's code does
            # not put it under gunicorn or Celery, whose handlers stop the processes they host
            host.hosted = host.hosted or (process.hosted and not main_loop_program(finder, host))
            if host.fallback:  # what the code does names the program its paths only guessed at
                host.fallback = False
                host.name = process.name.split(":")[0]
            processes.remove(process)
    for process in processes:
        if finder.serverless(process):
            process.serverless = True
            where = posixpath.join(process.package, "vercel.json")
            process.evidence.append(f"{where}: deployed on Vercel as serverless functions (no container, process manager "
                                    "or custom server starts it)")
    _unique_names(processes)
    loaders: dict[str, list[int]] = {}
    for index, process in enumerate(processes):
        if process.long_lived:
            for path in process.files:
                loaders.setdefault(path, []).append(index)
    others: dict[str, Process] = {}  # file → the first CLI, browser or test process that loads it
    for process in processes:
        if not process.long_lived:
            if not process.files:
                process.files = finder.closure(process.entries)
            for path in process.files:
                current = others.setdefault(path, process)
                if current.kind == "test" and process.kind == "browser" and not process.fallback:
                    others[path] = process  # a page bundle's module its tests also load: the page runs it
    roles: dict[str, str] = {}
    reasons: dict[str, str] = {}
    shared: set[str] = set()  # server code that page code also loads: judged per function (runs_long)
    fallback = {p.package for p in processes if p.fallback}
    kinds = {"cli": "tooling", "browser": "browser", "test": "test"}
    for path, facts in project.files.items():
        if _matches(path, declared.browser):
            roles[path], reasons[path] = "browser", "declared browser code ([tool.crashlint] browser)"
        elif _matches(path, declared.tooling):
            roles[path], reasons[path] = "tooling", "declared tooling ([tool.crashlint] tooling)"
        elif project.is_vendored(path):
            roles[path], reasons[path] = "vendored", "vendored third-party code (a folder of packages its manifest names as dependencies)"
        elif path in finder.setup_files:
            roles[path], reasons[path] = "tooling", "serves a setup wizard or a migration page until the service starts"
        elif is_test_file(path, facts, tree):
            roles[path], reasons[path] = "test", "a test, test helper or fixture (by its path, or `ruleid:` annotations)"
        elif path in loaders and path in finder.server_components():
            names = ", ".join(f"`{processes[i].name}`" for i in loaders[path][:3])
            roles[path], reasons[path] = "server", (f"loaded by {names}: a Next.js server component (App Router, no \"use client\"), "
                                                    "which only the server renders")
        elif path in loaders and finder.path_role(path) == "browser" and finder.resource_route(path):
            names = ", ".join(f"`{processes[i].name}`" for i in loaders[path][:3])
            roles[path], reasons[path] = "server", f"loaded by {names}: a resource route (a `loader` or `action` and no component), which only the server runs"
        elif path in loaders and finder.path_role(path) == "browser" and finder.server_side_module(path):
            names = ", ".join(f"`{processes[i].name}`" for i in loaders[path][:3])
            roles[path], reasons[path] = "server", (f"loaded by {names}: a module of a full-stack app that only server code "
                                                    "imports (no JSX, \"use client\" or browser globals of its own)")
        elif path in loaders and finder.path_role(path) == "browser" and finder.shared_module(path):
            names = ", ".join(f"`{processes[i].name}`" for i in loaders[path][:3])
            roles[path], reasons[path] = "server", (f"loaded by {names} and by page code: no JSX, \"use client\" or browser globals "
                                                    "of its own, so each of its functions is judged by whether server code calls it")
            shared.add(path)
        elif path in loaders and finder.path_role(path) == "browser":
            # a component or hook a server's imports reach through a barrel (a Next.js app's):
            # its code runs in the browser
            roles[path], reasons[path] = "browser", "browser code (JSX, \"use client\", browser globals or a front-end package), though a server's imports reach it"
        elif path in loaders:
            names = ", ".join(f"`{processes[i].name}`" for i in loaders[path][:3])
            by_folder = finder.convention_loader(path)
            how = "as a plugin its packaging declares" if by_folder and any(
                path in targets for _, targets in finder.plugin_loads().values()) else "by its folder"
            roles[path], reasons[path] = "server", f"loaded by {names}" + (f" ({how}: {by_folder})" if by_folder else "")
        elif path in finder.client_tree():
            roles[path], reasons[path] = "browser", ("a client component (\"use client\") or a module only client components load: "
                                                     "the browser runs it; a server component hands the bundler a reference to it")
        elif path in finder.dev_loaded and path not in others:
            where = finder.dev_loaded[path][0]
            roles[path], reasons[path] = "tooling", f"loaded only in development (a dev-switch `if` in {where})"
        elif path in others:
            other = others[path]
            roles[path], reasons[path] = kinds[other.kind], f"loaded only by `{other.name}` ({other.kind})"
        elif facts.language != "python" and _NEXT_API_FILE.search(path) and finder.next_app(project.package_root(path)) \
                and finder.next_api_helper(path):
            roles[path], reasons[path] = "browser", ("under pages/api/ but not an API route: no default export Next.js could call "
                                                     "as a handler, and other modules import it (a helper of the pages)")
        elif project.package_root(path) in finder.started:
            roles[path], reasons[path] = "unreached", "no process of its package loads it (see its start command)"
        elif project.package_root(path) in clients:
            manifest_path = project.manifests[project.package_root(path)].path
            summary = clients[project.package_root(path)]
            what = "a client library" if PY_CLIENT_LIBRARY.search(summary) else "a library or integration package"
            roles[path], reasons[path] = "unreached", (f"{what} of the service ({manifest_path}: `{summary}`, no command "
                                                       "of its own): no process of the service loads this module")
        elif project.package_root(path) in libraries:
            roles[path], reasons[path] = "unreached", ("nothing loads it: its package (no scripts, bin or main) is a library "
                                                       "whose other modules a server loads")
        elif finder.files[path].language == "python" and finder.filtered_by_a_loader(path):
            roles[path], reasons[path] = "unreached", "nothing imports it and the project's module loader skips it by its name"
        else:  # in an import cycle nothing else imports: the path decides
            role = finder.path_role(path)
            roles[path], reasons[path] = role, f"no process loads it: judged by its path ({role})"
    libraries_listed = {package: (project.manifests[package].path, summary, sum(1 for f in roles if project.package_root(f) == package))
                        for package, summary in clients.items()}
    return ProcessModel(processes, loaders, roles, reasons, fallback, finder, frozenset(shared), tree, libraries_listed)


# AWS CDK code (v2 `aws_cdk`, v1 `aws_cdk.core`, `constructs`): an app and its stacks run when
# `cdk synth` / `cdk deploy` runs cdk.json's `app` command, and end (docs.aws.amazon.com/cdk/v2/guide/apps.html)
CDK_MODULES = ("aws_cdk", "constructs")
LAMBDA_EVENT = frozenset({"event", "_event", "evt"})
LAMBDA_CONTEXT = frozenset({"context", "_context", "ctx", "lambda_context"})


def reads_prompt(facts: FileFacts, scope: int, first: int, last: int) -> bool:
    """Whether the loop of `scope` at lines `first`-`last` reads a line a person types (`input()`)."""
    return any(c.callee == ("input",) and c.scopes[0] == scope and first <= c.span[0] <= last for c in facts.calls)


# package managers whose `dev` script runs a front end's development server (`npm run dev`)
PACKAGE_RUNNERS = frozenset({"npm", "yarn", "pnpm", "bun"})


def dev_servers_started(facts: FileFacts) -> str:
    """The development server command a module starts as a child process (`subprocess.Popen(["npm",
    "run", "dev"])`), "" when none: what a program that launches it and waits is (a developer's
    launcher, SuperAGI's run_gui.py and ui.py). O(the module's calls)."""
    for call in facts.calls:
        name = call.method or (call.callee[-1] if call.callee else "")
        if name not in ("Popen", "run", "call", "check_call") or not call.args:
            continue
        first = call.args[0]
        words = ([v.text for v in first.values if v.kind == "string"] if first.kind == "array"
                 else first.text.split() if first.kind == "string" else [])
        if len(words) >= 2 and posixpath.basename(words[0]) in PACKAGE_RUNNERS and "dev" in words[1:3]:
            return " ".join(words[:3])
    return ""


def consumes_aio_pika(facts: FileFacts) -> bool:
    """Whether a module that calls `.iterator()` uses aio-pika: `async for message in
    queue.iterator():` consumes the queue, yielding each delivery until the iterator is closed
    (aio-pika's `Queue.iterator()` returns a `QueueIterator` whose `__anext__` waits for the next
    message, aio_pika/queue.py), so the loop runs as long as the process (fmn-sender's consumer)."""
    return any(m == "aio_pika" or m.startswith("aio_pika.") for m in facts.imports)


def callback_server(facts: FileFacts, call) -> bool:
    """Whether `call` (a server PY_SERVER_CALLS names) makes a listener that lives for one callback
    inside a command, not a service: made in a function, bound to a name, on a literal loopback
    address, and ended by that same function, which either serves one request
    (`server.handle_request()`, what google-auth-oauthlib's `run_local_server` does) or — in a
    module of a command-line tool (click, typer, argparse) — runs it in a thread rather than serving
    forever itself. bodhi's `bodhi login` (bodhi-client/oidcclient.py) starts
    `HTTPServer(("localhost", PORT), …)` in a thread to receive the OIDC redirect, joins it and
    calls `server_close()` in `finally`: it runs in the CLI's process for seconds. A service bound to
    127.0.0.1 behind a proxy calls `serve_forever()` itself, so it stays a server."""
    scope = call.scopes[0]
    if scope == 0 or not call.bound_to or not call.args:
        return False
    address = call.args[0]
    host = address.values[0] if address.kind == "array" and address.values else None
    if host is None or host.kind != "string" or host.text not in LOOPBACK_HOSTS:
        return False
    own = [c.method for c in facts.calls if c.scopes[0] == scope and c.callee[:1] == (call.bound_to,) and len(c.callee) == 2]
    if not set(own) & PY_SERVER_ENDS:
        return False
    if "handle_request" in own:
        return True
    return "serve_forever" not in own and any(m.split(".")[0] in PY_CLI_MODULES for m in facts.imports)


def deployment_code(facts: FileFacts) -> bool:
    """A Python module that deploys the service or runs beside it per event, not in it: AWS CDK app
    and stack code (it imports aws_cdk or constructs), or an AWS Lambda handler (a top-level
    `def handler(event, context)`: Lambda calls it once per event and stops it at the function's
    timeout, docs.aws.amazon.com/lambda/latest/dg/python-handler.html)."""
    if any(m.split(".")[0] in CDK_MODULES for m in facts.imports):
        return True
    for function in facts.functions.values():
        if function.params != 2 or facts.scope_parents.get(function.scope, 0) != 0 or function.is_async:
            continue
        names = {d.value.index: d.name for d in facts.decls if d.scope == function.scope and d.value.kind == "param"}
        if names.get(0) in LAMBDA_EVENT and names.get(1) in LAMBDA_CONTEXT:
            return True
    return False


# the module a StackStorm pack action's class comes from (`from st2common.runners.base_action import Action`)
ST2_ACTION_BASE = "st2common.runners.base_action"


def pack_action(path: str, facts: FileFacts) -> bool:
    """A StackStorm pack action: a module under a pack's `actions/` folder that imports
    st2common's `Action` base. st2's python runner runs each execution of it in a child process of
    its own — `python python_action_wrapper.py --file-path=… --parameters=…`
    (contrib/runners/python_runner/python_runner/python_runner.py: `run_command(…,
    timeout=self._timeout)`, PYTHON_RUNNER_DEFAULT_ACTION_TIMEOUT = 10 * 60 in
    st2common/constants/runners.py; the runner's `runner.yaml`: "Action will get killed if it doesn't
    finish in timeout seconds", default 600; docs.stackstorm.com/reference/runners.html) — which
    calls the class's `run()` once and exits, or is killed at the action's timeout: a one-shot program. A call with no timeout there holds one execution until
    that timeout, which the runner reports as timed out; the runner itself does not hang. Sensors
    (`sensors/`, `st2reactor.sensor.base.Sensor`) run for as long as the sensor container keeps
    them, and are left to the path heuristics."""
    return "actions" in path.split("/")[:-1] and any(
        m == ST2_ACTION_BASE or m.startswith(ST2_ACTION_BASE + ".") for m in facts.imports)


# an f-string's source (`f"keep.providers.{name}"`, `rf'…'`): the facts keep it as a string whose text
# is the source, since its value is computed; its literal head is what it names for sure
F_STRING = re.compile(r"^(?:[rRbBuU]?[fF]|[fF][rR])[\"']")
F_STRING_HEAD = re.compile(r"^(?:[rRbBuU]?[fF]|[fF][rR])[\"']+([\w.]*)\{")


def computed_name(arg) -> bool:
    """Whether an import's name argument is computed: not a plain string literal (an f-string with
    a `{…}` part is)."""
    return arg.kind != "string" or bool(F_STRING.match(arg.text)) and "{" in arg.text


def main_harness(finder: _Finder, process: Process) -> bool:
    """A CLI that is nothing but Python modules' own `if __name__ == "__main__":` blocks that run a
    command and end: no start command, console script or command-line framework names it."""
    return process.kind == "cli" and not process.started and bool(process.entries) and all(
        e.endswith('`if __name__ == "__main__":` runs a command') for e in process.evidence) and all(
        finder.files[e].language == "python" and finder.files[e].main_guard[0] for e in process.entries)


def main_loop_program(finder: _Finder, process: Process) -> bool:
    """A Python program whose `if __name__ == "__main__":` block loops (simplelogin's job_runner.py):
    a module that imports it (monitoring.py, for one query) does not run that block, so it is a
    program of its own, not part of its importer."""
    return process.kind == "worker" and any(e.endswith("runs a loop") for e in process.evidence) and all(
        finder.files[e].language == "python" and finder.files[e].main_guard[0] for e in process.entries)


def _unique_names(processes: list[Process]) -> None:
    seen: dict[str, int] = {}
    for process in processes:
        base = process.name
        if base in seen:
            seen[base] += 1
            stem = posixpath.splitext(posixpath.basename(process.entry))[0]
            process.name = f"{base}:{stem}" if f"{base}:{stem}" not in seen else f"{base}:{seen[base]}"
        seen.setdefault(process.name, 0)


