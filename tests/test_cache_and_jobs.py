"""The facts cache and parallel parsing (issue 6): same output, less work."""

from __future__ import annotations

import json
from pathlib import Path

import crashlint.facts_store as store
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

    def counting(rel_path, grammar, data):
        parsed.append(rel_path)
        return real(rel_path, grammar, data)

    monkeypatch.setattr(store, "parse_source", counting)
    warm = scan([str(folder)], cache_dir=str(cache))
    assert parsed == [] and [f.fingerprint for f in warm.findings] == [f.fingerprint for f in cold.findings]
    (folder / "m002.ts").write_text("export const nothing = 1;\n")
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

    from crashlint.cli import _progress

    folder = _many_files(tmp_path, 5)
    seen: list[tuple[int, int]] = []
    scan([str(folder)], progress=lambda done, total: seen.append((done, total)))
    assert seen == [(i, 5) for i in range(1, 6)]
    with _progress(io.StringIO()) as progress:  # piped: no bar at all
        assert progress is None
