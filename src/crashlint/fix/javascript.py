"""TypeScript/JavaScript fixes: byte-range edits in the file's own style, planned from the sites the
scan recorded while it parsed the file (crashlint.facts.edit_sites): no tree is needed, so a file
is parsed once per scan, fixes included.

Two edits exist: add properties to a call's options object (merging into an object literal, or
adding the argument), and insert a statement after the one that creates the finding's subject.
Anything the edit cannot do exactly (options passed as a variable, a client created in a class
field or returned from a factory) gets no fix: a wrong edit is worse than none.
"""

from __future__ import annotations

import marshal
import re
from collections import Counter
from dataclasses import dataclass

from crashlint.findings import Edit

# A line starting with one of these continues the previous statement when it has no semicolon.
ASI_HAZARDS = ("(", "[", "`", "+", "-", "/")


@dataclass
class Style:
    quote: str
    semicolon: str
    indent_unit: str
    newline: str


@dataclass(frozen=True)
class Site:
    """A call's site (see crashlint.facts.edit_sites for each field)."""

    start: int
    open: int
    open_row: int
    count: int
    last: tuple
    first_carries: bool
    objects: tuple
    statement: tuple

    @classmethod
    def decode(cls, data: bytes) -> "Site":
        return cls(*marshal.loads(data))


def style_of(source: bytes, quotes: tuple[int, int]) -> Style:
    """The file's own conventions, so that an inserted statement looks like its neighbours. `quotes`:
    the file's string literals in single and double quotes, counted when it was parsed."""
    text = source.decode("utf-8", "replace")
    # one-line statements only: `export function f() {` or `const x = new Redis({` say nothing
    statements = [
        line.rstrip() for line in re.findall(r"^[ \t]*(?:const|let|var|import|export|return)\b[^\n]*$", text, re.M)
    ]
    statements = [line for line in statements if line and line[-1] not in "{([,=>+-*/|&?:"]
    semicolons = sum(1 for s in statements if s.endswith(";")) * 2 >= len(statements) if statements else True
    return Style(
        quote="'" if quotes[0] > quotes[1] else '"',
        semicolon=";" if semicolons else "",
        indent_unit=_indent_unit(text),
        newline="\r\n" if "\r\n" in text else "\n",
    )


def _indent_unit(text: str) -> str:
    """The most common indentation step among "\t", two and four spaces (two by default)."""
    steps: Counter[str] = Counter()
    previous = 0
    for line in text.splitlines():
        stripped = line.lstrip(" \t")
        if not stripped or stripped.isspace():
            continue  # a blank line says nothing
        if line[0] == "\t":
            steps["\t"] += 1
            continue
        width = len(line) - len(stripped)
        if width > previous:
            steps[" " * (width - previous)] += 1
        previous = width
    common = [unit for unit, _ in steps.most_common() if unit in ("\t", "  ", "    ")]
    return common[0] if common else "  "


def _line_start(source: bytes, offset: int) -> int:
    return source.rfind(b"\n", 0, offset) + 1


def _line_end(source: bytes, offset: int) -> int:
    end = source.find(b"\n", offset)
    end = len(source) if end < 0 else end
    return end - 1 if end > 0 and source[end - 1 : end] == b"\r" else end


def _indent_at(source: bytes, offset: int) -> str:
    start = _line_start(source, offset)
    line = source[start:offset].decode("utf-8", "replace")
    return line[: len(line) - len(line.lstrip(" \t"))]


def _rest_is_blank(source: bytes, offset: int) -> bool:
    """Only whitespace or a `//` comment after `offset` on its line."""
    rest = source[offset : _line_end(source, offset)].strip()
    return not rest or rest.startswith(b"//")


LINE_LENGTH = 100  # a new options object longer than this gets one property per line


def adds_options(site: Site, index: int, keys: list[str]) -> bool:
    """Whether `add_options` edits the call for options named `keys` (it decides by this alone: the
    file's bytes and style only shape the edit's text). O(the call's object arguments)."""
    if site.open < 0:
        return False  # `new Redis` with no parentheses, a tagged template
    count = site.count
    if index < count:
        target = next((o for o in site.objects if o[0] == index), None)
        if target is None:
            return False  # options in a variable or built by a call: cannot merge safely
        present, spread = target[4], target[5]
        if spread:
            return False  # `{ ...defaults }` may already carry it; ours would silently win
        return any(k not in present for k in keys)
    # `fetch(request)`, `got(options)`: a new options argument would override theirs
    return not (index > 0 and count and site.first_carries)


def add_options(source: bytes, site: Site, index: int, props: list[tuple[str, str]], style: Style) -> list[Edit] | None:
    """`fetch(url)` → `fetch(url, { signal: … })`; `fetch(url, { method })` → `{ method, signal: … }`."""
    if not adds_options(site, index, [k for k, _ in props]):
        return None
    count = site.count
    if index < count:
        _, start, end, one_line, present, spread, member = next(o for o in site.objects if o[0] == index)
        props = [(k, v) for k, v in props if k not in present]
        return _merge_into_object(source, start, end, one_line, member, props, style)
    last_start, last_end, last_row, after = site.last if count else (0, 0, 0, 0)
    one_per_line = bool(count) and site.open_row != last_row and _rest_is_blank(source, after)
    anchor = last_start if one_per_line else site.start
    indent = _indent_at(source, anchor)
    line = source[_line_start(source, anchor) : _line_end(source, anchor)]
    literal = "{ " + ", ".join(f"{k}: {v}" for k, v in props) + " }"
    if len(line) + len(literal) + 2 > LINE_LENGTH and len(props) > 1:
        inner = style.newline.join(f"{indent}{style.indent_unit}{k}: {v}," for k, v in props)
        literal = "{" + style.newline + inner + style.newline + indent + "}"
    parts = ["undefined"] * (index - count) + [literal]
    if one_per_line:
        # one argument per line: ours goes on its own line, in the list's trailing-comma style
        if after != last_end:
            where = _line_end(source, after)
            return [Edit(where, where, "".join(f"{style.newline}{indent}{p}," for p in parts))]
        where = _line_end(source, last_end)
        return [Edit(last_end, last_end, ","), Edit(where, where, ",".join(f"{style.newline}{indent}{p}" for p in parts))]
    if count:
        return [Edit(last_end, last_end, ", " + ", ".join(parts))]
    return [Edit(site.open + 1, site.open + 1, ", ".join(parts))]


def _merge_into_object(source: bytes, start: int, end: int, one_line: bool, member: tuple, props: list[tuple[str, str]],
                       style: Style) -> list[Edit]:
    texts = [f"{k}: {v}" for k, v in props]
    if not member:
        return [Edit(start, end, "{ " + ", ".join(texts) + " }")]
    last_start, last_end, comma = member
    after = comma if comma >= 0 else last_end
    if one_line or not _rest_is_blank(source, after):
        # `{ method: "POST" }` → `{ method: "POST", signal: … }`
        if comma >= 0:
            return [Edit(after, after, " " + ", ".join(texts) + ",")]
        return [Edit(last_end, last_end, ", " + ", ".join(texts))]
    indent = _indent_at(source, last_start)
    end_of_line = _line_end(source, after)
    block = "".join(f"{style.newline}{indent}{t}," for t in texts)
    if comma >= 0:
        return [Edit(end_of_line, end_of_line, block)]
    # no trailing comma: one after the old last member, none after ours (the file's style)
    return [Edit(last_end, last_end, ","), Edit(end_of_line, end_of_line, block[:-1])]


@dataclass(frozen=True)
class Statement:
    """The statement a fix inserts after: its first byte, and its end for an insertion (before a
    `;` put on a line of its own: `const r = new Redis()⏎;[a, b].forEach(…)`, it guards the next line)."""

    start_byte: int
    end_byte: int


def creating_statement(site: Site, subject: str) -> Statement | None:
    """The statement whose whole value is the call and that binds `subject`, at a statement-list
    level; None for a class field, a `for (const x = …;;)` header, a call inside another expression."""
    if not site.statement or site.statement[0] != subject:
        return None
    return Statement(site.statement[1], site.statement[2])


def statement_after(source: bytes, statement: Statement, text: str, style: Style) -> list[Edit]:
    """Insert `text` (2-space indented lines) on the lines after `statement`, at its indentation."""
    indent = _indent_at(source, statement.start_byte)
    lines = text.strip("\n").split("\n")
    out = []
    for line in lines:
        body = line.lstrip(" ")
        depth = (len(line) - len(body)) // 2
        out.append(indent + style.indent_unit * depth + body if body else "")
    end = statement.end_byte
    where = _line_end(source, end) if _rest_is_blank(source, end) else end
    following = source[where:].lstrip()
    block = style.newline.join(out)
    if not style.semicolon and following.startswith(tuple(h.encode() for h in ASI_HAZARDS)):
        block += ";"  # the next line would otherwise continue our statement
    return [Edit(where, where, style.newline + block)]
