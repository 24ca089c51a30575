"""Rule kinds: one module per kind of check, each with `validate`, `methods` and `check`.

A rule file in rules/ names its kind; the kind module reads the rule's data. Logic that no kind's
vocabulary covers gets a new, clearly named kind module here, never a special case elsewhere.
"""

from __future__ import annotations

from types import ModuleType

from crashlint.engine import app, async_rejection, call_option, redis_expiry, resource

KINDS: dict[str, ModuleType] = {
    "resource": resource,
    "call-option": call_option,
    "async-rejection": async_rejection,
    "app": app,
    "redis-expiry": redis_expiry,
}
