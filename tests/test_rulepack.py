"""Registry-wide checks: every rule is documented, well formed, and its examples behave."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tree_sitter

from crashlint.facts import javascript, python
from crashlint.languages import ts_language
from crashlint.rulepack import DOC_HEADINGS, load_rules
from crashlint.scan import scan

RULES = load_rules()
EXTENSION = {"typescript": "ts", "javascript": "js", "python": "py"}


def test_pack_is_not_empty_and_ids_are_well_formed() -> None:
    assert len(RULES) >= 2
    for rule in RULES:
        assert re.fullmatch(r"CL\d{3}", rule.id)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", rule.slug)
        assert Path(rule.source).name == f"{rule.id}_{rule.slug}.toml", "rule files are named <id>_<slug>.toml"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_docs_have_every_section(rule) -> None:
    docs = rule.docs_markdown()
    for heading in [*DOC_HEADINGS.values(), "Example", "References"]:
        assert f"## {heading}" in docs
    assert all(ref.startswith("https://") for ref in rule.references)
    assert {e.language for e in rule.examples} >= {"python" if "python" in rule.languages else rule.languages[0]}


@pytest.mark.parametrize(
    ("rule", "example"),
    [(rule, example) for rule in RULES for example in rule.examples],
    ids=lambda v: getattr(v, "id", getattr(v, "language", "")),
)
def test_documented_examples_behave(tmp_path, rule, example) -> None:
    bad = tmp_path / "bad" / f"example.{EXTENSION[example.language]}"
    good = tmp_path / "good" / f"example.{EXTENSION[example.language]}"
    for path, code in ((bad, example.bad), (good, example.good)):
        path.parent.mkdir()
        path.write_text(code)
    assert [f.rule_id for f in scan([str(bad.parent)], select=[rule.id]).findings], "the bad example must fire"
    assert not scan([str(good.parent)], select=[rule.id]).findings, "the good example must not fire"


@pytest.mark.parametrize("grammar", ["typescript", "tsx", "javascript"])
def test_javascript_node_kinds_exist_in_grammar(grammar: str) -> None:
    language = ts_language(grammar)
    tree_sitter.Query(language, javascript.query_source(grammar))  # raises on an unknown kind
    kinds = set(javascript.FUNCTION_KINDS) | set(javascript.STATEMENT_PARENTS) | {"member_expression", "call_expression"}
    kinds |= set(javascript.TRANSPARENT) - ({"as_expression", "non_null_expression", "satisfies_expression", "type_assertion"} if grammar == "javascript" else set())
    kinds -= {"public_field_definition"} if grammar == "javascript" else {"field_definition"}
    if grammar == "tsx":
        kinds.discard("type_assertion")  # JSX takes the <T>x syntax
    for kind in sorted(kinds):
        assert language.id_for_node_kind(kind, True), f"{kind} is not a {grammar} node kind"


def test_python_node_kinds_exist_in_grammar() -> None:
    language = ts_language("python")
    tree_sitter.Query(language, python.QUERY)
    for kind in sorted(python.TRANSPARENT | python.STATEMENTS | python.FUNCTION_KINDS):
        assert language.id_for_node_kind(kind, True), kind


def test_fix_templates_exist_for_every_language() -> None:
    for rule in RULES:
        for language in rule.languages:
            assert rule.fix_template(language), f"{rule.id} has no fix template for {language}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_fix_templates_render_for_a_minimal_finding(rule) -> None:
    """A finding carries at least these names, and the report passes `ts` (TypeScript, not plain
    JavaScript: type annotations only there); templates must not need more (StrictUndefined)."""
    from crashlint.templating import render

    item = {"subject": "client", "library": "x", "missing": [], "path": "a.ts", "line": 1, "call": "f(x)",
            "callee": "x.y", "nargs": "1", "case": "express", "client": "redis", "increment": "", "app": "app",
            "server": ""}
    for language in rule.languages:
        render(rule.fix_template(language), findings=[item], ts=language == "typescript")


def _pack_strings(value, where: str):
    """Every string of a rule file outside its docs, with where it sits."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _pack_strings(item, f"{where}.{key}")
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from _pack_strings(item, f"{where}[{number}]")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_template_of_the_pack_compiles(rule) -> None:
    """Loading the pack does not import jinja2 (start-up); the templates are compiled when first
    rendered, so their syntax is checked here: messages, problem texts, fix templates, autofixes."""
    import jinja2

    from crashlint.templating import compiled

    strings = [("message", rule.message), *(("fix." + k, v) for k, v in rule.fix_templates.items())]
    strings += list(_pack_strings(rule.data, "data"))
    checked = 0
    for where, text in strings:
        if any(opener in text for opener in ("{{", "{%", "{#")):
            try:
                compiled(text)
            except jinja2.TemplateSyntaxError as exc:
                pytest.fail(f"{rule.source} {where}: {exc}")
            checked += 1
    assert checked >= 2, "a rule has at least a message and a fix template"


def test_plain_text_renders_as_jinja2_would() -> None:
    """render() skips jinja2 for a text without its syntax: the same result as rendering it."""
    from crashlint.templating import _environment, render

    for text in ("Pass `signal: AbortSignal.timeout(30_000)`", "  a { b } c\n", "x\n\n", "{ request: 10_000 }", ""):
        assert render(text) == _environment().from_string(text).render().strip()
