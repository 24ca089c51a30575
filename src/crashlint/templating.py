"""The one jinja2 environment: rule messages, problem texts and fix templates render through it.

Every template is compiled once, the first time it renders, and kept by its source (the rule pack
holds a few hundred): a finding costs a render, not a compilation (issue 13). Text without jinja
markup is returned as it is, and a template that only substitutes names (`{{ subject }}`) is
filled in without jinja2, as jinja2 would (a render costs microseconds, and most messages are
such); jinja2 is imported only when a template needs it (start-up): the pack's templates are not
parsed when it loads, tests/test_rulepack.py compiles every one of them.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

# `{{ name }}` with nothing else inside; any other `{{`, `{%` or `{#` (filters, blocks, whitespace
# control, comments) and any carriage return (jinja2 normalises line breaks) takes jinja2's path
_NAME = re.compile(r"\{\{ *([A-Za-z_][A-Za-z0-9_]*) *\}\}")
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
def _substitutions(template: str) -> tuple[str, ...] | None:
    """text, name, text, name, …, text when the template only substitutes names; else None."""
    parts = tuple(_NAME.split(template))
    openers = {m.start() for m in _OPENER.finditer(template)}  # where jinja2's lexer sees a tag begin
    if "\r" in template or openers != {m.start() for m in _NAME.finditer(template)} or _NOT_VALUES.intersection(parts[1::2]):
        return None
    return parts


def render(template: str, **values) -> str:
    if "{" not in template and "\r" not in template:  # no markup: jinja2 would return it as it is
        return template.strip()
    parts = _substitutions(template)
    if parts is not None:
        try:  # what jinja2 writes for `{{ name }}` without autoescaping: str() of the value
            return "".join([part if i % 2 == 0 else str(values[part]) for i, part in enumerate(parts)]).strip()
        except KeyError:
            pass  # an undefined name: jinja2 (StrictUndefined) says which
    return compiled(template).render(**values).strip()


def parse(template: str) -> None:
    """Raise jinja2.TemplateSyntaxError when a rule's template is malformed."""
    _environment().parse(template)
