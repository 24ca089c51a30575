"""crashlint: find the code patterns that hang, leak and crash Node.js and Python servers."""

__version__ = "0.1.0"  # the one version source: pyproject.toml reads it (hatch), releases tag it v<version>
__url__ = "https://github.com/crashlint/crashlint"  # SARIF informationUri, the rules' helpUri, pyproject's URLs
RULES_URL = __url__ + "/blob/v{version}/rules/{file}"  # a rule's file at this version's tag

# The console script (`crashlint.cli.run`) sets this to a list: a scan then leaves what it built of
# the project (every file's facts, the models) there, frozen out of the collector's sight, and the
# process ends without freeing it object by object (0.15-0.2 s of CPU on a 5,000-file project:
# issue 13, the commit path). In process (tests, the language server) it stays None: freed as usual.
HELD_UNTIL_EXIT: list | None = None
