"""The rule pack as the last scan validated it (issue 13, start-up): reading the rule files (TOML)
and validating each rule's kind data and `[[autofix]]` entries costs a warm scan more than
everything else it does once the imports are done (the validation imports the whole engine). The
validated pack is kept in the cache folder under crashlint's code fingerprint, which covers the
rule files' text and the code that validates them, so a pack read back is one that validated;
a broken pack is never written, and is reported as before when it loads.

One file per cache folder (`rulepack-<hash>.bin`); anything unexpected is a miss.
"""

from __future__ import annotations

import dataclasses

from crashlint.cache import folder
from crashlint.cache.blob import code_fingerprint, pack_path, read_blob, write_blob
from crashlint.rulepack import Example, Rule

MAGIC = b"CRASHLINT-RULEPACK\n"
FIELDS = tuple(f.name for f in dataclasses.fields(Rule))


def _path(cache_dir: str):
    return pack_path(cache_dir, "", "rulepack")


def load(cache_dir: str) -> tuple[Rule, ...] | None:
    """The validated pack kept in `cache_dir` for this crashlint, or None."""
    stored = read_blob(_path(cache_dir), MAGIC, code_fingerprint())
    try:
        if not isinstance(stored, tuple) or len(stored) != 2 or stored[0] != FIELDS:
            return None
        rules = []
        for values in stored[1]:
            fields = dict(zip(FIELDS, values, strict=True))
            fields["examples"] = tuple(Example(*example) for example in fields["examples"])
            rules.append(Rule(**fields))
        return tuple(rules)
    except (TypeError, ValueError):
        return None


def save(cache_dir: str, rules: tuple[Rule, ...]) -> None:
    """Keep the validated pack (nothing is written if a rule holds a value marshal cannot store)."""
    try:
        entries = tuple(
            tuple(tuple((e.language, e.bad, e.good) for e in value) if name == "examples" else value
                  for name, value in ((name, getattr(rule, name)) for name in FIELDS))
            for rule in rules
        )
    except AttributeError:
        return
    folder.prepare(cache_dir)  # its .gitignore and CACHEDIR.TAG first, as the scan makes the folder
    write_blob(_path(cache_dir), MAGIC, code_fingerprint(), (FIELDS, entries))
