"""Generated and vendored JavaScript recognised by its content (discovery skips it by name:
crashlint.discover): a bundler's banner, minified code, build output that carries a source map,
one function wrapper around a whole large file. Such a file is not parsed — or, for the wrapper,
which needs the tree, not analysed — unless the user asks for it (`--include`, or naming the file).

Every check is cheap (the scan runs them on every file) and conservative: a wrong call hides
hand-written code, a missed one costs time and, in small files, wrong findings. Small build output is
common — a web app's code-split chunks, committed inside a Python package that serves them as static
files (Home Assistant supervisor's `api/panel/`: 441 webpack chunks, most under 20 KB, some 137 bytes);
parsed, they became a "server" judged by path, with Node crash texts about browser code. So a banner
is read at any size (it costs HEAD_BYTES), minified code from MINIFIED_MIN_BYTES (one long line
of code is half such a file), and the checks that need a large file to mean anything (lines long on
average, a source map at the end, a wrapper) from CONTENT_MIN_BYTES. Python is never judged by content."""

from __future__ import annotations

import re

import tree_sitter

CONTENT_MIN_BYTES = 20_000
# Minified code in a file this small is still one LONG_LINE_BYTES line holding half of it: no hand-written
# file of the 19 test corpora below 20 KB is, while 21 files there are, all build output (CTFd's Vite assets
# and webpack pages, hyperdx's pyodide.js, growthbook's minified snippet template).
MINIFIED_MIN_BYTES = 2_000
HEAD_BYTES = 8_192  # where bundlers write their banner and runtime helpers (after a license comment)

# Markers bundlers write at the top of their output, each checked against real output (webpack 4/5
# dev and production builds and chunks, esbuild and rollup bundles, parcel 1/2, browserify, Yarn's
# releases and plugins). Mentions that hand-written code makes too — `__webpack_require__` in
# `typeof __webpack_require__ === "function"`, `webpackChunkName` in an import() comment, a UMD
# `define.amd` test — are not markers.
BANNERS: list[tuple[str, bytes]] = [
    # webpack 5's ES-module chunks (`output.module`) open with `export const __webpack_id__="3217";`
    ("webpack", rb"/\*{6}/|webpackBootstrap|/\*! For license information please see |^/\*{3}/ "
                rb"|\b(?:self|window|this|globalThis)(?:\.|\[[\"'])webpack(?:Chunk|Jsonp)|^webpackJsonp\("
                rb"|^export const __webpack_id__ ?="),
    ("esbuild", rb"var __defProp = Object\.defineProperty;|var __getOwnPropNames = Object\.getOwnPropertyNames;"
                rb"|var __commonJS = \(cb, mod\) =>"),
    ("rollup", rb"function _interopDefault(?:Legacy|Compat) \(e\) \{|function _interopNamespaceDefault\(e\) \{"),
    ("parcel", rb"\bparcelRequire\b|\$parcel\$"),
    ("browserify", rb"(?:\"function\"==typeof require|typeof require==\"function\")&&require;if\(!"),
    ("Yarn", rb"/\* eslint-disable \*/\r?\n//prettier-ignore\r?\n"),
]
BANNER = re.compile(b"|".join(b"(?P<%s>%s)" % (name.encode(), pattern) for name, pattern in BANNERS), re.MULTILINE)
# The bytes every marker above contains: a head without any of them is not searched.
BANNER_HINTS = (b"webpack", b"/***", b"For license information", b"var __", b"_interop", b"parcel", b"require&&require",
                b"prettier-ignore")

# Minified code: most of the file's bytes in lines of LONG_LINE_BYTES or more that read as code —
# a parenthesis at least every 200 bytes and at most one byte in 16 a space. Measured on the test
# corpora: minified lines hold 15-48 parentheses per 1,000 bytes and 1-3.5 % spaces; the long lines
# of hand-written files are data (SVG paths, base64 images, JSON, HTML entities, SQL: 0-4
# parentheses per 1,000 bytes, or 6-27 % spaces), whatever share of the file they take.
LONG_LINE_BYTES = 1_000
NEWLINE_BLOCK = LONG_LINE_BYTES // 4
# A file whose lines average this long is minified code or data in a file this large (the old rule,
# kept: such a file never had anything to analyse).
AVERAGE_LINE_MIN_BYTES, AVERAGE_LINE_BYTES = 100_000, 5_000

# The comment compilers and bundlers end their output with; hand-written code carries none.
SOURCE_MAP = re.compile(rb"(?://|/\*)[#@] sourceMappingURL=")

# One function wrapper (IIFE, UMD, AMD define, CoffeeScript's .call(this)) around this much of a
# file this large is a bundle or generated module; a hand-written file that large is rarely one
# wrapper, and a call such as describe(…) or an object literal spanning a file is not one.
WRAPPER_MIN_BYTES = 200_000
WRAPPER_SHARE = 0.9
FUNCTIONS = frozenset({"function_expression", "function", "arrow_function"})


def generated_reason(grammar: str, source: bytes) -> str | None:
    """Why a JS/TS file is generated or vendored, judged by its bytes; None for hand-written code."""
    if grammar == "python":
        return None
    head = source[:HEAD_BYTES]
    if any(hint in head for hint in BANNER_HINTS):
        match = BANNER.search(head)
        if match is not None:
            return f"{match.lastgroup} output: its banner"
    if len(source) < MINIFIED_MIN_BYTES:
        return None
    if _minified_bytes(source) * 2 >= len(source):
        return f"minified: most of its bytes are code on lines of {LONG_LINE_BYTES:,}+ characters"
    if len(source) < CONTENT_MIN_BYTES:
        return None
    if len(source) >= AVERAGE_LINE_MIN_BYTES and len(source) >= AVERAGE_LINE_BYTES * (source.count(b"\n") + 1):
        return f"minified code or data: lines of {AVERAGE_LINE_BYTES:,}+ characters on average"
    if _last_line_is_source_map(source):
        return "build output: it ends with a source map comment"
    return None


def _minified_bytes(source: bytes) -> int:
    """Bytes in long lines that read as code (see LONG_LINE_BYTES), or 0 when the lines cannot
    hold half the file. That test is exact and cheap: a line of L >= 1,000 bytes covers at least
    L/500 whole aligned blocks of 250 bytes, so if long lines hold half the file, at least one block
    in four has no newline; looking costs one `find` per 250 bytes, in C. Only files that pass it
    (bundles, data) are split into lines."""
    size = len(source)
    free = sum(1 for start in range(0, size - NEWLINE_BLOCK + 1, NEWLINE_BLOCK)
               if source.find(b"\n", start, start + NEWLINE_BLOCK) < 0)
    if free * 1000 < size:
        return 0
    total = 0
    for line in source.split(b"\n"):
        if len(line) >= LONG_LINE_BYTES and line.count(b"(") * 200 >= len(line) and line.count(b" ") * 16 <= len(line):
            total += len(line)
    return total


def _last_line_is_source_map(source: bytes) -> bool:
    end = len(source)
    while end and source[end - 1] in b" \t\r\n":
        end -= 1
    start = source.rfind(b"\n", 0, end) + 1
    return SOURCE_MAP.match(source, start, min(end, start + 32)) is not None


def wrapper_bundle(grammar: str, source: bytes, root: tree_sitter.Node) -> bool:
    """A large file whose one top-level statement is a function wrapper around nearly all of it
    (checked on the tree, before the facts are extracted)."""
    if grammar == "python" or len(source) < WRAPPER_MIN_BYTES:
        return False
    for statement in root.named_children:
        if statement.end_byte - statement.start_byte >= WRAPPER_SHARE * len(source):
            return _is_wrapper(statement)
    return False


def _is_wrapper(node: tree_sitter.Node) -> bool:
    """`(function(){…})()`, `!function(){…}()`, `var x = (() => {…})()`, `a.b = (function(){…})()`,
    `(function(){…}).call(this)`, `define([…], function(){…})`, `System.register(…)`."""
    while True:
        kind = node.type
        if kind in ("expression_statement", "parenthesized_expression", "export_statement"):
            inner = node.child_by_field_name("value") or node.child_by_field_name("declaration") or _first(node)
        elif kind in ("lexical_declaration", "variable_declaration"):
            declarators = [c for c in node.named_children if c.type == "variable_declarator"]
            inner = declarators[0].child_by_field_name("value") if len(declarators) == 1 else None
        elif kind == "assignment_expression":
            inner = node.child_by_field_name("right")
        elif kind == "unary_expression":
            inner = node.child_by_field_name("argument")
        else:
            break
        if inner is None:
            return False
        node = inner
    if node.type != "call_expression":
        return False
    callee = _unparenthesised(node.child_by_field_name("function"))
    if callee is None:
        return False
    if callee.type in FUNCTIONS:
        return True
    if callee.type == "identifier":
        return callee.text == b"define"
    if callee.type == "member_expression":
        target = _unparenthesised(callee.child_by_field_name("object"))
        name = callee.child_by_field_name("property")
        prop = name.text if name is not None else b""
        if target is not None and target.type in FUNCTIONS:
            return prop in (b"call", b"apply")
        return target is not None and target.text == b"System" and prop == b"register"
    return False


def _unparenthesised(node: tree_sitter.Node | None) -> tree_sitter.Node | None:
    while node is not None and node.type == "parenthesized_expression":
        node = _first(node)
    return node


def _first(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The first named child that is not a comment."""
    return next((child for child in node.named_children if child.type != "comment"), None)
