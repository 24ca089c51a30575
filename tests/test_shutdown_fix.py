"""One graceful shutdown per process (issue 16, item 1), across the files of a project: the entry's
existing SIGTERM handler is extended (never a second one), the workers and clients another module
holds are exported there and imported, and a re-scan finds nothing of what was fixed."""

from __future__ import annotations

from pathlib import Path

from crashlint.scan import scan
from helpers import run_cli

INDEX = """import express from "express";
import "./jobs";

const app = express();

app.get("/", (req, res) => {
  res.send("ok");
});

app.listen(3000);

process.on("SIGTERM", async () => {
  console.log("bye");
  process.exit(0);
});
"""

JOBS = """import IORedis from "ioredis";
import { Worker } from "bullmq";

const connection = new IORedis({ maxRetriesPerRequest: null });
connection.on("error", (err) => console.error(err));

const mailer = new Worker("mail", async () => {}, { connection });
mailer.on("error", (err) => console.error(err));
mailer.on("failed", (job, err) => console.error(err));
"""

PACKAGE = '{"name": "svc", "scripts": {"start": "node dist/index.js"}, "dependencies": {"express": "^4.19.2", "bullmq": "^5.0.0", "ioredis": "^5.4.1"}}'


def _project(tmp_path: Path, index: str = INDEX) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "package.json").write_text(PACKAGE)
    (tmp_path / "src" / "index.ts").write_text(index)
    (tmp_path / "src" / "jobs.ts").write_text(JOBS)
    return tmp_path


def test_existing_handler_in_the_entry_is_extended_across_files(tmp_path: Path) -> None:
    root = _project(tmp_path)
    before = {(f.rule_id, f.subject) for f in scan([str(root)], cache_dir=None).findings}
    # the handler ends the process (`process.exit(0)`): the connection's lone "never closed" is no
    # finding of its own, it rides on the worker's finding, whose fix closes it too
    assert before == {("CL002", "mailer")}
    code, out, err = run_cli("scan", str(root), "--fix", "--unsafe-fixes", "--no-cache")
    assert "Fixed 1 finding in 2 files; 0 remaining." in err, err
    index = (root / "src" / "index.ts").read_text()
    assert index.count("process.on(") == 1  # extended, not duplicated
    assert 'import { mailer, connection } from "./jobs";' in index
    body = index.split('process.on("SIGTERM"')[1]
    assert body.index("await mailer.close()") < body.index("await connection.quit()") < body.index("process.exit(0)")
    jobs = (root / "src" / "jobs.ts").read_text()
    assert "export const connection = new IORedis" in jobs and "export const mailer = new Worker" in jobs
    assert scan([str(root)], cache_dir=None).findings == []
    # idempotent
    code, out, err = run_cli("scan", str(root), "--fix", "--unsafe-fixes", "--no-cache")
    assert (root / "src" / "index.ts").read_text() == index and "Fixed 0 findings" in err


def test_no_second_handler_and_no_fix_without_unsafe(tmp_path: Path) -> None:
    root = _project(tmp_path)
    code, out, err = run_cli("scan", str(root), "--fix", "--no-cache")
    assert (root / "src" / "index.ts").read_text() == INDEX  # the shutdown is an unsafe fix
    assert (root / "src" / "jobs.ts").read_text() == JOBS


def test_a_module_the_entry_does_not_import_is_not_imported(tmp_path: Path) -> None:
    root = _project(tmp_path, INDEX.replace('import "./jobs";\n', ""))
    run_cli("scan", str(root), "--fix", "--unsafe-fixes", "--no-cache")
    assert "./jobs" not in (root / "src" / "index.ts").read_text()
    assert "export const" not in (root / "src" / "jobs.ts").read_text()


def test_a_default_export_is_not_closed_by_a_name_the_file_gives_something_else(tmp_path: Path) -> None:
    """`export default new Redis()` in app.ts is named after its file; app.ts's `app` is the
    Express app: the shutdown fix must not write `await app.quit()` (before: it did)."""
    (tmp_path / "package.json").write_text(PACKAGE)
    (tmp_path / "app.ts").write_text(
        'import Redis from "ioredis";\nimport express from "express";\nexport default new Redis();\n'
        'const app = express();\napp.get("/", (req, res) => res.send("ok"));\napp.listen(3000);\n')
    findings = scan([str(tmp_path)], cache_dir=None).findings
    assert [(f.rule_id, f.subject) for f in findings if f.rule_id == "CL001"] == [("CL001", "client")]
    code, out, err = run_cli("scan", str(tmp_path), "--diff", "--unsafe-fixes", "--no-cache")
    assert "app.quit()" not in out


def test_the_shutdown_planner_parses_only_the_modules_its_entry_imports(tmp_path: Path, monkeypatch) -> None:
    """Issue 13 (each file parsed once per scan, fixes included): clients in modules the entry file
    does not import cannot be closed by its handler, so those modules are not parsed again to plan
    it (a process of 3,000 such modules parsed all of them, and kept their trees: 515 → 221 MB)."""
    import crashlint.fix.shutdown as shutdown

    root = _project(tmp_path)
    for i in range(5):  # loaded by the process through jobs.ts, not imported by its entry
        (root / "src" / f"cache{i}.ts").write_text(f'import IORedis from "ioredis";\nexport const cache{i} = new IORedis();\n')
    (root / "src" / "jobs.ts").write_text("".join(f'import "./cache{i}";\n' for i in range(5)) + JOBS)
    parsed: list[str] = []
    real = shutdown._parse
    monkeypatch.setattr(shutdown, "_parse", lambda r, path: parsed.append(path) or real(r, path))
    findings = scan([str(root)], cache_dir=None, fixes=({}, True)).findings
    assert {f.subject for f in findings if f.rule_id == "CL001"} >= {f"cache{i}" for i in range(5)}
    assert sorted(parsed) == ["src/index.ts", "src/jobs.ts"]
