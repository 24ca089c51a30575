"""Vendored and generated code is not parsed (issue 13, item 2): by name (.yarn/, Plug'n'Play
files) and by content (bundler banners, minified code among short lines, build output with a source
map, one function wrapper around a large file), with one summary note, each file under --verbose,
and --include / `include = [...]` / a file named on the command line to analyse it anyway."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from crashlint.cache import facts as store
from crashlint.discover import discover
from crashlint.generated import CONTENT_MIN_BYTES, _minified_bytes, generated_reason
from crashlint.parse import parse_source
from crashlint.scan import scan
from helpers import run_cli, write_project as _write

FETCH = "export async function load(url: string) {\n  return fetch(url);\n}\n"


def _paths(result) -> set[str]:
    return {f.location.path for f in result.findings}


def _handwritten(functions: int, prefix: str = "export ") -> str:
    """Ordinary source: short lines, about 75 bytes a function."""
    return "".join(f"{prefix}function f{i}(url) {{\n  const a = {i};\n  return url.length + a;\n}}\n\n"
                   for i in range(functions))


def _minified(size: int) -> bytes:
    """One line of what a minifier writes: no spaces to speak of, a call every few bytes."""
    unit = b"function n(e,t){return e&&t?o(e,t):r(e)}var i=n(a,b),s=c(i);"
    return unit * (size // len(unit) + 1)


BODY = _handwritten(400).encode()  # 30 KB: every content check applies


# Each a bundler's own marker, written the way that bundler writes it at the top of its output.
BANNERS = {
    "webpack": b"/******/ (() => { // webpackBootstrap\n/******/ \tvar __webpack_modules__ = ({\n",
    "webpack-license": b"/*! For license information please see main.4f2a.js.LICENSE.txt */\n",
    "webpack-chunk": b'"use strict";\n(self["webpackChunkapp"] = self["webpackChunkapp"] || []).push([["main"],{\n',
    "webpack-jsonp": b'(window["webpackJsonp"] = window["webpackJsonp"] || []).push([["vendor"],{\n\n/***/ "./x.js":\n',
    "esbuild": b'"use strict";\nvar __create = Object.create;\nvar __defProp = Object.defineProperty;\n',
    "esbuild-iife": b"(() => {\n  var __getOwnPropNames = Object.getOwnPropertyNames;\n  var __commonJS = (cb, mod) => function __require() {\n",
    "rollup": b"'use strict';\n\nvar axios = require('axios');\n\nfunction _interopDefaultLegacy (e) { return e; }\n",
    "rollup-4": b"'use strict';\n\nfunction _interopNamespaceDefault(e) {\n  var n = Object.create(null);\n",
    "parcel": b"function $parcel$interopDefault(a) {\n  return a && a.__esModule ? a.default : a;\n}\n",
    "parcel-1": b"parcelRequire = (function (modules, cache, entry, globalName) {\n",
    "browserify": b'(function(){function r(e,n,t){function o(i,f){if(!n[i]){if(!e[i]){var c="function"==typeof require&&require;if(!f&&c)return c(i,!0);\n',
    "yarn": b"#!/usr/bin/env node\n/* eslint-disable */\n//prettier-ignore\n(()=>{var e=1;\n",
}


@pytest.mark.parametrize("name", sorted(BANNERS))
def test_bundler_banners_are_recognised(name: str) -> None:
    reason = generated_reason("javascript", BANNERS[name] + BODY)
    assert reason is not None and "banner" in reason
    assert reason.startswith(name.split("-")[0].replace("yarn", "Yarn"))  # the note names the bundler
    # a banner is read at any size: code-split chunks are often a few hundred bytes
    assert generated_reason("javascript", BANNERS[name] + b"x();\n") == reason


# Home Assistant supervisor's `api/panel/`: webpack chunks of 137 bytes to 20 KB, one line each, inside
# the Python package that serves them (reviewer 9: 16 wrong findings and a "server" made of 209 of them)
SMALL_CHUNKS = [
    b'export const __webpack_id__="2785";export const __webpack_ids__=["2785"];export const __webpack_modules__={1:function(e,t,a){a.d(t,{x:()=>s})}};\n',
    b'"use strict";(self.webpackChunkhome_assistant_frontend=self.webpackChunkhome_assistant_frontend||[]).push([["2785"],{1:function(e,t,a){}}]);\n',
]


@pytest.mark.parametrize("chunk", SMALL_CHUNKS)
def test_small_webpack_chunks_are_recognised(chunk: bytes) -> None:
    assert generated_reason("javascript", chunk) == "webpack output: its banner"


def test_small_minified_files_are_recognised() -> None:
    """From MINIFIED_MIN_BYTES: one long line of code that is half the file (a Vite chunk of 3 KB)."""
    assert "minified" in generated_reason("javascript", b"import{a as e}from'./index-Be7e.js';\n" + _minified(2_500))
    assert generated_reason("javascript", _minified(1_500)) is None  # below it: not judged
    assert generated_reason("javascript", _handwritten(40).encode()) is None  # 3 KB of short lines


@pytest.mark.parametrize("text", [
    # hand-written code mentions these too: they are not markers
    b"declare const __webpack_require__: any;\nexport const load = typeof __webpack_require__ === 'function' ? 1 : 2;\n",
    b"const Page = lazy(() => import(/* webpackChunkName: \"page\" */ './page'));\n",
    b"if (typeof define === 'function' && define.amd) { define([], factory); }\n",
    b"// we used to bundle with webpack and parcel; see docs/build.md\nvar __dirname2 = 1;\n",
])
def test_mentions_of_bundlers_in_hand_written_code_are_not_banners(text: bytes) -> None:
    assert generated_reason("typescript", text + BODY) is None


def test_minified_code_among_short_lines_is_recognised() -> None:
    short = b"".join(b"// line %d of a license or a header\n" % i for i in range(400))  # 15 KB
    assert "minified" in generated_reason("javascript", short + _minified(40_000) + b"\n" + short)
    # below half of the bytes: a file with a long line in it, not a minified file
    assert generated_reason("javascript", short * 3 + _minified(40_000) + b"\n" + short * 3) is None
    # lines of 999 bytes are not long lines
    line = _minified(999)[:999] + b"\n"
    assert generated_reason("javascript", line * 40) is None


def test_the_quick_newline_test_never_hides_a_minified_file() -> None:
    """`_minified_bytes` first counts 250-byte blocks without a newline and gives up when too few
    could lie in long lines: on files whose long lines hold close to half the bytes, its verdict is
    the one counting every line gives."""
    rng = random.Random(13)
    code = _minified(1_200)
    for _ in range(300):
        lines, long_bytes, size = [], 0, 0
        share = rng.uniform(0.44, 0.56)
        while size < 30_000:
            if long_bytes < share * (size + 1):
                line = code[: rng.randint(1_000, 1_100)]
                long_bytes += len(line)
            else:
                line = b"x" * rng.randint(0, 60)
            lines.append(line)
            size += len(line) + 1
        source = b"\n".join(lines)
        counted = sum(len(line) for line in source.split(b"\n") if len(line) >= 1_000)
        assert (_minified_bytes(source) * 2 >= len(source)) == (counted * 2 >= len(source))


@pytest.mark.parametrize("data", [
    b'<path d="' + b"M12 3.5C10.2 4.1 9.8 5.2 8.1 6.3L7.2 8.4Z " * 2000 + b'" />',  # SVG path in JSX
    b'<img src="data:image/png;base64,' + b"iVBORw0KGgoAAAANSUhEUgAAAMgAAADICAYAAACtWK6e" * 1500 + b'" />',
    b"const large = `" + b'[{\\"role\\":\\"assistant\\",\\"content\\":\\"ok\\"},' * 2000 + b"`;",  # JSON fixture
    b"const html = `" + b"&nbsp;&zwnj;" * 6000 + b"`;",  # e-mail template spacing
    b"await queryRunner.query(`" + b'CREATE TABLE "t" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "n" text); ' * 800 + b"`);",
])
def test_long_lines_of_data_are_not_minified_code(data: bytes) -> None:
    """SVG paths, base64 images, JSON fixtures, HTML entities, SQL: long lines of hand-written files
    (all found in the test corpora), however much of the file they take."""
    source = b"export function Icon() {\n  return (\n" + data + b"\n  );\n}\n"
    assert len(source) >= CONTENT_MIN_BYTES
    assert generated_reason("typescript", source) is None


def test_a_file_of_very_long_lines_on_average_is_skipped_as_before() -> None:
    data = b"export const logo = '" + b"iVBORw0KGgoAAAANSUhEUg" * 10_000 + b"';\n"  # 220 KB, one line: data
    assert "on average" in generated_reason("typescript", data)


def test_build_output_carrying_a_source_map() -> None:
    assert "source map" in generated_reason("javascript", BODY + b"//# sourceMappingURL=main.js.map\n")
    assert "source map" in generated_reason("javascript", BODY + b"//# sourceMappingURL=main.js.map")
    assert "source map" in generated_reason("javascript", BODY + b"/*# sourceMappingURL=x.map */\n\n")
    inline = b"//# sourceMappingURL=data:application/json;charset=utf-8;base64," + b"eyJ2ZXJzaW9uIjozfQ" * 3000
    assert "source map" in generated_reason("javascript", BODY + inline + b"\n")
    # not on the last line (a comment about maps, a test fixture), or a small file: hand-written
    assert generated_reason("javascript", b"// see //# sourceMappingURL= in the output\n" + BODY) is None
    assert generated_reason("javascript", b"x();\n//# sourceMappingURL=main.js.map\n") is None


WRAPPERS = {
    "iife": ("(function () {\n", "})();\n"),
    "arrow": ("(() => {\n", "})();\n"),
    "bang": ("!function (e) {\n", "}(this);\n"),
    "umd": ("(function (root, factory) {\n  root.lib = factory();\n})(this, function () {\n", "  return {};\n});\n"),
    "var": ("var Lib = (function () {\n", "  return {};\n})();\n"),
    "assign": ("$root.proto = (function () {\n", "  return {};\n})();\n"),
    "coffee": ("(function() {\n", "}).call(this);\n"),
    "amd": ("define(['exports'], function (exports) {\n", "});\n"),
    "system": ("System.register([], function (exports) {\n", "});\n"),
}


@pytest.mark.parametrize("name", sorted(WRAPPERS))
def test_one_function_wrapper_around_a_large_file_is_a_bundle(tmp_path: Path, name: str) -> None:
    head, tail = WRAPPERS[name]
    body = _handwritten(3000, prefix="") + "fetch('x');\n"  # 220 KB of ordinary lines inside
    _write(tmp_path, {"lib/bundle.js": head + body + tail, "src/app.ts": FETCH})
    result = scan([str(tmp_path)], select=["CL008"])
    assert _paths(result) == {"src/app.ts"}
    assert any("function wrapper" in n.message for n in result.notes if n.path == "lib/bundle.js")
    # the same wrapper around a small file is ordinary code (a script's async main, a jQuery plugin)
    (tmp_path / "lib/bundle.js").write_text(head + "fetch('x');\n" + tail)
    assert _paths(scan([str(tmp_path)], select=["CL008"])) == {"src/app.ts", "lib/bundle.js"}


@pytest.mark.parametrize("text", [
    "describe('alerts', () => {\n" + _handwritten(3000, prefix="  ") + "  it('fetches', () => fetch('x'));\n});\n",
    "export const prices = {\n" + "".join(f"  'model-{i}': {{ input: {i}e-6, output: {i}e-6, mode: 'chat' }},\n" for i in range(4000)) + "};\nfetch('x');\n",
])
def test_one_large_statement_that_is_not_a_wrapper_is_analysed(text: str) -> None:
    """A test file that is one describe(…), a data table that is one object literal: hand-written."""
    assert len(text) > 200_000
    parsed = parse_source("src/big.ts", "typescript", text.encode())
    assert parsed.facts is not None and not parsed.notes


def test_yarn_and_plug_n_play_files_are_not_discovered(tmp_path: Path) -> None:
    files = {
        "src/app.ts": FETCH,
        ".yarn/releases/yarn-4.13.0.cjs": "fetch('x');\n",
        ".yarn/plugins/@yarnpkg/plugin-workspace-tools.cjs": "fetch('x');\n",
        ".yarn/sdks/typescript/lib/tsserver.js": "fetch('x');\n",
        ".yarn/cache/x/index.js": "fetch('x');\n",
        ".pnp.cjs": "fetch('x');\n",
        ".pnp.loader.mjs": "fetch('x');\n",
        "packages/web/.yarn/releases/yarn-3.2.1.cjs": "fetch('x');\n",
    }
    _write(tmp_path, files)
    assert [f.rel_path for f in discover([str(tmp_path)]).files] == ["src/app.ts"]
    result = scan([str(tmp_path)], select=["CL008"])
    assert _paths(result) == {"src/app.ts"} and result.files_scanned == 1
    forced = scan([str(tmp_path)], select=["CL008"], include=[".yarn/releases/**", ".pnp.cjs", "**/.yarn/releases/*.cjs"])
    assert _paths(forced) == {"src/app.ts", ".yarn/releases/yarn-4.13.0.cjs", ".pnp.cjs",
                              "packages/web/.yarn/releases/yarn-3.2.1.cjs"}


def test_include_names_a_default_excluded_folder_to_enter_it(tmp_path: Path) -> None:
    _write(tmp_path, {"src/a.ts": FETCH, "vendor/acme/client.ts": FETCH, "vendor/other/x.ts": FETCH,
                      "node_modules/pkg/index.js": "fetch('x');\n", "lib/b.cjs": "fetch('x');\n"})
    found = lambda include: [f.rel_path for f in discover([str(tmp_path)], include=include).files]  # noqa: E731
    assert found(["vendor/acme/**"]) == ["lib/b.cjs", "src/a.ts", "vendor/acme/client.ts"]
    assert found(["vendor"]) == ["lib/b.cjs", "src/a.ts", "vendor/acme/client.ts", "vendor/other/x.ts"]
    # a pattern that only could reach into a skipped folder does not open it: every node_modules would
    assert found(["*.js", "**/*.cjs"]) == ["lib/b.cjs", "src/a.ts"]
    assert found(["node_modules/pkg/"]) == ["lib/b.cjs", "node_modules/pkg/index.js", "src/a.ts"]


def _bundle(text: str) -> str:
    return "/*! For license information please see main.js.LICENSE.txt */\n" + text + "z();\n" * 6000


def test_one_summary_note_and_each_file_with_verbose(tmp_path: Path) -> None:
    _write(tmp_path, {"public/a.js": _bundle(""), "public/b.js": _bundle(""), "src/app.ts": FETCH,
                      "public/c.js": _minified(30_000)})
    code, out, err = run_cli("scan", str(tmp_path), "--select", "CL008")
    assert code == 1
    assert "note: 3 generated or vendored files not analysed (--verbose lists them; --include analyses them)" in out
    assert "public/a.js" not in out and "public/c.js" not in out
    code, out, err = run_cli("scan", str(tmp_path), "--select", "CL008", "--verbose")
    assert "a.js: not analysed: generated or vendored (webpack output: its banner); --include analyses it anyway" in out
    assert "b.js: not analysed" in out and "c.js: not analysed: generated or vendored (minified" in out
    # a report document carries the summary note, and each file only with --verbose
    code, out, err = run_cli("scan", str(tmp_path), "--select", "CL008", "--format", "json-report")
    notes = [n["message"] for n in json.loads(out)["notes"]]
    assert notes == ["3 generated or vendored files not analysed (--verbose lists them; --include analyses them)"]


def test_include_and_a_file_named_on_the_command_line_are_analysed(tmp_path: Path, monkeypatch) -> None:
    _write(tmp_path, {"bundles/main.js": _bundle("fetch('u');\n")})
    cache = str(tmp_path / "cache")
    assert not scan([str(tmp_path)], select=["CL008"], cache_dir=cache).findings
    # a file given by name is analysed whatever it looks like (as ruff does) …
    assert scan([str(tmp_path / "bundles/main.js")], select=["CL008"]).findings
    # … and --include analyses it from a folder scan; the cache tells the two apart
    assert scan([str(tmp_path)], select=["CL008"], include=["bundles/*.js"], cache_dir=cache).findings
    assert not scan([str(tmp_path)], select=["CL008"], cache_dir=cache).findings
    code, out, _ = run_cli("scan", str(tmp_path), "--select", "CL008", "--include", "bundles/", "--format", "json")
    assert code == 1 and [Path(f["path"]).as_posix()[-15:] for f in json.loads(out)] == ["bundles/main.js"]
    # a buffer an editor sends for a file is that file, named
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli("scan", "-", "--stdin-filename", "bundles/main.js", "--select", "CL008", "--format", "json",
                           stdin=_bundle("fetch('v');\n").encode())
    assert code == 1 and [f["path"] for f in json.loads(out)] == ["bundles/main.js"]
    (tmp_path / "crashlint.toml").write_text('include = ["bundles/**"]\n')
    code, out, _ = run_cli("scan", str(tmp_path), "--select", "CL008", "--format", "json")
    assert code == 1 and [Path(f["path"]).as_posix()[-15:] for f in json.loads(out)] == ["bundles/main.js"]
    (tmp_path / "crashlint.toml").write_text('include = "bundles/**"\n')
    code, _, err = run_cli("scan", str(tmp_path), "--select", "CL008")
    assert code == 2 and "include" in err and "Traceback" not in err


def test_a_skipped_file_is_judged_once_and_warm_results_equal_cold(tmp_path: Path, monkeypatch) -> None:
    _write(tmp_path, {"public/main.js": _bundle("fetch('u');\n"), "public/vendor.js": _minified(40_000),
                      "src/app.ts": FETCH})
    cache = str(tmp_path / ".crashlint_cache")
    cold = scan([str(tmp_path)], select=["CL008"], cache_dir=cache)
    judged: list[str] = []
    real = store.parse_source
    monkeypatch.setattr(store, "parse_source", lambda rel, *a, **k: judged.append(rel) or real(rel, *a, **k))
    (tmp_path / "src/other.ts").write_text(FETCH)  # a change elsewhere: the project is analysed again
    warm = scan([str(tmp_path)], select=["CL008"], cache_dir=cache)
    assert judged == ["src/other.ts"]  # the bundles' verdicts came from the cache, unread by the checks
    assert _paths(warm) == {"src/app.ts", "src/other.ts"} and _paths(cold) == {"src/app.ts"}
    assert [n for n in warm.notes] == [n for n in cold.notes]
    (tmp_path / "src/other.ts").unlink()
    again, uncached = scan([str(tmp_path)], select=["CL008"], cache_dir=cache), scan([str(tmp_path)], select=["CL008"])
    assert (again.findings, again.notes) == (uncached.findings, uncached.notes) == (cold.findings, cold.notes)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_includes_select_the_same_files_in_a_commit_as_on_disk(tmp_path: Path) -> None:
    """--new-since discovers the base commit's files with the same rules (crashlint.discover)."""
    from crashlint.discover import discover_tree
    from crashlint.sourcetree import GitTree

    _write(tmp_path, {"src/a.ts": FETCH, ".yarn/releases/yarn.cjs": "x();\n", ".yarn/plugins/p.cjs": "x();\n",
                      ".pnp.cjs": "x();\n", "packages/w/.yarn/releases/y.cjs": "x();\n", "vendor/acme/c.ts": FETCH,
                      "vendor/other/d.ts": FETCH, "node_modules/pkg/i.js": "x();\n", "lib/e.min.js": "x();\n"})
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1", "HOME": os.devnull}
    for args in (["init", "-q"], ["add", "-A", "-f"], ["-c", "commit.gpgsign=false", "commit", "-qm", "all"]):
        subprocess.run(["git", *args], cwd=tmp_path, env=env, check=True, capture_output=True)
    for include in ([], [".yarn/releases/**", "**/.yarn/releases/*.cjs", ".pnp.cjs"], ["vendor/acme/**", "*.min.js"],
                    ["node_modules/pkg/", ".yarn"]):
        on_disk = discover([str(tmp_path)], include=include)
        in_git = discover_tree(GitTree.at(on_disk.root, "HEAD"), [""], include=include)
        assert [(f.rel_path, f.forced) for f in in_git.files] == [(f.rel_path, f.forced) for f in on_disk.files], include
    assert [f.rel_path for f in on_disk.files] == [".yarn/plugins/p.cjs", ".yarn/releases/yarn.cjs", "node_modules/pkg/i.js",
                                                   "packages/w/.yarn/releases/y.cjs", "src/a.ts"]  # `.yarn`: at any depth


@pytest.mark.parametrize("sibling", ["entrypoint.js.map", "entrypoint.js.gz", "entrypoint.js.br"])
def test_a_script_beside_its_source_map_or_precompressed_copy_is_build_output(tmp_path: Path, sibling: str) -> None:
    """Discovery skips it by name, reading no file (supervisor's 1 KB `entrypoint.js` beside its `.br`
    and `.gz`); `--include` analyses it anyway; a Python file is never skipped so."""
    root = _write(tmp_path, {"panel/entrypoint.js": FETCH.replace(": string", ""), f"panel/{sibling}": b"\x1f\x8b",
                             "panel/server.js": FETCH.replace(": string", ""), "tool.py": "x = 1\n", "tool.py.gz": b"\x1f"})
    found = {f.rel_path for f in discover([str(root)]).files}
    assert found == {"panel/server.js", "tool.py"}
    assert "panel/entrypoint.js" in {f.rel_path for f in discover([str(root)], include=["panel/entrypoint.js"]).files}


PY_GET = "import requests\n\n\ndef load(url):\n    return requests.get(url)\n"
# bazarr's layout: a pip --target tree (`libs/`, NAME-VERSION.dist-info per installed package)
# beside the project's own package; Red's `redbot/vendored/`, pip's `_vendor/`, `third_party/`
VENDORED_PY = {
    "app/server.py": PY_GET,
    "libs/requests/__init__.py": "def get(url):\n    return url\n",
    "libs/engineio/client.py": PY_GET,
    "libs/appdirs.py": PY_GET,
    "libs/engineio-4.11.2.dist-info/METADATA": "Name: python-engineio\n",
    "libs/requests-2.32.3.dist-info/METADATA": "Name: requests\n",
    "libs/appdirs-1.4.4.dist-info/METADATA": "Name: appdirs\n",
    "redbot/vendored/discord/ext/menus/__init__.py": PY_GET,
    "src/pkg/_vendor/urllib3/util.py": PY_GET,
    "third_party/acme/api.py": PY_GET,
    "tools/one-0.1.dist-info/METADATA": "Name: one\n",  # one dist-info: an editable install, not a tree
    "tools/check.py": PY_GET,
}


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_vendored_python_folders_and_pip_target_trees_are_not_discovered(tmp_path: Path) -> None:
    """Issue 14 (reviewer 10, class 1 c): vendored copies are not the project's code, on disk and in
    a commit alike; --include still opens them."""
    from crashlint.discover import discover_tree
    from crashlint.sourcetree import GitTree

    _write(tmp_path, VENDORED_PY)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1", "HOME": os.devnull}
    for args in (["init", "-q"], ["add", "-A", "-f"], ["-c", "commit.gpgsign=false", "commit", "-qm", "all"]):
        subprocess.run(["git", *args], cwd=tmp_path, env=env, check=True, capture_output=True)
    for include in ([], ["libs/engineio/**"]):
        on_disk = discover([str(tmp_path)], include=include)
        in_git = discover_tree(GitTree.at(on_disk.root, "HEAD"), [""], include=include)
        assert [(f.rel_path, f.forced) for f in in_git.files] == [(f.rel_path, f.forced) for f in on_disk.files], include
        expected = ["app/server.py", "tools/check.py"]
        assert [f.rel_path for f in on_disk.files] == (["app/server.py", "libs/engineio/client.py", "tools/check.py"]
                                                       if include else expected)
    assert [f.rel_path for f in discover([str(tmp_path / "libs")]).files] == [  # asked for by name: analysed
        "libs/appdirs.py", "libs/engineio/client.py", "libs/requests/__init__.py"]


def test_requests_beside_a_pip_target_tree_is_the_library(tmp_path: Path) -> None:
    """With `libs/requests` not discovered, `import requests` is the library again (bazarr's
    own `requests.get` calls were missed while the tree's copy stood for it)."""
    _write(tmp_path, {**VENDORED_PY, "requirements.txt": "requests\n"})
    assert {(f.rule_id, f.location.path) for f in scan([str(tmp_path)], select=["CL008"]).findings} >= {
        ("CL008", "app/server.py")}
    assert not any(f.location.path.startswith(("libs/", "redbot/", "src/pkg/_vendor", "third_party/"))
                   for f in scan([str(tmp_path)], select=["CL008"]).findings)


# Each as the generator's own source writes it (crashlint.generated.PYTHON_BANNERS cites where).
PYTHON_BANNERS = {
    "generateDS": b"#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n\n#\n"
                  b"# Generated Tue Apr  4 08:40:11 2023 by generateDS.py version 2.41.3.\n#\n",
    "generateDS-old": b"#!/usr/bin/env python\n\n#\n# Generated Thu Jan 31 15:52:45 2013 by generateDS.py.\n#\n",
    "xsdata": b'"""This file was generated by xsdata, v24.1, on 2024-01-22 10:20:25\n\nGenerator: DataclassGenerator\n'
              b'See: https://xsdata.readthedocs.io/\n"""\n',
    "datamodel-codegen": b"# generated by datamodel-codegen:\n#   filename:  openapi.json\n#   timestamp: 2023-07-02T11:49:06+00:00\n",
    "protoc": b"# -*- coding: utf-8 -*-\n# Generated by the protocol buffer compiler.  DO NOT EDIT!\n# source: api.proto\n",
    "grpc_tools": b"# Generated by the gRPC Python protocol compiler plugin. DO NOT EDIT!\n"
                  b'"""Client and server classes corresponding to protobuf-defined services."""\n',
}
PY_BODY = b"import requests\n\n\ndef load(url):\n    return requests.get(url)\n"


@pytest.mark.parametrize("name", sorted(PYTHON_BANNERS))
def test_python_generator_banners_are_recognised(name: str) -> None:
    assert generated_reason("python", PYTHON_BANNERS[name] + PY_BODY) == f"{name.removesuffix('-old')} output: its banner"
    # after a license comment too; the banner is read at any size
    license_ = b"".join(b"# Copyright (c) 2024 ACME. Licensed under the Apache License, line %d.\n" % i for i in range(12))
    assert generated_reason("python", license_ + PYTHON_BANNERS[name] + PY_BODY) is not None


@pytest.mark.parametrize("text", [
    # sentences about generators in hand-written modules are not banners
    b"# These classes were first generated by generateDS.py version 2.41.3, then rewritten by hand.\n",
    b"# Generated by the team's own template, edited freely.\n",
    b'"""The classes below were generated by xsdata once; this module is ordinary code now."""\n',
    b"HEADER = re.compile(r\"# generated by datamodel-codegen:.*?\\n\\n\")\n",
    b"# Generated Tue Apr  4 by generateDS.py and then rewritten\n",
    # Django's migrations are the project's own code (crashlint.generated: not skipped, on purpose)
    b"# Generated by Django 4.2.7 on 2023-11-20 14:02\n\nfrom django.db import migrations\n",
    # openapi-generator's clients make the service's HTTP calls (its rest.py): analysed
    b'# coding: utf-8\n\n"""\n    Petstore\n\n    NOTE: This class is auto generated by OpenAPI Generator '
    b'(https://openapi-generator.tech).\n\n    Do not edit the class manually.\n"""\n',
])
def test_mentions_of_generators_in_python_are_not_banners(text: bytes) -> None:
    assert generated_reason("python", text + PY_BODY) is None


def test_a_python_banner_past_the_head_is_not_read() -> None:
    filler = b"x = 1  # ordinary code\n" * 100  # 2.3 KB before it
    assert generated_reason("python", filler + PYTHON_BANNERS["protoc"] + PY_BODY) is None


BINDINGS = Path(__file__).parent / "fixtures" / "CL008" / "projects" / "py-generated-bindings"


def test_generated_python_is_listed_with_verbose_and_analysed_with_include(tmp_path: Path) -> None:
    """The fixture project's generateDS module: one summary note, listed with --verbose, and --include
    (or `include = [...]`) parses it, so its calls are reported like any other module's."""
    root = tmp_path / "project"
    shutil.copytree(BINDINGS, root)
    schema = "carrier/schemas/book_pickup.py"
    code, out, _ = run_cli("scan", str(root), "--select", "CL008")
    assert code == 1 and "carrier/pickup.py" in out and schema not in out
    assert "note: 1 generated or vendored file not analysed (--verbose lists it; --include analyses it)" in out
    code, out, _ = run_cli("scan", str(root), "--select", "CL008", "--verbose")
    assert f"{schema}: not analysed: generated or vendored (generateDS output: its banner); --include analyses it anyway" in out
    cache = str(tmp_path / "cache")
    assert _paths(scan([str(root)], select=["CL008"], cache_dir=cache)) == {"carrier/pickup.py"}
    included = scan([str(root)], select=["CL008"], include=["carrier/schemas/"], cache_dir=cache)
    assert sorted((f.location.path, f.location.start_line) for f in included.findings) == [
        ("carrier/pickup.py", 14), (schema, 23), (schema, 28)]
    (root / "crashlint.toml").write_text('include = ["**/schemas/*.py"]\n')
    code, out, _ = run_cli("scan", str(root), "--select", "CL008", "--format", "json")
    found = {Path(f["path"]).resolve().relative_to(root.resolve()).as_posix() for f in json.loads(out)}
    assert code == 1 and found == {"carrier/pickup.py", schema}
