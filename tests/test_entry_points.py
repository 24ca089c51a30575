"""Entry points (issue 14, class 1): how a project's programs start when no start command says so.

- a package.json `bin` that runs the package's `main`, whose top level starts a server (Haraka);
- a library's exported start function (`bootstrap(config)`) that only scripts call here, and the
  build, codegen and load-test scripts that call it (vendure);
- setuptools / pyproject console scripts, each judged by what its function runs (deluge, elastalert2).

Each test writes a small project and asks `process_model` (what `crashlint processes` prints) or
runs a scan.
"""

from __future__ import annotations

from pathlib import Path

from crashlint.dependencies import _setup_console_scripts
from crashlint.scan import process_model, scan
from helpers import write_project as _write


def _model(root: Path):
    _, model, _ = process_model([str(root)])
    return model


def _found(root: Path, **options) -> set[tuple[str, str, int]]:
    return {(f.rule_id, f.location.path, f.location.start_line) for f in scan([str(root)], **options).findings}


MTA = {
    # Haraka's shape: `bin/mta` (no extension) requires the package's main by a joined path; the
    # main module starts the SMTP server as it loads, through CommonJS modules that alias `exports`
    "package.json": '{"name": "mta", "main": "mta.js", "bin": {"mta": "./bin/mta"}, "scripts": {"test": "node --test"}}',
    "bin/mta": "#!/usr/bin/env node\nconst path = require('node:path')\nconst base = path.join(__dirname, '..')\n"
               "if (process.argv[2] === '-c') {\n  const main = path.join(base, 'mta.js')\n  require(main)\n}\n",
    "mta.js": "const logger = require('./logger')\nconst server = require('./server')\n"
              "process.on('uncaughtException', (err) => {\n  logger.crit(err.message)\n  logger.dump_and_exit(1)\n})\n"
              "server.createServer()\n",
    "logger.js": "const logger = exports\nlogger.crit = (msg) => console.error(msg)\n"
                 "logger.dump_and_exit = function (code) {\n  setTimeout(() => process.exit(code), 10)\n}\n",
    "server.js": "const net = require('node:net')\nconst tls_socket = require('./tls_socket')\nconst Server = exports\n"
                 "Server.createServer = () => {\n  const server = net.createServer((socket) => socket.end())\n"
                 "  server.listen(25)\n  tls_socket.load_certs()\n}\n",
    "tls_socket.js": "const { spawn } = require('node:child_process')\n"
                     "exports.load_certs = function () {\n  const o = spawn('openssl', ['x509'])\n"
                     "  o.on('close', (code) => console.log(code))\n}\n",
}


def test_a_bin_that_runs_the_packages_main_which_serves_is_the_server(tmp_path: Path) -> None:
    """Haraka: no start command; `bin/mta` requires `mta.js` (package.json `main`), whose top level
    starts the server. The bin is the server process, its files are analysed (not command-line
    tooling by the package's `bin`), and the uncaughtException listener, which ends the process
    through `logger.dump_and_exit` (one call down, on an `exports` alias), does not hide the
    openssl child process with no 'error' listener."""
    _write(tmp_path, MTA)
    model = _model(tmp_path)
    servers = [p for p in model.processes if p.long_lived]
    assert [(p.name, p.kind, p.entries, p.started) for p in servers] == [("mta", "server", ["mta.js"], True)]
    assert any("bin: ./bin/mta runs main mta.js, which starts a server as it loads" in e or "bin: bin/mta runs main mta.js" in e
               for e in servers[0].evidence), servers[0].evidence
    assert model.roles["tls_socket.js"] == "server" and model.roles["server.js"] == "server"
    assert ("CL011", "tls_socket.js", 3) in _found(tmp_path, select=["CL011"])


def test_a_command_line_bin_whose_main_is_a_library_stays_a_cli(tmp_path: Path) -> None:
    """A bin that runs a command (its main only exports functions; a subcommand's callback
    serves) is a command-line tool, not a server."""
    _write(tmp_path, {
        "package.json": '{"name": "tool", "main": "index.js", "bin": {"tool": "bin/tool.js"}}',
        "bin/tool.js": "#!/usr/bin/env node\nconst { serve } = require('../index')\nconst program = require('commander')\n"
                       "program.command('serve').action(() => serve())\nprogram.parse()\n",
        "index.js": "const http = require('node:http')\nexports.serve = () => http.createServer((q, r) => r.end()).listen(8080)\n",
    })
    model = _model(tmp_path)
    assert not [p for p in model.processes if p.long_lived]
    assert {p.name: p.kind for p in model.processes}["tool"] == "cli"


VENDURE = {
    "package.json": '{"name": "shop-monorepo", "private": true, "workspaces": ["packages/*"], '
                    '"scripts": {"codegen": "tsc -p scripts/codegen/plugins && ts-node scripts/codegen/gen.ts", "build": "lerna run build"}}',
    "scripts/codegen/gen.ts": 'import { bootstrap } from "@shop/core";\nexport async function run() {\n  await bootstrap();\n'
                              '  const r = await fetch("http://localhost:3000/schema");\n  return r.json();\n}\nrun();\n',
    "packages/core/package.json": '{"name": "@shop/core", "main": "dist/index.js", "dependencies": {"@nestjs/core": "^10.0.0"}, '
                                  '"scripts": {"build": "tsc"}}',
    "packages/core/src/index.ts": 'export * from "./bootstrap";\n',
    "packages/core/src/bootstrap.ts": 'import { NestFactory } from "@nestjs/core";\nimport { AppModule } from "./app.module";\n'
                                      'export async function bootstrap() {\n  const app = await NestFactory.create(AppModule);\n'
                                      '  app.enableShutdownHooks();\n  await app.listen(3000);\n  return app;\n}\n',
    "packages/core/src/app.module.ts": 'import { prices } from "./prices";\nexport class AppModule { load() { return prices(); } }\n',
    "packages/core/src/prices.ts": 'export async function prices() {\n  const r = await fetch("https://rates.example/api");\n  return r.json();\n}\n',
    "packages/dev-server/package.json": '{"name": "dev-server", "private": true, "main": "index.js", "scripts": {'
                                        '"dev:server": "node -r ts-node/register -r dotenv/config index.ts", '
                                        '"load-test:1k": "node -r ts-node/register load-testing/run-load-test.ts 1000"}}',
    "packages/dev-server/index.ts": 'import { bootstrap } from "@shop/core";\nbootstrap();\n',
    "packages/dev-server/load-testing/run-load-test.ts": 'import { bootstrap } from "@shop/core";\n'
                                                         'bootstrap().then(async () => {\n  const r = await fetch("http://localhost:3000/");\n  console.log(r.status);\n});\n',
    "packages/dev-server/load-testing/benchmarks.ts": 'import { bootstrap } from "@shop/core";\n'
                                                      'export async function bench() {\n  await bootstrap();\n  await fetch("http://localhost:3000/bench");\n}\nbench();\n',
    "packages/ui-plugin/package.json": '{"name": "@shop/ui-plugin", "main": "lib/index.js", "scripts": {"build": "rimraf lib && node -r ts-node/register build.ts && tsc"}}',
    "packages/ui-plugin/build.ts": 'import { spawn } from "child_process";\nconst child = spawn("ng", ["build"]);\nchild.on("close", () => console.log("done"));\n',
    "packages/ui-plugin/src/index.ts": 'export const ui = 1;\n',
    "packages/edge-plugin/package.json": '{"name": "@shop/edge-plugin", "main": "lib/index.js", "scripts": {"build": "tsc"}}',
    "packages/edge-plugin/src/index.ts": 'export const edge = 1;\n',
    "packages/edge-plugin/src/write.mjs": 'const r = await fetch("https://api.example/purge", { method: "POST" });\nconsole.log(r.status);\n',
}


def test_a_library_bootstrap_function_that_only_scripts_call_starts_the_server(tmp_path: Path) -> None:
    """vendure: no start command anywhere; `bootstrap()`, exported by @shop/core, listens, and only
    a dev server, a load test and a codegen script call it. The server starts in `bootstrap()`
    (its code is analysed, a finding in it is the server's), not in those scripts: the load test's
    and the codegen script's own calls are not server code, nor is a build script
    (`node -r ts-node/register build.ts`) or a plugin's `.mjs` script nothing imports."""
    _write(tmp_path, VENDURE)
    model = _model(tmp_path)
    servers = {p.name: p for p in model.processes if p.long_lived and not p.fallback}
    assert servers["core:bootstrap"].entries == ["packages/core/src/bootstrap.ts"]
    assert any("in `bootstrap()`, which @shop/core exports for programs to call" in e for e in servers["core:bootstrap"].evidence)
    for path in ("packages/dev-server/load-testing/run-load-test.ts", "packages/dev-server/load-testing/benchmarks.ts",
                 "scripts/codegen/gen.ts", "packages/ui-plugin/build.ts", "packages/edge-plugin/src/write.mjs"):
        assert model.roles[path] != "server", (path, model.reasons[path])
    assert {p.name: p.kind for p in model.processes}["load-test:1k"] == "cli"
    assert model.roles["packages/core/src/prices.ts"] == "server"
    assert model.runs_long("packages/core/src/bootstrap.ts", 6)  # inside bootstrap(): the server's code
    found = _found(tmp_path, select=["CL008", "CL011", "CL003"])
    assert {(rule, path) for rule, path, _ in found} == {("CL008", "packages/core/src/prices.ts")}


def test_node_preload_flags_do_not_hide_the_script(tmp_path: Path) -> None:
    """`node -r ts-node/register -r dotenv/config index.ts`: the program is index.ts."""
    _write(tmp_path, {
        "package.json": '{"name": "api", "scripts": {"start": "node -r dotenv/config --require ./tracing.js dist/main.js"}}',
        "src/main.ts": "export const a = 1;\n",
        "tracing.js": "module.exports = {};\n",
    })
    servers = [p for p in _model(tmp_path).processes if p.long_lived]
    assert [p.entries for p in servers] == [["src/main.ts"]] and servers[0].started


SETUP_PY = """from setuptools import setup
_entry_points = {'console_scripts': [], 'gui_scripts': [], 'app.ui': ['console = app.ui:Console']}
_entry_points['console_scripts'] = [
    'appd = app.daemon_entry:start_daemon',
]
_entry_points['console_scripts'].extend(
    [
        'app-create-index=app.create_index:main',
    ]
)
setup(name='app', entry_points=_entry_points)
"""


def test_console_scripts_name_the_processes_and_say_what_each_runs(tmp_path: Path) -> None:
    """deluge / elastalert2: setup.py console scripts name the programs. `appd` hands its daemon
    function to a runner (`run_profiled(run_daemon, options)`), which runs Twisted's reactor: a
    long-lived process; `app-create-index` parses arguments and ends: a command. A GTK widget
    demo's looping `__main__` is not what names the daemon's code."""
    _write(tmp_path, {
        "setup.py": SETUP_PY,
        "requirements.txt": "twisted\n",
        "app/__init__.py": "",
        "app/ui.py": "class Console:\n    pass\n",
        "app/daemon_entry.py": "from app.common import run_profiled\n\n\ndef start_daemon():\n"
                               "    def run_daemon(options):\n        from app.daemon import Daemon\n        daemon = Daemon()\n        daemon.start()\n\n"
                               "    return run_profiled(run_daemon, None)\n",
        "app/common.py": "def run_profiled(func, *args):\n    return func(*args)\n",
        "app/daemon.py": "from twisted.internet import reactor\nfrom app.core import Core\n\n\nclass Daemon:\n"
                         "    def start(self):\n        self.core = Core()\n        reactor.run()\n",
        "app/core.py": "from urllib.request import urlopen\n\n\nclass Core:\n    def check_new_release(self):\n"
                       "        return urlopen('https://example.org/version').read()\n",
        "app/create_index.py": "import argparse\nfrom urllib.request import urlopen\n\n\ndef main():\n"
                               "    parser = argparse.ArgumentParser()\n    parser.parse_args()\n"
                               "    urlopen('https://es.example/_template').read()\n",
        "app/widgets/chooser.py": "import time\nfrom app.core import Core\n\nif __name__ == '__main__':\n"
                                  "    while True:\n        time.sleep(1)\n",
    })
    model = _model(tmp_path)
    kinds = {p.name: p.kind for p in model.processes}
    assert kinds["appd"] in ("server", "worker") and kinds["app-create-index"] == "cli"
    appd = next(p for p in model.processes if p.name == "appd")
    assert appd.entries == ["app/daemon_entry.py"] and appd.started
    assert any("setup.py: console script appd = app.daemon_entry:start_daemon" in e for e in appd.evidence)
    assert model.process_of("app/core.py").name == "appd"
    assert model.roles["app/create_index.py"] != "server"


def test_setup_cfg_and_pyproject_console_scripts_are_read() -> None:
    cfg = "[metadata]\nname = x\n\n[options.entry_points]\nconsole_scripts =\n    foo = foo.cli:main\n    bar=bar.run:go [extra]\n\n[flake8]\nmax = 1\n"
    assert _setup_console_scripts(cfg, "setup.cfg") == [("foo", "foo.cli:main"), ("bar", "bar.run:go")]
    py = "setup(entry_points={'console_scripts': ['elastalert-create-index=elastalert.create_index:main',\n 'elastalert=elastalert.elastalert:main']})"
    assert _setup_console_scripts(py, "setup.py") == [("elastalert-create-index", "elastalert.create_index:main"),
                                                     ("elastalert", "elastalert.elastalert:main")]
    # pbr's `[entry_points]` section (aodh, cloudkitty): console scripts, and the `wsgi_scripts` group
    # read on its own (a WSGI application a server hosts)
    pbr = ("[entry_points]\nwsgi_scripts =\n    aodh-api = aodh.api.app:build_wsgi_app\n\n"
           "console_scripts =\n    aodh-evaluator = aodh.cmd.alarm:evaluator\n\naodh.storage =\n    log = aodh.storage.impl_log:Connection\n")
    assert _setup_console_scripts(pbr, "setup.cfg") == [("aodh-evaluator", "aodh.cmd.alarm:evaluator")]
    assert _setup_console_scripts(pbr, "setup.cfg", ("wsgi_scripts",)) == [("aodh-api", "aodh.api.app:build_wsgi_app")]
    # the wazo daemons' setup.py: the name is a module-level constant spelled into an f-string
    wazo = ("NAME = 'wazo-webhookd'\nsetup(name=NAME, entry_points={'console_scripts': [\n"
            "    f'{NAME} = wazo_webhookd.bin.daemon:main',\n    f'{NAME}-init-db = wazo_webhookd.bin.init_db:main',\n"
            "    f'{OTHER}-x = x.y:z',\n]})\n")
    assert _setup_console_scripts(wazo, "setup.py") == [("wazo-webhookd", "wazo_webhookd.bin.daemon:main"),
                                                       ("wazo-webhookd-init-db", "wazo_webhookd.bin.init_db:main")]


def test_a_function_only_a_development_switch_calls_is_not_server_code(tmp_path: Path) -> None:
    """vendure's ui-devkit: `compileUiExtensions(options)` runs `runWatchMode` only `if (devMode)`
    (a watch server for development) and `runCompileMode` otherwise. A server loads the module; the
    compile mode's child process is its code, the watch mode's is not."""
    _write(tmp_path, {
        "package.json": '{"name": "shop", "scripts": {"start": "node dist/main.js"}}',
        "src/main.ts": 'import http from "http";\nimport { compileUi } from "./compile";\n'
                       'compileUi({ devMode: process.env.UI_DEV === "1" });\nhttp.createServer((q, r) => r.end()).listen(3000);\n',
        "src/compile.ts": 'import { spawn } from "child_process";\n'
                          'export function compileUi(options: { devMode: boolean }) {\n  const { devMode } = options;\n'
                          '  if (devMode) {\n    return runWatchMode();\n  } else {\n    return runCompileMode();\n  }\n}\n'
                          'function runCompileMode() {\n  const build = spawn("ng", ["build"]);\n  build.on("close", () => console.log("built"));\n}\n'
                          'function runWatchMode() {\n  const watch = spawn("ng", ["serve"]);\n  watch.on("close", () => console.log("stopped"));\n}\n',
    })
    found = _found(tmp_path, select=["CL011"])
    assert found == {("CL011", "src/compile.ts", 11)}, found


def test_a_click_groups_run_subcommand_that_loops_makes_its_console_script_a_worker(tmp_path: Path) -> None:
    """kibitzr: the console script names a module-level value made from the click group
    (`extended_cli = merge_extensions(cli)`), and the group's `run` subcommand loops until a signal
    flag is set. The script's process is a worker, and the notifier it loads is its code; a group
    with only one-shot subcommands stays a command."""
    _write(tmp_path, {
        "setup.py": "from setuptools import setup\nsetup(name='watch', entry_points={'console_scripts': "
                    "['watch=watch.cli:extended_cli', 'tool=watch.tool:cli']})\n",
        "requirements.txt": "click\nrequests\n",
        "watch/__init__.py": "",
        "watch/cli.py": "import click\n\n\ndef merge_extensions(group):\n    return group\n\n\n@click.group()\ndef cli():\n    pass\n\n\n"
                        "@cli.command()\ndef version():\n    print('1')\n\n\n"
                        "@cli.command()\ndef run():\n    from watch.app import Application\n    app = Application()\n    app.run()\n\n\n"
                        "extended_cli = merge_extensions(cli)\n",
        "watch/app.py": "import time\nfrom watch.notify import post\n\n\nclass Application:\n    def __init__(self):\n        self.stopped = False\n\n"
                        "    def run(self):\n        while not self.stopped:\n            post('changed')\n            time.sleep(1)\n",
        "watch/notify.py": "import requests\n\n\ndef post(report):\n    return requests.post('https://hooks.example/x', data=report)\n",
        "watch/tool.py": "import click\n\n\n@click.group()\ndef cli():\n    pass\n\n\n@cli.command()\ndef version():\n    print('1')\n",
    })
    model = _model(tmp_path)
    kinds = {p.name: p.kind for p in model.processes}
    assert kinds["watch"] == "worker" and kinds["tool"] == "cli"
    assert model.process_of("watch/notify.py").name == "watch"


def test_a_management_command_whose_handle_runs_forever_is_a_worker(tmp_path: Path) -> None:
    """bugsink's `runsnappea`: `handle()` runs a foreman loop for as long as the process lives, a
    daemon its deployment starts; a batch command that installs a Ctrl-C handler and ends is still
    a command."""
    _write(tmp_path, {
        "requirements.txt": "django\n",
        "snap/__init__.py": "",
        "snap/foreman.py": "import time\n\n\nclass Foreman:\n    def run_forever(self):\n        while True:\n            time.sleep(1)\n",
        "snap/management/__init__.py": "",
        "snap/management/commands/__init__.py": "",
        "snap/management/commands/runsnap.py": "from django.core.management.base import BaseCommand\nfrom snap.foreman import Foreman\n\n\n"
                                               "class Command(BaseCommand):\n    def handle(self, *args, **options):\n        Foreman().run_forever()\n",
        "snap/management/commands/cleanup.py": "import signal\nfrom django.core.management.base import BaseCommand\n\n\n"
                                               "class Command(BaseCommand):\n    def handle(self, *args, **options):\n"
                                               "        signal.signal(signal.SIGINT, lambda *a: None)\n        for i in range(3):\n            print(i)\n",
    })
    kinds = {p.name: p.kind for p in _model(tmp_path).processes}
    assert kinds["runsnap"] == "worker" and kinds["cleanup"] == "cli"


def test_source_to_image_run_scripts_start_the_programs_they_exec(tmp_path: Path) -> None:
    """A source-to-image build's start scripts (datanommer, fmn): the script `.s2i/environment`
    names as APP_SCRIPT and the `.s2i/run*.sh` scripts a deployment picks are read as a Dockerfile's
    CMD is. `fedora-messaging consume --callback pkg.module:Class` runs the consumer until it is
    stopped (a worker); `fedora-messaging publish` sends one message and ends (no process); the
    build's own hooks under `.s2i/bin/` are not start scripts."""
    _write(tmp_path, {
        "pyproject.toml": "[project]\nname = \"nommer\"\nversion = \"1\"\ndependencies = [\"fedora-messaging\"]\n",
        ".s2i/environment": "UPGRADE_PIP_TO_LATEST=true\nAPP_SCRIPT=.s2i/start.sh\n",
        ".s2i/start.sh": "#!/bin/bash\nset -e\nexport PATH=/opt/venv/bin:$PATH\nfedora-messaging consume --callback nommer.consumer:Nommer\n",
        ".s2i/run-announce.sh": "#!/bin/sh\nexec fedora-messaging publish nommer/announce.json\n",
        ".s2i/bin/run": "#!/bin/sh\nexec python nommer/tool.py\n",
        "nommer/__init__.py": "",
        "nommer/consumer.py": "import requests\n\n\nclass Nommer:\n    def __call__(self, message):\n"
                              "        requests.post('https://archive.example/add', json=message.body)\n",
        "nommer/tool.py": "if __name__ == '__main__':\n    print('tool')\n",
    })
    model = _model(tmp_path)
    by_name = {p.name: p for p in model.processes}
    assert by_name["start"].kind == "worker" and by_name["start"].entries == ["nommer/consumer.py"]
    assert by_name["start"].evidence[0] == ".s2i/start.sh: start: fedora-messaging consume --callback nommer.consumer:Nommer"
    assert "announce" not in by_name and not any(p.entries == ["nommer/tool.py"] and p.long_lived for p in model.processes)


def test_a_console_script_aliasing_a_class_method_that_starts_a_tornado_loop_is_long_lived(tmp_path: Path) -> None:
    """jupyterhub's `jupyterhub = jupyterhub.app:main` with `main = JupyterHub.launch_instance`: the
    alias is the class's method, which starts a Tornado IOLoop that runs until it is stopped; a
    command that only `run_sync`s a coroutine on the loop ends with it."""
    _write(tmp_path, {
        "pyproject.toml": "[project]\nname = \"hub\"\nversion = \"1\"\ndependencies = [\"tornado\"]\n\n"
                          "[project.scripts]\nhub = \"hub.app:main\"\nhub-upgrade = \"hub.upgrade:main\"\n",
        "hub/__init__.py": "",
        "hub/app.py": "from tornado.ioloop import IOLoop\n\n\nclass Hub:\n    @classmethod\n    def launch_instance(cls):\n"
                      "        loop = IOLoop(make_current=False)\n        loop.run_sync(cls.setup)\n        loop.start()\n\n"
                      "    @staticmethod\n    async def setup():\n        print('ready')\n\n\nmain = Hub.launch_instance\n",
        "hub/upgrade.py": "from tornado.ioloop import IOLoop\n\n\nclass Upgrade:\n    @classmethod\n    def launch_instance(cls):\n"
                          "        IOLoop.current().run_sync(cls.migrate)\n\n    @staticmethod\n    async def migrate():\n        print('done')\n\n\n"
                          "main = Upgrade.launch_instance\n",
    })
    kinds = {p.name: p.kind for p in _model(tmp_path).processes}
    assert kinds["hub"] == "worker" and kinds["hub-upgrade"] == "cli"
