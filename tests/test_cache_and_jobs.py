"""The facts cache and parallel parsing (issue 6): same output, less work."""

from __future__ import annotations

import json
from pathlib import Path

import crashlint.cache.facts as store
from crashlint.scan import scan
from helpers import EXAMPLE, run_cli


def _many_files(tmp_path: Path, count: int = 80) -> Path:
    for i in range(count):
        (tmp_path / f"m{i:03}.ts").write_text(f"import Redis from 'ioredis';\nexport const c{i} = new Redis();\n")
    return tmp_path


def test_parallel_parse_gives_identical_results(tmp_path) -> None:
    folder = _many_files(tmp_path)
    serial = scan([str(folder)], jobs=1)
    parallel = scan([str(folder)], jobs=2)
    assert len(parallel.findings) == 80
    assert [f.fingerprint for f in serial.findings] == [f.fingerprint for f in parallel.findings]


def test_warm_cache_skips_parsing_and_changed_files_are_parsed_again(tmp_path, monkeypatch) -> None:
    (tmp_path / "src").mkdir()
    folder = _many_files(tmp_path / "src", 5)
    cache = tmp_path / "cache"
    cold = scan([str(folder)], cache_dir=str(cache))
    parsed: list[str] = []
    real = store.parse_source

    def counting(rel_path, grammar, data, **options):
        parsed.append(rel_path)
        return real(rel_path, grammar, data, **options)

    monkeypatch.setattr(store, "parse_source", counting)
    warm = scan([str(folder)], cache_dir=str(cache))
    assert parsed == [] and [f.fingerprint for f in warm.findings] == [f.fingerprint for f in cold.findings]
    (folder / "m002.ts").write_text("import Redis from 'ioredis';\nexport const nothing = 1;\n")
    changed = scan([str(folder)], cache_dir=str(cache))
    assert parsed == ["m002.ts"] and len(changed.findings) == 4


def test_corrupt_cache_entries_are_ignored(tmp_path) -> None:
    (tmp_path / "src").mkdir()
    folder = _many_files(tmp_path / "src", 3)
    cache = tmp_path / "cache"
    scan([str(folder)], cache_dir=str(cache))
    for entry in cache.rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"not a pickle")
    assert len(scan([str(folder)], cache_dir=str(cache)).findings) == 3


def test_cli_cache_dir_and_clean(tmp_path) -> None:
    cache = tmp_path / "c"
    code, out, _ = run_cli("scan", str(EXAMPLE), "--format", "json", "--cache-dir", str(cache), "-j", "2")
    assert code == 1 and any(cache.rglob("*")) and json.loads(out)
    code, again, _ = run_cli("scan", str(EXAMPLE), "--format", "json", "--cache-dir", str(cache))
    assert again == out
    code, out, _ = run_cli("clean", str(tmp_path))
    assert code == 0


def test_progress_is_reported_per_file_and_the_bar_only_on_a_terminal(tmp_path) -> None:
    import io

    from crashlint.scan_command import _progress

    folder = _many_files(tmp_path, 5)
    seen: list[tuple[int, int]] = []
    scan([str(folder)], progress=lambda done, total: seen.append((done, total)))
    assert seen == [(i, 5) for i in range(1, 6)]
    with _progress(io.StringIO()) as progress:  # piped: no bar at all
        assert progress is None


# ---- the whole-run result cache and the facts codec ---------------------------------------------

import shutil  # noqa: E402
from collections import Counter  # noqa: E402

import pytest  # noqa: E402

import crashlint.scan as scan_module  # noqa: E402
from crashlint.config import Config  # noqa: E402
from crashlint.facts import codec  # noqa: E402
from crashlint.parse import parse_file  # noqa: E402
from crashlint.report import FORMATTERS  # noqa: E402

REDIS_TS = "import Redis from 'ioredis';\nexport const client = new Redis();\n"


def _project(tmp_path: Path) -> Path:
    """The seed service plus a suppression, an unused suppression and a syntax error."""
    folder = tmp_path / "project"
    shutil.copytree(EXAMPLE, folder)
    (folder / "src" / "quiet.ts").write_text(
        "import Redis from 'ioredis';\n// crashlint-disable-next-line CL001 -- closed by the host\n"
        "export const quiet = new Redis();\n// crashlint-disable-next-line CL008\nexport const x = 1;\n"
    )
    (folder / "src" / "broken.ts").write_text("import axios from 'axios';\nexport const f = () => axios.get('/x'\n")
    index = folder / "src" / "index.ts"  # loaded by the server (its start command runs index.ts)
    index.write_text('import "./quiet";\nimport "./broken";\n' + index.read_text())
    return folder


@pytest.fixture
def rules_counter(monkeypatch):
    """How many times the rules ran (a result-cache hit runs none)."""
    calls: list[int] = []
    real = scan_module.run_rules

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(scan_module, "run_rules", counting)
    return calls


@pytest.mark.parametrize("fmt", sorted(FORMATTERS))
def test_warm_rescan_output_is_byte_identical_in_every_format(tmp_path, fmt, rules_counter) -> None:
    folder = _project(tmp_path)
    cache = tmp_path / "cache"
    args = ("scan", str(folder), "--format", fmt, "--report-unused-suppressions")
    uncached = run_cli(*args, "--no-cache")
    cold = run_cli(*args, "--cache-dir", str(cache))
    assert len(rules_counter) == 2 and list(cache.glob("result-*.bin")) and list(cache.glob("facts-*.bin"))
    warm = run_cli(*args, "--cache-dir", str(cache), "-j", "2")
    assert len(rules_counter) == 2, "the warm run must reuse the result"
    assert uncached == cold == warm
    assert uncached[0] == 1 and uncached[1]
    if fmt == "text":
        assert "unused suppression" in uncached[1] + uncached[2] or "broken.ts" in uncached[1] + uncached[2]


def test_result_cache_restores_every_scan_result_field(tmp_path, rules_counter) -> None:
    folder = _project(tmp_path)
    cache = str(tmp_path / "cache")
    options = dict(cache_dir=cache, report_unused_suppressions=True)
    cold = scan([str(folder)], **options)
    warm = scan([str(folder)], **options)
    assert len(rules_counter) == 1
    assert cold.suppressed and cold.notes and cold.findings
    for name in ("findings", "notes", "suppressed", "baselined", "files_scanned", "tracebacks", "root"):
        assert getattr(warm, name) == getattr(cold, name), name
    assert [r.id for r in warm.rules] == [r.id for r in cold.rules]
    assert warm.sources.lines("src/quiet.ts") == cold.sources.lines("src/quiet.ts")


def test_editing_one_file_reparses_only_it_and_reruns_the_rules(tmp_path, monkeypatch, rules_counter) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.ts").write_text(REDIS_TS.replace("client", f"client_{name}"))
    cache = str(tmp_path / "cache")
    assert len(scan([str(folder)], cache_dir=cache).findings) == 3
    parsed: list[str] = []
    real = store.parse_source
    monkeypatch.setattr(store, "parse_source", lambda rel, grammar, data, **options: parsed.append(rel) or real(rel, grammar, data, **options))
    assert len(scan([str(folder)], cache_dir=cache).findings) == 3 and parsed == [] and len(rules_counter) == 1
    (folder / "b.ts").write_text(REDIS_TS.replace("client", "client_b") + "client_b.on('error', console.error);\n"
                                 "process.on('SIGTERM', () => client_b.quit());\n")
    changed = scan([str(folder)], cache_dir=cache)
    assert parsed == ["b.ts"] and len(rules_counter) == 2
    assert sorted(f.location.path for f in changed.findings) == ["a.ts", "c.ts"]
    assert scan([str(folder)], cache_dir=cache, jobs=1).findings == changed.findings and len(rules_counter) == 2
    (folder / "c.ts").unlink()  # a vanished file changes the file set
    assert [f.location.path for f in scan([str(folder)], cache_dir=cache).findings] == ["a.ts"]
    assert parsed == ["b.ts"] and len(rules_counter) == 3


def test_options_config_baseline_and_manifests_invalidate_the_result(tmp_path, rules_counter) -> None:
    folder = _project(tmp_path)
    cache = str(tmp_path / "cache")
    base = scan([str(folder)], cache_dir=cache)
    ids = {f.rule_id for f in base.findings}
    assert len(ids) > 1 and len(rules_counter) == 1
    selected = scan([str(folder)], cache_dir=cache, select=["CL001"])
    assert {f.rule_id for f in selected.findings} == {"CL001"} and len(rules_counter) == 2
    assert {f.rule_id for f in scan([str(folder)], cache_dir=cache, ignore=["CL001"]).findings} == ids - {"CL001"}
    severity = scan([str(folder)], cache_dir=cache, config=Config(severity={"CL001": "low"}))
    assert {f.severity for f in severity.findings if f.rule_id == "CL001"} == {"low"} and len(rules_counter) == 4
    config_select = scan([str(folder)], cache_dir=cache, config=Config(select=["CL001"]))
    assert {f.rule_id for f in config_select.findings} == {"CL001"} and len(rules_counter) == 5
    first = base.findings[0].fingerprint
    baselined = scan([str(folder)], cache_dir=cache, baseline=Counter({first: 1}))
    assert baselined.baselined == 1 and len(baselined.findings) == len(base.findings) - 1
    again = scan([str(folder)], cache_dir=cache, baseline=Counter({first: 1}))  # a hit, the same answer
    assert again.baselined == 1 and again.findings == baselined.findings and len(rules_counter) == 6
    unused = scan([str(folder)], cache_dir=cache, report_unused_suppressions=True)
    assert len(unused.notes) > len(base.notes) and len(rules_counter) == 7
    package = folder / "package.json"
    package.write_text(package.read_text().replace('"dependencies": {', '"dependencies": {\n    "left-pad": "^1.3.0",', 1))
    scan([str(folder)], cache_dir=cache)
    assert len(rules_counter) == 8, "a manifest the project reads is part of the key"
    same = scan([str(folder)], cache_dir=cache)
    assert same.findings == base.findings and len(rules_counter) == 8


def test_in_project_paths_are_part_of_the_key(tmp_path, monkeypatch, rules_counter) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.ts").write_text(REDIS_TS.replace("client", f"client_{name}"))
    monkeypatch.chdir(tmp_path)
    cache = str(tmp_path / "cache")
    only_a = scan(["a.ts"], in_project=True, cache_dir=cache)
    only_b = scan(["b.ts"], in_project=True, cache_dir=cache)
    assert [f.location.path for f in only_a.findings] == ["a.ts"] and [f.location.path for f in only_b.findings] == ["b.ts"]
    assert len(rules_counter) == 2


def test_corrupt_or_foreign_cache_files_are_ignored(tmp_path, rules_counter, monkeypatch) -> None:
    import crashlint.cache.manifests as kept

    monkeypatch.setattr(kept, "RACY_SECONDS", 0.0)  # manifests made just now are saved too
    folder = _project(tmp_path)
    cache = tmp_path / "cache"
    cold = scan([str(folder)], cache_dir=str(cache))
    files = sorted(cache.glob("*.bin"))
    assert [f.name.split("-")[0] for f in files] == ["facts", "manifests", "model", "parts", "passes", "phase", "result"]
    for damage in (lambda b: b[: len(b) // 2], lambda b: b[:-1] + bytes([b[-1] ^ 1]), lambda b: b"garbage", lambda b: b""):
        for entry in files:
            entry.write_bytes(damage(entry.read_bytes()))
        again = scan([str(folder)], cache_dir=str(cache))
        assert again.findings == cold.findings and again.notes == cold.notes
    cache = tmp_path / ".crashlint_cache"  # crashlint's own folder: old-format entries are cleaned away
    (cache / "ab").mkdir(parents=True)  # a folder of the old pickle-per-file format
    (cache / "ab" / "abcdef").write_bytes(b"old")
    (folder / "src" / "new.ts").write_text(REDIS_TS)
    scan([str(folder)], cache_dir=str(cache))
    assert not (cache / "ab").exists()


def test_unwritable_cache_never_fails_a_scan(tmp_path) -> None:
    folder = _many_files(tmp_path / "src", 3) if (tmp_path / "src").mkdir() is None else None
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    assert len(scan([str(folder)], cache_dir=str(blocker)).findings) == 3
    assert len(scan([str(folder)], cache_dir=str(blocker), jobs=2).findings) == 3


def test_codec_round_trips_every_fixture() -> None:
    fixtures = sorted(p for p in (Path(__file__).parent / "fixtures").rglob("*") if p.suffix in (".ts", ".js", ".py", ".tsx"))
    assert len(fixtures) > 20
    for path in fixtures:
        from crashlint.languages import grammar_for

        parsed = parse_file(str(path), path.name, grammar_for(path.name))
        decoded = codec.decode(codec.encode(parsed))
        assert decoded == parsed, path
        if parsed.facts is not None:
            assert all(type(a) is type(b) for a, b in zip(decoded.facts.calls, parsed.facts.calls))
            assert all(type(d.value) is type(e.value) for d, e in zip(decoded.facts.decls, parsed.facts.decls))


def test_codec_builds_frozen_records_through_twins() -> None:
    """The decoder fills a twin of each frozen slotted class and makes it one of that class: the
    objects are exactly the class's (type, equality, hash, frozen), and a class whose layout a twin
    cannot take (a `__weakref__` slot) gets none, so the slot descriptors are used instead."""
    import dataclasses

    from crashlint.facts.model import Arg, Decl, Value

    for cls in (Arg, Value, Decl):
        assert codec._CODE[f"twin_{cls.__name__}"] is not None
    value = Value("import", module="ioredis", name="default", arg=Arg("object", keys=("a",), values=(Arg("string", text="x"),)))
    decl = Decl(7, "redis", value, 3)
    again = codec._CODE["dec_Decl"](codec._CODE["enc_Decl"](decl))
    codec._shared.clear()
    codec._decoded.clear()
    assert type(again) is Decl and type(again.value) is Value and type(again.value.arg) is Arg
    assert again == decl and hash(again) == hash(decl)
    with pytest.raises(dataclasses.FrozenInstanceError):
        again.name = "other"  # type: ignore[misc]

    @dataclasses.dataclass(frozen=True, slots=True, weakref_slot=True)
    class Weak:
        x: int

    assert codec._twin(Weak) is None


def test_codec_stores_equal_values_of_a_file_once(tmp_path: Path) -> None:
    """Issue 13 (peak memory): equal Args, scope chains, callees and statement spans of one file
    decode to one object each, the encoding is smaller for it, and nothing else changes."""
    from crashlint.parse import parse_source

    body = "".join(f"  await fetch(url, {{ method: 'POST', headers: {{ a: 'b' }} }}); log.info('x', {{ id }});\n" for _ in range(50))
    source = f"export async function send(url: string, id: number) {{\n{body}}}\n".encode()
    parsed = parse_source("a.ts", "typescript", source)
    blob = codec.encode(parsed)
    decoded = codec.decode(blob)
    assert decoded == parsed
    calls = decoded.facts.calls
    fetches = [c for c in calls if c.callee == ("fetch",)]
    assert len(fetches) == 50
    assert len({id(c.args[1]) for c in fetches}) == 1  # one options object for the fifty equal ones
    assert len({id(c.scopes) for c in calls}) == 1 and len({id(c.callee) for c in fetches}) == 1
    assert len({id(c) for c in calls}) == len(calls)  # calls are told apart by identity: never shared
    # the same facts encoded without sharing (every value a copy) take more room
    import marshal

    copied = marshal.loads(marshal.dumps(marshal.loads(blob), 2))  # version 2 writes no back-references
    assert len(marshal.dumps(copied, 2)) > 1.5 * len(blob)
    assert codec.decode(marshal.dumps(copied, codec.MARSHAL_VERSION)) == parsed


def test_a_scan_decodes_equal_leaf_values_of_different_files_once(tmp_path: Path) -> None:
    """Within `shared_across_files` (a scan's load of the facts), an argument or a declared value
    that another file holds too is the same object; outside it, each file decodes its own."""
    from crashlint.parse import parse_source

    blobs = [codec.encode(parse_source(f"f{i}.ts", "typescript", b"import x from 'y';\nexport const a = x;\nfetch(a, 'GET');\n"))
             for i in range(2)]
    with codec.shared_across_files():
        first, second = (codec.decode(blob).facts for blob in blobs)
    assert first.calls[0].args[1] is second.calls[0].args[1]  # the string 'GET'
    assert first.decls[0].value is second.decls[0].value  # the import of y
    assert first.calls[0] is not second.calls[0]
    apart = [codec.decode(blob).facts for blob in blobs]
    assert apart[0].calls[0].args[1] == apart[1].calls[0].args[1]
    assert apart[0].calls[0].args[1] is not apart[1].calls[0].args[1]
    assert apart[0] == first and apart[1] == second


def test_a_serial_scan_keeps_facts_that_share_equal_values(tmp_path: Path) -> None:
    """Issue 13 (peak memory, `-j 1`): a serial scan keeps what a worker's output decodes to, not
    the extractor's own objects — equal Args, scope chains and callees of a file one object each,
    a leaf value one object across files — and the facts are those extracted."""
    from crashlint.cache.facts import load_facts
    from crashlint.discover import discover
    from crashlint.parse import parse_source

    body = "".join(f"  await fetch(url, {{ method: 'POST', headers: {{ a: 'b' }} }}); log.info('x', {{ id }});\n" for _ in range(50))
    source = f"export async function send(url: string, id: number) {{\n{body}}}\n"
    for i in range(2):
        (tmp_path / f"f{i}.ts").write_text(source)
    found = discover([str(tmp_path)])
    for cache_dir in (None, str(tmp_path / "cache")):
        facts = [parsed.facts for parsed in load_facts(found.files, cache_dir, 1, root=found.root)]
        assert facts[0] == parse_source("f0.ts", "typescript", source.encode()).facts
        calls = facts[0].calls
        fetches = [c for c in calls if c.callee == ("fetch",)]
        assert len(fetches) == 50
        assert len({id(c.args[1]) for c in fetches}) == 1  # one options object for the fifty equal ones
        assert len({id(c.scopes) for c in calls}) == 1 and len({id(c.callee) for c in fetches}) == 1
        assert len({id(c) for c in calls}) == len(calls)  # calls are told apart by identity: never shared
        assert facts[0].calls[0].args[0] is facts[1].calls[0].args[0]  # a leaf (`url`) across files
        assert facts[0].calls[0] is not facts[1].calls[0]


def test_a_files_call_sites_are_one_compressed_blob() -> None:
    """Issue 13 (peak memory): what a fix edits at each call is kept per file, compressed, and read
    back by call index for the calls that have findings."""
    import marshal

    from crashlint.facts import edit_sites
    from crashlint.parse import parse_source

    body = "".join(f"  await fetch(url + '/{i}', {{ method: 'POST' }});\n" for i in range(40))
    facts = parse_source("a.ts", "typescript", f"export async function send(url: string) {{\n{body}}}\n".encode()).facts
    sites = edit_sites.unpack(facts.sites)
    fetches = [i for i, call in enumerate(facts.calls) if call.callee == ("fetch",)]
    assert len(fetches) == 40 and set(fetches) <= set(sites)
    assert marshal.loads(sites[fetches[0]])[3] == 2  # two arguments
    assert len(facts.sites) * 3 < sum(len(site) for site in sites.values())
    assert edit_sites.unpack(parse_source("a.py", "python", b"import requests\nrequests.get(u)\n").facts.sites) == {}


def test_clean_removes_the_files_of_a_cache_dir(tmp_path: Path, monkeypatch) -> None:
    import crashlint.cache.discovery as discovery
    import crashlint.cache.stats as stats
    from helpers import run_cli

    import crashlint.cache.manifests as manifests

    monkeypatch.setattr(discovery, "RACY_SECONDS", 0.0)  # files made just now are saved too
    monkeypatch.setattr(stats, "RACY_SECONDS", 0.0)
    monkeypatch.setattr(manifests, "RACY_SECONDS", 0.0)
    project, cache = tmp_path / "p", tmp_path / "cache"
    project.mkdir()
    (project / "a.ts").write_text("export const f = (u: string) => fetch(u);\n")
    (cache).mkdir()
    (cache / "mine.txt").write_text("not crashlint's")
    run_cli("scan", str(project), "--cache-dir", str(cache))
    for kind in ("facts", "result", "phase", "model", "parts", "manifests", "discovery", "stats"):
        assert list(cache.glob(f"{kind}-*.bin")), kind
    code, out, err = run_cli("clean", "--cache-dir", str(cache))
    assert code == 0 and not list(cache.glob("*.bin")) and (cache / "mine.txt").exists()


def test_a_shared_cache_dir_keeps_other_tools_folders(tmp_path: Path) -> None:
    from helpers import run_cli

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.ts").write_text("export const a = 1;\n")
    for name in ("db", "fe", "00"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "keep.txt").write_text("x")
    run_cli("scan", str(tmp_path), "--cache-dir", str(tmp_path))
    assert all((tmp_path / name / "keep.txt").exists() for name in ("db", "fe", "00"))
    for name in tmp_path.glob("*.bin"):
        name.unlink()


def test_a_link_to_a_file_outside_the_root_does_not_hang(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "o.ts").write_text("export const q = () => fetch('x');\n")
    (tmp_path / "s" / "src").mkdir(parents=True)
    (tmp_path / "s" / "src" / "a.ts").write_text("export const a = 1;\n")
    (tmp_path / "s" / "src" / "link.ts").symlink_to(tmp_path / "outside" / "o.ts")
    run = subprocess.run([sys.executable, "-m", "crashlint", "scan", str(tmp_path / "s"), "--no-cache"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode in (0, 1), run.stderr


def test_a_file_edited_during_a_run_is_not_cached_under_its_old_contents(tmp_path: Path) -> None:
    from crashlint.scan import scan as run_scan

    (tmp_path / "a.ts").write_text("export async function f(u: string) { return fetch(u); }\n")
    (tmp_path / "b.ts").write_text("export const b = 1;\n")
    cache = str(tmp_path / "cache")
    run_scan([str(tmp_path)], cache_dir=cache)  # facts cached
    (tmp_path / "b.ts").write_text("export const b = 2;\n")  # the next run parses b, takes a from the cache
    original = (tmp_path / "a.ts").read_text()

    def edit_a(done: int, total: int) -> None:
        (tmp_path / "a.ts").write_text("export async function f(u: string) {   return fetch(u); }\n")

    run_scan([str(tmp_path)], cache_dir=cache, progress=edit_a)
    (tmp_path / "a.ts").write_text(original)
    warm = run_scan([str(tmp_path)], cache_dir=cache)
    cold = run_scan([str(tmp_path)], cache_dir=None)
    assert [f.fingerprint for f in warm.findings] == [f.fingerprint for f in cold.findings]


def test_a_switch_set_to_zero_is_off(tmp_path: Path, monkeypatch) -> None:
    from crashlint.scan import scan as run_scan

    (tmp_path / "a.ts").write_text("export const a = 1;\n")
    (tmp_path / "b.ts").write_text("fetch('x');\n")
    monkeypatch.setenv("CRASHLINT_PREFILTER", "0")
    assert run_scan([str(tmp_path)], select=["CL008"]).files_skipped == 0


def test_the_code_fingerprint_covers_the_whole_package() -> None:
    """Every module of crashlint, not only the cache's own folder: a finding's shape (scan.py,
    findings.py, the rules' engine) changes what a cached result holds."""
    files = {Path(f).as_posix() for f in store.code_files()}
    for module in ("crashlint/scan.py", "crashlint/findings.py", "crashlint/engine/resource.py", "crashlint/cache/facts.py"):
        assert any(f.endswith(module) for f in files), module


def test_the_facts_pack_is_written_as_files_are_parsed(tmp_path: Path, monkeypatch) -> None:
    """Issue 13 (peak memory): each encoded file goes to the pack being written as it arrives, not
    into a list the parent holds until the end; the pack appears whole at the end, and a scan
    killed meanwhile leaves a temporary file the next scan removes."""
    (tmp_path / "src").mkdir()
    folder = _many_files(tmp_path / "src", 80)
    cache = tmp_path / "cache"
    sizes: list[int] = []
    complete: list[bool] = []
    real_add = store.PackWriter.add

    def add(self, rel_path, digest, blob):
        real_add(self, rel_path, digest, blob)
        self.handle.flush()
        sizes.append((self.path if isinstance(self, store.AppendWriter) else self.temporary).stat().st_size)  # on disk already
        complete.append(self.path.exists())

    monkeypatch.setattr(store.PackWriter, "add", add)
    orphan = store.pack_path(str(cache), str(folder)).with_name(store.pack_path(str(cache), str(folder)).name + ".999999999.tmp")
    cache.mkdir()
    orphan.write_bytes(b"left by a scan killed while it parsed")
    cold = scan([str(folder)], cache_dir=str(cache), jobs=2)
    assert len(sizes) == 80 and sizes == sorted(sizes) and sizes[0] < sizes[-1]
    assert not any(complete)  # the pack itself appears only when complete
    assert not orphan.exists() and not list(cache.glob("*.tmp"))
    pack = store.read_pack(store.pack_path(str(cache), str(folder)), store.code_fingerprint())
    assert sorted(pack) == sorted(f"m{i:03}.ts" for i in range(80))
    (folder / "m000.ts").write_text("export const nothing = 1;\n")  # one file changed: the rest comes from the old pack
    (folder / "m001.ts").unlink()
    sizes.clear()
    warm = scan([str(folder)], cache_dir=str(cache), jobs=1, fixes=({}, False))
    assert len(warm.findings) == len(cold.findings) - 2
    pack = store.read_pack(store.pack_path(str(cache), str(folder)), store.code_fingerprint())
    assert len(pack) == 79 and "m001.ts" not in pack
    assert [f.fingerprint for f in warm.findings] == [f.fingerprint for f in scan([str(folder)], jobs=1).findings]


def _pack(cache: Path, folder: Path) -> Path:
    return store.pack_path(str(cache), str(folder))


def test_one_changed_file_is_appended_to_the_pack_not_the_pack_rewritten(tmp_path: Path, monkeypatch) -> None:
    """Issue 13, the commit path: a warm scan after one edit writes that file's entry and a new
    index after the committed data (the file keeps its inode and its bytes up to there), and reads
    back the same facts as a whole new pack would hold."""
    (tmp_path / "src").mkdir()
    folder = _many_files(tmp_path / "src", 80)
    cache = tmp_path / "cache"
    scan([str(folder)], cache_dir=str(cache))
    path = _pack(cache, folder)
    before, inode = path.read_bytes(), path.stat().st_ino
    written: list[str] = []
    real_add = store.PackWriter.add
    monkeypatch.setattr(store.PackWriter, "add", lambda self, rel, digest, blob: (written.append(rel), real_add(self, rel, digest, blob)))
    (folder / "m005.ts").write_text("export const nothing = 1;\n")
    warm = scan([str(folder)], cache_dir=str(cache))
    after = path.read_bytes()
    assert written == ["m005.ts"] and path.stat().st_ino == inode
    header = len(store.MAGIC + store.code_fingerprint().encode() + b"\n") + store.RECORD
    assert after[header : len(before)] == before[header:]  # nothing committed before was touched
    assert len(after) - len(before) < len(before) // 4
    assert len(warm.findings) == 79
    contents = store.open_pack(path, store.code_fingerprint())
    assert contents is not None and contents.dead > 0 and sorted(contents.entries) == sorted(f"m{i:03}.ts" for i in range(80))
    fresh = tmp_path / "fresh"
    scan([str(folder)], cache_dir=str(fresh))
    again = store.read_pack(_pack(fresh, folder), store.code_fingerprint())
    assert {rel: (d, bytes(b)) for rel, (d, b) in contents.entries.items()} == {rel: (d, bytes(b)) for rel, (d, b) in again.items()}
    orphan = path.with_name(path.name + ".999999999.tmp")  # a whole pack whose scan was killed
    orphan.write_bytes(b"left by a scan killed while it wrote")
    (folder / "m006.ts").write_text("export const nothing = 2;\n")
    scan([str(folder)], cache_dir=str(cache))
    assert not orphan.exists() and path.stat().st_ino == inode


def test_a_scan_killed_while_it_appends_leaves_the_pack_readable(tmp_path: Path, monkeypatch) -> None:
    """The commit record is the last thing written: an append that never commits (killed after its
    entries, or halfway through the index) leaves the pack reading as before; the next scan cuts the
    stray bytes off and appends its own."""
    (tmp_path / "src").mkdir()
    folder = _many_files(tmp_path / "src", 10)
    cache = tmp_path / "cache"
    scan([str(folder)], cache_dir=str(cache))
    path = _pack(cache, folder)
    old = store.read_pack(path, store.code_fingerprint())

    class Killed(BaseException):
        pass

    def killed(self) -> None:
        self.handle.write(b"half an index")
        self.handle.flush()
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(store.PackWriter, "_finish", killed)
        patch.setattr(store.AppendWriter, "discard", lambda self: None)  # a killed scan cleans nothing up
        (folder / "m003.ts").write_text("export const nothing = 1;\n")
        try:
            scan([str(folder)], cache_dir=str(cache))
        except Killed:
            pass
    assert path.stat().st_size > 0
    now = store.read_pack(path, store.code_fingerprint())
    assert {rel: bytes(b) for rel, (_, b) in now.items()} == {rel: bytes(b) for rel, (_, b) in old.items()}
    warm = scan([str(folder)], cache_dir=str(cache))
    assert len(warm.findings) == 9 and [f.fingerprint for f in warm.findings] == [f.fingerprint for f in scan([str(folder)]).findings]
    assert b"half an index" not in path.read_bytes()
    assert store.read_pack(path, store.code_fingerprint())["m003.ts"][0] != old["m003.ts"][0]


def test_a_pack_mostly_dead_is_compacted(tmp_path: Path, monkeypatch) -> None:
    """Replaced entries and old indexes are dead bytes; once they pass the threshold the next scan
    writes the pack whole (a new file), with only the live entries."""
    (tmp_path / "src").mkdir()
    folder = _many_files(tmp_path / "src", 10)
    cache = tmp_path / "cache"
    monkeypatch.setattr(store, "COMPACT_MIN_BYTES", 0)
    scan([str(folder)], cache_dir=str(cache))
    path = _pack(cache, folder)
    sizes = [path.stat().st_size]
    # each rewrite of m000.ts leaves ~0.9 kB dead: the dead half is passed after 5 or 6 of them, by
    # a few bytes either way as the facts' fields come and go (ts15b's four development fields: 6)
    for i in range(8):
        (folder / "m000.ts").write_text(f"export const nothing{i} = {i};\n")
        scan([str(folder)], cache_dir=str(cache))
        sizes.append(path.stat().st_size)
        contents = store.open_pack(path, store.code_fingerprint())
        assert contents is not None and len(contents.entries) == 10
        assert contents.dead <= store.COMPACT_FRACTION * contents.end or i >= 5 or sizes[-1] > sizes[-2]
    assert any(later < earlier for earlier, later in zip(sizes, sizes[1:]))  # a compaction happened
    assert [f.fingerprint for f in scan([str(folder)], cache_dir=str(cache)).findings] == [f.fingerprint for f in scan([str(folder)]).findings]


def test_a_scan_reads_each_manifest_once(tmp_path: Path, monkeypatch) -> None:
    """The result cache's key and the project model read the same package.json files: once each.
    With a cache, a later scan reads again only the folders where something their reading looked
    at changed (crashlint.cache.manifests): a manifest edited, one added, a tsconfig its extends
    names; a source file's edit reads none. Each scan equals an uncached one."""
    import os

    import crashlint.cache.manifests as kept
    import crashlint.dependencies as dependencies

    monkeypatch.setattr(kept, "RACY_SECONDS", 0.0)  # files made just now are trusted too
    proj = tmp_path / "proj"
    (proj / "src").mkdir(parents=True)
    (proj / "package.json").write_text('{"name": "x", "dependencies": {"ioredis": "5"}}')
    (proj / "src" / "a.ts").write_text('import Redis from "ioredis";\nexport const r = new Redis();\n')
    reads: list[str] = []
    real = dependencies.read_folder
    monkeypatch.setattr(dependencies, "read_folder", lambda tree, d: reads.append(d) or real(tree, d))
    monkeypatch.setattr(kept, "read_folder", dependencies.read_folder)
    cache = str(tmp_path / "cache")

    def again(expected: list[str]) -> None:
        reads.clear()
        result = scan([str(proj)], cache_dir=cache)
        assert sorted(reads) == expected
        assert result.findings == scan([str(proj)]).findings

    again(["", "src"])
    assert any(f.rule_id == "CL001" for f in scan([str(proj)], cache_dir=cache).findings)
    (proj / "src" / "a.ts").write_text((proj / "src" / "a.ts").read_text() + "r.on('error', () => {});\n")
    again([])
    (proj / "package.json").write_text('{"name": "x", "dependencies": {"ioredis": "5", "express": "4"}}')
    os.utime(proj / "package.json", ns=(1, 1))  # same size and mtime as nothing else: the ctime and inode still tell
    again([""])
    (proj / "src" / "package.json").write_text('{"name": "inner"}')
    again(["src"])
    (proj / "tsconfig.base.json").write_text('{"compilerOptions": {"baseUrl": "."}}')
    (proj / "src" / "tsconfig.json").write_text('{"extends": "../tsconfig.base.json"}')
    again(["", "src"])
    (proj / "tsconfig.base.json").write_text('{"compilerOptions": {"baseUrl": "src"}}')
    again(["", "src"])  # src's tsconfig extends it


def test_a_manifest_looked_for_and_absent_is_not_asked_again_while_its_folder_is_unchanged(tmp_path: Path, monkeypatch) -> None:
    """Most of what a folder's manifest reading looks at is absent (a tsconfig, a pyproject, a
    Procfile looked for in each folder): while the folder's own stat is unchanged nothing was added
    to it, so a warm scan stats only what exists (novu: 1,500 stats instead of 7,900). One that
    appears changes its folder's stat and is read (`test_a_scan_reads_each_manifest_once`)."""
    import os

    import crashlint.cache.manifests as kept

    monkeypatch.setattr(kept, "RACY_SECONDS", 0.0)
    proj = tmp_path / "proj"
    (proj / "src" / "lib").mkdir(parents=True)
    (proj / "package.json").write_text('{"name": "x", "dependencies": {"ioredis": "5"}}')
    (proj / "src" / "a.ts").write_text('import Redis from "ioredis";\nexport const r = new Redis();\n')
    (proj / "src" / "lib" / "b.ts").write_text('export const b = 1;\n')
    cache = str(tmp_path / "cache")
    assert scan([str(proj)], cache_dir=cache).findings
    asked: list[str] = []
    real = kept._stat
    monkeypatch.setattr(kept, "_stat", lambda path: asked.append(path) or real(path))
    (proj / "src" / "a.ts").write_text((proj / "src" / "a.ts").read_text() + "// edited\n")
    assert scan([str(proj)], cache_dir=cache).findings == scan([str(proj)]).findings
    assert asked and all(os.path.exists(path) for path in asked), asked
    asked.clear()
    (proj / "src" / "lib" / "package.json").write_text('{"name": "lib", "dependencies": {"express": "4"}}')
    again = scan([str(proj)], cache_dir=cache)
    assert again.findings == scan([str(proj)]).findings
    assert any(path.endswith(os.path.join("src", "lib")) for path in asked)  # the folder told


def test_a_rule_yaml_added_beside_an_annotated_file_invalidates_the_result(tmp_path, monkeypatch) -> None:
    """A `# ruleid:` file is a linter's test case only while its rule's YAML sits beside it
    (crashlint.processes.is_test_file): adding or removing that YAML, which is no source file,
    must change a cached scan's answer as it changes a fresh one's."""
    (tmp_path / "app.ts").write_text("// ruleid: CL001\n" + REDIS_TS)
    monkeypatch.chdir(tmp_path)
    cache = str(tmp_path / "cache")
    assert scan(["."], cache_dir=cache).findings, "an annotated file with no rule beside it is code"
    (tmp_path / "app.yaml").write_text("rules: []\n")
    assert scan(["."]).findings == [], "with its rule beside it, a test case (no cache)"
    assert scan(["."], cache_dir=cache).findings == []
    (tmp_path / "app.yaml").unlink()
    assert scan(["."], cache_dir=cache).findings


def test_the_cache_files_use_the_codecs_marshal_version() -> None:
    """`cache.blob` frames every cache file without importing the facts' codec (a re-scan answered
    by the result cache does not load it); both must write the same marshal version."""
    from crashlint.cache import blob
    from crashlint.facts import codec

    assert blob.MARSHAL_VERSION == codec.MARSHAL_VERSION


def test_a_pool_that_cannot_stop_has_its_workers_killed() -> None:
    """A stopped scan ends even when `Pool.terminate` hangs (on a queue lock a worker holds): after
    the grace period each worker is killed outright, and none is left."""
    import multiprocessing
    import threading
    import time

    from crashlint.cache.facts import _stop_workers

    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=time.sleep, args=(60,), daemon=True) for _ in range(2)]
    for worker in workers:
        worker.start()

    class StuckPool:
        _pool = workers

        def terminate(self) -> None:
            threading.Event().wait()  # as a terminate waiting for a lock that is never released

        def join(self) -> None:
            pass

    started = time.monotonic()
    _stop_workers(StuckPool(), grace=0.3)
    for worker in workers:
        worker.join(5)
    assert time.monotonic() - started < 5
    assert not any(worker.is_alive() for worker in workers)
