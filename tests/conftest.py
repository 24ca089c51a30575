from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _schema_path() -> Path:
    """The official OASIS SARIF 2.1.0 schema, vendored (sha256 c3b4bb2d…, see tests/schemas/)."""
    return ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="session")
def sarif_validator():
    import jsonschema

    path = _schema_path()
    if not path.is_file():
        pytest.fail(f"SARIF schema not found at {path}")
    schema = json.loads(path.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/* from current output")
