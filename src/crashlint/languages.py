"""Languages by file extension, and their tree-sitter grammars (SPEC §2)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tree_sitter

# grammar name per extension; the report's language (code-fence tag, rule applicability) below
GRAMMAR_BY_EXTENSION = {
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".py": "python",
    # a WSGI script: Python that mod_wsgi (`WSGIScriptAlias`) or uWSGI (`wsgi-file`) loads for its
    # `application` (modwsgi.readthedocs.io, "Quick Configuration Guide"; uwsgi-docs "Options": wsgi-file)
    ".wsgi": "python",
}

# The language a rule targets. TSX is TypeScript to a user.
LANGUAGE_OF_GRAMMAR = {
    "typescript": "typescript",
    "tsx": "typescript",
    "javascript": "javascript",
    "python": "python",
}

LANGUAGES = ("typescript", "javascript", "python")


def grammar_for(path: str) -> str | None:
    dot = path.rfind(".")
    if dot < 0:
        return None
    return GRAMMAR_BY_EXTENSION.get(path[dot:].lower())


@cache
def ts_language(grammar: str) -> tree_sitter.Language:
    # the bindings are imported when a file is first parsed: a cached result needs none of them
    import tree_sitter
    import tree_sitter_javascript
    import tree_sitter_python
    import tree_sitter_typescript

    if grammar == "typescript":
        return tree_sitter.Language(tree_sitter_typescript.language_typescript())
    if grammar == "tsx":
        return tree_sitter.Language(tree_sitter_typescript.language_tsx())
    if grammar == "javascript":
        return tree_sitter.Language(tree_sitter_javascript.language())
    if grammar == "python":
        return tree_sitter.Language(tree_sitter_python.language())
    raise KeyError(grammar)


@cache
def parser(grammar: str) -> tree_sitter.Parser:
    import tree_sitter

    return tree_sitter.Parser(ts_language(grammar))
