"""Vendored and generated code is not parsed (issue 13, item 2): by name (.yarn/, Plug'n'Play
files) and by content (bundler banners, minified lines among short ones, a large file with a
source map, one statement spanning a large file); one summary note, each file with --verbose, and
--include to analyse a path anyway."""

from __future__ import annotations

from pathlib import Path

from crashlint.parse import generated_reason
from crashlint.scan import scan
from helpers import run_cli

FETCH = "export async function load(url: string) {\n  return fetch(url);\n}\n"


def _write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return root


def _paths(result) -> set[str]:
    return {f.location.path for f in result.findings}


def _handwritten(functions: int) -> str:
    return "".join(f"export function f{i}(url: string) {{\n  const a = {i};\n  return url.length + a;\n}}\n\n" for i in range(functions))


def test_yarn_and_plug_n_play_files_are_not_discovered(tmp_path: Path) -> None:
    _write(tmp_path, {
        "src/app.ts": FETCH,
        ".yarn/releases/yarn-4.13.0.cjs": "fetch('x');\n",
        ".yarn/plugins/@yarnpkg/plugin-workspace-tools.cjs": "fetch('x');\n",
        ".pnp.cjs": "fetch('x');\n",
        ".pnp.loader.mjs": "fetch('x');\n",
    })
    result = scan([str(tmp_path)], select=["CL008"])
    assert _paths(result) == {"src/app.ts"} and result.files_scanned == 1
    forced = scan([str(tmp_path)], select=["CL008"], include=[".yarn/releases/**", ".pnp.cjs"])
    assert _paths(forced) == {"src/app.ts", ".yarn/releases/yarn-4.13.0.cjs", ".pnp.cjs"}


def test_bundles_are_recognised_by_their_content() -> None:
    webpack = b"/******/ (() => { // webpackBootstrap\n/******/ \tvar __webpack_modules__ = ({});\n" + b"x();\n" * 5000
    esbuild = b'"use strict";\nvar __create = Object.create;\nvar __defProp = Object.defineProperty;\n' + b"y();\n" * 5000
    minified_among_short = b"\n".join([b"// header"] * 200 + [b"var a=" + b"1+" * 40_000 + b"1;"] + [b"b();"] * 300)
    with_map = _handwritten(2500).encode() + b"\n//# sourceMappingURL=app.js.map\n"
    assert "banner" in generated_reason("javascript", webpack)
    assert "banner" in generated_reason("javascript", esbuild)
    assert "minified" in generated_reason("javascript", minified_among_short)
    assert "source map" in generated_reason("javascript", with_map)
    assert generated_reason("typescript", _handwritten(2500).encode()) is None  # large, hand-written
    assert generated_reason("python", minified_among_short) is None


def test_one_statement_spanning_a_large_file_is_a_bundle(tmp_path: Path) -> None:
    umd = "(function (root, factory) {\n" + _handwritten(3000).replace("export ", "") + "fetch('x');\n})(this, function () {});\n"
    _write(tmp_path, {"third_party/lib.js": umd, "src/app.ts": _handwritten(3000) + FETCH})
    result = scan([str(tmp_path)], select=["CL008"])
    assert {p for p in _paths(result)} == {"src/app.ts"}
    assert any("one statement" in n.message for n in result.notes if n.path == "third_party/lib.js")


def test_one_summary_note_and_each_file_with_verbose(tmp_path: Path) -> None:
    bundle = "/*! For license information please see main.js.LICENSE.txt */\n" + "z();\n" * 6000
    _write(tmp_path, {"public/a.js": bundle, "public/b.js": bundle, "src/app.ts": FETCH})
    code, out, err = run_cli("scan", str(tmp_path), "--select", "CL008")
    assert code == 1
    assert "note: 2 generated or vendored files not analysed (--verbose lists them; --include analyses them)" in out
    assert "public/a.js" not in out
    code, out, err = run_cli("scan", str(tmp_path), "--select", "CL008", "--verbose")
    assert "a.js: not analysed: generated or vendored (a bundler's output (its banner))" in out


def test_include_and_a_file_named_on_the_command_line_are_analysed(tmp_path: Path) -> None:
    bundle = "/*! For license information please see main.js.LICENSE.txt */\nfetch('u');\n" + "z();\n" * 6000
    _write(tmp_path, {"bundles/main.js": bundle})
    cache = str(tmp_path / "cache")
    assert not scan([str(tmp_path)], select=["CL008"], cache_dir=cache).findings
    # a file given by name is analysed whatever it looks like (as ruff and ESLint do) …
    assert scan([str(tmp_path / "bundles/main.js")], select=["CL008"]).findings
    # … and --include analyses it from a folder scan; the cache tells the two apart
    assert scan([str(tmp_path)], select=["CL008"], include=["bundles/*.js"], cache_dir=cache).findings
    assert not scan([str(tmp_path)], select=["CL008"], cache_dir=cache).findings
    (tmp_path / "crashlint.toml").write_text('include = ["bundles/**"]\n')
    code, out, _ = run_cli("scan", str(tmp_path), "--select", "CL008", "--format", "json")
    assert code == 1 and '"path"' in out
