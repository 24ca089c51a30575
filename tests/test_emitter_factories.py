"""[tool.crashlint] emitter-factories (CL011): a project names the functions that return event
emitters crashlint does not know, as Bun's no-unhandled-emitter-errors `factories` option does."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run_cli


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


PROJECT = {
    "package.json": '{"name": "runner", "main": "src/index.ts", "dependencies": {"cross-spawn": "^7.0.6"}}',
    "src/lib/proc.ts": (
        'import { EventEmitter } from "node:events";\n'
        "export function runTool(name: string) {\n  const events = new EventEmitter();\n  return events;\n}\n"
    ),
    "src/index.ts": (
        'import spawn from "cross-spawn";\n'
        'import { runTool } from "./lib/proc";\n'
        'const build = spawn("make", ["all"]);\n'  # line 3: no 'error' listener
        'const lint = spawn("eslint", ["."]);\n'
        'lint.on("error", (err) => console.error(err));\n'
        'const sync = runTool("sync");\n'  # line 6: no 'error' listener
        'const check = runTool("check");\n'
        'check.on("error", (err) => console.error(err));\n'
        'build.on("exit", () => sync.emit("done"));\n'
    ),
}


def _cl011(root: Path) -> set[tuple[str, int]]:
    code, out, err = run_cli("scan", str(root), "--select", "CL011", "--format", "json")
    assert code in (0, 1), err
    return {(f["path"].rsplit("/", 1)[-1], f["start_line"]) for f in json.loads(out)}


def test_factories_named_in_the_configuration_are_emitters(tmp_path: Path) -> None:
    _write(tmp_path, PROJECT)
    assert _cl011(tmp_path) == set()  # unknown to crashlint until the project names them
    (tmp_path / "crashlint.toml").write_text(
        'emitter-factories = [\n'
        '  { module = "cross-spawn", names = ["default"] },\n'
        '  { module = "./src/lib/proc", names = ["runTool"] },\n'
        ']\n'
    )
    assert _cl011(tmp_path) == {("index.ts", 3), ("index.ts", 6)}


def test_factory_paths_are_relative_to_the_configuration_file(tmp_path: Path) -> None:
    _write(tmp_path, PROJECT)
    (tmp_path / "pyproject.toml").write_text('[tool.crashlint]\nemitter-factories = [{ module = "./src/lib/proc.ts", names = ["runTool"] }]\n')
    code, out, err = run_cli("scan", str(tmp_path / "src"), "--select", "CL011", "--format", "json")
    assert {(f["path"].rsplit("/", 1)[-1], f["start_line"]) for f in json.loads(out)} == {("index.ts", 6)}, err


def test_a_malformed_entry_is_a_one_line_error(tmp_path: Path) -> None:
    _write(tmp_path, PROJECT)
    for bad, says in [
        ('emitter-factories = ["cross-spawn"]', "emitter-factories[1] must be a table"),
        ('emitter-factories = [{ module = "cross-spawn" }]', "needs names"),
        ('emitter-factories = [{ module = "cross-spawn", names = ["spawn"], kind = "x" }]', "unknown key 'kind'"),
        ('emitter-factories = { module = "cross-spawn" }', "'emitter-factories' must be a list"),
    ]:
        (tmp_path / "crashlint.toml").write_text(bad + "\n")
        code, out, err = run_cli("scan", str(tmp_path))
        assert code == 2 and says in err and err.count("\n") == 1, err
