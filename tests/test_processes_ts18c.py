"""Which process runs a module (issue 14, session 18): package managers pointed at a workspace
package, Python scripts in a Node repository, WebExtension code.

Each test writes a small project shaped like the real one it comes from and asks the process model
(what `crashlint processes` prints) or runs a scan.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import write_project as _write
from test_processes import _found, _model


WATCHER = ("import chokidar from 'chokidar'\nimport axios from 'axios'\n"
           "chokidar.watch('/mail').on('add', (path) => {\n"
           "  void axios.post('http://api/mail', { path }, { timeout: 5000 }).then(() => console.log('sent'))\n})\n")
LMW = '{"name": "@omnivore/lmw", "scripts": {"start": "node dist/index.js", "start-watcher": "node dist/watcher.js"}, "dependencies": {"express": "^5.0.0", "chokidar": "^3.0.0", "axios": "^1.0.0"}}'


@pytest.mark.parametrize("command", [
    '["yarn", "workspace", "@omnivore/lmw", "start-watcher"]',
    '["yarn", "workspace", "@omnivore/lmw", "run", "start-watcher"]',
    '["npm", "--workspace", "@omnivore/lmw", "run", "start-watcher"]',
    '["npm", "run", "start-watcher", "-w", "@omnivore/lmw"]',
    '["npm", "run", "start-watcher", "--workspace=@omnivore/lmw"]',
    '["pnpm", "--filter", "@omnivore/lmw", "start-watcher"]',
    '["pnpm", "-F", "lmw", "run", "start-watcher"]',
    '["yarn", "--cwd", "packages/lmw", "start-watcher"]',
    '["npm", "--prefix", "packages/lmw", "run", "start-watcher"]',
    '["pnpm", "--dir", "packages/lmw", "start-watcher"]',
])
def test_a_package_manager_pointed_at_a_workspace_package_runs_its_script(tmp_path: Path, command: str) -> None:
    """omnivore's `Dockerfile-watcher`: `CMD ["yarn", "workspace", "@omnivore/local-mail-watcher",
    "start-watcher"]` runs that package's `start-watcher` script (node dist/watcher.js), a
    long-lived watcher, not a command-line tool; its unguarded chain is read."""
    _write(tmp_path, {
        "package.json": '{"name": "root", "private": true, "workspaces": ["packages/*"]}',
        "packages/lmw/package.json": LMW,
        "packages/lmw/src/index.ts": "import express from 'express'\nconst app = express()\napp.listen(8080)\n",
        "packages/lmw/src/watcher.ts": WATCHER,
        "Dockerfile-watcher": f"FROM node:22\nCOPY . .\nCMD {command}\n",
    })
    model = _model(tmp_path)
    kinds = {p.entry: p.kind for p in model.processes}
    assert kinds["packages/lmw/src/watcher.ts"] == "server"
    assert ("CL003", "packages/lmw/src/watcher.ts") in _found(tmp_path, select=["CL003"])


def test_a_workspace_script_nothing_starts_stays_a_command(tmp_path: Path) -> None:
    """The near miss: the same packages with only `yarn workspace @omnivore/lmw start` in the
    Dockerfile: `start-watcher` is a script nobody's image runs, a command-line tool, unread."""
    _write(tmp_path, {
        "package.json": '{"name": "root", "private": true, "workspaces": ["packages/*"]}',
        "packages/lmw/package.json": LMW,
        "packages/lmw/src/index.ts": "import express from 'express'\nconst app = express()\napp.listen(8080)\n",
        "packages/lmw/src/watcher.ts": WATCHER,
        "Dockerfile": 'FROM node:22\nCOPY . .\nCMD ["yarn", "workspace", "@omnivore/lmw", "start"]\n',
    })
    model = _model(tmp_path)
    kinds = {p.entry: p.kind for p in model.processes}
    assert kinds["packages/lmw/src/index.ts"] == "server"
    assert kinds.get("packages/lmw/src/watcher.ts") == "cli"
    assert ("CL003", "packages/lmw/src/watcher.ts") not in _found(tmp_path, select=["CL003"])


HACK_SCRIPT = ("import requests\n\nresponse = requests.get('https://api.example.org/projects')\n"
               "for run in response.json():\n    requests.get('https://api.example.org/files/' + run['id'])\n")


def test_a_python_script_in_a_node_repository_is_run_by_hand(tmp_path: Path) -> None:
    """biosim's `hack/generate_simulation_run_thumbnails.py`: a module-level loop over the
    production API in an Nx repository with no Python project file: nothing installs `requests`
    for it, no process of the service runs it; a maintainer does."""
    _write(tmp_path, {
        "package.json": '{"name": "biosim", "private": true, "scripts": {"build": "nx run-many -t build"}}',
        "hack/generate_thumbnails.py": HACK_SCRIPT,
        "apps/api/src/main.ts": "export const a = 1;\n",
        "jest.preset.js": "module.exports = {};\n",
        "tools/generators/app.ts": "export const g = 1;\n",
    })
    model = _model(tmp_path)
    assert model.roles["hack/generate_thumbnails.py"] == "tooling"
    assert not any(r == "CL008" for r, _ in _found(tmp_path, select=["CL008"]))


def test_a_python_module_beside_a_python_project_file_keeps_its_path_judgement(tmp_path: Path) -> None:
    """The near miss: the same module in a folder with a requirements.txt beside its package.json
    (a Python service whose front end's package.json sits at the root): judged by its path, a
    server, as before."""
    _write(tmp_path, {
        "package.json": '{"name": "site", "private": true, "scripts": {"build": "vite build"}}',
        "requirements.txt": "requests\n",
        "hack/generate_thumbnails.py": HACK_SCRIPT,
    })
    model = _model(tmp_path)
    assert model.roles["hack/generate_thumbnails.py"] == "server"


def test_webextension_apis_are_browser_globals(tmp_path: Path) -> None:
    """omnivore's `web-extensions/extension-v3/extension/background.js`: an extension's service
    worker calls `chrome.runtime` / `chrome.tabs` (or `browser.runtime` in Firefox): browser code,
    whatever its folder, like a module reading `document`."""
    _write(tmp_path, {
        "package.json": '{"name": "omnivore", "private": true}',
        "extension/background.js": "chrome.runtime.onMessage.addListener((m) => {\n"
                                   "  fetch('https://omnivore.app/api/save', { method: 'POST', body: m.url })\n})\n",
        "firefox/background.js": "browser.tabs.onUpdated.addListener(async (id) => {\n  await fetch('https://omnivore.app/api/x')\n})\n",
    })
    model = _model(tmp_path)
    assert model.roles["extension/background.js"] == "browser"
    assert model.roles["firefox/background.js"] == "browser"
    assert not _found(tmp_path, select=["CL008"])


def test_a_puppeteer_browser_is_not_a_webextension(tmp_path: Path) -> None:
    """The near miss: Node code with a puppeteer `browser` (`browser.newPage()`,
    `browser.cookies()`) is still a server, its fetch still reported."""
    _write(tmp_path, {
        "package.json": '{"name": "renderer", "scripts": {"start": "node server.js"}, "dependencies": {"puppeteer": "^22.0.0"}}',
        "server.js": "const puppeteer = require('puppeteer')\nconst http = require('http')\n"
                     "http.createServer(async (req, res) => {\n  const browser = await puppeteer.launch()\n"
                     "  await browser.newPage()\n  await browser.cookies()\n"
                     "  const r = await fetch('https://example.org/')\n  res.end(await r.text())\n}).listen(3000)\n",
    })
    model = _model(tmp_path)
    assert model.roles["server.js"] == "server"
    assert ("CL008", "server.js") in _found(tmp_path, select=["CL008"])


def test_a_workspace_migration_image_is_a_one_shot_job(tmp_path: Path) -> None:
    """omnivore's packages/db Dockerfile: `CMD ["yarn", "workspace", "@omnivore/db", "migrate"]`
    runs the migrations and ends: a command, whose start-up chain is not a server's."""
    _write(tmp_path, {
        "package.json": '{"name": "root", "private": true, "workspaces": ["packages/*"]}',
        "packages/db/package.json": '{"name": "@omnivore/db", "scripts": {"migrate": "node ./build/migrate.js"}, "dependencies": {"postgrator": "^7.0.0"}}',
        "packages/db/migrate.ts": "import { migrate } from './postgrator'\nmigrate().then(() => console.log('Exiting...'))\n",
        "packages/db/postgrator.ts": "export async function migrate() { return 1 }\n",
        "packages/db/Dockerfile": 'FROM node:22\nCOPY . .\nCMD ["yarn", "workspace", "@omnivore/db", "migrate"]\n',
    })
    model = _model(tmp_path)
    kinds = {p.entry: p.kind for p in model.processes}
    assert kinds["packages/db/migrate.ts"] == "cli"
