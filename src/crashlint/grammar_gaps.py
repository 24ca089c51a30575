"""Valid code that the tree-sitter grammars crashlint pins cannot parse, told apart from real syntax
errors so that it is not reported as one.

tree-sitter-typescript 0.23.2 is the newest release on PyPI (checked 2026-12); the tagged-template
gap is its issue #341 (open), fixed by the unmerged pull request #350. On real monorepos these gaps
are nearly all the "syntax errors" a scan meets (70 of 71 on a 5,000-file TypeScript repository):

- type arguments on a tagged template: styled.div<{ h: string }>`…`, prisma.$queryRaw<T[]>`…`;
- a function type whose parameter is named like a type: `onChange: (string) => void`;
- `&` in JSX text or attribute strings: <h1>Plans & Billing</h1>, href="…?a=1&b=2", `a && b` as text;
- a JSX attribute named with a reserved word: <Collapse in={open}>, Preact's <div class="card">,
  <label for="name"> (tree-sitter-javascript 0.25.0, the newest on PyPI: its issue #387, and open
  pull request #378; tsx parses them all but `extends`);
- import types: typeof import("./x"), let e: import("fs").Dirent;
- import attributes: `import data from "./a.json" assert { type: "json" }` (the older keyword, in
  tree-sitter-javascript), `export { default } from "./a.json" with { type: "json" }` (every grammar);
  TypeScript 5's type-only star export: `export type * from "./types"`.

- a NUL byte in a string or a comment (ECMAScript allows any code point there; tree-sitter's lexers
  stop at it): `write("\0RESULT\0" + json)` written with raw NULs, a `//` comment holding one;
- call signatures in an interface or type literal separated by a newline only, when the next one is
  generic: `(a: A): R` then `<T>(b: T): R` on the next line.

Gaps not recognised stay syntax errors.

A file whose parse has errors is parsed a second time with these constructs rewritten to code of the
same length and lines that the grammar does parse; if that parse is clean, the errors were the
grammar's: the file is analysed as usual and only `--verbose` mentions it. Errors that remain are
real syntax errors, reported at their lines.

Most rewrites keep the code's meaning (type arguments and a type's parameter name blanked, an
attribute name's first letter upper-cased), so when they alone make the parse clean the facts are
read from that tree, with the file's own bytes for every text (same offsets): a component full of
`class=` attributes is analysed whole, not through the grammar's error recovery. Two do not — every
`&` becomes `|` (so `a && b` would read as `a || b`) and every `import("…")` is blanked, dynamic
imports included — and serve only to tell the grammar's errors from real ones.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

import tree_sitter

JS_FAMILY = ("typescript", "tsx", "javascript")
JSX = ("tsx", "javascript")
_OPEN = {ord(">"): ord("<"), ord(")"): ord("("), ord("]"): ord("["), ord("}"): ord("{")}
_IDENTIFIER_END = re.compile(rb"[\w$\])]")
_TYPE_NAMED_PARAMETER = re.compile(
    rb"\((\s*)(string|number|boolean|any|unknown|object|symbol|bigint|never|void)(\s*)\)(\s*=>)"
)
# ECMAScript's reserved words, which tree-sitter-javascript rejects as JSX attribute names
_RESERVED = (b"break case catch class const continue debugger default delete do else export extends finally for "
             b"function if import in instanceof new return super switch this throw try typeof var void while with").split()
# `class="…"`, `for={id}`, or one with no value before the tag's end (`<Error type="404" default />`:
# not `this` or `super`, which may stand before a `>` in code)
_RESERVED_ATTRIBUTE = re.compile(rb"(?<=\s)(?:(" + b"|".join(_RESERVED) + rb")(?==[{\"'])|("
                                 + b"|".join(w for w in _RESERVED if w not in (b"this", b"super")) + rb")(?=\s*/?>))")
# `'./a.json' assert { type: 'json' }`: an import's or an export's attributes, after its source
_IMPORT_ATTRIBUTES = re.compile(rb"""(?<=['"])[ \t]*(?:assert|with)[ \t\r\n]*\{[^{}]*\}""")
_TYPE_STAR_EXPORT = re.compile(rb"""(?m)^[ \t]*export[ \t]+type[ \t]+\*(?:[ \t]+as[ \t]+[\w$]+)?[ \t]+from[ \t]*(['"])[^'"\n]*\1[ \t]*;?""")
_IMPORT_TYPE = re.compile(rb"\bimport\(\s*(['\"])[^'\"\n]*\1\s*\)")
# a call signature with its return type ending a line, the next line a generic call signature
_GENERIC_SIGNATURE_AFTER = re.compile(
    rb"(?m)(?<=\)):[ \t]*[^\n;,{}]*[^\s;,{}][ \t]*\r?\n"  # `(a: A): R` ending its line
    rb"(?:[ \t]*(?://[^\n]*|/\*(?:[^*]|\*(?!/))*\*/)?[ \t]*\r?\n)*"  # blank lines and comments
    rb"([ \t]+)<(?=(?:const[ \t]+)?[A-Za-z_$][\w$]*[ \t]*(?:extends\b|[,>=]))"  # an indented `<T …>(…`
)
MAX_TYPE_ARGUMENTS = 4000  # bytes scanned back from `>` for its `<`


def _blank(data: bytearray, start: int, end: int) -> None:
    """Spaces over data[start:end], newlines kept (lines and offsets stay where they were)."""
    for i in range(start, end):
        if data[i] not in (10, 13):
            data[i] = 32


def _tagged_template_type_arguments(source: bytes) -> bytes:
    """`tag<T>` + backtick → `tag   ` + backtick: the type arguments blanked, a plain tagged template."""
    data = bytearray(source)
    for tick in [m.start() for m in re.finditer(rb"`", source)]:
        close = tick - 1
        while close >= 0 and data[close] in b" \t\r\n":
            close -= 1
        if close < 0 or data[close] != ord(">"):
            continue
        depth: list[int] = []
        i = close
        while i >= 0 and close - i < MAX_TYPE_ARGUMENTS:
            c = data[i]
            if c in _OPEN:
                if c == ord(">") and i > 0 and data[i - 1] == ord("="):
                    i -= 2  # `=>` inside a function type
                    continue
                depth.append(_OPEN[c])
            elif depth and c == depth[-1]:
                depth.pop()
                if not depth:
                    break
            elif c == ord("`") or (c == ord(";") and len(depth) == 1):
                i = -1  # not type arguments: a statement or another template in between
                break
            i -= 1
        if i <= 0 or depth:
            continue
        before = i - 1
        while before >= 0 and data[before] in b" \t":
            before -= 1
        if before >= 0 and _IDENTIFIER_END.match(bytes([data[before]])):
            _blank(data, i, close + 1)
    return bytes(data)


def _type_named_parameters(source: bytes) -> bytes:
    return _TYPE_NAMED_PARAMETER.sub(lambda m: b"(" + m.group(1) + b"_" + b" " * (len(m.group(2)) - 1) + m.group(3) + b")" + m.group(4), source)


def _ampersands(source: bytes) -> bytes:
    # `|` parses wherever `&` does: text, a union type, `||`, `|=`, `||=`
    return source.replace(b"&", b"|")



def _reserved_attributes(source: bytes) -> bytes:
    # `class=` → `Class=`: an identifier of the same length, which no grammar reserves
    return _RESERVED_ATTRIBUTE.sub(lambda m: (word := m.group(1) or m.group(2))[:1].upper() + word[1:], source)


def _import_attributes(source: bytes) -> bytes:
    """Import attributes blanked (they say how to load a module, not which), and type-only star
    exports blanked whole: they load nothing when the program runs."""
    data = bytearray(source)
    for pattern in (_IMPORT_ATTRIBUTES, _TYPE_STAR_EXPORT):
        for match in pattern.finditer(source):
            _blank(data, match.start(), match.end())
    return bytes(data)


def _import_types(source: bytes) -> bytes:
    return _IMPORT_TYPE.sub(lambda m: b"_" * len(m.group(0)), source)


def _nul_bytes(source: bytes) -> bytes:
    # a space is a byte of the same length that every lexer takes in a string or a comment; outside
    # them a NUL is a real error, and a space there leaves the rest of the error to show
    return source.replace(b"\0", b" ")


def _generic_signature_separators(source: bytes) -> bytes:
    # the indentation's first byte becomes the `;` the grammar wants between the two members
    data = bytearray(source)
    for match in _GENERIC_SIGNATURE_AFTER.finditer(source):
        data[match.start(1)] = ord(";")
    return bytes(data)


# (name, grammars, rewrite, faithful: the rewritten code means what the original does)
GAPS: list[tuple[str, tuple[str, ...], Callable[[bytes], bytes], bool]] = [
    ("a NUL byte in a string or a comment", JS_FAMILY, _nul_bytes, True),
    ("generic call signatures separated by a newline", ("typescript", "tsx"), _generic_signature_separators, True),
    ("type arguments on a tagged template", ("typescript", "tsx"), _tagged_template_type_arguments, True),
    ("a function type whose parameter is named like a type", ("typescript", "tsx"), _type_named_parameters, True),
    ("a JSX attribute named with a reserved word", JSX, _reserved_attributes, True),
    ("import attributes or a type-only `export *`", JS_FAMILY, _import_attributes, True),
    ("an import type", ("typescript", "tsx"), _import_types, False),
    ("`&` in JSX text or an attribute", JSX, _ampersands, False),
]


@dataclass
class Rewritten:
    found: list[str]  # the gaps rewritten on or near the error lines
    tree: tree_sitter.Tree  # the parse with the gaps rewritten
    faithful: bool  # only rewrites that keep the meaning were needed: its facts are the file's


def without_gaps(grammar: str, source: bytes, parser: tree_sitter.Parser, error_lines: set[int]) -> Rewritten | None:
    """The tree of `source` with the known gaps rewritten, and the names of those rewritten on or
    near `error_lines` (0-based); None when no gap is in the source. The faithful rewrites come
    first: when they alone give a clean parse, that tree is returned, marked faithful."""
    found: list[str] = []
    changed = lossy = tried = False
    for name, grammars, rewrite, faithful in GAPS:
        if grammar not in grammars:
            continue
        if not faithful and changed and not tried:  # every faithful rewrite is made: are they enough?
            tried = True
            tree = parser.parse(source)
            if not tree.root_node.has_error:
                return Rewritten(found, tree, True)
        rewritten = rewrite(source)
        if rewritten == source:
            continue
        changed, lossy = True, lossy or not faithful
        newlines = [m.start() for m in re.finditer(rb"\n", source)]
        touched = {bisect.bisect_left(newlines, i) for i, (a, b) in enumerate(zip(source, rewritten)) if a != b}
        if any(line + d in error_lines for line in touched for d in (-2, -1, 0, 1, 2)):
            found.append(name)
        source = rewritten
    if not changed:
        return None
    return Rewritten(found, parser.parse(source), not lossy)
