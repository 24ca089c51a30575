"""The one jinja2 environment: rule messages, problem texts and fix templates render through it."""

from __future__ import annotations

import jinja2

_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, autoescape=False)
_ENV.tests["contains"] = lambda container, item: item in container


def render(template: str, **values) -> str:
    return _ENV.from_string(template).render(**values).strip()


def parse(template: str) -> None:
    """Raise jinja2.TemplateSyntaxError when a rule's template is malformed."""
    _ENV.parse(template)
