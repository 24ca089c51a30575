"""The one jinja2 environment: rule messages, problem texts and fix templates render through it.

Every template is compiled once, the first time it renders, and kept by its source (the rule pack
holds a few hundred): a finding costs a render, not a compilation (issue 13). Text without jinja
markup is returned as it is, and a template that only substitutes names (`{{ subject }}`, or
`{{ labels | join(', ') }}`: most messages) is filled in without jinja2, as jinja2 would (a jinja2
render costs tens of microseconds, a finding renders two or three templates); jinja2 is imported only when a template needs it (start-up): the pack's templates are not
parsed when it loads, tests/test_rulepack.py compiles every one of them. So is a one-line template
whose only blocks are `{% if %}` / `{% elif %}` / `{% else %}` / `{% endif %}` on a plain condition
(`returned`, `not kwargs`, `'(' in subject`, `framework == 'next'`): most problem texts, which
otherwise import jinja2 (about 0.09 s) in every scan that has a finding (cost per finding, issue 13).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

# `{{ name }}` or `{{ name | join(", ") }}` with nothing else inside; any other `{{`, `{%` or `{#`
# (other filters, blocks, whitespace control, comments) and any carriage return (jinja2 normalises
# line breaks) takes jinja2's path. A join's separator is a plain quoted string (no backslash, quote,
# brace or line break): jinja2 reads it as written.
_NAME = re.compile(r"\{\{ *([A-Za-z_][A-Za-z0-9_]*) *(?:\| *join\((?:'([^'\\{}\n\r%#]*)'|\"([^\"\\{}\n\r%#]*)\")\) *)?\}\}")
_OPENER = re.compile(r"(?=\{[{%#])")
# names jinja2 reads as literals, operators or its own variables, not as a value passed in
_NOT_VALUES = frozenset({"true", "false", "none", "True", "False", "None", "and", "or", "not", "in", "is", "if", "else",
                         "self", "loop", "caller", "varargs", "kwargs", "super"})


@cache
def _environment() -> Any:
    import jinja2

    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, autoescape=False)
    environment.tests["contains"] = lambda container, item: item in container
    return environment


@cache
def compiled(template: str) -> Any:
    """The compiled template of `template` (memoized by its source)."""
    return _environment().from_string(template)


@cache
def _substitutions(template: str) -> tuple[tuple[str, ...], tuple[tuple[str, str | None], ...]] | None:
    """(the texts around the substitutions, (name, join separator or None) of each substitution)
    when the template only substitutes names, joined or not; else None."""
    pieces = _NAME.split(template)  # text, name, 'sep', "sep", text, …
    texts = tuple(pieces[0::4])
    names = tuple(zip(pieces[1::4], [a if a is not None else b for a, b in zip(pieces[2::4], pieces[3::4])]))
    openers = {m.start() for m in _OPENER.finditer(template)}  # where jinja2's lexer sees a tag begin
    if ("\r" in template or openers != {m.start() for m in _NAME.finditer(template)}
            or _NOT_VALUES.intersection(name for name, _ in names)):
        return None
    return texts, names


# `{% if %}` and its kin, and the conditions rendered without jinja2: `name`, `not name`,
# `'text' in name`, `'text' not in name`, `name == 'text'`, `name != 'text'` (a quoted text with no
# backslash, quote, brace, `%` or `#`: jinja2 reads it as written)
_TAG = re.compile(r"\{%(.*?)%\}")
_WORD = r"[A-Za-z_][A-Za-z0-9_]*"
_TEXT = r"(?:'([^'\\{}%#\n\r]*)'|\"([^\"\\{}%#\n\r]*)\")"
_CONDITIONS = (
    ("truth", re.compile(rf" *(not +)?({_WORD}) *")),
    ("in", re.compile(rf" *{_TEXT} +(not +)?in +({_WORD}) *")),
    ("eq", re.compile(rf" *({_WORD}) *(==|!=) *{_TEXT} *")),
)
_BLOCK = re.compile(rf" *(if|elif) +(.*)|( *(?:else|endif) *)")
_Condition = tuple  # (kind, name, text, negated)


def _condition(source: str) -> _Condition | None:
    for kind, pattern in _CONDITIONS:
        m = pattern.fullmatch(source)
        if m is None:
            continue
        if kind == "truth":
            negated, name, text = bool(m.group(1)), m.group(2), None
        elif kind == "in":
            text = m.group(1) if m.group(1) is not None else m.group(2)
            negated, name = bool(m.group(3)), m.group(4)
        else:
            name, negated = m.group(1), m.group(2) == "!="
            text = m.group(3) if m.group(3) is not None else m.group(4)
        if name in _NOT_VALUES or name == "not":
            return None
        return kind, name, text, negated
    return None


@cache
def _program(template: str) -> tuple | None:
    """A one-line template of texts that only substitute names (`_substitutions`) and `if` blocks
    on plain conditions, as a tree: ("text", texts, names) | ("if", ((condition, body), …), else
    body), a body a tuple of those; None for anything else (jinja2 renders it, or says what is
    wrong). On one line, `trim_blocks` has no line break to drop and `lstrip_blocks` only the spaces
    before a first tag, which the stripped output drops too."""
    if "\n" in template or "\r" in template or "{%" not in template:
        return None
    pieces = _TAG.split(template)  # text, tag, text, …
    stack: list[tuple[list, list | None]] = [([], None)]  # (the body being filled, its if block's branches)
    for number, piece in enumerate(pieces):
        if number % 2 == 0:
            if "{%" in piece:
                return None  # a tag left open
            if piece.endswith("{") and number < len(pieces) - 1:
                return None  # `{{% …`: jinja2's lexer reads `{{` there, not this tag
            found = _substitutions(piece) if "{" in piece else ((piece,), ())
            if found is None:
                return None
            if piece:
                stack[-1][0].append(("text", *found))
            continue
        block = _BLOCK.fullmatch(piece)
        if block is None:
            return None  # another tag, or whitespace control (`{%-`)
        word = block.group(1) or block.group(3).strip()
        if word == "if":
            condition = _condition(block.group(2))
            if condition is None:
                return None
            body: list = []
            stack.append((body, [[condition, body]]))
        elif stack[-1][1] is None:
            return None  # elif / else / endif outside an if
        else:
            branches = stack[-1][1]
            if word != "endif" and branches[-1][0] is None:
                return None  # an elif or an else after the else
            if word == "elif":
                condition = _condition(block.group(2))
                if condition is None:
                    return None
                body = []
                branches.append([condition, body])
                stack[-1] = (body, branches)
            elif word == "else":
                body = []
                branches.append([None, body])
                stack[-1] = (body, branches)
            else:
                stack.pop()
                otherwise = branches[-1][1] if branches[-1][0] is None else []
                chosen = tuple((c, tuple(b)) for c, b in branches if c is not None)
                stack[-1][0].append(("if", chosen, tuple(otherwise)))
    if len(stack) != 1:
        return None  # an if never closed
    return tuple(stack[0][0])


def _holds(condition: _Condition, values: dict) -> bool:
    kind, name, text, negated = condition
    value = values[name]  # KeyError: undefined, jinja2 says so
    if kind == "truth":
        held = bool(value)
    elif kind == "in":
        held = text in value
    else:
        held = value == text
    return held != negated


def _run(body: tuple, values: dict, out: list[str]) -> None:
    for node in body:
        if node[0] == "text":
            _fill(node[1], node[2], values, out)
            continue
        for condition, branch in node[1]:
            if _holds(condition, values):
                _run(branch, values, out)
                break
        else:
            _run(node[2], values, out)


def _fill(texts: tuple[str, ...], names: tuple, values: dict, out: list[str]) -> None:
    """What jinja2 writes without autoescaping: str() of the value for `{{ name }}`, and for
    `{{ name | join(sep) }}` its join filter's `sep.join(map(str, value))`."""
    out.append(texts[0])
    for (name, sep), after in zip(names, texts[1:]):
        value = values[name]
        out.append(str(value) if sep is None else sep.join(map(str, value)))
        out.append(after)


def render(template: str, **values) -> str:
    if "{" not in template and "\r" not in template:  # no markup: jinja2 would return it as it is
        return template.strip()
    found = _substitutions(template)
    out: list[str] = []
    try:
        if found is not None:
            _fill(found[0], found[1], values, out)
            return "".join(out).strip()
        program = _program(template)
        if program is not None:
            _run(program, values, out)
            return "".join(out).strip()
    except Exception:  # noqa: BLE001 - an undefined name, a value join cannot iterate: jinja2 says which
        pass
    return compiled(template).render(**values).strip()


def parse(template: str) -> None:
    """Raise jinja2.TemplateSyntaxError when a rule's template is malformed."""
    _environment().parse(template)
