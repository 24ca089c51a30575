"""crashlint: find the code patterns that hang, leak and crash Node.js and Python servers."""

__version__ = "0.1.0"  # the one version source: pyproject.toml reads it (hatch), releases tag it v<version>
__url__ = "https://github.com/crashlint/crashlint"  # SARIF informationUri, the rules' helpUri, pyproject's URLs
RULES_URL = __url__ + "/blob/v{version}/rules/{file}"  # a rule's file at this version's tag
