"""No input makes crashlint print a traceback (SPEC §8): each gets a note and the scan goes on."""

from __future__ import annotations

import os
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crashlint.parse import parse_source
from crashlint.scan import scan
from helpers import run_cli

REDIS = b"import Redis from 'ioredis';\nexport const cache = new Redis();\n"


def _scan(tmp_path, name: str, data: bytes):
    (tmp_path / name).write_bytes(data)
    return scan([str(tmp_path)])


def test_syntax_error_gives_a_note_and_the_rest_is_analysed(tmp_path) -> None:
    result = _scan(tmp_path, "a.ts", b"const x = (;\n" + REDIS)
    assert any("syntax error" in n.message and n.line == 1 for n in result.notes)
    assert [f.rule_id for f in result.findings] == ["CL001"]


def test_non_utf8_file(tmp_path) -> None:
    result = _scan(tmp_path, "a.ts", b"// caf\xe9\n" + REDIS)
    assert any("UTF-8" in n.message for n in result.notes)
    assert [f.rule_id for f in result.findings] == ["CL001"]


def test_binary_file_is_skipped_with_a_note(tmp_path) -> None:
    result = _scan(tmp_path, "a.js", b"\x00\x01\x02binary" * 100)
    assert any("binary" in n.message for n in result.notes) and not result.findings


def test_bom_and_crlf(tmp_path) -> None:
    result = _scan(tmp_path, "a.ts", b"\xef\xbb\xbf" + REDIS.replace(b"\n", b"\r\n"))
    assert [(f.rule_id, f.location.start_line, f.location.start_col) for f in result.findings] == [("CL001", 2, 1)]
    assert not result.notes


def test_empty_file(tmp_path) -> None:
    result = _scan(tmp_path, "a.py", b"")
    assert not result.findings and not result.notes


def test_deep_nesting(tmp_path) -> None:
    depth = 10_000
    result = _scan(tmp_path, "deep.js", b"x = " + b"[" * depth + b"]" * depth + b";\n" + REDIS)
    assert [f.rule_id for f in result.findings] == ["CL001"]
    result = _scan(tmp_path, "deep.py", b"x = " + b"(" * depth + b")" * depth + b"\n")
    assert all("Traceback" not in n.message for n in result.notes)


def test_deep_ternaries_and_fallbacks(tmp_path) -> None:
    depth = 10_000
    body = b"const pick = " + b"c ? a :\n" * depth + b"new Redis();\nconst other = " + b"x ||\n" * depth + b"y;\n"
    result = _scan(tmp_path, "deep.ts", b"import Redis from 'ioredis';\n" + body)
    assert not result.notes
    assert [f.rule_id for f in result.findings] == ["CL001"]


def test_ten_megabyte_minified_line(tmp_path) -> None:
    body = b"var a=" + b"1+" * 5_000_000 + b"1;"  # 10 MB on one line
    result = _scan(tmp_path, "bundle.js", body)
    assert not result.findings
    summary, listed = sorted(result.notes, key=lambda n: n.verbose)
    assert summary.message == "1 generated or vendored file not analysed (--verbose lists it; --include analyses it)"
    assert listed.verbose and listed.path.endswith("bundle.js") and "minified" in listed.message


def test_lone_cr_line_endings(tmp_path) -> None:
    result = _scan(tmp_path, "a.ts", REDIS.replace(b"\n", b"\r"))
    assert [f.rule_id for f in result.findings] == ["CL001"]


def test_nul_filled_and_shebang_only_files(tmp_path) -> None:
    (tmp_path / "zeros.js").write_bytes(b"\0" * 4096)
    (tmp_path / "cli.js").write_bytes(b"#!/usr/bin/env node\n")
    (tmp_path / "tool.py").write_bytes(b"#!/usr/bin/env python3\n")
    result = scan([str(tmp_path)])
    assert not result.findings
    assert [(n.path, n.message) for n in result.notes] == [("zeros.js", "binary file skipped")]


def test_one_nul_in_a_comment_is_text(tmp_path) -> None:
    # mirlo's src/api.ts: valid UTF-8 with one literal NUL in a `//` comment is source, not data
    (tmp_path / "a.ts").write_bytes(b"// ID3 tags often contain \0 padding\n" + REDIS)
    # NULs beside bytes that are not UTF-8, or many NULs (UTF-16), are data
    (tmp_path / "latin.js").write_bytes(b"// caf\xe9 \0\n" + REDIS)
    (tmp_path / "wide.js").write_bytes(REDIS.decode().encode("utf-16-le"))
    result = scan([str(tmp_path)])
    assert [(f.location.path, f.rule_id) for f in result.findings] == [("a.ts", "CL001")]
    skipped = sorted(n.path for n in result.notes if n.message == "binary file skipped")
    assert skipped == ["latin.js", "wide.js"]
    # the NUL itself is a gap of the grammar (crashlint.grammar_gaps), not a syntax error
    assert not [n for n in result.notes if n.path == "a.ts" and "syntax error" in n.message]


def test_file_vanishing_during_the_scan(tmp_path, monkeypatch) -> None:
    import crashlint.cache.facts as store

    (tmp_path / "a.ts").write_bytes(REDIS)
    (tmp_path / "gone.ts").write_bytes(REDIS)
    real = store._read

    def deleting(source, data=None):
        if source.rel_path == "gone.ts":
            os.unlink(source.abs_path)
        return real(source, data)

    monkeypatch.setattr(store, "_read", deleting)
    result = scan([str(tmp_path)])
    assert [f.location.path for f in result.findings] == ["a.ts"]
    assert [(n.path, n.message) for n in result.notes] == [("gone.ts", "file vanished during the scan")]


def test_paths_with_spaces_and_non_ascii_names(tmp_path, sarif_validator) -> None:
    import json

    from helpers import render

    folder = tmp_path / "my service" / "dépôt"
    folder.mkdir(parents=True)
    (folder / "clé redis.ts").write_bytes(REDIS)
    result = scan([str(tmp_path)])
    assert [f.location.path for f in result.findings] == ["my service/dépôt/clé redis.ts"]
    assert not list(sarif_validator.iter_errors(json.loads(render([str(tmp_path)], "sarif"))))


def test_unreadable_folder_simulated(tmp_path, monkeypatch) -> None:
    """Root reads mode-0 folders, so make os.walk report the failure it would meet."""
    import crashlint.discover as discover_module

    (tmp_path / "a.ts").write_bytes(REDIS)
    real_walk = os.walk

    def walk(top, onerror=None, **kwargs):
        if onerror is not None:
            onerror(PermissionError(13, "Permission denied", str(tmp_path / "locked")))
        yield from real_walk(top, onerror=onerror, **kwargs)

    monkeypatch.setattr(discover_module.os, "walk", walk)
    result = scan([str(tmp_path)])
    assert [f.location.path for f in result.findings] == ["a.ts"]
    assert [(n.path, n.message) for n in result.notes] == [("locked", "cannot read folder: Permission denied")]


def test_long_call_chain_stays_fast(tmp_path) -> None:
    """No rule or extractor walk may be super-linear: a 3,000-link chain once took minutes."""
    import time

    started = time.perf_counter()
    # one link a line, as such a chain is written: on one 12 KB line it is minified code, not analysed
    result = _scan(tmp_path, "chain.js", b"x" + b"\n  .a()" * 3000 + b";\n" + REDIS)
    assert time.perf_counter() - started < 15
    assert [f.rule_id for f in result.findings] == ["CL001"]


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file_and_folder(tmp_path) -> None:
    (tmp_path / "a.ts").write_bytes(REDIS)
    os.chmod(tmp_path / "a.ts", 0)
    (tmp_path / "locked").mkdir()
    os.chmod(tmp_path / "locked", 0)
    try:
        result = scan([str(tmp_path)])
    finally:
        os.chmod(tmp_path / "a.ts", 0o644)
        os.chmod(tmp_path / "locked", 0o755)
    assert any("cannot read" in n.message for n in result.notes)


def test_unreadable_file_as_root(tmp_path, monkeypatch) -> None:
    """Root can read mode-0 files, so simulate the failure where the read happens."""
    (tmp_path / "a.ts").write_bytes(REDIS)
    real_open = open

    def failing_open(path, mode="r", *args, **kwargs):
        if str(path).endswith("a.ts") and "b" in mode:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", failing_open)
    result = scan([str(tmp_path)])
    assert any("cannot read file" in n.message for n in result.notes)


def test_symlink_loop_and_dangling_link(tmp_path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "dangling.ts").symlink_to(tmp_path / "nowhere.ts")
    (tmp_path / "a.ts").write_bytes(REDIS)
    result = scan([str(tmp_path)])
    assert [f.rule_id for f in result.findings] == ["CL001"]
    assert any("vanished" in n.message for n in result.notes)


def test_gitignore_and_default_excludes(tmp_path) -> None:
    (tmp_path / ".gitignore").write_text("generated/\n*.gen.ts\n")
    for rel in ("generated/a.ts", "b.gen.ts", "node_modules/x/index.js", "dist/app.js", "src/app.ts", "app.min.js"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(REDIS)
    result = scan([str(tmp_path)])
    assert [f.location.path for f in result.findings] == ["src/app.ts"]
    everything = scan([str(tmp_path)], respect_gitignore=False)
    assert sorted(f.location.path for f in everything.findings) == ["b.gen.ts", "generated/a.ts", "src/app.ts"]


GITIGNORE_LINES = ["# comment", "", "generated/", "*.gen.ts", "!keep.gen.ts", "/top.ts", "docs/**/*.md", "a/**/b",
                   "build", "!build/keep/", "\\#literal", "*.log", "!important.log", "[abc]x.ts", "**/deep/", "trailing\\ "]
IGNORE_PATHS = st.lists(st.sampled_from(["generated", "keep.gen.ts", "x.gen.ts", "top.ts", "docs", "a", "b", "build", "keep",
                                         "#literal", "y.log", "important.log", "ax.ts", "dx.ts", "deep", "trailing ", "src", "c"]),
                        min_size=1, max_size=5)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(GITIGNORE_LINES), max_size=8), IGNORE_PATHS, st.booleans())
def test_ignore_spec_answers_as_pathspec(lines, parts, is_dir) -> None:
    """discover.IgnoreSpec asks one joined regular expression first: its answers are pathspec's."""
    import pathspec

    from crashlint.discover import IgnoreSpec

    spec = pathspec.GitIgnoreSpec.from_lines(lines)
    path = "/".join(parts) + ("/" if is_dir else "")
    assert IgnoreSpec(spec).match_file(path) == spec.match_file(path)


def test_internal_errors_are_one_line(monkeypatch, tmp_path) -> None:
    (tmp_path / "a.ts").write_bytes(REDIS)

    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("crashlint.scan.run_rules", boom)
    code, out, err = run_cli("scan", str(tmp_path))
    assert code == 2 and "internal error: RuntimeError: kaboom" in err and "Traceback" not in err


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["typescript", "tsx", "javascript", "python"]))
def test_any_bytes_parse_without_exception(data: bytes, grammar: str) -> None:
    parse_source("x", grammar, data)


SNIPPETS = [b"new Redis(", b"createClient()", b".on('error', ", b"fetch(u, {", b"export default ", b"{", b"}",
            b"(", b")", b"import x from './a';", b"const a = ", b"require('ioredis')", b"\n", b"`", b"async () => ",
            b"redis.Redis(", b"requests.get(u", b"with ", b" as c:", b"def f(", b"class A:", b"self.r = ", b"'"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(SNIPPETS), max_size=40), st.sampled_from(["a.ts", "a.js", "a.py", "a.tsx"]))
def test_scan_of_code_like_noise_never_raises(tmp_path_factory, parts: list[bytes], name: str) -> None:
    folder = tmp_path_factory.mktemp("noise")
    (folder / name).write_bytes(b"".join(parts))
    scan([str(folder)])


def test_use_client_file_with_jsx(tmp_path) -> None:
    result = _scan(tmp_path, "a.tsx", b'"use client";\nexport const A = () => <div onClick={() => fetch("/x")} />;\n')
    assert not result.findings and not result.notes
