"""Notebooks shipped inside a package are not processes (issue 14 class 1; rev17-py lesson 2).

marimo keeps about 500 notebooks in its own package (smoke tests, snippets, tutorials), each ending
in `if __name__ == "__main__": app.run()`; inside marimo's package `app.run()` resolves to marimo's
own `App.run`, whose runner loops, so each was read as a worker. A file with `app = marimo.App(…)`
and `@app.cell` functions is a notebook a person opens (docs.marimo.io), whatever `app.run()` does.
"""

from __future__ import annotations

from pathlib import Path

from crashlint.scan import process_model
from helpers import write_project as _write

MARIMO = {
    "pyproject.toml": '[project]\nname = "marimo"\ndependencies = ["starlette", "uvicorn"]\n',
    "marimo/__init__.py": "from marimo._ast.app import App\n\n__all__ = ['App']\n",
    "marimo/_ast/__init__.py": "",
    "marimo/_ast/app.py": "import time\n\n\nclass App:\n    def __init__(self, **kwargs):\n        self.cells = []\n\n"
                          "    def cell(self, fn=None, **kwargs):\n        self.cells.append(fn)\n        return fn\n\n"
                          "    def run(self):\n        while True:\n            for cell in self.cells:\n                cell()\n"
                          "            time.sleep(1)\n",
    "marimo/_smoke_tests/__init__.py": "",
    "marimo/_smoke_tests/images.py": "import marimo\n\napp = marimo.App(width='medium')\n\n\n@app.cell\ndef _():\n"
                                     "    import requests\n    requests.get('https://picsum.photos/400')\n    return\n\n\n"
                                     "@app.cell(hide_code=True)\ndef _():\n    return\n\n\nif __name__ == '__main__':\n    app.run()\n",
    "marimo/poller.py": "import marimo\nimport time\n\n\ndef main():\n    while True:\n        time.sleep(5)\n\n\n"
                        "if __name__ == '__main__':\n    main()\n",
}


def test_a_marimo_notebook_inside_marimo_is_not_a_worker(tmp_path: Path) -> None:
    _write(tmp_path, MARIMO)
    _, model, _ = process_model([str(tmp_path)])
    kinds = {p.entries[0]: (p.kind, p.evidence[0]) for p in model.processes if p.entries}
    kind, evidence = kinds["marimo/_smoke_tests/images.py"]
    assert kind == "cli" and "a marimo notebook" in evidence
    # ok: a real loop beside it stays a worker
    assert kinds["marimo/poller.py"][0] == "worker"


def test_a_file_with_a_marimo_app_but_no_cells_is_judged_as_before(tmp_path: Path) -> None:
    """ok: `marimo.App()` with no `@app.cell` function is no notebook (a program that builds an app)."""
    files = dict(MARIMO)
    files["marimo/_smoke_tests/images.py"] = "import marimo\n\napp = marimo.App()\n\nif __name__ == '__main__':\n    app.run()\n"
    _write(tmp_path, files)
    _, model, _ = process_model([str(tmp_path)])
    kinds = {p.entries[0]: p.kind for p in model.processes if p.entries}
    assert kinds["marimo/_smoke_tests/images.py"] == "worker"
