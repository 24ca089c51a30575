"""Reach by namespace member (issue 14, rev19-ts lesson 1): a namespace a server reads for one member
reaches that member, not the whole module; a computed `require` whose path ends in a module's name
loads only modules so named. The rules' side is the near-misses of
tests/fixtures/CL008/projects/{namespace-member-reach,computed-require-named-module}."""

from __future__ import annotations

from pathlib import Path

from crashlint.facts.js_units import member_use
from crashlint.scan import process_model

PROJECTS = Path(__file__).parent / "fixtures" / "CL008" / "projects"


def test_a_member_use_names_its_binding_and_member() -> None:
    assert member_use("StoreActions.receive") == ("StoreActions", "receive")
    assert member_use("StoreActions") is None
    assert member_use("<exports>.handler") is None  # the extractor's name of a CommonJS export


def test_why_lists_the_declarations_no_process_names() -> None:
    _, model, _ = process_model([str(PROJECTS / "namespace-member-reach")])
    not_run = {path: [line.split("`")[1] for line in model.unreached_declarations(path)]
               for path in ("packages/core/src/api.ts", "packages/core/src/modules/space/actions.ts",
                            "packages/server/src/hooks.ts", "packages/server/src/local.ts")}
    assert not_run == {
        # `ping` is reached through `StoreActions.receive` (a namespace re-exported by name, then a barrel)
        "packages/core/src/api.ts": ["fetchSpace", "fetchSpaceInfo"],
        "packages/core/src/modules/space/actions.ts": ["loadSpace", "getSpaceInfo"],
        "packages/server/src/hooks.ts": [],  # `register(Hooks)`: a namespace handed on whole
        "packages/server/src/local.ts": ["unused"],  # `Local.used()` only
    }


def test_a_computed_require_ending_in_a_module_name_loads_only_that_module() -> None:
    """APITable's room-server: `require(`${enterpriseModulePath}/ai.enterprise.module`)` in a process a
    monorepo's root manifest starts took every module of the repository (the Next.js client's too)."""
    _, model, _ = process_model([str(PROJECTS / "computed-require-named-module")])
    root = next(p for p in model.processes if p.name == "root")
    assert sorted(root.files) == ["packages/server/src/ai/ai.dynamic.module.ts",
                                  "packages/server/src/enterprise/ai/ai.enterprise.module.ts",
                                  "packages/server/src/main.ts"]
    assert model.roles["packages/web/src/modules/api/java_api.ts"] != "server"
    assert model.roles["packages/server/src/jobs.ts"] != "server"
