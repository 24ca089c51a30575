"""The process model (issue 14): which programs a project starts and which code each loads.

Each test writes a small project and asks `process_model` (what `crashlint processes` prints) or
runs a scan, so the whole way from start commands and code to findings is exercised.
"""

from __future__ import annotations

import json
from pathlib import Path

from crashlint.config import Config
from crashlint.scan import process_model, scan
from helpers import run_cli, write_project as _write


def _model(root: Path, config: Config | None = None):
    _, model, _ = process_model([str(root)], config=config)
    return model


def _found(root: Path, **options) -> set[tuple[str, str]]:
    return {(f.rule_id, f.location.path) for f in scan([str(root)], **options).findings}


PACKAGE = '{"name": "shop", "scripts": {"start": "node dist/server/index.js", "dev": "vite", "migrate": "ts-node scripts/migrate.ts"}, "dependencies": {"express": "^4.19.0", "react": "^18.0.0"}}'


def test_a_package_shipping_its_browser_client_beside_its_server(tmp_path: Path) -> None:
    """One package.json, `client/` bundled for the browser, `server/` started by `npm start`:
    the client's fetch is not a server hang; the server's is."""
    _write(tmp_path, {
        "package.json": PACKAGE,
        "server/index.ts": 'import express from "express";\nimport { prices } from "./prices";\nconst app = express();\n'
                           'app.get("/p", async (_req, res) => res.json(await prices()));\napp.listen(3000);\n',
        "server/prices.ts": 'export async function prices() {\n  const r = await fetch("https://rates.example/api");\n  return r.json();\n}\n',
        "client/api.ts": 'export async function load() {\n  const r = await fetch("/p");\n  return r.json();\n}\n',
        "client/main.ts": 'import { load } from "./api";\nload().then((p) => console.log(p));\n',
        "scripts/migrate.ts": 'await fetch("https://internal.example/migrate");\n',
    })
    model = _model(tmp_path)
    server = [p for p in model.processes if p.kind == "server"]
    assert [p.entry for p in server] == ["server/index.ts"]
    assert any("scripts.start: node dist/server/index.js" in e for e in server[0].evidence)
    assert model.roles["server/prices.ts"] == "server"
    assert model.roles["client/api.ts"] != "server" and model.roles["scripts/migrate.ts"] == "tooling"
    found = _found(tmp_path, select=["CL008"])
    assert found == {("CL008", "server/prices.ts")}


def test_start_commands_of_every_kind(tmp_path: Path) -> None:
    _write(tmp_path, {
        "api/package.json": '{"name": "@acme/api", "scripts": {"start:prod": "dotenv -e ../.env -- node dist/main.js"}}',
        "api/src/main.ts": "export const a = 1;\n",
        "jobs/package.json": '{"name": "jobs", "scripts": {"worker:production": "node build/queue-worker.js"}}',
        "jobs/src/queue-worker.ts": "export const w = 1;\n",
        "py/requirements.txt": "flask\n",
        "py/Procfile": "web: gunicorn app.web:app\nworker: python -m app.mailer\n",
        "py/app/__init__.py": "",
        "py/app/web.py": "x = 1\n",
        "py/app/mailer.py": "y = 1\n",
        "svc/package.json": '{"name": "svc"}',
        "svc/Dockerfile": 'FROM node:20\nENTRYPOINT ["/app/docker-entrypoint.sh"]\n',
        "svc/docker-entrypoint.sh": "#!/bin/sh\nnode dist/wait-for-db.js\nexec node \\\n  dist/index.js\n",
        "svc/src/index.ts": "export const s = 1;\n",
        "svc/src/wait-for-db.ts": "export const w = 1;\n",
    })
    model = _model(tmp_path)
    kinds = {p.entry: p.kind for p in model.processes}
    assert kinds["api/src/main.ts"] == "server"
    assert kinds["jobs/src/queue-worker.ts"] == "worker"
    assert kinds["py/app/web.py"] == "server" and kinds["py/app/mailer.py"] == "worker"
    assert kinds["svc/src/index.ts"] == "server"
    assert kinds["svc/src/wait-for-db.ts"] == "cli"  # a one-shot step before `exec`
    hosted = {p.entry: p.hosted for p in model.processes}
    assert hosted["py/app/web.py"] and not hosted["py/app/mailer.py"]


def test_code_signals_and_the_fallback(tmp_path: Path) -> None:
    _write(tmp_path, {
        "server.ts": 'import express from "express";\nimport "./routes";\nconst app = express();\nasync function main() { app.listen(1); }\nmain();\n',
        "routes.ts": "export const r = 1;\n",
        "queue.ts": 'import { Worker } from "bullmq";\nexport const w = new Worker("q", async () => 1);\n',
        "dead.ts": "export const d = 1;\n",
        "vite.config.ts": "export default {};\n",
        "__fixtures__/sample.ts": "export const f = 1;\n",
    })
    model = _model(tmp_path)
    by_entry = {p.entry: p for p in model.processes}
    assert by_entry["server.ts"].kind == "server" and not by_entry["server.ts"].fallback
    assert by_entry["queue.ts"].kind == "worker"
    assert model.roles["routes.ts"] == "server"
    # no start command: a module nothing imports is judged by its path (and says so)
    assert model.roles["dead.ts"] == "server" and "judged by its path" not in model.reasons["routes.ts"]
    assert model.roles["vite.config.ts"] == "tooling" and model.roles["__fixtures__/sample.ts"] == "test"


def test_python_processes_and_a_helper_only_a_cli_calls(tmp_path: Path) -> None:
    _write(tmp_path, {
        "requirements.txt": "fastapi\nclick\nrequests\n",
        "app/__init__.py": "",
        "app/main.py": "from fastapi import FastAPI\nfrom app.stats import live\napp = FastAPI()\n\n\n@app.get('/s')\ndef s():\n    return live()\n",
        "app/stats.py": "import requests\n\n\ndef live():\n    # served on every request\n    return requests.get('https://stats.example').json()\n\n\n"
                        "def export():\n    # only the export command calls this\n    return requests.get('https://stats.example/all').json()\n",
        "app/cli.py": "import click\nfrom app.stats import export\n\n\n@click.command()\ndef main():\n    print(export())\n\n\nif __name__ == '__main__':\n    main()\n",
        # (it writes a file each turn: something SIGTERM's default would cut off, so CL012 has a loss to name)
        "app/worker.py": "import time\n\n\ndef run():\n    while True:\n        with open('heartbeat', 'w') as beat:\n            beat.write('alive')\n        time.sleep(5)\n\n\nif __name__ == '__main__':\n    run()\n",
    })
    model = _model(tmp_path)
    kinds = {p.entry: p.kind for p in model.processes}
    assert kinds == {"app/main.py": "server", "app/cli.py": "cli", "app/worker.py": "worker"}
    found = {(f.rule_id, f.location.path, f.location.start_line) for f in scan([str(tmp_path)], select=["CL008", "CL012"]).findings}
    assert ("CL008", "app/stats.py", 6) in found  # live(): called by the API
    assert ("CL008", "app/stats.py", 11) not in found  # export(): called only by the CLI command
    assert ("CL012", "app/worker.py", 5) in found  # a standalone loop, though FastAPI is in the requirements


def test_declared_processes_and_paths(tmp_path: Path) -> None:
    _write(tmp_path, {
        "crashlint.toml": '[processes.sync]\nentry = "jobs/sync.ts"\nkind = "worker"\n\n[tool]\n',
        "jobs/sync.ts": "fetch('https://a.example');\n",
        "web/page.ts": "fetch('https://b.example');\n",
        "tools/gen.ts": "fetch('https://c.example');\n",
    })
    (tmp_path / "crashlint.toml").write_text('browser = ["web/**"]\ntooling = ["tools"]\n\n[processes.sync]\nentry = "jobs/sync.ts"\nkind = "worker"\n')
    code, out, err = run_cli("processes", str(tmp_path), "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    sync = [p for p in document["processes"] if p["name"] == "sync"]
    assert sync and sync[0]["kind"] == "worker" and "declared in [tool.crashlint] processes" in sync[0]["evidence"]
    code, out, _ = run_cli("scan", str(tmp_path), "--select", "CL008", "--format", "json")
    assert {f["path"].rsplit("/", 2)[-2] for f in json.loads(out)} == {"jobs"}
    (tmp_path / "crashlint.toml").write_text('[processes.sync]\nkind = "daemon"\nentry = "jobs/sync.ts"\n')
    code, _, err = run_cli("scan", str(tmp_path))
    assert code == 2 and "kind 'daemon' is not one of server, worker, cli" in err


def test_findings_name_their_process_in_every_format(tmp_path: Path) -> None:
    _write(tmp_path, {
        "package.json": '{"name": "billing", "scripts": {"start": "node dist/index.js"}}',
        "src/index.ts": 'import express from "express";\nimport { pay } from "./pay";\nconst app = express();\napp.post("/pay", pay);\napp.listen(3000);\n',
        "src/pay.ts": 'export async function pay(req: any, res: any) {\n  res.json(await (await fetch("https://psp.example")).json());\n}\n',
    })
    code, out, _ = run_cli("scan", str(tmp_path), "--select", "CL008", "--format", "json")
    finding = json.loads(out)[0]
    assert finding["process"]["name"] == "billing" and finding["process"]["kind"] == "server"
    assert finding["process"]["entry"].endswith("src/index.ts")
    code, out, _ = run_cli("scan", str(tmp_path), "--select", "CL008")
    assert "in server process `billing`" in out
    code, out, _ = run_cli("scan", str(tmp_path), "--select", "CL008", "--format", "sarif")
    assert json.loads(out)["runs"][0]["results"][0]["properties"]["process"]["name"] == "billing"
    code, out, _ = run_cli("scan", str(tmp_path), "--select", "CL008", "--format", "markdown")
    assert "in server process `billing`" in out


def test_processes_command_explains_why_a_file_is_or_is_not_analysed(tmp_path: Path) -> None:
    _write(tmp_path, {
        "package.json": PACKAGE,
        "server/index.ts": 'import express from "express";\nconst app = express();\napp.listen(3000);\n',
        "client/main.ts": "document.title = 'shop';\n",
    })
    code, out, err = run_cli("processes", str(tmp_path))
    assert code == 0, err
    assert "server   shop" in out and "scripts.start: node dist/server/index.js" in out
    code, out, _ = run_cli("processes", str(tmp_path), "--why", str(tmp_path / "client/main.ts"), "--why", str(tmp_path / "server/index.ts"))
    lines = out.splitlines()
    assert "not analysed" in lines[0] and "analysed (server)" in lines[1]
    code, _, err = run_cli("processes", str(tmp_path), "--why", "/elsewhere.ts")
    assert code == 2 and "not under the scanned folder" in err


def test_why_names_an_importer_that_was_not_analysed(tmp_path: Path) -> None:
    """A route module whose only importer is skipped (binary: NULs beside bytes that are not
    UTF-8) is unreached; `--why` says which skipped file imports it."""
    _write(tmp_path, {
        "package.json": '{"name": "api", "scripts": {"start": "node src/index.js"}}',
        "src/index.js": 'const http = require("http");\nrequire("./api");\nhttp.createServer().listen(3000);\n',
        "src/routes/users.js": 'module.exports = async () => fetch("https://example.com");\n',
    })
    (tmp_path / "src/api.js").write_bytes(b'// caf\xe9 \0\nrequire("./routes/users");\n')
    code, out, err = run_cli("processes", str(tmp_path), "--why", str(tmp_path / "src/routes/users.js"))
    assert code == 0, err
    lines = out.splitlines()
    assert "not analysed" in lines[0]
    assert "src/api.js imports it and was not analysed (a binary file)" in lines[1]
    code, out, _ = run_cli("processes", str(tmp_path), "--why", str(tmp_path / "src/index.js"))
    assert len(out.splitlines()) == 1 and "analysed (server)" in out


def test_two_dockerfile_stages_are_two_processes() -> None:
    """mirlo: stage `api` runs src/index.ts, stage `background` the queue worker, whose module the
    API imports for its logger. Two OS processes: the API's log-only unhandledRejection listener
    does not keep the worker alive, and the worker's code is reported in the worker."""
    unit = Path(__file__).parent / "fixtures/CL003/projects/dockerfile-stages"
    _, model, _ = process_model([str(unit)])
    long_lived = {p.name: (p.kind, p.entries) for p in model.processes if p.long_lived}
    assert long_lived == {"music": ("server", ["src/index.ts"]), "music:queue-worker": ("worker", ["src/jobs/queue-worker.ts"])}
    result = scan([str(unit)])
    [finding] = result.findings
    assert finding.location.path == "src/jobs/generate-album.ts"
    assert "unhandledRejection" not in " ".join(finding.problems)
    code, out, _ = run_cli("scan", str(unit), "--format", "json")
    assert json.loads(out)[0]["process"]["name"] == "music:queue-worker"


def test_setup_servers_browser_libraries_and_migrations_are_not_the_service(tmp_path: Path) -> None:
    """A setup wizard served until the database is configured, an editor plugin that imports
    prosemirror-view (reached from the server through a shared module), a migration helper."""
    _write(tmp_path, {
        "package.json": '{"name": "kuma", "scripts": {"start": "node server/server.js"}, "dependencies": {"express": "^4.19.0"}}',
        "server/server.js": 'const express = require("express");\nconst { SetupDatabase } = require("./setup-database");\n'
                            'require("../shared/editor");\nconst app = express();\napp.get("/x", (q, r) => r.end());\n'
                            'new SetupDatabase().start().then(() => app.listen(3000));\n',
        "server/setup-database.js": 'const express = require("express");\nclass SetupDatabase {\n  async start() {\n'
                                    '    const app = express();\n    app.get("/a", (q, r) => r.end());\n    app.get("/b", (q, r) => r.end());\n'
                                    '    app.get("/c", (q, r) => r.end());\n    return new Promise((resolve) => app.listen(3001, resolve));\n  }\n}\n'
                                    'module.exports = { SetupDatabase };\n',
        "shared/editor.js": 'require("./upload-plugin");\n',
        "shared/upload-plugin.js": 'const { EditorView } = require("prosemirror-view");\nasync function paste(src) {\n  return fetch(src);\n}\nmodule.exports = { paste };\n',
        "db/code-migrations/001.js": 'fetch("https://example.com/backfill");\n',
    })
    model = _model(tmp_path)
    assert model.roles["server/setup-database.js"] == "tooling"
    assert model.roles["shared/upload-plugin.js"] == "browser"
    assert model.roles["db/code-migrations/001.js"] != "server"
    found = _found(tmp_path, select=["CL005", "CL008", "CL010", "CL012"])
    assert not {path for _, path in found} & {"server/setup-database.js", "shared/upload-plugin.js", "db/code-migrations/001.js"}


def test_a_dockerfile_healthcheck_probe_is_a_short_lived_tool(tmp_path: Path) -> None:
    # healthchecks.io's docker/fetchstatus.py: Docker runs it (`./fetchstatus.py`, a #! script) and
    # kills it after HEALTHCHECK's --timeout; it is no module of the Django server beside it
    _write(tmp_path, {
        "requirements.txt": "django\nrequests\n",
        "hc/__init__.py": "",
        "hc/wsgi.py": "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
        "hc/views.py": "import requests\n\n\ndef ping(request):\n    return requests.get('https://hooks.example').text\n",
        "docker/Dockerfile": "FROM python:3.12\nHEALTHCHECK --interval=60s --retries=1 CMD ./fetchstatus.py\nCMD uwsgi /opt/app/uwsgi.ini\n",
        "docker/fetchstatus.py": "#!/usr/bin/env python\nfrom urllib.request import urlopen\n\nwith urlopen('http://localhost:8000/status/') as response:\n    assert response.status == 200\n",
    })
    model = _model(tmp_path)
    assert {p.kind for p in model.processes if p.entry == "docker/fetchstatus.py"} == {"cli"}
    assert any(p.kind == "server" and "hc/views.py" in p.entries for p in model.processes)
    assert not any(p.kind == "server" and "docker/fetchstatus.py" in p.entries for p in model.processes)
    assert _found(tmp_path, select=["CL008"]) == {("CL008", "hc/views.py")}


def test_markdown_report_of_a_monorepo_has_a_table_of_its_services(tmp_path: Path) -> None:
    """Issue 16, item 4: a summary table at the top (process × severity × fixable) and a summary
    that speaks of the services, not of 'this service'."""
    service = 'import express from "express";\nconst app = express();\napp.get("/", async (req: any, res: any) => {\n  res.json(await (await fetch("https://x.example", { signal: AbortSignal.timeout(5000) })).json());\n});\napp.listen(3000);\nfetch("https://psp.example");\n'
    _write(tmp_path, {
        "services/billing/package.json": '{"name": "billing", "scripts": {"start": "node dist/index.js"}}',
        "services/billing/src/index.ts": service,
        "services/mailer/package.json": '{"name": "mailer", "scripts": {"start": "node dist/index.js"}}',
        "services/mailer/src/index.ts": service,
    })
    code, out, _ = run_cli("scan", str(tmp_path), "--select", "CL008", "--format", "markdown")
    assert "| process | kind | entry | 🔴 critical | 🟠 high | 🟡 medium | [*] fixable | unsafe fixes |" in out
    rows = [line for line in out.splitlines() if line.startswith("| `")]
    assert [row.split(" | ")[0] for row in rows] == ["| `billing`", "| `mailer`"]
    assert all(row.endswith("| 0 | 0 | 1 | 1 | 0 |") for row in rows)
    assert "These 2 services (`billing`, `mailer`) are at risk" in out and "This service" not in out


def test_scanning_a_source_folder_reads_the_manifest_beside_it(tmp_path: Path, monkeypatch) -> None:
    """`crashlint scan src/` (the usage the SPEC shows): the package.json above `src/` gives the
    process its start command and the Express version, as a scan of the whole package does; a folder
    with no project file up to the working directory is its own root, as before."""
    _write(tmp_path, {
        "package.json": '{"name": "api", "scripts": {"start": "node src/index.js"}, "dependencies": {"express": "^4.19.0"}}',
        "src/index.js": 'const app = require("express")();\napp.get("/", async (req, res) => { res.json(await load()); });\napp.listen(3000);\n',
        "other/lib/index.js": 'const app = require("express")();\napp.listen(3000);\n',
    })
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli("processes", "src")
    assert code == 0 and "scripts.start: node src/index.js" in out and "server   api" in out, out
    (finding,) = [f for f in scan(["src"]).findings if f.rule_id == "CL003"]
    assert "Express 4 does not catch" in finding.problems[0] and finding.location.path == "src/index.js"
    (tmp_path / "package.json").unlink()
    monkeypatch.chdir(tmp_path / "other")
    code, out, _ = run_cli("processes", "lib")
    assert code == 0 and "evidence: index.js:2:" in out, out  # no marker up to the working directory: `lib` is the root


def test_the_root_is_looked_for_up_to_the_working_directory_or_the_repository_top(tmp_path: Path, monkeypatch) -> None:
    """From the repository's top, `crashlint scan repo/src` finds the package above `src/`; from
    elsewhere, it looks no higher than the repository's top (a package.json above it is not the
    project's); from inside `src/`, `src/` is the root (the working directory bounds the search)."""
    _write(tmp_path, {
        "package.json": '{"name": "home"}',
        "repo/.git/HEAD": "ref: refs/heads/main\n",
        "repo/package.json": '{"name": "api", "scripts": {"start": "node src/index.js"}}',
        "repo/src/index.js": 'require("http").createServer(() => {}).listen(3000);\n',
        "repo/tools/x/index.js": 'require("http").createServer(() => {}).listen(3000);\n',
    })
    from crashlint.discover import scan_root

    repo = (tmp_path / "repo").resolve()
    monkeypatch.chdir(tmp_path / "repo" / "tools")
    assert scan_root([repo / "src"]) == repo  # the working directory does not hold it: up to the repository's top
    monkeypatch.chdir(tmp_path / "repo" / "src")
    assert scan_root([Path(".")]) == repo / "src"
    monkeypatch.chdir(tmp_path)
    assert scan_root([Path("repo/tools/x")]) == repo
    (tmp_path / "repo" / "package.json").unlink()
    monkeypatch.chdir(tmp_path / "repo" / "tools")
    assert scan_root([repo / "src"]) == repo  # .git is a marker too
    (tmp_path / "repo" / ".git" / "HEAD").unlink()
    (tmp_path / "repo" / ".git").rmdir()
    assert scan_root([repo / "src"]) == repo / "src"  # no repository, not under the working directory: itself
    monkeypatch.chdir(tmp_path)
    assert scan_root([Path("repo/tools/x")]) == tmp_path.resolve()  # under the working directory: up to it


def test_a_launcher_with_no_extension_starts_the_compiled_sources(tmp_path: Path) -> None:
    """`start: node bin/boat-server`, a `#!/usr/bin/env node` script that requires `../dist` (the
    compiled src/index.ts), and an import of `./dist/controller.js` where tsconfig's rootDir is
    lib/: both reach the sources, and a listen() in a file the started server loads is its own."""
    _write(tmp_path, {
        "package.json": '{"name": "boat", "bin": {"boat": "./bin/boat-server"}, "scripts": {"start": "node bin/boat-server"}, "dependencies": {"express": "^4.22.0"}}',
        "bin/boat-server": "#!/usr/bin/env node\nconst Server = require('../dist')\nnew Server().start()\n",
        "src/index.ts": 'import express from "express";\nimport { redirect } from "./redirect";\n'
                        'export = class Server { start() { redirect(); express().listen(3000); } }\n',
        "src/redirect.ts": 'import http from "http";\nexport function redirect() { http.createServer((q, r) => r.end()).listen(80); }\n',
        "bridge/package.json": '{"name": "bridge", "scripts": {"start": "node index.js"}}',
        "bridge/tsconfig.json": '{ "compilerOptions": { "outDir": "dist", "rootDir": "lib", }, }',
        "bridge/index.js": 'async function start() {\n  const { Controller } = await import("./dist/controller.js");\n  new Controller();\n}\nstart();\n',
        "bridge/lib/controller.ts": 'export class Controller {}\n',
    })
    model = _model(tmp_path)
    servers = {p.name: p for p in model.processes if p.long_lived}
    assert servers["boat"].entries == ["src/index.ts"] and servers["boat"].started
    assert any("src/redirect.ts:2: `" in e for e in servers["boat"].evidence)  # its own listen, no second process
    assert set(servers) == {"boat", "bridge"}
    assert model.roles["bridge/lib/controller.ts"] == "server"


def test_a_folder_skipped_by_name_that_gitignore_takes_back_is_scanned(tmp_path: Path) -> None:
    """node-red keeps its packages in packages/node_modules/, which its .gitignore re-includes
    (`node_modules` then `!packages/node_modules`): hand-written code; other node_modules stay out."""
    _write(tmp_path, {
        ".gitignore": "node_modules\n!packages/node_modules\n",
        "package.json": '{"name": "red", "scripts": {"start": "node packages/node_modules/red/red.js"}, "dependencies": {"express": "^4.22.0"}}',
        "packages/node_modules/red/package.json": '{"name": "red", "main": "lib/red.js"}',
        "packages/node_modules/red/red.js": 'const express = require("express");\nconst { check } = require("@red/runtime");\n'
                                            'express().get("/", async (q, r) => r.json(await check())).listen(1880);\n',
        "packages/node_modules/@red/runtime/package.json": '{"name": "@red/runtime", "main": "./lib/index.js"}',
        "packages/node_modules/@red/runtime/lib/index.js": 'exports.check = () => fetch("https://registry.example/updates");\n',
        "node_modules/left-pad/index.js": 'module.exports = () => fetch("https://example.com");\n',
    })
    found = _found(tmp_path, select=["CL008"])
    assert found == {("CL008", "packages/node_modules/@red/runtime/lib/index.js")}
    from crashlint.discover import discover_tree
    from crashlint.sourcetree import DiskTree
    tree_files = {f.rel_path for f in discover_tree(DiskTree(str(tmp_path)), [""]).files} if hasattr(DiskTree(str(tmp_path)), "entries") else None
    if tree_files is not None:
        assert "packages/node_modules/@red/runtime/lib/index.js" in tree_files and "node_modules/left-pad/index.js" not in tree_files


def test_a_page_bundle_package_and_development_only_modules(tmp_path: Path) -> None:
    """An admin UI package with React in devDependencies and `build: vite build` (no main, no start)
    is page code; a module the server imports only under `if (options.dev)` is development tooling."""
    _write(tmp_path, {
        "package.json": '{"name": "hub", "scripts": {"start": "node server/index.js"}, "dependencies": {"express": "^4.22.0"}}',
        "server/index.js": 'const express = require("express");\nasync function main(options) {\n  const app = express();\n'
                           '  if (options.dev) {\n    (await import("./dev-server.js")).default(app);\n  }\n'
                           '  if (!options.dev) {\n    (await import("./static.js")).default(app);\n  }\n  app.listen(3000);\n}\n'
                           'main({ dev: process.env.NODE_ENV === "development" });\n',
        "server/dev-server.js": 'exports.default = (app) => app.get("/", async (q, r) => r.send(await (await fetch("http://localhost:5173")).text()));\n',
        "server/static.js": 'exports.default = (app) => app.get("/v", async (q, r) => r.send(await (await fetch("https://cdn.example/v")).text()));\n',
        "admin-ui/package.json": '{"name": "@hub/admin-ui", "scripts": {"build": "vite build", "dev": "vite"}, "dependencies": {"zustand": "^5.0.0"}, "devDependencies": {"react": "^19.0.0", "vite": "^7.0.0"}}',
        "admin-ui/src/store.ts": 'export async function load() {\n  const res = await fetch("/api/presets");\n  return res.json();\n}\n',
    })
    model = _model(tmp_path)
    assert model.roles["server/dev-server.js"] == "tooling" and model.roles["server/static.js"] == "server"
    assert model.roles["admin-ui/src/store.ts"] == "browser"
    assert _found(tmp_path, select=["CL008"]) == {("CL008", "server/static.js")}


def test_vendored_python_packages_are_not_the_projects_code(tmp_path: Path) -> None:
    """A folder that is no package and holds packages named like the manifest's dependencies
    (Tautulli's lib/ on sys.path) is vendored: not analysed, and `import requests` names the
    library. A project's own non-package source folder (src/) is not vendored."""
    _write(tmp_path, {
        "requirements.txt": "requests==2.31\nurllib3==2.0\ncertifi==2024.2.2\nflask==3.0\n",
        "app.py": "import requests\nfrom flask import Flask\nfrom shop.prices import prices\napp = Flask(__name__)\n"
                  "@app.route('/p')\ndef p():\n    return requests.get('https://x.example').text + prices()\n",
        "lib/requests/__init__.py": "def get(url, **kw):\n    import urllib.request\n    return urllib.request.urlopen(url)\n",
        "lib/urllib3/__init__.py": "", "lib/certifi/__init__.py": "",
        "src/shop/__init__.py": "", "src/shop/prices.py": "import requests\ndef prices():\n    return requests.get('https://r.example').text\n",
        "src/requests_cache_helpers.py": "", "src/flask_extras.py": "",
    })
    model = _model(tmp_path)
    assert model.roles["lib/requests/__init__.py"] == "vendored"
    assert model.roles["src/shop/prices.py"] == "server"
    assert _found(tmp_path, select=["CL008"]) == {("CL008", "app.py"), ("CL008", "src/shop/prices.py")}


def test_a_celery_pool_that_drops_time_limits_is_named_in_the_finding(monkeypatch) -> None:
    """`celery worker -P threads` never applies a task's time limit (Celery's thread pool drops the
    timeouts): the call stays a finding and says why the limit does not end it."""
    fixture = Path(__file__).parent / "fixtures" / "CL008" / "projects"
    monkeypatch.chdir(fixture)
    findings = scan(["celery-threads-pool"], select=["CL008"]).findings
    texts = {f.location.start_line: " ".join(f.problems) for f in findings}
    assert "Celery task `fetch_feed`" in texts[10] and "the `threads` pool (Procfile)" in texts[10]
    assert "does not enforce time limits" in texts[17] and "task_soft_time_limit" in texts[17]
    gevent = {f.location.start_line: " ".join(f.problems) for f in scan(["celery-gevent-pool"], select=["CL008"]).findings}
    assert list(gevent) == [17] and "does not enforce a soft time limit" in gevent[17]


def test_next_start_is_one_process_for_all_its_route_files(tmp_path: Path) -> None:
    """`next start` serves every API route and route handler of its app, and runs
    `instrumentation.ts` as it starts: one process, named after the package, not one per route."""
    _write(tmp_path, {
        "apps/web/package.json": '{"name": "web", "scripts": {"start": "next start"}, "dependencies": {"next": "^14", "bullmq": "^5"}}',
        "apps/web/src/app/api/health/route.ts": 'export async function GET() { return Response.json({ ok: true }); }\n',
        "apps/web/src/app/api/hook/route.ts": 'export async function POST(req: Request) {\n  await fetch("https://hooks.example/x");\n  return new Response("ok");\n}\n',
        "apps/web/src/pages/api/users.ts": 'export default async function handler(req: any, res: any) {\n  const r = await fetch("https://users.example/api");\n  res.json(await r.json());\n}\n',
        "apps/web/src/instrumentation.ts": 'export async function register() {\n  await import("./server/jobs");\n}\n',
        "apps/web/src/server/jobs.ts": 'import { Worker } from "bullmq";\nexport const worker = new Worker("q", async () => {}, { connection: {} });\n',
    })
    model = _model(tmp_path)
    servers = [p for p in model.processes if p.long_lived]
    assert [p.name for p in servers] == ["web"]
    assert "apps/web/src/instrumentation.ts" in servers[0].entries
    assert "apps/web/src/server/jobs.ts" in servers[0].files
    found = scan([str(tmp_path)], select=["CL008"]).findings
    assert {f.process[0] for f in found} == {"web"} and len(found) == 2


def test_app_router_server_components_are_server_code_and_client_components_are_not(tmp_path: Path) -> None:
    """`next start` renders the App Router's pages and layouts with no "use client" in its own
    process: they, the components with no directive they import and the helpers those call are
    server code. A "use client" module is where the browser's tree starts: it and what only it
    imports are browser code, and so is a client page; a proxy.ts (Next.js 16) is an entry."""
    _write(tmp_path, {
        "package.json": '{"name": "shop", "scripts": {"start": "next start"}, "dependencies": {"next": "^16", "react": "^19"}}',
        "app/layout.tsx": 'import { Nav } from "../components/nav";\nexport default function Layout({ children }: any) { return <body><Nav />{children}</body>; }\n',
        "app/(shop)/products/page.tsx": 'import { getProducts } from "../../../lib/catalog";\nimport { Cart } from "../../../components/cart";\n'
                                         'export default async function Page() { const p = await getProducts(); return <main>{p.length}<Cart /></main>; }\n',
        "app/settings/page.tsx": '"use client";\nexport default function Settings() { return <div />; }\n',
        "components/nav.tsx": 'export async function Nav() { const r = await fetch("https://cms.example/nav"); return <nav>{(await r.json()).title}</nav>; }\n',
        "components/cart.tsx": '"use client";\nimport { addToCart } from "../lib/cart-api";\nexport function Cart() { return <button onClick={() => addToCart()}>add</button>; }\n',
        "lib/cart-api.ts": 'export async function addToCart() { await fetch("/api/cart", { method: "POST" }); }\n',
        "lib/catalog.ts": 'export async function getProducts() { const r = await fetch("https://catalog.example/products"); return r.json(); }\n',
        "proxy.ts": 'export function proxy(request: Request) { return undefined; }\n',
    })
    model = _model(tmp_path)
    servers = [p for p in model.processes if p.long_lived]
    assert [p.name for p in servers] == ["shop"]
    assert {"app/layout.tsx", "app/(shop)/products/page.tsx", "proxy.ts"} <= set(servers[0].entries)
    assert "app/settings/page.tsx" not in servers[0].entries
    roles = {path: model.roles[path] for path in ("app/layout.tsx", "components/nav.tsx", "lib/catalog.ts", "components/cart.tsx",
                                                  "lib/cart-api.ts", "app/settings/page.tsx")}
    assert roles == {"app/layout.tsx": "server", "components/nav.tsx": "server", "lib/catalog.ts": "server",
                     "components/cart.tsx": "browser", "lib/cart-api.ts": "browser", "app/settings/page.tsx": "browser"}
    found = scan([str(tmp_path)], select=["CL008"]).findings
    assert sorted(f.location.path for f in found) == ["components/nav.tsx", "lib/catalog.ts"]


def test_a_custom_next_server_serves_the_route_files(tmp_path: Path) -> None:
    """A Fastify server that makes a Next.js server (`next({ dev })`) serves the app's API routes in
    its own process: their findings name it, and they are no process of their own judged by path."""
    _write(tmp_path, {
        "package.json": '{"name": "drop", "scripts": {"start": "node dist"}, "dependencies": {"next": "^14", "fastify": "^4", "react": "^18"}}',
        "src/server/index.ts": 'import fastify from "fastify";\nimport nextPlugin from "./plugins/next";\nconst server = fastify();\n'
                               'server.register(nextPlugin, { dev: false });\nserver.listen({ port: 3000 });\n',
        "src/server/plugins/next.ts": 'import next from "next";\nexport default async function nextPlugin(fastify: any, options: any) {\n'
                                      '  const app = next(options);\n  await app.prepare();\n}\n',
        "src/pages/api/version.ts": 'export default async function handler(req: any, res: any) {\n  const r = await fetch("https://releases.example/latest");\n  res.json(await r.json());\n}\n',
        "src/pages/index.tsx": 'export default function Home() { return <main>hi</main>; }\n',
    })
    model = _model(tmp_path)
    servers = [p for p in model.processes if p.long_lived]
    assert len(servers) == 1 and servers[0].entry == "src/server/index.ts" and not servers[0].fallback
    assert "src/pages/api/version.ts" in servers[0].files
    assert any("a custom Next.js server" in e for e in servers[0].evidence)
    found = scan([str(tmp_path)], select=["CL008"]).findings
    assert [(f.location.path, f.process[2]) for f in found] == [("src/pages/api/version.ts", "src/server/index.ts")]


def test_an_unimported_module_of_a_vite_page_is_browser_code(tmp_path: Path) -> None:
    """An Nx monorepo: one root package.json (NestJS and React), `apps/client` a Vite page (its
    vite.config.ts and index.html). A module of the page that nothing imports (dead code, or one a
    route loads lazily) is page code, not a server judged by its path."""
    _write(tmp_path, {
        "package.json": '{"name": "resume", "dependencies": {"@nestjs/core": "^10", "react": "^18", "axios": "^1"}}',
        "apps/server/src/main.ts": 'import { NestFactory } from "@nestjs/core";\nasync function bootstrap() {\n'
                                   '  const app = await NestFactory.create({});\n  await app.listen(3000);\n}\nbootstrap();\n',
        "tsconfig.base.json": '{"compilerOptions": {"baseUrl": ".", "paths": {"@resume/utils": ["libs/utils/src/index.ts"]}}}',
        "apps/client/tsconfig.json": '{"extends": "../../tsconfig.base.json", "compilerOptions": {"jsx": "react-jsx"}}',
        "apps/client/vite.config.ts": 'export default { server: { port: 5173 } };\n',
        "apps/client/index.html": '<html><body><script type="module" src="/src/main.tsx"></script></body></html>\n',
        "apps/client/src/main.tsx": 'import { App } from "./app";\nexport const root = <App />;\n',
        "apps/client/src/app.tsx": 'export function App() { return <main />; }\n',
        "apps/client/src/services/preview.ts": 'import { client } from "../libs/http";\nexport const preview = (id: string) => client.get(`/preview/${id}`);\n',
        "apps/client/src/libs/http.ts": 'import axios from "axios";\nexport const client = axios.create({ baseURL: "/api" });\n'
                                        'export const refresh = () => axios.post("/api/auth/refresh");\n',
    })
    model = _model(tmp_path)
    assert model.roles["apps/client/src/libs/http.ts"] == "browser"
    assert not [p for p in model.processes if p.long_lived and p.fallback]
    assert not _found(tmp_path, select=["CL008"])


def test_a_worker_thread_started_from_the_build_is_part_of_its_server(tmp_path: Path) -> None:
    """`new Worker("./dist/worker/upload.js")` resolves against the working directory (Node's
    worker_threads docs), the package's: the thread runs the built src/worker/upload.ts inside the
    server's process, so its findings name that process, not one judged by path."""
    _write(tmp_path, {
        "package.json": '{"name": "drop", "scripts": {"start": "node dist/index.js"}, "dependencies": {"fastify": "^4"}}',
        "src/index.ts": 'import fastify from "fastify";\nimport { Worker } from "worker_threads";\nconst server = fastify();\n'
                        'server.post("/upload", async () => {\n  new Worker("./dist/worker/upload.js", { workerData: {} }).on("error", console.error);\n'
                        '  return { ok: true };\n});\nserver.listen({ port: 3000 });\n',
        "src/worker/upload.ts": 'import { createWriteStream } from "fs";\nconst out = createWriteStream("/tmp/upload");\nout.write("x");\n',
        "src/static/readme.ts": 'export const readme = "./docs/readme.js";\n',
    })
    model = _model(tmp_path)
    servers = [p for p in model.processes if p.long_lived]
    assert [(p.entry, p.fallback) for p in servers] == [("src/index.ts", False)]
    assert "src/worker/upload.ts" in servers[0].files
    found = scan([str(tmp_path)], select=["CL011"]).findings
    assert [(f.location.path, f.process[2]) for f in found] == [("src/worker/upload.ts", "src/index.ts")]


def test_a_computed_require_of_a_package_name_reaches_no_folder_of_the_project(tmp_path: Path) -> None:
    """A plugin loader that requires `'../exts/yapi-plugin-' + name` (a folder of the project),
    `'yapi-plugin-' + name` (a package: Node looks in node_modules) and `path.join(dir, … +
    "/server.js")` (only files so named) pulls in the plugins' server modules, not the browser client
    beside the server in the same package (reviewer 7's yapi: 57 wrong)."""
    _write(tmp_path, {
        "package.json": '{"name": "api", "scripts": {"start": "node server/app.js"}, "dependencies": {"koa": "^2.0.0", "axios": "^0.21.0"}}',
        "server/app.js": 'const Koa = require("koa");\nconst path = require("path");\nconst plugins = require("../common/plugin");\n'
                         'plugins.initPlugins(["x"]);\nconst dir = path.join(__dirname, "..", "exts");\n'
                         'for (const name of ["hook"]) require(path.join(dir, "yapi-plugin-" + name + "/server.js"))();\n'
                         'new Koa().listen(3000);\n',
        "common/plugin.js": 'exports.initPlugins = function (names, type) {\n  return names.map((name) => type === "ext"\n'
                            '    ? require("../exts/yapi-plugin-" + name)\n    : require("yapi-plugin-" + name));\n};\n',
        "exts/yapi-plugin-hook/server.js": 'const axios = require("axios");\nmodule.exports = async () => (await axios.get("https://hooks.example/x")).data;\n',
        "client/reducer/modules/group.js": 'import axios from "axios";\nexport function fetchGroups() {\n  return { type: "G", payload: axios.get("/api/group/list") };\n}\n',
    })
    found = _found(tmp_path)
    assert ("CL008", "exts/yapi-plugin-hook/server.js") in found
    assert ("CL008", "client/reducer/modules/group.js") not in found


def test_a_tools_config_file_named_by_a_package_script_is_tooling(tmp_path: Path) -> None:
    """`better-auth generate --config ./auth.cli.ts` (a package script) loads auth.cli.ts into that
    CLI: its dummy `pg.Pool` is no server's (reviewer 7's latitude: 2 wrong, class 1)."""
    _write(tmp_path, {
        "package.json": '{"name": "db", "scripts": {"start": "node dist/server.js", "auth:schema": "pnpm dlx @better-auth/cli generate --config ./auth.cli.ts --yes"}, '
                        '"dependencies": {"express": "^4.0.0", "pg": "^8.0.0"}}',
        "src/server.ts": 'import express from "express";\nconst app = express();\napp.get("/a", (_q, r) => r.end());\napp.get("/b", (_q, r) => r.end());\napp.listen(3000);\n',
        "auth.cli.ts": 'import { Pool } from "pg";\nexport const auth = { database: new Pool({ connectionString: "postgres://localhost/x" }) };\n',
    })
    model = _model(tmp_path)
    assert model.roles["auth.cli.ts"] == "tooling"
    assert not {f for f in _found(tmp_path, select=["CL009", "CL011"]) if f[1] == "auth.cli.ts"}


def test_a_call_made_straight_on_a_require_is_a_caller(tmp_path: Path) -> None:
    """`await require("./run.js")(res)` in a plugin's server hook calls what run.js exports: the
    server runs it, though the only call found by name is the browser client's (reviewer 7's yapi:
    the swagger importer's CL003, right, kept when the client is no longer taken into the server)."""
    _write(tmp_path, {
        "package.json": '{"name": "docs", "scripts": {"start": "node server/app.js"}, "dependencies": {"koa": "^2.0.0", "react": "^16.0.0"}}',
        "server/app.js": 'const Koa = require("koa");\nconst app = new Koa();\nrequire("../exts/plugin-swagger/server.js")(app);\napp.listen(3000);\n',
        "exts/plugin-swagger/server.js": 'module.exports = function (app) {\n  app.use(async (ctx) => {\n    ctx.body = await require("./run.js")(ctx.query.url);\n  });\n};\n',
        "exts/plugin-swagger/run.js": 'async function run(url) {\n  const res = await fetch(url);\n  return res.json();\n}\nmodule.exports = run;\n',
        "exts/plugin-swagger/client.js": 'import run from "./run";\nimport React from "react";\nexport default function Importer() {\n  return React.createElement("button", { onClick: () => run("/spec.json") });\n}\n',
    })
    assert ("CL008", "exts/plugin-swagger/run.js") in _found(tmp_path, select=["CL008"])


def test_a_config_path_with_a_literal_default_loads_that_file_only(tmp_path: Path) -> None:
    """`require(configPath)` where `configPath = process.env.APP_CONFIG || "../config/config.js"`,
    and `require(process.env.KEY_FILE || "../.firebasekey.json")`: a deployment chooses a config
    file; neither loads "every module nothing else loads" (reviewer 8's cryptpad and tiledesk:
    a browser SharedWorker, dead routes and scratch scripts pulled into the servers)."""
    _write(tmp_path, {
        "package.json": '{"name": "pad", "scripts": {"start": "node server.js"}, "dependencies": {"express": "^4.19.0", "axios": "^1.6.0"}}',
        "server.js": 'const express = require("express");\nconst config = require("./lib/load-config");\n'
                     'const key = require(process.env.KEY_FILE || "./.firebasekey.json");\n'
                     'const app = express();\napp.get("/", (_q, r) => r.json(config));\napp.listen(config.port);\n',
        "lib/load-config.js": 'var configPath = process.env.APP_CONFIG || "../config/config.js";\nmodule.exports = require(configPath);\n',
        "config/config.js": 'module.exports = { port: 3000 };\n',
        "www/worker/sharedworker.js": 'const axios = require("axios");\naxios.get("https://pad.example/api/x").then((r) => r.data);\n',
        "scratch/demo-server.js": 'const axios = require("axios");\nmodule.exports = () => axios.get("https://demo.example/");\n',
    })
    model = _model(tmp_path)
    [server] = [p for p in model.processes if p.long_lived and not p.fallback]
    assert "config/config.js" in server.files
    assert "www/worker/sharedworker.js" not in server.files and "scratch/demo-server.js" not in server.files
    assert [e for e in server.evidence if "computed paths" in e] == [
        "lib/load-config.js:2: loads modules by computed paths, so the 1 module(s) of its package nothing else loads count as its own"]


def test_a_cluster_worker_file_named_by_setup_primary_is_part_of_the_server(tmp_path: Path) -> None:
    """`cluster.setupPrimary({ exec: "./lib/http-worker.js" })`: each `cluster.fork()` runs that
    file, so its server is part of the process `npm start` starts (cryptpad's HTTP workers)."""
    _write(tmp_path, {
        "package.json": '{"name": "pad", "scripts": {"start": "node server.js"}, "dependencies": {"express": "^4.19.0"}}',
        "server.js": 'const cluster = require("cluster");\nconst http = require("http");\n'
                     'cluster.setupPrimary({ exec: "./lib/http-worker.js", args: [] });\nfor (let i = 0; i < 2; i++) cluster.fork();\n'
                     'http.createServer((q, r) => r.end()).listen(3001);\n',
        "lib/http-worker.js": 'const express = require("express");\nconst app = express();\napp.get("/", (_q, r) => r.end());\napp.listen(3000);\n',
    })
    model = _model(tmp_path)
    servers = [p for p in model.processes if p.long_lived and not p.fallback]
    assert [p.entry for p in servers] == ["server.js"]
    assert "lib/http-worker.js" in servers[0].files


def test_an_extensionless_start_script_is_analysed_as_javascript(tmp_path: Path) -> None:
    """express-generator's `bin/www` (`#!/usr/bin/env node`, run by `npm start`) holds the server's
    `listen()`: it is parsed as JavaScript, so the missing shutdown hook is found (reviewer 8's
    tiledesk: CL012 missed)."""
    _write(tmp_path, {
        "package.json": '{"name": "todo", "scripts": {"start": "node ./bin/www"}, "dependencies": {"express": "~4.16.1"}}',
        "bin/www": "#!/usr/bin/env node\nvar app = require('../app');\nvar http = require('http');\n"
                   "var server = http.createServer(app);\nserver.listen(process.env.PORT || 3000);\n",
        "bin/setup": "#!/bin/sh\necho setup\n",
        "app.js": "var express = require('express');\nvar app = express();\napp.get('/', function (req, res) { res.send('ok'); });\nmodule.exports = app;\n",
    })
    model = _model(tmp_path)
    [server] = [p for p in model.processes if p.long_lived]
    assert (server.entry, server.fallback) == ("bin/www", False) and "app.js" in server.files
    assert "bin/setup" not in model.roles
    assert ("CL012", "bin/www") in _found(tmp_path)

DJANGO = {
    "requirements.txt": "django\nrequests\n",
    "Procfile": "web: gunicorn hc.wsgi:application --timeout 30\n",
    "hc/__init__.py": "",
    "hc/wsgi.py": "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
    "hc/asgi.py": "from django.core.asgi import get_asgi_application\napplication = get_asgi_application()\n",
    "docs/__init__.py": "",
    "docs/conf.py": "project = 'hc'\n",
}


def test_code_reached_only_from_a_management_command_through_a_chain_of_calls_is_cli_code(tmp_path: Path) -> None:
    """treeherder's intermittents commenter: `fetch.*` ← six methods of `Commenter`, constructed only
    by the management command `run_intermittents_commenter` (a cron job). The chain is longer than
    the callers walk once followed (four calls): reachability is searched to the roots, not cut."""
    _write(tmp_path, {**DJANGO,
        "hc/fetch.py": "import requests\n\n\ndef fetch_variants():\n    return requests.get('https://ci.example/variants.yml').text\n",
        "hc/commenter.py": "from . import fetch\n\n\nclass Commenter:\n    def run(self):\n        return self.a()\n\n    def a(self):\n        return self.b()\n\n"
                           "    def b(self):\n        return self.c()\n\n    def c(self):\n        return self.d()\n\n    def d(self):\n        return fetch.fetch_variants()\n",
        "hc/views.py": "from hc import commenter\n\n\ndef page(request):\n    return commenter.__name__\n",
        "hc/management/__init__.py": "",
        "hc/management/commands/__init__.py": "",
        "hc/management/commands/run_commenter.py": "from django.core.management.base import BaseCommand\nfrom hc.commenter import Commenter\n\n\n"
                                                  "class Command(BaseCommand):\n    def handle(self, *args, **options):\n        Commenter().run()\n",
    })
    assert ("CL008", "hc/fetch.py") not in _found(tmp_path, select=["CL008"])
    # the same class constructed in a view runs in the server
    (tmp_path / "hc/views.py").write_text("from hc.commenter import Commenter\n\n\ndef page(request):\n    return Commenter().run()\n")
    assert ("CL008", "hc/fetch.py") in _found(tmp_path, select=["CL008"])


def test_a_class_only_command_factories_construct_is_judged_by_its_constructions(tmp_path: Path) -> None:
    """treeherder's `TaskclusterModelImpl`: built only by `taskcluster_model_factory()`, which only
    a factory of a management command calls; its methods run in that CLI, not in the server that
    loads the module. A class named otherwise (a model's `objects`, a class handed on as a value) is
    reached in ways no call index sees, and stays server code."""
    _write(tmp_path, {**DJANGO,
        "hc/services.py": "import requests\n\n\nclass Taskcluster:\n    def trigger(self, url):\n        return self._load(url)\n\n"
                          "    def _load(self, url):\n        return requests.request('GET', url).json()\n\n\n"
                          "def taskcluster_factory():\n    return Taskcluster()\n",
        "hc/views.py": "from hc import services\n\n\ndef page(request):\n    return services.__name__\n",
        "hc/management/__init__.py": "",
        "hc/management/commands/__init__.py": "",
        "hc/management/commands/backfill.py": "from django.core.management.base import BaseCommand\nfrom hc.services import taskcluster_factory\n\n\n"
                                              "class Command(BaseCommand):\n    def handle(self, *args, **options):\n        tools = {'tc': taskcluster_factory()}\n        tools['tc'].trigger('https://tc.example')\n",
    })
    assert ("CL008", "hc/services.py") not in _found(tmp_path, select=["CL008"])
    (tmp_path / "hc/views.py").write_text("from hc.services import Taskcluster\n\nHANDLERS = {'tc': Taskcluster}\n")
    assert ("CL008", "hc/services.py") in _found(tmp_path, select=["CL008"])


def test_a_helper_whose_only_caller_nothing_names_runs_in_no_process(tmp_path: Path) -> None:
    """kpi's `enketo_url`, called only by `get_enketo_submission_url`, which no call, import, value
    or string of the project names, in a helper module other modules import for other names. Named
    in a string (a `getattr`, a settings path), the caller may run, and the helper is reported."""
    _write(tmp_path, {**DJANGO,
        "hc/viewer_tools.py": "import requests\n\n\ndef enketo_url(url):\n    return requests.post(url, json={}).json()\n\n\n"
                              "def get_submission_url(request):\n    return enketo_url('https://enketo.example')\n\n\n"
                              "def image_urls(request):\n    return []\n",
        "hc/views.py": "from hc.viewer_tools import image_urls\n\n\ndef page(request):\n    return image_urls(request)\n",
    })
    assert ("CL008", "hc/viewer_tools.py") not in _found(tmp_path, select=["CL008"])
    (tmp_path / "hc/views.py").write_text("from hc import viewer_tools\n\n\ndef page(request):\n    return getattr(viewer_tools, 'get_submission_url')(request)\n")
    assert ("CL008", "hc/viewer_tools.py") in _found(tmp_path, select=["CL008"])


def test_a_finding_names_the_entry_its_start_command_runs(tmp_path: Path) -> None:
    """Issue 14 deliver 4: a Django project with both wsgi.py and asgi.py, served by
    `gunicorn hc.wsgi:application`: its findings name hc/wsgi.py (not asgi.py, nor a docs/ module
    sorted first); a docs/ folder is no module of the server."""
    _write(tmp_path, {**DJANGO,
        "hc/views.py": "import requests\n\n\ndef page(request):\n    return requests.get('https://hooks.example').text\n",
    })
    findings = [f for f in scan([str(tmp_path)], select=["CL008"]).findings]
    assert [(f.location.path, f.process[0], f.process[2]) for f in findings] == [("hc/views.py", tmp_path.name, "hc/wsgi.py")]
    assert "docs/__init__.py" not in _model(tmp_path).processes_of("hc/views.py")[0].entries


def test_a_finding_names_the_process_whose_entry_serves_it(tmp_path: Path) -> None:
    """skyvern: `python -m svc.forge` serves the API (`uvicorn.run` in its `__main__`), and
    `python run_streaming.py` (a loop) imports the same package: an API route's finding names the
    server, whose entry is where it serves, not the script that only loads the package."""
    _write(tmp_path, {
        "requirements.txt": "fastapi\nuvicorn\nrequests\n",
        "entrypoint.sh": "#!/bin/bash\npython run_streaming.py &\npython -m svc.forge\n",
        "Dockerfile": "FROM python:3.12\nCMD [\"/bin/bash\", \"entrypoint.sh\"]\n",
        "run_streaming.py": "import time\nimport svc\n\n\ndef main():\n    while True:\n        time.sleep(1)\n\n\nif __name__ == '__main__':\n    main()\n",
        "svc/__init__.py": "from svc import routes\n",
        "svc/routes.py": "import requests\nfrom fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get('/a')\ndef a():\n    return requests.get('https://x.example').json()\n",
        "svc/forge/__init__.py": "",
        "svc/forge/__main__.py": "import uvicorn\nfrom fastapi import FastAPI\nfrom svc.routes import router\n\napi = FastAPI()\napi.include_router(router)\n\n"
                                 "if __name__ == '__main__':\n    uvicorn.run(api, host='0.0.0.0', port=8000)\n",
    })
    findings = [f for f in scan([str(tmp_path)], select=["CL008"]).findings if f.location.path == "svc/routes.py"]
    assert [f.process[2] for f in findings] == ["svc/forge/__main__.py"]


def test_a_start_script_that_runs_the_package_bin_is_a_command(tmp_path: Path) -> None:
    """dub-cli's `start: node dist/index.js` runs its own `bin` (`dub`), whose `login` subcommand
    listens once for an OAuth callback; inbox-zero's root `start:cli` runs a set-up CLI. Neither is
    a server: their fetch and their `listen` are a command's, run once."""
    _write(tmp_path, {
        "package.json": '{"name": "mono", "private": true, "scripts": {"start:cli": "tsx tools/setup/src/main.ts start"}}',
        "packages/cli/package.json": '{"name": "dub-cli", "main": "./dist/index.js", "bin": {"dub": "./dist/index.js"},'
                                     ' "scripts": {"start": "node dist/index.js", "build": "tsup"}}',
        "packages/cli/src/index.ts": 'import { login } from "./login";\nif (process.argv[2] === "login") login();\n',
        "packages/cli/src/login.ts": 'import http from "node:http";\nexport function login() {\n'
                                     '  const server = http.createServer(async (_req, res) => {\n'
                                     '    await fetch("https://api.example/token");\n    res.end("ok");\n    server.close();\n  });\n'
                                     '  server.listen(4587);\n}\n',
        "tools/setup/package.json": '{"name": "setup", "bin": {"setup": "./src/main.ts"}}',
        "tools/setup/src/main.ts": 'const r = await fetch("https://api.example/config");\nconsole.log(await r.json());\n',
    })
    model = _model(tmp_path)
    assert [p.name for p in model.processes if p.long_lived] == []
    cli = next(p for p in model.processes if p.entry == "packages/cli/src/index.ts")
    assert cli.kind == "cli" and any("command-line tool, bin" in e for e in cli.evidence)
    assert model.roles["packages/cli/src/login.ts"] == "tooling" and model.roles["tools/setup/src/main.ts"] == "tooling"
    assert _found(tmp_path) == set()


def test_a_start_script_that_runs_the_package_bin_whose_command_line_is_imported_is_a_command(tmp_path: Path) -> None:
    """tegon's `@tegonhq/cli`: `start: node dist/index.js` runs its `bin`, whose entry parses no
    command line itself but imports the commander program from `./cli/index`: a command-line tool."""
    _write(tmp_path, {
        "packages/cli/package.json": '{"name": "@acme/cli", "type": "module", "bin": {"acme": "./dist/index.js"},'
                                     ' "scripts": {"start": "node dist/index.js", "build": "tsup"}}',
        "packages/cli/src/index.ts": 'import { program } from "./cli/index";\nawait program.parseAsync();\n',
        "packages/cli/src/cli/index.ts": 'import { Command } from "commander";\nexport const program = new Command("acme");\n'
                                         'program.command("deploy").action(async () => {\n'
                                         '  await fetch("https://api.example/deploy", { method: "POST" });\n});\n',
    })
    model = _model(tmp_path)
    assert [p.name for p in model.processes if p.long_lived] == []
    cli = next(p for p in model.processes if p.entry == "packages/cli/src/index.ts")
    assert cli.kind == "cli" and any("command-line tool, bin" in e for e in cli.evidence)


def test_an_electron_start_script_runs_a_desktop_app_not_a_server(tmp_path: Path) -> None:
    """Companion's launcher: `start: electron main.js` is the main process of a desktop app on the
    user's machine, which Electron runs with --unhandled-rejections=warn (electron/electron#36528):
    a `.then()` with no catch there is logged, and it is no server's code."""
    _write(tmp_path, {
        "launcher/package.json": '{"name": "launcher", "main": "main.js", "scripts": {"start": "electron main.js"},'
                                 ' "devDependencies": {"electron": "^38"}}',
        "launcher/main.js": 'const { app, BrowserWindow } = require("electron");\n'
                            'app.whenReady().then(() => {\n  const w = new BrowserWindow();\n  w.loadURL("http://127.0.0.1:8000").then(() => w.show());\n});\n',
    })
    model = _model(tmp_path)
    launcher = next(p for p in model.processes if p.entry == "launcher/main.js")
    assert launcher.kind == "browser" and not launcher.long_lived
    assert _found(tmp_path) == set()


def test_a_module_folder_with_a_bare_package_json_is_a_library_of_the_server(tmp_path: Path) -> None:
    """tiledesk's `channels/chat21` has a package.json with dependencies only (no scripts, bin or
    main); the server requires its handler. Its chat21Util.js, whose only require is commented out,
    is dead code, not a server of its own judged by its path."""
    _write(tmp_path, {
        "package.json": '{"name": "desk", "scripts": {"start": "node app.js"}, "dependencies": {"express": "^4.21.0"}}',
        "app.js": 'const express = require("express");\nconst chat21 = require("./channels/chat21/handler");\n'
                  'const app = express();\napp.use("/chat21", chat21);\napp.listen(3000);\n',
        "channels/chat21/package.json": '{"name": "@desk/chat21-app", "dependencies": {"firebase-admin": "^9"}}',
        "channels/chat21/handler.js": '// var util = require("./util");\nmodule.exports = (req, res) => res.end();\n',
        "channels/chat21/util.js": 'module.exports = function notify(url) {\n  return fetch(url).then((r) => r.json());\n};\n',
    })
    model = _model(tmp_path)
    assert [p.name for p in model.processes if p.long_lived] == ["desk"]
    assert model.roles["channels/chat21/handler.js"] == "server" and model.roles["channels/chat21/util.js"] == "unreached"
    assert _found(tmp_path) == set()


def test_an_unexported_function_nothing_calls_runs_nowhere(tmp_path: Path) -> None:
    """inbox-zero's tinybird/delete.ts: `deleteFromDatasource` is called only by
    `_deleteFromDatasourceWithRetry`, which its module neither calls, exports nor hands on: dead
    code. A named function expression handed to a route is not (its name is written once too)."""
    _write(tmp_path, {
        "package.json": '{"name": "api", "scripts": {"start": "node dist/index.js"}, "dependencies": {"express": "^4.21.0"}}',
        "src/index.ts": 'import express from "express";\nimport { purge } from "./purge";\nconst app = express();\n'
                        'app.post("/purge", async (_req, res) => res.json(await purge("a")));\n'
                        'app.get("/ping", async function ping(_req, res) {\n  res.json(await (await fetch("https://up.example/")).json());\n});\n'
                        'app.listen(3000);\n',
        "src/purge.ts": 'async function deleteRows(table: string) {\n  return fetch(`https://db.example/${table}/delete`, { method: "POST" });\n}\n\n'
                        'async function _deleteWithRetry(table: string) {\n  for (let i = 0; i < 3; i++) {\n    const r = await deleteRows(table);\n    if (r.ok) return r;\n  }\n}\n\n'
                        'export async function purge(table: string) {\n  return fetch(`https://db.example/${table}/purge`, { method: "POST", signal: AbortSignal.timeout(5000) });\n}\n',
    })
    assert _found(tmp_path, select=["CL008"]) == {("CL008", "src/index.ts")}


def test_a_module_loaded_for_other_exports_runs_only_what_the_server_names(tmp_path: Path) -> None:
    """langwatch's platform imports `getLangWatchTracer` from its own SDK's barrel and so loads the
    SDK's API clients, which nothing of the server constructs (reviewer 9, lesson 1): a declaration
    no code of a long-lived process names does not run in it. What the server names, what a reached
    declaration names, a namespace import, a whole `require` and a decorated class (a framework
    makes its instances) all run."""
    _write(tmp_path, {
        "package.json": '{"name": "platform", "scripts": {"start": "node dist/server.js"}, "dependencies": {"express": "^4.21.0"}}',
        "src/server.ts": 'import express from "express";\nimport { getTracer, Exporter } from "../sdk";\nimport * as ops from "./ops";\n'
                         'const legacy = require("./legacy");\nconst app = express();\n'
                         'app.get("/t", (_req, res) => { getTracer(); new Exporter().send(); ops.x; legacy.y; res.end(); });\n'
                         'app.listen(3000);\n',
        "sdk/index.ts": 'export * from "./tracer";\nexport * from "./clients";\nexport { Exporter } from "./exporter";\nexport { Decorated } from "./decorated";\n',
        "sdk/tracer.ts": 'import { record } from "./record";\nexport function getTracer() { return record; }\n',
        "sdk/record.ts": 'export function record() {\n  return fetch("https://record.example/");\n}\n'
                         'export function unused() {\n  return fetch("https://unused.example/");\n}\n',
        "sdk/exporter.ts": 'export class Exporter {\n  send() {\n    return fetch("https://export.example/");\n  }\n}\n',
        "sdk/clients.ts": 'export class DatasetsClient {\n  list() {\n    return fetch("https://api.example/datasets");\n  }\n}\n'
                          'export const monitors = async () => fetch("https://api.example/monitors");\n',
        # a registry's class decorator (not Nest's `@Injectable()`, whose methods run only where code names
        # them: tests/test_member_reach.py): the registry may call `ping` by name
        "sdk/decorated.ts": 'function Register(): ClassDecorator { return () => {}; }\n'
                            '@Register()\nexport class Decorated {\n  ping() {\n    return fetch("https://decorated.example/");\n  }\n}\n',
        "src/ops.ts": 'export function a() {\n  return fetch("https://ops.example/a");\n}\n',
        "src/legacy.ts": 'export function b() {\n  return fetch("https://legacy.example/b");\n}\n',
    })
    found = _found(tmp_path, select=["CL008"])
    assert found == {("CL008", "sdk/record.ts"), ("CL008", "sdk/exporter.ts"), ("CL008", "sdk/decorated.ts"),
                     ("CL008", "src/ops.ts"), ("CL008", "src/legacy.ts")}
    lines = {(f.location.path, f.location.start_line) for f in scan([str(tmp_path)], select=["CL008"]).findings}
    assert ("sdk/record.ts", 2) in lines and ("sdk/record.ts", 5) not in lines  # `unused` is named by nothing


def test_test_beds_demos_and_local_environments_are_not_services(tmp_path: Path) -> None:
    """talk's `multi-site-test/`, saltcorn's `infosec-scan/oauth2-test-server`, atproto's `dev-env`
    (reviewer 9, lesson 3): a package whose folder or name says a developer runs it starts no
    service, whatever its start script; the service beside it still does."""
    server = 'const express = require("express");\nconst app = express();\napp.get("/", async (_req, res) => res.json(await (await fetch("https://x.example/")).json()));\napp.listen(3000);\n'
    _write(tmp_path, {
        "package.json": '{"name": "repo", "private": true, "workspaces": ["packages/*", "infosec-scan/*"]}',
        "packages/api/package.json": '{"name": "@acme/api", "scripts": {"start": "node index.js"}, "dependencies": {"express": "^4.21.0"}}',
        "packages/api/index.js": server,
        "packages/dev-env/package.json": '{"name": "@acme/dev-env", "scripts": {"start": "node index.js"}, "dependencies": {"express": "^4.21.0"}}',
        "packages/dev-env/index.js": server,
        "infosec-scan/oauth2-test-server/package.json": '{"name": "oauth2-test-server", "scripts": {"start": "node app.js"}, "dependencies": {"express": "^4.21.0"}}',
        "infosec-scan/oauth2-test-server/app.js": server,
        "utilities/download/package.json": '{"name": "download", "scripts": {"start": "npm run build && node dist/main.js"}, "dependencies": {"mongodb": "^6"}}',
        "utilities/download/src/main.ts": 'import { argv } from "process";\nconst r = await fetch(argv[2]);\nconsole.log(await r.text());\n',
    })
    model = _model(tmp_path)
    assert sorted(p.entry for p in model.processes if p.long_lived) == ["packages/api/index.js"]
    assert {p for _, p in _found(tmp_path, select=["CL008"])} == {"packages/api/index.js"}


def test_a_module_beside_the_started_one_that_stops_on_sigterm_is_a_program(tmp_path: Path) -> None:
    """atproto's services/ozone: the Dockerfile runs api.ts; daemon.ts, which nothing imports, starts
    the moderation daemon and stops it on SIGTERM (the same image run with another command). What it
    alone names runs in it; the API server does not name the daemon's classes."""
    _write(tmp_path, {
        "package.json": '{"name": "ozone-service", "private": true, "dependencies": {"express": "^4.21.0"}}',
        "Dockerfile": 'FROM node:20\nCOPY . .\nCMD ["node", "api.js"]\n',
        "api.js": 'const express = require("express");\nconst { Daemon } = require("./lib");\nconst app = express();\napp.listen(3000);\n'
                  'process.on("SIGTERM", () => process.exit(0));\n',
        "daemon.js": 'const { Daemon } = require("./lib");\nconst d = new Daemon();\nd.start();\nprocess.on("SIGTERM", () => d.stop());\n',
        "lib.js": 'class Daemon {\n  start() {\n    this.timer = setInterval(() => this.poll(), 1000);\n  }\n  poll() {\n    return fetch("https://queue.example/next");\n  }\n'
                  '  stop() {\n    clearInterval(this.timer);\n  }\n}\nmodule.exports = { Daemon };\n',
        "tools/once.js": 'process.on("SIGINT", () => process.exit(1));\n',
    })
    model = _model(tmp_path)
    assert sorted((p.kind, p.entry) for p in model.processes if p.long_lived) == [("server", "api.js"), ("worker", "daemon.js")]
    assert _found(tmp_path, select=["CL008"]) == {("CL008", "lib.js")}


def test_a_barrel_imported_whole_reaches_everything_it_re_exports(tmp_path: Path) -> None:
    """langfuse's `@langfuse/shared/src/server` barrel (`export * from "./services/StorageService"`,
    …): a module that imports it as a namespace may use any export, so every module below it runs;
    and a name asked of a barrel that some other module imports whole still reaches its source."""
    _write(tmp_path, {
        "package.json": '{"name": "api", "scripts": {"start": "node dist/server.js"}, "dependencies": {"express": "^4.21.0"}}',
        "src/server.ts": 'import express from "express";\nimport * as shared from "../shared";\nimport { named } from "../shared";\n'
                         'const app = express();\napp.get("/", async (_req, res) => res.json([await shared.storage(), await named()]));\napp.listen(3000);\n',
        "shared/index.ts": 'export * from "./storage";\nexport { named } from "./named";\n',
        "shared/storage.ts": 'export async function storage() {\n  return fetch("https://s3.example/");\n}\n',
        "shared/named.ts": 'export async function named() {\n  return fetch("https://named.example/");\n}\n',
    })
    assert _found(tmp_path, select=["CL008"]) == {("CL008", "shared/storage.ts"), ("CL008", "shared/named.ts")}


def test_a_class_named_only_as_a_type_is_made_by_someone(tmp_path: Path) -> None:
    """medusa's workflow-engine-redis: `WorkflowOrchestratorService` is named only in type positions
    of the module service (`workflowOrchestratorService: WorkflowOrchestratorService`); awilix makes
    and injects it. A class a reached declaration names as a type has instances: its methods run."""
    _write(tmp_path, {
        "package.json": '{"name": "engine", "scripts": {"start": "node dist/main.js"}, "dependencies": {"express": "^4.21.0"}}',
        "src/main.ts": 'import express from "express";\nimport { ModuleService } from "./module";\nconst app = express();\n'
                       'app.get("/", (_req, res) => res.json(ModuleService.name));\napp.listen(3000);\n',
        # (`this.orchestrator.run()` names the method: a method no live code names runs nowhere, ts18a)
        "src/module.ts": 'import { Orchestrator } from "./orchestrator";\nexport class ModuleService {\n  constructor(private readonly orchestrator: Orchestrator) {}\n'
                         '  start() {\n    return this.orchestrator.run();\n  }\n}\n',
        "src/orchestrator.ts": 'export class Orchestrator {\n  run() {\n    return fetch("https://engine.example/");\n  }\n}\n'
                               'export class Unused {\n  run() {\n    return fetch("https://unused.example/");\n  }\n}\n',
    })
    lines = {(f.location.path, f.location.start_line) for f in scan([str(tmp_path)], select=["CL008"]).findings}
    assert lines == {("src/orchestrator.ts", 3)}

def test_an_asgi_app_named_by_a_string_in_a_config_dict_is_the_servers(tmp_path: Path) -> None:
    """SurfSense's main.py: `uvicorn.Server(uvicorn.Config(**load_uvicorn_config(args)))`, whose
    app is the string "svc.api:app" in the dict a function of another module returns (reviewer 9,
    lesson 5): uvicorn imports that module, so the API's code runs in the server `python main.py`
    starts, not in the Celery worker that also imports some of it."""
    _write(tmp_path, {
        "requirements.txt": "fastapi\nuvicorn\ncelery\nrequests\n",
        "Dockerfile": 'FROM python:3.12\nCMD ["python", "main.py"]\n',
        "main.py": "import uvicorn\nfrom svc.config import load_uvicorn_config\n\n"
                   "if __name__ == '__main__':\n    server = uvicorn.Server(uvicorn.Config(**load_uvicorn_config()))\n    server.run()\n",
        "svc/__init__.py": "",
        "svc/config.py": "def load_uvicorn_config():\n    kwargs = {'app': 'svc.api:app', 'port': 8000}\n    return kwargs\n",
        "svc/api.py": "from fastapi import FastAPI\nfrom svc.tasks import refresh\nfrom svc.quotes import quote\napp = FastAPI()\n\n\n"
                      "@app.get('/q')\ndef q():\n    refresh.delay()\n    return quote()\n",
        "svc/quotes.py": "import requests\n\n\ndef quote():\n    return requests.get('https://quotes.example').json()\n",
        "svc/tasks.py": "from celery import shared_task\nfrom svc.quotes import quote\n\n\n@shared_task\ndef refresh():\n    return quote()\n",
    })
    model = _model(tmp_path)
    server = next(p for p in model.processes if p.entry == "main.py" and p.long_lived)
    assert "svc/api.py" in server.files and "svc/quotes.py" in server.files
    code, out, _ = run_cli("scan", str(tmp_path), "--select", "CL008", "--format", "json")
    [finding] = json.loads(out)
    assert finding["path"].endswith("svc/quotes.py")
    assert finding["process"]["entry"].endswith("main.py") and finding["process"]["kind"] == "server"

def test_a_workspace_package_subpath_named_by_its_exports_map_is_followed(tmp_path: Path) -> None:
    """medusa's server imports `@medusajs/framework/http`, which the framework's package.json
    `exports` maps to `./dist/http/index.js` (Node's subpath exports), built from src/http/index.ts:
    the server names what that module exports, so its code runs in the server (with symbol
    reachability, an unresolved subpath lost medusa's express-loader finding). A condition object
    gives Node's target, never the `types` one; `./*` patterns are followed too."""
    _write(tmp_path, {
        "package.json": '{"name": "repo", "private": true, "workspaces": ["packages/*"]}',
        "packages/framework/package.json": '{"name": "@acme/framework", "main": "dist/index.js", "exports": {'
                                           '".": "./dist/index.js", "./http": "./dist/http/index.js", '
                                           '"./jobs": {"types": "./dist/jobs/index.d.ts", "import": "./dist/jobs/index.js"}, '
                                           '"./utils/*": "./dist/utils/*.js"}}',
        "packages/framework/src/index.ts": 'export const version = "1";\n',
        "packages/framework/src/http/index.ts": 'export function loadExpress() {\n  return fetch("https://http.example/");\n}\n'
                                                'export function unused() {\n  return fetch("https://unused.example/");\n}\n',
        "packages/framework/src/jobs/index.ts": 'export function runJobs() {\n  return fetch("https://jobs.example/");\n}\n',
        "packages/framework/src/utils/retry.ts": 'export function retry() {\n  return fetch("https://retry.example/");\n}\n',
        "packages/server/package.json": '{"name": "@acme/server", "scripts": {"start": "node dist/main.js"}, "dependencies": {"express": "^4.21.0", "@acme/framework": "*"}}',
        "packages/server/src/main.ts": 'import express from "express";\nimport { loadExpress } from "@acme/framework/http";\n'
                                       'import { runJobs } from "@acme/framework/jobs";\nimport { retry } from "@acme/framework/utils/retry";\n'
                                       'const app = express();\napp.get("/", async (_req, res) => { await loadExpress(); await runJobs(); await retry(); res.end(); });\n'
                                       'app.listen(3000);\n',
    })
    lines = {(f.location.path, f.location.start_line) for f in scan([str(tmp_path)], select=["CL008"]).findings}
    assert lines == {("packages/framework/src/http/index.ts", 2), ("packages/framework/src/jobs/index.ts", 2),
                     ("packages/framework/src/utils/retry.ts", 2)}


# send (reviewer 10): one package, the choo client in app/ built by webpack, the Express server in
# server/, a webpack-dev-server hook in server/bin/dev.js
SEND_FILES = {
    "package.json": '{"name": "send", "scripts": {"prod": "node server/bin/prod.js", "build": "webpack"}, '
                    '"dependencies": {"express": "^4.17.0", "redis": "^3.1.0", "node-fetch": "^2.6.0"}}',
    "Dockerfile": 'FROM node:16\nCMD ["node", "server/bin/prod.js"]\n',
    "server/bin/prod.js": 'const express = require("express");\nconst storage = require("../storage");\n'
                          'const fxa = require("../fxa");\nconst app = express();\n'
                          'app.get("/__heartbeat__", (req, res) => res.sendStatus(200));\n'
                          'app.get("/api/info", async (req, res, next) => { try { res.json(await fxa.verify(storage)); } catch (e) { next(e); } });\n'
                          'app.use((err, req, res, next) => res.sendStatus(500));\napp.listen(1443);\n',
    "server/fxa.js": 'const fetch = require("node-fetch");\nexports.verify = (token) => fetch("https://oauth.example/verify", { method: "POST" });\n',
    "server/storage/index.js": 'const config = require("../config");\nmodule.exports = require("./redis")(config);\n',
    "server/config.js": 'module.exports = { env: process.env.NODE_ENV || "development", redis_host: "localhost" };\n',
    "server/bin/dev.js": 'const express = require("express");\nmodule.exports = function (app, devServer) {\n'
                         '  const wsapp = express();\n  wsapp.listen(8081);\n};\n',
    "webpack.config.js": 'const path = require("path");\n'
                         'const web = {\n  target: "web",\n  entry: {\n    app: ["./app/main.js"]\n'
                         '    // android: ["./android/android.js"],\n  },\n'
                         '  devServer: {\n    before: process.env.NODE_ENV === "development" && require("./server/bin/dev"),\n  },\n};\n'
                         'module.exports = () => [web];\n',
    "app/main.js": 'import User from "./user";\nnew User().login();\n',
    "app/user.js": 'export default class User {\n  async login() {\n'
                   '    const res = await fetch("https://accounts.example/token", { method: "POST" });\n'
                   '    location.assign(res.url);\n  }\n}\n',
    "android/android.js": 'const fetch = require("node-fetch");\nmodule.exports = () => fetch("https://android.example/x");\n',
}


def test_a_computed_require_of_package_names_a_bundle_entry_and_a_dev_server_hook(tmp_path: Path) -> None:
    """send (reviewer 10's first scan: 8 wrong). `require(redis_lib)` whose value is `'redis-mock'` or
    `'redis'` names packages, so no module of the project is swept into the server; webpack's
    `entry: { app: ['./app/main.js'] }` starts a browser bundle (app/user.js is its code; the
    commented-out android entry is not read); the `devServer.before` hook required under
    `NODE_ENV === 'development'` is a development server, not the production one; Dockerflow's
    `/__heartbeat__` is a health route."""
    _write(tmp_path, {**SEND_FILES, "server/storage/redis.js": (
        'module.exports = function (config) {\n  const redis_lib =\n'
        '    config.env === "development" && config.redis_host === "localhost" ? "redis-mock" : "redis";\n'
        '  const redis = require(redis_lib);\n  const client = redis.createClient();\n'
        '  client.on("error", () => {});\n  return client;\n};\n')})
    model = _model(tmp_path)
    server = next(p for p in model.processes if p.kind == "server")
    assert server.entries == ["server/bin/prod.js"] and not any("computed paths" in e for e in server.evidence)
    bundle = next(p for p in model.processes if p.kind == "browser" and p.name == "send (bundle)")
    assert bundle.entries == ["app/main.js"] and "app/user.js" in bundle.files
    assert model.roles["app/user.js"] == "browser" and model.roles["android/android.js"] != "server"
    assert model.roles["server/bin/dev.js"] == "tooling"
    assert [p.kind for p in model.processes if "server/bin/dev.js" in p.entries] == ["cli"]
    assert {p.kind for p in model.processes if p.long_lived} == {"server"}
    assert _found(tmp_path) == {("CL008", "server/fxa.js"), ("CL012", "server/bin/prod.js")}


def test_a_computed_require_of_any_module_does_not_sweep_a_bundle_or_a_dev_hook(tmp_path: Path) -> None:
    """The same app with a require whose value nothing tells (`require(file)`): the server may load
    any module of its package nothing else loads, but not the browser bundle's modules nor the
    development server's hook, and not a module its own code requires only when
    `config.env === 'development'` or `NODE_ENV !== 'production'`."""
    _write(tmp_path, {**SEND_FILES,
                      "server/storage/redis.js": 'module.exports = function (config) {\n  const redis = require(config.lib);\n'
                                                 '  const client = redis.createClient();\n  client.on("error", () => {});\n'
                                                 '  if (config.env === "development") require("../devtools");\n'
                                                 '  const mock = process.env.NODE_ENV !== "production" ? require("../mock") : null;\n'
                                                 '  return mock || client;\n};\n',
                      "server/devtools.js": 'const fetch = require("node-fetch");\nmodule.exports = () => fetch("https://dev.example/reload");\n',
                      "server/mock.js": 'const fetch = require("node-fetch");\nmodule.exports = () => fetch("https://mock.example/");\n',
                      "server/plugins/audit.js": 'const fetch = require("node-fetch");\nmodule.exports = () => fetch("https://audit.example/");\n'})
    model = _model(tmp_path)
    server = next(p for p in model.processes if p.kind == "server")
    assert any("computed paths" in e for e in server.evidence)
    assert "server/plugins/audit.js" in server.files  # what the computed require may load
    assert not {"app/user.js", "app/main.js", "server/bin/dev.js", "server/devtools.js", "server/mock.js"} & server.files
    assert model.roles["server/devtools.js"] == "tooling" and model.roles["server/mock.js"] == "tooling"
    found = _found(tmp_path)
    assert ("CL008", "server/plugins/audit.js") in found
    assert not {path for _, path in found} & {"app/user.js", "server/bin/dev.js", "server/devtools.js", "server/mock.js"}


def test_bundler_entries_of_merged_configs_are_browser_code_and_node_targets_are_not(tmp_path: Path) -> None:
    """cloudcmd: no start command crashlint reads (`madrun start`), so modules nothing imports are
    judged by their paths; rspack.config.js merges `./.rspack/js.js`, whose `entry` names
    `${dir}/cloudcmd.js` and `${dirModules}/operation/index.js` from string constants: browser code
    (8 wrong at the first scan). A webpack config with `target: "node"` builds a server: its entry
    is not page code, nor is an entry that requires `fs`."""
    _write(tmp_path, {
        "package.json": '{"name": "cloudcmd", "scripts": {"start": "madrun start"}, "dependencies": {"express": "^5.1.0"}}',
        "rspack.config.js": 'import {merge} from "webpack-merge";\nimport jsConfig from "./.rspack/js.js";\nexport default merge([jsConfig]);\n',
        ".rspack/js.js": "const dir = './client';\nconst dirModules = './client/modules';\nconst modules = './modules';\n"
                         "export default {\n  entry: {\n    'cloudcmd': `${dir}/cloudcmd.js`,\n"
                         "    [`${modules}/operation`]: `${dirModules}/operation/index.js`,\n  },\n};\n",
        "client/cloudcmd.js": 'import process from "node:process";\nexport const prefix = process.env.PREFIX || "";\n',
        "client/modules/operation/index.js": 'const operator = { copy: async () => fetch("/api/copy") };\n'
                                             'export function copy() {\n  operator.copy().then(() => {});\n}\n',
        "webpack.server.js": "module.exports = { target: 'node', entry: './server/main.js' };\n",
        "server/main.js": 'const express = require("express");\nconst axios = require("axios");\nconst app = express();\n'
                          'app.get("/x", async (req, res) => res.json((await axios.get("https://api.example/x")).data));\n'
                          'app.use((err, req, res, next) => res.sendStatus(500));\n',
        "webpack.tools.config.js": "module.exports = { entry: './scripts/gen.js' };\n",
        "scripts/gen.js": 'const fs = require("fs");\nfs.writeFileSync("x", "y");\n',
    })
    model = _model(tmp_path)
    bundles = [p for p in model.processes if p.kind == "browser" and not p.fallback]
    assert [sorted(p.entries) for p in bundles] == [["client/cloudcmd.js", "client/modules/operation/index.js"]]
    assert model.roles["client/modules/operation/index.js"] == "browser"
    assert model.roles["server/main.js"] == "server"
    found = _found(tmp_path)
    assert not {path for _, path in found} & {"client/cloudcmd.js", "client/modules/operation/index.js"}
    assert ("CL008", "server/main.js") in found


def test_a_start_script_that_runs_node_through_a_variable_starts_the_server(tmp_path: Path) -> None:
    """redis-commander: the Dockerfile's CMD runs docker/entrypoint.sh, which sets
    `NODE=$(command -v node)` and ends with `exec "$NODE" ./bin/redis-commander "$@"` (and a
    `setsid "$NODE" …` twin for signal forwarding). That is the server, not only the package's
    command-line `bin`: its `listen` with no SIGTERM handler is reported (a miss at the first scan)."""
    _write(tmp_path, {
        "package.json": '{"name": "redis-commander", "main": "lib/app.js", "bin": {"redis-commander": "./bin/redis-commander.js"}, '
                        '"dependencies": {"express": "^4.21.0"}}',
        "Dockerfile": 'FROM node:20\nWORKDIR /redis-commander\nCOPY . .\nCMD ["/redis-commander/docker/entrypoint.sh"]\n',
        "docker/entrypoint.sh": '#!/bin/sh\nNODE=$(command -v node)\nif [ -n "$SIGNALS" ]; then\n'
                                '    setsid "$NODE" ./bin/redis-commander "$@" &\n    wait $!\nelse\n'
                                '    exec "$NODE" ./bin/redis-commander "$@"\nfi\n',
        "bin/redis-commander.js": '#!/usr/bin/env node\nfunction startWebApp() {\n  let app = require("../lib/app");\n'
                                  '  let appInstance = app();\n  appInstance.listen(8081, "0.0.0.0");\n}\nstartWebApp();\n',
        "lib/app.js": 'const express = require("express");\nmodule.exports = function () {\n  const app = express();\n'
                      '  app.get("/healthcheck", (req, res) => res.send("ok"));\n  app.get("/apiv2/keys", (req, res) => res.json([]));\n'
                      '  app.post("/signin", (req, res) => res.json({}));\n  return app;\n};\n',
    })
    model = _model(tmp_path)
    server = next(p for p in model.processes if p.kind == "server")
    assert server.entries == ["bin/redis-commander.js"]
    assert any(e.startswith("docker/entrypoint.sh: CMD: node ./bin/redis-commander") for e in server.evidence)
    assert ("CL012", "bin/redis-commander.js") in _found(tmp_path)


def test_a_bundle_entry_assigned_to_a_base_config_is_read_in_the_base_context(tmp_path: Path) -> None:
    """parse-dashboard: `webpack/build.config.js` requires `./base.config.js` (whose `context` is
    `path.join(__dirname, '../src')`) and assigns `configuration.entry = { dashboard:
    './dashboard/index.js' }`: src/dashboard/index.js starts the page bundle, and the Express server
    beside it stays the server. Configs that name the same entries make one browser process."""
    _write(tmp_path, {
        "package.json": '{"name": "parse-dashboard", "scripts": {"start": "node ./Parse-Dashboard/index.js", '
                        '"build": "webpack --config webpack/build.config.js"}, "dependencies": {"express": "^4.0.0"}}',
        "webpack/base.config.js": "const path = require('path');\nmodule.exports = {\n  context: path.join(__dirname, '../src'),\n"
                                  "  output: { filename: '[name].bundle.js' },\n};\n",
        "webpack/build.config.js": "const configuration = require('./base.config.js');\nconfiguration.entry = {\n"
                                   "  dashboard: './dashboard/index.js',\n};\nmodule.exports = configuration;\n",
        "webpack/production.config.js": "const configuration = require('./base.config.js');\n"
                                        "configuration.entry = { dashboard: './dashboard/index.js' };\nmodule.exports = configuration;\n",
        "src/dashboard/index.js": "import { load } from '../lib/api';\nload();\n",
        "src/lib/api.js": "export function load() {\n  return fetch('/parse/classes').then((r) => r.json());\n}\n",
        "Parse-Dashboard/index.js": "const express = require('express');\nconst app = express();\napp.get('/a', (q, r) => r.send('a'));\napp.listen(4040);\n",
    })
    model = _model(tmp_path)
    bundles = [p for p in model.processes if p.kind == "browser" and not p.fallback]
    assert [(p.entries, len(p.evidence)) for p in bundles] == [(["src/dashboard/index.js"], 2)]
    assert model.roles["src/lib/api.js"] == "browser" and model.roles["Parse-Dashboard/index.js"] == "server"


def test_a_client_sdk_beside_the_service_is_a_library(tmp_path: Path) -> None:
    """ragflow's `sdk/python` (pyproject `ragflow-sdk`, "Python client sdk of RAGFlow"): no process of
    the service loads it, so its `test.py` nothing imports is no server and `crashlint processes`
    lists the package as a library; the same package with a server framework stays judged by path."""
    files = {
        "pyproject.toml": '[project]\nname = "rag"\ndependencies = ["fastapi"]\n',
        "Dockerfile": 'FROM python:3.12\nCMD ["uvicorn", "api.app:app"]\n',
        "api/__init__.py": "",
        "api/app.py": "from fastapi import FastAPI\napp = FastAPI()\n",
        "sdk/python/pyproject.toml": '[project]\nname = "rag-sdk"\ndescription = "Python client sdk of Rag"\ndependencies = ["requests"]\n',
        "sdk/python/rag_sdk/__init__.py": "",
        "sdk/python/rag_sdk/client.py": 'import requests\n\ndef ask():\n    return requests.get("http://localhost/api")\n',
        "sdk/python/test.py": "from rag_sdk.client import ask\nprint(ask())\n",
    }
    _write(tmp_path, files)
    model = _model(tmp_path)
    assert [p.entry for p in model.processes if p.long_lived] == ["api/app.py"]
    assert model.roles["sdk/python/rag_sdk/client.py"] == "unreached"
    assert "a client library of the service" in model.reasons["sdk/python/rag_sdk/client.py"]
    assert list(model.client_libraries) == ["sdk/python"]
    code, out, _ = run_cli("processes", str(tmp_path), "--format", "json", "--no-cache")
    assert code == 0 and json.loads(out)["libraries"][0]["package"].endswith("sdk/python")
    assert _found(tmp_path, select=["CL008"]) == set()

    near = tmp_path / "near"
    _write(near, {**files, "sdk/python/pyproject.toml": '[project]\nname = "rag-sdk"\ndescription = "Python client sdk of Rag"\n'
                                                        'dependencies = ["requests", "flask"]\n'})
    model = _model(near)
    assert not model.client_libraries and model.roles["sdk/python/rag_sdk/client.py"] == "server"


FIXTURES = Path(__file__).parent / "fixtures"


def _fixture_model(name: str, tmp_path: Path):
    """The process model of a fixture project copied out of the repository (its own scan root)."""
    import shutil

    shutil.copytree(FIXTURES / name, tmp_path / "project")
    return _model(tmp_path / "project")


def test_browser_components_and_a_webpack_plugin_in_a_python_repository_say_why(tmp_path: Path) -> None:
    """rapidpro's temba-components (rev16-py lesson 2): a Lit package with no start command is page
    code — its Rollup `input: 'temba-components.ts'` (a bare file name) is a browser bundle, what the
    bundle does not import is browser code by its package's dependencies, and a webpack plugin is
    build tooling; `crashlint processes` says each, and the Node SSR server beside it stays a server."""
    model = _fixture_model("CL003/projects/lit-components-in-django-repo", tmp_path)
    by_name = {p.name: p for p in model.processes}
    assert by_name["temba-components (bundle)"].kind == "browser"
    assert by_name["temba-components (bundle)"].entries == ["components/temba-components.ts"]
    assert any("depends on lit" in e and "not a Node server" in e for e in by_name["temba-components (browser)"].evidence)
    assert any("CreateIncludesPlugin.js: a webpack plugin" in e for e in by_name["temba-components (tooling)"].evidence)
    assert model.roles["components/src/store/Store.ts"] == "browser"
    assert "temba-components (bundle)" in model.reasons["components/src/store/Store.ts"]  # its test loads it too
    assert model.roles["components/CreateIncludesPlugin.js"] == "tooling"
    assert model.roles["ssr/src/server.ts"] == "server" and model.roles["ssr/src/client.ts"] == "browser"


def test_js_library_packages_beside_the_service_are_listed_as_libraries(tmp_path: Path) -> None:
    """connext's `@connext/sdk` ("Client-side package …", isomorphic-fetch) and unkey's `@unkey/vault`
    (its one module is its `main`), which nothing of the repository imports, are libraries, not
    servers judged by their paths; a package the router really imports stays the router's."""
    model = _fixture_model("CL008/projects/js-library-packages", tmp_path)
    assert sorted(model.client_libraries) == ["packages/sdk", "packages/vault"]
    assert "Client-side package" in model.client_libraries["packages/sdk"][1]
    assert model.roles["packages/sdk/src/priceFeed/coinbase.ts"] == "unreached"
    assert model.roles["packages/pricing/src/index.ts"] == "server"
    assert not any(p.long_lived and p.package in ("packages/sdk", "packages/vault") for p in model.processes)


def test_a_pages_api_module_that_is_no_route_is_page_code(tmp_path: Path) -> None:
    """SuperAGI's `gui/pages/api/apiConfig.js` (an axios instance as the default export) and
    `DashboardService.js` (no default export), which the pages import: not API routes Next.js
    serves, so not the server's code; `pages/api/status.js`, a handler, is."""
    model = _fixture_model("CL008/projects/nextjs-pages-api-helpers", tmp_path)
    assert model.roles["gui/pages/api/apiConfig.js"] == "browser"
    assert "not an API route" in model.reasons["gui/pages/api/apiConfig.js"]
    assert model.roles["gui/pages/api/DashboardService.js"] == "browser"
    assert model.roles["gui/pages/api/status.js"] == "server"
