"""Reach per class method (issue 14, rev17-ts lesson 1): `crashlint processes --why` names the
methods of a loaded file that no live code names, and only those (the near-misses of
tests/fixtures/CL008/projects/class-method-reach are the rules' side)."""

from __future__ import annotations

from pathlib import Path

from crashlint.scan import process_model

FIXTURE = Path(__file__).parent / "fixtures" / "CL008" / "projects" / "class-method-reach"


def _unnamed(path: str) -> list[str]:
    _, model, _ = process_model([str(FIXTURE)])
    return [line.split("`")[1] for line in model.unnamed_methods(path)]


def test_why_lists_the_methods_no_live_code_names() -> None:
    # byDestructuring, byStringKey, handedOn, overridden (Base's this.overridden()) and the hook are
    # named; Poller, Plugin, Auditor, Dispatcher and Registered keep every method; Base.start is called by
    # nothing (Base comes first in the file: FeedClient extends it, so its `this.overridden()` is live code)
    assert _unnamed("src/clients.ts") == ["start", "neverCalled", "onlyInText"]
    # the generated client's uncalled operation; its overloads, doc comment and error text are no call
    assert _unnamed("src/generated/api/validation.service.ts") == ["validateArchive"]
    assert _unnamed("src/main.ts") == []
