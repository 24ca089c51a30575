"""The one jinja2 environment: rule messages, problem texts and fix templates render through it.

Every template is compiled once, the first time it renders, and kept by its source (the rule pack
holds a few hundred): a finding costs a render, not a compilation (issue 13). Text without jinja
markup is returned as it is, and a template that only substitutes names (`{{ subject }}`, or
`{{ labels | join(', ') }}`: most messages) is filled in without jinja2, as jinja2 would (a jinja2
render costs tens of microseconds, a finding renders two or three templates); jinja2 is imported only when a template needs it (start-up): the pack's templates are not
parsed when it loads, tests/test_rulepack.py compiles every one of them.
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


def render(template: str, **values) -> str:
    if "{" not in template and "\r" not in template:  # no markup: jinja2 would return it as it is
        return template.strip()
    found = _substitutions(template)
    if found is not None:
        texts, names = found
        # what jinja2 writes without autoescaping: str() of the value for `{{ name }}`, and for
        # `{{ name | join(sep) }}` its join filter's `sep.join(map(str, value))`
        out = [texts[0]]
        try:
            for (name, sep), after in zip(names, texts[1:]):
                value = values[name]
                out.append(str(value) if sep is None else sep.join(map(str, value)))
                out.append(after)
        except Exception:  # noqa: BLE001 - an undefined name, a value join cannot iterate: jinja2 says which
            pass
        else:
            return "".join(out).strip()
    return compiled(template).render(**values).strip()


def parse(template: str) -> None:
    """Raise jinja2.TemplateSyntaxError when a rule's template is malformed."""
    _environment().parse(template)
