"""The editor set-ups of the README, tried: Neovim (headless) runs editors/neovim/crashlint.lua and
shows crashlint's diagnostics; the VS Code extension builds into a .vsix holding its language client.
Slow (they start editors and npm); skipped with the reason when the tool is not installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
API = "export async function getUser(id: string) {\n  const res = await fetch(`https://users.example.com/${id}`);\n  return res.json();\n}\n"
WAIT = """
local ok = vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 100)
for _, d in ipairs(vim.diagnostic.get(0)) do
  io.stdout:write(string.format("%d:%d %s %s\\n", d.lnum + 1, d.col + 1, d.code or "?", d.source or "?"))
end
io.stdout:write(ok and "OK\\n" or "TIMEOUT\\n")
vim.cmd("qa!")
"""


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("nvim") is None, reason="Neovim is not installed (Debian package neovim; .ci/run installs it)")
def test_neovim_shows_crashlint_diagnostics(tmp_path: Path) -> None:
    project = tmp_path / "svc"
    (project / "src").mkdir(parents=True)
    (project / "package.json").write_text('{"name": "svc", "scripts": {"start": "node src/server.js"}}\n')
    (project / "src" / "api.ts").write_text(API)
    (project / "src" / "server.ts").write_text('import { getUser } from "./api";\nimport http from "node:http";\n'
                                               'http.createServer(async (req, res) => { try { res.end(JSON.stringify(await getUser("1"))); } catch { res.end(); } }).listen(3000);\n')
    wait = tmp_path / "wait.lua"
    wait.write_text(WAIT)
    crashlint = Path(sys.executable).parent / "crashlint"
    env = {**os.environ, "CRASHLINT": str(crashlint), "HOME": str(tmp_path)}
    run = subprocess.run(["nvim", "--headless", "-u", "NONE", "-c", f"luafile {ROOT / 'editors' / 'neovim' / 'crashlint.lua'}",
                          "-c", "filetype on", "-c", "edit src/api.ts", "-c", f"luafile {wait}"],
                         cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert "OK" in run.stdout, (run.stdout, run.stderr)
    assert "2:3 CL008 crashlint" in run.stdout


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed (Debian package npm; .ci/run installs it)")
def test_the_vscode_extension_builds(tmp_path: Path) -> None:
    folder = tmp_path / "vscode"
    shutil.copytree(ROOT / "editors" / "vscode", folder, ignore=shutil.ignore_patterns("node_modules", "*.vsix"))
    for command in (["npm", "install", "--no-audit", "--no-fund"], ["npm", "run", "package"]):
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
    (vsix,) = folder.glob("*.vsix")
    names = zipfile.ZipFile(vsix).namelist()
    assert "extension/extension.js" in names
    assert any(n.startswith("extension/node_modules/vscode-languageclient/node") for n in names)
    check = subprocess.run(["node", "--check", str(folder / "extension.js")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
