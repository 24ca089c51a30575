"""The one jinja2 environment: rule messages, problem texts and fix templates render through it.

Every template is compiled once, the first time it renders, and kept by its source (the rule pack
holds a few hundred): a finding costs a render, not a compilation (issue 13). Text without jinja
markup is returned as it is, and jinja2 is imported only when a template needs it (start-up): the
pack's templates are not parsed when it loads, tests/test_rulepack.py compiles every one of them.
"""

from __future__ import annotations

from functools import cache
from typing import Any


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


def render(template: str, **values) -> str:
    if "{" not in template:  # no markup: nothing to substitute (jinja2 would return it, stripped below)
        return template.strip()
    return compiled(template).render(**values).strip()


def parse(template: str) -> None:
    """Raise jinja2.TemplateSyntaxError when a rule's template is malformed."""
    _environment().parse(template)
