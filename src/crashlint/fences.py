"""Markdown code fences that stay valid whatever the fenced text contains."""

from __future__ import annotations

import re

_BACKTICKS = re.compile(r"`+")


def fence_for(content: str) -> str:
    """A backtick fence longer than any backtick run inside `content` (CommonMark §4.5)."""
    longest = max((len(m) for m in _BACKTICKS.findall(content)), default=0)
    return "`" * max(3, longest + 1)


def fenced(content: str, info: str = "") -> str:
    fence = fence_for(content)
    return f"{fence}{info}\n{content}\n{fence}"
