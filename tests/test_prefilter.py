"""The byte-level prefilter (SPEC §7, src/crashlint/prefilter.py): files that cannot change a
finding are not parsed, and the findings are identical with and without it."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from crashlint.rulepack import RulePackError, load_rule, load_rules, rules_dir
from crashlint.scan import scan
from helpers import EXAMPLE, EXAMPLE_FIXED, ROOT, run_cli, write_project as _write

FIXTURES = Path(__file__).parent / "fixtures"


def _key(result) -> list:
    return [(f.rule_id, f.location, f.subject, f.message, tuple(f.problems), tuple(f.related)) for f in result.findings]


def _both(paths: list[str], **options):
    on = scan(paths, prefilter=True, **options)
    off = scan(paths, prefilter=False, **options)
    assert _key(on) == _key(off)
    assert on.files_scanned == off.files_scanned  # a skipped file was still examined
    assert off.files_skipped == 0
    return on, off


def test_every_rule_declares_its_literals() -> None:
    for rule in load_rules():
        spec = rule.data["prefilter"]
        assert set(spec) == {"requires", "exported", "javascript", "python"}, rule.id
        assert spec["requires"], rule.id


def test_a_malformed_prefilter_is_a_broken_pack() -> None:
    entry = next(e for e in rules_dir().iterdir() if e.name.startswith("CL004"))
    text = entry.read_text(encoding="utf-8")
    with pytest.raises(RulePackError, match="unknown prefilter key 'bogus'"):
        load_rule(entry, text.replace("prefilter.exported =", "prefilter.bogus =", 1))
    with pytest.raises(RulePackError, match="non-empty strings"):
        load_rule(entry, re.sub(r"prefilter\.python = \[.*\]", 'prefilter.python = [""]', text, count=1))


def test_a_file_with_no_literal_is_skipped(tmp_path: Path) -> None:
    _write(tmp_path, {
        "redis.ts": "import Redis from 'ioredis';\nexport const redis = new Redis();\n",
        "constants.ts": "export const LIMIT = 10;\nexport const NAME = 'svc';\n",
    })
    on, off = _both([str(tmp_path)], select=["CL001"])
    assert on.files_skipped == 1 and on.files_scanned == 2
    assert [f.rule_id for f in on.findings] == ["CL001"]


def test_a_file_with_no_literal_that_others_depend_on_is_analysed(tmp_path: Path) -> None:
    # wire.ts has none of CL001's literals, yet it gives the client its listener and its close
    # through a helper: it imports the client's module, so it is parsed, and so is the helper.
    _write(tmp_path, {
        "redis.ts": "import Redis from 'ioredis';\nexport const redis = new Redis();\n",
        "attach.ts": "export function attach(client) {\n  client.on('error', console.error);\n}\n"
                     "export function stop(client) {\n  return client.quit();\n}\n",
        "wire.ts": "import { redis } from './redis';\nimport { attach, stop } from './attach';\nattach(redis);\nstop(redis);\n",
        "unrelated.ts": "export function add(a: number, b: number) {\n  return a + b;\n}\n",
    })
    on, _ = _both([str(tmp_path)], select=["CL001"])
    assert on.findings == []  # listener and close found across files: no finding
    assert on.files_skipped == 1  # unrelated.ts only


def test_an_options_object_in_another_module_is_read(tmp_path: Path) -> None:
    # options.ts has no literal of CL009; the pool that uses it does, and imports it
    _write(tmp_path, {
        "options.ts": "export const poolOptions = { max: 10 };\n",
        "db.ts": "import { Pool } from 'pg';\nimport { poolOptions } from './options';\nexport const pool = new Pool(poolOptions);\n",
        "util.ts": "export const noop = () => undefined;\n",
    })
    on, _ = _both([str(tmp_path)], select=["CL009"])
    assert on.files_skipped == 1  # util.ts
    assert any("connectionTimeoutMillis" in p for f in on.findings for p in f.problems)


def test_a_client_reexported_under_another_name_is_followed(tmp_path: Path) -> None:
    # caller.ts never names axios: the barrel that re-exports it does
    _write(tmp_path, {
        "http/index.ts": "export { default as client } from 'axios';\n",
        "caller.ts": "import { client } from './http';\nexport const load = (url: string) => client.get(url);\n",
        "other.ts": "export const x = 1;\n",
    })
    on, _ = _both([str(tmp_path)], select=["CL008"])
    assert on.files_skipped == 1
    assert [f.location.path for f in on.findings] == ["caller.ts"]


def test_select_narrows_the_literals(tmp_path: Path) -> None:
    _write(tmp_path, {
        "fetcher.ts": "export async function load(url: string) {\n  return fetch(url);\n}\n",
        "cache.ts": "import Redis from 'ioredis';\nexport const cache = new Redis();\n",
    })
    only_http, _ = _both([str(tmp_path)], select=["CL008"])
    only_redis, _ = _both([str(tmp_path)], select=["CL001"])
    assert only_http.files_skipped == 1 and [f.rule_id for f in only_http.findings] == ["CL008"]
    assert only_redis.files_skipped == 1 and [f.rule_id for f in only_redis.findings] == ["CL001"]


def test_a_method_called_from_a_shutdown_handler_is_analysed(tmp_path: Path) -> None:
    # service.ts has no CL002 literal and imports nothing relevant, but the SIGTERM handler calls
    # `shutdown` on an object crashlint cannot resolve, so every `shutdown` method is on the path,
    # and this one reaches the registry's `closeAll` the same way
    _write(tmp_path, {
        "workers.ts": "import { Worker } from 'bullmq';\nexport const worker = new Worker('q', async () => {});\n"
                      "export class Registry {\n  closeAll() {\n    return worker.close();\n  }\n}\n",
        "service.ts": "export class Service {\n  constructor(private registry: any) {}\n  async shutdown() {\n"
                      "    await this.registry.closeAll();\n  }\n}\n",
        "main.ts": "import './workers';\ndeclare const app: any;\nprocess.on('SIGTERM', () => app.shutdown());\n",
        "unrelated.ts": "export const NAME = 'svc';\n",
    })
    on, off = _both([str(tmp_path)], select=["CL002"])
    assert off.findings == [] and on.files_skipped == 1


def test_it_is_off_by_default_and_switched_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, {"a.ts": "export const a = 1;\n", "b.ts": "fetch('x');\n"})
    assert scan([str(tmp_path)], select=["CL008"]).files_skipped == 0  # off by default
    monkeypatch.setenv("CRASHLINT_PREFILTER", "1")
    assert scan([str(tmp_path)], select=["CL008"]).files_skipped == 1
    monkeypatch.delenv("CRASHLINT_PREFILTER")
    code, out, err = run_cli("scan", str(tmp_path), "--select", "CL008", "--prefilter")
    assert code == 1 and "1 file skipped by the prefilter" in err


def _fixture_units() -> list[Path]:
    units = []
    for rule_dir in sorted(p for p in FIXTURES.iterdir() if p.is_dir() and re.fullmatch(r"CL\d{3}", p.name)):
        units += sorted(p for p in rule_dir.iterdir() if p.is_file())
        if (rule_dir / "projects").is_dir():
            units += sorted(p for p in (rule_dir / "projects").iterdir() if p.is_dir())
    return units


@pytest.mark.parametrize("path", [EXAMPLE, EXAMPLE_FIXED, ROOT / "examples" / "python-service", FIXTURES],
                         ids=lambda p: os.path.relpath(p, ROOT))
def test_identical_on_the_examples(path: Path) -> None:
    _both([str(path)])


@pytest.mark.slow  # four scans of each of the ~470 fixture units (the largest test of the default run: 31 s at
# load 3-13, 287 s at load 20); the default run keeps the same check on the whole fixture folder as one project
def test_identical_on_every_fixture_with_its_rule_and_with_all_rules() -> None:
    for unit in _fixture_units():
        _both([str(unit)])
        _both([str(unit)], select=[unit.relative_to(FIXTURES).parts[0]])
